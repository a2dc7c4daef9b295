/* SPDX-License-Identifier: MIT */
/* The BTF reader against the running kernel's /sys/kernel/btf/vmlinux. Nothing is
 * hardcoded but what the iterator code relies on (meta and map at 0 and 8, a 16-byte
 * map name): every answer is checked against a second, independent reader written here
 * (read(), its own kind table, its own walk) and for internal consistency. Without the
 * file the suite says SKIP loudly and exits 77. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "btf.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"
#define K(k)    BPFSYS_BTF_KIND_##k

/* ---- the independent reader: its own load, kind table and walk ---- */

struct scan {
	uint8_t *buf;
	const uint8_t *types;
	const char *strs;
	uint32_t ntypes;
	uint32_t *off;
};

static struct scan sc;
static struct bpfsys_btf vm;
static unsigned bitfields_refused;

/* Trailing bytes per kind: fixed part + per-vlen part. */
static const struct {
	uint8_t fixed, each;
} scan_kinds[20] = {
	[1] = { 4, 0 },   [3] = { 12, 0 },  [4] = { 0, 12 }, [5] = { 0, 12 }, [6] = { 0, 8 },
	[13] = { 0, 8 },  [14] = { 4, 0 },  [15] = { 0, 12 }, [17] = { 4, 0 }, [19] = { 0, 12 },
};

