/* cmd_report_cpu.c: report's cpu, cores, memory and numa sections: what
 * cpu (CPUID, Intel SDM vol. 2A; XCR0, vol. 1 ch. 13; MSRs, vol. 4), mem
 * (the loader's memory map, Multiboot2 3.6.8) and the NUMA lines (ACPI 6.5
 * 5.2.16-17) show. QEMU: -smp 4 -m 512, -numa for nodes. */
#include "acpi.h"
#include "bootinfo.h"
#include "cpu.h"
#include "kernel.h"
#include "memown.h"
#include "mm.h"
#include "monitor.h"
#include "report.h"
#include "smp.h"
#include "timer.h"
#include "xstate.h"

static void report_caches(struct json *j, const struct cpu_info *ci)
{
	json_array_begin(j, "caches", JSON_BLOCK);
	for (unsigned i = 0; i < ci->cache_count; i++) {
		const struct cpu_cache *c = &ci->caches[i];

		json_object_begin(j, NULL, JSON_INLINE);
		json_uint(j, "level", c->level);
		json_str(j, "type", cpu_cache_type_name(c->type));
		json_uint(j, "size_kib", c->size_kib);
		if (c->ways == CPU_WAYS_FULL)
			json_str(j, "ways", "full");
		else
			report_opt_int(j, "ways", c->ways ? c->ways : -1);
		json_uint(j, "line_bytes", c->line);
		report_opt_int(j, "sharing_ids", c->sharing ? (int64_t)c->sharing : -1);
		json_object_end(j);
	}
	json_array_end(j);
	report_str_or_null(j, "cache_source", ci->cache_count ? ci->cache_source : NULL);
}

static void report_flags(struct json *j, const struct cpu_info *ci)
{
	json_array_begin(j, "flags", JSON_INLINE);
	for (unsigned f = 0; f < CPU_FEAT_COUNT; f++) {
		const char *name = cpu_feature_name((enum cpu_feature)f);

		if (name && cpu_has(ci, (enum cpu_feature)f))
			json_str(j, NULL, name);
	}
	json_array_end(j);
}

void report_cpu(struct json *j, const char *key)
{
	const struct cpu_info *ci = cpu_boot_info();

	json_object_begin(j, key, JSON_BLOCK);
	report_str_or_null(j, "vendor", ci->vendor);
	json_str(j, "model_name", ci->brand);
	json_uint(j, "family", ci->family);
	json_uint(j, "model", ci->model);
	json_uint(j, "stepping", ci->stepping);
	json_hex(j, "signature", ci->signature, 8);
	json_hex(j, "max_leaf", ci->max_leaf, 1);
	json_hex(j, "max_ext_leaf", ci->max_ext_leaf, 1);
	report_str_or_null(j, "hypervisor", ci->hv_vendor);
	report_opt_int(j, "phys_bits", ci->phys_bits ? ci->phys_bits : -1);
	report_opt_int(j, "virt_bits", ci->virt_bits ? ci->virt_bits : -1);
	report_flags(j, ci);
	report_caches(j, ci);
	json_uint(j, "threads_per_core", ci->threads_per_core);
	json_uint(j, "logical_per_package", ci->logical_per_package);
	report_opt_int(j, "tsc_hz", timer_tsc_hz() ? (int64_t)timer_tsc_hz() : -1);
	report_opt_int(j, "tsc_hz_cpuid", ci->tsc_hz ? (int64_t)ci->tsc_hz : -1);
	json_bool(j, "tsc_invariant", cpu_has(ci, CPU_FEAT_INVARIANT_TSC));
	report_opt_int(j, "bus_hz", timer_lapic_hz() ? (int64_t)timer_lapic_hz() : -1);
	report_opt_int(j, "bus_mhz_cpuid", ci->bus_mhz ? (int64_t)ci->bus_mhz : -1);
	json_hex(j, "xcr0", xstate_xcr0(), 1);
	json_uint(j, "xsave_bytes", xstate_xcr0() ? xstate_area_size() : 0);
	json_object_end(j);
}

