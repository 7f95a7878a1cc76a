/*
 * Application delta: the patch decoder (internal). A streaming decoder of
 * detools' "sequential" patch type with compression "none" or
 * "heatshrink" (docs/delta.md has the byte-level format and the subset).
 *
 * Pure: the old image is read and the new image written through callbacks;
 * no heap, no stdio. Input arrives in pieces of any size; the decoder keeps
 * every partial state (a size being read, unread bits, a back-reference
 * being copied) between calls. Every length is checked: a patch that reads
 * outside the old image, produces more than to_size bytes, uses a feature
 * this decoder does not have, or carries trailing garbage is refused.
 *
 * Resume: at points where the last 2^w decompressed bytes all belong to
 * the current data chunk, the whole decoder state fits in a small snapshot
 * (struct dfu_delta_snap); the heatshrink window is then rebuilt from the
 * already written output (and the old image, for a diff chunk).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DELTA_DECODE_H_
#define DELTA_DECODE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_target_mcuboot_delta.h"

struct dfu_delta_io {
	void *ctx;
	/* Read n old-image bytes at off (off + n <= from_size is checked). */
	int (*read_old)(void *ctx, uint32_t off, uint8_t *dst, size_t n);
	/* n new-image bytes at out (in order; n <= DELTA_BATCH). */
	int (*write_new)(void *ctx, uint32_t out, const uint8_t *src, size_t n);
	/* Called at a resumable point (delta_dec_snap() describes it), before
	 * the output byte at snap_at... is produced; may be NULL. */
	int (*snapshot)(void *ctx, const struct dfu_delta_snap *s);
};

/* detools patch header byte: (type << 4) | compression, bit 7 zero. */
#define DELTA_COMP_NONE 0u
#define DELTA_COMP_HEATSHRINK 4u

#define DELTA_BATCH DFU_DELTA_BATCH

/* Sequential-layer phases (values are stored in snapshots: fixed). */
enum delta_phase {
	DP_TYPE = 0,    /* detools header byte */
	DP_TO_SIZE = 1, /* to_size (plain size encoding) */
	DP_HS_HDR = 2,  /* heatshrink parameters byte */
	DP_DFPATCH = 3, /* data-format patch size (must be 0) */
	DP_DIFF_SIZE = 4,
	DP_DIFF = 5,
	DP_EXTRA_SIZE = 6,
	DP_EXTRA = 7,
	DP_ADJUST = 8,
	DP_END = 9,
};

/* Start decoding a patch (its first byte is the detools header). */
void delta_dec_init(struct dfu_delta_dec *d, uint32_t from_size, uint32_t to_size, uint32_t in_max,
		    uint8_t *win, uint32_t win_cap);

/*
 * Consume len patch bytes. Returns 0 when all were consumed; a callback's
 * error unchanged (the decoder state is then undefined: restore a snapshot);
 * -EBADMSG malformed (sizes, reads outside the old image, output past
 * to_size, data after the end, to_size different from the envelope's);
 * -ENOTSUP another patch type, compression, a data format, or a window
 * larger than win_cap.
 */
int delta_dec_feed(struct dfu_delta_dec *d, const uint8_t *p, size_t len,
		   const struct dfu_delta_io *io);

/* The patch ended here: 0 when it decoded completely and cleanly (all
 * output, nothing pending, padding bits zero); -EBADMSG otherwise. */
int delta_dec_finish(const struct dfu_delta_dec *d);

/* Describe the current state (valid at a snapshot callback). */
void delta_dec_snap(const struct dfu_delta_dec *d, struct dfu_delta_snap *s);

/*
 * Put the decoder back at snapshot s of a patch whose header gave comp,
 * wbits and lbits (the decoder was delta_dec_init()ed). The heatshrink
 * window is rebuilt by reading back the last 2^wbits output bytes with
 * read_new (and the old bytes under them for a diff chunk). Returns 0,
 * -EBADMSG for an inconsistent snapshot, or a read error.
 */
int delta_dec_restore(struct dfu_delta_dec *d, uint8_t comp, uint8_t wbits, uint8_t lbits,
		      const struct dfu_delta_snap *s, const struct dfu_delta_io *io,
		      int (*read_new)(void *ctx, uint32_t off, uint8_t *dst, size_t n));

#endif /* DELTA_DECODE_H_ */
