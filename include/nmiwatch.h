/* nmiwatch.h: Ctrl-C always wins: while a program runs, an NMI reaches the
 * boot core periodically, and when its interrupts have been masked for a
 * while the NMI reads the keyboards itself (src/nmiwatch.c). */
#ifndef INGOT_NMIWATCH_H
#define INGOT_NMIWATCH_H

#include <stdint.h>
#include "kernel.h"

/* Start and stop the periodic NMI (the program runner, on the boot core):
 * start returns 0, or -ENODEV when this machine has no way to raise one
 * (no I/O APIC, or the PIT is the clock). */
int nmiwatch_start(void);
void nmiwatch_stop(void);
/* From the NMI handler with the interrupted RIP: 1 when the NMI was the
 * watch's (nothing to report), else 0. */
int nmiwatch_nmi(uint64_t rip);
/* The tiny profile leaves the watch out (nmiwatch.c): callers check. */
#ifdef INGOT_TINY
#define nmiwatch_start ABSENT(nmiwatch_start)
#define nmiwatch_stop ABSENT(nmiwatch_stop)
#define nmiwatch_nmi ABSENT(nmiwatch_nmi)
#else
OPTIONAL(nmiwatch_start);
OPTIONAL(nmiwatch_stop);
OPTIONAL(nmiwatch_nmi);
#endif

#endif
