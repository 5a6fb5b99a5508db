/* lock.c: spin locks with interrupts off while held (xv6's spinlock.c is the
 * model): a core that takes a lock it already holds would spin for ever with
 * interrupts off, so it panics instead, naming the lock's address. Each core
 * keeps the locks it holds, so fault recovery can give them back. */
#include "kernel.h"
#include "lock.h"
#include "percpu.h"
#include "x86.h"

static uint32_t lock_me(struct percpu *pc)
{
	return pc->index + 1;
}

int spin_holding(const struct spinlock *l)
{
	return l->locked == lock_me(this_cpu());
}

int spin_taken_irq_on(const struct spinlock *l)
{
	return !!(l->saved_flags & X86_FLAGS_IF);
}

static void lock_note_held(struct percpu *pc, struct spinlock *l, void (*reset)(void *), void *arg)
{
	if (pc->nheld == LOCK_HELD_MAX)
		panic("core %u holds more than %u locks", pc->index, LOCK_HELD_MAX);
	/* The entry before the count: a stop's NMI may read the list any time. */
	pc->held[pc->nheld] = (struct lock_held){ l, reset, arg };
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	pc->nheld++;
}

/* The most recent note of l (or, l NULL, of the claim with this arg). */
static void lock_forget_held(struct percpu *pc, struct spinlock *l, void *arg)
{
	for (uint32_t i = pc->nheld; i-- > 0;) {
		if (pc->held[i].lock != l || (!l && pc->held[i].arg != arg))
			continue;
		for (; i + 1 < pc->nheld; i++)
			pc->held[i] = pc->held[i + 1];
		pc->nheld--;
		return;
	}
}

/* Wait until l looks free. A caller that had interrupts on gets them back
 * meanwhile (it holds no lock a handler takes: holders keep them off): a
 * lock other cores hold for long and hand among themselves (a driver's,
 * for a whole transfer) must not keep this core deaf, the boot core above
 * all, whose interrupts bring Ctrl-C and the console's flush. */
static void lock_wait_free(const struct spinlock *l, uint64_t f)
{
	if (f & X86_FLAGS_IF)
		cpu_sti();
	while (l->locked)
		cpu_pause();
	cpu_cli();
}

/* The lock is noted before it is taken and given back before the note goes,
 * so a core forced out at any instruction (a stop's NMI, or an interrupt
 * while it waits) leaves no lock behind that recovery does not know:
 * recovery releases a noted lock only if its word names this core. */
void spin_lock_reset(struct spinlock *l, void (*reset)(void *), void *arg)
{
	uint64_t f = cpu_irq_save();
	struct percpu *pc = this_cpu();
	uint32_t me = lock_me(pc), free;

	/* panic takes no spin lock, so this cannot recurse. */
	if (l->locked == me)
		panic("spin lock %p taken twice by core %u", (void *)l, pc->index);
	lock_note_held(pc, l, reset, arg);
	for (;;) {
		free = 0;
		if (__atomic_compare_exchange_n(&l->locked, &free, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			break;
		lock_wait_free(l, f);
	}
	l->saved_flags = f;
}

void spin_lock(struct spinlock *l)
{
	spin_lock_reset(l, NULL, NULL);
}

void spin_unlock(struct spinlock *l)
{
	uint64_t f = l->saved_flags;
	struct percpu *pc = this_cpu();

	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	lock_forget_held(pc, l, NULL);
	cpu_irq_restore(f);
}

/* No need for interrupts off: an entry is written before it is counted,
 * and a stop that sees the list midway through a removal runs a release
 * twice, or one whose claim is already given back: it then finds nothing. */
void spin_claim(void (*release)(void *), void *arg)
{
	lock_note_held(this_cpu(), NULL, release, arg);
}

void spin_unclaim(void *arg)
{
	lock_forget_held(this_cpu(), NULL, arg);
}

/* Interrupts stay as the recovery path has them (off): the saved flags of
 * a lock taken by the code that faulted belong to that code. */
unsigned spin_recover_held(void)
{
	struct percpu *pc = this_cpu();
	uint32_t me = lock_me(pc);
	unsigned n = 0;

	/* An entry leaves the list only once dealt with: resets and releases
	 * may wait for a device, and a stop forced meanwhile (its NMI: a
	 * recovery in trap_check_stop runs with NMIs open) finds the entry
	 * still there and runs it again, to the end. */
	while (pc->nheld) {
		struct lock_held h = pc->held[pc->nheld - 1];

		if (!h.lock) {
			h.reset(h.arg); /* a claim: may take and give back locks */
		} else if (h.lock->locked == me) { /* else noted but not yet taken, or given back */
			if (h.reset)
				h.reset(h.arg);
			__atomic_store_n(&h.lock->locked, 0, __ATOMIC_RELEASE);
			n++;
		}
		pc->nheld--;
	}
	return n;
}
