/*
 * Full modem target: stores a full nRF91 modem firmware file (.cbor) byte
 * for byte into a partition of external flash, resumably and power-cut
 * safe, checks its wrapper and manifest as they stream past and verifies
 * the blob's SHA-256 before the download counts as done. The modem is
 * programmed later from that partition (bootloader mode, spec modem.md §10);
 * dfu_full_modem_stored() tells that step what is there.
 *
 *   static uint8_t buf[4096];
 *   static struct dfu_full_modem fm = { .cfg = { .flash = &ext_flash,
 *           .offset = 0, .size = 0x400000, .buf = buf,
 *           .buf_len = sizeof(buf) } };
 *   static const struct dfu_target_entry targets[] = {
 *           { &dfu_target_full_modem_ops, &fm } };
 *
 * The file is [wrapper][blob]. The wrapper is a COSE_Sign1 (CBOR tag 18,
 * byte 0 = D2) around an array of 4 (84): the protected header, a bstr that
 * must be exactly {1: -37} (44 A1 01 38 24); the unprotected header, an
 * empty map (A0); the payload, a bstr holding the manifest [version u32,
 * compat u32, blob_hash bstr(32), segments bstr([addr0, len0, ...])] with
 * 1..128 (addr, len) pairs of u32; the signature, a bstr of exactly 256
 * bytes. The whole wrapper is at most 1024 bytes (the installer reads 1024
 * bytes). The blob is the segments' data concatenated; its length is the
 * sum of the segment lengths. The manifest must fill the payload exactly
 * and the segment array its bstr exactly. CBOR heads may use any argument
 * width (zcbor accepts non-minimal ones); indefinite lengths are refused.
 * version and compat are reported, not checked. The signature is NOT
 * verified here: the modem verifies it before it boots the firmware.
 *
 * What happens, in order:
 *   init       Refuses a partition that is missing or misconfigured and a
 *              file_size that does not fit (errors below) before any flash
 *              or store operation. A download of the same file (same
 *              identity, see dfu_ctx_img_type()) resumes from the stream's
 *              durable offset: the durable prefix is read back from flash
 *              and replayed through the parser and the hash (one read pass
 *              over it, e.g. ~2 s for 2 MB on an 8 MHz SPI NOR). A prefix
 *              that no longer parses or a completed file that no longer
 *              verifies (flash changed since) is forgotten: its records are
 *              deleted and the download starts again at 0. When the first
 *              bytes are given (dfu_ctx_init_ex()), the wrapper bytes among
 *              them are checked now: a malformed wrapper fails init with
 *              nothing touched. No flash write or erase; the store is
 *              written only to forget (above) or to restore the verified
 *              record of a complete file that verifies from flash.
 *   write      The wrapper is parsed byte by byte (bounds- and
 *              overflow-checked, state of a few dozen bytes) before the
 *              chunk that holds it is handed to the stream writer; then
 *              wrapper + blob go to flash as they are, and SHA-256 runs
 *              over the blob. Nothing reaches flash or the store while the
 *              bytes so far fit in the staging buffer, so with buf_len >=
 *              1024 (recommended; the reference uses 4096) a malformed
 *              wrapper never touches flash. The first program of a new
 *              download first deletes the verified record of the previous
 *              image (the stream then deletes its progress record and
 *              erases the block it writes).
 *   done(true) Compares the streaming digest with blob_hash, flushes the
 *              tail (complete record), then by default reads the whole file
 *              back from flash, parses the wrapper again and hashes the
 *              blob: flash must hold the wrapper that was streamed and a
 *              blob matching blob_hash (DFU_FULL_MODEM_NO_READBACK trusts
 *              the streaming digest). Success stores the verified record
 *              (docs/records.md). A mismatch discards the download.
 *   schedule   A documented no-op returning 0 (the dispatcher allows it
 *              only after a verified done, -EPERM otherwise): the
 *              application installs the image from the partition later.
 *   reset      Deletes the verified record, then the progress record, then
 *              erases the partition's first erase block (the wrapper).
 *
 * A format error found by write refuses the rest of the download: later
 * writes and done(true) answer -EPIPE, and what already reached flash is
 * discarded (progress record deleted, first erase block erased). Call init
 * again (a new download) or reset. Flash and store errors keep the download
 * resumable as usual (init again, resume from offset_get).
 *
 * Errors (negative errno, by symbol):
 *   -ENODEV   no flash device (cfg.flash NULL), or the partition is smaller
 *             than the minimum (cfg.min_size, default
 *             DFU_CONFIG_FULL_MODEM_MIN_SIZE = 4 MiB) (init).
 *   -EINVAL   misconfigured: NULL state, bad flash geometry, no staging
 *             buffer or buf_len not a multiple of the write block,
 *             partition not erase-block aligned or beyond the device (init).
 *   -EFBIG    file_size larger than the partition (init); the manifest's
 *             blob (wrapper + sum of segment lengths) larger than the
 *             partition or than file_size, or the sum overflows a u32; a
 *             write past the end of the file (nothing taken).
 *   -EBADMSG  malformed wrapper or manifest: wrong tag, array size,
 *             protected header, unprotected map, hash or signature length,
 *             segment count (not 1..128 pairs), a value over u32, an item
 *             running past its bstr, wrapper over 1024 bytes, total blob 0,
 *             or fewer bytes in the file than file_size says (trailing data).
 *   -EILSEQ   the blob's SHA-256 (streamed, or read back from flash) is not
 *             blob_hash, or flash does not hold the wrapper streamed
 *             (done(true); the download is discarded).
 *   -ENODATA  done(true) before the whole file arrived (nothing changes).
 *   -EPIPE    write or done(true) after a format error (above).
 *   flash and store errors unchanged.
 *
 * Memory: struct dfu_full_modem is ~330 bytes on a Cortex-M33 (the stream,
 * a SHA-256 state, the parser); no heap. cfg.crypto (or the port's) may
 * provide a SHA-256 engine; it is held for the whole download, so do not
 * share one engine instance with another target downloading at the same
 * time.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_TARGET_FULL_MODEM_H_
#define DFU_TARGET_FULL_MODEM_H_

#include <sys/types.h>

#include "dfu/dfu_config.h"
#include "dfu/dfu_sha256.h"
#include "dfu/dfu_stream.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_ncs.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Smallest partition init accepts when cfg.min_size is 0. Documentation
 * requires >= 4 MB of external flash for a full modem image (~2 MB today).
 * Override with -D, or set cfg.min_size (e.g. small partitions in tests).
 */
