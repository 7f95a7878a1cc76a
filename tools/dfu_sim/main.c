/*
 * dfu-sim: apply a real update artifact to a simulated nRF9160 / nRF5340 /
 * nRF52840 device that lives in a directory, and report what its
 * bootloader will do. See `dfu-sim help` and docs/dfu-sim.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dfu/dfu_errname.h"
#include "dsim.h"

/* The project's version (CMake PROJECT_VERSION, tools/CMakeLists.txt). */
#ifndef DSIM_VERSION
#define DSIM_VERSION "unknown (built without CMake's PROJECT_VERSION)"
#endif

static const char usage[] =
	"usage: dfu-sim <command> [arguments] [--json]\n"
	"\n"
	"  --version                      print the version\n"
	"  boards                         list the board presets and their layouts\n"
	"  init DIR (--board NAME | --layout FILE) [--key PEM]... [--factory IMG]\n"
	"          [--mcuboot KEY=VALUE]...\n"
	"                                 create a factory-fresh device in DIR; --key = a\n"
	"                                 public (or private) key its MCUboot trusts;\n"
	"                                 --factory = image programmed into image 0's\n"
	"                                 primary slot (the running application)\n"
	"      --mcuboot KEY=VALUE[,...]  the device's MCUboot build (bootloader profile:\n"
	"                                 sig, key-tlv, allow-list, decompress, encrypt,\n"
	"                                 bootstrap, downgrade, security-counter, ...;\n"
	"                                 pair=NAME first for one pair; mode, align,\n"
	"                                 max-img-sectors, image); repeatable\n"
	"  detect ARTIFACT [--json]       what the artifact is, its header facts\n"
	"      [--board NAME | --layout FILE] [--mcuboot KEY=VALUE]... [--image N|NAME]\n"
	"      [--key PEM]...             and whether that bootloader would boot it (if\n"
	"                                 not, the rule that refuses it: \"check\")\n"
	"  apply DIR ARTIFACT [options]   download ARTIFACT (a file or an http:// URL)\n"
	"      --image N|NAME             MCUboot image (pair) number or name (default 0)\n"
	"      --chunk N                  transport chunk size (default 4096)\n"
	"      --cut-after N|P%           power cut once N bytes (or P %) were handed over\n"
	"      --cut-ops N                power cut at the Nth flash/store operation (torn)\n"
	"      --retries N                transport resumes after a dropped connection (3)\n"
	"      --schedule test|permanent|none   what to request after verification (test)\n"
	"      --progress bar|plain|none  progress display (default: bar on a terminal)\n"
	"      --json                     one JSON object as the result\n"
	"  status DIR [--json]            every slot as the bootloader sees it, and what\n"
	"                                 the next reset does\n"
	"  reset DIR [--erase-store] [--json]\n"
	"                                 reboot: the bootloader and the modem act;\n"
	"                                 --erase-store first empties the store (a\n"
	"                                 corrupt kv.bin: progress and verified records\n"
	"                                 are lost, flash is kept)\n"
	"  confirm DIR [--image N|NAME]   the running image confirms itself\n"
	"  keygen PEM                     new P-256 key: PEM (private) and PEM.pub\n"
	"  mkimage OUT (--size N [--seed S] | --payload BIN) [--key PEM]\n"
	"          [--version M.m.r+b] [--sec-cnt N] [--pad SLOT_SIZE] [--confirm]\n"
	"          [--flags N] [--tlv TYPE] [--prot-tlv TYPE]\n"
	"                                 an MCUboot image, signed with --key: sample\n"
	"                                 bytes, or a firmware binary (--payload);\n"
	"                                 crafted: header flags, an extra 4-byte TLV\n"
	"                                 unprotected / protected\n"
	"  mkdelta OUT --from UUID --to UUID --size N [--seed S]\n"
	"                                 a sample modem delta patch (simulator format)\n"
	"  mkpatch OLD NEW OUT [--compression heatshrink|none] [--window-max BITS]\n"
	"          [--old-version M.m.r+b --new-version M.m.r+b] [--force]\n"
	"                                 an application delta (docs/delta.md); exit 2\n"
	"                                 when not worth it\n"
	"  mkfull OUT --size KIB [--seed S]\n"
	"                                 a sample full modem image (.cbor, dummy signature)\n"
	"\n"
	"--json (any command): exactly one JSON object on stdout, errors included.\n"
	"\n"
	"exit status: 0 accepted / ok, 1 usage, 2 artifact rejected (the check is\n"
	"named), 3 device or transport error, 4 simulated power cut (run again to\n"
	"resume)\n";

