/*
 * Full modem target: downloads land byte-exact and verified, resume after a
 * reboot, verification failures discard, reset, schedule, and the records
 * an install step reads (dfu_full_modem_stored()).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "cbor_gen.h"
#include "full_modem_fixture.h"
#include <string.h>

#include "harness.h"

static struct fmdev dev;
static uint8_t file[64 * 1024];
static const struct fmdev_opts defaults;

/* The real-looking file: 4 segments, 56 KiB of blob. */
static size_t gen(uint8_t *out, uint32_t seed, size_t *wrapper_len)
{
	size_t n = cbor_gen_modem(out, sizeof(file), 56, seed, wrapper_len);

	if (n == 0) {
		abort();
	}
	return n;
}

static bool erased(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != 0xff) {
			return false;
		}
	}
	return true;
}

/* Download in chunks of `chunk`, then check flash, state and records. */
static void download_exact(size_t chunk)
{
	size_t w;
	size_t n = gen(file, 1, &w);
	struct dfu_full_modem_info info;

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_download(&dev, file, n, n, chunk, NULL));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_DONE);
	CHECK_MEM(fmdev_part(&dev), file, n);
	CHECK_OK(dfu_full_modem_stored(&dev.fm, &info));
	CHECK_EQ(info.wrapper_len, w);
	CHECK_EQ(info.blob_len, n - w);
	CHECK_EQ(info.verified, 1);
	CHECK_EQ(dev.flash.cnt.violations.total, 0);
	fmdev_destroy(&dev);
}

TEST(download_in_1_byte_chunks_lands_byte_exact_and_verified)
{
	download_exact(1);
}

TEST(download_in_7_byte_chunks_lands_byte_exact_and_verified)
{
	download_exact(7);
}

TEST(download_in_4099_byte_chunks_lands_byte_exact_and_verified)
{
	download_exact(4096 + 3);
}

TEST(download_of_unknown_size_verifies)
{
	size_t n = gen(file, 2, NULL);
	size_t off = 0;

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_download(&dev, file, n, 0, 1000, NULL));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, n);
	CHECK_MEM(fmdev_part(&dev), file, n);
	fmdev_destroy(&dev);
}

TEST(report_holds_the_manifest)
{
	size_t w;
	size_t n = gen(file, 3, &w);
	const struct dfu_full_modem_info *r = dfu_full_modem_report(&dev.fm);
	uint8_t digest[32];

	dfu_sha256(file + w, n - w, digest);
	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_download(&dev, file, n, n, 512, NULL));
	CHECK_EQ(r->version, 0x010305);
	CHECK_EQ(r->compat, 1);
	CHECK_EQ(r->segments, 4);
	CHECK_EQ(r->wrapper_len, w);
	CHECK_MEM(r->digest, digest, 32);
	fmdev_destroy(&dev);
}

/* Stop at ~60 %, reboot, run the application again: it resumes. */
static void resume_case(uint8_t flags, size_t chunk)
{
	struct fmdev_opts o = {.flags = flags};
	size_t n = gen(file, 4, NULL);
	size_t at = 0;

	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_OK(fmdev_init(&dev, file, n, n));
	CHECK_OK(fmdev_write(&dev, file, 0, n * 6 / 10, chunk));
	fmdev_reboot(&dev);
	CHECK_OK(fmdev_download(&dev, file, n, n, chunk, &at));
	CHECKF(at > 0 && at <= n * 6 / 10 && at % 4096 == 0, "resumed at %zu", at);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_DONE);
	CHECK_MEM(fmdev_part(&dev), file, n);
	fmdev_destroy(&dev);
}

TEST(resume_after_reboot_continues_from_the_durable_offset)
{
	resume_case(0, 999);
}

TEST(resume_replays_the_prefix_into_the_streaming_digest)
{
	resume_case(DFU_FULL_MODEM_NO_READBACK, 1); /* done trusts the streamed hash */
}

TEST(resume_with_a_corrupted_prefix_restarts_from_zero)
{
	size_t n = gen(file, 5, NULL);
	size_t at = 1;

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_init(&dev, file, n, n));
	CHECK_OK(fmdev_write(&dev, file, 0, n / 2, 4096));
	fmdev_reboot(&dev);
	fmdev_part(&dev)[2] = 0x43; /* protected header bstr(3): no longer parses */
	CHECK_OK(fmdev_download(&dev, file, n, n, 4096, &at));
	CHECK_EQ(at, 0);
	CHECK_MEM(fmdev_part(&dev), file, n);
	fmdev_destroy(&dev);
}

