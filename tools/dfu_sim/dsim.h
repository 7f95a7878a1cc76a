/*
 * dfu-sim internals: the interfaces between the command's modules.
 *
 *   board.c     board presets and the layout-file format (parse + write)
 *   device.c    a simulated device living in a directory: flash files, the
 *               key-value store, the modem state; the library wired to it
 *   source.c    artifact sources: a local file or an http:// URL (libcurl,
 *               Range resume)
 *   artifact.c  artifact detection and header facts
 *   mkimage.c   sample artifacts: signed MCUboot images, P-256 keys, modem
 *               delta patches
 *   out.c       progress bar / plain lines / JSON, error names
 *   apply.c     init -> offset_get -> write... -> done -> schedule
 *   status.c    the bootloader's-eye report
 *   main.c      usage, subcommand dispatch, exit codes; cmd_*.c each
 *               command's arguments (cmd.h)
 *
 * Host only (POSIX + libcurl + mbedTLS). SPDX-License-Identifier: Apache-2.0
 */
#ifndef DSIM_H_
#define DSIM_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dfu/dfu_target.h"
#include "dfu/dfu_target_full_modem.h"
#include "dfu/dfu_target_mcuboot.h"
#include "dfu/dfu_target_mcuboot_delta.h"
#include "dfu/dfu_target_modem_delta.h"
#include "dfu_crypto_mbedtls.h"
#include "sim_clock.h"
#include "sim_flash.h"
#include "sim_kv.h"
#include "sim_modem.h"
#include "sim_power.h"

/* ---- exit codes (documented in the README and in `dfu-sim --help`) ---- */
enum dsim_exit {
	DSIM_EXIT_OK = 0,       /**< Accepted (apply), or the command succeeded. */
	DSIM_EXIT_USAGE = 1,    /**< Bad command line or layout file. */
	DSIM_EXIT_REJECTED = 2, /**< The artifact was rejected (a named check). */
	DSIM_EXIT_DEVICE = 3,   /**< Device or transport error. */
	DSIM_EXIT_POWERCUT = 4, /**< Simulated power cut; run again to resume. */
};

/* ---- board description (board.c) ---- */
#define DSIM_MAX_FLASH 4
#define DSIM_MAX_PAIRS 3
#define DSIM_NAME_LEN 24
#define DSIM_UUID_LEN 37 /* 36 chars + NUL */

struct dsim_flash_desc {
	char name[DSIM_NAME_LEN];     /**< Also the file name: <dir>/<name>.bin */
	struct sim_geometry geo;      /**< Copy of a preset geometry, possibly
					   with erase_block/size overridden. */
	char geo_name[DSIM_NAME_LEN]; /**< Preset geometry it was taken from. */
	uint32_t size;                /**< Device size in bytes. */
};

struct dsim_area {
	uint8_t dev; /**< Index into board.flash. */
	uint32_t off;
	uint32_t size;
};

enum dsim_install {
	DSIM_INSTALL_SWAP = 0, /**< MCUboot swaps (or overwrites per mode). */
	DSIM_INSTALL_COPY = 1, /**< Copied over into another core's flash
				    (nRF5340 network core via PCD): no swap,
				    no revert. */
};

/** MCUboot bootloader profile keys of a board or a pair (layout-file
 *  `mcuboot` lines, board_profile.c): the values and which were given. */
struct dsim_profile {
	struct dfu_mcuboot_profile build;
	uint32_t set_features; /**< Feature bits a key set. */
	uint8_t set_fields;    /**< Other fields a key set (board_profile.c). */
};

struct dsim_pair_desc {
	char name[DSIM_NAME_LEN]; /**< "app", "net", ... */
	struct dsim_area primary;
	struct dsim_area secondary;
	uint8_t mode;                /**< enum dfu_mcuboot_mode */
	uint8_t max_align;           /**< 8, 16 or 32 */
	uint8_t install;             /**< enum dsim_install */
	uint8_t image;               /**< MCUboot image number + 1; 0 = the pair's index */
	uint16_t max_img_sectors;    /**< BOOT_MAX_IMG_SECTORS; 0 = AUTO */
	struct dsim_profile profile; /**< Keys of `mcuboot pair=NAME` lines: they
					  override the board's for this pair. */
};

