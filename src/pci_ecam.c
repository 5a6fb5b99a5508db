/* pci_ecam.c: PCIe enhanced configuration access (PCIe Base 4.0 7.2.2) for
 * pci.c, through the windows the ACPI MCFG lists; left out of the tiny
 * profile, which configures through ports 0xCF8/0xCFC (the first 256 bytes
 * of each function). QEMU: -M q35 has ECAM, -M pc has none. */
#include "acpi.h"
#include "kernel.h"
#include "mm.h"
#include "pci.h"

static const struct mcfg_entry *ecam;
static unsigned ecam_count;

void pci_ecam_init(void)
{
	ecam_count = acpi_mcfg(&ecam);
	for (unsigned i = 0; i < ecam_count; i++)
		vm_map_mmio(ecam[i].base + ((uint64_t)ecam[i].bus_start << 20),
			    (uint64_t)(ecam[i].bus_end - ecam[i].bus_start + 1) << 20);
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
