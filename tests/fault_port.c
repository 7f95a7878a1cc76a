/*
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fault_port.h"

#include <errno.h>
#include <stddef.h>

static int hit(struct fault_port *f)
{
	f->calls++;
	if (f->calls == f->fail_at) {
		f->fired++;
		return f->err ? f->err : -EIO;
	}
	return 0;
}

static int f_read(void *ctx, uint32_t off, void *dst, size_t len)
{
	struct fault_port *f = ctx;
	int err = hit(f);

	return err ? err : f->flash->read(f->flash->ctx, off, dst, len);
}

static int f_program(void *ctx, uint32_t off, const void *src, size_t len)
{
	struct fault_port *f = ctx;
	int err = hit(f);

	return err ? err : f->flash->program(f->flash->ctx, off, src, len);
}

static int f_erase(void *ctx, uint32_t off, size_t len)
{
	struct fault_port *f = ctx;
	int err = hit(f);

	return err ? err : f->flash->erase(f->flash->ctx, off, len);
}

static int k_read(void *ctx, const char *key, void *dst, size_t len)
{
	struct fault_port *f = ctx;
	int err = hit(f);

	return err ? err : f->kv->read(f->kv->ctx, key, dst, len);
}

static int k_write(void *ctx, const char *key, const void *src, size_t len)
{
	struct fault_port *f = ctx;
	int err = hit(f);

	return err ? err : f->kv->write(f->kv->ctx, key, src, len);
}

static int k_remove(void *ctx, const char *key)
{
	struct fault_port *f = ctx;
	int err = hit(f);

	return err ? err : f->kv->remove(f->kv->ctx, key);
}

static int c_start(void *ctx)
{
	struct fault_port *f = ctx;
	int err = hit(f);

	return err ? err : f->crypto->sha256_start(f->crypto->ctx);
}

static int c_update(void *ctx, const void *data, size_t len)
{
	struct fault_port *f = ctx;
	int err = hit(f);

	return err ? err : f->crypto->sha256_update(f->crypto->ctx, data, len);
}

static int c_finish(void *ctx, uint8_t digest[32])
{
	struct fault_port *f = ctx;
	int err = hit(f);

	return err ? err : f->crypto->sha256_finish(f->crypto->ctx, digest);
}

static int c_verify(void *ctx, enum dfu_sig_alg alg, const uint8_t *key, size_t key_len,
		    const uint8_t digest[32], const uint8_t *sig, size_t sig_len)
{
	struct fault_port *f = ctx;
	int err = hit(f);

	return err ? err
		   : f->crypto->verify(f->crypto->ctx, alg, key, key_len, digest, sig, sig_len);
}

void fault_port_wrap(struct fault_port *f, const struct dfu_flash *flash, const struct dfu_kv *kv,
		     const struct dfu_crypto *crypto)
{
	*f = (struct fault_port){.flash = flash, .kv = kv, .crypto = crypto};
	if (flash != NULL) {
		f->wflash = *flash;
		f->wflash.ctx = f;
		f->wflash.read = f_read;
		f->wflash.program = f_program;
		f->wflash.erase = f_erase;
	}
	if (kv != NULL) {
		f->wkv = (struct dfu_kv){
			.ctx = f, .read = k_read, .write = k_write, .remove = k_remove};
	}
	if (crypto != NULL) {
		f->wcrypto = *crypto;
		f->wcrypto.ctx = f;
		if (crypto->sha256_start != NULL) {
			f->wcrypto.sha256_start = c_start;
			f->wcrypto.sha256_update = c_update;
			f->wcrypto.sha256_finish = c_finish;
		}
		if (crypto->verify != NULL) {
			f->wcrypto.verify = c_verify;
		}
	}
}

const struct dfu_crypto *fault_port_crypto(struct fault_port *f)
{
	return f->crypto != NULL ? &f->wcrypto : NULL;
}
