/*
 * MCUboot slot rules (issue 12 part 3, shared/spec/mcuboot-acceptance.md
 * §3.3, §4.3-4.6, case 22):
 *   - swap-offset: the secondary's sector 0 is cleared before the first
 *     byte of a new download, and schedule refuses while it holds a header
 *     magic (MCUboot: "wrong upload address?", slot erased);
 *   - schedule(-1) requests exactly the pairs whose download completed and
 *     verified through this library and was neither installed nor reset
 *     since, never a slot's leftover;
 *   - schedule(-1) does not ask again for an image whose request MCUboot
 *     consumed (a reverted test swap brings the same image back);
 *   - reset() cancels a request at its first flash operation;
 *   - power cuts at every flash/store operation of schedule and reset, for
 *     swap-offset and multi-image: after each cut no request or exactly the
 *     one asked for, never one for an unverified or other image (three
 *     geometries, four torn variants per cut).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "harness.h"
#include "mcuboot_fixture.h"
#include "support.h"
#include "vectors.h"

#define SECTOR 4096u /* the largest erase block of the geometries below */

static const struct sim_geometry *geo = &sim_geo_nrf52840;

static int offset_dev(struct mdev *d)
{
	struct mdev_opts o = {
		.geo = geo, .mode = DFU_MCUBOOT_SWAP_OFFSET, .slot0_size = 16 * geo->erase_block};

	return mdev_create(d, &o);
}

static int small_dev(struct mdev *d)
{
	struct mdev_opts o = {.geo = geo, .slot0_size = 8 * geo->erase_block};

	return mdev_create(d, &o);
}

static uint32_t eb(const struct mdev *d)
{
	return d->o.geo->erase_block;
}

static uint8_t *slot(struct mdev *d, int pair, int which)
{
	const struct dfu_mcuboot_slot *s =
		which == 0 ? &d->pairs[pair].primary : &d->pairs[pair].secondary;

	return d->flash.mem + s->offset;
}

static int swap_of(struct mdev *d, int pair)
{
	struct dfu_mcuboot_pair_state st;

	if (dfu_mcuboot_state(&d->mcuboot, pair, &st) != 0) {
		return -1;
	}
	return st.swap;
}

static bool erased(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != 0xff) {
			return false;
		}
	}
	return true;
}

/* What a completed swap-move leaves: the slots' contents exchanged (the old
 * primary image in the secondary), trailers cleared (as confirmed). */
static void swap_slots(struct mdev *d, int pair)
{
	static uint8_t tmp[16 * SECTOR];
	uint32_t n = d->pairs[pair].secondary.size;
	uint8_t *pri = slot(d, pair, 0);
	uint8_t *sec = slot(d, pair, 1);

	memcpy(tmp, sec, n);
	memcpy(sec, pri, n);
	memcpy(pri, tmp, n);
	memset(pri + n - eb(d), 0xff, eb(d));
	memset(sec + n - eb(d), 0xff, eb(d));
}

/* What a completed swap-offset leaves in the secondary: the old primary's
 * first sector (its header) in sector 0, the old primary's second sector
 * at the image start. */
static void offset_swapped(struct mdev *d)
{
	uint8_t *sec = slot(d, 0, 1);

	memcpy(sec, slot(d, 0, 0), 2 * eb(d));
	memset(sec + d->pairs[0].secondary.size - eb(d), 0xff, eb(d));
}

TEST(case22_offset_header_magic_in_sector0_refuses_schedule)
{
	const struct vec_image *v = vec_find("v06");
	struct mdev d;

	CHECK(offset_dev(&d) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 100), 0);
	/* valid image at sector 1, an old header at offset 0 */
	memcpy(slot(&d, 0, 1), slot(&d, 0, 0), 32);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), ENOTEMPTY);
	CHECK_ERR(dfu_mcuboot_schedule(&d.mcuboot, -1, false), ENOTEMPTY);
	CHECK_EQ(swap_of(&d, 0), DFU_MCUBOOT_SWAP_NONE);
	mdev_destroy(&d);
}

TEST(case22_state_reports_a_request_over_a_stale_sector0_as_not_installing)
{
	const struct vec_image *v = vec_find("v06");
	struct mdev d;
	struct dfu_mcuboot_pair_state st;

	CHECK(offset_dev(&d) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 100), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), 0);
	CHECK_ERR(dfu_mcuboot_state(&d.mcuboot, 0, &st), 0);
	CHECK_EQ(st.will_install, 1);
	memcpy(slot(&d, 0, 1), slot(&d, 0, 0), 32); /* an old header at offset 0 */
	CHECK_ERR(dfu_mcuboot_state(&d.mcuboot, 0, &st), 0);
	CHECK_EQ(st.swap, DFU_MCUBOOT_SWAP_TEST);
	CHECK_EQ(st.will_install, 0);
	mdev_destroy(&d);
}

