/*
 * dfu-sim status: every slot as the bootloader will see it (image present,
 * version, digest, trailer), what it will do on the next reset, the modem's
 * delta area and the full modem partition (and whether the next reset
 * installs the file there).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "dfu/dfu_errname.h"
#include "dfu_util.h"
#include "dsim.h"

static const char *mode_name(uint8_t m)
{
	static const char *const n[] = {"swap-move", "swap-scratch", "swap-offset", "overwrite"};

	return m < 4 ? n[m] : "?";
}

static const char *tstate(uint8_t s)
{
	return s == DFU_MCUBOOT_GOOD ? "set" : s == DFU_MCUBOOT_UNSET ? "unset" : "bad";
}

static const char *check_name(uint8_t c)
{
	static const char *const n[] = {"not checked",    "ok",          "BAD", "unsupported",
					"no trusted key", "unverifiable"};

	return c < 6 ? n[c] : "?";
}

static const char *swap_name(uint8_t s)
{
	switch (s) {
	case DFU_MCUBOOT_SWAP_TEST:
		return "test";
	case DFU_MCUBOOT_SWAP_PERM:
		return "permanent";
	case DFU_MCUBOOT_SWAP_REVERT:
		return "revert";
	default:
		return "none";
	}
}

static const char *version_str(const struct dfu_mcuboot_info *i, char *b, size_t n)
{
	snprintf(b, n, "%u.%u.%u+%" PRIu32, i->major, i->minor, i->revision, i->build);
	return b;
}

/* " (check RULE: why)" for a rule. */
static const char *because(const char *rule, char *b, size_t n)
{
	snprintf(b, n, "check %s: %s", rule, dsim_mcuboot_rule_text(rule));
	return b;
}

static const char *const dep_kinds[] = {"", "unmet", "length", "no_image", "tlvs"};

/* JSON "dependency":{...} of a request held by a dependency. */
static void dep_json(FILE *f, const struct dsim_pair_view *v)
{
	const struct dsim_dep *dp = &v->dep;
	char b[40];

	if (v->action != DSIM_ACT_DEPENDENCY || dp->kind == DSIM_DEP_NONE || dp->kind > 4) {
		return;
	}
	fprintf(f, ",\"dependency\":{\"problem\":\"%s\",\"of\":%u,\"slot\":\"%s\"",
		dep_kinds[dp->kind], dp->of, dp->of_secondary ? "secondary" : "primary");
	if (dp->kind == DSIM_DEP_UNMET || dp->kind == DSIM_DEP_NO_IMAGE) {
		fprintf(f, ",\"image\":%u,\"min_version\":", dp->image);
		dsim_json_str(f, version_str(&dp->want, b, sizeof(b)));
	}
	if (dp->kind == DSIM_DEP_UNMET) {
		fprintf(f, ",\"version\":");
		dsim_json_str(f, version_str(&dp->have, b, sizeof(b)));
	}
	fprintf(f, "}");
}

