/* program.c: one program at a time owns the machine (docs/programs.md):
 * its image is loaded into the free region with its symbols kept, main runs
 * on the boot core on its own stack, other cores run its functions on
 * theirs, calls reach the kernel through struct ingot_api. A fault on any
 * core, an exit from any core, or Ctrl-C stops it on every core by NMI.
 * QEMU: any machine; `exec cores.elf` with -smp N. */
#include "blkdev.h"
#include "console.h"
#include "elf.h"
#include "errno.h"
#include "ingot.h"
#include "kernel.h"
#include "lock.h"
#include "memown.h"
#include "mm.h"
#include "netdev.h"
#include "nmiwatch.h"
#include "percpu.h"
#include "program.h"
#include "smp.h"
#include "string.h"
#include "timer.h"
#include "trap.h"
#include "x86.h"

OPTIONAL(net_program_mode); /* net_rxq.c: not in the tiny profile */
OPTIONAL(program_files_init); /* program_files.c: nor is the file system's write side */

#define MAIN_STACK (1 * MiB)
#define CORE_STACK (256 * KiB)
#define ARGS_AREA (64 * KiB)
/* A stopped core may wait for its disk commands in flight (ahci.c): four
 * cores' 64 MiB on a disk of 32 MB/s take two seconds. */
#define STOP_WAIT_NS 10000000000ull

enum stop_reason { STOP_NONE, STOP_FAULT, STOP_CTRL_C, STOP_EXIT_ELSEWHERE };

struct program {
	char name[64];
	const uint8_t *file;
	size_t file_len;
	struct elf_image img;
	uint64_t bias, img_end, stacks, stack_size;
	uint64_t scratch_gen;      /* mm_scratch() since the load reuses our memory */
	int loaded;
	int held;                  /* a stop failed: a core may still run in our memory */
	volatile int running, in_main;
	volatile int stop_reason;
	volatile unsigned stop_core;
	volatile int exit_code;    /* with stop_core: the exit that stopped it */
	int main_code;             /* exit called by main on the boot core */
	struct jmp_state js;
};

static struct program prog;
static struct ingot_api api;

_Static_assert(sizeof(ingot_lock_t) == sizeof(struct spinlock), "ingot_lock_t is a struct spinlock");

/* The caller's why: "NAME: reason", for the monitor's one error line. */
static int program_fail(char *why, size_t whysz, const char *name, const char *reason)
{
	ksnprintf(why, whysz, "%s: %s", name, reason);
	return -ENOEXEC;
}

int program_running(void)
{
	return prog.running;
}

int program_loaded(void)
{
	return prog.loaded;
}

void *program_file_buffer(uint64_t len)
{
	struct mm_stats st;
	uint64_t at;

	mm_get_stats(&st);
	if (!len || len > st.region_len / 2)
		return NULL;
	at = ALIGN_DOWN(st.region_start + st.region_len - len, PAGE_SIZE);
	return (void *)at;
}

/* Segments get their own permissions: text executable, data writable. */
static void program_protect(void)
{
	for (unsigned i = 0; i < prog.img.nseg; i++) {
		const struct elf_segment *s = &prog.img.seg[i];
		unsigned attrs = (s->flags & 1 ? VM_EXEC : 0) | (s->flags & 2 ? VM_WRITE : 0);

		vm_map(ALIGN_DOWN(s->vaddr + prog.bias, PAGE_SIZE),
		       ALIGN_UP(s->vaddr + prog.bias + s->memsz, PAGE_SIZE) - ALIGN_DOWN(s->vaddr + prog.bias, PAGE_SIZE),
		       attrs);
	}
}

/* After the image: arguments, then one stack per core, then the memory the
 * program owns, up to its file's copy (kept for its symbols). */
