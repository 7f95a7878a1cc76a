/*
 * Tests of the simulated port (ports/sim), part 3 of 3: the key-value store
 * (atomic across cuts, limits), the virtual clock, and file backing of flash
 * and store (host only; SKIPped on the target). Fixture: sim_support.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#if defined(__unix__) || defined(__APPLE__)
#define _POSIX_C_SOURCE 200809L /* mkdtemp, rmdir, unlink */
#endif

#include "harness.h"
#include "sim_clock.h"
#include "sim_support.h"

#if !defined(TEST_TARGET_EMBEDDED) && !defined(SIM_NO_FILE)
#define HAVE_FILES 1
#include <unistd.h>
#endif

/* ---- key-value store ---------------------------------------------------- */

TEST(kv_write_is_atomic_across_cut)
{
	const uint8_t a[5] = {'o', 'l', 'd', '!', '!'};
	const uint8_t b[7] = {'n', 'e', 'w', 'e', 'r', '!', '!'};

	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_OK(kv.dev.write(kv.dev.ctx, "prog", a, sizeof(a)));
	sim_power_arm(&pw, 1, SIM_TORN_NOTHING, 1);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "prog", b, sizeof(b)), EIO);
	sim_power_reboot(&pw);
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "prog", rd, sizeof(rd)), sizeof(a));
	CHECK_MEM(rd, a, sizeof(a));
	sim_power_arm(&pw, 1, SIM_TORN_HALF, 1);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "prog", b, sizeof(b)), EIO);
	sim_power_reboot(&pw);
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "prog", rd, sizeof(rd)), sizeof(b));
	CHECK_MEM(rd, b, sizeof(b));
	CHECK_EQ(kv.cnt.writes, 1);
}

TEST(kv_remove_is_atomic_across_cut)
{
	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_OK(kv.dev.write(kv.dev.ctx, "k", buf, 4));
	sim_power_arm(&pw, 1, SIM_TORN_NOTHING, 1);
	CHECK_ERR(kv.dev.remove(kv.dev.ctx, "k"), EIO);
	sim_power_reboot(&pw);
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "k", rd, 4), 4);
	sim_power_arm(&pw, 1, SIM_TORN_ALL_BUT_ONE, 1);
	CHECK_ERR(kv.dev.remove(kv.dev.ctx, "k"), EIO);
	sim_power_reboot(&pw);
	CHECK_ERR(kv.dev.read(kv.dev.ctx, "k", rd, 4), ENOENT);
}

TEST(kv_read_returns_full_length_and_copies_at_most_len)
{
	uint8_t d[6] = {0};

	sim_kv_init(&kv, NULL);
	pattern(buf, 10, 1);
	CHECK_OK(kv.dev.write(kv.dev.ctx, "rec", buf, 10));
	memset(d, 0xaa, sizeof(d));
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "rec", d, 4), 10);
	CHECK_MEM(d, buf, 4);
	CHECK_EQ(d[4], 0xaa);
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "rec", NULL, 0), 10);
}

TEST(kv_missing_key_reads_enoent_and_removes_ok)
{
	sim_kv_init(&kv, NULL);
	CHECK_ERR(kv.dev.read(kv.dev.ctx, "none", rd, 4), ENOENT);
	CHECK_OK(kv.dev.remove(kv.dev.ctx, "none"));
	CHECK_EQ(kv.cnt.reads, 1);
	CHECK_EQ(kv.cnt.removes, 1);
}

TEST(kv_rejects_bad_key_and_oversized_record)
{
	sim_kv_init(&kv, NULL);
	CHECK_OK(kv.dev.write(kv.dev.ctx, "fifteen_chars_x", buf, DFU_KV_MAX_RECORD));
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "sixteen_chars_xx", buf, 1), EINVAL);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "", buf, 1), EINVAL);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "a b", buf, 1), EINVAL);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, NULL, buf, 1), EINVAL);
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "k", buf, DFU_KV_MAX_RECORD + 1), EINVAL);
	CHECK_ERR(kv.dev.read(kv.dev.ctx, "sixteen_chars_xx", rd, 1), EINVAL);
	CHECK_EQ(sim_kv_count(&kv), 1);
}

