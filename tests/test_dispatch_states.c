/*
 * Dispatcher contract (include/dfu/dfu_target.h), part 2 of 3: the result
 * of every context call in every state and the state it leaves (the state
 * table), and offset_get in the DONE and SCHEDULED states. Fixture:
 * dispatch_support.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dispatch_support.h"

/* ---- every call in every state ------------------------------------------ */

enum call { C_INIT, C_OFF, C_WRITE, C_DONE1, C_DONE0, C_SCHED, C_RESET };

static const int st_state[] = {DFU_STATE_IDLE,    DFU_STATE_IDLE,     DFU_STATE_READY,
			       DFU_STATE_WRITING, DFU_STATE_ABORTED,  DFU_STATE_FAILED,
			       DFU_STATE_DONE,    DFU_STATE_SCHEDULED};

static int call(enum call k)
{
	size_t off;

	switch (k) {
	case C_INIT:
		return init_img(&dev.ctx, img, N);
	case C_OFF:
		return dfu_ctx_offset_get(&dev.ctx, &off);
	case C_WRITE:
		return dfu_ctx_write(&dev.ctx, img + pos, 100);
	case C_DONE1:
		return dfu_ctx_done(&dev.ctx, true);
	case C_DONE0:
		return dfu_ctx_done(&dev.ctx, false);
	case C_SCHED:
		return dfu_ctx_schedule_update(&dev.ctx, 0);
	default:
		return dfu_ctx_reset(&dev.ctx);
	}
}

