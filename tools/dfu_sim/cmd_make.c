/*
 * dfu-sim keygen, mkimage, mkdelta and mkfull: sample artifacts
 * (mkimage.c, mkfull.c do the work).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "cmd.h"
#include "dfu/dfu_errname.h"
#include "dsim.h"

int cmd_make(struct args *a, const char *cmd)
{
	struct dsim_mkimage p = {.version = "1.0.0+0", .seed = 1};
	const char *out = NULL, *from = NULL, *to = NULL;
	char err[256] = "";
	uint64_t v;
	int e;

	for (a->i = 2; a->i < a->argc; a->i++) {
		const char *o = a->argv[a->i];

		if (!strcmp(o, "--key")) {
			p.key_path = cli_value(a);
		} else if (!strcmp(o, "--version")) {
			p.version = cli_value(a);
		} else if (!strcmp(o, "--payload")) {
			p.payload_path = cli_value(a);
		} else if (!strcmp(o, "--from")) {
			from = cli_value(a);
		} else if (!strcmp(o, "--to")) {
			to = cli_value(a);
		} else if (!strcmp(o, "--dependency")) {
			if (p.dep_count == DSIM_MAX_DEPS ||
			    !(p.deps[p.dep_count++] = cli_value(a))) {
				return cli_usage("--dependency IMAGE:VERSION: missing or too many");
			}
		} else if (!strcmp(o, "--confirm")) {
			p.confirm = true;
		} else if (!strcmp(o, "--json")) {
			continue;
		} else if (!strcmp(o, "--size") || !strcmp(o, "--seed") || !strcmp(o, "--pad") ||
			   !strcmp(o, "--sec-cnt") || !strcmp(o, "--header-size") ||
			   !strcmp(o, "--flags") || !strcmp(o, "--tlv") ||
			   !strcmp(o, "--prot-tlv")) {
			if (cli_num_opt(a, &v)) {
				return cli_usage("bad number");
			}
			if ((!strcmp(o, "--tlv") || !strcmp(o, "--prot-tlv")) && v > 0xffff) {
				return cli_usage("--tlv TYPE: 0..0xffff");
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
			return cli_usage("unexpected argument");
		}
	}
	if (!out) {
		return cli_usage("missing output file");
	}
	if (!strcmp(cmd, "keygen")) {
		e = dsim_keygen(out, err, sizeof(err));
	} else if (!strcmp(cmd, "mkfull")) {
		if (!p.size) {
			return cli_usage("mkfull OUT --size KIB");
		}
		e = dsim_mkfull(p.size, p.seed, out, err, sizeof(err));
	} else if (!strcmp(cmd, "mkdelta")) {
		if (!from || !to || !p.size) {
			return cli_usage("mkdelta OUT --from UUID --to UUID --size N");
		}
		e = dsim_mkdelta(from, to, p.size, p.seed, out, err, sizeof(err));
	} else {
		if ((!p.size && !p.payload_path) || !p.version) {
			return cli_usage("mkimage OUT (--size N | --payload FILE)");
		}
		e = dsim_mkimage(&p, out, err, sizeof(err));
	}
	if (e) {
		return dsim_fail(cli_json, cli_command, DSIM_EXIT_DEVICE, "%s: %s", cmd,
				 err[0] ? err : dfu_errno_name(e));
	}
	if (cli_json) {
		cli_ok_begin();
		printf(",\"wrote\":");
		dsim_json_str(stdout, out);
		printf("}\n");
	} else {
		printf("wrote %s\n", out);
	}
	return DSIM_EXIT_OK;
}
