/*
 * Dispatcher contract (include/dfu/dfu_target.h), part 1 of 3: image type
 * detection, dfu_ctx_setup() and what it rejects, calls on an unconfigured
 * context, independent contexts and the seed API (including its calls before
 * dfu_target_setup()). Fixture: dispatch_support.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dispatch_support.h"

/* ---- image type detection ------------------------------------------------ */

/* A context with MCUBOOT, MODEM_DELTA, FULL_MODEM (raw ops, no identify) and
 * CUSTOM (ops `custom`). */
static struct dfu_target_ops builtin_ops[3];
static struct dfu_target_entry full_entries[4];
static struct dfu_config full_cfg;
static struct dfu_ctx full_ctx;

static int full_setup(const struct dfu_target_ops *custom)
{
	static const uint8_t types[3] = {1, 2, 4}; /* MCUBOOT, MODEM_DELTA, FULL_MODEM */

	dev_new();
	for (int i = 0; i < 3; i++) {
		builtin_ops[i] = dfu_target_raw_ops;
		builtin_ops[i].type = types[i];
		full_entries[i] = (struct dfu_target_entry){&builtin_ops[i], &dev.raw};
	}
	full_entries[3] = (struct dfu_target_entry){custom, &dev.raw};
	full_cfg =
		(struct dfu_config){.port = &dev.port, .targets = full_entries, .target_count = 4};
	return dfu_ctx_setup(&full_ctx, &full_cfg);
}

static const struct magic {
	uint8_t m[4];
	size_t len, at;
	int type;
} magics[3] = {
	{{0x3d, 0xb8, 0xf3, 0x96}, 4, 0, DFU_TARGET_IMAGE_TYPE_MCUBOOT},
	{{0x6d, 0x65, 0x44, 0x75}, 4, 4, DFU_TARGET_IMAGE_TYPE_MODEM_DELTA},
	{{0xd2, 0x84}, 2, 0, DFU_TARGET_IMAGE_TYPE_FULL_MODEM},
};

static _Alignas(8) uint8_t tb[128];

/* Zero bytes at tb + shift with magic i at offset at (SIZE_MAX: its own). */
static uint8_t *mbuf(int i, size_t at, size_t shift)
{
	memset(tb, 0, sizeof(tb));
	memcpy(tb + shift + (at == SIZE_MAX ? magics[i].at : at), magics[i].m, magics[i].len);
	return tb + shift;
}

/* Type detected on full_ctx for magic i at its offset in len bytes. */
static int detect(int i, size_t len)
{
	return (int)dfu_ctx_img_type(&full_ctx, mbuf(i, SIZE_MAX, 0), len);
}

TEST(each_magic_at_its_offset_is_detected)
{
	CHECK_OK(full_setup(&dfu_target_raw_ops));
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(detect(i, 32), magics[i].type);
		CHECK_EQ(detect(i, 64), magics[i].type);
	}
}

TEST(modem_delta_is_detected_whatever_bytes_0_to_3)
{
	static const uint8_t heads[4][4] = {{0, 0, 0, 0},
					    {0xff, 0xff, 0xff, 0xff},
					    {0x12, 0x34, 0x56, 0x78},
					    {0xd2, 0x84, 0, 0}};

	CHECK_OK(full_setup(&dfu_target_raw_ops));
	for (int i = 0; i < 4; i++) {
		memcpy(mbuf(1, 4, 0), heads[i], 4);
		CHECK_EQ(dfu_ctx_img_type(&full_ctx, tb, 32), DFU_TARGET_IMAGE_TYPE_MODEM_DELTA);
	}
}

TEST(buffer_of_31_bytes_with_valid_magic_is_none)
{
	CHECK_OK(full_setup(spy())); /* even a custom identify accepting all */
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(detect(i, 31), NONE);
	}
}

