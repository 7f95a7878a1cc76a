/*
 * Fuzz target: the MCUboot target's streaming parser and verifier, on the
 * simulated flash, through the context API.
 *
 * Input: 8 configuration bytes, then the image file.
 *   byte 0  bit 0  a trusted key: tests/vectors/mcuboot/ec-p256 (SPKI DER),
 *                  signatures checked by the mbedTLS crypto port
 *           bit 1  the crypto port's SHA-256 engine (mbedTLS) instead of
 *                  the library's portable one
 *           bit 2  file_size declared 0 (unknown) instead of the file size
 *           bit 3  init_ex gets the first bytes (early header verdict)
 *           bit 4  DFU_MCUBOOT_NO_READBACK
 *           bit 5  DFU_MCUBOOT_ALLOW_UNVERIFIED
 *           bit 6  DFU_MCUBOOT_DENY_DOWNGRADE; the primary holds an image
 *                  header of version byte 5 . byte 6
 *           bit 7  padded: the secondary slot is exactly the file (when
 *                  the file is a multiple of the erase block)
 *   byte 1  bits 0-1 flash: nRF52840, MX25R64, STM32L4 (8-byte ECC words,
 *                  2 KiB pages), nRF52840
 *           bits 2-3 mode: swap-move, swap-scratch, swap-offset, overwrite
 *           bits 4-5 BOOT_MAX_ALIGN: 8, 16, 32, 8
 *           bit 6  DFU_MCUBOOT_VERIFY_WRITES
 *           bit 7  tight slot: rounded up to the erase block, no room
 *                  added (file_size may not fit: -EFBIG paths)
 *   byte 2  staging buffer 64 << (b % 7) bytes (64..4096)
 *   byte 3-4 seed of the transport chunk sizes (1 byte .. 9 KB)
 *   byte 5-6 see byte 0 bit 6; byte 6 is also min_security_counter when
 *           byte 7 bit 7 is set
 *   byte 7  bits 0-1 checkpoint_blocks
 *   rest    the image file (fuzz/corpus/fuzz_mcuboot: the imgtool vectors
 *           with configuration bytes in front)
 *
 * Flash: [primary][secondary][one guard block], every byte pseudo-random
 * before the download (a stale slot). Flow as an application: img_type,
 * init_ex, offset_get (0), write in chunks, done(true), then
 * schedule_update, then a reboot and init of the same file.
 *
 * Invariants:
 *   - every call returns 0 or a negative errno;
 *   - the header verdict is the documented one (an independent check of
 *     magic, sizes within the maximum image size and file_size, flags): a
 *     malformed header fails init (first bytes given) or the write that
 *     completes byte 32, and then flash is untouched;
 *   - done(true) == 0 only when the secondary slot holds a well-formed
 *     image (header, protected TLV area, TLV area walked independently)
 *     whose SHA-256 over header + payload + protected TLVs, recomputed with
 *     mbedTLS from the slot, equals its SHA-256 TLV; with the key, a
 *     signature TLV that verifies (mbedTLS) with the key; the slot holds
 *     the file's first tlv_end bytes, erased bytes after them up to the
 *     erase block, an erased trailer; security counter and downgrade
 *     policy respected;
 *   - nothing outside the secondary slot changes, ever; no flash-contract
 *     violation (sim_flash counts them);
 *   - a failed verification discards the download: nothing can be
 *     scheduled (dfu_mcuboot_schedule() fails);
 *   - after done(true) == 0: schedule_update gives 0 and a test request
 *     (or -ENOEXEC for a NON_BOOTABLE image); after a reboot, init of the
 *     same file (file_size known) with its digest (expected_digest) reports
 *     DONE, and without one starts a new download (READY, offset 0).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>

#include <mbedtls/ecdsa.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "dfu/dfu_target_mcuboot.h"
#include "dfu_crypto_mbedtls.h"
#include "fuzz_common.h"
#include "fuzz_key.h"
#include "sim_clock.h"
#include "sim_flash.h"
#include "sim_kv.h"
#include "sim_power.h"

#define CFG_LEN 8u

#define F_ENC128 0x4u
#define F_ENC256 0x8u
#define F_PIC 0x1u
#define F_NON_BOOTABLE 0x10u

static mbedtls_pk_context key_pk;
static uint8_t key_hash[32];

static const struct sim_geometry *const geos[4] = {&sim_geo_nrf52840, &sim_geo_mx25r64,
						   &sim_geo_stm32l4, &sim_geo_nrf52840};

static struct sim_power power;
static struct sim_flash flash;
static struct sim_kv kv;
static struct sim_clock clk;
static struct dfu_crypto_mbedtls mbed;
static struct dfu_crypto crypto;
static struct dfu_port port;
static struct dfu_mcuboot_pair pair;
static struct dfu_mcuboot_board board;
static struct dfu_mcuboot_key key;
static uint8_t buf[4096];
static struct dfu_mcuboot m;
static struct dfu_target_entry entry;
static struct dfu_config cfg;
static struct dfu_ctx ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mbedtls_pk_init(&key_pk);
	FZ_CHECK(mbedtls_pk_parse_public_key(&key_pk, fuzz_key_der, sizeof(fuzz_key_der)) == 0,
		 "ec-p256.pub.der does not parse");
	FZ_CHECK(mbedtls_sha256_ret(fuzz_key_der, sizeof(fuzz_key_der), key_hash, 0) == 0, "sha");
	return 0;
}

/* ---- the harness's own view of an MCUboot image ----
 *
 * Written from the documented rules (dfu_target_mcuboot.h, the default
 * bootloader profile of dfu_mcuboot_board.h: the nRF9160 NCS build, i.e.
 * bootutil's walk with the NCS 2.x TLV iterator, TLV allow list on, KEYHASH,
 * lenient ECDSA DER), not from the library's code.
 */

