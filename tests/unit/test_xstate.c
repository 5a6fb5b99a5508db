/* test_xstate.c: host tests of xstate_pick (src/xstate.c): the XCR0 value
 * for what CPUID.(0DH,0):EDX:EAX reports, per the Intel SDM vol. 1 13.3
 * rules (x87 always, AVX needs SSE, the AVX-512 states only all together). */
/* sources: src/xstate.c */
#include "unit.h"
#include "xstate.h"

int main(void)
{
	CHECK_U64("xstate.none", xstate_pick(0), 0);
	CHECK_U64("xstate.x87_only", xstate_pick(XSTATE_X87), 0);
	CHECK_U64("xstate.sse", xstate_pick(0x3), 0x3);
	CHECK_U64("xstate.qemu_max", xstate_pick(0x7), 0x7);
	/* MPX (bits 3-4) and PKRU (bit 9) are left off. */
	CHECK_U64("xstate.skylake_client", xstate_pick(0x1f), 0x7);
	CHECK_U64("xstate.skylake_sp", xstate_pick(0x2ff), 0xe7);
	CHECK_U64("xstate.avx512_partial", xstate_pick(0x67), 0x7);
	CHECK_U64("xstate.avx512_without_avx", xstate_pick(0xe3), 0x3);
	/* AMX tile states (17, 18) need permission a program cannot ask for. */
	CHECK_U64("xstate.sapphire_rapids", xstate_pick(0x602e7), 0xe7);
	return unit_exit();
}