/* Bits of an APIC ID that number n things: ceil(log2(n)). */
static unsigned report_bits(uint32_t n)
{
	unsigned b = 0;

	while ((1u << b) < n && b < 31)
		b++;
	return b;
}

/* A core's package, core and thread numbers from its APIC ID (the fields
 * CPUID's topology gives their widths). */
static void report_topo(uint32_t apic, uint32_t *pkg, uint32_t *core, uint32_t *thread)
{
	const struct cpu_info *ci = cpu_boot_info();
	unsigned tb = report_bits(ci->threads_per_core), pb = report_bits(ci->logical_per_package);

	*pkg = apic >> pb;
	*core = (apic & ((1u << pb) - 1)) >> tb;
	*thread = apic & ((1u << tb) - 1);
}

static void report_core(struct json *j, unsigned i)
{
	const struct core_info *c = smp_core(i);
	struct core_msrs msrs, *m = cpu_msrs_core(i, &msrs) ? NULL : &msrs;
	uint32_t pkg, core, thread;

	report_topo(c->apic_id, &pkg, &core, &thread);
	json_object_begin(j, NULL, JSON_INLINE);
	json_uint(j, "index", i);
	json_uint(j, "apic_id", c->apic_id);
	json_uint(j, "package", pkg);
	json_uint(j, "core", core);
	json_uint(j, "thread", thread);
	json_str(j, "state", smp_state_name(c->state));
	json_bool(j, "online", c->state != CORE_OFFLINE);
	report_opt_int(j, "tsc_khz", m ? (int64_t)m->tsc_khz : -1);
	report_opt_int(j, "aperf_khz", m ? m->aperf_khz : -1);
	report_opt_int(j, "thermal_c", m ? m->thermal_c : -1);
	report_opt_int(j, "package_thermal_c", m ? m->package_c : -1);
	if (m && m->microcode >= 0)
		json_hex(j, "microcode", (uint64_t)m->microcode, 1);
	else
		json_null(j, "microcode");
	json_object_end(j);
}

/* Distinct packages (core_mask 0) or cores (~0) among the online cores:
 * those whose numbers no earlier online core has. */
static unsigned report_distinct(uint32_t core_mask)
{
	unsigned d = 0, n = smp_core_count();

	for (unsigned i = 0; i < n; i++) {
		uint32_t p, c, t, p2, c2;
		unsigned k = 0;

		if (smp_core(i)->state == CORE_OFFLINE)
			continue;
		report_topo(smp_core(i)->apic_id, &p, &c, &t);
		for (; k < i; k++) {
			if (smp_core(k)->state == CORE_OFFLINE)
				continue;
			report_topo(smp_core(k)->apic_id, &p2, &c2, &t);
			if (p2 == p && (c2 & core_mask) == (c & core_mask))
				break;
		}
		d += k == i;
	}
	return d;
}

void report_cores(struct json *j, const char *key)
{
	unsigned n = smp_core_count();

	cpu_msrs_sample();
	json_object_begin(j, key, JSON_BLOCK);
	json_uint(j, "count", n);
	json_uint(j, "online", smp_online_count());
	json_uint(j, "packages", report_distinct(0));
	json_uint(j, "cores", report_distinct(~0u));
	json_uint(j, "threads", smp_online_count());
	json_array_begin(j, "list", JSON_BLOCK);
	for (unsigned i = 0; i < n && !report_stopped(j); i++)
		report_core(j, i);
	json_array_end(j);
	json_object_end(j);
}

static void report_map(struct json *j)
{
	json_array_begin(j, "map", JSON_BLOCK);
	for (unsigned i = 0; i < boot_info.mmap_count; i++) {
		const struct mmap_entry *e = &boot_info.mmap[i];

		json_object_begin(j, NULL, JSON_INLINE);
		json_hex(j, "base", e->base, 16);
		json_uint(j, "bytes", e->len);
		json_uint(j, "type", e->type);
		json_str(j, "type_name", bootinfo_mem_type_name(e->type));
		json_object_end(j);
	}
	json_array_end(j);
	json_bool(j, "map_truncated", boot_info.mmap_truncated);
}

