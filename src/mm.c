/* mm.c: physical page allocation and the kernel's identity map (Intel SDM
 * vol. 3A ch. 4, 4-level paging). RAM from the loader's map is write-back,
 * every other address below 4 GiB uncached, page 0 absent, kernel text and
 * rodata read-only with CR0.WP, 1 GiB pages where CPUID 0x80000001 allows. */
#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "errno.h"
#include "kernel.h"
#include "memown.h"
#include "mm.h"
#include "percpu.h"
#include "string.h"
#include "x86.h"

#define PT_ENTRIES 512
#define SIZE_4K (1ull << 12)
#define SIZE_2M (1ull << 21)
#define SIZE_1G (1ull << 30)
#define LOW_LIMIT (4 * GiB)
/* PAT entry 1 (PTE PWT alone) is write-through at power-on and unused by
 * this kernel: it becomes write-combining, for framebuffers (SDM vol. 3A
 * 11.12.2, memory type encoding 01h). The other entries keep their types. */
#define PAT_ENTRY_WC 1
#define PAT_TYPE_WC 0x01ull

static uint64_t *pml4;
static int have_1g, have_nx, have_pat;
static uint64_t pmm_start, pmm_next;
/* After boot the kernel keeps a little room past its pages (page tables
 * split when programs are mapped, buffers of late commands), so the free
 * region programs get never moves under them. */
#define PMM_HEADROOM (1 * MiB)
static uint64_t pmm_limit;
static uint64_t scratch_gen;
static uint64_t mapped_top;
/* Page tables a large page replaced (a program's protections undone), linked
 * through their first entry: reused before the bump allocator, so loading
 * and running programs again and again costs the kernel no pages. */
static uint64_t *pt_free;
static uint64_t pt_free_pages;

static int range_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Usable RAM that a bump allocation at addr may take, skipping modules. */
static int pmm_usable(uint64_t addr, uint64_t len)
{
	int in_ram = 0;

	for (unsigned i = 0; i < boot_info.mmap_count; i++) {
		const struct mmap_entry *e = &boot_info.mmap[i];
		if (e->type == MEM_USABLE && addr >= e->base && addr + len <= e->base + e->len)
			in_ram = 1;
	}
	return in_ram;
}

static uint64_t pmm_module_end(uint64_t addr, uint64_t len)
{
	for (unsigned i = 0; i < boot_info.mod_count; i++) {
		const struct boot_module *m = &boot_info.mods[i];
		if (range_overlap(addr, len, m->start, m->end - m->start))
			return ALIGN_UP(m->end, PAGE_SIZE);
	}
	return 0;
}

/* Usable RAM in the loader's map, for the out-of-memory message. */
static uint64_t pmm_usable_total(void)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < boot_info.mmap_count; i++)
		if (boot_info.mmap[i].type == MEM_USABLE)
			n += boot_info.mmap[i].len;
	return n;
}

/* Pages come from just above the kernel image, so the kernel's RAM stays one
 * run and programs get the rest unbroken. */
void *pmm_alloc_pages(size_t count)
{
	uint64_t len = count * PAGE_SIZE, skip;

	if (!pmm_next)
		pmm_start = pmm_next = ALIGN_UP((uint64_t)__kernel_end, PAGE_SIZE);
	while ((skip = pmm_module_end(pmm_next, len)))
		pmm_next = skip;
	/* Only a machine far too small gets here (QEMU -m 2 with a NIC, or
	 * -m 4 with 64 cores): name the cause, not just the address. */
	if (!pmm_usable(pmm_next, len) || pmm_next + len > LOW_LIMIT || (pmm_limit && pmm_next + len > pmm_limit))
		panic("out of memory for kernel pages (%llu KiB at %#llx): %llu KiB of usable RAM is too little "
		      "for this machine's cores and devices",
		      (unsigned long long)(len / KiB), (unsigned long long)pmm_next,
		      (unsigned long long)(pmm_usable_total() / KiB));
	void *p = (void *)pmm_next;
	pmm_next += len;
	memset(p, 0, len);
	return p;
}