/* --json anywhere on the command line: every outcome is one JSON object. */
static bool json;
static const char *command = "";

/* A command's success in JSON: {"command", "result":"ok", "exit":0, ...}
 * (the caller adds members and the closing brace). */
static void json_ok_begin(void)
{
	printf("{\"command\":");
	dsim_json_str(stdout, command);
	printf(",\"result\":\"ok\",\"exit\":0");
}

static int bad_usage(const char *what)
{
	return dsim_fail(json, command, DSIM_EXIT_USAGE, "%s", what);
}

/* Decimal or 0x hex, optional K or M suffix. */
static int parse_num(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-') {
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s) {
		return -EINVAL;
	}
	if (*end == 'K' || *end == 'k') {
		v *= 1024;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		v *= 1024 * 1024;
		end++;
	}
	if (*end || v > UINT32_MAX) {
		return -EINVAL;
	}
	*out = v;
	return 0;
}

struct args {
	int argc;
	char **argv;
	int i;
};

/* Next option's value, or NULL (usage error reported by the caller). */
static const char *value(struct args *a)
{
	return a->i + 1 < a->argc ? a->argv[++a->i] : NULL;
}

static int num_opt(struct args *a, uint64_t *out)
{
	const char *v = value(a);

	return v ? parse_num(v, out) : -EINVAL;
}

static int cmd_boards(struct args *a)
{
	for (a->i = 2; a->i < a->argc; a->i++) {
		if (strcmp(a->argv[a->i], "--json") != 0) {
			return bad_usage("boards: unexpected argument");
		}
	}
	if (json) {
		json_ok_begin();
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
		if (!json) {
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
	if (json) {
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
		return dsim_fail(json, command, DSIM_EXIT_DEVICE, "--factory %s: %s", path,
				 strerror(-e));
	}
	if (dsim_device_open(&dev, dir, err, sizeof(err)) != 0) {
		free(img);
		return dsim_fail(json, command, DSIM_EXIT_DEVICE, "%s", err);
	}
	e = dsim_program_factory(&dev, img, len, err, sizeof(err));
	free(img);
	int c = dsim_device_close(&dev);

	if (e) {
		bool refused = dsim_rejected_check(e) != NULL;

		return dsim_fail(json, command, refused ? DSIM_EXIT_REJECTED : DSIM_EXIT_DEVICE,
				 "--factory %s: %s%s (%s); no device created", path,
				 refused ? "MCUboot would not boot it: " : "",
				 err[0] ? err : dfu_errno_name(e), dfu_errno_name(e));
	}
	return c ? dsim_fail(json, command, DSIM_EXIT_DEVICE, "%s: could not save: %s", dir,
			     dfu_errno_name(c))
		 : DSIM_EXIT_OK;
}

static int cmd_init(struct args *a)
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
			board = value(a);
		} else if (!strcmp(o, "--layout")) {
			layout = value(a);
		} else if (!strcmp(o, "--factory")) {
			if (!(factory = value(a))) {
				return bad_usage("--factory IMG");
			}
		} else if (!strcmp(o, "--key")) {
			if (nkeys == DSIM_MAX_KEYS || !(keys[nkeys++] = value(a))) {
				return bad_usage("--key: missing or too many");
			}
		} else if (!strcmp(o, "--mcuboot")) {
			if (nprof == sizeof(prof) / sizeof(prof[0]) ||
			    !(prof[nprof++] = value(a))) {
				return bad_usage("--mcuboot KEY=VALUE: missing or too many");
			}
		} else if (!strcmp(o, "--json")) {
			continue;
		} else if (o[0] != '-' && !dir) {
			dir = o;
		} else {
			return bad_usage("init: unexpected argument");
		}
	}
	if (!dir || (!board == !layout)) {
		return bad_usage("init DIR needs exactly one of --board or --layout");
	}
	if (board && dsim_board_preset(board, &b) != 0) {
		return bad_usage("unknown board (dfu-sim boards lists them)");
	}
	if (layout && dsim_board_load(layout, &b, err, sizeof(err)) != 0) {
		return dsim_fail(json, command, DSIM_EXIT_USAGE, "%s: %s", layout, err);
	}
	for (unsigned i = 0; i < nprof; i++) {
		if (dsim_board_mcuboot(&b, prof[i], err, sizeof(err)) != 0) {
			return dsim_fail(json, command, DSIM_EXIT_USAGE, "--mcuboot %s: %s",
					 prof[i], err);
		}
	}
	bool existed = stat(dir, &st) == 0;

	if (dsim_device_create(dir, &b, keys, nkeys, err, sizeof(err)) != 0) {
		return dsim_fail(json, command, DSIM_EXIT_DEVICE, "%s", err);
	}
	if (factory) {
		int code = program_factory(dir, factory);

		if (code != DSIM_EXIT_OK) {
			/* A failed init leaves no half-made device behind. */
			dsim_device_remove(dir, &b, !existed);
			return code;
		}
	}
	if (json) {
		json_ok_begin();
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

static int cmd_detect(struct args *a)
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
			ok = (bo.board = value(a)) != NULL;
		} else if (!strcmp(o, "--layout")) {
			ok = (bo.layout = value(a)) != NULL;
		} else if (!strcmp(o, "--image")) {
			ok = (bo.image = value(a)) != NULL;
		} else if (!strcmp(o, "--mcuboot")) {
			ok = bo.nprof < 16 && (bo.prof[bo.nprof++] = value(a)) != NULL;
		} else if (!strcmp(o, "--key")) {
			ok = bo.nkeys < DSIM_MAX_KEYS && (bo.keys[bo.nkeys++] = value(a)) != NULL;
		} else if (!src && o[0] != '-') {
			src = o;
			continue;
		} else {
			return bad_usage("detect: unexpected argument");
		}
		if (!ok) {
			return bad_usage("detect: an option's value is missing (or too many)");
		}
		judge = true;
	}
	if (!src) {
		return bad_usage("detect ARTIFACT");
	}
	if (bo.board && bo.layout) {
		return bad_usage("detect: --board or --layout, not both");
	}
	char err[256] = "";
	uint64_t total = 0;
	struct dsim_source *s = dsim_source_open(src, 0, &total, err, sizeof(err));

	if (!s) {
		return dsim_fail(json, command, DSIM_EXIT_DEVICE, "%s", err);
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
		return dsim_fail(json, command, DSIM_EXIT_DEVICE, "%s: %s", src,
				 buf ? err : "out of memory");
	}
	if (judge && dsim_boot_setup(&bc, &bo, err, sizeof(err)) != 0) {
		free(buf);
		return dsim_fail(json, command, DSIM_EXIT_USAGE, "%s", err);
	}
	int code = dsim_detect_boot(buf, len, judge ? &bc.boot : NULL, json, stdout);

	free(buf);
	if (judge) {
		dsim_boot_free(&bc);
	}
	return code;
}

