/* cmd_fault.c: raise a CPU exception on purpose, to check the exception
 * report and the monitor's recovery on this machine. */
#include "apic.h"
#include "console.h"
#include "errno.h"
#include "irq.h"
#include "kernel.h"
#include "monitor.h"
#include "percpu.h"
#include "smp.h"
#include "string.h"
#include "x86.h"

static void fault_de(void)
{
	__asm__ volatile("xor %%ecx, %%ecx; xor %%edx, %%edx; mov $1, %%eax; div %%ecx" : : : "rax", "rcx", "rdx");
}

static void fault_ud(void)
{
	__asm__ volatile("ud2");
}

static void fault_gp(void)
{
	/* A non-canonical address raises #GP, not #PF. */
	__asm__ volatile("movabs $0x8000000000000000, %%rax; mov (%%rax), %%rax" : : : "rax", "memory");
}

static void fault_pf(void)
{
	/* Page 0 is never mapped. */
	__asm__ volatile("xor %%eax, %%eax; mov (%%rax), %%rax" : : : "rax", "memory");
}

static void fault_irq_handler(void *arg)
{
	(void)arg;
	fault_pf();
}

/* A page fault inside a local-APIC interrupt handler: the core sends
 * itself VECTOR_FAULT_TEST, in the heartbeat's priority class, so an
 * interrupt left unacknowledged would block the heartbeat, the wake-up
 * IPI and every legacy line on this core. */
static void fault_irq(void)
{
	(void)irq_register_vector(VECTOR_FAULT_TEST, fault_irq_handler, NULL); /* -EBUSY after the first */
	if (!apic_present())
		return;
	cpu_sti();
	apic_send_ipi(this_cpu()->apic_id, VECTOR_FAULT_TEST);
	for (int i = 0; i < 1000000; i++)
		cpu_pause();
}

static const struct {
	const char *name;
	void (*raise)(void);
} fault_kinds[] = {
	{ "de", fault_de }, { "ud", fault_ud }, { "gp", fault_gp }, { "pf", fault_pf }, { "irq", fault_irq },
};

static void fault_on_core(void *arg)
{
	((void (*)(void))arg)();
}

/* Another core raises it: its report names the core, and the core goes
 * back to idle marked faulted. */
static int fault_remote(unsigned core, const char *kind, void (*raise)(void))
{
	int err = smp_run(core, fault_on_core, (void *)raise, kind);

	if (err == -ENODEV)
		return cmd_error("fault: core %u is not online", core);
	if (err)
		return err;
	if (smp_wait(core, 1000000000ull) < 0)
		return cmd_error("fault: core %u did not come back within 1 s", core);
	if (smp_core(core)->state != CORE_FAULTED)
		return cmd_error("fault: %s raised no exception on core %u", kind, core);
	kprintf("core %u faulted as asked and is idle again\n", core);
	return 0;
}

static int cmd_fault(int argc, char **argv)
{
	uint64_t core = smp_this_core();

	if (argc == 3 && cmd_arg_u64("fault", argv[2], "core", 0, &core))
		return CMD_REPORTED;
	if (core >= smp_core_count())
		return cmd_error("fault: no core %llu (%u core%s)", (unsigned long long)core, smp_core_count(),
				 PLURAL(smp_core_count()));
	for (size_t i = 0; i < ARRAY_SIZE(fault_kinds); i++) {
		if (strcmp(argv[1], fault_kinds[i].name))
			continue;
		if (core != smp_this_core())
			return fault_remote((unsigned)core, fault_kinds[i].name, fault_kinds[i].raise);
		fault_kinds[i].raise();
		return cmd_error("fault: %s raised no exception", argv[1]);
	}
	return cmd_error("fault: unknown kind '%s' (de, ud, gp, pf or irq)", argv[1]);
}

CMD(fault, .name = "fault", .usage = "fault de|ud|gp|pf|irq [CORE]",
    .summary = "raise a CPU exception on purpose to test the handler",
    .help = "  de: divide error, ud: invalid opcode, gp: general protection\n"
	    "  (non-canonical load), pf: page fault (read of address 0),\n"
	    "  irq: page fault inside a local-APIC interrupt handler\n"
	    "examples:\n  fault pf\n  fault gp 0",
    .min_args = 1, .max_args = 2, .fn = cmd_fault);
