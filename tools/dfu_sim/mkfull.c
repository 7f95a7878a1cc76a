/*
 * dfu-sim mkfull: a sample full modem image (.cbor: COSE_Sign1 wrapper with
 * the manifest, then the blob), real-looking in shape (4 segments like an
 * nRF9160 modem firmware) but with a dummy signature: the library checks
 * the wrapper, the manifest and the blob digest, never the signature (the
 * modem does that at install).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cbor_gen.h"
#include "dsim.h"

int dsim_mkfull(uint32_t blob_kib, uint32_t seed, const char *path, char *err, size_t err_len)
{
	size_t cap = (size_t)blob_kib * 1024u + 64u * 1024u;
	uint8_t *buf;
	size_t n;
	FILE *f;

	if (blob_kib == 0 || blob_kib > 8192) {
		snprintf(err, err_len, "blob size: 1..8192 KiB");
		return -EINVAL;
	}
	buf = malloc(cap);
	if (!buf) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	n = cbor_gen_modem(buf, cap, blob_kib, seed, NULL);
	if (n == 0) {
		free(buf);
		snprintf(err, err_len, "generator failed");
		return -EINVAL;
	}
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
		int e = errno ? -errno : -EIO;

		snprintf(err, err_len, "%s: %s", path, strerror(-e));
		if (f) {
			(void)remove(path);
		}
		free(buf);
		return e;
	}
	free(buf);
	return 0;
}
