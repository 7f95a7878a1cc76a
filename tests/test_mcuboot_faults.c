/*
 * MCUboot target under transient faults and power cuts (issue 13):
 *   - one transient error (-EIO) at every port call of a download + done +
 *     schedule (flash read/program/erase, store read/write/remove, SHA-256
 *     start/update/finish and verify of the crypto port on the host), the
 *     application recovering as the README says; every run ends verified,
 *     bit-exact and requested, losing at most the bytes after the last
 *     durable point;
 *   - transient errors in done(true) keep the complete download;
 *   - one progress record per pair: a power cut at every operation of pair
 *     1's download leaves pair 0's complete download schedulable;
 *   - identity: a completed download is reused only with its digest (or in
 *     the same session), never for another build with the same header;
 *   - init(type, img, 0) + schedule_update(img) schedules the verified
 *     image (the reference's schedule-after-reboot pattern).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "fault_port.h"
#include "harness.h"
#include "mcuboot_fixture.h"
#include "mcuboot_img.h"
#include "support.h"
#include "vectors.h"

#if !defined(TEST_TARGET_EMBEDDED) && defined(DFU_HAVE_CRYPTO_MBEDTLS)
#include "dfu_crypto_mbedtls.h"
#define HAVE_CRYPTO 1
#else
#define HAVE_CRYPTO 0
#endif

#define CHUNK 1000u

static struct mdev d;
static struct fault_port fp;
#if HAVE_CRYPTO
static struct dfu_crypto_mbedtls cm;
static struct dfu_crypto crypto;
static uint8_t key_der[128];
static struct dfu_mcuboot_key trusted;
#endif

/* A device whose flash, store and crypto go through the fault injector;
 * on the host with the mbedTLS port and v01's trusted key. */
static int fdev_create_keyed(bool keyed)
{
	struct mdev_opts o = {0};

#if HAVE_CRYPTO
	size_t pem_len;
	const char *pem = vec_key_pub_pem(VEC_KEY_EC_P256, &pem_len);
	int n = vec_pem_to_der(pem, pem_len, key_der, sizeof(key_der));

	if (n <= 0) {
		return -1;
	}
	trusted = (struct dfu_mcuboot_key){.der = key_der, .der_len = (uint16_t)n};
	dfu_crypto_mbedtls_init(&cm, &crypto, true);
	o.crypto = &crypto;
	o.keys = keyed ? &trusted : NULL;
	o.key_count = keyed ? 1 : 0;
#else
	(void)keyed;
#endif
	if (mdev_create(&d, &o) != 0) {
		return -1;
	}
	fault_port_wrap(&fp, &d.flash.dev, &d.kv.dev, d.o.crypto);
	for (int i = 0; i < 3; i++) {
		d.pairs[i].primary.flash = &fp.wflash;
		d.pairs[i].secondary.flash = &fp.wflash;
	}
	d.port.kv = &fp.wkv;
	d.port.crypto = fault_port_crypto(&fp);
	return 0;
}

static int fdev_create(void)
{
	return fdev_create_keyed(true);
}

/* For the test-built images, which are not signed. */
static int fdev_create_unkeyed(void)
{
	return fdev_create_keyed(false);
}

static void fdev_reboot(void)
{
	mdev_reboot(&d);
	d.port.kv = &fp.wkv;
	d.port.crypto = fault_port_crypto(&fp);
}

static void fdev_destroy(void)
{
	mdev_destroy(&d);
#if HAVE_CRYPTO
	dfu_crypto_mbedtls_free(&cm);
#endif
}

static struct dfu_init_params params(int pair, const uint8_t *img, size_t n)
{
	return (struct dfu_init_params){.img_type = DFU_TARGET_IMAGE_TYPE_MCUBOOT,
					.img_num = pair,
					.file_size = n,
					.first = img,
					.first_len = 64};
}

/* The README's recovery (support.h) on this device. */
static int app_update(int pair, const uint8_t *img, size_t n, size_t *sent)
{
	struct dfu_init_params ip = params(pair, img, n);

	return app_update_ctx(&d.ctx, &ip, img, n, CHUNK, pair, sent);
}

static bool requested_and_verified(int pair)
{
	struct dfu_mcuboot_pair_state s;

	return dfu_mcuboot_state(&d.mcuboot, pair, &s) == 0 && s.swap == DFU_MCUBOOT_SWAP_TEST &&
	       s.secondary.verified == DFU_MCUBOOT_CHECK_OK;
}

