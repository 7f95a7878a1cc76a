/*
 * Issue 12: the images on which a differential run against MCUboot's own
 * bootutil (built on the host, crafted images, every profile) found the
 * verifier stricter than MCUboot, each downloaded through the MCUboot target
 * as MCUboot judges it: header sizes below 32, a protected TLV running over
 * the unprotected TLV info, and (NCS 2.x iterator) a last TLV declaring more
 * bytes than the file holds. Hash-only images (no signing): runs on the host
 * and under QEMU. The key cases (PUBKEY bound, signature rules) need a
 * signer: test_mcuboot_profile_sig.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "dfu/dfu_sha256.h"
#include "harness.h"
#include "mcuboot_fixture.h"
#include "mcuboot_img.h"

#define PAIR 1 /* 8-sector move pair: slots of 32 KiB */

static uint8_t img[0x4000];
static size_t n;
static uint32_t sha_off; /* the SHA-256 TLV's value */
static uint8_t payload[1024];

static const struct dfu_mcuboot_profile checked_iter = {.tlv_iter = DFU_MCUBOOT_ITER_CHECKED};
static const struct dfu_mcuboot_profile no_allow_list = {.features = DFU_MCUBOOT_P_NO_ALLOW_LIST};
static const struct dfu_mcuboot_profile no_allow_list_checked = {
	.features = DFU_MCUBOOT_P_NO_ALLOW_LIST, .tlv_iter = DFU_MCUBOOT_ITER_CHECKED};
/* NULL (the default, NCS 2.x iterator) and the checked iterator */
static const struct dfu_mcuboot_profile *const both_iters[] = {NULL, &checked_iter};
/* write sizes: byte by byte, odd, whole chunks */
static const size_t chunks[] = {1, 3, 512};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* A hash-only image (protected TLVs per p, NULL = none); sha_off set. */
static int build(const struct mcuboot_img_params *p)
{
	struct mcuboot_img_params d = {.version = {1, 0, 0, 0}};
	uint16_t len;

	for (size_t i = 0; i < sizeof(payload); i++) {
		payload[i] = (uint8_t)(i * 7u + 1u);
	}
	int err = mcuboot_img_build(p != NULL ? p : &d, payload, sizeof(payload), img, sizeof(img),
				    &n);

	return err ? err : mcuboot_img_find_tlv(img, n, false, MCUBOOT_TLV_SHA256, &sha_off, &len);
}

/* The SHA-256 TLV made right again after the hashed bytes changed. */
static void rehash(void)
{
	dfu_sha256(img, mcuboot_img_hashed_len(img), img + sha_off);
}

/* Download img[0, n) into PAIR of a fresh device under prof, chunk bytes a
 * write, and request it; *rule (may be NULL): the report's rule. */
static int dl(const struct dfu_mcuboot_profile *prof, size_t chunk, uint8_t *rule)
{
	struct mdev_opts o = {.profile = prof};
	struct mdev d;

	if (mdev_create(&d, &o) != 0) {
		return -1000;
	}
	int err = mdev_download(&d, PAIR, img, n, chunk);

	if (rule != NULL) {
		*rule = dfu_mcuboot_report(&d.mcuboot)->rule;
	}
	if (err == 0) {
		err = dfu_mcuboot_schedule(&d.mcuboot, PAIR, false);
	}
	mdev_destroy(&d);
	return err;
}

/* dl() under each profile of profs and each write size: all return want. */
static int dl_all(const struct dfu_mcuboot_profile *const *profs, size_t count, int want)
{
	for (size_t i = 0; i < count; i++) {
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			int err = dl(profs[i], chunks[c], NULL);

			if (err != want) {
				printf("  profile %u, chunk %u: %s\n", (unsigned)i,
				       (unsigned)chunks[c], dfu_errno_name(err));
				return err == 0 ? -1 : err;
			}
		}
	}
	return 0;
}

/* ---- header size below 32 (sheet 1.1: "0 passes") ---------------------- */

TEST(issue12_header_sizes_16_and_0_are_accepted_as_bootutil_has_no_lower_bound)
{
	static const uint16_t sizes[] = {16, 0, 31};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		CHECK_OK(build(NULL));
		/* the TLVs stay where they are: the payload starts earlier */
		mcuboot_img_set_hdr(img, MCUBOOT_HDR_IMG_SIZE,
				    mcuboot_img_get_hdr(img, MCUBOOT_HDR_IMG_SIZE) + 0x200u -
					    sizes[i]);
		mcuboot_img_set_hdr(img, MCUBOOT_HDR_HDR_SIZE, sizes[i]);
		rehash();
		CHECKF(dl_all(both_iters, 2, 0) == 0, "header size %u", sizes[i]);
	}
}

