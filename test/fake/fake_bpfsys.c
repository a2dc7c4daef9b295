/* SPDX-License-Identifier: MIT */
/* The fake bpf(2) layer (see fake_bpfsys.h). It mimics the kernel where the collectors
 * depend on it: ids enumerate in ascending order, get_info fills at most the length asked
 * for and reports how much it filled, next_key with an unknown key restarts. */
#include "fake_bpfsys.h"

#include <errno.h>
#include <string.h>

#define STATS_OBJ (-1) /* ledger owner of a BPF_ENABLE_STATS fd */

static const struct fake_object *objs;
static unsigned nobjs;

static struct {
	bool set;
	unsigned nth;
	int err;
} inject[FAKE_CALL_COUNT];
static unsigned calls[FAKE_CALL_COUNT];

static struct {
	bool open;
	int obj;
} fds[FAKE_MAX_FDS];
static unsigned bad_closes;

void fake_bpfsys_reset(const struct fake_object *objects, unsigned count)
{
	objs = objects;
	nobjs = count;
	memset(inject, 0, sizeof(inject));
	memset(calls, 0, sizeof(calls));
	memset(fds, 0, sizeof(fds));
	bad_closes = 0;
}

const struct fake_object *fake_bpfsys_objects(unsigned *count)
{
	*count = nobjs;
	return objs;
}

void fake_bpfsys_fail(enum fake_call call, unsigned nth, int err)
{
	inject[call].set = true;
	inject[call].nth = nth;
	inject[call].err = err;
}

unsigned fake_bpfsys_calls(enum fake_call call)
{
	return calls[call];
}

unsigned fake_bpfsys_open_fds(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < FAKE_MAX_FDS; i++)
		n += fds[i].open;
	return n;
}

unsigned fake_bpfsys_bad_closes(void)
{
	return bad_closes;
}

/* Counts a call; returns the injected -errno for it, or 0. */
static int enter(enum fake_call call)
{
	unsigned n = calls[call]++;

	return inject[call].set && inject[call].nth == n ? inject[call].err : 0;
}

static int fd_open(int obj)
{
	for (int i = 0; i < FAKE_MAX_FDS; i++) {
		if (!fds[i].open) {
			fds[i].open = true;
			fds[i].obj = obj;
			return FAKE_FD_BASE + i;
		}
	}
	return -EMFILE;
}

/* The object behind an open fd of that kind, or NULL. */
static const struct fake_object *fd_object(int fd, enum fake_kind kind)
{
	int i = fd - FAKE_FD_BASE;

	if (i < 0 || i >= FAKE_MAX_FDS || !fds[i].open || fds[i].obj == STATS_OBJ)
		return NULL;
	return objs[fds[i].obj].kind == kind ? &objs[fds[i].obj] : NULL;
}

static int next_id(enum fake_kind kind, uint32_t start_id, uint32_t *next)
{
	uint32_t best = 0;
	int err = enter(FAKE_CALL_NEXT_ID);

	if (err)
		return err;
	for (unsigned i = 0; i < nobjs; i++)
		if (objs[i].kind == kind && objs[i].id > start_id && (!best || objs[i].id < best))
			best = objs[i].id;
	if (!best)
		return -ENOENT;
	*next = best;
	return 0;
}

int bpfsys_prog_get_next_id(uint32_t start_id, uint32_t *next_id_out)
{
	return next_id(FAKE_PROG, start_id, next_id_out);
}

int bpfsys_map_get_next_id(uint32_t start_id, uint32_t *next_id_out)
{
	return next_id(FAKE_MAP, start_id, next_id_out);
}

int bpfsys_link_get_next_id(uint32_t start_id, uint32_t *next_id_out)
{
	return next_id(FAKE_LINK, start_id, next_id_out);
}

int bpfsys_btf_get_next_id(uint32_t start_id, uint32_t *next_id_out)
{
	return next_id(FAKE_BTF, start_id, next_id_out);
}

