/*
 * The crafted cases of shared/spec/mcuboot-acceptance.md §6 (and issue 12's
 * list) that need no signature: each image is made by the test builder
 * (mcuboot_img.h), downloaded through the MCUboot target under the default
 * profile (the nRF9160 NCS build) and under each profile that changes
 * MCUboot's verdict. Test names start with the sheet's case number. Runs on
 * the host and under QEMU. Signature cases: test_mcuboot_profile_sig.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "mcuboot_fixture.h"
#include "mcuboot_img.h"

#define PAIR 1 /* 8-sector move pair: slots of 32 KiB */

static uint8_t img[0x70000];
static bool equal_slots; /* pair 0's primary as large as its secondary */
static size_t n;
static uint8_t payload[1024];
static const uint8_t zero32[32];

static const struct dfu_mcuboot_profile no_allow_list = {.features = DFU_MCUBOOT_P_NO_ALLOW_LIST};
static const struct dfu_mcuboot_profile checked_iter = {.tlv_iter = DFU_MCUBOOT_ITER_CHECKED};
static const struct dfu_mcuboot_profile hw_counter = {.features = DFU_MCUBOOT_P_HW_ROLLBACK,
						      .security_counter = 5};

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

/* Download img[0, n) into pair `pair` of a fresh device; *rule gets the
 * report's rule. */
static int dl_rule(const struct mdev_opts *o, int pair, uint8_t *rule)
{
	struct mdev d;

	if (mdev_create(&d, o) != 0) {
		return -1000;
	}
	if (equal_slots) {
		d.pairs[0].primary.size = d.pairs[0].secondary.size;
	}
	int err = mdev_download(&d, pair, img, n, 512);

	if (rule != NULL) {
		*rule = dfu_mcuboot_report(&d.mcuboot)->rule;
	}
	if (err == 0) {
		err = dfu_mcuboot_schedule(&d.mcuboot, pair, false);
	}
	mdev_destroy(&d);
	return err;
}

static int dl(const struct mdev_opts *o)
{
	return dl_rule(o, PAIR, NULL);
}

static int dl_profile(const struct dfu_mcuboot_profile *prof)
{
	struct mdev_opts o = {.profile = prof};

	return dl(&o);
}

static int append(uint16_t type, const uint8_t *data, uint16_t len)
{
	return mcuboot_img_append_tlv(img, sizeof(img), &n, type, data, len);
}

/* ---- §4 trailers: cases 1-3 -------------------------------------------- */

static void downloaded(struct mdev *d, const struct mdev_opts *o)
{
	if (base() != 0 || mdev_create(d, o) != 0 || mdev_download(d, PAIR, img, n, 512) != 0) {
		abort();
	}
}

TEST(case01_test_and_permanent_requests_are_test_and_perm_and_install)
{
	struct mdev d;
	struct mdev_opts o = {0};
	struct dfu_mcuboot_pair_state st;

	for (int perm = 0; perm < 2; perm++) {
		downloaded(&d, &o);
		CHECK_OK(dfu_mcuboot_schedule(&d.mcuboot, PAIR, perm != 0));
		CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
		CHECK_EQ(st.swap, perm ? DFU_MCUBOOT_SWAP_PERM : DFU_MCUBOOT_SWAP_TEST);
		CHECK_EQ(st.will_install, 1);
		mdev_destroy(&d);
	}
}

/* Program bytes into the secondary trailer of PAIR at distance from S. */
static void poke_trailer(struct mdev *d, uint32_t from_end, uint8_t v)
{
	const struct dfu_mcuboot_slot *s = &d->pairs[PAIR].secondary;

	d->flash.mem[s->offset + s->size - from_end] = v;
}

TEST(case02_secondary_image_ok_0x00_is_no_request)
{
	struct mdev d;
	struct mdev_opts o = {0};
	struct dfu_mcuboot_pair_state st;

	downloaded(&d, &o);
	CHECK_OK(dfu_mcuboot_schedule(&d.mcuboot, PAIR, false));
	poke_trailer(&d, 24, 0x00); /* image_ok at S - 24 for A = 8 */
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.secondary.trailer.image_ok, DFU_MCUBOOT_BAD);
	CHECK_EQ(st.swap, DFU_MCUBOOT_SWAP_NONE);
	CHECK_EQ(st.will_install, 0);
	mdev_destroy(&d);
}

