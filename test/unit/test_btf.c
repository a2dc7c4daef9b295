/* SPDX-License-Identifier: MIT */
/* The BTF reader against synthetic blobs built here: every kind, anonymous nesting,
 * modifier chains, both bitfield encodings, and corrupt or truncated blobs, which must
 * give -EINVAL and never read outside the blob (each is opened from a heap copy of
 * exactly its size, so ASan sees any over-read). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "btf.h"

#define K(k) BPFSYS_BTF_KIND_##k
#define HDR_LEN 24u

/* A blob under construction: type words and strings, joined by finish(). */
struct builder {
	uint32_t types[1024];
	uint32_t ntw;
	char strs[2048];
	uint32_t slen;
	uint32_t ntypes;
	uint32_t blob[2048]; /* header + types + strings; uint32_t for alignment */
	size_t size;
};

static void init(struct builder *bb)
{
	memset(bb, 0, sizeof(*bb));
	bb->slen = 1; /* offset 0 is "" */
}

static uint32_t str(struct builder *bb, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t off = bb->slen;

	if (!s[0])
		return 0;
	assert_true(bb->slen + n <= sizeof(bb->strs));
	memcpy(bb->strs + off, s, n);
	bb->slen += (uint32_t)n;
	return off;
}

static void word(struct builder *bb, uint32_t w)
{
	assert_true(bb->ntw < sizeof(bb->types) / sizeof(bb->types[0]));
	bb->types[bb->ntw++] = w;
}

static void words(struct builder *bb, int n, ...)
{
	va_list ap;

	va_start(ap, n);
	while (n-- > 0)
		word(bb, va_arg(ap, uint32_t));
	va_end(ap);
}

static uint32_t info(uint32_t kind, uint32_t vlen, int kflag)
{
	return (kflag ? 1u << 31 : 0) | kind << 24 | vlen;
}

/* A type header; returns its id. */
static uint32_t type(struct builder *bb, const char *name, uint32_t kind, uint32_t vlen,
		     int kflag, uint32_t size_type)
{
	words(bb, 3, str(bb, name), info(kind, vlen, kflag), size_type);
	return ++bb->ntypes;
}

static uint32_t t_int(struct builder *bb, const char *name, uint32_t size, uint32_t bits,
		      uint32_t bit_off)
{
	uint32_t id = type(bb, name, K(INT), 0, 0, size);

	word(bb, bit_off << 16 | bits);
	return id;
}

static uint32_t t_array(struct builder *bb, uint32_t elem, uint32_t index, uint32_t n)
{
	uint32_t id = type(bb, "", K(ARRAY), 0, 0, 0);

	words(bb, 3, elem, index, n);
	return id;
}

/* A member of the struct/union just started; offset in bits (or kind_flag encoded). */
static void member(struct builder *bb, const char *name, uint32_t type_id, uint32_t offset)
{
	words(bb, 3, str(bb, name), type_id, offset);
}

static const void *finish(struct builder *bb)
{
	uint32_t tlen = bb->ntw * 4;
	uint8_t *p = (uint8_t *)bb->blob;
	uint32_t h[6] = { 0x0001eB9F, HDR_LEN, 0, tlen, tlen, bb->slen };

	assert_true(HDR_LEN + tlen + bb->slen <= sizeof(bb->blob));
	memcpy(p, h, sizeof(h)); /* magic, version 1, flags 0 in the first word */
	memcpy(p + HDR_LEN, bb->types, tlen);
	memcpy(p + HDR_LEN + tlen, bb->strs, bb->slen);
	bb->size = HDR_LEN + tlen + bb->slen;
	return bb->blob;
}

static void open_ok(struct bpfsys_btf *b, struct builder *bb)
{
	const void *blob = finish(bb);

	assert_int_equal(bpfsys_btf_open_mem(b, blob, bb->size), 0);
	assert_int_equal(b->ntypes, bb->ntypes);
}

/* Opens a heap copy of exactly size bytes: ASan flags any read past it. */
static int open_copy(const void *blob, size_t size)
{
	struct bpfsys_btf b;
	void *copy = malloc(size ? size : 1);
	int err;

	assert_non_null(copy);
	memcpy(copy, blob, size);
	err = bpfsys_btf_open_mem(&b, copy, size);
	if (err == 0) {
		for (uint32_t id = 0; id <= b.ntypes + 1; id++) { /* nothing may crash */
			(void)bpfsys_btf_type_size(&b, id);
			(void)bpfsys_btf_member(&b, id, "x", NULL, NULL, NULL);
		}
		(void)bpfsys_btf_find(&b, K(STRUCT), "s");
	}
	bpfsys_btf_close(&b);
	free(copy);
	return err;
}

