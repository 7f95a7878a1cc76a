/*
 * PSA Crypto port (see dfu_crypto_psa.h): SHA-256 hooks and signature
 * verification through the PSA Crypto API only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dfu_crypto_psa.h"

#include <errno.h>
#include <string.h>

#define DIGEST_LEN 32u
#define P256_LEN 32u
#define P256_POINT_LEN 65u /* 0x04 || X || Y */

/* Errors of PSA calls other than the verification itself. */
static int psa_errno(psa_status_t s)
{
	switch (s) {
	case PSA_SUCCESS:
		return 0;
	case PSA_ERROR_INSUFFICIENT_MEMORY:
		return -ENOMEM;
	case PSA_ERROR_NOT_SUPPORTED:
		return -ENOTSUP;
	default:
		return -EIO;
	}
}

/* ---- SHA-256 hooks ---- */

static void sha_abort(struct dfu_crypto_psa *p)
{
	(void)psa_hash_abort(&p->hash);
	p->sha_started = false;
}

static int sha_start(void *ctx)
{
	struct dfu_crypto_psa *p = ctx;
	psa_status_t s;

	sha_abort(p); /* discards an unfinished hash; harmless on an idle one */
	s = psa_hash_setup(&p->hash, PSA_ALG_SHA_256);
	if (s != PSA_SUCCESS) {
		sha_abort(p);
		return psa_errno(s);
	}
	p->sha_started = true;
	return 0;
}

static int sha_update(void *ctx, const void *data, size_t len)
{
	struct dfu_crypto_psa *p = ctx;
	psa_status_t s;

	if (!p->sha_started || (data == NULL && len != 0)) {
		return -EINVAL;
	}
	if (len == 0) {
		return 0;
	}
	s = psa_hash_update(&p->hash, data, len);
	if (s != PSA_SUCCESS) {
		sha_abort(p);
		return psa_errno(s);
	}
	return 0;
}

static int sha_finish(void *ctx, uint8_t digest[32])
{
	struct dfu_crypto_psa *p = ctx;
	size_t n = 0;
	psa_status_t s;

	if (!p->sha_started || digest == NULL) {
		return -EINVAL;
	}
	s = psa_hash_finish(&p->hash, digest, DIGEST_LEN, &n);
	sha_abort(p); /* after success a no-op; after an error required */
	if (s != PSA_SUCCESS) {
		return psa_errno(s);
	}
	return n == DIGEST_LEN ? 0 : -EIO;
}

int dfu_crypto_psa_init(struct dfu_crypto_psa *p, struct dfu_crypto *out, bool with_sha)
{
	psa_status_t s;

	if (p == NULL || out == NULL) {
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	p->hash = psa_hash_operation_init();
	p->sha_started = false;
	s = psa_crypto_init();
	if (s != PSA_SUCCESS) {
		return s == PSA_ERROR_INSUFFICIENT_MEMORY ? -ENOMEM : -EIO;
	}
	out->ctx = p;
	out->verify = dfu_crypto_psa_verify;
	out->check_key = dfu_crypto_psa_check_key;
	if (with_sha) {
		out->sha256_start = sha_start;
		out->sha256_update = sha_update;
		out->sha256_finish = sha_finish;
	}
	return 0;
}

void dfu_crypto_psa_free(struct dfu_crypto_psa *p)
{
	if (p != NULL) {
		sha_abort(p);
	}
}

/* ---- ECDSA signature: DER (r, s) -> r || s ---- */

int dfu_crypto_psa_ecdsa_der_to_raw(const uint8_t *der, size_t der_len, uint8_t raw[64])
{
	return dfu_ecdsa_p256_sig_to_raw(der, der_len, raw);
}

/* ---- keys ---- */

/* What to import for alg, from the key's DER. */
struct key_spec {
	psa_key_type_t type;
	size_t bits;
	psa_algorithm_t alg;
	const uint8_t *data;
	size_t len;
	size_t sig_len; /* RSA: the modulus size */
};

static int key_spec(enum dfu_sig_alg alg, const uint8_t *key, size_t key_len, struct key_spec *s)
{
	struct dfu_key k;

	if (alg != DFU_SIG_ECDSA_P256 && alg != DFU_SIG_RSA2048_PSS && alg != DFU_SIG_RSA3072_PSS) {
		return -ENOTSUP; /* Ed25519: no EdDSA in mbedTLS 2.28's PSA */
	}
	if (dfu_key_parse(key, key_len, &k) != 0) {
		return -EINVAL;
	}
	if (alg == DFU_SIG_ECDSA_P256) {
		if (k.kind != DFU_KEY_EC_P256 || k.pub_len != P256_POINT_LEN) {
			return -ENOTSUP; /* another type or curve, or compressed */
		}
		s->type = PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1);
		s->bits = 256;
		s->alg = PSA_ALG_ECDSA(PSA_ALG_SHA_256);
		s->sig_len = 2 * P256_LEN;
	} else {
		size_t bits = alg == DFU_SIG_RSA3072_PSS ? 3072 : 2048;

		if (k.kind != DFU_KEY_RSA || k.bits != bits) {
			return -ENOTSUP;
		}
		s->type = PSA_KEY_TYPE_RSA_PUBLIC_KEY;
		s->bits = bits;
		s->alg = PSA_ALG_RSA_PSS(PSA_ALG_SHA_256);
		s->sig_len = k.mod_len;
	}
	s->data = k.pub; /* the point, or the PKCS#1 RSAPublicKey */
	s->len = k.pub_len;
	return 0;
}

