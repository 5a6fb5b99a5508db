/* elf_priv.h: what the two ELF loaders (elf.c, the tiny profile's
 * elf_tiny.c) share from elf_place.c. */
#ifndef INGOT_ELF_PRIV_H
#define INGOT_ELF_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include "elf.h"

/* [a, a + alen) and [b, b + blen) share a byte (ends saturate). */
bool elf_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen);
/* ET_DYN: the lowest start from `from` on, congruent to lo modulo the
 * alignment, where the span fits in the region; false when none does. */
bool elf_place_from(const struct elf_image *img, uint64_t from, uint64_t region, uint64_t region_len,
		    uint64_t *start);

#endif
