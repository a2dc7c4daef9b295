/* SPDX-License-Identifier: MIT */
/* Collector "map": ebpf_map_info and ebpf_map_max_entries per map, and with
 * map_count_entries its entries (what a BPF_MAP_GET_NEXT_KEY walk would yield, counted by
 * the kernel where it can) and pressure. Reads through the map iterator or syscalls. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "backend.h"
#include "bpfsys.h"
#include "collector.h"
#include "names.h"

/* Largest key walked. Hash keys are bounded by MAX_BPF_STACK (512), LPM trie keys by
 * 8 + 256 bytes, so only a future map type could exceed it. */
#define MAP_KEY_MAX 512
/* A walk may see entries inserted during it, and a hash map restarts from its first key
 * when the key we hold is deleted: allow twice max_entries plus this before giving up. */
#define MAP_WALK_SLACK 1024

struct map_families {
	int info;
	int max_entries;
	int entries;  /* -1 unless entries are counted */
	int pressure; /* -1 unless entries are counted */
};

/* Where a map's entry count comes from. Fixed-slot types walk every index, so their count
 * is max_entries (and struct_ops always has one key): no walk needed. The hash family is
 * counted by the kernel (bpf_map_sum_elem_count) when the iterator has it, else walked.
 * The rest cannot be walked (queue, stack, ringbuf, user_ringbuf, bloom_filter, arena, the
 * sk/inode/task/cgrp local storages answer EINVAL/ENOTSUPP) or are left out on purpose:
 * perf_event_array (one slot per CPU; the Go exporter skips it) and the cgroup_storage pair
 * (before a 2026 fix their walk yields one bogus key past the end). */
enum count_source {
	COUNT_NONE,
	COUNT_MAX_ENTRIES,
	COUNT_ONE,
	COUNT_HASH,
	COUNT_WALK
};

static enum count_source count_source(uint32_t type)
{
	switch (type) {
	case BPFSYS_MAP_TYPE_ARRAY:
	case BPFSYS_MAP_TYPE_PERCPU_ARRAY:
	case BPFSYS_MAP_TYPE_PROG_ARRAY:
	case BPFSYS_MAP_TYPE_CGROUP_ARRAY:
	case BPFSYS_MAP_TYPE_ARRAY_OF_MAPS:
	case BPFSYS_MAP_TYPE_DEVMAP:
	case BPFSYS_MAP_TYPE_SOCKMAP:
	case BPFSYS_MAP_TYPE_CPUMAP:
	case BPFSYS_MAP_TYPE_XSKMAP:
	case BPFSYS_MAP_TYPE_REUSEPORT_SOCKARRAY:
		return COUNT_MAX_ENTRIES;
	case BPFSYS_MAP_TYPE_STRUCT_OPS:
		return COUNT_ONE;
	case BPFSYS_MAP_TYPE_HASH:
	case BPFSYS_MAP_TYPE_PERCPU_HASH:
	case BPFSYS_MAP_TYPE_LRU_HASH:
	case BPFSYS_MAP_TYPE_LRU_PERCPU_HASH:
	case BPFSYS_MAP_TYPE_HASH_OF_MAPS:
		return COUNT_HASH;
	case BPFSYS_MAP_TYPE_STACK_TRACE:
	case BPFSYS_MAP_TYPE_LPM_TRIE:
	case BPFSYS_MAP_TYPE_SOCKHASH:
	case BPFSYS_MAP_TYPE_DEVMAP_HASH:
		return COUNT_WALK;
	default:
		return COUNT_NONE;
	}
}

/* Counts the keys of the map behind fd. Returns 0, -E2BIG for a key larger than our
 * buffers, -ELOOP when the walk does not end within its bound, or the walk's -errno. */
static int count_keys(int fd, const struct bpfsys_map_info *info, uint64_t *count)
{
	uint64_t keys[2][MAP_KEY_MAX / sizeof(uint64_t)];
	uint64_t bound = 2 * (uint64_t)info->max_entries + MAP_WALK_SLACK, n = 0;
	const void *key = NULL;

	if (info->key_size > MAP_KEY_MAX)
		return -E2BIG;
	for (;;) {
		void *next = keys[n & 1];
		int err = bpfsys_map_get_next_key(fd, key, next);

		if (err == -ENOENT)
			break;
		if (err < 0)
			return err;
		if (++n > bound)
			return -ELOOP;
		key = next;
	}
	*count = n;
	return 0;
}

static int declare(struct metrics_arena *a, struct map_families *f)
{
	f->info = metrics_family(a, "ebpf_map_info", "Information on currently loaded eBPF maps.",
	                         METRICS_GAUGE);
	if (f->info < 0)
		return f->info;
	f->max_entries = metrics_family(a, "ebpf_map_max_entries",
	                                "The configured maximum number of entries of an eBPF map.",
	                                METRICS_GAUGE);
	if (f->max_entries < 0)
		return f->max_entries;
	f->entries = f->pressure = -1;
	if (!collector_opts.map_count_entries)
		return 0;
	f->entries = metrics_family(a, "ebpf_map_entries",
	                            "The current number of entries (keys) of an eBPF map.",
	                            METRICS_GAUGE);
	if (f->entries < 0)
		return f->entries;
	f->pressure = metrics_family(a, "ebpf_map_pressure",
	                             "Entries of an eBPF map divided by its max_entries (0 to 1).",
	                             METRICS_GAUGE);
	return f->pressure < 0 ? f->pressure : 0;
}

/* Walks the map's keys through fd, or through a read-only fd opened here when fd < 0.
 * Returns 1 with *count set, or 0 when there is no count: the map is gone, cannot be
 * opened by id, or the walk failed (counted as an object error). */
