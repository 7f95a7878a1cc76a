/*
 * Tests of the simulated port (ports/sim): flash physics, violations,
 * counters and timing, power cuts, key-value store, clock, file backing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#if defined(__unix__) || defined(__APPLE__)
#define _POSIX_C_SOURCE 200809L /* mkdtemp, rmdir, unlink */
#endif

#include "harness.h"

#include "sim_clock.h"
#include "sim_flash.h"
#include "sim_kv.h"
#include "sim_power.h"

#if !defined(TEST_TARGET_EMBEDDED) && !defined(SIM_NO_FILE)
#define HAVE_FILES 1
#include <unistd.h>
#endif

#define EB 4096u /* nRF / MX25R erase block */

static struct sim_power pw;
static struct sim_flash fl;
static struct sim_flash fl2;
static struct sim_kv kv;
static uint8_t buf[4 * EB];
static uint8_t rd[4 * EB];

static void free_all(void)
{
	sim_flash_free(&fl);
	sim_flash_free(&fl2);
}

/* Fresh power, fresh fl of geometry geo and size (0 = preset size). */
static int setup(const struct sim_geometry *geo, uint32_t size)
{
	static int registered;

	if (!registered) {
		(void)atexit(free_all);
		registered = 1;
	}
	free_all();
	sim_power_init(&pw);
	sim_kv_init(&kv, &pw);
	return sim_flash_init(&fl, geo, size, &pw);
}

static int prog(struct sim_flash *f, uint32_t off, const void *src, size_t len)
{
	return f->dev.program(f->dev.ctx, off, src, len);
}

static int erase(struct sim_flash *f, uint32_t off, size_t len)
{
	return f->dev.erase(f->dev.ctx, off, len);
}

static int rdf(struct sim_flash *f, uint32_t off, void *dst, size_t len)
{
	return f->dev.read(f->dev.ctx, off, dst, len);
}

static int all_equal(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != v) {
			return 0;
		}
	}
	return 1;
}

static void pattern(uint8_t *p, size_t n, uint8_t salt)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)(i * 7u + salt);
	}
}

/* ---- geometry and physics ---------------------------------------------- */

TEST(init_erases_device_and_exposes_geometry)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 0));
	CHECK_EQ(fl.dev.size, 1024u * 1024u);
	CHECK_EQ(fl.dev.write_block, 4);
	CHECK_EQ(fl.dev.erase_block, 4096);
	CHECK_EQ(fl.dev.erase_value, 0xff);
	CHECK(fl.dev.ctx == &fl);
	CHECK_OK(rdf(&fl, fl.dev.size - 16, rd, 16));
	CHECK(all_equal(rd, 16, 0xff));
}

TEST(init_rejects_size_not_multiple_of_erase_block)
{
	struct sim_flash f;

	CHECK_ERR(sim_flash_init(&f, &sim_geo_nrf52840, 5000, NULL), EINVAL);
	CHECK_ERR(sim_flash_init(&f, NULL, 0, NULL), EINVAL);
	sim_flash_free(&f);
}

TEST(nor_program_only_clears_bits)
{
	uint8_t b = 0x0f;

	CHECK_OK(setup(&sim_geo_mx25r64, 16 * EB));
	CHECK_OK(prog(&fl, 0, &b, 1));
	b = 0xf5;
	CHECK_OK(prog(&fl, 0, &b, 1));
	CHECK_OK(rdf(&fl, 0, rd, 1));
	CHECK_EQ(rd[0], 0x05);
	CHECK_EQ(fl.cnt.violations.nor_set_bit, 1);
}

TEST(erase_value_zero_device_programs_by_setting_bits)
{
	struct sim_geometry g = sim_geo_mx25r64;
	uint8_t b = 0x30;

	g.erase_value = 0x00;
	CHECK_OK(setup(&g, 16 * EB));
	CHECK_OK(rdf(&fl, 0, rd, 1));
	CHECK_EQ(rd[0], 0x00);
	CHECK_OK(prog(&fl, 0, &b, 1));
	b = 0x33;
	CHECK_OK(prog(&fl, 0, &b, 1));
	CHECK_OK(rdf(&fl, 0, rd, 1));
	CHECK_EQ(rd[0], 0x33);
	CHECK_EQ(fl.cnt.violations.nor_set_bit, 0);
	b = 0x0f; /* 0 bits 4..5 would return programmed bits to the erased state */
	CHECK_OK(prog(&fl, 0, &b, 1));
	CHECK_OK(rdf(&fl, 0, rd, 1));
	CHECK_EQ(rd[0], 0x3f);
	CHECK_EQ(fl.cnt.violations.nor_set_bit, 1);
}

