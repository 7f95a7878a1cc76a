/*
 * Fixture of the application delta target tests: a simulated device (one
 * flash, a store, power) with two MCUboot pairs, the delta target (its own
 * struct dfu_mcuboot) registered on a context, the port optionally behind
 * the transient-fault injector; image and artifact builders; the
 * application's update loop (README "Recovering from an error").
 *
 * The delta target is registered with its own image type (64) when the
 * dispatcher accepts it, else as the CUSTOM type
 * (dfu_target_mcuboot_delta_custom_ops); ddev.type says which.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DELTA_FIXTURE_H_
#define DELTA_FIXTURE_H_

#include "delta_support.h"
#include "dfu/dfu_target_mcuboot_delta.h"
#include "fault_port.h"
#include "mcuboot_img.h"
#include "sim_flash.h"
#include "sim_kv.h"
#include "sim_power.h"

struct ddev {
	struct sim_power power;
	struct sim_flash flash;
	struct sim_kv kv;
	struct fault_port fp;
	bool faults;
	uint32_t slot;
	struct dfu_port port;
	struct dfu_mcuboot_pair pairs[2];
	struct dfu_mcuboot_board board;
	uint8_t buf[512];
	uint8_t win[1024];
	struct dfu_mcuboot mcuboot;
	struct dfu_mcuboot_delta delta;
	struct dfu_target_entry entry;
	struct dfu_config cfg;
	struct dfu_ctx ctx;
	uint8_t flags; /* DFU_MCUBOOT_* of the output target */
	int type;
};

static inline void ddev_build(struct ddev *d)
{
	const struct dfu_flash *f = d->faults ? &d->fp.wflash : &d->flash.dev;
	uint32_t eb = d->flash.dev.erase_block;

	d->pairs[0] = (struct dfu_mcuboot_pair){.primary = {f, 0, d->slot + eb},
						.secondary = {f, d->slot + eb, d->slot}};
	d->pairs[1] = (struct dfu_mcuboot_pair){.primary = {f, 2 * d->slot + eb, 5 * eb},
						.secondary = {f, 2 * d->slot + 6 * eb, 4 * eb}};
	d->board = (struct dfu_mcuboot_board){d->pairs, 2};
	memset(&d->mcuboot, 0, sizeof(d->mcuboot));
	memset(&d->delta, 0, sizeof(d->delta));
	d->mcuboot.cfg = (struct dfu_mcuboot_cfg){
		.board = &d->board, .buf = d->buf, .buf_len = sizeof(d->buf), .flags = d->flags};
	d->delta.cfg = (struct dfu_mcuboot_delta_cfg){
		.mcuboot = &d->mcuboot, .window = d->win, .window_len = sizeof(d->win)};
	d->port = (struct dfu_port){.kv = d->faults ? &d->fp.wkv : &d->kv.dev};
	d->entry = (struct dfu_target_entry){&dfu_target_mcuboot_delta_ops, &d->delta};
	d->cfg = (struct dfu_config){.port = &d->port, .targets = &d->entry, .target_count = 1};
	d->type = DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA;
	if (dfu_ctx_setup(&d->ctx, &d->cfg) != 0) {
		/* the dispatcher does not know type 64 yet */
		d->entry.ops = &dfu_target_mcuboot_delta_custom_ops;
		d->type = DFU_TARGET_IMAGE_TYPE_CUSTOM;
		if (dfu_ctx_setup(&d->ctx, &d->cfg) != 0) {
			abort();
		}
	}
}

/* slot: pair 0's secondary size (the primary is one sector larger). */
static inline int ddev_create(struct ddev *d, uint32_t slot, bool faults, uint8_t flags)
{
	memset(d, 0, sizeof(*d));
	d->slot = slot;
	d->faults = faults;
	d->flags = flags;
	sim_power_init(&d->power);
	uint32_t size = (2 * slot + 10 * 4096u + 0xFFFFu) & ~0xFFFFu;

	if (sim_flash_init(&d->flash, &sim_geo_nrf52840, size, &d->power) != 0) {
		return -1;
	}
	sim_kv_init(&d->kv, &d->power);
	fault_port_wrap(&d->fp, &d->flash.dev, &d->kv.dev, NULL);
	ddev_build(d);
	return 0;
}

static inline void ddev_reboot(struct ddev *d)
{
	sim_power_reboot(&d->power);
	ddev_build(d);
}

static inline void ddev_destroy(struct ddev *d)
{
	sim_flash_free(&d->flash);
}

static inline uint8_t *ddev_primary(struct ddev *d)
{
	return d->flash.mem + d->pairs[0].primary.offset;
}

static inline uint8_t *ddev_secondary(struct ddev *d)
{
	return d->flash.mem + d->pairs[0].secondary.offset;
}

/* A hash-only MCUboot image of payload, version 1.0.0+build. */
static inline int make_image(const uint8_t *payload, size_t n, uint32_t build, uint8_t *out,
			     size_t cap, size_t *len)
{
	struct mcuboot_img_params p = {.version = {1, 0, 0, build}};

	return mcuboot_img_build(&p, payload, n, out, cap, len);
}

/* The application: init (again after any error), offset_get, write the
 * rest, done(true), schedule. *sent counts bytes handed to write. */
static inline int delta_update(struct ddev *d, const uint8_t *art, size_t n, size_t chunk,
			       int rounds, size_t *sent)
{
	struct dfu_init_params ip = {
		.img_type = d->type, .img_num = 0, .file_size = n, .first = art, .first_len = 64};
	int err = -ETIMEDOUT;

	for (int round = 0; round < rounds; round++) {
		size_t off = 0;

		err = dfu_ctx_init_ex(&d->ctx, &ip);
		if (err == 0) {
			err = dfu_ctx_offset_get(&d->ctx, &off);
		}
		while (err == 0 && off < n && dfu_ctx_state(&d->ctx) != DFU_STATE_DONE) {
			size_t k = n - off < chunk ? n - off : chunk;

			err = dfu_ctx_write(&d->ctx, art + off, k);
			if (sent != NULL) {
				*sent += k;
			}
			off += k;
		}
		if (err == 0) {
			err = dfu_ctx_done(&d->ctx, true);
		}
		if (err == 0) {
			err = dfu_ctx_schedule_update(&d->ctx, 0);
			if (err) {
				err = dfu_ctx_schedule_update(&d->ctx, 0);
			}
		}
		if (err == 0 || dfu_error_discards(err)) {
			return err;
		}
	}
	return err;
}

/* The secondary holds img, verified, and a test request is pending. */
static inline bool ddev_installs(struct ddev *d, const uint8_t *img, size_t n)
{
	struct dfu_mcuboot_pair_state s;

	return memcmp(ddev_secondary(d), img, n) == 0 &&
	       dfu_mcuboot_state(&d->mcuboot, 0, &s) == 0 && s.swap == DFU_MCUBOOT_SWAP_TEST &&
	       s.secondary.verified == DFU_MCUBOOT_CHECK_OK;
}

#endif /* DELTA_FIXTURE_H_ */
