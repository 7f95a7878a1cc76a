/*
 * MCUboot image: bootloader profiles, header checks, version comparison, hash
 * engine switch (verification from flash: mcuboot_verify.c).
 * Every field of the image is untrusted: byte-wise little-endian decoding,
 * sizes summed in 64 bits before any comparison.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "dfu/dfu_config.h"
#include "dfu_util.h"
#include "mcuboot_image.h"

static const uint8_t image_magic[4] = {0x3d, 0xb8, 0xf3, 0x96};

const struct dfu_mcuboot_profile dfu_mcuboot_profile_default = {0};
const struct dfu_mcuboot_profile dfu_mcuboot_profile_nrf9160 = {.sig_alg = DFU_SIG_ECDSA_P256};
const struct dfu_mcuboot_profile dfu_mcuboot_profile_nrf5340 = {.sig_alg = DFU_SIG_RSA2048_PSS};
const struct dfu_mcuboot_pair_profile mcuboot_prof_default = {.max_align = 8};
/* mcuboot_hdr_decode() (dfu-sim's format listing): compression flags are
 * described, not judged. */
const struct dfu_mcuboot_pair_profile mcuboot_prof_legacy = {
	.build = {.features = DFU_MCUBOOT_P_DECOMPRESS}, .max_align = 8};

int dfu_mcuboot_profile_get(const struct dfu_mcuboot_board *board,
			    const struct dfu_mcuboot_profile *def, int img,
			    struct dfu_mcuboot_pair_profile *out)
{
	if (board == NULL || out == NULL) {
		return -EINVAL;
	}
	if (img < 0 || img >= board->pair_count || board->pairs == NULL) {
		return -ENOENT;
	}
	const struct dfu_mcuboot_pair *pair = &board->pairs[img];
	const struct dfu_mcuboot_profile *b = pair->profile != NULL ? pair->profile
					      : def != NULL         ? def
								    : &dfu_mcuboot_profile_default;
	const uint32_t f = b->features;
	const uint8_t number = pair->image != 0 ? (uint8_t)(pair->image - 1u) : (uint8_t)img;

	if (b->key_tlv > DFU_MCUBOOT_PUBKEY || b->ecdsa_der > DFU_MCUBOOT_DER_STRICT ||
	    b->tlv_iter > DFU_MCUBOOT_ITER_CHECKED ||
	    (b->sig_alg > DFU_SIG_RSA3072_PSS && b->sig_alg != DFU_MCUBOOT_SIG_NONE) ||
	    ((f & DFU_MCUBOOT_P_DOWNGRADE_SECCNT) && !(f & DFU_MCUBOOT_P_DOWNGRADE)) ||
	    ((f & DFU_MCUBOOT_P_DECOMPRESS) && pair->mode != DFU_MCUBOOT_OVERWRITE) ||
	    number >= 0x0fu) {
		return -EINVAL;
	}
	*out = (struct dfu_mcuboot_pair_profile){
		.build = *b,
		.mode = pair->mode,
		.max_align = pair->max_align == 0 ? 8u : pair->max_align,
		.max_img_sectors = pair->max_img_sectors,
		.image_number = number,
		.stricter = (pair->mode == DFU_MCUBOOT_SWAP_SCRATCH ||
			     pair->mode == DFU_MCUBOOT_OVERWRITE)
				    ? DFU_MCUBOOT_STRICTER_TRAILER_SECTOR
				    : 0u,
	};
	return 0;
}

int mcuboot_version_cmp(const struct dfu_mcuboot_info *a, const struct dfu_mcuboot_info *b,
			const struct dfu_mcuboot_pair_profile *prof)
{
	uint64_t va = ((uint64_t)a->major << 24) | ((uint64_t)a->minor << 16) | a->revision;
	uint64_t vb = ((uint64_t)b->major << 24) | ((uint64_t)b->minor << 16) | b->revision;

	if (va == vb && prof != NULL && (prof->build.features & DFU_MCUBOOT_P_BUILD_NUMBER)) {
		va = a->build;
		vb = b->build;
	}
	return va < vb ? -1 : va > vb ? 1 : 0;
}

static int hdr_fail(struct dfu_mcuboot_info *info, uint8_t rule, int err)
{
	info->rule = rule;
	return err;
}

