/* SPDX-License-Identifier: MIT */
/* The BPF iterators against the running kernel: needs root and kernel BTF, else SKIP
 * (exit 77). Every map, program and link the id syscalls see must come out of the
 * iterators exactly once and with the same fields get-info reports; the kfunc count must
 * equal a full key walk. Timings are printed, not asserted. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel_test.h"

#include "bpfsys.h"
#include "btf.h"
#include "insn.h"
#include "iter.h"

#define R(n) BPFSYS_REG_##n
#define MAX_RECS 8192
#define BENCH_MAPS 2000
#define BIG_MAP_ENTRIES 100000

struct recs {
	size_t rec_size;
	size_t n;
	_Alignas(8) unsigned char data[MAX_RECS * sizeof(struct bpfsys_iter_map_rec)];
};

static struct bpfsys_btf btf;
static struct bpfsys_iter iters[BPFSYS_ITER_KIND_COUNT];
static int iter_err[BPFSYS_ITER_KIND_COUNT];
static char verifier_log[64 * 1024];
static _Alignas(8) unsigned char read_buf[64 * 1024];
static struct recs recs;
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int make_map(uint32_t type, uint32_t key, uint32_t value, uint32_t max, uint32_t flags,
		    uint32_t inner_fd, const char *name)
{
	struct bpfsys_map_create_opts o = { .map_type = type, .key_size = key, .value_size = value,
					    .max_entries = max, .map_flags = flags,
					    .inner_map_fd = inner_fd, .name = name };
	int fd = bpfsys_map_create(&o);

	expect_good_fd(fd);
	return fd;
}

/* r0 = ret; exit */
static int load_trivial(uint32_t type, int32_t ret, const char *name)
{
	struct bpfsys_insn insns[] = { bpfsys_insn_mov64_imm(R(0), ret), bpfsys_insn_exit() };
	struct bpfsys_prog_load_opts o = { .prog_type = type, .insns = insns, .insn_cnt = 2,
					   .name = name, .log_buf = verifier_log,
					   .log_size = sizeof(verifier_log) };
	int fd = bpfsys_prog_load(&o);

	if (fd < 0)
		fail_msg("prog_load %s: %s\n%s", name, strerror(-fd), verifier_log);
	return fd;
}

static void fill(int fd, uint32_t from, uint32_t to, size_t value_size)
{
	uint64_t value[64] = { 0 }; /* big enough for a per-CPU value on 64 CPUs */

	assert_true(value_size <= sizeof(value[0]) && (size_t)sysconf(_SC_NPROCESSORS_CONF) <= 64);
	for (uint32_t k = from; k < to; k++) {
		value[0] = k;
		assert_int_equal(bpfsys_map_update_elem(fd, &k, value, BPFSYS_ANY), 0);
	}
}

/* ---- reading an iterator into recs, sorted by id (the first field of every record) ---- */

static int collect(void *arg, const void *rec)
{
	struct recs *r = arg;

	if (r->n >= MAX_RECS)
		return -ENOSPC;
	memcpy(r->data + r->n * r->rec_size, rec, r->rec_size);
	r->n++;
	return 0;
}

static int by_id(const void *a, const void *b)
{
	uint32_t x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return x < y ? -1 : x > y;
}

/* One pass into recs; asserts the ids are unique. */
static void read_iter(const struct bpfsys_iter *it, size_t cap)
{
	int n;

	recs.rec_size = it->rec_size;
	recs.n = 0;
	n = bpfsys_iter_read(it, read_buf, cap, collect, &recs);
	if (n < 0)
		fail_msg("bpfsys_iter_read: %s", strerror(-n));
	assert_int_equal((size_t)n, recs.n);
	qsort(recs.data, recs.n, recs.rec_size, by_id);
	for (size_t i = 1; i < recs.n; i++) {
		const unsigned char *r = recs.data + i * recs.rec_size;
		uint32_t id;

		memcpy(&id, r, sizeof(id));
		if (by_id(r - recs.rec_size, r) == 0)
			fail_msg("id %u comes out of the iterator twice", id);
	}
}

