/*
 * Image identification by magic bytes. Byte-wise comparisons only (the
 * reference loads host-endian, possibly unaligned words; we do not).
 *
 *   MCUboot      bytes 0..3 = 3D B8 F3 96 (LE u32 0x96f3b83d)
 *   Modem delta  bytes 4..7 = 6D 65 44 75 (LE u32 0x7544656d, "meDu")
 *   Full modem   bytes 0..1 = D2 84 (CBOR tag 18 COSE_Sign1 + array(4))
 *   App delta    bytes 0..4 = 4D 43 44 50 01 ("MCDP", envelope version 1;
 *                dfu_identify_mcuboot_delta() in dfu_target_mcuboot_delta.h)
 *
 * All need len >= DFU_TARGET_MIN_SIZE_IDENTIFY_BUF (32) like the reference.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_IDENTIFY_H_
#define DFU_IDENTIFY_H_

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

bool dfu_identify_mcuboot(const void *buf, size_t len);
bool dfu_identify_modem_delta(const void *buf, size_t len);
bool dfu_identify_full_modem(const void *buf, size_t len);

/** The identify function of a built-in type (false for other types). */
bool dfu_identify_builtin(int type, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* DFU_IDENTIFY_H_ */
