/*
 * Port contract checks, CRC-32 and the public key DER parser.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "dfu/dfu_modem.h"
#include "dfu/dfu_port.h"
#include "dfu/dfu_stream.h"

int dfu_flash_validate(const struct dfu_flash *f)
{
	if (f == NULL || f->read == NULL || f->program == NULL || f->erase == NULL) {
		return -EINVAL;
	}
	if (f->write_block == 0 || f->erase_block < f->write_block ||
	    f->erase_block % f->write_block != 0 || f->size == 0 || f->size % f->erase_block != 0) {
		return -EINVAL;
	}
	return 0;
}

int dfu_kv_validate(const struct dfu_kv *kv)
{
	if (kv == NULL || kv->read == NULL || kv->write == NULL || kv->remove == NULL) {
		return -EINVAL;
	}
	return 0;
}

uint32_t dfu_crc32(uint32_t crc, const void *buf, size_t len)
{
	/* Nibble table: 64 B of .rodata, ~2x8 instructions per byte (the
	 * bitwise loop cost ~70, which dominated the checkpoint cost). */
	static const uint32_t tab[16] = {
		0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u,
		0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
		0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
	};
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ tab[crc & 15u];
		crc = (crc >> 4) ^ tab[crc & 15u];
	}
	return ~crc;
}

int dfu_modem_delta_validate(const struct dfu_modem_delta *m)
{
	if (m == NULL || m->uuid == NULL || m->area == NULL || m->offset == NULL ||
	    m->write_init == NULL || m->write == NULL || m->write_done == NULL ||
	    m->erase == NULL || m->update == NULL || m->rollback == NULL) {
		return -EINVAL;
	}
	return 0;
}

/* ---- public key DER (dfu_key_parse) ---------------------------------- */

/* A window [p, end) of untrusted DER bytes; tag: the TLV it is the value
 * of (der_next). */
struct der {
	const uint8_t *p;
	const uint8_t *end;
	uint8_t tag;
};

#define DER_INTEGER 0x02u
#define DER_BIT_STRING 0x03u
#define DER_NULL 0x05u
#define DER_OID 0x06u
#define DER_SEQUENCE 0x30u

static size_t der_left(const struct der *r)
{
	return (size_t)(r->end - r->p);
}

/* The next TLV of r (tag checked unless any): its value into v, r past it.
 * Definite, minimal lengths of at most two length bytes. */
static int der_next(struct der *r, uint8_t tag, bool any, struct der *v)
{
	size_t avail = der_left(r);
	size_t hl = 2;
	size_t len;

	if (avail < 2 || (!any && r->p[0] != tag) || (r->p[0] & 0x1fu) == 0x1fu) {
		return -EINVAL; /* short, other tag, or a multi-byte tag */
	}
	len = r->p[1];
	if (len == 0x81u) {
		if (avail < 3 || r->p[2] < 0x80u) {
			return -EINVAL;
		}
		len = r->p[2];
		hl = 3;
	} else if (len == 0x82u) {
		if (avail < 4 || r->p[2] == 0) {
			return -EINVAL;
		}
		len = ((size_t)r->p[2] << 8) | r->p[3];
		hl = 4;
	} else if (len >= 0x80u) {
		return -EINVAL; /* indefinite, or more than 64 KiB */
	}
	if (len > avail - hl) {
		return -EINVAL;
	}
	v->tag = r->p[0];
	v->p = r->p + hl;
	v->end = v->p + len;
	r->p = v->end;
	return 0;
}

static int der_get(struct der *r, uint8_t tag, struct der *v)
{
	return der_next(r, tag, false, v);
}

/* A positive, minimally encoded INTEGER: v gets its magnitude without the
 * sign byte (one byte 0x00 for zero). */
