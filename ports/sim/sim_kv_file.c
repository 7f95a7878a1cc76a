/*
 * Host-only file backing of the simulated key-value store (text format,
 * described in sim_kv.h). Not built for the embedded target.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim_kv.h"

#define HEADER "sim_kv 1\n"

static int errno_or_eio(void)
{
	return errno > 0 ? -errno : -EIO;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

int sim_kv_save(const struct sim_kv *kv, const char *path)
{
	FILE *fp;
	int err = 0;

	if (path == NULL) {
		return -EINVAL;
	}
	fp = fopen(path, "w");
	if (fp == NULL) {
		return errno_or_eio();
	}
	if (fputs(HEADER, fp) < 0) {
		err = -EIO;
	}
	for (size_t i = 0; i < SIM_KV_CAPACITY && err == 0; i++) {
		const struct sim_kv_record *r = &kv->rec[i];

		if (!r->used) {
			continue;
		}
		if (fprintf(fp, "%s %u ", r->key, (unsigned int)r->len) < 0) {
			err = -EIO;
		}
		for (size_t j = 0; j < r->len && err == 0; j++) {
			if (fprintf(fp, "%02x", (unsigned int)r->data[j]) < 0) {
				err = -EIO;
			}
		}
		if (err == 0 && fputs(r->len == 0 ? "-\n" : "\n", fp) < 0) {
			err = -EIO;
		}
	}
	if (fclose(fp) != 0 && err == 0) {
		err = -EIO;
	}
	return err;
}

/* Parse one "<key> <len> <hex>" line (newline already stripped) into r. */
static int parse_line(const char *line, struct sim_kv_record *r)
{
	const char *sp = strchr(line, ' ');
	size_t klen;
	unsigned long len = 0;
	const char *p;

	if (sp == NULL) {
		return -EINVAL;
	}
	klen = (size_t)(sp - line);
	if (klen == 0 || klen > SIM_KV_KEY_MAX) {
		return -EINVAL;
	}
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < klen; i++) {
		if (line[i] <= ' ' || line[i] > '~') {
			return -EINVAL;
		}
		r->key[i] = line[i];
	}
	p = sp + 1;
	if (*p < '0' || *p > '9') {
		return -EINVAL;
	}
	while (*p >= '0' && *p <= '9') {
		len = len * 10u + (unsigned long)(*p - '0');
		if (len > DFU_KV_MAX_RECORD) {
			return -EINVAL;
		}
		p++;
	}
	if (*p++ != ' ') {
		return -EINVAL;
	}
	if (len == 0) {
		if (strcmp(p, "-") != 0) {
			return -EINVAL;
		}
	} else {
		if (strlen(p) != 2u * len) {
			return -EINVAL;
		}
		for (size_t j = 0; j < len; j++) {
			int hi = hex_digit(p[2 * j]);
			int lo = hex_digit(p[2 * j + 1]);

			if (hi < 0 || lo < 0) {
				return -EINVAL;
			}
			r->data[j] = (uint8_t)(hi * 16 + lo);
		}
	}
	r->len = (uint16_t)len;
	r->used = true;
	return 0;
}

int sim_kv_load(struct sim_kv *kv, const char *path)
{
	struct sim_kv_record rec[SIM_KV_CAPACITY];
	char line[SIM_KV_KEY_MAX + 2 * DFU_KV_MAX_RECORD + 16];
	size_t n = 0;
	FILE *fp;
	int err = 0;

	if (path == NULL) {
		return -EINVAL;
	}
	fp = fopen(path, "r");
	if (fp == NULL) {
		return errno == ENOENT ? -ENOENT : errno_or_eio();
	}
	memset(rec, 0, sizeof(rec));
	if (fgets(line, sizeof(line), fp) == NULL || strcmp(line, HEADER) != 0) {
		err = -EINVAL;
	}
	while (err == 0 && fgets(line, sizeof(line), fp) != NULL) {
		size_t l = strlen(line);

		if (l == 0 || line[l - 1] != '\n' || n == SIM_KV_CAPACITY) {
			err = -EINVAL; /* Line too long, unterminated, or too many. */
			break;
		}
		line[l - 1] = '\0';
		err = parse_line(line, &rec[n]);
		for (size_t i = 0; i < n && err == 0; i++) {
			if (strcmp(rec[i].key, rec[n].key) == 0) {
				err = -EINVAL; /* Duplicate key. */
			}
		}
		n++;
	}
	if (err == 0 && ferror(fp)) {
		err = -EIO;
	}
	(void)fclose(fp);
	if (err == 0) {
		memcpy(kv->rec, rec, sizeof(rec));
	}
	return err;
}
