/* bootinfo_fb.c: the framebuffer the loader set up, from the multiboot2
 * framebuffer tag (Multiboot2 Specification 2.0, 3.6.12) or the multiboot1
 * fields (0.6.96, 3.3), for bootinfo.c; left out of the tiny profile, which
 * has no screen. Pure code, host unit-tested in tests/unit/test_bootinfo.c. */
#include "bootinfo.h"
#include "string.h"

/* The colour fields start at color: multiboot1 puts them right after the
 * type byte (offset 22), multiboot2 after a 16-bit reserved field (24). */
void bootinfo_fb_read(struct boot_fb *fb, const uint8_t *p, size_t avail, size_t color)
{
	memcpy(&fb->addr, p, 8); /* not aligned */
	memcpy(&fb->pitch, p + 8, 4);
	memcpy(&fb->width, p + 12, 4);
	memcpy(&fb->height, p + 16, 4);
	fb->bpp = p[20];
	fb->type = p[21];
	if (fb->type == FB_TYPE_RGB && avail >= color + 6) {
		fb->red_pos = p[color], fb->red_size = p[color + 1];
		fb->green_pos = p[color + 2], fb->green_size = p[color + 3];
		fb->blue_pos = p[color + 4], fb->blue_size = p[color + 5];
	}
}
