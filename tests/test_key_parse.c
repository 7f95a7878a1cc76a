/*
 * dfu_key_parse() / dfu_key_sig_alg() (dfu_port.h): the library's byte-wise
 * DER parser of public keys, used by the MCUboot target's key check and by
 * the PSA crypto port. Runs on the host and on the target.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#include "dfu/dfu_port.h"
#include "vectors.h"

TEST(p256_spki_parses_to_its_uncompressed_point)
{
	struct vec_pubkey k;
	struct dfu_key d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	CHECK_EQ(k.spki_len, 91);
	CHECK_OK(dfu_key_parse(k.spki, k.spki_len, &d));
	CHECK_EQ(d.kind, DFU_KEY_EC_P256);
	CHECK_EQ(d.spki, 1);
	CHECK_EQ(d.bits, 256);
	CHECK_EQ(d.pub_len, 65);
	CHECK(d.pub == k.spki + 26 && d.pub[0] == 0x04);
	CHECK_EQ(dfu_key_sig_alg(&d), DFU_SIG_ECDSA_P256);
}

TEST(rsa_pkcs1_and_spki_give_the_same_key_and_modulus)
{
	struct vec_pubkey k;
	struct dfu_key a, b;

	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &k));
	CHECK_OK(dfu_key_parse(k.key, k.key_len, &a));
	CHECK_OK(dfu_key_parse(k.spki, k.spki_len, &b));
	CHECK(a.kind == DFU_KEY_RSA && b.kind == DFU_KEY_RSA);
	CHECK(a.spki == 0 && b.spki == 1);
	CHECK(a.pub == k.key && a.pub_len == k.key_len);
	CHECK(b.pub == k.key && b.pub_len == k.key_len); /* the PKCS#1 inside */
	CHECK(a.mod == b.mod && a.mod_len == 256 && a.mod[0] >= 0x80);
	CHECK(a.bits == 2048 && b.bits == 2048);
	CHECK_EQ(dfu_key_sig_alg(&a), DFU_SIG_RSA2048_PSS);
}

TEST(rsa3072_key_has_3072_bits)
{
	struct vec_pubkey k;
	struct dfu_key d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA3072, &k));
	CHECK_OK(dfu_key_parse(k.key, k.key_len, &d));
	CHECK_EQ(d.bits, 3072);
	CHECK_EQ(d.mod_len, 384);
	CHECK_EQ(dfu_key_sig_alg(&d), DFU_SIG_RSA3072_PSS);
}

TEST(ed25519_spki_parses_to_its_32_bytes)
{
	struct vec_pubkey k;
	struct dfu_key d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_ED25519, &k));
	CHECK_OK(dfu_key_parse(k.spki, k.spki_len, &d));
	CHECK_EQ(d.kind, DFU_KEY_ED25519);
	CHECK_EQ(d.pub_len, 32);
	CHECK(d.pub == k.spki + k.spki_len - 32);
	CHECK_EQ(dfu_key_sig_alg(&d), DFU_SIG_ED25519);
}

TEST(p384_spki_is_another_curve_without_an_algorithm)
{
	struct vec_pubkey k;
	struct dfu_key d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P384, &k));
	CHECK_OK(dfu_key_parse(k.spki, k.spki_len, &d));
	CHECK_EQ(d.kind, DFU_KEY_EC_OTHER);
	CHECK_EQ(d.pub_len, 97);
	CHECK_EQ(dfu_key_sig_alg(&d), 0);
}

TEST(spki_of_an_unknown_algorithm_is_other)
{
	/* SEQUENCE { SEQUENCE { OID 1.2.3 }, BIT STRING { 0, 0xaa } } */
	static const uint8_t der[] = {0x30, 0x0a, 0x30, 0x04, 0x06, 0x02,
				      0x2a, 0x03, 0x03, 0x02, 0x00, 0xaa};
	struct dfu_key d;

	CHECK_OK(dfu_key_parse(der, sizeof(der), &d));
	CHECK_EQ(d.kind, DFU_KEY_OTHER);
	CHECK_EQ(dfu_key_sig_alg(&d), 0);
}

