/* SPDX-License-Identifier: MIT */
/* ebpf_exporter: wires the command line, the collectors, the metric arena and the HTTP
 * server together. Everything is reserved here at start-up; the loop allocates nothing. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "collector.h"
#include "config.h"
#include "version.h"
#include "http.h"
#include "log.h"
#include "metrics.h"

#define ARENA_CAP ((size_t)EBPF_EXPORTER_ARENA_CAP_MIB << 20)

static volatile sig_atomic_t stop_signal;

static struct metrics_arena arena;
static struct metrics_body_pool bodies;
static struct http_server server;
static struct cli_config cfg;
static bool arena_ready, bodies_ready, collectors_ready, server_ready;

static const char landing_fmt[] =
        "<html>\n<head><title>eBPF Exporter</title></head>\n<body>\n"
        "<h1>eBPF Exporter</h1>\n<p><a href=\"%s\">Metrics</a></p>\n</body>\n</html>\n";
static char landing[512];
static size_t landing_len;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: poll() must return EINTR so the loop sees the stop request */
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

/* systemd's notify protocol: one datagram to $NOTIFY_SOCKET ("@" = abstract namespace). */
static void sd_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t n;
	int fd;

	if (!cfg.sd_notify || !path || !path[0])
		return;
	n = strlen(path);
	if (n >= sizeof(sun.sun_path)) {
		log_warn("NOTIFY_SOCKET path too long", "len=%zu", n);
		return;
	}
	memcpy(sun.sun_path, path, n);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sun,
	           (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0)
		log_warn("sd_notify failed", "state=%s err=\"%s\"", state, strerror(errno));
	close(fd);
}

static void release_body(void *arg)
{
	metrics_body_release(arg);
}

static int fail(struct http_response *resp, int status, const char *msg)
{
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	resp->body = msg;
	resp->body_len = strlen(msg);
	return 0;
}

static int serve_metrics(struct http_response *resp)
{
	struct metrics_body *b = metrics_body_acquire(&bodies);
	long n;
	int err;

	if (!b) {
		log_warn("scrape refused: every body buffer is still being sent", "");
		return fail(resp, 503, "Too many scrapes in flight.\n");
	}
	err = collectors_scrape(&arena);
	n = err < 0 ? err : metrics_render(&arena, b->data, b->cap);
	if (n < 0) {
		metrics_body_release(b);
		log_error("scrape failed: metric output exceeds the arena",
		          "cap_bytes=%zu err=\"%s\" hint=\"rebuild with a larger -Darena_cap_mib\"",
		          (size_t)ARENA_CAP, strerror((int)-n));
		return fail(resp, 500,
		            "Scrape failed: metric output exceeds the arena, see the log.\n");
	}
	b->len = (size_t)n;
	resp->status = 200;
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	resp->body = b->data;
	resp->body_len = b->len;
	resp->release = release_body;
	resp->release_arg = b;
	return 0;
}

