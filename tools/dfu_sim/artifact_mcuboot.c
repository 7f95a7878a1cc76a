/*
 * dfu-sim: MCUboot image facts (shared/spec/mcuboot.md). The header check
 * and the TLV structure / hash verdict are the MCUboot target's own
 * (mcuboot_hdr_decode(), mcuboot_verify() over the file as a read-only
 * flash); the listing of TLVs and of a padded file's trailer is decoded
 * here, byte-wise and bounds-checked.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <mbedtls/version.h>
#include <string.h>

#include "artifact_internal.h"
#include "dfu/dfu_sha256.h"
#include "dfu_util.h"
#include "dsim.h"
#include "mcuboot_image.h"
#include "mcuboot_img.h"

#define ERASED 0xFFu

/* ---- names ---------------------------------------------------------------- */

static const char *tlv_name(uint16_t t)
{
	static const struct {
		uint16_t type;
		const char *name;
	} names[] = {
		{0x01, "KEYHASH"},       {0x02, "PUBKEY"},
		{0x10, "SHA256"},        {0x11, "SHA384"},
		{0x12, "SHA512"},        {0x20, "RSA2048_PSS"},
		{0x21, "ECDSA224"},      {0x22, "ECDSA_SIG"},
		{0x23, "RSA3072_PSS"},   {0x24, "ED25519"},
		{0x25, "SIG_PURE"},      {0x30, "ENC_RSA2048"},
		{0x31, "ENC_KW"},        {0x32, "ENC_EC256"},
		{0x33, "ENC_X25519"},    {0x34, "ENC_X25519_SHA512"},
		{0x40, "DEPENDENCY"},    {0x50, "SEC_CNT"},
		{0x60, "BOOT_RECORD"},   {0x70, "DECOMP_SIZE"},
		{0x71, "DECOMP_SHA"},    {0x72, "DECOMP_SIGNATURE"},
		{0x73, "COMP_DEC_SIZE"}, {0x74, "UUID_VID"},
		{0x75, "UUID_CID"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].type == t) {
			return names[i].name;
		}
	}
	return (t & 0xffu) >= 0xa0u && t != 0xffffu ? "VENDOR" : "UNKNOWN";
}

static const char *const flag_names[12] = {
	[0] = "PIC",
	[2] = "ENCRYPTED_AES128",
	[3] = "ENCRYPTED_AES256",
	[4] = "NON_BOOTABLE",
	[5] = "RAM_LOAD",
	[8] = "ROM_FIXED",
	[9] = "COMPRESSED_LZMA1",
	[10] = "COMPRESSED_LZMA2",
	[11] = "COMPRESSED_ARM_THUMB_FLT",
};

static void emit_flags(struct dsim_emit *e, uint32_t flags)
{
	char human[200] = "";
	size_t n = 0;

	if (e->json) {
		dsim_emit_num(e, NULL, "flags", flags, false);
		dsim_emit_open(e, "flag_names", '[');
	}
	for (unsigned bit = 0; bit < 32; bit++) {
		char other[16];
		const char *name = NULL;

		if ((flags & (1ul << bit)) == 0) {
			continue;
		}
		if (bit < sizeof(flag_names) / sizeof(flag_names[0])) {
			name = flag_names[bit];
		}
		if (name == NULL) {
			snprintf(other, sizeof(other), "0x%lx", 1ul << bit);
			name = other;
		}
		if (e->json) {
			dsim_emit_str(e, NULL, NULL, name);
		} else if (n < sizeof(human)) {
			n += (size_t)snprintf(human + n, sizeof(human) - n, " %s", name);
		}
	}
	if (e->json) {
		dsim_emit_close(e, '[');
	} else {
		dsim_emit_note(e, "flags", "0x%lx%s", (unsigned long)flags,
			       flags == 0 ? "" : human);
	}
}

static void version_str(char *out, size_t cap, uint8_t ma, uint8_t mi, uint16_t rev, uint32_t b)
{
	snprintf(out, cap, "%u.%u.%u+%lu", ma, mi, rev, (unsigned long)b);
}

/* ---- the file as a read-only flash (for mcuboot_verify) ------------------ */

struct mem_flash {
	const uint8_t *d;
	size_t len;
};

