/*
 * MCUboot target: the real imgtool vectors end to end (download in several
 * chunk sizes, verification outcome, what reaches flash), padded files,
 * encrypted and non-bootable images.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "mcuboot_fixture.h"
#include "vectors.h"

#if !defined(TEST_TARGET_EMBEDDED) && defined(DFU_HAVE_CRYPTO_MBEDTLS)
#include "dfu_crypto_mbedtls.h"
#define HAVE_CRYPTO 1
#else
#define HAVE_CRYPTO 0
#endif

static const size_t chunks[] = {1, 7, 512, 4096 + 3};

/* Board for a vector: pair 0's slot = the vector's slot (padded files) or
 * the nRF91 0x70000 slot; its A = the vector's alignment. */
static int vec_dev(struct mdev *d, const struct vec_image *v, struct mdev_opts *o)
{
	o->slot0_size = v->slot_size ? v->slot_size : 0x70000;
	o->align = v->max_align > 8 ? v->max_align : 8;
	return mdev_create(d, o);
}

static bool erased(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != 0xFF) {
			return false;
		}
	}
	return true;
}

/* Is the vector's key configured? With the host mbedTLS port, when it can
 * verify the key's algorithm (ECDSA P-256, RSA-PSS; not Ed25519: such a key
 * is refused at setup, test_mcuboot_keys.c); never without a crypto port. */
static bool key_configured(const struct vec_image *v)
{
#if HAVE_CRYPTO
	return v->key != VEC_KEY_NONE && v->key != VEC_KEY_ED25519;
#else
	(void)v;
	return false;
#endif
}

/* The signature outcome expected per vector: OK when its key is
 * configured, else NONE (hash only). */
static uint8_t want_sig(const struct vec_image *v)
{
	return key_configured(v) ? DFU_MCUBOOT_CHECK_OK : DFU_MCUBOOT_CHECK_NONE;
}

static const struct dfu_mcuboot_profile pubkey_build = {.key_tlv = DFU_MCUBOOT_PUBKEY};

/* Download v in every chunk size, with its key required when the host
 * crypto port is there; check the outcome, what reached flash, the report. */
static void check_vector(const struct vec_image *v)
{
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct mdev d;
		struct mdev_opts o = {0};
#if HAVE_CRYPTO
		struct dfu_crypto_mbedtls cm;
		struct dfu_crypto crypto;
		struct vec_pubkey pk;
		struct dfu_mcuboot_key key = {0};

		dfu_crypto_mbedtls_init(&cm, &crypto, false);
		o.crypto = &crypto;
		if (key_configured(v)) {
			CHECK_ERR(vec_pubkey_load(v->key, &pk), 0);
			key.der = pk.key;
			key.der_len = (uint16_t)pk.key_len;
			o.keys = &key;
			o.key_count = 1;
		}
#endif
		/* v10 carries a PUBKEY TLV: a HW-key build (the default KEYHASH
		 * build refuses it, test_mcuboot_profile) */
		o.profile = v->full_pubkey ? &pubkey_build : NULL;
		CHECK(vec_dev(&d, v, &o) == 0);
		int err = mdev_download(&d, 0, v->data, v->len, chunks[c]);
		const struct dfu_mcuboot_info *info = dfu_mcuboot_report(&d.mcuboot);
		uint8_t sig = want_sig(v);

		CHECKF(err == 0, "%s chunk %zu: %s", v->name, chunks[c], dfu_errno_name(err));
		CHECK_EQ(info->hash, DFU_MCUBOOT_CHECK_OK);
		CHECKF(info->signature == sig, "%s: signature %d, want %d", v->name,
		       info->signature, sig);
		CHECK(memcmp(info->digest, v->digest, 32) == 0);
		CHECK_EQ(info->major, v->version.major);
		CHECK_EQ(info->build, v->version.build);
		uint8_t *slot = mdev_secondary(&d, 0);

		CHECK_EQ(info->tlv_end, vec_tlv_end(v));
		CHECK(memcmp(slot, v->data, info->tlv_end) == 0);
		/* Nothing past the TLVs was written (a padded file's tail). */
		CHECK(erased(slot + info->tlv_end, d.pairs[0].secondary.size - info->tlv_end));
		CHECK_EQ(d.flash.cnt.violations.total, 0);
		mdev_destroy(&d);
#if HAVE_CRYPTO
		dfu_crypto_mbedtls_free(&cm);
#endif
	}
}

TEST(every_vector_verifies_in_every_chunk_size)
{
	CHECK_EQ(vec_image_count, 12);
	for (size_t i = 0; i < vec_image_count; i++) {
		const struct vec_image *v = &vec_images[i];

		if (v->encrypted || v->compressed) {
			continue; /* v08: refused by the default build (test_mcuboot_profile) */
		}
		check_vector(v);
		if (test_state_.failed_here) {
			return;
		}
	}
}

TEST(hash_only_image_verifies_without_keys)
{
	const struct vec_image *v = vec_find("v09");
	struct mdev d;
	struct mdev_opts o = {0};

	CHECK(vec_dev(&d, v, &o) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 512), 0);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->hash, DFU_MCUBOOT_CHECK_OK);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->signature, DFU_MCUBOOT_CHECK_NONE);
	mdev_destroy(&d);
}

