/*
 * Application delta: the envelope, the base check against the running
 * image, and the target's records (docs/delta.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "delta_decode.h"
#include "delta_internal.h"
#include "dfu/dfu_sha256.h"

static const uint8_t env_magic[4] = {'M', 'C', 'D', 'P'};

/* ---- hashing the running image ------------------------------------- */

static int hash_start(const struct dfu_crypto *c, struct dfu_sha256 *s)
{
	if (c != NULL && c->sha256_start != NULL) {
		return c->sha256_start(c->ctx);
	}
	dfu_sha256_init(s);
	return 0;
}

static int hash_update(const struct dfu_crypto *c, struct dfu_sha256 *s, const void *p, size_t n)
{
	if (c != NULL && c->sha256_start != NULL) {
		return c->sha256_update(c->ctx, p, n);
	}
	dfu_sha256_update(s, p, n);
	return 0;
}

static int hash_finish(const struct dfu_crypto *c, struct dfu_sha256 *s, uint8_t out[32])
{
	if (c != NULL && c->sha256_start != NULL) {
		return c->sha256_finish(c->ctx, out);
	}
	dfu_sha256_final(s, out);
	return 0;
}

/* The running image of pair: its header (32 bytes) and hashed length.
 * -ENOENT when the primary holds no valid MCUboot header (any header size:
 * bootutil has no lower bound). */
int delta_primary(const struct dfu_mcuboot_pair *pair, uint8_t hdr[32], uint32_t *hashed)
{
	const struct dfu_flash *f = pair->primary.flash;
	int err = f->read(f->ctx, pair->primary.offset, hdr, 32);

	if (err) {
		return err;
	}
	uint32_t hs = delta_le16(hdr + 8), prot = delta_le16(hdr + 10);
	uint32_t img = delta_le32(hdr + 12);

	if (delta_le32(hdr) != 0x96f3b83du || img > pair->primary.size ||
	    hs + prot > pair->primary.size - img) {
		return -ENOENT;
	}
	*hashed = hs + img + prot;
	return 0;
}

/* SHA-256 of the primary's first n bytes (scratch: buf of len bytes). */
int delta_hash_primary(const struct dfu_mcuboot_pair *pair, const struct dfu_crypto *c, uint32_t n,
		       uint8_t *buf, uint32_t len, uint8_t out[32])
{
	const struct dfu_flash *f = pair->primary.flash;
	struct dfu_sha256 s;
	int err = hash_start(c, &s);

	for (uint32_t off = 0; err == 0 && off < n;) {
		uint32_t k = n - off < len ? n - off : len;

		err = f->read(f->ctx, pair->primary.offset + off, buf, k);
		if (err == 0) {
			err = hash_update(c, &s, buf, k);
		}
		off += k;
	}
	return err ? err : hash_finish(c, &s, out);
}

/*
 * The running image's digest as MCUboot hashes it: its SHA-256 TLV value
 * (read from flash, a few dozen bytes), or with full the SHA-256 of its
 * hashed region computed from flash (one read pass). *hashed: that
 * region's length. -ENOENT: no valid image (header, TLV info, SHA-256 TLV).
 */
int delta_base_digest(const struct dfu_mcuboot_pair *pair, const struct dfu_crypto *c, uint8_t *buf,
		      uint32_t len, bool full, uint8_t out[32], uint32_t *hashed)
{
	const struct dfu_flash *f = pair->primary.flash;
	uint8_t hdr[32];
	int err = delta_primary(pair, hdr, hashed);

	if (err || full) {
		return err ? err : delta_hash_primary(pair, c, *hashed, buf, len, out);
	}
	uint8_t t[4];
	uint32_t at = pair->primary.offset + *hashed;

	err = f->read(f->ctx, at, t, 4);
	if (err) {
		return err;
	}
	uint32_t end = *hashed + delta_le16(t + 2);

	if (delta_le16(t) != 0x6907u || end > pair->primary.size) {
		return -ENOENT;
	}
	for (uint32_t off = *hashed + 4; off + 4 <= end;) {
		err = f->read(f->ctx, pair->primary.offset + off, t, 4);
		if (err) {
			return err;
		}
		uint32_t n = delta_le16(t + 2);

		if (off + 4 + n > end) {
			return -ENOENT;
		}
		if (delta_le16(t) == 0x10u && n == 32) {
			return f->read(f->ctx, pair->primary.offset + off + 4, out, 32);
		}
		off += 4 + n;
	}
	return -ENOENT;
}

/* ---- the envelope -------------------------------------------------- */

