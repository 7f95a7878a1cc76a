/*
 * Modem delta target: streams a modem firmware patch into the modem's
 * scratch area through the modem port (dfu_modem.h), with bounded erase
 * waits, a resume bound to the patch's identity, and every modem code
 * mapped to an errno.
 *
 *   static struct dfu_modem_delta_target modem_delta = { .cfg = {
 *           .deadline_ms = 10 * 60 * 1000 } };
 *   static const struct dfu_target_entry targets[] = {
 *           { &dfu_target_modem_delta_ops, &modem_delta } };
 *
 * Needs the port's modem ops (or cfg.modem) and clock (erase waits); the
 * store (or cfg.kv) keeps the patch identity. Without a store a partial
 * patch found at init is never resumed (it is erased).
 *
 * init(file_size)
 *   Reads the modem UUID and the area size: file_size > area → -EFBIG
 *   before anything is erased. Then the offset:
 *   - an erase pending (reset() started one, or the modem was erasing), a
 *     dirty area, or a discard remembered from earlier (a write failure
 *     marked in the table below, or done(true)'s -EOVERFLOW) → erase
 *     and wait: ERASE_PENDING, then TIMEOUT every timeout_ms while the modem
 *     is still erasing, then ERASE_DONE; -ETIMEDOUT when deadline_ms passes
 *     (the erase continues in the modem; the next init waits again);
 *     -ENOTEMPTY as soon as the modem answers again (the erase is over) with
 *     an offset other than 0, e.g. the dirty sentinel or a partial offset:
 *     the erase ended without cleaning the area (no ERASE_DONE). The modem
 *     API has no "erase failed" report and asks for no retry, so the target
 *     does not retry on its own: the next init erases again;
 *   - a partial patch (offset > 0) of the same patch (identity: file size
 *     and the first fragment's CRC, stored when the download started) is
 *     kept: offset_get() returns the resume point; a complete one makes init
 *     report DONE; any other partial patch is erased first.
 *   The callback may be NULL. init blocks for the whole erase wait (polling
 *   every poll_ms through the port clock's sleep).
 *   Calls from the event callback (re-entrancy): reset() and done(false)
 *   made from it return 0 and stop the wait: init returns -ECANCELED right
 *   after the callback returns (the identity is already forgotten; the
 *   erase goes on in the modem and the next init waits it out). Every other
 *   op (init, offset_get, write, done(true), schedule_update) returns
 *   -EBUSY from there and changes nothing. The dispatcher may refuse such
 *   calls before they reach the target (dfu_target.h).
 * offset_get
 *   The modem's committed offset. A transfer in progress is paused first
 *   (write_done), so that the value is what the modem keeps.
 *   Assumption (the modem's documentation is silent, user reports show the
 *   offset lagging the bytes written): after write_done the reported offset
 *   is the position at which the modem appends the next byte, so resuming
 *   from it neither skips nor duplicates data. The simulator models both a
 *   lagging offset and a write_done that drops the uncommitted tail.
 * The transfer (write_init .. write_done)
 *   counts as closed only once write_done succeeded. A failed write_done
 *   (e.g. -EIO) is returned by the call that paused (done, offset_get,
 *   init, reset) and leaves the transfer open, as the modem keeps it, at the
 *   modem's own append position; the next pause (init, offset_get, done,
 *   reset) calls write_done again, so offset_get is always the byte the
 *   modem appends next.
 * write
 *   write_init (once per transfer), then one modem write; no retry. A
 *   failure that discards (table below) is remembered in the store (and in
 *   RAM) so that the next init erases first. write_init answering -EALREADY (a transfer is open
 *   that the target did not open, or believed closed: its state was lost
 *   while the modem kept running, or another user of the modem opened it):
 *   the target closes it (write_done) and reads the offset; if that is not
 *   the resume point the caller's bytes are for, the write returns -ESTALE
 *   and appends nothing (init, then resume from offset_get); else it
 *   reopens the transfer and writes.
 * done(successful)
 *   Releases the modem resources (write_done) in both cases (see "The
 *   transfer" for a failing write_done). done(true) then reads the offset:
 *   fewer bytes than file_size → -ENODATA (the session goes on: write
 *   the rest), or -EAGAIN when the modem dropped bytes already written
 *   (an uncommitted tail lost at write_done: the session fails; init
 *   again and resume from offset_get(), the modem's offset); a
 *   dirty area → -EBADMSG (the modem rejected the patch); more bytes than
 *   file_size → -EOVERFLOW: the modem holds something other than this file
 *   (another or a corrupt patch), which is discarded: the next init erases
 *   the area (remembered in RAM and in the record) and the download starts
 *   again from 0. With file_size 0 (unknown) neither size check is made.
 * schedule_update
 *   Asks the modem to apply the patch at its next boot (update).
 * reset
 *   Pauses a transfer, forgets the identity, starts a non-blocking erase and
 *   returns; the next init waits it out.
 *
 * Which errors discard the partial patch (one rule). Format and identity
 * errors do: the write failures marked in the table's last column, a dirty
 * area (the modem discarded it), done(true) finding more bytes than
 * file_size, another patch's bytes at init. The next init then erases (the
 * decision is kept in the store, and in RAM should the store fail).
 * I/O and transient errors never do: a negative library error (-EIO,
 * -ENOMEM, -ESHUTDOWN, ...) from any modem call, a store read or write
 * error, the unmarked modem codes (internal, write or erase error, out of
 * memory, block too large, erase pending, not allowed, interrupted,
 * power-fail warning), -ETIMEDOUT, -ESTALE. The download then stays
 * resumable: after a failed init, retry it; after a failed write,
 * offset_get or done, init again and resume from offset_get; after a
 * failed schedule_update, retry it.
 *
 * Errors. Negative library errors from the port pass through unchanged
 * (-ENOMEM, -ESHUTDOWN, -EPERM, ...). Positive modem codes map as follows:
 *
 *   modem code                              errno          from write:
 *                                                          discards
 *    1 RECEIVER_OUT_OF_MEMORY               -ENOMEM
 *    2 RECEIVER_BLOCK_TOO_LARGE             -E2BIG
 *    3 INVALID_HEADER_DATA                  -EBADMSG       yes
 *    4, 6, 7, 8, 22 ERROR_INTERNAL_0x       -EIO
 *    5 INVALID_DATA                         -EBADMSG       yes
 *    9 INVALID_UUID                         -EXDEV         yes (patch for
 *                                                          another modem
 *                                                          firmware)
 *   10 INVALID_ADDRESS                      -EFAULT        yes
 *   11 AREA_NOT_BLANK                       -ENOTEMPTY     yes
 *   12 WRITE_ERROR                          -EIO
 *   13 ERASE_ERROR                          -EIO
 *   14 INVALID_FILE_OFFSET                  -ESPIPE        yes
 *   15 PROGRESS_LOG_INVALID                 -EILSEQ        yes
 *   16 INVALID_RESUME_ATTEMPT               -ESPIPE        yes
 *   17 ERASE_PENDING                        -EBUSY
 *   18 OPERATION_NOT_ALLOWED                -EACCES
 *   19 INCOMPLETE_DATA                      -ENODATA
 *   20 INTERRUPTED_WRITE                    -EINTR
 *   21 INVALID_OPERATION                    -EACCES
 *   23 NOT_ALLOWED_POFWARN_ON               -EAGAIN
 *   any other positive value                -EIO
 * Also:
 *   -ENOTEMPTY   init: the erase ended but the area is not clean (init
 *                again erases again); offset_get: the area is dirty (the
 *                modem discarded the patch; init erases).
 *   -ECANCELED   init: reset() or done(false) was called from its event
 *                callback.
 *   -EBUSY       any other op called from that callback.
 *   -EOVERFLOW   done(true): the modem holds more than file_size.
 *   -ESTALE      write: a transfer was open at another position (nothing
 *                appended; init + offset_get, resume from there).
 *   -ETIMEDOUT   init: the erase deadline passed.
 *   -EFBIG       init: the patch is larger than the area.
 *   -EINVAL      init: modem ops or clock missing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_TARGET_MODEM_DELTA_H_
#define DFU_TARGET_MODEM_DELTA_H_

#include "dfu/dfu_modem.h"
#include "dfu/dfu_stream.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_ncs.h" /* NCS's dfu_target_modem_delta_*() */

