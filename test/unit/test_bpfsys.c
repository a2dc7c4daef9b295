/* SPDX-License-Identifier: MIT */
/* bpfsys against a scripted bpf(2): linked with -Wl,--wrap=syscall, so every syscall()
 * the library makes lands in __wrap_syscall() below, which records the command, the
 * attr size and all attr bytes, and answers from a script. Expected attrs are built with
 * the host's <linux/bpf.h> (6.1) wherever it has the field, so they do not share our
 * definitions; fields newer than 6.1 use ours, which abi_check.c pins to 6.18. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/bpf.h>

#include "abi_attr.h"
#include "bpfsys.h"
#include "insn.h"

#define MAX_CALLS 16
#define SNAP_LEN 256

struct call {
	long nr;
	int cmd;
	unsigned int size;
	union bpfsys_attr attr;     /* every byte the library handed over */
	uint8_t info[SNAP_LEN];     /* OBJ_GET_INFO_BY_FD: the info buffer at call time */
};

struct reply {
	long ret;                   /* < 0: fail with errno = err */
	int err;
	uint32_t next_id;           /* written to attr.next_id when non-zero */
	const void *info;           /* copied to the info buffer; info_len set to its length */
	uint32_t info_len;
	const char *name;           /* copied to btf_info.name (bounded by name_len) */
	int scribble;               /* fill the info buffer with 0xaa (a kernel writing junk) */
};

static struct call calls[MAX_CALLS];
static unsigned int ncalls;
static struct reply replies[MAX_CALLS];
static unsigned int nreplies;
static size_t info_buf_len; /* bytes of the caller's info buffer to snapshot */

static void script(struct reply r)
{
	assert_true(nreplies < MAX_CALLS);
	replies[nreplies++] = r;
}

static int reset(void **state)
{
	(void)state;
	memset(calls, 0, sizeof(calls));
	memset(replies, 0, sizeof(replies));
	ncalls = nreplies = 0;
	info_buf_len = 0;
	return 0;
}

long __wrap_syscall(long nr, ...);
long __wrap_syscall(long nr, ...)
{
	struct call *c;
	struct reply *r;
	va_list ap;

	if (ncalls >= nreplies)
		fail_msg("unscripted syscall #%u", ncalls);
	c = &calls[ncalls];
	r = &replies[ncalls++];
	va_start(ap, nr);
	c->nr = nr;
	c->cmd = va_arg(ap, int);
	union bpfsys_attr *attr = va_arg(ap, union bpfsys_attr *);
	c->size = va_arg(ap, unsigned int);
	va_end(ap);
	memcpy(&c->attr, attr, sizeof(*attr));
	if (c->cmd == BPFSYS_CMD_OBJ_GET_INFO_BY_FD && info_buf_len)
		memcpy(c->info, (void *)(uintptr_t)attr->info.info, info_buf_len);
	if (r->scribble)
		memset((void *)(uintptr_t)attr->info.info, 0xaa, info_buf_len);
	if (r->ret < 0) {
		errno = r->err;
		return -1;
	}
	if (r->next_id)
		attr->next_id = r->next_id;
	if (r->info) {
		struct bpfsys_btf_info *b = (void *)(uintptr_t)attr->info.info;
		uint64_t uname = b->name; /* what the caller asked for, as the kernel reads it */
		uint32_t ulen = b->name_len;

		memcpy(b, r->info, r->info_len);
		attr->info.info_len = r->info_len;
		if (r->name && uname)
			snprintf((char *)(uintptr_t)uname, ulen, "%s", r->name);
	}
	return r->ret;
}

/* Call i sent cmd with exactly size bytes equal to want's, and only zeros after them. */
static void expect_sent(unsigned int i, int cmd, size_t size, const void *want)
{
	const uint8_t *got = (const uint8_t *)&calls[i].attr;

	assert_true(i < ncalls);
	assert_int_equal(calls[i].nr, SYS_bpf);
	assert_int_equal(calls[i].cmd, cmd);
	assert_int_equal(calls[i].size, size);
	assert_memory_equal(got, want, size);
	for (size_t b = size; b < sizeof(union bpfsys_attr); b++)
		if (got[b])
			fail_msg("attr byte %zu is %#x, beyond the %zu sent", b, got[b], size);
}

