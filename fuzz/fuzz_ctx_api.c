/*
 * Fuzz target: random sequences of context API calls (dfu_ctx_*) with power
 * cuts, on one simulated device with two targets on one context: the raw
 * target (CUSTOM, a flash area) and the MCUboot target (one image pair).
 *
 * Input: 4 configuration bytes, then operations.
 *   byte 0  bits 0-1 flash: nRF52840, MX25R64, STM32L4 (8-byte ECC words,
 *                  2 KiB pages), nRF52840
 *           bits 2-3 raw staging buffer 64, 256, 512, 4096 bytes
 *           bit 4  raw DFU_STREAM_SKIP_ERASED, bit 5 DFU_STREAM_VERIFY_READBACK
 *           bits 6-7 checkpoint_blocks (both targets)
 *   byte 1  raw file sizes, byte 2 MCUboot payload sizes, byte 3 content seed
 *   then one operation per byte (some take argument bytes):
 *     0 select the file the application works on (raw A/B, MCUboot A/B)
 *     1 img_type(first 64 bytes)      2 init (size: right, 0, right + first
 *     bytes, wrong)                   3 offset_get (the app follows it)
 *     4, 14, 15 write the next chunk  5 done(true)      6 done(false)
 *     7 schedule_update               8 reset
 *     9 arm a power cut at the Nth mutating flash/store op, torn mode
 *     10 reboot (power back, RAM lost: fresh context and target states)
 *     11 misuse: NULL buffer, len 0, NULL offset, masks/SMP/negative image
 *        numbers, a byte past the end of the file
 *     12 dfu_mcuboot_state()          13 the whole application flow
 *   the application resumes from offset_get, as documented ("safe to follow
 *   at any moment"); the files are fixed per run (raw: pseudo-random bytes;
 *   MCUboot: hash-only images built here).
 *
 * Invariants:
 *   - every call returns 0 or a negative errno; documented results of
 *     misuse; -EBUSY for an init of another target while a download is
 *     open, or of another file of the same target while WRITING/FAILED;
 *   - state after each call as documented (write 0 -> WRITING, done(true)
 *     0 -> DONE, -ENODATA -> unchanged, reset 0 -> IDLE, ...); progress
 *     callbacks run with the context BUSY and a call from them gets
 *     -EDEADLK;
 *   - the offset outside a write session is durable: the flash holds the
 *     file's bytes [0, offset) (raw area; MCUboot secondary up to the end
 *     of the TLVs); DONE means the whole file is there (raw: bit-exact;
 *     MCUboot: image verified);
 *   - never a flash-contract violation, never a program into a block whose
 *     erase was cut (weak) before it was erased again;
 *   - at the end, after a reboot without cuts, the application's plain flow
 *     completes both files bit-exact (resumed downloads end bit-exact), and
 *     the MCUboot one can be scheduled.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>

#include <mbedtls/sha256.h>

#include "dfu/dfu_target_mcuboot.h"
#include "dfu/dfu_target_raw.h"
#include "fuzz_common.h"
#include "sim_clock.h"
#include "sim_flash.h"
#include "sim_kv.h"
#include "sim_power.h"

#define CFG_LEN 4u
#define MAX_OPS 400

static const struct sim_geometry *const geos[4] = {&sim_geo_nrf52840, &sim_geo_mx25r64,
						   &sim_geo_stm32l4, &sim_geo_nrf52840};

enum { F_RAW_A, F_RAW_B, F_MCU_A, F_MCU_B, F_COUNT };

struct file {
	uint8_t *data;
	uint32_t len;
	uint32_t tlv_end; /* MCUboot: end of the TLVs (= len) */
	bool mcuboot;
};

static struct sim_power power;
static struct sim_flash flash;
static struct sim_kv kv;
static struct sim_clock clk;
static struct dfu_port port;
static uint8_t raw_buf[4096];
static uint8_t mcu_buf[512];
static struct dfu_raw raw;
static struct dfu_mcuboot_pair pair;
static struct dfu_mcuboot_board board;
static struct dfu_mcuboot m;
static struct dfu_target_entry entries[2];
static struct dfu_config cfg;
static struct dfu_ctx ctx;

