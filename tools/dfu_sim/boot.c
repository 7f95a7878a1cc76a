/*
 * dfu-sim reset: the device reboots. The simulated bootloader brings each
 * MCUboot pair to the END STATE MCUboot leaves after the swap type the
 * trailers ask for (not its sector-by-sector algorithm, which this project
 * does not need to reproduce):
 *
 *   test swap    images exchanged; primary trailer magic + copy_done set,
 *                image_ok unset (so the next reset reverts unless the image
 *                confirms itself); secondary trailer erased.
 *   permanent    the same with image_ok set.
 *   revert       images exchanged back; primary trailer with image_ok set.
 *   overwrite /  the secondary image is copied over the primary (the
 *   copy         network core of an nRF5340 receives it through PCD), the
 *                secondary is erased; no revert is possible.
 *   refused      a request for an image that fails its checks: the
 *                secondary is erased (the whole slot; only its trailer
 *                sectors when it holds no image or a NON_BOOTABLE one),
 *                the primary boots unchanged.
 *   empty        swap-move / swap-offset with an empty primary (without
 *   primary      bootstrap) or one whose magic is not MCUboot's: nothing is
 *                installed or erased.
 *   dependency   a dependency of the images to install is unmet: nothing
 *                is installed or erased, the requests stay.
 *   bootstrap    an empty primary, or one failing validation, and a valid
 *                secondary: copied in, even without a request.
 * What happens is decided in bootview.c (dsim_pair_view()).
 *
 * The modem applies a scheduled delta patch at its boot (sim_modem_boot).
 * Before that, a verified full modem file in the partition that the modem
 * does not run yet (its running UUID is not the one the simulated modem
 * gives that file's blob_hash, sim_modem_uuid_of(), or the modem does not
 * boot) is installed as the application would after a full-modem apply:
 * shutdown, bootloader mode, dfu_full_modem_install(), shutdown, then the
 * normal boot below runs the new firmware.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dfu/dfu_errname.h"
#include "dfu/fmfu_fdev.h"
#include "dfu_util.h"
#include "dsim.h"

/* hdr_size + img_size + prot_size of the header at b (32 bytes). */
static uint64_t mcuboot_hashed_end(const uint8_t *b)
{
	return (uint64_t)(b[8] | (b[9] << 8)) + dfu_get_le32(&b[12]) +
	       (uint64_t)(b[10] | (b[11] << 8));
}

static int erase(const struct dfu_mcuboot_slot *s, uint32_t off, uint32_t len)
{
	return s->flash->erase(s->flash->ctx, s->offset + off, len);
}

static int read_slot(const struct dfu_mcuboot_slot *s, uint8_t *buf, uint32_t len)
{
	return s->flash->read(s->flash->ctx, s->offset, buf, len);
}

/* Swap-offset's image start in the secondary (sector 1), else 0. */
static uint32_t image_offset(const struct dfu_mcuboot_pair *pair)
{
	struct dfu_mcuboot_layout l;

	return dfu_mcuboot_layout(pair, 1, &l) == 0 ? l.image_offset : 0;
}

/* Program buf[0, len) (len a multiple of the write block) at off in the
 * slot, which was erased; trailing erased bytes are left out. */
static int program_at(const struct dfu_mcuboot_slot *s, uint32_t off, const uint8_t *buf,
		      uint32_t len)
{
	uint32_t wb = s->flash->write_block;
	uint32_t n = len;

	while (n > 0 && buf[n - 1] == s->flash->erase_value) {
		n--;
	}
	n = (n + wb - 1) / wb * wb;
	return n ? s->flash->program(s->flash->ctx, s->offset + off, buf, n) : 0;
}

static int program_slot(const struct dfu_mcuboot_slot *s, const uint8_t *buf, uint32_t len)
{
	return program_at(s, 0, buf, len);
}

/* Bytes of either slot below its trailer erase blocks: the image area. */
static int image_span(const struct dfu_mcuboot_pair *pair, uint32_t *n)
{
	struct dfu_mcuboot_layout lp, ls;
	int err = dfu_mcuboot_layout(pair, 0, &lp);

	if (err == 0) {
		err = dfu_mcuboot_layout(pair, 1, &ls);
	}
	*n = err ? 0 : lp.trailer_erase < ls.trailer_erase ? lp.trailer_erase : ls.trailer_erase;
	return err;
}

