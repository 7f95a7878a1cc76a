/*
 * MCUboot target: streams a signed MCUboot image into the secondary slot of
 * an image pair, verifies it as the bootloader will, and requests the
 * upgrade exactly as MCUboot's own boot_set_pending does.
 *
 *   static uint8_t buf[512];
 *   static struct dfu_mcuboot mcuboot = { .cfg = { .board = &board,
 *           .buf = buf, .buf_len = sizeof(buf) } };
 *   static const struct dfu_target_entry targets[] = {
 *           { &dfu_target_mcuboot_ops, &mcuboot } };
 *
 * What happens, in order:
 *   setup      dfu_ctx_setup() checks the configured keys against the crypto
 *              port (cfg.crypto, else the context port's), see "Keys" below;
 *              a misconfiguration fails the setup.
 *   init       The same key check comes first (the configuration may have
 *              changed since the setup), before any flash or store access.
 *              img_num must name a pair (-ENOENT), file_size must fit the
 *              pair's maximum image size, or equal the secondary slot size
 *              (an imgtool --pad image) (-EFBIG). The revert guard (below)
 *              is checked. A resumed download re-reads and re-hashes its
 *              durable prefix from flash (one read pass over it). A download
 *              of the same file that was completed earlier counts as done
 *              only while the slot still holds it (it starts with the
 *              file's first bytes, its image verifies, and a verified
 *              record, if any, has its digest); after MCUboot swapped it
 *              out or erased it, the old records are deleted, the slot's
 *              first block is erased and the download starts again at 0.
 *              Otherwise no flash write or erase.
 *   write      The first 32 bytes are collected and the header checked
 *              before anything reaches flash: magic, header size (>= 32),
 *              flags as the profile says (both encryption bits invalid;
 *              encrypted or compressed without support refused; PIC and
 *              undefined bits ignored, as MCUboot), and header +
 *              payload + protected TLVs within the maximum image size and
 *              within file_size, with overflow-safe arithmetic. Then, for a
 *              new download only: the verified record of the pair is
 *              deleted and the secondary's trailer erase blocks are erased
 *              (no stale request can survive). Data is streamed through the
 *              stream writer (resumable, power-cut safe); with
 *              DFU_MCUBOOT_NO_READBACK SHA-256 runs meanwhile over
 *              [0, hdr + img + prot), the bytes MCUboot hashes; TLVs are
 *              parsed as they pass. Bytes after the end of the TLVs (an
 *              imgtool --pad file) are ignored, as MCUboot ignores them,
 *              and never written; a trailer at the end of the file is
 *              decoded and reported only.
 *   done(true) Flushes, then verifies what is really in flash: re-reads the
 *              image and hashes it (default: the only SHA-256 pass; one read
 *              pass over the image, ~0.5 ms per KiB on nRF52 flash at 32 MHz
 *              reads; DFU_MCUBOOT_NO_READBACK uses the streaming digest
 *              instead),
 *              walks the TLVs, checks the SHA-256 TLV and, when keys are
 *              configured, a signature through the crypto port. On success a
 *              "verified" record bound to the digest is stored. On failure
 *              the download is discarded (record deleted, first erase block
 *              erased) and done returns the error below.
 *   schedule   Only a verified image: the verified record (when it matches
 *              the digest in flash) or a full re-verification from flash.
 *              Writes a test request (the seed's behaviour) into the
 *              secondary trailer, magic last. dfu_mcuboot_schedule() asks for
 *              a permanent one. img_num -1: exactly the pairs whose download
 *              completed and verified through this library and was neither
 *              installed nor reset since (the pair's verified record matches
 *              the image in its secondary: a swap leaves the old primary
 *              image there, another digest; a new download's first byte and
 *              reset delete the record; without a store only the download
 *              completed in this boot counts), never a slot's leftover or an
 *              image written by someone else, nor an image requested before
 *              whose request is gone (MCUboot tested and reverted it; the
 *              verified record is marked "requested" after each request,
 *              docs/records.md; schedule_update(img) still asks again).
 *              Dependencies between images are checked (-ENOLINK). The
 *              pairs are all checked first,
 *              then each is requested in index order (not atomic across
 *              images: a power cut can leave some pairs requested and not
 *              others; each pair's request is itself all-or-nothing);
 *              -ENOENT when there is none.
 *              Swap-offset: refused (-ENOTEMPTY) while the secondary's
 *              sector 0 holds an image header magic (MCUboot would refuse it,
 *              "wrong upload address?", and erase the slot; a swap leaves the
 *              old primary's header there). The first byte of a new download
 *              erases that sector (as Zephyr's flash_img does).
 *   reset      Erases the secondary's trailer blocks first (a power cut at
 *              any later operation leaves no request), then deletes the
 *              records and erases the secondary's header block: nothing
 *              bootable or requested remains.
 *
 * Revert guard: when the primary holds an unconfirmed image that MCUboot
 * will revert (primary magic good, copy_done set, image_ok unset, swap
 * modes), its secondary holds the revert copy. Overwriting or resetting it
 * would silently make the unconfirmed image permanent, so init, reset and
 * schedule refuse with -EBUSY unless DFU_MCUBOOT_FORCE is set. Confirm the
 * running image first (dfu_mcuboot_confirm()).
 *
 * Keys: with cfg.key_count > 0 every image must carry a signature by one of
 * cfg.keys, checked at done(true) through the crypto port's verify(). So
 * that a device that cannot check a signature finds out at boot, not after
 * a whole download, setup and init refuse, before anything is erased:
 *   -ENOTSUP  no crypto port, or one without verify(); a key of an algorithm
 *             MCUboot images cannot be signed with here (a curve other than
 *             P-256, an RSA modulus other than 2048 or 3072 bits, another
 *             algorithm); a key the port cannot use (its check_key(), or a
 *             probe of verify() when the port has no check_key(), says
 *             -ENOTSUP: e.g. Ed25519 with either port in ports/, a
 *             compressed P-256 point).
 *   -EINVAL   cfg.keys NULL; a key with neither der nor hash; a der that is
 *             not a DER SubjectPublicKeyInfo or PKCS#1 RSAPublicKey
 *             (dfu_key_parse()); an RSA key given as SubjectPublicKeyInfo
 *             (MCUboot's KEYHASH is over the PKCS#1 form, so it would never
 *             match); a key the port cannot parse (-EINVAL from the port).
 *   -ENOBUFS  cfg.buf_len smaller than a signature of a key's algorithm (72
 *             bytes for ECDSA P-256, the modulus size for RSA): done(true)
 *             reads the signature into the staging buffer.
 *   -EIO      the port's verify() accepted the probe's forged signature.
 *   other     the port's error (e.g. -ENOMEM), unchanged.
 * The algorithm of a key comes from its DER (dfu_key_sig_alg()). A key given
 * only by its hash (der NULL) cannot be checked before an image carries it
 * in a PUBKEY TLV: only verify() is required for it.
 *
 * dfu_mcuboot_schedule(), _state() and _confirm() work without a download
 * in this boot (e.g. after a reboot); before the first init they use
 * cfg.kv and cfg.crypto (set them, or the verified record is not found and
 * signatures cannot be checked). They use the staging buffer for a
 * verification from flash, so while a download is in progress on the same
 * target they only trust verified records.
 *
 * A format or policy error found by write (after the header, in the TLVs,
 * in a padded file's tail) refuses the rest of the download: the target
 * answers -EPIPE to later writes and to done(true) (the context is FAILED),
 * and what was already in flash is discarded (progress record deleted,
 * first erase block erased). Call init again (a new download) or reset.
 * Flash and store errors keep the download resumable as usual.
 *
 * Errors (negative errno, by symbol):
 *   -ENOENT   no pair with that image number.
 *   -EFBIG    file_size, or the sizes in the header / TLV info, exceed the
 *             pair's maximum image size or file_size.
 *   -EBADMSG  not an MCUboot image or malformed: magic, header size, flags,
 *             TLV info magic or total, a TLV running past its area, no
 *             SHA-256 TLV, an unprotected TLV outside the allow list, a
 *             KEYHASH / PUBKEY / signature / SEC_CNT TLV of a bad size
 *             (dfu_mcuboot_report()->rule names the rule; docs/
 *             mcuboot-profile.md).
 *   -ENOTSUP  encrypted image without DFU_MCUBOOT_ALLOW_UNVERIFIED (at the
 *             header, or at schedule when the flag was dropped since); no
 *             SHA-256 TLV but another hash (SHA-384/512 builds); keys are
 *             configured and the signature's algorithm is not supported by
 *             the crypto port (a key the port cannot use is refused at setup
 *             and init, see "Keys"; this remains for a key given only by its
 *             hash, or a signature of another algorithm than its key's).
 *   -EINVAL, -ENOBUFS, -EIO  keys misconfigured (setup, init: "Keys").
 *   -EILSEQ   the SHA-256 of what is in flash does not match the image's
 *             SHA-256 TLV.
 *   -EACCES   keys are configured and no signature verifies with one of
 *             them (bad signature, unknown key, no signature TLV).
 *   -ESTALE   policy: version not newer than the primary's
 *             (DFU_MCUBOOT_DENY_DOWNGRADE), or security counter below
 *             min_security_counter.
 *   -ENOEXEC  schedule of a NON_BOOTABLE image (downloaded and verified,
 *             never requested).
 *   -EALREADY schedule asks for a request other than the one pending
 *             (permanent after test, or test after permanent).
 *   -ENOLINK  schedule: once this request is written, a dependency of the
 *             images MCUboot would install (this one, the others requested
 *             in the same call, and those already requested in their
 *             trailers) would be unmet or malformed (a protected DEPENDENCY
 *             TLV of another length than 12, or naming an image the board
 *             does not have). MCUboot would then install nothing. A
 *             one-image board checks none, as a one-image MCUboot.
 *             Nothing is written.
 *   -EBUSY    revert guard (above).
 *   -ENOTEMPTY schedule, swap-offset: the secondary's sector 0 holds an
 *             image header magic (a download through this library clears it).
 *   flash and store errors unchanged.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_TARGET_MCUBOOT_H_
#define DFU_TARGET_MCUBOOT_H_

#include "dfu/dfu_mcuboot_board.h"
#include "dfu/dfu_sha256.h"
#include "dfu/dfu_stream.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_ncs.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A trusted public key: its DER bytes (as MCUboot hashes them: the
 *  SubjectPublicKeyInfo for P-256 and Ed25519, the PKCS#1 RSAPublicKey for
 *  RSA), or only its SHA-256 (then the image must carry the key in a PUBKEY
 *  TLV). */
