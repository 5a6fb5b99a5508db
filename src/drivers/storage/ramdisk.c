/* ramdisk.c: each multiboot module becomes a RAM disk (ram0, ram1, ...), so
 * a machine booted from a USB stick runs programs from the programs.img
 * that grub.cfg loads as a module (Multiboot2 3.6.6), no USB driver needed.
 * QEMU: the ISO's grub.cfg, or -kernel with -initrd FILE (multiboot1). */
#include "blkdev.h"
#include "bootinfo.h"
#include "devices.h"
#include "kernel.h"
#include "string.h"

#define RAM_SECTOR 512

static struct blkdev ramdisks[BOOTINFO_MAX_MODS];

static int ram_read(struct blkdev *b, uint64_t lba, uint32_t count, void *buf)
{
	memcpy(buf, (const uint8_t *)b->priv + lba * RAM_SECTOR, (size_t)count * RAM_SECTOR);
	return 0;
}

static int ram_write(struct blkdev *b, uint64_t lba, uint32_t count, const void *buf)
{
	memcpy((uint8_t *)b->priv + lba * RAM_SECTOR, buf, (size_t)count * RAM_SECTOR);
	return 0;
}

void ramdisk_init(void)
{
	for (unsigned i = 0; i < boot_info.mod_count; i++) {
		const struct boot_module *m = &boot_info.mods[i];
		struct blkdev *b = &ramdisks[i];

		if (m->end <= m->start || (m->end - m->start) < RAM_SECTOR)
			continue;
		b->kind = BLK_RAM;
		b->driver = "ram";
		strlcpy(b->model, m->name[0] ? m->name : "multiboot module", sizeof(b->model));
		b->sector_size = RAM_SECTOR;
		b->sectors = (m->end - m->start) / RAM_SECTOR;
		b->priv = (void *)m->start;
		b->read = ram_read;
		b->write = ram_write;
		blk_register(b);
	}
}
