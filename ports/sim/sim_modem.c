/*
 * Simulated modem (delta updates). Behaviour and choices: sim_modem.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_modem.h"

static const uint8_t magic[4] = {0x6d, 0x65, 0x44, 0x75}; /* "meDu" */

static uint32_t crc32_ieee(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++) {
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
		}
	}
	return ~crc;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool uuid_ok(const uint8_t *u)
{
	for (int i = 0; i < DFU_MODEM_UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? u[i] != '-' : !is_hex((char)u[i])) {
			return false;
		}
	}
	return true;
}

static uint64_t now_ms(const struct sim_modem *m)
{
	return m->clock ? m->clock->now_ms : 0;
}

/* ---- state helpers ------------------------------------------------------ */

/* Volatile state is lost: write mode closed, uncommitted tail gone. */
static void lose_volatile(struct sim_modem *m)
{
	m->open = false;
	if (m->written > m->nv.committed) {
		memset(m->nv.data + m->nv.committed, 0xff, m->written - m->nv.committed);
	}
	m->written = m->nv.committed;
}

static void go_off(struct sim_modem *m)
{
	lose_volatile(m);
	m->bl_phase = SIM_BL_NONE; /* the buffered firmware bytes are lost */
	m->pend_len = 0;
	m->state = SIM_MODEM_OFF;
	if (m->power) {
		m->seen_cuts = m->power->cuts;
	}
}

/* A power loss (cut by any device on the power) since we last looked. */
static void see_power(struct sim_modem *m)
{
	if (m->power && (m->power->dead || m->power->cuts != m->seen_cuts)) {
		go_off(m);
	}
}

static void finish_erase(struct sim_modem *m)
{
	struct sim_modem_nv *nv = &m->nv;

	if (m->erase_end_count > 0 && m->erase_end != SIM_MODEM_ERASE_CLEAN) {
		m->erase_end_count--;
		nv->erasing = false;
		nv->erase_left_ms = 0;
		if (m->erase_end == SIM_MODEM_ERASE_DIRTY) {
			nv->dirty = true;
		}
		m->cnt.erases_done++;
		return;
	}
	memset(nv->data, 0xff, m->cfg.area_size);
	nv->committed = 0;
	m->written = 0;
	nv->dirty = false;
	nv->not_blank = false;
	nv->erasing = false;
	nv->erase_left_ms = 0;
	nv->patch_valid = false;
	nv->rollback_available = false;
	memset(nv->src_uuid, 0, sizeof(nv->src_uuid));
	memset(nv->dst_uuid, 0, sizeof(nv->dst_uuid));
	m->cnt.erases_done++;
}

/* Account the erase progress since the last call (only while NORMAL). */
static void settle(struct sim_modem *m)
{
	uint64_t now = now_ms(m);
	uint64_t el = now - m->last_ms;

	m->last_ms = now;
	if (!m->nv.erasing) {
		return;
	}
	if (m->nv.erase_left_ms != SIM_MODEM_ERASE_NEVER && !m->lte_busy) {
		m->nv.erase_left_ms =
			el >= m->nv.erase_left_ms ? 0 : m->nv.erase_left_ms - (uint32_t)el;
	}
	if (m->nv.erase_left_ms == 0) {
		finish_erase(m);
	}
}

/* Common entry of every delta call: count it; power loss, dead power
 * (-EIO), library state (-EPERM, -ESHUTDOWN); erase progress; arg_err (an
 * argument error, 0 if none); an injected error; erase pending. */
static int pre(struct sim_modem *m, enum sim_modem_op op, int arg_err)
{
	struct sim_modem_inj *i = &m->inj[op];

	m->cnt.calls[op]++;
	see_power(m);
	if (m->power && m->power->dead) {
		return -EIO;
	}
	if (m->state != SIM_MODEM_NORMAL) {
		return m->state == SIM_MODEM_FAULT ? -ESHUTDOWN : -EPERM;
	}
	settle(m);
	if (arg_err) {
		return arg_err;
	}
	if (i->count > 0) {
		if (i->skip > 0) {
			i->skip--;
		} else {
			i->count--;
			return i->code;
		}
	}
	return m->nv.erasing ? DFU_MODEM_ERASE_PENDING : 0;
}

