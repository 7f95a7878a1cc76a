/*
 * Application delta generator: the heatshrink encoder (optimal parse over
 * every longest match of the window) and the choice of its window and
 * lookahead sizes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "delta_gen.h"
#include "delta_gen_internal.h"

/* ---- heatshrink encoder ------------------------------------------------ */

struct bitw {
	struct gbuf *b;
	uint32_t acc;
	unsigned n;
};

static void bits(struct bitw *w, uint32_t v, unsigned n)
{
	while (n-- > 0) {
		w->acc = (w->acc << 1) | ((v >> n) & 1u);
		if (++w->n == 8) {
			uint8_t byte = (uint8_t)w->acc;

			delta_gb_put(w->b, &byte, 1);
			w->acc = 0;
			w->n = 0;
		}
	}
}

/*
 * Longest match at each position i of in[0, n) (length <= maxl, distance
 * <= 2^wbits, in[] preceded by the 2^wbits zero bytes of the initial
 * window): mlen[i] (0 or 1: none worth having) and mdist[i]. Hash chains
 * on the exact 2-byte prefix, walked through the whole window (nearest
 * first): the parse below is only optimal with every longest match.
 */
static int hs_matches(const uint8_t *in, size_t n, unsigned wbits, size_t maxl, uint16_t *mlen,
		      uint16_t *mdist)
{
	size_t win = (size_t)1 << wbits;
	uint8_t *x = calloc(win + n + 1, 1);
	int32_t *head = malloc(sizeof(int32_t) * 65536);
	int32_t *prev = malloc(sizeof(int32_t) * (win + n + 1));

	if (x == NULL || head == NULL || prev == NULL) {
		free(x);
		free(head);
		free(prev);
		return -ENOMEM;
	}
	memcpy(x + win, in, n);
	for (size_t i = 0; i < 65536; i++) {
		head[i] = -1;
	}
	for (size_t p = 0; p < win + n; p++) {
		size_t i = p - win, lim = 0, bestl = 0, bestd = 1;

		if (p >= win) {
			lim = n - i < maxl ? n - i : maxl;
			/* distance 1 first: runs */
			bestl = (size_t)delta_common(x + p - 1, (int32_t)lim, x + p, (int32_t)lim);
		}
		if (p + 1 >= win + n) {
			prev[p] = -1;
		} else {
			uint32_t h = (uint32_t)x[p] << 8 | x[p + 1];

			for (int32_t q = head[h]; bestl < lim && q >= 0 && p - (size_t)q <= win;
			     q = prev[q]) {
				/* x[q + bestl] < x[p + bestl]: q + bestl < p + lim */
				if (x[(size_t)q + bestl] != x[p + bestl]) {
					continue;
				}
				size_t l = (size_t)delta_common(x + q, (int32_t)lim, x + p,
								(int32_t)lim);

				if (l > bestl) {
					bestl = l;
					bestd = p - (size_t)q;
				}
			}
			prev[p] = head[h];
			head[h] = (int32_t)p;
		}
		if (p >= win) {
			mlen[i] = (uint16_t)bestl;
			mdist[i] = (uint16_t)bestd;
		}
	}
	free(x);
	free(head);
	free(prev);
	return 0;
}

/*
 * Optimal parse of in[0, n) given its longest matches (a prefix of a match
 * is one too, and every reference costs the same 1 + w + l bits, so the
 * cheapest of literal / reference of each length up to min(mlen, 2^l)
 * from the end backwards is the optimum), then the bits.
 */
