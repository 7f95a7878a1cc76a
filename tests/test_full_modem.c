/*
 * Full modem target: identification, the wrapper and manifest checks, file
 * and partition sizes, configuration. Downloads, resume, verification and
 * records: test_full_modem_flow.c; power cuts: test_full_modem_powercut.c.
 *
 * A malformed file is tried twice: its first bytes given to init (refused
 * there), and streamed in 7-byte chunks (refused by the write that
 * completes the bad item). Either way nothing reaches flash or the store:
 * the 4 KiB staging buffer holds the whole wrapper.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "cbor_gen.h"
#include "dfu/dfu_identify.h"
#include "full_modem_fixture.h"
#include "harness.h"

static struct fmdev dev;
static uint8_t file[48 * 1024];
static const struct fmdev_opts defaults;

/* Segments for hand-built files. */
static struct cbor_seg segs[160];

static size_t gen(const struct cbor_gen_opts *o)
{
	size_t n = cbor_gen(file, sizeof(file), o, NULL);

	if (n == 0) {
		abort();
	}
	return n;
}

/* A small valid file: 3 segments, ~6 KiB of blob, with overrides. */
static struct cbor_gen_opts small(void)
{
	segs[0] = (struct cbor_seg){0x59602000u, 2360};
	segs[1] = (struct cbor_seg){0x6000u, 3000};
	segs[2] = (struct cbor_seg){0x50000u, 700};
	return (struct cbor_gen_opts){.segs = segs, .nseg = 3, .version = 7, .seed = 3};
}

/* n pairs with addresses 0x10000000 + i (5-byte heads) and lengths 300
 * (3-byte heads), or small values (1-byte heads). */
static struct cbor_gen_opts many(uint32_t n, bool wide)
{
	for (uint32_t i = 0; i < n; i++) {
		segs[i] = wide ? (struct cbor_seg){0x10000000u + i, 300} : (struct cbor_seg){i, 20};
	}
	return (struct cbor_gen_opts){.segs = segs, .nseg = n, .seed = 5};
}

/* Refused at init (first bytes) and while streaming, flash untouched. */
static void expect_rejected(const uint8_t *f, size_t n, size_t file_size, int sym)
{
	struct dfu_init_params ip = {
		.img_type = DFU_TARGET_IMAGE_TYPE_FULL_MODEM,
		.file_size = file_size,
		.first = f,
		.first_len = n < 2048 ? n : 2048,
	};

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_ERR(dfu_ctx_init_ex(&dev.ctx, &ip), sym);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_IDLE);

	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_FULL_MODEM, 0, file_size, NULL));
	CHECK_ERR(fmdev_write(&dev, f, 0, n, 7), sym);
	CHECK_EQ(fmdev_mutations(&dev), 0);
	CHECK_ERR(dfu_ctx_write(&dev.ctx, f, 1), EPIPE);
	CHECK_ERR(dfu_ctx_done(&dev.ctx, true), EPIPE);
	CHECK_EQ(fmdev_mutations(&dev), 0);
	fmdev_destroy(&dev);
}

/* ---- identification --------------------------------------------------- */

TEST(identify_d2_84_as_full_modem)
{
	struct cbor_gen_opts o = small();
	size_t n = gen(&o);

	CHECK(dfu_identify_full_modem(file, n));
	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_EQ(dfu_ctx_img_type(&dev.ctx, file, 64), DFU_TARGET_IMAGE_TYPE_FULL_MODEM);
	fmdev_destroy(&dev);
}

TEST(identify_near_misses_are_not_full_modem)
{
	static const uint8_t miss[][2] = {
		{0xd2, 0x83}, /* array of 3 */
		{0xd2, 0x85}, /* array of 5 */
		{0xd1, 0x84}, /* tag 17 (COSE_Mac0 is 17; Sign1 is 18) */
		{0xd8, 0x12}, /* tag 18, long form */
		{0x84, 0xd2}, /* swapped */
		{0x3d, 0xb8}, /* MCUboot magic start */
	};
	uint8_t b[32] = {0xd2, 0x84};

	CHECK(dfu_identify_full_modem(b, 32));
	CHECK(!dfu_identify_full_modem(b, 31)); /* needs 32 bytes */
	CHECK_OK(fmdev_create(&dev, &defaults));
	for (size_t i = 0; i < sizeof(miss) / sizeof(miss[0]); i++) {
		b[0] = miss[i][0];
		b[1] = miss[i][1];
		CHECKF(!dfu_identify_full_modem(b, 32), "miss %zu", i);
		CHECKF(dfu_ctx_img_type(&dev.ctx, b, 32) == DFU_TARGET_IMAGE_TYPE_NONE, "miss %zu",
		       i);
	}
	fmdev_destroy(&dev);
}

