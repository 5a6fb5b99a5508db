/* fbcon.c: console on the linear framebuffer the loader hands over: the
 * terminal of term.c drawn with the 8x16 font of font8x16.c in 15, 16, 24 or
 * 32 bits per pixel. Spec: Multiboot 2.0 framebuffer tag (address, pitch,
 * depth, colour field positions). QEMU: OVMF (-bios/pflash), or a BIOS VBE
 * mode asked with gfxpayload=WxHxD in grub.cfg; -vga std. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"
#include "console.h"
#include "devices.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "string.h"
#include "term.h"
#include "font8x16.h"

/* Its pages in the registry of kernel memory (memown.h): poke names them. */
static const char dma_owner[] = "framebuffer console grid";

#define FB_MAX_BYTES 4u /* per pixel */
#define FB_CURSOR_ROWS 2u /* an underline on the cell's last pixel rows */
/* The boot page tables map the first 4 GiB; a framebuffer above waits for
 * mm_init (fbcon_map), drawn into the grid meanwhile. */
#define FB_EARLY_LIMIT (4ull << 30)

/* A glyph row is 8 pixels of B bytes: exactly B 64-bit words, so every
 * depth draws a row as B word stores: bg ^ (mask & (fg ^ bg)). */
typedef uint64_t fb_word __attribute__((aligned(1), may_alias));

struct fbcon {
	uint8_t *base;        /* NULL until the framebuffer is mapped */
	struct boot_fb fb;
	unsigned bytes;       /* per pixel: 2, 3 or 4 */
	unsigned cols, rows;
	uint64_t colour[16][FB_MAX_BYTES]; /* a colour over 8 pixels */
	/* Glyph row bits to 0xff bytes where lit: 8 KiB, so taken from the
	 * kernel's pages only when there is a framebuffer. */
	uint64_t (*mask)[FB_MAX_BYTES];
	struct term term;
};

static struct fbcon fbc;

/* The VGA palette (IBM VGA Technical Reference, mode 03h DAC values), in
 * the term cell's colour order. */
static const uint8_t fb_palette[16][3] = {
	{ 0x00, 0x00, 0x00 }, { 0x00, 0x00, 0xaa }, { 0x00, 0xaa, 0x00 }, { 0x00, 0xaa, 0xaa },
	{ 0xaa, 0x00, 0x00 }, { 0xaa, 0x00, 0xaa }, { 0xaa, 0x55, 0x00 }, { 0xaa, 0xaa, 0xaa },
	{ 0x55, 0x55, 0x55 }, { 0x55, 0x55, 0xff }, { 0x55, 0xff, 0x55 }, { 0x55, 0xff, 0xff },
	{ 0xff, 0x55, 0x55 }, { 0xff, 0x55, 0xff }, { 0xff, 0xff, 0x55 }, { 0xff, 0xff, 0xff },
};

/* An 8-bit component scaled to a field of size bits at pos. */
static uint32_t fb_field(uint8_t v, unsigned pos, unsigned size)
{
	uint32_t max = size >= 32 ? ~0u : (1u << size) - 1;

	if (pos >= 32)
		return 0;
	return (uint32_t)(((uint64_t)v * max + 127) / 255) << pos;
}

/* Pixel value p repeated over 8 pixels of bytes each, as words. */
static void fb_repeat(uint64_t *words, uint32_t p, unsigned bytes)
{
	uint8_t row[8 * FB_MAX_BYTES];

	for (unsigned i = 0; i < 8 * bytes; i++)
		row[i] = (uint8_t)(p >> (8 * (i % bytes)));
	memcpy(words, row, 8 * bytes);
}