struct dsim_board {
	char name[DSIM_NAME_LEN];
	struct dsim_flash_desc flash[DSIM_MAX_FLASH];
	unsigned flash_count;
	struct dsim_pair_desc pair[DSIM_MAX_PAIRS];
	unsigned pair_count;
	bool has_modem; /**< Cellular modem with a delta DFU area. */
	uint32_t modem_area;
	char modem_uuid[DSIM_UUID_LEN]; /**< Running modem firmware. */
	bool has_full_modem;            /**< Full modem image partition. */
	struct dsim_area full_modem;
	struct dsim_profile profile; /**< The board's MCUboot build (`mcuboot`
					  lines without pair=; zero = the library's
					  default, the nRF9160 NCS build). */
};

/** Names of the presets, NULL-terminated. */
extern const char *const dsim_board_presets[];

/** Fill b from a preset name. 0 or -ENOENT. */
int dsim_board_preset(const char *name, struct dsim_board *b);

/**
 * Parse a layout file's text (format in docs/dfu-sim-layout.md) into b. On error
 * returns -EINVAL and writes "line N: what" into err.
 */
int dsim_board_parse(const char *text, struct dsim_board *b, char *err, size_t err_len);

/** Read and parse a layout file. -errno of the file system, or as parse. */
int dsim_board_load(const char *path, struct dsim_board *b, char *err, size_t err_len);

/** Write b in the layout-file format (round-trips through parse). */
int dsim_board_write(const struct dsim_board *b, FILE *f);

/**
 * Apply an `mcuboot` line's fields (KEY=VALUE separated by spaces or commas,
 * optionally pair=NAME; docs/dfu-sim-layout.md) to b, as `init --mcuboot`
 * does after the board was loaded. -EINVAL with a message in err.
 */
int dsim_board_mcuboot(struct dsim_board *b, const char *spec, char *err, size_t err_len);

/** PEM public or private key file -> the DER form the MCUboot target takes
 *  (device.c). 0 or a negative errno with a message in err. */
int dsim_key_der(const char *path, uint8_t *out, uint16_t *out_len, char *err, size_t err_len);

/* ---- MCUboot profile keys (board_profile.c) ---- */

/** Whether key is a profile key (sig, allow-list, ...). */
bool dsim_profile_key(const char *key);
/** Set one profile key: 0, -ENOENT (unknown key) or -EINVAL (bad value),
 *  with a message in why. */
int dsim_profile_set(struct dsim_profile *p, const char *key, const char *val, char *why, size_t n);
/** Write the keys p sets as " key=value" (layout-file syntax). */
void dsim_profile_write(const struct dsim_profile *p, FILE *f);
/** The keys over sets, applied over out. */
void dsim_profile_merge(struct dfu_mcuboot_profile *out, const struct dsim_profile *over);
/** Whether pair p has keys of its own (then the MCUboot pair gets its own
 *  .profile, else it uses the board's cfg.profile). */
bool dsim_pair_own_profile(const struct dsim_pair_desc *p);
/** The profile pair i is judged by: the board's, the pair's keys over it. */
void dsim_board_profile(const struct dsim_board *b, unsigned i, struct dfu_mcuboot_profile *out);
/** The library's MCUboot board of b without a device: flash stand-ins
 *  with b's geometry (never read), the pairs' facts and own profiles. */
struct dsim_mboard {
	struct dfu_flash flash[DSIM_MAX_FLASH];
	struct dfu_mcuboot_pair pairs[DSIM_MAX_PAIRS];
	struct dfu_mcuboot_profile prof[DSIM_MAX_PAIRS];
	struct dfu_mcuboot_board board;
};
void dsim_mboard_init(struct dsim_mboard *m, const struct dsim_board *b);

/** Pair index of b named name (or a number). -ENOENT. */
int dsim_board_pair_by_name(const struct dsim_board *b, const char *name);

/** Check pair i as the MCUboot target will (install=copy needs overwrite,
 *  layout, profile). 0 or -EINVAL with a message in why. */
int dsim_pair_check(const struct dsim_board *b, unsigned i, char *why, size_t n);