/* name, state entered, call, documented result (errno symbol or 0), state after */
#define STATE_TABLE(X)                                                                             \
	X(init_in_idle_returns_ok_and_goes_ready, S_IDLE, C_INIT, 0, S_READY)                      \
	X(offset_get_in_idle_returns_eacces, S_IDLE, C_OFF, EACCES, S_IDLE)                        \
	X(write_in_idle_returns_eacces, S_IDLE, C_WRITE, EACCES, S_IDLE)                           \
	X(done_true_in_idle_returns_eacces, S_IDLE, C_DONE1, EACCES, S_IDLE)                       \
	X(done_false_in_idle_returns_eacces, S_IDLE, C_DONE0, EACCES, S_IDLE)                      \
	X(schedule_in_idle_returns_eacces, S_IDLE, C_SCHED, EACCES, S_IDLE)                        \
	X(reset_in_idle_returns_eacces, S_IDLE, C_RESET, EACCES, S_IDLE)                           \
	X(init_after_reset_returns_ok_and_goes_ready, S_IDLE_RESET, C_INIT, 0, S_READY)            \
	X(offset_get_after_reset_returns_eacces, S_IDLE_RESET, C_OFF, EACCES, S_IDLE)              \
	X(write_after_reset_returns_eacces, S_IDLE_RESET, C_WRITE, EACCES, S_IDLE)                 \
	X(done_true_after_reset_returns_eacces, S_IDLE_RESET, C_DONE1, EACCES, S_IDLE)             \
	X(done_false_after_reset_returns_eacces, S_IDLE_RESET, C_DONE0, EACCES, S_IDLE)            \
	X(schedule_after_reset_returns_eacces, S_IDLE_RESET, C_SCHED, EACCES, S_IDLE)              \
	X(reset_after_reset_returns_eacces, S_IDLE_RESET, C_RESET, EACCES, S_IDLE)                 \
	X(init_in_ready_returns_ok_and_stays_ready, S_READY, C_INIT, 0, S_READY)                   \
	X(offset_get_in_ready_returns_ok, S_READY, C_OFF, 0, S_READY)                              \
	X(write_in_ready_returns_ok_and_goes_writing, S_READY, C_WRITE, 0, S_WRITING)              \
	X(done_true_in_ready_returns_enodata, S_READY, C_DONE1, ENODATA, S_READY)                  \
	X(done_false_in_ready_returns_ok_and_goes_aborted, S_READY, C_DONE0, 0, S_ABORTED)         \
	X(schedule_in_ready_returns_enoent, S_READY, C_SCHED, ENOENT, S_READY)                     \
	X(reset_in_ready_returns_ok_and_goes_idle, S_READY, C_RESET, 0, S_IDLE)                    \
	X(init_in_writing_returns_ok_and_goes_ready, S_WRITING, C_INIT, 0, S_READY)                \
	X(offset_get_in_writing_returns_ok, S_WRITING, C_OFF, 0, S_WRITING)                        \
	X(write_in_writing_returns_ok, S_WRITING, C_WRITE, 0, S_WRITING)                           \
	X(done_true_in_writing_before_end_returns_enodata, S_WRITING, C_DONE1, ENODATA, S_WRITING) \
	X(done_false_in_writing_returns_ok_and_goes_aborted, S_WRITING, C_DONE0, 0, S_ABORTED)     \
	X(schedule_in_writing_returns_eperm, S_WRITING, C_SCHED, EPERM, S_WRITING)                 \
	X(reset_in_writing_returns_ok_and_goes_idle, S_WRITING, C_RESET, 0, S_IDLE)                \
	X(init_in_aborted_returns_ok_and_goes_ready, S_ABORTED, C_INIT, 0, S_READY)                \
	X(offset_get_in_aborted_returns_ok, S_ABORTED, C_OFF, 0, S_ABORTED)                        \
	X(write_in_aborted_returns_eperm, S_ABORTED, C_WRITE, EPERM, S_ABORTED)                    \
	X(done_true_in_aborted_returns_eperm, S_ABORTED, C_DONE1, EPERM, S_ABORTED)                \
	X(done_false_in_aborted_returns_ok, S_ABORTED, C_DONE0, 0, S_ABORTED)                      \
	X(schedule_in_aborted_returns_eperm, S_ABORTED, C_SCHED, EPERM, S_ABORTED)                 \
	X(reset_in_aborted_returns_ok_and_goes_idle, S_ABORTED, C_RESET, 0, S_IDLE)                \
	X(init_in_failed_returns_ok_and_goes_ready, S_FAILED, C_INIT, 0, S_READY)                  \
	X(offset_get_in_failed_returns_ok, S_FAILED, C_OFF, 0, S_FAILED)                           \
	X(write_in_failed_returns_epipe, S_FAILED, C_WRITE, EPIPE, S_FAILED)                       \
	X(done_true_in_failed_returns_epipe, S_FAILED, C_DONE1, EPIPE, S_FAILED)                   \
	X(done_false_in_failed_returns_ok_and_goes_aborted, S_FAILED, C_DONE0, 0, S_ABORTED)       \
	X(schedule_in_failed_returns_eperm, S_FAILED, C_SCHED, EPERM, S_FAILED)                    \
	X(reset_in_failed_returns_ok_and_goes_idle, S_FAILED, C_RESET, 0, S_IDLE)                  \
	X(init_in_done_starts_a_new_download, S_DONE, C_INIT, 0, S_READY)                          \
	X(offset_get_in_done_returns_ok, S_DONE, C_OFF, 0, S_DONE)                                 \
	X(write_in_done_returns_eperm, S_DONE, C_WRITE, EPERM, S_DONE)                             \
	X(done_true_in_done_returns_ok, S_DONE, C_DONE1, 0, S_DONE)                                \
	X(done_false_in_done_returns_ealready, S_DONE, C_DONE0, EALREADY, S_DONE)                  \
	X(schedule_in_done_returns_ok_and_goes_scheduled, S_DONE, C_SCHED, 0, S_SCHED)             \
	X(reset_in_done_returns_ok_and_goes_idle, S_DONE, C_RESET, 0, S_IDLE)                      \
	X(init_in_scheduled_starts_a_new_download, S_SCHED, C_INIT, 0, S_READY)                    \
	X(offset_get_in_scheduled_returns_ok, S_SCHED, C_OFF, 0, S_SCHED)                          \
	X(write_in_scheduled_returns_eperm, S_SCHED, C_WRITE, EPERM, S_SCHED)                      \
	X(done_true_in_scheduled_returns_ok, S_SCHED, C_DONE1, 0, S_SCHED)                         \
	X(done_false_in_scheduled_returns_ealready, S_SCHED, C_DONE0, EALREADY, S_SCHED)           \
	X(schedule_in_scheduled_returns_ok, S_SCHED, C_SCHED, 0, S_SCHED)                          \
	X(reset_in_scheduled_returns_ok_and_goes_idle, S_SCHED, C_RESET, 0, S_IDLE)

#define STATE_TEST(name, s, k, err, after)                          \
	TEST(name)                                                  \
	{                                                           \
		CHECK_OK(enter(s));                                 \
		CHECK_EQ(dfu_ctx_state(&dev.ctx), st_state[s]);     \
		CHECK_ERR(call(k), err);                            \
		CHECK_EQ(dfu_ctx_state(&dev.ctx), st_state[after]); \
	}
STATE_TABLE(STATE_TEST)
#define STATE_RUN(name, s, k, err, after) RUN(name);

TEST(offset_get_in_done_and_scheduled_is_image_size)
{
	CHECK_OK(enter(S_DONE));
	CHECK_EQ(offset_of(&dev.ctx), N);
	CHECK_OK(dfu_ctx_schedule_update(&dev.ctx, 0));
	CHECK_EQ(offset_of(&dev.ctx), N);
}

TEST(offset_get_with_null_pointer_returns_einval)
{
	CHECK_OK(enter(S_WRITING));
	CHECK_ERR(dfu_ctx_offset_get(&dev.ctx, NULL), EINVAL);
}

TEST_MAIN(STATE_TABLE(STATE_RUN) RUN(offset_get_in_done_and_scheduled_is_image_size);
	  RUN(offset_get_with_null_pointer_returns_einval);)
