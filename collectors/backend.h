/* SPDX-License-Identifier: MIT */
/* The backend each object collector reads through, chosen once at start-up by probing
 * (iterator + kfunc, iterator, syscalls), and the iterators it keeps open. Internal to
 * collectors/. */
#ifndef COLLECTORS_BACKEND_H
#define COLLECTORS_BACKEND_H

#include <stdbool.h>

#include "collector.h"
#include "iter.h"

/* Probes and opens the iterators of the kinds in wanted[] (their collectors are on and
 * can use one). -errno when a forced backend cannot be had (the error is logged); auto
 * never fails, it falls back. */
int backend_init(enum collector_backend want, const bool wanted[BPFSYS_ITER_KIND_COUNT]);
void backend_fini(void);

/* The collector reading kind ("map", "prog", "link"). */
const char *backend_kind_collector(enum bpfsys_iter_kind kind);
/* The backend collector kind reads through (SYSCALL when its collector is off). */
enum collector_backend backend_of(enum bpfsys_iter_kind kind);
/* The open iterator of that kind, or NULL when it reads through syscalls. */
const struct bpfsys_iter *backend_iter(enum bpfsys_iter_kind kind);
/* One pass of that kind's iterator into the shared read buffer. */
int backend_iter_read(enum bpfsys_iter_kind kind, int (*cb)(void *arg, const void *rec), void *arg);
/* False when objects cannot be opened by id (no CAP_SYS_ADMIN): the iterator paths then
 * skip what needs an fd (map key walks, link details) instead of failing every scrape. */
bool backend_can_open_by_id(void);

#endif
