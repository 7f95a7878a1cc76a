/*
 * Host crypto port on mbedTLS 2.28: SHA-256 hooks, signature verification
 * (ECDSA P-256, RSA-PSS 2048/3072), key checks and a signing helper for
 * tests.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dfu_crypto_mbedtls.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/bignum.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/version.h>

#if MBEDTLS_VERSION_MAJOR != 2
#error "dfu_crypto_mbedtls is written for the mbedTLS 2.x API (Debian 12: 2.28)"
#endif

#define DIGEST_LEN 32
#define PSS_SALT_LEN 32

/* ---- SHA-256 hooks ---- */

static int sha_start(void *ctx)
{
	struct dfu_crypto_mbedtls *m = ctx;

	if (mbedtls_sha256_starts_ret(&m->sha, 0) != 0) {
		return -EIO;
	}
	m->sha_started = true;
	return 0;
}

static int sha_update(void *ctx, const void *data, size_t len)
{
	struct dfu_crypto_mbedtls *m = ctx;

	if (!m->sha_started || (data == NULL && len != 0)) {
		return -EINVAL;
	}
	if (len == 0) {
		return 0;
	}
	return mbedtls_sha256_update_ret(&m->sha, data, len) == 0 ? 0 : -EIO;
}

static int sha_finish(void *ctx, uint8_t digest[32])
{
	struct dfu_crypto_mbedtls *m = ctx;

	if (!m->sha_started || digest == NULL) {
		return -EINVAL;
	}
	m->sha_started = false;
	return mbedtls_sha256_finish_ret(&m->sha, digest) == 0 ? 0 : -EIO;
}

void dfu_crypto_mbedtls_init(struct dfu_crypto_mbedtls *m, struct dfu_crypto *out, bool with_sha)
{
	mbedtls_sha256_init(&m->sha);
	m->sha_started = false;
	memset(out, 0, sizeof(*out));
	out->ctx = m;
	out->verify = dfu_crypto_mbedtls_verify;
	out->check_key = dfu_crypto_mbedtls_check_key;
	if (with_sha) {
		out->sha256_start = sha_start;
		out->sha256_update = sha_update;
		out->sha256_finish = sha_finish;
	}
}

void dfu_crypto_mbedtls_free(struct dfu_crypto_mbedtls *m)
{
	mbedtls_sha256_free(&m->sha);
	m->sha_started = false;
}

/* ---- error mapping ---- */

/* mbedTLS error codes are -(high-level module code | low-level code). */
static bool is_alloc_failure(int ret)
{
	int n = -ret;
	int high = n & 0xFF80;
	int low = n & 0x007F;

	return high == -MBEDTLS_ERR_PK_ALLOC_FAILED || high == -MBEDTLS_ERR_ECP_ALLOC_FAILED ||
	       low == -MBEDTLS_ERR_MPI_ALLOC_FAILED || low == -MBEDTLS_ERR_ASN1_ALLOC_FAILED;
}

/* A signature check that did not succeed: never "valid". */
static int sig_failure(int ret)
{
	return is_alloc_failure(ret) ? -ENOMEM : -EBADMSG;
}

static int key_failure(int ret)
{
	int high = (-ret) & 0xFF80;

	if (is_alloc_failure(ret)) {
		return -ENOMEM;
	}
	if (high == -MBEDTLS_ERR_PK_UNKNOWN_PK_ALG ||
	    high == -MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE ||
	    high == -MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE) {
		return -ENOTSUP; /* well-formed, but a type/curve mbedTLS lacks */
	}
	return -EINVAL;
}

/* ---- ECDSA P-256 ---- */

/* Parse a P-256 SubjectPublicKeyInfo into pk (initialised by the caller). */
static int load_p256(mbedtls_pk_context *pk, const uint8_t *key, size_t key_len)
{
	int ret = mbedtls_pk_parse_public_key(pk, key, key_len);

	if (ret != 0) {
		return key_failure(ret);
	}
	if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_ECKEY ||
	    mbedtls_pk_ec(*pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1) {
		return -ENOTSUP;
	}
	return 0;
}

static int verify_ecdsa_p256(const uint8_t *key, size_t key_len, const uint8_t *digest,
			     const uint8_t *sig, size_t sig_len)
{
	mbedtls_pk_context pk;
	int rc;

	mbedtls_pk_init(&pk);
	rc = load_p256(&pk, key, key_len);
	if (rc == 0) {
		/* Strict DER: trailing bytes after (r, s) are rejected too. */
		int ret =
			mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, digest, DIGEST_LEN, sig, sig_len);

		rc = ret == 0 ? 0 : sig_failure(ret);
	}
	mbedtls_pk_free(&pk);
	return rc;
}

