/* lineedit.c: the monitor's line editor, a state machine fed one byte at a
 * time: typing, backspace, Enter, Ctrl-C and Ctrl-U here; the other keys,
 * history and completion in lineedit_keys.c. Echoed with VT100/ECMA-48. Host unit-tested (tests/unit/test_lineedit.c). */
#include <stdbool.h>
#include <stddef.h>
#include "string.h"
#include "lineedit_priv.h"

#ifdef INGOT_TINY
#define lineedit_key ABSENT(lineedit_key)
#define lineedit_escape ABSENT(lineedit_escape)
#define lineedit_history_add ABSENT(lineedit_history_add)
#else
OPTIONAL(lineedit_key);
OPTIONAL(lineedit_escape);
OPTIONAL(lineedit_history_add);
#endif



bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

void emit(struct lineedit *le, const char *s, size_t n)
{
	if (n && le->out)
		le->out(le->ctx, s, n);
}

void emit_str(struct lineedit *le, const char *s)
{
	emit(le, s, strlen(s));
}

void bell(struct lineedit *le)
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
void redraw_line(struct lineedit *le)
{
	emit_str(le, le->prompt);
	emit(le, le->buf, le->len);
	emit_str(le, "\033[K");
	cursor_move(le, le->len - le->pos, 'D');
}

void move_to(struct lineedit *le, size_t pos)
{
	if (pos < le->pos)
		cursor_move(le, le->pos - pos, 'D');
	else
		cursor_move(le, pos - le->pos, 'C');
	le->pos = pos;
}

/* A full line keeps what fits and rings once, so a runaway paste neither
 * overflows buf nor floods the terminal with more than one BEL per byte. */
void insert_text(struct lineedit *le, const char *s, size_t n)
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

void delete_range(struct lineedit *le, size_t from, size_t to)
{
	move_to(le, from);
	memmove(le->buf + from, le->buf + to, le->len - to);
	le->len -= to - from;
	redraw_tail(le, true);
}

/* Show another line in place of the current one (history, Ctrl-U). */
void replace_line(struct lineedit *le, const char *s)
{
	size_t n = strnlen(s, LINE_ROOM);

	memcpy(le->buf, s, n);
	le->len = le->pos = n;
	emit(le, "\r", 1);
	redraw_line(le);
}

void key_left(struct lineedit *le)
{
	if (le->pos > 0)
		move_to(le, le->pos - 1);
}

void key_right(struct lineedit *le)
{
	if (le->pos < le->len)
		move_to(le, le->pos + 1);
}

static void key_backspace(struct lineedit *le)
{
	if (le->pos > 0)
		delete_range(le, le->pos - 1, le->pos);
}

void key_delete(struct lineedit *le)
{
	if (le->pos < le->len)
		delete_range(le, le->pos, le->pos + 1);
}

static enum le_result finish_line(struct lineedit *le)
{
	emit(le, "\r\n", 2);
	le->buf[le->len] = '\0';
	if (le->len && lineedit_history_add)
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
	case 0x7f: case '\b': key_backspace(le); break;
	case CTRL('U'): replace_line(le, ""); break;
	default:
		/* The other keys: lineedit_keys.c, when the profile has it. */
		if (lineedit_key)
			lineedit_key(le, c);
		break;
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
	if (le->esc != ESC_NONE && lineedit_escape && lineedit_escape(le, c))
		return LE_MORE;
	if (c < 0x20 || c == 0x7f)
		return feed_control(le, c);
	insert_text(le, (const char *)&c, 1);
	return LE_MORE;
}
