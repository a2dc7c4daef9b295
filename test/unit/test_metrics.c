/* SPDX-License-Identifier: MIT */
/* The exposition writer, checked by comparing whole rendered texts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"

#define ARENA_CAP (16u << 20)

static struct metrics_arena arena;
static char out[8u << 20];
static char expect[8u << 20];

static int setup(void **state)
{
	(void)state;
	return metrics_arena_init(&arena, ARENA_CAP);
}

static int teardown(void **state)
{
	(void)state;
	metrics_arena_fini(&arena);
	return 0;
}

/* Renders, checks the size promise, and returns the text NUL-terminated. */
static const char *render(const struct metrics_arena *a)
{
	size_t size = metrics_render_size(a);
	long n = metrics_render(a, out, sizeof(out) - 1);

	assert_true(n >= 0);
	assert_int_equal((size_t)n, size);
	out[n] = '\0';
	return out;
}

/* Appends to the expected text at len; returns the new length. */
__attribute__((format(printf, 2, 3))) static size_t expectf(size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(expect + len, sizeof(expect) - len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(expect) - len);
	return len + (size_t)n;
}

static int gauge(const char *name, const char *help)
{
	int fam = metrics_family(&arena, name, help, METRICS_GAUGE);

	assert_true(fam >= 0);
	return fam;
}

static void test_render_empty_arena_is_empty(void **state)
{
	(void)state;
	assert_int_equal(metrics_render_size(&arena), 0);
	assert_string_equal(render(&arena), "");
}

static void test_render_omits_family_without_samples(void **state)
{
	int a, b;

	(void)state;
	a = gauge("a", "A.");
	b = gauge("b", "B.");
	(void)gauge("c", "C.");
	assert_int_equal(metrics_sample_u64(&arena, b, NULL, 0, 2), 0);
	assert_int_equal(a, 0);
	assert_string_equal(render(&arena), "# HELP b B.\n# TYPE b gauge\nb 2\n");
}

static void test_render_types_and_labels(void **state)
{
	const struct metrics_label l2[] = { { "id", "7" }, { "name", "xdp_pass" } };
	int c, u;

	(void)state;
	c = metrics_family(&arena, "ebpf_c_total", "Counter.", METRICS_COUNTER);
	u = metrics_family(&arena, "ns:u", "Untyped.", METRICS_UNTYPED);
	assert_int_equal(metrics_sample_u64(&arena, c, l2, 2, 5), 0);
	assert_int_equal(metrics_sample_u64(&arena, u, l2, 1, 6), 0);
	assert_string_equal(render(&arena), "# HELP ebpf_c_total Counter.\n"
					    "# TYPE ebpf_c_total counter\n"
					    "ebpf_c_total{id=\"7\",name=\"xdp_pass\"} 5\n"
					    "# HELP ns:u Untyped.\n"
					    "# TYPE ns:u untyped\n"
					    "ns:u{id=\"7\"} 6\n");
}

static void test_render_escapes_help_backslash_newline_not_quote(void **state)
{
	int f;

	(void)state;
	f = gauge("h", "a \\ b\nc \"q\" d\\n");
	assert_int_equal(metrics_sample_u64(&arena, f, NULL, 0, 1), 0);
	assert_string_equal(render(&arena),
			    "# HELP h a \\\\ b\\nc \"q\" d\\\\n\n# TYPE h gauge\nh 1\n");
}

static void test_render_null_help_omits_help_line_empty_help_keeps_it(void **state)
{
	int a, b;

	(void)state;
	a = gauge("a", NULL);
	b = gauge("b", "");
	assert_int_equal(metrics_sample_u64(&arena, a, NULL, 0, 1), 0);
	assert_int_equal(metrics_sample_u64(&arena, b, NULL, 0, 2), 0);
	assert_string_equal(render(&arena),
			    "# TYPE a gauge\na 1\n# HELP b \n# TYPE b gauge\nb 2\n");
}

