/* SPDX-License-Identifier: MIT */
/* Collector "link" against the fake bpfsys: whole-output golden comparisons. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "collector_test.h"

extern const struct collector collector_link;

#define HEAD(name, help, type) "# HELP " name " " help "\n# TYPE " name " " type "\n"
#define INFO_HEAD HEAD("ebpf_link_info", "Information on currently active eBPF links.", "gauge")
#define CGROUP_HEAD HEAD("ebpf_link_cgroup_info", "Attachment of an eBPF cgroup link.", "gauge")
#define NETNS_HEAD                                                                       \
	HEAD("ebpf_link_netns_info", "Attachment of an eBPF network namespace link.", "gauge")
#define TRACING_HEAD                                                                     \
	HEAD("ebpf_link_tracing_info", "Target of an eBPF tracing link.", "gauge")
#define XDP_HEAD HEAD("ebpf_link_xdp_info", "Interface of an eBPF XDP link.", "gauge")
#define TCX_HEAD HEAD("ebpf_link_tcx_info", "Attachment of an eBPF TCX link.", "gauge")
#define NETFILTER_HEAD                                                                   \
	HEAD("ebpf_link_netfilter_info", "Hook of an eBPF netfilter link.", "gauge")
#define NETKIT_HEAD                                                                      \
	HEAD("ebpf_link_netkit_info", "Attachment of an eBPF netkit link.", "gauge")
#define KPROBE_HEAD                                                                      \
	HEAD("ebpf_link_kprobe_info", "Probes and misses of an eBPF kprobe_multi link.", "gauge")
#define PERF_EVENT_HEAD                                                                  \
	HEAD("ebpf_link_perf_event_info", "Event type of an eBPF perf_event link.", "gauge")

/* Only type, id and prog_id: shorter than any kernel, the least a link can report. */
#define LINK_INFO_LEN_IDS ((uint32_t)offsetof(struct bpfsys_link_info, prog_id) + 4)
/* Linux 5.8 layout. */
#define LINK_INFO_LEN_5_8 32u

/* LINK(id, type, prog_id, more link_info fields...) */
#define LINK(id_, type_, ...)                                                              \
	.kind = FAKE_LINK, .id = (id_),                                                    \
	.info.link = { .type = (type_), .id = (id_), .prog_id = __VA_ARGS__ }

static const struct fake_object all_links[] = {
	{ LINK(1, BPFSYS_LINK_TYPE_RAW_TRACEPOINT, 10) },
	{ LINK(2, BPFSYS_LINK_TYPE_TRACING, 11,
	       .tracing = { .attach_type = BPFSYS_TRACE_FENTRY, .target_obj_id = 1,
			    .target_btf_id = 12345 }) },
	{ LINK(3, BPFSYS_LINK_TYPE_CGROUP, 12,
	       .cgroup = { .cgroup_id = 4242, .attach_type = BPFSYS_CGROUP_INET_INGRESS }) },
	{ LINK(4, BPFSYS_LINK_TYPE_ITER, 13) },
	{ LINK(5, BPFSYS_LINK_TYPE_NETNS, 14,
	       .netns = { .netns_ino = 4026531840u, .attach_type = BPFSYS_FLOW_DISSECTOR }) },
	{ LINK(6, BPFSYS_LINK_TYPE_XDP, 15, .xdp = { .ifindex = 2 }) },
	{ LINK(7, BPFSYS_LINK_TYPE_PERF_EVENT, 16,
	       .perf_event = { .type = BPFSYS_PERF_EVENT_KPROBE }) },
	{ LINK(8, BPFSYS_LINK_TYPE_KPROBE_MULTI, 17,
	       .kprobe_multi = { .count = 3, .flags = BPFSYS_F_KPROBE_MULTI_RETURN,
				 .missed = 7 }) },
	{ LINK(9, BPFSYS_LINK_TYPE_STRUCT_OPS, 0, .struct_ops = { .map_id = 30 }) },
	{ LINK(10, BPFSYS_LINK_TYPE_NETFILTER, 19,
	       .netfilter = { .pf = 2, .hooknum = 1, .priority = -100, .flags = 0 }) },
	{ LINK(11, BPFSYS_LINK_TYPE_TCX, 20,
	       .tcx = { .ifindex = 3, .attach_type = BPFSYS_TCX_EGRESS }) },
	{ LINK(12, BPFSYS_LINK_TYPE_UPROBE_MULTI, 21) },
	{ LINK(13, BPFSYS_LINK_TYPE_NETKIT, 22,
	       .netkit = { .ifindex = 4, .attach_type = BPFSYS_NETKIT_PEER }) },
	{ LINK(14, BPFSYS_LINK_TYPE_SOCKMAP, 23,
	       .sockmap = { .map_id = 31, .attach_type = BPFSYS_SK_SKB_VERDICT }) },
};
#define NLINKS (sizeof(all_links) / sizeof(all_links[0]))