TEST(issue12_header_size_below_32_with_the_old_tlv_offset_is_refused_by_the_tlv_info)
{
	uint8_t rule = 0;

	CHECK_OK(build(NULL));
	mcuboot_img_set_hdr(img, MCUBOOT_HDR_HDR_SIZE, 16); /* TLV info now in the payload */
	CHECK_ERR(dl(NULL, 512, &rule), EBADMSG);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_TLV_INFO);
}

/*
 * ih_hdr_size 0, ih_img_size 18: the TLV info is read at offset 18, inside
 * the 32-byte header (flags bytes 2-3 = 07 69, major/minor = its total),
 * the SHA-256 TLV header is the revision (0x0010) and the build number's
 * low half (0x0020), its value the rest of the header and 26 bytes after
 * it. bootutil boots this (flags 0x69070000 are undefined bits).
 */
static void tlv_inside_header(void)
{
	uint8_t digest[32];

	memset(img, 0, 58);
	mcuboot_img_set_hdr(img, MCUBOOT_HDR_MAGIC, MCUBOOT_IMG_MAGIC);
	mcuboot_img_set_hdr(img, MCUBOOT_HDR_IMG_SIZE, 18);
	mcuboot_img_set_hdr(img, MCUBOOT_HDR_FLAGS, 0x69070000u);
	img[20] = 40; /* major = TLV total: info + SHA-256 TLV */
	mcuboot_img_set_hdr(img, MCUBOOT_HDR_VER_REVISION, MCUBOOT_TLV_SHA256);
	put16(img + 24, 32);
	dfu_sha256(img, 18, digest); /* hashed: [0, 18) */
	memcpy(img + 26, digest, 32);
	n = 58;
}

TEST(issue12_tlv_area_starting_inside_the_32_byte_header_is_walked_from_the_header_bytes)
{
	tlv_inside_header();
	CHECK_OK(dl_all(both_iters, 2, 0));
	img[40] ^= 1; /* the digest's last 32 - 14 bytes are after the header */
	CHECK_ERR(dl(NULL, 512, NULL), EILSEQ);
	img[40] ^= 1;
	img[17] ^= 1; /* a hashed header byte (flags) */
	CHECK_ERR(dl(NULL, 512, NULL), EILSEQ);
}

/* ---- a protected TLV running over the 0x6907 info (2.3) --------------- */

/* Protected area: info, TLV 0xa0 of 4 bytes; o = its start. */
static int with_vendor_tlv(uint32_t *o)
{
	static const uint8_t v4[4] = {1, 2, 3, 4};
	struct mcuboot_img_tlv t = {0x00a0, sizeof(v4), v4};
	struct mcuboot_img_params p = {.version = {1, 0, 0, 0}, .custom = &t, .custom_count = 1};
	int err = build(&p);

	*o = mcuboot_img_get_hdr(img, MCUBOOT_HDR_HDR_SIZE) +
	     mcuboot_img_get_hdr(img, MCUBOOT_HDR_IMG_SIZE);
	return err;
}

/* bootutil's walk bounds it by the end of all TLVs only; it then reads the
 * info as the vendor TLV's value and goes on after it. */
TEST(issue12_protected_tlv_whose_value_covers_the_unprotected_info_is_accepted)
{
	uint32_t o;

	CHECK_OK(with_vendor_tlv(&o));
	CHECK_EQ(img[o + 6], 4);
	img[o + 6] = 8; /* the 0xa0 TLV now ends 4 bytes past the protected area */
	rehash();
	CHECK_OK(dl_all(both_iters, 2, 0));
}

TEST(issue12_protected_tlv_running_past_the_end_of_the_tlvs_is_refused)
{
	uint32_t o;
	uint8_t rule = 0;

	CHECK_OK(with_vendor_tlv(&o));
	memset(img + n, 0, 16); /* bytes after the TLVs */
	n += 16;
	/* one byte past the SHA-256 TLV, the end of the TLVs */
	put16(img + o + 6, (uint16_t)(4u + 4u + 36u + 1u));
	rehash();
	for (size_t i = 0; i < 2; i++) {
		CHECK_ERR(dl(both_iters[i], 512, &rule), EBADMSG);
		CHECK_EQ(rule, DFU_MCUBOOT_RULE_TLV_BOUNDS);
	}
	put16(img + o + 6, 0x7000); /* past the file */
	rehash();
	CHECK_ERR(dl(NULL, 512, &rule), EBADMSG);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_TLV_BOUNDS);
}

