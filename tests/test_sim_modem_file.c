/*
 * Tests of the simulated modem's state file (ports/sim/sim_modem_file.c):
 * save/load round trips (fresh, partial patch with an uncommitted tail,
 * mid-erase, dirty, scheduled update), and rejection of corrupt, truncated,
 * extended and foreign files. Host only (SKIPped on the target).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#if defined(__unix__) || defined(__APPLE__)
#define _POSIX_C_SOURCE 200809L /* mkdtemp, rmdir, unlink */
#endif

#include "harness.h"
#include "sim_clock.h"
#include "sim_modem.h"

#if !defined(TEST_TARGET_EMBEDDED) && !defined(SIM_NO_FILE)
#define HAVE_FILES 1
#include <unistd.h>
#endif

#define AREA 20000u

#ifdef HAVE_FILES
static struct sim_clock clk1, clk2;
static struct sim_modem m1, m2;
static uint8_t patch[AREA];
static uint8_t pay[4000];
static char tmp_dir[64];
static char tmp_path[96];
static char tmp_tmp[100];

static int make_tmp(void)
{
	const char *base = getenv("TMPDIR");

	(void)snprintf(tmp_dir, sizeof(tmp_dir), "%s/test_smf_XXXXXX",
		       base != NULL && strlen(base) < 40 ? base : "/tmp");
	if (mkdtemp(tmp_dir) == NULL) {
		return -1;
	}
	(void)snprintf(tmp_path, sizeof(tmp_path), "%s/modem.bin", tmp_dir);
	(void)snprintf(tmp_tmp, sizeof(tmp_tmp), "%s.tmp", tmp_path);
	return 0;
}

static void remove_tmp(void)
{
	(void)unlink(tmp_path);
	(void)unlink(tmp_tmp);
	(void)rmdir(tmp_dir);
}

/* Two modems with area AREA (m2 has its own clock); a tmp dir. */
static int setup(void)
{
	struct sim_modem_cfg c;

	sim_modem_free(&m1);
	sim_modem_free(&m2);
	sim_modem_default_cfg(&c);
	c.area_size = AREA;
	c.commit_step = 1024;
	c.commit_base = 100;
	sim_clock_init(&clk1);
	sim_clock_init(&clk2);
	for (size_t i = 0; i < sizeof(pay); i++) {
		pay[i] = (uint8_t)(i * 7u + 3u);
	}
	if (sim_modem_init(&m1, &c, SIM_MODEM_UUID_A, NULL, &clk1) != 0 ||
	    sim_modem_init(&m2, &c, SIM_MODEM_UUID_B, NULL, &clk2) != 0) {
		return -1;
	}
	return make_tmp();
}

static bool nv_equal(const struct sim_modem *a, const struct sim_modem *b)
{
	const struct sim_modem_nv *x = &a->nv;
	const struct sim_modem_nv *y = &b->nv;

	return memcmp(x->uuid, y->uuid, sizeof(x->uuid)) == 0 &&
	       memcmp(x->src_uuid, y->src_uuid, sizeof(x->src_uuid)) == 0 &&
	       memcmp(x->dst_uuid, y->dst_uuid, sizeof(x->dst_uuid)) == 0 &&
	       x->committed == y->committed && x->dirty == y->dirty &&
	       x->not_blank == y->not_blank && x->erasing == y->erasing &&
	       x->erase_left_ms == y->erase_left_ms && x->action == y->action &&
	       x->rollback_available == y->rollback_available && x->patch_valid == y->patch_valid &&
	       x->unbootable == y->unbootable && memcmp(x->data, y->data, a->cfg.area_size) == 0;
}

static long file_size(const char *path)
{
	FILE *fp = fopen(path, "rb");
	long n;

	if (fp == NULL) {
		return -1;
	}
	(void)fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	(void)fclose(fp);
	return n;
}

/* Flip bits v of the byte at off (off < 0: from the end). */
static int poke(long off, uint8_t v)
{
	FILE *fp = fopen(tmp_path, "r+b");
	int err = -1;
	int c;

	if (fp == NULL) {
		return -1;
	}
	if (fseek(fp, off, off < 0 ? SEEK_END : SEEK_SET) == 0 && (c = fgetc(fp)) != EOF &&
	    fseek(fp, off, off < 0 ? SEEK_END : SEEK_SET) == 0 && fputc(c ^ v, fp) != EOF) {
		err = 0;
	}
	(void)fclose(fp);
	return err;
}

static int truncate_by(long n)
{
	long sz = file_size(tmp_path);

	return sz < n ? -1 : truncate(tmp_path, sz - n);
}
#endif

