/*
 * Power cuts at every flash and store operation of a download.
 *
 * For each configuration: a device holding a complete older image (and its
 * "complete" record) receives a new image. A reference run counts the
 * mutating operations T (program, erase, record write/remove). Then for
 * every k in 1..T and every torn variant (nothing written; one write block;
 * half; all but one — for an erase: partially erased, or reading erased but
 * not reliably erased) the power is cut during operation k. The device
 * reboots, the application resumes from offset_get() and the image must end
 * bit-exact with no flash-rule violation. After the reboot, bytes [0, D)
 * must already equal the image (D is durable). Each run also takes a second
 * cut, at a sampled operation of the resumed download.
 *
 * On the emulated Cortex-M33 the images are smaller (4 erase blocks instead
 * of 8) but the sweep is still exhaustive over every operation.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "support.h"

#if TEST_SCALE_DOWN
#define BLOCKS 4
#else
#define BLOCKS 8
#endif

struct cut_cfg {
	const char *name;
	const struct sim_geometry *geo;
	uint32_t n; /* image size */
	uint32_t chunk;
	uint32_t buf_len;
	uint16_t ckpt_blocks;
	uint8_t flags;
	bool blank_runs; /* image contains erase-value runs */
};

static struct dev dev;
static uint8_t img[BLOCKS * 4096 + 4096];
static uint8_t old_img[BLOCKS * 4096 + 4096];
static unsigned long cut_points, runs;

static const enum sim_torn torn_modes[] = {SIM_TORN_NOTHING, SIM_TORN_ONE, SIM_TORN_HALF,
					   SIM_TORN_ALL_BUT_ONE};

static void make_device(const struct cut_cfg *c)
{
	struct dev_opts o = {.geo = c->geo,
			     .flash_size = 64 * 4096,
			     .area_offset = c->geo->erase_block,
			     .buf_len = c->buf_len,
			     .ckpt_blocks = c->ckpt_blocks,
			     .flags = c->flags};
	dev_create(&dev, &o);
	/* An older, different image is already there, complete. */
	uint32_t old_n = c->n - 3 * c->geo->write_block;
	if (app_download(&dev, old_img, old_n, 4096, NULL) != 0) {
		abort();
	}
	dev_reboot(&dev);
	dev.power.ops = 0;
}

/* One boot of the application: resume and finish. Returns 0, or an error
 * when the power went off. *d gets the resume offset. */
static int boot_and_download(const struct cut_cfg *c, size_t *d)
{
	return app_download(&dev, img, c->n, c->chunk, d);
}

static uint32_t count_ops(const struct cut_cfg *c)
{
	make_device(c);
	if (boot_and_download(c, NULL) != 0) {
		abort();
	}
	uint32_t t = (uint32_t)dev.power.ops;
	dev_destroy(&dev);
	return t;
}

/* Returns a description of the failure, or NULL when the run was good. */
static const char *cut_run(const struct cut_cfg *c, uint32_t k, enum sim_torn t, uint32_t second)
{
	static char why[160];
	size_t d = 0;

	make_device(c);
	sim_power_arm(&dev.power, k, t, k * 31u + (uint32_t)t);
	if (boot_and_download(c, NULL) == 0 || !dev.power.dead) {
		snprintf(why, sizeof(why), "cut %u did not happen", (unsigned)k);
		return why;
	}
	/* Boot 2: resume; D must be durable. A second cut may hit. */
	dev_reboot(&dev);
	dev.power.ops = 0;
	if (second != 0) {
		sim_power_arm(&dev.power, second, torn_modes[(k + second) % 4], k + 7u);
	}
	int err = boot_and_download(c, &d);
	if (memcmp(dev_area(&dev), img, d) != 0) {
		snprintf(why, sizeof(why), "resume offset %zu not durable", d);
		return why;
	}
	if (err != 0) {
		if (!dev.power.dead) {
			snprintf(why, sizeof(why), "boot 2 failed: %s", dfu_errno_name(err));
			return why;
		}
		dev_reboot(&dev); /* boot 3: no cut */
		err = boot_and_download(c, &d);
		if (err != 0) {
			snprintf(why, sizeof(why), "boot 3 failed: %s", dfu_errno_name(err));
			return why;
		}
	}
	size_t off = 0;
	if (dfu_ctx_offset_get(&dev.ctx, &off) != 0 || off != c->n) {
		snprintf(why, sizeof(why), "final offset %zu", off);
		return why;
	}
	if (memcmp(dev_area(&dev), img, c->n) != 0) {
		snprintf(why, sizeof(why), "image mismatch");
		return why;
	}
	if (dev.flash.cnt.violations.total != 0) {
		snprintf(why, sizeof(why), "flash rule violation: %s", dev.flash.last_violation);
		return why;
	}
	return NULL;
}

