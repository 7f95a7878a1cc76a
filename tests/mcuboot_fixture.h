/*
 * Test fixture for the MCUboot target: a simulated device whose flash holds
 * three image pairs, a store, and a context with the MCUboot target.
 *
 *   pair 0: primary at 0, secondary right after it, both slot0_size bytes
 *           (move: primary one sector larger; offset: secondary one
 *           sector larger), A = align
 *   pair 1, 2: small pairs of 8 sectors each after pair 0
 *   every primary holds a running image (0.0.0+0) unless empty_primary
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef MCUBOOT_FIXTURE_H_
#define MCUBOOT_FIXTURE_H_

#include "dfu/dfu_target_mcuboot.h"
#include "sim_clock.h"
#include "sim_flash.h"
#include "sim_kv.h"
#include "sim_power.h"

struct mdev_opts {
	const struct sim_geometry *geo; /* NULL = nRF52840 */
	uint32_t slot0_size;            /* 0 = 0x70000 */
	uint8_t mode;                   /* pair 0's enum dfu_mcuboot_mode */
	uint8_t align;                  /* pair 0's A; 0 = 8 */
	uint32_t buf_len;               /* 0 = 512 */
	uint8_t flags;                  /* DFU_MCUBOOT_* */
	const struct dfu_crypto *crypto;
	const struct dfu_mcuboot_key *keys;
	uint8_t key_count;
	uint32_t flash_size;                       /* 0 = enough for the pairs */
	bool empty_primary;                        /* no running image (default: a hash-only 0.0.0+0
						      image in every primary, as on a real device) */
	const struct dfu_mcuboot_profile *profile; /* cfg.profile (NULL = default) */
};

struct mdev {
	struct mdev_opts o;
	struct sim_power power;
	struct sim_flash flash;
	struct sim_kv kv;
	struct sim_clock clock;
	struct dfu_port port;
	struct dfu_mcuboot_pair pairs[3];
	struct dfu_mcuboot_board board;
	uint8_t buf[4096];
	struct dfu_mcuboot mcuboot;
	struct dfu_target_entry entry;
	struct dfu_config cfg;
	struct dfu_ctx ctx;
};

int mdev_create(struct mdev *d, const struct mdev_opts *o);
/* Power-cycle: flash and store survive, RAM (context, target state) not. */
void mdev_reboot(struct mdev *d);
void mdev_destroy(struct mdev *d);

/* Secondary slot of pair i, and the image start in it. */
uint8_t *mdev_secondary(struct mdev *d, int pair);

/*
 * One application download attempt after a boot: img_type + init with the
 * image's first bytes, offset_get, write the rest in chunks of `chunk`,
 * done(true). Returns 0 or the first error.
 */
int mdev_download(struct mdev *d, int pair, const uint8_t *img, size_t n, size_t chunk);

/* Program a hash-only image of version (major, minor, revision, build) into
 * the primary of pair i (the running image). */
void mdev_running(struct mdev *d, int pair, uint8_t major, uint8_t minor, uint16_t revision,
		  uint32_t build);

/* Program an image (e.g. a running image) straight into a slot. */
void mdev_program(struct mdev *d, uint32_t off, const uint8_t *p, size_t n);

/* From an image's bytes: end of its TLVs, and the offset of its SHA-256
 * TLV value (0 if none). */
uint32_t img_tlv_end(const uint8_t *img);
uint32_t img_digest_off(const uint8_t *img);
#define vec_tlv_end(v) img_tlv_end((v)->data)
#define vec_digest_off(v) img_digest_off((v)->data)

#endif
