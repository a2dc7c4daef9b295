/* SPDX-License-Identifier: MIT */
/* Body buffers with reference counts: a scrape renders into a free body while earlier
 * bodies are still being written to slow clients, and no body is reused until its last
 * reader let go of it. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "metrics.h"

int metrics_body_pool_init(struct metrics_body_pool *p, size_t nbodies, size_t cap_each)
{
	memset(p, 0, sizeof(*p));
	if (nbodies == 0 || nbodies > METRICS_MAX_BODIES || cap_each == 0)
		return -EINVAL;
	for (size_t i = 0; i < nbodies; i++) {
		/* lazily committed: a body costs memory only as far as a render has reached */
		void *d = mmap(NULL, cap_each, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (d == MAP_FAILED) {
			int err = -errno;

			metrics_body_pool_fini(p);
			return err;
		}
		p->bodies[i] = (struct metrics_body){ .data = d, .cap = cap_each };
		p->nbodies = i + 1;
	}
	return 0;
}

void metrics_body_pool_fini(struct metrics_body_pool *p)
{
	for (size_t i = 0; i < p->nbodies; i++)
		munmap(p->bodies[i].data, p->bodies[i].cap);
	memset(p, 0, sizeof(*p));
}

struct metrics_body *metrics_body_acquire(struct metrics_body_pool *p)
{
	for (size_t i = 0; i < p->nbodies; i++) {
		struct metrics_body *b = &p->bodies[i];

		if (b->refs == 0) {
			b->refs = 1;
			b->len = 0;
			return b;
		}
	}
	return NULL;
}

void metrics_body_retain(struct metrics_body *b)
{
	b->refs++;
}

void metrics_body_release(struct metrics_body *b)
{
	/* an unbalanced release must not wrap to UINT_MAX and pin the body for good */
	if (b && b->refs > 0)
		b->refs--;
}
