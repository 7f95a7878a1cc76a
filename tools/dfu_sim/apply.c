/*
 * dfu-sim apply: what an application does with an update artifact, on the
 * simulated device: img_type -> init -> offset_get -> write in transport
 * chunks -> done(true) -> schedule. A transport drop resumes from
 * offset_get with a Range request; a simulated power cut leaves the device
 * directory as the flash and store were at that instant.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dfu/dfu_errname.h"
#include "dfu_util.h"
#include "dsim.h"

#define IDENT_LEN 64u

static struct dsim_device dev;
static FILE *evt_out;
static bool evt_quiet;

const char *dsim_rejected_check(int err)
{
	switch (err) {
	case -ENOTSUP:
		return "type";
	case -ENOENT:
		return "image";
	case -EFBIG:
		return "size";
	case -EBADMSG:
	case -EPIPE:
		return "format";
	case -ENOEXEC:
		return "bootable";
	case -EILSEQ:
		return "digest";
	case -EACCES:
		return "signature";
	case -ESTALE:
		return "policy";
	case -EXDEV:
		return "modem_firmware";
	case -ENOLINK:
		return "dependency";
	default:
		return NULL;
	}
}

static void on_event(enum dfu_target_evt_id id)
{
	static const char *const names[] = {"erase pending", "still erasing", "erase done"};

	if (!evt_quiet && (unsigned)id < 3) {
		fprintf(evt_out, "  modem: %s\n", names[id]);
	}
}

struct run {
	const struct dsim_apply_opts *o;
	FILE *out;
	struct dsim_source *src;
	uint64_t total;
	uint64_t pos;     /* bytes handed to the library (absolute) */
	uint64_t resumed; /* first offset_get of this run */
	uint64_t cut_at;  /* absolute byte position of a cut; 0 = none */
	int type;
	int img_num;
	unsigned drops;
	int err;
	const char *stage; /* where err happened */
	char msg[256];
	uint8_t first[IDENT_LEN];
	size_t first_len;
	uint8_t *buf;
	const char *check; /* a rejection's check when the error alone does
			      not name it (NULL: dsim_rejected_check()) */
	const char *rule;  /* an MCUboot image's refusing rule (the library's
			      record, dsim_mcuboot_rule()), or NULL */
	bool cut_between;  /* --cut-after fired (no operation torn) */
	char note[2][256]; /* more lines for the report ("" = none): a padded
			      file's trailer, a power cut that did not happen */
};

int dsim_bad_image(bool json, const char *command, const struct dsim_device *d, const char *image)
{
	char list[200] = "";
	size_t n = 0;

	for (unsigned i = 0; i < d->board.pair_count && n < sizeof(list); i++) {
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%u \"%s\"", i ? ", " : "", i,
				      d->board.pair[i].name);
	}
	return dsim_fail(json, command, DSIM_EXIT_USAGE,
			 "--image %s: board %s has no such image (its images: %s)", image,
			 d->board.name, list);
}

static bool power_lost(void)
{
	return dev.power.cuts > 0;
}

/* init + offset_get; on success r->pos = the durable offset. */
static int start_download(struct run *r)
{
	struct dfu_init_params p = {.img_type = r->type,
				    .img_num = r->img_num,
				    .file_size = (size_t)r->total,
				    .cb = on_event,
				    .first = r->first,
				    .first_len = r->first_len};
	size_t off = 0;
	int err;

	r->stage = "init";
	err = dfu_ctx_init_ex(&dev.ctx, &p);
	if (err == 0) {
		r->stage = "offset_get";
		err = dfu_ctx_offset_get(&dev.ctx, &off);
	}
	if (err == 0) {
		r->pos = off;
	}
	return err;
}

/* (Re)open the source at r->pos; head > 0: its first head bytes only. */
static int open_source(struct run *r, uint64_t head)
{
	uint64_t total = 0;

	r->src = head ? dsim_source_open_head(r->o->source, head, &total, r->msg, sizeof(r->msg))
		      : dsim_source_open(r->o->source, r->pos, &total, r->msg, sizeof(r->msg));
	if (!r->src) {
		r->stage = "transport";
		return -EIO;
	}
	if (r->total == 0) {
		r->total = total;
	} else if (total && total != r->total) {
		snprintf(r->msg, sizeof(r->msg),
			 "artifact size changed (%" PRIu64 " -> %" PRIu64 ")", r->total, total);
		r->stage = "transport";
		return -EIO;
	}
	return 0;
}