TEST(case03_magic_with_last_byte_0x00_is_bad_and_no_request)
{
	struct mdev d;
	struct mdev_opts o = {0};
	struct dfu_mcuboot_pair_state st;

	downloaded(&d, &o);
	CHECK_OK(dfu_mcuboot_schedule(&d.mcuboot, PAIR, false));
	poke_trailer(&d, 1, 0x00);
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.secondary.trailer.magic, DFU_MCUBOOT_BAD);
	CHECK_EQ(st.swap, DFU_MCUBOOT_SWAP_NONE);
	/* boot_set_pending would fail (BOOT_EBADIMAGE); the library erases the
	 * trailer and writes the request again (test_mcuboot_trailer_rules) */
	CHECK_OK(dfu_mcuboot_schedule(&d.mcuboot, PAIR, false));
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.swap, DFU_MCUBOOT_SWAP_TEST);
	mdev_destroy(&d);
}

/* ---- §2.5 hash TLVs: cases 4, 5 ----------------------------------------- */

TEST(case04_flipped_bit_in_the_sha256_tlv_is_refused_eilseq)
{
	struct mdev_opts o = {0};
	uint32_t off;
	uint16_t len;
	uint8_t rule = 0;

	CHECK_OK(base());
	CHECK_OK(mcuboot_img_find_tlv(img, n, false, MCUBOOT_TLV_SHA256, &off, &len));
	mcuboot_img_flip_bit(img, off + 5, 3);
	CHECK_ERR(dl_rule(&o, PAIR, &rule), EILSEQ);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_HASH);
}

TEST(case04_missing_sha256_tlv_is_refused_ebadmsg)
{
	CHECK_OK(base());
	CHECK_OK(mcuboot_img_remove_tlv(img, &n, MCUBOOT_TLV_SHA256));
	CHECK_OK(append(0x12, zero32, 32)); /* keep the area non-empty */
	CHECK_OK(mcuboot_img_remove_tlv(img, &n, 0x12));
	CHECK_ERR(dl_profile(NULL), EBADMSG);
}

TEST(case04_second_sha256_tlv_that_differs_is_refused_eilseq)
{
	CHECK_OK(base());
	CHECK_OK(append(MCUBOOT_TLV_SHA256, zero32, 32));
	CHECK_ERR(dl_profile(NULL), EILSEQ);
}

TEST(case04_second_sha256_tlv_that_matches_is_accepted)
{
	uint32_t off;
	uint16_t len;
	uint8_t h[32];

	CHECK_OK(base());
	CHECK_OK(mcuboot_img_find_tlv(img, n, false, MCUBOOT_TLV_SHA256, &off, &len));
	memcpy(h, img + off, sizeof(h));
	CHECK_OK(append(MCUBOOT_TLV_SHA256, h, 32));
	CHECK_OK(dl_profile(NULL));
}

TEST(case04_sha256_tlv_of_another_length_is_refused_ebadmsg)
{
	CHECK_OK(base());
	CHECK_OK(append(MCUBOOT_TLV_SHA256, zero32, 31));
	CHECK_ERR(dl_profile(NULL), EBADMSG);
}

TEST(issue12_protected_sha256_tlv_is_refused_it_can_never_match)
{
	/* A protected SHA-256 TLV lies inside the range it hashes. */
	struct mcuboot_img_tlv t = {MCUBOOT_TLV_SHA256, 32, zero32};
	struct mcuboot_img_params p = {.custom = &t, .custom_count = 1};

	CHECK_OK(build(&p));
	CHECK_ERR(dl_profile(NULL), EILSEQ);
	CHECK_ERR(dl_profile(&no_allow_list), EILSEQ);
}

