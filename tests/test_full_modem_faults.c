/*
 * Full modem target under transient faults (issue 13): one -EIO at every
 * port call (flash read/program/erase, store read/write/remove, and on the
 * host the crypto port's SHA-256) of a download + done(true) + schedule,
 * the application recovering as the README says (init again, resume from
 * offset_get; retry schedule). Every run must end with the file byte-exact
 * in the partition and verified, losing at most the bytes after the last
 * durable point.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "cbor_gen.h"
#include "fault_port.h"
#include "full_modem_fixture.h"
#include "harness.h"
#include "support.h"

#if !defined(TEST_TARGET_EMBEDDED) && defined(DFU_HAVE_CRYPTO_MBEDTLS)
#include "dfu_crypto_mbedtls.h"
#define HAVE_CRYPTO 1
#else
#define HAVE_CRYPTO 0
#endif

#define CHUNK 1000u

static struct fmdev dev;
static struct fault_port fp;
static uint8_t file[64 * 1024];
#if HAVE_CRYPTO
static struct dfu_crypto_mbedtls cm;
static struct dfu_crypto crypto;
#endif

static int fdev_create(void)
{
	struct fmdev_opts o = {0};

#if HAVE_CRYPTO
	dfu_crypto_mbedtls_init(&cm, &crypto, true);
	o.crypto = &crypto;
#endif
	if (fmdev_create(&dev, &o) != 0) {
		return -1;
	}
	fault_port_wrap(&fp, &dev.flash.dev, &dev.kv.dev, dev.o.crypto);
	dev.fm.cfg.flash = &fp.wflash;
	dev.port.kv = &fp.wkv;
	dev.port.crypto = fault_port_crypto(&fp);
	return 0;
}

static void fdev_destroy(void)
{
	fmdev_destroy(&dev);
#if HAVE_CRYPTO
	dfu_crypto_mbedtls_free(&cm);
#endif
}

/* The README's recovery (support.h) on this device. */
static int app_update(const uint8_t *f, size_t n, size_t *sent)
{
	struct dfu_init_params ip = {
		.img_type = DFU_TARGET_IMAGE_TYPE_FULL_MODEM,
		.file_size = n,
		.first = f,
		.first_len = n < 64 ? n : 64,
	};

	return app_update_ctx(&dev.ctx, &ip, f, n, CHUNK, 0, sent);
}

TEST(one_transient_error_at_any_port_call_still_ends_exact_and_verified)
{
	size_t n = cbor_gen_modem(file, sizeof(file), 24, 5, NULL);
	size_t sent = 0;
	uint32_t n_calls, runs = 0, bad = 0, worst = 0;
	struct dfu_full_modem_info info;

	CHECK(n > 0);
	CHECK_OK(fdev_create());
	CHECK_OK(app_update(file, n, &sent));
	n_calls = fp.calls;
	fdev_destroy();
	for (uint32_t k = 1; k <= n_calls; k++) {
		sent = 0;
		CHECK_OK(fdev_create());
		fp.fail_at = k;
		int err = app_update(file, n, &sent);
		size_t lost = sent - n;
		/* a flash error rolls back to the erase block being written */
		size_t limit = dev.flash.dev.erase_block + dev.o.buf_len + CHUNK;

		runs++;
		if (err || fp.fired != 1 || memcmp(fmdev_part(&dev), file, n) != 0 ||
		    dfu_full_modem_stored(&dev.fm, &info) != 0 || !info.verified || lost > limit) {
			bad++;
			printf("  fault at call %u: %s, fired %u, resent %zu (limit %zu)\n",
			       (unsigned)k, dfu_errno_name(err), (unsigned)fp.fired, lost, limit);
		}
		worst = lost > worst ? (uint32_t)lost : worst;
		fdev_destroy();
	}
	printf("  fault sweep: %u port calls, %u runs, %u bad, at most %u bytes sent again\n",
	       (unsigned)n_calls, (unsigned)runs, (unsigned)bad, (unsigned)worst);
	CHECK_EQ(bad, 0);
}

TEST_MAIN(RUN(one_transient_error_at_any_port_call_still_ends_exact_and_verified);)