#ifndef DFU_CONFIG_FULL_MODEM_MIN_SIZE
#define DFU_CONFIG_FULL_MODEM_MIN_SIZE 0x400000u
#endif

/** Largest wrapper (MAX_META_LEN of the installer). */
#define DFU_FULL_MODEM_WRAPPER_MAX 1024u
/** Signature length (RSA-2048). */
#define DFU_FULL_MODEM_SIG_LEN 256u
/** Most (addr, len) segment pairs. */
#define DFU_FULL_MODEM_SEGMENTS_MAX 128u

/** done(true) trusts the streaming digest instead of re-reading flash. */
#define DFU_FULL_MODEM_NO_READBACK 0x01u
/** Read back every program (stream writer's DFU_STREAM_VERIFY_READBACK). */
#define DFU_FULL_MODEM_VERIFY_WRITES 0x02u

/** Store keys: progress (stream record) and verified record. */
#define DFU_FULL_MODEM_PROGRESS_KEY "fmfu/p"
#define DFU_FULL_MODEM_VERIFIED_KEY "fmfu/v"

struct dfu_full_modem_cfg {
	const struct dfu_flash *flash;   /**< External flash device (NULL: -ENODEV). */
	uint32_t offset;                 /**< Partition start, erase-block aligned. */
	uint32_t size;                   /**< Partition size; 0 = rest of the device. */
	uint32_t min_size;               /**< 0 = DFU_CONFIG_FULL_MODEM_MIN_SIZE. */
	uint8_t *buf;                    /**< Staging buffer (>= 1024 recommended). */
	uint32_t buf_len;                /**< Multiple of the write block. */
	const struct dfu_kv *kv;         /**< NULL = the context port's. */
	const struct dfu_crypto *crypto; /**< SHA-256 engine; NULL = port's. */
	uint16_t checkpoint_blocks;      /**< Stream checkpoint interval. */
	uint8_t flags;                   /**< DFU_FULL_MODEM_* */
};

/** What is known about a file (the current download, or the stored one). */
struct dfu_full_modem_info {
	uint32_t version;                /**< Manifest version (not checked). */
	uint32_t compat;                 /**< Manifest compat (not checked). */
	uint32_t wrapper_len;            /**< Wrapper bytes = the blob's offset in the file. */
	uint32_t blob_len;               /**< Sum of the segment lengths. */
	uint32_t wrapper_crc;            /**< CRC-32 of the wrapper bytes. */
	uint16_t segments;               /**< (addr, len) pairs. */
	uint8_t verified;                /**< 1: the blob in flash matched digest. */
	uint8_t digest[DFU_SHA256_SIZE]; /**< blob_hash from the manifest. */
};

