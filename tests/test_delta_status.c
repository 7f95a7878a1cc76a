/*
 * What an application (or dfu-sim status) can learn about application
 * deltas without a download: the image type identified from the envelope
 * by the built-in identification, the running image's delta base
 * (dfu_mcuboot_delta_base()) and a delta download kept in the store
 * (dfu_mcuboot_delta_stored()) through its life: none, partial with a
 * checkpoint, complete, reset.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "../src/targets/delta_internal.h"
#include "delta_fixture.h"
#include "dfu/dfu_identify.h"
#include "harness.h"

#define PAYLOAD 12000u
#define CAP (PAYLOAD + 2048u)

static struct ddev d;
static uint8_t po[PAYLOAD], pn[PAYLOAD + 512];
static uint8_t img_old[CAP], img_new[CAP];
static size_t old_len, new_len;

static uint8_t *setup(size_t *n)
{
	struct delta_gen_opts o = {.comp = DELTA_GEN_HEATSHRINK, .wbits = 8, .lbits = 4};
	uint8_t *a = NULL;
	size_t nn;

	make_pair(PAIR_RELOCATED, po, PAYLOAD, pn, &nn, 41);
	if (ddev_create(&d, 0x10000, false, 0) != 0 ||
	    make_image(po, PAYLOAD, 1, img_old, CAP, &old_len) != 0 ||
	    make_image(pn, nn, 2, img_new, CAP, &new_len) != 0) {
		return NULL;
	}
	memcpy(ddev_primary(&d), img_old, old_len);
	return delta_gen_artifact(img_old, old_len, img_new, new_len, &o, &a, n, NULL) == 0 ? a
											    : NULL;
}

/* Header + payload + protected TLVs of an MCUboot image (its header). */
static uint32_t hashed_size(const uint8_t *img)
{
	return (uint32_t)(img[8] | (img[9] << 8)) + (uint32_t)(img[10] | (img[11] << 8)) +
	       delta_le32(img + 12);
}

/* The SHA-256 TLV value of an image built by make_image() (no protected
 * TLVs: the unprotected area follows the payload). */
static bool tlv_digest(const uint8_t *img, size_t len, uint8_t out[32])
{
	for (size_t off = hashed_size(img) + 4u; off + 36 <= len;) {
		if (img[off] == 0x10 && img[off + 2] == 32) {
			memcpy(out, img + off + 4, 32);
			return true;
		}
		off += 4u + (size_t)(img[off + 2] | (img[off + 3] << 8));
	}
	return false;
}

TEST(builtin_identification_names_the_delta_type_and_no_other)
{
	size_t n;
	uint8_t *a = setup(&n);

	CHECK(a != NULL);
	CHECK(dfu_identify_builtin(DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA, a, 32));
	CHECK(!dfu_identify_builtin(DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA, a, 31));
	CHECK(!dfu_identify_builtin(DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA, img_new, 64));
	CHECK(!dfu_identify_builtin(DFU_TARGET_IMAGE_TYPE_MCUBOOT, a, 64));
	CHECK(!dfu_identify_builtin(DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, a, 64));
	CHECK(!dfu_identify_builtin(DFU_TARGET_IMAGE_TYPE_FULL_MODEM, a, 64));
	a[4] = DFU_DELTA_FORMAT_VERSION + 1; /* another envelope version */
	CHECK(!dfu_identify_builtin(DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA, a, 64));
	free(a);
	ddev_destroy(&d);
}

TEST(delta_base_is_the_running_images_sha256_tlv)
{
	size_t n;
	uint8_t *a = setup(&n);
	uint8_t got[32], want[32];
	uint32_t size = 0;

	CHECK(a != NULL);
	CHECK(tlv_digest(img_old, old_len, want));
	CHECK_OK(dfu_mcuboot_delta_base(&d.mcuboot, 0, got, &size));
	CHECK_MEM(got, want, 32);
	CHECK_EQ(size, hashed_size(img_old));
	/* the envelope's base digest is the same value */
	CHECK_MEM(a + 24, want, 32);
	CHECK_ERR(dfu_mcuboot_delta_base(&d.mcuboot, 1, got, &size), ENOENT); /* empty */
	CHECK_ERR(dfu_mcuboot_delta_base(&d.mcuboot, 2, got, &size), EINVAL);
	memset(ddev_primary(&d), 0xFF, 32); /* no header */
	CHECK_ERR(dfu_mcuboot_delta_base(&d.mcuboot, 0, got, &size), ENOENT);
	free(a);
	ddev_destroy(&d);
}

