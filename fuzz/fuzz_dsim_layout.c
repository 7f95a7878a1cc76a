/*
 * Fuzz target: dfu-sim's board layout-file parser, dsim_board_parse()
 * (tools/dfu_sim/board.c; format in docs/dfu-sim-layout.md), and its writer
 * dsim_board_write() (board_io.c).
 *
 * Input: the layout file's text (cut at the first NUL byte, as
 * dsim_board_load() refuses files holding one).
 *
 * Invariants:
 *   - the result is 0 or -EINVAL, the same with any error buffer (256
 *     bytes, a few bytes, none); on error the message starts "line N: "
 *     and is NUL-terminated within the buffer given;
 *   - an accepted board obeys the documented rules, checked here on the
 *     result: 1..4 flash devices and 1..3 pairs with valid unique names,
 *     sizes multiples of the erase block (at most 256 MiB), every area
 *     non-empty, inside its device, erase-block aligned, no two areas
 *     overlapping on a device, align 8/16/32, install=copy only with
 *     overwrite, a modem UUID in RFC 4122 text with an area of 88 ..
 *     0x27FFFF bytes, a full-modem partition of at least 4 MiB, and every
 *     pair usable by the MCUboot target (dfu_mcuboot_layout() = 0 for both
 *     slots);
 *   - write -> parse gives the same board, and writing that gives the same
 *     text (round trip).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <errno.h>
#include <stdio.h>

#include "dsim.h"
#include "fuzz_common.h"

static bool name_ok(const char *s)
{
	size_t n = strnlen(s, DSIM_NAME_LEN);

	if (n == 0 || n >= DSIM_NAME_LEN ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-')) {
			return false;
		}
	}
	return true;
}

static bool uuid_ok(const char *u)
{
	for (int i = 0; i < 36; i++) {
		char c = u[i];
		bool hex =
			(c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

		if ((i == 8 || i == 13 || i == 18 || i == 23) ? c != '-' : !hex) {
			return false;
		}
	}
	return u[36] == '\0';
}

static int no_read(void *c, uint32_t o, void *d, size_t n)
{
	return (void)c, (void)o, (void)d, (void)n, -EIO;
}

static int no_program(void *c, uint32_t o, const void *d, size_t n)
{
	return (void)c, (void)o, (void)d, (void)n, -EIO;
}

static int no_erase(void *c, uint32_t o, size_t n)
{
	return (void)c, (void)o, (void)n, -EIO;
}

static void check_area(const struct dsim_board *b, const struct dsim_area *a, const char *what)
{
	FZ_CHECK(a->dev < b->flash_count, "%s: device %u of %u", what, a->dev, b->flash_count);
	const struct dsim_flash_desc *f = &b->flash[a->dev];

	FZ_CHECK(a->size != 0 && (uint64_t)a->off + a->size <= f->size,
		 "%s: 0x%x+0x%x outside 0x%x", what, a->off, a->size, f->size);
	FZ_CHECK(a->off % f->geo.erase_block == 0 && a->size % f->geo.erase_block == 0,
		 "%s: not erase-block aligned", what);
}

static bool overlap(const struct dsim_area *a, const struct dsim_area *b)
{
	return a->dev == b->dev && a->off < b->off + b->size && b->off < a->off + a->size;
}

static void check_board(const struct dsim_board *b)
{
	struct dsim_area areas[2 * DSIM_MAX_PAIRS + 1];
	unsigned n = 0;

	FZ_CHECK(name_ok(b->name), "board name '%.*s'", DSIM_NAME_LEN, b->name);
	FZ_CHECK(b->flash_count >= 1 && b->flash_count <= DSIM_MAX_FLASH, "%u flash devices",
		 b->flash_count);
	FZ_CHECK(b->pair_count >= 1 && b->pair_count <= DSIM_MAX_PAIRS, "%u pairs", b->pair_count);
	for (unsigned i = 0; i < b->flash_count; i++) {
		const struct dsim_flash_desc *f = &b->flash[i];

		FZ_CHECK(name_ok(f->name) && strcmp(f->name, "kv") != 0 &&
				 strcmp(f->name, "modem") != 0,
			 "flash name '%.*s'", DSIM_NAME_LEN, f->name);
		for (unsigned j = 0; j < i; j++) {
			FZ_CHECK(strcmp(f->name, b->flash[j].name) != 0, "duplicate flash");
		}
		FZ_CHECK(f->geo.erase_block != 0 && f->geo.write_block != 0 &&
				 f->geo.erase_block % f->geo.write_block == 0,
			 "flash %s: erase 0x%x, write %u", f->name, f->geo.erase_block,
			 f->geo.write_block);
		FZ_CHECK(f->size != 0 && f->size % f->geo.erase_block == 0 &&
				 f->size <= 256u * 1024u * 1024u && f->geo.size == f->size,
			 "flash %s: size 0x%x", f->name, f->size);
	}
	for (unsigned i = 0; i < b->pair_count; i++) {
		const struct dsim_pair_desc *d = &b->pair[i];
		struct dfu_flash fl[2];
		struct dfu_mcuboot_layout lay;
		const struct dsim_area *ar[2] = {&d->primary, &d->secondary};

		FZ_CHECK(name_ok(d->name), "pair name");
		for (unsigned j = 0; j < i; j++) {
			FZ_CHECK(strcmp(d->name, b->pair[j].name) != 0, "duplicate pair");
		}
		check_area(b, &d->primary, "primary");
		check_area(b, &d->secondary, "secondary");
		areas[n++] = d->primary;
		areas[n++] = d->secondary;
		FZ_CHECK(d->mode <= DFU_MCUBOOT_OVERWRITE, "mode %u", d->mode);
		FZ_CHECK(d->max_align == 8 || d->max_align == 16 || d->max_align == 32, "align %u",
			 d->max_align);
		FZ_CHECK(d->install == DSIM_INSTALL_SWAP || (d->install == DSIM_INSTALL_COPY &&
							     d->mode == DFU_MCUBOOT_OVERWRITE),
			 "install %u with mode %u", d->install, d->mode);
		for (int k = 0; k < 2; k++) {
			const struct dsim_flash_desc *f = &b->flash[ar[k]->dev];

			fl[k] = (struct dfu_flash){.read = no_read,
						   .program = no_program,
						   .erase = no_erase,
						   .size = f->size,
						   .write_block = f->geo.write_block,
						   .erase_block = f->geo.erase_block,
						   .erase_value = f->geo.erase_value};
		}
		struct dfu_mcuboot_pair mp = {
			.primary = {&fl[0], d->primary.off, d->primary.size},
			.secondary = {&fl[1], d->secondary.off, d->secondary.size},
			.mode = d->mode,
			.max_align = d->max_align,
		};

		FZ_CHECK(dfu_mcuboot_layout(&mp, 0, &lay) == 0 &&
				 dfu_mcuboot_layout(&mp, 1, &lay) == 0 && lay.max_image_size > 0,
			 "pair %s accepted, but not usable by the MCUboot target", d->name);
	}
	if (b->has_modem) {
		FZ_CHECK(uuid_ok(b->modem_uuid), "modem uuid");
		FZ_CHECK(b->modem_area >= SIM_MODEM_PATCH_OVERHEAD &&
				 b->modem_area < DFU_MODEM_OFFSET_DIRTY,
			 "modem area 0x%x", b->modem_area);
	}
	if (b->has_full_modem) {
		check_area(b, &b->full_modem, "full-modem");
		FZ_CHECK(b->full_modem.size >= DFU_CONFIG_FULL_MODEM_MIN_SIZE, "full-modem size");
		areas[n++] = b->full_modem;
	}
	for (unsigned i = 0; i < n; i++) {
		for (unsigned j = 0; j < i; j++) {
			FZ_CHECK(!overlap(&areas[i], &areas[j]), "areas %u and %u overlap", j, i);
		}
	}
}

static bool area_eq(const struct dsim_area *a, const struct dsim_area *b)
{
	return a->dev == b->dev && a->off == b->off && a->size == b->size;
}

static bool boards_equal(const struct dsim_board *a, const struct dsim_board *b)
{
	if (strcmp(a->name, b->name) != 0 || a->flash_count != b->flash_count ||
	    a->pair_count != b->pair_count || a->has_modem != b->has_modem ||
	    a->has_full_modem != b->has_full_modem) {
		return false;
	}
	for (unsigned i = 0; i < a->flash_count; i++) {
		const struct dsim_flash_desc *x = &a->flash[i];
		const struct dsim_flash_desc *y = &b->flash[i];

		if (strcmp(x->name, y->name) != 0 || strcmp(x->geo_name, y->geo_name) != 0 ||
		    x->size != y->size || x->geo.size != y->geo.size ||
		    x->geo.write_block != y->geo.write_block ||
		    x->geo.erase_block != y->geo.erase_block ||
		    x->geo.program_page != y->geo.program_page ||
		    x->geo.erase_value != y->geo.erase_value ||
		    x->geo.write_once_ecc != y->geo.write_once_ecc ||
		    x->geo.max_programs_per_wb != y->geo.max_programs_per_wb ||
		    x->geo.program_typ_us != y->geo.program_typ_us ||
		    x->geo.erase_typ_us != y->geo.erase_typ_us) {
			return false;
		}
	}
	for (unsigned i = 0; i < a->pair_count; i++) {
		const struct dsim_pair_desc *x = &a->pair[i];
		const struct dsim_pair_desc *y = &b->pair[i];

		if (strcmp(x->name, y->name) != 0 || !area_eq(&x->primary, &y->primary) ||
		    !area_eq(&x->secondary, &y->secondary) || x->mode != y->mode ||
		    x->max_align != y->max_align || x->install != y->install) {
			return false;
		}
	}
	if (a->has_modem &&
	    (a->modem_area != b->modem_area || strcmp(a->modem_uuid, b->modem_uuid) != 0)) {
		return false;
	}
	return !a->has_full_modem || area_eq(&a->full_modem, &b->full_modem);
}

/* b in the layout format, as a malloc'ed string. */
static char *write_text(const struct dsim_board *b)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	FZ_CHECK(f != NULL, "open_memstream");
	FZ_CHECK(dsim_board_write(b, f) == 0, "dsim_board_write failed");
	fclose(f);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char err[256];
	char small[16];
	struct dsim_board b, b2, b3;

	FZ_CHECK(text != NULL, "out of memory");
	memcpy(text, data, size);
	text[size] = '\0';

	memset(err, 0x55, sizeof(err));
	int rc = dsim_board_parse(text, &b, err, sizeof(err));
	size_t sl = 1 + size % sizeof(small);

	memset(small, 0x55, sizeof(small));
	int rc2 = dsim_board_parse(text, &b2, small, sl);
	int rc3 = dsim_board_parse(text, &b3, NULL, 0);

	if (fz_verbose()) {
		fprintf(stderr, "layout: %s %s\n", dfu_errno_name(rc), rc ? err : b.name);
	}
	FZ_CHECK(rc == 0 || rc == -EINVAL, "parse = %d", rc);
	FZ_CHECK(rc2 == rc && rc3 == rc, "parse depends on the error buffer: %d %d %d", rc, rc2,
		 rc3);
	FZ_CHECK(memchr(small, '\0', sl) != NULL, "error message not terminated in %zu bytes", sl);
	for (size_t i = sl; i < sizeof(small); i++) {
		FZ_CHECK(small[i] == 0x55, "error message written past its %zu-byte buffer", sl);
	}
	if (rc != 0) {
		FZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL && strncmp(err, "line ", 5) == 0,
			 "error message '%.60s'", err);
		free(text);
		return 0;
	}
	check_board(&b);
	FZ_CHECK(boards_equal(&b, &b2) && boards_equal(&b, &b3), "parse not deterministic");

	/* round trip */
	char *t1 = write_text(&b);
	int rt = dsim_board_parse(t1, &b2, err, sizeof(err));

	FZ_CHECK(rt == 0, "the written layout does not parse: %s\n%s", err, t1);
	FZ_CHECK(boards_equal(&b, &b2), "write -> parse gives another board:\n%s", t1);
	char *t2 = write_text(&b2);

	FZ_CHECK(strcmp(t1, t2) == 0, "writing is not stable:\n%s\n--\n%s", t1, t2);
	free(t1);
	free(t2);
	free(text);
	return 0;
}
