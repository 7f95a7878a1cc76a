/*
 * Store port on Zephyr's settings subsystem (see dfu_zephyr.h for the
 * atomicity argument per backend).
 *
 * A record "key" is the settings name "<prefix>/<key>". Reads load exactly
 * that name with settings_load_subtree_direct() (the callback accepts only
 * the name itself, not names below it), straight from the backend.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include <zephyr/settings/settings.h>

#include "dfu_zephyr/dfu_zephyr.h"

/* The port contract requires each record write and delete to be atomic.
 * Backends known to be: NVS, ZMS (Zephyr >= 3.7), FCB. */
#if !(defined(CONFIG_SETTINGS_NVS) || defined(CONFIG_SETTINGS_ZMS) || \
      defined(CONFIG_SETTINGS_FCB) || defined(CONFIG_DFU_TARGET_SETTINGS_ATOMIC_BACKEND))
#error "dfu_target: the settings backend must write records atomically (NVS, ZMS, FCB; \
or vouch for a custom one with CONFIG_DFU_TARGET_SETTINGS_ATOMIC_BACKEND)"
#endif

#define PREFIX CONFIG_DFU_TARGET_SETTINGS_PREFIX
/* prefix + '/' + key (<= 15 characters) + NUL */
#define NAME_MAX_LEN (sizeof(PREFIX) + 1 + 15 + 1)

BUILD_ASSERT(sizeof(PREFIX) + 1 + 15 <= SETTINGS_MAX_NAME_LEN,
	     "CONFIG_DFU_TARGET_SETTINGS_PREFIX too long for SETTINGS_MAX_NAME_LEN");
BUILD_ASSERT(DFU_KV_MAX_RECORD <= SETTINGS_MAX_VAL_LEN, "settings values too small");

static int make_name(char name[NAME_MAX_LEN], const char *key)
{
	size_t k;

	if (key == NULL) {
		return -EINVAL;
	}
	k = strlen(key);
	if (k == 0 || k > 15) {
		return -EINVAL;
	}
	memcpy(name, PREFIX, sizeof(PREFIX) - 1);
	name[sizeof(PREFIX) - 1] = '/';
	memcpy(name + sizeof(PREFIX), key, k + 1);
	return 0;
}

struct read_arg {
	void *dst;
	size_t cap;
	int result; /* full length, -ENOENT, or an error */
};

static int read_cb(const char *rest, size_t len, settings_read_cb read, void *cb_arg, void *param)
{
	struct read_arg *a = param;
	uint8_t tmp[DFU_KV_MAX_RECORD];
	ssize_t n;

	if (rest != NULL) {
		return 0; /* a name below ours: not this record */
	}
	if (len > sizeof(tmp)) {
		a->result = -EMSGSIZE;
		return 1;
	}
	/* Read the whole value (backends may not allow a partial read). */
	n = read(cb_arg, tmp, len);
	if (n < 0) {
		a->result = (int)n;
		return 1;
	}
	if ((size_t)n != len) {
		a->result = -EIO;
		return 1;
	}
	memcpy(a->dst, tmp, MIN(len, a->cap));
	a->result = (int)len;
	return 1; /* the newest value: stop */
}

static int kv_read(void *ctx, const char *key, void *dst, size_t len)
{
	char name[NAME_MAX_LEN];
	struct read_arg a = {.dst = dst, .cap = len, .result = -ENOENT};
	int err;

	ARG_UNUSED(ctx);
	err = make_name(name, key);
	if (err != 0 || (dst == NULL && len != 0)) {
		return -EINVAL;
	}
	err = settings_load_subtree_direct(name, read_cb, &a);
	if (err != 0) {
		return err < 0 ? err : -EIO;
	}
	return a.result;
}

static int kv_write(void *ctx, const char *key, const void *src, size_t len)
{
	char name[NAME_MAX_LEN];
	int err;

	ARG_UNUSED(ctx);
	err = make_name(name, key);
	if (err != 0 || src == NULL || len == 0 || len > DFU_KV_MAX_RECORD) {
		return -EINVAL;
	}
	err = settings_save_one(name, src, len);
	return err > 0 ? -EIO : err;
}

static int kv_remove(void *ctx, const char *key)
{
	char name[NAME_MAX_LEN];
	int err;

	ARG_UNUSED(ctx);
	err = make_name(name, key);
	if (err != 0) {
		return err;
	}
	err = settings_delete(name);
	if (err == -ENOENT) {
		return 0;
	}
	return err > 0 ? -EIO : err;
}

static const struct dfu_kv kv = {
	.ctx = NULL,
	.read = kv_read,
	.write = kv_write,
	.remove = kv_remove,
};

const struct dfu_kv *dfu_zephyr_kv(void)
{
	return settings_subsys_init() == 0 ? &kv : NULL;
}
