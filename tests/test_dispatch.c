/*
 * Dispatcher contract (include/dfu/dfu_target.h): image type detection, the
 * result of every call in every state, the init/write/done/schedule/reset
 * rules, progress, independent contexts and the seed API. Simulated nRF52840
 * (4 KiB erase blocks, 4 B write blocks), raw area target registered as
 * CUSTOM, 512 B stream buffer.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "support.h"

#define EB 4096u
#define AREA_OFF (2 * EB)
#define AREA_SIZE (16 * EB)
#define N (3 * EB + 100) /* image size: 3 full erase blocks + a 100 B tail */
#define CUSTOM DFU_TARGET_IMAGE_TYPE_CUSTOM
#define NONE DFU_TARGET_IMAGE_TYPE_NONE
#define MIN(a, b) ((a) < (b) ? (a) : (b))

static uint8_t img[N + 1024], img2[N + 1024];
static struct dev dev, dev2;
static bool dev_live, dev2_live;
static int cut_err;

/* expr with the n-th next mutating op (flash program/erase, store write or
 * remove) failing with -EIO; power is back right after (a transient fault). */
#define WITH_CUT(n, expr)                                                     \
	(sim_power_arm(&dev.power, n, SIM_TORN_NOTHING, 1), cut_err = (expr), \
	 sim_power_reboot(&dev.power), cut_err)

static void dev_make(struct dev *d, bool *live)
{
	struct dev_opts o = {
		.geo = &sim_geo_nrf52840, .area_offset = AREA_OFF, .area_size = AREA_SIZE};

	if (*live) {
		dev_destroy(d);
	}
	dev_create(d, &o);
	*live = true;
	fill_random(img, sizeof(img), 7);
	fill_random(img2, sizeof(img2), 8);
}

static void dev_new(void)
{
	dev_make(&dev, &dev_live);
}

/* img_type on the first fragment (binds the identity), then init. */
static int init_img(struct dfu_ctx *c, const uint8_t *im, size_t n)
{
	(void)dfu_ctx_img_type(c, im, 64);
	return dfu_ctx_init(c, CUSTOM, 0, n, NULL);
}

/* Write im[from, to) in chunks. */
static int send(struct dfu_ctx *c, const uint8_t *im, size_t from, size_t to, size_t chunk)
{
	for (int err; from < to; from += MIN(to - from, chunk)) {
		if ((err = dfu_ctx_write(c, im + from, MIN(to - from, chunk))) != 0) {
			return err;
		}
	}
	return 0;
}

/* Send im[from, n) and done(true). */
static int finish(struct dfu_ctx *c, const uint8_t *im, size_t from, size_t n)
{
	int err = send(c, im, from, n, 1000);

	return err ? err : dfu_ctx_done(c, true);
}

static size_t offset_of(struct dfu_ctx *c)
{
	size_t off = (size_t)-1;

	return dfu_ctx_offset_get(c, &off) == 0 ? off : (size_t)-1;
}

/* Changes whenever a flash program/erase or a store write/remove completes. */
static uint64_t mut_ops(void)
{
	return (uint64_t)dev.power.ops + dev.flash.cnt.programs + dev.flash.cnt.erases +
	       dev.kv.cnt.writes + dev.kv.cnt.removes;
}

static bool first_block_erased(void)
{
	for (size_t i = 0; i < EB; i++) {
		if (dev_area(&dev)[i] != 0xff) {
			return false;
		}
	}
	return true;
}

/* Bit i set when context call i (offset_get, write, done(true), done(false),
 * schedule_update, reset) does not return -EACCES. */
static int not_eacces(struct dfu_ctx *c)
{
	size_t off;

	return (dfu_ctx_offset_get(c, &off) != -EACCES) |
	       (dfu_ctx_write(c, img, 9) != -EACCES) << 1 |
	       (dfu_ctx_done(c, true) != -EACCES) << 2 | (dfu_ctx_done(c, false) != -EACCES) << 3 |
	       (dfu_ctx_schedule_update(c, 0) != -EACCES) << 4 | (dfu_ctx_reset(c) != -EACCES) << 5;
}

/* ---- spy target: raw ops + identify accepting everything + init count -- */

static struct dfu_target_ops spy_ops;
static int spy_inits;

