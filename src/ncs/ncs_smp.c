/*
 * nRF Connect SDK's SMP target: declared for source compatibility, not
 * implemented (-ENOTSUP), dfu_target_smp.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>

#include "dfu/dfu_identify.h"
#include "dfu/dfu_target_smp.h"

int dfu_target_smp_recovery_mode_enable(dfu_target_reset_cb_t cb)
{
	(void)cb;
	return -ENOTSUP;
}

int dfu_target_smp_client_init(void)
{
	return -ENOTSUP;
}

int dfu_target_smp_image_list_get(struct mcumgr_image_state *res_buf)
{
	(void)res_buf;
	return -ENOTSUP;
}

int dfu_target_smp_reboot(void)
{
	return -ENOTSUP;
}

int dfu_target_smp_confirm_image(void)
{
	return -ENOTSUP;
}

bool dfu_target_smp_identify(const void *const buf)
{
	return dfu_identify_mcuboot(buf, DFU_TARGET_MIN_SIZE_IDENTIFY_BUF);
}

int dfu_target_smp_init(size_t file_size, int img_num, dfu_target_callback_t cb)
{
	(void)file_size;
	(void)img_num;
	(void)cb;
	return -ENOTSUP;
}

int dfu_target_smp_offset_get(size_t *offset)
{
	(void)offset;
	return -ENOTSUP;
}

int dfu_target_smp_write(const void *const buf, size_t len)
{
	(void)buf;
	(void)len;
	return -ENOTSUP;
}

int dfu_target_smp_done(bool successful)
{
	(void)successful;
	return -ENOTSUP;
}

int dfu_target_smp_schedule_update(int img_num)
{
	(void)img_num;
	return -ENOTSUP;
}

int dfu_target_smp_reset(void)
{
	return -ENOTSUP;
}
