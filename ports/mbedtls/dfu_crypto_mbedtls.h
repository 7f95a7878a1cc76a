/*
 * Host crypto port: a struct dfu_crypto (dfu_port.h) backed by mbedTLS 2.28
 * (Debian libmbedtls-dev). Host only: mbedTLS allocates on the heap.
 *
 *   struct dfu_crypto_mbedtls m;
 *   struct dfu_crypto crypto;
 *   dfu_crypto_mbedtls_init(&m, &crypto, true);
 *   port.crypto = &crypto;
 *   ...
 *   dfu_crypto_mbedtls_free(&m);
 *
 * verify() and check_key() support:
 *   DFU_SIG_ECDSA_P256   key = DER SubjectPublicKeyInfo of a P-256 key
 *                        (uncompressed point; mbedTLS 2.28 has no compressed
 *                        ones), sig = DER ECDSA-Sig-Value (r, s), over the
 *                        digest, no bytes after it (imgtool's legacy
 *                        --pad-sig padding is refused);
 *   DFU_SIG_RSA2048_PSS  key = DER PKCS#1 RSAPublicKey, or a DER
 *   DFU_SIG_RSA3072_PSS  SubjectPublicKeyInfo (rsaEncryption) holding one
 *                        (taken apart by dfu_key_parse()), 2048- / 3072-bit
 *                        modulus; sig = the raw modulus-sized signature;
 *                        RSASSA-PSS, SHA-256, MGF1-SHA256, salt exactly 32;
 *   DFU_SIG_ED25519      -ENOTSUP (mbedTLS 2.28 has no Ed25519).
 * Returns (as dfu_port.h): 0 valid; -EBADMSG invalid or malformed signature;
 * -ENOTSUP algorithm unsupported, or a well-formed key of another type,
 * curve, size or point form than alg names; -EINVAL NULL arguments or a key
 * that does not parse; -ENOMEM when mbedTLS runs out of heap. The key is
 * checked before the signature. Thread safety: verify() and check_key()
 * keep no state (each call has its own mbedTLS contexts).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_CRYPTO_MBEDTLS_H_
#define DFU_CRYPTO_MBEDTLS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/sha256.h>

#include "dfu/dfu_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Backend state (one SHA-256 in progress). Caller-owned. */
struct dfu_crypto_mbedtls {
	mbedtls_sha256_context sha;
	bool sha_started;
};

/**
 * Initialise m and fill *out with callbacks using m as ctx: verify and
 * check_key always,
 * sha256_start/update/finish only when with_sha (else NULL, so the library
 * uses its portable SHA-256). m must outlive every use of *out.
 */
void dfu_crypto_mbedtls_init(struct dfu_crypto_mbedtls *m, struct dfu_crypto *out, bool with_sha);

/** Release m's mbedTLS state. */
void dfu_crypto_mbedtls_free(struct dfu_crypto_mbedtls *m);

/** The verify callback (ctx is unused; may be NULL). */
int dfu_crypto_mbedtls_verify(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len,
			      const uint8_t digest[32], const uint8_t *sig, size_t sig_len);

/** The check_key callback: parse the key as verify() would (ctx unused). */
int dfu_crypto_mbedtls_check_key(void *ctx, enum dfu_sig_alg alg, const uint8_t *key,
				 size_t key_len);

/**
 * Test helper: sign a 32-byte digest the way imgtool does.
 * priv/priv_len: private key, PEM (PKCS#8, SEC1 or PKCS#1; need not be
 * NUL-terminated) or DER. DFU_SIG_ECDSA_P256 writes a DER (r, s) signature
 * (randomised, 70..72 bytes); DFU_SIG_RSA2048_PSS / RSA3072_PSS write a PSS
 * signature (salt 32, MGF1-SHA256). Returns 0 and sets *sig_len, -ENOSPC when
 * cap is too small, -ENOTSUP for Ed25519 or a key that does not fit alg,
 * -EINVAL for NULL arguments or an unparsable key, -EIO on other mbedTLS
 * failures.
 */
int dfu_crypto_mbedtls_sign(enum dfu_sig_alg alg, const uint8_t *priv, size_t priv_len,
			    const uint8_t digest[32], uint8_t *sig, size_t cap, size_t *sig_len);

#ifdef __cplusplus
}
#endif

#endif /* DFU_CRYPTO_MBEDTLS_H_ */
