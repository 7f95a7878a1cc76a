/*
 * dfu-sim's artifact module (tools/dfu_sim/artifact*.c, mkimage.c), host
 * only: keys made by dsim_keygen sign images made by dsim_mkimage that the
 * library's MCUboot target accepts with that key trusted and refuses with
 * another; dsim_detect agrees with imgtool's dumpinfo on every vector and
 * names what is wrong with broken artifacts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <sys/stat.h>
#include <unistd.h>

#include "cbor_gen.h"
#include "dfu_crypto_mbedtls.h"
#include "dsim.h"
#include "mcuboot_fixture.h"
#include "mcuboot_img.h"
#include "vectors.h"

#define UUID_A "25c95751-efa4-40d4-8b4a-1dcaab81fac9"
#define UUID_B "0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9"

static char tmpdir[256];

/* ---- helpers ---------------------------------------------------------------- */

static const char *tpath(const char *name)
{
	static char p[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", tmpdir, name);
	return p[i];
}

/* Whole file into a malloc'ed buffer (NULL on error). */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	long n;

	*len = 0;
	if (f == NULL) {
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)n + 1);
		if (b != NULL && fread(b, 1, (size_t)n, f) == (size_t)n) {
			b[n] = 0;
			*len = (size_t)n;
		} else {
			free(b);
			b = NULL;
		}
	}
	fclose(f);
	return b;
}

/* dsim_detect's output as a malloc'ed string; *rc its return value. */
static char *detect(const uint8_t *d, size_t len, bool json, int *rc)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (f == NULL) {
		return NULL;
	}
	*rc = dsim_detect(d, len, json, f);
	fclose(f);
	return s;
}

/* Value of the first human line "label: value" (trimmed) into out. */
static bool value_of(const char *text, const char *label, char *out, size_t cap)
{
	size_t ll = strlen(label);

	for (const char *l = text; l != NULL && *l != '\0';) {
		const char *nl = strchr(l, '\n');
		size_t n = nl != NULL ? (size_t)(nl - l) : strlen(l);

		if (n > ll && strncmp(l, label, ll) == 0 && l[ll] == ':') {
			const char *v = l + ll + 1;

			while (*v == ' ') {
				v++;
			}
			size_t vn = n - (size_t)(v - l);

			if (vn >= cap) {
				vn = cap - 1;
			}
			memcpy(out, v, vn);
			out[vn] = '\0';
			return true;
		}
		l = nl != NULL ? nl + 1 : NULL;
	}
	return false;
}

/* The TLVs in order as "type/len " items: from our human output ("tlv:"
 * and "protected tlv:" lines: "NAME (0xTT), N bytes") or from imgtool's
 * dumpinfo ("type: NAME (0xTT)" then "len: 0xNN"). */
static void tlv_list(const char *text, bool dumpinfo, char *out, size_t cap)
{
	size_t n = 0;
	unsigned type = 0, len;

	out[0] = '\0';
	for (const char *l = text; l != NULL && *l != '\0';
	     l = strchr(l, '\n'), l = l ? l + 1 : l) {
		const char *p = strstr(l, "(0x");
		bool ours = strncmp(l, "tlv:", 4) == 0 || strncmp(l, "protected tlv:", 14) == 0;

		while (dumpinfo && *l == ' ') {
			l++;
		}
		if (dumpinfo && strncmp(l, "type:", 5) == 0 && p != NULL) {
			(void)sscanf(p, "(0x%x)", &type);
		} else if (((dumpinfo && sscanf(l, "len: 0x%x", &len) == 1) ||
			    (!dumpinfo && ours && p &&
			     sscanf(p, "(0x%x), %u", &type, &len) == 2)) &&
			   n < cap) {
			n += (size_t)snprintf(out + n, cap - n, "%x/%u ", type, len);
		}
	}
}

/* A download into pair 0 of a device trusting the key der (NULL = no keys:
 * the bootloader checks hashes only); pub_path: a PEM public key file. */
static struct mdev dev;
static struct dfu_crypto_mbedtls crypto_state;
static struct dfu_crypto crypto;

