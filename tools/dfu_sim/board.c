/*
 * dfu-sim board descriptions: the layout-file format and its parser.
 *
 * Layout file (also docs/dfu-sim-layout.md). Line-oriented; '#' starts a
 * comment that runs to the end of the line; blank lines are ignored; fields
 * are separated by spaces or tabs. Numbers are decimal or 0x hex, with an
 * optional K (x1024) or M (x1048576) suffix. Names are 1..23 characters of
 * [A-Za-z0-9_-] starting with a letter.
 *
 *   board <name>
 *   flash <name> geometry=<nrf52840|nrf5340|nrf9160|mx25r64|stm32l4>
 *         [size=N] [erase=N]
 *   pair <name> primary=<flash>:<off>+<size> secondary=<flash>:<off>+<size>
 *         [mode=swap-move|swap-scratch|swap-offset|overwrite]
 *         [align=8|16|32] [install=swap|copy]
 *         [max-img-sectors=N] [image=N]
 *   modem uuid=<36-char uuid> [area=N]
 *   full-modem <flash>:<off>+<size>
 *   mcuboot [pair=<name>] KEY=VALUE...   (MCUboot bootloader profile:
 *         board-wide, or the named pair's own; keys in board_profile.c)
 *
 * Exactly one board line, 1..4 flash, 1..3 pair (pair i = MCUboot image i),
 * at most one modem and one full-modem line; a flash is declared before use.
 * Areas are non-empty, inside their device, erase-block aligned, and never
 * overlap on a device. Pairs must be usable by the MCUboot target;
 * install=copy needs mode=overwrite. Defaults: size/erase from the geometry,
 * mode swap-move, align 8, install swap, modem area 0x48000. All rules:
 * docs/dfu-sim-layout.md. Errors: -EINVAL and "line N: what" (N 1-based; a
 * missing line is reported at the last line). Presets, load and write are
 * in board_io.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "dsim.h"

#define LINE_MAX_LEN 400
#define MAX_TOKENS 24
#define MAX_FLASH_SIZE (256u * 1024u * 1024u)
#define DEFAULT_MODEM_AREA 0x48000u

static const struct {
	const char *name;
	const struct sim_geometry *geo;
} geometries[] = {
	{"nrf52840", &sim_geo_nrf52840}, {"nrf5340", &sim_geo_nrf5340},
	{"nrf9160", &sim_geo_nrf9160},   {"mx25r64", &sim_geo_mx25r64},
	{"stm32l4", &sim_geo_stm32l4},
};

static const char *const mode_names[] = {"swap-move", "swap-scratch", "swap-offset", "overwrite"};
static const char *const install_names[] = {"swap", "copy"};

/* ---- parser ---- */

