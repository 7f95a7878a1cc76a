/*
 * MCUboot target: dependencies between images (shared/spec/mcuboot-
 * acceptance.md §2.10), as MCUboot checks them after validating the
 * secondaries of a boot with an upgrade:
 *   - for every image, upgrading or not, the slot it boots from next: its
 *     secondary when it will be installed (TEST, PERM, REVERT), else its
 *     primary; only DEPENDENCY TLVs in the protected area count;
 *   - each TLV: length 12 (image id u8, 3 pad bytes, minimum version as in
 *     the header), the image id must name an image of the board, and that
 *     image's version (its secondary header when it will be installed, else
 *     its primary header, as read) must be >= the minimum (1.3);
 *   - any malformed or unmet dependency: no image is installed, nothing is
 *     erased, the requests stay.
 * The TLVs are found by the verifier's walk (mcuboot_verify(), structure
 * only), so the iterator rules are the verifier's.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "dfu_util.h"
#include "mcuboot_image.h"
#include "mcuboot_internal.h"

#define DEP_LEN 12u
#define MAX_PAIRS 32u

struct dep_ctx {
	struct dfu_mcuboot *m;
	uint32_t install;                            /* bit i: pair i's secondary */
	const struct dfu_mcuboot_pair_profile *prof; /* of the image read */
	int verdict;                                 /* 0 or -ENOLINK */
};

static uint8_t pair_count(const struct dfu_mcuboot *m)
{
	uint8_t n = m->cfg.board->pair_count;

	return n < MAX_PAIRS ? n : (uint8_t)MAX_PAIRS;
}

/* Where pair i's image starts in the slot MCUboot reads for it. */
static int slot_of(struct dfu_mcuboot *m, uint8_t i, bool installed, const struct dfu_flash **f,
		   uint32_t *base, uint32_t *max)
{
	const struct dfu_mcuboot_pair *pair = &m->cfg.board->pairs[i];
	struct dfu_mcuboot_layout l;
	int err = mcuboot_layout(m, i, installed ? 1 : 0, &l);

	if (err) {
		return err;
	}
	*f = installed ? pair->secondary.flash : pair->primary.flash;
	*base = installed ? pair->secondary.offset + l.image_offset : pair->primary.offset;
	*max = installed ? l.max_image_size : pair->primary.size;
	return 0;
}

/* The pair whose MCUboot image number is id, or -1. */
static int pair_of_image(struct dfu_mcuboot *m, uint8_t id)
{
	for (uint8_t i = 0; i < pair_count(m); i++) {
		struct dfu_mcuboot_pair_profile p;

		if (mcuboot_prof(m, i, &p) == 0 && p.image_number == id) {
			return i;
		}
	}
	return -1;
}

static void version_of(const uint8_t *v, struct dfu_mcuboot_info *out)
{
	memset(out, 0, sizeof(*out));
	out->major = v[0];
	out->minor = v[1];
	out->revision = mcuboot_le16(&v[2]);
	out->build = dfu_get_le32(&v[4]);
}

static int dep_entry(void *ctx, const struct mcuboot_verify_args *a, uint32_t off, uint16_t len)
{
	struct dep_ctx *c = ctx;
	uint8_t d[DEP_LEN];
	uint8_t hdr[MCUBOOT_HDR_SIZE];
	struct dfu_mcuboot_info want;
	struct dfu_mcuboot_info have;
	const struct dfu_flash *f;
	uint32_t base;
	uint32_t max;

	if (len != DEP_LEN) {
		c->verdict = -ENOLINK;
		return 1; /* stop: one failure blocks every image */
	}
	int err = a->flash->read(a->flash->ctx, a->base + off, d, sizeof(d));

	if (err) {
		return err;
	}
	int j = pair_of_image(c->m, d[0]);

	if (j < 0) {
		c->verdict = -ENOLINK; /* image id >= the image count */
		return 1;
	}
	err = slot_of(c->m, (uint8_t)j, (c->install >> j) & 1u, &f, &base, &max);
	if (err == 0) {
		err = f->read(f->ctx, base, hdr, sizeof(hdr));
	}
	if (err) {
		return err;
	}
	version_of(&d[4], &want);
	version_of(&hdr[20], &have); /* the header as read, even erased */
	if (mcuboot_version_cmp(&have, &want, c->prof) < 0) {
		c->verdict = -ENOLINK;
		return 1;
	}
	return 0;
}