static struct file files[F_COUNT];
static uint32_t eb, raw_off, raw_size;
static uint8_t cfg0;
static bool reenter;   /* progress callback calls back into the context */
static unsigned in_cb; /* progress callbacks seen */

/* ---- files ---- */

/* A hash-only MCUboot image: header (hdr bytes), payload, TLV info and a
 * SHA-256 TLV. */
static void make_mcuboot(struct file *f, uint16_t hdr, uint32_t payload, uint32_t seed)
{
	uint32_t n = hdr + payload + 4 + 4 + 32;

	f->data = calloc(n + 64, 1);
	FZ_CHECK(f->data != NULL, "out of memory");
	uint8_t *p = f->data;

	p[0] = 0x3d, p[1] = 0xb8, p[2] = 0xf3, p[3] = 0x96;
	p[8] = (uint8_t)hdr, p[9] = (uint8_t)(hdr >> 8);
	p[12] = (uint8_t)payload, p[13] = (uint8_t)(payload >> 8);
	p[14] = (uint8_t)(payload >> 16);
	p[20] = 1, p[21] = (uint8_t)seed; /* version */
	fz_fill(p + hdr, payload, seed);
	uint8_t *t = p + hdr + payload;

	t[0] = 0x07, t[1] = 0x69, t[2] = 40, t[3] = 0;
	t[4] = 0x10, t[5] = 0, t[6] = 32, t[7] = 0;
	FZ_CHECK(mbedtls_sha256_ret(p, hdr + payload, t + 8, 0) == 0, "sha");
	memset(p + n, 0xff, 64); /* what a buggy app would send past the end */
	f->len = n;
	f->tlv_end = n;
	f->mcuboot = true;
}

static void make_raw(struct file *f, uint32_t len, uint32_t seed)
{
	f->data = malloc(len + 64);
	FZ_CHECK(f->data != NULL, "out of memory");
	fz_fill(f->data, len + 64, seed);
	/* runs of erased bytes (DFU_STREAM_SKIP_ERASED) */
	memset(f->data + len / 3, 0xff, len / 5);
	f->len = len;
	f->tlv_end = len;
	f->mcuboot = false;
}

/* ---- device ---- */

static void progress(void *user, size_t durable, size_t total)
{
	(void)user;
	in_cb++;
	FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_BUSY, "progress callback: state %d, not BUSY",
		 dfu_ctx_state(&ctx));
	FZ_CHECK(total == 0 || durable <= total, "progress %zu of %zu", durable, total);
	if (reenter) {
		size_t off;
		int e1 = dfu_ctx_write(&ctx, "x", 1);
		int e2 = dfu_ctx_offset_get(&ctx, &off);
		int e3 = dfu_ctx_done(&ctx, false);

		FZ_CHECK(e1 == -EDEADLK && e2 == -EDEADLK && e3 == -EDEADLK,
			 "calls from a callback: write %s, offset_get %s, done %s",
			 dfu_errno_name(e1), dfu_errno_name(e2), dfu_errno_name(e3));
		FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_BUSY, "state changed by a refused call");
	}
}

static bool complete(void)
{
	const struct dfu_target_entry *e = ctx.cur;

	if (e == &entries[0]) {
		return raw.stream.status == DFU_STREAM_COMPLETE;
	}
	return e == &entries[1] && m.stream.status == DFU_STREAM_COMPLETE;
}

