/* SPDX-License-Identifier: MIT */
/* BPF_OBJ_GET_INFO_BY_FD and its typed helpers. */
#include <errno.h>

#include "bpfsys.h"
#include "internal.h"

struct size_table {
	const uint32_t *sizes; /* newest (largest) first */
	size_t count;
};

static const uint32_t prog_sizes[] = { BPFSYS_PROG_INFO_SIZES };
static const uint32_t map_sizes[] = { BPFSYS_MAP_INFO_SIZES };
static const uint32_t btf_sizes[] = { BPFSYS_BTF_INFO_SIZES };
static const uint32_t link_sizes[] = { BPFSYS_LINK_INFO_SIZES };

/* Each table starts with the size of the struct we define. */
#define FIRST_(a, ...) (a)
#define FIRST(...)     FIRST_(__VA_ARGS__)
_Static_assert(sizeof(struct bpfsys_prog_info) == FIRST(BPFSYS_PROG_INFO_SIZES), "prog sizes");
_Static_assert(sizeof(struct bpfsys_map_info) == FIRST(BPFSYS_MAP_INFO_SIZES), "map sizes");
_Static_assert(sizeof(struct bpfsys_btf_info) == FIRST(BPFSYS_BTF_INFO_SIZES), "btf sizes");
_Static_assert(sizeof(struct bpfsys_link_info) == FIRST(BPFSYS_LINK_INFO_SIZES), "link sizes");

#define TABLE(a)                                                                                   \
	{                                                                                          \
		(a), sizeof(a) / sizeof((a)[0])                                                    \
	}
static const struct size_table prog_table[] = { TABLE(prog_sizes) };
static const struct size_table map_table[] = { TABLE(map_sizes) };
static const struct size_table btf_table[] = { TABLE(btf_sizes) };
static const struct size_table link_table[] = { TABLE(link_sizes) };
/* The untyped call does not know which struct it fills: any older layout will do, as
 * BPFSYS_INFO_HAS only ever trusts whole fields. */
static const struct size_table any_table[] = { TABLE(prog_sizes), TABLE(map_sizes),
	                                       TABLE(btf_sizes), TABLE(link_sizes) };

/* The largest known layout size below len; 0 when there is none. */
static uint32_t next_smaller(const struct size_table *t, size_t nt, uint32_t len)
{
	uint32_t best = 0;

	for (size_t i = 0; i < nt; i++)
		for (size_t j = 0; j < t[i].count; j++)
			if (t[i].sizes[j] < len && t[i].sizes[j] > best)
				best = t[i].sizes[j];
	return best;
}

/* Each attempt starts from req_len bytes of req (zeros without one) followed by zeros. */
static int get_info(int fd, void *info, uint32_t *info_len, const struct size_table *t, size_t nt,
                    const void *req, uint32_t req_len)
{
	union bpfsys_attr attr;
	uint32_t len;
	long ret;

	if (fd < 0)
		return -EBADF;
	if (!info || !info_len)
		return -EINVAL;
	len = *info_len;
	for (;;) {
		/* Every call, the whole buffer: 6.18 leaves the fields it does not fill as
		 * they were, so a reused buffer would show the previous object's values. */
		memset(info, 0, *info_len);
		if (req)
			memcpy(info, req, req_len < len ? req_len : len);
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = (uint32_t)fd;
		attr.info.info_len = len;
		attr.info.info = bpfsys_ptr(info);
		ret = bpfsys_sys_bpf(BPFSYS_CMD_OBJ_GET_INFO_BY_FD, &attr,
		                     BPFSYS_ATTR_SIZE(info.info));
		if (ret != -E2BIG)
			break;
		/* The kernel does not accept our length: try the layout of an older one. */
		len = next_smaller(t, nt, len);
		if (!len)
			break;
	}
	if (ret < 0)
		return (int)ret;
	*info_len = attr.info.info_len;
	return 0;
}

int bpfsys_obj_get_info_by_fd(int fd, void *info, uint32_t *info_len)
{
	return get_info(fd, info, info_len, any_table, 4, NULL, 0);
}

int bpfsys_obj_get_info_by_fd_req(int fd, void *info, uint32_t *info_len, const void *req)
{
	if (!info_len || !req || req == info)
		return -EINVAL;
	return get_info(fd, info, info_len, any_table, 4, req, *info_len);
}

int bpfsys_prog_get_info(int fd, struct bpfsys_prog_info *info, uint32_t *info_len)
{
	return get_info(fd, info, info_len, prog_table, 1, NULL, 0);
}

int bpfsys_map_get_info(int fd, struct bpfsys_map_info *info, uint32_t *info_len)
{
	return get_info(fd, info, info_len, map_table, 1, NULL, 0);
}

int bpfsys_link_get_info(int fd, struct bpfsys_link_info *info, uint32_t *info_len)
{
	return get_info(fd, info, info_len, link_table, 1, NULL, 0);
}

int bpfsys_btf_get_info(int fd, struct bpfsys_btf_info *info, uint32_t *info_len, char *name,
                        uint32_t name_cap)
{
	struct bpfsys_btf_info req;

	memset(&req, 0, sizeof(req));
	/* Stays empty when the kernel has no name to give (user BTF, kernels before 5.11) */
	if (name && name_cap) {
		name[0] = '\0';
		req.name = bpfsys_ptr(name);
		req.name_len = name_cap;
	}
	return get_info(fd, info, info_len, btf_table, 1, &req, sizeof(req));
}
