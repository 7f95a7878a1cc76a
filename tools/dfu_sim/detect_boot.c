/*
 * dfu-sim detect --board / --layout / --mcuboot: the bootloader an artifact
 * is judged by, without a device: a board (preset or layout file, the
 * nrf9160dk preset when only --mcuboot is given), its profile keys, one
 * pair, the trusted keys (PEM files), the mbedTLS crypto port.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dsim.h"

static const char *const mode_names[] = {"swap-move", "swap-scratch", "swap-offset", "overwrite"};

int dsim_boot_setup(struct dsim_boot_ctx *c, const struct dsim_boot_opts *o, char *err,
		    size_t err_len)
{
	char *text = NULL;
	size_t tlen = 0;
	FILE *m;
	int img;
	int e;

	memset(c, 0, sizeof(*c));
	if (o->layout != NULL) {
		e = dsim_board_load(o->layout, &c->board, err, err_len);
	} else {
		e = dsim_board_preset(o->board ? o->board : "nrf9160dk", &c->board);
		if (e != 0) {
			snprintf(err, err_len, "unknown board '%s' (dfu-sim boards lists them)",
				 o->board);
		}
	}
	if (e != 0) {
		return e;
	}
	for (unsigned i = 0; i < o->nprof; i++) {
		char why[256];

		e = dsim_board_mcuboot(&c->board, o->prof[i], why, sizeof(why));
		if (e != 0) {
			snprintf(err, err_len, "--mcuboot %s: %s", o->prof[i], why);
			return e;
		}
	}
	img = o->image ? dsim_board_pair_by_name(&c->board, o->image) : 0;
	if (img < 0) {
		snprintf(err, err_len, "--image %s: board %s has no such image", o->image,
			 c->board.name);
		return -ENOENT;
	}
	for (unsigned i = 0; i < o->nkeys; i++) {
		e = dsim_key_der(o->keys[i], c->key_der[i], &c->keys[i].der_len, err, err_len);
		if (e != 0) {
			return e;
		}
		c->keys[i].der = c->key_der[i];
	}
	dsim_mboard_init(&c->mb, &c->board);
	dfu_crypto_mbedtls_init(&c->crypto_state, &c->crypto, true);
	m = open_memstream(&text, &tlen);
	if (m != NULL) {
		dsim_profile_write(&c->board.profile, m);
		dsim_profile_write(&c->board.pair[img].profile, m);
		fclose(m);
	}
	snprintf(c->profile, sizeof(c->profile), "%s", text && text[0] == ' ' ? text + 1 : "");
	free(text);
	c->boot = (struct dsim_boot){
		.judge = {.board = &c->mb.board,
			  .profile = &c->board.profile.build,
			  .img = img,
			  .keys = o->nkeys ? c->keys : NULL,
			  .key_count = (uint8_t)o->nkeys,
			  .crypto = &c->crypto},
		.board = c->board.name,
		.pair = c->board.pair[img].name,
		.mode = c->board.pair[img].mode < 4 ? mode_names[c->board.pair[img].mode] : "?",
		.profile = c->profile,
	};
	return 0;
}

void dsim_boot_free(struct dsim_boot_ctx *c)
{
	dfu_crypto_mbedtls_free(&c->crypto_state);
}
