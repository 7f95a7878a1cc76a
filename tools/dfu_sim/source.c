/*
 * dfu-sim artifact sources: a local file, or an http:// (https:// when the
 * libcurl build has it) URL read through libcurl's multi interface.
 *
 * dsim_source_read() is a pull API: libcurl's write callback feeds a fixed
 * ring buffer and pauses the transfer (CURL_WRITEFUNC_PAUSE) when it is
 * full; a read copies out of the ring and drives the transfer only when
 * the ring runs dry. Memory stays bounded by the ring.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "source_internal.h"

#define RING_LEN (64u * 1024u)
#define CONNECT_TIMEOUT_S 10L
#define LOW_SPEED_LIMIT 1L   /* bytes per second ... */
#define LOW_SPEED_TIME_S 30L /* ... for this long aborts the transfer */
#define POLL_MS 1000

/* ---- http ---- */

static bool is_url(const char *where)
{
	return strstr(where, "://") != NULL;
}

static bool has_prefix_nocase(const char *s, const char *p)
{
	for (; *p; s++, p++) {
		if (tolower((unsigned char)*s) != tolower((unsigned char)*p)) {
			return false;
		}
	}
	return true;
}

/* Parse a decimal uint64; advances *pp. false if no digits or overflow. */
static bool parse_u64(const char **pp, uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;

	if (!isdigit((unsigned char)*p)) {
		return false;
	}
	while (isdigit((unsigned char)*p)) {
		unsigned d = (unsigned)(*p - '0');

		if (x > (UINT64_MAX - d) / 10) {
			return false;
		}
		x = x * 10 + d;
		p++;
	}
	*pp = p;
	*v = x;
	return true;
}

/* "bytes first-last/total"; the total may be "*" (unknown). */
static void parse_content_range(struct dsim_source *s, const char *v)
{
	uint64_t last;

	s->cr_seen = true;
	s->cr_ok = false;
	s->cr_total = 0;
	/* Kept for messages; truncating a long header is fine. */
	snprintf(s->cr_text, sizeof(s->cr_text), "%.*s", (int)sizeof(s->cr_text) - 1, v);
	if (!has_prefix_nocase(v, "bytes")) {
		return;
	}
	v += 5;
	while (*v == ' ' || *v == '\t') {
		v++;
	}
	if (!parse_u64(&v, &s->cr_first) || *v++ != '-' || !parse_u64(&v, &last) ||
	    last < s->cr_first || *v++ != '/') {
		return;
	}
	if (*v == '*') {
		s->cr_ok = true;
		return;
	}
	if (parse_u64(&v, &s->cr_total) && s->cr_total > last) {
		s->cr_ok = true;
	}
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct dsim_source *s = ud;
	size_t len = size * nmemb;
	char line[256];
	size_t n = len < sizeof(line) - 1 ? len : sizeof(line) - 1;

	memcpy(line, p, n);
	line[n] = '\0';
	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n' || line[n - 1] == ' ')) {
		line[--n] = '\0';
	}
	if (has_prefix_nocase(line, "HTTP/")) {
		/* A new response (1xx, redirect, or the final one). */
		s->cr_seen = false;
		s->cr_ok = false;
		s->cr_text[0] = '\0';
	} else if (has_prefix_nocase(line, "content-range:")) {
		const char *v = line + strlen("content-range:");

		while (*v == ' ' || *v == '\t') {
			v++;
		}
		parse_content_range(s, v);
	}
	return len;
}

/*
 * The final response's headers are in: check the status and the range,
 * set total and the bytes to skip. 0 or a negative errno (s->msg set).
 */
