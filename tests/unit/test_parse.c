/* test_parse.c: host unit tests for src/monitor/parse.c (command splitting
 * and number parsing). Prints PASS:/FAIL: per check, exits 1 on any failure. */
/* sources: src/monitor/parse.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "string.h"
#include "errno.h"
#include "parse.h"

static int failures;

static void pass(const char *name)
{
	printf("PASS: parse_%s\n", name);
}

static void fail(const char *name, const char *fmt, const char *want, const char *got)
{
	printf("FAIL: parse_%s: ", name);
	printf(fmt, want, got);
	printf("\n");
	failures++;
}

static const char *err_name(int e)
{
	switch (e) {
	case -E2BIG: return "E2BIG";
	case -EINVAL: return "EINVAL";
	case -ERANGE: return "ERANGE";
	default: return "?";
	}
}

/* Split a whole line, rendering each command as {[w1][w2]} and an error
 * as !NAME, so one string comparison checks words, quoting and order. */
static void split_all(const char *line, size_t bufsz, int max_args, char *out, size_t outsz)
{
	char *buf = malloc(bufsz ? bufsz : 1);
	char **argv = malloc(sizeof(char *) * (size_t)(max_args > 0 ? max_args : 1));
	const char *p = line;
	size_t o = 0;
	int guard = 0;

	out[0] = '\0';
	while (p && guard++ < 100) {
		int argc = parse_command(&p, buf, bufsz, argv, max_args);

		if (argc < 0) {
			o += (size_t)snprintf(out + o, outsz - o, "!%s", err_name(argc));
			if (p)
				o += (size_t)snprintf(out + o, outsz - o, "(line not NULL)");
			break;
		}
		o += (size_t)snprintf(out + o, outsz - o, "{");
		for (int i = 0; i < argc; i++)
			o += (size_t)snprintf(out + o, outsz - o, "[%s]", argv[i]);
		if (argc < max_args && argv[argc] != NULL)
			o += (size_t)snprintf(out + o, outsz - o, "(argv not NULL-terminated)");
		o += (size_t)snprintf(out + o, outsz - o, "}");
	}
	free(buf);
	free(argv);
}

static void check_split_sized(const char *name, const char *line, size_t bufsz,
			      int max_args, const char *want)
{
	char got[2048];

	split_all(line, bufsz, max_args, got, sizeof got);
	if (strcmp(got, want) == 0)
		pass(name);
	else
		fail(name, "expected %s, got %s", want, got);
}

static void check_split(const char *name, const char *line, const char *want)
{
	check_split_sized(name, line, strlen(line) + 1, PARSE_MAX_ARGS, want);
}

