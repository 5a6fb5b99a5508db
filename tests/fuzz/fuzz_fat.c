/* fuzz_fat.c: libFuzzer target for src/fat.c: mount the sparse disk an
 * input describes (tests/fuzz/fuzz_disk.h), walk its directory tree, look
 * every name up again and read each file's start and end. Built by `make fuzz`. */
/* sources: src/fat.c src/fat_table.c src/fat_run.c */
#include <stddef.h>
#include <stdint.h>
#include "blkdev.h"
#include "errno.h"
#include "fs.h"
#include "fuzz_disk.h"

#define FUZZ_DEPTH 4
#define FUZZ_ENTRIES 64       /* per directory */
#define FUZZ_READ (64 * 1024) /* bytes read at each end of a file */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fuzz_disk disk;
static uint8_t buf[FUZZ_READ];

static int fuzz_read(struct blkdev *b, uint64_t lba, uint32_t count, void *out)
{
	(void)b;
	return fuzz_disk_read(&disk, lba, count, out);
}

static void fuzz_file(struct fs_file *f)
{
	int64_t n = fs_read(f, 0, buf, sizeof(buf));

	if (n > (int64_t)sizeof(buf) || (n >= 0 && (uint64_t)n > f->size))
		__builtin_trap();
	if (f->size > sizeof(buf))
		(void)fs_read(f, f->size - sizeof(buf) / 2, buf, sizeof(buf));
	(void)fs_read(f, f->size / 3, buf, 1);
}

static void fuzz_dir(struct fat_vol *v, const struct fs_file *dir, char *path, size_t len, int depth)
{
	static struct fs_dir dirs[FUZZ_DEPTH + 1];
	struct fs_dir *d = &dirs[depth];
	struct fs_dirent e;
	struct fs_file f;

	if (fs_dir_open(dir, d))
		return;
	for (int i = 0; i < FUZZ_ENTRIES && fs_dir_next(d, &e) == 1; i++) {
		size_t n = strnlen(e.name, sizeof(e.name));

		if (n == sizeof(e.name) || len + n + 2 > 2048)
			__builtin_trap();
		path[len] = '/';
		memcpy(path + len + 1, e.name, n + 1);
		if (fat_lookup(v, path, &f))
			continue;
		if (!f.is_dir)
			fuzz_file(&f);
		else if (depth < FUZZ_DEPTH && e.name[0] != '.')
			fuzz_dir(v, &f, path, len + 1 + n, depth + 1);
	}
	path[len] = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct blkdev dev;
	static struct fat_vol v;
	static char path[2048];
	struct fs_file root;

	if (!fuzz_disk_init(&disk, data, size))
		return 0;
	memset(&dev, 0, sizeof(dev));
	dev.kind = BLK_DISK;
	dev.sector_size = disk.ssize;
	dev.sectors = disk.sectors;
	dev.max_sectors = 128;
	dev.read = fuzz_read;
	if (fat_mount(&v, &dev))
		return 0;
	if (v.type != 12 && v.type != 16 && v.type != 32)
		__builtin_trap();
	if (fat_lookup(&v, "/", &root))
		return 0;
	path[0] = 0;
	fuzz_dir(&v, &root, path, 0, 0);
	(void)fat_lookup(&v, "/a/../b/./c.txt", &root);
	return 0;
}
