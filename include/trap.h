/* trap.h: CPU exceptions and interrupts (IDT, Intel SDM vol. 3A ch. 6), and
 * the recovery point that brings the monitor back after a faulting command. */
#ifndef INGOT_TRAP_H
#define INGOT_TRAP_H

#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Saved callee-saved state for trap_setjmp / trap_longjmp. */
struct jmp_state {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

int trap_setjmp(struct jmp_state *js) __attribute__((returns_twice));
__attribute__((noreturn)) void trap_longjmp(struct jmp_state *js, int value);

void trap_init(void);
/* Arm (js != NULL) or disarm the recovery point: an exception while armed
 * prints its report and resumes at trap_setjmp returning 1. */
void trap_set_recovery(struct jmp_state *js);
/* The program loader's hooks: names for addresses outside the kernel, and
 * a call (on the faulting core, after the report) when an exception is
 * about to resume at a recovery point. */
/* Leave for the recovery point now if a stop is pending on this core: kernel
 * calls made by a program end with this. */
void trap_check_stop(void);
void trap_set_hooks(const char *(*symbol)(uint64_t addr, uint64_t *off), void (*fault)(unsigned core));
/* The symbol hook trap_set_hooks set, for backtrace.c. */
extern const char *(*trap_symbol_hook)(uint64_t addr, uint64_t *off);
/* backtrace.c (not in the tiny profile): ADDR <symbol+off> (a return
 * address, is_ret, is looked up one byte back), and the frame-pointer walk
 * of the exception report (RSP may be 0 when unknown). */
void trap_print_addr(uint64_t addr, int is_ret);
void trap_backtrace(uint64_t rip, uint64_t rsp, uint64_t rbp);
/* backtrace.c: the full exception report (names, registers, backtrace). */
void trap_report_full(const struct trap_frame *f);

#endif