TEST(kv_full_store_returns_enospc_for_new_key)
{
	char key[8];

	sim_kv_init(&kv, NULL);
	for (int i = 0; i < SIM_KV_CAPACITY; i++) {
		(void)snprintf(key, sizeof(key), "k%d", i);
		CHECK_OK(kv.dev.write(kv.dev.ctx, key, buf, 2));
	}
	CHECK_ERR(kv.dev.write(kv.dev.ctx, "extra", buf, 2), ENOSPC);
	CHECK_OK(kv.dev.write(kv.dev.ctx, "k3", buf, 0));
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "k3", rd, 4), 0);
	CHECK_EQ(sim_kv_count(&kv), SIM_KV_CAPACITY);
}

/* ---- clock -------------------------------------------------------------- */

TEST(clock_sleep_advances_virtual_time)
{
	struct sim_clock c;

	sim_clock_init(&c);
	CHECK_EQ(c.dev.now_ms(c.dev.ctx), 0);
	c.dev.sleep_ms(c.dev.ctx, 1500);
	sim_clock_advance(&c, 5);
	CHECK_EQ(c.dev.now_ms(c.dev.ctx), 1505);
	CHECK_EQ(c.sleeps, 1);
	CHECK_EQ(c.slept_ms, 1500);
	sim_clock_advance(&c, UINT32_MAX);
	CHECK_EQ(c.dev.now_ms(c.dev.ctx), 1504); /* wraps at 2^32 */
}

/* ---- file backing (host only) ------------------------------------------- */

#ifdef HAVE_FILES
static char tmp_dir[64];
static char tmp_path[96];

static int make_tmp(const char *name)
{
	const char *base = getenv("TMPDIR");

	(void)snprintf(tmp_dir, sizeof(tmp_dir), "%s/test_sim_XXXXXX",
		       base != NULL && strlen(base) < 40 ? base : "/tmp");
	if (mkdtemp(tmp_dir) == NULL) {
		return -1;
	}
	(void)snprintf(tmp_path, sizeof(tmp_path), "%s/%s", tmp_dir, name);
	return 0;
}

static void remove_tmp(void)
{
	(void)unlink(tmp_path);
	(void)rmdir(tmp_dir);
}

static void flash_file_case(void)
{
	FILE *fp;
	size_t n;

	CHECK_OK(setup(&sim_geo_nrf52840, 4 * EB));
	CHECK_OK(sim_flash_attach_file(&fl, tmp_path));
	fp = fopen(tmp_path, "rb");
	CHECK(fp != NULL);
	n = fread(rd, 1, sizeof(rd), fp);
	(void)fclose(fp);
	CHECK_EQ(n, 4 * EB);
	CHECK(all_equal(rd, 4 * EB, 0xff));

	pattern(buf, 2 * EB, 5);
	CHECK_OK(prog(&fl, 0, buf, 2 * EB));
	CHECK_OK(erase(&fl, EB, EB));
	CHECK_OK(sim_flash_detach_file(&fl));
	CHECK_OK(sim_flash_init(&fl2, &sim_geo_nrf52840, 4 * EB, NULL));
	CHECK_OK(sim_flash_attach_file(&fl2, tmp_path));
	CHECK_OK(rdf(&fl2, 0, rd, 4 * EB));
	CHECK_MEM(rd, buf, EB);
	CHECK(all_equal(rd + EB, 3 * EB, 0xff));
	CHECK_OK(prog(&fl2, 8, buf, 4)); /* loaded non-erased word counts as programmed */
	CHECK_EQ(fl2.cnt.violations.reprogram, 1);
	CHECK_OK(prog(&fl2, EB, buf, 4));
	CHECK_EQ(fl2.cnt.violations.reprogram, 1);
	CHECK_OK(sim_flash_detach_file(&fl2));
}
#endif

