/*
 * dfu-sim: artifact detection. The type is what the library's
 * identification says (dfu_identify_builtin(), tried in dfu_ctx_img_type()'s
 * order); the facts come from the library's own parsers where it has them
 * (MCUboot header and TLV walk, the full modem wrapper parser) and from
 * byte-wise decoding otherwise. MCUboot lives in artifact_mcuboot.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "artifact_internal.h"
#include "dfu/dfu_errname.h"
#include "dfu/dfu_identify.h"
#include "dfu/dfu_modem.h"
#include "dfu/dfu_sha256.h"
#include "dfu/dfu_stream.h"
#include "dfu_util.h"
#include "dsim.h"
#include "full_modem_internal.h"

#define LABEL_WIDTH 20

/* ---- emitter ------------------------------------------------------------ */

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			fprintf(f, "\\%c", c);
		} else if (c < 0x20u) {
			fprintf(f, "\\u%04x", c);
		} else {
			fputc(c, f);
		}
	}
	fputc('"', f);
}

/* JSON: the separator and the key (none inside an array). */
static void json_key(struct dsim_emit *e, const char *key, bool in_array)
{
	unsigned d = e->depth - 1u;

	if (e->need_comma[d]) {
		fputc(',', e->f);
	}
	e->need_comma[d] = true;
	if (!in_array) {
		json_string(e->f, key);
		fputc(':', e->f);
	}
}

static void label(struct dsim_emit *e, const char *lab)
{
	int n = fprintf(e->f, "%s:", lab);

	fprintf(e->f, "%*s", n < LABEL_WIDTH ? LABEL_WIDTH - n : 1, "");
}

void dsim_emit_begin(struct dsim_emit *e, FILE *f, bool json)
{
	memset(e, 0, sizeof(*e));
	e->f = f;
	e->json = json;
	e->first_fail = -1;
	if (json) {
		fputc('{', f);
		e->depth = 1;
	}
}

void dsim_emit_open(struct dsim_emit *e, const char *key, char kind)
{
	if (!e->json || e->depth >= DSIM_EMIT_DEPTH) {
		return;
	}
	json_key(e, key, key == NULL);
	fputc(kind, e->f);
	e->need_comma[e->depth++] = false;
}

void dsim_emit_close(struct dsim_emit *e, char kind)
{
	if (!e->json || e->depth <= 1u) {
		return;
	}
	e->depth--;
	fputc(kind == '[' ? ']' : '}', e->f);
}

void dsim_emit_str(struct dsim_emit *e, const char *lab, const char *key, const char *val)
{
	if (e->json) {
		json_key(e, key, key == NULL);
		json_string(e->f, val);
	} else {
		label(e, lab);
		fprintf(e->f, "%s\n", val);
	}
}

void dsim_emit_num(struct dsim_emit *e, const char *lab, const char *key, uint64_t v, bool hex)
{
	if (e->json) {
		json_key(e, key, key == NULL);
		fprintf(e->f, "%llu", (unsigned long long)v);
	} else if (hex) {
		label(e, lab);
		fprintf(e->f, "%llu (0x%llx)\n", (unsigned long long)v, (unsigned long long)v);
	} else {
		label(e, lab);
		fprintf(e->f, "%llu\n", (unsigned long long)v);
	}
}

void dsim_emit_hex32(struct dsim_emit *e, const char *lab, const char *key, uint32_t v)
{
	if (e->json) {
		dsim_emit_num(e, lab, key, v, false);
	} else {
		dsim_emit_note(e, lab, "0x%lx", (unsigned long)v);
	}
}

void dsim_hex(char *out, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15u];
	}
	out[2 * n] = '\0';
}

void dsim_emit_bytes(struct dsim_emit *e, const char *lab, const char *key, const uint8_t *b,
		     size_t n)
{
	char s[2 * 64 + 1];

	if (n > 64) {
		n = 64;
	}
	dsim_hex(s, b, n);
	dsim_emit_str(e, lab, key, s);
}

