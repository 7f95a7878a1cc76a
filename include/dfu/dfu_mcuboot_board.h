/*
 * MCUboot board description and image trailer: the facts the MCUboot target
 * shares with the bootloader. Pure functions over a flash device; no state.
 *
 * A board maps each MCUboot image number to a pair of slots (primary =
 * where the image runs, secondary = where a new image is downloaded), with
 * the pair's upgrade mode and the bootloader's BOOT_MAX_ALIGN (A) and
 * BOOT_MAX_IMG_SECTORS. Sectors are the flash device's erase blocks (uniform).
 *
 * Trailer layout (offsets from the slot start, S = slot size, w = write
 * block), as MCUboot's bootutil reads it:
 *   magic      S - 16  (written as one ALIGN_UP(16, A)-byte write at
 *                       ALIGN_DOWN(S - 16, A): erase-value padding first)
 *   image_ok   ALIGN_DOWN(S - 16 - A, A)
 *   copy_done  image_ok - A
 *   swap_info  copy_done - A
 *   swap_size  swap_info - A (offset mode: swap_info - 2A)
 * A flag or field is one write of ALIGN_UP(1, w) bytes: the value, then
 * erase-value padding. Magic for A = 8:
 *   77 C2 95 F3 60 D2 EF 7F 35 52 50 0F 2C B6 79 80
 * for A != 8: A as u16 LE, then 2D E1 5D 29 41 0B 8D 77 67 9C 11 0F 1F 8A.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_MCUBOOT_BOARD_H_
#define DFU_MCUBOOT_BOARD_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Upgrade mode the bootloader was built with, per pair. */
enum dfu_mcuboot_mode {
	DFU_MCUBOOT_SWAP_MOVE = 0,    /**< swap-using-move (no scratch). */
	DFU_MCUBOOT_SWAP_SCRATCH = 1, /**< swap-using-scratch. */
	DFU_MCUBOOT_SWAP_OFFSET = 2,  /**< swap-using-offset: image at sector 1. */
	DFU_MCUBOOT_OVERWRITE = 3,    /**< overwrite-only: no revert. */
};

/*
 * Bootloader profile: the MCUboot build options that decide whether an image
 * boots (shared/spec/mcuboot-acceptance.md). A zero-initialised profile, and
 * a NULL profile pointer, is the default: the nRF9160 NCS MCUboot build of
 * the sheet's section 5 (KEYHASH with a key table, lenient ECDSA DER parser
 * (CC310 / TinyCrypt), TLV allow list on, primary validated on every boot, no
 * compression, no encryption, no bootstrap, no downgrade prevention, no
 * hardware security counter, version compared without the build number, the
 * NCS 2.x TLV iterator). docs/mcuboot-profile.md lists each field's source.
 *
 * The upgrade mode, BOOT_MAX_ALIGN, BOOT_MAX_IMG_SECTORS and the MCUboot
 * image number of a pair are layout facts of the pair (struct
 * dfu_mcuboot_pair .mode, .max_align, .max_img_sectors, .image); the
 * profile of a pair as a whole is struct dfu_mcuboot_pair_profile
 * (dfu_mcuboot_profile_get()).
 */

/** features: each bit changes the default build. */
#define DFU_MCUBOOT_P_NO_ALLOW_LIST               \
	0x0001u /**< MCUBOOT_USE_TLV_ALLOW_LIST=n \
		     (or ALLOW_ROGUE_TLVS). */
#define DFU_MCUBOOT_P_NO_VALIDATE_PRIMARY                                 \
	0x0002u                          /**< BOOT_VALIDATE_SLOT0=n: only \
					      the primary's magic is checked. */
