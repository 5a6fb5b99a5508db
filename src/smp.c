/* smp.c: wake every enabled core of the MADT with INIT-SIPI-SIPI (Intel SDM
 * vol. 3A 9.4.4.1: INIT, 10 ms, SIPI, 200 us, SIPI), give each its own
 * stacks, GDT, TSS and per-core data, and keep it halted until handed work.
 * QEMU: -smp N on pc and q35 (TCG: one thread per core). */
#include "acpi.h"
#include "apic.h"
#include "bootinfo.h"
#include "console.h"
#include "errno.h"
#include "irq.h"
#include "kernel.h"
#include "mce.h"
#include "memown.h"
#include "mm.h"
#include "percpu.h"
#include "smp.h"
#include "string.h"
#include "timer.h"
#include "trap.h"
#include "x86.h"
#include "xstate.h"

#ifdef INGOT_TINY /* mce.c is not in the tiny profile */
#define mce_init_cpu ABSENT(mce_init_cpu)
#else
OPTIONAL(mce_init_cpu);
#endif

#define AP_STACK_SIZE (16 * KiB)
#define AP_IST_SIZE (4 * KiB)
#define INIT_DELAY_NS 10000000ull    /* SDM 9.4.4.1 */
#define SIPI_DELAY_NS 200000ull
/* How long the cores get to answer, counted again from each core that
 * does: on a PC they answer within milliseconds. Under a hypervisor or an
 * emulator (CPUID.1:ECX[31]) virtual cores run when the host lets them,
 * and 64 of them on a busy host with two cores can take seconds. */
#define AP_ANSWER_NS 500000000ull
#define AP_ANSWER_VIRTUAL_NS 10000000000ull
#define LAPIC_IPI_INIT 0x4500u     /* INIT, level assert */
#define LAPIC_IPI_SIPI 0x4600u     /* start-up, assert; the vector is the page */
#define LAPIC_IPI_NMI 0x4400u      /* NMI, assert */

struct core {
	struct core_info info;
	struct percpu *pc;
	smp_fn volatile fn;
	void *arg;
	uint64_t stack_top;        /* run fn on this stack (0: the core's own) */
	const char *name;
	unsigned starter;          /* index of the core that handed the work */
	char last[32];             /* a copy: the caller's name may change */
	volatile int online;
	volatile int claim;        /* CLAIM_*: the core came, or was given up on */
	volatile int stopping;     /* a stop was asked: work not begun is dropped */
	struct jmp_state js;
};

extern const char trampoline_start[], trampoline_end[];
extern char tr_gdtr[], tr_far32[], tr_far64[], tr_cr3[], tr_efer[], tr_stack[], tr_entry[], tr_lock[];
extern const uint64_t tr_pm32_off, tr_lm64_off, tr_gdt_off;

enum { CLAIM_NONE, CLAIM_CAME, CLAIM_GIVEN_UP };

static struct core cores[SMP_MAX_CORES];
/* Set once the online cores have their final, dense indices (smp_finish). */
static volatile int indices_final;
static unsigned core_count = 1;
static volatile unsigned online_count = 1;
static uint64_t tramp_base;
static uint64_t bringup_ns;

unsigned smp_core_count(void) { return core_count; }
unsigned smp_online_count(void) { return online_count; }
uint64_t smp_bringup_ns(void) { return bringup_ns; }

/* A core halted for good by a machine check (trap.c) holds its work for
 * ever: that work counts as ended, and the core is given no more. */
static int smp_core_gone(const struct core *c)
{
	return c->pc && c->pc->halted;
}

const struct core_info *smp_core(unsigned index)
{
	if (index >= core_count)
		return NULL;
	if (smp_core_gone(&cores[index]))
		cores[index].info.state = CORE_HALTED;
	return &cores[index].info;
}

const char *smp_state_name(enum core_state s)
{
	switch (s) {
	case CORE_IDLE: return "idle";
	case CORE_RUNNING: return "running";
	case CORE_FAULTED: return "faulted";
	case CORE_HALTED: return "halted";
	default: return "offline";
	}
}

unsigned smp_this_core(void)
{
	return this_cpu()->index;
}