int delta_env_parse(const uint8_t *e, uint32_t file_size, struct dfu_mcuboot_delta_info *in)
{
	memset(in, 0, sizeof(*in));
	in->refusal = DFU_DELTA_BAD_ENVELOPE;
	if (memcmp(e, env_magic, 4) != 0) {
		return -EBADMSG;
	}
	if (e[4] != DFU_DELTA_FORMAT_VERSION) {
		in->refusal = DFU_DELTA_BAD_VERSION;
		return -ENOTSUP;
	}
	if (dfu_crc32(0, e, 124) != delta_le32(e + 124) || e[5] != 0 ||
	    delta_le16(e + 6) != DFU_DELTA_ENVELOPE_SIZE || delta_le32(e + 20) != 0) {
		return -EBADMSG;
	}
	in->patch_size = delta_le32(e + 8);
	in->new_size = delta_le32(e + 12);
	in->base_size = delta_le32(e + 16);
	memcpy(in->base_digest, e + 24, 32);
	memcpy(in->new_header, e + 56, 32);
	memcpy(in->new_digest, e + 88, 32);
	if (in->patch_size < 2 || in->patch_size > UINT32_MAX - DFU_DELTA_ENVELOPE_SIZE ||
	    (file_size != 0 && file_size != in->patch_size + DFU_DELTA_ENVELOPE_SIZE) ||
	    in->new_size < 32 || in->base_size < 32) {
		return -EBADMSG;
	}
	in->refusal = DFU_DELTA_OK;
	return 0;
}

static uint64_t version_of(const uint8_t *h)
{
	return ((uint64_t)h[20] << 56) | ((uint64_t)h[21] << 48) |
	       ((uint64_t)delta_le16(h + 22) << 32) | delta_le32(h + 24);
}

int delta_env_check(const struct dfu_mcuboot *m, const struct dfu_crypto *c, int img, bool full,
		    struct dfu_mcuboot_delta_info *in)
{
	const struct dfu_mcuboot_board *b = m->cfg.board;
	struct dfu_mcuboot_layout l;
	uint8_t hdr[32];
	uint32_t hashed = 0;

	if (b == NULL || img < 0 || img >= b->pair_count) {
		return -ENOENT;
	}
	const struct dfu_mcuboot_pair *pair = &b->pairs[img];
	int err = dfu_mcuboot_layout(pair, 1, &l);

	if (err) {
		return err;
	}
	if (in->new_size > l.max_image_size) {
		in->refusal = DFU_DELTA_TOO_BIG;
		return -EFBIG;
	}
	err = delta_base_digest(pair, c, m->cfg.buf, m->cfg.buf_len, full, in->running_digest,
				&hashed);
	if (err == 0) {
		err = delta_primary(pair, hdr, &hashed);
	}
	if (err == -ENOENT) {
		in->refusal = DFU_DELTA_NO_BASE;
		return -EILSEQ;
	}
	if (err) {
		return err;
	}
	in->has_running = 1;
	if (hashed != in->base_size ||
	    memcmp(in->running_digest, in->base_digest, DFU_SHA256_SIZE) != 0) {
		in->refusal = DFU_DELTA_WRONG_BASE;
		return -EILSEQ;
	}
	if ((m->cfg.flags & DFU_MCUBOOT_DENY_DOWNGRADE) &&
	    version_of(in->new_header) <= version_of(hdr)) {
		in->refusal = DFU_DELTA_POLICY;
		return -ESTALE;
	}
	return 0;
}

int dfu_mcuboot_delta_check(struct dfu_mcuboot_delta *t, const struct dfu_port *port, int img_num,
			    const uint8_t *env, size_t len, struct dfu_mcuboot_delta_info *out)
{
	if (t == NULL || t->cfg.mcuboot == NULL || env == NULL || out == NULL ||
	    len < DFU_DELTA_ENVELOPE_SIZE) {
		return -EINVAL;
	}
	const struct dfu_mcuboot *m = t->cfg.mcuboot;
	const struct dfu_crypto *c = m->cfg.crypto ? m->cfg.crypto : port ? port->crypto : NULL;
	int err = delta_env_parse(env, 0, out);

	return err ? err
		   : delta_env_check(m, c, img_num, (t->cfg.flags & DFU_DELTA_HASH_BASE) != 0, out);
}

/* ---- records -------------------------------------------------------- */

void delta_key(char key[12], char kind, uint8_t pair)
{
	memcpy(key, "mcdelta/", 8);
	key[8] = kind;
	key[9] = (char)('0' + (pair / 10) % 10);
	key[10] = (char)('0' + pair % 10);
	key[11] = '\0';
}

void delta_session_encode(const struct dfu_mcuboot_delta *t, uint8_t r[DELTA_SESSION_SIZE])
{
	const struct dfu_delta_dec *d = &t->dec;

	memset(r, 0, DELTA_SESSION_SIZE);
	r[0] = 1;
	r[2] = t->pair;
	r[3] = d->comp;
	r[4] = d->wbits;
	r[5] = d->lbits;
	r[6] = t->prefix_len;
	delta_put32(r + 8, t->file_size);
	delta_put32(r + 12, t->prefix_crc);
	delta_put32(r + 16, t->info.new_size);
	delta_put32(r + 20, dfu_crc32(0, t->info.new_header, 32));
	delta_put32(r + 24, t->patch_crc);
	memcpy(r + 28, t->info.base_digest, 32);
	delta_put32(r + 60, dfu_crc32(0, r, 60));
}

