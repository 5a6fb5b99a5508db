/* acpi.h: ACPI tables (ACPI 6.5 ch. 5.2): finding them (RSDP, RSDT/XSDT,
 * every checksum checked) and the parsed facts the kernel uses from the
 * MADT, FADT, HPET and MCFG, plus \_S5 from the DSDT. The parsers are pure
 * functions over a table's bytes (host unit-tested). */
#ifndef INGOT_ACPI_H
#define INGOT_ACPI_H

#include <stddef.h>
#include <stdint.h>

struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision, creator_id, creator_revision;
} __attribute__((packed));

/* Generic Address Structure (ACPI 5.2.3.2). */
struct acpi_gas {
	uint8_t space;      /* 0 memory, 1 I/O port */
	uint8_t bit_width, bit_offset, access_size;
	uint64_t address;
} __attribute__((packed));

#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO 1
#define ACPI_GAS_PCI_CONFIG 2 /* segment 0, bus 0; address: device<<32 | function<<16 | offset */

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_ISOS 24
#define ACPI_MAX_NMIS 16
#define ACPI_MAX_MCFG 8

/* MADT interrupt controller structures (ACPI 5.2.12.2-5.2.12.13). */
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_ISO 2
#define MADT_NMI_SOURCE 3
#define MADT_LAPIC_NMI 4
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC 9
#define MADT_X2APIC_NMI 0xA
#define MADT_CPU_ENABLED 1u
#define MADT_CPU_ONLINE_CAPABLE 2u

struct madt_lapic { uint8_t type, length, uid, apic_id; uint32_t flags; } __attribute__((packed));
struct madt_ioapic { uint8_t type, length, id, reserved; uint32_t addr, gsi_base; } __attribute__((packed));
struct madt_iso { uint8_t type, length, bus, source; uint32_t gsi; uint16_t flags; } __attribute__((packed));
struct madt_nmi_source { uint8_t type, length; uint16_t flags; uint32_t gsi; } __attribute__((packed));
struct madt_lapic_nmi { uint8_t type, length, uid; uint16_t flags; uint8_t lint; } __attribute__((packed));
struct madt_lapic_override { uint8_t type, length; uint16_t reserved; uint64_t addr; } __attribute__((packed));
struct madt_x2apic { uint8_t type, length; uint16_t reserved; uint32_t x2apic_id, flags, uid; } __attribute__((packed));
struct madt_x2apic_nmi { uint8_t type, length; uint16_t flags; uint32_t uid; uint8_t lint, reserved[3]; } __attribute__((packed));

struct madt_cpu {
	uint32_t apic_id, uid;
	uint8_t enabled, online_capable, x2apic;
};

struct madt_info {
	uint64_t lapic_addr;       /* with the 64-bit override applied */
	uint32_t flags;            /* bit 0: PC-AT compatible 8259s present */
	unsigned cpu_count;        /* processors, in MADT order, each APIC ID once */
	unsigned duplicates;       /* entries naming an APIC ID already listed */
	struct madt_cpu cpus[ACPI_MAX_CPUS];
	unsigned ioapic_count;
	struct { uint8_t id; uint32_t addr, gsi_base; } ioapics[ACPI_MAX_IOAPICS];
	unsigned iso_count;        /* interrupt source overrides */
	struct { uint8_t bus, source; uint32_t gsi; uint16_t flags; } isos[ACPI_MAX_ISOS];
	unsigned nmi_count;        /* local APIC NMI entries (uid 0xFF/0xFFFFFFFF = all) */
	struct { uint32_t uid; uint16_t flags; uint8_t lint; } nmis[ACPI_MAX_NMIS];
	int truncated;             /* more entries than kept, or a malformed entry ended the walk */
};

