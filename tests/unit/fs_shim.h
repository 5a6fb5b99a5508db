/* fs_shim.h: what src/fs_path.c and src/fat_write.c need from the kernel,
 * for the host tests and the fuzzer of FAT writing (one thread, no console):
 * the fs lock, the recovery note's kprintf, the write buffers' pages.
 * Included by exactly one file of each binary. */
#ifndef INGOT_FS_SHIM_H
#define INGOT_FS_SHIM_H

#include <stdlib.h>
#include "console.h"
#include "lock.h"
#include "mm.h"
#include "rtc.h"

void spin_lock(struct spinlock *l)
{
	l->locked = 1;
}

void spin_unlock(struct spinlock *l)
{
	l->locked = 0;
}

void spin_lock_reset(struct spinlock *l, void (*reset)(void *arg), void *arg)
{
	(void)reset, (void)arg;
	l->locked = 1;
}

/* Taken with interrupts off here: fs_path.c then leaves them alone. */
int spin_taken_irq_on(const struct spinlock *l)
{
	(void)l;
	return 0;
}

/* A fixed clock: entries the tests write are dated 2024-05-17 12:34:56. */
int rtc_now(struct rtc_time *out)
{
	*out = (struct rtc_time){ 2024, 5, 17, 12, 34, 56 };
	return 0;
}

int kprintf(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

/* fat_write.c's buffers, taken once. */
void *pmm_alloc_named(size_t count, const char *owner)
{
	(void)owner;
	return calloc(count, 4096);
}

#endif
