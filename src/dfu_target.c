/*
 * Dispatcher: the context state machine and the seed API wrapper.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "dfu/dfu_identify.h"
#include "dfu/dfu_target.h"
#include "dfu_util.h"

static bool type_compiled_in(int type)
{
	switch (type) {
	case DFU_TARGET_IMAGE_TYPE_MCUBOOT:
		return DFU_CONFIG_TARGET_MCUBOOT;
	case DFU_TARGET_IMAGE_TYPE_MODEM_DELTA:
		return DFU_CONFIG_TARGET_MODEM_DELTA;
	case DFU_TARGET_IMAGE_TYPE_FULL_MODEM:
		return DFU_CONFIG_TARGET_FULL_MODEM;
	case DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA:
		return DFU_CONFIG_TARGET_MCUBOOT_DELTA;
	case DFU_TARGET_IMAGE_TYPE_CUSTOM:
		return DFU_CONFIG_TARGET_CUSTOM;
	default:
		return false; /* NONE, SMP (reserved), masks, anything else */
	}
}

static const struct dfu_target_entry *find_target(const struct dfu_ctx *ctx, int type)
{
	for (size_t i = 0; i < ctx->cfg->target_count; i++) {
		if (ctx->cfg->targets[i].ops->type == type) {
			return &ctx->cfg->targets[i];
		}
	}
	return NULL;
}

static int fail(struct dfu_ctx *ctx, int err)
{
	if (err != 0) {
		ctx->last_err = err;
	}
	return err;
}

int dfu_ctx_setup(struct dfu_ctx *ctx, const struct dfu_config *cfg)
{
	if (ctx == NULL) {
		return -EINVAL;
	}
	memset(ctx, 0, sizeof(*ctx));
	ctx->img_num = -1;
	if (cfg == NULL || cfg->port == NULL || (cfg->targets == NULL && cfg->target_count > 0)) {
		return -EINVAL;
	}
	if (cfg->port->kv != NULL && dfu_kv_validate(cfg->port->kv) != 0) {
		return -EINVAL;
	}
	for (size_t i = 0; i < cfg->target_count; i++) {
		const struct dfu_target_ops *o = cfg->targets[i].ops;

		if (o == NULL || !type_compiled_in(o->type) || o->init == NULL ||
		    o->offset_get == NULL || o->write == NULL || o->done == NULL ||
		    o->schedule_update == NULL || o->reset == NULL) {
			return -EINVAL;
		}
		for (size_t j = 0; j < i; j++) {
			if (cfg->targets[j].ops->type == o->type) {
				return -EINVAL;
			}
		}
	}
	for (size_t i = 0; i < cfg->target_count; i++) {
		const struct dfu_target_ops *o = cfg->targets[i].ops;
		int err = o->check_config ? o->check_config(cfg->port, cfg->targets[i].state) : 0;

		if (err) {
			return err < 0 ? err : -EINVAL;
		}
	}
	ctx->cfg = cfg;
	return 0;
}

enum dfu_target_image_type dfu_ctx_img_type(struct dfu_ctx *ctx, const void *buf, size_t len)
{
	static const uint8_t order[] = {
		DFU_TARGET_IMAGE_TYPE_MCUBOOT, DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA,
		DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, DFU_TARGET_IMAGE_TYPE_FULL_MODEM,
		DFU_TARGET_IMAGE_TYPE_CUSTOM};

	if (buf == NULL || len < DFU_TARGET_MIN_SIZE_IDENTIFY_BUF) {
		return DFU_TARGET_IMAGE_TYPE_NONE;
	}
	if (ctx != NULL && ctx->cfg != NULL && ctx->state != DFU_STATE_BUSY) {
		struct dfu_image_id tmp;

		dfu_image_id_set_prefix(&tmp, buf, len);
		ctx->pending_len = tmp.prefix_len;
		ctx->pending_crc = tmp.prefix_crc;
	}
	for (size_t i = 0; ctx != NULL && ctx->cfg != NULL && i < sizeof(order); i++) {
		/* Only types this context can init are reported ("supported"). */
		const struct dfu_target_entry *e = find_target(ctx, order[i]);

		if (e == NULL) {
			continue;
		}
		if (dfu_identify_builtin(order[i], buf, len) ||
		    (e->ops->identify != NULL && e->ops->identify(buf, len))) {
			return (enum dfu_target_image_type)order[i];
		}
	}
	DFU_LOG_INF("no supported image type found");
	return DFU_TARGET_IMAGE_TYPE_NONE;
}

