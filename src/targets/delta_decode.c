/*
 * Application delta: detools "sequential" patch decoder (none/heatshrink).
 * Written from the format description in docs/delta.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "delta_decode.h"

#include <errno.h>
#include <string.h>

#include "dfu/dfu_stream.h"

void delta_dec_init(struct dfu_delta_dec *d, uint32_t from_size, uint32_t to_size, uint32_t in_max,
		    uint8_t *win, uint32_t win_cap)
{
	memset(d, 0, sizeof(*d));
	d->from_size = from_size;
	d->to_size = to_size;
	d->in_max = in_max;
	d->win = win;
	d->win_cap = win != NULL ? win_cap : 0;
	d->phase = DP_TYPE;
	d->v_first = 1;
	d->snap_next = UINT32_MAX;
}

/*
 * One byte of a size (detools' encoding): first byte bit 7 = more, bit 6 =
 * negative, bits 5..0 = value bits 0..5; next bytes bit 7 = more, bits 6..0
 * the next 7 value bits. Returns 1 when the size is complete (*v), 0 when
 * more bytes are needed, -EBADMSG on overflow (more than 31 value bits).
 */
static int size_byte(struct dfu_delta_dec *d, uint8_t b, int64_t *v)
{
	if (d->v_first) {
		d->v_first = 0;
		d->v_neg = (b & 0x40u) != 0;
		d->v_val = b & 0x3fu;
		d->v_shift = 6;
	} else {
		uint32_t bits = b & 0x7fu;

		if (d->v_shift > 31 || (d->v_shift > 24 && (bits >> (31 - d->v_shift)) != 0)) {
			return -EBADMSG; /* value would not fit 31 bits */
		}
		d->v_val |= bits << d->v_shift;
		d->v_shift = (uint8_t)(d->v_shift + 7);
	}
	if (b & 0x80u) {
		return 0;
	}
	d->v_first = 1;
	*v = d->v_neg ? -(int64_t)d->v_val : (int64_t)d->v_val;
	return 1;
}

/* A complete size for the current phase. */
static int size_done(struct dfu_delta_dec *d, int64_t v)
{
	uint32_t left = d->to_size - d->out;

	switch (d->phase) {
	case DP_TO_SIZE:
		if (v != (int64_t)d->to_size || v == 0) {
			return -EBADMSG; /* not the envelope's size */
		}
		d->phase = d->comp == DELTA_COMP_HEATSHRINK ? DP_HS_HDR : DP_DFPATCH;
		return 0;
	case DP_DFPATCH:
		if (v != 0) {
			return v > 0 ? -ENOTSUP : -EBADMSG; /* data formats */
		}
		d->phase = DP_DIFF_SIZE;
		return 0;
	case DP_DIFF_SIZE:
	case DP_EXTRA_SIZE:
		if (v < 0 || v > (int64_t)left) {
			return -EBADMSG;
		}
		d->rem = (uint32_t)v;
		d->since = 0;
		d->phase = (uint8_t)(d->phase + 1); /* DIFF or EXTRA */
		if (d->rem == 0) {
			d->phase = d->phase == DP_DIFF ? DP_EXTRA_SIZE : DP_ADJUST;
		}
		return 0;
	case DP_ADJUST: {
		int64_t f = (int64_t)d->from + v;

		if (f < 0 || f > (int64_t)d->from_size) {
			return -EBADMSG; /* would read outside the old image */
		}
		d->from = (uint32_t)f;
		d->phase = d->out == d->to_size ? DP_END : DP_DIFF_SIZE;
		return 0;
	}
	default:
		return -EBADMSG;
	}
}

/* Is there a whole symbol (or a pending back-reference) in the bits? */
#define HS_MASK(d) (((uint32_t)1 << (d)->wbits) - 1u)

