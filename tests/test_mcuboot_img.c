/*
 * The MCUboot test vectors (imgtool output) against the spec, the test
 * image builder (mcuboot_img.h) against the vectors, and the mbedTLS crypto
 * port against the vectors' signatures (host only; SKIPped on the target).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#include "dfu/dfu_port.h"
#include "dfu/dfu_sha256.h"
#include "mcuboot_img.h"
#include "vectors.h"

#if defined(DFU_HAVE_CRYPTO_MBEDTLS) && !defined(TEST_TARGET_EMBEDDED)
#include "dfu_crypto_mbedtls.h"
#define HAVE_MBEDTLS 1
#else
#define HAVE_MBEDTLS 0
#endif

#define NEED_MBEDTLS()                                                     \
	do {                                                               \
		if (!HAVE_MBEDTLS) {                                       \
			SKIP("needs the mbedTLS crypto port (host only)"); \
		}                                                          \
	} while (0)

/* Largest vector: a whole 0x70000 slot. */
static uint8_t buf[0x70000];

/* ---- helpers ---- */

static void sig_of(const struct vec_image *v, const uint8_t **sig, uint16_t *len)
{
	*sig = vec_tlv(v, v->sig_tlv, len);
}

static const uint8_t *sha_tlv_of(const struct vec_image *v)
{
	uint16_t len;
	const uint8_t *t = vec_tlv(v, MCUBOOT_TLV_SHA256, &len);

	return len == 32 ? t : NULL;
}

/* "Signs" by returning a stored signature: reproduces a vector exactly. */
struct replay {
	const uint8_t *sig;
	size_t len;
};

static int replay_sign(void *ctx, const uint8_t digest[32], uint8_t *sig, size_t cap,
		       size_t *sig_len)
{
	const struct replay *r = ctx;

	(void)digest;
	if (r->len > cap) {
		return -ENOSPC;
	}
	memcpy(sig, r->sig, r->len);
	*sig_len = r->len;
	return 0;
}

/* A target without a signing key. */
static int no_signer(void *ctx, const uint8_t digest[32], uint8_t *sig, size_t cap, size_t *sig_len)
{
	(void)ctx;
	(void)digest;
	(void)sig;
	(void)cap;
	(void)sig_len;
	return -ENOTSUP;
}

