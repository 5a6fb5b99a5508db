/* acpi_tiny.c: the tiny profile's ACPI (ACPI 6.5 5.2.5-5.2.9): the RSDP from
 * the loader's copy or the BIOS scan, the RSDT/XSDT, and from them only the
 * MADT (cores, I/O APICs) and the FADT with its DSDT's \_S5 (PM timer,
 * poweroff), parsed by acpi_tables.c. No table list (the acpi command), HPET
 * or MCFG: PCI uses ports 0xCF8/0xCFC, the clock the PM timer. QEMU: q35, pc. */
#include "acpi.h"
#include "bootinfo.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "string.h"

#define ACPI_TABLE_MAX_LEN (16u << 20) /* larger is a corrupt length, not a table */

struct acpi_rsdp {
	char sig[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt, length;
	uint64_t xsdt;
} __packed;

static uint64_t ebda_base;
static struct madt_info madt;
static struct fadt_info fadt;
static int have_madt, have_fadt, s5_status = -ENOENT;
static uint8_t s5_typa, s5_typb;

/* Signature and the ACPI 1.0 checksum over 20 bytes; the XSDT is used only
 * when the extended checksum holds too (returns 2, else 1; 0: no RSDP). */
static int rsdp_check(const struct acpi_rsdp *r)
{
	if (memcmp(r->sig, "RSD PTR ", 8) || acpi_sum(r, 20))
		return 0;
	return r->revision >= 2 && r->length == 36 && !acpi_sum(r, r->length) &&
	       r->xsdt ? 2 : 1;
}

static const struct acpi_rsdp *rsdp_scan(uint64_t start, uint64_t len)
{
	for (uint64_t a = start; a < start + len; a += 16)
		if (rsdp_check((const struct acpi_rsdp *)a))
			return (const struct acpi_rsdp *)a;
	return NULL;
}

/* Page 0 is unmapped once mm_init runs: read the EBDA pointer before (the
 * barrier keeps gcc from treating the fixed address as out of bounds). */
void acpi_early(void)
{
	const volatile uint16_t *p = (const volatile uint16_t *)0x40E;

	__asm__("" : "+r"(p));
	ebda_base = (uint64_t)*p << 4;
}

static const struct acpi_rsdp *rsdp_find(void)
{
	const struct acpi_rsdp *r = (const struct acpi_rsdp *)boot_info.rsdp;

	if (boot_info.rsdp_version && rsdp_check(r))
		return r;
	if (boot_info.efi64)
		return NULL; /* no legacy BIOS areas to scan under UEFI */
	r = ebda_base >= 0x80000 && ebda_base < 0xA0000 ? rsdp_scan(ebda_base, 1024) : NULL;
	return r ? r : rsdp_scan(0xE0000, 0x20000 - 16);
}

/* A table with a good checksum, mapped (above 4 GiB page by page, read
 * only; below, mm_init mapped it all but page 0), else NULL. */
static const struct acpi_header *acpi_get(uint64_t addr)
{
	const struct acpi_header *h = (const struct acpi_header *)addr;
	uint64_t bad;

	for (int pass = 0; pass < 2; pass++) {
		uint64_t len = pass ? h->length : sizeof(*h);

		if (pass && (len < sizeof(*h) || len > ACPI_TABLE_MAX_LEN))
			return NULL;
		for (uint64_t pg = ALIGN_DOWN(addr, PAGE_SIZE); pg < addr + len; pg += PAGE_SIZE)
			if (pg >= 4 * GiB && vm_query(pg, NULL) != 0 && vm_map(pg, PAGE_SIZE, 0) < 0)
				return NULL;
		if (!addr || !vm_canonical(addr + len - 1) || vm_check_range(addr, len, 0, &bad) < 0)
			return NULL;
	}
	return acpi_checksum_ok(h, h->length) ? h : NULL;
}

static void acpi_take(const struct acpi_header *h)
{
	if (!memcmp(h->sig, "APIC", 4) && !have_madt)
		have_madt = !acpi_parse_madt(h, h->length, &madt);
	if (!memcmp(h->sig, "FACP", 4) && !have_fadt)
		have_fadt = !acpi_parse_fadt(h, h->length, &fadt);
}

void acpi_init(void)
{
	const struct acpi_rsdp *r = rsdp_find();
	const struct acpi_header *root, *d;
	int wide = r && rsdp_check(r) == 2;

	root = r ? acpi_get(wide ? r->xsdt : r->rsdt) : NULL;
	if (!root && wide)
		root = acpi_get(r->rsdt), wide = 0; /* a damaged XSDT: the RSDT lists the same */
	for (size_t i = 0, size = wide ? 8 : 4; root && i < (root->length - sizeof(*root)) / size; i++) {
		uint64_t addr = 0;
		const struct acpi_header *h;

		memcpy(&addr, (const uint8_t *)(root + 1) + i * size, size); /* not aligned */
		if ((h = acpi_get(addr)))
			acpi_take(h);
	}
	if (have_fadt && fadt.dsdt && (d = acpi_get(fadt.dsdt)))
		s5_status = acpi_find_s5(d + 1, d->length - sizeof(*d), &s5_typa, &s5_typb);
	/* The machine still runs on less: say so once (-M pc,acpi=off). */
	if (!have_madt)
		console_report_error("acpi: no valid MADT: only the boot core runs");
	if (!have_fadt)
		console_report_error("acpi: no valid FADT: poweroff cannot switch off");
}

const struct madt_info *acpi_madt(void)
{
	return have_madt ? &madt : NULL;
}

const struct fadt_info *acpi_fadt(void)
{
	return have_fadt ? &fadt : NULL;
}

int acpi_s5(uint8_t *slp_typa, uint8_t *slp_typb)
{
	*slp_typa = s5_typa;
	*slp_typb = s5_typb;
	return s5_status;
}

int acpi_may_have_8042(void)
{
	return !have_fadt || (!(fadt.flags & FADT_FLAG_HW_REDUCED) &&
			      (!fadt.boot_arch_valid || (fadt.iapc_boot_arch & FADT_BOOT_ARCH_8042)));
}
