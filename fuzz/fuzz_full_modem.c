/*
 * Fuzz target: the full modem target's wrapper/manifest parser and blob
 * verification, on the simulated flash, through the context API.
 *
 * Input: 4 configuration bytes, then the .cbor file.
 *   byte 0  bit 0  file_size declared 0 (unknown) instead of the file size
 *           bit 1  init_ex gets the first bytes (early wrapper verdict)
 *           bit 2  DFU_FULL_MODEM_NO_READBACK
 *           bit 3  DFU_FULL_MODEM_VERIFY_WRITES
 *           bit 4  the crypto port's SHA-256 engine (mbedTLS)
 *           bits 5-6 staging buffer: 4096, 1024, 512, 256 bytes
 *           bit 7  flash: nRF52840 (4-byte writes) instead of MX25R64
 *   byte 1-2 seed of the transport chunk sizes
 *   byte 3  bits 0-1 checkpoint_blocks
 *   rest    the file (fuzz/corpus/fuzz_full_modem: small valid files made
 *           by fuzz/gen_corpus.py, and near misses)
 *
 * Flash: [guard block][partition: the file rounded up to erase blocks, at
 * least 2 blocks][guard block], pseudo-random before the download.
 *
 * The harness parses the file itself (tests nothing of the library's
 * parser): COSE_Sign1 tag 18 (any head width), array(4), bstr {1: -37}
 * = 44 A1 01 38 24 in any head width, empty map, bstr payload that is
 * exactly the manifest [u32, u32, bstr(32), bstr(array of 2..256 u32,
 * even)], bstr(256) signature, wrapper <= 1024 bytes, no indefinite
 * lengths; blob = sum of the segment lengths (no u32 overflow, > 0);
 * file = wrapper + blob.
 *
 * Invariants:
 *   - every call returns 0 or a negative errno;
 *   - done(true) == 0 exactly when the harness finds the file well-formed
 *     and the SHA-256 of its blob (mbedTLS) equals the manifest's hash
 *     ("accept only when the blob hash matches the manifest"), and then
 *     the partition holds the file bit for bit, dfu_full_modem_stored()
 *     describes it; after a reboot an init of the same file with its
 *     digest (expected_digest) reports DONE, without one it is a new
 *     download (READY, offset 0);
 *   - a malformed wrapper fails init (first bytes given) or a write, and
 *     with a staging buffer >= 1 KiB nothing reaches flash or the store;
 *   - a refused download leaves no verified record (stored() fails);
 *   - nothing outside the partition changes; no flash-contract violation.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>

#include <mbedtls/sha256.h>

#include "dfu/dfu_target_full_modem.h"
#include "dfu_crypto_mbedtls.h"
#include "fuzz_common.h"
#include "sim_flash.h"
#include "sim_kv.h"
#include "sim_power.h"

#define CFG_LEN 4u

static struct sim_power power;
static struct sim_flash flash;
static struct sim_kv kv;
static struct dfu_crypto_mbedtls mbed;
static struct dfu_crypto crypto;
static struct dfu_port port;
static uint8_t buf[4096];
static struct dfu_full_modem fm;
static struct dfu_target_entry entry;
static struct dfu_config cfg;
static struct dfu_ctx ctx;

/* ---- the harness's own parser ---- */

struct hp {
	const uint8_t *d;
	size_t n, pos;
	bool bad;
};

/* One CBOR head of major type major; its argument (u32) or bad. */
static uint32_t head(struct hp *p, uint8_t major)
{
	if (p->bad || p->pos >= p->n || p->pos >= DFU_FULL_MODEM_WRAPPER_MAX) {
		p->bad = true;
		return 0;
	}
	uint8_t c = p->d[p->pos++];
	uint8_t ai = c & 31u;
	uint64_t v = ai;

	if ((c >> 5) != major || ai > 27) {
		p->bad = true;
		return 0;
	}
	if (ai >= 24) {
		unsigned k = 1u << (ai - 24);

		v = 0;
		for (unsigned i = 0; i < k; i++) {
			if (p->pos >= p->n || p->pos >= DFU_FULL_MODEM_WRAPPER_MAX) {
				p->bad = true;
				return 0;
			}
			v = (v << 8) | p->d[p->pos++];
		}
	}
	if (v > UINT32_MAX) {
		p->bad = true;
		return 0;
	}
	return (uint32_t)v;
}

