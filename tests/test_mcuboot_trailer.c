/*
 * MCUboot board layout and trailer (src/targets/mcuboot/mcuboot_trailer.c):
 * layout values against the spec's worked examples, request bytes against
 * the spec's table and against imgtool's own trailers, trailer erase.
 * Request / confirm rules and the decision table: test_mcuboot_trailer_rules.c;
 * power cuts: test_mcuboot_trailer_cut.c.
 *
 * The imgtool vectors come embedded in the binary (tests/vectors.h), so
 * those checks run on the host and the target alike.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#include "trailer_fixture.h"
#include "vectors.h"

#define KIB 1024u

/* Write blocks 16 and 32 (e.g. flash with 128/256-bit ECC words). */
static const struct sim_geometry geo_w16 = {.name = "w16",
					    .size = 1024 * KIB,
					    .write_block = 16,
					    .erase_block = 4096,
					    .erase_value = 0xff,
					    .write_once_ecc = true,
					    .max_programs_per_wb = 1};
static const struct sim_geometry geo_w32 = {.name = "w32",
					    .size = 1024 * KIB,
					    .write_block = 32,
					    .erase_block = 8192,
					    .erase_value = 0xff,
					    .write_once_ecc = true,
					    .max_programs_per_wb = 1};
/* Flash whose erased bytes read 0x00. */
static const struct sim_geometry geo_zero = {.name = "zero",
					     .size = 1024 * KIB,
					     .write_block = 4,
					     .erase_block = 4096,
					     .erase_value = 0x00,
					     .max_programs_per_wb = 1};

static struct tfix T;
static uint8_t exp_buf[16 * KIB];

static uint8_t garbage(uint32_t back)
{
	return (uint8_t)(back * 37u + 11u);
}

static int read_sec(struct dfu_mcuboot_trailer *t)
{
	return dfu_mcuboot_trailer_read(&T.pair, 1, t);
}

/* ---- layout ---- */

static int stub_read(void *c, uint32_t o, void *d, size_t n)
{
	(void)c, (void)o, (void)d, (void)n;
	return -EIO;
}
static int stub_program(void *c, uint32_t o, const void *s, size_t n)
{
	(void)c, (void)o, (void)s, (void)n;
	return -EIO;
}
static int stub_erase(void *c, uint32_t o, size_t n)
{
	(void)c, (void)o, (void)n;
	return -EIO;
}

/* A device that is never touched (layout only): 1 MiB, 4 KiB, w = 4. */
static const struct dfu_flash nvmc = {NULL,       stub_read, stub_program, stub_erase,
				      1024 * KIB, 4,         4096,         0xff};

static struct dfu_mcuboot_pair stub_pair(uint32_t psize, uint32_t ssize, uint8_t mode,
					 uint8_t align)
{
	return (struct dfu_mcuboot_pair){.primary = {&nvmc, 0x10000, psize},
					 .secondary = {&nvmc, 0x10000 + psize, ssize},
					 .mode = mode,
					 .max_align = align};
}

TEST(layout_matches_the_nrf52840_worked_example)
{
	/* Section 9.3: slot0 0x0C000 and slot1 0x82000, both 0x76000. */
	struct dfu_mcuboot_pair p = {.primary = {&nvmc, 0x0C000, 0x76000},
				     .secondary = {&nvmc, 0x82000, 0x76000},
				     .mode = DFU_MCUBOOT_SWAP_MOVE};
	struct dfu_mcuboot_layout l;

	CHECK_OK(dfu_mcuboot_layout(&p, 1, &l));
	CHECK_EQ(l.trailer_size, 118 * 3 * 4 + 48);
	CHECK_EQ(l.max_image_size, 0x74000);
	CHECK_EQ(l.magic, 0x75FF0);
	CHECK_EQ(l.magic_write, 0x75FF0);
	CHECK_EQ(l.magic_write_len, 16);
	CHECK_EQ(l.image_ok, 0x75FE8);
	CHECK_EQ(l.copy_done, 0x75FE0);
	CHECK_EQ(l.swap_info, 0x75FD8);
	CHECK_EQ(l.field_write_len, 4);
	CHECK_EQ(l.trailer_erase, 0x75000);
	CHECK_EQ(l.image_offset, 0);
	CHECK_OK(dfu_mcuboot_layout(&p, 0, &l));
	CHECK_EQ(l.image_ok, 0x75FE8);
	CHECK_EQ(l.max_image_size, 0x74000);
}

