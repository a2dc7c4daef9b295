/* SPDX-License-Identifier: MIT */
/* The collector contract and the registry table.
 *
 * A collector is one file under collectors/ plus one row in registry.c. Per scrape the
 * registry calls collect() for each enabled collector, timing it. collect() declares its
 * own families (nobody else writes to them) and returns:
 *   0        every object reported;
 *   -errno   the collector failed as a whole: its families are rewound away.
 * Per-object failures are counted with collector_object_error(): the collector keeps
 * going, its other objects stay in the output, and the scrape reports success 0 for it.
 * -ENOSPC from the metric writer aborts the whole scrape (the HTTP layer answers 500). */
#ifndef COLLECTORS_COLLECTOR_H
#define COLLECTORS_COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "metrics.h"

struct collector_ctx {
	struct metrics_arena *arena;
	const char *collector; /* name of the running collector, for logs */
	unsigned errors;       /* per-object failures in this scrape */
	int first_error;       /* -errno of the first one */
};

/* Record a per-object failure (debug log line + count). what names the object. */
void collector_object_error(struct collector_ctx *ctx, const char *what, uint32_t id, int err);

/* Visits every object id of one kind in order: next_id until -ENOENT (the end). An error
 * on the first call is returned (the collector fails); a later one is counted as an object
 * error and ends the walk with 0. visit returns 0 or the metric writer's -errno, which
 * stops the walk and is returned. */
int collector_walk(struct collector_ctx *ctx, const char *what,
                   int (*next_id)(uint32_t start_id, uint32_t *next_id),
                   int (*visit)(struct collector_ctx *ctx, const void *arg, uint32_t id),
                   const void *arg);

struct collector {
	const char *name; /* flag suffix and label value: --collector.<name> */
	const char *help; /* one line for --help */
	bool default_on;
	int (*init)(void); /* optional; start-up; -errno disables start-up with an error */
	int (*collect)(struct collector_ctx *ctx);
	void (*fini)(void); /* optional */
};

/* Options set by the command line before collectors_init(). */
enum collector_prog_stats_mode {
	COLLECTOR_PROG_STATS_DISABLED,
	COLLECTOR_PROG_STATS_SAMPLE,
	COLLECTOR_PROG_STATS_ENABLED,
	COLLECTOR_PROG_STATS_MODE_COUNT
};

/* How objects are read: auto picks the first that works, in this order. */
enum collector_backend {
	COLLECTOR_BACKEND_AUTO,
	COLLECTOR_BACKEND_ITER_KFUNC, /* BPF iterator + bpf_map_sum_elem_count (6.6+) */
	COLLECTOR_BACKEND_ITER,       /* BPF iterator, map entries by key walk (5.8+) */
	COLLECTOR_BACKEND_SYSCALL,    /* next-id / get-fd / get-info per object */
	COLLECTOR_BACKEND_COUNT
};
const char *collector_backend_name(enum collector_backend b);
int collector_backend_parse(const char *s); /* the enum value, or -EINVAL */

enum collector_count_mode {
	COLLECTOR_COUNT_AUTO, /* on when map entries come from the kfunc */
	COLLECTOR_COUNT_ON,
	COLLECTOR_COUNT_OFF,
};

struct collector_options {
	enum collector_prog_stats_mode prog_stats_mode;
	enum collector_backend backend;
	enum collector_count_mode count_mode;
	bool map_count_entries; /* resolved from count_mode by collectors_init() */
};
extern struct collector_options collector_opts;

/* Program run-time statistics (BPF_ENABLE_STATS): hold or drop the stats fd.
 * Returns 0 or -errno (-EINVAL: kernel older than 5.8). Idempotent. */
int collector_prog_stats_enable(void);
void collector_prog_stats_disable(void);
bool collector_prog_stats_active(void);

/* The table (registry.c) and per-collector enable switches (index-aligned). */
extern const struct collector *const collector_table[];
extern const unsigned collector_count;
extern bool collector_enabled[];

/* Finds a collector by name; returns its index or -ENOENT. */
int collector_find(const char *name);

/* Start-up: calls init of enabled collectors. Returns 0 or the first -errno. */
int collectors_init(void);
void collectors_fini(void);

/* One scrape: reset arena, build_info, every enabled collector, then the
 * scrape_collector_duration_seconds / scrape_collector_success families.
 * Returns 0, or -ENOSPC when the arena overflowed (the output is unusable). */
int collectors_scrape(struct metrics_arena *arena);

#endif