TEST(first_program_of_erased_blocks_stores_data_without_violation)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	pattern(buf, EB, 1);
	CHECK_OK(prog(&fl, EB, buf, EB));
	CHECK_OK(rdf(&fl, EB, rd, EB));
	CHECK_MEM(rd, buf, EB);
	CHECK_EQ(fl.cnt.violations.total, 0);
	CHECK_EQ(fl.last_violation[0], '\0');
}

TEST(reprogram_is_counted_even_when_physics_allow_it)
{
	const uint8_t w[4] = {0x12, 0x34, 0x56, 0x78};

	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_OK(prog(&fl, 8, w, 4));
	CHECK_OK(prog(&fl, 8, w, 4));
	CHECK_OK(rdf(&fl, 8, rd, 4));
	CHECK_MEM(rd, w, 4);
	CHECK_EQ(fl.cnt.violations.reprogram, 1);
	CHECK_EQ(fl.cnt.violations.over_limit, 0);
	CHECK_EQ(fl.cnt.violations.total, 1);
	CHECK(strcmp(fl.last_violation, "reprogram @0x00000008") == 0);
}

TEST(nrf_third_program_of_word_exceeds_limit_and_corrupts_it)
{
	const uint8_t w[4] = {0xf0, 0xf0, 0xf0, 0xf0};

	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_OK(prog(&fl, 0, w, 4));
	CHECK_OK(prog(&fl, 0, w, 4));
	CHECK_EQ(fl.cnt.violations.over_limit, 0);
	CHECK_OK(prog(&fl, 0, w, 4));
	CHECK_EQ(fl.cnt.violations.over_limit, 1);
	CHECK_EQ(fl.cnt.violations.reprogram, 2);
	CHECK_OK(rdf(&fl, 0, rd, 4));
	CHECK(memcmp(rd, w, 4) != 0);
}

TEST(ecc_word_programmed_twice_becomes_garbage)
{
	uint8_t w[8];
	const uint8_t ff[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	CHECK_OK(setup(&sim_geo_stm32l4, 8 * 2048));
	pattern(w, 8, 3);
	CHECK_OK(prog(&fl, 16, w, 8));
	CHECK_OK(prog(&fl, 16, ff, 8));
	CHECK_EQ(fl.cnt.violations.ecc_rewrite, 1);
	CHECK_EQ(fl.cnt.violations.reprogram, 1);
	CHECK_EQ(fl.cnt.violations.over_limit, 0);
	CHECK_OK(rdf(&fl, 16, rd, 8));
	CHECK(memcmp(rd, w, 8) != 0);
	CHECK(memcmp(rd, ff, 8) != 0);
	CHECK_OK(rdf(&fl, 8, rd, 8));
	CHECK(all_equal(rd, 8, 0xff));
}

TEST(misaligned_program_is_rejected_and_changes_nothing)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	memset(buf, 0, 8);
	CHECK_ERR(prog(&fl, 2, buf, 4), EINVAL);
	CHECK_ERR(prog(&fl, 0, buf, 6), EINVAL);
	CHECK_EQ(fl.cnt.violations.misaligned, 2);
	CHECK_EQ(fl.cnt.programs, 0);
	CHECK_EQ(pw.ops, 0);
	CHECK_OK(rdf(&fl, 0, rd, 8));
	CHECK(all_equal(rd, 8, 0xff));
}

TEST(misaligned_erase_is_rejected)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_ERR(erase(&fl, 100, EB), EINVAL);
	CHECK_ERR(erase(&fl, 0, 100), EINVAL);
	CHECK_EQ(fl.cnt.violations.misaligned, 2);
	CHECK_EQ(fl.cnt.erases, 0);
	CHECK_EQ(sim_flash_wear_max(&fl), 0);
}

TEST(out_of_bounds_access_is_rejected)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_ERR(rdf(&fl, 4 * EB - 2, rd, 4), EINVAL);
	CHECK_ERR(prog(&fl, 4 * EB, buf, 4), EINVAL);
	CHECK_ERR(erase(&fl, 4 * EB, EB), EINVAL);
	CHECK_ERR(prog(&fl, 0xfffffffcu, buf, 8), EINVAL);
	CHECK_EQ(fl.cnt.violations.out_of_bounds, 4);
	CHECK_EQ(fl.cnt.violations.total, 4);
}

TEST(zero_length_program_and_erase_are_rejected)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_ERR(prog(&fl, 0, buf, 0), EINVAL);
	CHECK_ERR(erase(&fl, 0, 0), EINVAL);
	CHECK_EQ(fl.cnt.violations.zero_length, 2);
	CHECK_OK(rdf(&fl, 0, rd, 0));
}

