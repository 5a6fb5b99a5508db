/* ramdisk.c: each multiboot module becomes a RAM disk (ram0, ram1, ...), so
 * a machine booted from a USB stick runs programs from the programs.img
 * that grub.cfg loads as a module (Multiboot2 3.6.6), no USB driver needed.
 * QEMU: the ISO's grub.cfg, or -kernel with -initrd FILE (multiboot1). */
#include "blkdev.h"
#include "bootinfo.h"
#include "devices.h"
#include "diskinfo.h"
#include "console.h"
#include "kernel.h"
#include "memown.h"
#include "mm.h"
#include "string.h"

#define RAM_SECTOR 512

static struct blkdev ramdisks[BOOTINFO_MAX_MODS];
static char owners[BOOTINFO_MAX_MODS][24]; /* "RAM disk ram0", for memown */

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

#ifndef INGOT_TINY /* disk info is not in the tiny profile */
/* disk info: where the module lies in memory. */
static int ram_info(struct blkdev *b, struct blk_info *out)
{
	out->kind = BLK_INFO_RAM;
	out->u.ram.addr = (uint64_t)b->priv;
	out->u.ram.bytes = b->sectors * RAM_SECTOR;
	return 0;
}
#endif

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
#ifndef INGOT_TINY
		b->info = ram_info;
#endif
		blk_register(b);
		ksnprintf(owners[i], sizeof(owners[i]), "RAM disk %s", b->name);
		if (memown_add)
			memown_add(ALIGN_DOWN(m->start, PAGE_SIZE),
				   ALIGN_UP(m->end, PAGE_SIZE) - ALIGN_DOWN(m->start, PAGE_SIZE), owners[i], -1, 0);
	}
}
