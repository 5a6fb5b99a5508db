/* test_fat_write.c: host tests of the FAT writer (src/fat_write.c, fat_dir.c,
 * fs_path.c) on FAT12, FAT16 and FAT32 images that mkfs.fat makes at run time:
 * create, write, extend, overwrite, truncate, rename, delete, mkdir, rmdir,
 * long names, bad names, a full disk. After each step the image passes
 * `fsck.fat -n` and mtools reads every file back byte-exact. */
/* sources: src/fat.c src/fat_table.c src/fat_run.c src/fat_write.c src/fat_dir.c src/fs_path.c src/rtc_decode.c src/crc32.c src/block.c src/format.c src/error.c */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "blkdev.h"
#include "errno.h"
#include "fs.h"
#include "fs_shim.h"
#include "unit.h"

struct img {
	uint8_t *d;
	size_t size;
	char path[256];
};

static int mem_read(struct blkdev *b, uint64_t lba, uint32_t count, void *buf)
{
	struct img *im = b->priv;

	memcpy(buf, im->d + lba * 512, (size_t)count * 512);
	return 0;
}

static int mem_write(struct blkdev *b, uint64_t lba, uint32_t count, const void *buf)
{
	struct img *im = b->priv;

	memcpy(im->d + lba * 512, buf, (size_t)count * 512);
	return 0;
}

static char tmpdir[128];
static struct img imgs[3];
static struct blkdev devs[4];
static uint8_t pattern[3 << 20], got[3 << 20];

static void fill_pattern(void)
{
	uint32_t x = 777;

	for (size_t i = 0; i < sizeof(pattern); i++) {
		x = x * 1103515245u + 12345u;
		pattern[i] = (uint8_t)(x >> 16);
	}
}

static int run(const char *cmd)
{
	int r = system(cmd);

	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

/* mkfs.fat an image of mib MiB, FAT type bits, and register it. */
static struct blkdev *make_img(int i, int bits, unsigned kib, int spc)
{
	char cmd[512];
	FILE *f;
	struct img *im = &imgs[i];
	struct blkdev *b = &devs[i];

	snprintf(im->path, sizeof(im->path), "%s/fat%d.img", tmpdir, bits);
	snprintf(cmd, sizeof(cmd), "mkfs.fat -C -F %d -s %d -n T%d %s %u >/dev/null 2>&1", bits, spc, bits, im->path, kib);
	if (run(cmd))
		return NULL;
	im->size = (size_t)kib * 1024;
	im->d = malloc(im->size);
	f = fopen(im->path, "rb");
	if (!f || fread(im->d, 1, im->size, f) != im->size)
		return NULL;
	fclose(f);
	memset(b, 0, sizeof(*b));
	b->kind = BLK_DISK;
	b->driver = "mem";
	b->sector_size = 512;
	b->sectors = im->size / 512;
	b->max_sectors = 64;
	b->read = mem_read;
	b->write = mem_write;
	b->priv = im;
	return blk_register(b) ? NULL : b;
}

static void save_img(struct img *im)
{
	FILE *f = fopen(im->path, "wb");

	fwrite(im->d, 1, im->size, f);
	fclose(f);
}

/* fsck.fat -n finds nothing (exit 0, and no line but its banner and summary). */
static int fsck_ok(struct img *im)
{
	char cmd[512];

	save_img(im);
	snprintf(cmd, sizeof(cmd), "out=$(fsck.fat -n %s 2>&1) && [ $(printf '%%s\\n' \"$out\" | wc -l) -le 3 ] "
		 "|| { printf '%%s\\n' \"$out\"; exit 1; }", im->path);
	return run(cmd) == 0;
}

/* mtools copies name out: the bytes are want. */
static int mtools_is(struct img *im, const char *name, const uint8_t *want, size_t len)
{
	char cmd[1024], out[256];
	FILE *f;
	size_t n;

	snprintf(out, sizeof(out), "%s/out.bin", tmpdir);
	unlink(out);
	snprintf(cmd, sizeof(cmd), "MTOOLS_SKIP_CHECK=1 mcopy -n -i %s \"::%s\" %s 2>/dev/null", im->path, name, out);
	if (run(cmd))
		return 0;
	f = fopen(out, "rb");
	if (!f)
		return 0;
	n = fread(got, 1, sizeof(got), f);
	fclose(f);
	return n == len && !memcmp(got, want, len);
}

/* mdir lists name (the long one when it has one). */
static int mtools_has(struct img *im, const char *dir, const char *name)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "MTOOLS_SKIP_CHECK=1 mdir -i %s \"::%s\" 2>/dev/null | grep -qF -- \"%s\"", im->path, dir, name);
	return run(cmd) == 0;
}

