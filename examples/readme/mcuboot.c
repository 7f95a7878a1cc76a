/*
 * The README's MCUboot example, whole: the nRF91-style application pair on
 * the RAM port (ram_port.c), a trusted ECDSA P-256 key and a crypto port
 * that verifies it, then one image (argv[1]) through the dfu_target_* calls.
 * The README shows the part between the "README" marks.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>

#include "dfu/dfu_errname.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_mcuboot.h"
#include "dfu_crypto_psa.h"
#include "ram_port.h"

#define int_flash my_flash

/* The public key MCUboot trusts (SubjectPublicKeyInfo DER, as
 * `openssl pkey -pubin -outform DER` writes it): the test key of
 * tests/vectors/mcuboot/ec-p256.pub.pem. */
static const uint8_t pub_spki[] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
	0x04, 0xab, 0x64, 0xe2, 0xee, 0x1a, 0xa5, 0xae, 0x4c, 0x3c, 0xa7, 0x1e, 0x09,
	0x82, 0x9a, 0x54, 0xe7, 0x55, 0x3e, 0x9e, 0x53, 0x4f, 0xe8, 0xf1, 0xbe, 0xee,
	0xef, 0xfb, 0x39, 0x1e, 0xcf, 0x50, 0xed, 0x90, 0x2a, 0x3d, 0x59, 0x2f, 0xc3,
	0x65, 0xdf, 0x18, 0x55, 0x9f, 0x0f, 0x29, 0x28, 0x24, 0xb7, 0x62, 0xe0, 0x72,
	0x76, 0x8b, 0x50, 0xda, 0x28, 0x92, 0x90, 0x03, 0xb8, 0xe6, 0x06, 0xa9, 0x88};

/* README: mcuboot */
static const struct dfu_mcuboot_pair pairs[] = {
	/* image 0: application; nRF91-style 0x70000 slots, swap-using-move */
	{.primary = {&int_flash, 0x10000, 0x70000},
	 .secondary = {&int_flash, 0x80000, 0x70000},
	 .mode = DFU_MCUBOOT_SWAP_MOVE,
	 .max_align = 8},
	/* more pairs: network core, ... (up to 15) */
};
static const struct dfu_mcuboot_board board = {pairs, 1};
static uint8_t buf[512];
static const struct dfu_mcuboot_key keys[] = {{.der = pub_spki, .der_len = sizeof(pub_spki)}};
static struct dfu_mcuboot mcuboot = {
	.cfg = {.board = &board, .buf = buf, .buf_len = sizeof(buf), .keys = keys, .key_count = 1}};
static const struct dfu_target_entry targets[] = {{&dfu_target_mcuboot_ops, &mcuboot}};

/* Keys need a crypto port that verifies them (without one, setup refuses
 * the configuration): here the PSA Crypto port, as on nRF91/nRF53 (TF-M,
 * nrf_security) and Zephyr; on the host it runs on mbedTLS's PSA. */
static struct dfu_crypto_psa psa;
static struct dfu_crypto crypto;
static struct dfu_port port = {.kv = &my_kv, .crypto = &crypto};
static const struct dfu_config cfg = {.port = &port, .targets = targets, .target_count = 1};

static int app_dfu_setup(void)
{
	int err = dfu_crypto_psa_init(&psa, &crypto, true);

	return err ? err : dfu_target_setup(&cfg);
}
/* README: end */

int main(int argc, char **argv)
{
	static uint8_t img[0x70000];
	size_t n = 0;
	size_t off = 0;
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;

	if (f == NULL) {
		fprintf(stderr, "usage: %s IMAGE.bin\n", argv[0]);
		return 2;
	}
	n = fread(img, 1, sizeof(img), f);
	fclose(f);

	int err = app_dfu_setup();
	int type = dfu_target_img_type(img, n < 1024 ? n : 1024);

	if (err == 0) {
		err = dfu_target_init(type, 0, n, NULL);
	}
	if (err == 0) {
		err = dfu_target_offset_get(&off);
	}
	while (err == 0 && off < n) {
		size_t k = n - off < 1024 ? n - off : 1024;

		err = dfu_target_write(img + off, k);
		off += k;
	}
	if (err == 0) {
		err = dfu_target_done(true);
	}
	if (err == 0) {
		err = dfu_target_schedule_update(0);
	}
	printf("readme mcuboot example: %s\n",
	       err == 0 ? "verified, test upgrade requested" : dfu_errno_name(err));
	dfu_crypto_psa_free(&psa);
	return err == 0 ? 0 : 1;
}
