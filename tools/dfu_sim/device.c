/*
 * dfu-sim: a simulated device that lives in a directory.
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

#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/version.h>

#include "dsim.h"

#define PATH_CAP 600

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || len == 0) {
		return;
	}
	va_start(ap, fmt);
	(void)vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static int errno_or_eio(void)
{
	return errno > 0 ? -errno : -EIO;
}

static int path_of(char *out, const char *dir, const char *name, const char *ext)
{
	int n = snprintf(out, PATH_CAP, "%s/%s%s", dir, name, ext);

	return n < 0 || n >= PATH_CAP ? -ENAMETOOLONG : 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int unlink_if_there(const char *path)
{
	return unlink(path) == 0 || errno == ENOENT ? 0 : errno_or_eio();
}

/*
 * A PEM key that mbedTLS could not parse: its algorithm from the OID in the
 * DER (RFC 8410 keys, which mbedTLS 2.x does not know), or NULL.
 */
static const char *other_key_type(const char *path)
{
	static const struct {
		uint8_t oid[5];
		const char *name;
	} known[] = {
		{{0x06, 0x03, 0x2b, 0x65, 0x70}, "Ed25519"},
		{{0x06, 0x03, 0x2b, 0x65, 0x71}, "Ed448"},
		{{0x06, 0x03, 0x2b, 0x65, 0x6e}, "X25519"},
		{{0x06, 0x03, 0x2b, 0x65, 0x6f}, "X448"},
	};
	static const char *const kinds[][2] = {
		{"-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----"},
		{"-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----"},
	};
	char text[4096];
	const char *found = NULL;
	FILE *fp = fopen(path, "rb");
	size_t n = fp ? fread(text, 1, sizeof(text) - 1, fp) : 0;

	if (fp != NULL) {
		(void)fclose(fp);
	}
	text[n] = '\0';
	for (size_t k = 0; k < 2 && found == NULL; k++) {
		mbedtls_pem_context pem;
		size_t used = 0;

		mbedtls_pem_init(&pem);
		if (mbedtls_pem_read_buffer(&pem, kinds[k][0], kinds[k][1],
					    (const unsigned char *)text, NULL, 0, &used) == 0) {
			size_t len = pem.buflen; /* mbedTLS 2.x: public fields */
			const unsigned char *der = pem.buf;

			/* The algorithm identifier sits in the first bytes. */
			for (size_t i = 0; i + 5 <= len && i < 24 && found == NULL; i++) {
				for (size_t j = 0; j < sizeof(known) / sizeof(known[0]); j++) {
					if (memcmp(der + i, known[j].oid, 5) == 0) {
						found = known[j].name;
					}
				}
			}
		}
		mbedtls_pem_free(&pem);
	}
	return found;
}

