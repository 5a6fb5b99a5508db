/* usb_kbd.c: USB keyboards in the HID boot protocol (HID 1.11 appendix B,
 * requests 7.2): reports to console input as the PS/2 keyboard gives it,
 * the lock LEDs, typematic repeat by the kernel. QEMU: -device usb-kbd. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "string.h"
#include "timer.h"
#include "usb.h"
#include "usb_kbd_map.h"

#define KBD_MAX 8
#define HID_RT_CLASS_IFACE 0x21
#define HID_REQ_SET_REPORT 0x09
#define HID_REQ_SET_IDLE 0x0A
#define HID_REQ_SET_PROTOCOL 0x0B
#define HID_REPORT_OUTPUT 0x0200       /* wValue: report type 2, ID 0 */
#define HID_PROTOCOL_BOOT 0
#define KBD_REPORT 8
#define KBD_DELAY_NS 500000000ull      /* typematic: first repeat after 500 ms */
#define KBD_RATE_NS 33333333ull        /* then 30 a second */

struct kbd {
	struct usb_device *dev;
	struct usbkbd_state st;
	uint8_t ep, iface, leds, halted;
	uint64_t next_repeat;
	uint32_t reports, keys;
};

static struct kbd kbds[KBD_MAX];

/* Interrupts off (event service). */
static void kbd_report(struct usb_device *d, const uint8_t *buf, unsigned len, int err)
{
	struct kbd *k = d->drv;
	char out[6 * USBKBD_KEY_MAX];
	uint8_t before;
	size_t n;

	if (!k)
		return;
	if (err) {
		/* Unplugged or halted: a key held now is never seen released. */
		memset(&k->st.keys, 0, sizeof(k->st.keys));
		k->st.repeat = 0;
		k->halted = 1;
		usb_kick(d);
		return;
	}
	k->reports++;
	before = k->st.repeat;
	n = usbkbd_report(&k->st, buf, len, out, sizeof(out));
	for (size_t i = 0; i < n; i++)
		console_input_push((uint8_t)out[i]);
	k->keys += (uint32_t)n;
	if (k->st.repeat && k->st.repeat != before)
		k->next_repeat = timer_ns() + KBD_DELAY_NS;
	if (k->st.locks != k->leds)
		usb_kick(d);   /* the LEDs, by a control transfer, outside interrupts */
}

static void kbd_tick(struct usb_device *d)
{
	struct kbd *k = d->drv;
	char out[USBKBD_KEY_MAX];
	uint64_t now;
	int n;

	if (!k || !k->st.repeat)
		return;
	now = timer_ns();
	if (now < k->next_repeat)
		return;
	k->next_repeat = now + KBD_RATE_NS;
	n = usbkbd_key(&k->st, k->st.repeat, out);
	for (int i = 0; i < n; i++)
		console_input_push((uint8_t)out[i]);
}

static int kbd_set_leds(struct kbd *k, uint8_t leds)
{
	int err = usb_control(k->dev, HID_RT_CLASS_IFACE, HID_REQ_SET_REPORT, HID_REPORT_OUTPUT, k->iface, &leds, 1,
			      NULL);

	if (!err)
		k->leds = leds;
	return err;
}

static void kbd_work(struct usb_device *d)
{
	struct kbd *k = d->drv;

	if (!k)
		return;
	if (k->halted) {
		k->halted = 0;
		if (usb_clear_halt(d, k->ep) || usb_intr_start(d, k->ep, KBD_REPORT, kbd_report))
			kprintf("usb %s: keyboard stopped answering\n", d->path);
	}
	if (k->st.locks != k->leds && kbd_set_leds(k, k->st.locks))
		k->leds = k->st.locks;   /* a keyboard without LEDs: do not ask again */
}

static int kbd_probe(struct usb_device *d, const struct usb_iface *i)
{
	const struct usb_ep *ep = usb_iface_find_ep(i, USB_EP_INTERRUPT, USB_DIR_IN);
	struct kbd *k = NULL;
	int err;

	for (unsigned n = 0; n < KBD_MAX && !k; n++)
		if (!kbds[n].dev)
			k = &kbds[n];
	if (!k || !ep)
		return !k ? -ENOSPC : -ENODEV;
	memset(k, 0, sizeof(*k));
	k->dev = d;
	k->ep = ep->addr;
	k->iface = i->num;
	/* Boot reports whatever the report descriptor says; reports only on
	 * change (idle 0): repeat is ours. */
	err = usb_control(d, HID_RT_CLASS_IFACE, HID_REQ_SET_PROTOCOL, HID_PROTOCOL_BOOT, i->num, NULL, 0, NULL);
	if (!err)
		usb_control(d, HID_RT_CLASS_IFACE, HID_REQ_SET_IDLE, 0, i->num, NULL, 0, NULL);
	if (!err)
		err = kbd_set_leds(k, 0);
	if (!err) {
		d->drv = k;
		err = usb_intr_start(d, k->ep, KBD_REPORT, kbd_report);
	}
	if (err) {
		d->drv = NULL;
		k->dev = NULL;
	} else {
		console_add_input("usb");
	}
	return err;
}

static void kbd_remove(struct usb_device *d)
{
	struct kbd *k = d->drv;

	d->drv = NULL;
	if (k)
		k->dev = NULL;
}

static void kbd_show(struct usb_device *d)
{
	static const char *const leds[4] = { "none", "num", "caps", "caps+num" };
	struct kbd *k = d->drv;

	if (k)
		kprintf("  keyboard: %u reports, %u bytes typed, caps lock %s, num lock %s, LEDs %s\n", k->reports,
			k->keys, (k->st.locks & USBKBD_LOCK_CAPS) ? "on" : "off",
			(k->st.locks & USBKBD_LOCK_NUM) ? "on" : "off", leds[k->leds & 3]);
}

USB_DRIVER(kbd) = {
	.name = "usb_kbd", .match = USB_MATCH_CLASS | USB_MATCH_SUB | USB_MATCH_PROTO,
	.cls = USB_CLASS_HID, .sub = 1, .proto = 1,
	.probe = kbd_probe, .remove = kbd_remove, .work = kbd_work, .tick = kbd_tick, .show = kbd_show,
};
