/*
 * Full modem install from flash (dfu_full_modem_install(), fmfu_fdev_load()):
 * the verified .cbor in the partition is programmed into the simulated
 * modem's bootloader mode (sim_modem.h). The file has four segments: the
 * modem bootloader (2360 B) and three firmware segments, one over 8 KiB (the
 * modem library's per-address buffer).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbor_gen.h"
#include "dfu/dfu_errname.h"
#include "dfu/fmfu_fdev.h"
#include "fault_port.h"
#include "full_modem_fixture.h"
#include "harness.h"
#include "sim_modem.h"

static const struct cbor_seg segs[4] = {
	{0x59602000u, 2360u}, {0x6000u, 4000u}, {0x10000u, 9000u}, {0x30000u, 3000u}};

static struct fmdev dev;
static struct sim_modem md;
static uint8_t file[24 * 1024];
static size_t flen, wlen;
static uint8_t digest[32];
static uint8_t ibuf[4096];

static size_t make(uint8_t *out, size_t cap, const struct cbor_seg *s, uint32_t n, size_t *w)
{
	struct cbor_gen_opts o = {.segs = s, .nseg = n, .version = 7, .seed = 5};

	return cbor_gen(out, cap, &o, w);
}

/* A fresh modem (running firmware A, OFF as after the application's
 * shutdown) on the device's power. */
static int modem_fresh(void)
{
	struct sim_modem_cfg c;

	sim_modem_free(&md);
	sim_modem_default_cfg(&c);
	c.area_size = 4096;
	c.fw_flash_size = 0x40000;
	if (sim_modem_init(&md, &c, NULL, &dev.power, NULL) != 0) {
		return -1;
	}
	sim_modem_reboot(&md);
	return 0;
}

/* Device with the file downloaded (verified when done), rebooted. */
static int setup_with(const uint8_t *f, size_t n, bool done)
{
	struct fmdev_opts o = {.kv_in_cfg = true};
	int err;

	fmdev_destroy(&dev);
	if (fmdev_create(&dev, &o) != 0 || modem_fresh() != 0) {
		return -1;
	}
	if (done) {
		err = fmdev_download(&dev, f, n, n, 1000, NULL);
	} else {
		err = fmdev_init(&dev, f, n, n);
		err = err ? err : fmdev_write(&dev, f, 0, n / 2, 1000);
	}
	fmdev_reboot(&dev);
	return err;
}

static int setup(void)
{
	if (flen == 0) {
		flen = make(file, sizeof(file), segs, 4, &wlen);
		dfu_sha256(file + wlen, flen - wlen, digest);
	}
	return setup_with(file, flen, true);
}

static int install(uint32_t flags)
{
	return dfu_full_modem_install(&dev.fm, &md.bl, ibuf, sizeof(ibuf), flags);
}

static uint32_t bl_calls(void)
{
	uint32_t n = 0;

	for (int i = 0; i < SIM_MODEM_BL_OP_COUNT; i++) {
		n += md.cnt.bl_calls[i];
	}
	return n;
}

/* The modem boots the file's firmware: UUID of the blob's SHA-256, every
 * firmware segment at its address. NULL or why not. */
static const char *modem_runs_file(void)
{
	char want[DFU_MODEM_UUID_LEN];
	const uint8_t *b = file + wlen + segs[0].len;
	int err = sim_modem_boot(&md, NULL);

	if (err != 0) {
		return "the modem does not boot";
	}
	sim_modem_uuid_of(digest, want);
	if (memcmp(md.nv.uuid, want, DFU_MODEM_UUID_LEN) != 0) {
		return "the modem runs another firmware";
	}
	for (int i = 1; i < 4; i++) {
		if (memcmp(md.nv.fw + segs[i].addr, b, segs[i].len) != 0) {
			return "a segment is not in the modem's flash";
		}
		b += segs[i].len;
	}
	return NULL;
}

#define CHECK_RUNS_FILE()                             \
	do {                                          \
		const char *why_ = modem_runs_file(); \
		CHECKF(why_ == NULL, "%s", why_);     \
	} while (0)

/* ---- happy path -------------------------------------------------------------- */

TEST(install_programs_the_verified_file_and_the_modem_boots_it)
{
	CHECK_OK(setup());
	CHECK_OK(install(0));
	CHECK_EQ(md.state, SIM_MODEM_OFF); /* shut down after the session */
	CHECK_RUNS_FILE();
}

