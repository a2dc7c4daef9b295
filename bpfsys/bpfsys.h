/* SPDX-License-Identifier: MIT */
/* The bpf(2) syscall layer: the only code that calls syscall(SYS_bpf, ...).
 *
 * One wrapper per kernel command, named after it. Each zeroes its attr and sends only
 * offsetofend(attr, last field the command uses) bytes. Every function returns >= 0 on
 * success (0, or a new fd that is always > 2, close-on-exec) and -errno on failure;
 * out-parameters are written only on success. errno never leaves this module. */
#ifndef BPFSYS_BPFSYS_H
#define BPFSYS_BPFSYS_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

/* Enumeration: *next_id receives the id after start_id; -ENOENT means no more. */
int bpfsys_prog_get_next_id(uint32_t start_id, uint32_t *next_id);
int bpfsys_map_get_next_id(uint32_t start_id, uint32_t *next_id);
int bpfsys_link_get_next_id(uint32_t start_id, uint32_t *next_id);
int bpfsys_btf_get_next_id(uint32_t start_id, uint32_t *next_id);

/* Open by id; -ENOENT means the object is gone. Maps are opened read-only. */
int bpfsys_prog_get_fd_by_id(uint32_t id);
int bpfsys_map_get_fd_by_id(uint32_t id);
int bpfsys_link_get_fd_by_id(uint32_t id);
int bpfsys_btf_get_fd_by_id(uint32_t id);

/* BPF_OBJ_GET_INFO_BY_FD. info is zeroed (all *info_len bytes) before EVERY call (6.18
 * leaves fields it does not fill untouched); on success *info_len is the number of bytes
 * the kernel filled (smaller on older kernels: check with BPFSYS_INFO_HAS before using a
 * field). E2BIG (non-zero bytes past the kernel's own struct, e.g. a request field it
 * does not know) is retried with the sizes of older layouts (BPFSYS_*_INFO_SIZES). */
int bpfsys_obj_get_info_by_fd(int fd, void *info, uint32_t *info_len);
/* The same, but each call starts from a copy of req (*info_len bytes, the same struct,
 * not aliasing info) instead of zeros: how a caller asks for variable-length data, e.g.
 * req.raw_tracepoint.tp_name = buffer address, req.raw_tracepoint.tp_name_len = size. */
int bpfsys_obj_get_info_by_fd_req(int fd, void *info, uint32_t *info_len, const void *req);
/* Typed helpers over the above. The btf one also fetches the name into name[name_cap]
 * (always NUL-terminated, empty when the kernel has none; -ENOSPC when it did not fit,
 * the info and the truncated name are filled all the same). */
int bpfsys_prog_get_info(int fd, struct bpfsys_prog_info *info, uint32_t *info_len);
int bpfsys_map_get_info(int fd, struct bpfsys_map_info *info, uint32_t *info_len);
int bpfsys_link_get_info(int fd, struct bpfsys_link_info *info, uint32_t *info_len);
int bpfsys_btf_get_info(int fd, struct bpfsys_btf_info *info, uint32_t *info_len, char *name,
                        uint32_t name_cap);

/* True when a call that filled len bytes of TYPE covers FIELD. */
#define BPFSYS_INFO_HAS(len, type, field)                                                          \
	((len) >= offsetof(type, field) + sizeof(((type *)0)->field))

/* BPF_ENABLE_STATS(BPF_STATS_RUN_TIME): an fd; stats stay on while it is open. */
int bpfsys_enable_stats(uint32_t type);

/* BPF_MAP_GET_NEXT_KEY: key NULL means first key; -ENOENT means no more. */
int bpfsys_map_get_next_key(int map_fd, const void *key, void *next_key);

/* Close an fd opened by this layer; returns 0 or -errno. */
int bpfsys_close(int fd);

/* ---- Object creation (fixtures, tests, benchmarks, and later the iterator path) ---- */

struct bpfsys_map_create_opts {
	uint32_t map_type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	uint32_t inner_map_fd; /* for *_of_maps, else 0 */
	const char *name;      /* truncated to BPFSYS_OBJ_NAME_LEN - 1 */
	uint32_t btf_fd;       /* 0 for none */
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_vmlinux_value_type_id; /* struct_ops */
	uint64_t map_extra;                 /* bloom filter hashes, arena address */
};
int bpfsys_map_create(const struct bpfsys_map_create_opts *o);
int bpfsys_map_update_elem(int map_fd, const void *key, const void *value, uint64_t flags);
int bpfsys_map_delete_elem(int map_fd, const void *key);
int bpfsys_map_lookup_elem(int map_fd, const void *key, void *value);

struct bpfsys_prog_load_opts {
	uint32_t prog_type;
	const struct bpfsys_insn *insns;
	uint32_t insn_cnt;
	const char *license; /* NULL means "GPL" */
	const char *name;
	uint32_t expected_attach_type;
	uint32_t attach_btf_id;
	uint32_t attach_btf_obj_fd;
	uint32_t attach_prog_fd;
	uint32_t prog_btf_fd;
	const int *fd_array;
	char *log_buf; /* optional verifier log */
	uint32_t log_size;
	uint32_t log_level;  /* 0 means 1 when log_buf is given */
	uint32_t prog_flags; /* BPFSYS_F_SLEEPABLE, ... */
};
int bpfsys_prog_load(const struct bpfsys_prog_load_opts *o);

struct bpfsys_link_create_opts {
	uint32_t prog_fd;   /* for struct_ops links: the map fd */
	uint32_t target_fd; /* cgroup/netns fd, ifindex, ... (0 when none) */
	uint32_t attach_type;
	uint32_t flags;
	/* type-specific tails; at most one is used per call */
	const void *iter_info; /* for TRACE_ITER */
	uint32_t iter_info_len;
	uint64_t perf_bpf_cookie; /* for PERF_EVENT */
	/* kprobe_multi / uprobe_multi */
	const char *const *syms;
	const uint64_t *addrs;
	const uint64_t *offsets;
	const uint64_t *cookies;
	const char *path;
	uint32_t cnt;
	uint32_t multi_flags;
	uint32_t pid; /* uprobe_multi: only this process (0: all) */
	/* netfilter */
	uint32_t nf_pf, nf_hooknum, nf_flags;
	int32_t nf_priority;
	/* tcx/netkit relative attach */
	uint32_t relative_fd;
	uint64_t expected_revision;
};
int bpfsys_link_create(const struct bpfsys_link_create_opts *o);
int bpfsys_raw_tracepoint_open(const char *name, int prog_fd);
int bpfsys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags);
int bpfsys_btf_load(const void *data, uint32_t size, char *log_buf, uint32_t log_size);
int bpfsys_iter_create(int link_fd);
int bpfsys_link_detach(int link_fd);

#endif