static void test_render_escapes_label_value_quote_backslash_newline(void **state)
{
	const struct metrics_label l[] = { { "path", "C:\\dir\n\"x\"\t" }, { "e", "" } };
	int f;

	(void)state;
	f = gauge("m", "M.");
	assert_int_equal(metrics_sample_u64(&arena, f, l, 2, 1), 0);
	assert_string_equal(render(&arena), "# HELP m M.\n# TYPE m gauge\n"
					    "m{path=\"C:\\\\dir\\n\\\"x\\\"\t\",e=\"\"} 1\n");
}

static void test_render_replaces_invalid_utf8_in_label_value(void **state)
{
	/* kept: 2, 3 and 4 byte sequences; replaced: lone continuation, truncated sequence,
	 * overlong "/", surrogate, above U+10FFFF, 0xFF */
	const struct metrics_label ok = { "v", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80" };
	const struct metrics_label bad = {
		"v", "\x80|\xE2\x82|\xC0\xAF|\xED\xA0\x80|\xF4\x90\x80\x80|\xFF"
	};
	int f;

	(void)state;
	f = gauge("u", NULL);
	assert_int_equal(metrics_sample_u64(&arena, f, &ok, 1, 1), 0);
	assert_int_equal(metrics_sample_u64(&arena, f, &bad, 1, 2), 0);
#define R "\xEF\xBF\xBD"
	assert_string_equal(render(&arena), "# TYPE u gauge\n"
					    "u{v=\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"} 1\n"
					    "u{v=\"" R "|" R R "|" R R "|" R R R "|" R R R R "|" R
					    "\"} 2\n");
#undef R
}

static void test_render_integers_zero_max_min(void **state)
{
	int u, i;

	(void)state;
	u = gauge("u", NULL);
	i = gauge("i", NULL);
	assert_int_equal(metrics_sample_u64(&arena, u, NULL, 0, 0), 0);
	assert_int_equal(metrics_sample_u64(&arena, u, NULL, 0, 9), 0);
	assert_int_equal(metrics_sample_u64(&arena, u, NULL, 0, 10), 0);
	assert_int_equal(metrics_sample_u64(&arena, u, NULL, 0, 1000000007), 0);
	assert_int_equal(metrics_sample_u64(&arena, u, NULL, 0, UINT64_MAX), 0);
	assert_int_equal(metrics_sample_i64(&arena, i, NULL, 0, 0), 0);
	assert_int_equal(metrics_sample_i64(&arena, i, NULL, 0, -1), 0);
	assert_int_equal(metrics_sample_i64(&arena, i, NULL, 0, INT64_MAX), 0);
	assert_int_equal(metrics_sample_i64(&arena, i, NULL, 0, INT64_MIN), 0);
	assert_string_equal(render(&arena), "# TYPE u gauge\n"
					    "u 0\nu 9\nu 10\nu 1000000007\nu 18446744073709551615\n"
					    "# TYPE i gauge\n"
					    "i 0\ni -1\ni 9223372036854775807\n"
					    "i -9223372036854775808\n");
}

static void test_render_doubles_special_and_shortest(void **state)
{
	const double v[] = { 0.0 / 0.0, 1.0 / 0.0, -1.0 / 0.0, 0.1, 1e-9, 123456789.125,
			     5e+300, 0.0, -0.0, 1.0, -42.0, 1e15, 0.1 + 0.2, 1.5e-300,
			     999999999999999.0, 2.5 };
	int f;

	(void)state;
	f = gauge("d", NULL);
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
		assert_int_equal(metrics_sample_double(&arena, f, NULL, 0, v[k]), 0);
	assert_string_equal(render(&arena), "# TYPE d gauge\n"
					    "d NaN\nd +Inf\nd -Inf\nd 0.1\nd 1e-09\n"
					    "d 123456789.125\nd 5e+300\nd 0\nd -0\nd 1\nd -42\n"
					    "d 1e+15\nd 0.30000000000000004\nd 1.5e-300\n"
					    "d 999999999999999\nd 2.5\n");
}

static double exact10(int e)
{
	double p = 1;

	for (int i = 0; i < (e < 0 ? -e : e); i++)
		p *= 10;
	return e < 0 ? 1 / p : p;
}

