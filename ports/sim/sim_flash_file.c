/*
 * Host-only file backing of a simulated flash device (POSIX: open, pread,
 * pwrite). Not built for the embedded target (-DSIM_NO_FILE there).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "sim_flash.h"

static int errno_or_eio(void)
{
	return errno > 0 ? -errno : -EIO;
}

static int write_all(int fd, const uint8_t *src, size_t len, off_t pos)
{
	while (len > 0) {
		ssize_t n = pwrite(fd, src, len, pos);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return errno_or_eio();
		}
		src += n;
		len -= (size_t)n;
		pos += n;
	}
	return 0;
}

static int read_all(int fd, uint8_t *dst, size_t len, off_t pos)
{
	while (len > 0) {
		ssize_t n = pread(fd, dst, len, pos);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return errno_or_eio();
		}
		if (n == 0) {
			return -EIO; /* File shrank under us. */
		}
		dst += n;
		len -= (size_t)n;
		pos += n;
	}
	return 0;
}

static int file_write(struct sim_flash *f, uint32_t off, size_t len)
{
	return write_all(f->backing_fd, f->mem + off, len, (off_t)off);
}

static void file_close(struct sim_flash *f)
{
	(void)sim_flash_detach_file(f);
}

/* After loading content: a write block not entirely erased was programmed. */
static void infer_program_counts(struct sim_flash *f)
{
	uint32_t wb = f->dev.write_block;

	for (uint32_t i = 0; i < f->dev.size / wb; i++) {
		const uint8_t *cell = f->mem + (size_t)i * wb;
		uint8_t programmed = 0;

		for (uint32_t j = 0; j < wb; j++) {
			if (cell[j] != f->dev.erase_value) {
				programmed = 1;
				break;
			}
		}
		f->prog_count[i] = programmed;
	}
	memset(f->weak, 0, f->blocks);
}

int sim_flash_attach_file(struct sim_flash *f, const char *path)
{
	struct stat st;
	uint8_t *buf;
	int fd;
	int err;

	if (f->backing_write != NULL) {
		return -EBUSY;
	}
	if (path == NULL || f->mem == NULL) {
		return -EINVAL;
	}

	fd = open(path, O_RDWR);
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
		if (fd < 0) {
			return errno_or_eio();
		}
		f->backing_fd = fd;
		f->backing_write = file_write;
		f->backing_close = file_close;
		err = sim_flash_fill_erased(f);
		if (err != 0) {
			(void)sim_flash_detach_file(f);
			(void)unlink(path);
		}
		return err;
	}
	if (fd < 0) {
		return errno_or_eio();
	}

	if (fstat(fd, &st) != 0) {
		err = errno_or_eio();
		(void)close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode) || st.st_size != (off_t)f->dev.size) {
		(void)close(fd);
		return -EINVAL;
	}
	/* Load into a copy first: on error the device is left unchanged. */
	buf = malloc(f->dev.size);
	if (buf == NULL) {
		(void)close(fd);
		return -ENOMEM;
	}
	err = read_all(fd, buf, f->dev.size, 0);
	if (err != 0) {
		free(buf);
		(void)close(fd);
		return err;
	}
	memcpy(f->mem, buf, f->dev.size);
	free(buf);
	infer_program_counts(f);
	f->backing_fd = fd;
	f->backing_write = file_write;
	f->backing_close = file_close;
	return 0;
}

int sim_flash_detach_file(struct sim_flash *f)
{
	int err = 0;

	if (f->backing_write == NULL) {
		return 0;
	}
	if (close(f->backing_fd) != 0) {
		err = errno_or_eio();
	}
	f->backing_fd = -1;
	f->backing_write = NULL;
	f->backing_close = NULL;
	return err;
}
