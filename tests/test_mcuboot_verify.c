/*
 * MCUboot target: verification options and policies. Read-back against the
 * streaming digest, the crypto port's hash hook, trusted keys (DER or only
 * a key hash), signature tampering, downgrade and security-counter gates,
 * and the other upgrade modes' slot layouts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "mcuboot_fixture.h"
#include "mcuboot_img.h"
#include "vectors.h"

#if !defined(TEST_TARGET_EMBEDDED) && defined(DFU_HAVE_CRYPTO_MBEDTLS)
#include "dfu_crypto_mbedtls.h"
#define HAVE_CRYPTO 1
#else
#define HAVE_CRYPTO 0
#endif

static uint64_t flash_ops(const struct mdev *d)
{
	return d->flash.cnt.erases + d->flash.cnt.programs;
}

/* Write all of v, corrupt one programmed byte, then done(true). */
static int corrupt_before_done(struct mdev *d, const struct vec_image *v)
{
	struct dfu_init_params ip = {
		.img_type = DFU_TARGET_IMAGE_TYPE_MCUBOOT, .img_num = 0, .file_size = v->len};
	int err = dfu_ctx_init_ex(&d->ctx, &ip);

	if (err == 0) {
		err = dfu_ctx_write(&d->ctx, v->data, v->len);
	}
	if (err == 0) {
		mdev_secondary(d, 0)[0x300] ^= 0x10; /* a bit decays in flash */
		err = dfu_ctx_done(&d->ctx, true);
	}
	return err;
}

TEST(done_reads_back_flash_and_catches_a_corrupted_byte)
{
	struct mdev d;
	struct mdev_opts o = {0};

	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(corrupt_before_done(&d, vec_find("v09")), EILSEQ);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->hash, DFU_MCUBOOT_CHECK_BAD);
	CHECK(dfu_mcuboot_schedule(&d.mcuboot, 0, false) != 0);
	mdev_destroy(&d);
}

TEST(no_readback_trusts_the_streaming_digest)
{
	struct mdev d;
	struct mdev_opts o = {.flags = DFU_MCUBOOT_NO_READBACK};

	CHECK(mdev_create(&d, &o) == 0);
	/* The documented cost of the option: flash corruption after the
	 * program is not seen by done (MCUboot would still refuse it). */
	CHECK_ERR(corrupt_before_done(&d, vec_find("v09")), 0);
	mdev_destroy(&d);
}

#if HAVE_CRYPTO
static struct dfu_crypto hook_inner;
static unsigned long hook_bytes;

static int hook_start(void *ctx)
{
	(void)ctx;
	return hook_inner.sha256_start(hook_inner.ctx);
}

static int hook_update(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	hook_bytes += n;
	return hook_inner.sha256_update(hook_inner.ctx, p, n);
}

static int hook_finish(void *ctx, uint8_t out[32])
{
	(void)ctx;
	return hook_inner.sha256_finish(hook_inner.ctx, out);
}
#endif

TEST(crypto_port_hash_replaces_the_portable_sha256)
{
#if HAVE_CRYPTO
	const struct vec_image *v = vec_find("v01");
	struct dfu_crypto_mbedtls cm;
	struct dfu_crypto hook = {
		.sha256_start = hook_start,
		.sha256_update = hook_update,
		.sha256_finish = hook_finish,
	};
	struct mdev d;
	struct mdev_opts o = {.crypto = &hook};

	dfu_crypto_mbedtls_init(&cm, &hook_inner, true);
	hook.verify = hook_inner.verify;
	hook.ctx = hook_inner.ctx;
	hook_bytes = 0;
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 512), 0);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->hash, DFU_MCUBOOT_CHECK_OK);
	/* read back (the default): the hashed range once, from flash */
	CHECK_EQ(hook_bytes, mcuboot_img_hashed_len(v->data));
	mdev_destroy(&d);
	/* DFU_MCUBOOT_NO_READBACK: once, while it streams */
	hook_bytes = 0;
	o.flags = DFU_MCUBOOT_NO_READBACK;
	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 512), 0);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->hash, DFU_MCUBOOT_CHECK_OK);
	CHECK_EQ(hook_bytes, mcuboot_img_hashed_len(v->data));
	mdev_destroy(&d);
	dfu_crypto_mbedtls_free(&cm);
