/* test_lineedit.c: host unit tests for src/monitor/lineedit.c src/monitor/lineedit_keys.c, feeding byte
 * strings and checking the line, the return codes and the exact echo.
 * Prints PASS:/FAIL: per check, exits 1 on any failure. */
/* sources: src/monitor/lineedit.c src/monitor/lineedit_keys.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "string.h"
#include "lineedit.h"

#define PROMPT "> "
#define UP "\033[A"
#define DOWN "\033[B"
#define RIGHT "\033[C"
#define LEFT "\033[D"

static int failures;

/* Everything the editor echoed since the last reset. */
struct capture {
	char *data;
	size_t len, cap;
};

static struct capture cap;

static void capture_out(void *ctx, const char *s, size_t n)
{
	struct capture *c = ctx;

	if (c->len + n > c->cap) {
		c->cap = (c->len + n) * 2;
		c->data = realloc(c->data, c->cap);
		if (!c->data)
			abort();
	}
	memcpy(c->data + c->len, s, n);
	c->len += n;
}

static void capture_reset(void)
{
	cap.len = 0;
}

/* Readable rendering for failure messages: control bytes as \xNN, ESC as \e. */
static const char *show(const char *s, size_t n)
{
	static char bufs[2][4096];
	static int which;
	char *b = bufs[which++ & 1];
	size_t o = 0;

	for (size_t i = 0; i < n && o + 8 < sizeof bufs[0]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 27)
			o += (size_t)snprintf(b + o, 8, "\\e");
		else if (c == '\r')
			o += (size_t)snprintf(b + o, 8, "\\r");
		else if (c == '\n')
			o += (size_t)snprintf(b + o, 8, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(b + o, 8, "\\x%02x", c);
		else
			b[o++] = (char)c;
	}
	if (o + 8 >= sizeof bufs[0])
		o += (size_t)snprintf(b + o, 8, "...");
	b[o] = '\0';
	return b;
}

static void pass(const char *name)
{
	printf("PASS: lineedit_%s\n", name);
}

static void check_mem(const char *name, const char *want, size_t wn, const char *got, size_t gn)
{
	if (wn == gn && memcmp(want, got, wn) == 0) {
		pass(name);
		return;
	}
	printf("FAIL: lineedit_%s: expected \"%s\" (%zu bytes), got \"%s\" (%zu bytes)\n",
	       name, show(want, wn), wn, show(got, gn), gn);
	failures++;
}

static void check_int(const char *name, long long want, long long got)
{
	if (want == got) {
		pass(name);
		return;
	}
	printf("FAIL: lineedit_%s: expected %lld, got %lld\n", name, want, got);
	failures++;
}

/* The line as the editor holds it (len bytes, whatever the NUL state). */
static void check_line(const char *name, const struct lineedit *le, const char *want)
{
	check_mem(name, want, strlen(want), le->buf, le->len);
}

static void check_echo(const char *name, const char *want)
{
	check_mem(name, want, strlen(want), cap.data, cap.len);
}

/* Outcome of feeding a byte string: how many lines ended and how. */
struct fed {
	int done, cancel;
	enum le_result last;
};

static struct fed feed_n(struct lineedit *le, const char *s, size_t n)
{
	struct fed f = { 0, 0, LE_MORE };

	for (size_t i = 0; i < n; i++) {
		f.last = lineedit_feed(le, (unsigned char)s[i]);
		if (f.last == LE_DONE)
			f.done++;
		else if (f.last == LE_CANCEL)
			f.cancel++;
	}
	return f;
}

static struct fed feed(struct lineedit *le, const char *s)
{
	return feed_n(le, s, strlen(s));
}

/* Heap-allocated at its exact size so ASan sees any write past the struct. */
static struct lineedit *new_editor(void)
{
	struct lineedit *le = malloc(sizeof *le);

	if (!le)
		abort();
	memset(le, 0xa5, sizeof *le);
	lineedit_init(le, capture_out, &cap);
	lineedit_start(le, PROMPT);
	capture_reset();
	return le;
}

/* Type a line and end it, leaving the editor ready for the next one. */
static void enter_line(struct lineedit *le, const char *s)
{
	feed(le, s);
	feed(le, "\r");
	lineedit_start(le, PROMPT);
}

