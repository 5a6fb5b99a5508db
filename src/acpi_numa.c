/* acpi_numa.c: pure parsers of the NUMA tables (ACPI 6.5 5.2.16 SRAT: which
 * proximity domain each processor and memory range is in; 5.2.17 SLIT: the
 * distances between domains). QEMU: -numa node,...,memdev=... -numa dist,...; host tested. */
#include "acpi.h"
#include "errno.h"
#include "kernel.h"
#include "string.h"

/* SRAT: the header, 4 reserved bytes (1 for compatibility), 8 reserved. */
#define SRAT_ENTRIES_OFFSET 48
/* SLIT: the header, then the number of localities (8 bytes), then N x N bytes. */
#define SLIT_MATRIX_OFFSET 44
#define SLIT_LOCAL 10

/* ACPI 6.5 tables 5.59, 5.60, 5.61. */
struct srat_lapic {
	uint8_t type, length, domain_lo, apic_id;
	uint32_t flags;
	uint8_t sapic_eid, domain_hi[3];
	uint32_t clock_domain;
} __packed;
struct srat_memory {
	uint8_t type, length;
	uint32_t domain;
	uint16_t reserved;
	uint32_t base_lo, base_hi, len_lo, len_hi, reserved2, flags;
	uint64_t reserved3;
} __packed;
struct srat_x2apic {
	uint8_t type, length;
	uint16_t reserved;
	uint32_t domain, x2apic_id, flags, clock_domain, reserved2;
} __packed;
_Static_assert(sizeof(struct srat_lapic) == 16, "SRAT processor local APIC affinity");
_Static_assert(sizeof(struct srat_memory) == 40, "SRAT memory affinity");
_Static_assert(sizeof(struct srat_x2apic) == 24, "SRAT processor local x2APIC affinity");

/* The table's usable size: its header length cut to the buffer; 0 when
 * shorter than min. */
static size_t numa_extent(const void *table, size_t len, size_t min)
{
	struct acpi_header h;

	if (!table || len < sizeof(h) || len < min)
		return 0;
	memcpy(&h, table, sizeof(h));
	if (h.length < min)
		return 0;
	return MIN(len, (size_t)h.length);
}

static size_t srat_min_len(uint8_t type)
{
	switch (type) {
	case SRAT_LAPIC: return sizeof(struct srat_lapic);
	case SRAT_MEMORY: return sizeof(struct srat_memory);
	case SRAT_X2APIC: return sizeof(struct srat_x2apic);
	default: return 2;
	}
}

int acpi_srat_next(const void *table, size_t len, size_t *off, const uint8_t **entry)
{
	const uint8_t *t = table;
	size_t end = numa_extent(table, len, SRAT_ENTRIES_OFFSET);
	size_t at = *off ? *off : SRAT_ENTRIES_OFFSET;

	if (!end || at < SRAT_ENTRIES_OFFSET)
		return -EINVAL;
	if (at >= end)
		return 0;
	if (end - at < 2 || t[at + 1] < srat_min_len(t[at]) || t[at + 1] > end - at)
		return -EINVAL;
	*entry = t + at;
	*off = at + t[at + 1];
	return 1;
}

static void srat_add_cpu(struct srat_info *s, uint32_t apic_id, uint32_t domain, uint32_t flags, int x2)
{
	struct srat_cpu *c;

	if (!(flags & SRAT_ENABLED)) {
		s->disabled++;
		return;
	}
	for (unsigned i = 0; i < s->cpu_count; i++) {
		if (s->cpus[i].apic_id == apic_id) {
			s->duplicates++;
			return;
		}
	}
	if (s->cpu_count == ACPI_MAX_CPUS) {
		s->truncated = 1;
		return;
	}
	c = &s->cpus[s->cpu_count++];
	c->apic_id = apic_id;
	c->domain = domain;
	c->x2apic = (uint8_t)x2;
}

static void srat_add_mem(struct srat_info *s, const struct srat_memory *m)
{
	uint64_t base = (uint64_t)m->base_hi << 32 | m->base_lo, len = (uint64_t)m->len_hi << 32 | m->len_lo;

	if (!(m->flags & SRAT_ENABLED)) {
		s->disabled++;
		return;
	}
	if (!len || base + len - 1 < base) {
		s->bad_ranges++;
		return;
	}
	/* Two nodes cannot own the same byte: the first range listed keeps it. */
	for (unsigned i = 0; i < s->mem_count; i++) {
		if (base <= s->mems[i].base + (s->mems[i].len - 1) && s->mems[i].base <= base + (len - 1)) {
			s->overlaps++;
			return;
		}
	}
	if (s->mem_count == ACPI_MAX_NUMA_MEM) {
		s->truncated = 1;
		return;
	}
	s->mems[s->mem_count++] = (struct srat_mem){ base, len, m->domain, m->flags };
}

