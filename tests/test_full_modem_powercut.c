/*
 * Full modem target under power cuts: at every flash and store operation
 * of a download of a small file (a few erase blocks), on two geometries
 * (MX25R64 NOR: 4 KiB sectors, 1-byte writes; STM32L4: 2 KiB pages,
 * write-once 8-byte ECC words), with four torn variants per cut.
 *
 * The partition starts with a verified file: an older file A, or B itself
 * downloaded earlier with an unknown size (so B's download is a new one
 * over a file with the same wrapper). The application downloads B (512-byte staging buffer,
 * 700-byte chunks, so the wrapper and blob are programmed in many pieces). After each cut:
 *   - a verified record, if the install step finds one, describes a file
 *     that is in flash byte for byte (A or B), never a partial one;
 * after the reboot the application runs its flow again (init, resume from
 * offset_get, done) and must end with B verified and byte-exact in flash,
 * without a flash-rule violation.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "cbor_gen.h"
#include "full_modem_fixture.h"
#include "harness.h"

static struct fmdev dev;
static uint8_t file_a[16 * 1024], file_b[16 * 1024];
static size_t len_a, len_b;
static unsigned long cut_points, runs;

static const enum sim_torn torn_modes[] = {SIM_TORN_NOTHING, SIM_TORN_ONE, SIM_TORN_HALF,
					   SIM_TORN_ALL_BUT_ONE};

static size_t make_file(uint8_t *out, size_t cap, uint32_t big, uint32_t seed)
{
	const struct cbor_seg segs[3] = {{0x59602000u, 2360}, {0x6000u, 4000}, {0x50000u, big}};
	struct cbor_gen_opts o = {.segs = segs, .nseg = 3, .version = seed, .seed = seed};
	size_t n = cbor_gen(out, cap, &o, NULL);

	if (n == 0) {
		abort();
	}
	return n;
}

static int app_boot(void)
{
	return fmdev_download(&dev, file_b, len_b, len_b, 700, NULL);
}

/* The partition's file before the download: A, or B itself downloaded
 * with an unknown size (another identity: B's download starts over it). */
static bool old_is_b;

static void make_device(const struct sim_geometry *geo)
{
	struct fmdev_opts o = {.geo = geo, .buf_len = 512, .kv_in_cfg = true};
	const uint8_t *old = old_is_b ? file_b : file_a;
	size_t n = old_is_b ? len_b : len_a;

	if (fmdev_create(&dev, &o) != 0 ||
	    fmdev_download(&dev, old, n, old_is_b ? 0 : n, 4096, NULL) != 0) {
		abort();
	}
	fmdev_reboot(&dev);
	dev.power.ops = 0;
}

static uint32_t count_ops(const struct sim_geometry *geo)
{
	make_device(geo);
	if (app_boot() != 0) {
		abort();
	}
	uint32_t n = dev.power.ops;

	fmdev_destroy(&dev);
	return n;
}

/* The file a verified record describes must be in flash, whole. */
static const char *check_record(void)
{
	struct dfu_full_modem_info info;
	uint8_t digest[32];
	int err = dfu_full_modem_stored(&dev.fm, &info);

	if (err == -ENOENT) {
		return NULL;
	}
	if (err != 0) {
		return "stored() failed";
	}
	const uint8_t *part = fmdev_part(&dev);
	size_t n = info.wrapper_len + info.blob_len;

	dfu_sha256(part + info.wrapper_len, info.blob_len, digest);
	if (memcmp(digest, info.digest, 32) != 0) {
		return "verified record over a blob that does not match";
	}
	if (!((n == len_a && memcmp(part, file_a, n) == 0) ||
	      (n == len_b && memcmp(part, file_b, n) == 0))) {
		return "verified record over neither file";
	}
	return NULL;
}

static const char *cut_run(const struct sim_geometry *geo, uint32_t k, enum sim_torn t)
{
	static char why[160];
	struct dfu_full_modem_info info;

	make_device(geo);
	sim_power_arm(&dev.power, k, t, k * 31u + (uint32_t)t);
	if (app_boot() == 0 || !dev.power.dead) {
		snprintf(why, sizeof(why), "cut %u did not happen", (unsigned)k);
		return why;
	}
	fmdev_reboot(&dev);
	const char *bad = check_record();

	if (bad != NULL) {
		return bad;
	}
	int err = app_boot();

	if (err != 0) {
		snprintf(why, sizeof(why), "resume failed: %s", dfu_errno_name(err));
		return why;
	}
	if (dfu_ctx_state(&dev.ctx) != DFU_STATE_DONE || memcmp(fmdev_part(&dev), file_b, len_b) ||
	    dfu_full_modem_stored(&dev.fm, &info) != 0 ||
	    info.blob_len + info.wrapper_len != len_b) {
		return "end state: B not verified byte-exact";
	}
	if (dev.flash.cnt.violations.total != 0) {
		snprintf(why, sizeof(why), "flash rule violation: %s", dev.flash.last_violation);
		return why;
	}
	return NULL;
}

static unsigned sweep(const struct sim_geometry *geo)
{
	uint32_t total = count_ops(geo);
	unsigned long before = runs;
	unsigned bad = 0;

	for (uint32_t k = 1; k <= total; k++) {
		cut_points++;
		for (size_t t = 0; t < 4; t++) {
			const char *why = cut_run(geo, k, torn_modes[t]);

			runs++;
			if (why != NULL && bad++ < 5) {
				printf("  %s cut %u/%u torn %d: %s\n", geo->name, (unsigned)k,
				       (unsigned)total, (int)torn_modes[t], why);
			}
			fmdev_destroy(&dev);
		}
	}
	printf("  %s, old file %s: %zu B, %u ops, %lu runs, %u bad\n", geo->name,
	       old_is_b ? "B" : "A", len_b, (unsigned)total, runs - before, bad);
	return bad;
}

TEST(power_cut_at_every_op_of_a_download_resumes_to_a_verified_file)
{
	static const struct sim_geometry *const geos[] = {&sim_geo_mx25r64, &sim_geo_stm32l4};

	len_a = make_file(file_a, sizeof(file_a), 1500, 1);
	len_b = make_file(file_b, sizeof(file_b), 3800, 2);
	for (size_t g = 0; g < 2; g++) {
		for (int b = 0; b < 2; b++) {
			old_is_b = b != 0;
			CHECK_EQ(sweep(geos[g]), 0);
		}
	}
	printf("  %lu cut points, %lu runs\n", cut_points, runs);
}

TEST_MAIN(RUN(power_cut_at_every_op_of_a_download_resumes_to_a_verified_file);)
