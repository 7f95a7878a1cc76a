/*
 * dfu-sim mkpatch OLD NEW OUT [--compression heatshrink|none]
 *         [--window-max BITS] [--old-version V --new-version V] [--force] [--json]
 *
 * An application delta artifact (docs/delta.md) turning the running image
 * OLD into NEW. OLD and NEW are MCUboot images (signed or hash-only); raw
 * binaries are wrapped as hash-only images with --old-version/--new-version.
 * Says when the patch is not worth it (not smaller than NEW compressed
 * with the same heatshrink settings, e.g. after a change of optimisation
 * level) and exits 2 then, without writing OUT, unless --force.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta_gen.h"
#include "dfu/dfu_errname.h"
#include "dsim.h"
#include "mcuboot_img.h"

static int usage(bool json, const char *why)
{
	return dsim_fail(json, "mkpatch", DSIM_EXIT_USAGE,
			 "%s\nusage: dfu-sim mkpatch OLD NEW OUT [--compression heatshrink|none] "
			 "[--window-max BITS] [--old-version M.m.r+b --new-version M.m.r+b] "
			 "[--force] [--json]",
			 why);
}

static bool version(const char *s, struct mcuboot_img_version *v)
{
	unsigned a, b, c;
	unsigned long build = 0;

	if (s == NULL || (sscanf(s, "%u.%u.%u+%lu", &a, &b, &c, &build) < 3) || a > 255 ||
	    b > 255 || c > 65535 || build > 0xFFFFFFFFul) {
		return false;
	}
	*v = (struct mcuboot_img_version){(uint8_t)a, (uint8_t)b, (uint16_t)c, (uint32_t)build};
	return true;
}

/* An MCUboot image as is, or a raw binary wrapped (hash-only). */
static int image_of(uint8_t **data, size_t *len, const char *ver, const char *what, bool json)
{
	uint32_t h, end;

	if (delta_gen_image_sizes(*data, *len, &h, &end) == 0) {
		return 0;
	}
	struct mcuboot_img_params p = {0};

	if (!version(ver, &p.version)) {
		return dsim_fail(json, "mkpatch", DSIM_EXIT_USAGE,
				 "%s is not an MCUboot image: give --%s-version M.m.r+b to wrap it "
				 "as a hash-only image (or sign it: dfu-sim mkimage / imgtool)",
				 what, what);
	}
	size_t cap = *len + 0x400, n = 0;
	uint8_t *img = malloc(cap);

	if (img == NULL || mcuboot_img_build(&p, *data, *len, img, cap, &n) != 0) {
		free(img);
		return dsim_fail(json, "mkpatch", DSIM_EXIT_DEVICE, "cannot wrap %s", what);
	}
	free(*data);
	*data = img;
	*len = n;
	return 0;
}

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%02x", p[i]);
	}
}

