/* SPDX-License-Identifier: MIT */
/* The server over real loopback TCP, driven one http_server_run_once() at a time from the
 * test itself (no threads). Every response is compared whole, with a fixed Date. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "http.h"

#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BIG_LEN (8u << 20) /* more than loopback buffers hold for a reader that stalls */
#define CT "text/plain; version=0.0.4; charset=utf-8"
#define STATUS(s) "HTTP/1.1 " s "\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
#define PLAIN "Content-Type: text/plain; charset=utf-8\r\n"
#define KA "Connection: keep-alive\r\n\r\n"
#define CLOSE "Connection: close\r\n\r\n"
#define GET_METRICS "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"

static const char metrics_head[] =
	STATUS("200 OK") "Content-Type: " CT "\r\nContent-Length: 5\r\n" KA;
static const char metrics_ka[] =
	STATUS("200 OK") "Content-Type: " CT "\r\nContent-Length: 5\r\n" KA "up 1\n";
static const char metrics_close[] =
	STATUS("200 OK") "Content-Type: " CT "\r\nContent-Length: 5\r\n" CLOSE "up 1\n";
static const char not_found_ka[] =
	STATUS("404 Not Found") PLAIN "Content-Length: 10\r\n" KA "not found\n";

static struct http_server srv;
static bool srv_up;
static int port;
static unsigned handled, releases;
static char *big;
static size_t big_len = BIG_LEN; /* what /big serves */
static int baseline_fds;

static void count_release(void *arg)
{
	(*(unsigned *)arg)++;
}

static bool path_is(const struct http_request *req, const char *p)
{
	return req->path.len == strlen(p) && memcmp(req->path.p, p, req->path.len) == 0;
}

static int handler(void *arg, const struct http_request *req, struct http_response *resp)
{
	(void)arg;
	handled++;
	resp->release = count_release;
	resp->release_arg = &releases;
	if (path_is(req, "/fail"))
		return -EIO;
	if (path_is(req, "/metrics")) {
		resp->status = HTTP_S_OK;
		resp->content_type = CT;
		resp->body = "up 1\n";
		resp->body_len = 5;
	} else if (path_is(req, "/big")) {
		resp->status = HTTP_S_OK;
		resp->content_type = "application/octet-stream";
		resp->body = big;
		resp->body_len = big_len;
	} else if (path_is(req, "/badtype")) {
		resp->status = HTTP_S_OK;
		resp->content_type = "text/plain\r\nSet-Cookie: x=y";
	} else {
		resp->status = HTTP_S_NOT_FOUND;
		resp->content_type = "text/plain; charset=utf-8";
		resp->body = "not found\n";
		resp->body_len = 10;
	}
	return 0;
}

static int64_t fixed_clock(void)
{
	return 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
}

