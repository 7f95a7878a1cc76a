/*
 * dfu-sim board descriptions (tools/dfu_sim/board.c): presets, the layout
 * file format and its errors, write/parse round trips; and the simulated
 * device directory (device.c): create, open, close, keys, resume after a
 * simulated power cut across close/open. Host only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, rmdir, unlink */

#include <dirent.h>
#include <unistd.h>

#include "dsim.h"
#include "harness.h"
#if defined(DFU_HAVE_CRYPTO_MBEDTLS)
#include "vectors.h"
#endif

static char err[256];

static bool area_eq(const struct dsim_area *a, const struct dsim_area *b)
{
	return a->dev == b->dev && a->off == b->off && a->size == b->size;
}

static bool boards_equal(const struct dsim_board *a, const struct dsim_board *b)
{
	if (strcmp(a->name, b->name) != 0 || a->flash_count != b->flash_count ||
	    a->pair_count != b->pair_count || a->has_modem != b->has_modem ||
	    a->has_full_modem != b->has_full_modem) {
		return false;
	}
	for (unsigned i = 0; i < a->flash_count; i++) {
		const struct dsim_flash_desc *x = &a->flash[i];
		const struct dsim_flash_desc *y = &b->flash[i];

		if (strcmp(x->name, y->name) != 0 || strcmp(x->geo_name, y->geo_name) != 0 ||
		    x->size != y->size || x->geo.size != y->geo.size ||
		    x->geo.erase_block != y->geo.erase_block ||
		    x->geo.write_block != y->geo.write_block ||
		    x->geo.program_typ_us != y->geo.program_typ_us ||
		    x->geo.erase_value != y->geo.erase_value) {
			return false;
		}
	}
	for (unsigned i = 0; i < a->pair_count; i++) {
		const struct dsim_pair_desc *x = &a->pair[i];
		const struct dsim_pair_desc *y = &b->pair[i];

		if (strcmp(x->name, y->name) != 0 || !area_eq(&x->primary, &y->primary) ||
		    !area_eq(&x->secondary, &y->secondary) || x->mode != y->mode ||
		    x->max_align != y->max_align || x->install != y->install) {
			return false;
		}
	}
	if (a->has_modem &&
	    (a->modem_area != b->modem_area || strcmp(a->modem_uuid, b->modem_uuid) != 0)) {
		return false;
	}
	return !a->has_full_modem || area_eq(&a->full_modem, &b->full_modem);
}

