/*
 * dfu-sim layout parser internals shared by board.c (tokenizer, numbers,
 * areas, the board / flash / modem / full-modem lines) and board_pair.c
 * (pair and mcuboot lines, init --mcuboot).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DSIM_BOARD_PARSE_H_
#define DSIM_BOARD_PARSE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dsim.h"

#define LINE_MAX_LEN 400
#define MAX_TOKENS 24

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

/* "line N: " + the message into p->err; returns -EINVAL. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int bp_fail(struct parser *p, const char *fmt, ...);

/* 1..23 characters of [A-Za-z0-9_-], a letter first. */
bool bp_name_ok(const char *s);

/* A number (decimal or 0x hex, K/M suffix); what names it in messages. */
int bp_number(struct parser *p, const char *what, const char *s, uint32_t *out);

/* "<flash>:<off>+<size>" -> a checked area; what names it in messages. */
int bp_parse_area(struct parser *p, const char *what, const char *s, struct dsim_area *a);

/* Record a placed area for the overlap check. */
void bp_add_area(struct parser *p, const struct dsim_area *a, const char *what);

/* Options tok[from..n) as key=value into v[i] for keys[i] (NULL = absent);
 * unknown, repeated or malformed options are errors. */
int bp_collect(struct parser *p, char **tok, unsigned from, unsigned n, const char *const *keys,
	       unsigned nkeys, const char **v);

/* Index of v in names[0, n), or -1. */
int bp_pick(const char *const *names, unsigned n, const char *v);

/* The pair and mcuboot lines (board_pair.c). */
int bp_do_pair(struct parser *p, char **tok, unsigned n);
int bp_do_mcuboot(struct parser *p, char **tok, unsigned n);

#endif /* DSIM_BOARD_PARSE_H_ */
