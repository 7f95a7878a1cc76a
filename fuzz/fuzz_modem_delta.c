/*
 * Fuzz target: the modem delta target against the simulated modem with
 * injected modem errors, erases that take time or never end, LTE stalls,
 * modem faults, power cuts and reboots, driven through the context API.
 *
 * Input: 8 configuration bytes, then operations.
 *   byte 0  bit 0  file_size declared 0 (unknown)
 *           bit 1  the patch is for another modem firmware (source UUID B,
 *                  the modem runs A): the modem refuses it (INVALID_UUID)
 *           bit 2  modem commit_on_done     bit 3 dirty_on_reject
 *           bit 4  dirty_after_apply        bit 5 no event callback
 *           bit 6  no store                 bit 7 legacy_result
 *   byte 1  commit_step: 0 or 16 << (b % 8); byte 2 commit_base
 *   byte 3  bits 0-2 erase time: 0, 1, 100, 4000, 70 s, never, 2 s, 0 ms
 *           bits 3-4 max_block: none, 64, 1000, none
 *           bits 5-6 scratch area: default, exactly the patch, one byte
 *                  short (-EFBIG), patch + 4 KiB
 *   byte 4  bits 0-1 poll_ms 1000, 10, 250, 5000; bits 2-3 deadline 10 min,
 *           1 s, 30 s, 3 min; bits 4-5 timeout_ms 60 s, 100 ms, 1 s, 7 s
 *   byte 5-6 payload length (% 6000); byte 7 payload seed
 *   then one operation per byte (some take argument bytes):
 *     0 init (+ first bytes)   1 offset_get   2, 3 write a chunk
 *     4 done(true)   5 done(false)   6 schedule_update   7 reset
 *     8 inject: the next `count` calls of one modem op (after `skip`)
 *       return a modem code (1..24) or a library error
 *     9 arm a power cut       10 device reboot (modem boots, may apply)
 *     11 application restart (RAM lost, modem keeps running)
 *     12 LTE busy on/off (erase stalls)   13 advance the clock
 *     14 modem fault (-ESHUTDOWN until a boot)   15 img_type
 *
 * Invariants:
 *   - every call returns 0 or a negative errno (no modem code leaks out);
 *   - offset_get's value is where the modem appends next: the modem holds
 *     exactly the patch's bytes [0, offset) (resuming from it neither skips
 *     nor duplicates), never more than the patch;
 *   - done(true) == 0 with a known file_size: the modem holds the whole
 *     patch, bit-exact and valid;
 *   - an init's erase wait ends within deadline_ms (+ one poll) of modem
 *     clock time; its events are ERASE_PENDING, TIMEOUT..., ERASE_DONE in
 *     that order; no events outside init;
 *   - at the end (injections cleared, erases allowed to finish, reboot),
 *     the plain application flow completes the patch bit-exact and
 *     schedules it (or is refused with -EXDEV / -EFBIG in the modes where
 *     the modem must refuse it).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>

#include "dfu/dfu_target_modem_delta.h"
#include "fuzz_common.h"
#include "sim_clock.h"
#include "sim_kv.h"
#include "sim_modem.h"
#include "sim_power.h"

#define CFG_LEN 8u
#define MAX_OPS 300

static struct sim_power power;
static struct sim_clock clk;
static struct sim_kv kv;
static struct sim_modem md;
static struct dfu_port port;
static struct dfu_modem_delta_target tgt;
static struct dfu_target_entry entry;
static struct dfu_config cfg;
static struct dfu_ctx ctx;

static uint8_t *patch;
static size_t plen;
static uint8_t c0, c4;

/* events of the running init */
static bool in_init;
static int evts[64];
static unsigned nevts;
static unsigned stray_evts;

static void on_evt(enum dfu_target_evt_id e)
{
	if (!in_init) {
		stray_evts++;
		return;
	}
	if (nevts < 64) {
		evts[nevts] = (int)e;
	}
	nevts++;
	FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_BUSY, "event callback: state %d",
		 dfu_ctx_state(&ctx));
	size_t off;

	FZ_CHECK(dfu_ctx_offset_get(&ctx, &off) == -EDEADLK, "offset_get from the callback");
}

