/* ksyms.h: the kernel's own symbol table, embedded at build time (second
 * link pass) so backtraces name functions. */
#ifndef INGOT_KSYMS_H
#define INGOT_KSYMS_H

#include <stdint.h>

/* Name of the function containing addr and the offset into it, or NULL. */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);
unsigned ksyms_count(void);

#endif
