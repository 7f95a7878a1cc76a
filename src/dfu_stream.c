/*
 * Stream writer. See include/dfu/dfu_stream.h for the contract and
 * docs/records.md for the checkpoint record.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "dfu/dfu_config.h"
#include "dfu/dfu_stream.h"
#include "dfu_util.h"

#define REC_VERSION 1u
#define REC_PROGRESS 1u
#define REC_COMPLETE 2u

/* ---- checkpoint record ------------------------------------------------ */

static void rec_encode(const struct dfu_stream *s, uint8_t kind, uint32_t off,
		       uint8_t out[DFU_STREAM_RECORD_SIZE])
{
	out[0] = REC_VERSION;
	out[1] = kind;
	out[2] = s->id.target;
	out[3] = s->id.img_num;
	dfu_put_le32(&out[4], s->id.file_size);
	dfu_put_le32(&out[8], s->id.prefix_crc);
	out[12] = s->id.prefix_len;
	out[13] = 0;
	out[14] = 0;
	out[15] = 0;
	dfu_put_le32(&out[16], s->cfg->offset);
	dfu_put_le32(&out[20], off);
	dfu_put_le32(&out[24], dfu_crc32(0, out, 24));
}

/*
 * Decode a stored record. Returns REC_PROGRESS/REC_COMPLETE with *off set
 * when the record is intact and belongs to this stream's image and area,
 * else 0.
 */
static uint8_t rec_match(const struct dfu_stream *s, const uint8_t *r, int len, uint32_t *off)
{
	if (len != (int)DFU_STREAM_RECORD_SIZE || r[0] != REC_VERSION) {
		return 0;
	}
	if (dfu_get_le32(&r[24]) != dfu_crc32(0, r, 24)) {
		return 0;
	}
	if (s->id.file_size == 0 || r[2] != s->id.target || r[3] != s->id.img_num ||
	    dfu_get_le32(&r[4]) != s->id.file_size || dfu_get_le32(&r[8]) != s->id.prefix_crc ||
	    r[12] != s->id.prefix_len || dfu_get_le32(&r[16]) != s->cfg->offset) {
		return 0;
	}
	uint32_t d = dfu_get_le32(&r[20]);
	uint32_t eb = s->cfg->flash->erase_block;

	if (r[1] == REC_PROGRESS && d <= s->limit && d % eb == 0) {
		*off = d;
		return REC_PROGRESS;
	}
	if (r[1] == REC_COMPLETE && (s->length ? d == s->length : d <= s->limit)) {
		*off = d;
		return REC_COMPLETE;
	}
	return 0;
}

static int rec_store(struct dfu_stream *s, uint8_t kind, uint32_t off)
{
	uint8_t rec[DFU_STREAM_RECORD_SIZE];

	rec_encode(s, kind, off, rec);
	int err = s->cfg->kv->write(s->cfg->kv->ctx, s->cfg->key, rec, sizeof(rec));
	DFU_ASSERT(err <= 0);
	if (err == 0) {
		s->ckpt = off;
		s->record_ours = 1;
	}
	return err;
}

/* Delete a record that is not ours before the first flash change. */
static int rec_claim(struct dfu_stream *s)
{
	if (s->record_ours) {
		return 0;
	}
	int err = s->cfg->kv->remove(s->cfg->kv->ctx, s->cfg->key);
	DFU_ASSERT(err <= 0);
	if (err == 0) {
		s->record_ours = 1;
		s->ckpt = 0;
	}
	return err;
}

/*
 * Bytes the write fast path may take: strictly less than what fills the
 * buffer, and no more than the declared size allows; 0 unless OPEN. Every
 * function that changes status, fill, programmed or limit ends with this.
 */
static void set_room(struct dfu_stream *s)
{
	uint32_t room = 0;

	if (s->status == DFU_STREAM_OPEN) {
		uint32_t to_buf = s->cfg->buf_len - s->fill - 1u;
		uint32_t to_end = s->limit - s->programmed - s->fill;

		room = to_buf < to_end ? to_buf : to_end;
	}
	s->room = room;
}

/* ---- open ------------------------------------------------------------- */