static void set_hdr(struct builder *bb, size_t byte_off, uint32_t v)
{
	memcpy((uint8_t *)bb->blob + byte_off, &v, sizeof(v));
}

struct sample {
	uint32_t u32, ptr, arr, inner, outer, td, cst, proto, func, e64, tag, vol, chain;
};

/* The shared sample: every kind, anonymous nesting, modifier chains.
 * struct inner { u32 a; };
 * struct outer {                 size 40
 *   u32 id;                      0
 *   union {                      8
 *     struct inner *p;           8
 *     struct {                   8
 *       union { u32 deep; };     8
 *       u32 deep2;               12
 *     };
 *   };
 *   char name[16];               16
 *   struct inner in;             32   (named: not searched into)
 *   const volatile td_u32 cv;    36
 * };
 */
static void sample(struct builder *bb, struct sample *s)
{
	uint32_t u_deep, s_anon, u_anon, chr, lng;

	init(bb);
	s->u32 = t_int(bb, "unsigned int", 4, 32, 0);
	chr = t_int(bb, "char", 1, 8, 0);
	lng = t_int(bb, "long unsigned int", 8, 64, 0);
	s->inner = type(bb, "inner", K(STRUCT), 1, 0, 4);
	member(bb, "a", s->u32, 0);
	s->ptr = type(bb, "", K(PTR), 0, 0, s->inner);
	s->arr = t_array(bb, chr, lng, 16);
	u_deep = type(bb, "", K(UNION), 1, 0, 4);
	member(bb, "deep", s->u32, 0);
	s_anon = type(bb, "", K(STRUCT), 2, 0, 8);
	member(bb, "", u_deep, 0);
	member(bb, "deep2", s->u32, 32);
	u_anon = type(bb, "", K(UNION), 2, 0, 8);
	member(bb, "p", s->ptr, 0);
	member(bb, "", s_anon, 0);
	s->td = type(bb, "td_u32", K(TYPEDEF), 0, 0, s->u32);
	s->vol = type(bb, "", K(VOLATILE), 0, 0, s->td);
	s->cst = type(bb, "", K(CONST), 0, 0, s->vol);
	s->outer = type(bb, "outer", K(STRUCT), 5, 0, 40);
	member(bb, "id", s->u32, 0);
	member(bb, "", u_anon, 64);
	member(bb, "name", s->arr, 128);
	member(bb, "in", s->inner, 256);
	member(bb, "cv", s->cst, 288);
	s->proto = type(bb, "", K(FUNC_PROTO), 1, 0, s->u32);
	words(bb, 2, str(bb, "arg"), s->ptr);
	s->func = type(bb, "outer_fn", K(FUNC), 1 /* static */, 0, s->proto);
	s->e64 = type(bb, "big", K(ENUM64), 2, 0, 8);
	words(bb, 3, str(bb, "BIG_A"), 1u, 0u);
	words(bb, 3, str(bb, "BIG_B"), 0u, 1u);
	s->tag = type(bb, "a_tag", K(DECL_TAG), 0, 0, s->outer);
	word(bb, 0xffffffff); /* component_idx -1: the type itself */
	/* typedef -> const -> typedef -> struct outer */
	s->chain = type(bb, "outer_t", K(TYPEDEF), 0, 0, s->outer);
	s->chain = type(bb, "", K(CONST), 0, 0, s->chain);
	s->chain = type(bb, "couter_t", K(TYPEDEF), 0, 0, s->chain);
}

/* The sample, opened, shared by the tests that only read it. */
struct fixture {
	struct builder bb;
	struct sample s;
	struct bpfsys_btf b;
};