TEST(offset_new_download_clears_sector0_before_its_first_byte)
{
	const struct vec_image *v = vec_find("v06");
	struct mdev d;

	CHECK(offset_dev(&d) == 0);
	memcpy(slot(&d, 0, 1), slot(&d, 0, 0), eb(&d)); /* left by a swap */
	struct dfu_init_params ip = {
		.img_type = DFU_TARGET_IMAGE_TYPE_MCUBOOT,
		.file_size = v->len,
		.first = v->data,
		.first_len = 64,
	};

	(void)dfu_ctx_img_type(&d.ctx, v->data, 64);
	CHECK_ERR(dfu_ctx_init_ex(&d.ctx, &ip), 0);
	CHECK(!erased(slot(&d, 0, 1), eb(&d)));
	CHECK_ERR(dfu_ctx_write(&d.ctx, v->data, 64), 0);
	CHECK(erased(slot(&d, 0, 1), eb(&d)));
	mdev_destroy(&d);
}

TEST(offset_upgrade_after_a_swap_downloads_and_schedules)
{
	const struct vec_image *v = vec_find("v06");
	struct mdev d;

	CHECK(offset_dev(&d) == 0);
	offset_swapped(&d);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 100), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), 0);
	CHECK_EQ(swap_of(&d, 0), DFU_MCUBOOT_SWAP_TEST);
	mdev_destroy(&d);
}

TEST(offset_schedule_all_after_the_swap_requests_nothing)
{
	const struct vec_image *v = vec_find("v06");
	struct mdev d;

	CHECK(offset_dev(&d) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 100), 0);
	offset_swapped(&d); /* installed */
	mdev_reboot(&d);
	d.mcuboot.cfg.kv = &d.kv.dev;
	CHECK_ERR(dfu_mcuboot_schedule(&d.mcuboot, -1, false), ENOENT);
	CHECK_EQ(swap_of(&d, 0), DFU_MCUBOOT_SWAP_NONE);
	mdev_destroy(&d);
}

TEST(issue12_schedule_all_never_requests_the_image_a_swap_left)
{
	const struct vec_image *a = vec_find("v06");
	const struct vec_image *b = vec_find("v09");
	struct mdev d;

	CHECK(small_dev(&d) == 0);
	CHECK_ERR(mdev_download(&d, 1, a->data, a->len, 100), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 1), 0);
	swap_slots(&d, 1); /* installed: pair 1's secondary holds the old image */
	mdev_reboot(&d);
	d.mcuboot.cfg.kv = &d.kv.dev;
	CHECK_ERR(mdev_download(&d, 0, b->data, b->len, 100), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, -1), 0);
	CHECK_EQ(swap_of(&d, 0), DFU_MCUBOOT_SWAP_TEST);
	CHECK_EQ(swap_of(&d, 1), DFU_MCUBOOT_SWAP_NONE);
	mdev_destroy(&d);
}

/* What MCUboot leaves after a test swap it reverted: the same image back in
 * the secondary, both trailers cleared. */
static void test_swap_reverted(struct mdev *d, int pair)
{
	uint32_t n = d->pairs[pair].secondary.size;

	memset(slot(d, pair, 1) + n - eb(d), 0xff, eb(d));
	memset(slot(d, pair, 0) + d->pairs[pair].primary.size - eb(d), 0xff, eb(d));
}

TEST(issue12_schedule_all_does_not_request_again_an_image_mcuboot_reverted)
{
	const struct vec_image *a = vec_find("v06");
	const struct vec_image *b = vec_find("v09");
	struct mdev d;

	CHECK(small_dev(&d) == 0);
	CHECK_ERR(mdev_download(&d, 1, a->data, a->len, 100), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 1), 0);
	test_swap_reverted(&d, 1);
	mdev_reboot(&d);
	d.mcuboot.cfg.kv = &d.kv.dev;
	CHECK_ERR(dfu_mcuboot_schedule(&d.mcuboot, -1, false), ENOENT);
	CHECK_ERR(mdev_download(&d, 2, b->data, b->len, 100), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, -1), 0);
	CHECK_EQ(swap_of(&d, 2), DFU_MCUBOOT_SWAP_TEST);
	CHECK_EQ(swap_of(&d, 1), DFU_MCUBOOT_SWAP_NONE);
	/* asked by number, it is requested again */
	CHECK_ERR(dfu_mcuboot_schedule(&d.mcuboot, 1, false), 0);
	CHECK_EQ(swap_of(&d, 1), DFU_MCUBOOT_SWAP_TEST);
	mdev_destroy(&d);
}