static int walk(struct collector_ctx *ctx, int fd, const struct bpfsys_map_info *info,
                uint64_t *count)
{
	int own = -1, err;

	if (fd < 0) {
		if (!backend_can_open_by_id())
			return 0; /* logged once at start-up */
		fd = own = bpfsys_map_get_fd_by_id(info->id);
		if (fd == -ENOENT)
			return 0;
		if (fd < 0) {
			collector_object_error(ctx, "map", info->id, fd);
			return 0;
		}
	}
	err = count_keys(fd, info, count);
	if (own >= 0)
		bpfsys_close(own);
	if (err < 0) {
		collector_object_error(ctx, "map", info->id, err);
		return 0;
	}
	return 1;
}

/* ebpf_map_entries and ebpf_map_pressure of one map, labelled with id. fd: the map's, or
 * -1 (iterator); kernel_count: bpf_map_sum_elem_count's answer, or BPFSYS_ITER_NO_COUNT. */
static int emit_entries(struct collector_ctx *ctx, const struct map_families *f, int fd,
                        const struct bpfsys_map_info *info, int64_t kernel_count,
                        const struct metrics_label *id)
{
	uint64_t count = 0;
	int err;

	if (f->entries < 0)
		return 0;
	switch (count_source(info->type)) {
	case COUNT_NONE:
		return 0;
	case COUNT_MAX_ENTRIES:
		count = info->max_entries;
		break;
	case COUNT_ONE:
		count = 1;
		break;
	case COUNT_HASH:
		if (kernel_count != BPFSYS_ITER_NO_COUNT) {
			count = kernel_count < 0 ? 0 : (uint64_t)kernel_count;
			break;
		}
		/* fall through */
	case COUNT_WALK:
		if (walk(ctx, fd, info, &count) <= 0)
			return 0;
		break;
	}
	err = metrics_sample_u64(ctx->arena, f->entries, id, 1, count);
	if (err < 0 || info->max_entries == 0)
		return err;
	return metrics_sample_double(ctx->arena, f->pressure, id, 1,
	                             (double)count / (double)info->max_entries);
}

/* Every series of one map; info->id must be set. len: the bytes of info the kernel filled;
 * fd and kernel_count as for emit_entries. */
static int emit(struct collector_ctx *ctx, const struct map_families *f, int fd,
                const struct bpfsys_map_info *info, uint32_t len, int64_t kernel_count)
{
	char id_str[NAMES_NUM_SIZE], type[NAMES_NUM_SIZE], name[NAMES_OBJ_NAME_SIZE] = "";
	char key_size[NAMES_NUM_SIZE], value_size[NAMES_NUM_SIZE], flags[NAMES_NUM_SIZE];
	const struct metrics_label labels[] = {
		{ "map_id", names_u64(id_str, info->id) },
		{ "map_type", names_map_type(info->type, type) },
		{ "map_name", name },
		{ "key_size", names_u64(key_size, info->key_size) },
		{ "value_size", names_u64(value_size, info->value_size) },
		{ "flags", names_u64(flags, info->map_flags) },
	};
	int err;

	if (BPFSYS_INFO_HAS(len, struct bpfsys_map_info, name))
		names_obj_name(name, info->name);
	err = metrics_sample_u64(ctx->arena, f->info, labels, 6, 1);
	if (err >= 0)
		err = metrics_sample_u64(ctx->arena, f->max_entries, labels, 1, info->max_entries);
	return err < 0 ? err : emit_entries(ctx, f, fd, info, kernel_count, &labels[0]);
}

/* One map by id (syscall backend): 0 when exported, skipped as vanished or counted as
 * an object error; otherwise the metric writer's -errno. */
static int scrape_one(struct collector_ctx *ctx, const void *arg, uint32_t id)
{
	const struct map_families *f = arg;
	struct bpfsys_map_info info;
	uint32_t len = sizeof(info);
	int fd, err;

	fd = bpfsys_map_get_fd_by_id(id);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0) {
		collector_object_error(ctx, "map", id, fd);
		return 0;
	}
	err = bpfsys_map_get_info(fd, &info, &len);
	if (err < 0) {
		collector_object_error(ctx, "map", id, err);
		err = 0;
	} else {
		info.id = id;
		err = emit(ctx, f, fd, &info, len, BPFSYS_ITER_NO_COUNT);
	}
	bpfsys_close(fd);
	return err;
}

struct iter_arg {
	struct collector_ctx *ctx;
	const struct map_families *f;
};

/* One iterator record: the same series as scrape_one, without opening the map. */
static int visit_rec(void *arg, const void *rec)
{
	const struct iter_arg *a = arg;
	const struct bpfsys_iter_map_rec *r = rec;
	struct bpfsys_map_info info = {
		.type = r->type,
		.id = r->id,
		.key_size = r->key_size,
		.value_size = r->value_size,
		.max_entries = r->max_entries,
		.map_flags = r->flags,
	};
	memcpy(info.name, r->name, sizeof(info.name));
	return emit(a->ctx, a->f, -1, &info, sizeof(info), r->count);
}

static int collect(struct collector_ctx *ctx)
{
	struct map_families f;
	struct iter_arg arg = { ctx, &f };
	int err = declare(ctx->arena, &f);

	if (err < 0)
		return err;
	if (backend_iter(BPFSYS_ITER_MAP)) {
		err = backend_iter_read(BPFSYS_ITER_MAP, visit_rec, &arg);
		return err < 0 ? err : 0;
	}
	return collector_walk(ctx, "map", bpfsys_map_get_next_id, scrape_one, &f);
}

const struct collector collector_map = {
	.name = "map",
	.help = "loaded eBPF maps (ebpf_map_*)",
	.default_on = true,
	.collect = collect,
};