#define DFU_MCUBOOT_P_DECOMPRESS 0x0004u /**< MCUBOOT_DECOMPRESS_IMAGES. */
#define DFU_MCUBOOT_P_ENCRYPT 0x0008u    /**< MCUBOOT_ENC_IMAGES. */
#define DFU_MCUBOOT_P_BOOTSTRAP 0x0010u  /**< MCUBOOT_BOOTSTRAP. */
#define DFU_MCUBOOT_P_DOWNGRADE 0x0020u  /**< MCUBOOT_DOWNGRADE_PREVENTION. */
#define DFU_MCUBOOT_P_DOWNGRADE_SECCNT                                       \
	0x0040u                            /**< ..._SECURITY_COUNTER variant \
						(with DFU_MCUBOOT_P_DOWNGRADE). */
#define DFU_MCUBOOT_P_BUILD_NUMBER 0x0080u /**< MCUBOOT_VERSION_CMP_USE_BUILD_NUMBER. */
#define DFU_MCUBOOT_P_ENC_AES256                    \
	0x0200u /**< MCUBOOT_AES_256: with ENCRYPT, \
		     32-byte trailer key slots (else 16). */
#define DFU_MCUBOOT_P_HW_ROLLBACK                     \
	0x0100u /**< MCUBOOT_HW_ROLLBACK_PROT: every  \
		     SEC_CNT TLV >= security_counter, \
		     at least one. */

/** sig_alg: the build's signature type (MCUboot builds have exactly one). */
#define DFU_MCUBOOT_SIG_FROM_KEYS                      \
	0u /**< The algorithm of the first configured  \
		key given by its DER; ECDSA P-256 (the \
		default build's) when no key is (keys  \
		given only by their hash: state the    \
		type of an RSA / Ed25519 HW-key build). */
#define DFU_MCUBOOT_SIG_NONE                            \
	0xFFu /**< BOOT_SIGNATURE_TYPE_NONE: hash only; \
		   key and signature TLVs are ignored. */

/** key_tlv: how an image names its key. */
enum dfu_mcuboot_key_tlv {
	DFU_MCUBOOT_KEYHASH = 0, /**< Key table; KEYHASH TLV (0x01), prefix compare,
				      first match; PUBKEY TLVs are ignored. */
	DFU_MCUBOOT_PUBKEY = 1,  /**< MCUBOOT_HW_KEY: PUBKEY TLV (0x02), its SHA-256
				      equal to a configured key's; KEYHASH ignored. */
};

/** ecdsa_der: how the bootloader's crypto backend parses an ECDSA TLV. */
enum dfu_mcuboot_ecdsa_der {
	DFU_MCUBOOT_DER_LENIENT = 0, /**< TinyCrypt, NCS CC310, NSIB: a SEQUENCE that
					  fits, two INTEGERs, each >= 32 bytes keeps
					  its last 32, trailing bytes ignored. */
	DFU_MCUBOOT_DER_STRICT = 1,  /**< mbedTLS: exact DER, nothing after it. */
};

/** tlv_iter: how the bootloader's TLV iterator bounds entries. */
enum dfu_mcuboot_tlv_iter {
	DFU_MCUBOOT_ITER_NCS2 = 0,    /**< NCS 2.x (and upstream before 2026-06): no
					   check per entry; the last entry may run
					   past the TLV area and is read from beyond. */
	DFU_MCUBOOT_ITER_CHECKED = 1, /**< upstream >= 90f4e7c3: every entry must fit
					   before the end of the TLV area. */
};

/** A bootloader build (see above). Zero = the default (nRF9160 NCS). */
struct dfu_mcuboot_profile {
	uint32_t features;         /**< DFU_MCUBOOT_P_* */
	uint32_t security_counter; /**< Stored hardware counter (HW_ROLLBACK). */
	uint8_t sig_alg;           /**< enum dfu_sig_alg, or DFU_MCUBOOT_SIG_*. */
	uint8_t key_tlv;           /**< enum dfu_mcuboot_key_tlv. */
	uint8_t ecdsa_der;         /**< enum dfu_mcuboot_ecdsa_der. */
	uint8_t tlv_iter;          /**< enum dfu_mcuboot_tlv_iter. */
};

