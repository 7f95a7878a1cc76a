/*
 * Portable SHA-256 (include/dfu/dfu_sha256.h): FIPS 180-4 / NIST example
 * vectors, padding boundaries, chunking and alignment invariance, and (host
 * only) a cross-check against mbedTLS on random inputs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dfu/dfu_sha256.h"
#include "harness.h"
#include "support.h"

#if defined(DFU_HAVE_MBEDTLS) && !defined(TEST_TARGET_EMBEDDED)
#include <mbedtls/sha256.h>
#include <mbedtls/version.h>
#define HAVE_REF 1
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define ref_sha256(p, n, out) mbedtls_sha256((p), (n), (out), 0)
#else
#define ref_sha256(p, n, out) mbedtls_sha256_ret((p), (n), (out), 0)
#endif
#else
#define HAVE_REF 0
#endif

static uint8_t data[16384 + 8];

/* 64 hex digits -> 32 bytes. */
static void unhex(const char *s, uint8_t out[DFU_SHA256_SIZE])
{
	for (size_t i = 0; i < DFU_SHA256_SIZE; i++) {
		unsigned v = 0;

		for (int k = 0; k < 2; k++) {
			char ch = s[2 * i + (size_t)k];
			v = v * 16u + (unsigned)(ch <= '9' ? ch - '0' : ch - 'a' + 10);
		}
		out[i] = (uint8_t)v;
	}
}

/* Hash of p[0..n) fed in chunks of `chunk` bytes (the last one shorter). */
static void hash_chunked(const uint8_t *p, size_t n, size_t chunk, uint8_t out[DFU_SHA256_SIZE])
{
	struct dfu_sha256 c;

	dfu_sha256_init(&c);
	for (size_t off = 0; off < n; off += chunk) {
		dfu_sha256_update(&c, p + off, n - off < chunk ? n - off : chunk);
	}
	dfu_sha256_final(&c, out);
}

#if HAVE_REF
static uint32_t rng_state = 12345u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}
#endif

#define CHECK_DIGEST(got, hex)                            \
	do {                                              \
		uint8_t want_[DFU_SHA256_SIZE];           \
		unhex((hex), want_);                      \
		CHECK_MEM((got), want_, DFU_SHA256_SIZE); \
	} while (0)

