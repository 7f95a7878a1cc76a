/*
 * nRF Connect SDK API conformance and the reference's behaviours (issue 14):
 * every NCS symbol with NCS's signature, its values, and what NCS code
 * (fota_download, lwm2m_firmware, the serial LTE modem, sdk-nrf's
 * tests/subsys/dfu) relies on, through the seed API WITHOUT a setup call:
 * the default context is configured by this file's platform hook
 * (dfu_target_platform_config(), defined below, which replaces the library's
 * default at link time).
 *
 * Platform: an nRF52840-like internal flash with three MCUboot pairs
 * (mcuboot_fixture) and an MX25R64-like external flash with a full modem
 * partition (full_modem_fixture); devices "int" and "ext" map to them
 * through device_flash().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cbor_gen.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_full_modem.h"
#include "dfu/dfu_target_mcuboot.h"
#include "dfu/dfu_target_modem_delta.h"
#include "dfu/dfu_target_ncs.h"
#include "dfu/dfu_target_smp.h"
#include "dfu/dfu_target_stream.h"
#include "dfu/fmfu_fdev.h"
#include "full_modem_fixture.h"
#include "harness.h"
#include "mcuboot_fixture.h"
#include "mcuboot_img.h"
#include "support.h"

/* ---- the platform ---------------------------------------------------------- */

struct device {
	const struct dfu_flash *flash;
};

static struct mdev md;
static struct fmdev fd;
static bool live;
static struct device dev_int, dev_ext, dev_unknown;
static struct dfu_target_entry plat_targets[2];
static struct dfu_config plat_cfg;
static bool plat_on; /* the hook returns plat_cfg (else NULL) */
static int hook_calls;

static const struct dfu_flash *device_flash(const struct device *d)
{
	return d != NULL ? d->flash : NULL;
}

const struct dfu_config *dfu_target_platform_config(void)
{
	hook_calls++;
	return plat_on ? &plat_cfg : NULL;
}

/* Forget the default context (a reboot of the application's RAM). */
static void ram_reset(void)
{
	(void)dfu_ctx_setup(dfu_target_default_ctx(), NULL); /* -EINVAL: unconfigured */
	dfu_target_ncs_forget();
	hook_calls = 0;
}

static void build_cfg(void)
{
	plat_targets[0] = (struct dfu_target_entry){&dfu_target_mcuboot_ops, &md.mcuboot};
	plat_targets[1] = (struct dfu_target_entry){&dfu_target_full_modem_ops, &fd.fm};
	plat_cfg = (struct dfu_config){.port = &md.port,
				       .targets = plat_targets,
				       .target_count = 2,
				       .device_flash = device_flash};
	dev_int.flash = &md.flash.dev;
	dev_ext.flash = &fd.flash.dev;
	dev_unknown.flash = NULL;
}

static void plat_new(bool on)
{
	struct mdev_opts mo = {.slot0_size = 0x20000};
	struct fmdev_opts fo = {.kv_in_cfg = true};

	if (live) {
		mdev_destroy(&md);
		fmdev_destroy(&fd);
	}
	if (mdev_create(&md, &mo) != 0 || fmdev_create(&fd, &fo) != 0) {
		abort();
	}
	live = true;
	build_cfg();
	plat_on = on;
	ram_reset();
}

/* A reboot: flash and stores survive, RAM does not. */
static void plat_reboot(void)
{
	mdev_reboot(&md);
	fmdev_reboot(&fd);
	build_cfg();
	ram_reset();
}

/* ---- images ------------------------------------------------------------------ */

static uint8_t app[8192];
static size_t app_len;
static uint8_t fmf[40 * 1024];
static size_t fmf_len;
static uint8_t junk[64];

static void make_images(void)
{
	static uint8_t payload[5000];
	struct mcuboot_img_params p = {0};

	fill_random(payload, sizeof(payload), 14);
	if (mcuboot_img_build(&p, payload, sizeof(payload), app, sizeof(app), &app_len) != 0) {
		abort();
	}
	fmf_len = cbor_gen_modem(fmf, sizeof(fmf), 24, 3, NULL);
	if (fmf_len == 0) {
		abort();
	}
	fill_random(junk, sizeof(junk), 9);
}

/* Write im[from, to) through dfu_target_write in chunks of 700. */
static int send(const uint8_t *im, size_t from, size_t to)
{
	for (size_t n; from < to; from += n) {
		n = to - from < 700 ? to - from : 700;
		int err = dfu_target_write(im + from, n);

		if (err) {
			return err;
		}
	}
	return 0;
}

/* fota_download's flow, seed calls only: img_type, init, offset_get,
 * writes from the offset, done(true). */
