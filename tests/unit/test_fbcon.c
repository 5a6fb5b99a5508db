/* test_fbcon.c: host tests of src/drivers/fb/fbcon.c drawing into a
 * framebuffer in memory at 32 bpp (RGB and BGR), 24, 16 (5:6:5) and 15
 * (5:5:5) bpp: every pixel of a drawn cell against the font, colours,
 * the cursor underline, scrolling, the fallback box, and that margins are
 * cleared while the pitch padding is never touched. The kernel calls
 * fbcon.c makes are stubbed here. */
/* sources: src/term.c src/format.c src/drivers/fb/font8x16.c */
#include <stdint.h>
#include <stdlib.h>
#include "bootinfo.h"
#include "console.h"
#include "devices.h"
#include "mm.h"
#include "font8x16.h"
#include "unit.h"

static struct console *registered;

void console_register(struct console *c) { registered = c; }
void console_lock(void) { }
void console_unlock(void) { }
int vm_map(uint64_t phys, uint64_t len, unsigned attrs) { (void)phys, (void)len, (void)attrs; return 0; }
void *pmm_alloc_pages(size_t count) { return calloc(count, PAGE_SIZE); }
void *pmm_alloc_named(size_t count, const char *owner) { (void)owner; return calloc(count, PAGE_SIZE); }

#include "fbcon.c"

#define COLS 10
#define ROWS 3
#define WIDTH (COLS * 8 + 5)      /* 5 pixels of margin on the right */
#define HEIGHT (ROWS * 16 + 7)    /* 7 rows of margin below */
#define PAD 12                    /* pitch bytes past the visible row */
#define JUNK 0xab

struct format {
	const char *name;
	uint8_t bpp, rp, rs, gp, gs, bp, bs;
	uint32_t grey, white, bright_red, black;
};

static const struct format formats[] = {
	{ "32", 32, 16, 8, 8, 8, 0, 8, 0xaaaaaa, 0xffffff, 0xff5555, 0 },
	{ "32bgr", 32, 0, 8, 8, 8, 16, 8, 0xaaaaaa, 0xffffff, 0x5555ff, 0 },
	{ "24", 24, 16, 8, 8, 8, 0, 8, 0xaaaaaa, 0xffffff, 0xff5555, 0 },
	{ "16", 16, 11, 5, 5, 6, 0, 5, 0xad55, 0xffff, 0xfaaa, 0 },
	{ "15", 15, 10, 5, 5, 5, 0, 5, 0x56b5, 0x7fff, 0x7d4a, 0 },
};

static uint8_t *mem;
static unsigned bytes, pitch;
static char name[64];

static uint32_t px(unsigned x, unsigned y)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint32_t)mem[(size_t)y * pitch + x * bytes + i] << (8 * i);
	return v;
}

static void out(const char *s)
{
	registered->write(registered, s, strlen(s));
	registered->flush(registered);
}

/* Cell row, col shows ch in fg on bg, pixel for pixel; the cursor rows
 * (14, 15) are left out when skip_cursor. */
static int cell_is(unsigned row, unsigned col, uint8_t ch, uint32_t fg, uint32_t bg, int skip_cursor)
{
	const uint8_t *g = font8x16_glyph(ch);

	for (unsigned y = 0; y < 16; y++) {
		if (skip_cursor && y >= 14)
			continue;
		for (unsigned x = 0; x < 8; x++) {
			uint32_t want = g[y] & (0x80 >> x) ? fg : bg;

			if (px(col * 8 + x, row * 16 + y) != want) {
				printf("  cell %u,%u '%c' pixel %u,%u: %#x, want %#x\n", row, col, ch, x, y,
				       px(col * 8 + x, row * 16 + y), want);
				return 0;
			}
		}
	}
	return 1;
}

static int cursor_at(unsigned row, unsigned col, uint32_t colour)
{
	for (unsigned y = 14; y < 16; y++)
		for (unsigned x = 0; x < 8; x++)
			if (px(col * 8 + x, row * 16 + y) != colour)
				return 0;
	return 1;
}

static int margins_ok(void)
{
	for (unsigned y = 0; y < HEIGHT; y++) {
		for (unsigned x = 0; x < WIDTH; x++)
			if ((x >= COLS * 8 || y >= ROWS * 16) && px(x, y) != 0)
				return 0;
		for (unsigned i = WIDTH * bytes; i < pitch; i++)
			if (mem[(size_t)y * pitch + i] != JUNK)
				return 0;
	}
	return 1;
}

