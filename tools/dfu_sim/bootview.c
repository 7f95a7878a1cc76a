/*
 * dfu-sim: what MCUboot does with one image pair at the next reset
 * (shared/spec/mcuboot-acceptance.md §3.5-§3.7, §4), from the library's
 * state of the pair (dfu_mcuboot_state(): trailers, swap type, whether the
 * secondary will be installed) and the library's verifier over each slot
 * (dsim_mcuboot_judge(): which rule refuses the secondary, whether the
 * primary passes validate-primary). status reports it, reset acts on it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dsim.h"

static const uint8_t hdr_magic[4] = {0x3d, 0xb8, 0xf3, 0x96};

/* The slot's image area judged by the device's bootloader. *empty: its
 * header magic is erased. */
static int judge_slot(struct dsim_device *d, unsigned i, bool secondary, bool *empty,
		      const char **rule)
{
	const struct dfu_mcuboot_pair *pair = &d->pairs[i];
	const struct dfu_mcuboot_slot *s = secondary ? &pair->secondary : &pair->primary;
	struct dfu_mcuboot_layout l;
	struct dfu_mcuboot_info info;
	int err = dfu_mcuboot_layout(pair, 1, &l);
	uint32_t off = secondary ? l.image_offset : 0;
	uint8_t *buf = err ? NULL : malloc(s->size - off);

	*rule = NULL;
	*empty = true;
	if (buf == NULL) {
		return err ? err : -ENOMEM;
	}
	err = s->flash->read(s->flash->ctx, s->offset + off, buf, s->size - off);
	if (err == 0) {
		uint8_t erased[4];

		memset(erased, s->flash->erase_value, sizeof(erased));
		*empty = memcmp(buf, erased, sizeof(erased)) == 0;
		const struct dsim_judge j = {.board = &d->mboard,
					     .profile = d->mcuboot.cfg.profile,
					     .img = (int)i,
					     .keys = d->mcuboot.cfg.keys,
					     .key_count = d->mcuboot.cfg.key_count,
					     .crypto = &d->crypto,
					     .slot = true};

		err = dsim_mcuboot_judge(&j, buf, s->size - off, &info);
		*rule = err == 0 ? NULL : dsim_mcuboot_rule(err, &info);
		if (err != 0 && *rule == NULL) {
			*rule = memcmp(buf, hdr_magic, 4) != 0 ? "header" : "other";
		}
		err = 0;
	}
	free(buf);
	return err;
}

/* Swap-offset (3.3): a header magic in the secondary's sector 0. */
static bool sector0_magic(const struct dfu_mcuboot_pair *pair)
{
	uint8_t b[4];
	const struct dfu_flash *f = pair->secondary.flash;

	return pair->mode == DFU_MCUBOOT_SWAP_OFFSET &&
	       f->read(f->ctx, pair->secondary.offset, b, sizeof(b)) == 0 &&
	       memcmp(b, hdr_magic, sizeof(b)) == 0;
}

int dsim_pair_view(struct dsim_device *d, unsigned i, struct dsim_pair_view *v)
{
	const struct dfu_mcuboot_pair *pair = &d->pairs[i];
	bool sec_empty;
	int err;

	memset(v, 0, sizeof(*v));
	dsim_board_profile(&d->board, i, &v->prof);
	err = dfu_mcuboot_state(&d->mcuboot, (int)i, &v->st);
	if (err == 0) {
		err = judge_slot(d, i, false, &v->primary_empty, &v->primary_rule);
	}
	if (err == 0) {
		err = judge_slot(d, i, true, &sec_empty, &v->secondary_rule);
	}
	if (err) {
		return err;
	}
	const uint32_t f = v->prof.features;
	const bool validate = !(f & DFU_MCUBOOT_P_NO_VALIDATE_PRIMARY);
	const bool bootstrap = (f & DFU_MCUBOOT_P_BOOTSTRAP) != 0;
	const bool over = pair->mode == DFU_MCUBOOT_OVERWRITE;
	const bool needs_primary =
		pair->mode == DFU_MCUBOOT_SWAP_MOVE || pair->mode == DFU_MCUBOOT_SWAP_OFFSET;
	const bool request =
		v->st.swap == DFU_MCUBOOT_SWAP_TEST || v->st.swap == DFU_MCUBOOT_SWAP_PERM;

	/* validate-primary: full validation, else only the magic (3.7). */
	v->primary_ok = validate ? v->primary_rule == NULL : !v->primary_empty;
	if (!validate && v->primary_ok) {
		v->primary_rule = NULL;
	} else if (v->primary_empty) {
		v->primary_rule = "empty_primary";
	}
	if (v->st.will_install) {
		v->action = request ? DSIM_ACT_INSTALL : DSIM_ACT_BOOTSTRAP;
		v->boot_fails = false; /* the installed image was validated */
		return 0;
	}
	if (v->st.swap == DFU_MCUBOOT_SWAP_REVERT) {
		v->action = DSIM_ACT_REVERT;
		return 0;
	}
	if (!request) {
		v->action = DSIM_ACT_NONE;
		if (bootstrap && v->primary_empty && !sec_empty && v->secondary_rule != NULL) {
			v->action = DSIM_ACT_SCRAMBLE; /* bootstrap: an invalid secondary */
			v->check = v->secondary_rule;
		}
		v->boot_fails = !v->primary_ok;
		return 0;
	}
	/* A request the bootloader does not carry out. */
	v->boot_fails = !v->primary_ok;
	if (v->primary_empty && needs_primary && !bootstrap) {
		v->action = DSIM_ACT_NO_HEADERS; /* 3.6: NONE, nothing erased */
		v->check = "empty_primary";
	} else if (sec_empty ||
		   (v->secondary_rule != NULL && strcmp(v->secondary_rule, "non_bootable") == 0)) {
		/* 1.2: "no bootable image": trailer sectors only (swap modes) */
		v->action = over ? DSIM_ACT_NONE : DSIM_ACT_SCRAMBLE_TRAILER;
		v->check = sec_empty ? "no_image" : "non_bootable";
	} else if (sector0_magic(pair)) {
		v->action = DSIM_ACT_SCRAMBLE;
		v->check = "offset_sector0";
	} else {
		v->action = DSIM_ACT_SCRAMBLE;
		v->check = v->secondary_rule != NULL ? v->secondary_rule : "downgrade";
	}
	return 0;
}
