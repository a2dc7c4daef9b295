/* SPDX-License-Identifier: MIT */
/* Fake kernel BTF and BPF iterators: records made from the fake object table, in id order,
 * as the kernel's iterators would produce them. Objects whose get-fd answers ENOENT have
 * vanished and are not iterated. The map count is what a key walk would yield (nkeys). */
#include <errno.h>
#include <string.h>

#include "btf.h"
#include "fake_bpfsys.h"
#include "iter.h"

static enum fake_iter_mode mode;
static unsigned reads;

void fake_iter_set(enum fake_iter_mode m)
{
	mode = m;
	reads = 0;
}

unsigned fake_iter_reads(void)
{
	return reads;
}

int bpfsys_btf_open_vmlinux(struct bpfsys_btf *b)
{
	memset(b, 0, sizeof(*b));
	return mode == FAKE_ITER_NONE ? -ENOENT : 0;
}

int bpfsys_btf_open_mem(struct bpfsys_btf *b, const void *data, size_t size)
{
	(void)data;
	(void)size;
	memset(b, 0, sizeof(*b));
	return -ENOSYS;
}

void bpfsys_btf_close(struct bpfsys_btf *b)
{
	memset(b, 0, sizeof(*b));
}

int bpfsys_btf_resolve(const struct bpfsys_btf *b, struct bpfsys_btf_query *q, size_t n)
{
	(void)b;
	(void)q;
	(void)n;
	return -ENOSYS;
}

int bpfsys_btf_find(const struct bpfsys_btf *b, enum bpfsys_btf_kind kind, const char *name)
{
	(void)b;
	(void)kind;
	(void)name;
	return -ENOENT;
}

int bpfsys_btf_member(const struct bpfsys_btf *b, uint32_t struct_id, const char *member,
		      uint32_t *offset, uint32_t *size, uint32_t *type_id)
{
	(void)b;
	(void)struct_id;
	(void)member;
	(void)offset;
	(void)size;
	(void)type_id;
	return -ENOENT;
}

int bpfsys_btf_type_size(const struct bpfsys_btf *b, uint32_t id)
{
	(void)b;
	(void)id;
	return -ENOENT;
}

static const size_t rec_sizes[] = {
	[BPFSYS_ITER_MAP] = sizeof(struct bpfsys_iter_map_rec),
	[BPFSYS_ITER_PROG] = sizeof(struct bpfsys_iter_prog_rec),
	[BPFSYS_ITER_LINK] = sizeof(struct bpfsys_iter_link_rec),
};

int bpfsys_iter_open(struct bpfsys_iter *it, enum bpfsys_iter_kind kind,
		     const struct bpfsys_btf *btf, bool use_kfunc, char *log_buf, size_t log_size)
{
	(void)btf;
	if (log_buf && log_size)
		log_buf[0] = '\0';
	if (mode == FAKE_ITER_NONE)
		return -ENOENT;
	/* fds outside the ledger: iterators live for the process, not for a scrape */
	*it = (struct bpfsys_iter){ .kind = kind, .prog_fd = 900 + (int)kind * 2,
				    .link_fd = 901 + (int)kind * 2, .rec_size = rec_sizes[kind],
				    .has_count = kind == BPFSYS_ITER_MAP && use_kfunc &&
						 mode == FAKE_ITER_KFUNC };
	return 0;
}

void bpfsys_iter_close(struct bpfsys_iter *it)
{
	it->prog_fd = it->link_fd = -1;
}

static void make_rec(const struct bpfsys_iter *it, const struct fake_object *o, void *rec)
{
	struct bpfsys_iter_map_rec *m = rec;
	struct bpfsys_iter_prog_rec *p = rec;
	struct bpfsys_iter_link_rec *l = rec;

	memset(rec, 0, it->rec_size);
	switch (it->kind) {
	case BPFSYS_ITER_MAP:
		*m = (struct bpfsys_iter_map_rec){
			.id = o->id, .type = o->info.map.type, .key_size = o->info.map.key_size,
			.value_size = o->info.map.value_size,
			.max_entries = o->info.map.max_entries, .flags = o->info.map.map_flags,
			.count = it->has_count ? (int64_t)o->nkeys : BPFSYS_ITER_NO_COUNT };
		memcpy(m->name, o->info.map.name, sizeof(m->name));
		break;
	case BPFSYS_ITER_PROG:
		*p = (struct bpfsys_iter_prog_rec){ .id = o->id, .type = o->info.prog.type };
		memcpy(p->name, o->info.prog.name, sizeof(p->name));
		memcpy(p->tag, o->info.prog.tag, sizeof(p->tag));
		break;
	case BPFSYS_ITER_LINK:
		*l = (struct bpfsys_iter_link_rec){ .id = o->id, .type = o->info.link.type,
						    .prog_id = o->info.link.prog_id };
		break;
	case BPFSYS_ITER_KIND_COUNT:
		break;
	}
}

int bpfsys_iter_read(const struct bpfsys_iter *it, void *buf, size_t cap,
		     int (*cb)(void *arg, const void *rec), void *arg)
{
	static const enum fake_kind kinds[] = {
		[BPFSYS_ITER_MAP] = FAKE_MAP,
		[BPFSYS_ITER_PROG] = FAKE_PROG,
		[BPFSYS_ITER_LINK] = FAKE_LINK,
	};
	unsigned n, count = 0;
	const struct fake_object *objs = fake_bpfsys_objects(&n);
	uint32_t last = 0;

	if (it->link_fd < 0 || cap < it->rec_size)
		return -EINVAL;
	reads++;
	/* ascending ids whatever the table's order, as the kernel's idr walk */
	for (;;) {
		const struct fake_object *next = NULL;

		for (unsigned i = 0; i < n; i++)
			if (objs[i].kind == kinds[it->kind] && objs[i].id > last &&
			    (!next || objs[i].id < next->id))
				next = &objs[i];
		if (!next)
			return (int)count;
		last = next->id;
		if (next->fd_err == -ENOENT)
			continue;
		make_rec(it, next, buf);
		int err = cb(arg, buf);
		if (err < 0)
			return err;
		count++;
	}
}