void dsim_emit_bool(struct dsim_emit *e, const char *lab, const char *key, bool v)
{
	if (e->json) {
		json_key(e, key, key == NULL);
		fputs(v ? "true" : "false", e->f);
	} else {
		label(e, lab);
		fputs(v ? "yes\n" : "no\n", e->f);
	}
}

void dsim_emit_note(struct dsim_emit *e, const char *lab, const char *fmt, ...)
{
	va_list ap;

	if (e->json) {
		return;
	}
	label(e, lab);
	va_start(ap, fmt);
	vfprintf(e->f, fmt, ap);
	va_end(ap);
	fputc('\n', e->f);
}

static void record(struct dsim_emit *e, const char *key, const char *word, const char *why,
		   bool failed)
{
	struct dsim_check *c;

	if (e->check_count >= DSIM_EMIT_CHECKS) {
		return;
	}
	c = &e->checks[e->check_count];
	c->key = key;
	c->word = word;
	snprintf(c->why, sizeof(c->why), "%s", why != NULL ? why : "");
	if (failed) {
		e->rejected = true;
		if (e->first_fail < 0) {
			e->first_fail = (int)e->check_count;
		}
	}
	e->check_count++;
}

void dsim_emit_check(struct dsim_emit *e, const char *key, int err, const char *reason)
{
	record(e, key, err == 0 ? "ok" : dfu_errno_name(err), err == 0 ? NULL : reason, err != 0);
}

void dsim_emit_check_word(struct dsim_emit *e, const char *key, const char *word, const char *why)
{
	record(e, key, word, why, false);
}

void dsim_emit_end(struct dsim_emit *e)
{
	const struct dsim_check *bad = e->first_fail >= 0 ? &e->checks[e->first_fail] : NULL;

	if (e->check_count > 0) {
		dsim_emit_open(e, "checks", '{');
		for (unsigned i = 0; i < e->check_count; i++) {
			const struct dsim_check *c = &e->checks[i];
			char lab[40];

			if (e->json) {
				dsim_emit_str(e, NULL, c->key, c->word);
				continue;
			}
			snprintf(lab, sizeof(lab), "%s check", c->key);
			if (c->why[0] != '\0') {
				dsim_emit_note(e, lab, "%s (%s)", c->word, c->why);
			} else {
				dsim_emit_note(e, lab, "%s", c->word);
			}
		}
		dsim_emit_close(e, '{');
	}
	if (bad != NULL) {
		char msg[200];

		snprintf(msg, sizeof(msg), "%s: %s (%s)", bad->key, bad->why, bad->word);
		if (e->json && e->rule != NULL) {
			dsim_emit_str(e, NULL, "check", e->rule);
		}
		if (e->json) {
			dsim_emit_str(e, NULL, "error", msg);
		} else {
			dsim_emit_note(e, "rejected", "%s", msg);
		}
	}
	while (e->json && e->depth > 1u) {
		dsim_emit_close(e, '{');
	}
	if (e->json) {
		fputs("}\n", e->f);
	}
	fflush(e->f);
}

/* ---- modem delta --------------------------------------------------------- */

