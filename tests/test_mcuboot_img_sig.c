/*
 * The crypto ports (ports/mbedtls and ports/psa, tests/crypto_ports.h)
 * against the signatures of the MCUboot test vectors: every test runs once
 * per port and names the port in its failure messages. Host only: every
 * test SKIPs on the target (no mbedTLS / PSA there).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#include "crypto_ports.h"
#include "dfu/dfu_port.h"
#include "mcuboot_img.h"
#include "support.h"
#include "vectors.h"

#if TEST_HAVE_MBEDTLS
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#endif

static void sig_of(const struct vec_image *v, const uint8_t **sig, uint16_t *len)
{
	*sig = vec_tlv(v, v->sig_tlv, len);
}

/* verify() of port t. */
static int vfy(struct test_crypto *t, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len,
	       const uint8_t *digest, const uint8_t *sig, size_t sig_len)
{
	return t->c.verify(t->c.ctx, alg, key, key_len, digest, sig, sig_len);
}

TEST(ecdsa_signatures_of_the_p256_vectors_verify_over_their_sha256_tlv)
{
	struct vec_pubkey k;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;
		size_t n = 0;

		CHECK_OK(test_crypto_open(&t, p, false));
		for (size_t i = 0; i < vec_image_count; i++) {
			const struct vec_image *v = &vec_images[i];
			const uint8_t *sig;
			uint16_t len, slen;

			if (v->key != VEC_KEY_EC_P256) {
				continue;
			}
			sig_of(v, &sig, &len);
			CHECKF(sig != NULL, "%s: no signature", v->name);
			CHECKF(vfy(&t, DFU_SIG_ECDSA_P256, k.key, k.key_len,
				   vec_tlv(v, MCUBOOT_TLV_SHA256, &slen), sig, len) == 0,
			       "%s %s: signature does not verify", t.name, v->name);
			n++;
		}
		CHECK_EQ(n, 9); /* v01 v02 v03 v06 v07 v08 v10 v11 v12 */
		test_crypto_close(&t);
	}
}

TEST(v08_decomp_signature_verifies_over_its_decomp_sha_tlv)
{
	const struct vec_image *v = vec_find("v08");
	struct vec_pubkey k;
	uint32_t sha_off, sig_off;
	uint16_t sha_len, sig_len;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	CHECK_OK(mcuboot_img_find_tlv(v->data, v->len, true, 0x71, &sha_off, &sha_len));
	CHECK_OK(mcuboot_img_find_tlv(v->data, v->len, true, 0x72, &sig_off, &sig_len));
	CHECK_EQ(sha_len, 32);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		CHECKF(vfy(&t, DFU_SIG_ECDSA_P256, k.key, k.key_len, v->data + sha_off,
			   v->data + sig_off, sig_len) == 0,
		       "%s", t.name);
		test_crypto_close(&t);
	}
}

TEST(rsa2048_pss_signature_of_v05_verifies)
{
	const struct vec_image *v = vec_find("v05");
	struct vec_pubkey k;
	const uint8_t *sig;
	uint16_t len;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &k));
	sig_of(v, &sig, &len);
	CHECK_EQ(len, 256);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		CHECKF(vfy(&t, DFU_SIG_RSA2048_PSS, k.key, k.key_len, v->digest, sig, len) == 0,
		       "%s", t.name);
		test_crypto_close(&t);
	}
}

TEST(rsa2048_key_given_as_spki_verifies_v05_too)
{
	const struct vec_image *v = vec_find("v05");
	struct vec_pubkey k;
	const uint8_t *sig;
	uint16_t len;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &k));
	sig_of(v, &sig, &len);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		CHECKF(vfy(&t, DFU_SIG_RSA2048_PSS, k.spki, k.spki_len, v->digest, sig, len) == 0,
		       "%s", t.name);
		test_crypto_close(&t);
	}
}

