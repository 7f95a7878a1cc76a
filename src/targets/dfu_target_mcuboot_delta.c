/*
 * MCUboot application delta target (include/dfu/dfu_target_mcuboot_delta.h):
 * decodes a patch against the running image and streams the rebuilt image
 * through the MCUboot target on an inner context (public API only).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "delta_decode.h"
#include "delta_internal.h"

enum { T_ENV = 0, T_BODY, T_DONE, T_BAD };

static const struct dfu_mcuboot_pair *pair_of(const struct dfu_mcuboot_delta *t)
{
	return &t->cfg.mcuboot->cfg.board->pairs[t->pair];
}

static const struct dfu_crypto *crypto_of(const struct dfu_mcuboot_delta *t)
{
	const struct dfu_mcuboot *m = t->cfg.mcuboot;

	return m->cfg.crypto ? m->cfg.crypto : t->icfg.port ? t->icfg.port->crypto : NULL;
}

static bool full_base(const struct dfu_mcuboot_delta *t)
{
	return (t->cfg.flags & DFU_DELTA_HASH_BASE) != 0;
}

static bool inner_open_state(const struct dfu_ctx *c)
{
	int st = dfu_ctx_state(c);

	return st == DFU_STATE_READY || st == DFU_STATE_WRITING || st == DFU_STATE_FAILED;
}

/* ---- decoder I/O ------------------------------------------------------ */

static int read_old(void *ctx, uint32_t off, uint8_t *dst, size_t n)
{
	const struct dfu_mcuboot_pair *pair = pair_of(ctx);
	const struct dfu_flash *f = pair->primary.flash;

	return f->read(f->ctx, pair->primary.offset + off, dst, n);
}

static int read_new(void *ctx, uint32_t off, uint8_t *dst, size_t n)
{
	const struct dfu_mcuboot_pair *pair = pair_of(ctx);
	const struct dfu_flash *f = pair->secondary.flash;
	struct dfu_mcuboot_layout l;
	int err = dfu_mcuboot_layout(pair, 1, &l);

	return err ? err : f->read(f->ctx, pair->secondary.offset + l.image_offset + off, dst, n);
}

static int session_store(struct dfu_mcuboot_delta *t)
{
	uint8_t r[DELTA_SESSION_SIZE];
	char key[12];

	delta_session_encode(t, r);
	t->session = delta_le32(r + 60);
	if (t->kv == NULL) {
		return 0;
	}
	delta_key(key, 'p', t->pair);
	return t->kv->write(t->kv->ctx, key, r, sizeof(r));
}

static int write_new(void *ctx, uint32_t out, const uint8_t *src, size_t n)
{
	struct dfu_mcuboot_delta *t = ctx;

	if (out < 32) { /* the header the envelope announced */
		size_t k = 32 - out < n ? 32 - out : n;

		if (memcmp(src, t->info.new_header + out, k) != 0) {
			return -EBADMSG;
		}
	}
	if (!t->touched) {
		int err = session_store(t);

		if (err) {
			return err;
		}
		t->touched = 1;
	}
	if (out + n <= t->skip_to) {
		return 0; /* durable already (a resume before it) */
	}
	if (out < t->skip_to) {
		src += t->skip_to - out;
		n -= t->skip_to - out;
	}
	return dfu_ctx_write(&t->inner, src, n);
}

static int snapshot(void *ctx, const struct dfu_delta_snap *s)
{
	struct dfu_mcuboot_delta *t = ctx;
	uint8_t r[DELTA_SNAP_SIZE];
	uint8_t slot = t->snap_seq & 1u;

	delta_snap_encode(s, t->session, r);
	if (t->kv != NULL) {
		char key[12];
		int err;

		delta_key(key, slot ? 'b' : 'a', t->pair);
		err = t->kv->write(t->kv->ctx, key, r, sizeof(r));
		if (err) {
			return err;
		}
	}
	memcpy(t->snaps_raw[slot], r, sizeof(r));
	t->snaps_ok |= (uint8_t)(1u << slot);
	t->snap_seq ^= 1u;
	t->dec.snap_next = s->out + t->interval;
	return 0;
}