static int cfg_check(const struct dfu_stream_cfg *cfg, uint32_t *size)
{
	if (cfg == NULL || dfu_flash_validate(cfg->flash) != 0 || cfg->buf == NULL ||
	    cfg->buf_len == 0) {
		return -EINVAL;
	}
	const struct dfu_flash *f = cfg->flash;

	if (cfg->buf_len % f->write_block != 0 || cfg->offset % f->erase_block != 0 ||
	    cfg->offset >= f->size) {
		return -EINVAL;
	}
	uint32_t avail = f->size - cfg->offset;
	uint32_t sz = cfg->size ? cfg->size : avail;

	if (sz > avail || sz % f->erase_block != 0) {
		return -EINVAL;
	}
	if (cfg->kv != NULL && (dfu_kv_validate(cfg->kv) != 0 || cfg->key == NULL)) {
		return -EINVAL;
	}
	*size = sz;
	return 0;
}

static int open_(struct dfu_stream *s, const struct dfu_stream_cfg *cfg,
		 const struct dfu_image_id *id)
{
	uint32_t size;

	s->status = DFU_STREAM_CLOSED;
	int err = cfg_check(cfg, &size);
	if (err) {
		return err;
	}
	bool later = (cfg->flags & DFU_STREAM_LENGTH_LATER) != 0;

	if (id->file_size > size && !later) {
		return -EFBIG;
	}
	s->cfg = cfg;
	s->buf = cfg->buf;
	s->progress = NULL;
	s->progress_user = NULL;
	s->id = *id;
	s->size = size;
	s->limit = id->file_size && id->file_size < size ? id->file_size : size;
	s->length = later ? 0 : id->file_size;
	s->programmed = 0;
	s->erased = 0;
	s->ckpt = 0;
	s->fill = 0;
	s->record_ours = 1;

	if (cfg->kv != NULL) {
		uint8_t rec[DFU_STREAM_RECORD_SIZE];
		uint32_t off = 0;
		int n = cfg->kv->read(cfg->kv->ctx, cfg->key, rec, sizeof(rec));

		if (n == -ENOENT) {
			n = 0; /* nothing stored: nothing to invalidate */
		} else if (n < 0) {
			return n;
		} else {
			/* Whatever is stored is ours only if it matches. */
			s->record_ours = 0;
			uint8_t kind = rec_match(s, rec, n, &off);

			if (kind != 0) {
				s->record_ours = 1;
				s->programmed = off;
				s->erased = off;
				s->ckpt = off;
				if (kind == REC_COMPLETE) {
					s->length = off;
					s->status = DFU_STREAM_COMPLETE;
					return 0;
				}
			}
		}
	}
	s->status = DFU_STREAM_OPEN;
	return 0;
}

int dfu_stream_open(struct dfu_stream *s, const struct dfu_stream_cfg *cfg,
		    const struct dfu_image_id *id)
{
	if (s == NULL || id == NULL) {
		return -EINVAL;
	}
	int err = open_(s, cfg, id);

	set_room(s);
	return err;
}

int dfu_stream_reopen(struct dfu_stream *s)
{
	if (s == NULL || s->status == DFU_STREAM_CLOSED || s->status == DFU_STREAM_COMPLETE) {
		return -EPERM;
	}
	s->fill = 0;
	s->status = DFU_STREAM_OPEN;
	set_room(s);
	return 0;
}

int dfu_stream_set_length(struct dfu_stream *s, uint32_t len)
{
	if (s == NULL) {
		return -EINVAL;
	}
	if (s->status == DFU_STREAM_COMPLETE) {
		return len == s->length ? 0 : -EINVAL;
	}
	if (s->status == DFU_STREAM_CLOSED) {
		return -EPERM;
	}
	if (len == 0 || len < s->programmed + s->fill || len > s->limit) {
		return -EINVAL;
	}
	s->limit = len;
	s->length = len;
	set_room(s);
	return 0;
}

/* ---- programming ------------------------------------------------------ */

static int readback(const struct dfu_flash *f, uint32_t addr, const uint8_t *src, uint32_t n)
{
	uint8_t tmp[32];

	while (n > 0) {
		uint32_t k = n < sizeof(tmp) ? n : (uint32_t)sizeof(tmp);

		/* Invert first so that a read that silently does nothing fails. */
		for (uint32_t i = 0; i < k; i++) {
			tmp[i] = (uint8_t)~src[i];
		}
		int err = f->read(f->ctx, addr, tmp, k);
		DFU_ASSERT(err <= 0);
		if (err) {
			return err;
		}
		if (memcmp(tmp, src, k) != 0) {
			DFU_LOG_ERR("read-back mismatch at 0x%08x", (unsigned)addr);
			return -EIO;
		}
		addr += k;
		src += k;
		n -= k;
	}
	return 0;
}

