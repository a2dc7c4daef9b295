/* SPDX-License-Identifier: MIT */
/* The one place that calls syscall(SYS_bpf): errno is read here, right after the call,
 * and never leaves bpfsys. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpfsys.h"
#include "internal.h"

long bpfsys_sys_bpf(int cmd, union bpfsys_attr *attr, unsigned int size)
{
	long ret = syscall(SYS_bpf, cmd, attr, size);

	if (ret < 0)
		return errno > 0 ? -errno : -EIO; /* a failure must never read as success */
	return ret;
}

int bpfsys_ensure_good_fd(int fd)
{
	int nfd, err;

	if (fd < 0 || fd > 2)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	err = nfd < 0 ? -errno : 0;
	close(fd);
	return nfd < 0 ? err : nfd;
}

int bpfsys_sys_bpf_fd(int cmd, union bpfsys_attr *attr, unsigned int size)
{
	long ret = bpfsys_sys_bpf(cmd, attr, size);

	if (ret > INT_MAX)
		return -EOVERFLOW; /* no command that makes an fd returns this */
	return bpfsys_ensure_good_fd((int)ret);
}

int bpfsys_close(int fd)
{
	if (fd < 0)
		return -EBADF;
	/* Linux releases the fd even when close() reports EINTR; retrying could close an
	 * fd another thread just got. */
	if (close(fd) < 0 && errno != EINTR)
		return -errno;
	return 0;
}
