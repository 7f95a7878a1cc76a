/*
 * Fixture of the dispatcher tests (test_dispatch_*.c): a simulated nRF52840
 * (4 KiB erase blocks, 4 B write blocks), raw area target registered as
 * CUSTOM, 512 B stream buffer; two images, a spy target and the calls that
 * lead a context into each state.
 *
 * Each test file is its own executable, so the state below is per file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DISPATCH_SUPPORT_H_
#define DISPATCH_SUPPORT_H_

#include <stdbool.h>
#include <stdint.h>

#include "harness.h"
#include "support.h"

#define EB 4096u
#define AREA_OFF (2 * EB)
#define AREA_SIZE (16 * EB)
#define N (3 * EB + 100) /* image size: 3 full erase blocks + a 100 B tail */
#define CUSTOM DFU_TARGET_IMAGE_TYPE_CUSTOM
#define NONE DFU_TARGET_IMAGE_TYPE_NONE
#define MIN(a, b) ((a) < (b) ? (a) : (b))

static uint8_t img[N + 1024], img2[N + 1024];
static struct dev dev;
static bool dev_live;
static int cut_err;

/* expr with the n-th next mutating op (flash program/erase, store write or
 * remove) failing with -EIO; power is back right after (a transient fault). */
#define WITH_CUT(n, expr)                                                     \
	(sim_power_arm(&dev.power, n, SIM_TORN_NOTHING, 1), cut_err = (expr), \
	 sim_power_reboot(&dev.power), cut_err)

static inline void dev_make(struct dev *d, bool *live)
{
	struct dev_opts o = {
		.geo = &sim_geo_nrf52840, .area_offset = AREA_OFF, .area_size = AREA_SIZE};

	if (*live) {
		dev_destroy(d);
	}
	dev_create(d, &o);
	*live = true;
	fill_random(img, sizeof(img), 7);
	fill_random(img2, sizeof(img2), 8);
}

static inline void dev_new(void)
{
	dev_make(&dev, &dev_live);
}

/* img_type on the first fragment (binds the identity), then init. */
static inline int init_img(struct dfu_ctx *c, const uint8_t *im, size_t n)
{
	(void)dfu_ctx_img_type(c, im, 64);
	return dfu_ctx_init(c, CUSTOM, 0, n, NULL);
}

/* Write im[from, to) in chunks. */
static inline int send(struct dfu_ctx *c, const uint8_t *im, size_t from, size_t to, size_t chunk)
{
	for (int err; from < to; from += MIN(to - from, chunk)) {
		if ((err = dfu_ctx_write(c, im + from, MIN(to - from, chunk))) != 0) {
			return err;
		}
	}
	return 0;
}

static inline size_t offset_of(struct dfu_ctx *c)
{
	size_t off = (size_t)-1;

	return dfu_ctx_offset_get(c, &off) == 0 ? off : (size_t)-1;
}

/* Bit i set when context call i (offset_get, write, done(true), done(false),
 * schedule_update, reset) does not return -EACCES. */
static inline int not_eacces(struct dfu_ctx *c)
{
	size_t off;

	return (dfu_ctx_offset_get(c, &off) != -EACCES) |
	       (dfu_ctx_write(c, img, 9) != -EACCES) << 1 |
	       (dfu_ctx_done(c, true) != -EACCES) << 2 | (dfu_ctx_done(c, false) != -EACCES) << 3 |
	       (dfu_ctx_schedule_update(c, 0) != -EACCES) << 4 | (dfu_ctx_reset(c) != -EACCES) << 5;
}

/* ---- spy target: raw ops + identify accepting everything + init count -- */

static struct dfu_target_ops spy_ops;
static int spy_inits;

static inline bool accept_all(const uint8_t *buf, size_t len)
{
	return buf != NULL && len >= DFU_TARGET_MIN_SIZE_IDENTIFY_BUF;
}

static inline int spy_init(struct dfu_ctx *ctx, const struct dfu_init_params *p)
{
	spy_inits++;
	return dfu_target_raw_ops.init(ctx, p);
}

static inline const struct dfu_target_ops *spy(void)
{
	spy_ops = dfu_target_raw_ops;
	spy_ops.identify = accept_all;
	spy_ops.init = spy_init;
	spy_inits = 0;
	return &spy_ops;
}

/* ---- entering a state ---------------------------------------------------- */

enum st { S_IDLE, S_IDLE_RESET, S_READY, S_WRITING, S_ABORTED, S_FAILED, S_DONE, S_SCHED };

static size_t pos; /* next image byte to send */

/* Fresh device, then the calls that lead to state s (5000 of N bytes sent
 * unless DONE/SCHEDULED). FAILED: the program of the next buffer fails. */
static inline int enter(enum st s)
{
	struct dfu_ctx *c = &dev.ctx;
	int err;

	dev_new();
	pos = 0;
	if (s == S_IDLE) {
		return 0;
	}
	err = init_img(c, img, N);
	if (err || s == S_READY) {
		return err;
	}
	pos = (s == S_DONE || s == S_SCHED) ? N : 5000; /* 4608 durable, 392 buffered */
	err = send(c, img, 0, pos, 1000);
	if (err) {
		return err;
	}
	switch (s) {
	case S_IDLE_RESET:
		pos = 0;
		return dfu_ctx_reset(c);
	case S_ABORTED:
		return dfu_ctx_done(c, false);
	case S_FAILED:
		err = WITH_CUT(1, dfu_ctx_write(c, img + pos, 600));
		return err == -EIO ? 0 : (err ? err : -EPROTO);
	case S_DONE:
		return dfu_ctx_done(c, true);
	case S_SCHED:
		err = dfu_ctx_done(c, true);
		return err ? err : dfu_ctx_schedule_update(c, 0);
	default:
		return 0;
	}
}

#endif /* DISPATCH_SUPPORT_H_ */