int dsim_mkpatch(int argc, char **argv, bool json)
{
	const char *pos[3] = {0}, *ov = NULL, *nv = NULL;
	struct delta_gen_opts o = {.comp = DELTA_GEN_HEATSHRINK};
	bool force = false;
	int np = 0;

	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "--json")) {
			continue;
		} else if (!strcmp(s, "--force")) {
			force = true;
		} else if (!strcmp(s, "--compression") && i + 1 < argc) {
			s = argv[++i];
			if (strcmp(s, "heatshrink") && strcmp(s, "none")) {
				return usage(json, "--compression: heatshrink or none");
			}
			o.comp = strcmp(s, "none") ? DELTA_GEN_HEATSHRINK : DELTA_GEN_NONE;
		} else if (!strcmp(s, "--window-max") && i + 1 < argc) {
			int w = atoi(argv[++i]);

			if (w < 8 || w > 14) {
				return usage(json, "--window-max: 8..14 (the device's window is "
						   "2^BITS bytes)");
			}
			o.max_wbits = (uint8_t)w;
		} else if (!strcmp(s, "--old-version") && i + 1 < argc) {
			ov = argv[++i];
		} else if (!strcmp(s, "--new-version") && i + 1 < argc) {
			nv = argv[++i];
		} else if (s[0] == '-' || np == 3) {
			return usage(json, "unknown option or extra argument");
		} else {
			pos[np++] = s;
		}
	}
	if (np != 3) {
		return usage(json, "OLD, NEW and OUT are needed");
	}
	uint8_t *old = NULL, *nw = NULL, *art = NULL, *full = NULL;
	size_t on = 0, nn = 0, an = 0, fn = 0;
	struct delta_gen_info info;
	int rc;

	if (dsim_read_file(pos[0], &old, &on) != 0 || dsim_read_file(pos[1], &nw, &nn) != 0) {
		rc = dsim_fail(json, "mkpatch", DSIM_EXIT_USAGE, "cannot read %s",
			       old == NULL ? pos[0] : pos[1]);
		goto out;
	}
	if ((rc = image_of(&old, &on, ov, "old", json)) != 0 ||
	    (rc = image_of(&nw, &nn, nv, "new", json)) != 0) {
		goto out;
	}
	int e = delta_gen_artifact(old, on, nw, nn, &o, &art, &an, &info);

	if (e) {
		rc = dsim_fail(json, "mkpatch", DSIM_EXIT_DEVICE, "cannot make the patch: %s",
			       dfu_errno_name(e));
		goto out;
	}
	/* the alternative: the full new image, compressed alike */
	e = delta_gen_heatshrink(nw, info.new_size, info.wbits ? info.wbits : 10,
				 info.lbits ? info.lbits : 9, &full, &fn);
	if (e) {
		rc = dsim_fail(json, "mkpatch", DSIM_EXIT_DEVICE, "out of memory");
		goto out;
	}
	bool worth = an < fn;

	if (worth || force) {
		FILE *f = fopen(pos[2], "wb");

		if (f == NULL || fwrite(art, 1, an, f) != an || fclose(f) != 0) {
			rc = dsim_fail(json, "mkpatch", DSIM_EXIT_DEVICE, "cannot write %s",
				       pos[2]);
			goto out;
		}
	}
	rc = worth || force ? DSIM_EXIT_OK : DSIM_EXIT_REJECTED;
	if (json) {
		printf("{\"ok\":%s,\"command\":\"mkpatch\",\"wrote\":", rc ? "false" : "true");
		dsim_json_str(stdout, worth || force ? pos[2] : "");
		printf(",\"artifact\":%zu,\"patch\":%u,\"compression\":\"%s\",\"window_bits\":%u,"
		       "\"lookahead_bits\":%u,\"chunks\":%u,\"new_size\":%u,\"base_size\":%u,"
		       "\"full_compressed\":%zu,\"worth_it\":%s,\"base_sha256\":\"",
		       an, (unsigned)info.patch_size, o.comp ? "heatshrink" : "none", info.wbits,
		       info.lbits, (unsigned)info.chunks, (unsigned)info.new_size,
		       (unsigned)info.base_size, fn, worth ? "true" : "false");
		hex(stdout, info.base_digest, 32);
		printf("\",\"new_sha256\":\"");
		hex(stdout, info.new_digest, 32);
		printf("\"}\n");
		goto out;
	}
	printf("patch %u B (+ 128 B envelope) = %zu B: %.1f %% of the %u B new image\n",
	       (unsigned)info.patch_size, an, 100.0 * (double)an / (double)info.new_size,
	       (unsigned)info.new_size);
	printf("  compression %s", o.comp ? "heatshrink" : "none");
	if (o.comp) {
		printf(" (window 2^%u = %u B on the device, lookahead %u)", info.wbits,
		       1u << info.wbits, info.lbits);
	}
	printf(", %u chunks, %u B from the old image, %u B new\n", (unsigned)info.chunks,
	       (unsigned)info.diff_bytes, (unsigned)info.extra_bytes);
	printf("  base: %u B, SHA-256 ", (unsigned)info.base_size);
	hex(stdout, info.base_digest, 32);
	printf(" (the running image's SHA-256 TLV)\n  new:  SHA-256 ");
	hex(stdout, info.new_digest, 32);
	printf("\n  the full new image compressed alike: %zu B\n", fn);
	if (!worth) {
		printf("not worth it: the patch is not smaller than the compressed full image "
		       "(different compiler options or layout?)%s\n",
		       force ? "; written anyway (--force)"
			     : "; nothing written (--force writes it)");
	} else {
		printf("wrote %s\n", pos[2]);
	}
out:
	free(old);
	free(nw);
	free(art);
	free(full);
	return rc;
}
