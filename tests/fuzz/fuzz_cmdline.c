/* fuzz_cmdline.c: libFuzzer target for the command-line path: the input fed
 * byte by byte to the line editor (src/monitor/lineedit.c src/monitor/lineedit_keys.c), whose echo must
 * draw exactly its line; each line it finishes, and the input itself as text,
 * through the monitor's splitter and number parser (src/monitor/parse.c) and
 * the kernel command line lookup (cmdline_get, src/bootinfo.c). */
/* sources: src/monitor/parse.c src/monitor/lineedit.c src/monitor/lineedit_keys.c src/bootinfo.c src/bootinfo_fb.c */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "bootinfo.h"
#include "errno.h"
#include "lineedit.h"
#include "parse.h"
#include "string.h"

#define SMALL_BUF 8            /* below strlen(line): parse_command must still hold */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the monitor offers for completion, plus what a careless hook might
 * add: a name longer than the editor keeps, one not matching, and NULL. */
static const char *const commands[] = {
	"acpi", "bootinfo", "help", "version", "uptime", "clear", "reboot", "poweroff", "cpu", "cpuid",
	"disk", "fault", "part", "ls", "cat", "mem", "peek", "poke", "dump", "crc32", "net", "dhcp",
	"ping", "arp", "pci", "load", "run", "exec", "smp",
	("pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"
	 "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"),
};

static void fuzz_complete(const char *prefix, size_t len, void (*add)(void *actx, const char *cand), void *actx)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strncmp(commands[i], prefix, len))
			add(actx, commands[i]);
	add(actx, "zzz-not-a-prefix");
	add(actx, NULL);
}

/* The terminal the echo is drawn on, reduced to what the editor sends:
 * printable bytes, CR, LF, BEL and the CSI sequences C, D, K, J, H. Only
 * the cursor's row is kept; LF starts a new, empty one. */
struct term {
	char row[LE_LINE_MAX + 1024];
	size_t len, col;
	int esc;                   /* 0, 1 after ESC, 2 in CSI */
	unsigned param;
};

static struct term term;

static void term_csi(struct term *t, char c)
{
	size_t n = t->param ? t->param : 1;

	switch (c) {
	case 'C': t->col += n; break;
	case 'D': t->col = n > t->col ? 0 : t->col - n; break;
	case 'K': t->len = t->col < t->len ? t->col : t->len; break;
	case 'J': t->len = 0; break;
	case 'H': t->col = 0; break;
	default: __builtin_trap(); /* the editor sends nothing else */
	}
	if (t->col > sizeof(t->row) - 1)
		__builtin_trap();
}

static void term_put(struct term *t, char c)
{
	if (t->col >= sizeof(t->row))
		__builtin_trap();
	while (t->len < t->col)
		t->row[t->len++] = ' ';
	t->row[t->col++] = c;
	if (t->len < t->col)
		t->len = t->col;
}

static void term_byte(struct term *t, unsigned char c)
{
	if (t->esc == 1) {
		if (c != '[')
			__builtin_trap();
		t->esc = 2;
		t->param = 0;
	} else if (t->esc == 2) {
		if (c >= '0' && c <= '9') {
			t->param = t->param * 10 + (c - '0');
		} else {
			t->esc = 0;
			term_csi(t, (char)c);
		}
	} else if (c == 033) {
		t->esc = 1;
	} else if (c == '\r') {
		t->col = 0;
	} else if (c == '\n') {
		t->len = 0;
	} else if (c != '\a') {
		/* Control bytes never reach the line, so never the screen. */
		if (c < 0x20 || c == 0x7f)
			__builtin_trap();
		term_put(t, (char)c);
	}
}

static void fuzz_echo(void *ctx, const char *s, size_t n)
{
	if (!s || ctx != &term)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		term_byte(&term, (unsigned char)s[i]);
}

/* What the user sees is the prompt and the line, the cursor at pos. */
static void check_screen(const struct lineedit *le)
{
	size_t plen = strlen(le->prompt);

	if (term.esc || term.len != plen + le->len || term.col != plen + le->pos ||
	    memcmp(term.row, le->prompt, plen) || memcmp(term.row + plen, le->buf, le->len))
		__builtin_trap();
}

/* The value of a word of plain digits in base, independently of parse.c:
 * 0, or -ERANGE past 64 bits; -EINVAL when it is not such a word. */
