/* timer.c: the kernel clock from the 8254 PIT (Intel 82C54 datasheet):
 * channel 0 in mode 2 at 1 kHz on IRQ 0, the latched counter for sub-tick
 * resolution. QEMU: the i8254 of every PC machine. The cores issue moves the
 * clock to the HPET or the ACPI PM timer. */
#include "irq.h"
#include "kernel.h"
#include "timer.h"
#include "x86.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CMD_CH0_LOHI_MODE2 0x34
#define PIT_CMD_LATCH_CH0 0x00
#define PIT_HZ 1193182ull
#define TIMER_HZ 1000
#define PIT_DIVISOR ((PIT_HZ + TIMER_HZ / 2) / TIMER_HZ)

static volatile uint64_t ticks;
static uint64_t last_ns;

static void timer_irq(void *arg)
{
	(void)arg;
	ticks++;
}

void timer_init(void)
{
	outb(PIT_CMD, PIT_CMD_CH0_LOHI_MODE2);
	outb(PIT_CH0, PIT_DIVISOR & 0xFF);
	outb(PIT_CH0, PIT_DIVISOR >> 8);
	irq_register(IRQ_TIMER, timer_irq, NULL);
}

static uint16_t pit_read_counter(void)
{
	uint8_t lo, hi;

	outb(PIT_CMD, PIT_CMD_LATCH_CH0);
	lo = inb(PIT_CH0);
	hi = inb(PIT_CH0);
	return (uint16_t)(lo | hi << 8);
}

uint64_t timer_ns(void)
{
	uint64_t f = cpu_irq_save(), t, ns;
	uint16_t count;

	t = ticks;
	count = pit_read_counter();
	ns = (t * PIT_DIVISOR + (PIT_DIVISOR - MIN(count, PIT_DIVISOR))) * 1000000000ull / PIT_HZ;
	/* The counter may wrap before its tick is counted: never go back. */
	if (ns < last_ns)
		ns = last_ns;
	last_ns = ns;
	cpu_irq_restore(f);
	return ns;
}

void timer_delay_ns(uint64_t ns)
{
	uint64_t end = timer_ns() + ns;

	while (timer_ns() < end)
		cpu_sti_hlt();
}

const char *timer_source(void)
{
	return "PIT 1 kHz";
}
