/* cmd_mem.c: mem, the RAM and free totals; the memory map, the kernel's use
 * and the mappings are in cmd_mem_map.c (peek, poke, dump and crc32 over
 * memory: cmd_peek.c). */
#include "console.h"
#include "kernel.h"
#include "mm.h"
#include "monitor.h"

#ifdef INGOT_TINY
#define mem_print_map ABSENT(mem_print_map)
#define mem_print_kernel ABSENT(mem_print_kernel)
#define mem_print_mapped ABSENT(mem_print_mapped)
#define mem_print_owned ABSENT(mem_print_owned)
#define numa_print_mem ABSENT(numa_print_mem)
#else
OPTIONAL(mem_print_map);
OPTIONAL(mem_print_kernel);
OPTIONAL(mem_print_mapped);
OPTIONAL(mem_print_owned);
OPTIONAL(numa_print_mem);
#endif

static int cmd_mem(int argc, char **argv)
{
	struct mm_stats st;

	(void)argc, (void)argv;
	mm_get_stats(&st);
	if (mem_print_map)
		mem_print_map();
	kprintf("RAM: %llu MiB (usable %llu KiB)\n", ull((st.ram_total + MiB - 1) / MiB), ull(st.usable / KiB));
	if (mem_print_kernel)
		mem_print_kernel(&st);
	kprintf("free: %llu MiB (%llu KiB); program region %016llx-%016llx (%llu MiB)\n", ull(st.free / MiB),
		ull(st.free / KiB), ull(st.region_start), ull(st.region_start + st.region_len - (st.region_len != 0)),
		ull(st.region_len / MiB));
#ifndef INGOT_TINY /* what memtest.elf tests by default, against all the RAM */
	if (st.ram_total)
		kprintf("program region: %llu MiB of %llu MiB RAM (%llu%%)\n", ull(st.region_len / MiB),
			ull((st.ram_total + MiB - 1) / MiB), ull(st.region_len * 100 / st.ram_total));
#endif
	if (mem_print_mapped)
		mem_print_mapped(&st);
	if (mem_print_owned)
		mem_print_owned();
	if (numa_print_mem)
		numa_print_mem();
	return 0;
}

#ifdef INGOT_TINY /* the tiny profile: no cmd_mem_map.c */
CMD(mem, .name = "mem", .usage = "mem",
    .summary = "RAM and free totals, the free region for programs",
    .min_args = 0, .max_args = 0, .fn = cmd_mem);
#else
CMD(mem, .name = "mem", .usage = "mem",
    .summary = "memory map, totals, kernel use and the free region for programs",
    .min_args = 0, .max_args = 0, .fn = cmd_mem);
#endif