static int fota_flow(const uint8_t *im, size_t n)
{
	size_t off = 1;
	int type = dfu_target_img_type(im, 64);

	if (type == DFU_TARGET_IMAGE_TYPE_NONE) {
		return -EFAULT;
	}
	int err = dfu_target_init(type, 0, n, NULL);

	if (err == 0) {
		err = dfu_target_offset_get(&off);
	}
	if (err == 0) {
		err = send(im, off, n);
	}
	return err ? err : dfu_target_done(true);
}

/* ---- values and signatures --------------------------------------------------- */

TEST(image_type_values_are_ncs_values)
{
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_NONE, 0);
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 1);
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, 2);
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_FULL_MODEM, 4);
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_SMP, 8);
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_SUIT, 16);
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_CUSTOM, 128);
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_ANY_APPLICATION, 1);
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_ANY_MODEM, 6);
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_ANY, 135);
}

/* fota_download's mask test (type & expected) == type. */
TEST(any_mask_accepts_every_dispatchable_type_but_not_smp_or_suit)
{
	static const int in[] = {1, 2, 4, 128};

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		CHECK_EQ(in[i] & DFU_TARGET_IMAGE_TYPE_ANY, in[i]);
	}
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_SMP & DFU_TARGET_IMAGE_TYPE_ANY, 0);
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_SUIT & DFU_TARGET_IMAGE_TYPE_ANY, 0);
	CHECK_EQ(DFU_TARGET_IMAGE_TYPE_FULL_MODEM & DFU_TARGET_IMAGE_TYPE_ANY_APPLICATION, 0);
}

TEST(event_values_are_ncs_values)
{
	CHECK_EQ(DFU_TARGET_EVT_ERASE_PENDING, 0);
	CHECK_EQ(DFU_TARGET_EVT_TIMEOUT, 1);
	CHECK_EQ(DFU_TARGET_EVT_ERASE_DONE, 2);
}

/* Each symbol assigned to a pointer of NCS's exact type: a signature that
 * differs does not compile (-Werror). */
TEST(every_ncs_function_has_ncs_signature)
{
	enum dfu_target_image_type (*img_type)(const void *const, size_t) = dfu_target_img_type;
	enum dfu_target_image_type (*smp_check)(const void *const, size_t) =
		dfu_target_smp_img_type_check;
	int (*init)(int, int, size_t, dfu_target_callback_t) = dfu_target_init;
	int (*offset_get)(size_t *) = dfu_target_offset_get;
	int (*write)(const void *const, size_t) = dfu_target_write;
	int (*done)(bool) = dfu_target_done;
	int (*reset)(void) = dfu_target_reset;
	int (*schedule)(int) = dfu_target_schedule_update;
	int (*set_buf)(uint8_t *, size_t) = dfu_target_mcuboot_set_buf;
	bool (*identify[4])(const void *const) = {
		dfu_target_mcuboot_identify, dfu_target_modem_delta_identify,
		dfu_target_full_modem_identify, dfu_target_smp_identify};
	int (*t_init[4])(size_t, int, dfu_target_callback_t) = {
		dfu_target_mcuboot_init, dfu_target_modem_delta_init, dfu_target_full_modem_init,
		dfu_target_smp_init};
	int (*t_offset[4])(size_t *) = {
		dfu_target_mcuboot_offset_get, dfu_target_modem_delta_offset_get,
		dfu_target_full_modem_offset_get, dfu_target_smp_offset_get};
	int (*t_write[4])(const void *const,
			  size_t) = {dfu_target_mcuboot_write, dfu_target_modem_delta_write,
				     dfu_target_full_modem_write, dfu_target_smp_write};
	int (*t_done[4])(bool) = {dfu_target_mcuboot_done, dfu_target_modem_delta_done,
				  dfu_target_full_modem_done, dfu_target_smp_done};
	int (*t_sched[4])(int) = {
		dfu_target_mcuboot_schedule_update, dfu_target_modem_delta_schedule_update,
		dfu_target_full_modem_schedule_update, dfu_target_smp_schedule_update};
	int (*t_reset[4])(void) = {dfu_target_mcuboot_reset, dfu_target_modem_delta_reset,
				   dfu_target_full_modem_reset, dfu_target_smp_reset};
	int (*fm_cfg)(const struct dfu_target_full_modem_params *) = dfu_target_full_modem_cfg;
	int (*fm_get)(struct dfu_target_fmfu_fdev *const) = dfu_target_full_modem_fdev_get;
	int (*s_init)(const struct dfu_target_stream_init *) = dfu_target_stream_init;
	int (*s_off)(size_t *) = dfu_target_stream_offset_get;
	int (*s_buffered)(size_t *) = dfu_target_stream_bytes_buffered_get;
	int (*s_write)(const uint8_t *, size_t) = dfu_target_stream_write;
	int (*s_done)(bool) = dfu_target_stream_done;
	int (*s_reset)(void) = dfu_target_stream_reset;
	struct stream_flash_ctx *(*s_get)(void) = dfu_target_stream_get_stream;
	int (*smp_rec)(dfu_target_reset_cb_t) = dfu_target_smp_recovery_mode_enable;
	int (*smp_misc[3])(void) = {dfu_target_smp_client_init, dfu_target_smp_reboot,
				    dfu_target_smp_confirm_image};
	int (*smp_list)(struct mcumgr_image_state *) = dfu_target_smp_image_list_get;
	int (*load)(uint8_t *, size_t, const struct device *, size_t) = fmfu_fdev_load;
	const void *all[] = {
		(const void *)&img_type,   (const void *)&smp_check, (const void *)&init,
		(const void *)&offset_get, (const void *)&write,     (const void *)&done,
		(const void *)&reset,      (const void *)&schedule,  (const void *)&set_buf,
		(const void *)identify,    (const void *)t_init,     (const void *)t_offset,
		(const void *)t_write,     (const void *)t_done,     (const void *)t_sched,
		(const void *)t_reset,     (const void *)&fm_cfg,    (const void *)&fm_get,
		(const void *)&s_init,     (const void *)&s_off,     (const void *)&s_buffered,
		(const void *)&s_write,    (const void *)&s_done,    (const void *)&s_reset,
		(const void *)&s_get,      (const void *)&smp_rec,   (const void *)smp_misc,
		(const void *)&smp_list,   (const void *)&load};

	CHECK(img_type != NULL && init != NULL && load != NULL && s_get != NULL);
	CHECK_EQ(sizeof(all) / sizeof(all[0]), 29);
}