#ifdef __cplusplus
extern "C" {
#endif

struct dfu_modem_delta_cfg {
	const struct dfu_modem_delta *modem; /**< NULL = the port's. */
	const struct dfu_kv *kv;             /**< NULL = the port's. */
	uint32_t poll_ms;                    /**< Erase poll interval; 0 = 1000. */
	uint32_t timeout_ms;                 /**< TIMEOUT event period; 0 = 60000. */
	uint32_t deadline_ms;                /**< Longest erase wait; 0 = 600000 (10 min). */
};

struct dfu_modem_delta_target {
	struct dfu_modem_delta_cfg cfg;
	/* private */
	const struct dfu_modem_delta *m;
	const struct dfu_kv *kv;
	const struct dfu_clock *clock;
	dfu_target_callback_t cb;
	struct dfu_image_id id;
	size_t area;
	size_t pos;                    /* where the modem appends next (after init) */
	char uuid[DFU_MODEM_UUID_LEN]; /**< Running firmware's, read at init. */
	uint8_t writing;               /* the modem's transfer is open: write_init
					  done, no successful write_done since */
	uint8_t discard;               /* the next init erases (this boot) */
	uint8_t waiting;               /* in init's erase wait (callback may run) */
	uint8_t cancel;                /* reset/done(false) from that callback */
};

extern const struct dfu_target_ops dfu_target_modem_delta_ops;

/** Map a modem port result (0, negative errno, positive modem code) to 0 or
 *  a negative errno, as the table above. */
int dfu_modem_errno(int modem_result);

#ifdef __cplusplus
}
#endif

#endif /* DFU_TARGET_MODEM_DELTA_H_ */
