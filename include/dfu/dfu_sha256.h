/*
 * Portable SHA-256 (FIPS 180-4). No heap, no tables in RAM, byte-wise input
 * (any alignment, any chunking). Used by the MCUboot target to hash images
 * while they stream; a port can substitute a hardware engine through
 * struct dfu_crypto (dfu_port.h).
 *
 *   struct dfu_sha256 h;
 *   dfu_sha256_init(&h);
 *   dfu_sha256_update(&h, chunk, len);   (any number of times)
 *   dfu_sha256_final(&h, digest);        (h must be re-initialised to reuse)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_SHA256_H_
#define DFU_SHA256_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DFU_SHA256_SIZE 32u

/** Hash state. Treat as opaque; visible so the caller can allocate it. */
struct dfu_sha256 {
	uint32_t h[8];
	uint32_t len_lo; /* message length in bytes, low 32 bits */
	uint32_t len_hi; /* high 32 bits */
	uint8_t buf[64]; /* partial block */
};

void dfu_sha256_init(struct dfu_sha256 *c);
void dfu_sha256_update(struct dfu_sha256 *c, const void *data, size_t len);
void dfu_sha256_final(struct dfu_sha256 *c, uint8_t out[DFU_SHA256_SIZE]);

/** One-shot convenience. */
void dfu_sha256(const void *data, size_t len, uint8_t out[DFU_SHA256_SIZE]);

#ifdef __cplusplus
}
#endif

#endif /* DFU_SHA256_H_ */
