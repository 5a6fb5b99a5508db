/* cmd_cpu_detail.c: the parts of the cpu command the tiny profile leaves
 * out: feature names, caches and topology of the boot core (cpu_detail.c).
 * Exercised by tests/expect/cpu.exp with QEMU -cpu qemu64, max, Westmere, EPYC. */
#include "console.h"
#include "cpu.h"
#include "kernel.h"
#include "monitor.h"
#include "smp.h"
#include "string.h"

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

void cpu_print_detail(const struct cpu_info *ci)
{
	cpu_print_features(ci);
	cpu_print_caches(ci);
	kprintf("topology:   %u thread%s per core, %u logical processor%s per package (from %s)\n",
		ci->threads_per_core, cpu_plural(ci->threads_per_core), ci->logical_per_package,
		cpu_plural(ci->logical_per_package), ci->topo_source);
}