struct hfile {
	bool ok;         /* well-formed, sizes consistent with the file */
	bool wrapper_ok; /* the wrapper parses (blob length aside) */
	uint32_t wrapper_len;
	uint64_t blob_len;
	uint16_t segments;
	const uint8_t *hash;
};

static void parse_file(const uint8_t *d, size_t n, struct hfile *f)
{
	static const uint8_t prot[4] = {0xa1, 0x01, 0x38, 0x24};
	struct hp p = {.d = d, .n = n};

	memset(f, 0, sizeof(*f));
	if (head(&p, 6) != 18 || head(&p, 4) != 4 || head(&p, 2) != 4 || p.bad || p.pos + 4 > n ||
	    memcmp(d + p.pos, prot, 4) != 0) {
		return;
	}
	p.pos += 4;
	if (head(&p, 5) != 0) {
		return;
	}
	uint32_t plen = head(&p, 2);

	if (p.bad || plen > DFU_FULL_MODEM_WRAPPER_MAX - p.pos) {
		return;
	}
	size_t pend = p.pos + plen;

	if (head(&p, 4) != 4) {
		return;
	}
	(void)head(&p, 0); /* version */
	(void)head(&p, 0); /* compat */
	if (head(&p, 2) != 32 || p.bad || p.pos + 32 > n || p.pos + 32 > pend) {
		return;
	}
	f->hash = d + p.pos;
	p.pos += 32;
	uint32_t slen = head(&p, 2);

	if (p.bad || p.pos + slen != pend) {
		return;
	}
	uint32_t items = head(&p, 4);

	if (p.bad || items < 2 || items > 2 * DFU_FULL_MODEM_SEGMENTS_MAX || (items & 1u)) {
		return;
	}
	for (uint32_t i = 0; i < items; i++) {
		uint32_t v = head(&p, 0);

		if (p.bad || p.pos > pend) {
			return;
		}
		if (i & 1u) {
			f->blob_len += v;
		}
	}
	if (p.pos != pend) {
		return;
	}
	if (head(&p, 2) != DFU_FULL_MODEM_SIG_LEN || p.bad ||
	    DFU_FULL_MODEM_SIG_LEN > DFU_FULL_MODEM_WRAPPER_MAX - p.pos) {
		return;
	}
	p.pos += DFU_FULL_MODEM_SIG_LEN;
	if (p.pos > n) {
		return; /* the file ends inside the signature */
	}
	f->wrapper_len = (uint32_t)p.pos;
	f->segments = (uint16_t)(items / 2);
	f->wrapper_ok = f->blob_len > 0 && f->blob_len <= UINT32_MAX;
	f->ok = f->wrapper_ok && f->wrapper_len + f->blob_len == n;
}

/* ---- the device ---- */

static bool complete(void)
{
	return fm.stream.status == DFU_STREAM_COMPLETE;
}

static void ctx_build(uint8_t f0, uint32_t part_off, uint32_t part_size, uint16_t ckpt)
{
	static const uint32_t bufs[4] = {4096, 1024, 512, 256};

	memset(&fm, 0, sizeof(fm));
	fm.cfg.flash = &flash.dev;
	fm.cfg.offset = part_off;
	fm.cfg.size = part_size;
	fm.cfg.min_size = flash.dev.erase_block;
	fm.cfg.buf = buf;
	fm.cfg.buf_len = bufs[(f0 >> 5) & 3];
	fm.cfg.checkpoint_blocks = ckpt;
	fm.cfg.flags = ((f0 & 0x04) ? DFU_FULL_MODEM_NO_READBACK : 0) |
		       ((f0 & 0x08) ? DFU_FULL_MODEM_VERIFY_WRITES : 0);
	entry = (struct dfu_target_entry){&dfu_target_full_modem_ops, &fm};
	port = (struct dfu_port){.kv = &kv.dev, .crypto = (f0 & 0x10) ? &crypto : NULL};
	cfg = (struct dfu_config){.port = &port, .targets = &entry, .target_count = 1};
	FZ_CHECK(dfu_ctx_setup(&ctx, &cfg) == 0, "dfu_ctx_setup");
}

