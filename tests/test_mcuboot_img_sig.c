/*
 * The mbedTLS crypto port (ports/mbedtls) against the signatures of the
 * MCUboot test vectors. Host only: every test SKIPs on the target (no
 * mbedTLS there).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#include "dfu/dfu_port.h"
#include "mcuboot_img.h"
#include "vectors.h"

#if defined(DFU_HAVE_CRYPTO_MBEDTLS) && !defined(TEST_TARGET_EMBEDDED)
#include "dfu_crypto_mbedtls.h"
#define HAVE_MBEDTLS 1
#else
#define HAVE_MBEDTLS 0
#endif

#define NEED_MBEDTLS()                                                     \
	do {                                                               \
		if (!HAVE_MBEDTLS) {                                       \
			SKIP("needs the mbedTLS crypto port (host only)"); \
		}                                                          \
	} while (0)

#if HAVE_MBEDTLS
static void sig_of(const struct vec_image *v, const uint8_t **sig, uint16_t *len)
{
	*sig = vec_tlv(v, v->sig_tlv, len);
}
#endif

TEST(ecdsa_signatures_of_the_p256_vectors_verify_over_their_sha256_tlv)
{
	NEED_MBEDTLS();
#if HAVE_MBEDTLS
	struct vec_pubkey k;
	size_t n = 0;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	for (size_t i = 0; i < vec_image_count; i++) {
		const struct vec_image *v = &vec_images[i];
		const uint8_t *sig;
		uint16_t len, slen;

		if (v->key != VEC_KEY_EC_P256) {
			continue;
		}
		sig_of(v, &sig, &len);
		CHECKF(sig != NULL, "%s: no signature", v->name);
		CHECKF(dfu_crypto_mbedtls_verify(NULL, DFU_SIG_ECDSA_P256, k.key, k.key_len,
						 vec_tlv(v, MCUBOOT_TLV_SHA256, &slen), sig,
						 len) == 0,
		       "%s: signature does not verify", v->name);
		n++;
	}
	CHECK_EQ(n, 9); /* v01 v02 v03 v06 v07 v08 v10 v11 v12 */
#endif
}

TEST(v08_decomp_signature_verifies_over_its_decomp_sha_tlv)
{
	NEED_MBEDTLS();
#if HAVE_MBEDTLS
	const struct vec_image *v = vec_find("v08");
	struct vec_pubkey k;
	uint32_t sha_off, sig_off;
	uint16_t sha_len, sig_len;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	CHECK_OK(mcuboot_img_find_tlv(v->data, v->len, true, 0x71, &sha_off, &sha_len));
	CHECK_OK(mcuboot_img_find_tlv(v->data, v->len, true, 0x72, &sig_off, &sig_len));
	CHECK_EQ(sha_len, 32);
	CHECK_OK(dfu_crypto_mbedtls_verify(NULL, DFU_SIG_ECDSA_P256, k.key, k.key_len,
					   v->data + sha_off, v->data + sig_off, sig_len));
#endif
}

TEST(rsa2048_pss_signature_of_v05_verifies)
{
	NEED_MBEDTLS();
#if HAVE_MBEDTLS
	const struct vec_image *v = vec_find("v05");
	struct vec_pubkey k;
	const uint8_t *sig;
	uint16_t len;

	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &k));
	sig_of(v, &sig, &len);
	CHECK_EQ(len, 256);
	CHECK_OK(dfu_crypto_mbedtls_verify(NULL, DFU_SIG_RSA2048_PSS, k.key, k.key_len, v->digest,
					   sig, len));
	CHECK_ERR(dfu_crypto_mbedtls_verify(NULL, DFU_SIG_RSA3072_PSS, k.key, k.key_len, v->digest,
					    sig, len),
		  ENOTSUP);
#endif
}

TEST(ed25519_signature_of_v04_is_not_supported)
{
	NEED_MBEDTLS();
#if HAVE_MBEDTLS
	const struct vec_image *v = vec_find("v04");
	struct vec_pubkey k;
	const uint8_t *sig;
	uint16_t len;

	CHECK_OK(vec_pubkey_load(VEC_KEY_ED25519, &k));
	sig_of(v, &sig, &len);
	CHECK_EQ(len, 64);
	CHECK_ERR(dfu_crypto_mbedtls_verify(NULL, DFU_SIG_ED25519, k.key, k.key_len, v->digest, sig,
					    len),
		  ENOTSUP);
#endif
}

