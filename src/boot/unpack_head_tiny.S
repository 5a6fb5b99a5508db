/* unpack_head_tiny.S: the packed tiny kernel's boot stub (Multiboot 0.6.96
 * section 3.1 and 2.0 section 3.1 headers; the loaders load this ELF32 by
 * its program headers). Like Linux's bzImage: the loader puts the stub and
 * the packed kernel above where the kernel runs, the stub unpacks it there
 * (unpack_tiny.c), puts back its symbol table and enters it as the loader
 * would have, 32-bit, with the loader's magic in EAX and info in EBX.
 * Built by make PROFILE=tiny; tests/expect/tiny.exp boots it by -kernel
 * (multiboot 1) and from the ISO (GRUB, multiboot 2). */

#include "unpack_tiny.h"

#define MB2_MAGIC 0xE85250D6
#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS ((1 << 0) | (1 << 1))	/* page-align modules, memory info */

	/* At 1 MiB, at the start of the span the kernel runs in, which the
	 * first program header claims: the loader puts nothing else there. The
	 * tags are the kernel's own (entry.S) but the framebuffer's: the tiny
	 * kernel has no screen. */
	.section .multiboot, "a"
	.align 8
mb2_header:
	.long MB2_MAGIC, 0, mb2_end - mb2_header
	.long 0x100000000 - (MB2_MAGIC + (mb2_end - mb2_header))
	.short 4, 0			/* console flags: EGA text */
	.long 12, (1 << 1)
	.align 8
	.short 0, 0			/* end */
	.long 8
mb2_end:
	.long MB1_MAGIC, MB1_FLAGS, 0x100000000 - (MB1_MAGIC + MB1_FLAGS)

	.section .text.boot, "ax"
	.code32
	.global unpack_start
unpack_start:
	cli
	cld
	mov %eax, %ebp			/* both kept by the C code (cdecl) */
	mov $unpack_stack_top, %esp
	push $unpack_probs
	push $PACK_BASE
	push $unpack_payload
	call unpack
	mov $unpack_ksyms, %esi
	mov $PACK_KSYMS, %edi
	mov $(unpack_ksyms_end - unpack_ksyms), %ecx
	rep movsb
	mov %ebp, %eax			/* EBX: still the loader's info */
	jmp PACK_ENTRY

	.section .rodata.payload, "a"
unpack_payload:
	.incbin PACK_PAYLOAD

	.section .ksyms, "a"
unpack_ksyms:
	.incbin PACK_KSYMS_BIN
unpack_ksyms_end:

	.section .bss
	.align 16
	.lcomm unpack_probs, PACK_PROBS_BYTES
	.lcomm unpack_stack, 1024
unpack_stack_top = unpack_stack + 1024
