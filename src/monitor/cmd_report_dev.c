/* cmd_report_dev.c: report's pci, disks, nics and usb sections: every PCI
 * function (PCI 3.0 ch. 6: IDs, class, BARs, interrupt, capabilities), every
 * block device with its partitions and FAT volume, every NIC with its link
 * and IPv4 configuration, the USB controllers and devices (USB 2.0 ch. 9).
 * QEMU: -device nvme,serial=..., virtio-blk-pci, e1000,mac=..., qemu-xhci,
 * usb-kbd, usb-storage. */
#include "blkdev.h"
#include "console.h"
#include "fs.h"
#include "ip.h"
#include "kernel.h"
#include "monitor.h"
#include "netdev.h"
#include "pci.h"
#include "report.h"
#include "string.h"
#include "usb.h"

OPTIONAL(ip_iface_get);

static const char *pci_cap_name(uint8_t id)
{
	switch (id) {
	case PCI_CAP_PM: return "power management";
	case PCI_CAP_MSI: return "msi";
	case PCI_CAP_VENDOR: return "vendor-specific";
	case PCI_CAP_PCIE: return "pci express";
	case PCI_CAP_MSIX: return "msi-x";
	case 0x0C: return "hot-plug";
	case 0x0D: return "bridge subsystem id";
	case 0x12: return "sata";
	case 0x13: return "advanced features";
	default: return NULL;
	}
}

static void pci_caps(struct json *j, const struct pci_dev *d)
{
	unsigned off = 0;

	json_array_begin(j, "capabilities", JSON_INLINE);
	if (pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST)
		off = pci_read8(d, PCI_CAP_PTR);
	/* 48 at most: a looping list ends there, as in `pci B:D.F` */
	for (int n = 0; off >= 0x40 && n < 48; n++) {
		uint8_t id;

		off &= 0xFC;
		id = pci_read8(d, off);
		json_object_begin(j, NULL, JSON_INLINE);
		json_hex(j, "id", id, 2);
		json_hex(j, "offset", off, 2);
		report_str_or_null(j, "name", pci_cap_name(id));
		json_object_end(j);
		off = pci_read8(d, off + 1);
	}
	json_array_end(j);
}

static void pci_bars(struct json *j, const struct pci_dev *d)
{
	json_array_begin(j, "bars", JSON_INLINE);
	for (unsigned i = 0; i < 6; i++) {
		const struct pci_bar *b = &d->bar[i];

		if (!b->size)
			continue;
		json_object_begin(j, NULL, JSON_INLINE);
		json_uint(j, "index", i);
		json_str(j, "kind", b->io ? "io" : b->is64 ? "mem64" : "mem32");
		json_hex(j, "address", b->addr, 1);
		json_uint(j, "bytes", b->size);
		json_bool(j, "prefetchable", b->prefetch);
		json_object_end(j);
	}
	json_array_end(j);
}

static void pci_function(struct json *j, const struct pci_dev *d)
{
	char bdf[16], pin[2] = { d->irq_pin ? (char)('A' + d->irq_pin - 1) : 0, 0 };

	report_bdf(bdf, d->seg, d->bus, d->dev, d->fn);
	json_object_begin(j, NULL, JSON_BLOCK);
	json_str(j, "address", bdf);
	json_hex(j, "vendor_id", d->vendor, 4);
	json_hex(j, "device_id", d->device, 4);
	json_str(j, "vendor", pci_vendor_name(d->vendor));
	json_hex(j, "class", (uint32_t)d->class_code << 16 | d->subclass << 8 | d->prog_if, 6);
	json_str(j, "class_name", pci_class_name(d->class_code, d->subclass, d->prog_if));
	json_hex(j, "revision", d->revision, 2);
	json_uint(j, "header_type", d->header_type & 0x7F);
	json_bool(j, "multifunction", d->header_type & 0x80);
	if ((d->header_type & 0x7F) == 0) {
		json_hex(j, "subsystem_vendor_id", d->subsys_vendor, 4);
		json_hex(j, "subsystem_id", d->subsys_device, 4);
	} else if ((d->header_type & 0x7F) == 1) {
		json_object_begin(j, "bridge", JSON_INLINE);
		json_uint(j, "secondary_bus", d->secondary_bus);
		json_uint(j, "subordinate_bus", d->subordinate_bus);
		json_object_end(j);
	}
	report_str_or_null(j, "driver", d->driver ? pci_driver_name(d) : NULL);
	json_object_begin(j, "irq", JSON_INLINE);
	json_str(j, "kind", pci_irq_kind_name(d->irq_kind));
	report_str_or_null(j, "pin", pin);
	json_uint(j, "line", d->irq_line);
	report_opt_int(j, "vector", d->irq_kind != PCI_IRQ_NONE ? d->irq_vector : -1);
	json_object_end(j);
	pci_bars(j, d);
	pci_caps(j, d);
	json_object_end(j);
}

