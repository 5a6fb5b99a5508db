/* crt0.S: the entry of every Ingot program (docs/programs.md). The kernel
 * calls _start with the API table in RDI, argc in RSI, argv in RDX (System V
 * AMD64 calling convention); main's return value goes to ingot->exit. */

#define API_EXIT 176	/* offsetof(struct ingot_api, exit), checked in lib/string.c */

	.section .text._start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	/* A frame of our own, linked to the kernel's: backtraces walk through. */
	push %rbp
	mov %rsp, %rbp
	and $-16, %rsp
	cld
	/* Zero the BSS (the loader did already; this costs nothing). rep stosb
	 * leaves RSI and RDX alone; the table pointer waits in R8. */
	mov %rdi, %r8
	lea __bss_start(%rip), %rdi
	lea __bss_end(%rip), %rcx
	sub %rdi, %rcx
	xor %eax, %eax
	rep stosb
	mov %r8, ingot(%rip)
	mov %esi, %edi
	mov %rdx, %rsi
	call main
	mov %eax, %edi
	mov ingot(%rip), %rax
	call *API_EXIT(%rax)
1:	ud2
	jmp 1b
	.size _start, . - _start

	/* The table pointer every wrapper in ingot.h goes through. */
	.data
	.balign 8
	.globl ingot
	.hidden ingot
	.type ingot, @object
	.size ingot, 8
ingot:
	.quad 0

	.section .note.GNU-stack, "", @progbits
