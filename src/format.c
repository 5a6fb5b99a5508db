/* format.c: printf-style formatting for the kernel (C11 7.21.6.1 subset:
 * flags, width, precision, hh/h/l/ll/z/j length, d i u x X o c s p %).
 * Pure code, host unit-tested in tests/unit/test_format.c. */
#include <stdarg.h>
#include <stdint.h>
#include "console.h"
#include "string.h"

struct spec {
	int left, zero, plus, space, alt;
	int width, prec;
	int len;   /* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t */
	char conv;
};

struct emitter {
	void (*out)(void *ctx, const char *s, size_t n);
	void *ctx;
	int count;
};

static void emit(struct emitter *e, const char *s, size_t n)
{
	if (n) {
		e->out(e->ctx, s, n);
		e->count += (int)n;
	}
}

static void emit_pad(struct emitter *e, char c, int n)
{
	char pad[16];

	memset(pad, c, sizeof(pad));
	while (n > 0) {
		int k = n > 16 ? 16 : n;
		emit(e, pad, (size_t)k);
		n -= k;
	}
}

static const char *spec_parse(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-') sp->left = 1;
		else if (*f == '0') sp->zero = 1;
		else if (*f == '+') sp->plus = 1;
		else if (*f == ' ') sp->space = 1;
		else if (*f == '#') sp->alt = 1;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) { sp->left = 1; sp->width = -sp->width; }
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->prec = sp->prec * 10 + (*f++ - '0');
		}
	}
	if (*f == 'h') { sp->len = -1; f++; if (*f == 'h') { sp->len = -2; f++; } }
	else if (*f == 'l') { sp->len = 1; f++; if (*f == 'l') { sp->len = 2; f++; } }
	else if (*f == 'z' || *f == 'j' || *f == 't') { sp->len = 3; f++; }
	sp->conv = *f;
	return *f ? f + 1 : f;
}

/* The argument of an integer conversion, sign-extended (is_signed) or
 * zero-extended from its length's width: hh 8, h 16, none 32 bits. */
static uint64_t arg_int(const struct spec *sp, va_list *ap, int is_signed)
{
	unsigned bits = sp->len == -2 ? 8 : sp->len == -1 ? 16 : 32;
	uint64_t v;

	if (sp->len > 0)
		return va_arg(*ap, unsigned long long);
	v = va_arg(*ap, unsigned int) & ((1ull << bits) - 1);
	if (is_signed && v >> (bits - 1))
		v |= ~0ull << bits;
	return v;
}

/* Digits of v in base, written backwards from end; returns the start. */
static char *utoa_rev(char *end, uint64_t v, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		*--end = digits[v % base];
		v /= base;
	} while (v);
	return end;
}

static void emit_number(struct emitter *e, const struct spec *sp, uint64_t v, int neg, unsigned base)
{
	char buf[24], *end = buf + sizeof(buf), *s;
	const char *prefix = "";
	int ndig, nzero, total;

	s = (sp->prec == 0 && v == 0) ? end : utoa_rev(end, v, base, sp->conv == 'X');
	ndig = (int)(end - s);
	if (neg) prefix = "-";
	else if (sp->plus) prefix = "+";
	else if (sp->space) prefix = " ";
	if (sp->alt && base == 16 && v) prefix = sp->conv == 'X' ? "0X" : "0x";
	if (sp->alt && base == 8 && (sp->prec <= ndig)) prefix = "0";
	nzero = sp->prec > ndig ? sp->prec - ndig : 0;
	total = (int)strlen(prefix) + nzero + ndig;
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > total)
		nzero += sp->width - total, total = sp->width;
	if (!sp->left) emit_pad(e, ' ', sp->width - total);
	emit(e, prefix, strlen(prefix));
	emit_pad(e, '0', nzero);
	emit(e, s, (size_t)ndig);
	if (sp->left) emit_pad(e, ' ', sp->width - total);
}

static void emit_string(struct emitter *e, const struct spec *sp, const char *s)
{
	size_t n;

	if (!s)
		s = "(null)";
	n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	if (!sp->left) emit_pad(e, ' ', sp->width - (int)n);
	emit(e, s, n);
	if (sp->left) emit_pad(e, ' ', sp->width - (int)n);
}

static void emit_conv(struct emitter *e, struct spec *sp, va_list *ap)
{
	char c;
	int64_t sv;

	switch (sp->conv) {
	case 'd': case 'i':
		sv = (int64_t)arg_int(sp, ap, 1);
		emit_number(e, sp, sv < 0 ? (uint64_t)0 - (uint64_t)sv : (uint64_t)sv, sv < 0, 10);
		break;
	case 'u': emit_number(e, sp, arg_int(sp, ap, 0), 0, 10); break;
	case 'x': case 'X': emit_number(e, sp, arg_int(sp, ap, 0), 0, 16); break;
	case 'o': emit_number(e, sp, arg_int(sp, ap, 0), 0, 8); break;
	case 'p':
		sp->alt = 1;
		sp->conv = 'x';
		emit_number(e, sp, (uint64_t)(uintptr_t)va_arg(*ap, void *), 0, 16);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		if (!sp->left) emit_pad(e, ' ', sp->width - 1);
		emit(e, &c, 1);
		if (sp->left) emit_pad(e, ' ', sp->width - 1);
		break;
	case 's': emit_string(e, sp, va_arg(*ap, const char *)); break;
	case '%': emit(e, "%", 1); break;
	default: emit(e, "%?", 2); break;
	}
}

int format_emit(void (*out)(void *ctx, const char *s, size_t n), void *ctx, const char *fmt, va_list ap)
{
	struct emitter e = { out, ctx, 0 };
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		const char *p = strchr(fmt, '%');
		size_t n = p ? (size_t)(p - fmt) : strlen(fmt);

		emit(&e, fmt, n);
		if (!p)
			break;
		fmt = spec_parse(p + 1, &sp, &aq);
		if (sp.conv)
			emit_conv(&e, &sp, &aq);
	}
	va_end(aq);
	return e.count;
}

struct sbuf {
	char *buf;
	size_t size, pos;
};

static void sbuf_out(void *ctx, const char *s, size_t n)
{
	struct sbuf *sb = ctx;

	for (size_t i = 0; i < n; i++, sb->pos++)
		if (sb->pos + 1 < sb->size)
			sb->buf[sb->pos] = s[i];
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sbuf sb = { buf, size, 0 };
	int n = format_emit(sbuf_out, &sb, fmt, ap);

	if (size)
		buf[sb.pos < size ? sb.pos : size - 1] = 0;
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
