/*
 * Zephyr ports of the dfu_target library (include/dfu/dfu_port.h):
 *
 *   flash   one struct dfu_flash per flash area (fixed partition), through
 *           flash_area_read/write/erase; device offset 0 = the partition's
 *           first byte. Geometry from the flash driver: the page layout
 *           (erase block; the pages of the area must be uniform) and the
 *           write-block size and erase value (flash_get_parameters).
 *           An area on an external flash (e.g. a secondary slot on SPI NOR
 *           in devicetree) works the same way.
 *   store   struct dfu_kv on the settings subsystem: settings_save_one,
 *           settings_delete, and reads by a direct subtree load
 *           (settings_load_subtree_direct) of exactly one name,
 *           "<CONFIG_DFU_TARGET_SETTINGS_PREFIX>/<key>". No RAM cache: every
 *           read goes to the backend, so what a read returns is what is
 *           durable. Atomicity (the port contract): a record is written or
 *           deleted all-or-nothing by the NVS backend (one NVS entry per
 *           value, each committed by its CRC-protected allocation entry; a
 *           new name is invisible until its value, name and name counter
 *           are all written), ZMS likewise and FCB (one CRC-protected entry
 *           per save). Other backends (file, custom) are refused at build
 *           time unless CONFIG_DFU_TARGET_SETTINGS_ATOMIC_BACKEND vouches
 *           for a custom one.
 *   clock   k_uptime_get_32() and k_msleep().
 *   crypto  the PSA port (ports/psa) on Zephyr's PSA provider, or TinyCrypt
 *           (ECDSA P-256 + SHA-256) below, or none.
 *   modem   nrf_modem_delta_dfu_* (CONFIG_NRF_MODEM_LIB).
 *
 * With CONFIG_DFU_TARGET_DEFAULT_CONFIG (default y) the module defines the
 * library's platform hook from devicetree and Kconfig, so an application
 * calls only dfu_target_*() (no setup call, as in NCS).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_ZEPHYR_H_
#define DFU_ZEPHYR_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zephyr/storage/flash_map.h>

#include "dfu/dfu_port.h"
#include "dfu/dfu_target.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- flash ---- */

/** One flash area as a dfu_flash. Caller-owned; keep it alive. */
struct dfu_zephyr_flash {
	struct dfu_flash flash; /**< Filled by dfu_zephyr_flash_open(). */
	const struct flash_area *fa;
};

/**
 * Open flash area id (e.g. FIXED_PARTITION_ID(slot1_partition)) and fill
 * z->flash: size = the area's size, write_block = the driver's write-block
 * size, erase_block = the area's page size (every page of the area must have
 * the same size, and the area must start and end on page boundaries),
 * erase_value = the driver's. Returns 0, -ENOENT (no such area), -ENODEV
 * (driver not ready), -EINVAL (non-uniform or unaligned pages), or the
 * flash map's error.
 */
int dfu_zephyr_flash_open(struct dfu_zephyr_flash *z, uint8_t id);

/** Close the area (flash_area_close). */
void dfu_zephyr_flash_close(struct dfu_zephyr_flash *z);

/* ---- store ---- */

/**
 * The settings-backed store (settings_subsys_init() is called here).
 * Returns NULL when CONFIG_DFU_TARGET_STREAM_SAVE_PROGRESS is off or the
 * settings subsystem failed to initialise.
 */
const struct dfu_kv *dfu_zephyr_kv(void);

/* ---- clock ---- */

/** k_uptime_get_32() / k_msleep(). */
const struct dfu_clock *dfu_zephyr_clock(void);

/* ---- crypto ---- */

/**
 * The crypto provider chosen in Kconfig (PSA, TinyCrypt), initialised
 * (psa_crypto_init() for PSA), or NULL for CONFIG_DFU_TARGET_CRYPTO_NONE or
 * when the provider failed to initialise.
 */
const struct dfu_crypto *dfu_zephyr_crypto(void);

#if defined(CONFIG_DFU_TARGET_CRYPTO_TINYCRYPT)
/** TinyCrypt: verify (ECDSA P-256 only; other algorithms -ENOTSUP),
 *  check_key and SHA-256 hooks. Same return values as the PSA port. */
int dfu_zephyr_tinycrypt_init(struct dfu_crypto *out);
/** DER ECDSA-Sig-Value -> r || s (strict DER). 0 or -EBADMSG. */
int dfu_zephyr_ecdsa_der_to_raw(const uint8_t *der, size_t der_len, uint8_t raw[64]);
#endif

/* ---- modem ---- */

#if defined(CONFIG_NRF_MODEM_LIB)
struct dfu_modem_delta;
/** nrf_modem_delta_dfu_* as a struct dfu_modem_delta (dfu_modem.h). */
const struct dfu_modem_delta *dfu_zephyr_modem_delta(void);
#endif

/* ---- default configuration ---- */

/**
 * Build the default configuration from devicetree and Kconfig: open the flash
 * areas, the settings store and the crypto provider, and make every target's
 * state anew (only its cfg set), as after a reboot. Called at boot by
 * SYS_INIT; the platform hook dfu_target_platform_config(), defined here,
 * returns this configuration (building it first when the boot-time build
 * failed), and the first dfu_target_* call sets the default context up with
 * it. Returns 0 or the first error (also kept in dfu_zephyr_config_result()).
 *
 * A test simulates a reboot with: memset(dfu_target_default_ctx(), 0,
 * sizeof(struct dfu_ctx)) (what a reboot does to RAM), dfu_target_ncs_forget(),
 * dfu_zephyr_build_config(); what survives is in flash and in settings.
 */
int dfu_zephyr_build_config(void);

/** The result of the last dfu_zephyr_build_config() (-EAGAIN before it ran). */
int dfu_zephyr_config_result(void);

struct dfu_mcuboot;
/** The default configuration's MCUboot target state (for dfu_mcuboot_confirm(),
 *  dfu_mcuboot_state(), dfu_mcuboot_schedule()), or NULL. */
struct dfu_mcuboot *dfu_zephyr_mcuboot(void);

/** The default configuration's flash for MCUboot image img's slot (which: 0
 *  primary, 1 secondary), or NULL. */
const struct dfu_flash *dfu_zephyr_slot(int img, int which);

#ifdef __cplusplus
}
#endif

#endif /* DFU_ZEPHYR_H_ */
