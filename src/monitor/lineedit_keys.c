/* lineedit_keys.c: the line editor's keys beyond typing, backspace, Enter,
 * Ctrl-C and Ctrl-U: cursor and kill keys, ESC sequences (xterm, rxvt),
 * history and tab completion; left out of the tiny profile. Host
 * unit-tested (tests/unit/test_lineedit.c). */
#include "string.h"
#include "lineedit_priv.h"

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

/* Is the word at the cursor the first of its ';'-separated command (a
 * command name)? *start: where the word begins. */
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

/* The command name of the ';'-separated command the word at start is in. */
static size_t command_of(const struct lineedit *le, size_t start, size_t *cmd)
{
	size_t i = start, n = 0;

	while (i > 0 && le->buf[i - 1] != ';')
		i--;
	while (i < start && is_blank(le->buf[i]))
		i++;
	*cmd = i;
	while (i + n < start && !is_blank(le->buf[i + n]))
		n++;
	return n;
}

/* Ask the hook for the word at the cursor: a command name, or an argument. */
static void ask_hook(struct lineedit *le, struct completion *c, size_t start, bool first,
		     void (*add)(void *actx, const char *cand))
{
	if (first) {
		le->complete(c->prefix, c->plen, add, c);
	} else {
		size_t cmd, n = command_of(le, start, &cmd);

		le->complete_arg(le->buf + cmd, n, c->prefix, c->plen, add, c);
	}
}

static void complete_word(struct lineedit *le)
{
	struct completion c;
	size_t start, extra;
	bool first = first_word(le, &start);

	if (first ? !le->complete : !le->complete_arg) {
		bell(le);
		return;
	}
	memset(&c, 0, sizeof c);
	c.le = le;
	c.prefix = le->buf + start;
	c.plen = le->pos - start;
	ask_hook(le, &c, start, first, cand_collect);
	extra = c.clen > c.plen ? c.clen - c.plen : 0;
	/* A lone candidate longer than common keeps may already be typed past
	 * what was kept: then there is nothing to add, and common + plen
	 * would point outside common. */
	if (c.count == 0 || (c.count == 1 && !extra && !c.whole)) {
		bell(le);
	} else if (c.count == 1 || extra) {
		if (extra)
			insert_text(le, c.common + c.plen, extra);
		if (c.count == 1 && c.whole && !(c.clen && c.common[c.clen - 1] == '/'))
			insert_text(le, " ", 1);
	} else {
		/* Nothing to add: show the choices, asking the hook again. */
		c.count = 0;
		ask_hook(le, &c, start, first, cand_print);
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
bool lineedit_escape(struct lineedit *le, unsigned char c)
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

void lineedit_key(struct lineedit *le, unsigned char c)
{
	switch (c) {
	case '\033': le->esc = ESC_START; break;
	case CTRL('D'): key_delete(le); break;
	case CTRL('A'): move_to(le, 0); break;
	case CTRL('E'): move_to(le, le->len); break;
	case CTRL('B'): key_left(le); break;
	case CTRL('F'): key_right(le); break;
	case CTRL('P'): history_prev(le); break;
	case CTRL('N'): history_next(le); break;
	case CTRL('K'): kill_to_end(le); break;
	case CTRL('W'): kill_word(le); break;
	case CTRL('L'): clear_screen(le); break;
	case '\t': complete_word(le); break;
	default: break;  /* NUL and other controls mean nothing here: no echo */
	}
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