static int hs_encode(const uint8_t *in, size_t n, const uint16_t *mlen, const uint16_t *mdist,
		     unsigned wbits, unsigned lbits, struct gbuf *b)
{
	uint32_t *cost = malloc(sizeof(uint32_t) * (n + 1));
	uint16_t *pick = malloc(sizeof(uint16_t) * (n + 1));
	size_t maxl = (size_t)1 << lbits;
	uint32_t lit = 9, ref = 1 + wbits + lbits;

	if (cost == NULL || pick == NULL) {
		free(cost);
		free(pick);
		return -ENOMEM;
	}
	cost[n] = 0;
	for (size_t i = n; i-- > 0;) {
		uint32_t c = lit + cost[i + 1];
		size_t bl = 1, ml = mlen[i] < maxl ? mlen[i] : maxl;

		for (size_t l = 2; l <= ml; l++) {
			if (ref + cost[i + l] < c) {
				c = ref + cost[i + l];
				bl = l;
			}
		}
		cost[i] = c;
		pick[i] = (uint16_t)bl; /* 1 = literal */
	}
	struct bitw w = {b, 0, 0};

	for (size_t i = 0; i < n;) {
		if (pick[i] <= 1) {
			bits(&w, 0x100u | in[i], 9);
			i++;
		} else {
			bits(&w, 0, 1);
			bits(&w, (uint32_t)(mdist[i] - 1u), wbits);
			bits(&w, (uint32_t)(pick[i] - 1u), lbits);
			i += pick[i];
		}
	}
	if (w.n > 0) {
		bits(&w, 0, 8 - w.n);
	}
	free(cost);
	free(pick);
	return b->oom ? -ENOMEM : 0;
}

int delta_gen_heatshrink(const uint8_t *in, size_t n, unsigned wbits, unsigned lbits, uint8_t **out,
			 size_t *out_len)
{
	uint16_t *mlen = malloc(sizeof(uint16_t) * (n + 1));
	uint16_t *mdist = malloc(sizeof(uint16_t) * (n + 1));
	struct gbuf b = {0};
	int err = mlen == NULL || mdist == NULL ? -ENOMEM : 0;

	if (err == 0) {
		err = hs_matches(in, n, wbits, (size_t)1 << lbits, mlen, mdist);
	}
	if (err == 0) {
		err = hs_encode(in, n, mlen, mdist, wbits, lbits, &b);
	}
	free(mlen);
	free(mdist);
	if (err) {
		free(b.p);
		return err;
	}
	*out = b.p;
	*out_len = b.n;
	return 0;
}

/* The smallest heatshrink encoding of in[0, n) over the (w, l) the options
 * allow (w = 8..max_wbits, l = 4..w-1 unless fixed): the matches are found
 * once per w, for the largest l, and capped for the smaller ones. */
int delta_hs_best(const uint8_t *in, size_t n, const struct delta_gen_opts *o,
		  struct delta_gen_info *info, struct gbuf *best)
{
	unsigned maxw = o->max_wbits ? o->max_wbits : 10;
	unsigned w0 = o->wbits ? o->wbits : 8, w1 = o->wbits ? o->wbits : maxw;
	uint16_t *mlen = malloc(sizeof(uint16_t) * (n + 1));
	uint16_t *mdist = malloc(sizeof(uint16_t) * (n + 1));
	int err = mlen == NULL || mdist == NULL ? -ENOMEM : 0;

	for (unsigned w = w0; w <= w1 && err == 0; w++) {
		unsigned l0 = o->lbits ? o->lbits : 4, l1 = o->lbits ? o->lbits : w - 1;

		if (l0 >= w) {
			continue;
		}
		l1 = l1 < w ? l1 : w - 1;
		err = hs_matches(in, n, w, (size_t)1 << l1, mlen, mdist);
		for (unsigned l = l0; l <= l1 && err == 0; l++) {
			struct gbuf z = {0};

			err = hs_encode(in, n, mlen, mdist, w, l, &z);
			if (err == 0 && (best->p == NULL || z.n < best->n)) {
				free(best->p);
				*best = z;
				info->wbits = (uint8_t)w;
				info->lbits = (uint8_t)l;
			} else {
				free(z.p);
			}
		}
	}
	free(mlen);
	free(mdist);
	return err == 0 && best->p == NULL ? -EINVAL : err; /* no l < w allowed */
}