#if TEST_HAVE_MBEDTLS
/* RSASSA-PSS (SHA-256, MGF1-SHA256) with any salt length, by mbedTLS. */
static int sign_pss(enum vec_key key, const uint8_t digest[32], int salt, uint8_t *sig,
		    size_t *sig_len)
{
	static const char pers[] = "test_mcuboot_img_sig";
	size_t pem_len;
	const char *pem = vec_key_priv_pem(key, &pem_len);
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context pk;
	int ret;

	mbedtls_pk_init(&pk);
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	ret = mbedtls_pk_parse_key(&pk, (const unsigned char *)pem, pem_len + 1, NULL, 0);
	if (ret == 0) {
		ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
					    (const unsigned char *)pers, sizeof(pers) - 1);
	}
	if (ret == 0) {
		mbedtls_rsa_context *rsa = mbedtls_pk_rsa(pk);

		mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA256);
		ret = mbedtls_rsa_rsassa_pss_sign_ext(rsa, mbedtls_ctr_drbg_random, &drbg,
						      MBEDTLS_MD_SHA256, 32, digest, salt, sig);
		*sig_len = mbedtls_rsa_get_len(rsa);
	}
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	mbedtls_pk_free(&pk);
	return ret == 0 ? 0 : -EIO;
}
#endif

TEST(rsa3072_pss_signatures_verify)
{
#if TEST_HAVE_MBEDTLS
	struct vec_pubkey k;
	uint8_t d[32], sig[384];
	size_t len = 0;

	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA3072, &k));
	for (int n = 0; n < 4; n++) {
		fill_random(d, sizeof(d), 300u + (uint32_t)n);
		CHECK_OK(sign_pss(VEC_KEY_RSA3072, d, 32, sig, &len));
		CHECK_EQ(len, 384);
		for (size_t p = 0; p < test_crypto_count(); p++) {
			struct test_crypto t;

			CHECK_OK(test_crypto_open(&t, p, false));
			CHECKF(vfy(&t, DFU_SIG_RSA3072_PSS, k.key, k.key_len, d, sig, len) == 0,
			       "%s: PKCS#1 key", t.name);
			CHECKF(vfy(&t, DFU_SIG_RSA3072_PSS, k.spki, k.spki_len, d, sig, len) == 0,
			       "%s: SPKI", t.name);
			sig[len / 2] ^= 0x04;
			CHECKF(vfy(&t, DFU_SIG_RSA3072_PSS, k.key, k.key_len, d, sig, len) ==
				       -EBADMSG,
			       "%s: tampered", t.name);
			sig[len / 2] ^= 0x04;
			test_crypto_close(&t);
		}
	}
#else
	SKIP("needs the mbedTLS port to sign (host only)");
#endif
}

TEST(pss_signature_with_a_salt_other_than_32_bytes_fails_with_ebadmsg)
{
#if TEST_HAVE_MBEDTLS
	static const int salts[] = {0, 20, 31, 33, 64};
	const struct vec_image *v = vec_find("v05");
	struct vec_pubkey k;
	uint8_t sig[256];
	size_t len = 0;

	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &k));
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		CHECK_OK(sign_pss(VEC_KEY_RSA2048, v->digest, 32, sig, &len));
		CHECKF(vfy(&t, DFU_SIG_RSA2048_PSS, k.key, k.key_len, v->digest, sig, len) == 0,
		       "%s: salt 32", t.name);
		for (size_t i = 0; i < sizeof(salts) / sizeof(salts[0]); i++) {
			CHECK_OK(sign_pss(VEC_KEY_RSA2048, v->digest, salts[i], sig, &len));
			int err =
				vfy(&t, DFU_SIG_RSA2048_PSS, k.key, k.key_len, v->digest, sig, len);

			CHECKF(err == -EBADMSG, "%s: salt %d: %s", t.name, salts[i],
			       dfu_errno_name(err));
		}
		test_crypto_close(&t);
	}
#else
	SKIP("needs the mbedTLS port to sign (host only)");
#endif
}

TEST(ed25519_signature_of_v04_is_not_supported)
{
	const struct vec_image *v = vec_find("v04");
	struct vec_pubkey k;
	const uint8_t *sig;
	uint16_t len;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_ED25519, &k));
	sig_of(v, &sig, &len);
	CHECK_EQ(len, 64);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		CHECKF(vfy(&t, DFU_SIG_ED25519, k.key, k.key_len, v->digest, sig, len) == -ENOTSUP,
		       "%s", t.name);
		CHECKF(t.c.check_key(t.c.ctx, DFU_SIG_ED25519, k.key, k.key_len) == -ENOTSUP, "%s",
		       t.name);
		test_crypto_close(&t);
	}
}