struct dfu_mcuboot_key {
	const uint8_t *der;
	uint16_t der_len;
	const uint8_t *hash; /**< 32 bytes; used when der is NULL. */
};

/** done(true) trusts the streaming digest instead of re-reading flash. */
#define DFU_MCUBOOT_NO_READBACK 0x01u
/** Accept encrypted images, whose hash (over the plaintext) cannot be
 *  checked here; they can then be scheduled, unverified. */
#define DFU_MCUBOOT_ALLOW_UNVERIFIED 0x02u
/** Refuse an image whose version is not newer than the primary's. */
#define DFU_MCUBOOT_DENY_DOWNGRADE 0x04u
/** Override the revert guard. */
#define DFU_MCUBOOT_FORCE 0x08u
/** Read back every program (stream writer's DFU_STREAM_VERIFY_READBACK). */
#define DFU_MCUBOOT_VERIFY_WRITES 0x10u

struct dfu_mcuboot_cfg {
	const struct dfu_mcuboot_board *board;
	uint8_t *buf; /**< Staging buffer: multiple of the write block,
			   >= 64 B; also scratch for verification
			   (signature + key must fit). */
	uint32_t buf_len;
	const struct dfu_kv *kv;            /**< NULL = the context port's. */
	const struct dfu_crypto *crypto;    /**< NULL = the context port's. */
	const struct dfu_mcuboot_key *keys; /**< Trusted keys; none = no
						 signature required. */
	uint8_t key_count;
	uint8_t flags;                 /**< DFU_MCUBOOT_* */
	uint16_t checkpoint_blocks;    /**< Stream checkpoint interval. */
	uint32_t min_security_counter; /**< 0 = no check. */
	/** Upgradable bootloader: the active slot, 0 = s0, 1 = s1, or a
	 *  negative errno (see dfu_mcuboot_b1_variant()). Optional. */
	int (*b1_active_slot)(void *user);
	void *user;
	/** The bootloader build (dfu_mcuboot_board.h); NULL = the default,
	 *  the nRF9160 NCS build. A pair's own .profile overrides it. The
	 *  flags map onto it: DFU_MCUBOOT_ALLOW_UNVERIFIED = encrypted images
	 *  supported (and accepted unverified), DFU_MCUBOOT_DENY_DOWNGRADE =
	 *  downgrade prevention, min_security_counter != 0 = a hardware
	 *  security counter of at least that value. */
	const struct dfu_mcuboot_profile *profile;
};

