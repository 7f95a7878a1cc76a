/*
 * MCUboot target (see include/dfu/dfu_target_mcuboot.h): ops table, verified
 * record, init, write, done, reset (schedule: mcuboot_schedule.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "dfu/dfu_config.h"
#include "dfu_util.h"
#include "mcuboot_image.h"
#include "mcuboot_internal.h"

const struct dfu_mcuboot_pair *mcuboot_pair_of(const struct dfu_mcuboot *m, int img)
{
	if (m == NULL || m->cfg.board == NULL || img < 0 || img >= m->cfg.board->pair_count) {
		return NULL;
	}
	return &m->cfg.board->pairs[img];
}

static uint32_t image_base(const struct dfu_mcuboot_pair *pair, const struct dfu_mcuboot_layout *l)
{
	return pair->secondary.offset + l->image_offset;
}

/* Primary magic good, copy_done set, image_ok unset: the secondary holds
 * the copy MCUboot reverts to (swap modes only). */
int mcuboot_revert_guard(const struct dfu_mcuboot *m, const struct dfu_mcuboot_pair *pair)
{
	struct dfu_mcuboot_trailer t;

	if (pair->mode == DFU_MCUBOOT_OVERWRITE || (m->cfg.flags & DFU_MCUBOOT_FORCE)) {
		return 0;
	}
	int err = dfu_mcuboot_trailer_read(pair, 0, &t);

	if (err) {
		return err;
	}
	return t.magic == DFU_MCUBOOT_GOOD && t.copy_done == DFU_MCUBOOT_GOOD &&
			       t.image_ok == DFU_MCUBOOT_UNSET
		       ? -EBUSY
		       : 0;
}

/* Read pair's verified record: its version (VREC_VERSION or
 * VREC_REQUESTED) when it is there and intact, 0 when not, or a store
 * error. */
int mcuboot_vrec_read(const struct dfu_mcuboot *m, uint8_t pair, uint8_t r[VREC_SIZE])
{
	const struct dfu_kv *kv = mcuboot_kv(m);
	char key[DFU_MCUBOOT_KEY_LEN];

	if (kv == NULL) {
		return 0;
	}
	mcuboot_vkey(key, pair);
	int n = kv->read(kv->ctx, key, r, VREC_SIZE);

	if (n < 0) {
		return n == -ENOENT ? 0 : n;
	}
	return n == (int)VREC_SIZE && (r[0] == VREC_VERSION || r[0] == VREC_REQUESTED) &&
			       r[1] == pair && dfu_get_le32(&r[44]) == dfu_crc32(0, r, 44)
		       ? r[0]
		       : 0;
}

static bool vrec_matches(const uint8_t r[VREC_SIZE], uint32_t base,
			 const struct dfu_mcuboot_info *info)
{
	return dfu_get_le32(&r[4]) == info->tlv_end && dfu_get_le32(&r[8]) == base &&
	       memcmp(&r[12], info->digest, DFU_SHA256_SIZE) == 0;
}

/* Store the verified record of the image described by info; a requested
 * mark of the same image is kept (a re-verification does not undo it). */
static int vrec_store(struct dfu_mcuboot *m, uint8_t pair, uint32_t base,
		      const struct dfu_mcuboot_info *info)
{
	const struct dfu_kv *kv = mcuboot_kv(m);
	uint8_t r[VREC_SIZE];
	char key[DFU_MCUBOOT_KEY_LEN];

	if (kv == NULL) {
		return 0;
	}
	int v = mcuboot_vrec_read(m, pair, r);

	if (v < 0) {
		return v;
	}
	r[0] = v == VREC_REQUESTED && vrec_matches(r, base, info) ? VREC_REQUESTED : VREC_VERSION;
	r[1] = pair;
	r[2] = info->hash;
	r[3] = info->signature;
	dfu_put_le32(&r[4], info->tlv_end);
	dfu_put_le32(&r[8], base);
	memcpy(&r[12], info->digest, DFU_SHA256_SIZE);
	dfu_put_le32(&r[44], dfu_crc32(0, r, 44));
	mcuboot_vkey(key, pair);
	return kv->write(kv->ctx, key, r, sizeof(r));
}

