/*
 * dfu-sim: the MCUboot bootloader profile of a board (struct
 * dfu_mcuboot_profile, docs/mcuboot-profile.md) as layout-file keys: the
 * key table, parsing one KEY=VALUE, writing the keys back, merging a pair's
 * keys over the board's, and checking a pair the way the MCUboot target
 * will (dfu_mcuboot_layout(), dfu_mcuboot_profile_get()).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dsim.h"

/* Fields of struct dfu_mcuboot_profile other than features. */
#define PF_SIG 0x01u
#define PF_KEY_TLV 0x02u
#define PF_DER 0x04u
#define PF_ITER 0x08u
#define PF_COUNTER 0x10u /* security_counter (with the HW_ROLLBACK feature) */

struct pval {
	const char *name;
	uint32_t features; /* within the key's fmask */
	uint8_t field;     /* the field's value (field keys) */
};

struct pkey {
	const char *name;
	uint32_t fmask; /* feature bits the key sets */
	uint8_t field;  /* PF_* it sets, 0 = features only */
	const struct pval *vals;
	unsigned nvals;
};

#define ALL 0xFFFFFFFFu /* every bit of the key's mask */

static const struct pval on_off[] = {{"on", ALL, 0}, {"off", 0u, 0}};
static const struct pval off_on[] = {{"off", ALL, 0}, {"on", 0u, 0}}; /* NO_* bits */
static const struct pval sigs[] = {
	{"auto", 0, DFU_MCUBOOT_SIG_FROM_KEYS}, {"none", 0, DFU_MCUBOOT_SIG_NONE},
	{"ecdsa-p256", 0, DFU_SIG_ECDSA_P256},  {"ed25519", 0, DFU_SIG_ED25519},
	{"rsa-2048", 0, DFU_SIG_RSA2048_PSS},   {"rsa-3072", 0, DFU_SIG_RSA3072_PSS},
};
static const struct pval key_tlvs[] = {{"keyhash", 0, DFU_MCUBOOT_KEYHASH},
				       {"pubkey", 0, DFU_MCUBOOT_PUBKEY}};
static const struct pval ders[] = {{"lenient", 0, DFU_MCUBOOT_DER_LENIENT},
				   {"strict", 0, DFU_MCUBOOT_DER_STRICT}};
static const struct pval iters[] = {{"ncs2", 0, DFU_MCUBOOT_ITER_NCS2},
				    {"checked", 0, DFU_MCUBOOT_ITER_CHECKED}};
static const struct pval downgrades[] = {
	{"off", 0, 0},
	{"version", DFU_MCUBOOT_P_DOWNGRADE, 0},
	{"seccnt", DFU_MCUBOOT_P_DOWNGRADE | DFU_MCUBOOT_P_DOWNGRADE_SECCNT, 0},
};

#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))

static const struct pkey keys[] = {
	{"sig", 0, PF_SIG, sigs, N(sigs)},
	{"key-tlv", 0, PF_KEY_TLV, key_tlvs, N(key_tlvs)},
	{"ecdsa-der", 0, PF_DER, ders, N(ders)},
	{"tlv-iter", 0, PF_ITER, iters, N(iters)},
	{"allow-list", DFU_MCUBOOT_P_NO_ALLOW_LIST, 0, off_on, N(off_on)},
	{"validate-primary", DFU_MCUBOOT_P_NO_VALIDATE_PRIMARY, 0, off_on, N(off_on)},
	{"decompress", DFU_MCUBOOT_P_DECOMPRESS, 0, on_off, N(on_off)},
	{"encrypt", DFU_MCUBOOT_P_ENCRYPT, 0, on_off, N(on_off)},
	{"bootstrap", DFU_MCUBOOT_P_BOOTSTRAP, 0, on_off, N(on_off)},
	{"downgrade", DFU_MCUBOOT_P_DOWNGRADE | DFU_MCUBOOT_P_DOWNGRADE_SECCNT, 0, downgrades,
	 N(downgrades)},
	{"build-number", DFU_MCUBOOT_P_BUILD_NUMBER, 0, on_off, N(on_off)},
	{"security-counter", DFU_MCUBOOT_P_HW_ROLLBACK, PF_COUNTER, NULL, 0},
};

