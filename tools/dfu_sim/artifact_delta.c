/*
 * dfu-sim detect: an application delta artifact (docs/delta.md). The
 * envelope through the library's own parser (delta_env_parse()), then the
 * detools header after it byte by byte, then the patch CRC. What the
 * device must run for the patch to apply is the envelope's base digest:
 * the running image's SHA-256 TLV (`dfu-sim status` prints it per image).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "artifact_internal.h"
#include "delta_internal.h"
#include "dfu_util.h"
#include "dsim.h"

/* A detools size (docs/delta.md "Sizes"), at most 31 value bits. Bytes
 * used, or 0 when it does not end within len or is too long. */
static size_t detools_size(const uint8_t *p, size_t len, uint32_t *v, bool *neg)
{
	uint64_t val;
	unsigned shift = 6;
	size_t i = 1;

	if (len == 0) {
		return 0;
	}
	val = p[0] & 0x3fu;
	*neg = (p[0] & 0x40u) != 0;
	if (p[0] & 0x80u) {
		for (;; i++) {
			if (i >= len || shift > 31) {
				return 0;
			}
			val |= (uint64_t)(p[i] & 0x7fu) << shift;
			shift += 7;
			if (!(p[i] & 0x80u)) {
				i++;
				break;
			}
		}
	}
	if (val > 0x7fffffffu) {
		return 0;
	}
	*v = (uint32_t)val;
	return i;
}

static void version_text(const uint8_t *h, char *b, size_t n)
{
	snprintf(b, n, "%u.%u.%u+%" PRIu32, h[20], h[21], (unsigned)delta_le16(h + 22),
		 dfu_get_le32(h + 24));
}

/* The detools header: type, compression, to_size, heatshrink parameters. */
static void patch_header(struct dsim_emit *e, const uint8_t *p, size_t n,
			 const struct dfu_mcuboot_delta_info *in)
{
	static const char *const comp[16] = {"none",       "lzma", "crle", "bz2",
					     "heatshrink", "zstd", "lz4"};
	uint32_t to_size = 0;
	bool neg = false;
	size_t used;

	if (n < 2 || (p[0] & 0x80u)) {
		dsim_emit_check(e, "patch", -EBADMSG, "no detools header after the envelope");
		return;
	}
	dsim_emit_str(e, "patch type", "patch_type",
		      (p[0] >> 4) == 0 ? "sequential" : "other (not supported)");
	dsim_emit_str(e, "compression", "compression",
		      comp[p[0] & 0xfu] != NULL ? comp[p[0] & 0xfu] : "unknown");
	used = detools_size(p + 1, n - 1, &to_size, &neg);
	if (used == 0 || neg || to_size != in->new_size) {
		dsim_emit_check(e, "patch", -EBADMSG,
				"the patch's to_size is not the envelope's new size");
		return;
	}
	if ((p[0] >> 4) != 0 || ((p[0] & 0xfu) != 0 && (p[0] & 0xfu) != 4)) {
		dsim_emit_check(e, "patch", -ENOTSUP,
				"only sequential patches, compression none or heatshrink");
		return;
	}
	if ((p[0] & 0xfu) == 4) {
		if (1 + used >= n) {
			dsim_emit_check(e, "patch", -EBADMSG, "heatshrink parameters missing");
			return;
		}
		unsigned w = (p[1 + used] >> 4) + 4u, l = (p[1 + used] & 0xfu) + 3u;

		dsim_emit_num(e, "window bits", "window_bits", w, false);
		dsim_emit_num(e, "lookahead bits", "lookahead_bits", l, false);
		if (w > 15 || l >= w) {
			dsim_emit_check(e, "patch", -EBADMSG,
					"heatshrink window/lookahead out of range");
			return;
		}
		if ((1u << w) > DSIM_DELTA_WINDOW) {
			dsim_emit_note(e, "window",
				       "needs a %u B window; dfu-sim's device has %u B "
				       "(mkpatch --window-max 10)",
				       1u << w, DSIM_DELTA_WINDOW);
		}
	}
	dsim_emit_check(e, "patch", 0, NULL);
}

void dsim_detect_app_delta(struct dsim_emit *e, const uint8_t *d, size_t len)
{
	struct dfu_mcuboot_delta_info in;
	char v[40];
	int err;

	if (len < DFU_DELTA_ENVELOPE_SIZE) {
		dsim_emit_check(e, "envelope", -EBADMSG, "shorter than the 128-byte envelope");
		return;
	}
	err = delta_env_parse(d, len > UINT32_MAX ? 1 : (uint32_t)len, &in);
	dsim_emit_num(e, "format version", "format_version", d[4], false);
	if (err != 0) {
		dsim_emit_check(e, "envelope", err,
				err == -ENOTSUP ? "another envelope format version"
						: "envelope CRC, sizes or reserved bytes wrong, or "
						  "the file is not 128 + patch size bytes");
		return;
	}
	dsim_emit_num(e, "patch", "patch_size", in.patch_size, false);
	dsim_emit_num(e, "new image", "new_size", in.new_size, false);
	version_text(in.new_header, v, sizeof(v));
	dsim_emit_str(e, "new version", "new_version", v);
	dsim_emit_bytes(e, "new sha256", "new_digest", in.new_digest, DFU_SHA256_SIZE);
	dsim_emit_num(e, "base size", "base_size", in.base_size, false);
	dsim_emit_bytes(e, "needs base", "base_digest", in.base_digest, DFU_SHA256_SIZE);
	dsim_emit_note(e, "base",
		       "applies only on a device whose running image has this SHA-256 TLV "
		       "(dfu-sim status prints it as \"delta base\")");
	dsim_emit_check(e, "envelope", 0, NULL);
	patch_header(e, d + DFU_DELTA_ENVELOPE_SIZE, len - DFU_DELTA_ENVELOPE_SIZE, &in);
	dsim_emit_check(e, "crc",
			dfu_crc32(0, d + DFU_DELTA_ENVELOPE_SIZE, in.patch_size) ==
					dfu_get_le32(d + 120)
				? 0
				: -EILSEQ,
			"CRC-32 of the patch does not match the envelope");
}