static void test_basic(void)
{
	struct lineedit *le = malloc(sizeof *le);
	struct fed f;

	lineedit_init(le, capture_out, &cap);
	capture_reset();
	lineedit_start(le, PROMPT);
	check_echo("start_prints_prompt", PROMPT);
	capture_reset();
	f = feed(le, "abc");
	check_int("typing_returns_more", LE_MORE, f.last);
	check_echo("typing_echo", "abc");
	capture_reset();
	f = feed(le, "\r");
	check_int("enter_returns_done", LE_DONE, f.last);
	check_echo("enter_echo", "\r\n");
	check_mem("enter_buf_nul_terminated", "abc", 4, le->buf, 4);
	check_int("enter_len", 3, (long long)le->len);

	lineedit_start(le, PROMPT);
	check_int("start_resets_len", 0, (long long)le->len);
	check_int("start_resets_pos", 0, (long long)le->pos);
	check_int("start_resets_hist_pos", -1, le->hist_pos);
	f = feed(le, "\r");
	check_int("enter_empty_line_done", 1, f.done);
	check_mem("enter_empty_line_buf", "", 1, le->buf, 1);
	check_int("empty_line_not_in_history", 1, le->hist_count);

	lineedit_start(le, PROMPT);
	feed(le, "\xc3\xa9t\xc3\xa9");
	check_line("high_bytes_inserted", le, "\xc3\xa9t\xc3\xa9");

	lineedit_start(le, PROMPT);
	feed(le, "partial");
	capture_reset();
	lineedit_start(le, NULL);
	check_int("start_null_prompt_len", 0, (long long)le->len);
	check_echo("start_null_prompt_echo", "");
	free(le);
}

static void test_crlf(void)
{
	struct lineedit *le = new_editor();
	struct fed f;

	f = feed(le, "a\r\n");
	check_int("crlf_one_line", 1, f.done);
	check_line("crlf_buf", le, "a");
	lineedit_start(le, PROMPT);
	f = feed(le, "b\n");
	check_int("lf_alone_ends_line", 1, f.done);
	lineedit_start(le, PROMPT);
	f = feed(le, "c\n\r");
	check_int("lfcr_two_lines", 2, f.done);
	lineedit_start(le, PROMPT);
	f = feed(le, "\r\r");
	check_int("cr_cr_two_lines", 2, f.done);
	lineedit_start(le, PROMPT);
	f = feed(le, "\r\n\r\n\r\n");
	check_int("crlf_three_pairs_three_lines", 3, f.done);

	/* the caller restarts between \r and \n: the \n still belongs to the \r */
	lineedit_start(le, PROMPT);
	f = feed(le, "x\r");
	lineedit_start(le, PROMPT);
	capture_reset();
	f = feed(le, "\n");
	check_int("crlf_split_by_start_no_line", 0, f.done);
	check_echo("crlf_split_by_start_no_echo", "");
	f = feed(le, "y\n");
	check_int("crlf_after_swallow_next_lf_counts", 1, f.done);
	check_line("crlf_after_swallow_buf", le, "y");

	lineedit_start(le, PROMPT);
	f = feed(le, "\rz");
	check_line("cr_then_char_kept", le, "z");
	free(le);
}

