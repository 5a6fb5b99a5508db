/* cmd_numa.c: the NUMA lines of cpu, mem and `acpi SRAT|SLIT` (ACPI 6.5
 * 5.2.16-17): a node is a proximity domain, numbered as the SRAT numbers it;
 * the SRAT's APIC IDs are checked against the cores the MADT gave. QEMU:
 * -numa node,nodeid=N,cpus=A-B,memdev=M -numa dist,src=S,dst=D,val=V. */
#include "acpi.h"
#include "bootinfo.h"
#include "console.h"
#include "kernel.h"
#include "monitor.h"
#include "smp.h"
#include "string.h"

#define NUMA_MAX_SHOWN 64 /* nodes listed */

/* Bytes as `mem` gives sizes: whole MiB from 1 MiB up, else KiB. */
static void numa_print_size(uint64_t bytes)
{
	if (bytes >= MiB)
		kprintf("%llu MiB", ull(bytes / MiB));
	else
		kprintf("%llu KiB", ull(bytes / KiB));
}

/* The core index with this APIC ID, or -1. */
static int numa_core_of_apic(uint32_t apic_id)
{
	for (unsigned i = 0; i < smp_core_count(); i++) {
		const struct core_info *c = smp_core(i);

		if (c && c->apic_id == apic_id)
			return (int)i;
	}
	return -1;
}

/* "; distances 10 21" from the SLIT row of node d, when it has one. */
static void numa_print_distances(uint32_t d)
{
	const struct slit_info *sl = acpi_slit();

	if (!sl || d >= sl->n)
		return;
	kprintf("; distances");
	for (unsigned j = 0; j < sl->n; j++)
		kprintf(" %u", sl->dist[d][j]);
}

/* "cores 0 1 (APIC IDs 0 1)" of node d: the SRAT's processors that exist. */
static void numa_print_node_cores(const struct srat_info *s, uint32_t d)
{
	unsigned n = 0;

	kprintf("cores");
	for (unsigned i = 0; i < smp_core_count(); i++) {
		const struct core_info *c = smp_core(i);

		if (c && acpi_srat_domain_of_cpu(s, c->apic_id) == (int64_t)d) {
			kprintf(" %u", i);
			n++;
		}
	}
	if (!n) {
		kprintf(" none");
		return;
	}
	kprintf(" (APIC IDs");
	for (unsigned i = 0; i < smp_core_count(); i++) {
		const struct core_info *c = smp_core(i);

		if (c && acpi_srat_domain_of_cpu(s, c->apic_id) == (int64_t)d)
			kprintf(" %u", c->apic_id);
	}
	kprintf(")");
}

/* Usable RAM of the memory map inside [base, base + len). */
static uint64_t numa_ram_in(uint64_t base, uint64_t len)
{
	uint64_t sum = 0, end = base + len;

	for (unsigned i = 0; i < boot_info.mmap_count; i++) {
		const struct mmap_entry *e = &boot_info.mmap[i];
		uint64_t lo = MAX(e->base, base), hi = MIN(e->base + e->len, end);

		if (e->type == MEM_USABLE && hi > lo)
			sum += hi - lo;
	}
	return sum;
}

/* "memory 0000000000000000-000000000009ffff 0000000000100000-...; RAM 255 MiB". */
static void numa_print_node_memory(const struct srat_info *s, uint32_t d)
{
	uint64_t ram = 0;
	unsigned n = 0;

	kprintf("memory");
	for (unsigned i = 0; i < s->mem_count; i++) {
		const struct srat_mem *m = &s->mems[i];

		if (m->domain != d)
			continue;
		kprintf(" %016llx-%016llx%s", ull(m->base), ull(m->base + m->len - 1),
			m->flags & SRAT_MEM_HOTPLUG ? " (hot-pluggable)" : "");
		ram += numa_ram_in(m->base, m->len);
		n++;
	}
	if (!n) {
		kprintf(" none");
		return;
	}
	kprintf("; RAM ");
	numa_print_size(ram);
}

/* The SRAT's processors that name no core, and the cores in no node. */
static void numa_print_mismatches(const struct srat_info *s)
{
	for (unsigned i = 0; i < s->cpu_count; i++)
		if (numa_core_of_apic(s->cpus[i].apic_id) < 0)
			kprintf("  SRAT names APIC ID %u (node %u): no such core; ignored\n", s->cpus[i].apic_id,
				s->cpus[i].domain);
	for (unsigned i = 0; i < smp_core_count(); i++) {
		const struct core_info *c = smp_core(i);

		if (c && acpi_srat_domain_of_cpu(s, c->apic_id) < 0)
			kprintf("  core %u (APIC ID %u) is in no node of the SRAT\n", i, c->apic_id);
	}
}

/* Is there a table with this signature, usable or not? */
static int numa_table_listed(const char *sig)
{
	for (unsigned i = 0; i < acpi_table_count(); i++)
		if (!memcmp(acpi_table(i)->sig, sig, 4))
			return 1;
	return 0;
}

