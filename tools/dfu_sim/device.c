/*
 * dfu-sim: a simulated device that lives in a directory (opened, wired to
 * the library and closed here; created and removed in device_create.c).
 *
 *   board.txt        the layout (dsim_board_write()); its presence marks a
 *                    device (create refuses a directory that has one)
 *   <flash>.bin      one per flash device, byte for byte; every program and
 *                    erase is written through (sim_flash_attach_file())
 *   kv.bin           the key-value store (sim_kv_save() text format)
 *   modem.bin        the modem's persistent state (sim_modem_save()), when
 *                    the board has a modem
 *   key0.der ..      trusted public keys in the form the MCUboot target and
 *                    the crypto port take them: DER SubjectPublicKeyInfo for
 *                    EC keys, DER PKCS#1 RSAPublicKey for RSA keys (what
 *                    imgtool embeds and MCUboot hashes for KEYHASH)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device_internal.h"
#include "dsim.h"

static void release(struct dsim_device *d)
{
	for (unsigned i = 0; i < DSIM_MAX_FLASH; i++) {
		sim_flash_free(&d->flash[i]);
	}
	sim_modem_free(&d->modem);
	dfu_crypto_mbedtls_free(&d->crypto_state);
	d->open = false;
}

static int load_keys(struct dsim_device *d, char *err, size_t err_len)
{
	char path[PATH_CAP];
	char name[16];

	for (unsigned i = 0; i < DSIM_MAX_KEYS; i++) {
		FILE *fp;
		size_t n;

		(void)snprintf(name, sizeof(name), "key%u", i);
		if (path_of(path, d->dir, name, ".der") != 0) {
			return -ENAMETOOLONG;
		}
		fp = fopen(path, "rb");
		if (fp == NULL && errno == ENOENT) {
			break;
		}
		if (fp == NULL) {
			int e = errno_or_eio();

			set_err(err, err_len, "%s: %s", path, strerror(-e));
			return e;
		}
		n = fread(d->key_der[i], 1, DSIM_KEY_MAX, fp);
		if (n == 0 || n == DSIM_KEY_MAX || ferror(fp)) {
			(void)fclose(fp);
			set_err(err, err_len, "%s: empty, unreadable or over %d bytes", path,
				DSIM_KEY_MAX - 1);
			return -EINVAL;
		}
		(void)fclose(fp);
		d->keys[i] = (struct dfu_mcuboot_key){.der = d->key_der[i], .der_len = (uint16_t)n};
		d->key_count = i + 1;
	}
	return 0;
}

static int open_flashes(struct dsim_device *d, char *err, size_t err_len)
{
	char path[PATH_CAP];

	for (unsigned i = 0; i < d->board.flash_count; i++) {
		const struct dsim_flash_desc *fd = &d->board.flash[i];
		int e = sim_flash_init(&d->flash[i], &fd->geo, fd->size, &d->power);

		if (e != 0) {
			set_err(err, err_len, "flash '%s': %s", fd->name, strerror(-e));
			return e;
		}
		e = path_of(path, d->dir, fd->name, ".bin");
		if (e == 0 && !exists(path)) {
			e = -ENOENT;
		}
		if (e == 0) {
			e = sim_flash_attach_file(&d->flash[i], path);
		}
		if (e != 0) {
			set_err(err, err_len, "%s/%s.bin: %s", d->dir, fd->name,
				e == -EINVAL ? "not a regular file of the flash's size"
					     : strerror(-e));
			return e;
		}
	}
	return 0;
}

static int open_modem(struct dsim_device *d, char *err, size_t err_len)
{
	struct sim_modem_cfg mc;
	char path[PATH_CAP];
	int e;

	sim_modem_default_cfg(&mc);
	mc.area_size = d->board.modem_area;
	e = sim_modem_init(&d->modem, &mc, d->board.modem_uuid, &d->power, &d->clock);
	if (e == 0) {
		e = path_of(path, d->dir, "modem", ".bin");
	}
	if (e == 0 && exists(path)) {
		e = sim_modem_load(&d->modem, path);
		if (e != 0) {
			set_err(err, err_len, "%s: %s", path,
				e == -EINVAL ? "corrupt modem state (or another area size)"
					     : strerror(-e));
		}
	} else if (e != 0) {
		set_err(err, err_len, "modem: %s", strerror(-e));
	}
	return e;
}

/* The library over the simulated parts. */
static void wire(struct dsim_device *d)
{
	const struct dsim_board *b = &d->board;
	size_t n = 0;
	uint8_t flags = 0;

	dfu_crypto_mbedtls_init(&d->crypto_state, &d->crypto, true);
	d->port = (struct dfu_port){
		.kv = &d->kv.dev,
		.clock = &d->clock.dev,
		.crypto = &d->crypto,
		.modem = b->has_modem ? &d->modem.dev : NULL,
	};
	for (unsigned i = 0; i < b->pair_count; i++) {
		const struct dsim_pair_desc *p = &b->pair[i];

		d->pairs[i] = (struct dfu_mcuboot_pair){
			.primary = {&d->flash[p->primary.dev].dev, p->primary.off, p->primary.size},
			.secondary = {&d->flash[p->secondary.dev].dev, p->secondary.off,
				      p->secondary.size},
			.mode = p->mode,
			.max_align = p->max_align,
			.max_img_sectors = p->max_img_sectors,
			.image = p->image,
		};
		/* The bootloader profile: the board's (cfg.profile below), or the
		 * pair's own keys over it. */
		dsim_board_profile(b, i, &d->pair_prof[i]);
		if (dsim_pair_own_profile(p)) {
			d->pairs[i].profile = &d->pair_prof[i];
		}
		if (d->pair_prof[i].features & DFU_MCUBOOT_P_ENCRYPT) {
			flags |= DFU_MCUBOOT_ALLOW_UNVERIFIED; /* encrypted images taken */
		}
	}
	d->mboard =
		(struct dfu_mcuboot_board){.pairs = d->pairs, .pair_count = (uint8_t)b->pair_count};
	d->mcuboot.cfg = (struct dfu_mcuboot_cfg){
		.board = &d->mboard,
		.buf = d->mcuboot_buf,
		.buf_len = DSIM_BUF_LEN,
		.kv = &d->kv.dev, /* status/schedule/confirm run without an init */
		.crypto = &d->crypto,
		.keys = d->key_count > 0 ? d->keys : NULL,
		.key_count = (uint8_t)d->key_count,
		.flags = flags,
		.profile = &b->profile.build,
	};
	d->entries[n++] = (struct dfu_target_entry){&dfu_target_mcuboot_ops, &d->mcuboot};
	d->delta_out.cfg = d->mcuboot.cfg;
	d->delta_out.cfg.buf = d->delta_out_buf;
	d->app_delta.cfg = (struct dfu_mcuboot_delta_cfg){
		.mcuboot = &d->delta_out,
		.window = d->delta_win,
		.window_len = DSIM_DELTA_WINDOW,
		.kv = &d->kv.dev,
	};
	d->entries[n++] = (struct dfu_target_entry){&dfu_target_mcuboot_delta_ops, &d->app_delta};
	if (b->has_modem) {
		d->entries[n++] = (struct dfu_target_entry){&dfu_target_modem_delta_ops, &d->delta};
	}
	if (b->has_full_modem) {
		d->full_modem.cfg = (struct dfu_full_modem_cfg){
			.flash = &d->flash[b->full_modem.dev].dev,
			.offset = b->full_modem.off,
			.size = b->full_modem.size,
			.buf = d->full_modem_buf,
			.buf_len = DSIM_BUF_LEN,
			.kv = &d->kv.dev, /* dfu_full_modem_stored() without an init */
		};
		d->entries[n++] =
			(struct dfu_target_entry){&dfu_target_full_modem_ops, &d->full_modem};
	}
	d->cfg = (struct dfu_config){.port = &d->port, .targets = d->entries, .target_count = n};
}