/* Write the primary trailer of a swapped pair: magic, image_ok (set when
 * permanent), swap_info, then copy_done. Uses the library's request writer
 * on a mirrored pair whose "secondary" is the primary slot. */
static int primary_trailer(const struct dfu_mcuboot_pair *pair, int img, bool permanent)
{
	struct dfu_mcuboot_pair mirror = *pair;
	struct dfu_mcuboot_layout l;
	int err;

	mirror.primary = pair->secondary;
	mirror.secondary = pair->primary;
	mirror.image_offset = 0;
	err = dfu_mcuboot_layout(&mirror, 1, &l);
	if (err == 0) {
		err = dfu_mcuboot_trailer_erase(pair, 0);
	}
	if (err == 0) {
		err = dfu_mcuboot_trailer_request(&mirror, img, permanent);
	}
	if (err == 0) {
		uint8_t one[32];
		const struct dfu_flash *f = pair->primary.flash;

		memset(one, f->erase_value, sizeof(one));
		one[0] = 0x01;
		err = f->program(f->ctx, pair->primary.offset + l.copy_done, one,
				 l.field_write_len);
	}
	return err;
}

/* Exchange the image areas (everything below the trailer blocks). In
 * swap-offset the secondary's image is read at from and the primary's is
 * written at to: a swap takes the image from sector 1 and leaves the old
 * primary image at sector 0 (its header magic included, 3.3); a revert
 * goes the other way. */
static int exchange(const struct dfu_mcuboot_pair *pair, bool revert)
{
	uint32_t n;
	uint32_t off = image_offset(pair);
	uint32_t from = revert ? 0 : off, to = revert ? off : 0;
	int err = image_span(pair, &n);

	n = n > off ? n - off : 0;
	uint8_t *a = err ? NULL : malloc(n ? n : 1), *b = err ? NULL : malloc(n ? n : 1);

	if (err == 0 && (!a || !b)) {
		err = -ENOMEM;
	}
	if (err == 0 && (err = read_slot(&pair->primary, a, n)) == 0 &&
	    (err = pair->secondary.flash->read(pair->secondary.flash->ctx,
					       pair->secondary.offset + from, b, n)) == 0 &&
	    (err = erase(&pair->primary, 0, pair->primary.size)) == 0 &&
	    (err = erase(&pair->secondary, 0, pair->secondary.size)) == 0 &&
	    (err = program_slot(&pair->primary, b, n)) == 0) {
		err = program_at(&pair->secondary, to, a, n);
	}
	free(a);
	free(b);
	return err;
}

/* Copy the secondary's image area over the primary, then erase it. */
static int overwrite(const struct dfu_mcuboot_pair *pair)
{
	uint32_t n;
	int err = image_span(pair, &n);
	uint8_t *b = err ? NULL : malloc(n);

	if (err == 0 && !b) {
		err = -ENOMEM;
	}
	if (err == 0 && (err = read_slot(&pair->secondary, b, n)) == 0 &&
	    (err = erase(&pair->primary, 0, pair->primary.size)) == 0 &&
	    (err = program_slot(&pair->primary, b, n)) == 0) {
		err = erase(&pair->secondary, 0, pair->secondary.size);
	}
	free(b);
	return err;
}

