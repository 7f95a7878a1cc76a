/*
 * MCUboot board layout and image trailer (see include/dfu/dfu_mcuboot_board.h).
 *
 * Written from the trailer format facts (field offsets, magic bytes, the
 * swap decision table); no bootutil code. Choices this file makes:
 *   - Trailer size = swap status + trailer info.
 *     Swap status = max_img_sectors x states x w: states = 3 (move,
 *     scratch), 2 (offset), 0 (overwrite-only keeps no swap status); w = the
 *     larger write block of the two slots' devices (assumed: one status
 *     size for both slots; the same for the usual single-device pair).
 *     Trailer info = 4A (+ A in offset mode) + the magic area
 *     ALIGN_UP(16, A) (+ two key slots of ALIGN_UP(16 or 32, A) with
 *     encryption, sheet 3.1); for overwrite-only this still covers
 *     swap_info, which imgtool's 2A + magic area does not.
 *   - Every slot's trailer lies in erase blocks that hold no image byte
 *     (max_image_size stops before them, also in overwrite mode), so a
 *     request can erase them without touching the image.
 *   - A request always erases the trailer blocks before writing (unless the
 *     request is already pending): a blank check cannot prove a block is
 *     reliably erased after a power cut (dfu_port.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu/dfu_mcuboot_board.h"

#define MAGIC_SZ 16u
#define FLAG_SET 0x01u
#define MAX_ALIGN_LIMIT 32u /* largest A, hence largest w and magic area */
#define PIECE 16u           /* bytes per read when scanning */

/* Magic for A = 8 (the original form). */
static const uint8_t magic_v1[MAGIC_SZ] = {0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f,
					   0x35, 0x52, 0x50, 0x0f, 0x2c, 0xb6, 0x79, 0x80};
/* Magic for A != 8: A as u16 LE, then these 14 bytes. */
static const uint8_t magic_v2_tail[MAGIC_SZ - 2u] = {0x2d, 0xe1, 0x5d, 0x29, 0x41, 0x0b, 0x8d,
						     0x77, 0x67, 0x9c, 0x11, 0x0f, 0x1f, 0x8a};

static uint8_t magic_byte(uint32_t align, uint32_t i)
{
	if (align == 8u) {
		return magic_v1[i];
	}
	if (i < 2u) {
		return (uint8_t)(align >> (8u * i));
	}
	return magic_v2_tail[i - 2u];
}

/* Callers guarantee v + a - 1 does not overflow (small values). */
static uint32_t align_up(uint32_t v, uint32_t a)
{
	return (v + a - 1u) / a * a;
}

