/* SPDX-License-Identifier: MIT */
/* bpfsys against the running kernel: needs root (CAP_BPF + CAP_PERFMON + CAP_SYS_ADMIN).
 * Without it the suite says SKIP loudly and exits 77. Every test checks that it closed
 * every fd it opened. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel_test.h"

#include "bpfsys.h"
#include "insn.h"

#define R(n) BPFSYS_REG_##n
#define NONE_ID 0xfffffff0u /* far above any id the kernel hands out here */

static int make_map(uint32_t type, uint32_t key, uint32_t value, uint32_t max, uint32_t flags,
		    const char *name)
{
	struct bpfsys_map_create_opts o = { .map_type = type, .key_size = key, .value_size = value,
					    .max_entries = max, .map_flags = flags, .name = name };
	int fd = bpfsys_map_create(&o);

	expect_good_fd(fd);
	return fd;
}

static int load(struct bpfsys_prog_load_opts *o)
{
	static char log[16384];
	int fd;

	o->log_buf = log;
	o->log_size = sizeof(log);
	fd = bpfsys_prog_load(o);
	if (fd < 0)
		fail_msg("prog_load %s: %s\n%s", o->name, strerror(-fd), log);
	expect_good_fd(fd);
	return fd;
}

/* r0 = ret; exit */
static int load_trivial(uint32_t type, uint32_t expected_attach_type, int32_t ret,
			const char *name)
{
	struct bpfsys_insn insns[] = { bpfsys_insn_mov64_imm(R(0), ret), bpfsys_insn_exit() };
	struct bpfsys_prog_load_opts o = { .prog_type = type, .insns = insns, .insn_cnt = 2,
					   .name = name,
					   .expected_attach_type = expected_attach_type };

	return load(&o);
}

typedef int (*next_id_fn)(uint32_t, uint32_t *);

/* Walks the ids from 0 to the end (-ENOENT): is id among them? */
static int id_listed(next_id_fn next, uint32_t id)
{
	uint32_t cur = 0;
	int found = 0, err;

	while ((err = next(cur, &cur)) == 0)
		found |= cur == id;
	assert_int_equal(err, -ENOENT);
	return found;
}

