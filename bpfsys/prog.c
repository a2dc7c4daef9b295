/* SPDX-License-Identifier: MIT */
/* Program load and attach, raw tracepoints, BTF load. */
#include <errno.h>

#include "bpfsys.h"
#include "internal.h"

/* The verifier answers EAGAIN when interrupted; libbpf retries the same way. */
#define PROG_LOAD_ATTEMPTS 5

int bpfsys_prog_load(const struct bpfsys_prog_load_opts *o)
{
	union bpfsys_attr attr;
	int fd = -EAGAIN;

	if (!o || !o->insns || !o->insn_cnt)
		return -EINVAL;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = o->prog_type;
	attr.insn_cnt = o->insn_cnt;
	attr.insns = bpfsys_ptr(o->insns);
	attr.license = bpfsys_ptr(o->license ? o->license : "GPL");
	if (o->log_buf && o->log_size) {
		attr.log_level = o->log_level ? o->log_level : 1;
		attr.log_size = o->log_size;
		attr.log_buf = bpfsys_ptr(o->log_buf);
		o->log_buf[0] = '\0';
	}
	attr.prog_flags = o->prog_flags;
	bpfsys_copy_name(attr.prog_name, o->name);
	attr.expected_attach_type = o->expected_attach_type;
	attr.prog_btf_fd = o->prog_btf_fd;
	attr.attach_btf_id = o->attach_btf_id;
	/* One field in the kernel: a prog fd for freplace/fentry on a program, else the
	 * fd of the module BTF that attach_btf_id belongs to. */
	attr.attach_prog_fd = o->attach_prog_fd ? o->attach_prog_fd : o->attach_btf_obj_fd;
	attr.fd_array = bpfsys_ptr(o->fd_array);
	for (int i = 0; i < PROG_LOAD_ATTEMPTS && fd == -EAGAIN; i++)
		fd = bpfsys_sys_bpf_fd(BPFSYS_CMD_PROG_LOAD, &attr, BPFSYS_ATTR_SIZE(fd_array));
	return fd;
}

int bpfsys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags)
{
	union bpfsys_attr attr;
	long ret;

	if (prog_fd < 0 || target_fd < 0)
		return -EBADF;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)target_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = attach_type;
	attr.attach_flags = flags;
	ret = bpfsys_sys_bpf(BPFSYS_CMD_PROG_ATTACH, &attr, BPFSYS_ATTR_SIZE(attach_flags));
	return ret < 0 ? (int)ret : 0;
}

int bpfsys_raw_tracepoint_open(const char *name, int prog_fd)
{
	union bpfsys_attr attr;

	if (prog_fd < 0)
		return -EBADF;
	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = bpfsys_ptr(name); /* NULL: the one the program names */
	attr.raw_tracepoint.prog_fd = (uint32_t)prog_fd;
	return bpfsys_sys_bpf_fd(BPFSYS_CMD_RAW_TRACEPOINT_OPEN, &attr,
	                         BPFSYS_ATTR_SIZE(raw_tracepoint.prog_fd));
}

int bpfsys_btf_load(const void *data, uint32_t size, char *log_buf, uint32_t log_size)
{
	union bpfsys_attr attr;

	if (!data || !size)
		return -EINVAL;
	memset(&attr, 0, sizeof(attr));
	attr.btf = bpfsys_ptr(data);
	attr.btf_size = size;
	if (log_buf && log_size) {
		attr.btf_log_buf = bpfsys_ptr(log_buf);
		attr.btf_log_size = log_size;
		attr.btf_log_level = 1;
		log_buf[0] = '\0';
	}
	return bpfsys_sys_bpf_fd(BPFSYS_CMD_BTF_LOAD, &attr, BPFSYS_ATTR_SIZE(btf_log_level));
}