/* A usable page below 1 MiB (the SIPI vector names a page there) other than
 * page 0; the kernel keeps it. */
static uint64_t smp_find_low_page(void)
{
	for (unsigned i = 0; i < boot_info.mmap_count; i++) {
		const struct mmap_entry *e = &boot_info.mmap[i];
		uint64_t a = MAX(ALIGN_UP(e->base, PAGE_SIZE), 0x1000);

		if (e->type == MEM_USABLE && a + PAGE_SIZE <= e->base + e->len && a + PAGE_SIZE <= 0x100000)
			return a;
	}
	return 0;
}

static void tr_patch32(const char *field, uint32_t v)
{
	memcpy((void *)(tramp_base + (uint64_t)(field - trampoline_start)), &v, 4);
}

static void tr_patch64(const char *field, uint64_t v)
{
	memcpy((void *)(tramp_base + (uint64_t)(field - trampoline_start)), &v, 8);
}

void ap_entry(uint64_t base);

static int smp_setup_trampoline(void)
{
	uint8_t *boot_stack;

	tramp_base = smp_find_low_page();
	if (!tramp_base || vm_map(tramp_base, PAGE_SIZE, VM_WRITE | VM_EXEC) < 0)
		return -ENOMEM;
	boot_stack = pmm_alloc_pages(1);
	memcpy((void *)tramp_base, trampoline_start, (size_t)(trampoline_end - trampoline_start));
	tr_patch32(tr_gdtr + 2, (uint32_t)(tramp_base + tr_gdt_off));
	tr_patch32(tr_far32, (uint32_t)(tramp_base + tr_pm32_off));
	tr_patch32(tr_far64, (uint32_t)(tramp_base + tr_lm64_off));
	tr_patch64(tr_cr3, read_cr3());
	tr_patch64(tr_efer, rdmsr(MSR_EFER) & ~(1ull << 10)); /* LMA is set by the CPU */
	tr_patch64(tr_stack, (uint64_t)boot_stack + PAGE_SIZE);
	tr_patch64(tr_entry, (uint64_t)ap_entry);
	return 0;
}

/* A kernel stack with an unmapped guard page below it (the registry gets
 * it once the core's index is final: smp_register_guards). */
static uint64_t smp_alloc_stack(uint64_t size)
{
	uint64_t base = (uint64_t)pmm_alloc_named(size / PAGE_SIZE + 1, "kernel stacks");

	vm_unmap(base, PAGE_SIZE);
	return base + PAGE_SIZE + size;
}

/* The boot core's stack, which entry.S starts on (BOOT_STACK_TOP there),
 * with its guard page below it; defined here so that the stack code owns
 * it. */
struct boot_stack boot_stack __attribute__((aligned(4096)));
_Static_assert(sizeof(boot_stack.guard) == 4096 && sizeof(boot_stack.stack) == 16384, "entry.S's BOOT_STACK_TOP");

static void smp_register_guards(void)
{
	vm_unmap((uint64_t)boot_stack.guard, PAGE_SIZE);
	if (memown_add)
		memown_add((uint64_t)boot_stack.guard, PAGE_SIZE, "guard page of the kernel stack", 0, MEMOWN_GUARD);
	for (unsigned i = 1; i < core_count; i++)
		if (cores[i].online)
			if (memown_add)
				memown_add(cores[i].pc->stack_top - AP_STACK_SIZE - PAGE_SIZE, PAGE_SIZE,
					   "guard page of the kernel stack", (int)i, MEMOWN_GUARD);
}

/* Per-core stacks and data, from the kernel's pages. */
static void smp_alloc_core(struct core *c, unsigned index)
{
	struct percpu *pc = pmm_alloc_pages(1);

	pc->self = pc;
	pc->index = index;
	pc->apic_id = c->info.apic_id;
	pc->stack_top = smp_alloc_stack(AP_STACK_SIZE);
	for (int i = 0; i < 3; i++)
		pc->ist_top[i] = (uint64_t)pmm_alloc_named(AP_IST_SIZE / PAGE_SIZE, "kernel stacks") + AP_IST_SIZE;
	c->pc = pc;
}