static uint32_t rd(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static const uint8_t *scan_t(uint32_t id)
{
	return sc.types + sc.off[id];
}

static uint32_t scan_kind(uint32_t id)
{
	return rd(scan_t(id) + 4) >> 24 & 0x1f;
}

static int scan_load(void)
{
	FILE *f = fopen(VMLINUX, "rb");
	size_t cap = 1 << 20, len = 0, n;
	uint32_t hdr_len, pos = 0, kind, vlen;

	if (!f)
		return -1;
	sc.buf = malloc(cap);
	while (sc.buf && (n = fread(sc.buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap)
			sc.buf = realloc(sc.buf, cap *= 2);
	}
	fclose(f);
	if (!sc.buf || len < 24)
		return -1;
	hdr_len = rd(sc.buf + 4);
	sc.types = sc.buf + hdr_len + rd(sc.buf + 8);
	sc.strs = (const char *)sc.buf + hdr_len + rd(sc.buf + 16);
	sc.off = malloc((rd(sc.buf + 12) / 12 + 2) * sizeof(*sc.off));
	while (sc.off && pos < rd(sc.buf + 12)) {
		sc.off[++sc.ntypes] = pos;
		kind = rd(sc.types + pos + 4) >> 24 & 0x1f;
		vlen = rd(sc.types + pos + 4) & 0xffff;
		pos += 12 + scan_kinds[kind].fixed + scan_kinds[kind].each * vlen;
	}
	return sc.off ? 0 : -1;
}

static uint32_t scan_find(uint32_t kind, const char *name)
{
	for (uint32_t id = 1; id <= sc.ntypes; id++)
		if (scan_kind(id) == kind && !strcmp(sc.strs + rd(scan_t(id)), name))
			return id;
	return 0;
}

static uint32_t scan_strip(uint32_t id)
{
	while (id && (scan_kind(id) == 8 || scan_kind(id) == 9 || scan_kind(id) == 10 ||
		      scan_kind(id) == 11 || scan_kind(id) == 18))
		id = rd(scan_t(id) + 8);
	return id;
}

static uint64_t scan_size(uint32_t id)
{
	id = scan_strip(id);
	switch (scan_kind(id)) {
	case 2:
		return 8;
	case 3:
		return rd(scan_t(id) + 20) * scan_size(rd(scan_t(id) + 12));
	default:
		return rd(scan_t(id) + 8);
	}
}

struct scan_hit {
	uint64_t bits;
	uint32_t type;
	int bitfield;
	int depth;
};

/* First member called name, depth first through anonymous struct/union members. */
static int scan_member(uint32_t sid, const char *name, uint64_t base, int depth,
		       struct scan_hit *h)
{
	const uint8_t *t = scan_t(sid);
	uint32_t info = rd(t + 4), i, kf = info >> 31, inner;

	for (i = 0; i < (info & 0xffff); i++) {
		const uint8_t *m = t + 12 + 12 * i;
		uint32_t off = rd(m + 8), bits = kf ? off & 0xffffff : off;

		if (rd(m)) {
			if (strcmp(sc.strs + rd(m), name))
				continue;
			h->bits = base + bits;
			h->type = rd(m + 4);
			h->bitfield = (kf && off >> 24) || bits % 8;
			inner = scan_strip(h->type);
			if (scan_kind(inner) == 1) /* int with fewer bits or a bit offset */
				h->bitfield |= (rd(scan_t(inner) + 12) & 0xff00ff) !=
					       rd(scan_t(inner) + 8) * 8;
			h->depth = depth;
			return 0;
		}
		inner = scan_strip(rd(m + 4));
		if ((scan_kind(inner) == 4 || scan_kind(inner) == 5) &&
		    scan_member(inner, name, base + bits, depth + 1, h) == 0)
			return 0;
	}
	return -1;
}

/* ---- the checks ---- */

static const char *const funcs[] = {
	"bpf_iter_bpf_map", "bpf_iter_bpf_prog", "bpf_iter_bpf_link", "bpf_map_sum_elem_count",
};

static const struct {
	const char *type, *member;
} members[] = {
	{ "bpf_iter__bpf_map", "meta" },  { "bpf_iter__bpf_map", "map" },
	{ "bpf_iter__bpf_prog", "meta" }, { "bpf_iter__bpf_prog", "prog" },
	{ "bpf_iter__bpf_link", "meta" }, { "bpf_iter__bpf_link", "link" },
	{ "bpf_iter_meta", "seq" },       { "bpf_map", "id" },
	{ "bpf_map", "map_type" },        { "bpf_map", "key_size" },
	{ "bpf_map", "value_size" },      { "bpf_map", "max_entries" },
	{ "bpf_map", "map_flags" },       { "bpf_map", "name" },
	{ "bpf_prog", "type" },           { "bpf_prog", "aux" },
	{ "bpf_prog", "tag" },            { "bpf_prog_aux", "id" },
	{ "bpf_prog_aux", "name" },       { "bpf_link", "id" },
	{ "bpf_link", "type" },           { "bpf_link", "prog" },
};

static void test_funcs_resolve_like_the_independent_scan(void **state)
{
	struct bpfsys_btf_type t;
	size_t i;
	int id;

	(void)state;
	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		id = bpfsys_btf_find(&vm, K(FUNC), funcs[i]);
		if (id <= 0)
			fail_msg("FUNC %s: %d", funcs[i], id);
		assert_int_equal(id, scan_find(K(FUNC), funcs[i]));
		assert_int_equal(bpfsys_btf_type(&vm, (uint32_t)id, &t), 0);
		assert_int_equal(bpfsys_btf_type(&vm, t.size_type, &t), 0);
		assert_int_equal(t.kind, K(FUNC_PROTO));
		printf("FUNC %-28s id %d\n", funcs[i], id);
	}
	assert_int_equal(bpfsys_btf_find(&vm, K(FUNC), "no_such_function_here"), -ENOENT);
}

/* One member, checked against the scan; returns its offset. */
static uint32_t check_member(uint32_t sid, const char *sname, const char *name, int print)
{
	struct scan_hit h = { 0 };
	uint32_t off, size, tid;
	int sz = bpfsys_btf_type_size(&vm, sid), err;

	assert_int_equal(scan_member(sid, name, 0, 0, &h), 0);
	err = bpfsys_btf_member(&vm, sid, name, &off, &size, &tid);
	if (h.bitfield) {
		if (err != -EINVAL)
			fail_msg("%s.%s is a bitfield, got %d", sname, name, err);
		bitfields_refused++;
		return 0;
	}
	if (err)
		fail_msg("%s.%s: %d", sname, name, err);
	assert_int_equal(off, h.bits / 8);
	assert_int_equal(size, scan_size(h.type));
	assert_int_equal(tid, scan_strip(h.type));
	if (sz < 0 || (uint64_t)off + size > (uint64_t)sz)
		fail_msg("%s (id %u, size %d).%s: offset %u + size %u past the end", sname, sid, sz,
			 name, off, size);
	if (print)
		printf("%-20s %-12s offset %4u size %3u%s\n", sname, name, off, size,
		       h.depth ? "  (in an anonymous member)" : "");
	return off;
}

static void test_members_match_the_independent_scan(void **state)
{
	uint32_t size;
	size_t i;
	int sid;

	(void)state;
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		sid = bpfsys_btf_find(&vm, K(STRUCT), members[i].type);
		if (sid <= 0)
			fail_msg("STRUCT %s: %d", members[i].type, sid);
		assert_int_equal(sid, scan_find(K(STRUCT), members[i].type));
		check_member((uint32_t)sid, members[i].type, members[i].member, 1);
	}
	/* what the iterator programs are built on */
	sid = bpfsys_btf_find(&vm, K(STRUCT), "bpf_iter__bpf_map");
	assert_int_equal(check_member((uint32_t)sid, "bpf_iter__bpf_map", "meta", 0), 0);
	assert_int_equal(check_member((uint32_t)sid, "bpf_iter__bpf_map", "map", 0), 8);
	sid = bpfsys_btf_find(&vm, K(STRUCT), "bpf_map");
	assert_int_equal(bpfsys_btf_member(&vm, (uint32_t)sid, "name", NULL, &size, NULL), 0);
	assert_int_equal(size, 16);
	assert_int_equal(bpfsys_btf_member(&vm, (uint32_t)sid, "no_such", NULL, NULL, NULL),
			 -ENOENT);
}

