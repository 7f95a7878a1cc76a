/*
 * dfu_target: receive a firmware image in chunks from any transport and
 * write it to the right place behind one interface.
 *
 * Two layers:
 *  - The context API (dfu_ctx_*): every call takes a caller-allocated
 *    struct dfu_ctx. Use as many contexts as you like (one per target set).
 *  - The seed API (dfu_target_*): source-compatible with the nRF Connect SDK
 *    "DFU target" library. A thin wrapper over one default context that the
 *    application configures once with dfu_target_setup().
 *
 * Common flow: img_type(first fragment) -> init -> offset_get (resume point)
 * -> write ... -> done(true) -> schedule_update. done(false) aborts and keeps
 * the download resumable; reset() discards it.
 *
 * State machine of a context (dfu_ctx_state()):
 *
 *   IDLE --init--> READY --write--> WRITING --done(true)--> DONE --schedule--> SCHEDULED
 *                   |  ^               |  \--error--> FAILED
 *                   |  +---init(same)--+--done(false)--> ABORTED
 *   any state with a target --reset--> IDLE
 *
 * Return values: 0 on success, a negative errno on failure. Compare them by
 * symbol (-EINVAL), never by number: newlib and glibc differ. Flash and
 * store errors from the port are passed through unchanged. The table of
 * which call returns what in which state is part of each function's comment
 * below and is checked by tests/test_dispatch_states.c (rules: tests/test_dispatch_*.c).
 *
 * Thread safety: a context must be used by one caller at a time (no internal
 * locking). Different contexts are independent if their targets use
 * different areas and record keys. The seed API uses one global context.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_TARGET_H_
#define DFU_TARGET_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_config.h"
#include "dfu/dfu_port.h"
#include "dfu/dfu_stream.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ==== Seed types (values fixed; they never change) ====================== */

/**
 * Image types: bit values, NCS's. The ANY_* values are masks for filtering
 * only (init refuses them). ANY is 135 as in NCS since the CUSTOM type
 * (MCUBOOT | MODEM_DELTA | FULL_MODEM | CUSTOM); NCS releases before CUSTOM
 * had 7, and a mask test (type & ANY) == type gives the same answer for
 * every type those releases know. SMP and SUIT are not part of ANY (as in
 * NCS). SUIT (NCS 2024-05 to 2025-07) is defined for source compatibility
 * only: no SUIT target exists here (init: -ENOTSUP).
 */
enum dfu_target_image_type {
	DFU_TARGET_IMAGE_TYPE_NONE = 0,
	DFU_TARGET_IMAGE_TYPE_MCUBOOT = 1,
	DFU_TARGET_IMAGE_TYPE_MODEM_DELTA = 2,
	DFU_TARGET_IMAGE_TYPE_FULL_MODEM = 4,
	DFU_TARGET_IMAGE_TYPE_SMP = 8,   /**< Identified only (dfu_target_smp.h). */
	DFU_TARGET_IMAGE_TYPE_SUIT = 16, /**< Not implemented (init: -ENOTSUP). */
	/** Ours, not NCS's: an application delta patch that rebuilds an MCUboot
	 *  image (dfu_target_mcuboot_delta.h). Not part of the ANY masks. */
	DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA = 64,
	DFU_TARGET_IMAGE_TYPE_CUSTOM = 128,
	DFU_TARGET_IMAGE_TYPE_ANY_APPLICATION = 1,
	DFU_TARGET_IMAGE_TYPE_ANY_MODEM = 6,
	DFU_TARGET_IMAGE_TYPE_ANY = 135,
};

/** Events (emitted by targets that wait for a device, e.g. modem erase). */
enum dfu_target_evt_id {
	DFU_TARGET_EVT_ERASE_PENDING = 0,
	DFU_TARGET_EVT_TIMEOUT = 1,
	DFU_TARGET_EVT_ERASE_DONE = 2,
};

/** Event callback (may be NULL everywhere it is accepted). */
typedef void (*dfu_target_callback_t)(enum dfu_target_evt_id evt_id);

/** Shortest buffer dfu_target_img_type() examines. */
#define DFU_TARGET_MIN_SIZE_IDENTIFY_BUF 32

/* ==== Targets ============================================================ */

struct dfu_ctx;

