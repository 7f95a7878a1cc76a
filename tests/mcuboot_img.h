/*
 * Test image builder: makes MCUboot images the way imgtool's `sign` does
 * (shared/spec/mcuboot.md §1-§5), into a caller buffer, with no heap and no
 * stdio, so it runs on the host and on the emulated target.
 *
 * Layout written by mcuboot_img_build():
 *   [0, 32)                header (magic 0x96f3b83d, little endian)
 *   [32, hdr_size)         0xFF
 *   [hdr_size, +img)       payload
 *   protected TLV area     only if any of: security counter, dependencies,
 *                          custom TLVs; info 0x6908, then SEC_CNT,
 *                          DEPENDENCY..., custom... (imgtool's order)
 *   unprotected TLV area   info 0x6907, SHA256 over [0, hdr+img+prot),
 *                          then KEYHASH (SHA-256 of key) or PUBKEY (key),
 *                          then the signature TLV (when a key is given)
 *   optional --pad         0xFF up to slot_size, trailer magic for max_align
 *                          at the end, image_ok = 0x01 with --confirm
 *
 * Plus helpers to locate TLVs and to corrupt images in tests.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef TEST_MCUBOOT_IMG_H_
#define TEST_MCUBOOT_IMG_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MCUBOOT_IMG_MAGIC 0x96f3b83du
#define MCUBOOT_IMG_HEADER_SIZE 32u
#define MCUBOOT_TLV_INFO_MAGIC 0x6907u
#define MCUBOOT_TLV_PROT_INFO_MAGIC 0x6908u

/* TLV types (spec §3) */
#define MCUBOOT_TLV_KEYHASH 0x01u
#define MCUBOOT_TLV_PUBKEY 0x02u
#define MCUBOOT_TLV_SHA256 0x10u
#define MCUBOOT_TLV_RSA2048_PSS 0x20u
#define MCUBOOT_TLV_ECDSA_SIG 0x22u
#define MCUBOOT_TLV_RSA3072_PSS 0x23u
#define MCUBOOT_TLV_ED25519 0x24u
#define MCUBOOT_TLV_DEPENDENCY 0x40u
#define MCUBOOT_TLV_SEC_CNT 0x50u

struct mcuboot_img_version {
	uint8_t major, minor;
	uint16_t revision;
	uint32_t build;
};

struct mcuboot_img_tlv {
	uint16_t type;
	uint16_t len;
	const uint8_t *data;
};

struct mcuboot_img_dep {
	uint8_t image_id;
	struct mcuboot_img_version version;
};

/**
 * Signs the 32-byte image digest: writes at most cap bytes to sig and sets
 * *sig_len. Returns 0 or a negative errno (returned by the builder as is;
 * -ENOTSUP = no signer here, a test then SKIPs).
 */
typedef int (*mcuboot_img_sign_fn)(void *ctx, const uint8_t digest[32], uint8_t *sig, size_t cap,
				   size_t *sig_len);

struct mcuboot_img_params {
	uint16_t hdr_size; /* --header-size, >= 32; 0 = 0x200 */
	uint32_t load_addr;
	uint32_t flags;
	struct mcuboot_img_version version;
	/* protected TLVs */
	bool has_sec_cnt;
	uint32_t sec_cnt;
	const struct mcuboot_img_dep *deps;
	size_t dep_count;
	const struct mcuboot_img_tlv *custom; /* after the dependencies */
	size_t custom_count;
	/* key and signature: key == NULL -> hash-only image */
	const uint8_t *key; /* bytes hashed for KEYHASH (SPKI, or PKCS#1 for RSA) */
	size_t key_len;
	bool full_pubkey;  /* PUBKEY TLV with the key instead of KEYHASH */
	uint16_t sig_type; /* signature TLV type, e.g. MCUBOOT_TLV_ECDSA_SIG */
	mcuboot_img_sign_fn sign;
	void *sign_ctx;
	/* --pad */
	uint32_t slot_size; /* 0 = no padding */
	uint8_t max_align;  /* trailer alignment A: 8 (0 = 8), 16 or 32 */
	bool confirm;       /* image_ok = 0x01 */
};

