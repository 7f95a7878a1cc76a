/*
 * Test image builder (see mcuboot_img.h). Formats from
 * shared/spec/mcuboot.md; the layout choices match imgtool's output as seen
 * in shared/vectors/mcuboot.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "mcuboot_img.h"

#include <errno.h>
#include <string.h>

#include "dfu/dfu_sha256.h"

#define TLV_HDR 4u
#define ERASED 0xFFu
#define DEP_LEN 12u

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | ((uint32_t)get16(p + 2) << 16);
}

static uint8_t *put_tlv(uint8_t *w, uint16_t type, const uint8_t *data, size_t len)
{
	put16(w, type);
	put16(w + 2, (uint32_t)len);
	if (len != 0) {
		memcpy(w + TLV_HDR, data, len);
	}
	return w + TLV_HDR + len;
}

static void put_version(uint8_t *p, const struct mcuboot_img_version *v)
{
	p[0] = v->major;
	p[1] = v->minor;
	put16(p + 2, v->revision);
	put32(p + 4, v->build);
}

void mcuboot_img_trailer_magic(uint8_t max_align, uint8_t magic[16])
{
	static const uint8_t magic8[16] = {0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f,
					   0x35, 0x52, 0x50, 0x0f, 0x2c, 0xb6, 0x79, 0x80};
	/* A != 8: A as u16 LE, then these 14 bytes. */
	static const uint8_t magic_tail[14] = {0x2d, 0xe1, 0x5d, 0x29, 0x41, 0x0b, 0x8d,
					       0x77, 0x67, 0x9c, 0x11, 0x0f, 0x1f, 0x8a};

	if (max_align == 0 || max_align == 8) {
		memcpy(magic, magic8, sizeof(magic8));
		return;
	}
	put16(magic, max_align);
	memcpy(magic + 2, magic_tail, sizeof(magic_tail));
}

/* Size of the protected TLV area including its info, 0 when empty. */
static size_t prot_area_size(const struct mcuboot_img_params *p)
{
	size_t n = 0;

	if (p->has_sec_cnt) {
		n += TLV_HDR + 4;
	}
	n += p->dep_count * (TLV_HDR + DEP_LEN);
	for (size_t i = 0; i < p->custom_count; i++) {
		n += TLV_HDR + p->custom[i].len;
	}
	return n == 0 ? 0 : n + TLV_HDR;
}

static void write_prot_area(const struct mcuboot_img_params *p, uint8_t *w, size_t size)
{
	uint8_t buf[DEP_LEN];

	put16(w, MCUBOOT_TLV_PROT_INFO_MAGIC);
	put16(w + 2, (uint32_t)size);
	w += TLV_HDR;
	if (p->has_sec_cnt) {
		put32(buf, p->sec_cnt);
		w = put_tlv(w, MCUBOOT_TLV_SEC_CNT, buf, 4);
	}
	for (size_t i = 0; i < p->dep_count; i++) {
		/* image id u8, 3 pad bytes, version (8 B) */
		memset(buf, 0, sizeof(buf));
		buf[0] = p->deps[i].image_id;
		put_version(buf + 4, &p->deps[i].version);
		w = put_tlv(w, MCUBOOT_TLV_DEPENDENCY, buf, DEP_LEN);
	}
	for (size_t i = 0; i < p->custom_count; i++) {
		w = put_tlv(w, p->custom[i].type, p->custom[i].data, p->custom[i].len);
	}
}

static void write_header(const struct mcuboot_img_params *p, uint8_t *out, uint16_t hdr,
			 uint32_t img, uint16_t prot)
{
	put32(out + 0, MCUBOOT_IMG_MAGIC);
	put32(out + 4, p->load_addr);
	put16(out + 8, hdr);
	put16(out + 10, prot);
	put32(out + 12, img);
	put32(out + 16, p->flags);
	put_version(out + 20, &p->version);
	put32(out + 28, 0);
	memset(out + MCUBOOT_IMG_HEADER_SIZE, ERASED, hdr - MCUBOOT_IMG_HEADER_SIZE);
}

/* --pad: erased fill to the slot end, magic, image_ok (spec §5). */
static int write_padding(const struct mcuboot_img_params *p, uint8_t *out, size_t cap, size_t end,
			 unsigned a)
{
	size_t s = p->slot_size;
	size_t magic_area = (16 + a - 1) / a * a;
	uint8_t magic[16];

	if (s > cap || s < 4 * a + magic_area || end > s - (4 * a + magic_area)) {
		return -ENOSPC;
	}
	memset(out + end, ERASED, s - end);
	mcuboot_img_trailer_magic((uint8_t)a, magic);
	memcpy(out + s - 16, magic, sizeof(magic));
	if (p->confirm) {
		out[(s - 16 - a) / a * a] = 0x01;
	}
	return 0;
}