static bool accept_all(const uint8_t *buf, size_t len)
{
	return buf != NULL && len >= DFU_TARGET_MIN_SIZE_IDENTIFY_BUF;
}

static int spy_init(struct dfu_ctx *ctx, const struct dfu_init_params *p)
{
	spy_inits++;
	return dfu_target_raw_ops.init(ctx, p);
}

static const struct dfu_target_ops *spy(void)
{
	spy_ops = dfu_target_raw_ops;
	spy_ops.identify = accept_all;
	spy_ops.init = spy_init;
	spy_inits = 0;
	return &spy_ops;
}

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

/* Documented: before dfu_target_setup() dfu_target_img_type() returns NONE. */
TEST(seed_img_type_before_setup_is_none)
{
	CHECK_EQ(dfu_target_img_type(mbuf(0, SIZE_MAX, 0), 64), NONE);
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

TEST(seed_calls_before_setup_return_eacces)
{
	size_t off;

	CHECK_ERR(dfu_target_init(CUSTOM, 0, 100, NULL), EACCES);
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
	static const int types[] = {3, 8 /* SMP */, 0, 16, 64, 6, 135};
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

/* ---- every call in every state ------------------------------------------ */

enum st { S_IDLE, S_IDLE_RESET, S_READY, S_WRITING, S_ABORTED, S_FAILED, S_DONE, S_SCHED };
enum call { C_INIT, C_OFF, C_WRITE, C_DONE1, C_DONE0, C_SCHED, C_RESET };

static const int st_state[] = {DFU_STATE_IDLE,    DFU_STATE_IDLE,     DFU_STATE_READY,
			       DFU_STATE_WRITING, DFU_STATE_ABORTED,  DFU_STATE_FAILED,
			       DFU_STATE_DONE,    DFU_STATE_SCHEDULED};
static size_t pos; /* next image byte to send */

/* Fresh device, then the calls that lead to state s (5000 of N bytes sent
 * unless DONE/SCHEDULED). FAILED: the program of the next buffer fails. */
static int enter(enum st s)
{
	struct dfu_ctx *c = &dev.ctx;
	int err;

	dev_new();
	pos = 0;
	if (s == S_IDLE) {
		return 0;
	}
	err = init_img(c, img, N);
	if (err || s == S_READY) {
		return err;
	}
	pos = (s == S_DONE || s == S_SCHED) ? N : 5000; /* 4608 durable, 392 buffered */
	err = send(c, img, 0, pos, 1000);
	if (err) {
		return err;
	}
	switch (s) {
	case S_IDLE_RESET:
		pos = 0;
		return dfu_ctx_reset(c);
	case S_ABORTED:
		return dfu_ctx_done(c, false);
	case S_FAILED:
		err = WITH_CUT(1, dfu_ctx_write(c, img + pos, 600));
		return err == -EIO ? 0 : (err ? err : -EPROTO);
	case S_DONE:
		return dfu_ctx_done(c, true);
	case S_SCHED:
		err = dfu_ctx_done(c, true);
		return err ? err : dfu_ctx_schedule_update(c, 0);
	default:
		return 0;
	}
}

static int call(enum call k)
{
	size_t off;

	switch (k) {
	case C_INIT:
		return init_img(&dev.ctx, img, N);
	case C_OFF:
		return dfu_ctx_offset_get(&dev.ctx, &off);
	case C_WRITE:
		return dfu_ctx_write(&dev.ctx, img + pos, 100);
	case C_DONE1:
		return dfu_ctx_done(&dev.ctx, true);
	case C_DONE0:
		return dfu_ctx_done(&dev.ctx, false);
	case C_SCHED:
		return dfu_ctx_schedule_update(&dev.ctx, 0);
	default:
		return dfu_ctx_reset(&dev.ctx);
	}
}

/* name, state entered, call, documented result (errno symbol or 0), state after */
#define STATE_TABLE(X)                                                                             \
	X(init_in_idle_returns_ok_and_goes_ready, S_IDLE, C_INIT, 0, S_READY)                      \
	X(offset_get_in_idle_returns_eacces, S_IDLE, C_OFF, EACCES, S_IDLE)                        \
	X(write_in_idle_returns_eacces, S_IDLE, C_WRITE, EACCES, S_IDLE)                           \
	X(done_true_in_idle_returns_eacces, S_IDLE, C_DONE1, EACCES, S_IDLE)                       \
	X(done_false_in_idle_returns_eacces, S_IDLE, C_DONE0, EACCES, S_IDLE)                      \
	X(schedule_in_idle_returns_eacces, S_IDLE, C_SCHED, EACCES, S_IDLE)                        \
	X(reset_in_idle_returns_eacces, S_IDLE, C_RESET, EACCES, S_IDLE)                           \
	X(init_after_reset_returns_ok_and_goes_ready, S_IDLE_RESET, C_INIT, 0, S_READY)            \
	X(offset_get_after_reset_returns_eacces, S_IDLE_RESET, C_OFF, EACCES, S_IDLE)              \
	X(write_after_reset_returns_eacces, S_IDLE_RESET, C_WRITE, EACCES, S_IDLE)                 \
	X(done_true_after_reset_returns_eacces, S_IDLE_RESET, C_DONE1, EACCES, S_IDLE)             \
	X(done_false_after_reset_returns_eacces, S_IDLE_RESET, C_DONE0, EACCES, S_IDLE)            \
	X(schedule_after_reset_returns_eacces, S_IDLE_RESET, C_SCHED, EACCES, S_IDLE)              \
	X(reset_after_reset_returns_eacces, S_IDLE_RESET, C_RESET, EACCES, S_IDLE)                 \
	X(init_in_ready_returns_ok_and_stays_ready, S_READY, C_INIT, 0, S_READY)                   \
	X(offset_get_in_ready_returns_ok, S_READY, C_OFF, 0, S_READY)                              \
	X(write_in_ready_returns_ok_and_goes_writing, S_READY, C_WRITE, 0, S_WRITING)              \
	X(done_true_in_ready_returns_enodata, S_READY, C_DONE1, ENODATA, S_READY)                  \
	X(done_false_in_ready_returns_ok_and_goes_aborted, S_READY, C_DONE0, 0, S_ABORTED)         \
	X(schedule_in_ready_returns_eperm, S_READY, C_SCHED, EPERM, S_READY)                       \
	X(reset_in_ready_returns_ok_and_goes_idle, S_READY, C_RESET, 0, S_IDLE)                    \
	X(init_in_writing_returns_ok_and_goes_ready, S_WRITING, C_INIT, 0, S_READY)                \
	X(offset_get_in_writing_returns_ok, S_WRITING, C_OFF, 0, S_WRITING)                        \
	X(write_in_writing_returns_ok, S_WRITING, C_WRITE, 0, S_WRITING)                           \
	X(done_true_in_writing_before_end_returns_enodata, S_WRITING, C_DONE1, ENODATA, S_WRITING) \
	X(done_false_in_writing_returns_ok_and_goes_aborted, S_WRITING, C_DONE0, 0, S_ABORTED)     \
	X(schedule_in_writing_returns_eperm, S_WRITING, C_SCHED, EPERM, S_WRITING)                 \
	X(reset_in_writing_returns_ok_and_goes_idle, S_WRITING, C_RESET, 0, S_IDLE)                \
	X(init_in_aborted_returns_ok_and_goes_ready, S_ABORTED, C_INIT, 0, S_READY)                \
	X(offset_get_in_aborted_returns_ok, S_ABORTED, C_OFF, 0, S_ABORTED)                        \
	X(write_in_aborted_returns_eperm, S_ABORTED, C_WRITE, EPERM, S_ABORTED)                    \
	X(done_true_in_aborted_returns_eperm, S_ABORTED, C_DONE1, EPERM, S_ABORTED)                \
	X(done_false_in_aborted_returns_ok, S_ABORTED, C_DONE0, 0, S_ABORTED)                      \
	X(schedule_in_aborted_returns_eperm, S_ABORTED, C_SCHED, EPERM, S_ABORTED)                 \
	X(reset_in_aborted_returns_ok_and_goes_idle, S_ABORTED, C_RESET, 0, S_IDLE)                \
	X(init_in_failed_returns_ok_and_goes_ready, S_FAILED, C_INIT, 0, S_READY)                  \
	X(offset_get_in_failed_returns_ok, S_FAILED, C_OFF, 0, S_FAILED)                           \
	X(write_in_failed_returns_epipe, S_FAILED, C_WRITE, EPIPE, S_FAILED)                       \
	X(done_true_in_failed_returns_epipe, S_FAILED, C_DONE1, EPIPE, S_FAILED)                   \
	X(done_false_in_failed_returns_ok_and_goes_aborted, S_FAILED, C_DONE0, 0, S_ABORTED)       \
	X(schedule_in_failed_returns_eperm, S_FAILED, C_SCHED, EPERM, S_FAILED)                    \
	X(reset_in_failed_returns_ok_and_goes_idle, S_FAILED, C_RESET, 0, S_IDLE)                  \
	X(init_in_done_returns_ok_and_stays_done, S_DONE, C_INIT, 0, S_DONE)                       \
	X(offset_get_in_done_returns_ok, S_DONE, C_OFF, 0, S_DONE)                                 \
	X(write_in_done_returns_eperm, S_DONE, C_WRITE, EPERM, S_DONE)                             \
	X(done_true_in_done_returns_ok, S_DONE, C_DONE1, 0, S_DONE)                                \
	X(done_false_in_done_returns_ealready, S_DONE, C_DONE0, EALREADY, S_DONE)                  \
	X(schedule_in_done_returns_ok_and_goes_scheduled, S_DONE, C_SCHED, 0, S_SCHED)             \
	X(reset_in_done_returns_ok_and_goes_idle, S_DONE, C_RESET, 0, S_IDLE)                      \
	X(init_in_scheduled_returns_ok_and_stays_scheduled, S_SCHED, C_INIT, 0, S_SCHED)           \
	X(offset_get_in_scheduled_returns_ok, S_SCHED, C_OFF, 0, S_SCHED)                          \
	X(write_in_scheduled_returns_eperm, S_SCHED, C_WRITE, EPERM, S_SCHED)                      \
	X(done_true_in_scheduled_returns_ok, S_SCHED, C_DONE1, 0, S_SCHED)                         \
	X(done_false_in_scheduled_returns_ealready, S_SCHED, C_DONE0, EALREADY, S_SCHED)           \
	X(schedule_in_scheduled_returns_ok, S_SCHED, C_SCHED, 0, S_SCHED)                          \
	X(reset_in_scheduled_returns_ok_and_goes_idle, S_SCHED, C_RESET, 0, S_IDLE)

#define STATE_TEST(name, s, k, err, after)                          \
	TEST(name)                                                  \
	{                                                           \
		CHECK_OK(enter(s));                                 \
		CHECK_EQ(dfu_ctx_state(&dev.ctx), st_state[s]);     \
		CHECK_ERR(call(k), err);                            \
		CHECK_EQ(dfu_ctx_state(&dev.ctx), st_state[after]); \
	}
STATE_TABLE(STATE_TEST)
#define STATE_RUN(name, s, k, err, after) RUN(name);

TEST(offset_get_in_done_and_scheduled_is_image_size)
{
	CHECK_OK(enter(S_DONE));
	CHECK_EQ(offset_of(&dev.ctx), N);
	CHECK_OK(dfu_ctx_schedule_update(&dev.ctx, 0));
	CHECK_EQ(offset_of(&dev.ctx), N);
}

TEST(offset_get_with_null_pointer_returns_einval)
{
	CHECK_OK(enter(S_WRITING));
	CHECK_ERR(dfu_ctx_offset_get(&dev.ctx, NULL), EINVAL);
}

/* ---- init rules ---------------------------------------------------------- */

TEST(init_with_mask_or_unknown_type_returns_enotsup)
{
	static const int types[] = {135 /* ANY */, 6 /* ANY_MODEM */, -1, 0, 8 /* SMP */, 16, 3};

	dev_new();
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		CHECKF(dfu_ctx_init(&dev.ctx, types[i], 0, N, NULL) == -ENOTSUP, "type %d",
		       types[i]);
		CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_IDLE);
	}
}

