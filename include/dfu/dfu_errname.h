/*
 * Errno values by name. newlib and glibc number errno differently, so tools
 * and tests print the symbol ("-EINVAL"), never the number.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef DFU_ERRNAME_H_
#define DFU_ERRNAME_H_

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Name of a return code: "0" for 0, "-EINVAL" for -EINVAL, "+EIO" for a
 * positive errno, "-?" / "+?" for values the table does not know. The
 * returned string is static. Lives in its own object file: a firmware that
 * never calls it does not link the table.
 */
const char *dfu_errno_name(int err);

#ifdef __cplusplus
}
#endif

#endif /* DFU_ERRNAME_H_ */
