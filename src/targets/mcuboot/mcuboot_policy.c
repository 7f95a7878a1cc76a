/*
 * MCUboot target: the bootloader profile as the target applies it (cfg
 * flags mapped onto it), downgrade prevention, the configured keys against
 * the crypto port, confirm, state, upgradable bootloader helpers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "dfu/dfu_config.h"
#include "dfu_util.h"
#include "mcuboot_image.h"
#include "mcuboot_internal.h"

/* ---- profile and downgrade prevention ---------------------------------- */

int mcuboot_prof(const struct dfu_mcuboot *m, uint8_t img, struct dfu_mcuboot_pair_profile *p)
{
	int err = dfu_mcuboot_profile_get(m->cfg.board, m->cfg.profile, img, p);

	if (err) {
		return err;
	}
	if (m->cfg.flags & DFU_MCUBOOT_ALLOW_UNVERIFIED) {
		p->build.features |= DFU_MCUBOOT_P_ENCRYPT;
	}
	if (m->cfg.flags & DFU_MCUBOOT_DENY_DOWNGRADE) {
		p->build.features |= DFU_MCUBOOT_P_DOWNGRADE;
	}
	if (m->cfg.min_security_counter != 0) {
		p->build.features |= DFU_MCUBOOT_P_HW_ROLLBACK;
		if (p->build.security_counter < m->cfg.min_security_counter) {
			p->build.security_counter = m->cfg.min_security_counter;
		}
	}
	return 0;
}

int mcuboot_layout(const struct dfu_mcuboot *m, uint8_t img, int which,
		   struct dfu_mcuboot_layout *l)
{
	const struct dfu_mcuboot_pair *pair = mcuboot_pair_of(m, img);
	struct dfu_mcuboot_pair_profile p;
	int err = pair ? mcuboot_prof(m, img, &p) : -ENOENT;

	return err ? err : dfu_mcuboot_layout_for(pair, &p.build, which, l);
}

int mcuboot_primary_info(struct dfu_mcuboot *m, uint8_t img, struct dfu_mcuboot_info *out)
{
	const struct dfu_mcuboot_pair *pair = &m->cfg.board->pairs[img];
	struct dfu_mcuboot_pair_profile prof;
	int err = mcuboot_prof(m, img, &prof);

	if (err) {
		return err;
	}
	struct mcuboot_verify_args a = {
		.flash = pair->primary.flash,
		.base = pair->primary.offset,
		.max_img = pair->primary.size,
		.scratch = m->cfg.buf,
		.scratch_len = m->cfg.buf_len,
		.crypto = m->crypto,
		.sha = &m->sha,
		.prof = &prof,
	};
	uint8_t b[MCUBOOT_HDR_SIZE];

	err = pair->primary.flash->read(pair->primary.flash->ctx, pair->primary.offset, b,
					sizeof(b));
	if (err) {
		return err;
	}
	memset(out, 0, sizeof(*out));
	if (mcuboot_le16(b) != 0xb83du || mcuboot_le16(&b[2]) != 0x96f3u) {
		return -ENOENT; /* no header magic */
	}
	(void)mcuboot_hdr_check(b, UINT32_MAX, 0, &prof, true, out); /* as read */
	struct dfu_mcuboot_info walked;

	/* The header as read; its counter when the TLVs can be walked. */
	if (mcuboot_verify(&a, &walked) == 0) {
		out->has_sec_cnt = walked.has_sec_cnt;
		out->sec_cnt = walked.sec_cnt;
	}
	return 0;
}

int mcuboot_seccnt_downgrade(struct dfu_mcuboot *m, uint8_t img, struct dfu_mcuboot_info *info)
{
	struct dfu_mcuboot_pair_profile prof;
	struct dfu_mcuboot_info run;
	int err = mcuboot_prof(m, img, &prof);
	const uint32_t f = prof.build.features;

	if (err || !(f & DFU_MCUBOOT_P_DOWNGRADE) || !(f & DFU_MCUBOOT_P_DOWNGRADE_SECCNT) ||
	    prof.mode == DFU_MCUBOOT_OVERWRITE) {
		return err;
	}
	err = mcuboot_primary_info(m, img, &run);
	if (err == -ENOENT || (err == 0 && !run.has_sec_cnt)) {
		return 0; /* no counter in the primary: allowed */
	}
	if (err == 0 && (!info->has_sec_cnt || run.sec_cnt > info->sec_cnt)) {
		info->rule = DFU_MCUBOOT_RULE_DOWNGRADE;
		err = -ESTALE;
	}
	return err;
}

