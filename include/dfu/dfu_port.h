/*
 * dfu_target port layer: everything the library needs from the platform.
 *
 * The library never touches hardware, the heap or stdio. It talks to the
 * platform only through the structures below, all owned by the caller:
 *
 *   - struct dfu_flash: one flash device (internal NVMC, external NOR, ...)
 *     with its geometry. Several devices may exist; each storage area names
 *     the device it lives on.
 *   - struct dfu_kv: a small persistent key-value store (progress records).
 *   - struct dfu_clock: milliseconds clock and sleep (modem erase waits).
 *   - struct dfu_port: the bundle passed to a context.
 *
 * Every callback returns 0 (or a byte count where stated) on success and a
 * negative errno value on failure. The library passes flash and store errors
 * through to its caller unchanged. A callback must never return a positive
 * value where 0 is expected (contract violation, asserted in debug builds).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_PORT_H_
#define DFU_PORT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dfu_modem_delta; /* dfu_modem.h */

/**
 * One flash device.
 *
 * Geometry rules, checked by dfu_flash_validate():
 *   - write_block >= 1 and erase_block >= write_block;
 *   - erase_block is a multiple of write_block;
 *   - size is a non-zero multiple of erase_block.
 *
 * Callback contracts (off/len are device offsets, 0 = first byte):
 *
 * read(ctx, off, dst, len)
 *   Copy len bytes at off into dst. Any alignment. off + len <= size.
 *   Returns 0 or a negative errno.
 *
 * program(ctx, off, src, len)
 *   Program len bytes from src at off. off and len are multiples of
 *   write_block, len > 0, off + len <= size. Every write block touched has
 *   been erased since it was last programmed: the library never programs a
 *   write block twice between erases. The call may span several erase blocks
 *   and program pages; splitting is the port's job. src may be any address
 *   (it can point into the caller's transport buffer; no alignment is
 *   guaranteed). Returns 0 or a negative errno. After an error the content of
 *   the touched write blocks is undefined.
 *
 * erase(ctx, off, len)
 *   Erase len bytes at off; off and len are multiples of erase_block,
 *   len > 0. Afterwards every byte reads erase_value. Returns 0 or a negative
 *   errno. May block for the full erase time (see the device datasheet); the
 *   library documents which of its calls can trigger an erase.
 *
 * Power loss: the library assumes that a program or erase interrupted by a
 * power cut leaves the touched blocks undefined, including a block that reads
 * as erased but is not reliably erased. It therefore never trusts a blank
 * check after a reboot: it re-erases before programming.
 */
struct dfu_flash {
	void *ctx; /**< Passed back to every callback. */
	int (*read)(void *ctx, uint32_t off, void *dst, size_t len);
	int (*program)(void *ctx, uint32_t off, const void *src, size_t len);
	int (*erase)(void *ctx, uint32_t off, size_t len);
	uint32_t size;        /**< Device size in bytes. */
	uint32_t write_block; /**< Program unit in bytes (1, 4, 8, ...). */
	uint32_t erase_block; /**< Erase unit in bytes (2048, 4096, ...). */
	uint8_t erase_value;  /**< Value of an erased byte (0xFF or 0x00). */
};

/**
 * Persistent key-value store for small records (at most DFU_KV_MAX_RECORD
 * bytes). Keys are NUL-terminated ASCII strings of at most 15 characters.
 *
 * read(ctx, key, dst, len)
 *   Copy up to len bytes of the record into dst. Returns the record's full
 *   length (>= 0, may exceed len: then only len bytes were copied), -ENOENT
 *   when no record exists, or another negative errno.
 *
 * write(ctx, key, src, len)
 *   Store the record, replacing any previous one. Must be atomic: after a
 *   power cut the store holds either the old record (or none) or the new one,
 *   never a mix. Returns 0 or a negative errno.
 *
 * remove(ctx, key)
 *   Delete the record. Returns 0, also when it did not exist, or a negative
 *   errno. Atomic like write.
 */
struct dfu_kv {
	void *ctx;
	int (*read)(void *ctx, const char *key, void *dst, size_t len);
	int (*write)(void *ctx, const char *key, const void *src, size_t len);
	int (*remove)(void *ctx, const char *key);
};

