/*
 * Simulated nRF91-style modem implementing struct dfu_modem_delta (delta
 * updates, dfu_modem.h), after the modem spec (modem.md) §1, §2, §4, §11.
 * Test code: the scratch area is malloc'ed.
 *
 * States: NORMAL (delta calls work), OFF (after sim_modem_reboot(), a power
 * loss, or a failed boot: every delta call returns -EPERM until
 * sim_modem_boot()), FAULT (sim_modem_fault(): -ESHUTDOWN until a boot).
 * sim_modem_init() leaves the modem NORMAL.
 *
 * Check order of every delta call: power loss seen (-> OFF), dead power
 * (-EIO), OFF (-EPERM) / FAULT (-ESHUTDOWN), arguments (-EFAULT NULL,
 * -EINVAL write len 0), an injected error, erase pending
 * (DFU_MODEM_ERASE_PENDING, for every call incl. uuid and area), then the
 * operation. Every call is counted in cnt.calls[op], failed ones included.
 *
 * Scratch area (nv = persistent: survives reboot and power loss):
 *   - offset: DFU_MODEM_OFFSET_DIRTY when dirty, else nv.committed;
 *   - write appends at `written` (volatile); bytes up to nv.committed are
 *     kept, the tail after it is lost at power loss / reboot. The commit
 *     points are commit_base + k * commit_step (k >= 0), so the offset lags;
 *     commit_step 0 commits every write at once. The end of a complete patch
 *     is always a commit point (inferred: the modem knows the length).
 *   - write_done commits the tail (cfg.commit_on_done) or drops it, so after
 *     write_done the offset is always the next append position (inferred);
 *     write_done without write_init returns 0 (inferred).
 *   - write without write_init -> DFU_MODEM_OPERATION_NOT_ALLOWED (inferred
 *     choice; the spec says 18 or 21);
 *   - len > cfg.max_block (if not 0) -> RECEIVER_BLOCK_TOO_LARGE;
 *   - dirty area, or nv.not_blank (bookkeeping erased, area not: offset
 *     reads 0) at the first byte -> AREA_NOT_BLANK;
 *   - data beyond area_size -> DFU_MODEM_INVALID_ADDRESS (choice);
 *   - patch content (format below): bad magic, malformed UUID text or a
 *     payload that cannot fit the area -> INVALID_HEADER_DATA on the write
 *     that completes the field; source UUID != running UUID -> INVALID_UUID
 *     on the write that completes the header; bytes past the patch end or a
 *     CRC mismatch -> INVALID_DATA on the write that ends the patch;
 *   - a rejected write stores nothing. With cfg.dirty_on_reject, any
 *     positive code returned by write makes the area dirty, except 1, 2, 17,
 *     18 and 23 (refusals before touching flash; inferred from PR #1839).
 *     Injected codes follow the same rule.
 *   - erase: returns 0 and runs for cfg.erase_ms of sim_clock time (0 = done
 *     at the next call; SIM_MODEM_ERASE_NEVER = never). It makes no progress
 *     while lte_busy is set, while the modem is OFF/FAULT or powered off
 *     (time between the last call and a power loss is not counted).
 *     Progress is evaluated lazily at each call. When done: offset 0, area
 *     blank, not dirty, no rollback, patch forgotten. Starting it clears a
 *     scheduled action and rollback availability at once (inferred), and
 *     needs write mode closed (else OPERATION_NOT_ALLOWED, inferred from the
 *     2024-06 reference fix). Fault: sim_modem_erase_ends() makes the next
 *     erases end without cleaning the area (the offset then reads dirty, or
 *     what it read before), as a failed erase would (not documented by
 *     Nordic; for testing the waiter).
 *   - update: patch not complete and valid (incl. a dirty area) ->
 *     INCOMPLETE_DATA; else the update is scheduled (again: 0).
 *   - rollback: without nv.rollback_available -> DFU_MODEM_INVALID_OPERATION
 *     (choice); else the rollback is scheduled.
 *   - an injected error (sim_modem_inject()) is returned before the call
 *     does anything: state, area and write mode are as before. So an
 *     injected write_done error leaves the transfer open at its append
 *     position (the tail not committed), and the next write_init returns
 *     -EALREADY until a write_done succeeds or the modem loses power.
 *   - uuid, area, offset, write_init are not power ops (like flash reads);
 *     write_init keeps nothing persistent. write_done (only when open),
 *     write, erase, update, rollback and an apply at boot are power ops
 *     (sim_power_begin()). A cut op returns -EIO and the modem goes OFF with
 *     its volatile state lost. A cut write has no effect at all (whatever the
 *     torn mode). A cut erase/update/rollback/write_done: SIM_TORN_NOTHING =
 *     no effect, other modes = completed before the power went off. A cut
 *     apply changes nothing: the action is applied again at the next boot.
 *
 * Toy patch format (SIM_MODEM_PATCH_OVERHEAD = 88 bytes + payload):
 *   0..3    anything (not checked)
 *   4..7    "meDu" (6D 65 44 75), how patches are identified
 *   8..43   source UUID (36 chars, RFC 4122 text: hex with '-' at 8,13,18,23)
 *   44..79  target UUID
 *   80..83  payload length n, u32 LE
 *   84..    payload (n bytes)
 *   84+n..  CRC-32 (IEEE, as zlib's crc32) of the payload, u32 LE
 *
 * Boot (sim_modem_boot(), nrf_modem_init after a reset; libmodem >= 2.5):
 * drops volatile state first. Unbootable -> -EIO. No action scheduled ->
 * NORMAL, returns 0, *result = 0 (no DFU handler call). With an action, the
 * result is the forced one (sim_modem_force_result()) or else: update: patch
 * valid and source == running -> OK, patch invalid -> AUTH_ERROR (inferred),
 * else UUID_ERROR; rollback: running == target UUID -> OK, else UUID_ERROR.
 *   OK: update: running := target, rollback available; rollback: running :=
 *       source, rollback not available. Returns 0, NORMAL.
 *   UUID_ERROR, AUTH_ERROR: old firmware runs; returns 0, NORMAL.
 *   OK, UUID, AUTH clear the action and, with cfg.dirty_after_apply, leave
 *       the area dirty (inferred; the patch bytes are kept for rollback).
 *   VOLTAGE_LOW: stays scheduled, returns -EAGAIN, stays OFF (init failed).
 *   INTERNAL_ERROR, HARDWARE_ERROR: action cleared, nv.unbootable: this and
 *       every later boot return -EIO until sim_modem_full_update().
 * cfg.legacy_result (libmodem <= 2.4): when an action ran, return the
 * positive result code instead (effects unchanged).
 *
 * Bootloader mode (full update, struct dfu_modem_bootloader in m->bl; spec
 * modem.md §10.3, §11.3; choices marked "inferred"):
 *   - bl.init: from OFF only (NORMAL or BOOTLOADER: -EPERM, already
 *     initialised); enters BOOTLOADER, a new session waiting for the
 *     bootloader. Delta calls in BOOTLOADER return -EPERM (inferred).
 *     bl.shutdown = sim_modem_reboot() (OFF; the session is lost).
 *   - session phases: WAIT_BL -> (bl_write...) RECV_BL -> update -> FW_READY
 *     -> (fw_write... RECV_FW, verify, digest) -> update -> DONE. A call out
 *     of order, outside BOOTLOADER, or after a failure returns -EOPNOTSUPP:
 *     any failed call (not an argument error) ends the session's usefulness
 *     until a shutdown and a new init (inferred from "after any failure the
 *     whole sequence must restart from initialization").
 *   - bl_write: -EINVAL NULL, len 0, or the bootloader over cfg.bl_max_size.
 *     The first accepted bootloader byte marks the firmware unbootable
 *     (nv.unbootable, inferred: the modem's flash is being replaced) until a
 *     session reaches DONE.
 *   - fw_write: -EINVAL NULL, len 0, addr 0, or (cfg.fw_flash_size != 0) a
 *     range past it. Data is buffered up to 8 KiB per contiguous address and
 *     programmed into nv.fw (when cfg.fw_flash_size is set) when the buffer
 *     is full, the address changes, or at update.
 *   - update after the bootloader: FW_READY; after firmware (at least one
 *     fw_write): flushes, then DONE: the firmware is the SHA-256 H of every
 *     byte received in the session in order (bootloader, then firmware: the
 *     .cbor's blob when the installer sends it in order, so H = blob_hash);
 *     it boots unless an expected digest was set (sim_modem_bl_expect()) and
 *     differs (the modem's own check before booting; then nv.unbootable
 *     stays). The running UUID becomes sim_modem_uuid_of(H); no action, no
 *     rollback. update with nothing to finish (WAIT_BL, FW_READY) or in DONE:
 *     -EOPNOTSUPP.
 *   - verify: -EINVAL NULL or len 0; before the bootloader is updated
 *     -EOPNOTSUPP; else 0 (the sim does not check signatures: inject -EPERM
 *     to model a refused prevalidation).
 *   - digest: -EINVAL NULL; -EOPNOTSUPP before the bootloader is updated or
 *     when nv.fw is not modelled; SHA-256 over the ranges' bytes of nv.fw
 *     (end inclusive), as programmed (the buffer not flushed yet excluded).
 *   - every bootloader call but shutdown is counted (cnt.bl_calls[op]) and
 *     can be injected (sim_modem_bl_inject(): the code is returned before
 *     the call does anything and the session fails) and is a power op
 *     (sim_power_begin()): a cut returns -EIO, the modem goes OFF. A cut
 *     update with a torn mode other than SIM_TORN_NOTHING completes first;
 *     other cut calls have no effect. A cut or a shutdown before DONE after
 *     the first bootloader byte leaves the firmware unbootable: normal boot
 *     returns -EIO until a session reaches DONE.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef SIM_MODEM_H_
#define SIM_MODEM_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_modem.h"
#include "dfu/dfu_sha256.h"
#include "sim_clock.h"
#include "sim_power.h"

/* newlib defines ESHUTDOWN (as 110) only with __LINUX_ERRNO_EXTENSIONS__;
 * the modem port contract (dfu_modem.h) uses it. */
