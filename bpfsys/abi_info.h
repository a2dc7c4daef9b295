/* SPDX-License-Identifier: MIT */
/* The BPFSYS_CMD_OBJ_GET_INFO_BY_FD structs in their Linux 6.18 layout (part of abi.h).
 * Pointer fields (uint64_t) carry user addresses; a zero pointer asks for nothing. */
#ifndef BPFSYS_ABI_INFO_H
#define BPFSYS_ABI_INFO_H

#include <stddef.h>
#include <stdint.h>

struct bpfsys_prog_info {
	uint32_t type;
	uint32_t id;
	uint8_t tag[BPFSYS_TAG_SIZE];
	uint32_t jited_prog_len;
	uint32_t xlated_prog_len;
	uint64_t jited_prog_insns;
	uint64_t xlated_prog_insns;
	uint64_t load_time; /* ns since boot */
	uint32_t created_by_uid;
	uint32_t nr_map_ids;
	uint64_t map_ids;
	char name[BPFSYS_OBJ_NAME_LEN];
	uint32_t ifindex;
	uint32_t gpl_compatible : 1;
	uint32_t : 31;
	uint64_t netns_dev;
	uint64_t netns_ino;
	uint32_t nr_jited_ksyms;
	uint32_t nr_jited_func_lens;
	uint64_t jited_ksyms;
	uint64_t jited_func_lens;
	uint32_t btf_id;
	uint32_t func_info_rec_size;
	uint64_t func_info;
	uint32_t nr_func_info;
	uint32_t nr_line_info;
	uint64_t line_info;
	uint64_t jited_line_info;
	uint32_t nr_jited_line_info;
	uint32_t line_info_rec_size;
	uint32_t jited_line_info_rec_size;
	uint32_t nr_prog_tags;
	uint64_t prog_tags;
	uint64_t run_time_ns; /* only while BPFSYS_STATS_RUN_TIME is enabled */
	uint64_t run_cnt;
	uint64_t recursion_misses;
	uint32_t verified_insns;
	uint32_t attach_btf_obj_id;
	uint32_t attach_btf_id;
};

struct bpfsys_map_info {
	uint32_t type;
	uint32_t id;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	char name[BPFSYS_OBJ_NAME_LEN];
	uint32_t ifindex;
	uint32_t btf_vmlinux_value_type_id;
	uint64_t netns_dev;
	uint64_t netns_ino;
	uint32_t btf_id;
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_vmlinux_id;
	uint64_t map_extra;
	uint64_t hash;      /* 6.18: user buffer for the map's SHA-256 */
	uint32_t hash_size; /* 6.18 */
};

struct bpfsys_btf_info {
	uint64_t btf;
	uint32_t btf_size;
	uint32_t id;
	uint64_t name;
	uint32_t name_len;
	uint32_t kernel_btf;
};

struct bpfsys_link_info {
	uint32_t type;
	uint32_t id;
	uint32_t prog_id;
	union {
		struct {
			uint64_t tp_name;
			uint32_t tp_name_len;
			uint64_t cookie;
		} raw_tracepoint;
		struct {
			uint32_t attach_type;
			uint32_t target_obj_id; /* prog_id for PROG_TYPE_EXT, otherwise btf object
			                           id */
			uint32_t target_btf_id;
			uint64_t cookie;
		} tracing;
		struct {
			uint64_t cgroup_id;
			uint32_t attach_type;
		} cgroup;
		struct {
			uint64_t target_name;
			uint32_t target_name_len;
			union {
				struct {
					uint32_t map_id;
				} map;
			};
			union {
				struct {
					uint64_t cgroup_id;
					uint32_t order;
				} cgroup;
				struct {
					uint32_t tid;
					uint32_t pid;
				} task;
			};
		} iter;
		struct {
			uint32_t netns_ino;
			uint32_t attach_type;
		} netns;
		struct {
			uint32_t ifindex;
		} xdp;
		struct {
			uint32_t map_id;
		} struct_ops;
		struct {
			uint32_t pf;
			uint32_t hooknum;
			int32_t priority;
			uint32_t flags;
		} netfilter;
		struct {
			uint64_t addrs;
			uint32_t count;
			uint32_t flags;
			uint64_t missed;
			uint64_t cookies;
		} kprobe_multi;
		struct {
			uint64_t path;
			uint64_t offsets;
			uint64_t ref_ctr_offsets;
			uint64_t cookies;
			uint32_t path_size;
			uint32_t count;
			uint32_t flags;
			uint32_t pid;
		} uprobe_multi;
		struct {
			uint32_t type; /* enum bpfsys_perf_event_type */
			union {
				struct {
					uint64_t file_name;
					uint32_t name_len;
					uint32_t offset;
					uint64_t cookie;
					uint64_t ref_ctr_offset;
				} uprobe;
				struct {
					uint64_t func_name;
					uint32_t name_len;
					uint32_t offset;
					uint64_t addr;
					uint64_t missed;
					uint64_t cookie;
				} kprobe;
				struct {
					uint64_t tp_name;
					uint32_t name_len;
					uint64_t cookie;
				} tracepoint;
				struct {
					uint64_t config;
					uint32_t type;
					uint64_t cookie;
				} event;
			};
		} perf_event;
		struct {
			uint32_t ifindex;
			uint32_t attach_type;
		} tcx;
		struct {
			uint32_t ifindex;
			uint32_t attach_type;
		} netkit;
		struct {
			uint32_t map_id;
			uint32_t attach_type;
		} sockmap;
	};
};

/* sizeof() of each struct in the releases that grew it, newest first. Only a kernel
 * that rejects our length with E2BIG needs them: bpfsys then retries with the next one.
 *   prog_info: 232 6.0 (attach_btf_*), 224 5.16 (verified_insns), 216 5.12 (recursion_
 *              misses), 208 5.1 (run_time_ns, run_cnt), 192 5.0 (line_info, prog_tags),
 *              152 4.20 (btf_id, func_info), 128 4.18 (jited_ksyms), 104 4.16 (ifindex,
 *              netns_*), 80 4.15 (load_time .. name), 40 4.13
 *   map_info:  104 6.18 (hash), 88 5.16 (map_extra), 80 4.18 (btf_*), 64 4.16 (ifindex,
 *              netns_*), 40 4.15 (name), 24 4.13
 *   btf_info:  32 5.11 (name, kernel_btf), 16 4.18
 *   link_info: 64 6.8 (uprobe_multi), 56 6.7 (perf_event kprobe.missed), 48 6.1 (iter
 *              cgroup/task), 32 5.8 */
#define BPFSYS_PROG_INFO_SIZES 232, 224, 216, 208, 192, 152, 128, 104, 80, 40
#define BPFSYS_MAP_INFO_SIZES  104, 88, 80, 64, 40, 24
#define BPFSYS_BTF_INFO_SIZES  32, 16
#define BPFSYS_LINK_INFO_SIZES 64, 56, 48, 32

#endif
