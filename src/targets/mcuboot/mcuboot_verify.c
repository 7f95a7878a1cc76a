/*
 * MCUboot image verification from flash, following bootutil's
 * bootutil_img_validate rules under a bootloader profile
 * (shared/spec/mcuboot-acceptance.md §2, §3.1; docs/mcuboot-profile.md):
 *   - TLV infos: a 0x6908 info's total equals ih_protect_tlv_size exactly,
 *     else that size is 0; the next info is 0x6907; end of TLVs <= the
 *     maximum image size, checked before any entry;
 *   - one walk over every entry in file order, protected area first, the
 *     0x6907 info skipped when the walk lands exactly on the end of the
 *     protected area; entries bounded per the profile's iterator;
 *   - per entry: the allow list (unprotected entries), every SHA-256 TLV
 *     (length 32, equal to the digest), KEYHASH (length <= 32, prefix
 *     compare, first match) or PUBKEY (HW key builds), the build's
 *     signature type (skipped without a key; length checked; verified; the
 *     verdict overwritten: the last verified signature decides), SEC_CNT
 *     with a hardware counter;
 *   - the first rule that refuses stops the walk.
 * What the build expects (signature type, length bounds, allow list):
 * mcuboot_build.c.
 * Every field is untrusted: byte-wise decoding, 64-bit sums.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "dfu/dfu_config.h"
#include "dfu_util.h"
#include "mcuboot_image.h"

#define ECDSA_DER_MAX 72u

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

/* bootutil_find_key: the first trusted key whose hash starts with the n
 * bytes of h (n <= 32; n = 0 matches key 0), or -1. */
static int match_key(const struct mcuboot_verify_args *a, const uint8_t *h, size_t n, int *err)
{
	uint8_t kh[DFU_SHA256_SIZE];

	for (int i = 0; i < a->key_count; i++) {
		*err = key_hash(a, &a->keys[i], kh);
		if (*err) {
			return -1;
		}
		if (memcmp(kh, h, n) == 0) {
			return i;
		}
	}
	return -1;
}

/* ---- the walk ----------------------------------------------------------- */

struct walk {
	const uint8_t *digest; /* computed digest, NULL = not checked */
	uint16_t expected;     /* signature TLV type(s) of the build */
	int key;               /* current key (-1 = none) */
	uint32_t pub_off;      /* PUBKEY TLV value of the current key (0 = none) */
	uint16_t pub_len;
	bool hash_seen;  /* a SHA-256 TLV matched */
	bool other_hash; /* a SHA-384/512 TLV was seen */
	bool sig_seen;   /* a signature TLV was skipped for want of a key */
	bool cnt_seen;   /* a SEC_CNT passed (HW counter) */
	uint8_t verdict; /* enum dfu_mcuboot_check of the last verified */
	uint8_t verdict_alg;
};

static int refuse(struct dfu_mcuboot_info *info, uint8_t rule)
{
	info->rule = rule;
	return 1; /* stop the walk */
}

static int fail(struct dfu_mcuboot_info *info, uint8_t rule, int err)
{
	info->rule = rule;
	return err;
}

/* NCS 2.x iterator: an entry may run past the TLV area, and bootutil reads
 * its value from there. The library reads only what it can trust (what
 * was written: read_limit, else the maximum image size); a value the walk
 * would read from further is refused (deliberately stricter). Entries that
 * are not read may end anywhere. */
static bool beyond(const struct mcuboot_verify_args *a, uint32_t off, uint32_t n)
{
	return (uint64_t)off + n > (a->read_limit != 0 ? a->read_limit : a->max_img);
}

static int sig_entry(const struct mcuboot_verify_args *a, struct walk *w,
		     struct dfu_mcuboot_info *info, uint16_t type, uint32_t off, uint16_t len)
{
	int alg = mcuboot_sig_alg_of(type);

	if (w->key < 0) {
		w->sig_seen = true;
		if (w->verdict == DFU_MCUBOOT_CHECK_NONE) {
			w->verdict_alg = (uint8_t)alg; /* reported with NO_KEY */
		}
		return 0; /* skipped, even when malformed */
	}
	if (!mcuboot_sig_len_ok(type, len)) {
		return refuse(info, DFU_MCUBOOT_RULE_SIG_LENGTH);
	}
	if (beyond(a, off, len)) {
		return refuse(info, DFU_MCUBOOT_RULE_TLV_BOUNDS);
	}
	const struct dfu_mcuboot_key *k = &a->keys[w->key];
	const uint8_t *key = k->der;
	size_t key_len = k->der_len;
	uint8_t local[MCUBOOT_ECDSA_SIG_MAX];
	uint8_t der[ECDSA_DER_MAX];
	const uint8_t *sig = a->scratch;
	size_t sig_len = len;
	uint8_t res;
	int err = 0;

