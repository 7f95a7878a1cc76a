/*
 * MCUboot target: configured keys are checked against the crypto port at
 * dfu_ctx_setup() and again at init, before any flash or store operation
 * (dfu_target_mcuboot.h, "Keys"), with each crypto port (tests/
 * crypto_ports.h) and with stub ports; and a signed download verifies end to
 * end with each port. The cases that need no real crypto port run on the
 * target too.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#include "crypto_ports.h"
#include "mcuboot_fixture.h"
#include "mcuboot_img.h"
#include "vectors.h"

/* Counters of everything the library could touch on the device. */
static uint64_t io_ops(const struct mdev *d)
{
	return (uint64_t)d->flash.cnt.reads + d->flash.cnt.programs + d->flash.cnt.erases +
	       d->kv.cnt.reads + d->kv.cnt.writes + d->kv.cnt.removes;
}

/*
 * A device whose setup had no keys (so it passed), then configured with
 * keys and a crypto port (the port's, as most applications do): the next
 * init sees the new configuration. buf_len 0 = the fixture's 512.
 */
static void keyed_dev(struct mdev *d, const struct dfu_crypto *crypto,
		      const struct dfu_mcuboot_key *keys, uint8_t n, uint32_t buf_len)
{
	struct mdev_opts o = {.buf_len = buf_len};

	if (mdev_create(d, &o) != 0) {
		abort();
	}
	d->port.crypto = crypto;
	d->mcuboot.cfg.keys = keys;
	d->mcuboot.cfg.key_count = n;
}

/* What setup and init say of the configuration; *io: device operations
 * done by both. */
static int setup_result(struct mdev *d)
{
	struct dfu_ctx ctx;

	return dfu_ctx_setup(&ctx, &d->cfg);
}

static int init_result(struct mdev *d, uint64_t *io)
{
	const struct vec_image *v = vec_find("v01");
	int err = mdev_download(d, 0, v->data, v->len, 512);

	*io = io_ops(d);
	return err;
}

/* setup and init both give want, and init touched nothing. */
#define CHECK_REFUSED(d, want, what)                                                       \
	do {                                                                               \
		uint64_t io_ = 1;                                                          \
		int s_ = setup_result(d);                                                  \
		int i_ = init_result(d, &io_);                                             \
		CHECKF(s_ == -(want) && i_ == -(want) && io_ == 0,                         \
		       "%s: setup %s, init %s, %llu device ops", what, dfu_errno_name(s_), \
		       dfu_errno_name(i_), (unsigned long long)io_);                       \
	} while (0)

static struct dfu_mcuboot_key der_key(const struct vec_pubkey *k, bool spki)
{
	struct dfu_mcuboot_key key = {
		.der = spki ? k->spki : k->key,
		.der_len = (uint16_t)(spki ? k->spki_len : k->key_len),
	};
	return key;
}

/* ---- stub ports (any platform) ---- */

static int stub_verify_result;
static int stub_check_result;
static unsigned stub_verify_calls;

static int stub_verify(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len,
		       const uint8_t digest[32], const uint8_t *sig, size_t sig_len)
{
	(void)ctx;
	(void)alg;
	(void)key;
	(void)key_len;
	(void)digest;
	(void)sig;
	(void)sig_len;
	stub_verify_calls++;
	return stub_verify_result;
}

static int stub_check_key(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len)
{
	(void)ctx;
	(void)alg;
	(void)key;
	(void)key_len;
	return stub_check_result;
}

/* A port that says every signature is bad (a contract-abiding verify()
 * for the probe), without check_key. */
static const struct dfu_crypto stub_port = {.verify = stub_verify};

static void stub_reset(int verify_result, int check_result)
{
	stub_verify_result = verify_result;
	stub_check_result = check_result;
	stub_verify_calls = 0;
}

