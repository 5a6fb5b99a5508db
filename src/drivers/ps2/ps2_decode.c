/* ps2_decode.c: scan code set 1 (US layout) to the bytes a VT100/xterm
 * terminal sends. Spec: IBM PS/2 Hardware Interface Technical Reference,
 * keyboard scan code set 1; xterm ctlseqs for the cursor/editing keys. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ps2_decode.h"

#define SC_PREFIX_E0 0xE0u
#define SC_PREFIX_E1 0xE1u /* Pause: E1 1D 45 E1 9D C5 */
#define SC_E1_TAIL 2u      /* bytes after each E1 */
#define SC_BREAK 0x80u     /* release = make code | 80h */

#define SC_LCTRL 0x1Du     /* E0 1D: right Ctrl */
#define SC_LSHIFT 0x2Au    /* E0 2A: fake shift around extended keys */
#define SC_RSHIFT 0x36u    /* E0 36: fake shift likewise */
#define SC_ALT 0x38u
#define SC_CAPS 0x3Au
#define SC_NUM 0x45u
#define SC_TAB 0x0Fu
#define SC_ENTER 0x1Cu     /* E0 1C: keypad Enter */
#define SC_SLASH 0x35u     /* E0 35: keypad / */
#define SC_KP_FIRST 0x47u  /* keypad 7 / E0 47 Home */
#define SC_KP_LAST 0x53u   /* keypad . / E0 53 Delete */
#define SC_KP_MINUS 0x4Au
#define SC_KP_PLUS 0x4Eu

#define ASCII_ESC 0x1b
#define ASCII_DEL 0x7f

/* Set 1 make codes to US-layout characters; 0 = no character. */
static const char ps2_keymap[128] = {
	[0x01] = ASCII_ESC, [0x02] = '1', [0x03] = '2', [0x04] = '3', [0x05] = '4',
	[0x06] = '5', [0x07] = '6', [0x08] = '7', [0x09] = '8', [0x0A] = '9',
	[0x0B] = '0', [0x0C] = '-', [0x0D] = '=', [0x0E] = ASCII_DEL, [0x0F] = '\t',
	[0x10] = 'q', [0x11] = 'w', [0x12] = 'e', [0x13] = 'r', [0x14] = 't',
	[0x15] = 'y', [0x16] = 'u', [0x17] = 'i', [0x18] = 'o', [0x19] = 'p',
	[0x1A] = '[', [0x1B] = ']', [0x1C] = '\r',
	[0x1E] = 'a', [0x1F] = 's', [0x20] = 'd', [0x21] = 'f', [0x22] = 'g',
	[0x23] = 'h', [0x24] = 'j', [0x25] = 'k', [0x26] = 'l', [0x27] = ';',
	[0x28] = '\'', [0x29] = '`', [0x2B] = '\\',
	[0x2C] = 'z', [0x2D] = 'x', [0x2E] = 'c', [0x2F] = 'v', [0x30] = 'b',
	[0x31] = 'n', [0x32] = 'm', [0x33] = ',', [0x34] = '.', [0x35] = '/',
	[0x37] = '*', [0x39] = ' ', [0x4A] = '-', [0x4E] = '+',
};

static const char ps2_keymap_shift[128] = {
	[0x01] = ASCII_ESC, [0x02] = '!', [0x03] = '@', [0x04] = '#', [0x05] = '$',
	[0x06] = '%', [0x07] = '^', [0x08] = '&', [0x09] = '*', [0x0A] = '(',
	[0x0B] = ')', [0x0C] = '_', [0x0D] = '+', [0x0E] = ASCII_DEL, [0x0F] = '\t',
	[0x10] = 'Q', [0x11] = 'W', [0x12] = 'E', [0x13] = 'R', [0x14] = 'T',
	[0x15] = 'Y', [0x16] = 'U', [0x17] = 'I', [0x18] = 'O', [0x19] = 'P',
	[0x1A] = '{', [0x1B] = '}', [0x1C] = '\r',
	[0x1E] = 'A', [0x1F] = 'S', [0x20] = 'D', [0x21] = 'F', [0x22] = 'G',
	[0x23] = 'H', [0x24] = 'J', [0x25] = 'K', [0x26] = 'L', [0x27] = ':',
	[0x28] = '"', [0x29] = '~', [0x2B] = '|',
	[0x2C] = 'Z', [0x2D] = 'X', [0x2E] = 'C', [0x2F] = 'V', [0x30] = 'B',
	[0x31] = 'N', [0x32] = 'M', [0x33] = '<', [0x34] = '>', [0x35] = '?',
	[0x37] = '*', [0x39] = ' ', [0x4A] = '-', [0x4E] = '+',
};

/* The editing block (E0 47..E0 53), which the keypad repeats when Num Lock
 * is off; NULL where the key has no xterm sequence. */
static const char *const ps2_nav_seq[SC_KP_LAST - SC_KP_FIRST + 1] = {
	"\x1b[H", "\x1b[A", "\x1b[5~", NULL,      /* Home Up PgUp (-) */
	"\x1b[D", NULL, "\x1b[C", NULL,           /* Left (5) Right (+) */
	"\x1b[F", "\x1b[B", "\x1b[6~",            /* End Down PgDn */
	"\x1b[2~", "\x1b[3~",                     /* Insert Delete */
};

