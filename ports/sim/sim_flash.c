/*
 * Simulated flash device (portable core: ISO C only, no POSIX). File backing
 * lives in sim_flash_file.c.
 *
 * Bit values are handled in a "normalised" domain where the erased state of
 * every bit is 1: n = raw ^ inv, inv = erase_value ^ 0xff. A program is then
 * an AND, an erase sets bits, and "setting a bit" means moving it back
 * towards the erased state, which a program cannot do.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_flash.h"

/*
 * Presets. Sources: the flash timing spec (flash-timing.md) sections 1, 2, 4 and 10.
 */
const struct sim_geometry sim_geo_nrf52840 = {
	.name = "nrf52840",
	.size = 1024u * 1024u,
	.write_block = 4,
	.erase_block = 4096,
	.program_page = 4,
	.erase_value = 0xff,
	.write_once_ecc = false,
	/* The PS allows 181 writes per 512 B block; we are strict: 2 per word. */
	.max_programs_per_wb = 2,
	.program_typ_us = 41,
	.program_max_us = 41,
	.erase_typ_us = 85000,
	.erase_max_us = 89700,
};

const struct sim_geometry sim_geo_nrf5340 = {
	.name = "nrf5340",
	.size = 1024u * 1024u,
	.write_block = 4,
	.erase_block = 4096,
	.program_page = 4,
	.erase_value = 0xff,
	.write_once_ecc = false,
	.max_programs_per_wb = 2,
	.program_typ_us = 43,
	.program_max_us = 43,
	.erase_typ_us = 87500,
	.erase_max_us = 89700,
};

const struct sim_geometry sim_geo_nrf9160 = {
	.name = "nrf9160",
	.size = 1024u * 1024u,
	.write_block = 4,
	.erase_block = 4096,
	.program_page = 4,
	.erase_value = 0xff,
	.write_once_ecc = false,
	.max_programs_per_wb = 2,
	.program_typ_us = 43,  /* (assumed) as nRF5340; not in a source. */
	.program_max_us = 43,  /* (assumed) */
	.erase_typ_us = 87500, /* (assumed) as nRF5340. */
	.erase_max_us = 89700,
};

const struct sim_geometry sim_geo_mx25r64 = {
	.name = "mx25r64",
	.size = 8u * 1024u * 1024u,
	.write_block = 1,
	.erase_block = 4096,
	.program_page = 256,
	.erase_value = 0xff,
	.write_once_ecc = false,
	.max_programs_per_wb = 0,
	/* One page-program time per 256 B page touched; bus time not charged. */
	.program_typ_us = 896,
	.program_max_us = 5376,
	.erase_typ_us = 48000,
	.erase_max_us = 240000,
};

const struct sim_geometry sim_geo_stm32l4 = {
	.name = "stm32l4",
	.size = 1024u * 1024u,
	.write_block = 8,
	.erase_block = 2048,
	.program_page = 8,
	.erase_value = 0xff,
	.write_once_ecc = true,
	.max_programs_per_wb = 1,
	.program_typ_us = 82,  /* (assumed) per double word: no source found. */
	.program_max_us = 82,  /* (assumed) */
	.erase_typ_us = 22000, /* (assumed) typ unknown; max 25 ms from Zephyr DTS. */
	.erase_max_us = 25000,
};

enum violation_kind {
	V_ZERO_LENGTH,
	V_OUT_OF_BOUNDS,
	V_MISALIGNED,
	V_NULL_BUFFER,
	V_REPROGRAM,
	V_OVER_LIMIT,
	V_ECC_REWRITE,
	V_NOR_SET_BIT,
};

static const char *const violation_names[] = {
	[V_ZERO_LENGTH] = "zero_length", [V_OUT_OF_BOUNDS] = "out_of_bounds",
	[V_MISALIGNED] = "misaligned",   [V_NULL_BUFFER] = "null_buffer",
	[V_REPROGRAM] = "reprogram",     [V_OVER_LIMIT] = "over_limit",
	[V_ECC_REWRITE] = "ecc_rewrite", [V_NOR_SET_BIT] = "nor_set_bit",
};

