/*
 * Validate-primary and bootstrap in dfu_mcuboot_state()
 * (shared/spec/mcuboot-acceptance.md §3.6, §3.7): the primary is judged by
 * the same verifier as a download (hash, signature, security counter), so
 * the state says when MCUboot will not boot it, and, with bootstrap, when
 * an invalid primary gets the secondary copied in without a request. Runs
 * on the host and under QEMU.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mcuboot_fixture.h"
#include "mcuboot_img.h"

#define PAIR 1

static uint8_t img[0x4000];
static size_t n;
static uint8_t payload[1024];

static const struct dfu_mcuboot_profile no_validate = {.features =
							       DFU_MCUBOOT_P_NO_VALIDATE_PRIMARY};
static const struct dfu_mcuboot_profile bootstrap = {.features = DFU_MCUBOOT_P_BOOTSTRAP};

static void dev(struct mdev *d, const struct dfu_mcuboot_profile *prof)
{
	struct mdev_opts o = {.profile = prof};

	if (mdev_create(d, &o) != 0) {
		abort();
	}
}

/* Flip a payload byte of the running image of PAIR: its hash no longer
 * matches. */
static void corrupt_primary(struct mdev *d)
{
	d->flash.mem[d->pairs[PAIR].primary.offset + 0x200 + 3] ^= 0x10;
}

static void download(struct mdev *d)
{
	struct mcuboot_img_params p = {.version = {1, 0, 0, 0}};

	for (size_t i = 0; i < sizeof(payload); i++) {
		payload[i] = (uint8_t)(i * 3u + 7u);
	}
	if (mcuboot_img_build(&p, payload, sizeof(payload), img, sizeof(img), &n) != 0 ||
	    mdev_download(d, PAIR, img, n, 512) != 0) {
		abort();
	}
}

TEST(valid_primary_is_reported_valid_and_boots)
{
	struct mdev d;
	struct dfu_mcuboot_pair_state st;

	dev(&d, NULL);
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.primary_valid, 1);
	CHECK_EQ(st.primary.verified, DFU_MCUBOOT_CHECK_OK);
	CHECK_EQ(st.boot_fails, 0);
	mdev_destroy(&d);
}

TEST(validate_primary_reports_a_primary_with_a_bad_hash_as_not_booting)
{
	struct mdev d;
	struct dfu_mcuboot_pair_state st;

	dev(&d, NULL);
	corrupt_primary(&d);
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.primary.present, 1); /* its header is fine */
	CHECK_EQ(st.primary.verified, DFU_MCUBOOT_CHECK_BAD);
	CHECK_EQ(st.primary_valid, 0);
	CHECK_EQ(st.boot_fails, 1);
	mdev_destroy(&d);
}

TEST(without_validate_primary_a_bad_hash_still_boots_on_its_magic)
{
	struct mdev d;
	struct dfu_mcuboot_pair_state st;

	dev(&d, &no_validate);
	corrupt_primary(&d);
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.primary_valid, 1);
	CHECK_EQ(st.boot_fails, 0);
	mdev_destroy(&d);
}

TEST(validate_primary_checks_the_primarys_security_counter)
{
	static const struct dfu_mcuboot_profile hw = {.features = DFU_MCUBOOT_P_HW_ROLLBACK,
						      .security_counter = 2};
	struct mdev d;
	struct dfu_mcuboot_pair_state st;

	dev(&d, &hw); /* the running image has no SEC_CNT TLV */
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.primary_valid, 0);
	CHECK_EQ(st.boot_fails, 1);
	mdev_destroy(&d);
}

TEST(request_over_an_invalid_primary_still_installs)
{
	struct mdev d;
	struct dfu_mcuboot_pair_state st;

	dev(&d, NULL);
	corrupt_primary(&d);
	download(&d);
	CHECK_OK(dfu_mcuboot_schedule(&d.mcuboot, PAIR, false));
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.will_install, 1);
	CHECK_EQ(st.primary_valid, 0);
	CHECK_EQ(st.boot_fails, 0); /* the new image is validated after the swap */
	mdev_destroy(&d);
}

TEST(bootstrap_copies_over_an_invalid_primary_without_a_request)
{
	struct mdev d;
	struct dfu_mcuboot_pair_state st;

	dev(&d, &bootstrap);
	download(&d);
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.swap, DFU_MCUBOOT_SWAP_NONE);
	CHECK_EQ(st.will_install, 0); /* valid primary: nothing happens */
	corrupt_primary(&d);
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.swap, DFU_MCUBOOT_SWAP_NONE);
	CHECK_EQ(st.will_install, 1);
	CHECK_EQ(st.boot_fails, 0);
	mdev_destroy(&d);
}

TEST(bootstrap_validates_the_primary_even_without_validate_primary)
{
	static const struct dfu_mcuboot_profile both = {
		.features = DFU_MCUBOOT_P_BOOTSTRAP | DFU_MCUBOOT_P_NO_VALIDATE_PRIMARY};
	struct mdev d;
	struct dfu_mcuboot_pair_state st;

	dev(&d, &both);
	download(&d);
	corrupt_primary(&d);
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.will_install, 1);
	mdev_destroy(&d);
}

TEST(bootstrap_does_not_copy_over_a_primary_with_a_garbage_magic)
{
	struct mdev d;
	struct dfu_mcuboot_pair_state st;

	dev(&d, &bootstrap);
	download(&d);
	d.flash.mem[d.pairs[PAIR].primary.offset] = 0x00; /* magic neither erased nor good */
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, PAIR, &st));
	CHECK_EQ(st.will_install, 0);
	CHECK_EQ(st.boot_fails, 1);
	mdev_destroy(&d);
}

TEST_MAIN(RUN(valid_primary_is_reported_valid_and_boots);
	  RUN(validate_primary_reports_a_primary_with_a_bad_hash_as_not_booting);
	  RUN(without_validate_primary_a_bad_hash_still_boots_on_its_magic);
	  RUN(validate_primary_checks_the_primarys_security_counter);
	  RUN(request_over_an_invalid_primary_still_installs);
	  RUN(bootstrap_copies_over_an_invalid_primary_without_a_request);
	  RUN(bootstrap_validates_the_primary_even_without_validate_primary);
	  RUN(bootstrap_does_not_copy_over_a_primary_with_a_garbage_magic);)