TEST(ncs_structures_have_ncs_fields)
{
	uint8_t b[8];
	struct dfu_target_fmfu_fdev f = {.dev = &dev_ext, .offset = (off_t)16, .size = 32};
	struct dfu_target_full_modem_params p = {.buf = b, .len = sizeof(b), .dev = &f};
	struct dfu_target_stream_init s = {.id = "X",
					   .fdev = &dev_int,
					   .buf = b,
					   .len = sizeof(b),
					   .offset = 0,
					   .size = 0,
					   .cb = NULL};

	CHECK_EQ(p.dev->offset, 16);
	CHECK_EQ(s.len, sizeof(b));
}

/* ---- zero-setup detection and configuration ----------------------------------- */

TEST(img_type_without_any_configuration_identifies_the_three_formats)
{
	plat_new(false);
	CHECK_EQ(dfu_target_img_type(app, 64), DFU_TARGET_IMAGE_TYPE_MCUBOOT);
	CHECK_EQ(dfu_target_img_type(fmf, 64), DFU_TARGET_IMAGE_TYPE_FULL_MODEM);
	memcpy(junk + 4, "meDu", 4);
	CHECK_EQ(dfu_target_img_type(junk, 32), DFU_TARGET_IMAGE_TYPE_MODEM_DELTA);
	fill_random(junk, sizeof(junk), 9);
	CHECK_EQ(dfu_target_img_type(junk, 64), DFU_TARGET_IMAGE_TYPE_NONE);
	CHECK_EQ(dfu_target_img_type(app, 31), DFU_TARGET_IMAGE_TYPE_NONE);
}

/* The platform registers MCUboot and full modem only: a modem delta patch is
 * still reported (compiled in, as NCS); init then says it is not there. */
TEST(img_type_with_platform_config_reports_compiled_in_types)
{
	plat_new(true);
	memcpy(junk + 4, "meDu", 4);
	CHECK_EQ(dfu_target_img_type(junk, 64), DFU_TARGET_IMAGE_TYPE_MODEM_DELTA);
	CHECK_ERR(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, 0, 100, NULL), ENOTSUP);
	fill_random(junk, sizeof(junk), 9);
}

TEST(init_without_configuration_returns_enodev)
{
	size_t off;

	plat_new(false);
	CHECK_ERR(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, app_len, NULL), ENODEV);
	CHECK_ERR(dfu_target_offset_get(&off), EACCES);
	CHECK_ERR(dfu_target_write(app, 10), EACCES);
	CHECK_ERR(dfu_target_done(false), EACCES);
	CHECK_ERR(dfu_target_reset(), EACCES);
	CHECK_ERR(dfu_target_schedule_update(0), EACCES);
}