int mcuboot_downgrade(struct dfu_mcuboot *m, uint8_t img, struct dfu_mcuboot_info *info)
{
	struct dfu_mcuboot_pair_profile prof;
	struct dfu_mcuboot_info run;
	int err = mcuboot_prof(m, img, &prof);

	if (err || !(prof.build.features & DFU_MCUBOOT_P_DOWNGRADE)) {
		return err;
	}
	if (prof.build.features & DFU_MCUBOOT_P_DOWNGRADE_SECCNT) {
		return mcuboot_seccnt_downgrade(m, img, info);
	}
	err = mcuboot_primary_info(m, img, &run);
	if (err == -ENOENT) {
		return 0; /* no running image header: nothing to compare */
	}
	if (err == 0 && mcuboot_version_cmp(info, &run, &prof) < 0) {
		info->rule = DFU_MCUBOOT_RULE_DOWNGRADE;
		err = -ESTALE;
	}
	return err;
}

/* ---- configured keys against the crypto port --------------------------- */

/* Probe of verify() for ports without check_key (dfu_port.h): a zero digest
 * and well-formed signatures that cannot be valid. */
static const uint8_t probe_zero[64];
static const uint8_t probe_ecdsa[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};

/* Largest signature TLV of alg that done(true) reads into the buffer. */
static size_t sig_room(int alg, const struct dfu_key *k)
{
	switch (alg) {
	case DFU_SIG_ECDSA_P256:
		return 72; /* DER (r, s), both 33 bytes */
	case DFU_SIG_ED25519:
		return 64;
	default:
		return k->mod_len; /* RSA: the modulus size */
	}
}

static int port_can_use(const struct dfu_crypto *c, int alg, const struct dfu_key *k,
			const struct dfu_mcuboot_key *key)
{
	const uint8_t *sig = probe_zero;
	size_t sig_len = 64;
	int err;

	if (c->check_key != NULL) {
		err = c->check_key(c->ctx, (enum dfu_sig_alg)alg, key->der, key->der_len);
		return err > 0 ? -EIO : err;
	}
	if (alg == DFU_SIG_ECDSA_P256) {
		sig = probe_ecdsa;
		sig_len = sizeof(probe_ecdsa);
	} else if (alg != DFU_SIG_ED25519) {
		sig = k->mod; /* RSA: s = n, out of range */
		sig_len = k->mod_len;
	}
	err = c->verify(c->ctx, (enum dfu_sig_alg)alg, key->der, key->der_len, probe_zero, sig,
			sig_len);
	if (err == -EBADMSG) {
		return 0;
	}
	return err == 0 || err > 0 ? -EIO : err;
}

/*
 * Can signatures be checked with every configured key? Nothing but the
 * crypto port is touched. A key given only by its hash is not known until an
 * image carries it: only a verify callback is required for it.
 */
int mcuboot_keys_check(const struct dfu_mcuboot_cfg *cfg, const struct dfu_crypto *c)
{
	if (cfg->key_count == 0) {
		return 0;
	}
	if (cfg->keys == NULL) {
		return -EINVAL;
	}
	if (c == NULL || c->verify == NULL) {
		return -ENOTSUP;
	}
	for (uint8_t i = 0; i < cfg->key_count; i++) {
		const struct dfu_mcuboot_key *key = &cfg->keys[i];
		struct dfu_key k;
		int alg;
		int err;

		if (key->der == NULL) {
			if (key->hash == NULL) {
				return -EINVAL;
			}
			continue;
		}
		if (dfu_key_parse(key->der, key->der_len, &k) != 0 ||
		    (k.kind == DFU_KEY_RSA && k.spki)) {
			return -EINVAL; /* RSA: MCUboot hashes the PKCS#1 form */
		}
		alg = dfu_key_sig_alg(&k);
		if (alg == 0) {
			return -ENOTSUP;
		}
		if (cfg->buf != NULL && sig_room(alg, &k) > cfg->buf_len) {
			return -ENOBUFS;
		}
		err = port_can_use(c, alg, &k, key);
		if (err) {
			return err;
		}
	}
	return 0;
}

