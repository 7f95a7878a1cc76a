/*
 * MCUboot image: header checks, hash engine switch, verification from flash.
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

int mcuboot_hdr_decode(const uint8_t *b, uint32_t max_img, uint32_t file_size, bool allow_enc,
		       struct dfu_mcuboot_info *info)
{
	if (memcmp(b, image_magic, sizeof(image_magic)) != 0) {
		return -EBADMSG;
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

	uint32_t enc = info->flags & (MCUBOOT_F_ENC128 | MCUBOOT_F_ENC256);

	if (info->hdr_size < MCUBOOT_HDR_SIZE || enc == (MCUBOOT_F_ENC128 | MCUBOOT_F_ENC256) ||
	    (info->flags & MCUBOOT_F_PIC) != 0) {
		return -EBADMSG;
	}
	/* A protected area holds at least its 4-byte info. */
	if (info->prot_size != 0 && info->prot_size < 4u) {
		return -EBADMSG;
	}
	uint64_t hashed = (uint64_t)info->hdr_size + info->img_size + info->prot_size;

	/* The unprotected TLV info (4 bytes) must follow as well. */
	if (hashed + 4u > max_img || (file_size != 0 && hashed + 4u > file_size)) {
		return -EFBIG;
	}
	if (enc != 0 && !allow_enc) {
		return -ENOTSUP;
	}
	return 0;
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

/* ---- verification from flash ------------------------------------------ */

static int rd(const struct mcuboot_verify_args *a, uint32_t off, void *dst, size_t n)
{
	return a->flash->read(a->flash->ctx, a->base + off, dst, n);
}

/* Hash n bytes of flash at off (image-relative) into the running hash. */
static int hash_flash(const struct mcuboot_verify_args *a, uint32_t off, uint32_t n)
{
	while (n > 0) {
		uint32_t k = n < a->scratch_len ? n : a->scratch_len;
		int err = rd(a, off, a->scratch, k);

		if (err == 0) {
			err = mcuboot_hash_update(a->crypto, a->sha, a->scratch, k);
		}
		if (err) {
			return err;
		}
		off += k;
		n -= k;
	}
	return 0;
}

/* SHA-256 of a trusted key (its configured hash, or of its DER bytes). */
static int key_hash(const struct mcuboot_verify_args *a, const struct dfu_mcuboot_key *k,
		    uint8_t out[DFU_SHA256_SIZE])
{
	if (k->der == NULL) {
		if (k->hash == NULL) {
			return -EINVAL;
		}
		memcpy(out, k->hash, DFU_SHA256_SIZE);
		return 0;
	}
	int err = mcuboot_hash_start(a->crypto, a->sha);

	if (err == 0) {
		err = mcuboot_hash_update(a->crypto, a->sha, k->der, k->der_len);
	}
	return err ? err : mcuboot_hash_finish(a->crypto, a->sha, out);
}

/* Index of the trusted key whose hash is h, or -1. */
static int match_key(const struct mcuboot_verify_args *a, const uint8_t *h, int *err)
{
	uint8_t kh[DFU_SHA256_SIZE];

	for (int i = 0; i < a->key_count; i++) {
		*err = key_hash(a, &a->keys[i], kh);
		if (*err) {
			return -1;
		}
		if (memcmp(kh, h, DFU_SHA256_SIZE) == 0) {
			return i;
		}
	}
	return -1;
}

static int sig_alg(uint16_t type)
{
	switch (type) {
	case MCUBOOT_TLV_ECDSA:
		return DFU_SIG_ECDSA_P256;
	case MCUBOOT_TLV_ED25519:
		return DFU_SIG_ED25519;
	case MCUBOOT_TLV_RSA2048:
		return DFU_SIG_RSA2048_PSS;
	case MCUBOOT_TLV_RSA3072:
		return DFU_SIG_RSA3072_PSS;
	default:
		return 0;
	}
}

/* Better outcomes win: OK > BAD > UNSUPPORTED > NO_KEY > NONE. */
static uint8_t sig_rank(uint8_t s)
{
	static const uint8_t rank[] = {
		[DFU_MCUBOOT_CHECK_NONE] = 0,   [DFU_MCUBOOT_CHECK_OK] = 4,
		[DFU_MCUBOOT_CHECK_BAD] = 3,    [DFU_MCUBOOT_CHECK_UNSUPPORTED] = 2,
		[DFU_MCUBOOT_CHECK_NO_KEY] = 1, [DFU_MCUBOOT_CHECK_UNVERIFIABLE] = 0,
	};
	return s < sizeof(rank) ? rank[s] : 0;
}

