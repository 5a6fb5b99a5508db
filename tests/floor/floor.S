/* floor.S: the do-nothing kernel of `make bench`, the floor against which
 * Ingot's boot is timed. It carries the same Multiboot 2 request as Ingot
 * (EGA text console, an optional framebuffer) and a Multiboot 1 header for
 * QEMU's -kernel, so GRUB and QEMU load it the way they load Ingot. It
 * writes one line to COM1 and powers the machine off (ACPI PM1a control at
 * 0x604, where SeaBIOS and OVMF put it on QEMU's q35 and pc), or halts.
 * A 32-bit ELF: both loaders enter it in 32-bit protected mode. */

#define MB2_MAGIC 0xE85250D6
#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS ((1 << 0) | (1 << 1))

	.text
	.align 8
mb2_header:
	.long MB2_MAGIC, 0, mb2_end - mb2_header
	.long 0x100000000 - (MB2_MAGIC + (mb2_end - mb2_header))
	.align 8
	.short 4, 0			/* console flags: EGA text supported */
	.long 12, (1 << 1)
	.align 8
	.short 5, 1			/* framebuffer, optional, any mode */
	.long 20, 0, 0, 0
	.align 8
	.short 0, 0			/* end */
	.long 8
mb2_end:
	.align 4
	.long MB1_MAGIC, MB1_FLAGS, 0x100000000 - (MB1_MAGIC + MB1_FLAGS)

	.code32
	.global _start
_start:
	cli
	mov $msg, %esi
1:	movb (%esi), %bl
	test %bl, %bl
	jz 3f
	mov $0x3FD, %dx			/* line status: wait for an empty holding register */
2:	inb %dx, %al
	test $0x20, %al
	jz 2b
	mov $0x3F8, %dx
	mov %bl, %al
	outb %al, %dx
	inc %esi
	jmp 1b
3:	mov $0x604, %dx
	mov $0x2000, %ax		/* SLP_EN, sleep type 0 (S5 on QEMU) */
	outw %ax, %dx
4:	hlt
	jmp 4b

msg:	.asciz "floor: ready\r\n"
