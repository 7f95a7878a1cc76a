/*
 * dfu-sim output: progress bar (terminal), plain progress lines (pipes and
 * logs), JSON string escaping, sizes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "dsim.h"

unsigned dsim_term_width(FILE *f)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	unsigned w = 0;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		w = ws.ws_col;
	} else if (c != NULL && *c != '\0') {
		char *end;
		unsigned long v = strtoul(c, &end, 10);

		w = *end == '\0' && v > 0 && v < 10000 ? (unsigned)v : 0;
	}
	if (w == 0 || w > DSIM_MAX_COLUMNS) {
		w = DSIM_MAX_COLUMNS;
	}
	return w < DSIM_MIN_COLUMNS ? DSIM_MIN_COLUMNS : w;
}

void dsim_say(FILE *f, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!isatty(fileno(f))) {
		fputs(line, f);
		return;
	}
	/* A terminal: wrap at spaces so that no line reaches its width (the
	 * last column would wrap); continuation lines are indented. */
	size_t width = dsim_term_width(f) - 1;
	const char *p = line;
	size_t indent = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		size_t room = width - indent;

		if (len > room) {
			size_t cut = room;

			while (cut > room / 2 && p[cut] != ' ') {
				cut--;
			}
			if (p[cut] != ' ') {
				cut = room; /* no space in reach: hard break */
			}
			fprintf(f, "%*s%.*s\n", (int)indent, "", (int)cut, p);
			p += cut;
			while (*p == ' ') {
				p++;
			}
			indent = 4;
			continue;
		}
		fprintf(f, "%*s%.*s%s", (int)indent, "", (int)len, p, nl ? "\n" : "");
		p += len + (nl ? 1 : 0);
		indent = 0;
	}
	fflush(f);
}

int dsim_fail(bool json, const char *command, int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "dfu-sim: %s\n", msg);
	if (code == DSIM_EXIT_USAGE && !json) {
		fputs("(dfu-sim help for usage)\n", stderr);
	}
	if (json) {
		printf("{\"command\":");
		dsim_json_str(stdout, command ? command : "");
		printf(",\"result\":");
		dsim_json_str(stdout, dsim_result_name(code));
		printf(",\"exit\":%d,\"error\":", code);
		dsim_json_str(stdout, msg);
		printf("}\n");
		fflush(stdout);
	}
	return code;
}

const char *dsim_result_name(int code)
{
	switch (code) {
	case DSIM_EXIT_OK:
		return "ok";
	case DSIM_EXIT_USAGE:
		return "usage_error";
	case DSIM_EXIT_REJECTED:
		return "rejected";
	case DSIM_EXIT_POWERCUT:
		return "power_cut";
	default:
		return "error";
	}
}

double dsim_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *dsim_fmt_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
	} else if (bytes < 1024 * 1024) {
		snprintf(buf, len, "%.1f KiB", (double)bytes / 1024.0);
	} else {
		snprintf(buf, len, "%.2f MiB", (double)bytes / (1024.0 * 1024.0));
	}
	return buf;
}

static void fmt_secs(double s, char *buf, size_t len)
{
	if (s < 0) {
		s = 0;
	}
	if (s < 100) {
		snprintf(buf, len, "%.1f s", s);
	} else {
		snprintf(buf, len, "%um%02us", (unsigned)(s / 60), (unsigned)s % 60);
	}
}

void dsim_progress_begin(struct dsim_progress *p, enum dsim_progress_mode mode, FILE *f,
			 uint64_t total, uint64_t start, uint64_t dev_us)
{
	if (mode == DSIM_PROGRESS_AUTO) {
		mode = isatty(fileno(f)) ? DSIM_PROGRESS_BAR : DSIM_PROGRESS_PLAIN;
	}
	*p = (struct dsim_progress){.mode = mode,
				    .f = f,
				    .total = total,
				    .start = start,
				    .t0 = dsim_now(),
				    .dev_t0_us = dev_us,
				    .last_pct = total ? (unsigned)(start * 100 / total / 10) : 0};
}

/* Rate (B/s of wall time) and modeled device seconds still to go. */
static void estimate(const struct dsim_progress *p, uint64_t pos, uint64_t dev_us, double *rate,
		     double *dev_left)
{
	double wall = dsim_now() - p->t0;
	uint64_t moved = pos > p->start ? pos - p->start : 0;
	double dev = (double)(dev_us - p->dev_t0_us) / 1e6;

	*rate = wall > 0 ? (double)moved / wall : 0;
	*dev_left = 0;
	if (moved > 0 && p->total > pos) {
		*dev_left = dev / (double)moved * (double)(p->total - pos);
	}
}