TEST(null_buffer_is_rejected)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_ERR(prog(&fl, 0, NULL, 4), EINVAL);
	CHECK_ERR(rdf(&fl, 0, NULL, 4), EINVAL);
	CHECK_EQ(fl.cnt.violations.null_buffer, 2);
}

/* ---- counters and timing ------------------------------------------------ */

TEST(page_erase_and_program_cost_typical_time_on_nrf52840)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	pattern(buf, EB, 0);
	CHECK_OK(erase(&fl, 0, EB));
	CHECK_OK(prog(&fl, 0, buf, EB));
	CHECK_OK(rdf(&fl, 0, rd, EB));
	CHECK_EQ(fl.cnt.time_us, 85000 + 1024 * 41);
	CHECK_EQ(fl.cnt.erases, 1);
	CHECK_EQ(fl.cnt.programs, 1);
	CHECK_EQ(fl.cnt.reads, 1);
	CHECK_EQ(fl.cnt.bytes_erased, EB);
	CHECK_EQ(fl.cnt.bytes_programmed, EB);
	CHECK_EQ(fl.cnt.bytes_read, EB);
	CHECK_EQ(pw.ops, 2);
}

TEST(nor_program_costs_one_page_time_per_page_touched)
{
	CHECK_OK(setup(&sim_geo_mx25r64, 16 * EB));
	memset(buf, 0, 256);
	CHECK_OK(prog(&fl, 0, buf, 256));
	CHECK_EQ(fl.cnt.time_us, 896);
	CHECK_OK(prog(&fl, 256 + 255, buf, 2)); /* spans pages 1 and 2 */
	CHECK_EQ(fl.cnt.time_us, 3 * 896);
	CHECK_OK(prog(&fl, 1024, buf, 1));
	CHECK_EQ(fl.cnt.time_us, 4 * 896);
}

TEST(max_timing_charges_worst_case)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	sim_flash_set_timing(&fl, SIM_TIMING_MAX, 0);
	CHECK_OK(erase(&fl, 0, 2 * EB));
	CHECK_EQ(fl.cnt.time_us, 2 * 89700);
	CHECK_OK(setup(&sim_geo_mx25r64, 16 * EB));
	sim_flash_set_timing(&fl, SIM_TIMING_MAX, 0);
	CHECK_OK(prog(&fl, 0, buf, 256));
	CHECK_EQ(fl.cnt.time_us, 5376);
}

TEST(random_timing_is_within_bounds_and_reproducible)
{
	uint64_t t1;

	CHECK_OK(setup(&sim_geo_mx25r64, 16 * EB));
	sim_flash_set_timing(&fl, SIM_TIMING_RANDOM, 42);
	CHECK_OK(erase(&fl, 0, 16 * EB));
	t1 = fl.cnt.time_us;
	CHECK(t1 > 16ull * 48000 && t1 < 16ull * 240000);
	CHECK_OK(setup(&sim_geo_mx25r64, 16 * EB));
	sim_flash_set_timing(&fl, SIM_TIMING_RANDOM, 42);
	CHECK_OK(erase(&fl, 0, 16 * EB));
	CHECK_EQ(fl.cnt.time_us, t1);
	CHECK_OK(setup(&sim_geo_mx25r64, 16 * EB));
	sim_flash_set_timing(&fl, SIM_TIMING_RANDOM, 43);
	CHECK_OK(erase(&fl, 0, 16 * EB));
	CHECK(fl.cnt.time_us != t1);
}

TEST(erase_counts_track_wear_per_block)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	for (int i = 0; i < 3; i++) {
		CHECK_OK(erase(&fl, EB, EB));
	}
	CHECK_OK(erase(&fl, EB, 2 * EB));
	CHECK_EQ(fl.cnt.erase_count[0], 0);
	CHECK_EQ(fl.cnt.erase_count[1], 4);
	CHECK_EQ(fl.cnt.erase_count[2], 1);
	CHECK_EQ(sim_flash_wear_max(&fl), 4);
}

TEST(reset_counters_clears_counts_time_wear_and_violation_text)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_OK(erase(&fl, 0, EB));
	CHECK_OK(prog(&fl, 0, buf, 4));
	CHECK_OK(prog(&fl, 0, buf, 4));
	CHECK_OK(rdf(&fl, 0, rd, 4));
	sim_flash_reset_counters(&fl);
	CHECK_EQ(fl.cnt.reads + fl.cnt.programs + fl.cnt.erases, 0);
	CHECK_EQ(fl.cnt.bytes_read + fl.cnt.bytes_programmed + fl.cnt.bytes_erased, 0);
	CHECK_EQ(fl.cnt.time_us, 0);
	CHECK_EQ(fl.cnt.violations.total, 0);
	CHECK_EQ(sim_flash_wear_max(&fl), 0);
	CHECK_EQ(fl.last_violation[0], '\0');
}

