/*
 * dfu-sim's verdict agrees with the library's: every crafted case of
 * shared/spec/mcuboot-acceptance.md §6 the test builder can make (and issue
 * 12's), under the default profile and under the profiles that change the
 * verdict, is both downloaded and scheduled through the MCUboot target on a
 * fixture device and judged by dfu-sim's detect judge
 * (dsim_mcuboot_judge(), over the same board, profile and keys, without a
 * device). Both must give the expected error and name the same rule
 * (dsim_mcuboot_rule(): the "check" of detect --json). Host only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#include "dfu_crypto_mbedtls.h"
#include "dsim.h"
#include "mcuboot_fixture.h"
#include "mcuboot_img.h"
#include "vectors.h"

#define PAIR 1 /* 8-sector move pair */
#define F_ENC128 0x4u
#define F_NON_BOOTABLE 0x10u
#define F_LZMA2 0x400u

static uint8_t img[0x70000];
static size_t n;
static uint8_t payload[2048];
static bool equal_slots;

/* Library: download + schedule on a fresh fixture; dfu-sim: the judge over
 * the same board and profile. Both must be want_err / want_rule. */
static void agree(const char *what, const struct mdev_opts *o, int pair, int want_err,
		  const char *want_rule)
{
	struct mdev d;

	CHECKF(mdev_create(&d, o) == 0, "%s: fixture", what);
	if (equal_slots) {
		d.pairs[0].primary.size = d.pairs[0].secondary.size;
	}
	int lib = mdev_download(&d, pair, img, n, 512);

	if (lib == 0) {
		lib = dfu_mcuboot_schedule(&d.mcuboot, pair, false);
	}
	const char *lib_rule = dsim_mcuboot_rule(lib, dfu_mcuboot_report(&d.mcuboot));
	struct dsim_judge j = {.board = &d.board,
			       .profile = o->profile,
			       .img = pair,
			       .keys = o->keys,
			       .key_count = o->key_count,
			       .crypto = o->crypto};
	struct dfu_mcuboot_info info;
	int sim = dsim_mcuboot_judge(&j, img, n, &info);
	const char *sim_rule = dsim_mcuboot_rule(sim, &info);

	mdev_destroy(&d);
	CHECKF(lib == want_err, "%s: library %d, want %d", what, lib, want_err);
	CHECKF(sim == lib, "%s: dfu-sim %d, library %d", what, sim, lib);
	CHECKF((lib_rule == NULL) == (want_rule == NULL) &&
		       (want_rule == NULL || strcmp(lib_rule, want_rule) == 0),
	       "%s: library rule %s, want %s", what, lib_rule ? lib_rule : "-",
	       want_rule ? want_rule : "-");
	CHECKF((sim_rule == NULL) == (lib_rule == NULL) &&
		       (lib_rule == NULL || strcmp(sim_rule, lib_rule) == 0),
	       "%s: dfu-sim rule %s, library %s", what, sim_rule ? sim_rule : "-",
	       lib_rule ? lib_rule : "-");
}

static int build(const struct mcuboot_img_params *p)
{
	for (size_t i = 0; i < sizeof(payload); i++) {
		payload[i] = (uint8_t)(i * 7u + 1u);
	}
	return mcuboot_img_build(p, payload, sizeof(payload), img, sizeof(img), &n);
}

static int base(void)
{
	struct mcuboot_img_params p = {.version = {1, 0, 0, 0}};

	return build(&p);
}

static int append(uint16_t type, const uint8_t *data, uint16_t len)
{
	return mcuboot_img_append_tlv(img, sizeof(img), &n, type, data, len);
}

static const struct mdev_opts dflt = {0};

TEST(header_and_hash_cases_agree_under_the_default_profile)
{
	static const uint8_t garbage[64] = {1, 2, 3};
	static const uint8_t zero32[32];
	uint32_t off;
	uint16_t len;

	CHECK_OK(base());
	agree("base image", &dflt, PAIR, 0, NULL);
	CHECK_OK(mcuboot_img_find_tlv(img, n, false, MCUBOOT_TLV_SHA256, &off, &len));
	mcuboot_img_flip_bit(img, off, 0);
	agree("case 4 flipped hash bit", &dflt, PAIR, -EILSEQ, "hash");
	CHECK_OK(base());
	CHECK_OK(mcuboot_img_remove_tlv(img, &n, MCUBOOT_TLV_SHA256));
	agree("case 4 no hash TLV", &dflt, PAIR, -EBADMSG, "hash_missing");
	CHECK_OK(base());
	CHECK_OK(append(MCUBOOT_TLV_SHA256, zero32, 32));
	agree("case 4 second hash differs", &dflt, PAIR, -EILSEQ, "hash");
	CHECK_OK(base());
	CHECK_OK(append(0x12, garbage, sizeof(garbage)));
	agree("case 5 SHA-512 garbage", &dflt, PAIR, 0, NULL);
	CHECK_OK(base());
	CHECK_OK(append(MCUBOOT_TLV_KEYHASH, garbage, 33));
	agree("case 7 KEYHASH of 33 bytes", &dflt, PAIR, -EBADMSG, "key_length");
	CHECK_OK(base());
	mcuboot_img_set_hdr(img, MCUBOOT_HDR_HDR_SIZE, 16); /* allowed: the TLV info moves */
	agree("header size 16", &dflt, PAIR, -EBADMSG, "tlv_info");
}

