/*
 * The crypto provider chosen in Kconfig (see dfu_zephyr.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>

#include "dfu_zephyr/dfu_zephyr.h"

#if defined(CONFIG_DFU_TARGET_CRYPTO_PSA)
#include "dfu_crypto_psa.h"
#endif

const struct dfu_crypto *dfu_zephyr_crypto(void)
{
#if defined(CONFIG_DFU_TARGET_CRYPTO_PSA)
	static struct dfu_crypto_psa psa;
	static struct dfu_crypto crypto;

	return dfu_crypto_psa_init(&psa, &crypto, true) == 0 ? &crypto : NULL;
#elif defined(CONFIG_DFU_TARGET_CRYPTO_TINYCRYPT)
	static struct dfu_crypto crypto;

	return dfu_zephyr_tinycrypt_init(&crypto) == 0 ? &crypto : NULL;
#else
	return NULL;
#endif
}