#include <errno.h>
#ifndef ESHUTDOWN
#define ESHUTDOWN 110
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Two well-formed UUIDs for tests (36 chars + NUL). */
#define SIM_MODEM_UUID_A "25c95751-efa4-40d4-8b4a-1dcaab81fac9"
#define SIM_MODEM_UUID_B "7b1f3e2a-0c4d-4e5f-9a6b-7c8d9e0f1a2b"

#define SIM_MODEM_PATCH_MAGIC_OFF 4
#define SIM_MODEM_PATCH_HEADER 84u   /**< Bytes before the payload. */
#define SIM_MODEM_PATCH_OVERHEAD 88u /**< Header + CRC. */
/** cfg.erase_ms value: the erase never finishes. */
#define SIM_MODEM_ERASE_NEVER UINT32_MAX

/** Delta operations, for counters and injection. */
enum sim_modem_op {
	SIM_MODEM_OP_UUID,
	SIM_MODEM_OP_AREA,
	SIM_MODEM_OP_OFFSET,
	SIM_MODEM_OP_WRITE_INIT,
	SIM_MODEM_OP_WRITE,
	SIM_MODEM_OP_WRITE_DONE,
	SIM_MODEM_OP_ERASE,
	SIM_MODEM_OP_UPDATE,
	SIM_MODEM_OP_ROLLBACK,
	SIM_MODEM_OP_COUNT
};

