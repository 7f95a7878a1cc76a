/*
 * Full modem target (see include/dfu/dfu_target_full_modem.h): ops table,
 * streaming into the partition, hashing, resume, verification.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "full_modem_internal.h"

/* ---- hash: the port's engine or the portable SHA-256 ------------------- */

static bool port_hash(const struct dfu_crypto *c)
{
	return c != NULL && c->sha256_start != NULL && c->sha256_update != NULL &&
	       c->sha256_finish != NULL;
}

static int hash_start(struct dfu_full_modem *m)
{
	if (port_hash(m->crypto)) {
		return m->crypto->sha256_start(m->crypto->ctx);
	}
	dfu_sha256_init(&m->sha);
	return 0;
}

static int hash_update(struct dfu_full_modem *m, const uint8_t *p, size_t n)
{
	if (n == 0) {
		return 0;
	}
	if (port_hash(m->crypto)) {
		return m->crypto->sha256_update(m->crypto->ctx, p, n);
	}
	dfu_sha256_update(&m->sha, p, n);
	return 0;
}

static int hash_finish(struct dfu_full_modem *m, uint8_t out[DFU_SHA256_SIZE])
{
	if (port_hash(m->crypto)) {
		return m->crypto->sha256_finish(m->crypto->ctx, out);
	}
	dfu_sha256_final(&m->sha, out);
	return 0;
}

/* ---- records ------------------------------------------------------------ */

static const struct dfu_kv *kv_of(const struct dfu_full_modem *m)
{
	return m->cfg.kv != NULL ? m->cfg.kv : m->scfg.kv;
}

static int kv_remove(const struct dfu_full_modem *m, const char *key)
{
	const struct dfu_kv *kv = kv_of(m);

	return kv != NULL ? kv->remove(kv->ctx, key) : 0;
}

static int vrec_store(struct dfu_full_modem *m)
{
	const struct dfu_kv *kv = kv_of(m);
	uint8_t r[FM_VREC_SIZE];

	if (kv == NULL) {
		return 0;
	}
	fm_vrec_encode(&m->p.info, m->scfg.offset, r);
	return kv->write(kv->ctx, DFU_FULL_MODEM_VERIFIED_KEY, r, sizeof(r));
}

/* ---- download state ------------------------------------------------------ */

/* First program of a new download: the previous file stops being verified. */
static int claim(struct dfu_full_modem *m)
{
	int err = kv_remove(m, DFU_FULL_MODEM_VERIFIED_KEY);

	if (err == 0) {
		m->fresh = 0;
	}
	return err;
}

/* Format or verification failure: refuse the rest, discard what is in
 * flash (nothing to discard while nothing was programmed). */
static int bad(struct dfu_full_modem *m, int err)
{
	m->p.step = ST_BAD;
	if (!m->fresh) {
		(void)dfu_stream_reset(&m->stream);
	}
	return err;
}

/*
 * Run (a copy of) the parser over n file bytes at b and hash the blob part;
 * with program, hand the bytes to the stream too. The parser is committed
 * only when everything succeeded: a write refused with -EFBIG took nothing.
 * Without program (replay from flash) errors are returned as they are.
 */
static int feed(struct dfu_full_modem *m, const uint8_t *b, size_t n, bool program)
{
	struct dfu_full_modem_parser tmp;
	struct dfu_full_modem_parser *p = &m->p;
	size_t used = 0;
	int err = 0;

	if (p->step != ST_BLOB) {
		tmp = m->p;
		p = &tmp;
		err = fm_parse(p, b, n, m->stream.size, m->file_size, &used);
		if (err) {
			return program ? bad(m, err) : err;
		}
		p->info.wrapper_crc = dfu_crc32(p->info.wrapper_crc, b, used);
		if (p->step == ST_BLOB && m->stream.status == DFU_STREAM_OPEN) {
			/* the stream then refuses bytes past the file and
			 * records its real length when complete */
			err = dfu_stream_set_length(&m->stream, p->total);
		}
	}
	if (err == 0 && p->step == ST_BLOB && n - used > p->total - p->pos) {
		return program ? -EFBIG : -EBADMSG; /* past the end of the file */
	}
	if (program && m->fresh && dfu_stream_buffered(&m->stream) + n >= m->cfg.buf_len) {
		err = claim(m); /* this write will program */
	}
	if (err == 0 && program) {
		err = dfu_stream_write(&m->stream, b, n);
	}
	if (err == 0) {
		err = hash_update(m, b + used, n - used);
	}
	if (err == 0) {
		p->pos += (uint32_t)(n - used);
		if (p != &m->p) {
			m->p = *p;
		}
	}
	return err;
}