struct himg {
	uint16_t hdr_size, prot_size;
	uint32_t img_size, flags;
	uint8_t major, minor;
	uint16_t revision;
	uint32_t build;
	uint32_t prot_end; /* hdr + img + prot: the bytes hashed */
	uint32_t tlv_end;  /* end of the TLV area (its info's total) */
	uint32_t walk_end; /* end of the last entry walked (may pass tlv_end) */
	unsigned sha_count;
	uint32_t sha_off[8]; /* values of the SHA-256 TLVs (first 8) */
	bool sha_bad_len;
	bool disallowed; /* an unprotected entry outside the allow list */
	unsigned cnt_count;
	bool cnt_bad; /* a SEC_CNT not 4 bytes */
	uint32_t cnt_min;
};

/* Header checks that hold for every profile (magic, header size, protected
 * size, sizes within the maximum image size and file_size, in 64 bits):
 * 0 when they pass. */
static int hdr_basic(const uint8_t *b, uint32_t max_img, uint32_t file_size)
{
	static const uint8_t magic[4] = {0x3d, 0xb8, 0xf3, 0x96};
	uint16_t hdr = fz_le16(b + 8);
	uint16_t prot = fz_le16(b + 10);
	uint32_t img = fz_le32(b + 12);

	/* no lower bound on the header size: MCUboot has none (sheet 1.1) */
	if (memcmp(b, magic, 4) != 0 || (prot != 0 && prot < 4)) {
		return -EBADMSG;
	}
	uint64_t need = (uint64_t)hdr + img + prot + 4u;

	if (need > max_img || (file_size != 0 && need > file_size)) {
		return -EFBIG;
	}
	return 0;
}

static bool allowed_unprotected(uint16_t t)
{
	return t == 0x01 || t == 0x02 || (t >= 0x10 && t <= 0x12) || (t >= 0x20 && t <= 0x24) ||
	       (t >= 0x30 && t <= 0x33);
}

/* Parse the image at s; n = the bytes that may be read (the file's bytes in
 * the slot), max_img = the maximum image size. false: not well-formed. */
