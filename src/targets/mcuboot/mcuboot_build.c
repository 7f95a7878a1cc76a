/*
 * What an MCUboot build expects of an image's TLVs (shared/spec/
 * mcuboot-acceptance.md 2.4-2.7; facts from bootutil's image_validate.c):
 * its one signature TLV type, the signature and PUBKEY length bounds
 * (bootutil's SIG_BUF_SIZE and KEY_BUF_SIZE = SIG_BUF_SIZE + 24), the allow
 * list for unprotected TLVs, the rule a signature verdict refuses by. Used
 * by the verifier (mcuboot_verify.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dfu/dfu_config.h"
#include "mcuboot_image.h"

int mcuboot_sig_alg_of(uint16_t type)
{
	switch (type) {
	case MCUBOOT_TLV_ECDSA:
		return DFU_SIG_ECDSA_P256;
	case MCUBOOT_TLV_ED25519:
		return DFU_SIG_ED25519;
	case MCUBOOT_TLV_RSA2048:
		return DFU_SIG_RSA2048_PSS;
	case MCUBOOT_TLV_RSA3072:
		return DFU_SIG_RSA3072_PSS;
	default:
		return 0;
	}
}

static uint16_t sig_tlv_of(int alg)
{
	static const uint16_t t[] = {0, MCUBOOT_TLV_ECDSA, MCUBOOT_TLV_ED25519, MCUBOOT_TLV_RSA2048,
				     MCUBOOT_TLV_RSA3072};

	return alg > 0 && alg <= DFU_SIG_RSA3072_PSS ? t[alg] : 0;
}

/* The build's signature TLV type: 0 = none (hash-only build); MCUBOOT_ANY_SIG =
 * every type (a hash-only profile with keys: the library's policy). */
uint16_t mcuboot_expected_sig(const struct mcuboot_verify_args *a)
{
	uint8_t alg = a->prof->build.sig_alg;

	if (alg == DFU_MCUBOOT_SIG_NONE && a->key_count == 0) {
		return 0; /* with keys: they still require a signature (policy) */
	}
	if (alg != DFU_MCUBOOT_SIG_FROM_KEYS && alg != DFU_MCUBOOT_SIG_NONE) {
		return sig_tlv_of(alg);
	}
	for (uint8_t i = 0; i < a->key_count; i++) {
		struct dfu_key k;

		if (a->keys[i].der != NULL &&
		    dfu_key_parse(a->keys[i].der, a->keys[i].der_len, &k) == 0) {
			uint16_t t = sig_tlv_of(dfu_key_sig_alg(&k));

			if (t != 0) {
				return t;
			}
		}
	}
	/* No key says it (every key given only by its hash, as a HW-key
	 * build's, or no key): the default build's, ECDSA P-256. Its bounds
	 * (PUBKEY <= 152 bytes, signature <= 128) and only its signature
	 * type, as that MCUboot; another build states sig_alg. */
	return alg == DFU_MCUBOOT_SIG_FROM_KEYS ? MCUBOOT_TLV_ECDSA : MCUBOOT_ANY_SIG;
}

/* bootutil's signature buffer for the TLV type (EXPECTED_SIG_LEN). */
bool mcuboot_sig_len_ok(uint16_t type, uint16_t len)
{
	switch (type) {
	case MCUBOOT_TLV_ECDSA:
		return len <= MCUBOOT_ECDSA_SIG_MAX;
	case MCUBOOT_TLV_ED25519:
		return len == 64u;
	case MCUBOOT_TLV_RSA2048:
		return len == 256u;
	default:
		return len == 384u;
	}
}

/* Longest PUBKEY TLV of a HW-key build: signature buffer + 24. */
uint32_t mcuboot_pubkey_max(uint16_t expected)
{
	switch (expected) {
	case MCUBOOT_TLV_ECDSA:
		return MCUBOOT_ECDSA_SIG_MAX + 24u;
	case MCUBOOT_TLV_ED25519:
		return 64u + 24u;
	case MCUBOOT_TLV_RSA2048:
		return 256u + 24u;
	default:
		return 384u + 24u;
	}
}

/* Allow list for unprotected TLVs (2.4), a non-pure, non-HMAC-SHA512 build. */
bool mcuboot_allowed_unprotected(uint16_t type)
{
	switch (type) {
	case 0x01: /* KEYHASH */
	case 0x02: /* PUBKEY */
	case 0x10: /* SHA256 */
	case 0x11: /* SHA384 */
	case 0x12: /* SHA512 */
	case 0x20: /* RSA2048_PSS */
	case 0x21: /* ECDSA224 */
	case 0x22: /* ECDSA_SIG */
	case 0x23: /* RSA3072_PSS */
	case 0x24: /* ED25519 */
	case 0x30: /* ENC_RSA2048 */
	case 0x31: /* ENC_KW */
	case 0x32: /* ENC_EC256 */
	case 0x33: /* ENC_X25519 */
		return true;
	default:
		return false;
	}
}

/* The rule a signature verdict refuses by (NONE: it passes). */
uint8_t mcuboot_sig_rule(uint8_t verdict)
{
	switch (verdict) {
	case DFU_MCUBOOT_CHECK_OK:
		return DFU_MCUBOOT_RULE_NONE;
	case DFU_MCUBOOT_CHECK_BAD:
		return DFU_MCUBOOT_RULE_SIGNATURE;
	case DFU_MCUBOOT_CHECK_NO_KEY:
		return DFU_MCUBOOT_RULE_KEY_NOT_FOUND;
	case DFU_MCUBOOT_CHECK_UNSUPPORTED:
		return DFU_MCUBOOT_RULE_SIGNATURE_TYPE;
	default:
		return DFU_MCUBOOT_RULE_SIGNATURE_MISSING;
	}
}
