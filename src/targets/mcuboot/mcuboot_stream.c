/*
 * MCUboot target, download side: the parser that every image byte passes
 * through (header check, hashing, TLV walk, padded-file tail), feeding the
 * stream writer. Replayed from flash on resume so that its state always
 * matches the durable prefix.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "dfu/dfu_config.h"
#include "dfu_util.h"
#include "mcuboot_image.h"
#include "mcuboot_internal.h"

void mcuboot_parser_reset(struct dfu_mcuboot *m)
{
	memset(&m->info, 0, sizeof(m->info));
	m->pos = 0;
	m->hashed_end = 0;
	m->area_end = 0;
	m->item_end = 0;
	m->hn = 0;
	m->phase = PHASE_HDR;
	m->cur_type = 0;
	m->trl_n = 0;
	m->forced = 0;
	m->cross = 0;
	memset(m->magic, m->scfg.flash->erase_value, sizeof(m->magic));
}

/* Program (unless replaying) and hash k bytes that sit at image offset at. */
static int emit(struct dfu_mcuboot *m, uint32_t at, const uint8_t *p, uint32_t k, bool replay)
{
	if (!replay) {
		int err = dfu_stream_write(&m->stream, p, k);

		if (err) {
			return err;
		}
	}
	if (at < m->hashed_end && mcuboot_streams_hash(m)) {
		uint32_t h = m->hashed_end - at < k ? m->hashed_end - at : k;

		return mcuboot_hash_update(m->crypto, &m->sha, p, h);
	}
	return 0;
}

/* Software downgrade prevention (1.4), version variant: refused only when
 * older than the running image (an equal version passes). */
static int version_check(struct dfu_mcuboot *m)
{
	const struct dfu_mcuboot_pair_profile *prof = &m->prof;
	struct dfu_mcuboot_info run;

	if (!(prof->build.features & DFU_MCUBOOT_P_DOWNGRADE) ||
	    (prof->build.features & DFU_MCUBOOT_P_DOWNGRADE_SECCNT)) {
		return 0;
	}
	int err = mcuboot_primary_info(m, m->pair, &run);

	if (err == -ENOENT) {
		return 0; /* no running image header: nothing to compare */
	}
	if (err == 0 && mcuboot_version_cmp(&m->info, &run, prof) < 0) {
		m->info.rule = DFU_MCUBOOT_RULE_DOWNGRADE;
		err = -ESTALE;
	}
	return err;
}

/* Swap-offset (3.3): the image starts one sector in, and MCUboot refuses
 * every request while the secondary's sector 0 holds a header magic (after
 * a swap it holds the old primary's first sector). Cleared as Zephyr's
 * flash_img does, before the new download's first byte. */
static int sector0_clear(struct dfu_mcuboot *m)
{
	const struct dfu_mcuboot_pair *pair = &m->cfg.board->pairs[m->pair];
	const struct dfu_flash *f = pair->secondary.flash;
	uint32_t n = m->scfg.offset - pair->secondary.offset; /* image offset */

	if (pair->mode != DFU_MCUBOOT_SWAP_OFFSET || n == 0) {
		return 0;
	}
	int err = f->erase(f->ctx, pair->secondary.offset, n);

	return err > 0 ? -EIO : err;
}

/* First download byte of a new download reaches flash: claim the slot
 * (verified record, trailer, swap-offset's sector 0). */
static int claim(struct dfu_mcuboot *m)
{
	const struct dfu_kv *kv = m->scfg.kv;
	int err = 0;

	if (kv != NULL) {
		char key[DFU_MCUBOOT_KEY_LEN];

		mcuboot_vkey(key, m->pair);
		err = kv->remove(kv->ctx, key);
	}
	if (err == 0) {
		err = dfu_mcuboot_trailer_erase(&m->cfg.board->pairs[m->pair], 1);
	}
	if (err == 0) {
		err = sector0_clear(m);
	}
	if (err == 0) {
		m->fresh = 0;
	}
	return err;
}