static bool parse_image(const uint8_t *s, uint32_t n, uint32_t max_img, struct himg *h)
{
	memset(h, 0, sizeof(*h));
	h->cnt_min = UINT32_MAX;
	if (n < 32 || hdr_basic(s, max_img, n) != 0) {
		return false;
	}
	h->hdr_size = fz_le16(s + 8);
	h->prot_size = fz_le16(s + 10);
	h->img_size = fz_le32(s + 12);
	h->flags = fz_le32(s + 16);
	h->major = s[20];
	h->minor = s[21];
	h->revision = fz_le16(s + 22);
	h->build = fz_le32(s + 24);
	uint32_t o = (uint32_t)h->hdr_size + h->img_size;

	h->prot_end = o + h->prot_size;
	if (h->prot_size != 0 && (fz_le16(s + o) != 0x6908 || fz_le16(s + o + 2) != h->prot_size)) {
		return false;
	}
	if ((uint64_t)h->prot_end + 4 > n || fz_le16(s + h->prot_end) != 0x6907) {
		return false;
	}
	uint64_t te = (uint64_t)h->prot_end + fz_le16(s + h->prot_end + 2);

	if (te > max_img) {
		return false;
	}
	h->tlv_end = (uint32_t)te;
	/* one walk over both areas, the 0x6907 info skipped where the
	 * protected area ends; an entry may run past tlv_end (NCS 2.x), not
	 * past what can be read */
	uint64_t lim = n < max_img ? n : max_img;
	uint64_t off = (uint64_t)o + 4u;

	while (off < h->tlv_end) {
		if (h->prot_size != 0 && off == h->prot_end) {
			off += 4u;
		}
		if (off + 4u > lim) {
			return false;
		}
		uint16_t type = fz_le16(s + off);
		uint16_t len = fz_le16(s + off + 2);

		off += 4u;
		if (off + len > lim) {
			/* NCS 2.x iterator: the last entry may run past what the
			 * slot holds of the file; refused only when the walk must
			 * read its value (a hash, a security counter), and its
			 * bytes are then not written */
			if (type == 0x10 || type == 0x50) {
				return false;
			}
			off = h->tlv_end; /* not written past the TLV area */
			break;
		}
		bool prot = off < h->prot_end;

		if (!prot && !allowed_unprotected(type)) {
			h->disallowed = true;
		}
		if (type == 0x10) {
			if (len != 32) {
				h->sha_bad_len = true;
			} else if (h->sha_count < 8) {
				h->sha_off[h->sha_count] = (uint32_t)off;
			}
			h->sha_count++;
		}
		if (type == 0x50) {
			h->cnt_count++;
			if (len != 4) {
				h->cnt_bad = true;
			} else if (fz_le32(s + off) < h->cnt_min) {
				h->cnt_min = fz_le32(s + off);
			}
		}
		off += len;
	}
	h->walk_end = off > h->tlv_end ? (uint32_t)off : h->tlv_end;
	return true;
}

/* ECDSA (r, s) from a DER-ish signature: SEQUENCE, two INTEGERs (each
 * >= 32 bytes keeps its last 32, shorter ones left-padded); the integers
 * bounded by the sequence (seq) or by the TLV (lenient). */
static bool ecdsa_rs(const uint8_t *p, size_t n, bool seq, uint8_t r[32], uint8_t s[32])
{
	size_t i = 0, end = n;

	for (int k = -1; k < 2; k++) {
		uint8_t tag = k < 0 ? 0x30 : 0x02;

		if (i + 2 > end || p[i] != tag) {
			return false;
		}
		size_t l = p[i + 1];

		i += 2;
		if (l & 0x80u) {
			size_t w = l & 0x7fu;

			if (w == 0 || w > 4 || i + w > end) {
				return false;
			}
			l = 0;
			for (size_t j = 0; j < w; j++) {
				l = (l << 8) | p[i++];
			}
		}
		if (l > end - i) {
			return false;
		}
		if (k < 0) {
			if (seq) {
				end = i + l;
			}
			continue;
		}
		uint8_t *o = k == 0 ? r : s;

		if (l >= 32) {
			memcpy(o, p + i + l - 32, 32);
		} else {
			memset(o, 0, 32 - l);
			memcpy(o + 32 - l, p + i, l);
		}
		i += l;
	}
	return true;
}

static bool ecdsa_ok(const uint8_t *sig, size_t len, const uint8_t digest[32])
{
	if (mbedtls_pk_verify(&key_pk, MBEDTLS_MD_SHA256, digest, 32, sig, len) == 0) {
		return true;
	}
	for (int seq = 0; seq < 2; seq++) {
		uint8_t rb[32], sb[32];
		mbedtls_mpi r, s;
		bool ok = false;

		if (!ecdsa_rs(sig, len, seq != 0, rb, sb)) {
			continue;
		}
		mbedtls_mpi_init(&r);
		mbedtls_mpi_init(&s);
		if (mbedtls_mpi_read_binary(&r, rb, 32) == 0 &&
		    mbedtls_mpi_read_binary(&s, sb, 32) == 0) {
			mbedtls_ecp_keypair *kp = mbedtls_pk_ec(key_pk);

			ok = mbedtls_ecdsa_verify(&kp->grp, digest, 32, &kp->Q, &r, &s) == 0;
		}
		mbedtls_mpi_free(&r);
		mbedtls_mpi_free(&s);
		if (ok) {
			return true;
		}
	}
	return false;
}

