/* lineedit.c: the monitor's line editor, a state machine fed one byte at a
 * time: cursor keys, kill keys, history and tab completion, echoed with
 * VT100/ECMA-48 control sequences. Host unit-tested (tests/unit/test_lineedit.c). */
#include <stdbool.h>
#include <stddef.h>
#include "string.h"
#include "lineedit.h"

#define CTRL(c) ((c) & 0x1f)
#define LINE_ROOM (LE_LINE_MAX - 1)  /* one byte stays free for the NUL */
#define ESC_MAX_LEN 32               /* ESC and '[' included */
#define ESC_PARAM_MAX 9999
#define ESC_NPARAMS_MAX 16
#define CAND_MAX 128                 /* longest completion candidate kept */

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void emit(struct lineedit *le, const char *s, size_t n)
{
	if (n && le->out)
		le->out(le->ctx, s, n);
}

static void emit_str(struct lineedit *le, const char *s)
{
	emit(le, s, strlen(s));
}

static void bell(struct lineedit *le)
{
	emit(le, "\a", 1);
}

/* Relative moves work whatever column the prompt left us in. A count of 0
 * is never sent because terminals read ESC[0D as ESC[1D. */
static void cursor_move(struct lineedit *le, size_t n, char dir)
{
	char seq[32], digits[24];
	size_t len = 0, nd = 0;

	if (n == 0)
		return;
	seq[len++] = '\033';
	seq[len++] = '[';
	if (n > 1) {
		do {
			digits[nd++] = (char)('0' + n % 10);
			n /= 10;
		} while (n);
	}
	while (nd)
		seq[len++] = digits[--nd];
	seq[len++] = dir;
	emit(le, seq, len);
}

/* After an insertion or deletion everything right of the cursor shifted on
 * screen, so rewrite it and come back. */
static void redraw_tail(struct lineedit *le, bool erase)
{
	emit(le, le->buf + le->pos, le->len - le->pos);
	if (erase)
		emit_str(le, "\033[K");
	cursor_move(le, le->len - le->pos, 'D');
}

/* Prompt and line from column 0, leftovers of a longer line erased. */
static void redraw_line(struct lineedit *le)
{
	emit_str(le, le->prompt);
	emit(le, le->buf, le->len);
	emit_str(le, "\033[K");
	cursor_move(le, le->len - le->pos, 'D');
}

static void move_to(struct lineedit *le, size_t pos)
{
	if (pos < le->pos)
		cursor_move(le, le->pos - pos, 'D');
	else
		cursor_move(le, pos - le->pos, 'C');
	le->pos = pos;
}

/* A full line keeps what fits and rings once, so a runaway paste neither
 * overflows buf nor floods the terminal with more than one BEL per byte. */
static void insert_text(struct lineedit *le, const char *s, size_t n)
{
	bool full = n > LINE_ROOM - le->len;

	if (full)
		n = LINE_ROOM - le->len;
	if (n) {
		memmove(le->buf + le->pos + n, le->buf + le->pos, le->len - le->pos);
		memcpy(le->buf + le->pos, s, n);
		le->len += n;
		emit(le, s, n);
		le->pos += n;
		redraw_tail(le, false);
	}
	if (full)
		bell(le);
}

static void delete_range(struct lineedit *le, size_t from, size_t to)
{
	move_to(le, from);
	memmove(le->buf + from, le->buf + to, le->len - to);
	le->len -= to - from;
	redraw_tail(le, true);
}

/* Show another line in place of the current one (history, Ctrl-U). */
static void replace_line(struct lineedit *le, const char *s)
{
	size_t n = strnlen(s, LINE_ROOM);

	memcpy(le->buf, s, n);
	le->len = le->pos = n;
	emit(le, "\r", 1);
	redraw_line(le);
}

static void key_left(struct lineedit *le)
{
	if (le->pos > 0)
		move_to(le, le->pos - 1);
}

static void key_right(struct lineedit *le)
{
	if (le->pos < le->len)
		move_to(le, le->pos + 1);
}

static void key_backspace(struct lineedit *le)
{
	if (le->pos > 0)
		delete_range(le, le->pos - 1, le->pos);
}

static void key_delete(struct lineedit *le)
{
	if (le->pos < le->len)
		delete_range(le, le->pos, le->pos + 1);
}

static void kill_to_end(struct lineedit *le)
{
	if (le->pos < le->len)
		delete_range(le, le->pos, le->len);
}

/* Like a shell: blanks before the cursor go along with the word. */
static void kill_word(struct lineedit *le)
{
	size_t i = le->pos;

	while (i > 0 && is_blank(le->buf[i - 1]))
		i--;
	while (i > 0 && !is_blank(le->buf[i - 1]))
		i--;
	if (i < le->pos)
		delete_range(le, i, le->pos);
}

static void clear_screen(struct lineedit *le)
{
	emit_str(le, "\033[2J\033[H");
	redraw_line(le);
}

static void history_prev(struct lineedit *le)
{
	const char *h = lineedit_history_get(le, le->hist_pos + 1);

	if (!h)
		return;
	/* Keep the unfinished line so coming back down does not lose it. */
	if (le->hist_pos < 0) {
		memcpy(le->saved, le->buf, le->len);
		le->saved[le->len] = '\0';
	}
	le->hist_pos++;
	replace_line(le, h);
}