static const void *find_rec(uint32_t id)
{
	return bsearch(&id, recs.data, recs.n, recs.rec_size, by_id);
}

static const struct bpfsys_iter *need_iter(enum bpfsys_iter_kind kind)
{
	if (iter_err[kind] == -ENOENT) {
		print_message("[ SKIP     ] kernel has no iterator of kind %d\n", kind);
		skip();
	}
	if (iter_err[kind] < 0)
		fail_msg("bpfsys_iter_open(%d): %s\n%s", kind, strerror(-iter_err[kind]),
			 verifier_log);
	return &iters[kind];
}

/* For every id the syscall walk sees: open it (gone meanwhile: skip), check it against its
 * record, close it. Asserts the iterator had nothing more; returns how many were seen. */
static size_t walk_ids(int (*next)(uint32_t, uint32_t *), int (*open_id)(uint32_t),
		       void (*check)(int fd, uint32_t id, const void *rec))
{
	uint32_t id = 0;
	size_t seen = 0;
	int err;

	while ((err = next(id, &id)) == 0) {
		int fd = open_id(id);

		if (fd == -ENOENT)
			continue;
		expect_good_fd(fd);
		check(fd, id, find_rec(id));
		assert_int_equal(bpfsys_close(fd), 0);
		seen++;
	}
	assert_int_equal(err, -ENOENT);
	assert_int_equal(seen, recs.n);
	return seen;
}

/* ---- maps ---- */

static bool hash_family(uint32_t type)
{
	return type == BPFSYS_MAP_TYPE_HASH || type == BPFSYS_MAP_TYPE_PERCPU_HASH ||
	       type == BPFSYS_MAP_TYPE_LRU_HASH || type == BPFSYS_MAP_TYPE_LRU_PERCPU_HASH ||
	       type == BPFSYS_MAP_TYPE_HASH_OF_MAPS;
}

static int64_t key_walk(int fd, uint32_t key_size)
{
	unsigned char key[64], next[64];
	int64_t n = 0;
	int err;

	assert_true(key_size <= sizeof(key));
	for (err = bpfsys_map_get_next_key(fd, NULL, next); err == 0;
	     err = bpfsys_map_get_next_key(fd, key, next)) {
		memcpy(key, next, key_size);
		n++;
	}
	assert_int_equal(err, -ENOENT);
	return n;
}

static bool maps_counted; /* whether check_map expects kfunc counts */

/* Same fields as get-info; the count of a key walk for the hash family, 0 for the rest. */
static void check_map(int fd, uint32_t id, const void *rec)
{
	const struct bpfsys_iter_map_rec *m = rec;
	struct bpfsys_map_info info;
	uint32_t len = sizeof(info);

	assert_int_equal(bpfsys_map_get_info(fd, &info, &len), 0);
	if (!m)
		fail_msg("map %u (%.16s) is missing from the iterator", id, info.name);
	assert_int_equal(m->type, info.type);
	assert_int_equal(m->key_size, info.key_size);
	assert_int_equal(m->value_size, info.value_size);
	assert_int_equal(m->max_entries, info.max_entries);
	assert_int_equal(m->flags, info.map_flags);
	assert_memory_equal(m->name, info.name, sizeof(m->name));
	if (!maps_counted)
		assert_true(m->count == BPFSYS_ITER_NO_COUNT);
	else if (hash_family(info.type))
		assert_int_equal(m->count, key_walk(fd, info.key_size));
	else
		assert_int_equal(m->count, 0); /* only the hash family keeps a count */
}

static size_t check_maps(bool counted)
{
	maps_counted = counted;
	return walk_ids(bpfsys_map_get_next_id, bpfsys_map_get_fd_by_id, check_map);
}

enum { POP_HASH, POP_HASH_NP, POP_LRU, POP_LRU_PCPU, POP_PCPU, POP_INNER, POP_HOM, POP_ARRAY,
       POP_PCPU_ARRAY, POP_COUNT };

