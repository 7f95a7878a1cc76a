/*
 * Power cuts during an MCUboot upgrade request (dfu_mcuboot_trailer_request).
 *
 * For three geometries (nRF52840 NVMC, MX25R NOR, STM32L4 write-once ECC)
 * and both requests (test, permanent): the secondary starts with a stale
 * trailer (BAD magic, image_ok and copy_done set, swap_info and status
 * garbage), so the request erases first. A reference run counts the
 * mutating operations T. Then for every k in 1..T and every torn variant
 * (nothing; one unit; half; all but one: for an erase, partially erased or
 * reading erased but not reliably erased) the power is cut at operation k.
 * After the reboot the trailers must decode as no request or exactly the
 * one asked for (never the other one). The request is then run again, once
 * without a cut and once with a second cut at each of its operations; after
 * a final uncut run the trailer must hold exactly the requested bytes (the
 * spec's table), with no flash-rule violation and no program into a weakly
 * erased block.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#include "trailer_fixture.h"

#define SECTORS 16 /* secondary; the primary has one more */
#define IMG 1

struct cut_cfg {
	const char *name;
	const struct sim_geometry *geo;
	uint16_t max_sectors; /* chosen so that some trailers span 2 blocks */
};

static const struct cut_cfg cfgs[] = {
	{"nrf52840", &sim_geo_nrf52840, 400}, /* 4848 B: 2 x 4 KiB */
	{"mx25r64", &sim_geo_mx25r64, 0},     /* AUTO: 17 x 3 + 48 B: 1 block */
	{"stm32l4", &sim_geo_stm32l4, 128},   /* 3120 B: 2 x 2 KiB */
};

static const enum sim_torn torn_modes[] = {SIM_TORN_NOTHING, SIM_TORN_ONE, SIM_TORN_HALF,
					   SIM_TORN_ALL_BUT_ONE};

static struct tfix T;
static uint8_t exp_buf[16 * 1024];
static unsigned long runs, cut_points;

/* A stale request whose magic reads BAD (all 0x00: no partial erase can
 * turn it GOOD), with image_ok, copy_done and swap_info set and garbage
 * below (A = 8 offsets). */
static uint8_t stale(uint32_t back)
{
	if (back <= 16) {
		return 0x00;
	}
	if (back == 24 || back == 32) {
		return 0x01;
	}
	if (back == 40) {
		return 0x13;
	}
	return (uint8_t)(0x5au ^ back);
}

static uint32_t region_of(const struct cut_cfg *c)
{
	uint32_t sectors = c->max_sectors != 0 ? c->max_sectors : SECTORS + 1;

	return spec_erase_region(SECTORS * c->geo->erase_block, c->geo->erase_block, sectors,
				 c->geo->write_block, 8);
}

static int make_dirty(const struct cut_cfg *c)
{
	uint32_t eb = c->geo->erase_block;
	int err = tfix_make(&T, c->geo, (SECTORS + 1) * eb, SECTORS * eb, 8, c->max_sectors,
			    DFU_MCUBOOT_SWAP_MOVE);

	if (err == 0) {
		err = tfix_put_bytes(&T, &T.pair.secondary, region_of(c), stale);
	}
	if (err == 0 && tfix_decide(&T) != DFU_MCUBOOT_SWAP_NONE) {
		err = -EINVAL;
	}
	sim_flash_reset_counters(&T.fl);
	T.pw.ops = 0;
	return err;
}

/* After a cut: no request, or exactly the one asked for. */
static bool decodes_none_or(enum dfu_mcuboot_swap want)
{
	enum dfu_mcuboot_swap s = tfix_decide(&T);

	return s == DFU_MCUBOOT_SWAP_NONE || s == want;
}

