/* timer.c: the kernel clock. The HPET main counter (IA-PC HPET spec 1.0a,
 * 2.3) when ACPI lists one, else the ACPI PM timer (ACPI 6.5 4.8.3.3), else
 * the 8254 PIT (82C54 datasheet) counting 1 kHz ticks on IRQ 0. The TSC and
 * the local APIC timer are measured against it. QEMU: -M pc/q35 have all
 * three; `-machine hpet=off` (pc) drops the HPET. */
#include "acpi.h"
#include "apic.h"
#include "console.h"
#include "cpu.h"
#include "irq.h"
#include "kernel.h"
#include "mm.h"
#include "percpu.h"
#include "timer.h"
#include "x86.h"

#define HPET_GCAP 0x00
#define  HPET_GCAP_COUNT_64 (1ull << 13)
#define HPET_GCONF 0x10
#define  HPET_GCONF_ENABLE 1ull
#define HPET_COUNTER 0xF0
#define HPET_MAX_PERIOD_FS 100000000ull /* spec: at most 100 ns */

#define PM_TIMER_HZ 3579545ull
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CMD_CH0_LOHI_MODE2 0x34
#define PIT_CMD_LATCH_CH0 0x00
#define PIT_HZ 1193182ull
#define PIT_TICK_HZ 1000
#define PIT_DIVISOR ((PIT_HZ + PIT_TICK_HZ / 2) / PIT_TICK_HZ)

#define HEARTBEAT_HZ 100           /* wakes hlt-waits, keeps narrow counters extended */
#define CALIBRATE_MIN_NS 50000000ull /* never trust a shorter window */

enum clock_kind { CLOCK_PIT, CLOCK_PM, CLOCK_HPET };

static enum clock_kind kind = CLOCK_PIT;
static volatile uint64_t *hpet;
static uint64_t hpet_hz;
static int hpet_64;
static uint16_t pm_port;
static uint64_t counter_mask;       /* width of the hardware counter */
static uint64_t counter_hz;
static volatile uint64_t pit_ticks;
/* The PIT's latch and its two byte reads must not interleave between
 * cores. A plain flag, not a spin lock: an NMI that finds its own core
 * holding it must not wait (see pit_ns). Holder: core index + 1. */
static volatile uint32_t pit_owner;
static uint64_t ext_count;           /* narrow counters widened to 64 bits */
static uint64_t start_count;
static uint64_t last_ns;             /* the PIT only: see timer_ns */
static uint64_t cal_tsc0, cal_ns0, tsc_hz, lapic_hz;
static uint32_t cal_lapic0;
static int heartbeat;

static void pit_irq(void *arg)
{
	(void)arg;
	pit_ticks++;
}

static int hpet_setup(void)
{
	const struct hpet_info *h = acpi_hpet();
	uint64_t cap, period;

	if (!h || vm_map_mmio(h->base, 1024) < 0)
		return 0;
	hpet = (volatile uint64_t *)h->base;
	cap = hpet[HPET_GCAP / 8];
	period = cap >> 32;
	if (!period || period > HPET_MAX_PERIOD_FS)
		return 0;
	hpet_hz = 1000000000000000ull / period;
	hpet_64 = !!(cap & HPET_GCAP_COUNT_64);
	hpet[HPET_GCONF / 8] |= HPET_GCONF_ENABLE;
	kind = CLOCK_HPET;
	counter_hz = hpet_hz;
	counter_mask = hpet_64 ? ~0ull : 0xFFFFFFFFull;
	return 1;
}

static int pm_setup(void)
{
	const struct fadt_info *f = acpi_fadt();

	if (!f || !f->pm_timer)
		return 0;
	pm_port = (uint16_t)f->pm_timer;
	kind = CLOCK_PM;
	counter_hz = PM_TIMER_HZ;
	counter_mask = f->pm_timer_32bit ? 0xFFFFFFFFull : 0xFFFFFFull;
	return 1;
}

static uint64_t counter_raw(void)
{
	if (kind == CLOCK_HPET)
		return hpet[HPET_COUNTER / 8] & counter_mask;
	return inl(pm_port) & counter_mask;
}

/* Widen a counter of counter_mask bits to 64 without a lock, so any core,
 * an NMI handler too, can read the clock at once: ext_count moves forward
 * by how far the counter moved since it was last stored. A reading taken
 * before another core stored a later one looks like a step back of less
 * than half a wrap: then the stored value is the answer. The counter must
 * be read at least once per half wrap (the PM timer's 24 bits: 2.3 s),
 * which the heartbeat guarantees. A 64-bit HPET needs none of this. */