static void test_maps_report_their_info(void **state)
{
	static const struct {
		uint32_t type, key, value, max, flags;
		const char *name;
	} m[] = {
		{ BPFSYS_MAP_TYPE_HASH, 4, 8, 64, BPFSYS_F_NO_PREALLOC, "bpfsys_hash" },
		{ BPFSYS_MAP_TYPE_ARRAY, 4, 16, 8, 0, "bpfsys_array" },
		{ BPFSYS_MAP_TYPE_PERCPU_HASH, 8, 8, 32, 0, "bpfsys_pcpu_hash" },
		{ BPFSYS_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0, "bpfsys_pcpu_arr" },
		{ BPFSYS_MAP_TYPE_LRU_HASH, 4, 4, 128, 0, "bpfsys_lru" },
		{ BPFSYS_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, "bpfsys_ringbuf" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		int fd = make_map(m[i].type, m[i].key, m[i].value, m[i].max, m[i].flags,
				  m[i].name);
		struct bpfsys_map_info info;
		uint32_t len = sizeof(info);
		char want_name[BPFSYS_OBJ_NAME_LEN] = { 0 };

		assert_int_equal(bpfsys_map_get_info(fd, &info, &len), 0);
		assert_true(BPFSYS_INFO_HAS(len, struct bpfsys_map_info, map_extra));
		assert_int_equal(info.type, m[i].type);
		assert_int_equal(info.key_size, m[i].key);
		assert_int_equal(info.value_size, m[i].value);
		assert_int_equal(info.max_entries, m[i].max);
		assert_int_equal(info.map_flags, m[i].flags);
		strncpy(want_name, m[i].name, sizeof(want_name) - 1);
		assert_string_equal(info.name, want_name);
		assert_true(info.id > 0);
		assert_true(id_listed(bpfsys_map_get_next_id, info.id));
		if (i == 0)
			print_message("[ FACT     ] map_info: kernel fills %u bytes\n", len);
		assert_int_equal(bpfsys_close(fd), 0);
	}
}

static void test_hash_map_walk_sees_every_key(void **state)
{
	enum { N = 100 };
	int fd = make_map(BPFSYS_MAP_TYPE_HASH, 4, 8, 2 * N, 0, "bpfsys_walk");
	uint32_t key, next, seen = 0;
	uint64_t value;
	int err;

	(void)state;
	for (key = 0; key < N; key++) {
		value = key * 10u;
		assert_int_equal(bpfsys_map_update_elem(fd, &key, &value, BPFSYS_NOEXIST), 0);
	}
	assert_int_equal(bpfsys_map_update_elem(fd, &key, &value, BPFSYS_EXIST), -ENOENT);
	for (err = bpfsys_map_get_next_key(fd, NULL, &next); err == 0;
	     err = bpfsys_map_get_next_key(fd, &key, &next)) {
		key = next;
		seen++;
	}
	assert_int_equal(err, -ENOENT);
	assert_int_equal(seen, N);
	key = 7;
	assert_int_equal(bpfsys_map_lookup_elem(fd, &key, &value), 0);
	assert_int_equal(value, 70);
	assert_int_equal(bpfsys_map_delete_elem(fd, &key), 0);
	value = 12345;
	assert_int_equal(bpfsys_map_lookup_elem(fd, &key, &value), -ENOENT);
	assert_int_equal(value, 12345); /* untouched on failure */
	assert_int_equal(bpfsys_close(fd), 0);
}

/* Runs a socket filter once: it sees every datagram sent to the socket it is on. */
static void run_socket_filter(int prog_fd)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof(prog_fd)),
			 0);
	assert_int_equal(write(sv[0], "x", 1), 1);
	close(sv[0]);
	close(sv[1]);
}

static void test_socket_filter_prog_info_and_stats(void **state)
{
	int stats = bpfsys_enable_stats(BPFSYS_STATS_RUN_TIME);
	int fd = load_trivial(BPFSYS_PROG_TYPE_SOCKET_FILTER, 0, 0, "bpfsys_sf");
	struct bpfsys_prog_info info;
	uint32_t len = sizeof(info);
	static const uint8_t zero_tag[BPFSYS_TAG_SIZE];

	(void)state;
	expect_good_fd(stats);
	run_socket_filter(fd);
	assert_int_equal(bpfsys_prog_get_info(fd, &info, &len), 0);
	print_message("[ FACT     ] prog_info: kernel fills %u bytes\n", len);
	assert_true(BPFSYS_INFO_HAS(len, struct bpfsys_prog_info, attach_btf_id));
	assert_int_equal(info.type, BPFSYS_PROG_TYPE_SOCKET_FILTER);
	assert_string_equal(info.name, "bpfsys_sf");
	assert_memory_not_equal(info.tag, zero_tag, sizeof(zero_tag));
	assert_true(info.id > 0);
	assert_int_equal(info.xlated_prog_len, 2 * sizeof(struct bpfsys_insn));
	assert_int_equal(info.gpl_compatible, 1);
	assert_int_equal(info.created_by_uid, getuid());
	assert_true(info.load_time > 0);
	assert_true(info.run_cnt >= 1); /* read at offset 200: the offset is right */
	assert_true(info.run_time_ns > 0);
	assert_true(id_listed(bpfsys_prog_get_next_id, info.id));
	assert_int_equal(bpfsys_close(fd), 0);
	assert_int_equal(bpfsys_close(stats), 0);
}

