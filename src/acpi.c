/* acpi.c: find the ACPI tables (ACPI 6.5 section 5.2.5: the RSDP from the
 * loader's copy or the EBDA and 0xE0000-0xFFFFF; RSDT/XSDT, FADT->DSDT and
 * FACS), list them with their checksums and keep the parsed facts. QEMU: pc
 * and q35 tables. */
#include "acpi.h"
#include "bootinfo.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "string.h"

/* acpi_numa.c: left out of the tiny profile. */
OPTIONAL(acpi_parse_srat);
OPTIONAL(acpi_parse_slit);

/* The first table with this signature whose checksum is good, or NULL. */
static const struct acpi_header *acpi_find(const char sig[4]);

#define ACPI_MAX_TABLES 64
#define ACPI_TABLE_MAX_LEN (16u << 20) /* larger is a corrupt length, not a table */
#define ACPI_LOW_LIMIT (4 * GiB)       /* mm_init maps all of it (but page 0) */
#define BIOS_AREA_START 0xE0000
#define BIOS_AREA_LEN 0x20000
#define EBDA_SCAN_LEN 1024

struct acpi_rsdp {
	char sig[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum, reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout (ACPI 5.2.5.3)");

/* What rsdp_check finds. */
#define RSDP_BAD 0
#define RSDP_V1 1   /* RSDT only */
#define RSDP_V2 2   /* XSDT usable too */

static uint64_t ebda_base;
static uint64_t rsdp_phys;
static int rsdp_from_loader; /* rsdp_phys is the copy's address, for now */
static int rsdp_rev = -1;
static char rsdp_oem_id[7];
static struct acpi_table_ref tables[ACPI_MAX_TABLES];
static unsigned table_count;

static struct madt_info madt;
static struct fadt_info fadt;
static struct hpet_info hpet;
static struct mcfg_entry mcfg[ACPI_MAX_MCFG];
static unsigned mcfg_count;
static struct facs_info facs;
static struct srat_info srat;
static struct slit_info slit;
static int have_madt, have_fadt, have_hpet, have_facs, have_srat, have_slit;
static int s5_status = -ENOENT;
static uint8_t s5_typa, s5_typb;

/* Signature and the ACPI 1.0 checksum over 20 bytes; for revision 2+ the
 * extended checksum over its length too (else only the RSDT is trusted). */
static int rsdp_check(const struct acpi_rsdp *r, size_t avail)
{
	if (memcmp(r->sig, "RSD PTR ", 8) || acpi_sum(r, 20))
		return RSDP_BAD;
	if (r->revision < 2 || r->length < sizeof(*r) || r->length > avail || acpi_sum(r, r->length))
		return RSDP_V1;
	return RSDP_V2;
}

/* Every 16-byte boundary in the range; a candidate must pass the checks,
 * a bare signature is not enough. */
static const struct acpi_rsdp *rsdp_scan(uint64_t start, uint64_t len)
{
	for (uint64_t a = start; a + sizeof(struct acpi_rsdp) <= start + len; a += 16)
		if (rsdp_check((const struct acpi_rsdp *)a, start + len - a) != RSDP_BAD)
			return (const struct acpi_rsdp *)a;
	return NULL;
}

/* The BIOS data area lies at a fixed low address; the barrier keeps gcc from
 * treating the constant pointer as an out-of-bounds object. */
static uint16_t bda_read16(uint64_t addr)
{
	const volatile uint16_t *p = (const volatile uint16_t *)addr;

	__asm__("" : "+r"(p));
	return *p;
}

/* Page 0 is unmapped once mm_init runs: read the EBDA pointer before. */
void acpi_early(void)
{
	ebda_base = (uint64_t)bda_read16(0x40E) << 4;
}

/* The firmware's own RSDP by the BIOS scan (EBDA first, then the BIOS area). */
static const struct acpi_rsdp *rsdp_bios_scan(void)
{
	const struct acpi_rsdp *r = NULL;

	if (boot_info.efi64)
		return NULL; /* no legacy BIOS areas to scan under UEFI */
	if (ebda_base >= 0x80000 && ebda_base < 0xA0000)
		r = rsdp_scan(ebda_base, EBDA_SCAN_LEN);
	return r ? r : rsdp_scan(BIOS_AREA_START, BIOS_AREA_LEN);
}

/* The loader's copy when good, else the BIOS scan. */
static const struct acpi_rsdp *rsdp_find(void)
{
	const struct acpi_rsdp *copy = (const struct acpi_rsdp *)boot_info.rsdp;
	const struct acpi_rsdp *r;

	if (boot_info.rsdp_version && rsdp_check(copy, sizeof(boot_info.rsdp)) != RSDP_BAD) {
		rsdp_phys = boot_info.rsdp_addr;
		rsdp_from_loader = 1;
		return copy;
	}
	r = rsdp_bios_scan();
	if (r)
		rsdp_phys = (uint64_t)r;
	return r;
}

/* Where the firmware's own RSDP lies when the loader gave a copy: the BIOS
 * scan, done on first use rather than at boot (it reads 128 KiB uncached). */
static void rsdp_locate_original(void)
{
	const struct acpi_rsdp *copy = (const struct acpi_rsdp *)boot_info.rsdp;
	const struct acpi_rsdp *r;

	rsdp_from_loader = 0;
	r = rsdp_bios_scan();
	if (r && r->rsdt == copy->rsdt && (copy->revision < 2 || r->xsdt == copy->xsdt))
		rsdp_phys = (uint64_t)r;
}

/* Make [addr, addr+len) readable. The low 4 GiB is mapped already (but for
 * page 0, which stays unmapped); above it, tables outside RAM get read-only
 * pages, one at a time so no existing mapping changes. */
static int acpi_map(uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len, bad;

	if (!len || end < addr || !vm_canonical(addr) || !vm_canonical(end - 1))
		return -EFAULT;
	for (uint64_t page = ALIGN_DOWN(addr, PAGE_SIZE); page < end; page += PAGE_SIZE) {
		if (page < ACPI_LOW_LIMIT || vm_query(page, NULL) == 0)
			continue;
		if (vm_map(page, PAGE_SIZE, 0) < 0)
			return -ENOMEM;
	}
	return vm_check_range(addr, len, 0, &bad);
}

/* Note one table, whatever state it is in. */
static const struct acpi_header *acpi_record(uint64_t addr)
{
	const struct acpi_header *h = (const struct acpi_header *)addr;
	struct acpi_table_ref *t;

	if (table_count == ACPI_MAX_TABLES)
		return NULL;
	t = &tables[table_count++];
	memset(t, 0, sizeof(*t));
	t->addr = addr;
	memcpy(t->sig, "????", 5);
	if (!addr || acpi_map(addr, sizeof(*h)) < 0)
		return NULL;
	memcpy(t->sig, h->sig, 4);
	t->length = h->length;
	if (h->length < sizeof(*h) || h->length > ACPI_TABLE_MAX_LEN || acpi_map(addr, h->length) < 0)
		return NULL;
	t->mapped = 1;
	if (!memcmp(h->sig, "FACS", 4)) { /* no checksum field: its own checks */
		t->no_checksum = 1;
		t->checksum_ok = !acpi_parse_facs(h, h->length, &facs);
	} else {
		t->checksum_ok = acpi_checksum_ok(h, h->length);
	}
	return h;
}

/* Root table entries are 4 (RSDT) or 8 (XSDT) bytes, not aligned. */
static void acpi_walk_root(const struct acpi_header *root, int wide)
{
	size_t size = wide ? 8 : 4;
	size_t n = (root->length - sizeof(*root)) / size;
	const uint8_t *e = (const uint8_t *)(root + 1);

	for (size_t i = 0; i < n; i++) {
		uint64_t addr = 0;

		memcpy(&addr, e + i * size, size);
		acpi_record(addr);
	}
}

static void acpi_parse_dsdt(void)
{
	const struct acpi_header *d;

	if (!have_fadt || !fadt.dsdt)
		return;
	if (!acpi_find("DSDT"))
		acpi_record(fadt.dsdt);
	d = acpi_find("DSDT");
	if (d)
		s5_status = acpi_find_s5(d + 1, d->length - sizeof(*d), &s5_typa, &s5_typb);
}

/* The FACS comes from the FADT alone; listed after the DSDT. */
static void acpi_parse_facs_from_fadt(void)
{
	if (!have_fadt || !fadt.facs)
		return;
	if (!acpi_find("FACS"))
		acpi_record(fadt.facs);
	have_facs = acpi_find("FACS") != NULL;
}

static void acpi_parse_numa(void)
{
	const struct acpi_header *h;

	if ((h = acpi_find("SRAT")) && acpi_parse_srat)
		have_srat = !acpi_parse_srat(h, h->length, &srat);
	if ((h = acpi_find("SLIT")) && acpi_parse_slit)
		have_slit = !acpi_parse_slit(h, h->length, &slit);
}

static void acpi_parse_all(void)
{
	const struct acpi_header *h;

	if ((h = acpi_find("APIC")))
		have_madt = !acpi_parse_madt(h, h->length, &madt);
	if ((h = acpi_find("FACP")))
		have_fadt = !acpi_parse_fadt(h, h->length, &fadt);
	if ((h = acpi_find("HPET")))
		have_hpet = !acpi_parse_hpet(h, h->length, &hpet);
	if ((h = acpi_find("MCFG")) && acpi_parse_mcfg(h, h->length, mcfg, ACPI_MAX_MCFG, &mcfg_count))
		mcfg_count = 0;
	acpi_parse_dsdt();
	acpi_parse_facs_from_fadt();
	acpi_parse_numa();
}

/* The machine still runs without the tables, on less: say what is lost
 * once at boot, or a missing core looks like a bug (-M pc,acpi=off). */
static void acpi_report_missing(void)
{
	if (rsdp_rev < 0) {
		console_report_error("acpi: no RSDP found: only the boot core runs, on the 8259s and the PIT; "
				     "poweroff cannot switch off");
		return;
	}
	if (!have_madt)
		console_report_error("acpi: no valid MADT: only the boot core runs");
	if (!have_fadt)
		console_report_error("acpi: no valid FADT: poweroff cannot switch off");
}

void acpi_init(void)
{
	const struct acpi_rsdp *r = rsdp_find();
	const struct acpi_header *root;
	int wide;

	if (!r) {
		acpi_report_missing();
		return;
	}
	rsdp_rev = r->revision;
	memcpy(rsdp_oem_id, r->oem_id, 6);
	wide = rsdp_check(r, sizeof(*r)) == RSDP_V2 && r->xsdt;
	root = acpi_record(wide ? r->xsdt : r->rsdt);
	if ((!root || !tables[0].checksum_ok) && wide && r->rsdt) {
		wide = 0; /* a damaged XSDT: the RSDT lists the same tables */
		root = acpi_record(r->rsdt);
	}
	if (root && tables[table_count - 1].checksum_ok)
		acpi_walk_root(root, wide);
	acpi_parse_all();
	acpi_report_missing();
}

unsigned acpi_table_count(void)
{
	return table_count;
}

const struct acpi_table_ref *acpi_table(unsigned i)
{
	return i < table_count ? &tables[i] : NULL;
}

static const struct acpi_header *acpi_find(const char sig[4])
{
	for (unsigned i = 0; i < table_count; i++)
		if (tables[i].checksum_ok && !memcmp(tables[i].sig, sig, 4))
			return (const struct acpi_header *)tables[i].addr;
	return NULL;
}

uint64_t acpi_rsdp(void)
{
	if (rsdp_from_loader)
		rsdp_locate_original();
	return rsdp_phys;
}

int acpi_rsdp_revision(void)
{
	return rsdp_rev;
}

const char *acpi_rsdp_oem(void)
{
	return rsdp_oem_id;
}

const struct madt_info *acpi_madt(void)
{
	return have_madt ? &madt : NULL;
}

const struct fadt_info *acpi_fadt(void)
{
	return have_fadt ? &fadt : NULL;
}

int acpi_may_have_8042(void)
{
	if (!have_fadt)
		return 1; /* no ACPI: a legacy PC, which has one */
	if (fadt.flags & FADT_FLAG_HW_REDUCED)
		return 0;
	return !fadt.boot_arch_valid || (fadt.iapc_boot_arch & FADT_BOOT_ARCH_8042);
}

const struct hpet_info *acpi_hpet(void)
{
	return have_hpet ? &hpet : NULL;
}

unsigned acpi_mcfg(const struct mcfg_entry **entries)
{
	if (entries)
		*entries = mcfg;
	return mcfg_count;
}

int acpi_s5(uint8_t *slp_typa, uint8_t *slp_typb)
{
	if (s5_status)
		return s5_status;
	*slp_typa = s5_typa;
	*slp_typb = s5_typb;
	return 0;
}

const struct facs_info *acpi_facs(void)
{
	return have_facs ? &facs : NULL;
}

const struct srat_info *acpi_srat(void)
{
	return have_srat ? &srat : NULL;
}

const struct slit_info *acpi_slit(void)
{
	return have_slit ? &slit : NULL;
}

unsigned acpi_cpu_count(void)
{
	unsigned n = 0;

	if (!have_madt)
		return 0;
	for (unsigned i = 0; i < madt.cpu_count; i++)
		n += madt.cpus[i].enabled || madt.cpus[i].online_capable;
	return n;
}
