/*
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <string.h>

#include "dfu/dfu_identify.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_mcuboot_delta.h"

static bool has(const void *buf, size_t len, size_t off, const uint8_t *magic, size_t n)
{
	return buf != NULL && len >= DFU_TARGET_MIN_SIZE_IDENTIFY_BUF &&
	       memcmp((const uint8_t *)buf + off, magic, n) == 0;
}

bool dfu_identify_mcuboot(const void *buf, size_t len)
{
	static const uint8_t m[] = {0x3d, 0xb8, 0xf3, 0x96};

	return has(buf, len, 0, m, sizeof(m));
}

bool dfu_identify_modem_delta(const void *buf, size_t len)
{
	static const uint8_t m[] = {0x6d, 0x65, 0x44, 0x75};

	return has(buf, len, 4, m, sizeof(m));
}

bool dfu_identify_full_modem(const void *buf, size_t len)
{
	static const uint8_t m[] = {0xd2, 0x84};

	return has(buf, len, 0, m, sizeof(m));
}

bool dfu_identify_mcuboot_delta(const uint8_t *buf, size_t len)
{
	static const uint8_t m[] = {'M', 'C', 'D', 'P', DFU_DELTA_FORMAT_VERSION};

	return len >= 32 && has(buf, len, 0, m, sizeof(m));
}

bool dfu_identify_builtin(int type, const void *buf, size_t len)
{
	switch (type) {
#if DFU_CONFIG_TARGET_MCUBOOT
	case DFU_TARGET_IMAGE_TYPE_MCUBOOT:
		return dfu_identify_mcuboot(buf, len);
#endif
#if DFU_CONFIG_TARGET_MCUBOOT_DELTA
	case DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA:
		return dfu_identify_mcuboot_delta(buf, len);
#endif
#if DFU_CONFIG_TARGET_MODEM_DELTA
	case DFU_TARGET_IMAGE_TYPE_MODEM_DELTA:
		return dfu_identify_modem_delta(buf, len);
#endif
#if DFU_CONFIG_TARGET_FULL_MODEM
	case DFU_TARGET_IMAGE_TYPE_FULL_MODEM:
		return dfu_identify_full_modem(buf, len);
#endif
	default:
		return false;
	}
}
