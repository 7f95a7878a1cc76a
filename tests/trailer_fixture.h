/*
 * Fixture of the MCUboot trailer tests: one simulated device (flash +
 * power) holding one image pair, and helpers that write trailer fields the
 * way the spec describes them (not through the code under test).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef TRAILER_FIXTURE_H_
#define TRAILER_FIXTURE_H_

#include <errno.h>
#include <string.h>

#include "dfu/dfu_mcuboot_board.h"
#include "sim_flash.h"
#include "sim_power.h"
#include "trailer_spec.h"

struct tfix {
	struct sim_power pw;
	struct sim_flash fl;
	struct dfu_mcuboot_pair pair;
};

/* Primary at 0 (psize bytes), secondary right after it (ssize bytes).
 * Frees what a previous make allocated. */
static inline int tfix_make(struct tfix *t, const struct sim_geometry *geo, uint32_t psize,
			    uint32_t ssize, uint8_t align, uint16_t max_sectors, uint8_t mode)
{
	sim_flash_free(&t->fl);
	sim_power_init(&t->pw);
	if (sim_flash_init(&t->fl, geo, psize + ssize, &t->pw) != 0) {
		return -ENOMEM;
	}
	t->pair = (struct dfu_mcuboot_pair){.primary = {&t->fl.dev, 0, psize},
					    .secondary = {&t->fl.dev, psize, ssize},
					    .mode = mode,
					    .max_align = align,
					    .max_img_sectors = max_sectors};
	return 0;
}

/* Move mode, n sectors in the secondary, n + 1 in the primary. */
static inline int tfix_make_n(struct tfix *t, const struct sim_geometry *geo, uint32_t n,
			      uint8_t align)
{
	return tfix_make(t, geo, (n + 1) * geo->erase_block, n * geo->erase_block, align, 0,
			 DFU_MCUBOOT_SWAP_MOVE);
}

/* One past the last byte of slot s in the device content. */
static inline uint8_t *tfix_end(struct tfix *t, const struct dfu_mcuboot_slot *s)
{
	return t->fl.mem + s->offset + s->size;
}

/* Completed programs + erases since the last counter reset. */
static inline uint32_t tfix_ops(const struct tfix *t)
{
	return t->fl.cnt.programs + t->fl.cnt.erases;
}

/* Write a flag / field at S - back of slot s: value, erased padding to w. */
static inline int tfix_put_field(struct tfix *t, const struct dfu_mcuboot_slot *s, uint32_t back,
				 uint8_t value)
{
	uint8_t b[32];

	memset(b, t->fl.dev.erase_value, sizeof(b));
	b[0] = value;
	return t->fl.dev.program(t->fl.dev.ctx, s->offset + s->size - back, b,
				 t->fl.dev.write_block);
}

/* Write a magic area (spec 5.5) holding the given 16 bytes. */
static inline int tfix_put_magic(struct tfix *t, const struct dfu_mcuboot_slot *s, uint32_t align,
				 const uint8_t *magic)
{
	uint8_t b[32];
	uint32_t area = spec_row(align)->magic_area;

	memset(b, t->fl.dev.erase_value, sizeof(b));
	memcpy(b + area - 16, magic, 16);
	return t->fl.dev.program(t->fl.dev.ctx, s->offset + s->size - area, b, area);
}

/* Program [S - len, S) of slot s with non-erased bytes from fill(i) (a
 * stale trailer); len <= 16 KiB, a multiple of the write block. */
static inline int tfix_put_bytes(struct tfix *t, const struct dfu_mcuboot_slot *s, uint32_t len,
				 uint8_t (*fill)(uint32_t back))
{
	static uint8_t g[16 * 1024];

	for (uint32_t i = 0; i < len; i++) {
		g[i] = fill(len - i);
	}
	return t->fl.dev.program(t->fl.dev.ctx, s->offset + s->size - len, g, len);
}

/* The swap type MCUboot would pick from the trailers in flash (0 = a read
 * failed). */
static inline enum dfu_mcuboot_swap tfix_decide(struct tfix *t)
{
	struct dfu_mcuboot_trailer p;
	struct dfu_mcuboot_trailer s;

	if (dfu_mcuboot_trailer_read(&t->pair, 0, &p) != 0 ||
	    dfu_mcuboot_trailer_read(&t->pair, 1, &s) != 0) {
		return (enum dfu_mcuboot_swap)0;
	}
	return dfu_mcuboot_swap_type(&t->pair, &p, &s);
}

#endif /* TRAILER_FIXTURE_H_ */