TEST(a_flipped_digest_or_signature_bit_fails_verify_with_ebadmsg)
{
	const char *names[] = {"v01", "v05"};

	NEED_CRYPTO_PORT();
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		for (size_t i = 0; i < 2; i++) {
			const struct vec_image *v = vec_find(names[i]);
			enum dfu_sig_alg alg = v->key == VEC_KEY_RSA2048 ? DFU_SIG_RSA2048_PSS
									 : DFU_SIG_ECDSA_P256;
			struct vec_pubkey k;
			const uint8_t *sig;
			uint16_t len;
			uint8_t d[32], s[256];

			CHECK_OK(vec_pubkey_load(v->key, &k));
			sig_of(v, &sig, &len);
			memcpy(d, v->digest, 32);
			d[31] ^= 0x01;
			CHECKF(vfy(&t, alg, k.key, k.key_len, d, sig, len) == -EBADMSG, "%s %s",
			       t.name, v->name);
			memcpy(s, sig, len);
			s[len - 1] ^= 0x80;
			CHECKF(vfy(&t, alg, k.key, k.key_len, v->digest, s, len) == -EBADMSG,
			       "%s %s", t.name, v->name);
			CHECKF(vfy(&t, alg, k.key, k.key_len, v->digest, sig, len - 1u) == -EBADMSG,
			       "%s %s", t.name, v->name);
		}
		test_crypto_close(&t);
	}
}

/* v01's signature: 30 44 02 20 <r: 32> 02 20 <s: 32> */
#define V01_R 4u
#define V01_S 38u

TEST(a_flipped_bit_in_any_byte_of_r_or_s_fails_with_ebadmsg)
{
	const struct vec_image *v = vec_find("v01");
	struct vec_pubkey k;
	const uint8_t *sig;
	uint16_t len;
	uint8_t s[72];

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	sig_of(v, &sig, &len);
	CHECK(len == 70 && sig[2] == 0x02 && sig[3] == 32 && sig[36] == 0x02 && sig[37] == 32);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		for (size_t i = 0; i < 64; i++) {
			size_t at = i < 32 ? V01_R + i : V01_S + (i - 32);

			memcpy(s, sig, len);
			s[at] ^= (uint8_t)(1u << (i % 7)); /* never the sign bit */
			int err = vfy(&t, DFU_SIG_ECDSA_P256, k.key, k.key_len, v->digest, s, len);

			CHECKF(err == -EBADMSG, "%s: byte %zu: %s", t.name, at,
			       dfu_errno_name(err));
		}
		test_crypto_close(&t);
	}
}

TEST(a_broken_ecdsa_der_encoding_fails_with_ebadmsg)
{
	/* {offset, xor} applied to v01's signature; len_delta: bytes cut (<0)
	 * or zero bytes appended (>0). */
	static const struct {
		const char *what;
		int16_t at;
		uint8_t x;
		int8_t len_delta;
	} cases[] = {
		{"SEQUENCE tag", 0, 0x01, 0},
		{"SEQUENCE length + 1", 1, 0x44 ^ 0x45, 0},
		{"SEQUENCE length - 1", 1, 0x44 ^ 0x43, 0},
		{"SEQUENCE long form", 1, 0x44 ^ 0x81, 0},
		{"r tag", 2, 0x02 ^ 0x03, 0},
		{"r length + 1", 3, 0x20 ^ 0x21, 0},
		{"r length - 1", 3, 0x20 ^ 0x1f, 0},
		{"r length long form", 3, 0x20 ^ 0x81, 0},
		{"s tag", 36, 0x02 ^ 0x04, 0},
		{"s length + 1", 37, 0x20 ^ 0x21, 0},
		{"s length - 1", 37, 0x20 ^ 0x1f, 0},
		{"a trailing zero byte", -1, 0, 1},
		{"two trailing zero bytes (imgtool --pad-sig)", -1, 0, 2},
		{"last byte cut", -1, 0, -1},
		{"s cut", -1, 0, -33},
		{"only the SEQUENCE header", -1, 0, -68},
		{"empty", -1, 0, -70},
	};
	const struct vec_image *v = vec_find("v01");
	struct vec_pubkey k;
	const uint8_t *sig;
	uint16_t len;
	uint8_t s[80];

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	sig_of(v, &sig, &len);
	CHECK_EQ(len, 70);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			size_t n = (size_t)((int)len + cases[i].len_delta);

			memset(s, 0, sizeof(s));
			memcpy(s, sig, len);
			if (cases[i].at >= 0) {
				s[cases[i].at] ^= cases[i].x;
			}
			int err = vfy(&t, DFU_SIG_ECDSA_P256, k.key, k.key_len, v->digest, s, n);

			CHECKF(err == -EBADMSG, "%s: %s: %s", t.name, cases[i].what,
			       dfu_errno_name(err));
		}
		CHECKF(vfy(&t, DFU_SIG_ECDSA_P256, k.key, k.key_len, v->digest, NULL, 0) ==
			       -EBADMSG,
		       "%s: NULL, 0", t.name);
		test_crypto_close(&t);
	}
}

