/* SPDX-License-Identifier: MIT */
/* /init of the kernel-matrix guest (scripts/kernel-matrix): mounts what the exporter and
 * the fixture need, brings up lo, starts /bin/ebpf_fixture and reads its manifest, starts
 * /bin/ebpf_exporter on 127.0.0.1:11000, scrapes it once, prints everything to the console
 * between MATRIX-BEGIN/MATRIX-END lines, then powers off. Never exits: any failure still
 * ends in a MATRIX-VERDICT line and a power-off. Built static (musl) in its own build dir. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define INIT_PORT 11000
#define INIT_WATCHDOG_S 150        /* the host gives up a little later */
#define INIT_MANIFEST_TIMEOUT_MS 90000
#define INIT_LISTEN_TIMEOUT_MS 20000
#define INIT_SCRAPE_TIMEOUT_MS 30000
#define INIT_EXPORTER_LOG "/tmp/exporter.log"
#define INIT_FIXTURE_LOG "/tmp/fixture.log"
#define INIT_BACKEND_SERIES "ebpf_exporter_collector_backend_info"

static char manifest[1 << 20];
static char response[16 << 20];
static char klog[4 << 20];

static const struct init_mount {
	const char *source, *dir, *type;
} init_mounts[] = {
	{ "proc", "/proc", "proc" },
	{ "sysfs", "/sys", "sysfs" },
	{ "devtmpfs", "/dev", "devtmpfs" },
	{ "bpf", "/sys/fs/bpf", "bpf" },
	{ "cgroup2", "/sys/fs/cgroup", "cgroup2" },
	{ "tracefs", "/sys/kernel/tracing", "tracefs" },
	{ "debugfs", "/sys/kernel/debug", "debugfs" },
};

static double uptime_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

_Noreturn static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	/* Still here: returning from pid 1 panics, and panic=-1 with -no-reboot ends qemu. */
	_exit(1);
}

/* Prints the verdict and the end marker, then powers off. */
__attribute__((format(printf, 2, 3))) _Noreturn static void verdict(const char *what,
								    const char *fmt, ...)
{
	char why[256] = "";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("MATRIX-TIME verdict_uptime_s=%.2f\n", uptime_s());
	printf("MATRIX-VERDICT %s%s%s\n", what, why[0] ? " " : "", why);
	printf("MATRIX-END\n");
	fflush(stdout);
	power_off();
}

static void on_watchdog(int sig)
{
	(void)sig;
	static const char msg[] = "\nMATRIX-VERDICT fail watchdog\nMATRIX-END\n";
	ssize_t w = write(1, msg, sizeof(msg) - 1);
	(void)w;
	power_off();
}

static void mount_all(void)
{
	for (size_t i = 0; i < sizeof(init_mounts) / sizeof(init_mounts[0]); i++) {
		const struct init_mount *m = &init_mounts[i];
		mkdir(m->dir, 0755);
		if (mount(m->source, m->dir, m->type, 0, NULL) < 0)
			printf("MATRIX-NOTE mount %s on %s: %s\n", m->type, m->dir,
			       strerror(errno));
	}
	mkdir("/tmp", 01777);
}

static int lo_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	int err = 0;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		err = -errno;
	ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
	if (err == 0 && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		err = -errno;
	close(s);
	return err;
}

/* The modules the host put in the initramfs (veth, for the fixture's device pair). */
static void load_modules(void)
{
	DIR *d = opendir("/lib/modules");
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char path[300];
		snprintf(path, sizeof(path), "/lib/modules/%s", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		long r = fd < 0 ? -1 : syscall(SYS_finit_module, fd, "", 0);
		printf("MATRIX-MODULE %s %s\n", e->d_name, r == 0 ? "loaded" : strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (d)
		closedir(d);
}

/* Starts path with stdin/stdout from the given fds (-1: /dev/null) and stderr to a file. */
static pid_t spawn(const char *const argv[], int in, int out, const char *errpath)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int null = open("/dev/null", O_RDWR);
	int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(in >= 0 ? in : null, 0);
	dup2(out >= 0 ? out : null, 1);
	dup2(err >= 0 ? err : null, 2);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Reads fd until stop (a string, NULL: EOF) is in buf or timeout; returns bytes or -errno. */
static long read_until(int fd, char *buf, size_t cap, const char *stop, long timeout_ms)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t len = 0;
	buf[0] = 0;
	for (;;) {
		if (stop && strstr(buf, stop))
			return (long)len;
		long left = timeout_ms - elapsed_ms(&t0);
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return -errno;
		if (!p.revents)
			continue;
		if (len + 1 >= cap)
			return -ENOBUFS;
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return stop ? -EPIPE : (long)len;
		len += (size_t)n;
		buf[len] = 0;
	}
}

static int connect_lo(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(INIT_PORT),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int err = -errno;
		close(s);
		return err;
	}
	return s;
}