static void ctx_build(void)
{
	static const uint32_t polls[4] = {1000, 10, 250, 5000};
	static const uint32_t deadlines[4] = {600000, 1000, 30000, 180000};
	static const uint32_t timeouts[4] = {60000, 100, 1000, 7000};

	memset(&tgt, 0, sizeof(tgt));
	tgt.cfg.poll_ms = polls[c4 & 3];
	tgt.cfg.deadline_ms = deadlines[(c4 >> 2) & 3];
	tgt.cfg.timeout_ms = timeouts[(c4 >> 4) & 3];
	entry = (struct dfu_target_entry){&dfu_target_modem_delta_ops, &tgt};
	port = (struct dfu_port){
		.kv = (c0 & 0x40) ? NULL : &kv.dev, .clock = &clk.dev, .modem = &md.dev};
	cfg = (struct dfu_config){.port = &port, .targets = &entry, .target_count = 1};
	FZ_CHECK(dfu_ctx_setup(&ctx, &cfg) == 0, "dfu_ctx_setup");
}

static bool complete(void)
{
	/* init reports DONE when the modem holds file_size bytes (read from
	 * the simulator's state: a modem call here would eat injections) */
	return tgt.id.file_size != 0 && md.nv.committed == tgt.id.file_size && !md.nv.dirty &&
	       !md.nv.erasing;
}

struct app {
	int64_t cursor; /* next byte to send, -1: ask offset_get */
	uint32_t fs;
	bool have; /* a download is open on the context */
};

/* The modem holds the patch's first n bytes, and nothing past them. */
static void check_modem_holds(size_t n, const char *what)
{
	FZ_CHECK(n <= plen, "%s: offset %zu past the patch (%zu)", what, n, plen);
	FZ_CHECK(memcmp(md.nv.data, patch, n) == 0,
		 "%s: the modem's bytes [0, %zu) are not the patch's (resume would corrupt it)",
		 what, n);
}

static void events_check(void)
{
	unsigned n = nevts < 64 ? nevts : 64;

	for (unsigned i = 0; i < n; i++) {
		int e = evts[i];

		if (i == 0) {
			FZ_CHECK(e == DFU_TARGET_EVT_ERASE_PENDING, "first event %d", e);
		} else if (e == DFU_TARGET_EVT_ERASE_DONE) {
			FZ_CHECK(i == n - 1, "ERASE_DONE not last");
		} else {
			FZ_CHECK(e == DFU_TARGET_EVT_TIMEOUT, "event %d in the middle of a wait",
				 e);
		}
	}
	FZ_CHECK(stray_evts == 0, "%u events outside init", stray_evts);
}

static int do_init(struct app *a, bool first)
{
	struct dfu_init_params ip = {.img_type = DFU_TARGET_IMAGE_TYPE_MODEM_DELTA,
				     .file_size = (c0 & 0x01) ? 0 : plen,
				     .cb = (c0 & 0x20) ? NULL : on_evt};
	uint64_t t0 = clk.now_ms;

	if (first) {
		ip.first = patch;
		ip.first_len = 64;
	} else {
		(void)dfu_ctx_img_type(&ctx, patch, 64);
	}
	in_init = true;
	nevts = 0;
	int err = fz_init(&ctx, &ip, complete);

	in_init = false;
	FZ_ERRNO(err, "init");
	events_check();
	uint64_t took = clk.now_ms - t0;

	FZ_CHECK(took <= (uint64_t)tgt.cfg.deadline_ms + tgt.cfg.poll_ms,
		 "init waited %llu ms, deadline %u ms", (unsigned long long)took,
		 tgt.cfg.deadline_ms);
	if (err == 0) {
		a->have = true;
		a->fs = (uint32_t)ip.file_size;
	} else if (ctx.cur == NULL) {
		a->have = false;
	}
	a->cursor = -1;
	return err;
}

