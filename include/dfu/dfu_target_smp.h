/*
 * nRF Connect SDK's SMP target (<dfu/dfu_target_smp.h>): declarations with
 * NCS's names and signatures so that code referring to them compiles. There
 * is no SMP (MCUmgr client) target in this library: every call returns
 * -ENOTSUP, except dfu_target_smp_identify() (the MCUboot magic, as NCS) and
 * dfu_target_smp_img_type_check() (dfu_target.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_TARGET_SMP_H_
#define DFU_TARGET_SMP_H_

#include <stdbool.h>
#include <stddef.h>

#include "dfu/dfu_target.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Zephyr MCUmgr's image state (opaque here). */
struct mcumgr_image_state;

typedef int (*dfu_target_reset_cb_t)(void);

int dfu_target_smp_recovery_mode_enable(dfu_target_reset_cb_t cb);
int dfu_target_smp_client_init(void);
int dfu_target_smp_image_list_get(struct mcumgr_image_state *res_buf);
int dfu_target_smp_reboot(void);
int dfu_target_smp_confirm_image(void);
bool dfu_target_smp_identify(const void *const buf);
int dfu_target_smp_init(size_t file_size, int img_num, dfu_target_callback_t cb);
int dfu_target_smp_offset_get(size_t *offset);
int dfu_target_smp_write(const void *const buf, size_t len);
int dfu_target_smp_done(bool successful);
int dfu_target_smp_schedule_update(int img_num);
int dfu_target_smp_reset(void);

#ifdef __cplusplus
}
#endif

#endif /* DFU_TARGET_SMP_H_ */
