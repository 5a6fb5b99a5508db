/* usb_kbd_map.c: HID keyboard usages (HID Usage Tables 1.12 ch. 10) to
 * VT100/xterm bytes, US layout: shift, caps lock, num lock, ctrl, the
 * editing and arrow keys. QEMU: -device usb-kbd (boot protocol reports). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "usb_kbd_map.h"

#define U_A 0x04
#define U_Z 0x1D
#define U_1 0x1E
#define U_TAB 0x2B
#define U_SLASH 0x38
#define U_CAPS 0x39
#define U_INSERT 0x49
#define U_UP 0x52
#define U_NUM 0x53
#define U_KP_SLASH 0x54
#define U_KP_ENTER 0x58
#define U_KP_1 0x59
#define U_KP_DOT 0x63
#define U_ROLLOVER 0x01
#define MOD_CTRL 0x11                 /* left and right */
#define MOD_SHIFT 0x22

/* 0x1E..0x38: digits, Enter, Esc, Backspace (DEL, as the PS/2 keyboard
 * sends), Tab, space and punctuation; unshifted and shifted. */
static const char map_plain[] = "1234567890\r\x1b\x7f\t -=[]\\\\;'`,./";
static const char map_shift[] = "!@#$%^&*()\r\x1b\x7f\t _+{}||:\"~<>?";

/* 0x49..0x52: Insert Home PgUp Delete End PgDn Right Left Down Up. */
static const char *const map_nav[] = {
	"\x1b[2~", "\x1b[H", "\x1b[5~", "\x1b[3~", "\x1b[F", "\x1b[6~",
	"\x1b[C", "\x1b[D", "\x1b[B", "\x1b[A",
};

/* Keypad 1..9, 0, . without Num Lock: the editing keys they carry. */
static const uint8_t keypad_nav[] = { 0x4D, 0x51, 0x4E, 0x50, 0, 0x4F, 0x4A, 0x52, 0x4B, 0x49, 0x4C };

static int emit(const char *s, char *out)
{
	int n = 0;

	while (s[n] && n < USBKBD_KEY_MAX) {
		out[n] = s[n];
		n++;
	}
	return n;
}

static char ctrl_of(char c)
{
	if (c >= 'a' && c <= 'z')
		return (char)(c - 'a' + 1);
	if (c >= '@' && c <= '_')
		return (char)(c & 0x1F);
	return c;
}

static int keypad(const struct usbkbd_state *st, uint8_t u, char *out)
{
	static const char ops[] = "/*-+\r";
	unsigned k;

	if (u < U_KP_1) {
		out[0] = ops[u - U_KP_SLASH];
		return 1;
	}
	k = u - U_KP_1;
	if ((st->locks & USBKBD_LOCK_NUM) && !(st->mods & MOD_SHIFT)) {
		out[0] = "1234567890."[k];
		return 1;
	}
	return keypad_nav[k] ? emit(map_nav[keypad_nav[k] - U_INSERT], out) : 0;
}

int usbkbd_key(const struct usbkbd_state *st, uint8_t u, char out[USBKBD_KEY_MAX])
{
	bool shift = st->mods & MOD_SHIFT;
	char c;

	if (u >= U_A && u <= U_Z) {
		c = (char)('a' + u - U_A);
		if (shift != !!(st->locks & USBKBD_LOCK_CAPS))
			c = (char)(c - 'a' + 'A');
	} else if (u == U_TAB && shift) {
		return emit("\x1b[Z", out);   /* xterm back-tab */
	} else if (u >= U_1 && u <= U_SLASH) {
		c = shift ? map_shift[u - U_1] : map_plain[u - U_1];
	} else if (u >= U_INSERT && u <= U_UP) {
		return emit(map_nav[u - U_INSERT], out);
	} else if (u >= U_KP_SLASH && u <= U_KP_DOT) {
		return keypad(st, u, out);
	} else {
		return 0;   /* F keys, locks, media keys, ... */
	}
	if (st->mods & MOD_CTRL)
		c = ctrl_of(c);
	out[0] = c;
	return 1;
}

static bool held_before(const struct usbkbd_state *st, uint8_t u)
{
	for (unsigned i = 0; i < 6; i++)
		if (st->keys[i] == u)
			return true;
	return false;
}

size_t usbkbd_report(struct usbkbd_state *st, const uint8_t *rep, size_t len, char *out, size_t outsz)
{
	size_t n = 0;
	bool repeat_held = false;

	if (len < 3)
		return 0;
	if (rep[2] == U_ROLLOVER)
		return 0;   /* too many keys: the state stays as it was */
	st->mods = rep[0];
	for (size_t i = 2; i < len && i < 8; i++) {
		uint8_t u = rep[i];
		char buf[USBKBD_KEY_MAX];
		int k;

		if (u < U_A)
			continue;
		if (u == st->repeat)
			repeat_held = true;
		if (held_before(st, u))
			continue;
		if (u == U_CAPS || u == U_NUM) {
			st->locks ^= u == U_CAPS ? USBKBD_LOCK_CAPS : USBKBD_LOCK_NUM;
			continue;
		}
		k = usbkbd_key(st, u, buf);
		for (int j = 0; j < k && n < outsz; j++)
			out[n++] = buf[j];
		if (k) {
			st->repeat = u;
			repeat_held = true;
		}
	}
	if (!repeat_held)
		st->repeat = 0;
	for (unsigned i = 0; i < 6; i++)
		st->keys[i] = 2 + i < len ? rep[2 + i] : 0;
	return n;
}