TEST(complete_download_is_reported_done_after_reboot_with_its_digest)
{
	size_t n = gen(file, 6, NULL);
	size_t off = 0;
	uint8_t digest[32];

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_download(&dev, file, n, n, 4096, NULL));
	memcpy(digest, dev.fm.p.info.digest, sizeof(digest));
	fmdev_reboot(&dev);
	uint32_t before = fmdev_mutations(&dev);

	CHECK_OK(fmdev_init_digest(&dev, file, n, n, digest));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_DONE);
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, n);
	CHECK_EQ(fmdev_mutations(&dev), before);
	CHECK_OK(dfu_ctx_schedule_update(&dev.ctx, 0));
	fmdev_destroy(&dev);
}

TEST(complete_download_after_reboot_without_a_digest_is_downloaded_again)
{
	size_t n = gen(file, 6, NULL);
	size_t off = 1;

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_download(&dev, file, n, n, 4096, NULL));
	fmdev_reboot(&dev);
	CHECK_OK(fmdev_init(&dev, file, n, n));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 0);
	CHECK(!fmdev_has_record(&dev, DFU_FULL_MODEM_VERIFIED_KEY));
	CHECK_OK(fmdev_write(&dev, file, 0, n, 4096));
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	CHECK_MEM(fmdev_part(&dev), file, n);
	fmdev_destroy(&dev);
}

TEST(complete_download_with_another_digest_is_downloaded_again)
{
	size_t n = gen(file, 6, NULL);
	size_t off = 1;
	uint8_t digest[32];

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_download(&dev, file, n, n, 4096, NULL));
	memcpy(digest, dev.fm.p.info.digest, sizeof(digest));
	digest[7] ^= 1;
	fmdev_reboot(&dev);
	CHECK_OK(fmdev_init_digest(&dev, file, n, n, digest));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 0);
	fmdev_destroy(&dev);
}

TEST(complete_download_without_verified_record_is_verified_at_init)
{
	size_t n = gen(file, 7, NULL);
	uint8_t digest[32];

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_download(&dev, file, n, n, 4096, NULL));
	memcpy(digest, dev.fm.p.info.digest, sizeof(digest));
	fmdev_reboot(&dev);
	CHECK_OK(dev.kv.dev.remove(dev.kv.dev.ctx, DFU_FULL_MODEM_VERIFIED_KEY));
	CHECK_OK(fmdev_init_digest(&dev, file, n, n, digest));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_DONE);
	CHECK(fmdev_has_record(&dev, DFU_FULL_MODEM_VERIFIED_KEY));
	fmdev_destroy(&dev);
}

TEST(completed_file_that_no_longer_verifies_is_forgotten_at_init)
{
	size_t w;
	size_t n = gen(file, 19, &w);
	size_t off = 1;

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_download(&dev, file, n, n, 4096, NULL));
	fmdev_reboot(&dev);
	CHECK_OK(dev.kv.dev.remove(dev.kv.dev.ctx, DFU_FULL_MODEM_VERIFIED_KEY));
	fmdev_part(&dev)[n - 1] ^= 0x01; /* the blob's last byte */
	CHECK_OK(fmdev_init(&dev, file, n, n));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_READY);
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 0);
	CHECK(!fmdev_has_record(&dev, DFU_FULL_MODEM_PROGRESS_KEY));
	CHECK_OK(fmdev_write(&dev, file, 0, n, 4096));
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	CHECK_MEM(fmdev_part(&dev), file, n);
	fmdev_destroy(&dev);
}

