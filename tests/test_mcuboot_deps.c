/*
 * Dependencies between images (shared/spec/mcuboot-acceptance.md §2.10,
 * case 25): protected DEPENDENCY TLVs (image id, minimum version) of every
 * image MCUboot boots next (its secondary when installed, else its
 * primary) must be met by the version it will boot for the named image;
 * otherwise MCUboot installs nothing. schedule refuses such a request
 * (-ENOLINK, nothing written) and dfu_mcuboot_state() reports a request
 * that is held by a dependency. Runs on the host and under QEMU.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "dfu/dfu_errname.h"
#include "harness.h"
#include "mcuboot_fixture.h"
#include "mcuboot_img.h"

static uint8_t img[2][0x4000];
static size_t len[2];
static uint8_t payload[1024];

static const struct dfu_mcuboot_profile no_allow_list = {.features = DFU_MCUBOOT_P_NO_ALLOW_LIST};

/* Image k (0 or 1) of version v with the given dependencies / custom
 * protected TLVs. */
static int make(int k, struct mcuboot_img_version v, const struct mcuboot_img_dep *deps,
		size_t dep_count, const struct mcuboot_img_tlv *custom, size_t custom_count)
{
	struct mcuboot_img_params p = {.version = v,
				       .deps = deps,
				       .dep_count = dep_count,
				       .custom = custom,
				       .custom_count = custom_count};

	for (size_t i = 0; i < sizeof(payload); i++) {
		payload[i] = (uint8_t)(i * 5u + (unsigned)k * 3u + 1u);
	}
	return mcuboot_img_build(&p, payload, sizeof(payload), img[k], sizeof(img[k]), &len[k]);
}

/* A device with `images` image pairs (pairs 0 .. images-1); image 1's
 * running image is 1.4.0. */
static void two_images(struct mdev *d, uint8_t images, const struct dfu_mcuboot_profile *prof)
{
	struct mdev_opts o = {.profile = prof};

	if (mdev_create(d, &o) != 0) {
		abort();
	}
	d->board.pair_count = images;
	mdev_running(d, 1, 1, 4, 0, 0);
}

static int swap_of(struct mdev *d, int pair)
{
	struct dfu_mcuboot_pair_state st;

	return dfu_mcuboot_state(&d->mcuboot, pair, &st) == 0 ? st.swap : -1;
}

static const struct mcuboot_img_dep needs_1_5 = {1, {1, 5, 0, 0}};

TEST(case25_unmet_dependency_on_the_other_primary_refuses_schedule_and_writes_nothing)
{
	struct mdev d;

	two_images(&d, 2, NULL);
	CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, &needs_1_5, 1, NULL, 0));
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), ENOLINK);
	CHECK_ERR(dfu_mcuboot_schedule(&d.mcuboot, 0, true), ENOLINK);
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, -1), ENOLINK);
	CHECK_EQ(swap_of(&d, 0), DFU_MCUBOOT_SWAP_NONE);
	CHECK_EQ(swap_of(&d, 1), DFU_MCUBOOT_SWAP_NONE);
	mdev_destroy(&d);
}

TEST(case25_state_reports_a_request_held_by_a_dependency_as_not_installing)
{
	struct mdev d;
	struct dfu_mcuboot_pair_state st;

	two_images(&d, 2, NULL);
	CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, &needs_1_5, 1, NULL, 0));
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	/* requested by someone else (MCUboot's own boot_set_pending) */
	CHECK_OK(dfu_mcuboot_trailer_request(&d.pairs[0], 0, false));
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, 0, &st));
	CHECK_EQ(st.swap, DFU_MCUBOOT_SWAP_TEST);
	CHECK_EQ(st.will_install, 0);
	CHECK_EQ(st.hold, DFU_MCUBOOT_HOLD_DEPENDENCY);
	CHECK_EQ(st.boot_fails, 0); /* the old image keeps booting */
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, 1, &st));
	CHECK_EQ(st.will_install, 0);
	/* the request is kept: met later, it installs */
	mdev_running(&d, 1, 1, 5, 0, 0);
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, 0, &st));
	CHECK_EQ(st.will_install, 1);
	CHECK_EQ(st.hold, DFU_MCUBOOT_HOLD_NONE);
	mdev_destroy(&d);
}