static struct mcuboot_verify_args vargs(struct dfu_mcuboot *m, const struct dfu_mcuboot_pair *pair,
					const struct dfu_mcuboot_layout *l,
					const struct dfu_mcuboot_pair_profile *prof)
{
	struct mcuboot_verify_args a = {
		.flash = pair->secondary.flash,
		.base = image_base(pair, l),
		.max_img = l->max_image_size,
		.scratch = m->cfg.buf,
		.scratch_len = m->cfg.buf_len,
		.crypto = m->crypto,
		.sha = &m->sha,
		.keys = m->cfg.keys,
		.key_count = m->cfg.key_count,
		.allow_enc = (m->cfg.flags & DFU_MCUBOOT_ALLOW_UNVERIFIED) != 0,
		.full = true,
		.prof = prof,
	};
	return a;
}

/*
 * Outcome of the secondary of pair img: from the verified record when it
 * matches what is in flash (header sizes and SHA-256 TLV), else by a full
 * verification from flash (when allowed: it uses the staging buffer).
 * Returns 0 with info filled, -ENOENT for an empty slot, or an error.
 * stale (may be NULL) is set when a valid verified record of this pair
 * describes another image than the one in flash; then no full verification
 * is done (hash NONE).
 */
int mcuboot_secondary_check(struct dfu_mcuboot *m, uint8_t img, bool may_verify,
			    struct dfu_mcuboot_info *info, bool *stale)
{
	const struct dfu_mcuboot_pair *pair = &m->cfg.board->pairs[img];
	struct dfu_mcuboot_pair_profile prof;
	struct dfu_mcuboot_layout l;
	int err = mcuboot_prof(m, img, &prof);

	if (err == 0) {
		err = dfu_mcuboot_layout_for(pair, &prof.build, 1, &l);
	}
	if (err) {
		return err;
	}
	struct mcuboot_verify_args a = vargs(m, pair, &l, &prof);
	uint8_t r[VREC_SIZE];

	a.full = false;
	err = mcuboot_verify(&a, info);
	if (err) {
		return err;
	}
	int v = mcuboot_vrec_read(m, img, r);

	if (v < 0) {
		return v;
	}
	bool valid = v != 0;

	if (valid && vrec_matches(r, a.base, info)) {
		info->hash = r[2];
		info->signature = r[3];
		return 0;
	}
	if (stale != NULL) {
		*stale = valid;
	}
	if (!may_verify || (stale != NULL && *stale)) {
		return 0; /* hash NONE: unknown */
	}
	a.full = true;
	return mcuboot_verify(&a, info);
}

/* At dfu_ctx_setup(). A NULL state has nothing to check (an entry only
 * used for img_type(); init refuses it). */
static int mcuboot_check_config(const struct dfu_port *port, void *state)
{
	struct dfu_mcuboot *m = state;

	if (m == NULL) {
		return 0;
	}
	return mcuboot_keys_check(&m->cfg, m->cfg.crypto ? m->cfg.crypto : port->crypto);
}

/* ---- ops ------------------------------------------------------------- */

static int resync(struct dfu_mcuboot *m)
{
	uint32_t d = (uint32_t)dfu_stream_offset(&m->stream);
	uint32_t base = m->scfg.offset;
	int err = mcuboot_streams_hash(m) ? mcuboot_hash_start(m->crypto, &m->sha) : 0;

	mcuboot_parser_reset(m);
	m->fresh = d == 0;
	for (uint32_t off = 0; err == 0 && off < d;) {
		uint32_t k = d - off < m->cfg.buf_len ? d - off : m->cfg.buf_len;

		err = m->scfg.flash->read(m->scfg.flash->ctx, base + off, m->cfg.buf, k);
		if (err == 0) {
			err = mcuboot_feed(m, m->cfg.buf, k, true);
		}
		off += k;
	}
	return err;
}