/* Every named member of every struct and union reachable by name, both readers. */
static void sweep(uint32_t outer, uint32_t sid, int depth, unsigned *n)
{
	const uint8_t *t = scan_t(sid);
	uint32_t i, inner, vlen = rd(t + 4) & 0xffff;

	assert_true(depth < 32);
	for (i = 0; i < vlen; i++) {
		const uint8_t *m = t + 12 + 12 * i;

		if (rd(m)) {
			check_member(outer, "sweep", sc.strs + rd(m), 0);
			++*n;
			continue;
		}
		inner = scan_strip(rd(m + 4));
		if (scan_kind(inner) == 4 || scan_kind(inner) == 5)
			sweep(outer, inner, depth + 1, n);
	}
}

static void test_every_member_of_every_struct_matches(void **state)
{
	unsigned n = 0, structs = 0;
	uint32_t id;

	(void)state;
	assert_int_equal(vm.ntypes, sc.ntypes);
	for (id = 1; id <= sc.ntypes; id++) {
		if (scan_kind(id) != 4 && scan_kind(id) != 5)
			continue;
		assert_int_equal(bpfsys_btf_type_size(&vm, id), rd(scan_t(id) + 8));
		sweep(id, id, 0, &n);
		structs++;
	}
	printf("%u members of %u structs/unions match the independent scan (%u bitfields, "
	       "refused by both)\n", n, structs, bitfields_refused);
	assert_true(n > 10000);
	assert_true(bitfields_refused > 0);
}

static double ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 + (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

/* Not an assertion: start-up cost, printed (target: well under 50 ms). */
static void test_open_and_resolve_twenty_names_timing(void **state)
{
	static const char *const structs[] = {
		"bpf_iter__bpf_map", "bpf_iter__bpf_prog", "bpf_iter__bpf_link", "bpf_iter_meta",
		"bpf_map", "bpf_prog", "bpf_prog_aux", "bpf_link", "seq_file", "bpf_map_ops",
		"task_struct", "bpf_prog_stats", "bpf_link_ops", "bpf_iter__task",
	};
	static const char *const more_funcs[] = { "bpf_iter_task", "bpf_seq_write" };
	struct bpfsys_btf_query q[20];
	uint32_t ids[20];
	struct bpfsys_btf b;
	struct timespec t0;
	double t_open, t_all;
	size_t i, n = 0;
	int found;

	(void)state;
	for (i = 0; i < 4; i++, n++)
		q[n] = (struct bpfsys_btf_query){ K(FUNC), funcs[i], &ids[n] };
	for (i = 0; i < 14; i++, n++)
		q[n] = (struct bpfsys_btf_query){ K(STRUCT), structs[i], &ids[n] };
	for (i = 0; i < 2; i++, n++)
		q[n] = (struct bpfsys_btf_query){ K(FUNC), more_funcs[i], &ids[n] };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(bpfsys_btf_open_vmlinux(&b), 0);
	t_open = ms_since(&t0);
	found = bpfsys_btf_resolve(&b, q, n);
	t_all = ms_since(&t0);
	printf("open+index %.2f ms, resolve %zu names %.2f ms, total %.2f ms (%u types, %zu "
	       "bytes, %s)\n",
	       t_open, n, t_all - t_open, t_all, b.ntypes, b.size,
	       b.mapped == 1 ? "mmap'ed" : "read()");
	assert_int_equal(found, (int)n);
	for (i = 0; i < n; i++)
		assert_int_equal(ids[i], scan_find(q[i].kind, q[i].name));
	bpfsys_btf_close(&b);
}

static void test_vmlinux_is_mapped_and_pointers_are_longs(void **state)
{
	(void)state;
	printf("sysfs BTF %s; pointer size %u\n", vm.mapped == 1 ? "mmap'ed" : "read()",
	       vm.ptr_size);
	assert_true(vm.mapped == 1 || vm.mapped == 0);
	assert_int_equal(vm.ptr_size, scan_size(scan_find(K(INT), "long unsigned int")));
}

static int setup(void **state)
{
	(void)state;
	if (scan_load() < 0)
		return -1;
	return bpfsys_btf_open_vmlinux(&vm) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	bpfsys_btf_close(&vm);
	free(sc.off);
	free(sc.buf);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_funcs_resolve_like_the_independent_scan),
		cmocka_unit_test(test_members_match_the_independent_scan),
		cmocka_unit_test(test_every_member_of_every_struct_matches),
		cmocka_unit_test(test_open_and_resolve_twenty_names_timing),
		cmocka_unit_test(test_vmlinux_is_mapped_and_pointers_are_longs),
	};

	if (access(VMLINUX, R_OK) < 0) {
		fprintf(stderr, "\n*** SKIP btf_kernel: %s not readable (%s); run on a kernel "
				"with CONFIG_DEBUG_INFO_BTF to test the BTF reader ***\n\n",
			VMLINUX, strerror(errno));
		return 77;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests(tests, setup, teardown);
}
