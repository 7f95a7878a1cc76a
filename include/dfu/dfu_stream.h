/*
 * Stream writer: the engine under the MCUboot and full-modem targets (and any
 * custom target that stores an image in a flash area).
 *
 * It collects sequential chunks of any size into a caller-provided buffer,
 * programs whole buffers, erases each erase block just before its first use,
 * pads only the final write with the erase value, and persists progress as a
 * small checkpoint record so that a download interrupted at any moment, even
 * by a power cut, resumes to a bit-exact image.
 *
 * Invariants (each one is covered by tests/test_stream*.c):
 *  1. A write block is programmed only after its erase block was erased in
 *     this session, and never twice between erases.
 *  2. dfu_stream_offset() has no side effect and returns the durable offset
 *     D: bytes [0, D) of the area hold the image. Within one boot D is what
 *     has been programmed. After a reboot D comes from the checkpoint record
 *     and is an erase-block boundary (or 0); the block at D is erased again
 *     before use (the only block the writer ever erases twice). The next
 *     write must be byte D of the image; buffered bytes past D are dropped by
 *     dfu_stream_abort() and by a new open.
 *  3. The checkpoint record is written only when D crosses an erase-block
 *     boundary, at most once per checkpoint_blocks erase blocks, and is bound
 *     to the image identity (target, image number, file size, a CRC of the
 *     image's first bytes when known) and to the area. A record that is
 *     corrupt, of another version, for another image or another area is
 *     ignored; it is deleted before the first flash operation of the new
 *     download so that it can never be paired with new data.
 *  4. dfu_stream_finish() flushes the tail (padded with the erase value up to
 *     the write block) and replaces the checkpoint by a "complete" record.
 *
 * Record format (version 1, 28 bytes, little-endian): see docs/records.md.
 *
 * Memory: struct dfu_stream is caller-allocated; the writer keeps pointers to
 * the configuration and buffer, which must outlive it. No heap, no stdio.
 * Thread safety: one stream = one caller at a time.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_STREAM_H_
#define DFU_STREAM_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * What identifies one image (one download). Two downloads resume each other
 * only if every field matches and file_size is non-zero.
 */
struct dfu_image_id {
	uint32_t file_size;  /**< Declared size; 0 = unknown (never resumes). */
	uint32_t prefix_crc; /**< CRC-32 of the first prefix_len image bytes. */
	uint8_t prefix_len;  /**< 0 = no prefix known. */
	uint8_t target;      /**< Image type (enum dfu_target_image_type). */
	uint8_t img_num;     /**< Image number within the target. */
};

/**
 * Fill id->prefix_crc/prefix_len from the image's first bytes (at most
 * DFU_CONFIG_ID_PREFIX_MAX of them are hashed). buf may be NULL when len is 0.
 */
void dfu_image_id_set_prefix(struct dfu_image_id *id, const void *buf, size_t len);

/** Verify each program by reading it back (catches silent failures). */
#define DFU_STREAM_VERIFY_READBACK 0x01u
/** Do not program write blocks whose data equals the erase value. */
#define DFU_STREAM_SKIP_ERASED 0x02u
/**
 * id->file_size identifies the download but is not the number of bytes the
 * stream will receive (it may even exceed the area): the owner announces the
 * data length with dfu_stream_set_length() once it knows it (before finish).
 * Until then the stream accepts up to min(file_size, area size) bytes.
 */
#define DFU_STREAM_LENGTH_LATER 0x04u

/** Progress: durable bytes so far, and the declared total (0 = unknown). */
typedef void (*dfu_progress_cb_t)(void *user, size_t durable, size_t total);

struct dfu_stream_cfg {
	const struct dfu_flash *flash; /**< Device holding the area. */
	uint32_t offset;               /**< Area start; multiple of erase_block. */
	uint32_t size;                 /**< Area size, multiple of erase_block;
					    0 = up to the end of the device. */
	uint8_t *buf;                  /**< Staging buffer (caller-owned). */
	uint32_t buf_len;              /**< Multiple of write_block, > 0. */
	const struct dfu_kv *kv;       /**< Checkpoint store; NULL = none. */
	const char *key;               /**< Record key (needed when kv set). */
	uint16_t checkpoint_blocks;    /**< Interval in erase blocks; 0 = 1. */
	uint8_t flags;                 /**< DFU_STREAM_* flags. */
};

enum dfu_stream_status {
	DFU_STREAM_CLOSED = 0,
	DFU_STREAM_OPEN,     /**< Accepting writes. */
	DFU_STREAM_ABORTED,  /**< dfu_stream_abort() called; reopen to go on. */
	DFU_STREAM_FAILED,   /**< A flash/store error; reopen to go on. */
	DFU_STREAM_COMPLETE, /**< finish() succeeded, or found complete. */
};

