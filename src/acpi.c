/* acpi.c: locate ACPI tables (ACPI 6.5 section 5.2.5: RSDP from the loader's
 * copy or by scanning the EBDA and 0xE0000-0xFFFFF; RSDT/XSDT), with every
 * checksum checked. QEMU: the tables SeaBIOS/OVMF install on pc and q35. */
#include "acpi.h"
#include "bootinfo.h"
#include "kernel.h"
#include "mm.h"
#include "string.h"

#define ACPI_MAX_TABLES 64

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

static uint64_t rsdp_phys;
static uint64_t ebda_base;
static const struct acpi_header *tables[ACPI_MAX_TABLES];
static unsigned table_count;

static uint8_t sum_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

static int rsdp_valid(const struct acpi_rsdp *r)
{
	if (memcmp(r->sig, "RSD PTR ", 8) || sum_bytes(r, 20))
		return 0;
	return r->revision < 2 || (r->length >= 36 && sum_bytes(r, 36) == 0);
}

/* Every 16-byte boundary in the range; the first valid candidate wins. */
static const struct acpi_rsdp *rsdp_scan(uint64_t start, uint64_t len)
{
	for (uint64_t a = start; a + sizeof(struct acpi_rsdp) <= start + len; a += 16)
		if (rsdp_valid((const struct acpi_rsdp *)a))
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

static const struct acpi_rsdp *rsdp_find(void)
{
	const struct acpi_rsdp *r = (const struct acpi_rsdp *)boot_info.rsdp;
	uint64_t ebda;

	if (boot_info.rsdp_version && rsdp_valid(r)) {
		rsdp_phys = boot_info.rsdp_addr;
		return r;
	}
	if (boot_info.efi64)
		return NULL; /* no legacy BIOS areas to scan under UEFI */
	ebda = ebda_base;
	if (ebda >= 0x80000 && ebda < 0xA0000 && (r = rsdp_scan(ebda, 1024)))
		return rsdp_phys = (uint64_t)r, r;
	if ((r = rsdp_scan(0xE0000, 0x20000)))
		rsdp_phys = (uint64_t)r;
	return r;
}

/* A table is used only when mapped whole and its checksum is right. */
static const struct acpi_header *table_check(uint64_t addr)
{
	const struct acpi_header *h = (const struct acpi_header *)addr;
	uint64_t bad;

	if (!addr || vm_check_range(addr, sizeof(*h), 0, &bad) < 0)
		return NULL;
	if (h->length < sizeof(*h) || h->length > (16u << 20) || vm_check_range(addr, h->length, 0, &bad) < 0)
		return NULL;
	return sum_bytes(h, h->length) ? NULL : h;
}

void acpi_init(void)
{
	const struct acpi_rsdp *r = rsdp_find();
	const struct acpi_header *root;
	int wide;
	size_t n;

	if (!r)
		return;
	wide = r->revision >= 2 && r->xsdt;
	root = table_check(wide ? r->xsdt : r->rsdt);
	if (!root)
		return;
	n = (root->length - sizeof(*root)) / (wide ? 8 : 4);
	for (size_t i = 0; i < n && table_count < ACPI_MAX_TABLES; i++) {
		const uint8_t *e = (const uint8_t *)(root + 1) + i * (wide ? 8 : 4);
		uint64_t addr = 0;

		memcpy(&addr, e, wide ? 8 : 4);
		const struct acpi_header *t = table_check(addr);
		if (t)
			tables[table_count++] = t;
	}
}

const struct acpi_header *acpi_find(const char sig[4])
{
	for (unsigned i = 0; i < table_count; i++)
		if (!memcmp(tables[i]->sig, sig, 4))
			return tables[i];
	return NULL;
}

uint64_t acpi_rsdp(void)
{
	return rsdp_phys;
}

unsigned acpi_cpu_count(void)
{
	const struct acpi_header *madt = acpi_find("APIC");
	const uint8_t *p, *end;
	unsigned n = 0;

	if (!madt)
		return 0;
	p = (const uint8_t *)madt + 44; /* header + local APIC address + flags */
	end = (const uint8_t *)madt + madt->length;
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		uint32_t flags;

		if (p[0] == 0 && p[1] >= 8)
			n += (p[4] & 3) != 0;  /* processor local APIC: enabled or online-capable */
		else if (p[0] == 9 && p[1] >= 16) {
			memcpy(&flags, p + 8, 4); /* processor local x2APIC */
			n += (flags & 3) != 0;
		}
	}
	return n;
}

uint16_t acpi_pm1a_cnt(void)
{
	const struct acpi_header *fadt = acpi_find("FACP");
	uint32_t blk;

	if (!fadt || fadt->length < 68)
		return 0;
	memcpy(&blk, (const uint8_t *)fadt + 64, 4); /* PM1a_CNT_BLK */
	return blk <= 0xFFFF ? (uint16_t)blk : 0;
}
