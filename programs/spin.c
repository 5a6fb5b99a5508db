/* spin.c: keeps every core (the boot core too) busy in spin_core until the
 * kernel stops the program: Ctrl-C on the console, then the prompt again.
 * Run: exec spin.elf   (then press Ctrl-C) */
#include "ingot.h"

static volatile uint64_t laps[256];

static __attribute__((noipa, noreturn)) void spin_core(void *arg)
{
	volatile uint64_t *lap = &laps[ingot_core_index() & 255];

	(void)arg;
	for (;;) {
		(*lap)++;
		__builtin_ia32_pause();
	}
}

int main(int argc, char **argv)
{
	unsigned cores = ingot_core_count();
	int started = 0;

	(void)argc;
	(void)argv;
	if (cores > 1)
		started = ingot_smp_run_all(spin_core, 0);
	ingot_printf("spin: spinning on %d cores until Ctrl-C\n", (started > 0 ? started : 0) + 1);
	spin_core(0);
}