	w->key = -1;
	if (a->crypto == NULL || a->crypto->verify == NULL ||
	    (uint32_t)len + (w->pub_off != 0 ? w->pub_len : 0u) > a->scratch_len) {
		res = DFU_MCUBOOT_CHECK_UNSUPPORTED; /* cannot check it here */
		goto out;
	}
	if (w->pub_off != 0) {
		err = rd(a, w->pub_off, a->scratch + len, w->pub_len);
		key = a->scratch + len;
		key_len = w->pub_len;
	}
	if (err == 0 && type == MCUBOOT_TLV_ECDSA &&
	    a->prof->build.ecdsa_der == DFU_MCUBOOT_DER_LENIENT) {
		err = rd(a, off, local, len);
		if (err == 0) {
			int n = mcuboot_ecdsa_lenient(local, len, der);

			if (n < 0) {
				res = DFU_MCUBOOT_CHECK_BAD;
				goto out;
			}
			sig = der;
			sig_len = (size_t)n;
		}
	} else if (err == 0) {
		err = rd(a, off, a->scratch, len);
	}
	if (err) {
		return err;
	}
	if (key == NULL) {
		res = DFU_MCUBOOT_CHECK_UNSUPPORTED; /* known only by its hash */
		goto out;
	}
	err = a->crypto->verify(a->crypto->ctx, (enum dfu_sig_alg)alg, key, key_len, w->digest, sig,
				sig_len);
	if (err == 0) {
		res = DFU_MCUBOOT_CHECK_OK;
	} else if (err == -EBADMSG) {
		res = DFU_MCUBOOT_CHECK_BAD;
	} else if (err == -ENOTSUP) {
		res = DFU_MCUBOOT_CHECK_UNSUPPORTED;
	} else {
		return err; /* the port failed: not a verdict */
	}
out:
	w->verdict = res; /* the last verified signature decides */
	w->verdict_alg = (uint8_t)alg;
	w->pub_off = 0;
	return 0;
}

static int key_entry(const struct mcuboot_verify_args *a, struct walk *w,
		     struct dfu_mcuboot_info *info, uint16_t type, uint32_t off, uint16_t len)
{
	uint8_t buf[DFU_SHA256_SIZE];
	int err = 0;

	w->key = -1;
	w->pub_off = 0;
	if (type == MCUBOOT_TLV_KEYHASH) {
		if (len > DFU_SHA256_SIZE) {
			return refuse(info, DFU_MCUBOOT_RULE_KEY_LENGTH);
		}
		if (beyond(a, off, len)) {
			return refuse(info, DFU_MCUBOOT_RULE_TLV_BOUNDS);
		}
		err = rd(a, off, buf, len);
		if (err == 0) {
			w->key = match_key(a, buf, len, &err);
		}
		return err;
	}
	/* PUBKEY (HW key build): its SHA-256 equals a trusted key's hash. */
	if (len > mcuboot_pubkey_max(w->expected)) {
		return refuse(info, DFU_MCUBOOT_RULE_KEY_LENGTH);
	}
	if (beyond(a, off, len)) {
		return refuse(info, DFU_MCUBOOT_RULE_TLV_BOUNDS);
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
		w->key = match_key(a, buf, DFU_SHA256_SIZE, &err);
		w->pub_off = off;
		w->pub_len = len;
	}
	return err;
}

static int hash_entry(const struct mcuboot_verify_args *a, struct walk *w,
		      struct dfu_mcuboot_info *info, uint32_t off, uint16_t len)
{
	uint8_t v[DFU_SHA256_SIZE];

	if (len != DFU_SHA256_SIZE) {
		return refuse(info, DFU_MCUBOOT_RULE_HASH_LENGTH);
	}
	if (beyond(a, off, len)) {
		return refuse(info, DFU_MCUBOOT_RULE_TLV_BOUNDS);
	}
	int err = rd(a, off, v, sizeof(v));

	if (err) {
		return err;
	}
	if (!w->hash_seen && info->hash == DFU_MCUBOOT_CHECK_NONE) {
		memcpy(info->digest, v, sizeof(v)); /* the first one is reported */
	}
	if (info->flags & (MCUBOOT_F_ENC128 | MCUBOOT_F_ENC256)) {
		info->hash = DFU_MCUBOOT_CHECK_UNVERIFIABLE; /* over the plaintext */
		return 0;
	}
	if (w->digest == NULL) {
		w->hash_seen = true;
		return 0;
	}
	if (memcmp(v, w->digest, sizeof(v)) != 0) {
		memcpy(info->digest, v, sizeof(v));
		info->hash = DFU_MCUBOOT_CHECK_BAD;
		return refuse(info, DFU_MCUBOOT_RULE_HASH);
	}
	info->hash = DFU_MCUBOOT_CHECK_OK;
	w->hash_seen = true;
	return 0;
}

