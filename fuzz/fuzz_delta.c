/*
 * Fuzz target: the application delta patch decoder (src/targets/
 * delta_decode.c), detools sequential with none/heatshrink.
 *
 * Input: byte 0 = feeding piece size - 1 (1..256) and, bit 7 of byte 1,
 * snapshots on/off; bytes 1..2 low bits = to_size (1..4096); the rest is
 * the patch. The old image is 1024 fixed pseudo-random bytes; the window
 * buffer 1024 bytes.
 *
 * Invariants:
 *   - the decoder never asks to read outside the old image, never writes
 *     past to_size or out of order, writes at most DFU_DELTA_BATCH bytes a
 *     call (the callbacks abort otherwise);
 *   - its result is 0, -EBADMSG or -ENOTSUP (nothing else: the callbacks
 *     never fail);
 *   - a patch that finishes cleanly produced exactly to_size bytes;
 *   - resuming from the last snapshot (window rebuilt from the output)
 *     and feeding the rest gives the same output and the same verdict;
 *   - ASan/UBSan: no out-of-bounds access, no undefined behaviour.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/targets/delta_decode.h"

#define OLD_N 1024u
#define TO_MAX 4096u

static uint8_t old_[OLD_N], out_[TO_MAX], out2_[TO_MAX], win_[1024];
static struct dfu_delta_dec dec_;

struct io_state {
	uint8_t *out;
	uint32_t to, written, snaps, every;
	struct dfu_delta_snap last;
};

static int rd_old(void *ctx, uint32_t off, uint8_t *dst, size_t n)
{
	(void)ctx;
	if (off > OLD_N || n > OLD_N - off) {
		abort();
	}
	memcpy(dst, old_ + off, n);
	return 0;
}

static int rd_new(void *ctx, uint32_t off, uint8_t *dst, size_t n)
{
	struct io_state *s = ctx;

	if (off > s->written || n > s->written - off) {
		abort();
	}
	memcpy(dst, s->out + off, n);
	return 0;
}

static int wr_new(void *ctx, uint32_t off, const uint8_t *src, size_t n)
{
	struct io_state *s = ctx;

	if (off != s->written || n == 0 || n > DFU_DELTA_BATCH || n > s->to - off) {
		abort();
	}
	memcpy(s->out + off, src, n);
	s->written += (uint32_t)n;
	return 0;
}

static int snap(void *ctx, const struct dfu_delta_snap *sn)
{
	struct io_state *s = ctx;

	s->last = *sn;
	s->snaps++;
	dec_.snap_next = sn->out + s->every;
	return 0;
}

static int feed(struct dfu_delta_io *io, const uint8_t *p, size_t n, size_t piece)
{
	for (size_t off = 0; off < n; off += piece) {
		int err = delta_dec_feed(&dec_, p + off, n - off < piece ? n - off : piece, io);

		if (err) {
			return err;
		}
	}
	return delta_dec_finish(&dec_);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3) {
		return 0;
	}
	for (uint32_t i = 0, x = 12345u; i < OLD_N; i++) {
		x = x * 1103515245u + 12345u;
		old_[i] = (uint8_t)(x >> 16);
	}
	size_t piece = (size_t)data[0] + 1u;
	bool snaps = (data[1] & 0x80u) != 0;
	uint32_t to = ((((uint32_t)data[1] << 8) | data[2]) % TO_MAX) + 1u;
	const uint8_t *p = data + 3;
	size_t n = size - 3;
	struct io_state s = {.out = out_, .to = to, .every = 200};
	struct dfu_delta_io io = {&s, rd_old, wr_new, snaps ? snap : NULL};

	delta_dec_init(&dec_, OLD_N, to, (uint32_t)n, win_, sizeof(win_));
	dec_.snap_next = snaps ? s.every : UINT32_MAX;
	int err = feed(&io, p, n, piece);

	if (err != 0 && err != -EBADMSG && err != -ENOTSUP) {
		abort();
	}
	if (err == 0 && s.written != to) {
		abort();
	}
	if (!snaps || s.snaps == 0) {
		return 0;
	}
	/* resume from the last snapshot into a second buffer */
	struct dfu_delta_snap last = s.last;
	uint8_t comp = dec_.comp, w = dec_.wbits, l = dec_.lbits;
	struct io_state s2 = {.out = out2_, .to = to, .every = 200};
	struct dfu_delta_io io2 = {&s2, rd_old, wr_new, NULL};

	memcpy(out2_, out_, last.out);
	s2.written = last.out;
	delta_dec_init(&dec_, OLD_N, to, (uint32_t)n, win_, sizeof(win_));
	memset(win_, 0xA5, sizeof(win_));
	if (delta_dec_restore(&dec_, comp, w, l, &last, &io2, rd_new) != 0) {
		abort(); /* a snapshot the decoder gave must restore */
	}
	int err2 = feed(&io2, p + last.in, n - last.in, piece);

	if (err2 != err || (err == 0 && memcmp(out_, out2_, to) != 0)) {
		abort();
	}
	return 0;
}