TEST(allow_list_cases_agree_with_the_list_on_and_off)
{
	static const struct dfu_mcuboot_profile off = {.features = DFU_MCUBOOT_P_NO_ALLOW_LIST};
	const struct mdev_opts o = {.profile = &off};
	static const uint8_t v[4] = {1, 0, 0, 0};
	static const uint16_t types[] = {0x00a0, MCUBOOT_TLV_SEC_CNT, 0x25, 0x0000, 0xffff};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		CHECK_OK(base());
		CHECK_OK(append(types[i], v, types[i] == 0x25 ? 1 : 4));
		agree("cases 13-15 unprotected TLV, allow list on", &dflt, PAIR, -EBADMSG,
		      "tlv_allow_list");
		agree("cases 13-15 unprotected TLV, allow list off", &o, PAIR, 0, NULL);
	}
	struct mcuboot_img_tlv t = {0x00a0, sizeof(v), v};
	struct mcuboot_img_params p = {.custom = &t, .custom_count = 1};

	CHECK_OK(build(&p));
	agree("case 13 vendor TLV protected", &dflt, PAIR, 0, NULL);
}

TEST(tlv_area_cases_agree_under_both_iterators)
{
	static const struct dfu_mcuboot_profile checked = {.tlv_iter = DFU_MCUBOOT_ITER_CHECKED};
	const struct mdev_opts o = {.profile = &checked};
	const uint8_t v[28] = {0};
	struct mcuboot_img_tlv t = {0x00a0, sizeof(v), v};
	struct mcuboot_img_params p = {.custom = &t, .custom_count = 1};
	struct mcuboot_img_layout l;

	CHECK_OK(build(&p));
	mcuboot_img_set_hdr(img, MCUBOOT_HDR_PROT_TLV_SIZE, 0x20);
	agree("case 16 protected size != its info's total", &dflt, PAIR, -EBADMSG, "tlv_info");
	/* case 17: the unprotected total one byte short */
	CHECK_OK(base());
	CHECK_OK(mcuboot_img_layout(img, n, &l));
	img[l.tlv_off + 2] = (uint8_t)(l.tlv_size - 1u);
	img[l.tlv_off + 3] = (uint8_t)((l.tlv_size - 1u) >> 8);
	agree("case 17 NCS 2.x iterator", &dflt, PAIR, 0, NULL);
	agree("case 17 checked iterator", &o, PAIR, -EBADMSG, "tlv_bounds");
}

/* A hash-only image whose TLVs end at `end` (0x200 header, 40 B of TLVs). */
static int sized(uint32_t end)
{
	struct mcuboot_img_params p = {0};

	memset(img, 0x5a, end);
	return mcuboot_img_build(&p, img + 0x200, end - 0x200 - 40, img, sizeof(img), &n);
}

TEST(case18_maximum_image_size_agrees)
{
	equal_slots = true;
	CHECK_OK(sized(0x6E000));
	agree("case 18 move, tlv_end 0x6E000", &dflt, 0, 0, NULL);
	CHECK_OK(sized(0x6E001));
	agree("case 18 move, tlv_end 0x6E001", &dflt, 0, -EFBIG, "image_size");
	equal_slots = false;
}

TEST(flag_cases_agree_with_and_without_support)
{
	static const struct dfu_mcuboot_profile enc = {.features = DFU_MCUBOOT_P_ENCRYPT};
	static const struct dfu_mcuboot_profile decomp = {.features = DFU_MCUBOOT_P_DECOMPRESS};
	const struct mdev_opts with_enc = {.profile = &enc, .flags = DFU_MCUBOOT_ALLOW_UNVERIFIED};
	const struct mdev_opts over = {.mode = DFU_MCUBOOT_OVERWRITE};
	const struct mdev_opts with_decomp = {.mode = DFU_MCUBOOT_OVERWRITE, .profile = &decomp};
	struct mcuboot_img_params p = {.flags = F_ENC128};

	CHECK_OK(build(&p));
	agree("case 19 encrypted, no support", &dflt, PAIR, -ENOTSUP, "encryption");
	agree("case 19 encrypted, encrypt=on", &with_enc, PAIR, 0, NULL);
	p.flags = F_ENC128 | 0x8u;
	CHECK_OK(build(&p));
	agree("both encryption flags", &with_enc, PAIR, -EBADMSG, "encryption");
	p.flags = F_LZMA2;
	CHECK_OK(build(&p));
	agree("LZMA2, no decompression", &over, 0, -ENOTSUP, "compression");
	agree("LZMA2, decompress=on", &with_decomp, 0, 0, NULL);
	p.flags = 0x600u;
	CHECK_OK(build(&p));
	agree("LZMA1 + LZMA2, decompress=on", &with_decomp, 0, -EBADMSG, "compression");
	p.flags = 0x1u | 0x20u | 0x100u | 0x80000000u;
	CHECK_OK(build(&p));
	agree("case 20 PIC, RAM_LOAD, ROM_FIXED, undefined", &dflt, PAIR, 0, NULL);
	p.flags = F_NON_BOOTABLE;
	CHECK_OK(build(&p));
	agree("case 21 NON_BOOTABLE", &dflt, PAIR, -ENOEXEC, "non_bootable");
}

