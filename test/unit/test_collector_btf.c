/* SPDX-License-Identifier: MIT */
/* Collector "btf" against the fake bpfsys: whole-output golden comparisons. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "collector_test.h"

extern const struct collector collector_btf;

#define INFO_HEAD                                                                        \
	"# HELP ebpf_btf_info Information on currently loaded BTF objects.\n"           \
	"# TYPE ebpf_btf_info gauge\n"

/* Linux 4.18 layout: btf, btf_size, id; no name, no kernel_btf. */
#define BTF_INFO_LEN_4_18 16u

#define BTF(id_, kernel_, name_)                                                           \
	.kind = FAKE_BTF, .id = (id_), .info.btf = { .id = (id_), .kernel_btf = (kernel_) }, \
	.btf_name = (name_)

static const struct fake_object three_btfs[] = {
	{ BTF(1, 1, "vmlinux") },
	{ BTF(2, 1, "nf_conntrack") },
	{ BTF(40, 0, NULL) },
};

#define BTF_1 "ebpf_btf_info{btf_id=\"1\",btf_name=\"vmlinux\",is_kernel=\"true\"} 1\n"
#define BTF_2 "ebpf_btf_info{btf_id=\"2\",btf_name=\"nf_conntrack\",is_kernel=\"true\"} 1\n"
#define BTF_40 "ebpf_btf_info{btf_id=\"40\",btf_name=\"\",is_kernel=\"false\"} 1\n"

static void run_ok(unsigned want_errors, int want_first_error)
{
	struct collector_ctx ctx;

	assert_int_equal(test_collect(&collector_btf, &ctx), 0);
	assert_int_equal(ctx.errors, want_errors);
	assert_int_equal(ctx.first_error, want_first_error);
}

static void test_btf_exports_kernel_and_user_btf(void **state)
{
	(void)state;
	fake_bpfsys_reset(three_btfs, 3);
	run_ok(0, 0);
	assert_output(INFO_HEAD BTF_1 BTF_2 BTF_40);
	assert_fds_closed();
}

static void test_btf_skips_vanished_btf_without_error(void **state)
{
	struct fake_object objs[3];

	(void)state;
	memcpy(objs, three_btfs, sizeof(objs));
	objs[1].fd_err = -ENOENT;
	fake_bpfsys_reset(objs, 3);
	run_ok(0, 0);
	assert_output(INFO_HEAD BTF_1 BTF_40);
	assert_fds_closed();
}

static void test_btf_returns_eperm_when_first_next_id_is_denied(void **state)
{
	struct collector_ctx ctx;

	(void)state;
	fake_bpfsys_reset(three_btfs, 3);
	fake_bpfsys_fail(FAKE_CALL_NEXT_ID, 0, -EPERM);
	assert_int_equal(test_collect(&collector_btf, &ctx), -EPERM);
	assert_int_equal(fake_bpfsys_calls(FAKE_CALL_GET_FD), 0);
	assert_fds_closed();
}

static void test_btf_returns_einval_on_kernel_without_btf_ids(void **state)
{
	struct collector_ctx ctx;

	(void)state;
	fake_bpfsys_reset(three_btfs, 3);
	fake_bpfsys_fail(FAKE_CALL_NEXT_ID, 0, -EINVAL);
	assert_int_equal(test_collect(&collector_btf, &ctx), -EINVAL);
	assert_fds_closed();
}

static void test_btf_eperm_on_one_fd_exports_others_and_counts_error(void **state)
{
	struct fake_object objs[3];

	(void)state;
	memcpy(objs, three_btfs, sizeof(objs));
	objs[0].fd_err = -EPERM;
	fake_bpfsys_reset(objs, 3);
	run_ok(1, -EPERM);
	assert_output(INFO_HEAD BTF_2 BTF_40);
	assert_fds_closed();
}

static void test_btf_info_failure_counts_error_and_closes_fd(void **state)
{
	struct fake_object objs[3];

	(void)state;
	memcpy(objs, three_btfs, sizeof(objs));
	objs[2].info_err = -ENODEV;
	fake_bpfsys_reset(objs, 3);
	fake_bpfsys_fail(FAKE_CALL_GET_INFO, 0, -E2BIG);
	run_ok(2, -E2BIG);
	assert_output(INFO_HEAD BTF_2);
	assert_fds_closed();
}

static void test_btf_old_kernel_has_no_name_and_is_not_kernel(void **state)
{
	struct fake_object objs[1] = { three_btfs[0] };

	(void)state;
	objs[0].info_len = BTF_INFO_LEN_4_18;
	fake_bpfsys_reset(objs, 1);
	run_ok(0, 0);
	assert_output(INFO_HEAD "ebpf_btf_info{btf_id=\"1\",btf_name=\"\",is_kernel=\"false\"} 1\n");
	assert_fds_closed();
}

static void test_btf_odd_name_is_escaped(void **state)
{
	static const struct fake_object objs[] = {
		{ BTF(7, 1, "we\"ird\\mod\nname") },
	};

	(void)state;
	fake_bpfsys_reset(objs, 1);
	run_ok(0, 0);
	assert_output(INFO_HEAD "ebpf_btf_info{btf_id=\"7\",btf_name=\"we\\\"ird\\\\mod\\nname\","
				"is_kernel=\"true\"} 1\n");
	assert_fds_closed();
}

static void test_btf_long_name_is_cut_to_63_bytes(void **state)
{
	static const struct fake_object objs[] = {
		{ BTF(8, 1, "a123456789b123456789c123456789d123456789e123456789f123456789g123456789") },
	};

	(void)state;
	fake_bpfsys_reset(objs, 1);
	run_ok(0, 0);
	assert_output(INFO_HEAD "ebpf_btf_info{btf_id=\"8\",btf_name=\"a123456789b123456789"
				"c123456789d123456789e123456789f123456789g12\",is_kernel=\"true\"} 1\n");
	assert_fds_closed();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)
		T(test_btf_exports_kernel_and_user_btf),
		T(test_btf_skips_vanished_btf_without_error),
		T(test_btf_returns_eperm_when_first_next_id_is_denied),
		T(test_btf_returns_einval_on_kernel_without_btf_ids),
		T(test_btf_eperm_on_one_fd_exports_others_and_counts_error),
		T(test_btf_info_failure_counts_error_and_closes_fd),
		T(test_btf_old_kernel_has_no_name_and_is_not_kernel),
		T(test_btf_odd_name_is_escaped),
		T(test_btf_long_name_is_cut_to_63_bytes),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
