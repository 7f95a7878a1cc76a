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
 *   for RSA (the bytes MCUboot hashes for its KEYHASH TLV). Returns 0 when the
 *   signature is valid, -EBADMSG when it is not (or is malformed), -ENOTSUP
 *   when alg (or this key's form) is not supported, another negative errno on
 *   failure. The library never reports an image "signature verified" unless
 *   this returned 0.
 */
struct dfu_crypto {
	void *ctx;
	int (*sha256_start)(void *ctx);
	int (*sha256_update)(void *ctx, const void *data, size_t len);
	int (*sha256_finish)(void *ctx, uint8_t digest[32]);
	int (*verify)(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len,
		      const uint8_t digest[32], const uint8_t *sig, size_t sig_len);
};

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