/* Doubles of the shapes that matter, from 64 random bits. */
static double shaped_double(uint64_t x, int shape)
{
	double v;

	switch (shape) {
	case 0: /* any bit pattern */
		memcpy(&v, &x, sizeof(v));
		return v;
	case 1: /* nanoseconds as seconds */
		return (double)(x >> 11) / 1e9;
	case 2:
		return (double)(x >> (x % 64)) / 1e9;
	case 3: /* up to 15 digits (and a half), scaled 10^-28 .. 10^21 */
		return ((double)(x % 1000000000000000u) + 0.5 * (double)(x >> 63)) *
		       exact10((int)((x >> 40) % 50) - 28);
	default: /* next to 999999999999999.5 x 10^n, where the exponent rounds up */
		v = (double)(999999999999999u - x % 3) + (double)((x >> 8) % 4) * 0.25;
		return v * exact10((int)((x >> 40) % 46) - 24) * (x >> 63 ? -1 : 1);
	}
}

/* Property: each double reads back exactly, in the first of 15..17 digits that does. */
static void test_render_doubles_round_trip_in_fewest_digits(void **state)
{
	uint64_t x = 0x9E3779B97F4A7C15u;
	int f;

	(void)state;
	f = gauge("d", NULL);
	for (int k = 0; k < 200000; k++) {
		char want[64];
		double v;
		int prec = 15;
		const char *line;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v = shaped_double(x, k % 5);
		if (v != v || v - v != 0) /* NaN and infinities: covered above */
			continue;
		while (prec < 17 && (snprintf(want, sizeof(want), "%.*g", prec, v),
				     strtod(want, NULL) != v))
			prec++;
		snprintf(want, sizeof(want), "# TYPE d gauge\nd %.*g\n", prec, v);
		metrics_reset(&arena);
		assert_int_equal(metrics_family(&arena, "d", NULL, METRICS_GAUGE), f);
		assert_int_equal(metrics_sample_double(&arena, f, NULL, 0, v), 0);
		line = render(&arena);
		assert_string_equal(line, want);
		assert_true(strtod(line + strlen("# TYPE d gauge\nd "), NULL) == v);
	}
}

static void test_family_rejects_invalid_names_and_writes_nothing(void **state)
{
	const char *bad[] = { "", "1abc", "a-b", "a b", "a{", "é", "a\n", "a.b" };
	int f;

	(void)state;
	f = gauge("ok", NULL);
	assert_int_equal(metrics_sample_u64(&arena, f, NULL, 0, 1), 0);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		assert_int_equal(metrics_family(&arena, bad[k], "x", METRICS_GAUGE), -EINVAL);
	assert_int_equal(metrics_family(&arena, NULL, "x", METRICS_GAUGE), -EINVAL);
	assert_int_equal(metrics_family(&arena, "t", "x", METRICS_TYPE_COUNT), -EINVAL);
	assert_int_equal(arena.nfamilies, 1);
	assert_true(metrics_family(&arena, "_a:b_c9", NULL, METRICS_GAUGE) >= 0);
	assert_true(metrics_family(&arena, ":x", NULL, METRICS_GAUGE) >= 0);
	assert_string_equal(render(&arena), "# TYPE ok gauge\nok 1\n");
}

static void test_sample_rejects_invalid_labels_and_writes_nothing(void **state)
{
	const struct metrics_label bad[][2] = {
		{ { "", "v" }, { "b", "v" } },	  { { "1a", "v" }, { "b", "v" } },
		{ { "a:b", "v" }, { "b", "v" } }, { { "__a", "v" }, { "b", "v" } },
		{ { "a-b", "v" }, { "b", "v" } }, { { NULL, "v" }, { "b", "v" } },
		{ { "a", NULL }, { "b", "v" } },  { { "a", "v" }, { "a", "w" } },
	};
	struct metrics_label many[METRICS_MAX_LABELS + 1];
	int f;

	(void)state;
	f = gauge("m", NULL);
	assert_int_equal(metrics_sample_u64(&arena, f, NULL, 0, 1), 0);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		assert_int_equal(metrics_sample_u64(&arena, f, bad[k], 2, 2), -EINVAL);
	for (size_t k = 0; k < sizeof(many) / sizeof(many[0]); k++)
		many[k] = (struct metrics_label){ "l", "v" };
	assert_int_equal(metrics_sample_u64(&arena, f, many, METRICS_MAX_LABELS + 1, 3), -EINVAL);
	assert_int_equal(metrics_sample_u64(&arena, f, NULL, 1, 4), -EINVAL);
	assert_int_equal(metrics_sample_u64(&arena, f + 1, NULL, 0, 5), -EINVAL);
	assert_int_equal(metrics_sample_u64(&arena, -1, NULL, 0, 5), -EINVAL);
	assert_false(metrics_overflowed(&arena));
	assert_string_equal(render(&arena), "# TYPE m gauge\nm 1\n");
}