TEST(case05_garbage_sha512_tlv_unprotected_is_ignored)
{
	uint8_t g[64];

	memset(g, 0xA5, sizeof(g));
	CHECK_OK(base());
	CHECK_OK(append(0x12, g, sizeof(g)));
	CHECK_OK(dl_profile(NULL));
}

/* ---- §2.5 key TLV length: case 7 without a key configured --------------- */

TEST(case07_keyhash_of_33_bytes_is_refused_even_without_keys)
{
	uint8_t h[33] = {0};
	uint8_t rule = 0;
	struct mdev_opts o = {0};

	CHECK_OK(base());
	CHECK_OK(append(MCUBOOT_TLV_KEYHASH, h, sizeof(h)));
	CHECK_ERR(dl_rule(&o, PAIR, &rule), EBADMSG);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_KEY_LENGTH);
	/* A hash-only build ignores key TLVs. */
	static const struct dfu_mcuboot_profile none = {.sig_alg = DFU_MCUBOOT_SIG_NONE};

	CHECK_OK(dl_profile(&none));
}

/* ---- §2.4 allow list: cases 13-15 --------------------------------------- */

TEST(case13_vendor_tlv_unprotected_is_refused_by_the_allow_list)
{
	const uint8_t v[4] = {1, 2, 3, 4};
	struct mdev_opts o = {0};
	uint8_t rule = 0;

	CHECK_OK(base());
	CHECK_OK(append(0x00a0, v, sizeof(v)));
	CHECK_ERR(dl_rule(&o, PAIR, &rule), EBADMSG);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_TLV_ALLOW_LIST);
	CHECK_OK(dl_profile(&no_allow_list));
}

TEST(case13_vendor_tlv_protected_is_accepted)
{
	const uint8_t v[4] = {1, 2, 3, 4};
	struct mcuboot_img_tlv t = {0x00a0, sizeof(v), v};
	struct mcuboot_img_params p = {.custom = &t, .custom_count = 1};

	CHECK_OK(build(&p));
	CHECK_OK(dl_profile(NULL));
}

TEST(case14_sec_cnt_unprotected_is_refused_by_the_allow_list)
{
	const uint8_t v[4] = {9, 0, 0, 0};

	CHECK_OK(base());
	CHECK_OK(append(MCUBOOT_TLV_SEC_CNT, v, sizeof(v)));
	CHECK_ERR(dl_profile(NULL), EBADMSG);
	CHECK_OK(dl_profile(&no_allow_list));
}

TEST(case15_sig_pure_unprotected_is_refused_in_a_non_pure_build)
{
	const uint8_t v[1] = {1};

	CHECK_OK(base());
	CHECK_OK(append(0x25, v, sizeof(v)));
	CHECK_ERR(dl_profile(NULL), EBADMSG);
}

TEST(issue12_unknown_types_0x0000_and_0xffff_unprotected_are_refused)
{
	CHECK_OK(base());
	CHECK_OK(append(0x0000, NULL, 0));
	CHECK_ERR(dl_profile(NULL), EBADMSG);
	CHECK_OK(base());
	CHECK_OK(append(0xffff, NULL, 0));
	CHECK_ERR(dl_profile(NULL), EBADMSG);
	CHECK_OK(dl_profile(&no_allow_list));
}

/* ---- §2.3 TLV infos and bounds: cases 16, 17 ----------------------------- */

TEST(case16_protected_size_0x20_with_an_info_total_of_0x24_is_refused)
{
	const uint8_t v[28] = {0};
	struct mcuboot_img_tlv t = {0x00a0, sizeof(v), v};
	struct mcuboot_img_params p = {.custom = &t, .custom_count = 1};

	CHECK_OK(build(&p));
	CHECK_EQ(mcuboot_img_get_hdr(img, MCUBOOT_HDR_PROT_TLV_SIZE), 0x24);
	mcuboot_img_set_hdr(img, MCUBOOT_HDR_PROT_TLV_SIZE, 0x20);
	struct mdev_opts o = {0};
	uint8_t rule = 0;

	CHECK_ERR(dl_rule(&o, PAIR, &rule), EBADMSG);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_TLV_INFO); /* the report names the rule */
}

