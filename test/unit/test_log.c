/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

/* Captures what the logger writes through a pipe; returns the bytes read. */
static size_t capture(char *buf, size_t cap, void (*emit)(void))
{
	int p[2];
	ssize_t n;

	assert_int_equal(pipe(p), 0);
	log_set_fd(p[1]);
	emit();
	log_set_fd(-1);
	close(p[1]);
	n = read(p[0], buf, cap - 1);
	close(p[0]);
	assert_true(n >= 0);
	buf[n] = '\0';
	return (size_t)n;
}

static void emit_info_with_pairs(void)
{
	log_set_level(LOG_INFO);
	log_info("scrape \"done\"\nnext", "collector=%s objects=%d", "map", 3);
	log_debug("hidden", "");
}

static void test_line_is_logfmt_with_escaped_msg(void **state)
{
	char buf[2048];

	(void)state;
	capture(buf, sizeof(buf), emit_info_with_pairs);
	/* ts=YYYY-MM-DDTHH:MM:SS.mmmZ is 28 bytes; compare the rest whole */
	assert_true(strlen(buf) > 28);
	assert_memory_equal(buf, "ts=", 3);
	assert_int_equal(buf[26], 'Z');
	assert_string_equal(buf + 27,
			    " level=info msg=\"scrape \\\"done\\\"\\nnext\" collector=map objects=3\n");
}

static void emit_long(void)
{
	char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_error(big, "k=%s", big);
}

static void test_long_lines_are_cut_at_log_line_max(void **state)
{
	char buf[4096];
	size_t n;

	(void)state;
	n = capture(buf, sizeof(buf), emit_long);
	assert_true(n <= LOG_LINE_MAX);
	assert_int_equal(buf[n - 1], '\n');
	assert_null(memchr(buf, '\n', n - 1));
}

static void test_level_names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < LOG_LEVEL_COUNT; i++)
		assert_int_equal(log_level_parse(log_level_name((enum log_level)i)), i);
	assert_int_equal(log_level_parse("trace"), -EINVAL);
	assert_string_equal(log_level_name(LOG_LEVEL_COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_is_logfmt_with_escaped_msg),
		cmocka_unit_test(test_long_lines_are_cut_at_log_line_max),
		cmocka_unit_test(test_level_names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