/* A power op: true when this op is cut (the caller applies the torn rule,
 * goes OFF and returns -EIO). */
static bool power_cut(struct sim_modem *m)
{
	return sim_power_begin(m->power) == SIM_POWER_CUT;
}

/* With a cut op: did it complete before the power went off? */
static bool cut_completes(const struct sim_modem *m)
{
	return m->power->torn != SIM_TORN_NOTHING;
}

/* ---- struct dfu_modem_delta callbacks ----------------------------------- */

static int m_uuid(void *ctx, char uuid[DFU_MODEM_UUID_LEN])
{
	struct sim_modem *m = ctx;
	int err = pre(m, SIM_MODEM_OP_UUID, uuid == NULL ? -EFAULT : 0);

	if (!err) {
		memcpy(uuid, m->nv.uuid, DFU_MODEM_UUID_LEN);
	}
	return err;
}

static int m_area(void *ctx, size_t *size)
{
	struct sim_modem *m = ctx;
	int err = pre(m, SIM_MODEM_OP_AREA, size == NULL ? -EFAULT : 0);

	if (!err) {
		*size = m->cfg.area_size;
	}
	return err;
}

static int m_offset(void *ctx, size_t *offset)
{
	struct sim_modem *m = ctx;
	int err = pre(m, SIM_MODEM_OP_OFFSET, offset == NULL ? -EFAULT : 0);

	if (!err) {
		*offset = m->nv.dirty ? DFU_MODEM_OFFSET_DIRTY : m->nv.committed;
	}
	return err;
}

static int m_write_init(void *ctx)
{
	struct sim_modem *m = ctx;
	int err = pre(m, SIM_MODEM_OP_WRITE_INIT, 0);

	if (!err && m->open) {
		err = -EALREADY;
	}
	if (!err) {
		m->open = true;
	}
	return err;
}

/* A rejected write: maybe dirty the area (see the header). */
static int reject(struct sim_modem *m, int code)
{
	bool refusal = code == DFU_MODEM_RECEIVER_OUT_OF_MEMORY ||
		       code == DFU_MODEM_RECEIVER_BLOCK_TOO_LARGE ||
		       code == DFU_MODEM_ERASE_PENDING || code == DFU_MODEM_OPERATION_NOT_ALLOWED ||
		       code == DFU_MODEM_NOT_ALLOWED_POFWARN_ON;

	if (code > 0 && !refusal && m->cfg.dirty_on_reject) {
		m->nv.dirty = true;
	}
	return code;
}

/* Check the patch bytes [0, to) of which [0, from) were accepted before.
 * Returns 0 or a modem code; sets the patch fields when it completes. */
static int check_patch(struct sim_modem *m, size_t from, size_t to)
{
	struct sim_modem_nv *nv = &m->nv;
	const uint8_t *d = nv->data;
	size_t hdr = SIM_MODEM_PATCH_HEADER;

	if (from < 8 && to >= 8 && memcmp(d + SIM_MODEM_PATCH_MAGIC_OFF, magic, 4) != 0) {
		return DFU_MODEM_INVALID_HEADER_DATA;
	}
	if (to < hdr) {
		return 0;
	}
	uint32_t n = get_le32(d + 80);

	if (from < hdr) {
		if (!uuid_ok(d + 8) || !uuid_ok(d + 44) ||
		    n > m->cfg.area_size - SIM_MODEM_PATCH_OVERHEAD) {
			return DFU_MODEM_INVALID_HEADER_DATA;
		}
		if (memcmp(d + 8, nv->uuid, DFU_MODEM_UUID_LEN) != 0) {
			return DFU_MODEM_INVALID_UUID;
		}
	}
	size_t total = (size_t)n + SIM_MODEM_PATCH_OVERHEAD;

	if (to > total) {
		return DFU_MODEM_INVALID_DATA;
	}
	if (to == total) {
		if (crc32_ieee(d + hdr, n) != get_le32(d + hdr + n)) {
			return DFU_MODEM_INVALID_DATA;
		}
		nv->patch_valid = true;
		memcpy(nv->src_uuid, d + 8, DFU_MODEM_UUID_LEN);
		memcpy(nv->dst_uuid, d + 44, DFU_MODEM_UUID_LEN);
	}
	return 0;
}