TEST(case17_last_tlv_one_byte_past_the_area_accepted_by_ncs2_refused_when_checked)
{
	struct mcuboot_img_layout l;
	uint8_t rule = 0;
	struct mdev_opts o = {.profile = &checked_iter};

	CHECK_OK(base());
	CHECK_OK(mcuboot_img_layout(img, n, &l));
	img[l.tlv_off + 2]--;       /* it_tlv_tot one short: SHA-256 ends 1 byte past */
	CHECK_OK(dl_profile(NULL)); /* NCS 2.x reads the byte past the area */
	CHECK_ERR(dl_rule(&o, PAIR, &rule), EBADMSG);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_TLV_BOUNDS);
}

TEST(case17_byte_past_the_area_is_written_under_ncs2)
{
	struct mcuboot_img_layout l;
	struct mdev d;
	struct mdev_opts o = {0};

	CHECK_OK(base());
	CHECK_OK(mcuboot_img_layout(img, n, &l));
	img[l.tlv_off + 2]--;
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_OK(mdev_download(&d, PAIR, img, n, 512));
	CHECK_MEM(mdev_secondary(&d, PAIR), img, n); /* its last byte too */
	mdev_destroy(&d);
}

/* ---- §3.1 maximum image size: case 18 ----------------------------------- */

/* A hash-only image whose TLVs end at `end` (0x200 header, no protected
 * TLVs, 36-byte SHA-256 TLV after the 4-byte info). */
static int sized(uint32_t end)
{
	struct mcuboot_img_params p = {0};

	memset(img, 0x5a, end);
	return mcuboot_img_build(&p, img + 0x200, end - 0x200 - 40, img, sizeof(img), &n);
}

TEST(case18_move_image_ending_at_0x6e000_is_accepted_and_0x6e001_refused)
{
	struct mdev_opts o = {0}; /* pair 0: 0x70000 slots, move */

	equal_slots = true;
	CHECK_OK(sized(0x6E000));
	CHECK_EQ(n, 0x6E000);
	CHECK_OK(dl_rule(&o, 0, NULL));
	CHECK_OK(sized(0x6E001));
	CHECK_ERR(dl_rule(&o, 0, NULL), EFBIG);
	equal_slots = false;
}

TEST(case18_scratch_and_overwrite_maxima_are_deliberately_stricter)
{
	struct dfu_mcuboot_pair_profile pp;
	struct mdev d;
	struct mdev_opts o = {.mode = DFU_MCUBOOT_SWAP_SCRATCH};

	/* MCUboot accepts 0x6F9D0 (scratch) and 0x6FFD8 (overwrite); the
	 * library keeps the trailer's erase blocks free of image bytes. */
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_OK(dfu_mcuboot_profile_get(&d.board, NULL, 0, &pp));
	CHECK_EQ(pp.stricter, DFU_MCUBOOT_STRICTER_TRAILER_SECTOR);
	mdev_destroy(&d);
	CHECK_OK(sized(0x6F9D0));
	CHECK_ERR(dl_rule(&o, 0, NULL), EFBIG);
	o.mode = DFU_MCUBOOT_OVERWRITE;
	CHECK_OK(sized(0x6FFD8));
	CHECK_ERR(dl_rule(&o, 0, NULL), EFBIG);
	CHECK_OK(sized(0x6F000));
	CHECK_OK(dl_rule(&o, 0, NULL));
	/* never stricter in the default mode */
	o.mode = DFU_MCUBOOT_SWAP_MOVE;
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_OK(dfu_mcuboot_profile_get(&d.board, NULL, 0, &pp));
	CHECK_EQ(pp.stricter, 0);
	mdev_destroy(&d);
}

/* ---- §1.1 flags: cases 19, 20 and issue 12's compressed image ----------- */

TEST(case19_encrypted_flag_without_encryption_support_is_refused)
{
	struct mcuboot_img_params p = {.flags = 0x4};
	struct mdev_opts o = {0};
	uint8_t rule = 0;

	CHECK_OK(build(&p));
	CHECK_ERR(dl_rule(&o, PAIR, &rule), ENOTSUP);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_ENCRYPTION);
	/* encryption supported and accepted unverified (the flag maps onto
	 * the profile's ENCRYPT) */
	o.flags = DFU_MCUBOOT_ALLOW_UNVERIFIED;
	CHECK_OK(dl(&o));
}

