/*
 * dfu-sim: sample artifacts. P-256 key pairs (mbedTLS 2.x), signed or
 * hash-only MCUboot images built by the test image builder
 * (tests/mcuboot_img.c, laid out as imgtool's `sign`), and the simulator's
 * toy modem delta patches. Payloads are deterministic pseudo-random bytes
 * from a seed (the LCG of tools/dfu_demo.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/rsa.h>

#include "dsim.h"
#include "mcuboot_img.h"

#define MAX_PAYLOAD (64u * 1024u * 1024u) /* sample artifacts, not firmware */
#define TLV_ROOM 4096u                    /* TLV areas of a sample image fit */
#define PEM_MAX 4096u
#define DER_MAX 2048u

static int fail(char *err, size_t err_len, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static int fail(char *err, size_t err_len, int code, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && err_len > 0) {
		va_start(ap, fmt);
		vsnprintf(err, err_len, fmt, ap);
		va_end(ap);
	}
	return code;
}

static void prng_fill(uint8_t *b, size_t n, uint32_t seed)
{
	uint32_t x = seed;

	for (size_t i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		b[i] = (uint8_t)(x >> 24);
	}
}

/* Write a whole file with mode (O_EXCL when excl). 0 or -errno. */
static int write_file(const char *path, const void *data, size_t len, mode_t mode, bool excl)
{
	int fd = open(path, O_WRONLY | O_CREAT | (excl ? O_EXCL : O_TRUNC), mode);
	const uint8_t *p = data;
	int err = 0;

	if (fd < 0) {
		return -errno;
	}
	if (fchmod(fd, mode) != 0) {
		err = -errno;
	}
	while (err == 0 && len > 0) {
		ssize_t k = write(fd, p, len);

		if (k < 0 && errno == EINTR) {
			continue;
		}
		if (k <= 0) {
			err = k < 0 ? -errno : -EIO;
			break;
		}
		p += k;
		len -= (size_t)k;
	}
	if (close(fd) != 0 && err == 0) {
		err = -errno;
	}
	return err;
}

/* ---- keys ------------------------------------------------------------------ */

int dsim_keygen(const char *path, char *err, size_t err_len)
{
	static const char pers[] = "dfu-sim keygen";
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context pk;
	unsigned char pem[PEM_MAX];
	char pub_path[1024];
	int rc = 0;

	if (path == NULL || path[0] == '\0') {
		return fail(err, err_len, -EINVAL, "no key path");
	}
	if ((size_t)snprintf(pub_path, sizeof(pub_path), "%s.pub", path) >= sizeof(pub_path)) {
		return fail(err, err_len, -ENAMETOOLONG, "key path too long");
	}
	mbedtls_pk_init(&pk);
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
				  (const unsigned char *)pers, sizeof(pers) - 1) != 0 ||
	    mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0 ||
	    mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk),
				mbedtls_ctr_drbg_random, &drbg) != 0 ||
	    mbedtls_pk_write_key_pem(&pk, pem, sizeof(pem)) != 0) {
		rc = fail(err, err_len, -EIO, "mbedTLS could not generate a P-256 key");
		goto out;
	}
	rc = write_file(path, pem, strlen((const char *)pem), 0600, true);
	if (rc != 0) {
		rc = fail(err, err_len, rc, "%s: %s", path,
			  rc == -EEXIST ? "exists (not overwritten)" : strerror(-rc));
		goto out;
	}
	if (mbedtls_pk_write_pubkey_pem(&pk, pem, sizeof(pem)) != 0) {
		rc = fail(err, err_len, -EIO, "mbedTLS could not write the public key");
		goto out;
	}
	rc = write_file(pub_path, pem, strlen((const char *)pem), 0644, false);
	if (rc != 0) {
		rc = fail(err, err_len, rc, "%s: %s", pub_path, strerror(-rc));
	}
out:
	mbedtls_platform_zeroize(pem, sizeof(pem));
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	mbedtls_pk_free(&pk);
	return rc;
}

/* A signing key as the image builder needs it. */
struct signer {
	enum dfu_sig_alg alg;
	uint16_t tlv;
	uint8_t pub[DER_MAX]; /* bytes MCUboot hashes: SPKI (EC), PKCS#1 (RSA) */
	size_t pub_len;
	uint8_t priv[DER_MAX * 2];
	size_t priv_len;
};