/* FIPS 180-4 examples (NIST CSRC "SHA256.pdf", SHA2 additional vectors). */
TEST(empty_message_matches_nist_vector)
{
	uint8_t d[DFU_SHA256_SIZE];

	hash_chunked(data, 0, 1, d);
	CHECK_DIGEST(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(abc_matches_nist_vector)
{
	uint8_t d[DFU_SHA256_SIZE];

	hash_chunked((const uint8_t *)"abc", 3, 3, d);
	CHECK_DIGEST(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(two_block_448_bit_message_matches_nist_vector)
{
	static const char m[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	uint8_t d[DFU_SHA256_SIZE];

	CHECK_EQ(sizeof(m) - 1, 56);
	hash_chunked((const uint8_t *)m, sizeof(m) - 1, sizeof(m) - 1, d);
	CHECK_DIGEST(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(two_block_896_bit_message_matches_nist_vector)
{
	static const char m[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
				"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	uint8_t d[DFU_SHA256_SIZE];

	CHECK_EQ(sizeof(m) - 1, 112);
	hash_chunked((const uint8_t *)m, sizeof(m) - 1, sizeof(m) - 1, d);
	CHECK_DIGEST(d, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* One million 'a', fed in a repeating cycle of odd chunk sizes. */
TEST(million_a_in_odd_chunks_matches_nist_vector)
{
	static const size_t chunks[] = {1, 3, 61, 67, 127, 999, 7, 4097};
	const size_t n = 1000000;
	struct dfu_sha256 c;
	uint8_t d[DFU_SHA256_SIZE];
	size_t off = 0;

	memset(data, 'a', sizeof(data));
	dfu_sha256_init(&c);
	for (size_t i = 0; off < n; i++) {
		size_t k = chunks[i % (sizeof(chunks) / sizeof(chunks[0]))];

		if (k > n - off) {
			k = n - off;
		}
		dfu_sha256_update(&c, data, k);
		off += k;
	}
	dfu_sha256_final(&c, d);
	CHECK_DIGEST(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around the padding boundaries (55/56: length field fits or not;
 * 64: exact block; 119/120: same in the second block). Reference digests
 * from Python's hashlib over bytes i*7+1. */
TEST(lengths_at_padding_boundaries_match_reference_digests)
{
	static const struct {
		size_t n;
		const char *hex;
	} v[] = {
		{55, "16fa57a0a3423a715d594516339f36189d6b5f93754a9714fef202616a9fabfe"},
		{56, "c37b44e5f1b18554b36966f4f8e08bfbf3164c4b6c10374d12d89850892073c5"},
		{57, "12b234922502022f755ab8550a3d4e202ad39c81d961a4f59ec39d5fd83d15a7"},
		{63, "bbba992d2c85af960fb2987a1fd05e0aa82a3db3c740dd8982a9e273b75e36a3"},
		{64, "66bd4633ed6f71c4ecfa4763bf7ba1c8ec7612de9aa6c0578a7b675207c71e0b"},
		{65, "9f7dc47107b750a1f3d35db5d9547f24ef40da5b731b9540d4f43710a154f6c9"},
		{119, "a3ed307b730fa77c07531300c6e4a282330011d4d4caf6bb7b63ae05950f4b66"},
		{120, "8e3b15d9fea7472655aa069620b7f8c2e55ee1499f763200a7515fe826e99d20"},
		{121, "a8320d9736c8a5a7445c87c4d18c0da2fa8fb3b323ed8318c724a5b3e230f87b"},
		{128, "e462c130fef8c97e34f7dc3ff3ad2f8b3533ab849af21c10531552a2852387a4"},
	};
	uint8_t d[DFU_SHA256_SIZE];

	for (size_t i = 0; i < 128; i++) {
		data[i] = (uint8_t)(i * 7u + 1u);
	}
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		dfu_sha256(data, v[i].n, d);
		CHECK_DIGEST(d, v[i].hex);
	}
}

TEST(one_shot_equals_init_update_final)
{
	uint8_t a[DFU_SHA256_SIZE], b[DFU_SHA256_SIZE];

	fill_random(data, 5000, 11);
	dfu_sha256(data, 5000, a);
	hash_chunked(data, 5000, 5000, b);
	CHECK_MEM(a, b, DFU_SHA256_SIZE);
}

TEST(any_chunk_size_gives_the_same_digest)
{
	static const size_t chunks[] = {1, 7, 63, 64, 65, 4099};
	const size_t n = 3 * 4099 + 1000; /* 13297: not a multiple of 64 */
	uint8_t want[DFU_SHA256_SIZE], got[DFU_SHA256_SIZE];

	fill_random(data, n, 12);
	dfu_sha256(data, n, want);
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		hash_chunked(data, n, chunks[i], got);
		CHECKF(memcmp(got, want, DFU_SHA256_SIZE) == 0, "chunk %zu differs", chunks[i]);
	}
}

TEST(zero_length_updates_change_nothing)
{
	struct dfu_sha256 c;
	uint8_t want[DFU_SHA256_SIZE], got[DFU_SHA256_SIZE];

	fill_random(data, 100, 13);
	dfu_sha256(data, 100, want);
	dfu_sha256_init(&c);
	dfu_sha256_update(&c, data, 0);
	dfu_sha256_update(&c, data, 30);
	dfu_sha256_update(&c, NULL, 0);
	dfu_sha256_update(&c, data + 30, 70);
	dfu_sha256_update(&c, data + 100, 0);
	dfu_sha256_final(&c, got);
	CHECK_MEM(got, want, DFU_SHA256_SIZE);
}

/* Whole blocks are hashed straight from the caller's buffer: any start
 * address must give the same digest. */
TEST(misaligned_input_gives_the_same_digest)
{
	static uint8_t src[4096 + 3];
	uint8_t want[DFU_SHA256_SIZE], got[DFU_SHA256_SIZE];

	fill_random(src, 4096 + 3, 14);
	dfu_sha256(src, 4096, want);
	for (size_t shift = 1; shift < 8; shift++) {
		memmove(data + shift, src, 4096);
		dfu_sha256(data + shift, 4096, got);
		CHECKF(memcmp(got, want, DFU_SHA256_SIZE) == 0, "offset %zu differs", shift);
		hash_chunked(data + shift, 4096, 200, got);
		CHECKF(memcmp(got, want, DFU_SHA256_SIZE) == 0, "offset %zu, chunked, differs",
		       shift);
	}
}

/* ~200 random inputs of random lengths 0..5000, ours fed in random chunk
 * sizes, against mbedTLS one-shot. Host only (no mbedTLS on the target). */
TEST(random_inputs_match_mbedtls)
{
#if HAVE_REF
	for (int i = 0; i < 200; i++) {
		size_t n = rng() % 5001u;
		size_t chunk = 1 + rng() % 300u;
		uint8_t want[DFU_SHA256_SIZE], got[DFU_SHA256_SIZE];

		fill_random(data, n, (uint32_t)i + 100u);
		CHECK_EQ(ref_sha256(data, n, want), 0);
		hash_chunked(data, n, chunk, got);
		CHECKF(memcmp(got, want, DFU_SHA256_SIZE) == 0, "input %d: %zu bytes, chunk %zu", i,
		       n, chunk);
	}
#elif defined(TEST_TARGET_EMBEDDED)
	SKIP("mbedTLS is host-only");
#else
	SKIP("built without mbedTLS (libmbedtls-dev not found)");
#endif
}

TEST_MAIN(RUN(empty_message_matches_nist_vector); RUN(abc_matches_nist_vector);
	  RUN(two_block_448_bit_message_matches_nist_vector);
	  RUN(two_block_896_bit_message_matches_nist_vector);
	  RUN(million_a_in_odd_chunks_matches_nist_vector);
	  RUN(lengths_at_padding_boundaries_match_reference_digests);
	  RUN(one_shot_equals_init_update_final); RUN(any_chunk_size_gives_the_same_digest);
	  RUN(zero_length_updates_change_nothing); RUN(misaligned_input_gives_the_same_digest);
	  RUN(random_inputs_match_mbedtls);)
