/* elf_place.c: the placement arithmetic of both ELF loaders (elf.c and the
 * tiny profile's elf_tiny.c): where a static PIE's span fits in the free
 * region. Pure code, host unit-tested through tests/unit/test_elf.c. */
#include "elf_priv.h"

bool elf_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	uint64_t aend = alen > UINT64_MAX - a ? UINT64_MAX : a + alen;
	uint64_t bend = blen > UINT64_MAX - b ? UINT64_MAX : b + blen;

	return alen && blen && a < bend && b < aend;
}

bool elf_place_from(const struct elf_image *img, uint64_t from, uint64_t region, uint64_t region_len,
		    uint64_t *start)
{
	uint64_t pad = (img->lo - from) & (img->max_align - 1), span = img->hi - img->lo;

	if (from < region || from > UINT64_MAX - pad)
		return false;
	*start = from + pad;
	return *start - region <= region_len && span <= region_len - (*start - region);
}
