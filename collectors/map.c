/* SPDX-License-Identifier: MIT */
/* Collector "map": ebpf_map_info and ebpf_map_max_entries per map, and with
 * map_count_entries the number of keys a BPF_MAP_GET_NEXT_KEY walk yields. */
#include <errno.h>
#include <stdbool.h>

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
	int entries; /* -1 unless entries are counted */
};

/* Types whose map_get_next_key works from the syscall (kernel/bpf map ops). The others
 * answer EINVAL/ENOTSUPP (queue, stack, ringbuf, user_ringbuf, bloom_filter, arena, the
 * sk/inode/task/cgrp local storages), or are left out on purpose: perf_event_array
 * (always one slot per CPU; the Go exporter skips it) and the cgroup_storage pair
 * (before a 2026 fix the walk yields one bogus key past the end). */
static bool map_walkable(uint32_t type)
{
	switch (type) {
	case BPFSYS_MAP_TYPE_HASH:
	case BPFSYS_MAP_TYPE_ARRAY:
	case BPFSYS_MAP_TYPE_PROG_ARRAY:
	case BPFSYS_MAP_TYPE_PERCPU_HASH:
	case BPFSYS_MAP_TYPE_PERCPU_ARRAY:
	case BPFSYS_MAP_TYPE_STACK_TRACE:
	case BPFSYS_MAP_TYPE_CGROUP_ARRAY:
	case BPFSYS_MAP_TYPE_LRU_HASH:
	case BPFSYS_MAP_TYPE_LRU_PERCPU_HASH:
	case BPFSYS_MAP_TYPE_LPM_TRIE:
	case BPFSYS_MAP_TYPE_ARRAY_OF_MAPS:
	case BPFSYS_MAP_TYPE_HASH_OF_MAPS:
	case BPFSYS_MAP_TYPE_DEVMAP:
	case BPFSYS_MAP_TYPE_SOCKMAP:
	case BPFSYS_MAP_TYPE_CPUMAP:
	case BPFSYS_MAP_TYPE_XSKMAP:
	case BPFSYS_MAP_TYPE_SOCKHASH:
	case BPFSYS_MAP_TYPE_REUSEPORT_SOCKARRAY:
	case BPFSYS_MAP_TYPE_DEVMAP_HASH:
	case BPFSYS_MAP_TYPE_STRUCT_OPS:
		return true;
	default:
		return false;
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
	f->entries = -1;
	if (!collector_opts.map_count_entries)
		return 0;
	f->entries = metrics_family(a, "ebpf_map_entries",
				    "The current number of entries (keys) of an eBPF map.",
				    METRICS_GAUGE);
	return f->entries < 0 ? f->entries : 0;
}

static int emit(struct metrics_arena *a, const struct map_families *f, uint32_t id,
		const struct bpfsys_map_info *info, uint32_t len)
{
	char id_str[NAMES_NUM_SIZE], type[NAMES_NUM_SIZE], name[NAMES_OBJ_NAME_SIZE] = "";
	char key_size[NAMES_NUM_SIZE], value_size[NAMES_NUM_SIZE], flags[NAMES_NUM_SIZE];
	const struct metrics_label labels[] = {
		{ "map_id", names_u64(id_str, id) },
		{ "map_type", names_map_type(info->type, type) },
		{ "map_name", name },
		{ "key_size", names_u64(key_size, info->key_size) },
		{ "value_size", names_u64(value_size, info->value_size) },
		{ "flags", names_u64(flags, info->map_flags) },
	};
	int err;

	if (BPFSYS_INFO_HAS(len, struct bpfsys_map_info, name))
		names_obj_name(name, info->name);
	err = metrics_sample_u64(a, f->info, labels, 6, 1);
	if (err < 0)
		return err;
	return metrics_sample_u64(a, f->max_entries, labels, 1, info->max_entries);
}

static int emit_entries(struct collector_ctx *ctx, const struct map_families *f, uint32_t id,
			int fd, const struct bpfsys_map_info *info)
{
	char id_str[NAMES_NUM_SIZE];
	const struct metrics_label label = { "map_id", names_u64(id_str, id) };
	uint64_t count;
	int err;

	if (f->entries < 0 || !map_walkable(info->type))
		return 0;
	err = count_keys(fd, info, &count);
	if (err < 0) {
		collector_object_error(ctx, "map", id, err);
		return 0;
	}
	return metrics_sample_u64(ctx->arena, f->entries, &label, 1, count);
}

/* One map: 0 when exported, skipped as vanished or counted as an object error;
 * otherwise the metric writer's -errno. */
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
		err = emit(ctx->arena, f, id, &info, len);
		if (err >= 0)
			err = emit_entries(ctx, f, id, fd, &info);
	}
	bpfsys_close(fd);
	return err;
}

static int collect(struct collector_ctx *ctx)
{
	struct map_families f;
	int err = declare(ctx->arena, &f);

	return err < 0 ? err : collector_walk(ctx, "map", bpfsys_map_get_next_id, scrape_one, &f);
}

const struct collector collector_map = {
	.name = "map",
	.help = "loaded eBPF maps (ebpf_map_*)",
	.default_on = true,
	.collect = collect,
};