static void test_family_declared_twice_returns_eexist(void **state)
{
	(void)state;
	assert_int_equal(gauge("a", "A."), 0);
	assert_int_equal(metrics_family(&arena, "a", "Other.", METRICS_COUNTER), -EEXIST);
	assert_int_equal(gauge("ab", "AB."), 1);
	metrics_reset(&arena);
	assert_int_equal(gauge("a", "A."), 0);
}

static void test_family_past_max_returns_enospc_and_overflows(void **state)
{
	static char names[METRICS_MAX_FAMILIES][16];

	(void)state;
	for (int k = 0; k < METRICS_MAX_FAMILIES; k++) {
		snprintf(names[k], sizeof(names[k]), "f%d", k);
		assert_int_equal(metrics_family(&arena, names[k], NULL, METRICS_GAUGE), k);
	}
	assert_int_equal(metrics_family(&arena, "more", NULL, METRICS_GAUGE), -ENOSPC);
	assert_true(metrics_overflowed(&arena));
	assert_int_equal(metrics_render(&arena, out, sizeof(out)), -EOVERFLOW);
}

/* Three families fed in turn, as a walk over programs feeds them: each family ends up
 * with a chain of many chunks, and the output still groups each family in order. */
static void test_render_interleaved_families_keep_declaration_order(void **state)
{
	const char *names[] = { "x_bytes", "x_count", "x_seconds" };
	int fam[3];
	size_t len = 0;

	(void)state;
	for (int k = 0; k < 3; k++)
		fam[k] = gauge(names[k], "H.");
	assert_int_equal(metrics_family(&arena, "x_empty", "E.", METRICS_GAUGE), 3);
	for (unsigned i = 0; i < 3000; i++) {
		char id[METRICS_U64_STR_SIZE];
		const struct metrics_label l[] = { { "id", metrics_u64_str(id, sizeof(id), i) },
						   { "name", "prog" } };

		assert_int_equal(metrics_sample_u64(&arena, fam[0], l, 2, (uint64_t)i * 4096), 0);
		assert_int_equal(metrics_sample_i64(&arena, fam[1], l, 2, -(int64_t)i), 0);
		assert_int_equal(metrics_sample_double(&arena, fam[2], l, 2, i / 8.0), 0);
	}
	for (int k = 0; k < 3; k++) {
		assert_int_not_equal(arena.families[fam[k]].head, arena.families[fam[k]].tail);
		len = expectf(len, "# HELP %s H.\n# TYPE %s gauge\n", names[k], names[k]);
		for (unsigned i = 0; i < 3000; i++) {
			len = expectf(len, "%s{id=\"%u\",name=\"prog\"} ", names[k], i);
			if (k == 0)
				len = expectf(len, "%u\n", i * 4096);
			else if (k == 1)
				len = expectf(len, "%d\n", -(int)i);
			else
				len = expectf(len, "%.15g\n", i / 8.0);
		}
	}
	assert_string_equal(render(&arena), expect);
}

static void test_line_exactly_filling_chunk_stays_in_it(void **state)
{
	/* header "# TYPE a gauge\n" (15) + "a{v=\"" (5) + value + "\"} 1\n" (5) */
	static char v[METRICS_CHUNK_SIZE];
	const size_t vlen = METRICS_CHUNK_SIZE - 16 - 15 - 10;
	const struct metrics_label l = { "v", v };
	int a, b;

	(void)state;
	memset(v, 'x', vlen);
	a = gauge("a", NULL);
	b = gauge("b", NULL);
	assert_int_equal(metrics_sample_u64(&arena, a, &l, 1, 1), 0);
	assert_int_equal(arena.top, METRICS_CHUNK_SIZE);
	assert_int_equal(metrics_sample_u64(&arena, b, NULL, 0, 2), 0);
	assert_int_equal(metrics_sample_u64(&arena, a, NULL, 0, 3), 0);
	assert_int_equal(arena.top, 3 * METRICS_CHUNK_SIZE);
	snprintf(expect, sizeof(expect),
		 "# TYPE a gauge\na{v=\"%s\"} 1\na 3\n# TYPE b gauge\nb 2\n", v);
	assert_string_equal(render(&arena), expect);
}

