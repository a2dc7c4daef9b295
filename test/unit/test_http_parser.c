/* SPDX-License-Identifier: MIT */
/* http_parse_request(): every split point of valid heads, a catalogue of hostile heads with
 * the status each must get, and every input placed right before a PROT_NONE page so any
 * read past the end crashes the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "http.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ARENA_PAGES 16
#define RAW(s) s, sizeof(s) - 1
#define COMPLETE 1 /* expected result: consumed == whole input */

static char *arena;
static size_t arena_size, page_size;

static int setup(void **state)
{
	(void)state;
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	arena_size = ARENA_PAGES * page_size;
	arena = mmap(NULL, arena_size + page_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED)
		return -1;
	return mprotect(arena + arena_size, page_size, PROT_NONE);
}

static int teardown(void **state)
{
	(void)state;
	return munmap(arena, arena_size + page_size);
}

/* The n bytes end right where the guard page starts. */
static const char *place(const char *src, size_t n)
{
	char *p = arena + arena_size - n;

	assert_true(n <= arena_size);
	memcpy(p, src, n);
	return p;
}

static int parse_placed(const char *src, size_t n, struct http_request *req)
{
	return http_parse_request(place(src, n), n, req);
}

static void assert_str(struct http_str s, const char *want)
{
	char got[256];

	assert_true(s.len < sizeof(got));
	if (s.len)
		memcpy(got, s.p, s.len);
	got[s.len] = '\0';
	assert_string_equal(got, want);
}

/* ---- valid requests ---------------------------------------------------------------- */

struct valid_case {
	const char *raw;
	size_t len;
	const char *method;
	enum http_method method_id;
	const char *path;
	const char *query;
	int minor;
	size_t nheaders;
	bool keep_alive;
	int status;
	int64_t content_length;
};

static const struct valid_case valid[] = {
	{ RAW("GET /metrics HTTP/1.1\r\nHost: localhost:9435\r\n"
	      "User-Agent: Prometheus/2.45.0\r\nAccept: text/plain;version=0.0.4\r\n\r\n"),
	  "GET", HTTP_M_GET, "/metrics", "", 1, 3, true, 0, -1 },
	{ RAW("GET /metrics?x=1&y HTTP/1.0\nConnection: Keep-Alive\n\n"),
	  "GET", HTTP_M_GET, "/metrics", "x=1&y", 0, 1, true, 0, -1 },
	{ RAW("HEAD / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n"),
	  "HEAD", HTTP_M_HEAD, "/", "", 1, 2, false, 0, -1 },
	{ RAW("\r\nGET http://example.com:9435/metrics?a HTTP/1.1\r\nHost: example.com\r\n\r\n"),
	  "GET", HTTP_M_GET, "/metrics", "a", 1, 1, true, 0, -1 },
	{ RAW("GET HTTPS://h?q HTTP/1.1\r\nHost: h\r\n\r\n"),
	  "GET", HTTP_M_GET, "/", "q", 1, 1, true, 0, -1 },
	{ RAW("POST /x HTTP/1.1\r\nHost:h\r\nX-Empty:\r\nX-Ws: \t v a l \t\r\n"
	      "Content-Length: 0\r\n\r\n"),
	  "POST", HTTP_M_OTHER, "/x", "", 1, 4, true, HTTP_S_METHOD_NOT_ALLOWED, 0 },
	{ RAW("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"),
	  "OPTIONS", HTTP_M_OTHER, "*", "", 1, 1, true, HTTP_S_METHOD_NOT_ALLOWED, -1 },
	{ RAW("GET /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n"),
	  "GET", HTTP_M_GET, "/a", "", 1, 2, false, HTTP_S_CONTENT_TOO_LARGE, 3 },
	{ RAW("GET / HTTP/1.0\r\nX-Obs: caf\xc3\xa9\r\n\n"),
	  "GET", HTTP_M_GET, "/", "", 0, 1, false, 0, -1 },
};

static void assert_valid_fields(const struct valid_case *v, const struct http_request *req)
{
	assert_str(req->method, v->method);
	assert_int_equal(req->method_id, v->method_id);
	assert_str(req->path, v->path);
	assert_str(req->query, v->query);
	assert_int_equal(req->minor_version, v->minor);
	assert_int_equal(req->nheaders, v->nheaders);
	assert_int_equal(req->keep_alive, v->keep_alive);
	assert_int_equal(req->status, v->status);
	assert_int_equal(req->content_length, v->content_length);
}

static void test_parse_every_split_point_of_valid_requests(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		const struct valid_case *v = &valid[i];
		struct http_request req;

		for (size_t k = 0; k < v->len; k++)
			assert_int_equal(parse_placed(v->raw, k, &req), HTTP_PARSE_PARTIAL);
		assert_int_equal(parse_placed(v->raw, v->len, &req), (int)v->len);
		assert_valid_fields(v, &req);
	}
}

