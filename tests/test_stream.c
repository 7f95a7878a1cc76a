/*
 * Stream writer invariants (include/dfu/dfu_stream.h), on the three flash
 * geometries: nRF NVMC (4 KiB / 4 B), NOR (4 KiB / 1 B), STM32L4-like ECC
 * (2 KiB / 8 B write-once).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "support.h"

static const struct sim_geometry *const geos[] = {&sim_geo_nrf52840, &sim_geo_mx25r64,
						  &sim_geo_stm32l4};
#define NGEO (sizeof(geos) / sizeof(geos[0]))

static uint8_t img[64 * 1024];

static struct dev dev;

static void setup(const struct sim_geometry *g, uint32_t buf_len, uint8_t flags)
{
	struct dev_opts o = {
		.geo = g, .area_offset = 2 * g->erase_block, .buf_len = buf_len, .flags = flags};
	dev_create(&dev, &o);
}

static uint32_t blocks_for(uint32_t n, uint32_t eb)
{
	return (n + eb - 1) / eb;
}

/* Each chunk size on each geometry yields a bit-exact image, every touched
 * erase block erased exactly once, no flash-rule violation, the tail padded
 * with the erase value. */
TEST(any_chunk_size_gives_exact_image_with_minimal_erases_on_all_geometries)
{
	static const size_t chunks[] = {1, 7, 511, 513, 4097, 9000};
	const uint32_t n = 5 * 4096 + 1234;

	fill_random(img, n, 1);
	for (size_t g = 0; g < NGEO; g++) {
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			setup(geos[g], 512, 0);
			CHECK_OK(app_download(&dev, img, n, chunks[c], NULL));
			CHECKF(memcmp(dev_area(&dev), img, n) == 0, "image differs: %s chunk %zu",
			       geos[g]->name, chunks[c]);
			uint32_t eb = geos[g]->erase_block;
			CHECK_EQ(dev.flash.cnt.erases, blocks_for(n, eb));
			CHECKF(dev.flash.cnt.violations.total == 0, "%s chunk %zu: %s",
			       geos[g]->name, chunks[c], dev.flash.last_violation);
			/* padding up to the write block is the erase value */
			uint32_t wb = geos[g]->write_block;
			for (uint32_t i = n; i < (n + wb - 1) / wb * wb; i++) {
				CHECK_EQ(dev_area(&dev)[i], geos[g]->erase_value);
			}
			dev_destroy(&dev);
		}
	}
}

TEST(offset_get_has_no_side_effects)
{
	const uint32_t n = 3 * 4096;
	size_t a = 1, b = 2;

	fill_random(img, n, 2);
	setup(&sim_geo_nrf52840, 512, 0);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_write(&dev.ctx, img, 700));
	uint64_t ops = dev.power.ops, reads = dev.flash.cnt.reads, kvr = dev.kv.cnt.reads;
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &a));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &b));
	CHECK_EQ(a, b);
	CHECK_EQ(a, 700); /* the next byte expected: 512 programmed + 188 buffered */
	CHECK_EQ(dev.power.ops, ops);
	CHECK_EQ(dev.flash.cnt.reads, reads);
	CHECK_EQ(dev.kv.cnt.reads, kvr);
	CHECK_OK(dfu_ctx_write(&dev.ctx, img + 700, n - 700));
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	CHECK_MEM(dev_area(&dev), img, n);
	dev_destroy(&dev);
}

/* Same boot: done(false) drops buffered bytes; offset_get = programmed; a
 * resume from there gives the exact image. */
TEST(same_boot_resume_after_abort_is_exact)
{
	const uint32_t n = 4 * 2048 + 77;

	fill_random(img, n, 3);
	for (size_t g = 0; g < NGEO; g++) {
		size_t off = 0;

		setup(geos[g], 256, 0);
		CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
		CHECK_OK(dfu_ctx_write(&dev.ctx, img, 3000));
		CHECK_OK(dfu_ctx_done(&dev.ctx, false));
		CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
		CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
		CHECK_EQ(off, 3000 / 256 * 256);
		CHECK_OK(dfu_ctx_write(&dev.ctx, img + off, n - off));
		CHECK_OK(dfu_ctx_done(&dev.ctx, true));
		CHECK_MEM(dev_area(&dev), img, n);
		CHECK_EQ(dev.flash.cnt.violations.total, 0);
		dev_destroy(&dev);
	}
}

