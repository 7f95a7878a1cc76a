/*
 * CPU workload for callgrind (see bench/run.sh): a 1 MiB MCUboot image
 * (hash-only, 0x200 header) streamed through the MCUboot target in 1 KiB
 * chunks with a 512 B buffer, SHA-256 computed while writing.
 *
 *   bench_mcuboot stream   work_stream(): init + every write (streaming +
 *                          SHA-256 + TLV parsing)
 *   bench_mcuboot          work_stream() then work_done(): done(true) =
 *                          flush, read back and re-hash from flash, TLV
 *                          walk, verified record
 *
 * run.sh reports each one's inclusive instructions minus the simulated
 * port's callbacks (whose cost in work_done is the difference between the
 * two runs), per image byte.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dfu/dfu_sha256.h"
#include "dfu/dfu_target_mcuboot.h"
#include "sim_flash.h"
#include "sim_kv.h"

#define N (1024u * 1024u)
#define SEC 4096u
#define HDR 0x200u
#define TLVS (4u + 4u + 32u)

static uint8_t img[N];
static struct sim_power power;
static struct sim_flash flash;
static struct sim_kv kv;
static uint8_t buf[512];
static struct dfu_mcuboot_pair pair;
static const struct dfu_mcuboot_board board = {&pair, 1};
static struct dfu_mcuboot mcuboot;
static struct dfu_target_entry entry = {&dfu_target_mcuboot_ops, &mcuboot};
static struct dfu_port port;
static struct dfu_config cfg = {.port = &port, .targets = &entry, .target_count = 1};
static struct dfu_ctx ctx;

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void build_image(void)
{
	uint32_t body = N - HDR - TLVS;

	memset(img, 0xFF, HDR);
	put32(img, 0x96f3b83du);
	put32(img + 4, 0);
	img[8] = HDR & 0xFF, img[9] = HDR >> 8;
	img[10] = 0, img[11] = 0;
	put32(img + 12, body);
	put32(img + 16, 0);
	img[20] = 1, img[21] = 0, img[22] = 0, img[23] = 0;
	put32(img + 24, 0);
	put32(img + 28, 0);
	for (uint32_t i = 0; i < body; i++) {
		img[HDR + i] = (uint8_t)(i * 131u + 7u);
	}
	uint8_t *t = img + HDR + body;

	t[0] = 0x07, t[1] = 0x69, t[2] = TLVS, t[3] = 0;
	t[4] = 0x10, t[5] = 0, t[6] = 32, t[7] = 0;
	dfu_sha256(img, HDR + body, t + 8);
}

__attribute__((noinline)) static int work_stream(void)
{
	if (dfu_ctx_init(&ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, N, NULL)) {
		return 1;
	}
	for (uint32_t off = 0; off < N; off += 1024) {
		if (dfu_ctx_write(&ctx, img + off, 1024)) {
			return 1;
		}
	}
	return 0;
}

__attribute__((noinline)) static int work_done(void)
{
	return dfu_ctx_done(&ctx, true);
}

int main(int argc, char **argv)
{
	bool all = argc < 2 || strcmp(argv[1], "stream") != 0;

	build_image();
	sim_power_init(&power);
	if (sim_flash_init(&flash, &sim_geo_nrf52840, 4 * N, &power) != 0) {
		return 1;
	}
	sim_kv_init(&kv, &power);
	port.kv = &kv.dev;
	pair = (struct dfu_mcuboot_pair){.primary = {&flash.dev, 0, N + 2 * SEC},
					 .secondary = {&flash.dev, N + 2 * SEC, N + SEC},
					 .mode = DFU_MCUBOOT_SWAP_MOVE};
	mcuboot.cfg = (struct dfu_mcuboot_cfg){.board = &board, .buf = buf, .buf_len = sizeof(buf)};
	if (dfu_ctx_setup(&ctx, &cfg)) {
		return 1;
	}
	int err = work_stream();

	if (!all) {
		printf("bench_mcuboot stream: %u bytes in 1024-byte chunks (%d)\n", (unsigned)N,
		       err);
		return err;
	}
	if (err == 0) {
		err = work_done();
	}
	if (err || memcmp(flash.mem + N + 2 * SEC, img, N) != 0 ||
	    dfu_mcuboot_report(&mcuboot)->hash != DFU_MCUBOOT_CHECK_OK) {
		printf("bench_mcuboot: download failed (%d)\n", err);
		return 1;
	}
	printf("bench_mcuboot: %u bytes in 1024-byte chunks, verified\n", (unsigned)N);
	return 0;
}