TEST(hook_is_asked_again_until_it_gives_a_configuration)
{
	plat_new(false);
	CHECK_ERR(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, app_len, NULL), ENODEV);
	plat_on = true;
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, app_len, NULL));
	int calls = hook_calls;
	size_t off;
	CHECK_OK(dfu_target_offset_get(&off));
	(void)dfu_target_img_type(app, 64);
	CHECK_EQ(hook_calls, calls); /* configured: not asked again */
}

TEST(seed_download_without_setup_call_schedules_mcuboot_image)
{
	plat_new(true);
	CHECK_OK(fota_flow(app, app_len));
	CHECK_OK(dfu_target_schedule_update(0));
	CHECK_EQ(dfu_ctx_state(dfu_target_default_ctx()), DFU_STATE_SCHEDULED);
	CHECK_MEM(mdev_secondary(&md, 0), app, app_len);
}

/* ---- the reference's behaviours (sdk-nrf tests/subsys/dfu, fota_download) ---- */

TEST(reinit_of_same_image_returns_zero_however_often)
{
	plat_new(true);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(dfu_target_img_type(app, 64), DFU_TARGET_IMAGE_TYPE_MCUBOOT);
		CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, app_len, NULL));
	}
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, app_len, NULL));
	CHECK_OK(send(app, 0, app_len));
	CHECK_OK(dfu_target_done(true));
}

/* fota_download_util / lwm2m_firmware: init(type, 0, 0) then init(type, 0, size). */
TEST(init_with_size_zero_then_with_size_is_not_ebusy)
{
	plat_new(true);
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, 0, NULL));
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, app_len, NULL));
	CHECK_OK(send(app, 0, app_len));
	CHECK_OK(dfu_target_done(true));
}

TEST(init_with_any_mask_or_minus_one_returns_enotsup)
{
	plat_new(true);
	CHECK_ERR(dfu_target_init(DFU_TARGET_IMAGE_TYPE_ANY, 0, 100, NULL), ENOTSUP);
	CHECK_ERR(dfu_target_init(-1, 0, 100, NULL), ENOTSUP);
	CHECK_ERR(dfu_target_init(DFU_TARGET_IMAGE_TYPE_SUIT, 0, 100, NULL), ENOTSUP);
	CHECK_ERR(dfu_target_init(DFU_TARGET_IMAGE_TYPE_SMP, 0, 100, NULL), ENOTSUP);
}

TEST(calls_after_reset_return_eacces)
{
	size_t off;

	plat_new(true);
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, app_len, NULL));
	CHECK_OK(dfu_target_reset());
	CHECK_ERR(dfu_target_done(true), EACCES);
	CHECK_ERR(dfu_target_offset_get(&off), EACCES);
	CHECK_ERR(dfu_target_write(app, 16), EACCES);
}

/* Deliberate difference: the reference forwards schedule to the target,
 * which requests whatever is in the slot; here nothing unverified is. */
TEST(schedule_before_done_is_refused)
{
	plat_new(true);
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, app_len, NULL));
	CHECK_ERR(dfu_target_schedule_update(0), ENOENT);
	CHECK_OK(send(app, 0, 1000));
	CHECK_ERR(dfu_target_schedule_update(0), EPERM);
}

TEST(new_init_after_done_true_starts_at_offset_zero)
{
	size_t off = 1;

	plat_new(true);
	CHECK_OK(fota_flow(app, app_len));
	(void)dfu_target_img_type(app, 64);
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, app_len, NULL));
	CHECK_OK(dfu_target_offset_get(&off));
	CHECK_EQ(off, 0);
}

/* LwM2M / fota_download_util after a reboot: init(type, 0, 0) + schedule. */
TEST(init_size_zero_then_schedule_after_reboot_schedules_verified_image)
{
	plat_new(true);
	CHECK_OK(fota_flow(app, app_len));
	plat_reboot();
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, 0, NULL));
	CHECK_OK(dfu_target_schedule_update(0));
}

/* fota_download: write's -EINVAL is "image refused" (INVALID_UPDATE);
 * lwm2m_firmware maps it to an integrity failure. */
TEST(malformed_image_write_returns_einval)
{
	static uint8_t bad[1024];

	plat_new(true);
	memcpy(bad, app, sizeof(bad));
	bad[16] = 0x0C; /* both encryption flags: no MCUboot takes it */
	CHECK_EQ(dfu_target_img_type(bad, 64), DFU_TARGET_IMAGE_TYPE_MCUBOOT);
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, app_len, NULL));
	CHECK_ERR(dfu_target_write(bad, sizeof(bad)), EINVAL);
	CHECK_ERR(dfu_ctx_last_result(dfu_target_default_ctx()), EBADMSG);
}