/* complete_check(): the slot no longer holds the completed download. */
#define SLOT_CHANGED 2

/*
 * A "complete" record only says that this file was once written here whole.
 * The slot may have changed since (MCUboot swapped it with the primary after
 * an upgrade, or erased it, or another writer was there): it still holds the
 * download only if it starts with the download's first bytes (the identity's
 * prefix), its image is there and no verified record names another digest.
 * Then it is verified as at done(true).
 * Returns DFU_TARGET_INIT_COMPLETE, SLOT_CHANGED, or an error.
 */
static int complete_check(struct dfu_mcuboot *m, const struct dfu_image_id *id,
			  const uint8_t *expected)
{
	int err = 0;

	if (id != NULL && id->prefix_len > 0 && id->prefix_len <= m->cfg.buf_len) {
		err = m->scfg.flash->read(m->scfg.flash->ctx, m->scfg.offset, m->cfg.buf,
					  id->prefix_len);
		if (err) {
			return err;
		}
		if (dfu_crc32(0, m->cfg.buf, id->prefix_len) != id->prefix_crc) {
			return SLOT_CHANGED;
		}
	}
	bool stale = false;

	err = mcuboot_secondary_check(m, m->pair, true, &m->info, &stale);
	if (err == -ENOENT || err == -EBADMSG || err == -EFBIG ||
	    (err == 0 && (stale || m->info.hash == DFU_MCUBOOT_CHECK_BAD))) {
		/* nothing there, another image (a verified record for another
		 * digest, e.g. same header, other build), or changed flash */
		return SLOT_CHANGED;
	}
	if (err == 0 && expected != NULL &&
	    memcmp(expected, m->info.digest, DFU_SHA256_SIZE) != 0) {
		return SLOT_CHANGED; /* the caller expects another image */
	}
	if (err == 0) {
		err = mcuboot_verdict(&m->info, m->cfg.key_count,
				      (m->cfg.flags & DFU_MCUBOOT_ALLOW_UNVERIFIED) != 0);
	}
	if (err == 0) {
		err = vrec_store(m, m->pair, m->scfg.offset, &m->info);
	}
	return err == 0 ? DFU_TARGET_INIT_COMPLETE : err;
}

/*
 * init(type, img, 0) after the download (the reference's schedule-after-
 * reboot pattern): the slot holds an image whose verified record matches
 * it. The stream is then treated as holding that complete download.
 */
static bool verified_in_slot(struct dfu_mcuboot *m, const struct dfu_image_id *id)
{
	bool stale = false;

	if (mcuboot_secondary_check(m, m->pair, false, &m->info, &stale) != 0 || stale ||
	    m->info.hash != DFU_MCUBOOT_CHECK_OK ||
	    mcuboot_verdict(&m->info, m->cfg.key_count,
			    (m->cfg.flags & DFU_MCUBOOT_ALLOW_UNVERIFIED) != 0) != 0) {
		return false;
	}
	/* First bytes known (img_type() or init's first): the verified image
	 * must start with them, else this is a new file of unknown size. */
	if (id->prefix_len > 0 && (id->prefix_len > m->cfg.buf_len ||
				   m->scfg.flash->read(m->scfg.flash->ctx, m->scfg.offset,
						       m->cfg.buf, id->prefix_len) != 0 ||
				   dfu_crc32(0, m->cfg.buf, id->prefix_len) != id->prefix_crc)) {
		return false;
	}
	m->file_size = m->info.tlv_end;
	m->stream.status = DFU_STREAM_COMPLETE;
	return true;
}