static int handle(void *arg, const struct http_request *req, struct http_response *resp)
{
	(void)arg;
	if (req->path.len == strlen(cfg.metrics_path) &&
	    memcmp(req->path.p, cfg.metrics_path, req->path.len) == 0)
		return serve_metrics(resp);
	if (req->path.len == 1 && req->path.p[0] == '/') {
		resp->status = 200;
		resp->content_type = "text/html; charset=utf-8";
		resp->body = landing;
		resp->body_len = landing_len;
		return 0;
	}
	return fail(resp, 404, "Not Found\n");
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Sample mode: stats on for `duration` at the start of every `interval`. Returns the
 * milliseconds until the next switch. */
static int stats_tick(uint64_t *next_switch)
{
	uint64_t now = now_ms(), interval = cfg.stats_interval_ns / 1000000u,
	         duration = cfg.stats_duration_ns / 1000000u;

	if (cfg.stats_mode != COLLECTOR_PROG_STATS_SAMPLE)
		return -1;
	if (interval == 0)
		interval = 1;
	if (duration == 0)
		duration = 1;
	if (now >= *next_switch) {
		if (collector_prog_stats_active()) {
			collector_prog_stats_disable();
			*next_switch += interval - duration;
		} else {
			static bool failing;
			int err = collector_prog_stats_enable();

			/* warn on the first failure, not every cycle; say when it works again */
			if (err < 0)
				log_msg(failing ? LOG_DEBUG : LOG_WARN,
				        "could not enable program stats", "err=\"%s\"",
				        strerror(-err));
			else if (failing)
				log_info("program stats enabled again", "");
			failing = err < 0;
			*next_switch = now + duration;
		}
		if (*next_switch <= now)
			*next_switch = now + 1;
	}
	uint64_t wait = *next_switch - now;
	return wait > 60000 ? 60000 : (int)wait;
}

static int setup_stats(void)
{
	int err;

	if (cfg.stats_mode == COLLECTOR_PROG_STATS_DISABLED ||
	    !cfg.collectors[collector_find("prog")])
		return 0;
	err = collector_prog_stats_enable();
	if (err < 0) {
		log_error("cannot enable program stats",
		          "mode=%s err=\"%s\" hint=\"BPF_ENABLE_STATS needs kernel 5.8+ and "
		          "CAP_SYS_ADMIN\"",
		          cfg.stats_mode == COLLECTOR_PROG_STATS_SAMPLE ? "sample" : "enabled",
		          strerror(-err));
		return err;
	}
	if (cfg.stats_mode == COLLECTOR_PROG_STATS_SAMPLE)
		collector_prog_stats_disable(); /* probe only: the timer switches it */
	return 0;
}

static void apply_config(void)
{
	log_set_level(cfg.log_level);
	for (unsigned i = 0; i < collector_count && i < CLI_MAX_COLLECTORS; i++)
		collector_enabled[i] = cfg.collectors[i];
	collector_opts.prog_stats_mode = cfg.stats_mode;
	collector_opts.count_mode = cfg.count_mode;
	collector_opts.backend = cfg.backend;
	int n = snprintf(landing, sizeof(landing), landing_fmt, cfg.metrics_path);
	landing_len = n > 0 && (size_t)n < sizeof(landing) ? (size_t)n : 0;
}

static int start(void)
{
	const struct http_server_config hc = {
		.slots = EBPF_EXPORTER_CONN_SLOTS,
		.req_buf_size = EBPF_EXPORTER_REQ_BUF_SIZE,
		.header_timeout_ms = 10000,
		.idle_timeout_ms = 60000,
		.write_timeout_ms = 30000,
		.max_keepalive_requests = 1000,
		.handler = handle,
	};
	int err;

	if (install_signals() < 0)
		return -EINVAL;
	err = metrics_arena_init(&arena, ARENA_CAP);
	arena_ready = err >= 0;
	if (err >= 0)
		err = metrics_body_pool_init(&bodies, EBPF_EXPORTER_BODY_SLOTS, ARENA_CAP);
	bodies_ready = arena_ready && err >= 0;
	if (err < 0) {
		log_error("cannot reserve the metric arena", "bytes=%zu err=\"%s\"",
		          (size_t)ARENA_CAP, strerror(-err));
		return err;
	}
	err = collectors_init();
	collectors_ready = err >= 0;
	if (err >= 0)
		err = setup_stats();
	if (err < 0)
		return err;
	err = http_server_init(&server, &hc);
	if (err < 0) {
		log_error("cannot set up the HTTP server", "err=\"%s\"", strerror(-err));
		return err;
	}
	server_ready = true;
	for (unsigned i = 0; i < cfg.nlisten; i++) {
		err = http_server_listen(&server, cfg.listen_addrs[i]);
		if (err < 0) {
			log_error("cannot listen", "address=%s err=\"%s\"", cfg.listen_addrs[i],
			          strerror(-err));
			return err;
		}
		log_info("listening", "address=%s", cfg.listen_addrs[i]);
	}
	return 0;
}

static void stop(void)
{
	if (server_ready)
		http_server_fini(&server);
	if (collectors_ready)
		collectors_fini();
	if (bodies_ready)
		metrics_body_pool_fini(&bodies);
	if (arena_ready)
		metrics_arena_fini(&arena);
}

int main(int argc, char *argv[])
{
	char err_line[256];
	uint64_t next_switch = now_ms();

	if (cli_parse(argc, argv, &cfg, err_line, sizeof(err_line)) < 0) {
		fprintf(stderr, "ebpf_exporter: %s\n", err_line);
		return 2;
	}
	if (cfg.help) {
		cli_usage(STDOUT_FILENO, "ebpf_exporter");
		return 0;
	}
	if (cfg.version) {
		printf("ebpf_exporter version %s revision %s\n", EBPF_EXPORTER_VERSION,
		       EBPF_EXPORTER_REVISION);
		return 0;
	}
	apply_config();
	log_info("starting ebpf_exporter", "version=%s revision=%s", EBPF_EXPORTER_VERSION,
	         EBPF_EXPORTER_REVISION);
	if (start() < 0) {
		stop();
		return 1;
	}
	sd_notify("READY=1");
	while (!stop_signal) {
		int wait = stats_tick(&next_switch);
		int err = http_server_run_once(&server, wait);

		if (err < 0 && err != -EINTR) {
			log_error("server loop failed", "err=\"%s\"", strerror(-err));
			break;
		}
	}
	log_info("shutting down", "signal=%d", (int)stop_signal);
	sd_notify("STOPPING=1");
	stop();
	return stop_signal ? 0 : 1;
}