TEST(write_past_file_size_stays_efbig)
{
	plat_new(true);
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, 100, NULL));
	CHECK_ERR(dfu_target_write(app, 101), EFBIG);
}

/* Deliberate difference: NULL buf gives -EINVAL (reference: -EACCES). */
TEST(write_of_null_returns_einval)
{
	plat_new(true);
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, app_len, NULL));
	CHECK_ERR(dfu_target_write(NULL, 10), EINVAL);
}

/* ---- per-target entry points --------------------------------------------------- */

TEST(mcuboot_set_buf_refuses_null_and_misaligned_buffers)
{
	static _Alignas(8) uint8_t b[520];

	plat_new(true);
	CHECK_ERR(dfu_target_mcuboot_set_buf(NULL, 512), EINVAL);
	CHECK_ERR(dfu_target_mcuboot_set_buf(b + 1, 512), EINVAL);
	CHECK_ERR(dfu_target_mcuboot_set_buf(b, 0), EINVAL);
}

TEST(mcuboot_set_buf_gives_the_target_its_buffer)
{
	static _Alignas(8) uint8_t b[512];

	plat_new(true);
	CHECK_OK(dfu_target_mcuboot_set_buf(b, sizeof(b)));
	CHECK(md.mcuboot.cfg.buf == b);
	CHECK_EQ(md.mcuboot.cfg.buf_len, sizeof(b));
	CHECK_OK(fota_flow(app, app_len));
	CHECK_MEM(mdev_secondary(&md, 0), app, app_len);
}

TEST(mcuboot_set_buf_while_downloading_returns_ebusy)
{
	static _Alignas(8) uint8_t b[512];

	plat_new(true);
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, app_len, NULL));
	CHECK_ERR(dfu_target_mcuboot_set_buf(b, sizeof(b)), EBUSY);
}

TEST(mcuboot_set_buf_without_configuration_returns_enodev)
{
	static _Alignas(8) uint8_t b[512];

	plat_new(false);
	CHECK_ERR(dfu_target_mcuboot_set_buf(b, sizeof(b)), ENODEV);
}

TEST(mcuboot_entry_points_run_a_download)
{
	size_t off = 1;

	plat_new(true);
	(void)dfu_target_img_type(app, 64);
	CHECK_OK(dfu_target_mcuboot_init(app_len, 0, NULL));
	CHECK_OK(dfu_target_mcuboot_offset_get(&off));
	CHECK_EQ(off, 0);
	CHECK_OK(dfu_target_mcuboot_write(app, app_len));
	CHECK_OK(dfu_target_mcuboot_done(true));
	CHECK_OK(dfu_target_mcuboot_schedule_update(0));
	CHECK_EQ(dfu_ctx_state(dfu_target_default_ctx()), DFU_STATE_SCHEDULED);
}

TEST(entry_points_of_another_type_return_eacces)
{
	size_t off;

	plat_new(true);
	CHECK_OK(dfu_target_mcuboot_init(app_len, 0, NULL));
	CHECK_ERR(dfu_target_full_modem_write(app, 10), EACCES);
	CHECK_ERR(dfu_target_full_modem_offset_get(&off), EACCES);
	CHECK_ERR(dfu_target_modem_delta_done(true), EACCES);
}

TEST(mcuboot_schedule_after_reboot_needs_no_init)
{
	plat_new(true);
	CHECK_OK(fota_flow(app, app_len));
	plat_reboot();
	CHECK_OK(dfu_target_mcuboot_schedule_update(0));
}

TEST(mcuboot_reset_after_reboot_needs_no_init)
{
	plat_new(true);
	CHECK_OK(fota_flow(app, app_len));
	plat_reboot();
	CHECK_OK(dfu_target_mcuboot_reset());
	CHECK_ERR(dfu_target_mcuboot_schedule_update(0), ENOENT);
}

TEST(modem_delta_entry_points_without_registered_target_return_enotsup)
{
	plat_new(true);
	CHECK_ERR(dfu_target_modem_delta_init(100, 0, NULL), ENOTSUP);
	CHECK_ERR(dfu_target_modem_delta_schedule_update(0), ENOTSUP);
	CHECK_ERR(dfu_target_modem_delta_reset(), ENOTSUP);
}

TEST(identify_functions_check_each_magic)
{
	static uint8_t d[32];

	memcpy(d + 4, "meDu", 4);
	CHECK(dfu_target_mcuboot_identify(app));
	CHECK(!dfu_target_mcuboot_identify(fmf));
	CHECK(dfu_target_full_modem_identify(fmf));
	CHECK(!dfu_target_full_modem_identify(app));
	CHECK(dfu_target_modem_delta_identify(d));
	CHECK(!dfu_target_modem_delta_identify(app));
	CHECK(dfu_target_smp_identify(app));
}

