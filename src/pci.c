/* pci.c: PCI/PCIe enumeration (PCI Local Bus 3.0 ch. 6, PCI-to-PCI Bridge
 * 1.2, PCIe Base 4.0 7.2.2 for ECAM). Configuration through ECAM when the
 * MCFG lists it (pci_ecam.c), else ports 0xCF8/0xCFC; every bus behind bridges; BARs
 * sized with decoding off; drivers bound in scan order. QEMU: -M q35
 * (ECAM, pcie-root-port), -M pc (ports), -device pci-bridge. */
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "pci.h"
#include "string.h"
#include "x86.h"

/* ECAM (pci_ecam.c), which the tiny profile leaves out: ports only then. */
OPTIONAL(pci_ecam_init);
OPTIONAL(pci_ecam_addr);

#define PCI_CONFIG_ADDR 0xCF8
#define PCI_CONFIG_DATA 0xCFC
#define PCI_BAR_IO 0x1
#define PCI_BAR_MEM_TYPE 0x6
#define  PCI_BAR_MEM_64 0x4
#define PCI_BAR_PREFETCH 0x8
#define PCI_CLASS_BRIDGE 0x06
#define PCI_SUBCLASS_PCI_BRIDGE 0x04
#define PCI_CAP_WALK_MAX 48 /* capabilities fit in 192 bytes: a loop is a lie */

extern const struct pci_driver __pci_drivers_start[], __pci_drivers_end[];

static struct pci_dev devs[PCI_MAX_DEVICES];
static unsigned dev_count;
static uint8_t bus_seen[256 / 8];

uint32_t pci_port_read32(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	outl(PCI_CONFIG_ADDR, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xFC));
	return inl(PCI_CONFIG_DATA);
}

static uint32_t cfg_read(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	volatile uint8_t *p = pci_ecam_addr ? pci_ecam_addr(seg, bus, dev, fn, off & ~3u) : NULL;

	if (p)
		return *(volatile uint32_t *)p;
	if (seg || off >= 256)
		return 0xFFFFFFFFu;
	return pci_port_read32(bus, dev, fn, off);
}

static void cfg_write(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, unsigned off, uint32_t v)
{
	volatile uint8_t *p = pci_ecam_addr ? pci_ecam_addr(seg, bus, dev, fn, off & ~3u) : NULL;

	if (p) {
		*(volatile uint32_t *)p = v;
		return;
	}
	if (seg || off >= 256)
		return;
	outl(PCI_CONFIG_ADDR, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xFC));
	outl(PCI_CONFIG_DATA, v);
}

uint32_t pci_read32(const struct pci_dev *d, unsigned off)
{
	return cfg_read(d->seg, d->bus, d->dev, d->fn, off);
}

uint16_t pci_read16(const struct pci_dev *d, unsigned off)
{
	return (uint16_t)(pci_read32(d, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const struct pci_dev *d, unsigned off)
{
	return (uint8_t)(pci_read32(d, off) >> ((off & 3) * 8));
}

void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v)
{
	cfg_write(d->seg, d->bus, d->dev, d->fn, off, v);
}

/* Narrow writes merge into the dword; safe for the registers drivers write
 * (command, control fields), not for write-1-to-clear status bits. */
void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v)
{
	unsigned sh = (off & 2) * 8;
	uint32_t w = pci_read32(d, off);

	if ((off & ~3u) == PCI_COMMAND)
		w &= 0x0000FFFFu; /* never write back status bits */
	pci_write32(d, off, (w & ~(0xFFFFu << sh)) | (uint32_t)v << sh);
}

void pci_enable(struct pci_dev *d, uint16_t bits)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | bits);
}

void pci_stop_dma(struct pci_dev *d)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) & ~PCI_COMMAND_MASTER);
}

