/* number.c: argument parsing for Ingot programs: strtoul and atoi with the
 * C11 7.22.1 meanings (base 0 takes 0x.. as hex and 0.. as octal; overflow
 * saturates). Exercised by args.elf, primes.elf N and fault.elf CORE. */
#include <stddef.h>
#include "ingot.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'z') return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
	return 99;
}

static const char *skip_prefix(const char *s, int *base)
{
	int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16;

	if ((*base == 0 || *base == 16) && hex)
		return *base = 16, s + 2;
	if (*base == 0)
		*base = s[0] == '0' ? 8 : 10;
	return s;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	const char *start = s, *p;
	unsigned long v = 0, limit;
	int neg = 0, any = 0, over = 0, d;

	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (base < 0 || base == 1 || base > 36) {
		if (end) *end = (char *)start;
		return 0;
	}
	p = skip_prefix(s, &base);
	limit = (unsigned long)-1 / (unsigned long)base;
	for (; (d = digit_value(*p)) < base; p++, any = 1) {
		if (v > limit || v * (unsigned long)base > (unsigned long)-1 - (unsigned long)d)
			over = 1;
		v = v * (unsigned long)base + (unsigned long)d;
	}
	if (end)
		*end = (char *)(any ? p : start);
	if (over)
		return (unsigned long)-1;
	return neg ? 0 - v : v;
}

int atoi(const char *s)
{
	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '-')
		return (int)-(long)strtoul(s + 1, NULL, 10);
	return (int)strtoul(s, NULL, 10);
}