static uint32_t mutations(void)
{
	return flash.cnt.programs + flash.cnt.erases + kv.cnt.writes + kv.cnt.removes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < CFG_LEN || size - CFG_LEN > 0x20000) {
		return 0;
	}
	uint8_t f0 = data[0];
	const uint8_t *file = data + CFG_LEN;
	uint32_t len = (uint32_t)(size - CFG_LEN);
	uint32_t file_size = (f0 & 0x01) ? 0 : len;
	const struct sim_geometry *geo = (f0 & 0x80) ? &sim_geo_nrf52840 : &sim_geo_mx25r64;
	uint32_t eb = geo->erase_block;
	uint32_t part_off = eb;
	uint32_t part_size = (len + eb - 1) / eb * eb;

	if (part_size < 2 * eb) {
		part_size = 2 * eb;
	}
	uint32_t dev_size = part_off + part_size + eb;

	sim_power_init(&power);
	FZ_CHECK(sim_flash_init(&flash, geo, dev_size, &power) == 0, "sim_flash_init");
	fz_fill(flash.mem, dev_size, 0xf00du);
	sim_kv_init(&kv, &power);
	dfu_crypto_mbedtls_init(&mbed, &crypto, true);
	uint8_t *snap = malloc(dev_size);

	FZ_CHECK(snap != NULL, "out of memory");
	memcpy(snap, flash.mem, dev_size);
	ctx_build(f0, part_off, part_size, data[3] & 3);

	struct hfile hf;
	uint8_t digest[32];

	parse_file(file, len, &hf);
	bool valid = hf.ok;

	if (valid) {
		FZ_CHECK(mbedtls_sha256_ret(file + hf.wrapper_len, (size_t)hf.blob_len, digest,
					    0) == 0,
			 "sha");
		valid = memcmp(digest, hf.hash, 32) == 0;
	}
	size_t first = len < 64 ? len : 64;
	struct dfu_init_params ip = {.img_type = DFU_TARGET_IMAGE_TYPE_FULL_MODEM,
				     .file_size = file_size};

	(void)dfu_ctx_img_type(&ctx, file, first);
	if (f0 & 0x02) {
		ip.first = file;
		ip.first_len = first;
	}
	int err = fz_init(&ctx, &ip, complete);
	int werr = 0;
	int d = -ENODATA;
	uint32_t pos = 0;

	FZ_ERRNO(err, "init");
	if (err != 0) {
		/* only the early wrapper verdict can refuse this init */
		FZ_CHECK((f0 & 0x02) && !hf.wrapper_ok && (err == -EBADMSG || err == -EFBIG),
			 "init = %s (wrapper ok %d)", dfu_errno_name(err), hf.wrapper_ok);
		FZ_CHECK(mutations() == 0, "a failed init changed flash or the store");
		goto out;
	}
	uint32_t rs = (uint32_t)data[1] | ((uint32_t)data[2] << 8);

	while (pos < len) {
		size_t k = fz_chunk(&rs);

		if (k > len - pos) {
			k = len - pos;
		}
		werr = dfu_ctx_write(&ctx, file + pos, k);
		FZ_ERRNO(werr, "write");
		if (werr != 0) {
			break;
		}
		pos += (uint32_t)k;
	}
	if (werr != 0) {
		FZ_CHECK(!valid, "valid file refused by a write: %s at %u", dfu_errno_name(werr),
			 pos);
		/* chunks never pass the declared size: every error is the
		 * target's and fails the session */
		FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_FAILED, "write error %s: state %d",
			 dfu_errno_name(werr), dfu_ctx_state(&ctx));
		if (!hf.wrapper_ok && fm.cfg.buf_len >= DFU_FULL_MODEM_WRAPPER_MAX &&
		    (werr == -EBADMSG || werr == -EFBIG)) {
			FZ_CHECK(mutations() == 0,
				 "malformed wrapper reached flash or the store (%u programs, "
				 "%u erases, %u store writes, %u removes)",
				 flash.cnt.programs, flash.cnt.erases, kv.cnt.writes,
				 kv.cnt.removes);
		}
	} else {
		d = dfu_ctx_done(&ctx, true);
		FZ_ERRNO(d, "done(true)");
	}
	size_t diff = fz_diff_outside(flash.mem, snap, dev_size, part_off, part_off + part_size);

	FZ_CHECK(diff == SIZE_MAX, "flash changed outside the partition at 0x%zx", diff);
	FZ_CHECK(flash.cnt.violations.total == 0, "flash contract violation: %s",
		 flash.last_violation);
	if (werr == 0 && d == 0) {
		struct dfu_full_modem_info st;

		FZ_CHECK(valid, "done(true) = 0 for a file the harness finds %s",
			 hf.ok ? "well-formed with a wrong blob hash" : "malformed");
		FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_DONE, "state after done");
		FZ_CHECK(memcmp(flash.mem + part_off, file, len) == 0,
			 "the partition does not hold the file");
		err = dfu_full_modem_stored(&fm, &st);
		FZ_CHECK(err == 0 && st.wrapper_len == hf.wrapper_len &&
				 st.blob_len == hf.blob_len && st.segments == hf.segments &&
				 memcmp(st.digest, hf.hash, 32) == 0,
			 "stored() = %s does not describe the file", dfu_errno_name(err));
		size_t off = 0;

		FZ_CHECK(dfu_ctx_offset_get(&ctx, &off) == 0 && off == len, "offset %zu after done",
			 off);
		FZ_CHECK(dfu_ctx_schedule_update(&ctx, 0) == 0, "schedule_update");
		if (file_size != 0) {
			/* reused after a reboot with the blob's digest
			 * (dfu_init_params.expected_digest); without it a new
			 * download */
			struct dfu_init_params ipd = ip;

			ipd.expected_digest = hf.hash;
			sim_power_reboot(&power);
			ctx_build(f0, part_off, part_size, data[3] & 3);
			(void)dfu_ctx_img_type(&ctx, file, first);
			err = fz_init(&ctx, &ipd, complete);
			FZ_CHECK(err == 0 && dfu_ctx_state(&ctx) == DFU_STATE_DONE,
				 "after a reboot, with its digest: init = %s, state %d",
				 dfu_errno_name(err), dfu_ctx_state(&ctx));
			sim_power_reboot(&power);
			ctx_build(f0, part_off, part_size, data[3] & 3);
			(void)dfu_ctx_img_type(&ctx, file, first);
			err = fz_init(&ctx, &ip, complete);
			off = 1;
			FZ_CHECK(err == 0 && dfu_ctx_state(&ctx) == DFU_STATE_READY &&
					 dfu_ctx_offset_get(&ctx, &off) == 0 && off == 0,
				 "after a reboot, no digest: init = %s, state %d, offset %zu "
				 "(want a new download)",
				 dfu_errno_name(err), dfu_ctx_state(&ctx), off);
		}
	} else {
		struct dfu_full_modem_info st;

		FZ_CHECK(!valid, "valid file refused: done(true) = %s", dfu_errno_name(d));
		int se = dfu_full_modem_stored(&fm, &st);

		FZ_CHECK(se != 0, "refused file, yet a verified file is stored");
		FZ_ERRNO(se, "stored");
	}
	if (fz_verbose()) {
		fprintf(stderr,
			"full_modem: len %u file_size %u valid %d wrapper %d: init %s, "
			"write %s at %u, done %s\n",
			len, file_size, valid, hf.wrapper_ok, dfu_errno_name(err),
			dfu_errno_name(werr), pos, dfu_errno_name(d));
	}
out:
	dfu_crypto_mbedtls_free(&mbed);
	sim_flash_free(&flash);
	free(snap);
	return 0;
}
