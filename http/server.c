/* SPDX-License-Identifier: MIT */
/* The poll() loop: listeners, a fixed array of slots, one mapping made at init. */
#include "slot.h"

#include "log.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int64_t http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool config_ok(const struct http_server_config *c)
{
	return c->handler && c->slots >= 1 && c->slots <= HTTP_MAX_SLOTS &&
	       c->req_buf_size >= HTTP_MIN_REQ_BUF && c->req_buf_size <= HTTP_MAX_REQ_BUF &&
	       c->header_timeout_ms > 0 && c->idle_timeout_ms > 0 && c->write_timeout_ms > 0 &&
	       c->max_keepalive_requests >= 1;
}

int http_server_init(struct http_server *s, const struct http_server_config *c)
{
	size_t slots_size, pfds_size;
	char *mem;

	if (!s || !c || !config_ok(c))
		return -EINVAL;
	*s = (struct http_server){ .cfg = *c };
	for (size_t i = 0; i < HTTP_MAX_LISTENERS; i++)
		s->listen_fds[i] = -1;
	slots_size = c->slots * sizeof(struct http_slot);
	pfds_size = (HTTP_MAX_LISTENERS + c->slots) * sizeof(struct pollfd);
	s->mem_size = slots_size + pfds_size + c->slots * c->req_buf_size;
	mem = mmap(NULL, s->mem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		int err = -errno;

		*s = (struct http_server){ .mem = NULL };
		return err;
	}
	s->mem = mem;
	s->slots = (void *)mem;
	s->pfds = (void *)(mem + slots_size);
	for (size_t i = 0; i < c->slots; i++) {
		s->slots[i].fd = -1;
		s->slots[i].state = HTTP_SLOT_VACANT;
		s->slots[i].buf = mem + slots_size + pfds_size + i * c->req_buf_size;
	}
	return 0;
}

void http_server_fini(struct http_server *s)
{
	if (!s->mem)
		return;
	for (size_t i = 0; i < s->cfg.slots; i++)
		http_slot_close(s, &s->slots[i], false);
	for (size_t i = 0; i < s->nlisteners; i++)
		close(s->listen_fds[i]);
	munmap(s->mem, s->mem_size);
	*s = (struct http_server){ .mem = NULL };
	for (size_t i = 0; i < HTTP_MAX_LISTENERS; i++)
		s->listen_fds[i] = -1;
}

static bool is_v6_any(const struct sockaddr_storage *ss)
{
	struct sockaddr_in6 sin6;

	if (ss->ss_family != AF_INET6)
		return false;
	memcpy(&sin6, ss, sizeof(sin6));
	return IN6_IS_ADDR_UNSPECIFIED(&sin6.sin6_addr);
}

static int open_listener(const struct sockaddr_storage *ss, socklen_t len)
{
	int fd, err, one = 1, zero = 0;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (is_v6_any(ss) && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) < 0) ||
	    bind(fd, (const struct sockaddr *)ss, len) < 0 || listen(fd, HTTP_LISTEN_BACKLOG) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* ":port" on a host without IPv6: the same port on 0.0.0.0. */
static int open_listener_v4_any(const struct http_addr *a)
{
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_storage ss = { .ss_family = AF_INET };

	memcpy(&sin6, &a->ss, sizeof(sin6));
	sin.sin_port = sin6.sin6_port;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	memcpy(&ss, &sin, sizeof(sin));
	log_info("IPv6 unavailable, listening on IPv4 only", "port=%u", ntohs(sin.sin_port));
	return open_listener(&ss, sizeof(sin));
}

int http_server_listen_addr(struct http_server *s, const struct http_addr *a)
{
	int fd;

	if (!s->mem)
		return -EINVAL;
	if (s->nlisteners == HTTP_MAX_LISTENERS)
		return -ENOSPC;
	fd = open_listener(&a->ss, a->len);
	if (a->any && (fd == -EAFNOSUPPORT || fd == -EADDRNOTAVAIL))
		fd = open_listener_v4_any(a);
	if (fd < 0)
		return fd;
	s->listen_fds[s->nlisteners] = fd;
	return (int)s->nlisteners++;
}

int http_server_listen(struct http_server *s, const char *addr)
{
	struct http_addr a;
	int r = http_addr_parse(addr, &a);

	return r < 0 ? r : http_server_listen_addr(s, &a);
}

