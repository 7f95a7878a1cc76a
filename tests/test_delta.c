/*
 * Application delta target end to end on a simulated device: round trips
 * of synthetic pairs (both compressions) and, on the host, of the real
 * Zephyr firmware pairs (tests/vectors/firmware); the seed API; refusals
 * before anything is written (another base, a truncated file, a new image
 * too large, a downgrade); every byte of a small artifact flipped in turn:
 * refused, only the secondary touched, nothing requested; reset; the
 * schedule-after-reboot pattern.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "../src/targets/delta_internal.h"
#include "delta_fixture.h"
#include "harness.h"

#define PAYLOAD 12000u
#define CAP (PAYLOAD + 2048u)
#define FLIP_PAYLOAD 1200u /* the flip sweep: one run per artifact byte */

static struct ddev d;
static uint8_t po[PAYLOAD], pn[PAYLOAD + 512];
static uint8_t img_old[CAP], img_new[CAP];
static size_t old_len, new_len;

/* Images of a synthetic pair, the old one installed as the running one. */
static int setup_pair_n(int kind, uint32_t seed, uint8_t flags, size_t payload)
{
	size_t nn;

	make_pair(kind, po, payload, pn, &nn, seed);
	if (ddev_create(&d, 0x10000, false, flags) != 0 ||
	    make_image(po, payload, 1, img_old, CAP, &old_len) != 0 ||
	    make_image(pn, nn, 2, img_new, CAP, &new_len) != 0) {
		return -1;
	}
	memcpy(ddev_primary(&d), img_old, old_len);
	return 0;
}

static int setup_pair(int kind, uint32_t seed, uint8_t flags)
{
	return setup_pair_n(kind, seed, flags, PAYLOAD);
}

static uint8_t *artifact(uint8_t comp, size_t *n)
{
	struct delta_gen_opts o = {.comp = comp, .wbits = 8, .lbits = 4};
	uint8_t *a = NULL;

	return delta_gen_artifact(img_old, old_len, img_new, new_len, &o, &a, n, NULL) == 0 ? a
											    : NULL;
}

TEST(synthetic_pairs_rebuild_the_new_image_bit_exact_and_scheduled)
{
	for (int k = 0; k < PAIR_KINDS; k++) {
		for (int c = 0; c < 2; c++) {
			size_t n;

			CHECK_OK(setup_pair(k, 5u + (uint32_t)k, 0));
			uint8_t *a = artifact(c ? DELTA_GEN_HEATSHRINK : DELTA_GEN_NONE, &n);

			CHECK(a != NULL);
			CHECKF(delta_update(&d, a, n, 300, 1, NULL) == 0, "%s comp %d",
			       pair_names[k], c);
			CHECKF(ddev_installs(&d, img_new, new_len), "%s comp %d", pair_names[k], c);
			CHECK_MEM(ddev_primary(&d), img_old, old_len);
			free(a);
			ddev_destroy(&d);
		}
	}
}

TEST(seed_api_identifies_and_applies_a_delta)
{
	size_t n, off = 1;

	CHECK_OK(setup_pair(PAIR_EDIT, 77, 0));
	uint8_t *a = artifact(DELTA_GEN_HEATSHRINK, &n);

	CHECK(a != NULL);
	CHECK_OK(dfu_target_setup(&d.cfg));
	CHECK_EQ(dfu_target_img_type(a, 64), d.type);
	CHECK_OK(dfu_target_init(d.type, 0, n, NULL));
	CHECK_OK(dfu_target_offset_get(&off));
	CHECK_EQ(off, 0);
	for (size_t i = 0; i < n; i += 100) {
		CHECK_OK(dfu_target_write(a + i, n - i < 100 ? n - i : 100));
	}
	CHECK_OK(dfu_target_done(true));
	CHECK_OK(dfu_target_schedule_update(0));
	CHECK(ddev_installs(&d, img_new, new_len));
	/* after a reboot: init(type, 0, 0) finds it verified; schedule again */
	ddev_reboot(&d);
	CHECK_OK(dfu_target_setup(&d.cfg));
	CHECK_OK(dfu_target_init(d.type, 0, 0, NULL));
	CHECK_EQ(dfu_ctx_state(dfu_target_default_ctx()), DFU_STATE_DONE);
	CHECK_OK(dfu_target_schedule_update(0));
	free(a);
	ddev_destroy(&d);
}