static void violation(struct sim_flash *f, enum violation_kind kind, uint32_t off)
{
	struct sim_violations *v = &f->cnt.violations;
	size_t used = strlen(f->last_violation);
	char entry[48];
	int n;

	switch (kind) {
	case V_ZERO_LENGTH:
		v->zero_length++;
		break;
	case V_OUT_OF_BOUNDS:
		v->out_of_bounds++;
		break;
	case V_MISALIGNED:
		v->misaligned++;
		break;
	case V_NULL_BUFFER:
		v->null_buffer++;
		break;
	case V_REPROGRAM:
		v->reprogram++;
		break;
	case V_OVER_LIMIT:
		v->over_limit++;
		break;
	case V_ECC_REWRITE:
		v->ecc_rewrite++;
		break;
	case V_NOR_SET_BIT:
	default:
		v->nor_set_bit++;
		break;
	}
	v->total++;

	/* Keep the first few whole entries; drop the rest. */
	n = snprintf(entry, sizeof(entry), "%s%s @0x%08lx", used != 0 ? "; " : "",
		     violation_names[kind], (unsigned long)off);
	if (n > 0 && used + (size_t)n < sizeof(f->last_violation)) {
		memcpy(f->last_violation + used, entry, (size_t)n + 1);
	}
}

static uint8_t inv_mask(const struct sim_flash *f)
{
	return (uint8_t)(f->dev.erase_value ^ 0xffu);
}

static uint8_t rand8(struct sim_flash *f)
{
	return (uint8_t)sim_power_rand(f->power);
}

/* Time of `units` operations of the given typ/max, per the timing mode. */
static uint64_t op_time(struct sim_flash *f, uint32_t typ, uint32_t max, uint32_t units)
{
	uint64_t t = 0;

	if (f->timing == SIM_TIMING_MAX && max > typ) {
		return (uint64_t)max * units;
	}
	if (f->timing != SIM_TIMING_RANDOM || max <= typ) {
		return (uint64_t)typ * units;
	}
	for (uint32_t i = 0; i < units; i++) {
		t += typ + sim_prng_next(&f->timing_seed) % (max - typ + 1u);
	}
	return t;
}

static int write_back(struct sim_flash *f, uint32_t off, size_t len)
{
	if (f->backing_write == NULL) {
		return 0;
	}
	return f->backing_write(f, off, len);
}

/*
 * Argument checks shared by read, program and erase. unit is the required
 * alignment of off and len; need_len rejects len 0; need_buf rejects a NULL
 * buffer with len > 0. Returns 0 or -EINVAL (one violation counted).
 */
static int check_args(struct sim_flash *f, uint32_t off, size_t len, uint32_t unit, bool need_len,
		      const void *buf, bool need_buf)
{
	if (len == 0 && need_len) {
		violation(f, V_ZERO_LENGTH, off);
		return -EINVAL;
	}
	if (len > f->dev.size || off > f->dev.size - len) {
		violation(f, V_OUT_OF_BOUNDS, off);
		return -EINVAL;
	}
	if (off % unit != 0 || len % unit != 0) {
		violation(f, V_MISALIGNED, off);
		return -EINVAL;
	}
	if (need_buf && buf == NULL && len > 0) {
		violation(f, V_NULL_BUFFER, off);
		return -EINVAL;
	}
	return 0;
}

/*
 * Clear random bits (normalised domain) of n bytes at cell: each bit still
 * erased is cleared with probability 1/4, and at least one bit is cleared if
 * any was set, so the result always differs from what was intended.
 */
static void disturb(struct sim_flash *f, uint8_t *cell, uint32_t n)
{
	uint8_t inv = inv_mask(f);
	bool changed = false;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t r = sim_power_rand(f->power);
		uint8_t v = (uint8_t)(cell[i] ^ inv);
		uint8_t nv = (uint8_t)(v & (uint8_t)(r | (r >> 8)));

		changed = changed || nv != v;
		cell[i] = (uint8_t)(nv ^ inv);
	}
	for (uint32_t i = 0; i < n && !changed; i++) {
		uint8_t v = (uint8_t)(cell[i] ^ inv);

		if (v != 0) {
			cell[i] = (uint8_t)((v & (v - 1u)) ^ inv);
			changed = true;
		}
	}
}

/*
 * Program one write block at off (aligned, in bounds). torn: the power was
 * cut during this block, its bits are undefined: old & (new | random).
 */
