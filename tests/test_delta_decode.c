/*
 * Application delta, the patch decoder alone (memory I/O): round trips of
 * our generator's patches on synthetic pairs with both compressions and
 * several heatshrink windows, fed in pieces of 1..n bytes; resume from a
 * snapshot with the window rebuilt from the output; hand-made patches for
 * each refusal (reads outside the old image, output past to_size, other
 * patch types, data formats, windows too large, trailing data, padding).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "delta_support.h"
#include "harness.h"

#define OLD_N 6000u

static uint8_t old_[OLD_N], new_[OLD_N + 512], out_[OLD_N + 512];
static uint8_t win_[1u << 12];
static struct dfu_delta_dec dec_;

static int roundtrip(int kind, uint8_t comp, uint8_t w, uint8_t l, size_t chunk)
{
	size_t nn, pn;
	uint8_t *patch;
	struct delta_gen_opts o = {.comp = comp, .wbits = w, .lbits = l};
	struct memdec m = {.old = old_, .on = OLD_N, .out = out_, .cap = sizeof(out_)};

	make_pair(kind, old_, OLD_N, new_, &nn, (uint32_t)kind + 1u);
	if (delta_gen_patch(old_, OLD_N, new_, nn, &o, &patch, &pn, NULL) != 0) {
		return -ENOMEM;
	}
	int err = memdec_run(&m, &dec_, win_, sizeof(win_), patch, pn, (uint32_t)nn, chunk);

	free(patch);
	if (err == 0 && (m.written != nn || memcmp(out_, new_, nn) != 0)) {
		err = -EILSEQ;
	}
	return err;
}

TEST(every_synthetic_pair_round_trips_with_none_and_heatshrink)
{
	static const size_t chunks[] = {1, 7, 128, 100000};

	for (int k = 0; k < PAIR_KINDS; k++) {
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			CHECKF(roundtrip(k, DELTA_GEN_NONE, 0, 0, chunks[c]) == 0,
			       "%s none chunk %zu", pair_names[k], chunks[c]);
			CHECKF(roundtrip(k, DELTA_GEN_HEATSHRINK, 8, 4, chunks[c]) == 0,
			       "%s hs chunk %zu", pair_names[k], chunks[c]);
		}
	}
}

TEST(heatshrink_windows_4_to_12_and_lookaheads_round_trip)
{
	static const uint8_t wl[][2] = {{4, 3}, {5, 4}, {8, 7}, {9, 8}, {10, 4}, {11, 10}, {12, 6}};

	for (size_t i = 0; i < sizeof(wl) / sizeof(wl[0]); i++) {
		for (int k = 0; k < PAIR_KINDS; k++) {
			CHECKF(roundtrip(k, DELTA_GEN_HEATSHRINK, wl[i][0], wl[i][1], 33) == 0,
			       "%s w %u l %u", pair_names[k], wl[i][0], wl[i][1]);
		}
	}
}

/* Decode up to a snapshot, throw the decoder away, restore it from the
 * snapshot (window rebuilt from the output) and finish. */
TEST(restore_from_any_snapshot_gives_the_same_image)
{
	for (int comp = 0; comp < 2; comp++) {
		for (int k = 0; k < PAIR_KINDS; k++) {
			size_t nn, pn;
			uint8_t *patch;
			struct delta_gen_opts o = {.comp = comp ? DELTA_GEN_HEATSHRINK
								: DELTA_GEN_NONE,
						   .wbits = 8,
						   .lbits = 5};

			make_pair(k, old_, OLD_N, new_, &nn, 42u + (uint32_t)k);
			CHECK_OK(delta_gen_patch(old_, OLD_N, new_, nn, &o, &patch, &pn, NULL));
			for (uint32_t every = 300; every < 3000; every += 700) {
				struct memdec m = {.old = old_,
						   .on = OLD_N,
						   .out = out_,
						   .cap = sizeof(out_),
						   .every = every};
				int err = memdec_run(&m, &dec_, win_, sizeof(win_), patch, pn,
						     (uint32_t)nn, 50);

				CHECK_OK(err);
				if (m.snaps == 0) {
					continue; /* no point with a rebuildable window */
				}
				struct dfu_delta_snap s = m.last;
				struct dfu_delta_io io = md_io(&m);

				memset(out_ + s.out, 0xEE, sizeof(out_) - s.out);
				m.written = s.out;
				delta_dec_init(&dec_, OLD_N, (uint32_t)nn, (uint32_t)pn, win_,
					       sizeof(win_));
				memset(win_, 0x5A, sizeof(win_));
				CHECK_OK(delta_dec_restore(&dec_, o.comp, comp ? 8 : 0,
							   comp ? 5 : 0, &s, &io, md_read_new));
				CHECK_OK(delta_dec_feed(&dec_, patch + s.in, pn - s.in, &io));
				CHECK_OK(delta_dec_finish(&dec_));
				CHECKF(memcmp(out_, new_, nn) == 0, "%s comp %d every %u",
				       pair_names[k], comp, (unsigned)every);
			}
			free(patch);
		}
	}
}

/* ---- hand-made patches ---------------------------------------------- */

static int run_raw(const uint8_t *p, size_t n, uint32_t to_size, uint32_t win_cap)
{
	struct memdec m = {.old = old_, .on = 16, .out = out_, .cap = sizeof(out_)};

	return memdec_run(&m, &dec_, win_, win_cap, p, n, to_size, 1);
}

