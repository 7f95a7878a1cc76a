/*
 * MCUboot test vectors embedded in the binary (see vectors.h).
 *
 * The files are pulled in with the assembler's .incbin from DFU_VECTORS_DIR
 * (a string macro set by CMake); each blob gets a start and an end symbol
 * and a NUL after it, so embedded PEM text is a C string.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "vectors.h"

#include <errno.h>
#include <string.h>

#include "mcuboot_img.h"

#ifndef DFU_VECTORS_DIR
#error "DFU_VECTORS_DIR (path of tests/vectors/mcuboot) must be defined"
#endif

/* One read-only section per file; sym .. sym_end is the file's content. */
#define VEC_BLOB(sym, file)                                               \
	__asm__(".pushsection .rodata.dfu_vec." #sym ",\"a\",%progbits\n" \
		".balign 8\n"                                             \
		".global " #sym "\n"                                      \
		".hidden " #sym "\n"                                      \
		".type " #sym ", %object\n" #sym ":\n"                    \
		".incbin \"" DFU_VECTORS_DIR "/" file "\"\n"              \
		".global " #sym "_end\n"                                  \
		".hidden " #sym "_end\n" #sym "_end:\n"                   \
		".byte 0\n"                                               \
		".popsection\n");                                         \
	extern const uint8_t sym[];                                       \
	extern const uint8_t sym##_end[]

VEC_BLOB(dfu_vec_v01, "v01.bin");
VEC_BLOB(dfu_vec_v02, "v02.bin");
VEC_BLOB(dfu_vec_v03, "v03.bin");
VEC_BLOB(dfu_vec_v04, "v04.bin");
VEC_BLOB(dfu_vec_v05, "v05.bin");
VEC_BLOB(dfu_vec_v06, "v06.bin");
VEC_BLOB(dfu_vec_v07, "v07.bin");
VEC_BLOB(dfu_vec_v08, "v08.bin");
VEC_BLOB(dfu_vec_v09, "v09.bin");
VEC_BLOB(dfu_vec_v10, "v10.bin");
VEC_BLOB(dfu_vec_v11, "v11.bin");
VEC_BLOB(dfu_vec_v12, "v12.bin");
VEC_BLOB(dfu_vec_ec_p256_pub, "ec-p256.pub.pem");
VEC_BLOB(dfu_vec_ec_p256_priv, "ec-p256.pem");
VEC_BLOB(dfu_vec_ed25519_pub, "ed25519.pub.pem");
VEC_BLOB(dfu_vec_ed25519_priv, "ed25519.pem");
VEC_BLOB(dfu_vec_rsa2048_pub, "rsa-2048.pub.pem");
VEC_BLOB(dfu_vec_rsa2048_priv, "rsa-2048.pem");
VEC_BLOB(dfu_vec_enc_p256_pub, "enc-p256.pub.pem");
VEC_BLOB(dfu_vec_enc_p256_priv, "enc-p256.pem");
VEC_BLOB(dfu_vec_ec_p384_pub, "ec-p384.pub.pem");
VEC_BLOB(dfu_vec_rsa3072_pub, "rsa-3072.pub.pem");
VEC_BLOB(dfu_vec_rsa3072_priv, "rsa-3072.pem");
VEC_BLOB(dfu_vec_rsa2048_other_pub, "rsa-2048-other.pub.pem");

#define DATA(sym, n) .data = sym, .end = sym##_end, .len = (n)

/* Sizes, digests and versions: VERIFY.txt. Options: README.md and the
 * vNN.dumpinfo.txt files. */