static void fb_make_tables(struct fbcon *f)
{
	const struct boot_fb *fb = &f->fb;

	for (unsigned c = 0; c < 16; c++) {
		uint32_t p = fb_field(fb_palette[c][0], fb->red_pos, fb->red_size) |
			     fb_field(fb_palette[c][1], fb->green_pos, fb->green_size) |
			     fb_field(fb_palette[c][2], fb->blue_pos, fb->blue_size);

		fb_repeat(f->colour[c], p, f->bytes);
	}
	for (unsigned bits = 0; bits < 256; bits++) {
		uint8_t row[8 * FB_MAX_BYTES];

		for (unsigned i = 0; i < 8 * f->bytes; i++)
			row[i] = bits & (0x80u >> (i / f->bytes)) ? 0xff : 0;
		memcpy(f->mask[bits], row, 8 * f->bytes);
	}
}

/* One pixel row of one cell. B is a constant in each caller, so the word
 * loop unrolls. */
static inline __attribute__((always_inline)) void
fb_put_row(uint8_t *dst, const uint64_t *mask, const uint64_t *fg, const uint64_t *bg, unsigned B)
{
	for (unsigned q = 0; q < B; q++)
		((fb_word *)dst)[q] = bg[q] ^ (mask[q] & (fg[q] ^ bg[q]));
}

static inline __attribute__((always_inline)) void
fb_draw_cells(struct fbcon *f, uint8_t *line, const uint16_t *cells, unsigned n, unsigned B)
{
	/* Row by row across the run: the framebuffer is written in address
	 * order, which write-combining hardware likes best. */
	for (unsigned y = 0; y < FONT_HEIGHT; y++, line += f->fb.pitch) {
		uint8_t *dst = line;

		for (unsigned i = 0; i < n; i++, dst += 8 * B) {
			uint16_t cell = cells[i];
			uint8_t bits = font8x16_glyph(TERM_CELL_CHAR(cell))[y];

			fb_put_row(dst, f->mask[bits], f->colour[TERM_CELL_FG(cell)],
				   f->colour[TERM_CELL_BG(cell)], B);
		}
	}
}

static void fb_draw(void *ctx, unsigned row, unsigned col, const uint16_t *cells, unsigned n)
{
	struct fbcon *f = ctx;
	uint8_t *line;

	if (!f->base)
		return;
	line = f->base + (size_t)row * FONT_HEIGHT * f->fb.pitch + (size_t)col * 8 * f->bytes;
	switch (f->bytes) {
	case 2:
		fb_draw_cells(f, line, cells, n, 2);
		break;
	case 3:
		fb_draw_cells(f, line, cells, n, 3);
		break;
	default:
		fb_draw_cells(f, line, cells, n, 4);
		break;
	}
}

/* An underline in the cell's foreground colour over its last pixel rows;
 * term draws the cell again when the cursor leaves it. */
static void fb_cursor(void *ctx, unsigned row, unsigned col, uint16_t cell)
{
	struct fbcon *f = ctx;
	const uint64_t *fg = f->colour[TERM_CELL_FG(cell)];
	uint8_t *line;

	if (!f->base)
		return;
	line = f->base + ((size_t)row * FONT_HEIGHT + FONT_HEIGHT - FB_CURSOR_ROWS) * f->fb.pitch +
	       (size_t)col * 8 * f->bytes;
	for (unsigned y = 0; y < FB_CURSOR_ROWS; y++, line += f->fb.pitch)
		memcpy(line, fg, 8 * f->bytes);
}

static const struct term_ops fb_ops = { .draw = fb_draw, .cursor = fb_cursor };

/* The whole framebuffer black, or only the pixels right of and below the
 * cell grid, which term never draws. */
static void fb_clear(struct fbcon *f, bool margins_only)
{
	size_t grid_bytes = margins_only ? (size_t)f->cols * 8 * f->bytes : 0;
	size_t row_bytes = (size_t)f->fb.width * f->bytes;

	for (uint32_t y = 0; y < f->fb.height; y++) {
		uint8_t *line = f->base + (size_t)y * f->fb.pitch;

		if (y >= f->rows * FONT_HEIGHT)
			memset(line, 0, row_bytes);
		else if (row_bytes > grid_bytes)
			memset(line + grid_bytes, 0, row_bytes - grid_bytes);
	}
}