#define T(what) (snprintf(name, sizeof(name), "fbcon.%s.%s", f->name, what), name)

static void test_format(const struct format *f)
{
	struct boot_fb fb = { .type = FB_TYPE_RGB, .bpp = f->bpp, .width = WIDTH, .height = HEIGHT,
			      .red_pos = f->rp, .red_size = f->rs, .green_pos = f->gp, .green_size = f->gs,
			      .blue_pos = f->bp, .blue_size = f->bs };

	bytes = (f->bpp + 7) / 8;
	pitch = WIDTH * bytes + PAD;
	mem = malloc((size_t)pitch * HEIGHT);
	memset(mem, JUNK, (size_t)pitch * HEIGHT);
	fb.addr = (uint64_t)(uintptr_t)mem;
	fb.pitch = pitch;
	memset(&fbc, 0, sizeof(fbc));
	CHECK(T("init"), fbcon_init(&fb) == 0 && registered);
	CHECK(T("geometry"), fbc.cols == COLS && fbc.rows == ROWS);
	/* A host heap lies above 4 GiB, beyond the kernel's boot map: text
	 * written before fbcon_map waits in the grid, then shows. */
	if (fb.addr + (uint64_t)pitch * HEIGHT > FB_EARLY_LIMIT) {
		out("A");
		CHECK(T("late.untouched_before_map"), mem[0] == JUNK && mem[(size_t)pitch * HEIGHT - 1] == JUNK);
	}
	CHECK(T("map"), fbcon_map() == 0 && fbc.base == mem);
	out("\rAg\x1b[1;31mR\x1b[0m");
	CHECK(T("glyph_A"), cell_is(0, 0, 'A', f->grey, f->black, 0));
	CHECK(T("glyph_g_descender"), cell_is(0, 1, 'g', f->grey, f->black, 0));
	CHECK(T("bright_red"), cell_is(0, 2, 'R', f->bright_red, f->black, 0));
	CHECK(T("cursor_underline"), cursor_at(0, 3, f->grey));
	out("\x1b[47;30mW\x1b[0m\x80");
	CHECK(T("black_on_grey"), cell_is(0, 3, 'W', f->black, f->grey, 0));
	CHECK(T("box_for_0x80"), cell_is(0, 4, 0x80, f->grey, f->black, 1) &&
	      font8x16_glyph(0x80) == font8x16[FONT_BOX]);
	out("\r\n");
	CHECK(T("cursor_left_cell_clean"), cell_is(0, 5, ' ', f->grey, f->black, 0) &&
	      cursor_at(1, 0, f->grey));
	out("\x1b[97mline 1\n\x1b[0mline 2\nxyz");
	CHECK(T("scrolled"), cell_is(0, 0, 'l', f->white, f->black, 0) && cell_is(0, 5, '1', f->white, f->black, 0) &&
	      cell_is(1, 5, '2', f->grey, f->black, 0) && cell_is(2, 2, 'z', f->grey, f->black, 0));
	CHECK(T("scrolled_row_cleared"), cell_is(2, 6, ' ', f->grey, f->black, 0));
	CHECK(T("margins_and_padding"), margins_ok());
	char desc[128];
	registered->describe(registered, desc, sizeof(desc));
	CHECK(T("describe"), !strncmp(desc, "10x3 text on 85x55 ", 19));
	free(fbc.mask);
	free(mem);
}

static void test_refused(void)
{
	struct boot_fb fb = { .type = FB_TYPE_RGB, .bpp = 8, .width = 640, .height = 480, .pitch = 640,
			      .addr = 0x80000000 };

	CHECK("fbcon.refuses_8bpp", fbcon_init(&fb) == -ENODEV);
	fb.bpp = 32;
	fb.type = FB_TYPE_EGA_TEXT;
	CHECK("fbcon.refuses_text", fbcon_init(&fb) == -ENODEV);
	fb.type = FB_TYPE_RGB;
	fb.pitch = 640;
	CHECK("fbcon.refuses_short_pitch", fbcon_init(&fb) == -ENODEV);
	fb.pitch = 2560;
	fb.height = 15;
	CHECK("fbcon.refuses_no_row", fbcon_init(&fb) == -ENODEV);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		test_format(&formats[i]);
	test_refused();
	return unit_exit();
}
