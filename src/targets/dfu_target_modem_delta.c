/*
 * Modem delta target (see include/dfu/dfu_target_modem_delta.h). The
 * identity record "modem/d" is described in docs/records.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "dfu/dfu_config.h"
#include "dfu/dfu_target_modem_delta.h"
#include "dfu_util.h"

#define REC_KEY "modem/d"
#define REC_VERSION 1u
#define REC_SIZE 20u
#define REC_NEEDS_ERASE 0x01u

int dfu_modem_errno(int r)
{
	static const short map[] = {
		[DFU_MODEM_RECEIVER_OUT_OF_MEMORY] = -ENOMEM,
		[DFU_MODEM_RECEIVER_BLOCK_TOO_LARGE] = -E2BIG,
		[DFU_MODEM_INVALID_HEADER_DATA] = -EBADMSG,
		[DFU_MODEM_ERROR_INTERNAL_00] = -EIO,
		[DFU_MODEM_INVALID_DATA] = -EBADMSG,
		[DFU_MODEM_ERROR_INTERNAL_01] = -EIO,
		[DFU_MODEM_ERROR_INTERNAL_02] = -EIO,
		[DFU_MODEM_ERROR_INTERNAL_03] = -EIO,
		[DFU_MODEM_INVALID_UUID] = -EXDEV,
		[DFU_MODEM_INVALID_ADDRESS] = -EFAULT,
		[DFU_MODEM_AREA_NOT_BLANK] = -ENOTEMPTY,
		[DFU_MODEM_WRITE_ERROR] = -EIO,
		[DFU_MODEM_ERASE_ERROR] = -EIO,
		[DFU_MODEM_INVALID_FILE_OFFSET] = -ESPIPE,
		[DFU_MODEM_PROGRESS_LOG_INVALID] = -EILSEQ,
		[DFU_MODEM_INVALID_RESUME_ATTEMPT] = -ESPIPE,
		[DFU_MODEM_ERASE_PENDING] = -EBUSY,
		[DFU_MODEM_OPERATION_NOT_ALLOWED] = -EACCES,
		[DFU_MODEM_INCOMPLETE_DATA] = -ENODATA,
		[DFU_MODEM_INTERRUPTED_WRITE] = -EINTR,
		[DFU_MODEM_INVALID_OPERATION] = -EACCES,
		[DFU_MODEM_ERROR_INTERNAL_04] = -EIO,
		[DFU_MODEM_NOT_ALLOWED_POFWARN_ON] = -EAGAIN,
	};

	if (r <= 0) {
		return r;
	}
	return r < (int)(sizeof(map) / sizeof(map[0])) && map[r] != 0 ? map[r] : -EIO;
}

/*
 * Write failures that discard the partial patch (the next init erases):
 * format and identity errors (the patch is malformed, for another modem
 * firmware, or does not fit) and the modem saying its area must be erased.
 * Everything else (library errors such as -EIO, internal, write and erase
 * errors, refusals such as out of memory, block too large, erase pending,
 * power-fail warning, an interrupted write) keeps the download resumable.
 */
static bool needs_erase(int r)
{
	switch (r) {
	case DFU_MODEM_INVALID_HEADER_DATA:
	case DFU_MODEM_INVALID_DATA:
	case DFU_MODEM_INVALID_UUID:
	case DFU_MODEM_INVALID_ADDRESS:
	case DFU_MODEM_AREA_NOT_BLANK:
	case DFU_MODEM_INVALID_FILE_OFFSET:
	case DFU_MODEM_PROGRESS_LOG_INVALID:
	case DFU_MODEM_INVALID_RESUME_ATTEMPT:
		return true;
	default:
		return false;
	}
}

static struct dfu_modem_delta_target *md_of(struct dfu_ctx *ctx)
{
	return dfu_ctx_target_state(ctx);
}

static void emit(const struct dfu_modem_delta_target *t, enum dfu_target_evt_id evt)
{
	if (t->cb != NULL) {
		t->cb(evt);
	}
}

/* ---- identity record -------------------------------------------------- */

