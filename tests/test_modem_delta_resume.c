/*
 * Modem delta target: the resume point always follows what the modem did
 * (a failed write_done keeps the transfer open; an unexpected open transfer
 * is closed before anything is appended), and a modem offset past
 * file_size is refused.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define SIM_MODEM_TARGET_FIXTURE
#include "sim_modem_support.h"

/* ---- the transfer state follows the modem ---- */

TEST(failed_write_done_keeps_the_transfer_open_and_the_resume_follows_the_modem)
{
	size_t off = 0;

	target_setup();
	CHECK_OK(init(plen));
	CHECK_OK(dfu_ctx_write(&ctx, patch, 166));
	sim_modem_inject(&md, SIM_MODEM_OP_WRITE_DONE, -EIO, 1);
	CHECK_ERR(dfu_ctx_done(&ctx, false), EIO); /* the modem still appends at 166 */
	CHECK_OK(init(plen));
	CHECK_OK(resume_to_schedule(4096, &off));
	CHECK_EQ(off, 166);
	CHECK_MEM(md.nv.data, patch, plen);
	CHECK(applied());
}

TEST(failed_write_done_then_a_dropped_tail_resumes_from_the_committed_offset)
{
	size_t off = 1;

	target_setup();
	md.cfg.commit_on_done = false; /* the next write_done drops bytes 0..165 */
	CHECK_OK(init(plen));
	CHECK_OK(dfu_ctx_write(&ctx, patch, 166));
	sim_modem_inject(&md, SIM_MODEM_OP_WRITE_DONE, -EIO, 1);
	CHECK_ERR(dfu_ctx_done(&ctx, false), EIO);
	CHECK_OK(init(plen));
	CHECK_OK(resume_to_schedule(4096, &off));
	CHECK_EQ(off, 0);
	CHECK(applied());
}

TEST(write_init_finding_the_transfer_open_closes_it_and_reports_a_stale_offset)
{
	size_t off = 0;

	target_setup();
	CHECK_OK(init(plen));
	CHECK_OK(dfu_ctx_write(&ctx, patch, 166));
	app_boot(); /* the application lost its state; the modem kept running */
	CHECK_OK(init(plen));
	CHECK_OK(dfu_ctx_offset_get(&ctx, &off));
	CHECK_EQ(off, 0); /* what the modem committed; it appends at 166 */
	CHECK_ERR(dfu_ctx_write(&ctx, patch, 100), ESTALE);
	CHECK_EQ(md.cnt.bytes_written, 166); /* nothing appended */
	CHECK_OK(init(plen));
	CHECK_OK(resume_to_schedule(4096, &off));
	CHECK_EQ(off, 166);
	CHECK(applied());
}

/* ---- the modem holds more than the file ---- */

TEST(done_true_refuses_a_modem_offset_past_file_size_and_the_next_init_erases)
{
	static uint8_t other[sizeof(patch)];
	size_t olen = sim_modem_make_patch(other, sizeof(other), SIM_MODEM_UUID_A, SIM_MODEM_UUID_B,
					   pay, 22000);
	size_t off = 1;

	target_setup();
	CHECK(olen > plen);
	CHECK_OK(init(plen));
	/* Someone else fills the area with a larger patch. */
	CHECK_OK(md.dev.write_init(md.dev.ctx));
	CHECK_OK(md.dev.write(md.dev.ctx, other, olen));
	CHECK_OK(md.dev.write_done(md.dev.ctx));
	CHECK_ERR(dfu_ctx_done(&ctx, true), EOVERFLOW);
	CHECK_EQ(dfu_ctx_state(&ctx), DFU_STATE_FAILED);
	CHECK_ERR(dfu_ctx_schedule_update(&ctx, 0), EPERM);
	CHECK_EQ(md.nv.action, SIM_MODEM_ACTION_NONE);
	CHECK_OK(init(plen));
	CHECK_EQ(md.cnt.erases_started, 1);
	CHECK_OK(resume_to_schedule(4096, &off));
	CHECK_EQ(off, 0);
	CHECK(applied());
}

TEST_MAIN(RUN(failed_write_done_keeps_the_transfer_open_and_the_resume_follows_the_modem);
	  RUN(failed_write_done_then_a_dropped_tail_resumes_from_the_committed_offset);
	  RUN(write_init_finding_the_transfer_open_closes_it_and_reports_a_stale_offset);
	  RUN(done_true_refuses_a_modem_offset_past_file_size_and_the_next_init_erases);)