TEST(schedule_all_requests_again_a_pending_request_after_a_reboot)
{
	const struct vec_image *a = vec_find("v06");
	struct mdev d;

	CHECK(small_dev(&d) == 0);
	CHECK_ERR(mdev_download(&d, 1, a->data, a->len, 100), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, -1), 0);
	mdev_reboot(&d); /* MCUboot did not run yet: the request is there */
	d.mcuboot.cfg.kv = &d.kv.dev;
	CHECK_ERR(dfu_mcuboot_schedule(&d.mcuboot, -1, false), 0);
	CHECK_ERR(dfu_mcuboot_schedule(&d.mcuboot, -1, true), EALREADY);
	CHECK_EQ(swap_of(&d, 1), DFU_MCUBOOT_SWAP_TEST);
	mdev_destroy(&d);
}

TEST(verified_record_is_marked_requested_by_schedule_and_version_1_still_reads)
{
	const struct vec_image *a = vec_find("v06");
	struct mdev d;
	uint8_t r[48];

	CHECK(small_dev(&d) == 0);
	CHECK_ERR(mdev_download(&d, 1, a->data, a->len, 100), 0);
	CHECK_EQ(d.kv.dev.read(d.kv.dev.ctx, "mcuboot/v01", r, sizeof(r)), 48);
	CHECK_EQ(r[0], 1); /* version 1: verified */
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 1), 0);
	CHECK_EQ(d.kv.dev.read(d.kv.dev.ctx, "mcuboot/v01", r, sizeof(r)), 48);
	CHECK_EQ(r[0], 2); /* requested */
	mdev_destroy(&d);
}

TEST(schedule_all_never_requests_an_image_written_by_someone_else)
{
	const struct vec_image *a = vec_find("v06");
	const struct vec_image *b = vec_find("v09");
	struct mdev d;

	CHECK(small_dev(&d) == 0);
	memcpy(mdev_secondary(&d, 2), a->data, a->len); /* valid, not ours */
	CHECK_ERR(mdev_download(&d, 1, b->data, b->len, 100), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, -1), 0);
	CHECK_EQ(swap_of(&d, 1), DFU_MCUBOOT_SWAP_TEST);
	CHECK_EQ(swap_of(&d, 2), DFU_MCUBOOT_SWAP_NONE);
	mdev_destroy(&d);
}

TEST(schedule_all_skips_a_pair_reset_since_its_download)
{
	const struct vec_image *a = vec_find("v06");
	const struct vec_image *b = vec_find("v09");
	struct mdev d;

	CHECK(small_dev(&d) == 0);
	CHECK_ERR(mdev_download(&d, 1, a->data, a->len, 100), 0);
	CHECK_ERR(mdev_download(&d, 2, b->data, b->len, 100), 0);
	CHECK_ERR(dfu_ctx_reset(&d.ctx), 0); /* pair 2 */
	CHECK_ERR(dfu_mcuboot_schedule(&d.mcuboot, -1, false), 0);
	CHECK_EQ(swap_of(&d, 1), DFU_MCUBOOT_SWAP_TEST);
	CHECK_EQ(swap_of(&d, 2), DFU_MCUBOOT_SWAP_NONE);
	mdev_destroy(&d);
}

TEST(reset_cancels_the_request_at_its_first_flash_operation)
{
	const struct vec_image *v = vec_find("v06");
	struct mdev d;

	CHECK(small_dev(&d) == 0);
	CHECK_ERR(mdev_download(&d, 1, v->data, v->len, 100), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 1), 0);
	sim_power_arm(&d.power, 2, SIM_TORN_NOTHING, 1); /* cut after op 1 */
	CHECK(dfu_ctx_reset(&d.ctx) != 0);
	mdev_reboot(&d);
	CHECK_EQ(swap_of(&d, 1), DFU_MCUBOOT_SWAP_NONE);
	mdev_destroy(&d);
}

/* ---- power cuts during schedule and reset ------------------------------ */

struct sweep {
	const char *name;
	bool offset; /* pair 0 in offset mode, one image; else pairs 1 and 2 */
	bool reset;  /* cut reset (else schedule) */
};

static struct mdev dev;
static unsigned long runs, cut_points;
static const enum sim_torn torn_modes[] = {SIM_TORN_NOTHING, SIM_TORN_ONE, SIM_TORN_HALF,
					   SIM_TORN_ALL_BUT_ONE};

