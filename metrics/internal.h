/* SPDX-License-Identifier: MIT */
/* Shared between the files of metrics/, not part of its interface.
 *
 * The arena is a bump allocator of chunks. Each family owns a chain of chunks (head ->
 * next -> ... -> tail); a chunk starts with this header, its text follows. Offsets, not
 * pointers, so a chunk header is the same whatever address the arena is mapped at. */
#ifndef METRICS_INTERNAL_H
#define METRICS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"

#define METRICS_NO_CHUNK UINT32_MAX

struct metrics_chunk {
	uint32_t next; /* offset of the next chunk of the family, or METRICS_NO_CHUNK */
	uint32_t len;  /* text bytes used */
	uint32_t cap;  /* text bytes available after this header */
	uint32_t reserved;
};

static inline struct metrics_chunk *metrics_chunk_at(const struct metrics_arena *a, uint32_t off)
{
	return (struct metrics_chunk *)(void *)(a->base + off);
}

static inline char *metrics_chunk_text(struct metrics_chunk *c)
{
	return (char *)(c + 1);
}

/* Makes room for need more bytes at the end of family f: grows its tail chunk when that
 * is the last chunk of the arena, else chains a new one. Returns 0, -E2BIG (need above
 * METRICS_MAX_LINE, arena untouched) or -ENOSPC (arena marked overflowed). */
int metrics_make_room(struct metrics_arena *a, struct metrics_family_slot *f, size_t need);

/* Length of name when it is a valid metric name, else 0. */
size_t metrics_metric_name_len(const char *name);

/* Number formatting into METRICS_NUM_SIZE bytes; each returns the length written (no
 * NUL), metrics_fmt_double() 0 if the C library failed to format. */
#define METRICS_NUM_SIZE 32
size_t metrics_fmt_u64(char *out, uint64_t v);
size_t metrics_fmt_i64(char *out, int64_t v);
size_t metrics_fmt_double(char *out, double v);

#endif
