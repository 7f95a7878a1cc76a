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
#define MCUBOOT_F_LZMA1 0x00000200u
#define MCUBOOT_F_LZMA2 0x00000400u
#define MCUBOOT_F_ARM_THUMB 0x00000800u

#define MCUBOOT_TLV_KEYHASH 0x01u
#define MCUBOOT_TLV_PUBKEY 0x02u
#define MCUBOOT_TLV_SHA256 0x10u
#define MCUBOOT_TLV_SHA384 0x11u
#define MCUBOOT_TLV_SHA512 0x12u
#define MCUBOOT_TLV_RSA2048 0x20u
#define MCUBOOT_TLV_ECDSA 0x22u
#define MCUBOOT_TLV_RSA3072 0x23u
#define MCUBOOT_TLV_ED25519 0x24u
#define MCUBOOT_TLV_SIG_PURE 0x25u
#define MCUBOOT_TLV_DEPENDENCY 0x40u
#define MCUBOOT_TLV_SEC_CNT 0x50u

static inline uint16_t mcuboot_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

/**
 * Decode the 32-byte header into info and check it under profile prof (NULL
 * = the default): magic (no lower bound on hdr_size: bootutil has none), flags
 * (H5: encryption only with allow_enc, never both bits; H6: compression only
 * with DFU_MCUBOOT_P_DECOMPRESS, never LZMA1 with LZMA2; PIC and undefined
 * bits ignored), hdr + img + prot (+ 4 for the TLV info) within max_img and
 * within file_size (0 = unknown), computed in 64 bits. Returns 0, -EBADMSG,
 * -EFBIG or -ENOTSUP, with info->rule naming the rule.
 */
int mcuboot_hdr_check(const uint8_t *b, uint32_t max_img, uint32_t file_size,
		      const struct dfu_mcuboot_pair_profile *prof, bool allow_enc,
		      struct dfu_mcuboot_info *info);

/** mcuboot_hdr_check() under the default profile, compression allowed (for
 *  listings: dfu-sim's detect). */
int mcuboot_hdr_decode(const uint8_t *b, uint32_t max_img, uint32_t file_size, bool allow_enc,
		       struct dfu_mcuboot_info *info);

/** The default pair profile (for callers without a board). */
extern const struct dfu_mcuboot_pair_profile mcuboot_prof_default;
/** The default with compression allowed: what a NULL profile means to
 *  mcuboot_hdr_decode() and mcuboot_verify() (dfu-sim's listings, which do
 *  not judge by a profile yet). The target always passes its profile. */
extern const struct dfu_mcuboot_pair_profile mcuboot_prof_legacy;

/**
 * MCUboot's version comparison (1.3): major, minor, revision, then the
 * build number only with DFU_MCUBOOT_P_BUILD_NUMBER. <0, 0, >0.
 */
int mcuboot_version_cmp(const struct dfu_mcuboot_info *a, const struct dfu_mcuboot_info *b,
			const struct dfu_mcuboot_pair_profile *prof);

/** Hash engine: the port's when it has one, else the portable SHA-256. */
int mcuboot_hash_start(const struct dfu_crypto *c, struct dfu_sha256 *sw);
int mcuboot_hash_update(const struct dfu_crypto *c, struct dfu_sha256 *sw, const void *p, size_t n);
int mcuboot_hash_finish(const struct dfu_crypto *c, struct dfu_sha256 *sw,
			uint8_t out[DFU_SHA256_SIZE]);

struct mcuboot_verify_args;

/* Called for each protected DEPENDENCY TLV met by the walk (value at off,
 * image-relative, len bytes): 0 to go on, or an error that stops it. */
typedef int (*mcuboot_dep_fn)(void *ctx, const struct mcuboot_verify_args *a, uint32_t off,
			      uint16_t len);

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
	/* The bootloader profile (NULL = mcuboot_prof_legacy). */
	const struct dfu_mcuboot_pair_profile *prof;
	/* Bytes readable from base (an NCS 2.x walk may read past the TLV
	 * area); 0 = max_img. */
	uint32_t read_limit;
	/* Protected DEPENDENCY TLVs (2.10), also in a walk without the hash
	 * (!full); NULL = not reported. */
	mcuboot_dep_fn dep;
	void *dep_ctx;
};

/**
 * Read the image at a->base from flash and judge it as bootutil's
 * bootutil_img_validate does under a->prof (mcuboot_verify.c): header,
 * TLV infos, maximum size, hash (unless a->digest or !a->full), then every
 * TLV in file order (allow list, every hash TLV, key selection, signatures:
 * the last verified one decides, security counters), stopping at the first
 * rule that refuses. Returns 0 with the outcomes in info (info->rule: the
 * refusing walk rule, for mcuboot_verdict()); -ENOENT when the header magic
 * is not there (empty slot); -EBADMSG/-EFBIG/-ENOTSUP for a malformed
 * header or TLV structure (info->rule set too); flash and crypto-port errors
 * unchanged.
 */
int mcuboot_verify(const struct mcuboot_verify_args *a, struct dfu_mcuboot_info *info);

/* ---- what the build expects of the TLVs (mcuboot_build.c) ------------- */

#define MCUBOOT_ECDSA_SIG_MAX 128u /* bootutil's signature buffer for ECDSA */
#define MCUBOOT_ANY_SIG 0xFFFFu    /* mcuboot_expected_sig(): every type */

/** enum dfu_sig_alg of a signature TLV type, 0 for other types. */
int mcuboot_sig_alg_of(uint16_t type);
/** The build's signature TLV type under a->prof with a->keys: 0 = none
 *  (hash-only build, no keys); MCUBOOT_ANY_SIG = every type (a hash-only
 *  profile with keys: the library still requires a signature). */
uint16_t mcuboot_expected_sig(const struct mcuboot_verify_args *a);
/** bootutil's length check of a signature TLV (EXPECTED_SIG_LEN). */
bool mcuboot_sig_len_ok(uint16_t type, uint16_t len);
/** Longest PUBKEY TLV of a HW-key build expecting that signature type. */
uint32_t mcuboot_pubkey_max(uint16_t expected);
/** Allowed unprotected TLV type (2.4), a non-pure, non-HMAC-SHA512 build. */
bool mcuboot_allowed_unprotected(uint16_t type);
/** The rule a signature verdict (enum dfu_mcuboot_check) refuses by. */
uint8_t mcuboot_sig_rule(uint8_t verdict);

/**
 * The error a verification outcome means (0 = acceptable as verified), see
 * the error list in dfu_target_mcuboot.h.
 */
int mcuboot_verdict(const struct dfu_mcuboot_info *info, uint8_t key_count, bool allow_enc);

/** Parse an ECDSA TLV as the lenient bootutil decoder (TinyCrypt, CC310)
 *  and re-encode (r, s) as strict DER into out (>= 72 bytes). Returns the
 *  DER length, or -EBADMSG when the lenient decoder refuses it. */
int mcuboot_ecdsa_lenient(const uint8_t *sig, size_t len, uint8_t out[72]);

#endif /* MCUBOOT_IMAGE_H_ */