TEST(new_init_drops_buffered_bytes)
{
	const uint32_t n = 8192;
	size_t off = 99;

	fill_random(img, n, 4);
	setup(&sim_geo_nrf52840, 512, 0);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_write(&dev.ctx, img, 1000)); /* 512 durable + 488 buffered */
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 512);
	CHECK_OK(dfu_ctx_write(&dev.ctx, img + 512, n - 512));
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	CHECK_MEM(dev_area(&dev), img, n);
	dev_destroy(&dev);
}

/* One store write per erase block crossed (interval 1), plus the final
 * "complete" record; no store write for chunks inside a block. */
TEST(checkpoint_written_once_per_erase_block)
{
	const uint32_t n = 6 * 4096 + 100;

	fill_random(img, n, 5);
	setup(&sim_geo_nrf52840, 512, 0);
	CHECK_OK(app_download(&dev, img, n, 100, NULL));
	CHECK_EQ(dev.kv.cnt.writes, 6 + 1);
	CHECK_EQ(dev.kv.cnt.removes, 0);
	dev_destroy(&dev);
}

TEST(checkpoint_interval_of_n_blocks_is_respected)
{
	const uint32_t n = 10 * 4096;
	struct dev_opts o = {.geo = &sim_geo_nrf52840, .ckpt_blocks = 3};

	fill_random(img, n, 6);
	dev_create(&dev, &o);
	CHECK_OK(app_download(&dev, img, n, 1024, NULL));
	CHECK_EQ(dev.kv.cnt.writes, 3 + 1); /* at 3, 6, 9 blocks + complete */
	dev_destroy(&dev);
}

/* After a reboot, D is the checkpointed block boundary and the block at D
 * is erased again before use: that block is the only one erased twice. */
TEST(reboot_resumes_at_checkpoint_and_reerases_only_that_block)
{
	const uint32_t n = 6 * 4096;
	size_t off = 0;

	fill_random(img, n, 7);
	setup(&sim_geo_nrf52840, 512, 0);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_write(&dev.ctx, img, 3 * 4096 + 1500));
	dev_reboot(&dev);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 3 * 4096);
	CHECK_OK(dfu_ctx_write(&dev.ctx, img + off, n - off));
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	CHECK_MEM(dev_area(&dev), img, n);
	uint32_t first = dev.o.area_offset / 4096;
	for (uint32_t b = 0; b < 6; b++) {
		CHECK_EQ(dev.flash.cnt.erase_count[first + b], b == 3 ? 2 : 1);
	}
	CHECK_EQ(dev.flash.cnt.violations.total, 0);
	dev_destroy(&dev);
}

/* Writes one record of the given kind/offset as another download would. */
static void plant_record(uint32_t file_size, uint32_t off, uint32_t area)
{
	struct dfu_image_id id = {.file_size = file_size, .target = DFU_TARGET_IMAGE_TYPE_CUSTOM};
	struct dfu_stream s;
	struct dfu_stream_cfg c = dev.raw.cfg;

	c.kv = &dev.kv.dev;
	c.offset = area;
	CHECK_OK(dfu_stream_open(&s, &c, &id));
	/* write `off` bytes through a real stream so the record is genuine */
	static uint8_t junk[16384];
	fill_random(junk, off, 99);
	CHECK_OK(dfu_stream_write(&s, junk, off));
	CHECK_OK(dfu_stream_abort(&s));
}

TEST(record_for_another_file_is_ignored_and_deleted_before_first_erase)
{
	const uint32_t n = 4 * 4096;
	size_t off = 1;

	fill_random(img, n, 8);
	setup(&sim_geo_nrf52840, 512, 0);
	plant_record(n + 4, 2 * 4096, dev.o.area_offset);
	dev_reboot(&dev);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 0);
	uint64_t removes = dev.kv.cnt.removes, erases = dev.flash.cnt.erases;
	CHECK_OK(dfu_ctx_write(&dev.ctx, img, 512));
	CHECK_EQ(dev.kv.cnt.removes, removes + 1);
	CHECK_EQ(dev.flash.cnt.erases, erases + 1);
	CHECK_OK(dfu_ctx_write(&dev.ctx, img + 512, n - 512));
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	CHECK_MEM(dev_area(&dev), img, n);
	dev_destroy(&dev);
}