TEST(dependency_met_by_the_other_images_primary_is_scheduled)
{
	struct mdev d;
	struct dfu_mcuboot_pair_state st;

	two_images(&d, 2, NULL);
	mdev_running(&d, 1, 1, 5, 0, 0); /* equal to the minimum: met */
	CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, &needs_1_5, 1, NULL, 0));
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
	CHECK_OK(dfu_mcuboot_state(&d.mcuboot, 0, &st));
	CHECK_EQ(st.will_install, 1);
	mdev_destroy(&d);
}

TEST(dependency_met_by_the_other_images_pending_secondary_is_scheduled)
{
	struct mdev d;

	two_images(&d, 2, NULL);
	CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, &needs_1_5, 1, NULL, 0));
	CHECK_OK(make(1, (struct mcuboot_img_version){1, 5, 0, 0}, NULL, 0, NULL, 0));
	CHECK_OK(mdev_download(&d, 1, img[1], len[1], 512));
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	/* image 1 not requested yet: its primary (1.4.0) counts */
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), ENOLINK);
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 1));
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
	CHECK_EQ(swap_of(&d, 0), DFU_MCUBOOT_SWAP_TEST);
	CHECK_EQ(swap_of(&d, 1), DFU_MCUBOOT_SWAP_TEST);
	mdev_destroy(&d);
}

TEST(schedule_all_requesting_both_images_meets_the_dependency)
{
	struct mdev d;

	two_images(&d, 2, NULL);
	CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, &needs_1_5, 1, NULL, 0));
	CHECK_OK(make(1, (struct mcuboot_img_version){1, 5, 0, 0}, NULL, 0, NULL, 0));
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	CHECK_OK(mdev_download(&d, 1, img[1], len[1], 512));
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, -1));
	CHECK_EQ(swap_of(&d, 0), DFU_MCUBOOT_SWAP_TEST);
	CHECK_EQ(swap_of(&d, 1), DFU_MCUBOOT_SWAP_TEST);
	mdev_destroy(&d);
}

TEST(schedule_all_with_an_older_other_image_refuses_both)
{
	struct mdev d;

	two_images(&d, 2, NULL);
	CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, &needs_1_5, 1, NULL, 0));
	CHECK_OK(make(1, (struct mcuboot_img_version){1, 4, 9, 0}, NULL, 0, NULL, 0));
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	CHECK_OK(mdev_download(&d, 1, img[1], len[1], 512));
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, -1), ENOLINK);
	CHECK_EQ(swap_of(&d, 0), DFU_MCUBOOT_SWAP_NONE);
	CHECK_EQ(swap_of(&d, 1), DFU_MCUBOOT_SWAP_NONE);
	/* image 1 alone has no dependency */
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 1));
	mdev_destroy(&d);
}

TEST(dependency_of_the_running_other_image_counts_too)
{
	/* Image 1's running image needs image 0 >= 3.0: installing image 0
	 * 2.0 would leave it unmet. */
	static const struct mcuboot_img_dep needs_0_3 = {0, {3, 0, 0, 0}};
	struct mdev d;

	two_images(&d, 2, NULL);
	CHECK_OK(make(1, (struct mcuboot_img_version){1, 4, 0, 0}, &needs_0_3, 1, NULL, 0));
	mdev_program(&d, d.pairs[1].primary.offset, img[1], len[1]);
	CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, NULL, 0, NULL, 0));
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), ENOLINK);
	CHECK_OK(make(0, (struct mcuboot_img_version){3, 0, 0, 0}, NULL, 0, NULL, 0));
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
	mdev_destroy(&d);
}

TEST(dependency_on_an_image_the_board_does_not_have_is_refused)
{
	static const struct mcuboot_img_dep on_2 = {2, {0, 0, 0, 0}};
	struct mdev d;

	two_images(&d, 2, NULL);
	CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, &on_2, 1, NULL, 0));
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), ENOLINK);
	CHECK_EQ(swap_of(&d, 0), DFU_MCUBOOT_SWAP_NONE);
	mdev_destroy(&d);
}

