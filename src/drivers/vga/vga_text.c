/* vga_text.c: console on the VGA 80x25 colour text screen at 0xB8000, with the
 * ANSI/VT100 subset of console.h. Spec: IBM VGA Technical Reference (text
 * buffer, CRTC cursor registers), ECMA-48 (CSI sequences). QEMU: -vga std (default). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "devices.h"
#include "kernel.h"
#include "string.h"
#include "x86.h"
#include "vga_text_regs.h"

#define VGA_CELLS (VGA_TEXT_COLS * VGA_TEXT_ROWS)
#define VGA_LAST_COL (VGA_TEXT_COLS - 1)
#define VGA_LAST_ROW (VGA_TEXT_ROWS - 1)

/* Bounds that keep a broken or hostile escape sequence from doing harm. */
#define VGA_ESC_MAX_PARAMS 8
#define VGA_ESC_MAX_VALUE 9999u
#define VGA_ESC_MAX_LEN 16u

#define ASCII_BEL 0x07
#define ASCII_ESC 0x1b

enum vga_esc_state { VGA_ESC_NONE, VGA_ESC_START, VGA_ESC_CSI };

struct vga_term {
	volatile uint16_t *cells;
	/* col == VGA_TEXT_COLS means "wrap pending", as on a VT100, so that a
	 * line of exactly 80 characters followed by \n does not leave a blank line. */
	unsigned row, col;
	uint8_t fg, bg;
	bool bold;
	enum vga_esc_state esc;
	unsigned esc_len;
	bool esc_ignore; /* private marker or intermediate: a sequence we don't do */
	unsigned nparam; /* index of the parameter being parsed */
	unsigned param[VGA_ESC_MAX_PARAMS];
};

static struct vga_term vga;

/* ANSI colour order (black red green yellow blue magenta cyan white) differs
 * from the VGA palette order (black blue green cyan red magenta brown grey). */