TEST(a_flipped_digest_or_signature_bit_fails_verify_with_ebadmsg)
{
	NEED_MBEDTLS();
#if HAVE_MBEDTLS
	const char *names[] = {"v01", "v05"};

	for (size_t i = 0; i < 2; i++) {
		const struct vec_image *v = vec_find(names[i]);
		enum dfu_sig_alg alg =
			v->key == VEC_KEY_RSA2048 ? DFU_SIG_RSA2048_PSS : DFU_SIG_ECDSA_P256;
		struct vec_pubkey k;
		const uint8_t *sig;
		uint16_t len;
		uint8_t d[32], s[256];

		CHECK_OK(vec_pubkey_load(v->key, &k));
		sig_of(v, &sig, &len);
		memcpy(d, v->digest, 32);
		d[31] ^= 0x01;
		CHECK_ERR(dfu_crypto_mbedtls_verify(NULL, alg, k.key, k.key_len, d, sig, len),
			  EBADMSG);
		memcpy(s, sig, len);
		s[len - 1] ^= 0x80;
		CHECK_ERR(dfu_crypto_mbedtls_verify(NULL, alg, k.key, k.key_len, v->digest, s, len),
			  EBADMSG);
		CHECK_ERR(dfu_crypto_mbedtls_verify(NULL, alg, k.key, k.key_len, v->digest, sig,
						    len - 1u),
			  EBADMSG);
	}
#endif
}

TEST(verify_rejects_keys_of_the_wrong_form)
{
	NEED_MBEDTLS();
#if HAVE_MBEDTLS
	const struct vec_image *v = vec_find("v01");
	struct vec_pubkey ec, rsa;
	const uint8_t *sig;
	uint16_t len;
	uint8_t junk[8] = {0x30, 0x06, 1, 2, 3, 4, 5, 6};

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &ec));
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &rsa));
	sig_of(v, &sig, &len);
	/* an RSA SPKI for ECDSA: parses, wrong type */
	CHECK_ERR(dfu_crypto_mbedtls_verify(NULL, DFU_SIG_ECDSA_P256, rsa.spki, rsa.spki_len,
					    v->digest, sig, len),
		  ENOTSUP);
	/* an SPKI where RSA wants PKCS#1; garbage; NULL */
	CHECK_ERR(dfu_crypto_mbedtls_verify(NULL, DFU_SIG_RSA2048_PSS, ec.spki, ec.spki_len,
					    v->digest, sig, len),
		  EINVAL);
	CHECK_ERR(dfu_crypto_mbedtls_verify(NULL, DFU_SIG_ECDSA_P256, junk, sizeof(junk), v->digest,
					    sig, len),
		  EINVAL);
	CHECK_ERR(dfu_crypto_mbedtls_verify(NULL, DFU_SIG_ECDSA_P256, NULL, 0, v->digest, sig, len),
		  EINVAL);
#endif
}

TEST(port_sha256_hooks_hash_v10_in_chunks_like_verify_txt)
{
	NEED_MBEDTLS();
#if HAVE_MBEDTLS
	const struct vec_image *v = vec_find("v10");
	struct dfu_crypto_mbedtls m;
	struct dfu_crypto c;
	uint32_t n = mcuboot_img_hashed_len(v->data);
	uint8_t d[32];

	dfu_crypto_mbedtls_init(&m, &c, true);
	CHECK(c.sha256_start != NULL && c.verify != NULL);
	CHECK_OK(c.sha256_start(c.ctx));
	for (uint32_t off = 0; off < n; off += 1000) {
		CHECK_OK(c.sha256_update(c.ctx, v->data + off, n - off < 1000 ? n - off : 1000));
	}
	CHECK_OK(c.sha256_finish(c.ctx, d));
	CHECK_ERR(c.sha256_finish(c.ctx, d), EINVAL); /* not started */
	dfu_crypto_mbedtls_free(&m);
	CHECK_MEM(d, v->digest, 32);
	dfu_crypto_mbedtls_init(&m, &c, false);
	CHECK(c.sha256_start == NULL && c.sha256_update == NULL && c.sha256_finish == NULL);
	dfu_crypto_mbedtls_free(&m);
#endif
}

TEST_MAIN(RUN(ecdsa_signatures_of_the_p256_vectors_verify_over_their_sha256_tlv);
	  RUN(v08_decomp_signature_verifies_over_its_decomp_sha_tlv);
	  RUN(rsa2048_pss_signature_of_v05_verifies);
	  RUN(ed25519_signature_of_v04_is_not_supported);
	  RUN(a_flipped_digest_or_signature_bit_fails_verify_with_ebadmsg);
	  RUN(verify_rejects_keys_of_the_wrong_form);
	  RUN(port_sha256_hooks_hash_v10_in_chunks_like_verify_txt);)
