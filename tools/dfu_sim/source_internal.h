/*
 * dfu-sim sources, internal: the source state shared by source.c (http and
 * the API) and source_file.c (local files).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DSIM_SOURCE_INTERNAL_H_
#define DSIM_SOURCE_INTERNAL_H_

#include <stdbool.h>
#include <stdio.h>

#include <curl/curl.h>

#include "dsim.h"

struct dsim_source {
	/* local file */
	FILE *f;
	/* http */
	CURL *easy;
	CURLM *multi;
	char *url;
	uint8_t *ring;
	size_t cap;   /**< Ring capacity. */
	size_t head;  /**< Index of the oldest byte in the ring. */
	size_t fill;  /**< Bytes in the ring. */
	bool paused;  /**< The write callback returned CURL_WRITEFUNC_PAUSE. */
	bool done;    /**< libcurl finished the transfer (result holds how). */
	bool checked; /**< The final response's status was checked. */
	CURLcode result;
	long status;
	uint64_t skip; /**< Body bytes still to drop (200 to a ranged GET). */
	uint64_t recv; /**< Absolute offset after the last byte put in the ring. */
	/* Content-Range of the latest response (reset at every status line). */
	bool cr_seen;
	bool cr_ok; /**< Parsed as "bytes first-last/total|*". */
	uint64_t cr_first;
	uint64_t cr_total; /**< 0 = "*" */
	char cr_text[96];
	/* both */
	uint64_t start;
	uint64_t total; /**< 0 = unknown */
	uint64_t pos;   /**< Absolute offset of the next byte handed out. */
	uint64_t end;   /**< Head request: the body ends here (0 = at total). */
	int err;        /**< Sticky error, reported once the ring is drained. */
	char msg[256];
	char curl_err[CURL_ERROR_SIZE];
};

/* Copy msg into err (if any). */
void dsim_src_set_err(char *err, size_t err_len, const char *msg);

/* Record the first (sticky) error of s. */
void dsim_src_fail(struct dsim_source *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct dsim_source *dsim_src_open_file(const char *path, uint64_t start, uint64_t *total, char *err,
				       size_t err_len);
long dsim_src_read_file(struct dsim_source *s, uint8_t *buf, size_t n, char *err, size_t err_len);

#endif /* DSIM_SOURCE_INTERNAL_H_ */