static int get_fd(enum fake_kind kind, uint32_t id)
{
	int err = enter(FAKE_CALL_GET_FD);

	if (err)
		return err;
	for (unsigned i = 0; i < nobjs; i++) {
		if (objs[i].kind != kind || objs[i].id != id)
			continue;
		return objs[i].fd_err ? objs[i].fd_err : fd_open((int)i);
	}
	return -ENOENT;
}

int bpfsys_prog_get_fd_by_id(uint32_t id)
{
	return get_fd(FAKE_PROG, id);
}

int bpfsys_map_get_fd_by_id(uint32_t id)
{
	return get_fd(FAKE_MAP, id);
}

int bpfsys_link_get_fd_by_id(uint32_t id)
{
	return get_fd(FAKE_LINK, id);
}

int bpfsys_btf_get_fd_by_id(uint32_t id)
{
	return get_fd(FAKE_BTF, id);
}

static uint32_t info_size(enum fake_kind kind)
{
	static const uint32_t sizes[] = {
		[FAKE_PROG] = sizeof(struct bpfsys_prog_info),
		[FAKE_MAP] = sizeof(struct bpfsys_map_info),
		[FAKE_LINK] = sizeof(struct bpfsys_link_info),
		[FAKE_BTF] = sizeof(struct bpfsys_btf_info),
	};
	_Static_assert(sizeof(sizes) / sizeof(sizes[0]) == FAKE_KIND_COUNT, "one size per kind");

	return sizes[kind];
}

/* Like the kernel: fills min(asked, its own length) bytes and reports that length. */
static int get_info(const struct fake_object *o, void *info, uint32_t *info_len)
{
	uint32_t have = o->info_len ? o->info_len : info_size(o->kind);
	uint32_t n = *info_len < have ? *info_len : have;

	if (o->info_err)
		return o->info_err;
	memset(info, 0, *info_len);
	memcpy(info, &o->info, n);
	*info_len = n;
	return 0;
}

static int typed_info(int fd, enum fake_kind kind, void *info, uint32_t *info_len)
{
	const struct fake_object *o;
	int err = enter(FAKE_CALL_GET_INFO);

	if (err)
		return err;
	o = fd_object(fd, kind);
	return o ? get_info(o, info, info_len) : -EBADF;
}

int bpfsys_obj_get_info_by_fd(int fd, void *info, uint32_t *info_len)
{
	int i = fd - FAKE_FD_BASE;

	if (i < 0 || i >= FAKE_MAX_FDS || !fds[i].open || fds[i].obj == STATS_OBJ) {
		calls[FAKE_CALL_GET_INFO]++;
		return -EBADF;
	}
	return typed_info(fd, objs[fds[i].obj].kind, info, info_len);
}

/* The fake has no variable-length data to hand out: req changes nothing. */
int bpfsys_obj_get_info_by_fd_req(int fd, void *info, uint32_t *info_len, const void *req)
{
	(void)req;
	return bpfsys_obj_get_info_by_fd(fd, info, info_len);
}

int bpfsys_prog_get_info(int fd, struct bpfsys_prog_info *info, uint32_t *info_len)
{
	return typed_info(fd, FAKE_PROG, info, info_len);
}

int bpfsys_map_get_info(int fd, struct bpfsys_map_info *info, uint32_t *info_len)
{
	return typed_info(fd, FAKE_MAP, info, info_len);
}

int bpfsys_link_get_info(int fd, struct bpfsys_link_info *info, uint32_t *info_len)
{
	return typed_info(fd, FAKE_LINK, info, info_len);
}

int bpfsys_btf_get_info(int fd, struct bpfsys_btf_info *info, uint32_t *info_len, char *name,
			uint32_t name_cap)
{
	const struct fake_object *o = fd_object(fd, FAKE_BTF);
	int err = typed_info(fd, FAKE_BTF, info, info_len);
	size_t n;

	if (err < 0)
		return err;
	n = o->btf_name ? strlen(o->btf_name) : 0;
	if (!BPFSYS_INFO_HAS(*info_len, struct bpfsys_btf_info, name_len))
		n = 0; /* an old kernel has no names */
	if (name_cap == 0)
		return n ? -ENOSPC : 0;
	err = n >= name_cap ? -ENOSPC : 0;
	if (n >= name_cap)
		n = name_cap - 1;
	if (n)
		memcpy(name, o->btf_name, n);
	name[n] = '\0';
	return err;
}