int mcuboot_img_build(const struct mcuboot_img_params *p, const uint8_t *payload,
		      size_t payload_len, uint8_t *out, size_t cap, size_t *out_len)
{
	uint16_t hdr;
	unsigned a;
	size_t prot, hashed, fixed, tot;
	uint8_t digest[DFU_SHA256_SIZE];
	uint8_t *t, *w;

	if (p == NULL || out == NULL || out_len == NULL || (payload == NULL && payload_len != 0)) {
		return -EINVAL;
	}
	hdr = p->hdr_size != 0 ? p->hdr_size : 0x200;
	a = p->max_align != 0 ? p->max_align : 8;
	prot = prot_area_size(p);
	if (hdr < MCUBOOT_IMG_HEADER_SIZE || (a != 8 && a != 16 && a != 32) || prot > 0xFFFF ||
	    payload_len > UINT32_MAX - 0x20000u || (p->key != NULL && p->sign == NULL) ||
	    (p->key != NULL && p->sig_type == 0) || (p->key == NULL && p->sign != NULL)) {
		return -EINVAL;
	}
	hashed = hdr + payload_len + prot;
	fixed = 2 * TLV_HDR + DFU_SHA256_SIZE;
	if (p->key != NULL) {
		fixed += 2 * TLV_HDR + (p->full_pubkey ? p->key_len : DFU_SHA256_SIZE);
	}
	if (hashed > cap || cap - hashed < fixed) {
		return -ENOSPC;
	}

	/* Payload first: it may sit where the header goes. */
	memmove(out + hdr, payload, payload_len);
	write_header(p, out, hdr, (uint32_t)payload_len, (uint16_t)prot);
	if (prot != 0) {
		write_prot_area(p, out + hdr + payload_len, prot);
	}
	dfu_sha256(out, hashed, digest);

	t = out + hashed;
	w = put_tlv(t + TLV_HDR, MCUBOOT_TLV_SHA256, digest, sizeof(digest));
	if (p->key != NULL) {
		size_t sig_len = 0;
		int rc;

		if (p->full_pubkey) {
			w = put_tlv(w, MCUBOOT_TLV_PUBKEY, p->key, p->key_len);
		} else {
			uint8_t kh[DFU_SHA256_SIZE];

			dfu_sha256(p->key, p->key_len, kh);
			w = put_tlv(w, MCUBOOT_TLV_KEYHASH, kh, sizeof(kh));
		}
		rc = p->sign(p->sign_ctx, digest, w + TLV_HDR, cap - (size_t)(w + TLV_HDR - out),
			     &sig_len);
		if (rc != 0) {
			return rc;
		}
		if (sig_len > cap - (size_t)(w + TLV_HDR - out) || sig_len > 0xFFFF) {
			return -EINVAL; /* the callback broke its contract */
		}
		put16(w, p->sig_type);
		put16(w + 2, (uint32_t)sig_len);
		w += TLV_HDR + sig_len;
	}
	tot = (size_t)(w - t);
	if (tot > 0xFFFF) {
		return -EINVAL;
	}
	put16(t, MCUBOOT_TLV_INFO_MAGIC);
	put16(t + 2, (uint32_t)tot);

	*out_len = hashed + tot;
	if (p->slot_size != 0) {
		int rc = write_padding(p, out, cap, hashed + tot, a);

		if (rc != 0) {
			return rc;
		}
		*out_len = p->slot_size;
	}
	return 0;
}

uint32_t mcuboot_img_hashed_len(const uint8_t *img)
{
	return (uint32_t)get16(img + 8) + get32(img + 12) + get16(img + 10);
}

int mcuboot_img_layout(const uint8_t *img, size_t len, struct mcuboot_img_layout *l)
{
	uint64_t off;

	if (img == NULL || l == NULL) {
		return -EINVAL;
	}
	if (len < MCUBOOT_IMG_HEADER_SIZE || get32(img) != MCUBOOT_IMG_MAGIC) {
		return -EBADMSG;
	}
	l->hdr_size = get16(img + 8);
	l->prot_size = get16(img + 10);
	l->img_size = get32(img + 12);
	off = (uint64_t)l->hdr_size + l->img_size;
	if (l->hdr_size < MCUBOOT_IMG_HEADER_SIZE || off + TLV_HDR > len) {
		return -EBADMSG;
	}
	if (get16(img + off) == MCUBOOT_TLV_PROT_INFO_MAGIC) {
		if (get16(img + off + 2) != l->prot_size || l->prot_size < TLV_HDR) {
			return -EBADMSG;
		}
		off += l->prot_size;
	} else if (l->prot_size != 0) {
		return -EBADMSG;
	}
	if (off + TLV_HDR > len || get16(img + off) != MCUBOOT_TLV_INFO_MAGIC) {
		return -EBADMSG;
	}
	l->tlv_off = (uint32_t)off;
	l->tlv_size = get16(img + off + 2);
	if (l->tlv_size < TLV_HDR || off + l->tlv_size > len) {
		return -EBADMSG;
	}
	l->end = (uint32_t)(off + l->tlv_size);
	return 0;
}

