/* cmd_cpu.c: the cpu command (the boot core's CPUID identification, TSC and
 * bus clocks, one row per core); features, caches and topology are in
 * cmd_cpu_detail.c, cpuid (raw registers, Intel SDM vol. 2A) in cmd_cpuid.c.
 * Exercised by tests/expect/cpu.exp with QEMU -cpu qemu64, max, Westmere, EPYC. */
#include "console.h"
#include "cpu.h"
#include "kernel.h"
#include "monitor.h"
#include "msr.h"
#include "smp.h"
#include "string.h"
#include "timer.h"
#include "x86.h"

OPTIONAL(cpu_print_detail);
OPTIONAL(cpu_print_msrs);

static void cpu_print_mhz(uint64_t hz)
{
	kprintf("%llu.%03llu MHz", ull(hz / 1000000), ull(hz / 1000 % 1000));
}

static void cpu_print_ident(const struct cpu_info *ci)
{
	kprintf("vendor:     %s\n", ci->vendor[0] ? ci->vendor : "(none)");
	kprintf("brand:      %s\n", ci->brand);
	kprintf("family:     %u (0x%x), model %u (0x%x), stepping %u (0x%x); signature 0x%08x\n",
		ci->family, ci->family, ci->model, ci->model, ci->stepping, ci->stepping, ci->signature);
	if (ci->hv_vendor[0])
		kprintf("hypervisor: %s (max leaf 0x%x)\n", ci->hv_vendor, ci->hv_max_leaf);
	else
		kprintf("hypervisor: %s\n", cpu_has(ci, CPU_FEAT_HYPERVISOR) ? "present, no vendor" : "none");
	kprintf("cpuid:      max leaf 0x%x, max extended leaf 0x%x\n", ci->max_leaf, ci->max_ext_leaf);
	if (ci->phys_bits)
		kprintf("address:    %u-bit physical, %u-bit virtual\n", ci->phys_bits, ci->virt_bits);
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

static void cpu_print_cores(void)
{
	unsigned n = smp_core_count();

	kprintf("cores:      %u (%u online)\n", n, smp_online_count());
	kprintf("  core  apic  state     runs  last ran\n");
	for (unsigned i = 0; i < n; i++) {
		const struct core_info *c = smp_core(i);

		if (!c)
			continue;
		kprintf("  %4u  %4u  %-8s %5llu  %s\n", i, c->apic_id, smp_state_name(c->state), ull(c->runs),
			i == smp_this_core() ? "(monitor)" : c->last_work ? c->last_work : "-");
	}
}

static int cmd_cpu(int argc, char **argv)
{
	const struct cpu_info *ci = cpu_boot_info();

	(void)argc, (void)argv;
	cpu_print_ident(ci);
	if (cpu_print_detail)
		cpu_print_detail(ci);
	cpu_print_clocks(ci);
	cpu_print_cores();
	if (cpu_print_msrs)
		cpu_print_msrs();
	return 0;
}

#ifdef INGOT_TINY /* the tiny profile: no cmd_cpu_detail.c */
CMD(cpu, .name = "cpu", .usage = "cpu",
    .summary = "boot core identification and clocks; one row per core",
    .help = "Vendor, brand, family/model/stepping (decimal and hex), hypervisor,\n"
	    "TSC and bus (local APIC timer) clocks of the boot core,\n"
	    "then index, APIC ID, state and last work of every core.\n"
	    "examples:\n  cpu",
    .min_args = 0, .max_args = 0, .fn = cmd_cpu);
#else
CMD(cpu, .name = "cpu", .usage = "cpu",
    .summary = "boot core identification, features, caches, clocks; one row per core",
    .help = "Vendor, brand, family/model/stepping (decimal and hex), hypervisor, features,\n"
	    "caches, topology, TSC and bus (local APIC timer) clocks of the boot core,\n"
	    "then index, APIC ID, state and last work of every core.\n"
	    "examples:\n  cpu\n  cpuid 1   (the raw registers behind it)",
    .min_args = 0, .max_args = 0, .fn = cmd_cpu);
#endif
