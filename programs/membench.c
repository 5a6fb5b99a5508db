/* membench.c: memcpy and memset speed of the SDK (programs/lib/string.c)
 * on blocks of one size, with the AVX path (where CPUID and XCR0 allow it)
 * and with the plain 8-byte loop, on the boot core; checks the copies.
 * Run: exec membench.elf [KIB] [MIB]   (block size, default 1024 KiB; bytes
 * moved per measurement, default 256 MiB). QEMU -cpu max has AVX2. */
#include "ingot.h"

static uint64_t round_ns(uint8_t *a, uint8_t *b, size_t block, uint64_t total, int set)
{
	uint64_t t0 = ingot_time_ns();

	for (uint64_t done = 0; done < total; done += block) {
		if (set)
			memset(a, (int)(done >> 20), block);
		else
			memcpy((done / block) & 1 ? a : b, (done / block) & 1 ? b : a, block);
	}
	return ingot_time_ns() - t0;
}

/* GB/s with two decimals, as an integer pair (no %f needed for it). */
static void report(const char *what, const char *how, uint64_t total, uint64_t ns)
{
	uint64_t centi = ns ? total * 100 / ns : 0;   /* bytes per ns = GB/s */

	ingot_printf("membench: %s %s: %llu MiB in %llu ms: %llu.%02llu GB/s\n", what, how,
		     (unsigned long long)(total >> 20), (unsigned long long)(ns / 1000000),
		     (unsigned long long)(centi / 100), (unsigned long long)(centi % 100));
}

int main(int argc, char **argv)
{
	size_t block = (argc > 1 ? strtoul(argv[1], 0, 0) : 1024) * 1024;
	uint64_t total = (uint64_t)(argc > 2 ? strtoul(argv[2], 0, 0) : 256) << 20;
	uint8_t *a = ingot_mem_base(), *b = a + block + 4096 + 64; /* not the same offset in a page */
	int bad = 0;

	if (!block || total < block || 2 * block + 8192 > ingot_mem_size()) {
		ingot_printf("error: membench: blocks of %zu bytes do not fit\n", block);
		return 2;
	}
	ingot_printf("membench: %zu KiB blocks, AVX %s\n", block / 1024, ingot_cpu_avx() ? "yes" : "no");
	for (int wide = ingot_cpu_avx(); wide >= 0; wide--) {
		const char *how = wide ? "avx" : "plain";

		ingot_mem_wide(wide);
		for (size_t i = 0; i < block; i++)   /* the last round's memset wrote over a */
			a[i] = (uint8_t)(i * 7 + 3), b[i] = 0;
		memcpy(b + 1, a + 3, block - 3);     /* both unaligned */
		bad += b[0] != 0;
		for (size_t i = 3; i < block; i++)
			bad += b[i - 2] != (uint8_t)(i * 7 + 3);
		memcpy(b, a, block);
		for (size_t i = 0; i < block; i++)
			bad += b[i] != (uint8_t)(i * 7 + 3);
		report("memcpy", how, total, round_ns(a, b, block, total, 0));
		report("memset", how, total, round_ns(a, b, block, total, 1));
	}
	ingot_mem_wide(1);
	ingot_printf("membench: %d wrong bytes\n", bad);
	return bad ? 1 : 0;
}