TEST(rsa_of_another_size_has_no_algorithm)
{
	/* RSAPublicKey { n = 0x00c5 (8 bits), e = 3 } */
	static const uint8_t der[] = {0x30, 0x07, 0x02, 0x02, 0x00, 0xc5, 0x02, 0x01, 0x03};
	struct dfu_key d;

	CHECK_OK(dfu_key_parse(der, sizeof(der), &d));
	CHECK_EQ(d.kind, DFU_KEY_RSA);
	CHECK_EQ(d.bits, 8);
	CHECK_EQ(d.mod_len, 1);
	CHECK_EQ(dfu_key_sig_alg(&d), 0);
}

TEST(compressed_p256_point_parses_as_p256)
{
	struct vec_pubkey k;
	uint8_t der[59];
	struct dfu_key d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	der[0] = 0x30;
	der[1] = 0x39;
	memcpy(der + 2, k.spki + 2, 21);
	der[23] = 0x03;
	der[24] = 0x22;
	der[25] = 0x00;
	der[26] = 0x03;
	memcpy(der + 27, k.spki + 27, 32);
	CHECK_OK(dfu_key_parse(der, sizeof(der), &d));
	CHECK_EQ(d.kind, DFU_KEY_EC_P256);
	CHECK_EQ(d.pub_len, 33);
	der[26] = 0x04; /* an uncompressed marker on a 33-byte point */
	CHECK_ERR(dfu_key_parse(der, sizeof(der), &d), EINVAL);
}

TEST(every_truncation_of_a_key_is_einval)
{
	static const enum vec_key keys[] = {VEC_KEY_EC_P256, VEC_KEY_ED25519, VEC_KEY_RSA2048,
					    VEC_KEY_EC_P384};
	struct dfu_key d;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct vec_pubkey k;

		CHECK_OK(vec_pubkey_load(keys[i], &k));
		for (size_t n = 0; n < k.spki_len; n++) {
			CHECKF(dfu_key_parse(k.spki, n, &d) == -EINVAL, "key %d SPKI: %zu bytes",
			       (int)keys[i], n);
			CHECK_EQ(d.kind, 0);
		}
		for (size_t n = 0; k.key != k.spki && n < k.key_len; n++) {
			CHECKF(dfu_key_parse(k.key, n, &d) == -EINVAL, "key %d: %zu bytes",
			       (int)keys[i], n);
		}
	}
}

TEST(a_byte_after_the_key_is_einval)
{
	struct vec_pubkey k;
	uint8_t buf[600];
	struct dfu_key d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &k));
	memcpy(buf, k.spki, k.spki_len);
	buf[k.spki_len] = 0;
	CHECK_ERR(dfu_key_parse(buf, k.spki_len + 1, &d), EINVAL);
	memcpy(buf, k.key, k.key_len);
	buf[k.key_len] = 0;
	CHECK_ERR(dfu_key_parse(buf, k.key_len + 1, &d), EINVAL);
}

/* k's SPKI with one byte changed. */
static int spki_with(enum vec_key key, size_t at, uint8_t value)
{
	struct vec_pubkey k;
	struct dfu_key d;

	if (vec_pubkey_load(key, &k) != 0) {
		return -1000;
	}
	k.spki[at] = value;
	return dfu_key_parse(k.spki, k.spki_len, &d);
}

TEST(bit_string_with_unused_bits_is_einval)
{
	/* EC SPKI: 30 59 30 13 ... 03 42 <unused> 04 ... (unused at 25) */
	CHECK_OK(spki_with(VEC_KEY_EC_P256, 25, 0x00));
	CHECK_ERR(spki_with(VEC_KEY_EC_P256, 25, 0x01), EINVAL);
}

