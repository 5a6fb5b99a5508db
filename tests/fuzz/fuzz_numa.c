/* fuzz_numa.c: libFuzzer target for src/acpi_numa.c and the FACS parser of
 * src/acpi_tables.c: the input as an SRAT (walk and parse agree, every
 * range kept is non-empty, does not wrap and overlaps no other, the node
 * list is sorted), as a
 * SLIT (the N x N matrix fits) and as a FACS. Seeds: tests/fuzz/corpus/numa. */
/* sources: src/acpi_numa.c src/acpi_tables.c */
#include <stddef.h>
#include <stdint.h>
#include "acpi.h"
#include "errno.h"
#include "string.h"

#define MIN_SZ(a, b) ((a) < (b) ? (a) : (b))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* How many entries the walk saw; -1 when it stopped at a malformed one. */
static long walk_srat(const uint8_t *data, size_t size)
{
	const uint8_t *e;
	size_t off = 0, prev = 0;
	long n = 0;
	int r;

	while ((r = acpi_srat_next(data, size, &off, &e)) > 0) {
		if (e < data + 48 || e + e[1] > data + size || off <= prev)
			__builtin_trap();
		prev = off;
		n++;
	}
	if (r != 0 && r != -EINVAL)
		__builtin_trap();
	return r ? -1 : n;
}

static void fuzz_srat(const uint8_t *data, size_t size)
{
	static struct srat_info s;
	uint32_t nodes[ACPI_MAX_CPUS + ACPI_MAX_NUMA_MEM];
	long walked = walk_srat(data, size);
	unsigned n;

	if (acpi_parse_srat(data, size, &s))
		return;
	if (s.cpu_count > ACPI_MAX_CPUS || s.mem_count > ACPI_MAX_NUMA_MEM)
		__builtin_trap();
	/* Untruncated, every entry walked is counted exactly once. */
	if (!s.truncated && (walked < 0 || (unsigned long)walked != s.cpu_count + s.duplicates + s.mem_count +
			     s.bad_ranges + s.overlaps + s.disabled + s.other))
		__builtin_trap();
	for (unsigned i = 0; i < s.mem_count; i++) {
		const struct srat_mem *m = &s.mems[i];

		if (!m->len || m->base + m->len - 1 < m->base ||
		    acpi_srat_domain_of_addr(&s, m->base) != (int64_t)m->domain ||
		    acpi_srat_domain_of_addr(&s, m->base + m->len - 1) != (int64_t)m->domain)
			__builtin_trap(); /* ranges kept never overlap: each byte has one node */
	}
	for (unsigned i = 0; i < s.cpu_count; i++)
		if (acpi_srat_domain_of_cpu(&s, s.cpus[i].apic_id) != (int64_t)s.cpus[i].domain)
			__builtin_trap(); /* each APIC ID once: the first entry is the one found */
	n = acpi_srat_domains(&s, nodes, sizeof(nodes) / sizeof(nodes[0]));
	for (unsigned i = 1; i < n; i++)
		if (nodes[i - 1] >= nodes[i])
			__builtin_trap();
}

static void fuzz_slit(const uint8_t *data, size_t size)
{
	struct slit_info s;
	struct acpi_header h;

	if (acpi_parse_slit(data, size, &s))
		return;
	memcpy(&h, data, sizeof(h));
	if (!s.localities || s.n > ACPI_MAX_NUMA_NODES || s.n > s.localities ||
	    s.localities * s.localities > MIN_SZ(size, (size_t)h.length) - 44)
		__builtin_trap();
}

static void fuzz_facs(const uint8_t *data, size_t size)
{
	struct facs_info f;

	if (acpi_parse_facs(data, size, &f) == 0 && (f.length < FACS_MIN_LEN || f.length > size))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_srat(data, size);
	fuzz_slit(data, size);
	fuzz_facs(data, size);
	return 0;
}
