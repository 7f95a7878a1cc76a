/*
 * The MCUboot test vectors (imgtool-made images and their keys, see
 * tests/vectors/mcuboot/README.md), linked into the test binary so the
 * same tests run on the host and under QEMU (no filesystem there).
 *
 * The bytes are embedded with .incbin from DFU_VECTORS_DIR (CMake cache
 * variable) by vectors_data.c; the facts in the table (digests from
 * VERIFY.txt, imgtool options from README.md and the dumpinfo files) are
 * written out in vectors.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef TEST_VECTORS_H_
#define TEST_VECTORS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Keys in the vectors directory. */
enum vec_key {
	VEC_KEY_NONE = 0, /* hash-only image */
	VEC_KEY_EC_P256,  /* ec-p256.pem / .pub.pem */
	VEC_KEY_ED25519,  /* ed25519.pem / .pub.pem */
	VEC_KEY_RSA2048,  /* rsa-2048.pem / .pub.pem */
	VEC_KEY_ENC_P256, /* enc-p256: the ECIES encryption key of v07 */
	/* Keys no vector is signed with (openssl, for the crypto-port tests). */
	VEC_KEY_EC_P384,       /* ec-p384.pub.pem: another curve */
	VEC_KEY_RSA3072,       /* rsa-3072.pem / .pub.pem */
	VEC_KEY_RSA2048_OTHER, /* rsa-2048-other.pub.pem: not v05's key */
	VEC_KEY_COUNT
};

struct vec_version {
	uint8_t major, minor;
	uint16_t revision;
	uint32_t build;
};

/** One vNN.bin with what is known about it. */
struct vec_image {
	const char *name; /* "v01" */
	const uint8_t *data;
	size_t len;                 /* VERIFY.txt file size (whole slot for padded images) */
	const uint8_t *end;         /* end of the embedded bytes: end - data == len */
	bool has_digest;            /* false for v07 (encrypted: "invalid hash") */
	uint8_t digest[32];         /* VERIFY.txt "Image digest" */
	struct vec_version version; /* VERIFY.txt "Image version" */
	enum vec_key key;           /* signing key, VEC_KEY_NONE = unsigned */
	uint16_t sig_tlv;           /* 0x22 / 0x24 / 0x20, 0 = none */
	bool full_pubkey;           /* --public-key-format full: PUBKEY TLV */
	/* imgtool options it was made with */
	uint16_t hdr_size;  /* --header-size */
	uint32_t load_addr; /* --load-addr */
	uint32_t flags;     /* header flags */
	uint32_t slot_size; /* --pad --slot-size, 0 = not padded */
	uint8_t max_align;  /* trailer A of a padded image */
	bool confirm;       /* --confirm */
	bool has_sec_cnt;   /* --security-counter */
	uint32_t sec_cnt;
	bool has_dep; /* one -d "(id, version)" */
	uint8_t dep_id;
	struct vec_version dep_version;
	uint16_t custom_type; /* one --custom-tlv, 0 = none */
	uint8_t custom_len;
	uint8_t custom[4];
	bool compressed; /* protected TLVs come from --compression (take them from the file) */
	bool encrypted;  /* payload encrypted: not reproducible without the plaintext */
};

extern const struct vec_image vec_images[];
extern const size_t vec_image_count;

/** The image named name ("v01"), or NULL. */
const struct vec_image *vec_find(const char *name);

/**
 * Data of the first TLV of the given type in v's unprotected TLV area, or
 * NULL; *len gets its length (0 when not found).
 */
const uint8_t *vec_tlv(const struct vec_image *v, uint16_t type, uint16_t *len);

/** A key's PEM text as embedded (NUL-terminated, *len excludes the NUL). */
const char *vec_key_pub_pem(enum vec_key k, size_t *len);
const char *vec_key_priv_pem(enum vec_key k, size_t *len);

/**
 * Decode the first PEM block of pem[0, pem_len) into der (at most cap bytes).
 * Returns the DER length, -EINVAL (not PEM, bad base64) or -ENOSPC.
 */
int vec_pem_to_der(const char *pem, size_t pem_len, uint8_t *der, size_t cap);

/** A public key in the forms the tests need. */
struct vec_pubkey {
	uint8_t spki[512]; /* DER SubjectPublicKeyInfo (the .pub.pem content) */
	size_t spki_len;
	/* The bytes MCUboot hashes for KEYHASH and dfu_crypto.verify() takes:
	 * the SPKI for EC and Ed25519, the PKCS#1 RSAPublicKey inside it for
	 * RSA (every RSA key). Points into spki. */
	const uint8_t *key;
	size_t key_len;
};

/** Decode key k's public key. Returns 0, -EINVAL (VEC_KEY_NONE, bad DER). */
int vec_pubkey_load(enum vec_key k, struct vec_pubkey *out);

#endif /* TEST_VECTORS_H_ */