/* ---- the simulated device (device.c) ---- */
#define DSIM_MAX_KEYS 4
#define DSIM_KEY_MAX 600 /* DER: EC SubjectPublicKeyInfo, RSA PKCS#1 (3072 fits) */
#define DSIM_BUF_LEN 4096
/** Heatshrink window of the application delta target: 2^10 B, what
 *  `dfu-sim mkpatch` uses unless --window-max says more. */
#define DSIM_DELTA_WINDOW 1024

struct dsim_device {
	struct dsim_board board;
	char dir[512];
	struct sim_power power;
	struct sim_clock clock;
	struct sim_flash flash[DSIM_MAX_FLASH];
	struct sim_kv kv;
	struct sim_modem modem;
	struct dfu_crypto_mbedtls crypto_state;
	struct dfu_crypto crypto;
	struct dfu_port port;
	/* MCUboot target */
	struct dfu_mcuboot_pair pairs[DSIM_MAX_PAIRS];
	struct dfu_mcuboot_profile pair_prof[DSIM_MAX_PAIRS]; /* a pair's own profile */
	struct dfu_mcuboot_board mboard;
	uint8_t key_der[DSIM_MAX_KEYS][DSIM_KEY_MAX];
	struct dfu_mcuboot_key keys[DSIM_MAX_KEYS];
	unsigned key_count;
	struct dfu_mcuboot mcuboot;
	uint8_t mcuboot_buf[DSIM_BUF_LEN];
	/* modem targets (when the board has them) */
	struct dfu_modem_delta_target delta;
	struct dfu_full_modem full_modem;
	uint8_t full_modem_buf[DSIM_BUF_LEN];
	/* application delta target (docs/delta.md): its own MCUboot output
	 * state over the same pairs, keys and store */
	struct dfu_mcuboot delta_out;
	uint8_t delta_out_buf[DSIM_BUF_LEN];
	uint8_t delta_win[DSIM_DELTA_WINDOW];
	struct dfu_mcuboot_delta app_delta;
	/* library */
	struct dfu_target_entry entries[4];
	struct dfu_config cfg;
	struct dfu_ctx ctx;
	bool open;
};

/**
 * Create a factory-fresh device in dir (created if missing; refused with
 * -EEXIST when it already holds a device, or a file named like one of a
 * device's files): writes <dir>/board.txt (the
 * layout), one <name>.bin per flash device filled with its erase value, an
 * empty store, the modem's state, and the trusted public keys given as PEM
 * files (key_paths may be NULL when key_count is 0; no keys = the device's
 * bootloader checks hashes only). err gets a message on failure; a failed
 * create leaves nothing behind (a directory it made is removed again).
 */
int dsim_device_create(const char *dir, const struct dsim_board *b, const char *const *key_paths,
		       unsigned key_count, char *err, size_t err_len);

/**
 * Power the device in dir on: load board.txt, attach the flash files, load
 * the store, the modem state and the keys, set up the library context
 * d->ctx with the MCUboot target (and the modem targets when the board has
 * them). d is caller-allocated (large: make it static). power is disarmed.
 */
int dsim_device_open(struct dsim_device *d, const char *dir, char *err, size_t err_len);

/** dsim_device_open_ex() flag: start with an empty store, ignoring kv.bin
 *  (saved empty at close): the recovery from a corrupt store file. */
#define DSIM_OPEN_ERASE_STORE 0x1u

/** dsim_device_open() with DSIM_OPEN_* flags. Errors name the problem and
 *  the way out (no directory, not a device, a corrupt store file). */
int dsim_device_open_ex(struct dsim_device *d, const char *dir, unsigned flags, char *err,
			size_t err_len);

/**
 * Remove a device's files from dir (board.txt first, then the flash files
 * of b, the store, the modem state, the keys, temporary files) and, with
 * remove_dir, the directory if it is then empty. Nothing else is touched.
 * dsim_device_create() does this itself when it fails; init calls it when
 * the factory image is refused.
 */
void dsim_device_remove(const char *dir, const struct dsim_board *b, bool remove_dir);

/**
 * Power off: save the store and the modem state (also after a simulated
 * power cut: they hold exactly what had become durable), detach the flash
 * files. Returns 0 or the first error.
 */
