/* cmd_cpu_detail.c: the parts of the cpu command the tiny profile leaves
 * out: hypervisor, CPUID limits, address sizes, feature names, caches and
 * topology of the boot core (cpu_detail.c), the TSC and bus clocks, and
 * the table of cores.
 * Exercised by tests/expect/cpu.exp with QEMU -cpu qemu64, max, Westmere, EPYC. */
#include "console.h"
#include "cpu.h"
#include "kernel.h"
#include "monitor.h"
#include "smp.h"
#include "string.h"
#include "timer.h"

#define CPU_INDENT 12 /* width of the labels: "features:   " */
#define CPU_WRAP 76

static const char *cpu_plural(uint64_t n) { return n == 1 ? "" : "s"; }

/* Feature names separated by spaces, wrapped before column CPU_WRAP. */
static void cpu_print_features(const struct cpu_info *ci)
{
	unsigned col = CPU_INDENT - 1, n = 0;

	kprintf("%-*s", CPU_INDENT - 1, "features:");
	for (unsigned f = 0; f < CPU_FEAT_COUNT; f++) {
		const char *name = cpu_feature_name((enum cpu_feature)f);
		unsigned len;

		if (!name || !cpu_has(ci, (enum cpu_feature)f))
			continue;
		len = (unsigned)strlen(name);
		if (n++ && col + 1 + len > CPU_WRAP) {
			kprintf("\n%*s", CPU_INDENT - 1, "");
			col = CPU_INDENT - 1;
		}
		kprintf(" %s", name);
		col += 1 + len;
	}
	kprintf("%s\n", n ? "" : " (none)");
}

/* The online cores sharing c with the boot core: CPUID gives only how many
 * APIC IDs the cache's group spans, not how many of them exist. */
static unsigned cpu_cache_online_sharers(const struct cpu_info *ci, const struct cpu_cache *c)
{
	static uint32_t ids[SMP_MAX_CORES];
	unsigned n = 0;

	for (unsigned i = 0; i < smp_core_count() && n < SMP_MAX_CORES; i++) {
		const struct core_info *core = smp_core(i);

		if (core && core->state != CORE_OFFLINE)
			ids[n++] = core->apic_id;
	}
	if (!n)
		ids[n++] = ci->apic_id; /* before smp_init: the boot core alone */
	return cpu_cache_sharers(c, ci->apic_id, ids, n);
}

/* "L1d 32 KiB 8-way 64 B line, shared by 2 threads" */
static void cpu_print_cache(const struct cpu_info *ci, const struct cpu_cache *c)
{
	unsigned sharers = cpu_cache_online_sharers(ci, c);

	const char *suffix = c->type == CPU_CACHE_DATA ? "d" : c->type == CPU_CACHE_INSTRUCTION ? "i" : "";

	if (c->size_kib >= 1024 && !(c->size_kib % 1024))
		kprintf("L%u%s %u MiB", c->level, suffix, c->size_kib / 1024);
	else
		kprintf("L%u%s %u KiB", c->level, suffix, c->size_kib);
	if (c->ways == CPU_WAYS_FULL)
		kprintf(" fully associative");
	else if (c->ways)
		kprintf(" %u-way", c->ways);
	kprintf(" %u B line", c->line);
	if (sharers > 1)
		kprintf(", shared by %u threads", sharers);
	else if (sharers == 1)
		kprintf(", not shared");
	kprintf("\n");
}

static void cpu_print_caches(const struct cpu_info *ci)
{
	if (!ci->cache_count) {
		kprintf("caches:     not reported\n");
		return;
	}
	for (unsigned i = 0; i < ci->cache_count; i++) {
		kprintf("%-*s", CPU_INDENT, i ? "" : "caches:");
		cpu_print_cache(ci, &ci->caches[i]);
	}
	kprintf("%*s(from %s)\n", CPU_INDENT, "", ci->cache_source);
}

static void cpu_print_mhz(uint64_t hz)
{
	kprintf("%llu.%03llu MHz", ull(hz / 1000000), ull(hz / 1000 % 1000));
}

static void cpu_print_clocks(const struct cpu_info *ci)
{
	uint64_t tsc = timer_tsc_hz(), bus = timer_lapic_hz();

	kprintf("tsc:        ");
	if (tsc) {
		cpu_print_mhz(tsc);
		kprintf(" in use");
	} else {
		kprintf("not calibrated yet");
	}
	kprintf("; CPUID: ");
	if (ci->tsc_hz) {
		cpu_print_mhz(ci->tsc_hz);
		kprintf(" (%s)", ci->tsc_source);
	} else {
		kprintf("not reported");
	}
	kprintf("; %s\n", cpu_has(ci, CPU_FEAT_INVARIANT_TSC) ? "invariant" : "not invariant");
	kprintf("bus:        ");
	if (bus) {
		cpu_print_mhz(bus);
		kprintf(" (local APIC timer clock)");
	} else {
		kprintf("unknown");
	}
	if (ci->bus_mhz)
		kprintf("; CPUID: %u MHz (leaf 0x16)", ci->bus_mhz);
	kprintf("\n");
}

void cpu_print_detail(const struct cpu_info *ci)
{
	if (ci->hv_vendor[0])
		kprintf("hypervisor: %s (max leaf 0x%x)\n", ci->hv_vendor, ci->hv_max_leaf);
	else
		kprintf("hypervisor: %s\n", cpu_has(ci, CPU_FEAT_HYPERVISOR) ? "present, no vendor" : "none");
	kprintf("cpuid:      max leaf 0x%x, max extended leaf 0x%x\n", ci->max_leaf, ci->max_ext_leaf);
	if (ci->phys_bits)
		kprintf("address:    %u-bit physical, %u-bit virtual\n", ci->phys_bits, ci->virt_bits);
	cpu_print_features(ci);
	cpu_print_caches(ci);
	kprintf("topology:   %u thread%s per core, %u logical processor%s per package (from %s)\n",
		ci->threads_per_core, cpu_plural(ci->threads_per_core), ci->logical_per_package,
		cpu_plural(ci->logical_per_package), ci->topo_source);
	cpu_print_clocks(ci);
}

void cpu_print_core_table(void)
{
	unsigned n = smp_core_count();

	kprintf("  core  apic  state     runs  last ran\n");
	for (unsigned i = 0; i < n; i++) {
		const struct core_info *c = smp_core(i);

		if (!c)
			continue;
		kprintf("  %4u  %4u  %-8s %5llu  %s\n", i, c->apic_id, smp_state_name(c->state), ull(c->runs),
			i == smp_this_core() ? "(monitor)" : c->last_work ? c->last_work : "-");
	}
}