static int cnt_entry(const struct mcuboot_verify_args *a, struct walk *w,
		     struct dfu_mcuboot_info *info, uint32_t off, uint16_t len, bool prot)
{
	const struct dfu_mcuboot_profile *b = &a->prof->build;
	uint8_t v[4];
	int err;

	if (len != 4u) {
		return (b->features & DFU_MCUBOOT_P_HW_ROLLBACK)
			       ? refuse(info, DFU_MCUBOOT_RULE_SEC_CNT_LENGTH)
			       : 0;
	}
	if (beyond(a, off, len)) {
		return refuse(info, DFU_MCUBOOT_RULE_TLV_BOUNDS);
	}
	err = rd(a, off, v, sizeof(v));
	if (err) {
		return err;
	}
	if (prot && !info->has_sec_cnt) {
		info->sec_cnt = dfu_get_le32(v); /* the first protected one */
		info->has_sec_cnt = 1;
	}
	if (!(b->features & DFU_MCUBOOT_P_HW_ROLLBACK)) {
		return 0;
	}
	if (dfu_get_le32(v) < b->security_counter) {
		return refuse(info, DFU_MCUBOOT_RULE_SEC_CNT);
	}
	w->cnt_seen = true;
	return 0;
}

/* One entry: payload at off, protected when off < prot_end. Returns 0 to
 * go on, 1 when a rule refused (info->rule), or an error. */
static int entry(const struct mcuboot_verify_args *a, struct walk *w, struct dfu_mcuboot_info *info,
		 uint16_t type, uint32_t off, uint16_t len, bool prot)
{
	const struct dfu_mcuboot_profile *b = &a->prof->build;

	if (!prot && !(b->features & DFU_MCUBOOT_P_NO_ALLOW_LIST) &&
	    !mcuboot_allowed_unprotected(type)) {
		return refuse(info, DFU_MCUBOOT_RULE_TLV_ALLOW_LIST);
	}
	if (type == MCUBOOT_TLV_SHA256) {
		return hash_entry(a, w, info, off, len);
	}
	if (type == MCUBOOT_TLV_SHA384 || type == MCUBOOT_TLV_SHA512) {
		w->other_hash = true;
		return 0;
	}
	if (type == MCUBOOT_TLV_SEC_CNT) {
		return cnt_entry(a, w, info, off, len, prot);
	}
	if (type == MCUBOOT_TLV_DEPENDENCY && prot && a->dep != NULL) {
		if (beyond(a, off, len)) {
			return refuse(info, DFU_MCUBOOT_RULE_TLV_BOUNDS);
		}
		return a->dep(a->dep_ctx, a, off, len); /* only protected ones count */
	}
	if (w->expected == 0 || !a->full || w->digest == NULL) {
		return 0; /* hash-only build, or structure only */
	}
	if ((type == MCUBOOT_TLV_KEYHASH && b->key_tlv == DFU_MCUBOOT_KEYHASH) ||
	    (type == MCUBOOT_TLV_PUBKEY && b->key_tlv == DFU_MCUBOOT_PUBKEY)) {
		return key_entry(a, w, info, type, off, len);
	}
	if (mcuboot_sig_alg_of(type) != 0 &&
	    (w->expected == MCUBOOT_ANY_SIG || w->expected == type)) {
		return sig_entry(a, w, info, type, off, len);
	}
	return 0; /* ignored */
}

/* Read a TLV info at off: sets *magic and *tot. */
static int read_info(const struct mcuboot_verify_args *a, uint32_t off, uint16_t *magic,
		     uint16_t *tot)
{
	uint8_t b[4];
	int err = rd(a, off, b, sizeof(b));

	*magic = mcuboot_le16(b);
	*tot = mcuboot_le16(&b[2]);
	return err;
}

/* bootutil_tlv_iter over [o + 4, tlv_end) under the profile's bounds. */
static int walk(const struct mcuboot_verify_args *a, struct walk *w, struct dfu_mcuboot_info *info,
		uint32_t o, uint32_t prot_end, uint32_t tlv_end)
{
	const bool checked = a->prof->build.tlv_iter == DFU_MCUBOOT_ITER_CHECKED;
	const uint32_t limit = a->read_limit != 0 ? a->read_limit : a->max_img;
	uint64_t off = (uint64_t)o + 4u;

	while (off < tlv_end) {
		uint8_t h[4];

		if (info->prot_size != 0 && off == prot_end) {
			off += 4u; /* the 0x6907 info */
			if (checked) {
				continue; /* the loop condition again */
			}
		}
		/* checked: header and payload before tlv_end; NCS 2.x: the
		 * header anywhere the library can read (a value: beyond()). */
		if (off + 4u > (checked ? tlv_end : limit)) {
			return refuse(info, DFU_MCUBOOT_RULE_TLV_BOUNDS);
		}
		int err = rd(a, (uint32_t)off, h, sizeof(h));

		if (err) {
			return err;
		}
		uint16_t type = mcuboot_le16(h);
		uint16_t len = mcuboot_le16(&h[2]);

		off += 4u;
		if (checked && off + len > tlv_end) {
			return refuse(info, DFU_MCUBOOT_RULE_TLV_BOUNDS);
		}
		err = entry(a, w, info, type, (uint32_t)off, len, off < prot_end);
		if (err) {
			return err;
		}
		off += len;
	}
	return 0;
}