static bool uuid_text(const uint8_t *u)
{
	for (int i = 0; i < DFU_MODEM_UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		uint8_t c = u[i];
		bool hex =
			(c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

		if (dash ? c != '-' : !hex) {
			return false;
		}
	}
	return true;
}

/*
 * A real patch is opaque past its magic (spec modem.md §3). The simulator's
 * toy format (sim_modem.h) carries both UUIDs as text at 8 and 44, the
 * payload length at 80 and a CRC-32 of the payload after it.
 */
static void detect_delta(struct dsim_emit *e, const uint8_t *d, size_t len)
{
	char uuid[DSIM_UUID_LEN];

	if (len < SIM_MODEM_PATCH_OVERHEAD || !uuid_text(d + 8) || !uuid_text(d + 44)) {
		dsim_emit_str(e, "format", "format", "opaque");
		dsim_emit_note(e, "note", "a real modem patch: only its magic is known");
		return;
	}
	dsim_emit_str(e, "format", "format", "sim");
	memcpy(uuid, d + 8, DFU_MODEM_UUID_LEN);
	uuid[DFU_MODEM_UUID_LEN] = '\0';
	dsim_emit_str(e, "source uuid", "source_uuid", uuid);
	memcpy(uuid, d + 44, DFU_MODEM_UUID_LEN);
	dsim_emit_str(e, "target uuid", "target_uuid", uuid);

	uint32_t n = dfu_get_le32(d + 80);

	dsim_emit_num(e, "payload", "payload_len", n, false);
	if ((uint64_t)n + SIM_MODEM_PATCH_OVERHEAD != len) {
		dsim_emit_check(e, "length", -EBADMSG,
				"payload length + 88 is not the file size (truncated or trailing "
				"data)");
		return;
	}
	dsim_emit_check(e, "length", 0, NULL);
	uint32_t crc = dfu_crc32(0, d + SIM_MODEM_PATCH_HEADER, n);

	dsim_emit_check(e, "crc", crc == dfu_get_le32(d + SIM_MODEM_PATCH_HEADER + n) ? 0 : -EILSEQ,
			"CRC-32 of the payload does not match");
}

/* ---- full modem ---------------------------------------------------------- */

static void detect_full_modem(struct dsim_emit *e, const uint8_t *d, size_t len)
{
	struct dfu_full_modem_parser p;
	size_t used = 0;
	int err;

	/* File size unknown to the parser: the size checks below name the
	 * problem (truncated, trailing bytes) more precisely. */
	fm_parser_reset(&p);
	err = fm_parse(&p, d, len, UINT32_MAX, 0, &used);
	if (err == 0 && p.step != ST_BLOB) {
		err = -EBADMSG; /* the file ended inside the wrapper */
	}
	if (err != 0) {
		dsim_emit_num(e, "wrapper parsed", "wrapper_parsed", p.pos, false);
		dsim_emit_check(e, "wrapper", err,
				err == -EFBIG ? "the manifest's blob length overflows"
					      : "malformed COSE wrapper or manifest, or the file "
						"ends inside it");
		return;
	}
	if ((uint64_t)p.info.wrapper_len + p.info.blob_len != len) {
		bool longer = (uint64_t)p.info.wrapper_len + p.info.blob_len > len;

		dsim_emit_num(e, "wrapper", "wrapper_len", p.info.wrapper_len, false);
		dsim_emit_num(e, "blob", "blob_len", p.info.blob_len, false);
		dsim_emit_check(e, "wrapper", longer ? -EFBIG : -EBADMSG,
				longer ? "the file is shorter than wrapper + blob (truncated)"
				       : "trailing bytes after the blob");
		return;
	}
	const struct dfu_full_modem_info *i = &p.info;
	uint8_t digest[DFU_SHA256_SIZE];

	dsim_emit_num(e, "wrapper", "wrapper_len", i->wrapper_len, false);
	dsim_emit_hex32(e, "wrapper crc", "wrapper_crc", dfu_crc32(0, d, i->wrapper_len));
	dsim_emit_num(e, "blob", "blob_len", i->blob_len, false);
	dsim_emit_num(e, "version", "version", i->version, false);
	dsim_emit_num(e, "compat", "compat", i->compat, false);
	dsim_emit_num(e, "segments", "segments", i->segments, false);
	dsim_emit_bytes(e, "blob sha256", "blob_sha256", i->digest, DFU_SHA256_SIZE);
	dsim_emit_check(e, "wrapper", 0, NULL);
	dfu_sha256(d + i->wrapper_len, i->blob_len, digest);
	dsim_emit_check(e, "hash", memcmp(digest, i->digest, sizeof(digest)) == 0 ? 0 : -EILSEQ,
			"SHA-256 of the blob does not match the manifest");
}

/* ---- entry ---------------------------------------------------------------- */

/* The library's view: its identification of the built-in types, in the
 * order dfu_ctx_img_type() tries them (no context needed: a context would
 * need a configured state for each target). */
int dsim_lib_type(const uint8_t *data, size_t len)
{
	static const int order[] = {
		DFU_TARGET_IMAGE_TYPE_MCUBOOT, DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA,
		DFU_TARGET_IMAGE_TYPE_MODEM_DELTA, DFU_TARGET_IMAGE_TYPE_FULL_MODEM};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (dfu_identify_builtin(order[i], data, len)) {
			return order[i];
		}
	}
	return DFU_TARGET_IMAGE_TYPE_NONE;
}