static int cmd_apply(struct args *a)
{
	struct dsim_apply_opts o = {.retries = 3};
	uint64_t v;

	for (a->i = 2; a->i < a->argc; a->i++) {
		const char *opt = a->argv[a->i];

		if (!strcmp(opt, "--image")) {
			if (!(o.image = value(a))) {
				return bad_usage("--image N|NAME");
			}
		} else if (!strcmp(opt, "--chunk")) {
			if (num_opt(a, &v) || v == 0 || v > 1024 * 1024) {
				return bad_usage("--chunk: 1..1M");
			}
			o.chunk = (uint32_t)v;
		} else if (!strcmp(opt, "--cut-after")) {
			const char *s = value(a);
			size_t l = s ? strlen(s) : 0;

			if (l > 1 && s[l - 1] == '%') {
				char tmp[16];

				snprintf(tmp, sizeof(tmp), "%.*s", (int)(l - 1), s);
				if (parse_num(tmp, &v) || v == 0 || v >= 100) {
					return bad_usage("--cut-after P%: 1..99");
				}
				o.cut_pct = (uint32_t)v;
			} else if (!s || parse_num(s, &v) || v == 0) {
				return bad_usage("--cut-after N|P%");
			} else {
				o.cut_after = v;
			}
		} else if (!strcmp(opt, "--cut-ops")) {
			if (num_opt(a, &v) || v == 0) {
				return bad_usage("--cut-ops N (N >= 1)");
			}
			o.cut_ops = (uint32_t)v;
		} else if (!strcmp(opt, "--retries")) {
			if (num_opt(a, &v) || v > 100) {
				return bad_usage("--retries 0..100");
			}
			o.retries = (unsigned)v;
		} else if (!strcmp(opt, "--schedule")) {
			const char *s = value(a);

			if (s && !strcmp(s, "test")) {
				o.schedule = DSIM_SCHEDULE_TEST;
			} else if (s && !strcmp(s, "permanent")) {
				o.schedule = DSIM_SCHEDULE_PERMANENT;
			} else if (s && !strcmp(s, "none")) {
				o.schedule = DSIM_SCHEDULE_NONE;
			} else {
				return bad_usage("--schedule test|permanent|none");
			}
		} else if (!strcmp(opt, "--progress")) {
			const char *s = value(a);

			if (s && !strcmp(s, "bar")) {
				o.progress = DSIM_PROGRESS_BAR;
			} else if (s && !strcmp(s, "plain")) {
				o.progress = DSIM_PROGRESS_PLAIN;
			} else if (s && !strcmp(s, "none")) {
				o.progress = DSIM_PROGRESS_NONE;
			} else {
				return bad_usage("--progress bar|plain|none");
			}
		} else if (!strcmp(opt, "--json")) {
			continue;
		} else if (opt[0] != '-' && !o.dir) {
			o.dir = opt;
		} else if (opt[0] != '-' && !o.source) {
			o.source = opt;
		} else {
			return bad_usage("apply: unexpected argument");
		}
	}
	if (!o.dir || !o.source) {
		return bad_usage("apply DIR ARTIFACT");
	}
	o.json = json;
	return dsim_apply(&o, stdout);
}