TEST(install_calls_init_bootloader_update_verify_firmware_update)
{
	CHECK_OK(setup());
	CHECK_OK(install(0));
	CHECK_EQ(md.cnt.bl_calls[SIM_MODEM_BL_INIT], 1);
	CHECK_EQ(md.cnt.bl_calls[SIM_MODEM_BL_WRITE], 1);    /* 2360 B */
	CHECK_EQ(md.cnt.bl_calls[SIM_MODEM_BL_FW_WRITE], 5); /* 1 + 3 + 1 chunks */
	CHECK_EQ(md.cnt.bl_calls[SIM_MODEM_BL_UPDATE], 2);
	CHECK_EQ(md.cnt.bl_calls[SIM_MODEM_BL_VERIFY], 1);
	CHECK_EQ(md.cnt.bl_bytes, flen - wlen);
}

TEST(skip_prevalidation_makes_no_verify_call)
{
	CHECK_OK(setup());
	CHECK_OK(install(DFU_FMFU_SKIP_PREVALIDATION));
	CHECK_EQ(md.cnt.bl_calls[SIM_MODEM_BL_VERIFY], 0);
	CHECK_RUNS_FILE();
}

TEST(install_neither_writes_flash_nor_the_store)
{
	CHECK_OK(setup());
	uint32_t before = fmdev_mutations(&dev);

	CHECK_OK(install(0));
	CHECK_EQ(fmdev_mutations(&dev), before);
	CHECK(fmdev_has_record(&dev, DFU_FULL_MODEM_VERIFIED_KEY));
}

TEST(modem_digest_of_a_segment_matches_its_bytes)
{
	struct dfu_modem_bl_segment r = {segs[2].addr, segs[2].addr + segs[2].len - 1u};
	uint8_t got[32], want[32];

	CHECK_OK(setup());
	CHECK_OK(md.bl.init(md.bl.ctx));
	CHECK_OK(install(DFU_FMFU_NO_SESSION));
	CHECK_OK(md.bl.digest(md.bl.ctx, &r, 1, got));
	dfu_sha256(file + wlen + segs[0].len + segs[1].len, segs[2].len, want);
	CHECK_MEM(got, want, 32);
}

TEST(a_small_buffer_programs_in_more_chunks)
{
	CHECK_OK(setup());
	CHECK_OK(dfu_full_modem_install(&dev.fm, &md.bl, ibuf, 1024, 0));
	CHECK_EQ(md.cnt.bl_calls[SIM_MODEM_BL_WRITE], 3);
	CHECK_RUNS_FILE();
}

/* ---- refusals before any modem call ------------------------------------------ */

TEST(empty_partition_is_refused_with_enoent)
{
	struct fmdev_opts o = {.kv_in_cfg = true};

	fmdev_destroy(&dev);
	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_OK(modem_fresh());
	CHECK_ERR(install(0), ENOENT);
	CHECK_EQ(bl_calls(), 0);
}

TEST(partial_download_is_refused_with_enodata)
{
	CHECK_OK(setup());
	CHECK_OK(setup_with(file, flen, false));
	CHECK_ERR(install(0), ENODATA);
	CHECK_EQ(bl_calls(), 0);
}

TEST(complete_download_before_done_is_refused_with_enodata)
{
	CHECK_OK(setup());
	fmdev_destroy(&dev);
	struct fmdev_opts o = {.kv_in_cfg = true};

	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_OK(modem_fresh());
	CHECK_OK(fmdev_init(&dev, file, flen, flen));
	CHECK_OK(fmdev_write(&dev, file, 0, flen, 1000));
	fmdev_reboot(&dev);
	CHECK_ERR(install(0), ENODATA);
	CHECK_EQ(bl_calls(), 0);
}

TEST(open_download_is_refused_with_ebusy)
{
	CHECK_OK(setup());
	CHECK_OK(fmdev_init(&dev, file, flen, flen));
	CHECK_ERR(install(0), EBUSY);
	CHECK_EQ(bl_calls(), 0);
}