TEST(keys_without_a_crypto_port_are_refused_with_enotsup_before_any_device_operation)
{
	struct vec_pubkey k;
	struct dfu_mcuboot_key key;
	struct mdev d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	key = der_key(&k, true);
	keyed_dev(&d, NULL, &key, 1, 0);
	CHECK_REFUSED(&d, ENOTSUP, "no crypto port");
	mdev_destroy(&d);
}

TEST(keys_with_a_crypto_port_without_verify_are_refused_with_enotsup)
{
	static const struct dfu_crypto hash_only = {.ctx = NULL};
	struct vec_pubkey k;
	struct dfu_mcuboot_key key;
	struct mdev d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	key = der_key(&k, true);
	keyed_dev(&d, &hash_only, &key, 1, 0);
	CHECK_REFUSED(&d, ENOTSUP, "no verify");
	mdev_destroy(&d);
}

TEST(a_key_count_without_a_key_array_is_refused_with_einval)
{
	struct mdev d;

	stub_reset(-EBADMSG, 0);
	keyed_dev(&d, &stub_port, NULL, 1, 0);
	CHECK_REFUSED(&d, EINVAL, "keys NULL");
	mdev_destroy(&d);
}

TEST(a_key_with_neither_der_nor_hash_is_refused_with_einval)
{
	struct dfu_mcuboot_key key = {0};
	struct mdev d;

	stub_reset(-EBADMSG, 0);
	keyed_dev(&d, &stub_port, &key, 1, 0);
	CHECK_REFUSED(&d, EINVAL, "empty key");
	mdev_destroy(&d);
}

TEST(a_key_that_does_not_parse_is_refused_with_einval)
{
	static const uint8_t junk[8] = {0x30, 0x06, 1, 2, 3, 4, 5, 6};
	struct vec_pubkey k;
	struct dfu_mcuboot_key keys[3];
	struct mdev d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	keys[0] = (struct dfu_mcuboot_key){.der = junk, .der_len = sizeof(junk)};
	keys[1] = (struct dfu_mcuboot_key){.der = k.spki, .der_len = (uint16_t)(k.spki_len - 1)};
	keys[2] = (struct dfu_mcuboot_key){.der = k.spki, .der_len = 0};
	for (size_t i = 0; i < 3; i++) {
		stub_reset(-EBADMSG, 0);
		keyed_dev(&d, &stub_port, &keys[i], 1, 0);
		CHECK_REFUSED(&d, EINVAL, "stub port");
		CHECK_EQ(stub_verify_calls, 0); /* refused by the library's parser */
		mdev_destroy(&d);
		for (size_t p = 0; p < test_crypto_count(); p++) {
			struct test_crypto t;

			CHECK_OK(test_crypto_open(&t, p, false));
			keyed_dev(&d, &t.c, &keys[i], 1, 0);
			CHECK_REFUSED(&d, EINVAL, t.name);
			mdev_destroy(&d);
			test_crypto_close(&t);
		}
	}
}

TEST(an_rsa_key_given_as_spki_is_refused_with_einval)
{
	struct vec_pubkey k;
	struct dfu_mcuboot_key key;
	struct mdev d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &k));
	key = der_key(&k, true); /* MCUboot's KEYHASH is over the PKCS#1 form */
	stub_reset(-EBADMSG, 0);
	keyed_dev(&d, &stub_port, &key, 1, 0);
	CHECK_REFUSED(&d, EINVAL, "stub port");
	mdev_destroy(&d);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		keyed_dev(&d, &t.c, &key, 1, 0);
		CHECK_REFUSED(&d, EINVAL, t.name);
		mdev_destroy(&d);
		test_crypto_close(&t);
	}
}

