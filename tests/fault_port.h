/*
 * Transient-fault injection for the port layer: wraps a flash device, a
 * store and a crypto port, counts every call into them (flash read,
 * program, erase; store read, write, remove; SHA-256 start, update, finish;
 * verify) and makes exactly the fail_at-th call return err (default -EIO)
 * without doing anything. Used by the fault sweeps: count the calls of a
 * clean run, then fail each one in turn.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FAULT_PORT_H_
#define FAULT_PORT_H_

#include <stdint.h>

#include "dfu/dfu_port.h"

struct fault_port {
	const struct dfu_flash *flash; /* wrapped (may be NULL) */
	const struct dfu_kv *kv;
	const struct dfu_crypto *crypto;
	struct dfu_flash wflash; /* the wrappers to hand to the library */
	struct dfu_kv wkv;
	struct dfu_crypto wcrypto;
	uint32_t calls;   /* port calls so far */
	uint32_t fail_at; /* 1-based call that fails; 0 = none */
	uint32_t fired;   /* faults injected */
	int err;
};

/* Wrap the given ports (any may be NULL); counters zero, nothing armed. */
void fault_port_wrap(struct fault_port *f, const struct dfu_flash *flash, const struct dfu_kv *kv,
		     const struct dfu_crypto *crypto);

/* The wrapper of crypto, or NULL when none was wrapped. */
const struct dfu_crypto *fault_port_crypto(struct fault_port *f);

#endif /* FAULT_PORT_H_ */
