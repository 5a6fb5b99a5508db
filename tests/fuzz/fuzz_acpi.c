/* fuzz_acpi.c: libFuzzer target for src/acpi_tables.c: the input as an ACPI
 * table through the checksum, the MADT walk and parse, the FADT, HPET and
 * MCFG parsers (each MCFG allocation through pci_mcfg.c's check, which
 * must refuse any it cannot map), and as a DSDT (whole, and its body after
 * the header, as acpi.c passes it) through the \_S5 scan. Seeds:
 * tests/fuzz/corpus/acpi. */
/* sources: src/acpi_tables.c src/pci_mcfg.c */
#include <stddef.h>
#include <stdint.h>
#include "acpi.h"
#include "bootinfo.h"
#include "errno.h"
#include "pci.h"
#include "string.h"

#define MIN_SZ(a, b) ((a) < (b) ? (a) : (b))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* How many of each entry the walk saw, to compare with the parse. */
struct madt_counts {
	unsigned cpus, ioapics, isos, nmis;
};

/* The table's header length, or 0 without a whole header. */
static size_t table_length(const uint8_t *data, size_t size)
{
	struct acpi_header h;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	return h.length;
}

static void count_entry(struct madt_counts *c, uint8_t type)
{
	c->cpus += type == MADT_LAPIC || type == MADT_X2APIC;
	c->ioapics += type == MADT_IOAPIC;
	c->isos += type == MADT_ISO;
	c->nmis += type == MADT_LAPIC_NMI || type == MADT_X2APIC_NMI;
}

/* Every entry lies after the MADT header and inside the table, and the
 * walk moves forward; returns 0 when it ended cleanly. */
static int walk_madt(const uint8_t *data, size_t size, struct madt_counts *c)
{
	size_t end = MIN_SZ(size, table_length(data, size)), off = 0, prev = 0;
	const uint8_t *e;
	int r;

	while ((r = acpi_madt_next(data, size, &off, &e)) > 0) {
		if (e < data + 44 || e[1] < 2 || (size_t)(e - data) + e[1] > end || off <= prev)
			__builtin_trap();
		prev = off;
		count_entry(c, e[0]);
	}
	if (r != 0 && r != -EINVAL)
		__builtin_trap();
	return r;
}

static void fuzz_madt(const uint8_t *data, size_t size)
{
	static struct madt_info m;
	struct madt_counts c = { 0, 0, 0, 0 };
	int walk = walk_madt(data, size, &c);

	if (acpi_parse_madt(data, size, &m))
		return;
	if (m.cpu_count > ACPI_MAX_CPUS || m.ioapic_count > ACPI_MAX_IOAPICS || m.iso_count > ACPI_MAX_ISOS ||
	    m.nmi_count > ACPI_MAX_NMIS)
		__builtin_trap();
	/* Untruncated, the parse kept exactly what the walk saw, a core listed
	 * twice (the same APIC ID) once. */
	if (!m.truncated && (walk || m.cpu_count + m.duplicates != c.cpus || m.ioapic_count != c.ioapics ||
			     m.iso_count != c.isos || m.nmi_count != c.nmis))
		__builtin_trap();
}

static void fuzz_fadt_hpet(const uint8_t *data, size_t size)
{
	struct fadt_info f;
	struct hpet_info h;

	if (acpi_parse_fadt(data, size, &f) == 0) {
		if ((f.pm_timer_32bit && !f.pm_timer) || (f.reset_supported && !(f.flags & FADT_FLAG_RESET_REG_SUP)))
			__builtin_trap();
	}
	if (acpi_parse_hpet(data, size, &h) == 0 && !h.base)
		__builtin_trap();
}

/* An allocation the check keeps: buses in order, base aligned, the window
 * inside the physical width (and what the kernel maps) and clear of RAM. */
static void fuzz_mcfg_check(const struct mcfg_entry *m, unsigned bits)
{
	static const struct mmap_entry map[] = {
		{ 0, 0x9fc00, MEM_USABLE }, { 0x100000, 0x1fee0000, MEM_USABLE },
		{ 0xfffc0000, 0x40000, MEM_RESERVED }, { 0x100000000ull, 0x40000000, MEM_USABLE },
	};
	char why[96];
	uint64_t start, end;

	if (pci_mcfg_check(m, bits, map, 4, why, sizeof(why))) {
		if (!why[0] || strlen(why) >= sizeof(why))
			__builtin_trap();
		return;
	}
	start = m->base + ((uint64_t)m->bus_start << 20);
	end = m->base + (((uint64_t)m->bus_end + 1) << 20);
	if (m->bus_end < m->bus_start || !m->base || (m->base & 0xFFFFF) || end > (1ull << 47) || end <= start)
		__builtin_trap();
	if (bits && bits <= 52 && end > (1ull << bits))
		__builtin_trap();
	for (unsigned i = 0; i < 4; i++)
		if (map[i].type == MEM_USABLE && start < map[i].base + map[i].len && map[i].base < end)
			__builtin_trap();
}

static void fuzz_mcfg(const uint8_t *data, size_t size)
{
	struct mcfg_entry e[ACPI_MAX_MCFG];
	unsigned count, max = data[size - 1] % (ACPI_MAX_MCFG + 1);

	if (acpi_parse_mcfg(data, size, e, max, &count) == 0) {
		/* The entries kept come from the table's 44-byte header on. */
		if (count > max || 44 + 16 * (size_t)count > MIN_SZ(size, table_length(data, size)))
			__builtin_trap();
		for (unsigned i = 0; i < count; i++)
			fuzz_mcfg_check(&e[i], data[0] % 64);
	} else if (count) {
		__builtin_trap();
	}
}

static void fuzz_s5(const uint8_t *aml, size_t len)
{
	uint8_t a = 0xAA, b = 0xBB;
	int r = acpi_find_s5(aml, len, &a, &b);

	if (r != 0 && r != -EINVAL && r != -ENOENT)
		__builtin_trap();
	/* Only a found package writes the values. */
	if (r && (a != 0xAA || b != 0xBB))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = table_length(data, size);

	if (!size)
		return 0;
	if (acpi_checksum_ok(data, size) && (len < sizeof(struct acpi_header) || len > size))
		__builtin_trap();
	fuzz_madt(data, size);
	fuzz_fadt_hpet(data, size);
	fuzz_mcfg(data, size);
	fuzz_s5(data, size);
	if (size >= sizeof(struct acpi_header))
		fuzz_s5(data + sizeof(struct acpi_header), size - sizeof(struct acpi_header));
	return 0;
}