/* Stream from r->pos to the end. */
static int stream(struct run *r, struct dsim_progress *pg)
{
	uint32_t chunk = r->o->chunk ? r->o->chunk : 4096;

	while (r->total == 0 || r->pos < r->total) {
		size_t want = chunk;

		if (r->total && r->total - r->pos < want) {
			want = (size_t)(r->total - r->pos);
		}
		if (r->cut_at && r->pos + want > r->cut_at) {
			want = (size_t)(r->cut_at - r->pos);
		}
		long n = want ? dsim_source_read(r->src, r->buf, want, r->msg, sizeof(r->msg)) : 0;

		if (n < 0) {
			r->stage = "transport";
			return (int)n;
		}
		if (n == 0 && want > 0) {
			if (r->total == 0) {
				return 0; /* unknown size: end of stream */
			}
			snprintf(r->msg, sizeof(r->msg), "source ended at byte %" PRIu64, r->pos);
			r->stage = "transport";
			return -ECONNRESET;
		}
		if (n > 0) {
			r->stage = "write";
			int err = dfu_ctx_write(&dev.ctx, r->buf, (size_t)n);

			if (err) {
				return err;
			}
			r->pos += (uint64_t)n;
			dsim_progress_update(pg, r->pos, dsim_device_time_us(&dev));
		}
		if (r->cut_at && r->pos >= r->cut_at) {
			/* The power goes out between two operations: none is
			 * torn, and none more is counted. */
			uint32_t ops = dev.power.ops;

			sim_power_arm(&dev.power, 1, SIM_TORN_NOTHING, 1);
			(void)sim_power_begin(&dev.power);
			dev.power.ops = ops;
			r->cut_between = true;
			r->stage = "write";
			return -EIO;
		}
	}
	return 0;
}

static int schedule(struct run *r)
{
	r->stage = "schedule";
	if (r->o->schedule == DSIM_SCHEDULE_NONE) {
		return 0;
	}
	if (r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT && r->o->schedule == DSIM_SCHEDULE_PERMANENT) {
		return dfu_mcuboot_schedule(&dev.mcuboot, r->img_num, true);
	}
	return dfu_ctx_schedule_update(&dev.ctx, r->img_num);
}

