/*
 * SPDX-License-Identifier: Apache-2.0
 */
#include "cbor_gen.h"

#include <string.h>

#include "dfu/dfu_sha256.h"

size_t cbor_head(uint8_t *out, uint8_t major, uint32_t arg)
{
	uint8_t m = (uint8_t)(major << 5);

	if (arg < 24) {
		out[0] = (uint8_t)(m | arg);
		return 1;
	}
	if (arg <= 0xff) {
		out[0] = m | 24;
		out[1] = (uint8_t)arg;
		return 2;
	}
	if (arg <= 0xffff) {
		out[0] = m | 25;
		out[1] = (uint8_t)(arg >> 8);
		out[2] = (uint8_t)arg;
		return 3;
	}
	out[0] = m | 26;
	out[1] = (uint8_t)(arg >> 24);
	out[2] = (uint8_t)(arg >> 16);
	out[3] = (uint8_t)(arg >> 8);
	out[4] = (uint8_t)arg;
	return 5;
}

static uint8_t next_byte(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return (uint8_t)(*x >> 11);
}

/* Scratch for the manifest and the segment array (bounded by the tests). */
#define GEN_MAX 4096

size_t cbor_gen(uint8_t *out, size_t cap, const struct cbor_gen_opts *o, size_t *wrapper_len)
{
	static const uint8_t prot_def[] = {0xa1, 0x01, 0x38, 0x24};
	static const uint8_t unprot_def[] = {0xa0};
	static uint8_t segs[GEN_MAX], man[GEN_MAX];
	uint32_t seed = o->seed * 2654435761u + 12345u;
	uint64_t blob_len = 0;
	size_t ns = 0, nm = 0, n = 0;

	for (uint32_t i = 0; i < o->nseg; i++) {
		blob_len += o->segs[i].len;
	}
	if (o->wrapper_only) {
		blob_len = 0;
	}
	/* segment array */
	ns += cbor_head(&segs[ns], 4, 2 * o->nseg + o->extra_items);
	for (uint32_t i = 0; i < o->nseg; i++) {
		ns += cbor_head(&segs[ns], 0, o->segs[i].addr);
		ns += cbor_head(&segs[ns], 0, o->segs[i].len);
	}
	for (uint32_t i = 0; i < o->extra_items; i++) {
		ns += cbor_head(&segs[ns], 0, i);
	}
	/* manifest (the blob's digest is filled in at the end) */
	uint32_t hash_len = o->hash_len ? o->hash_len : DFU_SHA256_SIZE;
	uint8_t digest[64] = {0};

	nm += cbor_head(&man[nm], 4, 4);
	nm += cbor_head(&man[nm], 0, o->version);
	nm += cbor_head(&man[nm], 0, o->compat);
	nm += cbor_head(&man[nm], 2, hash_len);
	size_t digest_at = nm;

	nm += hash_len;
	nm += cbor_head(&man[nm], 2, (uint32_t)ns);
	memcpy(&man[nm], segs, ns);
	nm += ns;
	memset(&man[nm], 0, o->payload_extra);
	nm += o->payload_extra;

	/* wrapper */
	const uint8_t *prot = o->prot ? o->prot : prot_def;
	uint32_t prot_len = o->prot ? o->prot_len : sizeof(prot_def);
	const uint8_t *unprot = o->unprot ? o->unprot : unprot_def;
	uint32_t unprot_len = o->unprot ? o->unprot_len : sizeof(unprot_def);
	uint32_t sig_len = o->sig_len ? o->sig_len : 256;
	size_t wlen = 2 + 5 + prot_len + unprot_len + 5 + nm + 5 + sig_len;

	if (wlen + blob_len > cap) {
		return 0;
	}
	out[n++] = 0xd2;
	out[n++] = 0x84;
	n += cbor_head(&out[n], 2, prot_len);
	memcpy(&out[n], prot, prot_len);
	n += prot_len;
	memcpy(&out[n], unprot, unprot_len);
	n += unprot_len;
	n += cbor_head(&out[n], 2, (uint32_t)nm);
	size_t man_at = n;

	memcpy(&out[n], man, nm);
	n += nm;
	n += cbor_head(&out[n], 2, sig_len);
	for (uint32_t i = 0; i < sig_len; i++) {
		out[n++] = next_byte(&seed);
	}
	if (wrapper_len != NULL) {
		*wrapper_len = n;
	}
	for (uint64_t i = 0; i < blob_len; i++) {
		out[n + i] = next_byte(&seed);
	}
	dfu_sha256(&out[n], (size_t)blob_len, digest);
	memcpy(&out[man_at + digest_at], digest, hash_len);
	return n + (size_t)blob_len;
}

size_t cbor_gen_modem(uint8_t *out, size_t cap, uint32_t blob_kib, uint32_t seed,
		      size_t *wrapper_len)
{
	/* mfw_nrf9160_1.3.5: bootloader 2360 B, firmware 40960 + 1998848 +
	 * 16384 B; here the big segment takes what is left of blob_kib. */
	uint32_t total = blob_kib * 1024u;
	uint32_t small = 2360u + 4096u + 2048u;
	struct cbor_seg segs[4] = {{0x59602000u, 2360u},
				   {0x6000u, 4096u},
				   {0x50000u, total > small + 1 ? total - small : 1u},
				   {0x27c000u, 2048u}};
	struct cbor_gen_opts o = {
		.segs = segs, .nseg = 4, .version = 0x010305, .compat = 1, .seed = seed};

	return cbor_gen(out, cap, &o, wrapper_len);
}
