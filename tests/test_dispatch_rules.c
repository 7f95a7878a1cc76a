/*
 * Dispatcher contract (include/dfu/dfu_target.h), part 3 of 3: the rules of
 * init (same or other image, resume after a fault, rejected arguments),
 * write, done, schedule_update and reset beyond the state table, progress
 * and the last result. Fixture: dispatch_support.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <limits.h>
#include <string.h>

#include "dispatch_support.h"

/* Send im[from, n) and done(true). */
static int finish(struct dfu_ctx *c, const uint8_t *im, size_t from, size_t n)
{
	int err = send(c, im, from, n, 1000);

	return err ? err : dfu_ctx_done(c, true);
}

/* Changes whenever a flash program/erase or a store write/remove completes. */
static uint64_t mut_ops(void)
{
	return (uint64_t)dev.power.ops + dev.flash.cnt.programs + dev.flash.cnt.erases +
	       dev.kv.cnt.writes + dev.kv.cnt.removes;
}

static bool first_block_erased(void)
{
	for (size_t i = 0; i < EB; i++) {
		if (dev_area(&dev)[i] != 0xff) {
			return false;
		}
	}
	return true;
}

/* ---- init rules ---------------------------------------------------------- */

TEST(init_with_mask_or_unknown_type_returns_enotsup)
{
	static const int types[] = {135 /* ANY */, 6 /* ANY_MODEM */, -1, 0, 8 /* SMP */, 16, 3};

	dev_new();
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		CHECKF(dfu_ctx_init(&dev.ctx, types[i], 0, N, NULL) == -ENOTSUP, "type %d",
		       types[i]);
		CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_IDLE);
	}
}

TEST(init_with_unregistered_type_returns_enotsup)
{
	dev_new();
	CHECK_ERR(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, N, NULL), ENOTSUP);
}

TEST(init_with_negative_img_num_returns_einval)
{
	dev_new();
	CHECK_ERR(dfu_ctx_init(&dev.ctx, CUSTOM, -1, N, NULL), EINVAL);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_IDLE);
}

TEST(init_with_file_larger_than_area_returns_efbig_and_leaves_no_target)
{
	dev_new();
	CHECK_ERR(dfu_ctx_init(&dev.ctx, CUSTOM, 0, AREA_SIZE + 1, NULL), EFBIG);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_IDLE);
	CHECK_EQ(not_eacces(&dev.ctx), 0);
	CHECK_OK(dfu_ctx_init(&dev.ctx, CUSTOM, 0, AREA_SIZE, NULL)); /* exactly the area: fine */
}

