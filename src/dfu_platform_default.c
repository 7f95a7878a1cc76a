/*
 * The default platform hook: no configuration. Alone in its object file on
 * purpose: a static linker takes it from libdfu.a only when no object linked
 * before the library defines dfu_target_platform_config() (dfu_target.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>

#include "dfu/dfu_target.h"

const struct dfu_config *dfu_target_platform_config(void)
{
	return NULL;
}