static const struct dfu_delta_io *io_of(struct dfu_mcuboot_delta *t, struct dfu_delta_io *io)
{
	*io = (struct dfu_delta_io){t, read_old, write_new, snapshot};
	return io;
}

/* ---- the inner MCUboot download -------------------------------------- */

static int inner_open(struct dfu_mcuboot_delta *t, uint32_t size, const uint8_t *expected)
{
	struct dfu_ctx *in = &t->inner;
	const struct dfu_image_id *id = dfu_ctx_image_id(in);

	if (inner_open_state(in) &&
	    (id->img_num != t->pair || id->file_size != size ||
	     (size != 0 && id->prefix_crc != dfu_crc32(0, t->info.new_header, 32)))) {
		(void)dfu_ctx_done(in, false); /* another download: close it */
	}
	struct dfu_init_params ip = {
		.img_type = DFU_TARGET_IMAGE_TYPE_MCUBOOT,
		.img_num = t->pair,
		.file_size = size,
		.first = size != 0 ? t->info.new_header : NULL,
		.first_len = size != 0 ? 32u : 0u,
		.expected_digest = expected,
	};
	return dfu_ctx_init_ex(in, &ip);
}

static void records_delete(struct dfu_mcuboot_delta *t)
{
	static const char kinds[3] = {'p', 'a', 'b'};

	for (int i = 0; t->kv != NULL && i < 3; i++) {
		char key[12];

		delta_key(key, kinds[i], t->pair);
		(void)t->kv->remove(t->kv->ctx, key);
	}
	t->snaps_ok = 0;
}

/* A verdict on the patch or its output: nothing of it may stay. */
static int fail(struct dfu_mcuboot_delta *t, int err)
{
	if (!dfu_error_discards(err)) {
		return err; /* flash, store, crypto port: resumable */
	}
	t->phase = T_BAD;
	if (t->touched) {
		records_delete(t);
		if (dfu_ctx_state(&t->inner) != DFU_STATE_IDLE) {
			(void)dfu_ctx_reset(&t->inner);
		}
		t->touched = 0;
	}
	return err;
}

static void fresh(struct dfu_mcuboot_delta *t)
{
	t->phase = T_ENV;
	t->env_n = 0;
	t->resume = 0;
	t->skip_to = 0;
	t->touched = 0;
	t->snaps_ok = 0;
	t->hdr_ok = 0;
}

/* The whole envelope is in t->env: check it, then open the output. */
static int env_complete(struct dfu_mcuboot_delta *t)
{
	const struct dfu_mcuboot *m = t->cfg.mcuboot;
	int err = delta_env_parse(t->env, t->file_size, &t->info);

	if (err == 0) {
		err = delta_env_check(m, crypto_of(t), t->pair, full_base(t), &t->info);
	}
	if (err) {
		return err;
	}
	t->hdr_ok = 1;
	t->patch_crc = delta_le32(t->env + 120);
	err = inner_open(t, t->info.new_size, NULL);
	if (err && dfu_error_discards(err)) {
		t->info.refusal = DFU_DELTA_BAD_HEADER;
	}
	size_t d = 0;

	if (err == 0) {
		err = dfu_ctx_offset_get(&t->inner, &d);
	}
	if (err == 0 && d > 0 && !t->touched) {
		/* output of an earlier download of this image, not of this
		 * session: start it again */
		err = dfu_ctx_reset(&t->inner);
		if (err == 0) {
			err = inner_open(t, t->info.new_size, NULL);
		}
	}
	if (err) {
		return err;
	}
	delta_dec_init(&t->dec, t->info.base_size, t->info.new_size, t->info.patch_size,
		       t->cfg.window, t->cfg.window_len);
	t->dec.snap_next = t->interval;
	t->phase = T_BODY;
	return 0;
}

/* ---- resume ----------------------------------------------------------- */

