/* SPDX-License-Identifier: MIT */
/* bpfsys against a scripted bpf(2): linked with -Wl,--wrap=syscall, so every syscall()
 * the library makes lands in __wrap_syscall() below, which records the command, the
 * attr size and all attr bytes, and answers from a script. Expected attrs are built with
 * the host's <linux/bpf.h> (6.1) wherever it has the field, so they do not share our
 * definitions; fields newer than 6.1 use ours, which abi_check.c pins to 6.18. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/bpf.h>

#include "abi_attr.h"
#include "bpfsys.h"
#include "insn.h"

#define MAX_CALLS 16
#define SNAP_LEN 256

struct call {
	long nr;
	int cmd;
	unsigned int size;
	union bpfsys_attr attr;     /* every byte the library handed over */
	uint8_t info[SNAP_LEN];     /* OBJ_GET_INFO_BY_FD: the info buffer at call time */
};

struct reply {
	long ret;                   /* < 0: fail with errno = err */
	int err;
	uint32_t next_id;           /* written to attr.next_id when non-zero */
	const void *info;           /* copied to the info buffer; info_len set to its length */
	uint32_t info_len;
	const char *name;           /* copied to btf_info.name (bounded by name_len) */
	int scribble;               /* fill the info buffer with 0xaa (a kernel writing junk) */
};

static struct call calls[MAX_CALLS];
static unsigned int ncalls;
static struct reply replies[MAX_CALLS];
static unsigned int nreplies;
static size_t info_buf_len; /* bytes of the caller's info buffer to snapshot */

static void script(struct reply r)
{
	assert_true(nreplies < MAX_CALLS);
	replies[nreplies++] = r;
}

static int reset(void **state)
{
	(void)state;
	memset(calls, 0, sizeof(calls));
	memset(replies, 0, sizeof(replies));
	ncalls = nreplies = 0;
	info_buf_len = 0;
	return 0;
}

long __wrap_syscall(long nr, ...);
long __wrap_syscall(long nr, ...)
{
	struct call *c;
	struct reply *r;
	va_list ap;

	if (ncalls >= nreplies)
		fail_msg("unscripted syscall #%u", ncalls);
	c = &calls[ncalls];
	r = &replies[ncalls++];
	va_start(ap, nr);
	c->nr = nr;
	c->cmd = va_arg(ap, int);
	union bpfsys_attr *attr = va_arg(ap, union bpfsys_attr *);
	c->size = va_arg(ap, unsigned int);
	va_end(ap);
	memcpy(&c->attr, attr, sizeof(*attr));
	if (c->cmd == BPFSYS_CMD_OBJ_GET_INFO_BY_FD && info_buf_len)
		memcpy(c->info, (void *)(uintptr_t)attr->info.info, info_buf_len);
	if (r->scribble)
		memset((void *)(uintptr_t)attr->info.info, 0xaa, info_buf_len);
	if (r->ret < 0) {
		errno = r->err;
		return -1;
	}
	if (r->next_id)
		attr->next_id = r->next_id;
	if (r->info) {
		struct bpfsys_btf_info *b = (void *)(uintptr_t)attr->info.info;
		uint64_t uname = b->name; /* what the caller asked for, as the kernel reads it */
		uint32_t ulen = b->name_len;

		memcpy(b, r->info, r->info_len);
		attr->info.info_len = r->info_len;
		if (r->name && uname)
			snprintf((char *)(uintptr_t)uname, ulen, "%s", r->name);
	}
	return r->ret;
}

/* Call i sent cmd with exactly size bytes equal to want's, and only zeros after them. */
static void expect_sent(unsigned int i, int cmd, size_t size, const void *want)
{
	const uint8_t *got = (const uint8_t *)&calls[i].attr;

	assert_true(i < ncalls);
	assert_int_equal(calls[i].nr, SYS_bpf);
	assert_int_equal(calls[i].cmd, cmd);
	assert_int_equal(calls[i].size, size);
	assert_memory_equal(got, want, size);
	for (size_t b = size; b < sizeof(union bpfsys_attr); b++)
		if (got[b])
			fail_msg("attr byte %zu is %#x, beyond the %zu sent", b, got[b], size);
}

static union bpf_attr host_attr(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	return a;
}

/* ---- the ABI against the host's 6.1 <linux/bpf.h> ---- */

/* Every leaf field the 6.1 header also has (newer ones are pinned by abi_check.c). */
#define PROG_FIELDS(X) \
	X(type) X(id) X(tag) X(jited_prog_len) X(xlated_prog_len) X(jited_prog_insns) \
	X(xlated_prog_insns) X(load_time) X(created_by_uid) X(nr_map_ids) X(map_ids) X(name) \
	X(ifindex) X(netns_dev) X(netns_ino) X(nr_jited_ksyms) X(nr_jited_func_lens) X(jited_ksyms) \
	X(jited_func_lens) X(btf_id) X(func_info_rec_size) X(func_info) X(nr_func_info) \
	X(nr_line_info) X(line_info) X(jited_line_info) X(nr_jited_line_info) X(line_info_rec_size) \
	X(jited_line_info_rec_size) X(nr_prog_tags) X(prog_tags) X(run_time_ns) X(run_cnt) \
	X(recursion_misses) X(verified_insns) X(attach_btf_obj_id) X(attach_btf_id)
#define MAP_FIELDS(X) \
	X(type) X(id) X(key_size) X(value_size) X(max_entries) X(map_flags) X(name) X(ifindex) \
	X(btf_vmlinux_value_type_id) X(netns_dev) X(netns_ino) X(btf_id) X(btf_key_type_id) \
	X(btf_value_type_id) X(map_extra)
#define BTF_FIELDS(X) \
	X(btf) X(btf_size) X(id) X(name) X(name_len) X(kernel_btf)
#define LINK_FIELDS(X) \
	X(type) X(id) X(prog_id) X(raw_tracepoint.tp_name) X(raw_tracepoint.tp_name_len) \
	X(tracing.attach_type) X(tracing.target_obj_id) X(tracing.target_btf_id) X(cgroup.cgroup_id) \
	X(cgroup.attach_type) X(iter.target_name) X(iter.target_name_len) X(iter.map.map_id) \
	X(iter.cgroup.cgroup_id) X(iter.cgroup.order) X(iter.task.tid) X(iter.task.pid) \
	X(netns.netns_ino) X(netns.attach_type) X(xdp.ifindex)