static const struct http_server_config base_cfg = {
	.slots = 4,
	.req_buf_size = 512,
	.header_timeout_ms = 5000,
	.idle_timeout_ms = 5000,
	.write_timeout_ms = 5000,
	.max_keepalive_requests = 100,
	.handler = handler,
	.wall_clock = fixed_clock,
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define PUMP_UNTIL(cond)                                                      \
	do {                                                                  \
		int64_t end_ = mono_ms() + 5000;                              \
		while (!(cond)) {                                             \
			assert_true(mono_ms() < end_);                        \
			assert_true(http_server_run_once(&srv, 10) >= 0);     \
		}                                                             \
	} while (0)

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* 127.0.0.1 port 0 (any free port), which http_addr_parse() rightly refuses. */
static void loopback_any_port(struct http_addr *a)
{
	struct sockaddr_in sin;

	assert_int_equal(http_addr_parse("127.0.0.1:1", a), 0);
	memcpy(&sin, &a->ss, sizeof(sin));
	sin.sin_port = 0;
	memcpy(&a->ss, &sin, sizeof(sin));
}

static void start(const struct http_server_config *c)
{
	struct http_addr a;

	if (srv_up)
		http_server_fini(&srv);
	assert_int_equal(http_server_init(&srv, c), 0);
	loopback_any_port(&a);
	assert_int_equal(http_server_listen_addr(&srv, &a), 0);
	port = http_server_port(&srv, 0);
	assert_true(port > 0);
	srv_up = true;
	handled = releases = 0;
	big_len = BIG_LEN;
}

static int setup(void **state)
{
	(void)state;
	start(&base_cfg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (srv_up)
		http_server_fini(&srv);
	srv_up = false;
	return 0;
}

static int client_rcvbuf(int rcvbuf)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	if (rcvbuf > 0)
		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static int client(void)
{
	return client_rcvbuf(0);
}

static void send_str(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		assert_true(w > 0);
		s += w;
		n -= (size_t)w;
	}
}

#define SEND(fd, lit) send_str(fd, lit, sizeof(lit) - 1)

/* Runs the server until fd has given want bytes or reached its end; returns the count. */
static size_t pump_read(int fd, char *out, size_t cap, size_t want)
{
	int64_t end = mono_ms() + 5000;
	size_t got = 0;

	while (got < want && mono_ms() < end) {
		ssize_t n;

		assert_true(http_server_run_once(&srv, 10) >= 0);
		n = recv(fd, out + got, cap - got, MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n < 0)
			assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
		else
			got += (size_t)n;
	}
	return got;
}

static void expect_response(int fd, const char *want)
{
	char buf[4096];
	size_t got = pump_read(fd, buf, sizeof(buf) - 1, strlen(want));

	buf[got] = '\0';
	assert_string_equal(buf, want);
}

/* The server ends the connection cleanly (FIN, not RST) and sends nothing more. */
static void expect_eof(int fd)
{
	int64_t end = mono_ms() + 5000;
	char c;

	for (;;) {
		ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);

		if (n == 0)
			return;
		if (n > 0)
			fail_msg("unexpected byte 0x%02x", (unsigned char)c);
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			fail_msg("recv: %s", strerror(errno));
		assert_true(mono_ms() < end);
		assert_true(http_server_run_once(&srv, 10) >= 0);
	}
}

/* A fresh connection sends req, gets exactly want, then a clean close; the slot frees. */
static void exchange_then_close(const char *req, size_t len, const char *want)
{
	int fd = client();

	send_str(fd, req, len);
	expect_response(fd, want);
	expect_eof(fd);
	close(fd);
	PUMP_UNTIL(srv.nactive == 0);
}

#define EXCHANGE_THEN_CLOSE(req, want) exchange_then_close(req, sizeof(req) - 1, want)

