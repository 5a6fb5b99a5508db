/* test_acpi_numa.c: host tests of src/acpi_numa.c (SRAT and SLIT) and the
 * FACS parser and FADT FIRMWARE_CTRL of src/acpi_tables.c: the layout QEMU
 * builds for -numa (2 nodes, the 640 KiB hole, a disabled filler entry),
 * x2APIC entries, 32-bit domains, disabled, duplicate, overlapping and
 * wrapping entries,
 * truncated and malformed tables, SLITs too short for their N x N matrix. */
/* sources: src/acpi_numa.c src/acpi_tables.c */
#include <stdint.h>
#include <stdlib.h>
#include "acpi.h"
#include "errno.h"
#include "unit.h"
#include "acpi_build.h"

static void srat_lapic(uint8_t apic, uint32_t domain, uint32_t flags)
{
	uint8_t *e = tbl + tlen;

	e[0] = SRAT_LAPIC, e[1] = 16, e[2] = (uint8_t)domain, e[3] = apic;
	memcpy(e + 4, &flags, 4);
	e[9] = (uint8_t)(domain >> 8), e[10] = (uint8_t)(domain >> 16), e[11] = (uint8_t)(domain >> 24);
	tlen += 16;
}

static void srat_x2apic(uint32_t apic, uint32_t domain, uint32_t flags)
{
	uint8_t *e = tbl + tlen;

	e[0] = SRAT_X2APIC, e[1] = 24;
	memcpy(e + 4, &domain, 4);
	memcpy(e + 8, &apic, 4);
	memcpy(e + 12, &flags, 4);
	tlen += 24;
}

static void srat_mem(uint64_t base, uint64_t len, uint32_t domain, uint32_t flags)
{
	uint8_t *e = tbl + tlen;

	e[0] = SRAT_MEMORY, e[1] = 40;
	memcpy(e + 2, &domain, 4);
	memcpy(e + 8, &base, 8);
	memcpy(e + 16, &len, 8);
	memcpy(e + 28, &flags, 4);
	tlen += 40;
}

/* What QEMU 7.2 builds for -smp 4 -m 512 with nodes 0 (cpus 0-1) and 1 (cpus 2-3), 256 MiB each. */
static void build_qemu_srat(void)
{
	table_start("SRAT", 48);
	put32(36, 1);
	for (uint8_t i = 0; i < 4; i++)
		srat_lapic(i, i / 2, SRAT_ENABLED);
	srat_mem(0, 0xA0000, 0, SRAT_ENABLED);
	srat_mem(0x100000, 0xFF00000, 0, SRAT_ENABLED);
	srat_mem(0x10000000, 0x10000000, 1, SRAT_ENABLED);
	srat_mem(0, 0, 0, 0);
	table_end();
}

static void test_srat_qemu(void)
{
	static struct srat_info s;
	uint32_t nodes[4];
	uint8_t *t;

	build_qemu_srat();
	t = exact(tlen);
	CHECK_U64("srat_qemu_parse", acpi_parse_srat(t, tlen, &s), 0);
	CHECK_U64("srat_qemu_cpus", s.cpu_count, 4);
	CHECK("srat_qemu_cpu_domains", s.cpus[0].domain == 0 && s.cpus[1].domain == 0 && s.cpus[2].domain == 1 &&
	      s.cpus[3].domain == 1 && s.cpus[3].apic_id == 3 && !s.cpus[0].x2apic);
	CHECK_U64("srat_qemu_mems", s.mem_count, 3);
	CHECK("srat_qemu_mem1", s.mems[1].base == 0x100000 && s.mems[1].len == 0xFF00000 && s.mems[1].domain == 0);
	CHECK_U64("srat_qemu_disabled", s.disabled, 1);
	CHECK("srat_qemu_clean", !s.truncated && !s.duplicates && !s.bad_ranges && !s.other);
	CHECK_U64("srat_qemu_domains", acpi_srat_domains(&s, nodes, 4), 2);
	CHECK("srat_qemu_domain_list", nodes[0] == 0 && nodes[1] == 1);
	CHECK_U64("srat_domain_of_cpu", acpi_srat_domain_of_cpu(&s, 2), 1);
	CHECK("srat_domain_of_missing_cpu", acpi_srat_domain_of_cpu(&s, 9) == -1);
	CHECK_U64("srat_domain_of_addr_low", acpi_srat_domain_of_addr(&s, 0x9FFFF), 0);
	CHECK("srat_domain_of_addr_hole", acpi_srat_domain_of_addr(&s, 0xA0000) == -1);
	CHECK_U64("srat_domain_of_addr_node1", acpi_srat_domain_of_addr(&s, 0x1FFFFFFF), 1);
	CHECK("srat_domain_of_addr_past", acpi_srat_domain_of_addr(&s, 0x20000000) == -1);
	free(t);
}