#define INFO(id, type, prog) \
	"ebpf_link_info{link_id=\"" #id "\",link_type=\"" type "\",prog_id=\"" #prog "\"} 1\n"

static void run_ok(unsigned want_errors, int want_first_error)
{
	struct collector_ctx ctx;

	assert_int_equal(test_collect(&collector_link, &ctx), 0);
	assert_int_equal(ctx.errors, want_errors);
	assert_int_equal(ctx.first_error, want_first_error);
}

static void test_link_exports_info_and_type_specific_series(void **state)
{
	(void)state;
	fake_bpfsys_reset(all_links, NLINKS);
	run_ok(0, 0);
	assert_output(INFO_HEAD INFO(1, "RAW_TRACEPOINT", 10) INFO(2, "TRACING", 11)
		      INFO(3, "CGROUP", 12) INFO(4, "ITER", 13) INFO(5, "NETNS", 14)
		      INFO(6, "XDP", 15) INFO(7, "PERF_EVENT", 16) INFO(8, "KPROBE_MULTI", 17)
		      INFO(9, "STRUCT_OPS", 0) INFO(10, "NETFILTER", 19) INFO(11, "TCX", 20)
		      INFO(12, "UPROBE_MULTI", 21) INFO(13, "NETKIT", 22) INFO(14, "SOCKMAP", 23)
		      CGROUP_HEAD
		      "ebpf_link_cgroup_info{link_id=\"3\",attach_type=\"CGROUP_INET_INGRESS\","
		      "cgroup_id=\"4242\"} 1\n"
		      NETNS_HEAD
		      "ebpf_link_netns_info{link_id=\"5\",attach_type=\"FLOW_DISSECTOR\","
		      "netns_ino=\"4026531840\"} 1\n"
		      TRACING_HEAD
		      "ebpf_link_tracing_info{link_id=\"2\",attach_type=\"TRACE_FENTRY\","
		      "target_obj_id=\"1\",target_btf_id=\"12345\"} 1\n"
		      XDP_HEAD "ebpf_link_xdp_info{link_id=\"6\",interface_index=\"2\"} 1\n"
		      TCX_HEAD
		      "ebpf_link_tcx_info{link_id=\"11\",attach_type=\"TCX_EGRESS\","
		      "interface_index=\"3\"} 1\n"
		      NETFILTER_HEAD
		      "ebpf_link_netfilter_info{link_id=\"10\",pf=\"2\",hook_num=\"1\","
		      "priority=\"-100\",flags=\"0\"} 1\n"
		      NETKIT_HEAD
		      "ebpf_link_netkit_info{link_id=\"13\",attach_type=\"NETKIT_PEER\","
		      "interface_index=\"4\"} 1\n"
		      KPROBE_HEAD
		      "ebpf_link_kprobe_info{link_id=\"8\",count=\"3\",flags=\"1\",missed=\"7\"} 1\n"
		      PERF_EVENT_HEAD
		      "ebpf_link_perf_event_info{link_id=\"7\",perf_event_type=\"KPROBE\"} 1\n");
	assert_fds_closed();
}

