/*
 * The library's compile-time options (include/dfu/dfu_config.h) taken from
 * Kconfig. The Zephyr module passes -DDFU_CONFIG_HEADER naming this file
 * to the library and to the application, so both see the same options.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_ZEPHYR_CONFIG_H_
#define DFU_ZEPHYR_CONFIG_H_

#include <zephyr/sys/__assert.h>
#include <zephyr/sys/util_macro.h>

/* Zephyr's minimal libc (3.4) lacks two errno values the library uses
 * (ESTALE: policy verdicts; ENOTRECOVERABLE: named by dfu_errno_name()).
 * Values it does not use; newlib and picolibc define their own. */
#ifndef ESTALE
#define ESTALE 151
#endif
#ifndef ENOTRECOVERABLE
#define ENOTRECOVERABLE 152
#endif

/* DFU_CONFIG_TARGET_* and the stream options follow their NCS-named
 * CONFIG_DFU_TARGET_* symbols in dfu/dfu_config.h itself. */
#define DFU_CONFIG_ID_PREFIX_MAX CONFIG_DFU_TARGET_ID_PREFIX_MAX
#ifdef CONFIG_DFU_TARGET_FULL_MODEM_EXT_FLASH_SIZE
#define DFU_CONFIG_FULL_MODEM_MIN_SIZE CONFIG_DFU_TARGET_FULL_MODEM_EXT_FLASH_SIZE
#endif

#define DFU_ASSERT(cond) __ASSERT_NO_MSG(cond)

/* The library's logging hooks go to Zephyr's log subsystem, module
 * "dfu_target" (CONFIG_DFU_TARGET_LOG_LEVEL), in the library's own files
 * only (DFU_ZEPHYR_LIBRARY is defined for them by zephyr/CMakeLists.txt). */
#if defined(DFU_ZEPHYR_LIBRARY) && defined(CONFIG_LOG) && (CONFIG_DFU_TARGET_LOG_LEVEL > 0)
#include <zephyr/logging/log.h>
LOG_MODULE_DECLARE(dfu_target, CONFIG_DFU_TARGET_LOG_LEVEL);
#define DFU_LOG_ERR(...) LOG_ERR(__VA_ARGS__)
#define DFU_LOG_WRN(...) LOG_WRN(__VA_ARGS__)
#define DFU_LOG_INF(...) LOG_INF(__VA_ARGS__)
#define DFU_LOG_DBG(...) LOG_DBG(__VA_ARGS__)
#endif

#endif /* DFU_ZEPHYR_CONFIG_H_ */