static void test_insert_and_move(void)
{
	struct lineedit *le = new_editor();

	feed(le, "ac" LEFT);
	capture_reset();
	feed(le, "b");
	check_line("insert_middle_buf", le, "abc");
	check_echo("insert_middle_echo", "bc\033[D");
	check_int("insert_middle_pos", 2, (long long)le->pos);

	lineedit_start(le, PROMPT);
	feed(le, "abcdef\001");
	capture_reset();
	feed(le, "X");
	check_echo("insert_start_echo", "Xabcdef\033[6D");
	capture_reset();
	feed(le, "\005");
	check_echo("end_echo", "\033[6C");
	capture_reset();
	feed(le, "\001");
	check_echo("home_echo", "\033[7D");
	capture_reset();
	feed(le, "\002");
	check_echo("left_at_start_no_echo", "");
	feed(le, "\005");
	capture_reset();
	feed(le, "\006" RIGHT);
	check_echo("right_at_end_no_echo", "");
	check_line("moves_keep_line", le, "Xabcdef");

	static const char *homes[] = { "\033[H", "\033[1~", "\033[7~", "\033OH", "\001" };
	static const char *ends[] = { "\033[F", "\033[4~", "\033[8~", "\033OF", "\005" };
	static const char *lefts[] = { LEFT, "\033OD", "\002", "\033[1;5D" };
	static const char *rights[] = { RIGHT, "\033OC", "\006", "\033[1;5C" };
	char name[64];

	for (size_t i = 0; i < sizeof homes / sizeof homes[0]; i++) {
		lineedit_start(le, PROMPT);
		feed(le, "abc");
		feed(le, homes[i]);
		feed(le, "X");
		snprintf(name, sizeof name, "home_variant_%zu", i);
		check_line(name, le, "Xabc");
		feed(le, ends[i]);
		feed(le, "Y");
		snprintf(name, sizeof name, "end_variant_%zu", i);
		check_line(name, le, "XabcY");
	}
	for (size_t i = 0; i < sizeof lefts / sizeof lefts[0]; i++) {
		lineedit_start(le, PROMPT);
		feed(le, "abc");
		feed(le, lefts[i]);
		feed(le, lefts[i]);
		feed(le, "X");
		feed(le, rights[i]);
		feed(le, "Y");
		snprintf(name, sizeof name, "left_right_variant_%zu", i);
		check_line(name, le, "aXbYc");
	}
	free(le);
}

static void test_delete(void)
{
	struct lineedit *le = new_editor();
	struct fed f;

	capture_reset();
	f = feed(le, "\177");
	check_int("backspace_empty_more", LE_MORE, f.last);
	check_echo("backspace_empty_no_echo", "");
	feed(le, "ab\001");
	capture_reset();
	feed(le, "\177\b");
	check_line("backspace_at_start_noop", le, "ab");
	check_echo("backspace_at_start_no_echo", "");

	lineedit_start(le, PROMPT);
	feed(le, "abc");
	capture_reset();
	feed(le, "\177");
	check_line("backspace_end_buf", le, "ab");
	check_echo("backspace_end_echo", "\033[D\033[K");
	feed(le, LEFT);
	capture_reset();
	feed(le, "\b");
	check_line("backspace_ctrl_h_middle", le, "b");
	check_echo("backspace_middle_echo", "\033[Db\033[K\033[D");

	lineedit_start(le, PROMPT);
	feed(le, "abc\001");
	capture_reset();
	feed(le, "\033[3~");
	check_line("delete_key_buf", le, "bc");
	check_echo("delete_key_echo", "bc\033[K\033[2D");
	feed(le, "\004");
	check_line("ctrl_d_deletes", le, "c");
	feed(le, "\005");
	capture_reset();
	feed(le, "\004\033[3~");
	check_line("delete_at_end_noop", le, "c");
	check_echo("delete_at_end_no_echo", "");
	lineedit_start(le, PROMPT);
	capture_reset();
	f = feed(le, "\004");
	check_int("ctrl_d_empty_line_more", LE_MORE, f.last);
	check_echo("ctrl_d_empty_line_no_echo", "");
	free(le);
}

static void test_kill(void)
{
	struct lineedit *le = new_editor();

	feed(le, "abc" LEFT);
	capture_reset();
	feed(le, "\025");
	check_line("ctrl_u_buf", le, "");
	check_int("ctrl_u_pos", 0, (long long)le->pos);
	check_echo("ctrl_u_echo", "\r" PROMPT "\033[K");
	feed(le, "x");
	check_line("ctrl_u_then_type", le, "x");

	lineedit_start(le, PROMPT);
	feed(le, "abcdef" LEFT LEFT LEFT);
	capture_reset();
	feed(le, "\013");
	check_line("ctrl_k_buf", le, "abc");
	check_echo("ctrl_k_echo", "\033[K");
	capture_reset();
	feed(le, "\013");
	check_echo("ctrl_k_at_end_no_echo", "");

	lineedit_start(le, PROMPT);
	feed(le, "ls foo bar");
	capture_reset();
	feed(le, "\027");
	check_line("ctrl_w_buf", le, "ls foo ");
	check_echo("ctrl_w_echo", "\033[3D\033[K");
	feed(le, "\027");
	check_line("ctrl_w_with_blanks", le, "ls ");
	feed(le, "\027\027");
	check_line("ctrl_w_to_empty", le, "");

	lineedit_start(le, PROMPT);
	feed(le, "one two three\001" RIGHT RIGHT RIGHT RIGHT RIGHT RIGHT RIGHT);
	feed(le, "\027");
	check_line("ctrl_w_middle_word_only", le, "one  three");
	check_int("ctrl_w_middle_word_only_pos", 4, (long long)le->pos);
	feed(le, "\005" LEFT LEFT LEFT LEFT LEFT "\027");
	check_line("ctrl_w_middle_takes_blanks", le, "three");
	check_int("ctrl_w_middle_takes_blanks_pos", 0, (long long)le->pos);

	lineedit_start(le, PROMPT);
	feed(le, "abc" LEFT);
	capture_reset();
	feed(le, "\014");
	check_echo("ctrl_l_echo", "\033[2J\033[H" PROMPT "abc\033[K\033[D");
	check_line("ctrl_l_keeps_line", le, "abc");
	free(le);
}