enum sim_modem_state { SIM_MODEM_NORMAL, SIM_MODEM_OFF, SIM_MODEM_FAULT, SIM_MODEM_BOOTLOADER };

/** Bootloader-mode operations, for counters and injection. */
enum sim_modem_bl_op {
	SIM_MODEM_BL_INIT,
	SIM_MODEM_BL_WRITE,
	SIM_MODEM_BL_FW_WRITE,
	SIM_MODEM_BL_UPDATE,
	SIM_MODEM_BL_VERIFY,
	SIM_MODEM_BL_DIGEST,
	SIM_MODEM_BL_OP_COUNT
};

/** Bootloader session phase (volatile). */
enum sim_modem_bl_phase {
	SIM_BL_NONE = 0, /**< Not in bootloader mode. */
	SIM_BL_WAIT_BL,
	SIM_BL_RECV_BL,
	SIM_BL_FW_READY,
	SIM_BL_RECV_FW,
	SIM_BL_DONE,
	SIM_BL_FAILED, /**< A call failed: shut down and init again. */
};

/** Bytes the modem library buffers per contiguous address. */
#define SIM_MODEM_BL_BUF 8192u

enum sim_modem_action { SIM_MODEM_ACTION_NONE, SIM_MODEM_ACTION_UPDATE, SIM_MODEM_ACTION_ROLLBACK };