static void history_next(struct lineedit *le)
{
	const char *h;

	if (le->hist_pos < 0)
		return;
	le->hist_pos--;
	h = le->hist_pos < 0 ? le->saved : lineedit_history_get(le, le->hist_pos);
	replace_line(le, h ? h : "");
}

/* State of one Tab press; the candidates themselves are not kept because
 * only their common prefix matters until a listing is needed. */
struct completion {
	struct lineedit *le;
	const char *prefix;
	size_t plen;
	char common[CAND_MAX];
	size_t clen;
	bool whole;            /* common holds all of the first candidate */
	int count;
};

/* Hooks may hand us anything; a candidate not extending the prefix would
 * make the common-prefix arithmetic meaningless. */
static bool cand_matches(const struct completion *c, const char *cand)
{
	return cand && strncmp(cand, c->prefix, c->plen) == 0;
}

static void cand_collect(void *actx, const char *cand)
{
	struct completion *c = actx;
	size_t n, i;

	if (!cand_matches(c, cand))
		return;
	if (c->count++ == 0) {
		n = strnlen(cand, CAND_MAX - 1);
		memcpy(c->common, cand, n);
		c->clen = n;
		c->whole = cand[n] == '\0';
		return;
	}
	for (i = 0; i < c->clen && cand[i] == c->common[i]; i++)
		;
	c->clen = i;
	c->count = 2;  /* "several" is all we need to know; no overflow */
}

static void cand_print(void *actx, const char *cand)
{
	struct completion *c = actx;

	if (!cand_matches(c, cand))
		return;
	emit_str(c->le, c->count++ ? "  " : "\r\n");
	emit_str(c->le, cand);
}

/* Only command names are completed: the word must be the first of its
 * ';'-separated command. */
static bool first_word(const struct lineedit *le, size_t *start)
{
	size_t i = le->pos;

	while (i > 0 && !is_blank(le->buf[i - 1]) && le->buf[i - 1] != ';')
		i--;
	*start = i;
	while (i > 0 && is_blank(le->buf[i - 1]))
		i--;
	return i == 0 || le->buf[i - 1] == ';';
}

static void complete_word(struct lineedit *le)
{
	struct completion c;
	size_t start, extra;

	if (!le->complete || !first_word(le, &start)) {
		bell(le);
		return;
	}
	memset(&c, 0, sizeof c);
	c.le = le;
	c.prefix = le->buf + start;
	c.plen = le->pos - start;
	le->complete(c.prefix, c.plen, cand_collect, &c);
	extra = c.clen > c.plen ? c.clen - c.plen : 0;
	/* A lone candidate longer than common keeps may already be typed past
	 * what was kept: then there is nothing to add, and common + plen
	 * would point outside common. */
	if (c.count == 0 || (c.count == 1 && !extra && !c.whole)) {
		bell(le);
	} else if (c.count == 1 || extra) {
		if (extra)
			insert_text(le, c.common + c.plen, extra);
		if (c.count == 1 && c.whole)
			insert_text(le, " ", 1);
	} else {
		/* Nothing to add: show the choices, asking the hook again. */
		c.count = 0;
		le->complete(c.prefix, c.plen, cand_print, &c);
		emit(le, "\r\n", 2);
		redraw_line(le);
	}
}

/* ESC[n~ keys as sent by xterm (1, 4), rxvt (7, 8) and everyone (3). */
static void tilde_key(struct lineedit *le)
{
	switch (le->esc_param) {
	case 1: case 7: move_to(le, 0); break;
	case 4: case 8: move_to(le, le->len); break;
	case 3: key_delete(le); break;
	default: break;  /* Insert, PgUp, PgDn, F-keys: nothing to do */
	}
}

static void esc_final(struct lineedit *le, int state, unsigned char c)
{
	switch (c) {
	case 'A': history_prev(le); break;
	case 'B': history_next(le); break;
	case 'C': key_right(le); break;
	case 'D': key_left(le); break;
	case 'H': move_to(le, 0); break;
	case 'F': move_to(le, le->len); break;
	case '~':
		if (state == ESC_CSI)
			tilde_key(le);
		break;
	default: break;  /* F1-F4, terminal reports: swallowed */
	}
}

/* Modifiers come as later parameters (ESC[1;5C), so only the first
 * number is kept; capping it keeps junk digits from overflowing. */
static void esc_param_byte(struct lineedit *le, unsigned char c)
{
	if (c != ';' && (c < '0' || c > '9'))
		return;  /* private markers and intermediates carry nothing we use */
	if (le->esc_nparams == 0)
		le->esc_nparams = 1;
	if (c == ';') {
		if (le->esc_nparams < ESC_NPARAMS_MAX)
			le->esc_nparams++;
	} else if (le->esc_nparams == 1) {
		le->esc_param = le->esc_param * 10 + (unsigned)(c - '0');
		if (le->esc_param > ESC_PARAM_MAX)
			le->esc_param = ESC_PARAM_MAX;
	}
}