void report_pci(struct json *j, const char *key)
{
	json_object_begin(j, key, JSON_BLOCK);
	json_str(j, "access", pci_access_method());
	json_array_begin(j, "functions", JSON_BLOCK);
	for (unsigned i = 0; i < pci_count() && !report_stopped(j); i++)
		pci_function(j, pci_get(i));
	json_array_end(j);
	json_object_end(j);
}

/* The FAT volume on b when b is one of the places files are looked up. */
static void disk_fat(struct json *j, struct blkdev *b, struct blkdev **fsdevs, unsigned nfs)
{
	static struct fat_vol copy; /* taken under the fs lock, which programs' file calls share */
	struct fat_vol *v;
	unsigned i = 0;
	int err;

	while (i < nfs && fsdevs[i] != b)
		i++;
	if (i == nfs || b->failed) {
		json_null(j, "fat");
		return;
	}
	fs_lock_take();
	err = fs_mount(b, &v);
	if (!err)
		copy = *v;
	fs_lock_give();
	if (err) {
		json_null(j, "fat");
		return;
	}
	v = &copy;
	json_object_begin(j, "fat", JSON_INLINE);
	json_uint(j, "type", (uint64_t)v->type);
	report_str_or_null(j, "label", v->label);
	json_hex(j, "serial", v->serial, 8);
	json_uint(j, "cluster_bytes", v->cluster_size);
	json_uint(j, "clusters", v->clusters);
	json_uint(j, "bytes", v->total_bytes);
	json_object_end(j);
}

/* Where the device hangs: a PCI controller (AHCI, IDE, NVMe, virtio), USB,
 * or memory (the loader's RAM disk); a partition where its disk does. */
static const char *disk_bus(const struct blkdev *b)
{
	while (b->kind == BLK_PART && b->parent)
		b = b->parent;
	return b->kind == BLK_USB ? "usb" : b->kind == BLK_RAM ? "memory" : "pci";
}

static void disk_entry(struct json *j, struct blkdev *b, struct blkdev **fsdevs, unsigned nfs)
{
	static const char *const kinds[] = { "disk", "cd", "partition", "ram", "usb" };

	json_object_begin(j, NULL, JSON_BLOCK);
	json_str(j, "name", b->name);
	json_str(j, "kind", b->kind < BLK_KIND_COUNT ? kinds[b->kind] : "?");
	json_str(j, "driver", b->driver);
	json_str(j, "bus", disk_bus(b));
	report_str_or_null(j, "model", b->model);
	report_str_or_null(j, "serial", b->serial);
	json_uint(j, "sectors", b->sectors);
	json_uint(j, "sector_size", b->sector_size);
	json_uint(j, "bytes", b->sectors * b->sector_size);
	json_bool(j, "read_only", b->read_only);
	json_bool(j, "failed", b->failed || (b->parent && b->parent->failed));
	if (b->kind == BLK_PART) {
		json_str(j, "parent", b->parent ? b->parent->name : "?");
		json_uint(j, "index", (uint64_t)b->part_index);
		json_uint(j, "first_lba", b->first_lba);
	} else {
		json_array_begin(j, "partitions", JSON_INLINE);
		for (unsigned i = 0; i < blk_count(); i++)
			if (blk_get(i)->kind == BLK_PART && blk_get(i)->parent == b)
				json_str(j, NULL, blk_get(i)->name);
		json_array_end(j);
	}
	disk_fat(j, b, fsdevs, nfs);
	json_object_end(j);
}

void report_disks(struct json *j, const char *key)
{
	static struct blkdev *fsdevs[BLK_MAX_DEVICES];
	unsigned nfs = fs_devices(fsdevs, BLK_MAX_DEVICES);

	json_array_begin(j, key, JSON_BLOCK);
	for (unsigned i = 0; i < blk_count() && !report_stopped(j); i++)
		disk_entry(j, blk_get(i), fsdevs, nfs);
	json_array_end(j);
}

static void ip4(struct json *j, const char *key, uint32_t a)
{
	char s[16];

	if (!a) {
		json_null(j, key);
		return;
	}
	ksnprintf(s, sizeof(s), "%u.%u.%u.%u", a >> 24, a >> 16 & 0xFF, a >> 8 & 0xFF, a & 0xFF);
	json_str(j, key, s);
}

static void nic_ipv4(struct json *j, struct netdev *n)
{
	const struct ip_iface *c = ip_iface_get ? ip_iface_get(n) : NULL;
	unsigned prefix = 0;

	if (!c || !c->addr) {
		json_null(j, "ipv4");
		return;
	}
	for (uint32_t m = c->netmask; m & 0x80000000u; m <<= 1)
		prefix++;
	json_object_begin(j, "ipv4", JSON_INLINE);
	ip4(j, "address", c->addr);
	json_uint(j, "prefix", prefix);
	ip4(j, "netmask", c->netmask);
	ip4(j, "gateway", c->gateway);
	ip4(j, "dns", c->dns);
	report_opt_int(j, "lease_s", c->lease_s ? (int64_t)c->lease_s : -1);
	json_object_end(j);
}