static int mem_read(void *ctx, uint32_t off, void *dst, size_t n)
{
	const struct mem_flash *m = ctx;

	if (off > m->len || n > m->len - off) {
		return -EIO;
	}
	memcpy(dst, m->d + off, n);
	return 0;
}

/* ---- TLVs ---------------------------------------------------------------- */

/* One TLV: human "tlv: NAME (0xTT), N bytes[: value]"; JSON an object with
 * area, type, id, len and, for the TLVs with a readable value, value (hex
 * digest, number) or image + version (DEPENDENCY). */
static void emit_tlv(struct dsim_emit *e, bool prot, uint16_t type, const uint8_t *v, uint16_t n)
{
	const char *name = tlv_name(type);
	bool hex = (type == MCUBOOT_TLV_SHA256 || type == MCUBOOT_TLV_KEYHASH) && n <= 64;
	bool num = (type == MCUBOOT_TLV_SEC_CNT || type == 0x70 || type == 0x73) && n == 4;
	bool dep = type == MCUBOOT_TLV_DEPENDENCY && n == 12;
	char val[2 * 64 + 40] = "";
	char ver[32] = "";

	if (hex) {
		dsim_hex(val, v, n);
	} else if (num) {
		snprintf(val, sizeof(val), "%lu", (unsigned long)dfu_get_le32(v));
	} else if (dep) {
		version_str(ver, sizeof(ver), v[4], v[5], (uint16_t)(v[6] | (v[7] << 8)),
			    dfu_get_le32(v + 8));
		snprintf(val, sizeof(val), "image %u, version %s", v[0], ver);
	}
	if (!e->json) {
		dsim_emit_note(e, prot ? "protected tlv" : "tlv", "%s (0x%02x), %u bytes%s%s", name,
			       type, n, val[0] != '\0' ? ": " : "", val);
		return;
	}
	dsim_emit_open(e, NULL, '{');
	dsim_emit_str(e, NULL, "area", prot ? "protected" : "unprotected");
	dsim_emit_str(e, NULL, "type", name);
	dsim_emit_num(e, NULL, "id", type, false);
	dsim_emit_num(e, NULL, "len", n, false);
	if (hex) {
		dsim_emit_str(e, NULL, "value", val);
	} else if (num) {
		dsim_emit_num(e, NULL, "value", dfu_get_le32(v), false);
	} else if (dep) {
		dsim_emit_num(e, NULL, "image", v[0], false);
		dsim_emit_str(e, NULL, "version", ver);
	}
	dsim_emit_close(e, '{');
}

/* List the entries of the TLV area whose info is at off (magic want),
 * stopping at the first entry that does not fit (mcuboot_verify() names
 * the error). */
static void list_area(struct dsim_emit *e, const uint8_t *d, size_t len, uint64_t off,
		      uint16_t want, bool prot, const char **sig)
{
	if (off + 4u > len || mcuboot_le16(d + off) != want) {
		return;
	}
	uint64_t end = off + mcuboot_le16(d + off + 2);

	for (off += 4; off + 4u <= end && end <= len;) {
		uint16_t type = mcuboot_le16(d + off);
		uint16_t n = mcuboot_le16(d + off + 2);

		if (off + 4u + n > end) {
			break;
		}
		emit_tlv(e, prot, type, d + off + 4, n);
		if (!prot && (type == MCUBOOT_TLV_ECDSA || type == MCUBOOT_TLV_ED25519 ||
			      type == MCUBOOT_TLV_RSA2048 || type == MCUBOOT_TLV_RSA3072)) {
			*sig = tlv_name(type);
		}
		off += 4u + n;
	}
}

/* ---- padded file: the bytes after the TLVs ------------------------------- */

static const char *flag_state(uint8_t b)
{
	return b == ERASED ? "unset" : (b == 0x01 ? "set" : "bad");
}