static union bpf_attr host_attr(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	return a;
}

/* ---- the wrappers ---- */

#define HOST_END(f) (offsetof(union bpf_attr, f) + sizeof(((union bpf_attr *)0)->f))
#define PTR(p) ((uint64_t)(uintptr_t)(p))

static void test_get_next_id_sends_start_id_and_returns_next(void **state)
{
	int (*fn[])(uint32_t, uint32_t *) = { bpfsys_prog_get_next_id, bpfsys_map_get_next_id,
					      bpfsys_link_get_next_id, bpfsys_btf_get_next_id };
	const int cmd[] = { BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_NEXT_ID, BPF_LINK_GET_NEXT_ID,
			    BPF_BTF_GET_NEXT_ID };
	union bpf_attr a = host_attr();

	(void)state;
	a.start_id = 5;
	for (unsigned int i = 0; i < 4; i++) {
		uint32_t next = 0;

		script((struct reply){ .next_id = 77 + i });
		assert_int_equal(fn[i](5, &next), 0);
		assert_int_equal(next, 77 + i);
		expect_sent(i, cmd[i], HOST_END(next_id), &a);
	}
}

static void test_get_next_id_end_leaves_out_param(void **state)
{
	uint32_t next = 0xdead;

	(void)state;
	script((struct reply){ .ret = -1, .err = ENOENT });
	assert_int_equal(bpfsys_prog_get_next_id(1, &next), -ENOENT);
	assert_int_equal(next, 0xdead);
}

static void test_get_fd_by_id_opens_maps_read_only(void **state)
{
	int (*fn[])(uint32_t) = { bpfsys_prog_get_fd_by_id, bpfsys_map_get_fd_by_id,
				  bpfsys_link_get_fd_by_id, bpfsys_btf_get_fd_by_id };
	const int cmd[] = { BPF_PROG_GET_FD_BY_ID, BPF_MAP_GET_FD_BY_ID, BPF_LINK_GET_FD_BY_ID,
			    BPF_BTF_GET_FD_BY_ID };

	(void)state;
	for (unsigned int i = 0; i < 4; i++) {
		union bpf_attr a = host_attr();

		a.prog_id = 9;
		a.open_flags = cmd[i] == BPF_MAP_GET_FD_BY_ID ? BPF_F_RDONLY : 0;
		script((struct reply){ .ret = 1000 });
		assert_int_equal(fn[i](9), 1000);
		expect_sent(i, cmd[i], HOST_END(open_flags), &a);
	}
	script((struct reply){ .ret = -1, .err = ENOENT });
	assert_int_equal(bpfsys_map_get_fd_by_id(12345), -ENOENT);
}

static void test_new_fd_0_is_moved_above_2_and_closed(void **state)
{
	int saved = fcntl(0, F_DUPFD_CLOEXEC, 3);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int fd;

	(void)state;
	assert_true(saved > 2 && null > 2);
	assert_int_equal(dup2(null, 0), 0); /* fd 0 is now what "the kernel" returns */
	close(null);
	script((struct reply){ .ret = 0 });
	fd = bpfsys_btf_get_fd_by_id(1);
	assert_true(fd > 2);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fcntl(0, F_GETFD), -1); /* the low fd was closed */
	assert_int_equal(errno, EBADF);
	close(fd);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
}

static void test_errno_comes_back_negated(void **state)
{
	const int errs[] = { EPERM, EINVAL, ENODEV, EFAULT, ENOMEM, E2BIG, EACCES };

	(void)state;
	for (unsigned int i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		script((struct reply){ .ret = -1, .err = errs[i] });
		assert_int_equal(bpfsys_enable_stats(BPFSYS_STATS_RUN_TIME), -errs[i]);
	}
	/* -1 without errno must still read as a failure */
	script((struct reply){ .ret = -1, .err = 0 });
	assert_int_equal(bpfsys_link_detach(4), -EIO);
}

