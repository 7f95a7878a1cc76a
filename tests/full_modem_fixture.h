/*
 * Test fixture for the full modem target: a simulated external flash
 * (default MX25R64 geometry: 4 KiB sectors, 1-byte writes) holding the
 * partition, a store, and a context with the full modem target.
 *
 * Defaults keep QEMU's 2 MiB heap comfortable: partition 256 KiB at
 * 64 KiB (a non-zero offset catches offset bugs), device = partition end,
 * minimum partition size lowered to 64 KiB, 4 KiB staging buffer.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FULL_MODEM_FIXTURE_H_
#define FULL_MODEM_FIXTURE_H_

#include <stdbool.h>

#include "dfu/dfu_target_full_modem.h"
#include "sim_flash.h"
#include "sim_kv.h"
#include "sim_power.h"

#define FM_BUF_MAX 4096

struct fmdev_opts {
	const struct sim_geometry *geo; /* NULL = MX25R64 */
	uint32_t part_off;              /* 0 = 64 KiB */
	uint32_t part_size;             /* 0 = 256 KiB; cfg.size as given */
	uint32_t flash_size;            /* 0 = part_off + part_size */
	uint32_t min_size;              /* 0 = 64 KiB; UINT32_MAX = cfg 0 */
	uint32_t buf_len;               /* 0 = 4096 */
	uint8_t flags;                  /* DFU_FULL_MODEM_* */
	uint16_t ckpt;                  /* checkpoint interval */
	bool no_flash;                  /* cfg.flash NULL */
	bool kv_in_cfg;                 /* cfg.kv set (else the port's) */
	const struct dfu_crypto *crypto;
};

struct fmdev {
	struct fmdev_opts o;
	struct sim_power power;
	struct sim_flash flash;
	struct sim_kv kv;
	struct dfu_port port;
	uint8_t buf[FM_BUF_MAX];
	struct dfu_full_modem fm;
	struct dfu_target_entry entry;
	struct dfu_config cfg;
	struct dfu_ctx ctx;
};

/* Create (erased flash, empty store, fresh context). 0 or -1. */
int fmdev_create(struct fmdev *d, const struct fmdev_opts *o);
/* Power-cycle: flash and store survive, RAM (context, target) does not. */
void fmdev_reboot(struct fmdev *d);
void fmdev_destroy(struct fmdev *d);

/* The partition's bytes in the simulated flash. */
uint8_t *fmdev_part(struct fmdev *d);

/* Mutating flash and store operations so far (programs, erases, store
 * writes and removes). */
uint32_t fmdev_mutations(const struct fmdev *d);

/* Is a store record present? */
bool fmdev_has_record(struct fmdev *d, const char *key);

/*
 * The application's download after a boot: img_type + init_ex (first 64
 * bytes as identity), offset_get, write the rest in chunks, done(true).
 * file_size is declared as given (0 = unknown). *resumed (may be NULL) gets
 * the offset resumed from. Returns 0 or the first error.
 */
int fmdev_download(struct fmdev *d, const uint8_t *f, size_t n, size_t file_size, size_t chunk,
		   size_t *resumed);

/* Write f[from, to) in chunks; 0 or the first error. */
int fmdev_write(struct fmdev *d, const uint8_t *f, size_t from, size_t to, size_t chunk);

/* init_ex for f with its first 64 bytes (identity) and file_size. */
int fmdev_init(struct fmdev *d, const uint8_t *f, size_t n, size_t file_size);
/* The same with a proof of identity (the blob's SHA-256, as the manifest
 * gives it). */
int fmdev_init_digest(struct fmdev *d, const uint8_t *f, size_t n, size_t file_size,
		      const uint8_t *digest);

#endif /* FULL_MODEM_FIXTURE_H_ */