TEST(one_transient_error_at_any_port_call_still_ends_verified_and_requested)
{
	const struct vec_image *v = vec_find("v01");
	size_t sent = 0;
	uint32_t n_calls;
	uint32_t runs = 0, bad = 0, worst = 0;
	CHECK_OK(fdev_create());
	CHECK_OK(app_update(0, v->data, v->len, &sent));
	n_calls = fp.calls;
	CHECK_EQ(sent, v->len);
	fdev_destroy();
	for (uint32_t k = 1; k <= n_calls; k++) {
		sent = 0;
		CHECK_OK(fdev_create());
		fp.fail_at = k;
		int err = app_update(0, v->data, v->len, &sent);
		size_t lost = sent - v->len;
		/* a flash error rolls back to the erase block being written;
		 * the buffer and the chunk in flight are sent again */
		size_t limit = d.flash.dev.erase_block + d.o.buf_len + CHUNK;

		runs++;
		if (err || fp.fired != 1 || memcmp(mdev_secondary(&d, 0), v->data, v->len) != 0 ||
		    !requested_and_verified(0) || lost > limit) {
			bad++;
			printf("  fault at call %u: %s, fired %u, resent %zu (limit %zu)\n",
			       (unsigned)k, dfu_errno_name(err), (unsigned)fp.fired, lost, limit);
		}
		worst = lost > worst ? (uint32_t)lost : worst;
		fdev_destroy();
	}
	printf("  fault sweep: %u port calls, %u runs, %u bad, at most %u bytes sent again\n",
	       (unsigned)n_calls, (unsigned)runs, (unsigned)bad, (unsigned)worst);
	CHECK_EQ(bad, 0);
}

static int fail_first_read_in_done(void)
{
	const struct vec_image *v = vec_find("v06");
	struct dfu_init_params ip = params(0, v->data, v->len);
	int err = dfu_ctx_init_ex(&d.ctx, &ip);

	if (err == 0) {
		err = dfu_ctx_write(&d.ctx, v->data, v->len);
	}
	if (err) {
		return -EPROTO;
	}
	fp.fail_at = fp.calls + 3; /* flush, complete record, then the read-back */
	return dfu_ctx_done(&d.ctx, true);
}

TEST(transient_error_in_done_keeps_the_complete_download)
{
	const struct vec_image *v = vec_find("v06");
	uint64_t erases;

	CHECK_OK(fdev_create());
	CHECK_ERR(fail_first_read_in_done(), EIO);
	erases = d.flash.cnt.erases;
	struct dfu_init_params ip = params(0, v->data, v->len);

	CHECK_OK(dfu_ctx_init_ex(&d.ctx, &ip)); /* verifies it again */
	CHECK_EQ(dfu_ctx_state(&d.ctx), DFU_STATE_DONE);
	CHECK_EQ(d.flash.cnt.erases, erases);
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
	CHECK(requested_and_verified(0));
	CHECK_MEM(mdev_secondary(&d, 0), v->data, v->len);
	fdev_destroy();
}

/* A 20 KiB hash-only image for the small pairs (8 sectors). */
static uint8_t small_img[24 * 1024];
static size_t small_len;

static int make_small(uint8_t seed)
{
	static uint8_t payload[20 * 1024];
	struct mcuboot_img_params p = {.version = {1, 0, 0, seed}};

	fill_random(payload, sizeof(payload), seed);
	return mcuboot_img_build(&p, payload, sizeof(payload), small_img, sizeof(small_img),
				 &small_len);
}

static int download(int pair, const uint8_t *img, size_t n)
{
	size_t sent = 0;

	return app_update(pair, img, n, &sent);
}

