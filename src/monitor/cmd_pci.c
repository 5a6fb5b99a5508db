/* cmd_pci.c: pci (every function found: address, IDs, class, vendor,
 * driver) and pci B:D.F (header, BARs with sizes, IRQ, capabilities).
 * QEMU: any -device; -device pcie-root-port and pci-bridge add buses. */
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "monitor.h"
#include "parse.h"
#include "pci.h"
#include "string.h"

static void pci_print_row(const struct pci_dev *d)
{
	kprintf("%02x:%02x.%x  %04x:%04x  %02x%02x%02x  %-30s %-18s %s\n", d->bus, d->dev, d->fn, d->vendor,
		d->device, d->class_code, d->subclass, d->prog_if,
		pci_class_name(d->class_code, d->subclass, d->prog_if), pci_vendor_name(d->vendor),
		d->driver ? pci_driver_name(d) : "-");
}

/* "[SEG:]BB:DD.F" in hex. */
static int pci_parse_bdf(const char *s, uint16_t *seg, uint8_t *bus, uint8_t *dev, uint8_t *fn)
{
	uint64_t v[4];
	char part[8];
	int n = 0;

	for (const char *p = s; n < 4;) {
		size_t len = 0;

		while (p[len] && p[len] != ':' && p[len] != '.')
			len++;
		if (!len || len >= sizeof(part))
			return -EINVAL;
		memcpy(part, p, len);
		part[len] = 0;
		if (parse_u64(part, 1, &v[n++]))
			return -EINVAL;
		if (!p[len])
			break;
		if (p[len] == '.' && p[len + 1] && !strchr(p + len + 1, ':') && !strchr(p + len + 1, '.')) {
			p += len + 1;
			continue;
		}
		if (p[len] != ':')
			return -EINVAL;
		p += len + 1;
	}
	if (n < 3 || !strchr(s, '.'))
		return -EINVAL;
	*seg = n == 4 ? (uint16_t)v[0] : 0;
	*bus = (uint8_t)v[n - 3], *dev = (uint8_t)v[n - 2], *fn = (uint8_t)v[n - 1];
	if ((n == 4 && v[0] > 0xFFFF) || v[n - 3] > 0xFF || v[n - 2] > 31 || v[n - 1] > 7)
		return -ERANGE;
	return 0;
}

static void pci_print_size(uint64_t size)
{
	if (size >= GiB && !(size % GiB))
		kprintf("%llu GiB", (unsigned long long)(size / GiB));
	else if (size >= MiB && !(size % MiB))
		kprintf("%llu MiB", (unsigned long long)(size / MiB));
	else if (size >= KiB && !(size % KiB))
		kprintf("%llu KiB", (unsigned long long)(size / KiB));
	else
		kprintf("%llu B", (unsigned long long)size);
}

static void pci_print_bars(const struct pci_dev *d)
{
	for (unsigned i = 0; i < 6; i++) {
		const struct pci_bar *b = &d->bar[i];

		if (!b->size)
			continue;
		kprintf("  BAR%u: %s %016llx size ", i, b->io ? "I/O   " : b->is64 ? "mem64 " : "mem32 ",
			(unsigned long long)b->addr);
		pci_print_size(b->size);
		kprintf("%s\n", b->prefetch ? ", prefetchable" : "");
	}
}

