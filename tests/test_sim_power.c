/*
 * Tests of the simulated port (ports/sim), part 2 of 3: power cuts in each
 * torn mode during program and erase, weak blocks left by a cut erase, the
 * dead state until reboot and which ops count toward a cut.
 * Fixture: sim_support.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "sim_support.h"

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

TEST_MAIN(RUN(torn_nothing_program_has_no_effect);
	  RUN(torn_one_program_completes_first_write_block);
	  RUN(torn_half_program_completes_half_the_write_blocks);
	  RUN(torn_all_but_one_program_tears_last_write_block);
	  RUN(torn_program_of_single_write_block_tears_it); RUN(torn_nothing_erase_has_no_effect);
	  RUN(torn_one_erase_partially_erases_second_block);
	  RUN(torn_half_erase_leaves_block_reading_erased_but_weak);
	  RUN(torn_all_but_one_erase_partially_erases_last_block);
	  RUN(weak_block_corrupts_later_program); RUN(complete_erase_clears_weak_block);
	  RUN(dead_power_fails_every_operation_until_reboot);
	  RUN(cut_counts_mutating_ops_of_all_devices_from_arming);)