static uint32_t align_down(uint32_t v, uint32_t a)
{
	return v - v % a;
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* *out = x - y - z when that is > 0; false otherwise. */
static bool sub_pos(uint32_t x, uint32_t y, uint32_t z, uint32_t *out)
{
	if (x <= y || x - y <= z) {
		return false;
	}
	*out = x - y - z;
	return true;
}

static uint32_t pair_align(const struct dfu_mcuboot_pair *pair)
{
	return pair->max_align == 0u ? 8u : pair->max_align;
}

/* One slot's own rules: valid device, aligned, inside it, w | A. */
static int check_slot(const struct dfu_mcuboot_slot *s, uint32_t align)
{
	const struct dfu_flash *f = s->flash;

	if (dfu_flash_validate(f) != 0) {
		return -EINVAL;
	}
	if (f->write_block > align || align % f->write_block != 0u) {
		return -EINVAL;
	}
	if (s->size == 0u || s->size % f->erase_block != 0u || s->size % align != 0u ||
	    s->offset % f->erase_block != 0u) {
		return -EINVAL;
	}
	if (s->size > f->size || s->offset > f->size - s->size) {
		return -EINVAL;
	}
	return 0;
}

int dfu_mcuboot_layout(const struct dfu_mcuboot_pair *pair, int which,
		       struct dfu_mcuboot_layout *out)
{
	return dfu_mcuboot_layout_for(pair, NULL, which, out);
}

int dfu_mcuboot_layout_for(const struct dfu_mcuboot_pair *pair,
			   const struct dfu_mcuboot_profile *build, int which,
			   struct dfu_mcuboot_layout *out)
{
	if (pair == NULL || out == NULL || (which != 0 && which != 1) ||
	    pair->mode > DFU_MCUBOOT_OVERWRITE) {
		return -EINVAL;
	}
	const uint32_t a = pair_align(pair);
	const struct dfu_mcuboot_slot *p = &pair->primary;
	const struct dfu_mcuboot_slot *s = &pair->secondary;

	if ((a != 8u && a != 16u && a != 32u) || check_slot(p, a) != 0 || check_slot(s, a) != 0) {
		return -EINVAL;
	}
	if (p->flash == s->flash && p->offset < s->offset + s->size &&
	    s->offset < p->offset + p->size) {
		return -EINVAL; /* overlapping slots */
	}

	const uint32_t sec_p = p->flash->erase_block;
	const uint32_t sec_s = s->flash->erase_block;
	const bool offset_mode = pair->mode == DFU_MCUBOOT_SWAP_OFFSET;
	uint32_t sectors = pair->max_img_sectors;
	uint32_t states = 3u;

	if (sectors == 0u) {
		sectors = max_u32(p->size / sec_p, s->size / sec_s);
	}
	if (offset_mode) {
		states = 2u;
	} else if (pair->mode == DFU_MCUBOOT_OVERWRITE) {
		states = 0u;
	}
	if (sectors > UINT16_MAX) {
		return -EINVAL; /* AUTO on a huge slot: bootutil's count is 16-bit */
	}
	/* <= 65535 * 3 * 32 + 6 * 32: no overflow. */
	const uint32_t magic_area = align_up(MAGIC_SZ, a);
	const uint32_t feat = build != NULL           ? build->features
			      : pair->profile != NULL ? pair->profile->features
						      : 0u;
	/* encryption: two key slots, the AES key size padded to A */
	const uint32_t keys =
		(feat & DFU_MCUBOOT_P_ENCRYPT)
			? 2u * align_up((feat & DFU_MCUBOOT_P_ENC_AES256) ? 32u : 16u, a)
			: 0u;
	const uint32_t info = 4u * a + (offset_mode ? a : 0u) + magic_area + keys;
	const uint32_t trailer =
		sectors * states * max_u32(p->flash->write_block, s->flash->write_block) + info;

	if (trailer >= p->size || trailer >= s->size) {
		return -EINVAL;
	}
	/* trailer < size and size is a multiple of the sector: T <= size. */
	const uint32_t t_p = align_up(trailer, sec_p);
	const uint32_t t_s = align_up(trailer, sec_s);
	uint32_t max_p;
	uint32_t max_s;
	bool ok;

	switch (pair->mode) {
	case DFU_MCUBOOT_SWAP_MOVE:
		ok = sub_pos(p->size, t_p, sec_p, &max_p) && sub_pos(s->size, t_s, 0u, &max_s);
		break;
	case DFU_MCUBOOT_SWAP_OFFSET:
		ok = sub_pos(p->size, t_p, 0u, &max_p) && sub_pos(s->size, t_s, sec_s, &max_s);
		break;
	default: /* scratch (conservative), overwrite (trailer blocks kept free) */
		ok = sub_pos(p->size, t_p, 0u, &max_p) && sub_pos(s->size, t_s, 0u, &max_s);
		break;
	}
	if (!ok) {
		return -EINVAL;
	}

	/* Image start in the secondary: erase-block aligned, before the
	 * trailer blocks; the image must end before them too. */
	uint32_t image_offset = pair->image_offset;
	uint32_t room;

	if (image_offset == 0u && offset_mode) {
		image_offset = sec_s;
	}
	if (image_offset % sec_s != 0u || !sub_pos(s->size, t_s, image_offset, &room)) {
		return -EINVAL;
	}

	const struct dfu_mcuboot_slot *slot = which == 0 ? p : s;
	const uint32_t size = slot->size;
	const uint32_t w = slot->flash->write_block;
	struct dfu_mcuboot_layout l;

	l.magic = size - MAGIC_SZ;
	l.magic_write = size - magic_area; /* = ALIGN_DOWN(S - 16, A): S % A == 0 */
	l.magic_write_len = magic_area;
	l.image_ok = align_down(size - MAGIC_SZ - a, a);
	l.copy_done = l.image_ok - a;
	l.swap_info = l.copy_done - a;
	l.field_write_len = w; /* ALIGN_UP(1, w) */
	l.trailer_size = trailer;
	l.trailer_erase = align_down(size - trailer, slot->flash->erase_block);
	l.max_image_size = min_u32(min_u32(max_p, max_s), room);
	l.image_offset = image_offset;
	/* Program rules: every write w-aligned, whole write blocks, inside the
	 * trailer erase blocks (w | A and A | S make these hold). */
	if (l.magic_write % w != 0u || l.magic_write_len % w != 0u || l.swap_info % w != 0u ||
	    l.magic_write_len > MAX_ALIGN_LIMIT || l.swap_info < l.trailer_erase) {
		return -EINVAL;
	}
	*out = l;
	return 0;
}

static int flash_read(const struct dfu_flash *f, uint32_t off, uint8_t *dst, size_t len)
{
	int err = f->read(f->ctx, off, dst, len);

	return err > 0 ? -EIO : err;
}

static int flash_program(const struct dfu_flash *f, uint32_t off, const uint8_t *src, size_t len)
{
	int err = f->program(f->ctx, off, src, len);

	return err > 0 ? -EIO : err;
}

/* *erased = every byte of [off, off + len) reads the erase value. */
static int range_erased(const struct dfu_flash *f, uint32_t off, uint32_t len, bool *erased)
{
	uint8_t buf[PIECE];

	*erased = true;
	while (len > 0u) {
		uint32_t n = min_u32(len, PIECE);
		int err = flash_read(f, off, buf, n);

		if (err != 0) {
			return err;
		}
		for (uint32_t i = 0; i < n; i++) {
			if (buf[i] != f->erase_value) {
				*erased = false;
			}
		}
		off += n;
		len -= n;
	}
	return 0;
}

static int read_flag(const struct dfu_flash *f, uint32_t off, uint8_t *state)
{
	uint8_t b;
	int err = flash_read(f, off, &b, 1);

	if (err != 0) {
		return err;
	}
	if (b == f->erase_value) {
		*state = DFU_MCUBOOT_UNSET;
	} else {
		*state = b == FLAG_SET ? DFU_MCUBOOT_GOOD : DFU_MCUBOOT_BAD;
	}
	return 0;
}

static int read_magic(const struct dfu_flash *f, uint32_t off, uint32_t align, uint8_t *state)
{
	uint8_t buf[MAGIC_SZ];
	bool erased = true;
	bool good = true;
	int err = flash_read(f, off, buf, MAGIC_SZ);

	if (err != 0) {
		return err;
	}
	for (uint32_t i = 0; i < MAGIC_SZ; i++) {
		erased = erased && buf[i] == f->erase_value;
		good = good && buf[i] == magic_byte(align, i);
	}
	*state = erased ? DFU_MCUBOOT_UNSET : (good ? DFU_MCUBOOT_GOOD : DFU_MCUBOOT_BAD);
	return 0;
}

static const struct dfu_mcuboot_slot *slot_of(const struct dfu_mcuboot_pair *pair, int which)
{
	return which == 0 ? &pair->primary : &pair->secondary;
}

/* Read a slot's trailer with its (already computed) layout. */
static int read_trailer(const struct dfu_mcuboot_pair *pair, int which,
			const struct dfu_mcuboot_layout *l, struct dfu_mcuboot_trailer *out)
{
	const struct dfu_mcuboot_slot *s = slot_of(pair, which);
	const struct dfu_flash *f = s->flash;
	const uint32_t base = s->offset;
	const uint32_t fields[3] = {l->swap_info, l->copy_done, l->image_ok};
	struct dfu_mcuboot_trailer t = {0};
	uint8_t info;
	bool erased;
	int err;

	err = read_magic(f, base + l->magic, pair_align(pair), &t.magic);
	if (err == 0) {
		err = read_flag(f, base + l->image_ok, &t.image_ok);
	}
	if (err == 0) {
		err = read_flag(f, base + l->copy_done, &t.copy_done);
	}
	if (err == 0) {
		err = flash_read(f, base + l->swap_info, &info, 1);
	}
	if (err != 0) {
		return err;
	}
	if (info != f->erase_value && (info & 0x0fu) <= DFU_MCUBOOT_SWAP_REVERT) {
		t.swap_type = (uint8_t)(info & 0x0fu);
		t.swap_img = (uint8_t)(info >> 4);
	}
	t.clean = true;
	for (size_t i = 0; i < 3u && t.clean; i++) {
		err = range_erased(f, base + fields[i], l->field_write_len, &erased);
		if (err != 0) {
			return err;
		}
		t.clean = erased;
	}
	if (t.clean) {
		err = range_erased(f, base + l->magic_write, l->magic_write_len, &erased);
		if (err != 0) {
			return err;
		}
		t.clean = erased;
	}
	*out = t;
	return 0;
}

int dfu_mcuboot_trailer_read(const struct dfu_mcuboot_pair *pair, int which,
			     struct dfu_mcuboot_trailer *out)
{
	struct dfu_mcuboot_layout l;
	int err;

	if (out == NULL) {
		return -EINVAL;
	}
	err = dfu_mcuboot_layout(pair, which, &l);
	if (err != 0) {
		return err;
	}
	return read_trailer(pair, which, &l, out);
}

/* The request a secondary trailer holds as MCUboot sees it: TEST, PERM or
 * 0 (none; also offset mode's row I, which is a revert). */
static int pending_request(const struct dfu_mcuboot_pair *pair,
			   const struct dfu_mcuboot_trailer *sec)
{
	if (sec->magic != DFU_MCUBOOT_GOOD) {
		return 0;
	}
	if (sec->image_ok == DFU_MCUBOOT_UNSET) {
		if (pair != NULL && pair->mode == DFU_MCUBOOT_SWAP_OFFSET &&
		    sec->copy_done == DFU_MCUBOOT_GOOD) {
			return 0;
		}
		return DFU_MCUBOOT_SWAP_TEST;
	}
	if (sec->image_ok == DFU_MCUBOOT_GOOD) {
		return DFU_MCUBOOT_SWAP_PERM;
	}
	return 0;
}

enum dfu_mcuboot_swap dfu_mcuboot_swap_type(const struct dfu_mcuboot_pair *pair,
					    const struct dfu_mcuboot_trailer *primary,
					    const struct dfu_mcuboot_trailer *secondary)
{
	static const struct dfu_mcuboot_trailer unset = {
		DFU_MCUBOOT_UNSET, DFU_MCUBOOT_UNSET, DFU_MCUBOOT_UNSET, 0, 0, true};
	const struct dfu_mcuboot_trailer *pri = primary != NULL ? primary : &unset;
	const struct dfu_mcuboot_trailer *sec = secondary != NULL ? secondary : &unset;

	if (sec->magic == DFU_MCUBOOT_GOOD) {
		/* Row I (offset mode only), then rows II and III. */
		if (pair != NULL && pair->mode == DFU_MCUBOOT_SWAP_OFFSET &&
		    sec->image_ok == DFU_MCUBOOT_UNSET && sec->copy_done == DFU_MCUBOOT_GOOD) {
			return DFU_MCUBOOT_SWAP_REVERT;
		}
		if (sec->image_ok == DFU_MCUBOOT_UNSET) {
			return DFU_MCUBOOT_SWAP_TEST;
		}
		if (sec->image_ok == DFU_MCUBOOT_GOOD) {
			return DFU_MCUBOOT_SWAP_PERM;
		}
	}
	/* Row IV. */
	if (pri->magic == DFU_MCUBOOT_GOOD && pri->image_ok == DFU_MCUBOOT_UNSET &&
	    pri->copy_done == DFU_MCUBOOT_GOOD) {
		return DFU_MCUBOOT_SWAP_REVERT;
	}
	return DFU_MCUBOOT_SWAP_NONE;
}

static int erase_trailer(const struct dfu_mcuboot_slot *s, const struct dfu_mcuboot_layout *l)
{
	const struct dfu_flash *f = s->flash;
	int err = f->erase(f->ctx, s->offset + l->trailer_erase, s->size - l->trailer_erase);

	return err > 0 ? -EIO : err;
}

int dfu_mcuboot_trailer_erase(const struct dfu_mcuboot_pair *pair, int which)
{
	struct dfu_mcuboot_layout l;
	int err = dfu_mcuboot_layout(pair, which, &l);

	if (err != 0) {
		return err;
	}
	return erase_trailer(slot_of(pair, which), &l);
}

/* One flag/field write: value, then erase-value padding to the write block. */
static int write_field(const struct dfu_mcuboot_slot *s, const struct dfu_mcuboot_layout *l,
		       uint32_t off, uint8_t value)
{
	uint8_t buf[MAX_ALIGN_LIMIT];

	for (uint32_t i = 0; i < l->field_write_len; i++) {
		buf[i] = s->flash->erase_value;
	}
	buf[0] = value;
	return flash_program(s->flash, s->offset + off, buf, l->field_write_len);
}

/* The magic area: erase-value padding, then the 16 magic bytes at S - 16. */
static int write_magic(const struct dfu_mcuboot_slot *s, const struct dfu_mcuboot_layout *l,
		       uint32_t align)
{
	uint8_t buf[MAX_ALIGN_LIMIT];
	const uint32_t pad = l->magic_write_len - MAGIC_SZ;

	for (uint32_t i = 0; i < pad; i++) {
		buf[i] = s->flash->erase_value;
	}
	for (uint32_t i = 0; i < MAGIC_SZ; i++) {
		buf[pad + i] = magic_byte(align, i);
	}
	return flash_program(s->flash, s->offset + l->magic_write, buf, l->magic_write_len);
}

int dfu_mcuboot_trailer_request(const struct dfu_mcuboot_pair *pair, int img, bool permanent)
{
	const int want = permanent ? DFU_MCUBOOT_SWAP_PERM : DFU_MCUBOOT_SWAP_TEST;
	struct dfu_mcuboot_layout l;
	struct dfu_mcuboot_trailer t;
	int err;

	if (img < 0 || img >= 0x0f) {
		return -EINVAL; /* the swap_info nibble must be < 0xF */
	}
	err = dfu_mcuboot_layout(pair, 1, &l);
	if (err == 0) {
		err = read_trailer(pair, 1, &l, &t);
	}
	if (err != 0) {
		return err;
	}
	const int pending = pending_request(pair, &t);

	if (pending == want) {
		return 0;
	}
	if (pending != 0) {
		return -EALREADY;
	}

	const struct dfu_mcuboot_slot *s = &pair->secondary;

	err = erase_trailer(s, &l);
	if (err == 0 && permanent) {
		err = write_field(s, &l, l.image_ok, FLAG_SET);
	}
	if (err == 0) {
		err = write_field(s, &l, l.swap_info,
				  (uint8_t)(((unsigned)img << 4) | (unsigned)want));
	}
	if (err == 0) {
		err = write_magic(s, &l, pair_align(pair)); /* the commit */
	}
	return err;
}

int dfu_mcuboot_trailer_confirm(const struct dfu_mcuboot_pair *pair)
{
	struct dfu_mcuboot_layout l;
	struct dfu_mcuboot_trailer t;
	bool erased;
	int err;

	err = dfu_mcuboot_layout(pair, 0, &l);
	if (err == 0) {
		err = read_trailer(pair, 0, &l, &t);
	}
	if (err != 0) {
		return err;
	}
	if (t.magic == DFU_MCUBOOT_UNSET) {
		return 0;
	}
	if (t.magic == DFU_MCUBOOT_BAD || t.image_ok == DFU_MCUBOOT_BAD) {
		return -EBADMSG;
	}
	if (t.image_ok == DFU_MCUBOOT_GOOD) {
		return 0;
	}
	/* Never program a write block that is not wholly erased. */
	err = range_erased(pair->primary.flash, pair->primary.offset + l.image_ok,
			   l.field_write_len, &erased);
	if (err != 0) {
		return err;
	}
	if (!erased) {
		return -EBADMSG;
	}
	return write_field(&pair->primary, &l, l.image_ok, FLAG_SET);
}