static int reads_back(const char *spec, const uint8_t *want, size_t len)
{
	return fs_file_size(spec) == (int64_t)len && fs_file_read(spec, 0, got, sizeof(got)) == (int64_t)len &&
	       !memcmp(got, want, len);
}

static void t_name(char *buf, size_t n, const char *dev, const char *path)
{
	snprintf(buf, n, "%s:%s", dev, path);
}

static void test_volume(int i, int bits, unsigned kib, int spc)
{
	static uint8_t model[3 << 20];
	struct blkdev *b = make_img(i, bits, kib, spc);
	struct img *im = &imgs[i];
	char s[600], s2[600], name[300], long_name[300];
	const char *dev;
	struct fs_dirent e;
	int n;

	printf("-- FAT%d, %u KiB, %d sectors a cluster\n", bits, kib, spc);
	CHECK("mkfs", b != NULL);
	if (!b)
		return;
	dev = b->name;
#define P(path) (t_name(s, sizeof(s), dev, path), s)
	/* create and read back */
	CHECK("create_small", fs_file_write(P("/hello.txt"), 0, "hello, world\n", 13) == 13);
	CHECK("small_reads_back", reads_back(P("/hello.txt"), (const uint8_t *)"hello, world\n", 13));
	CHECK("small_fsck", fsck_ok(im));
	CHECK("small_mtools", mtools_is(im, "/hello.txt", (const uint8_t *)"hello, world\n", 13));
	CHECK("small_lfn_case", mtools_has(im, "/", "hello.txt"));
	CHECK("small_dated", mtools_has(im, "/", "2024-05-17  12:34  hello.txt")); /* fs_shim.h's clock */
	/* a long name, a big file in odd pieces */
	snprintf(long_name, sizeof(long_name), "/A long file name, with spaces and more.data");
	for (size_t off = 0; off < 300000; off += 7777) {
		int64_t r = fs_file_write(P(long_name), off, pattern + off, off + 7777 > 300000 ? 300000 - off : 7777);

		if (r < 0)
			printf("write at %zu: %lld\n", off, (long long)r);
	}
	memcpy(model, pattern, 300000);
	CHECK("long_reads_back", reads_back(P(long_name), model, 300000));
	CHECK("long_fsck", fsck_ok(im));
	CHECK("long_mtools", mtools_is(im, long_name, model, 300000));
	/* overwrite the middle, extend with a hole */
	CHECK("overwrite", fs_file_write(P(long_name), 1000, pattern + 500000, 5000) == 5000);
	memcpy(model + 1000, pattern + 500000, 5000);
	CHECK("hole_write", fs_file_write(P(long_name), 400000, pattern, 100) == 100);
	memset(model + 300000, 0, 100000);
	memcpy(model + 400000, pattern, 100);
	CHECK("hole_reads_back", reads_back(P(long_name), model, 400100));
	CHECK("hole_fsck", fsck_ok(im));
	CHECK("hole_mtools", mtools_is(im, long_name, model, 400100));
	/* truncate down, up, to zero */
	CHECK("truncate_down", fs_file_truncate(P(long_name), 12345) == 0);
	CHECK("truncate_down_reads", reads_back(P(long_name), model, 12345));
	CHECK("truncate_up", fs_file_truncate(P(long_name), 20000) == 0);
	memset(model + 12345, 0, 20000 - 12345);
	CHECK("truncate_up_reads", reads_back(P(long_name), model, 20000));
	CHECK("truncate_fsck", fsck_ok(im) && mtools_is(im, long_name, model, 20000));
	CHECK("truncate_zero", fs_file_truncate(P("/hello.txt"), 0) == 0 && fs_file_size(P("/hello.txt")) == 0);
	CHECK("truncate_zero_fsck", fsck_ok(im) && mtools_is(im, "/hello.txt", model, 0));
	CHECK("truncate_missing", fs_file_truncate(P("/nope"), 0) == -ENOENT);
	/* directories */
	CHECK("mkdir", fs_mkdir(P("/Sub Directory")) == 0);
	CHECK("mkdir_exists", fs_mkdir(P("/sub directory")) == -EEXIST);
	CHECK("mkdir_nested", fs_mkdir(P("/Sub Directory/deeper")) == 0);
	CHECK("file_in_dir", fs_file_write(P("/Sub Directory/deeper/f.bin"), 0, pattern, 70000) == 70000);
	CHECK("dir_fsck", fsck_ok(im) && mtools_is(im, "/Sub Directory/deeper/f.bin", pattern, 70000));
	CHECK("rmdir_not_empty", fs_remove(P("/Sub Directory/deeper")) == -ENOTEMPTY);
	CHECK("write_to_dir", fs_file_write(P("/Sub Directory"), 0, "x", 1) == -EISDIR);
	CHECK("mkdir_under_file", fs_mkdir(P("/hello.txt/x")) == -ENOTDIR);
	/* many entries: the directory grows past its first cluster */
	for (n = 0; n < 40; n++) {
		snprintf(name, sizeof(name), "/Sub Directory/entry number %d with a long name.txt", n);
		if (fs_file_write(P(name), 0, pattern + n, (uint64_t)n) != n)
			break;
	}
	CHECK("many_entries", n == 40);
	CHECK("dir_entry_index", fs_dir_entry(P("/Sub Directory"), 0, &e) == 1 && !strcmp(e.name, "deeper") &&
	      fs_dir_entry(P("/Sub Directory"), 41, &e) == 0 && fs_dir_entry(P("/Sub Directory"), 40, &e) == 1);
	CHECK("many_fsck", fsck_ok(im) && mtools_is(im, "/Sub Directory/entry number 39 with a long name.txt", pattern + 39, 39));
	CHECK("alias_made", mtools_has(im, "/Sub Directory", "ENTRYN~"));
	/* rename: in place, across directories, a directory, onto a file */
	t_name(s2, sizeof(s2), dev, "/moved file.bin");
	CHECK("rename_file", fs_rename(P("/Sub Directory/deeper/f.bin"), s2) == 0);
	CHECK("rename_gone", fs_file_size(P("/Sub Directory/deeper/f.bin")) == -ENOENT);
	CHECK("rename_reads", reads_back(P("/moved file.bin"), pattern, 70000));
	t_name(s2, sizeof(s2), dev, "/Renamed Dir");
	CHECK("rename_dir", fs_rename(P("/Sub Directory/deeper"), s2) == 0);
	t_name(s2, sizeof(s2), dev, "/Renamed Dir/inner");
	CHECK("rename_into_self", fs_rename(P("/Renamed Dir"), s2) == -EINVAL);
	CHECK("rename_over", fs_rename(P("/hello.txt"), (t_name(s2, sizeof(s2), dev, "/moved file.bin"), s2)) == 0 &&
	      fs_file_size(P("/moved file.bin")) == 0);
	CHECK("rename_case", fs_rename(P("/moved file.bin"), (t_name(s2, sizeof(s2), dev, "/Moved File.BIN"), s2)) == 0 &&
	      fsck_ok(im) && mtools_has(im, "/", "Moved File.BIN"));
	CHECK("rename_case_back", fs_rename(P("/Moved File.BIN"), (t_name(s2, sizeof(s2), dev, "/moved file.bin"), s2)) == 0);
	CHECK("rename_fsck", fsck_ok(im) && mtools_has(im, "/", "Renamed Dir") && mtools_is(im, "/moved file.bin", pattern, 0));
	/* bad names */
	memset(name, 'x', 257);
	name[0] = '/', name[257] = 0;
	CHECK("name_too_long", fs_file_write(P(name), 0, "x", 1) == -ENAMETOOLONG);
	CHECK("name_star", fs_file_write(P("/a*b"), 0, "x", 1) == -EINVAL);
	CHECK("name_ctrl", fs_file_write(P("/a\x01" "b"), 0, "x", 1) == -EINVAL);
	CHECK("name_255_ok", (name[256] = 0, fs_file_write(P(name), 0, "y", 1) == 1) && reads_back(P(name), (const uint8_t *)"y", 1));
	/* remove */
	CHECK("remove_file", fs_remove(P(long_name)) == 0 && fs_file_size(P(long_name)) == -ENOENT);
	CHECK("remove_missing", fs_remove(P("/no such")) == -ENOENT);
	CHECK("rmdir_empty", fs_remove(P("/Renamed Dir")) == 0);
	CHECK("remove_fsck", fsck_ok(im));
	/* a big file in three writes, into the holes the removals left and on
	 * (FAT32 in 512-byte clusters: its clusters taken a 64 KiB piece of the
	 * FAT at a time, the third write's chain crossing into the next piece) */
	if (kib >= 16384) {
		int ok = 1;

		for (uint64_t part = 0; part < 3 && ok; part++)
			ok = fs_file_write(P("/big.bin"), part * (3 << 20), pattern, 3 << 20) == 3 << 20;
		for (uint64_t part = 0; part < 3 && ok; part++)
			ok = fs_file_read(P("/big.bin"), part * (3 << 20), got, 3 << 20) == 3 << 20 && !memcmp(got, pattern, 3 << 20);
		CHECK("big_write", ok && fsck_ok(im) && fs_file_size(P("/big.bin")) == 9 << 20);
		CHECK("big_remove", fs_remove(P("/big.bin")) == 0 && fsck_ok(im));
	}
	/* fill the disk: -ENOSPC, and the volume stays consistent */
	{
		int64_t r = 0;
		uint64_t off = 0;

		while ((r = fs_file_write(P("/filler"), off, pattern, 1 << 20)) == 1 << 20)
			off += 1 << 20;
		CHECK("full_enospc", r == -ENOSPC);
		CHECK("full_fsck", fsck_ok(im));
		CHECK("full_new_file", fs_file_write(P("/more"), 0, pattern, 1 << 20) == -ENOSPC);
		CHECK("full_fsck2", fsck_ok(im) && mtools_is(im, "/moved file.bin", pattern, 0));
		CHECK("full_remove", fs_remove(P("/filler")) == 0 && fsck_ok(im));
	}
	/* refused: FAT copies differ */
	{
		struct fat_vol *v;
		char why[96];

		fs_mount(b, &v);
		im->d[v->fat0_start + v->fat_bytes + 5] ^= 0xFF;
		v->wstate = 0;
		CHECK("fats_differ_refused", fs_file_write(P("/x"), 0, "x", 1) == -EUCLEAN &&
		      fs_write_check(P("/x"), why, sizeof(why)) == -EUCLEAN && !strncmp(why, "the FAT copies differ", 21));
		im->d[v->fat0_start + v->fat_bytes + 5] ^= 0xFF;
		v->wstate = 0;
		b->read_only = 1;
		CHECK("read_only_refused", fs_mkdir(P("/x")) == -EROFS);
		b->read_only = 0;
		v->wstate = 0;
	}
	/* refused: the dirty bit, a broken chain; nothing written */
	{
		static uint8_t snap[64 << 20];
		struct fat_vol *v;
		struct fs_file f;
		char why[96];
		size_t dirty_at;

		fs_mount(b, &v);
		dirty_at = v->type == 32 ? 65 : 37;
		memcpy(snap, im->d, im->size);
		im->d[dirty_at] |= 1;
		CHECK("dirty_refused", fs_mkdir(P("/x")) == -EUCLEAN && fs_write_check(P("/x"), why, sizeof(why)) == -EUCLEAN &&
		      !strncmp(why, "dirty bit set", 13));
		im->d[dirty_at] &= (uint8_t)~1;
		CHECK("dirty_nothing_written", !memcmp(snap, im->d, im->size));
		if (bits != 12 && fs_file_write(P("/chain.bin"), 0, pattern, 5 * v->cluster_size) > 0 &&
		    !fs_resolve(P("/chain.bin"), &f)) {
			uint64_t at = v->fat0_start + (uint64_t)f.first_cluster * (uint64_t)(bits / 8);

			memcpy(snap, im->d, im->size);
			for (uint32_t copy = 0; copy < v->fats; copy++) { /* the chain ends in a free cluster: a raw write */
				uint64_t lba = (at + copy * v->fat_bytes) / 512;

				memset(im->d + at + copy * v->fat_bytes, 0, bits / 8);
				blk_write(b, lba, 1, im->d + lba * 512);
			}
			memcpy(snap, im->d, im->size);
			CHECK("bad_chain_refused", fs_file_write(P("/chain.bin"), 7, "x", 1) == -EUCLEAN &&
			      fs_file_truncate(P("/chain.bin"), 1) == -EUCLEAN);
			CHECK("bad_chain_nothing_written", !memcmp(snap, im->d, im->size));
		}
	}
#undef P
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_fat_write.XXXXXX");
	if (!mkdtemp(tmpdir) || run("command -v mkfs.fat >/dev/null && command -v fsck.fat >/dev/null && command -v mcopy >/dev/null")) {
		printf("SKIP: mkfs.fat, fsck.fat or mtools missing (Debian: dosfstools mtools)\n");
		return 0;
	}
	fill_pattern();
	test_volume(0, 12, 2048, 4);
	test_volume(1, 16, 16384, 4);
	test_volume(2, 32, 40960, 1);
	{
		char cmd[200];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		run(cmd);
	}
	return unit_exit();
}