/* confirm: the running image of a pair confirms itself; an empty primary
 * has nothing to confirm. */
static int confirm(struct dsim_device *dev, const char *image)
{
	int img = image ? dsim_device_pair_by_name(dev, image) : 0;
	struct dfu_mcuboot_pair_state st;
	int e;

	if (img < 0) {
		return dsim_bad_image(json, command, dev, image);
	}
	e = dfu_mcuboot_state(&dev->mcuboot, img, &st);
	if (e == 0 && !st.primary.present) {
		return dsim_fail(json, command, DSIM_EXIT_DEVICE,
				 "confirm image %d \"%s\": the primary slot holds no image "
				 "(nothing runs, nothing to confirm; init --factory IMG, or apply "
				 "and reset first)",
				 img, dev->board.pair[img].name);
	}
	e = e ? e : dfu_mcuboot_confirm(&dev->mcuboot, img);
	if (e) {
		return dsim_fail(json, command, DSIM_EXIT_DEVICE, "confirm image %d: %s", img,
				 dfu_errno_name(e));
	}
	if (json) {
		json_ok_begin();
		printf(",\"image\":%d,\"name\":", img);
		dsim_json_str(stdout, dev->board.pair[img].name);
		printf("}\n");
	} else {
		printf("confirm image %d: ok\n", img);
	}
	return DSIM_EXIT_OK;
}

