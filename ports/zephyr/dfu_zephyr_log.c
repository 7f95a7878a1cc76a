/* The "dfu_target" log module (the library's DFU_LOG_* hooks and the
 * Zephyr ports log to it). SPDX-License-Identifier: Apache-2.0 */
#include <zephyr/logging/log.h>

LOG_MODULE_REGISTER(dfu_target, CONFIG_DFU_TARGET_LOG_LEVEL);