int mcuboot_deps_check(struct dfu_mcuboot *m, uint32_t install)
{
	if (install == 0 || pair_count(m) < 2) {
		/* checked only when some image is upgraded, and only by a
		 * multi-image MCUboot (BOOT_IMAGE_NUMBER > 1, sheet 2.10) */
		return 0;
	}
	for (uint8_t i = 0; i < pair_count(m); i++) {
		struct dfu_mcuboot_pair_profile prof;
		struct dfu_mcuboot_info info;
		struct dep_ctx c = {.m = m, .install = install, .prof = &prof};
		struct mcuboot_verify_args a = {
			.scratch = m->cfg.buf,
			.scratch_len = m->cfg.buf_len,
			.crypto = m->crypto,
			.sha = &m->sha,
			.allow_enc = true,
			.prof = &prof,
			.dep = dep_entry,
			.dep_ctx = &c,
		};
		int err = mcuboot_prof(m, i, &prof);

		if (err == -EINVAL) {
			continue; /* a pair the profile cannot describe: not judged */
		}
		if (err == 0) {
			err = slot_of(m, i, (install >> i) & 1u, &a.flash, &a.base, &a.max_img);
		}
		if (err == 0) {
			err = mcuboot_verify(&a, &info);
		}
		if (c.verdict) {
			return c.verdict;
		}
		if (err == -EBADMSG && (info.rule == DFU_MCUBOOT_RULE_TLV_INFO ||
					info.rule == DFU_MCUBOOT_RULE_TLV_BOUNDS)) {
			return -ENOLINK; /* MCUboot's TLV iterator fails: an error */
		}
		if (err && err != -ENOENT && err != -EBADMSG && err != -EFBIG && err != -ENOTSUP) {
			return err; /* flash */
		}
		/* no header magic, or a header whose TLVs cannot be reached:
		 * no dependency read */
	}
	return 0;
}

int mcuboot_installing(struct dfu_mcuboot *m, uint32_t *mask)
{
	*mask = 0;
	for (uint8_t i = 0; i < pair_count(m); i++) {
		const struct dfu_mcuboot_pair *pair = &m->cfg.board->pairs[i];
		struct dfu_mcuboot_trailer tp;
		struct dfu_mcuboot_trailer ts;
		struct dfu_mcuboot_info info;
		int err = dfu_mcuboot_trailer_read(pair, 0, &tp);

		if (err == 0) {
			err = dfu_mcuboot_trailer_read(pair, 1, &ts);
		}
		if (err) {
			return err;
		}
		enum dfu_mcuboot_swap s = dfu_mcuboot_swap_type(pair, &tp, &ts);

		if (s != DFU_MCUBOOT_SWAP_TEST && s != DFU_MCUBOOT_SWAP_PERM &&
		    s != DFU_MCUBOOT_SWAP_REVERT) {
			continue;
		}
		/* A secondary MCUboot refuses is not installed (NONE): its
		 * primary counts then. Unknown (no record, no verification
		 * possible now): taken as installed. */
		err = mcuboot_secondary_check(m, i, m->stream.status != DFU_STREAM_OPEN, &info,
					      NULL);
		if (err == -ENOENT || err == -EBADMSG || err == -EFBIG || err == -ENOTSUP ||
		    err == -EINVAL) {
			continue; /* refused, or a pair the profile cannot describe */
		}
		if (err) {
			return err;
		}
		bool refused = info.hash != DFU_MCUBOOT_CHECK_NONE
				       ? mcuboot_verdict(&info, m->cfg.key_count,
							 (m->cfg.flags &
							  DFU_MCUBOOT_ALLOW_UNVERIFIED) != 0) != 0
				       : info.rule != DFU_MCUBOOT_RULE_NONE;

		if (refused || (info.flags & MCUBOOT_F_NON_BOOTABLE)) {
			continue;
		}
		*mask |= 1u << i;
	}
	return 0;
}
