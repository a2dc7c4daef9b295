/* SPDX-License-Identifier: MIT */
/* logfmt lines on stderr: ts=<RFC3339 UTC ms> level=<level> msg="..." [key=value ...].
 * Safe on every path: writes at most LOG_LINE_MAX bytes with one write(2), never allocates. */
#ifndef LOG_LOG_H
#define LOG_LOG_H

enum log_level {
	LOG_DEBUG,
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR,
	LOG_LEVEL_COUNT
};

#define LOG_LINE_MAX 1024

/* Returns the level for "debug"|"info"|"warn"|"error", or -EINVAL. */
int log_level_parse(const char *s);
const char *log_level_name(enum log_level level);
void log_set_level(enum log_level level);
int log_enabled(enum log_level level);
/* Redirect output (tests); fd < 0 restores stderr. */
void log_set_fd(int fd);

/* fmt produces the rest of the line after msg: pass "" for none, else
 * logfmt pairs such as "collector=%s err=%d". msg is quoted and escaped. */
void log_msg(enum log_level level, const char *msg, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#define log_debug(msg, ...) log_msg(LOG_DEBUG, msg, __VA_ARGS__)
#define log_info(msg, ...)  log_msg(LOG_INFO, msg, __VA_ARGS__)
#define log_warn(msg, ...)  log_msg(LOG_WARN, msg, __VA_ARGS__)
#define log_error(msg, ...) log_msg(LOG_ERROR, msg, __VA_ARGS__)

#endif