static void expect_open(int fd)
{
	char c;

	for (int i = 0; i < 5; i++)
		assert_true(http_server_run_once(&srv, 5) >= 0);
	assert_int_equal(recv(fd, &c, 1, MSG_DONTWAIT), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

static void test_get_metrics_returns_exact_response_and_keeps_connection(void **state)
{
	int fd = client();

	(void)state;
	SEND(fd, GET_METRICS);
	expect_response(fd, metrics_ka);
	expect_open(fd);
	assert_int_equal(srv.nactive, 1);
	assert_int_equal(releases, 1);
	close(fd);
	PUMP_UNTIL(srv.nactive == 0);
}

static void test_head_returns_headers_with_content_length_and_no_body(void **state)
{
	int fd = client();

	(void)state;
	SEND(fd, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
	expect_response(fd, metrics_head);
	assert_int_equal(releases, 1);
	SEND(fd, GET_METRICS); /* the very next bytes are the next response: no stray body */
	expect_response(fd, metrics_ka);
	close(fd);
}

static void test_keep_alive_serves_two_requests_on_one_connection(void **state)
{
	int fd = client();

	(void)state;
	SEND(fd, GET_METRICS);
	expect_response(fd, metrics_ka);
	SEND(fd, GET_METRICS);
	expect_response(fd, metrics_ka);
	assert_int_equal(srv.stats.accepted, 1);
	assert_int_equal(handled, 2);
	close(fd);
}

static void test_pipelined_requests_are_answered_in_order(void **state)
{
	char want[2048];
	int fd = client();

	(void)state;
	SEND(fd, GET_METRICS "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
		 "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
	snprintf(want, sizeof(want), "%s%s%s", metrics_ka, not_found_ka, metrics_head);
	expect_response(fd, want);
	expect_open(fd);
	assert_int_equal(releases, 3);
	close(fd);
}

static void test_request_sent_byte_by_byte_gets_exact_response(void **state)
{
	static const char req[] = GET_METRICS;
	int fd = client();

	(void)state;
	for (size_t i = 0; i < sizeof(req) - 1; i++) {
		send_str(fd, req + i, 1);
		assert_true(http_server_run_once(&srv, 1) >= 0);
	}
	expect_response(fd, metrics_ka);
	close(fd);
}

static void test_other_method_gets_405_with_allow_and_keeps_connection(void **state)
{
	int fd = client();

	(void)state;
	SEND(fd, "DELETE /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
	expect_response(fd, STATUS("405 Method Not Allowed") "Allow: GET, HEAD\r\n" PLAIN
			"Content-Length: 19\r\n" KA "Method Not Allowed\n");
	expect_open(fd);
	assert_int_equal(handled, 0);
	close(fd);
}

static void test_post_with_body_gets_405_and_closes(void **state)
{
	(void)state;
	EXCHANGE_THEN_CLOSE("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd",
			    STATUS("405 Method Not Allowed") "Allow: GET, HEAD\r\n" PLAIN
			    "Content-Length: 19\r\n" CLOSE "Method Not Allowed\n");
}

static void test_malformed_request_gets_400_and_closes(void **state)
{
	(void)state;
	EXCHANGE_THEN_CLOSE("GARBAGE\r\n\r\n",
			    STATUS("400 Bad Request") PLAIN "Content-Length: 12\r\n" CLOSE
			    "Bad Request\n");
}

/* 70000 bytes against a 512-byte slot: the rest is drained so the answer is not lost
 * to an RST. */
static void test_oversized_head_gets_431_and_closes_cleanly(void **state)
{
	static char req[70000];
	int fd = client();

	(void)state;
	memset(req, 'a', sizeof(req));
	memcpy(req, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ", 32);
	send_str(fd, req, sizeof(req));
	expect_response(fd, STATUS("431 Request Header Fields Too Large") PLAIN
			"Content-Length: 32\r\n" CLOSE "Request Header Fields Too Large\n");
	expect_eof(fd);
	close(fd);
	PUMP_UNTIL(srv.nactive == 0);
	assert_int_equal(handled, 0);
}

static void test_unsupported_version_gets_505_and_closes(void **state)
{
	(void)state;
	EXCHANGE_THEN_CLOSE("GET /metrics HTTP/2.0\r\nHost: x\r\n\r\n",
			    STATUS("505 HTTP Version Not Supported") PLAIN
			    "Content-Length: 27\r\n" CLOSE "HTTP Version Not Supported\n");
}

static void test_body_on_get_gets_413_and_closes(void **state)
{
	(void)state;
	EXCHANGE_THEN_CLOSE("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
			    STATUS("413 Content Too Large") PLAIN "Content-Length: 18\r\n"
			    CLOSE "Content Too Large\n");
}

static void test_chunked_get_gets_501_and_closes(void **state)
{
	(void)state;
	EXCHANGE_THEN_CLOSE("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			    STATUS("501 Not Implemented") PLAIN "Content-Length: 16\r\n" CLOSE
			    "Not Implemented\n");
}

static void test_handler_error_gets_500_and_body_is_released(void **state)
{
	static const char err500[] = STATUS("500 Internal Server Error") PLAIN
		"Content-Length: 22\r\n" KA "Internal Server Error\n";
	int fd = client();

	(void)state;
	SEND(fd, "GET /fail HTTP/1.1\r\nHost: x\r\n\r\n");
	expect_response(fd, err500);
	assert_int_equal(releases, 1);
	SEND(fd, "GET /badtype HTTP/1.1\r\nHost: x\r\n\r\n");
	expect_response(fd, err500);
	assert_int_equal(releases, 2);
	SEND(fd, GET_METRICS); /* the connection is still good */
	expect_response(fd, metrics_ka);
	close(fd);
}

static void test_all_slots_busy_gets_503_and_closes(void **state)
{
	struct http_server_config c = base_cfg;
	int a, b, fd;

	(void)state;
	c.slots = 2;
	start(&c);
	a = client();
	b = client();
	PUMP_UNTIL(srv.nactive == 2);
	fd = client();
	expect_response(fd, STATUS("503 Service Unavailable") PLAIN "Content-Length: 20\r\n"
			CLOSE "Service Unavailable\n");
	expect_eof(fd);
	assert_int_equal(srv.stats.refused, 1);
	SEND(a, GET_METRICS); /* the busy slots are unharmed */
	expect_response(a, metrics_ka);
	close(fd);
	close(a);
	close(b);
	PUMP_UNTIL(srv.nactive == 0);
}

static void test_silent_client_is_closed_after_header_timeout(void **state)
{
	struct http_server_config c = base_cfg;
	int64_t t0;
	int fd;

	(void)state;
	c.header_timeout_ms = 100;
	start(&c);
	t0 = mono_ms();
	fd = client();
	PUMP_UNTIL(srv.nactive == 1);
	PUMP_UNTIL(srv.nactive == 0);
	assert_true(mono_ms() - t0 >= 100);
	expect_eof(fd); /* nothing was asked, so no 408 */
	assert_int_equal(srv.stats.timeouts, 1);
	close(fd);
}

/* Slowloris: a byte every 20 ms does not extend the deadline of the whole head. */
static void test_slow_partial_head_gets_408_at_header_timeout(void **state)
{
	static const char want[] = STATUS("408 Request Timeout") PLAIN "Content-Length: 16\r\n"
		CLOSE "Request Timeout\n";
	struct http_server_config c = base_cfg;
	char buf[1024];
	size_t got = 0;
	int64_t t0;
	int fd;

	(void)state;
	c.header_timeout_ms = 200;
	start(&c);
	t0 = mono_ms();
	fd = client();
	SEND(fd, "GET / HTTP/1.1\r\n");
	while (got < sizeof(want) - 1 && mono_ms() - t0 < 3000) {
		ssize_t n;

		int64_t next = mono_ms() + 20;

		send(fd, "X", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		while (mono_ms() < next)
			assert_true(http_server_run_once(&srv, 5) >= 0);
		n = recv(fd, buf + got, sizeof(buf) - 1 - got, MSG_DONTWAIT);
		if (n > 0)
			got += (size_t)n;
	}
	buf[got] = '\0';
	assert_string_equal(buf, want);
	assert_true(mono_ms() - t0 < 1000);
	PUMP_UNTIL(srv.nactive == 0);
	close(fd);
}

static void test_idle_keep_alive_connection_is_closed_after_idle_timeout(void **state)
{
	struct http_server_config c = base_cfg;
	int64_t t0;
	int fd;

	(void)state;
	c.idle_timeout_ms = 100;
	start(&c);
	fd = client();
	SEND(fd, GET_METRICS);
	expect_response(fd, metrics_ka);
	t0 = mono_ms();
	expect_eof(fd);
	assert_true(mono_ms() - t0 >= 90);
	assert_int_equal(srv.nactive, 0);
	assert_int_equal(srv.stats.timeouts, 1);
	close(fd);
}

/* A stuck reader of /big: the server must still be sending it after many rounds. */
static int stalled_big_reader(void)
{
	int fd = client_rcvbuf(4096);

	SEND(fd, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
	PUMP_UNTIL(handled == 1);
	for (int i = 0; i < 20; i++)
		assert_true(http_server_run_once(&srv, 5) >= 0);
	assert_int_equal(releases, 0);
	assert_int_equal(srv.nactive, 1);
	return fd;
}

static void test_slow_reader_of_big_body_does_not_stop_other_clients(void **state)
{
	int slow, fast;

	(void)state;
	slow = stalled_big_reader();
	fast = client();
	SEND(fast, GET_METRICS);
	expect_response(fast, metrics_ka);
	assert_int_equal(releases, 1); /* the fast one's */
	assert_int_equal(srv.nactive, 2);
	close(slow); /* unread data: RST; the server's next send fails */
	PUMP_UNTIL(srv.nactive == 1);
	assert_int_equal(releases, 2);
	for (int i = 0; i < 5; i++)
		assert_true(http_server_run_once(&srv, 5) >= 0);
	assert_int_equal(releases, 2);
	close(fast);
}

static void test_stalled_reader_is_closed_at_write_timeout_and_body_released_once(void **state)
{
	struct http_server_config c = base_cfg;
	int fd;

	(void)state;
	c.write_timeout_ms = 200;
	start(&c);
	fd = stalled_big_reader();
	PUMP_UNTIL(srv.nactive == 0);
	assert_int_equal(releases, 1);
	assert_int_equal(srv.stats.timeouts, 1);
	for (int i = 0; i < 5; i++)
		assert_true(http_server_run_once(&srv, 5) >= 0);
	assert_int_equal(releases, 1);
	close(fd);
}

/* write_timeout bounds the time without progress, not the whole response: a reader that
 * takes 64 KiB every 25 ms frees too little for POLLOUT within 100 ms, yet is not cut. */
static void test_slow_but_steady_reader_is_not_cut_by_write_timeout(void **state)
{
	struct http_server_config c = base_cfg;
	static char buf[1 << 16];
	size_t head_len = 0, got = 0;
	int64_t t0;
	int fd;

	(void)state;
	c.write_timeout_ms = 100;
	start(&c);
	big_len = 4u << 20;
	fd = client_rcvbuf(1 << 16);
	SEND(fd, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
	t0 = mono_ms();
	while (head_len == 0 || got < head_len + big_len) {
		int64_t next = mono_ms() + 25;
		ssize_t n;

		assert_true(mono_ms() - t0 < 10000);
		while (mono_ms() < next)
			assert_true(http_server_run_once(&srv, 5) >= 0);
		n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		assert_true(n > 0);
		if (head_len == 0) { /* the head comes first and whole */
			buf[n] = '\0';
			head_len = (size_t)(strstr(buf, "\r\n\r\n") - buf) + 4;
		}
		got += (size_t)n;
	}
	assert_int_equal(got, head_len + big_len);
	assert_int_equal(releases, 1);
	assert_int_equal(srv.stats.timeouts, 0);
	expect_open(fd);
	close(fd);
}

static void test_fini_releases_bodies_in_flight(void **state)
{
	int fd;

	(void)state;
	fd = stalled_big_reader();
	http_server_fini(&srv);
	srv_up = false;
	assert_int_equal(releases, 1);
	close(fd);
}

static void test_max_keepalive_requests_last_response_says_close(void **state)
{
	struct http_server_config c = base_cfg;
	int fd;

	(void)state;
	c.max_keepalive_requests = 2;
	start(&c);
	fd = client();
	SEND(fd, GET_METRICS);
	expect_response(fd, metrics_ka);
	SEND(fd, GET_METRICS);
	expect_response(fd, metrics_close);
	expect_eof(fd);
	close(fd);
	PUMP_UNTIL(srv.nactive == 0);
}

static void test_http10_request_without_keep_alive_is_closed(void **state)
{
	(void)state;
	EXCHANGE_THEN_CLOSE("GET /metrics HTTP/1.0\r\n\r\n",
			    metrics_close);
}

static void test_client_half_close_after_request_still_gets_response(void **state)
{
	int fd = client();

	(void)state;
	SEND(fd, GET_METRICS);
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	expect_response(fd, metrics_ka);
	expect_eof(fd);
	close(fd);
	assert_int_equal(srv.nactive, 0);
}

static void test_listen_reports_busy_port_bad_address_and_too_many(void **state)
{
	char addr[32];
	struct http_addr a;

	(void)state;
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	assert_int_equal(http_server_listen(&srv, addr), -EADDRINUSE);
	assert_int_equal(http_server_listen(&srv, "nonsense"), -EINVAL);
	loopback_any_port(&a);
	for (int i = 1; i < HTTP_MAX_LISTENERS; i++)
		assert_int_equal(http_server_listen_addr(&srv, &a), i);
	assert_int_equal(http_server_listen_addr(&srv, &a), -ENOSPC);
	assert_int_equal(http_server_port(&srv, HTTP_MAX_LISTENERS), -EINVAL);
}

static void test_init_rejects_out_of_bounds_config(void **state)
{
	struct http_server s2;
	struct http_server_config c;

	(void)state;
#define REJECT(field, value)                                          \
	do {                                                          \
		c = base_cfg;                                         \
		c.field = value;                                      \
		assert_int_equal(http_server_init(&s2, &c), -EINVAL); \
	} while (0)
	REJECT(slots, 0);
	REJECT(slots, HTTP_MAX_SLOTS + 1);
	REJECT(req_buf_size, HTTP_MIN_REQ_BUF - 1);
	REJECT(req_buf_size, HTTP_MAX_REQ_BUF + 1);
	REJECT(header_timeout_ms, 0);
	REJECT(idle_timeout_ms, -1);
	REJECT(write_timeout_ms, 0);
	REJECT(max_keepalive_requests, 0);
	REJECT(handler, NULL);
#undef REJECT
	memset(&s2, 0, sizeof(s2));
	http_server_fini(&s2); /* never initialised: nothing to do */
	assert_int_equal(http_server_init(&s2, &base_cfg), 0);
	http_server_fini(&s2);
	http_server_fini(&s2);
}

static void test_fd_count_is_back_to_baseline(void **state)
{
	(void)state;
	http_server_fini(&srv);
	srv_up = false;
	assert_int_equal(count_fds(), baseline_fds);
}

static int group_setup(void **state)
{
	(void)state;
	big = mmap(NULL, BIG_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED)
		return -1;
	memset(big, 'b', BIG_LEN);
	baseline_fds = count_fds();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return munmap(big, BIG_LEN);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_get_metrics_returns_exact_response_and_keeps_connection),
		T(test_head_returns_headers_with_content_length_and_no_body),
		T(test_keep_alive_serves_two_requests_on_one_connection),
		T(test_pipelined_requests_are_answered_in_order),
		T(test_request_sent_byte_by_byte_gets_exact_response),
		T(test_other_method_gets_405_with_allow_and_keeps_connection),
		T(test_post_with_body_gets_405_and_closes),
		T(test_malformed_request_gets_400_and_closes),
		T(test_oversized_head_gets_431_and_closes_cleanly),
		T(test_unsupported_version_gets_505_and_closes),
		T(test_body_on_get_gets_413_and_closes),
		T(test_chunked_get_gets_501_and_closes),
		T(test_handler_error_gets_500_and_body_is_released),
		T(test_all_slots_busy_gets_503_and_closes),
		T(test_silent_client_is_closed_after_header_timeout),
		T(test_slow_partial_head_gets_408_at_header_timeout),
		T(test_idle_keep_alive_connection_is_closed_after_idle_timeout),
		T(test_slow_reader_of_big_body_does_not_stop_other_clients),
		T(test_stalled_reader_is_closed_at_write_timeout_and_body_released_once),
		T(test_slow_but_steady_reader_is_not_cut_by_write_timeout),
		T(test_fini_releases_bodies_in_flight),
		T(test_max_keepalive_requests_last_response_says_close),
		T(test_http10_request_without_keep_alive_is_closed),
		T(test_client_half_close_after_request_still_gets_response),
		T(test_listen_reports_busy_port_bad_address_and_too_many),
		T(test_init_rejects_out_of_bounds_config),
		T(test_fd_count_is_back_to_baseline),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
