/* test_acpi.c: host tests of src/acpi_tables.c: MADT (every entry type,
 * truncated, zero-length and overlong entries), short and full FADTs, HPET,
 * MCFG, checksums and the \_S5 AML scan, on tables built here. */
/* sources: src/acpi_tables.c */
#include <stdint.h>
#include <stdlib.h>
#include "acpi.h"
#include "errno.h"
#include "unit.h"
#include "acpi_build.h"

static void add_entry(const uint8_t *e, size_t n)
{
	memcpy(tbl + tlen, e, n);
	tlen += n;
}

static void build_madt(void)
{
	static const uint8_t lapic0[] = { 0, 8, 0, 0, 1, 0, 0, 0 };
	static const uint8_t lapic1[] = { 0, 8, 1, 1, 0, 0, 0, 0 };          /* disabled */
	static const uint8_t lapic2[] = { 0, 8, 2, 2, 2, 0, 0, 0 };          /* online-capable */
	static const uint8_t ioapic[] = { 1, 12, 5, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0 };
	static const uint8_t iso[] = { 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 };
	static const uint8_t iso9[] = { 2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0 };
	static const uint8_t nmisrc[] = { 3, 8, 0, 0, 1, 0, 0, 0 };
	static const uint8_t lnmi[] = { 4, 6, 0xff, 5, 0, 1 };
	static const uint8_t ovr[] = { 5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 1, 0, 0, 0 };
	static const uint8_t x2[] = { 9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0 };
	static const uint8_t xnmi[] = { 0xa, 12, 5, 0, 7, 0, 0, 0, 1, 0, 0, 0 };
	static const uint8_t unknown[] = { 0x7f, 4, 0xaa, 0xbb };

	table_start("APIC", 44);
	put32(36, 0xfee00000);
	put32(40, 1);
	add_entry(lapic0, 8); add_entry(lapic1, 8); add_entry(lapic2, 8);
	add_entry(ioapic, 12); add_entry(iso, 10); add_entry(iso9, 10); add_entry(nmisrc, 8);
	add_entry(lnmi, 6); add_entry(ovr, 12); add_entry(x2, 16); add_entry(xnmi, 12);
	add_entry(unknown, 4);
	table_end();
}

static void test_madt_full(void)
{
	struct madt_info *m = calloc(1, sizeof(*m));
	uint8_t *t;

	build_madt();
	t = exact(tlen);
	CHECK("madt_ok", acpi_parse_madt(t, tlen, m) == 0);
	CHECK("madt_not_truncated", m->truncated == 0);
	CHECK_U64("madt_flags", m->flags, 1);
	CHECK_U64("madt_lapic_override", m->lapic_addr, 0x1fee00000ull);
	CHECK_U64("madt_cpu_count_all_kept", m->cpu_count, 4);
	CHECK("madt_cpu0", m->cpus[0].apic_id == 0 && m->cpus[0].enabled && !m->cpus[0].online_capable && !m->cpus[0].x2apic);
	CHECK("madt_cpu1_disabled", m->cpus[1].apic_id == 1 && !m->cpus[1].enabled && !m->cpus[1].online_capable);
	CHECK("madt_cpu2_online_capable", m->cpus[2].apic_id == 2 && !m->cpus[2].enabled && m->cpus[2].online_capable);
	CHECK("madt_cpu3_x2apic", m->cpus[3].apic_id == 0x100 && m->cpus[3].uid == 7 && m->cpus[3].x2apic && m->cpus[3].enabled);
	CHECK("madt_ioapic", m->ioapic_count == 1 && m->ioapics[0].id == 5 && m->ioapics[0].addr == 0xfec00000 &&
	      m->ioapics[0].gsi_base == 0);
	CHECK("madt_iso_count", m->iso_count == 2);
	CHECK("madt_iso0", m->isos[0].source == 0 && m->isos[0].gsi == 2 && m->isos[0].flags == 0);
	CHECK("madt_iso9", m->isos[1].source == 9 && m->isos[1].gsi == 9 && m->isos[1].flags == 0x0d);
	CHECK("madt_nmi_count", m->nmi_count == 2);
	CHECK("madt_lapic_nmi", m->nmis[0].uid == 0xff && m->nmis[0].flags == 5 && m->nmis[0].lint == 1);
	CHECK("madt_x2apic_nmi", m->nmis[1].uid == 7 && m->nmis[1].flags == 5 && m->nmis[1].lint == 1);
	CHECK("madt_checksum_good", acpi_checksum_ok(t, tlen));
	free(t);
	free(m);
}