TEST(fresh_modem_round_trips)
{
#ifdef HAVE_FILES
	CHECK(setup() == 0);
	CHECK_OK(sim_modem_save(&m1, tmp_path));
	CHECK_EQ(file_size(tmp_path), 136 + AREA + 4);
	CHECK(access(tmp_tmp, F_OK) != 0); /* renamed, nothing left behind */
	CHECK_OK(sim_modem_load(&m2, tmp_path));
	remove_tmp();
	CHECK(nv_equal(&m1, &m2));
	CHECK_MEM(m2.nv.uuid, SIM_MODEM_UUID_A, 36);
	CHECK_EQ(m2.state, SIM_MODEM_NORMAL);
#else
	SKIP("no files on this target");
#endif
}

TEST(partial_patch_keeps_committed_bytes_only)
{
#ifdef HAVE_FILES
	size_t plen;
	size_t off = 0;

	CHECK(setup() == 0);
	plen = sim_modem_make_patch(patch, sizeof(patch), SIM_MODEM_UUID_A, SIM_MODEM_UUID_B, pay,
				    sizeof(pay));
	CHECK(plen > 0);
	CHECK_OK(m1.dev.write_init(m1.dev.ctx));
	CHECK_OK(m1.dev.write(m1.dev.ctx, patch, 3000)); /* commits at 100 + 2 * 1024 */
	CHECK_EQ(m1.nv.committed, 2148);
	CHECK_EQ(m1.written, 3000);
	CHECK_OK(sim_modem_save(&m1, tmp_path));
	CHECK_OK(sim_modem_load(&m2, tmp_path));
	remove_tmp();
	CHECK_EQ(m2.nv.committed, 2148);
	CHECK_EQ(m2.written, 2148);
	CHECK(!m2.open);
	CHECK_MEM(m2.nv.data, patch, 2148);
	for (size_t i = 2148; i < AREA; i++) {
		CHECK_EQ(m2.nv.data[i], 0xff); /* the volatile tail is gone */
	}
	/* The loaded modem resumes at the committed offset. */
	CHECK_OK(m2.dev.offset(m2.dev.ctx, &off));
	CHECK_EQ(off, 2148);
	CHECK_OK(m1.dev.write_done(m1.dev.ctx));
	CHECK_EQ(m1.nv.committed, 3000); /* m1 unchanged by the save */
#else
	SKIP("no files on this target");
#endif
}

TEST(mid_erase_state_round_trips_and_finishes_after_load)
{
#ifdef HAVE_FILES
	CHECK(setup() == 0);
	CHECK(sim_modem_make_patch(patch, sizeof(patch), SIM_MODEM_UUID_A, SIM_MODEM_UUID_B, pay,
				   sizeof(pay)) > 0);
	CHECK_OK(m1.dev.write_init(m1.dev.ctx));
	CHECK_OK(m1.dev.write(m1.dev.ctx, patch, 500));
	CHECK_OK(m1.dev.write_done(m1.dev.ctx));
	CHECK_OK(m1.dev.erase(m1.dev.ctx));
	sim_clock_advance(&clk1, 1500);
	CHECK(sim_modem_erasing(&m1));
	CHECK_EQ(m1.nv.erase_left_ms, 2500);
	CHECK_OK(sim_modem_save(&m1, tmp_path));
	sim_clock_advance(&clk2, 99999); /* time before the load does not count */
	CHECK_OK(sim_modem_load(&m2, tmp_path));
	remove_tmp();
	CHECK(nv_equal(&m1, &m2));
	CHECK(m2.nv.erasing);
	sim_clock_advance(&clk2, 2499);
	CHECK(sim_modem_erasing(&m2));
	sim_clock_advance(&clk2, 1);
	CHECK(!sim_modem_erasing(&m2));
	CHECK_EQ(m2.nv.committed, 0);
	CHECK_EQ(m2.nv.data[0], 0xff);
#else
	SKIP("no files on this target");
#endif
}

TEST(dirty_and_flag_states_round_trip)
{
#ifdef HAVE_FILES
	CHECK(setup() == 0);
	m1.nv.dirty = true;
	m1.nv.not_blank = true;
	m1.nv.unbootable = true;
	m1.nv.rollback_available = true;
	m1.nv.erase_left_ms = 77;
	CHECK_OK(sim_modem_save(&m1, tmp_path));
	CHECK_OK(sim_modem_load(&m2, tmp_path));
	remove_tmp();
	CHECK(nv_equal(&m1, &m2));
	CHECK(m2.nv.dirty && m2.nv.not_blank && m2.nv.unbootable && m2.nv.rollback_available);
#else
	SKIP("no files on this target");
#endif
}

