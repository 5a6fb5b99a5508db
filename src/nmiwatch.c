/* nmiwatch.c: a program that masks interrupts on the boot core (cli; jmp .,
 * cli; hlt) must not lock the user out. While a program runs, the 8254 PIT
 * (82C54 datasheet, channel 0, mode 2) raises ISA IRQ 0 twenty times a
 * second, and the I/O APIC delivers it to the boot core as an NMI (82093AA
 * datasheet: delivery mode 100b). When the boot core's heartbeat has stood
 * still for two of them, its interrupts are masked: the NMI reads the UART
 * and the 8042 itself, so a Ctrl-C reaches the program runner, which stops
 * every core by NMI as usual. QEMU: pc and q35 (the PIT is on by default). */
#include "apic.h"
#include "console.h"
#include "errno.h"
#include "irq.h"
#include "kernel.h"
#include "nmiwatch.h"
#include "percpu.h"
#include "timer.h"
#include "x86.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CMD_CH0_LOHI_MODE2 0x34
#define PIT_HZ 1193182u
#define WATCH_HZ 20u
/* NMIs without a heartbeat before the keyboards are read from the NMI:
 * 100 ms at 20 Hz, ten heartbeats missed. */
#define WATCH_STILL 2u

static volatile int armed;
static uint64_t seen_beats;
static unsigned still;

int nmiwatch_start(void)
{
	uint16_t div = PIT_HZ / WATCH_HZ;

	if (!ioapic_present() || timer_clock_is_pit())
		return -ENODEV;
	seen_beats = timer_heartbeats();
	still = 0;
	outb(PIT_CMD, PIT_CMD_CH0_LOHI_MODE2);
	outb(PIT_CH0, div & 0xFF);
	outb(PIT_CH0, div >> 8);
	armed = 1;
	return ioapic_isa_nmi(IRQ_TIMER, 1);
}

void nmiwatch_stop(void)
{
	if (!armed)
		return;
	ioapic_isa_nmi(IRQ_TIMER, 0);
	armed = 0;
}

int nmiwatch_nmi(uint64_t rip)
{
	uint64_t beats;

	if (!armed || this_cpu()->index != 0)
		return 0;
	beats = timer_heartbeats();
	if (beats != seen_beats) {
		seen_beats = beats;
		still = 0;
		return 1;
	}
	/* Kernel code masks interrupts only briefly, and may hold the locks
	 * the input path takes: only a program's own code is interrupted. */
	if (++still >= WATCH_STILL && !(rip >= (uint64_t)__text_start && rip < (uint64_t)__text_end))
		console_poll_nmi();
	return 1;
}
