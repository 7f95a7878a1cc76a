/*
 * Simulated power supply: power-cut injection shared by the sim devices.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stddef.h>

#include "sim_power.h"

/* Replaces a zero PRNG state (xorshift32 would stay at 0 forever). */
#define SIM_PRNG_DEFAULT 0x9e3779b9u

void sim_power_init(struct sim_power *p)
{
	p->ops = 0;
	p->cut_at = 0;
	p->torn = SIM_TORN_NOTHING;
	p->dead = false;
	p->cuts = 0;
	p->seed = SIM_PRNG_DEFAULT;
}

void sim_power_arm(struct sim_power *p, uint32_t cut_at, enum sim_torn torn, uint32_t seed)
{
	p->ops = 0;
	p->cut_at = cut_at;
	p->torn = torn;
	p->seed = seed;
}

void sim_power_disarm(struct sim_power *p)
{
	p->cut_at = 0;
}

void sim_power_reboot(struct sim_power *p)
{
	p->dead = false;
	p->cut_at = 0;
}

int sim_power_begin(struct sim_power *p)
{
	if (p == NULL) {
		return 0;
	}
	if (p->dead) {
		return -EIO;
	}
	p->ops++;
	if (p->cut_at != 0 && p->ops == p->cut_at) {
		p->dead = true;
		p->cuts++;
		return SIM_POWER_CUT;
	}
	return 0;
}

int sim_power_check(const struct sim_power *p)
{
	if (p != NULL && p->dead) {
		return -EIO;
	}
	return 0;
}

uint32_t sim_prng_next(uint32_t *state)
{
	uint32_t x = *state;

	if (x == 0) {
		x = SIM_PRNG_DEFAULT;
	}
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

uint32_t sim_power_rand(struct sim_power *p)
{
	static uint32_t fallback = SIM_PRNG_DEFAULT;

	return sim_prng_next(p != NULL ? &p->seed : &fallback);
}

uint32_t sim_torn_done(enum sim_torn torn, uint32_t n)
{
	uint32_t k;

	if (n == 0) {
		return 0;
	}
	switch (torn) {
	case SIM_TORN_ONE:
		k = 1;
		break;
	case SIM_TORN_HALF:
		k = n / 2;
		break;
	case SIM_TORN_ALL_BUT_ONE:
		k = n - 1;
		break;
	case SIM_TORN_NOTHING:
	default:
		k = 0;
		break;
	}
	return k > n - 1 ? n - 1 : k;
}