TEST(null_buffer_is_none)
{
	CHECK_OK(full_setup(spy()));
	CHECK_EQ(dfu_ctx_img_type(&full_ctx, NULL, 64), NONE);
	CHECK_EQ(dfu_ctx_img_type(&full_ctx, NULL, 0), NONE);
}

TEST(magic_with_one_byte_off_is_none)
{
	CHECK_OK(full_setup(&dfu_target_raw_ops));
	for (int i = 0; i < 3; i++) {
		for (size_t j = 0; j < magics[i].len; j++) {
			mbuf(i, SIZE_MAX, 0)[magics[i].at + j] ^= 0x01;
			CHECKF(dfu_ctx_img_type(&full_ctx, tb, 64) == NONE, "magic %d byte %zu", i,
			       j);
		}
	}
}

TEST(byte_reversed_magic_is_none)
{
	CHECK_OK(full_setup(&dfu_target_raw_ops));
	for (int i = 0; i < 3; i++) {
		uint8_t *b = mbuf(i, SIZE_MAX, 0) + magics[i].at;

		for (size_t j = 0; j < magics[i].len; j++) {
			b[j] = magics[i].m[magics[i].len - 1 - j];
		}
		CHECKF(dfu_ctx_img_type(&full_ctx, tb, 64) == NONE, "magic %d", i);
	}
}

TEST(magic_at_wrong_offset_is_none)
{
	static const size_t wrong[3][3] = {{1, 2, 4}, {0, 3, 5}, {1, 2, 4}};

	CHECK_OK(full_setup(&dfu_target_raw_ops));
	for (int i = 0; i < 3; i++) {
		for (int j = 0; j < 3; j++) {
			CHECKF(dfu_ctx_img_type(&full_ctx, mbuf(i, wrong[i][j], 0), 64) == NONE,
			       "magic %d at %zu", i, wrong[i][j]);
		}
	}
}

TEST(magic_at_unaligned_address_is_detected)
{
	CHECK_OK(full_setup(&dfu_target_raw_ops));
	for (size_t shift = 1; shift < 8; shift += 2) {
		for (int i = 0; i < 3; i++) {
			CHECKF((int)dfu_ctx_img_type(&full_ctx, mbuf(i, SIZE_MAX, shift), 33) ==
				       magics[i].type,
			       "magic %d at address +%zu", i, shift);
		}
	}
}

TEST(custom_identify_loses_to_builtin_magic)
{
	CHECK_OK(full_setup(spy()));
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(detect(i, 64), magics[i].type);
	}
}

TEST(custom_identify_wins_on_random_data)
{
	CHECK_OK(full_setup(spy()));
	CHECK_EQ(dfu_ctx_img_type(&full_ctx, img, 64), DFU_TARGET_IMAGE_TYPE_CUSTOM);
}

TEST(random_data_without_custom_identify_is_none)
{
	dev_new();
	CHECK_EQ(dfu_ctx_img_type(&dev.ctx, img, 64), NONE);
	CHECK_OK(full_setup(&dfu_target_raw_ops));
	CHECK_EQ(dfu_ctx_img_type(&full_ctx, img, 64), NONE);
}

/* Documented: "the type of the first *registered* target whose identify()
 * accepts buf". The fixture registers only CUSTOM (no identify). */
TEST(mcuboot_magic_without_registered_mcuboot_target_is_none)
{
	dev_new();
	CHECK_EQ(dfu_ctx_img_type(&dev.ctx, mbuf(0, SIZE_MAX, 0), 64), NONE);
}

/* Documented (issue 14): without a configuration dfu_target_img_type()
 * classifies by the compiled-in types, as NCS. */
TEST(seed_img_type_before_setup_classifies_compiled_in_types)
{
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(dfu_target_img_type(mbuf(i, SIZE_MAX, 0), 64), magics[i].type);
	}
	CHECK_EQ(dfu_target_img_type(img, 64), NONE);
}

