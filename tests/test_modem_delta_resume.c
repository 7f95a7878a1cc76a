/*
 * Modem delta target: the resume point always follows what the modem did
 * (a failed write_done keeps the transfer open; an unexpected open transfer
 * is closed before anything is appended), a modem offset past file_size is
 * refused, and which errors discard the partial patch (format and identity
 * errors) and which never do (I/O and transient errors).
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

TEST(write_init_finding_the_transfer_open_at_the_resume_point_writes_on)
{
	size_t off = 0;

	target_setup();
	md.cfg.commit_step = 0; /* every write committed: the offset is exact */
	CHECK_OK(init(plen));
	CHECK_OK(dfu_ctx_write(&ctx, patch, 166));
	app_boot(); /* the application lost its state; the modem kept running */
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

/* ---- which errors discard ---- */

/* init, 9000 bytes (committed: 8644), then one write failing with code. */
static int partial_then_failed_write(int code)
{
	int err = init(plen);

	if (err == 0) {
		err = dfu_ctx_write(&ctx, patch, 9000);
	}
	if (err == 0) {
		sim_modem_inject(&md, SIM_MODEM_OP_WRITE, code, 1);
		err = dfu_ctx_write(&ctx, patch + 9000, 100);
	}
	return err;
}

TEST(format_and_identity_write_errors_discard_the_partial_patch)
{
	static const int codes[] = {DFU_MODEM_INVALID_HEADER_DATA, DFU_MODEM_INVALID_DATA,
				    DFU_MODEM_INVALID_UUID, DFU_MODEM_INVALID_ADDRESS};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		size_t off = 1;

		target_setup();
		md.cfg.dirty_on_reject = false; /* the modem keeps the area as it is */
		CHECK_EQ(partial_then_failed_write(codes[i]), dfu_modem_errno(codes[i]));
		CHECK_EQ(device_reboot(), 0);
		CHECK_OK(init(plen));
		CHECKF(md.cnt.erases_started == 1, "modem code %d: not discarded", codes[i]);
		CHECK_OK(dfu_ctx_offset_get(&ctx, &off));
		CHECK_EQ(off, 0);
	}
}

TEST(io_and_transient_write_errors_never_discard_the_partial_patch)
{
	static const int codes[] = {-EIO,
				    -ENOMEM,
				    -ESHUTDOWN,
				    DFU_MODEM_RECEIVER_OUT_OF_MEMORY,
				    DFU_MODEM_RECEIVER_BLOCK_TOO_LARGE,
				    DFU_MODEM_ERROR_INTERNAL_00,
				    DFU_MODEM_ERROR_INTERNAL_01,
				    DFU_MODEM_ERROR_INTERNAL_02,
				    DFU_MODEM_ERROR_INTERNAL_03,
				    DFU_MODEM_WRITE_ERROR,
				    DFU_MODEM_ERASE_ERROR,
				    DFU_MODEM_ERASE_PENDING,
				    DFU_MODEM_OPERATION_NOT_ALLOWED,
				    DFU_MODEM_INTERRUPTED_WRITE,
				    DFU_MODEM_INVALID_OPERATION,
				    DFU_MODEM_ERROR_INTERNAL_04,
				    DFU_MODEM_NOT_ALLOWED_POFWARN_ON};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		size_t off = 0;

		target_setup();
		md.cfg.dirty_on_reject = false;
		CHECK_EQ(partial_then_failed_write(codes[i]), dfu_modem_errno(codes[i]));
		CHECK_EQ(device_reboot(), 0);
		CHECK_OK(init(plen));
		CHECKF(md.cnt.erases_started == 0, "modem code %d: discarded", codes[i]);
		CHECK_OK(resume_to_schedule(4096, &off));
		CHECK_EQ(off, 452 + 8192);
		CHECK(applied());
	}
}

TEST(offset_get_on_a_dirty_area_is_enotempty_not_a_transient_eio)
{
	size_t off = 0;

	target_setup();
	CHECK_OK(init(plen));
	md.nv.dirty = true; /* the modem invalidated the area */
	CHECK_ERR(dfu_ctx_offset_get(&ctx, &off), ENOTEMPTY);
	CHECK_OK(init(plen)); /* erases */
	CHECK_EQ(md.cnt.erases_started, 1);
	CHECK_OK(resume_to_schedule(4096, &off));
	CHECK(applied());
}

TEST_MAIN(RUN(failed_write_done_keeps_the_transfer_open_and_the_resume_follows_the_modem);
	  RUN(failed_write_done_then_a_dropped_tail_resumes_from_the_committed_offset);
	  RUN(write_init_finding_the_transfer_open_closes_it_and_reports_a_stale_offset);
	  RUN(write_init_finding_the_transfer_open_at_the_resume_point_writes_on);
	  RUN(done_true_refuses_a_modem_offset_past_file_size_and_the_next_init_erases);
	  RUN(format_and_identity_write_errors_discard_the_partial_patch);
	  RUN(io_and_transient_write_errors_never_discard_the_partial_patch);
	  RUN(offset_get_on_a_dirty_area_is_enotempty_not_a_transient_eio);)