int dsim_program_factory(struct dsim_device *d, const uint8_t *img, size_t len, char *why,
			 size_t why_len)
{
	struct dfu_mcuboot_layout l;
	struct dfu_mcuboot_info info;

	why[0] = '\0';
	if (d->board.pair_count == 0) {
		snprintf(why, why_len, "the board has no MCUboot image pair");
		return -ENOENT;
	}
	const struct dfu_mcuboot_slot *s = &d->pairs[0].primary;
	uint32_t wb = s->flash->write_block, span;
	int err = dfu_mcuboot_layout(&d->pairs[0], 0, &l);

	err = err ? err : image_span(&d->pairs[0], &span);
	if (err) {
		return err;
	}
	/* What MCUboot checks before it boots the primary: the image, its
	 * hash and, with keys, its signature; and it must fit the slot. */
	err = dsim_mcuboot_check_file(img, len, l.max_image_size, d->key_count ? d->keys : NULL,
				      (uint8_t)d->key_count, &d->crypto, &info);
	if (err) {
		uint32_t hashed = len >= 32 ? (uint32_t)mcuboot_hashed_end(img) : 0;

		if (!dsim_mcuboot_why(err, &info, len >= 32 ? img : NULL,
				      hashed && (uint64_t)hashed + 4 <= len ? img + hashed : NULL,
				      len, l.max_image_size, 0, d->key_count, why, why_len)) {
			snprintf(why, why_len, "MCUboot would not boot it");
		}
		return err;
	}
	/* A padded file (imgtool --pad): the image, without the padding. */
	size_t n = ((size_t)info.tlv_end + wb - 1) / wb * wb;

	if (n > span) {
		snprintf(why, why_len, "does not fit the primary slot's image area (%lu bytes)",
			 (unsigned long)span);
		return -EFBIG;
	}
	uint8_t *pad = malloc(n ? n : 1);

	if (!pad) {
		return -ENOMEM;
	}
	memset(pad, s->flash->erase_value, n);
	memcpy(pad, img, info.tlv_end);
	err = program_slot(s, pad, (uint32_t)n);
	free(pad);
	return err;
}

/* Erase the secondary's trailer sectors (MCUboot's "no bootable image"). */
static int scramble_trailer(const struct dfu_mcuboot_pair *pair)
{
	return dfu_mcuboot_trailer_erase(pair, 1);
}

/* Bootstrap (3.6): the secondary copied over the empty or invalid primary,
 * which then gets image_ok and copy_done; no request was needed, none
 * stays. */
static int bootstrap(const struct dfu_mcuboot_pair *pair, int img)
{
	uint32_t n;
	int err = image_span(pair, &n);
	uint8_t *b = err ? NULL : malloc(n);

	if (err == 0 && !b) {
		err = -ENOMEM;
	}
	if (err == 0 &&
	    (err = pair->secondary.flash->read(pair->secondary.flash->ctx,
					       pair->secondary.offset + image_offset(pair), b,
					       n)) == 0 &&
	    (err = erase(&pair->primary, 0, pair->primary.size)) == 0 &&
	    (err = program_slot(&pair->primary, b, n)) == 0 &&
	    (err = scramble_trailer(pair)) == 0) {
		err = primary_trailer(pair, img, true);
	}
	free(b);
	return err;
}

/* Carry out what the view of pair i (taken before any pair acted) says. */
static int boot_pair(struct dsim_device *d, unsigned i, const struct dsim_pair_view *v)
{
	const struct dfu_mcuboot_pair *pair = &d->pairs[i];
	bool copy = d->board.pair[i].install == DSIM_INSTALL_COPY ||
		    pair->mode == DFU_MCUBOOT_OVERWRITE;
	int err;

	switch (v->action) {
	case DSIM_ACT_INSTALL:
		if (copy) {
			return overwrite(pair);
		}
		err = exchange(pair, false);
		return err ? err
			   : primary_trailer(pair, (int)i, v->st.swap == DFU_MCUBOOT_SWAP_PERM);
	case DSIM_ACT_BOOTSTRAP:
		return bootstrap(pair, (int)i);
	case DSIM_ACT_REVERT:
		err = exchange(pair, true);
		return err ? err : primary_trailer(pair, (int)i, true);
	case DSIM_ACT_SCRAMBLE:
		return erase(&pair->secondary, 0, pair->secondary.size);
	case DSIM_ACT_SCRAMBLE_TRAILER:
		return scramble_trailer(pair);
	default: /* NONE, NO_HEADERS, DEPENDENCY: nothing is written */
		return 0;
	}
}

