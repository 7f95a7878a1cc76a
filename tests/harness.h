/*
 * Minimal test harness. The same test sources run on the host (under
 * ASan/UBSan) and on an emulated Cortex-M33 (QEMU + newlib semihosting),
 * where Debian packages no test framework, hence this file.
 *
 * Usage (one executable per test file):
 *
 *   #include "harness.h"
 *   TEST(write_of_null_buffer_is_rejected) { CHECK_ERR(f(NULL), EINVAL); }
 *   TEST_MAIN(RUN(write_of_null_buffer_is_rejected); RUN(other_test);)
 *
 * Every run ends with the line "N passed, N failed, N skipped" and the
 * process exits non-zero when a test failed. A test fails at its first
 * failed CHECK (the rest of that test is skipped via return).
 *
 * Errors are compared and printed by symbol (EINVAL, not 22): newlib and
 * glibc number them differently.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef TEST_HARNESS_H_
#define TEST_HARNESS_H_

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu/dfu_errname.h"

struct test_state {
	int failed_here;
	int skipped_here;
	int passed, failed, skipped;
	const char *name;
};

extern struct test_state test_state_;

#define TEST(name) static void name(void)

#define TEST_FAIL_(...)                                                            \
	do {                                                                       \
		printf("FAIL %s (%s:%d): ", test_state_.name, __FILE__, __LINE__); \
		printf(__VA_ARGS__);                                               \
		printf("\n");                                                      \
		test_state_.failed_here = 1;                                       \
	} while (0)

/** Fail the test (and return from it) when cond is false. */
#define CHECK(cond)                              \
	do {                                     \
		if (!(cond)) {                   \
			TEST_FAIL_("%s", #cond); \
			return;                  \
		}                                \
	} while (0)

/** Like CHECK but with a printf-style explanation. */
#define CHECKF(cond, ...)                        \
	do {                                     \
		if (!(cond)) {                   \
			TEST_FAIL_(__VA_ARGS__); \
			return;                  \
		}                                \
	} while (0)

/** Integers equal (printed as long long). */
#define CHECK_EQ(a, b)                                                        \
	do {                                                                  \
		long long a_ = (long long)(a), b_ = (long long)(b);           \
		if (a_ != b_) {                                               \
			TEST_FAIL_("%s == %s: %lld != %lld", #a, #b, a_, b_); \
			return;                                               \
		}                                                             \
	} while (0)

/** expr returns -SYM (SYM is an errno symbol, e.g. EINVAL), or 0 for OK. */
#define CHECK_ERR(expr, sym)                                                         \
	do {                                                                         \
		int r_ = (int)(expr);                                                \
		if (r_ != -(sym)) {                                                  \
			TEST_FAIL_("%s: got %s, want %s", #expr, dfu_errno_name(r_), \
				   dfu_errno_name(-(sym)));                          \
			return;                                                      \
		}                                                                    \
	} while (0)

/** expr returns 0. */
#define CHECK_OK(expr)                                                               \
	do {                                                                         \
		int r_ = (int)(expr);                                                \
		if (r_ != 0) {                                                       \
			TEST_FAIL_("%s: got %s, want 0", #expr, dfu_errno_name(r_)); \
			return;                                                      \
		}                                                                    \
	} while (0)

/** Buffers equal; prints the first differing offset. */
#define CHECK_MEM(a, b, n)                                                    \
	do {                                                                  \
		const uint8_t *a_ = (const uint8_t *)(a);                     \
		const uint8_t *b_ = (const uint8_t *)(b);                     \
		size_t n_ = (size_t)(n);                                      \
		for (size_t i_ = 0; i_ < n_; i_++) {                          \
			if (a_[i_] != b_[i_]) {                               \
				TEST_FAIL_("%s != %s at byte %zu (0x%02x vs " \
					   "0x%02x)",                         \
					   #a, #b, i_, a_[i_], b_[i_]);       \
				return;                                       \
			}                                                     \
		}                                                             \
	} while (0)

/** Mark the current test skipped (counted as skipped, not passed). */
#define SKIP(reason)                                               \
	do {                                                       \
		printf("SKIP %s: %s\n", test_state_.name, reason); \
		test_state_.skipped_here = 1;                      \
		return;                                            \
	} while (0)

#define RUN(fn)                                           \
	do {                                              \
		test_state_.name = #fn;                   \
		test_state_.failed_here = 0;              \
		test_state_.skipped_here = 0;             \
		fn();                                     \
		if (test_state_.failed_here) {            \
			test_state_.failed++;             \
		} else if (test_state_.skipped_here) {    \
			test_state_.skipped++;            \
		} else {                                  \
			test_state_.passed++;             \
			if (test_verbose_()) {            \
				printf("ok   %s\n", #fn); \
			}                                 \
		}                                         \
	} while (0)

static inline int test_verbose_(void)
{
#if defined(TEST_VERBOSE)
	return 1;
#else
	return 0;
#endif
}

/** Defines main(): runs the RUN(...) statements and prints the summary. */
#define TEST_MAIN(...)                                                           \
	struct test_state test_state_;                                           \
	int main(void)                                                           \
	{                                                                        \
		__VA_ARGS__;                                                     \
		printf("%d passed, %d failed, %d skipped\n", test_state_.passed, \
		       test_state_.failed, test_state_.skipped);                 \
		fflush(stdout);                                                  \
		return test_state_.failed ? 1 : 0;                               \
	}

/* Running under QEMU (Cortex-M33) or on the host? Tests that need host-only
 * facilities (files, mbedTLS) SKIP when TEST_TARGET_EMBEDDED is defined. */
#if defined(__arm__) && !defined(__linux__)
#define TEST_TARGET_EMBEDDED 1
#endif

/* Power-cut sweeps could be reduced on the emulated target; QEMU turned out
 * fast enough (full sweep ~5 s), so both run the same sizes. Set to 1 to
 * shrink them (4 erase blocks instead of 8, no 256 KiB sampled test). */
#ifndef TEST_SCALE_DOWN
#define TEST_SCALE_DOWN 0
#endif

#endif /* TEST_HARNESS_H_ */
