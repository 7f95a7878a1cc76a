/*
 * Full modem target internals shared by its files: the wrapper parser and
 * the verified record codec.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FULL_MODEM_INTERNAL_H_
#define FULL_MODEM_INTERNAL_H_

#include <stdbool.h>
#include <stddef.h>

#include "dfu/dfu_target_full_modem.h"

/* Parser steps: one per expected CBOR head or byte string body. */
enum {
	ST_TAG = 0,   /* tag 18 */
	ST_ARRAY,     /* array(4) */
	ST_PROT,      /* bstr(4) */
	ST_PROT_BODY, /* A1 01 38 24 */
	ST_UNPROT,    /* map(0) */
	ST_PAYLOAD,   /* bstr(n): the manifest */
	ST_MANIFEST,  /* array(4) */
	ST_VERSION,   /* uint */
	ST_COMPAT,    /* uint */
	ST_HASH,      /* bstr(32) */
	ST_HASH_BODY, /* 32 bytes */
	ST_SEGS,      /* bstr(rest of the payload) */
	ST_SEG_ARRAY, /* array(2..256, even) */
	ST_SEG_ITEM,  /* uint (addr, len, ...) */
	ST_SIG,       /* bstr(256) */
	ST_SIG_BODY,  /* 256 bytes */
	ST_BLOB,      /* wrapper complete: blob bytes */
	ST_BAD,       /* format error: sticky until the next init */
};

void fm_parser_reset(struct dfu_full_modem_parser *p);

/*
 * Consume wrapper bytes of b[0, n) until the wrapper is complete (step
 * ST_BLOB); *used gets the count. area (partition size) and file_size
 * (0 = unknown) bound the file. Returns 0 or -EBADMSG / -EFBIG; on error the
 * parser state is garbage (callers parse a copy, or start over).
 */
int fm_parse(struct dfu_full_modem_parser *p, const uint8_t *b, size_t n, uint32_t area,
	     uint32_t file_size, size_t *used);

/* Verified record, version 1 (docs/records.md). */
#define FM_VREC_SIZE 64u

/* Encode the verified record of info for the partition at device offset area. */
void fm_vrec_encode(const struct dfu_full_modem_info *in, uint32_t area, uint8_t r[FM_VREC_SIZE]);

/* Read and decode the verified record for partition offset area.
 * Returns 0, -ENOENT (none, or not valid), or a store error. */
int fm_vrec_load(const struct dfu_kv *kv, uint32_t area, struct dfu_full_modem_info *out);

#endif /* FULL_MODEM_INTERNAL_H_ */
