# SPDX-License-Identifier: MIT
"""Expected label values, written out from the Go exporter's contract independently of the
C tables, so a wrong entry there shows up as a failure here."""

PROG_TYPES = ["SocketFilter", "Kprobe", "SchedCLS", "SchedACT", "TracePoint", "XDP", "PerfEvent",
              "CGroupSKB", "CGroupSock", "LWTIn", "LWTOut", "LWTXmit", "SockOps", "SkSKB",
              "CGroupDevice", "SkMsg", "RawTracepoint", "CGroupSockAddr", "LWTSeg6Local",
              "LircMode2", "SkReuseport", "FlowDissector", "CGroupSysctl",
              "RawTracepointWritable", "CGroupSockopt", "Tracing", "StructOps", "Extension",
              "LSM", "SkLookup", "Syscall", "Netfilter"]
MAP_TYPES = ["Hash", "Array", "ProgramArray", "PerfEventArray", "PerCPUHash", "PerCPUArray",
             "StackTrace", "CGroupArray", "LRUHash", "LRUCPUHash", "LPMTrie", "ArrayOfMaps",
             "HashOfMaps", "DevMap", "SockMap", "CPUMap", "XSKMap", "SockHash", "CGroupStorage",
             "ReusePortSockArray", "PerCPUCGroupStorage", "Queue", "Stack", "SkStorage",
             "DevMapHash", "StructOpsMap", "RingBuf", "InodeStorage", "TaskStorage",
             "BloomFilter", "UserRingbuf", "CgroupStorage", "Arena"]
LINK_TYPES = ["RAW_TRACEPOINT", "TRACING", "CGROUP", "ITER", "NETNS", "XDP", "PERF_EVENT",
              "KPROBE_MULTI", "STRUCT_OPS", "NETFILTER", "TCX", "UPROBE_MULTI", "NETKIT", "SOCKMAP"]
ATTACH_TYPES = [
    "CGROUP_INET_INGRESS", "CGROUP_INET_EGRESS", "CGROUP_INET_SOCK_CREATE", "CGROUP_SOCK_OPS",
    "SK_SKB_STREAM_PARSER", "SK_SKB_STREAM_VERDICT", "CGROUP_DEVICE", "SK_MSG_VERDICT",
    "CGROUP_INET4_BIND", "CGROUP_INET6_BIND", "CGROUP_INET4_CONNECT", "CGROUP_INET6_CONNECT",
    "CGROUP_INET4_POST_BIND", "CGROUP_INET6_POST_BIND", "CGROUP_UDP4_SENDMSG",
    "CGROUP_UDP6_SENDMSG", "LIRC_MODE2", "FLOW_DISSECTOR", "CGROUP_SYSCTL",
    "CGROUP_UDP4_RECVMSG", "CGROUP_UDP6_RECVMSG", "CGROUP_GETSOCKOPT", "CGROUP_SETSOCKOPT",
    "TRACE_RAW_TP", "TRACE_FENTRY", "TRACE_FEXIT", "MODIFY_RETURN", "LSM_MAC", "TRACE_ITER",
    "CGROUP_INET4_GETPEERNAME", "CGROUP_INET6_GETPEERNAME", "CGROUP_INET4_GETSOCKNAME",
    "CGROUP_INET6_GETSOCKNAME", "XDP_DEVMAP", "CGROUP_INET_SOCK_RELEASE", "XDP_CPUMAP",
    "SK_LOOKUP", "XDP", "SK_SKB_VERDICT", "SK_REUSEPORT_SELECT",
    "SK_REUSEPORT_SELECT_OR_MIGRATE", "PERF_EVENT", "TRACE_KPROBE_MULTI", "LSM_CGROUP",
    "STRUCT_OPS", "NETFILTER", "TCX_INGRESS", "TCX_EGRESS", "TRACE_UPROBE_MULTI",
    "CGROUP_UNIX_CONNECT", "CGROUP_UNIX_SENDMSG", "CGROUP_UNIX_RECVMSG",
    "CGROUP_UNIX_GETPEERNAME", "CGROUP_UNIX_GETSOCKNAME", "NETKIT_PRIMARY", "NETKIT_PEER",
    "TRACE_KPROBE_SESSION", "TRACE_UPROBE_SESSION"]
PERF_EVENT_TYPES = ["UNSPEC", "UPROBE", "URETPROBE", "KPROBE", "KRETPROBE", "TRACEPOINT", "EVENT"]


def _name(table, v, first=1):
    i = v - first
    return table[i] if 0 <= i < len(table) else str(v)


def prog_type(v):
    return _name(PROG_TYPES, v)


def map_type(v):
    return _name(MAP_TYPES, v)


def link_type(v):
    return _name(LINK_TYPES, v)


def attach_type(v):
    return _name(ATTACH_TYPES, v, 0)


def perf_event_type(v):
    return _name(PERF_EVENT_TYPES, v, 0)