static void ctx_build(void)
{
	static const uint32_t bufs[4] = {64, 256, 512, 4096};

	memset(&raw, 0, sizeof(raw));
	raw.cfg.flash = &flash.dev;
	raw.cfg.offset = raw_off;
	raw.cfg.size = raw_size;
	raw.cfg.buf = raw_buf;
	raw.cfg.buf_len = bufs[(cfg0 >> 2) & 3];
	raw.cfg.key = "dfu/raw0";
	raw.cfg.checkpoint_blocks = cfg0 >> 6;
	raw.cfg.flags = ((cfg0 & 0x10) ? DFU_STREAM_SKIP_ERASED : 0) |
			((cfg0 & 0x20) ? DFU_STREAM_VERIFY_READBACK : 0);
	memset(&m, 0, sizeof(m));
	m.cfg.board = &board;
	m.cfg.buf = mcu_buf;
	m.cfg.buf_len = sizeof(mcu_buf);
	m.cfg.checkpoint_blocks = cfg0 >> 6;
	entries[0] = (struct dfu_target_entry){&dfu_target_raw_ops, &raw};
	entries[1] = (struct dfu_target_entry){&dfu_target_mcuboot_ops, &m};
	port = (struct dfu_port){.kv = &kv.dev, .clock = &clk.dev};
	cfg = (struct dfu_config){
		.port = &port, .targets = entries, .target_count = 2, .progress = progress};
	FZ_CHECK(dfu_ctx_setup(&ctx, &cfg) == 0, "dfu_ctx_setup");
}

/* Where file f's bytes land in flash. */
static const uint8_t *area_of(const struct file *f)
{
	if (!f->mcuboot) {
		return flash.mem + raw_off;
	}
	return flash.mem + pair.secondary.offset;
}

static int type_of(int f)
{
	return files[f].mcuboot ? DFU_TARGET_IMAGE_TYPE_MCUBOOT : DFU_TARGET_IMAGE_TYPE_CUSTOM;
}

/* ---- the application's view ---- */

struct app {
	int sel;        /* file the next init is for */
	int cur;        /* file of the context's download (-1: none) */
	uint32_t fs;    /* its declared size */
	int64_t cursor; /* next byte to send (-1: ask offset_get) */
};

static void check_flash(const char *when)
{
	FZ_CHECK(flash.cnt.violations.total == 0, "%s: flash contract violation: %s", when,
		 flash.last_violation);
	FZ_CHECK(flash.cnt.weak_programs == 0,
		 "%s: a program into an erase block whose erase was cut (not erased again)", when);
}

/* After offset_get returned off outside a write session: [0, off) durable. */
static void check_durable(const struct app *a, size_t off, int st)
{
	if (a->cur < 0 || power.dead || st == DFU_STATE_WRITING) {
		return;
	}
	const struct file *f = &files[a->cur];
	size_t n = off < f->tlv_end ? off : f->tlv_end;

	FZ_CHECK(off <= f->len + (a->fs > f->len ? a->fs - f->len : 0),
		 "offset %zu past the file (%u)", off, f->len);
	FZ_CHECK(memcmp(area_of(f), f->data, n) == 0,
		 "offset %zu (state %d, file %d) is not durable: flash differs from the file", off,
		 st, a->cur);
}

static void sync_cur(struct app *a)
{
	if (ctx.cur == NULL) {
		a->cur = -1;
		a->cursor = -1;
	}
}

static int do_init(struct app *a, int f, int mode)
{
	const struct file *fl = &files[f];
	struct dfu_init_params ip = {.img_type = type_of(f), .img_num = 0};
	int before = dfu_ctx_state(&ctx);
	bool open = before == DFU_STATE_READY || before == DFU_STATE_WRITING ||
		    before == DFU_STATE_FAILED;

	switch (mode) {
	case 0: /* right size, identity from img_type */
		ip.file_size = fl->len;
		(void)dfu_ctx_img_type(&ctx, fl->data, 64);
		break;
	case 1: /* unknown size */
		ip.file_size = 0;
		ip.first = fl->data;
		ip.first_len = 64;
		break;
	case 2:
		ip.file_size = fl->len;
		ip.first = fl->data;
		ip.first_len = 64;
		break;
	default: /* a wrong (larger) size */
		ip.file_size = fl->len + eb;
		ip.first = fl->data;
		ip.first_len = 64;
		break;
	}
	bool same = a->cur == f && a->fs == ip.file_size;
	/* another target, or the same target while bytes are moving
	 * (WRITING) or after a failure (FAILED); in READY another file of the
	 * same target replaces the download */
	bool other =
		a->cur < 0 || files[a->cur].mcuboot != fl->mcuboot || before != DFU_STATE_READY;
	int err = fz_init(&ctx, &ip, complete);

	FZ_ERRNO(err, "init");
	if (open && !same && other) {
		FZ_CHECK(err == -EBUSY, "init of another download while one is open (state %d): %s",
			 before, dfu_errno_name(err));
	}
	if (err == 0 && !power.dead &&
	    (dfu_ctx_state(&ctx) == DFU_STATE_DONE || dfu_ctx_state(&ctx) == DFU_STATE_SCHEDULED) &&
	    memcmp(area_of(fl), fl->data, fl->tlv_end) != 0) {
		/* init found "this file" complete: flash must hold this file.
		 * Found this way (fixed in 745878d, fuzz/regressions/
		 * fuzz_ctx_api/mcuboot-size0-other): with file_size 0 the
		 * MCUboot target reported DONE for whatever verified image the
		 * slot held, ignoring the first bytes of the file initialised. */
		FZ_CHECK(0,
			 "init of file %d (size %u) reports DONE, but flash does not hold that "
			 "file",
			 f, (unsigned)ip.file_size);
	}
	if (err == 0) {
		a->cur = f;
		a->fs = (uint32_t)ip.file_size;
		a->cursor = -1;
	} else {
		sync_cur(a);
	}
	return err;
}

