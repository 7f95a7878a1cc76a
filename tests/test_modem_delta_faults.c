/*
 * Modem delta target: one transient error (-EIO) at every modem call and
 * every store read, write and remove of a whole download + done(true) +
 * schedule_update, in turn. The operations of a clean run are counted
 * first; then for k = 1..N the k-th one fails (modem calls through the
 * simulator's injection: the call fails before doing anything; store calls
 * in a wrapper here) and the application does what the README says: after
 * a failed init, init again; after a failed offset_get or write, init again,
 * offset_get, resume from there; after a failed done(true), retry it, or
 * init + offset_get + resume when the context is FAILED; after a failed
 * schedule_update, retry it. Each start state runs with and without a
 * pause half-way (a dropped connection: done(false), then init +
 * offset_get + resume), and with the modem's write_done committing or
 * dropping the uncommitted tail.
 *
 * Every run must end with the modem holding the bit-exact patch and the
 * update scheduled (then applied at the modem's boot), with no erase more
 * than in the clean run (a transient error never discards), and every
 * resume point at or after the modem's committed offset at the time of the
 * error (only bytes after the last durable point may be sent again).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define SIM_MODEM_TARGET_FIXTURE
#include "sim_modem_support.h"

/* ---- counting and failing one operation ---- */

static uint32_t ops;      /* modem + store operations since the run began */
static uint32_t fault_at; /* 1-based op to fail; 0 = none */
static const char *fault_what;

static bool fault_now(const char *what)
{
	if (++ops != fault_at) {
		return false;
	}
	fault_what = what;
	return true;
}

/* Modem calls: at the faulty op, the simulator's injection fails this call. */
static void modem_op(enum sim_modem_op op, const char *what)
{
	if (fault_now(what)) {
		sim_modem_inject(&md, op, -EIO, 1);
	}
}

static int w_uuid(void *c, char uuid[DFU_MODEM_UUID_LEN])
{
	(void)c;
	modem_op(SIM_MODEM_OP_UUID, "uuid");
	return md.dev.uuid(md.dev.ctx, uuid);
}

static int w_area(void *c, size_t *size)
{
	(void)c;
	modem_op(SIM_MODEM_OP_AREA, "area");
	return md.dev.area(md.dev.ctx, size);
}

static int w_offset(void *c, size_t *offset)
{
	(void)c;
	modem_op(SIM_MODEM_OP_OFFSET, "offset");
	return md.dev.offset(md.dev.ctx, offset);
}

static int w_write_init(void *c)
{
	(void)c;
	modem_op(SIM_MODEM_OP_WRITE_INIT, "write_init");
	return md.dev.write_init(md.dev.ctx);
}

static int w_write(void *c, const void *src, size_t len)
{
	(void)c;
	modem_op(SIM_MODEM_OP_WRITE, "write");
	return md.dev.write(md.dev.ctx, src, len);
}

static int w_write_done(void *c)
{
	(void)c;
	modem_op(SIM_MODEM_OP_WRITE_DONE, "write_done");
	return md.dev.write_done(md.dev.ctx);
}

static int w_erase(void *c)
{
	(void)c;
	modem_op(SIM_MODEM_OP_ERASE, "erase");
	return md.dev.erase(md.dev.ctx);
}

static int w_update(void *c)
{
	(void)c;
	modem_op(SIM_MODEM_OP_UPDATE, "update");
	return md.dev.update(md.dev.ctx);
}

static int w_rollback(void *c)
{
	(void)c;
	modem_op(SIM_MODEM_OP_ROLLBACK, "rollback");
	return md.dev.rollback(md.dev.ctx);
}

static const struct dfu_modem_delta faulty_modem = {
	.uuid = w_uuid,
	.area = w_area,
	.offset = w_offset,
	.write_init = w_write_init,
	.write = w_write,
	.write_done = w_write_done,
	.erase = w_erase,
	.update = w_update,
	.rollback = w_rollback,
};

static int s_read(void *c, const char *key, void *dst, size_t len)
{
	(void)c;
	return fault_now("store read") ? -EIO : kv.dev.read(kv.dev.ctx, key, dst, len);
}

static int s_write(void *c, const char *key, const void *src, size_t len)
{
	(void)c;
	return fault_now("store write") ? -EIO : kv.dev.write(kv.dev.ctx, key, src, len);
}

static int s_remove(void *c, const char *key)
{
	(void)c;
	return fault_now("store remove") ? -EIO : kv.dev.remove(kv.dev.ctx, key);
}

static const struct dfu_kv faulty_kv = {.read = s_read, .write = s_write, .remove = s_remove};

/* ---- starting points ---- */

enum start { CLEAN, DIRTY, OTHER_PARTIAL, SAME_PARTIAL, START_COUNT };
static const char *const start_names[] = {"clean", "dirty", "other partial", "same partial"};

static int init_as(const uint8_t *first)
{
	struct dfu_init_params p = {.img_type = DFU_TARGET_IMAGE_TYPE_MODEM_DELTA,
				    .file_size = plen,
				    .cb = on_evt,
				    .first = first,
				    .first_len = 64};

	return dfu_ctx_init_ex(&ctx, &p);
}

static void start_state(enum start st, bool commit_on_done)
{
	fx_modem = &faulty_modem;
	fx_kv = &faulty_kv;
	fault_at = 0;
	target_setup();
	md.cfg.commit_on_done = commit_on_done;
	if (st == DIRTY) {
		md.nv.dirty = true;
	} else if (st == OTHER_PARTIAL || st == SAME_PARTIAL) {
		static uint8_t other[sizeof(patch)];
		const uint8_t *src = patch;

		if (st == OTHER_PARTIAL) { /* same size, other content and identity */
			if (sim_modem_make_patch(other, sizeof(other), SIM_MODEM_UUID_A,
						 SIM_MODEM_UUID_B, pay + 1, 20000) != plen) {
				abort();
			}
			other[0] ^= 0x5A;
			src = other;
		}
		if (init_as(src) != 0 || dfu_ctx_write(&ctx, src, 12000) != 0 ||
		    device_reboot() != 0) {
			abort();
		}
	}
	ops = 0;
}

