#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A real Prometheus server scrapes the exporter on 127.0.0.1: up == 1 and the fixture
maps' ebpf_map_info series are in its database."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import harness as h

A = h.args()
h.need_root()


def query(port, q):
    url = "http://127.0.0.1:%d/api/v1/query?query=%s" % (port, urllib.parse.quote(q))
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)["data"]["result"]


def wait_for(port, q, want, timeout=60):
    deadline = time.monotonic() + timeout
    got = None
    while time.monotonic() < deadline:
        try:
            got = query(port, q)
            if want(got):
                return got
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("query %r never satisfied, last answer %r" % (q, got))


def test_prometheus_scrapes_fixture_population():
    prom = shutil.which("prometheus")
    assert prom, "prometheus is not installed (scripts/setup installs it)"
    with h.Fixture(A.fixture) as fx, h.Exporter(A.exporter) as e, \
            tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: ebpf\n    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n" % e.port)
        port = h.free_port()
        p = subprocess.Popen([prom, "--config.file=" + cfg, "--storage.tsdb.path=" + d + "/data",
                              "--web.listen-address=127.0.0.1:%d" % port],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            h.wait_port(port, timeout=60)
            wait_for(port, 'up{job="ebpf"}', lambda r: r and r[0]["value"][1] == "1")
            ids = sorted(str(o["id"]) for o in fx.of("map"))
            got = wait_for(port, 'ebpf_map_info{map_name=~"fx_.*"}',
                           lambda r: sorted(s["metric"]["map_id"] for s in r) == ids)
            assert len(got) == len(ids) and ids, (len(got), len(ids))
        finally:
            p.terminate()
            p.wait(timeout=30)


h.run([test_prometheus_scrapes_fixture_population])
