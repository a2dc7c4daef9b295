/* SPDX-License-Identifier: MIT */
/* BPF iterators over maps, programs and links: small programs assembled at start-up from
 * offsets read out of the running kernel's BTF, attached once (link kept for the process's
 * life); each read creates an iterator instance, reads it to the end and closes it.
 *
 * Every record is fixed-size and little-endian; the kernel never splits one across read()s.
 * Returns >= 0 or -errno throughout; on a load failure the verifier log goes to log_buf. */
#ifndef BPFSYS_ITER_H
#define BPFSYS_ITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf.h"

#define BPFSYS_ITER_NO_COUNT INT64_MIN /* the map record's count without the kfunc */

struct bpfsys_iter_map_rec {
	uint32_t id;
	uint32_t type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;
	char name[16];        /* as in the kernel: NUL-padded, maybe not NUL-terminated */
	int64_t count;        /* bpf_map_sum_elem_count(), or BPFSYS_ITER_NO_COUNT */
};

struct bpfsys_iter_prog_rec {
	uint32_t id;
	uint32_t type;
	char name[16];
	uint8_t tag[8];
};

struct bpfsys_iter_link_rec {
	uint32_t id;
	uint32_t type;
	uint32_t prog_id; /* 0: no program (e.g. struct_ops links) */
	uint32_t pad;
};

enum bpfsys_iter_kind {
	BPFSYS_ITER_MAP,
	BPFSYS_ITER_PROG,
	BPFSYS_ITER_LINK,
	BPFSYS_ITER_KIND_COUNT
};

struct bpfsys_iter {
	enum bpfsys_iter_kind kind;
	int prog_fd;   /* -1: not loaded */
	int link_fd;   /* -1: not attached */
	size_t rec_size;
	bool has_count; /* map iterator calls bpf_map_sum_elem_count */
};

/* Builds, loads and attaches the iterator of that kind from the kernel's BTF.
 * use_kfunc: call bpf_map_sum_elem_count when the kernel has it (map kind only).
 * -ENOENT: the kernel lacks a type/member/iterator target we need (too old);
 * -EPERM: missing CAP_BPF/CAP_PERFMON. */
int bpfsys_iter_open(struct bpfsys_iter *it, enum bpfsys_iter_kind kind,
		     const struct bpfsys_btf *btf, bool use_kfunc, char *log_buf, size_t log_size);
void bpfsys_iter_close(struct bpfsys_iter *it);

/* One pass: BPF_ITER_CREATE, read() into buf (cap >= 32 KiB) until 0, close. Calls
 * cb(arg, rec) for each record in order; a negative cb result stops the pass and is
 * returned. Returns the number of records. */
int bpfsys_iter_read(const struct bpfsys_iter *it, void *buf, size_t cap,
		     int (*cb)(void *arg, const void *rec), void *arg);

#endif
