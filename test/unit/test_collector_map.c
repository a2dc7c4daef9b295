/* SPDX-License-Identifier: MIT */
/* Collector "map" against the fake bpfsys: whole-output golden comparisons. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "collector_test.h"

extern const struct collector collector_map;

#define INFO_HEAD                                                                        \
	"# HELP ebpf_map_info Information on currently loaded eBPF maps.\n"             \
	"# TYPE ebpf_map_info gauge\n"
#define MAX_ENTRIES_HEAD                                                                 \
	"# HELP ebpf_map_max_entries The configured maximum number of entries of an "   \
	"eBPF map.\n"                                                                    \
	"# TYPE ebpf_map_max_entries gauge\n"
#define ENTRIES_HEAD                                                                     \
	"# HELP ebpf_map_entries The current number of entries (keys) of an eBPF map.\n" \
	"# TYPE ebpf_map_entries gauge\n"
#define PRESSURE_HEAD                                                                    \
	"# HELP ebpf_map_pressure Entries of an eBPF map divided by its max_entries (0 to " \
	"1).\n"                                                                          \
	"# TYPE ebpf_map_pressure gauge\n"

/* Linux 4.13 layout: up to map_flags, no name yet. */
#define MAP_INFO_LEN_4_13 24u

/* Fields of a fake map; more fake_object fields may follow inside the braces. */
#define MAP(id_, type_, key_, value_, max_, flags_, name_)                                 \
	.kind = FAKE_MAP, .id = (id_),                                                     \
	.info.map = { .type = (type_), .id = (id_), .key_size = (key_),                    \
		      .value_size = (value_), .max_entries = (max_), .map_flags = (flags_), \
		      .name = name_ }

static const struct fake_object three_maps[] = {
	{ MAP(4, BPFSYS_MAP_TYPE_HASH, 16, 8, 65536, BPFSYS_F_NO_PREALLOC, "conn_track"),
	  .nkeys = 3 },
	{ MAP(5, BPFSYS_MAP_TYPE_ARRAY, 4, 64, 1, BPFSYS_F_MMAPABLE | BPFSYS_F_RDONLY_PROG,
	      "cfg.rodata"),
	  .nkeys = 1 },
	{ MAP(9, BPFSYS_MAP_TYPE_RINGBUF, 0, 0, 262144, 0, "events") },
};

#define MAP_4 "ebpf_map_info{map_id=\"4\",map_type=\"Hash\",map_name=\"conn_track\"," \
	      "key_size=\"16\",value_size=\"8\",flags=\"1\"} 1\n"
#define MAP_5 "ebpf_map_info{map_id=\"5\",map_type=\"Array\",map_name=\"cfg.rodata\"," \
	      "key_size=\"4\",value_size=\"64\",flags=\"1152\"} 1\n"
#define MAP_9 "ebpf_map_info{map_id=\"9\",map_type=\"RingBuf\",map_name=\"events\"," \
	      "key_size=\"0\",value_size=\"0\",flags=\"0\"} 1\n"
#define MAX_4 "ebpf_map_max_entries{map_id=\"4\"} 65536\n"
#define MAX_5 "ebpf_map_max_entries{map_id=\"5\"} 1\n"
#define MAX_9 "ebpf_map_max_entries{map_id=\"9\"} 262144\n"

static void run_ok(unsigned want_errors, int want_first_error)
{
	struct collector_ctx ctx;

	assert_int_equal(test_collect(&collector_map, &ctx), 0);
	assert_int_equal(ctx.errors, want_errors);
	assert_int_equal(ctx.first_error, want_first_error);
}

static void test_map_exports_info_and_max_entries_per_map(void **state)
{
	(void)state;
	fake_bpfsys_reset(three_maps, 3);
	run_ok(0, 0);
	assert_output(INFO_HEAD MAP_4 MAP_5 MAP_9 MAX_ENTRIES_HEAD MAX_4 MAX_5 MAX_9);
	assert_int_equal(fake_bpfsys_calls(FAKE_CALL_NEXT_KEY), 0);
	assert_fds_closed();
}

