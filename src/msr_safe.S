/* msr_safe.S: RDMSR and WRMSR that may fault (Intel SDM vol. 2B: #GP for a
 * reserved or unimplemented MSR, or a value it refuses): msr.c's fixup sends
 * a #GP at msr_read_insn or msr_write_insn to msr_fault_return, which gives
 * -EIO. Leaf functions: at the fault, the stack holds just the return address. */
#define EIO 5

	.section .text.msr_safe, "ax", @progbits

/* int msr_read_safe(uint32_t msr (edi), uint64_t *val (rsi)) */
	.globl msr_read_safe
	.type msr_read_safe, @function
msr_read_safe:
	movl %edi, %ecx
	.globl msr_read_insn
msr_read_insn:
	rdmsr
	shlq $32, %rdx
	movl %eax, %eax
	orq %rdx, %rax
	movq %rax, (%rsi)
	xorl %eax, %eax
	ret
	.size msr_read_safe, . - msr_read_safe

/* int msr_write_safe(uint32_t msr (edi), uint64_t val (rsi)) */
	.globl msr_write_safe
	.type msr_write_safe, @function
msr_write_safe:
	movl %edi, %ecx
	movl %esi, %eax
	movq %rsi, %rdx
	shrq $32, %rdx
	.globl msr_write_insn
msr_write_insn:
	wrmsr
	xorl %eax, %eax
	ret
	.size msr_write_safe, . - msr_write_safe

	.globl msr_fault_return
	.type msr_fault_return, @function
msr_fault_return:
	movl $-EIO, %eax
	ret
	.size msr_fault_return, . - msr_fault_return

	.section .note.GNU-stack, "", @progbits