static void program_layout(void)
{
	uint64_t end = (uint64_t)prog.file, cores = smp_core_count();
	uint64_t room;

	prog.img_end = ALIGN_UP(prog.bias + prog.img.hi, PAGE_SIZE);
	prog.stacks = prog.img_end + ARGS_AREA;
	room = end > prog.stacks ? end - prog.stacks : 0;
	/* Stacks take at most an eighth of what is left. */
	prog.stack_size = MIN(CORE_STACK, ALIGN_DOWN(room / 8 / (cores + 4), PAGE_SIZE));
	api.mem_base = (void *)ALIGN_UP(prog.stacks + MAIN_STACK + prog.stack_size * cores, 2 * MiB);
	api.mem_size = end > (uint64_t)api.mem_base ? end - (uint64_t)api.mem_base : 0;
}

static uint64_t program_stack_top(unsigned core)
{
	if (core == 0)
		return prog.stacks + MAIN_STACK;
	return prog.stacks + MAIN_STACK + prog.stack_size * core;
}

/* The file name without its device and directories: "fault.elf". */
static const char *program_base_name(void)
{
	const char *base = prog.name;

	for (const char *p = prog.name; *p; p++)
		if (*p == '/' || *p == ':')
			base = p + 1;
	return base;
}

#ifndef INGOT_TINY /* the tiny profile prints no gdb line (make debug runs the full kernel) */
/* The line that gives gdb (make debug) the program's symbols: programs/
 * Makefile keeps each program with its debug sections in
 * build/programs/debug/, linked at 0 (position-independent) or where it
 * loads (fixed address), so the offset is the load bias. */
static void program_gdb_line(void)
{
	kprintf("gdb: add-symbol-file build/programs/debug/%s -o 0x%llx\n", program_base_name(),
		(unsigned long long)prog.bias);
}
#endif

/* The lowest page of each stack is unmapped while the program runs, so a
 * stack that runs out faults there (reported as a stack overflow, see
 * trap.c) instead of writing over the stack below it; mm_region_reset
 * maps the pages again. */
static void program_guard_stacks(void)
{
	for (unsigned i = 0; i < smp_online_count(); i++) {
		uint64_t bottom = i ? program_stack_top(i) - prog.stack_size : prog.stacks;

		vm_unmap(bottom, PAGE_SIZE);
		if (memown_add)
			memown_add(bottom, PAGE_SIZE, "guard page of the program stack", (int)i, MEMOWN_GUARD | MEMOWN_PROGRAM);
	}
}

int program_load(const void *file, size_t len, const char *name, char *why, size_t whysz)
{
	struct mm_stats st;
	char reason[96];
	int err;

	if (program_memory_free(why, whysz))
		return -EBUSY;
	prog.loaded = 0;
	mm_get_stats(&st);
	err = elf_parse(file, len, &prog.img, reason, sizeof(reason));
	if (!err)
		err = elf_place(&prog.img, st.region_start, (uint64_t)file - st.region_start, (uint64_t)file,
				len, &prog.bias, reason, sizeof(reason));
	if (!err && vm_map(prog.img.lo + prog.bias, prog.img.hi - prog.img.lo, VM_WRITE) < 0)
		err = -ENOMEM, ksnprintf(reason, sizeof(reason), "cannot map the image");
	if (!err)
		err = elf_load(file, len, &prog.img, prog.bias, reason, sizeof(reason));
	if (err) {
		mm_region_reset(); /* the tables a half-done mapping split */
		return program_fail(why, whysz, name, reason);
	}
	prog.file = file;
	prog.file_len = len;
	prog.scratch_gen = mm_scratch_generation();
	strlcpy(prog.name, name, sizeof(prog.name));
	program_protect();
	program_layout();
	if (api.mem_size < MAIN_STACK || prog.stack_size < 16 * KiB)
		return program_fail(why, whysz, name, "no memory left for its stacks");
	prog.loaded = 1;
	kprintf("loaded %s: %zu bytes, %s, %u segments at %016llx-%016llx, entry %016llx\n", prog.name, len,
		prog.img.type == 3 ? "position-independent" : "fixed address", prog.img.nseg,
		(unsigned long long)(prog.img.lo + prog.bias), (unsigned long long)prog.img_end,
		(unsigned long long)(prog.img.entry + prog.bias));
#ifndef INGOT_TINY
	program_gdb_line();
#endif
	return 0;
}

/* Stop the program's work on every core but the caller; the boot core is
 * stopped only while it still runs main. */
