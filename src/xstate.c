/* xstate.c: turns on the XSAVE feature set on every core (Intel SDM vol. 1
 * ch. 13, vol. 3A 2.5 CR4.OSXSAVE and 2.6 XCR0) so programs may use the AVX
 * and AVX-512 registers. The kernel itself never touches them (it is built
 * with -mgeneral-regs-only), so nothing is saved on its entry paths.
 * QEMU: -cpu max (x87 SSE AVX), -cpu qemu64 (no XSAVE). */
#include <stdint.h>
#include "x86.h"
#include "xstate.h"

#define CPUID1_ECX_XSAVE (1u << 26)
#define X86_CR4_OSXSAVE (1ull << 18)

static uint64_t xstate_set;
static uint32_t xstate_size;

uint64_t xstate_pick(uint64_t supported)
{
	uint64_t x = XSTATE_X87 | XSTATE_SSE;

	if ((supported & x) != x)
		return 0;
	if (!(supported & XSTATE_AVX))
		return x;
	x |= XSTATE_AVX;
	if ((supported & XSTATE_AVX512) == XSTATE_AVX512)
		x |= XSTATE_AVX512;
	return x;
}

void xstate_init_cpu(void)
{
	uint32_t r[4];
	uint64_t want;

	cpuid(0, 0, r);
	if (r[0] < 0xD)
		return;
	cpuid(1, 0, r);
	if (!(r[2] & CPUID1_ECX_XSAVE))
		return;
	cpuid(0xD, 0, r);
	want = xstate_pick((uint64_t)r[3] << 32 | r[0]);
	if (!want)
		return;
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)want), "d"((uint32_t)(want >> 32)) : "memory");
	cpuid(0xD, 0, r); /* EBX: the area size for the components now enabled */
	/* Every core gets the same values (the boot core's CPUID is everyone's). */
	xstate_set = want;
	xstate_size = r[1];
}

uint64_t xstate_xcr0(void) { return xstate_set; }
uint32_t xstate_area_size(void) { return xstate_size; }
