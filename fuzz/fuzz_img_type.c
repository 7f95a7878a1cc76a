/*
 * Fuzz target: image identification, dfu_target_img_type() (seed API) and
 * dfu_ctx_img_type() over arbitrary bytes.
 *
 * Input: the buffer handed to img_type, as is.
 *
 * Contexts: the default context with all four targets registered (MCUboot,
 * modem delta, full modem, and the raw target as CUSTOM with an identify()
 * of its own), and one context per subset of them (16), each also in a
 * variant whose entries carry an identify() of their own (ops copied from
 * the built-in tables).
 *
 * Invariants:
 *   - the answer is exactly the documented one, from an independent model:
 *     NONE for len < 32 or a NULL buffer; else the first registered type in
 *     the order MCUBOOT, MODEM_DELTA, FULL_MODEM, CUSTOM whose magic
 *     (MCUboot 3D B8 F3 96 at 0, delta "meDu" at 4, full modem D2 84 at 0)
 *     or entry identify() matches; NONE when none does;
 *   - only registered types are reported;
 *   - the same bytes at an odd address give the same answers (byte-wise
 *     comparisons, no unaligned loads);
 *   - identity side effect: for len >= 32 the context remembers
 *     min(len, 64) bytes' CRC-32 (checked against an independent CRC-32),
 *     the same for any fragment of >= 64 bytes; for len < 32 nothing;
 *   - the dfu_identify_*() functions agree with the model;
 *   - ASan/UBSan: no read outside [buf, buf + len).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dfu/dfu_identify.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_full_modem.h"
#include "dfu/dfu_target_mcuboot.h"
#include "dfu/dfu_target_modem_delta.h"
#include "dfu/dfu_target_raw.h"
#include "fuzz_common.h"

enum { T_MCUBOOT, T_DELTA, T_FULL, T_CUSTOM, T_COUNT };

static const uint8_t types[T_COUNT] = {
	DFU_TARGET_IMAGE_TYPE_MCUBOOT,
	DFU_TARGET_IMAGE_TYPE_MODEM_DELTA,
	DFU_TARGET_IMAGE_TYPE_FULL_MODEM,
	DFU_TARGET_IMAGE_TYPE_CUSTOM,
};

/* identify() of the CUSTOM entry: the last byte is 0xA5 and the first is
 * 'C' (reads both ends: a wrong len shows up under ASan). */
static bool custom_identify(const uint8_t *buf, size_t len)
{
	return len >= 1 && buf[0] == 'C' && buf[len - 1] == 0xA5;
}

/* identify() of the built-in types in the "own identify" variant. */
static bool alt_identify(const uint8_t *buf, size_t len)
{
	return len >= 32 && buf[31] == 0x5A && buf[30] == 0x3C;
}

/* ops tables: [0] as built in (identify NULL, CUSTOM = raw + custom
 * identify), [1] every entry with an identify of its own. */
static struct dfu_target_ops ops[2][T_COUNT];
static struct dfu_raw raw;
static struct dfu_modem_delta_target delta;
static struct dfu_full_modem full;
static struct dfu_mcuboot mcuboot;
static const struct dfu_port port;

static struct dfu_target_entry all_entries[T_COUNT];
static struct dfu_config all_cfg;

static uint32_t crc32_ref(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++) {
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
		}
	}
	return ~c;
}

static bool magic(int t, const uint8_t *b, size_t len)
{
	if (b == NULL || len < 32) {
		return false;
	}
	switch (t) {
	case T_MCUBOOT:
		return b[0] == 0x3d && b[1] == 0xb8 && b[2] == 0xf3 && b[3] == 0x96;
	case T_DELTA:
		return b[4] == 0x6d && b[5] == 0x65 && b[6] == 0x44 && b[7] == 0x75;
	case T_FULL:
		return b[0] == 0xd2 && b[1] == 0x84;
	default:
		return false;
	}
}

/* The documented answer for the targets in mask (bit t = type t), with
 * (alt) or without their own identify(). */
static int model(unsigned mask, bool alt, const uint8_t *b, size_t len)
{
	if (b == NULL || len < 32) {
		return DFU_TARGET_IMAGE_TYPE_NONE;
	}
	for (int t = 0; t < T_COUNT; t++) {
		if (!(mask & (1u << t))) {
			continue;
		}
		bool own = t == T_CUSTOM ? custom_identify(b, len) : alt && alt_identify(b, len);

		if (magic(t, b, len) || own) {
			return types[t];
		}
	}
	return DFU_TARGET_IMAGE_TYPE_NONE;
}

