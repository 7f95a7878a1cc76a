/*
 * Tests of the simulated modem (ports/sim/sim_modem.h), part 2 of 2: erase
 * timing, update and rollback scheduling, the apply at boot with each
 * result, library state and power loss. Fixture: sim_modem_support.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "sim_modem_support.h"

/* ---- erase ---------------------------------------------------------------- */

TEST(erase_returns_at_once_and_every_call_returns_erase_pending)
{
	char u[DFU_MODEM_UUID_LEN];
	size_t v;

	CHECK_OK(setup());
	CHECK_OK(send(0, 1000, 1000));
	CHECK_OK(m_done());
	CHECK_OK(m_erase());
	CHECK_EQ(m_uuid(u), DFU_MODEM_ERASE_PENDING);
	CHECK_EQ(m_area(&v), DFU_MODEM_ERASE_PENDING);
	CHECK_EQ(m_off(&v), DFU_MODEM_ERASE_PENDING);
	CHECK_EQ(m_init(), DFU_MODEM_ERASE_PENDING);
	CHECK_EQ(m_wr(patch, 10), DFU_MODEM_ERASE_PENDING);
	CHECK_EQ(m_done(), DFU_MODEM_ERASE_PENDING);
	CHECK_EQ(m_erase(), DFU_MODEM_ERASE_PENDING);
	CHECK_EQ(m_update(), DFU_MODEM_ERASE_PENDING);
	CHECK_EQ(m_rollback(), DFU_MODEM_ERASE_PENDING);
}

TEST(erase_completes_after_the_simulated_time)
{
	size_t v;

	CHECK_OK(setup());
	md.nv.dirty = true;
	CHECK_OK(m_erase());
	sim_clock_advance(&clk, 3999);
	CHECK_EQ(m_off(&v), DFU_MODEM_ERASE_PENDING);
	sim_clock_advance(&clk, 1);
	CHECK_OFFSET(0);
	CHECK_EQ(md.cnt.erases_done, 1);
}

TEST(erase_can_take_minutes)
{
	CHECK_OK(setup());
	md.cfg.erase_ms = 5 * 60 * 1000;
	CHECK_OK(m_erase());
	sim_clock_advance(&clk, 4 * 60 * 1000);
	CHECK(sim_modem_erasing(&md));
	sim_clock_advance(&clk, 60 * 1000);
	CHECK(!sim_modem_erasing(&md));
}

TEST(erase_stalls_while_lte_busy)
{
	CHECK_OK(setup());
	sim_modem_set_lte_busy(&md, true);
	CHECK_OK(m_erase());
	sim_clock_advance(&clk, 3600u * 1000u);
	CHECK(sim_modem_erasing(&md));
	sim_modem_set_lte_busy(&md, false);
	sim_clock_advance(&clk, 3999);
	CHECK(sim_modem_erasing(&md));
	sim_clock_advance(&clk, 1);
	CHECK(!sim_modem_erasing(&md));
}

TEST(erase_set_to_never_never_finishes)
{
	size_t v;

	CHECK_OK(setup());
	md.cfg.erase_ms = SIM_MODEM_ERASE_NEVER;
	CHECK_OK(m_erase());
	sim_clock_advance(&clk, UINT32_MAX);
	sim_clock_advance(&clk, UINT32_MAX);
	CHECK_EQ(m_off(&v), DFU_MODEM_ERASE_PENDING);
}

TEST(erase_leaves_blank_clean_area_without_rollback)
{
	CHECK_OK(setup());
	CHECK_OK(send_and_schedule());
	CHECK_OK(sim_modem_boot(&md, NULL));
	CHECK(md.nv.rollback_available);
	CHECK_OK(m_erase());
	sim_clock_advance(&clk, 4000);
	CHECK_OFFSET(0);
	CHECK(md.nv.data[0] == 0xff && md.nv.data[plen - 1] == 0xff);
	CHECK_EQ(m_rollback(), DFU_MODEM_INVALID_OPERATION);
	CHECK_OK(m_init());
	CHECK_OK(m_wr(patch, 50));
}

TEST(erase_while_write_mode_open_is_not_allowed)
{
	CHECK_OK(setup());
	CHECK_OK(m_init());
	CHECK_EQ(m_erase(), DFU_MODEM_OPERATION_NOT_ALLOWED);
}

TEST(erase_error_is_injectable)
{
	CHECK_OK(setup());
	sim_modem_inject(&md, SIM_MODEM_OP_ERASE, DFU_MODEM_ERASE_ERROR, 1);
	CHECK_EQ(m_erase(), DFU_MODEM_ERASE_ERROR);
	CHECK(!md.nv.erasing);
	CHECK_OK(m_erase());
}