/** Parser state (private). */
struct dfu_full_modem_parser {
	struct dfu_full_modem_info info;
	uint32_t pos;   /* file bytes consumed */
	uint32_t arg;   /* head argument, or body bytes left */
	uint32_t end;   /* end of the payload bstr */
	uint32_t total; /* wrapper + blob, once the wrapper is complete */
	uint16_t items; /* segment values left */
	uint8_t step;
	uint8_t major; /* of the head being read */
	uint8_t hn;    /* head argument bytes left */
	uint8_t ovf;   /* head argument exceeds u32 */
};

/** Target state. Caller-allocated; fill cfg, leave the rest zero. */
struct dfu_full_modem {
	struct dfu_full_modem_cfg cfg;
	/* private */
	struct dfu_stream_cfg scfg;
	struct dfu_stream stream;
	struct dfu_sha256 sha;
	const struct dfu_crypto *crypto;
	struct dfu_full_modem_parser p;
	uint32_t file_size; /* declared; 0 = unknown */
	uint8_t fresh;      /* nothing programmed yet by this download */
};

extern const struct dfu_target_ops dfu_target_full_modem_ops;

/** What the current (or last) download has learned about its file. */
static inline const struct dfu_full_modem_info *
dfu_full_modem_report(const struct dfu_full_modem *fm)
{
	return &fm->p.info;
}

/**
 * The verified file in the partition, for the install step: reads the
 * verified record (cfg.kv, or the store of the last init) and checks that
 * the partition still starts with the wrapper it describes (CRC of the
 * wrapper bytes, read in small pieces; the staging buffer is not used).
 * The blob then lies at device offset cfg.offset + out->wrapper_len,
 * out->blob_len bytes, with SHA-256 out->digest. Usable without a download
 * (e.g. after a reboot). The record is trusted for the blob (not re-hashed
 * here: the installer hashes it anyway). *out is undefined on error.
 * Returns 0; -ENOENT when no verified file is there
 * (no record, a record for another partition, the wrapper changed);
 * -EINVAL for NULL arguments or no flash; flash and store errors.
 */
int dfu_full_modem_stored(const struct dfu_full_modem *fm, struct dfu_full_modem_info *out);

/* ---- nRF Connect SDK configuration API (names and fields as NCS) ---- */

/** A flash area for the full modem file (NCS). */
struct dfu_target_fmfu_fdev {
	const struct device *dev; /**< Flash device (the configuration's
				       device_flash() maps it). */
	off_t offset;             /**< Area start in dev. */
	size_t size;              /**< Area size; 0 = up to the end of dev. */
};

/** Parameters of dfu_target_full_modem_cfg() (NCS). */
struct dfu_target_full_modem_params {
	uint8_t *buf;                     /**< Staging buffer. */
	size_t len;                       /**< Its length. */
	struct dfu_target_fmfu_fdev *dev; /**< Ignored with
					       DFU_CONFIG_FULL_MODEM_USE_EXT_PARTITION. */
};

/**
 * Configure the full modem target registered in the default context's
 * configuration (dfu_target.h; the platform hook is called if needed): its
 * staging buffer, and unless DFU_CONFIG_FULL_MODEM_USE_EXT_PARTITION (alias
 * CONFIG_DFU_TARGET_FULL_MODEM_USE_EXT_PARTITION) its flash area (the
 * partition the configuration gives otherwise). Returns 0; -EALREADY when
 * already configured (as NCS; dfu_target_ncs_forget() clears that);
 * -EINVAL for NULL params or buf, len 0, a NULL dev or dev->dev (without
 * the partition option), a negative offset, or sizes over 4 GiB; -ENODEV no
 * configuration, or no flash for dev->dev; -ENOTSUP no full modem target
 * registered; -EBUSY while a full modem download is open. The target checks
 * the rest at init (-ENODEV partition too small, -EINVAL geometry).
 * Unlike NCS, the target also works without this call when the platform's
 * configuration sets its flash and buffer (NCS: every op -EPERM).
 */
int dfu_target_full_modem_cfg(const struct dfu_target_full_modem_params *params);

/**
 * The area given to dfu_target_full_modem_cfg() (with the partition option:
 * dev NULL and the target's offset and size). -EPERM when not configured,
 * -EINVAL for NULL fdev.
 */
int dfu_target_full_modem_fdev_get(struct dfu_target_fmfu_fdev *const fdev);

#ifdef __cplusplus
}
#endif

#endif /* DFU_TARGET_FULL_MODEM_H_ */