/* The first line: how many nodes, and what the SLIT says about itself. */
static unsigned numa_header(const char *label, uint32_t *nodes)
{
	const struct srat_info *s = acpi_srat();
	const struct slit_info *sl = acpi_slit();
	unsigned n;

	if (!s) {
		kprintf("%s one node (%s)\n", label,
			numa_table_listed("SRAT") ? "the SRAT is damaged (see acpi): not used" : "no SRAT");
		return 0;
	}
	n = acpi_srat_domains(s, nodes, NUMA_MAX_SHOWN);
	kprintf("%s %u node%s (SRAT)", label, n, PLURAL(n));
	if (sl) {
		kprintf("; SLIT distances to nodes 0-%u", sl->n - 1);
		if (sl->localities != n)
			kprintf(" (SLIT has %llu localities)", ull(sl->localities));
		if (sl->self_not_10)
			kprintf(" (a node's distance to itself is not 10)");
	} else {
		kprintf("; %s", numa_table_listed("SLIT") ? "the SLIT is malformed: no distances" : "no SLIT");
	}
	kprintf("%s\n", s->truncated ? "; SRAT TRUNCATED" : "");
	return n;
}

/* The header, then a line per node: what what() prints of it (its cores or
 * its memory), then its distances. */
static const struct srat_info *numa_print_nodes(const char *label,
						void (*what)(const struct srat_info *, uint32_t))
{
	const struct srat_info *s = acpi_srat();
	uint32_t nodes[NUMA_MAX_SHOWN];
	unsigned n = numa_header(label, nodes);

	for (unsigned i = 0; i < n; i++) {
		kprintf("  node %u: ", nodes[i]);
		what(s, nodes[i]);
		numa_print_distances(nodes[i]);
		kprintf("\n");
	}
	return s;
}

void numa_print_cpu(void)
{
	const struct srat_info *s = numa_print_nodes("numa:      ", numa_print_node_cores);

	if (s)
		numa_print_mismatches(s);
}

void numa_print_mem(void)
{
	const struct srat_info *s = numa_print_nodes("numa:", numa_print_node_memory);

	if (s && s->bad_ranges)
		kprintf("  SRAT: %u memory range%s of length 0 or past 2^64 ignored\n", s->bad_ranges,
			PLURAL(s->bad_ranges));
	if (s && s->overlaps)
		kprintf("  SRAT: %u memory range%s overlapping an earlier one ignored\n", s->overlaps,
			PLURAL(s->overlaps));
}

static void srat_print_entry(const uint8_t *e)
{
	uint8_t b[40];
	uint32_t u[4];
	uint64_t base, len;

	memcpy(b, e, MIN(sizeof(b), (size_t)e[1]));
	switch (e[0]) {
	case SRAT_LAPIC:
		memcpy(u, b + 4, 4);
		kprintf("  %-16s APIC ID %u, node %u, %s\n", "local APIC", b[3],
			(uint32_t)b[2] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 | (uint32_t)b[11] << 24,
			u[0] & SRAT_ENABLED ? "enabled" : "disabled");
		break;
	case SRAT_X2APIC:
		memcpy(u, b + 4, 12);
		kprintf("  %-16s APIC ID %u, node %u, %s\n", "local x2APIC", u[1], u[0],
			u[2] & SRAT_ENABLED ? "enabled" : "disabled");
		break;
	case SRAT_MEMORY:
		memcpy(u, b + 2, 4);
		memcpy(&base, b + 8, 8);
		memcpy(&len, b + 16, 8);
		memcpy(u + 1, b + 28, 4);
		kprintf("  %-16s base %016llx length %016llx, node %u, %s%s%s\n", "memory", ull(base), ull(len), u[0],
			u[1] & SRAT_ENABLED ? "enabled" : "disabled", u[1] & SRAT_MEM_HOTPLUG ? ", hot-pluggable" : "",
			u[1] & SRAT_MEM_NONVOLATILE ? ", non-volatile" : "");
		break;
	default: kprintf("  %-16s type %#x, length %u\n", "other", e[0], e[1]); break;
	}
}

void numa_print_srat(const struct acpi_header *h)
{
	const struct srat_info *s = acpi_srat();
	uint32_t nodes[NUMA_MAX_SHOWN];
	const uint8_t *e;
	size_t off = 0;
	unsigned n = numa_header("nodes:", nodes);
	int r;

	for (unsigned i = 0; i < n; i++) {
		kprintf("  node %u: ", nodes[i]);
		numa_print_node_cores(s, nodes[i]);
		kprintf("; ");
		numa_print_node_memory(s, nodes[i]);
		kprintf("\n");
	}
	if (s)
		numa_print_mismatches(s);
	kprintf("entries:\n");
	while ((r = acpi_srat_next(h, h->length, &off, &e)) > 0)
		srat_print_entry(e);
	if (r < 0)
		kprintf("  malformed entry at offset %zu: the walk stops here\n", off ? off : (size_t)48);
}

void numa_print_slit(const struct acpi_header *h)
{
	const struct slit_info *sl = acpi_slit();

	(void)h;
	if (!sl) {
		kprintf("distances: none, the table is malformed (too short for its N x N matrix)\n");
		return;
	}
	kprintf("distances (%llu localities%s):\n  from\\to", ull(sl->localities),
		sl->localities > sl->n ? ", the first 16 shown" : "");
	for (unsigned j = 0; j < sl->n; j++)
		kprintf(" %4u", j);
	kprintf("\n");
	for (unsigned i = 0; i < sl->n; i++) {
		kprintf("  %7u", i);
		for (unsigned j = 0; j < sl->n; j++)
			kprintf(" %4u", sl->dist[i][j]);
		kprintf("\n");
	}
}
