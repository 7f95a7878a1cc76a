/*
 * Shared by the application delta tests (tests/test_delta*.c): the host
 * generator compiled in (tools/dfu_sim/delta_gen.c and delta_hs.c: portable,
 * also under QEMU), the decoder's internal header, synthetic image pairs and
 * a memory decoder run.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DELTA_SUPPORT_H_
#define DELTA_SUPPORT_H_

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../src/targets/delta_decode.h"
#include "../tools/dfu_sim/delta_gen.c"
#include "../tools/dfu_sim/delta_hs.c"
#include "support.h"

/* Synthetic pairs: kind 0 random (unrelated), 1 shifted (bytes inserted
 * near the start), 2 relocated (blocks moved, words patched like branch
 * offsets), 3 all-new (no byte from old), 4 small edit, 5 identical. */
enum { PAIR_RANDOM, PAIR_SHIFTED, PAIR_RELOCATED, PAIR_ALL_NEW, PAIR_EDIT, PAIR_SAME, PAIR_KINDS };

static const char *const pair_names[PAIR_KINDS] = {"random",  "shifted", "relocated",
						   "all-new", "edit",    "identical"};

/* "Code-like" bytes: runs, repeats and noise (compressible, like firmware). */
static inline void code_like(uint8_t *p, size_t n, uint32_t seed)
{
	fill_random(p, n, seed);
	for (size_t i = 0; i + 64 <= n; i += 64) {
		if ((p[i] & 3u) == 0) {
			memset(p + i + 8, 0, 24);
		} else if ((p[i] & 3u) == 1 && i >= 256) {
			memcpy(p + i, p + i - 256 + (p[i + 1] & 31u), 48);
		}
	}
}

/* old[0, on) and new[0, *nn) of a kind (new has room for on + 512). */
static inline void make_pair(int kind, uint8_t *old, size_t on, uint8_t *nw, size_t *nn,
			     uint32_t seed)
{
	code_like(old, on, seed);
	switch (kind) {
	case PAIR_RANDOM:
		fill_random(nw, on, seed + 1000);
		*nn = on;
		break;
	case PAIR_SHIFTED:
		memcpy(nw, old, 100);
		fill_random(nw + 100, 37, seed + 7);
		memcpy(nw + 137, old + 100, on - 100);
		*nn = on + 37;
		break;
	case PAIR_RELOCATED: {
		size_t h = on / 2;

		memcpy(nw, old + h, on - h);
		memcpy(nw + (on - h), old, h);
		for (size_t i = 16; i + 4 <= on; i += 97) {
			nw[i] = (uint8_t)(nw[i] + 4);
		}
		*nn = on;
		break;
	}
	case PAIR_ALL_NEW:
		for (size_t i = 0; i < on; i++) {
			nw[i] = (uint8_t)(old[i] ^ 0xA5u);
		}
		*nn = on;
		break;
	case PAIR_EDIT:
		memcpy(nw, old, on);
		nw[on / 3] ^= 0x55u;
		memcpy(nw + on / 2, "pong v2", 7);
		*nn = on;
		break;
	default:
		memcpy(nw, old, on);
		*nn = on;
		break;
	}
}

static inline bool bytes_all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != v) {
			return false;
		}
	}
	return true;
}

/* ---- decoding into memory ---------------------------------------------- */

struct memdec {
	const uint8_t *old;
	uint32_t on;
	uint8_t *out;
	uint32_t cap;
	uint32_t written;
	uint32_t snaps;
	struct dfu_delta_snap last;
	uint32_t every; /* snapshot interval (0 = none) */
	struct dfu_delta_dec *d;
};

static inline int md_read_old(void *ctx, uint32_t off, uint8_t *dst, size_t n)
{
	struct memdec *m = ctx;

	if (off > m->on || n > m->on - off) {
		return -EFAULT; /* the decoder must never ask for this */
	}
	memcpy(dst, m->old + off, n);
	return 0;
}

static inline int md_read_new(void *ctx, uint32_t off, uint8_t *dst, size_t n)
{
	struct memdec *m = ctx;

	if (off > m->written || n > m->written - off) {
		return -EFAULT;
	}
	memcpy(dst, m->out + off, n);
	return 0;
}

static inline int md_write(void *ctx, uint32_t out, const uint8_t *src, size_t n)
{
	struct memdec *m = ctx;

	if (out != m->written || n > m->cap - out) {
		return -EFAULT;
	}
	memcpy(m->out + out, src, n);
	m->written += (uint32_t)n;
	return 0;
}

static inline int md_snap(void *ctx, const struct dfu_delta_snap *s)
{
	struct memdec *m = ctx;

	m->last = *s;
	m->snaps++;
	m->d->snap_next = s->out + m->every;
	return 0;
}

static inline struct dfu_delta_io md_io(struct memdec *m)
{
	return (struct dfu_delta_io){m, md_read_old, md_write, m->every ? md_snap : NULL};
}

/* Decode patch[0, pn) in pieces of chunk bytes. 0 or the first error. */
static inline int memdec_run(struct memdec *m, struct dfu_delta_dec *d, uint8_t *win,
			     uint32_t win_cap, const uint8_t *patch, size_t pn, uint32_t to_size,
			     size_t chunk)
{
	struct dfu_delta_io io = md_io(m);

	m->d = d;
	delta_dec_init(d, m->on, to_size, (uint32_t)pn, win, win_cap);
	d->snap_next = m->every ? m->every : UINT32_MAX;
	for (size_t off = 0; off < pn;) {
		size_t k = pn - off < chunk ? pn - off : chunk;
		int err = delta_dec_feed(d, patch + off, k, &io);

		if (err) {
			return err;
		}
		off += k;
	}
	return delta_dec_finish(d);
}

#endif /* DELTA_SUPPORT_H_ */
