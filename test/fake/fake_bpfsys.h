/* SPDX-License-Identifier: MIT */
/* A fake bpf(2) layer for the collector tests: every function of bpfsys.h, answering from
 * a table of fake objects the test installs, with injected errors and an fd ledger.
 *
 * Objects of a kind enumerate in ascending id order, as in the kernel. Fds start at
 * FAKE_FD_BASE; fake_bpfsys_open_fds() must be 0 at the end of every test. Creation and
 * element-update calls answer -ENOSYS. Not thread-safe. */
#ifndef TEST_FAKE_FAKE_BPFSYS_H
#define TEST_FAKE_FAKE_BPFSYS_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfsys.h"

#define FAKE_FD_BASE 1000
#define FAKE_MAX_FDS 64

enum fake_kind {
	FAKE_PROG,
	FAKE_MAP,
	FAKE_LINK,
	FAKE_BTF,
	FAKE_KIND_COUNT
};

/* The calls errors can be injected into (fake_bpfsys_fail). */
enum fake_call {
	FAKE_CALL_NEXT_ID,
	FAKE_CALL_GET_FD,
	FAKE_CALL_GET_INFO,
	FAKE_CALL_NEXT_KEY,
	FAKE_CALL_ENABLE_STATS,
	FAKE_CALL_COUNT
};

struct fake_object {
	enum fake_kind kind;
	uint32_t id;
	union {
		struct bpfsys_prog_info prog;
		struct bpfsys_map_info map;
		struct bpfsys_link_info link;
		struct bpfsys_btf_info btf;
	} info;
	uint32_t info_len;    /* bytes the "kernel" fills; 0: the whole struct */
	const char *btf_name; /* for FAKE_BTF; NULL: none. Cut to fit: -ENOSPC, as bpfsys */
	int fd_err;           /* -errno for get_fd_by_id of this object, 0: none */
	int info_err;         /* -errno for get_info of this object */
	/* FAKE_MAP walks: keys 1..nkeys, each encoded in the first bytes of a key_size key. */
	uint32_t nkeys;
	bool endless;         /* next_key never answers -ENOENT: it wraps to the first key */
	int next_key_err;     /* -errno answered instead of key number next_key_err_at */
	uint32_t next_key_err_at;
};

/* Installs the table (kept by pointer; it must outlive the test) and resets everything
 * else: injections, call counters, the fd ledger. */
void fake_bpfsys_reset(const struct fake_object *objects, unsigned count);

/* The installed table (for the fake iterators). */
const struct fake_object *fake_bpfsys_objects(unsigned *count);

/* The fake BTF reader and iterators (fake_iter.c): what backend_init() finds. */
enum fake_iter_mode {
	FAKE_ITER_NONE,  /* no kernel BTF: -ENOENT, so auto falls back to syscalls */
	FAKE_ITER_PLAIN, /* iterators without the kfunc */
	FAKE_ITER_KFUNC, /* iterators with bpf_map_sum_elem_count */
};
void fake_iter_set(enum fake_iter_mode mode);
/* Iterator passes made since the last fake_iter_set(). */
unsigned fake_iter_reads(void);

/* The nth call (0-based, counted from the reset) of that kind answers err. One injection
 * per call kind; a later one replaces it. */
void fake_bpfsys_fail(enum fake_call call, unsigned nth, int err);

/* Calls made since the reset. */
unsigned fake_bpfsys_calls(enum fake_call call);

/* Fds handed out and not closed yet. */
unsigned fake_bpfsys_open_fds(void);
/* bpfsys_close() calls on an fd that was not open (double close, stray fd). */
unsigned fake_bpfsys_bad_closes(void);

#endif
