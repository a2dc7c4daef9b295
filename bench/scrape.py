#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Scrape benchmark: N maps + N programs (default N = 1,000 and 10,000), real kernel objects.

Reports per population: median wall time of a full scrape, CPU time per scrape (exporter
utime+stime), syscalls per scrape (strace -c on the exporter), exporter RSS, and the time of
bpftool's four `show` commands on the same population. Needs root.

  ./bench/run                          # builds, then runs this with defaults
  bench/scrape.py --exporter build/ebpf_exporter --fixture build-test/test/fixture/ebpf_fixture \
      --sizes 1000,10000 --scrapes 50 [--flags=--map-count-entries]
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
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def scrape(port):
    t = time.perf_counter()
    resp = h.raw(port, b"GET /metrics HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n", timeout=60)
    dt = time.perf_counter() - t
    assert resp.startswith(b"HTTP/1.1 200"), resp[:100]
    return dt, len(resp)


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


def bench(a, n):
    with h.Fixture(a.fixture, "--population", str(n), "--entries", str(a.entries)):
        e = h.Exporter(a.exporter, *a.flags)
        try:
            scrape(e.port)
            walls, size = [], 0
            c0 = cpu_seconds(e.proc.pid)
            for _ in range(a.scrapes):
                dt, size = scrape(e.port)
                walls.append(dt)
            cpu = (cpu_seconds(e.proc.pid) - c0) / a.scrapes
            sc = syscalls_per_scrape(e.proc.pid, e.port, 5)
            rss = rss_kib(e.proc.pid)
        finally:
            e.stop()
        bt = bpftool_seconds()
    return dict(n=n, median_ms=statistics.median(walls) * 1e3, cpu_ms=cpu * 1e3, syscalls=sc,
                rss_mib=rss / 1024, body_kib=size / 1024, bpftool_ms=bt * 1e3)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--exporter", default="build/ebpf_exporter")
    p.add_argument("--fixture", default="build-test/test/fixture/ebpf_fixture")
    p.add_argument("--sizes", default="1000,10000")
    p.add_argument("--scrapes", type=int, default=50)
    p.add_argument("--entries", type=int, default=0)
    p.add_argument("--flags", action="append", default=[])
    a = p.parse_args()
    h.need_root()
    print("| maps + progs | median scrape | CPU / scrape | syscalls / scrape | RSS | body | bpftool x4 |")
    print("|---|---|---|---|---|---|---|")
    for n in (int(x) for x in a.sizes.split(",")):
        r = bench(a, n)
        print("| {n} + {n} | {median_ms:.2f} ms | {cpu_ms:.2f} ms | {syscalls:.0f} | {rss_mib:.1f} MiB "
              "| {body_kib:.0f} KiB | {bpftool_ms:.0f} ms |".format(**r), flush=True)


main()
