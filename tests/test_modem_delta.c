/*
 * Modem delta target against the simulated modem: identification, size
 * check, erase waits (dirty, pending, stalled, never), the modem code ->
 * errno table, resume bound to the patch identity, reset during an erase,
 * and a power cut at every modem and store call of a download.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "sim_clock.h"
#include "sim_kv.h"
#include "sim_modem.h"

#include "dfu/dfu_target_modem_delta.h"

static struct sim_power pw;
static struct sim_clock clk;
static struct sim_kv kv;
static struct sim_modem md;
static struct dfu_port port;
static struct dfu_modem_delta_target tgt;
static const struct dfu_target_entry entry = {&dfu_target_modem_delta_ops, &tgt};
static const struct dfu_config cfg = {.port = &port, .targets = &entry, .target_count = 1};
static struct dfu_ctx ctx;

static uint8_t pay[40 * 1024];
static uint8_t patch[sizeof(pay) + SIM_MODEM_PATCH_OVERHEAD];
static size_t plen;
static unsigned evts[3];

static void on_evt(enum dfu_target_evt_id e)
{
	if ((unsigned)e < 3) {
		evts[e]++;
	}
}

/* Application side after a boot: a fresh context over the same port. */
static void app_boot(void)
{
	memset(&tgt, 0, sizeof(tgt));
	tgt.cfg.poll_ms = 1000;
	tgt.cfg.timeout_ms = 60000;
	tgt.cfg.deadline_ms = 600000;
	port = (struct dfu_port){.kv = &kv.dev, .clock = &clk.dev, .modem = &md.dev};
	if (dfu_ctx_setup(&ctx, &cfg) != 0) {
		abort();
	}
	memset(evts, 0, sizeof(evts));
}

static void setup(size_t payload)
{
	sim_modem_free(&md);
	sim_power_init(&pw);
	sim_clock_init(&clk);
	sim_kv_init(&kv, &pw);
	for (size_t i = 0; i < sizeof(pay); i++) {
		pay[i] = (uint8_t)(i * 13u + 5u);
	}
	plen = sim_modem_make_patch(patch, sizeof(patch), SIM_MODEM_UUID_A, SIM_MODEM_UUID_B, pay,
				    payload);
	if (plen == 0 || sim_modem_init(&md, NULL, SIM_MODEM_UUID_A, &pw, &clk) != 0) {
		abort();
	}
	app_boot();
}

/* Power cycle the device: store and modem persist, RAM does not. */
static int device_reboot(void)
{
	uint32_t result = 0;

	sim_power_reboot(&pw);
	sim_modem_reboot(&md);
	app_boot();
	return sim_modem_boot(&md, &result);
}

static int init(size_t file_size)
{
	struct dfu_init_params p = {.img_type = DFU_TARGET_IMAGE_TYPE_MODEM_DELTA,
				    .file_size = file_size,
				    .cb = on_evt,
				    .first = patch,
				    .first_len = 64};

	return dfu_ctx_init_ex(&ctx, &p);
}

/* The application's flow: init, offset_get, write the rest, done(true),
 * schedule. Returns 0 or the first error. */
static int app_download(size_t chunk)
{
	size_t off = 0;
	int err = init(plen);

	if (err == 0) {
		err = dfu_ctx_offset_get(&ctx, &off);
	}
	while (err == 0 && off < plen) {
		size_t k = plen - off < chunk ? plen - off : chunk;

		err = dfu_ctx_write(&ctx, patch + off, k);
		off += k;
	}
	if (err == 0) {
		err = dfu_ctx_done(&ctx, true);
	}
	if (err == 0) {
		err = dfu_ctx_schedule_update(&ctx, 0);
	}
	return err;
}

/* The modem applies it at its next boot: the running UUID becomes B. */
static bool applied(void)
{
	uint32_t result = 0;

	sim_power_reboot(&pw);
	sim_modem_reboot(&md);
	return sim_modem_boot(&md, &result) == 0 && result == DFU_MODEM_RESULT_OK &&
	       memcmp(md.nv.uuid, SIM_MODEM_UUID_B, DFU_MODEM_UUID_LEN) == 0;
}

TEST(delta_patch_is_identified_by_its_magic)
{
	setup(1000);
	CHECK_EQ(dfu_ctx_img_type(&ctx, patch, 64), DFU_TARGET_IMAGE_TYPE_MODEM_DELTA);
	patch[7] ^= 0x01; /* "meDt" */
	CHECK_EQ(dfu_ctx_img_type(&ctx, patch, 64), DFU_TARGET_IMAGE_TYPE_NONE);
	patch[7] ^= 0x01;
	CHECK_EQ(dfu_ctx_img_type(&ctx, patch, 31), DFU_TARGET_IMAGE_TYPE_NONE);
}