static bool id_equal(const struct dfu_image_id *a, const struct dfu_image_id *b)
{
	return a->file_size == b->file_size && a->prefix_crc == b->prefix_crc &&
	       a->prefix_len == b->prefix_len && a->target == b->target && a->img_num == b->img_num;
}

static bool download_open(uint8_t st)
{
	return st == DFU_STATE_READY || st == DFU_STATE_WRITING || st == DFU_STATE_FAILED;
}

/*
 * Re-entrancy: while a call runs, the context is BUSY (its state is kept in
 * a local of the call and put back at the end), so a call made from one of
 * its callbacks (event, progress) is refused with -EDEADLK instead of
 * changing the context under the running call.
 */
static int enter(struct dfu_ctx *ctx, uint8_t *st)
{
	if (ctx->state == DFU_STATE_BUSY) {
		ctx->last_err = -EDEADLK;
		return -EDEADLK;
	}
	*st = ctx->state;
	ctx->state = DFU_STATE_BUSY;
	return 0;
}

static int leave(struct dfu_ctx *ctx, uint8_t st, int err)
{
	ctx->state = st;
	return fail(ctx, err);
}

/* The identity of the download init p asks for. */
static struct dfu_image_id init_identity(const struct dfu_ctx *ctx,
					 const struct dfu_target_entry *e,
					 const struct dfu_init_params *p)
{
	struct dfu_image_id id = {
		.file_size = (uint32_t)p->file_size,
		.target = (uint8_t)p->img_type,
		.img_num = (uint8_t)p->img_num,
	};

	if (p->first != NULL && p->first_len > 0) {
		dfu_image_id_set_prefix(&id, p->first, p->first_len);
	} else if (ctx->pending_len > 0) {
		/* the last img_type(): kept, so re-inits need no new one */
		id.prefix_len = ctx->pending_len;
		id.prefix_crc = ctx->pending_crc;
	} else if (ctx->cur == e && ctx->img_num == p->img_num &&
		   ctx->id.file_size == id.file_size) {
		id.prefix_len = ctx->id.prefix_len; /* a re-init of the current file */
		id.prefix_crc = ctx->id.prefix_crc;
	}
	return id;
}

static int init_locked(struct dfu_ctx *ctx, const struct dfu_init_params *p, uint8_t *st)
{
	if (!type_compiled_in(p->img_type)) {
		return -ENOTSUP;
	}
	const struct dfu_target_entry *e = find_target(ctx, p->img_type);

	if (e == NULL) {
		return -ENOTSUP;
	}
	if (p->img_num < 0 || p->img_num > 255 || p->file_size > UINT32_MAX) {
		return p->file_size > UINT32_MAX ? -EFBIG : -EINVAL;
	}
	struct dfu_image_id id = init_identity(ctx, e, p);
	struct dfu_init_params tp = *p;

	tp.reopen = false;
	if (ctx->cur != NULL) {
		bool same = ctx->cur == e && ctx->img_num == p->img_num && id_equal(&ctx->id, &id);
		bool finished = *st == DFU_STATE_DONE || *st == DFU_STATE_SCHEDULED;

		if (same && finished && p->expected_digest == NULL) {
			/* As the reference: a new init after done(true) is a
			 * new download (the same first bytes and size do not
			 * prove the same build); the target checks a digest. */
			same = false;
		}
		/* Another file of the same target and image number replaces a
		 * download that has taken nothing since its init (READY: e.g.
		 * NCS's init(type, 0, 0) followed by init(type, 0, size)); while
		 * bytes are moving (WRITING) or after a failed write (FAILED:
		 * init the same file again to resume) it is refused, as is
		 * another target or image number while a download is open. */
		bool other = ctx->cur != e || ctx->img_num != p->img_num || *st != DFU_STATE_READY;

		if (!same && other && download_open(*st)) {
			return -EBUSY;
		}
		tp.reopen = same;
	}
	ctx->cur = e;
	ctx->write = e->ops->write;
	ctx->wstate = e->state;
	ctx->id = id;
	ctx->img_num = p->img_num;
	ctx->evt_cb = p->cb;
	ctx->pos_known = false;
	int err = e->ops->init(ctx, &tp);

	if (err < 0) {
		ctx->cur = NULL;
		ctx->img_num = -1;
		*st = DFU_STATE_IDLE;
		return err;
	}
	*st = err == DFU_TARGET_INIT_COMPLETE ? DFU_STATE_DONE : DFU_STATE_READY;
	return 0;
}