static size_t commit_point(const struct sim_modem *m)
{
	size_t w = m->written;
	size_t base = m->cfg.commit_base;
	size_t step = m->cfg.commit_step;
	size_t c;

	if (step == 0 || m->nv.patch_valid) {
		return w;
	}
	if (w < base) {
		return m->nv.committed;
	}
	c = base + (w - base) / step * step;
	return c > m->nv.committed ? c : m->nv.committed;
}

static int m_write(void *ctx, const void *src, size_t len)
{
	struct sim_modem *m = ctx;
	int err = pre(m, SIM_MODEM_OP_WRITE, src == NULL ? -EFAULT : len == 0 ? -EINVAL : 0);
	size_t old = m->written; /* after pre(): a finished erase resets it */

	if (err < 0) {
		return err;
	}
	if (!err && !m->open) {
		err = DFU_MODEM_OPERATION_NOT_ALLOWED;
	}
	if (!err && m->cfg.max_block != 0 && len > m->cfg.max_block) {
		err = DFU_MODEM_RECEIVER_BLOCK_TOO_LARGE;
	}
	if (!err && (m->nv.dirty || (m->nv.not_blank && old == 0))) {
		err = DFU_MODEM_AREA_NOT_BLANK;
	}
	if (!err && len > m->cfg.area_size - old) {
		err = DFU_MODEM_INVALID_ADDRESS;
	}
	if (err) {
		return reject(m, err);
	}
	if (power_cut(m)) {
		go_off(m);
		return -EIO;
	}
	memcpy(m->nv.data + old, src, len);
	err = check_patch(m, old, old + len);
	if (err) {
		memset(m->nv.data + old, 0xff, len);
		return reject(m, err);
	}
	m->written = old + len;
	m->cnt.bytes_written += len;
	m->nv.committed = commit_point(m);
	return 0;
}

static int m_write_done(void *ctx)
{
	struct sim_modem *m = ctx;
	int err = pre(m, SIM_MODEM_OP_WRITE_DONE, 0);

	if (err || !m->open) {
		return err;
	}
	if (power_cut(m)) {
		if (cut_completes(m) && m->cfg.commit_on_done) {
			m->nv.committed = m->written;
		}
		go_off(m);
		return -EIO;
	}
	if (m->cfg.commit_on_done) {
		m->nv.committed = m->written;
	}
	lose_volatile(m); /* closes write mode; drops a tail not committed */
	return 0;
}

static void start_erase(struct sim_modem *m)
{
	m->nv.erasing = true;
	m->nv.erase_left_ms = m->cfg.erase_ms;
	m->nv.action = SIM_MODEM_ACTION_NONE;
	m->nv.rollback_available = false;
	m->cnt.erases_started++;
}

static int m_erase(void *ctx)
{
	struct sim_modem *m = ctx;
	int err = pre(m, SIM_MODEM_OP_ERASE, 0);

	if (err) {
		return err;
	}
	if (m->open) {
		return DFU_MODEM_OPERATION_NOT_ALLOWED;
	}
	if (power_cut(m)) {
		if (cut_completes(m)) {
			start_erase(m);
		}
		go_off(m);
		return -EIO;
	}
	start_erase(m);
	return 0;
}