/** How an erase ends (sim_modem_erase_ends()). */
enum sim_modem_erase_end {
	SIM_MODEM_ERASE_CLEAN,     /**< Offset 0, area blank (normal). */
	SIM_MODEM_ERASE_DIRTY,     /**< Not pending any more, offset reads DIRTY. */
	SIM_MODEM_ERASE_UNCHANGED, /**< Not pending any more, area and offset as before. */
};

/** Configuration; fields other than area_size may be changed at any time. */
struct sim_modem_cfg {
	size_t area_size;       /**< Scratch area = largest patch. Default 294912. */
	uint32_t commit_step;   /**< Default 8192; 0 = commit every write. */
	uint32_t commit_base;   /**< First commit point. Default 452. */
	bool commit_on_done;    /**< write_done commits (else drops) the tail. Default true. */
	uint32_t erase_ms;      /**< Erase duration. Default 4000. */
	bool dirty_on_reject;   /**< Rejected write -> dirty. Default true. */
	bool dirty_after_apply; /**< Area dirty after an apply. Default true. */
	size_t max_block;       /**< Largest write; 0 = no limit (default). */
	bool legacy_result;     /**< Boot returns the positive result. Default false. */
	uint32_t bl_max_size;   /**< Largest modem bootloader. Default 65536. */
	uint32_t fw_flash_size; /**< Modelled modem flash (nv.fw); 0 = none (default). */
};

/** Persistent state (survives reboot and power loss). Tests may read it,
 *  and set not_blank to model PR #1839's "bookkeeping erased" state. */
struct sim_modem_nv {
	char uuid[DFU_MODEM_UUID_LEN]; /**< Running firmware. */
	uint8_t *data;                 /**< area_size bytes; 0xff = blank. */
	size_t committed;
	bool dirty;
	bool not_blank;
	bool erasing;
	uint32_t erase_left_ms;
	enum sim_modem_action action;
	bool rollback_available;
	bool patch_valid; /**< A complete patch with a good CRC is stored. */
	char src_uuid[DFU_MODEM_UUID_LEN];
	char dst_uuid[DFU_MODEM_UUID_LEN];
	bool unbootable;
	uint8_t *fw;                        /**< fw_flash_size bytes (0xff = erased), or NULL. */
	uint8_t fw_digest[DFU_SHA256_SIZE]; /**< H of the last session that reached DONE. */
	uint32_t full_updates;              /**< Sessions that reached DONE. */
};

