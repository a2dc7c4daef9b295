/* SPDX-License-Identifier: MIT */
/* A small eBPF instruction encoder for programs built in C (fixtures, iterators).
 * Each bpfsys_insn_*() returns one struct bpfsys_insn; BPFSYS_INSN_LD_IMM64 and
 * BPFSYS_INSN_LD_MAP_FD expand to the two instructions a 64-bit load takes, for use
 * inside an array initializer (of automatic storage: these are function calls, not
 * constant expressions). Registers are BPFSYS_REG_0..BPFSYS_REG_10 (r10: frame
 * pointer, read-only). Jump offsets count instructions after the jump. */
#ifndef BPFSYS_INSN_H
#define BPFSYS_INSN_H

#include <stdint.h>

#include "abi.h"

enum bpfsys_reg {
	BPFSYS_REG_0 = 0, /* return value */
	BPFSYS_REG_1,     /* arguments 1..5; r1 holds the context on entry */
	BPFSYS_REG_2,
	BPFSYS_REG_3,
	BPFSYS_REG_4,
	BPFSYS_REG_5,
	BPFSYS_REG_6, /* callee-saved */
	BPFSYS_REG_7,
	BPFSYS_REG_8,
	BPFSYS_REG_9,
	BPFSYS_REG_10,
	BPFSYS_REG_COUNT
};

/* Opcode = class | size/op | mode/source. */
#define BPFSYS_LD    0x00
#define BPFSYS_LDX   0x01
#define BPFSYS_ST    0x02
#define BPFSYS_STX   0x03
#define BPFSYS_ALU   0x04
#define BPFSYS_JMP   0x05
#define BPFSYS_JMP32 0x06
#define BPFSYS_ALU64 0x07

#define BPFSYS_W  0x00
#define BPFSYS_H  0x08
#define BPFSYS_B  0x10
#define BPFSYS_DW 0x18

#define BPFSYS_IMM 0x00
#define BPFSYS_MEM 0x60

#define BPFSYS_K 0x00 /* operand: imm */
#define BPFSYS_X 0x08 /* operand: src_reg */

#define BPFSYS_ADD  0x00
#define BPFSYS_SUB  0x10
#define BPFSYS_MUL  0x20
#define BPFSYS_DIV  0x30
#define BPFSYS_OR   0x40
#define BPFSYS_AND  0x50
#define BPFSYS_LSH  0x60
#define BPFSYS_RSH  0x70
#define BPFSYS_NEG  0x80
#define BPFSYS_MOD  0x90
#define BPFSYS_XOR  0xa0
#define BPFSYS_MOV  0xb0
#define BPFSYS_ARSH 0xc0

#define BPFSYS_JA   0x00
#define BPFSYS_JEQ  0x10
#define BPFSYS_JGT  0x20 /* unsigned */
#define BPFSYS_JGE  0x30
#define BPFSYS_JSET 0x40
#define BPFSYS_JNE  0x50
#define BPFSYS_JSGT 0x60 /* signed */
#define BPFSYS_JSGE 0x70
#define BPFSYS_CALL 0x80
#define BPFSYS_EXIT 0x90
#define BPFSYS_JLT  0xa0
#define BPFSYS_JLE  0xb0
#define BPFSYS_JSLT 0xc0
#define BPFSYS_JSLE 0xd0

/* Helper ids (enum bpf_func_id) that our programs call. */
#define BPFSYS_FUNC_map_lookup_elem       1
#define BPFSYS_FUNC_map_update_elem       2
#define BPFSYS_FUNC_map_delete_elem       3
#define BPFSYS_FUNC_ktime_get_ns          5
#define BPFSYS_FUNC_trace_printk          6
#define BPFSYS_FUNC_get_smp_processor_id  8
#define BPFSYS_FUNC_get_current_pid_tgid  14
#define BPFSYS_FUNC_get_current_comm      16
#define BPFSYS_FUNC_probe_read_kernel     113
#define BPFSYS_FUNC_probe_read_kernel_str 115
#define BPFSYS_FUNC_ktime_get_boot_ns     125
#define BPFSYS_FUNC_seq_printf            126
#define BPFSYS_FUNC_seq_write             127
#define BPFSYS_FUNC_ringbuf_output        130

static inline struct bpfsys_insn bpfsys_insn_make(uint8_t code, unsigned int dst, unsigned int src,
                                                  int16_t off, int32_t imm)
{
	struct bpfsys_insn i = {
		.code = code, .dst_reg = dst & 0xfu, .src_reg = src & 0xfu, .off = off, .imm = imm
	};
	return i;
}

static inline struct bpfsys_insn bpfsys_insn_mov64_imm(unsigned int dst, int32_t imm)
{
	return bpfsys_insn_make(BPFSYS_ALU64 | BPFSYS_MOV | BPFSYS_K, dst, 0, 0, imm);
}

static inline struct bpfsys_insn bpfsys_insn_mov64_reg(unsigned int dst, unsigned int src)
{
	return bpfsys_insn_make(BPFSYS_ALU64 | BPFSYS_MOV | BPFSYS_X, dst, src, 0, 0);
}

