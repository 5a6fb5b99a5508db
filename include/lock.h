/* lock.h: spin locks, for data that cores and interrupt handlers share. The
 * holding core keeps interrupts off, so a handler never spins on a lock its
 * own core holds; taking a lock twice on one core panics (as xv6's holding()). */
#ifndef INGOT_LOCK_H
#define INGOT_LOCK_H

#include <stdint.h>

struct spinlock {
	volatile uint32_t locked;
	uint32_t owner;            /* holding core's index + 1; 0: none */
	uint64_t saved_flags;      /* the holder's interrupt flag, restored on unlock */
};
#define SPINLOCK_INIT { 0, 0, 0 }

void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
/* Does the calling core hold l? */
int spin_holding(const struct spinlock *l);

#endif