int delta_session_decode(struct dfu_mcuboot_delta *t, const uint8_t r[DELTA_SESSION_SIZE],
			 uint32_t *hdr_crc)
{
	if (r[0] != 1 || dfu_crc32(0, r, 60) != delta_le32(r + 60) || r[2] != t->pair ||
	    r[6] != t->prefix_len || delta_le32(r + 8) != t->file_size ||
	    delta_le32(r + 12) != t->prefix_crc || t->file_size <= DFU_DELTA_ENVELOPE_SIZE) {
		return -ENOENT;
	}
	memset(&t->info, 0, sizeof(t->info));
	t->info.compression = r[3];
	t->info.window_bits = r[4];
	t->info.lookahead_bits = r[5];
	t->info.patch_size = t->file_size - DFU_DELTA_ENVELOPE_SIZE;
	t->info.new_size = delta_le32(r + 16);
	*hdr_crc = delta_le32(r + 20);
	t->patch_crc = delta_le32(r + 24);
	memcpy(t->info.base_digest, r + 28, 32);
	t->session = delta_le32(r + 60);
	return 0;
}

void delta_snap_encode(const struct dfu_delta_snap *s, uint32_t session, uint8_t r[DELTA_SNAP_SIZE])
{
	memset(r, 0, DELTA_SNAP_SIZE);
	r[0] = 1;
	r[1] = s->phase;
	r[2] = s->nbits;
	delta_put32(r + 4, session);
	delta_put32(r + 8, s->out);
	delta_put32(r + 12, s->in);
	delta_put32(r + 16, s->from);
	delta_put32(r + 20, s->rem);
	delta_put32(r + 24, s->crc);
	delta_put32(r + 28, s->acc);
	r[32] = (uint8_t)s->br_dist;
	r[33] = (uint8_t)(s->br_dist >> 8);
	r[34] = (uint8_t)s->br_cnt;
	r[35] = (uint8_t)(s->br_cnt >> 8);
	delta_put32(r + 40, dfu_crc32(0, r, 40));
}

int delta_snap_decode(const uint8_t r[DELTA_SNAP_SIZE], uint32_t session, struct dfu_delta_snap *s)
{
	if (r[0] != 1 || dfu_crc32(0, r, 40) != delta_le32(r + 40) ||
	    delta_le32(r + 4) != session) {
		return -ENOENT;
	}
	*s = (struct dfu_delta_snap){
		.phase = r[1],
		.nbits = r[2],
		.out = delta_le32(r + 8),
		.in = delta_le32(r + 12),
		.from = delta_le32(r + 16),
		.rem = delta_le32(r + 20),
		.crc = delta_le32(r + 24),
		.acc = delta_le32(r + 28),
		.br_dist = (uint16_t)delta_le16(r + 32),
		.br_cnt = (uint16_t)delta_le16(r + 34),
	};
	return 0;
}

int dfu_mcuboot_delta_stored(const struct dfu_kv *kv, int img_num,
			     struct dfu_mcuboot_delta_stored_info *out)
{
	uint8_t r[DELTA_SESSION_SIZE], sr[DELTA_SNAP_SIZE];
	struct dfu_delta_snap s;
	char key[12];

	if (kv == NULL || kv->read == NULL || out == NULL || img_num < 0 || img_num > 99) {
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	delta_key(key, 'p', (uint8_t)img_num);
	if (kv->read(kv->ctx, key, r, sizeof(r)) != (int)sizeof(r) || r[0] != 1 ||
	    dfu_crc32(0, r, 60) != delta_le32(r + 60) || r[2] != (uint8_t)img_num ||
	    delta_le32(r + 8) <= DFU_DELTA_ENVELOPE_SIZE) {
		return -ENOENT;
	}
	out->file_size = delta_le32(r + 8);
	out->new_size = delta_le32(r + 16);
	out->new_header_crc = delta_le32(r + 20);
	out->compression = r[3];
	memcpy(out->base_digest, r + 28, 32);
	for (int i = 0; i < 2; i++) {
		delta_key(key, i ? 'b' : 'a', (uint8_t)img_num);
		if (kv->read(kv->ctx, key, sr, sizeof(sr)) == (int)sizeof(sr) &&
		    delta_snap_decode(sr, delta_le32(r + 60), &s) == 0 &&
		    s.in <= out->file_size - DFU_DELTA_ENVELOPE_SIZE &&
		    DFU_DELTA_ENVELOPE_SIZE + s.in > out->checkpoint) {
			out->checkpoint = DFU_DELTA_ENVELOPE_SIZE + s.in;
		}
	}
	return 0;
}

int dfu_mcuboot_delta_base(const struct dfu_mcuboot *m, int img_num, uint8_t digest[32],
			   uint32_t *base_size)
{
	uint32_t hashed = 0;

	if (m == NULL || m->cfg.board == NULL || digest == NULL || img_num < 0 ||
	    img_num >= m->cfg.board->pair_count) {
		return -EINVAL;
	}
	int err = delta_base_digest(&m->cfg.board->pairs[img_num], NULL, NULL, 0, false, digest,
				    &hashed);

	if (err == 0 && base_size != NULL) {
		*base_size = hashed;
	}
	return err;
}
