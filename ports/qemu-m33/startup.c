/*
 * Startup code for bare test binaries on QEMU's mps2-an505 (Cortex-M33),
 * linked with newlib + semihosting (--specs=rdimon.specs) and qemu-m33.ld.
 *
 * At reset the core reads the vector table at 0x10000000: word 0 is the
 * initial stack pointer, word 1 the reset handler. The reset handler copies
 * .data from flash to RAM and calls newlib's _start, which zeroes .bss, sets
 * up the heap, runs constructors and calls main(); exit(n) ends QEMU with
 * status n through semihosting.
 *
 * Stack and heap stay in RAM as the linker script lays them out. newlib's
 * _start asks the debugger for a stack and heap (semihosting SYS_HEAPINFO)
 * and QEMU answers with its largest RAM region, the 16 MiB PSRAM at
 * 0x80000000 - so _start would move the stack there and let the heap
 * (which grows from `end`, after .bss in RAM) run past the end of RAM.
 * _start then calls _stack_init, a weak hook in newlib's crt0, with nothing
 * on the stack yet: ours puts sp back at the top of RAM and caps the heap
 * (newlib's __heap_limit) at the bottom of the stack reserve, so malloc()
 * fails cleanly with ENOMEM instead of faulting.
 *
 * The same hook sets the Cortex-M33 stack limit register (MSPLIM) to the
 * bottom of the stack reserve: a stack overflow raises a fault instead of
 * silently overwriting the heap.
 *
 * Faults do not hang the emulator: any exception other than reset prints
 * its name through semihosting and exits with status 128 + exception
 * number (a stack overflow: "HardFault", 131).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>

/* Linker script symbols. */
extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __stack_top__[];

/* newlib's C runtime entry (rdimon-crt0.o). */
extern void _start(void) __attribute__((noreturn));

void Reset_Handler(void) __attribute__((noreturn));
void Default_Handler(void);
void _stack_init(void);
static void report_exception(void) __attribute__((noreturn, used));

/* Semihosting operations (ARM "Semihosting for AArch32 and AArch64"). */
#define SH_SYS_WRITE0 0x04u
#define SH_SYS_EXIT_EXTENDED 0x20u
#define SH_ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uint32_t semihost(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;

	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

static const char *const exc_names[16] = {
	[2] = "NMI",        [3] = "HardFault",   [4] = "MemManage", [5] = "BusFault",
	[6] = "UsageFault", [7] = "SecureFault", [11] = "SVCall",   [12] = "DebugMonitor",
	[14] = "PendSV",    [15] = "SysTick",
};

/* Lift the stack limit first (after an overflow sp sits at the limit), then
 * report from C. */
__attribute__((naked)) void Default_Handler(void)
{
	__asm__ volatile("movs r0, #0\n\t"
			 "msr msplim, r0\n\t"
			 "b report_exception\n\t");
}

static void report_exception(void)
{
	uint32_t ipsr;
	char num[4];
	uint32_t exit_args[2];

	__asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
	ipsr &= 0x1ffu;
	(void)semihost(SH_SYS_WRITE0, "\n*** unexpected exception: ");
	if (ipsr < 16 && exc_names[ipsr] != 0) {
		(void)semihost(SH_SYS_WRITE0, exc_names[ipsr]);
	} else {
		/* External interrupt: IRQ number = ipsr - 16, print ipsr. */
		num[0] = (char)('0' + (ipsr / 100) % 10);
		num[1] = (char)('0' + (ipsr / 10) % 10);
		num[2] = (char)('0' + ipsr % 10);
		num[3] = '\0';
		(void)semihost(SH_SYS_WRITE0, "exception #");
		(void)semihost(SH_SYS_WRITE0, num);
	}
	(void)semihost(SH_SYS_WRITE0, "\n");
	exit_args[0] = SH_ADP_STOPPED_APPLICATION_EXIT;
	exit_args[1] = 128u + (ipsr & 0x7fu);
	(void)semihost(SH_SYS_EXIT_EXTENDED, exit_args);
	for (;;) {
	}
}

/*
 * Called by newlib's _start right after it set sp from SYS_HEAPINFO, with
 * nothing pushed yet (see the top of this file). Leaf, no stack use.
 */
__attribute__((naked)) void _stack_init(void)
{
	__asm__ volatile("ldr r0, =__stack_top__\n\t"
			 "mov sp, r0\n\t"
			 "ldr r0, =__stack_limit__\n\t"
			 "msr msplim, r0\n\t"
			 "ldr r1, =__heap_limit\n\t"
			 "str r0, [r1]\n\t"
			 /* sl: stack limit + slop, as newlib's default hook. */
			 "add r0, r0, #256\n\t"
			 "mov sl, r0\n\t"
			 "bx lr\n\t"
			 ".ltorg\n\t");
}

void Reset_Handler(void)
{
	const uint32_t *src = __data_load__;

	for (uint32_t *dst = __data_start__; dst < __data_end__;) {
		*dst++ = *src++;
	}
	_start();
}

/* 16 system exceptions; the board's external interrupts stay disabled. */
typedef void (*vector_t)(void);
__attribute__((section(".vectors"), used)) const vector_t __isr_vector[16] = {
	(vector_t)(uintptr_t)__stack_top__, /* 0: initial SP */
	Reset_Handler,                      /* 1: reset */
	Default_Handler,                    /* 2: NMI */
	Default_Handler,                    /* 3: HardFault */
	Default_Handler,                    /* 4: MemManage */
	Default_Handler,                    /* 5: BusFault */
	Default_Handler,                    /* 6: UsageFault */
	Default_Handler,                    /* 7: SecureFault */
	0,
	0,
	0,
	Default_Handler, /* 11: SVCall */
	Default_Handler, /* 12: DebugMonitor */
	0,
	Default_Handler, /* 14: PendSV */
	Default_Handler, /* 15: SysTick */
};