TEST(case20_pic_ram_load_rom_fixed_and_undefined_flags_are_ignored)
{
	struct mcuboot_img_params p = {.flags = 0x1u | 0x20u | 0x100u | 0x80000000u,
				       .load_addr = 0x12345678};

	CHECK_OK(build(&p));
	CHECK_OK(dl_profile(NULL));
}

TEST(issue12_pic_flag_alone_is_accepted)
{
	struct mcuboot_img_params p = {.flags = 0x1u};

	CHECK_OK(build(&p));
	CHECK_OK(dl_profile(NULL));
}

TEST(issue12_lzma2_compressed_image_is_refused_without_decompression)
{
	struct mcuboot_img_params p = {.flags = 0x400u};
	struct mdev_opts o = {.mode = DFU_MCUBOOT_OVERWRITE};
	uint8_t rule = 0;

	CHECK_OK(build(&p));
	CHECK_ERR(dl_rule(&o, 0, &rule), ENOTSUP);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_COMPRESSION);
}

TEST(issue12_lzma2_compressed_image_is_accepted_with_decompression)
{
	static const struct dfu_mcuboot_profile decomp = {.features = DFU_MCUBOOT_P_DECOMPRESS};
	struct mcuboot_img_params p = {.flags = 0x400u};
	struct mdev_opts o = {.mode = DFU_MCUBOOT_OVERWRITE, .profile = &decomp};

	CHECK_OK(build(&p));
	CHECK_OK(dl_rule(&o, 0, NULL));
	p.flags = 0x600u; /* LZMA1 and LZMA2: invalid even then */
	CHECK_OK(build(&p));
	CHECK_ERR(dl_rule(&o, 0, NULL), EBADMSG);
}

TEST(issue12_decompression_outside_overwrite_only_is_an_invalid_profile)
{
	static const struct dfu_mcuboot_profile decomp = {.features = DFU_MCUBOOT_P_DECOMPRESS};
	struct dfu_mcuboot_pair_profile pp;
	struct mdev d;
	struct mdev_opts o = {0};

	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(dfu_mcuboot_profile_get(&d.board, &decomp, 0, &pp), EINVAL);
	mdev_destroy(&d);
}

/* ---- §1.2, §3.6: cases 21, 23 -------------------------------------------- */

TEST(case21_non_bootable_image_verifies_and_is_never_requested)
{
	struct mcuboot_img_params p = {.flags = 0x10u};
	struct mdev d;
	struct mdev_opts o = {0};

	CHECK_OK(build(&p));
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_OK(mdev_download(&d, PAIR, img, n, 512));
	CHECK_ERR(dfu_mcuboot_schedule(&d.mcuboot, PAIR, false), ENOEXEC);
	mdev_destroy(&d);
}

TEST(case23_move_with_an_empty_primary_installs_nothing)
{
	struct mdev d;
	struct mdev_opts o = {.empty_primary = true};
	struct dfu_mcuboot_pair_state st;

	downloaded(&d, &o);
	CHECK_OK(dfu_mcuboot_schedule(&d.mcuboot, PAIR, true));
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.swap, DFU_MCUBOOT_SWAP_PERM);
	CHECK_EQ(st.primary.present, 0);
	CHECK_EQ(st.will_install, 0);
	mdev_destroy(&d);
}

TEST(case23_move_with_an_empty_primary_holds_a_refused_secondary_without_erasing_it)
{
	struct mdev d;
	struct mdev_opts o = {.empty_primary = true};
	struct dfu_mcuboot_pair_state st;

	downloaded(&d, &o);
	CHECK_OK(dfu_mcuboot_schedule(&d.mcuboot, PAIR, false));
	/* the secondary's header breaks after the request: MCUboot never gets
	 * to validate it (and erase it), the empty primary's header read fails
	 * first */
	mdev_secondary(&d, PAIR)[0] ^= 0x01;
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.swap, DFU_MCUBOOT_SWAP_TEST);
	CHECK_EQ(st.will_install, 0);
	CHECK_EQ(st.hold, DFU_MCUBOOT_HOLD_PRIMARY);
	mdev_destroy(&d);
}

