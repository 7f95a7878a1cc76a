/*
 * dfu-sim device directory internals shared by device.c (open, wire,
 * close) and device_create.c (create, remove, key conversion).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DSIM_DEVICE_INTERNAL_H_
#define DSIM_DEVICE_INTERNAL_H_

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_CAP 600

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline void
set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || len == 0) {
		return;
	}
	va_start(ap, fmt);
	(void)vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static inline int errno_or_eio(void)
{
	return errno > 0 ? -errno : -EIO;
}

static inline int path_of(char *out, const char *dir, const char *name, const char *ext)
{
	int n = snprintf(out, PATH_CAP, "%s/%s%s", dir, name, ext);

	return n < 0 || n >= PATH_CAP ? -ENAMETOOLONG : 0;
}

static inline bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static inline int unlink_if_there(const char *path)
{
	return unlink(path) == 0 || errno == ENOENT ? 0 : errno_or_eio();
}

#endif /* DSIM_DEVICE_INTERNAL_H_ */