static void tail(struct dsim_emit *e, const uint8_t *d, size_t len, uint32_t end)
{
	uint32_t align = 0;
	uint8_t magic[16];
	int err = 0;
	const char *why = "non-erased bytes after the TLVs that are not a trailer";

	dsim_emit_num(e, "padding", "padding", len - end, false);
	if (len == end) {
		return;
	}
	for (uint32_t a = 8; a <= 32 && len - end >= 16u && align == 0; a *= 2) {
		mcuboot_img_trailer_magic((uint8_t)a, magic);
		if (memcmp(d + len - 16, magic, 16) == 0) {
			align = a;
		}
	}
	dsim_emit_open(e, "trailer", '{');
	if (align == 0) {
		dsim_emit_str(e, "trailer magic", "magic", "unset");
		for (size_t i = end; i < len; i++) {
			err = d[i] != ERASED ? -EBADMSG : err;
		}
		dsim_emit_close(e, '{');
		dsim_emit_check(e, "tail", err, why);
		return;
	}
	/* Field offsets for slot size S = len (spec §5.2). */
	uint64_t ok = ((uint64_t)len - 16u - align) / align * align;
	uint64_t fields[3] = {ok, ok - align, ok - 2u * align}; /* image_ok, copy_done, swap_info */

	if (len < 16u + 3u * align || fields[2] < end) {
		dsim_emit_str(e, "trailer magic", "magic", "good");
		dsim_emit_num(e, "trailer align", "align", align, false);
		dsim_emit_close(e, '{');
		dsim_emit_check(e, "tail", -EBADMSG, "the trailer overlaps the TLVs");
		return;
	}
	for (size_t i = end; i < len - 16; i++) {
		if (d[i] != ERASED && i != fields[0] && i != fields[1] && i != fields[2]) {
			err = -EBADMSG;
		}
	}
	uint8_t iok = d[fields[0]];
	uint8_t sw = d[fields[2]];
	const char *req = iok == ERASED ? "test" : (iok == 0x01 ? "permanent" : "none");
	char swap[32] = "unset";

	if (sw != ERASED) {
		snprintf(swap, sizeof(swap), "type %u, image %u", sw & 15u, sw >> 4);
	}
	dsim_emit_str(e, "trailer magic", "magic", "good");
	dsim_emit_num(e, "trailer align", "align", align, false);
	dsim_emit_str(e, "image ok", "image_ok", flag_state(iok));
	dsim_emit_str(e, "copy done", "copy_done", flag_state(d[fields[1]]));
	dsim_emit_str(e, "swap info", "swap_info", swap);
	dsim_emit_str(e, "request", "request", req);
	dsim_emit_close(e, '{');
	dsim_emit_check(e, "tail", err, why);
}

/* ---- entry ---------------------------------------------------------------- */

static const char *hdr_reason(int err, const struct dfu_mcuboot_info *i)
{
	uint32_t enc = i->flags & (MCUBOOT_F_ENC128 | MCUBOOT_F_ENC256);

	if (err == -EFBIG) {
		return "header + payload + protected TLVs run past the end of the file";
	}
	if (i->hdr_size < MCUBOOT_HDR_SIZE) {
		return "header size below 32";
	}
	if (enc == (MCUBOOT_F_ENC128 | MCUBOOT_F_ENC256)) {
		return "both encryption flags set";
	}
	if (i->flags & MCUBOOT_F_PIC) {
		return "PIC flag (not supported by MCUboot)";
	}
	if (i->prot_size != 0 && i->prot_size < 4u) {
		return "protected TLV size below 4";
	}
	return "bad magic";
}

static void emit_hash(struct dsim_emit *e, const struct dfu_mcuboot_info *i,
		      const uint8_t computed[DFU_SHA256_SIZE])
{
	switch (i->hash) {
	case DFU_MCUBOOT_CHECK_OK:
		dsim_emit_check(e, "hash", 0, NULL);
		break;
	case DFU_MCUBOOT_CHECK_BAD:
		dsim_emit_bytes(e, "computed sha256", "computed_sha256", computed, DFU_SHA256_SIZE);
		dsim_emit_check(e, "hash", -EILSEQ,
				"the SHA-256 TLV does not match the hash of the file");
		break;
	case DFU_MCUBOOT_CHECK_UNVERIFIABLE:
		dsim_emit_check_word(e, "hash", "unverifiable",
				     "encrypted: the SHA-256 TLV covers the plaintext");
		break;
	case DFU_MCUBOOT_CHECK_UNSUPPORTED:
		dsim_emit_check(e, "hash", -ENOTSUP, "a SHA-384/512 TLV but no SHA-256 TLV");
		break;
	default:
		dsim_emit_check(e, "hash", -EBADMSG, "no SHA-256 TLV");
		break;
	}
}

