/*
 * MCUboot trailer rules (src/targets/mcuboot/mcuboot_trailer.c): what a
 * request does with the trailer it finds (pending, other, torn, BAD),
 * decoding, the swap decision table (spec 6.1, offset-mode row I included)
 * and confirm. Layout and bytes: test_mcuboot_trailer.c; power cuts:
 * test_mcuboot_trailer_cut.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#include "trailer_fixture.h"

static struct tfix T;
static uint8_t exp_buf[4096];

static int read_sec(struct dfu_mcuboot_trailer *t)
{
	return dfu_mcuboot_trailer_read(&T.pair, 1, t);
}

/* ---- request semantics ---- */

TEST(same_request_twice_writes_nothing_the_second_time)
{
	for (int perm = 0; perm < 2; perm++) {
		CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
		CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 0, perm));
		sim_flash_reset_counters(&T.fl);
		CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 0, perm));
		CHECK_EQ(tfix_ops(&T), 0);
	}
}

TEST(permanent_after_test_is_refused_with_ealready)
{
	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 0, false));
	sim_flash_reset_counters(&T.fl);
	CHECK_ERR(dfu_mcuboot_trailer_request(&T.pair, 0, true), EALREADY);
	CHECK_EQ(tfix_ops(&T), 0);
	CHECK_EQ(tfix_decide(&T), DFU_MCUBOOT_SWAP_TEST);
}

TEST(test_after_permanent_is_refused_with_ealready)
{
	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 0, true));
	sim_flash_reset_counters(&T.fl);
	CHECK_ERR(dfu_mcuboot_trailer_request(&T.pair, 0, false), EALREADY);
	CHECK_EQ(tfix_ops(&T), 0);
	CHECK_EQ(tfix_decide(&T), DFU_MCUBOOT_SWAP_PERM);
}

TEST(torn_request_without_magic_is_erased_and_redone)
{
	struct dfu_mcuboot_trailer t;

	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	CHECK_OK(tfix_put_field(&T, &T.pair.secondary, 24, 0x01)); /* image_ok of a permanent */
	CHECK_OK(tfix_put_field(&T, &T.pair.secondary, 40, 0x03)); /* swap_info */
	CHECK_OK(read_sec(&t));
	CHECK(t.magic == DFU_MCUBOOT_UNSET && t.image_ok == DFU_MCUBOOT_GOOD && !t.clean);
	sim_flash_reset_counters(&T.fl);
	CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 0, false));
	CHECK_EQ(T.fl.cnt.erases, 1);
	spec_expect_tail(exp_buf, 4096, 8, 0xff, 0, false);
	CHECK_MEM(tfix_end(&T, &T.pair.secondary) - 4096, exp_buf, 4096);
	CHECK_EQ(T.fl.cnt.violations.total, 0);
}

TEST(bad_magic_is_erased_and_redone)
{
	struct dfu_mcuboot_trailer t;

	/* A trailer written for A = 16 on an A = 8 pair reads BAD. */
	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	CHECK_OK(tfix_put_field(&T, &T.pair.secondary, 24, 0x01));
	CHECK_OK(tfix_put_magic(&T, &T.pair.secondary, 8, spec_magic_a16));
	CHECK_OK(read_sec(&t));
	CHECK_EQ(t.magic, DFU_MCUBOOT_BAD);
	CHECK_EQ(tfix_decide(&T), DFU_MCUBOOT_SWAP_NONE);
	CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 0, false));
	spec_expect_tail(exp_buf, 4096, 8, 0xff, 0, false);
	CHECK_MEM(tfix_end(&T, &T.pair.secondary) - 4096, exp_buf, 4096);
	CHECK_EQ(T.fl.cnt.violations.total, 0);
}

TEST(clean_trailer_is_still_erased_before_the_request)
{
	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 0, false));
	CHECK_EQ(T.fl.cnt.erases, 1);
	CHECK_EQ(T.fl.cnt.programs, 2); /* swap_info, magic */
}