static void test_cancel(void)
{
	struct lineedit *le = new_editor();
	struct fed f;

	feed(le, "abc");
	capture_reset();
	f = feed(le, "\003");
	check_int("ctrl_c_result", LE_CANCEL, f.last);
	check_echo("ctrl_c_echo", "^C\r\n");
	check_int("ctrl_c_clears_len", 0, (long long)le->len);
	check_int("ctrl_c_not_in_history", 0, le->hist_count);
	lineedit_start(le, PROMPT);
	f = feed(le, "x\r");
	check_int("after_ctrl_c_works", 1, f.done);
	check_line("after_ctrl_c_buf", le, "x");
	free(le);
}

static void test_history(void)
{
	struct lineedit *le = new_editor();
	struct fed f;

	enter_line(le, "one");
	enter_line(le, "two");
	enter_line(le, "three");
	check_int("hist_count", 3, le->hist_count);
	check_mem("hist_get_newest", "three", 6, lineedit_history_get(le, 0), 6);
	check_mem("hist_get_oldest", "one", 4, lineedit_history_get(le, 2), 4);
	check_int("hist_get_past_end_null", 1, lineedit_history_get(le, 3) == NULL);
	check_int("hist_get_negative_null", 1, lineedit_history_get(le, -1) == NULL);

	feed(le, "wip" LEFT);
	capture_reset();
	feed(le, UP);
	check_line("hist_up_newest", le, "three");
	check_echo("hist_up_echo", "\r" PROMPT "three\033[K");
	check_int("hist_up_cursor_at_end", 5, (long long)le->pos);
	feed(le, "\033OA");
	check_line("hist_up_ss3", le, "two");
	feed(le, "\020");
	check_line("hist_up_ctrl_p", le, "one");
	capture_reset();
	feed(le, UP);
	check_line("hist_up_at_oldest_stays", le, "one");
	check_echo("hist_up_at_oldest_no_echo", "");
	feed(le, DOWN);
	check_line("hist_down", le, "two");
	feed(le, "\033OB");
	check_line("hist_down_ss3", le, "three");
	feed(le, "\016");
	check_line("hist_down_restores_wip", le, "wip");
	check_int("hist_down_restores_pos_at_end", 3, (long long)le->pos);
	capture_reset();
	feed(le, DOWN);
	check_line("hist_down_past_new_noop", le, "wip");
	check_echo("hist_down_past_new_no_echo", "");

	/* editing a recalled line and entering it adds a new entry */
	feed(le, UP UP "\177\177\177TWO");
	f = feed(le, "\r");
	check_int("hist_recalled_edit_done", 1, f.done);
	check_line("hist_recalled_edit_buf", le, "TWO");
	check_int("hist_recalled_edit_added", 4, le->hist_count);
	check_mem("hist_original_untouched", "two", 4, lineedit_history_get(le, 2), 4);

	/* recalling and entering unchanged does not duplicate the newest */
	lineedit_start(le, PROMPT);
	feed(le, UP "\r");
	check_int("hist_no_duplicate_newest", 4, le->hist_count);
	lineedit_start(le, PROMPT);
	enter_line(le, "three");
	check_int("hist_older_duplicate_added", 5, le->hist_count);

	/* the saved line is captured on the first Up only, and start resets browsing */
	lineedit_start(le, PROMPT);
	feed(le, "new" UP UP DOWN DOWN);
	check_line("hist_saved_once", le, "new");
	lineedit_start(le, PROMPT);
	feed(le, "longer wip" UP);
	lineedit_start(le, PROMPT);
	feed(le, "w" UP DOWN);
	check_line("hist_saved_shorter_after_longer", le, "w");
	feed(le, UP);
	lineedit_start(le, PROMPT);
	check_int("hist_start_resets_browsing", -1, le->hist_pos);
	capture_reset();
	feed(le, DOWN);
	check_echo("hist_start_then_down_noop", "");
	free(le);
}