TEST(fill_erased_makes_device_factory_fresh)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	memset(buf, 0, 16);
	CHECK_OK(prog(&fl, 0, buf, 16));
	CHECK_OK(sim_flash_fill_erased(&fl));
	CHECK_OK(rdf(&fl, 0, rd, 16));
	CHECK(all_equal(rd, 16, 0xff));
	CHECK_OK(prog(&fl, 0, buf, 16));
	CHECK_EQ(fl.cnt.violations.total, 0);
}

/* ---- power cuts: program ------------------------------------------------ */

/* Program 8 zero words with a cut in mode t; expect `done` complete words. */
static void torn_program_case(enum sim_torn t, uint32_t done)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	memset(buf, 0, 32);
	sim_power_arm(&pw, 1, t, 7);
	CHECK_ERR(prog(&fl, 0, buf, 32), EIO);
	CHECK(pw.dead);
	CHECK_EQ(pw.ops, 1);
	CHECK_EQ(pw.cuts, 1);
	CHECK_EQ(fl.cnt.programs, 0);
	sim_power_reboot(&pw);
	CHECK_OK(rdf(&fl, 0, rd, 32));
	CHECK(all_equal(rd, 4 * done, 0x00));
	CHECK(!all_equal(rd + 4 * done, 4, 0x00)); /* torn word: undefined bits */
	CHECK(!all_equal(rd + 4 * done, 4, 0xff));
	CHECK(all_equal(rd + 4 * (done + 1), 4 * (7 - done), 0xff));
}

TEST(torn_nothing_program_has_no_effect)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	memset(buf, 0, 32);
	sim_power_arm(&pw, 1, SIM_TORN_NOTHING, 7);
	CHECK_ERR(prog(&fl, 0, buf, 32), EIO);
	CHECK(pw.dead);
	sim_power_reboot(&pw);
	CHECK_OK(rdf(&fl, 0, rd, 32));
	CHECK(all_equal(rd, 32, 0xff));
	CHECK_OK(prog(&fl, 0, buf, 32));
	CHECK_EQ(fl.cnt.violations.total, 0);
}

TEST(torn_one_program_completes_first_write_block)
{
	torn_program_case(SIM_TORN_ONE, 1);
}

TEST(torn_half_program_completes_half_the_write_blocks)
{
	torn_program_case(SIM_TORN_HALF, 4);
}

TEST(torn_all_but_one_program_tears_last_write_block)
{
	torn_program_case(SIM_TORN_ALL_BUT_ONE, 7);
}

TEST(torn_program_of_single_write_block_tears_it)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	memset(buf, 0, 4);
	sim_power_arm(&pw, 1, SIM_TORN_ALL_BUT_ONE, 7);
	CHECK_ERR(prog(&fl, 0, buf, 4), EIO);
	sim_power_reboot(&pw);
	CHECK_OK(rdf(&fl, 0, rd, 4));
	CHECK(!all_equal(rd, 4, 0x00));
	CHECK(!all_equal(rd, 4, 0xff));
}

/* ---- power cuts: erase -------------------------------------------------- */

/* Fill 4 blocks with 0x00, erase all 4 with a cut in mode t. */
static int torn_erase_setup(enum sim_torn t)
{
	int err = setup(&sim_geo_nrf52840, 4 * EB);

	if (err == 0) {
		memset(buf, 0, 4 * EB);
		err = prog(&fl, 0, buf, 4 * EB);
	}
	if (err == 0) {
		sim_power_arm(&pw, 1, t, 11);
		err = erase(&fl, 0, 4 * EB);
		sim_power_reboot(&pw);
	}
	if (err == 0) {
		return -EPROTO; /* the erase should have been cut */
	}
	return err == -EIO ? rdf(&fl, 0, rd, 4 * EB) : err;
}

/* Blocks before `torn` erased and sound, block `torn` weak, the rest intact. */
static void check_torn_erase(uint32_t torn)
{
	for (uint32_t b = 0; b < torn; b++) {
		CHECKF(all_equal(rd + b * EB, EB, 0xff), "block %u not erased", (unsigned)b);
		CHECK(!sim_flash_is_weak(&fl, b * EB));
	}
	CHECK(sim_flash_is_weak(&fl, torn * EB));
	for (uint32_t b = torn + 1; b < 4; b++) {
		CHECKF(all_equal(rd + b * EB, EB, 0x00), "block %u touched", (unsigned)b);
		CHECK(!sim_flash_is_weak(&fl, b * EB));
	}
	CHECK_EQ(fl.cnt.erases, 0);
}

