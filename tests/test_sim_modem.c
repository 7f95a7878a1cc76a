/*
 * Tests of the simulated modem (ports/sim/sim_modem.h), part 1 of 2: the
 * plain delta calls, offset lag and commits, the toy patch format, rejected
 * writes, error injection and counters. Fixture: sim_modem_support.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dfu/dfu_stream.h"
#include "harness.h"
#include "sim_modem_support.h"

/* ---- setup and plain calls ---------------------------------------------- */

TEST(init_fills_all_callbacks_with_the_sim_as_ctx)
{
	CHECK_OK(setup());
	CHECK_OK(dfu_modem_delta_validate(&md.dev));
	CHECK(md.dev.ctx == &md);
	CHECK_EQ(plen, 20000 + SIM_MODEM_PATCH_OVERHEAD);
}

TEST(init_rejects_area_below_patch_overhead_or_at_dirty_marker)
{
	struct sim_modem m2;
	struct sim_modem_cfg c;

	sim_modem_default_cfg(&c);
	c.area_size = SIM_MODEM_PATCH_OVERHEAD - 1;
	CHECK_ERR(sim_modem_init(&m2, &c, NULL, NULL, NULL), EINVAL);
	c.area_size = DFU_MODEM_OFFSET_DIRTY;
	CHECK_ERR(sim_modem_init(&m2, &c, NULL, NULL, NULL), EINVAL);
}

TEST(uuid_and_area_report_running_firmware_and_area_size)
{
	char u[DFU_MODEM_UUID_LEN];
	size_t a = 0;

	CHECK_OK(setup());
	CHECK_OK(m_uuid(u));
	CHECK_MEM(u, SIM_MODEM_UUID_A, DFU_MODEM_UUID_LEN);
	CHECK_OK(m_area(&a));
	CHECK_EQ(a, 294912);
}

TEST(offset_is_zero_on_a_blank_area)
{
	CHECK_OK(setup());
	CHECK_OFFSET(0);
}

TEST(null_pointers_return_efault)
{
	CHECK_OK(setup());
	CHECK_OK(m_init());
	CHECK_ERR(m_uuid(NULL), EFAULT);
	CHECK_ERR(m_area(NULL), EFAULT);
	CHECK_ERR(m_off(NULL), EFAULT);
	CHECK_ERR(m_wr(NULL, 4), EFAULT);
}

TEST(zero_length_write_returns_einval)
{
	CHECK_OK(setup());
	CHECK_OK(m_init());
	CHECK_ERR(m_wr(patch, 0), EINVAL);
}

TEST(write_init_twice_returns_ealready)
{
	CHECK_OK(setup());
	CHECK_OK(m_init());
	CHECK_ERR(m_init(), EALREADY);
}

TEST(write_without_write_init_is_not_allowed_and_keeps_area_clean)
{
	CHECK_OK(setup());
	CHECK_EQ(m_wr(patch, 100), DFU_MODEM_OPERATION_NOT_ALLOWED);
	CHECK_OFFSET(0);
}

TEST(write_done_without_write_init_returns_ok)
{
	CHECK_OK(setup());
	CHECK_OK(m_done());
}

/* ---- offset lag and commits --------------------------------------------- */

TEST(offset_lags_writes_in_8k_steps_after_base_452)
{
	CHECK_OK(setup());
	CHECK_OK(send(0, 451, 451));
	CHECK_OFFSET(0);
	CHECK_OK(send(451, 452 + 4096, 2048));
	CHECK_OFFSET(452);
	CHECK_OK(send(452 + 4096, 452 + 8191, 2048));
	CHECK_OFFSET(452);
	CHECK_OK(send(452 + 8191, 452 + 8192, 1));
	CHECK_OFFSET(8644);
}

TEST(commit_step_zero_commits_every_write)
{
	CHECK_OK(setup());
	md.cfg.commit_step = 0;
	CHECK_OK(send(0, 1234, 1000));
	CHECK_OFFSET(1234);
}

TEST(complete_patch_is_committed_at_once)
{
	CHECK_OK(setup());
	CHECK_OK(send(0, plen, 3000));
	CHECK_OFFSET(plen);
	CHECK(md.nv.patch_valid);
	CHECK_MEM(md.nv.data, patch, plen);
}