/* ---- RSA-PSS ---- */

/* Parse a DER PKCS#1 RSAPublicKey ::= SEQUENCE { n INTEGER, e INTEGER }
 * (exactly key_len bytes) into rsa. */
static int rsa_parse_pkcs1(mbedtls_rsa_context *rsa, const uint8_t *key, size_t key_len)
{
	unsigned char *p = (unsigned char *)key; /* mbedTLS 2.x takes non-const */
	const unsigned char *end = key + key_len;
	mbedtls_mpi n, e;
	size_t len;
	int ret;

	mbedtls_mpi_init(&n);
	mbedtls_mpi_init(&e);
	ret = mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
	if (ret == 0 && p + len != end) {
		ret = MBEDTLS_ERR_ASN1_LENGTH_MISMATCH;
	}
	if (ret == 0) {
		ret = mbedtls_asn1_get_mpi(&p, end, &n);
	}
	if (ret == 0) {
		ret = mbedtls_asn1_get_mpi(&p, end, &e);
	}
	if (ret == 0 && p != end) {
		ret = MBEDTLS_ERR_ASN1_LENGTH_MISMATCH;
	}
	if (ret == 0) {
		ret = mbedtls_rsa_import(rsa, &n, NULL, NULL, NULL, &e);
	}
	if (ret == 0) {
		ret = mbedtls_rsa_complete(rsa);
	}
	if (ret == 0) {
		ret = mbedtls_rsa_check_pubkey(rsa);
	}
	mbedtls_mpi_free(&n);
	mbedtls_mpi_free(&e);
	return ret;
}

static size_t rsa_bits_for(enum dfu_sig_alg alg)
{
	return alg == DFU_SIG_RSA3072_PSS ? 3072 : 2048;
}

/* Load an RSA key of alg's size into rsa (initialised by the caller): a
 * PKCS#1 RSAPublicKey, or a SubjectPublicKeyInfo holding one (taken apart
 * by the library's dfu_key_parse()). */
static int load_rsa(mbedtls_rsa_context *rsa, enum dfu_sig_alg alg, const uint8_t *key,
		    size_t key_len)
{
	struct dfu_key k;
	int ret;

	if (dfu_key_parse(key, key_len, &k) != 0) {
		return -EINVAL;
	}
	if (k.kind != DFU_KEY_RSA || k.bits != rsa_bits_for(alg)) {
		return -ENOTSUP; /* another type, or another size */
	}
	ret = rsa_parse_pkcs1(rsa, k.pub, k.pub_len);
	if (ret != 0) {
		return is_alloc_failure(ret) ? -ENOMEM : -EINVAL;
	}
	return mbedtls_mpi_bitlen(&rsa->N) == rsa_bits_for(alg) ? 0 : -ENOTSUP;
}

static int verify_rsa_pss(enum dfu_sig_alg alg, const uint8_t *key, size_t key_len,
			  const uint8_t *digest, const uint8_t *sig, size_t sig_len)
{
	mbedtls_rsa_context rsa;
	int rc;
	int ret;

	mbedtls_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
	rc = load_rsa(&rsa, alg, key, key_len);
	if (rc == 0 && sig_len != mbedtls_rsa_get_len(&rsa)) {
		rc = -EBADMSG;
	} else if (rc == 0) {
		ret = mbedtls_rsa_rsassa_pss_verify_ext(&rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC,
							MBEDTLS_MD_SHA256, DIGEST_LEN, digest,
							MBEDTLS_MD_SHA256, PSS_SALT_LEN, sig);
		rc = ret == 0 ? 0 : sig_failure(ret);
	}
	mbedtls_rsa_free(&rsa);
	return rc;
}

int dfu_crypto_mbedtls_verify(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len,
			      const uint8_t digest[32], const uint8_t *sig, size_t sig_len)
{
	(void)ctx;
	if (key == NULL || digest == NULL || (sig == NULL && sig_len != 0)) {
		return -EINVAL;
	}
	switch (alg) {
	case DFU_SIG_ECDSA_P256:
		return verify_ecdsa_p256(key, key_len, digest, sig, sig_len);
	case DFU_SIG_RSA2048_PSS:
	case DFU_SIG_RSA3072_PSS:
		return verify_rsa_pss(alg, key, key_len, digest, sig, sig_len);
	case DFU_SIG_ED25519:
	default:
		return -ENOTSUP;
	}
}