#define ATTR_FIELDS(X) \
	X(map_type) X(key_size) X(value_size) X(max_entries) X(map_flags) X(inner_map_fd) \
	X(numa_node) X(map_name) X(map_ifindex) X(btf_fd) X(btf_key_type_id) X(btf_value_type_id) \
	X(btf_vmlinux_value_type_id) X(map_extra) X(map_fd) X(key) X(value) X(next_key) X(flags) \
	X(prog_type) X(insn_cnt) X(insns) X(license) X(log_level) X(log_size) X(log_buf) \
	X(kern_version) X(prog_flags) X(prog_name) X(prog_ifindex) X(expected_attach_type) \
	X(prog_btf_fd) X(func_info_rec_size) X(func_info) X(func_info_cnt) X(line_info_rec_size) \
	X(line_info) X(line_info_cnt) X(attach_btf_id) X(attach_prog_fd) X(attach_btf_obj_fd) \
	X(core_relo_cnt) X(fd_array) X(core_relos) X(core_relo_rec_size) X(target_fd) \
	X(attach_bpf_fd) X(attach_type) X(attach_flags) X(replace_bpf_fd) X(start_id) X(prog_id) \
	X(map_id) X(btf_id) X(link_id) X(next_id) X(open_flags) X(info.bpf_fd) X(info.info_len) \
	X(info.info) X(raw_tracepoint.name) X(raw_tracepoint.prog_fd) X(btf) X(btf_log_buf) \
	X(btf_size) X(btf_log_size) X(btf_log_level) X(link_create.prog_fd) X(link_create.target_fd) \
	X(link_create.target_ifindex) X(link_create.attach_type) X(link_create.flags) \
	X(link_create.target_btf_id) X(link_create.iter_info) X(link_create.iter_info_len) \
	X(link_create.perf_event.bpf_cookie) X(link_create.kprobe_multi.flags) \
	X(link_create.kprobe_multi.cnt) X(link_create.kprobe_multi.syms) \
	X(link_create.kprobe_multi.addrs) X(link_create.kprobe_multi.cookies) \
	X(link_create.tracing.target_btf_id) X(link_create.tracing.cookie) X(link_detach.link_fd) \
	X(enable_stats.type) X(iter_create.link_fd) X(iter_create.flags)
#define SAME_CMDS(X) \
	X(MAP_CREATE) X(MAP_LOOKUP_ELEM) X(MAP_UPDATE_ELEM) X(MAP_DELETE_ELEM) X(MAP_GET_NEXT_KEY) \
	X(PROG_LOAD) X(OBJ_PIN) X(OBJ_GET) X(PROG_ATTACH) X(PROG_DETACH) X(PROG_TEST_RUN) \
	X(PROG_GET_NEXT_ID) X(MAP_GET_NEXT_ID) X(PROG_GET_FD_BY_ID) X(MAP_GET_FD_BY_ID) \
	X(OBJ_GET_INFO_BY_FD) X(PROG_QUERY) X(RAW_TRACEPOINT_OPEN) X(BTF_LOAD) X(BTF_GET_FD_BY_ID) \
	X(TASK_FD_QUERY) X(MAP_LOOKUP_AND_DELETE_ELEM) X(MAP_FREEZE) X(BTF_GET_NEXT_ID) \
	X(MAP_LOOKUP_BATCH) X(MAP_LOOKUP_AND_DELETE_BATCH) X(MAP_UPDATE_BATCH) X(MAP_DELETE_BATCH) \
	X(LINK_CREATE) X(LINK_UPDATE) X(LINK_GET_FD_BY_ID) X(LINK_GET_NEXT_ID) X(ENABLE_STATS) \
	X(ITER_CREATE) X(LINK_DETACH) X(PROG_BIND_MAP)
