/* SPDX-License-Identifier: MIT */
/* Private to bpfsys: the single bpf(2) entry point and helpers shared by its .c files. */
#ifndef BPFSYS_INTERNAL_H
#define BPFSYS_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "abi_attr.h"

/* bpf(2) with size bytes of attr. Returns the syscall's result (>= 0) or -errno. */
long bpfsys_sys_bpf(int cmd, union bpfsys_attr *attr, unsigned int size);

/* bpfsys_sys_bpf() for commands that return a new fd: 0..2 are moved above 2 (and the
 * low one closed) so the fd can never be mistaken for stdin/stdout/stderr. */
int bpfsys_sys_bpf_fd(int cmd, union bpfsys_attr *attr, unsigned int size);

/* Moves fd 0..2 to the lowest free fd >= 3 (close-on-exec) and closes the original.
 * Other values (including -errno) pass through. */
int bpfsys_ensure_good_fd(int fd);

static inline uint64_t bpfsys_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Copies name into a kernel name field of BPFSYS_OBJ_NAME_LEN bytes, truncated and
 * NUL-terminated; NULL leaves it empty. */
static inline void bpfsys_copy_name(char dst[BPFSYS_OBJ_NAME_LEN], const char *name)
{
	if (name)
		memcpy(dst, name, strnlen(name, BPFSYS_OBJ_NAME_LEN - 1));
}

#endif
