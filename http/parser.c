/* SPDX-License-Identifier: MIT */
/* Request heads per RFC 9112, strictly: one SP between the parts of the request line,
 * tokens for the method and field names, no whitespace before a colon, no obs-fold;
 * lines end in CRLF or a bare LF. Limits are checked as bytes arrive, so a hostile
 * prefix fails as early as it can, and the result for a prefix never contradicts the
 * result for the whole input. */
#include "http.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#define PARTIAL HTTP_PARSE_PARTIAL

static int fail(struct http_request *req, int status)
{
	req->status = status;
	return HTTP_PARSE_MALFORMED;
}

/* tchar of RFC 9110 5.6.2 */
static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	switch (c) {
	case '!':
	case '#':
	case '$':
	case '%':
	case '&':
	case '\'':
	case '*':
	case '+':
	case '-':
	case '.':
	case '^':
	case '_':
	case '`':
	case '|':
	case '~':
		return true;
	default:
		return false;
	}
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Length of the line ending at buf[i] (1 or 2), 0 when buf[i] ends no line, or < 0. */
static int line_end(const char *buf, size_t len, size_t i)
{
	if (buf[i] == '\n')
		return 1;
	if (buf[i] != '\r')
		return 0;
	if (i + 1 >= len)
		return PARTIAL;
	return buf[i + 1] == '\n' ? 2 : HTTP_PARSE_MALFORMED;
}

/* End of the scan window for an item of at most max bytes starting at start: when the
 * input is longer, the item must end inside it, else the item is too long. */
static size_t window(size_t len, size_t start, size_t max, bool *capped)
{
	*capped = len - start > max;
	return *capped ? start + max + 1 : len;
}

static int scan_method(const char *buf, size_t len, size_t *pos, struct http_request *req)
{
	size_t start = *pos, i = start, end;
	bool capped;

	end = window(len, start, HTTP_MAX_METHOD_LEN, &capped);
	for (; i < end && buf[i] != ' '; i++)
		if (!is_tchar((unsigned char)buf[i]))
			return fail(req, HTTP_S_BAD_REQUEST);
	if (i == end)
		return capped ? fail(req, HTTP_S_NOT_IMPLEMENTED) : PARTIAL;
	if (i == start)
		return fail(req, HTTP_S_BAD_REQUEST);
	req->method = (struct http_str){ buf + start, i - start };
	if (req->method.len == 3 && memcmp(buf + start, "GET", 3) == 0)
		req->method_id = HTTP_M_GET;
	else if (req->method.len == 4 && memcmp(buf + start, "HEAD", 4) == 0)
		req->method_id = HTTP_M_HEAD;
	else
		req->method_id = HTTP_M_OTHER;
	*pos = i + 1;
	return 0;
}

static int scan_target(const char *buf, size_t len, size_t *pos, struct http_request *req)
{
	size_t start = *pos, i = start, end;
	bool capped;

	end = window(len, start, HTTP_MAX_TARGET_LEN, &capped);
	for (; i < end && buf[i] != ' '; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c <= 0x20 || c >= 0x7f)
			return fail(req, HTTP_S_BAD_REQUEST);
	}
	if (i == end)
		return capped ? fail(req, HTTP_S_URI_TOO_LONG) : PARTIAL;
	if (i == start)
		return fail(req, HTTP_S_BAD_REQUEST);
	req->target = (struct http_str){ buf + start, i - start };
	*pos = i + 1;
	return 0;
}

static int scan_version(const char *buf, size_t len, size_t *pos, struct http_request *req)
{
	static const char shape[] = "HTTP/D.D"; /* D: one digit */
	size_t i = *pos;
	int major, r;

	for (size_t k = 0; k < sizeof(shape) - 1; k++, i++) {
		if (i >= len)
			return PARTIAL;
		if (shape[k] == 'D' ? buf[i] < '0' || buf[i] > '9' : buf[i] != shape[k])
			return fail(req, HTTP_S_BAD_REQUEST);
	}
	if (i >= len)
		return PARTIAL;
	r = line_end(buf, len, i);
	if (r == PARTIAL)
		return r;
	if (r <= 0)
		return fail(req, HTTP_S_BAD_REQUEST);
	major = buf[i - 3] - '0';
	req->minor_version = buf[i - 1] - '0';
	if (major != 1 || req->minor_version > 1)
		return fail(req, HTTP_S_VERSION_NOT_SUPPORTED);
	*pos = i + (size_t)r;
	return 0;
}

