/*
 * dfu_target on Zephyr: the application calls only dfu_target_*(), as in
 * nRF Connect SDK. Replace next_chunk() with your transport.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>

#include <dfu/dfu_target.h>

static const uint8_t image[] = {
#include "sample_image.inc"
};

/* The transport: up to max bytes of the file from offset off. */
static size_t next_chunk(size_t off, const uint8_t **data, size_t max)
{
	*data = image + off;
	return MIN(max, sizeof(image) - off);
}

static void dfu_event(enum dfu_target_evt_id evt)
{
	printk("dfu event %d\n", (int)evt);
}

int main(void)
{
	const uint8_t *chunk;
	size_t off = 0;
	int type;
	int err;

	/* The first fragment says what the file is (and identifies it, so a
	 * download resumes after a reboot only for the same file). */
	(void)next_chunk(0, &chunk, 64);
	type = dfu_target_img_type(chunk, 64);
	if (type == DFU_TARGET_IMAGE_TYPE_NONE) {
		printk("not an update image\n");
		return 0;
	}
	err = dfu_target_init(type, 0, sizeof(image), dfu_event);
	if (err == 0) {
		err = dfu_target_offset_get(&off); /* resume from here */
	}
	printk("image type %d, %zu bytes, starting at %zu: %d\n", type, sizeof(image), off, err);

	while (err == 0 && off < sizeof(image)) {
		size_t n = next_chunk(off, &chunk, 1024);

		err = dfu_target_write(chunk, n);
		off += n;
	}
	if (err == 0) {
		err = dfu_target_done(true); /* verifies the image in flash */
	}
	if (err == 0) {
		err = dfu_target_schedule_update(0); /* MCUboot: test upgrade */
	}
	if (err != 0) {
		printk("update failed: %d (init again and resume from offset_get)\n", err);
		(void)dfu_target_done(false);
		return 0;
	}
	printk("update scheduled: reboot to let MCUboot swap\n");
	return 0;
}