void dsim_detect_mcuboot(struct dsim_emit *e, const uint8_t *d, size_t len)
{
	struct dfu_mcuboot_info hi, vi;
	uint32_t flen = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	int herr = mcuboot_hdr_decode(d, UINT32_MAX, flen, true, &hi);
	char ver[32];

	snprintf(ver, sizeof(ver), "0x%08lx", (unsigned long)dfu_get_le32(d));
	dsim_emit_str(e, "magic", "magic", ver);
	version_str(ver, sizeof(ver), hi.major, hi.minor, hi.revision, hi.build);
	dsim_emit_str(e, "version", "version", ver);
	dsim_emit_num(e, "header size", "header_size", hi.hdr_size, true);
	dsim_emit_num(e, "image size", "image_size", hi.img_size, true);
	dsim_emit_num(e, "protected tlv size", "protected_tlv_size", hi.prot_size, true);
	emit_flags(e, hi.flags);
	dsim_emit_hex32(e, "load address", "load_address", hi.load_addr);
	if (hi.flags & MCUBOOT_F_NON_BOOTABLE) {
		dsim_emit_note(e, "note", "NON_BOOTABLE: downloaded and verified, never requested");
	}
	if (herr != 0) {
		dsim_emit_check(e, "header", herr, hdr_reason(herr, &hi));
		return;
	}
	dsim_emit_check(e, "header", 0, NULL);

	/* The target's TLV walk and hash verdict over the file. */
	uint32_t hashed = (uint32_t)hi.hdr_size + hi.img_size + hi.prot_size; /* checked */
	uint8_t computed[DFU_SHA256_SIZE];
	uint8_t scratch[64];
	struct dfu_sha256 sha;
	struct mem_flash mf = {d, len};
	const struct dfu_flash flash = {.ctx = &mf,
					.read = mem_read,
					.size = flen,
					.write_block = 1,
					.erase_block = 1,
					.erase_value = ERASED};
	const struct mcuboot_verify_args va = {
		.flash = &flash,
		.max_img = flen,
		.scratch = scratch,
		.scratch_len = sizeof(scratch),
		.sha = &sha,
		.allow_enc = true,
		.digest = computed,
		.full = true,
	};

	dfu_sha256(d, hashed, computed);
	int verr = mcuboot_verify(&va, &vi);

	/* The listing (as far as the structure goes). */
	const char *sig = NULL;

	if ((uint64_t)hashed + 4u <= len && mcuboot_le16(d + hashed) == MCUBOOT_TLV_INFO) {
		dsim_emit_num(e, "tlv area offset", "tlv_area_offset", hashed, true);
		dsim_emit_num(e, "tlv area size", "tlv_area_size", mcuboot_le16(d + hashed + 2),
			      true);
	}
	dsim_emit_open(e, "tlvs", '[');
	if (hi.prot_size != 0) {
		list_area(e, d, len, hashed - hi.prot_size, MCUBOOT_TLV_PROT_INFO, true, &sig);
	}
	list_area(e, d, len, hashed, MCUBOOT_TLV_INFO, false, &sig);
	dsim_emit_close(e, '[');
	if (verr != 0) {
		dsim_emit_check(e, "tlvs", verr,
				verr == -EFBIG ? "the TLV area runs past the end of the file"
					       : "malformed TLV area (info magic, total, or an "
						 "entry past its area)");
		return;
	}
	dsim_emit_check(e, "tlvs", 0, NULL);
	dsim_emit_num(e, "tlv end", "tlv_end", vi.tlv_end, true);
	if (vi.hash != DFU_MCUBOOT_CHECK_NONE && vi.hash != DFU_MCUBOOT_CHECK_UNSUPPORTED) {
		dsim_emit_bytes(e, "sha256", "sha256", vi.digest, DFU_SHA256_SIZE);
	}
	dsim_emit_str(e, "signature type", "signature_type", sig != NULL ? sig : "none");
	if (vi.has_sec_cnt) {
		dsim_emit_num(e, "security counter", "security_counter", vi.sec_cnt, false);
	}
	emit_hash(e, &vi, computed);
	tail(e, d, len, vi.tlv_end);
}

/* ---- a whole image file, as MCUboot would check it -------------------- */