static void test_map_skips_vanished_map_without_error(void **state)
{
	struct fake_object objs[3];

	(void)state;
	memcpy(objs, three_maps, sizeof(objs));
	objs[0].fd_err = -ENOENT;
	fake_bpfsys_reset(objs, 3);
	run_ok(0, 0);
	assert_output(INFO_HEAD MAP_5 MAP_9 MAX_ENTRIES_HEAD MAX_5 MAX_9);
	assert_fds_closed();
}

static void test_map_returns_eperm_when_first_next_id_is_denied(void **state)
{
	struct collector_ctx ctx;

	(void)state;
	fake_bpfsys_reset(three_maps, 3);
	fake_bpfsys_fail(FAKE_CALL_NEXT_ID, 0, -EPERM);
	assert_int_equal(test_collect(&collector_map, &ctx), -EPERM);
	assert_int_equal(fake_bpfsys_calls(FAKE_CALL_GET_FD), 0);
	assert_fds_closed();
}

static void test_map_returns_einval_when_kernel_cannot_enumerate(void **state)
{
	struct collector_ctx ctx;

	(void)state;
	fake_bpfsys_reset(three_maps, 3);
	fake_bpfsys_fail(FAKE_CALL_NEXT_ID, 0, -EINVAL);
	assert_int_equal(test_collect(&collector_map, &ctx), -EINVAL);
	assert_fds_closed();
}

static void test_map_eperm_on_one_fd_exports_others_and_counts_error(void **state)
{
	struct fake_object objs[3];

	(void)state;
	memcpy(objs, three_maps, sizeof(objs));
	objs[1].fd_err = -EPERM;
	fake_bpfsys_reset(objs, 3);
	run_ok(1, -EPERM);
	assert_output(INFO_HEAD MAP_4 MAP_9 MAX_ENTRIES_HEAD MAX_4 MAX_9);
	assert_fds_closed();
}

static void test_map_info_failure_counts_error_and_closes_fd(void **state)
{
	struct fake_object objs[3];

	(void)state;
	memcpy(objs, three_maps, sizeof(objs));
	objs[0].info_err = -E2BIG; /* no layout bpfsys knows was accepted */
	objs[2].info_err = -ENODEV;
	fake_bpfsys_reset(objs, 3);
	run_ok(2, -E2BIG);
	assert_output(INFO_HEAD MAP_5 MAX_ENTRIES_HEAD MAX_5);
	assert_fds_closed();
}

static void test_map_old_kernel_without_name_exports_empty_map_name(void **state)
{
	struct fake_object objs[1] = { three_maps[0] };

	(void)state;
	objs[0].info_len = MAP_INFO_LEN_4_13;
	fake_bpfsys_reset(objs, 1);
	run_ok(0, 0);
	assert_output(INFO_HEAD "ebpf_map_info{map_id=\"4\",map_type=\"Hash\",map_name=\"\","
				"key_size=\"16\",value_size=\"8\",flags=\"1\"} 1\n"
		      MAX_ENTRIES_HEAD MAX_4);
	assert_fds_closed();
}

static void test_map_unknown_type_is_printed_as_number(void **state)
{
	static const struct fake_object objs[] = {
		{ MAP(1, BPFSYS_MAP_TYPE_UNSPEC, 4, 4, 1, 0, "zero") },
		{ MAP(2, BPFSYS_MAP_TYPE_ARENA, 8, 8, 100, 0, "last_known") },
		{ MAP(3, BPFSYS_MAP_TYPE_COUNT, 4, 4, 8, 0, "next_kernel") },
	};

	(void)state;
	collector_opts.map_count_entries = true;
	fake_bpfsys_reset(objs, 3);
	run_ok(0, 0);
	assert_output(INFO_HEAD
		      "ebpf_map_info{map_id=\"1\",map_type=\"UnspecifiedMap\",map_name=\"zero\","
		      "key_size=\"4\",value_size=\"4\",flags=\"0\"} 1\n"
		      "ebpf_map_info{map_id=\"2\",map_type=\"Arena\",map_name=\"last_known\","
		      "key_size=\"8\",value_size=\"8\",flags=\"0\"} 1\n"
		      "ebpf_map_info{map_id=\"3\",map_type=\"34\",map_name=\"next_kernel\","
		      "key_size=\"4\",value_size=\"4\",flags=\"0\"} 1\n"
		      MAX_ENTRIES_HEAD
		      "ebpf_map_max_entries{map_id=\"1\"} 1\n"
		      "ebpf_map_max_entries{map_id=\"2\"} 100\n"
		      "ebpf_map_max_entries{map_id=\"3\"} 8\n");
	/* A type we do not know is never walked. */
	assert_int_equal(fake_bpfsys_calls(FAKE_CALL_NEXT_KEY), 0);
	assert_fds_closed();
}

