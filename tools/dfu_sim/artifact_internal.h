/*
 * dfu-sim artifact detection internals (artifact.c, artifact_mcuboot.c):
 * one emitter that writes either aligned "key: value" lines or one JSON
 * object, so each detector describes an artifact once.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DSIM_ARTIFACT_INTERNAL_H_
#define DSIM_ARTIFACT_INTERNAL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dsim.h"

#define DSIM_EMIT_DEPTH 4
#define DSIM_EMIT_CHECKS 8

struct dsim_check {
	const char *key;  /* "header", "hash", ... */
	const char *word; /* "ok", an errno name, or an outcome word */
	char why[120];    /* reason, "" for ok */
};

struct dsim_emit {
	FILE *f;
	bool json;
	unsigned depth;                   /* open JSON containers */
	bool need_comma[DSIM_EMIT_DEPTH]; /* per open container */
	bool rejected;                    /* a check failed */
	struct dsim_check checks[DSIM_EMIT_CHECKS];
	unsigned check_count;
	int first_fail;   /* index of the first failed check, -1 */
	const char *rule; /* the bootloader rule that refuses it ("check") */
};

/*
 * Every value call takes the human label and the JSON key (snake_case). In
 * human mode labels are padded to one column; containers print nothing.
 * Inside a JSON array the key is ignored.
 */
void dsim_emit_begin(struct dsim_emit *e, FILE *f, bool json);
/**
 * Print the recorded checks ("checks" object; human "<key> check:" lines),
 * then "error" (the first failed check and its reason) when rejected, and
 * close the object.
 */
void dsim_emit_end(struct dsim_emit *e);
void dsim_emit_str(struct dsim_emit *e, const char *label, const char *key, const char *val);
/** Decimal in JSON; human "N" or, with hex, "N (0xN)". */
void dsim_emit_num(struct dsim_emit *e, const char *label, const char *key, uint64_t v, bool hex);
/** A number in JSON; human "0x1f". */
void dsim_emit_hex32(struct dsim_emit *e, const char *label, const char *key, uint32_t v);
/** Lowercase hex of bytes as a string. */
void dsim_emit_bytes(struct dsim_emit *e, const char *label, const char *key, const uint8_t *b,
		     size_t n);
void dsim_emit_bool(struct dsim_emit *e, const char *label, const char *key, bool v);
/** A human-only line (nothing in JSON). */
void dsim_emit_note(struct dsim_emit *e, const char *label, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
/** Open a JSON object ('{') or array ('['); human mode: nothing. */
void dsim_emit_open(struct dsim_emit *e, const char *key, char kind);
void dsim_emit_close(struct dsim_emit *e, char kind);

/**
 * Record a named check (printed by dsim_emit_end): "ok" for err 0, else the
 * error's name (dfu_errno_name) with a reason; a failed check marks the
 * artifact rejected.
 */
void dsim_emit_check(struct dsim_emit *e, const char *key, int err, const char *reason);
/** Record a check with a non-failing outcome word (e.g. "unverifiable"). */
void dsim_emit_check_word(struct dsim_emit *e, const char *key, const char *word, const char *why);

/** Hex of n bytes into out (2n + 1 bytes). */
void dsim_hex(char *out, const uint8_t *b, size_t n);

/** MCUboot detector (artifact_mcuboot.c): prints after "type". */
void dsim_detect_mcuboot(struct dsim_emit *e, const uint8_t *data, size_t len);

/** Application delta detector (artifact_delta.c): prints after "type". */
void dsim_detect_app_delta(struct dsim_emit *e, const uint8_t *data, size_t len);
/** The bootloader's verdict on an MCUboot image (judge.c): a "bootloader"
 *  section, a "boot" check that alone decides whether the artifact is
 *  rejected, and the refusing rule ("check"). */
void dsim_emit_verdict(struct dsim_emit *e, const struct dsim_boot *b, const uint8_t *data,
		       size_t len);

#endif /* DSIM_ARTIFACT_INTERNAL_H_ */