TEST(write_done_commits_the_tail_by_default)
{
	CHECK_OK(setup());
	CHECK_OK(send(0, 5000, 1000));
	CHECK_OK(m_done());
	CHECK_OFFSET(5000);
	CHECK(!md.open);
}

TEST(write_done_drops_the_tail_when_not_committing_and_resume_appends_there)
{
	CHECK_OK(setup());
	md.cfg.commit_on_done = false;
	CHECK_OK(send(0, 10000, 1000));
	CHECK_OK(m_done());
	CHECK_OFFSET(8644);
	CHECK_EQ(md.written, 8644);
	CHECK(md.nv.data[8644] == 0xff);
	CHECK_OK(send(8644, plen, 1000));
	CHECK(md.nv.patch_valid);
	CHECK_OK(m_done());
	CHECK_OK(m_update());
}

/* ---- patch format -------------------------------------------------------- */

TEST(make_patch_has_magic_uuids_length_and_crc)
{
	CHECK_OK(setup());
	CHECK_MEM(patch + 4, "meDu", 4);
	CHECK_MEM(patch + 8, SIM_MODEM_UUID_A, 36);
	CHECK_MEM(patch + 44, SIM_MODEM_UUID_B, 36);
	CHECK_EQ(patch[80] | patch[81] << 8, 20000);
	uint32_t crc = dfu_crc32(0, pay, 20000);
	CHECK_EQ(patch[plen - 4] | patch[plen - 3] << 8 | patch[plen - 2] << 16 |
			 (uint32_t)patch[plen - 1] << 24,
		 crc);
	CHECK_EQ(sim_modem_make_patch(patch, plen - 1, SIM_MODEM_UUID_A, SIM_MODEM_UUID_B, pay,
				      20000),
		 0);
}

TEST(bad_magic_is_invalid_header_data_on_the_write_that_completes_it)
{
	CHECK_OK(setup());
	patch[5] ^= 1;
	CHECK_OK(send(0, 7, 7));
	CHECK_EQ(m_wr(patch + 7, 1), DFU_MODEM_INVALID_HEADER_DATA);
}

TEST(malformed_uuid_text_is_invalid_header_data)
{
	CHECK_OK(setup());
	patch[44 + 8] = 'x'; /* target UUID: no dash at 8 */
	CHECK_EQ(send(0, plen, 4096), DFU_MODEM_INVALID_HEADER_DATA);
}

TEST(payload_larger_than_area_is_invalid_header_data)
{
	CHECK_OK(setup());
	patch[82] = 0x05; /* 20000 + 0x50000 */
	CHECK_EQ(send(0, plen, 4096), DFU_MODEM_INVALID_HEADER_DATA);
}

TEST(source_uuid_mismatch_is_invalid_uuid_on_the_write_completing_the_header)
{
	CHECK_OK(setup());
	plen = sim_modem_make_patch(patch, sizeof(patch), SIM_MODEM_UUID_B, SIM_MODEM_UUID_A, pay,
				    100);
	CHECK_OK(send(0, SIM_MODEM_PATCH_HEADER - 1, 100));
	CHECK_EQ(m_wr(patch + SIM_MODEM_PATCH_HEADER - 1, 1), DFU_MODEM_INVALID_UUID);
	CHECK_EQ(md.written, SIM_MODEM_PATCH_HEADER - 1);
}

TEST(crc_mismatch_is_invalid_data_on_the_last_write)
{
	CHECK_OK(setup());
	patch[100] ^= 0x80;
	CHECK_OK(send(0, plen - 1, 4096));
	CHECK_EQ(m_wr(patch + plen - 1, 1), DFU_MODEM_INVALID_DATA);
	CHECK(!md.nv.patch_valid);
}

TEST(bytes_past_the_patch_end_are_invalid_data)
{
	CHECK_OK(setup());
	CHECK_EQ(send(0, plen + 1, plen + 1), DFU_MODEM_INVALID_DATA);
}

TEST(data_beyond_area_size_is_invalid_address)
{
	struct sim_modem_cfg c;

	CHECK_OK(setup());
	sim_modem_free(&md);
	sim_modem_default_cfg(&c);
	c.area_size = 4096;
	CHECK_OK(sim_modem_init(&md, &c, SIM_MODEM_UUID_A, &pw, &clk));
	plen = sim_modem_make_patch(patch, sizeof(patch), SIM_MODEM_UUID_A, SIM_MODEM_UUID_B, pay,
				    3000);
	CHECK_OK(send(0, plen, 4096));
	CHECK_EQ(send(plen, 4097, 4097 - plen), DFU_MODEM_INVALID_ADDRESS);
}

