/*
 * Full modem install from flash: the verified .cbor in the full modem
 * target's partition is programmed into the modem through the modem
 * bootloader port (include/dfu/fmfu_fdev.h, dfu/dfu_modem.h; spec modem.md
 * §10).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "dfu/fmfu_fdev.h"
#include "full_modem_internal.h"

int dfu_modem_bootloader_validate(const struct dfu_modem_bootloader *bl)
{
	if (bl == NULL || bl->init == NULL || bl->shutdown == NULL || bl->bl_write == NULL ||
	    bl->fw_write == NULL || bl->update == NULL || bl->verify == NULL) {
		return -EINVAL;
	}
	return 0;
}

int dfu_fmfu_errno(int port_err, int init)
{
	if (port_err == 0) {
		return 0;
	}
	if (init && port_err == -EPERM) {
		return -EALREADY;
	}
	if (init && (port_err == -EINVAL || port_err == -EFAULT)) {
		return -EINVAL;
	}
	switch (port_err) {
	case -EINVAL:
		return -EBADMSG;
	case -EOPNOTSUPP:
		return -EPROTO;
	case -EPERM:
	case -ENOEXEC:
	case -ETIMEDOUT:
	case -EACCES:
	case -ENOMEM:
		return port_err;
	default:
		return -EIO;
	}
}

/* ---- the wrapper in RAM: where the segment array starts ------------------ */

/* A CBOR head at b[*pos]: major type and argument (u32). */
static int head(const uint8_t *b, uint32_t len, uint32_t *pos, uint8_t *major, uint32_t *arg)
{
	uint32_t p = *pos;
	uint8_t ai;
	uint32_t n;
	uint64_t v = 0;

	if (p >= len) {
		return -EBADMSG;
	}
	*major = (uint8_t)(b[p] >> 5);
	ai = b[p++] & 31u;
	if (ai < 24u) {
		v = ai;
	} else if (ai <= 27u) {
		n = 1u << (ai - 24u);
		if (n > len - p) {
			return -EBADMSG;
		}
		while (n-- > 0) {
			v = (v << 8) | b[p++];
		}
	} else {
		return -EBADMSG;
	}
	if (v > UINT32_MAX) {
		return -EBADMSG;
	}
	*arg = (uint32_t)v;
	*pos = p;
	return 0;
}

/* Walk the wrapper (already checked by fm_parse) to its segment array:
 * *at = offset of its first item, *count = items. */
static int find_segments(const uint8_t *w, uint32_t len, uint32_t *at, uint32_t *count)
{
	/* tag, array, bstr(prot) + body, map, bstr(payload), array(4), uint,
	 * uint, bstr(hash) + body, bstr(segments), array(n) */
	static const int8_t skip_body[11] = {0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0};
	uint32_t pos = 0, arg = 0;
	uint8_t major;

	for (int i = 0; i < 11; i++) {
		int err = head(w, len, &pos, &major, &arg);

		if (err) {
			return err;
		}
		if (skip_body[i]) {
			if (arg > len - pos) {
				return -EBADMSG;
			}
			pos += arg;
		}
	}
	if (major != 4u) {
		return -EBADMSG;
	}
	*at = pos;
	*count = arg;
	return 0;
}

/* ---- the segment list, read from flash item by item ---------------------- */

struct seg_cursor {
	const struct dfu_flash *f;
	uint32_t base; /* device offset of the wrapper */
	uint32_t wlen; /* wrapper length */
	uint32_t pos;  /* next item, in the wrapper */
};

static int next_uint(struct seg_cursor *c, uint32_t *v)
{
	uint8_t tmp[9];
	uint32_t n = c->wlen - c->pos < sizeof(tmp) ? c->wlen - c->pos : (uint32_t)sizeof(tmp);
	uint32_t p = 0;
	uint8_t major;
	int err = c->pos < c->wlen ? c->f->read(c->f->ctx, c->base + c->pos, tmp, n) : -EBADMSG;

	if (err == 0) {
		err = head(tmp, n, &p, &major, v);
	}
	if (err == 0 && major != 0u) {
		err = -EBADMSG;
	}
	if (err == 0) {
		c->pos += p;
	}
	return err;
}

static int next_segment(struct seg_cursor *c, uint32_t *addr, uint32_t *len)
{
	int err = next_uint(c, addr);

	return err ? err : next_uint(c, len);
}

