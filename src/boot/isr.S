/* isr.S: interrupt entry stubs for all 256 vectors (Intel SDM vol. 3A 6.12).
 * Each pushes its vector; isr_common adds a zero where the CPU pushed no
 * error code; all join trap_common, which saves the registers as a struct
 * trap_frame.
 * Also trap_setjmp/trap_longjmp for the monitor's recovery point. */

	.text
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

/* The stubs of all 256 vectors: 16 rows of 16 four-byte stubs (push the
 * vector as a sign-extended imm8, jmp short to the row's end) and a jmp to
 * isr_common; ISR_ROW bytes a row, ISR_STUB a stub (trap.c places them in
 * the IDT). */
	.global isr_stubs
isr_stubs:
.set vec, 0
.rept 16
	.rept 16
	.byte 0x6a, vec & 0xff		/* pushq $imm8 */
	.byte 0xeb, 0x3c - 4 * (vec & 15) /* jmp short to the row's end */
	.set vec, vec + 1
	.endr
	.byte 0xe9			/* jmp rel32, never relaxed: rows stay ISR_ROW */
	.long isr_common - . - 4
.endr
/* The CPU pushed an error code for exceptions 8, 10-14, 17, 21, 29 and 30
 * (SDM vol. 3A table 6-1): the frame then reads vector, error, RIP. For
 * every other vector a zero goes in its place, the vector one slot down. */
#define ISR_ERROR_CODES 0x60227D00
isr_common:
	andq $0xff, (%rsp)		/* undo the imm8 sign extension */
	pushq %rax
	movq 8(%rsp), %rax
	cmpq $32, %rax
	jae 1f
	btl %eax, isr_error_codes(%rip)
	jc 2f
1:	popq %rax
	pushq (%rsp)			/* the vector again, one slot down */
	movq $0, 8(%rsp)		/* no error code, above the vector */
	jmp trap_common
2:	popq %rax
	jmp trap_common

	.section .rodata
	.align 4
isr_error_codes:
	.long ISR_ERROR_CODES

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
