/* lock.h: spin locks, for data that cores and interrupt handlers share. The
 * holding core keeps interrupts off, so a handler never spins on a lock its
 * own core holds; taking a lock twice on one core panics (as xv6's holding()).
 * A core that waits for a lock has its interrupts as its caller had them,
 * so a wait behind long holders on other cores never masks them. */
#ifndef INGOT_LOCK_H
#define INGOT_LOCK_H

#include <stdint.h>

struct spinlock {
	/* 0: free; else the holding core's index + 1, set by the one atomic
	 * exchange that takes the lock, so there is no moment when the lock is
	 * taken but its owner unknown (fault recovery relies on it). */
	volatile uint32_t locked;
	uint32_t reserved;         /* the layout of the program API's ingot_lock_t */
	uint64_t saved_flags;      /* the holder's interrupt flag, restored on unlock */
};
#define SPINLOCK_INIT { 0, 0, 0 }

void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
/* Does the calling core hold l? */
int spin_holding(const struct spinlock *l);
/* Had the holder of l interrupts on when it took it? A lock no interrupt
 * handler takes may then be held across a sleeping wait (smp_nap). */
int spin_taken_irq_on(const struct spinlock *l);

/* Fault recovery. Each core keeps the locks it holds, most recent last. A
 * fault on a core that holds locks (a program's bad buffer copied inside a
 * driver, say) would leave them taken for ever: trap.c's recovery calls
 * spin_recover_held, which gives each one back, most recent first, after
 * calling its reset. A lock that guards device state that a request cut
 * short can leave half done (an IDE channel with data pending, a ring
 * with a descriptor posted) is taken with spin_lock_reset: reset(arg)
 * runs with the lock still held, puts the device back in a state the next
 * request can use, and reports on the console what it did. */
#define LOCK_HELD_MAX 8
struct lock_held {
	struct spinlock *lock;
	void (*reset)(void *arg);
	void *arg;
};
void spin_lock_reset(struct spinlock *l, void (*reset)(void *arg), void *arg);
/* A claim: something a core holds between locks, such as the AHCI command
 * slots a request waits for with no lock held. Noted (spin_claim) before
 * anything is claimed, forgotten (spin_unclaim, same arg) after all is
 * given back; recovery calls release(arg), with the locks noted after it
 * already given back, so release may take them. It finds what this core
 * still has (the owner is recorded with the claim, under the owner's lock)
 * and gives it back; it may find nothing. Entries in held[] with lock NULL. */
void spin_claim(void (*release)(void *arg), void *arg);
void spin_unclaim(void *arg);
/* Reset and release every lock the calling core holds, and give back its
 * claims; how many locks there were. An entry stays listed until its reset
 * or release has finished, so a stop forced in the middle of one (they may
 * wait for a device) runs it again rather than losing it. */
unsigned spin_recover_held(void);

#endif