TEST(smp_is_not_reported_and_its_calls_return_enotsup)
{
	size_t off;

	CHECK_EQ(dfu_target_smp_img_type_check(app, 64), DFU_TARGET_IMAGE_TYPE_NONE);
	CHECK_ERR(dfu_target_smp_client_init(), ENOTSUP);
	CHECK_ERR(dfu_target_smp_init(100, 0, NULL), ENOTSUP);
	CHECK_ERR(dfu_target_smp_offset_get(&off), ENOTSUP);
	CHECK_ERR(dfu_target_smp_write(app, 10), ENOTSUP);
	CHECK_ERR(dfu_target_smp_done(true), ENOTSUP);
	CHECK_ERR(dfu_target_smp_schedule_update(0), ENOTSUP);
	CHECK_ERR(dfu_target_smp_reset(), ENOTSUP);
	CHECK_ERR(dfu_target_smp_reboot(), ENOTSUP);
	CHECK_ERR(dfu_target_smp_confirm_image(), ENOTSUP);
	CHECK_ERR(dfu_target_smp_recovery_mode_enable(NULL), ENOTSUP);
	CHECK_ERR(dfu_target_smp_image_list_get(NULL), ENOTSUP);
}

/* ---- full modem configuration ----------------------------------------------------- */

static uint8_t fm_buf[4096];

static int fm_cfg(const struct device *dv, off_t off, size_t size)
{
	struct dfu_target_fmfu_fdev f = {.dev = dv, .offset = off, .size = size};
	struct dfu_target_full_modem_params p = {.buf = fm_buf, .len = sizeof(fm_buf), .dev = &f};

	return dfu_target_full_modem_cfg(&p);
}

TEST(full_modem_cfg_twice_returns_ealready)
{
	plat_new(true);
	CHECK_OK(fm_cfg(&dev_ext, 0x10000, 0x40000));
	CHECK_ERR(fm_cfg(&dev_ext, 0x10000, 0x40000), EALREADY);
}

TEST(full_modem_cfg_refuses_bad_parameters)
{
	struct dfu_target_full_modem_params p = {.buf = NULL, .len = 16, .dev = NULL};

	plat_new(true);
	CHECK_ERR(dfu_target_full_modem_cfg(NULL), EINVAL);
	CHECK_ERR(dfu_target_full_modem_cfg(&p), EINVAL);
	p.buf = fm_buf;
	CHECK_ERR(dfu_target_full_modem_cfg(&p), EINVAL); /* dev NULL */
	CHECK_ERR(fm_cfg(NULL, 0, 0), EINVAL);
	CHECK_ERR(fm_cfg(&dev_ext, -1, 0), EINVAL);
	CHECK_ERR(fm_cfg(&dev_unknown, 0, 0), ENODEV);
}

TEST(full_modem_fdev_get_before_cfg_returns_eperm)
{
	struct dfu_target_fmfu_fdev f;

	plat_new(true);
	CHECK_ERR(dfu_target_full_modem_fdev_get(&f), EPERM);
	CHECK_OK(fm_cfg(&dev_ext, 0x10000, 0x40000));
	CHECK_ERR(dfu_target_full_modem_fdev_get(NULL), EINVAL);
}

TEST(full_modem_fdev_get_returns_the_configured_area)
{
	struct dfu_target_fmfu_fdev f = {0};

	plat_new(true);
	CHECK_OK(fm_cfg(&dev_ext, 0x10000, 0x40000));
	CHECK_OK(dfu_target_full_modem_fdev_get(&f));
	CHECK(f.dev == &dev_ext);
	CHECK_EQ(f.offset, 0x10000);
	CHECK_EQ(f.size, 0x40000);
	CHECK(fd.fm.cfg.buf == fm_buf);
	CHECK(fd.fm.cfg.flash == &fd.flash.dev);
}

TEST(full_modem_download_after_cfg_through_seed_api)
{
	plat_new(true);
	CHECK_OK(fm_cfg(&dev_ext, 0x10000, 0x40000));
	CHECK_OK(fota_flow(fmf, fmf_len));
	CHECK_OK(dfu_target_full_modem_schedule_update(0));
	CHECK_MEM(fmdev_part(&fd), fmf, fmf_len);
}

TEST(full_modem_schedule_without_download_is_a_noop)
{
	plat_new(true);
	CHECK_OK(dfu_target_full_modem_schedule_update(0));
}

TEST(fmfu_fdev_load_without_a_bootloader_port_is_not_supported)
{
	CHECK_ERR(fmfu_fdev_load(fm_buf, sizeof(fm_buf), &dev_ext, 0), ENOTSUP);
}

