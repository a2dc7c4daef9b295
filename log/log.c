/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const level_names[] = {
	[LOG_DEBUG] = "debug",
	[LOG_INFO] = "info",
	[LOG_WARN] = "warn",
	[LOG_ERROR] = "error",
};
_Static_assert(sizeof(level_names) / sizeof(level_names[0]) == LOG_LEVEL_COUNT,
               "level_names must cover enum log_level");

static enum log_level min_level = LOG_INFO;
static int out_fd = STDERR_FILENO;

int log_level_parse(const char *s)
{
	for (int i = 0; i < LOG_LEVEL_COUNT; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -EINVAL;
}

const char *log_level_name(enum log_level level)
{
	return (unsigned)level < LOG_LEVEL_COUNT ? level_names[level] : "unknown";
}

void log_set_level(enum log_level level)
{
	min_level = level;
}

int log_enabled(enum log_level level)
{
	return level >= min_level;
}

void log_set_fd(int fd)
{
	out_fd = fd < 0 ? STDERR_FILENO : fd;
}

/* Appends s as a logfmt quoted value; stops (without overflow) when full. */
static size_t append_quoted(char *buf, size_t len, size_t cap, const char *s)
{
	if (len < cap)
		buf[len++] = '"';
	for (; *s && len + 2 < cap; s++) {
		if (*s == '"' || *s == '\\') {
			buf[len++] = '\\';
			buf[len++] = *s;
		} else if (*s == '\n') {
			buf[len++] = '\\';
			buf[len++] = 'n';
		} else {
			buf[len++] = *s;
		}
	}
	if (len < cap)
		buf[len++] = '"';
	return len;
}

void log_msg(enum log_level level, const char *msg, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	struct timespec ts;
	struct tm tm;
	size_t len;
	int n;

	if (!log_enabled(level))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
	             "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s msg=", tm.tm_year + 1900,
	             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	             ts.tv_nsec / 1000000, log_level_name(level));
	len = n > 0 ? (size_t)n : 0;
	len = append_quoted(line, len, sizeof(line) - 1, msg);
	if (fmt && fmt[0] && len + 2 < sizeof(line)) {
		va_list ap;

		line[len++] = ' ';
		va_start(ap, fmt);
		n = vsnprintf(line + len, sizeof(line) - 1 - len, fmt, ap);
		va_end(ap);
		if (n > 0)
			len += (size_t)n < sizeof(line) - 1 - len ? (size_t)n
			                                          : sizeof(line) - 2 - len;
	}
	line[len++] = '\n';
	ssize_t w = write(out_fd, line, len);
	(void)w;
}