static void make_population(int fd[POP_COUNT])
{
	fd[POP_HASH] = make_map(BPFSYS_MAP_TYPE_HASH, 4, 8, 128, 0, 0, "it_hash");
	fd[POP_HASH_NP] = make_map(BPFSYS_MAP_TYPE_HASH, 4, 8, 128, BPFSYS_F_NO_PREALLOC, 0,
				   "it_hash_noprealloc_long_name");
	fd[POP_LRU] = make_map(BPFSYS_MAP_TYPE_LRU_HASH, 4, 8, 64, 0, 0, "it_lru");
	fd[POP_LRU_PCPU] = make_map(BPFSYS_MAP_TYPE_LRU_PERCPU_HASH, 4, 8, 32, 0, 0, "it_lru_pcpu");
	fd[POP_PCPU] = make_map(BPFSYS_MAP_TYPE_PERCPU_HASH, 4, 8, 64, 0, 0, "it_pcpu_hash");
	fd[POP_INNER] = make_map(BPFSYS_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, "it_inner");
	fd[POP_HOM] = make_map(BPFSYS_MAP_TYPE_HASH_OF_MAPS, 4, 4, 8, 0, (uint32_t)fd[POP_INNER],
			       "it_hash_of_maps");
	fd[POP_ARRAY] = make_map(BPFSYS_MAP_TYPE_ARRAY, 4, 16, 8, 0, 0, "it_array");
	fd[POP_PCPU_ARRAY] = make_map(BPFSYS_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0, 0, "");
	fill(fd[POP_HASH], 0, 100, 8);
	fill(fd[POP_HASH_NP], 0, 50, 8);
	for (uint32_t k = 0; k < 30; k++)
		assert_int_equal(bpfsys_map_delete_elem(fd[POP_HASH], &k), 0);
	for (uint32_t k = 40; k < 50; k++)
		assert_int_equal(bpfsys_map_delete_elem(fd[POP_HASH_NP], &k), 0);
	fill(fd[POP_LRU], 0, 1000, 8);     /* far past max_entries: evicts */
	fill(fd[POP_LRU_PCPU], 0, 500, 8);
	fill(fd[POP_PCPU], 0, 20, 8);
	for (uint32_t k = 0; k < 5; k++)
		assert_int_equal(bpfsys_map_delete_elem(fd[POP_PCPU], &k), 0);
	for (uint32_t k = 0; k < 3; k++)
		assert_int_equal(bpfsys_map_update_elem(fd[POP_HOM], &k, &fd[POP_INNER], 0), 0);
}

static void close_all(int *fd, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(bpfsys_close(fd[i]), 0);
}

static void test_map_iterator_matches_get_info_and_key_walk(void **state)
{
	const struct bpfsys_iter *it = need_iter(BPFSYS_ITER_MAP);
	int fd[POP_COUNT];
	int64_t lru;

	(void)state;
	assert_true(it->has_count); /* 6.6+ */
	make_population(fd);
	read_iter(it, sizeof(read_buf));
	assert_true(check_maps(true) >= POP_COUNT);
	lru = key_walk(fd[POP_LRU], 4);
	print_message("[ FACT     ] LRU hash of 64 after 1000 inserts holds %lld\n", (long long)lru);
	assert_true(lru > 0 && lru <= 64);
	/* change the counts and look again */
	fill(fd[POP_HASH], 200, 230, 8);
	for (uint32_t k = 30; k < 40; k++)
		assert_int_equal(bpfsys_map_delete_elem(fd[POP_HASH], &k), 0);
	fill(fd[POP_LRU], 5000, 5100, 8);
	read_iter(it, sizeof(read_buf));
	check_maps(true);
	close_all(fd, POP_COUNT);
}

