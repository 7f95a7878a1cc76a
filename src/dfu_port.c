/*
 * Port contract checks and CRC-32.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stddef.h>

#include "dfu/dfu_port.h"
#include "dfu/dfu_stream.h"

int dfu_flash_validate(const struct dfu_flash *f)
{
	if (f == NULL || f->read == NULL || f->program == NULL || f->erase == NULL) {
		return -EINVAL;
	}
	if (f->write_block == 0 || f->erase_block < f->write_block ||
	    f->erase_block % f->write_block != 0 || f->size == 0 || f->size % f->erase_block != 0) {
		return -EINVAL;
	}
	return 0;
}

int dfu_kv_validate(const struct dfu_kv *kv)
{
	if (kv == NULL || kv->read == NULL || kv->write == NULL || kv->remove == NULL) {
		return -EINVAL;
	}
	return 0;
}

uint32_t dfu_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++) {
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
		}
	}
	return ~crc;
}
