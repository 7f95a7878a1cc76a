/*
 * dfu-demo: the library's main job on a simulated device.
 *
 * A simulated nRF52840 (1 MiB internal flash, 4 KiB pages, 4 B words) with
 * a key-value store receives a 200 KiB image in 1 KiB chunks. The power is
 * cut at ~40 % of the download (in the middle of a flash program, leaving
 * torn bits). The device reboots, the application asks offset_get() where to
 * resume, sends the rest, calls done(true), and the flash is compared with
 * the image byte for byte. Flash operation counts and modeled flash time are
 * printed next to the physical minimum.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu/dfu_errname.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_raw.h"
#include "sim_clock.h"
#include "sim_flash.h"
#include "sim_kv.h"

#define AREA_OFF (512u * 1024u)
#define IMG_SIZE (200u * 1024u + 123u)
#define CHUNK 1024u

static struct sim_power power;
static struct sim_flash flash;
static struct sim_kv kv;
static uint8_t buf[512];
static struct dfu_raw raw;
static struct dfu_target_entry entry = {&dfu_target_raw_ops, &raw};
static struct dfu_port port;
static struct dfu_config cfg;
static uint8_t img[IMG_SIZE];

static void progress(void *user, size_t durable, size_t total)
{
	static unsigned last;
	unsigned pct = (unsigned)(durable * 100 / total);

	(void)user;
	if (pct / 10 != last / 10 || durable == total) {
		printf("    durable %6zu / %zu bytes (%u %%)\n", durable, total, pct);
		last = pct;
	}
}

static void boot(void)
{
	memset(&raw, 0, sizeof(raw));
	raw.cfg = (struct dfu_stream_cfg){.flash = &flash.dev,
					  .offset = AREA_OFF,
					  .size = 256 * 1024,
					  .buf = buf,
					  .buf_len = sizeof(buf),
					  .key = "dfu/app"};
	port.kv = &kv.dev;
	cfg = (struct dfu_config){
		.port = &port, .targets = &entry, .target_count = 1, .progress = progress};
	if (dfu_target_setup(&cfg) != 0) {
		exit(2);
	}
}

/* What an application does after each boot. Returns 0 when complete. */
static int download(void)
{
	size_t off = 0;
	int err;

	(void)dfu_target_img_type(img, CHUNK);
	err = dfu_target_init(DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, IMG_SIZE, NULL);
	if (err == 0) {
		err = dfu_target_offset_get(&off);
	}
	if (err) {
		return err;
	}
	printf("  init ok, resume offset %zu\n", off);
	while (off < IMG_SIZE) {
		size_t k = IMG_SIZE - off < CHUNK ? IMG_SIZE - off : CHUNK;

		err = dfu_target_write(img + off, k);
		if (err) {
			printf("  write at %zu failed: %s\n", off, dfu_errno_name(err));
			return err;
		}
		off += k;
	}
	err = dfu_target_done(true);
	printf("  done(true): %s\n", dfu_errno_name(err));
	return err;
}

int main(void)
{
	uint32_t x = 1;

	for (size_t i = 0; i < IMG_SIZE; i++) {
		x = x * 1664525u + 1013904223u;
		img[i] = (uint8_t)(x >> 24);
	}
	if (sim_flash_init(&flash, &sim_geo_nrf52840, 0, &power) != 0) {
		return 2;
	}
	sim_kv_init(&kv, &power);

	/* ~40 % of the image: each 1 KiB chunk is programmed by one op (zero
	 * copy), each 4 KiB page adds an erase and a checkpoint; cut in the
	 * middle of a program (half its words land, one word is torn). */
	uint32_t at = IMG_SIZE * 4 / 10;
	uint32_t cut = at / CHUNK + 2 * (at / 4096) + 3;
	printf("dfu-demo: %u-byte image -> simulated nRF52840, power cut at flash op %u\n",
	       (unsigned)IMG_SIZE, (unsigned)cut);
	printf("boot 1:\n");
	boot();
	sim_power_arm(&power, cut, SIM_TORN_HALF, 42);
	int err = download();
	printf("  ** power lost (%s) **\n", dfu_errno_name(err));

	printf("boot 2:\n");
	sim_power_reboot(&power);
	boot();
	err = download();
	if (err) {
		printf("FAILED: %s\n", dfu_errno_name(err));
		return 1;
	}
	if (memcmp(flash.mem + AREA_OFF, img, IMG_SIZE) != 0) {
		printf("FAILED: flash differs from the image\n");
		return 1;
	}
	uint32_t blocks = (IMG_SIZE + 4095) / 4096;
	printf("result: image in flash is bit-exact (%u bytes)\n", (unsigned)IMG_SIZE);
	printf("flash: %u erases (minimum %u; %u repeated after the cut), %llu bytes "
	       "programmed, %u rule violations\n",
	       (unsigned)flash.cnt.erases, (unsigned)blocks, (unsigned)(flash.cnt.erases - blocks),
	       (unsigned long long)flash.cnt.bytes_programmed,
	       (unsigned)flash.cnt.violations.total);
	printf("store: %u record writes, %u removes\n", (unsigned)kv.cnt.writes,
	       (unsigned)kv.cnt.removes);
	printf("modeled flash time %.2f s\n", (double)flash.cnt.time_us / 1e6);
	sim_flash_free(&flash);
	return 0;
}
