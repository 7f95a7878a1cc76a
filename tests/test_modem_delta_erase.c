/*
 * Modem delta target, the erase wait: an erase that ends without cleaning
 * the area is reported at once (not at the deadline).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define SIM_MODEM_TARGET_FIXTURE
#include "sim_modem_support.h"

/* ---- an erase that ends unclean ---- */

TEST(erase_ending_with_a_dirty_area_is_reported_at_once_as_enotempty)
{
	size_t off = 1;

	target_setup();
	md.nv.dirty = true;
	sim_modem_erase_ends(&md, SIM_MODEM_ERASE_DIRTY, 1);
	uint64_t t0 = clk.now_ms;

	CHECK_ERR(init(plen), ENOTEMPTY);
	CHECKF(clk.now_ms - t0 <= md.cfg.erase_ms + 1000, "waited %llu ms",
	       (unsigned long long)(clk.now_ms - t0));
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_DONE], 0);
	CHECK_OK(init(plen)); /* erases again */
	CHECK_EQ(md.cnt.erases_started, 2);
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_DONE], 1);
	CHECK_OK(resume_to_schedule(4096, &off));
	CHECK_EQ(off, 0);
	CHECK(applied());
}

TEST(erase_ending_with_a_partial_offset_is_reported_at_once_as_enotempty)
{
	size_t off = 1;

	target_setup();
	CHECK_OK(send(0, 9000, 4096)); /* a partial patch nobody recorded */
	CHECK_OK(m_done());
	sim_modem_erase_ends(&md, SIM_MODEM_ERASE_UNCHANGED, 1);
	uint64_t t0 = clk.now_ms;

	CHECK_ERR(init(plen), ENOTEMPTY);
	CHECK(clk.now_ms - t0 <= md.cfg.erase_ms + 1000);
	CHECK_OK(init(plen));
	CHECK_EQ(md.cnt.erases_started, 2);
	CHECK_OK(resume_to_schedule(4096, &off));
	CHECK_EQ(off, 0);
	CHECK(applied());
}

TEST_MAIN(RUN(erase_ending_with_a_dirty_area_is_reported_at_once_as_enotempty);
	  RUN(erase_ending_with_a_partial_offset_is_reported_at_once_as_enotempty);)