TEST(seed_img_type_detects_each_magic)
{
	CHECK_OK(full_setup(&dfu_target_raw_ops));
	CHECK_OK(dfu_target_setup(&full_cfg));
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(dfu_target_img_type(mbuf(i, SIZE_MAX, 0), 32), magics[i].type);
		CHECK_EQ(dfu_target_img_type(tb, 31), NONE);
	}
	CHECK_EQ(dfu_target_img_type(img, 64), NONE);
	CHECK_EQ(dfu_target_img_type(NULL, 64), NONE);
}

/* ---- setup --------------------------------------------------------------- */

/* No setup and no platform hook: init -ENODEV, the rest -EACCES. */
TEST(seed_calls_before_setup_return_enodev_and_eacces)
{
	size_t off;

	CHECK_ERR(dfu_target_init(CUSTOM, 0, 100, NULL), ENODEV);
	CHECK_ERR(dfu_target_offset_get(&off), EACCES);
	CHECK_ERR(dfu_target_write(img, 10), EACCES);
	CHECK_ERR(dfu_target_done(true), EACCES);
	CHECK_ERR(dfu_target_done(false), EACCES);
	CHECK_ERR(dfu_target_schedule_update(0), EACCES);
	CHECK_ERR(dfu_target_reset(), EACCES);
}

TEST(setup_with_null_port_returns_einval)
{
	dev_new();
	dev.cfg.port = NULL;
	CHECK_ERR(dfu_ctx_setup(&dev.ctx, &dev.cfg), EINVAL);
}

TEST(setup_with_duplicate_type_returns_einval)
{
	dev_new();
	struct dfu_target_entry e[2] = {dev.entry, {spy(), &dev.raw}};
	struct dfu_config cfg = {.port = &dev.port, .targets = e, .target_count = 2};
	CHECK_ERR(dfu_ctx_setup(&dev.ctx, &cfg), EINVAL);
}

TEST(setup_with_ops_missing_an_op_returns_einval)
{
	struct dfu_target_ops o[6];

	dev_new();
	for (int i = 0; i < 6; i++) {
		o[i] = dfu_target_raw_ops;
	}
	o[0].init = NULL;
	o[1].offset_get = NULL;
	o[2].write = NULL;
	o[3].done = NULL;
	o[4].schedule_update = NULL;
	o[5].reset = NULL;
	for (int i = 0; i < 6; i++) {
		dev.entry.ops = &o[i];
		CHECKF(dfu_ctx_setup(&dev.ctx, &dev.cfg) == -EINVAL, "op %d missing", i);
	}
}

TEST(setup_with_type_not_a_single_registered_bit_returns_einval)
{
	static const int types[] = {3, 8 /* SMP */, 0, 16, 32, 6, 135};
	struct dfu_target_ops o = dfu_target_raw_ops;

	dev_new();
	dev.entry.ops = &o;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		o.type = (uint8_t)types[i];
		CHECKF(dfu_ctx_setup(&dev.ctx, &dev.cfg) == -EINVAL, "type %d", types[i]);
	}
}

TEST(setup_with_incomplete_store_returns_einval)
{
	dev_new();
	struct dfu_kv kv = dev.kv.dev;
	kv.remove = NULL;
	dev.port.kv = &kv;
	CHECK_ERR(dfu_ctx_setup(&dev.ctx, &dev.cfg), EINVAL);
}

TEST(calls_on_unconfigured_context_return_eacces)
{
	struct dfu_ctx zero;

	memset(&zero, 0, sizeof(zero));
	CHECK_EQ(not_eacces(&zero), 0);
	dev_new();
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_OK(send(&dev.ctx, img, 0, 1000, 1000));
	dev.cfg.port = NULL;
	CHECK_ERR(dfu_ctx_setup(&dev.ctx, &dev.cfg), EINVAL); /* was open: now unusable */
	CHECK_EQ(not_eacces(&dev.ctx), 0);
}