static int mcuboot_init(struct dfu_ctx *ctx, const struct dfu_init_params *p)
{
	struct dfu_mcuboot *m = dfu_ctx_target_state(ctx);

	if (m == NULL || m->cfg.board == NULL || m->cfg.buf == NULL || m->cfg.buf_len < 64u) {
		return -EINVAL;
	}
	const struct dfu_crypto *crypto = m->cfg.crypto ? m->cfg.crypto : ctx->cfg->port->crypto;
	int err = mcuboot_keys_check(&m->cfg, crypto);

	if (err) {
		return err;
	}
	const struct dfu_mcuboot_pair *pair = mcuboot_pair_of(m, p->img_num);
	struct dfu_mcuboot_layout l;

	if (pair == NULL) {
		return -ENOENT;
	}
	err = mcuboot_layout(m, (uint8_t)p->img_num, 1, &l);

	if (err == 0) {
		err = mcuboot_prof(m, (uint8_t)p->img_num, &m->prof);
	}
	if (err == 0) {
		err = mcuboot_revert_guard(m, pair);
	}
	if (err) {
		return err;
	}
	uint32_t room = pair->secondary.size - l.image_offset; /* a padded file */

	if (p->file_size > l.max_image_size && p->file_size != room) {
		m->info.rule = DFU_MCUBOOT_RULE_IMAGE_SIZE;
		return -EFBIG;
	}
	m->crypto = crypto;
	if (p->reopen && m->stream.status != DFU_STREAM_CLOSED &&
	    m->stream.status != DFU_STREAM_COMPLETE) {
		err = dfu_stream_reopen(&m->stream);
		return err ? err : resync(m);
	}
	if (p->reopen && m->stream.status == DFU_STREAM_COMPLETE) {
		/* completed in this boot: verified, or verified now */
		err = complete_check(m, dfu_ctx_image_id(ctx), p->expected_digest);
		if (err != SLOT_CHANGED) {
			return err;
		}
	}
	uint32_t eb = pair->secondary.flash->erase_block;
	uint32_t size = (l.max_image_size + eb - 1u) / eb * eb;

	mcuboot_key(m->pkey, 'p', (uint8_t)p->img_num);
	m->scfg = (struct dfu_stream_cfg){
		.flash = pair->secondary.flash,
		.offset = image_base(pair, &l),
		.size = size,
		.buf = m->cfg.buf,
		.buf_len = m->cfg.buf_len,
		.kv = m->cfg.kv ? m->cfg.kv : ctx->cfg->port->kv,
		.key = m->pkey,
		.checkpoint_blocks = m->cfg.checkpoint_blocks,
		.flags = DFU_STREAM_LENGTH_LATER |
			 ((m->cfg.flags & DFU_MCUBOOT_VERIFY_WRITES) ? DFU_STREAM_VERIFY_READBACK
								     : 0u),
	};
	m->pair = (uint8_t)p->img_num;
	m->max_img = l.max_image_size;
	m->file_size = (uint32_t)p->file_size;
	err = dfu_stream_open(&m->stream, &m->scfg, dfu_ctx_image_id(ctx));
	if (err) {
		return err;
	}
	m->stream.progress = ctx->cfg->progress;
	m->stream.progress_user = ctx->cfg->user;
	if (p->file_size == 0 && verified_in_slot(m, dfu_ctx_image_id(ctx))) {
		return DFU_TARGET_INIT_COMPLETE;
	}
	if (m->stream.status == DFU_STREAM_COMPLETE) {
		/* Completed in an earlier boot: reused only with a proof of
		 * identity (a different build can have the same header, size
		 * and first bytes); otherwise a new download. */
		mcuboot_parser_reset(m);
		err = p->expected_digest == NULL
			      ? SLOT_CHANGED
			      : complete_check(m, dfu_ctx_image_id(ctx), p->expected_digest);
		if (err != SLOT_CHANGED) {
			return err;
		}
		/* Forget it (record first, then the first block) and start over. */
		err = dfu_stream_reset(&m->stream);
		if (err == 0) {
			err = dfu_stream_open(&m->stream, &m->scfg, dfu_ctx_image_id(ctx));
		}
		if (err) {
			return err;
		}
		m->stream.progress = ctx->cfg->progress;
		m->stream.progress_user = ctx->cfg->user;
	}
	err = resync(m);
	if (err == 0 && m->pos == 0 && p->first != NULL && p->first_len >= MCUBOOT_HDR_SIZE) {
		struct dfu_mcuboot_info tmp;

		/* Early verdict on the header; nothing is consumed. */
		err = mcuboot_hdr_check(p->first, m->max_img, m->file_size, &m->prof,
					(m->cfg.flags & DFU_MCUBOOT_ALLOW_UNVERIFIED) != 0, &tmp);
		m->info.rule = tmp.rule;
	}
	if (err) {
		m->stream.status = DFU_STREAM_CLOSED;
	}
	return err;
}