static void test_map_iterator_without_kfunc_reports_no_count(void **state)
{
	struct bpfsys_iter it;
	int fd[POP_COUNT];

	(void)state;
	need_iter(BPFSYS_ITER_MAP);
	assert_int_equal(bpfsys_iter_open(&it, BPFSYS_ITER_MAP, &btf, false, verifier_log,
					  sizeof(verifier_log)), 0);
	assert_false(it.has_count);
	assert_int_equal(it.rec_size, sizeof(struct bpfsys_iter_map_rec));
	make_population(fd);
	read_iter(&it, sizeof(read_buf));
	check_maps(false);
	close_all(fd, POP_COUNT);
	bpfsys_iter_close(&it);
}

/* ---- programs and links ---- */

static void check_prog(int fd, uint32_t id, const void *rec)
{
	const struct bpfsys_iter_prog_rec *r = rec;
	struct bpfsys_prog_info info;
	uint32_t len = sizeof(info);

	assert_int_equal(bpfsys_prog_get_info(fd, &info, &len), 0);
	if (!r)
		fail_msg("prog %u (%.16s) is missing from the iterator", id, info.name);
	assert_int_equal(r->type, info.type);
	assert_memory_equal(r->tag, info.tag, sizeof(r->tag));
	assert_memory_equal(r->name, info.name, sizeof(r->name));
}

static void test_prog_iterator_matches_get_info(void **state)
{
	const struct bpfsys_iter *it = need_iter(BPFSYS_ITER_PROG);
	int p[3];

	(void)state;
	p[0] = load_trivial(BPFSYS_PROG_TYPE_SOCKET_FILTER, 0, "it_sock_drop");
	p[1] = load_trivial(BPFSYS_PROG_TYPE_SOCKET_FILTER, 1, "it_sock_keep_long_name");
	p[2] = load_trivial(BPFSYS_PROG_TYPE_SOCKET_FILTER, 1, NULL);
	read_iter(it, sizeof(read_buf));
	/* ours and the iterators' own */
	assert_true(walk_ids(bpfsys_prog_get_next_id, bpfsys_prog_get_fd_by_id, check_prog) >=
		    3 + BPFSYS_ITER_KIND_COUNT);
	close_all(p, 3);
}

static size_t raw_tp_links;

static void check_link(int fd, uint32_t id, const void *rec)
{
	const struct bpfsys_iter_link_rec *r = rec;
	struct bpfsys_link_info info;
	uint32_t len = sizeof(info);

	assert_int_equal(bpfsys_link_get_info(fd, &info, &len), 0);
	if (!r)
		fail_msg("link %u is missing from the iterator", id);
	assert_int_equal(r->type, info.type);
	assert_int_equal(r->prog_id, info.prog_id);
	assert_int_equal(r->pad, 0);
	raw_tp_links += r->type == BPFSYS_LINK_TYPE_RAW_TRACEPOINT;
}

static void test_link_iterator_matches_get_info(void **state)
{
	const struct bpfsys_iter *it = need_iter(BPFSYS_ITER_LINK);
	int prog = load_trivial(BPFSYS_PROG_TYPE_RAW_TRACEPOINT, 0, "it_rtp");
	int link = bpfsys_raw_tracepoint_open("sched_switch", prog);

	(void)state;
	expect_good_fd(link);
	read_iter(it, sizeof(read_buf));
	raw_tp_links = 0;
	walk_ids(bpfsys_link_get_next_id, bpfsys_link_get_fd_by_id, check_link);
	assert_true(raw_tp_links >= 1);
	assert_int_equal(bpfsys_close(link), 0);
	assert_int_equal(bpfsys_close(prog), 0);
}

/* ---- reading ---- */

static int stop_after_two(void *arg, const void *rec)
{
	int *n = arg;

	(void)rec;
	return ++*n > 2 ? -ECANCELED : 0;
}