static int header_done(struct dfu_mcuboot *m, bool replay)
{
	int err = mcuboot_hdr_check(m->hb, m->max_img, m->file_size, &m->prof,
				    (m->cfg.flags & DFU_MCUBOOT_ALLOW_UNVERIFIED) != 0, &m->info);

	if (err == 0 && !replay) {
		err = version_check(m);
	}
	if (err) {
		return err;
	}
	m->hashed_end = (uint32_t)m->info.hdr_size + m->info.img_size + m->info.prot_size;
	m->area_end = (uint32_t)m->info.hdr_size + m->info.img_size; /* end of the body */
	if (!replay && m->fresh) {
		err = claim(m);
		if (err) {
			return err;
		}
	}
	m->hn = 0;
	m->phase = PHASE_BODY;
	if (m->area_end >= MCUBOOT_HDR_SIZE) {
		return emit(m, 0, m->hb, MCUBOOT_HDR_SIZE, replay);
	}
	/* ih_hdr_size + ih_img_size < 32 (bootutil has no lower bound on the
	 * header size): the TLVs start inside the 32-byte header. Program it,
	 * then parse (and hash) its bytes again from offset 0 as if read back. */
	uint8_t h[MCUBOOT_HDR_SIZE];

	memcpy(h, m->hb, sizeof(h));
	if (!replay) {
		err = dfu_stream_write(&m->stream, h, sizeof(h));
		if (err) {
			return err;
		}
	}
	m->pos = 0;
	return mcuboot_feed(m, h, sizeof(h), true);
}

/* The stream's length: the header is always written whole. */
static int set_len(struct dfu_mcuboot *m, uint32_t len)
{
	return dfu_stream_set_length(&m->stream, len < MCUBOOT_HDR_SIZE ? MCUBOOT_HDR_SIZE : len);
}

/* The protected TLVs have passed (or there are none): early checks of the
 * first protected security counter (the verifier checks every one). */
static int prot_done(struct dfu_mcuboot *m)
{
	const struct dfu_mcuboot_profile *b = &m->prof.build;
	uint32_t min = b->security_counter;

	if ((b->features & DFU_MCUBOOT_P_HW_ROLLBACK) && min != 0 &&
	    (!m->info.has_sec_cnt || m->info.sec_cnt < min)) {
		m->info.rule = DFU_MCUBOOT_RULE_SEC_CNT;
		return -ESTALE;
	}
	return mcuboot_seccnt_downgrade(m, m->pair, &m->info);
}

static int enter_info(struct dfu_mcuboot *m)
{
	int err = prot_done(m);

	if (err == 0) {
		m->phase = PHASE_INFO;
	}
	return err;
}

static bool ncs_iter(const struct dfu_mcuboot *m)
{
	return m->prof.build.tlv_iter == DFU_MCUBOOT_ITER_NCS2;
}

/* The walk of the TLVs is over: what follows is never written. */
static int to_tail(struct dfu_mcuboot *m)
{
	m->phase = PHASE_TAIL;
	return ncs_iter(m) ? set_len(m, m->area_end) : 0;
}

/* NCS 2.x iterator: an entry that starts inside the TLV area may end past
 * it; its bytes are written too (never past the maximum image size). */
static int extend(struct dfu_mcuboot *m, uint64_t end)
{
	if (end <= m->area_end) {
		return 0;
	}
	if (end > m->max_img || (m->file_size != 0 && end > m->file_size)) {
		m->info.rule = DFU_MCUBOOT_RULE_TLV_BOUNDS;
		return -EFBIG;
	}
	m->area_end = (uint32_t)end;
	return set_len(m, m->area_end);
}

/*
 * A protected entry whose header or value runs past the end of the
 * protected area (m->cross): bootutil's walk (IMAGE_TLV_ANY) bounds it only
 * by the end of all TLVs, then never lands on the protected end, so the
 * 0x6907 info is read as part of that entry and the walk goes on after it
 * (2.3). The info's 4 bytes are collected as they pass (hb[8..12), by
 * mcuboot_feed()); they are in: judge them as PHASE_INFO would, and the
 * entry in progress by the end of the TLVs. Past it the image is refused
 * under either iterator: then no SHA-256 TLV can be walked after the
 * protected ones (MCUboot refuses it too); so is a total below 4.
 */
static int cross_info(struct dfu_mcuboot *m)
{
	uint16_t a = mcuboot_le16(&m->hb[8]);
	uint16_t b = mcuboot_le16(&m->hb[10]);
	uint64_t end = (uint64_t)m->hashed_end + b;
	/* the item in progress: a value, a header begun after the info's
	 * start, or none (pos) */
	uint64_t item = m->phase == PHASE_PVAL ? m->item_end : (uint64_t)m->pos - m->hn + 4u;

	m->cross = 0;
	if (m->phase == PHASE_PHDR && m->hn == 0) {
		item = m->pos;
	}
	if (a != MCUBOOT_TLV_INFO || b < 4u) {
		m->info.rule = DFU_MCUBOOT_RULE_TLV_INFO;
		return -EBADMSG;
	}
	if (end > m->max_img || (m->file_size != 0 && end > m->file_size)) {
		m->info.rule = DFU_MCUBOOT_RULE_IMAGE_SIZE;
		return -EFBIG;
	}
	if (item > end) {
		m->info.rule = DFU_MCUBOOT_RULE_TLV_BOUNDS;
		return -EBADMSG;
	}
	int err = prot_done(m);

	if (err) {
		return err;
	}
	m->info.tlv_end = (uint32_t)end;
	m->area_end = (uint32_t)end; /* >= pos: pos is the info's end */
	m->forced = 0;
	m->phase = m->phase == PHASE_PVAL ? PHASE_UVAL : PHASE_UHDR;
	return ncs_iter(m) ? 0 : set_len(m, m->area_end);
}

