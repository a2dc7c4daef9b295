/* SPDX-License-Identifier: MIT */
/* BTF reader: loading the blob, checking and indexing every type once, and finding types
 * by name in one pass. Everything after the index trusts it: every type lies inside the
 * type section and every name offset inside the string section, which ends in a NUL. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf.h"

#define BTF_MAGIC      0xeB9F
#define BTF_VERSION    1
#define BTF_TYPE_LEN   12u         /* name_off, info, size/type */
#define BTF_READ_CHUNK (64u << 10) /* first buffer when the file reports no size */
#define BTF_READ_MAX   (256u << 20)
#define BTF_VMLINUX    "/sys/kernel/btf/vmlinux"

struct btf_header {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t type_off; /* sections are relative to the end of the header */
	uint32_t type_len;
	uint32_t str_off;
	uint32_t str_len;
};

static uint32_t info_kind(uint32_t info)
{
	return info >> 24 & 0x1f;
}

static uint32_t info_vlen(uint32_t info)
{
	return info & 0xffff;
}

static const uint32_t *type_words(const struct bpfsys_btf *b, uint32_t off)
{
	return (const uint32_t *)(const void *)(b->types + off); /* aligned: checked at open */
}

/* Bytes of kind-specific data after the type header, or -1 for a kind we do not know. */
static int64_t extra_len(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case BPFSYS_BTF_KIND_INT:
	case BPFSYS_BTF_KIND_VAR:
	case BPFSYS_BTF_KIND_DECL_TAG:
		return 4;
	case BPFSYS_BTF_KIND_ARRAY:
		return 12;
	case BPFSYS_BTF_KIND_STRUCT:
	case BPFSYS_BTF_KIND_UNION:
	case BPFSYS_BTF_KIND_DATASEC:
	case BPFSYS_BTF_KIND_ENUM64:
		return 12 * (int64_t)vlen;
	case BPFSYS_BTF_KIND_ENUM:
	case BPFSYS_BTF_KIND_FUNC_PROTO:
		return 8 * (int64_t)vlen;
	case BPFSYS_BTF_KIND_PTR:
	case BPFSYS_BTF_KIND_FWD:
	case BPFSYS_BTF_KIND_TYPEDEF:
	case BPFSYS_BTF_KIND_VOLATILE:
	case BPFSYS_BTF_KIND_CONST:
	case BPFSYS_BTF_KIND_RESTRICT:
	case BPFSYS_BTF_KIND_FUNC:
	case BPFSYS_BTF_KIND_FLOAT:
	case BPFSYS_BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* Words per record whose first word is a name offset (members, enumerators, params). */
static uint32_t named_record_words(uint32_t kind)
{
	switch (kind) {
	case BPFSYS_BTF_KIND_STRUCT:
	case BPFSYS_BTF_KIND_UNION:
	case BPFSYS_BTF_KIND_ENUM64:
		return 3;
	case BPFSYS_BTF_KIND_ENUM:
	case BPFSYS_BTF_KIND_FUNC_PROTO:
		return 2;
	default:
		return 0;
	}
}

static void note_ptr_size(struct bpfsys_btf *b, const uint32_t *w)
{
	const char *name = b->strs + w[0];

	if ((w[2] == 4 || w[2] == 8) &&
	    (!strcmp(name, "long int") || !strcmp(name, "long unsigned int")))
		b->ptr_size = w[2];
}

/* Checks the type at off: its length (header + extra) or -EINVAL. */
static int64_t check_type(struct bpfsys_btf *b, uint32_t off)
{
	uint32_t left = b->types_len - off, kind, vlen, step, i;
	const uint32_t *w;
	int64_t extra;

	if (left < BTF_TYPE_LEN)
		return -EINVAL;
	w = type_words(b, off);
	kind = info_kind(w[1]);
	vlen = info_vlen(w[1]);
	extra = extra_len(kind, vlen);
	if (extra < 0 || extra > left - BTF_TYPE_LEN || w[0] >= b->strs_len)
		return -EINVAL;
	step = named_record_words(kind);
	for (i = 0; step && i < vlen; i++)
		if (w[3 + i * step] >= b->strs_len)
			return -EINVAL;
	if (kind == BPFSYS_BTF_KIND_INT && w[0])
		note_ptr_size(b, w);
	return BTF_TYPE_LEN + extra;
}

static int index_types(struct bpfsys_btf *b)
{
	/* every type takes at least BTF_TYPE_LEN bytes: one allocation, no growing */
	size_t cap = b->types_len / BTF_TYPE_LEN + 1;
	uint32_t off = 0, id = 0;

	b->offsets = malloc(cap * sizeof(*b->offsets));
	if (!b->offsets)
		return -ENOMEM;
	b->offsets[0] = 0; /* id 0 is void: never read */
	while (off < b->types_len) {
		int64_t len = check_type(b, off);

		if (len < 0)
			return (int)len;
		b->offsets[++id] = off;
		off += (uint32_t)len;
	}
	b->ntypes = id;
	return 0;
}

static int parse_header(struct bpfsys_btf *b, const uint8_t *data, size_t size)
{
	struct btf_header h;

	if (size < sizeof(h))
		return -EINVAL;
	memcpy(&h, data, sizeof(h));
	if (h.magic != BTF_MAGIC || h.version != BTF_VERSION || h.hdr_len < sizeof(h) ||
	    h.hdr_len > size)
		return -EINVAL;
	if ((uint64_t)h.hdr_len + h.type_off + h.type_len > size ||
	    (uint64_t)h.hdr_len + h.str_off + h.str_len > size || h.str_len == 0)
		return -EINVAL;
	b->types = data + h.hdr_len + h.type_off;
	b->types_len = h.type_len;
	b->strs = (const char *)data + h.hdr_len + h.str_off;
	b->strs_len = h.str_len;
	/* the first string is "" and the last byte a NUL, so every offset < strs_len is a
	 * terminated string */
	if (b->strs[0] != '\0' || b->strs[h.str_len - 1] != '\0')
		return -EINVAL;
	if ((uintptr_t)b->types % sizeof(uint32_t))
		return -EINVAL;
	return 0;
}

/* Fills b from a blob; on failure b holds nothing allocated (the blob is not touched). */
static int index_blob(struct bpfsys_btf *b, const uint8_t *data, size_t size)
{
	int err;

	memset(b, 0, sizeof(*b));
	b->data = data;
	b->size = size;
	b->ptr_size = sizeof(void *);
	err = parse_header(b, data, size);
	if (err == 0)
		err = index_types(b);
	if (err < 0) {
		free(b->offsets);
		memset(b, 0, sizeof(*b));
	}
	return err;
}

int bpfsys_btf_open_mem(struct bpfsys_btf *b, const void *data, size_t size)
{
	int err;

	if (!data) {
		memset(b, 0, sizeof(*b));
		return -EINVAL;
	}
	err = index_blob(b, data, size);
	if (err == 0)
		b->mapped = -1;
	return err;
}

/* Reads to EOF: sysfs files may report a size that is not what read() returns. */
static int read_all(int fd, size_t hint, uint8_t **out, size_t *len)
{
	size_t cap = hint ? hint + 1 : BTF_READ_CHUNK, got = 0; /* +1: EOF without a grow */
	uint8_t *buf = malloc(cap), *bigger;
	ssize_t n;
	int err;

	while (buf) {
		if (got == cap) {
			if (cap >= BTF_READ_MAX) {
				free(buf);
				return -EFBIG;
			}
			bigger = realloc(buf, cap * 2);
			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + got, cap - got);
		if (n == 0) {
			*out = buf;
			*len = got;
			return 0;
		}
		if (n < 0 && errno != EINTR) {
			err = -errno;
			free(buf);
			return err;
		}
		got += n > 0 ? (size_t)n : 0;
	}
	free(buf);
	return -ENOMEM;
}

/* The whole file: mmap'ed (*mapped = 1) when the file allows it, else read (0). */
static int load_file(int fd, uint8_t **data, size_t *size, int *mapped)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size < 0 || (uint64_t)st.st_size > BTF_READ_MAX)
		return -EFBIG;
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			*data = p;
			*size = (size_t)st.st_size;
			*mapped = 1;
			return 0;
		}
	}
	*mapped = 0;
	return read_all(fd, (size_t)st.st_size, data, size);
}