int dsim_device_close(struct dsim_device *d);

/** Sum of the modeled busy time of all flash devices, µs, plus modem time. */
uint64_t dsim_device_time_us(const struct dsim_device *d);

/** Flash operations (programs + erases) over all devices. */
uint64_t dsim_device_flash_ops(const struct dsim_device *d);

/** MCUboot pair index of the board pair named name (or a number). -ENOENT. */
int dsim_device_pair_by_name(const struct dsim_device *d, const char *name);

/* ---- sources (source.c) ---- */
struct dsim_source;

/**
 * Open a source at byte offset start: a path, or http://host[:port]/path.
 * HTTP: a GET with "Range: bytes=start-" when start > 0; a 206 must start
 * at start, a 200 to a ranged request is skipped forward to start. total
 * is set to the artifact's full size (0 if unknown). Returns NULL and
 * writes a message into err on failure.
 */
struct dsim_source *dsim_source_open(const char *where, uint64_t start, uint64_t *total, char *err,
				     size_t err_len);

/**
 * Open a source to read its first len bytes only (HTTP: "Range: bytes=0-
 * (len-1)", so a resumed download does not start a full transfer just to
 * identify the artifact). total as for dsim_source_open().
 */
struct dsim_source *dsim_source_open_head(const char *where, uint64_t len, uint64_t *total,
					  char *err, size_t err_len);

/**
 * Read up to n bytes (blocks until n bytes, end of file or an error).
 * Returns bytes read (0 = end), or a negative errno: -ECONNRESET when the
 * connection dropped, -EIO otherwise; err describes it.
 */
long dsim_source_read(struct dsim_source *s, uint8_t *buf, size_t n, char *err, size_t err_len);

void dsim_source_close(struct dsim_source *s);

/** Read a whole local file into a malloc'ed buffer. 0 or -errno. */
int dsim_read_file(const char *path, uint8_t **data, size_t *len);

/* ---- artifacts (artifact.c) ---- */

/**
 * Print what an artifact is and its header facts (type as
 * dfu_target_img_type() sees it; MCUboot: version, header/image/TLV sizes,
 * flags, load address, hash and signature TLVs, security counter, padding
 * and a padded file's trailer; modem delta: UUIDs; full modem: wrapper and
 * manifest facts). JSON when json is true. Returns DSIM_EXIT_OK, or
 * DSIM_EXIT_REJECTED when the type is unknown or a check fails (header,
 * TLVs, hash, tail, CRC).
 */
int dsim_detect(const uint8_t *data, size_t len, bool json, FILE *out);

/**
 * Check a whole MCUboot image file as MCUboot checks the image it boots:
 * header, sizes within max_img and within the file, the TLVs, the SHA-256
 * TLV and, with keys, a signature by one of them (through crypto); not
 * encrypted, not NON_BOOTABLE. 0 or the library's error (-EFBIG, -EBADMSG,
 * -EILSEQ, -EACCES, -ENOTSUP, -ENOEXEC); info gets what was learned.
 */
int dsim_mcuboot_check_file(const uint8_t *data, size_t len, uint32_t max_img,
			    const struct dfu_mcuboot_key *keys, uint8_t key_count,
			    const struct dfu_crypto *crypto, struct dfu_mcuboot_info *info);

/**
 * Why an MCUboot artifact was refused, in numbers and words, into buf:
 * err is the library's error, info what it learned (may be NULL), hdr the
 * file's first 32 bytes (NULL if not known), tlv_info the 4 bytes at the
 * end of the protected TLVs (NULL if not known), file its size, max_img
 * the slot's maximum image size, room the size a padded file must have
 * (0: none), key_count the device's trusted keys. Returns buf, or NULL
 * when there is nothing more to say than the error's name.
 */
const char *dsim_mcuboot_why(int err, const struct dfu_mcuboot_info *info, const uint8_t *hdr,
			     const uint8_t *tlv_info, uint64_t file, uint32_t max_img,
			     uint32_t room, unsigned key_count, char *buf, size_t len);

/** The JSON check of an MCUboot -ENOTSUP ("encryption", "digest" or
 *  "signature"); NULL for other errors (dsim_rejected_check() names them). */
