/* timer_pit.c: the 8254 PIT (82C54 datasheet) as the kernel clock when ACPI
 * lists neither an HPET nor a PM timer: channel 0 at 1 kHz on IRQ 0, its
 * ticks counted and its count latched for the time in between. Left out of
 * the tiny profile, which needs the PM timer. QEMU: -M pc,acpi=off. */
#include "irq.h"
#include "kernel.h"
#include "percpu.h"
#include "timer.h"
#include "x86.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CMD_CH0_LOHI_MODE2 0x34
#define PIT_CMD_LATCH_CH0 0x00
#define PIT_HZ 1193182ull
#define PIT_TICK_HZ 1000
#define PIT_DIVISOR ((PIT_HZ + PIT_TICK_HZ / 2) / PIT_TICK_HZ)

static volatile uint64_t pit_ticks;
/* The PIT's latch and its two byte reads must not interleave between
 * cores. A plain flag, not a spin lock: an NMI that finds its own core
 * holding it must not wait (see pit_ns). Holder: core index + 1. */
static volatile uint32_t pit_owner;
static uint64_t last_ns;

static void pit_irq(void *arg)
{
	(void)arg;
	pit_ticks++;
}

/* Whole PIT periods so far, under pit_owner. The tick interrupt counts
 * them, but a core that waits with interrupts off (a probe under its
 * device's lock) or a boot core whose tick is held back would see the
 * clock stand still and wait for ever: a count that went up since the
 * last read, with no tick counted meanwhile, is a period that ended. */
static uint64_t pit_periods(uint16_t count)
{
	static uint64_t seen;
	static uint16_t last_count;
	static int started;
	uint64_t t = pit_ticks;

	if (!started)
		started = 1;
	else if (t > seen)
		seen = t;
	else if (count > last_count)
		seen++;
	if (t > seen)
		seen = t;
	last_count = count;
	return seen;
}

/* The PIT's count, latched and read under pit_owner. An NMI that
 * interrupted its own core's read gets the last time given out instead:
 * waiting would be for ever. Returns 0 then, 1 with *ns set. */
static int pit_ns(uint64_t *ns)
{
	uint32_t me = this_cpu()->index + 1, free_ = 0;
	uint64_t f, t;
	uint8_t lo, hi;
	uint16_t count;

	if (pit_owner == me)
		return 0;
	f = cpu_irq_save();
	while (!__atomic_compare_exchange_n(&pit_owner, &free_, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		free_ = 0;
		cpu_pause();
	}
	outb(PIT_CMD, PIT_CMD_LATCH_CH0);
	lo = inb(PIT_CH0);
	hi = inb(PIT_CH0);
	count = (uint16_t)(lo | hi << 8);
	t = pit_periods(count);
	__atomic_store_n(&pit_owner, 0, __ATOMIC_RELEASE);
	cpu_irq_restore(f);
	t = t * PIT_DIVISOR + (PIT_DIVISOR - MIN(count, PIT_DIVISOR));
	*ns = t / PIT_HZ * 1000000000ull + t % PIT_HZ * 1000000000ull / PIT_HZ;
	return 1;
}

void timer_pit_release(void)
{
	uint32_t me = this_cpu()->index + 1;

	__atomic_compare_exchange_n(&pit_owner, &me, 0, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

/* The PIT's ticks and its count race (another core's read may see the
 * count wrap before the tick is counted): never step back. */
uint64_t timer_pit_ns(void)
{
	uint64_t ns, old = __atomic_load_n(&last_ns, __ATOMIC_ACQUIRE);

	if (!pit_ns(&ns))
		return old;
	do {
		if (ns <= old)
			return old;
	} while (!__atomic_compare_exchange_n(&last_ns, &old, ns, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	return ns;
}

/* Absent, the PIT's ports float at 0xFF (-M pc,acpi=off,pit=off). A real
 * one never reads 0xFFFF in mode 2 with a smaller divisor, though a read
 * before the count is loaded is undefined: a few reads, spaced out. */
static int pit_counting(void)
{
	for (int i = 0; i < 4; i++) {
		uint8_t lo, hi;

		io_wait();
		outb(PIT_CMD, PIT_CMD_LATCH_CH0);
		lo = inb(PIT_CH0);
		hi = inb(PIT_CH0);
		if (lo != 0xFF || hi != 0xFF)
			return 1;
	}
	return 0;
}

int timer_pit_start(void)
{
	outb(PIT_CMD, PIT_CMD_CH0_LOHI_MODE2);
	outb(PIT_CH0, PIT_DIVISOR & 0xFF);
	outb(PIT_CH0, PIT_DIVISOR >> 8);
	if (!pit_counting())
		return -1;
	irq_register(IRQ_TIMER, pit_irq, NULL);
	return 0;
}