TEST(a_key_of_a_curve_or_size_mcuboot_does_not_sign_with_is_refused_with_enotsup)
{
	/* RSAPublicKey { n = 0x00c5 (8 bits), e = 3 } */
	static const uint8_t tiny_rsa[] = {0x30, 0x07, 0x02, 0x02, 0x00, 0xc5, 0x02, 0x01, 0x03};
	struct vec_pubkey k;
	struct dfu_mcuboot_key keys[2];
	struct mdev d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P384, &k));
	keys[0] = der_key(&k, true);
	keys[1] = (struct dfu_mcuboot_key){.der = tiny_rsa, .der_len = sizeof(tiny_rsa)};
	for (size_t i = 0; i < 2; i++) {
		stub_reset(-EBADMSG, 0);
		keyed_dev(&d, &stub_port, &keys[i], 1, 0);
		CHECK_REFUSED(&d, ENOTSUP, i == 0 ? "P-384" : "8-bit RSA");
		mdev_destroy(&d);
		for (size_t p = 0; p < test_crypto_count(); p++) {
			struct test_crypto t;

			CHECK_OK(test_crypto_open(&t, p, false));
			keyed_dev(&d, &t.c, &keys[i], 1, 0);
			CHECK_REFUSED(&d, ENOTSUP, t.name);
			mdev_destroy(&d);
			test_crypto_close(&t);
		}
	}
}

TEST(an_ed25519_key_is_refused_with_enotsup_by_both_ports)
{
	struct vec_pubkey k;
	struct dfu_mcuboot_key key;
	struct mdev d;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_ED25519, &k));
	key = der_key(&k, true);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		keyed_dev(&d, &t.c, &key, 1, 0);
		CHECK_REFUSED(&d, ENOTSUP, t.name);
		mdev_destroy(&d);
		test_crypto_close(&t);
	}
}

/* k's SPKI with the compressed point (59 bytes). */
static void compressed(const struct vec_pubkey *k, uint8_t out[59])
{
	out[0] = 0x30;
	out[1] = 0x39;
	memcpy(out + 2, k->spki + 2, 21);
	out[23] = 0x03;
	out[24] = 0x22;
	out[25] = 0x00;
	out[26] = (uint8_t)(0x02u | (k->spki[90] & 1u));
	memcpy(out + 27, k->spki + 27, 32);
}

TEST(a_compressed_p256_key_is_refused_with_enotsup_by_both_ports)
{
	struct vec_pubkey k;
	uint8_t der[59];
	struct dfu_mcuboot_key key = {.der = der, .der_len = sizeof(der)};
	struct mdev d;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	compressed(&k, der);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		keyed_dev(&d, &t.c, &key, 1, 0);
		CHECK_REFUSED(&d, ENOTSUP, t.name);
		mdev_destroy(&d);
		test_crypto_close(&t);
	}
}

TEST(a_p256_point_off_the_curve_is_refused_with_einval_by_both_ports)
{
	struct vec_pubkey k;
	struct dfu_mcuboot_key key;
	struct mdev d;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	k.spki[k.spki_len - 1] ^= 0x01; /* the library parses it; the port cannot */
	key = der_key(&k, true);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		keyed_dev(&d, &t.c, &key, 1, 0);
		CHECK_REFUSED(&d, EINVAL, t.name);
		mdev_destroy(&d);
		test_crypto_close(&t);
	}
}

TEST(a_staging_buffer_smaller_than_a_signature_is_refused_with_enobufs)
{
	struct vec_pubkey ec, rsa;
	struct dfu_mcuboot_key keys[2];
	struct mdev d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &ec));
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &rsa));
	keys[0] = der_key(&ec, true);
	keys[1] = der_key(&rsa, false);
	stub_reset(-EBADMSG, 0);
	keyed_dev(&d, &stub_port, &keys[0], 1, 64); /* ECDSA: up to 72 bytes */
	CHECK_REFUSED(&d, ENOBUFS, "P-256, 64 bytes");
	mdev_destroy(&d);
	keyed_dev(&d, &stub_port, &keys[1], 1, 248); /* RSA-2048: 256 bytes */
	CHECK_REFUSED(&d, ENOBUFS, "RSA-2048, 248 bytes");
	mdev_destroy(&d);
	keyed_dev(&d, &stub_port, &keys[0], 2, 256);
	CHECK_OK(setup_result(&d));
	mdev_destroy(&d);
}

