/* printf.c: formatted output for Ingot programs (C11 7.21.6.1 subset: d i u x
 * X c s p f F e E g G %, flags - 0, width, precision, hh h l ll z). ingot_printf
 * prints its buffer with ONE call, so lines from several cores never mix; every
 * example uses it. Doubles go through the x87's 64-bit long double: exact to
 * 17 significant digits (zeros after them); values that are short binary
 * fractions (k / 2^32 and coarser) are converted exactly, halves to even. */
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

/* A positive double as decimal digits: d[0] at 10^e, then down. exact:
 * these are all its digits (the rest zeros), else 19 truncated ones. */
struct dec {
	char d[48];
	int len, e, exact;
};

#define SIG_DIGITS 17   /* what a double holds; later ones print as 0 */

/* 10^(2^i) for i = 0..12, rounded once each by the compiler. */
static const long double pow10_bits[13] = { 1e1L, 1e2L, 1e4L, 1e8L, 1e16L, 1e32L, 1e64L, 1e128L, 1e256L,
					    1e512L, 1e1024L, 1e2048L, 1e4096L };

static long double pow10l_int(int n)
{
	long double r = 1;

	for (int i = 0; n && i < 13; i++, n >>= 1)
		if (n & 1)
			r *= pow10_bits[i];
	return r;
}

/* Inexact: v = m * 10^e with 1 <= m < 10 in the x87's long double (64-bit
 * mantissa), then 19 digits; good to about 18 significant digits. */
static void dec_approx(struct dec *x, long double v)
{
	int e2 = 0, e10;
	long double t = v, m;

	while (t >= 2) t /= 65536, e2 += 16;
	while (t < 1) t *= 2, e2--;
	e10 = (int)(e2 * 0.30103) - (e2 < 0);
	m = e10 >= 0 ? v / pow10l_int(e10) : v * pow10l_int(-e10);
	while (m >= 10) m /= 10, e10++;
	while (m < 1) m *= 10, e10--;
	x->e = e10, x->len = 19, x->exact = 0;
	for (int i = 0; i < 19; i++) {
		int k = (int)m;

		k = k > 9 ? 9 : k;
		x->d[i] = (char)('0' + k);
		m = (m - k) * 10;
	}
}

/* Exact when v = N * 2^j fits: N * 5^-j (j >= -32) or N << j below 2^128,
 * in 128-bit integers; so exact halves round to even as C libraries do. */
static int dec_exact(struct dec *x, double v)
{
	uint64_t bits, n;
	int j, k = 0;
	unsigned __int128 D;
	char tmp[48];
	int len = 0;

	__builtin_memcpy(&bits, &v, sizeof(bits));
	j = (int)(bits >> 52 & 0x7ff);
	n = bits & ((1ull << 52) - 1);
	if (j)
		n |= 1ull << 52, j -= 1075;
	else
		j = -1074;
	while (!(n & 1))
		n >>= 1, j++;
	if (j >= 0) {
		if (64 - __builtin_clzll(n) + j > 127)
			return 0;
		D = (unsigned __int128)n << j;
	} else {
		if (j < -32)
			return 0;
		D = n;
		for (k = 0; k < -j; k++)
			D *= 5;
	}
	while (D)
		tmp[len++] = (char)('0' + (int)(D % 10)), D /= 10;
	for (int i = 0; i < len; i++)
		x->d[i] = tmp[len - 1 - i];
	x->len = len, x->e = len - 1 - k, x->exact = 1;
	while (x->len > 1 && x->d[x->len - 1] == '0')
		x->len--;
	return 1;
}

/* x rounded to n significant digits into out (round half to even on exact
 * digits); returns how many digits out has (0: the value rounds to 0) and
 * sets *e to the power of ten of out[0] (one up after a carry). */
static int dec_round(const struct dec *x, int n, char *out, int *e)
{
	int lim = x->exact ? n : n < SIG_DIGITS ? n : SIG_DIGITS, len;

	*e = x->e;
	if (lim < 0 || !x->len)
		return 0;
	len = lim < x->len ? lim : x->len;
	for (int i = 0; i < len; i++)
		out[i] = x->d[i];
	if (lim >= x->len)
		return len;
	int rest = !x->exact, odd = lim ? (x->d[lim - 1] - '0') & 1 : 0, i = len - 1;

	for (int k = lim + 1; k < x->len; k++)
		rest |= x->d[k] != '0';
	if (x->d[lim] < '5' || (x->d[lim] == '5' && !rest && !odd))
		return len;
	while (i >= 0 && out[i] == '9')
		out[i--] = '0';
	if (i >= 0) {
		out[i]++;
		return len;
	}
	out[0] = '1', (*e)++;
	return len ? len : 1;
}

