/* avx.c: checks that a program's AVX2 (and, where the CPU has it, AVX-512)
 * registers survive the kernel: every core loads all vector registers with
 * its own pattern, spins while interrupts run kernel code (the heartbeat and
 * typed keys on the boot core; a software interrupt through the kernel's
 * entry path on every core), then compares; and it computes with AVX2 and
 * compares with scalar code. Without AVX2 it says so and exits with 3.
 * Run: exec avx.elf [SECONDS]   (QEMU -cpu max: AVX2, no AVX-512) */
#include "ingot.h"

#define WAIT_NS (60 * 1000000000ull)
#define HOLD_NS 20000000ull   /* one round: 20 ms, two heartbeats */
#define N 256

static uint64_t deadline, tsc_per_hold;
static int has512;
static unsigned cores_done, rounds_all, keys;
static uint64_t bad_regs, bad_math, swints;

static void cpuid2(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static uint64_t rdtsc64(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Spin until the TSC passes end, taking a software interrupt (the spurious
 * vector: the kernel's whole entry and exit path, no handler) when swint;
 * returns how many. Used between loading and storing the registers. */
#define HOLD_LOOP \
	"rdtsc; shl $32, %%rdx; or %%rdx, %%rax; add %[cyc], %%rax; mov %%rax, %%r8; xor %%r9d, %%r9d\n" \
	"1: test %[sw], %[sw]; jz 2f; int $0xff; inc %%r9\n" \
	"2: pause; rdtsc; shl $32, %%rdx; or %%rdx, %%rax; cmp %%r8, %%rax; jb 1b\n" \
	"mov %%r9, %[n]\n"

#pragma GCC push_options
#pragma GCC target("avx2")

#define LD(i) "vmovdqu " #i "*32(%[in]), %%ymm" #i "\n"
#define ST(i) "vmovdqu %%ymm" #i ", " #i "*32(%[out])\n"

/* All 16 YMM registers held across the spin; the count of words changed. */
static unsigned hold_ymm(const uint32_t *in, uint32_t *out, uint64_t cycles, uint64_t sw, uint64_t *ints)
{
	unsigned bad = 0;
	uint64_t n;

	__asm__ volatile(LD(0) LD(1) LD(2) LD(3) LD(4) LD(5) LD(6) LD(7)
			 LD(8) LD(9) LD(10) LD(11) LD(12) LD(13) LD(14) LD(15)
			 HOLD_LOOP
			 ST(0) ST(1) ST(2) ST(3) ST(4) ST(5) ST(6) ST(7)
			 ST(8) ST(9) ST(10) ST(11) ST(12) ST(13) ST(14) ST(15)
			 : [n] "=&r"(n)
			 : [in] "r"(in), [out] "r"(out), [cyc] "r"(cycles), [sw] "r"(sw)
			 : "rax", "rdx", "r8", "r9", "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
			   "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	for (int i = 0; i < 16 * 8; i++)
		bad += out[i] != in[i];
	*ints += n;
	return bad;
}

typedef int32_t v8si __attribute__((vector_size(32)));
typedef double v4df __attribute__((vector_size(32)));

/* AVX2 integer and AVX double arithmetic (GCC vector types: vpmulld,
 * vpaddd, vmulpd, vaddpd) against the same sums done one element at a time
 * (volatile: never vectorised). Returns how many of the two differ. */
static unsigned math_avx2(uint32_t seed)
{
	v8si a[N / 8], b[N / 8], acc = { 0 };
	v4df x[N / 4], dacc = { 0 };
	volatile uint32_t sref = 0;
	volatile double dref = 0;
	uint32_t sum = 0;

	for (int i = 0; i < N; i++) {
		a[i / 8][i % 8] = (int32_t)(seed * 2654435761u + (uint32_t)i * 40503u);
		b[i / 8][i % 8] = i - 77;
		x[i / 4][i % 4] = i * 0.5 + seed % 7;
	}
	for (int i = 0; i < N / 8; i++)
		acc += a[i] * b[i];
	for (int i = 0; i < N / 4; i++)
		dacc += x[i] * x[i];
	for (int i = 0; i < N; i++) {
		sref = sref + (uint32_t)a[i / 8][i % 8] * (uint32_t)b[i / 8][i % 8];
		dref = dref + x[i / 4][i % 4] * x[i / 4][i % 4];
	}
	for (int i = 0; i < 8; i++)
		sum += (uint32_t)acc[i];
	/* Squares of multiples of 0.5 below 2^20: every sum is exact, in any order. */
	return (sum != sref) + (dacc[0] + dacc[1] + dacc[2] + dacc[3] != dref);
}
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f")
#define LDZ(i) "vmovdqu64 " #i "*64(%[in]), %%zmm" #i "\n"
#define STZ(i) "vmovdqu64 %%zmm" #i ", " #i "*64(%[out])\n"

/* All 32 ZMM registers held across the spin (opmask state is set by the
 * kernel's XCR0 with them); the count of words changed. */
static unsigned hold_zmm(const uint32_t *in, uint32_t *out, uint64_t cycles, uint64_t sw, uint64_t *ints)
{
	unsigned bad = 0;
	uint64_t n;

	__asm__ volatile(LDZ(0) LDZ(1) LDZ(2) LDZ(3) LDZ(4) LDZ(5) LDZ(6) LDZ(7) LDZ(8) LDZ(9) LDZ(10) LDZ(11)
			 LDZ(12) LDZ(13) LDZ(14) LDZ(15) LDZ(16) LDZ(17) LDZ(18) LDZ(19) LDZ(20) LDZ(21) LDZ(22)
			 LDZ(23) LDZ(24) LDZ(25) LDZ(26) LDZ(27) LDZ(28) LDZ(29) LDZ(30) LDZ(31)
			 HOLD_LOOP
			 STZ(0) STZ(1) STZ(2) STZ(3) STZ(4) STZ(5) STZ(6) STZ(7) STZ(8) STZ(9) STZ(10) STZ(11)
			 STZ(12) STZ(13) STZ(14) STZ(15) STZ(16) STZ(17) STZ(18) STZ(19) STZ(20) STZ(21) STZ(22)
			 STZ(23) STZ(24) STZ(25) STZ(26) STZ(27) STZ(28) STZ(29) STZ(30) STZ(31)
			 : [n] "=&r"(n)
			 : [in] "r"(in), [out] "r"(out), [cyc] "r"(cycles), [sw] "r"(sw)
			 : "rax", "rdx", "r8", "r9", "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
			   "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
			   "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25",
			   "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31");
	for (int i = 0; i < 32 * 16; i++)
		bad += out[i] != in[i];
	*ints += n;
	return bad;
}
#pragma GCC pop_options

/* Each core: rounds of holding the registers and of arithmetic until the
 * deadline; the boot core also takes the typed keys between rounds. */
static void avx_core(void *arg)
{
	static uint32_t in[256][32 * 16], out[256][32 * 16];
	unsigned me = ingot_core_index() & 255, rounds = 0;
	uint64_t regs = 0, math = 0, ints = 0;

	(void)arg;
	while (ingot_time_ns() < deadline) {
		for (int i = 0; i < 32 * 16; i++)
			in[me][i] = (me + 1) * 0x01000193u ^ (uint32_t)i * 0x9e3779b9u ^ rounds;
		/* On the boot core only every other round: the heartbeat alone, too. */
		uint64_t sw = me != 0 || rounds % 2;

		regs += has512 ? hold_zmm(in[me], out[me], tsc_per_hold, sw, &ints)
			       : hold_ymm(in[me], out[me], tsc_per_hold, sw, &ints);
		math += math_avx2(me * 1000 + rounds);
		if (me == 0)
			while (ingot_getc() >= 0)
				__atomic_fetch_add(&keys, 1, __ATOMIC_RELAXED);
		rounds++;
	}
	__atomic_fetch_add(&bad_regs, regs, __ATOMIC_RELAXED);
	__atomic_fetch_add(&bad_math, math, __ATOMIC_RELAXED);
	__atomic_fetch_add(&swints, ints, __ATOMIC_RELAXED);
	__atomic_fetch_add(&rounds_all, rounds, __ATOMIC_RELAXED);
	__atomic_fetch_add(&cores_done, 1, __ATOMIC_RELAXED);
}

/* AVX2 usable: CPUID says AVX and AVX2, the kernel set OSXSAVE, and XCR0
 * enables the SSE and AVX state. AVX-512F also needs XCR0's bits 5-7. */
static int avx_usable(uint64_t *xcr0)
{
	uint32_t r[4], ecx1, ebx7 = 0;

	cpuid2(0, 0, r);
	if (r[0] < 7)
		return 0;
	cpuid2(1, 0, r);
	ecx1 = r[2];
	cpuid2(7, 0, r);
	ebx7 = r[1];
	*xcr0 = 0;
	if (ecx1 & (1u << 27)) {
		uint32_t lo, hi;

		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		*xcr0 = (uint64_t)hi << 32 | lo;
	}
	has512 = (ebx7 & (1u << 16)) && (*xcr0 & 0xe6) == 0xe6;
	return (ecx1 & (1u << 28)) && (ebx7 & (1u << 5)) && (*xcr0 & 6) == 6;
}

int main(int argc, char **argv)
{
	unsigned seconds = argc > 1 ? (unsigned)strtoul(argv[1], 0, 0) : 3, cores = ingot_core_count();
	uint64_t xcr0 = 0, t0, c0;
	int started = 0;

	(void)argv;
	if (!avx_usable(&xcr0)) {
		ingot_printf("avx: no AVX2 on this CPU (XCR0 0x%llx): nothing checked\n", (unsigned long long)xcr0);
		return 3;
	}
	t0 = ingot_time_ns(), c0 = rdtsc64();
	while (ingot_time_ns() - t0 < 10000000ull)
		;
	tsc_per_hold = (rdtsc64() - c0) * HOLD_NS / (ingot_time_ns() - t0);
	deadline = ingot_time_ns() + (seconds ? seconds : 1) * 1000000000ull;
	if (cores > 1)
		started = ingot_smp_run_all(avx_core, 0);
	ingot_printf("avx: %s on %d cores for %u s, XCR0 0x%llx\n", has512 ? "avx-512 and avx2" : "avx2",
		     (started > 0 ? started : 0) + 1, seconds, (unsigned long long)xcr0);
	avx_core(0);
	if (started > 0 && ingot_smp_wait(WAIT_NS))
		ingot_printf("avx: the other cores did not finish\n");
	ingot_printf("avx: %u cores, %u rounds, %llu software interrupts, %u keys; registers changed %llu, "
		     "wrong results %llu\n", cores_done, rounds_all, (unsigned long long)swints, keys,
		     (unsigned long long)bad_regs, (unsigned long long)bad_math);
	return bad_regs || bad_math || cores_done != cores;
}
