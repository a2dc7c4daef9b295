/* SPDX-License-Identifier: MIT */
/* Collector "prog": one ebpf_program_info series per loaded program, and its run count
 * and run time when program statistics are collected. Also owns the BPF_ENABLE_STATS fd. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "backend.h"
#include "bpfsys.h"
#include "collector.h"
#include "names.h"

struct prog_families {
	int info;
	int run_count;    /* -1 unless statistics are collected */
	int run_duration; /* -1 unless statistics are collected */
};

/* The stats fd: run-time statistics stay on while it is open. -1 when closed. */
static int stats_fd = -1;

int collector_prog_stats_enable(void)
{
	int fd;

	if (stats_fd >= 0)
		return 0;
	fd = bpfsys_enable_stats(BPFSYS_STATS_RUN_TIME);
	if (fd < 0)
		return fd;
	stats_fd = fd;
	return 0;
}

void collector_prog_stats_disable(void)
{
	if (stats_fd < 0)
		return;
	bpfsys_close(stats_fd);
	stats_fd = -1;
}

bool collector_prog_stats_active(void)
{
	return stats_fd >= 0;
}

static int declare(struct metrics_arena *a, struct prog_families *f)
{
	f->info = metrics_family(a, "ebpf_program_info",
	                         "Information on currently loaded eBPF programs.", METRICS_GAUGE);
	if (f->info < 0)
		return f->info;
	f->run_count = f->run_duration = -1;
	if (collector_opts.prog_stats_mode == COLLECTOR_PROG_STATS_DISABLED)
		return 0;
	f->run_count = metrics_family(a, "ebpf_program_run_count",
	                              "Times the program ran while statistics were enabled.",
	                              METRICS_COUNTER);
	if (f->run_count < 0)
		return f->run_count;
	f->run_duration = metrics_family(a, "ebpf_program_run_duration_nanoseconds",
	                                 "Nanoseconds the program ran while statistics were "
	                                 "enabled.",
	                                 METRICS_COUNTER);
	return f->run_duration < 0 ? f->run_duration : 0;
}

static int emit(struct metrics_arena *a, const struct prog_families *f, uint32_t id,
                const struct bpfsys_prog_info *info, uint32_t len)
{
	char id_str[NAMES_NUM_SIZE], type[NAMES_NUM_SIZE], name[NAMES_OBJ_NAME_SIZE] = "";
	char tag[NAMES_TAG_SIZE];
	struct metrics_label labels[] = {
		{ "prog_id", names_u64(id_str, id) },
		{ "prog_type", names_prog_type(info->type, type) },
		{ "prog_name", name },
		{ "tag", names_tag(tag, info->tag) },
	};
	int err;

	if (BPFSYS_INFO_HAS(len, struct bpfsys_prog_info, name))
		names_obj_name(name, info->name);
	err = metrics_sample_u64(a, f->info, labels, 4, 1);
	if (err < 0 || f->run_count < 0 || !BPFSYS_INFO_HAS(len, struct bpfsys_prog_info, run_cnt))
		return err;
	err = metrics_sample_u64(a, f->run_count, labels, 1, info->run_cnt);
	if (err < 0)
		return err;
	return metrics_sample_u64(a, f->run_duration, labels, 1, info->run_time_ns);
}

/* One program: 0 when exported, skipped as vanished or counted as an object error;
 * otherwise the metric writer's -errno. */
static int scrape_one(struct collector_ctx *ctx, const void *arg, uint32_t id)
{
	const struct prog_families *f = arg;
	struct bpfsys_prog_info info;
	uint32_t len = sizeof(info);
	int fd, err;

	fd = bpfsys_prog_get_fd_by_id(id);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0) {
		collector_object_error(ctx, "prog", id, fd);
		return 0;
	}
	err = bpfsys_prog_get_info(fd, &info, &len);
	bpfsys_close(fd);
	if (err < 0) {
		collector_object_error(ctx, "prog", id, err);
		return 0;
	}
	return emit(ctx->arena, f, id, &info, len);
}

struct iter_arg {
	struct collector_ctx *ctx;
	const struct prog_families *f;
};

/* One iterator record: the same series as scrape_one, without opening the program
 * (the iterator is only used with statistics off, see backend.c). */
static int visit_rec(void *arg, const void *rec)
{
	const struct iter_arg *a = arg;
	const struct bpfsys_iter_prog_rec *r = rec;
	struct bpfsys_prog_info info = { .type = r->type, .id = r->id };

	memcpy(info.name, r->name, sizeof(info.name));
	memcpy(info.tag, r->tag, sizeof(info.tag));
	return emit(a->ctx->arena, a->f, r->id, &info,
	            (uint32_t)BPFSYS_OFFSETOFEND(struct bpfsys_prog_info, name));
}

static int collect(struct collector_ctx *ctx)
{
	struct prog_families f;
	struct iter_arg arg = { ctx, &f };
	int err = declare(ctx->arena, &f);

	if (err < 0)
		return err;
	if (backend_iter(BPFSYS_ITER_PROG)) {
		err = backend_iter_read(BPFSYS_ITER_PROG, visit_rec, &arg);
		return err < 0 ? err : 0;
	}
	return collector_walk(ctx, "prog", bpfsys_prog_get_next_id, scrape_one, &f);
}

const struct collector collector_prog = {
	.name = "prog",
	.help = "loaded eBPF programs (ebpf_program_*)",
	.default_on = true,
	.collect = collect,
	.fini = collector_prog_stats_disable,
};