/** Largest record the library stores in a dfu_kv. */
#define DFU_KV_MAX_RECORD 64

/**
 * Clock. now_ms() is a free-running millisecond counter (wraps at 2^32);
 * sleep_ms() blocks the caller for about ms milliseconds. Both are only used
 * by targets that must wait for the device (modem erase).
 */
struct dfu_clock {
	void *ctx;
	uint32_t (*now_ms)(void *ctx);
	void (*sleep_ms)(void *ctx, uint32_t ms);
};

/** Signature algorithms a crypto port may verify (MCUboot TLV types noted). */
enum dfu_sig_alg {
	DFU_SIG_ECDSA_P256 = 1,  /**< TLV 0x22 with SHA-256: DER (r, s) over the digest. */
	DFU_SIG_ED25519 = 2,     /**< TLV 0x24: 64 B over the 32-byte digest. */
	DFU_SIG_RSA2048_PSS = 3, /**< TLV 0x20: PSS, MGF1-SHA256, salt 32. */
	DFU_SIG_RSA3072_PSS = 4, /**< TLV 0x23: as above, 384 B. */
};

/**
 * Crypto: an optional SHA-256 engine (hardware) and optional signature
 * verification. Every member may be NULL.
 *
 * sha256_start/update/finish (all three or none)
 *   One hash at a time per dfu_crypto instance: start() begins a new hash
 *   (discarding any unfinished one), update() absorbs len bytes (any
 *   alignment, len may be 0), finish() writes the 32-byte digest. Return 0 or
 *   a negative errno. When NULL the library uses its portable SHA-256
 *   (dfu_sha256.h).
 *
 * verify(ctx, alg, key, key_len, digest, sig, sig_len)
 *   Verify signature sig over the 32-byte digest with public key key: the DER
 *   SubjectPublicKeyInfo for ECDSA and Ed25519, the DER PKCS#1 RSAPublicKey
 *   for RSA (the bytes MCUboot hashes for its KEYHASH TLV; a port may also
 *   accept an RSA SubjectPublicKeyInfo, both ports in ports/ do). Returns 0
 *   when the signature is valid, -EBADMSG when it is not (or is malformed),
 *   -ENOTSUP when alg is not supported or the key is well-formed but of
 *   another type, curve, size or point form than the port can use for alg,
 *   -EINVAL for NULL arguments or a key that does not parse, -ENOMEM, or
 *   another negative errno on failure. The key is checked before the
 *   signature: a key problem is reported as such whatever the signature. The
 *   library never reports an image "signature verified" unless this
 *   returned 0.
 *
 * check_key(ctx, alg, key, key_len) (optional)
 *   Could verify() use this key for alg? Same key forms and the same key
 *   errors as verify() (0, -ENOTSUP, -EINVAL, -ENOMEM, other), without a
 *   signature. The library calls it when keys are configured (the MCUboot
 *   target at dfu_ctx_setup() and at init) to refuse a misconfiguration
 *   before anything is erased. When NULL, the library probes verify()
 *   instead with a well-formed signature that cannot be valid (ECDSA
 *   r = s = 1; 64 zero bytes for Ed25519; for RSA the modulus itself, a
 *   value >= n) over a zero digest: -EBADMSG means usable, -ENOTSUP and
 *   -EINVAL are refusals, 0 (a port that accepts a forged signature) is
 *   refused with -EIO, any other error is returned. The probe relies on the
 *   key-before-signature rule above and costs one verification per key;
 *   check_key needs neither, so a port should provide it.
 */
struct dfu_crypto {
	void *ctx;
	int (*sha256_start)(void *ctx);
	int (*sha256_update)(void *ctx, const void *data, size_t len);
	int (*sha256_finish)(void *ctx, uint8_t digest[32]);
	int (*verify)(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len,
		      const uint8_t digest[32], const uint8_t *sig, size_t sig_len);
	int (*check_key)(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len);
};

