/* SPDX-License-Identifier: MIT */
/* The registry's scrape loop over the real collectors and the fake bpfsys: build info,
 * per-collector success and duration, rewind of a failed collector, disabled collectors,
 * arena overflow. Whole-output comparisons; durations are masked as "D". */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "collector.h"
#include "config.h"
#include "version.h"
#include "fake_bpfsys.h"
#include "metrics.h"

static struct metrics_arena arena;
static char out[1 << 16];

static const struct fake_object population[] = {
	{ .kind = FAKE_PROG, .id = 7,
	  .info.prog = { .type = BPFSYS_PROG_TYPE_XDP, .id = 7, .name = "xdp_pass",
			 .tag = { 1, 2, 3, 4, 5, 6, 7, 8 } } },
	{ .kind = FAKE_MAP, .id = 3,
	  .info.map = { .type = BPFSYS_MAP_TYPE_HASH, .id = 3, .key_size = 4, .value_size = 8,
			.max_entries = 16, .name = "counts" } },
	{ .kind = FAKE_MAP, .id = 4,
	  .info.map = { .type = BPFSYS_MAP_TYPE_ARRAY, .id = 4, .key_size = 4, .value_size = 4,
			.max_entries = 2, .name = "cfg" } },
	{ .kind = FAKE_BTF, .id = 1, .info.btf = { .id = 1, .kernel_btf = 1 }, .btf_name = "vmlinux" },
};

#define BUILD_INFO                                                                          \
	"# HELP ebpf_exporter_build_info A metric with a constant '1' value labeled by the "  \
	"version and revision (Git commit) from which ebpf_exporter was built.\n"             \
	"# TYPE ebpf_exporter_build_info gauge\n"                                            \
	"ebpf_exporter_build_info{version=\"" EBPF_EXPORTER_VERSION "\",revision=\""         \
	EBPF_EXPORTER_REVISION "\"} 1\n"
#define PROG                                                                                \
	"# HELP ebpf_program_info Information on currently loaded eBPF programs.\n"          \
	"# TYPE ebpf_program_info gauge\n"                                                   \
	"ebpf_program_info{prog_id=\"7\",prog_type=\"XDP\",prog_name=\"xdp_pass\","          \
	"tag=\"0102030405060708\"} 1\n"
#define MAP_INFO_HEAD                                                                       \
	"# HELP ebpf_map_info Information on currently loaded eBPF maps.\n"                  \
	"# TYPE ebpf_map_info gauge\n"
#define MAP_3_INFO                                                                          \
	"ebpf_map_info{map_id=\"3\",map_type=\"Hash\",map_name=\"counts\",key_size=\"4\","   \
	"value_size=\"8\",flags=\"0\"} 1\n"
#define MAP_4_INFO                                                                          \
	"ebpf_map_info{map_id=\"4\",map_type=\"Array\",map_name=\"cfg\",key_size=\"4\","     \
	"value_size=\"4\",flags=\"0\"} 1\n"
#define MAX_HEAD                                                                            \
	"# HELP ebpf_map_max_entries The configured maximum number of entries of an eBPF map.\n"            \
	"# TYPE ebpf_map_max_entries gauge\n"
#define BTF                                                                                 \
	"# HELP ebpf_btf_info Information on currently loaded BTF objects.\n"                \
	"# TYPE ebpf_btf_info gauge\n"                                                       \
	"ebpf_btf_info{btf_id=\"1\",btf_name=\"vmlinux\",is_kernel=\"true\"} 1\n"
#define DUR_HEAD                                                                            \
	"# HELP ebpf_exporter_scrape_collector_duration_seconds Duration of a collector "    \
	"scrape.\n# TYPE ebpf_exporter_scrape_collector_duration_seconds gauge\n"
#define DUR(c) "ebpf_exporter_scrape_collector_duration_seconds{collector=\"" c "\"} D\n"
#define SUCC_HEAD                                                                           \
	"# HELP ebpf_exporter_scrape_collector_success Whether a collector succeeded.\n"     \
	"# TYPE ebpf_exporter_scrape_collector_success gauge\n"
#define SUCC(c, v) "ebpf_exporter_scrape_collector_success{collector=\"" c "\"} " v "\n"
#define BACK_HEAD                                                                           \
	"# HELP ebpf_exporter_collector_backend_info How a collector reads the kernel: "     \
	"iterator+kfunc, iterator or syscall.\n"                                             \
	"# TYPE ebpf_exporter_collector_backend_info gauge\n"
#define BACK(c, b) "ebpf_exporter_collector_backend_info{collector=\"" c "\",backend=\"" b "\"} 1\n"
#define BACK_SYSCALL                                                                        \
	BACK_HEAD BACK("prog", "syscall") BACK("map", "syscall") BACK("link", "syscall")     \
	BACK("btf", "syscall")