static void test_enable_stats_iter_create_link_detach_attrs(void **state)
{
	union bpf_attr a = host_attr(), b = host_attr(), c = host_attr();

	(void)state;
	a.enable_stats.type = BPF_STATS_RUN_TIME;
	b.iter_create.link_fd = 6;
	c.link_detach.link_fd = 7;
	script((struct reply){ .ret = 10 });
	script((struct reply){ .ret = 11 });
	script((struct reply){ .ret = 0 });
	assert_int_equal(bpfsys_enable_stats(BPFSYS_STATS_RUN_TIME), 10);
	assert_int_equal(bpfsys_iter_create(6), 11);
	assert_int_equal(bpfsys_link_detach(7), 0);
	expect_sent(0, BPF_ENABLE_STATS, HOST_END(enable_stats.type), &a);
	expect_sent(1, BPF_ITER_CREATE, HOST_END(iter_create.link_fd), &b);
	expect_sent(2, BPF_LINK_DETACH, HOST_END(link_detach.link_fd), &c);
}

/* ---- object info ---- */

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void test_info_zeroes_caller_garbage_before_the_call(void **state)
{
	struct bpfsys_prog_info info, kern = { .type = 1, .id = 2, .name = "p" };
	uint32_t len = sizeof(info);
	union bpf_attr a = host_attr();

	(void)state;
	memset(&info, 0xff, sizeof(info));
	info_buf_len = sizeof(info);
	script((struct reply){ .info = &kern, .info_len = sizeof(kern) });
	assert_int_equal(bpfsys_prog_get_info(3, &info, &len), 0);
	assert_true(all_zero(calls[0].info, sizeof(info)));
	a.info.bpf_fd = 3;
	a.info.info_len = sizeof(info);
	a.info.info = PTR(&info);
	expect_sent(0, BPF_OBJ_GET_INFO_BY_FD, HOST_END(info.info), &a);
	assert_int_equal(len, sizeof(info));
	assert_int_equal(info.id, 2);
	assert_string_equal(info.name, "p");
}

static void test_info_reused_buffer_is_zeroed_for_the_next_object(void **state)
{
	struct bpfsys_map_info info, first = { .type = 1, .id = 2, .btf_id = 99, .ifindex = 3 };
	struct bpfsys_map_info second = { .type = 2, .id = 4 };
	uint32_t len = sizeof(info);

	(void)state;
	info_buf_len = sizeof(info);
	script((struct reply){ .info = &first, .info_len = sizeof(first) });
	script((struct reply){ .info = &second, .info_len = 40 }); /* fills less */
	assert_int_equal(bpfsys_map_get_info(3, &info, &len), 0);
	assert_int_equal(info.btf_id, 99);
	assert_int_equal(bpfsys_map_get_info(4, &info, &len), 0);
	assert_true(all_zero(calls[1].info, sizeof(info)));
	assert_int_equal(len, 40);
	assert_int_equal(info.id, 4);
	assert_int_equal(info.btf_id, 0);
	assert_int_equal(info.ifindex, 0);
}

static void test_info_e2big_retries_with_older_layouts(void **state)
{
	struct bpfsys_link_info info, kern = { .type = 1, .id = 8, .prog_id = 9 };
	uint32_t len = sizeof(info);

	(void)state;
	info_buf_len = sizeof(info);
	script((struct reply){ .ret = -1, .err = E2BIG, .scribble = 1 });
	script((struct reply){ .ret = -1, .err = E2BIG, .scribble = 1 });
	script((struct reply){ .info = &kern, .info_len = 48 });
	assert_int_equal(bpfsys_link_get_info(5, &info, &len), 0);
	assert_int_equal(ncalls, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(calls[i].size, HOST_END(info.info));
		assert_true(all_zero(calls[i].info, sizeof(info))); /* zeroed before EVERY call */
	}
	assert_int_equal(calls[0].attr.info.info_len, 64);
	assert_int_equal(calls[1].attr.info.info_len, 56);
	assert_int_equal(calls[2].attr.info.info_len, 48);
	assert_int_equal(len, 48);
	assert_int_equal(info.prog_id, 9);
}