/* Offset of the path in an absolute-form target "http[s]://authority[path][?query]". */
static int absolute_path_start(const char *t, size_t n, size_t *out)
{
	size_t i, start;

	if (n >= 7 && strncasecmp(t, "http://", 7) == 0)
		i = 7;
	else if (n >= 8 && strncasecmp(t, "https://", 8) == 0)
		i = 8;
	else
		return -1;
	for (start = i; i < n && t[i] != '/' && t[i] != '?'; i++)
		if (t[i] == '@') /* userinfo is deprecated and a phishing vector */
			return -1;
	if (i == start)
		return -1;
	*out = i;
	return 0;
}

/* Splits the target into path and query; "*" only for OPTIONS. */
static int split_target(struct http_request *req)
{
	const char *t = req->target.p, *q;
	size_t n = req->target.len, i = 0;

	if (n == 1 && t[0] == '*') {
		if (req->method.len != 7 || memcmp(req->method.p, "OPTIONS", 7) != 0)
			return fail(req, HTTP_S_BAD_REQUEST);
		req->path = req->target;
		return 0;
	}
	if (memchr(t, '#', n))
		return fail(req, HTTP_S_BAD_REQUEST);
	if (t[0] != '/' && absolute_path_start(t, n, &i) < 0)
		return fail(req, HTTP_S_BAD_REQUEST);
	q = memchr(t + i, '?', n - i);
	if (q) {
		req->query = (struct http_str){ q + 1, (size_t)(t + n - q - 1) };
		n = (size_t)(q - t);
	}
	if (i == n)
		req->path = (struct http_str){ "/", 1 };
	else
		req->path = (struct http_str){ t + i, n - i };
	return 0;
}

static int parse_request_line(const char *buf, size_t len, struct http_request *req)
{
	size_t i = 0;
	int r;

	if (len == 0)
		return PARTIAL;
	r = line_end(buf, len, 0); /* one empty line before a request is tolerated */
	if (r == HTTP_PARSE_MALFORMED)
		return fail(req, HTTP_S_BAD_REQUEST);
	if (r < 0)
		return r;
	i = (size_t)r;
	if ((r = scan_method(buf, len, &i, req)) < 0 || (r = scan_target(buf, len, &i, req)) < 0 ||
	    (r = scan_version(buf, len, &i, req)) < 0 || (r = split_target(req)) < 0)
		return r;
	return (int)i;
}

/* One "name: value" line starting at *pos. */
static int parse_field(const char *buf, size_t len, size_t *pos, struct http_request *req)
{
	struct http_header *h = &req->headers[req->nheaders];
	size_t start = *pos, i = start, vstart, vend, end;
	bool capped;
	int r;

	end = window(len, start, HTTP_MAX_FIELD_LINE, &capped);
	for (; i < end && buf[i] != ':'; i++)
		if (!is_tchar((unsigned char)buf[i]))
			return fail(req, HTTP_S_BAD_REQUEST);
	if (i < end && i == start)
		return fail(req, HTTP_S_BAD_REQUEST);
	h->name = (struct http_str){ buf + start, i - start };
	if (i < end)
		i++;
	while (i < end && is_ows(buf[i]))
		i++;
	for (vstart = vend = i; i < end && buf[i] != '\r' && buf[i] != '\n'; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(req, HTTP_S_BAD_REQUEST);
		if (!is_ows(buf[i]))
			vend = i + 1;
	}
	if (i == end)
		return capped ? fail(req, HTTP_S_HEADER_FIELDS_TOO_LARGE) : PARTIAL;
	r = line_end(buf, len, i);
	if (r < 0)
		return r == PARTIAL ? r : fail(req, HTTP_S_BAD_REQUEST);
	h->value = (struct http_str){ buf + vstart, vend - vstart };
	*pos = i + (size_t)r;
	return 0;
}

