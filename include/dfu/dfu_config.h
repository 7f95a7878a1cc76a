/*
 * Compile-time options. Every option has a default; override any of them
 * with -D on the command line, or put them in a header of your own and
 * build with -DDFU_CONFIG_HEADER='"my_dfu_config.h"' (included first).
 *
 *   DFU_CONFIG_TARGET_MCUBOOT      1  MCUboot target compiled in (identify).
 *   DFU_CONFIG_TARGET_MODEM_DELTA  1  Modem delta target compiled in.
 *   DFU_CONFIG_TARGET_FULL_MODEM   1  Full modem target compiled in.
 *   DFU_CONFIG_TARGET_CUSTOM       1  Custom (application) targets allowed.
 *   DFU_CONFIG_TARGET_SMP          0  SMP image type: dfu_target_smp_*()
 *                                     declared, identification only (the
 *                                     target answers -ENOTSUP).
 *   DFU_CONFIG_TARGET_STREAM       1  NCS stream API (dfu_target_stream.h).
 *   DFU_CONFIG_STREAM_SAVE_PROGRESS 1 That API keeps progress in the store.
 *   DFU_CONFIG_STREAM_SYNCHRONOUS  0  Accepted for NCS builds; no effect
 *                                     (progress is checkpointed per erase
 *                                     block, never padded: README).
 *   DFU_CONFIG_FULL_MODEM_USE_EXT_PARTITION 0  dfu_target_full_modem_cfg()
 *                                     ignores params->dev and keeps the
 *                                     partition of the platform's config.
 *   DFU_CONFIG_ID_PREFIX_MAX      64  Bytes of the image's first fragment
 *                                     hashed into its identity.
 *   DFU_LOG_ERR/WRN/INF/DBG(...)      Logging hooks, printf-style; default:
 *                                     compiled out. The library has no stdio.
 *   DFU_ASSERT(cond)                  Contract checks; default: assert() when
 *                                     NDEBUG is not defined, else nothing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_CONFIG_H_
#define DFU_CONFIG_H_

#ifdef DFU_CONFIG_HEADER
#include DFU_CONFIG_HEADER
#endif

/*
 * nRF Connect SDK Kconfig names as aliases. In a Kconfig build (Zephyr,
 * CONFIG_DFU_TARGET defined) a bool option that is off is not defined at
 * all, so there each DFU_CONFIG_* below follows its CONFIG_* symbol: 1 when
 * it is defined, else 0. Outside a Kconfig build a CONFIG_*
 * symbol given alone with -D sets its option too. An explicit DFU_CONFIG_*
 * always wins.
 *
 *   CONFIG_DFU_TARGET_MCUBOOT               DFU_CONFIG_TARGET_MCUBOOT
 *   CONFIG_DFU_TARGET_MODEM_DELTA           DFU_CONFIG_TARGET_MODEM_DELTA
 *   CONFIG_DFU_TARGET_FULL_MODEM            DFU_CONFIG_TARGET_FULL_MODEM
 *   CONFIG_DFU_TARGET_CUSTOM                DFU_CONFIG_TARGET_CUSTOM
 *   CONFIG_DFU_TARGET_SMP                   DFU_CONFIG_TARGET_SMP
 *   CONFIG_DFU_TARGET_STREAM                DFU_CONFIG_TARGET_STREAM
 *   CONFIG_DFU_TARGET_STREAM_SAVE_PROGRESS  DFU_CONFIG_STREAM_SAVE_PROGRESS
 *   CONFIG_DFU_TARGET_MCUBOOT_SAVE_PROGRESS DFU_CONFIG_STREAM_SAVE_PROGRESS
 *                                           (deprecated in NCS, selects it)
 *   CONFIG_DFU_TARGET_STREAM_SYNCHRONOUS    DFU_CONFIG_STREAM_SYNCHRONOUS
 *   CONFIG_DFU_TARGET_FULL_MODEM_USE_EXT_PARTITION
 *                                           DFU_CONFIG_FULL_MODEM_USE_EXT_PARTITION
 * Not aliased (README "NCS API"): CONFIG_DFU_TARGET_MODEM_TIMEOUT (the
 * modem delta target's cfg.timeout_ms), CONFIG_DFU_TARGET_FULL_MODEM_EXT_FLASH_SIZE
 * (the platform's partition), CONFIG_DFU_TARGET_SMP_IMAGE_LIST_SIZE,
 * CONFIG_DFU_TARGET_LOG_LEVEL (DFU_LOG_* hooks).
 */
#if !defined(DFU_CONFIG_TARGET_MCUBOOT) && \
	(defined(CONFIG_DFU_TARGET) || defined(CONFIG_DFU_TARGET_MCUBOOT))
#ifdef CONFIG_DFU_TARGET_MCUBOOT
#define DFU_CONFIG_TARGET_MCUBOOT 1
#else
#define DFU_CONFIG_TARGET_MCUBOOT 0
#endif
#endif
#if !defined(DFU_CONFIG_TARGET_MODEM_DELTA) && \
	(defined(CONFIG_DFU_TARGET) || defined(CONFIG_DFU_TARGET_MODEM_DELTA))
#ifdef CONFIG_DFU_TARGET_MODEM_DELTA
#define DFU_CONFIG_TARGET_MODEM_DELTA 1
#else
#define DFU_CONFIG_TARGET_MODEM_DELTA 0
#endif
#endif
#if !defined(DFU_CONFIG_TARGET_FULL_MODEM) && \
	(defined(CONFIG_DFU_TARGET) || defined(CONFIG_DFU_TARGET_FULL_MODEM))