static int mcuboot_offset_get(struct dfu_ctx *ctx, size_t *offset)
{
	struct dfu_mcuboot *m = dfu_ctx_target_state(ctx);

	if (m->stream.status == DFU_STREAM_COMPLETE && m->file_size != 0) {
		*offset = m->file_size; /* includes a padded file's tail */
	} else {
		*offset = dfu_stream_offset(&m->stream);
	}
	return 0;
}

static int mcuboot_write(void *state, const uint8_t *buf, size_t len)
{
	struct dfu_mcuboot *m = state;
	uint32_t cap = m->file_size ? m->file_size : m->stream.size;

	if (m->phase == PHASE_BAD) {
		return -EPIPE; /* malformed image: init again (or reset) */
	}
	if (len > cap - m->pos) {
		return -EFBIG;
	}
	if (m->stream.status != DFU_STREAM_OPEN) {
		return -EPERM;
	}
	/* Hot path: payload bytes. */
	if (m->phase == PHASE_BODY && len < m->area_end - m->pos) {
		int err = dfu_stream_write(&m->stream, buf, len);

		if (err == 0) {
			uint32_t at = m->pos;

			m->pos += (uint32_t)len;
			if (at < m->hashed_end && mcuboot_streams_hash(m)) {
				err = mcuboot_hash_update(m->crypto, &m->sha, buf, len);
			}
		}
		return err;
	}
	int err = mcuboot_feed(m, buf, len, false);

	if (err != 0 && m->phase != PHASE_BAD && dfu_error_discards(err)) {
		/* The image is malformed or refused by policy: refuse the rest,
		 * and once flash was touched discard what is there. Any other
		 * error (flash, store, hash engine) keeps it: init again and
		 * resume (the parser is replayed from flash). */
		m->phase = PHASE_BAD;
		if (!m->fresh) {
			(void)dfu_stream_reset(&m->stream);
		}
	}
	return err;
}

/* Verification failed: the download is discarded so that nothing can
 * request it (record gone, header block erased). */
static int discard(struct dfu_mcuboot *m, int verdict)
{
	m->phase = PHASE_BAD;
	(void)dfu_stream_reset(&m->stream);
	return verdict;
}