/* b -> text -> parse -> equal to b. */
static int round_trip(const struct dsim_board *b)
{
	static char text[4096];
	struct dsim_board c;
	FILE *fp = tmpfile();
	size_t n;

	if (fp == NULL || dsim_board_write(b, fp) != 0) {
		return -1;
	}
	rewind(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	(void)fclose(fp);
	text[n] = '\0';
	if (dsim_board_parse(text, &c, err, sizeof(err)) != 0) {
		printf("%s\n%s\n", text, err);
		return -1;
	}
	return boards_equal(b, &c) ? 0 : -1;
}

TEST(presets_are_valid_and_round_trip)
{
	struct dsim_board b;
	unsigned n = 0;

	for (const char *const *p = dsim_board_presets; *p != NULL; p++, n++) {
		CHECK_OK(dsim_board_preset(*p, &b));
		CHECK(strcmp(b.name, *p) == 0);
		CHECKF(round_trip(&b) == 0, "%s does not round-trip", *p);
	}
	CHECK_EQ(n, 3);
	CHECK_ERR(dsim_board_preset("nrf9999dk", &b), ENOENT);
	CHECK_ERR(dsim_board_preset(NULL, &b), ENOENT);
}

TEST(preset_geometries_and_layouts)
{
	struct dsim_board b;

	CHECK_OK(dsim_board_preset("nrf9160dk", &b));
	CHECK_EQ(b.flash_count, 2);
	CHECK(strcmp(b.flash[0].geo_name, "nrf9160") == 0 && b.flash[0].size == 0x100000);
	CHECK(strcmp(b.flash[1].geo_name, "mx25r64") == 0 && b.flash[1].size == 0x800000);
	CHECK_EQ(b.pair_count, 1);
	CHECK(b.pair[0].primary.off == 0x10000 && b.pair[0].primary.size == 0x70000);
	CHECK(b.pair[0].secondary.off == 0x80000 && b.pair[0].secondary.dev == 0);
	CHECK_EQ(b.pair[0].mode, DFU_MCUBOOT_SWAP_MOVE);
	CHECK_EQ(b.pair[0].max_align, 8);
	CHECK(b.has_modem && b.modem_area == 294912 && strlen(b.modem_uuid) == 36);
	CHECK(b.has_full_modem && b.full_modem.dev == 1 && b.full_modem.off == 0);
	CHECK(b.full_modem.size >= DFU_CONFIG_FULL_MODEM_MIN_SIZE);

	CHECK_OK(dsim_board_preset("nrf5340dk", &b));
	CHECK_EQ(b.flash_count, 3);
	CHECK(b.flash[1].size == 0x40000 && b.flash[1].geo.erase_block == 2048);
	CHECK_EQ(b.flash[1].size / b.flash[1].geo.erase_block, 128);
	CHECK_EQ(b.pair_count, 2);
	CHECK_EQ(b.pair[0].install, DSIM_INSTALL_SWAP);
	CHECK(strcmp(b.pair[1].name, "net") == 0 && b.pair[1].primary.dev == 1 &&
	      b.pair[1].secondary.dev == 2);
	CHECK_EQ(b.pair[1].mode, DFU_MCUBOOT_OVERWRITE);
	CHECK_EQ(b.pair[1].install, DSIM_INSTALL_COPY);
	CHECK(!b.has_modem && !b.has_full_modem);

	CHECK_OK(dsim_board_preset("nrf52840dk", &b));
	CHECK(b.pair[0].primary.off == 0xC000 && b.pair[0].primary.size == 0x76000);
	CHECK(b.pair[0].secondary.off == 0x82000 && b.pair[0].secondary.size == 0x76000);
	CHECK(!b.has_modem);
}

TEST(defaults_comments_suffixes_and_whitespace)
{
	static const char text[] = "# a board\n"
				   "\n"
				   "board  my-board_1   # trailing comment\n"
				   "flash\tint geometry=stm32l4\r\n"
				   "flash x geometry=mx25r64 size=8M erase=8K\n"
				   "pair a primary=int:0+256K secondary=x:0x0+0x40000\n"
				   "pair b primary=int:256K+128K secondary=int:384K+128K "
				   "mode=overwrite install=copy align=32\n"
				   "modem uuid=25C95751-efa4-40d4-8b4a-1dcaab81fac9\n"
				   "full-modem x:4M+4M";
	struct dsim_board b;

	CHECKF(dsim_board_parse(text, &b, err, sizeof(err)) == 0, "%s", err);
	CHECK(strcmp(b.name, "my-board_1") == 0);
	CHECK(b.flash[0].size == 1024 * 1024 && b.flash[0].geo.erase_block == 2048);
	CHECK(b.flash[1].size == 0x800000 && b.flash[1].geo.erase_block == 8192);
	CHECK(b.pair[0].mode == DFU_MCUBOOT_SWAP_MOVE && b.pair[0].max_align == 8);
	CHECK_EQ(b.pair[0].install, DSIM_INSTALL_SWAP);
	CHECK(b.pair[1].primary.off == 0x40000 && b.pair[1].max_align == 32);
	CHECK(b.has_modem && b.modem_area == 0x48000);
	CHECK(b.has_full_modem && b.full_modem.off == 0x400000);
	CHECK(round_trip(&b) == 0);
}

TEST(every_mode_align_and_install_round_trips)
{
	static const char *const modes[] = {"swap-move", "swap-scratch", "swap-offset",
					    "overwrite"};
	static const unsigned aligns[] = {8, 16, 32};
	char text[400];
	struct dsim_board b;

	for (unsigned m = 0; m < 4; m++) {
		for (unsigned a = 0; a < 3; a++) {
			(void)snprintf(text, sizeof(text),
				       "board r\nflash f geometry=nrf52840\n"
				       "pair p primary=f:0+0x40000 secondary=f:0x40000+0x40000 "
				       "mode=%s align=%u install=%s\n",
				       modes[m], aligns[a], m == 3 ? "copy" : "swap");
			CHECKF(dsim_board_parse(text, &b, err, sizeof(err)) == 0, "%s", err);
			CHECK_EQ(b.pair[0].mode, m);
			CHECK_EQ(b.pair[0].max_align, aligns[a]);
			CHECK_EQ(b.pair[0].install, m == 3 ? DSIM_INSTALL_COPY : DSIM_INSTALL_SWAP);
			CHECK(round_trip(&b) == 0);
		}
	}
}

/* Valid prefix used by most error cases (lines 1-3). */
#define HEAD                            \
	"board t\n"                     \
	"flash int geometry=nrf52840\n" \
	"flash ext geometry=mx25r64 size=4M\n"
#define PAIR "pair app primary=int:0x10000+0x70000 secondary=int:0x80000+0x70000\n"
#define UUID "5e2a5f38-8f2c-4a2a-9d62-0f3c4a6b1d01"

static const struct {
	const char *text;
	unsigned line;
	const char *what;
} bad[] = {
	{HEAD "frobnicate x\n" PAIR, 4, "unknown keyword 'frobnicate'"},
	{HEAD "flash z geometry=nrf1234\n" PAIR, 4, "unknown geometry 'nrf1234'"},
	{HEAD "flash z geometry=mx25r64 colour=red\n", 4, "unknown option 'colour'"},
	{HEAD "flash z geometry mx25r64\n", 4, "want key=value"},
	{HEAD "flash z\n", 4, "needs geometry="},
	{HEAD "flash 9z geometry=mx25r64\n", 4, "flash needs a name"},
	{HEAD "flash\n", 4, "flash needs a name"},
	{HEAD "flash kv geometry=mx25r64\n", 4, "reserved"},
	{HEAD "flash modem geometry=mx25r64\n", 4, "reserved"},
	{HEAD "flash int geometry=mx25r64\n", 4, "duplicate flash 'int'"},
	{HEAD "flash z geometry=mx25r64 size=1M size=2M\n", 4, "duplicate option 'size'"},
	{HEAD "flash a geometry=mx25r64\nflash b geometry=mx25r64\nflash c geometry=mx25r64\n", 6,
	 "too many flash devices"},
	{HEAD "flash z geometry=stm32l4 erase=4\n", 4, "multiple of the write block"},
	{HEAD "flash z geometry=mx25r64 erase=0\n", 4, "multiple of the write block"},
	{HEAD "flash z geometry=mx25r64 size=5000\n", 4, "size 0x1388 must be"},
	{HEAD "flash z geometry=mx25r64 size=0\n", 4, "size 0x0 must be"},
	{HEAD "flash z geometry=mx25r64 size=512M\n", 4, "at most 256M"},
	{HEAD "flash z geometry=mx25r64 size=0x100000000\n", 4, "too large"},
	{HEAD "flash z geometry=mx25r64 size=5000M\n", 4, "too large"},
	{HEAD "flash z geometry=mx25r64 size=12Q\n", 4, "not a number"},
	{HEAD "flash z geometry=mx25r64 size=0x\n", 4, "not a number"},
	{"board a\nboard b\n", 2, "duplicate board line"},
	{"board\n", 1, "board takes one name"},
	{"board a b\n", 1, "board takes one name"},
	{"board abcdefghijklmnopqrstuvwxyz\n", 1, "board takes one name"},
	{HEAD PAIR PAIR, 5, "duplicate pair 'app'"},
	{HEAD "pair a primary=int:0x10000+0x10000 secondary=int:0x20000+0x10000\n"
	      "pair b primary=int:0x30000+0x10000 secondary=int:0x40000+0x10000\n"
	      "pair c primary=int:0x50000+0x10000 secondary=int:0x60000+0x10000\n"
	      "pair d primary=int:0x70000+0x10000 secondary=int:0x80000+0x10000\n",
	 7, "too many pairs"},
	{HEAD "pair app primary=nand:0+0x1000 secondary=int:0+0x1000\n", 4, "unknown flash 'nand'"},
	{HEAD "pair app primary=int:0x10000 secondary=int:0x80000+0x70000\n", 4,
	 "want <flash>:<offset>+<size>"},
	{HEAD "pair app primary=int:0x10000+0x70000\n", 4, "needs primary= and secondary="},
	{HEAD "pair app primary=int:0xF0000+0x20000 secondary=int:0x0+0x70000\n", 4,
	 "outside flash 'int'"},
	{HEAD "pair app primary=int:0xFFFFF000+0x2000 secondary=int:0x0+0x70000\n", 4,
	 "ends at 0x100001000, outside"},
	{HEAD "pair app primary=int:0x10800+0x70000 secondary=int:0x80000+0x70000\n", 4,
	 "multiples of flash 'int' erase block 0x1000"},
	{HEAD "pair app primary=int:0x10000+0x70800 secondary=int:0x80000+0x70000\n", 4,
	 "multiples of flash 'int' erase block"},
	{HEAD "pair app primary=int:0x10000+0 secondary=int:0x80000+0x70000\n", 4, "size 0"},
	{HEAD "pair app primary=int:0x10000+0x70000 secondary=int:0x70000+0x70000\n", 4,
	 "pair 'app' secondary 'int:0x70000+0x70000' overlaps pair 'app' primary"},
	{HEAD PAIR "pair b primary=ext:0+0x10000 secondary=int:0xE0000+0x10000\n", 5,
	 "overlaps pair 'app' secondary"},
	{HEAD PAIR "full-modem int:0+0x400000\n", 5, "outside flash 'int'"},
	{HEAD "pair a primary=ext:0+0x100000 secondary=ext:0x100000+0x100000\n"
	      "full-modem ext:0x0+0x400000\n",
	 5, "full-modem 'ext:0x0+0x400000' overlaps pair 'a' primary"},
	{HEAD PAIR "full-modem ext:0x0+0x200000\n", 5, "smaller than 0x400000"},
	{HEAD PAIR "full-modem ext:0x0+0x400000\nfull-modem ext:0x0+0x400000\n", 6,
	 "duplicate full-modem"},
	{HEAD PAIR "full-modem\n", 5, "full-modem takes one area"},
	{HEAD "pair app primary=int:0x10000+0x70000 secondary=int:0x80000+0x70000 mode=fast\n", 4,
	 "unknown mode 'fast'"},
	{HEAD "pair app primary=int:0x10000+0x70000 secondary=int:0x80000+0x70000 align=4\n", 4,
	 "align must be 8, 16 or 32"},
	{HEAD "pair app primary=int:0x10000+0x70000 secondary=int:0x80000+0x70000 install=dd\n", 4,
	 "unknown install 'dd'"},
	{HEAD "pair app primary=int:0x10000+0x70000 secondary=int:0x80000+0x70000 install=copy\n",
	 4, "install=copy needs mode=overwrite"},
	{HEAD "pair app primary=int:0x10000+0x1000 secondary=int:0x80000+0x1000\n", 4,
	 "too small for an MCUboot image"},
	{HEAD "pair app primary=int:0x10000+0x70000 secondary=int:0x80000+0x70000 mode=overwrite "
	      "mode=swap-move\n",
	 4, "duplicate option 'mode'"},
	{HEAD PAIR "modem uuid=1234\n", 5, "uuid must be 36 characters, not 4"},
	{HEAD PAIR "modem uuid=" UUID "0\n", 5, "uuid must be 36 characters, not 37"},
	{HEAD PAIR "modem uuid=5e2a5f38x8f2c-4a2a-9d62-0f3c4a6b1d01\n", 5, "malformed uuid"},
	{HEAD PAIR "modem uuid=5e2a5f38-8f2c-4a2a-9d62-0f3c4a6b1dg1\n", 5, "malformed uuid"},
	{HEAD PAIR "modem area=0x48000\n", 5, "modem needs uuid="},
	{HEAD PAIR "modem uuid=" UUID " area=80\n", 5, "modem area 0x50 outside"},
	{HEAD PAIR "modem uuid=" UUID " area=3M\n", 5, "modem area 0x300000 outside"},
	{HEAD PAIR "modem uuid=" UUID "\nmodem uuid=" UUID "\n", 6, "duplicate modem line"},
	{HEAD PAIR "modem uuid=" UUID " a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 l=12 m=13 "
		   "n=14 o=15 p=16 q=17 r=18 s=19 t=20 u=21 v=22 w=23\n",
	 5, "too many fields"},
	{HEAD PAIR "board\x01x\n", 5, "unexpected character 0x01"},
	{HEAD "\n\n", 5, "no pair line"},
	{"# nothing\nboard t\n", 2, "no flash line"},
	{"flash int geometry=nrf52840\n" PAIR "\n", 3, "missing 'board <name>' line"},
	{"", 0, "missing 'board <name>' line"},
};

TEST(layout_errors_name_their_line)
{
	char want[32];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dsim_board b;
		int r;

		memset(err, 0, sizeof(err));
		r = dsim_board_parse(bad[i].text, &b, err, sizeof(err));
		CHECKF(r == -EINVAL, "case %zu: got %d, want -EINVAL", i, r);
		(void)snprintf(want, sizeof(want), "line %u: ", bad[i].line);
		CHECKF(strncmp(err, want, strlen(want)) == 0, "case %zu: '%s' (want '%s')", i, err,
		       want);
		CHECKF(strstr(err, bad[i].what) != NULL, "case %zu: '%s' lacks '%s'", i, err,
		       bad[i].what);
	}
	/* A very long line, and a tiny error buffer (truncated, terminated). */
	{
		static char longline[600];
		struct dsim_board b;
		char small[8];

		memset(longline, 'x', sizeof(longline) - 1);
		CHECK_ERR(dsim_board_parse(longline, &b, err, sizeof(err)), EINVAL);
		CHECK(strstr(err, "line 1: line longer than") != NULL);
		CHECK_ERR(dsim_board_parse("zz", &b, small, sizeof(small)), EINVAL);
		CHECK(strcmp(small, "line 1:") == 0);
		CHECK_ERR(dsim_board_parse("zz", &b, NULL, 0), EINVAL);
	}
}