/** The default profile (all zero): the nRF9160 NCS MCUboot build. */
extern const struct dfu_mcuboot_profile dfu_mcuboot_profile_default;
/** nRF9160 NCS build with its signature type stated (ECDSA P-256). */
extern const struct dfu_mcuboot_profile dfu_mcuboot_profile_nrf9160;
/** nRF5340 app core NCS build: RSA-2048 PSS, otherwise as nRF9160. */
extern const struct dfu_mcuboot_profile dfu_mcuboot_profile_nrf5340;

/** Where the library is deliberately stricter than MCUboot for a pair
 *  (struct dfu_mcuboot_pair_profile.stricter). Never set by the default. */
#define DFU_MCUBOOT_STRICTER_TRAILER_SECTOR   \
	0x01u /**< scratch / overwrite-only:  \
		   the image must end before  \
		   the trailer's erase blocks \
		   (MCUboot allows more). */

/** Everything a pair is judged by: its profile and layout facts. */
struct dfu_mcuboot_pair_profile {
	struct dfu_mcuboot_profile build;
	uint8_t mode;             /**< enum dfu_mcuboot_mode (the pair's). */
	uint8_t max_align;        /**< BOOT_MAX_ALIGN (8, 16, 32). */
	uint16_t max_img_sectors; /**< BOOT_MAX_IMG_SECTORS; 0 = AUTO. */
	uint8_t image_number;     /**< MCUboot's image number (swap_info). */
	uint8_t stricter;         /**< DFU_MCUBOOT_STRICTER_* */
};

/** A slot: an erase-block-aligned area of one flash device. */
struct dfu_mcuboot_slot {
	const struct dfu_flash *flash;
	uint32_t offset; /**< Device offset; multiple of the erase block. */
	uint32_t size;   /**< Bytes; multiple of the erase block. */
};

/** One image pair. */
struct dfu_mcuboot_pair {
	struct dfu_mcuboot_slot primary;
	struct dfu_mcuboot_slot secondary;
	uint8_t mode;             /**< enum dfu_mcuboot_mode. */
	uint8_t max_align;        /**< BOOT_MAX_ALIGN: 8, 16 or 32; 0 = 8. */
	uint16_t max_img_sectors; /**< BOOT_MAX_IMG_SECTORS; 0 = the larger
				       slot's sector count (..._AUTO). */
	uint32_t image_offset;    /**< Image start in the secondary; 0 = the
				       mode's default (one sector in offset
				       mode, else 0). */
	/** Bootloader build for this pair; NULL = the target's (cfg.profile). */
	const struct dfu_mcuboot_profile *profile;
	/** MCUboot's image number plus one (DFU_MCUBOOT_IMAGE(n)); 0 = the
	 *  pair's index. Written into swap_info by a request. */
	uint8_t image;
};

#define DFU_MCUBOOT_IMAGE(n) ((uint8_t)((n) + 1u))

/** A board: image number i is pairs[i]. */
struct dfu_mcuboot_board {
	const struct dfu_mcuboot_pair *pairs;
	uint8_t pair_count;
};

/**
 * The profile pair img is judged by: the pair's profile, else def (the
 * board-wide one, e.g. struct dfu_mcuboot_cfg .profile), else the default;
 * with the pair's mode, A, BOOT_MAX_IMG_SECTORS and image number. Returns 0,
 * -ENOENT (no such pair) or -EINVAL (NULL arguments, an unknown key_tlv /
 * ecdsa_der / tlv_iter / sig_alg value, DOWNGRADE_SECCNT without DOWNGRADE,
 * DECOMPRESS outside overwrite-only, an image number > 14).
 */
int dfu_mcuboot_profile_get(const struct dfu_mcuboot_board *board,
			    const struct dfu_mcuboot_profile *def, int img,
			    struct dfu_mcuboot_pair_profile *out);