TEST(digest_mismatch_at_done_is_eilseq_and_discards)
{
	size_t w;
	size_t n = gen(file, 8, &w);
	struct dfu_full_modem_info info;
	size_t off = 1;

	file[w + (n - w) / 2] ^= 0x01; /* one blob bit: blob_hash no longer matches */
	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_ERR(fmdev_download(&dev, file, n, n, 1000, NULL), EILSEQ);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_FAILED);
	CHECK(erased(fmdev_part(&dev), 4096));
	CHECK(!fmdev_has_record(&dev, DFU_FULL_MODEM_PROGRESS_KEY));
	CHECK(!fmdev_has_record(&dev, DFU_FULL_MODEM_VERIFIED_KEY));
	CHECK_ERR(dfu_full_modem_stored(&dev.fm, &info), ENOENT);
	CHECK_ERR(dfu_ctx_schedule_update(&dev.ctx, 0), EPERM);
	CHECK_OK(fmdev_init(&dev, file, n, n)); /* a new download */
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 0);
	fmdev_destroy(&dev);
}

TEST(flash_changed_under_the_download_is_caught_by_read_back)
{
	size_t w;
	size_t n = gen(file, 9, &w);

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_init(&dev, file, n, n));
	CHECK_OK(fmdev_write(&dev, file, 0, n, 4096));
	fmdev_part(&dev)[w + 10] ^= 0x80; /* a programmed blob byte */
	CHECK_ERR(dfu_ctx_done(&dev.ctx, true), EILSEQ);
	CHECK(erased(fmdev_part(&dev), 4096));
	CHECK(!fmdev_has_record(&dev, DFU_FULL_MODEM_VERIFIED_KEY));
	fmdev_destroy(&dev);
}

TEST(malformed_wrapper_found_after_the_first_program_is_discarded)
{
	static struct cbor_seg segs[60];
	struct fmdev_opts o = {.buf_len = 512};
	size_t w;

	for (uint32_t i = 0; i < 60; i++) {
		segs[i] = (struct cbor_seg){0x10000000u + i, 300};
	}
	struct cbor_gen_opts g = {.segs = segs, .nseg = 60, .sig_len = 255};
	size_t n = cbor_gen(file, sizeof(file), &g, &w);

	/* the signature head (58 FF) lies beyond the chunk that fills the
	 * 512-byte buffer, so the first block is programmed before it */
	CHECK(n != 0 && w - 255 - 2 >= 520);
	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_OK(fmdev_init(&dev, file, n, n));
	CHECK_ERR(fmdev_write(&dev, file, 0, n, 10), EBADMSG);
	CHECK(dev.flash.cnt.programs > 0);
	CHECK(erased(fmdev_part(&dev), 4096));
	CHECK(!fmdev_has_record(&dev, DFU_FULL_MODEM_PROGRESS_KEY));
	CHECK_ERR(dfu_ctx_done(&dev.ctx, true), EPIPE);
	fmdev_destroy(&dev);
}

TEST(reset_erases_the_first_block_and_clears_records)
{
	size_t n = gen(file, 10, NULL);
	struct dfu_full_modem_info info;
	size_t off = 1;

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_download(&dev, file, n, n, 4096, NULL));
	CHECK_OK(dfu_ctx_reset(&dev.ctx));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_IDLE);
	CHECK(erased(fmdev_part(&dev), 4096));
	CHECK_MEM(fmdev_part(&dev) + 4096, file + 4096, n - 4096); /* only one block */
	CHECK(!fmdev_has_record(&dev, DFU_FULL_MODEM_PROGRESS_KEY));
	CHECK(!fmdev_has_record(&dev, DFU_FULL_MODEM_VERIFIED_KEY));
	CHECK_ERR(dfu_full_modem_stored(&dev.fm, &info), ENOENT);
	fmdev_reboot(&dev);
	CHECK_OK(fmdev_init(&dev, file, n, n));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 0);
	fmdev_destroy(&dev);
}

TEST(reset_mid_download_discards_progress)
{
	size_t n = gen(file, 11, NULL);
	size_t off = 1;

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_init(&dev, file, n, n));
	CHECK_OK(fmdev_write(&dev, file, 0, n / 2, 4096));
	CHECK_OK(dfu_ctx_reset(&dev.ctx));
	fmdev_reboot(&dev);
	CHECK_OK(fmdev_init(&dev, file, n, n));
	CHECK_OK(dfu_ctx_offset_get(&dev.ctx, &off));
	CHECK_EQ(off, 0);
	fmdev_destroy(&dev);
}

