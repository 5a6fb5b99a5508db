/* usb_hub.c: USB 2.0 hubs (USB 2.0 ch. 11.24): port power, the status
 * change endpoint, port reset and the devices behind, up to five hubs deep.
 * QEMU: -device usb-hub,bus=xhci.0[,port=N] (8 ports, full speed). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "string.h"
#include "timer.h"
#include "usb.h"
#include "x86.h"

#define HUB_MAX 8
#define HUB_MAX_PORTS 15                 /* a route string nibble */
#define HUB_RT_CLASS_OTHER 0x23          /* class request to a port */
#define HUB_RT_CLASS_DEVICE_IN 0xA0
#define HUB_RT_CLASS_OTHER_IN 0xA3
#define HUB_FEAT_PORT_RESET 4
#define HUB_FEAT_PORT_POWER 8
#define HUB_FEAT_C_CONNECTION 16         /* change features: 16..20 */
#define HUB_PS_CONNECTION (1u << 0)      /* wPortStatus (11.24.2.7.1) */
#define HUB_PS_ENABLE (1u << 1)
#define HUB_PS_LOW_SPEED (1u << 9)
#define HUB_PS_HIGH_SPEED (1u << 10)
#define HUB_PC_CONNECTION (1u << 0)      /* wPortChange */
#define HUB_PC_RESET (1u << 4)
#define HUB_RESET_NS 500000000ull
#define HUB_DEBOUNCE_NS 100000000ull

struct hub {
	struct usb_device *dev;
	struct usb_hub_desc desc;
	volatile uint32_t pending;       /* ports to look at (bit per port) */
	uint32_t attached;
	uint64_t changed_at;
	uint8_t status_ep, halted;
};

static struct hub hubs[HUB_MAX];

static int hub_port_status(struct usb_device *d, unsigned port, uint16_t *status, uint16_t *change)
{
	uint8_t buf[4];
	unsigned got = 0;
	int err = usb_control(d, HUB_RT_CLASS_OTHER_IN, USB_REQ_GET_STATUS, 0, (uint16_t)port, buf, 4, &got);

	if (!err && got < 4)
		err = -EIO;
	*status = (uint16_t)(buf[0] | buf[1] << 8);
	*change = (uint16_t)(buf[2] | buf[3] << 8);
	return err;
}

static int hub_port_feature(struct usb_device *d, uint8_t req, unsigned feature, unsigned port)
{
	return usb_control(d, HUB_RT_CLASS_OTHER, req, (uint16_t)feature, (uint16_t)port, NULL, 0, NULL);
}

/* The change bits are acknowledged one feature each (C_PORT_*). */
static void hub_port_ack(struct usb_device *d, unsigned port, uint16_t change)
{
	for (unsigned bit = 0; bit < 5; bit++)
		if (change & (1u << bit))
			hub_port_feature(d, USB_REQ_CLEAR_FEATURE, HUB_FEAT_C_CONNECTION + bit, port);
}

/* Reset the port and give its speed: 0, or a negative code. */
static int hub_port_reset(struct usb_device *d, unsigned port, unsigned *speed)
{
	uint64_t end = timer_ns() + HUB_RESET_NS;
	uint16_t st, ch;
	int err;

	if ((err = hub_port_feature(d, USB_REQ_SET_FEATURE, HUB_FEAT_PORT_RESET, port)))
		return err;
	do {
		timer_delay_ns(1000000);
		if ((err = hub_port_status(d, port, &st, &ch)))
			return err;
		if (ch & HUB_PC_RESET)
			break;
	} while (timer_ns() < end);
	hub_port_ack(d, port, ch);
	if (!(st & HUB_PS_ENABLE))
		return -ETIMEDOUT;
	*speed = (st & HUB_PS_LOW_SPEED) ? USB_SPEED_LOW : (st & HUB_PS_HIGH_SPEED) ? USB_SPEED_HIGH : USB_SPEED_FULL;
	/* Reset recovery before the first request (USB 2.0 7.1.7.5). */
	timer_delay_ns(10000000);
	return 0;
}

static void hub_port_check(struct hub *h, unsigned port)
{
	struct usb_device *d = h->dev;
	uint32_t bit = 1u << port;
	uint16_t st, ch;
	unsigned speed;

	if (hub_port_status(d, port, &st, &ch))
		return;
	hub_port_ack(d, port, ch);
	if ((h->attached & bit) && (!(st & HUB_PS_CONNECTION) || (ch & HUB_PC_CONNECTION))) {
		usb_detach(d->bus, d, port);
		h->attached &= ~bit;
	}
	if (!(st & HUB_PS_CONNECTION) || (h->attached & bit))
		return;
	if (hub_port_reset(d, port, &speed)) {
		kprintf("usb %s.%u: port reset failed\n", d->path, port);
		return;
	}
	if (usb_attach(d->bus, d, port, d->root_port, port, speed))
		h->attached |= bit;
}