TEST(download_applies_in_any_chunk_size)
{
	static const size_t sizes[] = {1, 7, 4096 + 3, 65536};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		setup(30000);
		CHECK_ERR(app_download(sizes[i]), 0);
		CHECK(applied());
	}
}

TEST(patch_larger_than_the_area_is_refused_before_any_erase)
{
	setup(1000);
	CHECK_ERR(init(md.cfg.area_size + 1), EFBIG);
	CHECK_EQ(md.cnt.erases_started, 0);
	CHECK_EQ(dfu_ctx_state(&ctx), DFU_STATE_IDLE);
}

TEST(dirty_area_at_init_is_erased_with_events)
{
	setup(1000);
	md.nv.dirty = true;
	CHECK_ERR(init(plen), 0);
	CHECK_EQ(md.cnt.erases_started, 1);
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_PENDING], 1);
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_DONE], 1);
	CHECK_EQ(evts[DFU_TARGET_EVT_TIMEOUT], 0); /* 4 s erase, 60 s period */
	size_t off = 1;

	CHECK_ERR(dfu_ctx_offset_get(&ctx, &off), 0);
	CHECK_EQ(off, 0);
}

TEST(erase_pending_at_init_is_waited_out_with_timeout_events)
{
	setup(1000);
	md.cfg.erase_ms = 150000; /* 2.5 min: two TIMEOUT periods */
	CHECK_ERR(md.dev.erase(md.dev.ctx), 0);
	CHECK_ERR(init(plen), 0);
	CHECK_EQ(md.cnt.erases_started, 1); /* waited, not restarted */
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_PENDING], 1);
	CHECK_EQ(evts[DFU_TARGET_EVT_TIMEOUT], 2);
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_DONE], 1);
}

TEST(erase_that_never_finishes_hits_the_deadline)
{
	setup(1000);
	md.cfg.erase_ms = SIM_MODEM_ERASE_NEVER;
	md.nv.dirty = true;
	uint64_t t0 = clk.now_ms;

	CHECK_ERR(init(plen), ETIMEDOUT);
	CHECK(clk.now_ms - t0 >= 600000 && clk.now_ms - t0 < 602000);
	CHECK_EQ(evts[DFU_TARGET_EVT_TIMEOUT], 9); /* every full period before it */
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_DONE], 0);
	CHECK_EQ(dfu_ctx_state(&ctx), DFU_STATE_IDLE);
}

TEST(erase_stalled_by_lte_completes_once_lte_is_off)
{
	setup(1000);
	md.nv.dirty = true;
	sim_modem_set_lte_busy(&md, true);
	tgt.cfg.deadline_ms = 120000;
	CHECK_ERR(init(plen), ETIMEDOUT);
	sim_modem_set_lte_busy(&md, false); /* the advice after TIMEOUT */
	CHECK_ERR(init(plen), 0);
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_DONE], 1);
}

TEST(null_callback_is_allowed)
{
	struct dfu_init_params p = {.img_type = DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, .file_size = 0};

	setup(1000);
	md.nv.dirty = true;
	CHECK_ERR(dfu_ctx_init_ex(&ctx, &p), 0);
}

TEST(every_modem_write_error_maps_to_its_errno)
{
	static const int want[24] = {
		0,       -ENOMEM, -E2BIG,  -EBADMSG,   -EIO,   -EBADMSG, -EIO,    -EIO,
		-EIO,    -EXDEV,  -EFAULT, -ENOTEMPTY, -EIO,   -EIO,     -ESPIPE, -EILSEQ,
		-ESPIPE, -EBUSY,  -EACCES, -ENODATA,   -EINTR, -EACCES,  -EIO,    -EAGAIN,
	};

	for (int code = 1; code <= 23; code++) {
		setup(1000);
		CHECK_ERR(init(plen), 0);
		sim_modem_inject(&md, SIM_MODEM_OP_WRITE, code, 1);
		int err = dfu_ctx_write(&ctx, patch, 100);

		CHECKF(err == want[code], "modem code %d: %s, want %s", code, dfu_errno_name(err),
		       dfu_errno_name(want[code]));
		CHECK_EQ(dfu_modem_errno(code), want[code]);
		CHECK_EQ(dfu_ctx_state(&ctx), DFU_STATE_FAILED);
	}
	CHECK_EQ(dfu_modem_errno(24), -EIO);
	CHECK_EQ(dfu_modem_errno(-ENOMEM), -ENOMEM); /* library errors pass through */
}