/* k bytes of the pending back-reference into dst and the window. */
static void copy_back(struct dfu_delta_dec *d, uint8_t *dst, size_t k)
{
	uint8_t *win = d->win;
	uint32_t size = (uint32_t)1 << d->wbits, mask = size - 1u;
	uint32_t h = d->head, dist = d->br_dist;

	if (dist == 1) { /* a run: the most common case in a diff */
		memset(dst, win[(h - 1u) & mask], k);
	} else if (k <= dist) { /* no overlap: at most two pieces */
		uint32_t from = (h - dist) & mask, first = size - from;

		if (first >= k) {
			memcpy(dst, win + from, k);
		} else {
			memcpy(dst, win + from, first);
			memcpy(dst + first, win, k - first);
		}
	} else {
		for (size_t i = 0; i < k; i++, h++) {
			uint8_t c = win[(h - dist) & mask];

			win[h & mask] = c;
			dst[i] = c;
		}
		d->head = h;
		return;
	}
	/* append dst[0, k) to the window (k <= 2^l < size) */
	uint32_t at = h & mask, room = size - at;

	if (room >= k) {
		memcpy(win + at, dst, k);
	} else {
		memcpy(win + at, dst, room);
		memcpy(win, dst + room, k - room);
	}
	d->head = h + (uint32_t)k;
}

/* dst[i] += src[i], eight bytes at a time without carries between them. */
static void add_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
	const uint64_t hi = 0x8080808080808080u;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t a, b;

		memcpy(&a, dst + i, 8);
		memcpy(&b, src + i, 8);
		uint64_t r = ((a & ~hi) + (b & ~hi)) ^ ((a ^ b) & hi);

		memcpy(dst + i, &r, 8);
	}
	for (; i < n; i++) {
		dst[i] = (uint8_t)(dst[i] + src[i]);
	}
}

/*
 * Up to want decompressed bytes into dst from the input [*p, end).
 * Returns the number produced (0 when more input is needed).
 */
static size_t pull(struct dfu_delta_dec *d, uint8_t *dst, size_t want, const uint8_t **p,
		   const uint8_t *end)
{
	size_t n = 0;

	if (d->comp == DELTA_COMP_NONE) {
		size_t k = (size_t)(end - *p);

		n = k < want ? k : want;
		memcpy(dst, *p, n);
		*p += n;
		return n;
	}
	uint8_t *win = d->win;
	uint32_t mask = HS_MASK(d);
	unsigned w = d->wbits, l = d->lbits;

	while (n < want) {
		if (d->br_cnt > 0) {
			size_t k = want - n < d->br_cnt ? want - n : d->br_cnt;

			copy_back(d, dst + n, k);
			n += k;
			d->br_cnt = (uint16_t)(d->br_cnt - k);
			continue;
		}
		while (d->nbits <= 24 && *p < end) {
			d->acc = (d->acc << 8) | **p;
			(*p)++;
			d->nbits = (uint8_t)(d->nbits + 8);
		}
		if (d->nbits == 0) {
			break;
		}
		if ((d->acc >> (d->nbits - 1)) & 1u) { /* literal */
			if (d->nbits < 9) {
				break;
			}
			uint8_t c = (uint8_t)(d->acc >> (d->nbits - 9));

			d->nbits = (uint8_t)(d->nbits - 9);
			win[d->head++ & mask] = c;
			dst[n++] = c;
		} else { /* back-reference: index w bits, count l bits */
			if (d->nbits < 1 + w + l) {
				break;
			}
			uint32_t v = d->acc >> (d->nbits - 1 - w - l);

			d->nbits = (uint8_t)(d->nbits - 1 - w - l);
			d->br_cnt = (uint16_t)((v & (((uint32_t)1 << l) - 1u)) + 1u);
			d->br_dist = (uint16_t)(((v >> l) & mask) + 1u);
		}
	}
	return n;
}

static bool snap_due(const struct dfu_delta_dec *d)
{
	return d->out >= d->snap_next && d->rem > 0 &&
	       (d->comp == DELTA_COMP_NONE || d->since >= ((uint32_t)1 << d->wbits));
}