static int run_apply(struct run *r, struct dsim_progress *pg)
{
	int err;

	/* The first bytes name the type and bind the download's identity. */
	r->pos = 0;
	if ((err = open_source(r, IDENT_LEN)) != 0) {
		return err;
	}
	long n = dsim_source_read(r->src, r->first, IDENT_LEN, r->msg, sizeof(r->msg));

	if (n < 0) {
		r->stage = "transport";
		return (int)n;
	}
	r->first_len = (size_t)n;
	dsim_source_close(r->src);
	r->src = NULL;
	r->type = dfu_ctx_img_type(&dev.ctx, r->first, r->first_len);
	if (r->type == DFU_TARGET_IMAGE_TYPE_NONE) {
		int t = dsim_lib_type(r->first, r->first_len);

		r->stage = "img_type";
		if (t != DFU_TARGET_IMAGE_TYPE_NONE) {
			snprintf(r->msg, sizeof(r->msg), "a %s artifact, but board %s has no %s",
				 dsim_type_name(t), dev.board.name,
				 t == DFU_TARGET_IMAGE_TYPE_FULL_MODEM ? "full modem partition"
								       : "modem");
		} else {
			dsim_unknown_why(r->first, r->first_len, r->total, r->msg, sizeof(r->msg));
		}
		return -ENOTSUP;
	}
	if (r->o->cut_pct && r->total) {
		r->cut_at = r->total * r->o->cut_pct / 100;
	} else if (r->o->cut_after) {
		r->cut_at = r->o->cut_after;
	}
	if ((err = start_download(r)) != 0) {
		return err;
	}
	r->resumed = r->pos;
	if (r->cut_at && r->cut_at <= r->pos) {
		r->cut_at = 0; /* already past it: this is the resumed run */
	}
	if (!r->o->json) {
		char a[24];

		dsim_say(r->out, "%s image %d, %s: %s from byte %" PRIu64 "\n",
			 dsim_type_name(r->type), r->img_num, dsim_fmt_size(r->total, a, sizeof(a)),
			 r->pos ? "resuming" : "starting", r->pos);
	}
	dsim_progress_begin(pg, r->o->json ? DSIM_PROGRESS_NONE : r->o->progress, r->out, r->total,
			    r->pos, dsim_device_time_us(&dev));
	if (dfu_ctx_state(&dev.ctx) != DFU_STATE_DONE) {
		for (;;) {
			/* (re)open at the resume point */
			dsim_source_close(r->src);
			r->src = NULL;
			if (!(r->total && r->pos >= r->total) && (err = open_source(r, 0)) != 0) {
				return err;
			}
			err = stream(r, pg);
			if (err != -ECONNRESET || r->drops >= r->o->retries || power_lost()) {
				break;
			}
			/* Transport dropped: pause, ask the device where to go on. */
			r->drops++;
			dsim_progress_end(pg);
			if (!r->o->json) {
				dsim_say(r->out, "  transport: %s; resuming (%u/%u)\n", r->msg,
					 r->drops, r->o->retries);
			}
			r->stage = "done(false)";
			if ((err = dfu_ctx_done(&dev.ctx, false)) != 0 ||
			    (err = start_download(r)) != 0) {
				return err;
			}
		}
		dsim_progress_end(pg);
		if (err) {
			return err;
		}
		r->stage = "done";
		if ((err = dfu_ctx_done(&dev.ctx, true)) != 0) {
			return err;
		}
	}
	return schedule(r);
}

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
static void explain(struct run *r)
{
	const struct dfu_mcuboot_pair *pair = &dev.pairs[r->img_num];
	/* What verification learned (done, schedule); not for init/write. */
	bool verified = !strcmp(r->stage, "done") || !strcmp(r->stage, "schedule");
	const struct dfu_mcuboot_info *info = verified ? dfu_mcuboot_report(&dev.mcuboot) : NULL;
	const uint8_t *hdr = r->first_len >= 32 ? r->first : NULL;
	struct dfu_mcuboot_layout l;
	uint8_t tlv[4];
	char why[sizeof(r->msg)];

	if (r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT ||
	    r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA) {
		/* the image (or the delta's rebuilt image) as the MCUboot
		 * target judged it: its record names the rule */
		struct dfu_mcuboot *m =
			r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT ? &dev.mcuboot : &dev.delta_out;

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
	    r->total > dev.board.full_modem.size) {
		snprintf(r->msg, sizeof(r->msg),
			 "too big for the full modem partition: the file has %" PRIu64
			 " bytes, the partition %" PRIu32 " bytes",
			 r->total, dev.board.full_modem.size);
		return;
	}
	if (r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA && !verified &&
	    dsim_delta_why(&dev, r->img_num, r->err, r->msg, sizeof(r->msg), &r->check)) {
		return;
	}
	if (r->type == DFU_TARGET_IMAGE_TYPE_MCUBOOT_DELTA && verified) {
		/* the rebuilt image failed the MCUboot target's verification */
		info = dfu_mcuboot_report(&dev.delta_out);
		hdr = dfu_mcuboot_delta_report(&dev.app_delta)->new_header;
	} else if (r->type != DFU_TARGET_IMAGE_TYPE_MCUBOOT) {
		return;
	}
	if (dfu_mcuboot_layout(pair, 1, &l) != 0) {
		return;
	}
	if (dsim_mcuboot_why(r->err, info, hdr, r->err == -EFBIG ? fetch_tlv_info(r, tlv) : NULL,
			     r->total, l.max_image_size, pair->secondary.size - l.image_offset,
			     dev.key_count, why, sizeof(why))) {
		snprintf(r->msg, sizeof(r->msg), "%s", why);
	}
	r->check = dsim_mcuboot_check_name(r->err, info, hdr);
}

/* An accepted padded file whose own trailer asks for an upgrade: the
 * library decodes that trailer and never writes it; the request is the
 * one apply makes (--schedule). */