TEST(one_unusable_key_among_good_ones_refuses_the_configuration)
{
	struct vec_pubkey ec, rsa, ed;
	struct dfu_mcuboot_key keys[3];
	struct mdev d;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &ec));
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &rsa));
	CHECK_OK(vec_pubkey_load(VEC_KEY_ED25519, &ed));
	keys[0] = der_key(&ec, true);
	keys[1] = der_key(&rsa, false);
	keys[2] = der_key(&ed, true);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;

		CHECK_OK(test_crypto_open(&t, p, false));
		keyed_dev(&d, &t.c, keys, 3, 0);
		CHECK_REFUSED(&d, ENOTSUP, t.name);
		mdev_destroy(&d);
		keyed_dev(&d, &t.c, keys, 2, 0); /* without the Ed25519 key */
		CHECKF(setup_result(&d) == 0, "%s", t.name);
		mdev_destroy(&d);
		test_crypto_close(&t);
	}
}

TEST(supported_keys_pass_setup_and_init_with_both_ports)
{
	struct vec_pubkey ec, r2, r3;
	struct dfu_mcuboot_key keys[3];
	uint8_t h[32] = {1};
	struct dfu_mcuboot_key by_hash = {.hash = h};
	struct mdev d;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &ec));
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &r2));
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA3072, &r3));
	keys[0] = der_key(&r3, false);
	keys[1] = der_key(&r2, false);
	keys[2] = der_key(&ec, true);
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;
		struct dfu_init_params ip = {.img_type = DFU_TARGET_IMAGE_TYPE_MCUBOOT,
					     .file_size = 1000};

		CHECK_OK(test_crypto_open(&t, p, false));
		keyed_dev(&d, &t.c, keys, 3, 0);
		CHECKF(setup_result(&d) == 0, "%s: setup", t.name);
		CHECKF(dfu_ctx_init_ex(&d.ctx, &ip) == 0, "%s: init", t.name);
		mdev_destroy(&d);
		keyed_dev(&d, &t.c, &by_hash, 1, 0);
		CHECKF(setup_result(&d) == 0, "%s: key hash", t.name);
		mdev_destroy(&d);
		test_crypto_close(&t);
	}
}

TEST(a_key_given_only_by_its_hash_needs_only_a_verify_callback)
{
	uint8_t h[32] = {1};
	struct dfu_mcuboot_key key = {.hash = h};
	struct mdev d;

	stub_reset(-EBADMSG, 0);
	keyed_dev(&d, &stub_port, &key, 1, 0);
	CHECK_OK(setup_result(&d));
	CHECK_EQ(stub_verify_calls, 0); /* nothing to probe before an image has it */
	mdev_destroy(&d);
	keyed_dev(&d, NULL, &key, 1, 0);
	CHECK_REFUSED(&d, ENOTSUP, "no crypto port");
	mdev_destroy(&d);
}

TEST(a_port_without_check_key_is_probed_through_verify)
{
	struct vec_pubkey ec, ed;
	struct dfu_mcuboot_key key;
	struct mdev d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &ec));
	CHECK_OK(vec_pubkey_load(VEC_KEY_ED25519, &ed));
	key = der_key(&ec, true);
	stub_reset(-EBADMSG, 0);
	keyed_dev(&d, &stub_port, &key, 1, 0);
	CHECK_OK(setup_result(&d));
	CHECK_EQ(stub_verify_calls, 1);
	mdev_destroy(&d);
	stub_reset(-ENOTSUP, 0);
	keyed_dev(&d, &stub_port, &key, 1, 0);
	CHECK_REFUSED(&d, ENOTSUP, "probe says -ENOTSUP");
	mdev_destroy(&d);
	stub_reset(-EINVAL, 0);
	keyed_dev(&d, &stub_port, &key, 1, 0);
	CHECK_REFUSED(&d, EINVAL, "probe says -EINVAL");
	mdev_destroy(&d);
}

