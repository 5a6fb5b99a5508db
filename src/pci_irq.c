/* pci_irq.c: a PCI device's interrupt: MSI-X, MSI or INTx, whichever it
 * has (PCI Local Bus 3.0 6.8, PCIe Base 4.0 7.7; Intel SDM vol. 3A 11.11
 * for the message address and data). QEMU: virtio-*-pci and nvme (MSI-X),
 * ich9-ahci (MSI), e1000 and rtl8139 (INTx). */
#include "apic.h"
#include "console.h"
#include "errno.h"
#include "irq.h"
#include "mmio.h"
#include "pci.h"
#include "x86.h"

/* MSI capability (PCI 3.0 6.8.1) */
#define MSI_CTRL 0x02
#define  MSI_CTRL_ENABLE 0x0001
#define  MSI_CTRL_MME_MASK 0x0070   /* messages enabled: 1 << field */
#define  MSI_CTRL_64BIT 0x0080
#define MSI_ADDR_LO 0x04
#define MSI_ADDR_HI 0x08
#define MSI_DATA_32 0x08            /* data after a 32-bit address */
#define MSI_DATA_64 0x0C

/* MSI-X capability (PCI 3.0 6.8.2) */
#define MSIX_CTRL 0x02
#define  MSIX_CTRL_SIZE_MASK 0x07FF /* table size - 1 */
#define  MSIX_CTRL_FUNC_MASK 0x4000
#define  MSIX_CTRL_ENABLE 0x8000
#define MSIX_TABLE 0x04             /* offset | BAR indicator */
#define  MSIX_BIR_MASK 0x7
#define MSIX_ENTRY_SIZE 16
#define MSIX_ENTRY_ADDR_LO 0x0
#define MSIX_ENTRY_ADDR_HI 0x4
#define MSIX_ENTRY_DATA 0x8
#define MSIX_ENTRY_CTRL 0xC
#define  MSIX_ENTRY_MASKED 0x1

/* The message: fixed delivery, edge, physical destination (SDM 11.11.1-2). */
#define MSI_ADDR_BASE 0xFEE00000u
#define MSI_ADDR_DEST_SHIFT 12

/* INTx lines are shared: each line's vector runs every handler on it. */
#define INTX_LINES 16
#define INTX_PER_LINE 8

struct intx_line {
	int vector;   /* 0: not routed yet */
	uint32_t gsi; /* its I/O APIC input (when there is one) */
	unsigned count;
	struct { irq_handler_t fn; void *arg; struct pci_dev *dev; } h[INTX_PER_LINE];
};

static struct intx_line intx[INTX_LINES];

