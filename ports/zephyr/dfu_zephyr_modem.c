/*
 * Modem port: nrfxlib's nrf_modem_delta_dfu_* as a struct dfu_modem_delta
 * (include/dfu/dfu_modem.h). Built with CONFIG_NRF_MODEM_LIB only.
 *
 * The modem library returns 0, a negative nrf_errno.h value (-NRF_Exxx:
 * Linux numbering, not the Zephyr libc's) or a positive modem code
 * (NRF_MODEM_DELTA_DFU_*, the same values as enum dfu_modem_err). Negative
 * values are mapped to this libc's errno; positive ones pass unchanged.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <zephyr/toolchain.h>

#include <nrf_errno.h>
#include <nrf_modem_delta_dfu.h>

#include "dfu/dfu_modem.h"
#include "dfu_zephyr/dfu_zephyr.h"

BUILD_ASSERT(NRF_MODEM_DELTA_DFU_UUID_LEN == DFU_MODEM_UUID_LEN, "UUID length");
BUILD_ASSERT(NRF_MODEM_DELTA_DFU_OFFSET_DIRTY == DFU_MODEM_OFFSET_DIRTY, "dirty offset");
BUILD_ASSERT(NRF_MODEM_DELTA_DFU_AREA_NOT_BLANK == DFU_MODEM_AREA_NOT_BLANK, "modem codes");
BUILD_ASSERT(NRF_MODEM_DELTA_DFU_ERASE_PENDING == DFU_MODEM_ERASE_PENDING, "modem codes");
BUILD_ASSERT(NRF_MODEM_DELTA_DFU_INCOMPLETE_DATA == DFU_MODEM_INCOMPLETE_DATA, "modem codes");
BUILD_ASSERT(NRF_MODEM_DELTA_DFU_NOT_ALLOWED_POFWARN_ON == DFU_MODEM_NOT_ALLOWED_POFWARN_ON,
	     "modem codes");

static int map(int r)
{
	if (r >= 0) {
		return r; /* 0 or a modem code */
	}
	switch (-r) {
	case NRF_EPERM:
		return -EPERM;
	case NRF_ENOMEM:
		return -ENOMEM;
	case NRF_EFAULT:
		return -EFAULT;
	case NRF_EINVAL:
		return -EINVAL;
	case NRF_EALREADY:
		return -EALREADY;
	case NRF_ESHUTDOWN:
		return -ESHUTDOWN;
	case NRF_EAGAIN:
		return -EAGAIN;
	case NRF_EBUSY:
		return -EBUSY;
	case NRF_ETIMEDOUT:
		return -ETIMEDOUT;
	default:
		return -EIO;
	}
}

static int zm_uuid(void *ctx, char uuid[DFU_MODEM_UUID_LEN])
{
	struct nrf_modem_delta_dfu_uuid u;
	int r;

	ARG_UNUSED(ctx);
	r = nrf_modem_delta_dfu_uuid(&u);
	if (r == 0) {
		memcpy(uuid, u.data, DFU_MODEM_UUID_LEN);
	}
	return map(r);
}

static int zm_area(void *ctx, size_t *size)
{
	ARG_UNUSED(ctx);
	return map(nrf_modem_delta_dfu_area(size));
}

static int zm_offset(void *ctx, size_t *offset)
{
	ARG_UNUSED(ctx);
	return map(nrf_modem_delta_dfu_offset(offset));
}

static int zm_write_init(void *ctx)
{
	ARG_UNUSED(ctx);
	return map(nrf_modem_delta_dfu_write_init());
}

static int zm_write(void *ctx, const void *src, size_t len)
{
	ARG_UNUSED(ctx);
	return map(nrf_modem_delta_dfu_write(src, len));
}

static int zm_write_done(void *ctx)
{
	ARG_UNUSED(ctx);
	return map(nrf_modem_delta_dfu_write_done());
}

static int zm_erase(void *ctx)
{
	ARG_UNUSED(ctx);
	return map(nrf_modem_delta_dfu_erase());
}

static int zm_update(void *ctx)
{
	ARG_UNUSED(ctx);
	return map(nrf_modem_delta_dfu_update());
}

static int zm_rollback(void *ctx)
{
	ARG_UNUSED(ctx);
	return map(nrf_modem_delta_dfu_rollback());
}

static const struct dfu_modem_delta modem = {
	.ctx = NULL,
	.uuid = zm_uuid,
	.area = zm_area,
	.offset = zm_offset,
	.write_init = zm_write_init,
	.write = zm_write,
	.write_done = zm_write_done,
	.erase = zm_erase,
	.update = zm_update,
	.rollback = zm_rollback,
};

const struct dfu_modem_delta *dfu_zephyr_modem_delta(void)
{
	return &modem;
}