const char *dsim_pair_outcome(const struct dsim_device *d, unsigned i,
			      const struct dsim_pair_view *v, char *buf, size_t len)
{
	const struct dsim_pair_desc *p = &d->board.pair[i];
	const struct dfu_mcuboot_pair_state *st = &v->st;
	char sv[40] = "", pv[40] = "", why[200] = "", boots[300];
	bool copy = p->install == DSIM_INSTALL_COPY;
	bool over = copy || p->mode == DFU_MCUBOOT_OVERWRITE;

	if (st->secondary.present) {
		version_str(&st->secondary.info, sv, sizeof(sv));
	}
	if (st->primary.present) {
		version_str(&st->primary.info, pv, sizeof(pv));
	}
	/* What runs afterwards when nothing is installed. */
	if (v->primary_ok) {
		snprintf(boots, sizeof(boots), "boots %s%s", pv,
			 st->revert_guard ? " (a test image, not yet confirmed)" : "");
	} else if (v->primary_empty) {
		snprintf(boots, sizeof(boots),
			 "no bootable image in the primary slot: the boot fails");
	} else {
		snprintf(boots, sizeof(boots),
			 "the primary %s fails validation (%s): the boot fails (the primary is "
			 "not erased)",
			 pv[0] ? pv : "image", because(v->primary_rule, why, sizeof(why)));
	}
	switch (v->action) {
	case DSIM_ACT_INSTALL:
		if (copy) {
			snprintf(buf, len,
				 "MCUboot copies %s over the %s core's flash (network core "
				 "update: copied, not swapped; no revert)",
				 sv, p->name);
		} else if (over) {
			snprintf(buf, len, "MCUboot overwrites the primary with %s (no revert)",
				 sv);
		} else if (st->swap == DFU_MCUBOOT_SWAP_TEST) {
			snprintf(buf, len,
				 "MCUboot swaps in %s as a test: it runs once and is reverted to "
				 "%s on the next reset unless it confirms itself",
				 sv, st->primary.present ? pv : "the old image");
		} else {
			snprintf(buf, len, "MCUboot swaps in %s permanently", sv);
		}
		break;
	case DSIM_ACT_BOOTSTRAP:
		if (v->primary_empty || v->primary_rule == NULL) {
			snprintf(buf, len,
				 "MCUboot (bootstrap) copies %s into the %s primary slot, no "
				 "request needed",
				 sv, v->primary_empty ? "empty" : "invalid");
		} else {
			snprintf(buf, len,
				 "MCUboot (bootstrap) copies %s over the primary %s, which fails "
				 "validation (%s), no request needed",
				 sv, pv, because(v->primary_rule, why, sizeof(why)));
		}
		break;
	case DSIM_ACT_REVERT:
		snprintf(buf, len,
			 "MCUboot reverts: the test image %s was not confirmed, %s comes back", pv,
			 st->secondary.present ? sv : "the previous image");
		break;
	case DSIM_ACT_NO_HEADERS:
		if (v->primary_empty) {
			snprintf(buf, len,
				 "MCUboot finds an upgrade request but cannot read the primary's "
				 "header (empty primary, %s without bootstrap): it installs "
				 "nothing, erases nothing, and the boot fails",
				 p->mode == DFU_MCUBOOT_SWAP_OFFSET ? "swap-offset" : "swap-move");
		} else {
			snprintf(buf, len,
				 "MCUboot finds an upgrade request but cannot read the primary's "
				 "header (%s: its magic is not MCUboot's): it installs nothing, "
				 "erases nothing, and %s",
				 p->mode == DFU_MCUBOOT_SWAP_OFFSET ? "swap-offset" : "swap-move",
				 boots);
		}
		break;
	case DSIM_ACT_DEPENDENCY:
		snprintf(buf, len,
			 "not installing: %s; MCUboot installs no image, erases nothing, keeps "
			 "the request (checked again at every boot) and %s",
			 dsim_dep_text(&v->dep, i, why, sizeof(why)), boots);
		break;
	case DSIM_ACT_SCRAMBLE_TRAILER:
		snprintf(buf, len,
			 "MCUboot finds an upgrade request but no bootable image (%s): it erases "
			 "the secondary's trailer sectors and %s",
			 because(v->check, why, sizeof(why)), boots);
		break;
	case DSIM_ACT_SCRAMBLE:
		snprintf(buf, len, "MCUboot refuses the secondary image (%s): it erases it and %s",
			 because(v->check, why, sizeof(why)), boots);
		break;
	default:
		snprintf(buf, len, "%s", boots);
		break;
	}
	return buf;
}

static void slot_text(FILE *f, const char *name, const struct dsim_device *d,
		      const struct dsim_area *a, const struct dfu_mcuboot_slot_state *s)
{
	char v[40];

	fprintf(f, "    %-9s %s@0x%06" PRIx32 " +0x%" PRIx32 ": ", name,
		d->board.flash[a->dev].name, a->off, a->size);
	if (!s->present) {
		fprintf(f, "no image\n");
	} else {
		version_str(&s->info, v, sizeof(v));
		fprintf(f, "image %s, %" PRIu32 " B, digest %s, signature %s\n", v,
			s->info.img_size, check_name(s->verified),
			d->key_count ? check_name(s->info.signature) : "not required");
	}
	fprintf(f, "              trailer: magic %s, image_ok %s, copy_done %s\n",
		tstate(s->trailer.magic), tstate(s->trailer.image_ok),
		tstate(s->trailer.copy_done));
}

static void slot_json(FILE *f, const struct dsim_device *d, const struct dsim_area *a,
		      const struct dfu_mcuboot_slot_state *s)
{
	char v[40];

	fprintf(f, "{\"flash\":");
	dsim_json_str(f, d->board.flash[a->dev].name);
	fprintf(f, ",\"offset\":%" PRIu32 ",\"size\":%" PRIu32 ",\"image\":%s", a->off, a->size,
		s->present ? "true" : "false");
	if (s->present) {
		version_str(&s->info, v, sizeof(v));
		fprintf(f, ",\"version\":");
		dsim_json_str(f, v);
		fprintf(f, ",\"image_size\":%" PRIu32 ",\"digest\":", s->info.img_size);
		dsim_json_str(f, check_name(s->verified));
		fprintf(f, ",\"signature\":");
		dsim_json_str(f, d->key_count ? check_name(s->info.signature) : "not required");
	}
	fprintf(f, ",\"trailer\":{\"magic\":\"%s\",\"image_ok\":\"%s\",\"copy_done\":\"%s\"}}",
		tstate(s->trailer.magic), tstate(s->trailer.image_ok),
		tstate(s->trailer.copy_done));
}

