/*
 * MCUboot target: schedule (see include/dfu/dfu_target_mcuboot.h): the
 * checks before a request (revert guard, swap-offset sector 0, verified
 * image, downgrade, NON_BOOTABLE, dependencies), the request itself and the
 * "requested" mark of the verified record; schedule(-1)'s choice of pairs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "dfu/dfu_config.h"
#include "dfu_util.h"
#include "mcuboot_image.h"
#include "mcuboot_internal.h"

int mcuboot_sector0_check(const struct dfu_mcuboot_pair *pair)
{
	static const uint8_t magic[4] = {0x3d, 0xb8, 0xf3, 0x96}; /* IMAGE_MAGIC, LE */
	const struct dfu_flash *f = pair->secondary.flash;
	uint8_t b[4];

	if (pair->mode != DFU_MCUBOOT_SWAP_OFFSET) {
		return 0;
	}
	int err = f->read(f->ctx, pair->secondary.offset, b, sizeof(b));

	if (err) {
		return err;
	}
	return memcmp(b, magic, sizeof(b)) == 0 ? -ENOTEMPTY : 0;
}

/*
 * After a request for pair img was written: mark its verified record
 * "requested" (when it describes the image in the slot). Written after the
 * request, so a power cut between the two leaves an unmarked record, as
 * before; a marked record always had its request written.
 */
static int mark_requested(struct dfu_mcuboot *m, uint8_t img)
{
	const struct dfu_kv *kv = mcuboot_kv(m);
	struct dfu_mcuboot_info info;
	uint8_t r[VREC_SIZE];
	bool stale = false;
	char key[DFU_MCUBOOT_KEY_LEN];

	if (kv == NULL) {
		return 0;
	}
	int err = mcuboot_secondary_check(m, img, false, &info, &stale);

	if (err || stale || info.hash == DFU_MCUBOOT_CHECK_NONE) {
		return err; /* no record of this image: nothing to mark */
	}
	int v = mcuboot_vrec_read(m, img, r);

	if (v != VREC_VERSION) {
		return v < 0 ? v : 0; /* marked already, or gone */
	}
	r[0] = VREC_REQUESTED;
	dfu_put_le32(&r[44], dfu_crc32(0, r, 44));
	mcuboot_vkey(key, img);
	return kv->write(kv->ctx, key, r, sizeof(r));
}

/* Request pair img and mark its record. */
static int request(struct dfu_mcuboot *m, uint8_t img, uint8_t image_number, bool permanent)
{
	int err = dfu_mcuboot_trailer_request(&m->cfg.board->pairs[img], image_number, permanent);

	return err ? err : mark_requested(m, img);
}

/* Dependencies (2.10) once the pairs in ask are requested too, with those
 * MCUboot will already upgrade: 0 or -ENOLINK (or a flash error). */
static int deps_with(struct dfu_mcuboot *m, uint32_t ask)
{
	uint32_t install;
	int err = mcuboot_installing(m, &install);

	return err ? err : mcuboot_deps_check(m, install | ask);
}

static int schedule_one(struct dfu_mcuboot *m, uint8_t img, bool permanent, bool write)
{
	const struct dfu_mcuboot_pair *pair = &m->cfg.board->pairs[img];
	struct dfu_mcuboot_pair_profile prof;
	struct dfu_mcuboot_info info;
	int err = mcuboot_prof(m, img, &prof);

	if (err == 0) {
		err = mcuboot_revert_guard(m, pair);
	}
	if (err == 0) {
		err = mcuboot_sector0_check(pair);
	}
	if (err == 0) {
		err = mcuboot_secondary_check(m, img, m->stream.status != DFU_STREAM_OPEN, &info,
					      NULL);
	}
	if (err == 0) {
		err = mcuboot_verdict(&info, m->cfg.key_count,
				      (m->cfg.flags & DFU_MCUBOOT_ALLOW_UNVERIFIED) != 0);
	}
	if (err == 0) {
		err = mcuboot_downgrade(m, img, &info); /* against today's primary */
	}
	if (err == 0 && (info.flags & MCUBOOT_F_NON_BOOTABLE)) {
		err = -ENOEXEC;
	}
	if (err == 0 && write) {
		err = deps_with(m, 1u << img);
	}
	if (err == 0 && write) {
		err = request(m, img, prof.image_number, permanent);
	}
	return err;
}

