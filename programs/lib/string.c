/* string.c: the memory and string helpers of the Ingot program SDK (C11
 * 7.24 semantics). gcc also calls memcpy/memset itself for struct copies;
 * built with -fno-tree-loop-distribute-patterns so these never call themselves. */
#include <stddef.h>
#include <stdint.h>
#include "ingot.h"

/* crt0.S calls ingot->exit at this fixed offset. */
_Static_assert(offsetof(struct ingot_api, exit) == 176, "crt0.S API_EXIT must match struct ingot_api");

/* A word that may alias any other type (C11 6.5p7 aside, gcc's may_alias). */
typedef uint64_t __attribute__((may_alias)) word_t;

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n >= 8 && !(((uintptr_t)d | (uintptr_t)s) & 7)) {
		*(word_t *)(void *)d = *(const word_t *)(const void *)s;
		d += 8, s += 8, n -= 8;
	}
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
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t word = (unsigned char)c * 0x0101010101010101ull;

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