TEST(flash_file_backing_round_trip)
{
#ifdef HAVE_FILES
	CHECK(make_tmp("flash.bin") == 0);
	flash_file_case();
	remove_tmp();
#else
	SKIP("no files on this target");
#endif
}

TEST(flash_file_of_wrong_size_is_rejected)
{
#ifdef HAVE_FILES
	FILE *fp;
	int err;

	CHECK(make_tmp("small.bin") == 0);
	fp = fopen(tmp_path, "wb");
	CHECK(fp != NULL);
	(void)fwrite(buf, 1, 100, fp);
	(void)fclose(fp);
	err = setup(&sim_geo_nrf52840, 4 * EB);
	if (err == 0) {
		err = sim_flash_attach_file(&fl, tmp_path);
	}
	remove_tmp();
	CHECK_ERR(err, EINVAL);
#else
	SKIP("no files on this target");
#endif
}

TEST(kv_file_round_trip)
{
#ifdef HAVE_FILES
	struct sim_kv k2;
	int err;
	int len_a;
	int len_e;

	CHECK(make_tmp("kv.txt") == 0);
	sim_kv_init(&kv, NULL);
	pattern(buf, DFU_KV_MAX_RECORD, 2);
	err = kv.dev.write(kv.dev.ctx, "a", buf, DFU_KV_MAX_RECORD);
	if (err == 0) {
		err = kv.dev.write(kv.dev.ctx, "empty", buf, 0);
	}
	if (err == 0) {
		err = sim_kv_save(&kv, tmp_path);
	}
	sim_kv_init(&k2, NULL);
	if (err == 0) {
		err = sim_kv_load(&k2, tmp_path);
	}
	remove_tmp();
	CHECK_OK(err);
	CHECK_EQ(sim_kv_count(&k2), 2);
	len_a = k2.dev.read(k2.dev.ctx, "a", rd, sizeof(rd));
	CHECK_EQ(len_a, DFU_KV_MAX_RECORD);
	CHECK_MEM(rd, buf, DFU_KV_MAX_RECORD);
	len_e = k2.dev.read(k2.dev.ctx, "empty", rd, sizeof(rd));
	CHECK_EQ(len_e, 0);
	CHECK_ERR(sim_kv_load(&k2, tmp_path), ENOENT);
#else
	SKIP("no files on this target");
#endif
}

TEST(kv_malformed_file_is_rejected_and_store_kept)
{
#ifdef HAVE_FILES
	FILE *fp;
	int err;

	CHECK(make_tmp("bad.txt") == 0);
	fp = fopen(tmp_path, "w");
	CHECK(fp != NULL);
	(void)fputs("sim_kv 1\nkey 2 zz\n", fp);
	(void)fclose(fp);
	sim_kv_init(&kv, NULL);
	err = kv.dev.write(kv.dev.ctx, "keep", buf, 1);
	if (err == 0) {
		err = sim_kv_load(&kv, tmp_path);
	}
	remove_tmp();
	CHECK_ERR(err, EINVAL);
	CHECK_EQ(kv.dev.read(kv.dev.ctx, "keep", rd, 1), 1);
#else
	SKIP("no files on this target");
#endif
}

TEST_MAIN(RUN(kv_write_is_atomic_across_cut); RUN(kv_remove_is_atomic_across_cut);
	  RUN(kv_read_returns_full_length_and_copies_at_most_len);
	  RUN(kv_missing_key_reads_enoent_and_removes_ok);
	  RUN(kv_rejects_bad_key_and_oversized_record);
	  RUN(kv_full_store_returns_enospc_for_new_key); RUN(clock_sleep_advances_virtual_time);
	  RUN(flash_file_backing_round_trip); RUN(flash_file_of_wrong_size_is_rejected);
	  RUN(kv_file_round_trip); RUN(kv_malformed_file_is_rejected_and_store_kept);)
