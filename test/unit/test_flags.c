/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

/* Parses "ebpf_exporter" followed by the NULL-terminated arguments. */
static int parse_args(struct cli_config *c, char *err, size_t errlen, ...)
{
	char *argv[32] = { (char *)"ebpf_exporter" };
	int argc = 1;
	va_list ap;

	va_start(ap, errlen);
	for (char *a; argc < 31 && (a = va_arg(ap, char *)) != NULL;)
		argv[argc++] = a;
	va_end(ap);
	return cli_parse(argc, argv, c, err, errlen);
}

#define PARSE(cfg, err, ...) parse_args((cfg), (err), sizeof(err), __VA_ARGS__, (char *)NULL)

static void test_defaults_match_the_go_exporter(void **state)
{
	struct cli_config c;
	char err[256] = "";
	char *argv[] = { (char *)"ebpf_exporter" };

	(void)state;
	assert_int_equal(cli_parse(1, argv, &c, err, sizeof(err)), 0);
	assert_int_equal(c.nlisten, 1);
	assert_string_equal(c.listen_addrs[0], ":11000");
	assert_string_equal(c.metrics_path, "/metrics");
	assert_int_equal(c.log_level, LOG_INFO);
	assert_false(c.sd_notify);
	assert_int_equal(c.count_mode, COLLECTOR_COUNT_AUTO);
	assert_int_equal(c.backend, COLLECTOR_BACKEND_AUTO);
	assert_int_equal(c.stats_mode, COLLECTOR_PROG_STATS_DISABLED);
	for (unsigned i = 0; i < collector_count; i++)
		assert_int_equal(c.collectors[i], collector_table[i]->default_on);
}

static void test_every_flag_in_every_spelling(void **state)
{
	struct cli_config c;
	char err[256] = "";

	(void)state;
	assert_int_equal(PARSE(&c, err, "-listen-addr", "127.0.0.1:1", "--listen-addr=[::1]:2",
			       "--web.listen-address", ":3", "-metrics-path=/m", "--log-level",
			       "DEBUG", "-sd-notify", "--map-count-entries", "--prog-stats-mode",
			       "sample", "--prog-stats-sample-interval=1m30s",
			       "-prog-stats-sample-duration", "500ms", "--no-collector.btf",
			       "--collector.link=false", "-collector.map=0", "--backend=syscall"),
			 0);
	assert_int_equal(c.nlisten, 3);
	assert_string_equal(c.listen_addrs[0], "127.0.0.1:1");
	assert_string_equal(c.listen_addrs[1], "[::1]:2");
	assert_string_equal(c.listen_addrs[2], ":3");
	assert_string_equal(c.metrics_path, "/m");
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_true(c.sd_notify);
	assert_int_equal(c.count_mode, COLLECTOR_COUNT_ON);
	assert_int_equal(c.stats_mode, COLLECTOR_PROG_STATS_SAMPLE);
	assert_int_equal(c.stats_interval_ns, 90000000000ull);
	assert_int_equal(c.stats_duration_ns, 500000000ull);
	assert_false(c.collectors[collector_find("btf")]);
	assert_false(c.collectors[collector_find("link")]);
	assert_false(c.collectors[collector_find("map")]);
	assert_true(c.collectors[collector_find("prog")]);
	assert_int_equal(c.backend, COLLECTOR_BACKEND_SYSCALL);
}

static void test_node_exporter_aliases_and_bool_false(void **state)
{
	struct cli_config c;
	char err[256] = "";

	(void)state;
	assert_int_equal(PARSE(&c, err, "--web.telemetry-path=/x", "--log.level=warn",
			       "--sd-notify=false", "--map-count-entries=F", "-h"),
			 0);
	assert_string_equal(c.metrics_path, "/x");
	assert_int_equal(c.log_level, LOG_WARN);
	assert_false(c.sd_notify);
	assert_int_equal(c.count_mode, COLLECTOR_COUNT_OFF);
	assert_true(c.help);
}

struct bad_case {
	const char *argv[4];
	const char *message;
};