TEST(rejected_write_makes_the_area_dirty)
{
	CHECK_OK(setup());
	patch[5] ^= 1;
	CHECK_EQ(send(0, 100, 100), DFU_MODEM_INVALID_HEADER_DATA);
	CHECK_OFFSET(DFU_MODEM_OFFSET_DIRTY);
}

TEST(rejected_write_leaves_area_clean_when_not_configured)
{
	CHECK_OK(setup());
	md.cfg.dirty_on_reject = false;
	patch[5] ^= 1;
	CHECK_EQ(send(0, 100, 100), DFU_MODEM_INVALID_HEADER_DATA);
	CHECK_OFFSET(0);
}

TEST(dirty_area_rejects_writes_with_area_not_blank)
{
	CHECK_OK(setup());
	md.nv.dirty = true;
	CHECK_EQ(send(0, 100, 100), DFU_MODEM_AREA_NOT_BLANK);
}

TEST(not_blank_area_reads_offset_zero_but_rejects_the_first_write)
{
	CHECK_OK(setup());
	md.nv.not_blank = true;
	CHECK_OFFSET(0);
	CHECK_EQ(send(0, 100, 100), DFU_MODEM_AREA_NOT_BLANK);
	CHECK_OFFSET(DFU_MODEM_OFFSET_DIRTY);
}

TEST(block_above_max_block_is_too_large_and_keeps_area_clean)
{
	CHECK_OK(setup());
	md.cfg.max_block = 1024;
	CHECK_EQ(send(0, 1025, 1025), DFU_MODEM_RECEIVER_BLOCK_TOO_LARGE);
	CHECK_OFFSET(0);
	CHECK_OK(send(0, 1024, 1024));
}

/* ---- error injection ----------------------------------------------------- */

TEST(every_modem_code_1_to_23_can_be_injected_on_write)
{
	for (int code = 1; code <= 23; code++) {
		CHECK_OK(setup());
		sim_modem_inject(&md, SIM_MODEM_OP_WRITE, code, 1);
		CHECK_OK(m_init());
		CHECKF(m_wr(patch, 100) == code, "code %d", code);
		CHECK_EQ(md.written, 0);
	}
}

TEST(injected_write_codes_dirty_the_area_except_refusals)
{
	for (int code = 1; code <= 23; code++) {
		bool refusal = code == 1 || code == 2 || code == 17 || code == 18 || code == 23;

		CHECK_OK(setup());
		sim_modem_inject(&md, SIM_MODEM_OP_WRITE, code, 1);
		CHECK_EQ(send(0, 100, 100), code);
		CHECKF(md.nv.dirty == !refusal, "code %d", code);
		CHECK_EQ(send(0, 100, 100), refusal ? 0 : DFU_MODEM_AREA_NOT_BLANK);
	}
}

TEST(library_and_modem_errors_can_be_injected_on_every_operation)
{
	static const int codes[] = {-ENOMEM, -ESHUTDOWN, -EPERM, DFU_MODEM_ERROR_INTERNAL_00};
	char u[DFU_MODEM_UUID_LEN];
	size_t v;

	for (size_t c = 0; c < sizeof(codes) / sizeof(codes[0]); c++) {
		for (int op = 0; op < SIM_MODEM_OP_COUNT; op++) {
			int got = 0;

			CHECK_OK(setup());
			CHECK_OK(send_and_schedule());
			CHECK_OK(sim_modem_boot(&md, NULL)); /* rollback available */
			md.nv.dirty = false;
			if (op == SIM_MODEM_OP_WRITE || op == SIM_MODEM_OP_WRITE_DONE) {
				CHECK_OK(m_init());
			}
			sim_modem_inject(&md, (enum sim_modem_op)op, codes[c], 1);
			for (int pass = 0; pass < 2; pass++) {
				switch (op) {
				case SIM_MODEM_OP_UUID:
					got = m_uuid(u);
					break;
				case SIM_MODEM_OP_AREA:
					got = m_area(&v);
					break;
				case SIM_MODEM_OP_OFFSET:
					got = m_off(&v);
					break;
				case SIM_MODEM_OP_WRITE_INIT:
					got = m_init();
					break;
				case SIM_MODEM_OP_WRITE:
					got = m_wr(patch, 1);
					break;
				case SIM_MODEM_OP_WRITE_DONE:
					got = m_done();
					break;
				case SIM_MODEM_OP_ERASE:
					got = m_erase();
					break;
				case SIM_MODEM_OP_UPDATE:
					got = m_update();
					break;
				default:
					got = m_rollback();
					break;
				}
				if (pass == 0) {
					CHECKF(got == codes[c], "op %d code %d: %d", op, codes[c],
					       got);
				}
			}
			CHECKF(got != codes[c], "op %d: second call failed again (%d)", op, got);
		}
	}
}