TEST(dependencies_are_not_checked_in_a_one_image_board_as_in_mcuboot)
{
	static const struct mcuboot_img_dep on_1 = {1, {0, 0, 0, 0}};
	static const struct mcuboot_img_dep on_0 = {0, {3, 0, 0, 0}};
	struct mdev d;

	/* a one-image MCUboot reads no DEPENDENCY TLV (the differential
	 * oracle's dependency_prot case: real bootutil boots it) */
	two_images(&d, 1, NULL);
	CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, &on_1, 1, NULL, 0));
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
	CHECK_EQ(swap_of(&d, 0), DFU_MCUBOOT_SWAP_TEST);
	/* unmet on itself (3.0.0 > 2.0.0): not checked either */
	CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, &on_0, 1, NULL, 0));
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
	mdev_destroy(&d);
}

TEST(dependency_tlv_of_another_length_than_12_is_refused)
{
	static const uint8_t v[13] = {1, 0, 0, 0, 1, 0, 0, 0};
	struct mdev d;

	for (uint16_t n = 11; n <= 13; n += 2) {
		struct mcuboot_img_tlv t = {MCUBOOT_TLV_DEPENDENCY, n, v};

		two_images(&d, 2, NULL);
		CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, NULL, 0, &t, 1));
		CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
		CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), ENOLINK);
		mdev_destroy(&d);
	}
}

TEST(unprotected_dependency_tlv_trips_the_allow_list_and_is_ignored_without_it)
{
	static const uint8_t v[12] = {1, 0, 0, 0, 9, 0, 0, 0}; /* image 1 >= 9.0.0 */
	struct mdev d;

	CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, NULL, 0, NULL, 0));
	CHECK_OK(mcuboot_img_append_tlv(img[0], sizeof(img[0]), &len[0], MCUBOOT_TLV_DEPENDENCY, v,
					sizeof(v)));
	two_images(&d, 2, NULL);
	CHECK_ERR(mdev_download(&d, 0, img[0], len[0], 512), EBADMSG);
	mdev_destroy(&d);
	/* without the allow list: only protected dependencies count */
	two_images(&d, 2, &no_allow_list);
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
	mdev_destroy(&d);
}

TEST(dependency_compares_the_build_number_only_when_the_profile_says_so)
{
	static const struct mcuboot_img_dep needs_b5 = {1, {1, 4, 0, 5}};
	static const struct dfu_mcuboot_profile build = {.features = DFU_MCUBOOT_P_BUILD_NUMBER};
	struct mdev d;

	CHECK_OK(make(0, (struct mcuboot_img_version){2, 0, 0, 0}, &needs_b5, 1, NULL, 0));
	two_images(&d, 2, NULL); /* image 1 runs 1.4.0+0 */
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	CHECK_OK(dfu_ctx_schedule_update(&d.ctx, 0));
	mdev_destroy(&d);
	two_images(&d, 2, &build);
	CHECK_OK(mdev_download(&d, 0, img[0], len[0], 512));
	CHECK_ERR(dfu_ctx_schedule_update(&d.ctx, 0), ENOLINK);
	mdev_destroy(&d);
}

TEST(enolink_has_a_name)
{
	CHECK(strcmp(dfu_errno_name(-ENOLINK), "-ENOLINK") == 0);
}

TEST_MAIN(RUN(case25_unmet_dependency_on_the_other_primary_refuses_schedule_and_writes_nothing);
	  RUN(case25_state_reports_a_request_held_by_a_dependency_as_not_installing);
	  RUN(dependency_met_by_the_other_images_primary_is_scheduled);
	  RUN(dependency_met_by_the_other_images_pending_secondary_is_scheduled);
	  RUN(schedule_all_requesting_both_images_meets_the_dependency);
	  RUN(schedule_all_with_an_older_other_image_refuses_both);
	  RUN(dependency_of_the_running_other_image_counts_too);
	  RUN(dependency_on_an_image_the_board_does_not_have_is_refused);
	  RUN(dependencies_are_not_checked_in_a_one_image_board_as_in_mcuboot);
	  RUN(dependency_tlv_of_another_length_than_12_is_refused);
	  RUN(unprotected_dependency_tlv_trips_the_allow_list_and_is_ignored_without_it);
	  RUN(dependency_compares_the_build_number_only_when_the_profile_says_so);
	  RUN(enolink_has_a_name);)