static void test_raw_tracepoint_link_info(void **state)
{
	int prog = load_trivial(BPFSYS_PROG_TYPE_RAW_TRACEPOINT, 0, 0, "bpfsys_rtp");
	int link = bpfsys_raw_tracepoint_open("sched_switch", prog);
	struct bpfsys_prog_info pi;
	struct bpfsys_link_info li, req;
	uint32_t plen = sizeof(pi), llen = sizeof(li);
	char tp[64];
	int again;

	(void)state;
	expect_good_fd(link);
	assert_int_equal(bpfsys_prog_get_info(prog, &pi, &plen), 0);
	memset(&req, 0, sizeof(req));
	req.raw_tracepoint.tp_name = (uint64_t)(uintptr_t)tp;
	req.raw_tracepoint.tp_name_len = sizeof(tp);
	assert_int_equal(bpfsys_obj_get_info_by_fd_req(link, &li, &llen, &req), 0);
	print_message("[ FACT     ] link_info: kernel fills %u bytes\n", llen);
	assert_int_equal(li.type, BPFSYS_LINK_TYPE_RAW_TRACEPOINT);
	assert_int_equal(li.prog_id, pi.id);
	assert_true(li.id > 0);
	assert_string_equal(tp, "sched_switch");
	assert_int_equal(li.raw_tracepoint.tp_name_len, sizeof("sched_switch"));
	assert_true(id_listed(bpfsys_link_get_next_id, li.id));
	again = bpfsys_link_get_fd_by_id(li.id);
	expect_good_fd(again);
	llen = sizeof(li);
	assert_int_equal(bpfsys_link_get_info(again, &li, &llen), 0);
	assert_int_equal(li.raw_tracepoint.tp_name, 0); /* not asked for this time */
	assert_int_equal(bpfsys_close(again), 0);
	assert_int_equal(bpfsys_close(link), 0);
	assert_int_equal(bpfsys_close(prog), 0);
}

static int load_tiny_btf(void)
{
	char log[4096];
	int fd = bpfsys_btf_load(&tiny_btf, 24 + 16 + 5, log, sizeof(log));

	if (fd < 0)
		fail_msg("btf_load: %s\n%s", strerror(-fd), log);
	expect_good_fd(fd);
	return fd;
}

static void test_btf_info_user_and_vmlinux(void **state)
{
	int fd = load_tiny_btf();
	struct bpfsys_btf_info info;
	uint32_t len = sizeof(info), cur = 0;
	char name[64];
	int found_vmlinux = 0;

	(void)state;
	assert_int_equal(bpfsys_btf_get_info(fd, &info, &len, name, sizeof(name)), 0);
	print_message("[ FACT     ] btf_info: kernel fills %u bytes\n", len);
	assert_true(info.id > 0);
	assert_int_equal(info.btf_size, 24 + 16 + 5);
	assert_int_equal(info.kernel_btf, 0);
	assert_string_equal(name, "");
	assert_true(id_listed(bpfsys_btf_get_next_id, info.id));
	while (!found_vmlinux && bpfsys_btf_get_next_id(cur, &cur) == 0) {
		int bfd = bpfsys_btf_get_fd_by_id(cur);

		if (bfd == -ENOENT)
			continue; /* gone meanwhile */
		expect_good_fd(bfd);
		len = sizeof(info);
		assert_int_equal(bpfsys_btf_get_info(bfd, &info, &len, name, sizeof(name)), 0);
		found_vmlinux = info.kernel_btf == 1 && strcmp(name, "vmlinux") == 0;
		assert_int_equal(bpfsys_close(bfd), 0);
	}
	assert_true(found_vmlinux);
	assert_int_equal(bpfsys_close(fd), 0);
}

static void test_reused_info_buffer_does_not_leak_fields(void **state)
{
	int btf = load_tiny_btf();
	struct bpfsys_map_create_opts o = { .map_type = BPFSYS_MAP_TYPE_ARRAY, .key_size = 4,
					    .value_size = 4, .max_entries = 1, .name = "with_btf",
					    .btf_fd = (uint32_t)btf, .btf_key_type_id = 1,
					    .btf_value_type_id = 1 };
	int with = bpfsys_map_create(&o);
	int without = make_map(BPFSYS_MAP_TYPE_HASH, 4, 4, 1, 0, "without_btf");
	struct bpfsys_map_info info;
	uint32_t len = sizeof(info);

	(void)state;
	expect_good_fd(with);
	assert_int_equal(bpfsys_map_get_info(with, &info, &len), 0);
	assert_true(info.btf_id > 0);
	assert_int_equal(info.btf_value_type_id, 1);
	len = sizeof(info);
	assert_int_equal(bpfsys_map_get_info(without, &info, &len), 0);
	assert_int_equal(info.btf_id, 0);
	assert_int_equal(info.btf_key_type_id, 0);
	assert_int_equal(info.btf_value_type_id, 0);
	assert_string_equal(info.name, "without_btf");
	assert_int_equal(bpfsys_close(without), 0);
	assert_int_equal(bpfsys_close(with), 0);
	assert_int_equal(bpfsys_close(btf), 0);
}