static int open_sample(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const void *blob;

	if (!f)
		return -1;
	sample(&f->bb, &f->s);
	blob = finish(&f->bb);
	if (bpfsys_btf_open_mem(&f->b, blob, f->bb.size) < 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int close_sample(void **state)
{
	struct fixture *f = *state;

	bpfsys_btf_close(&f->b);
	free(f);
	return 0;
}

static void test_open_mem_decodes_every_type(void **state)
{
	const struct bpfsys_btf *b = &((struct fixture *)*state)->b;
	const struct sample *s = &((struct fixture *)*state)->s;
	struct bpfsys_btf_type t;

	assert_int_equal(b->mapped, -1);
	assert_int_equal(b->ptr_size, 8);
	assert_int_equal(bpfsys_btf_type(b, s->func, &t), 0);
	assert_int_equal(t.kind, K(FUNC));
	assert_int_equal(t.vlen, 1);
	assert_int_equal(t.size_type, s->proto);
	assert_string_equal(bpfsys_btf_str(b, t.name_off), "outer_fn");
	assert_int_equal(bpfsys_btf_type(b, s->e64, &t), 0);
	assert_int_equal(t.kind, K(ENUM64));
	assert_int_equal(t.vlen, 2);
	assert_string_equal(bpfsys_btf_str(b, t.extra[3]), "BIG_B");
	assert_int_equal(t.extra[5], 1); /* val_hi32 */
	assert_int_equal(bpfsys_btf_type(b, s->tag, &t), 0);
	assert_int_equal(t.kind, K(DECL_TAG));
	assert_int_equal(t.size_type, s->outer);
	assert_int_equal(t.extra[0], 0xffffffff);
	assert_int_equal(bpfsys_btf_type(b, s->proto, &t), 0);
	assert_int_equal(t.kind, K(FUNC_PROTO));
	assert_string_equal(bpfsys_btf_str(b, t.extra[0]), "arg");
	assert_int_equal(bpfsys_btf_type(b, 0, &t), -EINVAL);
	assert_int_equal(bpfsys_btf_type(b, b->ntypes + 1, &t), -EINVAL);
	assert_null(bpfsys_btf_str(b, b->strs_len));
	assert_string_equal(bpfsys_btf_str(b, 0), "");
}

static void test_find_returns_first_type_of_that_kind_and_name(void **state)
{
	struct builder bb;
	struct bpfsys_btf b;
	uint32_t s1, td, s2, fn, id[2];
	struct bpfsys_btf_query q[] = { { K(STRUCT), "foo", &id[0] }, { K(INT), "x", &id[1] } };

	(void)state;
	init(&bb);
	td = type(&bb, "foo", K(TYPEDEF), 0, 0, 0);
	s1 = type(&bb, "foo", K(STRUCT), 0, 0, 0);
	s2 = type(&bb, "foo", K(STRUCT), 0, 0, 0);
	fn = type(&bb, "foobar", K(FUNC), 0, 0, 0);
	open_ok(&b, &bb);
	assert_int_equal(bpfsys_btf_find(&b, K(STRUCT), "foo"), s1);
	assert_int_not_equal(s1, s2);
	assert_int_equal(bpfsys_btf_resolve(&b, q, 2), 1); /* the scan goes on past s1 */
	assert_int_equal(id[0], s1);
	assert_int_equal(bpfsys_btf_find(&b, K(TYPEDEF), "foo"), td);
	assert_int_equal(bpfsys_btf_find(&b, K(FUNC), "foobar"), fn);
	assert_int_equal(bpfsys_btf_find(&b, K(FUNC), "foo"), -ENOENT);
	assert_int_equal(bpfsys_btf_find(&b, K(STRUCT), "fo"), -ENOENT);
	assert_int_equal(bpfsys_btf_find(&b, K(STRUCT), "foox"), -ENOENT);
	assert_int_equal(bpfsys_btf_find(&b, K(UNION), "foo"), -ENOENT);
	assert_int_equal(bpfsys_btf_find(&b, K(UNKN), "foo"), -EINVAL);
	assert_int_equal(bpfsys_btf_find(&b, K(COUNT), "foo"), -EINVAL);
	assert_int_equal(bpfsys_btf_find(&b, K(STRUCT), ""), -EINVAL);
	assert_int_equal(bpfsys_btf_find(&b, K(STRUCT), NULL), -EINVAL);
	bpfsys_btf_close(&b);
}

static void test_resolve_fills_every_query_zeroes_the_absent_refuses_bad_ones(void **state)
{
	const struct bpfsys_btf *b = &((struct fixture *)*state)->b;
	const struct sample *s = &((struct fixture *)*state)->s;
	uint32_t id[5] = { 7, 7, 7, 7, 7 };
	struct bpfsys_btf_query q[] = {
		{ K(STRUCT), "outer", &id[0] }, { K(FUNC), "outer_fn", &id[1] },
		{ K(STRUCT), "nope", &id[2] },  { K(TYPEDEF), "outer", &id[3] },
		{ K(ENUM64), "big", &id[4] },
	};

	assert_int_equal(bpfsys_btf_resolve(b, q, 5), 3);
	assert_int_equal(id[0], s->outer);
	assert_int_equal(id[1], s->func);
	assert_int_equal(id[2], 0);
	assert_int_equal(id[3], 0);
	assert_int_equal(id[4], s->e64);
	assert_int_equal(bpfsys_btf_resolve(b, q, 0), 0);
	/* a bad query: -EINVAL and nothing written */
	q[1].name = NULL;
	id[0] = 7;
	assert_int_equal(bpfsys_btf_resolve(b, q, 2), -EINVAL);
	q[1].name = "x";
	q[1].id = NULL;
	assert_int_equal(bpfsys_btf_resolve(b, q, 2), -EINVAL);
	q[1].id = &id[1];
	q[1].kind = (enum bpfsys_btf_kind)99;
	assert_int_equal(bpfsys_btf_resolve(b, q, 2), -EINVAL);
	assert_int_equal(id[0], 7);
	assert_int_equal(id[1], s->func);
	assert_int_equal(bpfsys_btf_resolve(b, NULL, 1), -EINVAL);
}

static void expect_member(const struct bpfsys_btf *b, uint32_t sid, const char *name,
			  uint32_t off, uint32_t size, uint32_t tid)
{
	uint32_t o = 99, sz = 99, t = 99;
	int err = bpfsys_btf_member(b, sid, name, &o, &sz, &t);

	if (err)
		fail_msg("member %s: %d", name, err);
	assert_int_equal(o, off);
	assert_int_equal(sz, size);
	assert_int_equal(t, tid);
}

static void test_member_offsets_sizes_types_also_two_deep_in_anonymous_members(void **state)
{
	const struct bpfsys_btf *b = &((struct fixture *)*state)->b;
	const struct sample *s = &((struct fixture *)*state)->s;

	expect_member(b, s->outer, "id", 0, 4, s->u32);
	expect_member(b, s->outer, "name", 16, 16, s->arr);
	expect_member(b, s->outer, "in", 32, 4, s->inner);
	expect_member(b, s->inner, "a", 0, 4, s->u32);
	expect_member(b, s->outer, "p", 8, 8, s->ptr);
	expect_member(b, s->outer, "deep", 8, 4, s->u32); /* union in struct in union */
	expect_member(b, s->outer, "deep2", 12, 4, s->u32);
}

static void test_member_through_typedef_const_chains(void **state)
{
	const struct bpfsys_btf *b = &((struct fixture *)*state)->b;
	const struct sample *s = &((struct fixture *)*state)->s;

	/* the member's type: const -> volatile -> typedef -> int */
	expect_member(b, s->outer, "cv", 36, 4, s->u32);
	/* the outer type: typedef -> const -> typedef -> struct */
	expect_member(b, s->chain, "deep2", 12, 4, s->u32);
	assert_int_equal(bpfsys_btf_skip_modifiers(b, s->chain), s->outer);
	assert_int_equal(bpfsys_btf_skip_modifiers(b, s->cst), s->u32);
	assert_int_equal(bpfsys_btf_skip_modifiers(b, s->u32), s->u32);
	assert_int_equal(bpfsys_btf_skip_modifiers(b, 0), 0);
	assert_int_equal(bpfsys_btf_type_size(b, s->chain), 40);
}

static void test_member_missing_named_only_or_not_in_a_struct(void **state)
{
	const struct bpfsys_btf *b = &((struct fixture *)*state)->b;
	const struct sample *s = &((struct fixture *)*state)->s;
	uint32_t o = 5;

	assert_int_equal(bpfsys_btf_member(b, s->outer, "a", &o, NULL, NULL), -ENOENT);
	assert_int_equal(bpfsys_btf_member(b, s->outer, "nope", &o, NULL, NULL), -ENOENT);
	assert_int_equal(bpfsys_btf_member(b, s->outer, "", &o, NULL, NULL), -EINVAL);
	assert_int_equal(bpfsys_btf_member(b, s->outer, NULL, &o, NULL, NULL), -EINVAL);
	assert_int_equal(o, 5); /* untouched on failure */
	assert_int_equal(bpfsys_btf_member(b, s->u32, "a", NULL, NULL, NULL), -ENOTSUP);
	assert_int_equal(bpfsys_btf_member(b, s->ptr, "a", NULL, NULL, NULL), -ENOTSUP);
	assert_int_equal(bpfsys_btf_member(b, s->func, "a", NULL, NULL, NULL), -ENOTSUP);
	assert_int_equal(bpfsys_btf_member(b, 0, "a", NULL, NULL, NULL), -ENOTSUP);
	assert_int_equal(bpfsys_btf_member(b, b->ntypes + 1, "a", NULL, NULL, NULL), -EINVAL);
}

/* struct kf (kind_flag) { u32 a:3; u32 b:5; u32 c; u8 d; u32 e; } */
static void test_kind_flag_offsets_and_bitfields(void **state)
{
	struct builder bb;
	struct bpfsys_btf b;
	uint32_t u32, u8, kf;

	(void)state;
	init(&bb);
	u32 = t_int(&bb, "unsigned int", 4, 32, 0);
	u8 = t_int(&bb, "unsigned char", 1, 8, 0);
	kf = type(&bb, "kf", K(STRUCT), 5, 1, 16);
	member(&bb, "a", u32, 3u << 24 | 0);
	member(&bb, "b", u32, 5u << 24 | 3);
	member(&bb, "c", u32, 32);
	member(&bb, "d", u8, 0u << 24 | 64);
	member(&bb, "e", u32, 0u << 24 | 68); /* bitfield size 0 but not byte aligned */
	open_ok(&b, &bb);
	assert_int_equal(bpfsys_btf_member(&b, kf, "a", NULL, NULL, NULL), -EINVAL);
	assert_int_equal(bpfsys_btf_member(&b, kf, "b", NULL, NULL, NULL), -EINVAL);
	expect_member(&b, kf, "c", 4, 4, u32);
	expect_member(&b, kf, "d", 8, 1, u8);
	assert_int_equal(bpfsys_btf_member(&b, kf, "e", NULL, NULL, NULL), -EINVAL);
	bpfsys_btf_close(&b);
}

/* Without kind_flag: bitfields are ints with fewer bits or a bit offset; plain offsets
 * must be byte-aligned. */
static void test_bitfield_ints_without_kind_flag_are_einval(void **state)
{
	struct builder bb;
	struct bpfsys_btf b;
	uint32_t u32, bits3, off2, off8, td, st;

	(void)state;
	init(&bb);
	u32 = t_int(&bb, "unsigned int", 4, 32, 0);
	bits3 = t_int(&bb, "unsigned int", 4, 3, 0);
	off2 = t_int(&bb, "unsigned int", 4, 30, 2);
	td = type(&bb, "bf_t", K(TYPEDEF), 0, 0, bits3);
	off8 = t_int(&bb, "unsigned int", 4, 32, 8); /* all bits and an offset: refused too */
	st = type(&bb, "nokf", K(STRUCT), 6, 0, 16);
	member(&bb, "a", bits3, 0);
	member(&bb, "b", off2, 32);
	member(&bb, "c", u32, 68);
	member(&bb, "d", u32, 96);
	member(&bb, "e", td, 64);
	member(&bb, "f", off8, 96);
	open_ok(&b, &bb);
	assert_int_equal(bpfsys_btf_member(&b, st, "a", NULL, NULL, NULL), -EINVAL);
	assert_int_equal(bpfsys_btf_member(&b, st, "b", NULL, NULL, NULL), -EINVAL);
	assert_int_equal(bpfsys_btf_member(&b, st, "c", NULL, NULL, NULL), -EINVAL);
	assert_int_equal(bpfsys_btf_member(&b, st, "e", NULL, NULL, NULL), -EINVAL);
	assert_int_equal(bpfsys_btf_member(&b, st, "f", NULL, NULL, NULL), -EINVAL);
	expect_member(&b, st, "d", 12, 4, u32);
	bpfsys_btf_close(&b);
}

static void test_type_size_of_each_kind(void **state)
{
	struct builder bb;
	struct bpfsys_btf b;
	uint32_t i32, ptr, a2, a23, e64, fn, fwd, proto, huge, huger, flt;

	(void)state;
	init(&bb);
	i32 = t_int(&bb, "long int", 4, 32, 0); /* a 32-bit kernel: pointers are 4 */
	ptr = type(&bb, "", K(PTR), 0, 0, 0);
	a2 = t_array(&bb, i32, i32, 3);
	a23 = t_array(&bb, a2, i32, 2);
	e64 = type(&bb, "e", K(ENUM64), 0, 0, 8);
	proto = type(&bb, "", K(FUNC_PROTO), 0, 0, 0);
	fn = type(&bb, "f", K(FUNC), 0, 0, proto);
	fwd = type(&bb, "fw", K(FWD), 0, 0, 0);
	huge = t_array(&bb, a23, i32, 0x10000000);
	huger = t_array(&bb, huge, i32, 0xffffffff); /* past 2^63 without the inner check */
	flt = type(&bb, "double", K(FLOAT), 0, 0, 8);
	open_ok(&b, &bb);
	assert_int_equal(b.ptr_size, 4);
	assert_int_equal(bpfsys_btf_type_size(&b, i32), 4);
	assert_int_equal(bpfsys_btf_type_size(&b, ptr), 4);
	assert_int_equal(bpfsys_btf_type_size(&b, a2), 12);
	assert_int_equal(bpfsys_btf_type_size(&b, a23), 24);
	assert_int_equal(bpfsys_btf_type_size(&b, e64), 8);
	assert_int_equal(bpfsys_btf_type_size(&b, flt), 8);
	assert_int_equal(bpfsys_btf_type_size(&b, fn), -EINVAL);
	assert_int_equal(bpfsys_btf_type_size(&b, proto), -EINVAL);
	assert_int_equal(bpfsys_btf_type_size(&b, fwd), -EINVAL);
	assert_int_equal(bpfsys_btf_type_size(&b, 0), -EINVAL);
	assert_int_equal(bpfsys_btf_type_size(&b, huge), -EOVERFLOW);
	assert_int_equal(bpfsys_btf_type_size(&b, huger), -EOVERFLOW);
	bpfsys_btf_close(&b);
}

static void test_dangling_ids_and_cycles_are_einval(void **state)
{
	struct builder bb;
	struct bpfsys_btf b;
	uint32_t a, c, self, arr, st;

	(void)state;
	init(&bb);
	a = type(&bb, "a", K(TYPEDEF), 0, 0, 2); /* a -> c -> a */
	c = type(&bb, "c", K(TYPEDEF), 0, 0, 1);
	self = type(&bb, "self", K(ARRAY), 0, 0, 0);
	words(&bb, 3, 3u, 0u, 2u); /* an array of itself */
	arr = t_array(&bb, 999, 0, 2); /* element type past the end */
	st = type(&bb, "st", K(STRUCT), 3, 0, 8);
	member(&bb, "x", 999, 0);
	member(&bb, "y", a, 0);
	member(&bb, "", 1000, 0);
	open_ok(&b, &bb);
	assert_int_equal(bpfsys_btf_skip_modifiers(&b, a), -EINVAL);
	assert_int_equal(bpfsys_btf_type_size(&b, c), -EINVAL);
	assert_int_equal(bpfsys_btf_type_size(&b, self), -EINVAL);
	assert_int_equal(bpfsys_btf_type_size(&b, arr), -EINVAL);
	assert_int_equal(bpfsys_btf_member(&b, st, "x", NULL, NULL, NULL), -EINVAL);
	assert_int_equal(bpfsys_btf_member(&b, st, "y", NULL, NULL, NULL), -EINVAL);
	assert_int_equal(bpfsys_btf_member(&b, st, "z", NULL, NULL, NULL), -ENOENT);
	assert_int_equal(bpfsys_btf_member(&b, a, "x", NULL, NULL, NULL), -EINVAL);
	bpfsys_btf_close(&b);
}

/* Anonymous members that are their own struct (unbounded without the depth limit), and
 * structs holding the next one twice, 24 deep (2^24 paths without the member budget). */
static void test_anonymous_member_search_is_bounded(void **state)
{
	struct builder bb;
	struct bpfsys_btf b;
	uint32_t i, leaf, u32, loop;

	(void)state;
	init(&bb);
	u32 = t_int(&bb, "unsigned int", 4, 32, 0);
	for (i = 2; i <= 25; i++) {
		type(&bb, "", K(STRUCT), 2, 0, 4);
		member(&bb, "", i + 1, 0);
		member(&bb, "", i + 1, 0);
	}
	leaf = type(&bb, "leaf", K(STRUCT), 1, 0, 4);
	member(&bb, "leaf", u32, 0);
	loop = type(&bb, "loop", K(STRUCT), 2, 0, 8);
	member(&bb, "", 27, 0);
	member(&bb, "", 27, 0);
	open_ok(&b, &bb);
	assert_int_equal(leaf, 26);
	assert_int_equal(loop, 27);
	expect_member(&b, 2, "leaf", 0, 4, u32); /* found on the first path */
	assert_int_equal(bpfsys_btf_member(&b, 2, "nope", NULL, NULL, NULL), -EINVAL);
	assert_int_equal(bpfsys_btf_member(&b, loop, "x", NULL, NULL, NULL), -EINVAL);
	bpfsys_btf_close(&b);
}

static void test_close_twice_and_close_of_failed_open_are_harmless(void **state)
{
	struct fixture *f = *state;
	struct bpfsys_btf b;

	bpfsys_btf_close(&f->b);
	bpfsys_btf_close(&f->b); /* and once more by the teardown */
	assert_null(f->b.offsets);
	assert_int_equal(bpfsys_btf_open_mem(&b, f->bb.blob, 10), -EINVAL);
	bpfsys_btf_close(&b);
	assert_int_equal(bpfsys_btf_open_mem(&b, NULL, 100), -EINVAL);
	bpfsys_btf_close(&b);
}

/* ---- corrupt blobs ---- */

static void expect_corrupt_header(size_t byte_off, uint32_t v)
{
	struct builder bb;
	struct sample s;

	sample(&bb, &s);
	finish(&bb);
	set_hdr(&bb, byte_off, v);
	if (open_copy(bb.blob, bb.size) != -EINVAL)
		fail_msg("header word at %zu = %#x accepted", byte_off, v);
}

static void test_bad_header_fields_are_einval(void **state)
{
	struct fixture *f = *state;
	uint8_t *p = (uint8_t *)f->bb.blob;
	uint32_t tlen = f->bb.ntw * 4, slen = f->bb.slen;

	assert_int_equal(open_copy(f->bb.blob, f->bb.size), 0);
	expect_corrupt_header(0, 0x0001eB9E);           /* magic */
	expect_corrupt_header(0, 0x00019FeB);           /* other endianness */
	expect_corrupt_header(0, 0x0002eB9F);           /* version 2 */
	expect_corrupt_header(4, 20);                   /* hdr_len below the header */
	expect_corrupt_header(4, (uint32_t)f->bb.size + 1); /* hdr_len past the end */
	expect_corrupt_header(4, 0xffffffff);
	expect_corrupt_header(12, tlen + 4);            /* type section into the strings */
	expect_corrupt_header(12, tlen - 4);            /* last type cut short */
	expect_corrupt_header(8, 0xfffffff0);           /* type section past the end */
	expect_corrupt_header(12, 0xffffffff);
	expect_corrupt_header(16, tlen + 1);            /* strings past the end */
	expect_corrupt_header(16, 0xffffffff);
	expect_corrupt_header(20, slen + 1);
	expect_corrupt_header(20, 0);                   /* no strings */
	expect_corrupt_header(20, slen - 1);            /* not NUL-terminated */
	p[HDR_LEN + tlen] = 'z'; /* first string not "" */
	assert_int_equal(open_copy(f->bb.blob, f->bb.size), -EINVAL);
	p[HDR_LEN + tlen] = '\0';
	memmove(p + HDR_LEN + 2, p + HDR_LEN, f->bb.size - HDR_LEN); /* types misaligned */
	set_hdr(&f->bb, 8, 2);
	set_hdr(&f->bb, 16, tlen + 2);
	assert_int_equal(open_copy(f->bb.blob, f->bb.size + 2), -EINVAL);
	memmove(p + HDR_LEN, p + HDR_LEN + 2, f->bb.size - HDR_LEN);
	set_hdr(&f->bb, 4, 20); /* hdr_len below the header, the sections in place */
	set_hdr(&f->bb, 8, 4);
	set_hdr(&f->bb, 16, tlen + 4);
	assert_int_equal(open_copy(f->bb.blob, f->bb.size), -EINVAL);
}

static void test_every_truncation_is_einval(void **state)
{
	struct fixture *f = *state;
	size_t n;

	for (n = 0; n < f->bb.size; n++)
		if (open_copy(f->bb.blob, n) != -EINVAL)
			fail_msg("blob cut to %zu of %zu bytes accepted", n, f->bb.size);
}

/* One word of the sample's type section overwritten at a time. */
static void test_bad_types_are_einval(void **state)
{
	struct fixture *f = *state;
	const uint32_t in = 3 * 4, slen = f->bb.slen; /* in: struct inner, after three ints */
	const uint32_t bad[][2] = {
		{ 0, slen }, { 0, 0xffffffff }, { in + 3, slen }, /* names past the strings */
		{ 1, info(0, 0, 0) }, { 1, info(20, 0, 0) }, { 1, info(31, 0, 0) }, /* kinds */
		{ in + 1, info(K(STRUCT), 0xffff, 0) }, /* vlen past the end of the types */
		{ in + 1, info(K(ENUM), 0xffff, 0) },
	};
	struct builder bb;
	size_t i;

	assert_int_equal(f->bb.types[in + 1], info(K(STRUCT), 1, 0));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bb = f->bb;
		bb.types[bad[i][0]] = bad[i][1];
		finish(&bb);
		if (open_copy(bb.blob, bb.size) != -EINVAL)
			fail_msg("type word %u = %#x accepted", bad[i][0], bad[i][1]);
	}
}

/* A lone type whose kind-specific data (vlen records or fixed words) is one word short
 * of the end of the type section, or of a kind we do not know; the strings that follow
 * are zeros, so only the length and kind checks can refuse it. */
static void test_lone_type_short_or_of_unknown_kind_is_einval(void **state)
{
	static const struct {
		uint32_t kind, words; /* words of kind data for vlen 1 */
	} kinds[] = {
		{ K(INT), 1 },      { K(ARRAY), 3 },      { K(STRUCT), 3 },  { K(UNION), 3 },
		{ K(ENUM), 2 },     { K(FUNC_PROTO), 2 }, { K(VAR), 1 },     { K(DATASEC), 3 },
		{ K(DECL_TAG), 1 }, { K(ENUM64), 3 },     { 0, 0 },          { 20, 0 },
		{ 31, 0 },
	};
	struct builder bb;
	size_t i;
	uint32_t w;

	(void)state;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		init(&bb);
		type(&bb, "", kinds[i].kind, 1, 0, 4);
		for (w = 0; w < kinds[i].words; w++)
			word(&bb, 0);
		bb.slen = 8; /* "" and zeros */
		finish(&bb);
		assert_int_equal(open_copy(bb.blob, bb.size), kinds[i].words ? 0 : -EINVAL);
		bb.ntw--;
		finish(&bb);
		if (open_copy(bb.blob, bb.size) != -EINVAL)
			fail_msg("kind %u one word short accepted", kinds[i].kind);
	}
}

