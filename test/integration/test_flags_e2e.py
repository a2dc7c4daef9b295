#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The real binary's command line: bad values exit 2 with one clear line, --help/--version,
port in use, SIGTERM/SIGINT, sd-notify datagrams, logfmt logs, collector switches."""
import os
import re
import signal
import socket
import subprocess
import tempfile

import harness as h

A = h.args()

BAD = [
    (["--listen-addr", "nonsense"], "listen-addr", "nonsense"),
    (["--listen-addr=:0"], "listen-addr", ":0"),
    (["--listen-addr=:65536"], "listen-addr", ":65536"),
    (["--web.listen-address", "1.2.3:80"], "listen-addr", "1.2.3:80"),
    (["--metrics-path", "metrics"], "metrics-path", "metrics"),
    (["--metrics-path=/a b"], "metrics-path", "/a b"),
    (["--log-level=verbose"], "log-level", "verbose"),
    (["--log.level", "trace"], "log-level", "trace"),
    (["--prog-stats-mode=always"], "prog-stats-mode", "always"),
    (["--prog-stats-mode=sample"], "prog-stats-sample-interval", ""),
    (["--prog-stats-mode=sample", "--prog-stats-sample-interval=5s"], "prog-stats-sample-duration", ""),
    (["--prog-stats-mode=sample", "--prog-stats-sample-interval=5s",
      "--prog-stats-sample-duration=5s"], "prog-stats-sample-duration", ""),
    (["--prog-stats-sample-interval=5"], "prog-stats-sample-interval", "5"),
    (["--prog-stats-sample-duration=1x"], "prog-stats-sample-duration", "1x"),
    (["--map-count-entries=maybe"], "map-count-entries", "maybe"),
    (["--sd-notify=2"], "sd-notify", "2"),
    (["--collector.prog=nah"], "collector.prog", "nah"),
    (["--collector.nosuch"], "collector.nosuch", ""),
    (["--no-collector.map=true"], "collector.map", "true"),
    (["--frobnicate"], "frobnicate", ""),
    (["positional"], "positional", ""),
    (["--metrics-path"], "metrics-path", ""),
]


def test_bad_flags_exit_2_with_one_line_naming_flag_and_value():
    for argv, flag, value in BAD:
        r = subprocess.run([A.exporter] + argv, capture_output=True, text=True, timeout=10)
        lines = r.stderr.splitlines()
        assert r.returncode == 2, (argv, r.returncode, r.stderr)
        assert len(lines) == 1 and lines[0].startswith("ebpf_exporter: "), (argv, r.stderr)
        assert flag in lines[0] and value in lines[0], (argv, lines)


def test_help_and_version_exit_0():
    r = subprocess.run([A.exporter, "--help"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and "--listen-addr" in r.stdout and "--collector.<name>" in r.stdout, r
    r = subprocess.run([A.exporter, "-version"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and re.match(r"^ebpf_exporter version \S+ revision \S+\n$", r.stdout), r


def test_port_in_use_fails_at_start_up_with_clear_message():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run([A.exporter, "--listen-addr", "127.0.0.1:%d" % port],
                           capture_output=True, text=True, timeout=10)
        assert r.returncode == 1, (r.returncode, r.stderr)
        assert 'msg="cannot listen"' in r.stderr and "127.0.0.1:%d" % port in r.stderr, r.stderr
        assert "in use" in r.stderr, r.stderr


def test_sigterm_and_sigint_exit_0_and_logs_are_logfmt():
    for sig in (signal.SIGTERM, signal.SIGINT):
        e = h.Exporter(A.exporter)
        rc, err = e.stop(sig)
        assert rc == 0, (sig, rc, err)
        for line in err.splitlines():
            assert re.match(r'^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=(debug|info|warn|error) msg="', line), line


def test_sd_notify_sends_ready_and_stopping():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "notify")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.bind(path)
            s.settimeout(10)
            env = dict(os.environ, NOTIFY_SOCKET=path)
            e = h.Exporter(A.exporter, "--sd-notify", env=env)
            assert s.recv(100) == b"READY=1"
            rc, err = e.stop()
            assert rc == 0, err
            assert s.recv(100) == b"STOPPING=1"


def test_two_listen_addresses_and_aliases():
    p2 = h.free_port()
    with h.Exporter(A.exporter, "--web.listen-address=127.0.0.1:%d" % p2,
                    "-web.telemetry-path=/x") as e:
        h.wait_port(p2)
        assert h.curl(e.url("/x"))[0] == 200
        assert h.curl("http://127.0.0.1:%d/x" % p2)[0] == 200


def test_collector_switches_remove_their_series():
    with h.Exporter(A.exporter, "--no-collector.btf", "-collector.link=false") as e:
        samples = h.parse(h.curl(e.url())[2].decode())
        names = {l["collector"] for l, _ in h.series(samples, "ebpf_exporter_scrape_collector_success")}
        assert names == {"prog", "map"}, names
        assert not [n for n, _, _ in samples if n.startswith(("ebpf_btf_", "ebpf_link_"))]


h.run([
    test_bad_flags_exit_2_with_one_line_naming_flag_and_value,
    test_help_and_version_exit_0,
    test_port_in_use_fails_at_start_up_with_clear_message,
    test_sigterm_and_sigint_exit_0_and_logs_are_logfmt,
    test_sd_notify_sends_ready_and_stopping,
    test_two_listen_addresses_and_aliases,
    test_collector_switches_remove_their_series,
])
