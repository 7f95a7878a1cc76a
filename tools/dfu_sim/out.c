/*
 * dfu-sim output: progress bar (terminal), plain progress lines (pipes and
 * logs), JSON string escaping, sizes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <time.h>
#include <unistd.h>

#include "dsim.h"

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

void dsim_progress_update(struct dsim_progress *p, uint64_t pos, uint64_t dev_us)
{
	char a[24], b[24], r[24], left[24];
	double rate, dev_left, now = dsim_now();
	unsigned pct = p->total ? (unsigned)(pos * 100 / p->total) : 0;

	if (p->mode == DSIM_PROGRESS_NONE) {
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
		bool final = p->total && pos >= p->total;

		if (!final && now - p->last < 0.05) {
			return;
		}
		enum { W = 30 };
		char bar[W + 1];
		unsigned fill = p->total ? (unsigned)(pos * W / p->total) : 0;

		for (unsigned i = 0; i < W; i++) {
			bar[i] = i < fill ? '#' : '.';
		}
		bar[W] = 0;
		fprintf(p->f, "\r  [%s] %3u%%  %s / %s  %s/s  device %s left ", bar, pct, a, b, r,
			left);
		fflush(p->f);
		p->drawn = true;
		p->last = now;
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

void dsim_progress_end(struct dsim_progress *p)
{
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
