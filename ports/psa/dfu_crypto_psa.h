/*
 * PSA Crypto port: a struct dfu_crypto (dfu_port.h) built only on the PSA
 * Crypto API, as nRF91/nRF53 firmware (nrf_security, TF-M) and Zephyr offer
 * it, and as Debian's mbedTLS 2.28 (libmbedcrypto, psa/crypto.h) has it on
 * the host, where it is tested.
 *
 *   struct dfu_crypto_psa p;
 *   struct dfu_crypto crypto;
 *   err = dfu_crypto_psa_init(&p, &crypto, true);   // calls psa_crypto_init()
 *   port.crypto = &crypto;
 *   ...
 *   dfu_crypto_psa_free(&p);
 *
 * PSA calls used: psa_crypto_init; psa_hash_setup/update/finish/abort
 * (SHA-256); psa_import_key, psa_verify_hash, psa_destroy_key (signatures).
 * Key formats are taken apart by the library's own byte-wise DER parser
 * (dfu_key_parse(), dfu_port.h) and the ECDSA signature by
 * dfu_crypto_psa_ecdsa_der_to_raw() below, because PSA imports raw keys and
 * takes raw signatures.
 *
 * verify() and check_key() support:
 *   DFU_SIG_ECDSA_P256   key = DER SubjectPublicKeyInfo of a P-256 key with an
 *                        uncompressed point; imported as that point
 *                        (0x04 || X || Y), PSA_KEY_TYPE_ECC_PUBLIC_KEY(
 *                        PSA_ECC_FAMILY_SECP_R1), 256 bits, for
 *                        PSA_ALG_ECDSA(PSA_ALG_SHA_256). sig = DER
 *                        ECDSA-Sig-Value (r, s), strict DER (below),
 *                        converted to r || s (32 + 32 bytes).
 *   DFU_SIG_RSA2048_PSS  key = DER PKCS#1 RSAPublicKey, or a DER
 *   DFU_SIG_RSA3072_PSS  SubjectPublicKeyInfo (rsaEncryption) holding one;
 *                        the modulus must have exactly 2048 / 3072 bits;
 *                        imported as the PKCS#1 RSAPublicKey,
 *                        PSA_KEY_TYPE_RSA_PUBLIC_KEY, for
 *                        PSA_ALG_RSA_PSS(PSA_ALG_SHA_256): MGF1-SHA256 and,
 *                        as PSA defines PSA_ALG_RSA_PSS, a salt as long as
 *                        the hash, 32 bytes, which is what MCUboot signs
 *                        with (mbedTLS 2.28's PSA refuses any other salt
 *                        length; tested). sig = modulus-sized.
 * Not supported (-ENOTSUP):
 *   DFU_SIG_ED25519      mbedTLS 2.28's PSA implementation has no EdDSA
 *                        (PSA_ALG_PURE_EDDSA). A PSA implementation with it
 *                        (psa_verify_message) could add it; this port does
 *                        not, as it cannot be tested here.
 *   compressed P-256 points (PSA / mbedTLS 2.28 import only uncompressed
 *   ones; imgtool writes uncompressed), other curves, other RSA sizes, a key
 *   of another type than alg names.
 * Strict DER for the ECDSA signature: SEQUENCE with a short-form length
 * covering exactly sig_len bytes (no trailing bytes: imgtool's legacy
 * --pad-sig zero padding, which MCUboot tolerates, is refused, as by the
 * mbedTLS port), two positive, minimally encoded INTEGERs of at most 32
 * value bytes.
 *
 * Returns (as dfu_port.h): 0 valid; -EBADMSG invalid or malformed signature
 * (PSA_ERROR_INVALID_SIGNATURE, or PSA_ERROR_INVALID_ARGUMENT from
 * psa_verify_hash, e.g. an RSA signature value >= n); -ENOTSUP algorithm
 * unsupported, or a well-formed key of another type, curve, size or point
 * form; -EINVAL NULL arguments, a key that does not parse, or one PSA
 * refuses to import (PSA_ERROR_INVALID_ARGUMENT: a point not on the curve,
 * bad RSA numbers); -ENOMEM PSA_ERROR_INSUFFICIENT_MEMORY (also no free key
 * slot); -EIO any other PSA failure (PSA_ERROR_BAD_STATE when
 * psa_crypto_init() was never called, communication with TF-M, ...). The key
 * is checked before the signature.
 *
 * Key handles: every verify() and check_key() imports a volatile key and
 * destroys it before returning, on every path (no key slot is held between
 * calls; 1000 calls in a row are tested against mbedTLS's 32 slots).
 *
 * Resources: no heap in this file; the PSA implementation may allocate
 * (mbedTLS 2.28 does, for key material and bignums). The SHA-256 hooks run
 * through psa_hash_*, so they use a hardware engine where the PSA
 * implementation has one (CryptoCell on nRF91/nRF53). State: one SHA-256 at a
 * time per struct dfu_crypto_psa; verify() and check_key() keep none.
 * Thread safety: as the PSA implementation's (mbedTLS 2.28's key store is not
 * thread-safe: serialise PSA calls; TF-M serialises them itself).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_CRYPTO_PSA_H_
#define DFU_CRYPTO_PSA_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <psa/crypto.h>

#include "dfu/dfu_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Backend state (one SHA-256 in progress). Caller-owned. */
struct dfu_crypto_psa {
	psa_hash_operation_t hash;
	bool sha_started;
};

/**
 * Call psa_crypto_init() (idempotent: fine when the platform did already),
 * initialise p and fill *out with callbacks using p as ctx: verify and
 * check_key always, sha256_start/update/finish only when with_sha (else NULL,
 * so the library uses its portable SHA-256). p must outlive every use of
 * *out. Returns 0; -EINVAL for NULL arguments; -ENOMEM or -EIO when
 * psa_crypto_init() fails (then *out is all NULL: a library configured with
 * keys refuses it).
 */
int dfu_crypto_psa_init(struct dfu_crypto_psa *p, struct dfu_crypto *out, bool with_sha);

/** Abort a hash in progress. PSA itself stays initialised (it is shared). */
void dfu_crypto_psa_free(struct dfu_crypto_psa *p);

/** The verify callback (ctx is unused; may be NULL). */
int dfu_crypto_psa_verify(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len,
			  const uint8_t digest[32], const uint8_t *sig, size_t sig_len);

/** The check_key callback: import and destroy the key (ctx unused). */
int dfu_crypto_psa_check_key(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len);

/**
 * Convert a DER ECDSA-Sig-Value of a P-256 signature to PSA's r || s,
 * byte-wise, strict DER as above. Returns 0, or -EBADMSG (also for NULL).
 */
int dfu_crypto_psa_ecdsa_der_to_raw(const uint8_t *der, size_t der_len, uint8_t raw[64]);

#ifdef __cplusplus
}
#endif

#endif /* DFU_CRYPTO_PSA_H_ */
