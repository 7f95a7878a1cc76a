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
 * missing line is reported at the last line). The pair and mcuboot lines
 * are parsed in board_pair.c; presets, load and write are in board_io.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "board_parse.h"
#include "dsim.h"

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

/* ---- parser ---- */

int bp_fail(struct parser *p, const char *fmt, ...)
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

bool bp_name_ok(const char *s)
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

int bp_number(struct parser *p, const char *what, const char *s, uint32_t *out)
{
	int e = parse_num(s, s + strlen(s), out);

	if (e == -ERANGE) {
		return bp_fail(p, "%s '%s' too large (max 0xFFFFFFFF)", what, s);
	}
	if (e != 0) {
		return bp_fail(p, "%s '%s' is not a number", what, s);
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
int bp_parse_area(struct parser *p, const char *what, const char *s, struct dsim_area *a)
{
	const char *colon = strchr(s, ':');
	const char *plus = colon ? strchr(colon, '+') : NULL;
	const struct dsim_flash_desc *f;
	uint32_t off = 0;
	uint32_t size = 0;
	int dev;
	int e;

	if (colon == NULL || plus == NULL) {
		return bp_fail(p, "%s '%s': want <flash>:<offset>+<size>", what, s);
	}
	dev = find_flash(&p->b, s, (size_t)(colon - s));
	if (dev < 0) {
		return bp_fail(p, "%s '%s': unknown flash '%.*s'", what, s, (int)(colon - s), s);
	}
	f = &p->b.flash[dev];
	e = parse_num(colon + 1, plus, &off);
	if (e == 0) {
		e = parse_num(plus + 1, plus + strlen(plus), &size);
	}
	if (e == -ERANGE) {
		return bp_fail(p, "%s '%s': number too large (max 0xFFFFFFFF)", what, s);
	}
	if (e != 0) {
		return bp_fail(p, "%s '%s': bad offset or size", what, s);
	}
	if (size == 0) {
		return bp_fail(p, "%s '%s': size 0", what, s);
	}
	if ((uint64_t)off + size > f->size) {
		return bp_fail(p, "%s '%s': ends at 0x%llx, outside flash '%s' (0x%x bytes)", what,
			       s, (unsigned long long)off + size, f->name, (unsigned)f->size);
	}
	if (off % f->geo.erase_block != 0 || size % f->geo.erase_block != 0) {
		return bp_fail(
			p,
			"%s '%s': offset and size must be multiples of flash '%s' erase block 0x%x",
			what, s, f->name, (unsigned)f->geo.erase_block);
	}
	for (unsigned i = 0; i < p->area_count; i++) {
		const struct dsim_area *o = &p->area[i];

		if (o->dev == dev && off < o->off + o->size && o->off < off + size) {
			return bp_fail(p, "%s '%s' overlaps %s", what, s, p->area_what[i]);
		}
	}
	*a = (struct dsim_area){.dev = (uint8_t)dev, .off = off, .size = size};
	return 0;
}

void bp_add_area(struct parser *p, const struct dsim_area *a, const char *what)
{
	p->area[p->area_count] = *a;
	(void)snprintf(p->area_what[p->area_count], sizeof(p->area_what[0]), "%s", what);
	p->area_count++;
}

/* Options tok[from..n) as key=value into v[i] for keys[i] (NULL = absent);
 * unknown, repeated or malformed options are errors. */
int bp_collect(struct parser *p, char **tok, unsigned from, unsigned n, const char *const *keys,
	       unsigned nkeys, const char **v)
{
	memset(v, 0, nkeys * sizeof(*v));
	for (unsigned t = from; t < n; t++) {
		const char *eq = strchr(tok[t], '=');
		unsigned i = 0;

		if (eq == NULL) {
			return bp_fail(p, "'%s': want key=value", tok[t]);
		}
		while (i < nkeys && (strlen(keys[i]) != (size_t)(eq - tok[t]) ||
				     strncmp(tok[t], keys[i], (size_t)(eq - tok[t])) != 0)) {
			i++;
		}
		if (i == nkeys) {
			return bp_fail(p, "unknown option '%.*s'", (int)(eq - tok[t]), tok[t]);
		}
		if (v[i] != NULL) {
			return bp_fail(p, "duplicate option '%s'", keys[i]);
		}
		v[i] = eq + 1;
	}
	return 0;
}

int bp_pick(const char *const *names, unsigned n, const char *v)
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

	if (n < 2 || !bp_name_ok(tok[1])) {
		return bp_fail(p, "flash needs a name ([A-Za-z][A-Za-z0-9_-]*, < %d chars)",
			       DSIM_NAME_LEN);
	}
	if (strcmp(tok[1], "kv") == 0 || strcmp(tok[1], "modem") == 0) {
		return bp_fail(p, "flash name '%s' is reserved", tok[1]);
	}
	if (find_flash(b, tok[1], strlen(tok[1])) >= 0) {
		return bp_fail(p, "duplicate flash '%s'", tok[1]);
	}
	if (b->flash_count == DSIM_MAX_FLASH) {
		return bp_fail(p, "too many flash devices (max %d)", DSIM_MAX_FLASH);
	}
	e = bp_collect(p, tok, 2, n, keys, 3, v);
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
		return bp_fail(p, "flash '%s' needs geometry=", tok[1]);
	}
	if (f.geo_name[0] == '\0') {
		return bp_fail(p, "unknown geometry '%s'", v[0]);
	}
	if ((v[1] != NULL && (e = bp_number(p, "size", v[1], &size)) != 0) ||
	    (v[2] != NULL && (e = bp_number(p, "erase", v[2], &erase)) != 0)) {
		return e;
	}
	if (v[2] != NULL) {
		if (erase == 0 || erase % f.geo.write_block != 0) {
			return bp_fail(
				p, "erase 0x%x must be a non-zero multiple of the write block (%u)",
				(unsigned)erase, (unsigned)f.geo.write_block);
		}
		f.geo.erase_block = erase;
	}
	size = v[1] != NULL ? size : f.geo.size;
	if (size == 0 || size % f.geo.erase_block != 0 || size > MAX_FLASH_SIZE) {
		return bp_fail(p,
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
		return bp_fail(p, "duplicate modem line");
	}
	e = bp_collect(p, tok, 1, n, keys, 2, v);
	if (e != 0) {
		return e;
	}
	if (v[0] == NULL) {
		return bp_fail(p, "modem needs uuid=");
	}
	if (strlen(v[0]) != 36) {
		return bp_fail(p, "uuid must be 36 characters, not %zu", strlen(v[0]));
	}
	if (!uuid_ok(v[0])) {
		return bp_fail(p, "malformed uuid '%s'", v[0]);
	}
	if (v[1] != NULL && (e = bp_number(p, "area", v[1], &area)) != 0) {
		return e;
	}
	if (area < SIM_MODEM_PATCH_OVERHEAD || area >= DFU_MODEM_OFFSET_DIRTY) {
		return bp_fail(p, "modem area 0x%x outside 88..0x%x", (unsigned)area,
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
		return bp_fail(p, "duplicate full-modem line");
	}
	if (n != 2) {
		return bp_fail(p, "full-modem takes one area: <flash>:<offset>+<size>");
	}
	e = bp_parse_area(p, "full-modem", tok[1], &a);
	if (e != 0) {
		return e;
	}
	if (a.size < DFU_CONFIG_FULL_MODEM_MIN_SIZE) {
		return bp_fail(p, "full-modem partition 0x%x smaller than 0x%x", (unsigned)a.size,
			       (unsigned)DFU_CONFIG_FULL_MODEM_MIN_SIZE);
	}
	bp_add_area(p, &a, "full-modem");
	p->b.full_modem = a;
	p->b.has_full_modem = true;
	return 0;
}

static int do_board(struct parser *p, char **tok, unsigned n)
{
	if (p->have_board) {
		return bp_fail(p, "duplicate board line");
	}
	if (n != 2 || !bp_name_ok(tok[1])) {
		return bp_fail(p, "board takes one name ([A-Za-z][A-Za-z0-9_-]*, < %d chars)",
			       DSIM_NAME_LEN);
	}
	(void)snprintf(p->b.name, sizeof(p->b.name), "%s", tok[1]);
	p->have_board = true;
	return 0;
}

static const struct {
	const char *word;
	int (*fn)(struct parser *p, char **tok, unsigned n);
} keywords[] = {{"board", do_board}, {"flash", do_flash},           {"pair", bp_do_pair},
		{"modem", do_modem}, {"full-modem", do_full_modem}, {"mcuboot", bp_do_mcuboot}};

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
		return bp_fail(p, "line longer than %d characters", LINE_MAX_LEN);
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == ' ' || c == '\t' || c == '\r') {
			buf[i] = '\0';
		} else if (c < ' ' || c > '~') {
			return bp_fail(p, "unexpected character 0x%02x", c);
		}
	}
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\0' && (i == 0 || buf[i - 1] == '\0')) {
			if (n == MAX_TOKENS) {
				return bp_fail(p, "too many fields");
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
	return bp_fail(p, "unknown keyword '%s'", tok[0]);
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
		return bp_fail(&p, "missing 'board <name>' line");
	}
	if (p.b.flash_count == 0) {
		return bp_fail(&p, "no flash line");
	}
	if (p.b.pair_count == 0) {
		return bp_fail(&p, "no pair line");
	}
	*b = p.b;
	return 0;
}
