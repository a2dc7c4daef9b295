#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Real BPF objects from the fixture program, scraped from the real binary: every object
appears with exactly the right labels and values, nothing else claims to be ours, bpftool
agrees on everything else, promtool is clean, and fds stay flat under churn."""
import functools
import json
import subprocess
import threading

import harness as h
import names

A = h.args()
h.need_root()

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
    elif o["kind"] == "prog":
        put("ebpf_program_info", {"prog_id": o["id"], "prog_type": names.prog_type(o["type"]),
                                  "prog_name": o["name"], "tag": o["tag"]}, 1)
    elif o["kind"] == "link":
        put("ebpf_link_info", {"link_id": o["id"], "link_type": names.link_type(o["type"]),
                               "prog_id": o["prog_id"]}, 1)
        if o["type"] in LINK_EXTRA:
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
    key = ID_LABEL[o["kind"]]
    return {(n, frozenset(l.items())): v for n, l, v in samples
            if n.startswith(PREFIX[o["kind"]]) and l.get(key) == str(o["id"])}


def scrape(e):
    status, _, body = h.curl(e.url())
    assert status == 200, status
    return body, h.parse(body.decode())


def test_every_fixture_object_exported_exactly(fx, e):
    _, samples = scrape(e)
    for o in fx.objects:
        if o["kind"] == "skip":
            continue
        want, got = expected(o), actual(samples, o)
        assert got == want, "%s %s:\n want %s\n got  %s" % (o["kind"], o.get("name", o["id"]),
                                                            sorted(want.items()), sorted(got.items()))
    for c in ("prog", "map", "link", "btf"):
        assert h.series(samples, "ebpf_exporter_scrape_collector_success", collector=c)[0][1] == "1", c


def test_no_other_object_claims_a_fixture_name(fx, e):
    _, samples = scrape(e)
    ours = {(o["kind"], str(o["id"])) for o in fx.objects if o["kind"] != "skip"}
    for n, l, _ in samples:
        if n == "ebpf_map_info" and l["map_name"].startswith("fx_"):
            assert ("map", l["map_id"]) in ours, l
        if n == "ebpf_program_info" and l["prog_name"].startswith("fx_"):
            assert ("prog", l["prog_id"]) in ours, l


def bpftool(*what):
    return json.loads(subprocess.run(["bpftool", "-j"] + list(what), capture_output=True,
                                     check=True, text=True).stdout)


def test_bpftool_agrees_on_every_map_and_program(fx, e):
    _, samples = scrape(e)
    maps = {l["map_id"]: l for l, _ in h.series(samples, "ebpf_map_info")}
    for m in bpftool("map", "show"):
        l = maps.get(str(m["id"]))
        if l is None:
            continue  # created after the scrape
        assert (l["key_size"], l["value_size"], l["flags"], l["map_name"]) == \
            (str(m["bytes_key"]), str(m["bytes_value"]), str(m["flags"]), m.get("name", "")), (l, m)
    progs = {l["prog_id"]: l for l, _ in h.series(samples, "ebpf_program_info")}
    for p in bpftool("prog", "show"):
        l = progs.get(str(p["id"]))
        if l is not None:
            assert (l["tag"], l["prog_name"]) == (p["tag"], p.get("name", "")), (l, p)


def test_promtool_clean_but_for_the_two_seed_names(fx):
    with h.Exporter(A.exporter, "--prog-stats-mode=enabled", "--map-count-entries") as e:
        body, samples = scrape(e)
        assert h.series(samples, "ebpf_program_run_count"), "stats series missing"
        problems, _ = h.promtool_check(body)
        allowed = ("ebpf_program_run_count", "ebpf_program_run_duration_nanoseconds")
        assert all(p.startswith(allowed) for p in problems), problems


def churn(stop):
    while not stop.is_set():
        with h.Fixture(A.fixture, "--population", "20", "--entries", "3", quiet=True):
            pass


def test_no_fd_growth_over_1000_scrapes_with_churn(fx, e):
    scrape(e)
    before = e.fds()
    stop = threading.Event()
    t = threading.Thread(target=churn, args=(stop,))
    t.start()
    try:
        for _ in range(1000):
            _, samples = scrape(e)
            bad = [l for l, v in h.series(samples, "ebpf_exporter_scrape_collector_success") if v != "1"]
            assert not bad, bad
    finally:
        stop.set()
        t.join()
    assert e.fds() == before, (before, e.fds())


def main():
    with h.Fixture(A.fixture) as fx:
        for o in fx.of("skip"):
            print("fixture skipped: %s (errno %s)" % (o["what"], o["errno"]), flush=True)
        kinds = {}
        for o in fx.objects:
            kinds[o["kind"]] = kinds.get(o["kind"], 0) + 1
        print("fixture objects: %s" % kinds, flush=True)
        with h.Exporter(A.exporter, "--map-count-entries") as e:
            p = functools.partial
            h.run([
                p(test_every_fixture_object_exported_exactly, fx, e),
                p(test_no_other_object_claims_a_fixture_name, fx, e),
                p(test_bpftool_agrees_on_every_map_and_program, fx, e),
                p(test_promtool_clean_but_for_the_two_seed_names, fx),
                p(test_no_fd_growth_over_1000_scrapes_with_churn, fx, e),
            ])


main()
