/* vga_text_regs.h: VGA text-mode memory and CRT controller registers used by
 * vga_text.c. Private to the driver. */
#ifndef INGOT_VGA_TEXT_REGS_H
#define INGOT_VGA_TEXT_REGS_H

/* Text buffer: IBM VGA Technical Reference, memory map (Graphics Controller
 * Miscellaneous register, memory map select 11b = B8000h-BFFFFh in colour
 * text modes). Each cell is a 16-bit word: low byte = CP437 character,
 * high byte = attribute (bits 3-0 foreground, bits 6-4 background, bit 7
 * blink or bright background depending on the Attribute Mode Control). */
#define VGA_TEXT_BASE 0xB8000u
#define VGA_TEXT_COLS 80u
#define VGA_TEXT_ROWS 25u

/* CRT controller ports: IBM VGA Technical Reference / FreeVGA "CRT Controller
 * Registers". The colour addresses 3D4h/3D5h apply because the Miscellaneous
 * Output register's I/O address select bit is 1 in the colour text modes. */
#define VGA_CRTC_INDEX 0x3D4u
#define VGA_CRTC_DATA  0x3D5u

/* CRTC register indices and fields: IBM VGA Technical Reference / FreeVGA
 * CRTC registers 09h, 0Ah, 0Bh, 0Eh, 0Fh. */
#define VGA_CRTC_MAX_SCAN_LINE   0x09u /* bits 4-0: character cell height - 1 */
#define VGA_CRTC_CURSOR_START    0x0Au /* bit 5: cursor disable; bits 4-0: first scan line */
#define VGA_CRTC_CURSOR_END      0x0Bu /* bits 6-5: skew; bits 4-0: last scan line */
#define VGA_CRTC_CURSOR_LOC_HIGH 0x0Eu /* bits 15-8 of the cursor cell offset */
#define VGA_CRTC_CURSOR_LOC_LOW  0x0Fu /* bits 7-0 of the cursor cell offset */

#define VGA_MAX_SCAN_LINE_MASK   0x1Fu
#define VGA_CURSOR_DISABLE       0x20u
#define VGA_CURSOR_LINE_MASK     0x1Fu
#define VGA_CURSOR_START_KEEP    0xC0u /* reserved bits preserved on write */
#define VGA_CURSOR_END_KEEP      0xE0u /* skew + reserved bits preserved */

#endif