static uint64_t counter_read(void)
{
	uint64_t raw = counter_raw(), old, delta;

	if (counter_mask == ~0ull)
		return raw;
	old = __atomic_load_n(&ext_count, __ATOMIC_ACQUIRE);
	do {
		delta = (raw - old) & counter_mask;
		if (delta > counter_mask / 2)
			return old;
	} while (!__atomic_compare_exchange_n(&ext_count, &old, old + delta, 0, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	return old + delta;
}

static uint64_t count_to_ns(uint64_t c, uint64_t hz)
{
	return c / hz * 1000000000ull + c % hz * 1000000000ull / hz;
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
	*ns = count_to_ns(t * PIT_DIVISOR + (PIT_DIVISOR - MIN(count, PIT_DIVISOR)), PIT_HZ);
	return 1;
}

void timer_release(void)
{
	uint32_t me = this_cpu()->index + 1;

	__atomic_compare_exchange_n(&pit_owner, &me, 0, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

/* The PIT's ticks and its count race (another core's read may see the
 * count wrap before the tick is counted): never step back. */
static uint64_t pit_monotonic(void)
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

/* Lock-free on every clock but the PIT (whose reads are serialised): no
 * core waits for another, and an NMI handler may call it. */
uint64_t timer_ns(void)
{
	if (kind == CLOCK_PIT)
		return pit_monotonic();
	return count_to_ns(counter_read() - start_count, counter_hz);
}

#define MAX_TICK_HOOKS 4
static void (*tick_hooks[MAX_TICK_HOOKS])(void);
static unsigned tick_hook_count;

void timer_add_tick(void (*fn)(void))
{
	if (tick_hook_count < MAX_TICK_HOOKS)
		tick_hooks[tick_hook_count++] = fn;
}

static volatile uint64_t heartbeats;

uint64_t timer_heartbeats(void)
{
	return heartbeats;
}

int timer_clock_is_pit(void)
{
	return kind == CLOCK_PIT;
}

static void heartbeat_irq(void *arg)
{
	(void)arg;
	heartbeats++;
	if (kind != CLOCK_PIT)
		(void)counter_read();
	console_tick(); /* screens catch up with what was written */
	for (unsigned i = 0; i < tick_hook_count; i++)
		tick_hooks[i]();
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

void timer_init(void)
{
	if (!hpet_setup() && !pm_setup()) {
		outb(PIT_CMD, PIT_CMD_CH0_LOHI_MODE2);
		outb(PIT_CH0, PIT_DIVISOR & 0xFF);
		outb(PIT_CH0, PIT_DIVISOR >> 8);
		/* Every wait would spin for ever on a clock that stands still. */
		if (!pit_counting())
			panic("no clock: ACPI lists no HPET or PM timer, and there is no PIT");
		irq_register(IRQ_TIMER, pit_irq, NULL);
	}
	if (kind != CLOCK_PIT) {
		ext_count = counter_raw(); /* counter_read moves forward from here */
		start_count = counter_read();
	}
	cal_ns0 = timer_ns();
	cal_tsc0 = rdtsc();
	if (apic_present()) {
		apic_timer_start_count();
		cal_lapic0 = apic_timer_current();
	}
}

/* The local APIC timer has counted down since timer_init; at least 10 ms
 * later (SMP start-up waits that long anyway) its rate is known well enough
 * for timeouts, and the heartbeat can start. */
void timer_start_heartbeat(void)
{
	uint64_t ns;
	uint32_t now;

	if (!apic_present()) {
		heartbeat = kind == CLOCK_PIT;
		return;
	}
	while ((ns = timer_ns() - cal_ns0) < 10000000ull)
		cpu_pause();
	now = apic_timer_current();
	lapic_hz = (uint64_t)(cal_lapic0 - now) * 1000000000ull / ns;
	if (!lapic_hz)
		return;
	irq_register_vector(VECTOR_LAPIC_TIMER, heartbeat_irq, NULL);
	apic_timer_periodic((uint32_t)MIN(lapic_hz / HEARTBEAT_HZ, 0xFFFFFFFFull));
	heartbeat = 1;
}

/* CPUID's word when it gives one; else the boot core's TSC over the whole
 * time since boot (at least 50 ms), which only gets better with time. */
uint64_t timer_tsc_hz(void)
{
	uint64_t ns, cpuid_hz = cpu_boot_info()->tsc_hz;

	if (cpuid_hz)
		return cpuid_hz;
	if (this_cpu()->index != 0)
		return tsc_hz;
	ns = timer_ns() - cal_ns0;
	if (ns >= CALIBRATE_MIN_NS)
		tsc_hz = (rdtsc() - cal_tsc0) * 1000000000ull / ns;
	return tsc_hz;
}

uint64_t timer_lapic_hz(void)
{
	return lapic_hz;
}

void timer_delay_ns(uint64_t ns)
{
	uint64_t end = timer_ns() + ns;
	/* Only the boot core has the heartbeat to wake it from hlt. */
	int can_sleep = heartbeat && this_cpu()->index == 0 && (cpu_save_flags() & (1u << 9)) &&
			ns >= 2 * 1000000000ull / HEARTBEAT_HZ;

	while (timer_ns() < end) {
		if (can_sleep)
			cpu_hlt();
		else
			cpu_pause();
	}
}

const char *timer_source(void)
{
	switch (kind) {
	case CLOCK_HPET: return "HPET";
	case CLOCK_PM: return "ACPI PM timer";
	default: return "PIT";
	}
}