TEST(erase_in_progress_survives_power_loss)
{
	size_t v;

	CHECK_OK(setup());
	CHECK_OK(m_erase());
	sim_clock_advance(&clk, 1000);
	CHECK_EQ(m_off(&v), DFU_MODEM_ERASE_PENDING);
	sim_power_arm(&pw, 1, SIM_TORN_NOTHING, 1);
	CHECK_EQ(sim_power_begin(&pw), SIM_POWER_CUT); /* another device's op */
	sim_clock_advance(&clk, 10000);                /* powered off: no progress */
	sim_power_reboot(&pw);
	CHECK_OK(sim_modem_boot(&md, NULL));
	CHECK_EQ(m_off(&v), DFU_MODEM_ERASE_PENDING);
	sim_clock_advance(&clk, 3000);
	CHECK_OFFSET(0);
}

TEST(erase_cut_with_torn_nothing_does_not_start)
{
	CHECK_OK(setup());
	sim_power_arm(&pw, 1, SIM_TORN_NOTHING, 1);
	CHECK_ERR(m_erase(), EIO);
	CHECK(!md.nv.erasing);
	sim_power_reboot(&pw);
	sim_power_arm(&pw, 1, SIM_TORN_HALF, 1);
	CHECK_OK(sim_modem_boot(&md, NULL));
	CHECK_ERR(m_erase(), EIO);
	CHECK(md.nv.erasing); /* torn half: started before the power went off */
}

/* ---- update, rollback, boot ----------------------------------------------- */

TEST(update_of_incomplete_patch_is_incomplete_data)
{
	CHECK_OK(setup());
	CHECK_OK(send(0, plen - 1, 4096));
	CHECK_OK(m_done());
	CHECK_EQ(m_update(), DFU_MODEM_INCOMPLETE_DATA);
	CHECK_EQ(md.nv.action, SIM_MODEM_ACTION_NONE);
}

TEST(update_of_dirty_area_is_incomplete_data)
{
	CHECK_OK(setup());
	md.nv.dirty = true;
	CHECK_EQ(m_update(), DFU_MODEM_INCOMPLETE_DATA);
}

TEST(update_of_complete_patch_schedules_it)
{
	CHECK_OK(setup());
	CHECK_OK(send_and_schedule());
	CHECK_EQ(md.nv.action, SIM_MODEM_ACTION_UPDATE);
}

TEST(rollback_without_an_applied_update_is_invalid_operation)
{
	CHECK_OK(setup());
	CHECK_EQ(m_rollback(), DFU_MODEM_INVALID_OPERATION);
}

TEST(boot_without_action_reports_no_result)
{
	uint32_t res = 1;

	CHECK_OK(setup());
	CHECK_OK(sim_modem_boot(&md, &res));
	CHECK_EQ(res, 0);
	CHECK_EQ(md.cnt.applies, 0);
}

TEST(apply_ok_swaps_uuid_enables_rollback_and_leaves_area_dirty)
{
	uint32_t res = 0;
	char u[DFU_MODEM_UUID_LEN];

	CHECK_OK(setup());
	CHECK_OK(send_and_schedule());
	CHECK_OK(sim_modem_boot(&md, &res));
	CHECK_EQ(res, DFU_MODEM_RESULT_OK);
	CHECK_OK(m_uuid(u));
	CHECK_MEM(u, SIM_MODEM_UUID_B, DFU_MODEM_UUID_LEN);
	CHECK(md.nv.rollback_available);
	CHECK_EQ(md.nv.action, SIM_MODEM_ACTION_NONE);
	CHECK_OFFSET(DFU_MODEM_OFFSET_DIRTY);
}

TEST(apply_leaves_area_clean_when_not_configured)
{
	CHECK_OK(setup());
	md.cfg.dirty_after_apply = false;
	CHECK_OK(send_and_schedule());
	CHECK_OK(sim_modem_boot(&md, NULL));
	CHECK_OFFSET(plen);
}

TEST(rollback_after_ok_restores_the_source_uuid)
{
	uint32_t res = 0;

	CHECK_OK(setup());
	CHECK_OK(send_and_schedule());
	CHECK_OK(sim_modem_boot(&md, NULL));
	CHECK_OK(m_rollback());
	CHECK_OK(sim_modem_boot(&md, &res));
	CHECK_EQ(res, DFU_MODEM_RESULT_OK);
	CHECK_MEM(md.nv.uuid, SIM_MODEM_UUID_A, DFU_MODEM_UUID_LEN);
	CHECK_EQ(m_rollback(), DFU_MODEM_INVALID_OPERATION);
}

TEST(apply_on_other_running_firmware_is_uuid_error_and_keeps_it)
{
	uint32_t res = 0;

	CHECK_OK(setup());
	CHECK_OK(send_and_schedule());
	memcpy(md.nv.uuid, SIM_MODEM_UUID_B, DFU_MODEM_UUID_LEN);
	CHECK_OK(sim_modem_boot(&md, &res));
	CHECK_EQ(res, DFU_MODEM_RESULT_UUID_ERROR);
	CHECK_MEM(md.nv.uuid, SIM_MODEM_UUID_B, DFU_MODEM_UUID_LEN);
	CHECK(!md.nv.rollback_available);
}