static void test_split(void)
{
	check_split("split_simple", "peek b8000 4", "{[peek][b8000][4]}");
	check_split("split_empty_line", "", "{}");
	check_split("split_blank_line", " \t  ", "{}");
	check_split("split_tabs_and_spaces", "\tls \t -l  ", "{[ls][-l]}");
	check_split("split_two_commands", "a b;c d", "{[a][b]}{[c][d]}");
	check_split("split_spaces_around_semicolon", "a ; b", "{[a]}{[b]}");
	check_split("split_trailing_semicolon", "ls;", "{[ls]}{}");
	check_split("split_empty_commands", ";;", "{}{}{}");
	check_split("split_empty_between", "a;;b", "{[a]}{}{[b]}");
	check_split("split_semicolon_ends_word", "a;b", "{[a]}{[b]}");
	check_split("split_double_quotes", "echo \"a b\"", "{[echo][a b]}");
	check_split("split_single_quotes", "echo 'a b'", "{[echo][a b]}");
	check_split("split_quote_mid_word", "a\"b c\"d", "{[ab cd]}");
	check_split("split_adjacent_quotes", "'a'\"b\"c", "{[abc]}");
	check_split("split_empty_double_quoted", "echo \"\" x", "{[echo][][x]}");
	check_split("split_empty_single_quoted", "echo ''", "{[echo][]}");
	check_split("split_empty_quote_joins_word", "a\"\"b", "{[ab]}");
	check_split("split_semicolon_in_double_quotes", "echo \"a;b\";x", "{[echo][a;b]}{[x]}");
	check_split("split_semicolon_in_single_quotes", "echo 'a;b'", "{[echo][a;b]}");
	check_split("split_single_in_double", "echo \"it's\"", "{[echo][it's]}");
	check_split("split_double_in_single", "echo 'say \"hi\"'", "{[echo][say \"hi\"]}");
	check_split("split_escape_semicolon", "echo a\\;b", "{[echo][a;b]}");
	check_split("split_escape_space", "echo a\\ b", "{[echo][a b]}");
	check_split("split_escape_quote", "echo \\\"x", "{[echo][\"x]}");
	check_split("split_escape_backslash", "echo a\\\\b", "{[echo][a\\b]}");
	check_split("split_escape_in_double_quotes", "echo \"a\\\"b\\\\\"", "{[echo][a\"b\\]}");
	check_split("split_backslash_literal_in_single", "echo 'a\\b'", "{[echo][a\\b]}");
	check_split("split_escape_tab_char", "a\\\tb", "{[a\tb]}");
	check_split("split_escaped_space_alone", "\\ ", "{[ ]}");
	check_split("split_unterminated_double", "echo \"abc", "!EINVAL");
	check_split("split_unterminated_single", "echo 'abc", "!EINVAL");
	check_split("split_unterminated_after_ok", "a; b \"c", "{[a]}!EINVAL");
	check_split("split_trailing_backslash", "echo a\\", "!EINVAL");
	check_split("split_trailing_backslash_in_quote", "echo \"a\\", "!EINVAL");
}

static void test_split_limits(void)
{
	char line[200];
	char want[400];
	size_t o = 0;

	/* exactly max_args words fit; one more is too many */
	check_split_sized("args_exactly_max", "a b c", 16, 3, "{[a][b][c]}");
	check_split_sized("args_one_too_many", "a b c d", 16, 3, "!E2BIG");
	check_split_sized("args_too_many_first_cmd", "a b c d;e", 16, 3, "!E2BIG");
	check_split_sized("args_limit_per_command", "a b c;d e f", 16, 3, "{[a][b][c]}{[d][e][f]}");
	check_split_sized("args_zero_max_empty", ";", 4, 0, "{}{}");
	check_split_sized("args_zero_max_word", "a", 4, 0, "!E2BIG");

	for (int i = 0; i < PARSE_MAX_ARGS; i++)
		memcpy(line + 2 * i, "w ", 3);
	o += (size_t)snprintf(want + o, sizeof want - o, "{");
	for (int i = 0; i < PARSE_MAX_ARGS; i++)
		o += (size_t)snprintf(want + o, sizeof want - o, "[w]");
	snprintf(want + o, sizeof want - o, "}");
	check_split_sized("args_parse_max_args", line, sizeof line, PARSE_MAX_ARGS, want);
	memcpy(line + 2 * PARSE_MAX_ARGS, "w", 2);
	check_split_sized("args_parse_max_args_plus_one", line, sizeof line, PARSE_MAX_ARGS, "!E2BIG");

	/* "ab cd" needs "ab\0cd\0" = 6 bytes; buffers are malloc'd to the exact
	 * size so ASan catches a single byte written past bufsz. */
	check_split_sized("buf_exact_fit", "ab cd", 6, 4, "{[ab][cd]}");
	check_split_sized("buf_one_short", "ab cd", 5, 4, "!E2BIG");
	check_split_sized("buf_no_room_for_nul", "abc", 3, 4, "!E2BIG");
	check_split_sized("buf_zero", "a", 0, 4, "!E2BIG");
	check_split_sized("buf_zero_empty_line", "", 0, 4, "{}");
	check_split_sized("buf_quotes_take_no_room", "\"ab\"", 3, 4, "{[ab]}");
	check_split_sized("buf_empty_word_needs_nul", "\"\"", 1, 4, "{[]}");
	check_split_sized("buf_reused_per_command", "abc;def", 4, 4, "{[abc]}{[def]}");
}

static void check_true(const char *name, int ok, const char *want, const char *got)
{
	if (ok)
		pass(name);
	else
		fail(name, "expected %s, got %s", want, got);
}