#define SAME_CONSTS(X) \
	X(OBJ_NAME_LEN) X(TAG_SIZE) X(MAP_TYPE_UNSPEC) X(MAP_TYPE_HASH) X(MAP_TYPE_ARRAY) \
	X(MAP_TYPE_PROG_ARRAY) X(MAP_TYPE_PERF_EVENT_ARRAY) X(MAP_TYPE_PERCPU_HASH) \
	X(MAP_TYPE_PERCPU_ARRAY) X(MAP_TYPE_STACK_TRACE) X(MAP_TYPE_CGROUP_ARRAY) \
	X(MAP_TYPE_LRU_HASH) X(MAP_TYPE_LRU_PERCPU_HASH) X(MAP_TYPE_LPM_TRIE) \
	X(MAP_TYPE_ARRAY_OF_MAPS) X(MAP_TYPE_HASH_OF_MAPS) X(MAP_TYPE_DEVMAP) X(MAP_TYPE_SOCKMAP) \
	X(MAP_TYPE_CPUMAP) X(MAP_TYPE_XSKMAP) X(MAP_TYPE_SOCKHASH) X(MAP_TYPE_CGROUP_STORAGE) \
	X(MAP_TYPE_REUSEPORT_SOCKARRAY) X(MAP_TYPE_PERCPU_CGROUP_STORAGE) X(MAP_TYPE_QUEUE) \
	X(MAP_TYPE_STACK) X(MAP_TYPE_SK_STORAGE) X(MAP_TYPE_DEVMAP_HASH) X(MAP_TYPE_STRUCT_OPS) \
	X(MAP_TYPE_RINGBUF) X(MAP_TYPE_INODE_STORAGE) X(MAP_TYPE_TASK_STORAGE) \
	X(MAP_TYPE_BLOOM_FILTER) X(MAP_TYPE_USER_RINGBUF) X(PROG_TYPE_UNSPEC) \
	X(PROG_TYPE_SOCKET_FILTER) X(PROG_TYPE_KPROBE) X(PROG_TYPE_SCHED_CLS) X(PROG_TYPE_SCHED_ACT) \
	X(PROG_TYPE_TRACEPOINT) X(PROG_TYPE_XDP) X(PROG_TYPE_PERF_EVENT) X(PROG_TYPE_CGROUP_SKB) \
	X(PROG_TYPE_CGROUP_SOCK) X(PROG_TYPE_LWT_IN) X(PROG_TYPE_LWT_OUT) X(PROG_TYPE_LWT_XMIT) \
	X(PROG_TYPE_SOCK_OPS) X(PROG_TYPE_SK_SKB) X(PROG_TYPE_CGROUP_DEVICE) X(PROG_TYPE_SK_MSG) \
	X(PROG_TYPE_RAW_TRACEPOINT) X(PROG_TYPE_CGROUP_SOCK_ADDR) X(PROG_TYPE_LWT_SEG6LOCAL) \
	X(PROG_TYPE_LIRC_MODE2) X(PROG_TYPE_SK_REUSEPORT) X(PROG_TYPE_FLOW_DISSECTOR) \
	X(PROG_TYPE_CGROUP_SYSCTL) X(PROG_TYPE_RAW_TRACEPOINT_WRITABLE) X(PROG_TYPE_CGROUP_SOCKOPT) \
	X(PROG_TYPE_TRACING) X(PROG_TYPE_STRUCT_OPS) X(PROG_TYPE_EXT) X(PROG_TYPE_LSM) \
	X(PROG_TYPE_SK_LOOKUP) X(PROG_TYPE_SYSCALL) X(CGROUP_INET_INGRESS) X(CGROUP_INET_EGRESS) \
	X(CGROUP_INET_SOCK_CREATE) X(CGROUP_SOCK_OPS) X(SK_SKB_STREAM_PARSER) \
	X(SK_SKB_STREAM_VERDICT) X(CGROUP_DEVICE) X(SK_MSG_VERDICT) X(CGROUP_INET4_BIND) \
	X(CGROUP_INET6_BIND) X(CGROUP_INET4_CONNECT) X(CGROUP_INET6_CONNECT) \
	X(CGROUP_INET4_POST_BIND) X(CGROUP_INET6_POST_BIND) X(CGROUP_UDP4_SENDMSG) \
	X(CGROUP_UDP6_SENDMSG) X(LIRC_MODE2) X(FLOW_DISSECTOR) X(CGROUP_SYSCTL) \
	X(CGROUP_UDP4_RECVMSG) X(CGROUP_UDP6_RECVMSG) X(CGROUP_GETSOCKOPT) X(CGROUP_SETSOCKOPT) \
	X(TRACE_RAW_TP) X(TRACE_FENTRY) X(TRACE_FEXIT) X(MODIFY_RETURN) X(LSM_MAC) X(TRACE_ITER) \
	X(CGROUP_INET4_GETPEERNAME) X(CGROUP_INET6_GETPEERNAME) X(CGROUP_INET4_GETSOCKNAME) \
	X(CGROUP_INET6_GETSOCKNAME) X(XDP_DEVMAP) X(CGROUP_INET_SOCK_RELEASE) X(XDP_CPUMAP) \
	X(SK_LOOKUP) X(XDP) X(SK_SKB_VERDICT) X(SK_REUSEPORT_SELECT) \
	X(SK_REUSEPORT_SELECT_OR_MIGRATE) X(PERF_EVENT) X(TRACE_KPROBE_MULTI) X(LSM_CGROUP) \
	X(LINK_TYPE_UNSPEC) X(LINK_TYPE_RAW_TRACEPOINT) X(LINK_TYPE_TRACING) X(LINK_TYPE_CGROUP) \
	X(LINK_TYPE_ITER) X(LINK_TYPE_NETNS) X(LINK_TYPE_XDP) X(LINK_TYPE_PERF_EVENT) \
	X(LINK_TYPE_KPROBE_MULTI) X(LINK_TYPE_STRUCT_OPS) X(STATS_RUN_TIME) X(ANY) X(NOEXIST) \
	X(EXIST) X(F_LOCK) X(F_NO_PREALLOC) X(F_NO_COMMON_LRU) X(F_NUMA_NODE) X(F_RDONLY) \
	X(F_WRONLY) X(F_STACK_BUILD_ID) X(F_ZERO_SEED) X(F_RDONLY_PROG) X(F_WRONLY_PROG) X(F_CLONE) \
	X(F_MMAPABLE) X(F_PRESERVE_ELEMS) X(F_INNER_MAP) X(F_STRICT_ALIGNMENT) X(F_ANY_ALIGNMENT) \
	X(F_SLEEPABLE) X(F_XDP_HAS_FRAGS) X(F_ALLOW_OVERRIDE) X(F_ALLOW_MULTI) X(F_REPLACE) \
	X(F_KPROBE_MULTI_RETURN) X(PSEUDO_MAP_FD) X(PSEUDO_MAP_VALUE) X(PSEUDO_BTF_ID) \
	X(PSEUDO_FUNC) X(PSEUDO_MAP_IDX) X(PSEUDO_MAP_IDX_VALUE) X(PSEUDO_CALL) X(PSEUDO_KFUNC_CALL) \
	X(REG_0) X(LD) X(LDX) X(ST) X(STX) X(ALU) X(JMP) X(JMP32) X(ALU64) X(W) X(H) X(B) X(DW) \
	X(IMM) X(MEM) X(K) X(X) X(ADD) X(SUB) X(MUL) X(DIV) X(OR) X(AND) X(LSH) X(RSH) X(NEG) X(MOD) \
	X(XOR) X(MOV) X(ARSH) X(JA) X(JEQ) X(JGT) X(JGE) X(JSET) X(JNE) X(JSGT) X(JSGE) X(CALL) \
	X(EXIT) X(JLT) X(JLE) X(JSLT) X(JSLE) X(FUNC_map_lookup_elem) X(FUNC_map_update_elem) \
	X(FUNC_map_delete_elem) X(FUNC_ktime_get_ns) X(FUNC_trace_printk) \
	X(FUNC_get_smp_processor_id) X(FUNC_get_current_pid_tgid) X(FUNC_get_current_comm) \
	X(FUNC_probe_read_kernel) X(FUNC_probe_read_kernel_str) X(FUNC_ktime_get_boot_ns) \
	X(FUNC_seq_printf) X(FUNC_seq_write) X(FUNC_ringbuf_output)

static void same_field(const char *what, size_t ours_off, size_t host_off, size_t ours_size,
		       size_t host_size)
{
	if (ours_off != host_off || ours_size != host_size)
		fail_msg("%s: ours at %zu (%zu bytes), 6.1 at %zu (%zu bytes)", what, ours_off,
			 ours_size, host_off, host_size);
}

#define SAME_FIELD(ours, host, f)                                                    \
	same_field(#ours "." #f, offsetof(ours, f), offsetof(host, f),               \
		   sizeof(((ours *)0)->f), sizeof(((host *)0)->f));

static void test_abi_fields_match_host_header(void **state)
{
	(void)state;
#define X(f) SAME_FIELD(struct bpfsys_prog_info, struct bpf_prog_info, f)
	PROG_FIELDS(X)
#undef X
#define X(f) SAME_FIELD(struct bpfsys_map_info, struct bpf_map_info, f)
	MAP_FIELDS(X)
#undef X
#define X(f) SAME_FIELD(struct bpfsys_btf_info, struct bpf_btf_info, f)
	BTF_FIELDS(X)
#undef X
#define X(f) SAME_FIELD(struct bpfsys_link_info, struct bpf_link_info, f)
	LINK_FIELDS(X)
#undef X
#define X(f) SAME_FIELD(union bpfsys_attr, union bpf_attr, f)
	ATTR_FIELDS(X)
#undef X
	/* sizes that did not change since 6.1 */
	assert_int_equal(sizeof(struct bpfsys_prog_info), sizeof(struct bpf_prog_info));
	assert_int_equal(sizeof(struct bpfsys_btf_info), sizeof(struct bpf_btf_info));
}

