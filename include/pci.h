/* pci.h: PCI and PCI Express devices (PCI Local Bus 3.0, PCIe Base 4.0
 * ch. 7): configuration access through ECAM or ports 0xCF8/0xCFC, the scan
 * of every bus behind bridges, BARs, capabilities, and the driver table:
 * drivers register with PCI_DRIVER() in a linker section and are bound after
 * the scan, in scan order. */
#ifndef INGOT_PCI_H
#define INGOT_PCI_H

#include <stddef.h>
#include <stdint.h>

#include "irq.h"

#define PCI_MAX_DEVICES 256

/* Configuration space offsets (PCI 3.0 section 6.1) */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define  PCI_COMMAND_IO 0x0001
#define  PCI_COMMAND_MEMORY 0x0002
#define  PCI_COMMAND_MASTER 0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS 0x06
#define  PCI_STATUS_CAP_LIST 0x0010
#define PCI_REVISION 0x08
#define PCI_PROG_IF 0x09
#define PCI_SUBCLASS 0x0A
#define PCI_CLASS 0x0B
#define PCI_HEADER_TYPE 0x0E
#define  PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_BAR0 0x10
#define PCI_PRIMARY_BUS 0x18      /* type 1 (bridge) header */
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBORDINATE_BUS 0x1A
#define PCI_SUBSYS_VENDOR 0x2C
#define PCI_SUBSYS_ID 0x2E
#define PCI_CAP_PTR 0x34
#define PCI_IRQ_LINE 0x3C
#define PCI_IRQ_PIN 0x3D

/* Capability IDs (PCI 3.0 appendix H) */
#define PCI_CAP_PM 0x01
#define PCI_CAP_MSI 0x05
#define PCI_CAP_VENDOR 0x09
#define PCI_CAP_PCIE 0x10
#define PCI_CAP_MSIX 0x11

struct pci_bar {
	uint64_t addr;    /* bus address (identity-mapped for memory BARs) */
	uint64_t size;    /* 0: the BAR is absent */
	uint8_t io, is64, prefetch;
};

struct pci_driver;

/* How a device interrupts (pci_irq_enable). */
enum pci_irq_kind { PCI_IRQ_NONE, PCI_IRQ_INTX, PCI_IRQ_MSI, PCI_IRQ_MSIX };

struct pci_dev {
	uint16_t seg;
	uint8_t bus, dev, fn;
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint8_t class_code, subclass, prog_if, revision, header_type;
	uint8_t irq_line, irq_pin;
	uint8_t secondary_bus, subordinate_bus; /* bridges only */
	struct pci_bar bar[6];
	const struct pci_driver *driver;  /* bound driver, NULL if none */
	const struct pci_id *id;          /* the entry it was bound by */
	int probe_err;                    /* last probe result when no driver kept it */
	uint8_t irq_kind;                 /* enum pci_irq_kind, set by pci_irq_enable */
	uint8_t irq_vector;               /* its vector on the boot core */
	void *priv;                       /* the driver's state */
};

/* What a driver binds to, with what it needs to know about that device
 * (iPXE's PCI_ROM): the table matches, probe is told which entry did. */
struct pci_id {
	uint16_t vendor, device;  /* PCI_ANY to match all */
	uint32_t class;           /* class << 16 | subclass << 8 | prog_if */
	uint32_t class_mask;      /* 0: ignore the class */
	const char *name;         /* the device's driver as `pci` shows it; NULL: the driver's */
	const void *data;         /* the driver's own, per device */
};
#define PCI_ANY 0xFFFF
#define PCI_ROM(ven, dev, nm, dat) { .vendor = (ven), .device = (dev), .name = (nm), .data = (dat) }
#define PCI_CLASS_ROM(cls, mask, dat) \
	{ .vendor = PCI_ANY, .device = PCI_ANY, .class = (cls), .class_mask = (mask), .data = (dat) }

struct pci_driver {
	const char *name;
	const struct pci_id *ids;   /* ended by an entry with vendor 0 */
	/* 0 when the driver takes the device; a negative code otherwise. id
	 * is the entry of ids that matched. */
	int (*probe)(struct pci_dev *d, const struct pci_id *id);
};

#define PCI_DRIVER(id) \
	static const struct pci_driver pci_driver_##id __attribute__((used, section(".pci_drivers"), aligned(8)))

/* The bound driver's name for d (its id's, else the driver's), or NULL. */
const char *pci_driver_name(const struct pci_dev *d);

/* Scan every bus, size the BARs, map memory BARs, then bind drivers. */
void pci_init(void);
unsigned pci_count(void);
struct pci_dev *pci_get(unsigned i);
struct pci_dev *pci_find_bdf(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn);
const char *pci_access_method(void);
/* pci_ecam.c (not in the tiny profile): map the MCFG's windows, and the
 * ECAM address of a register (NULL when no window covers the bus). */
void pci_ecam_init(void);
volatile uint8_t *pci_ecam_addr(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, unsigned off);
/* Why the MCFG's entry i (acpi_mcfg order) was not used, or NULL when it
 * is; pci_ecam_rejected: the first such reason, or NULL. */
