/* SPDX-License-Identifier: MIT */
/* The flag table and the argv walk. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "http.h"

enum flag_kind {
	FLAG_BOOL,
	FLAG_VALUE
};

struct flag {
	const char *name;
	const char *alias; /* node_exporter spelling, or NULL */
	enum flag_kind kind;
	const char *arg; /* placeholder in --help */
	const char *help;
	int (*set)(struct cli_config *c, const char *v);
};

static const char *const stats_modes[] = {
	[COLLECTOR_PROG_STATS_DISABLED] = "disabled",
	[COLLECTOR_PROG_STATS_SAMPLE] = "sample",
	[COLLECTOR_PROG_STATS_ENABLED] = "enabled",
};
_Static_assert(sizeof(stats_modes) / sizeof(stats_modes[0]) == COLLECTOR_PROG_STATS_MODE_COUNT,
               "one name per stats mode");

static int set_listen(struct cli_config *c, const char *v)
{
	struct http_addr a;

	if (http_addr_parse(v, &a) < 0)
		return -EINVAL;
	if (c->nlisten == CLI_MAX_LISTEN)
		return -E2BIG;
	c->listen_addrs[c->nlisten++] = v;
	return 0;
}

static int set_metrics_path(struct cli_config *c, const char *v)
{
	if (v[0] != '/')
		return -EINVAL;
	/* RFC 3986 path characters only: it also lands in the landing page's href */
	if (v[strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	                "-._~!$&'()*+,;=:@/%")] != '\0')
		return -EINVAL;
	c->metrics_path = v;
	return 0;
}

static int set_log_level(struct cli_config *c, const char *v)
{
	char lower[8];
	size_t n = strlen(v);

	if (n >= sizeof(lower))
		return -EINVAL;
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
	int level = log_level_parse(lower);
	if (level < 0)
		return level;
	c->log_level = (enum log_level)level;
	return 0;
}

static int set_bool(bool *dst, const char *v)
{
	return cli_parse_bool(v, dst);
}

static int set_sd_notify(struct cli_config *c, const char *v)
{
	return set_bool(&c->sd_notify, v);
}
static int set_help(struct cli_config *c, const char *v)
{
	return set_bool(&c->help, v);
}
static int set_version(struct cli_config *c, const char *v)
{
	return set_bool(&c->version, v);
}
static int set_count(struct cli_config *c, const char *v)
{
	bool on;
	int err = cli_parse_bool(v, &on);

	if (err < 0)
		return err;
	c->count_mode = on ? COLLECTOR_COUNT_ON : COLLECTOR_COUNT_OFF;
	return 0;
}

static int set_backend(struct cli_config *c, const char *v)
{
	int b = collector_backend_parse(v);

	if (b < 0)
		return b;
	c->backend = (enum collector_backend)b;
	return 0;
}

