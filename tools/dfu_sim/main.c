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

#include "cmd.h"
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
	"          [--dependency IMG:M.m.r+b]...\n"
	"                                 an MCUboot image, signed with --key: sample\n"
	"                                 bytes, or a firmware binary (--payload);\n"
	"                                 crafted: header flags, an extra 4-byte TLV\n"
	"                                 unprotected / protected; a dependency on\n"
	"                                 image IMG at least that version (repeatable)\n"
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
bool cli_json;
const char *cli_command = "";

void cli_ok_begin(void)
{
	printf("{\"command\":");
	dsim_json_str(stdout, cli_command);
	printf(",\"result\":\"ok\",\"exit\":0");
}

int cli_usage(const char *what)
{
	return dsim_fail(cli_json, cli_command, DSIM_EXIT_USAGE, "%s", what);
}

int cli_num(const char *s, uint64_t *out)
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

const char *cli_value(struct args *a)
{
	return a->i + 1 < a->argc ? a->argv[++a->i] : NULL;
}

int cli_num_opt(struct args *a, uint64_t *out)
{
	const char *v = cli_value(a);

	return v ? cli_num(v, out) : -EINVAL;
}

int main(int argc, char **argv)
{
	struct args a = {argc, argv, 2};
	const char *cmd = argc > 1 ? argv[1] : "help";

	for (int i = 1; i < argc; i++) {
		cli_json = cli_json || strcmp(argv[i], "--json") == 0;
	}
	cli_command = cmd;
	if (!strcmp(cmd, "--json")) {
		cli_command = "";
		return cli_usage(argc > 2
					 ? "the cli_command comes first: dfu-sim COMMAND ... --json"
					 : "missing cli_command");
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		cli_command = "help";
		if (cli_json) {
			cli_ok_begin();
			printf(",\"usage\":");
			dsim_json_str(stdout, usage);
			printf("}\n");
			return DSIM_EXIT_OK;
		}
		fputs(usage, stdout);
		return argc > 1 ? DSIM_EXIT_OK : DSIM_EXIT_USAGE;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		cli_command = "version";
		if (cli_json) {
			cli_ok_begin();
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
		return dsim_mkpatch(argc - 2, argv + 2, cli_json);
	}
	if (!strcmp(cmd, "keygen") || !strcmp(cmd, "mkimage") || !strcmp(cmd, "mkdelta") ||
	    !strcmp(cmd, "mkfull")) {
		return cmd_make(&a, cmd);
	}
	return cli_usage("unknown cli_command");
}