static void report_owned(struct json *j)
{
	const struct memown *m;

	json_array_begin(j, "kernel_owned", JSON_BLOCK);
	for (unsigned i = 0; memown_get && (m = memown_get(i)) && !report_stopped(j); i++) {
		json_object_begin(j, NULL, JSON_INLINE);
		json_hex(j, "start", m->start, 16);
		json_uint(j, "bytes", m->end - m->start);
		json_str(j, "name", m->name);
		report_opt_int(j, "core", m->core);
		json_object_end(j);
	}
	json_array_end(j);
}

void report_memory(struct json *j, const char *key)
{
	struct mm_stats st;

	mm_get_stats(&st);
	json_object_begin(j, key, JSON_BLOCK);
	report_map(j);
	json_uint(j, "ram_bytes", st.ram_total);
	json_uint(j, "usable_bytes", st.usable);
	json_uint(j, "free_bytes", st.free);
	json_object_begin(j, "kernel", JSON_INLINE);
	json_hex(j, "image_start", (uint64_t)(uintptr_t)__kernel_start, 16);
	json_uint(j, "image_bytes", st.kernel_image);
	json_uint(j, "alloc_bytes", st.kernel_alloc);
	json_uint(j, "modules_bytes", st.reserved_mods);
	json_object_end(j);
	json_object_begin(j, "program_region", JSON_INLINE);
	json_hex(j, "start", st.region_start, 16);
	json_uint(j, "bytes", st.region_len);
	json_object_end(j);
	json_hex(j, "mapped_top", st.mapped_top, 16);
	json_uint(j, "page_bytes", st.huge_1g ? GiB : 2 * MiB);
	report_owned(j);
	json_object_end(j);
}

static void report_node(struct json *j, const struct srat_info *s, uint32_t d)
{
	const struct slit_info *sl = acpi_slit();

	json_object_begin(j, NULL, JSON_INLINE);
	json_uint(j, "id", d);
	json_array_begin(j, "cores", JSON_INLINE);
	for (unsigned i = 0; i < smp_core_count(); i++)
		if (acpi_srat_domain_of_cpu(s, smp_core(i)->apic_id) == (int64_t)d)
			json_uint(j, NULL, i);
	json_array_end(j);
	json_array_begin(j, "memory", JSON_INLINE);
	for (unsigned i = 0; i < s->mem_count; i++)
		if (s->mems[i].domain == d) {
			json_object_begin(j, NULL, JSON_INLINE);
			json_hex(j, "base", s->mems[i].base, 16);
			json_uint(j, "bytes", s->mems[i].len);
			json_object_end(j);
		}
	json_array_end(j);
	if (sl && d < sl->n) {
		json_array_begin(j, "distances", JSON_INLINE);
		for (unsigned k = 0; k < sl->n; k++)
			json_uint(j, NULL, sl->dist[d][k]);
		json_array_end(j);
	} else {
		json_null(j, "distances");
	}
	json_object_end(j);
}

void report_numa(struct json *j, const char *key)
{
	const struct srat_info *s = acpi_srat();
	static uint32_t doms[ACPI_MAX_CPUS + ACPI_MAX_NUMA_MEM];
	unsigned n = s ? acpi_srat_domains(s, doms, ARRAY_SIZE(doms)) : 0;

	json_object_begin(j, key, JSON_BLOCK);
	json_bool(j, "srat", s != NULL);
	json_bool(j, "slit", acpi_slit() != NULL);
	json_array_begin(j, "nodes", JSON_BLOCK);
	for (unsigned i = 0; i < n && !report_stopped(j); i++)
		report_node(j, s, doms[i]);
	json_array_end(j);
	json_object_end(j);
}
