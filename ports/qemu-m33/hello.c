/*
 * Smoke test of the QEMU Cortex-M33 port: printf reaches the host's stdout
 * through semihosting, the heap works, and exit(3) becomes QEMU's exit
 * status 3 (checked by the qemu_m33_hello CTest).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	static volatile uint32_t data_word = 0x12345678u; /* .data copied? */
	static uint32_t bss_word;                         /* .bss zeroed? */
	size_t big = 2u * 1024u * 1024u;
	uint8_t *p = malloc(big);
	uint32_t sp;

	__asm__ volatile("mov %0, sp" : "=r"(sp));
	printf("hello from cortex-m33: data %s, bss %s, sp 0x%08lx, heap %s at %p\n",
	       data_word == 0x12345678u ? "ok" : "BAD", bss_word == 0 ? "ok" : "BAD",
	       (unsigned long)sp, p != NULL ? "2 MiB" : "FAILED", (void *)p);
	if (p != NULL) {
		memset(p, 0xa5, big);
		free(p);
	}
	fflush(stdout);
	exit(3);
}
