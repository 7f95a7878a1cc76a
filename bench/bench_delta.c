/*
 * Application delta benchmark (bench/delta_bench.sh drives it):
 *
 *   bench_delta make OLD.bin NEW.bin DIR   wrap the raw binaries as hash-only
 *       MCUboot images (DIR/old.img, DIR/new.img, versions 1.0.0 / 1.0.1),
 *       write DIR/hs.delta and DIR/none.delta, print the sizes
 *   bench_delta apply DIR [hs|none [noreadback]]  apply DIR/<c>.delta to a simulated
 *       nRF52840 (4 KiB blocks, 512 B write buffer) running DIR/old.img,
 *       through the delta target; checks the result (run it under callgrind)
 *   bench_delta ram                        the decoder's RAM
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta_gen.h"
#include "dfu/dfu_target_mcuboot_delta.h"
#include "mcuboot_img.h"
#include "sim_flash.h"
#include "sim_kv.h"

static uint8_t *rd(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = malloc(1u << 21);

	if (f == NULL || p == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	*n = fread(p, 1, 1u << 21, f);
	fclose(f);
	return p;
}

static void wr(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
}

static uint8_t *wrap(const uint8_t *raw, size_t n, uint16_t rev, size_t *len)
{
	struct mcuboot_img_params p = {.version = {1, 0, rev, 0}};
	uint8_t *img = malloc(n + 1024);

	if (img == NULL || mcuboot_img_build(&p, raw, n, img, n + 1024, len) != 0) {
		exit(1);
	}
	return img;
}

static int make(const char *o, const char *nw, const char *dir)
{
	size_t on, nn, oi, ni, an;
	uint8_t *ro = rd(o, &on), *rn = rd(nw, &nn);
	uint8_t *io = wrap(ro, on, 0, &oi), *in = wrap(rn, nn, 1, &ni), *a;

	wr(dir, "old.img", io, oi);
	wr(dir, "new.img", in, ni);
	for (int c = 0; c < 2; c++) {
		struct delta_gen_opts opt = {.comp = c ? DELTA_GEN_HEATSHRINK : DELTA_GEN_NONE};
		struct delta_gen_info info;

		if (delta_gen_artifact(io, oi, in, ni, &opt, &a, &an, &info) != 0) {
			return 1;
		}
		wr(dir, c ? "hs.delta" : "none.delta", a, an);
		printf("%s %zu %u %u %u\n", c ? "heatshrink" : "none", an,
		       (unsigned)info.patch_size, info.wbits, info.lbits);
		free(a);
	}
	printf("new_image %zu\n", ni);
	free(ro);
	free(rn);
	free(io);
	free(in);
	return 0;
}

static struct sim_power power;
static struct sim_flash flash;
static struct sim_kv kv;
static uint8_t buf[512], win[1024];

/* The measured part (callgrind --toggle-collect=run_apply). */
__attribute__((noinline)) int run_apply(struct dfu_ctx *ctx, int type, const uint8_t *a, size_t an);

int run_apply(struct dfu_ctx *ctx, int type, const uint8_t *a, size_t an)
{
	struct dfu_init_params ip = {.img_type = type, .file_size = an};
	int err = dfu_ctx_init_ex(ctx, &ip);

	for (size_t off = 0; err == 0 && off < an; off += 1024) {
		err = dfu_ctx_write(ctx, a + off, an - off < 1024 ? an - off : 1024);
	}
	return err ? err : dfu_ctx_done(ctx, true);
}

static int apply(const char *dir, const char *c, bool readback)
{
	char path[512];
	size_t oi, an, ni;

	snprintf(path, sizeof(path), "%s/old.img", dir);
	uint8_t *io = rd(path, &oi);

	snprintf(path, sizeof(path), "%s/new.img", dir);
	uint8_t *in = rd(path, &ni);

	snprintf(path, sizeof(path), "%s/%s.delta", dir, c);
	uint8_t *a = rd(path, &an);

	sim_power_init(&power);
	sim_kv_init(&kv, &power);
	if (sim_flash_init(&flash, &sim_geo_nrf52840, 0x100000, &power) != 0) {
		return 1;
	}
	const struct dfu_flash *f = &flash.dev;
	struct dfu_mcuboot_pair pair = {.primary = {f, 0, 0x41000},
					.secondary = {f, 0x41000, 0x40000}};
	struct dfu_mcuboot_board board = {&pair, 1};
	static struct dfu_mcuboot m;
	static struct dfu_mcuboot_delta t;
	struct dfu_port port = {.kv = &kv.dev};

	m.cfg = (struct dfu_mcuboot_cfg){.board = &board,
					 .buf = buf,
					 .buf_len = sizeof(buf),
					 .flags = readback ? 0 : DFU_MCUBOOT_NO_READBACK};
	t.cfg = (struct dfu_mcuboot_delta_cfg){
		.mcuboot = &m, .window = win, .window_len = sizeof(win)};
	struct dfu_target_entry e = {&dfu_target_mcuboot_delta_ops, &t};
	struct dfu_config cfg = {.port = &port, .targets = &e, .target_count = 1};
	static struct dfu_ctx ctx;

	if (dfu_ctx_setup(&ctx, &cfg) != 0) {
		e.ops = &dfu_target_mcuboot_delta_custom_ops;
		if (dfu_ctx_setup(&ctx, &cfg) != 0) {
			return 1;
		}
	}
	memcpy(flash.mem, io, oi);
	int err = run_apply(&ctx, e.ops->type, a, an);

	if (err || memcmp(flash.mem + 0x41000, in, ni) != 0) {
		printf("apply failed: %d\n", err);
		return 1;
	}
	printf("applied %s: %zu B patch -> %zu B image\n", c, an, ni);
	sim_flash_free(&flash);
	free(io);
	free(in);
	free(a);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "make")) {
		return make(argv[2], argv[3], argv[4]);
	}
	if (argc >= 3 && !strcmp(argv[1], "apply")) {
		return apply(argv[2], argc > 3 ? argv[3] : "hs",
			     argc <= 4 || strcmp(argv[4], "noreadback"));
	}
	if (argc == 2 && !strcmp(argv[1], "ram")) {
		printf("decoder_state %zu\n", sizeof(struct dfu_delta_dec) - 2 * DFU_DELTA_BATCH);
		printf("decoder_buffers %u\n", 2 * DFU_DELTA_BATCH);
		printf("target_total %zu\n", sizeof(struct dfu_mcuboot_delta));
		printf("inner_mcuboot %zu\n", sizeof(struct dfu_mcuboot));
		return 0;
	}
	fprintf(stderr, "usage: bench_delta make OLD NEW DIR | apply DIR [hs|none] | ram\n");
	return 1;
}