static void test_info_e2big_next_size_per_type(void **state)
{
	struct bpfsys_prog_info p;
	struct bpfsys_map_info m;
	struct bpfsys_btf_info b;
	uint8_t any[100];
	uint32_t len[4] = { sizeof(p), sizeof(m), sizeof(b), sizeof(any) };
	const uint32_t first[4] = { 232, 104, 32, 100 };
	const uint32_t want[4] = { 224, 88, 16, 88 }; /* any: the largest known size < 100 */

	(void)state;
	for (int i = 0; i < 4; i++) {
		script((struct reply){ .ret = -1, .err = E2BIG });
		script((struct reply){ .ret = 0 }); /* keeps the info_len it was sent */
	}
	assert_int_equal(bpfsys_prog_get_info(3, &p, &len[0]), 0);
	assert_int_equal(bpfsys_map_get_info(3, &m, &len[1]), 0);
	assert_int_equal(bpfsys_btf_get_info(3, &b, &len[2], NULL, 0), 0);
	assert_int_equal(bpfsys_obj_get_info_by_fd(3, any, &len[3]), 0);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(calls[2 * i].attr.info.info_len, first[i]);
		assert_int_equal(calls[2 * i + 1].attr.info.info_len, want[i]);
		assert_int_equal(len[i], want[i]);
	}
}

static void test_info_e2big_on_every_layout_gives_up(void **state)
{
	struct bpfsys_prog_info p;
	uint32_t len = sizeof(p);

	(void)state;
	for (int i = 0; i < 10; i++) /* BPFSYS_PROG_INFO_SIZES has 10 */
		script((struct reply){ .ret = -1, .err = E2BIG });
	assert_int_equal(bpfsys_prog_get_info(3, &p, &len), -E2BIG);
	assert_int_equal(ncalls, 10);
	assert_int_equal(calls[9].attr.info.info_len, 40);
	assert_int_equal(len, sizeof(p)); /* untouched on failure */
}

static void test_info_failure_leaves_len(void **state)
{
	struct bpfsys_link_info l;
	uint32_t len = sizeof(l);

	(void)state;
	script((struct reply){ .ret = -1, .err = ENODEV });
	assert_int_equal(bpfsys_link_get_info(3, &l, &len), -ENODEV);
	assert_int_equal(len, sizeof(l));
	assert_int_equal(bpfsys_link_get_info(-1, &l, &len), -EBADF);
	assert_int_equal(ncalls, 1); /* a bad fd never reaches the kernel */
}

static void test_btf_info_passes_name_buffer(void **state)
{
	struct bpfsys_btf_info info, want, kern = { .id = 1, .name_len = 7, .kernel_btf = 1 };
	uint32_t len = sizeof(info);
	char name[64];

	(void)state;
	memset(name, 'x', sizeof(name));
	memset(&info, 0xff, sizeof(info));
	info_buf_len = sizeof(info);
	script((struct reply){ .info = &kern, .info_len = sizeof(kern), .name = "vmlinux" });
	assert_int_equal(bpfsys_btf_get_info(3, &info, &len, name, sizeof(name)), 0);
	memset(&want, 0, sizeof(want)); /* all zero but the name buffer */
	want.name = PTR(name);
	want.name_len = sizeof(name);
	assert_memory_equal(calls[0].info, &want, sizeof(want));
	assert_string_equal(name, "vmlinux");
	assert_int_equal(info.kernel_btf, 1);
}

