/* test_term.c: host tests of src/term.c, the terminal emulator behind the
 * screen consoles: a recording backend keeps the picture term draws, and
 * the checks read it after each flush (text, colours, cursor, and how many
 * cells a flush costs). */
/* sources: src/term.c */
#include <stdint.h>
#include <stdlib.h>
#include "term.h"
#include "unit.h"

#define MAXC 40
#define MAXR 10

struct screen {
	unsigned cols, rows;
	uint16_t cell[MAXR][MAXC];
	unsigned cur_row, cur_col, cursor_calls;
	unsigned draws, cells_drawn;
};

static void rec_draw(void *ctx, unsigned row, unsigned col, const uint16_t *cells, unsigned n)
{
	struct screen *s = ctx;

	if (row >= s->rows || col + n > s->cols || n == 0) {
		printf("FAIL: term.draw_bounds: row %u col %u n %u\n", row, col, n);
		unit_failures++;
		return;
	}
	memcpy(&s->cell[row][col], cells, n * sizeof(uint16_t));
	s->draws++;
	s->cells_drawn += n;
}

static void rec_cursor(void *ctx, unsigned row, unsigned col, uint16_t cell)
{
	struct screen *s = ctx;

	(void)cell;
	s->cur_row = row;
	s->cur_col = col;
	s->cursor_calls++;
}

static const struct term_ops rec_ops = { .draw = rec_draw, .cursor = rec_cursor };

static struct term t;
static struct screen scr;
static void *buf;

static void setup(unsigned cols, unsigned rows)
{
	free(buf);
	buf = malloc(term_buffer_size(cols, rows));
	memset(&scr, 0xee, sizeof(scr)); /* garbage until the first flush */
	scr.cols = cols;
	scr.rows = rows;
	scr.cursor_calls = scr.draws = scr.cells_drawn = 0;
	term_init(&t, cols, rows, buf, &rec_ops, &scr);
	term_flush(&t);
}

static void put(const char *s)
{
	term_write(&t, s, strlen(s));
	scr.draws = scr.cells_drawn = scr.cursor_calls = 0;
	term_flush(&t);
}

/* A row's characters as shown, trailing blanks removed. */
static const char *row_text(unsigned r)
{
	static char line[MAXC + 1];
	unsigned n = 0;

	for (unsigned c = 0; c < scr.cols; c++)
		line[n++] = (char)TERM_CELL_CHAR(scr.cell[r][c]);
	while (n && line[n - 1] == ' ')
		n--;
	line[n] = 0;
	return line;
}

static unsigned attr_at(unsigned r, unsigned c) { return scr.cell[r][c] >> 8; }

/* The shown picture agrees with the grid cell for cell. */
static int shown_is_grid(void)
{
	for (unsigned r = 0; r < scr.rows; r++)
		for (unsigned c = 0; c < scr.cols; c++)
			if (scr.cell[r][c] != term_cell_at(&t, r, c))
				return 0;
	return 1;
}

static void test_plain_and_wrap(void)
{
	setup(10, 4);
	CHECK("term.init.blank", !strcmp(row_text(0), "") && attr_at(3, 9) == 0x07);
	CHECK("term.init.cursor", scr.cur_row == 0 && scr.cur_col == 0);
	put("hello");
	CHECK_STR("term.plain.text", row_text(0), "hello");
	CHECK("term.plain.cursor", scr.cur_row == 0 && scr.cur_col == 5);
	CHECK_U64("term.plain.attr", attr_at(0, 0), 0x07);
	put("\r0123456789");
	CHECK_STR("term.wrap.full_row", row_text(0), "0123456789");
	CHECK("term.wrap.pending_cursor", scr.cur_row == 0 && scr.cur_col == 9);
	put("\n");
	CHECK("term.wrap.no_blank_line", scr.cur_row == 1 && scr.cur_col == 0);
	put("abcdefghijK");
	CHECK("term.wrap.next_row", !strcmp(row_text(1), "abcdefghij") && !strcmp(row_text(2), "K"));
	put("\b\b\bX");
	CHECK_STR("term.backspace.stops_at_0", row_text(2), "X");
	put("\tY");
	CHECK("term.tab", TERM_CELL_CHAR(scr.cell[2][8]) == 'Y');
	put("\tZ\tW");
	CHECK("term.tab.clamps", TERM_CELL_CHAR(scr.cell[2][9]) == 'W' && t.row == 2);
	put("\x01\x07\x7f");
	CHECK("term.c0_invisible", t.row == 2 && t.col == 10 && shown_is_grid());
}

