/*
 * Trailer size with encryption (shared/spec/mcuboot-acceptance.md §3.1):
 * MCUboot's trailer info holds two encryption key slots when it is built
 * with encrypted images, so the trailer may need one more sector and the
 * maximum image size shrinks. Worked example: 0x70000 slots, 4 KiB
 * sectors, w = 4, A = 8, swap-move. Runs on the host and under QEMU.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mcuboot_fixture.h"
#include "mcuboot_img.h"

static const struct dfu_mcuboot_profile enc = {.features = DFU_MCUBOOT_P_ENCRYPT};
static const struct dfu_mcuboot_profile enc256 = {.features = DFU_MCUBOOT_P_ENCRYPT |
							      DFU_MCUBOOT_P_ENC_AES256};
static uint8_t img[0x70000];
static size_t n;

/* Pair 0 with equal 0x70000 slots and BOOT_MAX_IMG_SECTORS m. */
static void dev(struct mdev *d, uint16_t m, uint8_t flags)
{
	struct mdev_opts o = {.flags = flags};

	if (mdev_create(d, &o) != 0) {
		abort();
	}
	d->pairs[0].primary.size = d->pairs[0].secondary.size;
	d->pairs[0].max_img_sectors = m;
}

TEST(worked_example_m128_the_key_slots_fit_in_the_trailer_sector)
{
	struct mdev d;
	struct dfu_mcuboot_layout l;

	dev(&d, 128, 0);
	CHECK_OK(dfu_mcuboot_layout_for(&d.pairs[0], NULL, 1, &l));
	CHECK_EQ(l.trailer_size, 1584u);
	CHECK_EQ(l.max_image_size, 0x6E000u);
	CHECK_OK(dfu_mcuboot_layout_for(&d.pairs[0], &enc, 1, &l));
	CHECK_EQ(l.trailer_size, 1584u + 2u * 16u);
	CHECK_EQ(l.max_image_size, 0x6E000u);
	CHECK_OK(dfu_mcuboot_layout_for(&d.pairs[0], &enc256, 1, &l));
	CHECK_EQ(l.trailer_size, 1584u + 2u * 32u);
	mdev_destroy(&d);
}

TEST(encryption_key_slots_push_an_m337_trailer_into_a_second_sector)
{
	struct mdev d;
	struct dfu_mcuboot_layout l;

	dev(&d, 337, 0);
	CHECK_OK(dfu_mcuboot_layout_for(&d.pairs[0], NULL, 1, &l));
	CHECK_EQ(l.trailer_size, 337u * 3u * 4u + 48u); /* 4092: one sector */
	CHECK_EQ(l.max_image_size, 0x6E000u);
	CHECK_OK(dfu_mcuboot_layout_for(&d.pairs[0], &enc, 1, &l));
	CHECK_EQ(l.trailer_size, 4092u + 32u); /* two sectors */
	CHECK_EQ(l.max_image_size, 0x6D000u);
	/* the pair's own profile counts for dfu_mcuboot_layout() */
	d.pairs[0].profile = &enc;
	CHECK_OK(dfu_mcuboot_layout(&d.pairs[0], 1, &l));
	CHECK_EQ(l.max_image_size, 0x6D000u);
	mdev_destroy(&d);
}

TEST(key_slots_are_padded_to_the_max_alignment)
{
	struct mdev d;
	struct dfu_mcuboot_layout l;
	struct dfu_mcuboot_layout e;

	dev(&d, 128, 0);
	d.pairs[0].max_align = 32;
	CHECK_OK(dfu_mcuboot_layout_for(&d.pairs[0], NULL, 1, &l));
	CHECK_OK(dfu_mcuboot_layout_for(&d.pairs[0], &enc, 1, &e));
	CHECK_EQ(e.trailer_size - l.trailer_size, 2u * 32u);
	mdev_destroy(&d);
}

/* A hash-only image whose TLVs end at `end`. */
static int sized(uint32_t end)
{
	struct mcuboot_img_params p = {0};

	memset(img, 0x5a, end);
	return mcuboot_img_build(&p, img + 0x200, end - 0x200 - 40, img, sizeof(img), &n);
}

static int dl(uint8_t flags)
{
	struct mdev d;

	dev(&d, 337, flags);
	int err = mdev_download(&d, 0, img, n, 4096);

	mdev_destroy(&d);
	return err;
}

TEST(download_with_encryption_support_uses_the_smaller_maximum)
{
	CHECK_OK(sized(0x6E000));
	CHECK_OK(dl(0));
	/* DFU_MCUBOOT_ALLOW_UNVERIFIED: the bootloader supports encryption */
	CHECK_ERR(dl(DFU_MCUBOOT_ALLOW_UNVERIFIED), EFBIG);
	CHECK_OK(sized(0x6D000));
	CHECK_OK(dl(DFU_MCUBOOT_ALLOW_UNVERIFIED));
}

TEST_MAIN(RUN(worked_example_m128_the_key_slots_fit_in_the_trailer_sector);
	  RUN(encryption_key_slots_push_an_m337_trailer_into_a_second_sector);
	  RUN(key_slots_are_padded_to_the_max_alignment);
	  RUN(download_with_encryption_support_uses_the_smaller_maximum);)
