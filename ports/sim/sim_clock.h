/*
 * Simulated clock implementing struct dfu_clock with virtual time: now_ms()
 * returns the virtual time, sleep_ms() advances it at once (nothing really
 * sleeps).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef SIM_CLOCK_H_
#define SIM_CLOCK_H_

#include <stdint.h>

#include "dfu/dfu_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A virtual clock. Allocate it yourself; set up with sim_clock_init(). */
struct sim_clock {
	struct dfu_clock dev; /**< Hand &dev to the library; dev.ctx is this struct. */
	uint64_t now_ms;      /**< Virtual time; dev.now_ms() returns its low 32 bits. */
	uint32_t sleeps;      /**< Number of dev.sleep_ms() calls. */
	uint64_t slept_ms;    /**< Total ms requested through dev.sleep_ms(). */
};

/** Set the virtual time to 0, zero the counters and fill c->dev. */
void sim_clock_init(struct sim_clock *c);

/** Advance the virtual time by ms (not counted as a sleep). */
void sim_clock_advance(struct sim_clock *c, uint32_t ms);

#ifdef __cplusplus
}
#endif

#endif /* SIM_CLOCK_H_ */
