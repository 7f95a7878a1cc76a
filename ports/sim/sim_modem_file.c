/*
 * Host-only file backing of the simulated modem's persistent state (struct
 * sim_modem_nv). Not built for the embedded target (SIM_NO_FILE).
 *
 * File format, version 1, all integers little-endian:
 *
 *   0    8  magic "SIMMODEM"
 *   8    4  version (1)
 *   12   4  area size n (must equal the modem's cfg.area_size)
 *   16   4  committed (<= n)
 *   20   4  erase_left_ms
 *   24   1  flags: bit 0 dirty, 1 not_blank, 2 erasing, 3 rollback_available,
 *              4 patch_valid, 5 unbootable (other bits 0)
 *   25   1  action (enum sim_modem_action)
 *   26   2  0
 *   28  36  uuid (running firmware)
 *   64  36  src_uuid
 *   100 36  dst_uuid
 *   136 n   area bytes
 *   136+n 4 CRC-32 (IEEE) of bytes 0 .. 135+n
 *
 * The area is saved as after a power loss: the uncommitted tail (bytes
 * between nv.committed and the append position) reads as erased.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_modem.h"

#define MAGIC "SIMMODEM"
#define VERSION 1u
#define HDR 136u
#define F_DIRTY 0x01u
#define F_NOT_BLANK 0x02u
#define F_ERASING 0x04u
#define F_ROLLBACK 0x08u
#define F_PATCH_VALID 0x10u
#define F_UNBOOTABLE 0x20u
#define F_ALL 0x3fu

static int errno_or_eio(void)
{
	return errno > 0 ? -errno : -EIO;
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++) {
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
		}
	}
	return ~crc;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int sim_modem_save(const struct sim_modem *m, const char *path)
{
	const struct sim_modem_nv *nv = &m->nv;
	size_t n = m->cfg.area_size;
	uint8_t *img;
	char *tmp;
	FILE *fp;
	int err = 0;

	if (path == NULL || nv->data == NULL || nv->committed > n) {
		return -EINVAL;
	}
	img = calloc(1, HDR + n + 4u);
	tmp = malloc(strlen(path) + 5u);
	if (img == NULL || tmp == NULL) {
		free(img);
		free(tmp);
		return -ENOMEM;
	}
	memcpy(img, MAGIC, 8);
	put32(img + 8, VERSION);
	put32(img + 12, (uint32_t)n);
	put32(img + 16, (uint32_t)nv->committed);
	put32(img + 20, nv->erase_left_ms);
	img[24] = (uint8_t)((nv->dirty ? F_DIRTY : 0u) | (nv->not_blank ? F_NOT_BLANK : 0u) |
			    (nv->erasing ? F_ERASING : 0u) |
			    (nv->rollback_available ? F_ROLLBACK : 0u) |
			    (nv->patch_valid ? F_PATCH_VALID : 0u) |
			    (nv->unbootable ? F_UNBOOTABLE : 0u));
	img[25] = (uint8_t)nv->action;
	memcpy(img + 28, nv->uuid, DFU_MODEM_UUID_LEN);
	memcpy(img + 64, nv->src_uuid, DFU_MODEM_UUID_LEN);
	memcpy(img + 100, nv->dst_uuid, DFU_MODEM_UUID_LEN);
	memcpy(img + HDR, nv->data, n);
	if (m->written > nv->committed) {
		size_t end = m->written < n ? m->written : n;

		memset(img + HDR + nv->committed, 0xff, end - nv->committed);
	}
	put32(img + HDR + n, crc32_update(0, img, HDR + n));

	strcpy(tmp, path);
	strcat(tmp, ".tmp");
	fp = fopen(tmp, "wb");
	if (fp == NULL) {
		err = errno_or_eio();
	} else {
		if (fwrite(img, 1, HDR + n + 4u, fp) != HDR + n + 4u) {
			err = -EIO;
		}
		if (fclose(fp) != 0 && err == 0) {
			err = -EIO;
		}
		if (err == 0 && rename(tmp, path) != 0) {
			err = errno_or_eio();
		}
		if (err != 0) {
			(void)remove(tmp);
		}
	}
	free(img);
	free(tmp);
	return err;
}

/* Check a whole file image of len bytes for a modem with area n. */
static int check(const uint8_t *img, size_t len, size_t n)
{
	if (len < HDR + 4u || memcmp(img, MAGIC, 8) != 0 || get32(img + 8) != VERSION) {
		return -EINVAL;
	}
	if (get32(img + 12) != n || len != HDR + n + 4u) {
		return -EINVAL; /* another area size, truncated or trailing bytes */
	}
	if (get32(img + HDR + n) != crc32_update(0, img, HDR + n)) {
		return -EINVAL;
	}
	if (get32(img + 16) > n || (img[24] & ~F_ALL) != 0 || img[25] > SIM_MODEM_ACTION_ROLLBACK ||
	    img[26] != 0 || img[27] != 0) {
		return -EINVAL;
	}
	return 0;
}

int sim_modem_load(struct sim_modem *m, const char *path)
{
	struct sim_modem_nv *nv = &m->nv;
	size_t n = m->cfg.area_size;
	size_t cap = HDR + n + 5u; /* one more: detect trailing bytes */
	uint8_t *img;
	size_t len;
	FILE *fp;
	int err = 0;

	if (path == NULL || nv->data == NULL) {
		return -EINVAL;
	}
	fp = fopen(path, "rb");
	if (fp == NULL) {
		return errno == ENOENT ? -ENOENT : errno_or_eio();
	}
	img = malloc(cap);
	if (img == NULL) {
		(void)fclose(fp);
		return -ENOMEM;
	}
	len = fread(img, 1, cap, fp);
	if (ferror(fp)) {
		err = -EIO;
	}
	(void)fclose(fp);
	if (err == 0) {
		err = check(img, len, n);
	}
	if (err == 0) {
		uint8_t fl = img[24];

		nv->committed = get32(img + 16);
		nv->erase_left_ms = get32(img + 20);
		nv->dirty = (fl & F_DIRTY) != 0;
		nv->not_blank = (fl & F_NOT_BLANK) != 0;
		nv->erasing = (fl & F_ERASING) != 0;
		nv->rollback_available = (fl & F_ROLLBACK) != 0;
		nv->patch_valid = (fl & F_PATCH_VALID) != 0;
		nv->unbootable = (fl & F_UNBOOTABLE) != 0;
		nv->action = (enum sim_modem_action)img[25];
		memcpy(nv->uuid, img + 28, DFU_MODEM_UUID_LEN);
		memcpy(nv->src_uuid, img + 64, DFU_MODEM_UUID_LEN);
		memcpy(nv->dst_uuid, img + 100, DFU_MODEM_UUID_LEN);
		memcpy(nv->data, img + HDR, n);
		/* Volatile state as after a power-up. */
		m->open = false;
		m->written = nv->committed;
		m->last_ms = m->clock ? m->clock->now_ms : 0;
		m->seen_cuts = m->power ? m->power->cuts : 0;
	}
	free(img);
	return err;
}