/** One injection: after `skip` calls, the next `count` calls return code. */
struct sim_modem_inj {
	int code;
	uint32_t skip;
	uint32_t count;
};

struct sim_modem_counters {
	uint32_t calls[SIM_MODEM_OP_COUNT]; /**< Every call, failed ones included. */
	uint64_t bytes_written;             /**< Bytes of accepted writes. */
	uint32_t erases_started;
	uint32_t erases_done;
	uint32_t boots;                           /**< sim_modem_boot() calls. */
	uint32_t applies;                         /**< Boots that ran an action (handler called). */
	uint32_t bl_calls[SIM_MODEM_BL_OP_COUNT]; /**< Bootloader calls. */
	uint64_t bl_bytes;                        /**< Bootloader + firmware bytes accepted. */
};

/** A simulated modem. Allocate it yourself; set up with sim_modem_init(). */
struct sim_modem {
	struct dfu_modem_delta dev; /**< Hand &dev to the library; dev.ctx = this. */
	struct sim_modem_cfg cfg;
	struct sim_power *power; /**< May be NULL. */
	struct sim_clock *clock; /**< May be NULL: time stands still. */
	struct sim_modem_nv nv;
	/* volatile */
	enum sim_modem_state state;
	bool open;      /**< write_init done. */
	size_t written; /**< Append position (committed + tail). */
	bool lte_busy;  /**< Set with sim_modem_set_lte_busy(): the erase stalls. */
	uint64_t last_ms;
	uint32_t seen_cuts;
	/* test controls */
	struct sim_modem_inj inj[SIM_MODEM_OP_COUNT];
	uint32_t forced_result;
	uint32_t forced_count;
	uint32_t last_result;               /**< Result of the last apply; 0 = none. */
	enum sim_modem_erase_end erase_end; /**< See sim_modem_erase_ends(). */
	uint32_t erase_end_count;
	struct sim_modem_counters cnt;
	/* bootloader mode (see the header comment) */
	struct dfu_modem_bootloader bl; /**< Hand &bl to the install; bl.ctx = this. */
	enum sim_modem_bl_phase bl_phase;
	uint32_t bl_len;          /**< Bootloader bytes of this session. */
	bool bl_fw;               /**< Firmware bytes sent in this session. */
	struct dfu_sha256 bl_sha; /**< Over the session's bytes. */
	uint32_t pend_addr, pend_len;
	uint8_t pend[SIM_MODEM_BL_BUF];
	bool bl_expect;
	uint8_t bl_expected[DFU_SHA256_SIZE];
	struct sim_modem_inj bl_inj[SIM_MODEM_BL_OP_COUNT];
};

/** Fill cfg with the defaults above. */
void sim_modem_default_cfg(struct sim_modem_cfg *cfg);

/**
 * Set up m: blank area, running firmware uuid (36 chars; NULL =
 * SIM_MODEM_UUID_A), state NORMAL, no injections, counters zeroed. cfg NULL =
 * defaults. Returns 0, -EINVAL (area_size < SIM_MODEM_PATCH_OVERHEAD or >=
 * DFU_MODEM_OFFSET_DIRTY) or -ENOMEM; on error nothing needs freeing.
 */
int sim_modem_init(struct sim_modem *m, const struct sim_modem_cfg *cfg, const char *uuid,
		   struct sim_power *power, struct sim_clock *clock);

/** Free the area. Safe to call twice. */
void sim_modem_free(struct sim_modem *m);

/** Reset / shutdown: volatile state lost, state OFF until sim_modem_boot(). */
void sim_modem_reboot(struct sim_modem *m);

/** Modem fault: volatile state lost, delta calls -ESHUTDOWN until a boot. */
void sim_modem_fault(struct sim_modem *m);

/**
 * Modem library init (see the header comment). result (may be NULL) gets the
 * DFU result handed to the handler, or 0 when no action ran. Returns 0,
 * -EAGAIN, -EIO, or with cfg.legacy_result the positive result.
 */