/* update and rollback: check, then schedule action (a power op). */
static int schedule(struct sim_modem *m, enum sim_modem_op op, enum sim_modem_action action)
{
	int err = pre(m, op, 0);

	if (err) {
		return err;
	}
	if (action == SIM_MODEM_ACTION_UPDATE && (m->nv.dirty || !m->nv.patch_valid)) {
		return DFU_MODEM_INCOMPLETE_DATA;
	}
	if (action == SIM_MODEM_ACTION_ROLLBACK && !m->nv.rollback_available) {
		return DFU_MODEM_INVALID_OPERATION;
	}
	if (power_cut(m)) {
		if (cut_completes(m)) {
			m->nv.action = action;
		}
		go_off(m);
		return -EIO;
	}
	m->nv.action = action;
	return 0;
}

static int m_update(void *ctx)
{
	return schedule(ctx, SIM_MODEM_OP_UPDATE, SIM_MODEM_ACTION_UPDATE);
}

static int m_rollback(void *ctx)
{
	return schedule(ctx, SIM_MODEM_OP_ROLLBACK, SIM_MODEM_ACTION_ROLLBACK);
}

/* ---- struct dfu_modem_bootloader callbacks ------------------------------- */

/* Common entry of a bootloader call after init: count it; power loss, dead
 * power (-EIO); not in bootloader mode or a failed session (-EOPNOTSUPP);
 * arg_err; an injected error (fails the session). */
static int bl_pre(struct sim_modem *m, enum sim_modem_bl_op op, int arg_err)
{
	struct sim_modem_inj *i = &m->bl_inj[op];

	m->cnt.bl_calls[op]++;
	see_power(m);
	if (m->power && m->power->dead) {
		return -EIO;
	}
	if (m->state != SIM_MODEM_BOOTLOADER || m->bl_phase == SIM_BL_FAILED) {
		return -EOPNOTSUPP;
	}
	if (arg_err) {
		return arg_err;
	}
	if (i->count > 0) {
		if (i->skip > 0) {
			i->skip--;
		} else {
			i->count--;
			m->bl_phase = SIM_BL_FAILED;
			return i->code;
		}
	}
	return 0;
}

/* A refusal by the modem: the session has failed. */
static int bl_fail(struct sim_modem *m, int code)
{
	m->bl_phase = SIM_BL_FAILED;
	return code;
}

static int b_init(void *ctx)
{
	struct sim_modem *m = ctx;
	struct sim_modem_inj *i = &m->bl_inj[SIM_MODEM_BL_INIT];

	m->cnt.bl_calls[SIM_MODEM_BL_INIT]++;
	see_power(m);
	if (m->power && m->power->dead) {
		return -EIO;
	}
	if (m->state == SIM_MODEM_NORMAL || m->state == SIM_MODEM_BOOTLOADER) {
		return -EPERM;
	}
	if (i->count > 0) {
		if (i->skip > 0) {
			i->skip--;
		} else {
			i->count--;
			return i->code;
		}
	}
	if (power_cut(m)) {
		go_off(m);
		return -EIO;
	}
	m->state = SIM_MODEM_BOOTLOADER;
	m->bl_phase = SIM_BL_WAIT_BL;
	m->bl_len = 0;
	m->bl_fw = false;
	m->pend_len = 0;
	dfu_sha256_init(&m->bl_sha);
	return 0;
}

static int b_shutdown(void *ctx)
{
	sim_modem_reboot(ctx);
	return 0;
}

