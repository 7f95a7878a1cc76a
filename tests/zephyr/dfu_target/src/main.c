/*
 * The dfu_target Zephyr module on a real Zephyr build: flash map over the
 * flash simulator, settings on NVS, TinyCrypt signatures, the default
 * configuration made at boot from devicetree + Kconfig. The application
 * part uses only the seed API (dfu_target_*), as an NCS application does.
 *
 * The steps run in order (test_01 ... test_07) and share the device state:
 *   01 the boot-time configuration and the settings store contract;
 *   02 a signed MCUboot image (tests/vectors/mcuboot/v01.bin, ECDSA P-256)
 *      downloaded in transport-sized chunks, interrupted by a simulated
 *      reboot (all RAM state re-made from flash + settings), resumed from
 *      the durable offset;
 *   03 done(true) verifies (SHA-256 + signature); the slot holds the file;
 *   04 schedule_update(0) leaves exactly MCUboot's test request (bytes);
 *   05 MCUboot's swap simulated; the revert guard; confirm (image_ok);
 *   06 reset discards a new partial download;
 *   07 a corrupted image is refused at done(true).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/settings/settings.h>
#include <zephyr/storage/flash_map.h>
#include <zephyr/ztest.h>

#include <dfu/dfu_target.h>
#include <dfu/dfu_target_mcuboot.h>
#include <dfu/dfu_target_ncs.h>
#include <dfu_zephyr/dfu_zephyr.h>

static const uint8_t image[] = {
#include "dfu_test_v01.inc"
};

#define CHUNK 1000 /* a transport's fragment: not a multiple of anything */
#define CUT_AT 40000
#define SLOT0 FIXED_PARTITION_ID(slot0_partition)
#define SLOT1 FIXED_PARTITION_ID(slot1_partition)
#define ALIGN_MAX 8 /* BOOT_MAX_ALIGN (CONFIG_DFU_TARGET_MCUBOOT_MAX_ALIGN) */

static const uint8_t boot_magic[16] = {0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f,
				       0x35, 0x52, 0x50, 0x0f, 0x2c, 0xb6, 0x79, 0x80};

static int boot_setup_result;
static size_t resumed_at;
static uint8_t rbuf[CHUNK];

/* ---- helpers ---- */

static const struct flash_area *area(uint8_t id)
{
	const struct flash_area *fa = NULL;

	zassert_ok(flash_area_open(id, &fa));
	return fa;
}

static uint32_t wblock(uint8_t id)
{
	return flash_area_align(area(id));
}

static void read_area(uint8_t id, off_t off, void *dst, size_t len)
{
	zassert_ok(flash_area_read(area(id), off, dst, len));
}

static void write_area(uint8_t id, off_t off, const void *src, size_t len)
{
	zassert_ok(flash_area_write(area(id), off, src, len));
}

static void assert_erased(uint8_t id, off_t off, size_t len)
{
	uint8_t b[64];

	while (len > 0) {
		size_t n = MIN(len, sizeof(b));

		read_area(id, off, b, n);
		for (size_t i = 0; i < n; i++) {
			zassert_equal(b[i], 0xff, "byte at 0x%lx not erased: 0x%02x",
				      (long)(off + (off_t)i), b[i]);
		}
		off += (off_t)n;
		len -= n;
	}
}

static int found_cb(const char *rest, size_t len, settings_read_cb read, void *cb_arg, void *param)
{
	ARG_UNUSED(len);
	ARG_UNUSED(read);
	ARG_UNUSED(cb_arg);
	if (rest == NULL) {
		*(bool *)param = true;
	}
	return 0;
}

static bool record_exists(const char *name)
{
	bool found = false;

	zassert_ok(settings_load_subtree_direct(name, found_cb, &found));
	return found;
}

/* A reboot, as far as the library can tell: the default context goes back
 * to what .bss holds at boot (zero, unconfigured), the NCS layer forgets its
 * state, and the module's configuration (every target's state, the ports)
 * is made again from devicetree, Kconfig, flash and settings, as SYS_INIT
 * does at boot. The next dfu_target_* call configures the default context
 * through the platform hook, as after a real boot. */
static void reboot(void)
{
	memset(dfu_target_default_ctx(), 0, sizeof(struct dfu_ctx));
	dfu_target_ncs_forget();
	zassert_ok(dfu_zephyr_build_config());
}