TEST(a_flipped_bit_anywhere_in_the_rsa_signature_fails_with_ebadmsg)
{
	static const size_t at[] = {0, 1, 31, 64, 128, 200, 254, 255};
	const struct vec_image *v = vec_find("v05");
	struct vec_pubkey k;
	const uint8_t *sig;
	uint16_t len;
	uint8_t s[256];

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &k));
	sig_of(v, &sig, &len);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
			memcpy(s, sig, len);
			s[at[i]] ^= (uint8_t)(0x01u << (i % 8));
			int err = vfy(&t, DFU_SIG_RSA2048_PSS, k.key, k.key_len, v->digest, s, len);

			CHECKF(err == -EBADMSG, "%s: byte %zu: %s", t.name, at[i],
			       dfu_errno_name(err));
		}
		memset(s, 0xff, sizeof(s)); /* a value >= n */
		CHECKF(vfy(&t, DFU_SIG_RSA2048_PSS, k.key, k.key_len, v->digest, s, len) ==
			       -EBADMSG,
		       "%s: all ones", t.name);
		test_crypto_close(&t);
	}
}

TEST(an_rsa_signature_of_the_wrong_length_fails_with_ebadmsg)
{
	const struct vec_image *v = vec_find("v05");
	struct vec_pubkey k;
	const uint8_t *sig;
	uint16_t len;
	uint8_t s[257] = {0};

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &k));
	sig_of(v, &sig, &len);
	memcpy(s + 1, sig, len); /* a leading zero byte: 257 bytes, same value */
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		CHECKF(vfy(&t, DFU_SIG_RSA2048_PSS, k.key, k.key_len, v->digest, s, 257) ==
			       -EBADMSG,
		       "%s: 257", t.name);
		CHECKF(vfy(&t, DFU_SIG_RSA2048_PSS, k.key, k.key_len, v->digest, sig, 255) ==
			       -EBADMSG,
		       "%s: 255", t.name);
		CHECKF(vfy(&t, DFU_SIG_RSA2048_PSS, k.key, k.key_len, v->digest, NULL, 0) ==
			       -EBADMSG,
		       "%s: 0", t.name);
		test_crypto_close(&t);
	}
}

TEST(a_signature_checked_with_another_key_of_the_same_kind_fails_with_ebadmsg)
{
	const struct vec_image *ec = vec_find("v01");
	const struct vec_image *rsa = vec_find("v05");
	struct vec_pubkey k1, k2;
	const uint8_t *s1, *s2;
	uint16_t l1, l2;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_ENC_P256, &k1));
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048_OTHER, &k2));
	sig_of(ec, &s1, &l1);
	sig_of(rsa, &s2, &l2);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		CHECKF(vfy(&t, DFU_SIG_ECDSA_P256, k1.key, k1.key_len, ec->digest, s1, l1) ==
			       -EBADMSG,
		       "%s: P-256", t.name);
		CHECKF(vfy(&t, DFU_SIG_RSA2048_PSS, k2.key, k2.key_len, rsa->digest, s2, l2) ==
			       -EBADMSG,
		       "%s: RSA-2048", t.name);
		test_crypto_close(&t);
	}
}

/* A P-256 SPKI with the compressed form of k's point. */
static size_t compressed_p256(const struct vec_pubkey *k, uint8_t out[59])
{
	/* 30 39 | 30 13 <id-ecPublicKey, prime256v1> | 03 22 00 <02|03> X */
	const uint8_t *point = k->spki + k->spki_len - 65;

	out[0] = 0x30;
	out[1] = 0x39;
	memcpy(out + 2, k->spki + 2, 21); /* the AlgorithmIdentifier */
	out[23] = 0x03;
	out[24] = 0x22;
	out[25] = 0x00;
	out[26] = (uint8_t)(0x02u | (point[64] & 1u));
	memcpy(out + 27, point + 1, 32);
	return 59;
}

