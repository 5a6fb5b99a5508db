/* cmd_mem_map.c: the parts of mem the tiny profile leaves out: the loader's
 * memory map (Multiboot2 3.6.8, multiboot1 3.3), the kernel's own use and
 * how RAM is mapped. Exercised by tests/expect/mem.exp. */
#include "bootinfo.h"
#include "console.h"
#include "kernel.h"
#include "memown.h"
#include "mm.h"
#include "monitor.h"

static void print_size(uint64_t bytes)
{
	if (bytes >= GiB && !(bytes % GiB))
		kprintf("%llu GiB", ull(bytes / GiB));
	else if (bytes >= MiB)
		kprintf("%llu MiB", ull(bytes / MiB));
	else
		kprintf("%llu KiB", ull((bytes + KiB - 1) / KiB));
}

void mem_print_map(void)
{
	kprintf("memory map (%s, multiboot%d):\n", boot_info.loader[0] ? boot_info.loader : "loader",
		boot_info.protocol);
	for (unsigned i = 0; i < boot_info.mmap_count; i++) {
		const struct mmap_entry *e = &boot_info.mmap[i];

		kprintf("  %016llx-%016llx  ", ull(e->base), ull(e->base + e->len - 1));
		print_size(e->len);
		kprintf("  %s\n", bootinfo_mem_type_name(e->type));
	}
	if (boot_info.mmap_truncated)
		kprintf("  (more entries than the %d kept)\n", BOOTINFO_MAX_MMAP);
}

void mem_print_kernel(const struct mm_stats *st)
{
	kprintf("kernel: image %llu KiB at %016llx, page tables and allocations %llu KiB, modules %llu KiB\n",
		ull(st->kernel_image / KiB), ull((uint64_t)__kernel_start), ull(st->kernel_alloc / KiB),
		ull(st->reserved_mods / KiB));
}

void mem_print_mapped(const struct mm_stats *st)
{
	kprintf("mapped: RAM up to %016llx with %s pages; page 0 unmapped\n", ull(st->mapped_top),
		st->huge_1g ? "1 GiB" : "2 MiB");
}

/* The registry of kernel memory, in address order: what poke refuses. */
void mem_print_owned(void)
{
	const struct memown *m;

	if (!memown_get)
		return;
	kprintf("kernel-owned (poke refuses these without -f):\n");
	for (unsigned i = 0; (m = memown_get(i)); i++) {
		kprintf("  %016llx-%016llx  ", ull(m->start), ull(m->end - 1));
		print_size(m->end - m->start);
		if (m->core >= 0)
			kprintf("  %s of core %d\n", m->name, m->core);
		else
			kprintf("  %s\n", m->name);
	}
}