TEST(layout_offsets_match_the_spec_rows_for_align_8_16_32)
{
	const uint32_t s = 0x20000; /* 32 sectors: status 32 x 3 x 4 */

	for (int i = 0; i < 3; i++) {
		const struct spec_row *r = &spec_rows[i];
		struct dfu_mcuboot_pair p =
			stub_pair(s + 4096, s, DFU_MCUBOOT_SWAP_MOVE, (uint8_t)r->align);
		struct dfu_mcuboot_layout l;

		CHECK_OK(dfu_mcuboot_layout(&p, 1, &l));
		CHECK_EQ(l.magic, s - 16);
		CHECK_EQ(l.magic_write, s - r->magic_area);
		CHECK_EQ(l.magic_write_len, r->magic_area);
		CHECK_EQ(l.image_ok, s - r->image_ok);
		CHECK_EQ(l.copy_done, s - r->copy_done);
		CHECK_EQ(l.swap_info, s - r->swap_info);
		CHECK_EQ(l.trailer_size, 33 * 3 * 4 + r->info_size);
	}
}

TEST(layout_max_align_zero_means_8)
{
	struct dfu_mcuboot_pair p0 = stub_pair(0x10000, 0x10000, DFU_MCUBOOT_SWAP_MOVE, 0);
	struct dfu_mcuboot_pair p8 = stub_pair(0x10000, 0x10000, DFU_MCUBOOT_SWAP_MOVE, 8);
	struct dfu_mcuboot_layout a;
	struct dfu_mcuboot_layout b;

	CHECK_OK(dfu_mcuboot_layout(&p0, 1, &a));
	CHECK_OK(dfu_mcuboot_layout(&p8, 1, &b));
	CHECK_MEM(&a, &b, sizeof(a));
}

TEST(layout_status_size_follows_max_img_sectors)
{
	/* Section 5.2: 128 sectors x w = 4 -> 1536 B of status + 48 = 1584. */
	struct dfu_mcuboot_pair p = stub_pair(0x10000, 0x10000, DFU_MCUBOOT_SWAP_MOVE, 8);
	struct dfu_mcuboot_layout l;

	p.max_img_sectors = 128;
	CHECK_OK(dfu_mcuboot_layout(&p, 1, &l));
	CHECK_EQ(l.trailer_size, 1584);
	p.max_img_sectors = 400; /* 4848 B: two erase blocks */
	CHECK_OK(dfu_mcuboot_layout(&p, 1, &l));
	CHECK_EQ(l.trailer_erase, 0x10000 - 2 * 4096);
}

