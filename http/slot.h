/* SPDX-License-Identifier: MIT */
/* Internal to http/: one connection slot and what server.c asks of it (conn.c). */
#ifndef HTTP_SLOT_H
#define HTTP_SLOT_H

#include "http.h"

enum http_slot_state {
	HTTP_SLOT_VACANT,
	HTTP_SLOT_RECEIVING, /* reading a request head (or waiting for the next one) */
	HTTP_SLOT_SENDING,   /* writing a response; input waits in buf */
	HTTP_SLOT_DRAINING,  /* after a final error response: discard input until EOF */
	HTTP_SLOT_STATE_COUNT
};

struct http_slot {
	int fd; /* -1 when vacant */
	enum http_slot_state state;
	int64_t deadline_ms; /* CLOCK_MONOTONIC; the slot is closed when it passes */
	char *buf;           /* cfg.req_buf_size bytes, in the server's mapping */
	size_t buf_len;      /* received, not yet consumed */
	unsigned requests;   /* responses started on this connection */
	bool close_after;    /* end the connection once the response is out */
	bool linger;         /* ... and drain unread input first */
	size_t head_len, head_off;
	const char *body; /* the handler's, never copied */
	size_t body_len, body_off;
	int unacked; /* send-queue bytes when the socket last filled up */
	void (*release)(void *arg);
	void *release_arg;
	char head[HTTP_HEAD_BUF_SIZE];
};

/* CLOCK_MONOTONIC in milliseconds. */
int64_t http_now_ms(void);
/* Status line and headers into out; returns the length, -EINVAL for a status without a
 * reason phrase, -ENOSPC when out is too small. */
int http_format_head(const struct http_server *s, int status, const char *content_type,
                     size_t body_len, bool close, char *out, size_t cap);
/* A complete server-made response (head and "<reason>\n" body) into out; returns its
 * length or -ENOSPC. */
int http_format_simple(const struct http_server *s, int status, bool close, bool head_only,
                       char *out, size_t cap);

void http_slot_open(struct http_server *s, struct http_slot *c, int fd, int64_t now);
/* Releases the body and closes; abort sends RST (for a peer that stopped reading). */
void http_slot_close(struct http_server *s, struct http_slot *c, bool abort);
/* poll() events the slot waits for. */
short http_slot_events(const struct http_slot *c);
void http_slot_on_ready(struct http_server *s, struct http_slot *c, short revents, int64_t now);
/* Closes the slot when its deadline has passed. */
void http_slot_expire(struct http_server *s, struct http_slot *c, int64_t now);

#endif
