/* SPDX-License-Identifier: MIT */
/* Collector "link": ebpf_link_info per link, plus one ebpf_link_<kind>_info series with
 * the type-specific fields for the link types that have them. */
#include <errno.h>
#include <stdbool.h>

#include "backend.h"
#include "bpfsys.h"
#include "collector.h"
#include "names.h"

enum link_family {
	LINK_FAM_INFO,
	LINK_FAM_CGROUP,
	LINK_FAM_NETNS,
	LINK_FAM_TRACING,
	LINK_FAM_XDP,
	LINK_FAM_TCX,
	LINK_FAM_NETFILTER,
	LINK_FAM_NETKIT,
	LINK_FAM_KPROBE,
	LINK_FAM_PERF_EVENT,
	LINK_FAM_COUNT
};

static const struct {
	const char *name;
	const char *help;
} link_families[] = {
	[LINK_FAM_INFO] = { "ebpf_link_info", "Information on currently active eBPF links." },
	[LINK_FAM_CGROUP] = { "ebpf_link_cgroup_info", "Attachment of an eBPF cgroup link." },
	[LINK_FAM_NETNS] = { "ebpf_link_netns_info",
	                     "Attachment of an eBPF network namespace link." },
	[LINK_FAM_TRACING] = { "ebpf_link_tracing_info", "Target of an eBPF tracing link." },
	[LINK_FAM_XDP] = { "ebpf_link_xdp_info", "Interface of an eBPF XDP link." },
	[LINK_FAM_TCX] = { "ebpf_link_tcx_info", "Attachment of an eBPF TCX link." },
	[LINK_FAM_NETFILTER] = { "ebpf_link_netfilter_info", "Hook of an eBPF netfilter link." },
	[LINK_FAM_NETKIT] = { "ebpf_link_netkit_info", "Attachment of an eBPF netkit link." },
	[LINK_FAM_KPROBE] = { "ebpf_link_kprobe_info",
	                      "Probes and misses of an eBPF kprobe_multi link." },
	[LINK_FAM_PERF_EVENT] = { "ebpf_link_perf_event_info",
	                          "Event type of an eBPF perf_event link." },
};
_Static_assert(sizeof(link_families) / sizeof(link_families[0]) == LINK_FAM_COUNT,
               "link_families covers enum link_family");

#define LINK_EXTRA_MAX 4

/* The type-specific series of one link: family and labels after link_id. */
struct link_extra {
	enum link_family fam;
	size_t n;
	struct metrics_label labels[1 + LINK_EXTRA_MAX];
	char buf[LINK_EXTRA_MAX][NAMES_NUM_SIZE];
};

/* Appends a label; value may live in x->buf[x->n], the next free buffer. */
static void put(struct link_extra *x, const char *name, const char *value)
{
	x->n++;
	x->labels[x->n] = (struct metrics_label){ name, value };
}

static void put_u64(struct link_extra *x, const char *name, uint64_t v)
{
	put(x, name, names_u64(x->buf[x->n], v));
}

static void put_attach(struct link_extra *x, uint32_t attach_type)
{
	put(x, "attach_type", names_attach_type(attach_type, x->buf[x->n]));
}

#define LINK_HAS(len, field) BPFSYS_INFO_HAS(len, struct bpfsys_link_info, field)

/* Fills x for link types with a type-specific series. False for the others and when the
 * kernel's info does not reach the fields (older layout). */
static bool link_extra(const struct bpfsys_link_info *i, uint32_t len, struct link_extra *x)
{
	x->n = 0;
	switch (i->type) {
	case BPFSYS_LINK_TYPE_CGROUP:
		if (!LINK_HAS(len, cgroup.attach_type))
			return false;
		x->fam = LINK_FAM_CGROUP;
		put_attach(x, i->cgroup.attach_type);
		put_u64(x, "cgroup_id", i->cgroup.cgroup_id);
		return true;
	case BPFSYS_LINK_TYPE_NETNS:
		if (!LINK_HAS(len, netns.attach_type))
			return false;
		x->fam = LINK_FAM_NETNS;
		put_attach(x, i->netns.attach_type);
		put_u64(x, "netns_ino", i->netns.netns_ino);
		return true;
	case BPFSYS_LINK_TYPE_TRACING:
		if (!LINK_HAS(len, tracing.target_btf_id))
			return false;
		x->fam = LINK_FAM_TRACING;
		put_attach(x, i->tracing.attach_type);
		put_u64(x, "target_obj_id", i->tracing.target_obj_id);
		put_u64(x, "target_btf_id", i->tracing.target_btf_id);
		return true;
	case BPFSYS_LINK_TYPE_XDP:
		if (!LINK_HAS(len, xdp.ifindex))
			return false;
		x->fam = LINK_FAM_XDP;
		put_u64(x, "interface_index", i->xdp.ifindex);
		return true;
	case BPFSYS_LINK_TYPE_TCX:
		if (!LINK_HAS(len, tcx.attach_type))
			return false;
		x->fam = LINK_FAM_TCX;
		put_attach(x, i->tcx.attach_type);
		put_u64(x, "interface_index", i->tcx.ifindex);
		return true;
	case BPFSYS_LINK_TYPE_NETFILTER:
		if (!LINK_HAS(len, netfilter.flags))
			return false;
		x->fam = LINK_FAM_NETFILTER;
		put_u64(x, "pf", i->netfilter.pf);
		put_u64(x, "hook_num", i->netfilter.hooknum);
		put(x, "priority", names_i64(x->buf[x->n], i->netfilter.priority));
		put_u64(x, "flags", i->netfilter.flags);
		return true;
	case BPFSYS_LINK_TYPE_NETKIT:
		if (!LINK_HAS(len, netkit.attach_type))
			return false;
		x->fam = LINK_FAM_NETKIT;
		put_attach(x, i->netkit.attach_type);
		put_u64(x, "interface_index", i->netkit.ifindex);
		return true;
	case BPFSYS_LINK_TYPE_KPROBE_MULTI:
		if (!LINK_HAS(len, kprobe_multi.missed))
			return false;
		x->fam = LINK_FAM_KPROBE;
		put_u64(x, "count", i->kprobe_multi.count);
		put_u64(x, "flags", i->kprobe_multi.flags);
		put_u64(x, "missed", i->kprobe_multi.missed);
		return true;
	case BPFSYS_LINK_TYPE_PERF_EVENT:
		/* before Linux 6.6 the kernel fills no perf_event info: type stays UNSPEC */
		if (!LINK_HAS(len, perf_event.type) ||
		    i->perf_event.type == BPFSYS_PERF_EVENT_UNSPEC)
			return false;
		x->fam = LINK_FAM_PERF_EVENT;
		put(x, "perf_event_type", names_perf_event_type(i->perf_event.type, x->buf[x->n]));
		return true;
	default:
		return false;
	}
}