const char *pci_ecam_problem(unsigned i);
const char *pci_ecam_rejected(void);
struct mcfg_entry;
struct mmap_entry;
/* pci_mcfg.c: 0 when the MCFG allocation m can be used for ECAM: bus range
 * in order, base nonzero, 1 MiB-aligned, canonical, its window inside
 * phys_bits (CPUID 0x80000008; 0: unknown, 36 assumed) and clear of the RAM
 * in map; else -EINVAL with the reason in why. */
int pci_mcfg_check(const struct mcfg_entry *m, unsigned phys_bits, const struct mmap_entry *map,
		   unsigned n, char *why, size_t whysz);

/* Segment 0 through ports 0xCF8/0xCFC, whatever the MCFG says (off < 256). */
uint32_t pci_port_read32(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off);
uint8_t pci_read8(const struct pci_dev *d, unsigned off);
uint16_t pci_read16(const struct pci_dev *d, unsigned off);
uint32_t pci_read32(const struct pci_dev *d, unsigned off);
void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v);
void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v);

/* Turn on memory and/or I/O decoding and bus mastering (PCI_COMMAND bits). */
void pci_enable(struct pci_dev *d, uint16_t command_bits);
/* Bus mastering off: the device can no longer reach memory, whatever it
 * still has in flight (a driver leaving a device that stopped answering). */
void pci_stop_dma(struct pci_dev *d);
/* Offset of the first capability with this ID at or after start (0 = from
 * the list head), or 0 when absent. */
unsigned pci_find_cap(const struct pci_dev *d, uint8_t id, unsigned start);
/* The MMIO address of a memory BAR (already mapped uncached), or 0. */
uint64_t pci_bar_mmio(const struct pci_dev *d, unsigned bar);

/* Give d one interrupt that calls fn(arg) on the boot core, with
 * interrupts off: MSI-X (table entry 0; the others stay masked), else MSI
 * (one message), else INTx through the I/O APIC or the 8259s (level, and
 * shared: fn must check that its device raised it and clear the cause
 * before it returns). 0, or a negative code with why; the driver then
 * polls. Called while drivers probe, on the boot core. */
int pci_irq_enable(struct pci_dev *d, irq_handler_t fn, void *arg, char *why, size_t whysz);
/* Stop d's interrupt and free its vector (a driver leaving its device). */
void pci_irq_disable(struct pci_dev *d);
/* "msi-x", "msi", "intx" or "none". */
const char *pci_irq_kind_name(unsigned kind);

/* A copy of d's configuration space (PCI_CFG_SIZE bytes of room): 4 KiB
 * through ECAM, else 256 bytes; its length. */
size_t pci_copy_config(const struct pci_dev *d, uint8_t *buf);

/* pcie_caps.c: decoders over a copy of a function's configuration space
 * (cfg, len bytes: 256 through ports, 4096 through ECAM). Lines of text go
 * to fn, without indentation or newline. */
#define PCI_CFG_SIZE 4096
#define PCIE_TYPE_ENDPOINT 0      /* device/port types (PCIe Base 5.0 7.5.3.2) */
#define PCIE_TYPE_LEGACY_ENDPOINT 1
#define PCIE_TYPE_ROOT_PORT 4
#define PCIE_TYPE_UPSTREAM 5
#define PCIE_TYPE_DOWNSTREAM 6
#define PCIE_TYPE_PCIE_TO_PCI 7
#define PCIE_TYPE_RC_ENDPOINT 9
#define PCIE_TYPE_RC_EVENT_COLLECTOR 10
typedef void (*pcie_line_fn)(void *ctx, const char *line);
struct pcie_link {
	uint8_t type;                 /* device/port type (PCIe Base 5.0 7.5.3.2) */
	uint8_t max_speed, max_width; /* Link Capabilities: speed encoding 1 = 2.5 GT/s .. 5 = 32 GT/s */
	uint8_t speed, width;         /* Link Status; width 0: the link is down */
	uint8_t speeds;               /* Link Capabilities 2 vector: bit n-1 for speed n; 0 when absent */
	uint8_t dll_active;
};
/* Offset of the PCI Express capability, or 0. */
unsigned pcie_find_cap(const uint8_t *cfg, size_t len);
/* Offset of extended capability id (0x100 on), or 0; its version too. */
unsigned pcie_find_ext_cap(const uint8_t *cfg, size_t len, uint16_t id, unsigned *version);
/* 0 and the link registers, or -1 without a PCI Express capability. */
int pcie_link_info(const uint8_t *cfg, size_t len, struct pcie_link *l);
const char *pcie_speed_name(unsigned speed);
const char *pcie_port_type_name(unsigned type);
/* Type, device capabilities and control, link (against the other end's
 * copy peer, NULL when unknown), slot, AER and ACS; nothing without a PCI
 * Express capability. */
void pcie_describe(const uint8_t *cfg, size_t len, const uint8_t *peer, size_t peer_len, pcie_line_fn fn, void *ctx);

/* pci_tree.c: the tree of buses as `lspci -tv` draws it, one line at a time. */
struct pci_tree_node {
	uint8_t bus, dev, fn, bridge, secondary, subordinate;
	const char *label;            /* after a function that is not a bridge; NULL: none */
};
void pci_tree_draw(const struct pci_tree_node *nodes, unsigned count, uint16_t seg, pcie_line_fn fn, void *ctx);

const char *pci_class_name(uint8_t class_code, uint8_t subclass, uint8_t prog_if);
const char *pci_vendor_name(uint16_t vendor);

#endif