/* Connects as soon as the exporter listens; -ECHILD if it died first. */
static int wait_listening(pid_t exporter)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int s = connect_lo();
		if (s >= 0)
			return s;
		if (waitpid(exporter, NULL, WNOHANG) == exporter)
			return -ECHILD;
		if (elapsed_ms(&t0) > INIT_LISTEN_TIMEOUT_MS)
			return s;
		usleep(50 * 1000);
	}
}

struct init_reply {
	int status;
	const char *body;
	size_t body_len;
	long content_length; /* -1: none */
};

/* One GET over a connected socket; the whole answer lands in response[]. */
static int http_get(int s, struct init_reply *r)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				  "Connection: close\r\n\r\n";
	if (write(s, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1))
		return -errno;
	long n = read_until(s, response, sizeof(response), NULL, INIT_SCRAPE_TIMEOUT_MS);
	if (n < 0)
		return (int)n;
	char *end = strstr(response, "\r\n\r\n");
	if (!end || sscanf(response, "HTTP/1.%*d %d", &r->status) != 1)
		return -EPROTO;
	*end = 0;
	r->body = end + 4;
	r->body_len = (size_t)n - (size_t)(r->body - response);
	r->content_length = -1;
	for (char *h = strstr(response, "\r\n"); h; h = strstr(h + 2, "\r\n"))
		if (strncasecmp(h + 2, "content-length:", 15) == 0)
			r->content_length = strtol(h + 17, NULL, 10);
	return 0;
}

/* Exposition grammar, loosely: name, optional {labels}, one space, a value. */
static bool sample_line_ok(const char *l, size_t len)
{
	size_t i = 0;
	while (i < len && (l[i] == '_' || l[i] == ':' || (l[i] >= 'a' && l[i] <= 'z') ||
			   (l[i] >= 'A' && l[i] <= 'Z') || (i > 0 && l[i] >= '0' && l[i] <= '9')))
		i++;
	if (i == 0)
		return false;
	if (i < len && l[i] == '{') {
		size_t close = len; /* the last '}': label values may hold one too */
		while (close > i && l[close - 1] != '}')
			close--;
		if (close == i)
			return false;
		i = close;
	}
	return i + 1 < len && l[i] == ' ' && !memchr(l + i + 1, ' ', len - i - 1);
}

/* Prints the body between markers; returns the number of malformed sample lines. */
static int print_body(const struct init_reply *r)
{
	int bad = 0;
	printf("MATRIX-BEGIN scrape status=%d bytes=%zu\n", r->status, r->body_len);
	fwrite(r->body, 1, r->body_len, stdout);
	if (r->body_len && r->body[r->body_len - 1] != '\n')
		putchar('\n');
	printf("MATRIX-END scrape\n");
	for (const char *l = r->body, *e; l < r->body + r->body_len; l = e + 1) {
		e = memchr(l, '\n', (size_t)(r->body + r->body_len - l));
		if (!e)
			e = r->body + r->body_len;
		size_t len = (size_t)(e - l);
		if (len == 0 || l[0] == '#')
			continue;
		if (!sample_line_ok(l, len))
			bad++;
		if (strncmp(l, INIT_BACKEND_SERIES, strlen(INIT_BACKEND_SERIES)) == 0)
			printf("MATRIX-BACKEND %.*s\n", (int)len, l);
	}
	fflush(stdout);
	return bad;
}

static void print_file(const char *section, const char *path)
{
	printf("MATRIX-BEGIN %s\n", section);
	FILE *f = fopen(path, "re");
	char line[4096];
	while (f && fgets(line, sizeof(line), f))
		fputs(line, stdout);
	if (f)
		fclose(f);
	printf("MATRIX-END %s\n", section);
}

/* Kernel messages at warning level or worse: the console itself is kept quiet. */
static void print_klog_warnings(void)
{
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, klog, (int)sizeof(klog) - 1);
	printf("MATRIX-BEGIN dmesg-warnings\n");
	if (n > 0) {
		klog[n] = 0;
		for (char *save = NULL, *l = strtok_r(klog, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save))
			if (l[0] == '<' && l[1] >= '0' && l[1] <= '4' && l[2] == '>')
				puts(l);
	}
	printf("MATRIX-END dmesg-warnings\n");
}