static void test_read_twice_small_buffers_and_callback_errors(void **state)
{
	const struct bpfsys_iter *it = need_iter(BPFSYS_ITER_MAP);
	int fd[POP_COUNT], calls = 0;
	size_t n;
	unsigned char first[sizeof(recs.data)];

	(void)state;
	make_population(fd);
	read_iter(it, sizeof(read_buf));
	n = recs.n;
	memcpy(first, recs.data, n * recs.rec_size);
	/* a buffer of 2.5 records: the kernel splits records, we put them back together */
	for (size_t cap = it->rec_size; cap <= 3 * it->rec_size; cap += it->rec_size / 2) {
		read_iter(it, cap);
		assert_int_equal(recs.n, n);
		assert_memory_equal(recs.data, first, n * recs.rec_size);
	}
	assert_int_equal(bpfsys_iter_read(it, read_buf, sizeof(read_buf), stop_after_two, &calls),
			 -ECANCELED);
	assert_int_equal(calls, 3);
	assert_int_equal(bpfsys_iter_read(it, read_buf, it->rec_size - 1, collect, &recs),
			 -EINVAL);
	assert_int_equal(bpfsys_iter_read(it, read_buf + 4, 4096, collect, &recs), -EINVAL);
	close_all(fd, POP_COUNT);
}

static void test_open_read_close_leaves_no_fd(void **state)
{
	int before = count_fds();

	(void)state;
	for (int k = 0; k < BPFSYS_ITER_KIND_COUNT; k++) {
		struct bpfsys_iter it;

		if (iter_err[k] < 0)
			continue;
		assert_int_equal(bpfsys_iter_open(&it, (enum bpfsys_iter_kind)k, &btf, true, NULL,
						  0), 0);
		assert_int_equal(count_fds(), before + 2);
		assert_int_equal(it.rec_size, k == BPFSYS_ITER_MAP    ? sizeof(struct bpfsys_iter_map_rec)
					      : k == BPFSYS_ITER_PROG ? sizeof(struct bpfsys_iter_prog_rec)
								      : sizeof(struct bpfsys_iter_link_rec));
		read_iter(&it, sizeof(read_buf));
		read_iter(&it, sizeof(read_buf));
		bpfsys_iter_close(&it);
		bpfsys_iter_close(&it); /* harmless twice */
		assert_int_equal(count_fds(), before);
	}
}

static void test_bad_arguments_and_btf_without_iterators(void **state)
{
	struct bpfsys_btf tiny;
	struct bpfsys_iter it;

	(void)state;
	assert_int_equal(bpfsys_iter_open(&it, BPFSYS_ITER_KIND_COUNT, &btf, true, NULL, 0),
			 -EINVAL);
	assert_int_equal(bpfsys_iter_open(&it, BPFSYS_ITER_MAP, NULL, true, NULL, 0), -EINVAL);
	assert_int_equal(bpfsys_iter_read(&it, read_buf, sizeof(read_buf), collect, &recs),
			 -EINVAL);
	assert_int_equal(bpfsys_btf_open_mem(&tiny, &tiny_btf, sizeof(tiny_btf)), 0);
	for (int k = 0; k < BPFSYS_ITER_KIND_COUNT; k++) {
		assert_int_equal(bpfsys_iter_open(&it, (enum bpfsys_iter_kind)k, &tiny, true,
						  verifier_log, sizeof(verifier_log)), -ENOENT);
		assert_true(it.prog_fd == -1 && it.link_fd == -1);
	}
	bpfsys_btf_close(&tiny);
	bpfsys_iter_close(&it);
	bpfsys_iter_close(NULL);
	memset(&it, 0, sizeof(it));
	bpfsys_iter_close(&it); /* fd 0 is never ours: check_fds sees stdin still open */
}

/* ---- capabilities: capget/capset by hand, no libcap ---- */

#define CAP_VERSION_3 0x20080522u
#define CAP_NR_SYS_ADMIN 21
#define CAP_NR_PERFMON 38
#define CAP_NR_BPF 39

struct cap_header {
	uint32_t version;
	int pid;
};

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