/*
 * A protected TLV header that starts 1 byte before the protected end: its
 * length is the info's 0x69 and the low byte of its total (0x0100). The
 * entry (type 0x07xx, unprotected: its value is past the protected end) is
 * skipped, then come the SHA-256 TLV and a filler up to the total.
 */
static void straddling_header(void)
{
	uint32_t o;
	uint8_t *u;

	if (with_vendor_tlv(&o) != 0) {
		abort();
	}
	uint32_t pe = o + 12; /* protected end: info, 0xa0 header, 4 bytes */

	img[o + 6] = 3; /* its last byte starts the next header: type 0x07ee */
	img[pe - 1] = 0xee;
	u = img + pe;
	memset(u, 0x5a, 256);
	put16(u, MCUBOOT_TLV_INFO_MAGIC);
	put16(u + 2, 0x100);
	/* the header at pe - 1 has length 0x69: its value ends at pe + 108 */
	put16(u + 108, MCUBOOT_TLV_SHA256);
	put16(u + 110, 32);
	put16(u + 144, 0x12); /* SHA-512 TLV, ignored, up to the total */
	put16(u + 146, 256 - 148);
	n = pe + 256;
	sha_off = pe + 112;
	rehash();
}

TEST(issue12_protected_tlv_header_running_into_the_info_is_read_as_bootutil_does)
{
	static const struct dfu_mcuboot_profile *const no_list[] = {&no_allow_list,
								    &no_allow_list_checked};
	uint8_t rule = 0;

	straddling_header();
	CHECK_OK(dl_all(no_list, 2, 0));
	/* with the allow list, the 0x07ee entry is an unprotected one */
	CHECK_ERR(dl(NULL, 512, &rule), EBADMSG);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_TLV_ALLOW_LIST);
}

/* ---- NCS 2.x: the last TLV declares more than the file holds ----------- */

/* The valid image + a SHA-512 TLV (not read by this build) of 4 bytes whose
 * length says 0x100; the info's total counts the 8 bytes in the file. */
TEST(issue12_ncs2_last_unread_tlv_running_past_the_file_is_accepted_and_checked_refuses)
{
	static const uint8_t z4[4];
	uint8_t rule = 0;

	CHECK_OK(build(NULL));
	CHECK_OK(mcuboot_img_append_tlv(img, sizeof(img), &n, 0x12, z4, 4));
	put16(img + n - 6, 0x100);
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		CHECK_OK(dl(NULL, chunks[c], NULL));
	}
	CHECK_ERR(dl(&checked_iter, 512, &rule), EBADMSG);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_TLV_BOUNDS);
}

/* bootutil would read the value from whatever the slot holds past the file:
 * the library does not guess it (deliberately stricter). */
TEST(issue12_ncs2_last_tlv_read_from_past_the_file_is_refused)
{
	static const uint8_t z4[4];
	uint8_t rule = 0;

	CHECK_OK(build(NULL));
	CHECK_OK(mcuboot_img_append_tlv(img, sizeof(img), &n, MCUBOOT_TLV_SHA256, z4, 4));
	put16(img + n - 6, 32);
	CHECK_ERR(dl(NULL, 512, &rule), EBADMSG);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_TLV_BOUNDS);
	/* of another length it is refused unread, as bootutil does */
	put16(img + n - 6, 0x100);
	CHECK_ERR(dl(NULL, 512, &rule), EBADMSG);
	CHECK_EQ(rule, DFU_MCUBOOT_RULE_HASH_LENGTH);
}

TEST_MAIN(RUN(issue12_header_sizes_16_and_0_are_accepted_as_bootutil_has_no_lower_bound);
	  RUN(issue12_header_size_below_32_with_the_old_tlv_offset_is_refused_by_the_tlv_info);
	  RUN(issue12_tlv_area_starting_inside_the_32_byte_header_is_walked_from_the_header_bytes);
	  RUN(issue12_protected_tlv_whose_value_covers_the_unprotected_info_is_accepted);
	  RUN(issue12_protected_tlv_running_past_the_end_of_the_tlvs_is_refused);
	  RUN(issue12_protected_tlv_header_running_into_the_info_is_read_as_bootutil_does);
	  RUN(issue12_ncs2_last_unread_tlv_running_past_the_file_is_accepted_and_checked_refuses);
	  RUN(issue12_ncs2_last_tlv_read_from_past_the_file_is_refused);)
