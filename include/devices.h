/* devices.h: init entry points of the console drivers called from kmain. */
#ifndef INGOT_DEVICES_H
#define INGOT_DEVICES_H

/* VGA text mode 80x25 at 0xB8000 (src/drivers/vga/vga_text.c). */
void vga_text_init(void);
struct boot_fb;
/* Text console on the loader's linear framebuffer (src/drivers/fb/fbcon.c),
 * before mm_init so the banner shows: 0, or -ENODEV when fb is no direct
 * colour framebuffer of 15, 16, 24 or 32 bpp. */
int fbcon_init(const struct boot_fb *fb);
/* After mm_init: map a framebuffer the boot page tables did not reach and
 * draw what was written so far; 0 or -ENOMEM. */
int fbcon_map(void);
/* PS/2 keyboard on the 8042 (src/drivers/ps2/ps2_kbd.c): 0, or -ENODEV when no
 * controller answers. Needs irq_init() done. */
int ps2_kbd_init(void);
/* COM1 interrupt-driven input (src/drivers/serial/uart16550.c). */
void serial_enable_irq(void);
/* Multiboot modules as RAM disks ram0.. (src/drivers/storage/ramdisk.c). */
void ramdisk_init(void);

#endif