TEST(request_rejects_image_numbers_outside_the_nibble)
{
	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	CHECK_ERR(dfu_mcuboot_trailer_request(&T.pair, 15, false), EINVAL);
	CHECK_ERR(dfu_mcuboot_trailer_request(&T.pair, -1, false), EINVAL);
	CHECK_ERR(dfu_mcuboot_trailer_request(NULL, 0, false), EINVAL);
	CHECK_EQ(tfix_ops(&T), 0);
	CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 14, false));
	CHECK_EQ(tfix_end(&T, &T.pair.secondary)[-40], 0xE2);
}

TEST(flash_errors_are_returned_unchanged)
{
	struct dfu_mcuboot_trailer t;

	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	sim_power_arm(&T.pw, 1, SIM_TORN_NOTHING, 1);
	CHECK_ERR(dfu_mcuboot_trailer_request(&T.pair, 0, false), EIO); /* erase cut */
	CHECK_ERR(read_sec(&t), EIO);                                   /* dead */
	CHECK_ERR(dfu_mcuboot_trailer_confirm(&T.pair), EIO);
	CHECK_ERR(dfu_mcuboot_trailer_erase(&T.pair, 1), EIO);
}

/* ---- decoding ---- */

TEST(read_decodes_flags_swap_info_and_clean)
{
	struct dfu_mcuboot_trailer t;

	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	CHECK_OK(read_sec(&t));
	CHECK(t.magic == DFU_MCUBOOT_UNSET && t.image_ok == DFU_MCUBOOT_UNSET);
	CHECK(t.copy_done == DFU_MCUBOOT_UNSET && t.swap_type == 0 && t.swap_img == 0 && t.clean);
	CHECK_OK(tfix_put_field(&T, &T.pair.secondary, 24,
				0x02)); /* image_ok neither 01 nor erased */
	CHECK_OK(tfix_put_field(&T, &T.pair.secondary, 32, 0x01));
	CHECK_OK(tfix_put_field(&T, &T.pair.secondary, 40, 0x34));
	CHECK_OK(read_sec(&t));
	CHECK(t.image_ok == DFU_MCUBOOT_BAD && t.copy_done == DFU_MCUBOOT_GOOD && !t.clean);
	CHECK(t.swap_type == 4 && t.swap_img == 3);
	CHECK_OK(dfu_mcuboot_trailer_erase(&T.pair, 1));
	CHECK_OK(tfix_put_field(&T, &T.pair.secondary, 40, 0x35)); /* type > 4: ignored */
	CHECK_OK(read_sec(&t));
	CHECK(t.swap_type == 0 && t.swap_img == 0 && !t.clean);
	/* A non-erased padding byte alone makes the trailer unclean. */
	CHECK_OK(dfu_mcuboot_trailer_erase(&T.pair, 1));
	CHECK_OK(T.fl.dev.program(T.fl.dev.ctx, T.pair.secondary.offset + 8 * 4096 - 24,
				  (const uint8_t[4]){0xff, 0xff, 0xff, 0x00}, 4));
	CHECK_OK(read_sec(&t));
	CHECK(t.image_ok == DFU_MCUBOOT_UNSET && !t.clean);
}

/* ---- swap decision table (section 6.1) ---- */

static struct dfu_mcuboot_trailer tr(uint8_t magic, uint8_t image_ok, uint8_t copy_done)
{
	return (struct dfu_mcuboot_trailer){magic, image_ok, copy_done, 0, 0, false};
}

#define G DFU_MCUBOOT_GOOD
#define B DFU_MCUBOOT_BAD
#define U DFU_MCUBOOT_UNSET

