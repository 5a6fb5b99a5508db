/* cmd_mem.c: mem, the memory map and totals (peek, poke, dump and crc32
 * over memory: cmd_peek.c). */
#include "bootinfo.h"
#include "console.h"
#include "kernel.h"
#include "memown.h"
#include "mm.h"
#include "monitor.h"
#include "string.h"

static void print_size(uint64_t bytes)
{
	if (bytes >= GiB && !(bytes % GiB))
		kprintf("%llu GiB", ull(bytes / GiB));
	else if (bytes >= MiB)
		kprintf("%llu MiB", ull(bytes / MiB));
	else
		kprintf("%llu KiB", ull((bytes + KiB - 1) / KiB));
}

static void mem_print_map(void)
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

/* The registry of kernel memory, in address order: what poke refuses. */
static void mem_print_owned(void)
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

static int cmd_mem(int argc, char **argv)
{
	struct mm_stats st;

	(void)argc, (void)argv;
	mm_get_stats(&st);
	mem_print_map();
	kprintf("RAM: %llu MiB (usable %llu KiB)\n", ull((st.ram_total + MiB - 1) / MiB), ull(st.usable / KiB));
	kprintf("kernel: image %llu KiB at %016llx, page tables and allocations %llu KiB, modules %llu KiB\n",
		ull(st.kernel_image / KiB), ull((uint64_t)__kernel_start), ull(st.kernel_alloc / KiB),
		ull(st.reserved_mods / KiB));
	kprintf("free: %llu MiB (%llu KiB); program region %016llx-%016llx (%llu MiB)\n", ull(st.free / MiB),
		ull(st.free / KiB), ull(st.region_start), ull(st.region_start + st.region_len - (st.region_len != 0)),
		ull(st.region_len / MiB));
	kprintf("mapped: RAM up to %016llx with %s pages; page 0 unmapped\n", ull(st.mapped_top),
		st.huge_1g ? "1 GiB" : "2 MiB");
	mem_print_owned();
	return 0;
}

CMD(mem, .name = "mem", .usage = "mem",
    .summary = "memory map, totals, kernel use and the free region for programs",
    .min_args = 0, .max_args = 0, .fn = cmd_mem);