static void test_scroll(void)
{
	char line[32];

	setup(10, 4);
	for (int i = 0; i < 6; i++) {
		snprintf(line, sizeof(line), "line %d\n", i);
		put(line);
	}
	CHECK("term.scroll.rows", !strcmp(row_text(0), "line 3") && !strcmp(row_text(2), "line 5") &&
	      !strcmp(row_text(3), ""));
	CHECK("term.scroll.cursor", scr.cur_row == 3 && scr.cur_col == 0);
	/* Lines that share a prefix: only the cells that differ are drawn. */
	put("line 6\n");
	CHECK("term.scroll.only_changes", scr.cells_drawn <= 3 + 6 + 1 && shown_is_grid());
	/* 100 lines between flushes cost one picture, not 100. */
	term_flush(&t);
	scr.cells_drawn = 0;
	for (int i = 0; i < 100; i++) {
		snprintf(line, sizeof(line), "%d\n", 1000 + i);
		term_write(&t, line, strlen(line));
	}
	term_flush(&t);
	CHECK("term.scroll.batched", scr.cells_drawn <= 10 * 4 && !strcmp(row_text(2), "1099") &&
	      !strcmp(row_text(0), "1097"));
	put("\x1b[2;3H");
	CHECK("term.scroll.then_move", scr.cur_row == 1 && scr.cur_col == 2);
}

static void test_erase(void)
{
	setup(10, 4);
	put("aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc\ndddddddddd");
	put("\x1b[2;5H\x1b[K");
	CHECK_STR("term.erase.K0", row_text(1), "bbbb");
	put("\x1b[3;5H\x1b[1K");
	CHECK_STR("term.erase.K1", row_text(2), "     ccccc");
	put("\x1b[4;1H\x1b[2K");
	CHECK_STR("term.erase.K2", row_text(3), "");
	put("\x1b[4;1Hdddddddddd\x1b[2;3H\x1b[J");
	CHECK("term.erase.J0", !strcmp(row_text(0), "aaaaaaaaaa") && !strcmp(row_text(1), "bb") &&
	      !strcmp(row_text(2), "") && !strcmp(row_text(3), ""));
	put("\x1b[1;1Haaaaaaaaaa\nbbbbbbbbbb\n\x1b[2;3H\x1b[1J");
	CHECK("term.erase.J1", !strcmp(row_text(0), "") && !strcmp(row_text(1), "   bbbbbbb"));
	put("x\x1b[2J");
	CHECK("term.erase.J2", !strcmp(row_text(0), "") && !strcmp(row_text(1), "") && t.row == 1);
	put("\x1b[3J\x1b[9K");
	CHECK("term.erase.bad_mode_ignored", shown_is_grid());
	put("\x1b[44m\x1b[2K\x1b[0m");
	CHECK_U64("term.erase.uses_background", attr_at(1, 0), 0x17);
}

static void test_sgr(void)
{
	setup(20, 2);
	put("\x1b[31mR\x1b[1;32mG\x1b[22mg\x1b[44mB\x1b[0mN\x1b[93mY\x1b[39;49mD");
	CHECK_U64("term.sgr.red", attr_at(0, 0), 0x04);
	CHECK_U64("term.sgr.bold_green", attr_at(0, 1), 0x0a);
	CHECK_U64("term.sgr.bold_off", attr_at(0, 2), 0x02);
	CHECK_U64("term.sgr.blue_bg", attr_at(0, 3), 0x12);
	CHECK_U64("term.sgr.reset", attr_at(0, 4), 0x07);
	CHECK_U64("term.sgr.bright_yellow", attr_at(0, 5), 0x0e);
	CHECK_U64("term.sgr.defaults", attr_at(0, 6), 0x07);
	put("\x1b[38;5;1mX\x1b[mZ");
	CHECK_U64("term.sgr.38_not_misread", attr_at(0, 7), 0x07);
	put("\x1b[1;38;2;1;2;3;4mQ\x1b[0m");
	CHECK_U64("term.sgr.before_38_applies", attr_at(0, 9), 0x0f);
	put("\x1b[35;41m\x1b[1mP\x1b[m");
	CHECK_U64("term.sgr.bold_bright", attr_at(0, 10), 0x4d);
}

