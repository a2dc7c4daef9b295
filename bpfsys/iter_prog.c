/* SPDX-License-Identifier: MIT */
/* The iterator programs, assembled from offsets read out of the running kernel's BTF.
 *
 * Shape (ctx is struct bpf_iter__bpf_<kind> *):
 *   r6 = ctx->meta; r7 = ctx-><obj>; if r7 == 0 goto out   (the last call has no object)
 *   zero the record at r10 - rec_size; copy fields from r7 (and r8 = a pointer hop)
 *   write: bpf_seq_write(r6->seq, r10 - rec_size, rec_size)
 *   out:   return 0
 * Loads from kernel objects must have the size of the member they read (the verifier
 * checks them against BTF), stack stores must be aligned: fields are copied in the
 * largest chunks both sides allow. Offsets always come from BTF: a stale offset that
 * still lands inside the struct would pass the verifier and read the wrong field. */
#include <errno.h>
#include <string.h>

#include "insn.h"
#include "iter_prog.h"

#define REG_RET  BPFSYS_REG_0 /* scratch, then the kfunc's result */
#define REG_CTX  BPFSYS_REG_1
#define REG_META BPFSYS_REG_6 /* struct bpf_iter_meta * */
#define REG_OBJ  BPFSYS_REG_7 /* the map, prog or link */
#define REG_SUB  BPFSYS_REG_8 /* what a pointer member of it leads to */
#define REG_FP   BPFSYS_REG_10

#define MAX_FIXUPS 8

enum iter_label {
	LABEL_WRITE,
	LABEL_OUT,
	LABEL_COUNT
};

/* The BTF types and functions the programs need, resolved in one pass. */
enum iter_type {
	T_META,
	T_CTX_MAP,
	T_CTX_PROG,
	T_CTX_LINK,
	T_MAP,
	T_PROG,
	T_PROG_AUX,
	T_LINK,
	T_FN_MAP,
	T_FN_PROG,
	T_FN_LINK,
	T_KFUNC_COUNT,
	T_COUNT
};

static const struct {
	enum bpfsys_btf_kind kind;
	const char *name;
} iter_types[] = {
	[T_META] = { BPFSYS_BTF_KIND_STRUCT, "bpf_iter_meta" },
	[T_CTX_MAP] = { BPFSYS_BTF_KIND_STRUCT, "bpf_iter__bpf_map" },
	[T_CTX_PROG] = { BPFSYS_BTF_KIND_STRUCT, "bpf_iter__bpf_prog" },
	[T_CTX_LINK] = { BPFSYS_BTF_KIND_STRUCT, "bpf_iter__bpf_link" },
	[T_MAP] = { BPFSYS_BTF_KIND_STRUCT, "bpf_map" },
	[T_PROG] = { BPFSYS_BTF_KIND_STRUCT, "bpf_prog" },
	[T_PROG_AUX] = { BPFSYS_BTF_KIND_STRUCT, "bpf_prog_aux" },
	[T_LINK] = { BPFSYS_BTF_KIND_STRUCT, "bpf_link" },
	[T_FN_MAP] = { BPFSYS_BTF_KIND_FUNC, "bpf_iter_bpf_map" },
	[T_FN_PROG] = { BPFSYS_BTF_KIND_FUNC, "bpf_iter_bpf_prog" },
	[T_FN_LINK] = { BPFSYS_BTF_KIND_FUNC, "bpf_iter_bpf_link" },
	[T_KFUNC_COUNT] = { BPFSYS_BTF_KIND_FUNC, "bpf_map_sum_elem_count" },
};
_Static_assert(sizeof(iter_types) / sizeof(iter_types[0]) == T_COUNT, "one entry per type");

struct iter_asm {
	struct bpfsys_iter_prog *p;
	const struct bpfsys_btf *btf;
	uint32_t ids[T_COUNT];
	int16_t rec; /* the record's offset from r10 */
	uint32_t label_at[LABEL_COUNT];
	uint32_t fix_at[MAX_FIXUPS]; /* jumps waiting for a label */
	enum iter_label fix_to[MAX_FIXUPS];
	uint32_t nfix;
	int err; /* first error; emitting stops meaning anything */
};

