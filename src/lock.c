/* lock.c: spin locks with interrupts off while held (xv6's spinlock.c is the
 * model): a core that takes a lock it already holds would spin for ever with
 * interrupts off, so it panics instead, naming the lock's address. Each core
 * keeps the locks it holds, so fault recovery can give them back. */
#include "kernel.h"
#include "lock.h"
#include "percpu.h"
#include "x86.h"

int spin_holding(const struct spinlock *l)
{
	return l->locked && l->owner == this_cpu()->index + 1;
}

static void lock_note_held(struct percpu *pc, struct spinlock *l, void (*reset)(void *), void *arg)
{
	if (pc->nheld == LOCK_HELD_MAX)
		panic("core %u holds more than %u locks", pc->index, LOCK_HELD_MAX);
	pc->held[pc->nheld++] = (struct lock_held){ l, reset, arg };
}

static void lock_forget_held(struct percpu *pc, struct spinlock *l)
{
	for (uint32_t i = pc->nheld; i-- > 0;) {
		if (pc->held[i].lock != l)
			continue;
		for (; i + 1 < pc->nheld; i++)
			pc->held[i] = pc->held[i + 1];
		pc->nheld--;
		return;
	}
}

void spin_lock_reset(struct spinlock *l, void (*reset)(void *), void *arg)
{
	uint64_t f = cpu_irq_save();
	struct percpu *pc = this_cpu();

	/* panic takes no spin lock, so this cannot recurse. */
	if (spin_holding(l))
		panic("spin lock %p taken twice by core %u", (void *)l, pc->index);
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			cpu_pause();
	l->owner = pc->index + 1;
	l->saved_flags = f;
	lock_note_held(pc, l, reset, arg);
}

void spin_lock(struct spinlock *l)
{
	spin_lock_reset(l, NULL, NULL);
}

void spin_unlock(struct spinlock *l)
{
	uint64_t f = l->saved_flags;

	lock_forget_held(this_cpu(), l);
	/* Cleared before the release: another core may take it at once. */
	l->owner = 0;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	cpu_irq_restore(f);
}

/* Interrupts stay as the recovery path has them (off): the saved flags of
 * a lock taken by the code that faulted belong to that code. */
unsigned spin_recover_held(void)
{
	struct percpu *pc = this_cpu();
	unsigned n = pc->nheld;

	while (pc->nheld) {
		struct lock_held h = pc->held[pc->nheld - 1];

		if (h.reset)
			h.reset(h.arg);
		pc->nheld--;
		h.lock->owner = 0;
		__atomic_store_n(&h.lock->locked, 0, __ATOMIC_RELEASE);
	}
	return n;
}