int dsim_mcuboot_check_file(const uint8_t *d, size_t len, uint32_t max_img,
			    const struct dfu_mcuboot_key *keys, uint8_t key_count,
			    const struct dfu_crypto *crypto, struct dfu_mcuboot_info *info)
{
	static uint8_t scratch[4096]; /* signature + key */
	uint32_t flen = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	struct dfu_sha256 sha;
	struct mem_flash mf = {d, len};
	const struct dfu_flash flash = {.ctx = &mf,
					.read = mem_read,
					.size = flen,
					.write_block = 1,
					.erase_block = 1,
					.erase_value = ERASED};
	const struct mcuboot_verify_args va = {
		.flash = &flash,
		.max_img = max_img,
		.scratch = scratch,
		.scratch_len = sizeof(scratch),
		.crypto = crypto,
		.sha = &sha,
		.keys = keys,
		.key_count = key_count,
		.full = true,
	};

	memset(info, 0, sizeof(*info));
	if (len < MCUBOOT_HDR_SIZE) {
		return -EFBIG;
	}
	int err = mcuboot_hdr_decode(d, max_img, flen, false, info);

	if (err == 0) {
		err = mcuboot_verify(&va, info);
		if (err == -EIO) {
			err = -EFBIG; /* the TLVs run past the end of the file */
		}
	}
	if (err == 0 && info->tlv_end > len) {
		err = -EFBIG;
	}
	if (err == 0) {
		err = mcuboot_verdict(info, key_count, false);
	}
	if (err == 0 && (info->flags & MCUBOOT_F_NON_BOOTABLE)) {
		err = -ENOEXEC;
	}
	return err;
}

/* ---- why an image was refused ------------------------------------------ */

static const char *sig_alg_name(uint8_t alg)
{
	static const char *const n[] = {"?", "ECDSA P-256", "Ed25519", "RSA-2048 PSS",
					"RSA-3072 PSS"};

	return alg < sizeof(n) / sizeof(n[0]) ? n[alg] : "?";
}

/* hdr decoded into h when it is an MCUboot header. */
static bool header_of(const uint8_t *hdr, struct dfu_mcuboot_info *h)
{
	static const uint8_t magic[4] = {0x3d, 0xb8, 0xf3, 0x96};

	memset(h, 0, sizeof(*h));
	if (hdr == NULL || memcmp(hdr, magic, sizeof(magic)) != 0) {
		return false;
	}
	(void)mcuboot_hdr_decode(hdr, UINT32_MAX, 0, true, h); /* fills every field */
	return true;
}

static const char *size_why(const struct dfu_mcuboot_info *h, bool have_hdr,
			    const uint8_t *tlv_info, uint64_t file, uint32_t max_img, uint32_t room,
			    char *buf, size_t len)
{
	uint64_t hashed = (uint64_t)h->hdr_size + h->img_size + h->prot_size;
	bool exact = tlv_info != NULL && mcuboot_le16(tlv_info) == MCUBOOT_TLV_INFO;
	uint64_t need = hashed + (exact ? mcuboot_le16(tlv_info + 2) : 4u);

	if (file > max_img && (room == 0 || file != room)) {
		snprintf(buf, len,
			 "too big for the slot: the file has %llu bytes, the slot's maximum image "
			 "size is %lu bytes (%llu over)%s",
			 (unsigned long long)file, (unsigned long)max_img,
			 (unsigned long long)(file - max_img),
			 room != 0 && file > room ? "" : "; a padded file must be the slot's size");
		return buf;
	}
	if (!have_hdr) {
		return NULL;
	}
	if (need > file) {
		snprintf(buf, len, "truncated: header says %s%llu bytes, file has %llu (%s)",
			 exact ? "" : "at least ", (unsigned long long)need,
			 (unsigned long long)file,
			 exact ? "the end of the TLV area is missing"
			       : "the file ends before the TLV area");
		return buf;
	}
	if (need > max_img) {
		snprintf(buf, len,
			 "too big for the slot: header says the image is %s%llu bytes, the slot's "
			 "maximum image size is %lu bytes",
			 exact ? "" : "at least ", (unsigned long long)need,
			 (unsigned long)max_img);
		return buf;
	}
	return NULL;
}