int http_server_port(const struct http_server *s, int listener)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (listener < 0 || (size_t)listener >= s->nlisteners)
		return -EINVAL;
	if (getsockname(s->listen_fds[listener], (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	if (ss.ss_family == AF_INET) {
		memcpy(&sin, &ss, sizeof(sin));
		return ntohs(sin.sin_port);
	}
	memcpy(&sin6, &ss, sizeof(sin6));
	return ntohs(sin6.sin6_port);
}

/* All slots busy: a short 503 if the socket takes it at once, then close. */
static void refuse(struct http_server *s, int fd)
{
	char buf[HTTP_HEAD_BUF_SIZE];
	int n = http_format_simple(s, HTTP_S_SERVICE_UNAVAILABLE, true, false, buf, sizeof(buf));

	if (n > 0 && send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("503 not sent", "err=%d", -errno);
	close(fd);
	s->stats.refused++;
}

static struct http_slot *vacant_slot(struct http_server *s)
{
	if (s->nactive == s->cfg.slots)
		return NULL;
	for (size_t i = 0; i < s->cfg.slots; i++)
		if (s->slots[i].state == HTTP_SLOT_VACANT)
			return &s->slots[i];
	return NULL;
}

/* Whether to go on accepting after accept4() failed with err. */
static bool accept_failed(struct http_server *s, int err, int64_t now)
{
	if (err == EINTR || err == ECONNABORTED)
		return true;
	if (err == EAGAIN || err == EWOULDBLOCK)
		return false;
	/* out of fds or memory: the listener stays readable, so pause instead of spinning */
	log_warn("accept failed, pausing", "err=%d pause_ms=%d", -err, HTTP_ACCEPT_BACKOFF_MS);
	s->accept_resume_ms = now + HTTP_ACCEPT_BACKOFF_MS;
	return false;
}

static void accept_ready(struct http_server *s, int lfd, int64_t now)
{
	for (int k = 0; k < HTTP_ACCEPT_BATCH && now >= s->accept_resume_ms; k++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), one = 1;
		struct http_slot *c;

		if (fd < 0) {
			if (!accept_failed(s, errno, now))
				return;
			continue;
		}
		s->stats.accepted++;
		c = vacant_slot(s);
		if (!c) {
			refuse(s, fd);
			continue;
		}
		/* responses go out whole; do not hold their tail back for an ACK */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		http_slot_open(s, c, fd, now);
	}
}

static int poll_timeout(const struct http_server *s, int64_t now, int max_wait_ms)
{
	int64_t t = max_wait_ms < 0 ? INT64_MAX : max_wait_ms;

	if (now < s->accept_resume_ms && s->accept_resume_ms - now < t)
		t = s->accept_resume_ms - now;
	for (size_t i = 0; i < s->cfg.slots; i++) {
		const struct http_slot *c = &s->slots[i];

		if (c->state != HTTP_SLOT_VACANT && c->deadline_ms - now < t)
			t = c->deadline_ms - now;
	}
	if (t == INT64_MAX)
		return -1;
	return t < 0 ? 0 : t > INT_MAX ? INT_MAX : (int)t;
}

int http_server_run_once(struct http_server *s, int max_wait_ms)
{
	struct pollfd *lp = s->pfds, *sp = s->pfds + HTTP_MAX_LISTENERS;
	int64_t now = http_now_ms();
	short accept_events = now >= s->accept_resume_ms ? POLLIN : 0;
	int ready;

	if (!s->mem)
		return -EINVAL;
	for (size_t i = 0; i < HTTP_MAX_LISTENERS; i++)
		lp[i] = (struct pollfd){ .fd = s->listen_fds[i], .events = accept_events };
	for (size_t i = 0; i < s->cfg.slots; i++)
		sp[i] = (struct pollfd){ .fd = s->slots[i].fd,
			                 .events = http_slot_events(&s->slots[i]) };
	ready = poll(s->pfds, HTTP_MAX_LISTENERS + s->cfg.slots, poll_timeout(s, now, max_wait_ms));
	if (ready < 0)
		return -errno;
	now = http_now_ms();
	for (size_t i = 0; i < s->cfg.slots; i++)
		if (sp[i].revents)
			http_slot_on_ready(s, &s->slots[i], sp[i].revents, now);
	for (size_t i = 0; i < s->nlisteners; i++)
		if (lp[i].revents & POLLIN)
			accept_ready(s, s->listen_fds[i], now);
	for (size_t i = 0; i < s->cfg.slots; i++)
		http_slot_expire(s, &s->slots[i], now);
	return ready;
}