struct fadt_info {
	uint64_t dsdt;             /* X_DSDT when present, else DSDT */
	uint64_t facs;             /* X_FIRMWARE_CTRL when present, else FIRMWARE_CTRL; 0: none */
	uint8_t sci_irq;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint32_t pm1a_evt, pm1b_evt, pm1a_cnt, pm1b_cnt; /* I/O ports, 0 if absent */
	uint32_t pm_timer;         /* PM timer I/O port, 0 if absent */
	int pm_timer_32bit;        /* TMR_VAL_EXT */
	uint16_t iapc_boot_arch;   /* bit 1: 8042 present */
	uint8_t century;           /* CMOS RAM index of the RTC's century register; 0: none */
	int boot_arch_valid;       /* IAPC_BOOT_ARCH is defined (FADT revision 3+) */
	uint32_t flags;
	int reset_supported;       /* RESET_REG_SUP */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
};

#define FADT_BOOT_ARCH_8042 (1u << 1)
#define FADT_FLAG_TMR_VAL_EXT (1u << 8)
#define FADT_FLAG_RESET_REG_SUP (1u << 10)
#define FADT_FLAG_HW_REDUCED (1u << 20)

struct hpet_info {
	uint64_t base;             /* MMIO address of the timer block */
	uint8_t number;
	uint16_t min_tick;
};

struct mcfg_entry {
	uint64_t base;
	uint16_t segment;
	uint8_t bus_start, bus_end;
};

/* Firmware ACPI Control Structure (ACPI 6.5 5.2.10): no checksum, no OEM
 * fields; reached from the FADT, not listed by the root table. */
struct facs_info {
	uint32_t length, hw_signature, waking_vector, global_lock, flags, ospm_flags;
	uint64_t x_waking_vector;
	uint8_t version;
};
#define FACS_MIN_LEN 64
#define FACS_FLAG_S4BIOS (1u << 0)
#define FACS_FLAG_64BIT_WAKE (1u << 1)
#define FACS_LOCK_PENDING (1u << 0)
#define FACS_LOCK_OWNED (1u << 1)

/* NUMA (ACPI 6.5 5.2.16 SRAT, 5.2.17 SLIT): which proximity domain each
 * processor and memory range is in, and the relative distances. */
#define ACPI_MAX_NUMA_MEM 32
#define ACPI_MAX_NUMA_NODES 16 /* SLIT localities kept */
#define SRAT_LAPIC 0
#define SRAT_MEMORY 1
#define SRAT_X2APIC 2
#define SRAT_ENABLED 1u
#define SRAT_MEM_HOTPLUG (1u << 1)
#define SRAT_MEM_NONVOLATILE (1u << 2)

struct srat_cpu { uint32_t apic_id, domain; uint8_t x2apic; };
struct srat_mem { uint64_t base, len; uint32_t domain, flags; };

struct srat_info {
	unsigned cpu_count;        /* enabled processor entries, each APIC ID once */
	struct srat_cpu cpus[ACPI_MAX_CPUS];
	unsigned mem_count;        /* enabled memory ranges, in table order */
	struct srat_mem mems[ACPI_MAX_NUMA_MEM];
	unsigned disabled;         /* entries without the enabled flag (ignored) */
	unsigned duplicates;       /* processor entries naming an APIC ID again (the first kept) */
	unsigned bad_ranges;       /* memory ranges of length 0 or past 2^64 (ignored) */
	unsigned overlaps;         /* memory ranges overlapping one kept before (ignored) */
	unsigned other;            /* entries of other types (GICC, generic initiators, ...) */
	int truncated;             /* more entries than kept, or a malformed entry ended the walk */
};

struct slit_info {
	uint64_t localities;       /* as the table says */
	unsigned n;                /* localities kept: MIN(localities, ACPI_MAX_NUMA_NODES) */
	uint8_t dist[ACPI_MAX_NUMA_NODES][ACPI_MAX_NUMA_NODES];
	int self_not_10;           /* a diagonal entry other than 10 (ACPI: 10 is local) */
	int asymmetric;            /* dist[i][j] != dist[j][i] somewhere */
};

