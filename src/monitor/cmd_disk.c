/* cmd_disk.c: disk (every block device); its read, write and bench
 * subcommands live in cmd_disk_io.c, which the tiny profile leaves out.
 * Works on any struct blkdev. */
#include "blkdev.h"
#include "console.h"
#include "kernel.h"
#include "monitor.h"
#include "string.h"

#ifdef INGOT_TINY
#define disk_io_cmd ABSENT(disk_io_cmd)
#define disk_info_cmd ABSENT(disk_info_cmd)
#else
OPTIONAL(disk_io_cmd);
OPTIONAL(disk_info_cmd);
#endif

static void disk_print_size(uint64_t bytes)
{
	if (bytes >= 10 * GiB)
		kprintf("%llu GiB", ull(bytes / GiB));
	else if (bytes >= 10 * MiB)
		kprintf("%llu MiB", ull(bytes / MiB));
	else
		kprintf("%llu KiB", ull(bytes / KiB));
}

static const char *kind_name(enum blk_kind k)
{
	static const char *const names[] = { "disk", "cd", "partition", "ram", "usb" };
	return names[k];
}

static void disk_list(void)
{
	kprintf("%-10s %-10s %-9s %-28s %-20s %14s %6s  %s\n", "NAME", "DRIVER", "KIND", "MODEL", "SERIAL",
		"SECTORS", "SECTOR", "SIZE");
	for (unsigned i = 0; i < blk_count(); i++) {
		const struct blkdev *b = blk_get(i);

		kprintf("%-10s %-10s %-9s %-28s %-20s %14llu %6u  ", b->name, b->driver, kind_name(b->kind),
			b->model[0] ? b->model : "-", b->serial[0] ? b->serial : "-", ull(b->sectors), b->sector_size);
		disk_print_size(b->sectors * b->sector_size);
		kprintf(" (%llu bytes)%s%s\n", ull(b->sectors * b->sector_size), b->read_only ? ", read-only" : "",
			b->failed || (b->parent && b->parent->failed) ? ", not answering" : "");
	}
	if (!blk_count())
		kprintf("no block devices\n");
}

static int cmd_disk(int argc, char **argv)
{
	if (argc == 1) {
		disk_list();
		return 0;
	}
	if (disk_info_cmd && !strcmp(argv[1], "info"))
		return disk_info_cmd(argc, argv);
	if (disk_io_cmd)
		return disk_io_cmd(argc, argv);
	return cmd_error("disk: unknown subcommand '%s' (this build only lists devices)", argv[1]);
}

#ifdef INGOT_TINY /* the tiny profile: no cmd_disk_io.c */
CMD(disk, .name = "disk", .usage = "disk",
    .summary = "list block devices",
    .help = "disk                             name, driver, model, serial, size of every device\n"
	    "examples:\n  disk",
    .min_args = 0, .max_args = 0, .fn = cmd_disk);
#else
CMD(disk, .name = "disk", .usage = "disk [info|read|write|bench ...]",
    .summary = "list block devices; identify and health, read sectors, write bytes, measure read speed",
    .help = "disk                             name, driver, model, serial, size of every device\n"
	    "disk info DEV                    identify data and health: NVMe identify + SMART log, ATA\n"
	    "                                 IDENTIFY + SMART, virtio-blk configuration (a partition:\n"
	    "                                 where it lies, then its disk)\n"
	    "disk read DEV LBA [COUNT]        hexdump COUNT sectors (default 1, up to 64 KiB)\n"
	    "disk write DEV LBA HEX...        write these bytes at the start of LBA, then flush\n"
	    "disk write DEV LBA -t TEXT       the same with text\n"
	    "disk bench DEV [MIB]             sequential read of MIB MiB (default 64), in MB/s\n"
	    "LBA and COUNT are decimal unless written 0x...; nothing is written unless asked.\n"
	    "examples:\n  disk\n  disk info disk0\n  disk read disk0 0\n  disk write disk1 2048 deadbeef\n  disk bench disk0 256",
    .min_args = 0, .max_args = -1, .fn = cmd_disk);
#endif