TEST(security_counter_cases_agree_with_a_hardware_counter)
{
	static const struct dfu_mcuboot_profile hw = {.features = DFU_MCUBOOT_P_HW_ROLLBACK,
						      .security_counter = 5};
	const struct mdev_opts o = {.profile = &hw};
	struct mcuboot_img_params p = {.has_sec_cnt = true, .sec_cnt = 3};

	CHECK_OK(build(&p));
	agree("SEC_CNT 3, no counter", &dflt, PAIR, 0, NULL);
	agree("SEC_CNT 3, counter 5", &o, PAIR, -ESTALE, "security_counter");
	p.sec_cnt = 5;
	CHECK_OK(build(&p));
	agree("SEC_CNT 5, counter 5", &o, PAIR, 0, NULL);
	CHECK_OK(base());
	agree("no SEC_CNT, counter 5", &o, PAIR, -ESTALE, "security_counter");
}

/* ---- signatures (the vectors' P-256 key, the mbedTLS port) ------------- */

static int sign(void *ctx, const uint8_t digest[32], uint8_t *sig, size_t cap, size_t *sig_len)
{
	size_t pem_len;
	const char *pem = vec_key_priv_pem(VEC_KEY_EC_P256, &pem_len);

	(void)ctx;
	return dfu_crypto_mbedtls_sign(DFU_SIG_ECDSA_P256, (const uint8_t *)pem, pem_len, digest,
				       sig, cap, sig_len);
}

TEST(signature_cases_agree_with_keys_and_key_tlv_modes)
{
	static struct dfu_crypto_mbedtls cs;
	static struct dfu_crypto crypto;
	static const struct dfu_mcuboot_profile hw_key = {.key_tlv = DFU_MCUBOOT_PUBKEY};
	struct vec_pubkey pk, other;
	uint32_t off;
	uint16_t len;

	dfu_crypto_mbedtls_init(&cs, &crypto, true);
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &pk));
	CHECK_OK(vec_pubkey_load(VEC_KEY_ENC_P256, &other)); /* another P-256 key */
	struct dfu_mcuboot_key key = {.der = pk.key, .der_len = (uint16_t)pk.key_len};
	struct dfu_mcuboot_key wrong = {.der = other.key, .der_len = (uint16_t)other.key_len};
	const struct mdev_opts trusted = {.crypto = &crypto, .keys = &key, .key_count = 1};
	const struct mdev_opts untrusted = {.crypto = &crypto, .keys = &wrong, .key_count = 1};
	static const struct dfu_mcuboot_profile rsa = {.sig_alg = DFU_SIG_RSA2048_PSS};
	const struct mdev_opts rsa_build = {
		.crypto = &crypto, .keys = &key, .key_count = 1, .profile = &rsa};
	const struct mdev_opts pubkey = {
		.crypto = &crypto, .keys = &key, .key_count = 1, .profile = &hw_key};
	struct mcuboot_img_params p = {.version = {1, 0, 0, 0},
				       .key = pk.key,
				       .key_len = pk.key_len,
				       .sig_type = MCUBOOT_TLV_ECDSA_SIG,
				       .sign = sign};

	CHECK_OK(build(&p));
	agree("signed, key trusted", &trusted, PAIR, 0, NULL);
	agree("signed, another P-256 key trusted", &untrusted, PAIR, -EACCES, "key_not_found");
	agree("ECDSA-signed, sig=rsa-2048 build", &rsa_build, PAIR, -EACCES, "signature_missing");
	agree("KEYHASH image on a PUBKEY build", &pubkey, PAIR, -EACCES, "key_not_found");
	p.full_pubkey = true;
	CHECK_OK(build(&p));
	agree("PUBKEY image on a PUBKEY build", &pubkey, PAIR, 0, NULL);
	p.full_pubkey = false;
	CHECK_OK(build(&p));
	CHECK_OK(mcuboot_img_find_tlv(img, n, false, MCUBOOT_TLV_ECDSA_SIG, &off, &len));
	img[off + len - 3] ^= 0x01u; /* inside s */
	agree("bad signature", &trusted, PAIR, -EACCES, "signature");
	CHECK_OK(base());
	agree("no signature, key trusted", &trusted, PAIR, -EACCES, "signature_missing");
	dfu_crypto_mbedtls_free(&cs);
}

TEST_MAIN(RUN(header_and_hash_cases_agree_under_the_default_profile);
	  RUN(allow_list_cases_agree_with_the_list_on_and_off);
	  RUN(tlv_area_cases_agree_under_both_iterators); RUN(case18_maximum_image_size_agrees);
	  RUN(flag_cases_agree_with_and_without_support);
	  RUN(security_counter_cases_agree_with_a_hardware_counter);
	  RUN(signature_cases_agree_with_keys_and_key_tlv_modes);)