static void test_split_line_pointer(void)
{
	char buf[32], got[64];
	char *argv[4];
	const char *line = "a;b";
	const char *p = line;
	int argc = parse_command(&p, buf, sizeof buf, argv, 4);

	snprintf(got, sizeof got, "argc %d offset %td", argc, p ? p - line : -1);
	check_true("line_advances_past_semicolon", argc == 1 && p == line + 2,
		   "argc 1 offset 2", got);
	argc = parse_command(&p, buf, sizeof buf, argv, 4);
	snprintf(got, sizeof got, "argc %d argv0 %s line %s", argc,
		 argc > 0 ? argv[0] : "-", p ? "set" : "NULL");
	check_true("line_null_at_end", argc == 1 && !p && strcmp(argv[0], "b") == 0,
		   "argc 1 argv0 b line NULL", got);
	argc = parse_command(&p, buf, sizeof buf, argv, 4);
	snprintf(got, sizeof got, "argc %d", argc);
	check_true("line_null_input_gives_empty", argc == 0 && !p, "argc 0", got);

	p = "x \\";
	argc = parse_command(&p, buf, sizeof buf, argv, 4);
	snprintf(got, sizeof got, "%d, line %s", argc, p ? "set" : "NULL");
	check_true("line_null_after_error", argc == -EINVAL && !p, "-22, line NULL", got);
}

static void check_num(const char *name, const char *s, int hex, int want_err, uint64_t want)
{
	uint64_t v = 0x5a5a5a5a5a5a5a5aull;
	int err = parse_u64(s, hex, &v);
	char w[64], g[64];

	if (err == want_err && (err != 0 || v == want) &&
	    (err == 0 || v == 0x5a5a5a5a5a5a5a5aull)) {
		pass(name);
		return;
	}
	if (want_err)
		snprintf(w, sizeof w, "%s", err_name(want_err));
	else
		snprintf(w, sizeof w, "0x%llx", (unsigned long long)want);
	if (err)
		snprintf(g, sizeof g, "%s (out=0x%llx)", err_name(err), (unsigned long long)v);
	else
		snprintf(g, sizeof g, "0x%llx", (unsigned long long)v);
	fail(name, "expected %s, got %s", w, g);
}