static void test_srat_odd(void)
{
	static struct srat_info s;
	uint32_t nodes[8];
	uint8_t *t;

	table_start("SRAT", 48);
	srat_x2apic(0x100, 7, SRAT_ENABLED);
	srat_lapic(5, 0x01020304, SRAT_ENABLED);       /* a 32-bit domain split in 4 bytes */
	srat_lapic(5, 3, SRAT_ENABLED);                /* the same APIC ID again */
	srat_lapic(6, 3, 0);                           /* disabled */
	srat_mem(0xFFFFFFFFFFFFF000ull, 0x2000, 2, SRAT_ENABLED); /* wraps past 2^64 */
	srat_mem(0x1000, 0, 2, SRAT_ENABLED);          /* empty */
	srat_mem(0x40000000, 0x40000000, 7, SRAT_ENABLED | SRAT_MEM_HOTPLUG);
	srat_mem(0x7FFFF000, 0x1000, 2, SRAT_ENABLED);  /* the last page of the one before */
	srat_mem(0x3FFFF000, 0x1000, 2, SRAT_ENABLED);  /* just below it: kept */
	tbl[tlen] = 5, tbl[tlen + 1] = 32;            /* a generic initiator: skipped */
	tlen += 32;
	table_end();
	t = exact(tlen);
	CHECK_U64("srat_odd_parse", acpi_parse_srat(t, tlen, &s), 0);
	CHECK("srat_odd_x2apic", s.cpu_count == 2 && s.cpus[0].apic_id == 0x100 && s.cpus[0].x2apic &&
	      s.cpus[0].domain == 7);
	CHECK_U64("srat_odd_domain_32bit", s.cpus[1].domain, 0x01020304);
	CHECK("srat_odd_counts", s.duplicates == 1 && s.disabled == 1 && s.bad_ranges == 2 && s.other == 1);
	CHECK("srat_odd_hotplug", s.mem_count == 2 && (s.mems[0].flags & SRAT_MEM_HOTPLUG));
	CHECK("srat_odd_overlap", s.overlaps == 1 && s.mems[1].base == 0x3FFFF000 && s.mems[1].domain == 2);
	CHECK_U64("srat_odd_domains", acpi_srat_domains(&s, nodes, 8), 3);
	CHECK("srat_odd_domains_sorted", nodes[0] == 2 && nodes[1] == 7 && nodes[2] == 0x01020304);
	CHECK_U64("srat_odd_domains_capped", acpi_srat_domains(&s, nodes, 1), 1);
	free(t);
}