int dfu_ctx_init_ex(struct dfu_ctx *ctx, const struct dfu_init_params *p)
{
	uint8_t st;

	if (ctx == NULL || ctx->cfg == NULL) {
		return -EINVAL;
	}
	if (p == NULL) {
		return fail(ctx, -EINVAL);
	}
	int err = enter(ctx, &st);

	if (err) {
		return err;
	}
	err = init_locked(ctx, p, &st); /* sets st: before leave() reads it */
	return leave(ctx, st, err);
}

int dfu_ctx_init(struct dfu_ctx *ctx, int img_type, int img_num, size_t file_size,
		 dfu_target_callback_t cb)
{
	struct dfu_init_params p = {
		.img_type = img_type,
		.img_num = img_num,
		.file_size = file_size,
		.cb = cb,
	};

	return dfu_ctx_init_ex(ctx, &p);
}

/* The byte the next write starts with: room counts down to the end. */
static uint32_t next_byte(const struct dfu_ctx *ctx)
{
	return (ctx->id.file_size == 0 ? UINT32_MAX : ctx->id.file_size) - ctx->room;
}

/* Ask the target where the download stands (outside a write session: the
 * durable offset) and derive the room left; called BUSY. */
static int locate(struct dfu_ctx *ctx)
{
	size_t off = 0;
	int err = ctx->cur->ops->offset_get(ctx, &off);

	if (err == 0) {
		uint32_t fs = ctx->id.file_size;

		uint32_t next = off > UINT32_MAX ? UINT32_MAX : (uint32_t)off;
		uint32_t end = fs == 0 ? UINT32_MAX : fs;

		ctx->room = next < end ? end - next : 0;
		ctx->pos_known = true;
	}
	return err;
}

int dfu_ctx_offset_get(struct dfu_ctx *ctx, size_t *offset)
{
	uint8_t st;

	if (ctx == NULL || ctx->cur == NULL) {
		return ctx == NULL ? -EINVAL : fail(ctx, -EACCES);
	}
	if (offset == NULL) {
		return fail(ctx, -EINVAL);
	}
	int err = enter(ctx, &st);

	if (err) {
		return err;
	}
	if (st == DFU_STATE_WRITING) {
		*offset = next_byte(ctx); /* bytes accepted: the next one expected */
		return leave(ctx, st, 0);
	}
	err = locate(ctx);
	if (err == 0) {
		*offset = next_byte(ctx);
	}
	if (st != DFU_STATE_READY) {
		ctx->pos_known = false;
	}
	return leave(ctx, st, err);
}

/* Everything but the hot path of dfu_ctx_write(). */
static DFU_NOINLINE int write_slow(struct dfu_ctx *ctx, const void *buf, size_t len)
{
	if (ctx == NULL) {
		return -EINVAL;
	}
	uint8_t st = ctx->state;

	if (st == DFU_STATE_BUSY) {
		return fail(ctx, -EDEADLK);
	}
	if (st != DFU_STATE_READY && st != DFU_STATE_WRITING) {
		if (ctx->cur == NULL) {
			return fail(ctx, -EACCES);
		}
		return fail(ctx, st == DFU_STATE_FAILED ? -EPIPE : -EPERM);
	}
	if (buf == NULL) {
		return fail(ctx, -EINVAL);
	}
	if (!ctx->pos_known) {
		ctx->state = DFU_STATE_BUSY;
		int err = locate(ctx);

		ctx->state = st;
		if (err) {
			return fail(ctx, err);
		}
	}
	if (len > ctx->room) {
		return fail(ctx, -EFBIG); /* nothing taken, state unchanged */
	}
	ctx->state = DFU_STATE_WRITING;
	return dfu_ctx_write(ctx, buf, len);
}