/* ---- hashing: the target's engine (cfg.crypto) or the portable one ------- */

struct hasher {
	const struct dfu_crypto *c;
	struct dfu_sha256 sha;
};

static bool port_hash(const struct dfu_crypto *c)
{
	return c != NULL && c->sha256_start != NULL && c->sha256_update != NULL &&
	       c->sha256_finish != NULL;
}

static int h_start(struct hasher *h)
{
	if (port_hash(h->c)) {
		return h->c->sha256_start(h->c->ctx);
	}
	dfu_sha256_init(&h->sha);
	return 0;
}

static int h_update(struct hasher *h, const uint8_t *p, size_t n)
{
	if (port_hash(h->c)) {
		return h->c->sha256_update(h->c->ctx, p, n);
	}
	dfu_sha256_update(&h->sha, p, n);
	return 0;
}

static int h_finish(struct hasher *h, uint8_t out[DFU_SHA256_SIZE])
{
	if (port_hash(h->c)) {
		return h->c->sha256_finish(h->c->ctx, out);
	}
	dfu_sha256_final(&h->sha, out);
	return 0;
}

/* ---- install ---------------------------------------------------------------- */

struct job {
	const struct dfu_full_modem *fm;
	const struct dfu_modem_bootloader *bl;
	const struct dfu_flash *f;
	uint8_t *buf;
	uint32_t buf_len;
	uint32_t flags;
	uint32_t base; /* device offset of the file */
	uint32_t seg_at;
	uint32_t items;
	struct dfu_full_modem_info info;
};

static const struct dfu_kv *kv_of(const struct dfu_full_modem *fm)
{
	return fm->cfg.kv != NULL ? fm->cfg.kv : fm->scfg.kv;
}

/* No verified file: a verified record whose wrapper is gone (-ENOENT), or a
 * download (progress record) that is not verified (-ENODATA)? */
static int why_not_verified(const struct dfu_full_modem *fm)
{
	const struct dfu_kv *kv = kv_of(fm);
	struct dfu_full_modem_info rec;
	uint8_t r[DFU_KV_MAX_RECORD];
	int n = fm_vrec_load(kv, fm->cfg.offset, &rec);

	if (n != -ENOENT) {
		return n == 0 ? -ENOENT : n;
	}
	n = kv != NULL ? kv->read(kv->ctx, DFU_FULL_MODEM_PROGRESS_KEY, r, sizeof(r)) : -ENOENT;

	if (n >= 0) {
		return -ENODATA;
	}
	return n == -ENOENT ? -ENOENT : n;
}

static int read_wrapper(struct job *j)
{
	return j->f->read(j->f->ctx, j->base, j->buf, j->info.wrapper_len);
}

/* Steps 1-3: the file is the verified one, whole, and parses. */
static int check_file(struct job *j)
{
	struct dfu_full_modem_parser p;
	struct seg_cursor c;
	struct hasher h = {.c = j->fm->cfg.crypto};
	uint8_t digest[DFU_SHA256_SIZE];
	uint64_t sum = 0;
	size_t used = 0;
	int err = dfu_full_modem_stored(j->fm, &j->info);

	if (err == -ENOENT) {
		return why_not_verified(j->fm);
	}
	if (err) {
		return err;
	}
	if (j->info.wrapper_len > j->buf_len) {
		return -EINVAL;
	}
	err = read_wrapper(j);
	if (err) {
		return err;
	}
	fm_parser_reset(&p);
	err = fm_parse(&p, j->buf, j->info.wrapper_len, UINT32_MAX, 0, &used);
	if (err == 0 && (p.step != ST_BLOB || used != j->info.wrapper_len ||
			 p.info.blob_len != j->info.blob_len ||
			 memcmp(p.info.digest, j->info.digest, DFU_SHA256_SIZE) != 0)) {
		err = -EBADMSG;
	}
	if (err == 0) {
		err = find_segments(j->buf, j->info.wrapper_len, &j->seg_at, &j->items);
	}
	if (err) {
		return -EBADMSG;
	}
	c = (struct seg_cursor){j->f, j->base, j->info.wrapper_len, j->seg_at};
	for (uint32_t i = 0; i < j->items / 2u; i++) {
		uint32_t addr, len;

		err = next_segment(&c, &addr, &len);
		if (err) {
			return err;
		}
		if (len > UINT32_MAX - addr) {
			return -EBADMSG;
		}
		sum += len;
	}
	if (sum != j->info.blob_len) {
		return -EBADMSG;
	}
	/* The blob, from flash, against blob_hash. */
	err = h_start(&h);
	for (uint32_t off = 0; err == 0 && off < j->info.blob_len;) {
		uint32_t k =
			j->info.blob_len - off < j->buf_len ? j->info.blob_len - off : j->buf_len;

		err = j->f->read(j->f->ctx, j->base + j->info.wrapper_len + off, j->buf, k);
		if (err == 0) {
			err = h_update(&h, j->buf, k);
		}
		off += k;
	}
	if (err == 0) {
		err = h_finish(&h, digest);
	}
	if (err == 0 && memcmp(digest, j->info.digest, DFU_SHA256_SIZE) != 0) {
		err = -EILSEQ;
	}
	return err;
}