#ifdef CONFIG_DFU_TARGET_FULL_MODEM
#define DFU_CONFIG_TARGET_FULL_MODEM 1
#else
#define DFU_CONFIG_TARGET_FULL_MODEM 0
#endif
#endif
#if !defined(DFU_CONFIG_TARGET_CUSTOM) && \
	(defined(CONFIG_DFU_TARGET) || defined(CONFIG_DFU_TARGET_CUSTOM))
#ifdef CONFIG_DFU_TARGET_CUSTOM
#define DFU_CONFIG_TARGET_CUSTOM 1
#else
#define DFU_CONFIG_TARGET_CUSTOM 0
#endif
#endif
#if !defined(DFU_CONFIG_TARGET_SMP) && defined(CONFIG_DFU_TARGET_SMP)
#define DFU_CONFIG_TARGET_SMP 1
#endif
#if !defined(DFU_CONFIG_TARGET_STREAM) && \
	(defined(CONFIG_DFU_TARGET) || defined(CONFIG_DFU_TARGET_STREAM))
#ifdef CONFIG_DFU_TARGET_STREAM
#define DFU_CONFIG_TARGET_STREAM 1
#else
#define DFU_CONFIG_TARGET_STREAM 0
#endif
#endif
#if !defined(DFU_CONFIG_STREAM_SAVE_PROGRESS) &&                                          \
	(defined(CONFIG_DFU_TARGET) || defined(CONFIG_DFU_TARGET_STREAM_SAVE_PROGRESS) || \
	 defined(CONFIG_DFU_TARGET_MCUBOOT_SAVE_PROGRESS))
#if defined(CONFIG_DFU_TARGET_STREAM_SAVE_PROGRESS) || \
	defined(CONFIG_DFU_TARGET_MCUBOOT_SAVE_PROGRESS)
#define DFU_CONFIG_STREAM_SAVE_PROGRESS 1
#else
#define DFU_CONFIG_STREAM_SAVE_PROGRESS 0
#endif
#endif
#if !defined(DFU_CONFIG_STREAM_SYNCHRONOUS) && defined(CONFIG_DFU_TARGET_STREAM_SYNCHRONOUS)
#define DFU_CONFIG_STREAM_SYNCHRONOUS 1
#endif
#if !defined(DFU_CONFIG_FULL_MODEM_USE_EXT_PARTITION) && \
	defined(CONFIG_DFU_TARGET_FULL_MODEM_USE_EXT_PARTITION)
#define DFU_CONFIG_FULL_MODEM_USE_EXT_PARTITION 1
#endif

#ifndef DFU_CONFIG_TARGET_MCUBOOT
#define DFU_CONFIG_TARGET_MCUBOOT 1
#endif
#ifndef DFU_CONFIG_TARGET_MODEM_DELTA
#define DFU_CONFIG_TARGET_MODEM_DELTA 1
#endif
#ifndef DFU_CONFIG_TARGET_FULL_MODEM
#define DFU_CONFIG_TARGET_FULL_MODEM 1
#endif
#ifndef DFU_CONFIG_TARGET_CUSTOM
#define DFU_CONFIG_TARGET_CUSTOM 1
#endif
/* Application delta patches (dfu_target_mcuboot_delta.h, docs/delta.md). */
#ifndef DFU_CONFIG_TARGET_MCUBOOT_DELTA
#define DFU_CONFIG_TARGET_MCUBOOT_DELTA 1
#endif
#ifndef DFU_CONFIG_TARGET_SMP
#define DFU_CONFIG_TARGET_SMP 0
#endif
#ifndef DFU_CONFIG_TARGET_STREAM
#define DFU_CONFIG_TARGET_STREAM 1
#endif
#ifndef DFU_CONFIG_STREAM_SAVE_PROGRESS
#define DFU_CONFIG_STREAM_SAVE_PROGRESS 1
#endif
#ifndef DFU_CONFIG_STREAM_SYNCHRONOUS
#define DFU_CONFIG_STREAM_SYNCHRONOUS 0
#endif
#ifndef DFU_CONFIG_FULL_MODEM_USE_EXT_PARTITION
#define DFU_CONFIG_FULL_MODEM_USE_EXT_PARTITION 0
#endif
#ifndef DFU_CONFIG_ID_PREFIX_MAX
#define DFU_CONFIG_ID_PREFIX_MAX 64
#endif

#if DFU_CONFIG_ID_PREFIX_MAX < 0 || DFU_CONFIG_ID_PREFIX_MAX > 255
#error "DFU_CONFIG_ID_PREFIX_MAX must be in 0..255"
#endif

#ifndef DFU_LOG_ERR
#define DFU_LOG_ERR(...) ((void)0)
#endif
#ifndef DFU_LOG_WRN
#define DFU_LOG_WRN(...) ((void)0)
#endif
#ifndef DFU_LOG_INF
#define DFU_LOG_INF(...) ((void)0)
#endif
#ifndef DFU_LOG_DBG
#define DFU_LOG_DBG(...) ((void)0)
#endif

#ifndef DFU_ASSERT
#ifdef NDEBUG
#define DFU_ASSERT(cond) ((void)0)
#else
#include <assert.h>
#define DFU_ASSERT(cond) assert(cond)
#endif
#endif

#endif /* DFU_CONFIG_H_ */