static void test_abi_bitfields_match_host_header(void **state)
{
	struct bpfsys_prog_info ours;
	struct bpf_prog_info host;
	struct bpfsys_insn oi = { .code = 0x85, .dst_reg = 3, .src_reg = 0xa, .off = -2, .imm = 7 };
	struct bpf_insn hi = { .code = 0x85, .dst_reg = 3, .src_reg = 0xa, .off = -2, .imm = 7 };

	(void)state;
	memset(&ours, 0, sizeof(ours));
	memset(&host, 0, sizeof(host));
	ours.gpl_compatible = 1;
	host.gpl_compatible = 1;
	assert_memory_equal(&ours, &host, sizeof(host));
	assert_int_equal(sizeof(oi), sizeof(hi));
	assert_memory_equal(&oi, &hi, sizeof(hi));
}

static void same_const(const char *what, long long ours, long long host)
{
	if (ours != host)
		fail_msg("%s is %lld, 6.1 says %lld", what, ours, host);
}

static void test_abi_constants_match_host_header(void **state)
{
	(void)state;
#define X(n) same_const("BPFSYS_CMD_" #n, BPFSYS_CMD_##n, BPF_##n);
	SAME_CMDS(X)
#undef X
#define X(n) same_const("BPFSYS_" #n, (long long)BPFSYS_##n, (long long)BPF_##n);
	SAME_CONSTS(X)
#undef X
}

/* ---- the instruction encoder ---- */

static void expect_insn(struct bpfsys_insn got, const char *want_hex)
{
	char hex[17];
	const uint8_t *b = (const uint8_t *)&got;

	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	assert_string_equal(hex, want_hex);
}

static void test_insn_encodings(void **state)
{
	struct bpfsys_insn ld[] = { BPFSYS_INSN_LD_IMM64(BPFSYS_REG_2, 0x1122334455667788ULL),
				    BPFSYS_INSN_LD_MAP_FD(BPFSYS_REG_1, 5) };

	(void)state;
	/* Expected bytes: code, src<<4|dst, off (le16), imm (le32), as llvm-objdump shows */
	expect_insn(bpfsys_insn_mov64_imm(BPFSYS_REG_0, 0), "b700000000000000");
	expect_insn(bpfsys_insn_mov64_reg(BPFSYS_REG_6, BPFSYS_REG_1), "bf16000000000000");
	expect_insn(bpfsys_insn_alu64_imm(BPFSYS_ADD, BPFSYS_REG_2, -8), "07020000f8ffffff");
	expect_insn(bpfsys_insn_alu64_imm(BPFSYS_SUB, BPFSYS_REG_3, 1), "1703000001000000");
	expect_insn(bpfsys_insn_alu64_imm(BPFSYS_AND, BPFSYS_REG_3, 0xff), "57030000ff000000");
	expect_insn(bpfsys_insn_alu64_imm(BPFSYS_OR, BPFSYS_REG_3, 2), "4703000002000000");
	expect_insn(bpfsys_insn_alu64_imm(BPFSYS_LSH, BPFSYS_REG_3, 32), "6703000020000000");
	expect_insn(bpfsys_insn_alu64_imm(BPFSYS_RSH, BPFSYS_REG_3, 32), "7703000020000000");
	expect_insn(bpfsys_insn_alu64_imm(BPFSYS_MUL, BPFSYS_REG_3, 3), "2703000003000000");
	expect_insn(bpfsys_insn_alu64_reg(BPFSYS_ADD, BPFSYS_REG_1, BPFSYS_REG_2), "0f21000000000000");
	expect_insn(bpfsys_insn_ldx_mem(BPFSYS_DW, BPFSYS_REG_6, BPFSYS_REG_1, 8), "7916080000000000");
	expect_insn(bpfsys_insn_ldx_mem(BPFSYS_W, BPFSYS_REG_0, BPFSYS_REG_1, 0), "6110000000000000");
	expect_insn(bpfsys_insn_ldx_mem(BPFSYS_H, BPFSYS_REG_0, BPFSYS_REG_1, 2), "6910020000000000");
	expect_insn(bpfsys_insn_ldx_mem(BPFSYS_B, BPFSYS_REG_0, BPFSYS_REG_1, 3), "7110030000000000");
	expect_insn(bpfsys_insn_stx_mem(BPFSYS_DW, BPFSYS_REG_10, BPFSYS_REG_1, -8), "7b1af8ff00000000");
	expect_insn(bpfsys_insn_st_mem(BPFSYS_W, BPFSYS_REG_10, -4, 0x41), "620afcff41000000");
	expect_insn(bpfsys_insn_jmp_imm(BPFSYS_JEQ, BPFSYS_REG_0, 0, 3), "1500030000000000");
	expect_insn(bpfsys_insn_jmp_imm(BPFSYS_JNE, BPFSYS_REG_0, 1, -1), "5500ffff01000000");
	expect_insn(bpfsys_insn_jmp_imm(BPFSYS_JGT, BPFSYS_REG_1, 9, 1), "2501010009000000");
	expect_insn(bpfsys_insn_jmp_imm(BPFSYS_JGE, BPFSYS_REG_1, 9, 1), "3501010009000000");
	expect_insn(bpfsys_insn_jmp_imm(BPFSYS_JLT, BPFSYS_REG_1, 9, 1), "a501010009000000");
	expect_insn(bpfsys_insn_jmp_reg(BPFSYS_JEQ, BPFSYS_REG_1, BPFSYS_REG_2, 2), "1d21020000000000");
	expect_insn(bpfsys_insn_ja(4), "0500040000000000");
	expect_insn(bpfsys_insn_call_helper(BPFSYS_FUNC_seq_write), "850000007f000000");
	expect_insn(bpfsys_insn_call_kfunc(1234, 0), "85200000d2040000");
	expect_insn(bpfsys_insn_exit(), "9500000000000000");
	expect_insn(ld[0], "1802000088776655");
	expect_insn(ld[1], "0000000044332211");
	expect_insn(ld[2], "1811000005000000");
	expect_insn(ld[3], "0000000000000000");
}

/* ---- the wrappers ---- */

#define HOST_END(f) (offsetof(union bpf_attr, f) + sizeof(((union bpf_attr *)0)->f))
#define PTR(p) ((uint64_t)(uintptr_t)(p))