static bool format_error(int err)
{
	return err == -EBADMSG || err == -EFBIG || err == -EILSEQ;
}

/* Re-read file bytes [0, end) from flash through a fresh parser and hash. */
static int replay(struct dfu_full_modem *m, uint32_t end)
{
	int err = hash_start(m);

	fm_parser_reset(&m->p);
	for (uint32_t off = 0; err == 0 && off < end;) {
		uint32_t k = end - off < m->cfg.buf_len ? end - off : m->cfg.buf_len;

		err = m->scfg.flash->read(m->scfg.flash->ctx, m->scfg.offset + off, m->cfg.buf, k);
		if (err == 0) {
			err = feed(m, m->cfg.buf, k, false);
		}
		off += k;
	}
	return err;
}

/* Replay the whole file from flash and check it against the manifest and,
 * when given, the wrapper that was streamed. */
static int verify_flash(struct dfu_full_modem *m, uint32_t total,
			const struct dfu_full_modem_info *streamed)
{
	uint8_t digest[DFU_SHA256_SIZE];
	int err = replay(m, total);

	if (err == 0) {
		err = hash_finish(m, digest);
	}
	if (err) {
		return format_error(err) ? -EILSEQ : err; /* flash holds no such file */
	}
	const struct dfu_full_modem_info *in = &m->p.info;

	if (m->p.step != ST_BLOB || m->p.pos != total) {
		return -EILSEQ;
	}
	if (streamed != NULL && (streamed->wrapper_len != in->wrapper_len ||
				 streamed->wrapper_crc != in->wrapper_crc)) {
		return -EILSEQ;
	}
	if (memcmp(digest, in->digest, DFU_SHA256_SIZE) != 0) {
		return -EILSEQ;
	}
	m->p.info.verified = 1;
	return 0;
}

/* Stream COMPLETE: trust the verified record when the wrapper in flash is
 * the one it describes, else verify from flash and store the record. */
static int complete_check(struct dfu_full_modem *m)
{
	uint32_t total = (uint32_t)m->stream.length;
	struct dfu_full_modem_info rec;
	int err = fm_vrec_load(kv_of(m), m->scfg.offset, &rec);

	if (err != 0 && err != -ENOENT) {
		return err;
	}
	if (err == 0 && rec.wrapper_len <= total && rec.blob_len == total - rec.wrapper_len) {
		err = replay(m, rec.wrapper_len);
		if (err) {
			return err;
		}
		if (m->p.step == ST_BLOB && m->p.info.wrapper_crc == rec.wrapper_crc &&
		    memcmp(m->p.info.digest, rec.digest, DFU_SHA256_SIZE) == 0) {
			m->p.info.verified = 1;
			m->p.pos = total;
			return DFU_TARGET_INIT_COMPLETE;
		}
	}
	err = verify_flash(m, total, NULL);
	if (err == 0) {
		err = vrec_store(m);
	}
	return err ? err : DFU_TARGET_INIT_COMPLETE;
}

/* What is durable no longer parses or verifies: delete the records and
 * start the download again at 0. */