static void test_history_eviction(void)
{
	struct lineedit *le = new_editor();
	static char line[LE_HIST_BYTES];
	char name[64];
	int ok = 1;

	/* 1001 bytes per entry: 16 fit in 16384, the 17th evicts the oldest */
	for (int i = 0; i < 20; i++) {
		memset(line, 'a' + i, 1000);
		line[1000] = '\0';
		lineedit_history_add(le, line);
	}
	check_int("evict_count", 16, le->hist_count);
	check_int("evict_used", 16 * 1001, (long long)le->hist_used);
	for (int n = 0; n < 16; n++) {
		const char *h = lineedit_history_get(le, n);

		if (!h || strlen(h) != 1000 || h[0] != 'a' + 19 - n || h[999] != 'a' + 19 - n)
			ok = 0;
	}
	check_int("evict_keeps_newest_in_order", 1, ok);
	check_int("evict_oldest_gone", 1, lineedit_history_get(le, 16) == NULL);

	/* exact fit keeps everything; one byte more evicts the oldest */
	lineedit_init(le, capture_out, &cap);
	for (int i = 0; i < 16; i++) {
		memset(line, 'a' + i, 1023);
		line[1023] = '\0';
		lineedit_history_add(le, line);
	}
	check_int("exact_fit_count", 16, le->hist_count);
	check_int("exact_fit_used", LE_HIST_BYTES, (long long)le->hist_used);
	lineedit_init(le, capture_out, &cap);
	for (int i = 0; i < 16; i++) {
		memset(line, 'a' + i, 1023 + (i == 15));
		line[1023 + (i == 15)] = '\0';
		lineedit_history_add(le, line);
	}
	check_int("one_over_evicts_count", 15, le->hist_count);
	check_int("one_over_evicts_used", 14 * 1024 + 1025, (long long)le->hist_used);
	check_int("one_over_evicts_oldest", 'b', lineedit_history_get(le, 14)[0]);

	memset(line, 'Z', LE_HIST_BYTES / 2 + 1);
	line[LE_HIST_BYTES / 2 + 1] = '\0';
	lineedit_history_add(le, line);
	check_int("too_long_not_stored", 15, le->hist_count);
	line[LE_HIST_BYTES / 2] = '\0';
	lineedit_history_add(le, line);
	snprintf(name, sizeof name, "half_size_stored");
	check_int(name, (long long)LE_HIST_BYTES / 2,
		  (long long)strlen(lineedit_history_get(le, 0)));
	check_int("half_size_evicts_to_fit", 1,
		  le->hist_used <= LE_HIST_BYTES && le->hist_count == 8);
	lineedit_history_add(le, "");
	check_int("add_empty_ignored", 8, le->hist_count);

	/* many small lines through the editor: buffer never overflows */
	lineedit_start(le, PROMPT);
	for (int i = 0; i < 5000; i++) {
		char s[32];

		snprintf(s, sizeof s, "cmd %d", i);
		enter_line(le, s);
	}
	check_mem("evict_small_newest", "cmd 4999", 9, lineedit_history_get(le, 0), 9);
	check_int("evict_small_used_bounded", 1, le->hist_used <= LE_HIST_BYTES);
	{
		size_t sum = 0;

		for (int n = 0; n < le->hist_count; n++)
			sum += strlen(lineedit_history_get(le, n)) + 1;
		check_int("evict_small_used_consistent", (long long)le->hist_used, (long long)sum);
	}
	/* a long recalled line is shown whole */
	memset(line, 'q', 5000);
	line[5000] = '\0';
	lineedit_history_add(le, line);
	lineedit_start(le, PROMPT);
	feed(le, UP);
	check_int("recall_long_line_len", 5000, (long long)le->len);
	free(le);
}