/* Returns false when c is not part of the sequence and must be handled as
 * an ordinary byte: a lost ESC or a cut-off sequence must not eat the
 * user's next key (least of all Enter). */
static bool feed_escape(struct lineedit *le, unsigned char c)
{
	int state = le->esc;

	if (state == ESC_START) {
		le->esc = ESC_NONE;
		if (c != '[' && c != 'O')
			return false;
		le->esc = c == '[' ? ESC_CSI : ESC_SS3;
		le->esc_param = 0;
		le->esc_nparams = 0;
		le->esc_len = 2;
		return true;
	}
	if (c < 0x20 || c >= 0x7f) {
		le->esc = ESC_NONE;
		return false;
	}
	if (c >= 0x40) {
		le->esc = ESC_NONE;
		esc_final(le, state, c);
		return true;
	}
	esc_param_byte(le, c);
	/* Line noise could otherwise keep us in the sequence forever. */
	if (++le->esc_len >= ESC_MAX_LEN)
		le->esc = ESC_NONE;
	return true;
}

static enum le_result finish_line(struct lineedit *le)
{
	emit(le, "\r\n", 2);
	le->buf[le->len] = '\0';
	if (le->len)
		lineedit_history_add(le, le->buf);
	le->hist_pos = -1;
	return LE_DONE;
}

static enum le_result cancel_line(struct lineedit *le)
{
	emit_str(le, "^C\r\n");
	le->len = le->pos = 0;
	le->buf[0] = '\0';
	le->hist_pos = -1;
	return LE_CANCEL;
}

static enum le_result feed_control(struct lineedit *le, unsigned char c)
{
	switch (c) {
	case '\r':
		le->last_cr = 1;
		return finish_line(le);
	case '\n': return finish_line(le);
	case CTRL('C'): return cancel_line(le);
	case '\033': le->esc = ESC_START; break;
	case 0x7f: case '\b': key_backspace(le); break;
	case CTRL('D'): key_delete(le); break;
	case CTRL('A'): move_to(le, 0); break;
	case CTRL('E'): move_to(le, le->len); break;
	case CTRL('B'): key_left(le); break;
	case CTRL('F'): key_right(le); break;
	case CTRL('P'): history_prev(le); break;
	case CTRL('N'): history_next(le); break;
	case CTRL('K'): kill_to_end(le); break;
	case CTRL('U'): replace_line(le, ""); break;
	case CTRL('W'): kill_word(le); break;
	case CTRL('L'): clear_screen(le); break;
	case '\t': complete_word(le); break;
	default: break;  /* NUL and other controls mean nothing here: no echo */
	}
	return LE_MORE;
}

void lineedit_init(struct lineedit *le, void (*out)(void *, const char *, size_t), void *ctx)
{
	memset(le, 0, sizeof *le);
	le->out = out;
	le->ctx = ctx;
	le->prompt = "";
	le->hist_pos = -1;
}

/* last_cr survives on purpose: the \n of a \r\n pair may arrive after the
 * caller has already started the next line. */
void lineedit_start(struct lineedit *le, const char *prompt)
{
	le->prompt = prompt ? prompt : "";
	le->len = le->pos = 0;
	le->buf[0] = '\0';
	le->hist_pos = -1;
	le->esc = ESC_NONE;
	le->esc_param = 0;
	le->esc_nparams = 0;
	le->esc_len = 0;
	emit_str(le, le->prompt);
}

enum le_result lineedit_feed(struct lineedit *le, unsigned char c)
{
	if (le->last_cr) {
		le->last_cr = 0;
		if (c == '\n')
			return LE_MORE;
	}
	if (le->esc != ESC_NONE && feed_escape(le, c))
		return LE_MORE;
	if (c < 0x20 || c == 0x7f)
		return feed_control(le, c);
	insert_text(le, (const char *)&c, 1);
	return LE_MORE;
}

static void history_drop_oldest(struct lineedit *le)
{
	size_t n = strnlen(le->hist, le->hist_used);

	n = n < le->hist_used ? n + 1 : le->hist_used;
	memmove(le->hist, le->hist + n, le->hist_used - n);
	le->hist_used -= n;
	le->hist_count--;
}

void lineedit_history_add(struct lineedit *le, const char *line)
{
	size_t n = strnlen(line, LE_HIST_BYTES / 2 + 1);
	const char *newest = lineedit_history_get(le, 0);

	/* Huge lines would push out everything else for little value. */
	if (n == 0 || n > LE_HIST_BYTES / 2)
		return;
	if (newest && strcmp(newest, line) == 0)
		return;
	while (le->hist_count > 0 && le->hist_used + n + 1 > LE_HIST_BYTES)
		history_drop_oldest(le);
	memcpy(le->hist + le->hist_used, line, n + 1);
	le->hist_used += n + 1;
	le->hist_count++;
}

const char *lineedit_history_get(const struct lineedit *le, int n)
{
	const char *p = le->hist;
	int i;

	if (n < 0 || n >= le->hist_count)
		return NULL;
	for (i = le->hist_count - 1 - n; i > 0; i--)
		p += strlen(p) + 1;
	return p;
}
