/*
 * The default configuration of the dfu_target_* functions, built from
 * devicetree and Kconfig (CONFIG_DFU_TARGET_DEFAULT_CONFIG), and the
 * library's platform hook dfu_target_platform_config() returning it: the
 * first dfu_target_* call sets the default context up with it, so the
 * application calls no setup function (as in NCS). It is built at boot
 * (SYS_INIT, APPLICATION level), or by the hook when that failed.
 *
 *   MCUboot   image i = (slot<2i>_partition, slot<2i+1>_partition), i = 0..3,
 *             as long as both labels exist; mode, BOOT_MAX_ALIGN and
 *             BOOT_MAX_IMG_SECTORS from CONFIG_DFU_TARGET_MCUBOOT_*; the
 *             trusted key from CONFIG_DFU_TARGET_MCUBOOT_KEY_FILE.
 *   modem     nrf_modem_delta_dfu_* (CONFIG_DFU_TARGET_MODEM_DELTA).
 *   full modem  fmfu_storage_partition (CONFIG_DFU_TARGET_FULL_MODEM).
 *   port      settings store, uptime clock, the Kconfig crypto provider.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include <zephyr/init.h>
#include <zephyr/kernel.h>
#include <zephyr/storage/flash_map.h>

#include "dfu/dfu_target.h"
#include "dfu_zephyr/dfu_zephyr.h"

#if defined(CONFIG_DFU_TARGET_MCUBOOT)
#include "dfu/dfu_target_mcuboot.h"
#endif
#if defined(CONFIG_DFU_TARGET_MODEM_DELTA)
#include "dfu/dfu_target_modem_delta.h"
#endif
#if defined(CONFIG_DFU_TARGET_FULL_MODEM)
#include "dfu/dfu_target_full_modem.h"
#endif

/* ---- MCUboot pairs from devicetree ---- */

#if defined(CONFIG_DFU_TARGET_MCUBOOT)

#define PAIR_EXISTS(p, s) (FIXED_PARTITION_EXISTS(p) && FIXED_PARTITION_EXISTS(s))

#if PAIR_EXISTS(slot6_partition, slot7_partition) &&     \
	PAIR_EXISTS(slot4_partition, slot5_partition) && \
	PAIR_EXISTS(slot2_partition, slot3_partition)
#define PAIRS 4
#elif PAIR_EXISTS(slot4_partition, slot5_partition) && PAIR_EXISTS(slot2_partition, slot3_partition)
#define PAIRS 3
#elif PAIR_EXISTS(slot2_partition, slot3_partition)
#define PAIRS 2
#else
#define PAIRS 1
#endif

#define SLOT_ID_OR_0(label) \
	COND_CODE_1(FIXED_PARTITION_EXISTS(label), (FIXED_PARTITION_ID(label)), (0))

static const uint8_t slot_ids[2 * PAIRS] = {
	FIXED_PARTITION_ID(slot0_partition), FIXED_PARTITION_ID(slot1_partition),
#if PAIRS > 1
	SLOT_ID_OR_0(slot2_partition),       SLOT_ID_OR_0(slot3_partition),
#endif
#if PAIRS > 2
	SLOT_ID_OR_0(slot4_partition),       SLOT_ID_OR_0(slot5_partition),
#endif
#if PAIRS > 3
	SLOT_ID_OR_0(slot6_partition),       SLOT_ID_OR_0(slot7_partition),
#endif
};

#if defined(CONFIG_DFU_TARGET_MCUBOOT_MODE_SWAP_SCRATCH)
#define MODE DFU_MCUBOOT_SWAP_SCRATCH
#elif defined(CONFIG_DFU_TARGET_MCUBOOT_MODE_SWAP_OFFSET)
#define MODE DFU_MCUBOOT_SWAP_OFFSET
#elif defined(CONFIG_DFU_TARGET_MCUBOOT_MODE_OVERWRITE)
#define MODE DFU_MCUBOOT_OVERWRITE
#else
#define MODE DFU_MCUBOOT_SWAP_MOVE
#endif

#if defined(CONFIG_DFU_TARGET_MCUBOOT_SIGNATURE)
static const uint8_t key_der[] = {
#include "dfu_zephyr/dfu_zephyr_key.inc"
};
static const struct dfu_mcuboot_key keys[] = {{.der = key_der, .der_len = sizeof(key_der)}};
#define KEYS keys
#define KEY_COUNT 1
#else
#define KEYS NULL
#define KEY_COUNT 0
#endif