static void test_parse_fills_exact_header_names_and_values(void **state)
{
	struct http_request req;
	const char *buf;

	(void)state;
	buf = place(valid[5].raw, valid[5].len);
	assert_int_equal(http_parse_request(buf, valid[5].len, &req), (int)valid[5].len);
	assert_str(req.target, "/x");
	assert_str(req.headers[0].name, "Host");
	assert_str(req.headers[0].value, "h");
	assert_str(req.headers[1].name, "X-Empty");
	assert_str(req.headers[1].value, "");
	assert_str(req.headers[2].name, "X-Ws");
	assert_str(req.headers[2].value, "v a l");
	assert_str(req.headers[3].name, "Content-Length");
	assert_str(req.headers[3].value, "0");
	assert_ptr_equal(req.method.p, buf);
	assert_ptr_equal(req.headers[3].value.p, buf + valid[5].len - 5);
}

static void test_parse_pipelined_requests_consumes_one_head_at_a_time(void **state)
{
	char two[512];
	size_t n1 = valid[0].len, n2 = valid[2].len;
	struct http_request req;
	const char *buf;

	(void)state;
	memcpy(two, valid[0].raw, n1);
	memcpy(two + n1, valid[2].raw, n2);
	for (size_t k = n1; k <= n1 + n2; k++)
		assert_int_equal(parse_placed(two, k, &req), (int)n1);
	buf = place(two, n1 + n2);
	assert_int_equal(http_parse_request(buf + n1, n2, &req), (int)n2);
	assert_valid_fields(&valid[2], &req);
}

/* ---- hostile requests -------------------------------------------------------------- */

static char gen_buf[8 * 1024];

static size_t gen_long_method(void)
{
	size_t n = HTTP_MAX_METHOD_LEN + 1;

	memset(gen_buf, 'A', n);
	memcpy(gen_buf + n, RAW(" / HTTP/1.1\r\nHost: h\r\n\r\n"));
	return n + sizeof(" / HTTP/1.1\r\nHost: h\r\n\r\n") - 1;
}

static size_t gen_long_target(void)
{
	static const char tail[] = " HTTP/1.1\r\nHost: h\r\n\r\n";

	memcpy(gen_buf, "GET /", 5);
	memset(gen_buf + 5, 'a', HTTP_MAX_TARGET_LEN);
	memcpy(gen_buf + 5 + HTTP_MAX_TARGET_LEN, tail, sizeof(tail) - 1);
	return 5 + HTTP_MAX_TARGET_LEN + sizeof(tail) - 1;
}

static size_t gen_many_headers(void)
{
	size_t n = (size_t)snprintf(gen_buf, sizeof(gen_buf), "GET / HTTP/1.1\r\nHost: h\r\n");

	for (int i = 0; i < HTTP_MAX_HEADERS; i++)
		n += (size_t)snprintf(gen_buf + n, sizeof(gen_buf) - n, "X-%d: v\r\n", i);
	return n + (size_t)snprintf(gen_buf + n, sizeof(gen_buf) - n, "\r\n");
}

static size_t gen_long_header_line(void)
{
	size_t n = (size_t)snprintf(gen_buf, sizeof(gen_buf), "GET / HTTP/1.1\r\nX-Big: ");

	memset(gen_buf + n, 'a', HTTP_MAX_FIELD_LINE);
	n += HTTP_MAX_FIELD_LINE;
	return n + (size_t)snprintf(gen_buf + n, sizeof(gen_buf) - n, "\r\nHost: h\r\n\r\n");
}

struct hostile_case {
	const char *what;
	const char *raw;
	size_t len;
	size_t (*gen)(void); /* instead of raw: writes gen_buf, returns the length */
	int result;          /* HTTP_PARSE_MALFORMED, HTTP_PARSE_PARTIAL or COMPLETE */
	int status;
};

#define H(what, s, result, status) { what, RAW(s), NULL, result, status }
#define G(what, gen, result, status) { what, NULL, 0, gen, result, status }
#define M HTTP_PARSE_MALFORMED
#define END "\r\nHost: h\r\n\r\n"