static void snaps_load(struct dfu_mcuboot_delta *t)
{
	t->snaps_ok = 0;
	for (int i = 0; t->kv != NULL && i < 2; i++) {
		char key[12];

		delta_key(key, i ? 'b' : 'a', t->pair);
		if (t->kv->read(t->kv->ctx, key, t->snaps_raw[i], DELTA_SNAP_SIZE) ==
		    (int)DELTA_SNAP_SIZE) {
			t->snaps_ok |= (uint8_t)(1u << i);
		}
	}
}

/* Continue from the best snapshot at or below the durable output d. */
static int resume_at(struct dfu_mcuboot_delta *t, uint32_t d)
{
	struct dfu_delta_snap best = {0}, s;
	struct dfu_delta_io io;
	bool found = false;

	for (int i = 0; i < 2; i++) {
		if ((t->snaps_ok & (1u << i)) &&
		    delta_snap_decode(t->snaps_raw[i], t->session, &s) == 0 && s.out <= d &&
		    (!found || s.out > best.out)) {
			best = s;
			found = true;
			t->snap_seq = (uint8_t)(i ^ 1); /* overwrite the other one next */
		}
	}
	t->skip_to = d;
	t->touched = 1;
	delta_dec_init(&t->dec, t->info.base_size, t->info.new_size, t->info.patch_size,
		       t->cfg.window, t->cfg.window_len);
	if (found) {
		int err = delta_dec_restore(&t->dec, t->info.compression, t->info.window_bits,
					    t->info.lookahead_bits, &best, io_of(t, &io), read_new);

		if (err == 0) {
			t->dec.snap_next = best.out + t->interval;
			t->phase = T_BODY;
			t->env_n = DFU_DELTA_ENVELOPE_SIZE;
			t->resume = DFU_DELTA_ENVELOPE_SIZE + best.in;
			return 0;
		}
		if (err != -EBADMSG) {
			return err;
		}
	}
	/* no usable snapshot: the patch again from 0, durable output kept */
	t->phase = T_ENV;
	t->env_n = 0;
	t->resume = 0;
	return 0;
}

/* After a reboot (or a new init): the session in the store, if it is this
 * patch's and the device still runs its base. Returns 1 when DONE. */
static int resume_stored(struct dfu_mcuboot_delta *t, const uint8_t *expected)
{
	uint8_t r[DELTA_SESSION_SIZE], hdr[32];
	uint32_t hdr_crc, hashed;
	char key[12];

	delta_key(key, 'p', t->pair);
	if (t->kv == NULL || t->file_size == 0 ||
	    t->kv->read(t->kv->ctx, key, r, sizeof(r)) != (int)sizeof(r) ||
	    delta_session_decode(t, r, &hdr_crc) != 0) {
		return 0;
	}
	const struct dfu_mcuboot_pair *pair = pair_of(t);
	const struct dfu_mcuboot *m = t->cfg.mcuboot;
	uint8_t run[32];
	int err = delta_base_digest(pair, crypto_of(t), m->cfg.buf, m->cfg.buf_len, full_base(t),
				    run, &hashed);

	if (err == -ENOENT || (err == 0 && memcmp(run, t->info.base_digest, 32) != 0)) {
		return 0; /* the base no longer runs: a stale session */
	}
	if (err == 0) {
		err = read_new(t, 0, hdr, sizeof(hdr));
	}
	if (err) {
		return err;
	}
	if (dfu_crc32(0, hdr, sizeof(hdr)) != hdr_crc) {
		return 0; /* no output of it in the slot */
	}
	t->info.base_size = hashed;
	memcpy(t->info.new_header, hdr, sizeof(hdr));
	t->hdr_ok = 1;
	err = inner_open(t, t->info.new_size, expected);
	if (err) {
		return err;
	}
	if (dfu_ctx_state(&t->inner) == DFU_STATE_DONE) {
		return 1;
	}
	size_t d = 0;

	err = dfu_ctx_offset_get(&t->inner, &d);
	if (err) {
		return err;
	}
	snaps_load(t);
	err = resume_at(t, (uint32_t)d);
	return err;
}

/* ---- ops -------------------------------------------------------------- */