#else
	SKIP("needs the host crypto port (mbedTLS)");
#endif
}

#if HAVE_CRYPTO
/* Download v with one trusted key into a fresh device; returns done's
 * result and leaves the report in d. */
static int with_key(struct mdev *d, struct dfu_crypto_mbedtls *cm, struct dfu_crypto *crypto,
		    const struct dfu_mcuboot_key *key, const uint8_t *img, size_t n)
{
	struct mdev_opts o = {.crypto = crypto, .keys = key, .key_count = 1};

	dfu_crypto_mbedtls_init(cm, crypto, false);
	if (mdev_create(d, &o) != 0) {
		abort();
	}
	return mdev_download(d, 0, img, n, 512);
}

static const struct dfu_mcuboot_profile pubkey_build = {.key_tlv = DFU_MCUBOOT_PUBKEY};

static int with_key_profile(struct mdev *d, struct dfu_crypto_mbedtls *cm,
			    struct dfu_crypto *crypto, const struct dfu_mcuboot_key *key,
			    const uint8_t *img, size_t n, const struct dfu_mcuboot_profile *prof)
{
	struct mdev_opts o = {.crypto = crypto, .keys = key, .key_count = 1, .profile = prof};

	dfu_crypto_mbedtls_init(cm, crypto, false);
	if (mdev_create(d, &o) != 0) {
		abort();
	}
	return mdev_download(d, 0, img, n, 512);
}
#endif

/* A HW-key build (MCUBOOT_HW_KEY): the image carries its key in a PUBKEY
 * TLV, the device knows its hash. (Before issue 12 this was accepted under
 * any profile; a KEYHASH build finds no key: test_mcuboot_profile.) */
TEST(key_given_only_by_its_hash_verifies_an_image_carrying_the_key_in_a_pubkey_build)
{
#if HAVE_CRYPTO
	const struct vec_image *v = vec_find("v10"); /* PUBKEY TLV */
	struct vec_pubkey pk;
	uint8_t h[32];
	struct dfu_crypto_mbedtls cm;
	struct dfu_crypto crypto;
	struct mdev d;

	CHECK_ERR(vec_pubkey_load(v->key, &pk), 0);
	dfu_sha256(pk.key, pk.key_len, h);
	struct dfu_mcuboot_key key = {.hash = h};

	CHECK_ERR(with_key_profile(&d, &cm, &crypto, &key, v->data, v->len, &pubkey_build), 0);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->signature, DFU_MCUBOOT_CHECK_OK);
	mdev_destroy(&d);
	dfu_crypto_mbedtls_free(&cm);
#else
	SKIP("needs the host crypto port (mbedTLS)");
#endif
}

TEST(image_signed_by_an_untrusted_key_is_refused)
{
#if HAVE_CRYPTO
	const struct vec_image *v = vec_find("v01"); /* EC P-256 */
	struct vec_pubkey other;
	struct dfu_crypto_mbedtls cm;
	struct dfu_crypto crypto;
	struct mdev d;

	CHECK_ERR(vec_pubkey_load(VEC_KEY_ENC_P256, &other), 0); /* another P-256 key */
	struct dfu_mcuboot_key key = {.der = other.key, .der_len = (uint16_t)other.key_len};

	CHECK_ERR(with_key(&d, &cm, &crypto, &key, v->data, v->len), EACCES);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->hash, DFU_MCUBOOT_CHECK_OK);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->signature, DFU_MCUBOOT_CHECK_NO_KEY);
	CHECK(dfu_mcuboot_schedule(&d.mcuboot, 0, false) != 0);
	mdev_destroy(&d);
	dfu_crypto_mbedtls_free(&cm);