const char *dsim_mcuboot_check_name(int err, const struct dfu_mcuboot_info *info,
				    const uint8_t *hdr);

/** A bootloader to judge an image by (judge.c): the library's board (layout
 *  facts, a pair's own profile), the board-wide profile, the pair, and the
 *  trusted keys. */
struct dsim_judge {
	const struct dfu_mcuboot_board *board;
	const struct dfu_mcuboot_profile *profile; /**< NULL = the default */
	int img;
	const struct dfu_mcuboot_key *keys;
	uint8_t key_count;
	const struct dfu_crypto *crypto;
	bool slot; /**< The data is a slot's content, not a file (no file size). */
};

/**
 * Would this bootloader boot the image file d[0, len) as an upgrade of pair
 * j->img (downloaded into its secondary, requested)? The MCUboot target's
 * own checks in its order (file size, header, verification, verdict,
 * NON_BOOTABLE); downgrade prevention needs a running image and is not
 * judged here. 0, or the library's error with info->rule and the outcomes
 * that name the rule (dsim_mcuboot_rule()).
 */
int dsim_mcuboot_judge(const struct dsim_judge *j, const uint8_t *d, size_t len,
		       struct dfu_mcuboot_info *info);

/** The stable snake_case name of the rule that refused an image
 *  ("tlv_allow_list", "compression", "key_not_found", ...), from the
 *  library's error and its record in info; NULL when err is 0 or names no
 *  bootloader rule. */
const char *dsim_mcuboot_rule(int err, const struct dfu_mcuboot_info *info);

/** Why a dependency keeps MCUboot from installing (struct dsim_dep). */
enum dsim_dep_kind {
	DSIM_DEP_NONE = 0,
	DSIM_DEP_UNMET,    /**< The named image's next version is below the minimum. */
	DSIM_DEP_LENGTH,   /**< A DEPENDENCY TLV of another length than 12. */
	DSIM_DEP_NO_IMAGE, /**< It names an image the board does not have. */
	DSIM_DEP_TLVS,     /**< A TLV area MCUboot's iterator cannot walk. */
};

/** The dependency that holds the requests (judge_deps.c). */
struct dsim_dep {
	uint8_t kind;                 /**< enum dsim_dep_kind */
	uint8_t of;                   /**< The pair whose slot carries it. */
	bool of_secondary;            /**< In that pair's new image (else its primary). */
	uint8_t image;                /**< The MCUboot image number it names. */
	uint16_t len;                 /**< The TLV's length. */
	struct dfu_mcuboot_info want; /**< Minimum version (major..build). */
	struct dfu_mcuboot_info have; /**< That image's version at the next boot. */
};

/**
 * Name the dependency for which MCUboot installs nothing when pair img's
 * request is carried out (the library's verdict: dfu_mcuboot_state() hold
 * DFU_MCUBOOT_HOLD_DEPENDENCY): the first one, in pair order, of every
 * image's next slot, found with the library's verifier walk and version
 * comparison. 0, -ENOENT (none found), or a flash error.
 */
int dsim_mcuboot_dep_unmet(struct dfu_mcuboot *m, unsigned img, struct dsim_dep *out);

/** That dependency in words ("dependency on image 1 >= 2.0.0+0 unmet
 *  (image 1 would run 1.0.0+0)"), seen from pair img. Returns b. */
const char *dsim_dep_text(const struct dsim_dep *dp, unsigned img, char *b, size_t n);

/** One sentence for a rule name (also "empty_primary", "offset_sector0"). */
const char *dsim_mcuboot_rule_text(const char *rule);

/** A bootloader for detect to judge an MCUboot image by (detect --board /
 *  --layout / --mcuboot): the judge and how to name it. */
struct dsim_boot {
	struct dsim_judge judge;
	const char *board;   /**< Board name. */
	const char *pair;    /**< Pair name. */
	const char *mode;    /**< Upgrade mode's name. */
	const char *profile; /**< Profile keys ("" = the default). */
};

/** dsim_detect(), and with boot (may be NULL) whether that bootloader
 *  would boot an MCUboot image: then that verdict alone decides the exit
 *  code (DSIM_EXIT_REJECTED with the refusing rule as "check"). */
