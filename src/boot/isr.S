/* isr.S: interrupt entry stubs for all 256 vectors (Intel SDM vol. 3A 6.12).
 * Exceptions push a zero when the CPU pushes no error code, then the vector;
 * interrupts share one tail; all join trap_common, which saves the registers
 * as a struct trap_frame.
 * Also trap_setjmp/trap_longjmp for the monitor's recovery point. */

	.text
.macro ISR_NOERR n
	.align 16
isr_\n:
	pushq $0
	pushq $\n
	jmp trap_common
.endm
.macro ISR_ERR n
	.align 16
isr_\n:
	pushq $\n
	jmp trap_common
.endm

	.align 16
trap_common:
	cld
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	mov %rsp, %rdi
	/* Link a frame so backtraces walk from the handler into the
	 * interrupted code. */
	pushq 0x88(%rsp)		/* interrupted RIP */
	pushq %rbp
	mov %rsp, %rbp
	mov %rsp, %rbx
	and $~15, %rsp
	call trap_handler
	mov %rbx, %rsp
	add $16, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	add $16, %rsp			/* vector, error code */
	iretq

ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR 8
ISR_NOERR 9
ISR_ERR 10
ISR_ERR 11
ISR_ERR 12
ISR_ERR 13
ISR_ERR 14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR 17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR 21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_ERR 29
ISR_ERR 30
ISR_NOERR 31
/* Vectors 32-255 (interrupts, no error code): 14 rows of 16 four-byte
 * stubs (push the vector as a sign-extended imm8, jmp short to the row's
 * end) and a jmp to the shared tail; ISR_HI_ROW bytes a row, ISR_HI_STUB a
 * stub (trap.c places them in the IDT). */
	.global isr_stubs_hi
isr_stubs_hi:
.set vec, 32
.rept 14
	.rept 16
	.byte 0x6a, vec & 0xff		/* pushq $imm8 */
	.byte 0xeb, 0x3c - 4 * (vec & 15) /* jmp short to the row's end */
	.set vec, vec + 1
	.endr
	.byte 0xe9			/* jmp rel32, never relaxed: rows stay ISR_HI_ROW */
	.long isr_hi_common - . - 4
.endr
isr_hi_common:
	pushq (%rsp)			/* the vector again, one slot down */
	movq $0, 8(%rsp)		/* no error code, above the vector */
	andq $0xff, (%rsp)		/* undo the imm8 sign extension */
	jmp trap_common

	.section .rodata
	.align 8
	.global isr_table
.altmacro
.macro ISR_ADDR n
	.quad isr_\n
.endm
isr_table:
.set i, 0
.rept 32
	ISR_ADDR %i
	.set i, i + 1
.endr
.noaltmacro

	.text
/* int trap_setjmp(struct jmp_state *js) */
	.global trap_setjmp
trap_setjmp:
	mov %rbx, 0(%rdi)
	mov %rbp, 8(%rdi)
	mov %r12, 16(%rdi)
	mov %r13, 24(%rdi)
	mov %r14, 32(%rdi)
	mov %r15, 40(%rdi)
	lea 8(%rsp), %rax
	mov %rax, 48(%rdi)
	mov (%rsp), %rax
	mov %rax, 56(%rdi)
	xor %eax, %eax
	ret

/* void trap_longjmp(struct jmp_state *js, int value) */
	.global trap_longjmp
trap_longjmp:
	mov 0(%rdi), %rbx
	mov 8(%rdi), %rbp
	mov 16(%rdi), %r12
	mov 24(%rdi), %r13
	mov 32(%rdi), %r14
	mov 40(%rdi), %r15
	mov 48(%rdi), %rsp
	mov %esi, %eax
	jmp *56(%rdi)
