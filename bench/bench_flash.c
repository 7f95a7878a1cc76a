/*
 * Flash cost of a 1 MiB download in 1 KiB chunks (512 B buffer) on each
 * geometry, next to the theoretical minimum: erase each touched block once
 * and program each byte once:
 *   T_min = ceil(N / E) * t_erase + ceil(N / P) * t_program(P)
 * (P = program timing unit: 4 B word on NVMC, 8 B on STM32L4, 256 B page on
 * NOR). Typical timings (ports/sim presets from docs of flash-timing).
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

#define N (1024u * 1024u)
#define CHUNK 1024u

static uint8_t img[N];

static int run(const struct sim_geometry *g)
{
	static struct sim_power power;
	static struct sim_flash flash;
	static struct sim_kv kv;
	static uint8_t buf[512];
	static struct dfu_raw raw;
	struct dfu_target_entry entry = {&dfu_target_raw_ops, &raw};
	struct dfu_port port = {.kv = &kv.dev};
	struct dfu_config cfg = {.port = &port, .targets = &entry, .target_count = 1};
	struct dfu_ctx ctx;

	sim_power_init(&power);
	if (sim_flash_init(&flash, g, 2 * N, &power) != 0) {
		return 1;
	}
	sim_kv_init(&kv, &power);
	memset(&raw, 0, sizeof(raw));
	raw.cfg = (struct dfu_stream_cfg){.flash = &flash.dev,
					  .offset = 0,
					  .size = N,
					  .buf = buf,
					  .buf_len = sizeof(buf),
					  .key = "dfu/b"};
	if (dfu_ctx_setup(&ctx, &cfg) ||
	    dfu_ctx_init(&ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, N, NULL)) {
		return 1;
	}
	for (uint32_t off = 0; off < N; off += CHUNK) {
		if (dfu_ctx_write(&ctx, img + off, CHUNK)) {
			return 1;
		}
	}
	if (dfu_ctx_done(&ctx, true) || memcmp(flash.mem, img, N) != 0) {
		return 1;
	}
	uint32_t e = g->erase_block;
	uint32_t p = g->program_page ? g->program_page : g->write_block;
	uint64_t min_erases = (N + e - 1) / e;
	uint64_t t_min =
		min_erases * g->erase_typ_us + (uint64_t)((N + p - 1) / p) * g->program_typ_us;
	/* Store writes, modeled as a log-structured store on the same flash:
	 * a 28 B record + 4 B header programmed (32 B), plus 32/E of an erase
	 * for log compaction. An assumption about the port, printed apart. */
	uint64_t rec_us = (uint64_t)kv.cnt.writes *
			  ((32u + p - 1) / p * g->program_typ_us + 32u * g->erase_typ_us / e);
	printf("%-10s erases %5u (min %5llu)  programs %5u calls, %8llu B (min %u B)  "
	       "store writes %u/MiB  modeled %.3f s (min %.3f s) ratio %.4f  violations %u\n",
	       g->name, (unsigned)flash.cnt.erases, (unsigned long long)min_erases,
	       (unsigned)flash.cnt.programs, (unsigned long long)flash.cnt.bytes_programmed,
	       (unsigned)N, (unsigned)kv.cnt.writes, flash.cnt.time_us / 1e6, t_min / 1e6,
	       (double)flash.cnt.time_us / (double)t_min, (unsigned)flash.cnt.violations.total);
	printf("%-10s with store writes on the same flash: %.3f s, ratio %.4f\n", "",
	       (flash.cnt.time_us + rec_us) / 1e6,
	       (double)(flash.cnt.time_us + rec_us) / (double)t_min);
	sim_flash_free(&flash);
	return 0;
}

int main(void)
{
	uint32_t x = 7;

	for (size_t i = 0; i < N; i++) {
		x = x * 1664525u + 1013904223u;
		img[i] = (uint8_t)(x >> 24);
	}
	printf("1 MiB download, 1 KiB chunks, 512 B buffer, checkpoint every erase block\n");
	int err = run(&sim_geo_nrf52840) | run(&sim_geo_mx25r64) | run(&sim_geo_stm32l4);
	return err;
}
