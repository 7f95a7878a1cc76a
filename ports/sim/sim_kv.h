/*
 * Simulated key-value store implementing struct dfu_kv: a fixed-capacity
 * in-memory table (SIM_KV_CAPACITY records of up to DFU_KV_MAX_RECORD bytes,
 * keys of 1..SIM_KV_KEY_MAX printable ASCII characters, no spaces). Writes
 * and removes are atomic.
 *
 * Power: an optional shared struct sim_power (sim_power.h). write and remove
 * are mutating ops (counted in power->ops, may be cut); read is not counted.
 * While the power is dead every call returns -EIO and changes nothing. A cut
 * write/remove returns -EIO; with SIM_TORN_NOTHING it had no effect, with any
 * other torn mode it completed before the power went off.
 *
 * Check order: dead power (-EIO), then arguments (-EINVAL), then space
 * (-ENOSPC, write only), then the power model counts the op.
 *
 * Host-only file backing (sim_kv_file.c, not built with SIM_NO_FILE) saves and
 * loads the table as text:
 *
 *   line 1:        "sim_kv 1"
 *   one per record: "<key> <len> <hex>" with len in decimal and hex the record
 *                   bytes as 2*len lowercase hex digits ("-" when len is 0)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef SIM_KV_H_
#define SIM_KV_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_port.h"
#include "sim_power.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Number of records the store holds. */
#define SIM_KV_CAPACITY 16
/** Longest key, characters (without the NUL). */
#define SIM_KV_KEY_MAX 15

struct sim_kv_record {
	bool used;
	char key[SIM_KV_KEY_MAX + 1];
	uint16_t len;
	uint8_t data[DFU_KV_MAX_RECORD];
};

/** Call counters. */
struct sim_kv_counters {
	uint32_t reads;   /**< Reads that reached the store (found or -ENOENT). */
	uint32_t writes;  /**< Writes that completed (returned 0). */
	uint32_t removes; /**< Removes that completed (returned 0), existing key or not. */
};

/** A simulated store. Allocate it yourself; set up with sim_kv_init(). */
struct sim_kv {
	struct dfu_kv dev; /**< Hand &dev to the library; dev.ctx is this struct. */
	struct sim_power *power;
	struct sim_kv_record rec[SIM_KV_CAPACITY];
	struct sim_kv_counters cnt;
};

/**
 * Set up an empty store with zeroed counters and fill kv->dev. power may be
 * NULL (never cut, never dead).
 *
 * The dev callbacks behave as struct dfu_kv requires, plus:
 *   read:   -EINVAL for a bad key or NULL dst with len > 0; else the full
 *           record length (copying min(len, length) bytes) or -ENOENT.
 *   write:  -EINVAL for a bad key, NULL src with len > 0, or
 *           len > DFU_KV_MAX_RECORD; -ENOSPC when the key is new and all
 *           SIM_KV_CAPACITY records are used. Zero-length records are valid.
 *   remove: -EINVAL for a bad key; 0 whether or not the key existed.
 */
void sim_kv_init(struct sim_kv *kv, struct sim_power *power);

/** Number of records currently stored. */
uint32_t sim_kv_count(const struct sim_kv *kv);

/** Zero the counters. */
void sim_kv_reset_counters(struct sim_kv *kv);

#ifndef SIM_NO_FILE
/**
 * Host only. Write the records to path in the text format above (replacing
 * the file). Not an operation of the store (ignores the power model).
 * Returns 0 or a negative errno.
 */
int sim_kv_save(const struct sim_kv *kv, const char *path);

/**
 * Host only. Replace all records with those in path. Counters are kept; not
 * an operation of the store. Returns 0, -ENOENT (no such file), -EINVAL
 * (malformed file; the store is left unchanged) or another negative errno.
 */
int sim_kv_load(struct sim_kv *kv, const char *path);
#endif /* SIM_NO_FILE */

#ifdef __cplusplus
}
#endif

#endif /* SIM_KV_H_ */
