/* SPDX-License-Identifier: MIT */
/* Collector "prog" against the fake bpfsys: whole-output golden comparisons. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "collector_test.h"

extern const struct collector collector_prog;

#define INFO_HEAD                                                                        \
	"# HELP ebpf_program_info Information on currently loaded eBPF programs.\n"      \
	"# TYPE ebpf_program_info gauge\n"
#define RUN_COUNT_HEAD                                                                   \
	"# HELP ebpf_program_run_count Times the program ran while statistics were "    \
	"enabled.\n"                                                                     \
	"# TYPE ebpf_program_run_count counter\n"
#define RUN_DURATION_HEAD                                                                \
	"# HELP ebpf_program_run_duration_nanoseconds Nanoseconds the program ran while " \
	"statistics were enabled.\n"                                                     \
	"# TYPE ebpf_program_run_duration_nanoseconds counter\n"

/* Linux 4.13 layout: up to xlated_prog_insns, no name yet. */
#define PROG_INFO_LEN_4_13 40u
/* Linux 5.0 layout: up to prog_tags, no run_time_ns/run_cnt yet. */
#define PROG_INFO_LEN_5_0 ((uint32_t)offsetof(struct bpfsys_prog_info, run_time_ns))

/* PROG(id, type, name, more prog_info fields...) */
#define PROG(id_, type_, ...)                                                              \
	{ .kind = FAKE_PROG, .id = (id_),                                                  \
	  .info.prog = { .type = (type_), .id = (id_), .name = __VA_ARGS__ } }

static const struct fake_object three_progs[] = {
	PROG(3, BPFSYS_PROG_TYPE_XDP, "xdp_pass", .tag = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
							   0xcd, 0xef },
	     .run_cnt = 42, .run_time_ns = 8400),
	PROG(7, BPFSYS_PROG_TYPE_KPROBE, "do_sys_open", .tag = { 0xde, 0xad, 0xbe, 0xef },
	     .run_cnt = 0, .run_time_ns = 0),
	PROG(12, BPFSYS_PROG_TYPE_TRACING, "fentry_tcp", .tag = { 0xff, 0, 0, 0, 0, 0, 0, 0x10 },
	     .run_cnt = 18446744073709551615u, .run_time_ns = 1),
};

#define PROG_3 "ebpf_program_info{prog_id=\"3\",prog_type=\"XDP\",prog_name=\"xdp_pass\"," \
	       "tag=\"0123456789abcdef\"} 1\n"
#define PROG_7 "ebpf_program_info{prog_id=\"7\",prog_type=\"Kprobe\",prog_name=\"do_sys_open\"," \
	       "tag=\"deadbeef00000000\"} 1\n"
#define PROG_12 "ebpf_program_info{prog_id=\"12\",prog_type=\"Tracing\",prog_name=\"fentry_tcp\"," \
		"tag=\"ff00000000000010\"} 1\n"

static void run_ok(unsigned want_errors, int want_first_error)
{
	struct collector_ctx ctx;

	assert_int_equal(test_collect(&collector_prog, &ctx), 0);
	assert_int_equal(ctx.errors, want_errors);
	assert_int_equal(ctx.first_error, want_first_error);
}

static void test_prog_exports_one_info_series_per_program(void **state)
{
	(void)state;
	fake_bpfsys_reset(three_progs, 3);
	run_ok(0, 0);
	assert_output(INFO_HEAD PROG_3 PROG_7 PROG_12);
	assert_fds_closed();
}

static void test_prog_empty_system_exports_nothing(void **state)
{
	(void)state;
	run_ok(0, 0);
	assert_output("");
	assert_int_equal(fake_bpfsys_calls(FAKE_CALL_NEXT_ID), 1);
}

static void test_prog_skips_vanished_program_without_error(void **state)
{
	struct fake_object objs[3];

	(void)state;
	memcpy(objs, three_progs, sizeof(objs));
	objs[1].fd_err = -ENOENT;
	fake_bpfsys_reset(objs, 3);
	run_ok(0, 0);
	assert_output(INFO_HEAD PROG_3 PROG_12);
	assert_fds_closed();
}

static void test_prog_returns_eperm_when_first_next_id_is_denied(void **state)
{
	struct collector_ctx ctx;

	(void)state;
	fake_bpfsys_reset(three_progs, 3);
	fake_bpfsys_fail(FAKE_CALL_NEXT_ID, 0, -EPERM);
	assert_int_equal(test_collect(&collector_prog, &ctx), -EPERM);
	assert_int_equal(fake_bpfsys_calls(FAKE_CALL_GET_FD), 0);
	assert_fds_closed();
}

static void test_prog_returns_einval_when_kernel_cannot_enumerate(void **state)
{
	struct collector_ctx ctx;

	(void)state;
	fake_bpfsys_reset(three_progs, 3);
	fake_bpfsys_fail(FAKE_CALL_NEXT_ID, 0, -EINVAL);
	assert_int_equal(test_collect(&collector_prog, &ctx), -EINVAL);
	assert_fds_closed();
}