static const struct bad_case bad_cases[] = {
	{ { "--listen-addr", "x" }, "invalid value \"x\" for flag -listen-addr" },
	{ { "--listen-addr=:0" }, "invalid value \":0\" for flag -listen-addr" },
	{ { "--listen-addr=localhost" }, "invalid value \"localhost\" for flag -listen-addr" },
	{ { "--metrics-path=metrics" }, "invalid value \"metrics\" for flag -metrics-path" },
	{ { "--metrics-path=/a\"b" }, "invalid value \"/a\"b\" for flag -metrics-path" },
	{ { "--metrics-path=/a?b" }, "invalid value \"/a?b\" for flag -metrics-path" },
	{ { "--log-level=loud" }, "invalid value \"loud\" for flag -log-level" },
	{ { "--log-level=" }, "invalid value \"\" for flag -log-level" },
	{ { "--prog-stats-mode=on" }, "invalid value \"on\" for flag -prog-stats-mode" },
	{ { "--prog-stats-sample-interval=-1s" },
	  "invalid value \"-1s\" for flag -prog-stats-sample-interval" },
	{ { "--prog-stats-sample-interval=10" },
	  "invalid value \"10\" for flag -prog-stats-sample-interval" },
	{ { "--prog-stats-sample-duration=1d" },
	  "invalid value \"1d\" for flag -prog-stats-sample-duration" },
	{ { "--prog-stats-mode=sample" },
	  "--prog-stats-mode=sample needs --prog-stats-sample-interval > 0" },
	{ { "--prog-stats-mode=sample", "--prog-stats-sample-interval=1s" },
	  "--prog-stats-mode=sample needs --prog-stats-sample-duration > 0" },
	{ { "--prog-stats-mode=sample", "--prog-stats-sample-interval=1s",
	    "--prog-stats-sample-duration=2s" },
	  "--prog-stats-sample-duration must be shorter than --prog-stats-sample-interval" },
	{ { "--sd-notify=yes" }, "invalid value \"yes\" for flag -sd-notify" },
	{ { "--map-count-entries=2" }, "invalid value \"2\" for flag -map-count-entries" },
	{ { "--backend=bpftool" }, "invalid value \"bpftool\" for flag -backend" },
	{ { "--backend" }, "flag needs an argument: -backend" },
	{ { "--collector.prog=maybe" }, "invalid value \"maybe\" for flag -collector.prog: want true or false" },
	{ { "--no-collector.prog=false" }, "invalid value \"false\" for flag -no-collector.prog: want true or false" },
	{ { "--collector.bogus" }, "unknown flag -collector.bogus (see --help)" },
	{ { "--bogus" }, "unknown flag -bogus (see --help)" },
	{ { "-" }, "unexpected argument \"-\" (flags start with -)" },
	{ { "extra" }, "unexpected argument \"extra\" (flags start with -)" },
	{ { "--", "extra" }, "unexpected argument \"extra\"" },
	{ { "--metrics-path" }, "flag needs an argument: -metrics-path" },
	{ { "--listen-addr=:1", "--listen-addr=:2", "--listen-addr=:3", "--listen-addr=:4" }, NULL },
};

static void test_every_bad_value_is_rejected_with_its_message(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		char *argv[6] = { (char *)"ebpf_exporter" };
		struct cli_config c;
		char err[256] = "";
		int argc = 1;

		for (int k = 0; k < 4 && b->argv[k]; k++)
			argv[argc++] = (char *)b->argv[k];
		int rc = cli_parse(argc, argv, &c, err, sizeof(err));
		if (!b->message) {
			assert_int_equal(rc, 0);
			continue;
		}
		if (rc != -EINVAL || strncmp(err, b->message, strlen(b->message)) != 0)
			fail_msg("case %zu: rc=%d err=\"%s\" want \"%s\"", i, rc, err, b->message);
	}
}

static void test_too_many_listen_addresses(void **state)
{
	struct cli_config c;
	char err[256] = "";

	(void)state;
	assert_int_equal(PARSE(&c, err, "--listen-addr=:1", "--listen-addr=:2", "--listen-addr=:3",
			       "--listen-addr=:4", "--listen-addr=:5", "--listen-addr=:6",
			       "--listen-addr=:7", "--listen-addr=:8", "--listen-addr=:9"),
			 -EINVAL);
	assert_string_equal(err, "too many -listen-addr flags (at most 8)");
}

static void test_go_durations(void **state)
{
	static const struct {
		const char *s;
		int rc;
		uint64_t ns;
	} cases[] = {
		{ "0", 0, 0 },
		{ "1ns", 0, 1 },
		{ "1us", 0, 1000 },
		{ "1\xc2\xb5s", 0, 1000 },
		{ "500ms", 0, 500000000ull },
		{ "5s", 0, 5000000000ull },
		{ "1m30s", 0, 90000000000ull },
		{ "1.5h", 0, 5400000000000ull },
		{ ".5s", 0, 500000000ull },
		{ "1h2m3s4ms", 0, 3723004000000ull },
		{ "+2s", 0, 2000000000ull },
		{ "-0s", 0, 0 },
		{ "", -EINVAL, 0 },
		{ "s", -EINVAL, 0 },
		{ "5", -EINVAL, 0 },
		{ "5 s", -EINVAL, 0 },
		{ "5sec", -EINVAL, 0 },
		{ "1.s.", -EINVAL, 0 },
		{ "-1s", -ERANGE, 0 },
		{ "3000000h", -ERANGE, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t ns = 777;
		int rc = cli_parse_duration(cases[i].s, &ns);

		if (rc != cases[i].rc || (rc == 0 && ns != cases[i].ns))
			fail_msg("\"%s\": rc=%d ns=%llu", cases[i].s, rc, (unsigned long long)ns);
		if (rc < 0 && ns != 777)
			fail_msg("\"%s\": out-param written on failure", cases[i].s);
	}
}

static void test_go_bools(void **state)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };
	static const char *const bad[] = { "", "yes", "no", "tRuE", "2", "on", " true" };
	bool v;

	(void)state;
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(cli_parse_bool(yes[i], &v), 0);
		assert_true(v);
		assert_int_equal(cli_parse_bool(no[i], &v), 0);
		assert_false(v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cli_parse_bool(bad[i], &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_match_the_go_exporter),
		cmocka_unit_test(test_every_flag_in_every_spelling),
		cmocka_unit_test(test_node_exporter_aliases_and_bool_false),
		cmocka_unit_test(test_every_bad_value_is_rejected_with_its_message),
		cmocka_unit_test(test_too_many_listen_addresses),
		cmocka_unit_test(test_go_durations),
		cmocka_unit_test(test_go_bools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
