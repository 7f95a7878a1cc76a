/*
 * Modem port: the operations a cellular modem offers for delta (patch)
 * updates, shaped after nrfxlib's nrf_modem_delta_dfu API so that a real
 * nRF91 port is a thin mapping (one line per call, plus the errno table
 * below).
 *
 * Return convention of every callback (as the modem library's):
 *   0          OK;
 *   < 0        a library error, as a negative errno of the platform's libc
 *              (-EPERM not initialised, -ENOMEM, -EFAULT NULL pointer,
 *              -EINVAL e.g. zero length, -ESHUTDOWN modem shut down,
 *              -EALREADY write_init twice). An nRF91 port maps -NRF_Exxx to
 *              -Exxx (the nrf_errno.h numbers differ from newlib's; newlib
 *              defines ESHUTDOWN only with __LINUX_ERRNO_EXTENSIONS__, any
 *              other negative value of the port's choice will do);
 *   > 0        a modem error code, enum dfu_modem_err (the values of
 *              NRF_MODEM_DELTA_DFU_*).
 *
 * Semantics (nrf_modem_delta_dfu.h):
 *   uuid        the running modem firmware's UUID: 36 ASCII characters, no
 *               NUL.
 *   area        the size of the scratch area = the largest patch.
 *   offset      0: area empty and ready; DFU_MODEM_OFFSET_DIRTY: must be
 *               erased; else the bytes of a (partial or complete) patch the
 *               modem holds. It may lag the bytes written (the modem
 *               commits in steps) and survives power loss.
 *   write_init  acquire modem resources (-EALREADY when done already).
 *   write       append len > 0 bytes at the modem's own position (no
 *               offset argument).
 *   write_done  release resources; pause or end.
 *   erase       start erasing the area and return at once; until it is
 *               done every delta call returns DFU_MODEM_ERASE_PENDING.
 *   update      apply the patch at the next modem boot
 *               (DFU_MODEM_INCOMPLETE_DATA when incomplete).
 *   rollback    go back to the previous firmware at the next modem boot.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_MODEM_H_
#define DFU_MODEM_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** UUID length: 36 characters, RFC 4122 text form, not NUL-terminated. */
#define DFU_MODEM_UUID_LEN 36
/** Offset value meaning "the scratch area is dirty: erase it". */
#define DFU_MODEM_OFFSET_DIRTY 2621440u

/** Modem error codes (positive), as NRF_MODEM_DELTA_DFU_*. */
enum dfu_modem_err {
	DFU_MODEM_NO_ERROR = 0,
	DFU_MODEM_RECEIVER_OUT_OF_MEMORY = 1,
	DFU_MODEM_RECEIVER_BLOCK_TOO_LARGE = 2,
	DFU_MODEM_INVALID_HEADER_DATA = 3,
	DFU_MODEM_ERROR_INTERNAL_00 = 4,
	DFU_MODEM_INVALID_DATA = 5,
	DFU_MODEM_ERROR_INTERNAL_01 = 6,
	DFU_MODEM_ERROR_INTERNAL_02 = 7,
	DFU_MODEM_ERROR_INTERNAL_03 = 8,
	DFU_MODEM_INVALID_UUID = 9,
	DFU_MODEM_INVALID_ADDRESS = 10,
	DFU_MODEM_AREA_NOT_BLANK = 11,
	DFU_MODEM_WRITE_ERROR = 12,
	DFU_MODEM_ERASE_ERROR = 13,
	DFU_MODEM_INVALID_FILE_OFFSET = 14,
	DFU_MODEM_PROGRESS_LOG_INVALID = 15,
	DFU_MODEM_INVALID_RESUME_ATTEMPT = 16,
	DFU_MODEM_ERASE_PENDING = 17,
	DFU_MODEM_OPERATION_NOT_ALLOWED = 18,
	DFU_MODEM_INCOMPLETE_DATA = 19,
	DFU_MODEM_INTERRUPTED_WRITE = 20,
	DFU_MODEM_INVALID_OPERATION = 21,
	DFU_MODEM_ERROR_INTERNAL_04 = 22,
	DFU_MODEM_NOT_ALLOWED_POFWARN_ON = 23,
};

/** Result of an update reported at the modem's next boot (nrf_modem.h). */
enum dfu_modem_result {
	DFU_MODEM_RESULT_OK = 0x5500001,
	DFU_MODEM_RESULT_INTERNAL_ERROR = 0x4400001,
	DFU_MODEM_RESULT_HARDWARE_ERROR = 0x4400002,
	DFU_MODEM_RESULT_AUTH_ERROR = 0x4400003,
	DFU_MODEM_RESULT_UUID_ERROR = 0x4400004,
	DFU_MODEM_RESULT_VOLTAGE_LOW = 0x4400005,
};