static void test_btf_info_old_layout_gets_no_name(void **state)
{
	struct bpfsys_btf_info info;
	uint32_t len = 16; /* a caller built for 4.18: no room for the name fields */
	char name[8] = "junk";

	(void)state;
	memset(&info, 0xff, sizeof(info));
	info_buf_len = sizeof(info);
	script((struct reply){ .ret = 0 });
	assert_int_equal(bpfsys_btf_get_info(3, &info, &len, name, sizeof(name)), 0);
	assert_true(all_zero(calls[0].info, 16));
	assert_int_equal(calls[0].info[16], 0xff); /* beyond info_len: not ours to touch */
	assert_string_equal(name, "");
	script((struct reply){ .ret = -1, .err = ENOSPC });
	len = sizeof(info);
	assert_int_equal(bpfsys_btf_get_info(3, &info, &len, name, sizeof(name)), -ENOSPC);
}

static void test_info_req_is_the_starting_point_of_every_call(void **state)
{
	struct bpfsys_link_info info, req;
	uint32_t len = sizeof(info);
	char tp[32];

	(void)state;
	memset(&req, 0, sizeof(req));
	req.raw_tracepoint.tp_name = PTR(tp);
	req.raw_tracepoint.tp_name_len = sizeof(tp);
	memset(&info, 0xff, sizeof(info));
	info_buf_len = sizeof(info);
	script((struct reply){ .ret = -1, .err = E2BIG, .scribble = 1 });
	script((struct reply){ .ret = 0 });
	assert_int_equal(bpfsys_obj_get_info_by_fd_req(3, &info, &len, &req), 0);
	assert_memory_equal(calls[0].info, &req, sizeof(req));
	assert_memory_equal(calls[1].info, &req, 56); /* the retry sends 56 bytes ... */
	assert_true(all_zero(calls[1].info + 56, sizeof(info) - 56)); /* ... and zeros */
	assert_int_equal(bpfsys_obj_get_info_by_fd_req(3, &info, &len, &info), -EINVAL);
	assert_int_equal(ncalls, 2);
}

/* ---- creation commands ---- */

static void test_map_create_attr(void **state)
{
	struct bpfsys_map_create_opts o = {
		.map_type = BPFSYS_MAP_TYPE_HASH, .key_size = 4, .value_size = 8,
		.max_entries = 16, .map_flags = BPFSYS_F_NO_PREALLOC, .inner_map_fd = 0,
		.name = "a_very_long_map_name", .btf_fd = 5, .btf_key_type_id = 1,
		.btf_value_type_id = 2, .btf_vmlinux_value_type_id = 3, .map_extra = 7,
	};
	union bpf_attr a = host_attr();

	(void)state;
	a.map_type = BPF_MAP_TYPE_HASH;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 16;
	a.map_flags = BPF_F_NO_PREALLOC;
	memcpy(a.map_name, "a_very_long_map", 15); /* truncated, NUL-terminated */
	a.btf_fd = 5;
	a.btf_key_type_id = 1;
	a.btf_value_type_id = 2;
	a.btf_vmlinux_value_type_id = 3;
	a.map_extra = 7;
	script((struct reply){ .ret = 20 });
	assert_int_equal(bpfsys_map_create(&o), 20);
	expect_sent(0, BPF_MAP_CREATE, HOST_END(map_extra), &a);
}

