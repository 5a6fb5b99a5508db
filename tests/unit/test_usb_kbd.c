/* test_usb_kbd.c: host tests of the USB boot keyboard's report decoder
 * (src/drivers/usb/usb_kbd_map.c): letters, shift, caps lock, ctrl, the
 * editing keys, keys held over several reports, rollover, the keypad and
 * num lock, and the key typematic repeat would send. */
/* sources: src/drivers/usb/usb_kbd_map.c */
#include <stdint.h>
#include "usb_kbd_map.h"
#include "unit.h"

#define SHIFT 0x02
#define CTRL 0x01
#define RCTRL 0x10

static struct usbkbd_state st;
static char got[64];

/* One report: modifiers and up to three keys; what it typed, as a string. */
static const char *rep(uint8_t mods, uint8_t k1, uint8_t k2, uint8_t k3)
{
	uint8_t r[8] = { mods, 0, k1, k2, k3, 0, 0, 0 };
	size_t n = usbkbd_report(&st, r, sizeof(r), got, sizeof(got) - 1);

	got[n] = 0;
	return got;
}

/* Press and release one key. */
static const char *tap(uint8_t mods, uint8_t key)
{
	static char once[64];

	snprintf(once, sizeof(once), "%s", rep(mods, key, 0, 0));
	rep(mods, 0, 0, 0);
	return once;
}

int main(void)
{
	char out[USBKBD_KEY_MAX + 1] = "";
	int n;

	setvbuf(stdout, NULL, _IONBF, 0);  /* a sanitizer report lands after the check before it */
	CHECK_STR("kbd.letter", tap(0, 0x04), "a");
	CHECK_STR("kbd.shift", tap(SHIFT, 0x1D), "Z");
	CHECK_STR("kbd.digit", tap(0, 0x27), "0");
	CHECK_STR("kbd.shift_digit", tap(SHIFT, 0x1F), "@");
	CHECK_STR("kbd.enter", tap(0, 0x28), "\r");
	CHECK_STR("kbd.backspace", tap(0, 0x2A), "\x7f");
	CHECK_STR("kbd.punct", tap(0, 0x38), "/");
	CHECK_STR("kbd.shift_punct", tap(SHIFT, 0x34), "\"");
	CHECK_STR("kbd.ctrl_c", tap(CTRL, 0x06), "\x03");
	CHECK_STR("kbd.rctrl_a", tap(RCTRL, 0x04), "\x01");
	CHECK_STR("kbd.ctrl_bracket", tap(CTRL, 0x2F), "\x1b");
	CHECK_STR("kbd.home", tap(0, 0x4A), "\x1b[H");
	CHECK_STR("kbd.end", tap(0, 0x4D), "\x1b[F");
	CHECK_STR("kbd.delete", tap(0, 0x4C), "\x1b[3~");
	CHECK_STR("kbd.up", tap(0, 0x52), "\x1b[A");
	CHECK_STR("kbd.left", tap(0, 0x50), "\x1b[D");
	CHECK_STR("kbd.backtab", tap(SHIFT, 0x2B), "\x1b[Z");
	CHECK_STR("kbd.f1_nothing", tap(0, 0x3A), "");
	/* Caps Lock: letters only, shift inverts it; a second press ends it. */
	CHECK_STR("kbd.caps_press", tap(0, 0x39), "");
	CHECK("kbd.caps_on", st.locks & USBKBD_LOCK_CAPS);
	CHECK_STR("kbd.caps_letter", tap(0, 0x05), "B");
	CHECK_STR("kbd.caps_shift", tap(SHIFT, 0x05), "b");
	CHECK_STR("kbd.caps_digit", tap(0, 0x1E), "1");
	/* Held over reports, the lock toggles once. */
	rep(0, 0x39, 0, 0);
	rep(0, 0x39, 0, 0);
	rep(0, 0, 0, 0);
	CHECK("kbd.caps_off", !(st.locks & USBKBD_LOCK_CAPS));
	/* A key held while another is pressed is not typed again. */
	CHECK_STR("kbd.first", rep(0, 0x04, 0, 0), "a");
	CHECK_STR("kbd.second", rep(0, 0x04, 0x05, 0), "b");
	CHECK_U64("kbd.repeat_last", st.repeat, 0x05);
	CHECK_STR("kbd.release_one", rep(0, 0x04, 0, 0), "");
	CHECK_U64("kbd.repeat_gone", st.repeat, 0);
	CHECK_STR("kbd.two_at_once", rep(0, 0x06, 0x07, 0), "cd");
	/* Rollover error: the report is a phantom, nothing changes. */
	CHECK_STR("kbd.rollover", rep(0, 0x01, 0x01, 0x01), "");
	CHECK_STR("kbd.after_rollover", rep(0, 0x06, 0x07, 0), "");
	rep(0, 0, 0, 0);
	/* Keypad: editing keys without Num Lock, digits with it. */
	CHECK_STR("kbd.kp_home", tap(0, 0x5F), "\x1b[H");
	CHECK_STR("kbd.kp5_nothing", tap(0, 0x5D), "");
	CHECK_STR("kbd.kp_plus", tap(0, 0x57), "+");
	tap(0, 0x53);
	CHECK_STR("kbd.kp_7", tap(0, 0x5F), "7");
	CHECK_STR("kbd.kp_dot", tap(0, 0x63), ".");
	CHECK_STR("kbd.kp_shift_nav", tap(SHIFT, 0x62), "\x1b[2~");
	tap(0, 0x53);
	/* Repeat sends the held key with the modifiers held now. */
	rep(SHIFT, 0x09, 0, 0);
	CHECK_U64("kbd.repeat_key", st.repeat, 0x09);
	n = usbkbd_key(&st, st.repeat, out);
	out[n > 0 ? n : 0] = 0;
	CHECK_STR("kbd.repeat_shift", out, "F");
	rep(0, 0x09, 0, 0);
	n = usbkbd_key(&st, st.repeat, out);
	out[n > 0 ? n : 0] = 0;
	CHECK_STR("kbd.repeat_plain", out, "f");
	rep(0, 0, 0, 0);
	CHECK_U64("kbd.repeat_released", st.repeat, 0);
	/* Short reports are ignored. */
	CHECK_U64("kbd.short", usbkbd_report(&st, (const uint8_t[]){ 0, 0 }, 2, got, sizeof(got)), 0);
	return unit_exit();
}