TEST(case23_with_bootstrap_an_empty_primary_gets_the_image_without_a_request)
{
	static const struct dfu_mcuboot_profile boot = {.features = DFU_MCUBOOT_P_BOOTSTRAP};
	struct mdev d;
	struct mdev_opts o = {.empty_primary = true, .profile = &boot};
	struct dfu_mcuboot_pair_state st;

	downloaded(&d, &o);
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.swap, DFU_MCUBOOT_SWAP_NONE);
	CHECK_EQ(st.will_install, 1);
	mdev_destroy(&d);
}

TEST(case23_scratch_and_overwrite_install_over_an_empty_primary)
{
	struct mdev d;
	struct mdev_opts o = {.empty_primary = true, .mode = DFU_MCUBOOT_OVERWRITE};
	struct dfu_mcuboot_pair_state st;

	if (base() != 0) {
		abort();
	}
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_OK(mdev_download(&d, 0, img, n, 512));
	CHECK_OK(dfu_mcuboot_schedule(&d.mcuboot, 0, false));
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, 0, &st));
	CHECK_EQ(st.will_install, 1);
	mdev_destroy(&d);
}

/* ---- §1.3, §1.4 downgrade: case 24 --------------------------------------- */

static int versioned(uint8_t major, uint8_t minor, uint16_t rev, uint32_t build)
{
	struct mcuboot_img_params p = {.version = {major, minor, rev, build}};

	return mcuboot_img_build(&p, payload, sizeof(payload), img, sizeof(img), &n);
}

static int dl_over(const struct mdev_opts *o)
{
	struct mdev d;

	if (mdev_create(&d, o) != 0) {
		return -1000;
	}
	mdev_running(&d, PAIR, 1, 3, 0, 5);
	int err = mdev_download(&d, PAIR, img, n, 512);

	if (err == 0) {
		err = dfu_mcuboot_schedule(&d.mcuboot, PAIR, false);
	}
	mdev_destroy(&d);
	return err;
}

TEST(case24_equal_version_with_a_lower_build_number_passes_downgrade_prevention)
{
	static const struct dfu_mcuboot_profile dg = {.features = DFU_MCUBOOT_P_DOWNGRADE};
	struct mdev_opts o = {.profile = &dg};

	CHECK_OK(versioned(1, 3, 0, 1));
	CHECK_OK(dl_over(&o));
}

TEST(case24_older_version_is_refused_by_downgrade_prevention)
{
	static const struct dfu_mcuboot_profile dg = {.features = DFU_MCUBOOT_P_DOWNGRADE};
	struct mdev_opts o = {.profile = &dg};

	CHECK_OK(versioned(1, 2, 9, 0));
	CHECK_ERR(dl_over(&o), ESTALE);
	o.profile = NULL;
	CHECK_OK(dl_over(&o));                /* default: no downgrade prevention */
	o.flags = DFU_MCUBOOT_DENY_DOWNGRADE; /* the flag maps onto it */
	CHECK_ERR(dl_over(&o), ESTALE);
}

TEST(case24_build_number_counts_only_when_the_profile_says_so)
{
	static const struct dfu_mcuboot_profile dgb = {.features = DFU_MCUBOOT_P_DOWNGRADE |
								   DFU_MCUBOOT_P_BUILD_NUMBER};
	struct mdev_opts o = {.profile = &dgb};

	CHECK_OK(versioned(1, 3, 0, 1));
	CHECK_ERR(dl_over(&o), ESTALE);
	CHECK_OK(versioned(1, 3, 0, 5));
	CHECK_OK(dl_over(&o));
}

/* ---- §2.9 security counter ----------------------------------------------- */