static void test_map_elem_attrs(void **state)
{
	uint32_t key = 1, next = 0;
	uint64_t val = 2;
	union bpf_attr up = host_attr(), look = host_attr(), del = host_attr(), nk = host_attr();

	(void)state;
	up.map_fd = look.map_fd = del.map_fd = nk.map_fd = 5;
	up.key = look.key = del.key = PTR(&key);
	up.value = look.value = PTR(&val);
	up.flags = BPF_NOEXIST;
	nk.next_key = PTR(&next); /* key 0: the first key */
	for (int i = 0; i < 4; i++)
		script((struct reply){ .ret = 0 });
	script((struct reply){ .ret = -1, .err = ENOENT });
	assert_int_equal(bpfsys_map_update_elem(5, &key, &val, BPFSYS_NOEXIST), 0);
	assert_int_equal(bpfsys_map_lookup_elem(5, &key, &val), 0);
	assert_int_equal(bpfsys_map_delete_elem(5, &key), 0);
	assert_int_equal(bpfsys_map_get_next_key(5, NULL, &next), 0);
	assert_int_equal(bpfsys_map_get_next_key(5, &key, &next), -ENOENT);
	expect_sent(0, BPF_MAP_UPDATE_ELEM, HOST_END(flags), &up);
	expect_sent(1, BPF_MAP_LOOKUP_ELEM, HOST_END(value), &look);
	expect_sent(2, BPF_MAP_DELETE_ELEM, HOST_END(key), &del);
	expect_sent(3, BPF_MAP_GET_NEXT_KEY, HOST_END(next_key), &nk);
	assert_int_equal(bpfsys_map_lookup_elem(-1, &key, &val), -EBADF);
	assert_int_equal(ncalls, 5);
}

static void test_prog_load_attr(void **state)
{
	struct bpfsys_insn insns[] = { bpfsys_insn_mov64_imm(BPFSYS_REG_0, 0), bpfsys_insn_exit() };
	const int fds[] = { 7 };
	char log[64] = "junk";
	struct bpfsys_prog_load_opts o = {
		.prog_type = BPFSYS_PROG_TYPE_TRACING, .insns = insns, .insn_cnt = 2,
		.name = "prog_name_longer_than_16", .expected_attach_type = BPFSYS_TRACE_ITER,
		.attach_btf_id = 100, .attach_btf_obj_fd = 9, .prog_btf_fd = 8, .fd_array = fds,
		.log_buf = log, .log_size = sizeof(log), .prog_flags = BPFSYS_F_SLEEPABLE,
	};
	union bpf_attr a = host_attr();

	(void)state;
	script((struct reply){ .ret = 30 });
	assert_int_equal(bpfsys_prog_load(&o), 30);
	assert_string_equal((const char *)(uintptr_t)calls[0].attr.license, "GPL");
	assert_string_equal(log, "");
	a.prog_type = BPF_PROG_TYPE_TRACING;
	a.insn_cnt = 2;
	a.insns = PTR(insns);
	a.license = calls[0].attr.license;
	a.log_level = 1;
	a.log_size = sizeof(log);
	a.log_buf = PTR(log);
	a.prog_flags = BPF_F_SLEEPABLE;
	memcpy(a.prog_name, "prog_name_longe", 15);
	a.expected_attach_type = BPF_TRACE_ITER;
	a.prog_btf_fd = 8;
	a.attach_btf_id = 100;
	a.attach_btf_obj_fd = 9;
	a.fd_array = PTR(fds);
	expect_sent(0, BPF_PROG_LOAD, HOST_END(fd_array), &a);
}

static void test_prog_load_retries_eagain(void **state)
{
	struct bpfsys_insn insns[] = { bpfsys_insn_mov64_imm(BPFSYS_REG_0, 0), bpfsys_insn_exit() };
	struct bpfsys_prog_load_opts o = { .prog_type = 1, .insns = insns, .insn_cnt = 2,
					   .license = "MIT" };

	(void)state;
	script((struct reply){ .ret = -1, .err = EAGAIN });
	script((struct reply){ .ret = -1, .err = EAGAIN });
	script((struct reply){ .ret = 31 });
	assert_int_equal(bpfsys_prog_load(&o), 31);
	assert_int_equal(ncalls, 3);
	assert_string_equal((const char *)(uintptr_t)calls[2].attr.license, "MIT");
	reset(NULL);
	for (int i = 0; i < 5; i++)
		script((struct reply){ .ret = -1, .err = EAGAIN });
	assert_int_equal(bpfsys_prog_load(&o), -EAGAIN);
	assert_int_equal(ncalls, 5);
}

