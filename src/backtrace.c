/* backtrace.c: the full exception report (exception names, every register,
 * symbols from .ksyms, else the running program's, and a walk of the saved
 * frame pointers; Intel SDM vol. 3A 6.15); left out of the tiny profile,
 * whose trap.c prints a short report. Exercised by `fault`. */
#include "console.h"
#include "kernel.h"
#include "ksyms.h"
#include "mm.h"
#include "percpu.h"
#include "trap.h"
#include "x86.h"

#define BACKTRACE_MAX 16

static const char *symbol_lookup(uint64_t addr, uint64_t *off)
{
	const char *name = ksyms_lookup(addr, off);

	if (!name && trap_symbol_hook)
		name = trap_symbol_hook(addr, off);
	return name;
}

/* A return address (is_ret) is looked up one byte back: after a call to a
 * function that never returns it is the first byte of the next function. */
void trap_print_addr(uint64_t addr, int is_ret)
{
	uint64_t off, back = is_ret ? 1 : 0;
	const char *name = symbol_lookup(addr - back, &off);

	kprintf("%016llx", (unsigned long long)addr);
	if (name)
		kprintf(" <%s+%#llx>", name, (unsigned long long)(off + back));
}

/* Whether the instruction just before ret is a call: e8 rel32, or ff /2
 * (call through a register or memory, 2 to 7 bytes with REX, SIB, disp). */
static int after_call(uint64_t ret)
{
	const uint8_t *p = (const uint8_t *)ret;
	uint64_t off;

	if (!symbol_lookup(ret - 1, &off))
		return 0;
	if (p[-5] == 0xe8)
		return 1;
	for (int k = 2; k <= 7; k++)
		if (p[-k] == 0xff && (p[-k + 1] & 0x38) == 0x10)
			return 1;
	return 0;
}

/* gcc leaves leaf functions frameless even with -fno-omit-frame-pointer,
 * and a call to a bad address faults before any frame exists: then the
 * caller is not in the rbp chain but its return address is at RSP. Returns
 * that address, or 0 when the faulting function has its own frame. */
static uint64_t frameless_return(uint64_t rip, uint64_t rsp)
{
	uint64_t off = 0, bad;
	const char *name = symbol_lookup(rip, &off);

	if (name && off && *(const uint8_t *)(rip - off) == 0x55) /* push %rbp */
		return 0;
	if (!rsp || (rsp & 7) || vm_check_range(rsp, 8, 0, &bad) < 0)
		return 0;
	return after_call(*(const uint64_t *)rsp) ? *(const uint64_t *)rsp : 0;
}

/* Walk saved frame pointers, reading each only when it is mapped. RSP may
 * be 0 when unknown. */
void trap_backtrace(uint64_t rip, uint64_t rsp, uint64_t rbp)
{
	uint64_t ret = frameless_return(rip, rsp);
	int i = 1;

	kprintf("backtrace:\n  #0 ");
	trap_print_addr(rip, 0);
	kprintf("\n");
	if (ret) {
		kprintf("  #%d ", i++);
		trap_print_addr(ret, 1);
		kprintf("\n");
	}
	for (; i < BACKTRACE_MAX && rbp; i++) {
		const uint64_t *fp = (const uint64_t *)rbp;
		uint64_t bad;

		if ((rbp & 7) || vm_check_range(rbp, 16, 0, &bad) < 0 || fp[1] == 0)
			break;
		kprintf("  #%d ", i);
		trap_print_addr(fp[1], 1);
		kprintf("\n");
		if (fp[0] <= rbp) /* frames must go up the stack */
			break;
		rbp = fp[0];
	}
}

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

static void pf_detail(uint64_t err)
{
	kprintf(" (%s, %s, %s%s)", err & 1 ? "protection" : "not present", err & 2 ? "write" : "read",
		err & 4 ? "user" : "kernel", err & 16 ? ", instruction fetch" : "");
}

void trap_report_full(const struct trap_frame *f)
{
	kprintf("\nEXCEPTION %s on core %u (APIC ID %u)\n", f->vector < 32 ? exc_names[f->vector] : "interrupt",
		this_cpu()->index, this_cpu()->apic_id);
	kprintf("vector %llu  error %#llx", (unsigned long long)f->vector, (unsigned long long)f->error);
	if (f->vector == 14)
		pf_detail(f->error);
	kprintf("\nRIP ");
	trap_print_addr(f->rip, 0);
	kprintf("\nRSP %016llx  RFLAGS %016llx  CS %04llx  SS %04llx\n", (unsigned long long)f->rsp,
		(unsigned long long)f->rflags, (unsigned long long)f->cs, (unsigned long long)f->ss);
	kprintf("RAX %016llx  RBX %016llx  RCX %016llx\n", (unsigned long long)f->rax,
		(unsigned long long)f->rbx, (unsigned long long)f->rcx);
	kprintf("RDX %016llx  RSI %016llx  RDI %016llx\n", (unsigned long long)f->rdx,
		(unsigned long long)f->rsi, (unsigned long long)f->rdi);
	kprintf("RBP %016llx  R8  %016llx  R9  %016llx\n", (unsigned long long)f->rbp,
		(unsigned long long)f->r8, (unsigned long long)f->r9);
	kprintf("R10 %016llx  R11 %016llx  R12 %016llx\n", (unsigned long long)f->r10,
		(unsigned long long)f->r11, (unsigned long long)f->r12);
	kprintf("R13 %016llx  R14 %016llx  R15 %016llx\n", (unsigned long long)f->r13,
		(unsigned long long)f->r14, (unsigned long long)f->r15);
	kprintf("CR0 %016llx  CR2 %016llx  CR3 %016llx  CR4 %016llx\n", (unsigned long long)read_cr0(),
		(unsigned long long)read_cr2(), (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	trap_backtrace(f->rip, f->rsp, f->rbp);
}