/*
 * One bar line, redrawn in place: "\r" + exactly width - 1 columns (the
 * last column of a terminal would wrap). The bar takes what the text
 * leaves; on a narrow terminal the rate, then the device time, then the
 * sizes are left out.
 */
static void draw_bar(struct dsim_progress *p, unsigned pct, uint64_t pos, const char *a,
		     const char *b, const char *r, const char *left)
{
	char text[4][128];
	unsigned width = dsim_term_width(p->f) - 1;
	const char *t = NULL;

	/* Fixed-width fields: the bar keeps its length from one redraw to
	 * the next. */
	snprintf(text[0], sizeof(text[0]), " %3u%%  %9s / %-9s  %9s/s  device %7s left", pct, a, b,
		 r, left);
	snprintf(text[1], sizeof(text[1]), " %3u%%  %9s / %-9s  device %7s left", pct, a, b, left);
	snprintf(text[2], sizeof(text[2]), " %3u%%  %9s / %-9s", pct, a, b);
	snprintf(text[3], sizeof(text[3]), " %3u%%", pct);
	for (unsigned i = 0; i < 4 && t == NULL; i++) {
		/* "  [" + bar (at least 10) + "]" + text */
		if (4u + 10u + strlen(text[i]) <= width || i == 3) {
			t = text[i];
		}
	}
	size_t tl = strlen(t);
	unsigned w = width > 4u + tl ? width - 4u - (unsigned)tl : 1u;
	char bar[DSIM_MAX_COLUMNS + 1];
	unsigned fill = p->total ? (unsigned)(pos * w / p->total) : 0;

	if (w > DSIM_MAX_COLUMNS) {
		w = DSIM_MAX_COLUMNS;
	}
	for (unsigned i = 0; i < w; i++) {
		bar[i] = i < fill ? '#' : '.';
	}
	bar[w] = 0;
	fprintf(p->f, "\r  [%s]%s", bar, t);
	fflush(p->f);
	p->drawn = true;
}

static void update(struct dsim_progress *p, uint64_t pos, uint64_t dev_us, bool force)
{
	char a[24], b[24], r[24], left[24];
	double rate, dev_left, now = dsim_now();
	unsigned pct = p->total ? (unsigned)(pos * 100 / p->total) : 0;

	if (p->mode == DSIM_PROGRESS_NONE) {
		return;
	}
	if (p->mode == DSIM_PROGRESS_BAR && !force && !(p->total && pos >= p->total) &&
	    now - p->last < 0.05) {
		p->pos = pos; /* drawn by the next update or at the end */
		p->dev_us = dev_us;
		p->stale = true;
		return;
	}
	estimate(p, pos, dev_us, &rate, &dev_left);
	dsim_fmt_size(pos, a, sizeof(a));
	dsim_fmt_size(p->total, b, sizeof(b));
	dsim_fmt_size((uint64_t)rate, r, sizeof(r));
	if (dev_left <= 0 && p->total > pos) {
		snprintf(left, sizeof(left), "?"); /* nothing modeled yet this run */
	} else {
		fmt_secs(dev_left, left, sizeof(left));
	}
	if (p->mode == DSIM_PROGRESS_BAR) {
		draw_bar(p, pct, pos, a, b, r, left);
		p->last = now;
		p->stale = false;
		return;
	}
	/* plain: one line per 10 % (and the last) */
	if (pct / 10 == p->last_pct && !(p->total && pos >= p->total)) {
		return;
	}
	p->last_pct = pct / 10;
	fprintf(p->f, "  progress %3u%%  %s / %s  %s/s  device %s left\n", pct, a, b, r, left);
	fflush(p->f);
}

void dsim_progress_update(struct dsim_progress *p, uint64_t pos, uint64_t dev_us)
{
	update(p, pos, dev_us, false);
}

void dsim_progress_end(struct dsim_progress *p)
{
	if (p->drawn && p->stale) {
		update(p, p->pos, p->dev_us, true); /* where it stopped */
	}
	if (p->drawn) {
		fputc('\n', p->f);
		p->drawn = false;
	}
}

void dsim_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			fprintf(f, "\\%c", c);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c < 0x20) {
			fprintf(f, "\\u%04x", c);
		} else {
			fputc(c, f);
		}
	}
	fputc('"', f);
}
