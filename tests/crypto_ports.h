/*
 * The host crypto ports as a table, so that one test runs against each:
 * the mbedTLS port (ports/mbedtls, DFU_HAVE_CRYPTO_MBEDTLS) and the PSA
 * Crypto port (ports/psa, DFU_HAVE_CRYPTO_PSA). On the target (QEMU) there
 * is none: test_crypto_count() is 0 and the tests SKIP.
 *
 *   for (size_t i = 0; i < test_crypto_count(); i++) {
 *           struct test_crypto t;
 *
 *           CHECK_OK(test_crypto_open(&t, i, false));
 *           ... t.c.verify(t.c.ctx, ...) ..., messages name t.name
 *           test_crypto_close(&t);
 *   }
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef TEST_CRYPTO_PORTS_H_
#define TEST_CRYPTO_PORTS_H_

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "dfu/dfu_port.h"
#include "harness.h"

#if defined(DFU_HAVE_CRYPTO_MBEDTLS) && !defined(TEST_TARGET_EMBEDDED)
#include "dfu_crypto_mbedtls.h"
#define TEST_HAVE_MBEDTLS 1
#else
#define TEST_HAVE_MBEDTLS 0
#endif
#if defined(DFU_HAVE_CRYPTO_PSA) && !defined(TEST_TARGET_EMBEDDED)
#include "dfu_crypto_psa.h"
#define TEST_HAVE_PSA 1
#else
#define TEST_HAVE_PSA 0
#endif

enum test_crypto_kind {
	TEST_CRYPTO_MBEDTLS = 1,
	TEST_CRYPTO_PSA,
};

/* Number of ports built (a function: a constant 0 would make loops warn). */
static inline size_t test_crypto_count(void)
{
	return (size_t)TEST_HAVE_MBEDTLS + (size_t)TEST_HAVE_PSA;
}

/* Port i, in table order (mbedTLS first), or 0. */
static inline enum test_crypto_kind test_crypto_kind_at(size_t i)
{
	if (TEST_HAVE_MBEDTLS && i == 0) {
		return TEST_CRYPTO_MBEDTLS;
	}
	if (TEST_HAVE_PSA && i == (size_t)TEST_HAVE_MBEDTLS) {
		return TEST_CRYPTO_PSA;
	}
	return (enum test_crypto_kind)0;
}

/* One opened port: c is its struct dfu_crypto. */
struct test_crypto {
	const char *name; /* "mbedtls" / "psa" */
	enum test_crypto_kind kind;
	struct dfu_crypto c;
#if TEST_HAVE_MBEDTLS
	struct dfu_crypto_mbedtls m;
#endif
#if TEST_HAVE_PSA
	struct dfu_crypto_psa p;
#endif
};

/* Open port i of the table (with or without its SHA-256 hooks). */
static inline int test_crypto_open(struct test_crypto *t, size_t i, bool with_sha)
{
	memset(t, 0, sizeof(*t));
	t->kind = test_crypto_kind_at(i);
	switch (t->kind) {
#if TEST_HAVE_MBEDTLS
	case TEST_CRYPTO_MBEDTLS:
		t->name = "mbedtls";
		dfu_crypto_mbedtls_init(&t->m, &t->c, with_sha);
		return 0;
#endif
#if TEST_HAVE_PSA
	case TEST_CRYPTO_PSA:
		t->name = "psa";
		return dfu_crypto_psa_init(&t->p, &t->c, with_sha);
#endif
	default:
		(void)with_sha;
		return -ENOENT;
	}
}

static inline void test_crypto_close(struct test_crypto *t)
{
	switch (t->kind) {
#if TEST_HAVE_MBEDTLS
	case TEST_CRYPTO_MBEDTLS:
		dfu_crypto_mbedtls_free(&t->m);
		break;
#endif
#if TEST_HAVE_PSA
	case TEST_CRYPTO_PSA:
		dfu_crypto_psa_free(&t->p);
		break;
#endif
	default:
		break;
	}
	t->kind = 0;
}

#define NEED_CRYPTO_PORT()                                                           \
	do {                                                                         \
		if (test_crypto_count() == 0) {                                      \
			SKIP("needs a host crypto port (mbedTLS / PSA; host only)"); \
		}                                                                    \
	} while (0)

#endif /* TEST_CRYPTO_PORTS_H_ */
