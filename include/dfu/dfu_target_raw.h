/*
 * Raw area target: stores an image byte for byte into a flash area through
 * the stream writer (resumable, power-cut safe), without interpreting it.
 * Register it as the CUSTOM target (or wrap its ops in your own table with an
 * identify function and a schedule hook). It is the simplest complete target
 * and the one the demo, tests and benchmarks use for the stream engine.
 *
 *   static uint8_t buf[512];
 *   static struct dfu_raw raw = { .cfg = { .flash = &ext_flash, .offset = 0,
 *           .size = 0x100000, .buf = buf, .buf_len = sizeof(buf),
 *           .key = "dfu/raw" } };
 *   static const struct dfu_target_entry targets[] = {
 *           { &dfu_target_raw_ops, &raw } };
 *
 * cfg.kv may be left NULL: init then takes the store from the context's port
 * (no store there = no persistence across reboots).
 *
 * schedule_update calls the optional hook `schedule` when set (its result
 * is returned); without a hook it is a documented no-op returning 0 (the
 * application installs the area's content itself).
 * reset erases the area's first erase block and deletes the record.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_TARGET_RAW_H_
#define DFU_TARGET_RAW_H_

#include "dfu/dfu_stream.h"
#include "dfu/dfu_target.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dfu_raw {
	struct dfu_stream_cfg cfg;                /**< Filled by the caller. */
	int (*schedule)(void *user, int img_num); /**< Optional hook. */
	void *user;
	struct dfu_stream stream; /**< Private. */
};

extern const struct dfu_target_ops dfu_target_raw_ops;

#ifdef __cplusplus
}
#endif

#endif /* DFU_TARGET_RAW_H_ */
