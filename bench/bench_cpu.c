/*
 * CPU workloads for callgrind (see bench/run.sh): the writer's own
 * instructions, measured as the inclusive cost of work_*() minus the
 * inclusive cost of the simulated port's callbacks.
 *
 *   bench_cpu 1k   1 MiB in 1 KiB chunks, 512 B buffer (instr/byte)
 *   bench_cpu 1b   64 KiB in 1 B chunks (instr per write call)
 *   bench_cpu 7b   64 KiB in 7 B chunks (instr per write call)
 *
 * Checkpoints (one store write per erase block) are included.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu/dfu_target.h"
#include "dfu/dfu_target_raw.h"
#include "sim_flash.h"
#include "sim_kv.h"

#define N_MAX (1024u * 1024u)

static uint8_t img[N_MAX];
static struct sim_power power;
static struct sim_flash flash;
static struct sim_kv kv;
static uint8_t buf[512];
static struct dfu_raw raw;
static struct dfu_target_entry entry = {&dfu_target_raw_ops, &raw};
static struct dfu_port port;
static struct dfu_config cfg = {.port = &port, .targets = &entry, .target_count = 1};
static struct dfu_ctx ctx;

__attribute__((noinline)) static int work(uint32_t n, uint32_t chunk)
{
	if (dfu_ctx_init(&ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL)) {
		return 1;
	}
	uint32_t off = 0;
	for (; off + chunk <= n; off += chunk) {
		if (dfu_ctx_write(&ctx, img + off, chunk)) {
			return 1;
		}
	}
	if (off < n && dfu_ctx_write(&ctx, img + off, n - off)) {
		return 1;
	}
	return dfu_ctx_done(&ctx, true);
}

int main(int argc, char **argv)
{
	const char *w = argc > 1 ? argv[1] : "1k";
	uint32_t n = N_MAX, chunk = 1024;

	if (strcmp(w, "1b") == 0) {
		n = 64 * 1024, chunk = 1;
	} else if (strcmp(w, "7b") == 0) {
		n = 64 * 1024, chunk = 7;
	}
	for (size_t i = 0; i < n; i++) {
		img[i] = (uint8_t)(i * 131u + 7u);
	}
	sim_power_init(&power);
	if (sim_flash_init(&flash, &sim_geo_nrf52840, 2 * N_MAX, &power) != 0) {
		return 1;
	}
	sim_kv_init(&kv, &power);
	port.kv = &kv.dev;
	raw.cfg = (struct dfu_stream_cfg){.flash = &flash.dev,
					  .offset = 0,
					  .size = N_MAX,
					  .buf = buf,
					  .buf_len = sizeof(buf),
					  .key = "dfu/b"};
	if (dfu_ctx_setup(&ctx, &cfg)) {
		return 1;
	}
	int err = work(n, chunk);
	if (err || memcmp(flash.mem, img, n) != 0) {
		printf("bench_cpu: download failed\n");
		return 1;
	}
	printf("bench_cpu %s: %u bytes in %u-byte chunks, %u write calls\n", w, (unsigned)n,
	       (unsigned)chunk, (unsigned)((n + chunk - 1) / chunk));
	return 0;
}