/* ---- confirm, state, s0/s1 ------------------------------------------- */

int dfu_mcuboot_confirm(struct dfu_mcuboot *m, int img_num)
{
	const struct dfu_mcuboot_pair *pair = mcuboot_pair_of(m, img_num);

	return pair ? dfu_mcuboot_trailer_confirm(pair) : -ENOENT;
}

/* Primary header magic as read: erased, IMAGE_MAGIC, or anything else. */
enum { PRI_ERASED, PRI_MAGIC, PRI_GARBAGE };

static int primary_state(const struct dfu_mcuboot_pair *pair,
			 const struct dfu_mcuboot_pair_profile *prof,
			 struct dfu_mcuboot_slot_state *s, int *magic)
{
	const struct dfu_flash *f = pair->primary.flash;
	uint8_t b[MCUBOOT_HDR_SIZE];
	int err = f->read(f->ctx, pair->primary.offset, b, sizeof(b));

	if (err == 0) {
		s->present = mcuboot_hdr_check(b, pair->primary.size, 0, prof, true, &s->info) == 0
				     ? 1
				     : 0;
		*magic = mcuboot_le16(b) == 0xb83du && mcuboot_le16(&b[2]) == 0x96f3u ? PRI_MAGIC
			 : b[0] == f->erase_value && b[1] == f->erase_value &&
					 b[2] == f->erase_value && b[3] == f->erase_value
				 ? PRI_ERASED
				 : PRI_GARBAGE;
		err = dfu_mcuboot_trailer_read(pair, 0, &s->trailer);
	}
	return err;
}

/*
 * Validate-primary (3.7): the primary judged by the same verifier as a
 * download (mcuboot_verify() over flash: header, TLVs, hash, signature with
 * the configured keys, security counter), as MCUboot does before booting
 * it; bootstrap validates it too (3.6). *valid: it passes (NON_BOOTABLE
 * does not). Without validate-primary and bootstrap: its header magic. Not done while a download is
 * in progress (the staging buffer is the verifier's scratch): assumed valid.
 */
static int primary_check(struct dfu_mcuboot *m, uint8_t img,
			 const struct dfu_mcuboot_pair_profile *prof, int magic,
			 struct dfu_mcuboot_slot_state *s, bool *valid)
{
	const struct dfu_mcuboot_pair *pair = &m->cfg.board->pairs[img];
	const uint32_t f = prof->build.features;
	const bool allow_enc = (m->cfg.flags & DFU_MCUBOOT_ALLOW_UNVERIFIED) != 0;
	struct dfu_mcuboot_layout l;
	struct dfu_mcuboot_info info;

	*valid = magic == PRI_MAGIC;
	if (magic != PRI_MAGIC || m->stream.status == DFU_STREAM_OPEN ||
	    ((f & DFU_MCUBOOT_P_NO_VALIDATE_PRIMARY) && !(f & DFU_MCUBOOT_P_BOOTSTRAP))) {
		return 0;
	}
	int err = mcuboot_layout(m, img, 0, &l);

	if (err) {
		return err;
	}
	struct mcuboot_verify_args a = {
		.flash = pair->primary.flash,
		.base = pair->primary.offset,
		.max_img = l.max_image_size,
		.scratch = m->cfg.buf,
		.scratch_len = m->cfg.buf_len,
		.crypto = m->crypto,
		.sha = &m->sha,
		.keys = m->cfg.keys,
		.key_count = m->cfg.key_count,
		.allow_enc = allow_enc,
		.full = true,
		.prof = prof,
	};

