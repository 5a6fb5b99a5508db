/* usb.h: the USB core (USB 2.0 ch. 9, USB 3.2 ch. 9): buses of host
 * controllers, devices on their root ports and behind hubs, enumeration and
 * standard requests, and the class-driver table: drivers register with
 * USB_DRIVER() and are matched per interface by class/subclass/protocol or
 * by VID:PID. Host controller drivers (xhci.c) implement struct usb_hc_ops.
 * Everything runs on the boot core; completions are delivered with
 * interrupts off (from the controller's interrupt, the heartbeat or a wait). */
#ifndef INGOT_USB_H
#define INGOT_USB_H

#include <stddef.h>
#include <stdint.h>

/* Speeds as the xHCI's default Protocol Speed IDs give them (xHCI 7.2.1). */
#define USB_SPEED_FULL  1
#define USB_SPEED_LOW   2
#define USB_SPEED_HIGH  3
#define USB_SPEED_SUPER 4

/* bmRequestType (USB 2.0 9.3) */
#define USB_DIR_IN          0x80
#define USB_TYPE_CLASS      0x20
#define USB_RECIP_INTERFACE 0x01
#define USB_RECIP_ENDPOINT  0x02
#define USB_RECIP_OTHER     0x03
/* Standard requests (USB 2.0 table 9-4) */
#define USB_REQ_GET_STATUS        0
#define USB_REQ_CLEAR_FEATURE     1
#define USB_REQ_SET_FEATURE       3
#define USB_REQ_GET_DESCRIPTOR    6
#define USB_REQ_SET_CONFIGURATION 9
#define USB_FEATURE_ENDPOINT_HALT 0
/* Descriptor types (USB 2.0 table 9-5, HID 1.11 7.1, USB 2.0 11.23) */
#define USB_DT_DEVICE    1
#define USB_DT_CONFIG    2
#define USB_DT_STRING    3
#define USB_DT_INTERFACE 4
#define USB_DT_ENDPOINT  5
#define USB_DT_HID       0x21
#define USB_DT_HUB       0x29
/* Classes (usb.org defined class codes) */
#define USB_CLASS_HID     0x03
#define USB_CLASS_STORAGE 0x08
#define USB_CLASS_HUB     0x09
/* bmAttributes transfer types of an endpoint */
#define USB_EP_CONTROL   0
#define USB_EP_ISOCH     1
#define USB_EP_BULK      2
#define USB_EP_INTERRUPT 3

#define USB_MAX_IFACES 8
#define USB_MAX_EPS    8   /* per interface */
#define USB_STR_MAX    48
#define USB_MAX_DEPTH  5   /* hubs in a chain (USB 2.0 4.1.1) */

struct usb_setup {
	uint8_t type, request;
	uint16_t value, index, length;
} __attribute__((packed));

/* Parsed descriptors (src/usb_desc.c). */
struct usb_dev_desc {
	uint16_t usb_ver, vid, pid, dev_ver;
	uint8_t cls, sub, proto, mps0;
	uint8_t imanufacturer, iproduct, iserial, nconfigs;
};

struct usb_ep {
	uint8_t addr;       /* bit 7: IN */
	uint8_t attr;       /* bits 1:0: USB_EP_* */
	uint8_t interval;   /* bInterval as given */
	uint16_t mps;       /* bits 10:0 size, 12:11 extra transactions */
};

struct usb_iface {
	uint8_t num, alt, cls, sub, proto, istr, neps;
	struct usb_ep ep[USB_MAX_EPS];
};

struct usb_config {
	uint16_t total;
	uint8_t value, attr, max_power, niface;  /* niface: parsed (alternate 0 only) */
	struct usb_iface iface[USB_MAX_IFACES];
};

struct usb_hub_desc {
	uint8_t nports, power_on_2ms;
	uint16_t characteristics;
};

/* Descriptor parsing: 0, or -EINVAL for a malformed one (pure code). */
int usb_desc_device(const uint8_t *buf, size_t len, struct usb_dev_desc *dd);
int usb_desc_config(const uint8_t *buf, size_t len, struct usb_config *cfg);
int usb_desc_hub(const uint8_t *buf, size_t len, struct usb_hub_desc *hd);
/* A string descriptor's UTF-16LE as ASCII ('?' for the rest), trimmed:
 * 0 or -EINVAL. */
int usb_desc_string(const uint8_t *buf, size_t len, char *out, size_t outsz);
/* The first endpoint of the interface with this type and direction (in:
 * 0x80 or 0), or NULL. */
const struct usb_ep *usb_iface_find_ep(const struct usb_iface *i, unsigned type, unsigned in);

struct usb_bus;
struct usb_driver;

/* Device states, as `usb` shows them. */
#define USB_STATE_NEW        0
#define USB_STATE_ADDRESSED  1
#define USB_STATE_CONFIGURED 2
#define USB_STATE_FAILED     3  /* err says why */

struct usb_device {
	struct usb_bus *bus;
	struct usb_device *parent;      /* the hub, NULL on a root port */
	uint8_t port;                   /* port on the parent (or root port number) */
	uint8_t root_port;              /* the controller's port ID */
	uint8_t path_port;              /* the port number in the path (within USB 2 or USB 3) */
	uint8_t depth;                  /* hubs above it */
	uint8_t speed;                  /* USB_SPEED_* */
	uint32_t route;                 /* xHCI route string (xHCI 8.9) */
	uint8_t tt_slot, tt_port, mtt;  /* high-speed hub whose TT serves a LS/FS device */
	uint8_t hub_nports, hub_ttt;    /* for a hub: its ports and TT think time */
	uint8_t state, in_use;
	volatile uint8_t work;          /* usb_work calls the driver's work */
	int err;
	uint32_t seq;                   /* order found */
	char path[24];                  /* "1-2.3": controller, root port, hub ports */
	char why[64];                   /* a failure's reason */
	struct usb_dev_desc desc;
	struct usb_config config;
	char manufacturer[USB_STR_MAX], product[USB_STR_MAX], serial[USB_STR_MAX];
	const struct usb_driver *driver;
	const struct usb_iface *iface;  /* the interface the driver bound */
	void *drv;                      /* the driver's state */
	void *hc;                       /* the host controller's state (xHCI slot) */
	uint8_t slot;                   /* xHCI slot ID */
};