static void program_stop_others(void)
{
	unsigned me = smp_this_core();

	for (unsigned i = 1; i < smp_core_count(); i++)
		if (i != me && smp_core_busy(i))
			smp_stop(i);
	if (me != 0 && prog.in_main)
		smp_stop(0);
}

/* code: the exit code, for STOP_EXIT_ELSEWHERE. */
static void program_stop(enum stop_reason why, int code)
{
	int none = STOP_NONE;

	if (!prog.running)
		return;
	/* The first reason wins: a fault that stops the others is not followed
	 * by their stop NMIs' reasons; of two cores calling exit at once, the
	 * winner's code goes with the winner's index. */
	if (__atomic_compare_exchange_n(&prog.stop_reason, &none, why, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		prog.stop_core = smp_this_core();
		prog.exit_code = code;
	}
	program_stop_others();
}

/* After the report, on the faulting core (see trap_set_hooks). */
static void program_fault_hook(unsigned core)
{
	(void)core;
	program_stop(STOP_FAULT, 0);
}

/* Ctrl-C arrives by an interrupt on the boot core; main leaves for the
 * recovery point on the way out of that interrupt. */
static int program_ctrl_c(int take)
{
	if (!prog.running || !take)
		return prog.running;
	program_stop(STOP_CTRL_C, 0);
	if (prog.in_main)
		trap_request_stop(&percpu_boot);
	return 1;
}

/* A program's function in an exception report reads "fault.elf:fault_here",
 * apart from the kernel's own. Reports are made one at a time (under the
 * console lock), so one buffer serves them. */
static const char *program_symbol(uint64_t addr, uint64_t *off)
{
	static char name[128];
	const char *sym;

	if (!prog.loaded || addr < prog.bias + prog.img.lo || addr >= prog.img_end)
		return NULL;
	sym = elf_symbol(prog.file, prog.file_len, &prog.img, addr - prog.bias, off);
	if (!sym)
		return NULL;
	ksnprintf(name, sizeof(name), "%s:%s", program_base_name(), sym);
	return name;
}

/* Copy the arguments into the program's memory: argv[] then the strings. */
static char **program_copy_args(int argc, char **argv)
{
	char **out = (char **)prog.img_end;
	char *strings = (char *)(out + argc + 1);
	char *limit = (char *)(prog.img_end + ARGS_AREA);

	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;

		if (strings + n > limit)
			return NULL;
		memcpy(strings, argv[i], n);
		out[i] = strings;
		strings += n;
	}
	out[argc] = NULL;
	return out;
}

int program_enter(uint64_t entry, const struct ingot_api *a, int argc, char **argv, uint64_t stack);
__asm__(".text\n"
	"program_enter:\n\t"
	"push %rbp\n\t"
	"mov %rsp, %rbp\n\t"
	"mov %r8, %rsp\n\t"
	"mov %rdi, %rax\n\t"
	"mov %rsi, %rdi\n\t"
	"mov %edx, %esi\n\t"
	"mov %rcx, %rdx\n\t"
	"call *%rax\n\t"
	"mov %rbp, %rsp\n\t"
	"pop %rbp\n\t"
	"ret\n");

/* main on the boot core with the program's recovery point armed. Returns
 * 0 when main returned (its value in *code), 1 when a fault or a stop
 * brought it back, 2 when it called exit. Kept apart so nothing live across
 * trap_setjmp can be clobbered. */
static __attribute__((noinline)) int program_call_main(char **args, int argc, int *code)
{
	struct jmp_state *outer = this_cpu()->recovery;
	int r = trap_setjmp(&prog.js);

	if (r) {
		prog.in_main = 0;
		trap_set_recovery(outer);
		return r;
	}
	trap_set_recovery(&prog.js);
	prog.in_main = 1;
	*code = program_enter(prog.img.entry + prog.bias, &api, argc, args, program_stack_top(0));
	prog.in_main = 0;
	trap_set_recovery(outer);
	return 0;
}

/* Every core back to idle: stop what still runs, wait, bounded. A stop
 * NMI that lands in kernel code the program called is put off until that
 * call returns or 100 ms pass (trap_stop); a core that never calls again
 * gets another NMI each 10 ms, and one of those forces it out; its
 * recovery may still wait for the transfers it started. Returns 0, or
 * -EBUSY when a core still runs after 10 s: then the program's memory is
 * held (program_memory_free) until that core is back. */