static int emit(struct metrics_arena *a, const int *fams, uint32_t id,
                const struct bpfsys_link_info *info, uint32_t len)
{
	char id_str[NAMES_NUM_SIZE], type[NAMES_NUM_SIZE], prog_id[NAMES_NUM_SIZE];
	const struct metrics_label labels[] = {
		{ "link_id", names_u64(id_str, id) },
		{ "link_type", names_link_type(info->type, type) },
		{ "prog_id", names_u64(prog_id, info->prog_id) },
	};
	struct link_extra x;
	int err;

	err = metrics_sample_u64(a, fams[LINK_FAM_INFO], labels, 3, 1);
	if (err < 0 || !link_extra(info, len, &x))
		return err;
	x.labels[0] = labels[0];
	return metrics_sample_u64(a, fams[x.fam], x.labels, 1 + x.n, 1);
}

/* One link: 0 when exported, skipped as vanished or counted as an object error;
 * otherwise the metric writer's -errno. */
static int scrape_one(struct collector_ctx *ctx, const void *arg, uint32_t id)
{
	const int *fams = arg;
	struct bpfsys_link_info info;
	uint32_t len = sizeof(info);
	int fd, err;

	fd = bpfsys_link_get_fd_by_id(id);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0) {
		collector_object_error(ctx, "link", id, fd);
		return 0;
	}
	err = bpfsys_link_get_info(fd, &info, &len);
	bpfsys_close(fd);
	if (err < 0) {
		collector_object_error(ctx, "link", id, err);
		return 0;
	}
	return emit(ctx->arena, fams, id, &info, len);
}

/* Link types with an ebpf_link_<kind>_info series (link_extra() above). */
static bool has_details(uint32_t type)
{
	switch (type) {
	case BPFSYS_LINK_TYPE_CGROUP:
	case BPFSYS_LINK_TYPE_NETNS:
	case BPFSYS_LINK_TYPE_TRACING:
	case BPFSYS_LINK_TYPE_XDP:
	case BPFSYS_LINK_TYPE_TCX:
	case BPFSYS_LINK_TYPE_NETFILTER:
	case BPFSYS_LINK_TYPE_NETKIT:
	case BPFSYS_LINK_TYPE_KPROBE_MULTI:
	case BPFSYS_LINK_TYPE_PERF_EVENT:
		return true;
	default:
		return false;
	}
}

struct iter_arg {
	struct collector_ctx *ctx;
	const int *fams;
};

/* One iterator record. The details live only in get-info, so links that have them are
 * opened (when opening by id is allowed); the others need no syscall at all. */
static int visit_rec(void *arg, const void *rec)
{
	const struct iter_arg *a = arg;
	const struct bpfsys_iter_link_rec *r = rec;
	struct bpfsys_link_info info = { .type = r->type, .id = r->id, .prog_id = r->prog_id };

	if (has_details(r->type) && backend_can_open_by_id())
		return scrape_one(a->ctx, a->fams, r->id);
	return emit(a->ctx->arena, a->fams, r->id, &info,
	            (uint32_t)BPFSYS_OFFSETOFEND(struct bpfsys_link_info, prog_id));
}

static int collect(struct collector_ctx *ctx)
{
	int fams[LINK_FAM_COUNT];
	struct iter_arg arg = { ctx, fams };
	int err = 0;

	for (unsigned i = 0; i < LINK_FAM_COUNT && err >= 0; i++)
		err = fams[i] = metrics_family(ctx->arena, link_families[i].name,
		                               link_families[i].help, METRICS_GAUGE);
	if (err < 0)
		return err;
	if (backend_iter(BPFSYS_ITER_LINK)) {
		err = backend_iter_read(BPFSYS_ITER_LINK, visit_rec, &arg);
		return err < 0 ? err : 0;
	}
	return collector_walk(ctx, "link", bpfsys_link_get_next_id, scrape_one, fams);
}

const struct collector collector_link = {
	.name = "link",
	.help = "active eBPF links (ebpf_link_*)",
	.default_on = true,
	.collect = collect,
};