static void trailer_note(struct run *r)
{
	const struct dfu_mcuboot_info *info = dfu_mcuboot_report(&dev.mcuboot);
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
	uint32_t ops = dev.power.ops;

	if (power_lost()) {
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
		    dfu_mcuboot_report(&dev.mcuboot)->file_request != 0) {
			fprintf(f,
				",\"file_trailer\":{\"request\":\"%s\",\"align\":%u,"
				"\"written\":false}",
				dfu_mcuboot_report(&dev.mcuboot)->file_request ==
						DFU_MCUBOOT_SWAP_PERM
					? "permanent"
					: "test",
				(unsigned)dfu_mcuboot_report(&dev.mcuboot)->file_align);
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
	for (unsigned i = 0; i < dev.board.flash_count; i++) {
		const struct sim_flash_counters *c = &dev.flash[i].cnt;

		fprintf(f, "%s{\"name\":", i ? "," : "");
		dsim_json_str(f, dev.board.flash[i].name);
		fprintf(f,
			",\"erases\":%" PRIu32 ",\"programs\":%" PRIu32 ",\"bytes_erased\":%" PRIu64
			",\"bytes_programmed\":%" PRIu64 ",\"time_s\":%.6f}",
			c->erases, c->programs, c->bytes_erased, c->bytes_programmed,
			(double)c->time_us / 1e6);
	}
	/* Store (kv) operations are counted, not timed. "ops": the flash and
	 * store operations --cut-ops counts (this run). */
	fprintf(f, "],\"store_writes\":%" PRIu32 ",\"store_removes\":%" PRIu32, dev.kv.cnt.writes,
		dev.kv.cnt.removes);
	fprintf(f,
		",\"ops\":%" PRIu32 ",\"flash_ops\":%" PRIu64
		",\"device_time_s\":%.3f,\"wall_time_s\":%.3f,\"power_cuts\":%u}\n",
		dev.power.ops, dsim_device_flash_ops(&dev), (double)dsim_device_time_us(&dev) / 1e6,
		wall, (unsigned)dev.power.cuts);
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
			 dev.power.ops);
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
		 dev.power.ops, (double)dsim_device_time_us(&dev) / 1e6, wall);
}

int dsim_apply(const struct dsim_apply_opts *o, FILE *out)
{
	struct run r = {.o = o, .out = out, .type = DFU_TARGET_IMAGE_TYPE_NONE};
	struct dsim_progress pg = {.mode = DSIM_PROGRESS_NONE, .f = out};
	char err[512];
	int code;
	double t0 = dsim_now();

	if (dsim_device_open(&dev, o->dir, err, sizeof(err)) != 0) {
		return dsim_fail(o->json, "apply", DSIM_EXIT_DEVICE, "%s", err);
	}
	evt_out = out;
	evt_quiet = o->json;
	r.img_num = o->image ? dsim_device_pair_by_name(&dev, o->image) : 0;
	if (r.img_num < 0) {
		code = dsim_bad_image(o->json, "apply", &dev, o->image);
		(void)dsim_device_close(&dev);
		return code;
	}
	r.buf = malloc(o->chunk ? o->chunk : 4096);
	if (!r.buf) {
		(void)dsim_device_close(&dev);
		return dsim_fail(o->json, "apply", DSIM_EXIT_DEVICE, "out of memory");
	}
	/* Every flash and store operation of this run is counted from here
	 * (the count --cut-ops cuts at, and the report's "ops"). */
	sim_power_arm(&dev.power, o->cut_ops, SIM_TORN_HALF, 42);
	r.err = run_apply(&r, &pg);
	dsim_progress_end(&pg);
	if (r.src) {
		dsim_source_close(r.src);
	}
	if (r.err == 0) {
		code = DSIM_EXIT_OK;
	} else if (power_lost()) {
		code = DSIM_EXIT_POWERCUT;
	} else if (dsim_rejected_check(r.err) && strcmp(r.stage, "transport") != 0) {
		code = DSIM_EXIT_REJECTED;
	} else {
		code = DSIM_EXIT_DEVICE;
	}
	if (code == DSIM_EXIT_DEVICE && strcmp(r.stage, "transport") == 0 &&
	    dfu_ctx_state(&dev.ctx) == DFU_STATE_WRITING) {
		(void)dfu_ctx_done(&dev.ctx, false); /* keep it resumable */
	}
	if (code == DSIM_EXIT_REJECTED) {
		explain(&r);
	}
	if (code == DSIM_EXIT_OK) {
		trailer_note(&r);
		no_cut_note(&r);
	}
	double wall = dsim_now() - t0;

	if (o->json) {
		report_json(&r, code, wall);
	} else {
		report_text(&r, code, wall);
	}
	free(r.buf);
	if (dsim_device_close(&dev) != 0 && code == DSIM_EXIT_OK) {
		fprintf(stderr, "dfu-sim: could not save the device state\n");
		code = DSIM_EXIT_DEVICE;
	}
	return code;
}
