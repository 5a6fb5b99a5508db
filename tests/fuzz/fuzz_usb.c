/* fuzz_usb.c: libFuzzer target for what a USB device sends: src/usb_desc.c
 * (device, configuration, hub and string descriptors on the input) and the
 * boot keyboard's reports (src/drivers/usb/usb_kbd_map.c, the input cut
 * into 8-byte reports). Seeds: tests/fuzz/corpus/usb (QEMU's usb-kbd and
 * usb-hub descriptors). */
/* sources: src/usb_desc.c src/drivers/usb/usb_kbd_map.c */
#include <stddef.h>
#include <stdint.h>
#include "string.h"
#include "usb.h"
#include "../../src/drivers/usb/usb_kbd_map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What usb_desc_config promises about a configuration it accepts. */
static void check_config(const struct usb_config *c)
{
	if (c->niface > USB_MAX_IFACES)
		__builtin_trap();
	for (unsigned i = 0; i < c->niface; i++)
		if (c->iface[i].neps > USB_MAX_EPS || c->iface[i].alt != 0)
			__builtin_trap();
}

static void fuzz_kbd(const uint8_t *data, size_t size)
{
	struct usbkbd_state st = { 0 };
	char out[64];

	for (size_t off = 0; off < size; off += 8) {
		size_t n = usbkbd_report(&st, data + off, size - off < 8 ? size - off : 8, out, sizeof(out));

		if (n > sizeof(out))
			__builtin_trap();
		if (st.repeat && usbkbd_key(&st, st.repeat, out) > USBKBD_KEY_MAX)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct usb_dev_desc dd;
	struct usb_config cfg;
	struct usb_hub_desc hd;
	char s[USB_STR_MAX];

	usb_desc_device(data, size, &dd);
	if (!usb_desc_config(data, size, &cfg))
		check_config(&cfg);
	if (!usb_desc_hub(data, size, &hd) && !hd.nports)
		__builtin_trap();
	if (!usb_desc_string(data, size, s, sizeof(s)) && strnlen(s, sizeof(s)) == sizeof(s))
		__builtin_trap();
	fuzz_kbd(data, size);
	return 0;
}