struct walk {
	int key;          /* trusted key named by the last KEYHASH/PUBKEY */
	uint32_t pub_off; /* PUBKEY TLV value (0 = none) */
	uint16_t pub_len;
	const uint8_t *digest;
};

static int check_sig(const struct mcuboot_verify_args *a, struct walk *w,
		     struct dfu_mcuboot_info *info, uint16_t type, uint32_t off, uint16_t len)
{
	int alg = sig_alg(type);
	uint8_t res;

	if (alg == 0 || a->key_count == 0 || w->digest == NULL) {
		return 0;
	}
	if (w->key < 0) {
		res = DFU_MCUBOOT_CHECK_NO_KEY;
	} else if (a->crypto == NULL || a->crypto->verify == NULL) {
		res = DFU_MCUBOOT_CHECK_UNSUPPORTED;
	} else {
		const uint8_t *key = a->keys[w->key].der;
		size_t key_len = a->keys[w->key].der_len;
		uint32_t need = (uint32_t)len + (w->pub_off != 0 ? w->pub_len : 0u);
		int err;

		if (need > a->scratch_len) {
			res = DFU_MCUBOOT_CHECK_UNSUPPORTED; /* no room to check it */
			goto out;
		}
		err = rd(a, off, a->scratch, len);
		if (err == 0 && w->pub_off != 0) {
			err = rd(a, w->pub_off, a->scratch + len, w->pub_len);
			key = a->scratch + len;
			key_len = w->pub_len;
		}
		if (err) {
			return err;
		}
		if (key == NULL) {
			res = DFU_MCUBOOT_CHECK_NO_KEY;
			goto out;
		}
		err = a->crypto->verify(a->crypto->ctx, (enum dfu_sig_alg)alg, key, key_len,
					w->digest, a->scratch, len);
		if (err == 0) {
			res = DFU_MCUBOOT_CHECK_OK;
		} else if (err == -EBADMSG) {
			res = DFU_MCUBOOT_CHECK_BAD;
		} else if (err == -ENOTSUP) {
			res = DFU_MCUBOOT_CHECK_UNSUPPORTED;
		} else {
			return err;
		}
	}
out:
	if (sig_rank(res) > sig_rank(info->signature)) {
		info->signature = res;
		info->sig_alg = (uint8_t)alg;
	}
	w->key = -1;
	w->pub_off = 0;
	return 0;
}

/* One TLV entry of the unprotected area. */
static int tlv_entry(const struct mcuboot_verify_args *a, struct walk *w,
		     struct dfu_mcuboot_info *info, uint16_t type, uint32_t off, uint16_t len)
{
	uint8_t buf[DFU_SHA256_SIZE];
	int err = 0;

	switch (type) {
	case MCUBOOT_TLV_SHA256:
		if (len != DFU_SHA256_SIZE) {
			return -EBADMSG;
		}
		if (info->hash != DFU_MCUBOOT_CHECK_NONE &&
		    info->hash != DFU_MCUBOOT_CHECK_UNSUPPORTED) {
			return 0; /* first one counts */
		}
		err = rd(a, off, info->digest, DFU_SHA256_SIZE);
		if (err) {
			return err;
		}
		if (info->flags & (MCUBOOT_F_ENC128 | MCUBOOT_F_ENC256)) {
			info->hash = DFU_MCUBOOT_CHECK_UNVERIFIABLE;
		} else if (w->digest == NULL) {
			info->hash = DFU_MCUBOOT_CHECK_NONE;
		} else {
			info->hash = memcmp(info->digest, w->digest, DFU_SHA256_SIZE) == 0
					     ? DFU_MCUBOOT_CHECK_OK
					     : DFU_MCUBOOT_CHECK_BAD;
		}
		return 0;
	case MCUBOOT_TLV_SHA384:
	case MCUBOOT_TLV_SHA512:
		if (info->hash == DFU_MCUBOOT_CHECK_NONE) {
			info->hash = DFU_MCUBOOT_CHECK_UNSUPPORTED;
		}
		return 0;
	case MCUBOOT_TLV_KEYHASH:
		w->key = -1;
		w->pub_off = 0;
		if (len == DFU_SHA256_SIZE && a->key_count > 0 && w->digest != NULL) {
			err = rd(a, off, buf, sizeof(buf));
			if (err == 0) {
				w->key = match_key(a, buf, &err);
			}
		}
		return err;
	case MCUBOOT_TLV_PUBKEY:
		w->key = -1;
		w->pub_off = 0;
		if (a->key_count == 0 || len == 0 || w->digest == NULL) {
			return 0; /* keys are only matched when signatures are checked */
		}
		err = mcuboot_hash_start(a->crypto, a->sha);
		for (uint32_t i = 0; err == 0 && i < len; i += sizeof(buf)) {
			uint32_t k = len - i < sizeof(buf) ? len - i : (uint32_t)sizeof(buf);

			err = rd(a, off + i, buf, k);
			if (err == 0) {
				err = mcuboot_hash_update(a->crypto, a->sha, buf, k);
			}
		}
		if (err == 0) {
			err = mcuboot_hash_finish(a->crypto, a->sha, buf);
		}
		if (err == 0) {
			w->key = match_key(a, buf, &err);
			w->pub_off = off;
			w->pub_len = len;
		}
		return err;
	default:
		return check_sig(a, w, info, type, off, len);
	}
}