/* ---- the wrapper -------------------------------------------------------- */

TEST(wrong_tag_is_ebadmsg)
{
	struct cbor_gen_opts o = small();
	size_t n = gen(&o);

	file[0] = 0xd1; /* tag 17 */
	expect_rejected(file, n, n, EBADMSG);
}

TEST(wrong_array_size_is_ebadmsg)
{
	struct cbor_gen_opts o = small();
	size_t n = gen(&o);

	file[1] = 0x83;
	expect_rejected(file, n, n, EBADMSG);
}

TEST(indefinite_length_array_is_ebadmsg)
{
	struct cbor_gen_opts o = small();
	size_t n = gen(&o);

	file[1] = 0x9f;
	expect_rejected(file, n, n, EBADMSG);
}

TEST(protected_header_ps384_is_ebadmsg)
{
	static const uint8_t ps384[] = {0xa1, 0x01, 0x38, 0x25}; /* {1: -38} */
	struct cbor_gen_opts o = small();

	o.prot = ps384;
	o.prot_len = sizeof(ps384);
	size_t n = gen(&o);

	expect_rejected(file, n, n, EBADMSG);
}

TEST(protected_header_es256_is_ebadmsg)
{
	static const uint8_t es256[] = {0xa1, 0x01, 0x26}; /* {1: -7}: bstr(3) */
	struct cbor_gen_opts o = small();

	o.prot = es256;
	o.prot_len = sizeof(es256);
	size_t n = gen(&o);

	expect_rejected(file, n, n, EBADMSG);
}

TEST(non_empty_unprotected_map_is_ebadmsg)
{
	static const uint8_t kid[] = {0xa1, 0x04, 0x41, 0x00}; /* {4: h'00'} */
	struct cbor_gen_opts o = small();

	o.unprot = kid;
	o.unprot_len = sizeof(kid);
	size_t n = gen(&o);

	expect_rejected(file, n, n, EBADMSG);
}

TEST(signature_of_255_bytes_is_ebadmsg)
{
	struct cbor_gen_opts o = small();

	o.sig_len = 255;
	size_t n = gen(&o);

	expect_rejected(file, n, n, EBADMSG);
}

TEST(signature_of_257_bytes_is_ebadmsg)
{
	struct cbor_gen_opts o = small();

	o.sig_len = 257;
	size_t n = gen(&o);

	expect_rejected(file, n, n, EBADMSG);
}

TEST(hash_of_31_bytes_is_ebadmsg)
{
	struct cbor_gen_opts o = small();

	o.hash_len = 31;
	size_t n = gen(&o);

	expect_rejected(file, n, n, EBADMSG);
}

TEST(hash_of_33_bytes_is_ebadmsg)
{
	struct cbor_gen_opts o = small();

	o.hash_len = 33;
	size_t n = gen(&o);

	expect_rejected(file, n, n, EBADMSG);
}

TEST(wrapper_over_1024_bytes_is_ebadmsg)
{
	struct cbor_gen_opts o = many(100, true); /* 100 * 8 B of segments */
	size_t w;
	size_t n = cbor_gen(file, sizeof(file), &o, &w);

	CHECK(n != 0 && w > DFU_FULL_MODEM_WRAPPER_MAX);
	expect_rejected(file, n, n, EBADMSG);
}

/* ---- the manifest ---------------------------------------------------------- */

TEST(truncated_manifest_is_ebadmsg)
{
	struct cbor_gen_opts o = small();
	size_t n = gen(&o);

	/* payload head at byte 8 (D2 84 44 A1 01 38 24 A0): bstr(24..255) */
	CHECK_EQ(file[8], 0x58);
	file[9]--; /* the manifest now runs one byte past its bstr */
	expect_rejected(file, n, n, EBADMSG);
}

TEST(bytes_after_the_manifest_are_ebadmsg)
{
	struct cbor_gen_opts o = small();

	o.payload_extra = 1;
	size_t n = gen(&o);

	expect_rejected(file, n, n, EBADMSG);
}

TEST(manifest_uint_over_u32_is_ebadmsg)
{
	struct cbor_gen_opts o = small();
	size_t n = gen(&o);

	/* version 7 at byte 11 (58 nn 84 07) becomes an 8-byte head whose
	 * argument (the next 8 bytes, made to start with 01) is above u32 */
	CHECK_EQ(file[10], 0x84);
	CHECK_EQ(file[11], 0x07);
	file[11] = 0x1b;
	file[12] = 0x01;
	expect_rejected(file, n, n, EBADMSG);
}