TEST(layout_max_image_size_per_mode)
{
	/* Primary 20 sectors, secondary 17; T = 1 sector in every mode. */
	const uint32_t sec = 4096;
	struct dfu_mcuboot_pair p = stub_pair(20 * sec, 17 * sec, DFU_MCUBOOT_SWAP_MOVE, 8);
	struct dfu_mcuboot_layout l;

	CHECK_OK(dfu_mcuboot_layout(&p, 1, &l));
	CHECK_EQ(l.max_image_size, 16 * sec); /* min(20-1-1, 17-1) */
	p.mode = DFU_MCUBOOT_SWAP_OFFSET;
	CHECK_OK(dfu_mcuboot_layout(&p, 1, &l));
	CHECK_EQ(l.max_image_size, 15 * sec); /* min(20-1, 17-1-1) */
	CHECK_EQ(l.image_offset, sec);
	CHECK_EQ(l.trailer_size, 20 * 2 * 4 + 4 * 8 + 8 + 16);
	CHECK_EQ(l.swap_info, 17 * sec - 40);
	p.mode = DFU_MCUBOOT_SWAP_SCRATCH;
	CHECK_OK(dfu_mcuboot_layout(&p, 1, &l));
	CHECK_EQ(l.max_image_size, 16 * sec);
	p.mode = DFU_MCUBOOT_OVERWRITE;
	CHECK_OK(dfu_mcuboot_layout(&p, 1, &l));
	CHECK_EQ(l.trailer_size, 48);
	CHECK_EQ(l.max_image_size, 16 * sec);
	/* Primary the smaller one in move mode. */
	p = stub_pair(17 * sec, 20 * sec, DFU_MCUBOOT_SWAP_MOVE, 8);
	CHECK_OK(dfu_mcuboot_layout(&p, 1, &l));
	CHECK_EQ(l.max_image_size, 15 * sec);
}

TEST(layout_rejects_invalid_pairs)
{
	const struct dfu_mcuboot_pair good = stub_pair(0x10000, 0x10000, DFU_MCUBOOT_SWAP_MOVE, 8);
	struct dfu_mcuboot_pair p;
	struct dfu_mcuboot_layout l;
	struct dfu_flash big_w = nvmc;

	big_w.write_block = 16; /* w > A = 8 */
	CHECK_OK(dfu_mcuboot_layout(&good, 1, &l));
	CHECK_ERR(dfu_mcuboot_layout(NULL, 1, &l), EINVAL);
	CHECK_ERR(dfu_mcuboot_layout(&good, 1, NULL), EINVAL);
	CHECK_ERR(dfu_mcuboot_layout(&good, 2, &l), EINVAL);
	CHECK_ERR(dfu_mcuboot_layout(&good, -1, &l), EINVAL);
	p = good, p.max_align = 12;
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.max_align = 64;
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.mode = 4;
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.secondary.offset += 0x800; /* not erase-block aligned */
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.secondary.size -= 0x800;
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.secondary.offset = 1024 * KIB - 0x8000; /* runs past the device */
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.secondary.offset = 0xFFFFF000u; /* offset + size wraps */
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.secondary.size = 0;
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.secondary.offset = good.primary.offset + 0x8000; /* overlaps */
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.secondary.flash = &big_w;
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.secondary.flash = NULL;
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.primary.size = 2 * 4096; /* move: 2 - 1 - 1 sectors = 0 */
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.max_img_sectors = 0xFFFF; /* trailer larger than the slot */
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.image_offset = 0x800;
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.image_offset = 0xF000; /* the trailer's erase block */
	CHECK_ERR(dfu_mcuboot_layout(&p, 1, &l), EINVAL);
	p = good, p.image_offset = 0x2000;
	CHECK_OK(dfu_mcuboot_layout(&p, 1, &l));
	CHECK_EQ(l.max_image_size, 0x10000 - 0x1000 - 0x2000);
}

/* ---- request bytes ---- */

struct combo {
	const struct sim_geometry *geo;
	uint8_t align;
};

static const struct combo combos[] = {
	{&sim_geo_mx25r64, 8}, {&sim_geo_nrf52840, 8}, {&sim_geo_stm32l4, 8},
	{&geo_w16, 16},        {&geo_w32, 32},
};

/* From a stale trailer: the whole trailer erase region equals the spec's
 * bytes for the request, byte for byte. */
