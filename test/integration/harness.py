# SPDX-License-Identifier: MIT
"""Shared helpers of the integration tests: run the real exporter binary on loopback,
scrape it with real clients, parse the exposition text."""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

SKIP = 77


def args():
    p = argparse.ArgumentParser()
    p.add_argument("--exporter", required=True)
    p.add_argument("--fixture", default="")
    a, rest = p.parse_known_args()
    sys.argv[1:] = rest
    return a


def need_root():
    if os.geteuid() != 0:
        print("SKIP: this test needs root (CAP_SYS_ADMIN) to use bpf(2)", flush=True)
        sys.exit(SKIP)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc=None, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("exporter exited early with %d: %s" % (proc.returncode, proc.stderr.read()))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("port %d never opened" % port)


class Exporter:
    """The exporter binary listening on 127.0.0.1:<free port>."""

    def __init__(self, binary, *flags, port=None, env=None, preexec_fn=None, wrap=()):
        self.port = port or free_port()
        cmd = list(wrap) + [binary, "--listen-addr", "127.0.0.1:%d" % self.port] + list(flags)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env, preexec_fn=preexec_fn)
        wait_port(self.port, self.proc)

    def url(self, path="/metrics"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def fds(self):
        """Open fds once the server has closed what finished connections left (it notices a
        client's close on its next poll round): the count two looks 50 ms apart agree on."""
        last = None
        for _ in range(100):
            n = len(os.listdir("/proc/%d/fd" % self.proc.pid))
            if n == last:
                return n
            last = n
            time.sleep(0.05)
        return last

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            out, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, err

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def raw(port, data, read_until_close=True, timeout=5.0):
    """Send raw bytes, return everything the server answers until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while read_until_close:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks)


def curl(url, *extra):
    """Scrape with curl; returns (status, headers dict lower-cased, body bytes)."""
    r = subprocess.run(["curl", "-sS", "-i", "--max-time", "30"] + list(extra) + [url],
                       capture_output=True, check=True)
    head, _, body = r.stdout.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def unescape(v):
    return v.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def parse(text):
    """Exposition text -> list of (name, labels dict, value string); checks the grammar."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise AssertionError("bad sample line: %r" % line)
        labels = {k: unescape(v) for k, v in LABEL.findall(m.group(2) or "")}
        out.append((m.group(1), labels, m.group(3)))
    return out


def series(samples, name, **match):
    return [(l, v) for n, l, v in samples if n == name and all(l.get(k) == str(x) for k, x in match.items())]


def promtool_check(body):
    """Lint problems promtool reports for this exposition (empty list: clean)."""
    r = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True)
    text = (r.stdout + r.stderr).decode()
    return [l for l in text.splitlines() if l.strip()], r.returncode


class Fixture:
    """The fixture program: creates real BPF objects, prints a JSON manifest."""

    def __init__(self, binary, *args, quiet=False):
        self.proc = subprocess.Popen([binary] + list(args), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True,
                                     stderr=subprocess.DEVNULL if quiet else None)
        self.objects = []
        for line in self.proc.stdout:
            o = json.loads(line)
            if o["kind"] == "ready":
                break
            self.objects.append(o)
        else:
            raise RuntimeError("fixture exited before ready: %s" % self.proc.wait())

    def of(self, kind):
        return [o for o in self.objects if o["kind"] == kind]

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=60)
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run(tests):
    """Run test functions in order, print a summary line, exit non-zero on failure."""
    passed = failed = 0
    for t in tests:
        name = getattr(t, "__name__", None) or t.func.__name__
        try:
            t()
        except Exception as e:  # noqa: BLE001 - report every failure, keep going
            failed += 1
            print("FAIL %s: %s: %s" % (name, type(e).__name__, e), flush=True)
        else:
            passed += 1
            print("ok   %s" % name, flush=True)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    sys.exit(1 if failed else 0)
