/* test_pcie.c: host tests of src/pcie_caps.c (the PCI Express capability's
 * device, link and slot registers, AER and ACS, on configuration spaces
 * built here: a root port and the endpoint behind it, a link trained below
 * what both ends do, capability lists that loop or run off the end) and of
 * src/pci_tree.c (the lspci -tv shape of a tree with a switch). */
/* sources: src/pcie_caps.c src/pci_tree.c src/format.c */
#include <stdint.h>
#include <stdlib.h>
#include "pci.h"
#include "unit.h"

static uint8_t dev[PCI_CFG_SIZE], port[PCI_CFG_SIZE];
static char out[8192];

static void put16(uint8_t *c, unsigned off, uint16_t v) { c[off] = (uint8_t)v; c[off + 1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *c, unsigned off, uint32_t v) { put16(c, off, (uint16_t)v); put16(c, off + 2, (uint16_t)(v >> 16)); }

static void collect(void *ctx, const char *line)
{
	size_t n = strlen(out);

	(void)ctx;
	snprintf(out + n, sizeof(out) - n, "%s\n", line);
}

/* include/string.h (the kernel's) has no strstr */
static int contains(const char *part)
{
	for (const char *s = out; *s; s++)
		if (!strncmp(s, part, strlen(part)))
			return 1;
	return 0;
}

static int has(const char *part)
{
	if (contains(part))
		return 1;
	printf("  (no \"%s\" in:\n%s)\n", part, out);
	return 0;
}

/* A function with a PCI Express capability of this type at 0x40 (after a
 * power management one at 0x60 first in the list), version 2. */
static void build(uint8_t *c, unsigned type, uint32_t lnkcap, uint16_t lnksta, uint32_t lnkcap2)
{
	memset(c, 0, PCI_CFG_SIZE);
	put16(c, PCI_STATUS, PCI_STATUS_CAP_LIST);
	c[PCI_CAP_PTR] = 0x60;
	c[0x60] = PCI_CAP_PM, c[0x61] = 0x40;
	c[0x40] = PCI_CAP_PCIE, c[0x41] = 0;
	put16(c, 0x42, (uint16_t)(2 | type << 4));
	put32(c, 0x40 + 0x04, 0x10000002);                 /* MPS 512, FLR */
	put16(c, 0x40 + 0x08, 0x2000 | 0x0020 | 0x0010 | 0x0800 | 0x0005); /* MRRS 512, MPS 256, RO, NS, CERE FERE */
	put16(c, 0x40 + 0x0A, 0x0001);                     /* a correctable error detected */
	put32(c, 0x40 + 0x0C, lnkcap);
	put16(c, 0x40 + 0x12, lnksta);
	put32(c, 0x40 + 0x2C, lnkcap2);
}

static void test_endpoint(void)
{
	struct pcie_link l;

	/* Endpoint: 16 GT/s x8 capable, trained at 8 GT/s x4; the port above
	 * does 8 GT/s x4 at most: the link is as good as both ends do. */
	build(dev, 0, 4 | 8 << 4, 3 | 4 << 4, 0x1E);
	build(port, 4, 3 | 4 << 4 | 7u << 24, 3 | 4 << 4, 0x0E);
	CHECK("find_cap", pcie_find_cap(dev, sizeof(dev)) == 0x40);
	CHECK("link_info", pcie_link_info(dev, sizeof(dev), &l) == 0 && l.type == 0 && l.max_speed == 4 &&
	      l.max_width == 8 && l.speed == 3 && l.width == 4 && l.speeds == 0xF);
	out[0] = 0;
	pcie_describe(dev, sizeof(dev), port, sizeof(port), collect, NULL);
	CHECK("type", has("PCIe: endpoint, capability version 2\n"));
	CHECK("devctl", has("device: max payload 256 bytes (supports 512 bytes), max read request 512 bytes; "
			    "relaxed ordering on, no-snoop on; FLR\n"));
	CHECK("errors", has("device errors: reporting correctable fatal; detected correctable\n"));
	CHECK("lnkcap", has("link capable: 16 GT/s x8, port 0; speeds 2.5 5 8 16 GT/s\n"));
	CHECK("full", has("link status: 8 GT/s x4 (both ends do 8 GT/s x4)\n"));
	CHECK("no_slot", !contains("slot:"));
	/* Trained at 2.5 GT/s x1 where both do 8 GT/s x4. */
	put16(dev, 0x40 + 0x12, 1 | 1 << 4);
	out[0] = 0;
	pcie_describe(dev, sizeof(dev), port, sizeof(port), collect, NULL);
	CHECK("downgraded", has("link status: 2.5 GT/s x1 (downgraded: both ends do 8 GT/s x4)\n"));
	/* Width alone. */
	put16(dev, 0x40 + 0x12, 3 | 2 << 4);
	out[0] = 0;
	pcie_describe(dev, sizeof(dev), port, sizeof(port), collect, NULL);
	CHECK("narrower", has("link status: 8 GT/s x2 (downgraded: both ends do 8 GT/s x4)\n"));
	/* No other end known: no verdict. */
	out[0] = 0;
	pcie_describe(dev, sizeof(dev), NULL, 0, collect, NULL);
	CHECK("no_peer", has("link status: 8 GT/s x2\n"));
	/* The other end does not report its link (QEMU's xio3130-downstream). */
	put32(port, 0x40 + 0x0C, 0);
	out[0] = 0;
	pcie_describe(dev, sizeof(dev), port, sizeof(port), collect, NULL);
	CHECK("peer_unknown", has("link status: 8 GT/s x2\n"));
}

static void test_port(void)
{
	/* Root port with slot 5 (hot-plug, surprise, power controller, 25 W),
	 * a card present, link down; AER at 100, ACS at 148. */
	build(port, 4, 5 | 16 << 4 | 2u << 24, 0, 0x3E);
	put16(port, 0x42, 2 | 4 << 4 | 0x0100);
	put32(port, 0x40 + 0x14, 0x62 | 25u << 7 | 5u << 19);
	put16(port, 0x40 + 0x1A, 0x0040);
	put32(port, 0x100, 0x0001 | 2 << 16 | 0x148u << 20);
	put32(port, 0x104, 1u << 14 | 1u << 20);             /* status: completion timeout, UR */
	put32(port, 0x108, 1u << 19);                        /* mask: ECRC */
	put32(port, 0x10C, 1u << 4 | 1u << 5 | 1u << 18 | 1u << 30); /* severity, bit 30 reserved */
	put32(port, 0x110, 1u << 0 | 1u << 12);
	put32(port, 0x114, 1u << 13);
	put32(port, 0x148, 0x000D | 1 << 16);
	put16(port, 0x14C, 0x5F);
	put16(port, 0x14E, 0x1D);
	out[0] = 0;
	pcie_describe(port, sizeof(port), NULL, 0, collect, NULL);
	CHECK("rp_type", has("PCIe: root port, capability version 2\n"));
	CHECK("rp_lnkcap", has("link capable: 32 GT/s x16, port 2; speeds 2.5 5 8 16 32 GT/s\n"));
	CHECK("rp_down", has("link status: down\n"));
	CHECK("slot", has("slot: physical slot 5, hot-plug capable (surprise), power limit 25 W, power controller; "
			  "presence detect set (card present)\n"));
	CHECK("aer", has("ext cap 0001 at 100: advanced error reporting, version 2\n"));
	CHECK("aer_ustatus", has("  uncorrectable status:   CmplTimeout UnsupReq\n"));
	CHECK("aer_umask", has("  uncorrectable mask:     ECRC\n"));
	CHECK("aer_sev", has("  uncorrectable severity: DLP SurpriseDown MalformedTLP bit30 (fatal; the others non-fatal)\n"));
	CHECK("aer_cstatus", has("  correctable status:     RxErr ReplayTimeout\n"));
	CHECK("aer_cmask", has("  correctable mask:       AdvNonFatal\n"));
	CHECK("acs", has("ext cap 000d at 148: access control services, version 1; capable SrcValid TransBlk "
			 "ReqRedir CmplRedir UpstreamFwd DirectTrans; enabled SrcValid ReqRedir CmplRedir UpstreamFwd\n"));
	/* Slot power: 0.1 W scale, and the 250-300 W codes. */
	put32(port, 0x40 + 0x14, 0x40 | 15u << 7 | 1u << 15);
	out[0] = 0;
	pcie_describe(port, sizeof(port), NULL, 0, collect, NULL);
	CHECK("slot_power_scale", !contains("no hot-plug") && has("power limit 1.500 W; presence detect set"));
	put32(port, 0x40 + 0x14, 0xF1u << 7);
	out[0] = 0;
	pcie_describe(port, sizeof(port), NULL, 0, collect, NULL);
	CHECK("slot_power_275", has("slot: physical slot 0, no hot-plug, power limit 275 W;"));
}

static void test_bad_lists(void)
{
	struct pcie_link l;

	/* A capability list that points at itself, and one that leaves the copy. */
	memset(dev, 0, sizeof(dev));
	put16(dev, PCI_STATUS, PCI_STATUS_CAP_LIST);
	dev[PCI_CAP_PTR] = 0x50, dev[0x50] = PCI_CAP_PM, dev[0x51] = 0x50;
	CHECK("cap_loop", pcie_find_cap(dev, sizeof(dev)) == 0 && pcie_link_info(dev, sizeof(dev), &l) == -1);
	dev[0x51] = 0xF0, dev[0xF0] = PCI_CAP_PCIE;
	CHECK("cap_past_copy", pcie_find_cap(dev, 0x100) == 0);
	CHECK("cap_fits_4k", pcie_find_cap(dev, sizeof(dev)) == 0xF0);
	/* Extended capabilities that loop, or point below 0x100. */
	build(dev, 0, 0, 0, 0);
	put32(dev, 0x100, 0x0003 | 1 << 16 | 0x100u << 20);
	CHECK("ext_loop", pcie_find_ext_cap(dev, sizeof(dev), 0x0001, NULL) == 0);
	put32(dev, 0x100, 0x0003 | 1 << 16 | 0x040u << 20);
	CHECK("ext_below", pcie_find_ext_cap(dev, sizeof(dev), 0x0001, NULL) == 0);
	put32(dev, 0x100, 0x0003 | 1 << 16 | 0xFFCu << 20);
	put32(dev, 0xFFC, 0x0001 | 1 << 16);
	CHECK("ext_last_dword", pcie_find_ext_cap(dev, sizeof(dev), 0x0001, NULL) == 0xFFC);
	out[0] = 0;
	pcie_describe(dev, sizeof(dev), NULL, 0, collect, NULL);
	CHECK("aer_cut_short", has("ext cap 0001 at ffc") && !contains("uncorrectable status"));
	/* Through ports: 256 bytes, no extended capabilities read. */
	out[0] = 0;
	pcie_describe(dev, 256, NULL, 0, collect, NULL);
	CHECK("ports_no_ext", has("PCIe: endpoint") && !contains("ext cap"));
	CHECK("not_reported", has("link capable: not reported, port 0\n"));
	/* No capability list at all: nothing. */
	memset(dev, 0, sizeof(dev));
	out[0] = 0;
	pcie_describe(dev, sizeof(dev), NULL, 0, collect, NULL);
	CHECK("no_pcie", out[0] == 0);
}

static void test_tree(void)
{
	/* q35-like: host bridge, a root port with an NVMe disk, a root port
	 * with a switch (upstream 02:00.0, downstream 03:00.0 and 03:01.0, the
	 * first with a NIC, the second empty), a root port with no device, the
	 * ISA bridge. */
	static const struct pci_tree_node n[] = {
		{ 0, 0x00, 0, 0, 0, 0, "Intel host bridge" },
		{ 0, 0x02, 0, 1, 1, 1, NULL },
		{ 1, 0x00, 0, 0, 0, 0, "Red Hat (QEMU) NVMe controller" },
		{ 0, 0x03, 0, 1, 2, 5, NULL },
		{ 2, 0x00, 0, 1, 3, 5, NULL },
		{ 3, 0x00, 0, 1, 4, 4, NULL },
		{ 4, 0x00, 0, 0, 0, 0, "Intel Ethernet controller" },
		{ 3, 0x01, 0, 1, 5, 5, NULL },
		{ 0, 0x04, 0, 1, 6, 6, NULL },
		{ 0, 0x1f, 0, 0, 0, 0, "Intel ISA bridge" },
		{ 0, 0x1f, 3, 0, 0, 0, NULL },
	};
	const char *want =
		"-[0000:00]-+-00.0  Intel host bridge\n"
		"           +-02.0-[01]----00.0  Red Hat (QEMU) NVMe controller\n"
		"           +-03.0-[02-05]----00.0-[03-05]--+-00.0-[04]----00.0  Intel Ethernet controller\n"
		"           |                               \\-01.0-[05]--\n"
		"           +-04.0-[06]--\n"
		"           +-1f.0  Intel ISA bridge\n"
		"           \\-1f.3\n";
	/* A bridge naming its own bus as secondary: drawn, not followed. */
	static const struct pci_tree_node loop[] = { { 0, 0x01, 0, 1, 0, 0, NULL } };

	out[0] = 0;
	pci_tree_draw(n, sizeof(n) / sizeof(n[0]), 0, collect, NULL);
	CHECK_STR("tree", out, want);
	out[0] = 0;
	pci_tree_draw(n, 1, 0, collect, NULL);
	CHECK_STR("tree_one", out, "-[0000:00]---00.0  Intel host bridge\n");
	out[0] = 0;
	pci_tree_draw(n, 0, 0, collect, NULL);
	CHECK_STR("tree_empty", out, "-[0000:00]-\n");
	out[0] = 0;
	pci_tree_draw(loop, 1, 0, collect, NULL);
	CHECK_STR("tree_loop", out, "-[0000:00]---01.0-[00]--\n");
}

int main(void)
{
	test_endpoint();
	test_port();
	test_bad_lists();
	test_tree();
	return unit_exit();
}