#if HAVE_MBEDTLS
static void fill_pseudo_random(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1u;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

struct host_signer {
	enum dfu_sig_alg alg;
	enum vec_key key;
};

static int host_sign(void *ctx, const uint8_t digest[32], uint8_t *sig, size_t cap, size_t *sig_len)
{
	const struct host_signer *s = ctx;
	size_t pem_len;
	const char *pem = vec_key_priv_pem(s->key, &pem_len);

	return dfu_crypto_mbedtls_sign(s->alg, (const uint8_t *)pem, pem_len, digest, sig, cap,
				       sig_len);
}
#endif

/* Builder inputs for vector v: its imgtool options; protected TLVs of a
 * compressed image are taken from the file (made by --compression). */
struct vec_params {
	struct mcuboot_img_params p;
	struct mcuboot_img_dep dep;
	struct mcuboot_img_tlv custom[4];
	struct vec_pubkey key;
	struct replay replay;
};

static int params_for(const struct vec_image *v, struct vec_params *vp)
{
	struct mcuboot_img_layout l;
	struct mcuboot_img_params *p = &vp->p;
	uint16_t sig_len;

	memset(vp, 0, sizeof(*vp));
	if (mcuboot_img_layout(v->data, v->len, &l) != 0) {
		return -EBADMSG;
	}
	p->hdr_size = v->hdr_size;
	p->load_addr = v->load_addr;
	p->flags = v->flags;
	p->version = (struct mcuboot_img_version){v->version.major, v->version.minor,
						  v->version.revision, v->version.build};
	p->has_sec_cnt = v->has_sec_cnt;
	p->sec_cnt = v->sec_cnt;
	if (v->has_dep) {
		vp->dep.image_id = v->dep_id;
		vp->dep.version =
			(struct mcuboot_img_version){v->dep_version.major, v->dep_version.minor,
						     v->dep_version.revision, v->dep_version.build};
		p->deps = &vp->dep;
		p->dep_count = 1;
	}
	if (v->custom_type != 0) {
		vp->custom[0] = (struct mcuboot_img_tlv){v->custom_type, v->custom_len, v->custom};
		p->custom = vp->custom;
		p->custom_count = 1;
	}
	if (v->compressed) {
		uint32_t pos = l.hdr_size + l.img_size + 4, end = pos - 4 + l.prot_size;

		for (; pos < end && p->custom_count < 4; p->custom_count++) {
			uint16_t n = (uint16_t)(v->data[pos + 2] | v->data[pos + 3] << 8);

			vp->custom[p->custom_count] = (struct mcuboot_img_tlv){
				(uint16_t)(v->data[pos] | v->data[pos + 1] << 8), n,
				v->data + pos + 4};
			pos += 4u + n;
		}
		p->custom = vp->custom;
	}
	if (v->key != VEC_KEY_NONE) {
		if (vec_pubkey_load(v->key, &vp->key) != 0) {
			return -EINVAL;
		}
		p->key = vp->key.key;
		p->key_len = vp->key.key_len;
		p->full_pubkey = v->full_pubkey;
		p->sig_type = v->sig_tlv;
		sig_of(v, &vp->replay.sig, &sig_len);
		vp->replay.len = sig_len;
		p->sign = replay_sign;
		p->sign_ctx = &vp->replay;
	}
	p->slot_size = v->slot_size;
	p->max_align = v->max_align;
	p->confirm = v->confirm;
	return 0;
}

static int build_vector(const struct vec_image *v, struct vec_params *vp, size_t *len)
{
	struct mcuboot_img_layout l;
	int rc = params_for(v, vp);

	if (rc != 0) {
		return rc;
	}
	(void)mcuboot_img_layout(v->data, v->len, &l);
	return mcuboot_img_build(&vp->p, v->data + l.hdr_size, l.img_size, buf, sizeof(buf), len);
}

/* ---- the vectors themselves ---- */

TEST(every_vector_is_embedded_with_its_verify_txt_size)
{
	CHECK_EQ(vec_image_count, 12);
	for (size_t i = 0; i < vec_image_count; i++) {
		const struct vec_image *v = &vec_images[i];

		CHECKF(v->end - v->data == (ptrdiff_t)v->len, "%s: embedded %td B, want %zu",
		       v->name, v->end - v->data, v->len);
	}
	CHECK(vec_find("v05") == &vec_images[4]);
	CHECK(vec_find("v13") == NULL);
}

TEST(headers_carry_the_imgtool_options_and_verify_txt_version)
{
	for (size_t i = 0; i < vec_image_count; i++) {
		const struct vec_image *v = &vec_images[i];
		const uint8_t *d = v->data;

		CHECKF(mcuboot_img_get_hdr(d, MCUBOOT_HDR_MAGIC) == MCUBOOT_IMG_MAGIC, "%s",
		       v->name);
		CHECKF(mcuboot_img_get_hdr(d, MCUBOOT_HDR_HDR_SIZE) == v->hdr_size, "%s", v->name);
		CHECKF(mcuboot_img_get_hdr(d, MCUBOOT_HDR_LOAD_ADDR) == v->load_addr, "%s",
		       v->name);
		CHECKF(mcuboot_img_get_hdr(d, MCUBOOT_HDR_FLAGS) == v->flags, "%s", v->name);
		CHECKF(mcuboot_img_get_hdr(d, MCUBOOT_HDR_VER_MAJOR) == v->version.major &&
			       mcuboot_img_get_hdr(d, MCUBOOT_HDR_VER_MINOR) == v->version.minor &&
			       mcuboot_img_get_hdr(d, MCUBOOT_HDR_VER_REVISION) ==
				       v->version.revision &&
			       mcuboot_img_get_hdr(d, MCUBOOT_HDR_VER_BUILD) == v->version.build,
		       "%s: version", v->name);
		CHECKF(mcuboot_img_get_hdr(d, MCUBOOT_HDR_PAD1) == 0, "%s", v->name);
	}
}

TEST(sha256_over_header_payload_and_protected_tlvs_equals_verify_txt)
{
	for (size_t i = 0; i < vec_image_count; i++) {
		const struct vec_image *v = &vec_images[i];
		uint8_t d[32];

		if (!v->has_digest) {
			continue; /* v07: digest is over the plaintext */
		}
		dfu_sha256(v->data, mcuboot_img_hashed_len(v->data), d);
		CHECKF(memcmp(d, v->digest, 32) == 0, "%s: digest differs", v->name);
	}
}

TEST(sha256_tlv_equals_verify_txt_digest)
{
	for (size_t i = 0; i < vec_image_count; i++) {
		const struct vec_image *v = &vec_images[i];
		const uint8_t *t = sha_tlv_of(v);

		CHECKF(t != NULL, "%s: no 32-byte SHA256 TLV", v->name);
		if (v->has_digest) {
			CHECKF(memcmp(t, v->digest, 32) == 0, "%s: TLV differs", v->name);
		}
	}
}

TEST(encrypted_v07_stored_bytes_do_not_hash_to_its_sha256_tlv)
{
	const struct vec_image *v = vec_find("v07");
	uint8_t d[32];

	CHECK(v != NULL && v->encrypted);
	dfu_sha256(v->data, mcuboot_img_hashed_len(v->data), d);
	CHECK(memcmp(d, sha_tlv_of(v), 32) != 0);
}

TEST(one_flipped_bit_in_header_payload_or_protected_tlvs_changes_the_digest)
{
	const struct vec_image *v = vec_find("v04"); /* has a protected area */
	uint32_t n = mcuboot_img_hashed_len(v->data);
	const size_t offs[] = {0, 8, 31, 32, v->hdr_size - 1u, v->hdr_size, n / 2, n - 1};
	uint8_t d[32];

	memcpy(buf, v->data, v->len);
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		mcuboot_img_flip_bit(buf, offs[i], (unsigned)i);
		dfu_sha256(buf, n, d);
		CHECKF(memcmp(d, v->digest, 32) != 0, "flip at %zu", offs[i]);
		mcuboot_img_flip_bit(buf, offs[i], (unsigned)i);
	}
	dfu_sha256(buf, n, d);
	CHECK_MEM(d, v->digest, 32);
}