/* Why sim_kv_load() refused a store file: the first line that is not in
 * the format (sim_kv.h), or what else is wrong. */
static void store_problem(const char *path, char *out, size_t len)
{
	char line[600];
	unsigned n = 0;
	FILE *fp = fopen(path, "r");

	snprintf(out, len, "duplicate keys or more than %d records", SIM_KV_CAPACITY);
	if (fp == NULL) {
		snprintf(out, len, "unreadable");
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t l = strlen(line);
		char key[SIM_KV_KEY_MAX + 2];
		unsigned rlen;
		int used = 0;

		n++;
		if (l == 0 || line[l - 1] != '\n') {
			snprintf(out, len, "line %u is too long or unterminated", n);
			break;
		}
		line[--l] = '\0';
		if (n == 1) {
			if (strcmp(line, "sim_kv 1") != 0) {
				snprintf(out, len, "line 1 is not the header \"sim_kv 1\"");
				break;
			}
			continue;
		}
		if (sscanf(line, "%16s %u %n", key, &rlen, &used) != 2 ||
		    strlen(key) > SIM_KV_KEY_MAX || rlen > DFU_KV_MAX_RECORD ||
		    (rlen == 0 ? strcmp(line + used, "-") != 0
			       : strlen(line + used) != 2u * rlen ||
					 strspn(line + used, "0123456789abcdef") != 2u * rlen)) {
			snprintf(out, len, "line %u is not \"<key> <length> <hex bytes>\"", n);
			break;
		}
	}
	if (n == 0) {
		snprintf(out, len, "empty (no \"sim_kv 1\" header)");
	}
	(void)fclose(fp);
}

