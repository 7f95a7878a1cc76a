/*
 * dfu-sim apply's report: why an artifact was rejected (in numbers, the
 * check and the library's rule), notes on an accepted run, and the JSON or
 * text report with the flash and store counters.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "apply_internal.h"
#include "dfu/dfu_errname.h"
#include "dfu_util.h"
#include "dsim.h"

/* The 4 bytes at the end of the protected TLVs (the TLV info), read from
 * the source: what the TLV area adds to the header's size. */
static const uint8_t *fetch_tlv_info(struct run *r, uint8_t out[4])
{
	uint64_t hashed = (uint64_t)(r->first[8] | (r->first[9] << 8)) +
			  dfu_get_le32(&r->first[12]) +
			  (uint64_t)(r->first[10] | (r->first[11] << 8));
	uint64_t total = 0;
	char err[128];
	struct dsim_source *src;
	long n = 0;

	if (r->first_len < 32 || r->total == 0 || hashed + 4 > r->total) {
		return NULL;
	}
	src = dsim_source_open(r->o->source, hashed, &total, err, sizeof(err));
	if (src != NULL) {
		n = dsim_source_read(src, out, 4, err, sizeof(err));
		dsim_source_close(src);
	}
	return n == 4 ? out : NULL;
}

/* A rejected MCUboot image: what is wrong, in numbers (r->msg, r->check). */
void dsim_apply_explain(struct run *r)
{
	const struct dfu_mcuboot_pair *pair = &r->dev->pairs[r->img_num];
	/* What verification learned (done, schedule); not for init/write. */
	bool verified = !strcmp(r->stage, "done") || !strcmp(r->stage, "schedule");
	const struct dfu_mcuboot_info *info =
		verified ? dfu_mcuboot_report(&r->dev->mcuboot) : NULL;
	const uint8_t *hdr = r->first_len >= 32 ? r->first : NULL;
	struct dfu_mcuboot_layout l;
	uint8_t tlv[4];
	char why[sizeof(r->msg)];

	if (r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT ||
	    r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA) {
		/* the image (or the delta's rebuilt image) as the MCUboot
		 * target judged it: its record names the rule */
		struct dfu_mcuboot *m = r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT
						? &r->dev->mcuboot
						: &r->dev->delta_out;

		r->rule = r->err == -ENOLINK ? "dependency"
					     : dsim_mcuboot_rule(r->err, dfu_mcuboot_report(m));
		if (r->err == -ENOLINK && r->msg[0] == '\0') {
			struct dsim_dep dep;

			if (dsim_mcuboot_dep_unmet(m, (unsigned)r->img_num, &dep) == 0) {
				snprintf(r->msg, sizeof(r->msg),
					 "%s: MCUboot would install nothing, so nothing was "
					 "requested",
					 dsim_dep_text(&dep, (unsigned)r->img_num, why,
						       sizeof(why)));
			}
		}
	}
	if (r->msg[0] != '\0') {
		return;
	}
	if (r->type == DFU_TARGET_IMAGE_TYPE_FULL_MODEM && r->err == -EFBIG &&
	    r->total > r->dev->board.full_modem.size) {
		snprintf(r->msg, sizeof(r->msg),
			 "too big for the full modem partition: the file has %" PRIu64
			 " bytes, the partition %" PRIu32 " bytes",
			 r->total, r->dev->board.full_modem.size);
		return;
	}
	if (r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA && !verified &&
	    dsim_delta_why(r->dev, r->img_num, r->err, r->msg, sizeof(r->msg), &r->check)) {
		return;
	}
	if (r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA && verified) {
		/* the rebuilt image failed the MCUboot target's verification */
		info = dfu_mcuboot_report(&r->dev->delta_out);
		hdr = dfu_mcuboot_delta_report(&r->dev->app_delta)->new_header;
	} else if (r->type != DFU_TARGET_IMAGE_TYPE_MCUBOOT) {
		return;
	}
	if (dfu_mcuboot_layout(pair, 1, &l) != 0) {
		return;
	}
	if (dsim_mcuboot_why(r->err, info, hdr, r->err == -EFBIG ? fetch_tlv_info(r, tlv) : NULL,
			     r->total, l.max_image_size, pair->secondary.size - l.image_offset,
			     r->dev->key_count, why, sizeof(why))) {
		snprintf(r->msg, sizeof(r->msg), "%s", why);
	}
	r->check = dsim_mcuboot_check_name(r->err, info, hdr);
}

/* An accepted padded file whose own trailer asks for an upgrade: the
 * library decodes that trailer and never writes it; the request is the
 * one apply makes (--schedule). */