int bpfsys_enable_stats(uint32_t type)
{
	int err = enter(FAKE_CALL_ENABLE_STATS);

	if (err)
		return err;
	return type == BPFSYS_STATS_RUN_TIME ? fd_open(STATS_OBJ) : -EINVAL;
}

static uint32_t key_decode(const uint8_t *key, uint32_t key_size)
{
	uint32_t v = 0;

	for (uint32_t i = 0; i < key_size && i < 4; i++)
		v |= (uint32_t)key[i] << (8 * i);
	return v;
}

static void key_encode(uint8_t *key, uint32_t key_size, uint32_t v)
{
	memset(key, 0, key_size);
	for (uint32_t i = 0; i < key_size && i < 4; i++)
		key[i] = (uint8_t)(v >> (8 * i));
}

/* Keys are 1..nkeys. A key that is not in the map (deleted meanwhile) restarts the walk
 * at the first key, as the kernel's hash maps do. */
int bpfsys_map_get_next_key(int map_fd, const void *key, void *next_key)
{
	const struct fake_object *o;
	uint32_t next = 1;
	int err = enter(FAKE_CALL_NEXT_KEY);

	if (err)
		return err;
	o = fd_object(map_fd, FAKE_MAP);
	if (!o)
		return -EBADF;
	if (key) {
		uint32_t cur = key_decode(key, o->info.map.key_size);

		if (cur >= 1 && cur <= o->nkeys)
			next = cur + 1;
	}
	if (next > o->nkeys && o->endless)
		next = 1;
	if (next > o->nkeys)
		return -ENOENT;
	if (o->next_key_err && next == o->next_key_err_at)
		return o->next_key_err;
	key_encode(next_key, o->info.map.key_size, next);
	return 0;
}

int bpfsys_close(int fd)
{
	int i = fd - FAKE_FD_BASE;

	if (i < 0 || i >= FAKE_MAX_FDS || !fds[i].open) {
		bad_closes++;
		return -EBADF;
	}
	fds[i].open = false;
	return 0;
}

/* ---- Creation and element updates: not faked. ---- */

int bpfsys_map_create(const struct bpfsys_map_create_opts *o)
{
	(void)o;
	return -ENOSYS;
}

int bpfsys_map_update_elem(int map_fd, const void *key, const void *value, uint64_t flags)
{
	(void)map_fd, (void)key, (void)value, (void)flags;
	return -ENOSYS;
}

int bpfsys_map_delete_elem(int map_fd, const void *key)
{
	(void)map_fd, (void)key;
	return -ENOSYS;
}

int bpfsys_map_lookup_elem(int map_fd, const void *key, void *value)
{
	(void)map_fd, (void)key, (void)value;
	return -ENOSYS;
}

int bpfsys_prog_load(const struct bpfsys_prog_load_opts *o)
{
	(void)o;
	return -ENOSYS;
}

int bpfsys_link_create(const struct bpfsys_link_create_opts *o)
{
	(void)o;
	return -ENOSYS;
}

int bpfsys_raw_tracepoint_open(const char *name, int prog_fd)
{
	(void)name, (void)prog_fd;
	return -ENOSYS;
}

int bpfsys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags)
{
	(void)prog_fd, (void)target_fd, (void)attach_type, (void)flags;
	return -ENOSYS;
}

int bpfsys_btf_load(const void *data, uint32_t size, char *log_buf, uint32_t log_size)
{
	(void)data, (void)size, (void)log_buf, (void)log_size;
	return -ENOSYS;
}

int bpfsys_iter_create(int link_fd)
{
	(void)link_fd;
	return -ENOSYS;
}

int bpfsys_link_detach(int link_fd)
{
	(void)link_fd;
	return -ENOSYS;
}