static void fb_write(struct console *c, const char *buf, size_t len)
{
	(void)c;
	term_write(&fbc.term, buf, len);
}

static void fb_flush(struct console *c)
{
	(void)c;
	term_flush(&fbc.term);
}

static void fb_describe(struct console *c, char *buf, size_t size)
{
	const struct boot_fb *fb = &fbc.fb;

	(void)c;
	ksnprintf(buf, size, "%ux%u text on %ux%u %u bpp at %016llx, pitch %u%s", fbc.cols, fbc.rows,
		  fb->width, fb->height, fb->bpp, (unsigned long long)fb->addr, fb->pitch,
		  fbc.base ? "" : " (not mapped)");
}

static struct console fb_console = {
	.name = "fb0",
	.kind = CONSOLE_FB,
	.write = fb_write,
	.flush = fb_flush,
	.describe = fb_describe,
};

/* Direct colour at 15, 16, 24 or 32 bpp, at least one cell, and a pitch
 * that holds a row: anything else is not ours to draw. */
static int fb_usable(const struct boot_fb *fb)
{
	unsigned bytes = (fb->bpp + 7u) / 8u;

	if (fb->type != FB_TYPE_RGB || !fb->addr)
		return 0;
	if (fb->bpp != 15 && fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
		return 0;
	if (fb->width < 8 || fb->height < FONT_HEIGHT || fb->pitch < (uint64_t)fb->width * bytes)
		return 0;
	return fb->addr + (uint64_t)fb->pitch * fb->height > fb->addr;
}

int fbcon_init(const struct boot_fb *fb)
{
	size_t maskbytes = 256 * sizeof(*fbc.mask), gridbytes;
	uint8_t *buf;

	if (!fb_usable(fb))
		return -ENODEV;
	fbc.fb = *fb;
	fbc.bytes = (fb->bpp + 7u) / 8u;
	fbc.cols = fb->width / 8;
	fbc.rows = fb->height / FONT_HEIGHT;
	gridbytes = term_buffer_size(fbc.cols, fbc.rows);
	buf = pmm_alloc_named(ALIGN_UP(maskbytes + gridbytes, PAGE_SIZE) / PAGE_SIZE, dma_owner);
	if (!buf)
		return -ENOMEM;
	fbc.mask = (uint64_t (*)[FB_MAX_BYTES])buf;
	fb_make_tables(&fbc);
	term_init(&fbc.term, fbc.cols, fbc.rows, buf + maskbytes, &fb_ops, &fbc);
	/* Black is the blank grid: what the loader left goes, even when
	 * console= does not select this screen. */
	if (fb->addr + (uint64_t)fb->pitch * fb->height <= FB_EARLY_LIMIT) {
		fbc.base = (uint8_t *)(uintptr_t)fb->addr;
		fb_clear(&fbc, false);
		term_assume_shown(&fbc.term);
	}
	console_register(&fb_console);
	return 0;
}

/* After mm_init: the framebuffer mapped write-combining, so a redraw goes
 * out in bursts rather than one uncached store at a time (mm_init maps it
 * uncached below 4 GiB, and not at all above); one the boot map did not
 * reach shows what was written so far. */
int fbcon_map(void)
{
	bool late = !fbc.base;

	if (!fbc.cols)
		return 0;
	if (vm_map(fbc.fb.addr, (uint64_t)fbc.fb.pitch * fbc.fb.height, VM_WRITE | VM_WC) < 0)
		return late ? -ENOMEM : 0;
	if (!late)
		return 0;
	fbc.base = (uint8_t *)(uintptr_t)fbc.fb.addr;
	fb_clear(&fbc, true);
	console_lock();
	term_invalidate(&fbc.term);
	term_flush(&fbc.term);
	console_unlock();
	return 0;
}