TEST(load_reads_files_and_reports_errors)
{
	char dir[64] = "/tmp/test_dsim_XXXXXX";
	char path[96];
	struct dsim_board a;
	struct dsim_board b;
	FILE *fp;
	int r;

	CHECK(mkdtemp(dir) != NULL);
	(void)snprintf(path, sizeof(path), "%s/board.txt", dir);
	CHECK_ERR(dsim_board_load(path, &b, err, sizeof(err)), ENOENT);
	CHECK_OK(dsim_board_preset("nrf5340dk", &a));
	fp = fopen(path, "w");
	CHECK(fp != NULL);
	CHECK_OK(dsim_board_write(&a, fp));
	(void)fclose(fp);
	r = dsim_board_load(path, &b, err, sizeof(err));
	fp = fopen(path, "ab");
	if (fp != NULL) {
		(void)fwrite("board x\0", 1, 8, fp);
		(void)fclose(fp);
	}
	CHECK_OK(r);
	CHECK(boards_equal(&a, &b));
	r = dsim_board_load(path, &b, err, sizeof(err));
	(void)unlink(path);
	(void)rmdir(dir);
	CHECK_ERR(r, EINVAL);
	CHECK(strstr(err, "NUL byte") != NULL);
}

/* ---- the device directory ---- */

