/*
 * Full modem install from flash: program the modem from the .cbor the full
 * modem target stored and verified (dfu_full_modem_stored()), through the
 * modem-bootloader port (struct dfu_modem_bootloader, dfu/dfu_modem.h). NCS's
 * fmfu_fdev_load() with its signature, and the library's own call.
 *
 * What dfu_full_modem_install() does, in order (spec modem.md §10):
 *   1. Refuses before any modem call: no verified file in the partition
 *      (-ENOENT), a file there that is not verified (a partial download, or
 *      complete but done(true) not run yet: -ENODATA), a download open on
 *      the target (-EBUSY), a buffer smaller than the wrapper (-EINVAL).
 *   2. Reads the wrapper (at most 1024 bytes) into buf, parses it again
 *      (it must be the one the verified record describes) and checks the
 *      segments (addr + len within 32 bits, else -EBADMSG).
 *   3. Hashes the blob from flash in buf_len chunks and compares it with
 *      the manifest's blob_hash (-EILSEQ: the partition changed since it
 *      was verified; download again). Nothing has reached the modem.
 *   4. init (bootloader mode; not with DFU_FMFU_NO_SESSION); segment 0
 *      (the modem's bootloader) with bl_write in buf_len chunks; update;
 *      unless DFU_FMFU_SKIP_PREVALIDATION, verify with the wrapper bytes
 *      (read into buf again); segments 1..n with fw_write(addr + offset,
 *      chunk); update; shutdown (not with DFU_FMFU_NO_SESSION). On a
 *      failure after init, shutdown is called too (its error ignored).
 *   Neither the partition nor the store is written: the verified file stays
 *   there for another attempt.
 *
 * Resumable where the modem allows: the modem has no resume in bootloader
 * mode ("after any failure the whole sequence must restart from
 * initialization", no offset query), so an interrupted install (power cut,
 * error, reset at any call) is retried from the start: init, the bootloader,
 * then every firmware segment again. Until an install completes the modem
 * has no bootable firmware (normal init fails, e.g. -EIO): the application
 * then calls the install again (the full update sample does the same when
 * the normal modem init fails at boot). The file stays verified in flash,
 * so retries need no download.
 *
 * Errors (negative errno):
 *   -EINVAL   NULL fm/bl/buf, a port callback missing (digest is optional),
 *             buf_len smaller than the wrapper, no flash; the port's init
 *             refused its own parameters (-EINVAL / -EFAULT from init).
 *   -ENOENT   no verified file in the partition (dfu_full_modem_stored()).
 *   -ENODATA  the partition holds a download that is not verified: partial,
 *             or complete before done(true) (its progress record exists).
 *   -EBUSY    a download is open on this target.
 *   -EILSEQ   the blob in flash does not match blob_hash (nothing sent).
 *   -EBADMSG  the wrapper in flash no longer parses as the recorded one, a
 *             segment runs past 4 GiB; or the modem refused a segment
 *             (bootloader too big, firmware address 0: the port's -EINVAL
 *             from bl_write / fw_write / update / verify).
 *   From the modem bootloader (mapped; any call):
 *   -EALREADY the modem library is already initialised (init's -EPERM).
 *   -EACCES   init: the modem refused the root key digest.
 *   -EPERM    the modem did not accept the request (write, update, verify:
 *             e.g. prevalidation refused the signature).
 *   -ENOEXEC  programming failed (or verify's RPC failed).
 *   -ETIMEDOUT the modem did not respond.
 *   -EIO      bootloader fault or bad response; also any other code the port
 *             returns (-ENOSYS, -ENOLCK, positive values, ...), and a power
 *             loss the port reports as -EIO.
 *   -ENOMEM   init: not enough shared memory.
 *   -EPROTO   the modem was not in a state to receive (-EOPNOTSUPP): out of
 *             sequence, e.g. another session ran in between.
 *   flash read errors unchanged.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FMFU_FDEV_H_
#define FMFU_FDEV_H_

#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_modem.h"
#include "dfu/dfu_target_full_modem.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Do not call verify (NCS's CONFIG_FMFU_FDEV_SKIP_PREVALIDATION: "not yet
 *  supported by the modem firmware"; the modem still checks the firmware
 *  before it boots it). */
#define DFU_FMFU_SKIP_PREVALIDATION 0x01u
/** The caller has initialised the modem library in bootloader mode and
 *  shuts it down afterwards (no init / shutdown calls; NCS's contract). */
#define DFU_FMFU_NO_SESSION 0x02u

/**
 * Program the modem from fm's verified file (see above). buf (buf_len >=
 * the wrapper length, 1024 always suffices; 4096 recommended) is the
 * read buffer. flags: DFU_FMFU_*. Returns 0 or a negative errno (above).
 */
int dfu_full_modem_install(const struct dfu_full_modem *fm, const struct dfu_modem_bootloader *bl,
			   uint8_t *buf, size_t buf_len, uint32_t flags);

/**
 * Map a modem bootloader port code to the documented errno (above). init:
 * the code came from the init callback. Exposed for ports and tests.
 */
int dfu_fmfu_errno(int port_err, int init);

/**
 * The modem bootloader the NCS call below uses, and its flags
 * (DFU_FMFU_SKIP_PREVALIDATION; DFU_FMFU_NO_SESSION is always added). NULL
 * unregisters. Not in NCS (there the modem library is linked in).
 */
void fmfu_fdev_set_bootloader(const struct dfu_modem_bootloader *bl, uint32_t flags);

struct device;

/**
 * NCS: load the full modem update stored in flash device fdev at offset
 * into the modem; "the modem library must be initialized in DFU mode
 * before calling this function" (NCS), so no init / shutdown here. The
 * file must be the one the full modem target registered in the default
 * context's configuration (dfu_target.h; the platform hook is called if
 * needed) stored and verified there: its flash is the configuration's
 * device_flash(fdev) and its partition starts at offset.
 * Returns 0, or: -ENOMEM NULL buf or fdev (as NCS); -ENOTSUP no bootloader
 * registered (fmfu_fdev_set_bootloader()); -ENODEV no configuration, no
 * flash for fdev, or no full modem target with that flash and offset;
 * otherwise dfu_full_modem_install()'s errors.
 */
int fmfu_fdev_load(uint8_t *buf, size_t buf_len, const struct device *fdev, size_t offset);

#ifdef __cplusplus
}
#endif

#endif /* FMFU_FDEV_H_ */
