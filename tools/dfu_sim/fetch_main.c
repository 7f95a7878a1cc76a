/*
 * dsim-fetch: test driver for the dfu-sim sources (source.c).
 *
 *   dsim-fetch SOURCE START OUT [READ_LEN]
 *
 * Opens SOURCE (a path or an http:// URL) at byte START, reads it in
 * READ_LEN-byte reads (default 1000) and writes the bytes to OUT (created
 * or truncated). Prints "total N" and "got N", exits 0 at the end of the
 * source; on an error prints it, keeps what was received in OUT and exits
 * 3 ("error: ECONNRESET: ..." or "error: EIO: ..."), or 1 (bad arguments or
 * a read after a short read returned data).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dsim.h"

static int parse_num(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);

	if (errno || end == s || *end || s[0] == '-') {
		return -1;
	}
	*v = (uint64_t)x;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t start = 0;
	uint64_t len = 1000;
	uint64_t total = 0;
	uint64_t got = 0;
	char err[512] = "";
	static uint8_t buf[1 << 20];

	if (argc < 4 || argc > 5 || parse_num(argv[2], &start) ||
	    (argc == 5 && (parse_num(argv[4], &len) || len == 0 || len > sizeof(buf)))) {
		fprintf(stderr, "usage: dsim-fetch SOURCE START OUT [READ_LEN (1..%zu)]\n",
			sizeof(buf));
		return 1;
	}
	FILE *out = fopen(argv[3], "wb");

	if (!out) {
		fprintf(stderr, "%s: %s\n", argv[3], strerror(errno));
		return 1;
	}
	struct dsim_source *s = dsim_source_open(argv[1], start, &total, err, sizeof(err));

	if (!s) {
		fclose(out);
		printf("error: open: %s\n", err);
		return DSIM_EXIT_DEVICE;
	}
	printf("total %" PRIu64 "\n", total);
	int rc = DSIM_EXIT_OK;
	bool short_read = false;

	for (;;) {
		long n = dsim_source_read(s, buf, (size_t)len, err, sizeof(err));

		if (n < 0) {
			printf("error: %s: %s\n", n == -ECONNRESET ? "ECONNRESET" : "EIO", err);
			rc = DSIM_EXIT_DEVICE;
			break;
		}
		if (n == 0) {
			break;
		}
		if (short_read) {
			/* A short read means end of source or error: no more data. */
			printf("error: read returned %ld after a short read\n", n);
			rc = 1;
			break;
		}
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n) {
			fprintf(stderr, "%s: %s\n", argv[3], strerror(errno));
			rc = 1;
			break;
		}
		got += (uint64_t)n;
		short_read = (uint64_t)n != len;
	}
	dsim_source_close(s);
	if (fclose(out) != 0 && rc == DSIM_EXIT_OK) {
		fprintf(stderr, "%s: %s\n", argv[3], strerror(errno));
		rc = 1;
	}
	printf("got %" PRIu64 "\n", got);
	return rc;
}
