/* trap.c: GDT with a TSS for IST stacks, the IDT, and the exception report
 * (Intel SDM vol. 3A ch. 6 and 7). An exception inside a monitor command
 * prints the EXCEPTION block and resumes at the monitor's recovery point. */
#include "console.h"
#include "irq.h"
#include "kernel.h"
#include "lock.h"
#include "mce.h"
#include "memown.h"
#include "mm.h"
#include "msr.h"
#include "nmiwatch.h"
#include "percpu.h"
#include "string.h"
#include "timer.h"
#include "trap.h"
#include "x86.h"

#ifdef INGOT_TINY
#define trap_report_full ABSENT(trap_report_full)
#define msr_trap_fixup ABSENT(msr_trap_fixup)
#define mce_trap_report ABSENT(mce_trap_report)
#else
OPTIONAL(trap_report_full);
OPTIONAL(msr_trap_fixup);
OPTIONAL(mce_trap_report);
#endif

#define IST_STACK_SIZE 8192
/* How long a stop waits for kernel code the program called to return
 * before it is forced: short calls end cleanly, a 249 MiB read does not. */
#define STOP_GRACE_NS 100000000ull
#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3
/* A page fault runs on a known-good stack: the one that overflowed into
 * its guard page cannot take the exception frame. It shares the double
 * fault's: with its own stack, #PF delivery no longer double-faults, and a
 * fault inside either handler ends in a panic anyway (in_report). */
#define IST_PF IST_DF
#define GDT_CODE 0x08
#define GDT_DATA 0x10
#define GDT_TSS 0x18

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __packed;
_Static_assert(sizeof(struct tss) == 104, "TSS layout (SDM 7.7)");

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
} __packed;
_Static_assert(sizeof(struct idt_entry) == 16, "IDT gate layout (SDM 6.14.1)");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;


_Static_assert(sizeof(struct tss) == PERCPU_TSS_SIZE, "percpu TSS space");

extern const char isr_stubs[];
/* isr.S: the stubs of vectors 0-255, 16 a row, each row ending in a jmp. */
#define ISR_STUB 4
#define ISR_ROW (16 * ISR_STUB + 5)
static struct idt_entry idt[256];
static uint8_t boot_ist[3][IST_STACK_SIZE] __attribute__((aligned(16)));
struct percpu percpu_boot;

/* This core's GDT with its own TSS, whose IST entries hold its stacks. */
static void gdt_load(struct percpu *pc)
{
	struct tss *tss = (struct tss *)pc->tss;
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;
	struct desc_ptr gp = { sizeof(pc->gdt) - 1, (uint64_t)pc->gdt };

	pc->gdt[1] = 0x00AF9A000000FFFFull; /* 64-bit code, DPL 0 */
	pc->gdt[2] = 0x00CF92000000FFFFull; /* data */
	/* 16-byte available 64-bit TSS descriptor (SDM 7.2.3) */
	pc->gdt[3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
		     ((limit >> 16 & 0xF) << 48) | ((base >> 24 & 0xFF) << 56);
	pc->gdt[4] = base >> 32;
	for (int i = 0; i < 3; i++)
		tss->ist[i] = pc->ist_top[i];
	tss->iomap_base = sizeof(*tss);
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\tmov %2, %%es\n\tmov %2, %%ss\n\t"
			 "ltr %w3"
			 : : "m"(gp), "i"(GDT_CODE), "r"(GDT_DATA), "r"(GDT_TSS) : "rax", "memory");
}

/* Descriptor tables and GS base of one core; the IDT is shared. */
void trap_init_cpu(struct percpu *pc)
{
	struct desc_ptr ip = { sizeof(idt) - 1, (uint64_t)idt };

	wrmsr(MSR_GS_BASE, (uint64_t)pc);
	gdt_load(pc);
	__asm__ volatile("lidt %0" : : "m"(ip));
}

static void idt_set(unsigned vec, uint64_t handler, unsigned ist)
{
	idt[vec].off_lo = handler & 0xFFFF;
	idt[vec].sel = GDT_CODE;
	idt[vec].ist = ist;
	idt[vec].type = 0x8E; /* present, DPL 0, 64-bit interrupt gate */
	idt[vec].off_mid = handler >> 16 & 0xFFFF;
	idt[vec].off_hi = handler >> 32;
}

