/* acpi.h: finding ACPI tables (ACPI 6.5, ch. 5.2): RSDP, RSDT/XSDT, and the
 * few facts the kernel needs early (core count from the MADT, the FADT's
 * PM1a control block for power-off). */
#ifndef INGOT_ACPI_H
#define INGOT_ACPI_H

#include <stdint.h>

struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision, creator_id, creator_revision;
} __attribute__((packed));

/* Before mm_init: note what only the boot mapping can reach (the BDA). */
void acpi_early(void);
void acpi_init(void);
/* The first table with this signature whose checksum is good, or NULL. */
const struct acpi_header *acpi_find(const char sig[4]);
/* Enabled (or online-capable) processors listed in the MADT; 0 if no MADT. */
unsigned acpi_cpu_count(void);
/* PM1a control port from the FADT, or 0. */
uint16_t acpi_pm1a_cnt(void);
uint64_t acpi_rsdp(void);

#endif