/* The data phases: produce output while input lasts. */
static int data(struct dfu_delta_dec *d, const uint8_t **p, const uint8_t *end,
		const struct dfu_delta_io *io)
{
	while (d->rem > 0) {
		if (io->snapshot != NULL && snap_due(d)) {
			return 1; /* the caller accounts the input, then calls the hook */
		}
		size_t want = d->rem < DELTA_BATCH ? d->rem : DELTA_BATCH;
		size_t n = pull(d, d->buf, want, p, end);

		if (n == 0) {
			return 0;
		}
		if (d->phase == DP_DIFF) {
			if (n > d->from_size || d->from > d->from_size - n) {
				return -EBADMSG;
			}
			int err = io->read_old(io->ctx, d->from, d->old, n);

			if (err) {
				return err;
			}
			add_bytes(d->buf, d->old, n);
			d->from += (uint32_t)n;
		}
		int err = io->write_new(io->ctx, d->out, d->buf, n);

		if (err) {
			return err;
		}
		d->out += (uint32_t)n;
		d->rem -= (uint32_t)n;
		d->since += (uint32_t)n;
	}
	d->phase = d->phase == DP_DIFF ? DP_EXTRA_SIZE : DP_ADJUST;
	return 0;
}

/* One header byte (before the compressed stream). */
static int header_byte(struct dfu_delta_dec *d, uint8_t b)
{
	int64_t v;
	int r;

	switch (d->phase) {
	case DP_TYPE:
		if (b & 0x80u) {
			return -EBADMSG;
		}
		if ((b >> 4) != 0 ||
		    ((b & 0x0fu) != DELTA_COMP_NONE && (b & 0x0fu) != DELTA_COMP_HEATSHRINK)) {
			return -ENOTSUP; /* in-place, hdiffpatch; lzma, crle, ... */
		}
		d->comp = b & 0x0fu;
		d->phase = DP_TO_SIZE;
		return 0;
	case DP_TO_SIZE:
		r = size_byte(d, b, &v);
		return r <= 0 ? r : size_done(d, v);
	case DP_HS_HDR:
		d->wbits = (uint8_t)((b >> 4) + 4u);
		d->lbits = (uint8_t)((b & 0x0fu) + 3u);
		if (d->wbits > 15 || d->lbits >= d->wbits) {
			return -EBADMSG; /* not a heatshrink configuration */
		}
		if (((uint32_t)1 << d->wbits) > d->win_cap) {
			return -ENOTSUP; /* window larger than this device's */
		}
		memset(d->win, 0, (size_t)1 << d->wbits);
		d->head = 0;
		d->phase = DP_DFPATCH;
		return 0;
	default:
		return -EBADMSG;
	}
}

int delta_dec_feed(struct dfu_delta_dec *d, const uint8_t *p, size_t len,
		   const struct dfu_delta_io *io)
{
	const uint8_t *end = p + len;

	if (len > d->in_max - d->in) {
		return -EBADMSG; /* more patch than the envelope declares */
	}
	while (p < end && d->phase <= DP_TO_SIZE) {
		int err = header_byte(d, *p);

		d->crc = dfu_crc32(d->crc, p, 1);
		d->in++;
		p++;
		if (err) {
			return err;
		}
	}
	if (p < end && d->phase == DP_HS_HDR) {
		int err = header_byte(d, *p);

		d->crc = dfu_crc32(d->crc, p, 1);
		d->in++;
		p++;
		if (err) {
			return err;
		}
	}
	const uint8_t *start = p; /* d->in and d->crc count up to here */

	for (;;) {
		if (d->phase == DP_DIFF || d->phase == DP_EXTRA) {
			int r = data(d, &p, end, io);

			if (r == 1) { /* a snapshot point: the state is exact */
				struct dfu_delta_snap s;

				d->in += (uint32_t)(p - start);
				d->crc = dfu_crc32(d->crc, start, (size_t)(p - start));
				start = p;
				delta_dec_snap(d, &s);
				r = io->snapshot(io->ctx, &s);
				if (r == 0 && d->snap_next <= d->out) {
					d->snap_next = UINT32_MAX; /* hook did not move it */
				}
				if (r) {
					return r;
				}
				continue;
			}
			if (r) {
				return r;
			}
			if (d->phase == DP_DIFF || d->phase == DP_EXTRA) {
				break; /* input exhausted */
			}
			continue;
		}
		/* sizes: one decompressed byte at a time */
		uint8_t b;

		if (pull(d, &b, 1, &p, end) == 0) {
			break;
		}
		if (d->phase == DP_END || d->phase < DP_DFPATCH) {
			return -EBADMSG; /* data after the end */
		}
		int64_t v;
		int r = size_byte(d, b, &v);

		if (r == 1) {
			r = size_done(d, v);
		}
		if (r < 0) {
			return r;
		}
	}
	if (d->phase == DP_END && d->comp == DELTA_COMP_HEATSHRINK && d->nbits >= 8) {
		return -EBADMSG; /* a whole byte after the last symbol */
	}
	d->in += (uint32_t)(p - start);
	d->crc = dfu_crc32(d->crc, start, (size_t)(p - start));
	return 0;
}