TEST(a_p256_point_of_another_form_is_einval)
{
	CHECK_ERR(spki_with(VEC_KEY_EC_P256, 26, 0x05), EINVAL);
	CHECK_ERR(spki_with(VEC_KEY_EC_P256, 26, 0x02), EINVAL); /* 65 bytes compressed */
}

TEST(rsa_parameters_other_than_null_are_einval)
{
	/* RSA SPKI: 30 82 01 22 30 0d 06 09 <oid> 05 00 ...: NULL at 17 */
	CHECK_OK(spki_with(VEC_KEY_RSA2048, 17, 0x05));
	CHECK_ERR(spki_with(VEC_KEY_RSA2048, 17, 0x04), EINVAL); /* OCTET STRING */
	CHECK_ERR(spki_with(VEC_KEY_RSA2048, 17, 0x06), EINVAL); /* OID */
}

TEST(non_minimal_or_indefinite_lengths_are_einval)
{
	static const uint8_t ok[] = {0x30, 0x07, 0x02, 0x02, 0x00, 0xc5, 0x02, 0x01, 0x03};
	static const uint8_t long1[] = {0x30, 0x81, 0x07, 0x02, 0x02, 0x00, 0xc5, 0x02, 0x01, 0x03};
	static const uint8_t long2[] = {0x30, 0x82, 0x00, 0x07, 0x02, 0x02,
					0x00, 0xc5, 0x02, 0x01, 0x03};
	static const uint8_t indef[] = {0x30, 0x80, 0x02, 0x02, 0x00, 0xc5,
					0x02, 0x01, 0x03, 0x00, 0x00};
	static const uint8_t three[] = {0x30, 0x83, 0x00, 0x00, 0x07, 0x02,
					0x02, 0x00, 0xc5, 0x02, 0x01, 0x03};
	struct dfu_key d;

	CHECK_OK(dfu_key_parse(ok, sizeof(ok), &d));
	CHECK_ERR(dfu_key_parse(long1, sizeof(long1), &d), EINVAL);
	CHECK_ERR(dfu_key_parse(long2, sizeof(long2), &d), EINVAL);
	CHECK_ERR(dfu_key_parse(indef, sizeof(indef), &d), EINVAL);
	CHECK_ERR(dfu_key_parse(three, sizeof(three), &d), EINVAL);
}

TEST(negative_zero_or_non_minimal_rsa_integers_are_einval)
{
	static const uint8_t neg[] = {0x30, 0x06, 0x02, 0x01, 0xc5, 0x02, 0x01, 0x03};
	static const uint8_t pad[] = {0x30, 0x07, 0x02, 0x02, 0x00, 0x45, 0x02, 0x01, 0x03};
	static const uint8_t zero_n[] = {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x03};
	static const uint8_t zero_e[] = {0x30, 0x07, 0x02, 0x02, 0x00, 0xc5, 0x02, 0x01, 0x00};
	static const uint8_t empty_e[] = {0x30, 0x06, 0x02, 0x02, 0x00, 0xc5, 0x02, 0x00};
	static const uint8_t no_e[] = {0x30, 0x04, 0x02, 0x02, 0x00, 0xc5};
	static const uint8_t three[] = {0x30, 0x0a, 0x02, 0x02, 0x00, 0xc5,
					0x02, 0x01, 0x03, 0x02, 0x01, 0x03};
	struct dfu_key d;

	CHECK_ERR(dfu_key_parse(neg, sizeof(neg), &d), EINVAL);
	CHECK_ERR(dfu_key_parse(pad, sizeof(pad), &d), EINVAL);
	CHECK_ERR(dfu_key_parse(zero_n, sizeof(zero_n), &d), EINVAL);
	CHECK_ERR(dfu_key_parse(zero_e, sizeof(zero_e), &d), EINVAL);
	CHECK_ERR(dfu_key_parse(empty_e, sizeof(empty_e), &d), EINVAL);
	CHECK_ERR(dfu_key_parse(no_e, sizeof(no_e), &d), EINVAL);
	CHECK_ERR(dfu_key_parse(three, sizeof(three), &d), EINVAL);
}

