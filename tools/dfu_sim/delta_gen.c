/*
 * Application delta generator: suffix array (prefix doubling with counting
 * sorts), bsdiff-style chunk selection, heatshrink encoder (optimal parse),
 * detools sequential framing and the MCUboot delta envelope.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "delta_gen.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dfu/dfu_sha256.h"
#include "dfu/dfu_stream.h"

/* ---- growable byte buffer -------------------------------------------- */

struct gbuf {
	uint8_t *p;
	size_t n, cap;
	bool oom;
};

static void gb_put(struct gbuf *b, const void *src, size_t n)
{
	if (b->oom) {
		return;
	}
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->n + n) {
			cap *= 2;
		}
		uint8_t *q = realloc(b->p, cap);

		if (q == NULL) {
			b->oom = true;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, src, n);
	b->n += n;
}

/* detools' size encoding (see docs/delta.md). */
static void gb_size(struct gbuf *b, int64_t v)
{
	uint8_t t[12];
	size_t n = 0;
	uint64_t m = v < 0 ? (uint64_t)(-v) : (uint64_t)v;

	t[n] = (uint8_t)((v < 0 ? 0x40u : 0u) | (m & 0x3fu));
	m >>= 6;
	while (m != 0) {
		t[n++] |= 0x80u;
		t[n] = (uint8_t)(m & 0x7fu);
		m >>= 7;
	}
	gb_put(b, t, n + 1);
}

/* ---- suffix array ----------------------------------------------------- */

/* sa of s[0, n): prefix doubling, two counting-sort passes per round. */
static int32_t *suffix_array(const uint8_t *s, int32_t n)
{
	int32_t *sa = malloc(sizeof(int32_t) * (size_t)(n + 1));
	int32_t *rk = malloc(sizeof(int32_t) * (size_t)(n + 1));
	int32_t *tmp = malloc(sizeof(int32_t) * (size_t)(n + 1));
	int32_t *cnt = malloc(sizeof(int32_t) * (size_t)(n > 256 ? n + 1 : 257));

	if (sa == NULL || rk == NULL || tmp == NULL || cnt == NULL) {
		free(sa);
		free(rk);
		free(tmp);
		free(cnt);
		return NULL;
	}
	int32_t classes = 256;

	/* sa: suffixes by their first byte */
	memset(cnt, 0, sizeof(int32_t) * 257);
	for (int32_t i = 0; i < n; i++) {
		rk[i] = s[i];
		cnt[s[i] + 1]++;
	}
	for (int32_t c = 1; c <= 256; c++) {
		cnt[c] += cnt[c - 1];
	}
	for (int32_t i = 0; i < n; i++) {
		sa[cnt[s[i]]++] = i;
	}
	for (int32_t k = 1; n > 1; k <<= 1) {
		/* by the second key: past the end first, then rank at i + k */
		int32_t m = 0;

		for (int32_t i = n - k; i < n; i++) {
			if (i >= 0) {
				tmp[m++] = i;
			}
		}
		for (int32_t j = 0; j < n; j++) {
			if (sa[j] >= k) {
				tmp[m++] = sa[j] - k;
			}
		}
		/* stable counting sort by the first key */
		memset(cnt, 0, sizeof(int32_t) * (size_t)(classes + 1));
		for (int32_t i = 0; i < n; i++) {
			cnt[rk[i] + 1]++;
		}
		for (int32_t c = 1; c <= classes; c++) {
			cnt[c] += cnt[c - 1];
		}
		for (int32_t j = 0; j < m; j++) {
			sa[cnt[rk[tmp[j]]]++] = tmp[j];
		}
		/* new ranks */
		tmp[sa[0]] = 0;
		int32_t r = 0;

		for (int32_t j = 1; j < n; j++) {
			int32_t a = sa[j - 1], b = sa[j];
			int32_t a2 = a + k < n ? rk[a + k] : -1;
			int32_t b2 = b + k < n ? rk[b + k] : -1;

			if (rk[a] != rk[b] || a2 != b2) {
				r++;
			}
			tmp[b] = r;
		}
		memcpy(rk, tmp, sizeof(int32_t) * (size_t)n);
		classes = r + 1;
		if (classes == n || k > n) {
			break;
		}
	}
	free(rk);
	free(tmp);
	free(cnt);
	return sa;
}

/* ---- matching (bsdiff's scheme) ---------------------------------------- */

static int32_t common(const uint8_t *a, int32_t an, const uint8_t *b, int32_t bn)
{
	int32_t i = 0, m = an < bn ? an : bn;

	while (i < m && a[i] == b[i]) {
		i++;
	}
	return i;
}

