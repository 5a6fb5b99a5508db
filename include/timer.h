/* timer.h: the kernel clock: the HPET main counter, else the ACPI PM timer,
 * else the 8254 PIT; TSC and local APIC timer frequencies calibrated on it. */
#ifndef INGOT_TIMER_H
#define INGOT_TIMER_H

#include <stdint.h>

void timer_init(void);
/* Nanoseconds since timer_init. */
uint64_t timer_ns(void);
/* timer_ns as of the last heartbeat (10 ms steps; timer_ns before the
 * first): for expiry times of seconds and more, checked per packet, where
 * a clock read costs more than the check (under QEMU each read of the HPET
 * takes the lock of the I/O thread that delivers the packets). */
uint64_t timer_coarse_ns(void);
/* Busy-wait (halting between ticks) for at least ns nanoseconds. */
void timer_delay_ns(uint64_t ns);
const char *timer_source(void);
/* TSC ticks per second (from CPUID 0x15/0x16 or calibrated), 0 if unknown. */
uint64_t timer_tsc_hz(void);
/* The clock (ns) and the TSC read as at one instant, for rates. */
void timer_sample_tsc(uint64_t *ns, uint64_t *tsc);
/* Local APIC timer input clock (the bus clock), 0 if not calibrated. */
uint64_t timer_lapic_hz(void);
/* Measure the local APIC timer and start the periodic heartbeat. */
void timer_start_heartbeat(void);
/* Heartbeats taken so far (they stand still while the boot core masks
 * interrupts), and whether the 8254 PIT is the clock (then it is busy). */
uint64_t timer_heartbeats(void);
int timer_clock_is_pit(void);
/* Call fn on every heartbeat (100 Hz, boot core, interrupts off), from
 * boot on; at most four. */
void timer_add_tick(void (*fn)(void));

/* Code abandoned for a recovery point may have been reading the PIT:
 * let other cores read it again (called by the trap code on this core). */
void timer_release(void);
/* timer_pit.c (not in the tiny profile): start the PIT as the clock (0, or
 * -1 when it does not count), its time since then, and timer_release's part. */
int timer_pit_start(void);
uint64_t timer_pit_ns(void);
void timer_pit_release(void);

#endif