/* Nothing at all changed: flash and store as before. */
static uint8_t *flash_copy;

static void snapshot_flash(void)
{
	free(flash_copy);
	flash_copy = malloc(d.flash.dev.size);
	if (flash_copy != NULL) {
		memcpy(flash_copy, d.flash.mem, d.flash.dev.size);
	}
}

static bool flash_unchanged(void)
{
	return flash_copy != NULL && memcmp(flash_copy, d.flash.mem, d.flash.dev.size) == 0 &&
	       d.kv.cnt.writes == 0 && d.kv.cnt.removes == 0 && d.flash.cnt.erases == 0;
}

TEST(refusals_before_anything_is_written)
{
	size_t n;

	/* a patch for another base */
	CHECK_OK(setup_pair(PAIR_EDIT, 3, 0));
	uint8_t *a = artifact(DELTA_GEN_HEATSHRINK, &n);

	CHECK(a != NULL);
	/* the running image is another build (its SHA-256 TLV differs) */
	static uint8_t other[CAP];
	size_t other_len;

	po[700] ^= 1;
	CHECK_OK(make_image(po, PAYLOAD, 1, other, CAP, &other_len));
	po[700] ^= 1;
	memcpy(ddev_primary(&d), other, other_len);
	snapshot_flash();
	CHECK_ERR(delta_update(&d, a, n, 1000, 1, NULL), EILSEQ);
	CHECK_EQ(dfu_mcuboot_delta_report(&d.delta)->refusal, DFU_DELTA_WRONG_BASE);
	CHECK(flash_unchanged());
	/* the same, found at init from its first bytes */
	struct dfu_init_params ip = {
		.img_type = d.type, .img_num = 0, .file_size = n, .first = a, .first_len = 128};

	CHECK_ERR(dfu_ctx_init_ex(&d.ctx, &ip), EILSEQ);
	CHECK(flash_unchanged());
	(void)dfu_ctx_done(&d.ctx, false);
	/* its TLV is right but a byte is not: DFU_DELTA_HASH_BASE finds it */
	memcpy(ddev_primary(&d), img_old, old_len);
	ddev_primary(&d)[700] ^= 1;
	d.delta.cfg.flags = DFU_DELTA_HASH_BASE;
	snapshot_flash();
	CHECK_ERR(delta_update(&d, a, n, 1000, 1, NULL), EILSEQ);
	CHECK_EQ(dfu_mcuboot_delta_report(&d.delta)->refusal, DFU_DELTA_WRONG_BASE);
	CHECK(flash_unchanged());
	d.delta.cfg.flags = 0;
	(void)dfu_ctx_done(&d.ctx, false);
	ddev_primary(&d)[700] ^= 1;
	snapshot_flash();
	/* a truncated file */
	CHECK_ERR(delta_update(&d, a, n - 1, 1000, 1, NULL), EBADMSG);
	CHECK(flash_unchanged());
	(void)dfu_ctx_done(&d.ctx, false); /* close the refused download */
	/* a downgrade with DENY_DOWNGRADE */
	d.mcuboot.cfg.flags = DFU_MCUBOOT_DENY_DOWNGRADE;
	CHECK_OK(make_image(po, PAYLOAD, 9, img_old, CAP, &old_len)); /* runs build 9 */
	memcpy(ddev_primary(&d), img_old, old_len);
	free(a);
	a = artifact(DELTA_GEN_NONE, &n);
	snapshot_flash();
	CHECK_ERR(delta_update(&d, a, n, 1000, 1, NULL), ESTALE);
	CHECK_EQ(dfu_mcuboot_delta_report(&d.delta)->refusal, DFU_DELTA_POLICY);
	CHECK(flash_unchanged());
	free(a);
	ddev_destroy(&d);
	/* a new image larger than pair 0's slot (0x10000 here) */
	static uint8_t big[0x11000];

	CHECK_OK(ddev_create(&d, 0x10000, false, 0));
	fill_random(big, sizeof(big), 5);
	CHECK_OK(make_image(po, 2000, 1, img_old, CAP, &old_len));
	memcpy(ddev_primary(&d), img_old, old_len);
	static uint8_t big_img[0x12000];
	size_t big_len;
	struct delta_gen_opts o = {.comp = DELTA_GEN_NONE};

	CHECK_OK(make_image(big, sizeof(big), 2, big_img, sizeof(big_img), &big_len));
	CHECK_OK(delta_gen_artifact(img_old, old_len, big_img, big_len, &o, &a, &n, NULL));
	snapshot_flash();
	CHECK_ERR(delta_update(&d, a, n, 1000, 1, NULL), EFBIG);
	CHECK_EQ(dfu_mcuboot_delta_report(&d.delta)->refusal, DFU_DELTA_TOO_BIG);
	CHECK(flash_unchanged());
	free(a);
	ddev_destroy(&d);
}

