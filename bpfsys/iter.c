/* SPDX-License-Identifier: MIT */
/* BPF iterators: load and attach once (iter_prog.c assembles the programs), then one
 * BPF_ITER_CREATE + read() loop per pass. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bpfsys.h"
#include "iter.h"
#include "iter_prog.h"

/* Loads p once without a log (so the verifier's errno is not replaced by a log-size
 * error), and when that fails once more with a log, for the reason: into the caller's
 * buffer, else a small one of ours that only tells whether the verifier spoke. */
static int load(const struct bpfsys_iter_prog *p, char *log_buf, size_t log_size)
{
	struct bpfsys_prog_load_opts o = {
		.prog_type = BPFSYS_PROG_TYPE_TRACING,
		.insns = p->insns,
		.insn_cnt = p->insn_cnt,
		.license = "GPL",
		.name = p->name,
		.expected_attach_type = BPFSYS_TRACE_ITER,
		.attach_btf_id = p->attach_btf_id,
	};
	char own_log[128];
	int fd = bpfsys_prog_load(&o), second;

	if (fd >= 0 || fd == -EPERM)
		return fd;
	if (!log_buf || !log_size) {
		log_buf = own_log;
		log_size = sizeof(own_log);
	}
	o.log_buf = log_buf;
	o.log_size = log_size > UINT32_MAX ? UINT32_MAX : (uint32_t)log_size;
	o.log_level = 1;
	second = bpfsys_prog_load(&o);
	if (second >= 0) /* a transient failure after all */
		return second;
	/* EACCES is the verifier's refusal when it said something, else a denial (LSM) */
	if (fd == -EACCES && log_buf[0] == '\0')
		return -EPERM;
	return fd;
}

/* The program of that kind, loaded; with use_kfunc, one without the kfunc when the one
 * with it is refused (has_count tells which). */
static int load_kind(struct bpfsys_iter *it, const struct bpfsys_btf *btf, bool use_kfunc,
                     char *log_buf, size_t log_size)
{
	struct bpfsys_iter_prog p;
	int err = bpfsys_iter_prog_build(&p, it->kind, btf, use_kfunc);
	int fd;

	if (err < 0)
		return err;
	fd = load(&p, log_buf, log_size);
	if (fd < 0 && p.has_count && fd != -EPERM) {
		err = bpfsys_iter_prog_build(&p, it->kind, btf, false);
		if (err < 0)
			return err;
		fd = load(&p, log_buf, log_size);
	}
	if (fd < 0)
		return fd;
	it->rec_size = p.rec_size;
	it->has_count = p.has_count;
	return fd;
}

int bpfsys_iter_open(struct bpfsys_iter *it, enum bpfsys_iter_kind kind,
                     const struct bpfsys_btf *btf, bool use_kfunc, char *log_buf, size_t log_size)
{
	struct bpfsys_link_create_opts lo = { .attach_type = BPFSYS_TRACE_ITER };
	int fd;

	if (!it)
		return -EINVAL;
	*it = (struct bpfsys_iter){ .kind = kind, .prog_fd = -1, .link_fd = -1 };
	if (log_buf && log_size)
		log_buf[0] = '\0';
	if (!btf || (unsigned int)kind >= BPFSYS_ITER_KIND_COUNT)
		return -EINVAL;
	fd = load_kind(it, btf, use_kfunc && kind == BPFSYS_ITER_MAP, log_buf, log_size);
	if (fd < 0)
		return fd;
	it->prog_fd = fd;
	lo.prog_fd = (uint32_t)fd;
	fd = bpfsys_link_create(&lo);
	if (fd < 0) {
		bpfsys_iter_close(it);
		return fd == -EACCES ? -EPERM : fd;
	}
	it->link_fd = fd;
	return 0;
}

void bpfsys_iter_close(struct bpfsys_iter *it)
{
	if (!it)
		return;
	/* bpfsys never hands out 0..2: a zeroed struct closes nothing */
	if (it->link_fd > 2)
		bpfsys_close(it->link_fd);
	if (it->prog_fd > 2)
		bpfsys_close(it->prog_fd);
	it->link_fd = -1;
	it->prog_fd = -1;
}

/* Hands every whole record in buf[0, *have) to cb and moves a trailing part of one to
 * the front. Returns how many were handed over, or cb's negative result. */
static int dispatch(char *buf, size_t *have, size_t rec_size, int (*cb)(void *arg, const void *rec),
                    void *arg)
{
	size_t off = 0;
	int n = 0;

	for (; off + rec_size <= *have; off += rec_size, n++) {
		int err = cb(arg, buf + off);

		if (err < 0)
			return err;
	}
	memmove(buf, buf + off, *have - off);
	*have -= off;
	return n;
}

/* read() but for EINTR; errno stays here. */
static long read_some(int fd, char *buf, size_t len)
{
	for (;;) {
		ssize_t n = read(fd, buf, len);

		if (n >= 0)
			return n;
		if (errno != EINTR)
			return errno > 0 ? -errno : -EIO;
	}
}

int bpfsys_iter_read(const struct bpfsys_iter *it, void *buf, size_t cap,
                     int (*cb)(void *arg, const void *rec), void *arg)
{
	size_t have = 0;
	int fd, got, total = 0;
	long n;

	if (!it || !buf || !cb || !it->rec_size || cap < it->rec_size || (uintptr_t)buf % 8 != 0)
		return -EINVAL;
	fd = bpfsys_iter_create(it->link_fd);
	if (fd < 0)
		return fd;
	/* The kernel never splits a record when cap covers its whole buffer (8 pages); a
	 * smaller cap, or bigger pages, can split one: the part is kept for the next read. */
	while ((n = read_some(fd, (char *)buf + have, cap - have)) > 0) {
		have += (size_t)n;
		got = dispatch(buf, &have, it->rec_size, cb, arg);
		if (got < 0 || total > INT32_MAX - got) {
			n = got < 0 ? got : -EOVERFLOW;
			break;
		}
		total += got;
	}
	if (n == 0 && have)
		n = -EPROTO; /* the stream ended inside a record */
	bpfsys_close(fd);
	return n < 0 ? (int)n : total;
}