int dfu_ctx_write(struct dfu_ctx *ctx, const void *buf, size_t len)
{
	/* Hot path: every chunk of a download lands here. BUSY while the
	 * target runs (its progress callback may call back in). */
	if (ctx != NULL && ctx->state == DFU_STATE_WRITING && buf != NULL && len <= ctx->room) {
		ctx->room -= (uint32_t)len; /* the next byte is end - room */
		ctx->state = DFU_STATE_BUSY;
		int err = ctx->write(ctx->wstate, buf, len);

		if (err == 0) {
			ctx->state = DFU_STATE_WRITING;
			return 0;
		}
		ctx->state = DFU_STATE_FAILED; /* the target may have taken a part */
		return fail(ctx, err);
	}
	return write_slow(ctx, buf, len);
}

static int done_locked(struct dfu_ctx *ctx, bool successful, uint8_t *st)
{
	int err;

	if (*st == DFU_STATE_DONE || *st == DFU_STATE_SCHEDULED) {
		return successful ? 0 : -EALREADY;
	}
	if (!successful) {
		err = ctx->cur->ops->done(ctx, false);
		*st = DFU_STATE_ABORTED;
		return err;
	}
	if (*st == DFU_STATE_FAILED || *st == DFU_STATE_ABORTED) {
		return *st == DFU_STATE_FAILED ? -EPIPE : -EPERM;
	}
	err = ctx->cur->ops->done(ctx, true);
	if (err == 0) {
		*st = DFU_STATE_DONE;
	} else if (err != -ENODATA) {
		*st = DFU_STATE_FAILED;
	}
	return err;
}

int dfu_ctx_done(struct dfu_ctx *ctx, bool successful)
{
	uint8_t st;

	if (ctx == NULL || ctx->cur == NULL) {
		return ctx == NULL ? -EINVAL : fail(ctx, -EACCES);
	}
	int err = enter(ctx, &st);

	if (err) {
		return err;
	}
	err = done_locked(ctx, successful, &st);
	ctx->pos_known = ctx->pos_known && st == DFU_STATE_WRITING;
	return leave(ctx, st, err);
}

int dfu_ctx_schedule_update(struct dfu_ctx *ctx, int img_num)
{
	uint8_t st;

	if (ctx == NULL || ctx->cur == NULL) {
		return ctx == NULL ? -EINVAL : fail(ctx, -EACCES);
	}
	int err = enter(ctx, &st);

	if (err) {
		return err;
	}
	if (st != DFU_STATE_DONE && st != DFU_STATE_SCHEDULED) {
		/* READY: init found no verified image (e.g. init(type, img, 0)
		 * after a reboot when none was completed); else a download is
		 * open or failed. */
		return leave(ctx, st, st == DFU_STATE_READY ? -ENOENT : -EPERM);
	}
	err = ctx->cur->ops->schedule_update(ctx, img_num);
	if (err == 0) {
		st = DFU_STATE_SCHEDULED;
	}
	return leave(ctx, st, err);
}

int dfu_ctx_reset(struct dfu_ctx *ctx)
{
	uint8_t st;

	if (ctx == NULL || ctx->cur == NULL) {
		return ctx == NULL ? -EINVAL : fail(ctx, -EACCES);
	}
	int err = enter(ctx, &st);

	if (err) {
		return err;
	}
	err = ctx->cur->ops->reset(ctx);
	if (err != 0) {
		return leave(ctx, DFU_STATE_FAILED, err);
	}
	ctx->cur = NULL;
	ctx->img_num = -1;
	ctx->pos_known = false;
	return leave(ctx, DFU_STATE_IDLE, 0);
}

