/*
 * Portable SHA-256 (FIPS 180-4), see include/dfu/dfu_sha256.h.
 *
 * Input words are assembled byte by byte (big-endian, any alignment; the
 * compiler turns the pattern into a load + byte swap where that is legal).
 * Whole blocks are hashed straight from the caller's buffer; only a partial
 * block is copied into the context.
 *
 * The compression function expands the message schedule into W[64] first,
 * then runs the 64 rounds as 8 iterations of 8 unrolled rounds: the working
 * variables a..h rotate through the macro arguments, so after 8 rounds they
 * are back in place and no moves are needed. This is the compromise between
 * speed (no register shuffling, constant offsets into W and K) and code
 * size (one 8-round body) on small cores.
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

/* One round; i indexes k/w (the current group of 8). T1 goes into h, then
 * d += T1 and h = T1 + T2: the next round calls this with the arguments
 * rotated by one. Maj(a,b,c) == b ^ ((a^b) & (b^c)), and b^c is the a^b of
 * the previous round, carried in bc. */
#define ROUND(a, b, c, d, e, f, g, h, i)                   \
	do {                                               \
		uint32_t ab_ = (a) ^ (b);                  \
		h += BSIG1(e) + CH(e, f, g) + k[i] + w[i]; \
		d += h;                                    \
		h += BSIG0(a) + ((b) ^ (ab_ & bc));        \
		bc = ab_;                                  \
	} while (0)

#define SCHED(t) (W[t] += SSIG1(W[((t) + 14) & 15]) + W[((t) + 9) & 15] + SSIG0(W[((t) + 1) & 15]))

/* Hashes n whole 64-byte blocks at p into st. The message schedule lives
 * in a 16-word window updated in place before each group of 16 rounds
 * (W[t] for t >= 16 only needs W[t-16..t-1]): 64 bytes of stack. */
static void compress(uint32_t st[8], const uint8_t *p, size_t n)
{
	uint32_t W[16];

	while (n-- > 0) {
		for (unsigned t = 0; t < 16; t++) {
			W[t] = get_be32(p + 4 * t);
		}

		uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
		uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
		uint32_t bc = b ^ c;

		for (unsigned j = 0; j < 64; j += 8) {
			const uint32_t *k = K + j;
			const uint32_t *w = W + (j & 8u);

			if (j >= 16 && (j & 8u) == 0) {
				/* W[t] += s1(W[t-2]) + W[t-7] + s0(W[t-15]),
				 * indices mod 16; in order, each reads the
				 * values of the right group. */
				SCHED(0), SCHED(1), SCHED(2), SCHED(3);
				SCHED(4), SCHED(5), SCHED(6), SCHED(7);
				SCHED(8), SCHED(9), SCHED(10), SCHED(11);
				SCHED(12), SCHED(13), SCHED(14), SCHED(15);
			}
			ROUND(a, b, c, d, e, f, g, h, 0);
			ROUND(h, a, b, c, d, e, f, g, 1);
			ROUND(g, h, a, b, c, d, e, f, 2);
			ROUND(f, g, h, a, b, c, d, e, 3);
			ROUND(e, f, g, h, a, b, c, d, 4);
			ROUND(d, e, f, g, h, a, b, c, 5);
			ROUND(c, d, e, f, g, h, a, b, 6);
			ROUND(b, c, d, e, f, g, h, a, 7);
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