TEST(keyhash_tlv_is_sha256_of_spki_for_ec_and_ed25519_and_pkcs1_for_rsa)
{
	for (size_t i = 0; i < vec_image_count; i++) {
		const struct vec_image *v = &vec_images[i];
		struct vec_pubkey k;
		uint32_t off;
		uint16_t len;
		uint8_t d[32];

		if (v->key == VEC_KEY_NONE || v->full_pubkey) {
			continue;
		}
		CHECK_OK(vec_pubkey_load(v->key, &k));
		CHECK_OK(mcuboot_img_find_tlv(v->data, v->len, false, MCUBOOT_TLV_KEYHASH, &off,
					      &len));
		CHECK_EQ(len, 32);
		dfu_sha256(k.key, k.key_len, d);
		CHECKF(memcmp(d, v->data + off, 32) == 0, "%s: keyhash", v->name);
		if (v->key == VEC_KEY_RSA2048) {
			CHECK(k.key != k.spki && k.key_len == 270); /* 30 82 01 0a ... */
		}
	}
}

TEST(pubkey_tlv_of_v10_is_the_spki_der)
{
	const struct vec_image *v = vec_find("v10");
	struct vec_pubkey k;
	uint32_t off;
	uint16_t len;

	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	CHECK_EQ(k.spki_len, 91);
	CHECK_OK(mcuboot_img_find_tlv(v->data, v->len, false, MCUBOOT_TLV_PUBKEY, &off, &len));
	CHECK_EQ(len, k.spki_len);
	CHECK_MEM(v->data + off, k.spki, len);
	CHECK_ERR(mcuboot_img_find_tlv(v->data, v->len, false, MCUBOOT_TLV_KEYHASH, &off, &len),
		  ENOENT);
}