void smp_call_on_stack(smp_fn fn, void *arg, uint64_t stack_top);
__asm__(".text\n"
	"smp_call_on_stack:\n\t"
	"push %rbp\n\t"
	"mov %rsp, %rbp\n\t"
	"mov %rdx, %rsp\n\t"
	"mov %rdi, %rax\n\t"
	"mov %rsi, %rdi\n\t"
	"call *%rax\n\t"
	"mov %rbp, %rsp\n\t"
	"pop %rbp\n\t"
	"ret\n");

/* Run fn on this core with its own recovery point: 0 when it returned,
 * 1 when it faulted, 2 when it left early (smp_leave_work or a stop). */
static __attribute__((noinline)) int smp_call(struct core *c, smp_fn fn, void *arg)
{
	int r = trap_setjmp(&c->js);

	if (r) {
		trap_set_recovery(NULL);
		return r;
	}
	trap_set_recovery(&c->js);
	cpu_sti();
	if (c->stack_top)
		smp_call_on_stack(fn, arg, c->stack_top);
	else
		fn(arg);
	cpu_cli();
	trap_set_recovery(NULL);
	return 0;
}

void smp_leave_work(void)
{
	struct core *c = &cores[smp_this_core()];

	cpu_cli();
	trap_longjmp(&c->js, 2);
}

/* Cores sleeping in smp_wait until another core is idle again. */
static struct smp_sleepers idle_waiters;

/* This core's work just ended (its pointer cleared): wake whoever waits in
 * smp_wait. The fence orders the store before the look at the sleepers, as
 * smp_nap orders its own note before looking at the pointer: either the
 * waiter sees the work ended, or it is noted and gets the IPI. */
static void smp_idle_notify(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&idle_waiters.cores, __ATOMIC_RELAXED))
		smp_wake(&idle_waiters, ~0ull);
}

/* A slot being filled in: taken, but not yet work to run. */
static void smp_claimed(void *arg) { (void)arg; }

static __noreturn void smp_idle_loop(struct core *c)
{
	smp_fn fn;

	for (;;) {
		cpu_cli();
		/* Acquire: pairs with smp_run_on_stack's release, so arg, name and
		 * stack are seen as written before the pointer. */
		while (!(fn = __atomic_load_n(&c->fn, __ATOMIC_ACQUIRE)) || fn == smp_claimed)
			cpu_sti_hlt(), cpu_cli();
		if (c->stopping) { /* stopped before it began */
			c->stopping = 0;
			__atomic_store_n(&c->fn, NULL, __ATOMIC_RELEASE);
			smp_idle_notify();
			continue;
		}
		/* The boot core may have remapped memory since this core last ran
		 * (a program's text and data change places between runs): drop
		 * every cached translation rather than shoot down page by page. */
		write_cr3(read_cr3());
		c->info.state = CORE_RUNNING;
		strlcpy(c->last, c->name ? c->name : "?", sizeof(c->last));
		c->info.last_work = c->last;
		c->pc->work_faulted = 0;
		int r = smp_call(c, fn, c->arg);
		/* A stop asked while the exception was being reported (the fault
		 * stops the program everywhere, this core too) leaves it a fault. */
		int faulted = r == 1 && c->pc->work_faulted;
		c->info.runs++;
		c->info.faults += faulted;
		c->info.state = faulted ? CORE_FAULTED : CORE_IDLE;
		c->stopping = 0;
		/* The flush on the way back, acknowledged by the cleared pointer:
		 * once every core is idle, the boot core may remap and reuse the
		 * memory the work ran in, and no core keeps a stale translation. */
		write_cr3(read_cr3());
		__atomic_store_n(&c->fn, NULL, __ATOMIC_RELEASE);
		smp_idle_notify();
	}
}

/* The core waits until smp_finish has given it its final index (its slot
 * may move then: see smp_compact). */
