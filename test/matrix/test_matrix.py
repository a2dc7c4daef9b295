#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One kernel of the matrix: boots it (scripts/kernel-matrix --boot) or reads a console log
already written (--console), then checks what the guest printed exactly as
test_fixture_e2e.py checks the host: every fixture object appears in the scrape with exactly
the right labels and values, and every collector reports success 1. Prints the kernel
version, the backend the exporter chose, the objects checked and the ones the kernel
refused. Exit 0 pass, 1 fail, 77 skip (this machine cannot boot the kernel)."""
import argparse
import json
import os
import subprocess
import sys

import compare
import harness as h


def args():
    p = argparse.ArgumentParser()
    p.add_argument("--kernel", required=True)
    p.add_argument("--runner", help="scripts/kernel-matrix, to boot the kernel first")
    p.add_argument("--build-root", help="passed on to the runner")
    p.add_argument("--exporter", default="", help="passed on to the runner")
    p.add_argument("--timeout", default="", help="passed on to the runner")
    p.add_argument("--console", help="console log to check (default: the runner's)")
    p.add_argument("--json", help="write the result summary here")
    return p.parse_args()


def parse_console(text):
    """{'values': {KEY: [rest, ...]}, 'sections': {name: [lines]}} of the guest's report."""
    values, sections = {}, {}
    inside, section = False, None
    for line in text.replace("\r", "").split("\n"):
        if not inside:
            inside = line == "MATRIX-BEGIN"
            continue
        if section is not None:
            if line == "MATRIX-END " + section:
                section = None
            else:
                sections[section].append(line)
            continue
        if line == "MATRIX-END":
            break
        if line.startswith("MATRIX-BEGIN "):
            section = line.split()[1]
            sections[section] = []
            values.setdefault("BEGIN " + section, []).append(line)
        elif line.startswith("MATRIX-"):
            key, _, rest = line[len("MATRIX-"):].partition(" ")
            values.setdefault(key, []).append(rest)
    return {"values": values, "sections": sections}


def manifest(lines):
    objects, ready = [], False
    for line in lines:
        if not line.strip():
            continue
        o = json.loads(line)
        if o["kind"] == "ready":
            ready = True
            break
        objects.append(o)
    return objects, ready


def backend(report, samples):
    """The backend the exporter says it chose: its info series, else its log lines."""
    series = [l for n, l, _ in samples if n == "ebpf_exporter_collector_backend_info"]
    if series:
        return ",".join(sorted("%s=%s" % (l.get("collector", "?"), l.get("backend", "?"))
                               for l in series))
    logs = [l for l in report["sections"].get("exporter-log", []) if "backend" in l]
    return "; ".join(logs) if logs else "n/a"


def series_text(key, value):
    name, labels = key
    return "%s{%s} %s" % (name, ",".join('%s="%s"' % kv for kv in sorted(labels)), value)


def diff(o, samples):
    """The series of object o the scrape lacks (-) and shows instead (+)."""
    want = {k: compare.number(v) for k, v in compare.expected(o).items()}
    got = {k: compare.number(v) for k, v in compare.actual(samples, o).items()}
    lines = ["%s %s(id %s):" % (o["kind"], o["name"] + " " if o.get("name") else "", o["id"])]
    lines += ["  - " + series_text(k, v) for k, v in sorted(want.items()) if got.get(k) != v]
    lines += ["  + " + series_text(k, v) for k, v in sorted(got.items()) if want.get(k) != v]
    return "\n".join(lines)


def check(report):
    """(result dict, [problems]) for one guest report."""
    v, s = report["values"], report["sections"]
    r = {"release": (v.get("UNAME", ["? ?"])[0].split() + ["?"])[1]}
    times = dict(kv.split("=") for kv in " ".join(v.get("TIME", [])).split() if "=" in kv)
    r["verdict_uptime_s"] = times.get("verdict_uptime_s", "?")
    verdict = v.get("VERDICT", ["(none)"])[0]
    problems = [] if verdict == "ok" else ["guest verdict: " + verdict]
    objects, ready = manifest(s.get("manifest", []))
    if not ready:
        problems.append("fixture manifest has no ready line")
    checked = [o for o in objects if o["kind"] != "skip"]
    r["skips"] = ["%s (errno %s %s)" % (o["what"], o["errno"], os.strerror(o["errno"]))
                  for o in objects if o["kind"] == "skip"]
    r["objects"], r["skipped"] = len(checked), len(r["skips"])
    r["kinds"] = {}
    for o in checked:
        r["kinds"][o["kind"]] = r["kinds"].get(o["kind"], 0) + 1
    samples = []
    if "scrape" in s:
        try:
            samples = h.parse("\n".join(s["scrape"]))
        except AssertionError as e:
            problems.append("scrape does not parse: %s" % e)
    elif verdict == "ok":
        problems.append("no scrape in the report")
    r["backend"] = backend(report, samples)
    r["checked"] = bool(samples)
    if samples:
        for o in checked:
            if compare.mismatch(samples, o) is not None:
                problems.append(diff(o, samples))
        for c in compare.COLLECTORS:
            try:
                ok = compare.collector_success(samples, c) == "1"
            except IndexError:
                ok = False
            if not ok:
                problems.append("collector %s: success is not 1" % c)
    return r, problems


def boot(a, console):
    cmd = [a.runner, "--boot", a.kernel, "--console", console]
    for flag, value in (("--build-root", a.build_root), ("--exporter", a.exporter),
                        ("--timeout", a.timeout)):
        if value:
            cmd += [flag, value]
    return subprocess.run(cmd).returncode


def main():
    a = args()
    console = a.console
    if a.runner:
        root = a.build_root or os.path.join(os.getcwd(), "build-test")
        console = console or os.path.join(root, "matrix", a.kernel, "console.log")
        rc = boot(a, console)
        if rc == h.SKIP:
            print("SKIP: kernel %s cannot be booted here (see above)" % a.kernel, flush=True)
            sys.exit(h.SKIP)
        if rc != 0:
            print("FAIL kernel %s: the guest gave no verdict; console: %s" % (a.kernel, console))
            sys.exit(1)
    if not console:
        sys.exit("test_matrix: --runner or --console is needed")
    with open(console, "rb") as f:
        report = parse_console(f.read().decode(errors="replace"))
    r, problems = check(report)
    boot_json = os.path.join(os.path.dirname(console), "boot.json")
    if os.path.exists(boot_json):
        r.update({k: v for k, v in json.load(open(boot_json)).items()
                  if k in ("package", "version", "suite", "wall_s")})
    r["result"] = "FAIL" if problems else "PASS"
    print("kernel %s: %s (%s %s)" % (a.kernel, r["release"], r.get("package", "?"),
                                     r.get("version", "?")))
    print("backend: %s" % r["backend"])
    print("objects %s: %d %s" % ("checked" if r["checked"] else "in the manifest (not checked)",
                                 r["objects"], r["kinds"]))
    print("skipped by the fixture: %d" % r["skipped"])
    for sk in r["skips"]:
        print("  skip: %s" % sk)
    print("boot to verdict: %s s guest uptime, %s s of qemu" % (r["verdict_uptime_s"],
                                                               r.get("wall_s", "?")))
    for p in problems:
        print("FAIL %s" % p)
    print("%s kernel %s; console: %s" % (r["result"], a.kernel, console), flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(dict(r, problems=problems), f, indent=1)
    sys.exit(1 if problems else 0)


main()