static void nic_entry(struct json *j, struct netdev *n)
{
	const struct pci_dev *d = n->pci;
	const uint8_t *m = n->mac;
	char mac[18], bdf[16];
	int up = 0;
	unsigned mbps = 0;

	if (n->link(n, &up, &mbps))
		up = 0;
	ksnprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	json_object_begin(j, NULL, JSON_BLOCK);
	json_str(j, "name", n->name);
	json_str(j, "driver", n->driver);
	if (d) {
		report_bdf(bdf, d->seg, d->bus, d->dev, d->fn);
		json_str(j, "pci", bdf);
		json_hex(j, "vendor_id", d->vendor, 4);
		json_hex(j, "device_id", d->device, 4);
		json_str(j, "vendor", pci_vendor_name(d->vendor));
	} else {
		json_null(j, "pci");
	}
	json_str(j, "mac", mac);
	json_uint(j, "mtu", n->mtu);
	json_bool(j, "link_up", up);
	report_opt_int(j, "speed_mbps", up && mbps ? (int64_t)mbps : -1);
	report_str_or_null(j, "interrupts", n->irq_mode);
	nic_ipv4(j, n);
	json_object_end(j);
}

void report_nics(struct json *j, const char *key)
{
	json_array_begin(j, key, JSON_BLOCK);
	for (unsigned i = 0; i < net_count() && !report_stopped(j); i++)
		nic_entry(j, net_get(i));
	json_array_end(j);
}

static void usb_ifaces(struct json *j, const struct usb_device *d)
{
	json_array_begin(j, "interfaces", JSON_INLINE);
	for (unsigned k = 0; k < d->config.niface; k++) {
		const struct usb_iface *i = &d->config.iface[k];

		json_object_begin(j, NULL, JSON_INLINE);
		json_uint(j, "number", i->num);
		json_hex(j, "class", i->cls, 2);
		json_hex(j, "subclass", i->sub, 2);
		json_hex(j, "protocol", i->proto, 2);
		json_str(j, "class_name", usb_class_name(i->cls));
		json_uint(j, "endpoints", i->neps);
		json_bool(j, "bound", d->iface == i);
		json_object_end(j);
	}
	json_array_end(j);
}

static void usb_device_entry(struct json *j, const struct usb_device *d)
{
	static const char *const states[] = { "new", "addressed", "configured", "failed" };
	static const char *const speeds[] = { "?", "full", "low", "high", "super" };
	char ver[8];

	ksnprintf(ver, sizeof(ver), "%x.%02x", d->desc.usb_ver >> 8, d->desc.usb_ver & 0xFF);
	json_object_begin(j, NULL, JSON_BLOCK);
	json_str(j, "path", d->path);
	json_uint(j, "controller", d->bus->index);
	report_str_or_null(j, "parent", d->parent ? d->parent->path : NULL);
	json_uint(j, "port", d->port);
	json_uint(j, "depth", d->depth);
	json_str(j, "speed", d->speed <= USB_SPEED_SUPER ? speeds[d->speed] : "?");
	json_str(j, "speed_mbps", usb_speed_name(d->speed));
	json_hex(j, "vid", d->desc.vid, 4);
	json_hex(j, "pid", d->desc.pid, 4);
	json_str(j, "usb_version", ver);
	json_hex(j, "class", d->desc.cls, 2);
	json_str(j, "class_name", usb_class_name(d->desc.cls || !d->config.niface ? d->desc.cls : d->config.iface[0].cls));
	report_str_or_null(j, "manufacturer", d->manufacturer);
	report_str_or_null(j, "product", d->product);
	report_str_or_null(j, "serial", d->serial);
	json_str(j, "state", states[d->state & 3]);
	report_str_or_null(j, "driver", d->driver ? d->driver->name : NULL);
	report_str_or_null(j, "error", d->state == USB_STATE_FAILED ? d->why : NULL);
	usb_ifaces(j, d);
	json_object_end(j);
}

void report_usb(struct json *j, const char *key)
{
	usb_work(); /* changes that came since the prompt's last poll, as usb does */
	json_object_begin(j, key, JSON_BLOCK);
	json_array_begin(j, "controllers", JSON_BLOCK);
	for (unsigned i = 0; i < usb_bus_count(); i++) {
		const struct usb_bus *b = usb_bus_get(i);

		json_object_begin(j, NULL, JSON_INLINE);
		json_uint(j, "index", b->index);
		json_str(j, "description", b->desc);
		json_uint(j, "interrupts", b->irqs);
		json_object_end(j);
	}
	json_array_end(j);
	json_array_begin(j, "devices", JSON_BLOCK);
	for (unsigned i = 0; i < usb_device_count() && !report_stopped(j); i++) {
		const struct usb_device *d = usb_device_get(i);

		if (d)
			usb_device_entry(j, d);
	}
	json_array_end(j);
	json_object_end(j);
}
