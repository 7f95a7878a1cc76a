/*
 * dfu-sim: creating and removing a device directory (board.txt, the flash
 * files filled with their erase value, an empty store, the modem state,
 * the trusted keys converted to DER), and the PEM-to-DER key conversion.
 * Opening and wiring the device: device.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/version.h>

#include "device_internal.h"
#include "dsim.h"

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
