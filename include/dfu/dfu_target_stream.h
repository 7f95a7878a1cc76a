/*
 * nRF Connect SDK's stream API (<dfu/dfu_target_stream.h>): one flash stream
 * at a time, identified by a string, over this library's stream writer
 * (dfu_stream.h). Same names, signatures and structure as NCS.
 *
 *   dfu_target_stream_init(&(struct dfu_target_stream_init){
 *           .id = "MY_IMAGE", .fdev = dev, .buf = buf, .len = sizeof(buf),
 *           .offset = 0x80000, .size = 0x40000 });
 *
 * fdev is the platform's device handle: the default context's configuration
 * (dfu_target.h: dfu_target_setup() or the platform hook) maps it to a
 * struct dfu_flash with its device_flash() callback.
 *
 * Progress (DFU_CONFIG_STREAM_SAVE_PROGRESS, alias
 * CONFIG_DFU_TARGET_STREAM_SAVE_PROGRESS; default on here): kept in the
 * configuration's store under "dfu/" + 8 hex digits of the id's CRC-32 (the
 * store's keys are at most 15 characters), as this library's versioned,
 * CRC-checked record bound to the id and the area, checkpointed once per
 * erase block (not after every write). After a reboot init resumes at the
 * last checkpoint (an erase-block boundary); in the same boot, init after
 * done(false) with the same id resumes exactly where the flash writes
 * stopped.
 *
 *   init          -EFAULT while a stream is open (one at a time); -EINVAL
 *                 for NULL init, id, fdev or buf, len 0, or an offset or
 *                 size over 4 GiB; -ENODEV no configuration or no flash for
 *                 fdev; the stream writer's errors (-EINVAL misaligned or
 *                 out-of-device area or buffer; a store read error). A failed
 *                 init leaves no stream open.
 *   offset_get    bytes programmed to flash (not the buffered ones, as NCS:
 *                 add dfu_target_stream_bytes_buffered_get() for what was
 *                 accepted); 0 before any init.
 *   write         buffered; -EPERM with no stream open; -EFBIG past the end
 *                 of the area (NCS: -ENOMEM); flash and store errors.
 *   done(true)    flushes the tail and deletes the progress record (the next
 *                 init starts at 0, as NCS); done(false) checkpoints and
 *                 keeps the download resumable. Both close the stream.
 *                 -EPERM with no stream open.
 *   reset         deletes the progress record, erases the first erase block
 *                 of the area, closes the stream; 0 when none was ever
 *                 opened.
 *
 * Not as NCS: init's cb (NCS ignores it too) is not called;
 * dfu_target_stream_get_stream() returns NULL (there is no Zephyr
 * stream_flash context); SYNCHRONOUS mode is not implemented (writes are
 * never padded and re-programmed: see README "NCS API").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_TARGET_STREAM_H_
#define DFU_TARGET_STREAM_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_target.h"

#ifdef __cplusplus
extern "C" {
#endif

struct device;
struct stream_flash_ctx;

/** NCS: called after each flash write with the data written (not called). */
typedef int (*stream_flash_callback_t)(uint8_t *buf, size_t len, size_t offset);

/** NCS's stream initialisation structure. */
struct dfu_target_stream_init {
	const char *id;             /**< Identifies the stream (progress key). */
	const struct device *fdev;  /**< Flash device (device_flash()). */
	uint8_t *buf;               /**< Staging buffer. */
	size_t len;                 /**< Its length. */
	size_t offset;              /**< Area start in fdev. */
	size_t size;                /**< Area size; 0 = up to the end of fdev. */
	stream_flash_callback_t cb; /**< Ignored (as NCS). */
};

/** Always NULL here (no Zephyr stream_flash context). */
struct stream_flash_ctx *dfu_target_stream_get_stream(void);

int dfu_target_stream_init(const struct dfu_target_stream_init *init);
int dfu_target_stream_offset_get(size_t *offset);
int dfu_target_stream_bytes_buffered_get(size_t *out);
int dfu_target_stream_write(const uint8_t *buf, size_t len);
int dfu_target_stream_done(bool successful);
int dfu_target_stream_reset(void);

#ifdef __cplusplus
}
#endif

#endif /* DFU_TARGET_STREAM_H_ */