int dsim_detect_boot(const uint8_t *data, size_t len, const struct dsim_boot *boot, bool json,
		     FILE *out);

/** The image type the library's three built-in targets see in the first
 *  bytes (whatever a board has), or DFU_TARGET_IMAGE_TYPE_NONE. */
int dsim_lib_type(const uint8_t *data, size_t len);

/** Why no target recognises an artifact (its first len bytes, file_size
 *  bytes in all): a sentence into buf, returned. */
const char *dsim_unknown_why(const uint8_t *data, size_t len, uint64_t file_size, char *buf,
			     size_t buf_len);

/** The image type's name, as its target's ops table gives it ("mcuboot",
 *  "modem_delta", "full_modem"), or "unknown". */
const char *dsim_type_name(int type);

/* ---- detect's bootloader without a device (detect_boot.c) ---- */
struct dsim_boot_opts {
	const char *board;  /**< Preset (NULL with layout NULL: nrf9160dk). */
	const char *layout; /**< Layout file, or NULL. */
	const char *prof[16];
	unsigned nprof; /**< --mcuboot specs, applied in order. */
	const char *image;
	const char *keys[DSIM_MAX_KEYS];
	unsigned nkeys;
};

struct dsim_boot_ctx {
	struct dsim_board board;
	struct dsim_mboard mb;
	uint8_t key_der[DSIM_MAX_KEYS][DSIM_KEY_MAX];
	struct dfu_mcuboot_key keys[DSIM_MAX_KEYS];
	struct dfu_crypto_mbedtls crypto_state;
	struct dfu_crypto crypto;
	char profile[400];
	struct dsim_boot boot;
};

/** Set c up from o (c is large: make it static). 0, or an error with a
 *  message in err (a usage error). dsim_boot_free() after a 0. */
int dsim_boot_setup(struct dsim_boot_ctx *c, const struct dsim_boot_opts *o, char *err,
		    size_t err_len);
void dsim_boot_free(struct dsim_boot_ctx *c);

/* ---- sample artifacts (mkimage.c) ---- */

/** Generate a P-256 key pair: private PEM at path, public at <path>.pub. */
int dsim_keygen(const char *path, char *err, size_t err_len);

#define DSIM_MAX_DEPS 4

struct dsim_mkimage {
	const char *key_path;     /**< Private PEM (EC P-256 or RSA); NULL = unsigned. */
	uint32_t size;            /**< Payload bytes (ignored with payload_path). */
	const char *payload_path; /**< Payload from this file (a raw firmware
				       binary); NULL = seeded PRNG bytes. */
	uint32_t seed;            /**< Payload PRNG seed. */
	const char *version;      /**< "major.minor.revision+build" */
	uint32_t sec_cnt;         /**< 0 = no security counter TLV. */
	uint16_t hdr_size;        /**< 0 = 0x200 */
	uint32_t pad_to;          /**< Slot size for --pad; 0 = none. */
	bool confirm;
	uint32_t flags;    /**< Header flags (crafted images: 0x4 encrypted, ...). */
	uint32_t tlv;      /**< Extra 4-byte TLV of this type (0x10000 | type;
				0 = none): unprotected, after the signature. */
	uint32_t prot_tlv; /**< The same in the protected area (signed). */
	/** Protected DEPENDENCY TLVs (0x40): "IMAGE:VERSION" each (MCUboot
	 *  image number 0..255, major.minor.revision[+build]). */
	const char *deps[DSIM_MAX_DEPS];
	unsigned dep_count;
};

/** Write a signed (or hash-only) MCUboot image to path. */
int dsim_mkimage(const struct dsim_mkimage *p, const char *path, char *err, size_t err_len);

/** dfu-sim mkpatch (mkpatch.c): an application delta artifact. */
int dsim_mkpatch(int argc, char **argv, bool json);

/** Write a sample full modem image (.cbor) with a blob of blob_kib KiB. */
int dsim_mkfull(uint32_t blob_kib, uint32_t seed, const char *path, char *err, size_t err_len);

/** Write a toy modem delta patch from src_uuid to dst_uuid (size payload). */
int dsim_mkdelta(const char *src_uuid, const char *dst_uuid, uint32_t size, uint32_t seed,
		 const char *path, char *err, size_t err_len);