static void pci_print_cap(const struct pci_dev *d, unsigned off)
{
	uint8_t id = pci_read8(d, off);
	uint16_t ctl = pci_read16(d, off + 2);

	kprintf("  cap %02x at %02x: ", id, off);
	switch (id) {
	case PCI_CAP_PM: kprintf("power management, version %u\n", ctl & 7); break;
	case PCI_CAP_MSI: kprintf("MSI, %s, %u vector%s capable%s\n", ctl & 1 ? "enabled" : "disabled",
				  1u << ((ctl >> 1) & 7), PLURAL((ctl >> 1) & 7 ? 2 : 1), ctl & 0x80 ? ", 64-bit" : ""); break;
	case PCI_CAP_MSIX: kprintf("MSI-X, %s, %u vector%s\n", ctl & 0x8000 ? "enabled" : "disabled",
				   (ctl & 0x7FF) + 1, PLURAL((ctl & 0x7FF) + 1)); break;
	case PCI_CAP_VENDOR: kprintf("vendor-specific, %u byte%s\n", pci_read8(d, off + 2), PLURAL(pci_read8(d, off + 2))); break;
	case PCI_CAP_PCIE: {
		uint16_t lsta = pci_read16(d, off + 0x12);
		kprintf("PCI Express %s, link x%u gen %u\n", pcie_port_type_name((ctl >> 4) & 0xF),
			(lsta >> 4) & 0x3F, lsta & 0xF);
		break;
	}
	case 0x0C: kprintf("Standard Hot-Plug Controller\n"); break;
	case 0x0D: kprintf("bridge subsystem ID\n"); break;
	case 0x12: kprintf("SATA index/data pair\n"); break;
	case 0x13: kprintf("advanced features\n"); break;
	default: kprintf("unknown\n"); break;
	}
}

static void pci_print_caps(const struct pci_dev *d)
{
	unsigned off;
	int n = 0;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return;
	for (off = pci_read8(d, PCI_CAP_PTR); off >= 0x40 && n < 48; n++) {
		off &= 0xFC;
		pci_print_cap(d, off);
		off = pci_read8(d, off + 1);
	}
}

static uint8_t cfg_copy[PCI_CFG_SIZE], peer_copy[PCI_CFG_SIZE];

/* The other end of d's link: the function 0 below a downstream port (root
 * or switch), the bridge above an upstream port or endpoint; NULL if none. */
static const struct pci_dev *pci_link_peer(const struct pci_dev *d, unsigned type)
{
	if (type == PCIE_TYPE_ROOT_PORT || type == PCIE_TYPE_DOWNSTREAM)
		return (d->header_type & 0x7F) == 1 && d->secondary_bus > d->bus ?
		       pci_find_bdf(d->seg, d->secondary_bus, 0, 0) : NULL;
	if (type != PCIE_TYPE_ENDPOINT && type != PCIE_TYPE_LEGACY_ENDPOINT && type != PCIE_TYPE_UPSTREAM &&
	    type != PCIE_TYPE_PCIE_TO_PCI)
		return NULL; /* no link (root complex integrated), or none going up */
	for (unsigned i = 0; i < pci_count(); i++) {
		const struct pci_dev *b = pci_get(i);

		if ((b->header_type & 0x7F) == 1 && b->seg == d->seg && b->secondary_bus == d->bus && d->bus > b->bus)
			return b;
	}
	return NULL;
}

static void pci_print_line(void *ctx, const char *line)
{
	kprintf("%s%s\n", (const char *)ctx, line);
}

/* The PCI Express capability and extended capabilities, decoded. */
static void pci_print_pcie(const struct pci_dev *d)
{
	size_t len = pci_copy_config(d, cfg_copy), plen = 0;
	struct pcie_link l;
	const struct pci_dev *peer;

	if (pcie_link_info(cfg_copy, len, &l))
		return;
	peer = pci_link_peer(d, l.type);
	if (peer) {
		plen = pci_copy_config(peer, peer_copy);
		kprintf("  other end of the link: %02x:%02x.%x\n", peer->bus, peer->dev, peer->fn);
	}
	pcie_describe(cfg_copy, len, plen ? peer_copy : NULL, plen, pci_print_line, "  ");
}