TEST(torn_nothing_erase_has_no_effect)
{
	CHECK_OK(torn_erase_setup(SIM_TORN_NOTHING));
	CHECK(all_equal(rd, 4 * EB, 0x00));
	CHECK(!sim_flash_is_weak(&fl, 0));
	CHECK_EQ(sim_flash_wear_max(&fl), 0);
}

TEST(torn_one_erase_partially_erases_second_block)
{
	CHECK_OK(torn_erase_setup(SIM_TORN_ONE));
	check_torn_erase(1);
	CHECK(!all_equal(rd + EB, EB, 0xff));
	CHECK(!all_equal(rd + EB, EB, 0x00));
}

TEST(torn_half_erase_leaves_block_reading_erased_but_weak)
{
	CHECK_OK(torn_erase_setup(SIM_TORN_HALF));
	check_torn_erase(2);
	CHECK(all_equal(rd + 2 * EB, EB, 0xff));
	CHECK_EQ(fl.cnt.erase_count[2], 1);
	CHECK_EQ(fl.cnt.erase_count[3], 0);
}

TEST(torn_all_but_one_erase_partially_erases_last_block)
{
	CHECK_OK(torn_erase_setup(SIM_TORN_ALL_BUT_ONE));
	check_torn_erase(3);
	CHECK(!all_equal(rd + 3 * EB, EB, 0xff));
	CHECK(!all_equal(rd + 3 * EB, EB, 0x00));
}

TEST(weak_block_corrupts_later_program)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	sim_power_arm(&pw, 1, SIM_TORN_HALF, 5);
	CHECK_ERR(erase(&fl, 0, EB), EIO);
	sim_power_reboot(&pw);
	CHECK(sim_flash_is_weak(&fl, 0));
	pattern(buf, EB, 9);
	CHECK_OK(prog(&fl, 0, buf, EB));
	CHECK_OK(rdf(&fl, 0, rd, EB));
	CHECK(memcmp(rd, buf, EB) != 0);
	CHECK_EQ(fl.cnt.weak_programs, EB / 4);
	CHECK_EQ(fl.cnt.violations.total, 0); /* the block read as erased */
}

TEST(complete_erase_clears_weak_block)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	sim_power_arm(&pw, 1, SIM_TORN_ONE, 5);
	CHECK_ERR(erase(&fl, 0, EB), EIO);
	sim_power_reboot(&pw);
	CHECK(sim_flash_is_weak(&fl, 0));
	CHECK_OK(erase(&fl, 0, EB));
	CHECK(!sim_flash_is_weak(&fl, 0));
	pattern(buf, EB, 9);
	CHECK_OK(prog(&fl, 0, buf, EB));
	CHECK_OK(rdf(&fl, 0, rd, EB));
	CHECK_MEM(rd, buf, EB);
	CHECK_EQ(fl.cnt.weak_programs, 0);
}

/* ---- power: dead state and op counting ---------------------------------- */

TEST(dead_power_fails_every_operation_until_reboot)
{
	const uint8_t rec[3] = {1, 2, 3};

	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	memset(buf, 0, 8);
	CHECK_OK(prog(&fl, 0, buf, 4));
	CHECK_OK(kv.dev.write(kv.dev.ctx, "k", rec, 3));
	sim_power_arm(&pw, 1, SIM_TORN_NOTHING, 1);
	CHECK_ERR(erase(&fl, EB, EB), EIO);
	CHECK_ERR(rdf(&fl, 0, rd, 4), EIO);
	CHECK_ERR(prog(&fl, 4, buf, 4), EIO);
	CHECK_ERR(erase(&fl, 0, EB), EIO);
	CHECK_ERR(kv.dev.read(kv.dev.ctx, "k", rd, 3), EIO);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "k", rec, 1), EIO);
	CHECK_ERR(kv.dev.remove(kv.dev.ctx, "k"), EIO);
	CHECK_EQ(pw.ops, 1);
	sim_power_reboot(&pw);
	CHECK(!pw.dead);
	CHECK_EQ(pw.cut_at, 0);
	CHECK_OK(rdf(&fl, 0, rd, 8));
	CHECK(all_equal(rd, 4, 0x00) && all_equal(rd + 4, 4, 0xff));
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "k", rd, 3), 3);
	CHECK_MEM(rd, rec, 3);
	CHECK_OK(prog(&fl, 4, buf, 4));
}