/* Keys of a well-formed kind the port cannot use for alg: -ENOTSUP from
 * verify() and check_key(). */
struct wrong_key {
	const char *what;
	enum dfu_sig_alg alg;
	enum vec_key key;
	bool spki;       /* the SPKI instead of vec_pubkey.key */
	bool compressed; /* compressed_p256() of the key */
};

static const struct wrong_key wrong_keys[] = {
	{"P-384 key for ECDSA P-256", DFU_SIG_ECDSA_P256, VEC_KEY_EC_P384, true, false},
	{"compressed P-256 point", DFU_SIG_ECDSA_P256, VEC_KEY_EC_P256, true, true},
	{"RSA key for ECDSA", DFU_SIG_ECDSA_P256, VEC_KEY_RSA2048, false, false},
	{"RSA SPKI for ECDSA", DFU_SIG_ECDSA_P256, VEC_KEY_RSA2048, true, false},
	{"Ed25519 key for ECDSA", DFU_SIG_ECDSA_P256, VEC_KEY_ED25519, true, false},
	{"RSA-2048 key for RSA-3072", DFU_SIG_RSA3072_PSS, VEC_KEY_RSA2048, false, false},
	{"RSA-3072 key for RSA-2048", DFU_SIG_RSA2048_PSS, VEC_KEY_RSA3072, false, false},
	{"RSA-3072 SPKI for RSA-2048", DFU_SIG_RSA2048_PSS, VEC_KEY_RSA3072, true, false},
	{"P-256 SPKI for RSA-2048", DFU_SIG_RSA2048_PSS, VEC_KEY_EC_P256, true, false},
	{"Ed25519 SPKI for RSA-3072", DFU_SIG_RSA3072_PSS, VEC_KEY_ED25519, true, false},
	{"P-256 key for Ed25519", DFU_SIG_ED25519, VEC_KEY_EC_P256, true, false},
};

TEST(a_key_of_another_curve_size_type_or_point_form_is_not_supported)
{
	const struct vec_image *v = vec_find("v01");
	const uint8_t *sig;
	uint16_t len;

	NEED_CRYPTO_PORT();
	sig_of(v, &sig, &len);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		for (size_t i = 0; i < sizeof(wrong_keys) / sizeof(wrong_keys[0]); i++) {
			const struct wrong_key *w = &wrong_keys[i];
			struct vec_pubkey k;
			uint8_t comp[59];
			const uint8_t *key;
			size_t key_len;

			CHECK_OK(vec_pubkey_load(w->key, &k));
			key = w->spki ? k.spki : k.key;
			key_len = w->spki ? k.spki_len : k.key_len;
			if (w->compressed) {
				key_len = compressed_p256(&k, comp);
				key = comp;
			}
			int err = vfy(&t, w->alg, key, key_len, v->digest, sig, len);

			CHECKF(err == -ENOTSUP, "%s: %s: verify %s", t.name, w->what,
			       dfu_errno_name(err));
			err = t.c.check_key(t.c.ctx, w->alg, key, key_len);
			CHECKF(err == -ENOTSUP, "%s: %s: check_key %s", t.name, w->what,
			       dfu_errno_name(err));
		}
		test_crypto_close(&t);
	}
}

/* verify() and check_key() of a key of n bytes: -EINVAL expected. */
static int bad_key(struct test_crypto *t, enum dfu_sig_alg alg, const uint8_t *key, size_t n,
		   const char *what, size_t at)
{
	const struct vec_image *v = vec_find(alg == DFU_SIG_ECDSA_P256 ? "v01" : "v05");
	const uint8_t *sig;
	uint16_t len;
	int err;

	sig_of(v, &sig, &len);
	err = t->c.verify(t->c.ctx, alg, key, n, v->digest, sig, len);
	if (err != -EINVAL) {
		printf("%s: %s (%zu): verify %s\n", t->name, what, at, dfu_errno_name(err));
		return -1;
	}
	err = t->c.check_key(t->c.ctx, alg, key, n);
	if (err != -EINVAL) {
		printf("%s: %s (%zu): check_key %s\n", t->name, what, at, dfu_errno_name(err));
		return -1;
	}
	return 0;
}