static void test_line_longer_than_chunk_gets_a_bigger_chunk(void **state)
{
	static char v[3 * METRICS_CHUNK_SIZE];
	const struct metrics_label l = { "v", v };
	int a, b;

	(void)state;
	memset(v, 'y', sizeof(v) - 1);
	a = gauge("a", NULL);
	b = gauge("b", NULL);
	assert_int_equal(metrics_sample_u64(&arena, a, NULL, 0, 1), 0);
	assert_int_equal(metrics_sample_u64(&arena, b, NULL, 0, 2), 0);
	assert_int_equal(metrics_sample_u64(&arena, a, &l, 1, 3), 0);
	assert_int_equal(metrics_sample_u64(&arena, b, &l, 1, 4), 0);
	snprintf(expect, sizeof(expect),
		 "# TYPE a gauge\na 1\na{v=\"%s\"} 3\n# TYPE b gauge\nb 2\nb{v=\"%s\"} 4\n", v, v);
	assert_string_equal(render(&arena), expect);
}

/* A family writing alone extends its chunk instead of chaining headers and gaps. */
static void test_last_chunk_of_arena_grows_in_place(void **state)
{
	size_t len;
	int a, b;

	(void)state;
	a = gauge("a", NULL);
	b = gauge("b", NULL);
	assert_int_equal(metrics_sample_u64(&arena, a, NULL, 0, 0), 0);
	for (unsigned i = 0; i < 3000; i++)
		assert_int_equal(metrics_sample_u64(&arena, b, NULL, 0, i), 0);
	assert_int_equal(arena.families[b].head, arena.families[b].tail);
	assert_int_equal(arena.families[b].head, METRICS_CHUNK_SIZE);
	/* one header for the whole family, rounded up to whole chunks */
	len = arena.families[b].bytes + 16;
	assert_int_equal(arena.top,
			 METRICS_CHUNK_SIZE + (len + METRICS_CHUNK_SIZE - 1) / METRICS_CHUNK_SIZE *
						      METRICS_CHUNK_SIZE);
	len = expectf(0, "# TYPE a gauge\na 0\n# TYPE b gauge\n");
	for (unsigned i = 0; i < 3000; i++)
		len = expectf(len, "b %u\n", i);
	assert_string_equal(render(&arena), expect);
}

static void test_line_longer_than_max_line_returns_e2big_and_writes_nothing(void **state)
{
	static char v[METRICS_MAX_LINE + 1];
	const struct metrics_label l = { "v", v };
	int f;

	(void)state;
	memset(v, 'z', sizeof(v) - 1);
	f = gauge("a", NULL);
	assert_int_equal(metrics_sample_u64(&arena, f, &l, 1, 1), -E2BIG);
	assert_false(metrics_overflowed(&arena));
	assert_string_equal(render(&arena), "");
	assert_int_equal(metrics_sample_u64(&arena, f, NULL, 0, 2), 0);
	assert_string_equal(render(&arena), "# TYPE a gauge\na 2\n");
}