static int download(const uint8_t *der, size_t der_len, const uint8_t *img, size_t n, uint32_t slot)
{
	struct dfu_mcuboot_key key = {.der = der, .der_len = (uint16_t)der_len};
	struct mdev_opts o = {
		.crypto = &crypto, .slot0_size = slot, .keys = &key, .key_count = der != NULL};
	int err = -1000;

	dfu_crypto_mbedtls_init(&crypto_state, &crypto, true);
	if (mdev_create(&dev, &o) == 0) {
		err = mdev_download(&dev, 0, img, n, 1000);
		mdev_destroy(&dev);
	}
	dfu_crypto_mbedtls_free(&crypto_state);
	return err;
}

static int download_with_key(const char *pub_path, const uint8_t *img, size_t n, uint32_t slot)
{
	static uint8_t der[600];
	size_t pem_len;
	char *pem = (char *)slurp(pub_path, &pem_len);
	int k = pem != NULL ? vec_pem_to_der(pem, pem_len, der, sizeof(der)) : -1;

	free(pem);
	return k <= 0 ? -1001 : download(der, (size_t)k, img, n, slot);
}

static bool put_text(const char *name, const char *text, size_t len)
{
	FILE *f = fopen(tpath(name), "w");
	bool ok = f != NULL && fwrite(text, 1, len, f) == len;

	return f != NULL && fclose(f) == 0 && ok;
}

static uint8_t *make(const struct dsim_mkimage *p, const char *name, size_t *len)
{
	char err[200] = "";
	int rc = dsim_mkimage(p, tpath(name), err, sizeof(err));

	if (rc != 0) {
		printf("dsim_mkimage: %s (%s)\n", err, dfu_errno_name(rc));
		return NULL;
	}
	return slurp(tpath(name), len);
}

/* ---- keys and images ----------------------------------------------------- */

