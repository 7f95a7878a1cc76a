/*
 * Port contract checks and CRC-32.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stddef.h>

#include "dfu/dfu_modem.h"
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
	/* Nibble table: 64 B of .rodata, ~2x8 instructions per byte (the
	 * bitwise loop cost ~70, which dominated the checkpoint cost). */
	static const uint32_t tab[16] = {
		0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u,
		0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
		0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
	};
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ tab[crc & 15u];
		crc = (crc >> 4) ^ tab[crc & 15u];
	}
	return ~crc;
}

int dfu_modem_delta_validate(const struct dfu_modem_delta *m)
{
	if (m == NULL || m->uuid == NULL || m->area == NULL || m->offset == NULL ||
	    m->write_init == NULL || m->write == NULL || m->write_done == NULL ||
	    m->erase == NULL || m->update == NULL || m->rollback == NULL) {
		return -EINVAL;
	}
	return 0;
}