static int setup(void **state)
{
	(void)state;
	for (unsigned i = 0; i < collector_count; i++)
		collector_enabled[i] = true;
	collector_opts = (struct collector_options){ 0 };
	fake_bpfsys_reset(population, sizeof(population) / sizeof(population[0]));
	return metrics_arena_init(&arena, 1 << 20) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	metrics_arena_fini(&arena);
	return 0;
}

/* Renders the arena with every duration value replaced by "D". */
static const char *render_masked(void)
{
	static const char key[] = "ebpf_exporter_scrape_collector_duration_seconds{";
	long n = metrics_render(&arena, out, sizeof(out) - 1);
	char *p = out;

	assert_true(n >= 0);
	out[n] = '\0';
	while ((p = strstr(p, key)) != NULL) {
		char *v = strstr(p, "} ") + 2, *end = strchr(v, '\n');

		assert_true(end > v);
		memmove(v + 1, end, strlen(end) + 1);
		*v = 'D';
		p = v;
	}
	return out;
}

static void test_scrape_reports_every_collector_with_success_1(void **state)
{
	(void)state;
	assert_int_equal(collectors_scrape(&arena), 0);
	assert_string_equal(render_masked(),
			    BUILD_INFO PROG MAP_INFO_HEAD MAP_3_INFO MAP_4_INFO MAX_HEAD
			    "ebpf_map_max_entries{map_id=\"3\"} 16\n"
			    "ebpf_map_max_entries{map_id=\"4\"} 2\n" BTF DUR_HEAD DUR("prog")
			    DUR("map") DUR("link") DUR("btf") SUCC_HEAD SUCC("prog", "1")
			    SUCC("map", "1") SUCC("link", "1") SUCC("btf", "1") BACK_SYSCALL);
	assert_int_equal(fake_bpfsys_open_fds(), 0);
}

static void test_failed_collector_is_rewound_and_reports_success_0(void **state)
{
	(void)state;
	/* the first next_id call is the prog collector's: EPERM fails it as a whole */
	fake_bpfsys_fail(FAKE_CALL_NEXT_ID, 0, -EPERM);
	assert_int_equal(collectors_scrape(&arena), 0);
	assert_string_equal(render_masked(),
			    BUILD_INFO MAP_INFO_HEAD MAP_3_INFO MAP_4_INFO MAX_HEAD
			    "ebpf_map_max_entries{map_id=\"3\"} 16\n"
			    "ebpf_map_max_entries{map_id=\"4\"} 2\n" BTF DUR_HEAD DUR("prog")
			    DUR("map") DUR("link") DUR("btf") SUCC_HEAD SUCC("prog", "0")
			    SUCC("map", "1") SUCC("link", "1") SUCC("btf", "1") BACK_SYSCALL);
	assert_int_equal(fake_bpfsys_open_fds(), 0);
}

static void test_object_failure_keeps_other_objects_and_reports_success_0(void **state)
{
	struct fake_object objs[sizeof(population) / sizeof(population[0])];

	(void)state;
	memcpy(objs, population, sizeof(objs));
	objs[1].fd_err = -EPERM; /* map 3 */
	fake_bpfsys_reset(objs, sizeof(objs) / sizeof(objs[0]));
	assert_int_equal(collectors_scrape(&arena), 0);
	assert_string_equal(render_masked(),
			    BUILD_INFO PROG MAP_INFO_HEAD MAP_4_INFO MAX_HEAD
			    "ebpf_map_max_entries{map_id=\"4\"} 2\n" BTF DUR_HEAD DUR("prog")
			    DUR("map") DUR("link") DUR("btf") SUCC_HEAD SUCC("prog", "1")
			    SUCC("map", "0") SUCC("link", "1") SUCC("btf", "1") BACK_SYSCALL);
	assert_int_equal(fake_bpfsys_open_fds(), 0);
}

static void test_disabled_collectors_leave_no_series(void **state)
{
	(void)state;
	collector_enabled[collector_find("map")] = false;
	collector_enabled[collector_find("link")] = false;
	assert_int_equal(collectors_scrape(&arena), 0);
	assert_string_equal(render_masked(), BUILD_INFO PROG BTF DUR_HEAD DUR("prog") DUR("btf")
			    SUCC_HEAD SUCC("prog", "1") SUCC("btf", "1") BACK_HEAD
			    BACK("prog", "syscall") BACK("btf", "syscall"));
}

