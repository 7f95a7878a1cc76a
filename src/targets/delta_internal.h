/*
 * Application delta target: shared between its source files (internal).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DELTA_INTERNAL_H_
#define DELTA_INTERNAL_H_

#include <stdbool.h>
#include <stdint.h>

#include "dfu/dfu_target_mcuboot_delta.h"

#define DELTA_SESSION_SIZE 64u
#define DELTA_SNAP_SIZE 44u

static inline uint32_t delta_le16(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

static inline uint32_t delta_le32(const uint8_t *p)
{
	return delta_le16(p) | (delta_le16(p + 2) << 16);
}

static inline void delta_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

int delta_primary(const struct dfu_mcuboot_pair *pair, uint8_t hdr[32], uint32_t *hashed);
int delta_hash_primary(const struct dfu_mcuboot_pair *pair, const struct dfu_crypto *c, uint32_t n,
		       uint8_t *buf, uint32_t len, uint8_t out[32]);
/* Envelope fields (no device access): 0, -EBADMSG, -ENOTSUP (version). */
int delta_env_parse(const uint8_t *e, uint32_t file_size, struct dfu_mcuboot_delta_info *in);
/* Against the device: size, base (hash of the primary), policy. */
int delta_env_check(const struct dfu_mcuboot *m, const struct dfu_crypto *c, int img, bool full,
		    struct dfu_mcuboot_delta_info *in);
int delta_base_digest(const struct dfu_mcuboot_pair *pair, const struct dfu_crypto *c, uint8_t *buf,
		      uint32_t len, bool full, uint8_t out[32], uint32_t *hashed);

void delta_key(char key[12], char kind, uint8_t pair);
void delta_session_encode(const struct dfu_mcuboot_delta *t, uint8_t r[DELTA_SESSION_SIZE]);
int delta_session_decode(struct dfu_mcuboot_delta *t, const uint8_t r[DELTA_SESSION_SIZE],
			 uint32_t *hdr_crc);
void delta_snap_encode(const struct dfu_delta_snap *s, uint32_t session,
		       uint8_t r[DELTA_SNAP_SIZE]);
int delta_snap_decode(const uint8_t r[DELTA_SNAP_SIZE], uint32_t session, struct dfu_delta_snap *s);

#endif /* DELTA_INTERNAL_H_ */
