/*
 * Fixture of the simulated port tests (test_sim_*.c): one power domain, two
 * flash devices and a key-value store on it, scratch buffers, and the device
 * calls through the dfu_flash interface (as the library makes them).
 *
 * Each test file is its own executable, so the state below is per file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef SIM_SUPPORT_H_
#define SIM_SUPPORT_H_

#include <stdint.h>
#include <stdlib.h>

#include "sim_flash.h"
#include "sim_kv.h"
#include "sim_power.h"

#define EB 4096u /* nRF / MX25R erase block */

static struct sim_power pw;
static struct sim_flash fl;
static struct sim_flash fl2;
static struct sim_kv kv;
static uint8_t buf[4 * EB];
static uint8_t rd[4 * EB];

static inline void free_all(void)
{
	sim_flash_free(&fl);
	sim_flash_free(&fl2);
}

/* Fresh power, fresh fl of geometry geo and size (0 = preset size). */
static inline int setup(const struct sim_geometry *geo, uint32_t size)
{
	static int registered;

	if (!registered) {
		(void)atexit(free_all);
		registered = 1;
	}
	free_all();
	sim_power_init(&pw);
	sim_kv_init(&kv, &pw);
	return sim_flash_init(&fl, geo, size, &pw);
}

static inline int prog(struct sim_flash *f, uint32_t off, const void *src, size_t len)
{
	return f->dev.program(f->dev.ctx, off, src, len);
}

static inline int erase(struct sim_flash *f, uint32_t off, size_t len)
{
	return f->dev.erase(f->dev.ctx, off, len);
}

static inline int rdf(struct sim_flash *f, uint32_t off, void *dst, size_t len)
{
	return f->dev.read(f->dev.ctx, off, dst, len);
}

static inline int all_equal(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != v) {
			return 0;
		}
	}
	return 1;
}

static inline void pattern(uint8_t *p, size_t n, uint8_t salt)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)(i * 7u + salt);
	}
}

#endif /* SIM_SUPPORT_H_ */