static void test_prog_eperm_on_one_fd_exports_others_and_counts_error(void **state)
{
	struct fake_object objs[3];

	(void)state;
	memcpy(objs, three_progs, sizeof(objs));
	objs[1].fd_err = -EPERM;
	fake_bpfsys_reset(objs, 3);
	run_ok(1, -EPERM);
	assert_output(INFO_HEAD PROG_3 PROG_12);
	assert_fds_closed();
}

static void test_prog_info_failure_counts_error_and_closes_fd(void **state)
{
	struct fake_object objs[3];

	(void)state;
	memcpy(objs, three_progs, sizeof(objs));
	objs[0].info_err = -ENODEV;
	objs[2].info_err = -EINVAL;
	fake_bpfsys_reset(objs, 3);
	run_ok(2, -ENODEV);
	assert_output(INFO_HEAD PROG_7);
	assert_fds_closed();
}

static void test_prog_later_next_id_failure_keeps_earlier_programs(void **state)
{
	(void)state;
	fake_bpfsys_reset(three_progs, 3);
	fake_bpfsys_fail(FAKE_CALL_NEXT_ID, 1, -EIO);
	run_ok(1, -EIO);
	assert_output(INFO_HEAD PROG_3);
	assert_fds_closed();
}

static void test_prog_old_kernel_without_name_exports_empty_prog_name(void **state)
{
	static const struct fake_object objs[] = {
		PROG(5, BPFSYS_PROG_TYPE_SOCKET_FILTER, "never_seen", .tag = { 1 }),
	};
	struct fake_object o = objs[0];

	(void)state;
	o.info_len = PROG_INFO_LEN_4_13;
	fake_bpfsys_reset(&o, 1);
	run_ok(0, 0);
	assert_output(INFO_HEAD "ebpf_program_info{prog_id=\"5\",prog_type=\"SocketFilter\","
				"prog_name=\"\",tag=\"0100000000000000\"} 1\n");
	assert_fds_closed();
}

static void test_prog_stats_series_when_stats_collected(void **state)
{
	(void)state;
	collector_opts.prog_stats_mode = COLLECTOR_PROG_STATS_ENABLED;
	fake_bpfsys_reset(three_progs, 3);
	run_ok(0, 0);
	assert_output(INFO_HEAD PROG_3 PROG_7 PROG_12 RUN_COUNT_HEAD
		      "ebpf_program_run_count{prog_id=\"3\"} 42\n"
		      "ebpf_program_run_count{prog_id=\"7\"} 0\n"
		      "ebpf_program_run_count{prog_id=\"12\"} 18446744073709551615\n"
		      RUN_DURATION_HEAD
		      "ebpf_program_run_duration_nanoseconds{prog_id=\"3\"} 8400\n"
		      "ebpf_program_run_duration_nanoseconds{prog_id=\"7\"} 0\n"
		      "ebpf_program_run_duration_nanoseconds{prog_id=\"12\"} 1\n");
	assert_fds_closed();
}

static void test_prog_no_stats_series_when_stats_disabled(void **state)
{
	(void)state;
	collector_opts.prog_stats_mode = COLLECTOR_PROG_STATS_DISABLED;
	fake_bpfsys_reset(three_progs, 3);
	run_ok(0, 0);
	assert_output(INFO_HEAD PROG_3 PROG_7 PROG_12);
	assert_fds_closed();
}

static void test_prog_old_kernel_without_run_time_has_no_stats_series(void **state)
{
	struct fake_object objs[3];

	(void)state;
	memcpy(objs, three_progs, sizeof(objs));
	objs[0].info_len = PROG_INFO_LEN_5_0;
	objs[2].info_len = PROG_INFO_LEN_5_0;
	collector_opts.prog_stats_mode = COLLECTOR_PROG_STATS_SAMPLE;
	fake_bpfsys_reset(objs, 3);
	run_ok(0, 0);
	assert_output(INFO_HEAD PROG_3 PROG_7 PROG_12 RUN_COUNT_HEAD
		      "ebpf_program_run_count{prog_id=\"7\"} 0\n" RUN_DURATION_HEAD
		      "ebpf_program_run_duration_nanoseconds{prog_id=\"7\"} 0\n");
	assert_fds_closed();
}

static void test_prog_unknown_type_is_printed_as_number(void **state)
{
	static const struct fake_object objs[] = {
		PROG(1, BPFSYS_PROG_TYPE_UNSPEC, "zero"),
		PROG(2, BPFSYS_PROG_TYPE_NETFILTER, "last_known"),
		PROG(3, BPFSYS_PROG_TYPE_COUNT, "next_kernel"),
		PROG(4, 4294967295u, "huge"),
	};

	(void)state;
	fake_bpfsys_reset(objs, 4);
	run_ok(0, 0);
	assert_output(INFO_HEAD
		      "ebpf_program_info{prog_id=\"1\",prog_type=\"UnspecifiedProgram\","
		      "prog_name=\"zero\",tag=\"0000000000000000\"} 1\n"
		      "ebpf_program_info{prog_id=\"2\",prog_type=\"Netfilter\","
		      "prog_name=\"last_known\",tag=\"0000000000000000\"} 1\n"
		      "ebpf_program_info{prog_id=\"3\",prog_type=\"33\","
		      "prog_name=\"next_kernel\",tag=\"0000000000000000\"} 1\n"
		      "ebpf_program_info{prog_id=\"4\",prog_type=\"4294967295\","
		      "prog_name=\"huge\",tag=\"0000000000000000\"} 1\n");
	assert_fds_closed();
}