/* Every byte of a small artifact flipped in turn: refused (a discarding
 * error), the primary and pair 1 untouched, nothing requested. */
TEST(every_byte_flipped_is_refused_and_only_the_secondary_is_touched)
{
	size_t n;
	uint32_t runs = 0, bad = 0;

	for (int c = 0; c < 2; c++) {
		CHECK_OK(setup_pair_n(PAIR_EDIT, 11, 0, FLIP_PAYLOAD));
		uint8_t *a = artifact(c ? DELTA_GEN_HEATSHRINK : DELTA_GEN_NONE, &n);

		CHECK(a != NULL);
		ddev_destroy(&d);
		for (size_t i = 0; i < n; i++) {
			CHECK_OK(setup_pair_n(PAIR_EDIT, 11, 0, FLIP_PAYLOAD));
			uint32_t p1 = d.pairs[1].primary.offset;
			uint32_t p1n = d.flash.dev.size - p1;

			memset(d.flash.mem + p1, 0x3C, p1n);
			a[i] ^= 0xFF;
			int err = delta_update(&d, a, n, 97, 1, NULL);
			struct dfu_mcuboot_pair_state s;

			a[i] ^= 0xFF;
			runs++;
			if (!dfu_error_discards(err) ||
			    memcmp(ddev_primary(&d), img_old, old_len) != 0 ||
			    !bytes_all(d.flash.mem + p1, p1n, 0x3C) ||
			    dfu_mcuboot_state(&d.mcuboot, 0, &s) != 0 ||
			    s.swap != DFU_MCUBOOT_SWAP_NONE) {
				bad++;
				printf("  comp %d byte %zu: %s\n", c, i, dfu_errno_name(err));
			}
			ddev_destroy(&d);
		}
		free(a);
	}
	printf("  %u flipped artifacts, %u not refused cleanly\n", (unsigned)runs, (unsigned)bad);
	CHECK_EQ(bad, 0);
}

TEST(reset_discards_the_output_and_the_records)
{
	size_t n;

	CHECK_OK(setup_pair(PAIR_SHIFTED, 8, 0));
	uint8_t *a = artifact(DELTA_GEN_HEATSHRINK, &n);
	struct dfu_init_params ip = {.img_type = d.type, .img_num = 0, .file_size = n};

	CHECK(a != NULL);
	CHECK_OK(dfu_ctx_init_ex(&d.ctx, &ip));
	CHECK_OK(dfu_ctx_write(&d.ctx, a, n / 2));
	CHECK_OK(dfu_ctx_reset(&d.ctx));
	CHECK(bytes_all(ddev_secondary(&d), 32, 0xFF));
	char key[12];

	for (int i = 0; i < 3; i++) {
		uint8_t r[64];

		delta_key(key, "pab"[i], 0);
		CHECK_ERR(d.kv.dev.read(d.kv.dev.ctx, key, r, sizeof(r)), ENOENT);
	}
	CHECK_OK(delta_update(&d, a, n, 500, 1, NULL));
	CHECK(ddev_installs(&d, img_new, new_len));
	free(a);
	ddev_destroy(&d);
}

