/*
 * dfu-sim apply: the state of one run, shared by apply.c (the download)
 * and apply_report.c (why a rejection, notes, the JSON / text report).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DSIM_APPLY_INTERNAL_H_
#define DSIM_APPLY_INTERNAL_H_

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dsim.h"

#define IDENT_LEN 64u

struct run {
	struct dsim_device *dev;
	const struct dsim_apply_opts *o;
	FILE *out;
	struct dsim_source *src;
	uint64_t total;
	uint64_t pos;     /* bytes handed to the library (absolute) */
	uint64_t resumed; /* first offset_get of this run */
	uint64_t cut_at;  /* absolute byte position of a cut; 0 = none */
	int type;
	int img_num;
	unsigned drops;
	int err;
	const char *stage; /* where err happened */
	char msg[256];
	uint8_t first[IDENT_LEN];
	size_t first_len;
	uint8_t *buf;
	const char *check; /* a rejection's check when the error alone does
			      not name it (NULL: dsim_rejected_check()) */
	const char *rule;  /* an MCUboot image's refusing rule (the library's
			      record, dsim_mcuboot_rule()), or NULL */
	bool cut_between;  /* --cut-after fired (no operation torn) */
	char note[2][256]; /* more lines for the report ("" = none): a padded
			      file's trailer, a power cut that did not happen */
};

/* A rejection: what is wrong, in numbers (r->msg, r->check, r->rule). */
void dsim_apply_explain(struct run *r);

/* An accepted run: a padded file's own trailer request, a power cut that
 * did not happen (r->note). */
void dsim_apply_notes(struct run *r);

/* The report: one JSON object (r->o->json) or text lines. */
void dsim_apply_report(const struct run *r, int code, double wall);

#endif /* DSIM_APPLY_INTERNAL_H_ */
