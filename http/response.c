/* SPDX-License-Identifier: MIT */
/* Response heads: status line, Date, [Allow], [Content-Type], Content-Length, Connection. */
#include "slot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SIMPLE_TYPE "text/plain; charset=utf-8"

/* everything but the content type takes < 200 bytes: status line, Date, Allow, lengths */
_Static_assert(HTTP_HEAD_BUF_SIZE >= 200 + HTTP_MAX_CONTENT_TYPE,
               "HTTP_HEAD_BUF_SIZE must hold the longest response head");

static int64_t wall_seconds(const struct http_server *s)
{
	struct timespec ts;

	if (s->cfg.wall_clock)
		return s->cfg.wall_clock();
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

/* IMF-fixdate of RFC 9110 5.6.7, without the locale. */
static void format_date(int64_t t, char *out, size_t cap)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm)) {
		tt = 0;
		gmtime_r(&tt, &tm);
	}
	snprintf(out, cap, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
	         months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int http_format_head(const struct http_server *s, int status, const char *content_type,
                     size_t body_len, bool close, char *out, size_t cap)
{
	const char *reason = http_status_reason(status);
	char date[64];
	int n;

	if (!reason)
		return -EINVAL;
	format_date(wall_seconds(s), date, sizeof(date));
	n = snprintf(out, cap,
	             "HTTP/1.1 %d %s\r\nDate: %s\r\n%s%s%s%sContent-Length: %zu\r\n"
	             "Connection: %s\r\n\r\n",
	             status, reason, date,
	             status == HTTP_S_METHOD_NOT_ALLOWED ? "Allow: GET, HEAD\r\n" : "",
	             content_type ? "Content-Type: " : "", content_type ? content_type : "",
	             content_type ? "\r\n" : "", body_len, close ? "close" : "keep-alive");
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	return n;
}

int http_format_simple(const struct http_server *s, int status, bool close, bool head_only,
                       char *out, size_t cap)
{
	const char *reason = http_status_reason(status);
	size_t body_len;
	int n, m;

	if (!reason)
		return -EINVAL;
	body_len = strlen(reason) + 1;
	n = http_format_head(s, status, SIMPLE_TYPE, body_len, close, out, cap);
	if (n < 0 || head_only)
		return n;
	m = snprintf(out + n, cap - (size_t)n, "%s\n", reason);
	if (m < 0 || (size_t)m >= cap - (size_t)n)
		return -ENOSPC;
	return n + m;
}