static void release_blob(const uint8_t *data, size_t size, int mapped)
{
	void *p = (void *)(uintptr_t)data; /* ours: only const to the readers */

	if (mapped == 1)
		munmap(p, size);
	else if (mapped == 0)
		free(p);
}

int bpfsys_btf_open_file(struct bpfsys_btf *b, const char *path)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int fd, err, mapped = 0;

	memset(b, 0, sizeof(*b));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = load_file(fd, &data, &size, &mapped);
	close(fd);
	if (err < 0)
		return err;
	err = index_blob(b, data, size);
	if (err < 0) {
		release_blob(data, size, mapped);
		return err;
	}
	b->mapped = mapped;
	return 0;
}

int bpfsys_btf_open_vmlinux(struct bpfsys_btf *b)
{
	return bpfsys_btf_open_file(b, BTF_VMLINUX);
}

void bpfsys_btf_close(struct bpfsys_btf *b)
{
	release_blob(b->data, b->size, b->mapped);
	free(b->offsets);
	memset(b, 0, sizeof(*b));
}

int bpfsys_btf_type(const struct bpfsys_btf *b, uint32_t id, struct bpfsys_btf_type *t)
{
	const uint32_t *w;

	if (id == 0 || id > b->ntypes)
		return -EINVAL;
	w = type_words(b, b->offsets[id]);
	t->name_off = w[0];
	t->kind = (enum bpfsys_btf_kind)info_kind(w[1]); /* a known kind: checked at open */
	t->kind_flag = (int)(w[1] >> 31);
	t->vlen = info_vlen(w[1]);
	t->size_type = w[2];
	t->extra = w + 3;
	return 0;
}

