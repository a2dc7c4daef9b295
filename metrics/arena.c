/* SPDX-License-Identifier: MIT */
/* The arena: one reservation, chunks handed out bump-pointer from top, families as
 * chains of chunks, and rendering as the concatenation of those chains. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define CHUNK_HEADER sizeof(struct metrics_chunk)

_Static_assert(METRICS_CHUNK_SIZE % 64 == 0 && METRICS_CHUNK_SIZE > 2 * CHUNK_HEADER,
               "chunks keep their headers aligned");
_Static_assert(METRICS_MAX_LINE + CHUNK_HEADER + METRICS_CHUNK_SIZE < UINT32_MAX,
               "a chunk's size fits its 32-bit fields");

int metrics_arena_init(struct metrics_arena *a, size_t cap)
{
	void *p;

	memset(a, 0, sizeof(*a));
	cap -= cap % METRICS_CHUNK_SIZE;
	/* cap == 2^32 still works: chunk offsets stay below 2^32 - METRICS_CHUNK_SIZE */
	if (cap == 0 || (uint64_t)cap > METRICS_MAX_ARENA_CAP)
		return -EINVAL;
	/* MAP_NORESERVE: pages are committed as scrapes first touch them, so a generous cap
	 * costs address space only. */
	p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
	         0);
	if (p == MAP_FAILED)
		return -errno;
	a->base = p;
	a->cap = cap;
	return 0;
}

void metrics_arena_fini(struct metrics_arena *a)
{
	if (a->base)
		munmap(a->base, a->cap);
	memset(a, 0, sizeof(*a));
}

void metrics_reset(struct metrics_arena *a)
{
	a->top = 0;
	a->nfamilies = 0;
	a->overflow = false;
}

bool metrics_overflowed(const struct metrics_arena *a)
{
	return a->overflow;
}

int metrics_family(struct metrics_arena *a, const char *name, const char *help,
                   enum metrics_type type)
{
	size_t len = metrics_metric_name_len(name);
	struct metrics_family_slot *f;

	if (len == 0 || (unsigned)type >= METRICS_TYPE_COUNT)
		return -EINVAL;
	if (a->overflow)
		return -ENOSPC;
	for (size_t i = 0; i < a->nfamilies; i++)
		if (a->families[i].name_len == len && memcmp(a->families[i].name, name, len) == 0)
			return -EEXIST;
	if (a->nfamilies == METRICS_MAX_FAMILIES) {
		/* the output would lack a family: as wrong as a truncated one */
		a->overflow = true;
		return -ENOSPC;
	}
	f = &a->families[a->nfamilies];
	*f = (struct metrics_family_slot){
		.name = name,
		.help = help,
		.type = type,
		.head = METRICS_NO_CHUNK,
		.tail = METRICS_NO_CHUNK,
		.name_len = len,
	};
	return (int)a->nfamilies++;
}

static size_t round_up_chunk(size_t n)
{
	return (n + METRICS_CHUNK_SIZE - 1) / METRICS_CHUNK_SIZE * METRICS_CHUNK_SIZE;
}

int metrics_make_room(struct metrics_arena *a, struct metrics_family_slot *f, size_t need)
{
	struct metrics_chunk *c;
	size_t size;
	uint32_t off;

	if (need > METRICS_MAX_LINE)
		return -E2BIG;
	if (f->tail != METRICS_NO_CHUNK) {
		c = metrics_chunk_at(a, f->tail);
		if (need <= c->cap - c->len)
			return 0;
		/* the tail is the arena's last chunk: grow it in place, no new header */
		if (f->tail + CHUNK_HEADER + c->cap == a->top) {
			size = round_up_chunk(need - (c->cap - c->len));
			if (size > a->cap - a->top)
				goto full;
			c->cap += (uint32_t)size;
			a->top += size;
			return 0;
		}
	}
	size = round_up_chunk(need + CHUNK_HEADER);
	if (size > a->cap - a->top)
		goto full;
	off = (uint32_t)a->top;
	c = metrics_chunk_at(a, off);
	*c = (struct metrics_chunk){
		.next = METRICS_NO_CHUNK,
		.cap = (uint32_t)(size - CHUNK_HEADER),
	};
	a->top += size;
	if (f->tail == METRICS_NO_CHUNK)
		f->head = off;
	else
		metrics_chunk_at(a, f->tail)->next = off;
	f->tail = off;
	return 0;
full:
	a->overflow = true;
	return -ENOSPC;
}

void metrics_mark(const struct metrics_arena *a, struct metrics_mark *m)
{
	m->nfamilies = a->nfamilies;
	m->top = a->top;
}

void metrics_rewind(struct metrics_arena *a, const struct metrics_mark *m)
{
	/* a mark from before a reset points past the present: nothing to drop */
	if (m->nfamilies > a->nfamilies || m->top > a->top)
		return;
	a->nfamilies = m->nfamilies;
	a->top = m->top;
}

size_t metrics_render_size(const struct metrics_arena *a)
{
	size_t total = 0;

	if (a->overflow)
		return 0;
	for (size_t i = 0; i < a->nfamilies; i++)
		total += a->families[i].bytes;
	return total;
}

long metrics_render(const struct metrics_arena *a, char *out, size_t cap)
{
	size_t size = metrics_render_size(a), pos = 0;

	if (a->overflow)
		return -EOVERFLOW;
	if (size > cap || size > (size_t)LONG_MAX)
		return -ENOSPC;
	for (size_t i = 0; i < a->nfamilies; i++) {
		for (uint32_t off = a->families[i].head; off != METRICS_NO_CHUNK;) {
			struct metrics_chunk *c = metrics_chunk_at(a, off);

			memcpy(out + pos, metrics_chunk_text(c), c->len);
			pos += c->len;
			off = c->next;
		}
	}
	return (long)pos;
}
