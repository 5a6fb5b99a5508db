/* fault.c: makes a page fault on the given core (default 0) by reading
 * address 0 in fault_here, to test the kernel's report (with this program's
 * symbols) and its recovery. Run: exec fault.elf 2   (then the prompt again) */
#include "ingot.h"

#define WAIT_NS 5000000000ull

/* Always NULL, but the compiler cannot know: the read really happens. */
static int *volatile fault_target;

static __attribute__((noipa)) int fault_here(void)
{
	return *(volatile int *)fault_target;
}

static __attribute__((noipa)) void fault_on_core(void *arg)
{
	(void)arg;
	fault_here();
}

int main(int argc, char **argv)
{
	unsigned long core = 0;
	char *end;
	int err;

	if (argc > 1) {
		core = strtoul(argv[1], &end, 0);
		if (end == argv[1] || *end || core >= ingot_core_count()) {
			ingot_printf("error: fault: no core '%s' (%u cores)\n", argv[1], ingot_core_count());
			return 1;
		}
	}
	ingot_printf("fault: reading address 0 on core %lu\n", core);
	if (core == ingot_core_index()) {
		fault_on_core(0);
	} else if ((err = ingot_smp_run((unsigned)core, fault_on_core, 0)) < 0) {
		ingot_printf("error: fault: cannot run on core %lu (%d)\n", core, err);
		return 1;
	} else {
		ingot_smp_wait(WAIT_NS);
	}
	ingot_printf("error: fault: core %lu did not fault\n", core);
	return 1;
}