TEST(blob_changed_in_flash_is_refused_with_eilseq)
{
	CHECK_OK(setup());
	fmdev_part(&dev)[wlen + 5000] ^= 0x01;
	CHECK_ERR(install(0), EILSEQ);
	CHECK_EQ(bl_calls(), 0);
	CHECK_OK(sim_modem_boot(&md, NULL)); /* the old firmware still runs */
}

TEST(wrapper_changed_in_flash_is_refused_with_enoent)
{
	CHECK_OK(setup());
	fmdev_part(&dev)[wlen - 1] ^= 0x01; /* in the signature */
	CHECK_ERR(install(0), ENOENT);
	CHECK_EQ(bl_calls(), 0);
}

TEST(buffer_smaller_than_the_wrapper_is_refused_with_einval)
{
	CHECK_OK(setup());
	CHECK_ERR(dfu_full_modem_install(&dev.fm, &md.bl, ibuf, wlen - 1, 0), EINVAL);
	CHECK_EQ(bl_calls(), 0);
}

TEST(port_without_a_required_callback_is_refused_with_einval)
{
	struct dfu_modem_bootloader bl;

	CHECK_OK(setup());
	bl = md.bl;
	bl.verify = NULL;
	CHECK_ERR(dfu_full_modem_install(&dev.fm, &bl, ibuf, sizeof(ibuf), 0), EINVAL);
	bl = md.bl;
	bl.digest = NULL; /* optional */
	CHECK_OK(dfu_full_modem_install(&dev.fm, &bl, ibuf, sizeof(ibuf), 0));
}

/* ---- modem refusals and error codes ------------------------------------------ */

TEST(bootloader_too_big_for_the_modem_gives_ebadmsg)
{
	CHECK_OK(setup());
	md.cfg.bl_max_size = 2000;
	CHECK_ERR(install(0), EBADMSG);
}

TEST(firmware_segment_at_address_zero_gives_ebadmsg)
{
	static uint8_t f0[24 * 1024];
	const struct cbor_seg s0[2] = {{0x59602000u, 100u}, {0u, 500u}};
	size_t w0, n0 = make(f0, sizeof(f0), s0, 2, &w0);

	CHECK(n0 != 0);
	CHECK_OK(setup_with(f0, n0, true));
	CHECK_ERR(install(0), EBADMSG);
}

TEST(modem_library_already_initialised_gives_ealready)
{
	CHECK_OK(setup());
	CHECK_OK(sim_modem_boot(&md, NULL)); /* normal mode, not shut down */
	CHECK_ERR(install(0), EALREADY);
}

TEST(load_without_bootloader_mode_gives_eproto)
{
	CHECK_OK(setup());
	CHECK_ERR(install(DFU_FMFU_NO_SESSION), EPROTO);
}

struct map_case {
	enum sim_modem_bl_op op;
	int code; /* the port's */
	int want; /* documented */
};