/* One segment: bl_write (segment 0) or fw_write at addr, in chunks. */
static int send_segment(struct job *j, uint32_t idx, uint32_t addr, uint32_t len, uint32_t src)
{
	const struct dfu_modem_bootloader *bl = j->bl;

	for (uint32_t off = 0; off < len;) {
		uint32_t k = len - off < j->buf_len ? len - off : j->buf_len;
		int err = j->f->read(j->f->ctx, src + off, j->buf, k);

		if (err) {
			return err; /* a flash error, unmapped */
		}
		err = idx == 0 ? bl->bl_write(bl->ctx, j->buf, k)
			       : bl->fw_write(bl->ctx, addr + off, j->buf, k);
		if (err) {
			return dfu_fmfu_errno(err, 0);
		}
		off += k;
	}
	return 0;
}

/* Step 4 without init / shutdown. */
static int program(struct job *j)
{
	const struct dfu_modem_bootloader *bl = j->bl;
	struct seg_cursor c = {j->f, j->base, j->info.wrapper_len, j->seg_at};
	uint32_t src = j->base + j->info.wrapper_len;
	int err = 0;

	for (uint32_t i = 0; err == 0 && i < j->items / 2u; i++) {
		uint32_t addr, len;

		err = next_segment(&c, &addr, &len);
		if (err == 0) {
			err = send_segment(j, i, addr, len, src);
		}
		src += len;
		if (err == 0 && i == 0) {
			err = dfu_fmfu_errno(bl->update(bl->ctx), 0);
			if (err == 0 && !(j->flags & DFU_FMFU_SKIP_PREVALIDATION)) {
				err = read_wrapper(j);
				if (err == 0) {
					err = dfu_fmfu_errno(
						bl->verify(bl->ctx, j->buf, j->info.wrapper_len),
						0);
				}
			}
		}
	}
	return err ? err : dfu_fmfu_errno(bl->update(bl->ctx), 0);
}

int dfu_full_modem_install(const struct dfu_full_modem *fm, const struct dfu_modem_bootloader *bl,
			   uint8_t *buf, size_t buf_len, uint32_t flags)
{
	struct job j;
	int err;

	if (fm == NULL || buf == NULL || buf_len == 0 || fm->cfg.flash == NULL ||
	    dfu_modem_bootloader_validate(bl) != 0) {
		return -EINVAL;
	}
	if (fm->stream.status == DFU_STREAM_OPEN) {
		return -EBUSY;
	}
	memset(&j, 0, sizeof(j));
	j.fm = fm;
	j.bl = bl;
	j.f = fm->cfg.flash;
	j.buf = buf;
	j.buf_len = buf_len > UINT32_MAX ? UINT32_MAX : (uint32_t)buf_len;
	j.flags = flags;
	j.base = fm->cfg.offset;
	err = check_file(&j);
	if (err) {
		return err;
	}
	if (!(flags & DFU_FMFU_NO_SESSION)) {
		err = dfu_fmfu_errno(bl->init(bl->ctx), 1);
		if (err) {
			return err;
		}
	}
	err = program(&j);
	if (!(flags & DFU_FMFU_NO_SESSION)) {
		int e2 = bl->shutdown(bl->ctx);

		if (err == 0 && e2 != 0) {
			err = dfu_fmfu_errno(e2, 0);
		}
	}
	return err;
}