/* Command names for the completion hook. */
static const char *const commands[] = { "help", "hexdump", "halt", "mem", "memmap", "reboot" };
static int complete_calls;

static void complete_cmds(const char *prefix, size_t len,
			  void (*add)(void *actx, const char *cand), void *actx)
{
	complete_calls++;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strncmp(commands[i], prefix, len) == 0)
			add(actx, commands[i]);
}

/* A careless hook: offers everything, including NULL. */
static void complete_sloppy(const char *prefix, size_t len,
			    void (*add)(void *actx, const char *cand), void *actx)
{
	(void)prefix;
	(void)len;
	add(actx, NULL);
	add(actx, "zzz");
	add(actx, "reboot");
}

static void test_completion(void)
{
	struct lineedit *le = new_editor();

	le->complete = complete_cmds;
	feed(le, "re");
	capture_reset();
	feed(le, "\t");
	check_line("tab_unique", le, "reboot ");
	check_echo("tab_unique_echo", "boot ");

	lineedit_start(le, PROMPT);
	feed(le, "me\t");
	check_line("tab_common_prefix", le, "mem");
	capture_reset();
	feed(le, "\t");
	check_line("tab_list_keeps_line", le, "mem");
	check_echo("tab_list_echo", "\r\nmem  memmap\r\n" PROMPT "mem\033[K");

	lineedit_start(le, PROMPT);
	feed(le, "h");
	capture_reset();
	feed(le, "\t");
	check_echo("tab_list_three", "\r\nhelp  hexdump  halt\r\n" PROMPT "h\033[K");

	lineedit_start(le, PROMPT);
	feed(le, "xy");
	capture_reset();
	feed(le, "\t");
	check_line("tab_none_keeps_line", le, "xy");
	check_echo("tab_none_bell", "\a");

	lineedit_start(le, PROMPT);
	feed(le, "help; re\t");
	check_line("tab_after_semicolon", le, "help; reboot ");
	lineedit_start(le, PROMPT);
	feed(le, "  re\t");
	check_line("tab_after_leading_blanks", le, "  reboot ");

	lineedit_start(le, PROMPT);
	feed(le, "help re");
	complete_calls = 0;
	capture_reset();
	feed(le, "\t");
	check_line("tab_second_word_untouched", le, "help re");
	check_echo("tab_second_word_bell", "\a");
	check_int("tab_second_word_hook_not_called", 0, complete_calls);

	/* completion at a cursor in the middle, and listing puts the cursor back */
	lineedit_start(le, PROMPT);
	feed(le, "re;x" LEFT LEFT "\t");
	check_line("tab_middle_of_line", le, "reboot ;x");
	check_int("tab_middle_pos", 7, (long long)le->pos);
	lineedit_start(le, PROMPT);
	feed(le, "mem;x" LEFT LEFT);
	capture_reset();
	feed(le, "\t");
	check_echo("tab_list_middle_cursor", "\r\nmem  memmap\r\n" PROMPT "mem;x\033[K\033[2D");

	lineedit_start(le, PROMPT);
	feed(le, "mem\t");
	check_line("tab_full_name_common", le, "mem");

	lineedit_start(le, PROMPT);
	feed(le, "memm\t");
	check_line("tab_unique_longer", le, "memmap ");

	le->complete = complete_sloppy;
	lineedit_start(le, PROMPT);
	feed(le, "r\t");
	check_line("tab_filters_bad_candidates", le, "reboot ");

	le->complete = NULL;
	lineedit_start(le, PROMPT);
	feed(le, "re");
	capture_reset();
	feed(le, "\t");
	check_line("tab_no_hook", le, "re");
	check_echo("tab_no_hook_bell", "\a");
	free(le);
}

/* File names for arguments: the hook sees the command name. */
static char arg_cmd[16];

static void complete_files(const char *cmd, size_t cmdlen, const char *prefix, size_t len,
			   void (*add)(void *actx, const char *cand), void *actx)
{
	static const char *const files[] = { "disk0:/docs/", "disk0:/data.bin", "disk0:/dump.txt" };

	snprintf(arg_cmd, sizeof arg_cmd, "%.*s", (int)cmdlen, cmd);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		if (strncmp(files[i], prefix, len) == 0)
			add(actx, files[i]);
}

