/* mm.h: physical memory and the kernel's single identity-mapped address
 * space (4-level paging, Intel SDM vol. 3A ch. 4). */
#ifndef INGOT_MM_H
#define INGOT_MM_H

#include <stdint.h>
#include <stddef.h>

#define PAGE_SIZE 4096ull

/* Page table entry bits (SDM vol. 3A, 4.5). */
#define PTE_P   (1ull << 0)
#define PTE_W   (1ull << 1)
#define PTE_U   (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_A   (1ull << 5)
#define PTE_D   (1ull << 6)
#define PTE_PS  (1ull << 7)
#define PTE_G   (1ull << 8)
#define PTE_NX  (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* Mapping attributes for vm_map. */
#define VM_WRITE   1u
#define VM_EXEC    2u
#define VM_UNCACHED 4u
#define VM_WC      8u /* write-combining (framebuffers); uncached without PAT */

/* Build the kernel's page tables from the boot memory map and switch to them. */
void mm_init(void);
/* This core's memory types (the PAT): mm_init does the boot core's, each
 * other core calls it as it starts, before it touches memory. */
void mm_init_cpu(void);

/* Map [phys, phys+len) at the same virtual address. Returns 0 or -ENOMEM. */
int vm_map(uint64_t phys, uint64_t len, unsigned attrs);
/* Map device memory uncached (for drivers: BARs, APIC, HPET). */
int vm_map_mmio(uint64_t phys, uint64_t len);

/* Is addr canonical (bits 63:47 all equal)? */
int vm_canonical(uint64_t addr);
/* Look addr up in the live page tables: 0 and the leaf entry's flags, or
 * -EFAULT when not mapped (or not canonical). */
int vm_query(uint64_t addr, uint64_t *flags);
/* Check that every byte of [addr, addr+len) is mapped (and writable when
 * write is set): 0, -EFAULT or -EACCES. *bad gets the first bad address. */
int vm_check_range(uint64_t addr, uint64_t len, int write, uint64_t *bad);
/* A buffer from a program, checked once per layer (block.c, net.c) before
 * any lock is taken or device touched: every byte of [buf, buf + len)
 * canonical and mapped, writable when write (the kernel writes it): 0 or
 * -EFAULT. After vm_fault_next_copy on this core, a good buffer in the
 * free region then loses its first page until vm_buf_done (the call
 * returned; a faulting one never does: mm_region_reset maps the page
 * again), so the driver's own copy faults: the program API's
 * test_fault_next_copy, for the tests of recovery from such faults. */
int vm_buf_check(const void *buf, uint64_t len, int write);
void vm_buf_done(void);
void vm_fault_next_copy(void);

/* Physical pages for the kernel's own use (page tables, stacks). Zeroed. */
void *pmm_alloc_pages(size_t count);
/* The same, recorded under the owner's name in the registry of kernel
 * memory (memown.h): what poke names when it refuses to write there. The
 * tiny profile has no registry, and no names to keep. */
#ifdef INGOT_TINY
#define pmm_alloc_named(count, owner) ((void)(owner), pmm_alloc_pages(count))
#else
void *pmm_alloc_named(size_t count, const char *owner);
#endif
/* Unmap [addr, addr + len) (whole 4 KiB pages): guard pages. */
void vm_unmap(uint64_t addr, uint64_t len);

/* Memory for a monitor command's temporary use (disk bench, file reads):
 * the start of the free region programs get, page-aligned, or NULL when the
 * region is smaller than len. Valid until the next program runs. */
void *mm_scratch(uint64_t len);
/* busy() says whether a core may still run in the region (a program it
 * did not stop): mm_scratch returns NULL while it does. */
void mm_set_region_busy(int (*busy)(void));
/* A program's protections undone: the free region is plain writable RAM
 * with the largest pages again, and the page tables that held them go back
 * to the kernel for the next program. */
void mm_region_reset(void);
/* Counts mm_scratch calls: a loaded program notices its memory was reused. */
uint64_t mm_scratch_generation(void);
/* End of boot: the kernel's pages get a fixed headroom, and the free
 * region starts after it for good. */
void mm_seal(void);

struct mm_stats {
	uint64_t ram_total;        /* RAM in the map (usable, ACPI, NVS) */
	uint64_t usable;           /* usable RAM in the map */
	uint64_t kernel_image;     /* text + data + bss */
	uint64_t kernel_alloc;     /* pages the kernel took since boot and still uses */
	uint64_t reserved_mods;    /* loader modules and info kept */
	uint64_t free;             /* usable, above 1 MiB, not taken */
	uint64_t region_start, region_len; /* largest free run: what programs get */
	uint64_t mapped_top;       /* end of the highest mapped RAM */
	int huge_1g;               /* 1 GiB pages in use */
};
void mm_get_stats(struct mm_stats *st);

#endif
