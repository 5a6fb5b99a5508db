/* unpack_head_tiny.S: the packed tiny kernel's boot stub (Multiboot 0.6.96
 * section 3.1 and 2.0 section 3.1 headers; the loaders load this ELF32 by
 * its program headers). Like Linux's bzImage: the loader puts the stub and
 * the packed kernel above where the kernel runs, the stub unpacks it there,
 * puts back its symbol table and enters it as the loader would have,
 * 32-bit, with the loader's magic in EAX and info in EBX. The unpacker is
 * unpack_tiny.c's, written out in assembly for size (the C one checks every
 * image the packer writes; tiny.exp's boots check this one).
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

/* The unpacker's state (unpack_state, in BSS), then its probabilities. */
#define ST_LO 0
#define ST_HI 4
#define ST_X 8
#define ST_IN 12			/* next byte of the coder's stream */
#define ST_DIST 16			/* the last distance */
#define ST_END 20			/* where the unpacked kernel ends */
#define ST_TEXT 24			/* bytes whose calls and jumps to rewrite */
#define ST_PROBS 28

	.section .text.boot, "ax"
	.code32
	.global unpack_start
unpack_start:
	cli
	cld
	mov $unpack_stack_top, %esp
	push %eax			/* the loader's magic and info, for the kernel */
	push %ebx
	mov $unpack_state, %ebp
	lea ST_PROBS(%ebp), %edi
	mov $PACK_NPROB, %ecx
	mov $(PACK_ONE / 2), %ax
	rep stosw
	mov $unpack_payload, %esi
	lodsl				/* struct pack_header */
	add $PACK_BASE, %eax
	mov %eax, ST_END(%ebp)
	lodsl
	mov %eax, ST_TEXT(%ebp)
	lodsl				/* the coder's first four bytes */
	bswap %eax
	mov %eax, ST_X(%ebp)
	mov %esi, ST_IN(%ebp)
	xor %eax, %eax
	mov %eax, ST_LO(%ebp)
	dec %eax
	mov %eax, ST_HI(%ebp)
	movl $1, ST_DIST(%ebp)
	mov $PACK_BASE, %edi		/* EDI: where the next byte goes */
	xor %ecx, %ecx			/* ECX: the state, what the last token was */

next:	cmp ST_END(%ebp), %edi
	jae calls
	mov %ecx, %edx			/* PACK_P_MATCH + state */
	call bit
	test %eax, %eax
	jnz match

	/* A literal: tree context from the byte before; after a match CL is
	 * the byte at the last distance, CH set while the literal's bits so
	 * far are its bits. */
	jecxz 1f
	mov %edi, %eax
	sub ST_DIST(%ebp), %eax
	movzbl (%eax), %ecx
	mov $1, %ch
1:	xor %ebx, %ebx
	cmp $PACK_BASE, %edi
	je 2f
	movzbl -1(%edi), %ebx
	shr $5, %ebx
2:	lea (%ebx, %ebx, 2), %ebx	/* * 768 */
	shl $8, %ebx
	add $PACK_P_LIT, %ebx
	xor %esi, %esi			/* ESI: the tree node */
	inc %esi
3:	lea (%ebx, %esi), %edx
	xor %eax, %eax
	add %cl, %cl			/* CF: the match byte's bit */
	adc $1, %eax
	test %ch, %ch
	jz 4f
	shl $8, %eax
	add %eax, %edx
4:	call bit
	sub %ebx, %edx			/* the match byte's bit again, or -1 */
	sub %esi, %edx
	shr $8, %edx
	dec %edx
	cmp %eax, %edx
	je 5f
	xor %ch, %ch
5:	lea (%eax, %esi, 2), %esi
	cmp $256, %esi
	jb 3b
	mov %esi, %eax
	stosb
	xor %ecx, %ecx
	jmp next

	/* A match: its length, and its distance unless it is the last one. */
match:	lea PACK_P_REP(%ecx), %edx
	call bit
	test %eax, %eax
	jz 6f
	mov $(PACK_P_LEN + PACK_NUM), %ebx
	call num
	mov $2, %bl
	jmp 7f
