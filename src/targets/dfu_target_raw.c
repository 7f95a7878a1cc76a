/*
 * Raw area target (see include/dfu/dfu_target_raw.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>

#include "dfu/dfu_target_raw.h"

static struct dfu_raw *raw_of(struct dfu_ctx *ctx)
{
	return dfu_ctx_target_state(ctx);
}

static int raw_init(struct dfu_ctx *ctx, const struct dfu_init_params *p)
{
	struct dfu_raw *r = raw_of(ctx);
	int err;

	if (r == NULL) {
		return -EINVAL;
	}
	if (p->reopen && r->stream.status != DFU_STREAM_CLOSED &&
	    r->stream.status != DFU_STREAM_COMPLETE) {
		return dfu_stream_reopen(&r->stream);
	}
	if (r->cfg.kv == NULL) {
		r->cfg.kv = ctx->cfg->port->kv;
	}
	err = dfu_stream_open(&r->stream, &r->cfg, dfu_ctx_image_id(ctx));
	if (err == 0 && r->stream.status == DFU_STREAM_COMPLETE) {
		/* Completed earlier: nothing proves it is the same build (the
		 * raw target keeps no digest), so it is downloaded again. */
		err = dfu_stream_reset(&r->stream);
		if (err == 0) {
			err = dfu_stream_open(&r->stream, &r->cfg, dfu_ctx_image_id(ctx));
		}
	}
	if (err) {
		return err;
	}
	r->stream.progress = ctx->cfg->progress;
	r->stream.progress_user = ctx->cfg->user;
	return r->stream.status == DFU_STREAM_COMPLETE ? DFU_TARGET_INIT_COMPLETE : 0;
}

static int raw_offset_get(struct dfu_ctx *ctx, size_t *offset)
{
	*offset = dfu_stream_offset(&raw_of(ctx)->stream);
	return 0;
}

static int raw_write(void *state, const uint8_t *buf, size_t len)
{
	return dfu_stream_write(&((struct dfu_raw *)state)->stream, buf, len);
}

static int raw_done(struct dfu_ctx *ctx, bool successful)
{
	struct dfu_raw *r = raw_of(ctx);

	return successful ? dfu_stream_finish(&r->stream) : dfu_stream_abort(&r->stream);
}

static int raw_schedule(struct dfu_ctx *ctx, int img_num)
{
	struct dfu_raw *r = raw_of(ctx);

	return r->schedule != NULL ? r->schedule(r->user, img_num) : 0;
}

static int raw_reset(struct dfu_ctx *ctx)
{
	return dfu_stream_reset(&raw_of(ctx)->stream);
}

const struct dfu_target_ops dfu_target_raw_ops = {
	.type = DFU_TARGET_IMAGE_TYPE_CUSTOM,
	.name = "raw",
	.identify = NULL,
	.init = raw_init,
	.offset_get = raw_offset_get,
	.write = raw_write,
	.done = raw_done,
	.schedule_update = raw_schedule,
	.reset = raw_reset,
};