static int program_quiesce(void)
{
	uint64_t deadline = timer_ns() + STOP_WAIT_NS;
	int busy, err = 0;

	percpu_boot.stop_request = 0;
	do {
		busy = 0;
		for (unsigned i = 1; i < smp_core_count(); i++)
			if (smp_core_busy(i))
				busy = 1, smp_stop(i);
		if (busy)
			smp_wait(SMP_ALL, 10000000ull);
	} while (busy && timer_ns() < deadline);
	for (unsigned i = 1; i < smp_core_count(); i++)
		if (smp_core_busy(i))
			console_report_error("core %u did not stop within 10 s; the program's memory stays in use until it does", i),
				err = -EBUSY;
	percpu_boot.stop_request = 0;
	return err;
}

/* The first core still in the program's work, or -1. */
static int program_busy_core(void)
{
	for (unsigned i = 1; i < smp_core_count(); i++)
		if (smp_core_busy(i))
			return (int)i;
	return -1;
}

/* A core that did not stop may still run the last program, in its memory
 * and with its page tables cached: nothing may load there, read a file
 * there, or remap it, until it is back in its idle loop, which flushes its
 * TLB on the way (smp.c). Then the memory is given back. */
int program_memory_free(char *why, size_t whysz)
{
	int core;

	if (!prog.held)
		return 0;
	if ((core = program_busy_core()) >= 0) {
		ksnprintf(why, whysz, "core %d still runs %s, which it did not stop; its memory stays in use", core,
			  prog.name);
		return -EBUSY;
	}
	prog.held = 0;
	mm_region_reset();
	if (memown_drop)
		memown_drop(MEMOWN_PROGRAM);
	return 0;
}

/* mm_scratch asks before it hands out the region. */
static int program_region_busy(void)
{
	char why[8];

	return program_memory_free(why, sizeof(why)) < 0;
}

static void program_report(int r, int code, uint64_t ns)
{
	unsigned long long ms = (unsigned long long)(ns / 1000000);

	if (prog.stop_reason == STOP_FAULT)
		kprintf("%s stopped: exception on core %u (%llu ms)\n", prog.name, prog.stop_core, ms);
	else if (prog.stop_reason == STOP_CTRL_C)
		kprintf("%s stopped by Ctrl-C (%llu ms)\n", prog.name, ms);
	else if (prog.stop_reason == STOP_EXIT_ELSEWHERE)
		kprintf("%s exited with code %d on core %u (%llu ms)\n", prog.name, prog.exit_code, prog.stop_core, ms);
	else
		kprintf("%s exited with code %d (%llu ms)\n", prog.name, r == 2 ? prog.main_code : code, ms);
}

int program_run(int argc, char **argv, char *why, size_t whysz)
{
	char reason[96];
	char **args;
	int r, code = 0, idle;
	uint64_t t0;

	if (program_memory_free(why, whysz))
		return -EBUSY;
	if (!prog.loaded)
		return program_fail(why, whysz, "run", "no program loaded");
	if (prog.scratch_gen != mm_scratch_generation()) {
		prog.loaded = 0;
		return program_fail(why, whysz, prog.name, "its memory was used by a later command; load it again");
	}
	/* A fresh image every run: the last one's data and BSS are gone. */
	vm_map(prog.img.lo + prog.bias, prog.img.hi - prog.img.lo, VM_WRITE);
	if (elf_load(prog.file, prog.file_len, &prog.img, prog.bias, reason, sizeof(reason)))
		return program_fail(why, whysz, prog.name, reason);
	program_protect();
	if (argc > 0 && !argv[0][0])
		argv[0] = prog.name; /* run: the program is known by its file name */
	if (!(args = program_copy_args(argc, argv)))
		return program_fail(why, whysz, prog.name, "arguments longer than 64 KiB");
	prog.stop_reason = STOP_NONE;
	percpu_boot.stop_request = 0;
	program_guard_stacks();
	prog.running = 1;
	if (net_program_mode)
		net_program_mode(1);
	trap_set_hooks(program_symbol, program_fault_hook);
	t0 = timer_ns();
	if (nmiwatch_start) /* without it, a program that masks interrupts on core 0 cannot be stopped */
		nmiwatch_start();
	r = program_call_main(args, argc, &code);
	cpu_sti();
	idle = !program_quiesce();
	if (nmiwatch_stop)
		nmiwatch_stop();
	if (net_program_mode)
		net_program_mode(0);
	prog.running = 0;
	program_report(r, code, timer_ns() - t0);
	trap_set_hooks(program_symbol, NULL);
	/* Its page tables back to the kernel, unless a core still runs it. */
	if (idle) {
		mm_region_reset();
		if (memown_drop)
			memown_drop(MEMOWN_PROGRAM);
	} else {
		prog.held = 1, prog.loaded = 0;
	}
	return 0;
}

