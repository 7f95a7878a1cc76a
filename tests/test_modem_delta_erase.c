/*
 * Modem delta target, the erase wait: an erase that ends without cleaning
 * the area is reported at once (not at the deadline), and calls into the
 * target from the event callback neither corrupt it nor recurse.
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

/* ---- calls from the event callback (the target's ops, called directly:
 * the dispatcher may refuse them before they get here) ---- */

static const struct dfu_init_params nested_params = {
	.img_type = DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, .file_size = 0, .cb = on_evt};
static enum dfu_target_evt_id hook_on;
static int hook_result;
static unsigned hook_calls;

static void reset_from_callback(enum dfu_target_evt_id e)
{
	if (e == hook_on && hook_calls++ == 0) {
		hook_result = dfu_target_modem_delta_ops.reset(&ctx);
	}
}

static void abort_from_callback(enum dfu_target_evt_id e)
{
	if (e == hook_on && hook_calls++ == 0) {
		hook_result = dfu_target_modem_delta_ops.done(&ctx, false);
	}
}

TEST(reset_from_the_erase_callback_cancels_the_wait_and_forgets_the_patch)
{
	uint8_t rec[32];
	size_t off = 1;

	target_setup();
	md.nv.dirty = true;
	hook_on = DFU_TARGET_EVT_ERASE_PENDING;
	hook_calls = 0;
	evt_hook = reset_from_callback;
	CHECK_ERR(init(plen), ECANCELED);
	CHECK_OK(hook_result);
	CHECK_EQ(dfu_ctx_state(&ctx), DFU_STATE_IDLE);
	CHECK_ERR(kv.dev.read(kv.dev.ctx, "modem/d", rec, sizeof(rec)), ENOENT);
	CHECK(sim_modem_erasing(&md)); /* the erase goes on */
	evt_hook = NULL;
	CHECK_OK(init(plen)); /* waits for it */
	CHECK_EQ(md.cnt.erases_started, 1);
	CHECK_OK(resume_to_schedule(4096, &off));
	CHECK_EQ(off, 0);
	CHECK(applied());
}

TEST(abort_from_the_timeout_event_cancels_the_wait)
{
	target_setup();
	md.cfg.erase_ms = 150000;
	md.nv.dirty = true;
	hook_on = DFU_TARGET_EVT_TIMEOUT;
	hook_calls = 0;
	evt_hook = abort_from_callback;
	uint64_t t0 = clk.now_ms;

	CHECK_ERR(init(plen), ECANCELED);
	CHECK_OK(hook_result);
	CHECK(clk.now_ms - t0 < 62000); /* right after the first TIMEOUT */
	CHECK_EQ(evts[DFU_TARGET_EVT_TIMEOUT], 1);
	evt_hook = NULL;
	CHECK_OK(init(plen));
	CHECK_EQ(md.cnt.erases_started, 1);
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_DONE], 1);
}

static unsigned nested_not_busy;
static int depth;

/* At ERASE_PENDING and ERASE_DONE: every other op (no recursion into the
 * hook: a nested wait would call it again). */
static void others_from_callback(enum dfu_target_evt_id e)
{
	const struct dfu_target_ops *o = &dfu_target_modem_delta_ops;
	size_t off;

	if (e == DFU_TARGET_EVT_TIMEOUT || depth > 0) {
		return;
	}
	depth++;
	nested_not_busy += o->init(&ctx, &nested_params) != -EBUSY;
	nested_not_busy += o->offset_get(&ctx, &off) != -EBUSY;
	nested_not_busy += o->write(&tgt, patch, 10) != -EBUSY;
	nested_not_busy += o->done(&ctx, true) != -EBUSY;
	nested_not_busy += o->schedule_update(&ctx, 0) != -EBUSY;
	depth--;
}

TEST(other_calls_from_the_erase_callback_are_refused_with_ebusy_and_change_nothing)
{
	size_t off = 1;

	target_setup();
	md.nv.dirty = true;
	nested_not_busy = 0;
	evt_hook = others_from_callback;
	CHECK_OK(init(plen));
	CHECK_EQ(nested_not_busy, 0);
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_PENDING], 1); /* no nested wait */
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_DONE], 1);
	CHECK_EQ(md.cnt.erases_started, 1);
	CHECK_EQ(md.cnt.bytes_written, 0);
	evt_hook = NULL;
	CHECK_OK(resume_to_schedule(4096, &off));
	CHECK_EQ(off, 0);
	CHECK(applied());
}

TEST_MAIN(RUN(erase_ending_with_a_dirty_area_is_reported_at_once_as_enotempty);
	  RUN(erase_ending_with_a_partial_offset_is_reported_at_once_as_enotempty);
	  RUN(reset_from_the_erase_callback_cancels_the_wait_and_forgets_the_patch);
	  RUN(abort_from_the_timeout_event_cancels_the_wait);
	  RUN(other_calls_from_the_erase_callback_are_refused_with_ebusy_and_change_nothing);)