TEST(init_with_unregistered_type_returns_enotsup)
{
	dev_new();
	CHECK_ERR(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, N, NULL), ENOTSUP);
}

TEST(init_with_negative_img_num_returns_einval)
{
	dev_new();
	CHECK_ERR(dfu_ctx_init(&dev.ctx, CUSTOM, -1, N, NULL), EINVAL);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_IDLE);
}

TEST(init_with_file_larger_than_area_returns_efbig_and_leaves_no_target)
{
	dev_new();
	CHECK_ERR(dfu_ctx_init(&dev.ctx, CUSTOM, 0, AREA_SIZE + 1, NULL), EFBIG);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_IDLE);
	CHECK_EQ(not_eacces(&dev.ctx), 0);
	CHECK_OK(dfu_ctx_init(&dev.ctx, CUSTOM, 0, AREA_SIZE, NULL)); /* exactly the area: fine */
}

TEST(init_after_efbig_runs_target_init_again)
{
	dev_new();
	dev.entry.ops = spy();
	CHECK_OK(dfu_ctx_setup(&dev.ctx, &dev.cfg));
	CHECK_ERR(dfu_ctx_init(&dev.ctx, CUSTOM, 0, AREA_SIZE + 1, NULL), EFBIG);
	CHECK_EQ(spy_inits, 1);
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_EQ(spy_inits, 2);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_EQ(offset_of(&dev.ctx), 0);
	CHECK_OK(finish(&dev.ctx, img, 0, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(reinit_of_same_image_in_ready_is_a_noop_on_flash)
{
	CHECK_OK(enter(S_READY));
	uint64_t ops = mut_ops();
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_EQ(mut_ops(), ops);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_EQ(offset_of(&dev.ctx), 0);
}

TEST(reinit_of_same_image_in_writing_keeps_durable_offset_without_flash_ops)
{
	CHECK_OK(enter(S_WRITING));
	uint64_t ops = mut_ops();
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_EQ(mut_ops(), ops);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_EQ(offset_of(&dev.ctx), EB + 512); /* buffered bytes dropped */
	CHECK_OK(finish(&dev.ctx, img, EB + 512, N));
	CHECK_MEM(dev_area(&dev), img, N);
	CHECK_EQ(dev.flash.cnt.violations.total, 0);
}

TEST(init_of_other_file_while_open_returns_ebusy)
{
	CHECK_OK(enter(S_WRITING));
	CHECK_ERR(init_img(&dev.ctx, img, N - 1), EBUSY); /* other size */
	CHECK_ERR(init_img(&dev.ctx, img2, N), EBUSY);    /* other first bytes */
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_WRITING);
	CHECK_EQ(offset_of(&dev.ctx), EB + 512);
	CHECK_OK(finish(&dev.ctx, img, pos, N)); /* the open download goes on */
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(init_of_other_file_while_failed_returns_ebusy)
{
	CHECK_OK(enter(S_FAILED));
	CHECK_ERR(init_img(&dev.ctx, img, N - 1), EBUSY);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_FAILED);
}

TEST(init_of_other_img_num_while_open_returns_ebusy)
{
	struct dfu_init_params p = {
		.img_type = CUSTOM, .img_num = 1, .file_size = N, .first = img, .first_len = 64};

	CHECK_OK(enter(S_READY));
	CHECK_ERR(dfu_ctx_init_ex(&dev.ctx, &p), EBUSY);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
}

TEST(init_with_unsupported_type_leaves_open_download_untouched)
{
	CHECK_OK(enter(S_WRITING));
	CHECK_ERR(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, N, NULL), ENOTSUP);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_WRITING);
	CHECK_OK(finish(&dev.ctx, img, pos, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(init_of_other_file_after_abort_starts_at_offset_0)
{
	CHECK_OK(enter(S_ABORTED)); /* record of the first file at 4096 */
	CHECK_OK(init_img(&dev.ctx, img2, N - 100));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_EQ(offset_of(&dev.ctx), 0);
	CHECK_OK(finish(&dev.ctx, img2, 0, N - 100));
	CHECK_MEM(dev_area(&dev), img2, N - 100);
}

TEST(reinit_of_same_image_after_done_returns_ok_and_stays_done)
{
	CHECK_OK(enter(S_DONE));
	uint64_t ops = mut_ops();
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_DONE);
	CHECK_EQ(offset_of(&dev.ctx), N);
	CHECK_EQ(mut_ops(), ops);
}

TEST(init_of_other_file_after_done_starts_at_offset_0)
{
	CHECK_OK(enter(S_DONE));
	CHECK_OK(init_img(&dev.ctx, img2, N));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_EQ(offset_of(&dev.ctx), 0);
	CHECK_OK(finish(&dev.ctx, img2, 0, N));
	CHECK_MEM(dev_area(&dev), img2, N);
}

TEST(init_after_failed_write_resumes_at_erase_block_boundary_and_completes_exactly)
{
	CHECK_OK(enter(S_FAILED)); /* the program at 4608 failed */
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_EQ(offset_of(&dev.ctx), EB);
	CHECK_OK(finish(&dev.ctx, img, EB, N));
	CHECK_MEM(dev_area(&dev), img, N);
	CHECK_EQ(dev.flash.cnt.violations.total, 0);
}

/* ---- write --------------------------------------------------------------- */

TEST(write_with_null_buffer_returns_einval_and_takes_nothing)
{
	CHECK_OK(enter(S_READY));
	CHECK_ERR(dfu_ctx_write(&dev.ctx, NULL, 10), EINVAL);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_OK(send(&dev.ctx, img, 0, 700, 1000));
	CHECK_ERR(dfu_ctx_write(&dev.ctx, NULL, 10), EINVAL);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_WRITING);
	CHECK_OK(finish(&dev.ctx, img, 700, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(write_of_zero_bytes_is_a_noop)
{
	CHECK_OK(enter(S_WRITING));
	uint64_t ops = mut_ops();
	CHECK_OK(dfu_ctx_write(&dev.ctx, img2, 0));
	CHECK_EQ(mut_ops(), ops);
	CHECK_EQ(offset_of(&dev.ctx), EB + 512);
	CHECK_OK(finish(&dev.ctx, img, pos, N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(write_past_file_size_returns_efbig_and_takes_nothing)
{
	CHECK_OK(enter(S_READY));
	CHECK_OK(send(&dev.ctx, img, 0, N - 100, 1000));
	size_t off = offset_of(&dev.ctx);
	CHECK_ERR(dfu_ctx_write(&dev.ctx, img + N - 100, 101), EFBIG);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_WRITING);
	CHECK_EQ(offset_of(&dev.ctx), off);
	CHECK_OK(finish(&dev.ctx, img, N - 100, N));
	CHECK_MEM(dev_area(&dev), img, N);
	for (size_t i = N; i < 4 * EB; i++) {
		CHECKF(dev_area(&dev)[i] == 0xff, "byte %zu past the image was written", i);
	}
}

TEST(write_past_area_with_unknown_size_returns_efbig_and_takes_nothing)
{
	static uint8_t big[AREA_SIZE];

	dev_new();
	fill_random(big, sizeof(big), 9);
	CHECK_OK(dfu_ctx_init(&dev.ctx, CUSTOM, 0, 0, NULL));
	CHECK_OK(send(&dev.ctx, big, 0, AREA_SIZE - 10, 4000));
	CHECK_ERR(dfu_ctx_write(&dev.ctx, big + AREA_SIZE - 10, 11), EFBIG);
	CHECK_OK(finish(&dev.ctx, big, AREA_SIZE - 10, AREA_SIZE));
	CHECK_MEM(dev_area(&dev), big, AREA_SIZE);
}

/* ---- done ---------------------------------------------------------------- */

TEST(done_true_before_file_size_returns_enodata_and_keeps_state)
{
	CHECK_OK(enter(S_READY));
	CHECK_OK(send(&dev.ctx, img, 0, N - 1, 1000));
	size_t off = offset_of(&dev.ctx);
	CHECK_ERR(dfu_ctx_done(&dev.ctx, true), ENODATA);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_WRITING);
	CHECK_EQ(offset_of(&dev.ctx), off);
	CHECK_OK(finish(&dev.ctx, img, N - 1, N));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_DONE);
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(done_true_with_flash_error_returns_it_and_goes_failed)
{
	CHECK_OK(enter(S_READY));
	CHECK_OK(send(&dev.ctx, img, 0, N, 1000)); /* 100 bytes left in the buffer */
	CHECK_ERR(WITH_CUT(1, dfu_ctx_done(&dev.ctx, true)), EIO);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_FAILED);
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_OK(finish(&dev.ctx, img, offset_of(&dev.ctx), N));
	CHECK_MEM(dev_area(&dev), img, N);
}

TEST(done_false_with_store_error_returns_it_and_goes_aborted)
{
	dev_new();
	dev.raw.cfg.checkpoint_blocks = 4; /* no checkpoint yet: abort writes one */
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_OK(send(&dev.ctx, img, 0, 5000, 1000));
	CHECK_ERR(WITH_CUT(1, dfu_ctx_done(&dev.ctx, false)), EIO);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_ABORTED);
}

/* ---- schedule_update ----------------------------------------------------- */

static int hook_calls, hook_img, hook_ret;

static int hook(void *user, int img_num)
{
	(void)user;
	hook_calls++;
	hook_img = img_num;
	return hook_ret;
}

/* A complete image number 3 with the schedule hook returning ret. */
static int done_with_hook(int ret)
{
	struct dfu_init_params p = {
		.img_type = CUSTOM, .img_num = 3, .file_size = N, .first = img, .first_len = 64};
	int err;

	dev_new();
	dev.raw.schedule = hook;
	hook_calls = 0;
	hook_img = -1;
	hook_ret = ret;
	err = dfu_ctx_init_ex(&dev.ctx, &p);
	return err ? err : finish(&dev.ctx, img, 0, N);
}

TEST(schedule_after_done_calls_hook_with_img_num_and_goes_scheduled)
{
	CHECK_OK(done_with_hook(0));
	CHECK_OK(dfu_ctx_schedule_update(&dev.ctx, 3));
	CHECK_EQ(hook_calls, 1);
	CHECK_EQ(hook_img, 3);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_SCHEDULED);
}

TEST(schedule_returns_the_hook_error)
{
	CHECK_OK(done_with_hook(-ECANCELED));
	CHECK_ERR(dfu_ctx_schedule_update(&dev.ctx, 3), ECANCELED);
	CHECK_EQ(hook_calls, 1);
	CHECK(dfu_ctx_state(&dev.ctx) != DFU_STATE_SCHEDULED);
}

TEST(schedule_before_done_does_not_call_hook)
{
	CHECK_OK(enter(S_WRITING));
	dev.raw.schedule = hook;
	hook_calls = 0;
	CHECK_ERR(dfu_ctx_schedule_update(&dev.ctx, 0), EPERM);
	CHECK_EQ(hook_calls, 0);
}

/* ---- reset (results per state: see the state table) --------------------- */

TEST(reset_erases_first_erase_block_and_forgets_the_download)
{
	size_t resumed = 1;

	CHECK_OK(enter(S_DONE));
	CHECK_OK(dfu_ctx_reset(&dev.ctx));
	CHECK(first_block_erased());
	CHECK_EQ(sim_kv_count(&dev.kv), 0);
	dev_reboot(&dev);
	CHECK_OK(app_download(&dev, img, N, 1000, &resumed));
	CHECK_EQ(resumed, 0);
	CHECK_MEM(dev_area(&dev), img, N);
}

/* Power cut on the erase of reset (the record is already deleted). */
static int failed_reset(void)
{
	int err = enter(S_DONE);

	err = err ? err : WITH_CUT(2, dfu_ctx_reset(&dev.ctx));
	return err == -EIO ? 0 : (err ? err : -EPROTO);
}

TEST(reset_with_flash_error_goes_failed_keeps_target_and_can_be_retried)
{
	CHECK_OK(failed_reset());
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_FAILED);
	CHECK_OK(dfu_ctx_reset(&dev.ctx));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_IDLE);
	CHECK(first_block_erased());
}