static int check_response(struct dsim_source *s)
{
	curl_off_t cl = -1;

	s->checked = true;
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->status);
	curl_easy_getinfo(s->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	if (s->status == 206) {
		if (!s->cr_seen || !s->cr_ok) {
			dsim_src_fail(s, -EIO, "HTTP 206 with %s Content-Range%s%s",
				      s->cr_seen ? "a malformed" : "no", s->cr_seen ? ": " : "",
				      s->cr_text);
			return s->err;
		}
		if (s->cr_first != s->start) {
			dsim_src_fail(s, -EIO,
				      "HTTP 206 starts at byte %" PRIu64 ", asked for %" PRIu64
				      " (Content-Range: %s)",
				      s->cr_first, s->start, s->cr_text);
			return s->err;
		}
		if (s->cr_total) {
			s->total = s->cr_total;
		} else if (cl >= 0) {
			s->total = s->start + (uint64_t)cl;
		}
		s->recv = s->start;
		return 0;
	}
	if (s->status >= 200 && s->status < 300) {
		/* The whole body, whatever was asked: skip to start. */
		s->total = cl >= 0 ? (uint64_t)cl : 0;
		if (s->total && s->start > s->total) {
			dsim_src_fail(s, -EIO,
				      "start %" PRIu64 " is past the end (%" PRIu64
				      " bytes; HTTP %ld)",
				      s->start, s->total, s->status);
			return s->err;
		}
		s->skip = s->start;
		s->recv = 0;
		return 0;
	}
	if (s->status == 416 && s->cr_seen) {
		dsim_src_fail(s, -EIO,
			      "HTTP 416 (range not satisfiable: start %" PRIu64
			      ", Content-Range: %s)",
			      s->start, s->cr_text);
	} else if (s->status == 0) {
		dsim_src_fail(s, -EIO, "no HTTP status");
	} else {
		dsim_src_fail(s, -EIO, "HTTP %ld", s->status);
	}
	return s->err;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct dsim_source *s = ud;
	size_t len = size * nmemb;
	size_t skip;
	size_t keep;

	if (!s->checked && check_response(s) != 0) {
		return 0; /* abort: CURLE_WRITE_ERROR, s->err says why */
	}
	skip = s->skip < len ? (size_t)s->skip : len;
	keep = len - skip;
	if (keep > s->cap - s->fill) {
		if (s->fill) {
			/* Full: curl hands the same chunk again after unpausing,
			   so nothing of it may be consumed here (not even the
			   skip). */
			s->paused = true;
			return CURL_WRITEFUNC_PAUSE;
		}
		/* A chunk larger than the whole ring (libcurl delivers at most
		   CURL_MAX_WRITE_SIZE, so only with an odd build): grow. */
		uint8_t *nr = malloc(keep);

		if (!nr) {
			dsim_src_fail(s, -ENOMEM, "out of memory");
			return 0;
		}
		free(s->ring);
		s->ring = nr;
		s->cap = keep;
		s->head = 0;
	}
	s->skip -= skip;
	s->recv += skip;
	p += skip;
	/* Append keep bytes at (head + fill) mod cap, in up to two pieces. */
	size_t tail = (s->head + s->fill) % s->cap;
	size_t first = s->cap - tail < keep ? s->cap - tail : keep;

	memcpy(s->ring + tail, p, first);
	memcpy(s->ring, p + first, keep - first);
	s->fill += keep;
	s->recv += keep;
	return len;
}

static bool is_drop(CURLcode rc)
{
	switch (rc) {
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_OPERATION_TIMEDOUT: /* stalled below the low-speed limit */
		return true;
	default:
		return false;
	}
}

static const char *curl_msg(const struct dsim_source *s, CURLcode rc)
{
	return s->curl_err[0] ? s->curl_err : curl_easy_strerror(rc);
}

/* The transfer finished with rc: record an error if it did not end well. */
static void finished(struct dsim_source *s, CURLcode rc)
{
	s->done = true;
	s->result = rc;
	if (rc == CURLE_OK) {
		if (!s->checked) {
			(void)check_response(s); /* no body at all */
		}
		if (!s->err && s->skip) {
			dsim_src_fail(s, -EIO,
				      "start %" PRIu64 " is past the end (%" PRIu64 " bytes)",
				      s->start, s->recv);
		} else if (!s->err && s->total && s->recv < (s->end ? s->end : s->total)) {
			dsim_src_fail(s, -ECONNRESET,
				      "connection closed at byte %" PRIu64 " of %" PRIu64, s->recv,
				      s->total);
		}
		return;
	}
	if (s->err) {
		return; /* our own abort (CURLE_WRITE_ERROR): s->msg says why */
	}
	if (is_drop(rc) && s->checked) {
		char of[32] = "";

		if (s->total) {
			snprintf(of, sizeof(of), " of %" PRIu64, s->total);
		}
		dsim_src_fail(s, -ECONNRESET, "connection dropped at byte %" PRIu64 "%s: %s",
			      s->recv, of, curl_msg(s, rc));
		return;
	}
	dsim_src_fail(s, is_drop(rc) ? -ECONNRESET : -EIO, "%s", curl_msg(s, rc));
}

