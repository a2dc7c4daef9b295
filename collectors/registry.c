/* SPDX-License-Identifier: MIT */
/* The collector table and the scrape loop around it. */
#include "collector.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "config.h"
#include "version.h"
#include "log.h"

extern const struct collector collector_prog;
extern const struct collector collector_map;
extern const struct collector collector_link;
extern const struct collector collector_btf;

/* Adding a collector: one file plus one row here. */
const struct collector *const collector_table[] = {
	&collector_prog,
	&collector_map,
	&collector_link,
	&collector_btf,
};
#define NCOLLECTORS (sizeof(collector_table) / sizeof(collector_table[0]))
const unsigned collector_count = NCOLLECTORS;
bool collector_enabled[NCOLLECTORS] = { true, true, true, true };
_Static_assert(sizeof(collector_enabled) / sizeof(collector_enabled[0]) == NCOLLECTORS,
               "one enable switch per collector");

struct collector_options collector_opts;

/* Last outcome per collector (0 ok, 1 objects skipped, -errno failed), so that a
 * lasting failure is logged at error level once and at debug level after that. */
static int last_state[NCOLLECTORS];

int collector_find(const char *name)
{
	for (unsigned i = 0; i < NCOLLECTORS; i++)
		if (strcmp(collector_table[i]->name, name) == 0)
			return (int)i;
	return -ENOENT;
}

void collector_object_error(struct collector_ctx *ctx, const char *what, uint32_t id, int err)
{
	if (ctx->errors++ == 0)
		ctx->first_error = err;
	log_debug("object skipped", "collector=%s object=%s id=%u err=\"%s\"", ctx->collector, what,
	          id, strerror(-err));
}

/* The iterator kinds worth opening: their collector is on, and for programs only with
 * statistics off (run counts come from get-info, which sums the per-CPU stats). */
static void wanted_iters(bool wanted[BPFSYS_ITER_KIND_COUNT])
{
	for (int k = 0; k < BPFSYS_ITER_KIND_COUNT; k++) {
		int idx = collector_find(backend_kind_collector((enum bpfsys_iter_kind)k));

		wanted[k] = idx >= 0 && collector_enabled[idx];
	}
	if (collector_opts.prog_stats_mode != COLLECTOR_PROG_STATS_DISABLED)
		wanted[BPFSYS_ITER_PROG] = false;
}

int collectors_init(void)
{
	bool wanted[BPFSYS_ITER_KIND_COUNT];
	int err;

	wanted_iters(wanted);
	err = backend_init(collector_opts.backend, wanted);

	if (err < 0)
		return err;
	collector_opts.map_count_entries = collector_opts.count_mode == COLLECTOR_COUNT_ON ||
	                                   (collector_opts.count_mode == COLLECTOR_COUNT_AUTO &&
	                                    backend_of(BPFSYS_ITER_MAP) ==
	                                            COLLECTOR_BACKEND_ITER_KFUNC);
	for (unsigned i = 0; i < NCOLLECTORS; i++) {
		const struct collector *c = collector_table[i];

		if (!collector_enabled[i] || !c->init)
			continue;
		err = c->init();
		if (err < 0) {
			log_error("collector init failed", "collector=%s err=\"%s\"", c->name,
			          strerror(-err));
			return err;
		}
	}
	return 0;
}

void collectors_fini(void)
{
	for (unsigned i = 0; i < NCOLLECTORS; i++)
		if (collector_enabled[i] && collector_table[i]->fini)
			collector_table[i]->fini();
	backend_fini();
}