static void test_moves(void)
{
	setup(10, 5);
	put("\x1b[3;4H");
	CHECK("term.move.H", t.row == 2 && t.col == 3);
	put("\x1b[A\x1b[2C");
	CHECK("term.move.A_C", t.row == 1 && t.col == 5);
	put("\x1b[99B\x1b[99D");
	CHECK("term.move.clamp_BD", t.row == 4 && t.col == 0);
	put("\x1b[99;99f");
	CHECK("term.move.clamp_f", t.row == 4 && t.col == 9);
	put("\x1b[H");
	CHECK("term.move.home", t.row == 0 && t.col == 0 && scr.cur_row == 0 && scr.cur_col == 0);
	put("\x1b[0;0H\x1b[99999999A");
	CHECK("term.move.zero_and_huge", t.row == 0 && t.col == 0);
	put("0123456789\x1b[C");
	CHECK("term.move.C_from_pending", t.row == 0 && t.col == 9);
}

static void test_broken(void)
{
	setup(20, 4);
	put("a\x1b[12\nb");
	CHECK("term.broken.control_ends", !strcmp(row_text(0), "a") && !strcmp(row_text(1), "b"));
	put("\r\x1b[11111111111111111111c");
	CHECK_STR("term.broken.too_long", row_text(1), "1111c");
	put("\r\n\x1b[?25lx\x1b[>1;2mz\x1b" "cy");
	CHECK_STR("term.broken.private_swallowed", row_text(2), "xzy");
	CHECK_U64("term.broken.private_no_sgr", attr_at(2, 1), 0x07);
	put("\x1b\nq\x1b[;;;;;;;;31mr");
	CHECK("term.broken.esc_newline", !strcmp(row_text(3), "qr"));
	CHECK_U64("term.broken.ninth_param_dropped", attr_at(3, 1), 0x07);
	put("\x1b[\x1b[31mS");
	CHECK("term.broken.esc_restarts", TERM_CELL_CHAR(scr.cell[3][2]) == 'S' && attr_at(3, 2) == 0x04);
	put("\x1b[\x80");
	CHECK_U64("term.broken.8bit_shown", TERM_CELL_CHAR(scr.cell[3][3]), 0x80);
	put("\xff");
	CHECK_U64("term.high_bytes_glyphs", TERM_CELL_CHAR(scr.cell[3][4]), 0xff);
}

static void test_cursor_and_cost(void)
{
	setup(20, 4);
	put("abc");
	put("d");
	/* The new cell, plus the cell the cursor left (redrawn without it). */
	CHECK("term.cost.one_char", scr.cells_drawn <= 2 && scr.cursor_calls == 1);
	put("");
	CHECK("term.cost.nothing", scr.cells_drawn == 0 && scr.cursor_calls == 0);
	put("\x1b[D");
	CHECK("term.cursor.moved", scr.cur_col == 3 && scr.cursor_calls == 1 && scr.cells_drawn == 1);
	put("X");
	CHECK("term.cursor.redrawn_over_new_cell", scr.cur_col == 4 && scr.cursor_calls == 1);
	term_invalidate(&t);
	scr.cells_drawn = 0;
	term_flush(&t);
	CHECK("term.invalidate.all", scr.cells_drawn == 20 * 4 && shown_is_grid());
}

int main(void)
{
	test_plain_and_wrap();
	test_scroll();
	test_erase();
	test_sgr();
	test_moves();
	test_broken();
	test_cursor_and_cost();
	free(buf);
	return unit_exit();
}