/* The directory, then board.txt: a message that says what to do. */
static int load_board(struct dsim_device *d, const char *dir, char *err, size_t err_len)
{
	char path[PATH_CAP];
	char msg[200];
	struct stat st;
	int e;

	if (stat(dir, &st) != 0) {
		e = errno_or_eio();
		set_err(err, err_len, "%s: %s (create a device: dfu-sim init %s --board NAME)", dir,
			strerror(-e), dir);
		return e;
	}
	if (!S_ISDIR(st.st_mode)) {
		set_err(err, err_len, "%s: not a directory (a device is a directory: dfu-sim init)",
			dir);
		return -ENOTDIR;
	}
	e = path_of(path, dir, "board", ".txt");
	if (e == 0 && !exists(path)) {
		set_err(err, err_len,
			"%s: not a device (no board.txt; create one: dfu-sim init %s --board NAME)",
			dir, dir);
		return -ENOENT;
	}
	if (e == 0) {
		e = dsim_board_load(path, &d->board, msg, sizeof(msg));
		if (e != 0) {
			set_err(err, err_len, "%s%s%s", e == -EINVAL ? path : "",
				e == -EINVAL ? ": " : "", msg);
		}
	}
	return e;
}

int dsim_device_open(struct dsim_device *d, const char *dir, char *err, size_t err_len)
{
	return dsim_device_open_ex(d, dir, 0, err, err_len);
}

int dsim_device_open_ex(struct dsim_device *d, const char *dir, unsigned flags, char *err,
			size_t err_len)
{
	char path[PATH_CAP];
	int e;

	memset(d, 0, sizeof(*d));
	set_err(err, err_len, "%s", "");
	if (dir == NULL || strlen(dir) >= sizeof(d->dir)) {
		set_err(err, err_len, "bad device directory");
		return -EINVAL;
	}
	strcpy(d->dir, dir);
	e = load_board(d, dir, err, err_len);
	if (e != 0) {
		return e;
	}
	sim_power_init(&d->power);
	sim_clock_init(&d->clock);
	sim_kv_init(&d->kv, &d->power);
	e = open_flashes(d, err, err_len);
	if (e == 0) {
		e = path_of(path, dir, "kv", ".bin");
	}
	if (e == 0 && !(flags & DSIM_OPEN_ERASE_STORE)) {
		e = sim_kv_load(&d->kv, path);
		if (e == -ENOENT) {
			e = 0; /* an empty store */
		} else if (e == -EINVAL) {
			char why[120];

			store_problem(path, why, sizeof(why));
			set_err(err, err_len,
				"store file %s is corrupt: %s; `dfu-sim reset --erase-store %s` "
				"starts it empty (download progress and verified records are "
				"lost, flash is kept), or init a new device",
				path, why, dir);
		} else if (e != 0) {
			set_err(err, err_len, "%s: %s", path, strerror(-e));
		}
	}
	if (e == 0 && d->board.has_modem) {
		e = open_modem(d, err, err_len);
	}
	if (e == 0) {
		e = load_keys(d, err, err_len);
	}
	if (e == 0) {
		wire(d);
		e = dfu_ctx_setup(&d->ctx, &d->cfg);
		if (e != 0) {
			set_err(err, err_len, "library configuration refused (%d)", e);
		}
	}
	if (e != 0) {
		release(d);
		return e;
	}
	d->open = true;
	return 0;
}

int dsim_device_close(struct dsim_device *d)
{
	char path[PATH_CAP];
	char tmp[PATH_CAP];
	int first = 0;
	int e;

	if (d == NULL || !d->open) {
		return 0;
	}
	/* The store: to a temporary file, then renamed (atomic). */
	e = path_of(path, d->dir, "kv", ".bin");
	if (e == 0) {
		e = path_of(tmp, d->dir, "kv", ".bin.tmp");
	}
	if (e == 0) {
		e = sim_kv_save(&d->kv, tmp);
	}
	if (e == 0 && rename(tmp, path) != 0) {
		e = errno_or_eio();
	}
	first = e;
	if (d->board.has_modem) {
		e = path_of(path, d->dir, "modem", ".bin");
		e = e ? e : sim_modem_save(&d->modem, path);
		first = first ? first : e;
	}
	for (unsigned i = 0; i < d->board.flash_count; i++) {
		e = sim_flash_detach_file(&d->flash[i]);
		first = first ? first : e;
	}
	release(d);
	return first;
}

uint64_t dsim_device_time_us(const struct dsim_device *d)
{
	uint64_t t = d->clock.now_ms * 1000u;

	for (unsigned i = 0; i < d->board.flash_count; i++) {
		t += d->flash[i].cnt.time_us;
	}
	return t;
}

uint64_t dsim_device_flash_ops(const struct dsim_device *d)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < d->board.flash_count; i++) {
		n += (uint64_t)d->flash[i].cnt.programs + d->flash[i].cnt.erases;
	}
	return n;
}

int dsim_device_pair_by_name(const struct dsim_device *d, const char *name)
{
	return dsim_board_pair_by_name(&d->board, name);
}
