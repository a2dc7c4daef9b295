/* SPDX-License-Identifier: MIT */
/* Map commands: create, element access, key walk. */
#include <errno.h>

#include "bpfsys.h"
#include "internal.h"

int bpfsys_map_create(const struct bpfsys_map_create_opts *o)
{
	union bpfsys_attr attr;

	if (!o)
		return -EINVAL;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = o->map_type;
	attr.key_size = o->key_size;
	attr.value_size = o->value_size;
	attr.max_entries = o->max_entries;
	attr.map_flags = o->map_flags;
	attr.inner_map_fd = o->inner_map_fd;
	bpfsys_copy_name(attr.map_name, o->name);
	attr.btf_fd = o->btf_fd;
	attr.btf_key_type_id = o->btf_key_type_id;
	attr.btf_value_type_id = o->btf_value_type_id;
	attr.btf_vmlinux_value_type_id = o->btf_vmlinux_value_type_id;
	attr.map_extra = o->map_extra;
	return bpfsys_sys_bpf_fd(BPFSYS_CMD_MAP_CREATE, &attr, BPFSYS_ATTR_SIZE(map_extra));
}

static int elem_cmd(int cmd, int map_fd, const void *key, const void *value, uint64_t flags,
                    unsigned int size)
{
	union bpfsys_attr attr;
	long ret;

	if (map_fd < 0)
		return -EBADF;
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)map_fd;
	attr.key = bpfsys_ptr(key);
	attr.value = bpfsys_ptr(value); /* next_key shares its place */
	attr.flags = flags;
	ret = bpfsys_sys_bpf(cmd, &attr, size);
	return ret < 0 ? (int)ret : 0;
}

int bpfsys_map_update_elem(int map_fd, const void *key, const void *value, uint64_t flags)
{
	return elem_cmd(BPFSYS_CMD_MAP_UPDATE_ELEM, map_fd, key, value, flags,
	                BPFSYS_ATTR_SIZE(flags));
}

int bpfsys_map_lookup_elem(int map_fd, const void *key, void *value)
{
	return elem_cmd(BPFSYS_CMD_MAP_LOOKUP_ELEM, map_fd, key, value, 0, BPFSYS_ATTR_SIZE(value));
}

int bpfsys_map_delete_elem(int map_fd, const void *key)
{
	return elem_cmd(BPFSYS_CMD_MAP_DELETE_ELEM, map_fd, key, NULL, 0, BPFSYS_ATTR_SIZE(key));
}

int bpfsys_map_get_next_key(int map_fd, const void *key, void *next_key)
{
	return elem_cmd(BPFSYS_CMD_MAP_GET_NEXT_KEY, map_fd, key, next_key, 0,
	                BPFSYS_ATTR_SIZE(next_key));
}