const struct vec_image vec_images[] = {
	{
		.name = "v01",
		DATA(dfu_vec_v01, 66321),
		.has_digest = true,
		.digest = {0x13, 0x5d, 0x2d, 0xe8, 0x03, 0xbe, 0x4b, 0x7a, 0x1a, 0x99, 0x85,
			   0xdb, 0x68, 0x12, 0x57, 0x77, 0xa8, 0x39, 0x40, 0x88, 0x38, 0x8b,
			   0xba, 0x50, 0x14, 0x28, 0x15, 0xa9, 0x48, 0x14, 0x4e, 0x2c},
		.version = {1, 2, 3, 4},
		.key = VEC_KEY_EC_P256,
		.sig_tlv = 0x22,
		.hdr_size = 0x200,
	},
	{
		.name = "v02",
		DATA(dfu_vec_v02, 458752),
		.has_digest = true,
		.digest = {0x8d, 0xf1, 0xec, 0xcb, 0x19, 0x74, 0x77, 0x47, 0x86, 0x41, 0x99,
			   0x95, 0xe6, 0xda, 0x39, 0xe6, 0x9c, 0xb6, 0x83, 0x2c, 0x68, 0x9f,
			   0x8f, 0x68, 0x08, 0xa6, 0x81, 0x32, 0x3c, 0x37, 0xa2, 0xca},
		.version = {1, 2, 3, 4},
		.key = VEC_KEY_EC_P256,
		.sig_tlv = 0x22,
		.hdr_size = 0x200,
		.slot_size = 0x70000,
		.max_align = 8,
	},
	{
		.name = "v03",
		DATA(dfu_vec_v03, 458752),
		.has_digest = true,
		.digest = {0x77, 0xd4, 0x0e, 0x25, 0x97, 0xb1, 0xe1, 0xb5, 0x71, 0x3a, 0xe2,
			   0xbe, 0x0d, 0xd8, 0x92, 0x1a, 0x42, 0xdc, 0xa7, 0xb1, 0x70, 0x26,
			   0x87, 0x93, 0xbf, 0xf2, 0x96, 0x0b, 0xcb, 0x56, 0x32, 0x8d},
		.version = {2, 0, 0, 0},
		.key = VEC_KEY_EC_P256,
		.sig_tlv = 0x22,
		.hdr_size = 0x200,
		.slot_size = 0x70000,
		.max_align = 8,
		.confirm = true,
	},
	{
		.name = "v04",
		DATA(dfu_vec_v04, 32229),
		.has_digest = true,
		.digest = {0x0e, 0xbd, 0xf7, 0xde, 0x1e, 0xaf, 0x64, 0x67, 0x25, 0x90, 0xc4,
			   0x40, 0x73, 0xf7, 0x2b, 0x51, 0xdd, 0x6c, 0xe6, 0xcb, 0x9b, 0x9a,
			   0x83, 0x05, 0x41, 0xaf, 0xe4, 0xdc, 0x4b, 0xa0, 0x71, 0xb1},
		.version = {3, 1, 0, 77},
		.key = VEC_KEY_ED25519,
		.sig_tlv = 0x24,
		.hdr_size = 0x800,
		.has_sec_cnt = true,
		.sec_cnt = 7,
		.has_dep = true,
		.dep_id = 1,
		.dep_version = {1, 0, 0, 0},
		.custom_type = 0xa0,
		.custom_len = 4,
		.custom = {0x0b, 0xad, 0xca, 0xfe},
	},
	{
		.name = "v05",
		DATA(dfu_vec_v05, 131072),
		.has_digest = true,
		.digest = {0x51, 0x39, 0x21, 0x35, 0x66, 0x12, 0xd8, 0xf0, 0x70, 0xa0, 0x22,
			   0x8b, 0x72, 0x55, 0x63, 0x75, 0x95, 0xd9, 0xc2, 0xe5, 0xbf, 0x14,
			   0x37, 0xee, 0x0d, 0x21, 0xfa, 0x49, 0x64, 0x2b, 0x0a, 0xa0},
		.version = {0, 0, 1, 0},
		.key = VEC_KEY_RSA2048,
		.sig_tlv = 0x20,
		.hdr_size = 0x200,
		.slot_size = 0x20000,
		.max_align = 16,
	},
	{
		.name = "v06",
		DATA(dfu_vec_v06, 663),
		.has_digest = true,
		.digest = {0x3d, 0xe1, 0x18, 0x70, 0x33, 0x36, 0x12, 0x54, 0xe8, 0xda, 0xdc,
			   0x85, 0xd8, 0xc6, 0xd3, 0xdd, 0xa4, 0xc6, 0xbf, 0xbb, 0x4c, 0x71,
			   0x2d, 0x8f, 0xd5, 0xdf, 0x1c, 0x01, 0x2c, 0xe8, 0x93, 0xe8},
		.version = {0, 0, 0, 0},
		.key = VEC_KEY_EC_P256,
		.sig_tlv = 0x22,
		.hdr_size = 0x200,
	},
	{
		.name = "v07",
		DATA(dfu_vec_v07, 50779),
		.has_digest = false,
		.version = {1, 0, 0, 0}, /* dumpinfo (imgtool verify gives none) */
		.key = VEC_KEY_EC_P256,
		.sig_tlv = 0x22,
		.hdr_size = 0x200,
		.flags = 0x4, /* ENCRYPTED_AES128 */
		.encrypted = true,
	},
	{
		.name = "v08",
		DATA(dfu_vec_v08, 14649),
		.has_digest = true,
		.digest = {0x60, 0xa5, 0x22, 0x72, 0x7f, 0xd6, 0x87, 0xbf, 0xbc, 0xba, 0x1c,
			   0x9f, 0xc6, 0x01, 0x0d, 0x39, 0xd8, 0xa5, 0xfb, 0x60, 0xc5, 0xac,
			   0xb0, 0xbb, 0xd0, 0x6b, 0x51, 0x00, 0x8e, 0xa9, 0xb8, 0x8c},
		.version = {1, 0, 0, 0},
		.key = VEC_KEY_EC_P256,
		.sig_tlv = 0x22,
		.hdr_size = 0x200,
		.flags = 0x400, /* COMPRESSED_LZMA2 */
		.compressed = true,
	},
	{
		.name = "v09",
		DATA(dfu_vec_v09, 12897),
		.has_digest = true,
		.digest = {0xf6, 0xcc, 0xbb, 0xd4, 0x88, 0x46, 0xd0, 0x59, 0x07, 0x82, 0xaa,
			   0x43, 0xc1, 0x7b, 0x44, 0x68, 0x56, 0xf2, 0x38, 0x3d, 0x8a, 0xa9,
			   0x98, 0xac, 0x9b, 0xad, 0x2c, 0x07, 0x01, 0x73, 0xe1, 0xad},
		.version = {9, 9, 9, 0},
		.key = VEC_KEY_NONE,
		.hdr_size = 0x200,
	},
	{
		.name = "v10",
		DATA(dfu_vec_v10, 410322),
		.has_digest = true,
		.digest = {0x02, 0x81, 0xde, 0x71, 0x23, 0x76, 0x4c, 0xdd, 0xcb, 0x51, 0xc5,
			   0xef, 0xf1, 0x5c, 0x17, 0x70, 0x34, 0xea, 0xad, 0x30, 0x4e, 0xa7,
			   0x7c, 0x80, 0x0d, 0x24, 0xcd, 0xfa, 0xf6, 0x24, 0x25, 0x08},
		.version = {4, 0, 0, 0},
		.key = VEC_KEY_EC_P256,
		.sig_tlv = 0x22,
		.full_pubkey = true,
		.hdr_size = 0x200,
	},
	{
		.name = "v11",
		DATA(dfu_vec_v11, 65536),
		.has_digest = true,
		.digest = {0xef, 0xdc, 0x7b, 0x51, 0xfd, 0x58, 0x63, 0xc0, 0x7e, 0x8b, 0xd9,
			   0xcc, 0x55, 0x73, 0xc8, 0x72, 0xcd, 0xaf, 0xc9, 0x58, 0x6b, 0x76,
			   0x53, 0x38, 0xf0, 0x8b, 0x47, 0xfa, 0x66, 0x3e, 0x3c, 0x03},
		.version = {1, 0, 0, 0},
		.key = VEC_KEY_EC_P256,
		.sig_tlv = 0x22,
		.hdr_size = 0x400,
		.slot_size = 0x10000,
		.max_align = 32,
		.confirm = true,
	},
	{
		.name = "v12",
		DATA(dfu_vec_v12, 78440),
		.has_digest = true,
		.digest = {0x8e, 0x77, 0xdc, 0x33, 0x4c, 0x7a, 0xf9, 0x33, 0x4a, 0xf4, 0xc0,
			   0xc3, 0x51, 0x9b, 0x54, 0xef, 0xd6, 0x5e, 0x69, 0x8d, 0x07, 0xa6,
			   0xc6, 0xaa, 0x82, 0x8a, 0x2d, 0x7f, 0x43, 0xab, 0xd0, 0xd3},
		.version = {1, 0, 0, 0},
		.key = VEC_KEY_EC_P256,
		.sig_tlv = 0x22,
		.hdr_size = 0x200,
		.load_addr = 0x20000000,
		.flags = 0x30, /* NON_BOOTABLE | RAM_LOAD */
	},
};

