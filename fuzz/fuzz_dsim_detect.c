/*
 * Fuzz target: dfu-sim's artifact detection, dsim_detect()
 * (tools/dfu_sim/artifact.c, artifact_mcuboot.c): what `dfu-sim detect
 * FILE [--json]` prints about an arbitrary file.
 *
 * Input: the artifact file.
 *
 * Invariants:
 *   - dsim_detect() returns DSIM_EXIT_OK or DSIM_EXIT_REJECTED, the same in
 *     human and JSON mode;
 *   - --json output is exactly one JSON object (RFC 8259: checked by a
 *     validator here, including string escapes) followed by a newline, with
 *     no key twice in one object; its "type" is the type the library's
 *     identification gives (magic bytes, checked here independently:
 *     "mcuboot", "modem_delta", "full_modem", "unknown"); it has a
 *     top-level "error" exactly when the artifact is rejected;
 *   - the human output holds no control characters but newlines and tabs
 *     (nothing from the file reaches a terminal raw);
 *   - ASan/UBSan: no out-of-bounds read of the file, no overflow.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <stdio.h>

#include "dsim.h"
#include "fuzz_common.h"

/* ---- a small JSON validator ---- */

#define MAX_KEYS 64

struct js {
	const char *s;
	size_t n, i;
	int depth;
	/* top level */
	bool has_error;
	char type[32];
	const char *why; /* first problem */
};

static void ws(struct js *j)
{
	while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' ||
			       j->s[j->i] == '\r')) {
		j->i++;
	}
}

static bool fail(struct js *j, const char *why)
{
	if (j->why == NULL) {
		j->why = why;
	}
	return false;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629), 0 if none. */
static size_t utf8_len(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t k;
	uint32_t cp;

	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		k = 2, cp = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		k = 3, cp = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		k = 4, cp = u[0] & 0x07;
	} else {
		return 0;
	}
	if (n < k) {
		return 0;
	}
	for (size_t i = 1; i < k; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			return 0;
		}
		cp = (cp << 6) | (u[i] & 0x3f);
	}
	if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (k == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
		return 0;
	}
	return k;
}

/* A string; its raw span (between the quotes) into *b / *len. */
static bool string(struct js *j, size_t *b, size_t *len)
{
	if (j->i >= j->n || j->s[j->i] != '"') {
		return fail(j, "string expected");
	}
	*b = ++j->i;
	while (j->i < j->n && j->s[j->i] != '"') {
		unsigned char c = (unsigned char)j->s[j->i];

		if (c < 0x20) {
			return fail(j, "raw control character in a string");
		}
		if (c >= 0x80) {
			size_t k = utf8_len(j->s + j->i, j->n - j->i);

			if (k == 0) {
				return fail(j, "invalid UTF-8 in a string");
			}
			j->i += k;
			continue;
		}
		if (c == '\\') {
			j->i++;
			if (j->i >= j->n) {
				return fail(j, "escape at the end");
			}
			c = (unsigned char)j->s[j->i];
			if (c == 'u') {
				for (int k = 1; k <= 4; k++) {
					char h = j->i + k < j->n ? j->s[j->i + k] : 0;

					if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
					      (h >= 'A' && h <= 'F'))) {
						return fail(j, "bad \\u escape");
					}
				}
				j->i += 4;
			} else if (strchr("\"\\/bfnrt", c) == NULL || c == 0) {
				return fail(j, "bad escape");
			}
		}
		j->i++;
	}
	if (j->i >= j->n) {
		return fail(j, "unterminated string");
	}
	*len = j->i - *b;
	j->i++;
	return true;
}

static bool number(struct js *j)
{
	size_t st = j->i;

	if (j->i < j->n && j->s[j->i] == '-') {
		j->i++;
	}
	if (j->i >= j->n || !(j->s[j->i] >= '0' && j->s[j->i] <= '9')) {
		return fail(j, "number expected");
	}
	if (j->s[j->i] == '0') {
		j->i++;
	} else {
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') {
			j->i++;
		}
	}
	if (j->i < j->n && j->s[j->i] == '.') {
		j->i++;
		if (j->i >= j->n || !(j->s[j->i] >= '0' && j->s[j->i] <= '9')) {
			return fail(j, "bad fraction");
		}
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') {
			j->i++;
		}
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-')) {
			j->i++;
		}
		if (j->i >= j->n || !(j->s[j->i] >= '0' && j->s[j->i] <= '9')) {
			return fail(j, "bad exponent");
		}
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') {
			j->i++;
		}
	}
	return j->i > st;
}

static bool word(struct js *j, const char *w)
{
	size_t k = strlen(w);

	if (j->n - j->i < k || memcmp(j->s + j->i, w, k) != 0) {
		return fail(j, "bad literal");
	}
	j->i += k;
	return true;
}

static bool value(struct js *j);