/* The keypad with Num Lock on, same range as ps2_nav_seq. */
static const char ps2_keypad_digits[SC_KP_LAST - SC_KP_FIRST + 2] = "789-456+1230.";

static int ps2_emit(const char *s, char *out)
{
	int n = 0;

	while (s[n] && n < PS2_DECODE_MAX) {
		out[n] = s[n];
		n++;
	}
	return n;
}

/* Lock keys toggle once per press, not on every typematic repeat. */
static void ps2_lock_key(struct ps2_state *st, uint8_t held, uint8_t on, bool brk)
{
	if (brk) {
		st->mods &= (uint8_t)~held;
	} else if (!(st->mods & held)) {
		st->mods |= held;
		st->mods ^= on;
	}
}

/* Returns true when the key is a modifier (handled, no output). */
static bool ps2_modifier(struct ps2_state *st, uint8_t key, bool ext, bool brk)
{
	uint8_t bit;

	switch (key) {
	case SC_LSHIFT:
	case SC_RSHIFT:
		if (ext)
			return true; /* fake shift: must not touch the real ones */
		bit = key == SC_LSHIFT ? PS2_MOD_LSHIFT : PS2_MOD_RSHIFT;
		break;
	case SC_LCTRL:
		bit = ext ? PS2_MOD_RCTRL : PS2_MOD_LCTRL;
		break;
	case SC_ALT:
		return true; /* both Alts: no meta encoding */
	case SC_CAPS:
		ps2_lock_key(st, PS2_MOD_CAPS_KEY, PS2_MOD_CAPS, brk);
		return true;
	case SC_NUM:
		if (ext)
			return false;
		ps2_lock_key(st, PS2_MOD_NUM_KEY, PS2_MOD_NUM, brk);
		return true;
	default:
		return false;
	}
	if (brk)
		st->mods &= (uint8_t)~bit;
	else
		st->mods |= bit;
	return true;
}

static int ps2_extended(uint8_t key, char *out)
{
	if (key == SC_ENTER) {
		out[0] = '\r';
		return 1;
	}
	if (key == SC_SLASH) {
		out[0] = '/';
		return 1;
	}
	if (key >= SC_KP_FIRST && key <= SC_KP_LAST && ps2_nav_seq[key - SC_KP_FIRST])
		return ps2_emit(ps2_nav_seq[key - SC_KP_FIRST], out);
	return 0; /* Print Screen, Windows keys, media keys, ... */
}

static char ps2_ctrl(char c)
{
	/* Ctrl clears bits 6-5: letters give 01h-1Ah, [ \ ] ^ _ give 1Bh-1Fh. */
	if (c >= 'a' && c <= 'z')
		return (char)(c - 'a' + 1);
	if (c >= 'A' && c <= '_')
		return (char)(c & 0x1f);
	return c;
}

static int ps2_plain(const struct ps2_state *st, uint8_t key, char *out)
{
	bool shift = st->mods & (PS2_MOD_LSHIFT | PS2_MOD_RSHIFT);
	bool caps = st->mods & PS2_MOD_CAPS;
	char c = ps2_keymap[key];

	if (key >= SC_KP_FIRST && key <= SC_KP_LAST && key != SC_KP_MINUS && key != SC_KP_PLUS) {
		if ((st->mods & PS2_MOD_NUM) && !shift) {
			out[0] = ps2_keypad_digits[key - SC_KP_FIRST];
			return 1;
		}
		return ps2_extended(key, out);
	}
	if (key == SC_TAB && shift)
		return ps2_emit("\x1b[Z", out); /* xterm back-tab */
	if (!c)
		return 0;
	if (c >= 'a' && c <= 'z') {
		if (shift != caps)
			c = (char)(c - 'a' + 'A');
	} else if (shift) {
		c = ps2_keymap_shift[key];
	}
	if (st->mods & (PS2_MOD_LCTRL | PS2_MOD_RCTRL))
		c = ps2_ctrl(c);
	out[0] = c;
	return 1;
}

int ps2_decode(struct ps2_state *st, uint8_t code, char out[PS2_DECODE_MAX])
{
	bool ext, brk;
	uint8_t key;

	if (st->skip) {
		st->skip--;
		return 0;
	}
	if (code == SC_PREFIX_E1) {
		st->skip = SC_E1_TAIL;
		st->prefix_e0 = 0;
		return 0;
	}
	if (code == SC_PREFIX_E0) {
		st->prefix_e0 = 1;
		return 0;
	}
	ext = st->prefix_e0;
	st->prefix_e0 = 0;
	/* Keyboard replies (00h/FFh overrun, FAh ack, FEh resend, EEh echo)
	 * fall on unused codes, so they decode to nothing; AAh (self-test
	 * passed) reads as a left Shift release, which is harmless. */
	brk = code & SC_BREAK;
	key = code & (uint8_t)~SC_BREAK;
	if (ps2_modifier(st, key, ext, brk) || brk)
		return 0;
	if (ext)
		return ps2_extended(key, out);
	return ps2_plain(st, key, out);
}
