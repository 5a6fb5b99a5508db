/* test_usb_desc.c: host tests of src/usb_desc.c: QEMU's keyboard and hub
 * descriptors as they come off the wire, a configuration with an alternate
 * setting and a class descriptor between, truncated and looping lengths,
 * string descriptors, hub descriptors. */
/* sources: src/usb_desc.c */
#include <stdint.h>
#include "errno.h"
#include "usb.h"
#include "unit.h"

/* QEMU usb-kbd: device, and configuration with interface, HID, endpoint. */
static const uint8_t kbd_dev[18] = { 18, 1, 0x00, 0x02, 0, 0, 0, 8, 0x27, 0x06, 0x01, 0x00, 0, 0, 1, 4, 11, 1 };
static const uint8_t kbd_cfg[34] = {
	9, 2, 34, 0, 1, 1, 7, 0xA0, 50,
	9, 4, 0, 0, 1, 3, 1, 1, 0,
	9, 0x21, 0x11, 0x01, 0, 1, 0x22, 63, 0,
	7, 5, 0x81, 3, 8, 0, 10,
};

static void test_device(void)
{
	struct usb_dev_desc dd;
	uint8_t bad[18];

	CHECK("desc.device.ok", usb_desc_device(kbd_dev, sizeof(kbd_dev), &dd) == 0);
	CHECK_U64("desc.device.vid", dd.vid, 0x0627);
	CHECK_U64("desc.device.pid", dd.pid, 0x0001);
	CHECK_U64("desc.device.usb", dd.usb_ver, 0x0200);
	CHECK_U64("desc.device.mps0", dd.mps0, 8);
	CHECK_U64("desc.device.product", dd.iproduct, 4);
	CHECK("desc.device.short", usb_desc_device(kbd_dev, 17, &dd) == -EINVAL);
	memcpy(bad, kbd_dev, 18);
	bad[1] = 2;
	CHECK("desc.device.type", usb_desc_device(bad, 18, &dd) == -EINVAL);
	memcpy(bad, kbd_dev, 18);
	bad[7] = 7;
	CHECK("desc.device.mps0_bad", usb_desc_device(bad, 18, &dd) == -EINVAL);
}

static void test_config(void)
{
	struct usb_config c;
	const struct usb_ep *ep;
	uint8_t buf[64];

	CHECK("desc.config.ok", usb_desc_config(kbd_cfg, sizeof(kbd_cfg), &c) == 0);
	CHECK_U64("desc.config.total", c.total, 34);
	CHECK_U64("desc.config.value", c.value, 1);
	CHECK_U64("desc.config.niface", c.niface, 1);
	CHECK_U64("desc.config.class", c.iface[0].cls, USB_CLASS_HID);
	CHECK_U64("desc.config.proto", c.iface[0].proto, 1);
	CHECK_U64("desc.config.neps", c.iface[0].neps, 1);
	ep = usb_iface_find_ep(&c.iface[0], USB_EP_INTERRUPT, USB_DIR_IN);
	CHECK("desc.config.ep", ep && ep->addr == 0x81 && ep->mps == 8 && ep->interval == 10);
	CHECK("desc.config.no_bulk", !usb_iface_find_ep(&c.iface[0], USB_EP_BULK, USB_DIR_IN));
	/* Only the 9-byte header read so far: no interfaces yet, no error. */
	CHECK("desc.config.header", usb_desc_config(kbd_cfg, 9, &c) == 0 && c.niface == 0 && c.total == 34);
	/* A descriptor running past the end, and one of length 0 (a loop). */
	memcpy(buf, kbd_cfg, 34);
	buf[27] = 20;
	CHECK("desc.config.overrun", usb_desc_config(buf, 34, &c) == -EINVAL);
	memcpy(buf, kbd_cfg, 34);
	buf[18] = 0;
	CHECK("desc.config.zero_len", usb_desc_config(buf, 34, &c) == -EINVAL);
	/* An alternate setting 1 with its own endpoint is skipped. */
	memcpy(buf, kbd_cfg, 34);
	memcpy(buf + 34, (const uint8_t[]){ 9, 4, 0, 1, 1, 3, 1, 1, 0, 7, 5, 0x82, 3, 8, 0, 10 }, 16);
	buf[2] = 50;
	CHECK("desc.config.alt", usb_desc_config(buf, 50, &c) == 0 && c.niface == 1 && c.iface[0].neps == 1);
	CHECK("desc.config.bad_total", usb_desc_config((const uint8_t[]){ 9, 2, 3, 0, 1, 1, 0, 0x80, 50 }, 9, &c) == -EINVAL);
}

static void test_string_hub(void)
{
	static const uint8_t str[] = { 12, 3, 'Q', 0, 'E', 0, 'M', 0, 'U', 0, ' ', 0 };
	static const uint8_t uni[] = { 6, 3, 'a', 0, 0xE9, 0 };
	static const uint8_t hub[] = { 9, 0x29, 8, 0x09, 0, 50, 0, 0, 0xFF };
	struct usb_hub_desc hd;
	char out[8];

	CHECK("desc.string.ok", usb_desc_string(str, sizeof(str), out, sizeof(out)) == 0);
	CHECK_STR("desc.string.text", out, "QEMU");
	CHECK("desc.string.nonascii", usb_desc_string(uni, sizeof(uni), out, sizeof(out)) == 0 && !strcmp(out, "a?"));
	CHECK("desc.string.truncated", usb_desc_string(str, 12, out, 3) == 0 && !strcmp(out, "QE"));
	CHECK("desc.string.bad", usb_desc_string(hub, sizeof(hub), out, sizeof(out)) == -EINVAL && out[0] == 0);
	CHECK("desc.string.odd_len", usb_desc_string((const uint8_t[]){ 5, 3, 'x', 0, 'y' }, 5, out, sizeof(out)) == 0 &&
	      !strcmp(out, "x"));
	CHECK("desc.hub.ok", usb_desc_hub(hub, sizeof(hub), &hd) == 0 && hd.nports == 8 && hd.power_on_2ms == 50 &&
	      hd.characteristics == 9);
	CHECK("desc.hub.no_ports", usb_desc_hub((const uint8_t[]){ 9, 0x29, 0, 0, 0, 0, 0 }, 7, &hd) == -EINVAL);
	CHECK("desc.hub.short", usb_desc_hub(hub, 6, &hd) == -EINVAL);
}

int main(void)
{
	test_device();
	test_config();
	test_string_hub();
	return unit_exit();
}
