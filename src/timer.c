/* timer.c: the kernel clock. The HPET main counter (IA-PC HPET spec 1.0a,
 * 2.3) when ACPI lists one, else the ACPI PM timer (ACPI 6.5 4.8.3.3), else
 * the 8254 PIT (timer_pit.c) counting 1 kHz ticks on IRQ 0. The TSC and
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

/* timer_pit.c, which the tiny profile leaves out: it needs the ACPI PM timer. */
#ifdef INGOT_TINY
#define timer_pit_start ABSENT(timer_pit_start)
#define timer_pit_ns ABSENT(timer_pit_ns)
#define timer_pit_release ABSENT(timer_pit_release)
#define acpi_hpet ABSENT(acpi_hpet) /* the tiny profile's ACPI has no HPET: the PM timer then */
#else
OPTIONAL(timer_pit_start);
OPTIONAL(timer_pit_ns);
OPTIONAL(timer_pit_release);
OPTIONAL(acpi_hpet);
#endif

#define HPET_GCAP 0x00
#define  HPET_GCAP_COUNT_64 (1ull << 13)
#define HPET_GCONF 0x10
#define  HPET_GCONF_ENABLE 1ull
#define HPET_COUNTER 0xF0
#define HPET_MAX_PERIOD_FS 100000000ull /* spec: at most 100 ns */

#define PM_TIMER_HZ 3579545ull

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
static uint64_t ext_count;           /* narrow counters widened to 64 bits */
static uint64_t start_count;
static uint64_t cal_tsc0, cal_ns0, tsc_hz, lapic_hz;
static uint32_t cal_lapic0;
static int heartbeat;

static int hpet_setup(void)
{
	const struct hpet_info *h = acpi_hpet ? acpi_hpet() : NULL;
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

void timer_release(void)
{
	if (timer_pit_release)
		timer_pit_release();
}

/* Lock-free on every clock but the PIT (whose reads are serialised): no
 * core waits for another, and an NMI handler may call it. */
uint64_t timer_ns(void)
{
	if (kind == CLOCK_PIT) /* 0 before timer_init, or without timer_pit.c */
		return timer_pit_ns ? timer_pit_ns() : 0;
	return count_to_ns(counter_read() - start_count, counter_hz);
}

#define MAX_TICK_HOOKS 8
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

/* The clock and the TSC at one instant: of a few brackets (clock, TSC,
 * clock), the narrowest, so that a host that stops this vCPU between two
 * reads (TCG on a busy machine) skews no rate measured from them. */
void timer_sample_tsc(uint64_t *ns, uint64_t *tsc)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 8; i++) {
		uint64_t a = timer_ns(), t = rdtsc(), b = timer_ns();

		if (b - a < best) {
			best = b - a;
			*ns = a + (b - a) / 2;
			*tsc = t;
		}
	}
}

static uint64_t coarse_ns; /* timer_ns at the last heartbeat */

uint64_t timer_coarse_ns(void)
{
	uint64_t t = __atomic_load_n(&coarse_ns, __ATOMIC_RELAXED);

	return t ? t : timer_ns();
}

static void heartbeat_irq(void *arg)
{
	(void)arg;
	heartbeats++;
	__atomic_store_n(&coarse_ns, timer_ns(), __ATOMIC_RELAXED); /* keeps a 24-bit counter widened too */
	console_tick(); /* screens catch up with what was written */
	for (unsigned i = 0; i < tick_hook_count; i++)
		tick_hooks[i]();
}

void timer_init(void)
{
	/* Every wait would spin for ever on a clock that stands still. */
	if (!hpet_setup() && !pm_setup() && (!timer_pit_start || timer_pit_start() < 0))
		panic("no clock: ACPI lists no HPET or PM timer, and there is no PIT%s",
		      timer_pit_start ? "" : " clock in this build");
	if (kind != CLOCK_PIT) {
		ext_count = counter_raw(); /* counter_read moves forward from here */
		start_count = counter_read();
	}
	timer_sample_tsc(&cal_ns0, &cal_tsc0);
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
	uint64_t ns, tsc, cpuid_hz = cpu_boot_info()->tsc_hz;

	if (cpuid_hz)
		return cpuid_hz;
	if (this_cpu()->index != 0)
		return tsc_hz;
	timer_sample_tsc(&ns, &tsc);
	ns -= cal_ns0;
	if (ns < CALIBRATE_MIN_NS && !tsc_hz) {
		/* Asked this early (a fast boot, a script at once): wait out the
		 * window rather than answer "unknown". */
		timer_delay_ns(CALIBRATE_MIN_NS - ns);
		timer_sample_tsc(&ns, &tsc);
		ns -= cal_ns0;
	}
	if (ns >= CALIBRATE_MIN_NS)
		tsc_hz = (tsc - cal_tsc0) * 1000000000ull / ns;
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