TEST(forced_auth_error_keeps_the_old_firmware)
{
	uint32_t res = 0;

	CHECK_OK(setup());
	CHECK_OK(send_and_schedule());
	sim_modem_force_result(&md, DFU_MODEM_RESULT_AUTH_ERROR, 1);
	CHECK_OK(sim_modem_boot(&md, &res));
	CHECK_EQ(res, DFU_MODEM_RESULT_AUTH_ERROR);
	CHECK_MEM(md.nv.uuid, SIM_MODEM_UUID_A, DFU_MODEM_UUID_LEN);
	CHECK_EQ(md.nv.action, SIM_MODEM_ACTION_NONE);
}

TEST(voltage_low_returns_eagain_and_stays_scheduled)
{
	uint32_t res = 0;
	size_t v;

	CHECK_OK(setup());
	CHECK_OK(send_and_schedule());
	sim_modem_force_result(&md, DFU_MODEM_RESULT_VOLTAGE_LOW, 1);
	CHECK_ERR(sim_modem_boot(&md, &res), EAGAIN);
	CHECK_EQ(res, DFU_MODEM_RESULT_VOLTAGE_LOW);
	CHECK_EQ(md.nv.action, SIM_MODEM_ACTION_UPDATE);
	CHECK_ERR(m_off(&v), EPERM);
	CHECK_OK(sim_modem_boot(&md, &res));
	CHECK_EQ(res, DFU_MODEM_RESULT_OK);
}

static void unbootable_case(uint32_t result)
{
	uint32_t res = 0;
	size_t v;

	CHECK_OK(setup());
	CHECK_OK(send_and_schedule());
	sim_modem_force_result(&md, result, 1);
	CHECK_ERR(sim_modem_boot(&md, &res), EIO);
	CHECK_EQ(res, result);
	CHECK_ERR(sim_modem_boot(&md, &res), EIO);
	CHECK_EQ(res, 0);
	CHECK_ERR(m_off(&v), EPERM);
	sim_modem_full_update(&md, SIM_MODEM_UUID_B);
	CHECK_OK(sim_modem_boot(&md, &res));
	CHECK_MEM(md.nv.uuid, SIM_MODEM_UUID_B, DFU_MODEM_UUID_LEN);
}

TEST(internal_error_makes_the_modem_unbootable_until_a_full_update)
{
	unbootable_case(DFU_MODEM_RESULT_INTERNAL_ERROR);
}

TEST(hardware_error_makes_the_modem_unbootable_until_a_full_update)
{
	unbootable_case(DFU_MODEM_RESULT_HARDWARE_ERROR);
}

TEST(legacy_boot_returns_the_positive_result)
{
	CHECK_OK(setup());
	md.cfg.legacy_result = true;
	CHECK_OK(send_and_schedule());
	CHECK_EQ(sim_modem_boot(&md, NULL), DFU_MODEM_RESULT_OK);
}

/* ---- library state and power ----------------------------------------------- */

TEST(calls_return_eperm_after_reboot_until_boot)
{
	size_t v;

	CHECK_OK(setup());
	sim_modem_reboot(&md);
	CHECK_ERR(m_off(&v), EPERM);
	CHECK_ERR(m_init(), EPERM);
	CHECK_OK(sim_modem_boot(&md, NULL));
	CHECK_OFFSET(0);
}

TEST(fault_returns_eshutdown_until_boot)
{
	size_t v;

	CHECK_OK(setup());
	sim_modem_fault(&md);
	CHECK_ERR(m_off(&v), ESHUTDOWN);
	CHECK_OK(sim_modem_boot(&md, NULL));
	CHECK_OFFSET(0);
}

TEST(power_cut_during_write_loses_only_the_uncommitted_tail)
{
	size_t v;

	CHECK_OK(setup());
	CHECK_OK(send(0, 9644, 1000));
	CHECK_OFFSET(8644);
	sim_power_arm(&pw, 1, SIM_TORN_HALF, 1);
	CHECK_ERR(m_wr(patch + 9644, 1000), EIO);
	CHECK(pw.dead);
	CHECK_ERR(m_off(&v), EIO);
	sim_power_reboot(&pw);
	CHECK_ERR(m_off(&v), EPERM);
	CHECK_OK(sim_modem_boot(&md, NULL));
	CHECK_OFFSET(8644);
	CHECK_MEM(md.nv.data, patch, 8644);
	CHECK(md.nv.data[8644] == 0xff && md.nv.data[9643] == 0xff);
	CHECK_EQ(m_wr(patch + 8644, 10), DFU_MODEM_OPERATION_NOT_ALLOWED); /* write mode lost */
	CHECK_OK(send(8644, plen, 1000));
	CHECK_OK(m_done());
	CHECK_OK(m_update());
}