unsigned pci_find_cap(const struct pci_dev *d, uint8_t id, unsigned start)
{
	unsigned off;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	off = start ? pci_read8(d, start + 1) : pci_read8(d, PCI_CAP_PTR);
	for (int n = 0; n < PCI_CAP_WALK_MAX && off >= 0x40; n++) {
		off &= 0xFC;
		if (pci_read8(d, off) == id)
			return off;
		off = pci_read8(d, off + 1);
	}
	return 0;
}

uint64_t pci_bar_mmio(const struct pci_dev *d, unsigned bar)
{
	if (bar >= 6 || !d->bar[bar].size || d->bar[bar].io)
		return 0;
	return d->bar[bar].addr;
}

/* Size one BAR with decoding off (PCI 3.0 6.2.5.1); returns how many BAR
 * slots it used (2 for a 64-bit memory BAR). */
static unsigned pci_size_bar(struct pci_dev *d, unsigned i, unsigned nbars)
{
	unsigned off = PCI_BAR0 + i * 4;
	uint32_t lo = pci_read32(d, off), hi = 0, mlo, mhi = 0xFFFFFFFFu;
	struct pci_bar *b = &d->bar[i];
	int is64 = !(lo & PCI_BAR_IO) && (lo & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_64 && i + 1 < nbars;

	pci_write32(d, off, 0xFFFFFFFFu);
	mlo = pci_read32(d, off);
	pci_write32(d, off, lo);
	if (is64) {
		hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, 0xFFFFFFFFu);
		mhi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, hi);
	}
	b->io = lo & PCI_BAR_IO;
	b->is64 = (uint8_t)is64;
	b->prefetch = !b->io && (lo & PCI_BAR_PREFETCH);
	if (b->io) {
		uint32_t mask = mlo & ~3u;
		b->addr = lo & ~3u;
		b->size = mask ? (uint64_t)((~mask & 0xFFFF) + 1) : 0;
	} else {
		uint64_t mask = ((uint64_t)mhi << 32 | (mlo & ~0xFu));
		b->addr = ((uint64_t)hi << 32) | (lo & ~0xFu);
		b->size = (mlo & ~0xFu) ? ~mask + 1 : 0;
		if (!is64)
			b->size &= 0xFFFFFFFFu;
	}
	return is64 ? 2 : 1;
}

static void pci_size_bars(struct pci_dev *d)
{
	unsigned nbars = (d->header_type & 0x7F) == 0 ? 6 : (d->header_type & 0x7F) == 1 ? 2 : 0;
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (unsigned i = 0; i < nbars;)
		i += pci_size_bar(d, i, nbars);
	pci_write16(d, PCI_COMMAND, cmd);
	/* Firmware puts 64-bit BARs anywhere (UEFI: above 32 GiB): map them
	 * before a driver touches them. */
	for (unsigned i = 0; i < 6; i++)
		if (d->bar[i].size && !d->bar[i].io && d->bar[i].addr)
			vm_map_mmio(d->bar[i].addr, d->bar[i].size);
}

static void pci_scan_bus(uint16_t seg, uint8_t bus);

static void pci_add_function(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct pci_dev *d;
	uint32_t id = cfg_read(seg, bus, dev, fn, PCI_VENDOR_ID);

	if ((id & 0xFFFF) == 0xFFFF || dev_count >= PCI_MAX_DEVICES)
		return;
	d = &devs[dev_count++];
	d->seg = seg, d->bus = bus, d->dev = dev, d->fn = fn;
	d->vendor = id & 0xFFFF;
	d->device = id >> 16;
	d->revision = pci_read8(d, PCI_REVISION);
	d->prog_if = pci_read8(d, PCI_PROG_IF);
	d->subclass = pci_read8(d, PCI_SUBCLASS);
	d->class_code = pci_read8(d, PCI_CLASS);
	d->header_type = pci_read8(d, PCI_HEADER_TYPE);
	d->irq_line = pci_read8(d, PCI_IRQ_LINE);
	d->irq_pin = pci_read8(d, PCI_IRQ_PIN);
	if ((d->header_type & 0x7F) == 0) {
		d->subsys_vendor = pci_read16(d, PCI_SUBSYS_VENDOR);
		d->subsys_device = pci_read16(d, PCI_SUBSYS_ID);
	}
	pci_size_bars(d);
	if ((d->header_type & 0x7F) == 1) {
		d->secondary_bus = pci_read8(d, PCI_SECONDARY_BUS);
		d->subordinate_bus = pci_read8(d, PCI_SUBORDINATE_BUS);
		/* Firmware numbered the buses; follow them, each once. */
		if (d->secondary_bus > bus)
			pci_scan_bus(seg, d->secondary_bus);
	}
}

