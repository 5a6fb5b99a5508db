/* cmd_cpu.c: the cpu command (the boot core's vendor, brand and signature,
 * the number of cores); hypervisor, CPUID limits, address sizes, features,
 * caches, topology, the TSC and bus clocks and the table of cores are in
 * cmd_cpu_detail.c, the NUMA lines in cmd_numa.c, the MSR lines in cmd_msr.c,
 * cpuid (raw registers, Intel SDM vol. 2A) in cmd_cpuid.c.
 * Exercised by tests/expect/cpu.exp with QEMU -cpu qemu64, max, Westmere, EPYC. */
#include "console.h"
#include "cpu.h"
#include "kernel.h"
#include "mce.h"
#include "monitor.h"
#include "msr.h"
#include "smp.h"
#include "string.h"
#include "x86.h"
#include "xstate.h"

OPTIONAL(cpu_print_detail);
OPTIONAL(cpu_print_core_table);
OPTIONAL(numa_print_cpu);
OPTIONAL(cpu_print_msrs);
OPTIONAL(mce_print_cpu_line);

static void cpu_print_ident(const struct cpu_info *ci)
{
	kprintf("vendor:     %s\n", ci->vendor[0] ? ci->vendor : "(none)");
	kprintf("brand:      %s\n", ci->brand);
	kprintf("family:     %u (0x%x), model %u (0x%x), stepping %u (0x%x); signature 0x%08x\n",
		ci->family, ci->family, ci->model, ci->model, ci->stepping, ci->stepping, ci->signature);
}

/* XCR0 as every core set it (xstate.c) and the XSAVE area it implies. */
static void cpu_print_xstate(void)
{
	static const char *const names[8] = { "x87", "sse", "avx", 0, 0, "opmask", "zmm_hi256", "hi16_zmm" };
	uint64_t x = xstate_xcr0();

	if (!x) {
		kprintf("xsave:      not supported by this CPU (no AVX for programs)\n");
		return;
	}
	kprintf("xsave:      XCR0 0x%llx (", ull(x));
	for (unsigned i = 0, n = 0; i < 8; i++)
		if (x >> i & 1 && names[i])
			kprintf(n++ ? " %s" : "%s", names[i]);
	kprintf("), area %u bytes\n", xstate_area_size());
}

static int cmd_cpu(int argc, char **argv)
{
	const struct cpu_info *ci = cpu_boot_info();

	(void)argc, (void)argv;
	cpu_print_ident(ci);
	if (cpu_print_detail)
		cpu_print_detail(ci);
	cpu_print_xstate();
	if (mce_print_cpu_line)
		mce_print_cpu_line();
	kprintf("cores:      %u (%u online)\n", smp_core_count(), smp_online_count());
	if (cpu_print_core_table)
		cpu_print_core_table();
	if (numa_print_cpu)
		numa_print_cpu();
	if (cpu_print_msrs)
		cpu_print_msrs();
	return 0;
}

#ifdef INGOT_TINY /* the tiny profile: no cmd_cpu_detail.c */
CMD(cpu, .name = "cpu", .usage = "cpu",
    .summary = "boot core identification and the number of cores",
    .help = "Vendor, brand, family/model/stepping (decimal and hex) of the boot core,\n"
	    "then how many cores there are and how many are online (smp lists them).\n"
	    "examples:\n  cpu",
    .min_args = 0, .max_args = 0, .fn = cmd_cpu);
#else
CMD(cpu, .name = "cpu", .usage = "cpu",
    .summary = "boot core identification, features, caches, clocks; one row per core",
    .help = "Vendor, brand, family/model/stepping (decimal and hex), hypervisor, features,\n"
	    "caches, topology, TSC and bus (local APIC timer) clocks of the boot core,\n"
	    "XCR0 and the XSAVE area size, machine checks (MCA banks, see mce), then\n"
	    "index, APIC ID, state and last work of every core, the NUMA node of each\n"
	    "(ACPI SRAT) with the distances (SLIT), and each core's TSC, APERF/MPERF\n"
	    "clock, temperature and microcode from its MSRs.\n"
	    "examples:\n  cpu\n  cpuid 1   (the raw registers behind it)",
    .min_args = 0, .max_args = 0, .fn = cmd_cpu);
#endif