TEST(power_cut_at_every_op_of_pair_1_leaves_pair_0_complete_and_schedulable)
{
	const struct vec_image *v = vec_find("v06");
	uint32_t ops, runs = 0, bad = 0;
	struct dfu_init_params p1;

	CHECK_OK(make_small(3));
	p1 = params(1, small_img, small_len);
	/* ops of pair 1's download on a device where pair 0 is complete */
	CHECK_OK(fdev_create_unkeyed());
	CHECK_OK(download(0, v->data, v->len));
	fdev_reboot();
	sim_power_arm(&d.power, 0, SIM_TORN_NOTHING, 1);
	CHECK_OK(download(1, small_img, small_len));
	ops = d.power.ops;
	fdev_destroy();
	for (uint32_t k = 1; k <= ops; k++) {
		CHECK_OK(fdev_create_unkeyed());
		CHECK_OK(download(0, v->data, v->len));
		fdev_reboot();
		sim_power_arm(&d.power, k, SIM_TORN_HALF, k);
		(void)download(1, small_img, small_len);
		fdev_reboot();
		runs++;
		/* the reference's pattern: init with size 0, then schedule */
		int err = dfu_ctx_init(&d.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, 0, NULL);

		if (err == 0) {
			err = dfu_ctx_schedule_update(&d.ctx, 0);
		}
		/* and a re-init with its digest finds it complete */
		struct dfu_init_params p0 = params(0, v->data, v->len);

		p0.expected_digest = v->digest;
		if (err == 0) {
			d.ctx = (struct dfu_ctx){0};
			fdev_reboot();
			err = dfu_ctx_init_ex(&d.ctx, &p0);
		}
		bool ok0 = err == 0 && dfu_ctx_state(&d.ctx) == DFU_STATE_DONE &&
			   requested_and_verified(0) &&
			   memcmp(mdev_secondary(&d, 0), v->data, v->len) == 0;
		/* and pair 1 resumes to an exact image */
		d.ctx = (struct dfu_ctx){0};
		fdev_reboot();
		size_t off = 0;
		err = dfu_ctx_init_ex(&d.ctx, &p1);
		if (err == 0) {
			err = dfu_ctx_offset_get(&d.ctx, &off);
		}
		if (err == 0 && off < small_len) {
			err = dfu_ctx_write(&d.ctx, small_img + off, small_len - off);
		}
		if (err == 0) {
			err = dfu_ctx_done(&d.ctx, true);
		}
		bool ok1 = err == 0 && memcmp(mdev_secondary(&d, 1), small_img, small_len) == 0;

		if (!ok0 || !ok1) {
			bad++;
			printf("  cut at op %u: pair 0 %s, pair 1 %s (%s)\n", (unsigned)k,
			       ok0 ? "ok" : "LOST", ok1 ? "ok" : "bad", dfu_errno_name(err));
		}
		fdev_destroy();
	}
	printf("  multi-image cut sweep: %u ops, %u runs, %u bad\n", (unsigned)ops, (unsigned)runs,
	       (unsigned)bad);
	CHECK_EQ(bad, 0);
}

TEST(init_with_size_0_after_reboot_schedules_the_verified_image)
{
	const struct vec_image *v = vec_find("v06");

	CHECK_OK(fdev_create());
	CHECK_OK(mdev_download(&d, 0, v->data, v->len, 100));
	fdev_reboot();
	uint64_t erases = d.flash.cnt.erases;

	CHECK_OK(dfu_ctx_init(&d.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, 0, NULL));
	CHECK_EQ(dfu_ctx_state(&d.ctx), DFU_STATE_DONE);
	CHECK_EQ(d.flash.cnt.erases, erases); /* nothing discarded */
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
	CHECK(requested_and_verified(0));
	fdev_destroy();
}

TEST(init_with_size_0_without_a_verified_image_refuses_to_schedule)
{
	const struct vec_image *v = vec_find("v06");
	struct dfu_init_params ip = params(0, v->data, v->len);
	struct dfu_mcuboot_pair_state s;

	CHECK_OK(fdev_create());
	CHECK_OK(dfu_ctx_init_ex(&d.ctx, &ip));
	CHECK_OK(dfu_ctx_write(&d.ctx, v->data, v->len)); /* never done(true) */
	fdev_reboot();
	CHECK_OK(dfu_ctx_init(&d.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, 0, NULL));
	CHECK_EQ(dfu_ctx_state(&d.ctx), DFU_STATE_READY);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), ENOENT);
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, 0, &s));
	CHECK_EQ(s.swap, DFU_MCUBOOT_SWAP_NONE);
	fdev_destroy();
}

static bool has_record(const char *key)
{
	uint8_t b[DFU_KV_MAX_RECORD];

	return d.kv.dev.read(d.kv.dev.ctx, key, b, sizeof(b)) > 0;
}

TEST(init_with_size_0_for_another_file_is_a_new_download_not_the_verified_image)
{
	const struct vec_image *v = vec_find("v06");
	static uint8_t other[64];

	CHECK_OK(fdev_create());
	CHECK_OK(mdev_download(&d, 0, v->data, v->len, 100));
	fdev_reboot();
	/* the first bytes of another file, size unknown */
	memcpy(other, v->data, sizeof(other));
	other[40] ^= 0x5a;
	(void)dfu_ctx_img_type(&d.ctx, other, sizeof(other));
	CHECK_OK(dfu_ctx_init(&d.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, 0, NULL));
	CHECK_EQ(dfu_ctx_state(&d.ctx), DFU_STATE_READY);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), ENOENT);
	fdev_destroy();
}

TEST(completed_download_of_pair_0_survives_a_partial_download_of_pair_1)
{
	const struct vec_image *v = vec_find("v06");
	struct dfu_init_params p1;

	CHECK_OK(make_small(4));
	p1 = params(1, small_img, small_len);
	CHECK_OK(fdev_create_unkeyed());
	CHECK_OK(mdev_download(&d, 0, v->data, v->len, 100));
	CHECK_OK(dfu_ctx_init_ex(&d.ctx, &p1));
	CHECK_OK(dfu_ctx_write(&d.ctx, small_img, 3 * 4096 + 10));
	fdev_reboot();
	CHECK(has_record("mcuboot/p00")); /* pair 0: complete */
	CHECK(has_record("mcuboot/p01")); /* pair 1: in progress */
	CHECK_OK(dfu_ctx_init(&d.ctx, DFU_TARGET_IMAGE_TYPE_MCUBOOT, 0, 0, NULL));
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
	CHECK(requested_and_verified(0));
	fdev_destroy();
}