/* Returns a description of the failure, or NULL when the run was good. */
static const char *cut_run(const struct cut_cfg *c, bool perm, uint32_t k, size_t m,
			   uint32_t second)
{
	static char why[160];
	const enum dfu_mcuboot_swap want = perm ? DFU_MCUBOOT_SWAP_PERM : DFU_MCUBOOT_SWAP_TEST;
	const uint32_t region = region_of(c);
	int err;

	if (make_dirty(c) != 0) {
		return "setup failed";
	}
	sim_power_arm(&T.pw, k, torn_modes[m], k * 31u + (uint32_t)m);
	err = dfu_mcuboot_trailer_request(&T.pair, IMG, perm);
	if (err != -EIO || !T.pw.dead) {
		snprintf(why, sizeof(why), "cut did not happen (%s)", dfu_errno_name(err));
		return why;
	}
	sim_power_reboot(&T.pw);
	if (!decodes_none_or(want)) {
		return "after the cut: not (none or the request)";
	}
	/* Boot 2: request again, maybe cut again. */
	if (second != 0) {
		sim_power_arm(&T.pw, second, torn_modes[(k + second + m) % 4], k + 7u);
	}
	err = dfu_mcuboot_trailer_request(&T.pair, IMG, perm);
	if (err != 0) {
		if (!T.pw.dead) {
			snprintf(why, sizeof(why), "boot 2: %s", dfu_errno_name(err));
			return why;
		}
		sim_power_reboot(&T.pw);
		if (!decodes_none_or(want)) {
			return "after the second cut: not (none or the request)";
		}
	}
	sim_power_disarm(&T.pw);
	/* Final boot: the request is (already) there. */
	err = dfu_mcuboot_trailer_request(&T.pair, IMG, perm);
	if (err != 0) {
		snprintf(why, sizeof(why), "final request: %s", dfu_errno_name(err));
		return why;
	}
	if (tfix_decide(&T) != want) {
		return "final decision is not the request";
	}
	spec_expect_tail(exp_buf, region, 8, 0xff, IMG, perm);
	if (memcmp(tfix_end(&T, &T.pair.secondary) - region, exp_buf, region) != 0) {
		return "final trailer bytes differ from the spec's";
	}
	if (T.fl.cnt.violations.total != 0) {
		snprintf(why, sizeof(why), "flash rule violation: %s", T.fl.last_violation);
		return why;
	}
	if (T.fl.cnt.weak_programs != 0) {
		return "programmed into a weakly erased block";
	}
	return NULL;
}

static int sweep(const struct cut_cfg *c, bool perm)
{
	int bad = 0;
	uint32_t total;

	if (make_dirty(c) != 0 || dfu_mcuboot_trailer_request(&T.pair, IMG, perm) != 0) {
		printf("  %s: reference run failed\n", c->name);
		return 1;
	}
	total = T.pw.ops;
	for (uint32_t k = 1; k <= total; k++) {
		for (size_t m = 0; m < sizeof(torn_modes) / sizeof(torn_modes[0]); m++) {
			for (uint32_t second = 0; second <= total; second++) {
				const char *why = cut_run(c, perm, k, m, second);

				runs++;
				if (why != NULL && bad++ < 5) {
					printf("  %s %s: cut at op %u/%u torn %zu, second %u: %s\n",
					       c->name, perm ? "perm" : "test", (unsigned)k,
					       (unsigned)total, m, (unsigned)second, why);
				}
			}
		}
		cut_points++;
	}
	printf("  %s %s: %u operations x %zu torn variants x %u second cuts, %d bad\n", c->name,
	       perm ? "perm" : "test", (unsigned)total, sizeof(torn_modes) / sizeof(torn_modes[0]),
	       (unsigned)total + 1u, bad);
	return bad;
}

TEST(test_request_survives_a_cut_at_every_operation_on_nrf_nvmc)
{
	CHECK_EQ(sweep(&cfgs[0], false), 0);
}

TEST(permanent_request_survives_a_cut_at_every_operation_on_nrf_nvmc)
{
	CHECK_EQ(sweep(&cfgs[0], true), 0);
}

TEST(test_request_survives_a_cut_at_every_operation_on_nor)
{
	CHECK_EQ(sweep(&cfgs[1], false), 0);
}

TEST(permanent_request_survives_a_cut_at_every_operation_on_nor)
{
	CHECK_EQ(sweep(&cfgs[1], true), 0);
}

TEST(test_request_survives_a_cut_at_every_operation_on_ecc_write_once)
{
	CHECK_EQ(sweep(&cfgs[2], false), 0);
}

TEST(permanent_request_survives_a_cut_at_every_operation_on_ecc_write_once)
{
	CHECK_EQ(sweep(&cfgs[2], true), 0);
}

static void report(void)
{
	sim_flash_free(&T.fl);
	printf("power-cut points exercised: %lu (%lu runs incl. torn variants and second cuts)\n",
	       cut_points, runs);
}

TEST_MAIN(RUN(test_request_survives_a_cut_at_every_operation_on_nrf_nvmc);
	  RUN(permanent_request_survives_a_cut_at_every_operation_on_nrf_nvmc);
	  RUN(test_request_survives_a_cut_at_every_operation_on_nor);
	  RUN(permanent_request_survives_a_cut_at_every_operation_on_nor);
	  RUN(test_request_survives_a_cut_at_every_operation_on_ecc_write_once);
	  RUN(permanent_request_survives_a_cut_at_every_operation_on_ecc_write_once); report();)
