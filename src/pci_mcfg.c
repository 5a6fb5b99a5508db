/* pci_mcfg.c: does an MCFG allocation (PCI Firmware 3.2 4.1.2; PCIe Base
 * 4.0 7.2.2 for the 1 MiB a bus) hold up before pci_ecam.c maps it: a pure
 * check, host unit-tested and fuzzed. QEMU: -M pc -acpitable sig=MCFG,file=...
 * gives a made-up table; -M q35 a good one. */
#include "acpi.h"
#include "bootinfo.h"
#include "console.h"
#include "errno.h"
#include "pci.h"

#define ECAM_BUS_SPAN (1ull << 20)   /* 32 devices x 8 functions x 4 KiB */
#define DEFAULT_PHYS_BITS 36        /* CPUs that do not say (CPUID 0x80000008) */
#define CANONICAL_LIMIT (1ull << 47) /* the kernel maps device memory 1:1 */

/* Memory types that are RAM the kernel or firmware keeps data in. */
static int mcfg_is_ram(uint32_t type)
{
	return type == MEM_USABLE || type == MEM_ACPI || type == MEM_NVS || type == MEM_PERSISTENT ||
	       type == MEM_PERSISTENT_OEM;
}

static int mcfg_why(char *why, size_t whysz, int err, const char *fmt, unsigned long long a,
		    unsigned long long b)
{
	if (why && whysz)
		ksnprintf(why, whysz, fmt, a, b);
	return err;
}

/* The window's RAM overlap, if any: 0, or -EINVAL with the RAM range. */
static int mcfg_check_ram(uint64_t start, uint64_t end, const struct mmap_entry *map, unsigned n,
			  char *why, size_t whysz)
{
	for (unsigned i = 0; map && i < n; i++) {
		uint64_t b = map[i].base, e = map[i].base + map[i].len;

		if (!mcfg_is_ram(map[i].type) || !map[i].len)
			continue;
		if (e < b)
			e = UINT64_MAX;
		if (b < end && start < e)
			return mcfg_why(why, whysz, -EINVAL, "its window overlaps RAM at %llx-%llx",
					(unsigned long long)b, (unsigned long long)(e - 1));
	}
	return 0;
}

int pci_mcfg_check(const struct mcfg_entry *m, unsigned phys_bits, const struct mmap_entry *map,
		   unsigned n, char *why, size_t whysz)
{
	uint64_t start, end, limit;

	if (why && whysz)
		why[0] = 0;
	if (m->bus_end < m->bus_start)
		return mcfg_why(why, whysz, -EINVAL, "bus range %02llx-%02llx is reversed", m->bus_start, m->bus_end);
	if (!m->base)
		return mcfg_why(why, whysz, -EINVAL, "base address 0", 0, 0);
	if (m->base % ECAM_BUS_SPAN)
		return mcfg_why(why, whysz, -EINVAL, "base %llx is not 1 MiB-aligned", m->base, 0);
	/* bits 63:47 all equal (Intel SDM vol. 1 3.3.7.1) */
	if ((m->base >> 47) && (m->base >> 47) != 0x1FFFF)
		return mcfg_why(why, whysz, -EINVAL, "base %llx is not a canonical address", m->base, 0);
	start = m->base + (uint64_t)m->bus_start * ECAM_BUS_SPAN;
	end = m->base + ((uint64_t)m->bus_end + 1) * ECAM_BUS_SPAN;
	if (!phys_bits || phys_bits > 52)
		phys_bits = DEFAULT_PHYS_BITS;
	limit = 1ull << phys_bits;
	if (end > limit || end < start)
		return mcfg_why(why, whysz, -EINVAL, "window end %llx is past the %llu-bit physical address width",
				end - 1, phys_bits);
	if (end > CANONICAL_LIMIT)
		return mcfg_why(why, whysz, -EINVAL, "window end %llx is past the 128 TiB the kernel maps", end - 1, 0);
	return mcfg_check_ram(start, end, map, n, why, whysz);
}