/* The scrape without the volatile backend_info lines (durations are masked already). */
static void render_without_backend(char *dst, size_t cap)
{
	const char *src = render_masked();
	size_t n = 0;

	for (const char *line = src; *line;) {
		const char *end = strchr(line, '\n') + 1;

		if (!memmem(line, (size_t)(end - line), "collector_backend_info", 22)) {
			assert_true(n + (size_t)(end - line) < cap);
			memcpy(dst + n, line, (size_t)(end - line));
			n += (size_t)(end - line);
		}
		line = end;
	}
	dst[n] = '\0';
}

static void test_iterator_backends_give_the_syscall_output(void **state)
{
	static char want[1 << 14], got[1 << 14];
	struct fake_object objs[sizeof(population) / sizeof(population[0])];

	(void)state;
	memcpy(objs, population, sizeof(objs));
	objs[1].nkeys = 5; /* hash map 3: kfunc count and walk agree */
	fake_bpfsys_reset(objs, sizeof(objs) / sizeof(objs[0]));
	collector_opts.count_mode = COLLECTOR_COUNT_ON;
	collector_opts.backend = COLLECTOR_BACKEND_SYSCALL;
	assert_int_equal(collectors_init(), 0);
	assert_int_equal(collectors_scrape(&arena), 0);
	render_without_backend(want, sizeof(want));
	assert_non_null(strstr(want, "ebpf_map_entries{map_id=\"3\"} 5\n"));
	collectors_fini();
	for (int mode = FAKE_ITER_PLAIN; mode <= FAKE_ITER_KFUNC; mode++) {
		fake_iter_set((enum fake_iter_mode)mode);
		collector_opts.backend = COLLECTOR_BACKEND_AUTO;
		assert_int_equal(collectors_init(), 0);
		assert_int_equal(collectors_scrape(&arena), 0);
		assert_int_equal(fake_iter_reads(), 3);
		render_without_backend(got, sizeof(got));
		assert_string_equal(got, want);
		collectors_fini();
	}
	fake_iter_set(FAKE_ITER_NONE);
	assert_int_equal(fake_bpfsys_open_fds(), 0);
}

static void test_count_auto_is_on_only_with_the_kfunc(void **state)
{
	(void)state;
	collector_opts.count_mode = COLLECTOR_COUNT_AUTO;
	fake_iter_set(FAKE_ITER_PLAIN);
	assert_int_equal(collectors_init(), 0);
	assert_false(collector_opts.map_count_entries);
	collectors_fini();
	fake_iter_set(FAKE_ITER_KFUNC);
	assert_int_equal(collectors_init(), 0);
	assert_true(collector_opts.map_count_entries);
	assert_int_equal(collectors_scrape(&arena), 0);
	assert_non_null(strstr(render_masked(), BACK_HEAD BACK("prog", "iterator")
				BACK("map", "iterator+kfunc") BACK("link", "iterator")
				BACK("btf", "syscall")));
	collectors_fini();
	fake_iter_set(FAKE_ITER_NONE);
}

static void test_forced_iterator_without_btf_fails_start_up(void **state)
{
	(void)state;
	fake_iter_set(FAKE_ITER_NONE);
	collector_opts.backend = COLLECTOR_BACKEND_ITER;
	assert_int_equal(collectors_init(), -ENOENT);
	collector_opts.backend = COLLECTOR_BACKEND_AUTO;
	assert_int_equal(collectors_init(), 0); /* auto falls back to syscalls */
	assert_int_equal(collectors_scrape(&arena), 0);
	assert_non_null(strstr(render_masked(), BACK_SYSCALL));
	collectors_fini();
}

static void test_arena_overflow_fails_the_whole_scrape(void **state)
{
	(void)state;
	metrics_arena_fini(&arena);
	assert_true(metrics_arena_init(&arena, 4096) >= 0);
	assert_int_equal(collectors_scrape(&arena), -ENOSPC);
	assert_true(metrics_overflowed(&arena));
	assert_int_equal(fake_bpfsys_open_fds(), 0);
}

static void test_collector_find(void **state)
{
	(void)state;
	assert_int_equal(collector_count, 4);
	assert_int_equal(collector_find("prog"), 0);
	assert_int_equal(collector_find("btf"), 3);
	assert_int_equal(collector_find("nope"), -ENOENT);
	assert_int_equal(collector_find(""), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scrape_reports_every_collector_with_success_1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_collector_is_rewound_and_reports_success_0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_failure_keeps_other_objects_and_reports_success_0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_collectors_leave_no_series, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iterator_backends_give_the_syscall_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count_auto_is_on_only_with_the_kfunc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forced_iterator_without_btf_fails_start_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arena_overflow_fails_the_whole_scrape, setup, teardown),
		cmocka_unit_test(test_collector_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