static void test_completion_args(void)
{
	struct lineedit *le = new_editor();

	le->complete = complete_cmds;
	le->complete_arg = complete_files;
	feed(le, "cat disk0:/da\t");
	check_line("tab_arg_file", le, "cat disk0:/data.bin ");
	check_int("tab_arg_cmd_name", 0, strcmp(arg_cmd, "cat"));
	lineedit_start(le, PROMPT);
	feed(le, "mem; ls  disk0:/do\t");
	check_line("tab_arg_dir_no_blank", le, "mem; ls  disk0:/docs/");
	check_int("tab_arg_cmd_after_semicolon", 0, strcmp(arg_cmd, "ls"));
	lineedit_start(le, PROMPT);
	feed(le, "cp disk0:/d");
	capture_reset();
	feed(le, "\t");
	check_echo("tab_arg_list", "\r\ndisk0:/docs/  disk0:/data.bin  disk0:/dump.txt\r\n" PROMPT "cp disk0:/d\033[K");
	free(le);
}

/* One name longer than the editor's 128-byte candidate buffer. */
static char long_name[200];

static void complete_long(const char *prefix, size_t len,
			  void (*add)(void *actx, const char *cand), void *actx)
{
	if (strncmp(long_name, prefix, len) == 0)
		add(actx, long_name);
}

/* Found by fuzz_cmdline: Tab after typing past the first 127 bytes of a
 * longer lone candidate made common + plen point outside common. */
static void test_completion_long(void)
{
	struct lineedit *le = new_editor();

	memset(long_name, 'p', sizeof(long_name) - 1);
	le->complete = complete_long;
	feed(le, "pp\t");
	check_int("tab_long_kept_part", 127, (long long)le->len);
	feed(le, "p");
	capture_reset();
	feed(le, "\t");
	check_int("tab_long_past_kept_len", 128, (long long)le->len);
	check_echo("tab_long_past_kept_bell", "\a");
	feed(le, "p\tp\t\t\t");
	check_int("tab_long_fuzz_input_len", 130, (long long)le->len);
	free(le);
}

static void test_long_lines(void)
{
	struct lineedit *le = new_editor();
	static char paste[10000];
	const char *prompt_before = le->prompt;
	struct fed f;
	size_t bells = 0;

	for (size_t i = 0; i < sizeof paste; i++)
		paste[i] = (char)(' ' + 1 + (i * 7 + i / 95) % 94);
	f = feed_n(le, paste, 4096);
	f = feed(le, "\r\n");
	check_int("paste_4096_one_line", 1, f.done);
	check_mem("paste_4096_exact", paste, 4096, le->buf, le->len);
	check_int("paste_4096_nul", 0, le->buf[4096]);
	check_mem("paste_4096_echo_then_crlf", "\r\n", 2, cap.data + cap.len - 2, 2);
	check_int("paste_4096_echo_len", 4096 + 2, (long long)cap.len);

	lineedit_start(le, PROMPT);
	capture_reset();
	f = feed_n(le, paste, sizeof paste);
	check_int("long_line_len_capped", LE_LINE_MAX - 1, (long long)le->len);
	check_int("long_line_pos_capped", LE_LINE_MAX - 1, (long long)le->pos);
	for (size_t i = 0; i < cap.len; i++)
		bells += cap.data[i] == '\a';
	check_int("long_line_one_bell_per_dropped_byte", (long long)(sizeof paste - (LE_LINE_MAX - 1)),
		  (long long)bells);
	feed(le, LEFT LEFT "X");
	check_int("long_line_full_insert_middle_dropped", LE_LINE_MAX - 1, (long long)le->len);
	f = feed(le, "\r");
	check_int("long_line_done", 1, f.done);
	check_mem("long_line_prefix_kept", paste, LE_LINE_MAX - 1, le->buf, le->len);
	check_int("long_line_nul", 0, le->buf[LE_LINE_MAX - 1]);
	check_int("long_line_prompt_intact", 1, le->prompt == prompt_before);
	check_int("long_line_in_history", 1, lineedit_history_get(le, 0) != NULL &&
		  strlen(lineedit_history_get(le, 0)) == LE_LINE_MAX - 1);

	/* a full line from history plus more typing still stops at the limit */
	lineedit_start(le, PROMPT);
	feed(le, UP "more");
	check_int("long_line_recalled_full", LE_LINE_MAX - 1, (long long)le->len);
	free(le);
}