/** Outcome of one check. */
enum dfu_mcuboot_check {
	DFU_MCUBOOT_CHECK_NONE = 0,     /**< Not done (yet), or not required. */
	DFU_MCUBOOT_CHECK_OK,           /**< Verified. */
	DFU_MCUBOOT_CHECK_BAD,          /**< Mismatch / invalid signature. */
	DFU_MCUBOOT_CHECK_UNSUPPORTED,  /**< Algorithm not supported. */
	DFU_MCUBOOT_CHECK_NO_KEY,       /**< Signature by no trusted key. */
	DFU_MCUBOOT_CHECK_UNVERIFIABLE, /**< Encrypted: hash over plaintext. */
};

/** The bootloader rule that refuses an image (dfu_mcuboot_info.rule), one
 *  per rule of shared/spec/mcuboot-acceptance.md (docs/mcuboot-profile.md). */
enum dfu_mcuboot_rule {
	DFU_MCUBOOT_RULE_NONE = 0,
	DFU_MCUBOOT_RULE_HEADER,         /**< H1-H4: magic, sizes (-EBADMSG, -EFBIG). */
	DFU_MCUBOOT_RULE_ENCRYPTION,     /**< H5: encrypted, not supported (-ENOTSUP). */
	DFU_MCUBOOT_RULE_COMPRESSION,    /**< H6: compressed, not supported (-ENOTSUP). */
	DFU_MCUBOOT_RULE_TLV_INFO,       /**< 2.3: TLV info magic / total (-EBADMSG). */
	DFU_MCUBOOT_RULE_TLV_BOUNDS,     /**< 2.3: an entry outside its area (-EBADMSG). */
	DFU_MCUBOOT_RULE_IMAGE_SIZE,     /**< 3.1: end of TLVs > maximum (-EFBIG). */
	DFU_MCUBOOT_RULE_TLV_ALLOW_LIST, /**< 2.4: unprotected TLV type (-EBADMSG). */
	DFU_MCUBOOT_RULE_HASH_LENGTH,    /**< 2.5: hash TLV of the wrong size (-EBADMSG). */
	DFU_MCUBOOT_RULE_HASH,           /**< 2.5: a hash TLV differs (-EILSEQ). */
	DFU_MCUBOOT_RULE_HASH_MISSING,   /**< 2.5: no hash TLV (-EBADMSG). */
	DFU_MCUBOOT_RULE_KEY_LENGTH,     /**< 2.5: KEYHASH / PUBKEY too long (-EBADMSG). */
	DFU_MCUBOOT_RULE_SIG_LENGTH,     /**< 2.7: signature of a known key, bad size
					      (-EBADMSG). */
	DFU_MCUBOOT_RULE_SIGNATURE,      /**< 2.7: the last verified signature is bad
					      (-EACCES). */
	DFU_MCUBOOT_RULE_SEC_CNT_LENGTH, /**< 2.9: SEC_CNT not 4 bytes (-EBADMSG). */
	DFU_MCUBOOT_RULE_SEC_CNT,        /**< 2.9: SEC_CNT below the counter, or none
					      (-ESTALE). */
	DFU_MCUBOOT_RULE_DOWNGRADE,      /**< 1.4: older than the primary (-ESTALE). */
	/** 2.7: no signature TLV of the build's type (-EACCES). */
	DFU_MCUBOOT_RULE_SIGNATURE_MISSING,
	/** 2.6, 2.7: signature TLVs, none after a key TLV of a trusted key
	 *  (-EACCES). */
	DFU_MCUBOOT_RULE_KEY_NOT_FOUND,
	/** 2.8: the signature cannot be checked here (algorithm, a key known
	 *  only by its hash, buffer size; -ENOTSUP). */
	DFU_MCUBOOT_RULE_SIGNATURE_TYPE,
};