/** Trailer field offsets of one slot, relative to the slot start. */
struct dfu_mcuboot_layout {
	uint32_t magic;           /**< S - 16. */
	uint32_t magic_write;     /**< Where the magic area write starts. */
	uint32_t magic_write_len; /**< 16, or 32 for A = 32. */
	uint32_t image_ok;
	uint32_t copy_done;
	uint32_t swap_info;
	uint32_t field_write_len; /**< ALIGN_UP(1, w): bytes per flag write. */
	uint32_t trailer_size;    /**< Swap status + trailer info (bootutil). */
	uint32_t trailer_erase;   /**< First byte of the erase blocks holding
				       the trailer: ALIGN_DOWN(S - trailer_size,
				       erase_block). */
	uint32_t max_image_size;  /**< Header + payload + all TLVs, at most. */
	uint32_t image_offset;    /**< Image start in this pair's secondary. */
};

/**
 * Check a pair (slots inside their devices, erase-block aligned, not
 * overlapping, sizes multiples of A; A in {8, 16, 32}; w <= A and w divides
 * A; mode known; image_offset erase-block aligned; slots large enough that
 * max_image_size > 0) and compute the layout of the given slot of it
 * (which = 0 primary, 1 secondary).
 *
 * trailer_size = swap status + trailer info (the same for both slots):
 *   swap status  = sectors x states x w, sectors = max_img_sectors, states
 *                  = 3 (move, scratch), 2 (offset), 0 (overwrite-only keeps
 *                  no swap status), w = the larger write block of the two
 *                  slots' devices;
 *   trailer info = 4A (+ A in offset mode) + ALIGN_UP(16, A), + two key
 *                  slots of ALIGN_UP(16, A) (ALIGN_UP(32, A) with
 *                  DFU_MCUBOOT_P_ENC_AES256) when the pair's own .profile
 *                  has DFU_MCUBOOT_P_ENCRYPT (dfu_mcuboot_layout_for():
 *                  the given build's features instead).
 *
 * max_image_size (T = ALIGN_UP(trailer_size, sector), Np/Ns = sectors):
 *   move:      min(Np*sec - T - sec, Ns*sec - T)
 *   offset:    min(Np*sec - T, Ns*sec - T - sec)
 *   scratch:   min(Np, Ns)*sec - T (conservative)
 *   overwrite: min(Np, Ns)*sec - T (conservative: the bootloader allows up
 *              to the swap_info offset, but the trailer erase blocks are
 *              kept free of image bytes so a request can erase them)
 * and never more than Ns*sec - T - image_offset.
 * Returns 0 or -EINVAL.
 */
int dfu_mcuboot_layout(const struct dfu_mcuboot_pair *pair, int which,
		       struct dfu_mcuboot_layout *out);

/**
 * dfu_mcuboot_layout() under the bootloader build `build` (NULL = the
 * pair's .profile, NULL = the default): with DFU_MCUBOOT_P_ENCRYPT the
 * trailer holds the two encryption key slots too (sheet 3.1), so
 * trailer_size grows and max_image_size may shrink by a sector. The MCUboot
 * target passes the profile it judges the pair by (cfg flags mapped:
 * DFU_MCUBOOT_ALLOW_UNVERIFIED = ENCRYPT). The trailer helpers below
 * (erase, request, confirm) use dfu_mcuboot_layout(): their field offsets
 * do not depend on the key slots.
 */
int dfu_mcuboot_layout_for(const struct dfu_mcuboot_pair *pair,
			   const struct dfu_mcuboot_profile *build, int which,
			   struct dfu_mcuboot_layout *out);

/** Magic / flag states, values as bootutil's. */
enum dfu_mcuboot_tstate {
	DFU_MCUBOOT_GOOD = 1,  /**< Magic matches; flag = 0x01 (SET). */
	DFU_MCUBOOT_BAD = 2,   /**< Anything else. */
	DFU_MCUBOOT_UNSET = 3, /**< All erased. */
};

