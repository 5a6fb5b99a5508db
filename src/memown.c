/* memown.c: the registry of memory the kernel owns (include/memown.h):
 * ranges with their owner's name, kept sorted by start, so `mem` lists them
 * in order and poke names whose memory it was asked to write. */
#include "errno.h"
#include "kernel.h"
#include "memown.h"

#define MEMOWN_MAX 160

static struct memown owned[MEMOWN_MAX];
static unsigned owned_count;
static struct memown *last_added;

static int memown_overlap(const struct memown *m, uint64_t addr, uint64_t len)
{
	return addr < m->end && m->start < addr + (len ? len : 1);
}

/* The page allocator's ranges come one after another under one name: one
 * entry grows instead of one per allocation. */
static int memown_extend(uint64_t start, uint64_t len, const char *name, int core, unsigned flags)
{
	struct memown *m = last_added;

	if (!m || m->end != start || m->name != name || m->core != core || m->flags != flags)
		return 0;
	if (m + 1 < owned + owned_count && m[1].start < start + len)
		return 0; /* would overlap the next one: keep them apart */
	m->end = start + len;
	return 1;
}

int memown_add(uint64_t start, uint64_t len, const char *name, int core, unsigned flags)
{
	unsigned i;

	if (!len)
		return 0;
	if (memown_extend(start, len, name, core, flags))
		return 0;
	if (owned_count == MEMOWN_MAX)
		return -ENOSPC;
	for (i = owned_count; i > 0 && owned[i - 1].start > start; i--)
		owned[i] = owned[i - 1];
	owned[i] = (struct memown){ start, start + len, name, core, flags };
	owned_count++;
	last_added = &owned[i];
	return 0;
}

void memown_drop(unsigned flags)
{
	unsigned n = 0;

	for (unsigned i = 0; i < owned_count; i++)
		if (!(owned[i].flags & flags))
			owned[n++] = owned[i];
	owned_count = n;
	last_added = NULL;
}

const struct memown *memown_find(uint64_t addr, uint64_t len)
{
	const struct memown *best = NULL;

	for (unsigned i = 0; i < owned_count && owned[i].start < addr + (len ? len : 1); i++)
		if (memown_overlap(&owned[i], addr, len) &&
		    (!best || owned[i].end - owned[i].start <= best->end - best->start))
			best = &owned[i];
	return best;
}

const struct memown *memown_get(unsigned i)
{
	return i < owned_count ? &owned[i] : NULL;
}
