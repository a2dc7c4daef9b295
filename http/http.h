/* SPDX-License-Identifier: MIT */
/* A small HTTP/1.1 server for GET and HEAD: request parser, listen addresses, poll() loop.
 * Knows nothing of BPF or Prometheus. Nothing here allocates after http_server_init();
 * fallible functions return >= 0 on success and -errno on error. Every send uses
 * MSG_NOSIGNAL, so SIGPIPE needs no handling. */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* All limits of the module. */
#define HTTP_MAX_HEADERS       32   /* more header lines: 431 */
#define HTTP_MAX_METHOD_LEN    32   /* longer method: 501 */
#define HTTP_MAX_TARGET_LEN    2048 /* longer request-target: 414 */
#define HTTP_MAX_FIELD_LINE    4096 /* longer header line: 431 */
#define HTTP_MAX_CONTENT_TYPE  128  /* longer handler content type: 500 */
#define HTTP_HEAD_BUF_SIZE     384  /* per-slot buffer for response headers */
#define HTTP_MAX_LISTENERS     8
#define HTTP_MAX_SLOTS         4096
#define HTTP_MIN_REQ_BUF       256
#define HTTP_MAX_REQ_BUF       65536
#define HTTP_ACCEPT_BATCH      16   /* accepts per listener per round */
#define HTTP_ACCEPT_BACKOFF_MS 100  /* pause accepting after EMFILE and the like */
#define HTTP_LINGER_MS         2000 /* drain input this long after an error response */
#define HTTP_LISTEN_BACKLOG    128

/* Statuses are their codes; http_status_reason() gives the reason phrase. */
enum http_status {
	HTTP_S_OK = 200,
	HTTP_S_BAD_REQUEST = 400,
	HTTP_S_NOT_FOUND = 404,
	HTTP_S_METHOD_NOT_ALLOWED = 405,
	HTTP_S_REQUEST_TIMEOUT = 408,
	HTTP_S_CONTENT_TOO_LARGE = 413,
	HTTP_S_URI_TOO_LONG = 414,
	HTTP_S_HEADER_FIELDS_TOO_LARGE = 431,
	HTTP_S_INTERNAL_SERVER_ERROR = 500,
	HTTP_S_NOT_IMPLEMENTED = 501,
	HTTP_S_SERVICE_UNAVAILABLE = 503,
	HTTP_S_VERSION_NOT_SUPPORTED = 505,
	HTTP_S_COUNT
};

/* Reason phrase of a status of enum http_status, NULL for any other number. */
const char *http_status_reason(int status);

enum http_method {
	HTTP_M_GET,
	HTTP_M_HEAD,
	HTTP_M_OTHER, /* any other syntactically valid method (case-sensitive: "get" is OTHER) */
	HTTP_M_COUNT
};

/* A byte range inside the parsed buffer (or a static string); not NUL-terminated. */
struct http_str {
	const char *p;
	size_t len;
};

struct http_header {
	struct http_str name;  /* as sent; compare case-insensitively */
	struct http_str value; /* surrounding spaces and tabs removed */
};

struct http_request {
	struct http_str method;
	enum http_method method_id;
	struct http_str target; /* request-target as sent */
	struct http_str path;   /* origin-form path (absolute-form: its path, "/" if empty) */
	struct http_str query;  /* after '?', without it; len 0 if none */
	int minor_version;      /* 0 or 1 */
	size_t nheaders;
	struct http_header headers[HTTP_MAX_HEADERS];
	bool keep_alive;        /* 1.1: unless "Connection: close"; 1.0: only with keep-alive; never
	                         * with has_body */
	bool has_body;          /* Content-Length > 0 or Transfer-Encoding: we read no bodies */
	int64_t content_length; /* -1 when absent */
	bool transfer_encoding;
	/* After HTTP_PARSE_MALFORMED: the status to answer (400, 414, 431, 501, 505).
	 * After a complete parse: 0 when the handler may serve it, else the status to answer:
	 * 405 for methods other than GET/HEAD, 413 for a Content-Length > 0, 501 for a
	 * Transfer-Encoding. Requests with has_body set end their connection. */
	int status;
};

enum http_parse_result {
	HTTP_PARSE_MALFORMED = -1,
	HTTP_PARSE_PARTIAL = -2
};