/* Longest prefix of t[0, tn) occurring in old: its length, *pos. */
static int32_t longest(const int32_t *sa, const uint8_t *old, int32_t on, const uint8_t *t,
		       int32_t tn, int32_t *pos)
{
	int32_t lo = 0, hi = on - 1;

	if (on == 0) {
		*pos = 0;
		return 0;
	}
	while (hi - lo > 1) {
		int32_t mid = lo + (hi - lo) / 2;
		int32_t m = on - sa[mid] < tn ? on - sa[mid] : tn;

		if (memcmp(old + sa[mid], t, (size_t)m) < 0) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	int32_t x = common(old + sa[lo], on - sa[lo], t, tn);
	int32_t y = common(old + sa[hi], on - sa[hi], t, tn);

	*pos = x > y ? sa[lo] : sa[hi];
	return x > y ? x : y;
}

struct chunker {
	const uint8_t *old, *nw;
	int32_t on, nn;
	struct gbuf *out;
	struct delta_gen_info *info;
};

static void emit(struct chunker *c, int32_t lastscan, int32_t lastpos, int32_t lenf, int32_t extra,
		 int32_t adjust)
{
	uint8_t t[256];

	gb_size(c->out, lenf);
	for (int32_t i = 0; i < lenf;) {
		int32_t k = lenf - i < 256 ? lenf - i : 256;

		for (int32_t j = 0; j < k; j++) {
			t[j] = (uint8_t)(c->nw[lastscan + i + j] - c->old[lastpos + i + j]);
		}
		gb_put(c->out, t, (size_t)k);
		i += k;
	}
	gb_size(c->out, extra);
	gb_put(c->out, c->nw + lastscan + lenf, (size_t)extra);
	gb_size(c->out, adjust);
	c->info->chunks++;
	c->info->diff_bytes += (uint32_t)lenf;
	c->info->extra_bytes += (uint32_t)extra;
}

/* The chunk stream (uncompressed, after the data-format size). */
static void chunks(struct chunker *c, const int32_t *sa)
{
	const uint8_t *old = c->old, *nw = c->nw;
	int32_t on = c->on, nn = c->nn;
	int32_t scan = 0, len = 0, pos = 0, lastscan = 0, lastpos = 0, lastoff = 0;

	while (scan < nn) {
		int32_t score = 0, sc;

		scan += len;
		for (sc = scan; scan < nn; scan++) {
			len = longest(sa, old, on, nw + scan, nn - scan, &pos);
			for (; sc < scan + len; sc++) {
				if (sc + lastoff >= 0 && sc + lastoff < on &&
				    old[sc + lastoff] == nw[sc]) {
					score++;
				}
			}
			if ((len == score && len != 0) || len > score + 8) {
				break;
			}
			if (scan + lastoff >= 0 && scan + lastoff < on &&
			    old[scan + lastoff] == nw[scan]) {
				score--;
			}
		}
		if (len == score && scan != nn) {
			continue;
		}
		/* extend the previous match forwards, this one backwards */
		int32_t s = 0, best = 0, lenf = 0, lenb = 0;

		for (int32_t i = 0; lastscan + i < scan && lastpos + i < on;) {
			s += old[lastpos + i] == nw[lastscan + i];
			i++;
			if (s * 2 - i > best * 2 - lenf) {
				best = s;
				lenf = i;
			}
		}
		if (scan < nn) {
			s = 0;
			best = 0;
			for (int32_t i = 1; scan >= lastscan + i && pos >= i; i++) {
				s += old[pos - i] == nw[scan - i];
				if (s * 2 - i > best * 2 - lenb) {
					best = s;
					lenb = i;
				}
			}
		}
		if (lastscan + lenf > scan - lenb) { /* split the overlap */
			int32_t ov = lastscan + lenf - (scan - lenb), bs = 0, cut = 0;

			s = 0;
			for (int32_t i = 0; i < ov; i++) {
				s += nw[lastscan + lenf - ov + i] == old[lastpos + lenf - ov + i];
				s -= nw[scan - lenb + i] == old[pos - lenb + i];
				if (s > bs) {
					bs = s;
					cut = i + 1;
				}
			}
			lenf += cut - ov;
			lenb -= cut;
		}
		emit(c, lastscan, lastpos, lenf, scan - lenb - (lastscan + lenf),
		     (pos - lenb) - (lastpos + lenf));
		lastscan = scan - lenb;
		lastpos = pos - lenb;
		lastoff = pos - scan;
	}
}

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

			gb_put(w->b, &byte, 1);
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
			bestl = (size_t)common(x + p - 1, (int32_t)lim, x + p, (int32_t)lim);
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
				size_t l = (size_t)common(x + q, (int32_t)lim, x + p, (int32_t)lim);

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
static int hs_best(const uint8_t *in, size_t n, const struct delta_gen_opts *o,
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

/* ---- patch and artifact ------------------------------------------------ */

int delta_gen_patch(const uint8_t *old, size_t on, const uint8_t *new_, size_t nn,
		    const struct delta_gen_opts *o, uint8_t **out, size_t *out_len,
		    struct delta_gen_info *info)
{
	struct delta_gen_info tmp = {0};
	struct gbuf raw = {0}, pb = {0};
	int32_t *sa = NULL;
	int err = 0;

	if (info == NULL) {
		info = &tmp;
	}
	if ((old == NULL && on > 0) || new_ == NULL || nn == 0 || on > INT32_MAX / 2 ||
	    nn > INT32_MAX / 2 || o == NULL ||
	    (o->comp != DELTA_GEN_NONE && o->comp != DELTA_GEN_HEATSHRINK)) {
		return -EINVAL;
	}
	if (on > 0 && (sa = suffix_array(old, (int32_t)on)) == NULL) {
		return -ENOMEM;
	}
	struct chunker c = {old, new_, (int32_t)on, (int32_t)nn, &raw, info};

	info->chunks = info->diff_bytes = info->extra_bytes = 0;
	gb_size(&raw, 0); /* no data format */
	chunks(&c, sa);
	free(sa);
	uint8_t hdr = (uint8_t)o->comp; /* type 0 (sequential) << 4 | compression */

	gb_put(&pb, &hdr, 1);
	gb_size(&pb, (int64_t)nn);
	if (o->comp == DELTA_GEN_NONE) {
		gb_put(&pb, raw.p, raw.n);
		info->wbits = info->lbits = 0;
	} else {
		struct gbuf best = {0};

		err = raw.oom ? -ENOMEM : hs_best(raw.p, raw.n, o, info, &best);
		if (err == 0) {
			uint8_t p = (uint8_t)(((info->wbits - 4u) << 4) | (info->lbits - 3u));

			gb_put(&pb, &p, 1);
			gb_put(&pb, best.p, best.n);
		}
		free(best.p);
	}
	free(raw.p);
	if (err == 0 && (raw.oom || pb.oom)) {
		err = -ENOMEM;
	}
	if (err) {
		free(pb.p);
		return err;
	}
	*out = pb.p;
	*out_len = pb.n;
	return 0;
}

static uint32_t rd16(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | (rd16(p + 2) << 16);
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

int delta_gen_image_sizes(const uint8_t *img, size_t len, uint32_t *hashed, uint32_t *tlv_end)
{
	if (len < 32 || rd32(img) != 0x96f3b83du) {
		return -EBADMSG;
	}
	uint64_t h = (uint64_t)rd16(img + 8) + rd32(img + 12) + rd16(img + 10);

	if (rd16(img + 8) < 32 || h + 4 > len || rd16(img + h) != 0x6907u ||
	    h + rd16(img + h + 2) > len) {
		return -EBADMSG;
	}
	*hashed = (uint32_t)h;
	*tlv_end = (uint32_t)(h + rd16(img + h + 2));
	return 0;
}

int delta_gen_artifact(const uint8_t *old_img, size_t old_len, const uint8_t *new_img,
		       size_t new_len, const struct delta_gen_opts *o, uint8_t **out,
		       size_t *out_len, struct delta_gen_info *info)
{
	struct delta_gen_info tmp = {0};
	uint32_t oh, oend, nh, nend;
	uint8_t *patch = NULL;
	size_t pn = 0;

	if (info == NULL) {
		info = &tmp;
	}
	if (old_img == NULL || new_img == NULL || out == NULL || out_len == NULL) {
		return -EINVAL;
	}
	if (delta_gen_image_sizes(old_img, old_len, &oh, &oend) != 0 ||
	    delta_gen_image_sizes(new_img, new_len, &nh, &nend) != 0) {
		return -EBADMSG;
	}
	int err = delta_gen_patch(old_img, oh, new_img, nend, o, &patch, &pn, info);

	if (err) {
		return err;
	}
	uint8_t *a = malloc(128 + pn);

	if (a == NULL) {
		free(patch);
		return -ENOMEM;
	}
	memset(a, 0, 128);
	memcpy(a, "MCDP", 4);
	a[4] = 1;
	a[6] = 128;
	wr32(a + 8, (uint32_t)pn);
	wr32(a + 12, nend);
	wr32(a + 16, oh);
	dfu_sha256(old_img, oh, a + 24);
	memcpy(a + 56, new_img, 32);
	dfu_sha256(new_img, nh, a + 88); /* = its SHA-256 TLV */
	wr32(a + 120, dfu_crc32(0, patch, pn));
	wr32(a + 124, dfu_crc32(0, a, 124));
	memcpy(a + 128, patch, pn);
	free(patch);
	info->base_size = oh;
	info->new_size = nend;
	info->patch_size = (uint32_t)pn;
	memcpy(info->base_digest, a + 24, 32);
	memcpy(info->new_digest, a + 88, 32);
	*out = a;
	*out_len = 128 + pn;
	return 0;
}
