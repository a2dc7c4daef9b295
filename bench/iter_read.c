/* SPDX-License-Identifier: MIT */
/* The floor of a scrape: bare BPF iterator passes over every map and program (with the
 * kfunc count), nothing formatted. Prints the median microseconds of a pass over both.
 *   iter_read [passes]        (root; default 50 passes) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btf.h"
#include "iter.h"

static _Alignas(8) char buf[64 * 1024];

static int count_rec(void *arg, const void *rec)
{
	(void)rec;
	(*(unsigned long *)arg)++;
	return 0;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int passes = argc > 1 ? atoi(argv[1]) : 50;
	struct bpfsys_iter maps, progs;
	struct bpfsys_btf btf;
	static double t[1000];
	unsigned long n = 0;
	int err;

	if (passes < 1 || passes > 1000)
		passes = 50;
	err = bpfsys_btf_open_vmlinux(&btf);
	if (err >= 0)
		err = bpfsys_iter_open(&maps, BPFSYS_ITER_MAP, &btf, true, NULL, 0);
	if (err >= 0)
		err = bpfsys_iter_open(&progs, BPFSYS_ITER_PROG, &btf, false, NULL, 0);
	if (err < 0) {
		fprintf(stderr, "iter_read: %s\n", strerror(-err));
		return 1;
	}
	bpfsys_btf_close(&btf);
	for (int i = 0; i < passes; i++) {
		double start = now_us();

		n = 0;
		if (bpfsys_iter_read(&maps, buf, sizeof(buf), count_rec, &n) < 0 ||
		    bpfsys_iter_read(&progs, buf, sizeof(buf), count_rec, &n) < 0) {
			fprintf(stderr, "iter_read: read failed\n");
			return 1;
		}
		t[i] = now_us() - start;
	}
	qsort(t, (size_t)passes, sizeof(t[0]), cmp_double);
	printf("%.1f %lu\n", t[passes / 2], n);
	bpfsys_iter_close(&maps);
	bpfsys_iter_close(&progs);
	return 0;
}