/* ---- the application ---- */

struct run {
	unsigned errors;   /* errors the application saw */
	size_t resent;     /* most bytes sent again after one error */
	bool lost_durable; /* resumed before the committed offset */
};

enum step { S_INIT, S_OFFSET, S_WRITE, S_PAUSE, S_DONE, S_SCHED, S_END };

static int app_run(bool ours, bool pause_midway, struct run *r)
{
	enum step s = S_INIT;
	size_t off = 0, sent = 0, durable = 0;
	unsigned budget = 8;
	bool paused = !pause_midway;

	while (s != S_END) {
		int err = 0;
		int st;

		switch (s) {
		case S_INIT:
			err = init(plen);
			ours = ours || err == 0; /* the area holds this patch now */
			s = err ? S_INIT : S_OFFSET;
			break;
		case S_OFFSET:
			err = dfu_ctx_offset_get(&ctx, &off);
			if (err == 0) {
				r->lost_durable |= off < durable;
				r->resent = sent > off && sent - off > r->resent ? sent - off
										 : r->resent;
				s = off < plen ? S_WRITE : S_DONE;
			} else {
				s = S_INIT;
			}
			break;
		case S_WRITE: {
			size_t k = plen - off < 1024 ? plen - off : 1024;

			err = dfu_ctx_write(&ctx, patch + off, k);
			if (err == 0) {
				off += k;
				sent = off > sent ? off : sent;
				s = off == plen                  ? S_DONE
				    : !paused && off >= plen / 2 ? S_PAUSE
								 : S_WRITE;
			} else {
				s = S_INIT;
			}
			break;
		}
		case S_PAUSE: /* the connection dropped: abort, resume later */
			err = dfu_ctx_done(&ctx, false);
			paused = true;
			s = S_INIT;
			break;
		case S_DONE:
			err = dfu_ctx_done(&ctx, true);
			st = dfu_ctx_state(&ctx);
			s = err == 0                                           ? S_SCHED
			    : st == DFU_STATE_READY || st == DFU_STATE_WRITING ? S_DONE
									       : S_INIT;
			break;
		default:
			err = dfu_ctx_schedule_update(&ctx, 0);
			st = dfu_ctx_state(&ctx);
			s = err == 0 ? S_END : st == DFU_STATE_DONE ? S_SCHED : S_INIT;
			break;
		}
		if (err != 0) {
			r->errors++;
			if (ours && !md.nv.dirty && md.nv.committed > durable) {
				durable = md.nv.committed; /* survives anything */
			}
			if (--budget == 0) {
				return err;
			}
		}
	}
	return 0;
}

/* One start state and mode: count, then fail each op in turn. */
static unsigned long sweep(enum start st, bool commit_on_done, bool pause, unsigned long *runs)
{
	struct run clean = {0};
	unsigned long bad = 0;
	size_t resent = 0;
	bool ours = st == CLEAN || st == SAME_PARTIAL;

	start_state(st, commit_on_done);
	if (app_run(ours, pause, &clean) != 0 || clean.errors != 0) {
		printf("  %s: the clean run failed\n", start_names[st]);
		return 1;
	}
	uint32_t total = ops;
	uint32_t erases = md.cnt.erases_started;

	for (uint32_t k = 1; k <= total; k++) {
		struct run r = {0};

		start_state(st, commit_on_done);
		fault_at = k;
		fault_what = NULL;
		int err = app_run(ours, pause, &r);

		fault_at = 0;
		(*runs)++;
		bool ok = err == 0 && fault_what != NULL && r.errors == 1 && !r.lost_durable &&
			  memcmp(md.nv.data, patch, plen) == 0 && md.nv.patch_valid &&
			  !md.nv.dirty && md.nv.action == SIM_MODEM_ACTION_UPDATE &&
			  md.cnt.erases_started == erases;

		if (ok) {
			ok = applied();
		}
		resent = r.resent > resent ? r.resent : resent;
		if (!ok && bad++ < 5) {
			printf("  %s, commit_on_done %d, pause %d: -EIO at op %u/%u (%s): %s, "
			       "%u errors, lost durable %d, erases %u/%u, action %d\n",
			       start_names[st], (int)commit_on_done, (int)pause, (unsigned)k,
			       (unsigned)total, fault_what ? fault_what : "not reached",
			       dfu_errno_name(err), r.errors, (int)r.lost_durable,
			       (unsigned)md.cnt.erases_started, (unsigned)erases,
			       (int)md.nv.action);
		}
	}
	printf("  %s, commit_on_done %d, pause %d: %u ops = runs, %lu bad, at most %zu bytes "
	       "sent again\n",
	       start_names[st], (int)commit_on_done, (int)pause, (unsigned)total, bad, resent);
	return bad;
}

TEST(one_transient_error_at_any_modem_or_store_call_still_schedules_the_exact_patch)
{
	unsigned long runs = 0, bad = 0;

	for (int st = CLEAN; st < START_COUNT; st++) {
		for (int mode = 0; mode < 4; mode++) {
			bad += sweep((enum start)st, (mode & 1) == 0, (mode & 2) != 0, &runs);
		}
	}
	printf("  %lu runs, %lu bad\n", runs, bad);
	CHECK(runs > 0);
	CHECK_EQ(bad, 0);
}

TEST_MAIN(RUN(one_transient_error_at_any_modem_or_store_call_still_schedules_the_exact_patch);)
