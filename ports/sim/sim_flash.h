/*
 * Simulated flash device implementing struct dfu_flash (host tests and the
 * emulated Cortex-M33). Test code: it allocates with malloc.
 *
 * Model:
 *   - Content is a byte array. A program ANDs the new data into the old one
 *     (bits can only move away from the erased state; for erase_value 0x00
 *     the roles of 0 and 1 swap). An erase sets whole erase blocks to
 *     erase_value.
 *   - Per write block: number of programs since its last erase (saturates at
 *     255). Per erase block: a hidden "weak" flag (an interrupted erase) and
 *     an erase count (wear).
 *   - Contract violations are counted by kind in cnt.violations, and the
 *     first few are described in last_violation. Argument violations
 *     (zero length, out of bounds, misalignment, NULL buffer) return -EINVAL
 *     and change nothing. Physical violations (reprogram, over the program
 *     limit, ECC rewrite, setting a bit) are carried out as the hardware
 *     would: the call returns 0 and the data shows the physics.
 *   - Modeled busy time per op (reads cost 0), typ, max or random.
 *   - Power cuts through an optional shared struct sim_power (sim_power.h).
 *
 * Check order of read/program/erase: dead power (-EIO), then arguments
 * (-EINVAL), then the power model counts the op (and may cut it).
 *
 * Counters count only operations that completed (returned 0). An op cut by
 * the power model shows up in power->ops / power->cuts only; its partial
 * effects are applied to content, program counts and weak flags, and the
 * erase counts (wear) include every block a cut erase touched.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef SIM_FLASH_H_
#define SIM_FLASH_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_port.h"
#include "sim_power.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Device geometry and timing. Times are per unit, in microseconds. */
struct sim_geometry {
	const char *name;
	uint32_t size;                /**< Default device size, bytes. */
	uint32_t write_block;         /**< Program unit, bytes. */
	uint32_t erase_block;         /**< Erase unit, bytes. */
	uint32_t program_page;        /**< Timing unit of programs (0 = write_block). */
	uint8_t erase_value;          /**< Erased byte value. */
	bool write_once_ecc;          /**< A programmed write block can never be reprogrammed. */
	uint16_t max_programs_per_wb; /**< Programs per write block between erases; 0 = no limit. */
	uint32_t program_typ_us;      /**< Per program_page touched by a program. */
	uint32_t program_max_us;
	uint32_t erase_typ_us; /**< Per erase block. */
	uint32_t erase_max_us;
};

/** nRF52840 NVMC: 1 MiB, 4 KiB pages, 4 B words, 41 us/word, 85/89.7 ms erase. */
extern const struct sim_geometry sim_geo_nrf52840;
/** nRF5340 application core NVMC: 1 MiB, 4 KiB, 4 B, 43 us, 87.5/89.7 ms. */
extern const struct sim_geometry sim_geo_nrf5340;
/** nRF9160 NVMC: 1 MiB, 4 KiB, 4 B, 43 us (assumed), 87.5/89.7 ms. */
extern const struct sim_geometry sim_geo_nrf9160;
/** MX25R6435F NOR: 8 MiB, 4 KiB sectors, 1 B writes, 256 B pages 896/5376 us,
 *  48/240 ms sector erase, no program limit. */
extern const struct sim_geometry sim_geo_mx25r64;
/** STM32L4: 1 MiB, 2 KiB pages, 8 B write-once ECC double words, 82 us per
 *  double word (assumed), 22 (assumed) / 25 ms erase. */
extern const struct sim_geometry sim_geo_stm32l4;

/** Timing modes for sim_flash_set_timing(). */
enum sim_timing {
	SIM_TIMING_TYP = 0, /**< Typical time per unit (default). */
	SIM_TIMING_MAX,     /**< Worst-case time per unit. */
	SIM_TIMING_RANDOM,  /**< Uniform in [typ, max], drawn per unit. */
};

/** Violation counts by kind; total is the sum of the others. */
struct sim_violations {
	uint32_t total;
	uint32_t zero_length;   /**< program/erase with len 0. */
	uint32_t out_of_bounds; /**< off + len > size. */
	uint32_t misaligned;    /**< off or len not a multiple of the unit. */
	uint32_t null_buffer;   /**< NULL src/dst with len > 0. */
	uint32_t reprogram;     /**< Write block programmed again before an erase. */
	uint32_t over_limit;    /**< More than max_programs_per_wb programs. */
	uint32_t ecc_rewrite;   /**< Second program of a write-once ECC word. */
	uint32_t nor_set_bit;   /**< Program tried to move a bit to the erased state. */
};