static void do_offset(struct app *a)
{
	size_t off = SIZE_MAX;
	int err = dfu_ctx_offset_get(&ctx, &off);

	FZ_ERRNO(err, "offset_get");
	if (a->cur < 0 || ctx.cur == NULL) {
		FZ_CHECK(err == -EACCES || ctx.cur != NULL, "offset_get without target: %s",
			 dfu_errno_name(err));
		return;
	}
	if (err == 0) {
		check_durable(a, off, dfu_ctx_state(&ctx));
		a->cursor = (int64_t)off;
	}
}

static int do_write(struct app *a, size_t k)
{
	if (a->cur < 0) {
		int err = dfu_ctx_write(&ctx, "abc", 3);

		FZ_ERRNO(err, "write");
		FZ_CHECK(err != 0, "write without a download returned 0");
		return err;
	}
	if (a->cursor < 0) {
		do_offset(a);
		if (a->cursor < 0) {
			return -1;
		}
	}
	const struct file *f = &files[a->cur];
	uint32_t end = a->fs != 0 && a->fs < f->len ? a->fs : f->len;

	if ((uint64_t)a->cursor >= end) {
		return 0;
	}
	if (k > end - (uint64_t)a->cursor) {
		k = end - (size_t)a->cursor;
	}
	int st0 = dfu_ctx_state(&ctx);
	int err = dfu_ctx_write(&ctx, f->data + a->cursor, k);

	FZ_ERRNO(err, "write");
	if (err == 0) {
		FZ_CHECK(st0 == DFU_STATE_READY || st0 == DFU_STATE_WRITING,
			 "write accepted in state %d", st0);
		FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_WRITING, "state %d after a write",
			 dfu_ctx_state(&ctx));
		a->cursor += (int64_t)k;
	} else {
		if (st0 == DFU_STATE_FAILED) {
			FZ_CHECK(err == -EPIPE, "write when FAILED: %s", dfu_errno_name(err));
		} else if (st0 != DFU_STATE_READY && st0 != DFU_STATE_WRITING) {
			FZ_CHECK(err == -EPERM || err == -EACCES, "write in state %d: %s", st0,
				 dfu_errno_name(err));
		}
		a->cursor = -1;
	}
	return err;
}

