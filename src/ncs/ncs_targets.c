/*
 * nRF Connect SDK per-target entry points and configuration calls over the
 * default context (dfu_target_ncs.h, dfu_target_full_modem.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "dfu/dfu_identify.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_full_modem.h"
#include "dfu/dfu_target_mcuboot.h"
#include "dfu/dfu_target_ncs.h"
#include "ncs_internal.h"

/* The configuration of the default context, or the platform's (called even
 * when its configuration does not set up yet, e.g. a buffer still missing). */
static const struct dfu_config *config(void)
{
	const struct dfu_ctx *ctx = dfu_target_default_ctx();

	return ctx->cfg != NULL ? ctx->cfg : dfu_target_platform_config();
}

static const struct dfu_target_entry *entry_of(const struct dfu_config *cfg, int type)
{
	for (size_t i = 0; cfg != NULL && i < cfg->target_count; i++) {
		if (cfg->targets[i].ops != NULL && cfg->targets[i].ops->type == type) {
			return &cfg->targets[i];
		}
	}
	return NULL;
}

static bool is_current(int type)
{
	const struct dfu_ctx *ctx = dfu_target_default_ctx();

	return ctx->cur != NULL && ctx->cur->ops->type == type;
}

static bool open_download(int type)
{
	int st = dfu_ctx_state(dfu_target_default_ctx());

	return is_current(type) && (st == DFU_STATE_READY || st == DFU_STATE_WRITING ||
				    st == DFU_STATE_FAILED || st == DFU_STATE_BUSY);
}

static int offset_get_of(int type, size_t *offset)
{
	return is_current(type) ? dfu_target_offset_get(offset) : -EACCES;
}

static int write_of(int type, const void *buf, size_t len)
{
	return is_current(type) ? dfu_target_write(buf, len) : -EACCES;
}

static int done_of(int type, bool successful)
{
	return is_current(type) ? dfu_target_done(successful) : -EACCES;
}

/* reset() of a type that is not current: init it first (after a reboot). */
static int reset_of(int type)
{
	if (!is_current(type)) {
		int err = dfu_target_init(type, 0, 0, NULL);

		if (err) {
			return err;
		}
	}
	return dfu_target_reset();
}

/* ---- MCUboot ------------------------------------------------------------ */

int dfu_target_mcuboot_set_buf(uint8_t *buf, size_t len)
{
	if (buf == NULL || ((uintptr_t)buf & 3u) != 0 || len == 0 || len > UINT32_MAX) {
		return -EINVAL;
	}
	const struct dfu_config *cfg = config();

	if (cfg == NULL) {
		return -ENODEV;
	}
	const struct dfu_target_entry *e = entry_of(cfg, DFU_TARGET_IMAGE_TYPE_MCUBOOT);

	if (e == NULL || e->state == NULL) {
		return -ENOTSUP;
	}
	if (open_download(DFU_TARGET_IMAGE_TYPE_MCUBOOT)) {
		return -EBUSY;
	}
	struct dfu_mcuboot *m = e->state;

	m->cfg.buf = buf;
	m->cfg.buf_len = (uint32_t)len;
	(void)dfu_target_default_ready(); /* a setup error shows at init */
	return 0;
}

bool dfu_target_mcuboot_identify(const void *const buf)
{
	return dfu_identify_builtin(DFU_TARGET_IMAGE_TYPE_MCUBOOT, buf,
				    DFU_TARGET_MIN_SIZE_IDENTIFY_BUF);
}

int dfu_target_mcuboot_init(size_t file_size, int img_num, dfu_target_callback_t cb)
{
	return dfu_target_init(DFU_TARGET_IMAGE_TYPE_MCUBOOT, img_num, file_size, cb);
}

int dfu_target_mcuboot_offset_get(size_t *offset)
{
	return offset_get_of(DFU_TARGET_IMAGE_TYPE_MCUBOOT, offset);
}

int dfu_target_mcuboot_write(const void *const buf, size_t len)
{
	return write_of(DFU_TARGET_IMAGE_TYPE_MCUBOOT, buf, len);
}

int dfu_target_mcuboot_done(bool successful)
{
	return done_of(DFU_TARGET_IMAGE_TYPE_MCUBOOT, successful);
}

int dfu_target_mcuboot_schedule_update(int img_num)
{
	if (is_current(DFU_TARGET_IMAGE_TYPE_MCUBOOT)) {
		return dfu_target_schedule_update(img_num);
	}
	int err = dfu_target_default_ready();

	if (err) {
		return err;
	}
	const struct dfu_target_entry *e =
		entry_of(dfu_target_default_ctx()->cfg, DFU_TARGET_IMAGE_TYPE_MCUBOOT);

	return e != NULL ? dfu_mcuboot_schedule(e->state, img_num, false) : -ENOTSUP;
}

int dfu_target_mcuboot_reset(void)
{
	return reset_of(DFU_TARGET_IMAGE_TYPE_MCUBOOT);
}

/* ---- modem delta -------------------------------------------------------- */

bool dfu_target_modem_delta_identify(const void *const buf)
{
	return dfu_identify_builtin(DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, buf,
				    DFU_TARGET_MIN_SIZE_IDENTIFY_BUF);
}