/* Two builds with the same header, size and first 64 bytes. */
static uint8_t build_a[8192], build_b[8192];
static size_t ab_len;

static int make_ab(void)
{
	static uint8_t payload[4000];
	struct mcuboot_img_params p = {.version = {1, 2, 3, 4}};
	size_t nb;
	int err;

	fill_random(payload, sizeof(payload), 1);
	err = mcuboot_img_build(&p, payload, sizeof(payload), build_a, sizeof(build_a), &ab_len);
	payload[100] ^= 0x55;
	if (err == 0) {
		err = mcuboot_img_build(&p, payload, sizeof(payload), build_b, sizeof(build_b),
					&nb);
	}
	return err ? err : (nb == ab_len && memcmp(build_a, build_b, 64) == 0 ? 0 : -EPROTO);
}

static void b_after_a_downloads_b(bool reboot)
{
	struct dfu_init_params pb;
	size_t off = 1;

	CHECK_OK(make_ab());
	pb = params(0, build_b, ab_len);
	CHECK_OK(fdev_create_unkeyed());
	CHECK_OK(mdev_download(&d, 0, build_a, ab_len, 100));
	if (reboot) {
		fdev_reboot();
	}
	(void)dfu_ctx_img_type(&d.ctx, build_b, 64);
	CHECK_OK(dfu_ctx_init_ex(&d.ctx, &pb));
	CHECK_EQ(dfu_ctx_state(&d.ctx), DFU_STATE_READY);
	CHECK_OK(dfu_ctx_offset_get(&d.ctx, &off));
	CHECK_EQ(off, 0);
	CHECK_OK(dfu_ctx_write(&d.ctx, build_b, ab_len));
	CHECK_OK(dfu_ctx_done(&d.ctx, true));
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
	CHECK_MEM(mdev_secondary(&d, 0), build_b, ab_len);
	fdev_destroy();
}

TEST(another_build_with_the_same_header_after_done_is_downloaded_in_the_same_boot)
{
	b_after_a_downloads_b(false);
}

TEST(another_build_with_the_same_header_after_done_is_downloaded_after_a_reboot)
{
	b_after_a_downloads_b(true);
}

TEST(completed_download_is_reused_after_reboot_only_with_its_digest)
{
	const struct vec_image *v = vec_find("v06");
	struct dfu_init_params ip = params(0, v->data, v->len);
	uint8_t other[32];
	size_t off = 1;

	CHECK_OK(fdev_create());
	CHECK_OK(mdev_download(&d, 0, v->data, v->len, 100));
	fdev_reboot();
	uint64_t mut = d.flash.cnt.erases + d.flash.cnt.programs;

	ip.expected_digest = v->digest;
	CHECK_OK(dfu_ctx_init_ex(&d.ctx, &ip));
	CHECK_EQ(dfu_ctx_state(&d.ctx), DFU_STATE_DONE);
	CHECK_EQ(d.flash.cnt.erases + d.flash.cnt.programs, mut);
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
	/* with another digest: a new download */
	fdev_reboot();
	memcpy(other, v->digest, sizeof(other));
	other[0] ^= 1;
	ip.expected_digest = other;
	CHECK_OK(dfu_ctx_init_ex(&d.ctx, &ip));
	CHECK_EQ(dfu_ctx_state(&d.ctx), DFU_STATE_READY);
	CHECK_OK(dfu_ctx_offset_get(&d.ctx, &off));
	CHECK_EQ(off, 0);
	fdev_destroy();
}

TEST_MAIN(RUN(one_transient_error_at_any_port_call_still_ends_verified_and_requested);
	  RUN(transient_error_in_done_keeps_the_complete_download);
	  RUN(power_cut_at_every_op_of_pair_1_leaves_pair_0_complete_and_schedulable);
	  RUN(init_with_size_0_after_reboot_schedules_the_verified_image);
	  RUN(init_with_size_0_without_a_verified_image_refuses_to_schedule);
	  RUN(init_with_size_0_for_another_file_is_a_new_download_not_the_verified_image);
	  RUN(completed_download_of_pair_0_survives_a_partial_download_of_pair_1);
	  RUN(another_build_with_the_same_header_after_done_is_downloaded_in_the_same_boot);
	  RUN(another_build_with_the_same_header_after_done_is_downloaded_after_a_reboot);
	  RUN(completed_download_is_reused_after_reboot_only_with_its_digest);)