static int do_done(struct app *a, bool ok)
{
	int st0 = dfu_ctx_state(&ctx);
	int err = dfu_ctx_done(&ctx, ok);
	int st = dfu_ctx_state(&ctx);

	FZ_ERRNO(err, "done");
	a->cursor = -1;
	if (ctx.cur == NULL) {
		FZ_CHECK(err == -EACCES, "done without target: %s", dfu_errno_name(err));
		return err;
	}
	if (ok) {
		if (err == 0) {
			FZ_CHECK(st == DFU_STATE_DONE || (st0 == DFU_STATE_SCHEDULED && st == st0),
				 "done(true) = 0, state %d", st);
		} else if (err == -ENODATA) {
			FZ_CHECK(st == st0, "done(true) = -ENODATA changed the state %d -> %d", st0,
				 st);
		}
		if (st0 == DFU_STATE_FAILED) {
			FZ_CHECK(err == -EPIPE, "done(true) when FAILED: %s", dfu_errno_name(err));
		}
		if (st0 == DFU_STATE_ABORTED) {
			FZ_CHECK(err == -EPERM, "done(true) when ABORTED: %s", dfu_errno_name(err));
		}
	} else {
		if (st0 == DFU_STATE_DONE || st0 == DFU_STATE_SCHEDULED) {
			FZ_CHECK(err == -EALREADY && st == st0, "done(false) when finished: %s",
				 dfu_errno_name(err));
		} else {
			FZ_CHECK(st == DFU_STATE_ABORTED, "done(false): state %d", st);
		}
	}
	if (err == 0 && ok && a->cur >= 0 && !power.dead) {
		/* DONE: the whole file is there */
		const struct file *f = &files[a->cur];
		size_t off = 0;

		FZ_CHECK(dfu_ctx_offset_get(&ctx, &off) == 0, "offset_get after done");
		if (a->fs != 0 || f->mcuboot) {
			FZ_CHECK(off >= f->tlv_end || (a->fs != 0 && off == a->fs),
				 "done(true) = 0 with offset %zu of %u", off, f->len);
		}
		check_durable(a, off, st);
		if (f->mcuboot) {
			FZ_CHECK(memcmp(area_of(f), f->data, f->tlv_end) == 0,
				 "MCUboot DONE: the slot does not hold the image");
		}
	}
	return err;
}

/* The application's plain flow for file f: img_type, init, offset_get,
 * write the rest, done(true). */
static int app_flow(struct app *a, int f, size_t chunk)
{
	int err = do_init(a, f, 0);

	if (err) {
		return err;
	}
	do_offset(a);
	if (a->cursor < 0) {
		return -EIO;
	}
	if (dfu_ctx_state(&ctx) == DFU_STATE_DONE || dfu_ctx_state(&ctx) == DFU_STATE_SCHEDULED) {
		return 0;
	}
	while (a->cursor >= 0 && (uint64_t)a->cursor < files[f].len) {
		err = do_write(a, chunk);
		if (err) {
			return err;
		}
	}
	return do_done(a, true);
}