static int der_uint(struct der *r, struct der *v)
{
	int err = der_get(r, DER_INTEGER, v);

	if (err) {
		return err;
	}
	size_t n = der_left(v);

	if (n == 0 || (v->p[0] & 0x80u) != 0) {
		return -EINVAL; /* empty or negative */
	}
	if (v->p[0] == 0 && n > 1) {
		if ((v->p[1] & 0x80u) == 0) {
			return -EINVAL; /* a leading zero that is not a sign byte */
		}
		v->p++;
	}
	return 0;
}

static bool der_is(const struct der *v, const uint8_t *bytes, size_t n)
{
	return der_left(v) == n && memcmp(v->p, bytes, n) == 0;
}

static uint32_t bit_length(const uint8_t *mag, size_t n)
{
	uint32_t bits = (uint32_t)(n - 1u) * 8u;

	for (uint8_t top = mag[0]; top != 0; top >>= 1) {
		bits++;
	}
	return bits;
}

/* PKCS#1 RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent
 * INTEGER }, exactly the bytes [der, der + len). */
static int parse_pkcs1(const uint8_t *der, size_t len, struct dfu_key *out)
{
	struct der r = {der, der + len, 0};
	struct der seq;
	struct der n;
	struct der e;

	if (der_get(&r, DER_SEQUENCE, &seq) != 0 || der_left(&r) != 0 || der_uint(&seq, &n) != 0 ||
	    der_uint(&seq, &e) != 0 || der_left(&seq) != 0) {
		return -EINVAL;
	}
	if (n.p[0] == 0 || e.p[0] == 0 || der_left(&n) > 0x2000u) {
		return -EINVAL; /* zero modulus or exponent; over 64 Kibit */
	}
	out->kind = DFU_KEY_RSA;
	out->bits = bit_length(n.p, der_left(&n));
	out->pub = der;
	out->pub_len = len;
	out->mod = n.p;
	out->mod_len = der_left(&n);
	return 0;
}