static bool value_is(const struct pkey *k, const struct pval *v,
		     const struct dfu_mcuboot_profile *b)
{
	uint32_t want = v->features == ALL ? k->fmask : v->features;

	return (b->features & k->fmask) == want &&
	       (k->field == 0 || v->field == (k->field == PF_SIG       ? b->sig_alg
					      : k->field == PF_KEY_TLV ? b->key_tlv
					      : k->field == PF_DER     ? b->ecdsa_der
								       : b->tlv_iter));
}

static void set_field(struct dfu_mcuboot_profile *b, uint8_t field, uint8_t v)
{
	switch (field) {
	case PF_SIG:
		b->sig_alg = v;
		break;
	case PF_KEY_TLV:
		b->key_tlv = v;
		break;
	case PF_DER:
		b->ecdsa_der = v;
		break;
	case PF_ITER:
		b->tlv_iter = v;
		break;
	default:
		break;
	}
}

static int counter(const char *val, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (val[0] < '0' || val[0] > '9') {
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(val, &end, 0);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX) {
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

bool dsim_profile_key(const char *key)
{
	for (unsigned i = 0; i < N(keys); i++) {
		if (strcmp(keys[i].name, key) == 0) {
			return true;
		}
	}
	return false;
}

int dsim_profile_set(struct dsim_profile *p, const char *key, const char *val, char *why, size_t n)
{
	const struct pkey *k = NULL;

	for (unsigned i = 0; i < N(keys) && k == NULL; i++) {
		k = strcmp(keys[i].name, key) == 0 ? &keys[i] : NULL;
	}
	if (k == NULL) {
		snprintf(why, n, "unknown MCUboot profile key '%s'", key);
		return -ENOENT;
	}
	if (k->field == PF_COUNTER) {
		uint32_t c = 0;

		if (strcmp(val, "off") != 0 && counter(val, &c) != 0) {
			snprintf(why, n, "security-counter '%s': want off or a number", val);
			return -EINVAL;
		}
		p->build.features &= ~k->fmask;
		p->build.features |= strcmp(val, "off") != 0 ? k->fmask : 0u;
		p->build.security_counter = c;
		p->set_features |= k->fmask;
		p->set_fields |= PF_COUNTER;
		return 0;
	}
	for (unsigned i = 0; i < k->nvals; i++) {
		const struct pval *v = &k->vals[i];

		if (strcmp(v->name, val) == 0) {
			p->build.features &= ~k->fmask;
			p->build.features |= v->features == ALL ? k->fmask : v->features;
			set_field(&p->build, k->field, v->field);
			p->set_features |= k->fmask;
			p->set_fields |= k->field;
			return 0;
		}
	}
	int len = snprintf(why, n, "%s '%s': want", key, val);

	for (unsigned i = 0; i < k->nvals && len >= 0 && (size_t)len < n; i++) {
		len += snprintf(why + len, n - (size_t)len, "%s %s", i ? "," : "", k->vals[i].name);
	}
	return -EINVAL;
}

void dsim_profile_write(const struct dsim_profile *p, FILE *f)
{
	for (unsigned i = 0; i < N(keys); i++) {
		const struct pkey *k = &keys[i];

		if (!(p->set_features & k->fmask) && !(p->set_fields & k->field)) {
			continue;
		}
		if (k->field == PF_COUNTER) {
			if (p->build.features & k->fmask) {
				fprintf(f, " %s=%" PRIu32, k->name, p->build.security_counter);
			} else {
				fprintf(f, " %s=off", k->name);
			}
			continue;
		}
		for (unsigned j = 0; j < k->nvals; j++) {
			if (value_is(k, &k->vals[j], &p->build)) {
				fprintf(f, " %s=%s", k->name, k->vals[j].name);
				break;
			}
		}
	}
}

void dsim_profile_merge(struct dfu_mcuboot_profile *out, const struct dsim_profile *over)
{
	const struct dfu_mcuboot_profile *b = &over->build;

	out->features = (out->features & ~over->set_features) | (b->features & over->set_features);
	for (uint8_t bit = PF_SIG; bit <= PF_ITER; bit = (uint8_t)(bit << 1)) {
		if (over->set_fields & bit) {
			set_field(out, bit,
				  bit == PF_SIG       ? b->sig_alg
				  : bit == PF_KEY_TLV ? b->key_tlv
				  : bit == PF_DER     ? b->ecdsa_der
						      : b->tlv_iter);
		}
	}
	if (over->set_fields & PF_COUNTER) {
		out->security_counter = b->security_counter;
	}
}

bool dsim_pair_own_profile(const struct dsim_pair_desc *p)
{
	return p->profile.set_features != 0 || p->profile.set_fields != 0;
}

void dsim_board_profile(const struct dsim_board *b, unsigned i, struct dfu_mcuboot_profile *out)
{
	*out = b->profile.build;
	if (i < b->pair_count) {
		dsim_profile_merge(out, &b->pair[i].profile);
	}
}

/* Stand-in flash callbacks: dfu_mcuboot_layout() checks they are set and
 * never calls them. */
static int no_read(void *c, uint32_t o, void *d, size_t n)
{
	return (void)c, (void)o, (void)d, (void)n, -EIO;
}

static int no_program(void *c, uint32_t o, const void *d, size_t n)
{
	return (void)c, (void)o, (void)d, (void)n, -EIO;
}

static int no_erase(void *c, uint32_t o, size_t n)
{
	return (void)c, (void)o, (void)n, -EIO;
}

void dsim_mboard_init(struct dsim_mboard *m, const struct dsim_board *b)
{
	memset(m, 0, sizeof(*m));
	for (unsigned i = 0; i < b->flash_count && i < DSIM_MAX_FLASH; i++) {
		const struct dsim_flash_desc *f = &b->flash[i];

		m->flash[i] = (struct dfu_flash){.read = no_read,
						 .program = no_program,
						 .erase = no_erase,
						 .size = f->size,
						 .write_block = f->geo.write_block,
						 .erase_block = f->geo.erase_block,
						 .erase_value = f->geo.erase_value};
	}
	for (unsigned i = 0; i < b->pair_count && i < DSIM_MAX_PAIRS; i++) {
		const struct dsim_pair_desc *d = &b->pair[i];

		dsim_board_profile(b, i, &m->prof[i]);
		m->pairs[i] = (struct dfu_mcuboot_pair){
			.primary = {&m->flash[d->primary.dev], d->primary.off, d->primary.size},
			.secondary = {&m->flash[d->secondary.dev], d->secondary.off,
				      d->secondary.size},
			.mode = d->mode,
			.max_align = d->max_align,
			.max_img_sectors = d->max_img_sectors,
			.profile = dsim_pair_own_profile(d) ? &m->prof[i] : NULL,
			.image = d->image,
		};
	}
	m->board =
		(struct dfu_mcuboot_board){.pairs = m->pairs, .pair_count = (uint8_t)b->pair_count};
}

int dsim_pair_check(const struct dsim_board *b, unsigned i, char *why, size_t n)
{
	const struct dsim_pair_desc *d = &b->pair[i];
	static struct dsim_mboard m;
	struct dfu_mcuboot_layout lay;
	struct dfu_mcuboot_pair_profile pp;

	if (d->install == DSIM_INSTALL_COPY && d->mode != DFU_MCUBOOT_OVERWRITE) {
		snprintf(why, n, "pair '%s': install=copy needs mode=overwrite", d->name);
		return -EINVAL;
	}
	dsim_mboard_init(&m, b);
	m.pairs[i].profile = &m.prof[i]; /* the pair's profile, however given */
	if (dfu_mcuboot_layout(&m.pairs[i], 0, &lay) != 0) {
		snprintf(why, n, "pair '%s': slots too small for an MCUboot image and trailer%s",
			 d->name, d->max_img_sectors ? " (max-img-sectors)" : "");
		return -EINVAL;
	}
	if (dfu_mcuboot_profile_get(&m.board, NULL, (int)i, &pp) == 0) {
		return 0;
	}
	if ((m.prof[i].features & DFU_MCUBOOT_P_DECOMPRESS) && d->mode != DFU_MCUBOOT_OVERWRITE) {
		snprintf(why, n,
			 "pair '%s': decompress=on needs mode=overwrite (MCUboot decompresses "
			 "only in overwrite-only)",
			 d->name);
	} else {
		snprintf(why, n, "pair '%s': not a valid MCUboot profile", d->name);
	}
	return -EINVAL;
}

int dsim_board_pair_by_name(const struct dsim_board *b, const char *name)
{
	unsigned v = 0;
	size_t len;

	if (name == NULL) {
		return -ENOENT;
	}
	for (unsigned i = 0; i < b->pair_count; i++) {
		if (strcmp(b->pair[i].name, name) == 0) {
			return (int)i;
		}
	}
	len = strlen(name);
	if (len == 0 || len > 2) {
		return -ENOENT;
	}
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9') {
			return -ENOENT;
		}
		v = v * 10u + (unsigned)(name[i] - '0');
	}
	return v < b->pair_count ? (int)v : -ENOENT;
}