TEST(injection_after_skip_fails_a_later_call_count_times)
{
	CHECK_OK(setup());
	sim_modem_inject_after(&md, SIM_MODEM_OP_WRITE, 2, DFU_MODEM_WRITE_ERROR, 2);
	md.cfg.dirty_on_reject = false;
	CHECK_OK(m_init());
	CHECK_OK(m_wr(patch, 10));
	CHECK_OK(m_wr(patch + 10, 10));
	CHECK_EQ(m_wr(patch + 20, 10), DFU_MODEM_WRITE_ERROR);
	CHECK_EQ(m_wr(patch + 20, 10), DFU_MODEM_WRITE_ERROR);
	CHECK_OK(m_wr(patch + 20, 10));
}

TEST(counters_count_calls_and_accepted_bytes)
{
	CHECK_OK(setup());
	CHECK_OK(send(0, 3000, 1000));
	CHECK_EQ(m_wr(patch, 0), -EINVAL);
	CHECK_EQ(md.cnt.calls[SIM_MODEM_OP_WRITE], 4);
	CHECK_EQ(md.cnt.calls[SIM_MODEM_OP_WRITE_INIT], 1);
	CHECK_EQ(md.cnt.bytes_written, 3000);
	sim_modem_reset_counters(&md);
	CHECK_EQ(md.cnt.calls[SIM_MODEM_OP_WRITE], 0);
}

TEST_MAIN(RUN(init_fills_all_callbacks_with_the_sim_as_ctx);
	  RUN(init_rejects_area_below_patch_overhead_or_at_dirty_marker);
	  RUN(uuid_and_area_report_running_firmware_and_area_size);
	  RUN(offset_is_zero_on_a_blank_area); RUN(null_pointers_return_efault);
	  RUN(zero_length_write_returns_einval); RUN(write_init_twice_returns_ealready);
	  RUN(write_without_write_init_is_not_allowed_and_keeps_area_clean);
	  RUN(write_done_without_write_init_returns_ok);
	  RUN(offset_lags_writes_in_8k_steps_after_base_452);
	  RUN(commit_step_zero_commits_every_write); RUN(complete_patch_is_committed_at_once);
	  RUN(write_done_commits_the_tail_by_default);
	  RUN(write_done_drops_the_tail_when_not_committing_and_resume_appends_there);
	  RUN(make_patch_has_magic_uuids_length_and_crc);
	  RUN(bad_magic_is_invalid_header_data_on_the_write_that_completes_it);
	  RUN(malformed_uuid_text_is_invalid_header_data);
	  RUN(payload_larger_than_area_is_invalid_header_data);
	  RUN(source_uuid_mismatch_is_invalid_uuid_on_the_write_completing_the_header);
	  RUN(crc_mismatch_is_invalid_data_on_the_last_write);
	  RUN(bytes_past_the_patch_end_are_invalid_data);
	  RUN(data_beyond_area_size_is_invalid_address); RUN(rejected_write_makes_the_area_dirty);
	  RUN(rejected_write_leaves_area_clean_when_not_configured);
	  RUN(dirty_area_rejects_writes_with_area_not_blank);
	  RUN(not_blank_area_reads_offset_zero_but_rejects_the_first_write);
	  RUN(block_above_max_block_is_too_large_and_keeps_area_clean);
	  RUN(every_modem_code_1_to_23_can_be_injected_on_write);
	  RUN(injected_write_codes_dirty_the_area_except_refusals);
	  RUN(library_and_modem_errors_can_be_injected_on_every_operation);
	  RUN(injection_after_skip_fails_a_later_call_count_times);
	  RUN(counters_count_calls_and_accepted_bytes);)
