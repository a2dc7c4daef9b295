/* SPDX-License-Identifier: MIT */
/* One connection slot: receive a head, answer it (headers from the slot, body straight from
 * the handler), then wait for the next request, drain, or close. Never blocks: every
 * socket is non-blocking and each step stops at EAGAIN. */
#include "slot.h"

#include "log.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define DRAIN_READS 16 /* reads per round while draining, so one peer cannot hold the loop */

static void release_body(struct http_slot *c)
{
	void (*release)(void *arg) = c->release;

	c->release = NULL;
	c->body = NULL;
	c->body_len = c->body_off = 0;
	if (release)
		release(c->release_arg);
}

void http_slot_open(struct http_server *s, struct http_slot *c, int fd, int64_t now)
{
	c->fd = fd;
	c->state = HTTP_SLOT_RECEIVING;
	c->deadline_ms = now + s->cfg.header_timeout_ms;
	c->buf_len = 0;
	c->requests = 0;
	c->close_after = c->linger = false;
	c->head_len = c->head_off = 0;
	c->body = NULL;
	c->body_len = c->body_off = 0;
	c->unacked = 0;
	c->release = NULL;
	s->nactive++;
}

void http_slot_close(struct http_server *s, struct http_slot *c, bool abort)
{
	if (c->state == HTTP_SLOT_VACANT)
		return;
	release_body(c);
	if (abort) {
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	close(c->fd);
	c->fd = -1;
	c->state = HTTP_SLOT_VACANT;
	c->buf_len = 0;
	s->nactive--;
}

short http_slot_events(const struct http_slot *c)
{
	switch (c->state) {
	case HTTP_SLOT_RECEIVING:
	case HTTP_SLOT_DRAINING:
		return POLLIN;
	case HTTP_SLOT_SENDING:
		return POLLOUT;
	case HTTP_SLOT_VACANT:
	case HTTP_SLOT_STATE_COUNT:
		break;
	}
	return 0;
}

/* A response made here: all of it in c->head. */
static void respond_simple(struct http_server *s, struct http_slot *c, int status, bool head_only)
{
	int n = http_format_simple(s, status, c->close_after, head_only, c->head, sizeof(c->head));

	c->head_len = n > 0 ? (size_t)n : 0;
	c->head_off = 0;
	c->state = HTTP_SLOT_SENDING;
	s->stats.responses++;
}

static bool response_ok(const struct http_response *r)
{
	if (r->status < 200 || !http_status_reason(r->status))
		return false;
	if (!r->body && r->body_len)
		return false;
	if (r->content_type) {
		size_t n = strnlen(r->content_type, HTTP_MAX_CONTENT_TYPE + 1);

		if (n > HTTP_MAX_CONTENT_TYPE)
			return false;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)r->content_type[i] < 0x20 || r->content_type[i] == 0x7f)
				return false;
	}
	return true;
}

static void respond_handler(struct http_server *s, struct http_slot *c,
                            const struct http_request *req)
{
	bool head_only = req->method_id == HTTP_M_HEAD;
	struct http_response resp = { .status = 0 };
	int rc, n = -EINVAL;

	rc = s->cfg.handler(s->cfg.handler_arg, req, &resp);
	c->release = resp.release; /* ours from now on, whatever happens */
	c->release_arg = resp.release_arg;
	if (rc >= 0 && response_ok(&resp))
		n = http_format_head(s, resp.status, resp.content_type, resp.body_len,
		                     c->close_after, c->head, sizeof(c->head));
	if (n < 0) {
		log_debug("handler failed, answering 500", "err=%d status=%d", rc, resp.status);
		release_body(c);
		respond_simple(s, c, HTTP_S_INTERNAL_SERVER_ERROR, head_only);
		return;
	}
	c->head_len = (size_t)n;
	c->head_off = 0;
	if (head_only) {
		release_body(c);
	} else {
		c->body = resp.body;
		c->body_len = resp.body_len;
		c->body_off = 0;
	}
	c->state = HTTP_SLOT_SENDING;
	s->stats.responses++;
}

/* Parses the buffered input and starts a response once a head is complete or bad. */
static void take_request(struct http_server *s, struct http_slot *c)
{
	struct http_request req;
	int r = http_parse_request(c->buf, c->buf_len, &req);

	if (r == HTTP_PARSE_PARTIAL) {
		if (c->buf_len < s->cfg.req_buf_size)
			return;
		req.status = HTTP_S_HEADER_FIELDS_TOO_LARGE;
	}
	if (r < 0) {
		c->close_after = c->linger = true;
		respond_simple(s, c, req.status, false);
		return;
	}
	c->requests++;
	c->close_after = !req.keep_alive || c->requests >= s->cfg.max_keepalive_requests;
	c->linger = req.has_body;
	if (req.status)
		respond_simple(s, c, req.status, req.method_id == HTTP_M_HEAD);
	else
		respond_handler(s, c, &req);
	/* req points into buf: only now may the rest move to the front */
	c->buf_len -= (size_t)r;
	memmove(c->buf, c->buf + r, c->buf_len);
	if (c->close_after && c->buf_len)
		c->linger = true;
}

