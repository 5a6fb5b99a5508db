/* usb.c: the USB core: devices found on root ports and hubs are addressed,
 * described (device, configuration, string descriptors), configured and
 * given a class driver from the USB_DRIVER table (USB 2.0 ch. 9).
 * QEMU: -device qemu-xhci -device usb-hub -device usb-kbd. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "percpu.h"
#include "program.h"
#include "string.h"
#include "timer.h"
#include "usb.h"
#include "x86.h"

#define USB_MAX_BUSES 4
#define USB_MAX_DEVICES 32
#define USB_CHANGES 16
#define USB_CTRL_BUF 1024          /* configuration descriptors up to this */
#define USB_BOOT_NS 3000000000ull  /* boot waits this long for devices to settle */

extern const struct usb_driver __usb_drivers_start[], __usb_drivers_end[];

static struct usb_bus *buses[USB_MAX_BUSES];
static unsigned nbuses;
static struct usb_device devices[USB_MAX_DEVICES];
static uint32_t next_seq;
static char changes[USB_CHANGES][64];
static unsigned nchanges, changes_lost;
static bool in_work, started;

int usb_bus_register(struct usb_bus *b)
{
	if (nbuses == USB_MAX_BUSES)
		return -ENOSPC;
	b->index = nbuses + 1;
	buses[nbuses++] = b;
	return 0;
}

unsigned usb_bus_count(void) { return nbuses; }
struct usb_bus *usb_bus_get(unsigned i) { return i < nbuses ? buses[i] : NULL; }
unsigned usb_device_count(void) { return USB_MAX_DEVICES; }
struct usb_device *usb_device_get(unsigned i) { return i < USB_MAX_DEVICES && devices[i].in_use ? &devices[i] : NULL; }

const char *usb_speed_name(unsigned speed)
{
	switch (speed) {
	case USB_SPEED_LOW: return "1.5";
	case USB_SPEED_FULL: return "12";
	case USB_SPEED_HIGH: return "480";
	case USB_SPEED_SUPER: return "5000";
	default: return "?";
	}
}

const char *usb_class_name(unsigned cls)
{
	switch (cls) {
	case 0x00: return "(per interface)";
	case 0x01: return "audio";
	case 0x02: return "communications";
	case USB_CLASS_HID: return "HID";
	case 0x06: return "image";
	case 0x07: return "printer";
	case USB_CLASS_STORAGE: return "mass storage";
	case USB_CLASS_HUB: return "hub";
	case 0x0A: return "CDC data";
	case 0x0B: return "smart card";
	case 0x0E: return "video";
	case 0xE0: return "wireless";
	case 0xEF: return "miscellaneous";
	case 0xFF: return "vendor specific";
	default: return "other";
	}
}

static void usb_note(const char *sign, const struct usb_device *d)
{
	if (nchanges == USB_CHANGES) {
		changes_lost++;
		return;
	}
	ksnprintf(changes[nchanges++], sizeof(changes[0]), "%s %s %s", sign, d->path,
		  d->product[0] ? d->product : "(no product string)");
}

void usb_changes(void (*fn)(const char *line))
{
	for (unsigned i = 0; i < nchanges; i++)
		fn(changes[i]);
	if (changes_lost) {
		char line[48];

		ksnprintf(line, sizeof(line), "(%u more changes not kept)", changes_lost);
		fn(line);
	}
	nchanges = changes_lost = 0;
}

/* --- requests ------------------------------------------------------------- */

int usb_control(struct usb_device *d, uint8_t type, uint8_t req, uint16_t value, uint16_t index, void *data,
		uint16_t len, unsigned *actual)
{
	struct usb_setup s = { .type = type, .request = req, .value = value, .index = index, .length = len };

	if (!d->hc)
		return -ENODEV;
	return d->bus->ops->control(d, &s, data, actual);
}

int usb_bulk(struct usb_device *d, uint8_t ep, void *buf, unsigned len, unsigned *actual, uint64_t timeout_ns)
{
	return d->hc ? d->bus->ops->bulk(d, ep, buf, len, actual, timeout_ns) : -ENODEV;
}

