/* SPDX-License-Identifier: MIT */
/* BPF iterators over maps, programs and links: small programs assembled at start-up from
 * offsets read out of the running kernel's BTF, attached once (link kept for the process's
 * life); each read creates an iterator instance, reads it to the end and closes it.
 *
 * Every record is fixed-size (a multiple of 8 bytes) in host byte order, and starts with
 * the object's id. The iterators' own programs (bpfsys_it_map, bpfsys_it_prog,
 * bpfsys_it_link) and links (type ITER) are objects like any other and show up in the
 * prog and link iterators. Needs CAP_BPF + CAP_PERFMON, not CAP_SYS_ADMIN.
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
	char name[16]; /* as in the kernel: NUL-padded, maybe not NUL-terminated */
	/* bpf_map_sum_elem_count() (Linux 6.6+), or BPFSYS_ITER_NO_COUNT. Exact (at rest) for
	 * the hash family only: HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH, HASH_OF_MAPS,
	 * preallocated or not, after deletes and LRU evictions. Every other type keeps no
	 * count and reads 0, which does not mean empty. */
	int64_t count;
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
	int prog_fd; /* -1: not loaded */
	int link_fd; /* -1: not attached */
	size_t rec_size;
	bool has_count; /* map iterator calls bpf_map_sum_elem_count */
};

/* Builds, loads and attaches the iterator of that kind from the kernel's BTF. *it is
 * always initialised (fds -1 on failure), so bpfsys_iter_close is always safe.
 * use_kfunc: call bpf_map_sum_elem_count when the kernel has it (map kind only); when the
 * kernel refuses the program with the call, it is loaded without (has_count says which;
 * log_buf then holds the refusal).
 * -ENOENT: the kernel lacks a type/member/iterator target we need (iterators: 5.8, prog
 * iterator 5.9, link iterator 5.19); -EPROTO: a member has a size our records cannot
 * take; -EPERM: missing CAP_BPF/CAP_PERFMON (or an LSM said no); -EACCES: the verifier
 * refused the program (its log in log_buf, when given). */
int bpfsys_iter_open(struct bpfsys_iter *it, enum bpfsys_iter_kind kind,
                     const struct bpfsys_btf *btf, bool use_kfunc, char *log_buf, size_t log_size);
/* Closes both fds (-1 after); harmless on a closed, failed or zeroed iterator, or NULL. */
void bpfsys_iter_close(struct bpfsys_iter *it);

/* One pass: BPF_ITER_CREATE, read() into buf until 0, close. buf must be 8-byte aligned
 * (-EINVAL otherwise) and cap >= rec_size; 32 KiB or more takes the kernel's buffer in one
 * read() (records split by a smaller cap are put back together). Calls cb(arg, rec) for
 * each record in order, rec 8-byte aligned inside buf and valid during the call only; a
 * negative cb result stops the pass and is returned. Returns the number of records;
 * -EPROTO when the stream ends inside a record. */
int bpfsys_iter_read(const struct bpfsys_iter *it, void *buf, size_t cap,
                     int (*cb)(void *arg, const void *rec), void *arg);

#endif
