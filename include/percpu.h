/* percpu.h: each core's own data, reached through the GS base (Intel SDM
 * vol. 3A 3.4.4: IA32_GS_BASE). The boot core's lives in the kernel image,
 * the others' in a page each, set up by smp.c. */
#ifndef INGOT_PERCPU_H
#define INGOT_PERCPU_H

#include <stdint.h>
#include "lock.h"
#include "trap.h"

#define MSR_GS_BASE 0xC0000101u
#define PERCPU_TSS_SIZE 104

struct percpu {
	struct percpu *self;         /* %gs:0, so this_cpu() is one load */
	uint32_t index, apic_id;
	struct jmp_state *recovery;  /* armed while a command or work runs */
	uint64_t gdt[5];
	uint8_t tss[PERCPU_TSS_SIZE] __attribute__((aligned(16)));
	uint64_t ist_top[3];         /* double fault (and page fault), NMI, machine check */
	uint64_t stack_top;
	uint32_t console_depth;      /* console lock recursion on this core */
	int in_report;               /* inside the exception report */
	volatile int work_faulted;   /* the work running here raised an exception */
	volatile int stop_request;   /* leave for the recovery point (program stop) */
	volatile int stop_nmis;      /* NMIs sent for stops, not yet arrived */
	volatile uint64_t stop_since; /* timer_ns when the pending stop was asked */
	volatile uint32_t irq_inflight; /* vector + 1 of the interrupt being handled here; 0: none */
	uint32_t nheld;              /* locks this core holds (lock.c) */
	struct lock_held held[LOCK_HELD_MAX];
	uint32_t hold_stop;          /* >0: a stop waits for this core's bounded work (usb.c) */
	volatile int halted;         /* halted for good (a machine check without RIPV): runs nothing again */
};

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

extern struct percpu percpu_boot;

/* Load this core's GDT, TSS (IST stacks from pc) and the shared IDT; set GS. */
void trap_init_cpu(struct percpu *pc);
/* Ask a core to leave what it runs for its recovery point at its next
 * interrupt or NMI (the caller sends one). */
void trap_request_stop(struct percpu *pc);
/* The same, and an NMI is on its way for it: that NMI is no exception. */
void trap_request_stop_nmi(struct percpu *pc);

#endif