int dfu_target_modem_delta_init(size_t file_size, int img_num, dfu_target_callback_t callback)
{
	return dfu_target_init(DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, img_num, file_size, callback);
}

int dfu_target_modem_delta_offset_get(size_t *offset)
{
	return offset_get_of(DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, offset);
}

int dfu_target_modem_delta_write(const void *const buf, size_t len)
{
	return write_of(DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, buf, len);
}

int dfu_target_modem_delta_done(bool successful)
{
	return done_of(DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, successful);
}

int dfu_target_modem_delta_schedule_update(int img_num)
{
	if (!is_current(DFU_TARGET_IMAGE_TYPE_MODEM_DELTA)) {
		int err = dfu_target_init(DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, 0, 0, NULL);

		if (err) {
			return err;
		}
	}
	return dfu_target_schedule_update(img_num);
}

int dfu_target_modem_delta_reset(void)
{
	return reset_of(DFU_TARGET_IMAGE_TYPE_MODEM_DELTA);
}

/* ---- full modem --------------------------------------------------------- */

static bool fm_configured;
static struct dfu_target_fmfu_fdev fm_fdev;

bool dfu_target_full_modem_identify(const void *const buf)
{
	return dfu_identify_builtin(DFU_TARGET_IMAGE_TYPE_FULL_MODEM, buf,
				    DFU_TARGET_MIN_SIZE_IDENTIFY_BUF);
}

int dfu_target_full_modem_init(size_t file_size, int img_num, dfu_target_callback_t callback)
{
	return dfu_target_init(DFU_TARGET_IMAGE_TYPE_FULL_MODEM, img_num, file_size, callback);
}

int dfu_target_full_modem_offset_get(size_t *offset)
{
	return offset_get_of(DFU_TARGET_IMAGE_TYPE_FULL_MODEM, offset);
}

int dfu_target_full_modem_write(const void *const buf, size_t len)
{
	return write_of(DFU_TARGET_IMAGE_TYPE_FULL_MODEM, buf, len);
}

int dfu_target_full_modem_done(bool successful)
{
	return done_of(DFU_TARGET_IMAGE_TYPE_FULL_MODEM, successful);
}

int dfu_target_full_modem_schedule_update(int img_num)
{
	/* NCS: a no-op; the modem is programmed from flash later. */
	return is_current(DFU_TARGET_IMAGE_TYPE_FULL_MODEM) ? dfu_target_schedule_update(img_num)
							    : 0;
}

int dfu_target_full_modem_reset(void)
{
	return reset_of(DFU_TARGET_IMAGE_TYPE_FULL_MODEM);
}

int dfu_target_full_modem_cfg(const struct dfu_target_full_modem_params *params)
{
	if (fm_configured) {
		return -EALREADY;
	}
	if (params == NULL || params->buf == NULL || params->len == 0 || params->len > UINT32_MAX) {
		return -EINVAL;
	}
	const struct dfu_target_fmfu_fdev *d = params->dev;

	if (!DFU_CONFIG_FULL_MODEM_USE_EXT_PARTITION &&
	    (d == NULL || d->dev == NULL || d->offset < 0 || (uintmax_t)d->offset > UINT32_MAX ||
	     d->size > UINT32_MAX)) {
		return -EINVAL;
	}
	const struct dfu_config *cfg = config();

	if (cfg == NULL) {
		return -ENODEV;
	}
	const struct dfu_target_entry *e = entry_of(cfg, DFU_TARGET_IMAGE_TYPE_FULL_MODEM);

	if (e == NULL || e->state == NULL) {
		return -ENOTSUP;
	}
	if (open_download(DFU_TARGET_IMAGE_TYPE_FULL_MODEM)) {
		return -EBUSY;
	}
	struct dfu_full_modem *fm = e->state;

	if (!DFU_CONFIG_FULL_MODEM_USE_EXT_PARTITION) {
		const struct dfu_flash *flash =
			cfg->device_flash != NULL ? cfg->device_flash(d->dev) : NULL;

		if (flash == NULL) {
			return -ENODEV;
		}
		fm->cfg.flash = flash;
		fm->cfg.offset = (uint32_t)d->offset;
		fm->cfg.size = (uint32_t)d->size;
		fm_fdev = *d;
	} else {
		fm_fdev.dev = NULL;
		fm_fdev.offset = (off_t)fm->cfg.offset;
		fm_fdev.size = fm->cfg.size;
	}
	fm->cfg.buf = params->buf;
	fm->cfg.buf_len = (uint32_t)params->len;
	fm_configured = true;
	(void)dfu_target_default_ready(); /* a setup error shows at init */
	return 0;
}

int dfu_target_full_modem_fdev_get(struct dfu_target_fmfu_fdev *const fdev)
{
	if (!fm_configured) {
		return -EPERM;
	}
	if (fdev == NULL) {
		return -EINVAL;
	}
	*fdev = fm_fdev;
	return 0;
}

void dfu_target_ncs_forget(void)
{
	fm_configured = false;
	memset(&fm_fdev, 0, sizeof(fm_fdev));
	dfu_ncs_stream_forget();
}
