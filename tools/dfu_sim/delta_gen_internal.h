/*
 * Application delta generator, internals shared by delta_gen.c (suffix
 * array, matching, patch and artifact) and delta_hs.c (heatshrink encoder).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DELTA_GEN_INTERNAL_H_
#define DELTA_GEN_INTERNAL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "delta_gen.h"

/* Growable byte buffer (malloc'd p; oom: a failed growth, later puts ignored). */
struct gbuf {
	uint8_t *p;
	size_t n, cap;
	bool oom;
};

void delta_gb_put(struct gbuf *b, const void *src, size_t n);

/* Length of the common prefix of a[0, an) and b[0, bn). */
int32_t delta_common(const uint8_t *a, int32_t an, const uint8_t *b, int32_t bn);

/* The smallest heatshrink encoding of in[0, n) over the (w, l) the options
 * allow, into *best; info->wbits / lbits the chosen ones (delta_hs.c). */
int delta_hs_best(const uint8_t *in, size_t n, const struct delta_gen_opts *o,
		  struct delta_gen_info *info, struct gbuf *best);

#endif /* DELTA_GEN_INTERNAL_H_ */