/* Parses one request head from buf[0..len) (no NUL needed, never read past len).
 * Returns the bytes the head takes (> 0) when complete, HTTP_PARSE_PARTIAL when more bytes
 * are needed, HTTP_PARSE_MALFORMED (req->status says why). req points into buf. */
int http_parse_request(const char *buf, size_t len, struct http_request *req);

/* Listen address: ":port" (every interface: [::] dual-stack, 0.0.0.0 without IPv6),
 * "a.b.c.d:port", "localhost:port" (127.0.0.1), "[v6]:port". Port 1..65535, digits only,
 * no leading zero. Returns 0, or -EINVAL leaving *a untouched. */
struct http_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	bool any; /* the ":port" form: may fall back to IPv4 */
};

int http_addr_parse(const char *s, struct http_addr *a);
/* "1.2.3.4:80" or "[::1]:80" into buf; returns the length or -ENOSPC / -EAFNOSUPPORT. */
int http_addr_format(const struct sockaddr_storage *ss, char *buf, size_t cap);

/* A handler's answer. body stays valid until release(release_arg) is called, which happens
 * exactly once when release is set, whatever the handler returned: when the body was sent,
 * is not needed (HEAD, handler error) or the connection ended (error, timeout, fini). */
struct http_response {
	int status;               /* a status of enum http_status; else 500 is sent */
	const char *content_type; /* NULL: no Content-Type; no control characters */
	const char *body;
	size_t body_len;
	void (*release)(void *arg);
	void *release_arg;
};

struct http_server_config {
	size_t slots;                    /* connections at once, 1..HTTP_MAX_SLOTS */
	size_t req_buf_size;             /* request head bytes per slot */
	int header_timeout_ms;           /* whole request head, from accept or first byte */
	int idle_timeout_ms;             /* keep-alive wait for the next request */
	int write_timeout_ms;            /* longest time without send progress */
	unsigned max_keepalive_requests; /* requests per connection, >= 1 */
	/* Called for GET and HEAD only, with *resp zeroed; req and its strings are valid only
	 * during the call. Returns 0, or < 0 to answer 500. */
	int (*handler)(void *arg, const struct http_request *req, struct http_response *resp);
	void *handler_arg;
	int64_t (*wall_clock)(void); /* seconds since the epoch for Date; NULL: the real clock */
};

struct http_server_stats {
	uint64_t accepted, refused; /* refused: answered 503, all slots busy */
	uint64_t responses, timeouts;
};

struct http_slot;
struct pollfd;

struct http_server {
	struct http_server_config cfg;
	int listen_fds[HTTP_MAX_LISTENERS]; /* -1: none */
	size_t nlisteners;
	struct http_slot *slots; /* cfg.slots entries, in the one mapping */
	struct pollfd *pfds;     /* HTTP_MAX_LISTENERS + cfg.slots entries */
	void *mem;
	size_t mem_size;
	size_t nactive; /* slots not vacant */
	int64_t accept_resume_ms;
	struct http_server_stats stats;
};

/* Reserves every buffer (one mmap). -EINVAL for a config out of bounds. */
int http_server_init(struct http_server *s, const struct http_server_config *c);
/* Binds and listens (SO_REUSEADDR); returns the listener index, or -errno
 * (-EINVAL bad address, -EADDRINUSE, -EACCES, -ENOSPC after HTTP_MAX_LISTENERS). */
int http_server_listen(struct http_server *s, const char *addr);
/* The same for an address made by hand (tests bind port 0). */
int http_server_listen_addr(struct http_server *s, const struct http_addr *a);
/* The port listener i is bound to, or -errno. */
int http_server_port(const struct http_server *s, int listener);
/* One poll() round: waits at most max_wait_ms (< 0: until an event or a deadline), serves
 * what is ready (handlers run inside), expires timeouts. Responses are "HTTP/1.1 <code>
 * <reason>", Date, [Allow], [Content-Type], Content-Length, Connection: keep-alive|close.
 * Returns the number of ready fds, -EINTR on a signal. */
int http_server_run_once(struct http_server *s, int max_wait_ms);
/* Closes every fd and releases every body in flight; the server may be init'ed again. */
void http_server_fini(struct http_server *s);

#endif
