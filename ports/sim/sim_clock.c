/*
 * Simulated clock with virtual time.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "sim_clock.h"

static uint32_t clock_now_ms(void *ctx)
{
	const struct sim_clock *c = ctx;

	return (uint32_t)c->now_ms;
}

static void clock_sleep_ms(void *ctx, uint32_t ms)
{
	struct sim_clock *c = ctx;

	c->sleeps++;
	c->slept_ms += ms;
	c->now_ms += ms;
}

void sim_clock_init(struct sim_clock *c)
{
	c->now_ms = 0;
	c->sleeps = 0;
	c->slept_ms = 0;
	c->dev.ctx = c;
	c->dev.now_ms = clock_now_ms;
	c->dev.sleep_ms = clock_sleep_ms;
}

void sim_clock_advance(struct sim_clock *c, uint32_t ms)
{
	c->now_ms += ms;
}