/* Links 3 (cgroup) and 6 (xdp) only. */
static const struct fake_object two_links[] = {
	{ LINK(3, BPFSYS_LINK_TYPE_CGROUP, 12,
	       .cgroup = { .cgroup_id = 4242, .attach_type = BPFSYS_CGROUP_INET_INGRESS }) },
	{ LINK(6, BPFSYS_LINK_TYPE_XDP, 15, .xdp = { .ifindex = 2 }) },
};
#define CGROUP_3                                                                          \
	"ebpf_link_cgroup_info{link_id=\"3\",attach_type=\"CGROUP_INET_INGRESS\","        \
	"cgroup_id=\"4242\"} 1\n"
#define XDP_6 "ebpf_link_xdp_info{link_id=\"6\",interface_index=\"2\"} 1\n"

static void test_link_skips_vanished_link_without_error(void **state)
{
	struct fake_object objs[2];

	(void)state;
	memcpy(objs, two_links, sizeof(objs));
	objs[0].fd_err = -ENOENT;
	fake_bpfsys_reset(objs, 2);
	run_ok(0, 0);
	assert_output(INFO_HEAD INFO(6, "XDP", 15) XDP_HEAD XDP_6);
	assert_fds_closed();
}

static void test_link_returns_eperm_when_first_next_id_is_denied(void **state)
{
	struct collector_ctx ctx;

	(void)state;
	fake_bpfsys_reset(two_links, 2);
	fake_bpfsys_fail(FAKE_CALL_NEXT_ID, 0, -EPERM);
	assert_int_equal(test_collect(&collector_link, &ctx), -EPERM);
	assert_int_equal(fake_bpfsys_calls(FAKE_CALL_GET_FD), 0);
	assert_fds_closed();
}

static void test_link_returns_einval_on_kernel_without_links(void **state)
{
	struct collector_ctx ctx;

	(void)state;
	fake_bpfsys_reset(two_links, 2);
	fake_bpfsys_fail(FAKE_CALL_NEXT_ID, 0, -EINVAL);
	assert_int_equal(test_collect(&collector_link, &ctx), -EINVAL);
	assert_fds_closed();
}

static void test_link_eperm_on_one_fd_exports_others_and_counts_error(void **state)
{
	struct fake_object objs[2];

	(void)state;
	memcpy(objs, two_links, sizeof(objs));
	objs[1].fd_err = -EPERM;
	fake_bpfsys_reset(objs, 2);
	run_ok(1, -EPERM);
	assert_output(INFO_HEAD INFO(3, "CGROUP", 12) CGROUP_HEAD CGROUP_3);
	assert_fds_closed();
}

static void test_link_info_failure_counts_error_and_closes_fd(void **state)
{
	struct fake_object objs[2];

	(void)state;
	memcpy(objs, two_links, sizeof(objs));
	objs[0].info_err = -EINVAL;
	fake_bpfsys_reset(objs, 2);
	run_ok(1, -EINVAL);
	assert_output(INFO_HEAD INFO(6, "XDP", 15) XDP_HEAD XDP_6);
	assert_fds_closed();
}

static void test_link_short_info_exports_only_link_info(void **state)
{
	struct fake_object objs[] = {
		two_links[0],
		two_links[1],
		{ LINK(8, BPFSYS_LINK_TYPE_KPROBE_MULTI, 17,
		       .kprobe_multi = { .count = 3, .flags = 0, .missed = 7 }) },
	};

	(void)state;
	objs[0].info_len = LINK_INFO_LEN_IDS; /* cgroup fields cut off */
	objs[1].info_len = LINK_INFO_LEN_5_8; /* xdp fits in 5.8's layout */
	objs[2].info_len = LINK_INFO_LEN_5_8; /* kprobe_multi does not */
	fake_bpfsys_reset(objs, 3);
	run_ok(0, 0);
	assert_output(INFO_HEAD INFO(3, "CGROUP", 12) INFO(6, "XDP", 15)
		      INFO(8, "KPROBE_MULTI", 17) XDP_HEAD XDP_6);
	assert_fds_closed();
}

/* Before Linux 6.6 the kernel fills no perf_event link info: the type reads UNSPEC (0),
 * which no real perf_event link has, so the series is left out rather than mislabelled. */