void trap_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		idt_set(v, (uint64_t)(isr_stubs + v / 16 * ISR_ROW + v % 16 * ISR_STUB),
			v == 8 ? IST_DF : v == 2 ? IST_NMI : v == 18 ? IST_MC : v == 14 ? IST_PF : 0);
	percpu_boot.self = &percpu_boot;
	for (int i = 0; i < 3; i++)
		percpu_boot.ist_top[i] = (uint64_t)(boot_ist[i] + IST_STACK_SIZE);
	trap_init_cpu(&percpu_boot);
}

void trap_set_recovery(struct jmp_state *js)
{
	this_cpu()->recovery = js;
}

/* Kernel symbols, else the running program's (set by the program loader). */
const char *(*trap_symbol_hook)(uint64_t addr, uint64_t *off);
static void (*fault_hook)(unsigned core);

void trap_set_hooks(const char *(*symbol)(uint64_t, uint64_t *), void (*fault)(unsigned))
{
	trap_symbol_hook = symbol;
	fault_hook = fault;
}

/* A fault in a stack's guard page is that stack running out (the
 * registry of kernel memory, memown.c, names the guard pages). */
static void pf_guard(void)
{
	const struct memown *m = memown_find ? memown_find(read_cr2(), 1) : NULL;

	if (m && (m->flags & MEMOWN_GUARD))
		kprintf("stack overflow on core %u: CR2 is in the %s of core %d (%016llx-%016llx)\n", this_cpu()->index,
			m->name, m->core, (unsigned long long)m->start, (unsigned long long)(m->end - 1));
}

/* The exception report: backtrace.c's, with names, every register, the
 * program's symbols and a backtrace; without it (the tiny profile) the
 * vector, the error code and the registers that locate the fault. */
static void trap_report(const struct trap_frame *f)
{
	if (trap_report_full) {
		trap_report_full(f);
	} else {
		kprintf("\nEXCEPTION vector %llu on core %u (APIC ID %u)\n"
			"error %#llx  RIP %016llx  RSP %016llx  CR2 %016llx\n",
			(unsigned long long)f->vector, this_cpu()->index, this_cpu()->apic_id,
			(unsigned long long)f->error, (unsigned long long)f->rip, (unsigned long long)f->rsp,
			(unsigned long long)read_cr2());
	}
	if (f->vector == 14)
		pf_guard();
}

/* Resume at the recovery point through iretq, so an NMI's blocking ends
 * and the stack the fault happened on is left behind. */
static void trap_resume(void)
{
	trap_longjmp(this_cpu()->recovery, 1);
}

/* Leave the interrupted code for the recovery point: iretq lands in
 * trap_resume on a stack below the one the recovery point saved. */
static void trap_redirect(struct trap_frame *f, struct percpu *pc)
{
	irq_abort_inflight();
	console_release();
	timer_release();
	spin_recover_held();
	pc->in_report = 0;
	pc->hold_stop = 0;
	pc->stop_request = 0; /* honoured now */
	f->rip = (uint64_t)trap_resume;
	f->rsp = ALIGN_DOWN(pc->recovery->rsp - 256, 16) - 8;
	f->rflags = 0x2; /* interrupts stay off until the monitor is back */
	f->cs = GDT_CODE;
	f->ss = GDT_DATA;
}

/* A machine check that left no valid RIP (MCG_STATUS.RIPV clear): nothing
 * this core ran can go on (SDM vol. 3B 16.10). A running program is stopped
 * on the other cores (its stop gives up on this one after its bound): even
 * an idle core may hold work of it not yet begun. With no recovery point
 * left a stop's NMI cannot bring the core back. */
static __noreturn void trap_mc_halt(struct percpu *pc)
{
	kprintf("machine check on core %u is not recoverable (MCG_STATUS.RIPV clear): core %u halted\n", pc->index,
		pc->index);
	console_flush();
	pc->recovery = NULL;
	pc->halted = 1; /* smp.c: its work has ended, and it takes no more */
	if (fault_hook)
		fault_hook(pc->index);
	cpu_halt_forever();
}