static int rec_store(struct dfu_modem_delta_target *t, uint8_t flags)
{
	uint8_t r[REC_SIZE] = {REC_VERSION, flags};

	if (t->kv == NULL) {
		return 0;
	}
	dfu_put_le32(&r[4], t->id.file_size);
	dfu_put_le32(&r[8], t->id.prefix_crc);
	r[12] = t->id.prefix_len;
	dfu_put_le32(&r[16], dfu_crc32(0, r, 16));
	return t->kv->write(t->kv->ctx, REC_KEY, r, sizeof(r));
}

/* 1: a record for this patch, 0: none or another, <0: store error.
 * *flags gets the stored flags of any intact record. */
static int rec_match(const struct dfu_modem_delta_target *t, uint8_t *flags)
{
	uint8_t r[REC_SIZE];

	*flags = 0;
	if (t->kv == NULL) {
		return 0;
	}
	int n = t->kv->read(t->kv->ctx, REC_KEY, r, sizeof(r));

	if (n == -ENOENT) {
		return 0;
	}
	if (n < 0) {
		return n;
	}
	if (n != (int)REC_SIZE || r[0] != REC_VERSION ||
	    dfu_get_le32(&r[16]) != dfu_crc32(0, r, 16)) {
		return 0;
	}
	*flags = r[1];
	return t->id.file_size != 0 && dfu_get_le32(&r[4]) == t->id.file_size &&
	       dfu_get_le32(&r[8]) == t->id.prefix_crc && r[12] == t->id.prefix_len;
}

/* The area holds no usable part of this patch: the next init erases it
 * (remembered in RAM for this boot and, if the store works, in the record;
 * a store error is not reported: the caller gets the reason). */
static void discard(struct dfu_modem_delta_target *t)
{
	t->discard = 1;
	(void)rec_store(t, REC_NEEDS_ERASE);
}

/* ---- erase ------------------------------------------------------------ */

/* An event from the erase wait. The callback may call into this target
 * (t->waiting is set then): reset() and done(false) ask the wait to stop
 * (t->cancel), every other op is refused with -EBUSY and changes nothing. */
static int wait_emit(const struct dfu_modem_delta_target *t, enum dfu_target_evt_id evt)
{
	emit(t, evt);
	return t->cancel ? -ECANCELED : 0;
}

static int poll_erase(struct dfu_modem_delta_target *t)
{
	const struct dfu_clock *c = t->clock;
	uint32_t poll = t->cfg.poll_ms ? t->cfg.poll_ms : 1000u;
	uint32_t period = t->cfg.timeout_ms ? t->cfg.timeout_ms : 60000u;
	uint32_t deadline = t->cfg.deadline_ms ? t->cfg.deadline_ms : 600000u;
	int err = wait_emit(t, DFU_TARGET_EVT_ERASE_PENDING);
	uint32_t t0 = c->now_ms(c->ctx);
	uint32_t last = t0;

	while (err == 0) {
		size_t off = 0;
		int r = t->m->offset(t->m->ctx, &off);

		if (r == 0 && off == 0) {
			return wait_emit(t, DFU_TARGET_EVT_ERASE_DONE);
		}
		if (r == 0) {
			/* Not pending any more (every delta call answers
			 * ERASE_PENDING while it is), yet not clean: the erase
			 * ended without effect. Waiting longer changes nothing. */
			return -ENOTEMPTY;
		}
		if (r != DFU_MODEM_ERASE_PENDING) {
			return dfu_modem_errno(r);
		}
		uint32_t now = c->now_ms(c->ctx);

		if (now - t0 >= deadline) {
			return -ETIMEDOUT;
		}
		if (now - last >= period) {
			err = wait_emit(t, DFU_TARGET_EVT_TIMEOUT);
			last = now;
		}
		if (err == 0) {
			c->sleep_ms(c->ctx, poll);
		}
	}
	return err;
}

static int erase_wait(struct dfu_modem_delta_target *t, bool start)
{
	if (start) {
		int r = t->m->erase(t->m->ctx);

		if (r != 0 && r != DFU_MODEM_ERASE_PENDING) {
			return dfu_modem_errno(r);
		}
	}
	t->waiting = 1;
	t->cancel = 0;
	int err = poll_erase(t);

	t->waiting = 0;
	t->cancel = 0;
	return err;
}

/* ---- ops ------------------------------------------------------------- */

/* Close the modem's transfer (write_done). It counts as closed only when
 * the modem says so: a failed write_done leaves it open at the modem's own
 * append position, and the next pause tries again. An erase in progress
 * means no transfer is open (erase needs it closed). */