static int parse_fields(const char *buf, size_t len, size_t i, struct http_request *req)
{
	for (;;) {
		int r;

		if (i >= len)
			return PARTIAL;
		r = line_end(buf, len, i);
		if (r == HTTP_PARSE_MALFORMED)
			return fail(req, HTTP_S_BAD_REQUEST);
		if (r < 0)
			return r;
		if (r > 0)
			return (int)(i + (size_t)r);
		if (is_ows(buf[i])) /* obs-fold, or whitespace before the first field */
			return fail(req, HTTP_S_BAD_REQUEST);
		if (req->nheaders == HTTP_MAX_HEADERS)
			return fail(req, HTTP_S_HEADER_FIELDS_TOO_LARGE);
		r = parse_field(buf, len, &i, req);
		if (r < 0)
			return r;
		req->nheaders++;
	}
}

static bool str_ieq(struct http_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && strncasecmp(s.p, lit, n) == 0;
}

/* Whether the comma-separated list v holds token tok (case-insensitive). */
static bool list_has(struct http_str v, const char *tok)
{
	size_t i = 0;

	while (i < v.len) {
		size_t s, e;

		while (i < v.len && (is_ows(v.p[i]) || v.p[i] == ','))
			i++;
		for (s = i; i < v.len && v.p[i] != ','; i++)
			;
		for (e = i; e > s && is_ows(v.p[e - 1]); e--)
			;
		if (str_ieq((struct http_str){ v.p + s, e - s }, tok))
			return true;
	}
	return false;
}

/* 1*DIGIT, at most 18 of them so it fits in int64_t; no sign, no list. */
static int parse_length(struct http_str v, int64_t *out)
{
	int64_t n = 0;

	if (v.len == 0 || v.len > 18)
		return -1;
	for (size_t i = 0; i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return -1;
		n = n * 10 + (v.p[i] - '0');
	}
	*out = n;
	return 0;
}

/* Framing and connection rules of RFC 9112 3.2, 6.1, 6.3 and 9.3. */
static int check_fields(struct http_request *req)
{
	unsigned hosts = 0, lengths = 0;
	bool close = false, keep = false;

	for (size_t k = 0; k < req->nheaders; k++) {
		const struct http_header *h = &req->headers[k];

		if (str_ieq(h->name, "host")) {
			hosts++;
		} else if (str_ieq(h->name, "connection")) {
			close = close || list_has(h->value, "close");
			keep = keep || list_has(h->value, "keep-alive");
		} else if (str_ieq(h->name, "content-length")) {
			if (lengths++ || parse_length(h->value, &req->content_length) < 0)
				return fail(req, HTTP_S_BAD_REQUEST);
		} else if (str_ieq(h->name, "transfer-encoding")) {
			req->transfer_encoding = true;
		}
	}
	if (hosts > 1 || (hosts == 0 && req->minor_version == 1))
		return fail(req, HTTP_S_BAD_REQUEST);
	/* both framings, or chunks from a 1.0 client: classic request smuggling shapes */
	if (req->transfer_encoding && (lengths || req->minor_version == 0))
		return fail(req, HTTP_S_BAD_REQUEST);
	req->has_body = req->transfer_encoding || req->content_length > 0;
	req->keep_alive = !close && !req->has_body && (req->minor_version == 1 || keep);
	if (req->method_id == HTTP_M_OTHER)
		req->status = HTTP_S_METHOD_NOT_ALLOWED;
	else if (req->transfer_encoding)
		req->status = HTTP_S_NOT_IMPLEMENTED;
	else if (req->has_body)
		req->status = HTTP_S_CONTENT_TOO_LARGE;
	else
		req->status = 0;
	return 0;
}

int http_parse_request(const char *buf, size_t len, struct http_request *req)
{
	int r;

	*req = (struct http_request){ .content_length = -1, .minor_version = -1 };
	/* every complete head is far shorter than INT_MAX (see the limits) */
	if (len > INT_MAX)
		len = INT_MAX;
	r = parse_request_line(buf, len, req);
	if (r < 0)
		return r;
	r = parse_fields(buf, len, (size_t)r, req);
	if (r < 0)
		return r;
	if (check_fields(req) < 0)
		return HTTP_PARSE_MALFORMED;
	return r;
}