int dfu_crypto_mbedtls_check_key(void *ctx, enum dfu_sig_alg alg, const uint8_t *key,
				 size_t key_len)
{
	mbedtls_pk_context pk;
	mbedtls_rsa_context rsa;
	int rc;

	(void)ctx;
	if (key == NULL) {
		return -EINVAL;
	}
	switch (alg) {
	case DFU_SIG_ECDSA_P256:
		mbedtls_pk_init(&pk);
		rc = load_p256(&pk, key, key_len);
		mbedtls_pk_free(&pk);
		return rc;
	case DFU_SIG_RSA2048_PSS:
	case DFU_SIG_RSA3072_PSS:
		mbedtls_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
		rc = load_rsa(&rsa, alg, key, key_len);
		mbedtls_rsa_free(&rsa);
		return rc;
	case DFU_SIG_ED25519:
	default:
		return -ENOTSUP;
	}
}

/* ---- signing (tests) ---- */

static int parse_private(mbedtls_pk_context *pk, const uint8_t *priv, size_t priv_len)
{
	unsigned char *copy;
	int ret;

	/* A PEM key must be NUL-terminated, the NUL counted in keylen. */
	if (priv_len > 0 && priv[0] == '-' && priv[priv_len - 1] != '\0') {
		copy = malloc(priv_len + 1);
		if (copy == NULL) {
			return -ENOMEM;
		}
		memcpy(copy, priv, priv_len);
		copy[priv_len] = '\0';
		ret = mbedtls_pk_parse_key(pk, copy, priv_len + 1, NULL, 0);
		free(copy);
	} else {
		ret = mbedtls_pk_parse_key(pk, priv, priv_len, NULL, 0);
	}
	return ret == 0 ? 0 : key_failure(ret);
}

static int sign_with(mbedtls_pk_context *pk, enum dfu_sig_alg alg, const uint8_t *digest,
		     mbedtls_ctr_drbg_context *drbg, uint8_t *out, size_t *out_len)
{
	mbedtls_rsa_context *rsa;

	if (alg == DFU_SIG_ECDSA_P256) {
		if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_ECKEY ||
		    mbedtls_pk_ec(*pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1) {
			return -ENOTSUP;
		}
		return mbedtls_pk_sign(pk, MBEDTLS_MD_SHA256, digest, DIGEST_LEN, out, out_len,
				       mbedtls_ctr_drbg_random, drbg) == 0
			       ? 0
			       : -EIO;
	}
	if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_RSA) {
		return -ENOTSUP;
	}
	rsa = mbedtls_pk_rsa(*pk);
	if (mbedtls_mpi_bitlen(&rsa->N) != rsa_bits_for(alg)) {
		return -ENOTSUP;
	}
	/* MGF1 uses the context's hash: SHA-256. */
	mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
	if (mbedtls_rsa_rsassa_pss_sign_ext(rsa, mbedtls_ctr_drbg_random, drbg, MBEDTLS_MD_SHA256,
					    DIGEST_LEN, digest, PSS_SALT_LEN, out) != 0) {
		return -EIO;
	}
	*out_len = mbedtls_rsa_get_len(rsa);
	return 0;
}

int dfu_crypto_mbedtls_sign(enum dfu_sig_alg alg, const uint8_t *priv, size_t priv_len,
			    const uint8_t digest[32], uint8_t *sig, size_t cap, size_t *sig_len)
{
	static const char pers[] = "dfu_crypto_mbedtls_sign";
	unsigned char buf[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context pk;
	size_t len = 0;
	int rc;

	if (priv == NULL || digest == NULL || sig == NULL || sig_len == NULL) {
		return -EINVAL;
	}
	if (alg != DFU_SIG_ECDSA_P256 && alg != DFU_SIG_RSA2048_PSS && alg != DFU_SIG_RSA3072_PSS) {
		return -ENOTSUP;
	}
	mbedtls_pk_init(&pk);
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	rc = parse_private(&pk, priv, priv_len);
	if (rc == 0 && mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
					     (const unsigned char *)pers, sizeof(pers) - 1) != 0) {
		rc = -EIO;
	}
	if (rc == 0) {
		rc = sign_with(&pk, alg, digest, &drbg, buf, &len);
	}
	if (rc == 0 && len > cap) {
		rc = -ENOSPC;
	}
	if (rc == 0) {
		memcpy(sig, buf, len);
		*sig_len = len;
	}
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	mbedtls_pk_free(&pk);
	return rc;
}
