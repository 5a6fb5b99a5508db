/* cmd_usb.c: usb (controllers, hubs and devices as a tree, and what changed
 * since the last look) and usb PATH (descriptors, endpoints, state of one).
 * QEMU: -device qemu-xhci,id=x -device usb-hub,bus=x.0 -device usb-kbd. */
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "monitor.h"
#include "string.h"
#include "usb.h"

/* The class a device is known by: its own, else its first interface's. */
static unsigned usb_dev_class(const struct usb_device *d)
{
	if (d->desc.cls || !d->config.niface)
		return d->desc.cls;
	return d->config.iface[0].cls;
}

static void usb_print_row(const struct usb_device *d)
{
	kprintf("%*s%-*s %4s Mb/s  %04x:%04x  %-14s %-11s %s%s%s\n", 2 + 2 * d->depth, "", 24 - 2 * d->depth, d->path,
		usb_speed_name(d->speed), d->desc.vid, d->desc.pid,
		d->state == USB_STATE_FAILED ? "-" : usb_class_name(usb_dev_class(d)),
		d->driver ? d->driver->name : "-", d->manufacturer, d->manufacturer[0] ? " / " : "", d->product);
	if (d->state == USB_STATE_FAILED)
		kprintf("%*s  error: %s (%s)\n", 2 + 2 * d->depth, "", d->why, error_str(d->err));
	else if (!d->driver && d->why[0])
		kprintf("%*s  %s\n", 2 + 2 * d->depth, "", d->why);
}

/* Depth first from the root ports, so hubs come before what is behind them. */
static void usb_print_tree(struct usb_bus *b, const struct usb_device *parent, unsigned *n)
{
	for (unsigned port = 1; port < 256; port++)
		for (unsigned i = 0; i < usb_device_count(); i++) {
			struct usb_device *d = usb_device_get(i);

			if (!d || d->bus != b || d->parent != parent || d->path_port != port)
				continue;
			usb_print_row(d);
			(*n)++;
			usb_print_tree(b, d, n);
		}
}

static unsigned usb_nchanges;

static void usb_print_change(const char *line)
{
	if (!usb_nchanges++)
		kprintf("changes since the last look:\n");
	kprintf("  %s\n", line);
}

static void usb_print_ifaces(const struct usb_device *d)
{
	for (unsigned k = 0; k < d->config.niface; k++) {
		const struct usb_iface *i = &d->config.iface[k];

		kprintf("  interface %u: class %02x/%02x/%02x (%s), %u endpoints%s\n", i->num, i->cls, i->sub, i->proto,
			usb_class_name(i->cls), i->neps, d->iface == i ? ", driver bound" : "");
		for (unsigned e = 0; e < i->neps; e++) {
			static const char *const types[4] = { "control", "isochronous", "bulk", "interrupt" };
			const struct usb_ep *ep = &i->ep[e];

			kprintf("    endpoint %02x %-3s %-11s max packet %u, interval %u\n", ep->addr,
				(ep->addr & USB_DIR_IN) ? "in" : "out", types[ep->attr & 3], ep->mps & 0x7FF, ep->interval);
		}
	}
}

static void usb_print_detail(struct usb_device *d)
{
	static const char *const states[] = { "new", "addressed", "configured", "failed" };

	usb_print_row(d);
	kprintf("  USB %x.%02x, class %02x/%02x/%02x, control packets %u bytes, device version %x.%02x\n",
		d->desc.usb_ver >> 8, d->desc.usb_ver & 0xFF, d->desc.cls, d->desc.sub, d->desc.proto,
		d->desc.usb_ver >= 0x300 ? 1u << (d->desc.mps0 & 15) : d->desc.mps0,   /* USB 3: an exponent */
		d->desc.dev_ver >> 8, d->desc.dev_ver & 0xFF);
	kprintf("  manufacturer \"%s\", product \"%s\", serial \"%s\"\n", d->manufacturer, d->product, d->serial);
	kprintf("  state %s, slot %u, route %05x, root port %u", states[d->state & 3], d->slot, d->route, d->root_port);
	if (d->tt_slot)
		kprintf(", TT of slot %u port %u", d->tt_slot, d->tt_port);
	kprintf("\n  configuration %u of %u: %u bytes, %s, %u mA, %u interfaces\n", d->config.value, d->desc.nconfigs,
		d->config.total, (d->config.attr & 0x40) ? "self-powered" : "bus-powered", d->config.max_power * 2u,
		d->config.niface);
	usb_print_ifaces(d);
	kprintf("  driver: %s\n", d->driver ? d->driver->name : "none");
	if (d->driver && d->driver->show)
		d->driver->show(d);
}

static int cmd_usb(int argc, char **argv)
{
	unsigned n = 0;

	usb_work(); /* changes that came since the prompt's last poll */
	if (argc == 2) {
		struct usb_device *d = usb_find(argv[1]);

		if (!d)
			return cmd_error("usb: no device '%s' (see usb)", argv[1]);
		usb_print_detail(d);
		return 0;
	}
	if (!usb_bus_count()) {
		kprintf("no USB controllers\n");
		return 0;
	}
	for (unsigned i = 0; i < usb_bus_count(); i++) {
		struct usb_bus *b = usb_bus_get(i);

		kprintf("usb%u: %s (%u interrupts)\n", b->index, b->desc, b->irqs);
		if (!i)
			kprintf("  %-24s %9s  %-9s  %-14s %-11s %s\n", "PATH", "SPEED", "VID:PID", "CLASS", "DRIVER",
				"MANUFACTURER / PRODUCT");
		usb_print_tree(b, NULL, &n);
	}
	kprintf("%u device%s\n", n, PLURAL(n));
	usb_nchanges = 0;
	usb_changes(usb_print_change);
	if (!usb_nchanges)
		kprintf("no changes since the last look\n");
	return 0;
}

CMD(usb, .name = "usb", .usage = "usb [DEV]",
    .summary = "USB controllers and devices as a tree: path, speed, IDs, class, driver, strings; one in detail",
    .help = "DEV is a path, controller-port[.port...], as the list shows it: 1-2 is port 2 of the first\n"
	    "controller, 1-2.3 port 3 of the hub there. The list ends with the devices that came\n"
	    "(+) and went (-) since the last `usb`.\n"
	    "examples:\n  usb\n  usb 1-1.2",
    .min_args = 0, .max_args = 1, .fn = cmd_usb);
