/*
 * Internal helpers: byte-wise little-endian access (no unaligned or
 * host-endian loads of untrusted data) and small utilities.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_UTIL_H_
#define DFU_UTIL_H_

#include <stdint.h>

/* Keep a cold path out of its caller (the hot path stays without a stack
 * frame). A hint only: empty where the compiler has no such attribute. */
#if defined(__GNUC__) || defined(__clang__)
#define DFU_NOINLINE __attribute__((noinline))
#else
#define DFU_NOINLINE
#endif

static inline uint32_t dfu_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline void dfu_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#endif /* DFU_UTIL_H_ */