TEST(every_bootloader_error_code_maps_to_its_errno_and_a_retry_installs)
{
	static const struct map_case cases[] = {
		{SIM_MODEM_BL_INIT, -EPERM, -EALREADY},
		{SIM_MODEM_BL_INIT, -EACCES, -EACCES},
		{SIM_MODEM_BL_INIT, -ETIMEDOUT, -ETIMEDOUT},
		{SIM_MODEM_BL_INIT, -EIO, -EIO},
		{SIM_MODEM_BL_INIT, -ENOMEM, -ENOMEM},
		{SIM_MODEM_BL_INIT, -ENOLCK, -EIO},
		{SIM_MODEM_BL_INIT, -ENOSYS, -EIO},
		{SIM_MODEM_BL_INIT, -EINVAL, -EINVAL},
		{SIM_MODEM_BL_INIT, -EFAULT, -EINVAL},
		{SIM_MODEM_BL_WRITE, -EINVAL, -EBADMSG},
		{SIM_MODEM_BL_WRITE, -EOPNOTSUPP, -EPROTO},
		{SIM_MODEM_BL_FW_WRITE, -EINVAL, -EBADMSG},
		{SIM_MODEM_BL_FW_WRITE, -EOPNOTSUPP, -EPROTO},
		{SIM_MODEM_BL_FW_WRITE, -EPERM, -EPERM},
		{SIM_MODEM_BL_FW_WRITE, -ENOEXEC, -ENOEXEC},
		{SIM_MODEM_BL_FW_WRITE, -ETIMEDOUT, -ETIMEDOUT},
		{SIM_MODEM_BL_FW_WRITE, -EIO, -EIO},
		{SIM_MODEM_BL_FW_WRITE, 5, -EIO}, /* positive: not the contract */
		{SIM_MODEM_BL_UPDATE, -EOPNOTSUPP, -EPROTO},
		{SIM_MODEM_BL_UPDATE, -EPERM, -EPERM},
		{SIM_MODEM_BL_UPDATE, -ENOEXEC, -ENOEXEC},
		{SIM_MODEM_BL_UPDATE, -ETIMEDOUT, -ETIMEDOUT},
		{SIM_MODEM_BL_UPDATE, -EIO, -EIO},
		{SIM_MODEM_BL_VERIFY, -EINVAL, -EBADMSG},
		{SIM_MODEM_BL_VERIFY, -EOPNOTSUPP, -EPROTO},
		{SIM_MODEM_BL_VERIFY, -EPERM, -EPERM},
		{SIM_MODEM_BL_VERIFY, -ENOEXEC, -ENOEXEC},
		{SIM_MODEM_BL_VERIFY, -ETIMEDOUT, -ETIMEDOUT},
		{SIM_MODEM_BL_VERIFY, -EIO, -EIO},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct map_case *c = &cases[i];
		/* the second update, the third firmware write */
		uint32_t skip = c->op == SIM_MODEM_BL_UPDATE || c->op == SIM_MODEM_BL_FW_WRITE
					? 1u + (c->op == SIM_MODEM_BL_FW_WRITE)
					: 0u;

		CHECK_OK(setup());
		sim_modem_bl_inject(&md, c->op, skip, c->code, 1);
		int got = install(0);

		CHECKF(got == c->want, "op %d code %d: got %s, want %s", (int)c->op, c->code,
		       dfu_errno_name(got), dfu_errno_name(c->want));
		CHECKF(md.state == SIM_MODEM_OFF, "op %d code %d: not shut down", (int)c->op,
		       c->code);
		CHECK_EQ(dfu_fmfu_errno(c->code, c->op == SIM_MODEM_BL_INIT), c->want);
		CHECK_OK(install(0));
		CHECK_RUNS_FILE();
	}
}

TEST(failure_after_the_bootloader_leaves_the_modem_unbootable_until_a_retry)
{
	CHECK_OK(setup());
	sim_modem_bl_inject(&md, SIM_MODEM_BL_FW_WRITE, 2, -ENOEXEC, 1);
	CHECK_ERR(install(0), ENOEXEC);
	CHECK_ERR(sim_modem_boot(&md, NULL), EIO);
	sim_modem_reboot(&md);
	CHECK_OK(install(0));
	CHECK_RUNS_FILE();
}

TEST(a_firmware_the_modem_rejects_at_boot_does_not_boot)
{
	uint8_t other[32] = {1};

	CHECK_OK(setup());
	sim_modem_bl_expect(&md, other);
	CHECK_OK(install(0));
	CHECK_ERR(sim_modem_boot(&md, NULL), EIO);
}

/* ---- power cuts and faults ----------------------------------------------------- */

/* After a cut at op k of an install: the documented outcomes, then the
 * application's recovery (install again when the new firmware does not
 * run) must end with the file's firmware running. */
static const char *cut_run(size_t buf_len, uint32_t k, enum sim_torn t, uint32_t *outcome)
{
	static char why[128];
	char uuid_a[DFU_MODEM_UUID_LEN], uuid_new[DFU_MODEM_UUID_LEN];
	int err;

	if (modem_fresh() != 0) {
		return "modem";
	}
	memcpy(uuid_a, md.nv.uuid, sizeof(uuid_a));
	sim_modem_uuid_of(digest, uuid_new);
	sim_power_arm(&dev.power, k, t, k);
	err = dfu_full_modem_install(&dev.fm, &md.bl, ibuf, buf_len, 0);
	if (err != -EIO || !dev.power.dead) {
		snprintf(why, sizeof(why), "cut %u: install gave %s", (unsigned)k,
			 dfu_errno_name(err));
		return why;
	}
	fmdev_reboot(&dev);
	if (memcmp(fmdev_part(&dev), file, flen) != 0 ||
	    !fmdev_has_record(&dev, DFU_FULL_MODEM_VERIFIED_KEY)) {
		return "the stored file changed";
	}
	err = sim_modem_boot(&md, NULL);
	if (err == 0 && memcmp(md.nv.uuid, uuid_a, sizeof(uuid_a)) == 0) {
		outcome[0]++; /* cut before the first bootloader byte */
	} else if (err == 0 && memcmp(md.nv.uuid, uuid_new, sizeof(uuid_a)) == 0) {
		outcome[1]++; /* the final update completed */
	} else if (err == -EIO) {
		outcome[2]++; /* unbootable: install again */
	} else {
		return "boot: neither the old nor the new firmware, nor unbootable";
	}
	sim_modem_reboot(&md);
	if (err != 0 || memcmp(md.nv.uuid, uuid_new, sizeof(uuid_a)) != 0) {
		err = dfu_full_modem_install(&dev.fm, &md.bl, ibuf, buf_len, 0);
		if (err != 0) {
			snprintf(why, sizeof(why), "retry: %s", dfu_errno_name(err));
			return why;
		}
	}
	return modem_runs_file();
}