int usb_intr_start(struct usb_device *d, uint8_t ep, unsigned len, usb_intr_fn fn)
{
	return d->hc ? d->bus->ops->intr_start(d, ep, len, fn) : -ENODEV;
}

int usb_clear_halt(struct usb_device *d, uint8_t ep)
{
	int err;

	if (!d->hc)
		return -ENODEV;
	if ((err = d->bus->ops->ep_reset(d, ep)))
		return err;
	return usb_control(d, USB_RECIP_ENDPOINT, USB_REQ_CLEAR_FEATURE, USB_FEATURE_ENDPOINT_HALT, ep, NULL, 0,
			   NULL);
}

static int usb_get_desc(struct usb_device *d, uint8_t type, uint8_t idx, uint16_t lang, void *buf, uint16_t len,
			unsigned *got)
{
	return usb_control(d, USB_DIR_IN, USB_REQ_GET_DESCRIPTOR, (uint16_t)(type << 8 | idx), lang, buf, len,
			   got);
}

/* --- enumeration ---------------------------------------------------------- */

static void usb_get_string(struct usb_device *d, uint8_t idx, uint16_t lang, char *out)
{
	uint8_t buf[255];
	unsigned got = 0;

	out[0] = 0;
	if (idx && !usb_get_desc(d, USB_DT_STRING, idx, lang, buf, sizeof(buf), &got))
		usb_desc_string(buf, got, out, USB_STR_MAX);
}

static void usb_read_strings(struct usb_device *d)
{
	uint8_t buf[8];
	unsigned got = 0;
	uint16_t lang;

	if (!d->desc.imanufacturer && !d->desc.iproduct && !d->desc.iserial)
		return;
	/* String descriptor 0 lists the languages: take the first. */
	if (usb_get_desc(d, USB_DT_STRING, 0, 0, buf, sizeof(buf), &got) || got < 4)
		return;
	lang = (uint16_t)(buf[2] | buf[3] << 8);
	usb_get_string(d, d->desc.imanufacturer, lang, d->manufacturer);
	usb_get_string(d, d->desc.iproduct, lang, d->product);
	usb_get_string(d, d->desc.iserial, lang, d->serial);
}

static int usb_fail(struct usb_device *d, int err, const char *what)
{
	if (!d->why[0])
		strlcpy(d->why, what, sizeof(d->why));
	d->err = err;
	d->state = USB_STATE_FAILED;
	return err;
}

/* Address, descriptors, strings, configuration 1 (the first). */
static int usb_enumerate(struct usb_device *d)
{
	static uint8_t buf[USB_CTRL_BUF];
	const struct usb_hc_ops *ops = d->bus->ops;
	unsigned got = 0, mps;
	int err;

	if ((err = ops->dev_add(d, d->why, sizeof(d->why))))
		return usb_fail(d, err, "cannot address");
	d->state = USB_STATE_ADDRESSED;
	if ((err = usb_get_desc(d, USB_DT_DEVICE, 0, 0, buf, 8, &got)) || got < 8)
		return usb_fail(d, err ? err : -EIO, "no device descriptor");
	mps = d->speed == USB_SPEED_SUPER ? 1u << (buf[7] & 15) : buf[7];
	if (mps != (d->speed == USB_SPEED_SUPER ? 512u : d->speed == USB_SPEED_LOW ? 8u : 64u) &&
	    (err = ops->set_mps0(d, mps)))
		return usb_fail(d, err, "cannot set the control packet size");
	if ((err = usb_get_desc(d, USB_DT_DEVICE, 0, 0, buf, 18, &got)) || usb_desc_device(buf, got, &d->desc))
		return usb_fail(d, err ? err : -EINVAL, "bad device descriptor");
	usb_read_strings(d);
	if ((err = usb_get_desc(d, USB_DT_CONFIG, 0, 0, buf, 9, &got)) || usb_desc_config(buf, got, &d->config))
		return usb_fail(d, err ? err : -EINVAL, "bad configuration descriptor");
	if ((err = usb_get_desc(d, USB_DT_CONFIG, 0, 0, buf, MIN(d->config.total, USB_CTRL_BUF), &got)) ||
	    usb_desc_config(buf, got, &d->config))
		return usb_fail(d, err ? err : -EINVAL, "bad configuration descriptor");
	if ((err = usb_control(d, 0, USB_REQ_SET_CONFIGURATION, d->config.value, 0, NULL, 0, NULL)))
		return usb_fail(d, err, "Set Configuration failed");
	d->state = USB_STATE_CONFIGURED;
	return 0;
}