static void write_from(size_t from, size_t to)
{
	for (size_t off = from; off < to; off += CHUNK) {
		size_t n = MIN((size_t)CHUNK, to - off);

		zassert_ok(dfu_target_write(image + off, n), "write at %zu", off);
	}
}

static void *suite_setup(void)
{
	boot_setup_result = dfu_zephyr_config_result();
	/* A blank device: the simulator's flash may hold an earlier run
	 * (native_sim keeps flash.bin unless told otherwise). */
	zassert_ok(flash_area_erase(area(SLOT0), 0, area(SLOT0)->fa_size));
	zassert_ok(flash_area_erase(area(SLOT1), 0, area(SLOT1)->fa_size));
	(void)settings_delete(CONFIG_DFU_TARGET_SETTINGS_PREFIX "/mcuboot/p00");
	(void)settings_delete(CONFIG_DFU_TARGET_SETTINGS_PREFIX "/mcuboot/v00");
	reboot();
	return NULL;
}

ZTEST_SUITE(dfu_target_zephyr, NULL, suite_setup, NULL, NULL, NULL);

/* ---- 01 ---- */

ZTEST(dfu_target_zephyr, test_01_boot_config_and_store)
{
	const struct dfu_kv *kv = dfu_zephyr_kv();
	uint8_t big[DFU_KV_MAX_RECORD];
	uint8_t out[8];

	zassert_equal(boot_setup_result, 0, "SYS_INIT build: %d", boot_setup_result);
	/* No setup call anywhere: the first seed call configures the default
	 * context through the module's platform hook. */
	zassert_is_null(dfu_target_default_ctx()->cfg);
	zassert_equal(dfu_target_img_type(image, 64), DFU_TARGET_IMAGE_TYPE_MCUBOOT);
	zassert_not_null(dfu_target_default_ctx()->cfg);
	zassert_equal_ptr(dfu_target_platform_config(), dfu_target_default_ctx()->cfg);
	zassert_not_null(dfu_zephyr_mcuboot());
	zassert_not_null(dfu_zephyr_slot(0, 1));
	TC_PRINT("slot1: %u bytes, write block %u, erase block %u\n", dfu_zephyr_slot(0, 1)->size,
		 dfu_zephyr_slot(0, 1)->write_block, dfu_zephyr_slot(0, 1)->erase_block);
	zassert_equal(dfu_zephyr_slot(0, 1)->erase_block, 4096);
	zassert_equal(dfu_zephyr_slot(0, 1)->write_block, 4);

	/* The store port's contract (dfu_port.h), on the real settings. */
	zassert_not_null(kv);
	zassert_ok(kv->remove(kv->ctx, "t/kv"));
	zassert_equal(kv->read(kv->ctx, "t/kv", out, sizeof(out)), -ENOENT);
	zassert_ok(kv->write(kv->ctx, "t/kv", "abc", 3));
	zassert_equal(kv->read(kv->ctx, "t/kv", out, sizeof(out)), 3);
	zassert_mem_equal(out, "abc", 3);
	memset(big, 0x5a, sizeof(big));
	zassert_ok(kv->write(kv->ctx, "t/kv", big, sizeof(big)));
	/* full length reported, only len bytes copied */
	zassert_equal(kv->read(kv->ctx, "t/kv", out, 2), (int)sizeof(big));
	zassert_equal(out[0], 0x5a);
	zassert_ok(kv->remove(kv->ctx, "t/kv"));
	zassert_ok(kv->remove(kv->ctx, "t/kv")); /* absent: still 0 */
	zassert_equal(kv->read(kv->ctx, "t/kv", out, sizeof(out)), -ENOENT);
	zassert_false(record_exists(CONFIG_DFU_TARGET_SETTINGS_PREFIX "/t/kv"));
}

/* ---- 02 ---- */