static const uint8_t vga_ansi_colour[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

static uint16_t vga_blank(void)
{
	unsigned fg = vga.fg | (vga.bold ? VGA_COLOR_BRIGHT : 0);

	return (uint16_t)((((unsigned)vga.bg << 4 | fg) << 8) | ' ');
}

/* Erases use the current background, as xterm does. */
static void vga_fill(unsigned from, unsigned to)
{
	uint16_t blank = vga_blank();

	for (unsigned i = from; i < to && i < VGA_CELLS; i++)
		vga.cells[i] = blank;
}

static void vga_scroll(void)
{
	/* One bulk move is far faster than copying cell by cell through the
	 * volatile pointer; the buffer is plain memory to the CPU. */
	memmove((void *)(uintptr_t)vga.cells,
		(const void *)(uintptr_t)(vga.cells + VGA_TEXT_COLS),
		(VGA_CELLS - VGA_TEXT_COLS) * sizeof(uint16_t));
	vga_fill(VGA_CELLS - VGA_TEXT_COLS, VGA_CELLS);
}

static void vga_newline(void)
{
	vga.col = 0;
	if (vga.row < VGA_LAST_ROW)
		vga.row++;
	else
		vga_scroll();
}

static void vga_put_glyph(uint8_t ch)
{
	uint16_t attr = vga_blank() & 0xff00u;

	if (vga.col >= VGA_TEXT_COLS)
		vga_newline();
	vga.cells[vga.row * VGA_TEXT_COLS + vga.col] = (uint16_t)(attr | ch);
	vga.col++;
}

static void vga_control(uint8_t ch)
{
	unsigned col = MIN(vga.col, VGA_LAST_COL);

	switch (ch) {
	case '\n':
		vga_newline();
		break;
	case '\r':
		vga.col = 0;
		break;
	case '\b':
		vga.col = col > 0 ? col - 1 : 0;
		break;
	case '\t':
		vga.col = MIN((col / 8 + 1) * 8, VGA_LAST_COL);
		break;
	case ASCII_ESC:
		vga.esc = VGA_ESC_START;
		break;
	default:
		/* BEL and the other C0 controls have no visible effect here. */
		break;
	}
}

static void vga_plain(uint8_t ch)
{
	if (ch < 0x20 || ch == 0x7f)
		vga_control(ch);
	else
		vga_put_glyph(ch); /* 0x80-0xff show the CP437 glyphs */
}

/* A missing or zero parameter means the default, per ECMA-48. */
static unsigned vga_param(unsigned i, unsigned def)
{
	unsigned v = i <= vga.nparam && i < VGA_ESC_MAX_PARAMS ? vga.param[i] : 0;

	return v ? v : def;
}

static void vga_sgr_one(unsigned p)
{
	if (p == 0) {
		vga.fg = VGA_COLOR_LIGHT_GREY;
		vga.bg = VGA_COLOR_BLACK;
		vga.bold = false;
	} else if (p == 1) {
		vga.bold = true;
	} else if (p == 22) {
		vga.bold = false;
	} else if (p >= 30 && p <= 37) {
		vga.fg = vga_ansi_colour[p - 30];
	} else if (p == 39) {
		vga.fg = VGA_COLOR_LIGHT_GREY;
	} else if (p >= 40 && p <= 47) {
		vga.bg = vga_ansi_colour[p - 40];
	} else if (p == 49) {
		vga.bg = VGA_COLOR_BLACK;
	} else if (p >= 90 && p <= 97) {
		vga.fg = vga_ansi_colour[p - 90] | VGA_COLOR_BRIGHT;
	}
}

static void vga_sgr(void)
{
	unsigned n = MIN(vga.nparam + 1, VGA_ESC_MAX_PARAMS);

	for (unsigned i = 0; i < n; i++) {
		/* 38/48 carry sub-parameters (5;n or 2;r;g;b) that would read as
		 * unrelated attributes: stop rather than misapply them. */
		if (vga.param[i] == 38 || vga.param[i] == 48)
			break;
		vga_sgr_one(vga.param[i]);
	}
}

static void vga_erase(unsigned final, unsigned mode)
{
	unsigned here = vga.row * VGA_TEXT_COLS + MIN(vga.col, VGA_LAST_COL);
	unsigned line = vga.row * VGA_TEXT_COLS;

	if (final == 'J')
		vga_fill(mode == 0 ? here : 0, mode == 1 ? here + 1 : VGA_CELLS);
	else
		vga_fill(mode == 0 ? here : line,
			 mode == 1 ? here + 1 : line + VGA_TEXT_COLS);
}

static void vga_csi_dispatch(uint8_t final)
{
	unsigned n = vga_param(0, 1);
	unsigned col = MIN(vga.col, VGA_LAST_COL);

	switch (final) {
	case 'A':
		vga.row = vga.row > n ? vga.row - n : 0;
		vga.col = col;
		break;
	case 'B':
		vga.row = MIN(vga.row + n, VGA_LAST_ROW);
		vga.col = col;
		break;
	case 'C':
		vga.col = MIN(col + n, VGA_LAST_COL);
		break;
	case 'D':
		vga.col = col > n ? col - n : 0;
		break;
	case 'H':
	case 'f':
		vga.row = MIN(n, VGA_TEXT_ROWS) - 1;
		vga.col = MIN(vga_param(1, 1), VGA_TEXT_COLS) - 1;
		break;
	case 'J':
	case 'K':
		if (vga_param(0, 0) <= 2)
			vga_erase(final, vga_param(0, 0));
		break;
	case 'm':
		vga_sgr();
		break;
	default:
		break; /* unknown sequences are swallowed */
	}
}

static void vga_csi_byte(uint8_t ch)
{
	if (ch >= '0' && ch <= '9') {
		if (vga.nparam < VGA_ESC_MAX_PARAMS) {
			unsigned *p = &vga.param[vga.nparam];

			*p = MIN(*p * 10 + (unsigned)(ch - '0'), VGA_ESC_MAX_VALUE);
		}
	} else if (ch == ';') {
		if (vga.nparam < VGA_ESC_MAX_PARAMS)
			vga.nparam++;
	} else if (ch >= 0x20 && ch <= 0x3f) {
		vga.esc_ignore = true; /* private marker (?<=>) or intermediate */
	} else if (ch >= 0x40 && ch <= 0x7e) {
		vga.esc = VGA_ESC_NONE;
		if (!vga.esc_ignore)
			vga_csi_dispatch(ch);
	} else {
		/* A control or 8-bit byte means the sequence is broken: abandon it
		 * and let the byte act normally (ESC starts a fresh sequence). */
		vga.esc = VGA_ESC_NONE;
		vga_plain(ch);
	}
}

static void vga_feed(uint8_t ch)
{
	if (vga.esc == VGA_ESC_NONE) {
		vga_plain(ch);
	} else if (vga.esc == VGA_ESC_START) {
		vga.esc = VGA_ESC_NONE;
		if (ch == '[') {
			vga.esc = VGA_ESC_CSI;
			vga.esc_len = 0;
			vga.esc_ignore = false;
			vga.nparam = 0;
			memset(vga.param, 0, sizeof(vga.param));
		} else if (ch < 0x20) {
			vga_plain(ch);
		}
		/* other two-byte escapes (ESC c, ESC 7, ...) are swallowed */
	} else if (++vga.esc_len > VGA_ESC_MAX_LEN) {
		vga.esc = VGA_ESC_NONE;
		vga_plain(ch);
	} else {
		vga_csi_byte(ch);
	}
}

static void vga_crtc_write(uint8_t index, uint8_t value)
{
	outb(VGA_CRTC_INDEX, index);
	outb(VGA_CRTC_DATA, value);
}

static uint8_t vga_crtc_read(uint8_t index)
{
	outb(VGA_CRTC_INDEX, index);
	return inb(VGA_CRTC_DATA);
}

static void vga_cursor_sync(void)
{
	unsigned pos = vga.row * VGA_TEXT_COLS + MIN(vga.col, VGA_LAST_COL);

	vga_crtc_write(VGA_CRTC_CURSOR_LOC_LOW, (uint8_t)(pos & 0xff));
	vga_crtc_write(VGA_CRTC_CURSOR_LOC_HIGH, (uint8_t)(pos >> 8));
}

/* An underline on the last two scan lines of whatever font height the BIOS
 * left programmed (16 in mode 03h, 8 for 80x50), instead of assuming one. */
static void vga_cursor_enable(void)
{
	unsigned height = (vga_crtc_read(VGA_CRTC_MAX_SCAN_LINE) & VGA_MAX_SCAN_LINE_MASK) + 1;
	unsigned last = height - 1;
	unsigned first = height >= 2 ? height - 2 : 0;
	uint8_t start = vga_crtc_read(VGA_CRTC_CURSOR_START) & VGA_CURSOR_START_KEEP;
	uint8_t end = vga_crtc_read(VGA_CRTC_CURSOR_END) & VGA_CURSOR_END_KEEP;

	/* VGA_CURSOR_DISABLE is left clear, which turns the cursor on. */
	vga_crtc_write(VGA_CRTC_CURSOR_START, (uint8_t)(start | (first & VGA_CURSOR_LINE_MASK)));
	vga_crtc_write(VGA_CRTC_CURSOR_END, (uint8_t)(end | (last & VGA_CURSOR_LINE_MASK)));
}

static void vga_write(struct console *c, const char *buf, size_t len)
{
	(void)c;
	for (size_t i = 0; i < len; i++)
		vga_feed((uint8_t)buf[i]);
	/* Port I/O is slow (a VM exit under QEMU): once per call is enough. */
	vga_cursor_sync();
}

static struct console vga_console = {
	.name = "vga",
	.kind = CONSOLE_SCREEN,
	.write = vga_write,
};

void vga_text_init(void)
{
	vga.cells = (volatile uint16_t *)(uintptr_t)VGA_TEXT_BASE;
	vga.row = 0;
	vga.col = 0;
	vga.fg = VGA_COLOR_LIGHT_GREY;
	vga.bg = VGA_COLOR_BLACK;
	vga.bold = false;
	vga.esc = VGA_ESC_NONE;
	vga_fill(0, VGA_CELLS);
	vga_cursor_enable();
	vga_cursor_sync();
	console_register(&vga_console);
}
