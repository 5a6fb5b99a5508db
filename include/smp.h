/* smp.h: every core the firmware lists, woken by INIT-SIPI-SIPI (Intel SDM
 * vol. 3A 9.4), idle in hlt until given work; the kernel's API to run a
 * function on one core or on all of them. */
#ifndef INGOT_SMP_H
#define INGOT_SMP_H

#include <stdint.h>

#define SMP_MAX_CORES 256

enum core_state {
	CORE_OFFLINE = 0,  /* listed but did not answer, or disabled */
	CORE_IDLE,
	CORE_RUNNING,
	CORE_FAULTED,      /* its last work faulted; it is idle again */
	CORE_HALTED,       /* halted for good by a machine check without RIPV */
};

struct core_info {
	uint32_t apic_id;
	enum core_state state;
	const char *last_work;     /* name of what it ran last, or NULL */
	uint64_t runs;             /* pieces of work run */
	uint64_t faults;
};

typedef void (*smp_fn)(void *arg);

/* The boot core's stack (entry.S starts on it) and its guard page. */
struct boot_stack {
	uint8_t guard[4096];
	uint8_t stack[16384];
};
extern struct boot_stack boot_stack;

/* List the cores and send the INIT IPIs; smp_finish (at least 10 ms later,
 * work may go on in between) sends the start-up IPIs and waits for them. */
void smp_init(void);
void smp_finish(void);
/* Cores listed (online or not). After smp_finish the online ones are
 * 0 .. smp_online_count() - 1, the offline ones after them. */
unsigned smp_core_count(void);
unsigned smp_online_count(void);
/* Time smp_init took to bring the application processors up. */
uint64_t smp_bringup_ns(void);
const struct core_info *smp_core(unsigned index);
const char *smp_state_name(enum core_state s);
/* Index of the calling core (0 = boot core). */
unsigned smp_this_core(void);

/* Hand fn(arg) to an idle core (never the calling one). 0, -EBUSY when the
 * core is busy, -ENODEV when it is offline or does not exist. name is shown
 * by `smp` as what the core ran last. */
int smp_run(unsigned core, smp_fn fn, void *arg, const char *name);
/* The same, with fn running on the given stack (a program's own). */
int smp_run_on_stack(unsigned core, smp_fn fn, void *arg, const char *name, uint64_t stack_top);
/* Has the core been handed work it has not finished (or not begun)? */
int smp_core_busy(unsigned core);
/* Make a core leave its work now (NMI): it goes back to idle, or for the
 * boot core, to its current recovery point. */
int smp_stop(unsigned core);
/* From inside work on an application processor: end it, back to idle. */
__attribute__((noreturn)) void smp_leave_work(void);
/* Wait until core (or every core but the caller and the boot core, for
 * SMP_ALL; or every core whose work the caller handed, for SMP_MINE) is
 * idle again: 0, or -ETIMEDOUT after timeout_ns. The caller sleeps
 * meanwhile (smp_nap, woken by the core whose work ends), or with its
 * interrupts off, spins. */
#define SMP_ALL 0xFFFFFFFFu
#define SMP_MINE 0xFFFFFFFEu
int smp_wait(unsigned core, uint64_t timeout_ns);

/* Sleeping waits, for cores that wait for a device (a completion) while
 * others need the host's time (under emulation a spinning core takes it
 * from the device model) or the device's bus. A waiter notes itself in the
 * device's smp_sleepers and halts until an interrupt: the device's own,
 * whose handler calls smp_wake (a wake IPI to the sleepers it names), a
 * stop's NMI, or a bound: the heartbeat on the boot core, a one-shot local
 * APIC timer (SMP_NAP_NS, the same 10 ms) on the others. Cores 0-63 sleep;
 * others, and waits with interrupts off, spin one pause instead. */
#define SMP_NAP_NS 10000000ull
struct smp_sleepers {
	volatile uint64_t cores;   /* bit per core index */
};
/* Wait a little: return at once if ready(arg) holds, else after an
 * interrupt or the bound; the caller checks again and keeps its own
 * deadline. ready runs with interrupts off, after this core is noted in s,
 * so a wake sent between its check and the halt is not lost. open_irqs:
 * the caller's interrupts are off only for a lock no handler takes, which
 * was taken with them on (spin_taken_irq_on): they may be opened for the
 * halt, and are closed again before the return. */
void smp_nap(struct smp_sleepers *s, int (*ready)(void *arg), void *arg, int open_irqs);
/* From the device's interrupt handler: wake the cores in s that are also
 * in which (a bit per core index), this one aside. */
void smp_wake(struct smp_sleepers *s, uint64_t which);

#endif