/* Store and crypto for calls made without an init in this boot. */
void mcuboot_bind_cfg(struct dfu_mcuboot *m)
{
	if (m->scfg.kv == NULL) {
		m->scfg.kv = m->cfg.kv;
	}
	if (m->crypto == NULL) {
		m->crypto = m->cfg.crypto;
	}
}

/*
 * schedule(-1) requests only the pairs whose download completed and verified
 * through this library and was neither installed nor reset since: those
 * whose verified record ("mcuboot/vNN", written by done(true), removed by
 * the next download's first byte and by reset) matches the image in the
 * secondary (header sizes, base and SHA-256 TLV). A swap leaves the old
 * primary image there (another digest, or no header at the image start in
 * offset mode); overwrite-only erases it. A record marked "requested"
 * whose slot no longer carries a request was consumed (a reverted test swap
 * leaves the same image there). Without a store, only the download
 * completed in this boot counts. 1 = yes, 0 = no, or an error.
 */
static int completed_here(struct dfu_mcuboot *m, uint8_t img)
{
	struct dfu_mcuboot_info info;
	bool stale = false;

	if (mcuboot_kv(m) == NULL) {
		return img == m->pair && m->stream.status == DFU_STREAM_COMPLETE;
	}
	int err = mcuboot_secondary_check(m, img, false, &info, &stale);

	if (err == -ENOENT || err == -EBADMSG || err == -EFBIG) {
		return 0; /* no image (or no header) at the image start */
	}
	if (err || stale || info.hash != DFU_MCUBOOT_CHECK_OK) {
		return err;
	}
	/* Requested before and the request gone: MCUboot acted on it (a test
	 * swap it reverted brings the same image back) or reset() cancelled
	 * it. Only an explicit schedule_update(img) asks again. */
	uint8_t r[VREC_SIZE];
	struct dfu_mcuboot_trailer t;

	err = mcuboot_vrec_read(m, img, r);
	if (err != VREC_REQUESTED) {
		return err < 0 ? err : 1;
	}
	err = dfu_mcuboot_trailer_read(&m->cfg.board->pairs[img], 1, &t);
	return err ? err : t.magic == DFU_MCUBOOT_GOOD;
}

int dfu_mcuboot_schedule(struct dfu_mcuboot *m, int img_num, bool permanent)
{
	if (m == NULL || m->cfg.board == NULL || m->cfg.buf == NULL) {
		return -EINVAL;
	}
	mcuboot_bind_cfg(m);
	if (img_num != -1) {
		return mcuboot_pair_of(m, img_num)
			       ? schedule_one(m, (uint8_t)img_num, permanent, true)
			       : -ENOENT;
	}
	uint8_t n = m->cfg.board->pair_count;
	uint32_t present = 0;

	for (uint8_t i = 0; i < n && i < 32; i++) {
		int err = completed_here(m, i);

		if (err == 0) {
			continue; /* empty, a leftover, installed or reset */
		}
		if (err > 0) {
			err = schedule_one(m, i, permanent, false);
		}
		if (err) {
			return err;
		}
		present |= 1u << i;
	}
	if (present == 0) {
		return -ENOENT;
	}
	int derr = deps_with(m, present);

	if (derr) {
		return derr;
	}
	for (uint8_t i = 0; i < n && i < 32; i++) {
		if (present & (1u << i)) {
			struct dfu_mcuboot_pair_profile prof;
			int err = mcuboot_prof(m, i, &prof);

			if (err == 0) {
				err = request(m, i, prof.image_number, permanent);
			}
			if (err) {
				return err;
			}
		}
	}
	return 0;
}