static void test_get_next_id_sends_start_id_and_returns_next(void **state)
{
	int (*fn[])(uint32_t, uint32_t *) = { bpfsys_prog_get_next_id, bpfsys_map_get_next_id,
					      bpfsys_link_get_next_id, bpfsys_btf_get_next_id };
	const int cmd[] = { BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_NEXT_ID, BPF_LINK_GET_NEXT_ID,
			    BPF_BTF_GET_NEXT_ID };
	union bpf_attr a = host_attr();

	(void)state;
	a.start_id = 5;
	for (unsigned int i = 0; i < 4; i++) {
		uint32_t next = 0;

		script((struct reply){ .next_id = 77 + i });
		assert_int_equal(fn[i](5, &next), 0);
		assert_int_equal(next, 77 + i);
		expect_sent(i, cmd[i], HOST_END(next_id), &a);
	}
}

static void test_get_next_id_end_leaves_out_param(void **state)
{
	uint32_t next = 0xdead;

	(void)state;
	script((struct reply){ .ret = -1, .err = ENOENT });
	assert_int_equal(bpfsys_prog_get_next_id(1, &next), -ENOENT);
	assert_int_equal(next, 0xdead);
}

static void test_get_fd_by_id_opens_maps_read_only(void **state)
{
	int (*fn[])(uint32_t) = { bpfsys_prog_get_fd_by_id, bpfsys_map_get_fd_by_id,
				  bpfsys_link_get_fd_by_id, bpfsys_btf_get_fd_by_id };
	const int cmd[] = { BPF_PROG_GET_FD_BY_ID, BPF_MAP_GET_FD_BY_ID, BPF_LINK_GET_FD_BY_ID,
			    BPF_BTF_GET_FD_BY_ID };

	(void)state;
	for (unsigned int i = 0; i < 4; i++) {
		union bpf_attr a = host_attr();

		a.prog_id = 9;
		a.open_flags = cmd[i] == BPF_MAP_GET_FD_BY_ID ? BPF_F_RDONLY : 0;
		script((struct reply){ .ret = 1000 });
		assert_int_equal(fn[i](9), 1000);
		expect_sent(i, cmd[i], HOST_END(open_flags), &a);
	}
	script((struct reply){ .ret = -1, .err = ENOENT });
	assert_int_equal(bpfsys_map_get_fd_by_id(12345), -ENOENT);
}

static void test_new_fd_0_is_moved_above_2_and_closed(void **state)
{
	int saved = fcntl(0, F_DUPFD_CLOEXEC, 3);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int fd;

	(void)state;
	assert_true(saved > 2 && null > 2);
	assert_int_equal(dup2(null, 0), 0); /* fd 0 is now what "the kernel" returns */
	close(null);
	script((struct reply){ .ret = 0 });
	fd = bpfsys_btf_get_fd_by_id(1);
	assert_true(fd > 2);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fcntl(0, F_GETFD), -1); /* the low fd was closed */
	assert_int_equal(errno, EBADF);
	close(fd);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
}

static void test_errno_comes_back_negated(void **state)
{
	const int errs[] = { EPERM, EINVAL, ENODEV, EFAULT, ENOMEM, E2BIG, EACCES };

	(void)state;
	for (unsigned int i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		script((struct reply){ .ret = -1, .err = errs[i] });
		assert_int_equal(bpfsys_enable_stats(BPFSYS_STATS_RUN_TIME), -errs[i]);
	}
	/* -1 without errno must still read as a failure */
	script((struct reply){ .ret = -1, .err = 0 });
	assert_int_equal(bpfsys_link_detach(4), -EIO);
}

static void test_enable_stats_iter_create_link_detach_attrs(void **state)
{
	union bpf_attr a = host_attr(), b = host_attr(), c = host_attr();

	(void)state;
	a.enable_stats.type = BPF_STATS_RUN_TIME;
	b.iter_create.link_fd = 6;
	c.link_detach.link_fd = 7;
	script((struct reply){ .ret = 10 });
	script((struct reply){ .ret = 11 });
	script((struct reply){ .ret = 0 });
	assert_int_equal(bpfsys_enable_stats(BPFSYS_STATS_RUN_TIME), 10);
	assert_int_equal(bpfsys_iter_create(6), 11);
	assert_int_equal(bpfsys_link_detach(7), 0);
	expect_sent(0, BPF_ENABLE_STATS, HOST_END(enable_stats.type), &a);
	expect_sent(1, BPF_ITER_CREATE, HOST_END(iter_create.link_fd), &b);
	expect_sent(2, BPF_LINK_DETACH, HOST_END(link_detach.link_fd), &c);
}

/* ---- object info ---- */

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void test_info_zeroes_caller_garbage_before_the_call(void **state)
{
	struct bpfsys_prog_info info, kern = { .type = 1, .id = 2, .name = "p" };
	uint32_t len = sizeof(info);
	union bpf_attr a = host_attr();

	(void)state;
	memset(&info, 0xff, sizeof(info));
	info_buf_len = sizeof(info);
	script((struct reply){ .info = &kern, .info_len = sizeof(kern) });
	assert_int_equal(bpfsys_prog_get_info(3, &info, &len), 0);
	assert_true(all_zero(calls[0].info, sizeof(info)));
	a.info.bpf_fd = 3;
	a.info.info_len = sizeof(info);
	a.info.info = PTR(&info);
	expect_sent(0, BPF_OBJ_GET_INFO_BY_FD, HOST_END(info.info), &a);
	assert_int_equal(len, sizeof(info));
	assert_int_equal(info.id, 2);
	assert_string_equal(info.name, "p");
}

static void test_info_reused_buffer_is_zeroed_for_the_next_object(void **state)
{
	struct bpfsys_map_info info, first = { .type = 1, .id = 2, .btf_id = 99, .ifindex = 3 };
	struct bpfsys_map_info second = { .type = 2, .id = 4 };
	uint32_t len = sizeof(info);

	(void)state;
	info_buf_len = sizeof(info);
	script((struct reply){ .info = &first, .info_len = sizeof(first) });
	script((struct reply){ .info = &second, .info_len = 40 }); /* fills less */
	assert_int_equal(bpfsys_map_get_info(3, &info, &len), 0);
	assert_int_equal(info.btf_id, 99);
	assert_int_equal(bpfsys_map_get_info(4, &info, &len), 0);
	assert_true(all_zero(calls[1].info, sizeof(info)));
	assert_int_equal(len, 40);
	assert_int_equal(info.id, 4);
	assert_int_equal(info.btf_id, 0);
	assert_int_equal(info.ifindex, 0);
}

