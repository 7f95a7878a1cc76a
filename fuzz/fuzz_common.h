/*
 * Shared helpers of the libFuzzer targets (docs/fuzzing.md): reading
 * structured values from the fuzz input, a PRNG, invariant checks that
 * abort with a message (libFuzzer then saves the input as a crash).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FUZZ_COMMON_H_
#define FUZZ_COMMON_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu/dfu_errname.h"
#include "dfu/dfu_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* ---- invariant checks ---- */

#define FZ_CHECK(cond, ...)                                                                        \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "\nINVARIANT FAILED at %s:%d: %s\n  ", __FILE__, __LINE__, \
				#cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* 0, or a negative errno (Linux numbers them 1..133). A value that
 * dfu_errno_name() cannot name is noted once on stderr: tools print errors
 * by name. */
static inline bool fz_errno_ok(int r)
{
	static uint8_t noted[134];

	if (r == 0) {
		return true;
	}
	if (r > 0 || r < -133) {
		return false;
	}
	if (dfu_errno_name(r)[1] == '?' && !noted[-r]) {
		noted[-r] = 1;
		fprintf(stderr,
			"fuzz: note: the library returned errno %d, which dfu_errno_name() "
			"does not name\n",
			r);
	}
	return true;
}

#define FZ_ERRNO(r, what)                                                                   \
	FZ_CHECK(fz_errno_ok(r), "%s returned %d (%s), not 0 or a negative errno", what, r, \
		 dfu_errno_name(r))

/* DFU_FUZZ_VERBOSE set: the harnesses print what happened to each input
 * (for looking at a corpus, not for fuzzing). */
static inline bool fz_verbose(void)
{
	static int v = -1;

	if (v < 0) {
		v = getenv("DFU_FUZZ_VERBOSE") != NULL;
	}
	return v != 0;
}

/* ---- known open bugs ----
 *
 * A library bug that is found and not fixed yet would stop every fuzzing
 * run at its first input. Each such bug has an ID (fuzz/regressions-open/
 * TOLERATE); when the environment variable DFU_FUZZ_TOLERATE lists the ID
 * (comma-separated), the harness works around the bug where it is detected
 * (counted, reported once) instead of aborting. scripts/fuzz.sh sets it
 * for the fuzzing runs, never for the replay of fuzz/regressions/.
 */
static inline bool fz_tolerate(const char *id)
{
	static unsigned long seen;
	const char *list = getenv("DFU_FUZZ_TOLERATE");
	size_t n = strlen(id);

	for (const char *p = list; p != NULL && *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		if (len == n && memcmp(p, id, n) == 0) {
			if (seen++ == 0) {
				fprintf(stderr,
					"fuzz: known open bug %s tolerated (worked around)\n", id);
			}
			return true;
		}
		p += len + (end != NULL ? 1u : 0u);
	}
	return false;
}

/*
 * dfu_ctx_init_ex() plus the state it must leave: READY or DONE (a target
 * may find the file complete), DONE when is_complete() says the target's
 * download is complete (e.g. its stream is COMPLETE), DONE/SCHEDULED
 * unchanged for a re-init of a finished one.
 *
 * Found this way (fixed, fuzz/regressions/fuzz_mcuboot/init-state): the
 * dispatcher passed the state local to leave() in the same call expression
 * that computed it, leave(ctx, st, init_locked(ctx, p, &st)); C leaves the
 * order of argument evaluation unspecified and clang read st first, so
 * every successful init left the context IDLE.
 */
static inline int fz_init(struct dfu_ctx *ctx, const struct dfu_init_params *p,
			  bool (*is_complete)(void))
{
	int before = dfu_ctx_state(ctx);
	int err = dfu_ctx_init_ex(ctx, p);
	int st = dfu_ctx_state(ctx);
	bool finished = before == DFU_STATE_DONE || before == DFU_STATE_SCHEDULED;

	if (err != 0) {
		return err;
	}
	bool complete = is_complete();

	FZ_CHECK(
		(complete ? st == DFU_STATE_DONE : st == DFU_STATE_READY || st == DFU_STATE_DONE) ||
			(finished && st == before),
		"init returned 0 and left state %d (before: %d; want %s)", st, before,
		complete ? "DONE" : "READY or DONE");
	return 0;
}

/* ---- the fuzz input as a stream of values (0 once exhausted) ---- */

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fz_u8(struct fz *f)
{
	if (f->n == 0) {
		return 0;
	}
	f->n--;
	return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint16_t lo = fz_u8(f);

	return (uint16_t)(lo | (fz_u8(f) << 8));
}

static inline uint32_t fz_u32(struct fz *f)
{
	uint32_t lo = fz_u16(f);

	return lo | ((uint32_t)fz_u16(f) << 16);
}

/* ---- deterministic PRNG (xorshift32) ---- */

static inline uint32_t fz_rand(uint32_t *s)
{
	uint32_t x = *s != 0 ? *s : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static inline void fz_fill(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t s = seed * 2654435761u + 1u;

	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)(fz_rand(&s) >> 11);
	}
}

/* A transport chunk size: mostly small or medium, sometimes large. */
static inline size_t fz_chunk(uint32_t *s)
{
	uint32_t r = fz_rand(s);

	switch (r & 3u) {
	case 0:
		return 1u + (r >> 8) % 8u;
	case 1:
		return 1u + (r >> 8) % 100u;
	case 2:
		return 1u + (r >> 8) % 1500u;
	default:
		return 1u + (r >> 8) % 9000u;
	}
}

/* ---- byte-range helpers ---- */

static inline uint16_t fz_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t fz_le32(const uint8_t *p)
{
	return (uint32_t)fz_le16(p) | ((uint32_t)fz_le16(p + 2) << 16);
}

static inline bool fz_all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != v) {
			return false;
		}
	}
	return true;
}

/* First offset where a and b differ outside [lo, hi), or SIZE_MAX. */
static inline size_t fz_diff_outside(const uint8_t *a, const uint8_t *b, size_t n, size_t lo,
				     size_t hi)
{
	lo = lo < n ? lo : n;
	hi = hi < lo ? lo : hi < n ? hi : n;
	if (memcmp(a, b, lo) == 0 && memcmp(a + hi, b + hi, n - hi) == 0) {
		return SIZE_MAX;
	}
	for (size_t i = 0; i < n; i++) {
		if ((i < lo || i >= hi) && a[i] != b[i]) {
			return i;
		}
	}
	return SIZE_MAX;
}

#endif /* FUZZ_COMMON_H_ */