const char *dsim_mcuboot_why(int err, const struct dfu_mcuboot_info *info, const uint8_t *hdr,
			     const uint8_t *tlv_info, uint64_t file, uint32_t max_img,
			     uint32_t room, unsigned key_count, char *buf, size_t len)
{
	struct dfu_mcuboot_info h;
	bool have_hdr = header_of(hdr, &h);
	uint32_t enc = h.flags & (MCUBOOT_F_ENC128 | MCUBOOT_F_ENC256);

	switch (err) {
	case -EFBIG:
		return size_why(&h, have_hdr, tlv_info, file, max_img, room, buf, len);
	case -ENOTSUP:
		if (enc != 0) {
			snprintf(buf, len,
				 "encrypted (flag 0x%lx %s): its SHA-256 covers the plaintext, "
				 "which cannot be checked without the device's decryption key, "
				 "and this device does not take unverified images",
				 (unsigned long)enc,
				 enc == MCUBOOT_F_ENC128 ? "ENCRYPTED_AES128" : "ENCRYPTED_AES256");
			return buf;
		}
		if (info != NULL && info->hash == DFU_MCUBOOT_CHECK_UNSUPPORTED) {
			snprintf(buf, len,
				 "no SHA-256 TLV, only SHA-384/512, which this build does not "
				 "check");
			return buf;
		}
		if (info != NULL && info->signature == DFU_MCUBOOT_CHECK_UNSUPPORTED) {
			snprintf(buf, len,
				 "signed with %s, which this build's crypto port (mbedTLS %s) does "
				 "not verify",
				 sig_alg_name(info->sig_alg), MBEDTLS_VERSION_STRING);
			return buf;
		}
		return NULL;
	case -EACCES:
		if (info == NULL) {
			return NULL; /* not verified here: nothing more to say */
		}
		if (info->signature == DFU_MCUBOOT_CHECK_NONE) {
			snprintf(buf, len,
				 "no signature: the image carries a hash only (no signature TLV) "
				 "and this device requires a signature by one of its %u trusted "
				 "key(s)",
				 key_count);
		} else if (info->signature == DFU_MCUBOOT_CHECK_NO_KEY) {
			snprintf(buf, len,
				 "signed (%s) by a key this device does not trust: the image's "
				 "key hash matches none of its %u key(s)",
				 sig_alg_name(info->sig_alg), key_count);
		} else {
			snprintf(buf, len,
				 "bad signature: the %s signature does not verify with the "
				 "device's key (changed after signing?)",
				 sig_alg_name(info->sig_alg));
		}
		return buf;
	case -EILSEQ:
		snprintf(buf, len,
			 "hash mismatch: the image's SHA-256 TLV does not match its bytes "
			 "(corrupted, or changed after signing)");
		return buf;
	case -ENOEXEC:
		snprintf(buf, len,
			 "NON_BOOTABLE flag (0x10): MCUboot does not boot it (as an update it "
			 "is verified, but never requested)");
		return buf;
	case -EBADMSG:
		if (have_hdr && h.hdr_size < MCUBOOT_HDR_SIZE) {
			snprintf(buf, len, "malformed header: header size %u is below 32",
				 (unsigned)h.hdr_size);
		} else if (have_hdr && enc == (MCUBOOT_F_ENC128 | MCUBOOT_F_ENC256)) {
			snprintf(buf, len, "malformed header: both encryption flags set (0xc)");
		} else if (have_hdr && (h.flags & MCUBOOT_F_PIC)) {
			snprintf(buf, len,
				 "malformed header: PIC flag (0x1), which MCUboot "
				 "does not support");
		} else if (!have_hdr) {
			snprintf(buf, len, "not an MCUboot image (no header magic 0x96f3b83d)");
		} else {
			snprintf(buf, len,
				 "malformed: a TLV area (info magic, total, an entry past its "
				 "area, no SHA-256 TLV) or non-erased bytes after the TLVs that "
				 "are not a trailer");
		}
		return buf;
	default:
		return NULL;
	}
}

const char *dsim_mcuboot_check_name(int err, const struct dfu_mcuboot_info *info,
				    const uint8_t *hdr)
{
	struct dfu_mcuboot_info h;

	if (err != -ENOTSUP) {
		return NULL;
	}
	if (header_of(hdr, &h) && (h.flags & (MCUBOOT_F_ENC128 | MCUBOOT_F_ENC256))) {
		return "encryption";
	}
	if (info != NULL && info->hash == DFU_MCUBOOT_CHECK_UNSUPPORTED) {
		return "digest";
	}
	if (info != NULL && info->signature == DFU_MCUBOOT_CHECK_UNSUPPORTED) {
		return "signature";
	}
	return NULL;
}
