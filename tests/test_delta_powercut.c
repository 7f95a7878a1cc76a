/*
 * Application delta under power cuts and transient faults:
 *   - a power cut at every flash program/erase and store write/remove of a
 *     delta apply (both compressions, torn halfway), then a reboot and the
 *     application resuming from offset_get: the rebuilt image is bit-exact,
 *     verified and requested; how much of the patch was sent again;
 *   - one transient -EIO at every flash/store call (reads included), the
 *     application recovering as the README says (init again, offset_get).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "delta_fixture.h"
#include "harness.h"

#if defined(TEST_TARGET_EMBEDDED)
#define PAYLOAD 20000u /* keep QEMU runs short */
#else
#define PAYLOAD 40000u
#endif
#define CAP (PAYLOAD + 2048u)
#define CHUNK 200u

static struct ddev d;
static uint8_t po[PAYLOAD], pn[PAYLOAD + 512];
static uint8_t img_old[CAP], img_new[CAP];
static size_t old_len, new_len;
static uint8_t *art;
static size_t art_len;

static int make(uint8_t comp)
{
	size_t nn;
	struct delta_gen_opts o = {.comp = comp, .wbits = 8, .lbits = 5};

	make_pair(PAIR_RELOCATED, po, PAYLOAD, pn, &nn, 21);
	free(art);
	art = NULL;
	if (make_image(po, PAYLOAD, 1, img_old, CAP, &old_len) != 0 ||
	    make_image(pn, nn, 2, img_new, CAP, &new_len) != 0) {
		return -1;
	}
	return delta_gen_artifact(img_old, old_len, img_new, new_len, &o, &art, &art_len, NULL);
}

static int fresh_dev(bool faults)
{
	if (ddev_create(&d, 0x10000, faults, 0) != 0) {
		return -1;
	}
	memcpy(ddev_primary(&d), img_old, old_len);
	return 0;
}

TEST(power_cut_at_every_flash_and_store_op_resumes_bit_exact)
{
	for (int c = 0; c < 2; c++) {
		uint8_t comp = c ? DELTA_GEN_HEATSHRINK : DELTA_GEN_NONE;
		uint32_t n_ops, runs = 0, bad = 0, from_snapshot = 0;
		size_t worst = 0;

		CHECK_OK(make(comp));
		CHECK_OK(fresh_dev(false));
		sim_power_arm(&d.power, 0, SIM_TORN_NOTHING, 0);
		CHECK_OK(delta_update(&d, art, art_len, CHUNK, 1, NULL));
		n_ops = d.power.ops;
		ddev_destroy(&d);
		for (uint32_t k = 1; k <= n_ops; k++) {
			size_t sent = 0, off = 0;

			CHECK_OK(fresh_dev(false));
			sim_power_arm(&d.power, k, k % 2 ? SIM_TORN_HALF : SIM_TORN_ONE, k);
			int err = delta_update(&d, art, art_len, CHUNK, 1, &sent);

			runs++;
			if (d.power.cuts != 1) {
				bad++;
				printf("  cut %u did not fire (%s)\n", (unsigned)k,
				       dfu_errno_name(err));
				ddev_destroy(&d);
				continue;
			}
			ddev_reboot(&d);
			struct dfu_init_params ip = {.img_type = d.type,
						     .img_num = 0,
						     .file_size = art_len,
						     .first = art,
						     .first_len = 64};

			err = dfu_ctx_init_ex(&d.ctx, &ip);
			if (err == 0) {
				err = dfu_ctx_offset_get(&d.ctx, &off);
			}
			from_snapshot += off > 0 && off < art_len;
			if (err == 0) {
				err = delta_update(&d, art, art_len, CHUNK, 8, NULL);
			}
			if (err || !ddev_installs(&d, img_new, new_len) ||
			    memcmp(ddev_primary(&d), img_old, old_len) != 0) {
				bad++;
				printf("  comp %d cut at op %u: %s\n", c, (unsigned)k,
				       dfu_errno_name(err));
			}
			worst = sent > off && sent - off > worst ? sent - off : worst;
			ddev_destroy(&d);
		}
		printf("  comp %d: %u ops, %u runs, %u bad, %u resumed from a snapshot, patch %zu "
		       "B\n",
		       c, (unsigned)n_ops, (unsigned)runs, (unsigned)bad, (unsigned)from_snapshot,
		       art_len);
		CHECK_EQ(bad, 0);
		CHECK(from_snapshot > 0);
	}
}

TEST(one_transient_error_at_any_port_call_still_ends_installed)
{
	for (int c = 0; c < 2; c++) {
		uint8_t comp = c ? DELTA_GEN_HEATSHRINK : DELTA_GEN_NONE;
		uint32_t n_calls, runs = 0, bad = 0;

		CHECK_OK(make(comp));
		CHECK_OK(fresh_dev(true));
		CHECK_OK(delta_update(&d, art, art_len, CHUNK, 1, NULL));
		n_calls = d.fp.calls;
		ddev_destroy(&d);
		for (uint32_t k = 1; k <= n_calls; k++) {
			CHECK_OK(fresh_dev(true));
			d.fp.fail_at = k;
			int err = delta_update(&d, art, art_len, CHUNK, 8, NULL);

			runs++;
			if (err || d.fp.fired != 1 || !ddev_installs(&d, img_new, new_len) ||
			    memcmp(ddev_primary(&d), img_old, old_len) != 0) {
				bad++;
				printf("  comp %d fault at call %u: %s, fired %u\n", c, (unsigned)k,
				       dfu_errno_name(err), (unsigned)d.fp.fired);
			}
			ddev_destroy(&d);
		}
		printf("  comp %d: %u port calls, %u runs, %u bad\n", c, (unsigned)n_calls,
		       (unsigned)runs, (unsigned)bad);
		CHECK_EQ(bad, 0);
	}
}

TEST_MAIN(RUN(power_cut_at_every_flash_and_store_op_resumes_bit_exact);
	  RUN(one_transient_error_at_any_port_call_still_ends_installed); free(art);)