static void fail(struct iter_asm *a, int err)
{
	if (!a->err)
		a->err = err;
}

static void emit(struct iter_asm *a, struct bpfsys_insn insn)
{
	if (a->p->insn_cnt >= BPFSYS_ITER_MAX_INSNS) {
		fail(a, -E2BIG);
		return;
	}
	a->p->insns[a->p->insn_cnt++] = insn;
}

/* if reg == 0 goto label */
static void emit_jeq0(struct iter_asm *a, unsigned int reg, enum iter_label label)
{
	if (a->nfix >= MAX_FIXUPS) {
		fail(a, -E2BIG);
		return;
	}
	a->fix_at[a->nfix] = a->p->insn_cnt;
	a->fix_to[a->nfix++] = label;
	emit(a, bpfsys_insn_jmp_imm(BPFSYS_JEQ, reg, 0, 0));
}

static void bind(struct iter_asm *a, enum iter_label label)
{
	a->label_at[label] = a->p->insn_cnt;
}

static void patch_jumps(struct iter_asm *a)
{
	for (uint32_t i = 0; i < a->nfix && !a->err; i++)
		a->p->insns[a->fix_at[i]].off = (int16_t)(a->label_at[a->fix_to[i]] - a->fix_at[i] -
		                                          1);
}

/* Byte offset and size of a member (anonymous unions searched); -ENOENT when absent,
 * -EPROTO when its size is not want or the offset does not fit an instruction. */
static int member_off(struct iter_asm *a, enum iter_type t, const char *name, uint32_t want,
                      int16_t *off)
{
	uint32_t o, size;
	int err;

	if (!a->ids[t])
		return -ENOENT;
	err = bpfsys_btf_member(a->btf, a->ids[t], name, &o, &size, NULL);
	if (err == -ENOENT)
		return err;
	if (err < 0 || size != want || o > INT16_MAX - want)
		return -EPROTO;
	*off = (int16_t)o;
	return 0;
}

/* Copies size bytes of member name of the object in src into the record at dst. */
static void emit_copy(struct iter_asm *a, unsigned int src, enum iter_type t, const char *name,
                      uint32_t size, size_t dst)
{
	int16_t off;
	int err = member_off(a, t, name, size, &off);
	int32_t to = a->rec + (int32_t)dst;

	if (err < 0) {
		fail(a, err);
		return;
	}
	for (int32_t done = 0, chunk; done < (int32_t)size; done += chunk) {
		uint8_t sz;

		chunk = 8;
		while (chunk > (int32_t)size - done || (off + done) % chunk || (to + done) % chunk)
			chunk /= 2;
		sz = chunk == 8   ? BPFSYS_DW
		     : chunk == 4 ? BPFSYS_W
		     : chunk == 2 ? BPFSYS_H
		                  : BPFSYS_B;
		emit(a, bpfsys_insn_ldx_mem(sz, REG_RET, src, (int16_t)(off + done)));
		emit(a, bpfsys_insn_stx_mem(sz, REG_FP, REG_RET, (int16_t)(to + done)));
	}
}

/* dst = the pointer member name of src; if it is NULL goto label. */
static void emit_hop(struct iter_asm *a, unsigned int dst, unsigned int src, enum iter_type t,
                     const char *name, enum iter_label label)
{
	int16_t off;
	int err = member_off(a, t, name, 8, &off);

	if (err < 0) {
		fail(a, err);
		return;
	}
	emit(a, bpfsys_insn_ldx_mem(BPFSYS_DW, dst, src, off));
	emit_jeq0(a, dst, label);
}

