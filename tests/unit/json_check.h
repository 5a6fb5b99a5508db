/* json_check.h: a small strict JSON checker (RFC 8259) for the writer's
 * tests and fuzzer: the text must be one value with optional white space
 * around it, every byte printable ASCII or white space (the writer escapes
 * the rest). Strings are decoded into a callback so a test can compare them
 * with what it wrote. */
#ifndef JSON_CHECK_H
#define JSON_CHECK_H

#include <stddef.h>
#include <string.h>

struct jc {
	const char *p, *end;
	int depth;
	/* Each decoded string (keys too), as bytes; \u escapes above 0xFF are
	 * given as '?'. May be NULL. */
	void (*str)(void *ctx, const unsigned char *s, size_t n);
	void *ctx;
	unsigned char sbuf[4096];
};

static void jc_ws(struct jc *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
		c->p++;
}

static int jc_hex(char h)
{
	return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
}

static int jc_string(struct jc *c)
{
	size_t n = 0;

	if (c->p >= c->end || *c->p++ != '"')
		return -1;
	for (;;) {
		unsigned char ch;

		if (c->p >= c->end)
			return -1;
		ch = (unsigned char)*c->p++;
		if (ch == '"')
			break;
		if (ch < 0x20 || ch >= 0x7F)
			return -1;
		if (ch == '\\') {
			if (c->p >= c->end)
				return -1;
			ch = (unsigned char)*c->p++;
			switch (ch) {
			case '"': case '\\': case '/': break;
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 't': ch = '\t'; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'u': {
				unsigned v = 0;

				if (c->end - c->p < 4)
					return -1;
				for (int i = 0; i < 4; i++) {
					int d = jc_hex(*c->p++);

					if (d < 0)
						return -1;
					v = v << 4 | (unsigned)d;
				}
				ch = v > 0xFF ? '?' : (unsigned char)v;
				break;
			}
			default: return -1;
			}
		}
		if (n < sizeof(c->sbuf))
			c->sbuf[n++] = ch;
	}
	if (c->str)
		c->str(c->ctx, c->sbuf, n);
	return 0;
}

static int jc_number(struct jc *c)
{
	const char *s = c->p;

	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p >= c->end || *c->p < '0' || *c->p > '9')
		return -1;
	if (*c->p == '0')
		c->p++;
	else
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			c->p++;
	/* The writer makes integers only: no fraction or exponent. */
	return c->p > s ? 0 : -1;
}

static int jc_word(struct jc *c, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n))
		return -1;
	c->p += n;
	return 0;
}

static int jc_value(struct jc *c);

/* An object or array after its opening bracket. */
static int jc_container(struct jc *c, char close, int object)
{
	jc_ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		return 0;
	}
	for (;;) {
		jc_ws(c);
		if (object) {
			if (jc_string(c))
				return -1;
			jc_ws(c);
			if (c->p >= c->end || *c->p++ != ':')
				return -1;
		}
		if (jc_value(c))
			return -1;
		jc_ws(c);
		if (c->p >= c->end)
			return -1;
		if (*c->p == close) {
			c->p++;
			return 0;
		}
		if (*c->p++ != ',')
			return -1;
	}
}

static int jc_value(struct jc *c)
{
	int r;

	jc_ws(c);
	if (c->p >= c->end)
		return -1;
	switch (*c->p) {
	case '{': case '[':
		if (++c->depth > 64)
			return -1;
		c->p++;
		r = jc_container(c, c->p[-1] == '{' ? '}' : ']', c->p[-1] == '{');
		c->depth--;
		return r;
	case '"': return jc_string(c);
	case 't': return jc_word(c, "true");
	case 'f': return jc_word(c, "false");
	case 'n': return jc_word(c, "null");
	default: return jc_number(c);
	}
}

/* 0 when [s, s + n) is exactly one JSON value (white space around it). */
static inline int json_check(const char *s, size_t n, void (*str)(void *, const unsigned char *, size_t), void *ctx)
{
	static struct jc c;

	memset(&c, 0, sizeof(c));
	c.p = s, c.end = s + n, c.str = str, c.ctx = ctx;
	if (jc_value(&c))
		return -1;
	jc_ws(&c);
	return c.p == c.end ? 0 : -1;
}

#endif