TEST(record_for_another_area_is_ignored)
{
	const uint32_t n = 4 * 4096;
	size_t off = 1;

	setup(&sim_geo_nrf52840, 512, 0);
	plant_record(n, 2 * 4096, dev.o.area_offset + 4096 * 8);
	dev_reboot(&dev);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 0);
	dev_destroy(&dev);
}

TEST(corrupt_record_is_ignored)
{
	const uint32_t n = 4 * 4096;
	uint8_t rec[DFU_STREAM_RECORD_SIZE];
	size_t off = 1;

	setup(&sim_geo_nrf52840, 512, 0);
	plant_record(n, 2 * 4096, dev.o.area_offset);
	CHECK_EQ(dev.kv.dev.read(dev.kv.dev.ctx, "dfu/raw0", rec, sizeof(rec)), sizeof(rec));
	for (size_t i = 0; i < sizeof(rec); i++) {
		uint8_t bad[DFU_STREAM_RECORD_SIZE];
		memcpy(bad, rec, sizeof(rec));
		bad[i] ^= 0x10;
		CHECK_OK(dev.kv.dev.write(dev.kv.dev.ctx, "dfu/raw0", bad, sizeof(bad)));
		dev_reboot(&dev);
		CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
		CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
		CHECKF(off == 0, "flipped byte %zu resumed at %zu", i, off);
	}
	/* a truncated record too */
	CHECK_OK(dev.kv.dev.write(dev.kv.dev.ctx, "dfu/raw0", rec, sizeof(rec) - 1));
	dev_reboot(&dev);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 0);
	/* and the intact one resumes */
	CHECK_OK(dev.kv.dev.write(dev.kv.dev.ctx, "dfu/raw0", rec, sizeof(rec)));
	dev_reboot(&dev);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 2 * 4096);
	dev_destroy(&dev);
}

TEST(unknown_file_size_never_resumes_and_never_erases_by_itself)
{
	const uint32_t n = 4 * 4096;
	size_t off = 1;

	fill_random(img, n, 9);
	setup(&sim_geo_nrf52840, 512, 0);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, 0, NULL));
	CHECK_OK(dfu_ctx_write(&dev.ctx, img, 2 * 4096 + 600));
	CHECK_OK(dfu_ctx_done(&dev.ctx, false));
	dev_reboot(&dev);
	uint64_t ops = dev.power.ops;
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, 0, NULL));
	CHECK_EQ(dev.power.ops, ops);
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 0);
	dev_destroy(&dev);
}

TEST(other_first_bytes_never_resume)
{
	const uint32_t n = 4 * 4096;
	size_t off = 1;

	fill_random(img, n, 10);
	setup(&sim_geo_nrf52840, 512, 0);
	(void)dfu_ctx_img_type(&dev.ctx, img, 64);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_write(&dev.ctx, img, 2 * 4096 + 600));
	dev_reboot(&dev);
	img[5] ^= 1; /* same size, different image */
	(void)dfu_ctx_img_type(&dev.ctx, img, 64);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 0);
	img[5] ^= 1;
	dev_reboot(&dev);
	(void)dfu_ctx_img_type(&dev.ctx, img, 64);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 2 * 4096);
	dev_destroy(&dev);
}

TEST(complete_download_is_downloaded_again_after_reboot)
{
	const uint32_t n = 3 * 4096 + 5;
	size_t off = 1;

	fill_random(img, n, 11);
	setup(&sim_geo_nrf52840, 512, 0);
	CHECK_OK(app_download(&dev, img, n, 1000, NULL));
	dev_reboot(&dev);
	(void)dfu_ctx_img_type(&dev.ctx, img, 64);
	/* the same first bytes and size do not prove the same file */
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 0);
	CHECK_OK(app_download(&dev, img, n, 1000, NULL));
	CHECK_MEM(dev_area(&dev), img, n);
	dev_destroy(&dev);
}

