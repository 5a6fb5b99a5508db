/* panic.c: the kernel's last word. panic prints its reason on every console
 * and halts this core; beside the console's printf as in xv6, so every
 * module can stop the machine without linking back to kmain. */
#include "console.h"
#include "kernel.h"
#include "percpu.h"
#include "x86.h"

static const char *panic_stage; /* the boot stage under way, or NULL */
static volatile uint32_t panic_core = ~0u; /* the core inside panic */

void panic_note_stage(const char *name)
{
	panic_stage = name;
}

void cpu_halt_forever(void)
{
	for (;;) {
		cpu_cli();
		cpu_hlt();
	}
}

void panic(const char *fmt, ...)
{
	static int flushed;
	uint32_t self = this_cpu()->index;
	va_list ap;

	cpu_cli();
	/* A panic raised while this core reports one (a console that faults,
	 * a lock check tripped below us) would only recurse: stop here. */
	if (panic_core == self)
		cpu_halt_forever();
	panic_core = self;
	console_puts("\nPANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	if (panic_stage)
		kprintf(" (boot stage: %s)", panic_stage);
	console_puts("\n");
	/* Once: a screen that faults while drawing must not loop here. */
	if (!flushed++)
		console_flush();
	cpu_halt_forever();
}
