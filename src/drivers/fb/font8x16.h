/* font8x16.h: the framebuffer console's font (font8x16.c): 8 pixels wide,
 * 16 rows high, glyphs for 0x20-0x7e and a box for anything else. Private
 * to src/drivers/fb. */
#ifndef INGOT_FONT8X16_H
#define INGOT_FONT8X16_H

#include <stdint.h>

#define FONT_WIDTH 8u
#define FONT_HEIGHT 16u
#define FONT_FIRST 0x20u
#define FONT_LAST 0x7eu
#define FONT_BOX (FONT_LAST - FONT_FIRST + 1) /* the glyph after '~' */
#define FONT_GLYPHS (FONT_BOX + 1)

extern const uint8_t font8x16[FONT_GLYPHS][FONT_HEIGHT];

/* The 16 rows of ch's glyph. */
static inline const uint8_t *font8x16_glyph(uint8_t ch)
{
	return font8x16[ch >= FONT_FIRST && ch <= FONT_LAST ? ch - FONT_FIRST : FONT_BOX];
}

#endif
