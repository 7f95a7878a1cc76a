/*
 * dfu-sim: would a given MCUboot bootloader (board layout + profile) boot an
 * image file as an upgrade of one of its pairs, and if not, which rule
 * refuses it. The judge is the MCUboot target's own: the profile of the
 * pair (dfu_mcuboot_profile_get()), the header check (mcuboot_hdr_check()),
 * the verification from flash (mcuboot_verify(), here over the file as the
 * secondary slot's content) and its verdict (mcuboot_verdict()), in the
 * order the target applies them at init, write, done(true) and schedule.
 * Nothing here decides a rule; names come from the library's record
 * (struct dfu_mcuboot_info .rule, .hash, .signature).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "artifact_internal.h"
#include "dsim.h"
#include "mcuboot_image.h"

/* The file as the secondary's image area: reads past its end fail (the
 * library refuses what would be read from past the file). */
struct file_flash {
	const uint8_t *d;
	size_t len;
};

static int file_read(void *ctx, uint32_t off, void *dst, size_t n)
{
	const struct file_flash *f = ctx;

	if (off > f->len || n > f->len - off) {
		return -EIO;
	}
	memcpy(dst, f->d + off, n);
	return 0;
}

int dsim_mcuboot_judge(const struct dsim_judge *j, const uint8_t *d, size_t len,
		       struct dfu_mcuboot_info *info)
{
	static uint8_t scratch[4096]; /* signature + key, as the device's buffer */
	struct dfu_mcuboot_pair_profile pp;
	struct dfu_mcuboot_layout l;
	struct dfu_sha256 sha;
	struct file_flash ff = {d, len};
	const struct dfu_mcuboot_pair *pair;
	int err = dfu_mcuboot_profile_get(j->board, j->profile, j->img, &pp);

	memset(info, 0, sizeof(*info));
	if (err) {
		return err;
	}
	pair = &j->board->pairs[j->img];
	err = dfu_mcuboot_layout(pair, 1, &l);
	if (err) {
		return err;
	}
	const bool allow_enc = (pp.build.features & DFU_MCUBOOT_P_ENCRYPT) != 0;
	const uint32_t flen = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	const struct dfu_flash flash = {.ctx = &ff,
					.read = file_read,
					.size = flen,
					.write_block = 1,
					.erase_block = 1,
					.erase_value = 0xff};
	const struct mcuboot_verify_args va = {
		.flash = &flash,
		.max_img = l.max_image_size,
		.scratch = scratch,
		.scratch_len = sizeof(scratch),
		.crypto = j->crypto,
		.sha = &sha,
		.keys = j->keys,
		.key_count = j->key_count,
		.allow_enc = allow_enc,
		.full = true,
		.prof = &pp,
	};

	/* init: the file fits the maximum image size, or is a padded file of
	 * the slot's size. */
	if (!j->slot && len > l.max_image_size && len != pair->secondary.size - l.image_offset) {
		info->rule = DFU_MCUBOOT_RULE_IMAGE_SIZE;
		return -EFBIG;
	}
	if (len < MCUBOOT_HDR_SIZE) {
		info->rule = DFU_MCUBOOT_RULE_HEADER;
		return -EBADMSG;
	}
	/* write: the header as the profile says; done(true): the image. */
	err = mcuboot_hdr_check(d, l.max_image_size, j->slot ? 0 : flen, &pp, allow_enc, info);
	if (err == 0) {
		err = mcuboot_verify(&va, info);
	}
	if (err == -EIO) {
		/* read past the file: the TLV area, or an entry, runs past it */
		info->rule = info->tlv_end > len ? DFU_MCUBOOT_RULE_IMAGE_SIZE
						 : DFU_MCUBOOT_RULE_TLV_BOUNDS;
		return -EFBIG;
	}
	if (err == 0 && info->tlv_end > len) {
		info->rule = DFU_MCUBOOT_RULE_IMAGE_SIZE;
		return -EFBIG;
	}
	if (err == 0) {
		err = mcuboot_verdict(info, j->key_count, allow_enc);
	}
	/* schedule: never a NON_BOOTABLE image */
	if (err == 0 && (info->flags & MCUBOOT_F_NON_BOOTABLE)) {
		err = -ENOEXEC;
	}
	return err;
}