static void test_attach_tracepoint_btf_attrs(void **state)
{
	static const char btf[24] = { 0 };
	char log[32];
	union bpf_attr at = host_attr(), rt = host_attr(), bl = host_attr();

	(void)state;
	at.target_fd = 3;
	at.attach_bpf_fd = 4;
	at.attach_type = BPF_CGROUP_INET_EGRESS;
	at.attach_flags = BPF_F_ALLOW_MULTI;
	rt.raw_tracepoint.name = PTR("sched_switch");
	rt.raw_tracepoint.prog_fd = 4;
	bl.btf = PTR(btf);
	bl.btf_size = sizeof(btf);
	bl.btf_log_buf = PTR(log);
	bl.btf_log_size = sizeof(log);
	bl.btf_log_level = 1;
	script((struct reply){ .ret = 0 });
	script((struct reply){ .ret = 40 });
	script((struct reply){ .ret = 41 });
	assert_int_equal(bpfsys_prog_attach(4, 3, BPFSYS_CGROUP_INET_EGRESS, BPFSYS_F_ALLOW_MULTI), 0);
	assert_int_equal(bpfsys_raw_tracepoint_open((const char *)(uintptr_t)rt.raw_tracepoint.name, 4), 40);
	assert_int_equal(bpfsys_btf_load(btf, sizeof(btf), log, sizeof(log)), 41);
	expect_sent(0, BPF_PROG_ATTACH, HOST_END(attach_flags), &at);
	expect_sent(1, BPF_RAW_TRACEPOINT_OPEN, HOST_END(raw_tracepoint.prog_fd), &rt);
	expect_sent(2, BPF_BTF_LOAD, HOST_END(btf_log_level), &bl);
}

/* link_create: the head, then the tail its attach type selects, sized to its last field */
static void link_case(unsigned int i, const struct bpfsys_link_create_opts *o, int cmd_ret,
		      const void *want, size_t size)
{
	script((struct reply){ .ret = cmd_ret });
	assert_int_equal(bpfsys_link_create(o), cmd_ret);
	expect_sent(i, BPF_LINK_CREATE, size, want);
}