enum child_result {
	CHILD_OK, CHILD_CAPGET, CHILD_BSET_DROP, CHILD_CAPSET, CHILD_STILL_THERE, CHILD_NO_BPF,
	CHILD_NEXT_ID_NOT_EPERM, CHILD_OPEN, CHILD_OPEN_NOT_EPERM, CHILD_READ, CHILD_MAP_MISSING,
	CHILD_WRONG_COUNT, CHILD_RESULT_COUNT
};

static const char *const child_results[] = {
	[CHILD_OK] = "ok",
	[CHILD_CAPGET] = "capget failed",
	[CHILD_BSET_DROP] = "PR_CAPBSET_DROP failed",
	[CHILD_CAPSET] = "capset failed",
	[CHILD_STILL_THERE] = "a dropped capability is still effective or in the bounding set",
	[CHILD_NO_BPF] = "CAP_BPF lost",
	[CHILD_NEXT_ID_NOT_EPERM] = "bpfsys_map_get_next_id did not answer EPERM",
	[CHILD_OPEN] = "bpfsys_iter_open failed",
	[CHILD_OPEN_NOT_EPERM] = "bpfsys_iter_open without CAP_PERFMON did not answer EPERM",
	[CHILD_READ] = "bpfsys_iter_read failed",
	[CHILD_MAP_MISSING] = "the parent's map is not in the iterator",
	[CHILD_WRONG_COUNT] = "the parent's map has the wrong count",
};
_Static_assert(sizeof(child_results) / sizeof(child_results[0]) == CHILD_RESULT_COUNT,
	       "one text per result");

static bool cap_in(const struct cap_data d[2], int cap)
{
	return (d[cap / 32].effective | d[cap / 32].permitted) >> (cap % 32) & 1u;
}

/* Drops cap_a and cap_b (-1: none) from the effective, permitted, inheritable and
 * bounding sets. */
static enum child_result drop_caps(int cap_a, int cap_b)
{
	struct cap_header h = { CAP_VERSION_3, 0 };
	struct cap_data d[2];
	int caps[2] = { cap_a, cap_b };

	if (syscall(SYS_capget, &h, d) != 0)
		return CHILD_CAPGET;
	for (int i = 0; i < 2 && caps[i] >= 0; i++) {
		uint32_t bit = 1u << (caps[i] % 32);

		if (prctl(PR_CAPBSET_DROP, caps[i], 0, 0, 0) != 0)
			return CHILD_BSET_DROP;
		d[caps[i] / 32].effective &= ~bit;
		d[caps[i] / 32].permitted &= ~bit;
		d[caps[i] / 32].inheritable &= ~bit;
	}
	if (syscall(SYS_capset, &h, d) != 0 || syscall(SYS_capget, &h, d) != 0)
		return CHILD_CAPSET;
	for (int i = 0; i < 2 && caps[i] >= 0; i++)
		if (cap_in(d, caps[i]) || prctl(PR_CAPBSET_READ, caps[i], 0, 0, 0) != 0)
			return CHILD_STILL_THERE;
	return cap_in(d, CAP_NR_BPF) ? CHILD_OK : CHILD_NO_BPF;
}

/* Runs in a child (no cmocka there): without CAP_SYS_ADMIN, loads a map iterator of its
 * own and looks for map_id with count entries; without CAP_PERFMON too, expects EPERM. */
static enum child_result child_without(bool perfmon_too, uint32_t map_id, int64_t count)
{
	enum child_result res = drop_caps(CAP_NR_SYS_ADMIN, perfmon_too ? CAP_NR_PERFMON : -1);
	const struct bpfsys_iter_map_rec *m;
	struct bpfsys_iter it;
	uint32_t id;
	int n;