#if defined(DFU_HAVE_CRYPTO_MBEDTLS)
static struct dsim_device dev;
static char ddir[64];

static int write_text(const char *name, const char *text, size_t len, char *path, size_t cap)
{
	FILE *fp;

	(void)snprintf(path, cap, "%s/%s", ddir, name);
	fp = fopen(path, "wb");
	if (fp == NULL) {
		return -1;
	}
	(void)fwrite(text, 1, len, fp);
	return fclose(fp) == 0 ? 0 : -1;
}

static long read_bin(const char *name, uint8_t *buf, size_t cap)
{
	char path[128];
	FILE *fp;
	long n;

	(void)snprintf(path, sizeof(path), "%s/dev/%s", ddir, name);
	fp = fopen(path, "rb");
	if (fp == NULL) {
		return -1;
	}
	n = (long)fread(buf, 1, cap, fp);
	(void)fclose(fp);
	return n;
}

static void remove_tree(const char *d)
{
	char path[400];
	DIR *dp = opendir(d);
	struct dirent *e;

	while (dp != NULL && (e = readdir(dp)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			(void)snprintf(path, sizeof(path), "%s/%s", d, e->d_name);
			remove_tree(path);
			(void)unlink(path);
		}
	}
	if (dp != NULL) {
		(void)closedir(dp);
	}
	(void)rmdir(d);
}