static void program_wb(struct sim_flash *f, uint32_t off, const uint8_t *src, bool torn)
{
	const struct sim_geometry *geo = f->geo;
	uint32_t wb = f->dev.write_block;
	uint8_t inv = inv_mask(f);
	uint8_t *cell = f->mem + off;
	uint8_t *count = &f->prog_count[off / wb];
	bool garbage = false;
	bool disturbed = false;

	if (*count > 0) {
		violation(f, V_REPROGRAM, off);
		if (geo->write_once_ecc) {
			violation(f, V_ECC_REWRITE, off);
			garbage = true;
		}
	}
	if (!geo->write_once_ecc && geo->max_programs_per_wb != 0 &&
	    *count >= geo->max_programs_per_wb) {
		violation(f, V_OVER_LIMIT, off);
		disturbed = true;
	}
	for (uint32_t i = 0; i < wb && !garbage; i++) {
		if (((src[i] ^ inv) & ~(cell[i] ^ inv) & 0xffu) != 0) {
			violation(f, V_NOR_SET_BIT, off);
			break;
		}
	}
	if (f->weak[off / f->dev.erase_block]) {
		f->cnt.weak_programs++;
		disturbed = true;
	}

	for (uint32_t i = 0; i < wb; i++) {
		uint8_t old_n = (uint8_t)(cell[i] ^ inv);
		uint8_t new_n = (uint8_t)(src[i] ^ inv);

		if (torn) {
			new_n = (uint8_t)(new_n | rand8(f));
		}
		cell[i] = (uint8_t)((old_n & new_n) ^ inv);
	}
	if (disturbed) {
		disturb(f, cell, wb);
	}
	if (garbage) {
		/* ECC word programmed twice: its content is meaningless. */
		for (uint32_t i = 0; i < wb; i++) {
			cell[i] = rand8(f);
		}
		if (memcmp(cell, src, wb) == 0) {
			cell[0] ^= 0x01u;
		}
	}
	if (*count < UINT8_MAX) {
		(*count)++;
	}
}

/* Complete erase of erase block b. */
static void erase_eb(struct sim_flash *f, uint32_t b)
{
	uint32_t eb = f->dev.erase_block;
	uint32_t wbs = eb / f->dev.write_block;

	memset(f->mem + (size_t)b * eb, f->dev.erase_value, eb);
	memset(f->prog_count + (size_t)b * wbs, 0, wbs);
	f->weak[b] = 0;
	f->cnt.erase_count[b]++;
}

/* Erase of erase block b interrupted by a power cut: the block becomes weak. */
static void tear_eb(struct sim_flash *f, uint32_t b, enum sim_torn torn)
{
	uint32_t eb = f->dev.erase_block;
	uint32_t wbs = eb / f->dev.write_block;
	uint8_t *cell = f->mem + (size_t)b * eb;
	uint8_t inv = inv_mask(f);

	if (torn == SIM_TORN_HALF) {
		/* Reads as erased, but is not reliably erased. */
		memset(cell, f->dev.erase_value, eb);
	} else {
		/* Partially erased: random bits moved to the erased state. */
		for (uint32_t i = 0; i < eb; i++) {
			cell[i] = (uint8_t)(((cell[i] ^ inv) | rand8(f)) ^ inv);
		}
	}
	memset(f->prog_count + (size_t)b * wbs, 0, wbs);
	f->weak[b] = 1;
	f->cnt.erase_count[b]++;
}

static int sim_read(void *ctx, uint32_t off, void *dst, size_t len)
{
	struct sim_flash *f = ctx;
	int err = sim_power_check(f->power);

	if (err != 0) {
		return err;
	}
	err = check_args(f, off, len, 1, false, dst, true);
	if (err != 0) {
		return err;
	}
	if (len > 0) {
		memcpy(dst, f->mem + off, len);
	}
	f->cnt.reads++;
	f->cnt.bytes_read += len;
	return 0;
}

static int sim_program(void *ctx, uint32_t off, const void *src, size_t len)
{
	struct sim_flash *f = ctx;
	const uint8_t *s = src;
	uint32_t wb = f->dev.write_block;
	uint32_t pp = f->program_page;
	uint32_t n;
	uint32_t done;
	int cut;
	int err = sim_power_check(f->power);

	if (err != 0) {
		return err;
	}
	err = check_args(f, off, len, wb, true, src, true);
	if (err != 0) {
		return err;
	}
	cut = sim_power_begin(f->power);
	if (cut < 0) {
		return cut;
	}

	n = (uint32_t)(len / wb);
	done = n;
	if (cut == SIM_POWER_CUT) {
		if (f->power->torn == SIM_TORN_NOTHING) {
			return -EIO;
		}
		done = sim_torn_done(f->power->torn, n);
	}
	for (uint32_t i = 0; i < done; i++) {
		program_wb(f, off + i * wb, s + (size_t)i * wb, false);
	}
	if (cut == SIM_POWER_CUT) {
		program_wb(f, off + done * wb, s + (size_t)done * wb, true);
		(void)write_back(f, off, len);
		return -EIO;
	}

	err = write_back(f, off, len);
	if (err != 0) {
		return err;
	}
	f->cnt.programs++;
	f->cnt.bytes_programmed += len;
	f->cnt.time_us += op_time(f, f->geo->program_typ_us, f->geo->program_max_us,
				  (uint32_t)((off + len - 1u) / pp - off / pp + 1u));
	return 0;
}