/* Every call a program makes ends by honouring a pending stop: the kernel
 * code it ran may have held a lock, so the stop waited for it to return. */
#define API_RETURN(expr) do { __typeof__(expr) r_ = (expr); trap_check_stop(); return r_; } while (0)

/* Buffers the block and net layers do not see: checked here, with no test
 * hook (vm_buf_check's is for the drivers' copies). */
static __attribute__((noinline)) int api_buf_ok(const void *p, size_t len, int write)
{
	uint64_t bad;

	return !len || vm_check_range((uint64_t)p, len, write, &bad) == 0;
}

/* A bad string prints nothing (print has no code to return). */
static void api_print(const char *s, size_t len)
{
	if (api_buf_ok(s, len, 0))
		console_write(s, len);
	trap_check_stop();
}

static int api_getc(void) { API_RETURN(console_try_getc()); }
static uint64_t api_time_ns(void) { API_RETURN(timer_ns()); }
static unsigned api_core_count(void) { return smp_online_count(); }
static unsigned api_core_index(void) { return smp_this_core(); }
static uint32_t api_core_apic_id(void) { return this_cpu()->apic_id; }

/* A function handed to another core: not NULL (-EINVAL), and in a mapped,
 * executable page (-EFAULT), or that core would fault where nobody asked. */
static int api_fn_check(void (*fn)(void *))
{
	uint64_t flags;

	if (!fn)
		return -EINVAL;
	if (vm_query((uint64_t)fn, &flags) || (flags & PTE_NX))
		return -EFAULT;
	return 0;
}

static int api_run_on(unsigned core, void (*fn)(void *), void *arg)
{
	int err = core < smp_online_count() ? api_fn_check(fn) : -ENODEV;

	if (err)
		return err;
	API_RETURN(smp_run_on_stack(core, fn, arg, prog.name, program_stack_top(core)));
}

static int api_run_all(void (*fn)(void *), void *arg)
{
	int n = api_fn_check(fn);

	if (n)
		return n;

	for (unsigned i = 0; i < smp_core_count(); i++)
		if (i != smp_this_core() && smp_run_on_stack(i, fn, arg, prog.name, program_stack_top(i)) == 0)
			n++;
	API_RETURN(n);
}

/* main waits for every core; a worker only for the work it started
 * itself, so two workers in wait_all never wait for each other. */
static int api_wait_all(uint64_t timeout_ns)
{
	API_RETURN(smp_wait(smp_this_core() == 0 ? SMP_ALL : SMP_MINE, timeout_ns));
}

/* Like spin_lock, but a core told to stop while it waits leaves: the
 * holder may be a worker that faulted and will never unlock. */
static void api_lock(ingot_lock_t *l)
{
	for (;;) {
		uint64_t f = cpu_irq_save();

		if (!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
			l->flags = f;
			return;
		}
		cpu_irq_restore(f);
		while (l->locked) {
			trap_check_stop();
			cpu_pause();
		}
	}
}
static void api_unlock(ingot_lock_t *l) { spin_unlock((struct spinlock *)l); trap_check_stop(); }

static int api_blk_count(void) { return (int)blk_count(); }

