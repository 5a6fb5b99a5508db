/* cmd_cpuid.c: cpuid LEAF [SUB], the raw registers behind 'cpu' (cmd_cpu.c). */
#include "console.h"
#include "cpu.h"
#include "kernel.h"
#include "monitor.h"
#include "x86.h"

static int cpu_arg_u32(const char *arg, const char *what, uint32_t *out)
{
	uint64_t v;

	if (cmd_arg_u64("cpuid", arg, what, 1, &v))
		return CMD_REPORTED;
	if (v > UINT32_MAX)
		return cmd_error("cpuid: %s '%s' does not fit in 32 bits", what, arg);
	*out = (uint32_t)v;
	return 0;
}

static int cmd_cpuid(int argc, char **argv)
{
	const struct cpu_info *ci = cpu_boot_info();
	uint32_t leaf = 0, sub = 0, r[4];

	if (cpu_arg_u32(argv[1], "leaf", &leaf) || (argc == 3 && cpu_arg_u32(argv[2], "sub-leaf", &sub)))
		return CMD_REPORTED;
	cpuid(leaf, sub, r);
	kprintf("cpuid %x.%x: eax=%08x ebx=%08x ecx=%08x edx=%08x\n", leaf, sub, r[0], r[1], r[2], r[3]);
	if (leaf < 0x40000000u && leaf > ci->max_leaf)
		kprintf("note: above the highest basic leaf 0x%x: the values are not defined\n", ci->max_leaf);
	else if (leaf >= 0x80000000u && leaf > ci->max_ext_leaf)
		kprintf("note: above the highest extended leaf 0x%x: the values are not defined\n",
			ci->max_ext_leaf);
	return 0;
}

CMD(cpuid, .name = "cpuid", .usage = "cpuid LEAF [SUB]",
    .summary = "raw CPUID registers of this core (LEAF and SUB in hex)",
    .help = "LEAF and SUB are hex, with or without 0x; SUB (ECX) defaults to 0.\n"
	    "examples:\n  cpuid 0\n  cpuid 7 0\n  cpuid 4 1\n  cpuid 80000002\n  cpuid 0x40000000",
    .min_args = 1, .max_args = 2, .fn = cmd_cpuid);
