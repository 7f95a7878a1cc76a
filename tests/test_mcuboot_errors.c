/*
 * MCUboot target: bad inputs. Flipped bits, header lies, TLV lies,
 * truncated and over-long images: each gives a documented error, a header
 * error leaves flash untouched, and nothing bad can ever be scheduled.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "mcuboot_fixture.h"
#include "vectors.h"

static uint8_t img[80 * 1024];

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/* Copy a vector into img; returns its length. */
static size_t load(const char *name)
{
	const struct vec_image *v = vec_find(name);

	if (v == NULL || v->len > sizeof(img)) {
		abort();
	}
	memcpy(img, v->data, v->len);
	return v->len;
}

/* Download img[0, n) (declared size file_size) into pair 1; returns the
 * first error, and checks that nothing can be scheduled afterwards unless
 * the download succeeded. */
static int try_download(struct mdev *d, size_t n, size_t file_size, size_t chunk)
{
	struct dfu_init_params ip = {
		.img_type = DFU_TARGET_IMAGE_TYPE_MCUBOOT, .img_num = 1, .file_size = file_size};
	int err = dfu_ctx_init_ex(&d->ctx, &ip);

	for (size_t off = 0; err == 0 && off < n; off += chunk) {
		err = dfu_ctx_write(&d->ctx, img + off, n - off < chunk ? n - off : chunk);
	}
	if (err == 0) {
		err = dfu_ctx_done(&d->ctx, true);
	}
	if (err != 0) {
		int s = dfu_mcuboot_schedule(&d->mcuboot, 1, false);

		if (s == 0) {
			return -9999; /* never expected: a bad image was scheduled */
		}
		(void)dfu_ctx_done(&d->ctx, false);
		(void)dfu_ctx_reset(&d->ctx);
	}
	return err;
}

/* hdr_size + img_size + prot_size: where the TLV info starts. */
static uint32_t mcuboot_hashed(const uint8_t *p)
{
	return (uint32_t)(p[8] | (p[9] << 8)) + (uint32_t)(p[12] | (p[13] << 8) | (p[14] << 16)) +
	       (uint32_t)(p[10] | (p[11] << 8));
}

static uint64_t flash_ops(const struct mdev *d)
{
	return d->flash.cnt.erases + d->flash.cnt.programs;
}

/* A header change must be refused by the first chunk with flash untouched. */
static void header_case(uint32_t off, uint32_t val, int width, int want)
{
	struct mdev d;
	struct mdev_opts o = {0};
	size_t n = load("v06");

	if (width == 2) {
		put16(img + off, val);
	} else if (width == 4) {
		put32(img + off, val);
	} else {
		img[off] = (uint8_t)val;
	}
	CHECK(mdev_create(&d, &o) == 0);
	/* Without the first bytes at init, one byte at a time: the check
	 * happens in write, when the 32nd byte arrives. */
	int err = dfu_ctx_init(&d.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 1, n, NULL);

	for (size_t i = 0; err == 0 && i < n; i++) {
		err = dfu_ctx_write(&d.ctx, img + i, 1);
	}
	CHECKF(err == want, "header +%u = 0x%x: %s, want %s", (unsigned)off, (unsigned)val,
	       dfu_errno_name(err), dfu_errno_name(want));
	CHECK_EQ(flash_ops(&d), 0);
	CHECK(dfu_mcuboot_schedule(&d.mcuboot, 1, false) != 0);
	mdev_destroy(&d);
	/* With the first bytes at init: refused there. */
	CHECK(mdev_create(&d, &o) == 0);
	struct dfu_init_params ip = {.img_type = DFU_TARGET_IMAGE_TYPE_MCUBOOT,
				     .img_num = 1,
				     .file_size = n,
				     .first = img,
				     .first_len = 64};
	CHECK_ERR(dfu_ctx_init_ex(&d.ctx, &ip), -want);
	CHECK_EQ(flash_ops(&d), 0);
	mdev_destroy(&d);
}

TEST(wrong_magic_is_rejected_before_flash)
{
	header_case(0, 0x96f3b83c, 4, -EBADMSG); /* legacy V1 magic */
}

TEST(image_size_overflowing_32_bits_is_rejected_before_flash)
{
	header_case(12, 0xFFFFFFFFu, 4, -EFBIG);
}

TEST(protected_size_past_the_file_is_rejected_before_flash)
{
	header_case(10, 0xFFFF, 2, -EFBIG);
}