const char *dsim_unknown_why(const uint8_t *d, size_t len, uint64_t file_size, char *buf,
			     size_t buf_len)
{
	char first[3 * 8 + 1] = "";

	for (size_t i = 0, n = 0; i < len && i < 8; i++) {
		n += (size_t)snprintf(first + n, sizeof(first) - n, "%s%02x", i ? " " : "", d[i]);
	}
	if (file_size < DFU_TARGET_MIN_SIZE_IDENTIFY_BUF) {
		snprintf(buf, buf_len,
			 "not recognised: %llu bytes, too short to be an update artifact (the "
			 "library identifies from the first %d bytes)",
			 (unsigned long long)file_size, DFU_TARGET_MIN_SIZE_IDENTIFY_BUF);
	} else {
		snprintf(buf, buf_len,
			 "not recognised: %llu bytes starting %s; an MCUboot image starts "
			 "3d b8 f3 96, an application delta 4d 43 44 50 01, a modem delta "
			 "patch has 6d 65 44 75 at byte 4, a full modem image (COSE_Sign1) "
			 "starts d2 84",
			 (unsigned long long)file_size, first);
	}
	return buf;
}

const char *dsim_type_name(int type)
{
	switch (type) {
	case DFU_TARGET_IMAGE_TYPE_MCUBOOT:
		return dfu_target_mcuboot_ops.name;
	case DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA:
		return dfu_target_mcuboot_delta_ops.name;
	case DFU_TARGET_IMAGE_TYPE_MODEM_DELTA:
		return dfu_target_modem_delta_ops.name;
	case DFU_TARGET_IMAGE_TYPE_FULL_MODEM:
		return dfu_target_full_modem_ops.name;
	default:
		return "unknown";
	}
}

int dsim_detect(const uint8_t *data, size_t len, bool json, FILE *out)
{
	return dsim_detect_boot(data, len, NULL, json, out);
}

int dsim_detect_boot(const uint8_t *data, size_t len, const struct dsim_boot *boot, bool json,
		     FILE *out)
{
	struct dsim_emit e;
	int t = dsim_lib_type(data, len);

	dsim_emit_begin(&e, out, json);
	dsim_emit_str(&e, "type", "type", dsim_type_name(t));
	switch (t) {
	case DFU_TARGET_IMAGE_TYPE_MCUBOOT:
		dsim_emit_num(&e, "file size", "file_size", len, true);
		dsim_detect_mcuboot(&e, data, len);
		if (boot != NULL) {
			dsim_emit_verdict(&e, boot, data, len);
		}
		break;
	case DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA:
		dsim_emit_num(&e, "file size", "file_size", len, false);
		dsim_detect_app_delta(&e, data, len);
		break;
	case DFU_TARGET_IMAGE_TYPE_MODEM_DELTA:
		dsim_emit_num(&e, "file size", "file_size", len, false);
		detect_delta(&e, data, len);
		break;
	case DFU_TARGET_IMAGE_TYPE_FULL_MODEM:
		dsim_emit_num(&e, "file size", "file_size", len, false);
		detect_full_modem(&e, data, len);
		break;
	default: {
		char why[300];

		dsim_emit_num(&e, "file size", "file_size", len, false);
		dsim_emit_str(&e, "error", "error",
			      dsim_unknown_why(data, len, len, why, sizeof(why)));
		e.rejected = true;
		break;
	}
	}
	dsim_emit_end(&e);
	return e.rejected ? DSIM_EXIT_REJECTED : DSIM_EXIT_OK;
}