/* tmp dir with ec.pub.pem and rsa.pem; *sub = <dir>/dev */
static int make_keys(char key_paths[2][128], char *sub, size_t cap)
{
	size_t n;
	const char *pem;

	(void)snprintf(ddir, sizeof(ddir), "/tmp/test_dsim_XXXXXX");
	if (mkdtemp(ddir) == NULL) {
		return -1;
	}
	pem = vec_key_pub_pem(VEC_KEY_EC_P256, &n);
	if (pem == NULL || write_text("ec.pub.pem", pem, n, key_paths[0], 128) != 0) {
		return -1;
	}
	pem = vec_key_priv_pem(VEC_KEY_RSA2048, &n);
	if (pem == NULL || write_text("rsa.pem", pem, n, key_paths[1], 128) != 0) {
		return -1;
	}
	(void)snprintf(sub, cap, "%s/dev", ddir);
	return 0;
}
#endif

TEST(device_create_open_close_and_keys)
{
#if defined(DFU_HAVE_CRYPTO_MBEDTLS)
	char keys[2][128];
	const char *kp[2] = {keys[0], keys[1]};
	char sub[96];
	uint8_t der[700];
	struct vec_pubkey ec;
	struct vec_pubkey rsa;
	struct dsim_board b;
	long n;
	int r;

	CHECK(make_keys(keys, sub, sizeof(sub)) == 0);
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &ec));
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &rsa));
	CHECK_OK(dsim_board_preset("nrf9160dk", &b));
	r = dsim_device_create(sub, &b, kp, 2, err, sizeof(err));
	CHECKF(r == 0, "create: %s", err);
	CHECK_ERR(dsim_device_create(sub, &b, NULL, 0, err, sizeof(err)), EEXIST);
	/* EC: SubjectPublicKeyInfo; RSA (from the private PEM): PKCS#1. */
	n = read_bin("key0.der", der, sizeof(der));
	CHECK_EQ(n, ec.key_len);
	CHECK_MEM(der, ec.key, ec.key_len);
	n = read_bin("key1.der", der, sizeof(der));
	CHECK_EQ(n, rsa.key_len);
	CHECK_MEM(der, rsa.key, rsa.key_len);
	CHECK_EQ(read_bin("int.bin", der, sizeof(der)), sizeof(der));
	CHECK_EQ(der[0], 0xff);
	CHECK(read_bin("modem.bin", der, sizeof(der)) > 0);

	r = dsim_device_open(&dev, sub, err, sizeof(err));
	CHECKF(r == 0, "open: %s", err);
	CHECK(dev.open && dev.key_count == 2 && dev.cfg.target_count == 4); /* + app delta */
	CHECK(boards_equal(&b, &dev.board));
	CHECK(dev.port.modem == &dev.modem.dev && dev.mboard.pair_count == 1);
	CHECK(dev.full_modem.cfg.flash == &dev.flash[1].dev);
	CHECK_EQ(dsim_device_pair_by_name(&dev, "app"), 0);
	CHECK_EQ(dsim_device_pair_by_name(&dev, "0"), 0);
	CHECK_ERR(dsim_device_pair_by_name(&dev, "1"), ENOENT);
	CHECK_ERR(dsim_device_pair_by_name(&dev, "net"), ENOENT);
	CHECK_EQ(dsim_device_flash_ops(&dev), 0);
	CHECK_OK(dsim_device_close(&dev));
	CHECK(!dev.open);
	CHECK_OK(dsim_device_close(&dev)); /* twice is harmless */

	/* A wrong-size flash file is refused with a message. */
	(void)snprintf(keys[0], sizeof(keys[0]), "%s/int.bin", sub);
	CHECK(truncate(keys[0], 4096) == 0);
	CHECK_ERR(dsim_device_open(&dev, sub, err, sizeof(err)), EINVAL);
	CHECK(strstr(err, "int.bin") != NULL);
	CHECK(!dev.open);
	remove_tree(ddir);
	CHECK_ERR(dsim_device_open(&dev, sub, err, sizeof(err)), ENOENT);
