/* term.c: the terminal emulator shared by the screen consoles: a VT100
 * subset on a ring of cell rows, flushed as runs of changed cells.
 * Spec: ECMA-48 (CSI sequences, SGR), DEC VT100 (wrap pending). QEMU: any
 * screen, -vga std (VGA text under BIOS, the framebuffer under OVMF). */
#include "kernel.h"
#include "string.h"
#include "term.h"

#define ASCII_ESC 0x1b
/* Equal cells between two changed runs drawn anyway rather than starting
 * a new run: a draw call costs about as much as a few cells. */
#define TERM_RUN_GAP 4u

/* ANSI colour order (black red green yellow blue magenta cyan white) differs
 * from the VGA palette order the cells use. */
static const uint8_t term_ansi_colour[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

size_t term_buffer_size(unsigned cols, unsigned rows)
{
	return (size_t)cols * rows * 2 * sizeof(uint16_t) + rows;
}

static uint16_t *term_row(const struct term *t, unsigned row)
{
	unsigned r = t->top + row;

	if (r >= t->rows)
		r -= t->rows;
	return t->cells + (size_t)r * t->cols;
}

uint16_t term_cell_at(const struct term *t, unsigned row, unsigned col)
{
	return term_row(t, row)[col];
}

static uint8_t term_attr(const struct term *t)
{
	unsigned fg = t->fg | (t->bold ? TERM_COLOUR_BRIGHT : 0);

	return (uint8_t)((unsigned)t->bg << 4 | fg);
}

/* Erases use the current background, as xterm does. */
static void term_fill(struct term *t, unsigned row, unsigned from, unsigned to)
{
	uint16_t blank = TERM_CELL(' ', term_attr(t));
	uint16_t *p = term_row(t, row);

	for (unsigned i = from; i < to && i < t->cols; i++)
		p[i] = blank;
	t->dirty[row] = 1;
}

static void term_scroll(struct term *t)
{
	t->top = t->top + 1 == t->rows ? 0 : t->top + 1;
	term_fill(t, t->rows - 1, 0, t->cols);
	t->all_dirty = true;
}

static void term_newline(struct term *t)
{
	t->col = 0;
	if (t->row + 1 < t->rows)
		t->row++;
	else
		term_scroll(t);
}

static void term_put_glyph(struct term *t, uint8_t ch)
{
	if (t->col >= t->cols)
		term_newline(t);
	term_row(t, t->row)[t->col] = TERM_CELL(ch, term_attr(t));
	t->dirty[t->row] = 1;
	t->col++;
}

static void term_control(struct term *t, uint8_t ch)
{
	unsigned col = MIN(t->col, t->cols - 1);

	switch (ch) {
	case '\n':
		term_newline(t);
		break;
	case '\r':
		t->col = 0;
		break;
	case '\b':
		t->col = col > 0 ? col - 1 : 0;
		break;
	case '\t':
		t->col = MIN((col / 8 + 1) * 8, t->cols - 1);
		break;
	case ASCII_ESC:
		t->esc = TERM_ESC_START;
		break;
	default:
		/* BEL and the other C0 controls have no visible effect here. */
		break;
	}
}

static void term_plain(struct term *t, uint8_t ch)
{
	if (ch < 0x20 || ch == 0x7f)
		term_control(t, ch);
	else
		term_put_glyph(t, ch); /* 0x80-0xff: the backend's glyph for it */
}

/* A missing or zero parameter means the default, per ECMA-48. */
static unsigned term_param(const struct term *t, unsigned i, unsigned def)
{
	unsigned v = i <= t->nparam && i < TERM_ESC_MAX_PARAMS ? t->param[i] : 0;

	return v ? v : def;
}

static void term_sgr_one(struct term *t, unsigned p)
{
	if (p == 0) {
		t->fg = TERM_COLOUR_GREY;
		t->bg = TERM_COLOUR_BLACK;
		t->bold = false;
	} else if (p == 1) {
		t->bold = true;
	} else if (p == 22) {
		t->bold = false;
	} else if (p >= 30 && p <= 37) {
		t->fg = term_ansi_colour[p - 30];
	} else if (p == 39) {
		t->fg = TERM_COLOUR_GREY;
	} else if (p >= 40 && p <= 47) {
		t->bg = term_ansi_colour[p - 40];
	} else if (p == 49) {
		t->bg = TERM_COLOUR_BLACK;
	} else if (p >= 90 && p <= 97) {
		t->fg = term_ansi_colour[p - 90] | TERM_COLOUR_BRIGHT;
	}
}

static void term_sgr(struct term *t)
{
	unsigned n = MIN(t->nparam + 1, TERM_ESC_MAX_PARAMS);

	for (unsigned i = 0; i < n; i++) {
		/* 38/48 carry sub-parameters (5;n or 2;r;g;b) that would read as
		 * unrelated attributes: stop rather than misapply them. */
		if (t->param[i] == 38 || t->param[i] == 48)
			break;
		term_sgr_one(t, t->param[i]);
	}
}

/* ESC[nJ (mode 0: cursor to end of screen, 1: start to cursor, 2: all) and
 * ESC[nK (the same within the cursor's line). */
static void term_erase(struct term *t, unsigned final, unsigned mode)
{
	unsigned col = MIN(t->col, t->cols - 1);

	term_fill(t, t->row, mode == 0 ? col : 0, mode == 1 ? col + 1 : t->cols);
	if (final != 'J')
		return;
	for (unsigned r = 0; r < t->rows; r++)
		if ((mode != 0 && r < t->row) || (mode != 1 && r > t->row))
			term_fill(t, r, 0, t->cols);
}

static void term_csi_dispatch(struct term *t, uint8_t final)
{
	unsigned n = term_param(t, 0, 1);
	unsigned col = MIN(t->col, t->cols - 1);

	switch (final) {
	case 'A':
		t->row = t->row > n ? t->row - n : 0;
		t->col = col;
		break;
	case 'B':
		t->row = MIN(t->row + n, t->rows - 1);
		t->col = col;
		break;
	case 'C':
		t->col = MIN(col + n, t->cols - 1);
		break;
	case 'D':
		t->col = col > n ? col - n : 0;
		break;
	case 'H':
	case 'f':
		t->row = MIN(n, t->rows) - 1;
		t->col = MIN(term_param(t, 1, 1), t->cols) - 1;
		break;
	case 'J':
	case 'K':
		if (term_param(t, 0, 0) <= 2)
			term_erase(t, final, term_param(t, 0, 0));
		break;
	case 'm':
		term_sgr(t);
		break;
	default:
		break; /* unknown sequences are swallowed */
	}
}

static void term_csi_byte(struct term *t, uint8_t ch)
{
	if (ch >= '0' && ch <= '9') {
		if (t->nparam < TERM_ESC_MAX_PARAMS) {
			unsigned *p = &t->param[t->nparam];

			*p = MIN(*p * 10 + (unsigned)(ch - '0'), TERM_ESC_MAX_VALUE);
		}
	} else if (ch == ';') {
		if (t->nparam < TERM_ESC_MAX_PARAMS)
			t->nparam++;
	} else if (ch >= 0x20 && ch <= 0x3f) {
		t->esc_ignore = true; /* private marker (?<=>) or intermediate */
	} else if (ch >= 0x40 && ch <= 0x7e) {
		t->esc = TERM_ESC_NONE;
		if (!t->esc_ignore)
			term_csi_dispatch(t, ch);
	} else {
		/* A control or 8-bit byte means the sequence is broken: abandon it
		 * and let the byte act normally (ESC starts a fresh sequence). */
		t->esc = TERM_ESC_NONE;
		term_plain(t, ch);
	}
}

static void term_feed(struct term *t, uint8_t ch)
{
	if (t->esc == TERM_ESC_NONE) {
		term_plain(t, ch);
	} else if (t->esc == TERM_ESC_START) {
		t->esc = TERM_ESC_NONE;
		if (ch == '[') {
			t->esc = TERM_ESC_CSI;
			t->esc_len = 0;
			t->esc_ignore = false;
			t->nparam = 0;
			memset(t->param, 0, sizeof(t->param));
		} else if (ch < 0x20) {
			term_plain(t, ch);
		}
		/* other two-byte escapes (ESC c, ESC 7, ...) are swallowed */
	} else if (++t->esc_len > TERM_ESC_MAX_LEN) {
		t->esc = TERM_ESC_NONE;
		term_plain(t, ch);
	} else {
		term_csi_byte(t, ch);
	}
}

/* Printable bytes from p up to the end of the cursor's row, straight into
 * the grid: most output is plain text. Returns how many were taken. */
static size_t term_put_run(struct term *t, const uint8_t *p, size_t n)
{
	uint16_t attr = (uint16_t)(term_attr(t) << 8);
	uint16_t *row;
	size_t k = 0;

	if (t->col >= t->cols)
		term_newline(t);
	row = term_row(t, t->row);
	while (k < n && t->col < t->cols && p[k] >= 0x20 && p[k] < 0x7f)
		row[t->col++] = attr | p[k++];
	t->dirty[t->row] = 1;
	return k;
}

void term_write(struct term *t, const char *buf, size_t len)
{
	const uint8_t *p = (const uint8_t *)buf;

	for (size_t i = 0; i < len;) {
		if (t->esc == TERM_ESC_NONE && p[i] >= 0x20 && p[i] < 0x7f)
			i += term_put_run(t, p + i, len - i);
		else
			term_feed(t, p[i++]);
	}
	t->pending = true;
}

void term_assume_shown(struct term *t)
{
	for (unsigned r = 0; r < t->rows; r++) {
		memcpy(t->shown + (size_t)r * t->cols, term_row(t, r), t->cols * sizeof(uint16_t));
		t->dirty[r] = 0;
	}
	t->redraw = t->all_dirty = false;
	t->pending = true; /* the cursor is not drawn yet */
}

void term_invalidate(struct term *t)
{
	t->redraw = true;
	t->pending = true;
}

void term_init(struct term *t, unsigned cols, unsigned rows, void *buf,
	       const struct term_ops *ops, void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->rows = rows;
	t->cells = buf;
	t->shown = t->cells + (size_t)cols * rows;
	t->dirty = (uint8_t *)(t->shown + (size_t)cols * rows);
	t->fg = TERM_COLOUR_GREY;
	t->bg = TERM_COLOUR_BLACK;
	t->ops = ops;
	t->ctx = ctx;
	for (unsigned r = 0; r < rows; r++)
		term_fill(t, r, 0, cols);
	term_invalidate(t);
}

/* Draw the runs of row that differ from what is shown (all of it when
 * force), merging runs split by fewer than TERM_RUN_GAP equal cells. */
static void term_flush_row(struct term *t, unsigned row, bool force)
{
	const uint16_t *src = term_row(t, row);
	uint16_t *shown = t->shown + (size_t)row * t->cols;
	unsigned c = 0, n = t->cols;

	while (c < n) {
		unsigned start, end, same = 0;

		while (c < n && !force && src[c] == shown[c])
			c++;
		if (c == n)
			break;
		start = end = c;
		for (; c < n && (force || same < TERM_RUN_GAP); c++) {
			if (!force && src[c] == shown[c]) {
				same++;
			} else {
				same = 0;
				end = c + 1;
			}
		}
		t->ops->draw(t->ctx, row, start, src + start, end - start);
		memcpy(shown + start, src + start, (end - start) * sizeof(uint16_t));
		if (row == t->shown_row && start <= t->shown_col && t->shown_col < end)
			t->cursor_shown = false;
	}
}

void term_flush(struct term *t)
{
	unsigned col = MIN(t->col, t->cols - 1);
	bool moved = !t->cursor_shown || t->shown_row != t->row || t->shown_col != col;

	if (!t->pending)
		return;
	/* The cell the cursor leaves is drawn again, without it. */
	if (moved && t->cursor_shown && t->shown_row < t->rows) {
		t->shown[(size_t)t->shown_row * t->cols + t->shown_col] =
			(uint16_t)~term_cell_at(t, t->shown_row, t->shown_col);
		t->dirty[t->shown_row] = 1;
	}
	for (unsigned r = 0; r < t->rows; r++) {
		if (t->redraw || t->all_dirty || t->dirty[r])
			term_flush_row(t, r, t->redraw);
		t->dirty[r] = 0;
	}
	t->redraw = t->all_dirty = t->pending = false;
	if (moved || !t->cursor_shown) {
		t->ops->cursor(t->ctx, t->row, col, term_cell_at(t, t->row, col));
		t->shown_row = t->row;
		t->shown_col = col;
		t->cursor_shown = true;
	}
}