static int pause_transfer(struct dfu_modem_delta_target *t)
{
	if (!t->writing) {
		return 0;
	}
	int r = t->m->write_done(t->m->ctx);

	if (r == 0 || r == DFU_MODEM_ERASE_PENDING) {
		t->writing = 0;
	}
	return dfu_modem_errno(r);
}

static int md_init(struct dfu_ctx *ctx, const struct dfu_init_params *p)
{
	struct dfu_modem_delta_target *t = md_of(ctx);
	const struct dfu_port *port = ctx->cfg->port;

	if (t == NULL) {
		return -EINVAL;
	}
	if (t->waiting) {
		return -EBUSY; /* from the event callback of a running init */
	}
	t->m = t->cfg.modem ? t->cfg.modem : port->modem;
	t->kv = t->cfg.kv ? t->cfg.kv : port->kv;
	t->clock = port->clock;
	t->cb = p->cb;
	t->id = *dfu_ctx_image_id(ctx);
	if (dfu_modem_delta_validate(t->m) != 0 || t->clock == NULL || t->clock->now_ms == NULL ||
	    t->clock->sleep_ms == NULL) {
		return -EINVAL;
	}
	int err = pause_transfer(t); /* a re-init in the same boot */

	if (err == 0) {
		err = dfu_modem_errno(t->m->uuid(t->m->ctx, t->uuid));
	}
	if (err == -EBUSY) {
		err = 0; /* erasing: the UUID is read again next time */
	}
	if (err == 0) {
		err = dfu_modem_errno(t->m->area(t->m->ctx, &t->area));
	}
	bool pending = err == -EBUSY;

	if (pending) {
		err = 0; /* the area is read after the erase */
	}
	if (err) {
		return err;
	}
	if (!pending && p->file_size > t->area) {
		return -EFBIG;
	}
	size_t off = 0;
	uint8_t flags = 0;

	if (!pending) {
		int r = t->m->offset(t->m->ctx, &off);

		pending = r == DFU_MODEM_ERASE_PENDING;
		if (r != 0 && !pending) {
			return dfu_modem_errno(r);
		}
	}
	int match = rec_match(t, &flags);

	if (match < 0) {
		return match;
	}
	bool keep = !pending && off != DFU_MODEM_OFFSET_DIRTY && !(flags & REC_NEEDS_ERASE) &&
		    !t->discard && (off == 0 || (match == 1 && off <= p->file_size));

	if (!keep) {
		/* Forget the old identity first: a power cut during the erase
		 * must not pair it with whatever the area holds next. */
		if (t->kv != NULL) {
			err = t->kv->remove(t->kv->ctx, REC_KEY);
		}
		if (err == 0) {
			err = erase_wait(t, !pending);
		}
		if (err == 0 && pending) {
			err = dfu_modem_errno(t->m->area(t->m->ctx, &t->area));
			if (err == 0 && p->file_size > t->area) {
				err = -EFBIG;
			}
		}
		if (err) {
			return err;
		}
		t->discard = 0;
		off = 0;
	}
	if (off == 0 || match != 1) {
		err = rec_store(t, 0); /* this patch owns the area from now on */
		if (err) {
			return err;
		}
	}
	t->pos = off;
	return p->file_size != 0 && off == p->file_size ? DFU_TARGET_INIT_COMPLETE : 0;
}

/* Pause the transfer (write_done), then read the offset the modem
 * committed, which is then where it appends next; *off may be
 * DFU_MODEM_OFFSET_DIRTY. */
static int committed_offset(struct dfu_modem_delta_target *t, size_t *off)
{
	int err = pause_transfer(t);

	if (err) {
		return err;
	}
	*off = 0;
	int r = t->m->offset(t->m->ctx, off);

	if (r != 0) {
		return dfu_modem_errno(r);
	}
	t->pos = *off;
	return 0;
}

static int md_offset_get(struct dfu_ctx *ctx, size_t *offset)
{
	struct dfu_modem_delta_target *t = md_of(ctx);
	size_t off;

	if (t->waiting) {
		return -EBUSY;
	}
	int err = committed_offset(t, &off);

	if (err == 0 && off == DFU_MODEM_OFFSET_DIRTY) {
		err = -ENOTEMPTY; /* not transient: init erases */
	}
	if (err == 0) {
		*offset = off;
	}
	return err;
}

