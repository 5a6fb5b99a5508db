/* string.c: the memory and string helpers of the Ingot program SDK (C11
 * 7.24 semantics). gcc also calls memcpy/memset itself for struct copies;
 * built with -fno-tree-loop-distribute-patterns so these never call themselves.
 * memcpy and memset move 32 bytes at a time with AVX where CPUID and XCR0
 * say it may be used (QEMU -cpu max), 8 bytes otherwise. */
#include <stddef.h>
#include <stdint.h>
#include "ingot.h"

/* crt0.S calls ingot->exit at this fixed offset. */
_Static_assert(offsetof(struct ingot_api, exit) == 176, "crt0.S API_EXIT must match struct ingot_api");

/* A word that may alias any other type (C11 6.5p7 aside, gcc's may_alias). */
typedef uint64_t __attribute__((may_alias)) word_t;

/* Plain moves: 8 bytes at a time, any alignment (x86 allows it). */
typedef uint64_t __attribute__((may_alias, aligned(1))) uword_t;
/* 32-byte vectors for the AVX loops: loads of any alignment, stores to a
 * 32-byte aligned destination. */
typedef uint8_t __attribute__((vector_size(32), may_alias, aligned(1))) uvec_t;
typedef uint8_t __attribute__((vector_size(32), may_alias)) avec_t;

/* Below this, the set-up of the AVX loop costs more than it saves. */
#define WIDE_MIN 128

/* CPUID leaf 1 ECX: bit 27 OSXSAVE (CR4.OSXSAVE set, XGETBV works), bit 28
 * AVX; XCR0 bits 1 and 2: the SSE and AVX state enabled by the kernel
 * (Intel SDM vol. 1, 14.3); leaf 7 EBX bit 5: AVX2. */
#define FEAT_CHECKED 1
#define FEAT_AVX     2
#define FEAT_AVX2    4
static int features;                 /* FEAT_*; 0 until the first look */
static volatile int wide_off;        /* ingot_mem_wide(0) */

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

/* Every core finds the same answer: a race only writes it twice. */
static int cpu_features(void)
{
	int f = __atomic_load_n(&features, __ATOMIC_RELAXED);
	uint32_t r[4], max, lo, hi;

	if (f)
		return f;
	f = FEAT_CHECKED;
	cpuid(0, 0, r);
	max = r[0];
	cpuid(1, 0, r);
	if ((r[2] & (1u << 27)) && (r[2] & (1u << 28))) {
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		if ((lo & 6) == 6)
			f |= FEAT_AVX;
	}
	if ((f & FEAT_AVX) && max >= 7) {
		cpuid(7, 0, r);
		if (r[1] & (1u << 5))
			f |= FEAT_AVX2;
	}
	__atomic_store_n(&features, f, __ATOMIC_RELAXED);
	return f;
}

int ingot_cpu_avx(void) { return !!(cpu_features() & FEAT_AVX); }
int ingot_cpu_avx2(void) { return !!(cpu_features() & FEAT_AVX2); }
void ingot_mem_wide(int on) { wide_off = !on; }

static int use_wide(size_t n)
{
	return n >= WIDE_MIN && !wide_off && (cpu_features() & FEAT_AVX);
}

/* n >= WIDE_MIN, no overlap: the first and last 32 bytes by unaligned
 * moves, the middle by aligned stores from 32-byte aligned destination
 * addresses, four vectors a round. gcc ends the function with vzeroupper. */
static __attribute__((target("avx"), noinline)) void copy_avx(uint8_t *d, const uint8_t *s, size_t n)
{
	uvec_t head = *(const uvec_t *)s, tail = *(const uvec_t *)(s + n - 32);
	size_t skip = 32 - ((uintptr_t)d & 31), i = skip, end = n - 32;

	for (; i + 128 <= end; i += 128) {
		uvec_t a = *(const uvec_t *)(s + i), b = *(const uvec_t *)(s + i + 32);
		uvec_t c = *(const uvec_t *)(s + i + 64), e = *(const uvec_t *)(s + i + 96);

		*(avec_t *)(void *)(d + i) = a;
		*(avec_t *)(void *)(d + i + 32) = b;
		*(avec_t *)(void *)(d + i + 64) = c;
		*(avec_t *)(void *)(d + i + 96) = e;
	}
	for (; i < end; i += 32)
		*(avec_t *)(void *)(d + i) = *(const uvec_t *)(s + i);
	*(uvec_t *)d = head;
	*(uvec_t *)(d + n - 32) = tail;
}

static __attribute__((target("avx"), noinline)) void set_avx(uint8_t *d, uint8_t c, size_t n)
{
	avec_t v = (avec_t){ 0 } + c;
	size_t i = 32 - ((uintptr_t)d & 31), end = n - 32;

	*(uvec_t *)d = v;
	for (; i + 128 <= end; i += 128) {
		*(avec_t *)(void *)(d + i) = v;
		*(avec_t *)(void *)(d + i + 32) = v;
		*(avec_t *)(void *)(d + i + 64) = v;
		*(avec_t *)(void *)(d + i + 96) = v;
	}
	for (; i < end; i += 32)
		*(avec_t *)(void *)(d + i) = v;
	*(uvec_t *)(d + n - 32) = v;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (use_wide(n)) {
		copy_avx(d, s, n);
		return dst;
	}
	for (; n >= 8; d += 8, s += 8, n -= 8)
		*(uword_t *)(void *)d = *(const uword_t *)(const void *)s;
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || !n)
		return dst;
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n) {
		/* memcpy goes upwards 8 bytes at a time: safe below the source,
		 * but not its AVX path, which writes the last bytes first. */
		if ((uintptr_t)d + n <= (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
			return memcpy(dst, src, n);
		for (; n >= 8; d += 8, s += 8, n -= 8)
			*(uword_t *)(void *)d = *(const uword_t *)(const void *)s;
		while (n--)
			*d++ = *s++;
		return dst;
	}
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t word = (unsigned char)c * 0x0101010101010101ull;

	if (use_wide(n)) {
		set_avx(d, (uint8_t)c, n);
		return dst;
	}
	while (n && ((uintptr_t)d & 7))
		*d++ = (unsigned char)c, n--;
	for (; n >= 8; d += 8, n -= 8)
		*(word_t *)(void *)d = word;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