/** What was learned about an image (dfu_mcuboot_report(), state). */
struct dfu_mcuboot_info {
	uint32_t load_addr;
	uint32_t img_size;
	uint32_t flags;
	uint32_t build;
	uint16_t hdr_size;
	uint16_t prot_size;
	uint16_t revision;
	uint8_t major;
	uint8_t minor;
	uint32_t tlv_end; /**< Header + payload + all TLVs (0 = not known). */
	uint32_t sec_cnt; /**< Security counter TLV (valid if has_sec_cnt). */
	uint8_t has_sec_cnt;
	uint8_t hash;                    /**< enum dfu_mcuboot_check (SHA-256 TLV). */
	uint8_t signature;               /**< enum dfu_mcuboot_check. */
	uint8_t sig_alg;                 /**< enum dfu_sig_alg of the checked signature. */
	uint8_t file_request;            /**< Trailer found in a padded file: 0 none,
					      DFU_MCUBOOT_SWAP_TEST or _PERM. */
	uint8_t file_align;              /**< That trailer's alignment (8/16/32). */
	uint8_t digest[DFU_SHA256_SIZE]; /**< The SHA-256 TLV's value. */
	uint8_t rule;                    /**< enum dfu_mcuboot_rule that refused it. */
};

/** Target state. Caller-allocated; fill cfg, leave the rest zero. */
struct dfu_mcuboot {
	struct dfu_mcuboot_cfg cfg;
	/* private */
	struct dfu_stream_cfg scfg;
	struct dfu_stream stream;
	struct dfu_sha256 sha;
	const struct dfu_crypto *crypto;
	struct dfu_mcuboot_info info;
	uint32_t file_size; /* declared; 0 = unknown */
	uint32_t pos;       /* image bytes consumed */
	uint32_t max_img;   /* pair's maximum image size */
	uint32_t hashed_end;
	uint32_t area_end; /* end of the TLV area being parsed */
	uint32_t item_end; /* end of the TLV value being skipped */
	uint8_t hb[32];    /* header, then TLV header bytes */
	uint8_t hn;        /* bytes in hb */
	uint8_t phase;
	uint8_t pair;
	uint8_t fresh;      /* new download: claim the slot at first data */
	uint16_t cur_type;  /* TLV being skipped */
	uint8_t trl[3];     /* tail: non-erased bytes before the magic */
	uint8_t trl_pos[3]; /* their distance from the end of the file */
	uint8_t trl_n;
	uint8_t magic[32];                    /* tail: the file's last 32 bytes */
	char pkey[12];                        /* progress record key of the pair ("mcuboot/pNN") */
	uint8_t forced;                       /* NCS 2.x iterator: one entry read past the area */
	uint8_t cross;                        /* a protected entry runs into the 0x6907 info */
	struct dfu_mcuboot_pair_profile prof; /* the pair's, cfg flags mapped */
};