/** Swap types, values as bootutil's. */
enum dfu_mcuboot_swap {
	DFU_MCUBOOT_SWAP_NONE = 1,
	DFU_MCUBOOT_SWAP_TEST = 2,
	DFU_MCUBOOT_SWAP_PERM = 3,
	DFU_MCUBOOT_SWAP_REVERT = 4,
};

/** Decoded trailer of one slot. */
struct dfu_mcuboot_trailer {
	uint8_t magic;     /**< enum dfu_mcuboot_tstate. */
	uint8_t image_ok;  /**< enum dfu_mcuboot_tstate (GOOD = SET). */
	uint8_t copy_done; /**< enum dfu_mcuboot_tstate (GOOD = SET). */
	uint8_t swap_type; /**< swap_info low nibble; 0 when erased or > 4. */
	uint8_t swap_img;  /**< swap_info high nibble; 0 when erased or type > 4. */
	bool clean;        /**< Every byte MCUboot's request writes (swap_info,
				copy_done, image_ok, magic area) is erased. */
};

/** Read and decode a slot's trailer (which: 0 primary, 1 secondary). */
int dfu_mcuboot_trailer_read(const struct dfu_mcuboot_pair *pair, int which,
			     struct dfu_mcuboot_trailer *out);

/**
 * The swap type MCUboot will choose for this pair from the two trailers
 * (bootutil's table, rows evaluated in order, offset-mode row included).
 * Does not look at the images themselves. A NULL trailer counts as all
 * UNSET; a NULL pair as not offset mode.
 */
enum dfu_mcuboot_swap dfu_mcuboot_swap_type(const struct dfu_mcuboot_pair *pair,
					    const struct dfu_mcuboot_trailer *primary,
					    const struct dfu_mcuboot_trailer *secondary);

/** Erase the erase blocks holding the slot's trailer. */
int dfu_mcuboot_trailer_erase(const struct dfu_mcuboot_pair *pair, int which);

/**
 * Write an upgrade request for image number img into the secondary trailer.
 * The final bytes equal those of MCUboot's boot_set_pending_multi(img,
 * permanent) on an erased trailer: image_ok = 01 (permanent only) and
 * swap_info = (img << 4) | (permanent ? 3 : 2), each padded to the write
 * block, then the magic area last, as the commit: a power cut leaves either
 * no request (magic UNSET or BAD) or exactly the one asked for.
 *
 * Before writing, the pending request is taken as MCUboot sees it (magic
 * GOOD, image_ok UNSET → test, unless offset mode's copy_done SET makes it
 * a revert; image_ok SET → permanent; swap_info is not looked at, so an
 * imgtool --pad trailer is a pending test request): the same request
 * pending → 0, nothing written; the other request pending → -EALREADY.
 * Otherwise the trailer's erase blocks are always erased first, clean or
 * not (a torn earlier request, a BAD magic, stale fields; and a trailer
 * that reads erased after a power cut may not be reliably erased, see
 * dfu_port.h), then the fields are written. img must be 0..14 (-EINVAL).
 * Returns 0, -EINVAL, -EALREADY or a flash error unchanged.
 */
int dfu_mcuboot_trailer_request(const struct dfu_mcuboot_pair *pair, int img, bool permanent);

/**
 * Confirm the image in the primary slot as MCUboot's boot_set_confirmed:
 * magic GOOD and image_ok UNSET → write image_ok; magic UNSET (image
 * programmed without a trailer) or image_ok already SET → 0, nothing
 * written; magic BAD or image_ok BAD → -EBADMSG (also when image_ok's first
 * byte is erased but the rest of its write block is not: programming it
 * would break the flash contract).
 */
int dfu_mcuboot_trailer_confirm(const struct dfu_mcuboot_pair *pair);

#ifdef __cplusplus
}
#endif

#endif /* DFU_MCUBOOT_BOARD_H_ */