TEST(issue12_every_sec_cnt_tlv_is_checked_against_the_hw_counter)
{
	uint8_t c1[4] = {9, 0, 0, 0};
	uint8_t c2[4] = {4, 0, 0, 0}; /* the second one is below 5 */
	struct mcuboot_img_tlv t[2] = {{MCUBOOT_TLV_SEC_CNT, 4, c1}, {MCUBOOT_TLV_SEC_CNT, 4, c2}};
	struct mcuboot_img_params p = {.custom = t, .custom_count = 2};
	struct mdev_opts o = {.profile = &hw_counter};
	uint8_t rule = 0;

	CHECK_OK(build(&p));
	CHECK_ERR(dl_rule(&o, PAIR, &rule), ESTALE);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_SEC_CNT);
	CHECK_OK(dl_profile(NULL)); /* no HW counter: not read */
	c2[0] = 5;
	CHECK_OK(build(&p));
	CHECK_OK(dl_profile(&hw_counter));
}

TEST(issue12_sec_cnt_of_another_length_refused_only_with_a_hw_counter)
{
	const uint8_t c[5] = {9, 0, 0, 0, 0};
	struct mcuboot_img_tlv t = {MCUBOOT_TLV_SEC_CNT, 5, c};
	struct mcuboot_img_params p = {.custom = &t, .custom_count = 1};

	CHECK_OK(build(&p));
	CHECK_OK(dl_profile(NULL));
	CHECK_ERR(dl_profile(&hw_counter), EBADMSG);
}

TEST(issue12_hw_counter_needs_a_sec_cnt_tlv)
{
	CHECK_OK(base());
	CHECK_ERR(dl_profile(&hw_counter), ESTALE);
	/* min_security_counter maps onto the same rule */
	struct mdev_opts o = {0};
	struct mdev d;

	CHECK(mdev_create(&d, &o) == 0);
	d.mcuboot.cfg.min_security_counter = 1;
	CHECK_ERR(mdev_download(&d, PAIR, img, n, 512), ESTALE);
	mdev_destroy(&d);
}

/* ---- bytes after the TLVs (§3.4) ----------------------------------------- */

TEST(issue12_bytes_after_the_tlvs_are_accepted_and_never_written)
{
	struct mdev d;
	struct mdev_opts o = {0};
	size_t end;

	CHECK_OK(base());
	end = n;
	memset(img + n, 0x00, 100);
	n += 100;
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_OK(mdev_download(&d, PAIR, img, n, 512));
	CHECK_EQ(mdev_secondary(&d, PAIR)[end], 0xFF);
	CHECK_EQ(mdev_secondary(&d, PAIR)[end + 99], 0xFF);
	mdev_destroy(&d);
}

TEST(issue12_profile_defaults_are_the_nrf9160_ncs_build)
{
	struct dfu_mcuboot_pair_profile pp;
	struct mdev d;
	struct mdev_opts o = {0};

	CHECK(mdev_create(&d, &o) == 0);
	CHECK_OK(dfu_mcuboot_profile_get(&d.board, NULL, 1, &pp));
	CHECK_EQ(pp.build.features, 0); /* allow list, validate primary, nothing else */
	CHECK_EQ(pp.build.key_tlv, DFU_MCUBOOT_KEYHASH);
	CHECK_EQ(pp.build.ecdsa_der, DFU_MCUBOOT_DER_LENIENT);
	CHECK_EQ(pp.build.tlv_iter, DFU_MCUBOOT_ITER_NCS2);
	CHECK_EQ(pp.mode, DFU_MCUBOOT_SWAP_MOVE);
	CHECK_EQ(pp.max_align, 8);
	CHECK_EQ(pp.image_number, 1);
	CHECK_EQ(dfu_mcuboot_profile_nrf9160.sig_alg, DFU_SIG_ECDSA_P256);
	CHECK_EQ(dfu_mcuboot_profile_nrf5340.sig_alg, DFU_SIG_RSA2048_PSS);
	CHECK_ERR(dfu_mcuboot_profile_get(&d.board, NULL, 3, &pp), ENOENT);
	mdev_destroy(&d);
}