/* Every byte of the sample set to a few values: open succeeds or says -EINVAL, and
 * whatever opens can be walked without a crash (checked by open_copy). */
static void test_corrupted_bytes_never_crash(void **state)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	struct fixture *f = *state;
	uint8_t *p, keep;
	size_t i, v;
	int err;

	p = (uint8_t *)f->bb.blob;
	for (i = 0; i < f->bb.size; i++) {
		keep = p[i];
		for (v = 0; v < sizeof(values); v++) {
			p[i] = values[v];
			err = open_copy(f->bb.blob, f->bb.size);
			if (err != 0 && err != -EINVAL)
				fail_msg("byte %zu = %#x: %d", i, values[v], err);
		}
		p[i] = keep;
	}
}

/* ---- files ---- */

static void test_open_file_maps_a_regular_file(void **state)
{
	struct fixture *f = *state;
	struct bpfsys_btf b;
	char path[] = "/tmp/test_btf_XXXXXX";
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, f->bb.blob, f->bb.size), (ssize_t)f->bb.size);
	close(fd);
	assert_int_equal(bpfsys_btf_open_file(&b, path), 0);
	assert_int_equal(b.mapped, 1);
	assert_int_equal(bpfsys_btf_find(&b, K(STRUCT), "outer"), f->s.outer);
	bpfsys_btf_close(&b);
	/* a corrupt file: refused, and unmapped again */
	assert_int_equal(truncate(path, (off_t)f->bb.size - 1), 0);
	assert_int_equal(bpfsys_btf_open_file(&b, path), -EINVAL);
	unlink(path);
	assert_int_equal(bpfsys_btf_open_file(&b, path), -ENOENT);
}