TEST(a_truncated_or_garbage_key_is_einval)
{
	static const uint8_t junk[8] = {0x30, 0x06, 1, 2, 3, 4, 5, 6};
	struct vec_pubkey ec, rsa;
	uint8_t longer[600];

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &ec));
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &rsa));
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		for (size_t n = 0; n < ec.spki_len; n++) {
			CHECK(bad_key(&t, DFU_SIG_ECDSA_P256, ec.spki, n, "EC SPKI cut", n) == 0);
		}
		for (size_t n = 0; n < rsa.key_len; n++) {
			CHECK(bad_key(&t, DFU_SIG_RSA2048_PSS, rsa.key, n, "PKCS#1 cut", n) == 0);
		}
		for (size_t n = 0; n < rsa.spki_len; n++) {
			CHECK(bad_key(&t, DFU_SIG_RSA2048_PSS, rsa.spki, n, "RSA SPKI cut", n) ==
			      0);
		}
		memcpy(longer, ec.spki, ec.spki_len);
		longer[ec.spki_len] = 0;
		CHECK(bad_key(&t, DFU_SIG_ECDSA_P256, longer, ec.spki_len + 1, "EC SPKI + 1", 0) ==
		      0);
		memcpy(longer, rsa.key, rsa.key_len);
		longer[rsa.key_len] = 0;
		CHECK(bad_key(&t, DFU_SIG_RSA2048_PSS, longer, rsa.key_len + 1, "PKCS#1 + 1", 0) ==
		      0);
		CHECK(bad_key(&t, DFU_SIG_ECDSA_P256, junk, sizeof(junk), "junk", 0) == 0);
		CHECK(bad_key(&t, DFU_SIG_RSA2048_PSS, junk, sizeof(junk), "junk", 0) == 0);
		memcpy(longer, ec.spki, ec.spki_len);
		longer[ec.spki_len - 1] ^= 0x01; /* a point off the curve */
		CHECK(bad_key(&t, DFU_SIG_ECDSA_P256, longer, ec.spki_len, "off the curve", 0) ==
		      0);
		CHECK(bad_key(&t, DFU_SIG_ECDSA_P256, NULL, 0, "NULL", 0) == 0);
		CHECK(bad_key(&t, DFU_SIG_RSA2048_PSS, NULL, 0, "NULL", 0) == 0);
		test_crypto_close(&t);
	}
}

TEST(check_key_accepts_every_key_verify_accepts)
{
	struct vec_pubkey ec, r2, r3;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &ec));
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &r2));
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA3072, &r3));
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		CHECK(t.c.check_key != NULL);
		CHECKF(t.c.check_key(t.c.ctx, DFU_SIG_ECDSA_P256, ec.key, ec.key_len) == 0, "%s",
		       t.name);
		CHECKF(t.c.check_key(t.c.ctx, DFU_SIG_RSA2048_PSS, r2.key, r2.key_len) == 0, "%s",
		       t.name);
		CHECKF(t.c.check_key(t.c.ctx, DFU_SIG_RSA2048_PSS, r2.spki, r2.spki_len) == 0, "%s",
		       t.name);
		CHECKF(t.c.check_key(t.c.ctx, DFU_SIG_RSA3072_PSS, r3.key, r3.key_len) == 0, "%s",
		       t.name);
		CHECKF(t.c.check_key(t.c.ctx, DFU_SIG_RSA3072_PSS, r3.spki, r3.spki_len) == 0, "%s",
		       t.name);
		test_crypto_close(&t);
	}
}

TEST(port_sha256_hooks_hash_every_vector_in_chunks_like_verify_txt)
{
	NEED_CRYPTO_PORT();
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, true));
		CHECK(t.c.sha256_start != NULL && t.c.verify != NULL);
		for (size_t i = 0; i < vec_image_count; i++) {
			const struct vec_image *v = &vec_images[i];
			uint32_t n = mcuboot_img_hashed_len(v->data);
			uint8_t d[32];

			if (!v->has_digest) {
				continue; /* v07: over the plaintext */
			}
			CHECK_OK(t.c.sha256_start(t.c.ctx));
			for (uint32_t off = 0; off < n; off += 1000) {
				CHECK_OK(t.c.sha256_update(t.c.ctx, v->data + off,
							   n - off < 1000 ? n - off : 1000));
			}
			CHECK_OK(t.c.sha256_finish(t.c.ctx, d));
			CHECKF(memcmp(d, v->digest, 32) == 0, "%s %s", t.name, v->name);
		}
		test_crypto_close(&t);
	}
}

