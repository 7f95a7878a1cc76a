/*
 * dfu-sim board presets, and layout files on disk: load and write (the
 * format and the parser are in board.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dsim.h"

#define LAYOUT_MAX_FILE (64u * 1024u)

/* Spelled as board.c parses them (the write/parse round trip is tested). */
static const char *const mode_names[] = {"swap-move", "swap-scratch", "swap-offset", "overwrite"};
static const char *const install_names[] = {"swap", "copy"};

/* ---- presets (parsed like any layout file) ---- */

static const char preset_nrf9160dk[] =
	"board nrf9160dk\n"
	"flash int geometry=nrf9160 size=1M\n"
	"flash ext geometry=mx25r64 size=8M\n"
	"pair app primary=int:0x10000+0x70000 secondary=int:0x80000+0x70000 mode=swap-move "
	"align=8\n"
	"modem uuid=5e2a5f38-8f2c-4a2a-9d62-0f3c4a6b1d01 area=0x48000\n"
	"full-modem ext:0x0+0x400000\n";

static const char preset_nrf5340dk[] =
	"board nrf5340dk\n"
	"flash app geometry=nrf5340 size=1M\n"
	"flash net geometry=nrf5340 size=256K erase=2048\n"
	"flash ext geometry=mx25r64 size=8M\n"
	"pair app primary=app:0x10000+0x70000 secondary=app:0x80000+0x70000 mode=swap-move "
	"align=8 install=swap\n"
	"pair net primary=net:0x0+0x40000 secondary=ext:0x100000+0x40000 mode=overwrite "
	"align=8 install=copy\n";

static const char preset_nrf52840dk[] =
	"board nrf52840dk\n"
	"flash int geometry=nrf52840 size=1M\n"
	"flash ext geometry=mx25r64 size=8M\n"
	"pair app primary=int:0xC000+0x76000 secondary=int:0x82000+0x76000 mode=swap-move "
	"align=8\n";

const char *const dsim_board_presets[] = {"nrf9160dk", "nrf5340dk", "nrf52840dk", NULL};
static const char *const preset_texts[] = {preset_nrf9160dk, preset_nrf5340dk, preset_nrf52840dk};

int dsim_board_preset(const char *name, struct dsim_board *b)
{
	char err[128];

	for (size_t i = 0; name != NULL && dsim_board_presets[i] != NULL; i++) {
		if (strcmp(name, dsim_board_presets[i]) == 0) {
			return dsim_board_parse(preset_texts[i], b, err, sizeof(err));
		}
	}
	return -ENOENT;
}

int dsim_board_load(const char *path, struct dsim_board *b, char *err, size_t err_len)
{
	FILE *fp;
	char *text;
	size_t n;
	int e = 0;

	if (err != NULL && err_len > 0) {
		err[0] = '\0';
	}
	fp = fopen(path, "rb");
	if (fp == NULL) {
		e = errno > 0 ? -errno : -EIO;
		if (err != NULL) {
			(void)snprintf(err, err_len, "%s: %s", path, strerror(-e));
		}
		return e;
	}
	text = malloc(LAYOUT_MAX_FILE + 1);
	if (text == NULL) {
		(void)fclose(fp);
		return -ENOMEM;
	}
	n = fread(text, 1, LAYOUT_MAX_FILE + 1, fp);
	if (ferror(fp)) {
		e = -EIO;
	} else if (n > LAYOUT_MAX_FILE) {
		e = -EFBIG;
	} else if (memchr(text, '\0', n) != NULL) {
		e = -EINVAL;
	}
	(void)fclose(fp);
	if (e != 0) {
		if (err != NULL) {
			(void)snprintf(err, err_len, "%s: %s", path,
				       e == -EINVAL  ? "NUL byte in a layout file"
				       : e == -EFBIG ? "layout file larger than 64 KiB"
						     : "read error");
		}
		free(text);
		return e;
	}
	text[n] = '\0';
	e = dsim_board_parse(text, b, err, err_len);
	free(text);
	return e;
}

static void area_text(const struct dsim_board *b, const struct dsim_area *a, char *out, size_t n)
{
	(void)snprintf(out, n, "%s:0x%" PRIx32 "+0x%" PRIx32, b->flash[a->dev].name, a->off,
		       a->size);
}

int dsim_board_write(const struct dsim_board *b, FILE *f)
{
	char a1[64];
	char a2[64];

	fprintf(f, "# dfu-sim board layout (format: docs/dfu-sim-layout.md)\n");
	fprintf(f, "board %s\n", b->name);
	for (unsigned i = 0; i < b->flash_count; i++) {
		const struct dsim_flash_desc *d = &b->flash[i];

		fprintf(f, "flash %s geometry=%s size=0x%" PRIx32 " erase=0x%" PRIx32 "\n", d->name,
			d->geo_name, d->size, d->geo.erase_block);
	}
	for (unsigned i = 0; i < b->pair_count; i++) {
		const struct dsim_pair_desc *d = &b->pair[i];

		area_text(b, &d->primary, a1, sizeof(a1));
		area_text(b, &d->secondary, a2, sizeof(a2));
		fprintf(f, "pair %s primary=%s secondary=%s mode=%s align=%u install=%s", d->name,
			a1, a2, d->mode < 4 ? mode_names[d->mode] : "?", (unsigned)d->max_align,
			d->install < 2 ? install_names[d->install] : "?");
		if (d->max_img_sectors != 0) {
			fprintf(f, " max-img-sectors=%u", (unsigned)d->max_img_sectors);
		}
		if (d->image != 0) {
			fprintf(f, " image=%u", (unsigned)d->image - 1u);
		}
		fprintf(f, "\n");
	}
	if (b->profile.set_features != 0 || b->profile.set_fields != 0) {
		fprintf(f, "mcuboot");
		dsim_profile_write(&b->profile, f);
		fprintf(f, "\n");
	}
	for (unsigned i = 0; i < b->pair_count; i++) {
		if (dsim_pair_own_profile(&b->pair[i])) {
			fprintf(f, "mcuboot pair=%s", b->pair[i].name);
			dsim_profile_write(&b->pair[i].profile, f);
			fprintf(f, "\n");
		}
	}
	if (b->has_modem) {
		fprintf(f, "modem uuid=%.36s area=0x%" PRIx32 "\n", b->modem_uuid, b->modem_area);
	}
	if (b->has_full_modem) {
		area_text(b, &b->full_modem, a1, sizeof(a1));
		fprintf(f, "full-modem %s\n", a1);
	}
	return ferror(f) ? -EIO : 0;
}