TEST(keygen_writes_a_p256_pair_with_a_private_0600_file_and_never_overwrites)
{
	struct stat st;
	char err[200];
	size_t n;

	CHECK_OK(dsim_keygen(tpath("a.pem"), err, sizeof(err)));
	CHECK_OK(dsim_keygen(tpath("b.pem"), err, sizeof(err)));
	CHECK(stat(tpath("a.pem"), &st) == 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	uint8_t *priv = slurp(tpath("a.pem"), &n);
	uint8_t *pub = slurp(tpath("a.pem.pub"), &n);

	CHECK(priv != NULL && pub != NULL);
	CHECK(strstr((char *)priv, "PRIVATE KEY-----") != NULL);
	CHECK(strstr((char *)pub, "-----BEGIN PUBLIC KEY-----") != NULL);
	free(priv);
	free(pub);
	CHECK_ERR(dsim_keygen(tpath("a.pem"), err, sizeof(err)), EEXIST);
	CHECK(strstr(err, "exists") != NULL);
}

TEST(image_signed_with_a_new_key_is_accepted_with_it_trusted_and_refused_with_another)
{
	struct dsim_mkimage p = {.key_path = tpath("a.pem"),
				 .size = 50000,
				 .seed = 7,
				 .version = "1.2.3+4",
				 .sec_cnt = 3};
	size_t n;
	uint8_t *img = make(&p, "signed.bin", &n);

	CHECK(img != NULL);
	CHECK_OK(download_with_key(tpath("a.pem.pub"), img, n, 0));
	CHECK_ERR(download_with_key(tpath("b.pem.pub"), img, n, 0), EACCES);
	CHECK_OK(download(NULL, 0, img, n, 0)); /* hash-only bootloader */
	free(img);

	/* A hash-only image is refused where keys are trusted. */
	p.key_path = NULL;
	img = make(&p, "unsigned.bin", &n);
	CHECK(img != NULL);
	CHECK_OK(download(NULL, 0, img, n, 0));
	CHECK_ERR(download_with_key(tpath("a.pem.pub"), img, n, 0), EACCES);
	free(img);
}

TEST(image_signed_with_an_rsa2048_key_verifies_with_its_pkcs1_key_hash)
{
	size_t n;
	const char *pem = vec_key_priv_pem(VEC_KEY_RSA2048, &n);
	struct dsim_mkimage p = {.key_path = tpath("rsa.pem"), .size = 3000, .version = "0.1.0"};
	struct vec_pubkey k;
	char v[64];
	int rc;

	CHECK(pem != NULL && put_text("rsa.pem", pem, n));
	uint8_t *img = make(&p, "rsa.bin", &n);

	CHECK(img != NULL);
	/* The trusted key as MCUboot hashes it: PKCS#1 for RSA. */
	CHECK_OK(vec_pubkey_load(VEC_KEY_RSA2048, &k));
	CHECK_OK(download(k.key, k.key_len, img, n, 0));
	CHECK_OK(vec_pubkey_load(VEC_KEY_EC_P256, &k));
	CHECK_ERR(download(k.key, k.key_len, img, n, 0), EACCES);
	char *out = detect(img, n, false, &rc);

	CHECK(out != NULL && value_of(out, "signature type", v, sizeof(v)));
	CHECK(strcmp(v, "RSA2048_PSS") == 0);
	free(out);
	free(img);
}

TEST(padded_confirmed_image_fills_the_slot_and_requests_a_permanent_upgrade)
{
	struct dsim_mkimage p = {.key_path = tpath("a.pem"),
				 .size = 20000,
				 .seed = 1,
				 .version = "2.0.0",
				 .pad_to = 0x20000,
				 .confirm = true};
	size_t n;
	uint8_t *img = make(&p, "padded.bin", &n);
	int rc;

	CHECK(img != NULL);
	CHECK_EQ(n, 0x20000);
	CHECK_OK(download_with_key(tpath("a.pem.pub"), img, n, 0x20000));
	char *out = detect(img, n, true, &rc);

	CHECK(out != NULL);
	CHECK_EQ(rc, DSIM_EXIT_OK);
	CHECKF(strstr(out, "\"trailer\":{\"magic\":\"good\",\"align\":8,\"image_ok\":\"set\"") &&
		       strstr(out, "\"request\":\"permanent\"") && strstr(out, "\"tail\":\"ok\""),
	       "%s", out);
	free(out);
	free(img);
}

TEST(mkimage_refuses_bad_parameters_with_a_message)
{
	static const char *const bad[] = {"1.2",      "1.2.3+",          "256.0.0", "1.2.65536",
					  "1.2.3+4x", "-1.2.3",          "1..3",    "",
					  "1.2.3.4",  "1.2.3+4294967296"};
	struct dsim_mkimage p = {.size = 100};
	char err[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p.version = bad[i];
		err[0] = '\0';
		CHECKF(dsim_mkimage(&p, tpath("x.bin"), err, sizeof(err)) == -EINVAL,
		       "version \"%s\" accepted", bad[i]);
		CHECK(strstr(err, "version") != NULL);
	}
	p.version = "255.255.65535+4294967295";
	CHECK_OK(dsim_mkimage(&p, tpath("x.bin"), err, sizeof(err)));
	p.version = NULL;
	p.confirm = true;
	CHECK_ERR(dsim_mkimage(&p, tpath("x.bin"), err, sizeof(err)), EINVAL);
	p.confirm = false;
	p.pad_to = 0x300; /* 0x200 + 100 + 40 (SHA-256 TLVs) + 48 (trailer) fit */
	CHECK_OK(dsim_mkimage(&p, tpath("x.bin"), err, sizeof(err)));
	p.pad_to = 0x301;
	CHECK_ERR(dsim_mkimage(&p, tpath("x.bin"), err, sizeof(err)), EINVAL);
	p.pad_to = 0x2a0;
	CHECK_ERR(dsim_mkimage(&p, tpath("x.bin"), err, sizeof(err)), ENOSPC);
	CHECK(strstr(err, "slot") != NULL);
	p.pad_to = 0;
	p.size = 0;
	CHECK_ERR(dsim_mkimage(&p, tpath("x.bin"), err, sizeof(err)), EINVAL);
	p.size = 100;
	p.key_path = tpath("no-such-key.pem");
	CHECK_ERR(dsim_mkimage(&p, tpath("x.bin"), err, sizeof(err)), EINVAL);
	CHECK(strstr(err, "no-such-key.pem") != NULL);
	size_t pem_len;
	const char *pem = vec_key_priv_pem(VEC_KEY_ED25519, &pem_len);

	CHECK(pem != NULL && put_text("ed.pem", pem, pem_len));
	p.key_path = tpath("ed.pem");
	CHECK(dsim_mkimage(&p, tpath("x.bin"), err, sizeof(err)) < 0); /* mbedTLS 2: no Ed25519 */
}

/* ---- detect ---------------------------------------------------------------- */

TEST(detect_agrees_with_imgtool_dumpinfo_on_every_vector)
{
	for (size_t i = 0; i < vec_image_count; i++) {
		const struct vec_image *v = &vec_images[i];
		char path[512], want[64], got[600], a[600], b[600];
		size_t n;
		int rc;

		snprintf(path, sizeof(path), "%s/%s.dumpinfo.txt", DSIM_VECTORS_DIR, v->name);
		char *di = (char *)slurp(path, &n);
		char *out = detect(v->data, v->len, false, &rc);

		CHECKF(di != NULL && out != NULL, "%s: no dumpinfo or no output", v->name);
		CHECKF(rc == DSIM_EXIT_OK, "%s: rc %d\n%s", v->name, rc, out);
		CHECK(value_of(out, "type", got, sizeof(got)) && strcmp(got, "mcuboot") == 0);
		/* version, load address: the same text */
		CHECK(value_of(di, "version", want, sizeof(want)));
		CHECKF(value_of(out, "version", got, sizeof(got)) && strcmp(got, want) == 0,
		       "%s: version %s, dumpinfo %s", v->name, got, want);
		CHECK(value_of(di, "load_addr", want, sizeof(want)));
		CHECKF(value_of(out, "load address", got, sizeof(got)) && strcmp(got, want) == 0,
		       "%s: load address %s, dumpinfo %s", v->name, got, want);
		/* sizes: ours print "N (0xN)" */
		static const char *const pairs[][2] = {
			{"hdr_size", "header size"},
			{"img_size", "image size"},
			{"protected_tlv_size", "protected tlv size"}};
		for (size_t k = 0; k < 3; k++) {
			char paren[80];

			CHECK(value_of(di, pairs[k][0], want, sizeof(want)));
			snprintf(paren, sizeof(paren), "(%s)", want);
			CHECKF(value_of(out, pairs[k][1], got, sizeof(got)) &&
				       strstr(got, paren) != NULL,
			       "%s: %s %s, dumpinfo %s", v->name, pairs[k][1], got, want);
		}
		/* every TLV, in order, with its type and length */
		tlv_list(di, true, a, sizeof(a));
		tlv_list(out, false, b, sizeof(b));
		CHECKF(a[0] != '\0' && strcmp(a, b) == 0, "%s: TLVs\n  ours    %s\n  imgtool %s",
		       v->name, b, a);
		/* hash: verified except for the encrypted v07 */
		CHECK(value_of(out, "hash check", got, sizeof(got)));
		CHECKF(strncmp(got, v->has_digest ? "ok" : "unverifiable", 2) == 0, "%s: hash %s",
		       v->name, got);
		/* a padded file's trailer */
		if (v->slot_size != 0) {
			CHECKF(value_of(out, "trailer magic", got, sizeof(got)) &&
				       strcmp(got, "good") == 0,
			       "%s: trailer", v->name);
			CHECK(value_of(out, "trailer align", got, sizeof(got)));
			CHECK_EQ(atoi(got), v->max_align);
			CHECK(value_of(out, "request", got, sizeof(got)));
			CHECKF(strcmp(got, v->confirm ? "permanent" : "test") == 0,
			       "%s: request %s", v->name, got);
			CHECK(strstr(di, v->confirm ? "image_ok:    SET" : "image_ok:    INVALID"));
		} else {
			CHECK(!value_of(out, "trailer magic", got, sizeof(got)));
			CHECK(value_of(out, "padding", got, sizeof(got)) && strcmp(got, "0") == 0);
		}
		free(di);
		free(out);
	}
}

TEST(detect_json_of_v01_and_v12_names_the_facts)
{
	const struct vec_image *v = vec_find("v01");
	int rc;
	char *out = detect(v->data, v->len, true, &rc);

	CHECK(out != NULL);
	CHECK_EQ(rc, DSIM_EXIT_OK);
	CHECKF(strncmp(out, "{\"type\":\"mcuboot\",\"file_size\":66321,", 36) == 0, "%s", out);
	CHECK(strstr(out, "\"version\":\"1.2.3+4\""));
	CHECK(strstr(out, "\"header_size\":512,\"image_size\":65659,\"protected_tlv_size\":0,"
			  "\"flags\":0,\"flag_names\":[],\"load_address\":0"));
	CHECK(strstr(
		out,
		"{\"area\":\"unprotected\",\"type\":\"SHA256\",\"id\":16,\"len\":32,"
		"\"value\":\"135d2de803be4b7a1a9985db68125777a8394088388bba50142815a948144e2c\"}"));
	CHECK(strstr(out,
		     "{\"area\":\"unprotected\",\"type\":\"ECDSA_SIG\",\"id\":34,\"len\":70}"));
	CHECK(strstr(out, "\"checks\":{\"header\":\"ok\",\"tlvs\":\"ok\",\"hash\":\"ok\"}}\n"));
	CHECK(strchr(out, '\n') == out + strlen(out) - 1); /* one line */
	free(out);

	v = vec_find("v12");
	out = detect(v->data, v->len, true, &rc);
	CHECK(out != NULL);
	CHECK(strstr(out, "\"flags\":48,\"flag_names\":[\"NON_BOOTABLE\",\"RAM_LOAD\"],"
			  "\"load_address\":536870912"));
	free(out);

	v = vec_find("v04");
	out = detect(v->data, v->len, true, &rc);
	CHECK(out != NULL);
	CHECK(strstr(out, "{\"area\":\"protected\",\"type\":\"SEC_CNT\",\"id\":80,\"len\":4,"
			  "\"value\":7}"));
	CHECK(strstr(out, "\"type\":\"DEPENDENCY\",\"id\":64,\"len\":12,\"image\":1,"
			  "\"version\":\"1.0.0+0\"}"));
	CHECK(strstr(out, "\"security_counter\":7"));
	free(out);
}

/* dsim_detect rejects d[0, n) and its output holds every needle. */
static bool rejected_with(const uint8_t *d, size_t n, bool json, const char *n1, const char *n2)
{
	int rc;
	char *out = detect(d, n, json, &rc);
	bool ok = out != NULL && rc == DSIM_EXIT_REJECTED && strstr(out, n1) != NULL &&
		  (n2 == NULL || strstr(out, n2) != NULL);

	if (!ok) {
		printf("rc %d, want %d, \"%s\" in:\n%s\n", rc, DSIM_EXIT_REJECTED, n1, out);
	}
	free(out);
	return ok;
}

/* Copy vector name into buf with byte off XORed with x; returns its length. */
static size_t vec_with(const char *name, uint8_t *buf, size_t off, uint8_t x)
{
	const struct vec_image *v = vec_find(name);

	memcpy(buf, v->data, v->len);
	buf[off] ^= x;
	return v->len;
}

TEST(detect_rejects_broken_mcuboot_images_naming_the_check)
{
	const struct vec_image *v = vec_find("v01");
	uint8_t *img = malloc(0x70000);

	CHECK(img != NULL);
	/* payload bit flipped: hash */
	CHECK(rejected_with(img, vec_with("v01", img, 0x300, 4), true,
			    "\"computed_sha256\":", "\"hash\":\"-EILSEQ\"},\"error\":\"hash: "));
	/* header size 0x200 -> 0 (allowed, as by MCUboot: the TLV info is then
	 * looked for 0x200 bytes early), both encryption flags */
	CHECK(rejected_with(img, vec_with("v01", img, 9, 0x02), false, "tlvs: malformed TLV area",
			    NULL));
	CHECK(rejected_with(img, vec_with("v01", img, 16, 0x0c), true, "\"header\":\"-EBADMSG\"",
			    "both encryption flags"));
	/* truncated inside the payload, inside the TLVs */
	CHECK(rejected_with(v->data, 0x1000, true, "\"header\":\"-EFBIG\"", NULL));
	CHECK(rejected_with(v->data, v->len - 10, true, "\"tlvs\":\"-EFBIG\"", NULL));
	/* TLV info magic (v01's TLV area is its last 0x96 bytes) */
	CHECK(rejected_with(img, vec_with("v01", img, v->len - 0x96, 1), true,
			    "\"tlvs\":\"-EBADMSG\"", NULL));
	/* a padded file with garbage after the TLVs */
	CHECK(rejected_with(img, vec_with("v02", img, 0x20000, 1), true, "\"tail\":\"-EBADMSG\"",
			    NULL));
	free(img);
}

TEST(detect_of_an_unknown_or_short_file_is_unknown_and_rejected)
{
	static const uint8_t zeros[64];
	int rc;
	char *out = detect(zeros, sizeof(zeros), true, &rc);

	CHECK(out != NULL);
	CHECK_EQ(rc, DSIM_EXIT_REJECTED);
	/* unknown, with its size and why (the rest names the known magics) */
	static const char want[] = "{\"type\":\"unknown\",\"file_size\":64,\"error\":\"not "
				   "recognised: 64 bytes starting 00 00 ";
	bool ok = strncmp(out, want, sizeof(want) - 1) == 0;

	if (!ok) {
		printf("  got %s", out);
	}
	free(out);
	CHECK(ok);
	/* MCUboot magic but fewer than 32 bytes: the library says NONE */
	out = detect(vec_images[0].data, 31, false, &rc);
	CHECK_EQ(rc, DSIM_EXIT_REJECTED);
	CHECK(strstr(out, "type:               unknown\n") == out);
	free(out);
	out = detect(NULL, 0, true, &rc);
	CHECK_EQ(rc, DSIM_EXIT_REJECTED);
	free(out);
}

TEST(mkdelta_makes_a_toy_patch_that_detect_reads_back)
{
	char err[200];
	size_t n;
	int rc;

	CHECK_OK(dsim_mkdelta(UUID_A, UUID_B, 5000, 9, tpath("d.bin"), err, sizeof(err)));
	uint8_t *p = slurp(tpath("d.bin"), &n);

	CHECK(p != NULL);
	CHECK_EQ(n, 5000 + SIM_MODEM_PATCH_OVERHEAD);
	char *out = detect(p, n, true, &rc);

	CHECK_EQ(rc, DSIM_EXIT_OK);
	CHECKF(strcmp(out,
		      "{\"type\":\"modem_delta\",\"file_size\":5088,\"format\":\"sim\","
		      "\"source_uuid\":\"" UUID_A "\",\"target_uuid\":\"" UUID_B "\","
		      "\"payload_len\":5000,\"checks\":{\"length\":\"ok\",\"crc\":\"ok\"}}\n") == 0,
	       "%s", out);
	free(out);
	p[100] ^= 0x10;
	CHECK(rejected_with(p, n, true, "\"crc\":\"-EILSEQ\"", NULL));
	CHECK(rejected_with(p, n - 1, true, "\"length\":\"-EBADMSG\"", NULL));
	/* a real patch: only the magic */
	memset(p + 8, 0, 72);
	out = detect(p, n, false, &rc);
	CHECK_EQ(rc, DSIM_EXIT_OK);
	CHECK(strstr(out, "format:             opaque\n"));
	free(out);
	free(p);
	CHECK_ERR(dsim_mkdelta("25c95751-efa4-40d4-8b4a-1dcaab81fac", UUID_B, 10, 0, tpath("e.bin"),
			       err, sizeof(err)),
		  EINVAL);
	CHECK_ERR(dsim_mkdelta(UUID_A, "25c95751xefa4-40d4-8b4a-1dcaab81fac9", 10, 0,
			       tpath("e.bin"), err, sizeof(err)),
		  EINVAL);
	CHECK_OK(dsim_mkdelta(UUID_A, UUID_A, 0, 0, tpath("e.bin"), err, sizeof(err)));
}

TEST(detect_reads_a_full_modem_file_with_the_librarys_parser)
{
	size_t cap = 64 * 1024, wlen = 0;
	uint8_t *f = malloc(cap);
	int rc;

	CHECK(f != NULL);
	size_t n = cbor_gen_modem(f, cap, 40, 5, &wlen);

	CHECK(n > 0);
	char *out = detect(f, n, false, &rc);
	char v[80], want[40];

	CHECK_EQ(rc, DSIM_EXIT_OK);
	CHECK(value_of(out, "type", v, sizeof(v)) && strcmp(v, "full_modem") == 0);
	snprintf(want, sizeof(want), "%zu", wlen);
	CHECK(value_of(out, "wrapper", v, sizeof(v)) && strcmp(v, want) == 0);
	snprintf(want, sizeof(want), "%zu", n - wlen);
	CHECK(value_of(out, "blob", v, sizeof(v)) && strcmp(v, want) == 0);
	CHECK(value_of(out, "segments", v, sizeof(v)) && strcmp(v, "4") == 0);
	CHECK(value_of(out, "version", v, sizeof(v)) && strcmp(v, "66309") == 0);
	CHECK(value_of(out, "hash check", v, sizeof(v)) && strcmp(v, "ok") == 0);
	free(out);
	f[n - 1] ^= 1;
	CHECK(rejected_with(f, n, true, "\"hash\":\"-EILSEQ\"", NULL));
	f[n - 1] ^= 1;
	/* a trailing byte; a file that ends inside the wrapper */
	CHECK(rejected_with(f, n + 1, true, "\"wrapper\":\"-EBADMSG\"", "trailing bytes"));
	CHECK(rejected_with(f, n - 1, true, "\"wrapper\":\"-EFBIG\"", "truncated"));
	CHECK(rejected_with(f, wlen - 1, true, "\"wrapper\":\"-EBADMSG\"", NULL));
	free(f);
}

static void cleanup(void)
{
	static const char *const names[] = {"a.pem",      "a.pem.pub",    "b.pem",   "b.pem.pub",
					    "signed.bin", "unsigned.bin", "rsa.pem", "rsa.bin",
					    "padded.bin", "x.bin",        "ed.pem",  "d.bin",
					    "e.bin"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		(void)unlink(tpath(names[i]));
	}
	(void)rmdir(tmpdir);
}

static void setup(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/dsim-artifact-XXXXXX", t != NULL && *t ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
}

TEST_MAIN(setup(); RUN(keygen_writes_a_p256_pair_with_a_private_0600_file_and_never_overwrites);
	  RUN(image_signed_with_a_new_key_is_accepted_with_it_trusted_and_refused_with_another);
	  RUN(image_signed_with_an_rsa2048_key_verifies_with_its_pkcs1_key_hash);
	  RUN(padded_confirmed_image_fills_the_slot_and_requests_a_permanent_upgrade);
	  RUN(mkimage_refuses_bad_parameters_with_a_message);
	  RUN(detect_agrees_with_imgtool_dumpinfo_on_every_vector);
	  RUN(detect_json_of_v01_and_v12_names_the_facts);
	  RUN(detect_rejects_broken_mcuboot_images_naming_the_check);
	  RUN(detect_of_an_unknown_or_short_file_is_unknown_and_rejected);
	  RUN(mkdelta_makes_a_toy_patch_that_detect_reads_back);
	  RUN(detect_reads_a_full_modem_file_with_the_librarys_parser); cleanup();)
