/* SPDX-License-Identifier: MIT */
/* A reader of kernel BTF (/sys/kernel/btf/vmlinux): our own CO-RE.
 *
 * bpfsys_btf_open_*() indexes every type once (one array of type offsets, allocated at
 * start-up); lookups are then O(1) by id and one pass over the types for a batch of names.
 * Member lookups descend into anonymous struct/union members and fail clearly on a
 * missing member or a bitfield. Close the reader once the offsets are resolved: nothing
 * of it is needed at scrape time. Returns >= 0 or -errno throughout. */
#ifndef BPFSYS_BTF_H
#define BPFSYS_BTF_H

#include <stddef.h>
#include <stdint.h>

/* BTF kinds (BTF_KIND_*) */
enum bpfsys_btf_kind {
	BPFSYS_BTF_KIND_UNKN,
	BPFSYS_BTF_KIND_INT,
	BPFSYS_BTF_KIND_PTR,
	BPFSYS_BTF_KIND_ARRAY,
	BPFSYS_BTF_KIND_STRUCT,
	BPFSYS_BTF_KIND_UNION,
	BPFSYS_BTF_KIND_ENUM,
	BPFSYS_BTF_KIND_FWD,
	BPFSYS_BTF_KIND_TYPEDEF,
	BPFSYS_BTF_KIND_VOLATILE,
	BPFSYS_BTF_KIND_CONST,
	BPFSYS_BTF_KIND_RESTRICT,
	BPFSYS_BTF_KIND_FUNC,
	BPFSYS_BTF_KIND_FUNC_PROTO,
	BPFSYS_BTF_KIND_VAR,
	BPFSYS_BTF_KIND_DATASEC,
	BPFSYS_BTF_KIND_FLOAT,
	BPFSYS_BTF_KIND_DECL_TAG,
	BPFSYS_BTF_KIND_TYPE_TAG,
	BPFSYS_BTF_KIND_ENUM64,
	BPFSYS_BTF_KIND_COUNT
};

struct bpfsys_btf {
	const uint8_t *data; /* whole blob (mmap'ed or read) */
	size_t size;
	int mapped; /* 1: munmap on close, 0: free, -1: the caller's (open_mem) */
	const uint8_t *types;
	uint32_t types_len;
	const char *strs;
	uint32_t strs_len;
	uint32_t *offsets; /* offsets[id] into types, id 1..ntypes */
	uint32_t ntypes;
	uint32_t ptr_size; /* size of INT "long int"/"long unsigned int", else sizeof(void *) */
};

/* Opens /sys/kernel/btf/vmlinux (read-only private mmap, else read()). */
int bpfsys_btf_open_vmlinux(struct bpfsys_btf *b);
/* The same for any file (raw BTF, not ELF); -EINVAL when it is not valid BTF. */
int bpfsys_btf_open_file(struct bpfsys_btf *b, const char *path);
/* Indexes a blob in memory (tests); the blob must outlive b, and its type section must
 * be 4-byte aligned in memory (else -EINVAL). Nothing is copied. */
int bpfsys_btf_open_mem(struct bpfsys_btf *b, const void *data, size_t size);
/* Releases everything; b is left zeroed, so closing twice is harmless. */
void bpfsys_btf_close(struct bpfsys_btf *b);

/* One type, decoded. extra points at the kind-specific data after the 12-byte header
 * (vlen records for struct/union/enum/func_proto/datasec, one word for int/var/decl_tag,
 * three for array), inside the blob; every name_off was checked against the strings. */
struct bpfsys_btf_type {
	uint32_t name_off;
	enum bpfsys_btf_kind kind;
	int kind_flag;
	uint32_t vlen;
	uint32_t size_type; /* size or type id, by kind */
	const uint32_t *extra;
};
/* Type id (1..ntypes) into *t; -EINVAL for 0 (void) or an id past the end. */
int bpfsys_btf_type(const struct bpfsys_btf *b, uint32_t id, struct bpfsys_btf_type *t);
/* The string at off ("" for 0), or NULL when off is past the string section. */
const char *bpfsys_btf_str(const struct bpfsys_btf *b, uint32_t off);

/* Resolve many names in one pass: for each query, *id = the first type of that kind and
 * name, or 0 when absent. Returns how many were found; -EINVAL (nothing written) when a
 * query has no name, no id or kind UNKN / out of range. */
struct bpfsys_btf_query {
	enum bpfsys_btf_kind kind;
	const char *name;
	uint32_t *id;
};
int bpfsys_btf_resolve(const struct bpfsys_btf *b, struct bpfsys_btf_query *q, size_t n);

/* The first type of that kind and name: its id, or -ENOENT. */
int bpfsys_btf_find(const struct bpfsys_btf *b, enum bpfsys_btf_kind kind, const char *name);

/* Member of a struct/union (after typedef/const/volatile of the outer type), searching
 * anonymous members recursively: byte offset from the start of the outer struct and byte
 * size of the member's resolved type. -ENOENT: no such member; -EINVAL: it is a bitfield
 * or not byte-aligned (or the BTF is corrupt); -ENOTSUP: not a struct/union. type_id
 * receives the member's type id with modifiers/typedefs skipped. Any of offset, size and
 * type_id may be NULL; none is written on failure. */
int bpfsys_btf_member(const struct bpfsys_btf *b, uint32_t struct_id, const char *member,
                      uint32_t *offset, uint32_t *size, uint32_t *type_id);

/* Size in bytes of a type (after modifiers/typedefs), or -errno: -EINVAL for void,
 * fwd, func, func_proto and a corrupt chain, -EOVERFLOW above INT_MAX. */
int bpfsys_btf_type_size(const struct bpfsys_btf *b, uint32_t id);

/* The id after following typedef/const/volatile/restrict/type_tag from id (id itself
 * when it is none of those; 0 for void), or -EINVAL for a bad id or a chain too long. */
int bpfsys_btf_skip_modifiers(const struct bpfsys_btf *b, uint32_t id);

#endif