/* status, reset, confirm: open the device, act, close. */
static int cmd_device(struct args *a, const char *cmd)
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
			if (!(image = value(a))) {
				return bad_usage("--image N|NAME");
			}
		} else if (!strcmp(o, "--erase-store") && !strcmp(cmd, "reset")) {
			erase_store = true;
		} else if (o[0] != '-' && !dir) {
			dir = o;
		} else {
			return bad_usage("unexpected argument");
		}
	}
	if (!dir) {
		return bad_usage("missing DIR");
	}
	if (dsim_device_open_ex(&dev, dir, erase_store ? DSIM_OPEN_ERASE_STORE : 0, err,
				sizeof(err)) != 0) {
		return dsim_fail(json, command, DSIM_EXIT_DEVICE, "%s", err);
	}
	if (!strcmp(cmd, "status")) {
		code = dsim_status(&dev, json, stdout);
	} else if (!strcmp(cmd, "reset")) {
		if (erase_store && !json) {
			printf("store erased: %s/kv.bin starts empty\n", dir);
		}
		code = dsim_reboot(&dev, json, stdout);
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

static int cmd_make(struct args *a, const char *cmd)
{
	struct dsim_mkimage p = {.version = "1.0.0+0", .seed = 1};
	const char *out = NULL, *from = NULL, *to = NULL;
	char err[256] = "";
	uint64_t v;
	int e;

	for (a->i = 2; a->i < a->argc; a->i++) {
		const char *o = a->argv[a->i];

		if (!strcmp(o, "--key")) {
			p.key_path = value(a);
		} else if (!strcmp(o, "--version")) {
			p.version = value(a);
		} else if (!strcmp(o, "--payload")) {
			p.payload_path = value(a);
		} else if (!strcmp(o, "--from")) {
			from = value(a);
		} else if (!strcmp(o, "--to")) {
			to = value(a);
		} else if (!strcmp(o, "--confirm")) {
			p.confirm = true;
		} else if (!strcmp(o, "--json")) {
			continue;
		} else if (!strcmp(o, "--size") || !strcmp(o, "--seed") || !strcmp(o, "--pad") ||
			   !strcmp(o, "--sec-cnt") || !strcmp(o, "--header-size") ||
			   !strcmp(o, "--flags") || !strcmp(o, "--tlv") ||
			   !strcmp(o, "--prot-tlv")) {
			if (num_opt(a, &v)) {
				return bad_usage("bad number");
			}
			if ((!strcmp(o, "--tlv") || !strcmp(o, "--prot-tlv")) && v > 0xffff) {
				return bad_usage("--tlv TYPE: 0..0xffff");
			}
			if (!strcmp(o, "--flags")) {
				p.flags = (uint32_t)v;
			} else if (!strcmp(o, "--tlv")) {
				p.tlv = 0x10000u | (uint32_t)v;
			} else if (!strcmp(o, "--prot-tlv")) {
				p.prot_tlv = 0x10000u | (uint32_t)v;
			} else if (!strcmp(o, "--size")) {
				p.size = (uint32_t)v;
			} else if (!strcmp(o, "--seed")) {
				p.seed = (uint32_t)v;
			} else if (!strcmp(o, "--pad")) {
				p.pad_to = (uint32_t)v;
			} else if (!strcmp(o, "--sec-cnt")) {
				p.sec_cnt = (uint32_t)v;
			} else {
				p.hdr_size = (uint16_t)v;
			}
		} else if (o[0] != '-' && !out) {
			out = o;
		} else {
			return bad_usage("unexpected argument");
		}
	}
	if (!out) {
		return bad_usage("missing output file");
	}
	if (!strcmp(cmd, "keygen")) {
		e = dsim_keygen(out, err, sizeof(err));
	} else if (!strcmp(cmd, "mkfull")) {
		if (!p.size) {
			return bad_usage("mkfull OUT --size KIB");
		}
		e = dsim_mkfull(p.size, p.seed, out, err, sizeof(err));
	} else if (!strcmp(cmd, "mkdelta")) {
		if (!from || !to || !p.size) {
			return bad_usage("mkdelta OUT --from UUID --to UUID --size N");
		}
		e = dsim_mkdelta(from, to, p.size, p.seed, out, err, sizeof(err));
	} else {
		if ((!p.size && !p.payload_path) || !p.version) {
			return bad_usage("mkimage OUT (--size N | --payload FILE)");
		}
		e = dsim_mkimage(&p, out, err, sizeof(err));
	}
	if (e) {
		return dsim_fail(json, command, DSIM_EXIT_DEVICE, "%s: %s", cmd,
				 err[0] ? err : dfu_errno_name(e));
	}
	if (json) {
		json_ok_begin();
		printf(",\"wrote\":");
		dsim_json_str(stdout, out);
		printf("}\n");
	} else {
		printf("wrote %s\n", out);
	}
	return DSIM_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct args a = {argc, argv, 2};
	const char *cmd = argc > 1 ? argv[1] : "help";

	for (int i = 1; i < argc; i++) {
		json = json || strcmp(argv[i], "--json") == 0;
	}
	command = cmd;
	if (!strcmp(cmd, "--json")) {
		command = "";
		return bad_usage(argc > 2 ? "the command comes first: dfu-sim COMMAND ... --json"
					  : "missing command");
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		command = "help";
		if (json) {
			json_ok_begin();
			printf(",\"usage\":");
			dsim_json_str(stdout, usage);
			printf("}\n");
			return DSIM_EXIT_OK;
		}
		fputs(usage, stdout);
		return argc > 1 ? DSIM_EXIT_OK : DSIM_EXIT_USAGE;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		command = "version";
		if (json) {
			json_ok_begin();
			printf(",\"version\":");
			dsim_json_str(stdout, DSIM_VERSION);
			printf("}\n");
		} else {
			printf("dfu-sim %s\n", DSIM_VERSION);
		}
		return DSIM_EXIT_OK;
	}
	if (!strcmp(cmd, "boards")) {
		return cmd_boards(&a);
	}
	if (!strcmp(cmd, "init")) {
		return cmd_init(&a);
	}
	if (!strcmp(cmd, "detect")) {
		return cmd_detect(&a);
	}
	if (!strcmp(cmd, "apply")) {
		return cmd_apply(&a);
	}
	if (!strcmp(cmd, "status") || !strcmp(cmd, "reset") || !strcmp(cmd, "confirm")) {
		return cmd_device(&a, cmd);
	}
	if (!strcmp(cmd, "mkpatch")) {
		return dsim_mkpatch(argc - 2, argv + 2, json);
	}
	if (!strcmp(cmd, "keygen") || !strcmp(cmd, "mkimage") || !strcmp(cmd, "mkdelta") ||
	    !strcmp(cmd, "mkfull")) {
		return cmd_make(&a, cmd);
	}
	return bad_usage("unknown command");
}