#else
	SKIP("no MCUboot vectors / mbedTLS");
#endif
}

#if defined(DFU_HAVE_CRYPTO_MBEDTLS)
static int download(const struct vec_image *v, size_t *resumed_at)
{
	struct dfu_init_params ip = {.img_type = DFU_TARGET_IMAGE_TYPE_MCUBOOT,
				     .file_size = v->len,
				     .first = v->data,
				     .first_len = 64};
	size_t off = 0;
	int e;

	(void)dfu_ctx_img_type(&dev.ctx, v->data, 64);
	e = dfu_ctx_init_ex(&dev.ctx, &ip);
	e = e ? e : dfu_ctx_offset_get(&dev.ctx, &off);
	if (resumed_at != NULL) {
		*resumed_at = off;
	}
	while (e == 0 && off < v->len) {
		size_t k = v->len - off < 1000 ? v->len - off : 1000;

		e = dfu_ctx_write(&dev.ctx, v->data + off, k);
		off += k;
	}
	return e ? e : dfu_ctx_done(&dev.ctx, true);
}
#endif

TEST(device_resumes_after_power_cut_across_close_and_open)
{
#if defined(DFU_HAVE_CRYPTO_MBEDTLS)
	char keys[2][128];
	const char *kp[1] = {keys[0]};
	char sub[96];
	const struct vec_image *v = vec_find("v01");
	struct dfu_mcuboot_trailer t;
	struct dsim_board b;
	size_t at = 0;
	int r;

	CHECK(v != NULL);
	CHECK(make_keys(keys, sub, sizeof(sub)) == 0);
	CHECK_OK(dsim_board_preset("nrf9160dk", &b));
	CHECK_OK(dsim_device_create(sub, &b, kp, 1, err, sizeof(err)));
	CHECK_OK(dsim_device_open(&dev, sub, err, sizeof(err)));
	dev.modem.nv.dirty = true; /* modem state survives close/open too */
	sim_power_arm(&dev.power, 40, SIM_TORN_HALF, 7);
	CHECK_ERR(download(v, NULL), EIO);
	CHECK(dev.power.dead);
	CHECK(dsim_device_flash_ops(&dev) > 0 && dsim_device_time_us(&dev) > 0);
	CHECK_OK(dsim_device_close(&dev));

	CHECK_OK(dsim_device_open(&dev, sub, err, sizeof(err)));
	CHECK(dev.modem.nv.dirty);
	r = download(v, &at);
	CHECKF(r == 0, "resumed download: %s", dfu_errno_name(r));
	CHECKF(at > 0 && at < v->len, "resumed at %zu of %zu", at, v->len);
	CHECK_OK(dfu_ctx_schedule_update(&dev.ctx, 0));
	CHECK_OK(dsim_device_close(&dev));

	CHECK_OK(dsim_device_open(&dev, sub, err, sizeof(err)));
	CHECK_OK(dfu_mcuboot_trailer_read(&dev.pairs[0], 1, &t));
	CHECK_EQ(t.magic, DFU_MCUBOOT_GOOD);
	CHECK_MEM(dev.flash[0].mem + 0x80000, v->data, v->len);
	CHECK_OK(dsim_device_close(&dev));
	remove_tree(ddir);
#else
	SKIP("no MCUboot vectors / mbedTLS");
#endif
}

TEST_MAIN(RUN(presets_are_valid_and_round_trip); RUN(preset_geometries_and_layouts);
	  RUN(defaults_comments_suffixes_and_whitespace);
	  RUN(every_mode_align_and_install_round_trips); RUN(layout_errors_name_their_line);
	  RUN(load_reads_files_and_reports_errors); RUN(device_create_open_close_and_keys);
	  RUN(device_resumes_after_power_cut_across_close_and_open);)