static void test_map_name_filling_all_16_bytes_stops_at_the_field(void **state)
{
	struct fake_object objs[1] = {
		{ MAP(6, BPFSYS_MAP_TYPE_HASH, 4, 4, 2, 0, "0123456789abcdef") },
	};

	(void)state;
	objs[0].info.map.ifindex = 0x41414141;
	fake_bpfsys_reset(objs, 1);
	run_ok(0, 0);
	assert_output(INFO_HEAD "ebpf_map_info{map_id=\"6\",map_type=\"Hash\","
				"map_name=\"0123456789abcdef\",key_size=\"4\",value_size=\"4\","
				"flags=\"0\"} 1\n"
		      MAX_ENTRIES_HEAD "ebpf_map_max_entries{map_id=\"6\"} 2\n");
	assert_fds_closed();
}

static void test_map_entries_counted_for_walkable_types_only(void **state)
{
	static const struct fake_object objs[] = {
		{ MAP(1, BPFSYS_MAP_TYPE_HASH, 16, 8, 100, 0, "hash"), .nkeys = 3 },
		{ MAP(2, BPFSYS_MAP_TYPE_ARRAY, 4, 8, 4, 0, "array"), .nkeys = 4 },
		{ MAP(3, BPFSYS_MAP_TYPE_LRU_HASH, 8, 8, 10, 0, "empty_lru") },
		{ MAP(4, BPFSYS_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, "rb") },
		{ MAP(5, BPFSYS_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 4, 0, "perf"), .nkeys = 4 },
		{ MAP(6, BPFSYS_MAP_TYPE_QUEUE, 0, 8, 16, 0, "queue") },
		{ MAP(7, BPFSYS_MAP_TYPE_TASK_STORAGE, 4, 8, 0, 1, "task_st") },
		{ MAP(8, BPFSYS_MAP_TYPE_CGROUP_STORAGE, 12, 8, 0, 0, "cg_st"), .nkeys = 2 },
		{ MAP(9, BPFSYS_MAP_TYPE_BLOOM_FILTER, 0, 4, 100, 0, "bloom") },
		{ MAP(10, BPFSYS_MAP_TYPE_LPM_TRIE, 8, 4, 50, 1, "lpm"), .nkeys = 2 },
	};

	(void)state;
	collector_opts.map_count_entries = true;
	fake_bpfsys_reset(objs, 10);
	run_ok(0, 0);
	assert_output(INFO_HEAD
		      "ebpf_map_info{map_id=\"1\",map_type=\"Hash\",map_name=\"hash\","
		      "key_size=\"16\",value_size=\"8\",flags=\"0\"} 1\n"
		      "ebpf_map_info{map_id=\"2\",map_type=\"Array\",map_name=\"array\","
		      "key_size=\"4\",value_size=\"8\",flags=\"0\"} 1\n"
		      "ebpf_map_info{map_id=\"3\",map_type=\"LRUHash\",map_name=\"empty_lru\","
		      "key_size=\"8\",value_size=\"8\",flags=\"0\"} 1\n"
		      "ebpf_map_info{map_id=\"4\",map_type=\"RingBuf\",map_name=\"rb\","
		      "key_size=\"0\",value_size=\"0\",flags=\"0\"} 1\n"
		      "ebpf_map_info{map_id=\"5\",map_type=\"PerfEventArray\",map_name=\"perf\","
		      "key_size=\"4\",value_size=\"4\",flags=\"0\"} 1\n"
		      "ebpf_map_info{map_id=\"6\",map_type=\"Queue\",map_name=\"queue\","
		      "key_size=\"0\",value_size=\"8\",flags=\"0\"} 1\n"
		      "ebpf_map_info{map_id=\"7\",map_type=\"TaskStorage\",map_name=\"task_st\","
		      "key_size=\"4\",value_size=\"8\",flags=\"1\"} 1\n"
		      "ebpf_map_info{map_id=\"8\",map_type=\"CGroupStorage\",map_name=\"cg_st\","
		      "key_size=\"12\",value_size=\"8\",flags=\"0\"} 1\n"
		      "ebpf_map_info{map_id=\"9\",map_type=\"BloomFilter\",map_name=\"bloom\","
		      "key_size=\"0\",value_size=\"4\",flags=\"0\"} 1\n"
		      "ebpf_map_info{map_id=\"10\",map_type=\"LPMTrie\",map_name=\"lpm\","
		      "key_size=\"8\",value_size=\"4\",flags=\"1\"} 1\n"
		      MAX_ENTRIES_HEAD
		      "ebpf_map_max_entries{map_id=\"1\"} 100\n"
		      "ebpf_map_max_entries{map_id=\"2\"} 4\n"
		      "ebpf_map_max_entries{map_id=\"3\"} 10\n"
		      "ebpf_map_max_entries{map_id=\"4\"} 4096\n"
		      "ebpf_map_max_entries{map_id=\"5\"} 4\n"
		      "ebpf_map_max_entries{map_id=\"6\"} 16\n"
		      "ebpf_map_max_entries{map_id=\"7\"} 0\n"
		      "ebpf_map_max_entries{map_id=\"8\"} 0\n"
		      "ebpf_map_max_entries{map_id=\"9\"} 100\n"
		      "ebpf_map_max_entries{map_id=\"10\"} 50\n"
		      ENTRIES_HEAD
		      "ebpf_map_entries{map_id=\"1\"} 3\n"
		      "ebpf_map_entries{map_id=\"2\"} 4\n"
		      "ebpf_map_entries{map_id=\"3\"} 0\n"
		      "ebpf_map_entries{map_id=\"10\"} 2\n"
		      PRESSURE_HEAD
		      "ebpf_map_pressure{map_id=\"1\"} 0.03\n"
		      "ebpf_map_pressure{map_id=\"2\"} 1\n"
		      "ebpf_map_pressure{map_id=\"3\"} 0\n"
		      "ebpf_map_pressure{map_id=\"10\"} 0.04\n");
	/* Each walk: one call per key plus the final -ENOENT. An array's count is its
	 * max_entries (a walk visits every index), so it is not walked; nor are the others. */
	assert_int_equal(fake_bpfsys_calls(FAKE_CALL_NEXT_KEY), (3 + 1) + 1 + (2 + 1));
	assert_fds_closed();
}