static void test_escapes(void)
{
	struct lineedit *le = new_editor();
	static char endless[100000];
	struct fed f;

	feed(le, "\033x");
	check_line("esc_then_char_keeps_char", le, "x");
	feed(le, "\033\033[D" "y");
	check_line("esc_esc_csi_still_works", le, "yx");
	lineedit_start(le, PROMPT);
	f = feed(le, "ab\033[\r");
	check_int("esc_cut_by_enter_ends_line", 1, f.done);
	check_line("esc_cut_by_enter_buf", le, "ab");
	lineedit_start(le, PROMPT);
	f = feed(le, "ab\033\r");
	check_int("esc_then_enter_ends_line", 1, f.done);
	lineedit_start(le, PROMPT);
	feed(le, "ab\033[1\033[D" "c");
	check_line("esc_restarted_by_esc", le, "acb");

	lineedit_start(le, PROMPT);
	feed(le, "ab");
	capture_reset();
	feed(le, "\033[99999999999999999999~\033[5~\033[6~\033[2~\033[?1;2c\033[24;80R"
		 "\033OP\033[15~\033[Z\033[ q\033[~");
	check_line("esc_unknown_swallowed", le, "ab");
	check_echo("esc_unknown_no_echo", "");
	feed(le, "\033[3;5~");
	check_line("esc_delete_with_modifier_at_end_noop", le, "ab");
	feed(le, "\033[1;5H" "\033[3;5~");
	check_line("esc_modifiers_use_first_param", le, "b");
	feed(le, "\033[123456789012");
	check_int("esc_param_capped", 9999, (long long)le->esc_param);
	feed(le, "~");
	check_line("esc_capped_param_swallowed", le, "b");

	/* 32 bytes without a final byte abandon the sequence: of 40 '1's, 30
	 * (after ESC and '[') are swallowed, the remaining 10 are typed */
	lineedit_start(le, PROMPT);
	feed(le, "\033[1111111111111111111111111111111111111111x");
	check_line("esc_too_long_abandoned", le, "1111111111x");
	{
		char seq[64];

		seq[0] = '\033';
		seq[1] = '[';
		memset(seq + 2, ';', 29);
		memcpy(seq + 31, "D", 2);
		lineedit_start(le, PROMPT);
		feed(le, seq);
		check_int("esc_32_bytes_with_final_accepted", 0, (long long)le->len);
		memset(seq + 2, ';', 30);
		memcpy(seq + 32, "D", 2);
		lineedit_start(le, PROMPT);
		feed(le, seq);
		check_line("esc_33_bytes_abandoned", le, "D");
	}

	lineedit_start(le, PROMPT);
	memset(endless, '5', sizeof endless);
	endless[0] = '\033';
	endless[1] = '[';
	feed_n(le, endless, sizeof endless);
	check_int("esc_endless_not_wedged_len", LE_LINE_MAX - 1, (long long)le->len);
	f = feed(le, "\r");
	check_int("esc_endless_then_enter", 1, f.done);

	lineedit_start(le, PROMPT);
	f = feed_n(le, "a\0b\0\r", 5);
	check_int("nul_bytes_line_done", 1, f.done);
	check_line("nul_bytes_ignored", le, "ab");

	lineedit_start(le, PROMPT);
	feed(le, "ab");
	capture_reset();
	feed(le, "\007\017\021\022\023\024\026\030\031\032\034\035\036\037");
	check_line("other_controls_ignored", le, "ab");
	check_echo("other_controls_no_echo", "");

	lineedit_start(le, PROMPT);
	feed(le, "\033[@x\033[2@y");
	check_line("esc_at_sign_is_final", le, "xy");

	lineedit_start(le, PROMPT);
	feed(le, "\033[");
	lineedit_start(le, PROMPT);
	feed(le, "A");
	check_line("start_clears_escape_state", le, "A");
	free(le);
}

int main(void)
{
	/* line-buffered so a sanitizer abort still shows which check ran last */
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_basic();
	test_crlf();
	test_insert_and_move();
	test_delete();
	test_kill();
	test_cancel();
	test_history();
	test_history_eviction();
	test_completion();
	test_completion_args();
	test_completion_long();
	test_long_lines();
	test_escapes();
	free(cap.data);
	if (failures)
		printf("%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
