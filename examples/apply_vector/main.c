/*
 * apply_vector: a tiny host program that applies one MCUboot image through
 * the seed API (dfu_target_*), the way device firmware does, on a simulated
 * nRF9160-style device: RAM flash (ports/sim), an in-RAM store, and the
 * mbedTLS crypto port for the signature.
 *
 *   apply_vector IMAGE.bin [KEY.der]     (KEY: SubjectPublicKeyInfo DER)
 *
 * Exit status 0 when the image was verified and a test upgrade requested.
 * It is built three ways in CI (scripts/consumers.sh): against an installed
 * prefix with find_package(dfu_target), with pkg-config, and with
 * add_subdirectory() of the source tree.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>

#include "dfu/dfu_errname.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_mcuboot.h"
#include "dfu_crypto_mbedtls.h"
#include "sim_flash.h"
#include "sim_kv.h"

#define CHUNK 1024u /* what a transport hands over at a time */

static size_t load(const char *path, uint8_t **out)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (*out = malloc((size_t)n)) == NULL ||
	    fread(*out, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	return (size_t)n;
}

int main(int argc, char **argv)
{
	static struct sim_flash flash;
	static struct sim_kv kv;
	static uint8_t buf[512];
	struct dfu_crypto_mbedtls mbed;
	struct dfu_crypto crypto;
	uint8_t *img;
	uint8_t *key = NULL;
	size_t key_len = 0;
	int err;

	if (argc < 2) {
		fprintf(stderr, "usage: %s IMAGE.bin [KEY.der]\n", argv[0]);
		return 2;
	}
	size_t n = load(argv[1], &img);
	if (argc > 2) {
		key_len = load(argv[2], &key);
	}

	/* The device: 1 MiB internal flash with nRF91-style MCUboot slots, a
	 * store for progress records, and a crypto port. */
	if (sim_flash_init(&flash, &sim_geo_nrf9160, 0, NULL) != 0) {
		return 2;
	}
	sim_kv_init(&kv, NULL);
	dfu_crypto_mbedtls_init(&mbed, &crypto, true);
	static struct dfu_mcuboot_pair pair;
	pair = (struct dfu_mcuboot_pair){.primary = {&flash.dev, 0x10000, 0x70000},
					 .secondary = {&flash.dev, 0x80000, 0x70000},
					 .mode = DFU_MCUBOOT_SWAP_MOVE,
					 .max_align = 8};
	static struct dfu_mcuboot_board board = {&pair, 1};
	struct dfu_mcuboot_key k = {.der = key, .der_len = (uint16_t)key_len};
	static struct dfu_mcuboot mcuboot;
	mcuboot.cfg = (struct dfu_mcuboot_cfg){.board = &board,
					       .buf = buf,
					       .buf_len = sizeof(buf),
					       .keys = key ? &k : NULL,
					       .key_count = key ? 1 : 0};
	struct dfu_target_entry entry = {&dfu_target_mcuboot_ops, &mcuboot};
	struct dfu_port port = {.kv = &kv.dev, .crypto = &crypto};
	struct dfu_config cfg = {.port = &port, .targets = &entry, .target_count = 1};

	err = dfu_target_setup(&cfg);
	if (err) {
		fprintf(stderr, "setup: %s\n", dfu_errno_name(err));
		return 1;
	}

	/* What the firmware's download client does with the stream. */
	size_t off = 0;
	int type = dfu_target_img_type(img, n < CHUNK ? n : CHUNK);
	err = dfu_target_init(type, 0, n, NULL);
	if (err == 0) {
		err = dfu_target_offset_get(&off); /* resume point, 0 here */
	}
	while (err == 0 && off < n) {
		size_t k_len = n - off < CHUNK ? n - off : CHUNK;

		err = dfu_target_write(img + off, k_len);
		off += k_len;
	}
	if (err == 0) {
		err = dfu_target_done(true); /* hash and signature checked here */
	}
	if (err == 0) {
		err = dfu_target_schedule_update(0); /* MCUboot tests it on reset */
	}
	printf("%s: type %d, %zu bytes: %s\n", argv[1], type, n,
	       err ? dfu_errno_name(err) : "verified, test upgrade requested");
	dfu_crypto_mbedtls_free(&mbed);
	sim_flash_free(&flash);
	free(img);
	free(key);
	return err ? 1 : 0;
}
