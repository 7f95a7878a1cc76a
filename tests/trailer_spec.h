/*
 * MCUboot trailer facts for the trailer tests, typed in from the spec
 * (the MCUboot format spec, mcuboot.md sections 5.2, 5.4, 5.5) independently of the
 * code under test: expected bytes are built from these tables, never from
 * dfu_mcuboot_layout().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef TRAILER_SPEC_H_
#define TRAILER_SPEC_H_

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Section 5.4: the 16 bytes at the end of the slot. */
static const uint8_t spec_magic_a8[16] = {0x77, 0xC2, 0x95, 0xF3, 0x60, 0xD2, 0xEF, 0x7F,
					  0x35, 0x52, 0x50, 0x0F, 0x2C, 0xB6, 0x79, 0x80};
static const uint8_t spec_magic_a16[16] = {0x10, 0x00, 0x2D, 0xE1, 0x5D, 0x29, 0x41, 0x0B,
					   0x8D, 0x77, 0x67, 0x9C, 0x11, 0x0F, 0x1F, 0x8A};
static const uint8_t spec_magic_a32[16] = {0x20, 0x00, 0x2D, 0xE1, 0x5D, 0x29, 0x41, 0x0B,
					   0x8D, 0x77, 0x67, 0x9C, 0x11, 0x0F, 0x1F, 0x8A};

/* Section 5.2 worked values (distance back from the slot end; S % 32 == 0,
 * no encryption, not offset mode). */
struct spec_row {
	uint32_t align;
	uint32_t image_ok, copy_done, swap_info, swap_size, info_size, magic_area;
	const uint8_t *magic;
};

static const struct spec_row spec_rows[3] = {
	{8, 24, 32, 40, 48, 48, 16, spec_magic_a8},
	{16, 32, 48, 64, 80, 80, 16, spec_magic_a16},
	{32, 64, 96, 128, 160, 160, 32, spec_magic_a32},
};

static inline const struct spec_row *spec_row(uint32_t align)
{
	return align == 32 ? &spec_rows[2] : align == 16 ? &spec_rows[1] : &spec_rows[0];
}

/* Bytes [0, n) = the last n bytes of a slot after a request (img, perm) on
 * an erased trailer (section 5.5): every byte erased except the magic, the
 * swap_info byte and, for a permanent request, the image_ok byte. */
static inline void spec_expect_tail(uint8_t *out, uint32_t n, uint32_t align, uint8_t erased,
				    int img, bool perm)
{
	const struct spec_row *r = spec_row(align);
	uint8_t *end = out + n;

	memset(out, erased, n);
	memcpy(end - 16, r->magic, 16);
	end[-(int32_t)r->swap_info] = (uint8_t)((img << 4) | (perm ? 3 : 2));
	if (perm) {
		end[-(int32_t)r->image_ok] = 0x01;
	}
}

/* Section 5.2 sizes: trailer (move/scratch) = sectors x 3 x w + info; the
 * erase region = the erase blocks holding it. Returns the region length. */
static inline uint32_t spec_erase_region(uint32_t slot, uint32_t eb, uint32_t sectors, uint32_t w,
					 uint32_t align)
{
	uint32_t trailer = sectors * 3u * w + spec_row(align)->info_size;
	uint32_t start = (slot - trailer) / eb * eb;

	return slot - start;
}

#endif /* TRAILER_SPEC_H_ */