TEST(protected_size_below_its_info_is_rejected_before_flash)
{
	header_case(10, 2, 2, -EBADMSG);
}

TEST(both_encryption_flags_are_rejected_before_flash)
{
	header_case(16, 0x0C, 4, -EBADMSG);
}

/* Until issue 12 the PIC flag (0x1) was refused here; MCUboot ignores it
 * (test_mcuboot_profile: pic_flag_...). A compressed image is refused by
 * the default (no decompression) build. */
TEST(compressed_lzma2_flag_is_refused_before_flash_without_decompression)
{
	header_case(16, 0x400, 4, -ENOTSUP);
}

TEST(image_larger_than_the_slot_is_rejected_before_flash)
{
	header_case(12, 0x8000, 4, -EFBIG);
}

TEST(header_with_image_size_shifted_is_caught_at_the_tlv_info)
{
	struct mdev d;
	struct mdev_opts o = {0};
	size_t n = load("v06");

	put32(img + 12, 1 + 4); /* payload claims 4 more bytes */
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(try_download(&d, n, n, 7), EBADMSG);
	mdev_destroy(&d);
}

TEST(tlv_area_total_past_the_file_is_rejected)
{
	struct mdev d;
	struct mdev_opts o = {0};
	size_t n = load("v06");
	uint32_t info = 0x201; /* v06: hdr 0x200, 1-byte payload, no protected TLVs */

	put16(img + info + 2, 0xFFF0);
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(try_download(&d, n, n, 7), EFBIG);
	mdev_destroy(&d);
}

static const struct dfu_mcuboot_profile checked_iter = {.tlv_iter = DFU_MCUBOOT_ITER_CHECKED};

/* An iterator that checks every entry (upstream since 90f4e7c3): past the
 * area is malformed. The NCS 2.x one reads on: a SHA-256 TLV of another
 * length is refused unread (its bytes past the file are never needed). */
TEST(tlv_length_past_its_area_is_rejected)
{
	struct mdev d;
	struct mdev_opts o = {.profile = &checked_iter};
	size_t n = load("v06");
	uint32_t first = 0x200 + 1 + 4; /* v06: hdr 0x200, 1-byte payload */

	put16(img + first + 2, 0x4000); /* SHA-256 TLV length */
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(try_download(&d, n, n, 7), EBADMSG);
	mdev_destroy(&d);
	o.profile = NULL;
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(try_download(&d, n, n, 7), EBADMSG);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->rule, DFU_MCUBOOT_RULE_HASH_LENGTH);
	mdev_destroy(&d);
}

TEST(protected_info_total_that_disagrees_with_the_header_is_rejected)
{
	struct mdev d;
	struct mdev_opts o = {0};
	size_t n = load("v04");
	uint32_t pinfo = 0x800 + 0x7531; /* v04: hdr 0x800, img 0x7531 */

	put16(img + pinfo + 2, 0x20); /* header says 0x24 */
	o.slot0_size = 0x10000;
	CHECK(mdev_create(&d, &o) == 0);
	struct dfu_init_params ip = {
		.img_type = DFU_TARGET_IMAGE_TYPE_MCUBOOT, .img_num = 0, .file_size = n};
	int err = dfu_ctx_init_ex(&d.ctx, &ip);

	if (err == 0) {
		err = dfu_ctx_write(&d.ctx, img, n);
	}
	CHECK_ERR(err, EBADMSG);
	mdev_destroy(&d);
}

TEST(truncated_image_with_declared_size_is_rejected)
{
	struct mdev d;
	struct mdev_opts o = {0};
	size_t n = load("v09");

	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(try_download(&d, n - 10, n - 10, 512), EFBIG);
	mdev_destroy(&d);
}

TEST(truncated_image_of_unknown_size_is_not_complete)
{
	struct mdev d;
	struct mdev_opts o = {0};
	size_t n = load("v09");

	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(dfu_ctx_init(&d.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 1, 0, NULL), 0);
	CHECK_ERR(dfu_ctx_write(&d.ctx, img, n - 10), 0);
	CHECK_ERR(dfu_ctx_done(&d.ctx, true), ENODATA);
	CHECK(dfu_mcuboot_schedule(&d.mcuboot, 1, false) != 0);
	mdev_destroy(&d);
}

/* Until issue 12 this was refused (-EBADMSG); MCUboot ignores bytes after
 * the TLVs (sheet 3.4): accepted, never written. */
