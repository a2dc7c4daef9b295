/* SPDX-License-Identifier: MIT */
/* Our bpf(2) ABI definitions against the host's <linux/bpf.h> (kernel 6.1 here): every field
 * and constant both know must agree; the newer ones are pinned by bpfsys/abi_check.c against
 * the 6.18 layout. Also the instruction encoder, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <linux/bpf.h>

#include "abi_attr.h"
#include "bpfsys.h"
#include "insn.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abi_fields_match_host_header),
		cmocka_unit_test(test_abi_bitfields_match_host_header),
		cmocka_unit_test(test_abi_constants_match_host_header),
		cmocka_unit_test(test_insn_encodings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