/* A pipe has no size and no mmap: read() to EOF, growing past the first buffer (the
 * sample, its strings padded with NULs to 200 KB). */
static void test_open_file_reads_a_pipe_to_eof(void **state)
{
	struct fixture *f = *state;
	const size_t big = 200000;
	struct bpfsys_btf b;
	uint32_t *blob = calloc(big / 4, 4);
	char path[64];
	int p[2], status, err;
	pid_t pid;

	assert_non_null(blob);
	memcpy(blob, f->bb.blob, f->bb.size);
	blob[5] += (uint32_t)(big - f->bb.size); /* str_len */
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(write(p[1], blob, big) == (ssize_t)big ? 0 : 1);
	close(p[1]);
	free(blob);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	err = bpfsys_btf_open_file(&b, path);
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(err, 0);
	assert_int_equal(b.mapped, 0);
	assert_int_equal(b.size, big);
	assert_int_equal(bpfsys_btf_find(&b, K(STRUCT), "outer"), f->s.outer);
	expect_member(&b, f->s.outer, "deep2", 12, 4, f->s.u32);
	bpfsys_btf_close(&b);
}

int main(void)
{
#define S(f) cmocka_unit_test_setup_teardown(f, open_sample, close_sample)
	const struct CMUnitTest tests[] = {
		S(test_open_mem_decodes_every_type),
		cmocka_unit_test(test_find_returns_first_type_of_that_kind_and_name),
		S(test_resolve_fills_every_query_zeroes_the_absent_refuses_bad_ones),
		S(test_member_offsets_sizes_types_also_two_deep_in_anonymous_members),
		S(test_member_through_typedef_const_chains),
		S(test_member_missing_named_only_or_not_in_a_struct),
		cmocka_unit_test(test_kind_flag_offsets_and_bitfields),
		cmocka_unit_test(test_bitfield_ints_without_kind_flag_are_einval),
		cmocka_unit_test(test_type_size_of_each_kind),
		cmocka_unit_test(test_dangling_ids_and_cycles_are_einval),
		cmocka_unit_test(test_anonymous_member_search_is_bounded),
		S(test_close_twice_and_close_of_failed_open_are_harmless),
		S(test_bad_header_fields_are_einval),
		S(test_every_truncation_is_einval),
		S(test_bad_types_are_einval),
		cmocka_unit_test(test_lone_type_short_or_of_unknown_kind_is_einval),
		S(test_corrupted_bytes_never_crash),
		S(test_open_file_maps_a_regular_file),
		S(test_open_file_reads_a_pipe_to_eof),
	};
#undef S

	return cmocka_run_group_tests(tests, NULL, NULL);
}
