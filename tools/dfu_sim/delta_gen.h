/*
 * Application delta generator (host): detools-compatible "sequential"
 * patches (bsdiff-style matching over a suffix array, compression none or
 * heatshrink with our own encoder) and the MCUboot delta envelope
 * (docs/delta.md). Portable C with malloc, no stdio: used by
 * `dfu-sim mkpatch`, the tests (also under QEMU, small inputs) and the
 * benchmark.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DELTA_GEN_H_
#define DELTA_GEN_H_

#include <stddef.h>
#include <stdint.h>

#define DELTA_GEN_NONE 0u
#define DELTA_GEN_HEATSHRINK 4u

struct delta_gen_opts {
	uint8_t comp;      /* DELTA_GEN_NONE or DELTA_GEN_HEATSHRINK */
	uint8_t wbits;     /* heatshrink window bits; 0 = try 8..max_wbits */
	uint8_t lbits;     /* heatshrink lookahead bits; 0 = try 4..wbits-1 */
	uint8_t max_wbits; /* 0 = 10 (a 1 KiB window on the device) */
};

/* What went into an artifact. */
struct delta_gen_info {
	uint32_t base_size;   /* old image's hashed region */
	uint32_t new_size;    /* new image, to the end of its TLVs */
	uint32_t patch_size;  /* detools patch bytes */
	uint32_t chunks;      /* diff/extra/adjustment triples */
	uint32_t diff_bytes;  /* bytes from the old image (+ diff) */
	uint32_t extra_bytes; /* new bytes */
	uint8_t wbits, lbits; /* chosen heatshrink parameters */
	uint8_t base_digest[32];
	uint8_t new_digest[32];
};

/*
 * Patch from old[0, on) to new[0, nn) (nn > 0). *out is malloc'd (free it).
 * Returns 0, -EINVAL or -ENOMEM. info may be NULL (only its chunk, byte and
 * w/l fields are filled).
 */
int delta_gen_patch(const uint8_t *old, size_t on, const uint8_t *new_, size_t nn,
		    const struct delta_gen_opts *o, uint8_t **out, size_t *out_len,
		    struct delta_gen_info *info);

/*
 * The delta artifact (envelope + patch) turning the signed MCUboot image
 * old_img into new_img (padding after the TLVs is dropped; the base is the
 * old image's hashed region). Returns 0; -EBADMSG when either is not an
 * MCUboot image (bad magic or sizes); -EINVAL, -ENOMEM.
 */
int delta_gen_artifact(const uint8_t *old_img, size_t old_len, const uint8_t *new_img,
		       size_t new_len, const struct delta_gen_opts *o, uint8_t **out,
		       size_t *out_len, struct delta_gen_info *info);

/* Heatshrink-compress in[0, n) (optimal parse); *out malloc'd. 0 / -ENOMEM. */
int delta_gen_heatshrink(const uint8_t *in, size_t n, unsigned wbits, unsigned lbits, uint8_t **out,
			 size_t *out_len);

/* The MCUboot image's hashed length and end of TLVs; -EBADMSG if not one. */
int delta_gen_image_sizes(const uint8_t *img, size_t len, uint32_t *hashed, uint32_t *tlv_end);

#endif /* DELTA_GEN_H_ */