/* dfu_ctx_init's own table says "-EINVAL ctx NULL / not set up". */
TEST(init_on_unconfigured_context_returns_einval)
{
	struct dfu_ctx zero;

	memset(&zero, 0, sizeof(zero));
	CHECK_ERR(dfu_ctx_init(&zero, CUSTOM, 0, 100, NULL), EINVAL);
	CHECK_ERR(dfu_ctx_init(NULL, CUSTOM, 0, 100, NULL), EINVAL);
}

/* ---- contexts and seed API ----------------------------------------------- */

static struct dev dev2; /* a second device */
static bool dev2_live;

TEST(two_contexts_on_two_devices_are_independent)
{
	const size_t n2 = N - 50;

	dev_new();
	dev_make(&dev2, &dev2_live);
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_OK(init_img(&dev2.ctx, img2, n2));
	for (size_t a = 0, b = 0; a < N || b < n2; a = MIN(a + 700, N), b = MIN(b + 500, n2)) {
		CHECK_OK(send(&dev.ctx, img, a, MIN(a + 700, N), 700));
		CHECK_OK(send(&dev2.ctx, img2, b, MIN(b + 500, n2), 500));
	}
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	CHECK_EQ(dfu_ctx_state(&dev2.ctx), DFU_STATE_WRITING);
	CHECK_OK(dfu_ctx_done(&dev2.ctx, true));
	CHECK_MEM(dev_area(&dev), img, N);
	CHECK_MEM(dev_area(&dev2), img2, n2);
	CHECK_EQ(dev.flash.cnt.violations.total + dev2.flash.cnt.violations.total, 0);
}

TEST(seed_api_runs_a_full_download)
{
	size_t off = 1;

	dev_new();
	CHECK_OK(dfu_target_setup(&dev.cfg));
	CHECK_EQ(dfu_target_img_type(img, 64), NONE); /* binds the identity */
	CHECK_OK(dfu_target_init(CUSTOM, 0, N, NULL));
	CHECK_OK(dfu_target_offset_get(&off));
	CHECK_EQ(off, 0);
	for (size_t i = 0; i < N; i += 1000) {
		CHECK_OK(dfu_target_write(img + i, MIN(N - i, 1000)));
	}
	CHECK_OK(dfu_target_done(true));
	CHECK_OK(dfu_target_schedule_update(0));
	CHECK_EQ(dfu_ctx_state(dfu_target_default_ctx()), DFU_STATE_SCHEDULED);
	CHECK_MEM(dev_area(&dev), img, N);
	CHECK_OK(dfu_target_reset());
	CHECK_ERR(dfu_target_offset_get(&off), EACCES);
}

TEST_MAIN(
	/* first: the default context must not have been set up yet */
	RUN(seed_img_type_before_setup_classifies_compiled_in_types);
	RUN(seed_calls_before_setup_return_enodev_and_eacces);
	RUN(each_magic_at_its_offset_is_detected);
	RUN(modem_delta_is_detected_whatever_bytes_0_to_3);
	RUN(buffer_of_31_bytes_with_valid_magic_is_none); RUN(null_buffer_is_none);
	RUN(magic_with_one_byte_off_is_none); RUN(byte_reversed_magic_is_none);
	RUN(magic_at_wrong_offset_is_none); RUN(magic_at_unaligned_address_is_detected);
	RUN(custom_identify_loses_to_builtin_magic); RUN(custom_identify_wins_on_random_data);
	RUN(random_data_without_custom_identify_is_none);
	RUN(mcuboot_magic_without_registered_mcuboot_target_is_none);
	RUN(seed_img_type_detects_each_magic); RUN(setup_with_null_port_returns_einval);
	RUN(setup_with_duplicate_type_returns_einval);
	RUN(setup_with_ops_missing_an_op_returns_einval);
	RUN(setup_with_type_not_a_single_registered_bit_returns_einval);
	RUN(setup_with_incomplete_store_returns_einval);
	RUN(calls_on_unconfigured_context_return_eacces);
	RUN(init_on_unconfigured_context_returns_einval);
	RUN(two_contexts_on_two_devices_are_independent); RUN(seed_api_runs_a_full_download);)
