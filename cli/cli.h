/* SPDX-License-Identifier: MIT */
/* Command line: Go-flag syntax (-flag, --flag, --flag=v, --flag v; booleans as --flag or
 * --flag=false) plus the kingpin-style aliases of node_exporter (--web.listen-address, ...),
 * and --collector.<name>[=bool] / --no-collector.<name> generated from the collector table. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector.h"
#include "log.h"

#define CLI_MAX_LISTEN     8
#define CLI_MAX_COLLECTORS 32
#define CLI_DEFAULT_LISTEN ":11000"

struct cli_config {
	const char *listen_addrs[CLI_MAX_LISTEN]; /* point into argv or static defaults */
	unsigned nlisten;
	const char *metrics_path;
	enum log_level log_level;
	bool sd_notify;
	bool help;
	bool version;
	enum collector_prog_stats_mode stats_mode;
	uint64_t stats_interval_ns;
	uint64_t stats_duration_ns;
	enum collector_count_mode count_mode; /* auto unless --map-count-entries is given */
	enum collector_backend backend;
	bool collectors[CLI_MAX_COLLECTORS]; /* index-aligned with collector_table */
};

/* Fills cfg from argv (defaults first). Returns 0, or -EINVAL with one line in err
 * (no trailing newline) naming the flag and the value. */
int cli_parse(int argc, char *const argv[], struct cli_config *cfg, char *err, size_t errlen);

/* Go time.ParseDuration syntax ("500ms", "1m30s", "1.5h"); returns 0 or -EINVAL/-ERANGE. */
int cli_parse_duration(const char *s, uint64_t *ns);

/* Go strconv.ParseBool; returns 0 or -EINVAL. */
int cli_parse_bool(const char *s, bool *out);

/* Writes the --help text to fd. */
void cli_usage(int fd, const char *prog);

#endif
