/*
 * dfu-sim: what MCUboot does with one image pair at the next reset
 * (shared/spec/mcuboot-acceptance.md §3.5-§3.7, §4). The library judges:
 * dfu_mcuboot_state() gives the trailers, the swap type, whether the
 * secondary will be installed and, if not, why (hold), whether the primary
 * passes validate-primary and whether the boot fails. This file turns that
 * into an action and names the rules, with the library's verifier report
 * over a slot (dsim_mcuboot_judge(): which rule refuses its image) and
 * judge_deps.c (which dependency holds a request). status reports it,
 * reset acts on it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dsim.h"

static const uint8_t hdr_magic[4] = {0x3d, 0xb8, 0xf3, 0x96};

/* A slot's header magic as read (at off): erased, MCUboot's, or other. */
enum { MAGIC_ERASED, MAGIC_GOOD, MAGIC_GARBAGE };

static int magic_of(const struct dfu_mcuboot_slot *s, uint32_t off, int *magic)
{
	uint8_t b[4], erased[4];
	int err = s->flash->read(s->flash->ctx, s->offset + off, b, sizeof(b));

	memset(erased, s->flash->erase_value, sizeof(erased));
	*magic = memcmp(b, hdr_magic, sizeof(b)) == 0 ? MAGIC_GOOD
		 : memcmp(b, erased, sizeof(b)) == 0  ? MAGIC_ERASED
						      : MAGIC_GARBAGE;
	return err;
}

/* The rule that refuses the slot's image, from the library's verifier
 * under the device's bootloader (NULL: none does). It names a refusal the
 * library decided; it decides nothing. */
static int slot_rule(struct dsim_device *d, unsigned i, bool secondary, const char **rule)
{
	const struct dfu_mcuboot_pair *pair = &d->pairs[i];
	const struct dfu_mcuboot_slot *s = secondary ? &pair->secondary : &pair->primary;
	struct dfu_mcuboot_layout l;
	struct dfu_mcuboot_info info;
	int err = dfu_mcuboot_layout(pair, 1, &l);
	uint32_t off = secondary ? l.image_offset : 0;
	uint8_t *buf = err ? NULL : malloc(s->size - off);

	*rule = NULL;
	if (buf == NULL) {
		return err ? err : -ENOMEM;
	}
	err = s->flash->read(s->flash->ctx, s->offset + off, buf, s->size - off);
	if (err == 0) {
		const struct dsim_judge j = {.board = &d->mboard,
					     .profile = d->mcuboot.cfg.profile,
					     .img = (int)i,
					     .keys = d->mcuboot.cfg.keys,
					     .key_count = d->mcuboot.cfg.key_count,
					     .crypto = &d->crypto,
					     .slot = true};
		int verdict = dsim_mcuboot_judge(&j, buf, s->size - off, &info);

		*rule = verdict == 0 ? NULL : dsim_mcuboot_rule(verdict, &info);
		if (verdict != 0 && *rule == NULL) {
			*rule = memcmp(buf, hdr_magic, 4) != 0 ? "header" : "other";
		}
	}
	free(buf);
	return err;
}

/* The primary: the library's validate-primary verdict, the rule that
 * refuses it, and whether bootstrap takes it as invalid (3.6: bootstrap
 * validates it even without validate-primary, when the library's state
 * reports only its magic). */
static int primary_view(struct dsim_device *d, unsigned i, int pm, struct dsim_pair_view *v,
			bool *invalid)
{
	const uint32_t f = v->prof.features;
	const bool validate = !(f & DFU_MCUBOOT_P_NO_VALIDATE_PRIMARY);
	const bool bootstrap = (f & DFU_MCUBOOT_P_BOOTSTRAP) != 0;
	const char *rule = NULL;
	int err = 0;

	v->primary_empty = pm == MAGIC_ERASED;
	v->primary_ok = v->st.primary_valid != 0;
	*invalid = pm == MAGIC_ERASED;
	if (pm != MAGIC_ERASED &&
	    (!v->primary_ok || (bootstrap && !validate && pm == MAGIC_GOOD))) {
		err = slot_rule(d, i, false, &rule);
	}
	if (pm == MAGIC_GOOD) {
		*invalid = validate ? !v->primary_ok : rule != NULL;
	}
	if (!v->primary_ok) {
		v->primary_rule = v->primary_empty ? "empty_primary"
				  : rule != NULL   ? rule
						   : "other";
	} else if (*invalid) {
		v->primary_rule = rule; /* bootstrap copies over it */
	}
	return err;
}