TEST(area_not_blank_is_remembered_and_the_next_init_erases)
{
	setup(20000);
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(dfu_ctx_write(&ctx, patch, 9000), 0);
	sim_modem_inject(&md, SIM_MODEM_OP_WRITE, DFU_MODEM_AREA_NOT_BLANK, 1);
	CHECK_ERR(dfu_ctx_write(&ctx, patch + 9000, 100), ENOTEMPTY);
	md.cfg.dirty_on_reject = false; /* even if the modem does not say so */
	CHECK_EQ(device_reboot(), 0);
	uint32_t erases = md.cnt.erases_started;
	size_t off = 1;

	CHECK_ERR(init(plen), 0);
	CHECK_EQ(md.cnt.erases_started, erases + 1);
	CHECK_ERR(dfu_ctx_offset_get(&ctx, &off), 0);
	CHECK_EQ(off, 0);
}

TEST(partial_patch_resumes_from_the_modem_offset_after_reboot)
{
	size_t off = 0;

	setup(30000);
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(dfu_ctx_write(&ctx, patch, 20000), 0); /* committed: 452 + 8192k */
	CHECK_EQ(device_reboot(), 0);
	CHECK_ERR(init(plen), 0);
	CHECK_EQ(md.cnt.erases_started, 0);
	CHECK_ERR(dfu_ctx_offset_get(&ctx, &off), 0);
	CHECK(off > 0 && off < 20000);
	CHECK_ERR(dfu_ctx_write(&ctx, patch + off, plen - off), 0);
	CHECK_ERR(dfu_ctx_done(&ctx, true), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&ctx, 0), 0);
	CHECK(applied());
}

TEST(offset_get_while_writing_is_the_next_byte_and_safe_to_follow)
{
	size_t off = 0;

	setup(30000);
	md.cfg.commit_on_done = false;
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(dfu_ctx_write(&ctx, patch, 10000), 0);
	CHECK_ERR(dfu_ctx_offset_get(&ctx, &off), 0);
	CHECK_EQ(off, 10000); /* the transfer goes on: no pause */
	CHECK_ERR(dfu_ctx_write(&ctx, patch + off, plen - off), 0);
	CHECK_ERR(dfu_ctx_done(&ctx, true), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&ctx, 0), 0);
	CHECK(applied());
}

TEST(done_true_that_drops_written_bytes_fails_the_session_and_resumes_from_the_modem)
{
	size_t off = 0;

	setup(30000);
	md.cfg.commit_on_done = false; /* write_done drops the uncommitted tail */
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(dfu_ctx_write(&ctx, patch, 10000), 0);
	CHECK_ERR(dfu_ctx_done(&ctx, true), EAGAIN); /* not -ENODATA: bytes lost */
	CHECK_EQ(dfu_ctx_state(&ctx), DFU_STATE_FAILED);
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(dfu_ctx_offset_get(&ctx, &off), 0);
	CHECK_EQ(off, 452 + 8192);
	CHECK_ERR(dfu_ctx_write(&ctx, patch + off, plen - off), 0);
	CHECK_ERR(dfu_ctx_done(&ctx, true), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&ctx, 0), 0);
	CHECK(applied());
}

TEST(done_true_before_the_end_with_nothing_dropped_is_enodata_and_writing_goes_on)
{
	setup(30000);
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(dfu_ctx_write(&ctx, patch, 10000), 0); /* commit_on_done: kept */
	CHECK_ERR(dfu_ctx_done(&ctx, true), ENODATA);
	CHECK_EQ(dfu_ctx_state(&ctx), DFU_STATE_WRITING);
	CHECK_ERR(dfu_ctx_write(&ctx, patch + 10000, plen - 10000), 0);
	CHECK_ERR(dfu_ctx_done(&ctx, true), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&ctx, 0), 0);
	CHECK(applied());
}

TEST(offset_get_after_abort_pauses_the_transfer_so_the_offset_is_committed)
{
	size_t off = 0;

	setup(30000);
	md.cfg.commit_on_done = false; /* write_done drops the uncommitted tail */
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(dfu_ctx_write(&ctx, patch, 10000), 0);
	CHECK_ERR(dfu_ctx_done(&ctx, false), 0);
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(dfu_ctx_offset_get(&ctx, &off), 0);
	CHECK_EQ(off, 452 + 8192);
	CHECK_ERR(dfu_ctx_write(&ctx, patch + off, plen - off), 0);
	CHECK_ERR(dfu_ctx_done(&ctx, true), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&ctx, 0), 0);
	CHECK(applied());
}

