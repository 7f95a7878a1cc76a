/*
 * Test fixture: a simulated device (flash + store + power) and a context
 * with the raw area target, plus helpers to run downloads.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef TEST_SUPPORT_H_
#define TEST_SUPPORT_H_

#include <stdint.h>
#include <stdlib.h>

#include "dfu/dfu_target.h"
#include "dfu/dfu_target_raw.h"
#include "sim_clock.h"
#include "sim_flash.h"
#include "sim_kv.h"
#include "sim_power.h"

#define DEV_MAX_BUF 8192

struct dev_opts {
	const struct sim_geometry *geo;
	uint32_t flash_size;  /* 0 = 256 KiB (enough for the tests) */
	uint32_t area_offset; /* area start */
	uint32_t area_size;   /* 0 = rest of device */
	uint32_t buf_len;     /* stream buffer; 0 = 512 */
	uint16_t ckpt_blocks; /* checkpoint interval */
	uint8_t flags;        /* DFU_STREAM_* */
	bool no_kv;           /* no store in the port */
};

struct dev {
	struct dev_opts o;
	struct sim_power power;
	struct sim_flash flash;
	struct sim_kv kv;
	struct sim_clock clock;
	struct dfu_port port;
	uint8_t buf[DEV_MAX_BUF];
	struct dfu_raw raw;
	struct dfu_target_entry entry;
	struct dfu_config cfg;
	struct dfu_ctx ctx;
};

/* Create the device (erased flash, empty store) and a context. */
void dev_create(struct dev *d, const struct dev_opts *o);
/* Power-cycle: keep flash + store, lose RAM (a fresh context). */
void dev_reboot(struct dev *d);
void dev_destroy(struct dev *d);

/* cfg := one target (entry) on port, then dfu_ctx_setup(ctx, cfg); aborts
 * on failure. Shared by the test fixtures. */
void setup_one_target(struct dfu_ctx *ctx, struct dfu_config *cfg, const struct dfu_port *port,
		      const struct dfu_target_entry *entry);

/* Deterministic pseudo-random bytes. */
void fill_random(uint8_t *p, size_t n, uint32_t seed);

/*
 * The application's side of a download after a boot: img_type on the first
 * fragment, init, offset_get, write the rest in chunks, done(true).
 * Returns 0 or the first error. *resumed_at gets the offset resumed from.
 */
int app_download(struct dev *d, const uint8_t *img, size_t n, size_t chunk, size_t *resumed_at);

/*
 * The application's recovery, as the README says, on any context: init
 * (ip), offset_get, write img[n] from there in chunks, done(true); after an
 * error from any of them init again and resume; an error from
 * schedule_update(sched_img): call it again. *sent counts the bytes handed
 * to write (taken or not). 0, or -ETIMEDOUT after 8 rounds.
 */
int app_update_ctx(struct dfu_ctx *ctx, const struct dfu_init_params *ip, const uint8_t *img,
		   size_t n, size_t chunk, int sched_img, size_t *sent);

/* Device offset of the area start and area length. */
static inline uint8_t *dev_area(struct dev *d)
{
	return d->flash.mem + d->o.area_offset;
}

#endif