/* An ECDSA signature TLV (0x22) among the walked entries that verifies
 * with the trusted key over digest (strict DER or the lenient reading). */
static bool signed_by_key(const uint8_t *s, const struct himg *h, const uint8_t digest[32])
{
	uint64_t off = (uint64_t)h->hdr_size + h->img_size + 4u;

	while (off < h->tlv_end) {
		if (h->prot_size != 0 && off == h->prot_end) {
			off += 4u;
		}
		uint16_t type = fz_le16(s + off);
		uint16_t len = fz_le16(s + off + 2);

		off += 4u;
		if (type == 0x22 && off >= h->prot_end && ecdsa_ok(s + off, len, digest)) {
			return true;
		}
		off += len;
	}
	return false;
}

/* ---- the device ---- */

/* An error the header check can give (dfu_target_mcuboot.h). */
static bool header_error(int err)
{
	return err == -EBADMSG || err == -EFBIG || err == -ENOTSUP || err == -ESTALE;
}

static bool complete(void)
{
	return m.stream.status == DFU_STREAM_COMPLETE;
}

struct run {
	uint8_t f0, f1;
	const struct sim_geometry *geo;
	uint32_t eb;
	uint32_t sec_off, sec_size; /* secondary slot */
	struct dfu_mcuboot_layout lay;
	uint8_t *snap; /* flash before the download */
	const uint8_t *img;
	uint32_t len;
	uint32_t file_size;
};

static int ctx_build(const struct run *r, uint32_t buf_len, uint8_t flags, uint16_t ckpt,
		     uint32_t min_sec)
{
	memset(&m, 0, sizeof(m));
	m.cfg.board = &board;
	m.cfg.buf = buf;
	m.cfg.buf_len = buf_len;
	m.cfg.flags = flags;
	m.cfg.checkpoint_blocks = ckpt;
	m.cfg.min_security_counter = min_sec;
	if (r->f0 & 0x01) {
		key = (struct dfu_mcuboot_key){.der = fuzz_key_der,
					       .der_len = sizeof(fuzz_key_der)};
		m.cfg.keys = &key;
		m.cfg.key_count = 1;
	}
	entry = (struct dfu_target_entry){&dfu_target_mcuboot_ops, &m};
	port = (struct dfu_port){.kv = &kv.dev, .clock = &clk.dev};
	if (r->f0 & 0x03) {
		port.crypto = &crypto;
	}
	cfg = (struct dfu_config){.port = &port, .targets = &entry, .target_count = 1};

	/* With a key, setup checks it against the crypto port: the staging
	 * buffer must hold an ECDSA signature (72 bytes), else -ENOBUFS. */
	int err = dfu_ctx_setup(&ctx, &cfg);

	FZ_ERRNO(err, "dfu_ctx_setup");
	FZ_CHECK(err == (m.cfg.key_count > 0 && buf_len < 72 ? -ENOBUFS : 0),
		 "dfu_ctx_setup = %s (key %d, buf_len %u)", dfu_errno_name(err), m.cfg.key_count,
		 buf_len);
	return err;
}

/* Stand-in callbacks while the slot size is chosen (the layout check
 * wants them set and never calls them). */
static int no_read(void *c, uint32_t o, void *d, size_t n)
{
	return (void)c, (void)o, (void)d, (void)n, -EIO;
}

static int no_program(void *c, uint32_t o, const void *d, size_t n)
{
	return (void)c, (void)o, (void)d, (void)n, -EIO;
}

static int no_erase(void *c, uint32_t o, size_t n)
{
	return (void)c, (void)o, (void)n, -EIO;
}

