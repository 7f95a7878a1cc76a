/*
 * Simulated key-value store (portable core: ISO C only).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "sim_kv.h"

_Static_assert(DFU_KV_MAX_RECORD <= UINT16_MAX, "record length must fit sim_kv_record.len");

/* Key length 1..SIM_KV_KEY_MAX of printable, non-space ASCII, else -1. */
static int key_len(const char *key)
{
	int n = 0;

	if (key == NULL) {
		return -1;
	}
	while (key[n] != '\0') {
		if (n == SIM_KV_KEY_MAX || key[n] <= ' ' || key[n] > '~') {
			return -1;
		}
		n++;
	}
	return n == 0 ? -1 : n;
}

static struct sim_kv_record *find(struct sim_kv *kv, const char *key)
{
	for (size_t i = 0; i < SIM_KV_CAPACITY; i++) {
		if (kv->rec[i].used && strcmp(kv->rec[i].key, key) == 0) {
			return &kv->rec[i];
		}
	}
	return NULL;
}

static struct sim_kv_record *find_free(struct sim_kv *kv)
{
	for (size_t i = 0; i < SIM_KV_CAPACITY; i++) {
		if (!kv->rec[i].used) {
			return &kv->rec[i];
		}
	}
	return NULL;
}

static int kv_read(void *ctx, const char *key, void *dst, size_t len)
{
	struct sim_kv *kv = ctx;
	const struct sim_kv_record *r;
	int err = sim_power_check(kv->power);

	if (err != 0) {
		return err;
	}
	if (key_len(key) < 0 || (dst == NULL && len > 0)) {
		return -EINVAL;
	}
	kv->cnt.reads++;
	r = find(kv, key);
	if (r == NULL) {
		return -ENOENT;
	}
	if (len > r->len) {
		len = r->len;
	}
	if (len > 0) {
		memcpy(dst, r->data, len);
	}
	return (int)r->len;
}

static int kv_write(void *ctx, const char *key, const void *src, size_t len)
{
	struct sim_kv *kv = ctx;
	struct sim_kv_record *r;
	int cut;
	int err = sim_power_check(kv->power);

	if (err != 0) {
		return err;
	}
	if (key_len(key) < 0 || len > DFU_KV_MAX_RECORD || (src == NULL && len > 0)) {
		return -EINVAL;
	}
	r = find(kv, key);
	if (r == NULL) {
		r = find_free(kv);
		if (r == NULL) {
			return -ENOSPC;
		}
	}
	cut = sim_power_begin(kv->power);
	if (cut < 0) {
		return cut;
	}
	if (cut == SIM_POWER_CUT && kv->power->torn == SIM_TORN_NOTHING) {
		return -EIO;
	}

	/* Atomic: the whole record is replaced at once. */
	strcpy(r->key, key);
	r->len = (uint16_t)len;
	if (len > 0) {
		memcpy(r->data, src, len);
	}
	r->used = true;
	if (cut == SIM_POWER_CUT) {
		return -EIO;
	}
	kv->cnt.writes++;
	return 0;
}

static int kv_remove(void *ctx, const char *key)
{
	struct sim_kv *kv = ctx;
	struct sim_kv_record *r;
	int cut;
	int err = sim_power_check(kv->power);

	if (err != 0) {
		return err;
	}
	if (key_len(key) < 0) {
		return -EINVAL;
	}
	cut = sim_power_begin(kv->power);
	if (cut < 0) {
		return cut;
	}
	if (cut == SIM_POWER_CUT && kv->power->torn == SIM_TORN_NOTHING) {
		return -EIO;
	}

	r = find(kv, key);
	if (r != NULL) {
		memset(r, 0, sizeof(*r));
	}
	if (cut == SIM_POWER_CUT) {
		return -EIO;
	}
	kv->cnt.removes++;
	return 0;
}

void sim_kv_init(struct sim_kv *kv, struct sim_power *power)
{
	memset(kv, 0, sizeof(*kv));
	kv->power = power;
	kv->dev.ctx = kv;
	kv->dev.read = kv_read;
	kv->dev.write = kv_write;
	kv->dev.remove = kv_remove;
}

uint32_t sim_kv_count(const struct sim_kv *kv)
{
	uint32_t n = 0;

	for (size_t i = 0; i < SIM_KV_CAPACITY; i++) {
		if (kv->rec[i].used) {
			n++;
		}
	}
	return n;
}

void sim_kv_reset_counters(struct sim_kv *kv)
{
	memset(&kv->cnt, 0, sizeof(kv->cnt));
}