static void *state_of(int t)
{
	switch (t) {
	case T_MCUBOOT:
		return &mcuboot;
	case T_DELTA:
		return &delta;
	case T_FULL:
		return &full;
	default:
		return &raw;
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct dfu_target_ops *base[T_COUNT] = {
		&dfu_target_mcuboot_ops, &dfu_target_modem_delta_ops, &dfu_target_full_modem_ops,
		&dfu_target_raw_ops};

	(void)argc;
	(void)argv;
	for (int v = 0; v < 2; v++) {
		for (int t = 0; t < T_COUNT; t++) {
			ops[v][t] = *base[t];
			if (t == T_CUSTOM) {
				ops[v][t].type = DFU_TARGET_IMAGE_TYPE_CUSTOM;
				ops[v][t].identify = custom_identify;
			} else if (v == 1) {
				ops[v][t].identify = alt_identify;
			}
		}
	}
	for (int t = 0; t < T_COUNT; t++) {
		all_entries[t] = (struct dfu_target_entry){&ops[0][t], state_of(t)};
	}
	all_cfg =
		(struct dfu_config){.port = &port, .targets = all_entries, .target_count = T_COUNT};
	FZ_CHECK(dfu_target_setup(&all_cfg) == 0, "dfu_target_setup with all targets failed");
	return 0;
}

static int type_index(int type)
{
	for (int t = 0; t < T_COUNT; t++) {
		if (types[t] == type) {
			return t;
		}
	}
	return -1;
}

static void check_identity(const struct dfu_ctx *c, const uint8_t *b, size_t len, const char *what)
{
	if (len < 32) {
		FZ_CHECK(c->pending_len == 0 && c->pending_crc == 0,
			 "%s: img_type(len %zu < 32) changed the pending identity", what, len);
		return;
	}
	size_t n = len < DFU_CONFIG_ID_PREFIX_MAX ? len : DFU_CONFIG_ID_PREFIX_MAX;

	FZ_CHECK(c->pending_len == n && c->pending_crc == crc32_ref(b, n),
		 "%s: pending identity len %u crc %08x, want len %zu crc %08x", what,
		 (unsigned)c->pending_len, (unsigned)c->pending_crc, n, (unsigned)crc32_ref(b, n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exact-size heap copy (reads past len are caught), and a copy at an
	 * odd address. */
	uint8_t *b = malloc(size ? size : 1);
	uint8_t *odd = malloc(size + 1);

	FZ_CHECK(b != NULL && odd != NULL, "out of memory");
	memcpy(b, data, size);
	memcpy(odd + 1, data, size);

	/* dfu_identify_*() against the model. */
	FZ_CHECK(dfu_identify_mcuboot(b, size) == magic(T_MCUBOOT, b, size), "identify_mcuboot");
	FZ_CHECK(dfu_identify_modem_delta(b, size) == magic(T_DELTA, b, size),
		 "identify_modem_delta");
	FZ_CHECK(dfu_identify_full_modem(b, size) == magic(T_FULL, b, size), "identify_full_modem");
	for (int t = 0; t < T_COUNT; t++) {
		FZ_CHECK(dfu_identify_builtin(types[t], b, size) == magic(t, b, size),
			 "identify_builtin(%d)", types[t]);
	}
	FZ_CHECK(dfu_identify_builtin(DFU_TARGET_IMAGE_TYPE_SMP, b, size) == false, "SMP");
	FZ_CHECK(!dfu_identify_mcuboot(NULL, size) && !dfu_identify_full_modem(NULL, size),
		 "NULL buffer identified");

	/* Seed API: the default context, all targets. */
	struct dfu_ctx *dc = dfu_target_default_ctx();
	int want = model(0xf, false, b, size);

	dc->pending_len = 0;
	dc->pending_crc = 0;
	int got = dfu_target_img_type(b, size);

	FZ_CHECK(got == want, "dfu_target_img_type = %d, want %d (len %zu)", got, want, size);
	check_identity(dc, b, size, "seed API");
	FZ_CHECK(dfu_target_img_type(NULL, size) == DFU_TARGET_IMAGE_TYPE_NONE, "NULL buffer");
	FZ_CHECK((int)dfu_target_img_type(odd + 1, size) == want, "odd address: other answer");

	/* Every subset, with and without the entries' own identify(). */
	for (int v = 0; v < 2; v++) {
		for (unsigned mask = 0; mask < (1u << T_COUNT); mask++) {
			struct dfu_target_entry e[T_COUNT];
			struct dfu_config cfg = {.port = &port, .targets = e};
			struct dfu_ctx ctx;

			for (int t = 0; t < T_COUNT; t++) {
				if (mask & (1u << t)) {
					e[cfg.target_count++] =
						(struct dfu_target_entry){&ops[v][t], state_of(t)};
				}
			}
			FZ_CHECK(dfu_ctx_setup(&ctx, &cfg) == 0, "setup mask %x", mask);
			want = model(mask, v == 1, b, size);
			got = dfu_ctx_img_type(&ctx, b, size);
			FZ_CHECK(got == want,
				 "mask %x variant %d: img_type = %d, want %d (len %zu)", mask, v,
				 got, want, size);
			FZ_CHECK(got == DFU_TARGET_IMAGE_TYPE_NONE ||
					 (type_index(got) >= 0 && (mask & (1u << type_index(got)))),
				 "unregistered type %d reported", got);
			check_identity(&ctx, b, size, "context");
			if (size >= 64) {
				/* a longer fragment: the same identity as 64 bytes */
				uint32_t crc = ctx.pending_crc;

				(void)dfu_ctx_img_type(&ctx, b, 64);
				FZ_CHECK(ctx.pending_crc == crc && ctx.pending_len == 64,
					 "identity depends on the fragment size");
			}
			FZ_CHECK((int)dfu_ctx_img_type(&ctx, odd + 1, size) == want,
				 "mask %x: odd address: other answer", mask);
			FZ_CHECK(dfu_ctx_img_type(&ctx, NULL, size) == DFU_TARGET_IMAGE_TYPE_NONE,
				 "NULL buffer");
		}
	}
	/* A context that is not set up answers NONE. */
	struct dfu_ctx none;

	memset(&none, 0, sizeof(none));
	FZ_CHECK(dfu_ctx_img_type(&none, b, size) == DFU_TARGET_IMAGE_TYPE_NONE,
		 "context not set up");
	FZ_CHECK(dfu_ctx_img_type(NULL, b, size) == DFU_TARGET_IMAGE_TYPE_NONE, "NULL context");
	free(b);
	free(odd);
	return 0;
}