/* r6 = ctx->meta; r7 = ctx->obj, NULL on the last call; a zeroed record. */
static void emit_prologue(struct iter_asm *a, enum iter_type ctx, const char *obj)
{
	int16_t meta_off, obj_off;
	int err = member_off(a, ctx, "meta", 8, &meta_off);

	if (err >= 0)
		err = member_off(a, ctx, obj, 8, &obj_off);
	if (err < 0) {
		fail(a, err);
		return;
	}
	emit(a, bpfsys_insn_ldx_mem(BPFSYS_DW, REG_META, REG_CTX, meta_off));
	emit(a, bpfsys_insn_ldx_mem(BPFSYS_DW, REG_OBJ, REG_CTX, obj_off));
	emit_jeq0(a, REG_OBJ, LABEL_OUT);
	for (int16_t o = a->rec; o < 0; o += 8)
		emit(a, bpfsys_insn_st_mem(BPFSYS_DW, REG_FP, o, 0));
}

/* write: bpf_seq_write(meta->seq, record, size); out: return 0 */
static void emit_epilogue(struct iter_asm *a)
{
	int16_t seq_off;
	int err = member_off(a, T_META, "seq", 8, &seq_off);

	if (err < 0) {
		fail(a, err);
		return;
	}
	bind(a, LABEL_WRITE);
	emit(a, bpfsys_insn_ldx_mem(BPFSYS_DW, BPFSYS_REG_1, REG_META, seq_off));
	emit(a, bpfsys_insn_mov64_reg(BPFSYS_REG_2, REG_FP));
	emit(a, bpfsys_insn_alu64_imm(BPFSYS_ADD, BPFSYS_REG_2, a->rec));
	emit(a, bpfsys_insn_mov64_imm(BPFSYS_REG_3, -a->rec));
	emit(a, bpfsys_insn_call_helper(BPFSYS_FUNC_seq_write));
	bind(a, LABEL_OUT);
	emit(a, bpfsys_insn_mov64_imm(REG_RET, 0));
	emit(a, bpfsys_insn_exit());
}

static void build_map(struct iter_asm *a, bool use_kfunc)
{
	size_t count = offsetof(struct bpfsys_iter_map_rec, count);

	emit_prologue(a, T_CTX_MAP, "map");
	emit_copy(a, REG_OBJ, T_MAP, "id", 4, offsetof(struct bpfsys_iter_map_rec, id));
	emit_copy(a, REG_OBJ, T_MAP, "map_type", 4, offsetof(struct bpfsys_iter_map_rec, type));
	emit_copy(a, REG_OBJ, T_MAP, "key_size", 4, offsetof(struct bpfsys_iter_map_rec, key_size));
	emit_copy(a, REG_OBJ, T_MAP, "value_size", 4,
	          offsetof(struct bpfsys_iter_map_rec, value_size));
	emit_copy(a, REG_OBJ, T_MAP, "max_entries", 4,
	          offsetof(struct bpfsys_iter_map_rec, max_entries));
	emit_copy(a, REG_OBJ, T_MAP, "map_flags", 4, offsetof(struct bpfsys_iter_map_rec, flags));
	emit_copy(a, REG_OBJ, T_MAP, "name", BPFSYS_OBJ_NAME_LEN,
	          offsetof(struct bpfsys_iter_map_rec, name));
	a->p->has_count = use_kfunc && a->ids[T_KFUNC_COUNT];
	if (a->p->has_count) {
		/* s64 bpf_map_sum_elem_count(const struct bpf_map *map) */
		emit(a, bpfsys_insn_mov64_reg(BPFSYS_REG_1, REG_OBJ));
		emit(a, bpfsys_insn_call_kfunc((int32_t)a->ids[T_KFUNC_COUNT], 0));
	} else {
		emit(a, bpfsys_insn_ld_imm64_lo(REG_RET, 0, (uint64_t)BPFSYS_ITER_NO_COUNT));
		emit(a, bpfsys_insn_ld_imm64_hi((uint64_t)BPFSYS_ITER_NO_COUNT));
	}
	emit(a, bpfsys_insn_stx_mem(BPFSYS_DW, REG_FP, REG_RET, (int16_t)(a->rec + (int)count)));
	emit_epilogue(a);
}

