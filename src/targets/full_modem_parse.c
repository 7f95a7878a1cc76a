/*
 * Full modem target: the streaming parser of the .cbor wrapper and
 * manifest, and the verified record (see include/dfu/dfu_target_full_modem.h
 * for the format, docs/records.md for the record).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "dfu_util.h"
#include "full_modem_internal.h"

#define VREC_VERSION 1u
#define VREC_VERIFIED 0x01u

#define ANY 0xffffu

/* Expected major type and argument of each head step. */
static const struct {
	uint8_t major;
	uint16_t arg;
} want[ST_SIG + 1] = {
	[ST_TAG] = {6, 18},
	[ST_ARRAY] = {4, 4},
	[ST_PROT] = {2, 4},
	[ST_UNPROT] = {5, 0},
	[ST_PAYLOAD] = {2, ANY},
	[ST_MANIFEST] = {4, 4},
	[ST_VERSION] = {0, ANY},
	[ST_COMPAT] = {0, ANY},
	[ST_HASH] = {2, DFU_SHA256_SIZE},
	[ST_SEGS] = {2, ANY},
	[ST_SEG_ARRAY] = {4, ANY},
	[ST_SEG_ITEM] = {0, ANY},
	[ST_SIG] = {2, DFU_FULL_MODEM_SIG_LEN},
};

static const uint8_t prot_hdr[4] = {0xa1, 0x01, 0x38, 0x24}; /* {1: -37} */

/* ---- parser --------------------------------------------------------------- */

void fm_parser_reset(struct dfu_full_modem_parser *p)
{
	memset(p, 0, sizeof(*p));
}

/* The signature ended: the wrapper is complete, the file's size known. */
static int wrapper_done(struct dfu_full_modem_parser *p, uint32_t area, uint32_t file_size)
{
	uint32_t blob = p->info.blob_len;

	p->info.wrapper_len = p->pos;
	if (blob == 0) {
		return -EBADMSG;
	}
	if (p->pos > area || blob > area - p->pos) {
		return -EFBIG;
	}
	p->total = p->pos + blob;
	if (file_size != 0 && p->total != file_size) {
		return p->total > file_size ? -EFBIG : -EBADMSG;
	}
	p->step = ST_BLOB;
	return 0;
}

/* A complete head: major type, argument (ovf: above u32). */
static int head_done(struct dfu_full_modem_parser *p)
{
	uint8_t st = p->step;
	uint32_t v = p->arg;

	if (p->major != want[st].major || p->ovf || (want[st].arg != ANY && v != want[st].arg)) {
		return -EBADMSG;
	}
	switch (st) {
	case ST_PROT:
	case ST_HASH:
	case ST_SIG:
		if (v > DFU_FULL_MODEM_WRAPPER_MAX - p->pos) {
			return -EBADMSG; /* the wrapper would exceed 1024 bytes */
		}
		p->step++; /* to the body step; arg = bytes left */
		return 0;
	case ST_PAYLOAD:
		if (v > DFU_FULL_MODEM_WRAPPER_MAX - p->pos) {
			return -EBADMSG;
		}
		p->end = p->pos + v;
		break;
	case ST_VERSION:
		p->info.version = v;
		break;
	case ST_COMPAT:
		p->info.compat = v;
		break;
	case ST_SEGS:
		if (v != p->end - p->pos) {
			return -EBADMSG; /* the segments must fill the payload */
		}
		break;
	case ST_SEG_ARRAY:
		if (v < 2u || v > 2u * DFU_FULL_MODEM_SEGMENTS_MAX || (v & 1u)) {
			return -EBADMSG;
		}
		p->items = (uint16_t)v;
		p->info.segments = (uint16_t)(v / 2u);
		break;
	case ST_SEG_ITEM:
		if (p->items & 1u) { /* a length */
			if (v > UINT32_MAX - p->info.blob_len) {
				return -EFBIG;
			}
			p->info.blob_len += v;
		}
		if (--p->items != 0) {
			return 0;
		}
		if (p->pos != p->end) {
			return -EBADMSG; /* bytes after the segment array */
		}
		break;
	default:
		break;
	}
	p->step++;
	return 0;
}