TEST(minimal_patches_decode)
{
	/* none: to_size 4; dfpatch 0; diff 2 (+1,+1); extra 2 "ab"; adjust 0 */
	static const uint8_t p[] = {0x00, 0x04, 0x00, 0x02, 0x01, 0x01, 0x02, 'a', 'b', 0x00};

	fill_random(old_, 16, 3);
	CHECK_OK(run_raw(p, sizeof(p), 4, 0));
	CHECK_EQ(out_[0], (uint8_t)(old_[0] + 1));
	CHECK_EQ(out_[3], 'b');
}

TEST(refusals_of_malformed_patches)
{
	static const struct {
		const char *why;
		uint8_t p[16];
		uint8_t n;
		uint32_t to;
		int err;
	} c[] = {
		{"in-place type", {0x10, 0x04}, 2, 4, -ENOTSUP},
		{"lzma", {0x01, 0x04}, 2, 4, -ENOTSUP},
		{"bit 7 of the header", {0x80, 0x04}, 2, 4, -EBADMSG},
		{"to_size not the envelope's", {0x00, 0x05, 0x00}, 3, 4, -EBADMSG},
		{"data format", {0x00, 0x04, 0x03}, 3, 4, -ENOTSUP},
		{"diff past to_size", {0x00, 0x04, 0x00, 0x05}, 4, 4, -EBADMSG},
		{"negative diff size", {0x00, 0x04, 0x00, 0x41}, 4, 4, -EBADMSG},
		{"diff reads past the old image",
		 {0x00, 0x04, 0x00, 0x00, 0x00, 0x10, 0x04, 0, 0, 0, 0},
		 11,
		 4,
		 -EBADMSG},
		{"adjust before the old image",
		 {0x00, 0x04, 0x00, 0x00, 0x00, 0x41},
		 6,
		 4,
		 -EBADMSG},
		{"adjust past the old image", {0x00, 0x04, 0x00, 0x00, 0x00, 0x11}, 6, 4, -EBADMSG},
		{"data after the end",
		 {0x00, 0x02, 0x00, 0x00, 0x02, 'a', 'b', 0x00, 0x00},
		 9,
		 2,
		 -EBADMSG},
		{"size overflow",
		 {0x00, 0x04, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
		 9,
		 4,
		 -EBADMSG},
		{"window 2^12 > 2^8 buffer", {0x04, 0x04, 0x84}, 3, 4, -ENOTSUP},
		{"lookahead >= window", {0x04, 0x04, 0x45}, 3, 4, -EBADMSG},
		{"truncated", {0x00, 0x04, 0x00, 0x02, 0x01}, 5, 4, -EBADMSG},
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int err = run_raw(c[i].p, c[i].n, c[i].to, 256);

		CHECKF(err == c[i].err, "%s: %s", c[i].why, dfu_errno_name(err));
	}
}

TEST(heatshrink_padding_and_trailing_bytes_are_refused)
{
	size_t nn, pn;
	uint8_t *patch;
	struct delta_gen_opts o = {.comp = DELTA_GEN_HEATSHRINK, .wbits = 8, .lbits = 4};
	struct memdec m = {.old = old_, .on = OLD_N, .out = out_, .cap = sizeof(out_)};

	make_pair(PAIR_EDIT, old_, OLD_N, new_, &nn, 9);
	CHECK_OK(delta_gen_patch(old_, OLD_N, new_, nn, &o, &patch, &pn, NULL));
	uint8_t *q = malloc(pn + 1);

	CHECK(q != NULL);
	memcpy(q, patch, pn);
	q[pn] = 0;
	m.written = 0;
	CHECK_ERR(memdec_run(&m, &dec_, win_, sizeof(win_), q, pn + 1, (uint32_t)nn, 64), EBADMSG);
	/* a one in the last byte's padding (when it has padding) */
	memcpy(q, patch, pn);
	q[pn - 1] ^= 0x01;
	m.written = 0;
	int err = memdec_run(&m, &dec_, win_, sizeof(win_), q, pn, (uint32_t)nn, 64);

	CHECK(err != 0 || memcmp(out_, new_, nn) != 0);
	free(q);
	free(patch);
}

/* l must be below w: no (w, l) left is an error, not a patch. */
TEST(generator_refuses_a_lookahead_not_below_the_window)
{
	size_t nn, pn = 0;
	uint8_t *patch = NULL;
	struct delta_gen_opts o = {.comp = DELTA_GEN_HEATSHRINK, .wbits = 8, .lbits = 8};

	make_pair(PAIR_EDIT, old_, OLD_N, new_, &nn, 9);
	CHECK_ERR(delta_gen_patch(old_, OLD_N, new_, nn, &o, &patch, &pn, NULL), EINVAL);
	CHECK(patch == NULL);
}

TEST_MAIN(RUN(every_synthetic_pair_round_trips_with_none_and_heatshrink);
	  RUN(heatshrink_windows_4_to_12_and_lookaheads_round_trip);
	  RUN(restore_from_any_snapshot_gives_the_same_image); RUN(minimal_patches_decode);
	  RUN(refusals_of_malformed_patches);
	  RUN(heatshrink_padding_and_trailing_bytes_are_refused);
	  RUN(generator_refuses_a_lookahead_not_below_the_window);)
