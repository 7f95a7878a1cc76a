/*
 * Test generator of full modem update files (.cbor, spec modem.md §8):
 *
 *   D2 84 | 44 A1 01 38 24 | A0 | bstr(manifest) | 59 01 00 + 256 B | blob
 *   manifest = [version, compat, bstr(32) SHA-256(blob),
 *               bstr([addr0, len0, addr1, len1, ...])]
 *
 * with CBOR heads in their shortest form. The blob is pseudo-random, one
 * run of bytes per segment. The options give the near misses the tests
 * need (other lengths, headers, extra items); everything else is real.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CBOR_GEN_H_
#define CBOR_GEN_H_

#include <stddef.h>
#include <stdint.h>

struct cbor_seg {
	uint32_t addr;
	uint32_t len;
};

struct cbor_gen_opts {
	const struct cbor_seg *segs; /* the (addr, len) pairs */
	uint32_t nseg;
	uint32_t version, compat;
	uint32_t seed;       /* blob and signature bytes */
	uint32_t sig_len;    /* 0 = 256 */
	uint32_t hash_len;   /* 0 = 32 (longer: zero-padded digest) */
	const uint8_t *prot; /* protected header content; NULL = A1 01 38 24 */
	uint32_t prot_len;
	const uint8_t *unprot; /* unprotected item; NULL = A0 */
	uint32_t unprot_len;
	uint32_t extra_items;   /* uints appended to the segment array */
	uint32_t payload_extra; /* zero bytes after the manifest, in the payload */
	int wrapper_only;       /* no blob (its declared length may be huge) */
};

/* Encode a CBOR head (shortest form) at out; returns its length (1..5). */
size_t cbor_head(uint8_t *out, uint8_t major, uint32_t arg);

/*
 * Write the file into out (cap bytes). Returns its length, 0 when it does
 * not fit. *wrapper_len (may be NULL) gets the wrapper's length.
 */
size_t cbor_gen(uint8_t *out, size_t cap, const struct cbor_gen_opts *o, size_t *wrapper_len);

/* A real-looking file: 4 segments like mfw_nrf9160 (bootloader, then three
 * firmware segments), scaled to ~blob_kib KiB. */
size_t cbor_gen_modem(uint8_t *out, size_t cap, uint32_t blob_kib, uint32_t seed,
		      size_t *wrapper_len);

#endif /* CBOR_GEN_H_ */