const size_t vec_image_count = sizeof(vec_images) / sizeof(vec_images[0]);

const struct vec_image *vec_find(const char *name)
{
	for (size_t i = 0; i < vec_image_count; i++) {
		if (strcmp(vec_images[i].name, name) == 0) {
			return &vec_images[i];
		}
	}
	return NULL;
}

const uint8_t *vec_tlv(const struct vec_image *v, uint16_t type, uint16_t *len)
{
	uint32_t off;

	if (mcuboot_img_find_tlv(v->data, v->len, false, type, &off, len) != 0) {
		*len = 0;
		return NULL;
	}
	return v->data + off;
}

struct pem_pair {
	const uint8_t *pub, *pub_end, *priv, *priv_end;
};

static const struct pem_pair pems[VEC_KEY_COUNT] = {
	[VEC_KEY_EC_P256] = {dfu_vec_ec_p256_pub, dfu_vec_ec_p256_pub_end, dfu_vec_ec_p256_priv,
			     dfu_vec_ec_p256_priv_end},
	[VEC_KEY_ED25519] = {dfu_vec_ed25519_pub, dfu_vec_ed25519_pub_end, dfu_vec_ed25519_priv,
			     dfu_vec_ed25519_priv_end},
	[VEC_KEY_RSA2048] = {dfu_vec_rsa2048_pub, dfu_vec_rsa2048_pub_end, dfu_vec_rsa2048_priv,
			     dfu_vec_rsa2048_priv_end},
	[VEC_KEY_ENC_P256] = {dfu_vec_enc_p256_pub, dfu_vec_enc_p256_pub_end, dfu_vec_enc_p256_priv,
			      dfu_vec_enc_p256_priv_end},
	[VEC_KEY_EC_P384] = {dfu_vec_ec_p384_pub, dfu_vec_ec_p384_pub_end, NULL, NULL},
	[VEC_KEY_RSA3072] = {dfu_vec_rsa3072_pub, dfu_vec_rsa3072_pub_end, dfu_vec_rsa3072_priv,
			     dfu_vec_rsa3072_priv_end},
	[VEC_KEY_RSA2048_OTHER] = {dfu_vec_rsa2048_other_pub, dfu_vec_rsa2048_other_pub_end, NULL,
				   NULL},
};