static void test_prog_name_filling_all_16_bytes_stops_at_the_field(void **state)
{
	/* No NUL in name; the bytes after it must not leak into the label. */
	static const struct fake_object objs[] = {
		PROG(9, BPFSYS_PROG_TYPE_XDP, "abcdefghijklmnop", .ifindex = 0x41414141),
	};

	(void)state;
	fake_bpfsys_reset(objs, 1);
	run_ok(0, 0);
	assert_output(INFO_HEAD "ebpf_program_info{prog_id=\"9\",prog_type=\"XDP\","
				"prog_name=\"abcdefghijklmnop\",tag=\"0000000000000000\"} 1\n");
	assert_fds_closed();
}

static void test_prog_odd_name_is_escaped(void **state)
{
	static const struct fake_object objs[] = {
		PROG(9, BPFSYS_PROG_TYPE_XDP, "a\"b\\c\nd"),
	};

	(void)state;
	fake_bpfsys_reset(objs, 1);
	run_ok(0, 0);
	assert_output(INFO_HEAD "ebpf_program_info{prog_id=\"9\",prog_type=\"XDP\","
				"prog_name=\"a\\\"b\\\\c\\nd\",tag=\"0000000000000000\"} 1\n");
	assert_fds_closed();
}

static void test_prog_full_arena_returns_enospc_at_once(void **state)
{
	static struct fake_object objs[400];
	struct collector_ctx ctx;

	(void)state;
	for (unsigned i = 0; i < 400; i++)
		objs[i] = (struct fake_object)PROG(i + 1, BPFSYS_PROG_TYPE_KPROBE, "p");
	metrics_arena_fini(&test_arena);
	assert_int_equal(metrics_arena_init(&test_arena, METRICS_CHUNK_SIZE), 0);
	fake_bpfsys_reset(objs, 400);
	assert_int_equal(test_collect(&collector_prog, &ctx), -ENOSPC);
	assert_true(fake_bpfsys_calls(FAKE_CALL_GET_FD) < 400);
	assert_fds_closed();
}

static void test_prog_stats_enable_holds_one_fd_until_disabled(void **state)
{
	(void)state;
	assert_false(collector_prog_stats_active());
	assert_int_equal(collector_prog_stats_enable(), 0);
	assert_true(collector_prog_stats_active());
	assert_int_equal(collector_prog_stats_enable(), 0);
	assert_int_equal(fake_bpfsys_calls(FAKE_CALL_ENABLE_STATS), 1);
	assert_int_equal(fake_bpfsys_open_fds(), 1);
	collector_prog_stats_disable();
	assert_false(collector_prog_stats_active());
	collector_prog_stats_disable();
	assert_fds_closed();
}

static void test_prog_stats_enable_passes_einval_from_old_kernel(void **state)
{
	(void)state;
	fake_bpfsys_fail(FAKE_CALL_ENABLE_STATS, 0, -EINVAL);
	assert_int_equal(collector_prog_stats_enable(), -EINVAL);
	assert_false(collector_prog_stats_active());
	assert_fds_closed();
}

static void test_prog_fini_closes_stats_fd(void **state)
{
	(void)state;
	assert_int_equal(collector_prog_stats_enable(), 0);
	collector_prog.fini();
	assert_false(collector_prog_stats_active());
	assert_fds_closed();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)
		T(test_prog_exports_one_info_series_per_program),
		T(test_prog_empty_system_exports_nothing),
		T(test_prog_skips_vanished_program_without_error),
		T(test_prog_returns_eperm_when_first_next_id_is_denied),
		T(test_prog_returns_einval_when_kernel_cannot_enumerate),
		T(test_prog_eperm_on_one_fd_exports_others_and_counts_error),
		T(test_prog_info_failure_counts_error_and_closes_fd),
		T(test_prog_later_next_id_failure_keeps_earlier_programs),
		T(test_prog_old_kernel_without_name_exports_empty_prog_name),
		T(test_prog_stats_series_when_stats_collected),
		T(test_prog_no_stats_series_when_stats_disabled),
		T(test_prog_old_kernel_without_run_time_has_no_stats_series),
		T(test_prog_unknown_type_is_printed_as_number),
		T(test_prog_name_filling_all_16_bytes_stops_at_the_field),
		T(test_prog_odd_name_is_escaped),
		T(test_prog_full_arena_returns_enospc_at_once),
		T(test_prog_stats_enable_holds_one_fd_until_disabled),
		T(test_prog_stats_enable_passes_einval_from_old_kernel),
		T(test_prog_fini_closes_stats_fd),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
