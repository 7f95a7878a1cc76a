/*
 * SPDX-License-Identifier: Apache-2.0
 */
#include "mcuboot_fixture.h"

#include <stdlib.h>
#include <string.h>

#include "mcuboot_img.h"
#include "support.h"

#define SMALL_SLOT_SECTORS 8u

static void ctx_build(struct mdev *d)
{
	memset(&d->mcuboot, 0, sizeof(d->mcuboot));
	d->mcuboot.cfg.board = &d->board;
	d->mcuboot.cfg.buf = d->buf;
	d->mcuboot.cfg.buf_len = d->o.buf_len;
	d->mcuboot.cfg.flags = d->o.flags;
	d->mcuboot.cfg.keys = d->o.keys;
	d->mcuboot.cfg.key_count = d->o.key_count;
	d->mcuboot.cfg.profile = d->o.profile;
	d->entry.ops = &dfu_target_mcuboot_ops;
	d->entry.state = &d->mcuboot;
	d->port.kv = &d->kv.dev;
	d->port.clock = &d->clock.dev;
	d->port.crypto = d->o.crypto;
	setup_one_target(&d->ctx, &d->cfg, &d->port, &d->entry);
}

int mdev_create(struct mdev *d, const struct mdev_opts *o)
{
	memset(d, 0, sizeof(*d));
	d->o = *o;
	if (d->o.geo == NULL) {
		d->o.geo = &sim_geo_nrf52840;
	}
	if (d->o.slot0_size == 0) {
		d->o.slot0_size = 0x70000;
	}
	if (d->o.buf_len == 0) {
		d->o.buf_len = 512;
	}
	uint32_t eb = d->o.geo->erase_block;
	uint32_t s0 = d->o.slot0_size;
	/* move: the primary is one sector larger; offset: the secondary is */
	uint32_t p0 = d->o.mode == DFU_MCUBOOT_SWAP_MOVE ? s0 + eb : s0;
	uint32_t s1 = d->o.mode == DFU_MCUBOOT_SWAP_OFFSET ? s0 + eb : s0;
	uint32_t small = SMALL_SLOT_SECTORS * eb;
	uint32_t need = p0 + s1 + 4 * small + 2 * eb;

	if (d->o.flash_size == 0) {
		d->o.flash_size = (need + 0xFFFFu) & ~0xFFFFu;
	}
	if (sim_flash_init(&d->flash, d->o.geo, d->o.flash_size, &d->power) != 0) {
		return -1;
	}
	sim_kv_init(&d->kv, &d->power);
	sim_clock_init(&d->clock);

	const struct dfu_flash *f = &d->flash.dev;
	struct dfu_mcuboot_pair *p = d->pairs;

	p[0] = (struct dfu_mcuboot_pair){
		.primary = {f, 0, p0},
		.secondary = {f, p0, s1},
		.mode = d->o.mode,
		.max_align = d->o.align,
	};
	uint32_t at = p0 + s1;

	for (int i = 1; i < 3; i++) {
		p[i] = (struct dfu_mcuboot_pair){
			.primary = {f, at, small + eb},
			.secondary = {f, at + small + eb, small},
			.mode = DFU_MCUBOOT_SWAP_MOVE,
		};
		at += 2 * small + eb;
	}
	if (at > d->o.flash_size) {
		return -1;
	}
	d->board.pairs = d->pairs;
	d->board.pair_count = 3;
	if (!d->o.empty_primary) {
		for (int i = 0; i < 3; i++) {
			mdev_running(d, i, 0, 0, 0, 0);
		}
	}
	ctx_build(d);
	return 0;
}

void mdev_running(struct mdev *d, int pair, uint8_t major, uint8_t minor, uint16_t revision,
		  uint32_t build)
{
	static const uint8_t payload[64] = {1, 2, 3, 4};
	uint8_t img[0x200 + 64 + 128];
	size_t n = 0;
	struct mcuboot_img_params p = {.version = {major, minor, revision, build}};

	if (mcuboot_img_build(&p, payload, sizeof(payload), img, sizeof(img), &n) != 0) {
		abort();
	}
	mdev_program(d, d->pairs[pair].primary.offset, img, n);
}

void mdev_reboot(struct mdev *d)
{
	sim_power_reboot(&d->power);
	ctx_build(d);
}

void mdev_destroy(struct mdev *d)
{
	sim_flash_free(&d->flash);
}

uint8_t *mdev_secondary(struct mdev *d, int pair)
{
	struct dfu_mcuboot_layout l;

	if (dfu_mcuboot_layout(&d->pairs[pair], 1, &l) != 0) {
		abort();
	}
	return d->flash.mem + d->pairs[pair].secondary.offset + l.image_offset;
}

void mdev_program(struct mdev *d, uint32_t off, const uint8_t *p, size_t n)
{
	memcpy(d->flash.mem + off, p, n);
}

int mdev_download(struct mdev *d, int pair, const uint8_t *img, size_t n, size_t chunk)
{
	size_t first = n < 64 ? n : 64;
	struct dfu_init_params ip = {
		.img_type = DFU_TARGET_IMAGE_TYPE_MCUBOOT,
		.img_num = pair,
		.file_size = n,
		.first = img,
		.first_len = first,
	};
	size_t off = 0;
	int err;

	(void)dfu_ctx_img_type(&d->ctx, img, first);
	err = dfu_ctx_init_ex(&d->ctx, &ip);
	if (err) {
		return err;
	}
	err = dfu_ctx_offset_get(&d->ctx, &off);
	if (err) {
		return err;
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

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | (le16(p + 2) << 16);
}

/* Start of the unprotected TLV area (its info). */
static uint32_t tlv_info_off(const uint8_t *img)
{
	return le16(img + 8) + le32(img + 12) + le16(img + 10);
}

uint32_t img_tlv_end(const uint8_t *img)
{
	uint32_t off = tlv_info_off(img);

	return off + le16(img + off + 2);
}

uint32_t img_digest_off(const uint8_t *img)
{
	uint32_t off = tlv_info_off(img);
	uint32_t end = off + le16(img + off + 2);

	for (off += 4; off + 4 <= end; off += 4 + le16(img + off + 2)) {
		if (le16(img + off) == 0x10) {
			return off + 4;
		}
	}
	return 0;
}