static int mcuboot_done(struct dfu_ctx *ctx, bool successful)
{
	struct dfu_mcuboot *m = dfu_ctx_target_state(ctx);
	uint8_t digest[DFU_SHA256_SIZE];

	if (m->phase == PHASE_BAD) {
		return successful ? -EPIPE : 0;
	}
	if (!successful) {
		return dfu_stream_abort(&m->stream);
	}
	if (m->stream.status == DFU_STREAM_COMPLETE) {
		int err = complete_check(m, dfu_ctx_image_id(ctx), NULL);

		return err == DFU_TARGET_INIT_COMPLETE ? 0 : err == SLOT_CHANGED ? -ENOENT : err;
	}
	if (m->stream.status != DFU_STREAM_OPEN) {
		return -EPERM;
	}
	if (m->phase != PHASE_TAIL || (m->file_size != 0 && m->pos < m->file_size)) {
		return -ENODATA;
	}
	int err = mcuboot_tail_check(m);

	if (err) {
		return discard(m, err); /* a verdict: -EBADMSG */
	}
	err = dfu_stream_finish(&m->stream);
	if (err == 0 && mcuboot_streams_hash(m)) {
		err = mcuboot_hash_finish(m->crypto, &m->sha, digest);
	}
	if (err) {
		return err;
	}
	const struct dfu_mcuboot_pair *pair = &m->cfg.board->pairs[m->pair];
	struct dfu_mcuboot_layout l;
	struct dfu_mcuboot_info saved = m->info;

	err = mcuboot_layout(m, m->pair, 1, &l);
	if (err) {
		return err;
	}
	struct mcuboot_verify_args a = vargs(m, pair, &l, &m->prof);

	a.digest = (m->cfg.flags & DFU_MCUBOOT_NO_READBACK) ? digest : NULL;
	/* TLV values are read only from what was written (NCS 2.x: an entry
	 * past the file is refused if the walk reads it) */
	a.read_limit = m->area_end < MCUBOOT_HDR_SIZE ? MCUBOOT_HDR_SIZE : m->area_end;
	err = mcuboot_verify(&a, &m->info);
	m->info.file_request = saved.file_request;
	m->info.file_align = saved.file_align;
	if (err == 0) {
		err = mcuboot_verdict(&m->info, m->cfg.key_count,
				      (m->cfg.flags & DFU_MCUBOOT_ALLOW_UNVERIFIED) != 0);
	}
	if (err == 0 && m->info.tlv_end != saved.tlv_end) {
		err = -EILSEQ; /* flash does not hold what was streamed */
	}
	if (err == -ENOENT) {
		err = -EILSEQ; /* no image where one was streamed: same */
	}
	if (dfu_error_discards(err)) {
		return discard(m, err);
	}
	if (err) {
		/* Flash read, store or crypto-port error: the complete download
		 * stays; init again (or retry done) verifies it again. */
		return err;
	}
	return vrec_store(m, m->pair, a.base, &m->info);
}

static int mcuboot_schedule(struct dfu_ctx *ctx, int img_num)
{
	return dfu_mcuboot_schedule(dfu_ctx_target_state(ctx), img_num, false);
}

static int mcuboot_reset(struct dfu_ctx *ctx)
{
	struct dfu_mcuboot *m = dfu_ctx_target_state(ctx);
	const struct dfu_mcuboot_pair *pair = mcuboot_pair_of(m, m->pair);
	struct dfu_mcuboot_layout l;
	int err = pair ? mcuboot_layout(m, m->pair, 1, &l) : -EINVAL;

	if (err == 0) {
		err = mcuboot_revert_guard(m, pair);
	}
	if (err) {
		return err;
	}
	const struct dfu_kv *kv = mcuboot_kv(m);
	char key[DFU_MCUBOOT_KEY_LEN];

	/* The request goes first: a cut at any later operation leaves no
	 * request MCUboot acts on. */
	err = dfu_mcuboot_trailer_erase(pair, 1);
	mcuboot_vkey(key, m->pair);
	if (err == 0 && kv != NULL) {
		err = kv->remove(kv->ctx, key);
	}
	if (err == 0) {
		err = dfu_stream_reset(&m->stream); /* progress record, header block */
	}
	m->stream.status = DFU_STREAM_CLOSED;
	return err;
}

const struct dfu_target_ops dfu_target_mcuboot_ops = {
	.type = DFU_TARGET_IMAGE_TYPE_MCUBOOT,
	.name = "mcuboot",
	.identify = NULL,
	.init = mcuboot_init,
	.offset_get = mcuboot_offset_get,
	.write = mcuboot_write,
	.done = mcuboot_done,
	.schedule_update = mcuboot_schedule,
	.reset = mcuboot_reset,
	.check_config = mcuboot_check_config,
};