static int parse_spki(struct der *seq, struct dfu_key *out)
{
	/* id-ecPublicKey, prime256v1, rsaEncryption, id-Ed25519 (contents) */
	static const uint8_t oid_ec[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
	static const uint8_t oid_p256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
	static const uint8_t oid_rsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
	static const uint8_t oid_ed25519[] = {0x2b, 0x65, 0x70};
	struct der alg;
	struct der oid;
	struct der param = {NULL, NULL, 0};
	struct der bits;

	if (der_get(seq, DER_SEQUENCE, &alg) != 0 || der_get(&alg, DER_OID, &oid) != 0 ||
	    der_left(&oid) == 0) {
		return -EINVAL;
	}
	if (der_left(&alg) != 0 && (der_next(&alg, 0, true, &param) != 0 || der_left(&alg) != 0)) {
		return -EINVAL; /* at most one parameters element */
	}
	bool has_param = param.p != NULL;
	if (der_get(seq, DER_BIT_STRING, &bits) != 0 || der_left(seq) != 0 || der_left(&bits) < 2 ||
	    bits.p[0] != 0) {
		return -EINVAL; /* no key bits, or unused bits */
	}
	out->pub = bits.p + 1;
	out->pub_len = der_left(&bits) - 1u;
	out->spki = 1;
	if (der_is(&oid, oid_ec, sizeof(oid_ec))) {
		if (!has_param) {
			return -EINVAL; /* RFC 5480: the curve is required */
		}
		out->kind = param.tag == DER_OID && der_is(&param, oid_p256, sizeof(oid_p256))
				    ? DFU_KEY_EC_P256
				    : DFU_KEY_EC_OTHER;
		if (out->kind == DFU_KEY_EC_P256) {
			bool full = out->pub_len == 65 && out->pub[0] == 0x04;
			bool compressed = out->pub_len == 33 && (out->pub[0] | 1u) == 0x03;

			if (!full && !compressed) {
				return -EINVAL;
			}
			out->bits = 256;
		}
		return 0;
	}
	if (der_is(&oid, oid_rsa, sizeof(oid_rsa))) {
		if (has_param && (param.tag != DER_NULL || der_left(&param) != 0)) {
			return -EINVAL;
		}
		return parse_pkcs1(out->pub, out->pub_len, out);
	}
	if (der_is(&oid, oid_ed25519, sizeof(oid_ed25519))) {
		if (has_param || out->pub_len != 32) {
			return -EINVAL;
		}
		out->kind = DFU_KEY_ED25519;
		out->bits = 255;
		return 0;
	}
	out->kind = DFU_KEY_OTHER;
	return 0;
}

int dfu_key_parse(const uint8_t *der, size_t len, struct dfu_key *out)
{
	struct der r;
	struct der seq;
	int err;

	if (der == NULL || out == NULL) {
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	r = (struct der){der, der + len, 0};
	if (der_get(&r, DER_SEQUENCE, &seq) != 0 || der_left(&r) != 0 || der_left(&seq) == 0) {
		return -EINVAL;
	}
	if (seq.p[0] == DER_INTEGER) {
		err = parse_pkcs1(der, len, out);
	} else {
		err = parse_spki(&seq, out);
	}
	if (err) {
		memset(out, 0, sizeof(*out));
	}
	return err;
}

int dfu_key_sig_alg(const struct dfu_key *k)
{
	if (k == NULL) {
		return 0;
	}
	switch (k->kind) {
	case DFU_KEY_EC_P256:
		return DFU_SIG_ECDSA_P256;
	case DFU_KEY_ED25519:
		return DFU_SIG_ED25519;
	case DFU_KEY_RSA:
		return k->bits == 2048u   ? DFU_SIG_RSA2048_PSS
		       : k->bits == 3072u ? DFU_SIG_RSA3072_PSS
					  : 0;
	default:
		return 0;
	}
}

/* ---- ECDSA P-256 signature: DER (r, s) -> r || s ---- */

#define ECDSA_P256_LEN 32u

/* One INTEGER of at most 32 value bytes at *p (before end) into out,
 * left-padded with zeros; *p moves past it. */
static int der_int_p256(const uint8_t **p, const uint8_t *end, uint8_t out[ECDSA_P256_LEN])
{
	size_t avail = (size_t)(end - *p);
	const uint8_t *v;
	size_t n;

	if (avail < 2 || (*p)[0] != 0x02) {
		return -EBADMSG;
	}
	n = (*p)[1];
	/* 33 value bytes at most: a long-form length is never minimal DER */
	if (n == 0 || n >= 0x80u || n > avail - 2) {
		return -EBADMSG;
	}
	v = *p + 2;
	*p = v + n;
	if ((v[0] & 0x80u) != 0) {
		return -EBADMSG; /* negative */
	}
	if (v[0] == 0 && n > 1) {
		if ((v[1] & 0x80u) == 0) {
			return -EBADMSG; /* a leading zero that is not a sign byte */
		}
		v++;
		n--;
	}
	if (n > ECDSA_P256_LEN) {
		return -EBADMSG;
	}
	memset(out, 0, ECDSA_P256_LEN - n);
	memcpy(out + (ECDSA_P256_LEN - n), v, n);
	return 0;
}

int dfu_ecdsa_p256_sig_to_raw(const uint8_t *der, size_t der_len, uint8_t raw[64])
{
	const uint8_t *p;
	const uint8_t *end;
	int err;

	if (der == NULL || raw == NULL || der_len < 2 || der[0] != 0x30) {
		return -EBADMSG;
	}
	/* SEQUENCE, short-form length covering exactly the rest */
	if (der[1] >= 0x80u || (size_t)der[1] != der_len - 2) {
		return -EBADMSG;
	}
	p = der + 2;
	end = der + der_len;
	err = der_int_p256(&p, end, raw);
	if (err == 0) {
		err = der_int_p256(&p, end, raw + ECDSA_P256_LEN);
	}
	if (err == 0 && p != end) {
		err = -EBADMSG;
	}
	return err;
}
