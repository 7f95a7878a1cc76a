/*
 * nRF Connect SDK per-target entry points (dfu_target_mcuboot_*,
 * dfu_target_modem_delta_*, dfu_target_full_modem_*), with NCS's names and
 * signatures, for applications that call a target directly (e.g. the serial
 * LTE modem's dfu_target_modem_delta_done() + _schedule_update()). Included
 * by dfu_target_mcuboot.h, dfu_target_modem_delta.h and
 * dfu_target_full_modem.h, as NCS declares them there.
 *
 * They work on the default context (dfu_target.h: dfu_target_setup() or the
 * platform hook) and its registered target of that type:
 *   identify(buf)        the built-in magic check (buf: >= 8 bytes read).
 *   init(size, n, cb)    dfu_target_init(TYPE, n, size, cb).
 *   offset_get, write,   the seed call when TYPE's target is the current
 *   done                 one; -EACCES otherwise (no download of this type).
 *   schedule_update(n)   the seed call when TYPE is current; otherwise
 *                        MCUboot: dfu_mcuboot_schedule(n, test) on the
 *                        registered target (works after a reboot); modem
 *                        delta: init(TYPE, 0, 0) then schedule; full modem:
 *                        0 (a no-op, as NCS: the install is from flash).
 *   reset()              the seed call when TYPE is current; otherwise
 *                        init(TYPE, 0, 0) then reset (a reset after a reboot
 *                        needs no init by the application).
 * Errors as those calls; -ENODEV without a configuration, -ENOTSUP when the
 * configuration registers no target of that type.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_TARGET_NCS_H_
#define DFU_TARGET_NCS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_target.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Use buf as the MCUboot target's staging buffer (NCS: "set buffer to use
 * for flash write operations", fota_download calls it once at init). Sets
 * cfg.buf/buf_len of the MCUboot target registered in the default context's
 * configuration (the platform hook's, which it calls if needed); the target
 * checks len at init (a multiple of the write block, >= 64, room for a
 * signature). Returns 0; -EINVAL for NULL buf, buf not 4-byte aligned, len
 * 0 or over 4 GiB; -ENODEV no configuration; -ENOTSUP no MCUboot target
 * registered; -EBUSY while an MCUboot download is open (READY, WRITING,
 * FAILED).
 */
int dfu_target_mcuboot_set_buf(uint8_t *buf, size_t len);
bool dfu_target_mcuboot_identify(const void *const buf);
int dfu_target_mcuboot_init(size_t file_size, int img_num, dfu_target_callback_t cb);
int dfu_target_mcuboot_offset_get(size_t *offset);
int dfu_target_mcuboot_write(const void *const buf, size_t len);
int dfu_target_mcuboot_done(bool successful);
int dfu_target_mcuboot_schedule_update(int img_num);
int dfu_target_mcuboot_reset(void);

bool dfu_target_modem_delta_identify(const void *const buf);
int dfu_target_modem_delta_init(size_t file_size, int img_num, dfu_target_callback_t callback);
int dfu_target_modem_delta_offset_get(size_t *offset);
int dfu_target_modem_delta_write(const void *const buf, size_t len);
int dfu_target_modem_delta_done(bool successful);
int dfu_target_modem_delta_schedule_update(int img_num);
int dfu_target_modem_delta_reset(void);

bool dfu_target_full_modem_identify(const void *const buf);
int dfu_target_full_modem_init(size_t file_size, int img_num, dfu_target_callback_t callback);
int dfu_target_full_modem_offset_get(size_t *offset);
int dfu_target_full_modem_write(const void *const buf, size_t len);
int dfu_target_full_modem_done(bool successful);
int dfu_target_full_modem_schedule_update(int img_num);
int dfu_target_full_modem_reset(void);

/**
 * Forget the NCS layer's own state: dfu_target_full_modem_cfg()'s
 * "configured" (so it can be called again) and the NCS stream (closed, not
 * reset: nothing in flash or the store changes). Not an NCS call: for tests
 * and for a platform that reconfigures the default context.
 */
void dfu_target_ncs_forget(void);

#ifdef __cplusplus
}
#endif

#endif /* DFU_TARGET_NCS_H_ */