/* Bytes [at, at + k) passed while an entry crosses into the 0x6907 info. */
static int cross_collect(struct dfu_mcuboot *m, uint32_t at, const uint8_t *p, uint32_t k)
{
	const uint32_t info = m->hashed_end;

	for (uint32_t i = 0; i < k; i++) {
		if (at + i >= info && at + i < info + 4u) {
			m->hb[8u + (at + i - info)] = p[i];
		}
	}
	return at + k == info + 4u ? cross_info(m) : 0;
}

/* A complete 4-byte TLV info or entry header is in hb. */
static int tlv_header(struct dfu_mcuboot *m)
{
	uint16_t a = mcuboot_le16(m->hb);
	uint16_t b = mcuboot_le16(&m->hb[2]);

	m->hn = 0;
	switch (m->phase) {
	case PHASE_PINFO:
		if (a != MCUBOOT_TLV_PROT_INFO || b != m->info.prot_size) {
			m->info.rule = DFU_MCUBOOT_RULE_TLV_INFO;
			return -EBADMSG;
		}
		m->area_end = m->hashed_end;
		m->phase = PHASE_PHDR;
		return 0;
	case PHASE_INFO: {
		/* NCS 2.x, protected area, total 1..4: the walk reads one entry
		 * at prot_end + 4, past the area. */
		bool forced = ncs_iter(m) && m->info.prot_size != 0 && b >= 1u && b <= 4u;

		if (a != MCUBOOT_TLV_INFO || (b < 4u && !forced)) {
			m->info.rule = DFU_MCUBOOT_RULE_TLV_INFO;
			return -EBADMSG;
		}
		uint64_t end = (uint64_t)m->hashed_end + b;

		if (end > m->max_img || (m->file_size != 0 && end > m->file_size)) {
			m->info.rule = DFU_MCUBOOT_RULE_IMAGE_SIZE;
			return -EFBIG;
		}
		m->info.tlv_end = (uint32_t)end;
		m->area_end = end > m->pos ? (uint32_t)end : m->pos;
		m->forced = forced ? 1 : 0;
		m->phase = PHASE_UHDR;
		/* NCS 2.x: the length is known when the walk ends (to_tail) */
		return ncs_iter(m) ? 0 : set_len(m, m->area_end);
	}
	default: {                                        /* PHDR or UHDR: an entry */
		const bool prot = m->pos < m->hashed_end; /* its value's offset */
		const uint64_t end = (uint64_t)m->pos + b;
		const bool outside = end > m->max_img || (m->file_size != 0 && end > m->file_size);

		if (m->phase == PHASE_UHDR && ncs_iter(m) && outside) {
			/* NCS 2.x: the walk ends after this entry; its bytes past
			 * the area are not in the file (or past the maximum): never
			 * written, and the verifier refuses the image if it reads
			 * them (done(): read_limit). */
			b = (uint16_t)(m->area_end - m->pos);
		} else if (m->phase == PHASE_UHDR && ncs_iter(m)) {
			int err = extend(m, end);

			if (err) {
				return err;
			}
		}
		if (m->phase == PHASE_PHDR && (m->cross || b > m->area_end - m->pos)) {
			if (outside) { /* past the end of the TLVs: cross_info() */
				m->info.rule = DFU_MCUBOOT_RULE_TLV_BOUNDS;
				return -EBADMSG;
			}
			m->cross = 1;
		} else if (b > m->area_end - m->pos) {
			m->info.rule = DFU_MCUBOOT_RULE_TLV_BOUNDS;
			return -EBADMSG;
		}
		if (prot && a == MCUBOOT_TLV_SEC_CNT && b != 4u &&
		    (m->prof.build.features & DFU_MCUBOOT_P_HW_ROLLBACK)) {
			m->info.rule = DFU_MCUBOOT_RULE_SEC_CNT_LENGTH;
			return -EBADMSG;
		}
		/* a SEC_CNT of another length, or not protected, is not a
		 * counter (collected below) */
		m->cur_type = a == MCUBOOT_TLV_SEC_CNT && (b != 4u || !prot) ? 0xffffu : a;
		m->item_end = m->pos + b;
		if (b != 0u) { /* an empty entry has no value phase */
			m->phase = m->phase == PHASE_PHDR ? PHASE_PVAL : PHASE_UVAL;
		}
		return 0;
	}
	}
}