/** Arguments of an init, as the dispatcher hands them to a target. */
struct dfu_init_params {
	int img_type;             /**< One single-bit image type. */
	int img_num;              /**< Image number (pair) within the target. */
	size_t file_size;         /**< Declared size; 0 = unknown. */
	dfu_target_callback_t cb; /**< Event callback; may be NULL. */
	/** Optional first bytes of the image (the fragment given to
	 * dfu_ctx_img_type()); binds the download's identity to them. */
	const void *first;
	size_t first_len;
	/** Optional proof of identity: the SHA-256 the target checks the image
	 * against (MCUboot: the value of its SHA-256 TLV, as `imgtool dumpinfo`
	 * prints it). A download completed in an earlier boot is reused only
	 * when this matches; otherwise init starts a new download. */
	const uint8_t *expected_digest;
	/** Set by the dispatcher (ignored from callers): true when this is a
	 * re-init of the same image in the same boot; the target keeps its
	 * durable offset and drops buffered bytes. */
	bool reopen;
};

/** A target's init may return this (positive) when the image is already
 * complete (found a "complete" record): the context goes to DONE. */
#define DFU_TARGET_INIT_COMPLETE 1

/**
 * One ops table per target (one source file per target). The dispatcher has
 * already checked the context state and arguments (including that a write
 * stays within file_size); targets do the work. Each op returns 0 or a
 * negative errno. Any error from write leaves the context FAILED (the
 * target may have consumed part of the chunk); the caller then inits again
 * and resumes from offset_get. offset_get outside a write session returns
 * the durable offset (the byte the next write must start with after this
 * call). done(true) returns -ENODATA when bytes are missing (context
 * unchanged).
 * The target's state lives in the entry's state pointer (caller-allocated),
 * reachable with dfu_ctx_target_state().
 */
struct dfu_target_ops {
	uint8_t type;     /**< A single-bit enum dfu_target_image_type. */
	const char *name; /**< For logs and tools. */
	/** Optional: does buf (>= 32 bytes) start an image of this type? */
	bool (*identify)(const uint8_t *buf, size_t len);
	int (*init)(struct dfu_ctx *ctx, const struct dfu_init_params *p);
	int (*offset_get)(struct dfu_ctx *ctx, size_t *offset);
	/** Hot path: receives the entry's state pointer, not the context. */
	int (*write)(void *state, const uint8_t *buf, size_t len);
	int (*done)(struct dfu_ctx *ctx, bool successful);
	int (*schedule_update)(struct dfu_ctx *ctx, int img_num);
	int (*reset)(struct dfu_ctx *ctx);
	/** Optional: refuse a misconfigured target at dfu_ctx_setup() (state:
	 *  the entry's state; port: the context's). No flash or store access.
	 *  A non-zero result fails the setup with that error. */
	int (*check_config)(const struct dfu_port *port, void *state);
};

/** A registered target: its ops and its caller-allocated state. */
struct dfu_target_entry {
	const struct dfu_target_ops *ops;
	void *state;
};

/** A platform's device handle (Zephyr's struct device); opaque here. */
struct device;

/** Everything a context needs; caller-owned, must outlive the context. */
struct dfu_config {
	const struct dfu_port *port;            /**< Store, clock. */
	const struct dfu_target_entry *targets; /**< Registered targets. */
	size_t target_count;
	dfu_progress_cb_t progress; /**< Optional: durable bytes / total. */
	void *user;                 /**< Passed to progress. */
	/** Optional: the flash behind a device handle, for the NCS calls that
	 *  name a device (dfu_target_stream_init(), dfu_target_full_modem_cfg());
	 *  NULL (or a NULL result): those calls return -ENODEV. */
	const struct dfu_flash *(*device_flash)(const struct device *dev);
};

/** Context states. */
enum dfu_state {
	DFU_STATE_IDLE = 0,  /**< No current target. */
	DFU_STATE_READY,     /**< init succeeded; no write yet this session. */
	DFU_STATE_WRITING,   /**< Receiving data. */
	DFU_STATE_ABORTED,   /**< done(false): resumable with init. */
	DFU_STATE_FAILED,    /**< A write/done failed; init again to resume. */
	DFU_STATE_DONE,      /**< done(true) succeeded: complete (verified if
				  the target verifies). */
	DFU_STATE_SCHEDULED, /**< schedule_update succeeded. */
	DFU_STATE_BUSY,      /**< A call on this context is running (seen only
				  from its callbacks; any call made from there
				  returns -EDEADLK). */
};

/** The context. Caller-allocated; treat the fields as private. */
struct dfu_ctx {
	const struct dfu_config *cfg;
	const struct dfu_target_entry *cur; /* current target, NULL if none */
	int (*write)(void *state, const uint8_t *buf, size_t len); /* cur's */
	void *wstate;                                              /* cur's */
	struct dfu_image_id id; /* identity of the current image */
	dfu_target_callback_t evt_cb;
	int img_num;
	int last_err;
	uint32_t room; /* bytes the download may still take (pos_known): the
			* next byte is file_size (or 2^32 - 1) - room */
	uint8_t state; /* enum dfu_state */
	bool pos_known;
	/* identity prefix from the last dfu_ctx_img_type(); kept until the
	 * next one, so a re-init needs no new img_type() */
	uint8_t pending_len;
	uint32_t pending_crc;
};