/* ---- padded files ---- */

static void padded_case(const char *name, uint8_t request, uint8_t align)
{
	const struct vec_image *v = vec_find(name);
	struct mdev d;
	struct mdev_opts o = {0};

	CHECK(vec_dev(&d, v, &o) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 4096 + 3), 0);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->file_request, request);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->file_align, align);
	/* The file's request is reported, not applied. */
	struct dfu_mcuboot_trailer t;

	CHECK_ERR(dfu_mcuboot_trailer_read(&d.pairs[0], 1, &t), 0);
	CHECK_EQ(t.magic, DFU_MCUBOOT_UNSET);
	size_t off = 0;

	CHECK_ERR(dfu_ctx_offset_get(&d.ctx, &off), 0);
	CHECK_EQ(off, v->len);
	mdev_destroy(&d);
}

TEST(padded_file_trailer_requesting_test_is_reported_not_written)
{
	padded_case("v02", DFU_MCUBOOT_SWAP_TEST, 8);
}

TEST(padded_file_trailer_requesting_permanent_is_reported)
{
	padded_case("v03", DFU_MCUBOOT_SWAP_PERM, 8);
}

TEST(padded_file_trailer_with_align_16_is_reported)
{
	padded_case("v05", DFU_MCUBOOT_SWAP_TEST, 16);
}

TEST(padded_file_trailer_with_align_32_is_reported)
{
	padded_case("v11", DFU_MCUBOOT_SWAP_PERM, 32);
}

/* Until issue 12 refused (-EBADMSG); MCUboot never reads past the TLVs. */
TEST(padded_file_with_garbage_after_tlvs_verifies_and_the_garbage_is_not_written)
{
	const struct vec_image *v = vec_find("v02");
	struct mdev d;
	struct mdev_opts o = {0};
	static uint8_t img[0x70000];

	memcpy(img, v->data, v->len);
	img[vec_tlv_end(v) + 100] = 0x00;
	CHECK(vec_dev(&d, v, &o) == 0);
	CHECK_ERR(mdev_download(&d, 0, img, v->len, 4096), 0);
	CHECK_EQ(mdev_secondary(&d, 0)[vec_tlv_end(v) + 100], 0xFF);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->file_request, 0); /* not a trailer */
	CHECK_ERR(dfu_mcuboot_schedule(&d.mcuboot, 0, false), 0);
	mdev_destroy(&d);
}

/* ---- encrypted, non-bootable ---- */

TEST(encrypted_image_is_refused_before_flash_is_touched)
{
	const struct vec_image *v = vec_find("v07");
	struct mdev d;
	struct mdev_opts o = {0};

	CHECK(vec_dev(&d, v, &o) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 512), ENOTSUP);
	CHECK_EQ(d.flash.cnt.erases + d.flash.cnt.programs, 0);
	mdev_destroy(&d);
}

TEST(encrypted_image_with_opt_in_is_schedulable_only_with_opt_in)
{
	const struct vec_image *v = vec_find("v07");
	struct mdev d;
	struct mdev_opts o = {.flags = DFU_MCUBOOT_ALLOW_UNVERIFIED};

	CHECK(vec_dev(&d, v, &o) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 512), 0);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->hash, DFU_MCUBOOT_CHECK_UNVERIFIABLE);
	d.o.flags = 0;
	mdev_reboot(&d);
	CHECK_ERR(dfu_mcuboot_schedule(&d.mcuboot, 0, false), ENOTSUP);
	d.o.flags = DFU_MCUBOOT_ALLOW_UNVERIFIED;
	mdev_reboot(&d);
	CHECK_ERR(dfu_mcuboot_schedule(&d.mcuboot, 0, false), 0);
	mdev_destroy(&d);
}

TEST(non_bootable_image_verifies_but_is_refused_for_scheduling)
{
	const struct vec_image *v = vec_find("v12");
	struct mdev d;
	struct mdev_opts o = {0};

	CHECK(vec_dev(&d, v, &o) == 0);
	CHECK_ERR(mdev_download(&d, 0, v->data, v->len, 512), 0);
	CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->hash, DFU_MCUBOOT_CHECK_OK);
	uint64_t programs = d.flash.cnt.programs;

	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), ENOEXEC);
	CHECK_EQ(d.flash.cnt.programs, programs);
	mdev_destroy(&d);
}

TEST_MAIN(RUN(every_vector_verifies_in_every_chunk_size);

	  RUN(hash_only_image_verifies_without_keys);
	  RUN(padded_file_trailer_requesting_test_is_reported_not_written);
	  RUN(padded_file_trailer_requesting_permanent_is_reported);
	  RUN(padded_file_trailer_with_align_16_is_reported);
	  RUN(padded_file_trailer_with_align_32_is_reported);
	  RUN(padded_file_with_garbage_after_tlvs_verifies_and_the_garbage_is_not_written);
	  RUN(encrypted_image_is_refused_before_flash_is_touched);
	  RUN(encrypted_image_with_opt_in_is_schedulable_only_with_opt_in);
	  RUN(non_bootable_image_verifies_but_is_refused_for_scheduling);)
