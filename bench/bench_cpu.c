/*
 * CPU workloads for callgrind (see bench/run.sh): the writer's own
 * instructions, measured as the inclusive cost of work_*() minus the
 * inclusive cost of the simulated port's callbacks.
 *
 *   bench_cpu 1k   1 MiB in 1 KiB chunks, 512 B buffer (instr/byte)
 *   bench_cpu 1b   64 KiB in 1 B chunks (instr per write call)
 *   bench_cpu 7b   64 KiB in 7 B chunks (instr per write call)
 *   bench_cpu sha  SHA-256 of 1 MiB in 1 KiB chunks: dfu_sha256_update and,
 *                  when built with mbedTLS, mbedtls_sha256_update(_ret) on
 *                  the same data (run.sh reads their inclusive cost)
 *
 * Checkpoints (one store write per erase block) are included.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu/dfu_sha256.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_raw.h"
#include "sim_flash.h"
#include "sim_kv.h"

#if defined(DFU_HAVE_MBEDTLS)
#include <mbedtls/sha256.h>
#include <mbedtls/version.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define mbedtls_sha256_starts_ret mbedtls_sha256_starts
#define mbedtls_sha256_update_ret mbedtls_sha256_update
#define mbedtls_sha256_finish_ret mbedtls_sha256_finish
#endif
#endif

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

static void print_digest(const char *who, const uint8_t d[32])
{
	printf("%-8s ", who);
	for (int i = 0; i < 32; i++) {
		printf("%02x", d[i]);
	}
	printf("\n");
}

/* SHA-256 of img[0..N_MAX) in 1 KiB chunks; the update calls are what
 * run.sh measures (inclusive Ir of dfu_sha256_update / mbedTLS's update). */
__attribute__((noinline)) static void sha_ours(uint8_t out[32])
{
	struct dfu_sha256 c;

	dfu_sha256_init(&c);
	for (uint32_t off = 0; off < N_MAX; off += 1024) {
		dfu_sha256_update(&c, img + off, 1024);
	}
	dfu_sha256_final(&c, out);
}

static int bench_sha(void)
{
	uint8_t ours[32];

	sha_ours(ours);
	print_digest("dfu", ours);
#if defined(DFU_HAVE_MBEDTLS)
	uint8_t ref[32];
	mbedtls_sha256_context m;

	mbedtls_sha256_init(&m);
	if (mbedtls_sha256_starts_ret(&m, 0) != 0) {
		return 1;
	}
	for (uint32_t off = 0; off < N_MAX; off += 1024) {
		if (mbedtls_sha256_update_ret(&m, img + off, 1024) != 0) {
			return 1;
		}
	}
	if (mbedtls_sha256_finish_ret(&m, ref) != 0) {
		return 1;
	}
	mbedtls_sha256_free(&m);
	print_digest("mbedtls", ref);
	if (memcmp(ours, ref, 32) != 0) {
		printf("bench_cpu sha: digests differ\n");
		return 1;
	}
#endif
	printf("bench_cpu sha: %u bytes in 1024-byte chunks\n", (unsigned)N_MAX);
	return 0;
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
	if (strcmp(w, "sha") == 0) {
		return bench_sha();
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