/* Import the key of s as a volatile verification key. */
static int import(const struct key_spec *s, psa_key_id_t *id)
{
	psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
	psa_status_t st;

	psa_set_key_usage_flags(&a, PSA_KEY_USAGE_VERIFY_HASH);
	psa_set_key_algorithm(&a, s->alg);
	psa_set_key_type(&a, s->type);
	psa_set_key_bits(&a, s->bits);
	st = psa_import_key(&a, s->data, s->len, id);
	psa_reset_key_attributes(&a);
	if (st == PSA_ERROR_INVALID_ARGUMENT) {
		return -EINVAL; /* not a valid key: a point off the curve, ... */
	}
	return psa_errno(st);
}

/* Destroy id; a failure turns a success into -EIO. */
static int destroy(psa_key_id_t id, int rc)
{
	psa_status_t st = psa_destroy_key(id);

	return st != PSA_SUCCESS && rc == 0 ? -EIO : rc;
}

int dfu_crypto_psa_check_key(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len)
{
	struct key_spec s;
	psa_key_id_t id;
	int err;

	(void)ctx;
	if (key == NULL) {
		return -EINVAL;
	}
	err = key_spec(alg, key, key_len, &s);
	if (err == 0) {
		err = import(&s, &id);
		if (err == 0) {
			err = destroy(id, 0);
		}
	}
	return err;
}

static int verify_status(psa_status_t st)
{
	switch (st) {
	case PSA_SUCCESS:
		return 0;
	case PSA_ERROR_INVALID_SIGNATURE:
	case PSA_ERROR_INVALID_ARGUMENT: /* e.g. an RSA signature value >= n */
		return -EBADMSG;
	default:
		return psa_errno(st);
	}
}

int dfu_crypto_psa_verify(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len,
			  const uint8_t digest[32], const uint8_t *sig, size_t sig_len)
{
	uint8_t raw[2 * P256_LEN];
	struct key_spec s;
	psa_key_id_t id;
	int err;

	(void)ctx;
	if (key == NULL || digest == NULL || (sig == NULL && sig_len != 0)) {
		return -EINVAL;
	}
	err = key_spec(alg, key, key_len, &s);
	if (err == 0) {
		err = import(&s, &id);
	}
	if (err) {
		return err;
	}
	if (alg == DFU_SIG_ECDSA_P256) {
		err = dfu_crypto_psa_ecdsa_der_to_raw(sig, sig_len, raw);
		sig = raw;
		sig_len = sizeof(raw);
	} else if (sig_len != s.sig_len) {
		err = -EBADMSG;
	}
	if (err == 0) {
		err = verify_status(psa_verify_hash(id, s.alg, digest, DIGEST_LEN, sig, sig_len));
	}
	return destroy(id, err);
}