const char *bpfsys_btf_str(const struct bpfsys_btf *b, uint32_t off)
{
	return off < b->strs_len ? b->strs + off : NULL;
}

static int check_queries(const struct bpfsys_btf_query *q, size_t n)
{
	size_t i;

	if (n && !q)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!q[i].name || !q[i].name[0] || !q[i].id || q[i].kind <= BPFSYS_BTF_KIND_UNKN ||
		    q[i].kind >= BPFSYS_BTF_KIND_COUNT)
			return -EINVAL;
	return 0;
}

int bpfsys_btf_resolve(const struct bpfsys_btf *b, struct bpfsys_btf_query *q, size_t n)
{
	size_t i, left = n;
	uint32_t id;
	int found = 0;

	if (check_queries(q, n) < 0)
		return -EINVAL;
	for (i = 0; i < n; i++)
		*q[i].id = 0;
	for (id = 1; id <= b->ntypes && left; id++) {
		const uint32_t *w = type_words(b, b->offsets[id]);
		uint32_t kind = info_kind(w[1]);
		const char *name = b->strs + w[0];

		if (!w[0])
			continue;
		for (i = 0; i < n; i++) {
			/* kind and first byte turn away nearly every type before strcmp */
			if ((uint32_t)q[i].kind != kind || q[i].name[0] != name[0] || *q[i].id ||
			    strcmp(q[i].name, name))
				continue;
			*q[i].id = id;
			left--;
		}
	}
	for (i = 0; i < n; i++)
		found += *q[i].id != 0;
	return found;
}

int bpfsys_btf_find(const struct bpfsys_btf *b, enum bpfsys_btf_kind kind, const char *name)
{
	uint32_t id = 0;
	struct bpfsys_btf_query q = { .kind = kind, .name = name, .id = &id };
	int err = bpfsys_btf_resolve(b, &q, 1);

	if (err < 0)
		return err;
	return id ? (int)id : -ENOENT;
}
