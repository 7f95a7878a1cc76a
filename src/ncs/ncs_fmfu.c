/*
 * nRF Connect SDK's fmfu_fdev_load() (<dfu/fmfu_fdev.h>) over the full modem
 * install: the flash and partition of the full modem target registered in
 * the default context's configuration, the bootloader port registered with
 * fmfu_fdev_set_bootloader().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>

#include "dfu/dfu_target.h"
#include "dfu/fmfu_fdev.h"

static const struct dfu_modem_bootloader *ncs_bl;
static uint32_t ncs_flags;

void fmfu_fdev_set_bootloader(const struct dfu_modem_bootloader *bl, uint32_t flags)
{
	ncs_bl = bl;
	ncs_flags = flags;
}

int fmfu_fdev_load(uint8_t *buf, size_t buf_len, const struct device *fdev, size_t offset)
{
	const struct dfu_ctx *ctx = dfu_target_default_ctx();
	const struct dfu_config *cfg;
	const struct dfu_flash *flash;

	if (buf == NULL || fdev == NULL) {
		return -ENOMEM; /* as NCS */
	}
	if (ncs_bl == NULL) {
		return -ENOTSUP;
	}
	cfg = ctx->cfg != NULL ? ctx->cfg : dfu_target_platform_config();
	flash = cfg != NULL && cfg->device_flash != NULL ? cfg->device_flash(fdev) : NULL;
	if (flash == NULL) {
		return -ENODEV;
	}
	for (size_t i = 0; i < cfg->target_count; i++) {
		const struct dfu_target_entry *e = &cfg->targets[i];
		struct dfu_full_modem *fm = e->state;

		if (e->ops == NULL || e->ops->type != DFU_TARGET_IMAGE_TYPE_FULL_MODEM ||
		    fm == NULL || fm->cfg.flash != flash || fm->cfg.offset != offset) {
			continue;
		}
		if (fm->cfg.kv == NULL && fm->scfg.kv == NULL && cfg->port != NULL) {
			/* no init since the boot: the store init would use */
			fm->scfg.kv = cfg->port->kv;
		}
		return dfu_full_modem_install(fm, ncs_bl, buf, buf_len,
					      ncs_flags | DFU_FMFU_NO_SESSION);
	}
	return -ENODEV;
}
