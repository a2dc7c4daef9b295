/* SPDX-License-Identifier: MIT */
/* Collector "btf": one ebpf_btf_info series per loaded BTF object (vmlinux, modules and
 * the BTF that programs and maps brought along, which has no name). */
#include <errno.h>
#include <stdbool.h>

#include "bpfsys.h"
#include "collector.h"
#include "names.h"

/* Kernel BTF is named after its module (MODULE_NAME_LEN is 56); longer names are cut. */
#define BTF_NAME_SIZE 64

static int emit(struct metrics_arena *a, int fam, uint32_t id, const char *name,
                const struct bpfsys_btf_info *info, uint32_t len)
{
	char id_str[NAMES_NUM_SIZE];
	bool kernel = BPFSYS_INFO_HAS(len, struct bpfsys_btf_info, kernel_btf) && info->kernel_btf;
	const struct metrics_label labels[] = {
		{ "btf_id", names_u64(id_str, id) },
		{ "btf_name", name },
		{ "is_kernel", kernel ? "true" : "false" },
	};

	return metrics_sample_u64(a, fam, labels, 3, 1);
}

/* One BTF object: 0 when exported, skipped as vanished or counted as an object error;
 * otherwise the metric writer's -errno. */
static int scrape_one(struct collector_ctx *ctx, const void *arg, uint32_t id)
{
	int fam = *(const int *)arg;
	struct bpfsys_btf_info info;
	uint32_t len = sizeof(info);
	char name[BTF_NAME_SIZE];
	int fd, err;

	fd = bpfsys_btf_get_fd_by_id(id);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0) {
		collector_object_error(ctx, "btf", id, fd);
		return 0;
	}
	err = bpfsys_btf_get_info(fd, &info, &len, name, sizeof(name));
	bpfsys_close(fd);
	/* -ENOSPC: the name was cut to fit, the rest is complete. */
	if (err < 0 && err != -ENOSPC) {
		collector_object_error(ctx, "btf", id, err);
		return 0;
	}
	return emit(ctx->arena, fam, id, name, &info, len);
}

static int collect(struct collector_ctx *ctx)
{
	int fam = metrics_family(ctx->arena, "ebpf_btf_info",
	                         "Information on currently loaded BTF objects.", METRICS_GAUGE);
	int err = fam;

	return err < 0 ? err : collector_walk(ctx, "btf", bpfsys_btf_get_next_id, scrape_one, &fam);
}

const struct collector collector_btf = {
	.name = "btf",
	.help = "loaded BTF objects (ebpf_btf_info)",
	.default_on = true,
	.collect = collect,
};