static int sign_cb(void *ctx, const uint8_t digest[32], uint8_t *sig, size_t cap, size_t *sig_len)
{
	const struct signer *s = ctx;

	return dfu_crypto_mbedtls_sign(s->alg, s->priv, s->priv_len, digest, sig, cap, sig_len);
}

static int load_signer(const char *path, struct signer *s, char *err, size_t err_len)
{
	mbedtls_pk_context pk;
	uint8_t *end = s->pub + sizeof(s->pub);
	uint8_t *p = end;
	int n;
	int rc = 0;

	mbedtls_pk_init(&pk);
	if (mbedtls_pk_parse_keyfile(&pk, path, NULL) != 0) {
		rc = fail(err, err_len, -EINVAL,
			  "%s: not a private key mbedTLS reads (P-256 or RSA PEM/DER)", path);
		goto out;
	}
	if (mbedtls_pk_get_type(&pk) == MBEDTLS_PK_ECKEY &&
	    mbedtls_pk_ec(pk)->grp.id == MBEDTLS_ECP_DP_SECP256R1) {
		s->alg = DFU_SIG_ECDSA_P256;
		s->tlv = MCUBOOT_TLV_ECDSA_SIG;
		n = mbedtls_pk_write_pubkey_der(&pk, s->pub, sizeof(s->pub));
		p = end - (n > 0 ? n : 0);
	} else if (mbedtls_pk_get_type(&pk) == MBEDTLS_PK_RSA &&
		   (mbedtls_pk_get_bitlen(&pk) == 2048 || mbedtls_pk_get_bitlen(&pk) == 3072)) {
		bool r2k = mbedtls_pk_get_bitlen(&pk) == 2048;

		s->alg = r2k ? DFU_SIG_RSA2048_PSS : DFU_SIG_RSA3072_PSS;
		s->tlv = r2k ? MCUBOOT_TLV_RSA2048_PSS : MCUBOOT_TLV_RSA3072_PSS;
		n = mbedtls_pk_write_pubkey(&p, s->pub, &pk); /* PKCS#1 RSAPublicKey */
	} else {
		rc = fail(err, err_len, -ENOTSUP,
			  "%s: key type not supported (P-256, RSA-2048/3072)", path);
		goto out;
	}
	if (n <= 0) {
		rc = fail(err, err_len, -EIO, "%s: mbedTLS could not encode the public key", path);
		goto out;
	}
	memmove(s->pub, p, (size_t)n);
	s->pub_len = (size_t)n;
	n = mbedtls_pk_write_key_der(&pk, s->priv, sizeof(s->priv));
	if (n <= 0) {
		rc = fail(err, err_len, -EIO, "%s: mbedTLS could not encode the private key", path);
		goto out;
	}
	memmove(s->priv, s->priv + sizeof(s->priv) - (size_t)n, (size_t)n);
	s->priv_len = (size_t)n;
out:
	mbedtls_pk_free(&pk);
	return rc;
}

/* ---- images ---------------------------------------------------------------- */

/* Decimal, 1..10 digits, at most max. Advances *s. */
static bool parse_u(const char **s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	int n = 0;

	while (**s >= '0' && **s <= '9' && n < 11) {
		v = v * 10u + (uint64_t)(**s - '0');
		(*s)++;
		n++;
	}
	*out = (uint32_t)v;
	return n > 0 && n <= 10 && v <= max;
}

/* "major.minor.revision" or "major.minor.revision+build", decimal. */
static bool parse_version(const char *s, struct mcuboot_img_version *v)
{
	uint32_t ma, mi, rev, b = 0;

	if (!parse_u(&s, 255, &ma) || *s++ != '.' || !parse_u(&s, 255, &mi) || *s++ != '.' ||
	    !parse_u(&s, 65535, &rev)) {
		return false;
	}
	if (*s == '+') {
		s++;
		if (!parse_u(&s, UINT32_MAX, &b)) {
			return false;
		}
	}
	if (*s != '\0') {
		return false;
	}
	*v = (struct mcuboot_img_version){(uint8_t)ma, (uint8_t)mi, (uint16_t)rev, b};
	return true;
}