static const struct hostile_case hostile[] = {
	H("bad char in method", "G@T / HTTP/1.1" END, M, 400),
	H("empty method", " / HTTP/1.1" END, M, 400),
	H("tab after method", "GET\t/ HTTP/1.1" END, M, 400),
	H("two spaces after method", "GET  / HTTP/1.1" END, M, 400),
	G("method longer than the limit", gen_long_method, M, 501),
	H("lowercase version", "GET / http/1.1" END, M, 400),
	H("garbage version", "GET / HTTP/1.x" END, M, 400),
	H("missing version (HTTP/0.9 shape)", "GET /\r\n\r\n", M, 400),
	H("missing minor version", "GET / HTTP/1" END, M, 400),
	H("two-digit minor version", "GET / HTTP/1.10" END, M, 400),
	H("space after version", "GET / HTTP/1.1 " END, M, 400),
	H("HTTP/2.0", "GET / HTTP/2.0" END, M, 505),
	H("HTTP/0.9 spelled out", "GET / HTTP/0.9" END, M, 505),
	H("HTTP/1.2", "GET / HTTP/1.2" END, M, 505),
	H("HTTP/9.9 without headers", "GET /metrics HTTP/9.9\r\n\r\n", M, 505),
	H("HTTP/2 connection preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", M, 505),
	H("garbage request line", "GARBAGE\r\n\r\n", M, 400),
	H("CR without LF ends request line", "GET / HTTP/1.1\rHost: h\r\n\r\n", M, 400),
	H("missing final empty line", "GET / HTTP/1.1\r\nHost: h\r\n", HTTP_PARSE_PARTIAL, 0),
	H("NUL in path", "GET /a\0b HTTP/1.1" END, M, 400),
	H("control char in path", "GET /a\x01" "b HTTP/1.1" END, M, 400),
	H("DEL in path", "GET /a\x7f HTTP/1.1" END, M, 400),
	H("non-ASCII in path", "GET /caf\xc3\xa9 HTTP/1.1" END, M, 400),
	H("fragment in target", "GET /a#frag HTTP/1.1" END, M, 400),
	G("target longer than the limit", gen_long_target, M, 414),
	H("absolute-form missing slashes", "GET http:/x HTTP/1.1" END, M, 400),
	H("absolute-form other scheme", "GET ftp://h/ HTTP/1.1" END, M, 400),
	H("absolute-form with userinfo", "GET http://u@h/ HTTP/1.1" END, M, 400),
	H("absolute-form empty authority", "GET http:///x HTTP/1.1" END, M, 400),
	H("target without leading slash", "GET metrics HTTP/1.1" END, M, 400),
	H("asterisk-form for GET", "GET * HTTP/1.1" END, M, 400),
	H("authority-form (CONNECT)", "CONNECT h:443 HTTP/1.1" END, M, 400),
	H("header without colon", "GET / HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n", M, 400),
	H("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", M, 400),
	H("empty header name", "GET / HTTP/1.1\r\n: v" END, M, 400),
	H("non-token char in header name", "GET / HTTP/1.1\r\nX(y): z" END, M, 400),
	H("obs-fold", "GET / HTTP/1.1\r\nX: a\r\n b" END, M, 400),
	H("whitespace before first header", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", M, 400),
	H("NUL in header value", "GET / HTTP/1.1\r\nX: a\0b" END, M, 400),
	H("ESC in header value", "GET / HTTP/1.1\r\nX: a\x1b[2J" END, M, 400),
	H("DEL in header value", "GET / HTTP/1.1\r\nX: a\x7f" END, M, 400),
	H("bare CR in header value", "GET / HTTP/1.1\r\nX: a\rb" END, M, 400),
	G("more header lines than the limit", gen_many_headers, M, 431),
	G("header line longer than the limit", gen_long_header_line, M, 431),
	H("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", M, 400),
	H("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", M, 400),
	H("Content-Length and Transfer-Encoding",
	  "POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked" END, M, 400),
	H("Content-Length twice, same value",
	  "GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5" END, M, 400),
	H("Content-Length list", "GET / HTTP/1.1\r\nContent-Length: 5, 5" END, M, 400),
	H("negative Content-Length", "GET / HTTP/1.1\r\nContent-Length: -1" END, M, 400),
	H("overflowing Content-Length",
	  "GET / HTTP/1.1\r\nContent-Length: 99999999999999999999" END, M, 400),
	H("signed Content-Length", "GET / HTTP/1.1\r\nContent-Length: +5" END, M, 400),
	H("empty Content-Length", "GET / HTTP/1.1\r\nContent-Length:" END, M, 400),
	H("Content-Length with inner space", "GET / HTTP/1.1\r\nContent-Length: 1 2" END, M, 400),
	H("hex Content-Length", "GET / HTTP/1.1\r\nContent-Length: 0x10" END, M, 400),
	H("Transfer-Encoding from HTTP/1.0",
	  "GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", M, 400),
	H("space before colon of Transfer-Encoding",
	  "GET / HTTP/1.1\r\nTransfer-Encoding : chunked" END, M, 400),
	H("two empty lines before the request", "\r\n\r\nGET / HTTP/1.1" END, M, 400),
	H("chunked body on GET", "GET / HTTP/1.1\r\nTransfer-Encoding: chunked" END,
	  COMPLETE, 501),
	H("body on GET", "GET / HTTP/1.1\r\nContent-Length: 5" END, COMPLETE, 413),
	H("POST with a body", "POST / HTTP/1.1\r\nContent-Length: 5" END, COMPLETE, 405),
	H("lowercase method", "get / HTTP/1.1" END, COMPLETE, 405),
	H("zero Content-Length with leading zeros is no body",
	  "GET / HTTP/1.1\r\nContent-Length: 000" END, COMPLETE, 0),
};

static const char *hostile_input(const struct hostile_case *h, size_t *len)
{
	if (!h->gen) {
		*len = h->len;
		return h->raw;
	}
	*len = h->gen();
	return gen_buf;
}

static void test_parse_hostile_catalogue_gets_expected_status(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const struct hostile_case *h = &hostile[i];
		struct http_request req;
		size_t len;
		const char *raw = hostile_input(h, &len);
		int want = h->result == COMPLETE ? (int)len : h->result;
		int r = parse_placed(raw, len, &req);

		if (r != want || (r != HTTP_PARSE_PARTIAL && req.status != h->status))
			fail_msg("%s: result %d status %d, want %d status %d", h->what, r,
				 req.status, want, h->status);
	}
}