const char *dsim_mcuboot_rule(int err, const struct dfu_mcuboot_info *info)
{
	static const char *const rules[] = {
		[DFU_MCUBOOT_RULE_HEADER] = "header",
		[DFU_MCUBOOT_RULE_ENCRYPTION] = "encryption",
		[DFU_MCUBOOT_RULE_COMPRESSION] = "compression",
		[DFU_MCUBOOT_RULE_TLV_INFO] = "tlv_info",
		[DFU_MCUBOOT_RULE_TLV_BOUNDS] = "tlv_bounds",
		[DFU_MCUBOOT_RULE_IMAGE_SIZE] = "image_size",
		[DFU_MCUBOOT_RULE_TLV_ALLOW_LIST] = "tlv_allow_list",
		[DFU_MCUBOOT_RULE_HASH_LENGTH] = "hash_length",
		[DFU_MCUBOOT_RULE_HASH] = "hash",
		[DFU_MCUBOOT_RULE_HASH_MISSING] = "hash_missing",
		[DFU_MCUBOOT_RULE_KEY_LENGTH] = "key_length",
		[DFU_MCUBOOT_RULE_SIG_LENGTH] = "signature_length",
		[DFU_MCUBOOT_RULE_SIGNATURE] = "signature",
		[DFU_MCUBOOT_RULE_SEC_CNT_LENGTH] = "security_counter_length",
		[DFU_MCUBOOT_RULE_SEC_CNT] = "security_counter",
		[DFU_MCUBOOT_RULE_DOWNGRADE] = "downgrade",
		[DFU_MCUBOOT_RULE_SIGNATURE_MISSING] = "signature_missing",
		[DFU_MCUBOOT_RULE_KEY_NOT_FOUND] = "key_not_found",
		[DFU_MCUBOOT_RULE_SIGNATURE_TYPE] = "signature_type",
	};

	if (err == 0) {
		return NULL;
	}
	if (err == -ENOEXEC) {
		return "non_bootable";
	}
	if (info == NULL) {
		return NULL;
	}
	if (info->rule != DFU_MCUBOOT_RULE_NONE && info->rule < sizeof(rules) / sizeof(rules[0]) &&
	    rules[info->rule] != NULL) {
		return rules[info->rule];
	}
	switch (info->hash) {
	case DFU_MCUBOOT_CHECK_OK:
		break;
	case DFU_MCUBOOT_CHECK_UNVERIFIABLE:
		return "encryption";
	case DFU_MCUBOOT_CHECK_BAD:
		return "hash";
	default:
		return NULL;
	}
	switch (info->signature) {
	case DFU_MCUBOOT_CHECK_NO_KEY:
		return "key_not_found";
	case DFU_MCUBOOT_CHECK_NONE:
		return err == -EACCES ? "signature_missing" : NULL;
	case DFU_MCUBOOT_CHECK_UNSUPPORTED:
		return "signature_type";
	default:
		return err == -EACCES ? "signature" : NULL;
	}
}