/* write_init. -EALREADY means a transfer is open that we did not open (or
 * closed as far as we knew: our state was lost, or another user of the
 * modem): the modem would append at its own position, known only once the
 * transfer is closed. So close it and read the offset: the caller's bytes
 * are for t->pos; if the modem is elsewhere they must not be appended
 * (-ESTALE: resume from offset_get). */
static int open_transfer(struct dfu_modem_delta_target *t)
{
	int r = t->m->write_init(t->m->ctx);

	if (r == -EALREADY) {
		size_t want = t->pos;
		size_t off;

		t->writing = 1;
		int err = committed_offset(t, &off);

		if (err) {
			return err;
		}
		if (off != want) {
			return -ESTALE;
		}
		r = t->m->write_init(t->m->ctx);
	}
	if (r != 0) {
		return dfu_modem_errno(r);
	}
	t->writing = 1;
	return 0;
}

static int md_write(void *state, const uint8_t *buf, size_t len)
{
	struct dfu_modem_delta_target *t = state;
	int r;

	if (len == 0) {
		return 0;
	}
	if (t->waiting) {
		return -EBUSY;
	}
	if (!t->writing) {
		int err = open_transfer(t);

		if (err) {
			return err;
		}
	}
	r = t->m->write(t->m->ctx, buf, len);
	if (r == 0) {
		t->pos += len;
		return 0;
	}
	if (r > 0 && needs_erase(r)) {
		discard(t); /* the next init erases */
	}
	return dfu_modem_errno(r);
}

static int md_done(struct dfu_ctx *ctx, bool successful)
{
	struct dfu_modem_delta_target *t = md_of(ctx);

	if (t->waiting) {
		t->cancel |= !successful; /* abort: stop waiting */
		return successful ? -EBUSY : 0;
	}
	if (!successful) {
		return pause_transfer(t);
	}
	size_t off;
	size_t sent = t->pos; /* where the caller's next byte would go */
	int err = committed_offset(t, &off);

	if (err) {
		return err;
	}
	if (off == DFU_MODEM_OFFSET_DIRTY) {
		return -EBADMSG;
	}
	if (t->id.file_size != 0 && off > t->id.file_size) {
		discard(t); /* more than the file: not (only) this patch */
		return -EOVERFLOW;
	}
	if (t->id.file_size != 0 && off < t->id.file_size) {
		/* -ENODATA leaves the session as it is (write the rest); but
		 * when the pause dropped bytes the caller already wrote, its
		 * next byte is no longer where the modem appends: fail the
		 * session (init again, resume from offset_get). */
		return off < sent ? -EAGAIN : -ENODATA;
	}
	return 0;
}

static int md_schedule(struct dfu_ctx *ctx, int img_num)
{
	struct dfu_modem_delta_target *t = md_of(ctx);

	(void)img_num;
	if (t->waiting) {
		return -EBUSY;
	}
	return dfu_modem_errno(t->m->update(t->m->ctx));
}

static int md_reset(struct dfu_ctx *ctx)
{
	struct dfu_modem_delta_target *t = md_of(ctx);

	if (t->waiting) {
		/* From the erase wait's callback: the identity is already
		 * forgotten and the erase runs; just stop waiting. */
		t->cancel = 1;
		return 0;
	}
	int err = pause_transfer(t);

	if (err == -EBUSY) {
		err = 0; /* already erasing: nothing to release */
	}
	if (err == 0 && t->kv != NULL) {
		err = t->kv->remove(t->kv->ctx, REC_KEY);
	}
	if (err == 0) {
		int r = t->m->erase(t->m->ctx);

		err = r == DFU_MODEM_ERASE_PENDING ? 0 : dfu_modem_errno(r);
	}
	return err;
}

const struct dfu_target_ops dfu_target_modem_delta_ops = {
	.type = DFU_TARGET_IMAGE_TYPE_MODEM_DELTA,
	.name = "modem_delta",
	.identify = NULL,
	.init = md_init,
	.offset_get = md_offset_get,
	.write = md_write,
	.done = md_done,
	.schedule_update = md_schedule,
	.reset = md_reset,
};
