#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Real BPF objects from the fixture program, scraped from the real binary: every object
appears with exactly the right labels and values, nothing else claims to be ours, bpftool
agrees on everything else, promtool is clean, and fds stay flat under churn."""
import functools
import os
import signal
import time
import json
import subprocess
import threading

import compare
import harness as h

A = h.args()
h.need_root()


def scrape(e):
    status, _, body = h.curl(e.url())
    assert status == 200, status
    return body, h.parse(body.decode())


def test_every_fixture_object_exported_exactly(fx, e):
    _, samples = scrape(e)
    for o in fx.objects:
        if o["kind"] == "skip":
            continue
        m = compare.mismatch(samples, o)
        assert m is None, m
    for c in compare.COLLECTORS:
        assert compare.collector_success(samples, c) == "1", c


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


def fixture_view(fx, samples):
    """Every series of the fixture's objects, plus collector success: what must not depend
    on the backend (other processes' objects may come and go between two scrapes)."""
    view = {(o["kind"], o["id"]): compare.actual(samples, o) for o in fx.objects if o["kind"] != "skip"}
    view["success"] = {c: compare.collector_success(samples, c) for c in compare.COLLECTORS}
    return view


def test_every_backend_gives_identical_output(fx):
    bodies = {}
    for backend in ("iterator+kfunc", "iterator", "syscall"):
        with h.Exporter(A.exporter, "--backend=" + backend, "--map-count-entries") as e:
            body, samples = scrape(e)
            got = {l["collector"]: l["backend"] for l, _ in h.series(samples, "ebpf_exporter_collector_backend_info")}
            want = "iterator" if backend == "iterator+kfunc" else backend
            assert got == {"map": backend, "prog": want, "link": want, "btf": "syscall"}, got
            bodies[backend] = fixture_view(fx, samples)
    assert bodies["iterator+kfunc"] == bodies["syscall"], "iterator+kfunc differs from syscall"
    assert bodies["iterator"] == bodies["syscall"], "iterator differs from syscall"


def test_without_cap_sys_admin_progs_maps_links_still_exported(fx):
    e = h.Exporter(A.exporter, "--map-count-entries",
                   wrap=("capsh", "--drop=cap_sys_admin", "--", "-c", 'exec "$0" "$@"'))
    try:
        body, samples = scrape(e)
    finally:
        rc, log = e.stop()
    status = {c: v for l, v in h.series(samples, "ebpf_exporter_scrape_collector_success")
              for c in [l["collector"]]}
    assert status == {"prog": "1", "map": "1", "link": "1", "btf": "0"}, (status, log)
    assert "CAP_SYS_ADMIN" in log, log
    for o in fx.objects:
        if o["kind"] == "prog":
            assert h.series(samples, "ebpf_program_info", prog_id=o["id"]), o
        if o["kind"] == "link":
            assert h.series(samples, "ebpf_link_info", link_id=o["id"]), o
        if o["kind"] == "map":
            assert h.series(samples, "ebpf_map_info", map_id=o["id"]), o
            if o["entries"] is not None and o["type"] in (1, 5, 9, 10, 13):  # hash family
                got = h.series(samples, "ebpf_map_entries", map_id=o["id"])
                assert got and int(got[0][1]) == o["entries"], (o, got)


def holds_stats_fd(pid):
    """Whether pid holds a BPF_ENABLE_STATS fd (stats are on exactly while one is open)."""
    fds = "/proc/%d/fd" % pid
    for fd in os.listdir(fds):
        try:
            if os.readlink(os.path.join(fds, fd)) == "anon_inode:bpf-stats":
                return True
        except OSError:
            pass
    return False


def global_stats_sysctl():
    with open("/proc/sys/kernel/bpf_stats_enabled") as f:
        return f.read().strip()


def test_prog_stats_sample_mode_toggles_its_fd_and_never_the_sysctl(fx):
    before = global_stats_sysctl()
    e = h.Exporter(A.exporter, "--prog-stats-mode=sample", "--prog-stats-sample-interval=400ms",
                   "--prog-stats-sample-duration=200ms")
    try:
        seen = set()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and len(seen) < 2:
            seen.add(holds_stats_fd(e.proc.pid))
            time.sleep(0.02)
        assert seen == {True, False}, seen
        assert global_stats_sysctl() == before
        _, samples = scrape(e)
        for o in fx.objects:
            if o["kind"] == "prog":
                assert h.series(samples, "ebpf_program_run_count", prog_id=o["id"]), o
                assert h.series(samples, "ebpf_program_run_duration_nanoseconds", prog_id=o["id"]), o
    finally:
        e.stop(signal.SIGKILL)  # a crash: the kernel closes the fd, stats go off by themselves


def test_prog_stats_enabled_mode_holds_its_fd_until_exit(fx):
    e = h.Exporter(A.exporter, "--prog-stats-mode=enabled")
    try:
        assert holds_stats_fd(e.proc.pid)
        _, samples = scrape(e)
        info = h.series(samples, "ebpf_exporter_collector_backend_info", collector="prog")
        assert info and info[0][0]["backend"] == "syscall", info  # run counts need get-info
    finally:
        rc, log = e.stop()
    assert rc == 0, log


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
                p(test_every_backend_gives_identical_output, fx),
                p(test_without_cap_sys_admin_progs_maps_links_still_exported, fx),
                p(test_prog_stats_sample_mode_toggles_its_fd_and_never_the_sysctl, fx),
                p(test_prog_stats_enabled_mode_holds_its_fd_until_exit, fx),
                p(test_no_fd_growth_over_1000_scrapes_with_churn, fx, e),
            ])


main()