static int sweep(const struct cut_cfg *c)
{
	fill_random(img, c->n, 0xC0FFEE);
	fill_random(old_img, c->n, 0xBAD);
	if (c->blank_runs) {
		memset(img + 100, c->geo->erase_value, 2 * c->geo->erase_block + 300);
	}
	uint32_t total = count_ops(c);
	int bad = 0;

	for (uint32_t k = 1; k <= total; k++) {
		for (size_t m = 0; m < sizeof(torn_modes) / sizeof(torn_modes[0]); m++) {
			uint32_t second = (k * 7u + (uint32_t)m * 13u) % (total + 8u);
			const char *why = cut_run(c, k, torn_modes[m], second);

			runs++;
			if (why != NULL) {
				if (bad++ < 5) {
					printf("  %s: cut at op %u/%u torn %d second %u: %s\n",
					       c->name, (unsigned)k, (unsigned)total, (int)m,
					       (unsigned)second, why);
				}
			}
			dev_destroy(&dev);
		}
		cut_points++;
	}
	printf("  %s: %u operations x %zu torn variants, %d bad\n", c->name, (unsigned)total,
	       sizeof(torn_modes) / sizeof(torn_modes[0]), bad);
	return bad;
}

#define N8(g) (BLOCKS * (g).erase_block - 333)

TEST(nrf_nvmc_geometry_survives_a_cut_at_every_operation)
{
	struct cut_cfg c = {"nrf52840", &sim_geo_nrf52840, N8(sim_geo_nrf52840), 1000, 512, 1, 0,
			    false};
	CHECK_EQ(sweep(&c), 0);
}

TEST(nor_geometry_survives_a_cut_at_every_operation)
{
	struct cut_cfg c = {"mx25r64", &sim_geo_mx25r64, N8(sim_geo_mx25r64), 333, 256, 1, 0,
			    false};
	CHECK_EQ(sweep(&c), 0);
}

TEST(ecc_write_once_geometry_survives_a_cut_at_every_operation)
{
	struct cut_cfg c = {"stm32l4", &sim_geo_stm32l4, N8(sim_geo_stm32l4), 777, 512, 1, 0,
			    false};
	CHECK_EQ(sweep(&c), 0);
}

TEST(large_chunks_with_readback_and_sparse_checkpoints_survive_every_cut)
{
	struct cut_cfg c = {"nrf52840/4097B/ckpt2/readback",
			    &sim_geo_nrf52840,
			    N8(sim_geo_nrf52840),
			    4097,
			    1024,
			    2,
			    DFU_STREAM_VERIFY_READBACK,
			    false};
	CHECK_EQ(sweep(&c), 0);
}

TEST(skipping_blank_write_blocks_survives_every_cut)
{
	struct cut_cfg c = {"stm32l4/skip-erased",
			    &sim_geo_stm32l4,
			    N8(sim_geo_stm32l4),
			    600,
			    256,
			    1,
			    DFU_STREAM_SKIP_ERASED,
			    true};
	CHECK_EQ(sweep(&c), 0);
}

/* Larger download: sampled cut points. */
TEST(large_image_survives_sampled_cuts)
{
#if TEST_SCALE_DOWN
	SKIP("256 KiB image: host only (the exhaustive sweeps above run here)");
#else
	static uint8_t big[256 * 1024];
	struct dev_opts o = {
		.geo = &sim_geo_nrf52840, .flash_size = 1024 * 1024, .area_offset = 4096};
	const uint32_t n = sizeof(big) - 1000;
	uint32_t seed = 12345;
	int bad = 0;

	fill_random(big, n, 77);
	dev_create(&dev, &o);
	CHECK_OK(app_download(&dev, big, n, 1024, NULL));
	uint32_t total = (uint32_t)dev.power.ops;
	dev_destroy(&dev);
	for (int i = 0; i < 48; i++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t k = 1 + (seed >> 8) % total;
		size_t d = 0;

		dev_create(&dev, &o);
		sim_power_arm(&dev.power, k, torn_modes[i % 4], seed);
		(void)app_download(&dev, big, n, 1024, NULL);
		dev_reboot(&dev);
		if (app_download(&dev, big, n, 1024, &d) != 0 ||
		    memcmp(dev_area(&dev), big, n) != 0 || dev.flash.cnt.violations.total != 0) {
			bad++;
			printf("  256K: cut at %u (resumed at %zu) failed\n", (unsigned)k, d);
		}
		runs++;
		cut_points++;
		dev_destroy(&dev);
	}
	CHECK_EQ(bad, 0);
#endif
}

static void report(void)
{
	printf("power-cut points exercised: %lu (%lu runs incl. torn variants)\n", cut_points,
	       runs);
}

TEST_MAIN(RUN(nrf_nvmc_geometry_survives_a_cut_at_every_operation);
	  RUN(nor_geometry_survives_a_cut_at_every_operation);
	  RUN(ecc_write_once_geometry_survives_a_cut_at_every_operation);
	  RUN(large_chunks_with_readback_and_sparse_checkpoints_survive_every_cut);
	  RUN(skipping_blank_write_blocks_survives_every_cut);
	  RUN(large_image_survives_sampled_cuts); report();)
