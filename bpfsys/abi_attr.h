/* SPDX-License-Identifier: MIT */
/* union bpfsys_attr: the bpf(2) attr in its Linux 6.18 layout, with the kernel's member
 * names, reduced to the commands bpfsys sends. Private to bpfsys and its tests. Each
 * wrapper sends BPFSYS_OFFSETOFEND(union bpfsys_attr, <last field it uses>) bytes. */
#ifndef BPFSYS_ABI_ATTR_H
#define BPFSYS_ABI_ATTR_H

#include <stdint.h>

#include "abi.h"

union bpfsys_attr {
	struct { /* BPFSYS_CMD_MAP_CREATE */
		uint32_t map_type;
		uint32_t key_size;
		uint32_t value_size;
		uint32_t max_entries;
		uint32_t map_flags;
		uint32_t inner_map_fd;
		uint32_t numa_node;
		char map_name[BPFSYS_OBJ_NAME_LEN];
		uint32_t map_ifindex;
		uint32_t btf_fd;
		uint32_t btf_key_type_id;
		uint32_t btf_value_type_id;
		uint32_t btf_vmlinux_value_type_id;
		uint64_t map_extra;
		int32_t value_type_btf_obj_fd;
		int32_t map_token_fd;
		uint64_t excl_prog_hash;
		uint32_t excl_prog_hash_size;
	};
	struct { /* BPFSYS_CMD_MAP_{LOOKUP,UPDATE,DELETE}_ELEM, MAP_GET_NEXT_KEY */
		uint32_t map_fd;
		uint64_t key;
		union {
			uint64_t value;
			uint64_t next_key;
		};
		uint64_t flags;
	};
	struct { /* BPFSYS_CMD_PROG_LOAD */
		uint32_t prog_type;
		uint32_t insn_cnt;
		uint64_t insns;
		uint64_t license;
		uint32_t log_level;
		uint32_t log_size;
		uint64_t log_buf;
		uint32_t kern_version;
		uint32_t prog_flags;
		char prog_name[BPFSYS_OBJ_NAME_LEN];
		uint32_t prog_ifindex;
		uint32_t expected_attach_type;
		uint32_t prog_btf_fd;
		uint32_t func_info_rec_size;
		uint64_t func_info;
		uint32_t func_info_cnt;
		uint32_t line_info_rec_size;
		uint64_t line_info;
		uint32_t line_info_cnt;
		uint32_t attach_btf_id;
		union {
			uint32_t attach_prog_fd;
			uint32_t attach_btf_obj_fd;
		};
		uint32_t core_relo_cnt;
		uint64_t fd_array;
		uint64_t core_relos;
		uint32_t core_relo_rec_size;
		uint32_t log_true_size;
		int32_t prog_token_fd;
		uint32_t fd_array_cnt;
		uint64_t signature;
		uint32_t signature_size;
		int32_t keyring_id;
	};
	struct { /* BPFSYS_CMD_PROG_ATTACH / PROG_DETACH */
		union {
			uint32_t target_fd;
			uint32_t target_ifindex;
		};
		uint32_t attach_bpf_fd;
		uint32_t attach_type;
		uint32_t attach_flags;
		uint32_t replace_bpf_fd;
		union {
			uint32_t relative_fd;
			uint32_t relative_id;
		};
		uint64_t expected_revision;
	};
	struct { /* BPFSYS_CMD_*_GET_NEXT_ID, *_GET_FD_BY_ID */
		union {
			uint32_t start_id;
			uint32_t prog_id;
			uint32_t map_id;
			uint32_t btf_id;
			uint32_t link_id;
		};
		uint32_t next_id;
		uint32_t open_flags;
		int32_t fd_by_id_token_fd;
	};
	struct { /* BPFSYS_CMD_OBJ_GET_INFO_BY_FD */
		uint32_t bpf_fd;
		uint32_t info_len;
		uint64_t info;
	} info;
	struct { /* BPFSYS_CMD_RAW_TRACEPOINT_OPEN */
		uint64_t name;
		uint32_t prog_fd;
		uint64_t cookie;
	} raw_tracepoint;
	struct { /* BPFSYS_CMD_BTF_LOAD */
		uint64_t btf;
		uint64_t btf_log_buf;
		uint32_t btf_size;
		uint32_t btf_log_size;
		uint32_t btf_log_level;
		uint32_t btf_log_true_size;
		uint32_t btf_flags;
		int32_t btf_token_fd;
	};
	struct { /* BPFSYS_CMD_LINK_CREATE */
		union {
			uint32_t prog_fd;
			uint32_t map_fd;
		};
		union {
			uint32_t target_fd;
			uint32_t target_ifindex;
		};
		uint32_t attach_type;
		uint32_t flags;
		union { /* the tail, chosen by attach_type */
			uint32_t target_btf_id;
			struct {
				uint64_t iter_info;
				uint32_t iter_info_len;
			};
			struct {
				uint64_t bpf_cookie;
			} perf_event;
			struct {
				uint32_t flags;
				uint32_t cnt;
				uint64_t syms;
				uint64_t addrs;
				uint64_t cookies;
			} kprobe_multi;
			struct {
				uint32_t target_btf_id;
				uint64_t cookie;
			} tracing;
			struct {
				uint32_t pf;
				uint32_t hooknum;
				int32_t priority;
				uint32_t flags;
			} netfilter;
			struct {
				union {
					uint32_t relative_fd;
					uint32_t relative_id;
				};
				uint64_t expected_revision;
			} tcx;
			struct {
				uint64_t path;
				uint64_t offsets;
				uint64_t ref_ctr_offsets;
				uint64_t cookies;
				uint32_t cnt;
				uint32_t flags;
				uint32_t pid;
			} uprobe_multi;
			struct {
				union {
					uint32_t relative_fd;
					uint32_t relative_id;
				};
				uint64_t expected_revision;
			} netkit;
			struct {
				union {
					uint32_t relative_fd;
					uint32_t relative_id;
				};
				uint64_t expected_revision;
			} cgroup;
		};
	} link_create;
	struct { /* BPFSYS_CMD_LINK_DETACH */
		uint32_t link_fd;
	} link_detach;
	struct { /* BPFSYS_CMD_ENABLE_STATS */
		uint32_t type;
	} enable_stats;
	struct { /* BPFSYS_CMD_ITER_CREATE */
		uint32_t link_fd;
		uint32_t flags;
	} iter_create;
};

#define BPFSYS_ATTR_SIZE(field) BPFSYS_OFFSETOFEND(union bpfsys_attr, field)

#endif
