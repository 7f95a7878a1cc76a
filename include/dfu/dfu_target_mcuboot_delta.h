/*
 * MCUboot application delta target: a patch against the running image
 * rebuilds the complete signed MCUboot image of the new version in the
 * secondary slot. The old image is read from the primary slot through the
 * flash port; the output streams through the MCUboot target (its writer,
 * verifier, records and trailer handling), driven through the public
 * context API on an inner context, so MCUboot swaps, reverts and confirms
 * exactly as for a full image. docs/delta.md has the format and the rules.
 *
 *   static uint8_t buf[512], win[1024];
 *   static struct dfu_mcuboot out = { .cfg = { .board = &board,
 *           .buf = buf, .buf_len = sizeof(buf), .keys = keys, .key_count = 1 } };
 *   static struct dfu_mcuboot_delta delta = { .cfg = { .mcuboot = &out,
 *           .window = win, .window_len = sizeof(win) } };
 *   static const struct dfu_target_entry targets[] = {
 *           { &dfu_target_mcuboot_ops, &full },
 *           { &dfu_target_mcuboot_delta_ops, &delta } };
 *
 * The delta's struct dfu_mcuboot is its own (not one registered as a
 * target elsewhere): it holds the output download's state.
 *
 * What happens, in order:
 *   init      img_num must name a pair (-ENOENT). A download of the same
 *             patch found in the store resumes: the running image's
 *             SHA-256 TLV is checked again (it must still be the patch's
 *             base), the inner
 *             MCUboot download is re-opened, and offset_get gives the
 *             patch offset of the last snapshot at or below its durable
 *             output (0 when none: the patch is then sent again, the
 *             durable output is not rewritten). With init_ex's first bytes
 *             (>= 128: the envelope) the checks below run at init.
 *   write     The envelope (128 bytes) and the patch header are collected
 *             and checked before anything is written, to flash or store:
 *             envelope CRC and fields (-EBADMSG; another format version
 *             -ENOTSUP); the primary holds a valid image whose hashed
 *             region has the envelope's base size and whose SHA-256 TLV
 *             is the envelope's base digest (with DFU_DELTA_HASH_BASE: the
 *             SHA-256 of that region, computed from flash) (-EILSEQ,
 *             dfu_mcuboot_delta_report() says which base runs and which
 *             one the patch needs); the new image fits the pair's maximum
 *             image size (-EFBIG); its header is one the MCUboot target
 *             accepts (-EBADMSG, -EFBIG, -ENOTSUP); the version policy
 *             (DFU_MCUBOOT_DENY_DOWNGRADE: -ESTALE). Then the session
 *             record is stored and the output starts.
 *             The decoder writes the output through the MCUboot target;
 *             a snapshot record (about 44 bytes) is stored at most once
 *             per buf_len + (checkpoint_blocks + 1) erase blocks of
 *             output, at a point where the heatshrink window can be
 *             rebuilt from flash.
 *   done      The patch must have decoded completely (all output, nothing
 *             after it, padding zero) and its CRC-32 must match
 *             (-EBADMSG); then the MCUboot target's done(true) verifies
 *             the rebuilt image from flash (-EILSEQ, -EACCES, ...).
 *   schedule  The MCUboot target's (test request).
 *   reset     Deletes this target's records, then the MCUboot target's
 *             reset (records, header and trailer blocks).
 *
 * Discarding: a verdict on the patch (-EBADMSG: malformed, reads outside
 * the old image, output past the declared size; -ENOTSUP: a feature not
 * supported here, e.g. a window larger than cfg.window_len; the MCUboot
 * target's verdicts on the output) discards the download: the records are
 * deleted, the MCUboot target resets the output, later writes and done
 * answer -EPIPE. Flash, store and crypto-port errors keep it (init again,
 * then offset_get).
 *
 * Store keys (pair NN): "mcdelta/pNN" session (64 B), "mcdelta/aNN" and
 * "mcdelta/bNN" snapshots (44 B); the MCUboot target keeps its own.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_TARGET_MCUBOOT_DELTA_H_
#define DFU_TARGET_MCUBOOT_DELTA_H_

#include "dfu/dfu_target.h"
#include "dfu/dfu_target_mcuboot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Image type DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA (64, dfu_target.h: not
 * one of NCS's values), compiled in with DFU_CONFIG_TARGET_MCUBOOT_DELTA
 * (dfu_config.h). dfu_target_mcuboot_delta_custom_ops registers the same
 * target as the CUSTOM type instead. */

/** Envelope: magic "MCDP", format version 1, 128 bytes (docs/delta.md). */
#define DFU_DELTA_ENVELOPE_SIZE 128u
#define DFU_DELTA_FORMAT_VERSION 1u

