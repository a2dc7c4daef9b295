#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Scrape benchmark: N maps + N programs (default N = 1,000 and 10,000), real kernel objects.

Reports per population and per backend (iterator+kfunc, iterator, syscall): median wall
time of a full scrape over loopback, CPU time per scrape (exporter utime+stime), syscalls per
scrape (strace -c, every syscall), exporter RSS and body size; then a bare iterator read of
the same maps and programs (bench/iter_read.c: the floor) and bpftool's four `show` commands.
Also M hash maps of K entries each (default 10 x 100,000): entry counting by kfunc vs walk.
Needs root.

  ./bench/run                          # builds, then runs this with defaults
  bench/scrape.py --sizes 1000,10000 --backends iterator+kfunc,syscall --scrapes 30
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "test", "integration"))
import harness as h  # noqa: E402


def cpu_seconds(pid):
    """On-CPU time of every thread of pid, in ns resolution (schedstat), unlike utime ticks."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
            total += int(f.read().split()[0])
    return total / 1e9


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


DURATION = re.compile(rb"^ebpf_exporter_scrape_collector_duration_seconds\{[^}]*\} (\S+)$", re.M)


def scrape(port):
    """Wall time of one scrape over loopback, body size, and the exporter's own collect time
    (the sum of its collector durations: the work without HTTP and the client)."""
    t = time.perf_counter()
    resp = h.raw(port, b"GET /metrics HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n", timeout=60)
    dt = time.perf_counter() - t
    assert resp.startswith(b"HTTP/1.1 200"), resp[:100]
    return dt, len(resp), sum(float(v) for v in DURATION.findall(resp))


def syscalls_per_scrape(pid, port, n):
    st = subprocess.Popen(["strace", "-c", "-f", "-p", str(pid), "-o", "/tmp/bench.strace"],
                          stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    for _ in range(n):
        scrape(port)
    st.terminate()
    st.wait()
    with open("/tmp/bench.strace") as f:
        # "% time seconds usecs/call calls [errors] syscall": the calls of the total line
        total = [l.split() for l in f if l.split()[-1:] == ["total"]]
    return int(total[-1][3]) / n if total else float("nan")


def bpftool_seconds(reps=3):
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        for what in ("prog", "map", "link", "btf"):
            subprocess.run(["bpftool", "-j", what, "show"], stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - t)
    return best


def measure(a, backend, scrapes):
    e = h.Exporter(a.exporter, "--backend=" + backend, "--map-count-entries", *a.flags)
    try:
        scrape(e.port)
        walls, collects, size = [], [], 0
        c0 = cpu_seconds(e.proc.pid)
        for _ in range(scrapes):
            dt, size, collect = scrape(e.port)
            walls.append(dt)
            collects.append(collect)
        cpu = (cpu_seconds(e.proc.pid) - c0) / scrapes
        sc = syscalls_per_scrape(e.proc.pid, e.port, 3)
        rss = rss_kib(e.proc.pid)
    finally:
        e.stop()
    return dict(backend=backend, median_ms=statistics.median(walls) * 1e3,
                collect_ms=statistics.median(collects) * 1e3, cpu_ms=cpu * 1e3,
                syscalls=sc, rss_mib=rss / 1024, body_kib=size / 1024)


def iter_read_ms(a):
    r = subprocess.run([a.iter_read, "50"], capture_output=True, text=True, check=True)
    return float(r.stdout.split()[0]) / 1e3


ROW = ("| {what} | {backend} | {median_ms:.2f} ms | {collect_ms:.2f} ms | {cpu_ms:.2f} ms "
       "| {syscalls:.0f} | {rss_mib:.1f} MiB | {body_kib:.0f} KiB |")


def population(a, what, fixture_args, scrapes):
    with h.Fixture(a.fixture, *fixture_args, quiet=True):
        for b in a.backends.split(","):
            print(ROW.format(what=what, **measure(a, b, scrapes)), flush=True)
        if a.iter_read:
            print("| {} | bare iterator read (maps+progs) | | {:.2f} ms | | 8 | | |".format(
                what, iter_read_ms(a)), flush=True)
        print("| {} | bpftool x4 (prog, map, link, btf show) | {:.0f} ms | | | | |".format(
            what, bpftool_seconds() * 1e3), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--exporter", default="build/ebpf_exporter")
    p.add_argument("--fixture", default="build-test/test/fixture/ebpf_fixture")
    p.add_argument("--iter-read", default="build/bench/iter_read")
    p.add_argument("--sizes", default="1000,10000")
    p.add_argument("--backends", default="iterator+kfunc,iterator,syscall")
    p.add_argument("--scrapes", type=int, default=30)
    p.add_argument("--big-maps", default="10x100000", help="MxK: M hash maps of K entries ('' to skip)")
    p.add_argument("--flags", action="append", default=[])
    a = p.parse_args()
    h.need_root()
    print("| population | backend | median scrape (HTTP) | collect | CPU / scrape | syscalls / scrape | RSS | body |")
    print("|---|---|---|---|---|---|---|---|")
    for n in (int(x) for x in a.sizes.split(",") if x):
        population(a, "%d maps + %d progs" % (n, n), ["--population", str(n)], a.scrapes)
    if a.big_maps:
        m, k = a.big_maps.split("x")
        population(a, "%s maps x %s entries" % (m, k), ["--big-maps", m, "--entries", k], 5)


main()
