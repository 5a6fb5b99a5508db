/* usb_desc.c: USB descriptors from device bytes to structures, checked for
 * every length (USB 2.0 9.6, hub descriptor 11.23.2.1): pure code, unit
 * tested and fuzzed. QEMU: any -device usb-* (usb-kbd, usb-hub, usb-storage). */
#include <stddef.h>
#include <stdint.h>

#include "errno.h"
#include "string.h"
#include "usb.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

int usb_desc_device(const uint8_t *buf, size_t len, struct usb_dev_desc *dd)
{
	if (len < 18 || buf[0] < 18 || buf[1] != USB_DT_DEVICE)
		return -EINVAL;
	/* Only these packet sizes exist for endpoint 0 (9 is 512 in USB 3). */
	if (buf[7] != 8 && buf[7] != 16 && buf[7] != 32 && buf[7] != 64 && buf[7] != 9)
		return -EINVAL;
	dd->usb_ver = le16(buf + 2);
	dd->cls = buf[4], dd->sub = buf[5], dd->proto = buf[6];
	dd->mps0 = buf[7];
	dd->vid = le16(buf + 8), dd->pid = le16(buf + 10), dd->dev_ver = le16(buf + 12);
	dd->imanufacturer = buf[14], dd->iproduct = buf[15], dd->iserial = buf[16];
	dd->nconfigs = buf[17];
	return 0;
}

static void desc_endpoint(struct usb_iface *i, const uint8_t *d)
{
	struct usb_ep *e;

	if (i->neps >= USB_MAX_EPS)
		return;
	e = &i->ep[i->neps++];
	e->addr = d[2];
	e->attr = d[3];
	e->mps = le16(d + 4);
	e->interval = d[6];
}

/* The configuration and its interfaces (alternate setting 0; the others
 * are skipped with their endpoints). */
int usb_desc_config(const uint8_t *buf, size_t len, struct usb_config *cfg)
{
	struct usb_iface *cur = NULL;
	size_t off;

	if (len < 9 || buf[0] < 9 || buf[1] != USB_DT_CONFIG)
		return -EINVAL;
	memset(cfg, 0, sizeof(*cfg));
	cfg->total = le16(buf + 2);
	cfg->value = buf[5], cfg->attr = buf[7], cfg->max_power = buf[8];
	if (cfg->total < 9)
		return -EINVAL;
	if (len > cfg->total)
		len = cfg->total;
	for (off = buf[0]; off + 2 <= len; off += buf[off]) {
		const uint8_t *d = buf + off;

		if (d[0] < 2 || d[0] > len - off)
			return -EINVAL;
		if (d[1] == USB_DT_INTERFACE && d[0] >= 9) {
			cur = NULL;
			if (d[3] != 0 || cfg->niface >= USB_MAX_IFACES)
				continue;
			cur = &cfg->iface[cfg->niface++];
			cur->num = d[2], cur->alt = d[3];
			cur->cls = d[5], cur->sub = d[6], cur->proto = d[7], cur->istr = d[8];
		} else if (d[1] == USB_DT_ENDPOINT && d[0] >= 7 && cur) {
			desc_endpoint(cur, d);
		}
	}
	return 0;
}

int usb_desc_hub(const uint8_t *buf, size_t len, struct usb_hub_desc *hd)
{
	if (len < 7 || buf[0] < 7 || buf[1] != USB_DT_HUB || buf[2] == 0)
		return -EINVAL;
	hd->nports = buf[2];
	hd->characteristics = le16(buf + 3);
	hd->power_on_2ms = buf[5];
	return 0;
}

int usb_desc_string(const uint8_t *buf, size_t len, char *out, size_t outsz)
{
	size_t n = 0, end;

	if (!outsz)
		return -EINVAL;
	out[0] = 0;
	if (len < 2 || buf[0] < 2 || buf[1] != USB_DT_STRING)
		return -EINVAL;
	end = buf[0] < len ? buf[0] : len;
	for (size_t i = 2; i + 1 < end && n + 1 < outsz; i += 2) {
		uint16_t c = le16(buf + i);

		out[n++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = 0;
	return 0;
}

const struct usb_ep *usb_iface_find_ep(const struct usb_iface *i, unsigned type, unsigned in)
{
	for (unsigned k = 0; k < i->neps && k < USB_MAX_EPS; k++)
		if ((i->ep[k].attr & 3) == type && (i->ep[k].addr & USB_DIR_IN) == in)
			return &i->ep[k];
	return NULL;
}