static __noreturn void ap_main(struct core *c)
{
	struct percpu *pc = c->pc;

	mm_init_cpu();
	trap_init_cpu(pc);
	xstate_init_cpu();
	if (mce_init_cpu)
		mce_init_cpu();
	apic_init_ap();
	c->info.state = CORE_IDLE;
	c->online = 1;
	__atomic_add_fetch(&online_count, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&indices_final, __ATOMIC_ACQUIRE))
		cpu_pause();
	smp_idle_loop(&cores[pc->index]);
}

/* Which core am I? The initial APIC ID from CPUID (leaf 0xB has all 32 bits). */
static uint32_t cpuid_apic_id(void)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	if (r[0] >= 0xB) {
		cpuid(0xB, 0, r);
		if (r[1])
			return r[3];
	}
	cpuid(1, 0, r);
	return r[1] >> 24;
}

void ap_switch_stack(uint64_t top, void (*fn)(struct core *), struct core *c);
__asm__(".text\n"
	"ap_switch_stack:\n\t"
	"mov %rdi, %rsp\n\t"
	"xor %ebp, %ebp\n\t"
	"mov %rdx, %rdi\n\t"
	"call *%rsi\n\t"
	"ud2\n");

/* Called on the trampoline's shared stack with its lock held. */
void ap_entry(uint64_t base)
{
	uint32_t id = cpuid_apic_id();
	struct core *c = NULL;

	for (unsigned i = 1; i < core_count; i++)
		if (cores[i].info.apic_id == id)
			c = &cores[i];
	/* Unknown, or too late: smp_finish gave up on it and it is offline. */
	if (!c || !__atomic_compare_exchange_n(&c->claim, &(int){ CLAIM_NONE }, CLAIM_CAME, 0, __ATOMIC_ACQ_REL,
					       __ATOMIC_ACQUIRE)) {
		__atomic_store_n((uint32_t *)(base + (uint64_t)(tr_lock - trampoline_start)), 0, __ATOMIC_RELEASE);
		cpu_halt_forever();
	}
	wrmsr(MSR_GS_BASE, (uint64_t)c->pc);
	/* On the core's own stack the shared one is no longer used: let the
	 * next core in (a plain store releases on x86), then ap_main. All in
	 * one asm: rbp, cleared for backtraces, may hold a value of this
	 * function when it is built without frame pointers. */
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "movl $0, (%1)\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "call %P3"
			 : : "r"(c->pc->stack_top), "r"(base + (uint64_t)(tr_lock - trampoline_start)), "D"(c),
			   "i"(ap_main) : "memory");
	__builtin_unreachable();
}

/* The wake IPI only ends a core's hlt; the work pointer says what to do. */
static void smp_wake_irq(void *arg)
{
	(void)arg;
}

/* A nap's bound passed; the waiter looks again. */
static void smp_nap_irq(void *arg)
{
	(void)arg;
}

void smp_nap(struct smp_sleepers *s, int (*ready)(void *), void *arg, int open_irqs)
{
	uint64_t f = cpu_save_flags(), hz = timer_lapic_hz();
	unsigned me = smp_this_core();
	uint64_t bit = me < 64 ? 1ull << me : 0;

	/* No heartbeat (hz 0) or APIC: nothing bounds a halt. */
	if ((!(f & X86_FLAGS_IF) && !open_irqs) || !bit || !hz || !apic_present()) {
		cpu_pause();
		return;
	}
	cpu_cli();
	/* Noted before ready looks: a wake sent after that is pending at the hlt. */
	__atomic_or_fetch(&s->cores, bit, __ATOMIC_SEQ_CST);
	if (me)
		apic_timer_oneshot(VECTOR_NAP, (uint32_t)MAX(1ull, MIN(hz * SMP_NAP_NS / 1000000000ull, 0xFFFFFFFFull)));
	if (!ready(arg))
		cpu_sti_hlt(), cpu_cli();
	__atomic_and_fetch(&s->cores, ~bit, __ATOMIC_SEQ_CST);
	if (me)
		apic_timer_oneshot(VECTOR_NAP, 0);
	if (f & X86_FLAGS_IF)
		cpu_sti();
}