static const struct vec_image *img_of(int pair)
{
	return vec_find(pair == 2 ? "v09" : "v06");
}

/* Pairs asked for (bit mask) and, for reset, the pair reset. */
static uint32_t asked(const struct sweep *c)
{
	return c->offset ? 1u : 6u;
}

static int reset_pair(const struct sweep *c)
{
	return c->offset ? 0 : 2;
}

static void setup(const struct sweep *c)
{
	int err = c->offset ? offset_dev(&dev) : small_dev(&dev);

	if (err == 0 && c->offset) {
		offset_swapped(&dev); /* stale header in sector 0 */
		err = mdev_download(&dev, 0, img_of(0)->data, img_of(0)->len, 512);
	} else if (err == 0) {
		/* pair 0: a valid image this library did not write */
		memcpy(mdev_secondary(&dev, 0), img_of(0)->data, img_of(0)->len);
		err = mdev_download(&dev, 1, img_of(1)->data, img_of(1)->len, 512);
		if (err == 0) {
			err = mdev_download(&dev, 2, img_of(2)->data, img_of(2)->len, 512);
		}
	}
	if (err == 0 && c->reset) {
		err = dfu_ctx_schedule_update(&dev.ctx, c->offset ? 0 : -1);
	}
	if (err != 0) {
		abort();
	}
	if (!c->reset) {
		mdev_reboot(&dev);
		dev.mcuboot.cfg.kv = &dev.kv.dev;
	}
	dev.power.ops = 0;
}

static int op(const struct sweep *c)
{
	return c->reset ? dfu_ctx_reset(&dev.ctx)
			: dfu_mcuboot_schedule(&dev.mcuboot, c->offset ? 0 : -1, false);
}

static bool holds(int pair)
{
	const struct vec_image *v = img_of(pair);

	return memcmp(mdev_secondary(&dev, pair), v->data, v->len) == 0;
}

/* After a cut: every request is a test request for an asked, complete,
 * verified image; for reset, the reset pair's request survives only a cut
 * at the first operation that changed nothing. */
static const char *check_cut(const struct sweep *c, uint32_t k)
{
	static char why[200];

	for (int p = 0; p < 3; p++) {
		int s = swap_of(&dev, p);
		bool want = (asked(c) >> p) & 1u;

		if (s != DFU_MCUBOOT_SWAP_NONE && s != DFU_MCUBOOT_SWAP_TEST) {
			snprintf(why, sizeof(why), "pair %d: swap %d", p, s);
			return why;
		}
		if (s == DFU_MCUBOOT_SWAP_TEST && (!want || !holds(p))) {
			snprintf(why, sizeof(why), "pair %d: request for another image", p);
			return why;
		}
		if (c->reset && want && p != reset_pair(c) && s != DFU_MCUBOOT_SWAP_TEST) {
			snprintf(why, sizeof(why), "pair %d: request lost", p);
			return why;
		}
		if (c->reset && p == reset_pair(c) && s == DFU_MCUBOOT_SWAP_TEST && k > 1) {
			snprintf(why, sizeof(why), "pair %d: request survives op %u", p,
				 (unsigned)k);
			return why;
		}
	}
	return NULL;
}

/* Run the operation again to the end; then exactly the asked pairs (minus
 * the reset one) are requested. */
static const char *finish(const struct sweep *c)
{
	static char why[200];
	int err;

	if (c->reset) {
		int r = reset_pair(c);
		const struct vec_image *v = img_of(r);

		(void)dfu_ctx_img_type(&dev.ctx, v->data, 64);
		err = dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, r, v->len, NULL);
		if (err >= 0) {
			err = dfu_ctx_reset(&dev.ctx);
		}
	} else {
		err = op(c);
	}
	if (err < 0) {
		snprintf(why, sizeof(why), "rerun: %s", dfu_errno_name(err));
		return why;
	}
	for (int p = 0; p < 3; p++) {
		bool want = ((asked(c) >> p) & 1u) && !(c->reset && p == reset_pair(c));
		int s = swap_of(&dev, p);

		if (s != (want ? DFU_MCUBOOT_SWAP_TEST : DFU_MCUBOOT_SWAP_NONE)) {
			snprintf(why, sizeof(why), "end: pair %d swap %d", p, s);
			return why;
		}
	}
	if (dev.flash.cnt.violations.total != 0) {
		snprintf(why, sizeof(why), "flash rule violation: %s", dev.flash.last_violation);
		return why;
	}
	if (!c->reset) {
		/* MCUboot tests and reverts every request: schedule(-1) must
		 * not ask for any of them again (the requested mark survived
		 * the cut, or the rerun wrote it). */
		for (int p = 0; p < 3; p++) {
			if ((asked(c) >> p) & 1u) {
				test_swap_reverted(&dev, p);
			}
		}
		mdev_reboot(&dev);
		dev.mcuboot.cfg.kv = &dev.kv.dev;
		err = dfu_mcuboot_schedule(&dev.mcuboot, -1, false);
		if (err != -ENOENT) {
			snprintf(why, sizeof(why), "after revert: schedule(-1) %s",
				 dfu_errno_name(err));
			return why;
		}
	}
	return NULL;
}