static void modem_report(struct dsim_device *d, bool json, FILE *f)
{
	const struct sim_modem_nv *nv = &d->modem.nv;
	const char *area = nv->erasing         ? "erasing"
			   : nv->dirty         ? "dirty"
			   : nv->patch_valid   ? "complete patch"
			   : nv->committed > 0 ? "partial patch"
					       : "blank";
	bool pending = nv->action == SIM_MODEM_ACTION_UPDATE;
	bool full = dsim_full_modem_pending(d);
	char next[240];
	int n = full ? snprintf(next, sizeof(next),
				"the full modem firmware in the partition is installed (the "
				"modem does not run it yet), then ")
		     : 0;

	if (pending) {
		snprintf(next + n, sizeof(next) - (size_t)n,
			 "the modem applies the patch %.36s -> %.36s", nv->src_uuid, nv->dst_uuid);
	} else if (nv->action == SIM_MODEM_ACTION_ROLLBACK) {
		snprintf(next + n, sizeof(next) - (size_t)n,
			 "the modem rolls back to its previous firmware");
	} else {
		snprintf(next + n, sizeof(next) - (size_t)n, "the modem boots %s",
			 full ? "it" : "its firmware unchanged");
	}
	if (json) {
		fprintf(f, ",\"modem\":{\"uuid\":");
		dsim_json_str(f, nv->uuid);
		fprintf(f, ",\"delta_area\":");
		dsim_json_str(f, area);
		fprintf(f,
			",\"committed\":%zu,\"area_size\":%zu,\"update_pending\":%s,\"on_reset\":",
			nv->committed, d->modem.cfg.area_size, pending ? "true" : "false");
		dsim_json_str(f, next);
		fprintf(f, "}");
		return;
	}
	fprintf(f, "  modem: firmware %.36s\n", nv->uuid);
	fprintf(f, "    delta area: %s, %zu / %zu B committed%s\n", area, nv->committed,
		d->modem.cfg.area_size, pending ? ", update scheduled" : "");
	fprintf(f, "    on reset: %s\n", next);
}

static void full_modem_report(struct dsim_device *d, bool json, FILE *f)
{
	struct dfu_full_modem_info info;
	int err = dfu_full_modem_stored(&d->full_modem, &info);
	const struct dsim_area *a = &d->board.full_modem;
	bool install = err == 0 && dsim_full_modem_pending(d);

	if (json) {
		fprintf(f, ",\"full_modem\":{\"flash\":");
		dsim_json_str(f, d->board.flash[a->dev].name);
		fprintf(f, ",\"offset\":%" PRIu32 ",\"size\":%" PRIu32 ",\"stored\":%s", a->off,
			a->size, err == 0 ? "true" : "false");
		if (err == 0) {
			fprintf(f,
				",\"verified\":%s,\"wrapper_len\":%" PRIu32
				",\"blob_len\":%" PRIu32,
				info.verified ? "true" : "false", info.wrapper_len, info.blob_len);
		}
		fprintf(f, ",\"install_on_reset\":%s}", install ? "true" : "false");
		return;
	}
	fprintf(f, "  full modem partition %s@0x%06" PRIx32 " +0x%" PRIx32 ": ",
		d->board.flash[a->dev].name, a->off, a->size);
	if (err == 0) {
		fprintf(f, "%s image (wrapper %" PRIu32 " B, blob %" PRIu32 " B, %u segments)\n",
			info.verified ? "verified" : "unverified", info.wrapper_len, info.blob_len,
			info.segments);
		if (install) {
			fprintf(f, "    on reset: installed into the modem (it does not run this "
				   "firmware yet)\n");
		}
	} else {
		fprintf(f, "no stored image (%s)\n", dfu_errno_name(err));
	}
}

/* A download in progress, from the stream checkpoint record under key
 * (format: docs/records.md). 0 and *img, *durable, *size, or -ENOENT. */
static int in_progress(struct dsim_device *d, const char *key, unsigned *img, uint32_t *durable,
		       uint32_t *size)
{
	uint8_t r[28];
	int n = d->kv.dev.read(d->kv.dev.ctx, key, r, sizeof(r));

	if (n != (int)sizeof(r) || r[0] != 1 || r[1] != 1 ||
	    dfu_get_le32(&r[24]) != dfu_crc32(0, r, 24)) {
		return -ENOENT;
	}
	*img = r[3];
	*size = dfu_get_le32(&r[4]);
	*durable = dfu_get_le32(&r[20]);
	return 0;
}