/* Drive the transfer once: perform, collect completion, wait if idle. */
static void pump(struct dsim_source *s, bool wait)
{
	int running = 0;
	int left = 0;
	CURLMcode mc = curl_multi_perform(s->multi, &running);
	CURLMsg *m;

	if (mc != CURLM_OK) {
		dsim_src_fail(s, -EIO, "curl: %s", curl_multi_strerror(mc));
		s->done = true;
		return;
	}
	while ((m = curl_multi_info_read(s->multi, &left)) != NULL) {
		if (m->msg == CURLMSG_DONE && m->easy_handle == s->easy) {
			finished(s, m->data.result);
		}
	}
	if (!s->done && wait && running && !s->fill && !s->paused) {
		mc = curl_multi_poll(s->multi, NULL, 0, POLL_MS, NULL);
		if (mc != CURLM_OK) {
			dsim_src_fail(s, -EIO, "curl: %s", curl_multi_strerror(mc));
			s->done = true;
		}
	}
}

static bool curl_ready(void)
{
	static int state; /* 0 = not tried, 1 = ok, -1 = failed */

	if (state == 0) {
		state = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 1 : -1;
	}
	return state == 1;
}

static struct dsim_source *open_http(const char *url, uint64_t start, uint64_t head,
				     uint64_t *total, char *err, size_t err_len)
{
	struct dsim_source *s;
	char range[32];

	if (!has_prefix_nocase(url, "http://") && !has_prefix_nocase(url, "https://")) {
		char msg[300];

		snprintf(msg, sizeof(msg), "%s: only http:// and https:// URLs are supported", url);
		dsim_src_set_err(err, err_len, msg);
		return NULL;
	}
	if (!curl_ready()) {
		dsim_src_set_err(err, err_len, "libcurl initialisation failed");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->ring = malloc(RING_LEN)) || !(s->url = strdup(url)) ||
	    !(s->easy = curl_easy_init()) || !(s->multi = curl_multi_init())) {
		dsim_src_set_err(err, err_len, "out of memory");
		dsim_source_close(s);
		return NULL;
	}
	s->cap = RING_LEN;
	s->start = start;
	s->pos = start;

	CURL *e = s->easy;
	CURLcode rc = CURLE_OK;