static bool object(struct js *j)
{
	size_t kb[MAX_KEYS], kl[MAX_KEYS];
	unsigned nk = 0;
	bool top = j->depth == 0;

	j->i++; /* '{' */
	j->depth++;
	ws(j);
	if (j->i < j->n && j->s[j->i] == '}') {
		j->i++;
		j->depth--;
		return true;
	}
	for (;;) {
		size_t b, len;

		ws(j);
		if (!string(j, &b, &len)) {
			return false;
		}
		for (unsigned k = 0; k < nk; k++) {
			if (kl[k] == len && memcmp(j->s + kb[k], j->s + b, len) == 0) {
				return fail(j, "a key twice in one object");
			}
		}
		if (nk < MAX_KEYS) {
			kb[nk] = b;
			kl[nk++] = len;
		}
		ws(j);
		if (j->i >= j->n || j->s[j->i] != ':') {
			return fail(j, "':' expected");
		}
		j->i++;
		ws(j);
		if (top && len == 5 && memcmp(j->s + b, "error", 5) == 0) {
			j->has_error = true;
		}
		if (top && len == 4 && memcmp(j->s + b, "type", 4) == 0 && j->i < j->n &&
		    j->s[j->i] == '"') {
			size_t vb, vl;
			size_t save = j->i;

			if (string(j, &vb, &vl) && vl < sizeof(j->type)) {
				memcpy(j->type, j->s + vb, vl);
				j->type[vl] = '\0';
			}
			j->i = save;
		}
		if (!value(j)) {
			return false;
		}
		ws(j);
		if (j->i < j->n && j->s[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->i < j->n && j->s[j->i] == '}') {
			j->i++;
			j->depth--;
			return true;
		}
		return fail(j, "',' or '}' expected");
	}
}

static bool array(struct js *j)
{
	j->i++; /* '[' */
	j->depth++;
	ws(j);
	if (j->i < j->n && j->s[j->i] == ']') {
		j->i++;
		j->depth--;
		return true;
	}
	for (;;) {
		ws(j);
		if (!value(j)) {
			return false;
		}
		ws(j);
		if (j->i < j->n && j->s[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->i < j->n && j->s[j->i] == ']') {
			j->i++;
			j->depth--;
			return true;
		}
		return fail(j, "',' or ']' expected");
	}
}

static bool value(struct js *j)
{
	if (j->depth > 32) {
		return fail(j, "too deep");
	}
	ws(j);
	if (j->i >= j->n) {
		return fail(j, "value expected");
	}
	switch (j->s[j->i]) {
	case '{':
		return object(j);
	case '[':
		return array(j);
	case '"': {
		size_t b, len;

		return string(j, &b, &len);
	}
	case 't':
		return word(j, "true");
	case 'f':
		return word(j, "false");
	case 'n':
		return word(j, "null");
	default:
		return number(j);
	}
}

/* ---- the harness ---- */

static char *run(const uint8_t *d, size_t n, bool json, int *rc, size_t *len)
{
	char *s = NULL;
	FILE *f = open_memstream(&s, len);

	FZ_CHECK(f != NULL, "open_memstream");
	*rc = dsim_detect(d, n, json, f);
	fclose(f);
	return s;
}

static const char *expected_type(const uint8_t *b, size_t n)
{
	if (n < 32) {
		return "unknown";
	}
	if (b[0] == 0x3d && b[1] == 0xb8 && b[2] == 0xf3 && b[3] == 0x96) {
		return "mcuboot";
	}
	if (b[0] == 'M' && b[1] == 'C' && b[2] == 'D' && b[3] == 'P' && b[4] == 1) {
		return "mcuboot-delta"; /* application delta envelope, version 1 */
	}
	if (b[4] == 0x6d && b[5] == 0x65 && b[6] == 0x44 && b[7] == 0x75) {
		return "modem_delta";
	}
	if (b[0] == 0xd2 && b[1] == 0x84) {
		return "full_modem";
	}
	return "unknown";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *d = malloc(size ? size : 1); /* exact size: ASan sees overreads */
	int rc_h, rc_j;
	size_t lh, lj;

	FZ_CHECK(d != NULL, "out of memory");
	memcpy(d, data, size);
	char *human = run(d, size, false, &rc_h, &lh);
	char *json = run(d, size, true, &rc_j, &lj);

	FZ_CHECK(rc_h == DSIM_EXIT_OK || rc_h == DSIM_EXIT_REJECTED, "detect = %d", rc_h);
	FZ_CHECK(rc_j == rc_h, "detect: %d in human mode, %d in JSON mode", rc_h, rc_j);
	for (size_t i = 0; i < lh; i++) {
		unsigned char c = (unsigned char)human[i];

		FZ_CHECK(c >= 0x20 || c == '\n' || c == '\t',
			 "control character 0x%02x in the human output at %zu:\n%s", c, i, human);
		FZ_CHECK(c != 0x7f, "DEL in the human output at %zu", i);
	}
	struct js j = {.s = json, .n = lj};

	ws(&j);
	bool ok = j.i < j.n && json[j.i] == '{' && value(&j);

	if (ok) {
		ws(&j);
		ok = j.i == j.n || fail(&j, "text after the object");
	}
	FZ_CHECK(ok, "--json output is not one JSON object (%s at byte %zu):\n%s",
		 j.why ? j.why : "not an object", j.i, json);
	FZ_CHECK(lj >= 2 && json[lj - 1] == '\n', "--json output does not end with a newline");
	FZ_CHECK(strcmp(j.type, expected_type(d, size)) == 0, "\"type\": \"%s\", want \"%s\"",
		 j.type, expected_type(d, size));
	FZ_CHECK(j.has_error == (rc_j == DSIM_EXIT_REJECTED),
		 "\"error\" present: %d, but detect returned %d:\n%s", j.has_error, rc_j, json);
	if (fz_verbose()) {
		fprintf(stderr, "%s", json);
	}
	free(human);
	free(json);
	free(d);
	return 0;
}
