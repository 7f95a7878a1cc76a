/*
 * MCUboot image format helpers shared by the MCUboot target's files:
 * header decoding, the hash engine switch (port or portable SHA-256) and
 * verification of an image from flash. Internal.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef MCUBOOT_IMAGE_H_
#define MCUBOOT_IMAGE_H_

#include <stdbool.h>
#include <stdint.h>

#include "dfu/dfu_target_mcuboot.h"

#define MCUBOOT_HDR_SIZE 32u
#define MCUBOOT_TLV_INFO 0x6907u
#define MCUBOOT_TLV_PROT_INFO 0x6908u

#define MCUBOOT_F_PIC 0x00000001u
#define MCUBOOT_F_ENC128 0x00000004u
#define MCUBOOT_F_ENC256 0x00000008u
#define MCUBOOT_F_NON_BOOTABLE 0x00000010u

#define MCUBOOT_TLV_KEYHASH 0x01u
#define MCUBOOT_TLV_PUBKEY 0x02u
#define MCUBOOT_TLV_SHA256 0x10u
#define MCUBOOT_TLV_SHA384 0x11u
#define MCUBOOT_TLV_SHA512 0x12u
#define MCUBOOT_TLV_RSA2048 0x20u
#define MCUBOOT_TLV_ECDSA 0x22u
#define MCUBOOT_TLV_RSA3072 0x23u
#define MCUBOOT_TLV_ED25519 0x24u
#define MCUBOOT_TLV_SEC_CNT 0x50u

static inline uint16_t mcuboot_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

/**
 * Decode the 32-byte header into info and check it: magic, hdr_size >= 32,
 * flags, hdr + img + prot within max_img and within file_size (0 = unknown),
 * computed in 64 bits. Returns 0, -EBADMSG, -EFBIG, or -ENOTSUP (encrypted
 * and !allow_enc).
 */
int mcuboot_hdr_decode(const uint8_t *b, uint32_t max_img, uint32_t file_size, bool allow_enc,
		       struct dfu_mcuboot_info *info);

/** Hash engine: the port's when it has one, else the portable SHA-256. */
int mcuboot_hash_start(const struct dfu_crypto *c, struct dfu_sha256 *sw);
int mcuboot_hash_update(const struct dfu_crypto *c, struct dfu_sha256 *sw, const void *p, size_t n);
int mcuboot_hash_finish(const struct dfu_crypto *c, struct dfu_sha256 *sw,
			uint8_t out[DFU_SHA256_SIZE]);

struct mcuboot_verify_args {
	const struct dfu_flash *flash;
	uint32_t base;    /* device offset of the image start */
	uint32_t max_img; /* maximum image size */
	uint8_t *scratch;
	uint32_t scratch_len;
	const struct dfu_crypto *crypto;
	struct dfu_sha256 *sha;
	const struct dfu_mcuboot_key *keys;
	uint8_t key_count;
	bool allow_enc;
	/* Digest of [0, hashed end) computed elsewhere (streaming), or NULL:
	 * hash the flash. */
	const uint8_t *digest;
	/* false: only read the header and the TLVs (no hash, no signature). */
	bool full;
};

/**
 * Read the image at a->base from flash: header, hash (unless a->digest or
 * !a->full), TLV walk (SHA-256 TLV compared, key hash / public key matched
 * against the trusted keys, signature checked through the crypto port).
 * Returns 0 with the outcomes in info; -ENOENT when the header magic is not
 * there (empty slot); -EBADMSG/-EFBIG/-ENOTSUP for a malformed image as
 * mcuboot_hdr_decode, or a TLV structure error; flash errors unchanged.
 */
int mcuboot_verify(const struct mcuboot_verify_args *a, struct dfu_mcuboot_info *info);

/**
 * The error a verification outcome means (0 = acceptable as verified), see
 * the error list in dfu_target_mcuboot.h.
 */
int mcuboot_verdict(const struct dfu_mcuboot_info *info, uint8_t key_count, bool allow_enc);

#endif /* MCUBOOT_IMAGE_H_ */