/* Read a TLV area's 4-byte info at off: returns its total or -EBADMSG. */
static int32_t area_info(const struct mcuboot_verify_args *a, uint32_t off, uint16_t magic,
			 int *err)
{
	uint8_t b[4];

	*err = rd(a, off, b, sizeof(b));
	if (*err) {
		return -1;
	}
	if (mcuboot_le16(b) != magic || mcuboot_le16(&b[2]) < 4u) {
		*err = -EBADMSG;
		return -1;
	}
	return mcuboot_le16(&b[2]);
}

/* Walk one TLV area [off + 4, end): every entry must fit. */
static int walk_area(const struct mcuboot_verify_args *a, struct walk *w,
		     struct dfu_mcuboot_info *info, uint32_t off, uint32_t end, bool prot)
{
	off += 4;
	while (off < end) {
		uint8_t b[4];

		if (end - off < 4u) {
			return -EBADMSG;
		}
		int err = rd(a, off, b, sizeof(b));

		if (err) {
			return err;
		}
		uint16_t type = mcuboot_le16(b);
		uint16_t len = mcuboot_le16(&b[2]);

		off += 4;
		if (len > end - off) {
			return -EBADMSG;
		}
		if (prot) {
			if (type == MCUBOOT_TLV_SEC_CNT) {
				if (len != 4) {
					return -EBADMSG;
				}
				err = rd(a, off, b, sizeof(b));
				info->sec_cnt = dfu_get_le32(b);
				info->has_sec_cnt = 1;
			}
		} else {
			err = tlv_entry(a, w, info, type, off, len);
		}
		if (err) {
			return err;
		}
		off += len;
	}
	return 0;
}

int mcuboot_verify(const struct mcuboot_verify_args *a, struct dfu_mcuboot_info *info)
{
	uint8_t hdr[MCUBOOT_HDR_SIZE];
	uint8_t digest[DFU_SHA256_SIZE];
	int err = rd(a, 0, hdr, sizeof(hdr));

	memset(info, 0, sizeof(*info));
	if (err) {
		return err;
	}
	if (memcmp(hdr, image_magic, sizeof(image_magic)) != 0) {
		return -ENOENT;
	}
	err = mcuboot_hdr_decode(hdr, a->max_img, 0, true, info);
	if (err) {
		return err;
	}
	uint32_t tlv = (uint32_t)info->hdr_size + info->img_size; /* fits: checked */
	uint32_t hashed = tlv + info->prot_size;
	struct walk w = {.key = -1};

	if (info->prot_size != 0) {
		int32_t tot = area_info(a, tlv, MCUBOOT_TLV_PROT_INFO, &err);

		if (tot < 0) {
			return err;
		}
		if ((uint32_t)tot != info->prot_size) {
			return -EBADMSG;
		}
		err = walk_area(a, &w, info, tlv, hashed, true);
		if (err) {
			return err;
		}
	}
	int32_t tot = area_info(a, hashed, MCUBOOT_TLV_INFO, &err);

	if (tot < 0) {
		return err;
	}
	if ((uint64_t)hashed + (uint32_t)tot > a->max_img) {
		return -EFBIG;
	}
	info->tlv_end = hashed + (uint32_t)tot;
	if (a->full) {
		w.digest = a->digest;
		if (w.digest == NULL) {
			err = mcuboot_hash_start(a->crypto, a->sha);
			if (err == 0) {
				err = hash_flash(a, 0, hashed);
			}
			if (err == 0) {
				err = mcuboot_hash_finish(a->crypto, a->sha, digest);
			}
			if (err) {
				return err;
			}
			w.digest = digest;
		}
	}
	return walk_area(a, &w, info, hashed, info->tlv_end, false);
}

int mcuboot_verdict(const struct dfu_mcuboot_info *info, uint8_t key_count, bool allow_enc)
{
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