/* A prefix may only be PARTIAL or fail the way the whole input fails, and once it fails
 * every longer prefix fails too: the server may answer as soon as the parser says no. */
static void test_parse_hostile_prefixes_never_contradict_the_whole(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const struct hostile_case *h = &hostile[i];
		struct http_request req;
		size_t len;
		const char *raw = hostile_input(h, &len);
		bool failed = false;

		for (size_t k = 0; k < len; k++) {
			int r = parse_placed(raw, k, &req);

			if (r == HTTP_PARSE_PARTIAL && !failed)
				continue;
			if (r != HTTP_PARSE_MALFORMED || h->result != M || req.status != h->status)
				fail_msg("%s: prefix %zu gives %d status %d", h->what, k, r,
					 req.status);
			failed = true;
		}
	}
}

static void test_parse_keep_alive_follows_version_and_connection_tokens(void **state)
{
	static const struct {
		const char *head;
		bool keep_alive;
	} cases[] = {
		{ "GET / HTTP/1.1\r\nHost: h\r\n\r\n", true },
		{ "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false },
		{ "GET / HTTP/1.1\r\nHost: h\r\nConnection: CLOSE\r\n\r\n", false },
		{ "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, close\r\n\r\n", false },
		{ "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade ,\t close \r\n\r\n", false },
		{ "GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n\r\n", true },
		{ "GET / HTTP/1.1\r\nHost: h\r\nConnection: x\r\nconnection: close\r\n\r\n", false },
		{ "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\n", false },
		{ "GET / HTTP/1.0\r\n\r\n", false },
		{ "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true },
		{ "GET / HTTP/1.0\r\nConnection: ,keep-alive,\r\n\r\n", true },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false },
		{ "GET / HTTP/1.0\r\nConnection: keep-alivex\r\n\r\n", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_request req;
		size_t len = strlen(cases[i].head);

		assert_int_equal(parse_placed(cases[i].head, len, &req), (int)len);
		if (req.keep_alive != cases[i].keep_alive)
			fail_msg("keep_alive %d for %s", req.keep_alive, cases[i].head);
	}
}

static void test_parse_empty_input_is_partial(void **state)
{
	struct http_request req;

	(void)state;
	assert_int_equal(http_parse_request(arena + arena_size, 0, &req), HTTP_PARSE_PARTIAL);
}

static void test_status_reason_table_is_exact_and_rejects_unknown(void **state)
{
	static const struct {
		int status;
		const char *reason;
	} known[] = {
		{ 200, "OK" }, { 400, "Bad Request" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" }, { 408, "Request Timeout" },
		{ 413, "Content Too Large" }, { 414, "URI Too Long" },
		{ 431, "Request Header Fields Too Large" }, { 500, "Internal Server Error" },
		{ 501, "Not Implemented" }, { 503, "Service Unavailable" },
		{ 505, "HTTP Version Not Supported" },
	};
	static const int unknown[] = { -1, 0, 100, 199, 201, 204, 302, 304, 418, 506, INT_MAX };

	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_string_equal(http_status_reason(known[i].status), known[i].reason);
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_null(http_status_reason(unknown[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_every_split_point_of_valid_requests),
		cmocka_unit_test(test_parse_fills_exact_header_names_and_values),
		cmocka_unit_test(test_parse_pipelined_requests_consumes_one_head_at_a_time),
		cmocka_unit_test(test_parse_hostile_catalogue_gets_expected_status),
		cmocka_unit_test(test_parse_hostile_prefixes_never_contradict_the_whole),
		cmocka_unit_test(test_parse_keep_alive_follows_version_and_connection_tokens),
		cmocka_unit_test(test_parse_empty_input_is_partial),
		cmocka_unit_test(test_status_reason_table_is_exact_and_rejects_unknown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
