/* SPDX-License-Identifier: MIT */
/* Writing sample lines into a family's tail chunk.
 *
 * A line is written straight into the chunk through a writer that keeps counting once the
 * chunk is full instead of writing past it. The chunk's length is only advanced when the
 * whole line fitted, so a line that did not fit leaves nothing behind, and the count says
 * exactly how much room to make before writing it again. */
#include <errno.h>
#include <string.h>

#include "internal.h"

static const char *const type_names[] = {
	[METRICS_GAUGE] = "gauge",
	[METRICS_COUNTER] = "counter",
	[METRICS_UNTYPED] = "untyped",
};
_Static_assert(sizeof(type_names) / sizeof(type_names[0]) == METRICS_TYPE_COUNT,
               "type_names must cover enum metrics_type");

struct writer {
	char *buf;
	size_t pos; /* bytes the line needs so far; may pass cap */
	size_t cap;
};

static inline void put_mem(struct writer *w, const void *s, size_t n)
{
	if (w->pos <= w->cap && n <= w->cap - w->pos) {
		/* most pieces are a few bytes; musl's memcpy costs more to start than that */
		if (n <= 16) {
			for (size_t i = 0; i < n; i++)
				w->buf[w->pos + i] = ((const char *)s)[i];
		} else {
			memcpy(w->buf + w->pos, s, n);
		}
	}
	w->pos += n;
}

static inline void put_char(struct writer *w, char c)
{
	if (w->pos < w->cap)
		w->buf[w->pos] = c;
	w->pos++;
}

static inline void put_str(struct writer *w, const char *s)
{
	put_mem(w, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0. The && chains stop
 * at the first bad byte, so a NUL terminator is never read past. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;

	if (c >= 0xC2 && c <= 0xDF)
		return (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c == 0xE0)
		lo = 0xA0; /* overlong */
	else if (c == 0xED)
		hi = 0x9F; /* UTF-16 surrogates */
	if (c >= 0xE0 && c <= 0xEF)
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
	if (c == 0xF0)
		lo = 0x90; /* overlong */
	else if (c == 0xF4)
		hi = 0x8F; /* above U+10FFFF */
	if (c >= 0xF0 && c <= 0xF4)
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80
		               ? 4
		               : 0;
	return 0;
}

/* Escapes \ and newline (and " in label values) like Prometheus' writeEscapedString.
 * Prometheus refuses a whole scrape over one invalid UTF-8 label value, so each bad
 * byte becomes U+FFFD instead. */
static void put_escaped(struct writer *w, const char *str, bool quote)
{
	const unsigned char *p = (const unsigned char *)str;

	for (;;) {
		const unsigned char *run = p;
		size_t n;

		while (*p >= 0x20 && *p < 0x80 && *p != '\\' && *p != '"')
			p++;
		put_mem(w, run, (size_t)(p - run));
		if (*p == '\0')
			return;
		if (*p == '\\' || *p == '\n' || (*p == '"' && quote)) {
			put_char(w, '\\');
			put_char(w, *p == '\n' ? 'n' : (char)*p);
			p++;
		} else if (*p < 0x80) {
			put_char(w, (char)*p++);
		} else if ((n = utf8_len(p)) > 0) {
			put_mem(w, p, n);
			p += n;
		} else {
			put_mem(w, "\xEF\xBF\xBD", 3);
			p++;
		}
	}
}

static bool is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

size_t metrics_metric_name_len(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	if (!p || !(is_name_start(*p) || *p == ':'))
		return 0;
	while (is_name_char(*p) || *p == ':')
		p++;
	return *p ? 0 : (size_t)(p - (const unsigned char *)name);
}

/* Label names starting with "__" are reserved for Prometheus itself. */
static size_t label_name_len(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	if (!p || !is_name_start(p[0]) || (p[0] == '_' && p[1] == '_'))
		return 0;
	while (is_name_char(*p))
		p++;
	return *p ? 0 : (size_t)(p - (const unsigned char *)name);
}

/* Checks every label before anything is written; fills lens with the name lengths. */
static int check_labels(const struct metrics_label *labels, size_t n, size_t *lens)
{
	if (n > METRICS_MAX_LABELS || (n && !labels))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		lens[i] = label_name_len(labels[i].name);
		if (lens[i] == 0 || !labels[i].value)
			return -EINVAL;
		/* a repeated label name makes Prometheus reject the whole scrape */
		for (size_t j = 0; j < i; j++)
			if (lens[j] == lens[i] &&
			    memcmp(labels[j].name, labels[i].name, lens[i]) == 0)
				return -EINVAL;
	}
	return 0;
}