/* op: BPFSYS_ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, MOD, XOR, ARSH */
static inline struct bpfsys_insn bpfsys_insn_alu64_imm(uint8_t op, unsigned int dst, int32_t imm)
{
	return bpfsys_insn_make((uint8_t)(BPFSYS_ALU64 | op | BPFSYS_K), dst, 0, 0, imm);
}

static inline struct bpfsys_insn bpfsys_insn_alu64_reg(uint8_t op, unsigned int dst,
                                                       unsigned int src)
{
	return bpfsys_insn_make((uint8_t)(BPFSYS_ALU64 | op | BPFSYS_X), dst, src, 0, 0);
}

/* size: BPFSYS_B, H, W, DW. dst = *(size *)(src + off) */
static inline struct bpfsys_insn bpfsys_insn_ldx_mem(uint8_t size, unsigned int dst,
                                                     unsigned int src, int16_t off)
{
	return bpfsys_insn_make((uint8_t)(BPFSYS_LDX | size | BPFSYS_MEM), dst, src, off, 0);
}

/* *(size *)(dst + off) = src */
static inline struct bpfsys_insn bpfsys_insn_stx_mem(uint8_t size, unsigned int dst,
                                                     unsigned int src, int16_t off)
{
	return bpfsys_insn_make((uint8_t)(BPFSYS_STX | size | BPFSYS_MEM), dst, src, off, 0);
}

/* *(size *)(dst + off) = imm */
static inline struct bpfsys_insn bpfsys_insn_st_mem(uint8_t size, unsigned int dst, int16_t off,
                                                    int32_t imm)
{
	return bpfsys_insn_make((uint8_t)(BPFSYS_ST | size | BPFSYS_MEM), dst, 0, off, imm);
}

/* op: BPFSYS_JEQ, JNE, JGT, JGE, JLT, JLE, JSGT, ...: if (dst op imm) skip off insns */
static inline struct bpfsys_insn bpfsys_insn_jmp_imm(uint8_t op, unsigned int dst, int32_t imm,
                                                     int16_t off)
{
	return bpfsys_insn_make((uint8_t)(BPFSYS_JMP | op | BPFSYS_K), dst, 0, off, imm);
}

static inline struct bpfsys_insn bpfsys_insn_jmp_reg(uint8_t op, unsigned int dst, unsigned int src,
                                                     int16_t off)
{
	return bpfsys_insn_make((uint8_t)(BPFSYS_JMP | op | BPFSYS_X), dst, src, off, 0);
}

static inline struct bpfsys_insn bpfsys_insn_ja(int16_t off)
{
	return bpfsys_insn_make(BPFSYS_JMP | BPFSYS_JA, 0, 0, off, 0);
}

static inline struct bpfsys_insn bpfsys_insn_call_helper(int32_t func_id)
{
	return bpfsys_insn_make(BPFSYS_JMP | BPFSYS_CALL, 0, 0, 0, func_id);
}

/* btf_id: the kfunc's BTF_KIND_FUNC id; fd_idx: 0 for vmlinux, else the index in the
 * fd_array given to prog_load of the module BTF that holds it. */
static inline struct bpfsys_insn bpfsys_insn_call_kfunc(int32_t btf_id, int16_t fd_idx)
{
	return bpfsys_insn_make(BPFSYS_JMP | BPFSYS_CALL, 0, BPFSYS_PSEUDO_KFUNC_CALL, fd_idx,
	                        btf_id);
}

static inline struct bpfsys_insn bpfsys_insn_exit(void)
{
	return bpfsys_insn_make(BPFSYS_JMP | BPFSYS_EXIT, 0, 0, 0, 0);
}

/* The two halves of dst = imm64 (src_reg selects what imm means: 0 = a plain value). */
static inline struct bpfsys_insn bpfsys_insn_ld_imm64_lo(unsigned int dst, unsigned int src,
                                                         uint64_t imm)
{
	return bpfsys_insn_make(BPFSYS_LD | BPFSYS_DW | BPFSYS_IMM, dst, src, 0,
	                        (int32_t)(uint32_t)imm);
}

static inline struct bpfsys_insn bpfsys_insn_ld_imm64_hi(uint64_t imm)
{
	return bpfsys_insn_make(0, 0, 0, 0, (int32_t)(uint32_t)(imm >> 32));
}

#define BPFSYS_INSN_LD_IMM64(dst, imm)                                                             \
	bpfsys_insn_ld_imm64_lo((dst), 0, (imm)), bpfsys_insn_ld_imm64_hi(imm)

/* dst = the map behind map_fd (the kernel swaps the fd for the map's address) */
#define BPFSYS_INSN_LD_MAP_FD(dst, map_fd)                                                         \
	bpfsys_insn_ld_imm64_lo((dst), BPFSYS_PSEUDO_MAP_FD, (uint64_t)(uint32_t)(map_fd)),        \
	        bpfsys_insn_ld_imm64_hi(0)

#endif