TEST(segment_count_129_pairs_is_ebadmsg)
{
	struct cbor_gen_opts o = many(129, false);
	size_t w;
	size_t n = cbor_gen(file, sizeof(file), &o, &w);

	CHECK(n != 0 && w <= DFU_FULL_MODEM_WRAPPER_MAX);
	expect_rejected(file, n, n, EBADMSG);
}

TEST(segment_array_with_odd_count_is_ebadmsg)
{
	struct cbor_gen_opts o = small();

	o.extra_items = 1;
	size_t n = gen(&o);

	expect_rejected(file, n, n, EBADMSG);
}

TEST(empty_segment_array_is_ebadmsg)
{
	struct cbor_gen_opts o = small();

	o.nseg = 0;
	size_t n = gen(&o);

	expect_rejected(file, n, 0, EBADMSG);
}

TEST(zero_length_blob_is_ebadmsg)
{
	struct cbor_gen_opts o = small();

	segs[0].len = segs[1].len = segs[2].len = 0;
	size_t n = gen(&o);

	expect_rejected(file, n, n, EBADMSG);
}

TEST(segment_length_sum_over_u32_is_efbig)
{
	static const struct cbor_seg huge[] = {{0x6000, 0xfffffff0u}, {0x50000, 0x20}};
	struct cbor_gen_opts o = {.segs = huge, .nseg = 2, .wrapper_only = 1};
	size_t n = gen(&o);

	expect_rejected(file, n, 0, EFBIG);
}

/* ---- sizes ------------------------------------------------------------------ */

TEST(declared_size_smaller_than_the_file_is_efbig)
{
	struct cbor_gen_opts o = small();
	size_t n = gen(&o);

	expect_rejected(file, n - 100, n - 100, EFBIG); /* a truncated blob */
}

TEST(declared_size_larger_than_the_file_is_ebadmsg)
{
	struct cbor_gen_opts o = small();
	size_t n = gen(&o);

	expect_rejected(file, n, n + 16, EBADMSG); /* data after the blob */
}

TEST(blob_larger_than_the_partition_is_efbig)
{
	static const struct cbor_seg big[] = {{0x6000, 0x30000}, {0x50000, 0x10000}};
	struct cbor_gen_opts o = {.segs = big, .nseg = 2, .wrapper_only = 1};
	size_t n = gen(&o);

	expect_rejected(file, n, 0, EFBIG); /* 320 KiB > 256 KiB partition */
}

TEST(max_128_segments_are_accepted)
{
	struct cbor_gen_opts o = many(128, false);
	size_t w;
	size_t n = cbor_gen(file, sizeof(file), &o, &w);

	CHECK(n != 0 && w <= DFU_FULL_MODEM_WRAPPER_MAX);
	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_download(&dev, file, n, n, 100, NULL));
	CHECK_EQ(dfu_full_modem_report(&dev.fm)->segments, 128);
	CHECK_EQ(dfu_full_modem_report(&dev.fm)->blob_len, 128 * 20);
	CHECK_MEM(fmdev_part(&dev), file, n);
	fmdev_destroy(&dev);
}

TEST(write_past_the_end_is_efbig_and_resumes_after_init)
{
	struct cbor_gen_opts o = small();
	size_t n = gen(&o);
	size_t off = 0;

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_init(&dev, file, n, 0)); /* size unknown */
	CHECK_OK(fmdev_write(&dev, file, 0, n - 10, 1000));
	CHECK_ERR(dfu_ctx_write(&dev.ctx, file + n - 10, 11), EFBIG);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_FAILED);
	CHECK_OK(fmdev_init(&dev, file, n, 0));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_OK(fmdev_write(&dev, file, off, n, 1000));
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	CHECK_MEM(fmdev_part(&dev), file, n);
	fmdev_destroy(&dev);
}

TEST(done_before_the_whole_file_is_enodata)
{
	struct cbor_gen_opts o = small();
	size_t n = gen(&o);

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_init(&dev, file, n, 0));
	CHECK_OK(fmdev_write(&dev, file, 0, n - 1, 512));
	CHECK_ERR(dfu_ctx_done(&dev.ctx, true), ENODATA);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_WRITING);
	CHECK_OK(dfu_ctx_write(&dev.ctx, file + n - 1, 1));
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	fmdev_destroy(&dev);
}

TEST(done_inside_the_wrapper_is_enodata)
{
	struct cbor_gen_opts o = small();
	size_t n = gen(&o);

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_init(&dev, file, n, n));
	CHECK_OK(fmdev_write(&dev, file, 0, 100, 7));
	CHECK_ERR(dfu_ctx_done(&dev.ctx, true), ENODATA);
	fmdev_destroy(&dev);
}