void smp_wake(struct smp_sleepers *s, uint64_t which)
{
	uint64_t m = __atomic_load_n(&s->cores, __ATOMIC_ACQUIRE) & which;
	unsigned me = smp_this_core();

	for (; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctzll(m);

		if (i != me && i < core_count && cores[i].online)
			(void)apic_send_ipi(cores[i].info.apic_id, VECTOR_IPI_WAKE);
	}
}

/* List the MADT's processors: the boot core first, then the others in MADT
 * order; disabled ones are listed offline (and moved last by smp_compact). */
static void smp_list_cores(void)
{
	const struct madt_info *m = acpi_madt();
	uint32_t me = apic_id();

	cores[0].info.apic_id = me;
	cores[0].info.state = CORE_IDLE;
	cores[0].pc = &percpu_boot;
	cores[0].online = 1;
	percpu_boot.apic_id = me;
	for (unsigned i = 0; m && i < m->cpu_count && core_count < SMP_MAX_CORES; i++) {
		const struct madt_cpu *mc = &m->cpus[i];

		if (mc->apic_id == me || (!mc->enabled && !mc->online_capable))
			continue;
		cores[core_count].info.apic_id = mc->apic_id;
		cores[core_count].info.state = CORE_OFFLINE;
		core_count++;
	}
}

static int smp_startable(unsigned i)
{
	const struct madt_info *m = acpi_madt();

	for (unsigned k = 0; k < m->cpu_count; k++)
		if (m->cpus[k].apic_id == cores[i].info.apic_id)
			return m->cpus[k].enabled && (cores[i].info.apic_id < 0xFF || apic_x2apic());
	return 0;
}

static void smp_send_all(uint32_t icr, uint64_t delay_ns)
{
	for (unsigned i = 1; i < core_count; i++)
		if (cores[i].pc && !cores[i].online)
			apic_send_ipi(cores[i].info.apic_id, icr);
	timer_delay_ns(delay_ns);
}

static uint64_t init_sent_ns;
static unsigned startable;

/* A core that did not answer in time is given up on, unless it is on its
 * way in at this moment (then it is waited for): 1 when given up. */
