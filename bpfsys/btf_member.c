/* SPDX-License-Identifier: MIT */
/* BTF type walking: modifiers, sizes, and struct members through anonymous nesting.
 * Every id read from a type is checked before use, and every walk is bounded, so a
 * corrupt blob gives -EINVAL rather than a crash or a hang. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "btf.h"

#define BTF_MAX_DEPTH     32         /* the kernel's own MAX_RESOLVE_DEPTH */
#define BTF_MEMBER_BUDGET (1u << 20) /* members examined by one search, at most */

/* What a member search carries down through anonymous members. */
struct member_search {
	const char *name;
	uint32_t budget;
	uint64_t bits; /* result: offset in bits from the outermost struct */
	uint32_t type; /* result: the member's type, as written */
};

static int is_modifier(enum bpfsys_btf_kind k)
{
	return k == BPFSYS_BTF_KIND_TYPEDEF || k == BPFSYS_BTF_KIND_VOLATILE ||
	       k == BPFSYS_BTF_KIND_CONST || k == BPFSYS_BTF_KIND_RESTRICT ||
	       k == BPFSYS_BTF_KIND_TYPE_TAG;
}

static int is_composite(enum bpfsys_btf_kind k)
{
	return k == BPFSYS_BTF_KIND_STRUCT || k == BPFSYS_BTF_KIND_UNION;
}

int bpfsys_btf_skip_modifiers(const struct bpfsys_btf *b, uint32_t id)
{
	struct bpfsys_btf_type t;
	int depth;

	for (depth = 0; depth < BTF_MAX_DEPTH; depth++) {
		if (id == 0)
			return 0;
		if (bpfsys_btf_type(b, id, &t) < 0)
			return -EINVAL;
		if (!is_modifier(t.kind))
			return (int)id; /* ids fit: at most types_len / 12 */
		id = t.size_type;
	}
	return -EINVAL;
}

/* Resolved type at id (not void), for the walks below. */
static int resolved_type(const struct bpfsys_btf *b, uint32_t id, struct bpfsys_btf_type *t)
{
	int r = bpfsys_btf_skip_modifiers(b, id);

	if (r <= 0)
		return -EINVAL;
	return bpfsys_btf_type(b, (uint32_t)r, t);
}

static int64_t size_of(const struct bpfsys_btf *b, uint32_t id, int depth)
{
	struct bpfsys_btf_type t;
	int64_t elem;

	if (depth >= BTF_MAX_DEPTH || resolved_type(b, id, &t) < 0)
		return -EINVAL;
	switch (t.kind) {
	case BPFSYS_BTF_KIND_INT:
	case BPFSYS_BTF_KIND_STRUCT:
	case BPFSYS_BTF_KIND_UNION:
	case BPFSYS_BTF_KIND_ENUM:
	case BPFSYS_BTF_KIND_ENUM64:
	case BPFSYS_BTF_KIND_FLOAT:
	case BPFSYS_BTF_KIND_DATASEC:
		return t.size_type;
	case BPFSYS_BTF_KIND_PTR:
		return b->ptr_size;
	case BPFSYS_BTF_KIND_ARRAY: /* extra: elem type, index type, nelems */
		elem = size_of(b, t.extra[0], depth + 1);
		if (elem < 0)
			return elem;
		elem *= t.extra[2]; /* both below 2^32: no overflow in 64 bits */
		return elem > INT_MAX ? -EOVERFLOW : elem;
	case BPFSYS_BTF_KIND_UNKN:
	case BPFSYS_BTF_KIND_FWD:
	case BPFSYS_BTF_KIND_TYPEDEF:
	case BPFSYS_BTF_KIND_VOLATILE:
	case BPFSYS_BTF_KIND_CONST:
	case BPFSYS_BTF_KIND_RESTRICT:
	case BPFSYS_BTF_KIND_FUNC:
	case BPFSYS_BTF_KIND_FUNC_PROTO:
	case BPFSYS_BTF_KIND_VAR:
	case BPFSYS_BTF_KIND_DECL_TAG:
	case BPFSYS_BTF_KIND_TYPE_TAG:
	case BPFSYS_BTF_KIND_COUNT:
	default:
		return -EINVAL;
	}
}

int bpfsys_btf_type_size(const struct bpfsys_btf *b, uint32_t id)
{
	int64_t n = size_of(b, id, 0);

	return n > INT_MAX ? -EOVERFLOW : (int)n;
}

/* Without kind_flag a bitfield shows as an int whose bits or bit offset do not fill it. */
static int is_bitfield_int(const struct bpfsys_btf *b, uint32_t id)
{
	struct bpfsys_btf_type t;
	uint32_t enc;

	if (resolved_type(b, id, &t) < 0 || t.kind != BPFSYS_BTF_KIND_INT)
		return 0;
	enc = t.extra[0]; /* bits 0-7: nr_bits, 16-23: bit offset */
	return (enc >> 16 & 0xff) != 0 || (enc & 0xff) != (uint64_t)t.size_type * 8;
}

/* Depth-first through the members of t in order, descending into anonymous
 * struct/union members: 0 with s->bits/type set, -ENOENT, or -EINVAL. */
static int search_members(const struct bpfsys_btf *b, const struct bpfsys_btf_type *t,
                          struct member_search *s, uint64_t base, int depth)
{
	struct bpfsys_btf_type inner;
	uint32_t i;
	int err;

	for (i = 0; i < t->vlen; i++) {
		const uint32_t *m = t->extra + 3 * i; /* name_off, type, offset */
		uint32_t bits = t->kind_flag ? m[2] & 0xffffff : m[2];

		if (s->budget-- == 0)
			return -EINVAL;
		if (m[0]) {
			if (strcmp(b->strs + m[0], s->name))
				continue;
			if (t->kind_flag && m[2] >> 24)
				return -EINVAL; /* bitfield size */
			s->bits = base + bits;
			s->type = m[1];
			return 0;
		}
		if (resolved_type(b, m[1], &inner) < 0 || !is_composite(inner.kind))
			continue; /* an unnamed non-struct member: padding, nothing to find */
		if (depth + 1 >= BTF_MAX_DEPTH)
			return -EINVAL;
		err = search_members(b, &inner, s, base + bits, depth + 1);
		if (err != -ENOENT)
			return err;
	}
	return -ENOENT;
}

int bpfsys_btf_member(const struct bpfsys_btf *b, uint32_t struct_id, const char *member,
                      uint32_t *offset, uint32_t *size, uint32_t *type_id)
{
	struct member_search s = { .name = member, .budget = BTF_MEMBER_BUDGET };
	struct bpfsys_btf_type t;
	int err, sz, tid;

	if (!member || !member[0])
		return -EINVAL;
	err = bpfsys_btf_skip_modifiers(b, struct_id);
	if (err < 0)
		return err;
	if (err == 0 || bpfsys_btf_type(b, (uint32_t)err, &t) < 0 || !is_composite(t.kind))
		return -ENOTSUP;
	err = search_members(b, &t, &s, 0, 0);
	if (err < 0)
		return err;
	if (s.bits % 8 || s.bits / 8 > UINT32_MAX || is_bitfield_int(b, s.type))
		return -EINVAL;
	sz = bpfsys_btf_type_size(b, s.type);
	if (sz < 0)
		return sz;
	tid = bpfsys_btf_skip_modifiers(b, s.type);
	if (tid < 0)
		return tid;
	if (offset)
		*offset = (uint32_t)(s.bits / 8);
	if (size)
		*size = (uint32_t)sz;
	if (type_id)
		*type_id = (uint32_t)tid;
	return 0;
}