static void test_srat_bad(void)
{
	static struct srat_info s;
	const uint8_t *e;
	size_t off = 0;
	uint8_t *t;

	build_qemu_srat();
	/* The header claims more than there is: the walk stops at the buffer. */
	t = exact(tlen - 60);
	CHECK_U64("srat_cut_parse", acpi_parse_srat(t, tlen - 60, &s), 0);
	CHECK("srat_cut_truncated", s.truncated && s.mem_count == 2);
	free(t);
	/* An entry length of 0 or shorter than its type: malformed, stop. */
	build_qemu_srat();
	tbl[48 + 16 + 1] = 0;
	t = exact(tlen);
	CHECK_U64("srat_zero_len_parse", acpi_parse_srat(t, tlen, &s), 0);
	CHECK("srat_zero_len_stops", s.truncated && s.cpu_count == 1);
	free(t);
	build_qemu_srat();
	tbl[48 + 4 * 16 + 1] = 24; /* a memory entry claiming 24 bytes */
	t = exact(tlen);
	CHECK("srat_short_mem_stops", !acpi_parse_srat(t, tlen, &s) && s.truncated && s.cpu_count == 4 && !s.mem_count);
	free(t);
	/* An entry running past the table's end. */
	build_qemu_srat();
	tbl[tlen - 40 + 1] = 48;
	t = exact(tlen);
	CHECK("srat_overlong_stops", !acpi_parse_srat(t, tlen, &s) && s.truncated && s.mem_count == 3);
	free(t);
	/* Too short for the reserved fields; NULL. */
	table_start("SRAT", 40);
	table_end();
	t = exact(tlen);
	CHECK_U64("srat_too_short", acpi_parse_srat(t, tlen, &s), (uint64_t)-EINVAL);
	CHECK_U64("srat_next_too_short", acpi_srat_next(t, tlen, &off, &e), (uint64_t)-EINVAL);
	free(t);
	CHECK_U64("srat_null", acpi_parse_srat(NULL, 100, &s), (uint64_t)-EINVAL);
}

/* More processors than kept: the first ACPI_MAX_CPUS, marked truncated. */
static void test_srat_many(void)
{
	static uint8_t big[48 + 300 * 16];
	static struct srat_info s;
	uint32_t len = sizeof(big);

	memset(big, 0, sizeof(big));
	memcpy(big, "SRAT", 4);
	memcpy(big + 4, &len, 4);
	for (unsigned i = 0; i < 300; i++) {
		uint8_t *e = big + 48 + i * 16;
		e[0] = SRAT_LAPIC, e[1] = 16, e[3] = (uint8_t)i, e[4] = 1; /* APIC IDs repeat past 255 */
	}
	CHECK_U64("srat_many_parse", acpi_parse_srat(big, sizeof(big), &s), 0);
	CHECK("srat_many_kept", s.cpu_count == 256 && s.duplicates == 44 && !s.truncated);
}

static void build_slit(uint64_t n, const uint8_t *m, size_t mlen)
{
	table_start("SLIT", 44);
	put64(36, n);
	memcpy(tbl + 44, m, mlen);
	tlen += mlen;
	table_end();
}

static void test_slit(void)
{
	static const uint8_t two[] = { 10, 21, 21, 10 }, odd[] = { 10, 20, 30, 11 };
	struct slit_info s;
	uint8_t *t;

	build_slit(2, two, sizeof(two));
	t = exact(tlen);
	CHECK_U64("slit_parse", acpi_parse_slit(t, tlen, &s), 0);
	CHECK("slit_values", s.localities == 2 && s.n == 2 && s.dist[0][1] == 21 && s.dist[1][0] == 21 &&
	      s.dist[1][1] == 10 && !s.self_not_10 && !s.asymmetric);
	free(t);
	build_slit(2, odd, sizeof(odd));
	t = exact(tlen);
	CHECK("slit_odd_flags", !acpi_parse_slit(t, tlen, &s) && s.self_not_10 && s.asymmetric);
	free(t);
	/* N x N past the table: 3 x 3 in 4 bytes; a huge N whose square wraps. */
	build_slit(3, two, sizeof(two));
	t = exact(tlen);
	CHECK_U64("slit_too_short", acpi_parse_slit(t, tlen, &s), (uint64_t)-EINVAL);
	free(t);
	build_slit(0x100000001ull, two, sizeof(two));
	t = exact(tlen);
	CHECK_U64("slit_square_wraps", acpi_parse_slit(t, tlen, &s), (uint64_t)-EINVAL);
	free(t);
	build_slit(0, two, 0);
	t = exact(tlen);
	CHECK_U64("slit_zero", acpi_parse_slit(t, tlen, &s), (uint64_t)-EINVAL);
	free(t);
	/* Header length past the buffer: only the buffer counts. */
	build_slit(2, two, sizeof(two));
	t = exact(tlen - 1);
	CHECK_U64("slit_cut", acpi_parse_slit(t, tlen - 1, &s), (uint64_t)-EINVAL);
	free(t);
}

