/* SPDX-License-Identifier: MIT */
/* The walk every syscall collector shares (bpftool's): next-id until -ENOENT. */
#include <errno.h>
#include <stdbool.h>

#include "collector.h"

int collector_walk(struct collector_ctx *ctx, const char *what,
                   int (*next_id)(uint32_t start_id, uint32_t *next_id),
                   int (*visit)(struct collector_ctx *ctx, const void *arg, uint32_t id),
                   const void *arg)
{
	uint32_t id = 0;
	int err = 0;

	for (bool first = true; err >= 0; first = false) {
		err = next_id(id, &id);
		if (err == -ENOENT)
			return 0;
		/* failing at once (EPERM, EINVAL) fails the collector; later, keep what we have */
		if (err < 0 && first)
			return err;
		if (err < 0) {
			collector_object_error(ctx, what, id, err);
			return 0;
		}
		err = visit(ctx, arg, id);
	}
	return err;
}