bool dfu_error_discards(int err)
{
	switch (err) {
	case -EBADMSG:
	case -EFBIG:
	case -EILSEQ:
	case -EACCES:
	case -ESTALE:
	case -ENOTSUP:
		return true;
	default:
		return false;
	}
}

int dfu_ctx_state(const struct dfu_ctx *ctx)
{
	return ctx != NULL ? ctx->state : DFU_STATE_IDLE;
}

int dfu_ctx_last_result(const struct dfu_ctx *ctx)
{
	return ctx != NULL ? ctx->last_err : -EINVAL;
}

/* ==== Seed API over the default context ================================= */

static struct dfu_ctx default_ctx;

int dfu_target_setup(const struct dfu_config *cfg)
{
	return dfu_ctx_setup(&default_ctx, cfg);
}

struct dfu_ctx *dfu_target_default_ctx(void)
{
	return &default_ctx;
}

int dfu_target_default_ready(void)
{
	if (default_ctx.cfg != NULL) {
		return 0;
	}
	if (default_ctx.state == DFU_STATE_BUSY) {
		return -EDEADLK;
	}
	const struct dfu_config *cfg = dfu_target_platform_config();

	if (cfg == NULL) {
		return -ENODEV;
	}
	return dfu_ctx_setup(&default_ctx, cfg);
}

enum dfu_target_image_type dfu_target_img_type(const void *buf, size_t len)
{
	static const uint8_t order[] = {DFU_TARGET_IMAGE_TYPE_MCUBOOT,
					DFU_TARGET_IMAGE_TYPE_MODEM_DELTA,
					DFU_TARGET_IMAGE_TYPE_FULL_MODEM};

	if (buf == NULL || len < DFU_TARGET_MIN_SIZE_IDENTIFY_BUF) {
		return DFU_TARGET_IMAGE_TYPE_NONE;
	}
	if (dfu_target_default_ready() == 0) {
		/* remembers the identity prefix; NONE unless registered */
		enum dfu_target_image_type t = dfu_ctx_img_type(&default_ctx, buf, len);

		if (t != DFU_TARGET_IMAGE_TYPE_NONE) {
			return t;
		}
	}
	/* As NCS: what is compiled in, registered or not. */
	for (size_t i = 0; i < sizeof(order); i++) {
		if (dfu_identify_builtin(order[i], buf, len)) {
			return (enum dfu_target_image_type)order[i];
		}
	}
	return DFU_TARGET_IMAGE_TYPE_NONE;
}

enum dfu_target_image_type dfu_target_smp_img_type_check(const void *buf, size_t len)
{
#if DFU_CONFIG_TARGET_SMP
	if (dfu_identify_mcuboot(buf, len)) {
		return DFU_TARGET_IMAGE_TYPE_SMP;
	}
#else
	(void)buf;
	(void)len;
#endif
	return DFU_TARGET_IMAGE_TYPE_NONE;
}

int dfu_target_init(int img_type, int img_num, size_t file_size, dfu_target_callback_t cb)
{
	int err = dfu_target_default_ready();

	if (err) {
		return err;
	}
	return dfu_ctx_init(&default_ctx, img_type, img_num, file_size, cb);
}

int dfu_target_offset_get(size_t *offset)
{
	return dfu_ctx_offset_get(&default_ctx, offset);
}

int dfu_target_write(const void *buf, size_t len)
{
	int err = dfu_ctx_write(&default_ctx, buf, len);

	/* NCS consumers report -EINVAL from write as an invalid update: a
	 * target's verdict on the image (the write failed: FAILED) maps to it;
	 * the dispatcher's own errors (-EACCES: no target, ...) do not. */
	if (err != 0 && err != -EFBIG && dfu_error_discards(err) &&
	    default_ctx.state == DFU_STATE_FAILED) {
		return -EINVAL;
	}
	return err;
}

int dfu_target_done(bool successful)
{
	return dfu_ctx_done(&default_ctx, successful);
}

int dfu_target_reset(void)
{
	return dfu_ctx_reset(&default_ctx);
}

int dfu_target_schedule_update(int img_num)
{
	return dfu_ctx_schedule_update(&default_ctx, img_num);
}