int mcuboot_verify(const struct mcuboot_verify_args *args, struct dfu_mcuboot_info *info)
{
	struct mcuboot_verify_args a = *args;
	uint8_t hdr[MCUBOOT_HDR_SIZE];
	uint8_t digest[DFU_SHA256_SIZE];
	int err = rd(&a, 0, hdr, sizeof(hdr));

	memset(info, 0, sizeof(*info));
	if (a.prof == NULL) {
		a.prof = &mcuboot_prof_legacy;
	}
	if (err) {
		return err;
	}
	if (mcuboot_le16(hdr) != 0xb83du || mcuboot_le16(&hdr[2]) != 0x96f3u) {
		return -ENOENT;
	}
	err = mcuboot_hdr_check(hdr, a.max_img, 0, a.prof, true, info);
	if (err) {
		return err;
	}
	const uint32_t o = (uint32_t)info->hdr_size + info->img_size; /* fits: checked */
	const uint32_t prot_end = o + info->prot_size;
	uint16_t magic;
	uint16_t tot;

	err = read_info(&a, o, &magic, &tot);
	if (err == 0 && magic == MCUBOOT_TLV_PROT_INFO) {
		if (tot != info->prot_size) {
			return fail(info, DFU_MCUBOOT_RULE_TLV_INFO, -EBADMSG);
		}
		err = read_info(&a, prot_end, &magic, &tot);
	} else if (err == 0 && info->prot_size != 0) {
		return fail(info, DFU_MCUBOOT_RULE_TLV_INFO, -EBADMSG);
	}
	if (err) {
		return err;
	}
	if (magic != MCUBOOT_TLV_INFO) {
		return fail(info, DFU_MCUBOOT_RULE_TLV_INFO, -EBADMSG);
	}
	if ((uint64_t)prot_end + tot > a.max_img) {
		return fail(info, DFU_MCUBOOT_RULE_IMAGE_SIZE, -EFBIG);
	}
	info->tlv_end = prot_end + tot;

	const uint32_t tlv_end = info->tlv_end;
	struct walk w = {.key = -1, .expected = mcuboot_expected_sig(&a)};

	if (a.full) {
		w.digest = a.digest;
		if (w.digest == NULL) {
			err = mcuboot_hash_start(a.crypto, a.sha);
			if (err == 0) {
				err = hash_flash(&a, 0, prot_end);
			}
			if (err == 0) {
				err = mcuboot_hash_finish(a.crypto, a.sha, digest);
			}
			if (err) {
				return err;
			}
			w.digest = digest;
		}
	}
	err = walk(&a, &w, info, o, prot_end, tlv_end);
	if (err < 0) {
		return err;
	}
	if (info->rule == DFU_MCUBOOT_RULE_TLV_BOUNDS) {
		return -EBADMSG; /* a structure error, as before */
	}
	if (err > 0) {
		return 0; /* refused by a rule: info->rule */
	}
	if (info->hash == DFU_MCUBOOT_CHECK_UNVERIFIABLE) {
		return 0;
	}
	if (!w.hash_seen) {
		info->hash = w.other_hash ? DFU_MCUBOOT_CHECK_UNSUPPORTED : DFU_MCUBOOT_CHECK_NONE;
		info->rule = DFU_MCUBOOT_RULE_HASH_MISSING;
		return 0;
	}
	if (a.full && w.digest != NULL && w.expected != 0 && a.key_count > 0) {
		info->signature = w.verdict != DFU_MCUBOOT_CHECK_NONE ? w.verdict
				  : w.sig_seen                        ? DFU_MCUBOOT_CHECK_NO_KEY
								      : DFU_MCUBOOT_CHECK_NONE;
		info->sig_alg = w.verdict_alg;
		info->rule = mcuboot_sig_rule(info->signature);
	}
	/* after the hash and the signature, as bootutil */
	if ((a.prof->build.features & DFU_MCUBOOT_P_HW_ROLLBACK) && !w.cnt_seen &&
	    info->rule == DFU_MCUBOOT_RULE_NONE) {
		info->rule = DFU_MCUBOOT_RULE_SEC_CNT;
	}
	return 0;
}