ZTEST(dfu_target_zephyr, test_02_download_reboot_resume)
{
	size_t off = 1;

	zassert_equal(dfu_target_img_type(image, 64), DFU_TARGET_IMAGE_TYPE_MCUBOOT);
	zassert_ok(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, sizeof(image), NULL));
	zassert_ok(dfu_target_offset_get(&off));
	zassert_equal(off, 0);

	write_from(0, CUT_AT);
	zassert_ok(dfu_target_offset_get(&off));
	zassert_equal(off, CUT_AT, "while writing: bytes accepted");
	zassert_true(record_exists(CONFIG_DFU_TARGET_SETTINGS_PREFIX "/mcuboot/p00"),
		     "progress record in settings");

	/* Power lost here. */
	reboot();
	zassert_equal(dfu_target_offset_get(&off), -EACCES, "nothing in RAM after the reboot");

	zassert_equal(dfu_target_img_type(image, 64), DFU_TARGET_IMAGE_TYPE_MCUBOOT);
	zassert_ok(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, sizeof(image), NULL));
	zassert_ok(dfu_target_offset_get(&off));
	TC_PRINT("after the reboot: durable offset %zu of %zu (cut at %d)\n", off, sizeof(image),
		 CUT_AT);
	zassert_true(off > 0 && off <= CUT_AT, "durable offset %zu", off);
	zassert_equal(off % 4096, 0, "durable offset on an erase block boundary");
	resumed_at = off;
}

/* ---- 03 ---- */

ZTEST(dfu_target_zephyr, test_03_resume_and_verify)
{
	size_t off;

	zassert_true(resumed_at > 0);
	write_from(resumed_at, sizeof(image));
	zassert_ok(dfu_target_offset_get(&off));
	zassert_equal(off, sizeof(image));
	zassert_ok(dfu_target_done(true), "verification (SHA-256 + ECDSA P-256)");

	for (size_t pos = 0; pos < sizeof(image); pos += sizeof(rbuf)) {
		size_t n = MIN(sizeof(rbuf), sizeof(image) - pos);

		read_area(SLOT1, (off_t)pos, rbuf, n);
		zassert_mem_equal(rbuf, image + pos, n, "slot1 differs near %zu", pos);
	}
	zassert_true(record_exists(CONFIG_DFU_TARGET_SETTINGS_PREFIX "/mcuboot/p00"),
		     "progress record, now marking the download complete");
	zassert_true(record_exists(CONFIG_DFU_TARGET_SETTINGS_PREFIX "/mcuboot/v00"),
		     "verified record");
}

/* ---- 04 ---- */

ZTEST(dfu_target_zephyr, test_04_schedule_trailer)
{
	const uint32_t s = area(SLOT1)->fa_size;
	const uint32_t w = wblock(SLOT1);
	/* bootutil's offsets for BOOT_MAX_ALIGN 8 */
	const uint32_t magic_off = s - 16;
	const uint32_t image_ok_off = ROUND_DOWN(magic_off - ALIGN_MAX, ALIGN_MAX);
	const uint32_t copy_done_off = image_ok_off - ALIGN_MAX;
	const uint32_t swap_info_off = copy_done_off - ALIGN_MAX;
	uint8_t b[16];

	zassert_ok(dfu_target_schedule_update(0));

	read_area(SLOT1, magic_off, b, 16);
	zassert_mem_equal(b, boot_magic, 16, "magic");
	read_area(SLOT1, swap_info_off, b, 1);
	zassert_equal(b[0], 0x02, "swap_info: image 0, BOOT_SWAP_TYPE_TEST");
	/* the rest of swap_info's write block, copy_done, image_ok, and the
	 * padding up to the magic: erased (a test request, not permanent) */
	assert_erased(SLOT1, swap_info_off + 1, w - 1);
	assert_erased(SLOT1, swap_info_off + w, magic_off - (swap_info_off + w));
	/* swap_size and the swap status below it: untouched (erased) */
	assert_erased(SLOT1, swap_info_off - 4 * ALIGN_MAX, 4 * ALIGN_MAX);
	TC_PRINT("slot1 trailer: magic @0x%x, swap_info 0x02 @0x%x, image_ok/copy_done erased\n",
		 magic_off, swap_info_off);

	/* Asked again: the same request is pending, nothing written. */
	zassert_ok(dfu_target_schedule_update(0));
}

/* ---- 05 ---- */