static int b_bl_write(void *ctx, const void *src, uint32_t len)
{
	struct sim_modem *m = ctx;
	int err = bl_pre(m, SIM_MODEM_BL_WRITE, src == NULL || len == 0 ? -EINVAL : 0);

	if (err) {
		return err;
	}
	if (m->bl_phase != SIM_BL_WAIT_BL && m->bl_phase != SIM_BL_RECV_BL) {
		return bl_fail(m, -EOPNOTSUPP);
	}
	if (len > m->cfg.bl_max_size - m->bl_len) {
		return bl_fail(m, -EINVAL);
	}
	if (power_cut(m)) {
		go_off(m);
		return -EIO;
	}
	m->nv.unbootable = true; /* the modem's bootloader is being replaced */
	m->bl_len += len;
	m->bl_phase = SIM_BL_RECV_BL;
	dfu_sha256_update(&m->bl_sha, src, len);
	m->cnt.bl_bytes += len;
	return 0;
}

/* Program the buffered firmware bytes into nv.fw. */
static void bl_flush(struct sim_modem *m)
{
	if (m->nv.fw != NULL && m->pend_len > 0) {
		memcpy(m->nv.fw + m->pend_addr, m->pend, m->pend_len);
	}
	m->pend_len = 0;
}

static int b_fw_write(void *ctx, uint32_t addr, const void *src, uint32_t len)
{
	struct sim_modem *m = ctx;
	const uint8_t *p = src;
	int err = bl_pre(m, SIM_MODEM_BL_FW_WRITE, src == NULL || len == 0 ? -EINVAL : 0);

	if (err) {
		return err;
	}
	if (m->bl_phase != SIM_BL_FW_READY && m->bl_phase != SIM_BL_RECV_FW) {
		return bl_fail(m, -EOPNOTSUPP);
	}
	if (addr == 0 || len > UINT32_MAX - addr ||
	    (m->cfg.fw_flash_size != 0 && addr + len > m->cfg.fw_flash_size)) {
		return bl_fail(m, -EINVAL);
	}
	if (power_cut(m)) {
		go_off(m);
		return -EIO;
	}
	dfu_sha256_update(&m->bl_sha, src, len);
	m->cnt.bl_bytes += len;
	m->bl_fw = true;
	m->bl_phase = SIM_BL_RECV_FW;
	while (len > 0) {
		uint32_t k;

		if (m->pend_len > 0 &&
		    (addr != m->pend_addr + m->pend_len || m->pend_len == SIM_MODEM_BL_BUF)) {
			bl_flush(m);
		}
		if (m->pend_len == 0) {
			m->pend_addr = addr;
		}
		k = SIM_MODEM_BL_BUF - m->pend_len < len ? SIM_MODEM_BL_BUF - m->pend_len : len;
		memcpy(m->pend + m->pend_len, p, k);
		m->pend_len += k;
		addr += k;
		p += k;
		len -= k;
	}
	return 0;
}

void sim_modem_uuid_of(const uint8_t digest[DFU_SHA256_SIZE], char uuid[DFU_MODEM_UUID_LEN])
{
	static const char hex[] = "0123456789abcdef";
	int o = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10) {
			uuid[o++] = '-';
		}
		uuid[o++] = hex[digest[i] >> 4];
		uuid[o++] = hex[digest[i] & 15];
	}
}

/* The firmware phase ends: the new firmware is in place. */
static void bl_complete(struct sim_modem *m)
{
	struct sim_modem_nv *nv = &m->nv;
	struct dfu_sha256 c = m->bl_sha;

	bl_flush(m);
	dfu_sha256_final(&c, nv->fw_digest);
	m->bl_phase = SIM_BL_DONE;
	nv->full_updates++;
	nv->unbootable =
		m->bl_expect && memcmp(nv->fw_digest, m->bl_expected, DFU_SHA256_SIZE) != 0;
	sim_modem_uuid_of(nv->fw_digest, nv->uuid);
	nv->action = SIM_MODEM_ACTION_NONE;
	nv->rollback_available = false;
}

