/*
 * dfu-sim: application deltas (docs/delta.md) in `status` and `apply`.
 * status: the base each image's running image offers (what a patch must
 * be made from) and a delta download kept in the store. apply: why the
 * library refused a delta, in the device's terms (which version runs,
 * which base the patch needs). Everything comes from the library
 * (dfu_mcuboot_delta_base(), _stored(), _report()).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "dfu/dfu_errname.h"
#include "dfu_util.h"
#include "dsim.h"

static void hex(char *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	}
}

/* The first 32 bytes of a slot of pair i (0 primary, 1 secondary). */
static bool slot_header(struct dsim_device *d, unsigned i, int which, uint8_t h[32])
{
	const struct dfu_mcuboot_slot *a = which ? &d->pairs[i].secondary : &d->pairs[i].primary;

	return a->flash->read(a->flash->ctx, a->offset, h, 32) == 0;
}

/* "1.2.3+4" of the primary's header, or "" when it has none. */
static void running_version(struct dsim_device *d, unsigned i, char *v, size_t n)
{
	uint8_t h[32];

	v[0] = '\0';
	if (slot_header(d, i, 0, h) && dfu_get_le32(h) == 0x96f3b83du) {
		snprintf(v, n, "%u.%u.%u+%" PRIu32, h[20], h[21], (unsigned)(h[22] | (h[23] << 8)),
			 dfu_get_le32(h + 24));
	}
}

/* Where a stored delta download stands. */
static const char *download_state(struct dsim_device *d, unsigned i,
				  const struct dfu_mcuboot_pair_state *st,
				  const struct dfu_mcuboot_delta_stored_info *s, bool base_runs)
{
	uint8_t h[32];

	if (slot_header(d, i, 0, h) && dfu_crc32(0, h, 32) == s->new_header_crc) {
		return "installed";
	}
	if (st->secondary.present && st->secondary.verified == DFU_MCUBOOT_CHECK_OK &&
	    slot_header(d, i, 1, h) && dfu_crc32(0, h, 32) == s->new_header_crc) {
		return "complete";
	}
	return base_runs ? "resumable" : "stale";
}

void dsim_delta_status(struct dsim_device *d, unsigned i, const struct dfu_mcuboot_pair_state *st,
		       bool json, FILE *f)
{
	static const char *const say[] = {
		"installed: the running image is its output",
		"complete: the rebuilt image is verified in the secondary slot",
		"the base still runs: apply the same artifact to resume",
		"the base no longer runs: it cannot resume (the next delta starts over)",
	};
	uint8_t base[32];
	uint32_t base_size = 0;
	struct dfu_mcuboot_delta_stored_info s;
	char hb[65], hs[65], v[40];
	int err = dfu_mcuboot_delta_base(&d->delta_out, (int)i, base, &base_size);
	bool pending = dfu_mcuboot_delta_stored(&d->kv.dev, (int)i, &s) == 0;
	const char *state = "";
	const char *line = "";

	running_version(d, i, v, sizeof(v));
	hex(hb, base, sizeof(base));
	if (pending) {
		bool runs = err == 0 && memcmp(base, s.base_digest, 32) == 0;

		hex(hs, s.base_digest, sizeof(s.base_digest));
		state = download_state(d, i, st, &s, runs);
		line = say[!strcmp(state, "installed")   ? 0
			   : !strcmp(state, "complete")  ? 1
			   : !strcmp(state, "resumable") ? 2
							 : 3];
	}
	if (json) {
		fprintf(f, ",\"delta_base\":");
		if (err == 0) {
			fprintf(f, "{\"sha256\":\"%s\",\"size\":%" PRIu32 "}", hb, base_size);
		} else {
			fprintf(f, "null");
		}
		if (pending) {
			fprintf(f,
				",\"delta_download\":{\"state\":\"%s\",\"file_size\":%" PRIu32
				",\"new_size\":%" PRIu32 ",\"checkpoint\":%" PRIu32
				",\"needs_base\":\"%s\"}",
				state, s.file_size, s.new_size, s.checkpoint, hs);
		}
		return;
	}
	if (err == 0) {
		fprintf(f,
			"    delta base: %s (%s, %" PRIu32 " B hashed): patches made from this "
			"image apply\n",
			hb, v, base_size);
	} else {
		fprintf(f,
			"    delta base: none (%s: no valid image with a SHA-256 TLV in the "
			"primary; a delta cannot apply)\n",
			dfu_errno_name(err));
	}
	if (pending) {
		fprintf(f,
			"    delta download: %" PRIu32 " B artifact -> %" PRIu32
			" B image, needs base %s, checkpoint at byte %" PRIu32 "\n      %s\n",
			s.file_size, s.new_size, hs, s.checkpoint, line);
	}
}

bool dsim_delta_why(struct dsim_device *d, int img, int err, char *msg, size_t len,
		    const char **check)
{
	const struct dfu_mcuboot_delta_info *in = dfu_mcuboot_delta_report(&d->app_delta);
	char need[65], run[65], v[40];

	hex(need, in->base_digest, 32);
	hex(run, in->running_digest, 32);
	switch (in->refusal) {
	case DFU_DELTA_BAD_ENVELOPE:
		*check = "format";
		snprintf(msg, len, "not a valid delta envelope (CRC, sizes or reserved bytes)");
		return true;
	case DFU_DELTA_BAD_VERSION:
		*check = "type";
		snprintf(msg, len, "delta envelope format version not supported here");
		return true;
	case DFU_DELTA_NO_BASE:
		*check = "base";
		snprintf(msg, len,
			 "no valid image runs in image %d's primary slot: the patch needs base %s; "
			 "apply the full image",
			 img, need);
		return true;
	case DFU_DELTA_WRONG_BASE:
		*check = "base";
		running_version(d, (unsigned)img, v, sizeof(v));
		snprintf(
			msg, len,
			"wrong base: the device runs %s (SHA-256 TLV %s), the patch needs base %s; "
			"apply the full image or a patch made from %s",
			v[0] ? v : "an image", in->has_running ? run : "?", need,
			v[0] ? v : "the running image");
		return true;
	case DFU_DELTA_TOO_BIG:
		*check = "size";
		snprintf(msg, len, "the new image (%" PRIu32 " B) does not fit image %d's slot",
			 in->new_size, img);
		return true;
	case DFU_DELTA_BAD_HEADER:
		*check = "header";
		snprintf(msg, len, "the new image's MCUboot header (in the envelope) is refused");
		return true;
	case DFU_DELTA_POLICY:
		*check = "policy";
		snprintf(msg, len,
			 "downgrade refused: the new image's version is not above the "
			 "running one");
		return true;
	default:
		break;
	}
	if (err == -EBADMSG || err == -EPIPE) {
		*check = "patch";
		snprintf(msg, len,
			 "the patch is malformed, reads outside the base image, or its CRC does "
			 "not match: the download is discarded");
		return true;
	}
	return false;
}