TEST(trailer_magic_and_image_ok_of_padded_vectors_sit_where_the_spec_says)
{
	for (size_t i = 0; i < vec_image_count; i++) {
		const struct vec_image *v = &vec_images[i];
		size_t s = v->slot_size, a = v->max_align;
		uint8_t magic[16];

		if (s == 0) {
			continue;
		}
		CHECK_EQ(v->len, s);
		mcuboot_img_trailer_magic(v->max_align, magic);
		CHECKF(memcmp(v->data + s - 16, magic, 16) == 0, "%s: magic", v->name);
		CHECKF(v->data[(s - 16 - a) / a * a] == (v->confirm ? 0x01 : 0xFF), "%s: image_ok",
		       v->name);
	}
}

/* ---- the builder against the vectors ---- */

TEST(builder_reproduces_every_vector_byte_for_byte_given_its_signature)
{
	for (size_t i = 0; i < vec_image_count; i++) {
		const struct vec_image *v = &vec_images[i];
		struct vec_params vp;
		size_t len = 0;

		if (v->encrypted) {
			continue; /* the SHA256 TLV needs the plaintext */
		}
		CHECKF(build_vector(v, &vp, &len) == 0, "%s: build", v->name);
		CHECKF(len == v->len, "%s: %zu B, want %zu", v->name, len, v->len);
		for (size_t j = 0; j < len; j++) {
			CHECKF(buf[j] == v->data[j], "%s: byte 0x%zx: 0x%02x, want 0x%02x", v->name,
			       j, buf[j], v->data[j]);
		}
	}
}

TEST(builder_padding_and_trailer_equal_the_padded_vectors_tail)
{
	size_t padded = 0;

	for (size_t i = 0; i < vec_image_count; i++) {
		const struct vec_image *v = &vec_images[i];
		struct mcuboot_img_layout l;
		struct vec_params vp;
		size_t len = 0;

		if (v->slot_size == 0) {
			continue;
		}
		padded++;
		CHECK_OK(mcuboot_img_layout(v->data, v->len, &l));
		CHECK_OK(build_vector(v, &vp, &len));
		CHECK_EQ(len, v->slot_size);
		CHECKF(memcmp(buf + l.end, v->data + l.end, len - l.end) == 0, "%s: tail", v->name);
	}
	CHECK_EQ(padded, 4); /* v02, v03, v05, v11 */
}

TEST(builder_with_fresh_ecdsa_signature_matches_vectors_up_to_the_signature)
{
	NEED_MBEDTLS();
#if HAVE_MBEDTLS
	struct host_signer hs = {DFU_SIG_ECDSA_P256, VEC_KEY_EC_P256};

	for (size_t i = 0; i < vec_image_count; i++) {
		const struct vec_image *v = &vec_images[i];
		struct mcuboot_img_layout l;
		struct vec_params vp;
		uint32_t off;
		uint16_t sig_len;
		size_t len;

		if (v->key != VEC_KEY_EC_P256 || v->encrypted) {
			continue;
		}
		CHECK_OK(params_for(v, &vp));
		vp.p.sign = host_sign;
		vp.p.sign_ctx = &hs;
		CHECK_OK(mcuboot_img_layout(v->data, v->len, &l));
		CHECK_OK(mcuboot_img_build(&vp.p, v->data + l.hdr_size, l.img_size, buf,
					   sizeof(buf), &len));
		CHECK_OK(mcuboot_img_find_tlv(v->data, v->len, false, v->sig_tlv, &off, &sig_len));
		/* Everything before the info's total, then up to the signature TLV. */
		CHECK_MEM(buf, v->data, l.tlv_off + 2);
		CHECK_MEM(buf + l.tlv_off + 4, v->data + l.tlv_off + 4, off - 4 - (l.tlv_off + 4));
		CHECK_OK(mcuboot_img_find_tlv(buf, len, false, v->sig_tlv, &off, &sig_len));
		CHECKF(sig_len >= 64 && sig_len <= 72 && buf[off] == 0x30, "%s: sig len %u",
		       v->name, sig_len);
		CHECK_OK(dfu_crypto_mbedtls_verify(NULL, DFU_SIG_ECDSA_P256, vp.key.key,
						   vp.key.key_len, v->digest, buf + off, sig_len));
	}
#endif
}