static int b_update(void *ctx)
{
	struct sim_modem *m = ctx;
	int err = bl_pre(m, SIM_MODEM_BL_UPDATE, 0);
	bool fw;

	if (err) {
		return err;
	}
	if (m->bl_phase != SIM_BL_RECV_BL && m->bl_phase != SIM_BL_RECV_FW) {
		return bl_fail(m, -EOPNOTSUPP);
	}
	fw = m->bl_phase == SIM_BL_RECV_FW;
	if (power_cut(m)) {
		if (cut_completes(m) && fw) {
			bl_complete(m);
		}
		go_off(m);
		return -EIO;
	}
	if (fw) {
		bl_complete(m);
	} else {
		m->bl_phase = SIM_BL_FW_READY;
	}
	return 0;
}

static bool bl_programmed(const struct sim_modem *m)
{
	return m->bl_phase == SIM_BL_FW_READY || m->bl_phase == SIM_BL_RECV_FW ||
	       m->bl_phase == SIM_BL_DONE;
}

static int b_verify(void *ctx, const void *data, uint32_t len)
{
	struct sim_modem *m = ctx;
	int err = bl_pre(m, SIM_MODEM_BL_VERIFY, data == NULL || len == 0 ? -EINVAL : 0);

	if (err) {
		return err;
	}
	if (!bl_programmed(m)) {
		return bl_fail(m, -EOPNOTSUPP);
	}
	if (power_cut(m)) {
		go_off(m);
		return -EIO;
	}
	return 0;
}

static int b_digest(void *ctx, const struct dfu_modem_bl_segment *segs, size_t n,
		    uint8_t out[DFU_MODEM_BL_DIGEST_LEN])
{
	struct sim_modem *m = ctx;
	int err = bl_pre(m, SIM_MODEM_BL_DIGEST, segs == NULL || out == NULL ? -EINVAL : 0);
	struct dfu_sha256 c;

	if (err) {
		return err;
	}
	if (!bl_programmed(m) || m->nv.fw == NULL) {
		return bl_fail(m, -EOPNOTSUPP);
	}
	for (size_t i = 0; i < n; i++) {
		if (segs[i].end_addr < segs[i].start_addr ||
		    segs[i].end_addr >= m->cfg.fw_flash_size) {
			return bl_fail(m, -EINVAL);
		}
	}
	if (power_cut(m)) {
		go_off(m);
		return -EIO;
	}
	dfu_sha256_init(&c);
	for (size_t i = 0; i < n; i++) {
		dfu_sha256_update(&c, m->nv.fw + segs[i].start_addr,
				  (size_t)segs[i].end_addr - segs[i].start_addr + 1u);
	}
	dfu_sha256_final(&c, out);
	return 0;
}

void sim_modem_bl_inject(struct sim_modem *m, enum sim_modem_bl_op op, uint32_t skip, int code,
			 uint32_t count)
{
	m->bl_inj[op] = (struct sim_modem_inj){.code = code, .skip = skip, .count = count};
}

void sim_modem_bl_expect(struct sim_modem *m, const uint8_t *digest)
{
	m->bl_expect = digest != NULL;
	if (digest != NULL) {
		memcpy(m->bl_expected, digest, DFU_SHA256_SIZE);
	}
}

/* ---- controls ----------------------------------------------------------- */

void sim_modem_default_cfg(struct sim_modem_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->area_size = 294912;
	cfg->commit_step = 8192;
	cfg->commit_base = 452;
	cfg->commit_on_done = true;
	cfg->erase_ms = 4000;
	cfg->dirty_on_reject = true;
	cfg->dirty_after_apply = true;
	cfg->bl_max_size = 65536;
}

