/* SPDX-License-Identifier: MIT */
/* http_addr_parse(): every accepted form gives the exact address, everything else -EINVAL
 * with the output untouched; http_addr_format() round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

static void test_addr_parse_valid_forms_give_exact_address(void **state)
{
	static const struct {
		const char *in;
		int family;
		bool any;
		const char *formatted;
	} cases[] = {
		{ ":9435", AF_INET6, true, "[::]:9435" },
		{ ":1", AF_INET6, true, "[::]:1" },
		{ ":65535", AF_INET6, true, "[::]:65535" },
		{ "127.0.0.1:9435", AF_INET, false, "127.0.0.1:9435" },
		{ "0.0.0.0:80", AF_INET, false, "0.0.0.0:80" },
		{ "255.255.255.255:8080", AF_INET, false, "255.255.255.255:8080" },
		{ "10.1.2.3:1", AF_INET, false, "10.1.2.3:1" },
		{ "localhost:65535", AF_INET, false, "127.0.0.1:65535" },
		{ "[::1]:80", AF_INET6, false, "[::1]:80" },
		{ "[::]:9435", AF_INET6, false, "[::]:9435" },
		{ "[fe80::1]:9435", AF_INET6, false, "[fe80::1]:9435" },
		{ "[2001:db8:0:0:0:0:0:1]:443", AF_INET6, false, "[2001:db8::1]:443" },
		{ "[::ffff:127.0.0.1]:80", AF_INET6, false, "[::ffff:127.0.0.1]:80" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_addr a;
		char buf[64];

		if (http_addr_parse(cases[i].in, &a) != 0)
			fail_msg("rejected %s", cases[i].in);
		assert_int_equal(a.ss.ss_family, cases[i].family);
		assert_int_equal(a.len, cases[i].family == AF_INET ? sizeof(struct sockaddr_in)
								    : sizeof(struct sockaddr_in6));
		assert_int_equal(a.any, cases[i].any);
		assert_int_equal(http_addr_format(&a.ss, buf, sizeof(buf)),
				 (int)strlen(cases[i].formatted));
		assert_string_equal(buf, cases[i].formatted);
	}
}

static void test_addr_parse_invalid_forms_return_einval_and_write_nothing(void **state)
{
	static const char *const bad[] = {
		"", ":", ":0", ":00", ":080", ":65536", ":99999", ":123456", ":-1", ":+80",
		": 80", ":80 ", " :80", ":0x50", ":8o", "9435", "127.0.0.1", "127.0.0.1:",
		"127.0.0.1:abc", "127.0.0.1:0", "127.0.0.1:80:90", "256.0.0.1:80", "1.2.3:80",
		"1.2.3.4.5:80", "01.2.3.4:80", "1.2.3.4 :80", "localhost", "localhost:",
		"LOCALHOST:80", "localhost.:80", "example.com:80", "*:80", "[::1]", "[::1]:",
		"[::1]80", "[::1]:0", "[::1]:65536", "::1:80", "[::1:80", "::1]:80", "[]:80",
		"[fe80::1%eth0]:80", "[127.0.0.1]:80", "[::g]:80", "[::1]]:80", "[[::1]:80",
		"[::1]:80x", "1.2.3.4:80\n", "[0000:0000:0000:0000:0000:0000:0000:0000:0]:80",
		"[0000:0000:0000:0000:0000:0000:0000:0000:0000:0000]:80", "1111111111111111.1.1.1:80",
	};
	struct http_addr a, before;

	(void)state;
	memset(&before, 0xa5, sizeof(before));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = before;
		if (http_addr_parse(bad[i], &a) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_memory_equal(&a, &before, sizeof(a));
	}
	assert_int_equal(http_addr_parse(NULL, &a), -EINVAL);
	assert_int_equal(http_addr_parse(":80", NULL), -EINVAL);
}

static void test_addr_parse_ports_are_network_order(void **state)
{
	struct http_addr a;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	(void)state;
	assert_int_equal(http_addr_parse("127.0.0.1:258", &a), 0);
	memcpy(&sin, &a.ss, sizeof(sin));
	assert_int_equal(sin.sin_port, htons(258));
	assert_int_equal(sin.sin_addr.s_addr, htonl(0x7f000001));
	assert_int_equal(http_addr_parse(":258", &a), 0);
	memcpy(&sin6, &a.ss, sizeof(sin6));
	assert_int_equal(sin6.sin6_port, htons(258));
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&sin6.sin6_addr));
}

static void test_addr_format_reports_short_buffer_and_unknown_family(void **state)
{
	struct http_addr a;
	struct sockaddr_storage un = { .ss_family = AF_UNIX };
	char buf[64];

	(void)state;
	assert_int_equal(http_addr_parse("127.0.0.1:9435", &a), 0);
	assert_int_equal(http_addr_format(&a.ss, buf, 14), -ENOSPC);
	assert_int_equal(http_addr_format(&a.ss, buf, 15), 14);
	assert_int_equal(http_addr_format(&un, buf, sizeof(buf)), -EAFNOSUPPORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_parse_valid_forms_give_exact_address),
		cmocka_unit_test(test_addr_parse_invalid_forms_return_einval_and_write_nothing),
		cmocka_unit_test(test_addr_parse_ports_are_network_order),
		cmocka_unit_test(test_addr_format_reports_short_buffer_and_unknown_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
