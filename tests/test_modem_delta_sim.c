/*
 * The simulated modem's faults that the modem delta target's tests rely on:
 * an erase that ends without cleaning the area, and a write_done that fails
 * while the modem keeps its transfer open.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "sim_modem_support.h"

TEST(erase_can_end_with_the_area_dirty)
{
	CHECK_OK(setup());
	sim_modem_erase_ends(&md, SIM_MODEM_ERASE_DIRTY, 1);
	CHECK_OK(m_erase());
	size_t o = 0;

	CHECK_EQ(m_off(&o), DFU_MODEM_ERASE_PENDING);
	clk.now_ms += md.cfg.erase_ms;
	CHECK_OFFSET(DFU_MODEM_OFFSET_DIRTY);
	CHECK_EQ(md.cnt.erases_done, 1);
	CHECK_OK(m_erase()); /* the next one is clean again */
	clk.now_ms += md.cfg.erase_ms;
	CHECK_OFFSET(0);
}

TEST(erase_can_end_with_the_area_unchanged)
{
	CHECK_OK(setup());
	CHECK_OK(send(0, 10000, 2048));
	CHECK_OK(m_done());
	sim_modem_erase_ends(&md, SIM_MODEM_ERASE_UNCHANGED, 1);
	CHECK_OK(m_erase());
	clk.now_ms += md.cfg.erase_ms;
	CHECK_OFFSET(10000);
	CHECK(!sim_modem_erasing(&md));
	CHECK_MEM(md.nv.data, patch, 10000);
}

TEST(injected_write_done_error_keeps_the_transfer_open_at_its_append_position)
{
	CHECK_OK(setup());
	CHECK_OK(send(0, 166, 166));
	sim_modem_inject(&md, SIM_MODEM_OP_WRITE_DONE, -EIO, 1);
	CHECK_ERR(m_done(), EIO);
	CHECK(md.open);
	CHECK_EQ(md.written, 166);
	CHECK_OFFSET(0); /* committed: nothing before 452 */
	CHECK_ERR(m_init(), EALREADY);
	CHECK_OK(m_wr(patch + 166, 34)); /* appended at 166 */
	CHECK_OK(m_done());
	CHECK_OFFSET(200);
	CHECK_MEM(md.nv.data, patch, 200);
}

TEST_MAIN(RUN(erase_can_end_with_the_area_dirty); RUN(erase_can_end_with_the_area_unchanged);
	  RUN(injected_write_done_error_keeps_the_transfer_open_at_its_append_position);)
