/*
 * Fixture of the simulated modem tests (test_sim_modem*.c): a power domain,
 * a virtual clock and a modem on them (default config, running UUID A), a
 * 20000-byte patch A -> B, and the delta calls through struct
 * dfu_modem_delta (as the library makes them). With SIM_MODEM_TARGET_FIXTURE
 * defined first, also the modem delta target on that modem (see below).
 *
 * Each test file is its own executable, so the state below is per file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef SIM_MODEM_SUPPORT_H_
#define SIM_MODEM_SUPPORT_H_

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sim_modem.h"

static struct sim_power pw;
static struct sim_clock clk;
static struct sim_modem md;
static uint8_t pay[24 * 1024];
static uint8_t patch[sizeof(pay) + SIM_MODEM_PATCH_OVERHEAD];
static size_t plen;

static inline void free_modem(void)
{
	sim_modem_free(&md);
}

/* Fresh power, clock and modem (default config, running UUID A); a 20000-byte
 * payload patch A -> B in patch[0..plen). */
static inline int setup(void)
{
	static int registered;

	if (!registered) {
		(void)atexit(free_modem);
		registered = 1;
	}
	sim_modem_free(&md);
	sim_power_init(&pw);
	sim_clock_init(&clk);
	for (size_t i = 0; i < sizeof(pay); i++) {
		pay[i] = (uint8_t)(i * 7u + 3u);
	}
	plen = sim_modem_make_patch(patch, sizeof(patch), SIM_MODEM_UUID_A, SIM_MODEM_UUID_B, pay,
				    20000);
	return sim_modem_init(&md, NULL, SIM_MODEM_UUID_A, &pw, &clk);
}

static inline int m_uuid(char *u)
{
	return md.dev.uuid(md.dev.ctx, u);
}
static inline int m_area(size_t *s)
{
	return md.dev.area(md.dev.ctx, s);
}
static inline int m_off(size_t *o)
{
	return md.dev.offset(md.dev.ctx, o);
}
static inline int m_init(void)
{
	return md.dev.write_init(md.dev.ctx);
}
static inline int m_wr(const void *p, size_t n)
{
	return md.dev.write(md.dev.ctx, p, n);
}
static inline int m_done(void)
{
	return md.dev.write_done(md.dev.ctx);
}
static inline int m_erase(void)
{
	return md.dev.erase(md.dev.ctx);
}
static inline int m_update(void)
{
	return md.dev.update(md.dev.ctx);
}
static inline int m_rollback(void)
{
	return md.dev.rollback(md.dev.ctx);
}

/* write_init (if not open), then patch[from, to) in chunk-byte writes. */
static inline int send(size_t from, size_t to, size_t chunk)
{
	int err = md.open ? 0 : m_init();

	for (size_t p = from; !err && p < to; p += chunk) {
		err = m_wr(patch + p, to - p < chunk ? to - p : chunk);
	}
	return err;
}

/* The whole patch, write_done, update. */
static inline int send_and_schedule(void)
{
	int err = send(0, plen, 4096);

	if (!err) {
		err = m_done();
	}
	return err ? err : m_update();
}

#define CHECK_OFFSET(want)                    \
	do {                                  \
		size_t o_ = 0;                \
		CHECK_OK(m_off(&o_));         \
		CHECK_EQ(o_, (size_t)(want)); \
	} while (0)

#ifdef SIM_MODEM_TARGET_FIXTURE
/*
 * The modem delta target over this modem (test_modem_delta_*.c): a store on
 * the same power, a context with the target registered, the application's
 * side (init with the patch's first bytes as identity, events counted) and
 * the device's power cycle. fx_modem / fx_kv may point at wrappers (fault
 * injection) before app_boot().
 */
#include "sim_kv.h"

#include "dfu/dfu_target_modem_delta.h"

static struct sim_kv kv;
static struct dfu_port port;
static struct dfu_modem_delta_target tgt;
static const struct dfu_target_entry tgt_entry = {&dfu_target_modem_delta_ops, &tgt};
static const struct dfu_config tgt_cfg = {.port = &port, .targets = &tgt_entry, .target_count = 1};
static struct dfu_ctx ctx;
static const struct dfu_modem_delta *fx_modem; /* NULL: &md.dev */
static const struct dfu_kv *fx_kv;             /* NULL: &kv.dev */
static unsigned evts[3];
/* Called from the event callback after counting (may be NULL). */
static void (*evt_hook)(enum dfu_target_evt_id e);

static inline void on_evt(enum dfu_target_evt_id e)
{
	if ((unsigned)e < 3) {
		evts[e]++;
	}
	if (evt_hook != NULL) {
		evt_hook(e);
	}
}

/* Application side after a boot: fresh target state and context. */
static inline void app_boot(void)
{
	memset(&tgt, 0, sizeof(tgt));
	tgt.cfg.poll_ms = 1000;
	tgt.cfg.timeout_ms = 60000;
	tgt.cfg.deadline_ms = 600000;
	port = (struct dfu_port){.kv = fx_kv != NULL ? fx_kv : &kv.dev,
				 .clock = &clk.dev,
				 .modem = fx_modem != NULL ? fx_modem : &md.dev};
	if (dfu_ctx_setup(&ctx, &tgt_cfg) != 0) {
		abort();
	}
	memset(evts, 0, sizeof(evts));
	evt_hook = NULL;
}

/* setup() (modem, power, clock, 20000-byte patch) plus an empty store and
 * a fresh application. */
static inline void target_setup(void)
{
	if (setup() != 0) {
		abort();
	}
	sim_kv_init(&kv, &pw);
	app_boot();
}

/* Power cycle the device: store and modem persist, RAM does not. */
static inline int device_reboot(void)
{
	uint32_t result = 0;

	sim_power_reboot(&pw);
	sim_modem_reboot(&md);
	app_boot();
	return sim_modem_boot(&md, &result);
}

/* init for the patch in patch[] (identity: its first 64 bytes). */
static inline int init(size_t file_size)
{
	struct dfu_init_params p = {.img_type = DFU_TARGET_IMAGE_TYPE_MODEM_DELTA,
				    .file_size = file_size,
				    .cb = on_evt,
				    .first = patch,
				    .first_len = 64};

	return dfu_ctx_init_ex(&ctx, &p);
}

/* offset_get, the rest of the patch in chunk-byte writes, done(true),
 * schedule. *resumed_at (may be NULL) gets the offset resumed from. */
static inline int resume_to_schedule(size_t chunk, size_t *resumed_at)
{
	size_t off = 0;
	int err = dfu_ctx_offset_get(&ctx, &off);

	if (resumed_at != NULL) {
		*resumed_at = off;
	}
	while (err == 0 && off < plen) {
		size_t k = plen - off < chunk ? plen - off : chunk;

		err = dfu_ctx_write(&ctx, patch + off, k);
		off += k;
	}
	if (err == 0) {
		err = dfu_ctx_done(&ctx, true);
	}
	return err ? err : dfu_ctx_schedule_update(&ctx, 0);
}

/* The modem applies the scheduled patch at its next boot: running B. */
static inline bool applied(void)
{
	uint32_t result = 0;

	sim_power_reboot(&pw);
	sim_modem_reboot(&md);
	return sim_modem_boot(&md, &result) == 0 && result == DFU_MODEM_RESULT_OK &&
	       memcmp(md.nv.uuid, SIM_MODEM_UUID_B, DFU_MODEM_UUID_LEN) == 0;
}
#endif /* SIM_MODEM_TARGET_FIXTURE */

#endif /* SIM_MODEM_SUPPORT_H_ */