static int set_stats_mode(struct cli_config *c, const char *v)
{
	for (int i = 0; i < COLLECTOR_PROG_STATS_MODE_COUNT; i++) {
		if (strcmp(v, stats_modes[i]) == 0) {
			c->stats_mode = (enum collector_prog_stats_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int set_interval(struct cli_config *c, const char *v)
{
	return cli_parse_duration(v, &c->stats_interval_ns);
}

static int set_duration(struct cli_config *c, const char *v)
{
	return cli_parse_duration(v, &c->stats_duration_ns);
}

static const struct flag flags[] = {
	{ "listen-addr", "web.listen-address", FLAG_VALUE, "ADDR",
	  "address to listen on: :port, host:port or [v6]:port; repeatable (default :11000)",
	  set_listen },
	{ "metrics-path", "web.telemetry-path", FLAG_VALUE, "PATH",
	  "HTTP path of the metrics (default /metrics)", set_metrics_path },
	{ "log-level", "log.level", FLAG_VALUE, "LEVEL",
	  "debug, info, warn or error (default info)", set_log_level },
	{ "sd-notify", NULL, FLAG_BOOL, NULL, "send READY=1/STOPPING=1 to $NOTIFY_SOCKET",
	  set_sd_notify },
	{ "prog-stats-mode", NULL, FLAG_VALUE, "MODE",
	  "program run-time stats (kernel 5.8+): disabled, sample or enabled (default disabled)",
	  set_stats_mode },
	{ "prog-stats-sample-interval", NULL, FLAG_VALUE, "DURATION",
	  "how often stats are switched on in sample mode (e.g. 30s)", set_interval },
	{ "prog-stats-sample-duration", NULL, FLAG_VALUE, "DURATION",
	  "how long stats stay on in sample mode (e.g. 5s)", set_duration },
	{ "map-count-entries", NULL, FLAG_BOOL, NULL,
	  "export ebpf_map_entries and ebpf_map_pressure (default: on when the kernel counts "
	  "entries itself, Linux 6.6+)",
	  set_count },
	{ "backend", NULL, FLAG_VALUE, "BACKEND",
	  "how objects are read: auto, iterator+kfunc, iterator or syscall (default auto)",
	  set_backend },
	{ "help", "h", FLAG_BOOL, NULL, "show this help and exit", set_help },
	{ "version", NULL, FLAG_BOOL, NULL, "show the version and exit", set_version },
};

static const struct flag *find_flag(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		const struct flag *f = &flags[i];

		if ((strlen(f->name) == n && memcmp(f->name, name, n) == 0) ||
		    (f->alias && strlen(f->alias) == n && memcmp(f->alias, name, n) == 0))
			return f;
	}
	return NULL;
}

/* --collector.<name>[=bool] and --no-collector.<name>; returns 1 if not such a flag. */
static int collector_flag(struct cli_config *c, const char *name, size_t n, const char *v)
{
	static const char on[] = "collector.", off[] = "no-collector.";
	bool enable = true;
	char cname[64];
	int idx;

	if (n > sizeof(off) - 1 && memcmp(name, off, sizeof(off) - 1) == 0) {
		name += sizeof(off) - 1, n -= sizeof(off) - 1;
		if (v)
			return -EINVAL; /* --no-collector.x takes no value */
		enable = false;
	} else if (n > sizeof(on) - 1 && memcmp(name, on, sizeof(on) - 1) == 0) {
		name += sizeof(on) - 1, n -= sizeof(on) - 1;
		if (v && cli_parse_bool(v, &enable) < 0)
			return -EINVAL;
	} else {
		return 1;
	}
	if (n >= sizeof(cname))
		return 1;
	memcpy(cname, name, n);
	cname[n] = '\0';
	idx = collector_find(cname);
	if (idx < 0)
		return 1;
	c->collectors[idx] = enable;
	return 0;
}

static void defaults(struct cli_config *c)
{
	memset(c, 0, sizeof(*c));
	c->metrics_path = "/metrics";
	c->log_level = LOG_INFO;
	c->stats_mode = COLLECTOR_PROG_STATS_DISABLED;
	c->count_mode = COLLECTOR_COUNT_AUTO;
	c->backend = COLLECTOR_BACKEND_AUTO;
	for (unsigned i = 0; i < collector_count && i < CLI_MAX_COLLECTORS; i++)
		c->collectors[i] = collector_table[i]->default_on;
}

static int validate(struct cli_config *c, char *err, size_t errlen)
{
	if (c->nlisten == 0)
		c->listen_addrs[c->nlisten++] = CLI_DEFAULT_LISTEN;
	if (c->stats_mode != COLLECTOR_PROG_STATS_SAMPLE)
		return 0;
	if (c->stats_interval_ns == 0) {
		snprintf(err, errlen,
		         "--prog-stats-mode=sample needs --prog-stats-sample-interval > 0");
		return -EINVAL;
	}
	if (c->stats_duration_ns == 0) {
		snprintf(err, errlen,
		         "--prog-stats-mode=sample needs --prog-stats-sample-duration > 0");
		return -EINVAL;
	}
	if (c->stats_duration_ns >= c->stats_interval_ns) {
		snprintf(err, errlen,
		         "--prog-stats-sample-duration must be shorter than "
		         "--prog-stats-sample-interval");
		return -EINVAL;
	}
	return 0;
}

/* One argument (and maybe the next one as its value); returns args consumed or -EINVAL. */
static int parse_one(struct cli_config *c, int argc, char *const argv[], int i, char *err,
                     size_t errlen)
{
	const char *arg = argv[i], *name, *eq, *v = NULL;
	size_t n;
	int used = 1, rc;

	if (arg[0] != '-' || arg[1] == '\0') {
		snprintf(err, errlen, "unexpected argument \"%s\" (flags start with -)", arg);
		return -EINVAL;
	}
	name = arg + (arg[1] == '-' ? 2 : 1);
	eq = strchr(name, '=');
	n = eq ? (size_t)(eq - name) : strlen(name);
	if (eq)
		v = eq + 1;
	const struct flag *f = find_flag(name, n);
	if (!f) {
		rc = collector_flag(c, name, n, v);
		if (rc == 0)
			return 1;
		if (rc < 0)
			snprintf(err, errlen,
			         "invalid value \"%s\" for flag -%.*s: want true or false",
			         v ? v : "", (int)n, name);
		else
			snprintf(err, errlen, "unknown flag -%.*s (see --help)", (int)n, name);
		return -EINVAL;
	}
	if (!v && f->kind == FLAG_BOOL)
		v = "true";
	if (!v) {
		if (i + 1 >= argc) {
			snprintf(err, errlen, "flag needs an argument: -%s", f->name);
			return -EINVAL;
		}
		v = argv[i + 1];
		used = 2;
	}
	rc = f->set(c, v);
	if (rc == -E2BIG) {
		snprintf(err, errlen, "too many -%s flags (at most %d)", f->name, CLI_MAX_LISTEN);
		return -EINVAL;
	}
	if (rc < 0) {
		snprintf(err, errlen, "invalid value \"%s\" for flag -%s%s%s", v, f->name,
		         f->arg ? ": want " : "", f->arg ? f->help : "");
		return -EINVAL;
	}
	return used;
}

int cli_parse(int argc, char *const argv[], struct cli_config *c, char *err, size_t errlen)
{
	defaults(c);
	for (int i = 1; i < argc;) {
		if (strcmp(argv[i], "--") == 0) {
			if (i + 1 < argc) {
				snprintf(err, errlen, "unexpected argument \"%s\"", argv[i + 1]);
				return -EINVAL;
			}
			break;
		}
		int used = parse_one(c, argc, argv, i, err, errlen);
		if (used < 0)
			return used;
		i += used;
	}
	return validate(c, err, errlen);
}

static void out(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return;
		s += w, n -= (size_t)w;
	}
}

void cli_usage(int fd, const char *prog)
{
	char line[512];

	snprintf(line, sizeof(line),
	         "Usage: %s [flags]\n\nPrometheus exporter for the BPF objects loaded in the "
	         "kernel.\n\nFlags (-flag, --flag, --flag=value, --flag value):\n",
	         prog);
	out(fd, line);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		const struct flag *f = &flags[i];

		snprintf(line, sizeof(line), "  --%s%s%s%s%s\n      %s\n", f->name,
		         f->arg ? " " : "", f->arg ? f->arg : "", f->alias ? ", --" : "",
		         f->alias ? f->alias : "", f->help);
		out(fd, line);
	}
	out(fd, "\nCollectors (--collector.<name>[=false], --no-collector.<name>):\n");
	for (unsigned i = 0; i < collector_count; i++) {
		snprintf(line, sizeof(line), "  %-8s %s (default %s)\n", collector_table[i]->name,
		         collector_table[i]->help, collector_table[i]->default_on ? "on" : "off");
		out(fd, line);
	}
}