/* SIGTERM, then SIGKILL if it outlives timeout_ms; returns the wait status or -1. */
static int stop_child(pid_t pid, int sig, long timeout_ms)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sig)
		kill(pid, sig);
	int st;
	while (waitpid(pid, &st, WNOHANG) != pid) {
		if (elapsed_ms(&t0) > timeout_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		usleep(20 * 1000);
	}
	return st;
}

/* Starts the fixture and prints its manifest; returns its pid, the stdin pipe in *hold. */
static pid_t start_fixture(int *hold)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		verdict("fail", "pipe: %s", strerror(errno));
	const char *const argv[] = { "/bin/ebpf_fixture", NULL };
	pid_t pid = spawn(argv, in[0], out[1], INIT_FIXTURE_LOG);
	if (pid < 0)
		verdict("fail", "fork fixture: %s", strerror(errno));
	close(in[0]);
	close(out[1]);
	*hold = in[1];
	long n = read_until(out[0], manifest, sizeof(manifest), "{\"kind\":\"ready\"}",
			    INIT_MANIFEST_TIMEOUT_MS);
	printf("MATRIX-BEGIN manifest\n%s", manifest);
	printf("%sMATRIX-END manifest\n", strchr(manifest, '\n') ? "" : "\n");
	close(out[0]);
	if (n < 0) {
		print_file("fixture-log", INIT_FIXTURE_LOG);
		verdict("fail", "fixture manifest: %s", strerror((int)-n));
	}
	return pid;
}

/* The first failure after the scrape; later steps still run and print their logs. */
static char failure[256];

__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	if (failure[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(failure, sizeof(failure), fmt, ap);
	va_end(ap);
}

static void scrape_and_report(pid_t exporter)
{
	int s = wait_listening(exporter);
	if (s < 0) {
		print_file("exporter-log", INIT_EXPORTER_LOG);
		fail("exporter not listening: %s", strerror(-s));
		return;
	}
	struct init_reply r;
	int err = http_get(s, &r);
	close(s);
	int bad = err < 0 ? 0 : print_body(&r);
	int st = stop_child(exporter, SIGTERM, 10000);
	print_file("exporter-log", INIT_EXPORTER_LOG);
	if (err < 0)
		fail("scrape: %s", strerror(-err));
	else if (r.status != 200)
		fail("scrape status %d", r.status);
	else if (r.content_length != (long)r.body_len)
		fail("content-length %ld but %zu body bytes", r.content_length, r.body_len);
	else if (bad)
		fail("%d malformed sample lines", bad);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("exporter did not exit cleanly on SIGTERM (status %#x)", st);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, on_watchdog);
	alarm(INIT_WATCHDOG_S);
	klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 1);
	printf("\nMATRIX-BEGIN\n");
	mount_all();
	/* BPF memory was charged to RLIMIT_MEMLOCK before 5.11; children inherit this. */
	struct rlimit inf = { RLIM_INFINITY, RLIM_INFINITY };
	if (setrlimit(RLIMIT_MEMLOCK, &inf) < 0)
		printf("MATRIX-NOTE setrlimit memlock: %s\n", strerror(errno));
	int err = lo_up();
	if (err < 0)
		verdict("fail", "lo up: %s", strerror(-err));
	struct utsname u;
	uname(&u);
	printf("MATRIX-UNAME %s %s %s %s\n", u.sysname, u.release, u.machine, u.version);
	printf("MATRIX-TIME start_uptime_s=%.2f\n", uptime_s());
	load_modules();

	int hold;
	pid_t fixture = start_fixture(&hold);
	const char *const argv[] = { "/bin/ebpf_exporter", "--listen-addr", "127.0.0.1:11000",
				     "--map-count-entries", NULL };
	pid_t exporter = spawn(argv, -1, -1, INIT_EXPORTER_LOG);
	if (exporter < 0)
		fail("fork exporter: %s", strerror(errno));
	else
		scrape_and_report(exporter);

	close(hold); /* EOF: the fixture removes its objects and exits */
	int st = stop_child(fixture, 0, 20000);
	print_file("fixture-log", INIT_FIXTURE_LOG);
	print_klog_warnings();
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("fixture did not exit cleanly (status %#x)", st);
	verdict(failure[0] ? "fail" : "ok", "%s", failure);
}