static void test_missing_ids_are_enoent(void **state)
{
	(void)state;
	assert_int_equal(bpfsys_prog_get_fd_by_id(NONE_ID), -ENOENT);
	assert_int_equal(bpfsys_map_get_fd_by_id(NONE_ID), -ENOENT);
	assert_int_equal(bpfsys_link_get_fd_by_id(NONE_ID), -ENOENT);
	assert_int_equal(bpfsys_btf_get_fd_by_id(NONE_ID), -ENOENT);
}

static void test_map_opened_by_id_is_read_only(void **state)
{
	int fd = make_map(BPFSYS_MAP_TYPE_ARRAY, 4, 4, 1, 0, "bpfsys_ro");
	struct bpfsys_map_info info;
	uint32_t len = sizeof(info), key = 0, value = 1;
	int ro;

	(void)state;
	assert_int_equal(bpfsys_map_get_info(fd, &info, &len), 0);
	ro = bpfsys_map_get_fd_by_id(info.id);
	expect_good_fd(ro);
	assert_int_equal(bpfsys_map_lookup_elem(ro, &key, &value), 0);
	assert_int_equal(bpfsys_map_update_elem(ro, &key, &value, BPFSYS_ANY), -EPERM);
	assert_int_equal(bpfsys_close(ro), 0);
	assert_int_equal(bpfsys_close(fd), 0);
}

static void test_fd_0_from_the_kernel_is_moved_above_2(void **state)
{
	int saved = fcntl(0, F_DUPFD_CLOEXEC, 3);
	int fd;

	(void)state;
	assert_true(saved > 2);
	close(0); /* the kernel now hands out 0 for the next fd */
	fd = make_map(BPFSYS_MAP_TYPE_ARRAY, 4, 4, 1, 0, "bpfsys_fd0");
	assert_int_equal(fcntl(0, F_GETFD), -1); /* nothing left at 0 */
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	assert_int_equal(bpfsys_close(fd), 0);
}

/* Where cgroup v2 is mounted, or "" when it is not. */
static void cgroup2_mount(char *out, size_t cap)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char dev[256], dir[256], type[64];

	out[0] = '\0';
	if (!f)
		return;
	while (fscanf(f, "%255s %255s %63s %*[^\n]", dev, dir, type) == 3)
		if (strcmp(type, "cgroup2") == 0) {
			snprintf(out, cap, "%s", dir);
			break;
		}
	fclose(f);
}