#ifndef INGOT_TINY
void *pmm_alloc_named(size_t count, const char *owner)
{
	void *p = pmm_alloc_pages(count);

	if (memown_add)
		memown_add((uint64_t)p, count * PAGE_SIZE, owner, -1, 0);
	return p;
}
#endif

static uint64_t *pt_alloc(void)
{
	uint64_t *t = pt_free;

	if (!t)
		return pmm_alloc_named(1, "page tables");
	pt_free = (uint64_t *)t[0];
	pt_free_pages--;
	memset(t, 0, PAGE_SIZE);
	return t;
}

/* Give back the table a non-leaf entry for a page of this size points to,
 * and the tables under it. */
static void pt_release(uint64_t entry, uint64_t size)
{
	uint64_t *t = (uint64_t *)(entry & PTE_ADDR);

	if (size > SIZE_2M)
		for (int i = 0; i < PT_ENTRIES; i++)
			if ((t[i] & PTE_P) && !(t[i] & PTE_PS))
				pt_release(t[i], size >> 9);
	t[0] = (uint64_t)pt_free;
	pt_free = t;
	pt_free_pages++;
}

static uint64_t attrs_to_pte(unsigned attrs)
{
	uint64_t f = PTE_P;

	if (attrs & VM_WRITE)
		f |= PTE_W;
	if (attrs & VM_UNCACHED)
		f |= PTE_PCD | PTE_PWT;
	else if (attrs & VM_WC)
		f |= have_pat ? PTE_PWT : PTE_PCD | PTE_PWT;
	if (!(attrs & VM_EXEC) && have_nx)
		f |= PTE_NX;
	return f;
}

/* Replace a large leaf by a table of the next smaller pages, same attributes. */
static uint64_t *pt_split(uint64_t *entry, uint64_t size)
{
	uint64_t *t = pt_alloc();
	uint64_t old = *entry, base = old & PTE_ADDR & ~(size - 1);
	uint64_t sub = size >> 9, flags = old & ~PTE_ADDR;

	if (sub == SIZE_4K)
		flags &= ~PTE_PS; /* bit 7 is PAT in a 4 KiB entry */
	for (int i = 0; i < PT_ENTRIES; i++)
		t[i] = (base + (uint64_t)i * sub) | flags;
	*entry = (uint64_t)t | PTE_P | PTE_W;
	return t;
}

/* The table under *entry, created or split as needed. */
static uint64_t *pt_next(uint64_t *entry, uint64_t size)
{
	if (!(*entry & PTE_P)) {
		uint64_t *t = pt_alloc();
		*entry = (uint64_t)t | PTE_P | PTE_W;
		return t;
	}
	if (*entry & PTE_PS)
		return pt_split(entry, size);
	return (uint64_t *)(*entry & PTE_ADDR);
}

/* Map one page of the given size. A table in that slot maps nothing the
 * large page does not replace: it goes back to the free tables, after every
 * translation it fed is dropped from this core's TLB (the other cores drop
 * theirs before they next run work, see smp.c). */
static void pt_map_one(uint64_t addr, uint64_t size, uint64_t pte)
{
	uint64_t *t = pml4, *e, old;
	uint64_t level_size = 512 * SIZE_1G;

	for (int shift = 39; ; shift -= 9, level_size >>= 9) {
		e = &t[(addr >> shift) & 511];
		if (level_size == size)
			break;
		t = pt_next(e, level_size);
	}
	old = *e;
	*e = addr | pte | (size != SIZE_4K ? PTE_PS : 0);
	if ((old & PTE_P) && !(old & PTE_PS) && size != SIZE_4K) {
		if (pml4 == (uint64_t *)read_cr3())
			write_cr3(read_cr3());
		pt_release(old, size);
	}
}

static uint64_t pick_size(uint64_t addr, uint64_t end)
{
	if (have_1g && !(addr & (SIZE_1G - 1)) && end - addr >= SIZE_1G)
		return SIZE_1G;
	if (!(addr & (SIZE_2M - 1)) && end - addr >= SIZE_2M)
		return SIZE_2M;
	return SIZE_4K;
}