6:	mov $PACK_P_LEN, %ebx
	call num
	push %eax
	xor %ebx, %ebx
	cmp $1, %eax			/* length > 2 */
	seta %bl
	imul $PACK_NUM, %ebx, %ebx
	add $PACK_P_DIST, %ebx
	call num
	mov %eax, ST_DIST(%ebp)
	pop %eax
	mov $1, %bl
7:	lea 1(%eax), %ecx
	mov %edi, %esi
	sub ST_DIST(%ebp), %esi
	rep movsb
	movzbl %bl, %ecx
	jmp next

	/* Calls and jumps back from addresses to rel32. */
calls:	xor %edx, %edx
1:	lea 5(%edx), %eax
	cmp ST_TEXT(%ebp), %eax
	ja 3f
	mov PACK_BASE(%edx), %cl
	and $0xFE, %cl
	cmp $0xE8, %cl
	jne 2f
	sub %eax, PACK_BASE + 1(%edx)
	add $4, %edx
2:	inc %edx
	jmp 1b
3:	mov $unpack_ksyms, %esi
	mov $PACK_KSYMS, %edi
	mov $(unpack_ksyms_end - unpack_ksyms), %ecx
	rep movsb
	pop %ebx
	pop %eax
	jmp PACK_ENTRY

/* bit: EDX the probability's index; EAX the bit (unpack_bit). Keeps the
 * other registers. */
bit:	pusha
	lea ST_PROBS(%ebp, %edx, 2), %ebx
	movzwl (%ebx), %ecx
	mov ST_HI(%ebp), %eax
	sub ST_LO(%ebp), %eax
	shr $12, %eax
	imul %ecx, %eax
	add ST_LO(%ebp), %eax		/* mid */
	xor %edx, %edx
	cmp %eax, ST_X(%ebp)
	ja 1f
	mov %eax, ST_HI(%ebp)		/* a 1 */
	inc %edx
	mov $PACK_ONE, %eax
	sub %ecx, %eax
	shr $PACK_SHIFT, %eax
	add %eax, %ecx
	jmp 2f
1:	inc %eax			/* a 0 */
	mov %eax, ST_LO(%ebp)
	mov %ecx, %eax
	shr $PACK_SHIFT, %eax
	sub %eax, %ecx
2:	mov %cx, (%ebx)
3:	mov ST_LO(%ebp), %eax
	xor ST_HI(%ebp), %eax
	shr $24, %eax
	jnz 4f
	shll $8, ST_LO(%ebp)
	shll $8, ST_HI(%ebp)
	movb $0xff, ST_HI(%ebp)
	shll $8, ST_X(%ebp)
	mov ST_IN(%ebp), %esi
	lodsb
	mov %esi, ST_IN(%ebp)
	mov %al, ST_X(%ebp)
	jmp 3b
4:	mov %edx, 28(%esp)		/* EAX of pusha */
	popa
	ret

/* num: EBX the first of its probabilities; EAX the number (unpack_num).
 * Keeps the other registers. */
num:	pusha
	xor %ecx, %ecx			/* ECX: the bit count */
1:	cmp $24, %ecx
	je 2f
	lea (%ebx, %ecx), %edx
	call bit
	dec %eax
	jnz 2f
	inc %ecx
	jmp 1b
2:	mov %ecx, %edi
	shl $5, %edi
	lea 32(%ebx, %edi), %edi
	xor %esi, %esi			/* ESI: the bit's place */
	xor %ebx, %ebx			/* EBX: the number so far */
	inc %ebx
3:	cmp %ecx, %esi
	jae 5f
	lea 8(%esi), %edx
	cmp $3, %esi
	jae 4f
	mov %ebx, %edx
4:	add %edi, %edx
	call bit
	lea (%eax, %ebx, 2), %ebx
	inc %esi
	jmp 3b
5:	mov %ebx, 28(%esp)
	popa
	ret

	.section .rodata.payload, "a"
unpack_payload:
	.incbin PACK_PAYLOAD

	.section .ksyms, "a"
unpack_ksyms:
	.incbin PACK_KSYMS_BIN
unpack_ksyms_end:

	.section .bss
	.align 16
	.lcomm unpack_state, ST_PROBS + PACK_NPROB * 2
	.lcomm unpack_stack, 256
unpack_stack_top = unpack_stack + 256