int fm_parse(struct dfu_full_modem_parser *p, const uint8_t *b, size_t n, uint32_t area,
	     uint32_t file_size, size_t *used)
{
	size_t i = 0;
	int err = 0;

	while (err == 0 && i < n && p->step < ST_BLOB) {
		uint8_t c = b[i++];

		if (p->pos >= DFU_FULL_MODEM_WRAPPER_MAX ||
		    (p->step >= ST_MANIFEST && p->step <= ST_SEG_ITEM && p->pos >= p->end)) {
			return -EBADMSG; /* too long, or an item runs past the payload */
		}
		p->pos++;
		switch (p->step) {
		case ST_PROT_BODY:
			if (c != prot_hdr[4u - p->arg]) {
				return -EBADMSG;
			}
			break;
		case ST_HASH_BODY:
			p->info.digest[DFU_SHA256_SIZE - p->arg] = c;
			break;
		case ST_SIG_BODY:
			break;
		default: /* a head byte */
			if (p->hn == 0) {
				uint8_t ai = c & 31u;

				p->major = (uint8_t)(c >> 5);
				p->arg = ai;
				p->ovf = 0;
				if (ai > 27u) {
					return -EBADMSG; /* indefinite or reserved */
				}
				if (ai >= 24u) {
					p->hn = (uint8_t)(1u << (ai - 24u));
					p->arg = 0;
					continue;
				}
			} else {
				p->ovf |= (uint8_t)((p->arg >> 24) != 0);
				p->arg = (p->arg << 8) | c;
				if (--p->hn != 0) {
					continue;
				}
			}
			err = head_done(p);
			continue;
		}
		if (--p->arg == 0) { /* a body ended */
			p->step++;
			if (p->step == ST_BLOB) {
				err = wrapper_done(p, area, file_size);
			}
		}
	}
	*used = i;
	return err;
}

/* ---- verified record ------------------------------------------------------ */

void fm_vrec_encode(const struct dfu_full_modem_info *in, uint32_t area, uint8_t r[FM_VREC_SIZE])
{
	memset(r, 0, FM_VREC_SIZE);
	r[0] = VREC_VERSION;
	r[1] = VREC_VERIFIED;
	r[2] = (uint8_t)in->wrapper_len;
	r[3] = (uint8_t)(in->wrapper_len >> 8);
	dfu_put_le32(&r[4], area);
	dfu_put_le32(&r[8], in->blob_len);
	dfu_put_le32(&r[12], in->version);
	dfu_put_le32(&r[16], in->compat);
	dfu_put_le32(&r[20], in->wrapper_crc);
	r[24] = (uint8_t)in->segments;
	r[25] = (uint8_t)(in->segments >> 8);
	memcpy(&r[28], in->digest, DFU_SHA256_SIZE);
	dfu_put_le32(&r[60], dfu_crc32(0, r, 60));
}

int fm_vrec_load(const struct dfu_kv *kv, uint32_t area, struct dfu_full_modem_info *out)
{
	uint8_t r[FM_VREC_SIZE];
	int n = kv != NULL ? kv->read(kv->ctx, DFU_FULL_MODEM_VERIFIED_KEY, r, sizeof(r)) : -ENOENT;

	if (n < 0) {
		return n;
	}
	if (n != (int)FM_VREC_SIZE || r[0] != VREC_VERSION || !(r[1] & VREC_VERIFIED) ||
	    dfu_get_le32(&r[60]) != dfu_crc32(0, r, 60) || dfu_get_le32(&r[4]) != area) {
		return -ENOENT;
	}
	memset(out, 0, sizeof(*out));
	out->wrapper_len = (uint32_t)r[2] | ((uint32_t)r[3] << 8);
	out->blob_len = dfu_get_le32(&r[8]);
	out->version = dfu_get_le32(&r[12]);
	out->compat = dfu_get_le32(&r[16]);
	out->wrapper_crc = dfu_get_le32(&r[20]);
	out->segments = (uint16_t)(r[24] | (r[25] << 8));
	out->verified = 1;
	memcpy(out->digest, &r[28], DFU_SHA256_SIZE);
	return 0;
}

int dfu_full_modem_stored(const struct dfu_full_modem *m, struct dfu_full_modem_info *out)
{
	if (m == NULL || out == NULL || m->cfg.flash == NULL) {
		return -EINVAL;
	}
	const struct dfu_flash *f = m->cfg.flash;
	int err = fm_vrec_load(m->cfg.kv != NULL ? m->cfg.kv : m->scfg.kv, m->cfg.offset, out);

	if (err) {
		return err;
	}
	if (out->wrapper_len > DFU_FULL_MODEM_WRAPPER_MAX || m->cfg.offset >= f->size ||
	    out->wrapper_len > f->size - m->cfg.offset) {
		return -ENOENT;
	}
	uint8_t tmp[32];
	uint32_t crc = 0;

	for (uint32_t off = 0; off < out->wrapper_len;) {
		uint32_t k = out->wrapper_len - off < sizeof(tmp) ? out->wrapper_len - off
								  : (uint32_t)sizeof(tmp);

		err = f->read(f->ctx, m->cfg.offset + off, tmp, k);
		if (err) {
			return err;
		}
		crc = dfu_crc32(crc, tmp, k);
		off += k;
	}
	return crc == out->wrapper_crc ? 0 : -ENOENT;
}