/* Layout of the secondary for slot size s (dfu_mcuboot_layout's result). */
static int try_layout(struct run *r, uint32_t s, uint8_t mode, uint8_t align)
{
	uint32_t eb = r->eb;
	uint32_t p0 = mode == DFU_MCUBOOT_SWAP_MOVE ? s + eb : s;
	uint32_t s1 = mode == DFU_MCUBOOT_SWAP_OFFSET ? s + eb : s;
	static struct dfu_flash fake;

	fake = (struct dfu_flash){.read = no_read,
				  .program = no_program,
				  .erase = no_erase,
				  .size = p0 + s1 + eb,
				  .write_block = r->geo->write_block,
				  .erase_block = eb,
				  .erase_value = r->geo->erase_value};
	pair = (struct dfu_mcuboot_pair){.primary = {&fake, 0, p0},
					 .secondary = {&fake, p0, s1},
					 .mode = mode,
					 .max_align = align};
	int err = dfu_mcuboot_layout(&pair, 1, &r->lay);

	r->sec_off = p0;
	r->sec_size = s1;
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t aligns[4] = {8, 16, 32, 8};
	struct run r;

	if (size < CFG_LEN || size - CFG_LEN > 0x40000) {
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.f0 = data[0];
	r.f1 = data[1];
	r.geo = geos[r.f1 & 3];
	r.eb = r.geo->erase_block;
	r.img = data + CFG_LEN;
	r.len = (uint32_t)(size - CFG_LEN);
	r.file_size = (r.f0 & 0x04) ? 0 : r.len;

	uint8_t mode = (uint8_t)((r.f1 >> 2) & 3);
	uint8_t align = aligns[(r.f1 >> 4) & 3];
	uint32_t buf_len = 64u << (data[2] % 7);
	uint32_t chunk_seed = (uint32_t)data[3] | ((uint32_t)data[4] << 8);
	uint8_t flags = 0;
	uint32_t min_sec = (data[7] & 0x80) ? data[6] : 0;

	flags |= (r.f0 & 0x10) ? DFU_MCUBOOT_NO_READBACK : 0;
	flags |= (r.f0 & 0x20) ? DFU_MCUBOOT_ALLOW_UNVERIFIED : 0;
	flags |= (r.f0 & 0x40) ? DFU_MCUBOOT_DENY_DOWNGRADE : 0;
	flags |= (r.f1 & 0x40) ? DFU_MCUBOOT_VERIFY_WRITES : 0;

	/* Slot size: the file exactly (padded), rounded up (tight), or grown
	 * until the file fits. */
	uint32_t s = (r.len + r.eb - 1) / r.eb * r.eb;
	bool padded = (r.f0 & 0x80) && r.len % r.eb == 0 && r.len >= 2 * r.eb;
	int lerr;

	if (s < 2 * r.eb) {
		s = 2 * r.eb;
	}
	if (padded || (r.f1 & 0x80)) {
		lerr = try_layout(&r, s, mode, align);
	} else {
		s += r.eb;
		for (int i = 0; i < 64; i++, s += r.eb) {
			lerr = try_layout(&r, s, mode, align);
			if (lerr == 0 && r.lay.max_image_size >= r.len) {
				break;
			}
		}
	}
	if (lerr != 0) {
		return 0; /* no usable pair of that shape */
	}
	uint32_t dev_size = r.sec_off + r.sec_size + r.eb;

	sim_power_init(&power);
	FZ_CHECK(sim_flash_init(&flash, r.geo, dev_size, &power) == 0, "sim_flash_init");
	pair.primary.flash = &flash.dev;
	pair.secondary.flash = &flash.dev;
	board = (struct dfu_mcuboot_board){&pair, 1};
	fz_fill(flash.mem, dev_size, 0x5eedu);
	if (flags & DFU_MCUBOOT_DENY_DOWNGRADE) {
		/* a running image header: version data[5].data[6].0+0 */
		uint8_t *h = flash.mem;

		memset(h, 0, 32);
		h[0] = 0x3d, h[1] = 0xb8, h[2] = 0xf3, h[3] = 0x96;
		h[8] = 0x00, h[9] = 0x02;   /* hdr_size 0x200 */
		h[12] = 0x00, h[13] = 0x10; /* img_size 0x1000 */
		h[20] = data[5];
		h[21] = data[6];
	}
	sim_kv_init(&kv, &power);
	sim_clock_init(&clk);
	dfu_crypto_mbedtls_init(&mbed, &crypto, (r.f0 & 0x02) != 0);
	r.snap = malloc(dev_size);
	FZ_CHECK(r.snap != NULL, "out of memory");
	memcpy(r.snap, flash.mem, dev_size);
	if (ctx_build(&r, buf_len, flags, data[7] & 3, min_sec) != 0) {
		goto out;
	}

	const uint8_t *sec = flash.mem + r.sec_off;
	const uint8_t *slot_img = sec + r.lay.image_offset;
	uint32_t room = r.sec_size - r.lay.image_offset;
	size_t first = r.len < 64 ? r.len : 64;
	bool allow_enc = (flags & DFU_MCUBOOT_ALLOW_UNVERIFIED) != 0;
	int hv = r.len >= 32 ? hdr_basic(r.img, r.lay.max_image_size, r.file_size) : 0;
	int t = dfu_ctx_img_type(&ctx, r.img, first);

	FZ_CHECK(t == (r.len >= 32 && r.img[0] == 0x3d && r.img[1] == 0xb8 && r.img[2] == 0xf3 &&
				       r.img[3] == 0x96
			       ? DFU_TARGET_IMAGE_TYPE_MCUBOOT
			       : DFU_TARGET_IMAGE_TYPE_NONE),
		 "img_type = %d", t);

	struct dfu_init_params ip = {
		.img_type = DFU_TARGET_IMAGE_TYPE_MCUBOOT, .img_num = 0, .file_size = r.file_size};

	if (r.f0 & 0x08) {
		ip.first = r.img;
		ip.first_len = first;
	}
	int err = fz_init(&ctx, &ip, complete);

	FZ_ERRNO(err, "init");
	if (r.file_size > r.lay.max_image_size && r.file_size != room) {
		FZ_CHECK(err == -EFBIG, "file_size %u > max image %u: init gave %s", r.file_size,
			 r.lay.max_image_size, dfu_errno_name(err));
	} else if ((r.f0 & 0x08) && r.len >= 32) {
		/* the early header verdict: the rules above must refuse; flags
		 * (encryption, compression) may refuse too */
		FZ_CHECK(hv == 0 ? err == 0 || header_error(err) : header_error(err),
			 "header (%s by the basic rules): init gave %s", dfu_errno_name(hv),
			 dfu_errno_name(err));
	} else {
		FZ_CHECK(err == 0, "init failed: %s", dfu_errno_name(err));
	}
	if (err != 0) {
		FZ_CHECK(memcmp(flash.mem, r.snap, dev_size) == 0, "a failed init changed flash");
		FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_IDLE, "state after failed init");
		goto out;
	}
	size_t off = 1;

	FZ_CHECK(dfu_ctx_offset_get(&ctx, &off) == 0 && off == 0, "fresh offset %zu", off);

	/* Stream the file. */
	uint32_t pos = 0;
	uint32_t rs = chunk_seed;
	int werr = 0;
	int d = -ENODATA;

	while (pos < r.len) {
		size_t k = fz_chunk(&rs);

		if (k > r.len - pos) {
			k = r.len - pos;
		}
		werr = dfu_ctx_write(&ctx, r.img + pos, k);
		FZ_ERRNO(werr, "write");
		if (werr != 0) {
			/* chunks never pass the declared size: no dispatcher -EFBIG,
			 * every error is the target's and fails the session */
			FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_FAILED,
				 "write error %s: state %d", dfu_errno_name(werr),
				 dfu_ctx_state(&ctx));
			if (hv != 0 && pos < 32) {
				/* the header's verdict, or -EFBIG for a chunk past the
				 * area (unknown file size) before the header is read */
				FZ_CHECK((pos + k >= 32 && header_error(werr)) ||
						 (werr == -EFBIG && r.file_size == 0),
					 "malformed header (%s): write at %u+%zu gave %s",
					 dfu_errno_name(hv), pos, k, dfu_errno_name(werr));
				FZ_CHECK(memcmp(flash.mem, r.snap, dev_size) == 0,
					 "malformed header reached flash");
			}
			break;
		}
		FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_WRITING, "state after write");
		pos += (uint32_t)k;
		if (hv != 0 && pos >= 32) {
			FZ_CHECK(0, "malformed header (%s) accepted by the write at %u",
				 dfu_errno_name(hv), pos);
		}
	}
	size_t diff =
		fz_diff_outside(flash.mem, r.snap, dev_size, r.sec_off, r.sec_off + r.sec_size);

	FZ_CHECK(diff == SIZE_MAX, "write changed flash outside the secondary at 0x%zx", diff);
	if (werr != 0) {
		goto done;
	}

	int st0 = dfu_ctx_state(&ctx);

	d = dfu_ctx_done(&ctx, true);

	FZ_ERRNO(d, "done(true)");
	diff = fz_diff_outside(flash.mem, r.snap, dev_size, r.sec_off, r.sec_off + r.sec_size);
	FZ_CHECK(diff == SIZE_MAX, "done changed flash outside the secondary at 0x%zx", diff);
	if (d != 0) {
		FZ_CHECK(dfu_ctx_state(&ctx) == (d == -ENODATA ? st0 : DFU_STATE_FAILED),
			 "state %d after done = %s", dfu_ctx_state(&ctx), dfu_errno_name(d));
		if (d != -ENODATA) {
			/* discarded: nothing can be requested */
			int s2 = dfu_mcuboot_schedule(&m, 0, false);

			FZ_CHECK(s2 != 0, "done(true) = %s, yet dfu_mcuboot_schedule = 0",
				 dfu_errno_name(d));
			FZ_ERRNO(s2, "dfu_mcuboot_schedule");
		}
		goto done;
	}

	/* ---- accepted: the slot must hold a well-formed, hashed image ---- */
	struct himg h;

	FZ_CHECK(dfu_ctx_state(&ctx) == DFU_STATE_DONE, "state after done");
	/* what the slot holds of the file: nothing past it is written */
	FZ_CHECK(parse_image(slot_img, r.len < room ? r.len : room, r.lay.max_image_size, &h),
		 "accepted image is not well-formed");
	FZ_CHECK(h.walk_end <= r.len, "the TLVs end at %u, past the file (%u)", h.walk_end, r.len);
	FZ_CHECK(memcmp(slot_img, r.img, h.tlv_end) == 0,
		 "slot does not hold the file's first %u bytes", h.tlv_end);
	/* an NCS 2.x last entry running past tlv_end: written when it ends
	 * within the file (and its size is known), else not (never read):
	 * each byte is the file's, erased, or what the slot held before */
	const uint8_t *before = r.snap + (slot_img - flash.mem);

	for (uint32_t q = h.tlv_end; q < h.walk_end; q++) {
		FZ_CHECK(slot_img[q] == r.img[q] || slot_img[q] == r.geo->erase_value ||
				 slot_img[q] == before[q],
			 "byte %u past the TLV area is not the file's, erased or as before", q);
	}
	FZ_CHECK(h.sha_count > 0 && !h.sha_bad_len,
		 "accepted image: %u SHA-256 TLVs, bad length %d", h.sha_count, h.sha_bad_len);
	FZ_CHECK(!h.disallowed, "accepted image has an unprotected TLV outside the allow list");
	bool enc = (h.flags & (F_ENC128 | F_ENC256)) != 0;

	FZ_CHECK(!enc || allow_enc, "encrypted image accepted without ALLOW_UNVERIFIED");
	uint8_t digest[32];

	FZ_CHECK(mbedtls_sha256_ret(slot_img, h.prot_end, digest, 0) == 0, "sha");
	if (!enc) {
		for (unsigned i = 0; i < h.sha_count && i < 8; i++) {
			FZ_CHECK(memcmp(digest, slot_img + h.sha_off[i], 32) == 0,
				 "accepted image: SHA-256 of the slot (header + payload + "
				 "protected TLVs) != its SHA-256 TLV #%u",
				 i);
		}
		if (m.cfg.key_count > 0) {
			FZ_CHECK(signed_by_key(slot_img, &h, digest),
				 "accepted with a key: no signature by that key");
		}
	}
	if (min_sec != 0) {
		FZ_CHECK(h.cnt_count > 0 && !h.cnt_bad && h.cnt_min >= min_sec,
			 "security counter accepted: %u TLVs, smallest %u, minimum %u", h.cnt_count,
			 h.cnt_min, min_sec);
	}
	if (flags & DFU_MCUBOOT_DENY_DOWNGRADE) {
		/* MCUboot's rule: equal passes, build number not compared */
		uint64_t vn = ((uint64_t)h.major << 24) | ((uint64_t)h.minor << 16) | h.revision;
		uint64_t vr = ((uint64_t)data[5] << 24) | ((uint64_t)data[6] << 16);

		FZ_CHECK(vn >= vr, "downgrade accepted");
	}
	const struct dfu_mcuboot_info *info = dfu_mcuboot_report(&m);

	FZ_CHECK(info->tlv_end == h.tlv_end &&
			 memcmp(info->digest, slot_img + h.sha_off[0], 32) == 0,
		 "report: tlv_end %u, want %u / digest differs", info->tlv_end, h.tlv_end);
	/* nothing written past the TLVs (a padded file's tail is not), and no
	 * stale trailer */
	uint32_t eb_end = (r.lay.image_offset + h.walk_end + r.eb - 1) / r.eb * r.eb;

	FZ_CHECK(fz_all(sec + r.lay.image_offset + h.walk_end,
			eb_end - r.lay.image_offset - h.walk_end, r.geo->erase_value),
		 "slot bytes after the TLVs are not erased");
	FZ_CHECK(fz_all(sec + r.lay.trailer_erase, r.sec_size - r.lay.trailer_erase,
			r.geo->erase_value),
		 "secondary trailer not erased after a new download");
	FZ_CHECK(flash.cnt.violations.total == 0, "flash contract violation: %s",
		 flash.last_violation);
	off = 0;
	FZ_CHECK(dfu_ctx_offset_get(&ctx, &off) == 0 && (r.file_size == 0 || off == r.file_size),
		 "offset after done: %zu, file %u", off, r.file_size);

	/* schedule: a test request, or -ENOEXEC */
	int s1 = dfu_ctx_schedule_update(&ctx, 0);

	FZ_ERRNO(s1, "schedule_update");
	if (h.flags & F_NON_BOOTABLE) {
		FZ_CHECK(s1 == -ENOEXEC, "non-bootable image: schedule gave %s",
			 dfu_errno_name(s1));
	} else {
		struct dfu_mcuboot_trailer tr;

		FZ_CHECK(s1 == 0, "verified image: schedule gave %s", dfu_errno_name(s1));
		FZ_CHECK(dfu_mcuboot_trailer_read(&pair, 1, &tr) == 0 &&
				 tr.magic == DFU_MCUBOOT_GOOD && tr.image_ok == DFU_MCUBOOT_UNSET,
			 "no test request after schedule");
	}
	diff = fz_diff_outside(flash.mem, r.snap, dev_size, r.sec_off, r.sec_off + r.sec_size);
	FZ_CHECK(diff == SIZE_MAX, "schedule changed flash outside the secondary at 0x%zx", diff);

	/* reboot: the same file with its digest is found complete; without
	 * a digest it is a new download (dfu_init_params.expected_digest) */
	if (r.file_size != 0) {
		struct dfu_init_params ipd = ip;

		ipd.expected_digest = slot_img + h.sha_off[0];
		sim_power_reboot(&power);
		FZ_CHECK(ctx_build(&r, buf_len, flags, data[7] & 3, min_sec) == 0, "setup");
		(void)dfu_ctx_img_type(&ctx, r.img, first);
		err = fz_init(&ctx, &ipd, complete);
		FZ_CHECK(err == 0 && dfu_ctx_state(&ctx) == DFU_STATE_DONE,
			 "after a reboot, with its digest: init = %s, state %d (want DONE)",
			 dfu_errno_name(err), dfu_ctx_state(&ctx));
		sim_power_reboot(&power);
		FZ_CHECK(ctx_build(&r, buf_len, flags, data[7] & 3, min_sec) == 0, "setup");
		(void)dfu_ctx_img_type(&ctx, r.img, first);
		err = fz_init(&ctx, &ip, complete);
		off = 1;
		FZ_CHECK(err == 0 && dfu_ctx_state(&ctx) == DFU_STATE_READY &&
				 dfu_ctx_offset_get(&ctx, &off) == 0 && off == 0,
			 "after a reboot, no digest: init = %s, state %d, offset %zu (want a new "
			 "download)",
			 dfu_errno_name(err), dfu_ctx_state(&ctx), off);
	}
done:
	if (fz_verbose()) {
		fprintf(stderr, "mcuboot: len %u file_size %u: write %s at %u, done %s\n", r.len,
			r.file_size, dfu_errno_name(werr), pos, dfu_errno_name(d));
	}
	FZ_CHECK(flash.cnt.violations.total == 0, "flash contract violation: %s",
		 flash.last_violation);
	diff = fz_diff_outside(flash.mem, r.snap, dev_size, r.sec_off, r.sec_off + r.sec_size);
	FZ_CHECK(diff == SIZE_MAX, "flash changed outside the secondary at 0x%zx", diff);
out:
	dfu_crypto_mbedtls_free(&mbed);
	sim_flash_free(&flash);
	free(r.snap);
	return 0;
}
