/* xstate.h: the extended processor state (Intel SDM vol. 1 ch. 13 "Managing
 * State Using the XSAVE Feature Set"): every core sets CR4.OSXSAVE and XCR0
 * so programs may use AVX and AVX-512. QEMU: -cpu max (AVX2), -cpu qemu64 (none). */
#ifndef INGOT_XSTATE_H
#define INGOT_XSTATE_H

#include <stdint.h>

/* XCR0 state components (SDM vol. 1 13.1). */
#define XSTATE_X87       (1ull << 0)
#define XSTATE_SSE       (1ull << 1)
#define XSTATE_AVX       (1ull << 2)
#define XSTATE_OPMASK    (1ull << 5)
#define XSTATE_ZMM_HI256 (1ull << 6)
#define XSTATE_HI16_ZMM  (1ull << 7)
#define XSTATE_AVX512    (XSTATE_OPMASK | XSTATE_ZMM_HI256 | XSTATE_HI16_ZMM)

/* Pure: the XCR0 value for the components CPUID.(0DH,0):EDX:EAX says the
 * CPU supports: x87 and SSE, AVX with them, the three AVX-512 components
 * only all together and with AVX (anything else raises #GP on XSETBV). */
uint64_t xstate_pick(uint64_t supported);
/* On the calling core: CR4.OSXSAVE and XCR0 when CPUID.1:ECX.XSAVE is set;
 * nothing otherwise. Every core calls it once at start. */
void xstate_init_cpu(void);
/* XCR0 as set (0: the CPU has no XSAVE) and the XSAVE area size for it. */
uint64_t xstate_xcr0(void);
uint32_t xstate_area_size(void);

#endif