static void test_map_entries_walk_is_bounded_when_next_key_never_ends(void **state)
{
	static const struct fake_object objs[] = {
		{ MAP(1, BPFSYS_MAP_TYPE_HASH, 4, 8, 10, 0, "churn"), .nkeys = 5, .endless = true },
		{ MAP(2, BPFSYS_MAP_TYPE_HASH, 4, 8, 10, 0, "calm"), .nkeys = 2 },
	};

	(void)state;
	collector_opts.map_count_entries = true;
	fake_bpfsys_reset(objs, 2);
	run_ok(1, -ELOOP);
	assert_output(INFO_HEAD
		      "ebpf_map_info{map_id=\"1\",map_type=\"Hash\",map_name=\"churn\","
		      "key_size=\"4\",value_size=\"8\",flags=\"0\"} 1\n"
		      "ebpf_map_info{map_id=\"2\",map_type=\"Hash\",map_name=\"calm\","
		      "key_size=\"4\",value_size=\"8\",flags=\"0\"} 1\n"
		      MAX_ENTRIES_HEAD
		      "ebpf_map_max_entries{map_id=\"1\"} 10\n"
		      "ebpf_map_max_entries{map_id=\"2\"} 10\n"
		      ENTRIES_HEAD
		      "ebpf_map_entries{map_id=\"2\"} 2\n"
		      PRESSURE_HEAD
		      "ebpf_map_pressure{map_id=\"2\"} 0.2\n");
	/* Bound: 2 * max_entries + 1024 keys, the next one gives up. */
	assert_int_equal(fake_bpfsys_calls(FAKE_CALL_NEXT_KEY), (2 * 10 + 1024 + 1) + (2 + 1));
	assert_fds_closed();
}

