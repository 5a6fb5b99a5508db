/* pci_ecam.c: PCIe enhanced configuration access (PCIe Base 4.0 7.2.2) for
 * pci.c, through the windows the ACPI MCFG lists; left out of the tiny
 * profile, which configures through ports 0xCF8/0xCFC (the first 256 bytes
 * of each function). An allocation that does not hold up (pci_mcfg.c), or
 * whose window does not read 00:00.0 as the ports do, is reported and left
 * out: ports again. QEMU: -M q35 has ECAM, -M pc has
 * none; -M pc -acpitable sig=MCFG,file=... a made-up one. */
#include "acpi.h"
#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "pci.h"

#define ECAM_WHY_LEN 96

static struct mcfg_entry ecam[ACPI_MAX_MCFG];
static unsigned ecam_count;
static char ecam_why[ACPI_MAX_MCFG][ECAM_WHY_LEN];

/* A window over bus 0 of segment 0 must read the IDs of 00:00.0 that the
 * ports read (when they read any): else it is no ECAM (nothing there, or
 * something else), and configuring through it would find no devices. */
static int pci_ecam_answers(const struct mcfg_entry *m, char *why, size_t whysz)
{
	uint32_t port, mem;

	if (m->segment || m->bus_start)
		return 0;
	port = pci_port_read32(0, 0, 0, PCI_VENDOR_ID);
	mem = *(volatile uint32_t *)m->base;
	if (port == 0xFFFFFFFFu || port == mem)
		return 0;
	ksnprintf(why, whysz, "00:00.0 reads %04x:%04x there, %04x:%04x through the ports", mem & 0xFFFF, mem >> 16,
		  port & 0xFFFF, port >> 16);
	return -EIO;
}

static void pci_ecam_report(const struct mcfg_entry *m, const char *why)
{
	console_report_error("pci: MCFG segment %u buses %02x-%02x at %llx: %s; configuration through ports 0xCF8/0xCFC",
			     m->segment, m->bus_start, m->bus_end, (unsigned long long)m->base, why);
}

void pci_ecam_init(void)
{
	const struct mcfg_entry *m;
	unsigned n = acpi_mcfg(&m);
	unsigned bits = cpu_boot_info()->phys_bits;

	for (unsigned i = 0; i < n && i < ACPI_MAX_MCFG; i++) {
		if (pci_mcfg_check(&m[i], bits, boot_info.mmap, boot_info.mmap_count, ecam_why[i], ECAM_WHY_LEN)) {
			pci_ecam_report(&m[i], ecam_why[i]);
			continue;
		}
		if (vm_map_mmio(m[i].base + ((uint64_t)m[i].bus_start << 20),
				(uint64_t)(m[i].bus_end - m[i].bus_start + 1) << 20)) {
			ksnprintf(ecam_why[i], ECAM_WHY_LEN, "its window cannot be mapped");
			pci_ecam_report(&m[i], ecam_why[i]);
			continue;
		}
		if (pci_ecam_answers(&m[i], ecam_why[i], ECAM_WHY_LEN)) {
			pci_ecam_report(&m[i], ecam_why[i]);
			continue;
		}
		ecam[ecam_count++] = m[i];
	}
}

const char *pci_ecam_problem(unsigned i)
{
	return i < ACPI_MAX_MCFG && ecam_why[i][0] ? ecam_why[i] : NULL;
}

const char *pci_ecam_rejected(void)
{
	for (unsigned i = 0; i < ACPI_MAX_MCFG; i++)
		if (ecam_why[i][0])
			return ecam_why[i];
	return NULL;
}

const char *pci_access_method(void)
{
	return ecam_count ? "ECAM (MCFG)" : "ports 0xCF8/0xCFC";
}

/* ECAM address of a register, or NULL when no MCFG entry covers the bus. */
volatile uint8_t *pci_ecam_addr(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	for (unsigned i = 0; i < ecam_count; i++)
		if (ecam[i].segment == seg && bus >= ecam[i].bus_start && bus <= ecam[i].bus_end)
			return (volatile uint8_t *)(ecam[i].base + ((uint64_t)(bus - ecam[i].bus_start) << 20) +
						    ((uint64_t)dev << 15) + ((uint64_t)fn << 12) + off);
	return NULL;
}