static void test_info_e2big_retries_with_older_layouts(void **state)
{
	struct bpfsys_link_info info, kern = { .type = 1, .id = 8, .prog_id = 9 };
	uint32_t len = sizeof(info);

	(void)state;
	info_buf_len = sizeof(info);
	script((struct reply){ .ret = -1, .err = E2BIG, .scribble = 1 });
	script((struct reply){ .ret = -1, .err = E2BIG, .scribble = 1 });
	script((struct reply){ .info = &kern, .info_len = 48 });
	assert_int_equal(bpfsys_link_get_info(5, &info, &len), 0);
	assert_int_equal(ncalls, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(calls[i].size, HOST_END(info.info));
		assert_true(all_zero(calls[i].info, sizeof(info))); /* zeroed before EVERY call */
	}
	assert_int_equal(calls[0].attr.info.info_len, 64);
	assert_int_equal(calls[1].attr.info.info_len, 56);
	assert_int_equal(calls[2].attr.info.info_len, 48);
	assert_int_equal(len, 48);
	assert_int_equal(info.prog_id, 9);
}

static void test_info_e2big_next_size_per_type(void **state)
{
	struct bpfsys_prog_info p;
	struct bpfsys_map_info m;
	struct bpfsys_btf_info b;
	uint8_t any[100];
	uint32_t len[4] = { sizeof(p), sizeof(m), sizeof(b), sizeof(any) };
	const uint32_t first[4] = { 232, 104, 32, 100 };
	const uint32_t want[4] = { 224, 88, 16, 88 }; /* any: the largest known size < 100 */

	(void)state;
	for (int i = 0; i < 4; i++) {
		script((struct reply){ .ret = -1, .err = E2BIG });
		script((struct reply){ .ret = 0 }); /* keeps the info_len it was sent */
	}
	assert_int_equal(bpfsys_prog_get_info(3, &p, &len[0]), 0);
	assert_int_equal(bpfsys_map_get_info(3, &m, &len[1]), 0);
	assert_int_equal(bpfsys_btf_get_info(3, &b, &len[2], NULL, 0), 0);
	assert_int_equal(bpfsys_obj_get_info_by_fd(3, any, &len[3]), 0);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(calls[2 * i].attr.info.info_len, first[i]);
		assert_int_equal(calls[2 * i + 1].attr.info.info_len, want[i]);
		assert_int_equal(len[i], want[i]);
	}
}

static void test_info_e2big_on_every_layout_gives_up(void **state)
{
	struct bpfsys_prog_info p;
	uint32_t len = sizeof(p);

	(void)state;
	for (int i = 0; i < 10; i++) /* BPFSYS_PROG_INFO_SIZES has 10 */
		script((struct reply){ .ret = -1, .err = E2BIG });
	assert_int_equal(bpfsys_prog_get_info(3, &p, &len), -E2BIG);
	assert_int_equal(ncalls, 10);
	assert_int_equal(calls[9].attr.info.info_len, 40);
	assert_int_equal(len, sizeof(p)); /* untouched on failure */
}

static void test_info_failure_leaves_len(void **state)
{
	struct bpfsys_link_info l;
	uint32_t len = sizeof(l);

	(void)state;
	script((struct reply){ .ret = -1, .err = ENODEV });
	assert_int_equal(bpfsys_link_get_info(3, &l, &len), -ENODEV);
	assert_int_equal(len, sizeof(l));
	assert_int_equal(bpfsys_link_get_info(-1, &l, &len), -EBADF);
	assert_int_equal(ncalls, 1); /* a bad fd never reaches the kernel */
}

static void test_btf_info_passes_name_buffer(void **state)
{
	struct bpfsys_btf_info info, want, kern = { .id = 1, .name_len = 7, .kernel_btf = 1 };
	uint32_t len = sizeof(info);
	char name[64];

	(void)state;
	memset(name, 'x', sizeof(name));
	memset(&info, 0xff, sizeof(info));
	info_buf_len = sizeof(info);
	script((struct reply){ .info = &kern, .info_len = sizeof(kern), .name = "vmlinux" });
	assert_int_equal(bpfsys_btf_get_info(3, &info, &len, name, sizeof(name)), 0);
	memset(&want, 0, sizeof(want)); /* all zero but the name buffer */
	want.name = PTR(name);
	want.name_len = sizeof(name);
	assert_memory_equal(calls[0].info, &want, sizeof(want));
	assert_string_equal(name, "vmlinux");
	assert_int_equal(info.kernel_btf, 1);
}

static void test_btf_info_old_layout_gets_no_name(void **state)
{
	struct bpfsys_btf_info info;
	uint32_t len = 16; /* a caller built for 4.18: no room for the name fields */
	char name[8] = "junk";

	(void)state;
	memset(&info, 0xff, sizeof(info));
	info_buf_len = sizeof(info);
	script((struct reply){ .ret = 0 });
	assert_int_equal(bpfsys_btf_get_info(3, &info, &len, name, sizeof(name)), 0);
	assert_true(all_zero(calls[0].info, 16));
	assert_int_equal(calls[0].info[16], 0xff); /* beyond info_len: not ours to touch */
	assert_string_equal(name, "");
	script((struct reply){ .ret = -1, .err = ENOSPC });
	len = sizeof(info);
	assert_int_equal(bpfsys_btf_get_info(3, &info, &len, name, sizeof(name)), -ENOSPC);
}

static void test_info_req_is_the_starting_point_of_every_call(void **state)
{
	struct bpfsys_link_info info, req;
	uint32_t len = sizeof(info);
	char tp[32];

	(void)state;
	memset(&req, 0, sizeof(req));
	req.raw_tracepoint.tp_name = PTR(tp);
	req.raw_tracepoint.tp_name_len = sizeof(tp);
	memset(&info, 0xff, sizeof(info));
	info_buf_len = sizeof(info);
	script((struct reply){ .ret = -1, .err = E2BIG, .scribble = 1 });
	script((struct reply){ .ret = 0 });
	assert_int_equal(bpfsys_obj_get_info_by_fd_req(3, &info, &len, &req), 0);
	assert_memory_equal(calls[0].info, &req, sizeof(req));
	assert_memory_equal(calls[1].info, &req, 56); /* the retry sends 56 bytes ... */
	assert_true(all_zero(calls[1].info + 56, sizeof(info) - 56)); /* ... and zeros */
	assert_int_equal(bpfsys_obj_get_info_by_fd_req(3, &info, &len, &info), -EINVAL);
	assert_int_equal(ncalls, 2);
}

/* ---- creation commands ---- */