bool dsim_full_modem_pending(struct dsim_device *d)
{
	struct dfu_full_modem_info info;
	char uuid[DFU_MODEM_UUID_LEN];

	if (!d->board.has_full_modem || !d->board.has_modem ||
	    dfu_full_modem_stored(&d->full_modem, &info) != 0) {
		return false;
	}
	sim_modem_uuid_of(info.digest, uuid);
	return d->modem.nv.unbootable || memcmp(uuid, d->modem.nv.uuid, sizeof(uuid)) != 0;
}

/* Install the verified full modem file when the modem does not run it.
 * *done: whether an install ran. Returns its result. */
static int full_modem_install(struct dsim_device *d, bool *done)
{
	*done = dsim_full_modem_pending(d);
	if (!*done) {
		return 0;
	}
	sim_modem_reboot(&d->modem);
	return dfu_full_modem_install(&d->full_modem, &d->modem.bl, d->full_modem_buf,
				      sizeof(d->full_modem_buf), 0);
}

int dsim_reboot(struct dsim_device *d, bool json, FILE *f)
{
	int code = DSIM_EXIT_OK;

	if (json) {
		fprintf(f, "{\"reset\":[");
	} else {
		fprintf(f, "reset %s (board %s)\n", d->dir, d->board.name);
	}
	/* MCUboot decides for every image (dependencies included) before it
	 * upgrades any (sheet 0.1): every view first, then the actions. */
	static struct dsim_pair_view v[DSIM_MAX_PAIRS];
	int verr[DSIM_MAX_PAIRS];

	for (unsigned i = 0; i < d->board.pair_count; i++) {
		verr[i] = dsim_pair_view(d, i, &v[i]);
	}
	for (unsigned i = 0; i < d->board.pair_count; i++) {
		char what[512] = "";
		int err = verr[i];

		if (err == 0) {
			dsim_pair_outcome(d, i, &v[i], what, sizeof(what));
			err = boot_pair(d, i, &v[i]);
		}

		if (json) {
			fprintf(f, "%s{\"image\":%u,\"done\":", i ? "," : "", i);
			dsim_json_str(f, what);
			fprintf(f, ",\"error\":");
			dsim_json_str(f, err ? dfu_errno_name(err) : "");
			fprintf(f, "}");
		} else {
			fprintf(f, "  image %u \"%s\": %s%s%s\n", i, d->board.pair[i].name, what,
				err ? " -- FAILED: " : "", err ? dfu_errno_name(err) : "");
		}
		if (err) {
			code = DSIM_EXIT_DEVICE;
		}
	}
	if (json) {
		fprintf(f, "]");
	}
	bool installed;
	int ierr = full_modem_install(d, &installed);

	if (json && installed) {
		fprintf(f, ",\"modem_install\":{\"error\":");
		dsim_json_str(f, ierr ? dfu_errno_name(ierr) : "");
		fprintf(f, "}");
	} else if (installed) {
		fprintf(f, "  modem: full update installed from the partition%s%s\n",
			ierr ? " -- FAILED: " : "", ierr ? dfu_errno_name(ierr) : "");
	}
	if (ierr) {
		code = DSIM_EXIT_DEVICE;
	}
	if (d->board.has_modem) {
		uint32_t result = 0;
		bool pending = d->modem.nv.action != SIM_MODEM_ACTION_NONE;
		int err;

		sim_modem_reboot(&d->modem);
		err = sim_modem_boot(&d->modem, &result);
		if (json) {
			fprintf(f,
				",\"modem\":{\"applied\":%s,\"result\":\"0x%07" PRIx32
				"\",\"uuid\":",
				pending ? "true" : "false", result);
			dsim_json_str(f, d->modem.nv.uuid);
			fprintf(f, ",\"error\":");
			dsim_json_str(f, err ? dfu_errno_name(err) : "");
			fprintf(f, "}");
		} else if (pending) {
			fprintf(f,
				"  modem: update applied, result 0x%07" PRIx32
				"%s; firmware %.36s\n",
				result, result == DFU_MODEM_RESULT_OK ? " (OK)" : "",
				d->modem.nv.uuid);
		} else {
			fprintf(f, "  modem: boots firmware %.36s\n", d->modem.nv.uuid);
		}
		if (err) {
			code = DSIM_EXIT_DEVICE;
		}
	}
	if (json) {
		fprintf(f, "}\n");
	}
	return code;
}
