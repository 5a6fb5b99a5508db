/* lock.c: spin locks with interrupts off while held (xv6's spinlock.c is the
 * model): a core that takes a lock it already holds would spin for ever with
 * interrupts off, so it panics instead, naming the lock's address. */
#include "kernel.h"
#include "lock.h"
#include "percpu.h"
#include "x86.h"

int spin_holding(const struct spinlock *l)
{
	return l->locked && l->owner == this_cpu()->index + 1;
}

void spin_lock(struct spinlock *l)
{
	uint64_t f = cpu_irq_save();

	/* panic takes no spin lock, so this cannot recurse. */
	if (spin_holding(l))
		panic("spin lock %p taken twice by core %u", (void *)l, this_cpu()->index);
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			cpu_pause();
	l->owner = this_cpu()->index + 1;
	l->saved_flags = f;
}

void spin_unlock(struct spinlock *l)
{
	uint64_t f = l->saved_flags;

	/* Cleared before the release: another core may take it at once. */
	l->owner = 0;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	cpu_irq_restore(f);
}