/** Delta-update operations of one modem. All members required. */
struct dfu_modem_delta {
	void *ctx;
	int (*uuid)(void *ctx, char uuid[DFU_MODEM_UUID_LEN]);
	int (*area)(void *ctx, size_t *size);
	int (*offset)(void *ctx, size_t *offset);
	int (*write_init)(void *ctx);
	int (*write)(void *ctx, const void *src, size_t len);
	int (*write_done)(void *ctx);
	int (*erase)(void *ctx);
	int (*update)(void *ctx);
	int (*rollback)(void *ctx);
};

/** Check that every callback is set. Returns 0 or -EINVAL. */
int dfu_modem_delta_validate(const struct dfu_modem_delta *m);

/* ---- Full update: the modem bootloader (nrf_modem_bootloader.h) ---------- */

/** SHA-256 digest length of dfu_modem_bootloader.digest (8 x u32 in nrfxlib). */
#define DFU_MODEM_BL_DIGEST_LEN 32

/** A modem flash range for digest (nrf_modem_bootloader_fw_segment). */
struct dfu_modem_bl_segment {
	uint32_t start_addr;
	uint32_t end_addr; /**< Last byte, inclusive (inferred, unverified). */
};

/**
 * Bootloader-mode operations of one modem, shaped after nrfxlib's
 * nrf_modem_bootloader_* API (libmodem >= 2.3.0; a port is one line per
 * call plus the -NRF_E* -> -E* mapping, as for struct dfu_modem_delta).
 * Used by the full modem install (<dfu/fmfu_fdev.h>). Every callback returns
 * 0 or a negative errno: the modem library's -NRF_Exxx mapped to -Exxx.
 *
 *   init      shut the modem library down if it runs, then initialise it in
 *             bootloader mode (nrf_modem_bootloader_init()): -EPERM already
 *             initialised, -EACCES the modem refused the root key digest,
 *             -ETIMEDOUT, -EIO bootloader fault, -ENOMEM, -ENOLCK, -EINVAL /
 *             -EFAULT the port's parameters, -ENOSYS.
 *   shutdown  leave bootloader mode (nrf_modem_shutdown()). The next normal
 *             init boots the firmware that was programmed.
 *   bl_write  append bootloader bytes (segment 0): -EINVAL NULL or a
 *             bootloader too big, -EOPNOTSUPP not in a state to receive.
 *   fw_write  program len bytes at modem address addr; only after the
 *             bootloader was written and updated. -EINVAL NULL or addr 0,
 *             -EOPNOTSUPP, -EPERM request refused, -ENOEXEC programming
 *             failed, -ETIMEDOUT no response, -EIO bad response. The library
 *             buffers up to 8 KiB per contiguous address, so a programming
 *             error may surface at a later write or at update.
 *   update    end the bootloader or the firmware phase (flush): the same
 *             codes as fw_write.
 *   verify    signature prevalidation of the firmware with the .cbor
 *             wrapper bytes (can take minutes): -EINVAL, -EOPNOTSUPP no
 *             bootloader programmed, -EPERM, -ENOEXEC, -ETIMEDOUT, -EIO.
 *   digest    optional (may be NULL): SHA-256 over the modem flash ranges,
 *             as bytes (a port turns nrfxlib's 8 x u32 into bytes).
 *             Real modems hash the plaintext, so this does not match the
 *             .cbor's blob_hash (the blob is encrypted).
 *
 * After any failure the whole sequence must start again from init (the
 * modem has no resume in bootloader mode and no backup ROM: a firmware
 * interrupted while it is programmed does not boot until a full update
 * succeeds).
 */
struct dfu_modem_bootloader {
	void *ctx;
	int (*init)(void *ctx);
	int (*shutdown)(void *ctx);
	int (*bl_write)(void *ctx, const void *src, uint32_t len);
	int (*fw_write)(void *ctx, uint32_t addr, const void *src, uint32_t len);
	int (*update)(void *ctx);
	int (*verify)(void *ctx, const void *data, uint32_t len);
	int (*digest)(void *ctx, const struct dfu_modem_bl_segment *segs, size_t n,
		      uint8_t out[DFU_MODEM_BL_DIGEST_LEN]);
};

/** Check that every callback but digest is set. Returns 0 or -EINVAL. */
int dfu_modem_bootloader_validate(const struct dfu_modem_bootloader *bl);

#ifdef __cplusplus
}
#endif

#endif /* DFU_MODEM_H_ */
