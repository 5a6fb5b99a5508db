/* term.h: the terminal emulator behind the screen consoles (VGA text and the
 * framebuffer): the VT100 / ECMA-48 subset of console.h on a grid of
 * character cells. Writes change only the grid; term_flush shows what
 * changed since the last flush through the backend, so a burst of output
 * (scrolling included) costs one redraw of the cells that differ. */
#ifndef INGOT_TERM_H
#define INGOT_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A cell is laid out as in VGA text memory: low byte the character, high
 * byte the attribute, bits 3-0 foreground and 7-4 background, colours in
 * the VGA palette order (0 black, 1 blue, 2 green, 3 cyan, 4 red,
 * 5 magenta, 6 brown, 7 light grey, 8-15 their bright forms). */
#define TERM_CELL(ch, attr) ((uint16_t)(((unsigned)(attr) << 8) | (uint8_t)(ch)))
#define TERM_CELL_CHAR(cell) ((uint8_t)((cell) & 0xff))
#define TERM_CELL_FG(cell) (((cell) >> 8) & 0xfu)
#define TERM_CELL_BG(cell) (((cell) >> 12) & 0xfu)
#define TERM_COLOUR_BLACK 0u
#define TERM_COLOUR_GREY 7u
#define TERM_COLOUR_BRIGHT 8u

/* Bounds that keep a broken or hostile escape sequence from doing harm. */
#define TERM_ESC_MAX_PARAMS 8
#define TERM_ESC_MAX_VALUE 9999u
#define TERM_ESC_MAX_LEN 16u

struct term_ops {
	/* Show n cells at screen row, col (all on that row). */
	void (*draw)(void *ctx, unsigned row, unsigned col, const uint16_t *cells, unsigned n);
	/* Show the cursor at row, col, over cell (the cell shown there now);
	 * called when it moved or its cell was drawn again. The cell it left
	 * is drawn again first, so a backend that draws the cursor into the
	 * picture needs no undo. */
	void (*cursor)(void *ctx, unsigned row, unsigned col, uint16_t cell);
};

enum term_esc { TERM_ESC_NONE, TERM_ESC_START, TERM_ESC_CSI };

struct term {
	unsigned cols, rows;
	/* The grid as a ring of rows, so a scroll moves no memory: screen row
	 * r is ring row (top + r) % rows. */
	uint16_t *cells;
	uint16_t *shown;    /* what the backend shows, in screen order */
	uint8_t *dirty;     /* per screen row: may differ from shown */
	unsigned top;
	bool all_dirty;     /* scrolled: every row may differ */
	bool redraw;        /* the backend's picture is lost: draw every cell */
	bool pending;       /* written to since the last flush */
	/* col == cols means "wrap pending", as on a VT100, so that a line of
	 * exactly cols characters followed by \n leaves no blank line. */
	unsigned row, col;
	uint8_t fg, bg;
	bool bold;
	unsigned shown_row, shown_col; /* the cursor as the backend shows it */
	bool cursor_shown;
	enum term_esc esc;
	unsigned esc_len;
	bool esc_ignore;    /* private marker or intermediate: a sequence we don't do */
	unsigned nparam;    /* index of the parameter being parsed */
	unsigned param[TERM_ESC_MAX_PARAMS];
	const struct term_ops *ops;
	void *ctx;
};

/* Bytes of memory term_init needs for a cols x rows grid. */
size_t term_buffer_size(unsigned cols, unsigned rows);
/* A blank grid (grey on black, cursor home) in buf (term_buffer_size bytes,
 * 2-byte aligned); the first flush draws every cell. */
void term_init(struct term *t, unsigned cols, unsigned rows, void *buf,
	       const struct term_ops *ops, void *ctx);
/* Interpret bytes: \r \n \b \t, printable characters (wrapping and
 * scrolling), ESC[nA/B/C/D, ESC[r;cH and f, ESC[nJ, ESC[nK, ESC[...m. */
void term_write(struct term *t, const char *buf, size_t len);
/* Show every change since the last flush. */
void term_flush(struct term *t);
/* The backend shows the grid as it is now (a screen just cleared to the
 * blank grid's black): the next flush draws only later changes. */
void term_assume_shown(struct term *t);
/* The next flush draws every cell (the backend's picture was lost). */
void term_invalidate(struct term *t);
/* The cell at screen row, col as the grid holds it. */
uint16_t term_cell_at(const struct term *t, unsigned row, unsigned col);

#endif
