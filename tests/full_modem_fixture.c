/*
 * SPDX-License-Identifier: Apache-2.0
 */
#include "full_modem_fixture.h"

#include <stdlib.h>
#include <string.h>

#include "support.h"

static void ctx_build(struct fmdev *d)
{
	memset(&d->fm, 0, sizeof(d->fm));
	d->fm.cfg.flash = d->o.no_flash ? NULL : &d->flash.dev;
	d->fm.cfg.offset = d->o.part_off;
	d->fm.cfg.size = d->o.part_size;
	d->fm.cfg.min_size = d->o.min_size == UINT32_MAX ? 0 : d->o.min_size;
	d->fm.cfg.buf = d->buf;
	d->fm.cfg.buf_len = d->o.buf_len;
	d->fm.cfg.kv = d->o.kv_in_cfg ? &d->kv.dev : NULL;
	d->fm.cfg.checkpoint_blocks = d->o.ckpt;
	d->fm.cfg.flags = d->o.flags;
	d->entry.ops = &dfu_target_full_modem_ops;
	d->entry.state = &d->fm;
	d->port.kv = &d->kv.dev;
	d->port.crypto = d->o.crypto;
	setup_one_target(&d->ctx, &d->cfg, &d->port, &d->entry);
}

int fmdev_create(struct fmdev *d, const struct fmdev_opts *o)
{
	memset(d, 0, sizeof(*d));
	d->o = *o;
	if (d->o.geo == NULL) {
		d->o.geo = &sim_geo_mx25r64;
	}
	if (d->o.part_off == 0) {
		d->o.part_off = 0x10000;
	}
	if (d->o.part_size == 0) {
		d->o.part_size = 0x40000;
	}
	if (d->o.flash_size == 0) {
		d->o.flash_size = d->o.part_off + d->o.part_size;
	}
	if (d->o.min_size == 0) {
		d->o.min_size = 0x10000;
	}
	if (d->o.buf_len == 0) {
		d->o.buf_len = FM_BUF_MAX;
	}
	if (d->o.buf_len > FM_BUF_MAX ||
	    sim_flash_init(&d->flash, d->o.geo, d->o.flash_size, &d->power) != 0) {
		return -1;
	}
	sim_kv_init(&d->kv, &d->power);
	ctx_build(d);
	return 0;
}

void fmdev_reboot(struct fmdev *d)
{
	sim_power_reboot(&d->power);
	ctx_build(d);
}

void fmdev_destroy(struct fmdev *d)
{
	sim_flash_free(&d->flash);
}

uint8_t *fmdev_part(struct fmdev *d)
{
	return d->flash.mem + d->o.part_off;
}

uint32_t fmdev_mutations(const struct fmdev *d)
{
	return d->flash.cnt.programs + d->flash.cnt.erases + d->kv.cnt.writes + d->kv.cnt.removes;
}

bool fmdev_has_record(struct fmdev *d, const char *key)
{
	uint8_t tmp[DFU_KV_MAX_RECORD];

	return d->kv.dev.read(d->kv.dev.ctx, key, tmp, sizeof(tmp)) >= 0;
}

int fmdev_init_digest(struct fmdev *d, const uint8_t *f, size_t n, size_t file_size,
		      const uint8_t *digest)
{
	struct dfu_init_params ip = {
		.img_type = DFU_TARGET_IMAGE_TYPE_FULL_MODEM,
		.file_size = file_size,
		.first = f,
		.first_len = n < 64 ? n : 64,
		.expected_digest = digest,
	};

	return dfu_ctx_init_ex(&d->ctx, &ip);
}

int fmdev_init(struct fmdev *d, const uint8_t *f, size_t n, size_t file_size)
{
	return fmdev_init_digest(d, f, n, file_size, NULL);
}

int fmdev_write(struct fmdev *d, const uint8_t *f, size_t from, size_t to, size_t chunk)
{
	while (from < to) {
		size_t k = to - from < chunk ? to - from : chunk;
		int err = dfu_ctx_write(&d->ctx, f + from, k);

		if (err) {
			return err;
		}
		from += k;
	}
	return 0;
}

int fmdev_download(struct fmdev *d, const uint8_t *f, size_t n, size_t file_size, size_t chunk,
		   size_t *resumed)
{
	size_t off = 0;
	int err;

	(void)dfu_ctx_img_type(&d->ctx, f, n < 64 ? n : 64);
	err = fmdev_init(d, f, n, file_size);
	if (err == 0) {
		err = dfu_ctx_offset_get(&d->ctx, &off);
	}
	if (err) {
		return err;
	}
	if (resumed != NULL) {
		*resumed = off;
	}
	if (dfu_ctx_state(&d->ctx) == DFU_STATE_DONE) {
		return 0;
	}
	err = fmdev_write(d, f, off, n, chunk);
	return err ? err : dfu_ctx_done(&d->ctx, true);
}
