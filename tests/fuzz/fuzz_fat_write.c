/* fuzz_fat_write.c: libFuzzer target for the FAT writer (src/fat_write.c,
 * fat_dir.c, fs_path.c): mount the sparse disk an input describes
 * (tests/fuzz/fuzz_disk.h) with writes kept in a bounded overlay, then
 * create, write (with a hole), read back, mkdir, rename, truncate and remove,
 * also on the first entries the image already has. A file written must read
 * back as written. Built by `make fuzz`; seeds: tests/fuzz/corpus/fat. */
/* sources: src/fat.c src/fat_table.c src/fat_run.c src/fat_write.c src/fat_dir.c src/fs_path.c src/rtc_decode.c */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "blkdev.h"
#include "errno.h"
#include "fs.h"
#include "../unit/fs_shim.h"
#include "fuzz_disk.h"

#define OVERLAY_SECTORS 2048   /* sectors written per input at most: more is -EIO */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fuzz_disk disk;
static uint64_t ov_lba[OVERLAY_SECTORS];
static uint8_t ov_data[OVERLAY_SECTORS][4096];
static unsigned ov_count;
static uint8_t pattern[20000], got[20000];

static int ov_find(uint64_t lba)
{
	for (unsigned i = 0; i < ov_count; i++)
		if (ov_lba[i] == lba)
			return (int)i;
	return -1;
}

static int fuzz_read(struct blkdev *b, uint64_t lba, uint32_t count, void *out)
{
	uint8_t *p = out;
	int err = fuzz_disk_read(&disk, lba, count, out);

	(void)b;
	for (uint32_t i = 0; !err && i < count; i++) {
		int k = ov_find(lba + i);

		if (k >= 0)
			memcpy(p + (size_t)i * disk.ssize, ov_data[k], disk.ssize);
	}
	return err;
}

static int fuzz_write(struct blkdev *b, uint64_t lba, uint32_t count, const void *in)
{
	const uint8_t *p = in;

	(void)b;
	if (lba >= disk.sectors || count > disk.sectors - lba)
		return -EIO;
	for (uint32_t i = 0; i < count; i++) {
		int k = ov_find(lba + i);

		if (k < 0 && ov_count == OVERLAY_SECTORS)
			return -EIO;
		if (k < 0)
			k = (int)ov_count++, ov_lba[k] = lba + i;
		memcpy(ov_data[k], p + (size_t)i * disk.ssize, disk.ssize);
	}
	return 0;
}

static struct blkdev dev;

/* Write a new file and read it back: a success must give the bytes back. */
static void fuzz_new_file(const char *spec, uint64_t off, size_t len)
{
	int64_t n = fs_file_write(spec, off, pattern, len);

	if (n < 0)
		return;
	if ((uint64_t)n != len)
		__builtin_trap();
	if (fs_file_read(spec, off, got, len) != (int64_t)len || memcmp(got, pattern, len))
		__builtin_trap();
	if (off && (fs_file_read(spec, 0, got, 1) != 1 || got[0]))
		__builtin_trap(); /* the hole reads as zeros */
}

static void fuzz_existing(void)
{
	struct fs_dirent e;
	char spec[FS_NAME_MAX + 16];

	for (uint64_t i = 0; i < 3; i++) {
		if (fs_dir_entry("disk0:/", i, &e) != 1)
			return;
		memcpy(spec, "disk0:/", 7);
		memcpy(spec + 7, e.name, strlen(e.name) + 1);
		if (e.is_dir) {
			(void)fs_remove(spec);
			continue;
		}
		(void)fs_file_write(spec, e.size, pattern, 700);
		(void)fs_file_truncate(spec, e.size / 2);
		(void)fs_rename(spec, "disk0:/renamed existing.bin");
		(void)fs_remove("disk0:/renamed existing.bin");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fat_vol *v;

	if (!pattern[1])
		for (size_t i = 0; i < sizeof(pattern); i++)
			pattern[i] = (uint8_t)(i * 7 + 1);
	if (!fuzz_disk_init(&disk, data, size))
		return 0;
	if (!dev.name[0]) {
		dev.kind = BLK_DISK;
		dev.read = fuzz_read;
		dev.write = fuzz_write;
		dev.max_sectors = 128;
		dev.sector_size = 512;
		dev.sectors = 1;
		blk_register(&dev);
	}
	dev.sector_size = disk.ssize;
	dev.sectors = disk.sectors;
	ov_count = 0;
	/* A fresh mount each input (the cached one may have the same boot sector). */
	if (fs_mount(&dev, &v) || fat_mount(v, &dev))
		return 0;
	fuzz_new_file("disk0:/a new file with a long name.txt", 0, 3000);
	(void)fs_mkdir("disk0:/New Directory");
	fuzz_new_file("disk0:/New Directory/holey", 5000, 9000);
	(void)fs_rename("disk0:/a new file with a long name.txt", "disk0:/New Directory/moved.txt");
	(void)fs_file_truncate("disk0:/New Directory/moved.txt", 100);
	(void)fs_remove("disk0:/New Directory/moved.txt");
	(void)fs_remove("disk0:/New Directory/holey");
	(void)fs_remove("disk0:/New Directory");
	fuzz_existing();
	return 0;
}