static void progress_line(bool json, FILE *f, bool *any, const char *what, unsigned img,
			  uint32_t dur, uint32_t size)
{
	if (json) {
		fprintf(f,
			"%s{\"type\":\"%s\",\"image\":%u,\"durable\":%" PRIu32 ",\"size\":%" PRIu32
			"}",
			*any ? "," : "", what, img, dur, size);
	} else {
		fprintf(f,
			"  download in progress: %s image %u, %" PRIu32 " of %" PRIu32
			" bytes durable (apply the same artifact to resume)\n",
			what, img, dur, size);
	}
	*any = true;
}

/* The stream checkpoint records (docs/records.md): "mcuboot/pNN" per pair,
 * "fmfu/p" for the full modem partition. */
static void progress_report(struct dsim_device *d, bool json, FILE *f)
{
	bool any = false;
	unsigned img;
	uint32_t dur, size;
	char key[16];

	if (json) {
		fprintf(f, ",\"downloads_in_progress\":[");
	}
	for (unsigned i = 0; i < d->board.pair_count && i < 100; i++) {
		snprintf(key, sizeof(key), "mcuboot/p%02u", i);
		if (in_progress(d, key, &img, &dur, &size) == 0) {
			progress_line(json, f, &any, "mcuboot", img, dur, size);
		}
	}
	if (in_progress(d, "fmfu/p", &img, &dur, &size) == 0) {
		progress_line(json, f, &any, "full_modem", img, dur, size);
	}
	if (json) {
		fprintf(f, "]");
	}
}

int dsim_status(struct dsim_device *d, bool json, FILE *f)
{
	int code = DSIM_EXIT_OK;

	if (json) {
		fprintf(f, "{\"board\":");
		dsim_json_str(f, d->board.name);
		fprintf(f, ",\"images\":[");
	} else {
		fprintf(f, "device %s (board %s)\n", d->dir, d->board.name);
	}
	for (unsigned i = 0; i < d->board.pair_count; i++) {
		const struct dsim_pair_desc *p = &d->board.pair[i];
		struct dsim_pair_view v;
		const struct dfu_mcuboot_pair_state *stp = &v.st;
		char next[512];
		int err = dsim_pair_view(d, i, &v);

		if (err) {
			fprintf(stderr, "dfu-sim: image %u: %s\n", i, dfu_errno_name(err));
			code = DSIM_EXIT_DEVICE;
			continue;
		}
		dsim_pair_outcome(d, i, &v, next, sizeof(next));
		if (json) {
			fprintf(f, "%s{\"image\":%u,\"name\":", i ? "," : "", i);
			dsim_json_str(f, p->name);
			fprintf(f, ",\"mode\":\"%s\",\"install\":\"%s\",\"primary\":",
				mode_name(p->mode),
				p->install == DSIM_INSTALL_COPY ? "copy" : "swap");
			slot_json(f, d, &p->primary, &stp->primary);
			fprintf(f, ",\"secondary\":");
			slot_json(f, d, &p->secondary, &stp->secondary);
			fprintf(f, ",\"request\":\"%s\",\"will_install\":%s,\"on_reset\":",
				swap_name(stp->swap), stp->will_install ? "true" : "false");
			dsim_json_str(f, next);
			fprintf(f, ",\"primary_valid\":%s,\"boot_fails\":%s",
				v.primary_ok ? "true" : "false", v.boot_fails ? "true" : "false");
			if (v.primary_rule != NULL) {
				fprintf(f, ",\"primary_check\":");
				dsim_json_str(f, v.primary_rule);
			}
			if (v.check != NULL) {
				fprintf(f, ",\"check\":");
				dsim_json_str(f, v.check);
			}
			dep_json(f, &v);
			dsim_delta_status(d, i, stp, true, f);
			fprintf(f, "}");
			continue;
		}
		fprintf(f, "  image %u \"%s\" (%s%s)\n", i, p->name, mode_name(p->mode),
			p->install == DSIM_INSTALL_COPY ? ", copied to its core" : "");
		slot_text(f, "primary", d, &p->primary, &stp->primary);
		slot_text(f, "secondary", d, &p->secondary, &stp->secondary);
		if (!v.primary_ok && !v.primary_empty) {
			fprintf(f, "    primary check: %s (%s)\n", v.primary_rule,
				dsim_mcuboot_rule_text(v.primary_rule));
		}
		fprintf(f, "    request: %s\n", swap_name(stp->swap));
		fprintf(f, "    on reset: %s\n", next);
		dsim_delta_status(d, i, stp, false, f);
	}
	if (json) {
		fprintf(f, "]");
	}
	progress_report(d, json, f);
	if (d->board.has_modem) {
		modem_report(d, json, f);
	}
	if (d->board.has_full_modem) {
		full_modem_report(d, json, f);
	}
	if (json) {
		fprintf(f, "}\n");
	}
	return code;
}