/* The backend of collector i: its iterator kind's, or syscall for the others. */
static const char *backend_label(unsigned i)
{
	for (int k = 0; k < BPFSYS_ITER_KIND_COUNT; k++)
		if (strcmp(collector_table[i]->name,
		           backend_kind_collector((enum bpfsys_iter_kind)k)) == 0)
			return collector_backend_name(backend_of((enum bpfsys_iter_kind)k));
	return collector_backend_name(COLLECTOR_BACKEND_SYSCALL);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void report(unsigned i, int err, const struct collector_ctx *ctx)
{
	const char *name = collector_table[i]->name;
	int state = err < 0 ? err : ctx->errors ? 1 : 0;
	enum log_level level = state == last_state[i] ? LOG_DEBUG : state ? LOG_ERROR : LOG_INFO;

	last_state[i] = state;
	if (err == -EPERM)
		log_msg(level, "collector failed: permission denied",
		        "collector=%s hint=\"needs CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON\"",
		        name);
	else if (err == -EINVAL)
		log_msg(level, "collector failed: kernel too old?",
		        "collector=%s hint=\"BPF links need Linux 5.8, BTF ids 5.4, prog ids "
		        "4.13\"",
		        name);
	else if (err < 0)
		log_msg(level, "collector failed", "collector=%s err=\"%s\"", name, strerror(-err));
	else if (ctx->errors)
		log_msg(level, "collector skipped objects",
		        "collector=%s objects=%u first_err=\"%s\"", name, ctx->errors,
		        strerror(-ctx->first_error));
	else if (level == LOG_INFO)
		log_msg(level, "collector recovered", "collector=%s", name);
}

static int emit_build_info(struct metrics_arena *a)
{
	const struct metrics_label labels[] = {
		{ "version", EBPF_EXPORTER_VERSION },
		{ "revision", EBPF_EXPORTER_REVISION },
	};
	int fam = metrics_family(a, "ebpf_exporter_build_info",
	                         "A metric with a constant '1' value labeled by the version and "
	                         "revision (Git commit) from which ebpf_exporter was built.",
	                         METRICS_GAUGE);

	if (fam < 0)
		return fam;
	return metrics_sample_u64(a, fam, labels, 2, 1);
}

static int emit_scrape_stats(struct metrics_arena *a, const double *seconds, const bool *ok)
{
	int dur = metrics_family(a, "ebpf_exporter_scrape_collector_duration_seconds",
	                         "Duration of a collector scrape.", METRICS_GAUGE);
	int succ = metrics_family(a, "ebpf_exporter_scrape_collector_success",
	                          "Whether a collector succeeded.", METRICS_GAUGE);

	int back = metrics_family(
	        a, "ebpf_exporter_collector_backend_info",
	        "How a collector reads the kernel: iterator+kfunc, iterator or syscall.",
	        METRICS_GAUGE);

	if (dur < 0)
		return dur;
	if (succ < 0)
		return succ;
	if (back < 0)
		return back;
	for (unsigned i = 0; i < NCOLLECTORS; i++) {
		const struct metrics_label l = { "collector", collector_table[i]->name };
		int err;

		if (!collector_enabled[i])
			continue;
		const struct metrics_label lb[] = { l, { "backend", backend_label(i) } };

		err = metrics_sample_double(a, dur, &l, 1, seconds[i]);
		if (err >= 0)
			err = metrics_sample_u64(a, succ, &l, 1, ok[i] ? 1 : 0);
		if (err >= 0)
			err = metrics_sample_u64(a, back, lb, 2, 1);
		if (err < 0)
			return err;
	}
	return 0;
}

int collectors_scrape(struct metrics_arena *arena)
{
	double seconds[NCOLLECTORS] = { 0 };
	bool ok[NCOLLECTORS] = { false };
	int err;

	metrics_reset(arena);
	err = emit_build_info(arena);
	if (err < 0)
		return err;
	for (unsigned i = 0; i < NCOLLECTORS; i++) {
		struct collector_ctx ctx = { .arena = arena,
			                     .collector = collector_table[i]->name };
		struct metrics_mark mark;
		uint64_t start;

		if (!collector_enabled[i])
			continue;
		metrics_mark(arena, &mark);
		start = now_ns();
		err = collector_table[i]->collect(&ctx);
		/* integer nanoseconds first: subtracting two large doubles prints 1.2263000144e-05 */
		seconds[i] = (double)(now_ns() - start) / 1e9;
		if (err == -ENOSPC || metrics_overflowed(arena))
			return -ENOSPC;
		if (err < 0)
			metrics_rewind(arena, &mark);
		ok[i] = err == 0 && ctx.errors == 0;
		report(i, err, &ctx);
	}
	err = emit_scrape_stats(arena, seconds, ok);
	return err < 0 ? err : 0;
}
