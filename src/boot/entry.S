/* entry.S: the loader hands over here in 32-bit protected mode (Multiboot
 * Specification 0.6.96 section 3.2 and 2.0 section 3.3). Check the magic and
 * the CPU, clear BSS, identity-map the first 4 GiB with 2 MiB pages, enter
 * long mode (Intel SDM vol. 3A 10.8.5) and call kmain(magic, info). */

#define MB2_MAGIC 0xE85250D6
#define MB2_ARCH_I386 0
#define MB1_MAGIC 0x1BADB002
/* page-align modules, want memory info, a.out kludge (load addresses below) */
#define MB1_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))

/* The boot core's stack is smp.c's struct boot_stack: a guard page (unmapped
 * once the kernel's own page tables are in), then 16 KiB. */
#define BOOT_STACK_TOP (boot_stack + 4096 + 16384)

	.section .multiboot, "a"
	.align 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* console flags tag: we can drive an EGA text console */
	.align 8
	.short 4, 0
	.long 12
	.long (1 << 1)
	/* framebuffer tag, optional (flags bit 0), no preferred mode: under UEFI
	 * there is no text mode, so GRUB hands over the firmware's linear
	 * framebuffer; under BIOS grub.cfg keeps VGA text (gfxpayload=text). */
	.align 8
	.short 5, 1
	.long 20
	.long 0, 0, 0
	/* end tag */
	.align 8
	.short 0, 0
	.long 8
mb2_header_end:

	.align 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long 0x100000000 - (MB1_MAGIC + MB1_FLAGS)
	.long mb1_header
	.long __kernel_start
	.long __load_end
	.long __bss_end
	.long _start

	.section .text.boot, "ax"
	.code32
	.global _start
_start:
	cli
	cld
	mov %eax, %ebp			/* loader magic */
	mov %ebx, %esi			/* info structure (physical) */
	mov $BOOT_STACK_TOP, %esp

	cmp $0x36d76289, %ebp
	je 1f
	cmp $0x2BADB002, %ebp
	je 1f
	mov $msg_magic, %ebx
	jmp boot_fail
1:
	/* BSS first: the page tables and the stack live there. */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	shr $2, %ecx
	xor %eax, %eax
	rep stosl

	/* Long mode present? CPUID 0x80000001 EDX bit 29. */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb 2f
	mov $0x80000001, %eax
	cpuid
	test $(1 << 29), %edx
	jnz 3f
2:	mov $msg_nolm, %ebx
	jmp boot_fail
3:
	/* PML4[0] -> PDPT; PDPT[0..3] -> four PDs of 2 MiB pages. */
	mov $boot_pdpt, %eax
	or $3, %eax
	mov %eax, boot_pml4
	mov $boot_pd, %eax
	or $3, %eax
	mov $boot_pdpt, %edi
	mov $4, %ecx
4:	mov %eax, (%edi)
	add $4096, %eax
	add $8, %edi
	loop 4b
	mov $boot_pd, %edi
	mov $0x83, %eax			/* present, writable, 2 MiB page */
	xor %edx, %edx
	mov $2048, %ecx
5:	mov %eax, (%edi)
	mov %edx, 4(%edi)
	add $0x200000, %eax
	adc $0, %edx
	add $8, %edi
	loop 5b

	mov %cr4, %eax
	or $((1 << 5) | (1 << 9) | (1 << 10)), %eax	/* PAE, OSFXSR, OSXMMEXCPT */
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx
	rdmsr
	or $(1 << 8), %eax		/* EFER.LME */
	wrmsr
	mov %cr0, %eax
	and $~(1 << 2), %eax		/* no x87 emulation */
	or $((1 << 31) | (1 << 1) | 1), %eax	/* PG, MP, PE */
	mov %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_entry

/* Print the message at %ebx on COM1 and the VGA screen, then halt: only
 * reached before long mode, when the loader or the CPU is unusable. */
boot_fail:
	mov $0xB8000, %edi
6:	movb (%ebx), %al
	test %al, %al
	jz 8f
	movb %al, (%edi)
	movb $0x4f, 1(%edi)
	add $2, %edi
	mov $0x3FD, %dx
	mov $100000, %ecx
7:	inb %dx, %al
	test $0x20, %al
	loopz 7b
	movb (%ebx), %al
	mov $0x3F8, %dx
	outb %al, %dx
	inc %ebx
	jmp 6b
8:	cli
	hlt
	jmp 8b

	.code64
long_entry:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $BOOT_STACK_TOP, %rsp
	mov %ebp, %edi			/* magic (zero-extended) */
	mov %esi, %esi			/* info pointer (zero-extended) */
	xor %ebp, %ebp			/* ends the backtrace chain */
	call kmain
9:	cli
	hlt
	jmp 9b

	.section .rodata
msg_magic:
	.asciz "Ingot: not started by a multiboot loader; halted."
msg_nolm:
	.asciz "Ingot: this CPU has no 64-bit long mode; halted."

	.align 16
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF	/* 0x08: 64-bit code */
	.quad 0x00CF92000000FFFF	/* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.section .bss
	.align 4096
	.global boot_pml4
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
