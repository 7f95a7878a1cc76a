/*
 * Portable SHA-256 (FIPS 180-4), see include/dfu/dfu_sha256.h.
 *
 * Input words are assembled byte by byte (big-endian, any alignment; the
 * compiler turns the pattern into a load + byte swap where that is legal).
 * Whole blocks are hashed straight from the caller's buffer; only a partial
 * block is copied into the context.
 *
 * The compression function runs the rounds in groups of 8: the working
 * variables a..h rotate through the macro arguments, so after 8 rounds they
 * are back in place and no moves are needed. The message schedule lives in
 * a 16-word window updated in place (64 bytes of stack). Built for speed
 * (the default) all 64 rounds are unrolled with each schedule word computed
 * where it is used (x86-64 gcc -O2: ~44 instructions per byte, 7 KiB of
 * Thumb-2 code); built for size (-Os, __OPTIMIZE_SIZE__) one 8-round body
 * runs 8 times and the schedule is extended 16 words at a time (~50
 * instructions per byte, 2 KiB of Thumb-2 code).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dfu/dfu_sha256.h"

#include <string.h>

/* First 32 bits of the fractional parts of the cube roots of the first 64
 * primes (FIPS 180-4, 4.2.2). */
static const uint32_t K[64] = {
	0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
	0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
	0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
	0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
	0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
	0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
	0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
	0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
	0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
	0xc67178f2u,
};

static inline uint32_t ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32u - n));
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
	       (uint32_t)p[3];
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* FIPS 180-4, 4.1.2. The big sigmas are factored as nested rotations
 * (ror(x,6)^ror(x,11)^ror(x,25) == ror(ror(ror(x,14)^x,5)^x,6)): two fewer
 * instructions where rotate is destructive (x86), the same count where the
 * shifter is free (Thumb-2). */
#define BSIG0(x) ror32(ror32(ror32((x), 9) ^ (x), 11) ^ (x), 2)
#define BSIG1(x) ror32(ror32(ror32((x), 14) ^ (x), 5) ^ (x), 6)
#define SSIG0(x) (ror32(ror32((x), 11) ^ (x), 7) ^ ((x) >> 3))
#define SSIG1(x) (ror32(ror32((x), 2) ^ (x), 17) ^ ((x) >> 10))
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))

/* One round: kt = K[t], wt = W[t]. T1 goes into h, then d += T1 and
 * h = T1 + T2: the next round names the variables rotated by one.
 * Maj(a,b,c) == b ^ ((a^b) & (b^c)), and b^c is the a^b of the previous
 * round, carried in bc. */
#define ROUND(a, b, c, d, e, f, g, h, kt, wt)              \
	do {                                               \
		uint32_t ab_ = (a) ^ (b);                  \
		h += BSIG1(e) + CH(e, f, g) + (kt) + (wt); \
		d += h;                                    \
		h += BSIG0(a) + ((b) ^ (ab_ & bc));        \
		bc = ab_;                                  \
	} while (0)

/* Rounds t..t+7: after eight, a..h are back in place. KT(i) / WT(i) give
 * K[i] / W[i]. */
#define ROUNDS8(t, KT, WT)                                               \
	do {                                                             \
		ROUND(a, b, c, d, e, f, g, h, KT((t) + 0), WT((t) + 0)); \
		ROUND(h, a, b, c, d, e, f, g, KT((t) + 1), WT((t) + 1)); \
		ROUND(g, h, a, b, c, d, e, f, KT((t) + 2), WT((t) + 2)); \
		ROUND(f, g, h, a, b, c, d, e, KT((t) + 3), WT((t) + 3)); \
		ROUND(e, f, g, h, a, b, c, d, KT((t) + 4), WT((t) + 4)); \
		ROUND(d, e, f, g, h, a, b, c, KT((t) + 5), WT((t) + 5)); \
		ROUND(c, d, e, f, g, h, a, b, KT((t) + 6), WT((t) + 6)); \
		ROUND(b, c, d, e, f, g, h, a, KT((t) + 7), WT((t) + 7)); \
	} while (0)

/* The message schedule lives in a 16-word window, indices mod 16 (W[t] for
 * t >= 16 only needs W[t-16..t-1]): W[t] += s1(W[t-2]) + W[t-7] +
 * s0(W[t-15]) updates it in place. */
#define W_LOAD(t) (W[t] = get_be32(p + 4 * (t)))
#define W_NEXT(t) \
	(W[(t)&15] += SSIG1(W[((t) + 14) & 15]) + W[((t) + 9) & 15] + SSIG0(W[((t) + 1) & 15]))
#define K_AT(t) K[t]

#if defined(__OPTIMIZE_SIZE__)
/* Size (-Os, small cores): one 8-round body run 8 times; before each group
 * of 16 rounds the next 16 schedule words are computed in place. */