static void test_overflow_small_arena_enospc_overflowed_until_reset(void **state)
{
	struct metrics_arena small;
	const struct metrics_label l = { "pad", "0123456789012345678901234567890123456789" };
	int a, b, err = 0, n = 0;

	(void)state;
	assert_int_equal(metrics_arena_init(&small, 4 * METRICS_CHUNK_SIZE + 100), 0);
	assert_int_equal(small.cap, 4 * METRICS_CHUNK_SIZE);
	a = metrics_family(&small, "a", NULL, METRICS_GAUGE);
	b = metrics_family(&small, "b", NULL, METRICS_GAUGE);
	while (err == 0 && n < 100000) {
		err = metrics_sample_u64(&small, n % 2 ? a : b, &l, 1, (uint64_t)n);
		n += err == 0;
	}
	assert_int_equal(err, -ENOSPC);
	assert_true(n > 200);
	assert_true(metrics_overflowed(&small));
	/* even a sample that would fit its chunk now fails: the output is already wrong */
	assert_int_equal(metrics_sample_u64(&small, a, NULL, 0, 1), -ENOSPC);
	assert_int_equal(metrics_family(&small, "c", NULL, METRICS_GAUGE), -ENOSPC);
	assert_int_equal(metrics_render(&small, out, sizeof(out)), -EOVERFLOW);
	assert_int_equal(metrics_render_size(&small), 0);
	metrics_reset(&small);
	assert_false(metrics_overflowed(&small));
	assert_string_equal(render(&small), "");
	a = metrics_family(&small, "a", NULL, METRICS_GAUGE);
	assert_int_equal(metrics_sample_u64(&small, a, NULL, 0, 1), 0);
	assert_string_equal(render(&small), "# TYPE a gauge\na 1\n");
	metrics_arena_fini(&small);
}

static void test_rewind_leaves_exactly_pre_mark_text(void **state)
{
	struct metrics_mark m;
	int a, b, c;
	char before[256];

	(void)state;
	a = gauge("a", "A.");
	assert_int_equal(metrics_sample_u64(&arena, a, NULL, 0, 1), 0);
	(void)gauge("late", "Declared before the mark, filled never.");
	strcpy(before, render(&arena));
	metrics_mark(&arena, &m);
	b = gauge("b", "B.");
	c = gauge("c", "C.");
	for (unsigned i = 0; i < 2000; i++) {
		assert_int_equal(metrics_sample_u64(&arena, b, NULL, 0, i), 0);
		assert_int_equal(metrics_sample_u64(&arena, c, NULL, 0, i), 0);
	}
	metrics_rewind(&arena, &m);
	assert_string_equal(render(&arena), before);
	assert_string_equal(before, "# HELP a A.\n# TYPE a gauge\na 1\n");
	/* the rewound names are free again and their space is reused */
	assert_int_equal(gauge("b", "B2."), b);
	assert_int_equal(metrics_sample_u64(&arena, b, NULL, 0, 7), 0);
	assert_int_equal(arena.top, 2 * METRICS_CHUNK_SIZE);
	assert_string_equal(render(&arena), "# HELP a A.\n# TYPE a gauge\na 1\n"
					    "# HELP b B2.\n# TYPE b gauge\nb 7\n");
}

static void test_rewind_to_mark_past_the_present_is_ignored(void **state)
{
	struct metrics_mark m;
	int a;

	(void)state;
	a = gauge("a", NULL);
	(void)gauge("b", NULL);
	assert_int_equal(metrics_sample_u64(&arena, a, NULL, 0, 1), 0);
	metrics_mark(&arena, &m);
	metrics_reset(&arena);
	a = gauge("a", NULL);
	assert_int_equal(metrics_sample_u64(&arena, a, NULL, 0, 2), 0);
	metrics_rewind(&arena, &m);
	assert_string_equal(render(&arena), "# TYPE a gauge\na 2\n");
}

static void test_render_into_too_small_buffer_returns_enospc(void **state)
{
	char small[19];
	int f;

	(void)state;
	f = gauge("a", NULL);
	assert_int_equal(metrics_sample_u64(&arena, f, NULL, 0, 1), 0);
	assert_int_equal(metrics_render_size(&arena), 19);
	assert_int_equal(metrics_render(&arena, small, sizeof(small) - 1), -ENOSPC);
	assert_int_equal(metrics_render(&arena, small, sizeof(small)), 19);
	assert_memory_equal(small, "# TYPE a gauge\na 1\n", 19);
}

