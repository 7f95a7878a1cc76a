/*
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>

#include "dfu/dfu_errname.h"

#define E_(sym)                         \
	{                               \
		sym, "-" #sym, "+" #sym \
	}

static const struct {
	int num;
	const char *neg;
	const char *pos;
} names[] = {
	E_(EPERM),     E_(ENOENT),       E_(EIO),          E_(ENOEXEC),   E_(EAGAIN),
	E_(ENOMEM),    E_(EACCES),       E_(EFAULT),       E_(EBUSY),     E_(EEXIST),
	E_(ENODEV),    E_(EINVAL),       E_(EFBIG),        E_(ENOSPC),    E_(EROFS),
	E_(EPIPE),     E_(EDOM),         E_(ERANGE),       E_(ENODATA),   E_(EPROTO),
	E_(EBADMSG),   E_(EOVERFLOW),    E_(EILSEQ),       E_(EMSGSIZE),  E_(ENOTSUP),
	E_(ETIMEDOUT), E_(EALREADY),     E_(EINPROGRESS),  E_(ESTALE),    E_(ECANCELED),
	E_(EINTR),     E_(ENXIO),        E_(E2BIG),        E_(ENOSYS),    E_(ECONNRESET),
	E_(ENOTCONN),  E_(ECONNREFUSED), E_(EHOSTUNREACH), E_(ENOTEMPTY), E_(ENOTRECOVERABLE),
	E_(EXDEV),     E_(ESPIPE),       E_(EOPNOTSUPP),   E_(EDEADLK),   E_(ENOBUFS),
	E_(ENOLINK),
#ifdef ESHUTDOWN /* newlib: only with __LINUX_ERRNO_EXTENSIONS__ */
	E_(ESHUTDOWN),
#endif
};

const char *dfu_errno_name(int err)
{
	if (err == 0) {
		return "0";
	}
	/* -INT_MIN overflows: no errno is that large anyway. */
	int mag = err < 0 ? (err == INT_MIN ? 0 : -err) : err;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].num == mag) {
			return err < 0 ? names[i].neg : names[i].pos;
		}
	}
	return err < 0 ? "-?" : "+?";
}
