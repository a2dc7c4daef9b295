/* SPDX-License-Identifier: MIT */
/* Shared by the collector tests (include once per test program, after cmocka.h): the two
 * symbols registry.c would provide, an arena, and the golden-output assertion.
 * Each test drives one collector's collect() directly against the fake bpfsys. */
#ifndef TEST_UNIT_COLLECTOR_TEST_H
#define TEST_UNIT_COLLECTOR_TEST_H

#include "collector.h"
#include "../fake/fake_bpfsys.h"
#include "metrics.h"

struct collector_options collector_opts;

/* registry.c's version also logs; here it only counts. */
void collector_object_error(struct collector_ctx *ctx, const char *what, uint32_t id, int err)
{
	(void)what;
	(void)id;
	if (ctx->errors++ == 0)
		ctx->first_error = err;
}

static struct metrics_arena test_arena;
static char test_out[1 << 16];

static int test_setup(void **state)
{
	(void)state;
	collector_opts = (struct collector_options){ .prog_stats_mode = COLLECTOR_PROG_STATS_DISABLED };
	fake_bpfsys_reset(NULL, 0);
	return metrics_arena_init(&test_arena, 1 << 20) < 0 ? -1 : 0;
}

static int test_teardown(void **state)
{
	(void)state;
	metrics_arena_fini(&test_arena);
	return 0;
}

/* One scrape of collector c over the fake table installed by the test. */
static int test_collect(const struct collector *c, struct collector_ctx *ctx)
{
	metrics_reset(&test_arena);
	*ctx = (struct collector_ctx){ .arena = &test_arena, .collector = c->name };
	return c->collect(ctx);
}

/* The whole exposition must be exactly want. */
static void assert_output(const char *want)
{
	long n = metrics_render(&test_arena, test_out, sizeof(test_out) - 1);

	assert_true(n >= 0);
	test_out[n] = '\0';
	assert_string_equal(test_out, want);
}

/* Every fd the collector opened was closed exactly once. */
static void assert_fds_closed(void)
{
	assert_int_equal(fake_bpfsys_open_fds(), 0);
	assert_int_equal(fake_bpfsys_bad_closes(), 0);
}

#endif
