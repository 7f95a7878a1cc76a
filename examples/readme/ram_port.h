/*
 * A complete port in RAM, as the README's porting guide describes: one
 * struct dfu_flash (1 MiB, 4-byte write blocks, 4 KiB erase blocks, erased
 * = 0xFF) and one struct dfu_kv (a small record table). Replace the bodies
 * of the callbacks with your flash driver and your store (NVS, settings, a
 * flash page of your own) and the rest of the program stays as it is.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef RAM_PORT_H_
#define RAM_PORT_H_

#include <stdint.h>

#include "dfu/dfu_port.h"

#define RAM_FLASH_SIZE (1024u * 1024u)

extern const struct dfu_flash my_flash;
extern const struct dfu_kv my_kv;
extern uint8_t ram_flash_mem[RAM_FLASH_SIZE];

#endif /* RAM_PORT_H_ */