int mcuboot_img_find_tlv(const uint8_t *img, size_t len, bool protected_area, uint16_t type,
			 uint32_t *off, uint16_t *tlv_len)
{
	struct mcuboot_img_layout l;
	uint32_t pos, end;
	int rc = mcuboot_img_layout(img, len, &l);

	if (rc != 0) {
		return rc;
	}
	if (protected_area) {
		if (l.prot_size == 0) {
			return -ENOENT;
		}
		pos = l.hdr_size + l.img_size;
		end = pos + l.prot_size;
	} else {
		pos = l.tlv_off;
		end = l.end;
	}
	for (pos += TLV_HDR; pos + TLV_HDR <= end;) {
		uint16_t t = get16(img + pos);
		uint16_t n = get16(img + pos + 2);

		if (n > end - pos - TLV_HDR) {
			return -EBADMSG;
		}
		if (t == type) {
			*off = pos + TLV_HDR;
			*tlv_len = n;
			return 0;
		}
		pos += TLV_HDR + n;
	}
	return -ENOENT;
}

/* Offset and size of each header field. */
static const uint8_t field_pos[][2] = {
	[MCUBOOT_HDR_MAGIC] = {0, 4},         [MCUBOOT_HDR_LOAD_ADDR] = {4, 4},
	[MCUBOOT_HDR_HDR_SIZE] = {8, 2},      [MCUBOOT_HDR_PROT_TLV_SIZE] = {10, 2},
	[MCUBOOT_HDR_IMG_SIZE] = {12, 4},     [MCUBOOT_HDR_FLAGS] = {16, 4},
	[MCUBOOT_HDR_VER_MAJOR] = {20, 1},    [MCUBOOT_HDR_VER_MINOR] = {21, 1},
	[MCUBOOT_HDR_VER_REVISION] = {22, 2}, [MCUBOOT_HDR_VER_BUILD] = {24, 4},
	[MCUBOOT_HDR_PAD1] = {28, 4},
};

uint32_t mcuboot_img_get_hdr(const uint8_t *img, enum mcuboot_hdr_field f)
{
	const uint8_t *p = img + field_pos[f][0];

	switch (field_pos[f][1]) {
	case 1:
		return p[0];
	case 2:
		return get16(p);
	default:
		return get32(p);
	}
}

void mcuboot_img_set_hdr(uint8_t *img, enum mcuboot_hdr_field f, uint32_t value)
{
	uint8_t *p = img + field_pos[f][0];

	switch (field_pos[f][1]) {
	case 1:
		p[0] = (uint8_t)value;
		break;
	case 2:
		put16(p, value);
		break;
	default:
		put32(p, value);
		break;
	}
}

void mcuboot_img_flip_bit(uint8_t *img, size_t off, unsigned bit)
{
	img[off] ^= (uint8_t)(1u << (bit & 7u));
}

int mcuboot_img_append_tlv(uint8_t *img, size_t cap, size_t *len, uint16_t type,
			   const uint8_t *data, uint16_t n)
{
	struct mcuboot_img_layout l;
	int rc = mcuboot_img_layout(img, *len, &l);

	if (rc != 0) {
		return rc;
	}
	if (l.end != *len || cap - *len < TLV_HDR + (size_t)n ||
	    l.tlv_size + TLV_HDR + (size_t)n > 0xFFFF) {
		return -ENOSPC;
	}
	put_tlv(img + *len, type, data, n);
	put16(img + l.tlv_off + 2, l.tlv_size + TLV_HDR + n);
	*len += TLV_HDR + n;
	return 0;
}

int mcuboot_img_remove_tlv(uint8_t *img, size_t *len, uint16_t type)
{
	struct mcuboot_img_layout l;
	uint32_t off;
	uint16_t n;
	int rc = mcuboot_img_layout(img, *len, &l);

	if (rc == 0) {
		rc = mcuboot_img_find_tlv(img, *len, false, type, &off, &n);
	}
	if (rc != 0) {
		return rc;
	}
	off -= TLV_HDR;
	memmove(img + off, img + off + TLV_HDR + n, *len - (off + TLV_HDR + n));
	put16(img + l.tlv_off + 2, l.tlv_size - TLV_HDR - n);
	*len -= TLV_HDR + n;
	return 0;
}