/* A whole payload file (malloc'd). 0 or -errno with a message. */
static int read_payload(const char *path, uint8_t **data, size_t *len, char *err, size_t err_len)
{
	FILE *f = fopen(path, "rb");
	long n = -1;
	uint8_t *b = NULL;

	if (f != NULL && fseek(f, 0, SEEK_END) == 0) {
		n = ftell(f);
	}
	if (n > 0 && n <= (long)MAX_PAYLOAD && fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)n);
		if (b != NULL && fread(b, 1, (size_t)n, f) != (size_t)n) {
			free(b);
			b = NULL;
		}
	}
	if (f != NULL) {
		(void)fclose(f);
	}
	if (b == NULL) {
		return fail(err, err_len, f == NULL ? -ENOENT : -EINVAL, "--payload %s: %s", path,
			    f == NULL ? "cannot open"
			    : n == 0  ? "empty file"
				      : "unreadable or larger than 64 MiB");
	}
	*data = b;
	*len = (size_t)n;
	return 0;
}

int dsim_mkimage(const struct dsim_mkimage *p, const char *path, char *err, size_t err_len)
{
	struct signer signer;
	struct mcuboot_img_params ip = {0};
	uint8_t *payload = NULL, *out = NULL;
	size_t cap, out_len = 0, size = p != NULL ? p->size : 0;
	int rc;

	memset(&signer, 0, sizeof(signer));
	if (p == NULL || path == NULL) {
		return fail(err, err_len, -EINVAL, "no parameters or no output path");
	}
	if (!parse_version(p->version != NULL ? p->version : "0.0.0+0", &ip.version)) {
		return fail(err, err_len, -EINVAL,
			    "version \"%s\": want major.minor.revision[+build] (0-255, 0-255, "
			    "0-65535, 0-4294967295)",
			    p->version);
	}
	if (p->payload_path != NULL) {
		rc = read_payload(p->payload_path, &payload, &size, err, err_len);
		if (rc != 0) {
			return rc;
		}
	}
	if (size == 0 || size > MAX_PAYLOAD) {
		free(payload);
		return fail(err, err_len, p->size == 0 ? -EINVAL : -EFBIG,
			    "payload size %lu: want 1..%u bytes", (unsigned long)size, MAX_PAYLOAD);
	}
	if (p->hdr_size != 0 && p->hdr_size < MCUBOOT_IMG_HEADER_SIZE) {
		free(payload);
		return fail(err, err_len, -EINVAL, "header size %u: at least 32", p->hdr_size);
	}
	if (p->pad_to % 8u != 0) {
		free(payload);
		return fail(err, err_len, -EINVAL, "slot size 0x%lx: not a multiple of 8",
			    (unsigned long)p->pad_to);
	}
	if (p->confirm && p->pad_to == 0) {
		free(payload);
		return fail(err, err_len, -EINVAL, "--confirm needs --pad (a slot size)");
	}
	ip.hdr_size = p->hdr_size != 0 ? p->hdr_size : 0x200;
	ip.has_sec_cnt = p->sec_cnt != 0;
	ip.sec_cnt = p->sec_cnt;
	ip.slot_size = p->pad_to;
	ip.max_align = 8;
	ip.confirm = p->confirm;
	ip.flags = p->flags;
	struct mcuboot_img_dep deps[DSIM_MAX_DEPS];

	if (p->dep_count > DSIM_MAX_DEPS) {
		return fail(err, err_len, -EINVAL, "--dependency: at most %d", DSIM_MAX_DEPS);
	}
	for (unsigned i = 0; i < p->dep_count; i++) {
		const char *colon = p->deps[i] != NULL ? strchr(p->deps[i], ':') : NULL;
		const char *s = p->deps[i];
		uint32_t id;

		if (colon == NULL || !parse_u(&s, 255, &id) || s != colon ||
		    !parse_version(colon + 1, &deps[i].version)) {
			return fail(err, err_len, -EINVAL,
				    "--dependency \"%s\": want IMAGE:VERSION (image 0-255, "
				    "version major.minor.revision[+build])",
				    p->deps[i] != NULL ? p->deps[i] : "");
		}
		deps[i].image_id = (uint8_t)id;
	}
	ip.deps = p->dep_count > 0 ? deps : NULL;
	ip.dep_count = p->dep_count;
	static const uint8_t tlv_value[4];
	const struct mcuboot_img_tlv prot = {(uint16_t)p->prot_tlv, sizeof(tlv_value), tlv_value};

	if (p->prot_tlv != 0) {
		ip.custom = &prot;
		ip.custom_count = 1;
	}
	if (p->tlv != 0 && p->pad_to != 0) {
		return fail(err, err_len, -EINVAL, "--tlv: not with --pad");
	}
	if (p->key_path != NULL) {
		rc = load_signer(p->key_path, &signer, err, err_len);
		if (rc != 0) {
			goto done;
		}
		ip.key = signer.pub;
		ip.key_len = signer.pub_len;
		ip.sig_type = signer.tlv;
		ip.sign = sign_cb;
		ip.sign_ctx = &signer;
	}
	cap = (size_t)ip.hdr_size + size + TLV_ROOM;
	if (p->pad_to > cap) {
		cap = p->pad_to;
	}
	if (payload == NULL) {
		payload = malloc(size);
		if (payload != NULL) {
			prng_fill(payload, size, p->seed);
		}
	}
	out = malloc(cap);
	if (payload == NULL || out == NULL) {
		rc = fail(err, err_len, -ENOMEM, "out of memory");
		goto done;
	}
	rc = mcuboot_img_build(&ip, payload, size, out, cap, &out_len);
	if (rc == -ENOSPC && p->pad_to != 0) {
		rc = fail(err, err_len, rc,
			  "the image does not fit a 0x%lx-byte slot with its trailer",
			  (unsigned long)p->pad_to);
		goto done;
	}
	if (rc != 0) {
		rc = fail(err, err_len, rc, "building the image failed (%s)",
			  rc == -ENOTSUP ? "signature algorithm not supported" : strerror(-rc));
		goto done;
	}
	if (p->tlv != 0 && mcuboot_img_append_tlv(out, cap, &out_len, (uint16_t)p->tlv, tlv_value,
						  sizeof(tlv_value)) != 0) {
		rc = fail(err, err_len, -ENOSPC, "--tlv: no room");
		goto done;
	}
	rc = write_file(path, out, out_len, 0644, false);
	if (rc != 0) {
		rc = fail(err, err_len, rc, "%s: %s", path, strerror(-rc));
	}
done:
	mbedtls_platform_zeroize(&signer, sizeof(signer));
	free(payload);
	free(out);
	return rc;
}