static void test_render_size_equals_render_length(void **state)
{
	const struct metrics_label l = { "v", "q\"\\\n\xFF" };
	long n;
	int f;

	(void)state;
	f = gauge("a", "h\\\n");
	for (unsigned i = 0; i < 5000; i++)
		assert_int_equal(metrics_sample_double(&arena, f, &l, 1, i / 3.0), 0);
	n = metrics_render(&arena, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal((size_t)n, metrics_render_size(&arena));
	assert_int_equal((size_t)n, arena.families[f].bytes);
}

static void test_append_100000_samples(void **state)
{
	const char *first = "# HELP big_total Big.\n# TYPE big_total counter\n"
			    "big_total{id=\"0\",kind=\"map\"} 0\n";
	const char *last = "big_total{id=\"99999\",kind=\"map\"} 9999900000\n";
	size_t want = strlen("# HELP big_total Big.\n# TYPE big_total counter\n");
	const char *text;
	int f;

	(void)state;
	f = metrics_family(&arena, "big_total", "Big.", METRICS_COUNTER);
	for (unsigned i = 0; i < 100000; i++) {
		char id[METRICS_U64_STR_SIZE];
		const struct metrics_label l[] = { { "id", metrics_u64_str(id, sizeof(id), i) },
						   { "kind", "map" } };
		char num[METRICS_U64_STR_SIZE];

		assert_int_equal(metrics_sample_u64(&arena, f, l, 2, (uint64_t)i * 100000), 0);
		want += strlen("big_total{id=\"\",kind=\"map\"} \n") + strlen(id) +
			strlen(metrics_u64_str(num, sizeof(num), (uint64_t)i * 100000));
	}
	text = render(&arena);
	assert_int_equal(strlen(text), want);
	assert_memory_equal(text, first, strlen(first));
	assert_string_equal(text + want - strlen(last), last);
}

static void test_u64_str_formats_and_refuses_small_buffer(void **state)
{
	char buf[METRICS_U64_STR_SIZE], tiny[3] = "zz";

	(void)state;
	assert_string_equal(metrics_u64_str(buf, sizeof(buf), 0), "0");
	assert_string_equal(metrics_u64_str(buf, sizeof(buf), 42), "42");
	assert_string_equal(metrics_u64_str(buf, sizeof(buf), UINT64_MAX), "18446744073709551615");
	assert_string_equal(metrics_u64_str(tiny, sizeof(tiny), 99), "99");
	assert_string_equal(metrics_u64_str(tiny, sizeof(tiny), 100), "");
}

static void test_arena_init_rejects_cap_below_one_chunk(void **state)
{
	struct metrics_arena a;

	(void)state;
	assert_int_equal(metrics_arena_init(&a, METRICS_CHUNK_SIZE - 1), -EINVAL);
	assert_int_equal(metrics_arena_init(&a, 0), -EINVAL);
	assert_int_equal(metrics_arena_init(&a, METRICS_CHUNK_SIZE), 0);
	metrics_arena_fini(&a);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_render_empty_arena_is_empty),
		T(test_render_omits_family_without_samples),
		T(test_render_types_and_labels),
		T(test_render_escapes_help_backslash_newline_not_quote),
		T(test_render_null_help_omits_help_line_empty_help_keeps_it),
		T(test_render_escapes_label_value_quote_backslash_newline),
		T(test_render_replaces_invalid_utf8_in_label_value),
		T(test_render_integers_zero_max_min),
		T(test_render_doubles_special_and_shortest),
		T(test_render_doubles_round_trip_in_fewest_digits),
		T(test_family_rejects_invalid_names_and_writes_nothing),
		T(test_sample_rejects_invalid_labels_and_writes_nothing),
		T(test_family_declared_twice_returns_eexist),
		T(test_family_past_max_returns_enospc_and_overflows),
		T(test_render_interleaved_families_keep_declaration_order),
		T(test_line_exactly_filling_chunk_stays_in_it),
		T(test_line_longer_than_chunk_gets_a_bigger_chunk),
		T(test_last_chunk_of_arena_grows_in_place),
		T(test_line_longer_than_max_line_returns_e2big_and_writes_nothing),
		T(test_overflow_small_arena_enospc_overflowed_until_reset),
		T(test_rewind_leaves_exactly_pre_mark_text),
		T(test_rewind_to_mark_past_the_present_is_ignored),
		T(test_render_into_too_small_buffer_returns_enospc),
		T(test_render_size_equals_render_length),
		T(test_append_100000_samples),
		T(test_u64_str_formats_and_refuses_small_buffer),
		T(test_arena_init_rejects_cap_below_one_chunk),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