static bool usb_match(const struct usb_driver *drv, const struct usb_device *d, const struct usb_iface *i)
{
	if ((drv->match & USB_MATCH_VIDPID) && (drv->vid != d->desc.vid || drv->pid != d->desc.pid))
		return false;
	if ((drv->match & USB_MATCH_CLASS) && drv->cls != i->cls)
		return false;
	if ((drv->match & USB_MATCH_SUB) && drv->sub != i->sub)
		return false;
	if ((drv->match & USB_MATCH_PROTO) && drv->proto != i->proto)
		return false;
	return drv->match != 0;
}

/* The first interface a driver takes binds the device (one driver each). */
static void usb_bind(struct usb_device *d)
{
	for (unsigned k = 0; k < d->config.niface; k++) {
		const struct usb_iface *i = &d->config.iface[k];

		for (const struct usb_driver *drv = __usb_drivers_start; drv < __usb_drivers_end; drv++) {
			int err;

			if (!usb_match(drv, d, i))
				continue;
			if ((err = d->bus->ops->ep_add(d, i))) {
				usb_fail(d, err, "Configure Endpoint failed");
				return;
			}
			d->iface = i;
			d->driver = drv;
			if (!(err = drv->probe(d, i)))
				return;
			d->driver = NULL;
			d->iface = NULL;
			if (err == -ENODEV)
				continue;   /* not its kind after all */
			d->err = err;
			if (!d->why[0])
				ksnprintf(d->why, sizeof(d->why), "%s: probe failed", drv->name);
		}
	}
}

static struct usb_device *usb_alloc(void)
{
	for (unsigned i = 0; i < USB_MAX_DEVICES; i++)
		if (!devices[i].in_use) {
			memset(&devices[i], 0, sizeof(devices[i]));
			devices[i].in_use = 1;
			return &devices[i];
		}
	return NULL;
}

/* Where the device sits: path, route string, depth and the transaction
 * translator of a low/full-speed device behind a high-speed hub. */
static void usb_place(struct usb_device *d, struct usb_device *parent, unsigned port, unsigned path_port)
{
	if (!parent) {
		ksnprintf(d->path, sizeof(d->path), "%u-%u", d->bus->index, path_port);
		return;
	}
	ksnprintf(d->path, sizeof(d->path), "%s.%u", parent->path, port);
	d->depth = (uint8_t)(parent->depth + 1);
	d->route = parent->route | (uint32_t)MIN(port, 15u) << (4 * parent->depth);
	if (d->speed == USB_SPEED_LOW || d->speed == USB_SPEED_FULL) {
		if (parent->speed == USB_SPEED_HIGH) {
			d->tt_slot = parent->slot;
			d->tt_port = (uint8_t)port;
			d->mtt = parent->mtt;
		} else {
			d->tt_slot = parent->tt_slot;
			d->tt_port = parent->tt_port;
		}
	}
}

struct usb_device *usb_attach(struct usb_bus *b, struct usb_device *parent, unsigned port, unsigned root_port,
			      unsigned path_port, unsigned speed)
{
	struct usb_device *d = usb_alloc();

	if (!d) {
		kprintf("usb: more than %u devices; one on bus %u left out\n", USB_MAX_DEVICES, b->index);
		return NULL;
	}
	d->bus = b;
	d->parent = parent;
	d->port = (uint8_t)port;
	d->root_port = (uint8_t)root_port;
	d->path_port = (uint8_t)(parent ? port : path_port);
	d->speed = (uint8_t)speed;
	d->seq = next_seq++;
	usb_place(d, parent, port, path_port);
	if (!usb_enumerate(d))
		usb_bind(d);
	usb_note("+", d);
	if (d->state == USB_STATE_FAILED && started)
		kprintf("usb %s: %s (%s)\n", d->path, d->why, error_str(d->err));
	return d;
}