static void misuse(struct app *a, uint8_t what)
{
	int st = dfu_ctx_state(&ctx);
	int err;

	switch (what % 7) {
	case 0:
		err = dfu_ctx_write(&ctx, NULL, 5);
		FZ_ERRNO(err, "write(NULL)");
		FZ_CHECK(err != 0, "write(NULL) = 0");
		if (st == DFU_STATE_READY || st == DFU_STATE_WRITING) {
			FZ_CHECK(err == -EINVAL && dfu_ctx_state(&ctx) == st,
				 "write(NULL) in state %d: %s", st, dfu_errno_name(err));
		}
		break;
	case 1:
		err = dfu_ctx_write(&ctx, "", 0);
		FZ_ERRNO(err, "write(len 0)");
		if (st == DFU_STATE_READY || st == DFU_STATE_WRITING) {
			/* a no-op (the position may have to be read first) */
			FZ_CHECK(err == 0 || power.dead, "write(len 0) = %s", dfu_errno_name(err));
		}
		if (err != 0) {
			a->cursor = -1;
		}
		break;
	case 2:
		err = dfu_ctx_offset_get(&ctx, NULL);
		FZ_CHECK(err == (ctx.cur == NULL ? -EACCES : -EINVAL), "offset_get(NULL): %s",
			 dfu_errno_name(err));
		break;
	case 3: {
		static const int bad[] = {DFU_TARGET_IMAGE_TYPE_ANY,
					  DFU_TARGET_IMAGE_TYPE_ANY_MODEM,
					  DFU_TARGET_IMAGE_TYPE_SMP,
					  DFU_TARGET_IMAGE_TYPE_NONE,
					  DFU_TARGET_IMAGE_TYPE_FULL_MODEM,
					  3,
					  64};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			err = dfu_ctx_init(&ctx, bad[i], 0, 100, NULL);
			FZ_CHECK(err == -ENOTSUP, "init(type %d) = %s", bad[i],
				 dfu_errno_name(err));
			FZ_CHECK(dfu_ctx_state(&ctx) == st, "refused init changed the state");
		}
		break;
	}
	case 4:
		err = dfu_ctx_init(&ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, -1, 100, NULL);
		FZ_CHECK(err == -EINVAL && dfu_ctx_state(&ctx) == st, "init(img_num -1) = %s",
			 dfu_errno_name(err));
		break;
	case 5:
		/* one byte past the declared end */
		if (a->cur >= 0 && a->fs != 0 && st == DFU_STATE_WRITING && a->cursor >= 0) {
			const struct file *f = &files[a->cur];

			if ((uint64_t)a->cursor + 64 > a->fs && a->cursor <= (int64_t)f->len) {
				size_t k = a->fs - (size_t)a->cursor + 1;

				err = dfu_ctx_write(&ctx, f->data + a->cursor, k);
				FZ_CHECK(err == -EFBIG && dfu_ctx_state(&ctx) == st,
					 "write past file_size: %s, state %d", dfu_errno_name(err),
					 dfu_ctx_state(&ctx));
			}
		}
		break;
	default:
		err = dfu_ctx_schedule_update(&ctx, 0);
		FZ_ERRNO(err, "schedule_update");
		if (st != DFU_STATE_DONE && st != DFU_STATE_SCHEDULED) {
			/* READY: nothing verified to schedule */
			FZ_CHECK(err == (ctx.cur == NULL         ? -EACCES
					 : st == DFU_STATE_READY ? -ENOENT
								 : -EPERM),
				 "schedule in state %d: %s", st, dfu_errno_name(err));
		}
		break;
	}
}