/* The bootloader profile from Kconfig (zeros = the nRF9160 NCS build). */
#define P_BIT(opt, bit) (IS_ENABLED(opt) ? (bit) : 0u)
static const struct dfu_mcuboot_profile profile = {
	.features = (IS_ENABLED(CONFIG_DFU_TARGET_MCUBOOT_TLV_ALLOW_LIST)
			     ? 0u
			     : DFU_MCUBOOT_P_NO_ALLOW_LIST) |
		    (IS_ENABLED(CONFIG_DFU_TARGET_MCUBOOT_VALIDATE_PRIMARY)
			     ? 0u
			     : DFU_MCUBOOT_P_NO_VALIDATE_PRIMARY) |
		    P_BIT(CONFIG_DFU_TARGET_MCUBOOT_DECOMPRESS, DFU_MCUBOOT_P_DECOMPRESS) |
		    P_BIT(CONFIG_DFU_TARGET_MCUBOOT_ENCRYPT, DFU_MCUBOOT_P_ENCRYPT) |
		    P_BIT(CONFIG_DFU_TARGET_MCUBOOT_BOOTSTRAP, DFU_MCUBOOT_P_BOOTSTRAP) |
		    P_BIT(CONFIG_DFU_TARGET_MCUBOOT_DOWNGRADE_PREVENTION, DFU_MCUBOOT_P_DOWNGRADE) |
		    P_BIT(CONFIG_DFU_TARGET_MCUBOOT_DOWNGRADE_SECURITY_COUNTER,
			  DFU_MCUBOOT_P_DOWNGRADE_SECCNT) |
		    P_BIT(CONFIG_DFU_TARGET_MCUBOOT_VERSION_CMP_BUILD_NUMBER,
			  DFU_MCUBOOT_P_BUILD_NUMBER) |
		    P_BIT(CONFIG_DFU_TARGET_MCUBOOT_HW_ROLLBACK, DFU_MCUBOOT_P_HW_ROLLBACK),
#if defined(CONFIG_DFU_TARGET_MCUBOOT_SECURITY_COUNTER)
	.security_counter = CONFIG_DFU_TARGET_MCUBOOT_SECURITY_COUNTER,
#endif
	.key_tlv = IS_ENABLED(CONFIG_DFU_TARGET_MCUBOOT_HW_KEY) ? DFU_MCUBOOT_PUBKEY
								: DFU_MCUBOOT_KEYHASH,
	.ecdsa_der = IS_ENABLED(CONFIG_DFU_TARGET_MCUBOOT_ECDSA_DER_STRICT)
			     ? DFU_MCUBOOT_DER_STRICT
			     : DFU_MCUBOOT_DER_LENIENT,
	.tlv_iter = IS_ENABLED(CONFIG_DFU_TARGET_MCUBOOT_TLV_ITER_CHECKED)
			    ? DFU_MCUBOOT_ITER_CHECKED
			    : DFU_MCUBOOT_ITER_NCS2,
};

#if defined(CONFIG_DFU_TARGET_MCUBOOT_DENY_DOWNGRADE)
#define MCUBOOT_FLAGS DFU_MCUBOOT_DENY_DOWNGRADE
#else
#define MCUBOOT_FLAGS 0
#endif

static struct dfu_zephyr_flash slots[2 * PAIRS];
static struct dfu_mcuboot_pair pairs[PAIRS];
static struct dfu_mcuboot_board board;
static uint8_t mcuboot_buf[CONFIG_DFU_TARGET_MCUBOOT_BUF_SIZE] __aligned(4);
static struct dfu_mcuboot mcuboot;
#endif /* CONFIG_DFU_TARGET_MCUBOOT */

#if defined(CONFIG_DFU_TARGET_MODEM_DELTA)
static struct dfu_modem_delta_target modem_delta;
#endif

#if defined(CONFIG_DFU_TARGET_FULL_MODEM)
static struct dfu_zephyr_flash fmfu_flash;
static uint8_t fmfu_buf[CONFIG_DFU_TARGET_FULL_MODEM_BUF_SIZE] __aligned(4);
static struct dfu_full_modem full_modem;
#endif

#define ENTRIES                                                                              \
	(IS_ENABLED(CONFIG_DFU_TARGET_MCUBOOT) + IS_ENABLED(CONFIG_DFU_TARGET_MODEM_DELTA) + \
	 IS_ENABLED(CONFIG_DFU_TARGET_FULL_MODEM))

static struct dfu_target_entry entries[ENTRIES > 0 ? ENTRIES : 1];
static struct dfu_port port;
static struct dfu_config config;
static int setup_result = -EAGAIN;

