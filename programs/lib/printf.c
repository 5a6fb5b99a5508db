/* printf.c: formatted output for Ingot programs (C11 7.21.6.1 subset: d i u x
 * X c s p %, flags - 0, width, precision, hh h l ll z). ingot_printf prints its
 * buffer with ONE call, so lines from several cores never mix; every example uses it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "ingot.h"

#define PRINTF_BUF 512

/* A table of pointers: the loader's R_X86_64_RELATIVE relocations fix it up,
 * so every example exercises them (no number prints right without them). */
static const char *const digit_sets[2] = { "0123456789abcdef", "0123456789ABCDEF" };

struct out {
	char *buf;
	size_t cap, pos;
	size_t total;
	int flush;             /* 1: print when full (printf); 0: truncate */
};

struct spec {
	int left, zero, width, prec, len;
	char conv;
};

static void put(struct out *o, char c)
{
	if (o->flush) {
		if (o->pos == o->cap) {
			ingot_print(o->buf, o->pos);
			o->pos = 0;
		}
		o->buf[o->pos++] = c;
	} else if (o->pos + 1 < o->cap) {
		o->buf[o->pos++] = c;
	}
	o->total++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-') sp->left = 1;
		else if (*f == '0') sp->zero = 1;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int), f++;
		if (sp->width < 0) sp->left = 1, sp->width = -sp->width;
	}
	for (; *f >= '0' && *f <= '9'; f++)
		sp->width = sp->width * 10 + (*f - '0');
	if (*f == '.') {
		sp->prec = 0, f++;
		if (*f == '*') sp->prec = va_arg(*ap, int), f++;
		for (; *f >= '0' && *f <= '9'; f++)
			sp->prec = sp->prec * 10 + (*f - '0');
	}
	for (; *f == 'h' || *f == 'l' || *f == 'z' || *f == 'j' || *f == 't'; f++)
		sp->len += *f == 'h' ? -1 : *f == 'l' ? 1 : 2;
	sp->conv = *f;
	return *f ? f + 1 : f;
}

static uint64_t get_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->len >= 1)
		return sp->len == 1 ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned long long);
	if (sp->len == -1)
		return (unsigned short)va_arg(*ap, unsigned int);
	if (sp->len <= -2)
		return (unsigned char)va_arg(*ap, unsigned int);
	return va_arg(*ap, unsigned int);
}

static int64_t get_signed(const struct spec *sp, va_list *ap)
{
	if (sp->len >= 1)
		return sp->len == 1 ? va_arg(*ap, long) : va_arg(*ap, long long);
	if (sp->len == -1)
		return (short)va_arg(*ap, int);
	if (sp->len <= -2)
		return (signed char)va_arg(*ap, int);
	return va_arg(*ap, int);
}

static void put_number(struct out *o, const struct spec *sp, uint64_t v, int neg, unsigned base,
		       const char *prefix)
{
	const char *digits = digit_sets[sp->conv == 'X'];
	char tmp[24];
	int n = 0, plen = (int)strlen(prefix) + neg, zeros, spaces;

	while (v || (n == 0 && sp->prec != 0)) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	zeros = sp->prec > n ? sp->prec - n : 0;
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > plen + n)
		zeros = sp->width - plen - n;
	spaces = sp->width - plen - zeros - n;
	if (!sp->left)
		pad(o, ' ', spaces);
	if (neg)
		put(o, '-');
	for (; *prefix; prefix++)
		put(o, *prefix);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', spaces);
}

static void put_string(struct out *o, const struct spec *sp, const char *s)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - n);
}

static void put_conv(struct out *o, const struct spec *sp, va_list *ap)
{
	int64_t sv;

	switch (sp->conv) {
	case 'd': case 'i':
		sv = get_signed(sp, ap);
		put_number(o, sp, sv < 0 ? 0 - (uint64_t)sv : (uint64_t)sv, sv < 0, 10, "");
		break;
	case 'u': put_number(o, sp, get_unsigned(sp, ap), 0, 10, ""); break;
	case 'x': case 'X': put_number(o, sp, get_unsigned(sp, ap), 0, 16, ""); break;
	case 'p': put_number(o, sp, (uintptr_t)va_arg(*ap, void *), 0, 16, "0x"); break;
	case 'c':
		if (!sp->left)
			pad(o, ' ', sp->width - 1);
		put(o, (char)va_arg(*ap, int));
		if (sp->left)
			pad(o, ' ', sp->width - 1);
		break;
	case 's': put_string(o, sp, va_arg(*ap, const char *)); break;
	case '%': put(o, '%'); break;
	default: put(o, '%'), put(o, '?'); break;
	}
}

static void format(struct out *o, const char *fmt, va_list ap)
{
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &aq);
		if (sp.conv)
			put_conv(o, &sp, &aq);
	}
	va_end(aq);
}

int ingot_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0, 0, 0 };

	format(&o, fmt, ap);
	if (size)
		buf[o.pos] = 0;
	return (int)o.total;
}

int ingot_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ingot_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int ingot_vprintf(const char *fmt, va_list ap)
{
	char buf[PRINTF_BUF];
	struct out o = { buf, sizeof(buf), 0, 0, 1 };

	format(&o, fmt, ap);
	if (o.pos)
		ingot_print(buf, o.pos);
	return (int)o.total;
}

int ingot_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ingot_vprintf(fmt, ap);
	va_end(ap);
	return n;
}