static int plain_number(const char *w, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	int overflow = 0;

	if (!w[0])
		return -EINVAL;
	for (; *w; w++) {
		unsigned d = *w >= '0' && *w <= '9' ? (unsigned)(*w - '0') :
			     *w >= 'a' && *w <= 'f' ? (unsigned)(*w - 'a' + 10) :
			     *w >= 'A' && *w <= 'F' ? (unsigned)(*w - 'A' + 10) : 99;

		if (d >= base)
			return -EINVAL;
		if (__builtin_mul_overflow(v, base, &v))
			overflow = 1;
		if (__builtin_add_overflow(v, d, &v))
			overflow = 1;
	}
	*out = v;
	return overflow ? -ERANGE : 0;
}

/* A number the monitor accepts agrees with plain_number where both read
 * the same syntax: decimal digits, or hex digits as addresses ("0b8000"
 * included: with hex_default it is the VGA buffer, not binary). */
static void check_number(const char *w, int hex_default)
{
	uint64_t v = 0, want = 0;
	int r = parse_u64(w, hex_default, &v);
	int plain = plain_number(w, hex_default ? 16 : 10, &want);

	if (r != 0 && r != -EINVAL && r != -ERANGE)
		__builtin_trap();
	if (plain != -EINVAL && (r != plain || (r == 0 && v != want)))
		__builtin_trap();
}

/* Split line as the monitor does, checking every word lies in buf. */
static void split_line(const char *line, char *buf, size_t bufsz)
{
	char *argv[PARSE_MAX_ARGS];
	const char *end = line + strlen(line);

	while (line) {
		const char *before = line;
		int argc = parse_command(&line, buf, bufsz, argv, PARSE_MAX_ARGS);

		if ((argc < 0 && argc != -E2BIG && argc != -EINVAL) || argc > PARSE_MAX_ARGS ||
		    (line && (line <= before || line > end)))
			__builtin_trap();
		for (int i = 0; i < argc; i++) {
			size_t room = (size_t)(buf + bufsz - argv[i]);

			if (argv[i] < buf || argv[i] >= buf + bufsz || strnlen(argv[i], room) == room)
				__builtin_trap();
			check_number(argv[i], 0);
			check_number(argv[i], 1);
		}
	}
}

static void check_cmdline(const char *line)
{
	char out[BOOTINFO_CMDLINE_MAX];
	int r = cmdline_get(line, "autorun", out, sizeof(out));

	if (r != -ENOENT && (r < 0 || (size_t)r >= sizeof(out) || strlen(out) != (size_t)r))
		__builtin_trap();
	r = cmdline_get(line, "console", out, 16);
	if (r != -ENOENT && (r < 0 || r >= 16 || strlen(out) != (size_t)r))
		__builtin_trap();
}

/* One line of text through everything that reads one: buffers of exactly
 * the promised size and of less, on the heap so ASan sees overruns. */
static void fuzz_text(const char *line)
{
	size_t n = strlen(line) + 1;
	char *buf = malloc(n), *small = malloc(SMALL_BUF);

	if (!buf || !small)
		abort();
	split_line(line, buf, n);
	split_line(line, small, SMALL_BUF);
	check_cmdline(line);
	free(buf);
	free(small);
}

static void check_editor(const struct lineedit *le)
{
	if (le->len > LE_LINE_MAX - 1 || le->pos > le->len || le->hist_used > LE_HIST_BYTES ||
	    le->hist_count < 0 || le->hist_pos < -1 || le->hist_pos >= le->hist_count || le->esc < 0 ||
	    le->esc > 3)
		__builtin_trap();
}

static void check_history(const struct lineedit *le)
{
	for (int i = 0; i < le->hist_count; i++) {
		const char *h = lineedit_history_get(le, i);

		if (!h || h < le->hist || h + strlen(h) >= le->hist + le->hist_used)
			__builtin_trap();
	}
	if (lineedit_history_get(le, le->hist_count) || lineedit_history_get(le, -1))
		__builtin_trap();
}

/* A finished line holds no NUL of its own and ends with one. */
static void finished_line(struct lineedit *le)
{
	if (le->buf[le->len] != '\0' || strlen(le->buf) != le->len)
		__builtin_trap();
	fuzz_text(le->buf);
	lineedit_start(le, "ingot> ");
}

static void fuzz_editor(const uint8_t *data, size_t size)
{
	static struct lineedit le;

	memset(&term, 0, sizeof(term));
	lineedit_init(&le, fuzz_echo, &term);
	le.complete = fuzz_complete;
	lineedit_start(&le, "ingot> ");
	for (size_t i = 0; i < size; i++) {
		enum le_result r = lineedit_feed(&le, data[i]);

		check_editor(&le);
		if (r == LE_DONE)
			finished_line(&le);
		else if (r == LE_CANCEL)
			lineedit_start(&le, "ingot> ");
		else if (r != LE_MORE)
			__builtin_trap();
		check_screen(&le);
	}
	check_history(&le);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_text(text);
	free(text);
	fuzz_editor(data, size);
	return 0;
}