const char *pci_irq_kind_name(unsigned kind)
{
	static const char *const names[] = { "none", "intx", "msi", "msi-x" };

	return kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

/* Messages go to the boot core, which runs this (drivers probe there). An
 * APIC ID past 255 needs interrupt remapping, which Ingot does not set up. */
static int msi_message(uint32_t *addr, uint32_t *data)
{
	uint32_t id = apic_id();

	if (!apic_present() || id > 0xFF)
		return -ENODEV;
	*addr = MSI_ADDR_BASE | id << MSI_ADDR_DEST_SHIFT;
	*data = 0; /* the caller adds the vector */
	return 0;
}

static int pci_msix_enable(struct pci_dev *d, unsigned cap, uint8_t vector)
{
	uint16_t ctrl = pci_read16(d, cap + MSIX_CTRL);
	uint32_t table = pci_read32(d, cap + MSIX_TABLE), addr, data;
	uint64_t base = pci_bar_mmio(d, table & MSIX_BIR_MASK);
	unsigned entries = (ctrl & MSIX_CTRL_SIZE_MASK) + 1u;
	volatile uint8_t *e;

	if (!base || msi_message(&addr, &data) < 0)
		return -ENODEV;
	e = (volatile uint8_t *)(base + (table & ~(uint32_t)MSIX_BIR_MASK));
	/* Function mask on while the table changes: no message half-written. */
	pci_write16(d, cap + MSIX_CTRL, (uint16_t)(ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_FUNC_MASK));
	for (unsigned i = 1; i < entries; i++)
		mmio_write32(e + i * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL, MSIX_ENTRY_MASKED);
	mmio_write32(e + MSIX_ENTRY_ADDR_LO, addr);
	mmio_write32(e + MSIX_ENTRY_ADDR_HI, 0);
	mmio_write32(e + MSIX_ENTRY_DATA, data | vector);
	mmio_write32(e + MSIX_ENTRY_CTRL, 0);
	pci_write16(d, cap + MSIX_CTRL, (uint16_t)((ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_FUNC_MASK));
	return 0;
}

static int pci_msi_enable(struct pci_dev *d, unsigned cap, uint8_t vector)
{
	uint16_t ctrl = pci_read16(d, cap + MSI_CTRL);
	uint32_t addr, data;

	if (msi_message(&addr, &data) < 0)
		return -ENODEV;
	pci_write32(d, cap + MSI_ADDR_LO, addr);
	if (ctrl & MSI_CTRL_64BIT) {
		pci_write32(d, cap + MSI_ADDR_HI, 0);
		pci_write16(d, cap + MSI_DATA_64, (uint16_t)(data | vector));
	} else {
		pci_write16(d, cap + MSI_DATA_32, (uint16_t)(data | vector));
	}
	/* One message (MME 0): the device's other vectors fold onto it. */
	pci_write16(d, cap + MSI_CTRL, (uint16_t)((ctrl & ~MSI_CTRL_MME_MASK) | MSI_CTRL_ENABLE));
	return 0;
}

static void intx_dispatch(void *arg)
{
	struct intx_line *l = arg;

	for (unsigned i = 0; i < l->count; i++)
		l->h[i].fn(l->h[i].arg);
}

/* Route the line once (a vector through the I/O APIC, else the 8259 line
 * itself), then add fn to its handlers. */
static int pci_intx_enable(struct pci_dev *d, irq_handler_t fn, void *arg)
{
	unsigned line = d->irq_line;
	struct intx_line *l;
	uint64_t f;
	int err = 0;

	if (!d->irq_pin || line >= INTX_LINES)
		return -ENODEV;
	l = &intx[line];
	if (l->count == INTX_PER_LINE)
		return -ENOSPC;
	f = cpu_irq_save();
	l->h[l->count].fn = fn;
	l->h[l->count].arg = arg;
	l->h[l->count].dev = d;
	l->count++;
	if (!l->vector && ioapic_present()) {
		err = irq_alloc_vector(intx_dispatch, l);
		if (err >= 0) {
			l->vector = err;
			err = ioapic_route_pci(line, (uint8_t)l->vector, &l->gsi);
			if (err < 0) {
				irq_free_vector((unsigned)l->vector);
				l->vector = 0;
			}
		}
	} else if (!l->vector) {
		err = irq_register(line, intx_dispatch, l);
		if (!err)
			l->vector = IRQ_VECTOR_BASE + (int)line;
	}
	if (err < 0)
		l->count--;
	cpu_irq_restore(f);
	if (err >= 0)
		d->irq_vector = (uint8_t)l->vector;
	return err < 0 ? err : 0;
}

int pci_irq_enable(struct pci_dev *d, irq_handler_t fn, void *arg, char *why, size_t whysz)
{
	unsigned msix = pci_find_cap(d, PCI_CAP_MSIX, 0), msi = pci_find_cap(d, PCI_CAP_MSI, 0);
	int v, err = -ENODEV;

	if (msix || msi) {
		v = irq_alloc_vector(fn, arg);
		if (v < 0) {
			ksnprintf(why, whysz, "no free interrupt vector");
			return v;
		}
		err = msix ? pci_msix_enable(d, msix, (uint8_t)v) : pci_msi_enable(d, msi, (uint8_t)v);
		if (!err) {
			pci_enable(d, PCI_COMMAND_INTX_DISABLE);
			d->irq_kind = msix ? PCI_IRQ_MSIX : PCI_IRQ_MSI;
			d->irq_vector = (uint8_t)v;
			return 0;
		}
		irq_free_vector((unsigned)v);
	}
	err = pci_intx_enable(d, fn, arg);
	if (err < 0) {
		ksnprintf(why, whysz, d->irq_pin ? "interrupt line %u cannot be routed" : "no interrupt pin",
			  d->irq_line);
		return err;
	}
	d->irq_kind = PCI_IRQ_INTX;
	return 0;
}

void pci_irq_disable(struct pci_dev *d)
{
	unsigned cap;

	if (d->irq_kind == PCI_IRQ_MSIX && (cap = pci_find_cap(d, PCI_CAP_MSIX, 0)))
		pci_write16(d, cap + MSIX_CTRL, (uint16_t)(pci_read16(d, cap + MSIX_CTRL) & ~MSIX_CTRL_ENABLE));
	if (d->irq_kind == PCI_IRQ_MSI && (cap = pci_find_cap(d, PCI_CAP_MSI, 0)))
		pci_write16(d, cap + MSI_CTRL, (uint16_t)(pci_read16(d, cap + MSI_CTRL) & ~MSI_CTRL_ENABLE));
	if (d->irq_kind == PCI_IRQ_MSIX || d->irq_kind == PCI_IRQ_MSI)
		irq_free_vector(d->irq_vector);
	if (d->irq_kind == PCI_IRQ_INTX && d->irq_line < INTX_LINES) {
		struct intx_line *l = &intx[d->irq_line];
		uint64_t f = cpu_irq_save();

		for (unsigned i = 0; i < l->count; i++) {
			if (l->h[i].dev == d) {
				l->h[i] = l->h[--l->count];
				i--;
			}
		}
		/* A level line nobody handles would fire for ever: mask it. The
		 * 8259s' lines stay (irq_register has no way back). */
		if (!l->count && ioapic_present() && l->vector) {
			ioapic_mask_gsi(l->gsi);
			irq_free_vector((unsigned)l->vector);
			l->vector = 0;
		}
		cpu_irq_restore(f);
	}
	d->irq_kind = PCI_IRQ_NONE;
}