TEST(stored_download_is_reported_from_start_to_reset)
{
	size_t n;
	uint8_t *a = setup(&n);
	struct dfu_mcuboot_delta_stored_info s;
	struct dfu_init_params ip = {.img_type = d.type, .img_num = 0, .file_size = n};

	CHECK(a != NULL);
	CHECK_ERR(dfu_mcuboot_delta_stored(&d.kv.dev, 0, &s), ENOENT);
	CHECK_ERR(dfu_mcuboot_delta_stored(NULL, 0, &s), EINVAL);
	CHECK_OK(dfu_ctx_init_ex(&d.ctx, &ip));
	CHECK_OK(dfu_ctx_write(&d.ctx, a, n / 2));
	CHECK_OK(dfu_mcuboot_delta_stored(&d.kv.dev, 0, &s));
	CHECK_EQ(s.file_size, (uint32_t)n);
	CHECK_EQ(s.new_size, (uint32_t)new_len);
	CHECK_EQ(s.compression, 4);
	CHECK_MEM(s.base_digest, a + 24, 32);
	CHECK_EQ(s.new_header_crc, dfu_crc32(0, img_new, 32));
	CHECK(s.checkpoint <= n / 2);
	/* after a reboot, init + offset_get resume at or below the checkpoint */
	ddev_reboot(&d);
	size_t off = 0;

	CHECK_OK(dfu_ctx_init_ex(&d.ctx, &ip));
	CHECK_OK(dfu_ctx_offset_get(&d.ctx, &off));
	CHECK(s.checkpoint == 0 || off == s.checkpoint);
	CHECK_OK(dfu_ctx_write(&d.ctx, a + off, n - off));
	CHECK_OK(dfu_ctx_done(&d.ctx, true));
	CHECK_OK(dfu_mcuboot_delta_stored(&d.kv.dev, 0, &s)); /* kept when complete */
	CHECK_EQ(s.new_header_crc, dfu_crc32(0, ddev_secondary(&d), 32));
	CHECK_OK(dfu_ctx_reset(&d.ctx));
	CHECK_ERR(dfu_mcuboot_delta_stored(&d.kv.dev, 0, &s), ENOENT);
	free(a);
	ddev_destroy(&d);
}

TEST(checkpoint_grows_with_the_output)
{
	size_t n;
	uint8_t *a = setup(&n);
	struct dfu_mcuboot_delta_stored_info s;
	struct dfu_init_params ip = {.img_type = d.type, .img_num = 0, .file_size = n};
	uint32_t last = 0;
	bool grew = false;

	CHECK(a != NULL);
	CHECK_OK(dfu_ctx_init_ex(&d.ctx, &ip));
	for (size_t i = 0; i < n; i += 64) {
		CHECK_OK(dfu_ctx_write(&d.ctx, a + i, n - i < 64 ? n - i : 64));
		if (dfu_mcuboot_delta_stored(&d.kv.dev, 0, &s) == 0) {
			CHECK(s.checkpoint >= last && s.checkpoint <= i + 64);
			grew = grew || s.checkpoint > last;
			last = s.checkpoint;
		}
	}
	CHECK(grew);
	free(a);
	ddev_destroy(&d);
}

TEST_MAIN(RUN(builtin_identification_names_the_delta_type_and_no_other);
	  RUN(delta_base_is_the_running_images_sha256_tlv);
	  RUN(stored_download_is_reported_from_start_to_reset);
	  RUN(checkpoint_grows_with_the_output))