int sim_modem_init(struct sim_modem *m, const struct sim_modem_cfg *cfg, const char *uuid,
		   struct sim_power *power, struct sim_clock *clock)
{
	memset(m, 0, sizeof(*m));
	if (cfg) {
		m->cfg = *cfg;
	} else {
		sim_modem_default_cfg(&m->cfg);
	}
	if (m->cfg.area_size < SIM_MODEM_PATCH_OVERHEAD ||
	    m->cfg.area_size >= DFU_MODEM_OFFSET_DIRTY) {
		return -EINVAL;
	}
	m->nv.data = malloc(m->cfg.area_size);
	if (m->nv.data == NULL) {
		return -ENOMEM;
	}
	memset(m->nv.data, 0xff, m->cfg.area_size);
	memcpy(m->nv.uuid, uuid ? uuid : SIM_MODEM_UUID_A, DFU_MODEM_UUID_LEN);
	m->power = power;
	m->clock = clock;
	m->seen_cuts = power ? power->cuts : 0;
	m->last_ms = now_ms(m);
	m->state = SIM_MODEM_NORMAL;
	m->dev = (struct dfu_modem_delta){
		.ctx = m,
		.uuid = m_uuid,
		.area = m_area,
		.offset = m_offset,
		.write_init = m_write_init,
		.write = m_write,
		.write_done = m_write_done,
		.erase = m_erase,
		.update = m_update,
		.rollback = m_rollback,
	};
	m->bl = (struct dfu_modem_bootloader){
		.ctx = m,
		.init = b_init,
		.shutdown = b_shutdown,
		.bl_write = b_bl_write,
		.fw_write = b_fw_write,
		.update = b_update,
		.verify = b_verify,
		.digest = b_digest,
	};
	if (m->cfg.fw_flash_size != 0) {
		m->nv.fw = malloc(m->cfg.fw_flash_size);
		if (m->nv.fw == NULL) {
			free(m->nv.data);
			m->nv.data = NULL;
			return -ENOMEM;
		}
		memset(m->nv.fw, 0xff, m->cfg.fw_flash_size);
	}
	return 0;
}

void sim_modem_free(struct sim_modem *m)
{
	free(m->nv.data);
	m->nv.data = NULL;
	free(m->nv.fw);
	m->nv.fw = NULL;
}

void sim_modem_reboot(struct sim_modem *m)
{
	go_off(m);
}

void sim_modem_fault(struct sim_modem *m)
{
	go_off(m);
	m->state = SIM_MODEM_FAULT;
}

static uint32_t pick_result(struct sim_modem *m)
{
	const struct sim_modem_nv *nv = &m->nv;

	if (m->forced_count > 0) {
		m->forced_count--;
		return m->forced_result;
	}
	if (nv->action == SIM_MODEM_ACTION_ROLLBACK) {
		return memcmp(nv->uuid, nv->dst_uuid, DFU_MODEM_UUID_LEN) == 0
			       ? DFU_MODEM_RESULT_OK
			       : DFU_MODEM_RESULT_UUID_ERROR;
	}
	if (!nv->patch_valid) {
		return DFU_MODEM_RESULT_AUTH_ERROR;
	}
	return memcmp(nv->uuid, nv->src_uuid, DFU_MODEM_UUID_LEN) == 0
		       ? DFU_MODEM_RESULT_OK
		       : DFU_MODEM_RESULT_UUID_ERROR;
}

int sim_modem_boot(struct sim_modem *m, uint32_t *result)
{
	struct sim_modem_nv *nv = &m->nv;
	uint32_t res;
	int ret;

	m->cnt.boots++;
	if (result) {
		*result = 0;
	}
	m->last_result = 0;
	go_off(m);
	if (m->power && m->power->dead) {
		return -EIO;
	}
	m->last_ms = now_ms(m); /* no erase progress while the modem was off */
	if (nv->unbootable) {
		return -EIO;
	}
	if (nv->action == SIM_MODEM_ACTION_NONE) {
		m->state = SIM_MODEM_NORMAL;
		return 0;
	}
	if (power_cut(m)) {
		go_off(m);
		return -EIO; /* applied again at the next boot */
	}
	res = pick_result(m);
	m->cnt.applies++;
	m->last_result = res;
	if (result) {
		*result = res;
	}
	switch (res) {
	case DFU_MODEM_RESULT_VOLTAGE_LOW:
		ret = -EAGAIN;
		break;
	case DFU_MODEM_RESULT_INTERNAL_ERROR:
	case DFU_MODEM_RESULT_HARDWARE_ERROR:
		nv->action = SIM_MODEM_ACTION_NONE;
		nv->unbootable = true;
		ret = -EIO;
		break;
	default:
		if (res == DFU_MODEM_RESULT_OK && nv->action == SIM_MODEM_ACTION_UPDATE) {
			memcpy(nv->uuid, nv->dst_uuid, DFU_MODEM_UUID_LEN);
			nv->rollback_available = true;
		} else if (res == DFU_MODEM_RESULT_OK) {
			memcpy(nv->uuid, nv->src_uuid, DFU_MODEM_UUID_LEN);
			nv->rollback_available = false;
		}
		nv->action = SIM_MODEM_ACTION_NONE;
		if (m->cfg.dirty_after_apply) {
			nv->dirty = true;
		}
		m->state = SIM_MODEM_NORMAL;
		ret = 0;
		break;
	}
	return m->cfg.legacy_result ? (int)res : ret;
}