/* ---- stream API (sdk-nrf tests/subsys/dfu/dfu_target_stream) ------------------- */

#define S_OFF 0x20000u /* past pair 2 on the external device */
#define S_SIZE (16 * 4096u)
static uint8_t s_buf[128];
static uint8_t s_data[14000];

static int s_init(const char *id)
{
	struct dfu_target_stream_init in = {.id = id,
					    .fdev = &dev_ext,
					    .buf = s_buf,
					    .len = sizeof(s_buf),
					    .offset = S_OFF,
					    .size = S_SIZE};

	return dfu_target_stream_init(&in);
}

static size_t s_offset(void)
{
	size_t off = (size_t)-1;

	return dfu_target_stream_offset_get(&off) == 0 ? off : (size_t)-1;
}

static void s_new(void)
{
	plat_new(true);
	fill_random(s_data, sizeof(s_data), 0xAA);
}

TEST(stream_init_refuses_null_id_device_or_buffer)
{
	struct dfu_target_stream_init in = {
		.id = "A", .fdev = &dev_ext, .buf = s_buf, .len = sizeof(s_buf), .offset = S_OFF};

	s_new();
	in.id = NULL;
	CHECK_ERR(dfu_target_stream_init(&in), EINVAL);
	in.id = "A";
	in.fdev = NULL;
	CHECK_ERR(dfu_target_stream_init(&in), EINVAL);
	in.fdev = &dev_ext;
	in.buf = NULL;
	CHECK_ERR(dfu_target_stream_init(&in), EINVAL);
	CHECK_ERR(dfu_target_stream_init(NULL), EINVAL);
}

TEST(stream_second_init_before_done_returns_efault)
{
	s_new();
	CHECK_OK(s_init("A"));
	CHECK_ERR(s_init("B"), EFAULT);
}

TEST(stream_offset_counts_flash_bytes_and_buffered_the_rest)
{
	size_t buffered = 0;

	s_new();
	CHECK_OK(s_init("A"));
	CHECK_OK(dfu_target_stream_write(s_data, sizeof(s_data)));
	CHECK_OK(dfu_target_stream_bytes_buffered_get(&buffered));
	CHECK(s_offset() != sizeof(s_data)); /* non-synchronous, as NCS */
	CHECK_EQ(s_offset() + buffered, sizeof(s_data));
}

TEST(stream_done_writes_the_data_and_frees_the_stream)
{
	s_new();
	CHECK_OK(s_init("A"));
	CHECK_OK(dfu_target_stream_write(s_data, sizeof(s_data)));
	CHECK_OK(dfu_target_stream_done(true));
	CHECK_MEM(fd.flash.mem + S_OFF, s_data, sizeof(s_data));
	CHECK_OK(s_init("B"));
}

TEST(stream_progress_survives_done_false_and_reinit)
{
	s_new();
	CHECK_OK(s_init("A"));
	CHECK_OK(dfu_target_stream_write(s_data, 9000));
	size_t before = s_offset();
	CHECK_OK(dfu_target_stream_done(false));
	CHECK_OK(s_init("A"));
	CHECK_EQ(s_offset(), before);
	CHECK_OK(dfu_target_stream_write(s_data + before, sizeof(s_data) - before));
	CHECK_OK(dfu_target_stream_done(true));
	CHECK_MEM(fd.flash.mem + S_OFF, s_data, sizeof(s_data));
}

TEST(stream_progress_survives_a_reboot_at_an_erase_block)
{
	s_new();
	CHECK_OK(s_init("A"));
	CHECK_OK(dfu_target_stream_write(s_data, 9000));
	CHECK_OK(dfu_target_stream_done(false));
	plat_reboot();
	CHECK_OK(s_init("A"));
	size_t off = s_offset();
	CHECK_EQ(off, 8192); /* the last checkpoint */
	CHECK_OK(dfu_target_stream_write(s_data + off, sizeof(s_data) - off));
	CHECK_OK(dfu_target_stream_done(true));
	CHECK_MEM(fd.flash.mem + S_OFF, s_data, sizeof(s_data));
}

TEST(stream_done_true_resets_the_offset_to_zero)
{
	s_new();
	CHECK_OK(s_init("A"));
	CHECK_OK(dfu_target_stream_write(s_data, sizeof(s_data)));
	CHECK_OK(dfu_target_stream_done(true));
	plat_reboot();
	CHECK_OK(s_init("A"));
	CHECK_EQ(s_offset(), 0);
}