#if !defined(TEST_TARGET_EMBEDDED)
/* ---- the real firmware pairs (host only: 60 and 169 KB) ---------------- */

static uint8_t *load(const char *name, size_t *n)
{
	char path[512];
	const char *f = __FILE__;
	const char *slash = strrchr(f, '/');
	int len = slash ? (int)(slash - f) : 1;

	snprintf(path, sizeof(path), "%.*s/vectors/firmware/%s", len, slash ? f : ".", name);
	FILE *fp = fopen(path, "rb");

	if (fp == NULL) {
		return NULL;
	}
	uint8_t *p = malloc(1u << 20);
	*n = p ? fread(p, 1, 1u << 20, fp) : 0;
	fclose(fp);
	return p;
}

/* Each pair rebuilds bit-exact, from an artifact (envelope included) at
 * most 1.5 x the size of Debian bsdiff 4.3's patch of the same images
 * (bench/delta_bench.sh: 1190 and 1726 bytes). */
TEST(firmware_pairs_round_trip)
{
	static const char *const pairs[][2] = {{"shell_module_v1.bin", "shell_module_v2.bin"},
					       {"echo_server_v1.bin", "echo_server_v2.bin"}};
	static const size_t bsdiff[] = {1190, 1726};

	for (size_t i = 0; i < 2; i++) {
		size_t on, nn, oi, ni, n;
		uint8_t *o = load(pairs[i][0], &on), *nw = load(pairs[i][1], &nn);
		uint8_t *io = malloc(on + 4096), *inw = malloc(nn + 4096), *a = NULL;
		struct delta_gen_opts opt = {.comp = DELTA_GEN_HEATSHRINK};
		struct delta_gen_info info;

		CHECKF(o != NULL && nw != NULL, "tests/vectors/firmware/%s", pairs[i][0]);
		CHECK(io != NULL && inw != NULL);
		CHECK_OK(make_image(o, on, 1, io, on + 4096, &oi));
		CHECK_OK(make_image(nw, nn, 2, inw, nn + 4096, &ni));
		CHECK_OK(delta_gen_artifact(io, oi, inw, ni, &opt, &a, &n, &info));
		printf("  %s: patch %u B (w %u l %u, %u chunks) for %zu B\n", pairs[i][1],
		       (unsigned)info.patch_size, info.wbits, info.lbits, (unsigned)info.chunks,
		       ni);
		CHECKF(n * 2 <= bsdiff[i] * 3, "%s: %zu B > 1.5 x bsdiff's %zu B", pairs[i][1], n,
		       bsdiff[i]);
		CHECK_OK(ddev_create(&d, 0x40000, false, 0));
		memcpy(ddev_primary(&d), io, oi);
		CHECK_OK(delta_update(&d, a, n, 1024, 1, NULL));
		CHECK(ddev_installs(&d, inw, ni));
		ddev_destroy(&d);
		free(o);
		free(nw);
		free(io);
		free(inw);
		free(a);
	}
}
#endif

TEST_MAIN(RUN(synthetic_pairs_rebuild_the_new_image_bit_exact_and_scheduled);
	  RUN(seed_api_identifies_and_applies_a_delta); RUN(refusals_before_anything_is_written);
	  RUN(every_byte_flipped_is_refused_and_only_the_secondary_is_touched);
	  RUN(reset_discards_the_output_and_the_records);
#if !defined(TEST_TARGET_EMBEDDED)
	  RUN(firmware_pairs_round_trip);
#endif
	  free(flash_copy);)
