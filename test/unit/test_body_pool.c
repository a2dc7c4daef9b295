/* SPDX-License-Identifier: MIT */
/* Body buffers: a body being sent is never handed out again until its last release. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"

static struct metrics_body_pool pool;

static void test_init_rejects_bad_sizes(void **state)
{
	(void)state;
	assert_int_equal(metrics_body_pool_init(&pool, 0, 4096), -EINVAL);
	assert_int_equal(metrics_body_pool_init(&pool, METRICS_MAX_BODIES + 1, 4096), -EINVAL);
	assert_int_equal(metrics_body_pool_init(&pool, 2, 0), -EINVAL);
	assert_null(metrics_body_acquire(&pool));
	metrics_body_pool_fini(&pool);
}

static void test_init_reserves_writable_bodies(void **state)
{
	(void)state;
	/* 64 x 16 MiB: mostly address space, pages are committed when written */
	assert_int_equal(metrics_body_pool_init(&pool, METRICS_MAX_BODIES, (size_t)16 << 20), 0);
	assert_int_equal(pool.nbodies, METRICS_MAX_BODIES);
	for (size_t i = 0; i < pool.nbodies; i++) {
		assert_non_null(pool.bodies[i].data);
		assert_int_equal(pool.bodies[i].cap, (size_t)16 << 20);
		assert_int_equal(pool.bodies[i].refs, 0);
		pool.bodies[i].data[0] = 'a';
		pool.bodies[i].data[pool.bodies[i].cap - 1] = 'z';
	}
	metrics_body_pool_fini(&pool);
	assert_int_equal(pool.nbodies, 0);
}

static void test_acquire_until_exhausted_then_release_frees_one(void **state)
{
	struct metrics_body *b[3];

	(void)state;
	assert_int_equal(metrics_body_pool_init(&pool, 3, 4096), 0);
	for (int i = 0; i < 3; i++) {
		b[i] = metrics_body_acquire(&pool);
		assert_non_null(b[i]);
		assert_int_equal(b[i]->refs, 1);
		for (int j = 0; j < i; j++)
			assert_ptr_not_equal(b[i], b[j]);
	}
	assert_null(metrics_body_acquire(&pool));
	metrics_body_release(b[1]);
	assert_int_equal(b[1]->refs, 0);
	assert_ptr_equal(metrics_body_acquire(&pool), b[1]);
	assert_null(metrics_body_acquire(&pool));
	metrics_body_pool_fini(&pool);
}

static void test_body_in_use_is_not_overwritten_by_next_scrape(void **state)
{
	struct metrics_body *slow, *next;

	(void)state;
	assert_int_equal(metrics_body_pool_init(&pool, 2, 4096), 0);
	slow = metrics_body_acquire(&pool);
	memcpy(slow->data, "scrape 1", 9);
	slow->len = 9;
	next = metrics_body_acquire(&pool);
	assert_ptr_not_equal(next, slow);
	memcpy(next->data, "scrape 2", 9);
	metrics_body_release(next);
	next = metrics_body_acquire(&pool);
	assert_ptr_not_equal(next, slow);
	assert_string_equal(slow->data, "scrape 1");
	assert_int_equal(slow->len, 9);
	metrics_body_pool_fini(&pool);
}

static void test_refcount_frees_body_at_last_release(void **state)
{
	struct metrics_body *b;

	(void)state;
	assert_int_equal(metrics_body_pool_init(&pool, 1, 4096), 0);
	b = metrics_body_acquire(&pool);
	b->len = 123;
	metrics_body_retain(b);
	metrics_body_retain(b);
	assert_int_equal(b->refs, 3);
	metrics_body_release(b);
	metrics_body_release(b);
	assert_null(metrics_body_acquire(&pool));
	metrics_body_release(b);
	assert_int_equal(b->refs, 0);
	/* an extra release is ignored rather than wrapping to a body never free again */
	metrics_body_release(b);
	metrics_body_release(NULL);
	assert_int_equal(b->refs, 0);
	assert_ptr_equal(metrics_body_acquire(&pool), b);
	assert_int_equal(b->refs, 1);
	assert_int_equal(b->len, 0);
	metrics_body_pool_fini(&pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_sizes),
		cmocka_unit_test(test_init_reserves_writable_bodies),
		cmocka_unit_test(test_acquire_until_exhausted_then_release_frees_one),
		cmocka_unit_test(test_body_in_use_is_not_overwritten_by_next_scrape),
		cmocka_unit_test(test_refcount_frees_body_at_last_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