TEST(real_ports_without_check_key_give_the_same_answers_through_the_probe)
{
	struct vec_pubkey ec, r2, r3, ed;
	uint8_t comp[59];
	struct mdev d;

	NEED_CRYPTO_PORT();
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &ec));
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &r2));
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA3072, &r3));
	CHECK_OK(vec_pubkey_load(VEC_KEY_ED25519, &ed));
	compressed(&ec, comp);
	const struct {
		struct dfu_mcuboot_key key;
		int want;
	} cases[] = {
		{der_key(&ec, true), 0},
		{der_key(&r2, false), 0},
		{der_key(&r3, false), 0},
		{der_key(&ed, true), -ENOTSUP},
		{{.der = comp, .der_len = sizeof(comp)}, -ENOTSUP},
	};
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;
		struct dfu_crypto probed;

		CHECK_OK(test_crypto_open(&t, p, false));
		probed = t.c;
		probed.check_key = NULL;
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			keyed_dev(&d, &probed, &cases[i].key, 1, 0);
			int err = setup_result(&d);

			CHECKF(err == cases[i].want, "%s: case %zu: %s", t.name, i,
			       dfu_errno_name(err));
			mdev_destroy(&d);
		}
		test_crypto_close(&t);
	}
}

TEST(a_port_whose_verify_accepts_the_probe_is_refused_with_eio)
{
	struct vec_pubkey k;
	struct dfu_mcuboot_key key;
	struct mdev d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &k));
	key = der_key(&k, false);
	stub_reset(0, 0); /* "valid": a forged signature passes */
	keyed_dev(&d, &stub_port, &key, 1, 0);
	CHECK_REFUSED(&d, EIO, "verify always 0");
	mdev_destroy(&d);
}

TEST(a_check_key_error_is_returned_unchanged)
{
	static const struct dfu_crypto port = {.verify = stub_verify, .check_key = stub_check_key};
	struct vec_pubkey k;
	struct dfu_mcuboot_key key;
	struct mdev d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	key = der_key(&k, true);
	stub_reset(-EBADMSG, -ENOMEM);
	keyed_dev(&d, &port, &key, 1, 0);
	CHECK_REFUSED(&d, ENOMEM, "check_key -ENOMEM");
	CHECK_EQ(stub_verify_calls, 0); /* check_key replaces the probe */
	mdev_destroy(&d);
}

TEST(the_target_crypto_overrides_the_port_crypto_in_the_check)
{
	struct vec_pubkey k;
	struct dfu_mcuboot_key key;
	struct mdev d;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	key = der_key(&k, true);
	stub_reset(-EBADMSG, 0);
	keyed_dev(&d, NULL, &key, 1, 0);
	d.mcuboot.cfg.crypto = &stub_port; /* the port has none; the target has one */
	CHECK_OK(setup_result(&d));
	mdev_destroy(&d);
}

static const struct dfu_mcuboot_profile pubkey_profile = {.key_tlv = DFU_MCUBOOT_PUBKEY};

TEST(signed_vectors_download_and_verify_at_done_with_each_port)
{
	static const char *const names[] = {"v01", "v05", "v06", "v10", "v11"};

	NEED_CRYPTO_PORT();
	for (size_t p = 0; p < test_crypto_count(); p++) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			const struct vec_image *v = vec_find(names[i]);
			struct test_crypto t;
			struct vec_pubkey k;
			struct dfu_mcuboot_key key;
			struct mdev d;
			struct mdev_opts o = {0};

			CHECK_OK(test_crypto_open(&t, p, (i & 1) != 0)); /* port hash or not */
			CHECK_OK(vec_pubkey_load(v->key, &k));
			key = der_key(&k, false);
			o.crypto = &t.c;
			o.keys = &key;
			o.key_count = 1;
			o.slot0_size = v->slot_size ? v->slot_size : 0x70000;
			o.align = v->max_align > 8 ? v->max_align : 8;
			/* v10 names its key with a PUBKEY TLV: only a HW-key build
			 * (PUBKEY profile) finds it (the default KEYHASH build
			 * refuses it: test_mcuboot_profile). */
			o.profile = v->full_pubkey ? &pubkey_profile : NULL;
			CHECK(mdev_create(&d, &o) == 0);
			int err = mdev_download(&d, 0, v->data, v->len, 4096);

			CHECKF(err == 0, "%s %s: %s", t.name, v->name, dfu_errno_name(err));
			CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->hash, DFU_MCUBOOT_CHECK_OK);
			CHECKF(dfu_mcuboot_report(&d.mcuboot)->signature == DFU_MCUBOOT_CHECK_OK,
			       "%s %s", t.name, v->name);
			CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
			mdev_destroy(&d);
			test_crypto_close(&t);
		}
	}
}