/* Written once per family, in front of its first sample, so families without samples
 * cost nothing and rendering is a plain concatenation of chunks. */
static void put_header(struct writer *w, const struct metrics_family_slot *f)
{
	if (f->help) {
		put_mem(w, "# HELP ", 7);
		put_mem(w, f->name, f->name_len);
		put_char(w, ' ');
		put_escaped(w, f->help, false);
		put_char(w, '\n');
	}
	put_mem(w, "# TYPE ", 7);
	put_mem(w, f->name, f->name_len);
	put_char(w, ' ');
	put_str(w, type_names[f->type]);
	put_char(w, '\n');
}

static void put_line(struct writer *w, const struct metrics_family_slot *f,
                     const struct metrics_label *labels, size_t nlabels, const size_t *lens,
                     const char *num, size_t numlen)
{
	put_mem(w, f->name, f->name_len);
	if (nlabels) {
		put_char(w, '{');
		for (size_t i = 0; i < nlabels; i++) {
			if (i)
				put_char(w, ',');
			put_mem(w, labels[i].name, lens[i]);
			put_mem(w, "=\"", 2);
			put_escaped(w, labels[i].value, true);
			put_char(w, '"');
		}
		put_char(w, '}');
	}
	put_char(w, ' ');
	put_mem(w, num, numlen);
	put_char(w, '\n');
}

static int append(struct metrics_arena *a, int fam, const struct metrics_label *labels,
                  size_t nlabels, const char *num, size_t numlen)
{
	char no_room[1]; /* a family without a chunk yet only counts what it needs */
	size_t lens[METRICS_MAX_LABELS];
	struct metrics_family_slot *f;
	int err;

	if (!a || fam < 0 || (size_t)fam >= a->nfamilies || numlen == 0)
		return -EINVAL;
	if (a->overflow)
		return -ENOSPC;
	err = check_labels(labels, nlabels, lens);
	if (err < 0)
		return err;
	f = &a->families[fam];
	/* at most twice: after metrics_make_room() the same line fits */
	for (int attempt = 0; attempt < 2; attempt++) {
		struct metrics_chunk *c = NULL;
		struct writer w = { no_room, 0, 0 };

		if (f->tail != METRICS_NO_CHUNK) {
			c = metrics_chunk_at(a, f->tail);
			w = (struct writer){ metrics_chunk_text(c) + c->len, 0, c->cap - c->len };
		}
		if (f->samples == 0)
			put_header(&w, f);
		put_line(&w, f, labels, nlabels, lens, num, numlen);
		if (c && w.pos <= w.cap) {
			c->len += (uint32_t)w.pos;
			f->bytes += w.pos;
			f->samples++;
			return 0;
		}
		err = metrics_make_room(a, f, w.pos);
		if (err < 0)
			return err;
	}
	return -EFAULT; /* unreachable: the room made was too small */
}

int metrics_sample_u64(struct metrics_arena *a, int fam, const struct metrics_label *labels,
                       size_t nlabels, uint64_t value)
{
	char num[METRICS_NUM_SIZE];

	return append(a, fam, labels, nlabels, num, metrics_fmt_u64(num, value));
}

int metrics_sample_i64(struct metrics_arena *a, int fam, const struct metrics_label *labels,
                       size_t nlabels, int64_t value)
{
	char num[METRICS_NUM_SIZE];

	return append(a, fam, labels, nlabels, num, metrics_fmt_i64(num, value));
}

int metrics_sample_double(struct metrics_arena *a, int fam, const struct metrics_label *labels,
                          size_t nlabels, double value)
{
	char num[METRICS_NUM_SIZE];

	return append(a, fam, labels, nlabels, num, metrics_fmt_double(num, value));
}