/* ---- output (out.c) ---- */
enum dsim_progress_mode {
	DSIM_PROGRESS_AUTO = 0, /**< Bar on a terminal, else plain lines. */
	DSIM_PROGRESS_BAR,
	DSIM_PROGRESS_PLAIN,
	DSIM_PROGRESS_NONE, /**< Also implied by --json. */
};

struct dsim_progress {
	enum dsim_progress_mode mode;
	FILE *f;
	uint64_t total;     /**< Artifact size (0 = unknown). */
	uint64_t start;     /**< Offset this run started from. */
	double t0;          /**< Wall clock at start, s. */
	double last;        /**< Wall clock of the last line, s. */
	unsigned last_pct;  /**< Last plain line's percent / 10. */
	uint64_t dev_t0_us; /**< Modeled device time at start. */
	bool drawn;         /**< A bar is on screen (needs a newline). */
	bool stale;         /**< The bar shows less than pos (throttled). */
	uint64_t pos;       /**< Last position and device time passed to */
	uint64_t dev_us;    /**< dsim_progress_update() (for the end). */
};

/** Wall clock, seconds (monotonic). */
double dsim_now(void);

void dsim_progress_begin(struct dsim_progress *p, enum dsim_progress_mode mode, FILE *f,
			 uint64_t total, uint64_t start, uint64_t dev_us);
/** pos = bytes of the artifact handed to the library so far (absolute). */
void dsim_progress_update(struct dsim_progress *p, uint64_t pos, uint64_t dev_us);
void dsim_progress_end(struct dsim_progress *p);

/** Terminal width for f: its window size (TIOCGWINSZ), else $COLUMNS,
 *  else 80; never more than DSIM_MAX_COLUMNS nor less than DSIM_MIN_COLUMNS. */
#define DSIM_MAX_COLUMNS 80
#define DSIM_MIN_COLUMNS 20
unsigned dsim_term_width(FILE *f);

/** printf to f; on a terminal, lines are wrapped at spaces to fit its
 *  width (continuations indented), elsewhere printed as they are. */