TEST(cut_counts_mutating_ops_of_all_devices_from_arming)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_OK(sim_flash_init(&fl2, &sim_geo_mx25r64, 16 * EB, &pw));
	CHECK_OK(erase(&fl, 0, EB)); /* before arming: not counted toward cut_at */
	sim_power_arm(&pw, 3, SIM_TORN_ONE, 1);
	CHECK_OK(prog(&fl, 0, buf, 4));
	CHECK_OK(rdf(&fl, 0, rd, 4));
	CHECK_OK(rdf(&fl2, 0, rd, 4));
	CHECK_ERR(kv.dev.read(kv.dev.ctx, "x", rd, 4), ENOENT);
	CHECK_OK(kv.dev.write(kv.dev.ctx, "x", buf, 4));
	CHECK_EQ(pw.ops, 2);
	CHECK_ERR(erase(&fl2, 0, EB), EIO);
	CHECK(pw.dead);
	CHECK_EQ(pw.ops, 3);
}

/* ---- key-value store ---------------------------------------------------- */

TEST(kv_write_is_atomic_across_cut)
{
	const uint8_t a[5] = {'o', 'l', 'd', '!', '!'};
	const uint8_t b[7] = {'n', 'e', 'w', 'e', 'r', '!', '!'};

	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_OK(kv.dev.write(kv.dev.ctx, "prog", a, sizeof(a)));
	sim_power_arm(&pw, 1, SIM_TORN_NOTHING, 1);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "prog", b, sizeof(b)), EIO);
	sim_power_reboot(&pw);
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "prog", rd, sizeof(rd)), sizeof(a));
	CHECK_MEM(rd, a, sizeof(a));
	sim_power_arm(&pw, 1, SIM_TORN_HALF, 1);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "prog", b, sizeof(b)), EIO);
	sim_power_reboot(&pw);
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "prog", rd, sizeof(rd)), sizeof(b));
	CHECK_MEM(rd, b, sizeof(b));
	CHECK_EQ(kv.cnt.writes, 1);
}

TEST(kv_remove_is_atomic_across_cut)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_OK(kv.dev.write(kv.dev.ctx, "k", buf, 4));
	sim_power_arm(&pw, 1, SIM_TORN_NOTHING, 1);
	CHECK_ERR(kv.dev.remove(kv.dev.ctx, "k"), EIO);
	sim_power_reboot(&pw);
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "k", rd, 4), 4);
	sim_power_arm(&pw, 1, SIM_TORN_ALL_BUT_ONE, 1);
	CHECK_ERR(kv.dev.remove(kv.dev.ctx, "k"), EIO);
	sim_power_reboot(&pw);
	CHECK_ERR(kv.dev.read(kv.dev.ctx, "k", rd, 4), ENOENT);
}

TEST(kv_read_returns_full_length_and_copies_at_most_len)
{
	uint8_t d[6] = {0};

	sim_kv_init(&kv, NULL);
	pattern(buf, 10, 1);
	CHECK_OK(kv.dev.write(kv.dev.ctx, "rec", buf, 10));
	memset(d, 0xaa, sizeof(d));
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "rec", d, 4), 10);
	CHECK_MEM(d, buf, 4);
	CHECK_EQ(d[4], 0xaa);
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "rec", NULL, 0), 10);
}

TEST(kv_missing_key_reads_enoent_and_removes_ok)
{
	sim_kv_init(&kv, NULL);
	CHECK_ERR(kv.dev.read(kv.dev.ctx, "none", rd, 4), ENOENT);
	CHECK_OK(kv.dev.remove(kv.dev.ctx, "none"));
	CHECK_EQ(kv.cnt.reads, 1);
	CHECK_EQ(kv.cnt.removes, 1);
}

TEST(kv_rejects_bad_key_and_oversized_record)
{
	sim_kv_init(&kv, NULL);
	CHECK_OK(kv.dev.write(kv.dev.ctx, "fifteen_chars_x", buf, DFU_KV_MAX_RECORD));
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "sixteen_chars_xx", buf, 1), EINVAL);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "", buf, 1), EINVAL);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "a b", buf, 1), EINVAL);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, NULL, buf, 1), EINVAL);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "k", buf, DFU_KV_MAX_RECORD + 1), EINVAL);
	CHECK_ERR(kv.dev.read(kv.dev.ctx, "sixteen_chars_xx", rd, 1), EINVAL);
	CHECK_EQ(sim_kv_count(&kv), 1);
}

