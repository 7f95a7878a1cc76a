/*
 * dfu-sim apply: what an application does with an update artifact, on the
 * simulated device: img_type -> init -> offset_get -> write in transport
 * chunks -> done(true) -> schedule. A transport drop resumes from
 * offset_get with a Range request; a simulated power cut leaves the device
 * directory as the flash and store were at that instant.
 * The report (why a rejection, notes, JSON / text) is in apply_report.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "dfu/dfu_errname.h"
#include "dfu_util.h"
#include "dsim.h"

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

int dsim_apply(const struct dsim_apply_opts *o, FILE *out)
{
	struct run r = {.dev = &dev, .o = o, .out = out, .type = DFU_TARGET_IMAGE_TYPE_NONE};
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
		dsim_apply_explain(&r);
	}
	if (code == DSIM_EXIT_OK) {
		dsim_apply_notes(&r);
	}
	double wall = dsim_now() - t0;

	dsim_apply_report(&r, code, wall);
	free(r.buf);
	if (dsim_device_close(&dev) != 0 && code == DSIM_EXIT_OK) {
		fprintf(stderr, "dfu-sim: could not save the device state\n");
		code = DSIM_EXIT_DEVICE;
	}
	return code;
}
