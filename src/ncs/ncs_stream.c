/*
 * nRF Connect SDK's stream API over the stream writer (dfu_target_stream.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "dfu/dfu_stream.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_stream.h"
#include "ncs_internal.h"

static struct dfu_stream stream;
static struct dfu_stream_cfg scfg;
static const char *cur_id; /* the open stream's id; NULL when none */
static uint32_t last_crc;  /* CRC-32 of the last opened id */
static char key[16];       /* "dfu/" + 8 hex digits */

static void make_key(uint32_t crc)
{
	static const char hex[] = "0123456789abcdef";

	memcpy(key, "dfu/", 4);
	for (int i = 0; i < 8; i++) {
		key[4 + i] = hex[(crc >> (28 - 4 * i)) & 0xfu];
	}
	key[12] = '\0';
}

static bool same_area(const struct dfu_flash *flash, const struct dfu_target_stream_init *in)
{
	return stream.cfg == &scfg && scfg.flash == flash && scfg.offset == in->offset &&
	       scfg.size == in->size && scfg.buf == in->buf && scfg.buf_len == in->len;
}

int dfu_target_stream_init(const struct dfu_target_stream_init *init)
{
	if (cur_id != NULL) {
		return -EFAULT; /* one stream at a time, as NCS */
	}
	if (init == NULL || init->id == NULL || init->fdev == NULL || init->buf == NULL ||
	    init->len == 0 || init->len > UINT32_MAX || init->offset > UINT32_MAX ||
	    init->size > UINT32_MAX) {
		return -EINVAL;
	}
	int err = dfu_target_default_ready();

	if (err) {
		return err;
	}
	const struct dfu_config *cfg = dfu_target_default_ctx()->cfg;
	const struct dfu_flash *flash = cfg->device_flash ? cfg->device_flash(init->fdev) : NULL;

	if (flash == NULL) {
		return -ENODEV;
	}
	uint32_t crc = dfu_crc32(0, init->id, strlen(init->id));

	/* Same boot, same stream after done(false): on from the flash writes. */
	if (crc == last_crc && stream.status == DFU_STREAM_ABORTED && same_area(flash, init) &&
	    dfu_stream_reopen(&stream) == 0) {
		cur_id = init->id;
		return 0;
	}
	make_key(crc);
	scfg = (struct dfu_stream_cfg){
		.flash = flash,
		.offset = (uint32_t)init->offset,
		.size = (uint32_t)init->size,
		.buf = init->buf,
		.buf_len = (uint32_t)init->len,
		.kv = DFU_CONFIG_STREAM_SAVE_PROGRESS ? cfg->port->kv : NULL,
		.key = key,
		.flags = DFU_STREAM_LENGTH_LATER,
	};
	uint32_t area = scfg.size;

	if (area == 0 && flash->size > scfg.offset) {
		area = flash->size - scfg.offset;
	}
	/* Bound to the id and the area (the record also names the area). */
	struct dfu_image_id id = {
		.file_size = area != 0 ? area : 1,
		.prefix_crc = crc,
		.prefix_len = 1,
	};

	err = dfu_stream_open(&stream, &scfg, &id);
	if (err == 0 && stream.status == DFU_STREAM_COMPLETE) {
		/* done(true) was cut before it deleted the record: start over */
		err = scfg.kv->remove(scfg.kv->ctx, key);
		if (err == 0) {
			err = dfu_stream_open(&stream, &scfg, &id);
		}
	}
	if (err) {
		stream.status = DFU_STREAM_CLOSED;
		return err;
	}
	last_crc = crc;
	cur_id = init->id;
	return 0;
}

struct stream_flash_ctx *dfu_target_stream_get_stream(void)
{
	return NULL;
}

int dfu_target_stream_offset_get(size_t *offset)
{
	if (offset == NULL) {
		return -EINVAL;
	}
	*offset = stream.cfg != NULL ? dfu_stream_offset(&stream) : 0;
	return 0;
}

int dfu_target_stream_bytes_buffered_get(size_t *out)
{
	if (out == NULL) {
		return -EINVAL;
	}
	*out = stream.cfg != NULL ? dfu_stream_buffered(&stream) : 0;
	return 0;
}

int dfu_target_stream_write(const uint8_t *buf, size_t len)
{
	if (cur_id == NULL) {
		return -EPERM;
	}
	return dfu_stream_write(&stream, buf, len);
}

int dfu_target_stream_done(bool successful)
{
	int err;

	if (cur_id == NULL) {
		return -EPERM;
	}
	cur_id = NULL;
	if (!successful) {
		return dfu_stream_abort(&stream);
	}
	uint32_t total = (uint32_t)(dfu_stream_offset(&stream) + dfu_stream_buffered(&stream));

	err = total > 0 ? dfu_stream_set_length(&stream, total) : 0;
	if (err == 0 && total > 0) {
		err = dfu_stream_finish(&stream);
	}
	if (err == 0 && scfg.kv != NULL) {
		/* As NCS: a finished stream keeps no progress. */
		err = scfg.kv->remove(scfg.kv->ctx, key);
	}
	stream.status = DFU_STREAM_CLOSED;
	return err;
}

int dfu_target_stream_reset(void)
{
	cur_id = NULL;
	if (stream.cfg == NULL) {
		return 0; /* never opened */
	}
	last_crc = 0;
	return dfu_stream_reset(&stream);
}

void dfu_ncs_stream_forget(void)
{
	cur_id = NULL;
	last_crc = 0;
	memset(&stream, 0, sizeof(stream));
}
