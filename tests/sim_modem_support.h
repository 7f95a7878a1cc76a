/*
 * Fixture of the simulated modem tests (test_sim_modem*.c): a power domain,
 * a virtual clock and a modem on them (default config, running UUID A), a
 * 20000-byte patch A -> B, and the delta calls through struct
 * dfu_modem_delta (as the library makes them).
 *
 * Each test file is its own executable, so the state below is per file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef SIM_MODEM_SUPPORT_H_
#define SIM_MODEM_SUPPORT_H_

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sim_modem.h"

static struct sim_power pw;
static struct sim_clock clk;
static struct sim_modem md;
static uint8_t pay[24 * 1024];
static uint8_t patch[sizeof(pay) + SIM_MODEM_PATCH_OVERHEAD];
static size_t plen;

static inline void free_modem(void)
{
	sim_modem_free(&md);
}

/* Fresh power, clock and modem (default config, running UUID A); a 20000-byte
 * payload patch A -> B in patch[0..plen). */
static inline int setup(void)
{
	static int registered;

	if (!registered) {
		(void)atexit(free_modem);
		registered = 1;
	}
	sim_modem_free(&md);
	sim_power_init(&pw);
	sim_clock_init(&clk);
	for (size_t i = 0; i < sizeof(pay); i++) {
		pay[i] = (uint8_t)(i * 7u + 3u);
	}
	plen = sim_modem_make_patch(patch, sizeof(patch), SIM_MODEM_UUID_A, SIM_MODEM_UUID_B, pay,
				    20000);
	return sim_modem_init(&md, NULL, SIM_MODEM_UUID_A, &pw, &clk);
}

static inline int m_uuid(char *u)
{
	return md.dev.uuid(md.dev.ctx, u);
}
static inline int m_area(size_t *s)
{
	return md.dev.area(md.dev.ctx, s);
}
static inline int m_off(size_t *o)
{
	return md.dev.offset(md.dev.ctx, o);
}
static inline int m_init(void)
{
	return md.dev.write_init(md.dev.ctx);
}
static inline int m_wr(const void *p, size_t n)
{
	return md.dev.write(md.dev.ctx, p, n);
}
static inline int m_done(void)
{
	return md.dev.write_done(md.dev.ctx);
}
static inline int m_erase(void)
{
	return md.dev.erase(md.dev.ctx);
}
static inline int m_update(void)
{
	return md.dev.update(md.dev.ctx);
}
static inline int m_rollback(void)
{
	return md.dev.rollback(md.dev.ctx);
}

/* write_init (if not open), then patch[from, to) in chunk-byte writes. */
static inline int send(size_t from, size_t to, size_t chunk)
{
	int err = md.open ? 0 : m_init();

	for (size_t p = from; !err && p < to; p += chunk) {
		err = m_wr(patch + p, to - p < chunk ? to - p : chunk);
	}
	return err;
}

/* The whole patch, write_done, update. */
static inline int send_and_schedule(void)
{
	int err = send(0, plen, 4096);

	if (!err) {
		err = m_done();
	}
	return err ? err : m_update();
}

#define CHECK_OFFSET(want)                    \
	do {                                  \
		size_t o_ = 0;                \
		CHECK_OK(m_off(&o_));         \
		CHECK_EQ(o_, (size_t)(want)); \
	} while (0)

#endif /* SIM_MODEM_SUPPORT_H_ */