/* ---- modem delta ----------------------------------------------------------- */

static bool uuid_ok(const char *u)
{
	if (u == NULL || strlen(u) != DFU_MODEM_UUID_LEN) {
		return false;
	}
	for (int i = 0; i < DFU_MODEM_UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = u[i];
		bool hex =
			(c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

		if (dash ? c != '-' : !hex) {
			return false;
		}
	}
	return true;
}

int dsim_mkdelta(const char *src_uuid, const char *dst_uuid, uint32_t size, uint32_t seed,
		 const char *path, char *err, size_t err_len)
{
	uint8_t *buf;
	size_t n;
	int rc;

	if (path == NULL) {
		return fail(err, err_len, -EINVAL, "no output path");
	}
	if (!uuid_ok(src_uuid) || !uuid_ok(dst_uuid)) {
		return fail(err, err_len, -EINVAL,
			    "UUIDs must be 36 characters, hex with '-' at 8, 13, 18, 23");
	}
	if (size > MAX_PAYLOAD) {
		return fail(err, err_len, -EFBIG, "payload size %lu: at most %u bytes",
			    (unsigned long)size, MAX_PAYLOAD);
	}
	buf = malloc((size_t)size + SIM_MODEM_PATCH_OVERHEAD);
	if (buf == NULL) {
		return fail(err, err_len, -ENOMEM, "out of memory");
	}
	/* The payload is generated where the patch holds it (behind the
	 * header, which make_patch writes first). */
	prng_fill(buf + SIM_MODEM_PATCH_HEADER, size, seed);
	n = sim_modem_make_patch(buf, (size_t)size + SIM_MODEM_PATCH_OVERHEAD, src_uuid, dst_uuid,
				 size > 0 ? buf + SIM_MODEM_PATCH_HEADER : NULL, size);
	rc = n == 0 ? fail(err, err_len, -EINVAL, "could not build the patch")
		    : write_file(path, buf, n, 0644, false);
	if (n != 0 && rc != 0) {
		rc = fail(err, err_len, rc, "%s: %s", path, strerror(-rc));
	}
	free(buf);
	return rc;
}