static void test_link_perf_event_unspec_from_old_kernel_has_no_details(void **state)
{
	static const struct fake_object objs[] = {
		{ LINK(7, BPFSYS_LINK_TYPE_PERF_EVENT, 16) },
	};

	(void)state;
	fake_bpfsys_reset(objs, 1);
	run_ok(0, 0);
	assert_output(INFO_HEAD INFO(7, "PERF_EVENT", 16));
	assert_fds_closed();
}

static void test_link_unknown_enum_values_are_printed_as_numbers(void **state)
{
	static const struct fake_object objs[] = {
		{ LINK(1, BPFSYS_LINK_TYPE_UNSPEC, 5) },
		{ LINK(2, BPFSYS_LINK_TYPE_COUNT, 6, .xdp = { .ifindex = 9 }) },
		{ LINK(3, BPFSYS_LINK_TYPE_CGROUP, 7,
		       .cgroup = { .cgroup_id = 1, .attach_type = BPFSYS_ATTACH_TYPE_COUNT }) },
		{ LINK(4, BPFSYS_LINK_TYPE_TCX, 8,
		       .tcx = { .ifindex = 1, .attach_type = BPFSYS_TRACE_UPROBE_SESSION }) },
		{ LINK(5, BPFSYS_LINK_TYPE_PERF_EVENT, 9,
		       .perf_event = { .type = BPFSYS_PERF_EVENT_TYPE_COUNT }) },
		{ LINK(6, BPFSYS_LINK_TYPE_NETFILTER, 10,
		       .netfilter = { .pf = 10, .hooknum = 4, .priority = INT32_MIN,
				      .flags = 4294967295u }) },
	};

	(void)state;
	fake_bpfsys_reset(objs, 6);
	run_ok(0, 0);
	assert_output(INFO_HEAD INFO(1, "UNSPEC", 5) INFO(2, "15", 6) INFO(3, "CGROUP", 7)
		      INFO(4, "TCX", 8) INFO(5, "PERF_EVENT", 9) INFO(6, "NETFILTER", 10)
		      CGROUP_HEAD
		      "ebpf_link_cgroup_info{link_id=\"3\",attach_type=\"58\",cgroup_id=\"1\"} 1\n"
		      TCX_HEAD
		      "ebpf_link_tcx_info{link_id=\"4\",attach_type=\"TRACE_UPROBE_SESSION\","
		      "interface_index=\"1\"} 1\n"
		      NETFILTER_HEAD
		      "ebpf_link_netfilter_info{link_id=\"6\",pf=\"10\",hook_num=\"4\","
		      "priority=\"-2147483648\",flags=\"4294967295\"} 1\n"
		      PERF_EVENT_HEAD
		      "ebpf_link_perf_event_info{link_id=\"5\",perf_event_type=\"7\"} 1\n");
	assert_fds_closed();
}

static void test_link_full_arena_returns_enospc_at_once(void **state)
{
	static struct fake_object objs[300];
	struct collector_ctx ctx;

	(void)state;
	for (unsigned i = 0; i < 300; i++)
		objs[i] = (struct fake_object){ LINK(i + 1, BPFSYS_LINK_TYPE_XDP, 1,
						     .xdp = { .ifindex = 1 }) };
	metrics_arena_fini(&test_arena);
	assert_int_equal(metrics_arena_init(&test_arena, METRICS_CHUNK_SIZE), 0);
	fake_bpfsys_reset(objs, 300);
	assert_int_equal(test_collect(&collector_link, &ctx), -ENOSPC);
	assert_true(fake_bpfsys_calls(FAKE_CALL_GET_FD) < 300);
	assert_fds_closed();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)
		T(test_link_exports_info_and_type_specific_series),
		T(test_link_skips_vanished_link_without_error),
		T(test_link_returns_eperm_when_first_next_id_is_denied),
		T(test_link_returns_einval_on_kernel_without_links),
		T(test_link_eperm_on_one_fd_exports_others_and_counts_error),
		T(test_link_info_failure_counts_error_and_closes_fd),
		T(test_link_short_info_exports_only_link_info),
		T(test_link_perf_event_unspec_from_old_kernel_has_no_details),
		T(test_link_unknown_enum_values_are_printed_as_numbers),
		T(test_link_full_arena_returns_enospc_at_once),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