/* Interrupt-in completion: called with interrupts off; the transfer is
 * queued again after it returns unless err is set. err: 0, -EIO, -EPROTO
 * (halted: usb_ep_reset from driver work recovers), -ENODEV (gone). */
typedef void (*usb_intr_fn)(struct usb_device *d, const uint8_t *buf, unsigned len, int err);

struct usb_hc_ops {
	/* Enable Slot and Address Device for d (speed, port, route set). */
	int (*dev_add)(struct usb_device *d, char *why, size_t whysz);
	void (*dev_remove)(struct usb_device *d);
	/* Control endpoint's max packet size learnt from the device descriptor. */
	int (*set_mps0)(struct usb_device *d, unsigned mps);
	/* One control transfer: data is len bytes (in or out per s->type). */
	int (*control)(struct usb_device *d, const struct usb_setup *s, void *data, unsigned *actual);
	/* Configure the endpoints of the interface (after Set Configuration). */
	int (*ep_add)(struct usb_device *d, const struct usb_iface *i);
	/* d is a hub with nports ports (slot context hub fields). */
	int (*set_hub)(struct usb_device *d);
	int (*bulk)(struct usb_device *d, uint8_t ep, void *buf, unsigned len, unsigned *actual,
		    uint64_t timeout_ns);
	int (*intr_start)(struct usb_device *d, uint8_t ep, unsigned len, usb_intr_fn fn);
	/* Halt recovery: Reset Endpoint and Set TR Dequeue (then the caller
	 * clears the device's halt feature). */
	int (*ep_reset)(struct usb_device *d, uint8_t ep);
	/* Service events (any context, interrupts off inside). */
	void (*poll)(struct usb_bus *b);
	/* Root port changes: attach and detach (usb_work, not in interrupts). */
	void (*work)(struct usb_bus *b);
};

struct usb_bus {
	const struct usb_hc_ops *ops;
	void *priv;
	unsigned index;       /* 1-based, the first number of a path */
	char desc[80];        /* one line: kind, PCI address, ports, interrupts */
	volatile uint8_t work;
	uint32_t irqs;        /* interrupts taken */
};

struct usb_driver {
	const char *name;
	unsigned match;                 /* USB_MATCH_* bits */
	uint16_t vid, pid;
	uint8_t cls, sub, proto;
	/* 0 when it takes the interface; a negative code otherwise. */
	int (*probe)(struct usb_device *d, const struct usb_iface *i);
	void (*remove)(struct usb_device *d);     /* unplugged: forget d */
	void (*work)(struct usb_device *d);       /* d->work was set (usb_work) */
	void (*tick)(struct usb_device *d);       /* each heartbeat, interrupts off */
	void (*show)(struct usb_device *d);       /* state lines for `usb PATH` */
};
#define USB_MATCH_VIDPID 1u
#define USB_MATCH_CLASS  2u
#define USB_MATCH_SUB    4u
#define USB_MATCH_PROTO  8u

#define USB_DRIVER(id) \
	static const struct usb_driver usb_driver_##id __attribute__((used, section(".usb_drivers"), aligned(8)))

/* For host controller drivers. */
int usb_bus_register(struct usb_bus *b);
/* A device appeared on a port (parent NULL: root port) and the port was
 * reset: enumerate it and bind a driver. Returns the device or NULL (no
 * free entry); a device that failed stays listed with its reason. */
struct usb_device *usb_attach(struct usb_bus *b, struct usb_device *parent, unsigned port,
			      unsigned root_port, unsigned path_port, unsigned speed);
/* The device on that port (and everything behind it) is gone. */
void usb_detach(struct usb_bus *b, struct usb_device *parent, unsigned port);
/* From interrupt context: run the bus's or the device's work soon. */
void usb_kick_bus(struct usb_bus *b);
void usb_kick(struct usb_device *d);

/* For class drivers. */
int usb_control(struct usb_device *d, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
		void *data, uint16_t len, unsigned *actual);
int usb_bulk(struct usb_device *d, uint8_t ep, void *buf, unsigned len, unsigned *actual,
	     uint64_t timeout_ns);
int usb_intr_start(struct usb_device *d, uint8_t ep, unsigned len, usb_intr_fn fn);
/* Recover a halted endpoint: controller side and CLEAR_FEATURE(HALT). */
int usb_clear_halt(struct usb_device *d, uint8_t ep);

/* For the monitor: controllers, devices (in the order found) and what
 * changed since the last call of usb_changes. */
unsigned usb_bus_count(void);
struct usb_bus *usb_bus_get(unsigned i);
unsigned usb_device_count(void);
struct usb_device *usb_device_get(unsigned i);   /* NULL for a free entry */
struct usb_device *usb_find(const char *path_or_name);
const char *usb_speed_name(unsigned speed);
const char *usb_class_name(unsigned cls);
/* Calls fn for each line of change since the last call, then forgets them. */
void usb_changes(void (*fn)(const char *line));

/* Boot: after the PCI drivers registered the controllers and the
 * heartbeat runs: enumerate every port, then service devices on the
 * heartbeat and at the prompt. */
void usb_init(void);
/* Enumeration and driver work (hot-plug), called where waiting is fine. */
void usb_work(void);

#endif