TEST(kv_full_store_returns_enospc_for_new_key)
{
	char key[8];

	sim_kv_init(&kv, NULL);
	for (int i = 0; i < SIM_KV_CAPACITY; i++) {
		(void)snprintf(key, sizeof(key), "k%d", i);
		CHECK_OK(kv.dev.write(kv.dev.ctx, key, buf, 2));
	}
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "extra", buf, 2), ENOSPC);
	CHECK_OK(kv.dev.write(kv.dev.ctx, "k3", buf, 0));
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "k3", rd, 4), 0);
	CHECK_EQ(sim_kv_count(&kv), SIM_KV_CAPACITY);
}

/* ---- clock -------------------------------------------------------------- */

TEST(clock_sleep_advances_virtual_time)
{
	struct sim_clock c;

	sim_clock_init(&c);
	CHECK_EQ(c.dev.now_ms(c.dev.ctx), 0);
	c.dev.sleep_ms(c.dev.ctx, 1500);
	sim_clock_advance(&c, 5);
	CHECK_EQ(c.dev.now_ms(c.dev.ctx), 1505);
	CHECK_EQ(c.sleeps, 1);
	CHECK_EQ(c.slept_ms, 1500);
	sim_clock_advance(&c, UINT32_MAX);
	CHECK_EQ(c.dev.now_ms(c.dev.ctx), 1504); /* wraps at 2^32 */
}

/* ---- file backing (host only) ------------------------------------------- */

#ifdef HAVE_FILES
static char tmp_dir[64];
static char tmp_path[96];

static int make_tmp(const char *name)
{
	const char *base = getenv("TMPDIR");

	(void)snprintf(tmp_dir, sizeof(tmp_dir), "%s/test_sim_XXXXXX",
		       base != NULL && strlen(base) < 40 ? base : "/tmp");
	if (mkdtemp(tmp_dir) == NULL) {
		return -1;
	}
	(void)snprintf(tmp_path, sizeof(tmp_path), "%s/%s", tmp_dir, name);
	return 0;
}

static void remove_tmp(void)
{
	(void)unlink(tmp_path);
	(void)rmdir(tmp_dir);
}

static void flash_file_case(void)
{
	FILE *fp;
	size_t n;

	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_OK(sim_flash_attach_file(&fl, tmp_path));
	fp = fopen(tmp_path, "rb");
	CHECK(fp != NULL);
	n = fread(rd, 1, sizeof(rd), fp);
	(void)fclose(fp);
	CHECK_EQ(n, 4 * EB);
	CHECK(all_equal(rd, 4 * EB, 0xff));

	pattern(buf, 2 * EB, 5);
	CHECK_OK(prog(&fl, 0, buf, 2 * EB));
	CHECK_OK(erase(&fl, EB, EB));
	CHECK_OK(sim_flash_detach_file(&fl));
	CHECK_OK(sim_flash_init(&fl2, &sim_geo_nrf52840, 4 * EB, NULL));
	CHECK_OK(sim_flash_attach_file(&fl2, tmp_path));
	CHECK_OK(rdf(&fl2, 0, rd, 4 * EB));
	CHECK_MEM(rd, buf, EB);
	CHECK(all_equal(rd + EB, 3 * EB, 0xff));
	CHECK_OK(prog(&fl2, 8, buf, 4)); /* loaded non-erased word counts as programmed */
	CHECK_EQ(fl2.cnt.violations.reprogram, 1);
	CHECK_OK(prog(&fl2, EB, buf, 4));
	CHECK_EQ(fl2.cnt.violations.reprogram, 1);
	CHECK_OK(sim_flash_detach_file(&fl2));
}
#endif

TEST(flash_file_backing_round_trip)
{
#ifdef HAVE_FILES
	CHECK(make_tmp("flash.bin") == 0);
	flash_file_case();
	remove_tmp();
#else
	SKIP("no files on this target");
#endif
}

TEST(flash_file_of_wrong_size_is_rejected)
{
#ifdef HAVE_FILES
	FILE *fp;
	int err;

	CHECK(make_tmp("small.bin") == 0);
	fp = fopen(tmp_path, "wb");
	CHECK(fp != NULL);
	(void)fwrite(buf, 1, 100, fp);
	(void)fclose(fp);
	err = setup(&sim_geo_nrf52840, 4 * EB);
	if (err == 0) {
		err = sim_flash_attach_file(&fl, tmp_path);
	}
	remove_tmp();
	CHECK_ERR(err, EINVAL);
#else
	SKIP("no files on this target");
#endif
}

