/*
 * SPDX-License-Identifier: Apache-2.0
 */
#include "ram_port.h"

#include <errno.h>
#include <string.h>

uint8_t ram_flash_mem[RAM_FLASH_SIZE];

static int flash_read(void *ctx, uint32_t off, void *dst, size_t len)
{
	(void)ctx;
	memcpy(dst, ram_flash_mem + off, len);
	return 0;
}

static int flash_program(void *ctx, uint32_t off, const void *src, size_t len)
{
	(void)ctx;
	memcpy(ram_flash_mem + off, src, len);
	return 0;
}

static int flash_erase(void *ctx, uint32_t off, size_t len)
{
	(void)ctx;
	memset(ram_flash_mem + off, 0xFF, len);
	return 0;
}

const struct dfu_flash my_flash = {
	.read = flash_read,
	.program = flash_program,
	.erase = flash_erase,
	.size = RAM_FLASH_SIZE,
	.write_block = 4,
	.erase_block = 4096,
	.erase_value = 0xFF,
};

/* The store: a few records, each replaced whole (atomic in RAM). */
#define KV_SLOTS 8
static struct {
	char key[16];
	uint8_t val[DFU_KV_MAX_RECORD];
	size_t len;
} records[KV_SLOTS];

static int kv_find(const char *key)
{
	for (int i = 0; i < KV_SLOTS; i++) {
		if (strcmp(records[i].key, key) == 0) {
			return i;
		}
	}
	return -1;
}

static int kv_read(void *ctx, const char *key, void *dst, size_t len)
{
	int i = kv_find(key);

	(void)ctx;
	if (i < 0) {
		return -ENOENT;
	}
	memcpy(dst, records[i].val, len < records[i].len ? len : records[i].len);
	return (int)records[i].len;
}

static int kv_write(void *ctx, const char *key, const void *src, size_t len)
{
	int i = kv_find(key);

	(void)ctx;
	if (i < 0) {
		i = kv_find(""); /* a free slot */
	}
	if (i < 0 || len > DFU_KV_MAX_RECORD || strlen(key) >= sizeof(records[i].key)) {
		return -ENOSPC;
	}
	strcpy(records[i].key, key);
	memcpy(records[i].val, src, len);
	records[i].len = len;
	return 0;
}

static int kv_remove(void *ctx, const char *key)
{
	int i = kv_find(key);

	(void)ctx;
	if (i >= 0) {
		memset(&records[i], 0, sizeof(records[i]));
	}
	return 0;
}

const struct dfu_kv my_kv = {.read = kv_read, .write = kv_write, .remove = kv_remove};