void dsim_say(FILE *f, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/**
 * A command failed before (or instead of) its own report: "dfu-sim: msg"
 * on stderr (plus the help hint for a usage error) and, with json, one
 * object {"command", "result", "exit", "error"} on stdout. Returns code.
 */
int dsim_fail(bool json, const char *command, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/** "ok", "usage_error", "rejected", "error", "power_cut" for an exit code. */
const char *dsim_result_name(int code);

/** Write s as a JSON string (quotes and escapes). */
void dsim_json_str(FILE *f, const char *s);

/** "12.3 KiB" style size into buf. */
const char *dsim_fmt_size(uint64_t bytes, char *buf, size_t len);

/* ---- apply (apply.c) ---- */
enum dsim_schedule { DSIM_SCHEDULE_TEST = 0, DSIM_SCHEDULE_PERMANENT, DSIM_SCHEDULE_NONE };

struct dsim_apply_opts {
	const char *dir;
	const char *source;
	const char *image;  /**< Pair name or number; NULL = 0. */
	uint32_t chunk;     /**< Transport chunk; 0 = 4096. */
	uint64_t cut_after; /**< Power cut once the artifact's first N bytes were
				 handed over (absolute); 0 = none. */
	uint32_t cut_pct;   /**< Same as a percentage of the size (0 = none). */
	uint32_t cut_ops;   /**< Power cut at the Nth mutating flash/store op
				 of this run (torn); 0 = none. */
	unsigned retries;   /**< Transport retries (resume with Range). */
	enum dsim_schedule schedule;
	enum dsim_progress_mode progress;
	bool json;
};

/** Run one apply; returns an enum dsim_exit. */
int dsim_apply(const struct dsim_apply_opts *o, FILE *out);

/* ---- status and reboot (status.c, boot.c) ---- */

/** Bootloader's-eye report of every slot, the modem and the partitions. */
int dsim_status(struct dsim_device *d, bool json, FILE *out);

/** What MCUboot does with a pair at the next reset (bootview.c). */
enum dsim_boot_action {
	DSIM_ACT_NONE = 0,         /**< Nothing; the primary boots (or not). */
	DSIM_ACT_INSTALL,          /**< The requested image is swapped / copied in. */
	DSIM_ACT_BOOTSTRAP,        /**< Bootstrap: copied into the empty primary. */
	DSIM_ACT_REVERT,           /**< The unconfirmed test image is swapped back. */
	DSIM_ACT_SCRAMBLE,         /**< The secondary is refused: whole slot erased. */
	DSIM_ACT_SCRAMBLE_TRAILER, /**< "No bootable image": its trailer sectors erased. */
	DSIM_ACT_NO_HEADERS,       /**< Move / offset: the primary's magic is erased
					(no bootstrap) or not MCUboot's: nothing
					installed, nothing erased. */
	DSIM_ACT_DEPENDENCY,       /**< A dependency holds every request (2.10):
					nothing installed or erased, the requests
					stay. */
};

struct dsim_pair_view {
	struct dfu_mcuboot_pair_state st; /**< The library's state of the pair. */
	struct dfu_mcuboot_profile prof;  /**< The pair's bootloader profile. */
	bool primary_empty;               /**< Header magic erased. */
	bool primary_ok;                  /**< The library's primary_valid: passes
					       validate-primary (or, without it, has
					       the magic). */
	const char *primary_rule;         /**< Why not (dsim_mcuboot_rule() names,
					       "empty_primary", "other"). */
	enum dsim_boot_action action;
	const char *check;   /**< Why a request is not carried out. */
	bool boot_fails;     /**< The library's boot_fails: the boot fails. */
	struct dsim_dep dep; /**< DSIM_ACT_DEPENDENCY: which one (kind 0: not found). */
};

/** The library's state of pair i (its verdicts), the rules that name
 *  them, and what MCUboot does at the next reset. 0 or an error. */
int dsim_pair_view(struct dsim_device *d, unsigned i, struct dsim_pair_view *v);

/** One line: what the bootloader does with pair i on the next reset. */
const char *dsim_pair_outcome(const struct dsim_device *d, unsigned i,
			      const struct dsim_pair_view *v, char *buf, size_t len);

/**
 * Reboot the device: the simulated bootloader does what the status report
 * announced (end state of MCUboot's swap / overwrite / copy / revert, not
 * its algorithm), and the modem applies a scheduled patch. Prints what
 * happened. Returns an enum dsim_exit.
 */
int dsim_reboot(struct dsim_device *d, bool json, FILE *out);

/** A verified full modem file is in the partition and the modem does not
 *  run it (or cannot boot): the next reset installs it (boot.c). */
bool dsim_full_modem_pending(struct dsim_device *d);

/**
 * Program img into image 0's primary slot as a factory programmer would
 * (no trailer: MCUboot boots it as is), once it passes what MCUboot checks
 * before booting it (dsim_mcuboot_check_file(): fits the slot's maximum
 * image size, hash, signature with the device's keys, not encrypted, not
 * NON_BOOTABLE). A padded file's padding is not programmed. The slot must
 * be erased. 0, or the error with why saying it in words and numbers.
 */
int dsim_program_factory(struct dsim_device *d, const uint8_t *img, size_t len, char *why,
			 size_t why_len);

/** --image naming no pair of d's board: a usage error (dsim_fail()) that
 *  lists the board's images. Returns DSIM_EXIT_USAGE. */
int dsim_bad_image(bool json, const char *command, const struct dsim_device *d, const char *image);

/** Classify a library error from apply: the check it names ("size",
 *  "signature", ...) for a rejection, or NULL for a device error. */
const char *dsim_rejected_check(int err);

/* ---- application deltas (delta_report.c) ---- */

/** status: pair i's delta base (the running image's SHA-256 TLV) and a
 *  delta download kept in the store; JSON members or indented lines. */
void dsim_delta_status(struct dsim_device *d, unsigned i, const struct dfu_mcuboot_pair_state *st,
		       bool json, FILE *out);

/** apply: why the delta target refused (its last report) in the device's
 *  terms, and the check it names; false when it has nothing to add. */
bool dsim_delta_why(struct dsim_device *d, int img, int err, char *msg, size_t len,
		    const char **check);

#endif /* DSIM_H_ */
