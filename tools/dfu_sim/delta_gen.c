/*
 * Application delta generator: suffix array (prefix doubling with counting
 * sorts), bsdiff-style chunk selection, detools sequential framing and the
 * MCUboot delta envelope. The heatshrink encoder is in delta_hs.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "delta_gen.h"
#include "delta_gen_internal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dfu/dfu_sha256.h"
#include "dfu/dfu_stream.h"

/* ---- growable byte buffer -------------------------------------------- */

void delta_gb_put(struct gbuf *b, const void *src, size_t n)
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
	delta_gb_put(b, t, n + 1);
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

int32_t delta_common(const uint8_t *a, int32_t an, const uint8_t *b, int32_t bn)
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
	int32_t x = delta_common(old + sa[lo], on - sa[lo], t, tn);
	int32_t y = delta_common(old + sa[hi], on - sa[hi], t, tn);

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
		delta_gb_put(c->out, t, (size_t)k);
		i += k;
	}
	gb_size(c->out, extra);
	delta_gb_put(c->out, c->nw + lastscan + lenf, (size_t)extra);
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

	delta_gb_put(&pb, &hdr, 1);
	gb_size(&pb, (int64_t)nn);
	if (o->comp == DELTA_GEN_NONE) {
		delta_gb_put(&pb, raw.p, raw.n);
		info->wbits = info->lbits = 0;
	} else {
		struct gbuf best = {0};

		err = raw.oom ? -ENOMEM : delta_hs_best(raw.p, raw.n, o, info, &best);
		if (err == 0) {
			uint8_t p = (uint8_t)(((info->wbits - 4u) << 4) | (info->lbits - 3u));

			delta_gb_put(&pb, &p, 1);
			delta_gb_put(&pb, best.p, best.n);
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