/* Bytes after the TLVs: MCUboot never reads them (3.4) and they are never
 * written here (a padded file's tail is the trailer region). Only a trailer
 * ending the file is remembered, to be reported. */
#define TRL_NOT 0xffu /* trl_n: the tail is not (only) a trailer */

static void tail(struct dfu_mcuboot *m, const uint8_t *p, uint32_t k)
{
	uint8_t ev = m->scfg.flash->erase_value;

	for (uint32_t i = 0; i < k; i++) {
		uint32_t d = m->file_size - (m->pos + i); /* distance from the end */

		if (m->file_size != 0 && d <= sizeof(m->magic)) {
			m->magic[sizeof(m->magic) - d] = p[i];
		} else if (p[i] != ev && m->trl_n != TRL_NOT) {
			if (m->file_size == 0 || d > MCUBOOT_TRAILER_SPAN ||
			    m->trl_n >= sizeof(m->trl)) {
				m->trl_n = TRL_NOT;
				continue;
			}
			m->trl[m->trl_n] = p[i];
			m->trl_pos[m->trl_n++] = (uint8_t)d;
		}
	}
}

int mcuboot_feed(struct dfu_mcuboot *m, const uint8_t *p, size_t n, bool replay)
{
	while (n > 0) {
		const uint32_t at = m->pos;
		const uint8_t ph = m->phase;
		size_t avail = n;
		uint32_t k;
		int err = 0;

		if (m->cross && m->hashed_end + 4u - at < avail) {
			avail = m->hashed_end + 4u - at; /* stop at the info's end */
		}
		switch (m->phase) {
		case PHASE_HDR:
			k = MCUBOOT_HDR_SIZE - m->hn;
			k = n < k ? (uint32_t)n : k;
			memcpy(&m->hb[m->hn], p, k);
			m->hn += (uint8_t)k;
			m->pos += k;
			if (m->hn == MCUBOOT_HDR_SIZE) {
				err = header_done(m, replay);
			}
			break;
		case PHASE_BODY:
			k = m->area_end - m->pos;
			k = avail < k ? (uint32_t)avail : k;
			err = emit(m, m->pos, p, k, replay);
			m->pos += k;
			if (err == 0 && m->pos == m->area_end) {
				if (m->info.prot_size != 0) {
					m->phase = PHASE_PINFO;
				} else {
					err = enter_info(m);
				}
			}
			break;
		case PHASE_PHDR:
		case PHASE_UHDR:
			if (m->hn == 0 && m->phase == PHASE_UHDR && ncs_iter(m)) {
				/* bootutil (NCS 2.x): an entry starts while the
				 * offset is inside the area (or the forced one) */
				k = 0;
				if (m->pos >= m->info.tlv_end && !m->forced) {
					err = to_tail(m);
					break;
				}
				m->forced = 0;
				err = extend(m, (uint64_t)m->pos + 4u);
				if (err) {
					break;
				}
			} else if (m->cross) {
				/* crossing into the info: bounded by cross_info() */
			} else if (m->pos == m->area_end) {
				k = 0;
				if (m->phase == PHASE_PHDR) {
					err = enter_info(m);
				} else {
					m->phase = PHASE_TAIL;
				}
				break;
			}
			if (m->hn == 0 && !m->cross && m->area_end - m->pos < 4u) {
				if (m->phase == PHASE_UHDR) {
					m->info.rule = DFU_MCUBOOT_RULE_TLV_BOUNDS;
					return -EBADMSG; /* entry header runs past the area */
				}
				m->cross = 1; /* a protected one runs into the info */
			}
			/* fall through */
		case PHASE_PINFO:
		case PHASE_INFO:
			k = 4u - m->hn;
			k = avail < k ? (uint32_t)avail : k;
			err = emit(m, m->pos, p, k, replay);
			memcpy(&m->hb[m->hn], p, k);
			m->hn += (uint8_t)k;
			m->pos += k;
			if (err == 0 && m->hn == 4u) {
				err = tlv_header(m);
			}
			break;
		case PHASE_PVAL:
		case PHASE_UVAL:
			k = m->item_end - m->pos;
			k = avail < k ? (uint32_t)avail : k;
			if (m->phase == PHASE_PVAL && m->cur_type == MCUBOOT_TLV_SEC_CNT) {
				for (uint32_t i = 0; i < k; i++) {
					m->hb[4u + 4u - (m->item_end - m->pos - i)] = p[i];
				}
			}
			err = emit(m, m->pos, p, k, replay);
			m->pos += k;
			if (err == 0 && m->pos == m->item_end) {
				if (m->phase == PHASE_PVAL && m->cur_type == MCUBOOT_TLV_SEC_CNT &&
				    !m->info.has_sec_cnt) {
					m->info.sec_cnt = dfu_get_le32(&m->hb[4]);
					m->info.has_sec_cnt = 1;
				}
				m->phase = m->phase == PHASE_PVAL ? PHASE_PHDR : PHASE_UHDR;
			}
			break;
		case PHASE_BAD:
			return -EPIPE;
		default: /* PHASE_TAIL */
			k = (uint32_t)n;
			tail(m, p, k);
			m->pos += k;
			break;
		}
		/* (a header step re-parses its own bytes: header_done()) */
		if (err == 0 && m->cross && at + k > m->hashed_end && ph != PHASE_HDR) {
			err = cross_collect(m, at, p, k);
		}
		if (err) {
			return err;
		}
		p += k;
		n -= k;
	}
	/* A TLV area that ends exactly at the end of this chunk. */
	if (m->phase == PHASE_PHDR && m->pos == m->area_end && !m->cross) {
		return enter_info(m);
	}
	if (m->phase == PHASE_UHDR && m->pos == m->area_end && !m->forced &&
	    m->pos >= m->info.tlv_end) {
		return to_tail(m);
	}
	return 0;
}