static void srat_entry(struct srat_info *s, const uint8_t *e)
{
	struct srat_lapic la;
	struct srat_memory mem;
	struct srat_x2apic x2;

	switch (e[0]) {
	case SRAT_LAPIC:
		memcpy(&la, e, sizeof(la));
		srat_add_cpu(s, la.apic_id, (uint32_t)la.domain_hi[2] << 24 | (uint32_t)la.domain_hi[1] << 16 |
			     (uint32_t)la.domain_hi[0] << 8 | la.domain_lo, la.flags, 0);
		break;
	case SRAT_MEMORY:
		memcpy(&mem, e, sizeof(mem));
		srat_add_mem(s, &mem);
		break;
	case SRAT_X2APIC:
		memcpy(&x2, e, sizeof(x2));
		srat_add_cpu(s, x2.x2apic_id, x2.domain, x2.flags, 1);
		break;
	default:
		s->other++;
		break;
	}
}

int acpi_parse_srat(const void *table, size_t len, struct srat_info *out)
{
	struct acpi_header h;
	const uint8_t *e;
	size_t off = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (!numa_extent(table, len, SRAT_ENTRIES_OFFSET))
		return -EINVAL;
	memcpy(&h, table, sizeof(h));
	if (h.length > len)
		out->truncated = 1;
	while ((r = acpi_srat_next(table, len, &off, &e)) > 0)
		srat_entry(out, e);
	if (r < 0)
		out->truncated = 1;
	return 0;
}

int acpi_parse_slit(const void *table, size_t len, struct slit_info *out)
{
	const uint8_t *t = table;
	size_t end = numa_extent(table, len, SLIT_MATRIX_OFFSET);
	uint64_t n;

	memset(out, 0, sizeof(*out));
	if (!end)
		return -EINVAL;
	memcpy(&n, t + sizeof(struct acpi_header), sizeof(n));
	/* N x N must fit in what is left; checked by division, N can be anything. */
	if (!n || n > end - SLIT_MATRIX_OFFSET || (end - SLIT_MATRIX_OFFSET) / n < n)
		return -EINVAL;
	out->localities = n;
	out->n = (unsigned)MIN(n, (uint64_t)ACPI_MAX_NUMA_NODES);
	for (unsigned i = 0; i < out->n; i++)
		for (unsigned j = 0; j < out->n; j++)
			out->dist[i][j] = t[SLIT_MATRIX_OFFSET + i * n + j];
	for (unsigned i = 0; i < out->n; i++) {
		out->self_not_10 |= out->dist[i][i] != SLIT_LOCAL;
		for (unsigned j = 0; j < i; j++)
			out->asymmetric |= out->dist[i][j] != out->dist[j][i];
	}
	return 0;
}

int64_t acpi_srat_domain_of_cpu(const struct srat_info *s, uint32_t apic_id)
{
	for (unsigned i = 0; i < s->cpu_count; i++)
		if (s->cpus[i].apic_id == apic_id)
			return s->cpus[i].domain;
	return -1;
}

int64_t acpi_srat_domain_of_addr(const struct srat_info *s, uint64_t addr)
{
	for (unsigned i = 0; i < s->mem_count; i++)
		if (addr >= s->mems[i].base && addr - s->mems[i].base < s->mems[i].len)
			return s->mems[i].domain;
	return -1;
}

/* Insert d into the ascending list out[0..n) unless there; returns the new n. */
static unsigned numa_insert(uint32_t *out, unsigned n, unsigned max, uint32_t d)
{
	unsigned i = 0;

	while (i < n && out[i] < d)
		i++;
	if ((i < n && out[i] == d) || n == max)
		return n;
	memmove(out + i + 1, out + i, (n - i) * sizeof(*out));
	out[i] = d;
	return n + 1;
}

unsigned acpi_srat_domains(const struct srat_info *s, uint32_t *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->cpu_count; i++)
		n = numa_insert(out, n, max, s->cpus[i].domain);
	for (unsigned i = 0; i < s->mem_count; i++)
		n = numa_insert(out, n, max, s->mems[i].domain);
	return n;
}