#else
	SKIP("needs the host crypto port (mbedTLS)");
#endif
}

TEST(tampered_signature_is_refused_although_the_hash_is_good)
{
#if HAVE_CRYPTO
	const struct vec_image *v = vec_find("v06");
	static uint8_t img[1024];
	struct vec_pubkey pk;
	struct dfu_crypto_mbedtls cm;
	struct dfu_crypto crypto;
	struct mdev d;
	uint32_t off;
	uint16_t len;

	memcpy(img, v->data, v->len);
	CHECK_ERR(mcuboot_img_find_tlv(img, v->len, false, MCUBOOT_TLV_ECDSA_SIG, &off, &len), 0);
	img[off + len - 3] ^= 0x01; /* inside s: DER stays well-formed */
	CHECK_ERR(vec_pubkey_load(v->key, &pk), 0);
	struct dfu_mcuboot_key key = {.der = pk.key, .der_len = (uint16_t)pk.key_len};

	CHECK_ERR(with_key(&d, &cm, &crypto, &key, img, v->len), EACCES);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->hash, DFU_MCUBOOT_CHECK_OK);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->signature, DFU_MCUBOOT_CHECK_BAD);
	mdev_destroy(&d);
	dfu_crypto_mbedtls_free(&cm);
#else
	SKIP("needs the host crypto port (mbedTLS)");
#endif
}

TEST(signature_required_but_image_unsigned_is_refused)
{
#if HAVE_CRYPTO
	const struct vec_image *v = vec_find("v09"); /* hash only */
	struct vec_pubkey pk;
	struct dfu_crypto_mbedtls cm;
	struct dfu_crypto crypto;
	struct mdev d;

	CHECK_ERR(vec_pubkey_load(VEC_KEY_EC_P256, &pk), 0);
	struct dfu_mcuboot_key key = {.der = pk.key, .der_len = (uint16_t)pk.key_len};

	CHECK_ERR(with_key(&d, &cm, &crypto, &key, v->data, v->len), EACCES);
	mdev_destroy(&d);
	dfu_crypto_mbedtls_free(&cm);
#else
	SKIP("needs the host crypto port (mbedTLS)");
#endif
}

/* Device whose pair 0 primary runs `running`; policy flags / counter. */
static int policy_dev(struct mdev *d, const char *running, uint8_t flags, uint32_t min_cnt)
{
	struct mdev_opts o = {.flags = flags};
	int err = mdev_create(d, &o);

	if (err == 0 && running != NULL) {
		const struct vec_image *r = vec_find(running);

		mdev_program(d, d->pairs[0].primary.offset, r->data, r->len);
	}
	d->mcuboot.cfg.min_security_counter = min_cnt;
	return err;
}

TEST(downgrade_is_refused_before_flash_when_denied)
{
	struct mdev d;
	const struct vec_image *old = vec_find("v01"); /* 1.2.3+4 */

	CHECK(policy_dev(&d, "v03", DFU_MCUBOOT_DENY_DOWNGRADE, 0) == 0); /* runs 2.0.0 */
	CHECK_ERR(mdev_download(&d, 0, old->data, old->len, 512), ESTALE);
	CHECK_EQ(flash_ops(&d), 0);
	mdev_destroy(&d);
}

/* MCUboot's downgrade prevention refuses only cmp < 0 (sheet 1.4); until
 * issue 12 the library refused an equal version too. */
TEST(same_version_passes_downgrade_prevention_as_in_mcuboot)
{
	struct mdev d;
	const struct vec_image *same = vec_find("v03");

	CHECK(policy_dev(&d, "v03", DFU_MCUBOOT_DENY_DOWNGRADE, 0) == 0);
	CHECK_ERR(mdev_download(&d, 0, same->data, same->len, 512), 0);
	mdev_destroy(&d);
}