static int program_skip_erased(const struct dfu_flash *f, uint32_t addr, const uint8_t *src,
			       uint32_t n)
{
	uint32_t wb = f->write_block;
	uint32_t run = 0; /* start of the pending run of non-blank blocks */
	uint32_t i;

	for (i = 0; i < n; i += wb) {
		bool blank = true;

		for (uint32_t j = 0; j < wb; j++) {
			if (src[i + j] != f->erase_value) {
				blank = false;
				break;
			}
		}
		if (blank) {
			if (i > run) {
				int err = f->program(f->ctx, addr + run, src + run, i - run);
				if (err) {
					return err;
				}
			}
			run = i + wb;
		}
	}
	if (n > run) {
		return f->program(f->ctx, addr + run, src + run, n - run);
	}
	return 0;
}

/*
 * Program n bytes (a multiple of the write block) at D, erasing each erase
 * block just before its first use. On error: FAILED, D rolled back to the
 * start of its erase block, which will be erased again.
 */
static int program_at_d(struct dfu_stream *s, const uint8_t *src, uint32_t n)
{
	const struct dfu_stream_cfg *cfg = s->cfg;
	const struct dfu_flash *f = cfg->flash;
	uint32_t eb = f->erase_block;
	uint32_t end = s->programmed + n;
	int err = 0;

	while (s->programmed < end) {
		uint32_t off = s->programmed;

		if (off == s->erased) {
			if (cfg->kv != NULL) {
				err = rec_claim(s);
				if (err) {
					break;
				}
			}
			err = f->erase(f->ctx, cfg->offset + off, eb);
			DFU_ASSERT(err <= 0);
			if (err) {
				break;
			}
			s->erased = off + eb;
		}
		uint32_t k = (end < s->erased ? end : s->erased) - off;

		if (cfg->flags & DFU_STREAM_SKIP_ERASED) {
			err = program_skip_erased(f, cfg->offset + off, src, k);
		} else {
			err = f->program(f->ctx, cfg->offset + off, src, k);
		}
		DFU_ASSERT(err <= 0);
		if (err == 0 && (cfg->flags & DFU_STREAM_VERIFY_READBACK)) {
			err = readback(f, cfg->offset + off, src, k);
		}
		if (err) {
			break;
		}
		s->programmed = off + k;
		src += k;
	}
	if (err) {
		s->programmed -= s->programmed % eb;
		s->erased = s->programmed;
		s->fill = 0;
		s->status = DFU_STREAM_FAILED;
		return err;
	}
	if (cfg->kv != NULL) {
		uint32_t every = (cfg->checkpoint_blocks ? cfg->checkpoint_blocks : 1u) * eb;
		uint32_t b = s->programmed - s->programmed % eb;

		if (b >= s->ckpt + every) {
			err = rec_store(s, REC_PROGRESS, b);
			if (err) {
				s->fill = 0;
				s->status = DFU_STREAM_FAILED;
				return err;
			}
		}
	}
	if (s->progress != NULL) {
		s->progress(s->progress_user, s->programmed, s->id.file_size);
	}
	return 0;
}

/* Slow path: the chunk fills the buffer (or more). Kept out of line so the
 * fast path needs no register spills. */
__attribute__((noinline)) static int write_fill(struct dfu_stream *s, const uint8_t *p, size_t len)
{
	uint32_t fill = s->fill;
	uint32_t blen = s->cfg->buf_len;
	int err;

	if (fill > 0) {
		uint32_t k = blen - fill;

		memcpy(s->cfg->buf + fill, p, k);
		p += k;
		len -= k;
		s->fill = 0;
		err = program_at_d(s, s->cfg->buf, blen);
		if (err) {
			return err;
		}
	}
	if (len >= blen) {
		/* Zero copy: program whole buffers straight from the chunk. */
		uint32_t k = (uint32_t)(len - len % blen);

		err = program_at_d(s, p, k);
		if (err) {
			return err;
		}
		p += k;
		len -= k;
	}
	memcpy(s->cfg->buf, p, len);
	s->fill = (uint32_t)len;
	return 0;
}

__attribute__((noinline)) static int write_slow(struct dfu_stream *s, const uint8_t *p, size_t len)
{
	if (s->status != DFU_STREAM_OPEN) {
		return -EPERM;
	}
	if (p == NULL && len > 0) {
		return -EINVAL;
	}
	if (len > (size_t)(s->limit - s->programmed - s->fill)) {
		return -EFBIG;
	}
	if (len == 0) {
		return 0;
	}
	int err = write_fill(s, p, len);

	set_room(s);
	return err;
}

