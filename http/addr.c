/* SPDX-License-Identifier: MIT */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* 1..65535, digits only, no sign, no leading zero; the whole rest of the string. */
static int parse_port(const char *s)
{
	size_t n = strlen(s);
	int v = 0;

	if (n == 0 || n > 5 || s[0] == '0')
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 65535 ? v : -EINVAL;
}

static int parse_v6(const char *s, struct http_addr *out)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	char host[INET6_ADDRSTRLEN];
	const char *close = strchr(s, ']');
	size_t n;
	int port;

	if (!close || close[1] != ':')
		return -EINVAL;
	n = (size_t)(close - s - 1);
	if (n == 0 || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, s + 1, n);
	host[n] = '\0';
	port = parse_port(close + 2);
	if (port < 0 || inet_pton(AF_INET6, host, &sin6.sin6_addr) != 1)
		return -EINVAL;
	sin6.sin6_port = htons((uint16_t)port);
	memcpy(&out->ss, &sin6, sizeof(sin6));
	out->len = sizeof(sin6);
	return 0;
}

static int parse_v4(const char *s, struct http_addr *out)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	char host[INET_ADDRSTRLEN];
	const char *colon = strchr(s, ':');
	size_t n;
	int port;

	if (!colon)
		return -EINVAL;
	port = parse_port(colon + 1);
	if (port < 0)
		return -EINVAL;
	n = (size_t)(colon - s);
	if (n == 0) {
		sin6.sin6_port = htons((uint16_t)port);
		memcpy(&out->ss, &sin6, sizeof(sin6));
		out->len = sizeof(sin6);
		out->any = true;
		return 0;
	}
	if (n == 9 && memcmp(s, "localhost", 9) == 0) {
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		if (n >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, n);
		host[n] = '\0';
		if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
			return -EINVAL;
	}
	sin.sin_port = htons((uint16_t)port);
	memcpy(&out->ss, &sin, sizeof(sin));
	out->len = sizeof(sin);
	return 0;
}

int http_addr_parse(const char *s, struct http_addr *a)
{
	struct http_addr out = { .len = 0 };
	int r;

	if (!s || !a)
		return -EINVAL;
	r = s[0] == '[' ? parse_v6(s, &out) : parse_v4(s, &out);
	if (r < 0)
		return r;
	*a = out;
	return 0;
}

int http_addr_format(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
	char host[INET6_ADDRSTRLEN];
	int n;

	if (ss->ss_family == AF_INET) {
		struct sockaddr_in sin;

		memcpy(&sin, ss, sizeof(sin));
		inet_ntop(AF_INET, &sin.sin_addr, host, sizeof(host));
		n = snprintf(buf, cap, "%s:%u", host, ntohs(sin.sin_port));
	} else if (ss->ss_family == AF_INET6) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, ss, sizeof(sin6));
		inet_ntop(AF_INET6, &sin6.sin6_addr, host, sizeof(host));
		n = snprintf(buf, cap, "[%s]:%u", host, ntohs(sin6.sin6_port));
	} else {
		return -EAFNOSUPPORT;
	}
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	return n;
}
