/* ksyms.c: look up the kernel's function symbols. The table is generated
 * from the first link pass by scripts/ksyms.sh and linked in on the second:
 * addresses sorted ascending, names in one string block. */
#include "ksyms.h"
#include "kernel.h"

struct ksym {
	uint64_t addr;
	uint32_t name;  /* offset into ksym_names */
	uint32_t size;
};

extern const struct ksym ksym_table[];
extern const uint64_t ksym_table_count;
extern const char ksym_names[];

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
	uint64_t lo = 0, hi = ksym_table_count;

	/* last symbol whose address is <= addr */
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;

		if (ksym_table[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct ksym *s = &ksym_table[lo - 1];
	if (addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end)
		return NULL;
	*offset = addr - s->addr;
	return ksym_names + s->name;
}

unsigned ksyms_count(void)
{
	return (unsigned)ksym_table_count;
}