TEST(seed_api_downloads_resumes_and_schedules_a_modem_image)
{
	size_t n = gen(file, 15, NULL);
	size_t off = 1;

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(dfu_target_setup(&dev.cfg));
	CHECK_EQ(dfu_target_img_type(file, 64), DFU_TARGET_IMAGE_TYPE_FULL_MODEM);
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_FULL_MODEM, 0, n, NULL));
	CHECK_OK(dfu_target_offset_get(&off));
	CHECK_EQ(off, 0);
	CHECK_OK(dfu_target_write(file, n / 2));
	fmdev_reboot(&dev); /* power lost half way */
	CHECK_OK(dfu_target_setup(&dev.cfg));
	CHECK_EQ(dfu_target_img_type(file, 64), DFU_TARGET_IMAGE_TYPE_FULL_MODEM);
	CHECK_OK(dfu_target_init(DFU_TARGET_IMAGE_TYPE_FULL_MODEM, 0, n, NULL));
	CHECK_OK(dfu_target_offset_get(&off));
	CHECK(off > 0 && off <= n / 2);
	CHECK_OK(dfu_target_write(file + off, n - off));
	CHECK_OK(dfu_target_done(true));
	CHECK_OK(dfu_target_schedule_update(0));
	CHECK_MEM(fmdev_part(&dev), file, n);
	fmdev_destroy(&dev);
}

TEST(schedule_update_is_a_no_op_after_a_verified_done)
{
	size_t n = gen(file, 12, NULL);

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_download(&dev, file, n, n, 4096, NULL));
	uint32_t before = fmdev_mutations(&dev);

	CHECK_OK(dfu_ctx_schedule_update(&dev.ctx, 0));
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_SCHEDULED);
	CHECK_EQ(fmdev_mutations(&dev), before);
	fmdev_destroy(&dev);
}

TEST(schedule_update_before_done_is_eperm)
{
	size_t n = gen(file, 13, NULL);

	CHECK_OK(fmdev_create(&dev, &defaults));
	CHECK_OK(fmdev_init(&dev, file, n, n));
	CHECK_OK(fmdev_write(&dev, file, 0, n / 2, 4096));
	CHECK_ERR(dfu_ctx_schedule_update(&dev.ctx, 0), EPERM);
	fmdev_destroy(&dev);
}

TEST(stored_file_tells_the_installer_where_the_blob_is)
{
	struct fmdev_opts o = {.kv_in_cfg = true}; /* usable before any init */
	size_t w;
	size_t n = gen(file, 14, &w);
	struct dfu_full_modem_info info;
	uint8_t digest[32];

	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_OK(fmdev_download(&dev, file, n, n, 4096, NULL));
	fmdev_reboot(&dev);
	CHECK_OK(dfu_full_modem_stored(&dev.fm, &info));
	CHECK_EQ(info.wrapper_len, w);
	CHECK_EQ(info.blob_len, n - w);
	CHECK_EQ(info.segments, 4);
	CHECK_EQ(info.version, 0x010305);
	dfu_sha256(dev.flash.mem + dev.o.part_off + info.wrapper_len, info.blob_len, digest);
	CHECK_MEM(digest, info.digest, 32);
	fmdev_destroy(&dev);
}

TEST(stored_file_is_enoent_when_the_wrapper_changed)
{
	struct fmdev_opts o = {.kv_in_cfg = true};
	size_t n = gen(file, 15, NULL);
	struct dfu_full_modem_info info;

	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_OK(fmdev_download(&dev, file, n, n, 4096, NULL));
	fmdev_part(&dev)[40] ^= 0x01;
	CHECK_ERR(dfu_full_modem_stored(&dev.fm, &info), ENOENT);
	fmdev_destroy(&dev);
}

TEST(new_download_unverifies_the_old_file_at_its_first_program)
{
	struct fmdev_opts o = {.kv_in_cfg = true};
	size_t nb = gen(file, 17, NULL);
	struct dfu_full_modem_info info;

	/* The same file, first downloaded with an unknown size: the new
	 * download is another identity, and its wrapper equals the old one. */
	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_OK(fmdev_download(&dev, file, nb, 0, 4096, NULL));
	fmdev_reboot(&dev);
	CHECK_OK(fmdev_init(&dev, file, nb, nb));
	CHECK_OK(fmdev_write(&dev, file, 0, 4000, 1000)); /* still buffered */
	CHECK_OK(dfu_full_modem_stored(&dev.fm, &info));
	CHECK_OK(fmdev_write(&dev, file, 4000, 5000, 1000)); /* programs */
	CHECK_ERR(dfu_full_modem_stored(&dev.fm, &info), ENOENT);
	CHECK_OK(fmdev_write(&dev, file, 5000, nb, 1000));
	CHECK_OK(dfu_ctx_done(&dev.ctx, true));
	CHECK_OK(dfu_full_modem_stored(&dev.fm, &info));
	CHECK_MEM(fmdev_part(&dev), file, nb);
	fmdev_destroy(&dev);
}