static unsigned run_sweep_on(const struct sweep *c)
{
	unsigned bad = 0;

	setup(c);
	if (op(c) != 0) {
		abort();
	}
	uint32_t total = dev.power.ops;

	mdev_destroy(&dev);
	for (uint32_t k = 1; k <= total; k++) {
		cut_points++;
		for (size_t t = 0; t < 4; t++) {
			setup(c);
			sim_power_arm(&dev.power, k, torn_modes[t], k * 31u + (uint32_t)t);
			const char *why = op(c) == 0 || !dev.power.dead ? "no cut" : NULL;

			mdev_reboot(&dev);
			dev.mcuboot.cfg.kv = &dev.kv.dev;
			if (why == NULL) {
				why = check_cut(c, k);
			}
			if (why == NULL) {
				why = finish(c);
			}
			runs++;
			if (why != NULL && bad++ < 5) {
				printf("  %s %s: cut %u/%u torn %d: %s\n", geo->name, c->name,
				       (unsigned)k, (unsigned)total, (int)torn_modes[t], why);
			}
			mdev_destroy(&dev);
		}
	}
	return bad;
}

/* On three geometries: nRF52840 NVMC, MX25R NOR, STM32L4 write-once ECC. */
static unsigned run_sweep(const struct sweep *c)
{
	static const struct sim_geometry *const geos[] = {&sim_geo_nrf52840, &sim_geo_mx25r64,
							  &sim_geo_stm32l4};
	unsigned bad = 0;

	for (size_t i = 0; i < sizeof(geos) / sizeof(geos[0]); i++) {
		geo = geos[i];
		bad += run_sweep_on(c);
	}
	geo = &sim_geo_nrf52840;
	return bad;
}

TEST(power_cut_at_every_op_of_schedule_offset_mode)
{
	const struct sweep c = {"schedule offset", true, false};

	CHECK_EQ(run_sweep(&c), 0u);
}

TEST(power_cut_at_every_op_of_schedule_all_multi_image)
{
	const struct sweep c = {"schedule -1 multi", false, false};

	CHECK_EQ(run_sweep(&c), 0u);
}

TEST(power_cut_at_every_op_of_reset_offset_mode)
{
	const struct sweep c = {"reset offset", true, true};

	CHECK_EQ(run_sweep(&c), 0u);
}

TEST(power_cut_at_every_op_of_reset_multi_image)
{
	const struct sweep c = {"reset multi", false, true};

	CHECK_EQ(run_sweep(&c), 0u);
	printf("  %lu cut points, %lu runs\n", cut_points, runs);
}

TEST_MAIN(RUN(case22_offset_header_magic_in_sector0_refuses_schedule);
	  RUN(case22_state_reports_a_request_over_a_stale_sector0_as_not_installing);
	  RUN(offset_new_download_clears_sector0_before_its_first_byte);
	  RUN(offset_upgrade_after_a_swap_downloads_and_schedules);
	  RUN(offset_schedule_all_after_the_swap_requests_nothing);
	  RUN(issue12_schedule_all_never_requests_the_image_a_swap_left);
	  RUN(issue12_schedule_all_does_not_request_again_an_image_mcuboot_reverted);
	  RUN(schedule_all_requests_again_a_pending_request_after_a_reboot);
	  RUN(verified_record_is_marked_requested_by_schedule_and_version_1_still_reads);
	  RUN(schedule_all_never_requests_an_image_written_by_someone_else);
	  RUN(schedule_all_skips_a_pair_reset_since_its_download);
	  RUN(reset_cancels_the_request_at_its_first_flash_operation);
	  RUN(power_cut_at_every_op_of_schedule_offset_mode);
	  RUN(power_cut_at_every_op_of_schedule_all_multi_image);
	  RUN(power_cut_at_every_op_of_reset_offset_mode);
	  RUN(power_cut_at_every_op_of_reset_multi_image);)