TEST(swap_type_follows_every_row_of_the_decision_table)
{
	struct dfu_mcuboot_pair move = {.mode = DFU_MCUBOOT_SWAP_MOVE};
	struct dfu_mcuboot_pair off = {.mode = DFU_MCUBOOT_SWAP_OFFSET};
	struct dfu_mcuboot_trailer none = tr(U, U, U);
	struct {
		const struct dfu_mcuboot_pair *pair;
		struct dfu_mcuboot_trailer pri, sec;
		enum dfu_mcuboot_swap want;
	} rows[] = {
		/* Row I: offset mode only. */
		{&off, tr(U, U, U), tr(G, U, G), DFU_MCUBOOT_SWAP_REVERT},
		{&off, tr(G, G, G), tr(G, U, G), DFU_MCUBOOT_SWAP_REVERT},
		{&move, tr(U, U, U), tr(G, U, G), DFU_MCUBOOT_SWAP_TEST},
		{&off, tr(U, U, U), tr(G, G, G), DFU_MCUBOOT_SWAP_PERM}, /* I needs UNSET */
		/* Row II. */
		{&move, tr(U, U, U), tr(G, U, U), DFU_MCUBOOT_SWAP_TEST},
		{&off, tr(B, B, B), tr(G, U, U), DFU_MCUBOOT_SWAP_TEST},
		/* Row II before row IV. */
		{&move, tr(G, U, G), tr(G, U, U), DFU_MCUBOOT_SWAP_TEST},
		/* Row III. */
		{&move, tr(U, U, U), tr(G, G, U), DFU_MCUBOOT_SWAP_PERM},
		{&move, tr(G, U, G), tr(G, G, B), DFU_MCUBOOT_SWAP_PERM},
		/* Row IV. */
		{&move, tr(G, U, G), tr(U, U, U), DFU_MCUBOOT_SWAP_REVERT},
		{&off, tr(G, U, G), tr(B, G, G), DFU_MCUBOOT_SWAP_REVERT},
		{&move, tr(G, U, G), tr(G, B, U), DFU_MCUBOOT_SWAP_REVERT},
		/* No row. */
		{&move, tr(U, U, U), tr(U, U, U), DFU_MCUBOOT_SWAP_NONE},
		{&move, tr(G, G, G), tr(U, U, U), DFU_MCUBOOT_SWAP_NONE}, /* confirmed */
		{&move, tr(G, U, U), tr(B, G, U), DFU_MCUBOOT_SWAP_NONE},
		{&move, tr(G, B, G), tr(U, U, U), DFU_MCUBOOT_SWAP_NONE},
		{&move, tr(B, U, G), tr(U, U, U), DFU_MCUBOOT_SWAP_NONE},
		{&move, tr(U, U, U), tr(G, B, U), DFU_MCUBOOT_SWAP_NONE},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CHECKF(dfu_mcuboot_swap_type(rows[i].pair, &rows[i].pri, &rows[i].sec) ==
			       rows[i].want,
		       "case %zu", i);
	}
	/* NULL trailers count as all UNSET. */
	CHECK_EQ(dfu_mcuboot_swap_type(&move, NULL, NULL), DFU_MCUBOOT_SWAP_NONE);
	CHECK_EQ(dfu_mcuboot_swap_type(NULL, &rows[9].pri, &none), DFU_MCUBOOT_SWAP_REVERT);
}

TEST(offset_mode_secondary_with_copy_done_is_not_a_pending_request)
{
	CHECK_OK(tfix_make(&T, &sim_geo_nrf52840, 8 * 4096, 9 * 4096, 8, 0,
			   DFU_MCUBOOT_SWAP_OFFSET));
	CHECK_OK(tfix_put_field(&T, &T.pair.secondary, 32, 0x01)); /* copy_done */
	CHECK_OK(tfix_put_magic(&T, &T.pair.secondary, 8, spec_magic_a8));
	CHECK_EQ(tfix_decide(&T), DFU_MCUBOOT_SWAP_REVERT);
	CHECK_OK(dfu_mcuboot_trailer_request(&T.pair, 0, false)); /* erased, redone */
	CHECK_EQ(tfix_decide(&T), DFU_MCUBOOT_SWAP_TEST);
	CHECK_EQ(T.fl.cnt.violations.total, 0);
}

/* ---- confirm ---- */