TEST(a_different_patch_erases_instead_of_resuming)
{
	setup(30000);
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(dfu_ctx_write(&ctx, patch, 20000), 0);
	CHECK_EQ(device_reboot(), 0);
	plen = sim_modem_make_patch(patch, sizeof(patch), SIM_MODEM_UUID_A, SIM_MODEM_UUID_B,
				    pay + 1, 30000); /* another patch, same size */
	patch[0] ^= 0x5A; /* and not the same first bytes (the identity) */
	CHECK_ERR(app_download(4096), 0);
	CHECK_EQ(md.cnt.erases_started, 1);
	CHECK(applied());
}

TEST(done_false_releases_the_modem_and_keeps_the_patch)
{
	setup(30000);
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(dfu_ctx_write(&ctx, patch, 12000), 0);
	uint32_t dones = md.cnt.calls[SIM_MODEM_OP_WRITE_DONE];

	CHECK_ERR(dfu_ctx_done(&ctx, false), 0);
	CHECK_EQ(md.cnt.calls[SIM_MODEM_OP_WRITE_DONE], dones + 1);
	CHECK(!md.open);
	CHECK_ERR(app_download(4096), 0); /* same patch: resumes */
	CHECK_EQ(md.cnt.erases_started, 0);
}

TEST(done_true_on_a_short_patch_is_enodata)
{
	setup(30000);
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(dfu_ctx_write(&ctx, patch, 100), 0);
	CHECK_ERR(dfu_ctx_done(&ctx, true), ENODATA);
}

TEST(schedule_of_an_incomplete_patch_is_refused_by_the_modem)
{
	setup(30000);
	CHECK_ERR(init(0), 0); /* unknown size: done cannot tell */
	CHECK_ERR(dfu_ctx_write(&ctx, patch, 100), 0);
	CHECK_ERR(dfu_ctx_done(&ctx, true), 0);
	CHECK_ERR(dfu_ctx_schedule_update(&ctx, 0), ENODATA);
}

TEST(reset_returns_at_once_and_the_next_init_waits_for_the_erase)
{
	setup(30000);
	md.cfg.erase_ms = 90000;
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(dfu_ctx_write(&ctx, patch, 20000), 0);
	uint64_t t0 = clk.now_ms;

	CHECK_ERR(dfu_ctx_reset(&ctx), 0);
	CHECK_EQ(clk.now_ms, t0); /* non-blocking */
	CHECK(sim_modem_erasing(&md));
	CHECK_ERR(init(plen), 0);
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_DONE], 1);
	CHECK_EQ(evts[DFU_TARGET_EVT_TIMEOUT], 1);
	CHECK_ERR(app_download(4096), 0);
	CHECK(applied());
}

TEST(reset_while_the_modem_is_already_erasing_is_accepted)
{
	setup(30000);
	CHECK_ERR(init(plen), 0);
	CHECK_ERR(md.dev.erase(md.dev.ctx), 0); /* erasing on its own */
	CHECK_ERR(dfu_ctx_reset(&ctx), 0);
	CHECK_EQ(md.cnt.erases_started, 1);
	CHECK_ERR(init(plen), 0);
	CHECK_EQ(evts[DFU_TARGET_EVT_ERASE_DONE], 1);
}

TEST(seed_api_downloads_and_schedules_a_patch)
{
	size_t off = 1;

	setup(30000);
	CHECK_ERR(dfu_target_setup(&cfg), 0);
	CHECK_EQ(dfu_target_img_type(patch, 64), DFU_TARGET_IMAGE_TYPE_MODEM_DELTA);
	CHECK_ERR(dfu_target_init(DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, 0, plen, on_evt), 0);
	CHECK_ERR(dfu_target_offset_get(&off), 0);
	CHECK_EQ(off, 0);
	CHECK_ERR(dfu_target_write(patch, plen), 0);
	CHECK_ERR(dfu_target_done(true), 0);
	CHECK_ERR(dfu_target_schedule_update(0), 0);
	CHECK(applied());
}

/* ---- power cuts ---- */

static const enum sim_torn torn_modes[] = {SIM_TORN_NOTHING, SIM_TORN_ONE};

/* Starting points of the power-cut sweep. */
enum start { CLEAN, DIRTY, OTHER_PARTIAL, SAME_PARTIAL };