static void check_request_bytes(bool perm)
{
	for (size_t i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
		const struct combo *c = &combos[i];
		const uint32_t n = 12, eb = c->geo->erase_block, w = c->geo->write_block;
		const uint32_t slot = n * eb;
		const uint32_t region = spec_erase_region(slot, eb, n + 1, w, c->align);

		CHECK_OK(tfix_make_n(&T, c->geo, n, c->align));
		/* Stale bytes in the trailer region and the block below it. */
		CHECK_OK(tfix_put_bytes(&T, &T.pair.secondary, region + eb, garbage));
		CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 1, perm));
		spec_expect_tail(exp_buf, region, c->align, 0xff, 1, perm);
		CHECKF(memcmp(tfix_end(&T, &T.pair.secondary) - region, exp_buf, region) == 0,
		       "%s A=%u: trailer bytes differ", c->geo->name, (unsigned)c->align);
		/* The block below the trailer region is not touched. */
		CHECK(tfix_end(&T, &T.pair.secondary)[-(int32_t)region - 1] != 0xff);
		CHECK_EQ(T.fl.cnt.erases, 1);
		CHECK_EQ(T.fl.cnt.violations.total, 0);
		CHECK_EQ(tfix_decide(&T), perm ? DFU_MCUBOOT_SWAP_PERM : DFU_MCUBOOT_SWAP_TEST);
	}
}

TEST(test_request_bytes_match_the_spec_for_every_write_block_and_align)
{
	check_request_bytes(false);
}

TEST(permanent_request_bytes_match_the_spec_for_every_write_block_and_align)
{
	check_request_bytes(true);
}

TEST(request_on_zero_erase_flash_pads_with_zero_and_decodes)
{
	struct dfu_mcuboot_trailer t;

	CHECK_OK(tfix_make_n(&T, &geo_zero, 8, 8));
	CHECK_OK(read_sec(&t));
	CHECK(t.magic == DFU_MCUBOOT_UNSET && t.image_ok == DFU_MCUBOOT_UNSET && t.clean);
	CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 2, true));
	spec_expect_tail(exp_buf, 4096, 8, 0x00, 2, true);
	CHECK_MEM(tfix_end(&T, &T.pair.secondary) - 4096, exp_buf, 4096);
	CHECK_OK(read_sec(&t));
	CHECK(t.magic == DFU_MCUBOOT_GOOD && t.image_ok == DFU_MCUBOOT_GOOD);
	CHECK(t.copy_done == DFU_MCUBOOT_UNSET && !t.clean);
	CHECK_EQ(t.swap_type, DFU_MCUBOOT_SWAP_PERM);
	CHECK_EQ(t.swap_img, 2);
	CHECK_EQ(T.fl.cnt.violations.total, 0);
}

/* ---- imgtool vectors (the last bytes of a --pad file are its trailer) ---- */

struct vec {
	const char *name;
	uint32_t slot;
	uint8_t align;
	bool perm;
};

static const struct vec vecs[] = {
	{"v02", 0x70000, 8, false},
	{"v03", 0x70000, 8, true},
	{"v05", 0x20000, 16, false},
	{"v11", 0x10000, 32, true},
};

/* The vector's last n bytes (the embedded file must be exactly `size`
 * bytes long), or NULL. */
static const uint8_t *vector_tail(const char *name, uint32_t size, uint32_t n)
{
	const struct vec_image *v = vec_find(name);

	if (v == NULL || v->len != size || v->end - v->data != (ptrdiff_t)size || n > size) {
		return NULL;
	}
	return v->end - n;
}

/* Secondary of the vector's slot size after a small primary, w = 4. */
static int make_for(const struct vec *v)
{
	return tfix_make(&T, &sim_geo_nrf52840, 4 * 4096, v->slot, v->align, 0,
			 DFU_MCUBOOT_SWAP_MOVE);
}