#if defined(CONFIG_DFU_TARGET_MCUBOOT)
static int mcuboot_open(const struct dfu_kv *kv, const struct dfu_crypto *crypto)
{
	int err;

	for (size_t i = 0; i < ARRAY_SIZE(slots); i++) {
		dfu_zephyr_flash_close(&slots[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(slots); i++) {
		err = dfu_zephyr_flash_open(&slots[i], slot_ids[i]);
		if (err != 0) {
			return err;
		}
	}
	for (size_t i = 0; i < PAIRS; i++) {
		pairs[i] = (struct dfu_mcuboot_pair){
			.primary = {&slots[2 * i].flash, 0, slots[2 * i].flash.size},
			.secondary = {&slots[2 * i + 1].flash, 0, slots[2 * i + 1].flash.size},
			.mode = MODE,
			.max_align = CONFIG_DFU_TARGET_MCUBOOT_MAX_ALIGN,
			.max_img_sectors = CONFIG_DFU_TARGET_MCUBOOT_MAX_IMG_SECTORS,
		};
	}
	board = (struct dfu_mcuboot_board){.pairs = pairs, .pair_count = PAIRS};
	/* A new state, as after a reboot: only cfg is set. */
	mcuboot = (struct dfu_mcuboot){.cfg = {
					       .board = &board,
					       .buf = mcuboot_buf,
					       .buf_len = sizeof(mcuboot_buf),
					       .kv = kv,
					       .crypto = crypto,
					       .keys = KEYS,
					       .key_count = KEY_COUNT,
					       .flags = MCUBOOT_FLAGS,
					       .profile = &profile,
				       }};
	return 0;
}
#endif

int dfu_zephyr_build_config(void)
{
	const struct dfu_kv *kv = NULL;
	const struct dfu_crypto *crypto;
	size_t n = 0;
	int err = 0;

#if defined(CONFIG_DFU_TARGET_STREAM_SAVE_PROGRESS)
	kv = dfu_zephyr_kv();
	if (kv == NULL) {
		err = -EIO;
		goto out;
	}
#endif
	crypto = dfu_zephyr_crypto();
#if defined(CONFIG_DFU_TARGET_MCUBOOT_SIGNATURE)
	if (crypto == NULL) {
		err = -ENOTSUP; /* keys configured, nothing to check them with */
		goto out;
	}
#endif
	port = (struct dfu_port){.kv = kv, .clock = dfu_zephyr_clock(), .crypto = crypto};

#if defined(CONFIG_DFU_TARGET_MCUBOOT)
	err = mcuboot_open(kv, crypto);
	if (err != 0) {
		goto out;
	}
	entries[n++] = (struct dfu_target_entry){&dfu_target_mcuboot_ops, &mcuboot};
#endif
#if defined(CONFIG_DFU_TARGET_MODEM_DELTA)
	port.modem = dfu_zephyr_modem_delta();
	modem_delta = (struct dfu_modem_delta_target){
		.cfg = {.timeout_ms = CONFIG_DFU_TARGET_MODEM_TIMEOUT * 1000u,
			.deadline_ms = CONFIG_DFU_TARGET_MODEM_ERASE_DEADLINE * 1000u}};
	entries[n++] = (struct dfu_target_entry){&dfu_target_modem_delta_ops, &modem_delta};
#endif
#if defined(CONFIG_DFU_TARGET_FULL_MODEM)
	dfu_zephyr_flash_close(&fmfu_flash);
	err = dfu_zephyr_flash_open(&fmfu_flash, FIXED_PARTITION_ID(fmfu_storage_partition));
	if (err != 0) {
		goto out;
	}
	full_modem = (struct dfu_full_modem){.cfg = {.flash = &fmfu_flash.flash,
						     .offset = 0,
						     .size = fmfu_flash.flash.size,
						     .buf = fmfu_buf,
						     .buf_len = sizeof(fmfu_buf),
						     .kv = kv,
						     .crypto = crypto}};
	entries[n++] = (struct dfu_target_entry){&dfu_target_full_modem_ops, &full_modem};
#endif
	config = (struct dfu_config){.port = &port, .targets = entries, .target_count = n};
out:
	setup_result = err;
	return err;
}

int dfu_zephyr_config_result(void)
{
	return setup_result;
}

/* The library's platform hook (dfu/dfu_target.h). */
const struct dfu_config *dfu_target_platform_config(void)
{
	if (setup_result != 0) {
		(void)dfu_zephyr_build_config(); /* boot-time build failed: retry */
	}
	return setup_result == 0 ? &config : NULL;
}

struct dfu_mcuboot *dfu_zephyr_mcuboot(void)
{
#if defined(CONFIG_DFU_TARGET_MCUBOOT)
	return setup_result == 0 ? &mcuboot : NULL;
#else
	return NULL;
#endif
}

const struct dfu_flash *dfu_zephyr_slot(int img, int which)
{
#if defined(CONFIG_DFU_TARGET_MCUBOOT)
	if (setup_result != 0 || img < 0 || img >= PAIRS || which < 0 || which > 1) {
		return NULL;
	}
	return &slots[2 * img + which].flash;
#else
	ARG_UNUSED(img);
	ARG_UNUSED(which);
	return NULL;
#endif
}

static int dfu_zephyr_sys_init(void)
{
	/* A failure is kept (dfu_zephyr_config_result()) and the hook tries
	 * again at the first dfu_target_* call. */
	(void)dfu_zephyr_build_config();
	return 0;
}

SYS_INIT(dfu_zephyr_sys_init, APPLICATION, CONFIG_DFU_TARGET_INIT_PRIORITY);