static void start_state(enum start st)
{
	setup(30000);
	if (st == DIRTY) {
		md.nv.dirty = true;
	} else if (st == OTHER_PARTIAL || st == SAME_PARTIAL) {
		static uint8_t other[sizeof(patch)];
		const uint8_t *src = patch;

		if (st == OTHER_PARTIAL) { /* same size, other content and identity */
			if (sim_modem_make_patch(other, sizeof(other), SIM_MODEM_UUID_A,
						 SIM_MODEM_UUID_B, pay + 1, 30000) != plen) {
				abort();
			}
			other[0] ^= 0x5A;
			src = other;
		}
		struct dfu_init_params p = {.img_type = DFU_TARGET_IMAGE_TYPE_MODEM_DELTA,
					    .file_size = plen,
					    .first = src,
					    .first_len = 64};

		if (dfu_ctx_init_ex(&ctx, &p) != 0 || dfu_ctx_write(&ctx, src, 17000) != 0 ||
		    device_reboot() != 0) {
			abort();
		}
	}
	pw.ops = 0;
}

/* Cut at every counted call k of the flow, torn or not; after the reboot
 * the application's flow runs again and the patch must apply. */
static unsigned long sweep(enum start st, unsigned long *runs)
{
	unsigned long bad = 0;
	uint32_t total;

	start_state(st);
	if (app_download(1024) != 0) {
		return 1;
	}
	total = pw.ops;
	for (uint32_t k = 1; k <= total; k++) {
		for (size_t t = 0; t < 2; t++) {
			start_state(st);
			sim_power_arm(&pw, k, torn_modes[t], k);
			int err = app_download(1024);

			(*runs)++;
			if (err == 0 || !pw.dead) {
				bad++;
				continue;
			}
			int b = device_reboot();

			if (b == 0 &&
			    memcmp(md.nv.uuid, SIM_MODEM_UUID_B, DFU_MODEM_UUID_LEN) == 0) {
				continue; /* cut after update(): applied at this boot */
			}
			err = b == 0 ? app_download(1024) : b;
			if ((err != 0 || !applied()) && bad++ < 5) {
				printf("  start %d cut %u/%u torn %d: %s\n", (int)st, (unsigned)k,
				       (unsigned)total, (int)torn_modes[t], dfu_errno_name(err));
			}
		}
	}
	printf("  start %d: %u cut points\n", (int)st, (unsigned)total);
	return bad;
}

TEST(power_cut_at_every_modem_and_store_call_resumes_to_an_applied_patch)
{
	unsigned long runs = 0, bad = 0;

	for (int st = CLEAN; st <= SAME_PARTIAL; st++) {
		bad += sweep((enum start)st, &runs);
	}
	printf("  %lu runs, %lu bad\n", runs, bad);
	CHECK_EQ(bad, 0);
}

static void cleanup(void)
{
	sim_modem_free(&md);
}

TEST_MAIN(atexit(cleanup); RUN(delta_patch_is_identified_by_its_magic);
	  RUN(download_applies_in_any_chunk_size);
	  RUN(patch_larger_than_the_area_is_refused_before_any_erase);
	  RUN(dirty_area_at_init_is_erased_with_events);
	  RUN(erase_pending_at_init_is_waited_out_with_timeout_events);
	  RUN(erase_that_never_finishes_hits_the_deadline);
	  RUN(erase_stalled_by_lte_completes_once_lte_is_off); RUN(null_callback_is_allowed);
	  RUN(every_modem_write_error_maps_to_its_errno);
	  RUN(area_not_blank_is_remembered_and_the_next_init_erases);
	  RUN(partial_patch_resumes_from_the_modem_offset_after_reboot);
	  RUN(offset_get_while_writing_is_the_next_byte_and_safe_to_follow);
	  RUN(offset_get_after_abort_pauses_the_transfer_so_the_offset_is_committed);
	  RUN(done_true_that_drops_written_bytes_fails_the_session_and_resumes_from_the_modem);
	  RUN(done_true_before_the_end_with_nothing_dropped_is_enodata_and_writing_goes_on);
	  RUN(a_different_patch_erases_instead_of_resuming);
	  RUN(done_false_releases_the_modem_and_keeps_the_patch);
	  RUN(done_true_on_a_short_patch_is_enodata);
	  RUN(schedule_of_an_incomplete_patch_is_refused_by_the_modem);
	  RUN(reset_returns_at_once_and_the_next_init_waits_for_the_erase);
	  RUN(reset_while_the_modem_is_already_erasing_is_accepted);
	  RUN(seed_api_downloads_and_schedules_a_patch);
	  RUN(power_cut_at_every_modem_and_store_call_resumes_to_an_applied_patch);)