/* A flash port whose program silently does nothing once. */
static struct dfu_flash lying;
static int lie_countdown;
static int lying_program(void *ctx, uint32_t off, const void *src, size_t len)
{
	if (--lie_countdown == 0) {
		return 0;
	}
	return dev.flash.dev.program(ctx, off, src, len);
}

TEST(readback_check_catches_a_program_that_silently_failed)
{
	const uint32_t n = 3 * 4096;
	size_t off = 0;

	fill_random(img, n, 12);
	setup(&sim_geo_nrf52840, 512, DFU_STREAM_VERIFY_READBACK);
	lying = dev.flash.dev;
	lying.program = lying_program;
	lie_countdown = 11; /* the 11th program: inside the 2nd erase block */
	dev.raw.cfg.flash = &lying;
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	for (int i = 0; i < 10; i++) {
		CHECK_OK(dfu_ctx_write(&dev.ctx, img + 512 * i, 512));
	}
	/* 512 B chunks are programmed one by one: the 11th lies */
	CHECK_ERR(dfu_ctx_write(&dev.ctx, img + 5120, 512), EIO);
	CHECK_ERR(dfu_ctx_write(&dev.ctx, img, 1), EPIPE);
	CHECK_OK(dfu_ctx_init(&dev.ctx, DFU_TARGET_IMAGE_TYPE_CUSTOM, 0, n, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 4096); /* rolled back to the start of the failed block */
	CHECK_OK(dfu_ctx_write(&dev.ctx, img + off, n - off));
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	CHECK_MEM(dev_area(&dev), img, n);
	CHECK_EQ(dev.flash.cnt.violations.total, 0);
	dev_destroy(&dev);
}

TEST(without_readback_a_silent_program_failure_goes_unnoticed)
{
	/* The control for the test above: proves the fault injection bites. */
	const uint32_t n = 3 * 4096;

	fill_random(img, n, 12);
	setup(&sim_geo_nrf52840, 512, 0);
	lying = dev.flash.dev;
	lying.program = lying_program;
	lie_countdown = 11;
	dev.raw.cfg.flash = &lying;
	CHECK_OK(app_download(&dev, img, n, 512, NULL));
	CHECK(memcmp(dev_area(&dev), img, n) != 0);
	dev_destroy(&dev);
}

TEST(skip_erased_option_does_not_program_blank_write_blocks)
{
	const uint32_t n = 4 * 4096;

	fill_random(img, n, 13);
	memset(img + 1024, 0xFF, 3000); /* a blank stretch */
	for (size_t g = 0; g < NGEO; g++) {
		setup(geos[g], 512, 0);
		CHECK_OK(app_download(&dev, img, n, 700, NULL));
		uint64_t full = dev.flash.cnt.bytes_programmed;
		dev_destroy(&dev);
		setup(geos[g], 512, DFU_STREAM_SKIP_ERASED);
		CHECK_OK(app_download(&dev, img, n, 700, NULL));
		CHECK_MEM(dev_area(&dev), img, n);
		CHECKF(dev.flash.cnt.bytes_programmed + 2900 <= full, "%s: %llu vs %llu",
		       geos[g]->name, (unsigned long long)dev.flash.cnt.bytes_programmed,
		       (unsigned long long)full);
		CHECK_EQ(dev.flash.cnt.violations.total, 0);
		dev_destroy(&dev);
	}
}

TEST(large_chunks_are_programmed_without_copy)
{
	const uint32_t n = 4 * 4096;

	fill_random(img, n, 14);
	setup(&sim_geo_nrf52840, 512, 0);
	CHECK_OK(app_download(&dev, img, n, 4096, NULL));
	/* one program per 4 KiB chunk (one erase block each), not 8 x 512 */
	CHECK_EQ(dev.flash.cnt.programs, 4);
	CHECK_MEM(dev_area(&dev), img, n);
	dev_destroy(&dev);
}

TEST(reset_deletes_record_then_erases_first_block)
{
	const uint32_t n = 4 * 4096;
	uint8_t rec[DFU_STREAM_RECORD_SIZE];

	fill_random(img, n, 15);
	setup(&sim_geo_nrf52840, 512, 0);
	CHECK_OK(app_download(&dev, img, n, 1024, NULL));
	CHECK_OK(dfu_ctx_reset(&dev.ctx));
	CHECK_ERR(dev.kv.dev.read(dev.kv.dev.ctx, "dfu/raw0", rec, sizeof(rec)), ENOENT);
	for (uint32_t i = 0; i < 4096; i++) {
		CHECK_EQ(dev_area(&dev)[i], 0xFF);
	}
	CHECK_MEM(dev_area(&dev) + 4096, img + 4096, n - 4096);
	dev_destroy(&dev);
}

TEST(open_rejects_invalid_configurations)
{
	struct dfu_stream s;
	struct dfu_image_id id = {.file_size = 100, .target = DFU_TARGET_IMAGE_TYPE_CUSTOM};
	uint8_t buf[512];

	setup(&sim_geo_stm32l4, 512, 0);
	struct dfu_stream_cfg ok = {
		.flash = &dev.flash.dev, .offset = 2048, .size = 8192, .buf = buf, .buf_len = 512};
	struct dfu_stream_cfg c;
	CHECK_OK(dfu_stream_open(&s, &ok, &id));
	c = ok, c.offset = 100;
	CHECK_ERR(dfu_stream_open(&s, &c, &id), EINVAL);
	c = ok, c.buf_len = 12; /* not a multiple of 8 */
	CHECK_ERR(dfu_stream_open(&s, &c, &id), EINVAL);
	c = ok, c.buf_len = 0;
	CHECK_ERR(dfu_stream_open(&s, &c, &id), EINVAL);
	c = ok, c.buf = NULL;
	CHECK_ERR(dfu_stream_open(&s, &c, &id), EINVAL);
	c = ok, c.size = 1000;
	CHECK_ERR(dfu_stream_open(&s, &c, &id), EINVAL);
	c = ok, c.size = dev.flash.dev.size; /* beyond the device */
	CHECK_ERR(dfu_stream_open(&s, &c, &id), EINVAL);
	c = ok, c.offset = dev.flash.dev.size;
	CHECK_ERR(dfu_stream_open(&s, &c, &id), EINVAL);
	c = ok, c.kv = &dev.kv.dev, c.key = NULL;
	CHECK_ERR(dfu_stream_open(&s, &c, &id), EINVAL);
	c = ok, c.flash = NULL;
	CHECK_ERR(dfu_stream_open(&s, &c, &id), EINVAL);
	id.file_size = 8192 + 1;
	CHECK_ERR(dfu_stream_open(&s, &ok, &id), EFBIG);
	CHECK_ERR(dfu_stream_open(&s, &ok, NULL), EINVAL);
	dev_destroy(&dev);
}

TEST(crc32_matches_the_ieee_check_value)
{
	CHECK_EQ(dfu_crc32(0, "123456789", 9), 0xCBF43926u);
}

TEST_MAIN(RUN(any_chunk_size_gives_exact_image_with_minimal_erases_on_all_geometries);
	  RUN(offset_get_has_no_side_effects); RUN(same_boot_resume_after_abort_is_exact);
	  RUN(new_init_drops_buffered_bytes); RUN(checkpoint_written_once_per_erase_block);
	  RUN(checkpoint_interval_of_n_blocks_is_respected);
	  RUN(reboot_resumes_at_checkpoint_and_reerases_only_that_block);
	  RUN(record_for_another_file_is_ignored_and_deleted_before_first_erase);
	  RUN(record_for_another_area_is_ignored); RUN(corrupt_record_is_ignored);
	  RUN(unknown_file_size_never_resumes_and_never_erases_by_itself);
	  RUN(other_first_bytes_never_resume);
	  RUN(complete_download_is_downloaded_again_after_reboot);
	  RUN(readback_check_catches_a_program_that_silently_failed);
	  RUN(without_readback_a_silent_program_failure_goes_unnoticed);
	  RUN(skip_erased_option_does_not_program_blank_write_blocks);
	  RUN(large_chunks_are_programmed_without_copy);
	  RUN(reset_deletes_record_then_erases_first_block);
	  RUN(open_rejects_invalid_configurations); RUN(crc32_matches_the_ieee_check_value);)
