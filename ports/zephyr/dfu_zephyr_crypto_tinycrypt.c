/*
 * Crypto port on TinyCrypt (see dfu_zephyr.h): SHA-256 (tc_sha256_*) and
 * ECDSA P-256 verification (uECC_verify over secp256r1), the algorithms
 * MCUboot's TinyCrypt builds use. Return values as dfu_port.h and the PSA
 * port: 0 valid, -EBADMSG invalid or malformed signature, -ENOTSUP another
 * algorithm (RSA, Ed25519) or a key of another type/curve/point form
 * (compressed), -EINVAL NULL arguments or a key that does not parse or is
 * not a point on the curve. The key is checked before the signature.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include <tinycrypt/constants.h>
#include <tinycrypt/ecc.h>
#include <tinycrypt/ecc_dsa.h>
#include <tinycrypt/sha256.h>

#include "dfu_zephyr/dfu_zephyr.h"

#define P256_LEN 32
#define P256_POINT_LEN 65

static struct tc_sha256_state_struct sha;

static int tc_start(void *ctx)
{
	ARG_UNUSED(ctx);
	return tc_sha256_init(&sha) == TC_CRYPTO_SUCCESS ? 0 : -EIO;
}

static int tc_update(void *ctx, const void *data, size_t len)
{
	ARG_UNUSED(ctx);
	if (len == 0) {
		return 0;
	}
	return tc_sha256_update(&sha, data, len) == TC_CRYPTO_SUCCESS ? 0 : -EIO;
}

static int tc_finish(void *ctx, uint8_t digest[32])
{
	ARG_UNUSED(ctx);
	return tc_sha256_final(digest, &sha) == TC_CRYPTO_SUCCESS ? 0 : -EIO;
}

int dfu_zephyr_ecdsa_der_to_raw(const uint8_t *der, size_t der_len, uint8_t raw[64])
{
	return dfu_ecdsa_p256_sig_to_raw(der, der_len, raw);
}

/* The key as TinyCrypt's 64-byte X || Y. */
static int tc_key(enum dfu_sig_alg alg, const uint8_t *key, size_t key_len, const uint8_t **xy)
{
	struct dfu_key k;

	if (key == NULL) {
		return -EINVAL;
	}
	if (alg != DFU_SIG_ECDSA_P256) {
		return -ENOTSUP;
	}
	if (dfu_key_parse(key, key_len, &k) != 0) {
		return -EINVAL;
	}
	if (k.kind != DFU_KEY_EC_P256 || k.pub_len != P256_POINT_LEN || k.pub[0] != 0x04) {
		return -ENOTSUP;
	}
	if (uECC_valid_public_key(k.pub + 1, uECC_secp256r1()) != 0) {
		return -EINVAL; /* not a point on the curve */
	}
	*xy = k.pub + 1;
	return 0;
}

static int tc_check_key(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len)
{
	const uint8_t *xy;

	ARG_UNUSED(ctx);
	return tc_key(alg, key, key_len, &xy);
}

static int tc_verify(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len,
		     const uint8_t digest[32], const uint8_t *sig, size_t sig_len)
{
	uint8_t raw[2 * P256_LEN];
	const uint8_t *xy;
	int err;

	ARG_UNUSED(ctx);
	if (digest == NULL || sig == NULL) {
		return -EINVAL;
	}
	err = tc_key(alg, key, key_len, &xy);
	if (err == 0) {
		err = dfu_zephyr_ecdsa_der_to_raw(sig, sig_len, raw);
	}
	if (err == 0 && uECC_verify(xy, digest, 32, raw, uECC_secp256r1()) != TC_CRYPTO_SUCCESS) {
		err = -EBADMSG;
	}
	return err;
}

int dfu_zephyr_tinycrypt_init(struct dfu_crypto *out)
{
	if (out == NULL) {
		return -EINVAL;
	}
	*out = (struct dfu_crypto){
		.ctx = NULL,
		.sha256_start = tc_start,
		.sha256_update = tc_update,
		.sha256_finish = tc_finish,
		.verify = tc_verify,
		.check_key = tc_check_key,
	};
	return 0;
}