TEST(sha256_finish_without_a_start_is_einval)
{
	NEED_CRYPTO_PORT();
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;
		uint8_t d[32];

		CHECK_OK(test_crypto_open(&t, p, true));
		CHECKF(t.c.sha256_finish(t.c.ctx, d) == -EINVAL, "%s: never started", t.name);
		CHECKF(t.c.sha256_update(t.c.ctx, d, 1) == -EINVAL, "%s: update", t.name);
		CHECK_OK(t.c.sha256_start(t.c.ctx));
		CHECK_OK(t.c.sha256_finish(t.c.ctx, d));
		CHECKF(t.c.sha256_finish(t.c.ctx, d) == -EINVAL, "%s: finished", t.name);
		test_crypto_close(&t);
	}
}

TEST(sha256_start_discards_an_unfinished_hash)
{
	static const uint8_t abc_sha256[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
					       0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
					       0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
					       0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};

	NEED_CRYPTO_PORT();
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;
		uint8_t d[32];

		CHECK_OK(test_crypto_open(&t, p, true));
		CHECK_OK(t.c.sha256_start(t.c.ctx));
		CHECK_OK(t.c.sha256_update(t.c.ctx, "junk", 4));
		CHECK_OK(t.c.sha256_start(t.c.ctx));
		CHECK_OK(t.c.sha256_update(t.c.ctx, "abc", 3));
		CHECK_OK(t.c.sha256_update(t.c.ctx, NULL, 0));
		CHECK_OK(t.c.sha256_finish(t.c.ctx, d));
		CHECKF(memcmp(d, abc_sha256, 32) == 0, "%s", t.name);
		test_crypto_close(&t);
	}
}

TEST(init_without_sha_leaves_the_hash_hooks_null)
{
	NEED_CRYPTO_PORT();
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		CHECKF(t.c.sha256_start == NULL && t.c.sha256_update == NULL &&
			       t.c.sha256_finish == NULL,
		       "%s", t.name);
		CHECKF(t.c.verify != NULL && t.c.check_key != NULL, "%s", t.name);
		test_crypto_close(&t);
	}
}

TEST_MAIN(RUN(ecdsa_signatures_of_the_p256_vectors_verify_over_their_sha256_tlv);
	  RUN(v08_decomp_signature_verifies_over_its_decomp_sha_tlv);
	  RUN(rsa2048_pss_signature_of_v05_verifies);
	  RUN(rsa2048_key_given_as_spki_verifies_v05_too); RUN(rsa3072_pss_signatures_verify);
	  RUN(pss_signature_with_a_salt_other_than_32_bytes_fails_with_ebadmsg);
	  RUN(ed25519_signature_of_v04_is_not_supported);
	  RUN(a_flipped_digest_or_signature_bit_fails_verify_with_ebadmsg);
	  RUN(a_flipped_bit_in_any_byte_of_r_or_s_fails_with_ebadmsg);
	  RUN(a_broken_ecdsa_der_encoding_fails_with_ebadmsg);
	  RUN(a_flipped_bit_anywhere_in_the_rsa_signature_fails_with_ebadmsg);
	  RUN(an_rsa_signature_of_the_wrong_length_fails_with_ebadmsg);
	  RUN(a_signature_checked_with_another_key_of_the_same_kind_fails_with_ebadmsg);
	  RUN(a_key_of_another_curve_size_type_or_point_form_is_not_supported);
	  RUN(a_truncated_or_garbage_key_is_einval);
	  RUN(check_key_accepts_every_key_verify_accepts);
	  RUN(port_sha256_hooks_hash_every_vector_in_chunks_like_verify_txt);
	  RUN(sha256_finish_without_a_start_is_einval);
	  RUN(sha256_start_discards_an_unfinished_hash);
	  RUN(init_without_sha_leaves_the_hash_hooks_null);)