/* Interrupts off: the status change bitmap (bit 0 the hub, then ports). */
static void hub_status_in(struct usb_device *d, const uint8_t *buf, unsigned len, int err)
{
	struct hub *h = d->drv;
	uint32_t bits = 0;

	if (!h)
		return;
	if (err) {
		h->halted = 1;
		usb_kick(d);
		return;
	}
	for (unsigned i = 0; i < len && i < 4; i++)
		bits |= (uint32_t)buf[i] << (8 * i);
	bits &= ~1u;
	/* The hub repeats a change until it is acknowledged: only a new one
	 * restarts the debounce time. */
	if (bits & ~h->pending)
		h->changed_at = timer_ns();
	h->pending |= bits;
	usb_kick(d);
}

static void hub_work(struct usb_device *d)
{
	struct hub *h = d->drv;
	uint32_t todo;
	uint64_t f;

	if (!h)
		return;
	if (h->halted) {
		h->halted = 0;
		if (!usb_clear_halt(d, h->status_ep))
			usb_intr_start(d, h->status_ep, (h->desc.nports + 8) / 8, hub_status_in);
	}
	if (timer_ns() - h->changed_at < HUB_DEBOUNCE_NS) {
		usb_kick(d);   /* not yet: look again later */
		return;
	}
	f = cpu_irq_save();
	todo = h->pending;
	h->pending = 0;
	cpu_irq_restore(f);
	for (unsigned p = 1; p <= h->desc.nports; p++)
		if (todo & (1u << p))
			hub_port_check(h, p);
}

static int hub_probe(struct usb_device *d, const struct usb_iface *i)
{
	const struct usb_ep *ep = usb_iface_find_ep(i, USB_EP_INTERRUPT, USB_DIR_IN);
	struct hub *h = NULL;
	uint8_t buf[16];
	unsigned got = 0;
	int err;

	if (d->depth >= USB_MAX_DEPTH) {  /* a sixth hub in a chain */
		strlcpy(d->why, "hub too deep: devices behind it cannot be reached", sizeof(d->why));
		return -ERANGE;
	}
	for (unsigned k = 0; k < HUB_MAX && !h; k++)
		if (!hubs[k].dev)
			h = &hubs[k];
	if (!h || !ep)
		return !h ? -ENOSPC : -ENODEV;
	memset(h, 0, sizeof(*h));
	err = usb_control(d, HUB_RT_CLASS_DEVICE_IN, USB_REQ_GET_DESCRIPTOR, USB_DT_HUB << 8, 0, buf, sizeof(buf), &got);
	if (err || usb_desc_hub(buf, got, &h->desc))
		return err ? err : -EINVAL;
	h->desc.nports = (uint8_t)MIN(h->desc.nports, HUB_MAX_PORTS);
	d->hub_nports = h->desc.nports;
	d->hub_ttt = (uint8_t)((h->desc.characteristics >> 5) & 3);
	d->mtt = d->speed == USB_SPEED_HIGH && d->desc.proto == 2;
	if ((err = d->bus->ops->set_hub(d)))
		return err;
	for (unsigned p = 1; p <= h->desc.nports; p++)
		hub_port_feature(d, USB_REQ_SET_FEATURE, HUB_FEAT_PORT_POWER, p);
	timer_delay_ns(2000000ull * MAX(h->desc.power_on_2ms, 10u));
	h->dev = d;
	h->status_ep = ep->addr;
	d->drv = h;
	/* Every port once, then those the status endpoint names. */
	h->pending = ((1u << (h->desc.nports + 1)) - 1) & ~1u;
	usb_kick(d);
	return usb_intr_start(d, ep->addr, (h->desc.nports + 8) / 8, hub_status_in);
}

static void hub_remove(struct usb_device *d)
{
	struct hub *h = d->drv;

	if (h)
		h->dev = NULL;
	d->drv = NULL;
}

static void hub_show(struct usb_device *d)
{
	struct hub *h = d->drv;

	if (h)
		kprintf("  hub: %u ports, %s power switching, devices on ports %x (bitmap)\n", h->desc.nports,
			(h->desc.characteristics & 3) == 1 ? "per-port" : "ganged", h->attached >> 1);
}

USB_DRIVER(hub) = {
	.name = "usb_hub", .match = USB_MATCH_CLASS, .cls = USB_CLASS_HUB,
	.probe = hub_probe, .remove = hub_remove, .work = hub_work, .show = hub_show,
};