int dsim_pair_view(struct dsim_device *d, unsigned i, struct dsim_pair_view *v)
{
	const struct dfu_mcuboot_pair *pair = &d->pairs[i];
	struct dfu_mcuboot_layout l;
	int pm = MAGIC_ERASED, sm = MAGIC_ERASED;
	bool primary_invalid = false;
	const char *sec_rule = NULL;
	int err;

	memset(v, 0, sizeof(*v));
	dsim_board_profile(&d->board, i, &v->prof);
	err = dfu_mcuboot_state(&d->mcuboot, (int)i, &v->st);
	if (err == 0) {
		err = dfu_mcuboot_layout(pair, 1, &l);
	}
	if (err == 0) {
		err = magic_of(&pair->primary, 0, &pm);
	}
	if (err == 0) {
		err = magic_of(&pair->secondary, l.image_offset, &sm);
	}
	if (err == 0) {
		err = primary_view(d, i, pm, v, &primary_invalid);
	}
	if (err) {
		return err;
	}
	const struct dfu_mcuboot_pair_state *st = &v->st;
	const bool bootstrap = (v->prof.features & DFU_MCUBOOT_P_BOOTSTRAP) != 0;
	const bool over = pair->mode == DFU_MCUBOOT_OVERWRITE;
	const bool request = st->swap == DFU_MCUBOOT_SWAP_TEST || st->swap == DFU_MCUBOOT_SWAP_PERM;

	v->boot_fails = st->boot_fails != 0;
	if (st->will_install) {
		v->action = request ? DSIM_ACT_INSTALL : DSIM_ACT_BOOTSTRAP;
		return 0;
	}
	if (st->swap == DFU_MCUBOOT_SWAP_REVERT) {
		v->action = DSIM_ACT_REVERT;
		return 0;
	}
	if (sm != MAGIC_ERASED && (request || (bootstrap && primary_invalid))) {
		err = slot_rule(d, i, true, &sec_rule);
		if (err) {
			return err;
		}
	}
	if (!request) {
		v->action = DSIM_ACT_NONE;
		/* bootstrap (3.6): with an erased or invalid primary, a
		 * secondary that fails validation is erased */
		if (bootstrap && primary_invalid && sec_rule != NULL) {
			v->action = DSIM_ACT_SCRAMBLE;
			v->check = sec_rule;
		}
		return 0;
	}
	/* A request the bootloader does not carry out: the library's hold
	 * says why. HOLD_PRIMARY: MCUboot reads the primary's header before it
	 * validates the secondary (0.1, 3.6); in swap-move / swap-offset a
	 * magic that is not IMAGE_MAGIC (an erased one: unless bootstrap)
	 * stops it there, whatever the secondary holds. */
	if (st->hold == DFU_MCUBOOT_HOLD_PRIMARY) {
		v->action = DSIM_ACT_NO_HEADERS; /* 3.6: NONE, nothing erased */
		v->check = pm == MAGIC_ERASED ? "empty_primary" : "primary_header";
	} else if (st->hold == DFU_MCUBOOT_HOLD_DEPENDENCY) {
		v->action = DSIM_ACT_DEPENDENCY; /* 2.10: nothing erased */
		v->check = "dependency";
		err = dsim_mcuboot_dep_unmet(&d->mcuboot, i, &v->dep);
		if (err && err != -ENOENT) {
			return err;
		}
	} else if (st->hold == DFU_MCUBOOT_HOLD_SECTOR0) {
		v->action = DSIM_ACT_SCRAMBLE;
		v->check = "offset_sector0";
	} else if (sm == MAGIC_ERASED ||
		   (sec_rule != NULL && strcmp(sec_rule, "non_bootable") == 0)) {
		/* 1.2: "no bootable image": trailer sectors only (swap modes) */
		v->action = over ? DSIM_ACT_NONE : DSIM_ACT_SCRAMBLE_TRAILER;
		v->check = sm == MAGIC_ERASED ? "no_image" : "non_bootable";
	} else {
		v->action = DSIM_ACT_SCRAMBLE; /* HOLD_SECONDARY */
		v->check = sec_rule != NULL ? sec_rule : "downgrade";
	}
	return 0;
}