/** Kinds of public key dfu_key_parse() tells apart. */
enum dfu_key_kind {
	DFU_KEY_EC_P256 = 1, /**< SPKI, id-ecPublicKey, named curve prime256v1. */
	DFU_KEY_EC_OTHER,    /**< SPKI, id-ecPublicKey, another or no named curve. */
	DFU_KEY_ED25519,     /**< SPKI, id-Ed25519 (RFC 8410). */
	DFU_KEY_RSA,         /**< PKCS#1 RSAPublicKey, or SPKI rsaEncryption. */
	DFU_KEY_OTHER,       /**< SPKI of another algorithm. */
};

/** A public key's DER, taken apart (pointers into the parsed bytes). */
struct dfu_key {
	uint8_t kind;  /**< enum dfu_key_kind */
	uint8_t spki;  /**< 1: a SubjectPublicKeyInfo; 0: a PKCS#1 RSAPublicKey. */
	uint32_t bits; /**< RSA: modulus bits; P-256: 256; Ed25519: 255; else 0. */
	/** EC: the point (65 bytes 0x04 || X || Y, or 33 bytes 0x02/0x03 || X
	 *  for P-256); Ed25519: the 32-byte key; RSA: the PKCS#1 RSAPublicKey
	 *  DER (inside the SPKI, or all of it); other: the BIT STRING's bytes. */
	const uint8_t *pub;
	size_t pub_len;
	const uint8_t *mod; /**< RSA: the modulus, big-endian, no leading zero. */
	size_t mod_len;
};

/**
 * Take a public key's DER apart, byte-wise, with every length checked:
 * a SubjectPublicKeyInfo (as `openssl pkey -pubin -outform DER` writes) or a
 * PKCS#1 RSAPublicKey. Strict DER: definite minimal lengths (at most 2
 * length bytes), positive minimal INTEGERs, a BIT STRING without unused
 * bits, nothing after the outer SEQUENCE. A P-256 point must have the
 * length of its form, an Ed25519 key 32 bytes, an RSA modulus and exponent
 * must be non-zero, rsaEncryption parameters NULL or absent, Ed25519
 * parameters absent. Returns 0, or -EINVAL (NULL, not one of these forms, or
 * malformed). No heap, no I/O.
 */
int dfu_key_parse(const uint8_t *der, size_t len, struct dfu_key *out);

/**
 * The signature algorithm MCUboot uses with a parsed key: ECDSA_P256 for a
 * P-256 key, ED25519, RSA2048_PSS / RSA3072_PSS for a 2048- / 3072-bit
 * modulus; 0 for any other key (another curve or size, another algorithm).
 */
int dfu_key_sig_alg(const struct dfu_key *k);

/**
 * An ECDSA P-256 signature as MCUboot's ECDSA TLV carries it (DER
 * ECDSA-Sig-Value: SEQUENCE of two INTEGERs) to the raw r || s (32 + 32
 * bytes, big-endian, left-padded) that PSA's psa_verify_hash and TinyCrypt
 * take. Strict DER: short-form lengths covering exactly the input, positive
 * minimal INTEGERs of at most 32 value bytes. Returns 0 or -EBADMSG (also
 * for NULL arguments). For crypto ports; byte-wise, no allocation.
 */
int dfu_ecdsa_p256_sig_to_raw(const uint8_t *der, size_t der_len, uint8_t raw[64]);

/**
 * The platform bundle given to a context. kv may be NULL: then progress is
 * not persisted across reboots (resume works within one boot only). clock
 * may be NULL unless a target needs it (documented per target).
 */
struct dfu_port {
	const struct dfu_kv *kv;
	const struct dfu_clock *clock;
	const struct dfu_crypto *crypto;     /**< NULL = portable SHA-256, no signatures. */
	const struct dfu_modem_delta *modem; /**< Modem delta ops (dfu_modem.h), or NULL. */
};

/**
 * Check a flash device's callbacks and geometry against the contract above.
 * Returns 0, or -EINVAL naming no field (the rules are listed above).
 */
int dfu_flash_validate(const struct dfu_flash *flash);

/** Check a key-value store's callbacks. Returns 0 or -EINVAL. */
int dfu_kv_validate(const struct dfu_kv *kv);

#ifdef __cplusplus
}
#endif

#endif /* DFU_PORT_H_ */