TEST(an_image_with_a_tampered_signature_is_refused_at_done_with_each_port)
{
	const struct vec_image *v = vec_find("v06");
	static uint8_t img[1024];
	uint32_t off;
	uint16_t len;

	NEED_CRYPTO_PORT();
	memcpy(img, v->data, v->len);
	CHECK_OK(mcuboot_img_find_tlv(img, v->len, false, MCUBOOT_TLV_ECDSA_SIG, &off, &len));
	img[off + len - 3] ^= 0x01; /* inside s */
	for (size_t p = 0; p < test_crypto_count(); p++) {
		struct test_crypto t;
		struct vec_pubkey k;
		struct dfu_mcuboot_key key;
		struct mdev d;
		struct mdev_opts o = {0};

		CHECK_OK(test_crypto_open(&t, p, false));
		CHECK_OK(vec_pubkey_load(v->key, &k));
		key = der_key(&k, true);
		o.crypto = &t.c;
		o.keys = &key;
		o.key_count = 1;
		CHECK(mdev_create(&d, &o) == 0);
		int err = mdev_download(&d, 0, img, v->len, 512);

		CHECKF(err == -EACCES, "%s: %s", t.name, dfu_errno_name(err));
		CHECK_EQ(dfu_mcuboot_report(&d.mcuboot)->signature, DFU_MCUBOOT_CHECK_BAD);
		mdev_destroy(&d);
		test_crypto_close(&t);
	}
}

TEST_MAIN(RUN(keys_without_a_crypto_port_are_refused_with_enotsup_before_any_device_operation);
	  RUN(keys_with_a_crypto_port_without_verify_are_refused_with_enotsup);
	  RUN(a_key_count_without_a_key_array_is_refused_with_einval);
	  RUN(a_key_with_neither_der_nor_hash_is_refused_with_einval);
	  RUN(a_key_that_does_not_parse_is_refused_with_einval);
	  RUN(an_rsa_key_given_as_spki_is_refused_with_einval);
	  RUN(a_key_of_a_curve_or_size_mcuboot_does_not_sign_with_is_refused_with_enotsup);
	  RUN(an_ed25519_key_is_refused_with_enotsup_by_both_ports);
	  RUN(a_compressed_p256_key_is_refused_with_enotsup_by_both_ports);
	  RUN(a_p256_point_off_the_curve_is_refused_with_einval_by_both_ports);
	  RUN(a_staging_buffer_smaller_than_a_signature_is_refused_with_enobufs);
	  RUN(one_unusable_key_among_good_ones_refuses_the_configuration);
	  RUN(supported_keys_pass_setup_and_init_with_both_ports);
	  RUN(a_key_given_only_by_its_hash_needs_only_a_verify_callback);
	  RUN(a_port_without_check_key_is_probed_through_verify);
	  RUN(real_ports_without_check_key_give_the_same_answers_through_the_probe);
	  RUN(a_port_whose_verify_accepts_the_probe_is_refused_with_eio);
	  RUN(a_check_key_error_is_returned_unchanged);
	  RUN(the_target_crypto_overrides_the_port_crypto_in_the_check);
	  RUN(signed_vectors_download_and_verify_at_done_with_each_port);
	  RUN(an_image_with_a_tampered_signature_is_refused_at_done_with_each_port);)