static void test_map_entries_walk_error_counts_error_keeps_info(void **state)
{
	static const struct fake_object objs[] = {
		{ MAP(1, BPFSYS_MAP_TYPE_HASH, 4, 8, 10, 0, "broken"), .nkeys = 5,
		  .next_key_err = -EINTR, .next_key_err_at = 3 },
	};

	(void)state;
	collector_opts.map_count_entries = true;
	fake_bpfsys_reset(objs, 1);
	run_ok(1, -EINTR);
	assert_output(INFO_HEAD
		      "ebpf_map_info{map_id=\"1\",map_type=\"Hash\",map_name=\"broken\","
		      "key_size=\"4\",value_size=\"8\",flags=\"0\"} 1\n"
		      MAX_ENTRIES_HEAD "ebpf_map_max_entries{map_id=\"1\"} 10\n");
	assert_fds_closed();
}

static void test_map_entries_key_larger_than_buffer_is_skipped_with_error(void **state)
{
	static const struct fake_object objs[] = {
		{ MAP(1, BPFSYS_MAP_TYPE_HASH, 513, 8, 10, 0, "huge_key"), .nkeys = 1 },
		{ MAP(2, BPFSYS_MAP_TYPE_HASH, 512, 8, 10, 0, "max_key"), .nkeys = 1 },
	};

	(void)state;
	collector_opts.map_count_entries = true;
	fake_bpfsys_reset(objs, 2);
	run_ok(1, -E2BIG);
	assert_output(INFO_HEAD
		      "ebpf_map_info{map_id=\"1\",map_type=\"Hash\",map_name=\"huge_key\","
		      "key_size=\"513\",value_size=\"8\",flags=\"0\"} 1\n"
		      "ebpf_map_info{map_id=\"2\",map_type=\"Hash\",map_name=\"max_key\","
		      "key_size=\"512\",value_size=\"8\",flags=\"0\"} 1\n"
		      MAX_ENTRIES_HEAD
		      "ebpf_map_max_entries{map_id=\"1\"} 10\n"
		      "ebpf_map_max_entries{map_id=\"2\"} 10\n"
		      ENTRIES_HEAD "ebpf_map_entries{map_id=\"2\"} 1\n"
		      PRESSURE_HEAD "ebpf_map_pressure{map_id=\"2\"} 0.1\n");
	assert_int_equal(fake_bpfsys_calls(FAKE_CALL_NEXT_KEY), 2);
	assert_fds_closed();
}

static void test_map_full_arena_during_walk_returns_enospc(void **state)
{
	static struct fake_object objs[300];
	struct collector_ctx ctx;

	(void)state;
	for (unsigned i = 0; i < 300; i++)
		objs[i] = (struct fake_object){ MAP(i + 1, BPFSYS_MAP_TYPE_HASH, 4, 4, 8, 0, "m"),
						.nkeys = 2 };
	collector_opts.map_count_entries = true;
	metrics_arena_fini(&test_arena);
	assert_int_equal(metrics_arena_init(&test_arena, METRICS_CHUNK_SIZE), 0);
	fake_bpfsys_reset(objs, 300);
	assert_int_equal(test_collect(&collector_map, &ctx), -ENOSPC);
	assert_true(fake_bpfsys_calls(FAKE_CALL_GET_FD) < 300);
	assert_fds_closed();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)
		T(test_map_exports_info_and_max_entries_per_map),
		T(test_map_skips_vanished_map_without_error),
		T(test_map_returns_eperm_when_first_next_id_is_denied),
		T(test_map_returns_einval_when_kernel_cannot_enumerate),
		T(test_map_eperm_on_one_fd_exports_others_and_counts_error),
		T(test_map_info_failure_counts_error_and_closes_fd),
		T(test_map_old_kernel_without_name_exports_empty_map_name),
		T(test_map_unknown_type_is_printed_as_number),
		T(test_map_name_filling_all_16_bytes_stops_at_the_field),
		T(test_map_entries_counted_for_walkable_types_only),
		T(test_map_entries_walk_is_bounded_when_next_key_never_ends),
		T(test_map_entries_walk_error_counts_error_keeps_info),
		T(test_map_entries_key_larger_than_buffer_is_skipped_with_error),
		T(test_map_full_arena_during_walk_returns_enospc),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
