/* parse.c: the monitor's command-line parsing: splitting a line into
 * ';'-separated commands of quoted words, and unsigned number parsing.
 * Pure functions with no kernel state, host unit-tested (tests/unit/test_parse.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "parse.h"

/* Where parse_command reads from and how much of buf it has filled. */
struct splitter {
	const char *s;
	char *buf;
	size_t used, size;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Every byte goes through here so no input, however crafted, can write
 * past bufsz: the header's "bufsz > strlen(line)" is a promise we don't trust. */
static int put_byte(struct splitter *sp, char c)
{
	if (sp->used >= sp->size)
		return -E2BIG;
	sp->buf[sp->used++] = c;
	return 0;
}

/* Copy one word into buf with quotes removed and escapes resolved. Quotes
 * may open and close anywhere, so a"b c"d is the single word "ab cd". */
static int scan_word(struct splitter *sp)
{
	char quote = 0;
	int err;

	for (;;) {
		char c = *sp->s;

		if (c == '\0') {
			if (quote)
				return -EINVAL;
			break;
		}
		if (!quote && (is_blank(c) || c == ';'))
			break;
		sp->s++;
		if (quote && c == quote) {
			quote = 0;
			continue;
		}
		if (!quote && (c == '"' || c == '\'')) {
			quote = c;
			continue;
		}
		/* Inside single quotes everything is literal, as in sh. */
		if (c == '\\' && quote != '\'') {
			c = *sp->s;
			if (c == '\0')
				return -EINVAL;
			sp->s++;
		}
		err = put_byte(sp, c);
		if (err)
			return err;
	}
	return put_byte(sp, '\0');
}

int parse_command(const char **line, char *buf, size_t bufsz, char **argv, int max_args)
{
	struct splitter sp = { *line, buf, 0, bufsz };
	int argc = 0, err;

	if (!sp.s)
		return 0;
	for (;;) {
		while (is_blank(*sp.s))
			sp.s++;
		if (*sp.s == '\0' || *sp.s == ';')
			break;
		err = -E2BIG;
		if (argc < max_args) {
			argv[argc++] = buf + sp.used;
			err = scan_word(&sp);
		}
		/* A line that failed to parse must not half-run: drop the rest. */
		if (err) {
			*line = NULL;
			return err;
		}
	}
	*line = *sp.s == ';' ? sp.s + 1 : NULL;
	/* Callers that size argv with room to spare get a terminated list. */
	if (argc < max_args)
		argv[argc] = NULL;
	return argc;
}

/* A hex or decimal digit's value, or -1. */
int parse_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Binary size units, so "mem 16M" means what a programmer expects. */
static unsigned suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	default: return 0;
	}
}

/* Consume a base prefix. With hex_default "0b..." stays hex (0b8000 is the
 * VGA buffer, not a malformed binary number); 0x and 0o are unambiguous. */
static unsigned number_base(const char **s, int hex_default)
{
	const char *p = *s;

	if (p[0] != '0')
		return hex_default ? 16 : 10;
	*s += 2;
	if (p[1] == 'x' || p[1] == 'X')
		return 16;
	if (p[1] == 'o' || p[1] == 'O')
		return 8;
	if (!hex_default && (p[1] == 'b' || p[1] == 'B'))
		return 2;
	*s -= 2;
	return hex_default ? 16 : 10;
}

int parse_u64(const char *s, int hex_default, uint64_t *out)
{
	unsigned base, shift = 0;
	bool overflow = false;
	const char *digits;
	uint64_t v = 0;
	int d;

	if (!s || !out)
		return -EINVAL;
	base = number_base(&s, hex_default);
	for (digits = s; (d = parse_digit(*s)) >= 0 && (unsigned)d < base; s++) {
		if (v > (UINT64_MAX - (unsigned)d) / base)
			overflow = true;
		v = v * base + (unsigned)d;
	}
	if (s == digits)
		return -EINVAL;
	/* Only a prefix-less decimal takes a suffix: in hex 'b' would be a digit. */
	if (base == 10 && (shift = suffix_shift(*s)) != 0)
		s++;
	/* Syntax errors win over range errors: "99999999999999999999x" is a typo. */
	if (*s != '\0')
		return -EINVAL;
	if (overflow || (shift && v > (UINT64_MAX >> shift)))
		return -ERANGE;
	*out = v << shift;
	return 0;
}