static int sim_erase(void *ctx, uint32_t off, size_t len)
{
	struct sim_flash *f = ctx;
	uint32_t eb = f->dev.erase_block;
	uint32_t first;
	uint32_t m;
	uint32_t done;
	int cut;
	int err = sim_power_check(f->power);

	if (err != 0) {
		return err;
	}
	err = check_args(f, off, len, eb, true, NULL, false);
	if (err != 0) {
		return err;
	}
	cut = sim_power_begin(f->power);
	if (cut < 0) {
		return cut;
	}

	first = off / eb;
	m = (uint32_t)(len / eb);
	done = m;
	if (cut == SIM_POWER_CUT) {
		if (f->power->torn == SIM_TORN_NOTHING) {
			return -EIO;
		}
		done = sim_torn_done(f->power->torn, m);
	}
	for (uint32_t i = 0; i < done; i++) {
		erase_eb(f, first + i);
	}
	if (cut == SIM_POWER_CUT) {
		tear_eb(f, first + done, f->power->torn);
		(void)write_back(f, off, len);
		return -EIO;
	}

	err = write_back(f, off, len);
	if (err != 0) {
		return err;
	}
	f->cnt.erases++;
	f->cnt.bytes_erased += len;
	f->cnt.time_us += op_time(f, f->geo->erase_typ_us, f->geo->erase_max_us, m);
	return 0;
}

int sim_flash_init(struct sim_flash *f, const struct sim_geometry *geo, uint32_t size,
		   struct sim_power *power)
{
	uint32_t pp;

	memset(f, 0, sizeof(*f));
	f->backing_fd = -1;
	if (geo == NULL) {
		return -EINVAL;
	}
	pp = geo->program_page != 0 ? geo->program_page : geo->write_block;
	if (size == 0) {
		size = geo->size;
	}
	if (geo->write_block == 0 || geo->erase_block < geo->write_block ||
	    geo->erase_block % geo->write_block != 0 || pp % geo->write_block != 0 || size == 0 ||
	    size % geo->erase_block != 0) {
		return -EINVAL;
	}

	f->geo = geo;
	f->power = power;
	f->blocks = size / geo->erase_block;
	f->program_page = pp;
	f->mem = malloc(size);
	f->prog_count = calloc(size / geo->write_block, 1);
	f->weak = calloc(f->blocks, 1);
	f->cnt.erase_count = calloc(f->blocks, sizeof(f->cnt.erase_count[0]));
	if (f->mem == NULL || f->prog_count == NULL || f->weak == NULL ||
	    f->cnt.erase_count == NULL) {
		sim_flash_free(f);
		return -ENOMEM;
	}
	memset(f->mem, geo->erase_value, size);

	f->dev.ctx = f;
	f->dev.read = sim_read;
	f->dev.program = sim_program;
	f->dev.erase = sim_erase;
	f->dev.size = size;
	f->dev.write_block = geo->write_block;
	f->dev.erase_block = geo->erase_block;
	f->dev.erase_value = geo->erase_value;
	f->timing = SIM_TIMING_TYP;
	return 0;
}

void sim_flash_free(struct sim_flash *f)
{
	if (f->backing_close != NULL) {
		f->backing_close(f);
	}
	free(f->mem);
	free(f->prog_count);
	free(f->weak);
	free(f->cnt.erase_count);
	f->mem = NULL;
	f->prog_count = NULL;
	f->weak = NULL;
	f->cnt.erase_count = NULL;
}

void sim_flash_set_timing(struct sim_flash *f, enum sim_timing mode, uint32_t seed)
{
	f->timing = mode;
	f->timing_seed = seed;
}

void sim_flash_reset_counters(struct sim_flash *f)
{
	uint32_t *erase_count = f->cnt.erase_count;

	memset(&f->cnt, 0, sizeof(f->cnt));
	f->cnt.erase_count = erase_count;
	if (erase_count != NULL) {
		memset(erase_count, 0, (size_t)f->blocks * sizeof(erase_count[0]));
	}
	f->last_violation[0] = '\0';
}

int sim_flash_fill_erased(struct sim_flash *f)
{
	memset(f->mem, f->dev.erase_value, f->dev.size);
	memset(f->prog_count, 0, f->dev.size / f->dev.write_block);
	memset(f->weak, 0, f->blocks);
	return write_back(f, 0, f->dev.size);
}

uint32_t sim_flash_wear_max(const struct sim_flash *f)
{
	uint32_t max = 0;

	for (uint32_t b = 0; b < f->blocks; b++) {
		if (f->cnt.erase_count[b] > max) {
			max = f->cnt.erase_count[b];
		}
	}
	return max;
}

bool sim_flash_is_weak(const struct sim_flash *f, uint32_t off)
{
	if (off >= f->dev.size) {
		return false;
	}
	return f->weak[off / f->dev.erase_block] != 0;
}