int mcuboot_hdr_check(const uint8_t *b, uint32_t max_img, uint32_t file_size,
		      const struct dfu_mcuboot_pair_profile *prof, bool allow_enc,
		      struct dfu_mcuboot_info *info)
{
	if (prof == NULL) {
		prof = &mcuboot_prof_default;
	}
	info->rule = DFU_MCUBOOT_RULE_NONE;
	if (memcmp(b, image_magic, sizeof(image_magic)) != 0) {
		return hdr_fail(info, DFU_MCUBOOT_RULE_HEADER, -EBADMSG);
	}
	info->load_addr = dfu_get_le32(&b[4]);
	info->hdr_size = mcuboot_le16(&b[8]);
	info->prot_size = mcuboot_le16(&b[10]);
	info->img_size = dfu_get_le32(&b[12]);
	info->flags = dfu_get_le32(&b[16]);
	info->major = b[20];
	info->minor = b[21];
	info->revision = mcuboot_le16(&b[22]);
	info->build = dfu_get_le32(&b[24]);

	const uint32_t enc = info->flags & (MCUBOOT_F_ENC128 | MCUBOOT_F_ENC256);
	const uint32_t comp =
		info->flags & (MCUBOOT_F_LZMA1 | MCUBOOT_F_LZMA2 | MCUBOOT_F_ARM_THUMB);
	const bool decompress = (prof->build.features & DFU_MCUBOOT_P_DECOMPRESS) != 0;

	/* PIC (0x1), 0x2, RAM_LOAD, ROM_FIXED, undefined bits and a header
	 * size below 32 (0 included): never checked by bootutil's swap and
	 * overwrite loaders (1.1). */
	if (enc == (MCUBOOT_F_ENC128 | MCUBOOT_F_ENC256)) {
		return hdr_fail(info, DFU_MCUBOOT_RULE_ENCRYPTION, -EBADMSG);
	}
	if (comp != 0 && !decompress) {
		return hdr_fail(info, DFU_MCUBOOT_RULE_COMPRESSION, -ENOTSUP);
	}
	if ((comp & (MCUBOOT_F_LZMA1 | MCUBOOT_F_LZMA2)) == (MCUBOOT_F_LZMA1 | MCUBOOT_F_LZMA2)) {
		return hdr_fail(info, DFU_MCUBOOT_RULE_COMPRESSION, -EBADMSG);
	}
	/* A protected area holds at least its 4-byte info. */
	if (info->prot_size != 0 && info->prot_size < 4u) {
		return hdr_fail(info, DFU_MCUBOOT_RULE_TLV_INFO, -EBADMSG);
	}
	uint64_t hashed = (uint64_t)info->hdr_size + info->img_size + info->prot_size;

	/* The unprotected TLV info (4 bytes) must follow as well. */
	if (hashed + 4u > max_img || (file_size != 0 && hashed + 4u > file_size)) {
		return hdr_fail(info, DFU_MCUBOOT_RULE_IMAGE_SIZE, -EFBIG);
	}
	if (enc != 0 && !allow_enc) {
		return hdr_fail(info, DFU_MCUBOOT_RULE_ENCRYPTION, -ENOTSUP);
	}
	return 0;
}

int mcuboot_hdr_decode(const uint8_t *b, uint32_t max_img, uint32_t file_size, bool allow_enc,
		       struct dfu_mcuboot_info *info)
{
	return mcuboot_hdr_check(b, max_img, file_size, &mcuboot_prof_legacy, allow_enc, info);
}

/* ---- hash engine -------------------------------------------------------- */

static bool port_hash(const struct dfu_crypto *c)
{
	return c != NULL && c->sha256_start != NULL && c->sha256_update != NULL &&
	       c->sha256_finish != NULL;
}

int mcuboot_hash_start(const struct dfu_crypto *c, struct dfu_sha256 *sw)
{
	if (port_hash(c)) {
		return c->sha256_start(c->ctx);
	}
	dfu_sha256_init(sw);
	return 0;
}

int mcuboot_hash_update(const struct dfu_crypto *c, struct dfu_sha256 *sw, const void *p, size_t n)
{
	if (port_hash(c)) {
		return c->sha256_update(c->ctx, p, n);
	}
	dfu_sha256_update(sw, p, n);
	return 0;
}

int mcuboot_hash_finish(const struct dfu_crypto *c, struct dfu_sha256 *sw,
			uint8_t out[DFU_SHA256_SIZE])
{
	if (port_hash(c)) {
		return c->sha256_finish(c->ctx, out);
	}
	dfu_sha256_final(sw, out);
	return 0;
}

/* ---- lenient ECDSA DER (TinyCrypt / CC310 bootutil_decode_sig) --------- */

/* mbedtls_asn1_get_tag: tag, then a short or 1..4-byte long length that
 * fits before end. */
