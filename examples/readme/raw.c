/*
 * The README's porting-guide example, whole: a raw flash area registered as
 * the CUSTOM target on the RAM port (ram_port.c), fed through the usual
 * dfu_target_* calls. The README shows the part between the "README" marks;
 * scripts/check-readme.py checks that it is the same text.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "dfu/dfu_errname.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_raw.h"
#include "ram_port.h"

/* README: raw */
static uint8_t buf[512];
static struct dfu_raw raw = {.cfg = {.flash = &my_flash,
				     .offset = 0x80000,
				     .size = 0x40000,
				     .buf = buf,
				     .buf_len = sizeof(buf),
				     .key = "dfu/app"}};
static const struct dfu_target_entry targets[] = {{&dfu_target_raw_ops, &raw}};
static const struct dfu_port port = {.kv = &my_kv};
static const struct dfu_config cfg = {.port = &port, .targets = targets, .target_count = 1};

/* Once at boot. */
static int app_dfu_setup(void)
{
	return dfu_target_setup(&cfg);
}

/* Per download: first = the file's first fragment (also what identifies
 * the file for resuming after a reboot). A raw area has no format that
 * img_type() could recognise (it answers NONE), so name the type: CUSTOM. */
static int app_dfu_start(const uint8_t *first, size_t first_len, size_t file_size,
			 size_t *resume_at)
{
	(void)dfu_target_img_type(first, first_len);
	int err = dfu_target_init(DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, file_size, NULL);

	return err ? err : dfu_target_offset_get(resume_at); /* fetch from here */
}
/* Then dfu_target_write() for each chunk from *resume_at on, and
 * dfu_target_done(true) after the last one. */
/* README: end */

int main(void)
{
	static uint8_t img[100000];
	size_t off = 0;
	int err;

	for (size_t i = 0; i < sizeof(img); i++) {
		img[i] = (uint8_t)(i * 7u + 3u);
	}
	err = app_dfu_setup();
	if (err == 0) {
		err = app_dfu_start(img, 256, sizeof(img), &off);
	}
	while (err == 0 && off < sizeof(img)) {
		size_t n = sizeof(img) - off < 1000 ? sizeof(img) - off : 1000;

		err = dfu_target_write(img + off, n);
		off += n;
	}
	if (err == 0) {
		err = dfu_target_done(true);
	}
	if (err == 0 && memcmp(ram_flash_mem + 0x80000, img, sizeof(img)) != 0) {
		err = -1;
	}
	printf("readme raw example: %s\n", err == 0 ? "image in flash" : dfu_errno_name(err));
	return err == 0 ? 0 : 1;
}