int sim_modem_boot(struct sim_modem *m, uint32_t *result);

/** Full update through the bootloader (not modelled): running := uuid,
 *  bootable again, no action, no rollback. The area is untouched. */
void sim_modem_full_update(struct sim_modem *m, const char *uuid);

/** The next `count` applies get result (an enum dfu_modem_result value). */
void sim_modem_force_result(struct sim_modem *m, uint32_t result, uint32_t count);

/** The next count calls of op return code (0 count clears). */
void sim_modem_inject(struct sim_modem *m, enum sim_modem_op op, int code, uint32_t count);

/** As sim_modem_inject() but after skip calls of op that run normally. */
void sim_modem_inject_after(struct sim_modem *m, enum sim_modem_op op, uint32_t skip, int code,
			    uint32_t count);

/**
 * The next `count` erases that finish end as `how` instead of cleanly (count
 * 0 or SIM_MODEM_ERASE_CLEAN: all clean). They still take cfg.erase_ms and
 * count in cnt.erases_done; the patch content and committed offset are kept.
 */
void sim_modem_erase_ends(struct sim_modem *m, enum sim_modem_erase_end how, uint32_t count);

/** Set lte_busy, accounting the erase progress up to now first. */
void sim_modem_set_lte_busy(struct sim_modem *m, bool busy);

/** True while an erase is pending (evaluated at the clock's now). */
bool sim_modem_erasing(struct sim_modem *m);

/** Zero the counters. */
void sim_modem_reset_counters(struct sim_modem *m);

/**
 * Build a toy patch into buf: source src_uuid, target dst_uuid (36 chars
 * each), payload (may be NULL when len is 0). Returns the patch size
 * (len + SIM_MODEM_PATCH_OVERHEAD), or 0 when buf/uuids are NULL or cap is
 * too small.
 */
size_t sim_modem_make_patch(uint8_t *buf, size_t cap, const char *src_uuid, const char *dst_uuid,
			    const void *payload, size_t len);

/** The next count bootloader calls op (after skip normal ones) return code. */
void sim_modem_bl_inject(struct sim_modem *m, enum sim_modem_bl_op op, uint32_t skip, int code,
			 uint32_t count);

/** The modem only boots a full update whose H is digest (NULL: any). */
void sim_modem_bl_expect(struct sim_modem *m, const uint8_t *digest);

/** The running-firmware UUID the sim gives a full update with H = digest:
 *  its first 16 bytes in RFC 4122 text form (lower-case hex). */
void sim_modem_uuid_of(const uint8_t digest[DFU_SHA256_SIZE], char uuid[DFU_MODEM_UUID_LEN]);

#ifndef SIM_NO_FILE
/**
 * Host only (sim_modem_file.c). Save the persistent state (m->nv) to path,
 * as it would be after a power loss (the uncommitted tail reads erased):
 * versioned little-endian file with a magic and a CRC-32, written to
 * "<path>.tmp" and renamed over path. Not a modem operation (ignores the
 * power model). Returns 0, -EINVAL, -ENOMEM or a negative errno.
 */
int sim_modem_save(const struct sim_modem *m, const char *path);

/**
 * Host only. Replace m->nv with the state saved in path (m set up with
 * sim_modem_init() first; cfg, state, counters and injections are kept).
 * Volatile state is reset as at a power-up: write mode closed, append
 * position = committed, erase progress counted from the clock's now.
 * Returns 0, -ENOENT (no such file), -EINVAL (bad magic, version, CRC,
 * length or field, or an area size other than m->cfg.area_size; m is left
 * unchanged), -ENOMEM or another negative errno.
 */
int sim_modem_load(struct sim_modem *m, const char *path);
#endif /* SIM_NO_FILE */

#ifdef __cplusplus
}
#endif

#endif /* SIM_MODEM_H_ */