static int api_blk_info(int dev, struct ingot_blk_info *info)
{
	struct blkdev *b = dev >= 0 ? blk_get((unsigned)dev) : NULL;

	if (!b)
		return -ENODEV;
	if (!api_buf_ok(info, sizeof(*info), 1))
		return -EFAULT;
	strlcpy(info->name, b->name, sizeof(info->name));
	info->sector_size = b->sector_size;
	info->sectors = b->sectors;
	info->read_only = b->read_only;
	return 0;
}

static int api_blk_read(int dev, uint64_t lba, uint64_t count, void *buf)
{
	struct blkdev *b = dev >= 0 ? blk_get((unsigned)dev) : NULL;

	API_RETURN(b ? blk_read(b, lba, count, buf) : -ENODEV);
}

static int api_blk_write(int dev, uint64_t lba, uint64_t count, const void *buf)
{
	struct blkdev *b = dev >= 0 ? blk_get((unsigned)dev) : NULL;

	API_RETURN(b ? blk_write(b, lba, count, buf) : -ENODEV);
}

static int api_net_count(void) { return (int)net_count(); }

static int api_net_info(int nic, struct ingot_net_info *info)
{
	struct netdev *n = nic >= 0 ? net_get((unsigned)nic) : NULL;
	unsigned mbps = 0;
	int up = 0;

	if (!n)
		return -ENODEV;
	if (!api_buf_ok(info, sizeof(*info), 1))
		return -EFAULT;
	strlcpy(info->name, n->name, sizeof(info->name));
	memcpy(info->mac, n->mac, ETH_ALEN);
	if (n->link(n, &up, &mbps) < 0)
		up = 0;
	info->link_up = up;
	info->mtu = n->mtu;
	API_RETURN(0);
}

/* Raw frames, to the driver through the net layer's buffer check: no copy
 * beyond the driver's own. */
static int api_net_send(int nic, const void *frame, size_t len)
{
	struct netdev *n = nic >= 0 ? net_get((unsigned)nic) : NULL;

	if (!n)
		return -ENODEV;
	if (len < 14 || len > ETH_FRAME_MAX)
		return -EINVAL;
	API_RETURN(net_send(n, frame, len));
}

static int api_net_recv(int nic, void *buf, size_t cap)
{
	struct netdev *n = nic >= 0 ? net_get((unsigned)nic) : NULL;

	if (!n)
		return -ENODEV;
	API_RETURN(net_recv(n, buf, cap));
}

static void api_test_fault_next_copy(void) { vm_fault_next_copy(); }

/* exit from main goes straight back to program_run; from another core it
 * records the code, stops everything else, and that core goes idle. */
static __noreturn void api_exit(int code)
{
	if (smp_this_core() == 0 && prog.in_main) {
		prog.main_code = code;
		trap_longjmp(&prog.js, 2);
	}
	program_stop(STOP_EXIT_ELSEWHERE, code);
	smp_leave_work();
}

void program_init(void)
{
	api.version = INGOT_API_VERSION;
	api.size = sizeof(api);
	api.print = api_print;
	api.getc = api_getc;
	api.time_ns = api_time_ns;
	api.core_count = api_core_count;
	api.core_index = api_core_index;
	api.core_apic_id = api_core_apic_id;
	api.run_on = api_run_on;
	api.run_all = api_run_all;
	api.wait_all = api_wait_all;
	api.lock = api_lock;
	api.unlock = api_unlock;
	api.blk_count = api_blk_count;
	api.blk_info = api_blk_info;
	api.blk_read = api_blk_read;
	api.blk_write = api_blk_write;
	api.net_count = api_net_count;
	api.net_info = api_net_info;
	api.net_send = api_net_send;
	api.net_recv = api_net_recv;
	api.exit = api_exit;
	api.test_fault_next_copy = api_test_fault_next_copy;
	/* Without the file calls the table is version 1's: programs see the
	 * calls are missing (INGOT_API_HAS) instead of calling NULL. */
	if (program_files_init)
		program_files_init(&api);
	else
		api.version = 1, api.size = offsetof(struct ingot_api, file_size);
	console_set_ctrl_c_hook(program_ctrl_c);
	mm_set_region_busy(program_region_busy);
}