#define FLT_CHARS 420  /* %f of 1e308 has 309 integer digits */

struct fltbuf {
	char s[FLT_CHARS];
	int n;
};

static void fb_put(struct fltbuf *b, char c)
{
	if (b->n < (int)sizeof(b->s))
		b->s[b->n++] = c;
}

/* The digit of out (len digits, out[0] at 10^e) at 10^p. */
static char dec_digit(const char *out, int len, int e, int p)
{
	int i = e - p;

	return i >= 0 && i < len ? out[i] : '0';
}

/* %e body: d.ddde[+-]XX with prec digits after the point. */
static void fmt_e(struct fltbuf *b, const struct dec *x, int prec, int upper)
{
	char out[48];
	int e, len = dec_round(x, prec + 1, out, &e);

	if (!len)
		e = 0;
	fb_put(b, dec_digit(out, len, e, e));
	if (prec)
		fb_put(b, '.');
	for (int i = 1; i <= prec; i++)
		fb_put(b, dec_digit(out, len, e, e - i));
	fb_put(b, upper ? 'E' : 'e');
	fb_put(b, e < 0 ? '-' : '+');
	if (e < 0)
		e = -e;
	if (e >= 100)
		fb_put(b, (char)('0' + e / 100));
	fb_put(b, (char)('0' + e / 10 % 10));
	fb_put(b, (char)('0' + e % 10));
}

/* %f body: the integer digits, then prec after the point. */
static void fmt_f(struct fltbuf *b, const struct dec *x, int prec)
{
	char out[48];
	int e, len = dec_round(x, x->e + 1 + prec, out, &e);

	for (int p = e > 0 ? e : 0; p >= 0; p--)
		fb_put(b, dec_digit(out, len, e, p));
	if (prec)
		fb_put(b, '.');
	for (int p = -1; p >= -prec; p--)
		fb_put(b, dec_digit(out, len, e, p));
}

/* %g: %e or %f by the exponent after rounding, trailing zeros removed. */
static void fmt_g(struct fltbuf *b, const struct dec *x, int prec, int upper)
{
	char out[48];
	int e = 0, start = b->n, end, mant, dot = -1, cut;

	if (prec == 0)
		prec = 1;
	if (x->len)
		dec_round(x, prec, out, &e);
	if (e < prec && e >= -4)
		fmt_f(b, x, prec - 1 - e);
	else
		fmt_e(b, x, prec - 1, upper);
	end = mant = b->n;
	for (int i = start; i < end; i++)
		if (b->s[i] == 'e' || b->s[i] == 'E')
			mant = i;
	for (int i = start; i < mant; i++)
		if (b->s[i] == '.')
			dot = i;
	if (dot < 0)
		return;
	for (cut = mant; cut > dot + 1 && b->s[cut - 1] == '0'; cut--)
		;
	if (cut == dot + 1)
		cut = dot;
	for (int i = mant; i < end; i++)
		b->s[cut + i - mant] = b->s[i];
	b->n = cut + end - mant;
}

static void put_double(struct out *o, const struct spec *sp, double v)
{
	struct fltbuf b = { .n = 0 };
	struct dec x = { .len = 0 };
	int upper = sp->conv == 'F' || sp->conv == 'E' || sp->conv == 'G';
	int neg = __builtin_signbit(v) != 0, prec = sp->prec < 0 ? 6 : sp->prec, zeros = 0;
	char lc = sp->conv | 0x20;

	if (prec > FLT_CHARS / 2)
		prec = FLT_CHARS / 2;
	if (v != v || __builtin_isinf(v)) {
		const char *t = v != v ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");

		while (*t)
			fb_put(&b, *t++);
	} else {
		if (neg)
			v = -v;
		if (v != 0 && !dec_exact(&x, v))
			dec_approx(&x, v);
		if (lc == 'f')
			fmt_f(&b, &x, prec);
		else if (lc == 'e')
			fmt_e(&b, &x, prec, upper);
		else
			fmt_g(&b, &x, prec, upper);
		if (sp->zero && !sp->left && sp->width > b.n + neg)
			zeros = sp->width - b.n - neg;
	}
	int spaces = sp->width - b.n - neg - zeros;

	if (!sp->left)
		pad(o, ' ', spaces);
	if (neg)
		put(o, '-');
	pad(o, '0', zeros);
	for (int i = 0; i < b.n; i++)
		put(o, b.s[i]);
	if (sp->left)
		pad(o, ' ', spaces);
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
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': put_double(o, sp, va_arg(*ap, double)); break;
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
