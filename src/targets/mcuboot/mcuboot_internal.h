/*
 * MCUboot target internals shared by its files.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef MCUBOOT_INTERNAL_H_
#define MCUBOOT_INTERNAL_H_

#include <stdbool.h>
#include <stddef.h>

#include "dfu/dfu_target_mcuboot.h"

/* Parser phases (struct dfu_mcuboot.phase). */
enum {
	PHASE_HDR = 0, /* collecting the 32-byte header */
	PHASE_BODY,    /* header padding and payload */
	PHASE_PINFO,   /* protected TLV info */
	PHASE_PHDR,    /* protected TLV entry header */
	PHASE_PVAL,    /* protected TLV value */
	PHASE_INFO,    /* TLV info */
	PHASE_UHDR,    /* TLV entry header */
	PHASE_UVAL,    /* TLV value */
	PHASE_TAIL,    /* after the TLVs: padding / trailer of a padded file */
	PHASE_BAD,     /* the image is malformed: sticky until the next init */
};

/* Bytes before the end of a padded file that may hold trailer fields
 * (swap_info for A = 32 sits 128 bytes before the end). */
#define MCUBOOT_TRAILER_SPAN 160u

/* Store keys, one pair each: "mcuboot/pNN" (stream progress), "mcuboot/vNN"
 * (verified), NN = the pair's index in two decimal digits. */
#define DFU_MCUBOOT_KEY_LEN 12

/* The download is hashed while it streams only when done(true) uses that
 * digest (DFU_MCUBOOT_NO_READBACK); by default done hashes the image read
 * back from flash, and a second, unused digest would only cost time
 * (about 44 instructions per byte at -O2 with the portable SHA-256). */
static inline bool mcuboot_streams_hash(const struct dfu_mcuboot *m)
{
	return (m->cfg.flags & DFU_MCUBOOT_NO_READBACK) != 0;
}

static inline void mcuboot_key(char key[DFU_MCUBOOT_KEY_LEN], char kind, uint8_t pair)
{
	static const char base[] = "mcuboot/";

	for (size_t i = 0; i < sizeof(base) - 1; i++) {
		key[i] = base[i];
	}
	key[sizeof(base) - 1] = kind;
	key[sizeof(base)] = (char)('0' + pair / 10);
	key[sizeof(base) + 1] = (char)('0' + pair % 10);
	key[sizeof(base) + 2] = '\0';
}

static inline void mcuboot_vkey(char key[DFU_MCUBOOT_KEY_LEN], uint8_t pair)
{
	mcuboot_key(key, 'v', pair);
}

/* Verified record (docs/records.md), 48 bytes: version 1 = verified;
 * version 2 = the same record, and a request for this image was written
 * since (marked after the request, so a marked record whose slot carries no
 * request means MCUboot acted on it, or reset() cancelled it). */
#define VREC_VERSION 1u
#define VREC_REQUESTED 2u
#define VREC_SIZE 48u

static inline const struct dfu_kv *mcuboot_kv(const struct dfu_mcuboot *m)
{
	return m->scfg.kv;
}

/* Read pair's verified record: its version (VREC_VERSION or
 * VREC_REQUESTED) when it is there and intact, 0 when not, or a store
 * error. */
int mcuboot_vrec_read(const struct dfu_mcuboot *m, uint8_t pair, uint8_t r[VREC_SIZE]);

/* Revert guard (dfu_target_mcuboot.h): -EBUSY, 0 or a flash error. */
int mcuboot_revert_guard(const struct dfu_mcuboot *m, const struct dfu_mcuboot_pair *pair);

void mcuboot_parser_reset(struct dfu_mcuboot *m);

/* Run n image bytes through the parser; replay = bytes read back from flash
 * on resume (hashed and parsed, not programmed, slot not claimed). */
int mcuboot_feed(struct dfu_mcuboot *m, const uint8_t *p, size_t n, bool replay);

/* Check the bytes after the TLVs (padded file) and decode its trailer. */
int mcuboot_tail_check(struct dfu_mcuboot *m);

/* The profile pair img is judged by (dfu_mcuboot_profile_get()) with the
 * cfg flags mapped onto it: DFU_MCUBOOT_ALLOW_UNVERIFIED -> ENCRYPT,
 * DFU_MCUBOOT_DENY_DOWNGRADE -> DOWNGRADE, min_security_counter != 0 ->
 * HW_ROLLBACK with a counter of at least that value. */
int mcuboot_prof(const struct dfu_mcuboot *m, uint8_t img, struct dfu_mcuboot_pair_profile *p);

/* The primary of pair img: header and (walk without hash) its first
 * protected security counter. -ENOENT when there is no header magic. */
int mcuboot_primary_info(struct dfu_mcuboot *m, uint8_t img, struct dfu_mcuboot_info *out);

/* Software downgrade prevention (1.4) of an image for pair img, under the
 * pair's profile: the version variant (cmp < 0 refused, an equal version
 * passes) or the security-counter variant. 0, -ESTALE (info->rule
 * DOWNGRADE) or a flash error. */
int mcuboot_downgrade(struct dfu_mcuboot *m, uint8_t img, struct dfu_mcuboot_info *info);
int mcuboot_seccnt_downgrade(struct dfu_mcuboot *m, uint8_t img, struct dfu_mcuboot_info *info);

/* Shared by the target's files. */
const struct dfu_mcuboot_pair *mcuboot_pair_of(const struct dfu_mcuboot *m, int img);
int mcuboot_secondary_check(struct dfu_mcuboot *m, uint8_t img, bool may_verify,
			    struct dfu_mcuboot_info *info, bool *stale);
void mcuboot_bind_cfg(struct dfu_mcuboot *m);

/* Swap-offset (3.3): MCUboot refuses a TEST/PERM request ("wrong upload
 * address?") and erases the slot while the secondary's bytes 0-3 hold an
 * image header magic. -ENOTEMPTY then, 0 (also in the other modes), or a
 * flash error. */
int mcuboot_sector0_check(const struct dfu_mcuboot_pair *pair);
/* The layout of a slot of pair img (which: 0 primary, 1 secondary) under
 * the pair's profile (mcuboot_prof()). */
int mcuboot_layout(const struct dfu_mcuboot *m, uint8_t img, int which,
		   struct dfu_mcuboot_layout *l);

/* Dependencies (2.10) when the pairs in install (bit i: pair i's secondary)
 * are installed: 0 when all are met (or install is 0), -ENOLINK when one is
 * unmet or malformed (MCUboot then installs nothing), or a flash error. */
int mcuboot_deps_check(struct dfu_mcuboot *m, uint32_t install);

/* The pairs MCUboot will upgrade from their trailers now (TEST, PERM,
 * REVERT, and a secondary it does not refuse), as a bit mask. */
int mcuboot_installing(struct dfu_mcuboot *m, uint32_t *mask);

int mcuboot_keys_check(const struct dfu_mcuboot_cfg *cfg, const struct dfu_crypto *c);

#endif /* MCUBOOT_INTERNAL_H_ */