const char *dsim_mcuboot_rule_text(const char *rule)
{
	static const struct {
		const char *rule;
		const char *text;
	} t[] = {
		{"header", "malformed header (magic, or a header size below 32)"},
		{"encryption",
		 "encrypted image, and this bootloader has no encryption support (or both "
		 "encryption flags set)"},
		{"compression",
		 "compressed image, and this bootloader does not decompress (or both LZMA "
		 "flags set)"},
		{"tlv_info", "TLV info magic or total wrong (protected size != its info's total)"},
		{"tlv_bounds", "a TLV entry runs past its area (this profile's TLV iterator)"},
		{"image_size", "header + payload + TLVs exceed the slot's maximum image size"},
		{"tlv_allow_list", "an unprotected TLV of a type not on MCUboot's allow list"},
		{"hash_length", "a SHA-256 TLV of another length than 32"},
		{"hash", "a SHA-256 TLV does not match the image's hash"},
		{"hash_missing", "no SHA-256 TLV"},
		{"key_length", "a KEYHASH / PUBKEY TLV longer than allowed"},
		{"signature_length", "a signature TLV of the wrong size for its key"},
		{"signature", "the last verified signature is bad"},
		{"signature_missing", "no signature TLV, and the bootloader needs one"},
		{"signature_type", "signed with an algorithm this build cannot verify"},
		{"key_not_found", "signed by a key the bootloader does not trust"},
		{"security_counter_length", "a SEC_CNT TLV of another length than 4"},
		{"security_counter",
		 "security counter below the hardware counter, or no SEC_CNT TLV"},
		{"downgrade", "older than the running image (downgrade prevention)"},
		{"non_bootable", "NON_BOOTABLE flag: never requested, never booted"},
		{"no_image", "the secondary holds no image (its header magic is erased)"},
		{"empty_primary",
		 "the primary slot is empty: swap-move / swap-offset without bootstrap install "
		 "nothing"},
		{"primary_header",
		 "swap-move / swap-offset: the primary's header magic is not MCUboot's, "
		 "nothing is installed"},
		{"dependency",
		 "a dependency (protected DEPENDENCY TLV) of the images to install is unmet "
		 "or malformed: nothing is installed or erased, the requests stay"},
		{"offset_sector0",
		 "swap-offset: the secondary's sector 0 holds an image header (wrong upload "
		 "address?)"},
	};

	for (size_t i = 0; rule != NULL && i < sizeof(t) / sizeof(t[0]); i++) {
		if (strcmp(t[i].rule, rule) == 0) {
			return t[i].text;
		}
	}
	return "refused";
}

void dsim_emit_verdict(struct dsim_emit *e, const struct dsim_boot *b, const uint8_t *d, size_t len)
{
	struct dfu_mcuboot_info info;
	int err = dsim_mcuboot_judge(&b->judge, d, len, &info);
	const char *rule = dsim_mcuboot_rule(err, &info);
	char what[160];

	snprintf(what, sizeof(what), "%s image %d \"%s\", %s, profile: %s", b->board, b->judge.img,
		 b->pair, b->mode, b->profile[0] != '\0' ? b->profile : "default");
	if (e->json) {
		dsim_emit_open(e, "bootloader", '{');
		dsim_emit_str(e, NULL, "board", b->board);
		dsim_emit_num(e, NULL, "image", (uint64_t)b->judge.img, false);
		dsim_emit_str(e, NULL, "name", b->pair);
		dsim_emit_str(e, NULL, "mode", b->mode);
		dsim_emit_str(e, NULL, "profile", b->profile);
		dsim_emit_num(e, NULL, "keys", b->judge.key_count, false);
		dsim_emit_bool(e, NULL, "boots", err == 0);
		if (err != 0) {
			dsim_emit_str(e, NULL, "check", rule != NULL ? rule : "other");
			dsim_emit_str(e, NULL, "why", dsim_mcuboot_rule_text(rule));
		}
		dsim_emit_close(e, '{');
	} else {
		dsim_emit_note(e, "bootloader", "%s", what);
		if (err == 0) {
			dsim_emit_note(e, "boots", "yes");
		} else {
			dsim_emit_note(e, "boots", "no: %s (%s)", rule != NULL ? rule : "other",
				       dsim_mcuboot_rule_text(rule));
		}
	}
	/* The verdict alone decides: the listing's own checks stay as they are
	 * (e.g. a padded file's tail, which MCUboot ignores). */
	e->rejected = false;
	e->first_fail = -1;
	dsim_emit_check(e, "boot", err, dsim_mcuboot_rule_text(rule));
	e->rule = rule != NULL ? rule : (err != 0 ? "other" : NULL);
}
