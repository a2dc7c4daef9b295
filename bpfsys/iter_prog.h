/* SPDX-License-Identifier: MIT */
/* Private to bpfsys: assembly of the iterator programs from the kernel's BTF. The result
 * is plain data; loading and attaching it is iter.c's business. */
#ifndef BPFSYS_ITER_PROG_H
#define BPFSYS_ITER_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "btf.h"
#include "iter.h"

#define BPFSYS_ITER_MAX_INSNS 96

struct bpfsys_iter_prog {
	struct bpfsys_insn insns[BPFSYS_ITER_MAX_INSNS];
	uint32_t insn_cnt;
	uint32_t attach_btf_id; /* FUNC bpf_iter_bpf_<kind> */
	const char *name;       /* the program's name in the kernel */
	size_t rec_size;
	bool has_count; /* calls bpf_map_sum_elem_count */
};

/* Builds the program of that kind into p. use_kfunc: call bpf_map_sum_elem_count when
 * the kernel's BTF has it (map kind only). -ENOENT: a type, member or FUNC is missing;
 * -EPROTO: a member has a size or offset our records cannot take. */
int bpfsys_iter_prog_build(struct bpfsys_iter_prog *p, enum bpfsys_iter_kind kind,
                           const struct bpfsys_btf *btf, bool use_kfunc);

#endif