/* FAILED means "init again to resume"; init's table has no -EPERM. */
TEST(init_after_failed_reset_returns_ok)
{
	CHECK_OK(failed_reset());
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
}

/* ---- progress and last result -------------------------------------------- */

static size_t prog_calls, prog_last, prog_bad;

static void progress(void *user, size_t durable, size_t total)
{
	(void)user;
	prog_bad += durable < prog_last || durable > N || total != N;
	prog_last = durable;
	prog_calls++;
}

TEST(progress_reports_nondecreasing_durable_counts_ending_at_file_size)
{
	dev_new();
	dev.cfg.progress = progress;
	prog_calls = prog_last = prog_bad = 0;
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_OK(send(&dev.ctx, img, 0, N, 333));
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	CHECK(prog_calls >= N / 512);
	CHECK_EQ(prog_bad, 0);
	CHECK_EQ(prog_last, N);
}

TEST(last_result_returns_the_last_error)
{
	dev_new();
	CHECK_EQ(dfu_ctx_last_result(&dev.ctx), 0);
	CHECK_ERR(dfu_ctx_write(&dev.ctx, img, 1), EACCES);
	CHECK_ERR(dfu_ctx_last_result(&dev.ctx), EACCES);
	CHECK_OK(init_img(&dev.ctx, img, N));
	CHECK_ERR(dfu_ctx_last_result(&dev.ctx), EACCES); /* a success keeps it */
	CHECK_ERR(dfu_ctx_write(&dev.ctx, NULL, 1), EINVAL);
	CHECK_ERR(dfu_ctx_last_result(&dev.ctx), EINVAL);
	CHECK_ERR(init_img(&dev.ctx, img, N + 1), EBUSY);
	CHECK_ERR(dfu_ctx_last_result(&dev.ctx), EBUSY);
}