TEST(kv_file_round_trip)
{
#ifdef HAVE_FILES
	struct sim_kv k2;
	int err;
	int len_a;
	int len_e;

	CHECK(make_tmp("kv.txt") == 0);
	sim_kv_init(&kv, NULL);
	pattern(buf, DFU_KV_MAX_RECORD, 2);
	err = kv.dev.write(kv.dev.ctx, "a", buf, DFU_KV_MAX_RECORD);
	if (err == 0) {
		err = kv.dev.write(kv.dev.ctx, "empty", buf, 0);
	}
	if (err == 0) {
		err = sim_kv_save(&kv, tmp_path);
	}
	sim_kv_init(&k2, NULL);
	if (err == 0) {
		err = sim_kv_load(&k2, tmp_path);
	}
	remove_tmp();
	CHECK_OK(err);
	CHECK_EQ(sim_kv_count(&k2), 2);
	len_a = k2.dev.read(k2.dev.ctx, "a", rd, sizeof(rd));
	CHECK_EQ(len_a, DFU_KV_MAX_RECORD);
	CHECK_MEM(rd, buf, DFU_KV_MAX_RECORD);
	len_e = k2.dev.read(k2.dev.ctx, "empty", rd, sizeof(rd));
	CHECK_EQ(len_e, 0);
	CHECK_ERR(sim_kv_load(&k2, tmp_path), ENOENT);
#else
	SKIP("no files on this target");
#endif
}

TEST(kv_malformed_file_is_rejected_and_store_kept)
{
#ifdef HAVE_FILES
	FILE *fp;
	int err;

	CHECK(make_tmp("bad.txt") == 0);
	fp = fopen(tmp_path, "w");
	CHECK(fp != NULL);
	(void)fputs("sim_kv 1\nkey 2 zz\n", fp);
	(void)fclose(fp);
	sim_kv_init(&kv, NULL);
	err = kv.dev.write(kv.dev.ctx, "keep", buf, 1);
	if (err == 0) {
		err = sim_kv_load(&kv, tmp_path);
	}
	remove_tmp();
	CHECK_ERR(err, EINVAL);
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "keep", rd, 1), 1);
#else
	SKIP("no files on this target");
#endif
}

TEST_MAIN(RUN(init_erases_device_and_exposes_geometry);
	  RUN(init_rejects_size_not_multiple_of_erase_block); RUN(nor_program_only_clears_bits);
	  RUN(erase_value_zero_device_programs_by_setting_bits);
	  RUN(first_program_of_erased_blocks_stores_data_without_violation);
	  RUN(reprogram_is_counted_even_when_physics_allow_it);
	  RUN(nrf_third_program_of_word_exceeds_limit_and_corrupts_it);
	  RUN(ecc_word_programmed_twice_becomes_garbage);
	  RUN(misaligned_program_is_rejected_and_changes_nothing);
	  RUN(misaligned_erase_is_rejected); RUN(out_of_bounds_access_is_rejected);
	  RUN(zero_length_program_and_erase_are_rejected); RUN(null_buffer_is_rejected);
	  RUN(page_erase_and_program_cost_typical_time_on_nrf52840);
	  RUN(nor_program_costs_one_page_time_per_page_touched); RUN(max_timing_charges_worst_case);
	  RUN(random_timing_is_within_bounds_and_reproducible);
	  RUN(erase_counts_track_wear_per_block);
	  RUN(reset_counters_clears_counts_time_wear_and_violation_text);
	  RUN(fill_erased_makes_device_factory_fresh); RUN(torn_nothing_program_has_no_effect);
	  RUN(torn_one_program_completes_first_write_block);
	  RUN(torn_half_program_completes_half_the_write_blocks);
	  RUN(torn_all_but_one_program_tears_last_write_block);
	  RUN(torn_program_of_single_write_block_tears_it); RUN(torn_nothing_erase_has_no_effect);
	  RUN(torn_one_erase_partially_erases_second_block);
	  RUN(torn_half_erase_leaves_block_reading_erased_but_weak);
	  RUN(torn_all_but_one_erase_partially_erases_last_block);
	  RUN(weak_block_corrupts_later_program); RUN(complete_erase_clears_weak_block);
	  RUN(dead_power_fails_every_operation_until_reboot);
	  RUN(cut_counts_mutating_ops_of_all_devices_from_arming);
	  RUN(kv_write_is_atomic_across_cut); RUN(kv_remove_is_atomic_across_cut);
	  RUN(kv_read_returns_full_length_and_copies_at_most_len);
	  RUN(kv_missing_key_reads_enoent_and_removes_ok);
	  RUN(kv_rejects_bad_key_and_oversized_record);
	  RUN(kv_full_store_returns_enospc_for_new_key); RUN(clock_sleep_advances_virtual_time);
	  RUN(flash_file_backing_round_trip); RUN(flash_file_of_wrong_size_is_rejected);
	  RUN(kv_file_round_trip); RUN(kv_malformed_file_is_rejected_and_store_kept))