void sim_modem_full_update(struct sim_modem *m, const char *uuid)
{
	memcpy(m->nv.uuid, uuid, DFU_MODEM_UUID_LEN);
	m->nv.unbootable = false;
	m->nv.action = SIM_MODEM_ACTION_NONE;
	m->nv.rollback_available = false;
}

void sim_modem_force_result(struct sim_modem *m, uint32_t result, uint32_t count)
{
	m->forced_result = result;
	m->forced_count = count;
}

void sim_modem_inject_after(struct sim_modem *m, enum sim_modem_op op, uint32_t skip, int code,
			    uint32_t count)
{
	m->inj[op] = (struct sim_modem_inj){.code = code, .skip = skip, .count = count};
}

void sim_modem_inject(struct sim_modem *m, enum sim_modem_op op, int code, uint32_t count)
{
	sim_modem_inject_after(m, op, 0, code, count);
}

void sim_modem_erase_ends(struct sim_modem *m, enum sim_modem_erase_end how, uint32_t count)
{
	m->erase_end = how;
	m->erase_end_count = count;
}

void sim_modem_set_lte_busy(struct sim_modem *m, bool busy)
{
	see_power(m);
	if (m->state == SIM_MODEM_NORMAL) {
		settle(m);
	}
	m->lte_busy = busy;
}

bool sim_modem_erasing(struct sim_modem *m)
{
	see_power(m);
	if (m->state == SIM_MODEM_NORMAL) {
		settle(m);
	}
	return m->nv.erasing;
}

void sim_modem_reset_counters(struct sim_modem *m)
{
	memset(&m->cnt, 0, sizeof(m->cnt));
}

size_t sim_modem_make_patch(uint8_t *buf, size_t cap, const char *src_uuid, const char *dst_uuid,
			    const void *payload, size_t len)
{
	if (buf == NULL || src_uuid == NULL || dst_uuid == NULL || (payload == NULL && len > 0) ||
	    (size_t)(uint32_t)len != len || len > cap || cap - len < SIM_MODEM_PATCH_OVERHEAD) {
		return 0;
	}
	buf[0] = 0x01; /* unchecked field */
	buf[1] = 0xcb;
	buf[2] = 's';
	buf[3] = 'm';
	memcpy(buf + SIM_MODEM_PATCH_MAGIC_OFF, magic, 4);
	memcpy(buf + 8, src_uuid, DFU_MODEM_UUID_LEN);
	memcpy(buf + 44, dst_uuid, DFU_MODEM_UUID_LEN);
	put_le32(buf + 80, (uint32_t)len);
	if (len > 0) {
		memmove(buf + SIM_MODEM_PATCH_HEADER, payload, len);
	}
	put_le32(buf + SIM_MODEM_PATCH_HEADER + len, crc32_ieee(buf + SIM_MODEM_PATCH_HEADER, len));
	return len + SIM_MODEM_PATCH_OVERHEAD;
}