static void test_map_create_attr(void **state)
{
	struct bpfsys_map_create_opts o = {
		.map_type = BPFSYS_MAP_TYPE_HASH, .key_size = 4, .value_size = 8,
		.max_entries = 16, .map_flags = BPFSYS_F_NO_PREALLOC, .inner_map_fd = 0,
		.name = "a_very_long_map_name", .btf_fd = 5, .btf_key_type_id = 1,
		.btf_value_type_id = 2, .btf_vmlinux_value_type_id = 3, .map_extra = 7,
	};
	union bpf_attr a = host_attr();

	(void)state;
	a.map_type = BPF_MAP_TYPE_HASH;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 16;
	a.map_flags = BPF_F_NO_PREALLOC;
	memcpy(a.map_name, "a_very_long_map", 15); /* truncated, NUL-terminated */
	a.btf_fd = 5;
	a.btf_key_type_id = 1;
	a.btf_value_type_id = 2;
	a.btf_vmlinux_value_type_id = 3;
	a.map_extra = 7;
	script((struct reply){ .ret = 20 });
	assert_int_equal(bpfsys_map_create(&o), 20);
	expect_sent(0, BPF_MAP_CREATE, HOST_END(map_extra), &a);
}

static void test_map_elem_attrs(void **state)
{
	uint32_t key = 1, next = 0;
	uint64_t val = 2;
	union bpf_attr up = host_attr(), look = host_attr(), del = host_attr(), nk = host_attr();

	(void)state;
	up.map_fd = look.map_fd = del.map_fd = nk.map_fd = 5;
	up.key = look.key = del.key = PTR(&key);
	up.value = look.value = PTR(&val);
	up.flags = BPF_NOEXIST;
	nk.next_key = PTR(&next); /* key 0: the first key */
	for (int i = 0; i < 4; i++)
		script((struct reply){ .ret = 0 });
	script((struct reply){ .ret = -1, .err = ENOENT });
	assert_int_equal(bpfsys_map_update_elem(5, &key, &val, BPFSYS_NOEXIST), 0);
	assert_int_equal(bpfsys_map_lookup_elem(5, &key, &val), 0);
	assert_int_equal(bpfsys_map_delete_elem(5, &key), 0);
	assert_int_equal(bpfsys_map_get_next_key(5, NULL, &next), 0);
	assert_int_equal(bpfsys_map_get_next_key(5, &key, &next), -ENOENT);
	expect_sent(0, BPF_MAP_UPDATE_ELEM, HOST_END(flags), &up);
	expect_sent(1, BPF_MAP_LOOKUP_ELEM, HOST_END(value), &look);
	expect_sent(2, BPF_MAP_DELETE_ELEM, HOST_END(key), &del);
	expect_sent(3, BPF_MAP_GET_NEXT_KEY, HOST_END(next_key), &nk);
	assert_int_equal(bpfsys_map_lookup_elem(-1, &key, &val), -EBADF);
	assert_int_equal(ncalls, 5);
}

static void test_prog_load_attr(void **state)
{
	struct bpfsys_insn insns[] = { bpfsys_insn_mov64_imm(BPFSYS_REG_0, 0), bpfsys_insn_exit() };
	const int fds[] = { 7 };
	char log[64] = "junk";
	struct bpfsys_prog_load_opts o = {
		.prog_type = BPFSYS_PROG_TYPE_TRACING, .insns = insns, .insn_cnt = 2,
		.name = "prog_name_longer_than_16", .expected_attach_type = BPFSYS_TRACE_ITER,
		.attach_btf_id = 100, .attach_btf_obj_fd = 9, .prog_btf_fd = 8, .fd_array = fds,
		.log_buf = log, .log_size = sizeof(log), .prog_flags = BPFSYS_F_SLEEPABLE,
	};
	union bpf_attr a = host_attr();

	(void)state;
	script((struct reply){ .ret = 30 });
	assert_int_equal(bpfsys_prog_load(&o), 30);
	assert_string_equal((const char *)(uintptr_t)calls[0].attr.license, "GPL");
	assert_string_equal(log, "");
	a.prog_type = BPF_PROG_TYPE_TRACING;
	a.insn_cnt = 2;
	a.insns = PTR(insns);
	a.license = calls[0].attr.license;
	a.log_level = 1;
	a.log_size = sizeof(log);
	a.log_buf = PTR(log);
	a.prog_flags = BPF_F_SLEEPABLE;
	memcpy(a.prog_name, "prog_name_longe", 15);
	a.expected_attach_type = BPF_TRACE_ITER;
	a.prog_btf_fd = 8;
	a.attach_btf_id = 100;
	a.attach_btf_obj_fd = 9;
	a.fd_array = PTR(fds);
	expect_sent(0, BPF_PROG_LOAD, HOST_END(fd_array), &a);
}

static void test_prog_load_retries_eagain(void **state)
{
	struct bpfsys_insn insns[] = { bpfsys_insn_mov64_imm(BPFSYS_REG_0, 0), bpfsys_insn_exit() };
	struct bpfsys_prog_load_opts o = { .prog_type = 1, .insns = insns, .insn_cnt = 2,
					   .license = "MIT" };

	(void)state;
	script((struct reply){ .ret = -1, .err = EAGAIN });
	script((struct reply){ .ret = -1, .err = EAGAIN });
	script((struct reply){ .ret = 31 });
	assert_int_equal(bpfsys_prog_load(&o), 31);
	assert_int_equal(ncalls, 3);
	assert_string_equal((const char *)(uintptr_t)calls[2].attr.license, "MIT");
	reset(NULL);
	for (int i = 0; i < 5; i++)
		script((struct reply){ .ret = -1, .err = EAGAIN });
	assert_int_equal(bpfsys_prog_load(&o), -EAGAIN);
	assert_int_equal(ncalls, 5);
}

static void test_attach_tracepoint_btf_attrs(void **state)
{
	static const char btf[24] = { 0 };
	char log[32];
	union bpf_attr at = host_attr(), rt = host_attr(), bl = host_attr();

	(void)state;
	at.target_fd = 3;
	at.attach_bpf_fd = 4;
	at.attach_type = BPF_CGROUP_INET_EGRESS;
	at.attach_flags = BPF_F_ALLOW_MULTI;
	rt.raw_tracepoint.name = PTR("sched_switch");
	rt.raw_tracepoint.prog_fd = 4;
	bl.btf = PTR(btf);
	bl.btf_size = sizeof(btf);
	bl.btf_log_buf = PTR(log);
	bl.btf_log_size = sizeof(log);
	bl.btf_log_level = 1;
	script((struct reply){ .ret = 0 });
	script((struct reply){ .ret = 40 });
	script((struct reply){ .ret = 41 });
	assert_int_equal(bpfsys_prog_attach(4, 3, BPFSYS_CGROUP_INET_EGRESS, BPFSYS_F_ALLOW_MULTI), 0);
	assert_int_equal(bpfsys_raw_tracepoint_open((const char *)(uintptr_t)rt.raw_tracepoint.name, 4), 40);
	assert_int_equal(bpfsys_btf_load(btf, sizeof(btf), log, sizeof(log)), 41);
	expect_sent(0, BPF_PROG_ATTACH, HOST_END(attach_flags), &at);
	expect_sent(1, BPF_RAW_TRACEPOINT_OPEN, HOST_END(raw_tracepoint.prog_fd), &rt);
	expect_sent(2, BPF_BTF_LOAD, HOST_END(btf_log_level), &bl);
}

