/* memown.h: which memory the kernel owns, and who in it: one registry that
 * the page allocator, the drivers (DMA rings and buffers), the RAM disk and
 * the program runner (stack guard pages) write into, and that poke, mem and
 * the page-fault report read. */
#ifndef INGOT_MEMOWN_H
#define INGOT_MEMOWN_H

#include <stdint.h>
#include "kernel.h"

#define MEMOWN_GUARD 1u   /* an unmapped guard page below a stack */
#define MEMOWN_PROGRAM 2u /* the running program's (dropped when it ends) */

struct memown {
	uint64_t start, end;       /* [start, end), page-aligned */
	const char *name;          /* "page tables", "e1000 DMA buffers", ... */
	int core;                  /* for a stack or its guard: the core, else -1 */
	unsigned flags;            /* MEMOWN_* */
};

/* Record [start, start + len) as owned by name. A range that continues the
 * last one recorded under the same name and core extends it (the page
 * allocator hands out consecutive pages). 0, or -ENOSPC when the table is
 * full (the range is then only covered by a wider one, if any). */
int memown_add(uint64_t start, uint64_t len, const char *name, int core, unsigned flags);
/* Forget every range recorded with these flags (a program's guards). */
void memown_drop(unsigned flags);
/* The narrowest range (of equal ones, the last recorded) holding any byte of [addr, addr + len), or NULL. */
const struct memown *memown_find(uint64_t addr, uint64_t len);
/* The i-th range in address order, or NULL past the last. */
const struct memown *memown_get(unsigned i);
/* The tiny profile leaves the registry out (it has no poke): every caller
 * checks that the function is there. */
#ifdef INGOT_TINY
#define memown_add ABSENT(memown_add)
#define memown_drop ABSENT(memown_drop)
#define memown_find ABSENT(memown_find)
#define memown_get ABSENT(memown_get)
#else
OPTIONAL(memown_add);
OPTIONAL(memown_drop);
OPTIONAL(memown_find);
OPTIONAL(memown_get);
#endif

#endif