ZTEST(dfu_target_zephyr, test_05_swap_revert_guard_confirm)
{
	const uint32_t s0 = area(SLOT0)->fa_size;
	const uint32_t w = wblock(SLOT0);
	const uint32_t image_ok_off = ROUND_DOWN(s0 - 16 - ALIGN_MAX, ALIGN_MAX);
	const uint32_t copy_done_off = image_ok_off - ALIGN_MAX;
	uint8_t flag[8];

	/* What MCUboot leaves after a test swap: the new image in the
	 * primary, its trailer with magic and copy_done set, image_ok unset;
	 * the old image (here: none) in the secondary. */
	zassert_ok(flash_area_erase(area(SLOT0), 0, s0));
	for (size_t pos = 0; pos < sizeof(image); pos += sizeof(rbuf)) {
		size_t n = MIN(sizeof(rbuf), sizeof(image) - pos);
		size_t nw = ROUND_UP(n, w);

		memset(rbuf, 0xff, sizeof(rbuf));
		memcpy(rbuf, image + pos, n);
		write_area(SLOT0, (off_t)pos, rbuf, nw);
	}
	write_area(SLOT0, s0 - 16, boot_magic, 16);
	memset(flag, 0xff, sizeof(flag));
	flag[0] = 0x01;
	write_area(SLOT0, copy_done_off, flag, w);
	zassert_ok(flash_area_erase(area(SLOT1), 0, area(SLOT1)->fa_size));
	reboot();

	/* The secondary would hold the revert copy: a new download is refused
	 * until the running image is confirmed. */
	zassert_equal(dfu_target_img_type(image, 64), DFU_TARGET_IMAGE_TYPE_MCUBOOT);
	zassert_equal(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, sizeof(image), NULL),
		      -EBUSY);

	zassert_ok(dfu_mcuboot_confirm(dfu_zephyr_mcuboot(), 0));
	read_area(SLOT0, image_ok_off, flag, w);
	zassert_equal(flag[0], 0x01, "image_ok set");
	for (uint32_t i = 1; i < w; i++) {
		zassert_equal(flag[i], 0xff, "image_ok padding");
	}
	assert_erased(SLOT0, image_ok_off + w, s0 - 16 - (image_ok_off + w));
	zassert_ok(dfu_mcuboot_confirm(dfu_zephyr_mcuboot(), 0), "confirmed: no-op");
}

/* ---- 06 ---- */

ZTEST(dfu_target_zephyr, test_06_reset)
{
	size_t off;

	zassert_equal(dfu_target_img_type(image, 64), DFU_TARGET_IMAGE_TYPE_MCUBOOT);
	zassert_ok(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, sizeof(image), NULL));
	write_from(0, 3 * 4096 + 500);
	zassert_ok(dfu_target_done(false));
	zassert_true(record_exists(CONFIG_DFU_TARGET_SETTINGS_PREFIX "/mcuboot/p00"));

	zassert_ok(dfu_target_reset());
	zassert_equal(dfu_target_offset_get(&off), -EACCES, "no current target");
	zassert_false(record_exists(CONFIG_DFU_TARGET_SETTINGS_PREFIX "/mcuboot/p00"));
	zassert_false(record_exists(CONFIG_DFU_TARGET_SETTINGS_PREFIX "/mcuboot/v00"));
	assert_erased(SLOT1, 0, 4096); /* header block: nothing bootable */

	/* After a reboot the download starts again at 0. */
	reboot();
	zassert_equal(dfu_target_img_type(image, 64), DFU_TARGET_IMAGE_TYPE_MCUBOOT);
	zassert_ok(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, sizeof(image), NULL));
	zassert_ok(dfu_target_offset_get(&off));
	zassert_equal(off, 0);
}

/* ---- 07 ---- */

ZTEST(dfu_target_zephyr, test_07_bad_signature_refused)
{
	static uint8_t bad[sizeof(image)];
	int err;

	/* One bit flipped in the payload: the SHA-256 TLV no longer matches. */
	memcpy(bad, image, sizeof(image));
	bad[0x200 + 1000] ^= 0x01;
	zassert_ok(dfu_target_reset());
	zassert_equal(dfu_target_img_type(bad, 64), DFU_TARGET_IMAGE_TYPE_MCUBOOT);
	zassert_ok(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, sizeof(bad), NULL));
	for (size_t off = 0; off < sizeof(bad); off += CHUNK) {
		zassert_ok(dfu_target_write(bad + off, MIN((size_t)CHUNK, sizeof(bad) - off)));
	}
	err = dfu_target_done(true);
	zassert_equal(err, -EILSEQ, "done(true) = %d", err);
	zassert_not_equal(dfu_target_schedule_update(0), 0);
}