/* Bytes the peer has not acknowledged yet, or -1. */
static int send_queue(int fd)
{
	int n;

	return ioctl(fd, TIOCOUTQ, &n) < 0 ? -1 : n;
}

/* Returns 1 when all is sent, 0 when the socket is full, -errno on error. */
static int send_some(struct http_server *s, struct http_slot *c, int64_t now)
{
	for (;;) {
		struct iovec iov[2];
		struct msghdr m = { .msg_iov = iov };
		int niov = 0;
		size_t done, head;
		ssize_t w;

		if (c->head_off < c->head_len)
			iov[niov++] = (struct iovec){ c->head + c->head_off,
				                      c->head_len - c->head_off };
		if (c->body_off < c->body_len)
			iov[niov++] = (struct iovec){ (char *)c->body + c->body_off,
				                      c->body_len - c->body_off };
		if (niov == 0)
			return 1;
		m.msg_iovlen = niov;
		w = sendmsg(c->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			c->unacked = send_queue(c->fd);
			return 0;
		}
		if (w < 0)
			return -errno;
		done = (size_t)w;
		head = c->head_len - c->head_off < done ? c->head_len - c->head_off : done;
		c->head_off += head;
		c->body_off += done - head;
		c->deadline_ms = now + s->cfg.write_timeout_ms;
	}
}

static void finish_response(struct http_server *s, struct http_slot *c, int64_t now)
{
	release_body(c);
	if (!c->close_after) {
		c->state = HTTP_SLOT_RECEIVING;
		c->deadline_ms = now +
		                 (c->buf_len ? s->cfg.header_timeout_ms : s->cfg.idle_timeout_ms);
		return;
	}
	if (!c->linger) {
		http_slot_close(s, c, false);
		return;
	}
	/* closing with unread input would send RST and could destroy the response */
	shutdown(c->fd, SHUT_WR);
	c->state = HTTP_SLOT_DRAINING;
	c->deadline_ms = now + HTTP_LINGER_MS;
}

/* Sends, then serves pipelined requests already buffered, until the peer has to act. */
static void advance(struct http_server *s, struct http_slot *c, int64_t now)
{
	for (;;) {
		int r;

		if (c->state == HTTP_SLOT_RECEIVING) {
			if (c->buf_len == 0)
				return;
			take_request(s, c);
			if (c->state != HTTP_SLOT_SENDING)
				return;
			now = http_now_ms(); /* the handler may have taken a while */
			c->deadline_ms = now + s->cfg.write_timeout_ms;
		}
		r = send_some(s, c, now);
		if (r < 0)
			http_slot_close(s, c, true);
		if (r <= 0)
			return;
		finish_response(s, c, now);
		if (c->state != HTTP_SLOT_RECEIVING)
			return;
	}
}

static void drain(struct http_server *s, struct http_slot *c)
{
	for (int k = 0; k < DRAIN_READS; k++) {
		ssize_t n = recv(c->fd, c->buf, s->cfg.req_buf_size, MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			http_slot_close(s, c, false);
			return;
		}
	}
}

static void receive(struct http_server *s, struct http_slot *c, int64_t now)
{
	ssize_t n;

	do
		n = recv(c->fd, c->buf + c->buf_len, s->cfg.req_buf_size - c->buf_len,
		         MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		http_slot_close(s, c, n < 0);
		return;
	}
	if (c->buf_len == 0 && c->requests > 0) /* idle wait over, the head clock starts */
		c->deadline_ms = now + s->cfg.header_timeout_ms;
	c->buf_len += (size_t)n;
	advance(s, c, now);
}

void http_slot_on_ready(struct http_server *s, struct http_slot *c, short revents, int64_t now)
{
	switch (c->state) {
	case HTTP_SLOT_RECEIVING:
		if (revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL))
			receive(s, c, now);
		break;
	case HTTP_SLOT_SENDING:
		if (revents & (POLLOUT | POLLERR | POLLHUP | POLLNVAL))
			advance(s, c, now);
		break;
	case HTTP_SLOT_DRAINING:
		if (revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL))
			drain(s, c);
		break;
	case HTTP_SLOT_VACANT:
	case HTTP_SLOT_STATE_COUNT:
		break;
	}
}

void http_slot_expire(struct http_server *s, struct http_slot *c, int64_t now)
{
	if (c->state == HTTP_SLOT_VACANT || now < c->deadline_ms)
		return;
	if (c->state == HTTP_SLOT_SENDING) {
		/* poll() reports POLLOUT only once a third of the buffer is free: a reader
		 * that takes less than that per write_timeout still counts as progressing */
		int queued = send_queue(c->fd);

		if (queued >= 0 && queued < c->unacked) {
			c->unacked = queued;
			c->deadline_ms = now + s->cfg.write_timeout_ms;
			return;
		}
	}
	s->stats.timeouts++;
	if (c->state == HTTP_SLOT_RECEIVING && c->buf_len > 0) {
		/* a head begun but not finished in time: say so, best effort */
		int n = http_format_simple(s, HTTP_S_REQUEST_TIMEOUT, true, false, c->head,
		                           sizeof(c->head));

		if (n > 0 && send(c->fd, c->head, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			log_debug("408 not sent", "err=%d", -errno);
	}
	http_slot_close(s, c, c->state == HTTP_SLOT_SENDING);
}