static void trap_exception(struct trap_frame *f)
{
	struct percpu *pc = this_cpu();
	int mc = f->vector == 18 && mce_trap_report, mc_ok = 1;

	if (msr_trap_fixup && msr_trap_fixup(f))
		return; /* an MSR the CPU lacks: the caller gets -EIO */
	if (pc->in_report) {
		console_puts("\nPANIC: exception while reporting an exception; halted\n");
		cpu_halt_forever();
	}
	pc->in_report = 1;
	console_lock();
	trap_report(f);
	if (mc)
		mc_ok = mce_trap_report();
	console_unlock();
	pc->in_report = 0;
	if (!mc_ok)
		trap_mc_halt(pc);
	if ((f->vector == 2 || mc) && !pc->recovery)
		return; /* an NMI, or a machine check with RIP valid, at the prompt or idle: report it and go on */
	if (!pc->recovery)
		panic("exception outside a command on core %u", pc->index);
	pc->work_faulted = 1;
	if (fault_hook)
		fault_hook(pc->index);
	trap_redirect(f, pc);
}

void trap_request_stop(struct percpu *pc)
{
	if (!pc->stop_request)
		pc->stop_since = timer_ns();
	__atomic_store_n(&pc->stop_request, 1, __ATOMIC_RELEASE);
}

void trap_request_stop_nmi(struct percpu *pc)
{
	__atomic_add_fetch(&pc->stop_nmis, 1, __ATOMIC_ACQ_REL);
	trap_request_stop(pc);
}

/* Was this NMI one sent for a stop (perhaps arriving after the stop was
 * already honoured)? */
static int trap_stop_nmi(struct percpu *pc)
{
	int n = pc->stop_nmis;

	while (n > 0)
		if (__atomic_compare_exchange_n(&pc->stop_nmis, &n, n - 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return 1;
	return 0;
}

/* A stop request (a program being stopped on every core) makes this core
 * leave what it runs for its recovery point: from the NMI sent for it, or on
 * the way out of an interrupt (Ctrl-C arrives by one on core 0). Kernel code
 * the program called is given STOP_GRACE_NS to return (trap_check_stop);
 * after that the next NMI (resent every 10 ms) or interrupt (the heartbeat)
 * stops it where it is, and the recovery path resets and releases the
 * locks it held. An exception report in progress always finishes first, and
 * so does work the core marked with hold_stop (USB enumeration in the
 * heartbeat: every wait in it is bounded, but cut short it would leave the
 * controller's command ring taken).
 * Returns 1 when a stop was pending. */
static int trap_stop(struct trap_frame *f, struct percpu *pc)
{
	int in_kernel = f->rip >= (uint64_t)__text_start && f->rip < (uint64_t)__text_end;

	if (!pc->stop_request)
		return 0;
	if (pc->recovery && (pc->in_report || pc->hold_stop ||
			     (in_kernel && timer_ns() - pc->stop_since < STOP_GRACE_NS)))
		return 1;
	pc->stop_request = 0;
	if (pc->recovery)
		trap_redirect(f, pc);
	return 1;
}

void trap_check_stop(void)
{
	struct percpu *pc = this_cpu();

	if (pc->stop_request && pc->recovery) {
		pc->stop_request = 0;
		cpu_cli();
		console_release();
		spin_recover_held();
		trap_longjmp(pc->recovery, 1);
	}
}

void trap_handler(struct trap_frame *f);
void trap_handler(struct trap_frame *f)
{
	struct percpu *pc = this_cpu();

	if (f->vector == 2 && (trap_stop_nmi(pc) || (nmiwatch_nmi && nmiwatch_nmi(f->rip)))) {
		trap_stop(f, pc); /* a Ctrl-C the watch read asks for a stop */
		return;
	}
	if (f->vector < 32) {
		trap_exception(f);
		return;
	}
	irq_dispatch((unsigned)f->vector);
	trap_stop(f, pc);
}