TEST(bytes_after_the_tlvs_are_accepted_and_not_written)
{
	struct mdev d;
	struct mdev_opts o = {0};
	size_t n = load("v09");

	memset(img + n, 0x5A, 16);
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(try_download(&d, n + 16, n + 16, 512), 0);
	CHECK_EQ(mdev_secondary(&d, 1)[n], 0xFF);
	CHECK_EQ(mdev_secondary(&d, 1)[n + 15], 0xFF);
	mdev_destroy(&d);
}

TEST(format_error_mid_stream_discards_the_download_and_refuses_more_writes)
{
	struct mdev d;
	struct mdev_opts o = {0};
	size_t n = load("v09");
	uint32_t info = mcuboot_hashed(img);
	uint8_t *slot;

	put16(img + info, 0x6908); /* TLV info with the protected magic */
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(dfu_ctx_init(&d.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 1, n, NULL), 0);
	CHECK_ERR(dfu_ctx_write(&d.ctx, img, 8192), 0); /* flash is written */
	CHECK_ERR(dfu_ctx_write(&d.ctx, img + 8192, n - 8192), EBADMSG);
	CHECK_ERR(dfu_ctx_write(&d.ctx, img, 1), EPIPE);
	CHECK_EQ(dfu_ctx_state(&d.ctx), DFU_STATE_FAILED);
	slot = mdev_secondary(&d, 1);
	CHECK(slot[0] == 0xFF && slot[1] == 0xFF && slot[2] == 0xFF && slot[3] == 0xFF);
	mdev_destroy(&d);
}

/* Flip one bit at byte off of v (protected area included): the download
 * must fail (hash mismatch, or a structural error) and never schedule. */
static void flip_case(const char *name, int pair_slot0, uint32_t step)
{
	size_t n = load(name);
	uint32_t hashed = mcuboot_hashed(img); /* [0, hdr + img + prot) */
	for (uint32_t off = 0; off < hashed; off += step) {
		struct mdev d;
		struct mdev_opts o = {.slot0_size = (uint32_t)pair_slot0};

		n = load(name);
		img[off] ^= (uint8_t)(1u << (off % 8));
		CHECK(mdev_create(&d, &o) == 0);
		struct dfu_init_params ip = {
			.img_type = DFU_TARGET_IMAGE_TYPE_MCUBOOT, .img_num = 0, .file_size = n};
		int err = dfu_ctx_init_ex(&d.ctx, &ip);

		if (err == 0) {
			err = dfu_ctx_write(&d.ctx, img, n);
		}
		if (err == 0) {
			err = dfu_ctx_done(&d.ctx, true);
		}
		CHECKF(err != 0, "%s: flipped bit at %u accepted", name, (unsigned)off);
		CHECKF(dfu_mcuboot_schedule(&d.mcuboot, 0, false) != 0,
		       "%s: flipped bit at %u scheduled", name, (unsigned)off);
		mdev_destroy(&d);
	}
}

TEST(flipped_bit_anywhere_in_hashed_range_is_caught)
{
	flip_case("v06", 0x10000, 1);
	flip_case("v04", 0x10000, 97);
}

TEST_MAIN(RUN(wrong_magic_is_rejected_before_flash);
	  RUN(image_size_overflowing_32_bits_is_rejected_before_flash);
	  RUN(protected_size_past_the_file_is_rejected_before_flash);
	  RUN(protected_size_below_its_info_is_rejected_before_flash);
	  RUN(both_encryption_flags_are_rejected_before_flash);
	  RUN(compressed_lzma2_flag_is_refused_before_flash_without_decompression);
	  RUN(image_larger_than_the_slot_is_rejected_before_flash);
	  RUN(header_with_image_size_shifted_is_caught_at_the_tlv_info);
	  RUN(tlv_area_total_past_the_file_is_rejected); RUN(tlv_length_past_its_area_is_rejected);
	  RUN(protected_info_total_that_disagrees_with_the_header_is_rejected);
	  RUN(truncated_image_with_declared_size_is_rejected);
	  RUN(truncated_image_of_unknown_size_is_not_complete);
	  RUN(bytes_after_the_tlvs_are_accepted_and_not_written);
	  RUN(format_error_mid_stream_discards_the_download_and_refuses_more_writes);
	  RUN(flipped_bit_anywhere_in_hashed_range_is_caught);)