struct dfu_mcuboot_delta_cfg {
	/** The MCUboot target state the output goes through (cfg filled:
	 *  board, buf, keys, flags...). Its own, see above. */
	struct dfu_mcuboot *mcuboot;
	/** Heatshrink window (2^w bytes of a patch must fit; NULL / 0: only
	 *  patches without compression). */
	uint8_t *window;
	uint32_t window_len;
	const struct dfu_kv *kv; /**< NULL = the context port's. */
	uint8_t flags;           /**< DFU_DELTA_* */
};

/** Check the base by hashing the running image from flash (one read pass
 *  over it at the envelope and at each resume) instead of comparing its
 *  SHA-256 TLV with the envelope's base digest. Either way a base that
 *  does not hold what its TLV says gives an output that fails done(true)'s
 *  verification. */
#define DFU_DELTA_HASH_BASE 0x01u

/** Why the last envelope check refused (dfu_mcuboot_delta_report()). */
enum dfu_delta_refusal {
	DFU_DELTA_OK = 0,
	DFU_DELTA_BAD_ENVELOPE, /**< magic, CRC, sizes, reserved bytes */
	DFU_DELTA_BAD_VERSION,  /**< another format version */
	DFU_DELTA_NO_BASE,      /**< the primary holds no valid image */
	DFU_DELTA_WRONG_BASE,   /**< the running image is not the patch's base */
	DFU_DELTA_TOO_BIG,      /**< the new image does not fit the slot */
	DFU_DELTA_BAD_HEADER,   /**< the new image's header is refused */
	DFU_DELTA_POLICY,       /**< downgrade refused */
};

/** What the envelope says and what the device runs. */
struct dfu_mcuboot_delta_info {
	uint8_t refusal;            /**< enum dfu_delta_refusal */
	uint8_t compression;        /**< 0 none, 4 heatshrink */
	uint8_t window_bits;        /**< heatshrink w (0 for none) */
	uint8_t lookahead_bits;     /**< heatshrink l */
	uint32_t patch_size;        /**< bytes after the envelope */
	uint32_t new_size;          /**< rebuilt image bytes */
	uint32_t base_size;         /**< base bytes (hashed region) */
	uint8_t base_digest[32];    /**< the base the patch needs */
	uint8_t running_digest[32]; /**< the running image's hashed region */
	uint8_t new_digest[32];     /**< the new image's SHA-256 TLV */
	uint8_t new_header[32];     /**< the new image's MCUboot header */
	uint8_t has_running;        /**< running_digest is valid */
};

/* ---- private types (the decoder, src/targets/delta_decode.h) ---- */

/** Bytes the decoder produces per output call (its buffers). */
#define DFU_DELTA_BATCH 128u

/* A point the decoder can restart from (see delta_dec_restore()). */
struct dfu_delta_snap {
	uint32_t out;  /* output bytes produced */
	uint32_t in;   /* patch bytes consumed */
	uint32_t from; /* old image position */
	uint32_t rem;  /* bytes left in the data chunk */
	uint32_t crc;  /* CRC-32 of the consumed patch bytes */
	uint32_t acc;  /* heatshrink: unread bits (low nbits bits) */
	uint16_t br_dist;
	uint16_t br_cnt; /* back-reference bytes still to copy */
	uint8_t phase;   /* DP_DIFF or DP_EXTRA */
	uint8_t nbits;
};

struct dfu_delta_dec {
	/* limits, set by delta_dec_init() */
	uint32_t from_size; /* old image bytes the patch may read */
	uint32_t to_size;   /* expected new image size (envelope) */
	uint32_t in_max;    /* patch bytes at most */
	uint8_t *win;       /* heatshrink window buffer */
	uint32_t win_cap;   /* its size in bytes */
	/* detools header */
	uint8_t comp;
	uint8_t wbits;
	uint8_t lbits;
	uint8_t phase;
	/* size being read */
	uint8_t v_first;
	uint8_t v_neg;
	uint8_t v_shift;
	uint8_t nbits;
	uint32_t v_val;
	/* sequential layer */
	uint32_t out;
	uint32_t from;
	uint32_t rem;
	uint32_t since; /* decompressed bytes of the current data chunk */
	uint32_t in;    /* patch bytes consumed */
	uint32_t crc;
	/* heatshrink */
	uint32_t acc;
	uint32_t head;
	uint16_t br_dist;
	uint16_t br_cnt;
	/* snapshots are offered at out >= snap_next (UINT32_MAX: never) */
	uint32_t snap_next;
	uint8_t buf[DFU_DELTA_BATCH];
	uint8_t old[DFU_DELTA_BATCH];
};