TEST(power_loss_on_another_device_drops_write_mode_and_tail)
{
	CHECK_OK(setup());
	CHECK_OK(send(0, 1000, 1000));
	sim_power_arm(&pw, 1, SIM_TORN_NOTHING, 1);
	CHECK_EQ(sim_power_begin(&pw), SIM_POWER_CUT);
	sim_power_reboot(&pw);
	CHECK_OK(sim_modem_boot(&md, NULL));
	CHECK(!md.open);
	CHECK_EQ(md.written, 452);
	CHECK_OFFSET(452);
}

TEST(write_done_cut_with_torn_nothing_loses_the_tail)
{
	CHECK_OK(setup());
	CHECK_OK(send(0, 1000, 1000));
	sim_power_arm(&pw, 1, SIM_TORN_NOTHING, 1);
	CHECK_ERR(m_done(), EIO);
	sim_power_reboot(&pw);
	CHECK_OK(sim_modem_boot(&md, NULL));
	CHECK_OFFSET(452);
}

TEST(update_cut_schedules_only_when_torn_after_completion)
{
	CHECK_OK(setup());
	CHECK_OK(send(0, plen, 4096));
	CHECK_OK(m_done());
	sim_power_arm(&pw, 1, SIM_TORN_NOTHING, 1);
	CHECK_ERR(m_update(), EIO);
	CHECK_EQ(md.nv.action, SIM_MODEM_ACTION_NONE);
	sim_power_reboot(&pw);
	CHECK_OK(sim_modem_boot(&md, NULL));
	sim_power_arm(&pw, 1, SIM_TORN_ALL_BUT_ONE, 1);
	CHECK_ERR(m_update(), EIO);
	CHECK_EQ(md.nv.action, SIM_MODEM_ACTION_UPDATE);
}

TEST(power_cut_during_apply_applies_again_at_next_boot)
{
	uint32_t res = 0;

	CHECK_OK(setup());
	CHECK_OK(send_and_schedule());
	sim_power_arm(&pw, 1, SIM_TORN_HALF, 1);
	CHECK_ERR(sim_modem_boot(&md, &res), EIO);
	CHECK_EQ(res, 0);
	CHECK_EQ(md.nv.action, SIM_MODEM_ACTION_UPDATE);
	sim_power_reboot(&pw);
	CHECK_OK(sim_modem_boot(&md, &res));
	CHECK_EQ(res, DFU_MODEM_RESULT_OK);
}

TEST_MAIN(RUN(erase_returns_at_once_and_every_call_returns_erase_pending);
	  RUN(erase_completes_after_the_simulated_time); RUN(erase_can_take_minutes);
	  RUN(erase_stalls_while_lte_busy); RUN(erase_set_to_never_never_finishes);
	  RUN(erase_leaves_blank_clean_area_without_rollback);
	  RUN(erase_while_write_mode_open_is_not_allowed); RUN(erase_error_is_injectable);
	  RUN(erase_in_progress_survives_power_loss);
	  RUN(erase_cut_with_torn_nothing_does_not_start);
	  RUN(update_of_incomplete_patch_is_incomplete_data);
	  RUN(update_of_dirty_area_is_incomplete_data); RUN(update_of_complete_patch_schedules_it);
	  RUN(rollback_without_an_applied_update_is_invalid_operation);
	  RUN(boot_without_action_reports_no_result);
	  RUN(apply_ok_swaps_uuid_enables_rollback_and_leaves_area_dirty);
	  RUN(apply_leaves_area_clean_when_not_configured);
	  RUN(rollback_after_ok_restores_the_source_uuid);
	  RUN(apply_on_other_running_firmware_is_uuid_error_and_keeps_it);
	  RUN(forced_auth_error_keeps_the_old_firmware);
	  RUN(voltage_low_returns_eagain_and_stays_scheduled);
	  RUN(internal_error_makes_the_modem_unbootable_until_a_full_update);
	  RUN(hardware_error_makes_the_modem_unbootable_until_a_full_update);
	  RUN(legacy_boot_returns_the_positive_result);
	  RUN(calls_return_eperm_after_reboot_until_boot); RUN(fault_returns_eshutdown_until_boot);
	  RUN(power_cut_during_write_loses_only_the_uncommitted_tail);
	  RUN(power_loss_on_another_device_drops_write_mode_and_tail);
	  RUN(write_done_cut_with_torn_nothing_loses_the_tail);
	  RUN(update_cut_schedules_only_when_torn_after_completion);
	  RUN(power_cut_during_apply_applies_again_at_next_boot);)