static void test_madt_walk(void)
{
	const uint8_t *e;
	size_t off = 0;
	unsigned n = 0;
	int r;
	uint8_t *t;

	build_madt();
	t = exact(tlen);
	while ((r = acpi_madt_next(t, tlen, &off, &e)) > 0)
		n++;
	CHECK("madt_walk_all_entries", r == 0 && n == 12);
	CHECK("madt_walk_short_table", acpi_madt_next(t, 40, &off, &e) == -EINVAL);
	free(t);
}

static void test_madt_bad(void)
{
	struct madt_info *m = calloc(1, sizeof(*m));
	size_t cut;
	uint8_t *t;

	/* Header length larger than the buffer: the walk stops inside an entry. */
	build_madt();
	cut = 44 + 8 + 8 + 4;
	t = exact(cut);
	CHECK("madt_truncated_ok", acpi_parse_madt(t, cut, m) == 0);
	CHECK("madt_truncated_flag", m->truncated == 1);
	CHECK("madt_truncated_keeps_read", m->cpu_count == 2);
	CHECK("madt_truncated_checksum", !acpi_checksum_ok(t, cut));
	free(t);

	/* An entry with length 0 must end the walk, not loop. */
	build_madt();
	put8(44 + 8 + 1, 0);
	table_end();
	t = exact(tlen);
	CHECK("madt_zero_len_ok", acpi_parse_madt(t, tlen, m) == 0);
	CHECK("madt_zero_len_stops", m->truncated == 1 && m->cpu_count == 1);
	free(t);

	/* An entry shorter than its type's structure. */
	build_madt();
	put8(44 + 1, 4);
	table_end();
	t = exact(tlen);
	CHECK("madt_short_entry", acpi_parse_madt(t, tlen, m) == 0 && m->truncated && m->cpu_count == 0);
	free(t);

	/* The last entry runs past the table's end. */
	build_madt();
	tbl[tlen - 3] = 40;   /* the unknown entry at the end claims 40 bytes */
	table_end();
	t = exact(tlen);
	CHECK("madt_entry_past_end", acpi_parse_madt(t, tlen, m) == 0 && m->truncated && m->cpu_count == 4 &&
	      m->nmi_count == 2);
	free(t);

	/* Too short for the MADT header. */
	t = exact(40);
	CHECK("madt_too_short", acpi_parse_madt(t, 40, m) == -EINVAL);
	free(t);
	free(m);
}

static void test_madt_many_cpus(void)
{
	struct madt_info *m = calloc(1, sizeof(*m));
	/* Local x2APIC entries: more distinct APIC IDs than a byte holds. */
	static uint8_t big[44 + (ACPI_MAX_CPUS + 4) * 16];
	uint32_t len = sizeof(big);

	memset(big, 0, sizeof(big));
	memcpy(big, "APIC", 4);
	memcpy(big + 4, &len, 4);
	for (unsigned i = 0; i < ACPI_MAX_CPUS + 4; i++) {
		big[44 + i * 16] = 9;
		big[44 + i * 16 + 1] = 16;
		memcpy(big + 44 + i * 16 + 4, &i, 4);
		big[44 + i * 16 + 8] = 1;
	}
	CHECK("madt_many_ok", acpi_parse_madt(big, sizeof(big), m) == 0);
	CHECK("madt_many_kept_max", m->cpu_count == ACPI_MAX_CPUS && m->truncated == 1);
	free(m);
}

/* The same core listed twice (Local APIC and Local x2APIC entries for one
 * APIC ID, as some firmware does), and a disabled entry then an enabled one
 * for the same ID: each core kept once, in first-listed order, usable if
 * either entry says so. */