TEST(power_cut_at_every_modem_call_ends_with_the_file_installed_after_a_retry)
{
	static const enum sim_torn torn[] = {SIM_TORN_NOTHING, SIM_TORN_ONE, SIM_TORN_HALF,
					     SIM_TORN_ALL_BUT_ONE};
	static const size_t bufs[] = {4096, 1024};
	uint32_t outcome[3] = {0};
	unsigned runs = 0;

	for (size_t b = 0; b < 2; b++) {
		CHECK_OK(setup());
		dev.power.ops = 0;
		CHECK_OK(dfu_full_modem_install(&dev.fm, &md.bl, ibuf, bufs[b], 0));
		uint32_t total = dev.power.ops;

		CHECK(total >= 10);
		for (uint32_t k = 1; k <= total; k++) {
			for (size_t t = 0; t < 4; t++) {
				const char *why = cut_run(bufs[b], k, torn[t], outcome);

				CHECKF(why == NULL, "buf %zu cut %u/%u torn %d: %s", bufs[b],
				       (unsigned)k, (unsigned)total, (int)torn[t], why);
				runs++;
			}
		}
	}
	printf("  %u runs: old firmware kept %u, new firmware %u, unbootable then "
	       "retried %u\n",
	       runs, (unsigned)outcome[0], (unsigned)outcome[1], (unsigned)outcome[2]);
	CHECK(outcome[0] > 0 && outcome[1] > 0 && outcome[2] > 0);
}

TEST(fault_at_every_flash_and_store_call_fails_and_a_retry_installs)
{
	static struct fault_port fp;
	uint32_t total;

	CHECK_OK(setup());
	fault_port_wrap(&fp, &dev.flash.dev, &dev.kv.dev, NULL);
	dev.fm.cfg.flash = &fp.wflash;
	dev.fm.cfg.kv = &fp.wkv;
	CHECK_OK(install(0));
	total = fp.calls;
	CHECK(total > 10);
	for (uint32_t k = 1; k <= total; k++) {
		CHECK_OK(modem_fresh());
		fp.calls = 0;
		fp.fail_at = k;
		int err = install(0);

		CHECKF(err == -EIO, "fault %u/%u: %s", (unsigned)k, (unsigned)total,
		       dfu_errno_name(err));
		fp.fail_at = 0;
		sim_modem_reboot(&md);
		CHECK_OK(install(0));
		const char *why = modem_runs_file();

		CHECKF(why == NULL, "fault %u: %s", (unsigned)k, why);
	}
}

/* ---- NCS: fmfu_fdev_load() --------------------------------------------------- */

static const struct device *const ext_dev = (const struct device *)&dev;

static const struct dfu_flash *device_flash(const struct device *d)
{
	return d == ext_dev ? &dev.flash.dev : NULL;
}

static struct dfu_config *platform_cfg;
DFU_TARGET_PLATFORM_CONFIG(platform_cfg)

/* The platform's configuration is the fixture's; the target's store from
 * the port (no cfg.kv), no init since the boot. */
static int ncs_setup(void)
{
	struct fmdev_opts o = {0};

	fmdev_destroy(&dev);
	if (flen == 0 || fmdev_create(&dev, &o) != 0 || modem_fresh() != 0 ||
	    fmdev_download(&dev, file, flen, flen, 1000, NULL) != 0) {
		return -1;
	}
	fmdev_reboot(&dev);
	dev.cfg.device_flash = device_flash;
	platform_cfg = &dev.cfg;
	fmfu_fdev_set_bootloader(&md.bl, 0);
	return 0;
}