/* ==== Context API ======================================================= */

/**
 * Set up a context. Validates the configuration: port non-NULL, store
 * callbacks complete when a store is given, every target entry with a
 * single-bit type that is compiled in and all six ops, no type registered
 * twice; then each target's check_config() (the MCUboot target checks its
 * keys against the crypto port: errors in dfu_target_mcuboot.h). Returns 0,
 * -EINVAL, or a target's check_config() error (context left unusable: init
 * returns -EINVAL, the other calls -EACCES, img_type NONE). Performs no
 * flash or store I/O (check_config may call the crypto port).
 */
int dfu_ctx_setup(struct dfu_ctx *ctx, const struct dfu_config *cfg);

/**
 * Identify an image from its first bytes. Returns the type of the first
 * target registered on this context (so: a type init can accept) whose
 * format matches, trying MCUBOOT, MODEM_DELTA, FULL_MODEM (built-in magic
 * checks, include/dfu/dfu_identify.h, or the entry's identify()), then
 * CUSTOM (its identify()); NONE when len < 32, buf is NULL, the context is
 * not set up, or nothing matches. Comparisons are byte-wise (no host-endian
 * loads). dfu_identify_*() check a format without a context.
 *
 * Side effect, by design: a CRC of buf's first bytes is remembered and bound
 * into the identity of the next init on this context (unless that init gives
 * its own first bytes), so that a resume after a reboot only happens for the
 * same image. Pass the same first fragment each time (>= 64 bytes gives an
 * identity independent of the fragment size).
 */
enum dfu_target_image_type dfu_ctx_img_type(struct dfu_ctx *ctx, const void *buf, size_t len);

/**
 * Initialize the target for img_type (a single type, not an ANY_* mask).
 *
 * Returns:
 *   0          ready; call dfu_ctx_offset_get() for the resume offset.
 *   -ENOTSUP   unknown type, an ANY_* mask, SMP, or a type not registered
 *              or compiled out.
 *   -EINVAL    ctx NULL / not set up, img_num < 0.
 *   -EBUSY     a download is open (READY, WRITING or FAILED) on this
 *              context for another target, another image number, or another
 *              file of the same target: call done() or reset() first.
 *   other      the target's error (e.g. -EFBIG: file_size exceeds the area;
 *              a store read error). The context has no current target after
 *              a failed init, so a retry runs the target's init again.
 *
 * Re-init of the same target, image number and identity while the previous
 * init succeeded is a no-op on flash: it drops buffered bytes, keeps the
 * durable offset and returns 0 (state READY, or DONE/SCHEDULED unchanged).
 * file_size 0 means unknown: such a download never resumes from a stored
 * record after a reboot. Init performs no flash write or erase for the
 * stream-based targets; it may block for a store read.
 */
int dfu_ctx_init(struct dfu_ctx *ctx, int img_type, int img_num, size_t file_size,
		 dfu_target_callback_t cb);

/** dfu_ctx_init() with the full parameter set (first bytes for identity). */
int dfu_ctx_init_ex(struct dfu_ctx *ctx, const struct dfu_init_params *p);

/**
 * The offset to resume from: the byte of the image the next write must
 * start with, safe to follow at any moment.
 *   - While writing (WRITING): the number of bytes accepted so far (durable
 *     or still buffered), i.e. the next byte the library expects.
 *   - After init (READY), after done(false) (ABORTED) or a failure and a new
 *     init, and after a reboot: the durable offset D: bytes [0, D) are in
 *     flash (or in the modem); buffered bytes past D were dropped.
 *   - DONE/SCHEDULED: the image size.
 * Returns 0; -EINVAL for NULL offset; -EACCES with no current target; a
 * target's error (e.g. the modem's offset call failed).
 */
int dfu_ctx_offset_get(struct dfu_ctx *ctx, size_t *offset);