TEST(stream_progress_is_per_id)
{
	s_new();
	CHECK_OK(s_init("A"));
	CHECK_OK(dfu_target_stream_write(s_data, 9000));
	CHECK_OK(dfu_target_stream_done(false));
	plat_reboot();
	CHECK_OK(s_init("B"));
	CHECK_EQ(s_offset(), 0);
	CHECK_OK(dfu_target_stream_done(false));
	plat_reboot();
	CHECK_OK(s_init("A"));
	CHECK_EQ(s_offset(), 8192);
}

TEST(stream_reset_erases_the_first_block_and_forgets_progress)
{
	s_new();
	CHECK_OK(dfu_target_stream_reset()); /* never opened: 0 */
	CHECK_OK(s_init("A"));
	CHECK_OK(dfu_target_stream_write(s_data, 9000));
	CHECK_OK(dfu_target_stream_reset());
	for (size_t i = 0; i < 4096; i++) {
		CHECK_EQ(fd.flash.mem[S_OFF + i], 0xff);
	}
	plat_reboot();
	CHECK_OK(s_init("A"));
	CHECK_EQ(s_offset(), 0);
}

TEST(stream_write_without_init_returns_eperm)
{
	s_new();
	CHECK_ERR(dfu_target_stream_write(s_data, 10), EPERM);
	CHECK_ERR(dfu_target_stream_done(true), EPERM);
	CHECK(dfu_target_stream_get_stream() == NULL);
}

TEST_MAIN(make_images(); RUN(image_type_values_are_ncs_values);
	  RUN(any_mask_accepts_every_dispatchable_type_but_not_smp_or_suit);
	  RUN(event_values_are_ncs_values); RUN(every_ncs_function_has_ncs_signature);
	  RUN(ncs_structures_have_ncs_fields);
	  RUN(img_type_without_any_configuration_identifies_the_three_formats);
	  RUN(img_type_with_platform_config_reports_compiled_in_types);
	  RUN(init_without_configuration_returns_enodev);
	  RUN(hook_is_asked_again_until_it_gives_a_configuration);
	  RUN(seed_download_without_setup_call_schedules_mcuboot_image);
	  RUN(reinit_of_same_image_returns_zero_however_often);
	  RUN(init_with_size_zero_then_with_size_is_not_ebusy);
	  RUN(init_with_any_mask_or_minus_one_returns_enotsup);
	  RUN(calls_after_reset_return_eacces); RUN(schedule_before_done_is_refused);
	  RUN(new_init_after_done_true_starts_at_offset_zero);
	  RUN(init_size_zero_then_schedule_after_reboot_schedules_verified_image);
	  RUN(malformed_image_write_returns_einval); RUN(write_past_file_size_stays_efbig);
	  RUN(write_of_null_returns_einval);
	  RUN(mcuboot_set_buf_refuses_null_and_misaligned_buffers);
	  RUN(mcuboot_set_buf_gives_the_target_its_buffer);
	  RUN(mcuboot_set_buf_while_downloading_returns_ebusy);
	  RUN(mcuboot_set_buf_without_configuration_returns_enodev);
	  RUN(mcuboot_entry_points_run_a_download); RUN(entry_points_of_another_type_return_eacces);
	  RUN(mcuboot_schedule_after_reboot_needs_no_init);
	  RUN(mcuboot_reset_after_reboot_needs_no_init);
	  RUN(modem_delta_entry_points_without_registered_target_return_enotsup);
	  RUN(identify_functions_check_each_magic);
	  RUN(smp_is_not_reported_and_its_calls_return_enotsup);
	  RUN(full_modem_cfg_twice_returns_ealready); RUN(full_modem_cfg_refuses_bad_parameters);
	  RUN(full_modem_fdev_get_before_cfg_returns_eperm);
	  RUN(full_modem_fdev_get_returns_the_configured_area);
	  RUN(full_modem_download_after_cfg_through_seed_api);
	  RUN(full_modem_schedule_without_download_is_a_noop);
	  RUN(fmfu_fdev_load_without_a_bootloader_port_is_not_supported);
	  RUN(stream_init_refuses_null_id_device_or_buffer);
	  RUN(stream_second_init_before_done_returns_efault);
	  RUN(stream_offset_counts_flash_bytes_and_buffered_the_rest);
	  RUN(stream_done_writes_the_data_and_frees_the_stream);
	  RUN(stream_progress_survives_done_false_and_reinit);
	  RUN(stream_progress_survives_a_reboot_at_an_erase_block);
	  RUN(stream_done_true_resets_the_offset_to_zero); RUN(stream_progress_is_per_id);
	  RUN(stream_reset_erases_the_first_block_and_forgets_progress);
	  RUN(stream_write_without_init_returns_eperm);)
