/*
 * dfu-sim detect and apply: the command-line options of the two commands
 * that take an artifact (artifact.c, detect_boot.c and apply.c do the work).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dsim.h"

int cmd_detect(struct args *a)
{
	static struct dsim_boot_ctx bc;
	struct dsim_boot_opts bo = {0};
	const char *src = NULL;
	bool judge = false;

	for (a->i = 2; a->i < a->argc; a->i++) {
		const char *o = a->argv[a->i];
		bool ok = true;

		if (!strcmp(o, "--json")) {
			continue;
		} else if (!strcmp(o, "--board")) {
			ok = (bo.board = cli_value(a)) != NULL;
		} else if (!strcmp(o, "--layout")) {
			ok = (bo.layout = cli_value(a)) != NULL;
		} else if (!strcmp(o, "--image")) {
			ok = (bo.image = cli_value(a)) != NULL;
		} else if (!strcmp(o, "--mcuboot")) {
			ok = bo.nprof < 16 && (bo.prof[bo.nprof++] = cli_value(a)) != NULL;
		} else if (!strcmp(o, "--key")) {
			ok = bo.nkeys < DSIM_MAX_KEYS &&
			     (bo.keys[bo.nkeys++] = cli_value(a)) != NULL;
		} else if (!src && o[0] != '-') {
			src = o;
			continue;
		} else {
			return cli_usage("detect: unexpected argument");
		}
		if (!ok) {
			return cli_usage("detect: an option's value is missing (or too many)");
		}
		judge = true;
	}
	if (!src) {
		return cli_usage("detect ARTIFACT");
	}
	if (bo.board && bo.layout) {
		return cli_usage("detect: --board or --layout, not both");
	}
	char err[256] = "";
	uint64_t total = 0;
	struct dsim_source *s = dsim_source_open(src, 0, &total, err, sizeof(err));

	if (!s) {
		return dsim_fail(cli_json, cli_command, DSIM_EXIT_DEVICE, "%s", err);
	}
	size_t cap = total ? (size_t)total : 16u * 1024 * 1024, len = 0;
	uint8_t *buf = malloc(cap ? cap : 1);
	long n = 1;

	while (buf && len < cap &&
	       (n = dsim_source_read(s, buf + len, cap - len, err, sizeof(err))) > 0) {
		len += (size_t)n;
	}
	dsim_source_close(s);
	if (!buf || n < 0) {
		free(buf);
		return dsim_fail(cli_json, cli_command, DSIM_EXIT_DEVICE, "%s: %s", src,
				 buf ? err : "out of memory");
	}
	if (judge && dsim_boot_setup(&bc, &bo, err, sizeof(err)) != 0) {
		free(buf);
		return dsim_fail(cli_json, cli_command, DSIM_EXIT_USAGE, "%s", err);
	}
	int code = dsim_detect_boot(buf, len, judge ? &bc.boot : NULL, cli_json, stdout);

	free(buf);
	if (judge) {
		dsim_boot_free(&bc);
	}
	return code;
}

int cmd_apply(struct args *a)
{
	struct dsim_apply_opts o = {.retries = 3};
	uint64_t v;

	for (a->i = 2; a->i < a->argc; a->i++) {
		const char *opt = a->argv[a->i];

		if (!strcmp(opt, "--image")) {
			if (!(o.image = cli_value(a))) {
				return cli_usage("--image N|NAME");
			}
		} else if (!strcmp(opt, "--chunk")) {
			if (cli_num_opt(a, &v) || v == 0 || v > 1024 * 1024) {
				return cli_usage("--chunk: 1..1M");
			}
			o.chunk = (uint32_t)v;
		} else if (!strcmp(opt, "--cut-after")) {
			const char *s = cli_value(a);
			size_t l = s ? strlen(s) : 0;

			if (l > 1 && s[l - 1] == '%') {
				char tmp[16];

				snprintf(tmp, sizeof(tmp), "%.*s", (int)(l - 1), s);
				if (cli_num(tmp, &v) || v == 0 || v >= 100) {
					return cli_usage("--cut-after P%: 1..99");
				}
				o.cut_pct = (uint32_t)v;
			} else if (!s || cli_num(s, &v) || v == 0) {
				return cli_usage("--cut-after N|P%");
			} else {
				o.cut_after = v;
			}
		} else if (!strcmp(opt, "--cut-ops")) {
			if (cli_num_opt(a, &v) || v == 0) {
				return cli_usage("--cut-ops N (N >= 1)");
			}
			o.cut_ops = (uint32_t)v;
		} else if (!strcmp(opt, "--retries")) {
			if (cli_num_opt(a, &v) || v > 100) {
				return cli_usage("--retries 0..100");
			}
			o.retries = (unsigned)v;
		} else if (!strcmp(opt, "--schedule")) {
			const char *s = cli_value(a);

			if (s && !strcmp(s, "test")) {
				o.schedule = DSIM_SCHEDULE_TEST;
			} else if (s && !strcmp(s, "permanent")) {
				o.schedule = DSIM_SCHEDULE_PERMANENT;
			} else if (s && !strcmp(s, "none")) {
				o.schedule = DSIM_SCHEDULE_NONE;
			} else {
				return cli_usage("--schedule test|permanent|none");
			}
		} else if (!strcmp(opt, "--progress")) {
			const char *s = cli_value(a);

			if (s && !strcmp(s, "bar")) {
				o.progress = DSIM_PROGRESS_BAR;
			} else if (s && !strcmp(s, "plain")) {
				o.progress = DSIM_PROGRESS_PLAIN;
			} else if (s && !strcmp(s, "none")) {
				o.progress = DSIM_PROGRESS_NONE;
			} else {
				return cli_usage("--progress bar|plain|none");
			}
		} else if (!strcmp(opt, "--json")) {
			continue;
		} else if (opt[0] != '-' && !o.dir) {
			o.dir = opt;
		} else if (opt[0] != '-' && !o.source) {
			o.source = opt;
		} else {
			return cli_usage("apply: unexpected argument");
		}
	}
	if (!o.dir || !o.source) {
		return cli_usage("apply DIR ARTIFACT");
	}
	o.json = cli_json;
	return dsim_apply(&o, stdout);
}