static int asn1_tag(const uint8_t **p, const uint8_t *end, uint8_t tag, size_t *len)
{
	if (end - *p < 1 || **p != tag) {
		return -1;
	}
	(*p)++;
	if (end - *p < 1) {
		return -1;
	}
	size_t l = **p;

	if (l & 0x80u) {
		size_t n = l & 0x7fu;

		if (n == 0 || n > 4 || (size_t)(end - *p) <= n) {
			return -1;
		}
		l = 0;
		for (size_t i = 0; i < n; i++) {
			(*p)++;
			l = (l << 8) | **p;
		}
	}
	(*p)++;
	if (l > (size_t)(end - *p)) {
		return -1;
	}
	*len = l;
	return 0;
}

/* bootutil_read_bigint: >= 32 bytes keep the last 32, shorter left-padded. */
static int read_bigint(uint8_t out[32], const uint8_t **p, const uint8_t *end)
{
	size_t len;

	if (asn1_tag(p, end, 0x02, &len) != 0) {
		return -1;
	}
	if (len >= 32u) {
		memcpy(out, *p + len - 32u, 32u);
	} else {
		memset(out, 0, 32u - len);
		memcpy(out + 32u - len, *p, len);
	}
	*p += len;
	return 0;
}

static size_t der_int(uint8_t *o, const uint8_t v[32])
{
	size_t i = 0;

	while (i < 31u && v[i] == 0) {
		i++;
	}
	size_t n = 32u - i;
	bool pad = (v[i] & 0x80u) != 0;

	o[0] = 0x02;
	o[1] = (uint8_t)(n + (pad ? 1u : 0u));
	if (pad) {
		o[2] = 0;
	}
	memcpy(o + 2 + (pad ? 1 : 0), v + i, n);
	return 2u + (pad ? 1u : 0u) + n;
}

int mcuboot_ecdsa_lenient(const uint8_t *sig, size_t len, uint8_t out[72])
{
	const uint8_t *p = sig;
	const uint8_t *end = sig + len;
	uint8_t r[32];
	uint8_t s[32];
	size_t seq;

	if (asn1_tag(&p, end, 0x30, &seq) != 0 || read_bigint(r, &p, end) != 0 ||
	    read_bigint(s, &p, end) != 0) {
		return -EBADMSG;
	}
	size_t n = der_int(out + 2, r);

	n += der_int(out + 2 + n, s);
	out[0] = 0x30;
	out[1] = (uint8_t)n;
	return (int)n + 2;
}

/* ---- verdict ------------------------------------------------------------ */

int mcuboot_verdict(const struct dfu_mcuboot_info *info, uint8_t key_count, bool allow_enc)
{
	switch (info->rule) {
	case DFU_MCUBOOT_RULE_NONE:
	case DFU_MCUBOOT_RULE_HASH_MISSING:
		break;
	case DFU_MCUBOOT_RULE_HASH:
		return -EILSEQ;
	case DFU_MCUBOOT_RULE_SEC_CNT:
	case DFU_MCUBOOT_RULE_DOWNGRADE:
		return -ESTALE;
	case DFU_MCUBOOT_RULE_ENCRYPTION:
	case DFU_MCUBOOT_RULE_COMPRESSION:
		return -ENOTSUP;
	case DFU_MCUBOOT_RULE_IMAGE_SIZE:
		return -EFBIG;
	case DFU_MCUBOOT_RULE_SIGNATURE:
	case DFU_MCUBOOT_RULE_SIGNATURE_MISSING:
	case DFU_MCUBOOT_RULE_KEY_NOT_FOUND:
		return -EACCES;
	case DFU_MCUBOOT_RULE_SIGNATURE_TYPE:
		return -ENOTSUP;
	default:
		return -EBADMSG;
	}
	switch (info->hash) {
	case DFU_MCUBOOT_CHECK_OK:
		break;
	case DFU_MCUBOOT_CHECK_UNVERIFIABLE:
		return allow_enc ? 0 : -ENOTSUP;
	case DFU_MCUBOOT_CHECK_BAD:
		return -EILSEQ;
	case DFU_MCUBOOT_CHECK_UNSUPPORTED:
		return -ENOTSUP;
	default:
		return -EBADMSG; /* no SHA-256 TLV */
	}
	if (key_count == 0) {
		return 0;
	}
	switch (info->signature) {
	case DFU_MCUBOOT_CHECK_OK:
		return 0;
	case DFU_MCUBOOT_CHECK_UNSUPPORTED:
		return -ENOTSUP;
	default:
		return -EACCES;
	}
}