static void usb_remove(struct usb_device *d)
{
	for (unsigned i = 0; i < USB_MAX_DEVICES; i++)
		if (devices[i].in_use && devices[i].parent == d)
			usb_remove(&devices[i]);
	if (d->driver && d->driver->remove)
		d->driver->remove(d);
	d->driver = NULL;
	if (d->hc)
		d->bus->ops->dev_remove(d);
	usb_note("-", d);
	d->in_use = 0;
}

void usb_detach(struct usb_bus *b, struct usb_device *parent, unsigned port)
{
	for (unsigned i = 0; i < USB_MAX_DEVICES; i++) {
		struct usb_device *d = &devices[i];

		if (d->in_use && d->bus == b && d->parent == parent && d->port == port)
			usb_remove(d);
	}
}

struct usb_device *usb_find(const char *name)
{
	for (unsigned i = 0; i < USB_MAX_DEVICES; i++)
		if (devices[i].in_use && !strcmp(devices[i].path, name))
			return &devices[i];
	return NULL;
}

/* --- service -------------------------------------------------------------- */

void usb_kick_bus(struct usb_bus *b) { b->work = 1; }
void usb_kick(struct usb_device *d) { d->work = 1; }

static bool usb_pending(void)
{
	for (unsigned i = 0; i < nbuses; i++)
		if (buses[i]->work)
			return true;
	for (unsigned i = 0; i < USB_MAX_DEVICES; i++)
		if (devices[i].in_use && devices[i].work)
			return true;
	return false;
}

void usb_work(void)
{
	if (__atomic_exchange_n(&in_work, true, __ATOMIC_ACQUIRE))
		return;
	for (unsigned i = 0; i < nbuses; i++) {
		buses[i]->ops->poll(buses[i]);
		if (buses[i]->work) {
			buses[i]->work = 0;
			buses[i]->ops->work(buses[i]);
		}
	}
	for (unsigned i = 0; i < USB_MAX_DEVICES; i++) {
		struct usb_device *d = &devices[i];

		if (d->in_use && d->work && d->driver && d->driver->work) {
			d->work = 0;
			d->driver->work(d);
		}
	}
	__atomic_store_n(&in_work, false, __ATOMIC_RELEASE);
}

/* The heartbeat: events (key reports, port changes) and the drivers'
 * ticks (typematic repeat), also while a program runs. While one runs the
 * monitor's loop does not, so the heartbeat also does the work: a device
 * plugged in is enumerated and bound at once (a keyboard's Ctrl-C then
 * stops the program). Safe in an interrupt on the boot core: usb_work is
 * entered once (in_work); its waits poll the controller and are bounded;
 * the USB I/O a program starts (mass storage) runs under the stick's lock,
 * which keeps interrupts off, so the heartbeat never lands inside it; and
 * hold_stop makes a program stop wait until the work is done rather than
 * cut it short with the command ring taken. */
static void usb_tick(void)
{
	for (unsigned i = 0; i < nbuses; i++)
		buses[i]->ops->poll(buses[i]);
	for (unsigned i = 0; i < USB_MAX_DEVICES; i++) {
		struct usb_device *d = &devices[i];

		if (d->in_use && d->driver && d->driver->tick)
			d->driver->tick(d);
	}
	if (program_running() && usb_pending()) {
		struct percpu *pc = this_cpu();

		pc->hold_stop++;
		usb_work();
		pc->hold_stop--;
	}
}

void usb_init(void)
{
	uint64_t end = timer_ns() + USB_BOOT_NS;

	if (!nbuses)
		return;
	/* Root ports wait out their debounce time, hubs find their ports. */
	while (usb_pending() && timer_ns() < end) {
		usb_work();
		timer_delay_ns(1000000);
	}
	for (unsigned i = 0; i < USB_MAX_DEVICES; i++) {
		if (devices[i].in_use && devices[i].state == USB_STATE_FAILED)
			kprintf("usb %s: %s (%s)\n", devices[i].path, devices[i].why, error_str(devices[i].err));
	}
	nchanges = changes_lost = 0;  /* `usb` reports changes after boot */
	started = true;
	timer_add_tick(usb_tick);
	console_add_poll(usb_work);
}
