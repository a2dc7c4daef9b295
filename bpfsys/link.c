/* SPDX-License-Identifier: MIT */
/* BPF_LINK_CREATE with its per-attach-type tails, BPF_ITER_CREATE, BPF_LINK_DETACH. */
#include <errno.h>

#include "bpfsys.h"
#include "internal.h"

/* Fills the tail of link_create that attach_type selects; returns the attr size that
 * ends with the last field of that tail (just the head when the type has none). */
static unsigned int link_tail(union bpfsys_attr *a, const struct bpfsys_link_create_opts *o)
{
	switch (o->attach_type) {
	case BPFSYS_TRACE_ITER:
		if (!o->iter_info)
			break;
		a->link_create.iter_info = bpfsys_ptr(o->iter_info);
		a->link_create.iter_info_len = o->iter_info_len;
		return BPFSYS_ATTR_SIZE(link_create.iter_info_len);
	case BPFSYS_PERF_EVENT:
		a->link_create.perf_event.bpf_cookie = o->perf_bpf_cookie;
		return BPFSYS_ATTR_SIZE(link_create.perf_event.bpf_cookie);
	case BPFSYS_TRACE_KPROBE_MULTI:
	case BPFSYS_TRACE_KPROBE_SESSION:
		a->link_create.kprobe_multi.flags = o->multi_flags;
		a->link_create.kprobe_multi.cnt = o->cnt;
		a->link_create.kprobe_multi.syms = bpfsys_ptr(o->syms);
		a->link_create.kprobe_multi.addrs = bpfsys_ptr(o->addrs);
		a->link_create.kprobe_multi.cookies = bpfsys_ptr(o->cookies);
		return BPFSYS_ATTR_SIZE(link_create.kprobe_multi.cookies);
	case BPFSYS_TRACE_UPROBE_MULTI:
	case BPFSYS_TRACE_UPROBE_SESSION:
		a->link_create.uprobe_multi.path = bpfsys_ptr(o->path);
		a->link_create.uprobe_multi.offsets = bpfsys_ptr(o->offsets);
		a->link_create.uprobe_multi.cookies = bpfsys_ptr(o->cookies);
		a->link_create.uprobe_multi.cnt = o->cnt;
		a->link_create.uprobe_multi.flags = o->multi_flags;
		a->link_create.uprobe_multi.pid = o->pid;
		return BPFSYS_ATTR_SIZE(link_create.uprobe_multi.pid);
	case BPFSYS_NETFILTER:
		a->link_create.netfilter.pf = o->nf_pf;
		a->link_create.netfilter.hooknum = o->nf_hooknum;
		a->link_create.netfilter.priority = o->nf_priority;
		a->link_create.netfilter.flags = o->nf_flags;
		return BPFSYS_ATTR_SIZE(link_create.netfilter.flags);
	case BPFSYS_TCX_INGRESS:
	case BPFSYS_TCX_EGRESS:
	case BPFSYS_NETKIT_PRIMARY:
	case BPFSYS_NETKIT_PEER:
		/* tcx and netkit have the same layout */
		a->link_create.tcx.relative_fd = o->relative_fd;
		a->link_create.tcx.expected_revision = o->expected_revision;
		return BPFSYS_ATTR_SIZE(link_create.tcx.expected_revision);
	default:
		/* cgroup links learnt relative_fd/expected_revision only recently: send
		 * them when asked for, so older kernels still get the plain form. */
		if (o->relative_fd || o->expected_revision) {
			a->link_create.cgroup.relative_fd = o->relative_fd;
			a->link_create.cgroup.expected_revision = o->expected_revision;
			return BPFSYS_ATTR_SIZE(link_create.cgroup.expected_revision);
		}
		break;
	}
	return BPFSYS_ATTR_SIZE(link_create.flags);
}

int bpfsys_link_create(const struct bpfsys_link_create_opts *o)
{
	union bpfsys_attr attr;
	unsigned int size;

	if (!o)
		return -EINVAL;
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = o->prog_fd;
	attr.link_create.target_fd = o->target_fd;
	attr.link_create.attach_type = o->attach_type;
	attr.link_create.flags = o->flags;
	size = link_tail(&attr, o);
	return bpfsys_sys_bpf_fd(BPFSYS_CMD_LINK_CREATE, &attr, size);
}

int bpfsys_iter_create(int link_fd)
{
	union bpfsys_attr attr;

	if (link_fd < 0)
		return -EBADF;
	memset(&attr, 0, sizeof(attr));
	attr.iter_create.link_fd = (uint32_t)link_fd;
	return bpfsys_sys_bpf_fd(BPFSYS_CMD_ITER_CREATE, &attr,
	                         BPFSYS_ATTR_SIZE(iter_create.link_fd));
}

int bpfsys_link_detach(int link_fd)
{
	union bpfsys_attr attr;
	long ret;

	if (link_fd < 0)
		return -EBADF;
	memset(&attr, 0, sizeof(attr));
	attr.link_detach.link_fd = (uint32_t)link_fd;
	ret = bpfsys_sys_bpf(BPFSYS_CMD_LINK_DETACH, &attr, BPFSYS_ATTR_SIZE(link_detach.link_fd));
	return ret < 0 ? (int)ret : 0;
}