static void test_link_create_tails(void **state)
{
	const char *syms[] = { "a", "b" };
	const uint64_t addrs[2] = { 1, 2 }, offs[2] = { 3, 4 }, cookies[2] = { 5, 6 };
	const uint32_t iter_info[2] = { 11, 0 };
	union bpf_attr h;
	union bpfsys_attr o6;
	struct bpfsys_link_create_opts o;
	unsigned int n = 0;

	(void)state;
#define HEAD(type)                                                                   \
	do {                                                                         \
		memset(&o, 0, sizeof(o));                                            \
		o.prog_fd = 4, o.target_fd = 5, o.attach_type = (type), o.flags = 1; \
		h = host_attr();                                                     \
		h.link_create.prog_fd = 4, h.link_create.target_fd = 5;              \
		h.link_create.attach_type = (type), h.link_create.flags = 1;         \
		memset(&o6, 0, sizeof(o6));                                          \
		memcpy(&o6, &h, HOST_END(link_create.flags));                        \
	} while (0)
	HEAD(BPF_CGROUP_INET_INGRESS); /* no tail */
	link_case(n++, &o, 50, &h, HOST_END(link_create.flags));
	HEAD(BPF_TRACE_ITER);
	o.iter_info = iter_info, o.iter_info_len = sizeof(iter_info);
	h.link_create.iter_info = PTR(iter_info), h.link_create.iter_info_len = sizeof(iter_info);
	link_case(n++, &o, 51, &h, HOST_END(link_create.iter_info_len));
	HEAD(BPF_PERF_EVENT);
	o.perf_bpf_cookie = 0x1234;
	h.link_create.perf_event.bpf_cookie = 0x1234;
	link_case(n++, &o, 52, &h, HOST_END(link_create.perf_event.bpf_cookie));
	HEAD(BPF_TRACE_KPROBE_MULTI);
	o.syms = syms, o.addrs = addrs, o.cookies = cookies, o.cnt = 2;
	o.multi_flags = BPF_F_KPROBE_MULTI_RETURN;
	h.link_create.kprobe_multi.flags = BPF_F_KPROBE_MULTI_RETURN;
	h.link_create.kprobe_multi.cnt = 2;
	h.link_create.kprobe_multi.syms = PTR(syms);
	h.link_create.kprobe_multi.addrs = PTR(addrs);
	h.link_create.kprobe_multi.cookies = PTR(cookies);
	link_case(n++, &o, 53, &h, HOST_END(link_create.kprobe_multi.cookies));
	/* Tails newer than the 6.1 header: our union (pinned to 6.18 by abi_check.c) */
	HEAD(BPFSYS_TRACE_UPROBE_MULTI);
	o.path = "/bin/true", o.offsets = offs, o.cookies = cookies, o.cnt = 2;
	o.multi_flags = BPFSYS_F_UPROBE_MULTI_RETURN, o.pid = 77;
	o6.link_create.uprobe_multi.path = PTR(o.path);
	o6.link_create.uprobe_multi.offsets = PTR(offs);
	o6.link_create.uprobe_multi.cookies = PTR(cookies);
	o6.link_create.uprobe_multi.cnt = 2;
	o6.link_create.uprobe_multi.flags = BPFSYS_F_UPROBE_MULTI_RETURN;
	o6.link_create.uprobe_multi.pid = 77;
	link_case(n++, &o, 54, &o6, 60);
	HEAD(BPFSYS_NETFILTER);
	o.nf_pf = 2, o.nf_hooknum = 1, o.nf_priority = -100, o.nf_flags = 1;
	o6.link_create.netfilter.pf = 2, o6.link_create.netfilter.hooknum = 1;
	o6.link_create.netfilter.priority = -100, o6.link_create.netfilter.flags = 1;
	link_case(n++, &o, 55, &o6, 32);
	const uint32_t rel_types[] = { BPFSYS_TCX_INGRESS, BPFSYS_TCX_EGRESS, BPFSYS_NETKIT_PRIMARY,
				       BPFSYS_NETKIT_PEER, BPFSYS_CGROUP_INET_EGRESS };
	for (unsigned int t = 0; t < 5; t++) {
		HEAD(rel_types[t]);
		o.relative_fd = 9, o.expected_revision = 3;
		o6.link_create.tcx.relative_fd = 9, o6.link_create.tcx.expected_revision = 3;
		link_case(n++, &o, 56, &o6, 32);
	}
#undef HEAD
}

static void test_close(void **state)
{
	int fd = dup(2);

	(void)state;
	assert_true(fd > 2);
	assert_int_equal(bpfsys_close(fd), 0);
	assert_int_equal(bpfsys_close(fd), -EBADF);
	assert_int_equal(bpfsys_close(-1), -EBADF);
}

#define T(f) cmocka_unit_test_setup(f, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_get_next_id_sends_start_id_and_returns_next),
		T(test_get_next_id_end_leaves_out_param),
		T(test_get_fd_by_id_opens_maps_read_only),
		T(test_new_fd_0_is_moved_above_2_and_closed),
		T(test_errno_comes_back_negated),
		T(test_enable_stats_iter_create_link_detach_attrs),
		T(test_info_zeroes_caller_garbage_before_the_call),
		T(test_info_reused_buffer_is_zeroed_for_the_next_object),
		T(test_info_e2big_retries_with_older_layouts),
		T(test_info_e2big_next_size_per_type),
		T(test_info_e2big_on_every_layout_gives_up),
		T(test_info_failure_leaves_len),
		T(test_btf_info_passes_name_buffer),
		T(test_btf_info_old_layout_gets_no_name),
		T(test_info_req_is_the_starting_point_of_every_call),
		T(test_map_create_attr),
		T(test_map_elem_attrs),
		T(test_prog_load_attr),
		T(test_prog_load_retries_eagain),
		T(test_attach_tracepoint_btf_attrs),
		T(test_link_create_tails),
		T(test_close),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
