/*
 * dfu-sim artifact sources: local files (see source.c for the API and
 * HTTP).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source_internal.h"

void dsim_src_set_err(char *err, size_t err_len, const char *msg)
{
	if (err && err_len) {
		snprintf(err, err_len, "%s", msg);
	}
}

void dsim_src_fail(struct dsim_source *s, int code, const char *fmt, ...)
{
	va_list ap;

	if (s->err) {
		return;
	}
	s->err = code;
	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
	va_end(ap);
}

int dsim_read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0;
	size_t n = 0;

	*data = NULL;
	*len = 0;
	if (!f) {
		return errno ? -errno : -EIO;
	}
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64 * 1024;
			uint8_t *nb = ncap > cap ? realloc(buf, ncap) : NULL;

			if (!nb) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0) {
			break;
		}
	}
	if (ferror(f)) {
		int e = errno ? -errno : -EIO;

		free(buf);
		fclose(f);
		return e;
	}
	fclose(f);
	*data = buf;
	*len = n;
	return 0;
}

/* ---- local files ---- */

struct dsim_source *dsim_src_open_file(const char *path, uint64_t start, uint64_t *total, char *err,
				       size_t err_len)
{
	struct dsim_source *s = calloc(1, sizeof(*s));
	struct stat st;
	char msg[sizeof(s->msg) + 64];

	if (!s) {
		dsim_src_set_err(err, err_len, "out of memory");
		return NULL;
	}
	s->f = fopen(path, "rb");
	if (!s->f) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fileno(s->f), &st) != 0) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, sizeof(msg), "%s: not a regular file", path);
		goto fail;
	}
	s->total = (uint64_t)st.st_size;
	if (start > s->total) {
		snprintf(msg, sizeof(msg),
			 "%s: start %" PRIu64 " is past the end (%" PRIu64 " bytes)", path, start,
			 s->total);
		goto fail;
	}
	if (fseeko(s->f, (off_t)start, SEEK_SET) != 0) {
		snprintf(msg, sizeof(msg), "%s: seek to %" PRIu64 ": %s", path, start,
			 strerror(errno));
		goto fail;
	}
	s->start = start;
	s->pos = start;
	if (total) {
		*total = s->total;
	}
	return s;
fail:
	dsim_src_set_err(err, err_len, msg);
	dsim_source_close(s);
	return NULL;
}

long dsim_src_read_file(struct dsim_source *s, uint8_t *buf, size_t n, char *err, size_t err_len)
{
	size_t got = 0;

	while (got < n) {
		size_t k = fread(buf + got, 1, n - got, s->f);

		got += k;
		if (k == 0) {
			break;
		}
	}
	if (got == 0 && ferror(s->f)) {
		snprintf(s->msg, sizeof(s->msg), "read at byte %" PRIu64 ": %s", s->pos,
			 strerror(errno ? errno : EIO));
		dsim_src_set_err(err, err_len, s->msg);
		return -EIO;
	}
	s->pos += got;
	return (long)got;
}
