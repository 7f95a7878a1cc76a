/*
 * Flash port on Zephyr's flash map (see dfu_zephyr.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include <zephyr/device.h>
#include <zephyr/drivers/flash.h>
#include <zephyr/storage/flash_map.h>

#include "dfu_zephyr/dfu_zephyr.h"

static int zf_read(void *ctx, uint32_t off, void *dst, size_t len)
{
	const struct dfu_zephyr_flash *z = ctx;

	return flash_area_read(z->fa, (off_t)off, dst, len);
}

static int zf_program(void *ctx, uint32_t off, const void *src, size_t len)
{
	const struct dfu_zephyr_flash *z = ctx;

	return flash_area_write(z->fa, (off_t)off, src, len);
}

static int zf_erase(void *ctx, uint32_t off, size_t len)
{
	const struct dfu_zephyr_flash *z = ctx;

	return flash_area_erase(z->fa, (off_t)off, len);
}

/* The area's page size, when every page in it has that size and the area
 * starts and ends on page boundaries; else 0. */
static uint32_t area_page_size(const struct device *dev, const struct flash_area *fa)
{
	struct flash_pages_info info;
	uint32_t page = 0;
	off_t pos = (off_t)fa->fa_off;
	const off_t end = (off_t)(fa->fa_off + fa->fa_size);

	while (pos < end) {
		if (flash_get_page_info_by_offs(dev, pos, &info) != 0 || info.start_offset != pos ||
		    info.size == 0) {
			return 0;
		}
		if (page == 0) {
			page = (uint32_t)info.size;
		} else if (page != info.size) {
			return 0;
		}
		pos += (off_t)info.size;
	}
	return pos == end ? page : 0;
}

int dfu_zephyr_flash_open(struct dfu_zephyr_flash *z, uint8_t id)
{
	const struct flash_parameters *par;
	const struct device *dev;
	uint32_t page;
	size_t wb;
	int err;

	if (z == NULL) {
		return -EINVAL;
	}
	memset(z, 0, sizeof(*z));
	err = flash_area_open(id, &z->fa);
	if (err != 0) {
		z->fa = NULL;
		return err;
	}
	dev = flash_area_get_device(z->fa);
	if (dev == NULL || !device_is_ready(dev)) {
		dfu_zephyr_flash_close(z);
		return -ENODEV;
	}
	par = flash_get_parameters(dev);
	wb = flash_get_write_block_size(dev);
	page = area_page_size(dev, z->fa);
	if (par == NULL || wb == 0 || page == 0 || page % wb != 0 || z->fa->fa_size == 0) {
		dfu_zephyr_flash_close(z);
		return -EINVAL;
	}
	z->flash = (struct dfu_flash){
		.ctx = z,
		.read = zf_read,
		.program = zf_program,
		.erase = zf_erase,
		.size = (uint32_t)z->fa->fa_size,
		.write_block = (uint32_t)wb,
		.erase_block = page,
		.erase_value = par->erase_value,
	};
	return dfu_flash_validate(&z->flash);
}

void dfu_zephyr_flash_close(struct dfu_zephyr_flash *z)
{
	if (z != NULL && z->fa != NULL) {
		flash_area_close(z->fa);
		z->fa = NULL;
	}
}
