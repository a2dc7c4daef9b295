/* SPDX-License-Identifier: MIT */
/* Backend selection: probe once at start-up, log the choice once, keep the iterators. */
#include "backend.h"

#include <errno.h>
#include <string.h>

#include "bpfsys.h"
#include "btf.h"
#include "log.h"

static const char *const backend_names[] = {
	[COLLECTOR_BACKEND_AUTO] = "auto",
	[COLLECTOR_BACKEND_ITER_KFUNC] = "iterator+kfunc",
	[COLLECTOR_BACKEND_ITER] = "iterator",
	[COLLECTOR_BACKEND_SYSCALL] = "syscall",
};
_Static_assert(sizeof(backend_names) / sizeof(backend_names[0]) == COLLECTOR_BACKEND_COUNT,
               "one name per backend");

/* The collector of each iterator kind. */
static const char *const kind_collectors[] = {
	[BPFSYS_ITER_MAP] = "map",
	[BPFSYS_ITER_PROG] = "prog",
	[BPFSYS_ITER_LINK] = "link",
};
_Static_assert(sizeof(kind_collectors) / sizeof(kind_collectors[0]) == BPFSYS_ITER_KIND_COUNT,
               "one collector per iterator kind");

static struct bpfsys_iter iters[BPFSYS_ITER_KIND_COUNT];
/* syscalls until backend_init() has found better */
static enum collector_backend chosen[BPFSYS_ITER_KIND_COUNT] = {
	COLLECTOR_BACKEND_SYSCALL,
	COLLECTOR_BACKEND_SYSCALL,
	COLLECTOR_BACKEND_SYSCALL,
};
_Static_assert(BPFSYS_ITER_KIND_COUNT == 3, "chosen[] starts with syscalls for every kind");
static bool open_by_id = true;
/* One read() of an iterator returns at most a few pages; records are never split. */
static _Alignas(8) char read_buf[64 * 1024];
static char verifier_log[16 * 1024];

const char *collector_backend_name(enum collector_backend b)
{
	return (unsigned)b < COLLECTOR_BACKEND_COUNT ? backend_names[b] : "unknown";
}

int collector_backend_parse(const char *s)
{
	for (int i = 0; i < COLLECTOR_BACKEND_COUNT; i++)
		if (strcmp(s, backend_names[i]) == 0)
			return i;
	return -EINVAL;
}

static int open_kind(enum bpfsys_iter_kind kind, const struct bpfsys_btf *btf,
                     enum collector_backend want)
{
	bool kfunc = want != COLLECTOR_BACKEND_ITER && kind == BPFSYS_ITER_MAP;
	int err;

	verifier_log[0] = '\0';
	err = bpfsys_iter_open(&iters[kind], kind, btf, kfunc, verifier_log, sizeof(verifier_log));
	if (err < 0) {
		enum log_level level = want == COLLECTOR_BACKEND_AUTO ? LOG_INFO : LOG_ERROR;

		log_msg(level, "BPF iterator unavailable",
		        "collector=%s err=\"%s\" verifier_log=\"%.600s\"", kind_collectors[kind],
		        strerror(-err), verifier_log);
		return err;
	}
	if (want == COLLECTOR_BACKEND_ITER_KFUNC && kind == BPFSYS_ITER_MAP &&
	    !iters[kind].has_count) {
		log_error("bpf_map_sum_elem_count kfunc unavailable (Linux 6.6+)", "collector=map");
		return -ENOENT;
	}
	chosen[kind] = kind == BPFSYS_ITER_MAP && iters[kind].has_count
	                       ? COLLECTOR_BACKEND_ITER_KFUNC
	                       : COLLECTOR_BACKEND_ITER;
	return 0;
}

static int open_iters(enum collector_backend want, const bool wanted[BPFSYS_ITER_KIND_COUNT])
{
	struct bpfsys_btf btf;
	int err = bpfsys_btf_open_vmlinux(&btf);

	if (err < 0) {
		log_msg(want == COLLECTOR_BACKEND_AUTO ? LOG_INFO : LOG_ERROR,
		        "kernel BTF unavailable, no BPF iterators",
		        "path=/sys/kernel/btf/vmlinux err=\"%s\"", strerror(-err));
		return want == COLLECTOR_BACKEND_AUTO ? 0 : err;
	}
	for (int k = 0; k < BPFSYS_ITER_KIND_COUNT && err >= 0; k++) {
		if (!wanted[k])
			continue;
		err = open_kind((enum bpfsys_iter_kind)k, &btf, want);
		if (want == COLLECTOR_BACKEND_AUTO)
			err = 0;
	}
	bpfsys_btf_close(&btf);
	return err;
}

int backend_init(enum collector_backend want, const bool wanted[BPFSYS_ITER_KIND_COUNT])
{
	uint32_t id;
	int err = 0;

	for (int k = 0; k < BPFSYS_ITER_KIND_COUNT; k++) {
		iters[k] = (struct bpfsys_iter){ .prog_fd = -1, .link_fd = -1 };
		chosen[k] = COLLECTOR_BACKEND_SYSCALL;
	}
	open_by_id = bpfsys_map_get_next_id(0, &id) != -EPERM;
	if (want != COLLECTOR_BACKEND_SYSCALL)
		err = open_iters(want, wanted);
	if (err < 0) {
		backend_fini();
		return err;
	}
	for (int k = 0; k < BPFSYS_ITER_KIND_COUNT; k++)
		log_info("collector backend", "collector=%s backend=%s", kind_collectors[k],
		         backend_names[chosen[k]]);
	if (!open_by_id)
		log_warn("objects cannot be opened by id (needs CAP_SYS_ADMIN)",
		         "effect=\"no ebpf_map_entries for maps counted by key walk, no "
		         "ebpf_link_*_info details, no BTF collector\"");
	return 0;
}

void backend_fini(void)
{
	for (int k = 0; k < BPFSYS_ITER_KIND_COUNT; k++) {
		bpfsys_iter_close(&iters[k]);
		chosen[k] = COLLECTOR_BACKEND_SYSCALL;
	}
}

const char *backend_kind_collector(enum bpfsys_iter_kind kind)
{
	return kind_collectors[kind];
}

enum collector_backend backend_of(enum bpfsys_iter_kind kind)
{
	return chosen[kind];
}

const struct bpfsys_iter *backend_iter(enum bpfsys_iter_kind kind)
{
	bool iter = chosen[kind] == COLLECTOR_BACKEND_ITER ||
	            chosen[kind] == COLLECTOR_BACKEND_ITER_KFUNC;

	return iter ? &iters[kind] : NULL;
}

int backend_iter_read(enum bpfsys_iter_kind kind, int (*cb)(void *arg, const void *rec), void *arg)
{
	return bpfsys_iter_read(&iters[kind], read_buf, sizeof(read_buf), cb, arg);
}

bool backend_can_open_by_id(void)
{
	return open_by_id;
}