TEST(init_after_efbig_runs_target_init_again)
{
	dev_new();
	dev.entry.ops = spy();
	CHECK_OK(dfu_ctx_setup(&dev.ctx, &dev.cfg));
	CHECK_ERR(dfu_ctx_init(&dev.ctx, CUSTOM, 0, AREA_SIZE + 1, NULL), EFBIG);
	CHECK_EQ(spy_inits, 1);
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_EQ(spy_inits, 2);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_EQ(offset_of(&dev.ctx), 0);
	CHECK_OK(finish(&dev.ctx, img, 0, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(reinit_of_same_image_in_ready_is_a_noop_on_flash)
{
	CHECK_OK(enter(S_READY));
	uint64_t ops = mut_ops();
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_EQ(mut_ops(), ops);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_EQ(offset_of(&dev.ctx), 0);
}

TEST(reinit_of_same_image_in_writing_keeps_durable_offset_without_flash_ops)
{
	CHECK_OK(enter(S_WRITING));
	uint64_t ops = mut_ops();
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_EQ(mut_ops(), ops);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_EQ(offset_of(&dev.ctx), EB + 512); /* buffered bytes dropped */
	CHECK_OK(finish(&dev.ctx, img, EB + 512, N));
	CHECK_MEM(dev_area(&dev), img, N);
	CHECK_EQ(dev.flash.cnt.violations.total, 0);
}

TEST(init_of_other_file_while_open_returns_ebusy)
{
	CHECK_OK(enter(S_WRITING));
	CHECK_ERR(init_img(&dev.ctx, img, N - 1), EBUSY); /* other size */
	CHECK_ERR(init_img(&dev.ctx, img2, N), EBUSY);    /* other first bytes */
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_WRITING);
	CHECK_EQ(offset_of(&dev.ctx), pos);
	CHECK_OK(finish(&dev.ctx, img, pos, N)); /* the open download goes on */
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(init_of_other_file_while_failed_returns_ebusy)
{
	CHECK_OK(enter(S_FAILED));
	CHECK_ERR(init_img(&dev.ctx, img, N - 1), EBUSY);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_FAILED);
}

/* Issue 14: NCS re-inits the same target and image number as often as it
 * likes (init(type, 0, 0) then init(type, 0, size)): in READY, with nothing
 * taken since the init, another file replaces the download. */
TEST(init_of_other_file_in_ready_replaces_it)
{
	CHECK_OK(enter(S_READY));
	CHECK_OK(init_img(&dev.ctx, img, N - 1));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_EQ(dfu_ctx_image_id(&dev.ctx)->file_size, N - 1);
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_OK(finish(&dev.ctx, img, offset_of(&dev.ctx), N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(init_of_other_img_num_while_open_returns_ebusy)
{
	struct dfu_init_params p = {
		.img_type = CUSTOM, .img_num = 1, .file_size = N, .first = img, .first_len = 64};

	CHECK_OK(enter(S_READY));
	CHECK_ERR(dfu_ctx_init_ex(&dev.ctx, &p), EBUSY);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
}

TEST(init_with_unsupported_type_leaves_open_download_untouched)
{
	CHECK_OK(enter(S_WRITING));
	CHECK_ERR(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, N, NULL), ENOTSUP);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_WRITING);
	CHECK_OK(finish(&dev.ctx, img, pos, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(init_of_other_file_after_abort_starts_at_offset_0)
{
	CHECK_OK(enter(S_ABORTED)); /* record of the first file at 4096 */
	CHECK_OK(init_img(&dev.ctx, img2, N - 100));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_EQ(offset_of(&dev.ctx), 0);
	CHECK_OK(finish(&dev.ctx, img2, 0, N - 100));
	CHECK_MEM(dev_area(&dev), img2, N - 100);
}

TEST(reinit_of_same_image_after_done_starts_a_new_download)
{
	CHECK_OK(enter(S_DONE));
	CHECK_OK(init_img(&dev.ctx, img, N)); /* as the reference */
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_EQ(offset_of(&dev.ctx), 0);
	CHECK_OK(finish(&dev.ctx, img, 0, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(init_of_other_file_after_done_starts_at_offset_0)
{
	CHECK_OK(enter(S_DONE));
	CHECK_OK(init_img(&dev.ctx, img2, N));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_EQ(offset_of(&dev.ctx), 0);
	CHECK_OK(finish(&dev.ctx, img2, 0, N));
	CHECK_MEM(dev_area(&dev), img2, N);
}

TEST(init_after_failed_write_resumes_at_erase_block_boundary_and_completes_exactly)
{
	CHECK_OK(enter(S_FAILED)); /* the program at 4608 failed */
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_EQ(offset_of(&dev.ctx), EB);
	CHECK_OK(finish(&dev.ctx, img, EB, N));
	CHECK_MEM(dev_area(&dev), img, N);
	CHECK_EQ(dev.flash.cnt.violations.total, 0);
}

/* ---- write --------------------------------------------------------------- */

TEST(write_with_null_buffer_returns_einval_and_takes_nothing)
{
	CHECK_OK(enter(S_READY));
	CHECK_ERR(dfu_ctx_write(&dev.ctx, NULL, 10), EINVAL);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_OK(send(&dev.ctx, img, 0, 700, 1000));
	CHECK_ERR(dfu_ctx_write(&dev.ctx, NULL, 10), EINVAL);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_WRITING);
	CHECK_OK(finish(&dev.ctx, img, 700, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(write_of_zero_bytes_is_a_noop)
{
	CHECK_OK(enter(S_WRITING));
	uint64_t ops = mut_ops();
	CHECK_OK(dfu_ctx_write(&dev.ctx, img2, 0));
	CHECK_EQ(mut_ops(), ops);
	CHECK_EQ(offset_of(&dev.ctx), pos);
	CHECK_OK(finish(&dev.ctx, img, pos, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(write_past_file_size_returns_efbig_and_takes_nothing)
{
	CHECK_OK(enter(S_READY));
	CHECK_OK(send(&dev.ctx, img, 0, N - 100, 1000));
	size_t off = offset_of(&dev.ctx);
	CHECK_ERR(dfu_ctx_write(&dev.ctx, img + N - 100, 101), EFBIG);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_WRITING);
	CHECK_EQ(offset_of(&dev.ctx), off);
	CHECK_OK(finish(&dev.ctx, img, N - 100, N));
	CHECK_MEM(dev_area(&dev), img, N);
	for (size_t i = N; i < 4 * EB; i++) {
		CHECKF(dev_area(&dev)[i] == 0xff, "byte %zu past the image was written", i);
	}
}

TEST(write_past_area_with_unknown_size_fails_and_resumes_after_init)
{
	static uint8_t big[AREA_SIZE];
	size_t off = 1;

	dev_new();
	fill_random(big, sizeof(big), 9);
	CHECK_OK(dfu_ctx_init(&dev.ctx, CUSTOM, 0, 0, NULL));
	CHECK_OK(send(&dev.ctx, big, 0, AREA_SIZE - 10, 4000));
	/* only the target knows the area is full: the session ends */
	CHECK_ERR(dfu_ctx_write(&dev.ctx, big + AREA_SIZE - 10, 11), EFBIG);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_FAILED);
	CHECK_ERR(dfu_ctx_write(&dev.ctx, big + AREA_SIZE - 10, 10), EPIPE);
	CHECK_OK(dfu_ctx_init(&dev.ctx, CUSTOM, 0, 0, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_OK(finish(&dev.ctx, big, off, AREA_SIZE));
	CHECK_MEM(dev_area(&dev), big, AREA_SIZE);
}

/* A target that takes part of a chunk and then fails with -EFBIG or
 * -EINVAL: the dispatcher must not keep the session open as if nothing had
 * been taken (the next byte would be misplaced). */
static int (*real_write)(void *state, const uint8_t *buf, size_t len);
static int half_err;
static int half_then_error(void *state, const uint8_t *buf, size_t len)
{
	if (half_err == 0) {
		return real_write(state, buf, len);
	}
	int err = real_write(state, buf, len / 2);

	return err ? err : half_err;
}

TEST(target_error_after_taking_bytes_fails_the_session)
{
	static const int errs[] = {EFBIG, EINVAL};

	for (size_t i = 0; i < 2; i++) {
		static struct dfu_target_ops ops;
		size_t off = 1;

		dev_new();
		ops = dfu_target_raw_ops;
		real_write = ops.write;
		ops.write = half_then_error;
		half_err = 0;
		dev.entry.ops = &ops;
		CHECK_OK(init_img(&dev.ctx, img, N));
		CHECK_OK(send(&dev.ctx, img, 0, 3000, 1000));
		half_err = -errs[i];
		CHECK_ERR(dfu_ctx_write(&dev.ctx, img + 3000, 1000), errs[i]);
		CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_FAILED);
		CHECK_ERR(dfu_ctx_write(&dev.ctx, img + 3000, 1000), EPIPE);
		ops.write = real_write;
		CHECK_OK(init_img(&dev.ctx, img, N));
		CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
		CHECK_OK(finish(&dev.ctx, img, off, N));
		CHECK_MEM(dev_area(&dev), img, N);
	}
}

TEST(offset_get_while_writing_is_the_next_byte_and_following_it_is_exact)
{
	size_t off = 0;

	CHECK_OK(enter(S_READY));
	CHECK_OK(send(&dev.ctx, img, 0, 700, 700)); /* 512 programmed, 188 buffered */
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 700);
	CHECK_OK(finish(&dev.ctx, img, off, N)); /* the application follows it */
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(offset_get_after_abort_is_the_durable_offset)
{
	size_t off = 0;

	CHECK_OK(enter(S_ABORTED)); /* 5000 sent, 4608 durable */
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, EB + 512);
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, EB + 512);
	CHECK_OK(finish(&dev.ctx, img, off, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(reinit_after_failure_without_new_img_type_resumes)
{
	size_t off = 0;

	CHECK_OK(enter(S_FAILED));
	/* the README's recovery: init again, then offset_get; no img_type() */
	CHECK_OK(dfu_ctx_init(&dev.ctx, CUSTOM, 0, N, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK(off > 0);
	CHECK_OK(finish(&dev.ctx, img, off, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(reinit_after_abort_without_new_img_type_keeps_the_resume_point)
{
	size_t off = 0;

	CHECK_OK(enter(S_ABORTED));
	CHECK_OK(dfu_ctx_init(&dev.ctx, CUSTOM, 0, N, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, EB + 512);
	dev_reboot(&dev); /* the record written at the abort is bound to it too */
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, EB);
	CHECK_OK(finish(&dev.ctx, img, off, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

/* ---- re-entrancy ----------------------------------------------------------- */

static int nested[6];
static void call_back_in(void *user, size_t durable, size_t total)
{
	struct dfu_ctx *c = user;
	size_t off;

	(void)durable;
	(void)total;
	nested[0] = dfu_ctx_reset(c);
	nested[1] = dfu_ctx_write(c, img, 1);
	nested[2] = dfu_ctx_done(c, false);
	nested[3] = dfu_ctx_init(c, CUSTOM, 0, N, NULL);
	nested[4] = dfu_ctx_offset_get(c, &off);
	nested[5] = dfu_ctx_schedule_update(c, 0);
}

TEST(calls_from_a_callback_are_refused_with_edeadlk_and_change_nothing)
{
	dev_new();
	dev.cfg.progress = call_back_in;
	dev.cfg.user = &dev.ctx;
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_OK(send(&dev.ctx, img, 0, 2 * EB, 1000)); /* progress fires */
	for (int i = 0; i < 6; i++) {
		CHECKF(nested[i] == -EDEADLK, "nested call %d returned %s", i,
		       dfu_errno_name(nested[i]));
	}
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_WRITING);
	CHECK_OK(finish(&dev.ctx, img, 2 * EB, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(errno_name_of_int_min_is_defined)
{
	CHECK(strcmp(dfu_errno_name(INT_MIN), "-?") == 0);
	CHECK(strcmp(dfu_errno_name(INT_MAX), "+?") == 0);
	CHECK(strcmp(dfu_errno_name(-EDEADLK), "-EDEADLK") == 0);
	CHECK(strcmp(dfu_errno_name(-ENOBUFS), "-ENOBUFS") == 0); /* setup's */
}

/* ---- done ---------------------------------------------------------------- */

TEST(done_true_before_file_size_returns_enodata_and_keeps_state)
{
	CHECK_OK(enter(S_READY));
	CHECK_OK(send(&dev.ctx, img, 0, N - 1, 1000));
	size_t off = offset_of(&dev.ctx);
	CHECK_ERR(dfu_ctx_done(&dev.ctx, true), ENODATA);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_WRITING);
	CHECK_EQ(offset_of(&dev.ctx), off);
	CHECK_OK(finish(&dev.ctx, img, N - 1, N));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_DONE);
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(done_true_with_flash_error_returns_it_and_goes_failed)
{
	CHECK_OK(enter(S_READY));
	CHECK_OK(send(&dev.ctx, img, 0, N, 1000)); /* 100 bytes left in the buffer */
	CHECK_ERR(WITH_CUT(1, dfu_ctx_done(&dev.ctx, true)), EIO);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_FAILED);
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_OK(finish(&dev.ctx, img, offset_of(&dev.ctx), N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(done_false_with_store_error_returns_it_and_goes_aborted)
{
	dev_new();
	dev.raw.cfg.checkpoint_blocks = 4; /* no checkpoint yet: abort writes one */
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_OK(send(&dev.ctx, img, 0, 5000, 1000));
	CHECK_ERR(WITH_CUT(1, dfu_ctx_done(&dev.ctx, false)), EIO);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_ABORTED);
}

/* ---- schedule_update ----------------------------------------------------- */

static int hook_calls, hook_img, hook_ret;

static int hook(void *user, int img_num)
{
	(void)user;
	hook_calls++;
	hook_img = img_num;
	return hook_ret;
}

/* A complete image number 3 with the schedule hook returning ret. */
static int done_with_hook(int ret)
{
	struct dfu_init_params p = {
		.img_type = CUSTOM, .img_num = 3, .file_size = N, .first = img, .first_len = 64};
	int err;

	dev_new();
	dev.raw.schedule = hook;
	hook_calls = 0;
	hook_img = -1;
	hook_ret = ret;
	err = dfu_ctx_init_ex(&dev.ctx, &p);
	return err ? err : finish(&dev.ctx, img, 0, N);
}

TEST(schedule_after_done_calls_hook_with_img_num_and_goes_scheduled)
{
	CHECK_OK(done_with_hook(0));
	CHECK_OK(dfu_ctx_schedule_update(&dev.ctx, 3));
	CHECK_EQ(hook_calls, 1);
	CHECK_EQ(hook_img, 3);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_SCHEDULED);
}

TEST(schedule_returns_the_hook_error)
{
	CHECK_OK(done_with_hook(-ECANCELED));
	CHECK_ERR(dfu_ctx_schedule_update(&dev.ctx, 3), ECANCELED);
	CHECK_EQ(hook_calls, 1);
	CHECK(dfu_ctx_state(&dev.ctx) != DFU_STATE_SCHEDULED);
}

TEST(schedule_before_done_does_not_call_hook)
{
	CHECK_OK(enter(S_WRITING));
	dev.raw.schedule = hook;
	hook_calls = 0;
	CHECK_ERR(dfu_ctx_schedule_update(&dev.ctx, 0), EPERM);
	CHECK_EQ(hook_calls, 0);
}

/* ---- reset (results per state: test_dispatch_states.c) ------------------ */

TEST(reset_erases_first_erase_block_and_forgets_the_download)
{
	size_t resumed = 1;

	CHECK_OK(enter(S_DONE));
	CHECK_OK(dfu_ctx_reset(&dev.ctx));
	CHECK(first_block_erased());
	CHECK_EQ(sim_kv_count(&dev.kv), 0);
	dev_reboot(&dev);
	CHECK_OK(app_download(&dev, img, N, 1000, &resumed));
	CHECK_EQ(resumed, 0);
	CHECK_MEM(dev_area(&dev), img, N);
}

/* Power cut on the erase of reset (the record is already deleted). */
static int failed_reset(void)
{
	int err = enter(S_DONE);

	err = err ? err : WITH_CUT(2, dfu_ctx_reset(&dev.ctx));
	return err == -EIO ? 0 : (err ? err : -EPROTO);
}

TEST(reset_with_flash_error_goes_failed_keeps_target_and_can_be_retried)
{
	CHECK_OK(failed_reset());
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_FAILED);
	CHECK_OK(dfu_ctx_reset(&dev.ctx));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_IDLE);
	CHECK(first_block_erased());
}

/* FAILED means "init again to resume"; init's table has no -EPERM. */
TEST(init_after_failed_reset_returns_ok)
{
	CHECK_OK(failed_reset());
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
}

/* ---- progress and last result -------------------------------------------- */

static size_t prog_calls, prog_last, prog_bad;

static void progress(void *user, size_t durable, size_t total)
{
	(void)user;
	prog_bad += durable < prog_last || durable > N || total != N;
	prog_last = durable;
	prog_calls++;
}

TEST(progress_reports_nondecreasing_durable_counts_ending_at_file_size)
{
	dev_new();
	dev.cfg.progress = progress;
	prog_calls = prog_last = prog_bad = 0;
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_OK(send(&dev.ctx, img, 0, N, 333));
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	CHECK(prog_calls >= N / 512);
	CHECK_EQ(prog_bad, 0);
	CHECK_EQ(prog_last, N);
}

TEST(last_result_returns_the_last_error)
{
	dev_new();
	CHECK_EQ(dfu_ctx_last_result(&dev.ctx), 0);
	CHECK_ERR(dfu_ctx_write(&dev.ctx, img, 1), EACCES);
	CHECK_ERR(dfu_ctx_last_result(&dev.ctx), EACCES);
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_ERR(dfu_ctx_last_result(&dev.ctx), EACCES); /* a success keeps it */
	CHECK_ERR(dfu_ctx_write(&dev.ctx, NULL, 1), EINVAL);
	CHECK_ERR(dfu_ctx_last_result(&dev.ctx), EINVAL);
	CHECK_OK(dfu_ctx_write(&dev.ctx, img, 10));
	CHECK_ERR(init_img(&dev.ctx, img, N + 1), EBUSY); /* other file while writing */
	CHECK_ERR(dfu_ctx_last_result(&dev.ctx), EBUSY);
}

TEST(last_result_records_init_ex_with_null_params)
{
	dev_new();
	CHECK_ERR(dfu_ctx_init_ex(&dev.ctx, NULL), EINVAL);
	CHECK_ERR(dfu_ctx_last_result(&dev.ctx), EINVAL);
}

TEST_MAIN(RUN(init_with_mask_or_unknown_type_returns_enotsup);
	  RUN(init_with_unregistered_type_returns_enotsup);
	  RUN(init_with_negative_img_num_returns_einval);
	  RUN(init_with_file_larger_than_area_returns_efbig_and_leaves_no_target);
	  RUN(init_after_efbig_runs_target_init_again);
	  RUN(reinit_of_same_image_in_ready_is_a_noop_on_flash);
	  RUN(reinit_of_same_image_in_writing_keeps_durable_offset_without_flash_ops);
	  RUN(init_of_other_file_while_open_returns_ebusy);
	  RUN(init_of_other_file_while_failed_returns_ebusy);
	  RUN(init_of_other_file_in_ready_replaces_it);
	  RUN(init_of_other_img_num_while_open_returns_ebusy);
	  RUN(init_with_unsupported_type_leaves_open_download_untouched);
	  RUN(init_of_other_file_after_abort_starts_at_offset_0);
	  RUN(reinit_of_same_image_after_done_starts_a_new_download);
	  RUN(init_of_other_file_after_done_starts_at_offset_0);
	  RUN(init_after_failed_write_resumes_at_erase_block_boundary_and_completes_exactly);
	  RUN(write_with_null_buffer_returns_einval_and_takes_nothing);
	  RUN(write_of_zero_bytes_is_a_noop);
	  RUN(write_past_file_size_returns_efbig_and_takes_nothing);
	  RUN(write_past_area_with_unknown_size_fails_and_resumes_after_init);
	  RUN(target_error_after_taking_bytes_fails_the_session);
	  RUN(offset_get_while_writing_is_the_next_byte_and_following_it_is_exact);
	  RUN(offset_get_after_abort_is_the_durable_offset);
	  RUN(reinit_after_failure_without_new_img_type_resumes);
	  RUN(reinit_after_abort_without_new_img_type_keeps_the_resume_point);
	  RUN(calls_from_a_callback_are_refused_with_edeadlk_and_change_nothing);
	  RUN(errno_name_of_int_min_is_defined);
	  RUN(done_true_before_file_size_returns_enodata_and_keeps_state);
	  RUN(done_true_with_flash_error_returns_it_and_goes_failed);
	  RUN(done_false_with_store_error_returns_it_and_goes_aborted);
	  RUN(schedule_after_done_calls_hook_with_img_num_and_goes_scheduled);
	  RUN(schedule_returns_the_hook_error); RUN(schedule_before_done_does_not_call_hook);
	  RUN(reset_erases_first_erase_block_and_forgets_the_download);
	  RUN(reset_with_flash_error_goes_failed_keeps_target_and_can_be_retried);
	  RUN(init_after_failed_reset_returns_ok);
	  RUN(progress_reports_nondecreasing_durable_counts_ending_at_file_size);
	  RUN(last_result_returns_the_last_error);
	  RUN(last_result_records_init_ex_with_null_params);)