/** Operation counters, cleared by sim_flash_reset_counters(). */
struct sim_flash_counters {
	uint32_t reads;    /**< Completed read calls. */
	uint32_t programs; /**< Completed program calls. */
	uint32_t erases;   /**< Completed erase calls. */
	uint64_t bytes_read;
	uint64_t bytes_programmed;
	uint64_t bytes_erased;
	uint64_t time_us;       /**< Modeled busy time of completed ops. */
	uint32_t weak_programs; /**< Write blocks programmed inside a weak erase block. */
	uint32_t *erase_count;  /**< Per erase block (size / erase_block entries). */
	struct sim_violations violations;
};

/** Size of sim_flash.last_violation. */
#define SIM_VIOLATION_TEXT 128

/** A simulated flash device. Allocate it yourself; set up with sim_flash_init(). */
struct sim_flash {
	struct dfu_flash dev; /**< Hand &dev to the library; dev.ctx is this struct. */
	const struct sim_geometry *geo;
	struct sim_power *power; /**< May be NULL: no power model. */
	uint8_t *mem;            /**< Content, dev.size bytes. */
	uint8_t *prog_count;     /**< Per write block: programs since erase. */
	uint8_t *weak;           /**< Per erase block: 1 if weak (interrupted erase). */
	uint32_t blocks;         /**< Number of erase blocks. */
	uint32_t program_page;   /**< Effective timing unit of programs. */
	struct sim_flash_counters cnt;
	/** First few violations as "kind @0xOFFSET" joined by "; " ("" if none). */
	char last_violation[SIM_VIOLATION_TEXT];
	enum sim_timing timing;
	uint32_t timing_seed; /**< PRNG state of SIM_TIMING_RANDOM. */
	/* Host file backing (sim_flash_file.c); unused when these are NULL. */
	int (*backing_write)(struct sim_flash *f, uint32_t off, size_t len);
	void (*backing_close)(struct sim_flash *f);
	int backing_fd;
};

/**
 * Set up f as a device of geometry geo. size 0 means geo->size; otherwise it
 * must be a non-zero multiple of geo->erase_block (e.g. a smaller device for
 * the emulated target). power may be NULL (no cuts, never dead) and may be
 * shared by several devices. The content is erased, program counts and weak
 * flags cleared, counters zeroed, timing SIM_TIMING_TYP. f->dev gets the
 * callbacks and geometry. Returns 0, -EINVAL (bad geometry or size) or
 * -ENOMEM. On error nothing needs freeing.
 */
int sim_flash_init(struct sim_flash *f, const struct sim_geometry *geo, uint32_t size,
		   struct sim_power *power);

/** Free what sim_flash_init() allocated (and close a file backing). Safe to call twice. */
void sim_flash_free(struct sim_flash *f);

/**
 * Select the timing mode. seed initialises the PRNG of SIM_TIMING_RANDOM
 * (ignored otherwise), so the same seed gives the same sequence of times.
 */
void sim_flash_set_timing(struct sim_flash *f, enum sim_timing mode, uint32_t seed);

/** Zero every counter (including the per-block erase counts) and last_violation. */
void sim_flash_reset_counters(struct sim_flash *f);

/**
 * Make the device factory-fresh: content erased, program counts and weak
 * flags cleared (written through to a file backing). Counters are unchanged;
 * not an operation (the power model is not consulted). Returns 0 or the file
 * backing's error.
 */
int sim_flash_fill_erased(struct sim_flash *f);

/** Highest per-erase-block erase count (since init or the last counter reset). */
uint32_t sim_flash_wear_max(const struct sim_flash *f);

/** True if the erase block holding device offset off is weak (hidden state). */
bool sim_flash_is_weak(const struct sim_flash *f, uint32_t off);

#ifndef SIM_NO_FILE
/**
 * Host only (sim_flash_file.c, POSIX). Back the device by the file at path,
 * byte for byte (file offset 0 = device offset 0). If the file exists it must
 * be exactly dev.size bytes long (else -EINVAL) and its content replaces the
 * device content: write blocks that are not entirely erase_value count as
 * programmed once, weak flags are cleared (the file holds no hidden state).
 * If it does not exist it is created filled with erase_value and the device
 * is made factory-fresh (sim_flash_fill_erased()). From then on every program
 * and erase (including torn ones) writes the touched range through to the
 * file. Returns 0, -EINVAL, -EBUSY (already attached) or a negative errno of
 * the file system.
 */
int sim_flash_attach_file(struct sim_flash *f, const char *path);

/** Close the file backing (no-op if none). Returns 0 or a negative errno. */
int sim_flash_detach_file(struct sim_flash *f);
#endif /* SIM_NO_FILE */

#ifdef __cplusplus
}
#endif

#endif /* SIM_FLASH_H_ */
