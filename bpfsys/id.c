/* SPDX-License-Identifier: MIT */
/* Enumeration by id, opening by id, and run-time statistics. */
#include "bpfsys.h"
#include "internal.h"

static int get_next_id(int cmd, uint32_t start_id, uint32_t *next_id)
{
	union bpfsys_attr attr;
	long ret;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = start_id;
	ret = bpfsys_sys_bpf(cmd, &attr, BPFSYS_ATTR_SIZE(next_id));
	if (ret < 0)
		return (int)ret;
	*next_id = attr.next_id;
	return 0;
}

int bpfsys_prog_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return get_next_id(BPFSYS_CMD_PROG_GET_NEXT_ID, start_id, next_id);
}

int bpfsys_map_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return get_next_id(BPFSYS_CMD_MAP_GET_NEXT_ID, start_id, next_id);
}

int bpfsys_link_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return get_next_id(BPFSYS_CMD_LINK_GET_NEXT_ID, start_id, next_id);
}

int bpfsys_btf_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return get_next_id(BPFSYS_CMD_BTF_GET_NEXT_ID, start_id, next_id);
}

static int get_fd_by_id(int cmd, uint32_t id, uint32_t open_flags)
{
	union bpfsys_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = id; /* the kernel's prog_id/map_id/link_id/btf_id alias it */
	attr.open_flags = open_flags;
	return bpfsys_sys_bpf_fd(cmd, &attr, BPFSYS_ATTR_SIZE(open_flags));
}

int bpfsys_prog_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPFSYS_CMD_PROG_GET_FD_BY_ID, id, 0);
}

/* We only ever read maps: asking for no write access means an LSM policy that grants
 * an exporter read access alone does not refuse the open. */
int bpfsys_map_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPFSYS_CMD_MAP_GET_FD_BY_ID, id, BPFSYS_F_RDONLY);
}

int bpfsys_link_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPFSYS_CMD_LINK_GET_FD_BY_ID, id, 0);
}

int bpfsys_btf_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPFSYS_CMD_BTF_GET_FD_BY_ID, id, 0);
}

int bpfsys_enable_stats(uint32_t type)
{
	union bpfsys_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.enable_stats.type = type;
	return bpfsys_sys_bpf_fd(BPFSYS_CMD_ENABLE_STATS, &attr,
	                         BPFSYS_ATTR_SIZE(enable_stats.type));
}