static const char *pem_of(const uint8_t *p, const uint8_t *end, size_t *len)
{
	if (p == NULL) {
		*len = 0;
		return NULL;
	}
	*len = (size_t)(end - p);
	return (const char *)p;
}

const char *vec_key_pub_pem(enum vec_key k, size_t *len)
{
	if ((unsigned)k >= VEC_KEY_COUNT) {
		*len = 0;
		return NULL;
	}
	return pem_of(pems[k].pub, pems[k].pub_end, len);
}

const char *vec_key_priv_pem(enum vec_key k, size_t *len)
{
	if ((unsigned)k >= VEC_KEY_COUNT) {
		*len = 0;
		return NULL;
	}
	return pem_of(pems[k].priv, pems[k].priv_end, len);
}

/* ---- PEM (RFC 7468): base64 between the BEGIN and END lines ---- */

static const char *find(const char *s, const char *end, const char *what)
{
	size_t n = strlen(what);

	for (; (size_t)(end - s) >= n; s++) {
		if (memcmp(s, what, n) == 0) {
			return s;
		}
	}
	return NULL;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

int vec_pem_to_der(const char *pem, size_t pem_len, uint8_t *der, size_t cap)
{
	const char *end = pem + pem_len;
	const char *p = find(pem, end, "-----BEGIN ");
	const char *stop;
	uint32_t acc = 0;
	unsigned bits = 0, chars = 0, pads = 0;
	size_t n = 0;

	if (p == NULL || (p = find(p, end, "\n")) == NULL ||
	    (stop = find(p, end, "-----END ")) == NULL) {
		return -EINVAL;
	}
	for (; p < stop; p++) {
		int v = b64_value(*p);

		if (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t') {
			continue;
		}
		chars++;
		if (*p == '=') {
			pads++;
			continue;
		}
		if (v < 0 || pads != 0) {
			return -EINVAL;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap) {
				return -ENOSPC;
			}
			der[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (chars % 4 != 0 || pads > 2) {
		return -EINVAL;
	}
	return (int)n;
}

/* ---- DER: just enough to find the RSAPublicKey inside an SPKI ---- */

/* Read one TLV header with the expected tag; *p ends at its content. */
static int der_enter(const uint8_t **p, const uint8_t *end, uint8_t tag, size_t *len)
{
	const uint8_t *q = *p;
	size_t l;

	if (end - q < 2 || q[0] != tag) {
		return -EINVAL;
	}
	l = q[1];
	q += 2;
	if (l & 0x80) {
		unsigned nb = l & 0x7f;

		if (nb == 0 || nb > 3 || (size_t)(end - q) < nb) {
			return -EINVAL;
		}
		l = 0;
		while (nb-- > 0) {
			l = (l << 8) | *q++;
		}
	}
	if ((size_t)(end - q) < l) {
		return -EINVAL;
	}
	*p = q;
	*len = l;
	return 0;
}

int vec_pubkey_load(enum vec_key k, struct vec_pubkey *out)
{
	const uint8_t *p, *end;
	const char *pem;
	size_t pem_len, len;
	int n;

	memset(out, 0, sizeof(*out));
	pem = vec_key_pub_pem(k, &pem_len);
	if (pem == NULL) {
		return -EINVAL;
	}
	n = vec_pem_to_der(pem, pem_len, out->spki, sizeof(out->spki));
	if (n < 0) {
		return n;
	}
	out->spki_len = (size_t)n;
	out->key = out->spki;
	out->key_len = out->spki_len;
	if (k != VEC_KEY_RSA2048 && k != VEC_KEY_RSA3072 && k != VEC_KEY_RSA2048_OTHER) {
		return 0;
	}
	/* SEQUENCE { SEQUENCE { algorithm }, BIT STRING { 0 unused, RSAPublicKey } } */
	p = out->spki;
	end = p + out->spki_len;
	if (der_enter(&p, end, 0x30, &len) != 0 || p + len != end ||
	    der_enter(&p, end, 0x30, &len) != 0) {
		return -EINVAL;
	}
	p += len;
	if (der_enter(&p, end, 0x03, &len) != 0 || p + len != end || len < 2 || p[0] != 0) {
		return -EINVAL;
	}
	out->key = p + 1;
	out->key_len = len - 1;
	return 0;
}