static void build_prog(struct iter_asm *a)
{
	emit_prologue(a, T_CTX_PROG, "prog");
	emit_copy(a, REG_OBJ, T_PROG, "type", 4, offsetof(struct bpfsys_iter_prog_rec, type));
	emit_copy(a, REG_OBJ, T_PROG, "tag", BPFSYS_TAG_SIZE,
	          offsetof(struct bpfsys_iter_prog_rec, tag));
	/* every program has its aux; without one there is no id to report */
	emit_hop(a, REG_SUB, REG_OBJ, T_PROG, "aux", LABEL_OUT);
	emit_copy(a, REG_SUB, T_PROG_AUX, "id", 4, offsetof(struct bpfsys_iter_prog_rec, id));
	emit_copy(a, REG_SUB, T_PROG_AUX, "name", BPFSYS_OBJ_NAME_LEN,
	          offsetof(struct bpfsys_iter_prog_rec, name));
	emit_epilogue(a);
}

static void build_link(struct iter_asm *a)
{
	emit_prologue(a, T_CTX_LINK, "link");
	emit_copy(a, REG_OBJ, T_LINK, "id", 4, offsetof(struct bpfsys_iter_link_rec, id));
	emit_copy(a, REG_OBJ, T_LINK, "type", 4, offsetof(struct bpfsys_iter_link_rec, type));
	/* struct_ops links have no program: the record goes out with prog_id 0 */
	emit_hop(a, REG_SUB, REG_OBJ, T_LINK, "prog", LABEL_WRITE);
	emit_hop(a, REG_SUB, REG_SUB, T_PROG, "aux", LABEL_WRITE);
	emit_copy(a, REG_SUB, T_PROG_AUX, "id", 4, offsetof(struct bpfsys_iter_link_rec, prog_id));
	emit_epilogue(a);
}

static const struct {
	enum iter_type target;
	const char *name;
	size_t rec_size;
} kinds[] = {
	[BPFSYS_ITER_MAP] = { T_FN_MAP, "bpfsys_it_map", sizeof(struct bpfsys_iter_map_rec) },
	[BPFSYS_ITER_PROG] = { T_FN_PROG, "bpfsys_it_prog", sizeof(struct bpfsys_iter_prog_rec) },
	[BPFSYS_ITER_LINK] = { T_FN_LINK, "bpfsys_it_link", sizeof(struct bpfsys_iter_link_rec) },
};
_Static_assert(sizeof(kinds) / sizeof(kinds[0]) == BPFSYS_ITER_KIND_COUNT, "one per kind");
_Static_assert(sizeof(struct bpfsys_iter_map_rec) % 8 == 0 &&
                       sizeof(struct bpfsys_iter_prog_rec) % 8 == 0 &&
                       sizeof(struct bpfsys_iter_link_rec) % 8 == 0,
               "records are zeroed and stored in 8-byte stack slots");

static int resolve(struct iter_asm *a)
{
	struct bpfsys_btf_query q[T_COUNT];
	int n;

	for (int i = 0; i < T_COUNT; i++)
		q[i] = (struct bpfsys_btf_query){ .kind = iter_types[i].kind,
			                          .name = iter_types[i].name,
			                          .id = &a->ids[i] };
	n = bpfsys_btf_resolve(a->btf, q, T_COUNT);
	return n < 0 ? n : 0;
}

int bpfsys_iter_prog_build(struct bpfsys_iter_prog *p, enum bpfsys_iter_kind kind,
                           const struct bpfsys_btf *btf, bool use_kfunc)
{
	struct iter_asm a = { .p = p, .btf = btf };

	if (!p || !btf || (unsigned int)kind >= BPFSYS_ITER_KIND_COUNT)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->name = kinds[kind].name;
	p->rec_size = kinds[kind].rec_size;
	a.rec = (int16_t) - (int)p->rec_size;
	a.err = resolve(&a);
	if (a.err < 0)
		return a.err;
	p->attach_btf_id = a.ids[kinds[kind].target];
	if (!p->attach_btf_id)
		return -ENOENT;
	if (kind == BPFSYS_ITER_MAP)
		build_map(&a, use_kfunc);
	else if (kind == BPFSYS_ITER_PROG)
		build_prog(&a);
	else
		build_link(&a);
	patch_jumps(&a);
	return a.err;
}