static int vm_map_pte(uint64_t phys, uint64_t len, uint64_t pte)
{
	uint64_t addr = ALIGN_DOWN(phys, SIZE_4K), end = ALIGN_UP(phys + len, SIZE_4K);

	while (addr < end) {
		uint64_t size = pick_size(addr, end);

		pt_map_one(addr, size, pte);
		if (pml4 == (uint64_t *)read_cr3())
			invlpg(addr);
		addr += size;
	}
	return 0;
}

int vm_map(uint64_t phys, uint64_t len, unsigned attrs)
{
	if (!vm_canonical(phys) || phys + len < phys || phys + len > (1ull << 47))
		return -EINVAL;
	return vm_map_pte(phys, len, attrs_to_pte(attrs));
}

int vm_map_mmio(uint64_t phys, uint64_t len)
{
	return vm_map(phys, len, VM_WRITE | VM_UNCACHED);
}

/* The 4 KiB entry for addr, larger pages above it split. */
static uint64_t *pt_entry_4k(uint64_t addr)
{
	uint64_t *t = pml4;
	uint64_t level_size = 512 * SIZE_1G;

	for (int shift = 39; shift > 12; shift -= 9, level_size >>= 9)
		t = pt_next(&t[(addr >> shift) & 511], level_size);
	return &t[(addr >> 12) & 511];
}

static void vm_unmap_page(uint64_t addr)
{
	*pt_entry_4k(addr) = 0;
	invlpg(addr);
}

void vm_unmap(uint64_t addr, uint64_t len)
{
	for (uint64_t a = ALIGN_DOWN(addr, SIZE_4K); a < addr + len; a += SIZE_4K)
		vm_unmap_page(a);
}

static int mem_is_ram(uint32_t type)
{
	return type == MEM_USABLE || type == MEM_ACPI || type == MEM_NVS;
}

static void mm_map_ram(void)
{
	for (unsigned i = 0; i < boot_info.mmap_count; i++) {
		const struct mmap_entry *e = &boot_info.mmap[i];

		if (!mem_is_ram(e->type))
			continue;
		if (vm_map(e->base, e->len, VM_WRITE) < 0)
			panic("cannot map RAM at %#llx", (unsigned long long)e->base);
		mapped_top = MAX(mapped_top, e->base + e->len);
	}
}

static void mm_map_kernel(void)
{
	uint64_t text = (uint64_t)__kernel_start, rodata = ALIGN_UP((uint64_t)__text_end, PAGE_SIZE);
	uint64_t data = (uint64_t)__rodata_end;

	vm_map(text, rodata - text, VM_EXEC);
	vm_map(rodata, data - rodata, 0);
	vm_map(data, (uint64_t)__kernel_end - data, VM_WRITE);
}

void mm_init_cpu(void)
{
	uint64_t pat;

	if (!have_pat)
		return;
	pat = rdmsr(MSR_PAT) & ~(0xffull << (8 * PAT_ENTRY_WC));
	wrmsr(MSR_PAT, pat | PAT_TYPE_WC << (8 * PAT_ENTRY_WC));
}

void mm_init(void)
{
	const struct cpu_info *ci = cpu_boot_info();

	have_1g = cpu_has(ci, CPU_FEAT_PDPE1GB);
	have_nx = cpu_has(ci, CPU_FEAT_NX);
	have_pat = cpu_has(ci, CPU_FEAT_PAT);
	mm_init_cpu();
	if (have_nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | MSR_EFER_NXE);
	pml4 = pmm_alloc_named(1, "page tables");
	if (memown_add)
		memown_add((uint64_t)__kernel_start,
			   ALIGN_UP((uint64_t)__kernel_end, PAGE_SIZE) - (uint64_t)__kernel_start, "kernel image", -1, 0);
	for (unsigned i = 0; i < boot_info.mod_count; i++) /* a driver may name one better (ramdisk.c) */
		if (memown_add)
			memown_add(ALIGN_DOWN(boot_info.mods[i].start, PAGE_SIZE),
				   ALIGN_UP(boot_info.mods[i].end, PAGE_SIZE) - ALIGN_DOWN(boot_info.mods[i].start, PAGE_SIZE),
				   "loader module", -1, 0);
	/* Everything below 4 GiB first (device memory: uncached), then RAM
	 * write-back over it, then the kernel's own protections. */
	vm_map(0, LOW_LIMIT, VM_WRITE | VM_UNCACHED);
	mm_map_ram();
	mm_map_kernel();
	vm_unmap_page(0);
	write_cr3((uint64_t)pml4);
	write_cr0(read_cr0() | X86_CR0_WP);
}

