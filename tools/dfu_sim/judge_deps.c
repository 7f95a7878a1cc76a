/*
 * dfu-sim: which dependency keeps MCUboot from installing anything. The
 * verdict is the library's (dfu_mcuboot_state(): hold =
 * DFU_MCUBOOT_HOLD_DEPENDENCY, from mcuboot_deps_check()); this only names
 * the dependency for the report, with the library's pieces: the pairs
 * MCUboot would upgrade (mcuboot_installing()), the DEPENDENCY TLVs of each
 * image's next slot as the verifier's walk meets them (mcuboot_verify()'s
 * dep callback, protected ones only), the image numbers of the profile
 * (mcuboot_prof()) and MCUboot's version comparison (mcuboot_version_cmp()).
 * Rules: shared/spec/mcuboot-acceptance.md §2.10.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dfu_util.h"
#include "dsim.h"
#include "mcuboot_image.h"
#include "mcuboot_internal.h"

#define DEP_LEN 12u

struct dep_walk {
	struct dfu_mcuboot *m;
	uint32_t install;                            /* bit i: pair i's secondary */
	const struct dfu_mcuboot_pair_profile *prof; /* of the image read */
	struct dsim_dep *out;
};

/* Where pair i's image starts in the slot MCUboot boots next. */
static int next_slot(struct dfu_mcuboot *m, uint8_t i, bool installed, const struct dfu_flash **f,
		     uint32_t *base, uint32_t *max)
{
	const struct dfu_mcuboot_pair *pair = &m->cfg.board->pairs[i];
	struct dfu_mcuboot_layout l;
	int err = mcuboot_layout(m, i, installed ? 1 : 0, &l);

	if (err == 0) {
		*f = installed ? pair->secondary.flash : pair->primary.flash;
		*base = installed ? pair->secondary.offset + l.image_offset : pair->primary.offset;
		*max = installed ? l.max_image_size : pair->primary.size;
	}
	return err;
}

static void version_at(const uint8_t *v, struct dfu_mcuboot_info *out)
{
	memset(out, 0, sizeof(*out));
	out->major = v[0];
	out->minor = v[1];
	out->revision = (uint16_t)(v[2] | (v[3] << 8));
	out->build = dfu_get_le32(&v[4]);
}

static int on_dep(void *ctx, const struct mcuboot_verify_args *a, uint32_t off, uint16_t len)
{
	struct dep_walk *w = ctx;
	struct dsim_dep *o = w->out;
	uint8_t d[DEP_LEN];
	uint8_t hdr[MCUBOOT_HDR_SIZE];
	const struct dfu_flash *f;
	uint32_t base, max;
	int pair = -1;

	o->len = len;
	if (len != DEP_LEN) {
		o->kind = DSIM_DEP_LENGTH;
		return 1;
	}
	int err = a->flash->read(a->flash->ctx, a->base + off, d, sizeof(d));

	if (err) {
		return err;
	}
	o->image = d[0];
	version_at(&d[4], &o->want);
	for (uint8_t i = 0; i < w->m->cfg.board->pair_count && pair < 0; i++) {
		struct dfu_mcuboot_pair_profile p;

		if (mcuboot_prof(w->m, i, &p) == 0 && p.image_number == d[0]) {
			pair = i;
		}
	}
	if (pair < 0) {
		o->kind = DSIM_DEP_NO_IMAGE;
		return 1;
	}
	err = next_slot(w->m, (uint8_t)pair, (w->install >> pair) & 1u, &f, &base, &max);
	if (err == 0) {
		err = f->read(f->ctx, base, hdr, sizeof(hdr));
	}
	if (err) {
		return err;
	}
	version_at(&hdr[20], &o->have);
	if (mcuboot_version_cmp(&o->have, &o->want, w->prof) < 0) {
		o->kind = DSIM_DEP_UNMET;
		return 1;
	}
	return 0;
}

int dsim_mcuboot_dep_unmet(struct dfu_mcuboot *m, unsigned img, struct dsim_dep *out)
{
	uint32_t install;
	int err = mcuboot_installing(m, &install);

	memset(out, 0, sizeof(*out));
	if (err) {
		return err;
	}
	install |= 1u << img; /* as the library judges pair img's request */
	for (uint8_t i = 0; i < m->cfg.board->pair_count && i < 32; i++) {
		struct dfu_mcuboot_pair_profile prof;
		struct dfu_mcuboot_info info;
		struct dep_walk w = {.m = m, .install = install, .prof = &prof, .out = out};
		struct mcuboot_verify_args a = {
			.scratch = m->cfg.buf,
			.scratch_len = m->cfg.buf_len,
			.crypto = m->cfg.crypto,
			.allow_enc = true,
			.prof = &prof,
			.dep = on_dep,
			.dep_ctx = &w,
		};
		struct dfu_sha256 sha;

		a.sha = &sha;
		out->of = i;
		out->of_secondary = (install >> i) & 1u;
		if (mcuboot_prof(m, i, &prof) != 0 ||
		    next_slot(m, i, out->of_secondary, &a.flash, &a.base, &a.max_img) != 0) {
			continue;
		}
		err = mcuboot_verify(&a, &info);
		if (out->kind != DSIM_DEP_NONE) {
			return 0;
		}
		if (err == -EBADMSG && (info.rule == DFU_MCUBOOT_RULE_TLV_INFO ||
					info.rule == DFU_MCUBOOT_RULE_TLV_BOUNDS)) {
			out->kind = DSIM_DEP_TLVS;
			return 0;
		}
	}
	memset(out, 0, sizeof(*out));
	return -ENOENT;
}

static void version_text(const struct dfu_mcuboot_info *v, char *b, size_t n)
{
	snprintf(b, n, "%u.%u.%u+%lu", v->major, v->minor, v->revision, (unsigned long)v->build);
}

const char *dsim_dep_text(const struct dsim_dep *dp, unsigned img, char *b, size_t n)
{
	char want[40], have[40], whose[64] = "";

	version_text(&dp->want, want, sizeof(want));
	version_text(&dp->have, have, sizeof(have));
	if (dp->of != img || !dp->of_secondary) {
		snprintf(whose, sizeof(whose), "image %u's %s image: ", dp->of,
			 dp->of_secondary ? "new" : "running");
	}
	switch (dp->kind) {
	case DSIM_DEP_UNMET:
		snprintf(b, n, "%sdependency on image %u >= %s unmet (image %u would run %s)",
			 whose, dp->image, want, dp->image, have);
		break;
	case DSIM_DEP_LENGTH:
		snprintf(b, n, "%smalformed dependency TLV (%u bytes, not 12)", whose, dp->len);
		break;
	case DSIM_DEP_NO_IMAGE:
		snprintf(b, n, "%sdependency on image %u, which this board does not have", whose,
			 dp->image);
		break;
	case DSIM_DEP_TLVS:
		snprintf(b, n, "%sa TLV area MCUboot cannot walk (its dependencies unreadable)",
			 whose);
		break;
	default:
		snprintf(b, n, "a dependency is unmet");
		break;
	}
	return b;
}