int dfu_stream_write(struct dfu_stream *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	/* Fast path: the chunk fits in the buffer (room is 0 unless OPEN).
	 * Small chunks are copied inline: a libc call costs more. */
	if (p != NULL && len <= s->room) {
		uint8_t *dst = s->buf + s->fill;

		s->fill += (uint32_t)len;
		s->room -= (uint32_t)len;
		if (len > 8) {
			memcpy(dst, p, len);
		} else if (len >= 4) {
			memcpy(dst, p, 4); /* two overlapping 4-byte moves */
			memcpy(dst + len - 4, p + len - 4, 4);
		} else if (len > 0) {
			/* 1..3 bytes: first, middle, last (may overlap) */
			dst[0] = p[0];
			dst[len >> 1] = p[len >> 1];
			dst[len - 1] = p[len - 1];
		}
		return 0;
	}
	return write_slow(s, p, len);
}

/* ---- finish / abort / reset -------------------------------------------- */

static int finish_(struct dfu_stream *s)
{
	if (s->status == DFU_STREAM_COMPLETE) {
		return 0;
	}
	if (s->status != DFU_STREAM_OPEN) {
		return -EPERM;
	}
	uint32_t total = s->programmed + s->fill;

	if ((s->cfg->flags & DFU_STREAM_LENGTH_LATER) ? total != s->length || total == 0
						      : s->length != 0 && total != s->length) {
		return -ENODATA;
	}
	if (s->fill > 0) {
		uint32_t wb = s->cfg->flash->write_block;
		uint32_t padded = s->fill + (wb - s->fill % wb) % wb;

		dfu_progress_cb_t cb = s->progress;

		memset(s->cfg->buf + s->fill, s->cfg->flash->erase_value, padded - s->fill);
		s->fill = 0;
		s->progress = NULL; /* report the real length, not the padded one */
		int err = program_at_d(s, s->cfg->buf, padded);
		s->progress = cb;
		if (err) {
			return err;
		}
		s->programmed = total;
		if (cb != NULL) {
			cb(s->progress_user, total, s->id.file_size);
		}
	}
	if (s->cfg->kv != NULL) {
		int err = rec_claim(s);
		if (err == 0) {
			err = rec_store(s, REC_COMPLETE, total);
		}
		if (err) {
			s->status = DFU_STREAM_FAILED;
			return err;
		}
	}
	s->status = DFU_STREAM_COMPLETE;
	return 0;
}

static int abort_(struct dfu_stream *s)
{
	if (s->status == DFU_STREAM_CLOSED || s->status == DFU_STREAM_COMPLETE) {
		return -EPERM;
	}
	s->fill = 0;
	s->status = DFU_STREAM_ABORTED;
	if (s->cfg->kv != NULL && s->record_ours) {
		uint32_t eb = s->cfg->flash->erase_block;
		uint32_t b = s->programmed - s->programmed % eb;

		if (b > s->ckpt) {
			return rec_store(s, REC_PROGRESS, b);
		}
	}
	return 0;
}

static int reset_(struct dfu_stream *s)
{
	const struct dfu_stream_cfg *cfg = s->cfg;
	int err = 0;

	s->status = DFU_STREAM_CLOSED;
	s->fill = 0;
	if (cfg->kv != NULL) {
		err = cfg->kv->remove(cfg->kv->ctx, cfg->key);
		DFU_ASSERT(err <= 0);
		if (err) {
			return err;
		}
	}
	err = cfg->flash->erase(cfg->flash->ctx, cfg->offset, cfg->flash->erase_block);
	DFU_ASSERT(err <= 0);
	s->programmed = 0;
	s->erased = 0;
	s->ckpt = 0;
	return err;
}

int dfu_stream_finish(struct dfu_stream *s)
{
	if (s == NULL) {
		return -EINVAL;
	}
	int err = finish_(s);

	set_room(s);
	return err;
}

int dfu_stream_abort(struct dfu_stream *s)
{
	if (s == NULL) {
		return -EINVAL;
	}
	int err = abort_(s);

	set_room(s);
	return err;
}

int dfu_stream_reset(struct dfu_stream *s)
{
	if (s == NULL || s->cfg == NULL) {
		return -EINVAL;
	}
	int err = reset_(s);

	set_room(s);
	return err;
}

void dfu_image_id_set_prefix(struct dfu_image_id *id, const void *buf, size_t len)
{
	if (buf == NULL) {
		len = 0;
	}
	if (len > DFU_CONFIG_ID_PREFIX_MAX) {
		len = DFU_CONFIG_ID_PREFIX_MAX;
	}
	id->prefix_len = (uint8_t)len;
	id->prefix_crc = len ? dfu_crc32(0, buf, len) : 0;
}