#define SETOPT(opt, val)                                    \
	do {                                                \
		if (rc == CURLE_OK) {                       \
			rc = curl_easy_setopt(e, opt, val); \
		}                                           \
	} while (0)
	SETOPT(CURLOPT_URL, s->url);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
	SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	SETOPT(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	SETOPT(CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SETOPT(CURLOPT_FOLLOWLOCATION, 1L);
	SETOPT(CURLOPT_MAXREDIRS, 5L);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	SETOPT(CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_LIMIT);
	SETOPT(CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME_S);
	SETOPT(CURLOPT_USERAGENT, "dfu-sim");
	SETOPT(CURLOPT_ERRORBUFFER, s->curl_err);
	SETOPT(CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(CURLOPT_HEADERDATA, s);
	SETOPT(CURLOPT_WRITEFUNCTION, on_write);
	SETOPT(CURLOPT_WRITEDATA, s);
	if (head > 0) {
		s->end = start + head;
		snprintf(range, sizeof(range), "%" PRIu64 "-%" PRIu64, start, start + head - 1);
		SETOPT(CURLOPT_RANGE, range); /* copied by libcurl */
	} else if (start > 0) {
		snprintf(range, sizeof(range), "%" PRIu64 "-", start);
		SETOPT(CURLOPT_RANGE, range); /* copied by libcurl */
	}
#undef SETOPT
	if (rc != CURLE_OK) {
		char msg[300];

		snprintf(msg, sizeof(msg), "%s: curl: %s", url, curl_easy_strerror(rc));
		dsim_src_set_err(err, err_len, msg);
		dsim_source_close(s);
		return NULL;
	}
	CURLMcode mc = curl_multi_add_handle(s->multi, e);

	if (mc != CURLM_OK) {
		char msg[300];

		snprintf(msg, sizeof(msg), "%s: curl: %s", url, curl_multi_strerror(mc));
		dsim_src_set_err(err, err_len, msg);
		dsim_source_close(s);
		return NULL;
	}
	/* Until the final response's headers are in (first body byte or end). */
	while (!s->checked && !s->done && !s->err) {
		pump(s, true);
	}
	/* A drop after the response was accepted is not an open error: the
	   body received so far (a short one can all arrive in the first
	   perform) is in the ring, and reads report the drop after it. */
	if (s->err && !(s->err == -ECONNRESET && s->checked)) {
		char msg[sizeof(s->msg) + 300];

		snprintf(msg, sizeof(msg), "%s: %s", url, s->msg);
		dsim_src_set_err(err, err_len, msg);
		dsim_source_close(s);
		return NULL;
	}
	if (total) {
		*total = s->total;
	}
	return s;
}

static long read_http(struct dsim_source *s, uint8_t *buf, size_t n, char *err, size_t err_len)
{
	size_t got = 0;

	while (got < n) {
		if (s->fill) {
			size_t k = n - got;
			size_t run = s->cap - s->head; /* contiguous bytes from head */

			if (k > s->fill) {
				k = s->fill;
			}
			if (k > run) {
				k = run;
			}
			memcpy(buf + got, s->ring + s->head, k);
			s->head = (s->head + k) % s->cap;
			s->fill -= k;
			got += k;
			continue;
		}
		if (s->err || s->done) {
			break;
		}
		if (s->paused) {
			/* The ring is empty: let curl hand over what it holds
			   (the write callback may run right here). */
			s->paused = false;
			CURLcode rc = curl_easy_pause(s->easy, CURLPAUSE_CONT);

			if (rc != CURLE_OK) {
				dsim_src_fail(s, -EIO, "curl: %s", curl_easy_strerror(rc));
				s->done = true;
			}
			continue;
		}
		pump(s, true);
	}
	s->pos += got;
	if (got == 0 && n > 0 && s->err) {
		dsim_src_set_err(err, err_len, s->msg);
		return s->err;
	}
	return (long)got;
}

/* ---- API ---- */

/* head > 0: only bytes [0, head) are wanted (HTTP asks for just those). */
static struct dsim_source *open_at(const char *where, uint64_t start, uint64_t head,
				   uint64_t *total, char *err, size_t err_len)
{
	if (total) {
		*total = 0;
	}
	if (!where || !*where) {
		dsim_src_set_err(err, err_len, "no source given");
		return NULL;
	}
	if (is_url(where)) {
		return open_http(where, start, head, total, err, err_len);
	}
	return dsim_src_open_file(where, start, total, err, err_len);
}

struct dsim_source *dsim_source_open(const char *where, uint64_t start, uint64_t *total, char *err,
				     size_t err_len)
{
	return open_at(where, start, 0, total, err, err_len);
}

struct dsim_source *dsim_source_open_head(const char *where, uint64_t len, uint64_t *total,
					  char *err, size_t err_len)
{
	return open_at(where, 0, len, total, err, err_len);
}

long dsim_source_read(struct dsim_source *s, uint8_t *buf, size_t n, char *err, size_t err_len)
{
	if (!s || (!buf && n)) {
		dsim_src_set_err(err, err_len, "invalid argument");
		return -EINVAL;
	}
	if (n > (size_t)LONG_MAX) {
		n = (size_t)LONG_MAX;
	}
	if (s->f) {
		return dsim_src_read_file(s, buf, n, err, err_len);
	}
	return read_http(s, buf, n, err, err_len);
}

void dsim_source_close(struct dsim_source *s)
{
	if (!s) {
		return;
	}
	if (s->f) {
		fclose(s->f);
	}
	if (s->multi && s->easy) {
		curl_multi_remove_handle(s->multi, s->easy);
	}
	if (s->easy) {
		curl_easy_cleanup(s->easy);
	}
	if (s->multi) {
		curl_multi_cleanup(s->multi);
	}
	free(s->ring);
	free(s->url);
	free(s);
}