TEST(confirm_writes_image_ok_when_magic_good_and_image_ok_unset)
{
	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	/* After a test swap: primary magic GOOD, copy_done SET (section 6.2). */
	CHECK_OK(tfix_put_field(&T, &T.pair.primary, 32, 0x01));
	CHECK_OK(tfix_put_magic(&T, &T.pair.primary, 8, spec_magic_a8));
	CHECK_EQ(tfix_decide(&T), DFU_MCUBOOT_SWAP_REVERT);
	sim_flash_reset_counters(&T.fl);
	CHECK_OK(dfu_mcuboot_trailer_confirm(&T.pair));
	CHECK_EQ(T.fl.cnt.programs, 1);
	CHECK_EQ(T.fl.cnt.erases, 0);
	CHECK_MEM(tfix_end(&T, &T.pair.primary) - 24, ((const uint8_t[4]){0x01, 0xff, 0xff, 0xff}),
		  4);
	CHECK_EQ(tfix_decide(&T), DFU_MCUBOOT_SWAP_NONE);
	/* Already confirmed: nothing more. */
	sim_flash_reset_counters(&T.fl);
	CHECK_OK(dfu_mcuboot_trailer_confirm(&T.pair));
	CHECK_EQ(tfix_ops(&T), 0);
	CHECK_EQ(T.fl.cnt.violations.total, 0);
}

TEST(confirm_with_unset_magic_writes_nothing)
{
	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	CHECK_OK(dfu_mcuboot_trailer_confirm(&T.pair));
	CHECK_EQ(tfix_ops(&T), 0);
}

TEST(confirm_with_bad_magic_or_bad_image_ok_is_ebadmsg)
{
	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	CHECK_OK(tfix_put_magic(&T, &T.pair.primary, 8, spec_magic_a32));
	CHECK_ERR(dfu_mcuboot_trailer_confirm(&T.pair), EBADMSG);
	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	CHECK_OK(tfix_put_field(&T, &T.pair.primary, 24, 0x00));
	CHECK_OK(tfix_put_magic(&T, &T.pair.primary, 8, spec_magic_a8));
	CHECK_ERR(dfu_mcuboot_trailer_confirm(&T.pair), EBADMSG);
	/* image_ok byte erased but its padding not: never reprogrammed. */
	CHECK_OK(tfix_make_n(&T, &sim_geo_nrf52840, 8, 8));
	CHECK_OK(T.fl.dev.program(T.fl.dev.ctx, T.pair.primary.size - 24,
				  (const uint8_t[4]){0xff, 0x00, 0xff, 0xff}, 4));
	CHECK_OK(tfix_put_magic(&T, &T.pair.primary, 8, spec_magic_a8));
	sim_flash_reset_counters(&T.fl);
	CHECK_ERR(dfu_mcuboot_trailer_confirm(&T.pair), EBADMSG);
	CHECK_EQ(tfix_ops(&T), 0);
}

static void cleanup(void)
{
	sim_flash_free(&T.fl);
}

TEST_MAIN(RUN(same_request_twice_writes_nothing_the_second_time);
	  RUN(permanent_after_test_is_refused_with_ealready);
	  RUN(test_after_permanent_is_refused_with_ealready);
	  RUN(torn_request_without_magic_is_erased_and_redone); RUN(bad_magic_is_erased_and_redone);
	  RUN(clean_trailer_is_still_erased_before_the_request);
	  RUN(request_rejects_image_numbers_outside_the_nibble);
	  RUN(flash_errors_are_returned_unchanged); RUN(read_decodes_flags_swap_info_and_clean);
	  RUN(swap_type_follows_every_row_of_the_decision_table);
	  RUN(offset_mode_secondary_with_copy_done_is_not_a_pending_request);
	  RUN(confirm_writes_image_ok_when_magic_good_and_image_ok_unset);
	  RUN(confirm_with_unset_magic_writes_nothing);
	  RUN(confirm_with_bad_magic_or_bad_image_ok_is_ebadmsg); cleanup();)