/**
 * Append the next len bytes of the image.
 *
 * Returns:
 *   0        all bytes taken (buffered or programmed). len 0 is a no-op.
 *   -EACCES  no current target.
 *   -EINVAL  buf NULL (nothing taken, state unchanged).
 *   -EPERM   not READY/WRITING (after done, before init, after a failure
 *            use init + offset_get to resume).
 *   -EPIPE   the context is FAILED (an earlier write failed).
 *   -EFBIG   the image would exceed file_size (nothing taken, state
 *            unchanged).
 *   -EDEADLK called from a callback of this context (nothing taken).
 *   other    flash/store error unchanged, target errors (e.g. a malformed
 *            image, an image larger than the area); the context is FAILED
 *            (the chunk may have been partly consumed) and its durable
 *            offset may have moved back to an erase-block boundary: init
 *            again, then resume from offset_get.
 *
 * Worst-case blocking: one erase block erase (on-demand erase before the
 * first program into a block) + programming of up to one buffer (or of the
 * whole chunk when it spans whole buffers: then one erase per erase block
 * crossed) + one store write (checkpoint). E.g. nRF52840: 89.7 ms erase +
 * 512 B / 4 B * 41 us = 95 ms for a 512 B buffer.
 */
int dfu_ctx_write(struct dfu_ctx *ctx, const void *buf, size_t len);

/**
 * Finish the download.
 *
 * done(true): flushes the buffered tail, runs the target's verification and
 * records the image as complete. Returns 0 (state DONE, also when already
 * DONE/SCHEDULED); -ENODATA when the declared file_size is not reached yet
 * (state unchanged); -EPIPE when FAILED; -EPERM when ABORTED; a flash/store
 * or verification error (state FAILED).
 *
 * done(false): aborts, keeping the download resumable (checkpoints the last
 * erase-block boundary). Returns 0 (state ABORTED); -EALREADY in DONE or
 * SCHEDULED (nothing to abort; use reset to discard); a store error (state
 * ABORTED anyway).
 *
 * Both: -EACCES with no current target. Blocking: done(true) can program one
 * buffer, erase one block and write one record, plus target verification.
 */
int dfu_ctx_done(struct dfu_ctx *ctx, bool successful);

/**
 * Ask for the image to be installed (meaning per target). Only in DONE or
 * SCHEDULED. Returns 0 (state SCHEDULED); -EACCES with no target; -ENOENT
 * in READY (nothing verified to schedule: e.g. init(type, img, 0) found no
 * verified image); -EPERM in any other state (a download is open, aborted
 * or failed); the target's error.
 *
 * The reference's schedule-after-reboot pattern, init(type, img, 0) then
 * schedule_update(img), works: init with file_size 0 goes to DONE when the
 * target holds a verified image (MCUboot: the slot's image matches its
 * verified record).
 */
int dfu_ctx_schedule_update(struct dfu_ctx *ctx, int img_num);

/**
 * Discard the download of the current target: it can no longer be booted or
 * scheduled, records and any schedule are cleared. Returns 0 (state IDLE, no
 * current target); -EACCES with no current target; the target's error
 * (state FAILED, target kept: retry reset). Blocks for up to the target's
 * erases (stream: one erase block).
 */
int dfu_ctx_reset(struct dfu_ctx *ctx);

/**
 * The one rule for which errors discard a download: true when err is a
 * verdict on the image itself (the bytes can never become a good image):
 * -EBADMSG (malformed), -EFBIG (larger than its area or slot), -EILSEQ
 * (digest mismatch, flash does not hold what was streamed), -EACCES
 * (signature), -ESTALE (policy: downgrade, security counter), -ENOTSUP (a
 * feature this build cannot check, e.g. an encrypted image). Every other
 * error (flash, store, crypto port, transport, timeout) keeps the download:
 * init again and resume from offset_get; what was durable is kept.
 */
bool dfu_error_discards(int err);

/** Current state (enum dfu_state). */
int dfu_ctx_state(const struct dfu_ctx *ctx);

/** The last non-zero result any call on this context returned (0 if none). */
int dfu_ctx_last_result(const struct dfu_ctx *ctx);

/** The current target's state pointer (for target implementations). */
static inline void *dfu_ctx_target_state(const struct dfu_ctx *ctx)
{
	return ctx->cur != NULL ? ctx->cur->state : NULL;
}

/** Identity of the current download (for target implementations). */
static inline const struct dfu_image_id *dfu_ctx_image_id(const struct dfu_ctx *ctx)
{
	return &ctx->id;
}

/* ==== Seed API (default context) ========================================= */