static void test_cgroup_link_detach_and_prog_attach(void **state)
{
	char mnt[256], dir[320];
	struct bpfsys_link_info li;
	uint32_t len = sizeof(li);
	struct stat st;
	int cg, in, eg, link;

	(void)state;
	cgroup2_mount(mnt, sizeof(mnt));
	if (!mnt[0])
		skip();
	snprintf(dir, sizeof(dir), "%s/bpfsys_test_%d", mnt, (int)getpid());
	assert_int_equal(mkdir(dir, 0755), 0);
	cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(cg >= 0);
	assert_int_equal(fstat(cg, &st), 0);
	in = load_trivial(BPFSYS_PROG_TYPE_CGROUP_SKB, BPFSYS_CGROUP_INET_INGRESS, 1, "bpfsys_in");
	eg = load_trivial(BPFSYS_PROG_TYPE_CGROUP_SKB, BPFSYS_CGROUP_INET_EGRESS, 1, "bpfsys_eg");
	link = bpfsys_link_create(&(struct bpfsys_link_create_opts){
		.prog_fd = (uint32_t)in, .target_fd = (uint32_t)cg,
		.attach_type = BPFSYS_CGROUP_INET_INGRESS });
	expect_good_fd(link);
	assert_int_equal(bpfsys_link_get_info(link, &li, &len), 0);
	assert_int_equal(li.type, BPFSYS_LINK_TYPE_CGROUP);
	assert_int_equal(li.cgroup.attach_type, BPFSYS_CGROUP_INET_INGRESS);
	assert_int_equal(li.cgroup.cgroup_id, st.st_ino); /* a cgroup's id is its inode */
	assert_int_equal(bpfsys_link_detach(link), 0);
	len = sizeof(li);
	assert_int_equal(bpfsys_link_get_info(link, &li, &len), 0);
	assert_int_equal(li.cgroup.cgroup_id, 0); /* detached: no cgroup any more */
	/* The legacy attachment goes away with the cgroup, removed below. */
	assert_int_equal(bpfsys_prog_attach(eg, cg, BPFSYS_CGROUP_INET_EGRESS, 0), 0);
	assert_int_equal(bpfsys_close(link), 0);
	assert_int_equal(bpfsys_close(eg), 0);
	assert_int_equal(bpfsys_close(in), 0);
	close(cg);
	assert_int_equal(rmdir(dir), 0);
}

/* The id of the BTF_KIND_FUNC called name in the kernel's BTF; 0 when absent. Just
 * enough of a BTF reader to step over each kind's trailing data. */