	if (res != CHILD_OK)
		return res;
	if (bpfsys_map_get_next_id(0, &id) != -EPERM)
		return CHILD_NEXT_ID_NOT_EPERM;
	n = bpfsys_iter_open(&it, BPFSYS_ITER_MAP, &btf, true, verifier_log, sizeof(verifier_log));
	if (perfmon_too)
		return n == -EPERM ? CHILD_OK : CHILD_OPEN_NOT_EPERM;
	if (n < 0)
		return CHILD_OPEN;
	recs.rec_size = it.rec_size;
	recs.n = 0;
	n = bpfsys_iter_read(&it, read_buf, sizeof(read_buf), collect, &recs);
	bpfsys_iter_close(&it);
	if (n < 0)
		return CHILD_READ;
	qsort(recs.data, recs.n, recs.rec_size, by_id);
	m = find_rec(map_id);
	if (!m)
		return CHILD_MAP_MISSING;
	return m->count == count ? CHILD_OK : CHILD_WRONG_COUNT;
}

static void run_child(bool perfmon_too, uint32_t map_id, int64_t count)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_without(perfmon_too, map_id, count));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != CHILD_OK)
		fail_msg("child without CAP_SYS_ADMIN%s: %s", perfmon_too ? " and CAP_PERFMON" : "",
			 WEXITSTATUS(status) < CHILD_RESULT_COUNT ? child_results[WEXITSTATUS(status)]
								  : "crashed");
}

static void test_map_iterator_needs_cap_bpf_and_perfmon_not_sys_admin(void **state)
{
	int map = make_map(BPFSYS_MAP_TYPE_HASH, 4, 8, 16, 0, 0, "it_nosysadmin");
	struct bpfsys_map_info info;
	uint32_t len = sizeof(info);

	(void)state;
	need_iter(BPFSYS_ITER_MAP);
	fill(map, 0, 7, 8);
	assert_int_equal(bpfsys_map_get_info(map, &info, &len), 0);
	run_child(false, info.id, 7);
	run_child(true, info.id, 7);
	print_message("[ FACT     ] without CAP_SYS_ADMIN the map iterator loads and lists maps "
		      "with counts while map_get_next_id is EPERM; without CAP_PERFMON too, "
		      "bpfsys_iter_open is EPERM\n");
	assert_int_equal(bpfsys_close(map), 0);
}

/* ---- timings (printed, not asserted) ---- */

static int count_rec(void *arg, const void *rec)
{
	(void)rec;
	++*(size_t *)arg;
	return 0;
}

/* What every exporter does today: per map next_id + fd_by_id + get_info + close. */
static size_t syscall_pass(void)
{
	uint32_t id = 0;
	size_t n = 0;

	while (bpfsys_map_get_next_id(id, &id) == 0) {
		struct bpfsys_map_info info;
		uint32_t len = sizeof(info);
		int fd = bpfsys_map_get_fd_by_id(id);

		if (fd < 0)
			continue;
		n += bpfsys_map_get_info(fd, &info, &len) == 0;
		bpfsys_close(fd);
	}
	return n;
}

static void time_many_maps(const struct bpfsys_iter *it)
{
	static int fds[BENCH_MAPS];
	enum { ROUNDS = 20 };
	size_t n_iter = 0, n_sys = 0;
	double t0, t_iter, t_sys;

	for (int i = 0; i < BENCH_MAPS; i++)
		fds[i] = make_map(BPFSYS_MAP_TYPE_ARRAY, 4, 8, 1, 0, 0, "it_bench");
	t0 = now_s();
	for (int r = 0; r < ROUNDS; r++)
		assert_true(bpfsys_iter_read(it, read_buf, sizeof(read_buf), count_rec, &n_iter) > 0);
	t_iter = (now_s() - t0) / ROUNDS;
	t0 = now_s();
	for (int r = 0; r < ROUNDS; r++)
		n_sys += syscall_pass();
	t_sys = (now_s() - t0) / ROUNDS;
	n_iter /= ROUNDS;
	n_sys /= ROUNDS;
	print_message("[ TIMING   ] %zu maps: iterator+kfunc %.3f ms/pass (%.0f ns/map), "
		      "syscalls %.3f ms/pass (%.0f ns/map): %.1fx\n",
		      n_iter, t_iter * 1e3, t_iter * 1e9 / (double)n_iter, t_sys * 1e3,
		      t_sys * 1e9 / (double)n_sys, t_sys / t_iter);
	assert_true(n_iter >= BENCH_MAPS && n_sys >= BENCH_MAPS);
	close_all(fds, BENCH_MAPS);
}