static void test_madt_duplicates(void)
{
	static const uint8_t la0[] = { 0, 8, 0, 0, 1, 0, 0, 0 };
	static const uint8_t la1[] = { 0, 8, 1, 1, 1, 0, 0, 0 };
	static const uint8_t la2_off[] = { 0, 8, 2, 2, 0, 0, 0, 0 };        /* disabled */
	static const uint8_t x0[] = { 9, 16, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t x1[] = { 9, 16, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
	static const uint8_t x2_on[] = { 9, 16, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0 };
	static const uint8_t x3[] = { 9, 16, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0 }; /* online-capable */
	static const uint8_t la3[] = { 0, 8, 3, 3, 2, 0, 0, 0 };            /* online-capable again */
	struct madt_info *m = calloc(1, sizeof(*m));

	table_start("APIC", 44);
	put32(36, 0xfee00000);
	add_entry(la0, 8); add_entry(la1, 8); add_entry(la2_off, 8);
	add_entry(x0, 16); add_entry(x1, 16); add_entry(x2_on, 16); add_entry(x3, 16); add_entry(la3, 8);
	table_end();
	CHECK("madt_dup_ok", acpi_parse_madt(tbl, tlen, m) == 0 && !m->truncated);
	CHECK_U64("madt_dup_cpu_count", m->cpu_count, 4);
	CHECK_U64("madt_dup_count", m->duplicates, 4);
	CHECK("madt_dup_order", m->cpus[0].apic_id == 0 && m->cpus[1].apic_id == 1 && m->cpus[2].apic_id == 2 &&
	      m->cpus[3].apic_id == 3);
	CHECK("madt_dup_first_kept", !m->cpus[0].x2apic && !m->cpus[1].x2apic && m->cpus[3].x2apic);
	CHECK("madt_dup_enabled_by_either", m->cpus[0].enabled && m->cpus[1].enabled && m->cpus[2].enabled &&
	      !m->cpus[2].online_capable);
	CHECK("madt_dup_online_capable", !m->cpus[3].enabled && m->cpus[3].online_capable);
	free(m);
}

/* FADT builders: offsets per ACPI 6.5 table 5.9. */
static void build_fadt_common(void)
{
	put32(40, 0x1000);                /* DSDT */
	put16(46, 9);                     /* SCI_INT */
	put32(48, 0xb2);                  /* SMI_CMD */
	put8(52, 0xf1);                   /* ACPI_ENABLE */
	put32(56, 0x600);                 /* PM1a_EVT_BLK */
	put32(64, 0x604);                 /* PM1a_CNT_BLK */
	put32(76, 0x608);                 /* PM_TMR_BLK */
	put8(91, 4);                      /* PM_TMR_LEN */
	put16(109, 2);                    /* IAPC_BOOT_ARCH: 8042 */
	put32(112, FADT_FLAG_RESET_REG_SUP | FADT_FLAG_TMR_VAL_EXT);
}

static void test_fadt_short(void)
{
	struct fadt_info f;
	uint8_t *t;

	table_start("FACP", 116);
	build_fadt_common();
	table_end();
	t = exact(tlen);
	CHECK("fadt_short_ok", acpi_parse_fadt(t, tlen, &f) == 0);
	CHECK_U64("fadt_short_dsdt", f.dsdt, 0x1000);
	CHECK_U64("fadt_short_sci", f.sci_irq, 9);
	CHECK_U64("fadt_short_smi", f.smi_cmd, 0xb2);
	CHECK_U64("fadt_short_acpi_enable", f.acpi_enable, 0xf1);
	CHECK_U64("fadt_short_pm1a_cnt", f.pm1a_cnt, 0x604);
	CHECK_U64("fadt_short_pm1b_cnt", f.pm1b_cnt, 0);
	CHECK_U64("fadt_short_pm_timer", f.pm_timer, 0x608);
	CHECK("fadt_short_timer_32bit", f.pm_timer_32bit == 1);
	/* Revision 1: IAPC_BOOT_ARCH was reserved then, whatever it holds. */
	CHECK("fadt_short_8042_not_stated", !f.boot_arch_valid && f.iapc_boot_arch == 0);
	CHECK("fadt_short_no_reset_reg", f.reset_supported == 0);
	CHECK("fadt_short_checksum", acpi_checksum_ok(t, tlen));
	free(t);

	/* PM_TMR_LEN 0: no PM timer. */
	table_start("FACP", 116);
	build_fadt_common();
	put8(91, 0);
	table_end();
	t = exact(tlen);
	CHECK("fadt_no_pm_timer", acpi_parse_fadt(t, tlen, &f) == 0 && f.pm_timer == 0 && !f.pm_timer_32bit);
	free(t);

	/* Cut inside the PM blocks: fields past the length read as absent. */
	table_start("FACP", 70);
	build_fadt_common();
	memset(tbl + 70, 0, sizeof(tbl) - 70);
	table_end();
	t = exact(tlen);
	CHECK("fadt_cut_ok", acpi_parse_fadt(t, tlen, &f) == 0);
	CHECK("fadt_cut_fields", f.pm1a_cnt == 0 && f.pm_timer == 0 && f.flags == 0 && f.dsdt == 0x1000);
	free(t);

	t = exact(40);
	CHECK("fadt_too_short", acpi_parse_fadt(t, 40, &f) == -EINVAL);
	free(t);
}

static void put_gas(size_t off, uint8_t space, uint8_t width, uint64_t addr)
{
	put8(off, space);
	put8(off + 1, width);
	put8(off + 3, 1);
	put64(off + 4, addr);
}

static void test_fadt_full(void)
{
	struct fadt_info f;
	uint8_t *t;

	table_start("FACP", 276);
	tbl[8] = 6;
	build_fadt_common();
	put_gas(116, ACPI_GAS_IO, 8, 0xcf9);  /* RESET_REG */
	put8(128, 6);                          /* RESET_VALUE */
	put64(140, 0x123456789ull);            /* X_DSDT */
	put_gas(172, ACPI_GAS_IO, 16, 0x704);  /* X_PM1a_CNT_BLK */
	put_gas(184, ACPI_GAS_IO, 16, 0x708);  /* X_PM1b_CNT_BLK */
	put_gas(208, ACPI_GAS_IO, 32, 0x808);  /* X_PM_TMR_BLK */
	table_end();
	t = exact(tlen);
	CHECK("fadt_full_ok", acpi_parse_fadt(t, tlen, &f) == 0);
	CHECK_U64("fadt_full_x_dsdt", f.dsdt, 0x123456789ull);
	CHECK("fadt_full_reset", f.reset_supported && f.reset_reg.space == ACPI_GAS_IO &&
	      f.reset_reg.address == 0xcf9 && f.reset_value == 6);
	CHECK_U64("fadt_full_x_pm1a_cnt", f.pm1a_cnt, 0x704);
	CHECK_U64("fadt_full_x_pm1b_cnt", f.pm1b_cnt, 0x708);
	CHECK_U64("fadt_full_x_pm_timer", f.pm_timer, 0x808);
	CHECK("fadt_full_8042", f.boot_arch_valid && (f.iapc_boot_arch & FADT_BOOT_ARCH_8042));
	CHECK("fadt_full_checksum", acpi_checksum_ok(t, tlen));
	free(t);

	/* A board without a keyboard controller says so. */
	put16(109, 0);
	table_end();
	t = exact(tlen);
	CHECK("fadt_full_no_8042", acpi_parse_fadt(t, tlen, &f) == 0 && f.boot_arch_valid &&
	      !(f.iapc_boot_arch & FADT_BOOT_ARCH_8042));
	free(t);
	put16(109, 2);

	/* X_DSDT zero: DSDT is used; memory-space X_PM_TMR_BLK: PM_TMR_BLK. */
	put64(140, 0);
	put_gas(208, ACPI_GAS_MEMORY, 32, 0xfed00000ull);
	table_end();
	t = exact(tlen);
	CHECK("fadt_x_dsdt_zero", acpi_parse_fadt(t, tlen, &f) == 0 && f.dsdt == 0x1000);
	CHECK_U64("fadt_mem_pm_timer_falls_back", f.pm_timer, 0x608);
	free(t);

	/* Cut in the middle of X_DSDT: the 32-bit DSDT is used. */
	put64(140, 0x123456789ull);
	tlen = 144;
	table_end();
	t = exact(tlen);
	CHECK("fadt_x_dsdt_cut", acpi_parse_fadt(t, tlen, &f) == 0 && f.dsdt == 0x1000 && f.reset_supported);
	free(t);

	/* Reset register without RESET_REG_SUP. */
	tlen = 276;
	put32(112, 0);
	table_end();
	t = exact(tlen);
	CHECK("fadt_reset_not_supported", acpi_parse_fadt(t, tlen, &f) == 0 && !f.reset_supported);
	free(t);
}

static void test_hpet(void)
{
	struct hpet_info h;
	uint8_t *t;

	table_start("HPET", 56);
	put32(36, 0x8086a201);
	put_gas(40, ACPI_GAS_MEMORY, 64, 0xfed00000);
	put8(52, 0);
	put16(53, 128);
	table_end();
	t = exact(tlen);
	CHECK("hpet_ok", acpi_parse_hpet(t, tlen, &h) == 0);
	CHECK_U64("hpet_base", h.base, 0xfed00000);
	CHECK_U64("hpet_min_tick", h.min_tick, 128);
	CHECK("hpet_checksum", acpi_checksum_ok(t, tlen));
	free(t);
	t = exact(50);
	CHECK("hpet_too_short", acpi_parse_hpet(t, 50, &h) == -EINVAL);
	free(t);
	put_gas(40, ACPI_GAS_IO, 64, 0xfed00000);
	table_end();
	t = exact(tlen);
	CHECK("hpet_io_space_rejected", acpi_parse_hpet(t, tlen, &h) == -EINVAL);
	free(t);
}

static void test_mcfg(void)
{
	struct mcfg_entry e[4];
	unsigned n = 99;
	uint8_t *t;

	table_start("MCFG", 44);
	put64(44, 0xb0000000); put16(52, 0); put8(54, 0); put8(55, 0xff);
	put64(60, 0x4000000000ull); put16(68, 1); put8(70, 0x10); put8(71, 0x1f);
	tlen = 44 + 32;
	table_end();
	t = exact(tlen);
	CHECK("mcfg_ok", acpi_parse_mcfg(t, tlen, e, 4, &n) == 0 && n == 2);
	CHECK("mcfg_entry0", e[0].base == 0xb0000000 && e[0].segment == 0 && e[0].bus_start == 0 && e[0].bus_end == 0xff);
	CHECK("mcfg_entry1", e[1].base == 0x4000000000ull && e[1].segment == 1 && e[1].bus_start == 0x10 &&
	      e[1].bus_end == 0x1f);
	CHECK("mcfg_max", acpi_parse_mcfg(t, tlen, e, 1, &n) == 0 && n == 1);
	free(t);
	tlen = 44 + 32 + 10;   /* a third, partial entry */
	table_end();
	t = exact(tlen);
	CHECK("mcfg_partial_entry_ignored", acpi_parse_mcfg(t, tlen, e, 4, &n) == 0 && n == 2);
	free(t);
	t = exact(40);
	CHECK("mcfg_too_short", acpi_parse_mcfg(t, 40, e, 4, &n) == -EINVAL && n == 0);
	free(t);
}

static void test_checksum(void)
{
	uint8_t *t;

	table_start("SSDT", 64);
	table_end();
	t = exact(tlen);
	CHECK("checksum_good", acpi_checksum_ok(t, tlen) == 1);
	t[50] ^= 0x40;
	CHECK("checksum_bad", acpi_checksum_ok(t, tlen) == 0);
	CHECK("checksum_len_beyond_buffer", acpi_checksum_ok(t, tlen - 1) == 0);
	CHECK("checksum_tiny_buffer", acpi_checksum_ok(t, 10) == 0);
	free(t);
	put32(4, 20);   /* length shorter than a header */
	t = exact(64);
	CHECK("checksum_short_length", acpi_checksum_ok(t, 64) == 0);
	free(t);
}

/* Run acpi_find_s5 on exactly these bytes. */
static int s5(const uint8_t *aml, size_t n, uint8_t *a, uint8_t *b)
{
	uint8_t *p = malloc(n ? n : 1);
	int r;

	memcpy(p, aml, n);
	r = acpi_find_s5(p, n, a, b);
	free(p);
	return r;
}

static void test_s5(void)
{
	/* Name(\_S5, Package(4){5, 5, 0, 0}) with BytePrefix values. */
	static const uint8_t root[] = { 0x10, 0x08, 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04,
					0x0A, 0x05, 0x0A, 0x06, 0x00, 0x00 };
	/* Name(_S5, Package(4){Zero, One, ...}) without the root prefix. */
	static const uint8_t plain[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x01, 0x00, 0x00 };
	/* A two-byte PkgLength: lead 0x47 (one more byte, low nibble 7), then 0x00. */
	static const uint8_t multi[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02, 0x0A, 0x07, 0x0A, 0x03 };
	static const uint8_t garbage[] = { 0x08, '_', 'S', '5', '_', 0x0B, 0x05, 0x00 };
	static const uint8_t bad_elem[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0B, 0x05, 0x00 };
	static const uint8_t truncated[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x0A, 0x04, 0x0A, 0x05 };
	static const uint8_t cut_pkglen[] = { 0x08, '_', 'S', '5', '_', 0x12, 0xC3, 0x01 };
	static const uint8_t reserved_bits[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x71, 0x00, 0x02, 0x00, 0x00 };
	static const uint8_t one_elem[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0A, 0x05 };
	static const uint8_t none[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0x00, 0x00 };
	/* A broken _S5 first, then a good one: the good one wins. */
	static const uint8_t second[] = { 0x08, '_', 'S', '5', '_', 0x0D, 0x08, '_', 'S', '5', '_', 0x12, 0x05,
					  0x02, 0x0A, 0x02, 0x01 };
	uint8_t a = 0xEE, b = 0xEE;

	CHECK("s5_root_prefix", s5(root, sizeof(root), &a, &b) == 0 && a == 5 && b == 6);
	CHECK("s5_zero_one_ops", s5(plain, sizeof(plain), &a, &b) == 0 && a == 0 && b == 1);
	CHECK("s5_multibyte_pkglen", s5(multi, sizeof(multi), &a, &b) == 0 && a == 7 && b == 3);
	CHECK("s5_second_candidate", s5(second, sizeof(second), &a, &b) == 0 && a == 2 && b == 1);
	a = b = 0xEE;
	CHECK("s5_not_package", s5(garbage, sizeof(garbage), &a, &b) == -EINVAL);
	CHECK("s5_word_element_rejected", s5(bad_elem, sizeof(bad_elem), &a, &b) == -EINVAL);
	CHECK("s5_truncated_package", s5(truncated, sizeof(truncated), &a, &b) == -EINVAL);
	CHECK("s5_truncated_pkglen", s5(cut_pkglen, sizeof(cut_pkglen), &a, &b) == -EINVAL);
	CHECK("s5_pkglen_reserved_bits", s5(reserved_bits, sizeof(reserved_bits), &a, &b) == -EINVAL);
	CHECK("s5_one_element", s5(one_elem, sizeof(one_elem), &a, &b) == -EINVAL);
	CHECK("s5_outputs_untouched_on_error", a == 0xEE && b == 0xEE);
	CHECK("s5_not_found", s5(none, sizeof(none), &a, &b) == -ENOENT);
	CHECK("s5_empty", s5(root, 0, &a, &b) == -ENOENT);
	for (size_t n = 0; n < sizeof(root); n++) {
		int r = s5(root, n, &a, &b);

		if (r == 0) {
			CHECK("s5_every_cut_fails", 0);
			return;
		}
	}
	CHECK("s5_every_cut_fails", 1);
}

/* Random bytes through every parser: ASan/UBSan catch any stray read. */
static void test_fuzz(void)
{
	struct madt_info *m = calloc(1, sizeof(*m));
	struct fadt_info f;
	struct hpet_info h;
	struct mcfg_entry e[ACPI_MAX_MCFG];
	unsigned n;
	uint8_t a, b;

	srand(1);
	for (int round = 0; round < 2000; round++) {
		size_t len = (size_t)(rand() % 300);
		uint8_t *t;

		for (size_t i = 0; i < len; i++)
			tbl[i] = (uint8_t)(rand() % 4 == 0 ? rand() % 16 : rand());
		if (len >= 8)
			put32(4, (uint32_t)(rand() % 2 ? len : (size_t)rand() % 400));
		t = exact(len);
		acpi_checksum_ok(t, len);
		acpi_parse_madt(t, len, m);
		acpi_parse_fadt(t, len, &f);
		acpi_parse_hpet(t, len, &h);
		acpi_parse_mcfg(t, len, e, ACPI_MAX_MCFG, &n);
		acpi_find_s5(t, len, &a, &b);
		free(t);
	}
	CHECK("fuzz_no_stray_reads", 1);
	free(m);
}

int main(void)
{
	test_madt_full();
	test_madt_walk();
	test_madt_bad();
	test_madt_many_cpus();
	test_madt_duplicates();
	test_fadt_short();
	test_fadt_full();
	test_hpet();
	test_mcfg();
	test_checksum();
	test_s5();
	test_fuzz();
	return unit_exit();
}
