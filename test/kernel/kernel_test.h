/* SPDX-License-Identifier: MIT */
/* Shared by the kernel tests (include once per test program, after cmocka.h): a cmocka
 * setup/teardown pair that fails a test which leaves an fd open, the check every fd from
 * bpfsys must pass (above 2, close-on-exec), and the smallest BTF blob the kernel loads. */
#ifndef TEST_KERNEL_KERNEL_TEST_H
#define TEST_KERNEL_KERNEL_TEST_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>

static int fds_at_start;

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int note_fds(void **state)
{
	(void)state;
	fds_at_start = count_fds();
	return 0;
}

static int check_fds(void **state)
{
	int now = count_fds();

	(void)state;
	if (now != fds_at_start) {
		print_error("fd leak: %d open before the test, %d after\n", fds_at_start, now);
		return -1;
	}
	return 0;
}

static void expect_good_fd(int fd)
{
	if (fd < 0)
		fail_msg("bpfsys call failed: %s", strerror(-fd));
	assert_true(fd > 2);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

/* A BTF blob holding one type: int (id 1, 32 bits, signed). */
static const struct {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	uint32_t name_off, info, size, encoding;
	char strings[5];
} tiny_btf = { 0xeb9f, 1, 0, 24, 0, 16, 16, 5, 1, 1u << 24, 4, (1u << 24) | 32, "\0int" };

#endif