/**
 * The platform's configuration of the default context (the hook that lets
 * NCS code use the seed API without a setup call). The platform defines this
 * function (by hand or with DFU_TARGET_PLATFORM_CONFIG()); the first seed
 * call that needs a configuration (img_type, init, the NCS calls of
 * dfu_target_mcuboot_set_buf(), dfu_target_stream_init(),
 * dfu_target_full_modem_cfg()) calls it, and sets the default context up with
 * what it returns (dfu_ctx_setup() rules). It may do platform work first
 * (e.g. initialise a crypto port); it runs again on a later call until it
 * has returned a configuration that sets up. dfu_target_setup() replaces it.
 *
 * Linking: libdfu.a carries a default definition, alone in its own object
 * (src/dfu_platform_default.c), that returns NULL. A static linker takes an
 * archive member only for a symbol still undefined, so a definition in one
 * of the application's objects (or a library linked before libdfu.a) is
 * used and the default is never pulled in: no weak symbols, any toolchain.
 * A build that links the library whole (--whole-archive, object libraries,
 * the Zephyr module) leaves that file out (CMake: DFU_PLATFORM_DEFAULT_HOOK
 * OFF) and must define the hook.
 *
 * With no configuration (the default hook, or NULL), the seed calls fail:
 * init -ENODEV; offset_get, write, done, reset, schedule_update -EACCES (no
 * current target); img_type still classifies (compiled-in types).
 */
const struct dfu_config *dfu_target_platform_config(void);

/** Define the platform hook to return cfg (an expression, evaluated on each
 *  call): DFU_TARGET_PLATFORM_CONFIG(&my_dfu_config) at file scope. */
#define DFU_TARGET_PLATFORM_CONFIG(cfg)                           \
	const struct dfu_config *dfu_target_platform_config(void) \
	{                                                         \
		return (cfg);                                     \
	}

/**
 * Configure the default context used by the dfu_target_* functions below
 * (optional: without it the platform hook above configures it). Same rules
 * as dfu_ctx_setup().
 */
int dfu_target_setup(const struct dfu_config *cfg);

/**
 * Make sure the default context is configured: 0 when it is (by
 * dfu_target_setup() or the platform hook), -ENODEV when no configuration
 * is available, or the dfu_ctx_setup() error of the hook's configuration.
 * For the NCS compatibility calls (per-target entry points).
 */
int dfu_target_default_ready(void);

/** The default context (to mix seed and context calls). */
struct dfu_ctx *dfu_target_default_ctx(void);

/**
 * The image type of the first fragment, as NCS: the first of MCUBOOT,
 * MODEM_DELTA, FULL_MODEM that is compiled in (DFU_CONFIG_TARGET_*) and whose
 * magic matches, then CUSTOM through the identify() of a CUSTOM target
 * registered on the default context; NONE for len < 32, NULL, or no match.
 * Works with or without a configuration (registered targets do not narrow
 * it: a type that is compiled in but not registered is reported, and init
 * then answers -ENOTSUP). SMP is never reported (dfu_target_smp_img_type_check()).
 * Remembers the fragment's identity for the next init, as dfu_ctx_img_type().
 */
enum dfu_target_image_type dfu_target_img_type(const void *buf, size_t len);

/** SMP images (MCUboot format for an external MCU): SMP when SMP is
 *  compiled in (DFU_CONFIG_TARGET_SMP) and buf starts with the MCUboot
 *  magic, else NONE (also len < 32). Declared here as in NCS. */
enum dfu_target_image_type dfu_target_smp_img_type_check(const void *buf, size_t len);

/** See dfu_ctx_init(). Without a configuration (no dfu_target_setup(), no
 *  platform hook): -ENODEV. */
int dfu_target_init(int img_type, int img_num, size_t file_size, dfu_target_callback_t cb);

/** See dfu_ctx_offset_get(). */
int dfu_target_offset_get(size_t *offset);

/**
 * See dfu_ctx_write(), with one mapping for NCS's consumers: an error that
 * is a verdict on the image (dfu_error_discards(): -EBADMSG, -EILSEQ,
 * -EACCES, -ESTALE, -ENOTSUP), i.e. a malformed or refused image, is
 * returned as -EINVAL, the code fota_download reports as an invalid update
 * (FOTA_DOWNLOAD_ERROR_CAUSE_INVALID_UPDATE) and lwm2m_firmware as an
 * integrity failure. -EFBIG stays -EFBIG (too big: LwM2M "out of storage").
 * The precise error: dfu_ctx_last_result(dfu_target_default_ctx()).
 * Unlike the reference, NULL buf gives -EINVAL (not -EACCES).
 */
int dfu_target_write(const void *buf, size_t len);

/** See dfu_ctx_done(). */
int dfu_target_done(bool successful);

/** See dfu_ctx_reset(). */
int dfu_target_reset(void);

/** See dfu_ctx_schedule_update(). */
int dfu_target_schedule_update(int img_num);

#ifdef __cplusplus
}
#endif

#endif /* DFU_TARGET_H_ */