static void time_big_map_count(const struct bpfsys_iter *it)
{
	int fd = make_map(BPFSYS_MAP_TYPE_HASH, 4, 8, BIG_MAP_ENTRIES, 0, 0, "it_big");
	const struct bpfsys_iter_map_rec *m;
	struct bpfsys_map_info info;
	uint32_t len = sizeof(info);
	double t0, t_iter, t_walk;
	int64_t walked;

	fill(fd, 0, BIG_MAP_ENTRIES, 8);
	assert_int_equal(bpfsys_map_get_info(fd, &info, &len), 0);
	t0 = now_s();
	read_iter(it, sizeof(read_buf));
	t_iter = now_s() - t0;
	t0 = now_s();
	walked = key_walk(fd, 4);
	t_walk = now_s() - t0;
	m = find_rec(info.id);
	assert_non_null(m);
	assert_int_equal(m->count, BIG_MAP_ENTRIES);
	assert_int_equal(walked, BIG_MAP_ENTRIES);
	print_message("[ TIMING   ] hash map of %d entries: kfunc count (whole iterator pass over "
		      "%zu maps) %.3f ms, key walk %.1f ms: %.0fx\n",
		      BIG_MAP_ENTRIES, recs.n, t_iter * 1e3, t_walk * 1e3, t_walk / t_iter);
	assert_int_equal(bpfsys_close(fd), 0);
}

static void test_timing_iterator_against_syscalls(void **state)
{
	const struct bpfsys_iter *it = need_iter(BPFSYS_ITER_MAP);
	struct rlimit rl;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur < BENCH_MAPS + 256) {
		rl.rlim_cur = rl.rlim_max < BENCH_MAPS + 256 ? rl.rlim_max : BENCH_MAPS + 256;
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	}
	if (rl.rlim_cur < BENCH_MAPS + 256) {
		print_message("[ SKIP     ] RLIMIT_NOFILE too low for %d maps\n", BENCH_MAPS);
		skip();
	}
	time_many_maps(it);
	time_big_map_count(it);
}

static int group_setup(void **state)
{
	(void)state;
	if (bpfsys_btf_open_vmlinux(&btf) < 0)
		return -1;
	for (int k = 0; k < BPFSYS_ITER_KIND_COUNT; k++) {
		iter_err[k] = bpfsys_iter_open(&iters[k], (enum bpfsys_iter_kind)k, &btf, true,
					       verifier_log, sizeof(verifier_log));
		if (iter_err[k] < 0 && iter_err[k] != -ENOENT)
			print_error("bpfsys_iter_open(%d): %s\n%s\n", k, strerror(-iter_err[k]),
				    verifier_log);
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (int k = 0; k < BPFSYS_ITER_KIND_COUNT; k++)
		bpfsys_iter_close(&iters[k]);
	bpfsys_btf_close(&btf);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, note_fds, check_fds)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_map_iterator_matches_get_info_and_key_walk),
		T(test_map_iterator_without_kfunc_reports_no_count),
		T(test_prog_iterator_matches_get_info),
		T(test_link_iterator_matches_get_info),
		T(test_read_twice_small_buffers_and_callback_errors),
		T(test_open_read_close_leaves_no_fd),
		T(test_bad_arguments_and_btf_without_iterators),
		T(test_map_iterator_needs_cap_bpf_and_perfmon_not_sys_admin),
		T(test_timing_iterator_against_syscalls),
	};

	if (geteuid() != 0 || access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		fprintf(stderr, "\n*** SKIP iter_kernel: needs root and kernel BTF "
				"(/sys/kernel/btf/vmlinux) to load BPF iterators ***\n\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
