/*
 * dfu-sim layout parser: the pair and mcuboot lines, and init's --mcuboot
 * option (the same keys as an mcuboot line). The layout format is
 * described in board.c and docs/dfu-sim-layout.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "board_parse.h"
#include "dsim.h"

static const char *const mode_names[] = {"swap-move", "swap-scratch", "swap-offset", "overwrite"};
static const char *const install_names[] = {"swap", "copy"};

/* The pair facts given as text (NULL = unchanged) into d. */
static int pair_facts(struct parser *p, struct dsim_pair_desc *d, const char *mode,
		      const char *align, const char *sectors, const char *image)
{
	uint32_t v = 0;
	int m;
	int e;

	if (mode != NULL && (m = bp_pick(mode_names, 4, mode)) < 0) {
		return bp_fail(p, "unknown mode '%s'", mode);
	}
	if (mode != NULL) {
		d->mode = (uint8_t)m;
	}
	if (align != NULL && (e = bp_number(p, "align", align, &v)) != 0) {
		return e;
	}
	if (align != NULL && v != 8 && v != 16 && v != 32) {
		return bp_fail(p, "align must be 8, 16 or 32");
	}
	if (align != NULL) {
		d->max_align = (uint8_t)v;
	}
	if (sectors != NULL && (e = bp_number(p, "max-img-sectors", sectors, &v)) != 0) {
		return e;
	}
	if (sectors != NULL && v > UINT16_MAX) {
		return bp_fail(p, "max-img-sectors must be 0 (auto) .. 65535");
	}
	if (sectors != NULL) {
		d->max_img_sectors = (uint16_t)v;
	}
	if (image != NULL && (e = bp_number(p, "image", image, &v)) != 0) {
		return e;
	}
	if (image != NULL && v > 14) {
		return bp_fail(p, "image (MCUboot image number) must be 0..14");
	}
	if (image != NULL) {
		d->image = DFU_MCUBOOT_IMAGE(v);
	}
	return 0;
}

static int check_pair(struct parser *p, unsigned i)
{
	char why[200];

	return dsim_pair_check(&p->b, i, why, sizeof(why)) != 0 ? bp_fail(p, "%s", why) : 0;
}

int bp_do_pair(struct parser *p, char **tok, unsigned n)
{
	static const char *const keys[] = {"primary", "secondary",       "mode", "align",
					   "install", "max-img-sectors", "image"};
	struct dsim_board *b = &p->b;
	struct dsim_pair_desc d;
	char what[2][DSIM_NAME_LEN + 24];
	const char *v[7];
	int install = DSIM_INSTALL_SWAP;
	int e;

	if (n < 2 || !bp_name_ok(tok[1])) {
		return bp_fail(p, "pair needs a name ([A-Za-z][A-Za-z0-9_-]*, < %d chars)",
			       DSIM_NAME_LEN);
	}
	for (unsigned i = 0; i < b->pair_count; i++) {
		if (strcmp(b->pair[i].name, tok[1]) == 0) {
			return bp_fail(p, "duplicate pair '%s'", tok[1]);
		}
	}
	if (b->pair_count == DSIM_MAX_PAIRS) {
		return bp_fail(p, "too many pairs (max %d)", DSIM_MAX_PAIRS);
	}
	e = bp_collect(p, tok, 2, n, keys, 7, v);
	if (e != 0) {
		return e;
	}
	if (v[0] == NULL || v[1] == NULL) {
		return bp_fail(p, "pair '%s' needs primary= and secondary=", tok[1]);
	}
	memset(&d, 0, sizeof(d));
	(void)snprintf(d.name, sizeof(d.name), "%s", tok[1]);
	(void)snprintf(what[0], sizeof(what[0]), "pair '%s' primary", tok[1]);
	(void)snprintf(what[1], sizeof(what[1]), "pair '%s' secondary", tok[1]);
	e = bp_parse_area(p, what[0], v[0], &d.primary);
	if (e != 0) {
		return e;
	}
	bp_add_area(p, &d.primary, what[0]);
	e = bp_parse_area(p, what[1], v[1], &d.secondary);
	if (e != 0) {
		return e;
	}
	bp_add_area(p, &d.secondary, what[1]);
	if (v[4] != NULL && (install = bp_pick(install_names, 2, v[4])) < 0) {
		return bp_fail(p, "unknown install '%s'", v[4]);
	}
	d.mode = DFU_MCUBOOT_SWAP_MOVE;
	d.max_align = 8;
	d.install = (uint8_t)install;
	e = pair_facts(p, &d, v[2], v[3], v[5], v[6]);
	if (e != 0) {
		return e;
	}
	b->pair[b->pair_count++] = d;
	return check_pair(p, b->pair_count - 1);
}

