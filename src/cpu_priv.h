/* cpu_priv.h: what cpu.c shares with cpu_detail.c (caches, topology and
 * feature names, left out of the tiny profile): the CPUID source of one
 * decode and its helpers. */
#ifndef INGOT_CPU_PRIV_H
#define INGOT_CPU_PRIV_H

#include "cpu.h"

#define LEAF_EXT 0x80000000u
#define LEAF_HV 0x40000000u

/* The source of a decode: the CPUID function and the leaf limits it gave. */
struct cpu_ctx {
	cpu_cpuid_fn fn;
	uint32_t max, max_ext;
};

/* CPUID within the limits the CPU reported; zeros beyond them (Intel
 * returns the highest basic leaf's data for a leaf past the maximum). */
void cpu_leaf(const struct cpu_ctx *x, uint32_t leaf, uint32_t sub, uint32_t r[4]);
/* cpu_detail.c: the caches and the topology into ci. */
void cpu_decode_detail(struct cpu_info *ci, const struct cpu_ctx *x);

#endif