	err = mcuboot_verify(&a, &info);
	if (err == 0) {
		s->verified = info.hash;
		*valid = mcuboot_verdict(&info, m->cfg.key_count, allow_enc) == 0 &&
			 !(info.flags & MCUBOOT_F_NON_BOOTABLE);
	} else if (err == -ENOENT || err == -EBADMSG || err == -EFBIG || err == -ENOTSUP) {
		s->verified = DFU_MCUBOOT_CHECK_BAD;
		*valid = false;
	} else {
		return err; /* flash or crypto port */
	}
	return 0;
}

/*
 * Will MCUboot install the secondary at the next boot (3.6, 4.2)? A request
 * (TEST / PERM) and a secondary that passes the checks made here (header,
 * TLVs, hash, signature with configured keys, downgrade); in swap-move and
 * swap-offset without bootstrap, a primary with a valid header too (else
 * "Failed reading image headers": nothing is installed). With bootstrap, an
 * erased or invalid primary and a valid secondary: installed by copy, even
 * without a request (a primary with a garbage magic: nothing). Returns the
 * hold reason (DFU_MCUBOOT_HOLD_NONE also when nothing is asked); *yes.
 */
static uint8_t installs(struct dfu_mcuboot *m, uint8_t img,
			const struct dfu_mcuboot_pair_profile *prof, int magic, bool primary_ok,
			struct dfu_mcuboot_pair_state *out, bool *yes)
{
	struct dfu_mcuboot_slot_state *s = &out->secondary;
	const bool swap_needs_primary =
		prof->mode == DFU_MCUBOOT_SWAP_MOVE || prof->mode == DFU_MCUBOOT_SWAP_OFFSET;
	const bool bootstrap = (prof->build.features & DFU_MCUBOOT_P_BOOTSTRAP) != 0;
	const bool asked = out->swap == DFU_MCUBOOT_SWAP_TEST || out->swap == DFU_MCUBOOT_SWAP_PERM;
	bool ok = s->present && !(s->info.flags & MCUBOOT_F_NON_BOOTABLE) &&
		  mcuboot_verdict(&s->info, m->cfg.key_count,
				  (m->cfg.flags & DFU_MCUBOOT_ALLOW_UNVERIFIED) != 0) == 0;

	*yes = false;
	/* Swap-move / swap-offset read both headers first, the primary's with
	 * its magic required (bootstrap tolerates an erased one): when that
	 * fails MCUboot stops there, the secondary is neither validated nor
	 * erased (sheet 0.1, 3.6). */
	if (asked && swap_needs_primary && magic != PRI_MAGIC &&
	    !(bootstrap && magic == PRI_ERASED)) {
		return DFU_MCUBOOT_HOLD_PRIMARY;
	}
	if (ok && s->verified != DFU_MCUBOOT_CHECK_UNVERIFIABLE) {
		struct dfu_mcuboot_info tmp = s->info;

		ok = mcuboot_downgrade(m, img, &tmp) == 0;
	}
	if (!ok) {
		return asked ? DFU_MCUBOOT_HOLD_SECONDARY : DFU_MCUBOOT_HOLD_NONE;
	}
	if (bootstrap && (magic == PRI_ERASED || (magic == PRI_MAGIC && !primary_ok))) {
		*yes = true; /* copied in, no request needed */
		return DFU_MCUBOOT_HOLD_NONE;
	}
	if (!asked) {
		return DFU_MCUBOOT_HOLD_NONE;
	}
	if (mcuboot_sector0_check(&m->cfg.board->pairs[img]) != 0) {
		return DFU_MCUBOOT_HOLD_SECTOR0; /* swap-offset: refused, the slot erased */
	}
	if (!out->primary.present && swap_needs_primary && !bootstrap) {
		return DFU_MCUBOOT_HOLD_PRIMARY;
	}
	*yes = true;
	return DFU_MCUBOOT_HOLD_NONE;
}