/* ---- partition ------------------------------------------------------------------ */

TEST(partition_smaller_than_file_size_is_efbig_before_any_flash_op)
{
	struct fmdev_opts o = {.part_size = 0x10000};
	struct cbor_gen_opts g = small();
	size_t n = gen(&g);

	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_ERR(fmdev_init(&dev, file, n, 0x10000 + 1), EFBIG);
	CHECK_EQ(fmdev_mutations(&dev), 0);
	CHECK_EQ(dev.flash.cnt.reads, 0);
	fmdev_destroy(&dev);
}

TEST(missing_flash_device_is_enodev)
{
	struct fmdev_opts o = {.no_flash = true};

	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_ERR(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_FULL_MODEM, 0, 1000, NULL), ENODEV);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_IDLE);
	fmdev_destroy(&dev);
}

TEST(partition_below_the_minimum_is_enodev)
{
	struct fmdev_opts o = {.min_size = 0x40000 + 0x1000};

	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_ERR(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_FULL_MODEM, 0, 1000, NULL), ENODEV);
	fmdev_destroy(&dev);
}

TEST(default_minimum_is_4_mib)
{
	struct fmdev_opts o = {.min_size = UINT32_MAX}; /* cfg.min_size 0 */

	CHECK_EQ(DFU_CONFIG_FULL_MODEM_MIN_SIZE, 0x400000);
	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_ERR(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_FULL_MODEM, 0, 1000, NULL), ENODEV);
	fmdev_destroy(&dev);
}

TEST(misconfigured_partition_is_einval)
{
	const struct fmdev_opts bad[] = {
		{.part_off = 0x10800, .flash_size = 0x60000},  /* not sector aligned */
		{.part_size = 0x40000, .flash_size = 0x40000}, /* beyond the device */
		{.part_size = 0x3f800, .flash_size = 0x60000}, /* not whole sectors */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_OK(fmdev_create(&dev, &bad[i]));
		CHECKF(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_FULL_MODEM, 0, 1000, NULL) ==
			       -EINVAL,
		       "case %zu", i);
		fmdev_destroy(&dev);
	}
	CHECK_OK(fmdev_create(&dev, &defaults));
	dev.fm.cfg.buf = NULL;
	CHECK_ERR(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_FULL_MODEM, 0, 1000, NULL), EINVAL);
	fmdev_destroy(&dev);
}

TEST_MAIN(RUN(identify_d2_84_as_full_modem); RUN(identify_near_misses_are_not_full_modem);
	  RUN(wrong_tag_is_ebadmsg); RUN(wrong_array_size_is_ebadmsg);
	  RUN(indefinite_length_array_is_ebadmsg); RUN(protected_header_ps384_is_ebadmsg);
	  RUN(protected_header_es256_is_ebadmsg); RUN(non_empty_unprotected_map_is_ebadmsg);
	  RUN(signature_of_255_bytes_is_ebadmsg); RUN(signature_of_257_bytes_is_ebadmsg);
	  RUN(hash_of_31_bytes_is_ebadmsg); RUN(hash_of_33_bytes_is_ebadmsg);
	  RUN(wrapper_over_1024_bytes_is_ebadmsg); RUN(truncated_manifest_is_ebadmsg);
	  RUN(bytes_after_the_manifest_are_ebadmsg); RUN(manifest_uint_over_u32_is_ebadmsg);
	  RUN(segment_count_129_pairs_is_ebadmsg); RUN(segment_array_with_odd_count_is_ebadmsg);
	  RUN(empty_segment_array_is_ebadmsg); RUN(zero_length_blob_is_ebadmsg);
	  RUN(segment_length_sum_over_u32_is_efbig);
	  RUN(declared_size_smaller_than_the_file_is_efbig);
	  RUN(declared_size_larger_than_the_file_is_ebadmsg);
	  RUN(blob_larger_than_the_partition_is_efbig); RUN(max_128_segments_are_accepted);
	  RUN(write_past_the_end_is_efbig_and_resumes_after_init);
	  RUN(done_before_the_whole_file_is_enodata); RUN(done_inside_the_wrapper_is_enodata);
	  RUN(partition_smaller_than_file_size_is_efbig_before_any_flash_op);
	  RUN(missing_flash_device_is_enodev); RUN(partition_below_the_minimum_is_enodev);
	  RUN(default_minimum_is_4_mib); RUN(misconfigured_partition_is_einval);)
