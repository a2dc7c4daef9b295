#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The real binary over loopback: statuses, headers, bodies, hostile requests, promtool,
and no fd growth over 1,000 scrapes."""
import harness as h

A = h.args()
CT = "text/plain; version=0.0.4; charset=utf-8"


def test_metrics_status_headers_and_length():
    with h.Exporter(A.exporter) as e:
        status, hdr, body = h.curl(e.url())
        assert status == 200, status
        assert hdr["content-type"] == CT, hdr
        assert int(hdr["content-length"]) == len(body), (hdr, len(body))
        samples = h.parse(body.decode())
        info = h.series(samples, "ebpf_exporter_build_info")
        assert len(info) == 1 and info[0][1] == "1", info
        assert set(info[0][0]) == {"version", "revision"}, info
        names = {l["collector"] for l, _ in h.series(samples, "ebpf_exporter_scrape_collector_success")}
        assert names == {"prog", "map", "link", "btf"}, names


def test_head_has_headers_and_no_body():
    with h.Exporter(A.exporter) as e:
        resp = h.raw(e.port, b"HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head, sep, body = resp.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK\r\n"), resp[:200]
        assert b"Content-Type: " + CT.encode() in head.split(b"\r\n"), head
        assert body == b"", body[:100]


def test_landing_page_links_metrics_path():
    with h.Exporter(A.exporter, "--metrics-path", "/m") as e:
        status, hdr, body = h.curl(e.url("/"))
        assert status == 200 and hdr["content-type"].startswith("text/html"), (status, hdr)
        assert body == (b'<html>\n<head><title>eBPF Exporter</title></head>\n<body>\n'
                        b'<h1>eBPF Exporter</h1>\n<p><a href="/m">Metrics</a></p>\n</body>\n</html>\n'), body
        assert h.curl(e.url("/m"))[0] == 200
        assert h.curl(e.url("/metrics"))[0] == 404


def status_of(resp):
    return int(resp.split(b" ", 2)[1]) if resp.startswith(b"HTTP/1.1 ") else None


BAD = [
    (b"GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404),
    (b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 405),
    (b"DELETE /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405),
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET /metrics HTTP/9.9\r\n\r\n", 505),
    (b"GET /metrics HTTP/1.1\r\nBad Header\r\n\r\n", 400),
    (b"GET /metrics HTTP/1.1\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", 431),
]


def test_bad_requests_get_their_status_and_server_keeps_serving():
    with h.Exporter(A.exporter) as e:
        for req, want in BAD:
            resp = h.raw(e.port, req)
            assert status_of(resp) == want, (req[:40], resp[:120])
            if want == 405:
                assert b"\r\nAllow: GET, HEAD\r\n" in resp, resp[:300]
        assert h.curl(e.url())[0] == 200


def test_promtool_check_metrics_is_clean():
    with h.Exporter(A.exporter) as e:
        _, _, body = h.curl(e.url())
        problems, rc = h.promtool_check(body)
        assert problems == [] and rc == 0, problems


def test_no_fd_growth_over_1000_scrapes():
    with h.Exporter(A.exporter) as e:
        # a scrape the server has closed already: no connection fd left to count
        h.raw(e.port, b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        before = e.fds()
        for _ in range(1000):
            h.raw(e.port, b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        after = e.fds()
        assert after == before, (before, after)


def test_keep_alive_serves_two_scrapes_on_one_connection():
    with h.Exporter(A.exporter) as e:
        req = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
        resp = h.raw(e.port, req + req[:-2] + b"Connection: close\r\n\r\n")
        assert resp.count(b"HTTP/1.1 200 OK\r\n") == 2, resp.count(b"HTTP/1.1 ")


h.run([
    test_metrics_status_headers_and_length,
    test_head_has_headers_and_no_body,
    test_landing_page_links_metrics_path,
    test_bad_requests_get_their_status_and_server_keeps_serving,
    test_promtool_check_metrics_is_clean,
    test_no_fd_growth_over_1000_scrapes,
    test_keep_alive_serves_two_scrapes_on_one_connection,
])