static void trailer_note(struct run *r)
{
	const struct dfu_mcuboot_info *info = dfu_mcuboot_report(&r->dev->mcuboot);
	const char *asks, *did;
	enum dsim_schedule want;

	if (r->type != DFU_TARGET_IMAGE_TYPE_MCUBOOT || info->file_request == 0) {
		return;
	}
	want = info->file_request == DFU_MCUBOOT_SWAP_PERM ? DSIM_SCHEDULE_PERMANENT
							   : DSIM_SCHEDULE_TEST;
	asks = want == DSIM_SCHEDULE_PERMANENT ? "a permanent upgrade (magic + image_ok set)"
					       : "a test upgrade (magic set, image_ok unset)";
	if (r->o->schedule == DSIM_SCHEDULE_NONE) {
		did = "nothing was requested (--schedule none)";
	} else if (r->o->schedule == want) {
		did = want == DSIM_SCHEDULE_PERMANENT
			      ? "a permanent upgrade was requested, as the file asks"
			      : "a test upgrade was requested, as the file asks";
	} else if (r->o->schedule == DSIM_SCHEDULE_TEST) {
		did = "a test upgrade was requested instead (--schedule permanent does what the "
		      "file asks)";
	} else {
		did = "a permanent upgrade was requested instead (--schedule permanent)";
	}
	snprintf(r->note[0], sizeof(r->note[0]),
		 "padded file: its own trailer (align %u) requests %s; the library never writes "
		 "a file's trailer bytes, it makes its own request: %s",
		 (unsigned)info->file_align, asks, did);
}

/* --cut-after / --cut-ops that never fired: say so, and what would. */
static void no_cut_note(struct run *r)
{
	uint32_t ops = r->dev->power.ops;

	if (r->dev->power.cuts > 0) {
		return;
	}
	if (r->o->cut_ops) {
		snprintf(r->note[1], sizeof(r->note[1]),
			 "no power cut happened (the apply needs %" PRIu32
			 " operation%s; --cut-ops %" PRIu32 " is past the end)",
			 ops, ops == 1 ? "" : "s", r->o->cut_ops);
	} else if (r->o->cut_after || r->o->cut_pct) {
		uint64_t at = r->o->cut_pct ? r->total * r->o->cut_pct / 100 : r->o->cut_after;

		if (at > r->total) {
			snprintf(r->note[1], sizeof(r->note[1]),
				 "no power cut happened (the apply needs %" PRIu32
				 " operation%s; the artifact has %" PRIu64
				 " bytes, --cut-after %" PRIu64 " is past the end)",
				 ops, ops == 1 ? "" : "s", r->total, at);
		} else {
			snprintf(r->note[1], sizeof(r->note[1]),
				 "no power cut happened (the apply needs %" PRIu32
				 " operation%s; the cut point, byte %" PRIu64
				 ", was already durable: this run resumed from byte %" PRIu64 ")",
				 ops, ops == 1 ? "" : "s", at, r->resumed);
		}
	}
}

static void report_json(const struct run *r, int code, double wall)
{
	FILE *f = r->out;

	fprintf(f, "{\"command\":\"apply\",\"result\":");
	dsim_json_str(f, code == DSIM_EXIT_OK         ? "accepted"
			 : code == DSIM_EXIT_REJECTED ? "rejected"
			 : code == DSIM_EXIT_POWERCUT ? "power_cut"
						      : "error");
	fprintf(f, ",\"exit\":%d,\"type\":", code);
	dsim_json_str(f, dsim_type_name(r->type));
	fprintf(f,
		",\"image\":%d,\"size\":%" PRIu64 ",\"resumed_from\":%" PRIu64
		",\"position\":%" PRIu64 ",\"transport_drops\":%u",
		r->img_num, r->total, r->resumed, r->pos, r->drops);
	if (r->err) {
		const char *check = r->check ? r->check : dsim_rejected_check(r->err);

		fprintf(f, ",\"error\":");
		dsim_json_str(f, dfu_errno_name(r->err));
		fprintf(f, ",\"stage\":");
		dsim_json_str(f, r->stage);
		if (code == DSIM_EXIT_REJECTED && check) {
			fprintf(f, ",\"check\":");
			dsim_json_str(f, check);
		}
		if (code == DSIM_EXIT_REJECTED && r->rule) {
			fprintf(f, ",\"rule\":");
			dsim_json_str(f, r->rule);
		}
		if (r->msg[0]) {
			fprintf(f, ",\"message\":");
			dsim_json_str(f, r->msg);
		}
	}
	if (code == DSIM_EXIT_OK) {
		fprintf(f, ",\"scheduled\":");
		dsim_json_str(f, r->o->schedule == DSIM_SCHEDULE_TEST        ? "test"
				 : r->o->schedule == DSIM_SCHEDULE_PERMANENT ? "permanent"
									     : "none");
		if (r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT &&
		    dfu_mcuboot_report(&r->dev->mcuboot)->file_request != 0) {
			fprintf(f,
				",\"file_trailer\":{\"request\":\"%s\",\"align\":%u,"
				"\"written\":false}",
				dfu_mcuboot_report(&r->dev->mcuboot)->file_request ==
						DFU_MCUBOOT_SWAP_PERM
					? "permanent"
					: "test",
				(unsigned)dfu_mcuboot_report(&r->dev->mcuboot)->file_align);
		}
	}
	fprintf(f, ",\"notes\":[");
	for (unsigned i = 0, n = 0; i < 2; i++) {
		if (r->note[i][0]) {
			fprintf(f, "%s", n++ ? "," : "");
			dsim_json_str(f, r->note[i]);
		}
	}
	fprintf(f, "]");
	/* Per flash device (this run): calls, bytes and modeled busy time. */
	fprintf(f, ",\"flash\":[");
	for (unsigned i = 0; i < r->dev->board.flash_count; i++) {
		const struct sim_flash_counters *c = &r->dev->flash[i].cnt;

		fprintf(f, "%s{\"name\":", i ? "," : "");
		dsim_json_str(f, r->dev->board.flash[i].name);
		fprintf(f,
			",\"erases\":%" PRIu32 ",\"programs\":%" PRIu32 ",\"bytes_erased\":%" PRIu64
			",\"bytes_programmed\":%" PRIu64 ",\"time_s\":%.6f}",
			c->erases, c->programs, c->bytes_erased, c->bytes_programmed,
			(double)c->time_us / 1e6);
	}
	/* Store (kv) operations are counted, not timed. "ops": the flash and
	 * store operations --cut-ops counts (this run). */
	fprintf(f, "],\"store_writes\":%" PRIu32 ",\"store_removes\":%" PRIu32,
		r->dev->kv.cnt.writes, r->dev->kv.cnt.removes);
	fprintf(f,
		",\"ops\":%" PRIu32 ",\"flash_ops\":%" PRIu64
		",\"device_time_s\":%.3f,\"wall_time_s\":%.3f,\"power_cuts\":%u}\n",
		r->dev->power.ops, dsim_device_flash_ops(r->dev),
		(double)dsim_device_time_us(r->dev) / 1e6, wall, (unsigned)r->dev->power.cuts);
}