TEST(builder_accepts_payload_already_in_place_in_the_output)
{
	const struct vec_image *v = vec_find("v09");
	struct vec_params vp;
	size_t len;

	CHECK_OK(params_for(v, &vp));
	memset(buf, 0, v->len);
	memcpy(buf + v->hdr_size, v->data + v->hdr_size, 0x3039);
	CHECK_OK(mcuboot_img_build(&vp.p, buf + v->hdr_size, 0x3039, buf, sizeof(buf), &len));
	CHECK_EQ(len, v->len);
	CHECK_MEM(buf, v->data, len);
}

TEST(builder_rejects_bad_parameters)
{
	struct mcuboot_img_params p = {0};
	uint8_t pay[4] = {1, 2, 3, 4};
	size_t len;

	p.hdr_size = 16;
	CHECK_ERR(mcuboot_img_build(&p, pay, 4, buf, sizeof(buf), &len), EINVAL);
	p.hdr_size = 32;
	p.max_align = 4;
	CHECK_ERR(mcuboot_img_build(&p, pay, 4, buf, sizeof(buf), &len), EINVAL);
	p.max_align = 8;
	p.key = pay; /* key without signer */
	p.key_len = 4;
	CHECK_ERR(mcuboot_img_build(&p, pay, 4, buf, sizeof(buf), &len), EINVAL);
	p.key = NULL;
	CHECK_OK(mcuboot_img_build(&p, pay, 4, buf, sizeof(buf), &len));
	CHECK_EQ(len, 32 + 4 + 4 + 36); /* header, payload, info, SHA256 */
}

TEST(builder_reports_enospc_for_small_buffers_and_images_reaching_the_trailer)
{
	struct mcuboot_img_params p = {.hdr_size = 32, .slot_size = 128};
	uint8_t pay[8] = {0};
	size_t len;

	CHECK_ERR(mcuboot_img_build(&p, pay, 8, buf, 32 + 8 + 39, &len), ENOSPC);
	/* 32 + 8 + 40 = 80 = 128 - 48: the last byte before the A = 8 trailer */
	CHECK_OK(mcuboot_img_build(&p, pay, 8, buf, sizeof(buf), &len));
	CHECK_EQ(len, 128);
	CHECK_ERR(mcuboot_img_build(&p, pay, 8, buf, 127, &len), ENOSPC);
	p.slot_size = 127; /* 79 B left before the trailer */
	CHECK_ERR(mcuboot_img_build(&p, pay, 8, buf, sizeof(buf), &len), ENOSPC);
}

TEST(builder_returns_the_sign_callbacks_error)
{
	const struct vec_image *v = vec_find("v01");
	struct vec_params vp;
	size_t len;

	CHECK_OK(params_for(v, &vp));
	vp.p.sign = no_signer;
	CHECK_ERR(mcuboot_img_build(&vp.p, v->data + 0x200, 0x1007b, buf, sizeof(buf), &len),
		  ENOTSUP);
}

TEST(layout_rejects_a_header_whose_protected_size_disagrees_with_the_area)
{
	const struct vec_image *v = vec_find("v04");
	struct mcuboot_img_layout l;

	memcpy(buf, v->data, v->len);
	CHECK_OK(mcuboot_img_layout(buf, v->len, &l));
	CHECK_EQ(l.end, v->len);
	mcuboot_img_set_hdr(buf, MCUBOOT_HDR_PROT_TLV_SIZE, 0x20);
	CHECK_EQ(mcuboot_img_get_hdr(buf, MCUBOOT_HDR_PROT_TLV_SIZE), 0x20);
	CHECK_ERR(mcuboot_img_layout(buf, v->len, &l), EBADMSG);
	mcuboot_img_set_hdr(buf, MCUBOOT_HDR_PROT_TLV_SIZE, 0x24);
	mcuboot_img_set_hdr(buf, MCUBOOT_HDR_MAGIC, 0x96f3b83c);
	CHECK_ERR(mcuboot_img_layout(buf, v->len, &l), EBADMSG);
}