int vm_canonical(uint64_t addr)
{
	uint64_t top = addr >> 47;

	return top == 0 || top == 0x1ffff;
}

/* The leaf entry mapping addr and the size of its page; 0 when none. */
static uint64_t vm_leaf(uint64_t addr, uint64_t *size)
{
	const uint64_t *t = (const uint64_t *)(read_cr3() & PTE_ADDR);

	if (!vm_canonical(addr))
		return 0;
	for (int shift = 39; shift >= 12; shift -= 9) {
		uint64_t e = t[(addr >> shift) & 511];

		if (!(e & PTE_P))
			return 0;
		if (shift == 12 || (e & PTE_PS)) {
			*size = 1ull << shift;
			return e;
		}
		t = (const uint64_t *)(e & PTE_ADDR);
	}
	return 0;
}

int vm_query(uint64_t addr, uint64_t *flags)
{
	uint64_t size, e = vm_leaf(addr, &size);

	if (!e)
		return -EFAULT;
	if (flags)
		*flags = e & ~PTE_ADDR;
	return 0;
}

/* One look per page, whatever its size: a 256 MiB buffer in 1 GiB pages
 * costs one walk. */
int vm_check_range(uint64_t addr, uint64_t len, int write, uint64_t *bad)
{
	uint64_t a = addr, end = addr + len, size = SIZE_4K, e;

	if (len && end < addr) {
		*bad = addr;
		return -EFAULT;
	}
	for (; a < end || a == addr; a = ALIGN_DOWN(a, size) + size) {
		if (!(e = vm_leaf(a, &size))) {
			*bad = a;
			return -EFAULT;
		}
		if (write && !(e & PTE_W)) {
			*bad = a;
			return -EACCES;
		}
		if (!len || ALIGN_DOWN(a, size) + size < a)
			break;
	}
	return 0;
}

/* The fault-injection test hook (vm_fault_next_copy): the core it is armed
 * for, and the page it took away (0: none) with its entry, to put back. */
static volatile int inject_core = -1;
static uint64_t inject_page, inject_pte;

void vm_fault_next_copy(void)
{
	inject_core = (int)this_cpu()->index;
}

/* Take away the first page of the buffer, if it is the free region's (a
 * program's memory, mapped again for good by mm_region_reset). */
static void vm_fault_inject(uint64_t addr)
{
	struct mm_stats st;
	uint64_t *e;

	mm_get_stats(&st);
	if (addr < st.region_start || addr >= st.region_start + st.region_len)
		return;
	e = pt_entry_4k(addr);
	inject_page = ALIGN_DOWN(addr, SIZE_4K);
	inject_pte = *e;
	*e = 0;
	invlpg(inject_page);
}

int vm_buf_check(const void *buf, uint64_t len, int write)
{
	uint64_t bad;

	if (len && vm_check_range((uint64_t)buf, len, write, &bad))
		return -EFAULT;
	if (len && inject_core == (int)this_cpu()->index && !inject_page)
		vm_fault_inject((uint64_t)buf);
	return 0;
}

void vm_buf_done(void)
{
	if (!inject_page || inject_core != (int)this_cpu()->index)
		return;
	*pt_entry_4k(inject_page) = inject_pte;
	invlpg(inject_page);
	inject_page = 0;
}

struct range { uint64_t start, end; };