static int forget(struct dfu_full_modem *m)
{
	struct dfu_image_id id = m->stream.id;
	dfu_progress_cb_t cb = m->stream.progress;
	void *user = m->stream.progress_user;
	int err = kv_remove(m, DFU_FULL_MODEM_VERIFIED_KEY);

	if (err == 0) {
		err = kv_remove(m, DFU_FULL_MODEM_PROGRESS_KEY);
	}
	if (err == 0) {
		err = dfu_stream_open(&m->stream, &m->scfg, &id);
	}
	m->stream.progress = cb;
	m->stream.progress_user = user;
	m->fresh = 1;
	return err ? err : replay(m, 0);
}

/* Bring the parser and hash in line with the durable prefix. */
static int resync(struct dfu_full_modem *m)
{
	int err;

	if (m->stream.status == DFU_STREAM_COMPLETE) {
		err = complete_check(m);
	} else {
		err = replay(m, (uint32_t)dfu_stream_offset(&m->stream));
		m->fresh = dfu_stream_offset(&m->stream) == 0;
	}
	if (format_error(err)) {
		err = forget(m);
	}
	return err;
}

/* ---- ops ------------------------------------------------------------------ */

static int area_check(const struct dfu_full_modem *m, uint32_t *size)
{
	const struct dfu_flash *f = m != NULL ? m->cfg.flash : NULL;

	if (m == NULL) {
		return -EINVAL;
	}
	if (f == NULL) {
		return -ENODEV;
	}
	if (dfu_flash_validate(f) != 0 || m->cfg.buf == NULL || m->cfg.buf_len == 0 ||
	    m->cfg.buf_len % f->write_block != 0 || m->cfg.offset % f->erase_block != 0 ||
	    m->cfg.offset >= f->size) {
		return -EINVAL;
	}
	uint32_t avail = f->size - m->cfg.offset;
	uint32_t sz = m->cfg.size ? m->cfg.size : avail;

	if (sz > avail || sz % f->erase_block != 0) {
		return -EINVAL;
	}
	if (sz < (m->cfg.min_size ? m->cfg.min_size : DFU_CONFIG_FULL_MODEM_MIN_SIZE)) {
		return -ENODEV;
	}
	*size = sz;
	return 0;
}

static int fm_init(struct dfu_ctx *ctx, const struct dfu_init_params *ip)
{
	struct dfu_full_modem *m = dfu_ctx_target_state(ctx);
	uint32_t size;
	int err = area_check(m, &size);

	if (err) {
		return err;
	}
	if (ip->file_size > size) {
		return -EFBIG;
	}
	m->crypto = m->cfg.crypto ? m->cfg.crypto : ctx->cfg->port->crypto;
	if (ip->reopen && m->stream.status != DFU_STREAM_CLOSED) {
		if (m->stream.status != DFU_STREAM_COMPLETE) {
			err = dfu_stream_reopen(&m->stream);
		}
		return err ? err : resync(m);
	}
	m->scfg = (struct dfu_stream_cfg){
		.flash = m->cfg.flash,
		.offset = m->cfg.offset,
		.size = size,
		.buf = m->cfg.buf,
		.buf_len = m->cfg.buf_len,
		.kv = m->cfg.kv ? m->cfg.kv : ctx->cfg->port->kv,
		.key = DFU_FULL_MODEM_PROGRESS_KEY,
		.checkpoint_blocks = m->cfg.checkpoint_blocks,
		.flags = (m->cfg.flags & DFU_FULL_MODEM_VERIFY_WRITES) ? DFU_STREAM_VERIFY_READBACK
								       : 0u,
	};
	m->file_size = (uint32_t)ip->file_size;
	err = dfu_stream_open(&m->stream, &m->scfg, dfu_ctx_image_id(ctx));
	if (err) {
		return err;
	}
	m->stream.progress = ctx->cfg->progress;
	m->stream.progress_user = ctx->cfg->user;
	if (m->stream.status == DFU_STREAM_COMPLETE && ip->expected_digest == NULL) {
		/* Completed earlier, no proof of identity: download again. */
		err = forget(m);
	} else {
		err = resync(m);
	}
	if (err == DFU_TARGET_INIT_COMPLETE &&
	    memcmp(ip->expected_digest, m->p.info.digest, DFU_SHA256_SIZE) != 0) {
		err = forget(m); /* the caller expects another image */
	}
	if (err == 0 && m->p.pos == 0 && ip->first != NULL) {
		/* Early verdict on the wrapper bytes among the first ones. */
		struct dfu_full_modem_parser tmp;
		size_t used;

		fm_parser_reset(&tmp);
		err = fm_parse(&tmp, ip->first, ip->first_len, size, m->file_size, &used);
	}
	if (err < 0) {
		m->stream.status = DFU_STREAM_CLOSED;
	}
	return err;
}