TEST(host_signed_builder_images_verify_for_ecdsa_and_rsa)
{
	NEED_MBEDTLS();
#if HAVE_MBEDTLS
	static const struct {
		enum dfu_sig_alg alg;
		enum vec_key key;
		uint16_t tlv;
	} cases[] = {{DFU_SIG_ECDSA_P256, VEC_KEY_EC_P256, MCUBOOT_TLV_ECDSA_SIG},
		     {DFU_SIG_RSA2048_PSS, VEC_KEY_RSA2048, MCUBOOT_TLV_RSA2048_PSS}};

	for (size_t i = 0; i < 2; i++) {
		struct host_signer hs = {cases[i].alg, cases[i].key};
		struct mcuboot_img_dep dep = {2, {1, 2, 3, 4}};
		struct mcuboot_img_params p = {
			.hdr_size = 0x200,
			.version = {5, 6, 7, 8},
			.has_sec_cnt = true,
			.sec_cnt = 3,
			.deps = &dep,
			.dep_count = 1,
			.sig_type = cases[i].tlv,
			.sign = host_sign,
			.sign_ctx = &hs,
			.slot_size = 0x4000,
			.confirm = true,
		};
		struct vec_pubkey k;
		uint8_t pay[3000], d[32];
		uint32_t off;
		uint16_t len;
		size_t n;

		fill_pseudo_random(pay, sizeof(pay), 7u + (uint32_t)i);
		CHECK_OK(vec_pubkey_load(cases[i].key, &k));
		p.key = k.key;
		p.key_len = k.key_len;
		CHECK_OK(mcuboot_img_build(&p, pay, sizeof(pay), buf, sizeof(buf), &n));
		CHECK_EQ(n, 0x4000);
		CHECK_EQ(mcuboot_img_get_hdr(buf, MCUBOOT_HDR_PROT_TLV_SIZE), 4 + 8 + 16);
		CHECK_OK(mcuboot_img_find_tlv(buf, n, true, MCUBOOT_TLV_SEC_CNT, &off, &len));
		CHECK(len == 4 && buf[off] == 3);
		dfu_sha256(buf, mcuboot_img_hashed_len(buf), d);
		CHECK_OK(mcuboot_img_find_tlv(buf, n, false, MCUBOOT_TLV_SHA256, &off, &len));
		CHECK_MEM(buf + off, d, 32);
		CHECK_OK(mcuboot_img_find_tlv(buf, n, false, cases[i].tlv, &off, &len));
		CHECK_OK(dfu_crypto_mbedtls_verify(NULL, cases[i].alg, k.key, k.key_len, d,
						   buf + off, len));
		CHECK(buf[0x4000 - 24] == 0x01);
	}
#endif
}

TEST_MAIN(RUN(every_vector_is_embedded_with_its_verify_txt_size);
	  RUN(headers_carry_the_imgtool_options_and_verify_txt_version);
	  RUN(sha256_over_header_payload_and_protected_tlvs_equals_verify_txt);
	  RUN(sha256_tlv_equals_verify_txt_digest);
	  RUN(encrypted_v07_stored_bytes_do_not_hash_to_its_sha256_tlv);
	  RUN(one_flipped_bit_in_header_payload_or_protected_tlvs_changes_the_digest);
	  RUN(keyhash_tlv_is_sha256_of_spki_for_ec_and_ed25519_and_pkcs1_for_rsa);
	  RUN(pubkey_tlv_of_v10_is_the_spki_der);
	  RUN(trailer_magic_and_image_ok_of_padded_vectors_sit_where_the_spec_says);
	  RUN(builder_reproduces_every_vector_byte_for_byte_given_its_signature);
	  RUN(builder_padding_and_trailer_equal_the_padded_vectors_tail);
	  RUN(builder_with_fresh_ecdsa_signature_matches_vectors_up_to_the_signature);
	  RUN(builder_accepts_payload_already_in_place_in_the_output);
	  RUN(builder_rejects_bad_parameters);
	  RUN(builder_reports_enospc_for_small_buffers_and_images_reaching_the_trailer);
	  RUN(builder_returns_the_sign_callbacks_error);
	  RUN(layout_rejects_a_header_whose_protected_size_disagrees_with_the_area);
	  RUN(host_signed_builder_images_verify_for_ecdsa_and_rsa);)