/* link_create: the head, then the tail its attach type selects, sized to its last field */
static void link_case(unsigned int i, const struct bpfsys_link_create_opts *o, int cmd_ret,
		      const void *want, size_t size)
{
	script((struct reply){ .ret = cmd_ret });
	assert_int_equal(bpfsys_link_create(o), cmd_ret);
	expect_sent(i, BPF_LINK_CREATE, size, want);
}

static void test_link_create_tails(void **state)
{
	const char *syms[] = { "a", "b" };
	const uint64_t addrs[2] = { 1, 2 }, offs[2] = { 3, 4 }, cookies[2] = { 5, 6 };
	const uint32_t iter_info[2] = { 11, 0 };
	union bpf_attr h;
	union bpfsys_attr o6;
	struct bpfsys_link_create_opts o;
	unsigned int n = 0;

	(void)state;
#define HEAD(type)                                                                   \
	do {                                                                         \
		memset(&o, 0, sizeof(o));                                            \
		o.prog_fd = 4, o.target_fd = 5, o.attach_type = (type), o.flags = 1; \
		h = host_attr();                                                     \
		h.link_create.prog_fd = 4, h.link_create.target_fd = 5;              \
		h.link_create.attach_type = (type), h.link_create.flags = 1;         \
		memset(&o6, 0, sizeof(o6));                                          \
		memcpy(&o6, &h, HOST_END(link_create.flags));                        \
	} while (0)
	HEAD(BPF_CGROUP_INET_INGRESS); /* no tail */
	link_case(n++, &o, 50, &h, HOST_END(link_create.flags));
	HEAD(BPF_TRACE_ITER);
	o.iter_info = iter_info, o.iter_info_len = sizeof(iter_info);
	h.link_create.iter_info = PTR(iter_info), h.link_create.iter_info_len = sizeof(iter_info);
	link_case(n++, &o, 51, &h, HOST_END(link_create.iter_info_len));
	HEAD(BPF_PERF_EVENT);
	o.perf_bpf_cookie = 0x1234;
	h.link_create.perf_event.bpf_cookie = 0x1234;
	link_case(n++, &o, 52, &h, HOST_END(link_create.perf_event.bpf_cookie));
	HEAD(BPF_TRACE_KPROBE_MULTI);
	o.syms = syms, o.addrs = addrs, o.cookies = cookies, o.cnt = 2;
	o.multi_flags = BPF_F_KPROBE_MULTI_RETURN;
	h.link_create.kprobe_multi.flags = BPF_F_KPROBE_MULTI_RETURN;
	h.link_create.kprobe_multi.cnt = 2;
	h.link_create.kprobe_multi.syms = PTR(syms);
	h.link_create.kprobe_multi.addrs = PTR(addrs);
	h.link_create.kprobe_multi.cookies = PTR(cookies);
	link_case(n++, &o, 53, &h, HOST_END(link_create.kprobe_multi.cookies));
	/* Tails newer than the 6.1 header: our union (pinned to 6.18 by abi_check.c) */
	HEAD(BPFSYS_TRACE_UPROBE_MULTI);
	o.path = "/bin/true", o.offsets = offs, o.cookies = cookies, o.cnt = 2;
	o.multi_flags = BPFSYS_F_UPROBE_MULTI_RETURN, o.pid = 77;
	o6.link_create.uprobe_multi.path = PTR(o.path);
	o6.link_create.uprobe_multi.offsets = PTR(offs);
	o6.link_create.uprobe_multi.cookies = PTR(cookies);
	o6.link_create.uprobe_multi.cnt = 2;
	o6.link_create.uprobe_multi.flags = BPFSYS_F_UPROBE_MULTI_RETURN;
	o6.link_create.uprobe_multi.pid = 77;
	link_case(n++, &o, 54, &o6, 60);
	HEAD(BPFSYS_NETFILTER);
	o.nf_pf = 2, o.nf_hooknum = 1, o.nf_priority = -100, o.nf_flags = 1;
	o6.link_create.netfilter.pf = 2, o6.link_create.netfilter.hooknum = 1;
	o6.link_create.netfilter.priority = -100, o6.link_create.netfilter.flags = 1;
	link_case(n++, &o, 55, &o6, 32);
	const uint32_t rel_types[] = { BPFSYS_TCX_INGRESS, BPFSYS_TCX_EGRESS, BPFSYS_NETKIT_PRIMARY,
				       BPFSYS_NETKIT_PEER, BPFSYS_CGROUP_INET_EGRESS };
	for (unsigned int t = 0; t < 5; t++) {
		HEAD(rel_types[t]);
		o.relative_fd = 9, o.expected_revision = 3;
		o6.link_create.tcx.relative_fd = 9, o6.link_create.tcx.expected_revision = 3;
		link_case(n++, &o, 56, &o6, 32);
	}
#undef HEAD
}

static void test_close(void **state)
{
	int fd = dup(2);

	(void)state;
	assert_true(fd > 2);
	assert_int_equal(bpfsys_close(fd), 0);
	assert_int_equal(bpfsys_close(fd), -EBADF);
	assert_int_equal(bpfsys_close(-1), -EBADF);
}

#define T(f) cmocka_unit_test_setup(f, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_abi_fields_match_host_header),
		T(test_abi_bitfields_match_host_header),
		T(test_abi_constants_match_host_header),
		T(test_insn_encodings),
		T(test_get_next_id_sends_start_id_and_returns_next),
		T(test_get_next_id_end_leaves_out_param),
		T(test_get_fd_by_id_opens_maps_read_only),
		T(test_new_fd_0_is_moved_above_2_and_closed),
		T(test_errno_comes_back_negated),
		T(test_enable_stats_iter_create_link_detach_attrs),
		T(test_info_zeroes_caller_garbage_before_the_call),
		T(test_info_reused_buffer_is_zeroed_for_the_next_object),
		T(test_info_e2big_retries_with_older_layouts),
		T(test_info_e2big_next_size_per_type),
		T(test_info_e2big_on_every_layout_gives_up),
		T(test_info_failure_leaves_len),
		T(test_btf_info_passes_name_buffer),
		T(test_btf_info_old_layout_gets_no_name),
		T(test_info_req_is_the_starting_point_of_every_call),
		T(test_map_create_attr),
		T(test_map_elem_attrs),
		T(test_prog_load_attr),
		T(test_prog_load_retries_eagain),
		T(test_attach_tracepoint_btf_attrs),
		T(test_link_create_tails),
		T(test_close),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
