/*
 * Simulated power supply, shared by simulated flash devices and the simulated
 * key-value store, for power-cut injection.
 *
 * Every mutating operation (flash program, flash erase, kv write, kv remove)
 * that passes its argument checks asks the power model first. The model
 * counts it in ops; when the op is number cut_at (1-based, counted from the
 * last sim_power_arm()), the op is torn according to `torn`, returns -EIO,
 * and the power goes off (dead). While dead, every operation of every device
 * on this power, reads included, returns -EIO and changes nothing, until
 * sim_power_reboot(). Device content (including hidden "weak" state of
 * partially erased flash blocks) survives the reboot.
 *
 * A zero-initialised struct sim_power is valid: no cut armed, not dead.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef SIM_POWER_H_
#define SIM_POWER_H_

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * What a power cut does to the operation it interrupts. k is the number of
 * units (write blocks of a program, erase blocks of an erase) completed
 * before the cut, for an operation of n units; k is clamped to [0, n-1] and
 * unit k is the torn one, units after it are untouched.
 */
enum sim_torn {
	SIM_TORN_NOTHING = 0, /**< The cut op has no effect at all. */
	SIM_TORN_ONE,         /**< k = 1. */
	SIM_TORN_HALF,        /**< k = n / 2. */
	SIM_TORN_ALL_BUT_ONE, /**< k = n - 1. */
};

/** Power model state. All fields may be read by tests; see the functions. */
struct sim_power {
	uint32_t ops;       /**< Mutating ops performed since the last arm. */
	uint32_t cut_at;    /**< Op number (1-based) to cut; 0 = never. */
	enum sim_torn torn; /**< Effect of the cut on the cut op. */
	bool dead;          /**< Power is off: everything fails with -EIO. */
	uint32_t cuts;      /**< Number of cuts that fired (never reset). */
	uint32_t seed;      /**< PRNG state for undefined bits (0 = default). */
};

/** Value returned by sim_power_begin() for the op that is cut. */
#define SIM_POWER_CUT 1

/** Reset p to the zero state: no cut armed, not dead, ops 0, default seed. */
void sim_power_init(struct sim_power *p);

/**
 * Arm a cut: the cut_at-th mutating op from now (1 = the next one) is torn
 * with mode torn and the power goes off. Resets ops to 0 and the PRNG state
 * to seed. cut_at 0 arms nothing. Does not revive a dead power (use
 * sim_power_reboot() first).
 */
void sim_power_arm(struct sim_power *p, uint32_t cut_at, enum sim_torn torn, uint32_t seed);

/** Cancel an armed cut (cut_at = 0). ops and dead are left as they are. */
void sim_power_disarm(struct sim_power *p);

/**
 * Power back on: clears dead and cut_at. Device content persists; ops and the
 * PRNG state are kept.
 */
void sim_power_reboot(struct sim_power *p);

/**
 * For device models: call before performing a mutating op whose arguments
 * were accepted. p may be NULL (no power model: always 0). Returns -EIO when
 * dead (the op must change nothing and is not counted), SIM_POWER_CUT when
 * this op is the one to cut (it is counted, dead is now set, cuts is
 * incremented; the device applies p->torn and returns -EIO), else 0 (the op
 * is counted and runs normally).
 */
int sim_power_begin(struct sim_power *p);

/**
 * For device models: call before a non-mutating op (read). p may be NULL.
 * Returns -EIO when dead, else 0. Not counted in ops.
 */
int sim_power_check(const struct sim_power *p);

/**
 * For device models: next pseudo-random 32-bit value from p's PRNG (used for
 * undefined bits). p may be NULL: a fixed internal state is used then.
 */
uint32_t sim_power_rand(struct sim_power *p);

/**
 * Deterministic PRNG (xorshift32) step on *state; a zero state is replaced
 * by a fixed non-zero constant first. Returns the new state.
 */
uint32_t sim_prng_next(uint32_t *state);

/**
 * Number of units completed before the torn one, for an op of n >= 1 units
 * cut in mode torn (NOTHING gives 0 but means "no effect at all").
 */
uint32_t sim_torn_done(enum sim_torn torn, uint32_t n);

#ifdef __cplusplus
}
#endif

#endif /* SIM_POWER_H_ */