static void reboot(struct app *a)
{
	sim_power_reboot(&power);
	ctx_build();
	a->cur = -1;
	a->cursor = -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < CFG_LEN) {
		return 0;
	}
	struct fz in = {data + CFG_LEN, size - CFG_LEN};
	const struct sim_geometry *geo = geos[data[0] & 3];

	cfg0 = data[0];
	eb = geo->erase_block;
	raw_off = eb;
	raw_size = 6 * eb;
	uint32_t p_off = raw_off + raw_size;
	uint32_t p_size = 6 * eb, s_size = 5 * eb;
	uint32_t dev_size = p_off + p_size + s_size + eb;

	sim_power_init(&power);
	FZ_CHECK(sim_flash_init(&flash, geo, dev_size, &power) == 0, "sim_flash_init");
	sim_kv_init(&kv, &power);
	sim_clock_init(&clk);
	pair = (struct dfu_mcuboot_pair){.primary = {&flash.dev, p_off, p_size},
					 .secondary = {&flash.dev, p_off + p_size, s_size},
					 .mode = DFU_MCUBOOT_SWAP_MOVE};
	board = (struct dfu_mcuboot_board){&pair, 1};

	uint32_t seed = data[3];
	uint32_t ra = 1 + (data[1] * 97u) % (5 * eb);
	uint32_t rb = 1 + (data[1] * 97u + 12345u) % (5 * eb);
	uint32_t pa = 1 + (data[2] * 37u) % (3 * eb - 600);
	uint32_t pb = 1 + (data[2] * 37u + 777u) % (3 * eb - 600);

	if (rb == ra) {
		rb = ra == 1 ? 2 : ra - 1;
	}
	make_raw(&files[F_RAW_A], ra, seed);
	make_raw(&files[F_RAW_B], rb, seed + 1);
	make_mcuboot(&files[F_MCU_A], 0x20, pa, seed + 2);
	make_mcuboot(&files[F_MCU_B], 0x200, pb, seed + 3); /* never the same size */
	reenter = false;
	in_cb = 0;
	ctx_build();

	struct app a = {.sel = F_RAW_A, .cur = -1, .cursor = -1};
	uint32_t cs = seed;

	for (int n = 0; n < MAX_OPS && in.n > 0; n++) {
		uint8_t op = fz_u8(&in) % 16;

		switch (op) {
		case 0:
			a.sel = fz_u8(&in) % F_COUNT;
			reenter = (fz_u8(&in) & 7) == 0;
			break;
		case 1: {
			int t = dfu_ctx_img_type(&ctx, files[a.sel].data, 64);

			FZ_CHECK(t == (files[a.sel].mcuboot ? DFU_TARGET_IMAGE_TYPE_MCUBOOT
							    : DFU_TARGET_IMAGE_TYPE_NONE),
				 "img_type = %d", t);
			break;
		}
		case 2:
			(void)do_init(&a, a.sel, fz_u8(&in) & 3);
			break;
		case 3:
			do_offset(&a);
			break;
		case 4:
		case 14:
		case 15:
			(void)do_write(&a, fz_chunk(&cs));
			break;
		case 5:
			(void)do_done(&a, true);
			break;
		case 6:
			(void)do_done(&a, false);
			break;
		case 7: {
			int st = dfu_ctx_state(&ctx);
			int err = dfu_ctx_schedule_update(&ctx, 0);

			FZ_ERRNO(err, "schedule_update");
			if (err == 0) {
				FZ_CHECK(st == DFU_STATE_DONE || st == DFU_STATE_SCHEDULED,
					 "scheduled from state %d", st);
				FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_SCHEDULED, "state %d",
					 dfu_ctx_state(&ctx));
			}
			break;
		}
		case 8: {
			int err = dfu_ctx_reset(&ctx);

			FZ_ERRNO(err, "reset");
			if (err == 0) {
				FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_IDLE && ctx.cur == NULL,
					 "state %d after reset", dfu_ctx_state(&ctx));
			} else if (a.cur >= 0 && ctx.cur != NULL) {
				FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_FAILED,
					 "reset = %s: state %d", dfu_errno_name(err),
					 dfu_ctx_state(&ctx));
			}
			sync_cur(&a);
			a.cursor = -1;
			break;
		}
		case 9: {
			uint32_t k = 1 + fz_u8(&in) % 48;

			if (!power.dead) {
				sim_power_arm(&power, k, (enum sim_torn)(fz_u8(&in) % 4),
					      k * 31u + seed);
			}
			break;
		}
		case 10:
			reboot(&a);
			break;
		case 11:
			misuse(&a, fz_u8(&in));
			break;
		case 12: {
			struct dfu_mcuboot_pair_state ps;
			int err = dfu_mcuboot_state(&m, 0, &ps);

			FZ_ERRNO(err, "dfu_mcuboot_state");
			break;
		}
		default: /* 13 */
			(void)app_flow(&a, a.sel, fz_chunk(&cs));
			break;
		}
		check_flash("after an operation");
	}

	if (fz_verbose()) {
		fprintf(stderr,
			"ctx_api: %u cuts, %u progress callbacks, state %d, %u programs, "
			"%u erases\n",
			(unsigned)power.cuts, in_cb, dfu_ctx_state(&ctx), flash.cnt.programs,
			flash.cnt.erases);
	}
	/* The end: power back, no cut, both files to completion. */
	sim_power_disarm(&power);
	reboot(&a);
	reenter = false;
	for (int f = 0; f < F_COUNT; f += 2) {
		int which = f + (a.sel == f + 1);
		int err = app_flow(&a, which, 1000);

		FZ_CHECK(err == 0, "final download of file %d: %s (state %d)", which,
			 dfu_errno_name(err), dfu_ctx_state(&ctx));
		FZ_CHECK(memcmp(area_of(&files[which]), files[which].data, files[which].tlv_end) ==
				 0,
			 "final download of file %d is not bit-exact", which);
		if (files[which].mcuboot) {
			err = dfu_ctx_schedule_update(&ctx, 0);
			FZ_CHECK(err == 0, "final schedule: %s", dfu_errno_name(err));
		}
	}
	check_flash("at the end");
	for (int f = 0; f < F_COUNT; f++) {
		free(files[f].data);
	}
	sim_flash_free(&flash);
	return 0;
}
