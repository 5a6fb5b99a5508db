/* usb_kbd_map.h: HID boot keyboard reports (HID 1.11 appendix B.1, usage
 * page 07) to the bytes a VT100/xterm terminal sends, US layout, as the PS/2
 * decoder gives them: pure code, unit tested. Private to usb_kbd.c. */
#ifndef INGOT_USB_KBD_MAP_H
#define INGOT_USB_KBD_MAP_H

#include <stddef.h>
#include <stdint.h>

#define USBKBD_KEY_MAX 8          /* bytes one key gives at most (ESC [ 3 ~) */
#define USBKBD_LOCK_NUM 0x01u     /* also the LED bits of the output report */
#define USBKBD_LOCK_CAPS 0x02u

/* All zero: nothing held, the locks off. */
struct usbkbd_state {
	uint8_t keys[6];          /* the last report's key array */
	uint8_t mods;             /* and its modifier byte */
	uint8_t locks;            /* USBKBD_LOCK_* */
	uint8_t repeat;           /* the key typematic repeat sends again, 0: none */
};

/* One report (8 bytes: modifiers, reserved, six keys): the bytes of every
 * key newly pressed, in order, into out (at most outsz); returns how many.
 * Updates locks and the key to repeat. A phantom report (rollover error)
 * changes nothing. */
size_t usbkbd_report(struct usbkbd_state *st, const uint8_t *rep, size_t len, char *out, size_t outsz);
/* The bytes of usage with the state's current modifiers (for repeat). */
int usbkbd_key(const struct usbkbd_state *st, uint8_t usage, char out[USBKBD_KEY_MAX]);

#endif