/** Where things are in a built image (offsets from the image start). */
struct mcuboot_img_layout {
	uint32_t hdr_size, img_size, prot_size; /* header fields */
	uint32_t tlv_off;                       /* unprotected info (0x6907) */
	uint32_t tlv_size;                      /* its it_tlv_tot */
	uint32_t end;                           /* end of all TLVs */
};

/**
 * Build an image from payload into out[0, cap). payload may overlap out.
 * Returns 0 and sets *out_len (slot_size when padding, else the end of the
 * TLVs); -EINVAL for bad parameters (hdr_size < 32, max_align not 8/16/32,
 * key without sign or sig_type, TLV area over 64 KiB); -ENOSPC when out is
 * too small or the TLVs reach into the trailer (end > slot_size - 4*A -
 * ALIGN_UP(16, A), MCUboot's trailer without swap status); or the sign
 * callback's error.
 */
int mcuboot_img_build(const struct mcuboot_img_params *p, const uint8_t *payload,
		      size_t payload_len, uint8_t *out, size_t cap, size_t *out_len);

/** Hashed length hdr_size + img_size + prot_size of the header at img. */
uint32_t mcuboot_img_hashed_len(const uint8_t *img);

/**
 * Parse the header and TLV infos of img[0, len) (spec §1 iterator rules).
 * Returns 0, -EBADMSG (bad magic, info magic or sizes) or -EINVAL.
 */
int mcuboot_img_layout(const uint8_t *img, size_t len, struct mcuboot_img_layout *l);

/**
 * Find the first TLV of the given type in the protected area (protected ==
 * true) or the unprotected one. Sets *off (offset of the TLV's data) and
 * *tlv_len. Returns 0, -ENOENT, or a mcuboot_img_layout() error.
 */
int mcuboot_img_find_tlv(const uint8_t *img, size_t len, bool protected_area, uint16_t type,
			 uint32_t *off, uint16_t *tlv_len);

/**
 * Append a TLV (type, data[0, n)) at the end of the unprotected area of the
 * unpadded image img[0, *len) (it must end at its TLVs) and update the
 * area's total; *len grows by 4 + n. Unprotected TLVs are not hashed: the
 * image needs no re-signing. Returns 0, -ENOSPC (cap, or a total over 64
 * KiB) or a mcuboot_img_layout() error.
 */
int mcuboot_img_append_tlv(uint8_t *img, size_t cap, size_t *len, uint16_t type,
			   const uint8_t *data, uint16_t n);

/**
 * Remove the first unprotected TLV of the given type from the unpadded
 * image img[0, *len) and update the area's total. Returns 0, -ENOENT or a
 * mcuboot_img_layout() error.
 */
int mcuboot_img_remove_tlv(uint8_t *img, size_t *len, uint16_t type);

/** Trailer magic (16 bytes) for alignment A = 8, 16 or 32. */
void mcuboot_img_trailer_magic(uint8_t max_align, uint8_t magic[16]);

/** Header fields, for corrupting images. */
enum mcuboot_hdr_field {
	MCUBOOT_HDR_MAGIC,         /* u32 at 0 */
	MCUBOOT_HDR_LOAD_ADDR,     /* u32 at 4 */
	MCUBOOT_HDR_HDR_SIZE,      /* u16 at 8 */
	MCUBOOT_HDR_PROT_TLV_SIZE, /* u16 at 10 */
	MCUBOOT_HDR_IMG_SIZE,      /* u32 at 12 */
	MCUBOOT_HDR_FLAGS,         /* u32 at 16 */
	MCUBOOT_HDR_VER_MAJOR,     /* u8 at 20 */
	MCUBOOT_HDR_VER_MINOR,     /* u8 at 21 */
	MCUBOOT_HDR_VER_REVISION,  /* u16 at 22 */
	MCUBOOT_HDR_VER_BUILD,     /* u32 at 24 */
	MCUBOOT_HDR_PAD1,          /* u32 at 28 */
};

/** Read / write a header field (little endian, truncated to its size). */
uint32_t mcuboot_img_get_hdr(const uint8_t *img, enum mcuboot_hdr_field f);
void mcuboot_img_set_hdr(uint8_t *img, enum mcuboot_hdr_field f, uint32_t value);

/** Flip bit (0..7) of byte off. */
void mcuboot_img_flip_bit(uint8_t *img, size_t off, unsigned bit);

#endif /* TEST_MCUBOOT_IMG_H_ */
