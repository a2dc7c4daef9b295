/* SPDX-License-Identifier: MIT */
/* Prometheus text exposition format 0.0.4 written into a fixed arena.
 *
 * An arena is reserved once (mmap, lazily committed) and reused for every scrape:
 * metrics_reset() empties it. Families are declared with metrics_family(), samples are
 * appended to a family by index in any order, and metrics_render() writes the families
 * out in declaration order (HELP, TYPE, then all samples of a family; families with no
 * sample are left out), so callers may interleave samples of different families.
 * Nothing here allocates after metrics_arena_init() and nothing makes a syscall
 * except init/fini (mmap/munmap). All functions return >= 0 on success, -errno on error:
 * -ENOSPC when the arena is full (the arena then stays "overflowed" until reset),
 * -EINVAL for an invalid metric or label name, -EEXIST for a family declared twice,
 * -E2BIG for one sample line longer than METRICS_MAX_LINE (the arena stays usable).
 * Not thread-safe: one arena belongs to one thread. */
#ifndef METRICS_METRICS_H
#define METRICS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum metrics_type {
	METRICS_GAUGE,
	METRICS_COUNTER,
	METRICS_UNTYPED,
	METRICS_TYPE_COUNT
};

#define METRICS_MAX_FAMILIES 256
#define METRICS_MAX_LABELS   8
/* Arena granularity: samples live in chains of chunks of this many bytes (a chunk grows
 * by whole chunks when a line needs it). Offsets are 32-bit, hence the cap limit. */
#define METRICS_CHUNK_SIZE    4096u
#define METRICS_MAX_ARENA_CAP ((uint64_t)1 << 32)
/* Longest single write: HELP/TYPE header (first sample only) plus one sample line. */
#define METRICS_MAX_LINE (64u * 1024)
/* Bytes metrics_u64_str() needs: 20 digits and the terminating NUL. */
#define METRICS_U64_STR_SIZE 21

struct metrics_label {
	const char *name;  /* [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" */
	const char *value; /* escaped by the writer: \ " and newline; invalid UTF-8 -> U+FFFD */
};

struct metrics_family_slot {
	const char *name; /* must outlive the scrape (string literals) */
	const char *help; /* NULL: no HELP line */
	enum metrics_type type;
	uint32_t head; /* arena offset of the first chunk, or UINT32_MAX */
	uint32_t tail; /* arena offset of the last chunk */
	uint32_t samples;
	size_t name_len;
	size_t bytes; /* rendered bytes of this family, HELP/TYPE included */
};

struct metrics_arena {
	char *base;
	size_t cap; /* bytes reserved (a multiple of METRICS_CHUNK_SIZE) */
	size_t top; /* bytes handed out as chunks */
	bool overflow;
	size_t nfamilies;
	struct metrics_family_slot families[METRICS_MAX_FAMILIES];
};

/* Position to return to: families declared and bytes used at that point. */
struct metrics_mark {
	size_t nfamilies;
	size_t top;
};

/* cap is rounded down to METRICS_CHUNK_SIZE; -EINVAL if that leaves less than one chunk
 * or more than METRICS_MAX_ARENA_CAP, -errno of mmap otherwise. */
int metrics_arena_init(struct metrics_arena *a, size_t cap);
void metrics_arena_fini(struct metrics_arena *a);
void metrics_reset(struct metrics_arena *a);
bool metrics_overflowed(const struct metrics_arena *a);

/* Returns the family index (>= 0). -ENOSPC (and overflowed) past METRICS_MAX_FAMILIES. */
int metrics_family(struct metrics_arena *a, const char *name, const char *help,
                   enum metrics_type type);

/* Append one sample "name{l1="v1",...} value\n" to family fam. Integers are printed as
 * integers, doubles as the first of %.15g, %.16g, %.17g that reads back as the same
 * value (always with a dot), NaN as NaN and infinities as +Inf/-Inf. The first sample of
 * a family also writes its HELP/TYPE lines. On any error nothing is left behind.
 * -EINVAL: bad fam, more than METRICS_MAX_LABELS labels, a bad or repeated label name,
 * a NULL value. labels may be NULL when nlabels is 0; they are copied before returning. */
int metrics_sample_u64(struct metrics_arena *a, int fam, const struct metrics_label *labels,
                       size_t nlabels, uint64_t value);
int metrics_sample_i64(struct metrics_arena *a, int fam, const struct metrics_label *labels,
                       size_t nlabels, int64_t value);
int metrics_sample_double(struct metrics_arena *a, int fam, const struct metrics_label *labels,
                          size_t nlabels, double value);

/* Rewind drops every family declared after the mark (and all their samples).
 * Samples must only be added to families declared after the caller's mark.
 * An overflowed arena stays overflowed. A mark is valid until the next reset (one that
 * points past the present is ignored). */
void metrics_mark(const struct metrics_arena *a, struct metrics_mark *m);
void metrics_rewind(struct metrics_arena *a, const struct metrics_mark *m);

/* Bytes metrics_render() will write (0 when overflowed). */
size_t metrics_render_size(const struct metrics_arena *a);
/* Writes the whole exposition into out; returns bytes written or -ENOSPC
 * (nothing useful written) if cap is too small, -EOVERFLOW if the arena overflowed. */
long metrics_render(const struct metrics_arena *a, char *out, size_t cap);

/* Format an unsigned integer into buf (for label values); returns buf.
 * buf gets "" when cap < METRICS_U64_STR_SIZE and the digits do not fit. */
const char *metrics_u64_str(char *buf, size_t cap, uint64_t v);

/* A pool of fixed body buffers that outlive a scrape while HTTP sends them.
 * A body is acquired to render into, published, then released by each reader
 * (metrics_body_retain() for each extra reader). Single-threaded like the arena. */
#define METRICS_MAX_BODIES 64

struct metrics_body {
	char *data;
	size_t cap;
	size_t len;
	unsigned refs;
};

struct metrics_body_pool {
	size_t nbodies;
	struct metrics_body bodies[METRICS_MAX_BODIES];
};

/* One lazily committed mmap per body. -EINVAL unless 1 <= nbodies <= METRICS_MAX_BODIES
 * and cap_each > 0; -errno of mmap (nothing stays mapped). */
int metrics_body_pool_init(struct metrics_body_pool *p, size_t nbodies, size_t cap_each);
void metrics_body_pool_fini(struct metrics_body_pool *p);
/* A body with refs == 0 (now refs == 1, len == 0), or NULL when every body is in use. */
struct metrics_body *metrics_body_acquire(struct metrics_body_pool *p);
void metrics_body_retain(struct metrics_body *b);
/* Drops one reference; the body is free again at refs == 0. Extra releases are ignored. */
void metrics_body_release(struct metrics_body *b);

#endif