static int smp_give_up(struct core *c)
{
	int none = CLAIM_NONE;

	if (__atomic_compare_exchange_n(&c->claim, &none, CLAIM_GIVEN_UP, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return 1;
	while (!c->online)
		cpu_pause();
	return 0;
}

/* Programs loop over cores 0 .. online count - 1, so those are the online
 * ones: disabled, online-capable and silent cores move after them, in MADT
 * order still. Each online core's slot and index move together; the core
 * waits in ap_main until this is done. */
static void smp_compact(void)
{
	static struct core rest[SMP_MAX_CORES];
	unsigned n = 0, k = 0;

	for (unsigned i = 0; i < core_count; i++) {
		if (!cores[i].online) {
			rest[k++] = cores[i];
			continue;
		}
		if (n != i)
			cores[n] = cores[i];
		cores[n].pc->index = n;
		n++;
	}
	for (unsigned i = 0; i < k; i++)
		cores[n + i] = rest[i];
	__atomic_store_n(&indices_final, 1, __ATOMIC_RELEASE);
}

/* Every AP at once: INIT to all now; smp_finish sends the two SIPIs once
 * the SDM's 10 ms have passed, so boot does useful work (PCI) meanwhile. */
void smp_init(void)
{
	smp_list_cores();
	if (!apic_present() || core_count == 1 || smp_setup_trampoline() < 0)
		return;
	irq_register_vector(VECTOR_IPI_WAKE, smp_wake_irq, NULL);
	irq_register_vector(VECTOR_NAP, smp_nap_irq, NULL);
	for (unsigned i = 1; i < core_count; i++) {
		if (!smp_startable(i))
			continue;
		smp_alloc_core(&cores[i], i);
		startable++;
	}
	init_sent_ns = timer_ns();
	smp_send_all(LAPIC_IPI_INIT, 0);
}

static void smp_await_answers(void)
{
	uint32_t r[4];
	uint64_t wait, deadline;
	unsigned seen = online_count;

	cpuid(1, 0, r);
	wait = (r[2] & (1u << 31)) ? AP_ANSWER_VIRTUAL_NS : AP_ANSWER_NS;
	deadline = timer_ns() + wait;
	while (online_count < startable + 1 && timer_ns() < deadline) {
		if (online_count != seen) {
			seen = online_count;
			deadline = timer_ns() + wait;
		}
		cpu_pause();
	}
}

void smp_finish(void)
{
	if (!startable) {
		smp_compact();
		smp_register_guards();
		return;
	}
	while (timer_ns() - init_sent_ns < INIT_DELAY_NS)
		cpu_pause();
	smp_send_all(LAPIC_IPI_SIPI | (uint32_t)(tramp_base >> 12), SIPI_DELAY_NS);
	smp_send_all(LAPIC_IPI_SIPI | (uint32_t)(tramp_base >> 12), 0);
	smp_await_answers();
	bringup_ns = timer_ns() - init_sent_ns;
	for (unsigned i = 1; i < core_count; i++)
		if (!cores[i].online && cores[i].pc && smp_give_up(&cores[i]))
			console_report_error("core %u (APIC ID %u) did not answer; left offline", i, cores[i].info.apic_id);
	smp_compact();
	smp_register_guards();
}

int smp_run_on_stack(unsigned core, smp_fn fn, void *arg, const char *name, uint64_t stack_top)
{
	struct core *c = &cores[core];
	smp_fn none = NULL;

	if (core >= core_count || !c->online || smp_core_gone(c))
		return -ENODEV;
	/* The boot core runs the monitor (or main), never handed work. */
	if (core == 0 || core == smp_this_core())
		return -EBUSY;
	if (!__atomic_compare_exchange_n(&c->fn, &none, smp_claimed, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return -EBUSY;
	c->arg = arg;
	c->name = name;
	c->starter = smp_this_core();
	c->stack_top = stack_top;
	c->stopping = 0;
	__atomic_store_n(&c->fn, fn, __ATOMIC_RELEASE);
	return apic_send_ipi(c->info.apic_id, VECTOR_IPI_WAKE);
}

int smp_core_busy(unsigned core)
{
	return core < core_count && cores[core].fn != NULL && !smp_core_gone(&cores[core]);
}

int smp_run(unsigned core, smp_fn fn, void *arg, const char *name)
{
	return smp_run_on_stack(core, fn, arg, name, 0);
}

/* The core leaves its work for its idle loop at once: an NMI reaches it
 * even with interrupts off. */
int smp_stop(unsigned core)
{
	struct core *c = &cores[core];

	if (core >= core_count || !c->online || !c->pc || smp_core_gone(c))
		return -ENODEV;
	c->stopping = core != 0;
	trap_request_stop_nmi(c->pc);
	return apic_send_ipi(c->info.apic_id, LAPIC_IPI_NMI);
}

/* Is core i one that smp_wait(core) waits for? */
static int smp_waits_for(unsigned core, unsigned i)
{
	unsigned me = smp_this_core();

	if (core == SMP_MINE)
		return i != me && cores[i].starter == me;
	if (core == SMP_ALL)
		return i != me && i != 0;
	return i == core;
}

/* smp_nap's ready for smp_wait: the core's work has ended. */
static int smp_core_idle(void *arg)
{
	const struct core *c = arg;

	return !__atomic_load_n(&c->fn, __ATOMIC_ACQUIRE) || smp_core_gone(c);
}

/* The waiting core sleeps (smp_nap) rather than spins: under emulation a
 * spinning core takes the host's time from the cores it waits for and from
 * the devices they use. The core whose work ends wakes it
 * (smp_idle_notify); a stop's NMI ends the nap too. */
int smp_wait(unsigned core, uint64_t timeout_ns)
{
	uint64_t deadline = timer_ns() + timeout_ns;

	for (unsigned i = 0; i < core_count; i++) {
		if (!smp_waits_for(core, i))
			continue;
		while (!smp_core_idle(&cores[i])) {
			if (timer_ns() >= deadline)
				return -ETIMEDOUT;
			if (this_cpu()->stop_request)
				return -ECANCELED; /* the caller is being stopped */
			smp_nap(&idle_waiters, smp_core_idle, &cores[i], 0);
		}
	}
	return 0;
}