/** Target state. Caller-allocated; fill cfg, leave the rest zero. */
struct dfu_mcuboot_delta {
	struct dfu_mcuboot_delta_cfg cfg;
	/* private */
	struct dfu_mcuboot_delta_info info;
	struct dfu_ctx inner;
	struct dfu_config icfg;
	struct dfu_target_entry ient;
	const struct dfu_kv *kv;
	uint32_t file_size;  /* declared patch file size (0 unknown) */
	uint32_t resume;     /* patch offset offset_get reports outside writes */
	uint32_t skip_to;    /* output below this is already durable */
	uint32_t interval;   /* output bytes between snapshots */
	uint32_t session;    /* CRC of the session record (snapshot binding) */
	uint32_t patch_crc;  /* envelope's CRC-32 of the patch */
	uint32_t prefix_crc; /* outer identity */
	uint8_t prefix_len;
	uint8_t pair;
	uint8_t phase;    /* internal */
	uint8_t env_n;    /* envelope bytes collected */
	uint8_t snap_seq; /* next snapshot slot (0 = a, 1 = b) */
	uint8_t touched;  /* the output download has started */
	uint8_t snaps_ok; /* bit i: snaps[i] valid */
	uint8_t snaps_raw[2][44];
	uint8_t hdr_ok; /* info.new_header holds the new header */
	uint8_t env[DFU_DELTA_ENVELOPE_SIZE];
	struct dfu_delta_dec dec;
};

extern const struct dfu_target_ops dfu_target_mcuboot_delta_ops;
/** The same target registered as DFU_TARGET_IMAGE_TYPE_CUSTOM. */
extern const struct dfu_target_ops dfu_target_mcuboot_delta_custom_ops;

/** Does buf (>= 32 bytes) start a delta envelope? (magic and version) */
bool dfu_identify_mcuboot_delta(const uint8_t *buf, size_t len);

/** What the last envelope check found (valid after it ran). */
static inline const struct dfu_mcuboot_delta_info *
dfu_mcuboot_delta_report(const struct dfu_mcuboot_delta *t)
{
	return &t->info;
}

/**
 * Check an envelope against a device without a download (dfu-sim status,
 * an application deciding what to fetch): fills *out (refusal, sizes,
 * digests) and returns the error the write would give (0 = applicable).
 * Reads the primary of pair img_num; no flash or store writes.
 */
int dfu_mcuboot_delta_check(struct dfu_mcuboot_delta *t, const struct dfu_port *port, int img_num,
			    const uint8_t *env, size_t len, struct dfu_mcuboot_delta_info *out);

/**
 * The running image of pair img_num of m's board as a delta base: its
 * SHA-256 TLV value (what a patch's envelope must name as its base digest)
 * and the size of its hashed region. For an application telling its update
 * server which patch it needs, and for status displays. Reads the primary
 * slot only. 0, -ENOENT (no valid image header, TLV info or SHA-256 TLV),
 * -EINVAL, or a flash error.
 */
int dfu_mcuboot_delta_base(const struct dfu_mcuboot *m, int img_num, uint8_t digest[32],
			   uint32_t *base_size);

/** A delta download kept in the store (dfu_mcuboot_delta_stored()). */
struct dfu_mcuboot_delta_stored_info {
	uint32_t file_size;      /**< the artifact's bytes (envelope + patch) */
	uint32_t new_size;       /**< the image it rebuilds */
	uint32_t checkpoint;     /**< artifact offset of the newest snapshot
				      (0: none yet); a resume starts at or
				      below it (offset_get after init) */
	uint32_t new_header_crc; /**< CRC-32 (IEEE) of the rebuilt image's
				      first 32 bytes (its MCUboot header):
				      tells whether a slot holds the output */
	uint8_t compression;     /**< 0 none, 4 heatshrink */
	uint8_t base_digest[32]; /**< the base the patch needs */
};

/**
 * The delta download of pair img_num kept in the store kv, if any (for
 * status displays: which base it needs, how far it got). It stays after a
 * successful done (a new init of the same patch then finds it complete)
 * until the next delta download of the pair or a reset. Reads only.
 * 0, -ENOENT (none, or an unreadable record), -EINVAL.
 */
int dfu_mcuboot_delta_stored(const struct dfu_kv *kv, int img_num,
			     struct dfu_mcuboot_delta_stored_info *out);

#ifdef __cplusplus
}
#endif

#endif /* DFU_TARGET_MCUBOOT_DELTA_H_ */