static uint32_t vmlinux_func_id(const char *name)
{
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf;
	uint32_t id = 0, found = 0, hdr, *t, *end;
	const char *strs;
	size_t got = 0;
	ssize_t n = 1;

	if (fd < 0 || fstat(fd, &st) < 0 || !(buf = malloc((size_t)st.st_size)))
		fail_msg("cannot read /sys/kernel/btf/vmlinux");
	while (got < (size_t)st.st_size && (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n; /* sysfs hands it out a page at a time */
	close(fd);
	if (got != (size_t)st.st_size) {
		free(buf);
		fail_msg("short read of /sys/kernel/btf/vmlinux");
	}
	memcpy(&hdr, buf + 4, 4);
	t = (uint32_t *)(void *)(buf + hdr + ((uint32_t *)(void *)buf)[2]);
	end = (uint32_t *)(void *)((uint8_t *)t + ((uint32_t *)(void *)buf)[3]);
	strs = (const char *)buf + hdr + ((uint32_t *)(void *)buf)[4];
	while (t < end && !found) {
		uint32_t kind = (t[1] >> 24) & 0x1f, vlen = t[1] & 0xffff;

		id++;
		if (kind == 12 && strcmp(strs + t[0], name) == 0)
			found = id;
		t += 3;
		switch (kind) {
		case 1: case 14: case 17: t += 1; break;                /* int, var, decl_tag */
		case 3: t += 3; break;                                  /* array */
		case 4: case 5: case 15: case 19: t += 3 * vlen; break; /* members, secinfo, enum64 */
		case 6: case 13: t += 2 * vlen; break;                  /* enum, func_proto */
		default: break;
		}
	}
	free(buf);
	return found;
}

static void test_bpf_map_iterator_writes_through_seq_write(void **state)
{
	int map = make_map(BPFSYS_MAP_TYPE_ARRAY, 4, 4, 1, 0, "bpfsys_iterated");
	uint32_t btf_id = vmlinux_func_id("bpf_iter_bpf_map");
	struct bpfsys_insn insns[] = {
		bpfsys_insn_ldx_mem(BPFSYS_DW, R(6), R(1), 0), /* ctx->meta */
		bpfsys_insn_ldx_mem(BPFSYS_DW, R(7), R(1), 8), /* ctx->map, NULL at the end */
		bpfsys_insn_jmp_imm(BPFSYS_JEQ, R(7), 0, 6),
		bpfsys_insn_st_mem(BPFSYS_W, R(10), -4, 0x2a2a2a2a),
		bpfsys_insn_ldx_mem(BPFSYS_DW, R(1), R(6), 0), /* meta->seq */
		bpfsys_insn_mov64_reg(R(2), R(10)),
		bpfsys_insn_alu64_imm(BPFSYS_ADD, R(2), -4),
		bpfsys_insn_mov64_imm(R(3), 4),
		bpfsys_insn_call_helper(BPFSYS_FUNC_seq_write),
		bpfsys_insn_mov64_imm(R(0), 0),
		bpfsys_insn_exit(),
	};
	struct bpfsys_prog_load_opts o = { .prog_type = BPFSYS_PROG_TYPE_TRACING, .insns = insns,
					   .insn_cnt = sizeof(insns) / sizeof(insns[0]),
					   .name = "bpfsys_iter",
					   .expected_attach_type = BPFSYS_TRACE_ITER,
					   .attach_btf_id = btf_id };
	struct bpfsys_link_info li, req;
	uint32_t len = sizeof(li);
	char target[32], out[4096];
	int prog, link, iter;
	ssize_t n, total = 0;

	(void)state;
	assert_true(btf_id > 0);
	prog = load(&o);
	link = bpfsys_link_create(&(struct bpfsys_link_create_opts){
		.prog_fd = (uint32_t)prog, .attach_type = BPFSYS_TRACE_ITER });
	expect_good_fd(link);
	memset(&req, 0, sizeof(req));
	req.iter.target_name = (uint64_t)(uintptr_t)target;
	req.iter.target_name_len = sizeof(target);
	assert_int_equal(bpfsys_obj_get_info_by_fd_req(link, &li, &len, &req), 0);
	assert_int_equal(li.type, BPFSYS_LINK_TYPE_ITER);
	assert_string_equal(target, "bpf_map");
	iter = bpfsys_iter_create(link);
	expect_good_fd(iter);
	while ((n = read(iter, out, sizeof(out))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			assert_int_equal(out[i], '*');
		total += n;
	}
	assert_int_equal(n, 0);
	assert_true(total >= 4 && total % 4 == 0); /* 4 bytes per map, ours among them */
	assert_int_equal(bpfsys_close(iter), 0);
	assert_int_equal(bpfsys_close(link), 0);
	assert_int_equal(bpfsys_close(prog), 0);
	assert_int_equal(bpfsys_close(map), 0);
}

/* The kernel's own answer to "may we use bpf(2) here?": a one-entry array map. */
static int bpf_usable(void)
{
	struct bpfsys_map_create_opts o = { .map_type = BPFSYS_MAP_TYPE_ARRAY, .key_size = 4,
					    .value_size = 4, .max_entries = 1 };
	int fd = bpfsys_map_create(&o);

	if (fd < 0)
		return fd;
	bpfsys_close(fd);
	return geteuid() == 0 ? 0 : -EPERM; /* programs and links need root here */
}

#define T(f) cmocka_unit_test_setup_teardown(f, note_fds, check_fds)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_maps_report_their_info),
		T(test_hash_map_walk_sees_every_key),
		T(test_socket_filter_prog_info_and_stats),
		T(test_raw_tracepoint_link_info),
		T(test_btf_info_user_and_vmlinux),
		T(test_reused_info_buffer_does_not_leak_fields),
		T(test_missing_ids_are_enoent),
		T(test_map_opened_by_id_is_read_only),
		T(test_fd_0_from_the_kernel_is_moved_above_2),
		T(test_cgroup_link_detach_and_prog_attach),
		T(test_bpf_map_iterator_writes_through_seq_write),
	};
	int err = bpf_usable();

	if (err < 0) {
		fprintf(stderr, "\n*** SKIP bpfsys_kernel: bpf(2) not usable here (%s); run as root "
				"on a kernel with BPF to test bpfsys against the kernel ***\n\n",
			strerror(-err));
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