static int delta_init(struct dfu_ctx *ctx, const struct dfu_init_params *p)
{
	struct dfu_mcuboot_delta *t = dfu_ctx_target_state(ctx);

	if (t == NULL || t->cfg.mcuboot == NULL || t->cfg.mcuboot->cfg.board == NULL ||
	    t->cfg.mcuboot->cfg.buf == NULL || t->cfg.mcuboot->cfg.buf_len < 64u) {
		return -EINVAL;
	}
	const struct dfu_mcuboot_board *b = t->cfg.mcuboot->cfg.board;

	if (p->img_num >= b->pair_count) {
		return -ENOENT;
	}
	if (t->inner.cfg == NULL || t->icfg.port != ctx->cfg->port) {
		t->ient = (struct dfu_target_entry){&dfu_target_mcuboot_ops, t->cfg.mcuboot};
		t->icfg = (struct dfu_config){
			.port = ctx->cfg->port, .targets = &t->ient, .target_count = 1};
		int err = dfu_ctx_setup(&t->inner, &t->icfg);

		if (err) {
			return err;
		}
	}
	const struct dfu_image_id *id = dfu_ctx_image_id(ctx);
	bool same = p->reopen && t->pair == p->img_num && t->file_size == id->file_size &&
		    t->prefix_crc == id->prefix_crc && t->prefix_len == id->prefix_len;
	const struct dfu_mcuboot_pair *pair = &b->pairs[p->img_num];
	uint16_t k =
		t->cfg.mcuboot->cfg.checkpoint_blocks ? t->cfg.mcuboot->cfg.checkpoint_blocks : 1u;

	t->kv = t->cfg.kv ? t->cfg.kv : ctx->cfg->port->kv;
	t->pair = (uint8_t)p->img_num;
	t->file_size = id->file_size;
	t->prefix_crc = id->prefix_crc;
	t->prefix_len = id->prefix_len;
	t->interval = t->cfg.mcuboot->cfg.buf_len + (k + 1u) * pair->secondary.flash->erase_block;
	if (p->file_size == 0) {
		/* init(type, img, 0): a verified image in the slot is DONE */
		int err = inner_open(t, 0, p->expected_digest);

		fresh(t);
		if (err == 0 && dfu_ctx_state(&t->inner) == DFU_STATE_DONE) {
			t->phase = T_DONE;
			return DFU_TARGET_INIT_COMPLETE;
		}
		return err;
	}
	if (same && t->phase != T_BAD && t->touched) {
		/* the same boot: snapshots from RAM */
		size_t d = 0;
		int err = inner_open(t, t->info.new_size, p->expected_digest);

		if (err == 0 && dfu_ctx_state(&t->inner) == DFU_STATE_DONE) {
			t->phase = T_DONE;
			return DFU_TARGET_INIT_COMPLETE;
		}
		if (err == 0) {
			err = dfu_ctx_offset_get(&t->inner, &d);
		}
		return err ? err : resume_at(t, (uint32_t)d);
	}
	fresh(t);
	int r = resume_stored(t, p->expected_digest);

	if (r == 1) {
		t->phase = T_DONE;
		return DFU_TARGET_INIT_COMPLETE;
	}
	if (r < 0) {
		return r;
	}
	if (t->phase == T_ENV && t->resume == 0 && !t->touched && p->first != NULL &&
	    p->first_len >= DFU_DELTA_ENVELOPE_SIZE) {
		/* early verdict from init's first bytes; nothing is kept */
		struct dfu_mcuboot_delta_info in;
		int err = delta_env_parse(p->first, t->file_size, &in);

		if (err == 0) {
			err = delta_env_check(t->cfg.mcuboot, crypto_of(t), t->pair, full_base(t),
					      &in);
		}
		t->info = in;
		return err;
	}
	return 0;
}

static int delta_offset_get(struct dfu_ctx *ctx, size_t *offset)
{
	struct dfu_mcuboot_delta *t = dfu_ctx_target_state(ctx);

	*offset = t->phase == T_DONE ? t->file_size : t->resume;
	return 0;
}