TEST(newer_version_passes_the_downgrade_gate)
{
	struct mdev d;
	const struct vec_image *newer = vec_find("v04"); /* 3.1.0+77 */

	CHECK(policy_dev(&d, "v03", DFU_MCUBOOT_DENY_DOWNGRADE, 0) == 0);
	CHECK_ERR(mdev_download(&d, 0, newer->data, newer->len, 512), 0);
	mdev_destroy(&d);
}

TEST(downgrade_is_allowed_unless_denied)
{
	struct mdev d;
	const struct vec_image *old = vec_find("v01");

	CHECK(policy_dev(&d, "v03", 0, 0) == 0);
	CHECK_ERR(mdev_download(&d, 0, old->data, old->len, 512), 0);
	mdev_destroy(&d);
}

TEST(security_counter_below_minimum_is_refused)
{
	struct mdev d;
	const struct vec_image *v = vec_find("v04"); /* counter 7 */

	CHECK(policy_dev(&d, NULL, 0, 8) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 7), ESTALE);
	CHECK(dfu_mcuboot_schedule(&d.mcuboot, 0, false) != 0);
	mdev_destroy(&d);
	CHECK(policy_dev(&d, NULL, 0, 7) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 7), 0);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->sec_cnt, 7);
	mdev_destroy(&d);
}

TEST(missing_security_counter_is_refused_when_a_minimum_is_set)
{
	struct mdev d;
	const struct vec_image *v = vec_find("v01"); /* no counter TLV */

	CHECK(policy_dev(&d, NULL, 0, 1) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 512), ESTALE);
	mdev_destroy(&d);
}

/* Download and schedule v06 into pair 0 of the given mode. */
static void mode_case(uint8_t mode, uint32_t image_at)
{
	const struct vec_image *v = vec_find("v06");
	struct mdev d;
	struct mdev_opts o = {.mode = mode, .slot0_size = 0x10000};
	struct dfu_mcuboot_pair_state st;

	CHECK(mdev_create(&d, &o) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 100), 0);
	uint8_t *sec = d.flash.mem + d.pairs[0].secondary.offset;

	CHECK(memcmp(sec + image_at, v->data, v->len) == 0);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), 0);
	CHECK_ERR(dfu_mcuboot_state(&d.mcuboot, 0, &st), 0);
	CHECK_EQ(st.swap, DFU_MCUBOOT_SWAP_TEST);
	CHECK_EQ(st.will_install, 1);
	mdev_destroy(&d);
}

TEST(swap_offset_mode_puts_the_image_at_the_second_sector)
{
	mode_case(DFU_MCUBOOT_SWAP_OFFSET, 4096);
}

TEST(overwrite_only_mode_downloads_and_schedules)
{
	mode_case(DFU_MCUBOOT_OVERWRITE, 0);
}

TEST(swap_scratch_mode_downloads_and_schedules)
{
	mode_case(DFU_MCUBOOT_SWAP_SCRATCH, 0);
}

TEST_MAIN(RUN(done_reads_back_flash_and_catches_a_corrupted_byte);
	  RUN(no_readback_trusts_the_streaming_digest);
	  RUN(crypto_port_hash_replaces_the_portable_sha256);
	  RUN(key_given_only_by_its_hash_verifies_an_image_carrying_the_key_in_a_pubkey_build);
	  RUN(image_signed_by_an_untrusted_key_is_refused);
	  RUN(tampered_signature_is_refused_although_the_hash_is_good);
	  RUN(signature_required_but_image_unsigned_is_refused);
	  RUN(downgrade_is_refused_before_flash_when_denied);
	  RUN(same_version_passes_downgrade_prevention_as_in_mcuboot);
	  RUN(newer_version_passes_the_downgrade_gate); RUN(downgrade_is_allowed_unless_denied);
	  RUN(security_counter_below_minimum_is_refused);
	  RUN(missing_security_counter_is_refused_when_a_minimum_is_set);
	  RUN(swap_offset_mode_puts_the_image_at_the_second_sector);
	  RUN(overwrite_only_mode_downloads_and_schedules);
	  RUN(swap_scratch_mode_downloads_and_schedules);)
