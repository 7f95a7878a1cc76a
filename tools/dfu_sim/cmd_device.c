/*
 * dfu-sim status, reset and confirm: open a device directory, act, close.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "cmd.h"
#include "dfu/dfu_errname.h"
#include "dsim.h"

/* confirm: the running image of a pair confirms itself; an empty primary
 * has nothing to confirm. */
static int confirm(struct dsim_device *dev, const char *image)
{
	int img = image ? dsim_device_pair_by_name(dev, image) : 0;
	struct dfu_mcuboot_pair_state st;
	int e;

	if (img < 0) {
		return dsim_bad_image(cli_json, cli_command, dev, image);
	}
	e = dfu_mcuboot_state(&dev->mcuboot, img, &st);
	if (e == 0 && !st.primary.present) {
		return dsim_fail(cli_json, cli_command, DSIM_EXIT_DEVICE,
				 "confirm image %d \"%s\": the primary slot holds no image "
				 "(nothing runs, nothing to confirm; init --factory IMG, or apply "
				 "and reset first)",
				 img, dev->board.pair[img].name);
	}
	e = e ? e : dfu_mcuboot_confirm(&dev->mcuboot, img);
	if (e) {
		return dsim_fail(cli_json, cli_command, DSIM_EXIT_DEVICE, "confirm image %d: %s",
				 img, dfu_errno_name(e));
	}
	if (cli_json) {
		cli_ok_begin();
		printf(",\"image\":%d,\"name\":", img);
		dsim_json_str(stdout, dev->board.pair[img].name);
		printf("}\n");
	} else {
		printf("confirm image %d: ok\n", img);
	}
	return DSIM_EXIT_OK;
}

/* status, reset, confirm: open the device, act, close. */
int cmd_device(struct args *a, const char *cmd)
{
	static struct dsim_device dev;
	const char *dir = NULL, *image = NULL;
	bool erase_store = false;
	char err[512] = "";
	int code;

	for (a->i = 2; a->i < a->argc; a->i++) {
		const char *o = a->argv[a->i];

		if (!strcmp(o, "--json")) {
			continue;
		} else if (!strcmp(o, "--image") && !strcmp(cmd, "confirm")) {
			if (!(image = cli_value(a))) {
				return cli_usage("--image N|NAME");
			}
		} else if (!strcmp(o, "--erase-store") && !strcmp(cmd, "reset")) {
			erase_store = true;
		} else if (o[0] != '-' && !dir) {
			dir = o;
		} else {
			return cli_usage("unexpected argument");
		}
	}
	if (!dir) {
		return cli_usage("missing DIR");
	}
	if (dsim_device_open_ex(&dev, dir, erase_store ? DSIM_OPEN_ERASE_STORE : 0, err,
				sizeof(err)) != 0) {
		return dsim_fail(cli_json, cli_command, DSIM_EXIT_DEVICE, "%s", err);
	}
	if (!strcmp(cmd, "status")) {
		code = dsim_status(&dev, cli_json, stdout);
	} else if (!strcmp(cmd, "reset")) {
		if (erase_store && !cli_json) {
			printf("store erased: %s/kv.bin starts empty\n", dir);
		}
		code = dsim_reboot(&dev, cli_json, stdout);
	} else {
		code = confirm(&dev, image);
	}
	if (dsim_device_close(&dev) != 0 && code == DSIM_EXIT_OK) {
		/* The report is out (one JSON object already): stderr only. */
		fprintf(stderr, "dfu-sim: %s: could not save the device state\n", dir);
		code = DSIM_EXIT_DEVICE;
	}
	return code;
}