extern const struct dfu_target_ops dfu_target_mcuboot_ops;

/**
 * Request the upgrade of pair img_num (-1: every pair whose download
 * completed and verified through this library and was neither installed nor
 * reset since; see "schedule" above), test (permanent false, as
 * schedule_update) or permanent. Verifies first
 * (record or flash). Usable without a download in progress (after a
 * reboot). Errors as listed above.
 */
int dfu_mcuboot_schedule(struct dfu_mcuboot *m, int img_num, bool permanent);

/**
 * Confirm the running image of pair img_num (write image_ok in the primary
 * trailer, as MCUboot's boot_set_confirmed). 0 also when nothing needed
 * writing. -ENOENT unknown pair, -EBADMSG corrupt trailer, flash errors.
 */
int dfu_mcuboot_confirm(struct dfu_mcuboot *m, int img_num);

/** One slot as the bootloader will see it. */
struct dfu_mcuboot_slot_state {
	uint8_t present;                    /**< Header magic valid. */
	uint8_t verified;                   /**< enum dfu_mcuboot_check of the hash (secondary:
						 from the verified record, else re-verified
						 when no download is in progress). */
	struct dfu_mcuboot_info info;       /**< Header fields (if present). */
	struct dfu_mcuboot_trailer trailer; /**< Decoded trailer. */
};