static int fm_offset_get(struct dfu_ctx *ctx, size_t *offset)
{
	struct dfu_full_modem *m = dfu_ctx_target_state(ctx);

	*offset = m->stream.status == DFU_STREAM_COMPLETE ? m->stream.length
							  : dfu_stream_offset(&m->stream);
	return 0;
}

static int fm_write(void *state, const uint8_t *buf, size_t len)
{
	struct dfu_full_modem *m = state;

	if (m->p.step == ST_BAD) {
		return -EPIPE; /* malformed file: init again (or reset) */
	}
	return feed(m, buf, len, true);
}

static int fm_done(struct dfu_ctx *ctx, bool successful)
{
	struct dfu_full_modem *m = dfu_ctx_target_state(ctx);
	uint8_t digest[DFU_SHA256_SIZE];

	if (m->p.step == ST_BAD) {
		return successful ? -EPIPE : 0;
	}
	if (!successful) {
		return dfu_stream_abort(&m->stream);
	}
	if (m->stream.status == DFU_STREAM_COMPLETE) {
		int err = complete_check(m);

		if (err == DFU_TARGET_INIT_COMPLETE) {
			return 0;
		}
		return format_error(err) ? bad(m, err) : err;
	}
	if (m->stream.status != DFU_STREAM_OPEN) {
		return -EPERM;
	}
	if (m->p.step != ST_BLOB || m->p.pos != m->p.total) {
		return -ENODATA;
	}
	int err = hash_finish(m, digest);

	if (err) {
		return err;
	}
	if (memcmp(digest, m->p.info.digest, DFU_SHA256_SIZE) != 0) {
		return bad(m, -EILSEQ);
	}
	if (m->fresh) {
		err = claim(m); /* the tail program is the first */
	}
	if (err == 0) {
		err = dfu_stream_finish(&m->stream);
	}
	if (err) {
		return err;
	}
	if (!(m->cfg.flags & DFU_FULL_MODEM_NO_READBACK)) {
		struct dfu_full_modem_info streamed = m->p.info;

		err = verify_flash(m, m->p.total, &streamed);
		if (err) {
			return format_error(err) ? bad(m, err) : err;
		}
	}
	m->p.info.verified = 1;
	return vrec_store(m);
}

static int fm_schedule(struct dfu_ctx *ctx, int img_num)
{
	(void)ctx;
	(void)img_num;
	return 0; /* installed later from the partition (modem.md §10) */
}

static int fm_reset(struct dfu_ctx *ctx)
{
	struct dfu_full_modem *m = dfu_ctx_target_state(ctx);
	int err = kv_remove(m, DFU_FULL_MODEM_VERIFIED_KEY);

	if (err == 0) {
		err = dfu_stream_reset(&m->stream); /* progress record, first block */
	}
	m->stream.status = DFU_STREAM_CLOSED;
	fm_parser_reset(&m->p);
	return err;
}

const struct dfu_target_ops dfu_target_full_modem_ops = {
	.type = DFU_TARGET_IMAGE_TYPE_FULL_MODEM,
	.name = "full_modem",
	.identify = NULL,
	.init = fm_init,
	.offset_get = fm_offset_get,
	.write = fm_write,
	.done = fm_done,
	.schedule_update = fm_schedule,
	.reset = fm_reset,
};