static int delta_write(void *state, const uint8_t *buf, size_t len)
{
	struct dfu_mcuboot_delta *t = state;
	struct dfu_delta_io io;

	if (t->phase == T_BAD) {
		return -EPIPE;
	}
	if (t->phase == T_DONE) {
		return -EPERM;
	}
	if (t->phase == T_ENV) {
		size_t k = DFU_DELTA_ENVELOPE_SIZE - t->env_n;

		k = k < len ? k : len;
		memcpy(t->env + t->env_n, buf, k);
		t->env_n = (uint8_t)(t->env_n + k);
		buf += k;
		len -= k;
		if (t->env_n < DFU_DELTA_ENVELOPE_SIZE) {
			return 0;
		}
		int err = env_complete(t);

		if (err) {
			t->env_n = 0; /* init again: the envelope is sent again */
			return fail(t, err);
		}
	}
	int err = delta_dec_feed(&t->dec, buf, len, io_of(t, &io));

	return err ? fail(t, err) : 0;
}

static int delta_done(struct dfu_ctx *ctx, bool successful)
{
	struct dfu_mcuboot_delta *t = dfu_ctx_target_state(ctx);

	if (!successful) {
		return inner_open_state(&t->inner) ? dfu_ctx_done(&t->inner, false) : 0;
	}
	if (t->phase == T_BAD) {
		return -EPIPE;
	}
	if (t->phase == T_DONE) {
		return 0;
	}
	if (t->phase == T_ENV || t->dec.in < t->dec.in_max) {
		return t->file_size == 0 ? -ENODATA : fail(t, -EBADMSG);
	}
	int err = delta_dec_finish(&t->dec);

	if (err == 0 && t->dec.crc != t->patch_crc) {
		err = -EBADMSG;
	}
	if (err == 0) {
		err = dfu_ctx_done(&t->inner, true);
	}
	if (err) {
		return fail(t, err);
	}
	t->phase = T_DONE;
	return 0;
}

static int delta_schedule(struct dfu_ctx *ctx, int img_num)
{
	struct dfu_mcuboot_delta *t = dfu_ctx_target_state(ctx);

	return dfu_ctx_schedule_update(&t->inner, img_num);
}

static int delta_reset(struct dfu_ctx *ctx)
{
	struct dfu_mcuboot_delta *t = dfu_ctx_target_state(ctx);
	int err = 0;

	records_delete(t);
	if (dfu_ctx_state(&t->inner) == DFU_STATE_IDLE) {
		err = inner_open(t, 0, NULL);
	}
	if (err == 0) {
		err = dfu_ctx_reset(&t->inner);
	}
	fresh(t);
	return err;
}

static int delta_check_config(const struct dfu_port *port, void *state)
{
	struct dfu_mcuboot_delta *t = state;

	if (t == NULL || t->cfg.mcuboot == NULL ||
	    (t->cfg.window_len != 0 &&
	     (t->cfg.window == NULL || (t->cfg.window_len & (t->cfg.window_len - 1u)) != 0))) {
		return -EINVAL;
	}
	return dfu_target_mcuboot_ops.check_config != NULL
		       ? dfu_target_mcuboot_ops.check_config(port, t->cfg.mcuboot)
		       : 0;
}

static bool delta_identify(const uint8_t *buf, size_t len)
{
	return dfu_identify_mcuboot_delta(buf, len);
}

#define DELTA_OPS(t)                                                                         \
	{                                                                                    \
		.type = (t), .name = "mcuboot-delta", .identify = delta_identify,            \
		.init = delta_init, .offset_get = delta_offset_get, .write = delta_write,    \
		.done = delta_done, .schedule_update = delta_schedule, .reset = delta_reset, \
		.check_config = delta_check_config,                                          \
	}

const struct dfu_target_ops dfu_target_mcuboot_delta_ops =
	DELTA_OPS(DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA);
const struct dfu_target_ops dfu_target_mcuboot_delta_custom_ops =
	DELTA_OPS(DFU_TARGET_IMAGE_TYPE_CUSTOM);
