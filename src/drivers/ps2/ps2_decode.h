/* ps2_decode.h: the PS/2 keyboard's scan code decoder (set 1, US layout) as a
 * pure state machine, so it can be unit tested on the host. Private to the
 * ps2 driver. */
#ifndef INGOT_PS2_DECODE_H
#define INGOT_PS2_DECODE_H

#include <stdint.h>

/* Largest byte sequence one scan code can produce (ESC [ 3 ~ is 4). */
#define PS2_DECODE_MAX 8

/* ps2_state.mods bits. */
#define PS2_MOD_LSHIFT   0x01u
#define PS2_MOD_RSHIFT   0x02u
#define PS2_MOD_LCTRL    0x04u
#define PS2_MOD_RCTRL    0x08u
#define PS2_MOD_CAPS     0x10u /* Caps Lock is on */
#define PS2_MOD_CAPS_KEY 0x20u /* the Caps Lock key is held (typematic repeat) */
#define PS2_MOD_NUM      0x40u /* Num Lock is on */
#define PS2_MOD_NUM_KEY  0x80u /* the Num Lock key is held */

/* All zero is the power-on state: nothing held, Caps and Num Lock off. */
struct ps2_state {
	uint8_t mods;
	uint8_t prefix_e0; /* the previous byte was the E0 extended prefix */
	uint8_t skip;      /* bytes of an E1 (Pause) sequence still to swallow */
};

/* Feed one scan code byte; the bytes a VT100/xterm terminal would send for
 * it are stored in out. Returns how many (0 for prefixes, releases and
 * modifier keys). */
int ps2_decode(struct ps2_state *st, uint8_t code, char out[PS2_DECODE_MAX]);

#endif