int delta_dec_finish(const struct dfu_delta_dec *d)
{
	if (d->phase != DP_END || d->out != d->to_size || d->in != d->in_max) {
		return -EBADMSG;
	}
	if (d->comp == DELTA_COMP_HEATSHRINK &&
	    (d->br_cnt != 0 || d->nbits >= 8 || (d->acc & (((uint32_t)1 << d->nbits) - 1u)) != 0)) {
		return -EBADMSG; /* pending data or non-zero padding */
	}
	return 0;
}

void delta_dec_snap(const struct dfu_delta_dec *d, struct dfu_delta_snap *s)
{
	*s = (struct dfu_delta_snap){
		.out = d->out,
		.in = d->in,
		.from = d->from,
		.rem = d->rem,
		.crc = d->crc,
		.acc = d->nbits > 0 ? d->acc & (uint32_t)(0xffffffffu >> (32 - d->nbits)) : 0,
		.br_dist = d->br_dist,
		.br_cnt = d->br_cnt,
		.phase = d->phase,
		.nbits = d->nbits,
	};
}

int delta_dec_restore(struct dfu_delta_dec *d, uint8_t comp, uint8_t wbits, uint8_t lbits,
		      const struct dfu_delta_snap *s, const struct dfu_delta_io *io,
		      int (*read_new)(void *ctx, uint32_t off, uint8_t *dst, size_t n))
{
	uint32_t wsize = comp == DELTA_COMP_HEATSHRINK ? (uint32_t)1 << wbits : 0;

	if ((comp != DELTA_COMP_NONE && comp != DELTA_COMP_HEATSHRINK) ||
	    (comp == DELTA_COMP_HEATSHRINK &&
	     (wbits > 15 || wbits < 4 || lbits < 3 || lbits >= wbits || wsize > d->win_cap)) ||
	    (s->phase != DP_DIFF && s->phase != DP_EXTRA) || s->rem == 0 || s->out > d->to_size ||
	    s->rem > d->to_size - s->out || s->in > d->in_max || s->from > d->from_size ||
	    s->nbits > 32 || s->out < wsize || (s->phase == DP_DIFF && s->from < wsize) ||
	    s->br_dist > wsize ||
	    (s->br_cnt > 0 && (s->br_dist == 0 || s->br_cnt > ((uint32_t)1 << lbits)))) {
		return -EBADMSG;
	}
	d->comp = comp;
	d->wbits = comp == DELTA_COMP_HEATSHRINK ? wbits : 0;
	d->lbits = comp == DELTA_COMP_HEATSHRINK ? lbits : 0;
	d->phase = s->phase;
	d->v_first = 1;
	d->out = s->out;
	d->from = s->from;
	d->rem = s->rem;
	d->since = wsize;
	d->in = s->in;
	d->crc = s->crc;
	d->acc = s->acc;
	d->nbits = s->nbits;
	d->br_dist = s->br_dist;
	d->br_cnt = s->br_cnt;
	d->head = 0;
	/* the window: the last wsize decompressed bytes, all of this chunk */
	for (uint32_t i = 0; i < wsize;) {
		uint32_t k = wsize - i < DELTA_BATCH ? wsize - i : DELTA_BATCH;
		int err = read_new(io->ctx, s->out - wsize + i, d->buf, k);

		if (err == 0 && s->phase == DP_DIFF) {
			err = io->read_old(io->ctx, s->from - wsize + i, d->old, k);
			for (uint32_t j = 0; err == 0 && j < k; j++) {
				d->buf[j] = (uint8_t)(d->buf[j] - d->old[j]);
			}
		}
		if (err) {
			return err;
		}
		memcpy(d->win + i, d->buf, k);
		i += k;
	}
	return 0;
}
