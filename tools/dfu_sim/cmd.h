/*
 * dfu-sim command line: what main.c shares with the command handlers
 * (cmd_init.c: boards, init; cmd_artifact.c: detect, apply; cmd_device.c:
 * status, reset, confirm; cmd_make.c: keygen, mkimage, mkdelta, mkfull).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DSIM_CMD_H_
#define DSIM_CMD_H_

#include <stdbool.h>
#include <stdint.h>

/* --json anywhere on the command line: every outcome is one JSON object. */
extern bool cli_json;
/* The command's name, for its JSON result. */
extern const char *cli_command;

struct args {
	int argc;
	char **argv;
	int i;
};

/* A command's success in JSON: {"command", "result":"ok", "exit":0, ...}
 * (the caller adds members and the closing brace). */
void cli_ok_begin(void);

/* A usage error (exit 1) saying what. */
int cli_usage(const char *what);

/* Decimal or 0x hex, optional K or M suffix. */
int cli_num(const char *s, uint64_t *out);

/* Next option's value, or NULL (usage error reported by the caller). */
const char *cli_value(struct args *a);

/* Next option's value as a number (cli_num()). */
int cli_num_opt(struct args *a, uint64_t *out);

int cmd_boards(struct args *a);
int cmd_init(struct args *a);
int cmd_detect(struct args *a);
int cmd_apply(struct args *a);
/* status, reset, confirm (cmd names which). */
int cmd_device(struct args *a, const char *cmd);
/* keygen, mkimage, mkdelta, mkfull (cmd names which). */
int cmd_make(struct args *a, const char *cmd);

#endif /* DSIM_CMD_H_ */
