/* cores.c: every online core prints "core I apic A" exactly once (the boot
 * core too), then the boot core prints "cores: N" (N = cores that answered).
 * Run: exec cores.elf   (QEMU -smp 4: four core lines, then cores: 4) */
#include "ingot.h"

/* Long enough for 64 cores emulated by QEMU's TCG on two host cores, where
 * each line waits for the console behind 63 spinning cores (5 s was not,
 * under load); a core that never answers is still reported. */
#define WAIT_S 30
#define WAIT_NS (WAIT_S * 1000000000ull)

static unsigned answered;

static void report_core(void *arg)
{
	(void)arg;
	ingot_printf("core %u apic %u\n", ingot_core_index(), (unsigned)ingot_core_apic_id());
	__atomic_fetch_add(&answered, 1, __ATOMIC_RELAXED);
}

int main(int argc, char **argv)
{
	unsigned count = ingot_core_count(), n;
	int started = 0, err = 0;

	(void)argc;
	(void)argv;
	report_core(0);
	if (count > 1)
		started = ingot_smp_run_all(report_core, 0);
	if (started < 0) {
		ingot_printf("error: cores: cannot start the other cores (%d)\n", started);
		return 1;
	}
	if (started > 0)
		err = ingot_smp_wait(WAIT_NS);
	n = __atomic_load_n(&answered, __ATOMIC_RELAXED);
	if (err) {
		ingot_printf("error: cores: only %u of %u cores answered within %u s\n", n, count, WAIT_S);
		return 1;
	}
	ingot_printf("cores: %u\n", n);
	return n == count ? 0 : 1;
}