static void pci_scan_bus(uint16_t seg, uint8_t bus)
{
	if (bus_seen[bus / 8] & (1u << (bus % 8)))
		return;
	bus_seen[bus / 8] |= (uint8_t)(1u << (bus % 8));
	for (uint8_t dev = 0; dev < 32; dev++) {
		uint32_t id = cfg_read(seg, bus, dev, 0, PCI_VENDOR_ID);
		uint8_t fns;

		if ((id & 0xFFFF) == 0xFFFF)
			continue;
		fns = (cfg_read(seg, bus, dev, 0, 0x0C) >> 16) & PCI_HEADER_MULTIFUNCTION ? 8 : 1;
		for (uint8_t fn = 0; fn < fns; fn++)
			pci_add_function(seg, bus, dev, fn);
	}
}

static int pci_id_match(const struct pci_id *id, const struct pci_dev *d)
{
	uint32_t cls = (uint32_t)d->class_code << 16 | (uint32_t)d->subclass << 8 | d->prog_if;

	if (id->vendor != PCI_ANY && id->vendor != d->vendor)
		return 0;
	if (id->device != PCI_ANY && id->device != d->device)
		return 0;
	return (cls & id->class_mask) == (id->class & id->class_mask);
}

const char *pci_driver_name(const struct pci_dev *d)
{
	if (!d->driver)
		return NULL;
	return d->id->name ? d->id->name : d->driver->name;
}

static void pci_bind(struct pci_dev *d)
{
	for (const struct pci_driver *drv = __pci_drivers_start; drv < __pci_drivers_end; drv++) {
		for (const struct pci_id *id = drv->ids; id->vendor; id++) {
			if (!pci_id_match(id, d))
				continue;
			d->probe_err = drv->probe(d, id);
			if (d->probe_err == 0) {
				d->driver = drv;
				d->id = id;
				return;
			}
			console_report_error("pci %02x:%02x.%x: %s: %s", d->bus, d->dev, d->fn,
					     id->name ? id->name : drv->name, error_str(d->probe_err));
			break;
		}
	}
}

void pci_init(void)
{
	if (pci_ecam_init)
		pci_ecam_init();
	pci_scan_bus(0, 0);
	for (unsigned i = 0; i < dev_count; i++)
		pci_bind(&devs[i]);
}

unsigned pci_count(void) { return dev_count; }

struct pci_dev *pci_get(unsigned i)
{
	return i < dev_count ? &devs[i] : NULL;
}

struct pci_dev *pci_find_bdf(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	for (unsigned i = 0; i < dev_count; i++)
		if (devs[i].seg == seg && devs[i].bus == bus && devs[i].dev == dev && devs[i].fn == fn)
			return &devs[i];
	return NULL;
}

/* A copy of d's configuration space: all 4 KiB through ECAM, else 256
 * bytes (ports reach no further). Reading has no side effects. */
size_t pci_copy_config(const struct pci_dev *d, uint8_t *buf)
{
	size_t len = pci_ecam_addr(d->seg, d->bus, d->dev, d->fn, 0) ? PCI_CFG_SIZE : 256;

	for (size_t off = 0; off < len; off += 4) {
		uint32_t v = pci_read32(d, (unsigned)off);

		memcpy(buf + off, &v, 4);
	}
	return len;
}