static int do_offset(struct app *a)
{
	size_t off = SIZE_MAX;
	int err = dfu_ctx_offset_get(&ctx, &off);

	FZ_ERRNO(err, "offset_get");
	if (err == 0) {
		FZ_CHECK(a->have, "offset_get = 0 without a download");
		if (!power.dead && dfu_ctx_state(&ctx) != DFU_STATE_WRITING) {
			check_modem_holds(off, "offset_get");
		}
		if (!power.dead && dfu_ctx_state(&ctx) == DFU_STATE_WRITING &&
		    md.state == SIM_MODEM_NORMAL) {
			/* "the next byte the library expects": where the modem
			 * appends the next write. Found this way (fixed in
			 * ba6b7cb, fuzz/regressions/fuzz_modem_delta/
			 * delta-enodata-offset): after done(true) = -ENODATA the
			 * context stayed WRITING with its count of accepted bytes
			 * while the target's done(true) had closed the modem
			 * transfer (write_done), which may drop the uncommitted
			 * tail. */
			FZ_CHECK(off == md.written,
				 "offset_get (WRITING) = %zu, but the modem appends the next write "
				 "at %zu (committed %zu, transfer open %d): following it corrupts "
				 "the patch",
				 off, md.written, md.nv.committed, md.open);
		}
		a->cursor = (int64_t)off;
	} else {
		a->cursor = -1;
	}
	return err;
}

static int do_write(struct app *a, size_t k)
{
	if (!a->have) {
		int err = dfu_ctx_write(&ctx, patch, 1);

		FZ_ERRNO(err, "write");
		FZ_CHECK(err != 0, "write without a download returned 0");
		return err;
	}
	if (a->cursor < 0 && do_offset(a) != 0) {
		return -1;
	}
	if ((size_t)a->cursor >= plen) {
		return 0;
	}
	if (k > plen - (size_t)a->cursor) {
		k = plen - (size_t)a->cursor;
	}
	int err = dfu_ctx_write(&ctx, patch + a->cursor, k);

	FZ_ERRNO(err, "write");
	if (err == 0) {
		a->cursor += (int64_t)k;
	} else {
		a->cursor = -1;
	}
	return err;
}

static int do_done(struct app *a, bool ok)
{
	int err = dfu_ctx_done(&ctx, ok);

	FZ_ERRNO(err, "done");
	a->cursor = -1;
	if (err == 0 && ok && a->fs != 0 && !power.dead) {
		FZ_CHECK(md.nv.committed == plen && !md.nv.dirty,
			 "done(true) = 0: the modem holds %zu bytes (dirty %d) of %zu",
			 md.nv.committed, md.nv.dirty, plen);
		check_modem_holds(plen, "done(true)");
		FZ_CHECK(md.nv.patch_valid, "done(true) = 0 and the modem has no valid patch");
	}
	return err;
}

static void device_reboot(struct app *a)
{
	uint32_t result = 0;

	sim_power_reboot(&power);
	sim_modem_reboot(&md);
	int err = sim_modem_boot(&md, &result);

	(void)err; /* 0, -EAGAIN, -EIO or (legacy) the result code */
	ctx_build();
	a->have = false;
	a->cursor = -1;
}

