/* trampoline.S: where an application processor starts after the startup
 * IPI (Intel SDM vol. 3A 9.4.4, 10.8.5): 16-bit real mode at the page the
 * SIPI names, then protected mode, then long mode with the kernel's page
 * tables, then kernel C code. The bytes are copied to a free page below
 * 1 MiB by smp.c, which patches the fields marked "patched". Cores arrive
 * together; a lock in the page gives the one shared stack to one at a time
 * until each moves to its own. */

#define TR_OFF(sym) sym - trampoline_start

	.section .rodata
	.align 16
	.global trampoline_start
	.code16
trampoline_start:
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds
	movzwl %ax, %ebx
	shl $4, %ebx			/* ebx = this page's linear address */
	lgdtl TR_OFF(tr_gdtr)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl *TR_OFF(tr_far32)

	.code32
tr_pm32:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $((1 << 5) | (1 << 9) | (1 << 10)), %eax	/* PAE, OSFXSR, OSXMMEXCPT */
	mov %eax, %cr4
	mov TR_OFF(tr_cr3)(%ebx), %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx
	mov TR_OFF(tr_efer)(%ebx), %eax
	xor %edx, %edx
	wrmsr
	mov %cr0, %eax
	and $~(1 << 2), %eax
	or $((1 << 31) | (1 << 16) | (1 << 1) | 1), %eax	/* PG, WP, MP, PE */
	mov %eax, %cr0
	ljmp *TR_OFF(tr_far64)(%ebx)

	.code64
tr_lm64:
	mov %ebx, %ebx			/* upper halves are undefined after the switch */
1:	lock btsl $0, TR_OFF(tr_lock)(%rbx)
	jnc 2f
	pause
	jmp 1b
2:	mov TR_OFF(tr_stack)(%rbx), %rsp
	xor %ebp, %ebp
	mov %rbx, %rdi			/* ap_entry(trampoline base) releases the lock */
	mov TR_OFF(tr_entry)(%rbx), %rax
	call *%rax
3:	cli
	hlt
	jmp 3b

	.align 16
tr_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF	/* 0x08: 32-bit code */
	.quad 0x00CF92000000FFFF	/* 0x10: data */
	.quad 0x00AF9A000000FFFF	/* 0x18: 64-bit code */
tr_gdt_end:
	.global tr_gdtr, tr_far32, tr_far64, tr_cr3, tr_efer, tr_stack, tr_entry, tr_lock
	.global tr_pm32_off, tr_lm64_off, tr_gdt_off
tr_gdtr:
	.short tr_gdt_end - tr_gdt - 1
	.long 0				/* patched: base + tr_gdt */
	.align 4
tr_far32:
	.long 0				/* patched: base + tr_pm32 */
	.short 0x08
	.align 4
tr_far64:
	.long 0				/* patched: base + tr_lm64 */
	.short 0x18
	.align 8
tr_cr3:	.quad 0				/* patched */
tr_efer: .quad 0			/* patched */
tr_stack: .quad 0			/* patched: shared bootstrap stack top */
tr_entry: .quad 0			/* patched: ap_entry */
tr_lock: .long 0
	.global trampoline_end
trampoline_end:

tr_pm32_off: .quad TR_OFF(tr_pm32)
tr_lm64_off: .quad TR_OFF(tr_lm64)
tr_gdt_off: .quad TR_OFF(tr_gdt)