static void free_piece(uint64_t start, uint64_t end, struct mm_stats *st)
{
	if (end <= start)
		return;
	st->free += end - start;
	if (end - start > st->region_len)
		st->region_start = start, st->region_len = end - start;
}

/* What the kernel keeps: its image with the pages taken since, and the
 * modules; sorted by start. */
static unsigned reserved_ranges(struct range *r)
{
	unsigned n = 0;

	r[n++] = (struct range){ (uint64_t)__kernel_start, pmm_limit ? pmm_limit : pmm_next };
	for (unsigned i = 0; i < boot_info.mod_count; i++) {
		struct range m = { ALIGN_DOWN(boot_info.mods[i].start, PAGE_SIZE),
				   ALIGN_UP(boot_info.mods[i].end, PAGE_SIZE) };
		unsigned j = n++;

		for (; j > 0 && r[j - 1].start > m.start; j--)
			r[j] = r[j - 1];
		r[j] = m;
	}
	return n;
}

/* Add the free pieces of usable RAM [start, end) to the stats. */
static void free_pieces(uint64_t start, uint64_t end, struct mm_stats *st)
{
	struct range r[BOOTINFO_MAX_MODS + 1];
	unsigned n = reserved_ranges(r);
	uint64_t cur = start;

	for (unsigned i = 0; i < n && r[i].start < end; i++) {
		if (r[i].end <= cur)
			continue;
		free_piece(cur, MIN(r[i].start, end), st);
		cur = MAX(cur, r[i].end);
	}
	free_piece(cur, end, st);
}

void mm_get_stats(struct mm_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < boot_info.mmap_count; i++) {
		const struct mmap_entry *e = &boot_info.mmap[i];
		uint64_t base = e->base, len = e->len;

		if (mem_is_ram(e->type) || e->type == MEM_BAD)
			st->ram_total += len;
		if (e->type != MEM_USABLE)
			continue;
		st->usable += len;
		if (base < MiB) { /* low memory stays with firmware and the SMP trampoline */
			len = base + len > MiB ? base + len - MiB : 0;
			base = MiB;
		}
		free_pieces(ALIGN_UP(base, PAGE_SIZE), ALIGN_DOWN(base + len, PAGE_SIZE), st);
	}
	st->kernel_image = (uint64_t)__kernel_end - (uint64_t)__kernel_start;
	st->kernel_alloc = pmm_next - pmm_start - pt_free_pages * PAGE_SIZE;
	for (unsigned i = 0; i < boot_info.mod_count; i++)
		st->reserved_mods += ALIGN_UP(boot_info.mods[i].end, PAGE_SIZE) - ALIGN_DOWN(boot_info.mods[i].start, PAGE_SIZE);
	st->mapped_top = mapped_top;
	st->huge_1g = have_1g;
}

/* Whatever the kernel took, or keeps room for, without a name of its own
 * is still the kernel's. */
void mm_seal(void)
{
	pmm_limit = ALIGN_UP(pmm_next + PMM_HEADROOM, 2 * MiB);
	if (memown_add)
		memown_add((uint64_t)__kernel_start, pmm_limit - (uint64_t)__kernel_start, "kernel pages", -1, 0);
}

uint64_t mm_scratch_generation(void)
{
	return scratch_gen;
}

void mm_region_reset(void)
{
	struct mm_stats st;

	mm_get_stats(&st);
	if (st.region_len)
		vm_map(st.region_start, st.region_len, VM_WRITE);
	inject_core = -1, inject_page = 0; /* the page it took is back too */
}

static int (*region_busy)(void);

void mm_set_region_busy(int (*busy)(void))
{
	region_busy = busy;
}

void *mm_scratch(uint64_t len)
{
	struct mm_stats st;

	if (region_busy && region_busy())
		return NULL;
	scratch_gen++;
	mm_get_stats(&st);
	if (st.region_len < len)
		return NULL;
	/* A loaded program's text may lie there, mapped read-only; the program
	 * is gone once its memory is reused, and so are its protections. */
	mm_region_reset();
	return (void *)ALIGN_UP(st.region_start, PAGE_SIZE);
}