static int app_flow(struct app *a, size_t chunk)
{
	int err = do_init(a, true);

	/* an erase longer than the deadline: "the next init waits again" */
	for (int i = 0; i < 1000 && err == -ETIMEDOUT; i++) {
		err = do_init(a, true);
	}
	if (err == 0) {
		err = do_offset(a);
	}
	if (err) {
		return err;
	}
	if (dfu_ctx_state(&ctx) == DFU_STATE_DONE) {
		return 0;
	}
	while (a->cursor >= 0 && (size_t)a->cursor < plen) {
		err = do_write(a, chunk);
		if (err) {
			return err;
		}
	}
	return do_done(a, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t erase_ms[8] = {0,    1, 100, 4000, 70000, SIM_MODEM_ERASE_NEVER,
					     2000, 0};
	static const size_t max_block[4] = {0, 64, 1000, 0};

	if (size < CFG_LEN) {
		return 0;
	}
	c0 = data[0];
	c4 = data[4];
	size_t payload = (size_t)(data[5] | (data[6] << 8)) % 6000;
	bool other_fw = (c0 & 0x02) != 0;

	patch = malloc(payload + SIM_MODEM_PATCH_OVERHEAD);
	uint8_t *pay = malloc(payload + 1);

	FZ_CHECK(patch != NULL && pay != NULL, "out of memory");
	fz_fill(pay, payload, data[7]);
	plen = sim_modem_make_patch(patch, payload + SIM_MODEM_PATCH_OVERHEAD,
				    other_fw ? SIM_MODEM_UUID_B : SIM_MODEM_UUID_A,
				    other_fw ? SIM_MODEM_UUID_A : SIM_MODEM_UUID_B, pay, payload);
	FZ_CHECK(plen == payload + SIM_MODEM_PATCH_OVERHEAD, "make_patch");
	free(pay);

	struct sim_modem_cfg mc;

	sim_modem_default_cfg(&mc);
	mc.commit_step = data[1] == 0 ? 0 : 16u << (data[1] % 8);
	mc.commit_base = data[2];
	mc.commit_on_done = (c0 & 0x04) != 0;
	mc.dirty_on_reject = (c0 & 0x08) != 0;
	mc.dirty_after_apply = (c0 & 0x10) != 0;
	mc.legacy_result = (c0 & 0x80) != 0;
	mc.erase_ms = erase_ms[data[3] & 7];
	mc.max_block = max_block[(data[3] >> 3) & 3];
	int area_mode = (data[3] >> 5) & 3;

	mc.area_size = area_mode == 1   ? plen
		       : area_mode == 2 ? plen - 1
		       : area_mode == 3 ? plen + 4096
					: mc.area_size;
	if (mc.area_size < SIM_MODEM_PATCH_OVERHEAD) {
		mc.area_size = SIM_MODEM_PATCH_OVERHEAD;
	}
	sim_power_init(&power);
	sim_clock_init(&clk);
	sim_kv_init(&kv, &power);
	FZ_CHECK(sim_modem_init(&md, &mc, SIM_MODEM_UUID_A, &power, &clk) == 0, "sim_modem_init");
	stray_evts = 0;
	ctx_build();

	struct fz in = {data + CFG_LEN, size - CFG_LEN};
	struct app a = {.cursor = -1};
	uint32_t cs = data[7];

	for (int n = 0; n < MAX_OPS && in.n > 0; n++) {
		uint8_t op = fz_u8(&in) % 16;

		switch (op) {
		case 0:
			(void)do_init(&a, fz_u8(&in) & 1);
			break;
		case 1:
			(void)do_offset(&a);
			break;
		case 2:
		case 3:
			(void)do_write(&a, fz_chunk(&cs));
			break;
		case 4:
			(void)do_done(&a, true);
			break;
		case 5:
			(void)do_done(&a, false);
			break;
		case 6:
			FZ_ERRNO(dfu_ctx_schedule_update(&ctx, 0), "schedule_update");
			break;
		case 7: {
			int err = dfu_ctx_reset(&ctx);

			FZ_ERRNO(err, "reset");
			if (ctx.cur == NULL) {
				a.have = false;
			}
			a.cursor = -1;
			break;
		}
		case 8: {
			static const int libs[4] = {-EIO, -ENOMEM, -ESHUTDOWN, -EALREADY};
			uint8_t o = fz_u8(&in) % SIM_MODEM_OP_COUNT;
			uint8_t c = fz_u8(&in);
			int code = c < 200 ? 1 + c % 24 : libs[c % 4];
			uint8_t sc = fz_u8(&in);

			sim_modem_inject_after(&md, (enum sim_modem_op)o, sc & 7, code,
					       1 + (sc >> 3) % 4);
			break;
		}
		case 9: {
			uint32_t k = 1 + fz_u8(&in) % 24;

			if (!power.dead) {
				sim_power_arm(&power, k, (enum sim_torn)(fz_u8(&in) % 4), k);
			}
			break;
		}
		case 10:
			device_reboot(&a);
			break;
		case 11:
			ctx_build();
			a.have = false;
			a.cursor = -1;
			break;
		case 12:
			sim_modem_set_lte_busy(&md, !md.lte_busy);
			break;
		case 13:
			sim_clock_advance(&clk, (uint32_t)fz_u8(&in) * 997u);
			break;
		case 14:
			sim_modem_fault(&md);
			break;
		default: {
			int t = dfu_ctx_img_type(&ctx, patch, 64);

			FZ_CHECK(t == DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, "img_type = %d", t);
			break;
		}
		}
		events_check();
		if (fz_verbose()) {
			fprintf(stderr,
				"  op %2d: last %-10s state %d | modem committed %zu written "
				"%zu open %d dirty %d erasing %d state %d | cursor %lld\n",
				op, dfu_errno_name(dfu_ctx_last_result(&ctx)), dfu_ctx_state(&ctx),
				md.nv.committed, md.written, md.open, md.nv.dirty, md.nv.erasing,
				md.state, (long long)a.cursor);
		}
	}

	/* The end: no injections, erases finish, no LTE stall, no cut. */
	memset(md.inj, 0, sizeof(md.inj));
	sim_modem_set_lte_busy(&md, false);
	md.cfg.erase_ms = 0;
	if (md.nv.erasing && md.nv.erase_left_ms == SIM_MODEM_ERASE_NEVER) {
		md.nv.erase_left_ms = 0; /* the stuck erase ends after all */
	}
	sim_power_disarm(&power);
	device_reboot(&a); /* may apply a scheduled update */
	if (strncmp(md.nv.uuid, SIM_MODEM_UUID_A, DFU_MODEM_UUID_LEN) != 0) {
		/* an applied patch: back to A (a full update), so that the patch
		 * applies again */
		sim_modem_full_update(&md, SIM_MODEM_UUID_A);
	}
	size_t chunk = md.cfg.max_block != 0 ? md.cfg.max_block : 700;
	int err = app_flow(&a, chunk);

	if (mc.area_size < plen) {
		/* init refuses a known size; else the modem refuses the header
		 * (INVALID_HEADER_DATA: the payload cannot fit) or a write past
		 * the area (INVALID_ADDRESS) */
		bool unknown = (c0 & 0x01) != 0;
		bool ok = unknown ? err == -EBADMSG || err == -EFAULT || (other_fw && err == -EXDEV)
				  : err == -EFBIG;

		FZ_CHECK(ok, "patch larger than the area: final flow %s", dfu_errno_name(err));
	} else if (other_fw) {
		FZ_CHECK(err == -EXDEV, "patch for other firmware: final flow %s",
			 dfu_errno_name(err));
	} else {
		FZ_CHECK(err == 0, "final flow: %s", dfu_errno_name(err));
		if (a.fs != 0) {
			check_modem_holds(plen, "final flow");
			FZ_CHECK(md.nv.committed == plen && md.nv.patch_valid,
				 "final flow: modem holds %zu of %zu, valid %d", md.nv.committed,
				 plen, md.nv.patch_valid);
			err = dfu_ctx_schedule_update(&ctx, 0);
			FZ_CHECK(err == 0, "final schedule: %s", dfu_errno_name(err));
		}
	}
	if (fz_verbose()) {
		fprintf(stderr, "modem_delta: plen %zu fs %u: final %s, %u cuts, %u boots\n", plen,
			a.fs, dfu_errno_name(err), (unsigned)power.cuts, md.cnt.boots);
	}
	sim_modem_free(&md);
	free(patch);
	return 0;
}