TEST(verify_writes_reads_back_every_program)
{
	struct fmdev_opts o = {.flags = DFU_FULL_MODEM_VERIFY_WRITES | DFU_FULL_MODEM_NO_READBACK};
	size_t n = gen(file, 20, NULL);

	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_OK(fmdev_download(&dev, file, n, n, 4096, NULL));
	CHECK(dev.flash.cnt.bytes_read >= n); /* programs read back, no final pass */
	CHECK(dev.flash.cnt.bytes_read < 2 * (uint64_t)n);
	fmdev_destroy(&dev);
}

/* A port SHA-256 engine (the portable one, counted). */
static struct dfu_sha256 port_sha;
static unsigned port_calls;

static int p_start(void *ctx)
{
	(void)ctx;
	port_calls++;
	dfu_sha256_init(&port_sha);
	return 0;
}

static int p_update(void *ctx, const void *d, size_t n)
{
	(void)ctx;
	port_calls++;
	dfu_sha256_update(&port_sha, d, n);
	return 0;
}

static int p_finish(void *ctx, uint8_t out[32])
{
	(void)ctx;
	port_calls++;
	dfu_sha256_final(&port_sha, out);
	return 0;
}

TEST(port_hash_engine_is_used_when_given)
{
	static const struct dfu_crypto crypto = {
		.sha256_start = p_start, .sha256_update = p_update, .sha256_finish = p_finish};
	struct fmdev_opts o = {.crypto = &crypto};
	size_t n = gen(file, 18, NULL);

	CHECK_OK(fmdev_create(&dev, &o));
	CHECK_OK(fmdev_download(&dev, file, n, n, 4096, NULL));
	CHECK(port_calls > 4);
	CHECK_EQ(dfu_ctx_state(&dev.ctx), DFU_STATE_DONE);
	fmdev_destroy(&dev);
}

TEST_MAIN(RUN(download_in_1_byte_chunks_lands_byte_exact_and_verified);
	  RUN(download_in_7_byte_chunks_lands_byte_exact_and_verified);
	  RUN(download_in_4099_byte_chunks_lands_byte_exact_and_verified);
	  RUN(download_of_unknown_size_verifies); RUN(report_holds_the_manifest);
	  RUN(resume_after_reboot_continues_from_the_durable_offset);
	  RUN(resume_replays_the_prefix_into_the_streaming_digest);
	  RUN(resume_with_a_corrupted_prefix_restarts_from_zero);
	  RUN(complete_download_is_reported_done_after_reboot_with_its_digest);
	  RUN(complete_download_after_reboot_without_a_digest_is_downloaded_again);
	  RUN(complete_download_with_another_digest_is_downloaded_again);
	  RUN(complete_download_without_verified_record_is_verified_at_init);
	  RUN(completed_file_that_no_longer_verifies_is_forgotten_at_init);
	  RUN(digest_mismatch_at_done_is_eilseq_and_discards);
	  RUN(flash_changed_under_the_download_is_caught_by_read_back);
	  RUN(malformed_wrapper_found_after_the_first_program_is_discarded);
	  RUN(reset_erases_the_first_block_and_clears_records);
	  RUN(reset_mid_download_discards_progress);
	  RUN(seed_api_downloads_resumes_and_schedules_a_modem_image);
	  RUN(schedule_update_is_a_no_op_after_a_verified_done);
	  RUN(schedule_update_before_done_is_eperm);
	  RUN(stored_file_tells_the_installer_where_the_blob_is);
	  RUN(stored_file_is_enoent_when_the_wrapper_changed);
	  RUN(new_download_unverifies_the_old_file_at_its_first_program);
	  RUN(verify_writes_reads_back_every_program); RUN(port_hash_engine_is_used_when_given);)
