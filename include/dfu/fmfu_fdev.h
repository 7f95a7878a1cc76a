/*
 * nRF Connect SDK's "full modem firmware update from flash device"
 * (<dfu/fmfu_fdev.h>): program the modem from the .cbor stored by the full
 * modem target. Declared with NCS's signature; not implemented yet: returns
 * -ENOTSUP (the modem-bootloader port is future work, README "NCS API").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FMFU_FDEV_H_
#define FMFU_FDEV_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct device;

int fmfu_fdev_load(uint8_t *buf, size_t buf_len, const struct device *fdev, size_t offset);

#ifdef __cplusplus
}
#endif

#endif /* FMFU_FDEV_H_ */