/* 1 when the table's header length fits in len and its bytes sum to 0. */
int acpi_checksum_ok(const void *table, size_t len);
/* The byte sum of n bytes (0 for a good ACPI checksum). */
uint8_t acpi_sum(const void *p, size_t n);
/* Pure parsers: 0, or -EINVAL for a table too short or malformed. */
int acpi_parse_madt(const void *table, size_t len, struct madt_info *out);
int acpi_parse_fadt(const void *table, size_t len, struct fadt_info *out);
int acpi_parse_hpet(const void *table, size_t len, struct hpet_info *out);
int acpi_parse_mcfg(const void *table, size_t len, struct mcfg_entry *out, unsigned max, unsigned *count);
/* 0, or -EINVAL: not "FACS", or shorter than 64 bytes or than len. */
int acpi_parse_facs(const void *table, size_t len, struct facs_info *out);
/* acpi_numa.c. SRAT: 0, or -EINVAL for a table too short. SLIT: 0, or
 * -EINVAL when the table is too short for its N x N matrix. */
int acpi_parse_srat(const void *table, size_t len, struct srat_info *out);
int acpi_parse_slit(const void *table, size_t len, struct slit_info *out);
/* Walk the SRAT's entries like acpi_madt_next (entries start at 48). */
int acpi_srat_next(const void *table, size_t len, size_t *off, const uint8_t **entry);
/* The proximity domain of an APIC ID, or -1 when the SRAT names no such processor. */
int64_t acpi_srat_domain_of_cpu(const struct srat_info *s, uint32_t apic_id);
/* The domain holding physical address addr, or -1. */
int64_t acpi_srat_domain_of_addr(const struct srat_info *s, uint64_t addr);
/* The distinct domains, ascending, into out (at most max); returns how many. */
unsigned acpi_srat_domains(const struct srat_info *s, uint32_t *out, unsigned max);

/* Walk the MADT's entries: *off starts at 0. Gives the next entry (at
 * least as long as its type's structure, inside the table) and returns 1;
 * 0 at the end; -EINVAL at a malformed entry (the walk must stop there). */
int acpi_madt_next(const void *table, size_t len, size_t *off, const uint8_t **entry);
/* Bounded scan of DSDT AML for the \_S5 package: its first two values. */
int acpi_find_s5(const void *dsdt, size_t len, uint8_t *slp_typa, uint8_t *slp_typb);

/* Before mm_init: note what only the boot mapping can reach (the BDA). */
void acpi_early(void);
/* Find and check every table; parse MADT, FADT, HPET, MCFG, \_S5. */
void acpi_init(void);

/* Every table found, good checksum or not, for `acpi`: the root table
 * (RSDT/XSDT), each table it lists in order, then the FADT's DSDT. mapped:
 * the whole table is readable; checksum_ok only means something then. */
struct acpi_table_ref {
	uint64_t addr;
	uint32_t length;
	char sig[5];
	int mapped, checksum_ok;
	int no_checksum;           /* the FACS: checksum_ok means its signature and length hold */
};
unsigned acpi_table_count(void);
const struct acpi_table_ref *acpi_table(unsigned i);
/* The RSDP's address (0 when none was found) and revision (-1 then). */
uint64_t acpi_rsdp(void);
int acpi_rsdp_revision(void);
/* The RSDP's OEM ID as a string (6 characters), "" when no RSDP. */
const char *acpi_rsdp_oem(void);

/* Parsed facts, NULL when the table is missing or corrupt. */
const struct madt_info *acpi_madt(void);
const struct fadt_info *acpi_fadt(void);
/* Whether an 8042 keyboard controller may be there: 0 only when the FADT
 * says not (IAPC_BOOT_ARCH bit clear, or a hardware-reduced platform). */
int acpi_may_have_8042(void);
const struct hpet_info *acpi_hpet(void);
unsigned acpi_mcfg(const struct mcfg_entry **entries);
/* SLP_TYP values for S5; -ENOENT when \_S5 was not found. */
int acpi_s5(uint8_t *slp_typa, uint8_t *slp_typb);
/* The FACS, SRAT and SLIT as parsed; NULL when missing or malformed. */
const struct facs_info *acpi_facs(void);
const struct srat_info *acpi_srat(void);
const struct slit_info *acpi_slit(void);

/* Enabled (or online-capable) processors in the MADT; 0 if no MADT. */
unsigned acpi_cpu_count(void);

#endif
