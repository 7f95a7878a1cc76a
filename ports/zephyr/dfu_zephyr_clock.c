/*
 * Clock port on the kernel's uptime (see dfu_zephyr.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <zephyr/kernel.h>

#include "dfu_zephyr/dfu_zephyr.h"

static uint32_t zc_now_ms(void *ctx)
{
	ARG_UNUSED(ctx);
	return k_uptime_get_32();
}

static void zc_sleep_ms(void *ctx, uint32_t ms)
{
	ARG_UNUSED(ctx);
	(void)k_msleep((int32_t)MIN(ms, (uint32_t)INT32_MAX));
}

static const struct dfu_clock clock = {
	.ctx = NULL,
	.now_ms = zc_now_ms,
	.sleep_ms = zc_sleep_ms,
};

const struct dfu_clock *dfu_zephyr_clock(void)
{
	return &clock;
}