static void test_numbers(void)
{
	check_num("num_dec", "1234", 0, 0, 1234);
	check_num("num_zero", "0", 0, 0, 0);
	check_num("num_zero_hexdefault", "0", 1, 0, 0);
	check_num("num_dec_leading_zeros", "007", 0, 0, 7);
	check_num("num_dec_max", "18446744073709551615", 0, 0, UINT64_MAX);
	check_num("num_dec_overflow", "18446744073709551616", 0, -ERANGE, 0);
	check_num("num_dec_huge", "99999999999999999999999", 0, -ERANGE, 0);
	check_num("num_hex", "0x1F", 0, 0, 0x1f);
	check_num("num_hex_upper_prefix", "0XaBc", 0, 0, 0xabc);
	check_num("num_hex_max", "0xffffffffffffffff", 0, 0, UINT64_MAX);
	check_num("num_hex_overflow", "0x10000000000000000", 0, -ERANGE, 0);
	check_num("num_hex_leading_zeros", "0x0000000000000000000001", 0, 0, 1);
	check_num("num_bin", "0b1011", 0, 0, 11);
	check_num("num_bin_upper", "0B11", 0, 0, 3);
	check_num("num_bin_max", "0b1111111111111111111111111111111111111111111111111111111111111111", 0, 0, UINT64_MAX);
	check_num("num_bin_overflow", "0b10000000000000000000000000000000000000000000000000000000000000000", 0, -ERANGE, 0);
	check_num("num_bin_bad_digit", "0b102", 0, -EINVAL, 0);
	check_num("num_oct", "0o755", 0, 0, 0755);
	check_num("num_oct_upper", "0O17", 0, 0, 017);
	check_num("num_oct_max", "0o1777777777777777777777", 0, 0, UINT64_MAX);
	check_num("num_oct_overflow", "0o2000000000000000000000", 0, -ERANGE, 0);
	check_num("num_oct_bad_digit", "0o8", 0, -EINVAL, 0);
	check_num("num_hexdefault_plain", "b8000", 1, 0, 0xb8000);
	check_num("num_hexdefault_kernel_base", "ffff800000000000", 1, 0, 0xffff800000000000ull);
	check_num("num_hexdefault_digits", "10", 1, 0, 0x10);
	check_num("num_hexdefault_0x", "0x10", 1, 0, 0x10);
	check_num("num_hexdefault_0o", "0o10", 1, 0, 8);
	check_num("num_hexdefault_0b_is_hex", "0b8000", 1, 0, 0xb8000);
	check_num("num_hexdefault_overflow", "10000000000000000", 1, -ERANGE, 0);
	check_num("num_hexdefault_no_suffix", "10k", 1, -EINVAL, 0);
	check_num("num_hexdefault_bad", "xyz", 1, -EINVAL, 0);
	check_num("num_suffix_k", "4k", 0, 0, 4096);
	check_num("num_suffix_K", "4K", 0, 0, 4096);
	check_num("num_suffix_m", "16m", 0, 0, 16ull << 20);
	check_num("num_suffix_M", "16M", 0, 0, 16ull << 20);
	check_num("num_suffix_g", "2g", 0, 0, 2ull << 30);
	check_num("num_suffix_G", "3G", 0, 0, 3ull << 30);
	check_num("num_suffix_zero", "0k", 0, 0, 0);
	check_num("num_suffix_max_fit", "17179869183G", 0, 0, 17179869183ull << 30);
	check_num("num_suffix_overflow_g", "17179869184G", 0, -ERANGE, 0);
	check_num("num_suffix_overflow_k", "18014398509481984k", 0, -ERANGE, 0);
	check_num("num_suffix_alone", "k", 0, -EINVAL, 0);
	check_num("num_suffix_twice", "4kk", 0, -EINVAL, 0);
	check_num("num_suffix_then_junk", "4kb", 0, -EINVAL, 0);
	check_num("num_suffix_after_hex", "0x4k", 0, -EINVAL, 0);
	check_num("num_suffix_after_bin", "0b1k", 0, -EINVAL, 0);
	check_num("num_suffix_after_oct", "0o1k", 0, -EINVAL, 0);
	check_num("num_suffix_unknown", "4t", 0, -EINVAL, 0);
	check_num("num_empty", "", 0, -EINVAL, 0);
	check_num("num_empty_hexdefault", "", 1, -EINVAL, 0);
	check_num("num_bare_0x", "0x", 0, -EINVAL, 0);
	check_num("num_bare_0x_hexdefault", "0x", 1, -EINVAL, 0);
	check_num("num_bare_0b", "0b", 0, -EINVAL, 0);
	check_num("num_bare_0o", "0o", 0, -EINVAL, 0);
	check_num("num_underscore", "1_000", 0, -EINVAL, 0);
	check_num("num_underscore_hex", "0xff_ff", 0, -EINVAL, 0);
	check_num("num_plus", "+5", 0, -EINVAL, 0);
	check_num("num_minus", "-5", 0, -EINVAL, 0);
	check_num("num_minus_hexdefault", "-ff", 1, -EINVAL, 0);
	check_num("num_leading_space", " 5", 0, -EINVAL, 0);
	check_num("num_trailing_space", "5 ", 0, -EINVAL, 0);
	check_num("num_hex_digit_in_dec", "12a", 0, -EINVAL, 0);
	check_num("num_hex_bad_digit", "0xfg", 0, -EINVAL, 0);
	check_num("num_double_prefix", "0x0x1", 0, -EINVAL, 0);
	check_num("num_overflow_then_junk_is_einval", "99999999999999999999999z", 0, -EINVAL, 0);
	check_num("num_null_string", NULL, 0, -EINVAL, 0);
}

int main(void)
{
	/* line-buffered so a sanitizer abort still shows which check ran last */
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_split();
	test_split_limits();
	test_split_line_pointer();
	test_numbers();
	if (failures)
		printf("%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