TEST(last_result_records_init_ex_with_null_params)
{
	dev_new();
	CHECK_ERR(dfu_ctx_init_ex(&dev.ctx, NULL), EINVAL);
	CHECK_ERR(dfu_ctx_last_result(&dev.ctx), EINVAL);
}

/* ---- contexts and seed API ----------------------------------------------- */

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
	RUN(seed_img_type_before_setup_is_none); RUN(seed_calls_before_setup_return_eacces);
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
	RUN(init_on_unconfigured_context_returns_einval); STATE_TABLE(STATE_RUN);
	RUN(offset_get_in_done_and_scheduled_is_image_size);
	RUN(offset_get_with_null_pointer_returns_einval);
	RUN(init_with_mask_or_unknown_type_returns_enotsup);
	RUN(init_with_unregistered_type_returns_enotsup);
	RUN(init_with_negative_img_num_returns_einval);
	RUN(init_with_file_larger_than_area_returns_efbig_and_leaves_no_target);
	RUN(init_after_efbig_runs_target_init_again);
	RUN(reinit_of_same_image_in_ready_is_a_noop_on_flash);
	RUN(reinit_of_same_image_in_writing_keeps_durable_offset_without_flash_ops);
	RUN(init_of_other_file_while_open_returns_ebusy);
	RUN(init_of_other_file_while_failed_returns_ebusy);
	RUN(init_of_other_img_num_while_open_returns_ebusy);
	RUN(init_with_unsupported_type_leaves_open_download_untouched);
	RUN(init_of_other_file_after_abort_starts_at_offset_0);
	RUN(reinit_of_same_image_after_done_returns_ok_and_stays_done);
	RUN(init_of_other_file_after_done_starts_at_offset_0);
	RUN(init_after_failed_write_resumes_at_erase_block_boundary_and_completes_exactly);
	RUN(write_with_null_buffer_returns_einval_and_takes_nothing);
	RUN(write_of_zero_bytes_is_a_noop);
	RUN(write_past_file_size_returns_efbig_and_takes_nothing);
	RUN(write_past_area_with_unknown_size_returns_efbig_and_takes_nothing);
	RUN(done_true_before_file_size_returns_enodata_and_keeps_state);
	RUN(done_true_with_flash_error_returns_it_and_goes_failed);
	RUN(done_false_with_store_error_returns_it_and_goes_aborted);
	RUN(schedule_after_done_calls_hook_with_img_num_and_goes_scheduled);
	RUN(schedule_returns_the_hook_error); RUN(schedule_before_done_does_not_call_hook);
	RUN(reset_erases_first_erase_block_and_forgets_the_download);
	RUN(reset_with_flash_error_goes_failed_keeps_target_and_can_be_retried);
	RUN(init_after_failed_reset_returns_ok);
	RUN(progress_reports_nondecreasing_durable_counts_ending_at_file_size);
	RUN(last_result_returns_the_last_error); RUN(last_result_records_init_ex_with_null_params);
	RUN(two_contexts_on_two_devices_are_independent); RUN(seed_api_runs_a_full_download);)