/* The A-encoded magic's fixed part (A != 8), and the A = 8 magic. */
static const uint8_t magic_tail[14] = {0x2d, 0xe1, 0x5d, 0x29, 0x41, 0x0b, 0x8d,
				       0x77, 0x67, 0x9c, 0x11, 0x0f, 0x1f, 0x8a};
static const uint8_t magic_8[16] = {0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f,
				    0x35, 0x52, 0x50, 0x0f, 0x2c, 0xb6, 0x79, 0x80};

/* Byte at distance d from the end of the file (tail bytes only). */
static uint8_t tail_at(const struct dfu_mcuboot *m, uint32_t d, uint8_t ev)
{
	if (d <= sizeof(m->magic)) {
		return m->magic[sizeof(m->magic) - d];
	}
	for (uint8_t i = 0; i < m->trl_n; i++) {
		if (m->trl_pos[i] == d) {
			return m->trl[i];
		}
	}
	return ev;
}

/* The request a padded file's tail holds (reported only): the magic for A
 * = 8, 16 or 32 at the end, image_ok / copy_done erased or 01, nothing
 * else non-erased in the trailer span. Anything else: no request. */
static int tail_request(struct dfu_mcuboot *m, uint32_t tail_len)
{
	uint8_t ev = m->scfg.flash->erase_value;
	const uint8_t *last = &m->magic[16];
	uint32_t a;

	if (tail_len < 16 || m->trl_n == TRL_NOT) {
		return 0;
	}
	if (memcmp(last, magic_8, 16) == 0) {
		a = 8;
	} else if (memcmp(&last[2], magic_tail, sizeof(magic_tail)) == 0 &&
		   (mcuboot_le16(last) == 16 || mcuboot_le16(last) == 32)) {
		a = mcuboot_le16(last);
	} else {
		return 0;
	}
	/* image_ok at ALIGN_DOWN(S - 16 - A, A) for a slot-sized file */
	uint32_t ok = (16 + a + a - 1) / a * a;
	uint32_t fields[3] = {ok, ok + a, ok + 2 * a};

	for (uint32_t d = 17; d <= MCUBOOT_TRAILER_SPAN && d <= tail_len; d++) {
		uint8_t v = tail_at(m, d, ev);

		if (v != ev && d != fields[0] && d != fields[1] && d != fields[2]) {
			return 0;
		}
	}
	uint8_t image_ok = tail_at(m, fields[0], ev);
	uint8_t copy_done = tail_at(m, fields[1], ev);

	if ((image_ok != ev && image_ok != 0x01) || (copy_done != ev && copy_done != 0x01)) {
		return 0;
	}
	m->info.file_align = (uint8_t)a;
	return image_ok == 0x01 ? DFU_MCUBOOT_SWAP_PERM : DFU_MCUBOOT_SWAP_TEST;
}

int mcuboot_tail_check(struct dfu_mcuboot *m)
{
	m->info.file_request = 0;
	m->info.file_align = 0;
	m->info.file_request = (uint8_t)tail_request(m, m->pos - m->area_end);
	return 0;
}