/* 20 localities: the first 16 kept, read at the right stride. */
static void test_slit_large(void)
{
	static uint8_t m[20 * 20];
	struct slit_info s;
	uint8_t *t;

	for (unsigned i = 0; i < 20; i++)
		for (unsigned j = 0; j < 20; j++)
			m[i * 20 + j] = (uint8_t)(i == j ? 10 : 20 + i + j);
	build_slit(20, m, sizeof(m));
	t = exact(tlen);
	CHECK_U64("slit_large_parse", acpi_parse_slit(t, tlen, &s), 0);
	CHECK("slit_large_kept", s.localities == 20 && s.n == ACPI_MAX_NUMA_NODES && s.dist[15][14] == 49 &&
	      s.dist[3][3] == 10 && !s.self_not_10 && !s.asymmetric);
	free(t);
}

static void test_facs(void)
{
	struct facs_info f;
	uint8_t *t;

	memset(tbl, 0, sizeof(tbl));
	memcpy(tbl, "FACS", 4);
	put32(4, 64);
	put32(8, 0x1234);
	put32(12, 0x9F000);
	put32(16, FACS_LOCK_OWNED);
	put32(20, FACS_FLAG_S4BIOS);
	put64(24, 0x100000000ull);
	tbl[32] = 2;
	t = exact(64);
	CHECK_U64("facs_parse", acpi_parse_facs(t, 64, &f), 0);
	CHECK("facs_values", f.length == 64 && f.hw_signature == 0x1234 && f.waking_vector == 0x9F000 &&
	      f.global_lock == FACS_LOCK_OWNED && f.flags == FACS_FLAG_S4BIOS && f.x_waking_vector == 0x100000000ull &&
	      f.version == 2);
	CHECK_U64("facs_short_buffer", acpi_parse_facs(t, 63, &f), (uint64_t)-EINVAL);
	free(t);
	put32(4, 32); /* shorter than its own fields */
	t = exact(64);
	CHECK_U64("facs_short_length", acpi_parse_facs(t, 64, &f), (uint64_t)-EINVAL);
	free(t);
	put32(4, 64);
	memcpy(tbl, "FACP", 4);
	t = exact(64);
	CHECK_U64("facs_bad_signature", acpi_parse_facs(t, 64, &f), (uint64_t)-EINVAL);
	free(t);
	CHECK_U64("facs_null", acpi_parse_facs(NULL, 64, &f), (uint64_t)-EINVAL);
}

/* FIRMWARE_CTRL (offset 36), or X_FIRMWARE_CTRL (132) when set. */
static void test_fadt_facs(void)
{
	struct fadt_info fi;
	uint8_t *t;

	table_start("FACP", 244);
	tbl[8] = 3;
	put32(36, 0x1FFE0000);
	table_end();
	t = exact(tlen);
	CHECK("fadt_facs_32", !acpi_parse_fadt(t, tlen, &fi) && fi.facs == 0x1FFE0000);
	free(t);
	put64(132, 0x123456789000ull);
	table_end();
	t = exact(tlen);
	CHECK("fadt_facs_x", !acpi_parse_fadt(t, tlen, &fi) && fi.facs == 0x123456789000ull);
	free(t);
	table_start("FACP", 116); /* ACPI 1.0: no X_FIRMWARE_CTRL */
	put32(36, 0xE0000);
	table_end();
	t = exact(tlen);
	CHECK("fadt_facs_acpi1", !acpi_parse_fadt(t, tlen, &fi) && fi.facs == 0xE0000);
	free(t);
}

int main(void)
{
	test_srat_qemu();
	test_srat_odd();
	test_srat_bad();
	test_srat_many();
	test_slit();
	test_slit_large();
	test_facs();
	test_fadt_facs();
	return unit_exit();
}
