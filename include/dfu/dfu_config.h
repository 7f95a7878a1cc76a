/*
 * Compile-time options. Every option has a default; override any of them
 * with -D on the command line, or put them in a header of your own and
 * build with -DDFU_CONFIG_HEADER='"my_dfu_config.h"' (included first).
 *
 *   DFU_CONFIG_TARGET_MCUBOOT      1  MCUboot target compiled in (identify).
 *   DFU_CONFIG_TARGET_MODEM_DELTA  1  Modem delta target compiled in.
 *   DFU_CONFIG_TARGET_FULL_MODEM   1  Full modem target compiled in.
 *   DFU_CONFIG_TARGET_CUSTOM       1  Custom (application) targets allowed.
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
