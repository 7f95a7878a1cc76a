/*
 * dfu-sim boards and init: the board presets, and creating a device
 * directory (a preset or a layout file, the bootloader profile, trusted
 * keys, a factory image).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "dfu/dfu_errname.h"
#include "dsim.h"

int cmd_boards(struct args *a)
{
	for (a->i = 2; a->i < a->argc; a->i++) {
		if (strcmp(a->argv[a->i], "--json") != 0) {
			return cli_usage("boards: unexpected argument");
		}
	}
	if (cli_json) {
		cli_ok_begin();
		printf(",\"boards\":[");
	}
	for (unsigned i = 0; dsim_board_presets[i]; i++) {
		struct dsim_board b;
		char *text = NULL;
		size_t len = 0;
		FILE *m;

		if (dsim_board_preset(dsim_board_presets[i], &b) != 0) {
			continue;
		}
		if (!cli_json) {
			printf("# ---- %s ----\n", dsim_board_presets[i]);
			dsim_board_write(&b, stdout);
			printf("\n");
			continue;
		}
		m = open_memstream(&text, &len);
		if (m != NULL) {
			dsim_board_write(&b, m);
			fclose(m);
		}
		printf("%s{\"name\":", i ? "," : "");
		dsim_json_str(stdout, dsim_board_presets[i]);
		printf(",\"layout\":");
		dsim_json_str(stdout, text ? text : "");
		printf("}");
		free(text);
	}
	if (cli_json) {
		printf("]}\n");
	}
	return DSIM_EXIT_OK;
}

/* init --factory: program a file into image 0's primary slot
 * (dsim_program_factory(), which refuses what MCUboot would not boot). */
static int program_factory(const char *dir, const char *path)
{
	static struct dsim_device dev;
	char err[512] = "";
	uint8_t *img = NULL;
	size_t len = 0;
	int e = dsim_read_file(path, &img, &len);

	if (e) {
		return dsim_fail(cli_json, cli_command, DSIM_EXIT_DEVICE, "--factory %s: %s", path,
				 strerror(-e));
	}
	if (dsim_device_open(&dev, dir, err, sizeof(err)) != 0) {
		free(img);
		return dsim_fail(cli_json, cli_command, DSIM_EXIT_DEVICE, "%s", err);
	}
	e = dsim_program_factory(&dev, img, len, err, sizeof(err));
	free(img);
	int c = dsim_device_close(&dev);

	if (e) {
		bool refused = dsim_rejected_check(e) != NULL;

		return dsim_fail(cli_json, cli_command,
				 refused ? DSIM_EXIT_REJECTED : DSIM_EXIT_DEVICE,
				 "--factory %s: %s%s (%s); no device created", path,
				 refused ? "MCUboot would not boot it: " : "",
				 err[0] ? err : dfu_errno_name(e), dfu_errno_name(e));
	}
	return c ? dsim_fail(cli_json, cli_command, DSIM_EXIT_DEVICE, "%s: could not save: %s", dir,
			     dfu_errno_name(c))
		 : DSIM_EXIT_OK;
}

int cmd_init(struct args *a)
{
	const char *dir = NULL, *board = NULL, *layout = NULL, *factory = NULL;
	const char *keys[DSIM_MAX_KEYS];
	const char *prof[16];
	unsigned nkeys = 0, nprof = 0;
	struct dsim_board b;
	struct stat st;
	char err[512] = "";

	for (a->i = 2; a->i < a->argc; a->i++) {
		const char *o = a->argv[a->i];

		if (!strcmp(o, "--board")) {
			board = cli_value(a);
		} else if (!strcmp(o, "--layout")) {
			layout = cli_value(a);
		} else if (!strcmp(o, "--factory")) {
			if (!(factory = cli_value(a))) {
				return cli_usage("--factory IMG");
			}
		} else if (!strcmp(o, "--key")) {
			if (nkeys == DSIM_MAX_KEYS || !(keys[nkeys++] = cli_value(a))) {
				return cli_usage("--key: missing or too many");
			}
		} else if (!strcmp(o, "--mcuboot")) {
			if (nprof == sizeof(prof) / sizeof(prof[0]) ||
			    !(prof[nprof++] = cli_value(a))) {
				return cli_usage("--mcuboot KEY=VALUE: missing or too many");
			}
		} else if (!strcmp(o, "--json")) {
			continue;
		} else if (o[0] != '-' && !dir) {
			dir = o;
		} else {
			return cli_usage("init: unexpected argument");
		}
	}
	if (!dir || (!board == !layout)) {
		return cli_usage("init DIR needs exactly one of --board or --layout");
	}
	if (board && dsim_board_preset(board, &b) != 0) {
		return cli_usage("unknown board (dfu-sim boards lists them)");
	}
	if (layout && dsim_board_load(layout, &b, err, sizeof(err)) != 0) {
		return dsim_fail(cli_json, cli_command, DSIM_EXIT_USAGE, "%s: %s", layout, err);
	}
	for (unsigned i = 0; i < nprof; i++) {
		if (dsim_board_mcuboot(&b, prof[i], err, sizeof(err)) != 0) {
			return dsim_fail(cli_json, cli_command, DSIM_EXIT_USAGE, "--mcuboot %s: %s",
					 prof[i], err);
		}
	}
	bool existed = stat(dir, &st) == 0;

	if (dsim_device_create(dir, &b, keys, nkeys, err, sizeof(err)) != 0) {
		return dsim_fail(cli_json, cli_command, DSIM_EXIT_DEVICE, "%s", err);
	}
	if (factory) {
		int code = program_factory(dir, factory);

		if (code != DSIM_EXIT_OK) {
			/* A failed init leaves no half-made device behind. */
			dsim_device_remove(dir, &b, !existed);
			return code;
		}
	}
	if (cli_json) {
		cli_ok_begin();
		printf(",\"dir\":");
		dsim_json_str(stdout, dir);
		printf(",\"board\":");
		dsim_json_str(stdout, b.name);
		printf(",\"flash_devices\":%u,\"image_pairs\":%u,\"modem\":%s,"
		       "\"full_modem\":%s,\"keys\":%u,\"factory\":",
		       b.flash_count, b.pair_count, b.has_modem ? "true" : "false",
		       b.has_full_modem ? "true" : "false", nkeys);
		if (factory) {
			dsim_json_str(stdout, factory);
		} else {
			printf("null");
		}
		printf("}\n");
		return DSIM_EXIT_OK;
	}
	printf("created %s: board %s, %u flash device(s), %u image pair(s)%s%s, %u key(s)\n", dir,
	       b.name, b.flash_count, b.pair_count, b.has_modem ? ", modem" : "",
	       b.has_full_modem ? ", full modem partition" : "", nkeys);
	return DSIM_EXIT_OK;
}