static void report_text(const struct run *r, int code, double wall)
{
	FILE *f = r->out;

	if (code == DSIM_EXIT_OK) {
		const char *how = r->o->schedule == DSIM_SCHEDULE_TEST ? "test upgrade requested"
				  : r->o->schedule == DSIM_SCHEDULE_PERMANENT
					  ? "permanent upgrade requested"
					  : "not scheduled";

		if (r->type == DFU_TARGET_IMAGE_TYPE_FULL_MODEM) {
			how = "stored in the partition (schedule_update is a no-op: the modem "
			      "is programmed from there by a separate install step)";
		} else if (r->type == DFU_TARGET_IMAGE_TYPE_MODEM_DELTA &&
			   r->o->schedule != DSIM_SCHEDULE_NONE) {
			how = "the modem applies it at the next reset";
		}
		dsim_say(f, "accepted: %s image %d %s; %s\n", dsim_type_name(r->type), r->img_num,
			 r->type == DFU_TARGET_IMAGE_TYPE_MODEM_DELTA
				 ? "taken by the modem (the modem checks the patch)"
				 : "verified",
			 how);
	} else if (code == DSIM_EXIT_POWERCUT) {
		dsim_say(f,
			 "POWER CUT at byte %" PRIu64 " of %" PRIu64 " (%s, %s operation %" PRIu32
			 "); run again to resume\n",
			 r->pos, r->total, r->stage, r->cut_between ? "after" : "torn in",
			 r->dev->power.ops);
	} else if (code == DSIM_EXIT_REJECTED) {
		const char *check = r->check ? r->check : dsim_rejected_check(r->err);
		char rule[64] = "";

		if (r->rule != NULL && strcmp(r->rule, check) != 0) {
			snprintf(rule, sizeof(rule), ", rule %s", r->rule);
		}
		if (r->msg[0]) {
			/* The words say what is wrong; the stage is in --json. */
			dsim_say(f, "rejected: %s (%s check%s, %s)\n", r->msg, check, rule,
				 dfu_errno_name(r->err));
		} else {
			dsim_say(f, "rejected: %s check failed%s (%s at %s)\n", check, rule,
				 dfu_errno_name(r->err), r->stage);
		}
	} else {
		dsim_say(f, "error: %s at %s%s%s\n", dfu_errno_name(r->err), r->stage,
			 r->msg[0] ? ": " : "", r->msg);
		if (r->err == -EBUSY && r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT) {
			dsim_say(f, "hint: the running image is an unconfirmed test image and the "
				    "secondary holds the copy MCUboot reverts to; run `dfu-sim "
				    "confirm` (keep it) or `dfu-sim reset` (revert) first\n");
		}
	}
	for (unsigned i = 0; i < 2; i++) {
		if (r->note[i][0]) {
			dsim_say(f, "%s\n", r->note[i]);
		}
	}
	dsim_say(f,
		 "device: %" PRIu32 " flash/store ops, modeled device time %.2f s; wall time "
		 "%.2f s\n",
		 r->dev->power.ops, (double)dsim_device_time_us(r->dev) / 1e6, wall);
}

void dsim_apply_notes(struct run *r)
{
	trailer_note(r);
	no_cut_note(r);
}

void dsim_apply_report(const struct run *r, int code, double wall)
{
	if (r->o->json) {
		report_json(r, code, wall);
	} else {
		report_text(r, code, wall);
	}
}
