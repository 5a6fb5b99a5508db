/* vga_text.c: console on the VGA 80x25 colour text screen at 0xB8000: the
 * terminal of term.c drawn into text memory. Spec: IBM VGA Technical
 * Reference (text buffer, CRTC cursor registers). QEMU: -vga std (default). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "devices.h"
#include "kernel.h"
#include "string.h"
#include "term.h"
#include "x86.h"
#include "vga_text_regs.h"

#define VGA_CELLS (VGA_TEXT_COLS * VGA_TEXT_ROWS)

static struct term vga_term;
/* The grid, what the screen shows and the row flags (term_buffer_size):
 * the VGA memory is only written, since each access to it is a trip
 * through QEMU's device model. */
static uint16_t vga_buf[(VGA_CELLS * 2 * sizeof(uint16_t) + VGA_TEXT_ROWS + 1) / sizeof(uint16_t)];

static void vga_draw(void *ctx, unsigned row, unsigned col, const uint16_t *cells, unsigned n)
{
	volatile uint16_t *dst = (volatile uint16_t *)(uintptr_t)VGA_TEXT_BASE + row * VGA_TEXT_COLS + col;

	(void)ctx;
	for (unsigned i = 0; i < n; i++)
		dst[i] = cells[i];
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

/* Port I/O is slow (a VM exit under QEMU): term calls this only when the
 * cursor moved or its cell was drawn again. */
static void vga_cursor(void *ctx, unsigned row, unsigned col, uint16_t cell)
{
	unsigned pos = row * VGA_TEXT_COLS + col;

	(void)ctx, (void)cell;
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

static const struct term_ops vga_ops = { .draw = vga_draw, .cursor = vga_cursor };

static void vga_write(struct console *c, const char *buf, size_t len)
{
	(void)c;
	term_write(&vga_term, buf, len);
}

static void vga_flush(struct console *c)
{
	(void)c;
	term_flush(&vga_term);
}

static void vga_describe(struct console *c, char *buf, size_t size)
{
	(void)c;
	ksnprintf(buf, size, "%ux%u text at %05x", VGA_TEXT_COLS, VGA_TEXT_ROWS, VGA_TEXT_BASE);
}

static struct console vga_console = {
	.name = "vga",
	.kind = CONSOLE_VGA,
	.write = vga_write,
	.flush = vga_flush,
	.describe = vga_describe,
};

void vga_text_init(void)
{
	term_init(&vga_term, VGA_TEXT_COLS, VGA_TEXT_ROWS, vga_buf, &vga_ops, NULL);
	vga_cursor_enable();
	term_flush(&vga_term);
	console_register(&vga_console);
}
