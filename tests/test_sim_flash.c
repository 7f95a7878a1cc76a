/*
 * Tests of the simulated port (ports/sim), part 1 of 3: flash geometry and
 * physics (NOR bit rules, program limits, ECC words), rejected accesses and
 * their violation counters, op/byte counters, timing and wear.
 * Fixture: sim_support.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "sim_support.h"

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
	  RUN(fill_erased_makes_device_factory_fresh);)
