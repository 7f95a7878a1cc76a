/*
 * SPDX-License-Identifier: Apache-2.0
 */
#include "support.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void ctx_build(struct dev *d)
{
	memset(&d->raw, 0, sizeof(d->raw));
	d->raw.cfg.flash = &d->flash.dev;
	d->raw.cfg.offset = d->o.area_offset;
	d->raw.cfg.size = d->o.area_size;
	d->raw.cfg.buf = d->buf;
	d->raw.cfg.buf_len = d->o.buf_len;
	d->raw.cfg.key = "dfu/raw0";
	d->raw.cfg.checkpoint_blocks = d->o.ckpt_blocks;
	d->raw.cfg.flags = d->o.flags;
	d->entry.ops = &dfu_target_raw_ops;
	d->entry.state = &d->raw;
	d->port.kv = d->o.no_kv ? NULL : &d->kv.dev;
	d->port.clock = &d->clock.dev;
	setup_one_target(&d->ctx, &d->cfg, &d->port, &d->entry);
}

void setup_one_target(struct dfu_ctx *ctx, struct dfu_config *cfg, const struct dfu_port *port,
		      const struct dfu_target_entry *entry)
{
	*cfg = (struct dfu_config){.port = port, .targets = entry, .target_count = 1};
	if (dfu_ctx_setup(ctx, cfg) != 0) {
		abort();
	}
}

void dev_create(struct dev *d, const struct dev_opts *o)
{
	memset(d, 0, sizeof(*d));
	d->o = *o;
	if (d->o.flash_size == 0) {
		d->o.flash_size = 256 * 1024;
	}
	if (d->o.buf_len == 0) {
		d->o.buf_len = 512;
	}
	if (d->o.buf_len > DEV_MAX_BUF) {
		abort();
	}
	if (sim_flash_init(&d->flash, o->geo, d->o.flash_size, &d->power) != 0) {
		abort();
	}
	sim_kv_init(&d->kv, &d->power);
	sim_clock_init(&d->clock);
	ctx_build(d);
}

void dev_reboot(struct dev *d)
{
	sim_power_reboot(&d->power);
	ctx_build(d);
}

void dev_destroy(struct dev *d)
{
	sim_flash_free(&d->flash);
}

void fill_random(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1u;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)(x >> 7);
	}
}

int app_download(struct dev *d, const uint8_t *img, size_t n, size_t chunk, size_t *resumed_at)
{
	size_t first = n < 64 ? n : 64;
	size_t off = 0;
	int err;

	(void)dfu_ctx_img_type(&d->ctx, img, first);
	err = dfu_ctx_init(&d->ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL);
	if (err) {
		return err;
	}
	err = dfu_ctx_offset_get(&d->ctx, &off);
	if (err) {
		return err;
	}
	if (resumed_at != NULL) {
		*resumed_at = off;
	}
	if (dfu_ctx_state(&d->ctx) == DFU_STATE_DONE) {
		return 0;
	}
	while (off < n) {
		size_t k = n - off < chunk ? n - off : chunk;

		err = dfu_ctx_write(&d->ctx, img + off, k);
		if (err) {
			return err;
		}
		off += k;
	}
	return dfu_ctx_done(&d->ctx, true);
}

int app_update_ctx(struct dfu_ctx *ctx, const struct dfu_init_params *ip, const uint8_t *img,
		   size_t n, size_t chunk, int sched_img, size_t *sent)
{
	for (int round = 0; round < 8; round++) {
		size_t off = 0;
		int err = dfu_ctx_init_ex(ctx, ip);

		if (err == 0) {
			err = dfu_ctx_offset_get(ctx, &off);
		}
		while (err == 0 && off < n && dfu_ctx_state(ctx) != DFU_STATE_DONE) {
			size_t k = n - off < chunk ? n - off : chunk;

			err = dfu_ctx_write(ctx, img + off, k);
			*sent += k;
			off += k;
		}
		if (err == 0) {
			err = dfu_ctx_done(ctx, true);
		}
		if (err) {
			continue;
		}
		err = dfu_ctx_schedule_update(ctx, sched_img);
		if (err) {
			err = dfu_ctx_schedule_update(ctx, sched_img);
		}
		if (err == 0) {
			return 0;
		}
	}
	return -ETIMEDOUT;
}