TEST(imgtool_trailers_decode_as_the_requests_imgtool_wrote)
{
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		const uint8_t *tail = vector_tail(v->name, v->slot, 4096);
		struct dfu_mcuboot_trailer t;

		CHECKF(tail != NULL, "%s: not embedded or not %u bytes", v->name,
		       (unsigned)v->slot);
		CHECK_OK(make_for(v));
		CHECK_OK(T.fl.dev.program(T.fl.dev.ctx, T.pair.secondary.offset + v->slot - 4096,
					  tail, 4096));
		CHECK_OK(read_sec(&t));
		CHECKF(t.magic == DFU_MCUBOOT_GOOD, "%s: magic %d", v->name, t.magic);
		CHECK_EQ(t.image_ok, v->perm ? DFU_MCUBOOT_GOOD : DFU_MCUBOOT_UNSET);
		CHECK_EQ(t.copy_done, DFU_MCUBOOT_UNSET);
		CHECK_EQ(t.swap_type, 0); /* imgtool does not write swap_info */
		CHECK_EQ(tfix_decide(&T), v->perm ? DFU_MCUBOOT_SWAP_PERM : DFU_MCUBOOT_SWAP_TEST);
		/* Already pending as asked: nothing written; the other: refused. */
		sim_flash_reset_counters(&T.fl);
		CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 0, v->perm));
		CHECK_ERR(dfu_mcuboot_trailer_request(&T.pair, 0, !v->perm), EALREADY);
		CHECK_EQ(tfix_ops(&T), 0);
	}
}

TEST(request_writes_the_same_trailer_info_bytes_as_imgtool)
{
	static uint8_t tail[256];

	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		const struct spec_row *r = spec_row(v->align);
		const uint8_t *src = vector_tail(v->name, v->slot, sizeof(tail));

		CHECKF(src != NULL, "%s: not embedded or not %u bytes", v->name, (unsigned)v->slot);
		memcpy(tail, src, sizeof(tail));
		CHECK_OK(make_for(v));
		CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 0, v->perm));
		/* The magic area, byte for byte (16 B, or 32 B for A = 32). */
		CHECK_MEM(tfix_end(&T, &T.pair.secondary) - r->magic_area,
			  tail + sizeof(tail) - r->magic_area, r->magic_area);
		/* All trailer info; imgtool leaves swap_info erased. */
		CHECK_EQ(tail[sizeof(tail) - r->swap_info], 0xff);
		tail[sizeof(tail) - r->swap_info] = v->perm ? 0x03 : 0x02;
		CHECK_MEM(tfix_end(&T, &T.pair.secondary) - r->info_size,
			  tail + sizeof(tail) - r->info_size, r->info_size);
	}
}

/* ---- erase ---- */

TEST(trailer_erase_erases_exactly_the_trailer_blocks)
{
	CHECK_OK(tfix_make(&T, &sim_geo_nrf52840, 9 * 4096, 8 * 4096, 8, 400,
			   DFU_MCUBOOT_SWAP_MOVE));
	CHECK_OK(tfix_put_bytes(&T, &T.pair.secondary, 3 * 4096, garbage));
	CHECK_OK(dfu_mcuboot_trailer_erase(&T.pair, 1));
	for (uint32_t i = 1; i <= 2 * 4096; i++) {
		CHECK(tfix_end(&T, &T.pair.secondary)[-(int32_t)i] == 0xff);
	}
	CHECK(tfix_end(&T, &T.pair.secondary)[-2 * 4096 - 1] != 0xff);
}

static void cleanup(void)
{
	sim_flash_free(&T.fl);
}

TEST_MAIN(RUN(layout_matches_the_nrf52840_worked_example);
	  RUN(layout_offsets_match_the_spec_rows_for_align_8_16_32);
	  RUN(layout_max_align_zero_means_8); RUN(layout_status_size_follows_max_img_sectors);
	  RUN(layout_max_image_size_per_mode); RUN(layout_rejects_invalid_pairs);
	  RUN(test_request_bytes_match_the_spec_for_every_write_block_and_align);
	  RUN(permanent_request_bytes_match_the_spec_for_every_write_block_and_align);
	  RUN(request_on_zero_erase_flash_pads_with_zero_and_decodes);
	  RUN(imgtool_trailers_decode_as_the_requests_imgtool_wrote);
	  RUN(request_writes_the_same_trailer_info_bytes_as_imgtool);
	  RUN(trailer_erase_erases_exactly_the_trailer_blocks); cleanup();)