TEST(ncs_load_programs_the_modem_the_application_put_in_bootloader_mode)
{
	CHECK_OK(ncs_setup());
	CHECK_OK(md.bl.init(md.bl.ctx));
	CHECK_OK(fmfu_fdev_load(ibuf, sizeof(ibuf), ext_dev, dev.o.part_off));
	CHECK_EQ(md.cnt.bl_calls[SIM_MODEM_BL_INIT], 1); /* the application's */
	CHECK_EQ(md.state, SIM_MODEM_BOOTLOADER);        /* it shuts down */
	sim_modem_reboot(&md);
	CHECK_RUNS_FILE();
}

TEST(ncs_load_null_buffer_or_device_gives_enomem)
{
	CHECK_OK(ncs_setup());
	CHECK_ERR(fmfu_fdev_load(NULL, sizeof(ibuf), ext_dev, dev.o.part_off), ENOMEM);
	CHECK_ERR(fmfu_fdev_load(ibuf, sizeof(ibuf), NULL, dev.o.part_off), ENOMEM);
}

TEST(ncs_load_without_a_bootloader_port_gives_enotsup)
{
	CHECK_OK(ncs_setup());
	fmfu_fdev_set_bootloader(NULL, 0);
	CHECK_ERR(fmfu_fdev_load(ibuf, sizeof(ibuf), ext_dev, dev.o.part_off), ENOTSUP);
}

TEST(ncs_load_of_another_device_or_offset_gives_enodev)
{
	CHECK_OK(ncs_setup());
	CHECK_ERR(fmfu_fdev_load(ibuf, sizeof(ibuf), (const struct device *)&md, dev.o.part_off),
		  ENODEV);
	CHECK_ERR(fmfu_fdev_load(ibuf, sizeof(ibuf), ext_dev, 0), ENODEV);
	CHECK_EQ(bl_calls(), 0);
}

static void cleanup(void)
{
	fmdev_destroy(&dev);
	sim_modem_free(&md);
}

TEST_MAIN(RUN(install_programs_the_verified_file_and_the_modem_boots_it);
	  RUN(install_calls_init_bootloader_update_verify_firmware_update);
	  RUN(skip_prevalidation_makes_no_verify_call);
	  RUN(install_neither_writes_flash_nor_the_store);
	  RUN(modem_digest_of_a_segment_matches_its_bytes);
	  RUN(a_small_buffer_programs_in_more_chunks); RUN(empty_partition_is_refused_with_enoent);
	  RUN(partial_download_is_refused_with_enodata);
	  RUN(complete_download_before_done_is_refused_with_enodata);
	  RUN(open_download_is_refused_with_ebusy);
	  RUN(blob_changed_in_flash_is_refused_with_eilseq);
	  RUN(wrapper_changed_in_flash_is_refused_with_enoent);
	  RUN(buffer_smaller_than_the_wrapper_is_refused_with_einval);
	  RUN(port_without_a_required_callback_is_refused_with_einval);
	  RUN(bootloader_too_big_for_the_modem_gives_ebadmsg);
	  RUN(firmware_segment_at_address_zero_gives_ebadmsg);
	  RUN(modem_library_already_initialised_gives_ealready);
	  RUN(load_without_bootloader_mode_gives_eproto);
	  RUN(every_bootloader_error_code_maps_to_its_errno_and_a_retry_installs);
	  RUN(failure_after_the_bootloader_leaves_the_modem_unbootable_until_a_retry);
	  RUN(a_firmware_the_modem_rejects_at_boot_does_not_boot);
	  RUN(power_cut_at_every_modem_call_ends_with_the_file_installed_after_a_retry);
	  RUN(fault_at_every_flash_and_store_call_fails_and_a_retry_installs);
	  RUN(ncs_load_programs_the_modem_the_application_put_in_bootloader_mode);
	  RUN(ncs_load_null_buffer_or_device_gives_enomem);
	  RUN(ncs_load_without_a_bootloader_port_gives_enotsup);
	  RUN(ncs_load_of_another_device_or_offset_gives_enodev); cleanup();)