TEST(ed25519_with_parameters_or_a_short_key_is_einval)
{
	struct vec_pubkey k;
	struct dfu_key d;
	uint8_t der[64];

	CHECK_OK(vec_pubkey_load(VEC_KEY_ED25519, &k));
	CHECK_EQ(k.spki_len, 44); /* 30 2a 30 05 06 03 2b 65 70 03 21 00 <32> */
	/* 31 key bytes: 30 29 ... 03 20 00 <31> */
	memcpy(der, k.spki, 43);
	der[1] = 0x29;
	der[10] = 0x20;
	CHECK_ERR(dfu_key_parse(der, 43, &d), EINVAL);
	/* parameters NULL: 30 2c 30 07 06 03 2b 65 70 05 00 03 21 00 <32> */
	der[0] = 0x30;
	der[1] = 0x2c;
	der[2] = 0x30;
	der[3] = 0x07;
	memcpy(der + 4, k.spki + 4, 5);
	der[9] = 0x05;
	der[10] = 0x00;
	memcpy(der + 11, k.spki + 9, 35);
	CHECK_ERR(dfu_key_parse(der, 46, &d), EINVAL);
}

TEST(any_single_byte_change_either_parses_or_is_einval)
{
	static const enum vec_key keys[] = {VEC_KEY_EC_P256, VEC_KEY_ED25519, VEC_KEY_RSA2048};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct vec_pubkey k;

		CHECK_OK(vec_pubkey_load(keys[i], &k));
		for (size_t at = 0; at < k.spki_len; at++) {
			for (unsigned x = 1; x < 256; x <<= 1) {
				struct dfu_key d;
				uint8_t keep = k.spki[at];
				int err;

				k.spki[at] = (uint8_t)(keep ^ x);
				err = dfu_key_parse(k.spki, k.spki_len, &d);
				k.spki[at] = keep;
				CHECKF(err == 0 || err == -EINVAL, "key %d byte %zu: %d",
				       (int)keys[i], at, err);
				if (err == 0) {
					CHECK(d.pub >= k.spki &&
					      d.pub + d.pub_len <= k.spki + k.spki_len);
				}
			}
		}
	}
}

TEST(null_arguments_are_einval)
{
	struct vec_pubkey k;
	struct dfu_key d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	CHECK_ERR(dfu_key_parse(NULL, 10, &d), EINVAL);
	CHECK_ERR(dfu_key_parse(k.spki, k.spki_len, NULL), EINVAL);
	CHECK_EQ(dfu_key_sig_alg(NULL), 0);
}

TEST_MAIN(RUN(p256_spki_parses_to_its_uncompressed_point);
	  RUN(rsa_pkcs1_and_spki_give_the_same_key_and_modulus); RUN(rsa3072_key_has_3072_bits);
	  RUN(ed25519_spki_parses_to_its_32_bytes);
	  RUN(p384_spki_is_another_curve_without_an_algorithm);
	  RUN(spki_of_an_unknown_algorithm_is_other); RUN(rsa_of_another_size_has_no_algorithm);
	  RUN(compressed_p256_point_parses_as_p256); RUN(every_truncation_of_a_key_is_einval);
	  RUN(a_byte_after_the_key_is_einval); RUN(bit_string_with_unused_bits_is_einval);
	  RUN(a_p256_point_of_another_form_is_einval);
	  RUN(rsa_parameters_other_than_null_are_einval);
	  RUN(non_minimal_or_indefinite_lengths_are_einval);
	  RUN(negative_zero_or_non_minimal_rsa_integers_are_einval);
	  RUN(ed25519_with_parameters_or_a_short_key_is_einval);
	  RUN(any_single_byte_change_either_parses_or_is_einval); RUN(null_arguments_are_einval);)