static void pci_print_detail(const struct pci_dev *d)
{
	pci_print_row(d);
	kprintf("  %s, %s; revision %02x, header type %02x%s\n", pci_vendor_name(d->vendor),
		pci_class_name(d->class_code, d->subclass, d->prog_if), d->revision, d->header_type & 0x7F,
		d->header_type & 0x80 ? " (multi-function)" : "");
	kprintf("  command %04x, status %04x", pci_read16(d, PCI_COMMAND), pci_read16(d, PCI_STATUS));
	if ((d->header_type & 0x7F) == 0)
		kprintf(", subsystem %04x:%04x", d->subsys_vendor, d->subsys_device);
	kprintf("\n  IRQ line %u, pin %c", d->irq_line, d->irq_pin ? 'A' + d->irq_pin - 1 : '-');
	if (d->irq_kind != PCI_IRQ_NONE)
		kprintf("; interrupts by %s, vector %02x", pci_irq_kind_name(d->irq_kind), d->irq_vector);
	kprintf("\n");
	if ((d->header_type & 0x7F) == 1)
		kprintf("  bridge: secondary bus %02x, subordinate bus %02x\n", d->secondary_bus, d->subordinate_bus);
	pci_print_bars(d);
	pci_print_caps(d);
	pci_print_pcie(d);
	kprintf("  driver: %s", d->driver ? pci_driver_name(d) : "none");
	if (!d->driver && d->probe_err)
		kprintf(" (probe failed: %s)", error_str(d->probe_err));
	kprintf("\n");
}

static int pci_print_tree(void)
{
	static struct pci_tree_node nodes[PCI_MAX_DEVICES];
	static char labels[PCI_MAX_DEVICES][56];
	unsigned n = pci_count();

	for (unsigned i = 0; i < n; i++) {
		const struct pci_dev *d = pci_get(i);

		ksnprintf(labels[i], sizeof(labels[i]), "%s %s", pci_vendor_name(d->vendor),
			  pci_class_name(d->class_code, d->subclass, d->prog_if));
		nodes[i] = (struct pci_tree_node){ .bus = d->bus, .dev = d->dev, .fn = d->fn,
			.bridge = (d->header_type & 0x7F) == 1, .secondary = d->secondary_bus,
			.subordinate = d->subordinate_bus, .label = labels[i] };
	}
	pci_tree_draw(nodes, n, 0, pci_print_line, "");
	return 0;
}

static int cmd_pci(int argc, char **argv)
{
	uint16_t seg;
	uint8_t bus, dev, fn;
	const struct pci_dev *d;

	if (argc == 1) {
		kprintf("B:D.F    VEN:DEV    CLASS   %-30s %-18s DRIVER\n", "KIND", "VENDOR");
		for (unsigned i = 0; i < pci_count(); i++)
			pci_print_row(pci_get(i));
		kprintf("%u functions, configuration through %s", pci_count(), pci_access_method());
		if (pci_ecam_rejected())
			kprintf(" (MCFG not used: %s)", pci_ecam_rejected());
		kprintf("\n");
		return 0;
	}
	if (!strcmp(argv[1], "-t"))
		return pci_print_tree();
	if (pci_parse_bdf(argv[1], &seg, &bus, &dev, &fn))
		return cmd_error("pci: bad address '%s' (expected BB:DD.F in hex)", argv[1]);
	d = pci_find_bdf(seg, bus, dev, fn);
	if (!d)
		return cmd_error("pci: no device at %s", argv[1]);
	pci_print_detail(d);
	return 0;
}

CMD(pci, .name = "pci", .usage = "pci [-t | B:D.F]",
    .summary = "list PCI devices (address, IDs, class, vendor, driver); the tree; details of one",
    .help = "B:D.F is bus:device.function in hex, optionally with a segment: 0000:00:1f.2\n"
	    "-t draws the tree of buses and bridges as lspci -tv does. The details of a\n"
	    "PCI Express function add its link (speed and width, against the other end),\n"
	    "slot, device control, AER and ACS.\n"
	    "examples:\n  pci\n  pci -t\n  pci 00:1f.2",
    .min_args = 0, .max_args = 1, .fn = cmd_pci);