TEST(scheduled_update_round_trips_and_applies_at_boot)
{
#ifdef HAVE_FILES
	uint32_t result = 0;
	size_t plen;

	CHECK(setup() == 0);
	plen = sim_modem_make_patch(patch, sizeof(patch), SIM_MODEM_UUID_A, SIM_MODEM_UUID_B, pay,
				    sizeof(pay));
	CHECK_OK(m1.dev.write_init(m1.dev.ctx));
	CHECK_OK(m1.dev.write(m1.dev.ctx, patch, plen));
	CHECK_OK(m1.dev.write_done(m1.dev.ctx));
	CHECK_OK(m1.dev.update(m1.dev.ctx));
	CHECK(m1.nv.patch_valid);
	CHECK_EQ(m1.nv.action, SIM_MODEM_ACTION_UPDATE);
	CHECK_OK(sim_modem_save(&m1, tmp_path));
	CHECK_OK(sim_modem_load(&m2, tmp_path));
	remove_tmp();
	CHECK(nv_equal(&m1, &m2));
	CHECK_OK(sim_modem_boot(&m2, &result));
	CHECK_EQ(result, DFU_MODEM_RESULT_OK);
	CHECK_MEM(m2.nv.uuid, SIM_MODEM_UUID_B, 36);
	CHECK(m2.nv.rollback_available);
#else
	SKIP("no files on this target");
#endif
}

TEST(corrupt_truncated_and_foreign_files_are_rejected)
{
#ifdef HAVE_FILES
	static const long flips[] = {0, 8, 12, 20, 30, 200, 136 + AREA - 1, -1};
	struct sim_modem_cfg c;
	struct sim_modem other;
	int err;

	CHECK(setup() == 0);
	m2.nv.dirty = true; /* must survive every failed load */
	CHECK_ERR(sim_modem_load(&m2, tmp_path), ENOENT);
	for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		CHECK_OK(sim_modem_save(&m1, tmp_path));
		CHECK(poke(flips[i], 0x5a) == 0);
		err = sim_modem_load(&m2, tmp_path);
		CHECKF(err == -EINVAL, "flip at %ld: %s", flips[i], dfu_errno_name(err));
	}
	CHECK_OK(sim_modem_save(&m1, tmp_path));
	CHECK(truncate_by(1) == 0);
	CHECK_ERR(sim_modem_load(&m2, tmp_path), EINVAL);
	CHECK(truncate_by(AREA) == 0);
	CHECK_ERR(sim_modem_load(&m2, tmp_path), EINVAL);
	CHECK(truncate(tmp_path, 0) == 0);
	CHECK_ERR(sim_modem_load(&m2, tmp_path), EINVAL);
	/* One byte too many. */
	CHECK_OK(sim_modem_save(&m1, tmp_path));
	{
		FILE *fp = fopen(tmp_path, "ab");

		CHECK(fp != NULL);
		(void)fputc(0, fp);
		(void)fclose(fp);
	}
	CHECK_ERR(sim_modem_load(&m2, tmp_path), EINVAL);
	/* A modem with another area size. */
	CHECK_OK(sim_modem_save(&m1, tmp_path));
	sim_modem_default_cfg(&c);
	c.area_size = AREA + 4096;
	CHECK_OK(sim_modem_init(&other, &c, NULL, NULL, NULL));
	err = sim_modem_load(&other, tmp_path);
	sim_modem_free(&other);
	remove_tmp();
	CHECK_ERR(err, EINVAL);
	CHECK(m2.nv.dirty);
	CHECK_MEM(m2.nv.uuid, SIM_MODEM_UUID_B, 36);
#else
	SKIP("no files on this target");
#endif
}

TEST(save_replaces_an_existing_file)
{
#ifdef HAVE_FILES
	CHECK(setup() == 0);
	CHECK_OK(sim_modem_save(&m2, tmp_path));
	CHECK_OK(sim_modem_save(&m1, tmp_path));
	m2.nv.dirty = true;
	CHECK_OK(sim_modem_load(&m2, tmp_path));
	remove_tmp();
	CHECK(nv_equal(&m1, &m2));
#else
	SKIP("no files on this target");
#endif
}

TEST_MAIN(RUN(fresh_modem_round_trips); RUN(partial_patch_keeps_committed_bytes_only);
	  RUN(mid_erase_state_round_trips_and_finishes_after_load);
	  RUN(dirty_and_flag_states_round_trip);
	  RUN(scheduled_update_round_trips_and_applies_at_boot);
	  RUN(corrupt_truncated_and_foreign_files_are_rejected);
	  RUN(save_replaces_an_existing_file);)