/** Why a requested secondary will not be installed
 *  (dfu_mcuboot_pair_state.hold). */
enum dfu_mcuboot_hold {
	DFU_MCUBOOT_HOLD_NONE = 0,   /**< Installs, or nothing requested. */
	DFU_MCUBOOT_HOLD_SECONDARY,  /**< The secondary fails a check (MCUboot
					  erases it). */
	DFU_MCUBOOT_HOLD_PRIMARY,    /**< Swap-move / swap-offset without a
					  primary header (erased, or a garbage
					  magic; bootstrap tolerates erased):
					  MCUboot stops at reading the headers,
					  nothing is installed or erased, the
					  secondary is not even validated. */
	DFU_MCUBOOT_HOLD_SECTOR0,    /**< Swap-offset: a header magic in the
					  secondary's sector 0 (MCUboot erases
					  the slot). */
	DFU_MCUBOOT_HOLD_DEPENDENCY, /**< A dependency of the images to be
					  installed is unmet or malformed (sheet
					  2.10): no image is installed, nothing
					  is erased, the requests stay. */
};

struct dfu_mcuboot_pair_state {
	struct dfu_mcuboot_slot_state primary; /**< verified: the outcome of the
						    primary's validation (hash) when
						    the profile validates it. */
	struct dfu_mcuboot_slot_state secondary;
	uint8_t swap;          /**< enum dfu_mcuboot_swap from the trailers. */
	uint8_t will_install;  /**< swap is TEST/PERM (or bootstrap) and the
				    secondary would pass the bootloader's checks
				    we can do, dependencies included. */
	uint8_t revert_guard;  /**< The secondary holds a revert copy. */
	uint8_t hold;          /**< enum dfu_mcuboot_hold: why a TEST/PERM request
				    does not install. */
	uint8_t primary_valid; /**< The primary passes what MCUboot checks before
				    booting it: with validate-primary (the
				    default) its header, TLVs, hash, signature
				    (configured keys) and security counter;
				    without, its header magic. Assumed 1 while a
				    download is in progress on this target (the
				    staging buffer is busy). */
	uint8_t boot_fails;    /**< Nothing is installed or reverted and the
				    primary is not valid: MCUboot will not boot
				    this image (sheet 3.6, 3.7). */
};

/** Report pair img_num's state. -ENOENT unknown pair; flash errors.
 *  Reads every pair's trailers (dependencies); with validate-primary (or
 *  bootstrap) also reads the primary image once to hash it. */
int dfu_mcuboot_state(struct dfu_mcuboot *m, int img_num, struct dfu_mcuboot_pair_state *out);

/** What the current (or last) download has learned about its image. */
static inline const struct dfu_mcuboot_info *dfu_mcuboot_report(const struct dfu_mcuboot *m)
{
	return &m->info;
}

/**
 * Upgradable bootloader (NSIB s0/s1): which build to download, from the
 * active slot that cfg.b1_active_slot reports: 1 (the s1 build) when s0 is
 * active, 0 (the s0 build) when s1 is. -ENOTSUP without the callback, or its
 * error.
 */
int dfu_mcuboot_b1_variant(const struct dfu_mcuboot *m);

/**
 * Pick the file for variant from a "s0path s1path" string (the download
 * URL convention): sets *path and *len to the chosen part (not
 * NUL-terminated). A string without a space is a single path, used as is
 * for either variant (*path = paths, *len = its length), as the reference's
 * dual resource locator does. -EINVAL for NULL arguments, variant not 0/1,
 * an empty string, a string not terminated within max_len, or one that is
 * not exactly two non-empty space-separated parts (or one path).
 */
int dfu_mcuboot_b1_select(const char *paths, size_t max_len, int variant, const char **path,
			  size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* DFU_TARGET_MCUBOOT_H_ */