/** Writer state. Treat as opaque; visible so the caller can allocate it. */
struct dfu_stream {
	const struct dfu_stream_cfg *cfg;
	uint8_t *buf; /* cfg->buf (hot path) */
	dfu_progress_cb_t progress;
	void *progress_user;
	struct dfu_image_id id;
	uint32_t size;       /* effective area size */
	uint32_t limit;      /* bytes accepted at most */
	uint32_t length;     /* expected data length; 0 = unknown */
	uint32_t programmed; /* durable offset D within this boot */
	uint32_t erased;     /* [0, erased) erased or programmed this session */
	uint32_t ckpt;       /* offset held by the stored record */
	uint32_t fill;       /* bytes in cfg->buf */
	uint32_t room;       /* bytes the write fast path may take */
	uint8_t status;      /* enum dfu_stream_status */
	uint8_t record_ours; /* the stored record (or its absence) is ours */
};

/**
 * Open (or re-open) a stream for one image.
 *
 * Validates cfg against the port contract (clears the progress callback: set
 * s->progress after opening), then, when cfg->kv is set, loads
 * the checkpoint record: if it matches id, the download resumes at its offset
 * (or is reported complete). No flash operation is performed here.
 *
 * Returns 0; -EINVAL for a bad cfg or id (NULL, misaligned, zero sizes, area
 * beyond the device); -EFBIG when id->file_size exceeds the area; a store
 * read error unchanged. On error the stream is left CLOSED.
 */
int dfu_stream_open(struct dfu_stream *s, const struct dfu_stream_cfg *cfg,
		    const struct dfu_image_id *id);

/**
 * Re-open in the same boot without touching the store: drops buffered bytes,
 * keeps the durable offset, accepts writes again. For an ABORTED, FAILED or
 * OPEN stream. Returns 0, or -EPERM when the stream is CLOSED or COMPLETE.
 */
int dfu_stream_reopen(struct dfu_stream *s);

/**
 * Append len bytes. Returns 0 when all were taken (buffered or programmed);
 * -EINVAL for NULL data with len > 0; -EPERM unless OPEN; -EFBIG when the
 * image would exceed the declared file size or the area (nothing taken, state
 * unchanged); a flash/store error unchanged, or -EIO when the read-back
 * check fails. After such an error the stream is FAILED, D is rolled back to
 * the start of the erase block being written (that block will be erased
 * again) and the caller resumes from dfu_stream_offset() after reopening.
 *
 * Blocking: copies into the buffer; when the buffer fills, programs it, and
 * when the program enters a new erase block, erases that block first — so a
 * single call can block for one erase plus the programs of len bytes (and,
 * for a chunk larger than an erase block, one erase per block crossed) plus
 * one store write per checkpoint.
 */
int dfu_stream_write(struct dfu_stream *s, const void *data, size_t len);

/**
 * Announce the data length (DFU_STREAM_LENGTH_LATER): the stream then accepts
 * exactly len bytes in total and finish() requires all of them. Allowed while
 * OPEN with programmed + buffered <= len <= the current limit, or when
 * COMPLETE with len equal to the stored length. Returns 0, -EPERM or -EINVAL.
 */
int dfu_stream_set_length(struct dfu_stream *s, uint32_t len);

/** Durable offset D (see invariant 2). No side effects. */
static inline size_t dfu_stream_offset(const struct dfu_stream *s)
{
	return s->programmed;
}

/** Bytes waiting in the buffer (not durable). */
static inline size_t dfu_stream_buffered(const struct dfu_stream *s)
{
	return s->fill;
}

/**
 * Complete the download: program the buffered tail (padded with the erase
 * value to the write block), then store the "complete" record. Returns 0
 * (also when already COMPLETE); -ENODATA when the declared file size is known
 * and fewer bytes were written (nothing changes; write the rest); -EPERM when
 * CLOSED, ABORTED or FAILED; a flash/store error unchanged (stream FAILED).
 */
int dfu_stream_finish(struct dfu_stream *s);

/**
 * Abort, keeping the download resumable: drops buffered bytes (D stays what
 * was programmed) and, when a store is configured, checkpoints the last
 * erase-block boundary at or below D if it is newer than the stored record.
 * Returns 0, -EPERM when CLOSED or COMPLETE, or a store error (the stream is
 * ABORTED anyway).
 */
int dfu_stream_abort(struct dfu_stream *s);

/**
 * Discard the download: delete the record, then erase the first erase block
 * of the area (in that order, so that a power cut in between can never pair
 * an old record with an erased block). The stream is CLOSED afterwards, even
 * on error. Returns 0 or a flash/store error unchanged. Blocks for one erase.
 */
int dfu_stream_reset(struct dfu_stream *s);

/** Bytes of the record the stream persists (for store sizing). */
#define DFU_STREAM_RECORD_SIZE 28u

/** CRC-32 (IEEE 802.3, reflected, as zlib's crc32()) of buf, chained. */
uint32_t dfu_crc32(uint32_t crc, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* DFU_STREAM_H_ */