#define K_J(i) k[i]
#define W_J(i) w[i]

static void compress(uint32_t st[8], const uint8_t *p, size_t n)
{
	uint32_t W[16];

	while (n-- > 0) {
		uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
		uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
		uint32_t bc = b ^ c;

		for (unsigned t = 0; t < 16; t++) {
			(void)W_LOAD(t);
		}
		for (unsigned j = 0; j < 64; j += 8) {
			const uint32_t *k = K + j;
			const uint32_t *w = W + (j & 8u);

			if (j >= 16 && (j & 8u) == 0) {
				/* in order, each reads the values of the right group */
				W_NEXT(0), W_NEXT(1), W_NEXT(2), W_NEXT(3);
				W_NEXT(4), W_NEXT(5), W_NEXT(6), W_NEXT(7);
				W_NEXT(8), W_NEXT(9), W_NEXT(10), W_NEXT(11);
				W_NEXT(12), W_NEXT(13), W_NEXT(14), W_NEXT(15);
			}
			ROUNDS8(0, K_J, W_J);
		}
		st[0] += a;
		st[1] += b;
		st[2] += c;
		st[3] += d;
		st[4] += e;
		st[5] += f;
		st[6] += g;
		st[7] += h;
		p += 64;
	}
}
#else
/* Speed: all 64 rounds unrolled (constants as immediates), each schedule
 * word computed where it is used. */
static void compress(uint32_t st[8], const uint8_t *p, size_t n)
{
	uint32_t W[16];

	while (n-- > 0) {
		uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
		uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
		uint32_t bc = b ^ c;

		ROUNDS8(0, K_AT, W_LOAD);
		ROUNDS8(8, K_AT, W_LOAD);
		ROUNDS8(16, K_AT, W_NEXT);
		ROUNDS8(24, K_AT, W_NEXT);
		ROUNDS8(32, K_AT, W_NEXT);
		ROUNDS8(40, K_AT, W_NEXT);
		ROUNDS8(48, K_AT, W_NEXT);
		ROUNDS8(56, K_AT, W_NEXT);
		st[0] += a;
		st[1] += b;
		st[2] += c;
		st[3] += d;
		st[4] += e;
		st[5] += f;
		st[6] += g;
		st[7] += h;
		p += 64;
	}
}
#endif

void dfu_sha256_init(struct dfu_sha256 *c)
{
	/* FIPS 180-4, 5.3.3 */
	c->h[0] = 0x6a09e667u;
	c->h[1] = 0xbb67ae85u;
	c->h[2] = 0x3c6ef372u;
	c->h[3] = 0xa54ff53au;
	c->h[4] = 0x510e527fu;
	c->h[5] = 0x9b05688cu;
	c->h[6] = 0x1f83d9abu;
	c->h[7] = 0x5be0cd19u;
	c->len_lo = 0;
	c->len_hi = 0;
}

void dfu_sha256_update(struct dfu_sha256 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t used = c->len_lo & 63u;

	if (len == 0) {
		return;
	}
	/* Byte count, 64 bits, wrapping like the standard's 2^64 limit. */
	uint32_t lo = c->len_lo + (uint32_t)len;
	c->len_hi += (uint32_t)((uint64_t)len >> 32) + (lo < c->len_lo);
	c->len_lo = lo;

	if (used != 0) {
		size_t take = 64u - used;

		if (len < take) {
			memcpy(c->buf + used, p, len);
			return;
		}
		memcpy(c->buf + used, p, take);
		compress(c->h, c->buf, 1);
		p += take;
		len -= take;
	}
	if (len >= 64) {
		compress(c->h, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	if (len != 0) {
		memcpy(c->buf, p, len);
	}
}

void dfu_sha256_final(struct dfu_sha256 *c, uint8_t out[DFU_SHA256_SIZE])
{
	size_t used = c->len_lo & 63u;
	uint32_t bits_hi = (c->len_hi << 3) | (c->len_lo >> 29);
	uint32_t bits_lo = c->len_lo << 3;

	c->buf[used++] = 0x80;
	if (used > 56) {
		memset(c->buf + used, 0, 64 - used);
		compress(c->h, c->buf, 1);
		used = 0;
	}
	memset(c->buf + used, 0, 56 - used);
	put_be32(c->buf + 56, bits_hi);
	put_be32(c->buf + 60, bits_lo);
	compress(c->h, c->buf, 1);
	for (unsigned i = 0; i < 8; i++) {
		put_be32(out + 4 * i, c->h[i]);
	}
}

void dfu_sha256(const void *data, size_t len, uint8_t out[DFU_SHA256_SIZE])
{
	struct dfu_sha256 c;

	dfu_sha256_init(&c);
	dfu_sha256_update(&c, data, len);
	dfu_sha256_final(&c, out);
}
