# SPDX-License-Identifier: MIT
"""What the exporter must show for each object of a fixture manifest, and what a scrape
actually shows for it. Shared by the integration test on the host kernel
(test_fixture_e2e.py) and the kernel matrix (test/matrix/test_matrix.py)."""
import names

COLLECTORS = ("prog", "map", "link", "btf")

LINK_EXTRA = {
    3: ("ebpf_link_cgroup_info", [("attach_type", "attach_type"), ("cgroup_id", "cgroup_id")]),
    5: ("ebpf_link_netns_info", [("attach_type", "attach_type"), ("netns_ino", "netns_ino")]),
    2: ("ebpf_link_tracing_info", [("attach_type", "attach_type"), ("target_obj_id", "target_obj_id"),
                                   ("target_btf_id", "target_btf_id")]),
    6: ("ebpf_link_xdp_info", [("interface_index", "ifindex")]),
    11: ("ebpf_link_tcx_info", [("attach_type", "attach_type"), ("interface_index", "ifindex")]),
    10: ("ebpf_link_netfilter_info", [("pf", "pf"), ("hook_num", "hooknum"), ("priority", "priority"),
                                      ("flags", "flags")]),
    13: ("ebpf_link_netkit_info", [("attach_type", "attach_type"), ("interface_index", "ifindex")]),
    8: ("ebpf_link_kprobe_info", [("count", "count"), ("flags", "flags"), ("missed", "missed")]),
    7: ("ebpf_link_perf_event_info", [("perf_event_type", "perf_event_type")]),
}


def label_value(key, v):
    if key == "attach_type":
        return names.attach_type(v)
    if key == "perf_event_type":
        return names.perf_event_type(v)
    return str(v)


def expected(o):
    """{(family, frozenset(labels)) -> value} the exporter must show for object o."""
    out = {}

    def put(name, labels, value):
        out[(name, frozenset((k, str(v)) for k, v in labels.items()))] = str(value)

    if o["kind"] == "map":
        put("ebpf_map_info", {"map_id": o["id"], "map_type": names.map_type(o["type"]),
                              "map_name": o["name"], "key_size": o["key_size"],
                              "value_size": o["value_size"], "flags": o["flags"]}, 1)
        put("ebpf_map_max_entries", {"map_id": o["id"]}, o["max_entries"])
        if o["entries"] is not None:
            put("ebpf_map_entries", {"map_id": o["id"]}, o["entries"])
            if o["max_entries"]:
                put("ebpf_map_pressure", {"map_id": o["id"]}, o["entries"] / o["max_entries"])
    elif o["kind"] == "prog":
        put("ebpf_program_info", {"prog_id": o["id"], "prog_type": names.prog_type(o["type"]),
                                  "prog_name": o["name"], "tag": o["tag"]}, 1)
    elif o["kind"] == "link":
        put("ebpf_link_info", {"link_id": o["id"], "link_type": names.link_type(o["type"]),
                               "prog_id": o["prog_id"]}, 1)
        if o["type"] in LINK_EXTRA and o["extra"] is not None:  # null: the kernel reports none
            fam, keys = LINK_EXTRA[o["type"]]
            labels = {"link_id": o["id"]}
            for label, key in keys:
                labels[label] = label_value(key, o["extra"][key])
            put(fam, labels, 1)
    elif o["kind"] == "btf":
        put("ebpf_btf_info", {"btf_id": o["id"], "btf_name": o["name"],
                              "is_kernel": "true" if o["is_kernel"] else "false"}, 1)
    return out


ID_LABEL = {"map": "map_id", "prog": "prog_id", "link": "link_id", "btf": "btf_id"}
PREFIX = {"map": "ebpf_map_", "prog": "ebpf_program_", "link": "ebpf_link_", "btf": "ebpf_btf_"}


def actual(samples, o):
    """The same mapping, taken from parsed scrape samples (harness.parse) for object o."""
    key = ID_LABEL[o["kind"]]
    return {(n, frozenset(l.items())): v for n, l, v in samples
            if n.startswith(PREFIX[o["kind"]]) and l.get(key) == str(o["id"])}


def number(v):
    """Sample values compare as numbers: "0.5" and 0.5 alike, integers exactly."""
    v = str(v)
    try:
        return int(v)
    except ValueError:
        return float(v)


def mismatch(samples, o):
    """None when the scrape shows object o exactly as expected, else a description."""
    want = {k: number(v) for k, v in expected(o).items()}
    got = {k: number(v) for k, v in actual(samples, o).items()}
    if got == want:
        return None
    return "%s %s:\n want %s\n got  %s" % (o["kind"], o.get("name", o["id"]),
                                           sorted(want.items()), sorted(got.items()))


def collector_success(samples, c):
    """The value of ebpf_exporter_scrape_collector_success{collector=c}; IndexError if absent."""
    return [v for n, l, v in samples
            if n == "ebpf_exporter_scrape_collector_success" and l.get("collector") == c][0]