/* PEM public or private key file -> the DER form the library takes. */
static int pem_to_der(const char *path, uint8_t *out, uint16_t *out_len, char *err, size_t elen)
{
	mbedtls_pk_context pk;
	unsigned char tmp[1600];
	unsigned char *p = tmp + sizeof(tmp);
	FILE *fp = fopen(path, "rb");
	int ret;
	int rc = 0;

	if (fp == NULL) {
		rc = errno_or_eio();
		set_err(err, elen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	(void)fclose(fp);
	mbedtls_pk_init(&pk);
	ret = mbedtls_pk_parse_public_keyfile(&pk, path);
	if (ret != 0) {
		mbedtls_pk_free(&pk);
		mbedtls_pk_init(&pk);
		ret = mbedtls_pk_parse_keyfile(&pk, path, NULL);
	}
	const char *other = ret != 0 ? other_key_type(path) : NULL;

	if (other != NULL) {
		set_err(err, elen,
			"%s: an %s key: %s keys are not supported by this build's crypto port "
			"(mbedTLS %s)",
			path, other, other, MBEDTLS_VERSION_STRING);
		rc = -ENOTSUP;
	} else if (ret != 0) {
		set_err(err, elen, "%s: not a PEM public or private key", path);
		rc = -EINVAL;
	} else if (mbedtls_pk_get_type(&pk) == MBEDTLS_PK_RSA) {
		ret = mbedtls_pk_write_pubkey(&p, tmp, &pk);
	} else if (mbedtls_pk_get_type(&pk) == MBEDTLS_PK_ECKEY) {
		ret = mbedtls_pk_write_pubkey_der(&pk, tmp, sizeof(tmp));
		p = tmp + sizeof(tmp) - (ret > 0 ? ret : 0);
	} else {
		set_err(err, elen, "%s: key type not supported (EC or RSA)", path);
		rc = -ENOTSUP;
	}
	if (rc == 0 && (ret <= 0 || ret >= DSIM_KEY_MAX)) {
		set_err(err, elen, "%s: public key does not fit (%d)", path, ret);
		rc = ret <= 0 ? -EINVAL : -EFBIG;
	}
	if (rc == 0) {
		memcpy(out, p, (size_t)ret);
		*out_len = (uint16_t)ret;
	}
	mbedtls_pk_free(&pk);
	return rc;
}

int dsim_key_der(const char *path, uint8_t *out, uint16_t *out_len, char *err, size_t err_len)
{
	return pem_to_der(path, out, out_len, err, err_len);
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	int err = 0;

	if (fp == NULL) {
		return errno_or_eio();
	}
	if (fwrite(data, 1, len, fp) != len) {
		err = -EIO;
	}
	if (fclose(fp) != 0 && err == 0) {
		err = -EIO;
	}
	return err;
}

/* board.txt via a temporary file that must parse back. */
static int write_board(const char *dir, const struct dsim_board *b, char *err, size_t elen)
{
	char path[PATH_CAP];
	char tmp[PATH_CAP];
	char msg[160];
	struct dsim_board check;
	FILE *fp;
	int e;

	if (path_of(path, dir, "board", ".txt") != 0 || path_of(tmp, dir, "board", ".txt.tmp")) {
		return -ENAMETOOLONG;
	}
	fp = fopen(tmp, "w");
	if (fp == NULL) {
		e = errno_or_eio();
		set_err(err, elen, "%s: %s", tmp, strerror(-e));
		return e;
	}
	e = dsim_board_write(b, fp);
	if (fclose(fp) != 0 && e == 0) {
		e = -EIO;
	}
	if (e == 0) {
		e = dsim_board_load(tmp, &check, msg, sizeof(msg));
		if (e != 0) {
			set_err(err, elen, "invalid board: %s", msg);
		}
	}
	if (e == 0 && rename(tmp, path) != 0) {
		e = errno_or_eio();
	}
	if (e != 0) {
		(void)unlink(tmp);
	}
	return e;
}

static int fresh_flash(const char *dir, const struct dsim_flash_desc *fd)
{
	char path[PATH_CAP];
	struct sim_flash f;
	int e;

	if (path_of(path, dir, fd->name, ".bin") != 0) {
		return -ENAMETOOLONG;
	}
	e = unlink_if_there(path);
	if (e != 0) {
		return e;
	}
	e = sim_flash_init(&f, &fd->geo, fd->size, NULL);
	if (e != 0) {
		return e;
	}
	e = sim_flash_attach_file(&f, path); /* creates it erased */
	if (e == 0) {
		e = sim_flash_detach_file(&f);
	}
	sim_flash_free(&f);
	return e;
}

/* The names of a device's files (besides the flash files), tmp files
 * included: what create writes and remove deletes. */
static const char *const device_files[] = {
	"board.txt", "board.txt.tmp", "kv.bin",   "kv.bin.tmp", "modem.bin",
	"key0.der",  "key1.der",      "key2.der", "key3.der",
};

/* First file of a device that exists in dir (besides board.txt), or NULL;
 * name gets its file name. */
static const char *existing_file(const char *dir, const struct dsim_board *b, char *name,
				 size_t len)
{
	char path[PATH_CAP];

	for (unsigned i = 0; i < b->flash_count; i++) {
		if (path_of(path, dir, b->flash[i].name, ".bin") == 0 && exists(path)) {
			snprintf(name, len, "%s.bin", b->flash[i].name);
			return name;
		}
	}
	for (size_t i = 1; i < sizeof(device_files) / sizeof(device_files[0]); i++) {
		if (path_of(path, dir, device_files[i], "") == 0 && exists(path)) {
			snprintf(name, len, "%s", device_files[i]);
			return name;
		}
	}
	return NULL;
}

void dsim_device_remove(const char *dir, const struct dsim_board *b, bool remove_dir)
{
	char path[PATH_CAP];

	/* board.txt first: from then on it is no longer a device. */
	for (size_t i = 0; i < sizeof(device_files) / sizeof(device_files[0]); i++) {
		if (path_of(path, dir, device_files[i], "") == 0) {
			(void)unlink(path);
		}
	}
	for (unsigned i = 0; i < b->flash_count; i++) {
		if (path_of(path, dir, b->flash[i].name, ".bin") == 0) {
			(void)unlink(path);
		}
	}
	if (remove_dir) {
		(void)rmdir(dir); /* only if empty: never anything else's files */
	}
}

static int create_files(const char *dir, const struct dsim_board *b,
			const uint8_t (*der)[DSIM_KEY_MAX], const uint16_t *der_len,
			unsigned key_count, char *err, size_t err_len)
{
	char path[PATH_CAP];
	char name[16];
	struct sim_kv kv;
	int e = 0;

	for (unsigned i = 0; i < b->flash_count && e == 0; i++) {
		e = fresh_flash(dir, &b->flash[i]);
		if (e != 0) {
			set_err(err, err_len, "%s/%s.bin: %s", dir, b->flash[i].name, strerror(-e));
		}
	}
	if (e == 0) {
		sim_kv_init(&kv, NULL);
		e = path_of(path, dir, "kv", ".bin");
		e = e ? e : sim_kv_save(&kv, path);
		if (e != 0) {
			set_err(err, err_len, "%s/kv.bin: %s", dir, strerror(-e));
		}
	}
	if (e == 0) {
		e = path_of(path, dir, "modem", ".bin");
	}
	if (e == 0 && b->has_modem) {
		struct sim_modem m;
		struct sim_modem_cfg mc;

		sim_modem_default_cfg(&mc);
		mc.area_size = b->modem_area;
		e = sim_modem_init(&m, &mc, b->modem_uuid, NULL, NULL);
		if (e == 0) {
			e = sim_modem_save(&m, path);
			sim_modem_free(&m);
		}
		if (e != 0) {
			set_err(err, err_len, "%s: %s", path, strerror(-e));
		}
	}
	for (unsigned i = 0; i < key_count && e == 0; i++) {
		(void)snprintf(name, sizeof(name), "key%u", i);
		e = path_of(path, dir, name, ".der");
		e = e ? e : write_file(path, der[i], der_len[i]);
		if (e != 0) {
			set_err(err, err_len, "%s: %s", path, strerror(-e));
		}
	}
	if (e == 0) {
		e = write_board(dir, b, err, err_len); /* last: marks a complete device */
	}
	return e;
}

int dsim_device_create(const char *dir, const struct dsim_board *b, const char *const *key_paths,
		       unsigned key_count, char *err, size_t err_len)
{
	uint8_t der[DSIM_MAX_KEYS][DSIM_KEY_MAX];
	uint16_t der_len[DSIM_MAX_KEYS];
	char path[PATH_CAP];
	char name[40];
	struct stat st;
	bool made_dir;
	int e = 0;

	set_err(err, err_len, "%s", "");
	if (dir == NULL || b == NULL || key_count > DSIM_MAX_KEYS ||
	    (key_count > 0 && key_paths == NULL)) {
		set_err(err, err_len, "bad arguments (at most %d keys)", DSIM_MAX_KEYS);
		return -EINVAL;
	}
	for (unsigned i = 0; i < key_count; i++) {
		e = pem_to_der(key_paths[i], der[i], &der_len[i], err, err_len);
		if (e != 0) {
			return e;
		}
	}
	made_dir = mkdir(dir, 0777) == 0;
	if (!made_dir && errno != EEXIST) {
		e = errno_or_eio();
		set_err(err, err_len, "%s: %s", dir, strerror(-e));
		return e;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		set_err(err, err_len, "%s: not a directory", dir);
		return -ENOTDIR;
	}
	if (path_of(path, dir, "board", ".txt") != 0) {
		set_err(err, err_len, "%s: path too long", dir);
		e = -ENAMETOOLONG;
	} else if (exists(path)) {
		set_err(err, err_len, "%s already holds a device (board.txt)", dir);
		e = -EEXIST;
	} else if (!made_dir && existing_file(dir, b, name, sizeof(name)) != NULL) {
		/* Not a device, but it has a file create would overwrite. */
		set_err(err, err_len,
			"%s is not a device but has a file named like a device's (%s); "
			"use a new or empty directory",
			dir, name);
		e = -EEXIST;
	}
	if (e != 0) {
		if (made_dir) {
			(void)rmdir(dir);
		}
		return e;
	}
	e = create_files(dir, b, (const uint8_t(*)[DSIM_KEY_MAX])der, der_len, key_count, err,
			 err_len);
	if (e != 0) {
		/* Only our files (none of them existed before), and the
		 * directory if this call made it. */
		dsim_device_remove(dir, b, made_dir);
	}
	return e;
}

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