TEST(issue12_pair_image_number_goes_into_swap_info)
{
	struct mdev d;
	struct mdev_opts o = {0};
	struct dfu_mcuboot_trailer t;

	downloaded(&d, &o);
	d.pairs[PAIR].image = DFU_MCUBOOT_IMAGE(3);
	CHECK_OK(dfu_mcuboot_schedule(&d.mcuboot, PAIR, false));
	CHECK_OK(dfu_mcuboot_trailer_read(&d.pairs[PAIR], 1, &t));
	CHECK_EQ(t.swap_img, 3);
	mdev_destroy(&d);
}

TEST_MAIN(RUN(case01_test_and_permanent_requests_are_test_and_perm_and_install);
	  RUN(case02_secondary_image_ok_0x00_is_no_request);
	  RUN(case03_magic_with_last_byte_0x00_is_bad_and_no_request);
	  RUN(case04_flipped_bit_in_the_sha256_tlv_is_refused_eilseq);
	  RUN(case04_missing_sha256_tlv_is_refused_ebadmsg);
	  RUN(case04_second_sha256_tlv_that_differs_is_refused_eilseq);
	  RUN(case04_second_sha256_tlv_that_matches_is_accepted);
	  RUN(case04_sha256_tlv_of_another_length_is_refused_ebadmsg);
	  RUN(issue12_protected_sha256_tlv_is_refused_it_can_never_match);
	  RUN(case05_garbage_sha512_tlv_unprotected_is_ignored);
	  RUN(case07_keyhash_of_33_bytes_is_refused_even_without_keys);
	  RUN(case13_vendor_tlv_unprotected_is_refused_by_the_allow_list);
	  RUN(case13_vendor_tlv_protected_is_accepted);
	  RUN(case14_sec_cnt_unprotected_is_refused_by_the_allow_list);
	  RUN(case15_sig_pure_unprotected_is_refused_in_a_non_pure_build);
	  RUN(issue12_unknown_types_0x0000_and_0xffff_unprotected_are_refused);
	  RUN(case16_protected_size_0x20_with_an_info_total_of_0x24_is_refused);
	  RUN(case17_last_tlv_one_byte_past_the_area_accepted_by_ncs2_refused_when_checked);
	  RUN(case17_byte_past_the_area_is_written_under_ncs2);
	  RUN(case18_move_image_ending_at_0x6e000_is_accepted_and_0x6e001_refused);
	  RUN(case18_scratch_and_overwrite_maxima_are_deliberately_stricter);
	  RUN(case19_encrypted_flag_without_encryption_support_is_refused);
	  RUN(case20_pic_ram_load_rom_fixed_and_undefined_flags_are_ignored);
	  RUN(issue12_pic_flag_alone_is_accepted);
	  RUN(issue12_lzma2_compressed_image_is_refused_without_decompression);
	  RUN(issue12_lzma2_compressed_image_is_accepted_with_decompression);
	  RUN(issue12_decompression_outside_overwrite_only_is_an_invalid_profile);
	  RUN(case21_non_bootable_image_verifies_and_is_never_requested);
	  RUN(case23_move_with_an_empty_primary_installs_nothing);
	  RUN(case23_move_with_an_empty_primary_holds_a_refused_secondary_without_erasing_it);
	  RUN(case23_with_bootstrap_an_empty_primary_gets_the_image_without_a_request);
	  RUN(case23_scratch_and_overwrite_install_over_an_empty_primary);
	  RUN(case24_equal_version_with_a_lower_build_number_passes_downgrade_prevention);
	  RUN(case24_older_version_is_refused_by_downgrade_prevention);
	  RUN(case24_build_number_counts_only_when_the_profile_says_so);
	  RUN(issue12_every_sec_cnt_tlv_is_checked_against_the_hw_counter);
	  RUN(issue12_sec_cnt_of_another_length_refused_only_with_a_hw_counter);
	  RUN(issue12_hw_counter_needs_a_sec_cnt_tlv);
	  RUN(issue12_bytes_after_the_tlvs_are_accepted_and_never_written);
	  RUN(issue12_profile_defaults_are_the_nrf9160_ncs_build);
	  RUN(issue12_pair_image_number_goes_into_swap_info);)