/* mcuboot [pair=NAME] KEY=VALUE...: profile keys (board-wide, or the named
 * pair's own), and the facts mode, align, max-img-sectors, image of the
 * pairs declared so far (every one, or the named one). */
int bp_do_mcuboot(struct parser *p, char **tok, unsigned n)
{
	static const char *const facts[] = {"mode", "align", "max-img-sectors", "image"};
	struct dsim_board *b = &p->b;
	const char *fv[4] = {NULL, NULL, NULL, NULL};
	int only = -1;
	char why[160];
	int e;

	for (unsigned t = 1; t < n; t++) {
		char key[32];
		const char *eq = strchr(tok[t], '=');
		size_t kl = eq ? (size_t)(eq - tok[t]) : 0;
		int f;

		if (eq == NULL || kl == 0 || kl >= sizeof(key)) {
			return bp_fail(p, "'%s': want key=value", tok[t]);
		}
		memcpy(key, tok[t], kl);
		key[kl] = '\0';
		if (strcmp(key, "pair") == 0) {
			for (unsigned i = 0; i < b->pair_count && only < 0; i++) {
				only = strcmp(b->pair[i].name, eq + 1) == 0 ? (int)i : -1;
			}
			if (t != 1) {
				return bp_fail(p, "pair= comes first on an mcuboot line");
			}
			if (only < 0) {
				return bp_fail(p, "mcuboot: no pair '%s' (declare it first)",
					       eq + 1);
			}
		} else if ((f = bp_pick(facts, 4, key)) >= 0) {
			fv[f] = eq + 1;
		} else if (dsim_profile_key(key)) {
			e = dsim_profile_set(only >= 0 ? &b->pair[only].profile : &b->profile, key,
					     eq + 1, why, sizeof(why));
			if (e != 0) {
				return bp_fail(p, "%s", why);
			}
		} else {
			return bp_fail(p,
				       "unknown mcuboot key '%s' (docs/dfu-sim-layout.md lists "
				       "them)",
				       key);
		}
	}
	for (unsigned i = 0; i < b->pair_count; i++) {
		if (only >= 0 && (unsigned)only != i) {
			continue;
		}
		e = pair_facts(p, &b->pair[i], fv[0], fv[1], fv[2], fv[3]);
		if (e == 0) {
			e = check_pair(p, i);
		}
		if (e != 0) {
			return e;
		}
	}
	return 0;
}

int dsim_board_mcuboot(struct dsim_board *b, const char *spec, char *err, size_t err_len)
{
	struct parser p;
	char buf[LINE_MAX_LEN + 1];
	char *tok[MAX_TOKENS];
	unsigned n = 1;
	int e;

	memset(&p, 0, sizeof(p));
	p.b = *b;
	p.cli = true;
	p.err = err;
	p.err_len = err_len;
	if (strlen(spec) > LINE_MAX_LEN - 8) {
		return bp_fail(&p, "--mcuboot: longer than %d characters", LINE_MAX_LEN - 8);
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	tok[0] = "mcuboot";
	for (char *s = strtok(buf, " ,\t"); s != NULL; s = strtok(NULL, " ,\t")) {
		if (n == MAX_TOKENS) {
			return bp_fail(&p, "--mcuboot: too many fields");
		}
		tok[n++] = s;
	}
	if (n == 1) {
		return bp_fail(&p, "--mcuboot: want KEY=VALUE");
	}
	e = bp_do_mcuboot(&p, tok, n);
	if (e == 0) {
		*b = p.b;
	}
	return e;
}