int dfu_mcuboot_state(struct dfu_mcuboot *m, int img_num, struct dfu_mcuboot_pair_state *out)
{
	const struct dfu_mcuboot_pair *pair = mcuboot_pair_of(m, img_num);
	struct dfu_mcuboot_pair_profile prof;
	int magic = PRI_ERASED;
	bool primary_ok = false;
	bool yes = false;

	if (pair == NULL || out == NULL) {
		return pair == NULL ? -ENOENT : -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	mcuboot_bind_cfg(m);
	int err = mcuboot_prof(m, (uint8_t)img_num, &prof);

	if (err == 0) {
		err = primary_state(pair, &prof, &out->primary, &magic);
	}
	if (err == 0) {
		err = dfu_mcuboot_trailer_read(pair, 1, &out->secondary.trailer);
	}
	if (err == 0) {
		err = primary_check(m, (uint8_t)img_num, &prof, magic, &out->primary, &primary_ok);
	}
	if (err) {
		return err;
	}
	struct dfu_mcuboot_slot_state *s = &out->secondary;

	err = mcuboot_secondary_check(m, (uint8_t)img_num, m->stream.status != DFU_STREAM_OPEN,
				      &s->info, NULL);
	if (err == 0) {
		s->present = 1;
		s->verified = s->info.hash;
	} else if (err != -ENOENT && err != -EBADMSG && err != -EFBIG && err != -ENOTSUP) {
		return err;
	}
	out->swap = (uint8_t)dfu_mcuboot_swap_type(pair, &out->primary.trailer, &s->trailer);
	out->revert_guard = pair->mode != DFU_MCUBOOT_OVERWRITE &&
			    out->primary.trailer.magic == DFU_MCUBOOT_GOOD &&
			    out->primary.trailer.copy_done == DFU_MCUBOOT_GOOD &&
			    out->primary.trailer.image_ok == DFU_MCUBOOT_UNSET;
	out->hold = installs(m, (uint8_t)img_num, &prof, magic, primary_ok, out, &yes);
	/* without validate-primary MCUboot boots on the magic alone */
	out->primary_valid = (prof.build.features & DFU_MCUBOOT_P_NO_VALIDATE_PRIMARY)
				     ? magic == PRI_MAGIC
				     : primary_ok;
	if (yes) {
		uint32_t install;

		/* every image MCUboot would upgrade, this one included */
		err = mcuboot_installing(m, &install);
		if (err == 0) {
			err = mcuboot_deps_check(m, install | (1u << img_num));
		}
		if (err == -ENOLINK) {
			out->hold = DFU_MCUBOOT_HOLD_DEPENDENCY;
			yes = false;
		} else if (err) {
			return err;
		}
	}
	out->will_install = yes ? 1 : 0;
	out->boot_fails = !yes && out->swap != DFU_MCUBOOT_SWAP_REVERT && !out->primary_valid;
	return 0;
}

int dfu_mcuboot_b1_variant(const struct dfu_mcuboot *m)
{
	if (m == NULL || m->cfg.b1_active_slot == NULL) {
		return -ENOTSUP;
	}
	int active = m->cfg.b1_active_slot(m->cfg.user);

	if (active < 0) {
		return active;
	}
	return active == 0 ? 1 : 0;
}

int dfu_mcuboot_b1_select(const char *paths, size_t max_len, int variant, const char **path,
			  size_t *len)
{
	if (paths == NULL || path == NULL || len == NULL || (variant != 0 && variant != 1)) {
		return -EINVAL;
	}
	size_t n = 0;
	size_t sp = 0;
	size_t spaces = 0;

	while (n < max_len && paths[n] != '\0') {
		if (paths[n] == ' ') {
			sp = n;
			spaces++;
		}
		n++;
	}
	if (n == max_len || n == 0) {
		return -EINVAL;
	}
	if (spaces == 0) {
		/* One path: the same build for either variant, used as is. */
		*path = paths;
		*len = n;
		return 0;
	}
	if (spaces != 1 || sp == 0 || sp + 1 == n) {
		return -EINVAL;
	}
	*path = variant == 0 ? paths : paths + sp + 1;
	*len = variant == 0 ? sp : n - sp - 1;
	return 0;
}
