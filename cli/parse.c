/* SPDX-License-Identifier: MIT */
/* Value parsers with Go's exact syntax, so flags written for the Go exporter keep working. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cli.h"

int cli_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

struct duration_unit {
	const char *name;
	uint64_t ns;
};

static const struct duration_unit units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\xc2\xb5s", 1000 }, /* U+00B5 micro sign */
	{ "\xce\xbcs", 1000 }, /* U+03BC greek mu */
	{ "ms", 1000000 },
	{ "s", 1000000000ull },
	{ "m", 60ull * 1000000000ull },
	{ "h", 3600ull * 1000000000ull },
};

static const struct duration_unit *match_unit(const char **p)
{
	const char *start = *p;
	size_t n = 0;

	while (start[n] && !(start[n] >= '0' && start[n] <= '9') && start[n] != '.')
		n++;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].name) == n && memcmp(units[i].name, start, n) == 0) {
			*p = start + n;
			return &units[i];
		}
	}
	return NULL;
}

/* One "<number><unit>" element, added to *total. */
static int parse_element(const char **p, long double *total)
{
	const char *s = *p;
	long double whole = 0, frac = 0, scale = 1;
	bool digits = false;

	for (; *s >= '0' && *s <= '9'; s++, digits = true)
		whole = whole * 10 + (*s - '0');
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits = true) {
			scale /= 10;
			frac += (*s - '0') * scale;
		}
	}
	if (!digits)
		return -EINVAL;
	const struct duration_unit *u = match_unit(&s);
	if (!u)
		return -EINVAL;
	*total += (whole + frac) * (long double)u->ns;
	*p = s;
	return 0;
}

int cli_parse_duration(const char *s, uint64_t *ns)
{
	long double total = 0;
	bool negative = false;

	if (*s == '-' || *s == '+')
		negative = *s++ == '-';
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	if (!*s)
		return -EINVAL;
	while (*s) {
		int err = parse_element(&s, &total);
		if (err < 0)
			return err;
	}
	if (negative && total > 0)
		return -ERANGE;
	if (total > (long double)INT64_MAX)
		return -ERANGE;
	*ns = (uint64_t)(total + 0.5L);
	return 0;
}