struct parser {
	struct dsim_board b;
	unsigned line;
	char *err;
	size_t err_len;
	bool have_board;
	bool cli; /* an init --mcuboot option, not a file: no line numbers */
	/* areas placed so far, for the overlap check */
	struct dsim_area area[2 * DSIM_MAX_PAIRS + 1];
	char area_what[2 * DSIM_MAX_PAIRS + 1][DSIM_NAME_LEN + 24];
	unsigned area_count;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err == NULL || p->err_len == 0) {
		return -EINVAL;
	}
	n = !p->cli ? snprintf(p->err, p->err_len, "line %u: ", p->line) : 0;
	if (n >= 0 && (size_t)n < p->err_len) {
		va_start(ap, fmt);
		(void)vsnprintf(p->err + n, p->err_len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool name_ok(const char *s)
{
	static const char first[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strlen(s);

	return n > 0 && n < DSIM_NAME_LEN && strchr(first, s[0]) != NULL &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static int hexval(char c)
{
	static const char digits[] = "0123456789abcdef";
	const char *d = c != '\0' ? strchr(digits, c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c) : NULL;

	return d != NULL ? (int)(d - digits) : -1;
}

/* Decimal or 0x hex, optional K/M suffix. 0, -EINVAL (malformed) or
 * -ERANGE (above UINT32_MAX). s ends at end (exclusive). */
static int parse_num(const char *s, const char *end, uint32_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;
	const char *d;

	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (d = s; s < end && hexval(*s) >= 0 && (unsigned)hexval(*s) < base; s++) {
		v = v * base + (unsigned)hexval(*s);
		if (v > UINT32_MAX) {
			return -ERANGE;
		}
	}
	if (s == d) {
		return -EINVAL;
	}
	if (s < end && (*s == 'K' || *s == 'k')) {
		v *= 1024u;
		s++;
	} else if (s < end && (*s == 'M' || *s == 'm')) {
		v *= 1024u * 1024u;
		s++;
	}
	if (s != end) {
		return -EINVAL;
	}
	if (v > UINT32_MAX) {
		return -ERANGE;
	}
	*out = (uint32_t)v;
	return 0;
}

static int number(struct parser *p, const char *what, const char *s, uint32_t *out)
{
	int e = parse_num(s, s + strlen(s), out);

	if (e == -ERANGE) {
		return fail(p, "%s '%s' too large (max 0xFFFFFFFF)", what, s);
	}
	if (e != 0) {
		return fail(p, "%s '%s' is not a number", what, s);
	}
	return 0;
}

static int find_flash(const struct dsim_board *b, const char *name, size_t len)
{
	for (unsigned i = 0; i < b->flash_count; i++) {
		if (strlen(b->flash[i].name) == len && strncmp(b->flash[i].name, name, len) == 0) {
			return (int)i;
		}
	}
	return -ENOENT;
}

/* "<flash>:<off>+<size>" -> a checked area; what names it in messages. */
static int parse_area(struct parser *p, const char *what, const char *s, struct dsim_area *a)
{
	const char *colon = strchr(s, ':');
	const char *plus = colon ? strchr(colon, '+') : NULL;
	const struct dsim_flash_desc *f;
	uint32_t off = 0;
	uint32_t size = 0;
	int dev;
	int e;

	if (colon == NULL || plus == NULL) {
		return fail(p, "%s '%s': want <flash>:<offset>+<size>", what, s);
	}
	dev = find_flash(&p->b, s, (size_t)(colon - s));
	if (dev < 0) {
		return fail(p, "%s '%s': unknown flash '%.*s'", what, s, (int)(colon - s), s);
	}
	f = &p->b.flash[dev];
	e = parse_num(colon + 1, plus, &off);
	if (e == 0) {
		e = parse_num(plus + 1, plus + strlen(plus), &size);
	}
	if (e == -ERANGE) {
		return fail(p, "%s '%s': number too large (max 0xFFFFFFFF)", what, s);
	}
	if (e != 0) {
		return fail(p, "%s '%s': bad offset or size", what, s);
	}
	if (size == 0) {
		return fail(p, "%s '%s': size 0", what, s);
	}
	if ((uint64_t)off + size > f->size) {
		return fail(p, "%s '%s': ends at 0x%llx, outside flash '%s' (0x%x bytes)", what, s,
			    (unsigned long long)off + size, f->name, (unsigned)f->size);
	}
	if (off % f->geo.erase_block != 0 || size % f->geo.erase_block != 0) {
		return fail(
			p,
			"%s '%s': offset and size must be multiples of flash '%s' erase block 0x%x",
			what, s, f->name, (unsigned)f->geo.erase_block);
	}
	for (unsigned i = 0; i < p->area_count; i++) {
		const struct dsim_area *o = &p->area[i];

		if (o->dev == dev && off < o->off + o->size && o->off < off + size) {
			return fail(p, "%s '%s' overlaps %s", what, s, p->area_what[i]);
		}
	}
	*a = (struct dsim_area){.dev = (uint8_t)dev, .off = off, .size = size};
	return 0;
}

static void add_area(struct parser *p, const struct dsim_area *a, const char *what)
{
	p->area[p->area_count] = *a;
	(void)snprintf(p->area_what[p->area_count], sizeof(p->area_what[0]), "%s", what);
	p->area_count++;
}

/* Options tok[from..n) as key=value into v[i] for keys[i] (NULL = absent);
 * unknown, repeated or malformed options are errors. */
static int collect(struct parser *p, char **tok, unsigned from, unsigned n, const char *const *keys,
		   unsigned nkeys, const char **v)
{
	memset(v, 0, nkeys * sizeof(*v));
	for (unsigned t = from; t < n; t++) {
		const char *eq = strchr(tok[t], '=');
		unsigned i = 0;

		if (eq == NULL) {
			return fail(p, "'%s': want key=value", tok[t]);
		}
		while (i < nkeys && (strlen(keys[i]) != (size_t)(eq - tok[t]) ||
				     strncmp(tok[t], keys[i], (size_t)(eq - tok[t])) != 0)) {
			i++;
		}
		if (i == nkeys) {
			return fail(p, "unknown option '%.*s'", (int)(eq - tok[t]), tok[t]);
		}
		if (v[i] != NULL) {
			return fail(p, "duplicate option '%s'", keys[i]);
		}
		v[i] = eq + 1;
	}
	return 0;
}

static int pick(const char *const *names, unsigned n, const char *v)
{
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(names[i], v) == 0) {
			return (int)i;
		}
	}
	return -1;
}

static int do_flash(struct parser *p, char **tok, unsigned n)
{
	static const char *const keys[] = {"geometry", "size", "erase"};
	struct dsim_board *b = &p->b;
	struct dsim_flash_desc f;
	const char *v[3];
	uint32_t size = 0;
	uint32_t erase = 0;
	int e;

	if (n < 2 || !name_ok(tok[1])) {
		return fail(p, "flash needs a name ([A-Za-z][A-Za-z0-9_-]*, < %d chars)",
			    DSIM_NAME_LEN);
	}
	if (strcmp(tok[1], "kv") == 0 || strcmp(tok[1], "modem") == 0) {
		return fail(p, "flash name '%s' is reserved", tok[1]);
	}
	if (find_flash(b, tok[1], strlen(tok[1])) >= 0) {
		return fail(p, "duplicate flash '%s'", tok[1]);
	}
	if (b->flash_count == DSIM_MAX_FLASH) {
		return fail(p, "too many flash devices (max %d)", DSIM_MAX_FLASH);
	}
	e = collect(p, tok, 2, n, keys, 3, v);
	if (e != 0) {
		return e;
	}
	memset(&f, 0, sizeof(f));
	for (size_t g = 0; v[0] != NULL && g < sizeof(geometries) / sizeof(geometries[0]); g++) {
		if (strcmp(v[0], geometries[g].name) == 0) {
			f.geo = *geometries[g].geo;
			(void)snprintf(f.geo_name, sizeof(f.geo_name), "%s", v[0]);
		}
	}
	if (v[0] == NULL) {
		return fail(p, "flash '%s' needs geometry=", tok[1]);
	}
	if (f.geo_name[0] == '\0') {
		return fail(p, "unknown geometry '%s'", v[0]);
	}
	if ((v[1] != NULL && (e = number(p, "size", v[1], &size)) != 0) ||
	    (v[2] != NULL && (e = number(p, "erase", v[2], &erase)) != 0)) {
		return e;
	}
	if (v[2] != NULL) {
		if (erase == 0 || erase % f.geo.write_block != 0) {
			return fail(
				p, "erase 0x%x must be a non-zero multiple of the write block (%u)",
				(unsigned)erase, (unsigned)f.geo.write_block);
		}
		f.geo.erase_block = erase;
	}
	size = v[1] != NULL ? size : f.geo.size;
	if (size == 0 || size % f.geo.erase_block != 0 || size > MAX_FLASH_SIZE) {
		return fail(p,
			    "size 0x%x must be a non-zero multiple of the erase block 0x%x, at "
			    "most 256M",
			    (unsigned)size, (unsigned)f.geo.erase_block);
	}
	f.geo.size = size;
	f.size = size;
	(void)snprintf(f.name, sizeof(f.name), "%s", tok[1]);
	b->flash[b->flash_count++] = f;
	return 0;
}

/* The pair facts given as text (NULL = unchanged) into d. */
static int pair_facts(struct parser *p, struct dsim_pair_desc *d, const char *mode,
		      const char *align, const char *sectors, const char *image)
{
	uint32_t v = 0;
	int m;
	int e;

	if (mode != NULL && (m = pick(mode_names, 4, mode)) < 0) {
		return fail(p, "unknown mode '%s'", mode);
	}
	if (mode != NULL) {
		d->mode = (uint8_t)m;
	}
	if (align != NULL && (e = number(p, "align", align, &v)) != 0) {
		return e;
	}
	if (align != NULL && v != 8 && v != 16 && v != 32) {
		return fail(p, "align must be 8, 16 or 32");
	}
	if (align != NULL) {
		d->max_align = (uint8_t)v;
	}
	if (sectors != NULL && (e = number(p, "max-img-sectors", sectors, &v)) != 0) {
		return e;
	}
	if (sectors != NULL && v > UINT16_MAX) {
		return fail(p, "max-img-sectors must be 0 (auto) .. 65535");
	}
	if (sectors != NULL) {
		d->max_img_sectors = (uint16_t)v;
	}
	if (image != NULL && (e = number(p, "image", image, &v)) != 0) {
		return e;
	}
	if (image != NULL && v > 14) {
		return fail(p, "image (MCUboot image number) must be 0..14");
	}
	if (image != NULL) {
		d->image = DFU_MCUBOOT_IMAGE(v);
	}
	return 0;
}

static int check_pair(struct parser *p, unsigned i)
{
	char why[200];

	return dsim_pair_check(&p->b, i, why, sizeof(why)) != 0 ? fail(p, "%s", why) : 0;
}

static int do_pair(struct parser *p, char **tok, unsigned n)
{
	static const char *const keys[] = {"primary", "secondary",       "mode", "align",
					   "install", "max-img-sectors", "image"};
	struct dsim_board *b = &p->b;
	struct dsim_pair_desc d;
	char what[2][DSIM_NAME_LEN + 24];
	const char *v[7];
	int install = DSIM_INSTALL_SWAP;
	int e;

	if (n < 2 || !name_ok(tok[1])) {
		return fail(p, "pair needs a name ([A-Za-z][A-Za-z0-9_-]*, < %d chars)",
			    DSIM_NAME_LEN);
	}
	for (unsigned i = 0; i < b->pair_count; i++) {
		if (strcmp(b->pair[i].name, tok[1]) == 0) {
			return fail(p, "duplicate pair '%s'", tok[1]);
		}
	}
	if (b->pair_count == DSIM_MAX_PAIRS) {
		return fail(p, "too many pairs (max %d)", DSIM_MAX_PAIRS);
	}
	e = collect(p, tok, 2, n, keys, 7, v);
	if (e != 0) {
		return e;
	}
	if (v[0] == NULL || v[1] == NULL) {
		return fail(p, "pair '%s' needs primary= and secondary=", tok[1]);
	}
	memset(&d, 0, sizeof(d));
	(void)snprintf(d.name, sizeof(d.name), "%s", tok[1]);
	(void)snprintf(what[0], sizeof(what[0]), "pair '%s' primary", tok[1]);
	(void)snprintf(what[1], sizeof(what[1]), "pair '%s' secondary", tok[1]);
	e = parse_area(p, what[0], v[0], &d.primary);
	if (e != 0) {
		return e;
	}
	add_area(p, &d.primary, what[0]);
	e = parse_area(p, what[1], v[1], &d.secondary);
	if (e != 0) {
		return e;
	}
	add_area(p, &d.secondary, what[1]);
	if (v[4] != NULL && (install = pick(install_names, 2, v[4])) < 0) {
		return fail(p, "unknown install '%s'", v[4]);
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
static int do_mcuboot(struct parser *p, char **tok, unsigned n)
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
			return fail(p, "'%s': want key=value", tok[t]);
		}
		memcpy(key, tok[t], kl);
		key[kl] = '\0';
		if (strcmp(key, "pair") == 0) {
			for (unsigned i = 0; i < b->pair_count && only < 0; i++) {
				only = strcmp(b->pair[i].name, eq + 1) == 0 ? (int)i : -1;
			}
			if (t != 1) {
				return fail(p, "pair= comes first on an mcuboot line");
			}
			if (only < 0) {
				return fail(p, "mcuboot: no pair '%s' (declare it first)", eq + 1);
			}
		} else if ((f = pick(facts, 4, key)) >= 0) {
			fv[f] = eq + 1;
		} else if (dsim_profile_key(key)) {
			e = dsim_profile_set(only >= 0 ? &b->pair[only].profile : &b->profile, key,
					     eq + 1, why, sizeof(why));
			if (e != 0) {
				return fail(p, "%s", why);
			}
		} else {
			return fail(p,
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
		return fail(&p, "--mcuboot: longer than %d characters", LINE_MAX_LEN - 8);
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	tok[0] = "mcuboot";
	for (char *s = strtok(buf, " ,\t"); s != NULL; s = strtok(NULL, " ,\t")) {
		if (n == MAX_TOKENS) {
			return fail(&p, "--mcuboot: too many fields");
		}
		tok[n++] = s;
	}
	if (n == 1) {
		return fail(&p, "--mcuboot: want KEY=VALUE");
	}
	e = do_mcuboot(&p, tok, n);
	if (e == 0) {
		*b = p.b;
	}
	return e;
}

static bool uuid_ok(const char *u)
{
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? u[i] != '-' : hexval(u[i]) < 0) {
			return false;
		}
	}
	return true;
}

static int do_modem(struct parser *p, char **tok, unsigned n)
{
	static const char *const keys[] = {"uuid", "area"};
	struct dsim_board *b = &p->b;
	const char *v[2];
	uint32_t area = DEFAULT_MODEM_AREA;
	int e;

	if (b->has_modem) {
		return fail(p, "duplicate modem line");
	}
	e = collect(p, tok, 1, n, keys, 2, v);
	if (e != 0) {
		return e;
	}
	if (v[0] == NULL) {
		return fail(p, "modem needs uuid=");
	}
	if (strlen(v[0]) != 36) {
		return fail(p, "uuid must be 36 characters, not %zu", strlen(v[0]));
	}
	if (!uuid_ok(v[0])) {
		return fail(p, "malformed uuid '%s'", v[0]);
	}
	if (v[1] != NULL && (e = number(p, "area", v[1], &area)) != 0) {
		return e;
	}
	if (area < SIM_MODEM_PATCH_OVERHEAD || area >= DFU_MODEM_OFFSET_DIRTY) {
		return fail(p, "modem area 0x%x outside 88..0x%x", (unsigned)area,
			    DFU_MODEM_OFFSET_DIRTY - 1u);
	}
	memcpy(b->modem_uuid, v[0], DSIM_UUID_LEN);
	b->has_modem = true;
	b->modem_area = area;
	return 0;
}

static int do_full_modem(struct parser *p, char **tok, unsigned n)
{
	struct dsim_area a;
	int e;

	if (p->b.has_full_modem) {
		return fail(p, "duplicate full-modem line");
	}
	if (n != 2) {
		return fail(p, "full-modem takes one area: <flash>:<offset>+<size>");
	}
	e = parse_area(p, "full-modem", tok[1], &a);
	if (e != 0) {
		return e;
	}
	if (a.size < DFU_CONFIG_FULL_MODEM_MIN_SIZE) {
		return fail(p, "full-modem partition 0x%x smaller than 0x%x", (unsigned)a.size,
			    (unsigned)DFU_CONFIG_FULL_MODEM_MIN_SIZE);
	}
	add_area(p, &a, "full-modem");
	p->b.full_modem = a;
	p->b.has_full_modem = true;
	return 0;
}

static int do_board(struct parser *p, char **tok, unsigned n)
{
	if (p->have_board) {
		return fail(p, "duplicate board line");
	}
	if (n != 2 || !name_ok(tok[1])) {
		return fail(p, "board takes one name ([A-Za-z][A-Za-z0-9_-]*, < %d chars)",
			    DSIM_NAME_LEN);
	}
	(void)snprintf(p->b.name, sizeof(p->b.name), "%s", tok[1]);
	p->have_board = true;
	return 0;
}

static const struct {
	const char *word;
	int (*fn)(struct parser *p, char **tok, unsigned n);
} keywords[] = {{"board", do_board}, {"flash", do_flash},           {"pair", do_pair},
		{"modem", do_modem}, {"full-modem", do_full_modem}, {"mcuboot", do_mcuboot}};

/* One line without its newline (len bytes at s). */
static int do_line(struct parser *p, const char *s, size_t len)
{
	char buf[LINE_MAX_LEN + 1];
	char *tok[MAX_TOKENS];
	const char *hash = memchr(s, '#', len);
	unsigned n = 0;

	if (hash != NULL) {
		len = (size_t)(hash - s); /* comment */
	}
	if (len > LINE_MAX_LEN) {
		return fail(p, "line longer than %d characters", LINE_MAX_LEN);
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == ' ' || c == '\t' || c == '\r') {
			buf[i] = '\0';
		} else if (c < ' ' || c > '~') {
			return fail(p, "unexpected character 0x%02x", c);
		}
	}
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\0' && (i == 0 || buf[i - 1] == '\0')) {
			if (n == MAX_TOKENS) {
				return fail(p, "too many fields");
			}
			tok[n++] = &buf[i];
		}
	}
	if (n == 0) {
		return 0;
	}
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (strcmp(tok[0], keywords[i].word) == 0) {
			return keywords[i].fn(p, tok, n);
		}
	}
	return fail(p, "unknown keyword '%s'", tok[0]);
}

int dsim_board_parse(const char *text, struct dsim_board *b, char *err, size_t err_len)
{
	struct parser p;
	const char *s = text;
	int e;

	memset(&p, 0, sizeof(p));
	p.err = err;
	p.err_len = err_len;
	if (err != NULL && err_len > 0) {
		err[0] = '\0';
	}
	if (text == NULL || b == NULL) {
		return -EINVAL;
	}
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		p.line++;
		e = do_line(&p, s, len);
		if (e != 0) {
			return e;
		}
		s += len + (nl ? 1 : 0);
	}
	if (!p.have_board) {
		return fail(&p, "missing 'board <name>' line");
	}
	if (p.b.flash_count == 0) {
		return fail(&p, "no flash line");
	}
	if (p.b.pair_count == 0) {
		return fail(&p, "no pair line");
	}
	*b = p.b;
	return 0;
}
