/* test_fat.c: host tests of src/fat.c on FAT12/16/32 images built here: BPB
 * checks, 8.3 and long names, subdirectories, coalesced reads at any offset,
 * corrupt FATs (cycle, past the end, short/long chain, free cluster, looping dir),
 * a big file checked lazily past its first clusters, Ctrl-C in long walks,
 * FAT32 with few clusters, unusable long names (260 characters, "..", '/'). */
/* sources: src/fat.c src/fat_table.c src/fat_run.c src/crc32.c src/block.c src/format.c src/error.c */
#include <stdio.h>
#include "blkdev.h"
#include "errno.h"
#include "fs.h"
#include "unit.h"
#include "fsimg.h"

static unsigned dev_reads;

static int mem_read(struct blkdev *b, uint64_t lba, uint32_t count, void *buf)
{
	struct img *im = b->priv;

	dev_reads++;
	memcpy(buf, im->d + lba * im->ssize, (size_t)count * im->ssize);
	return 0;
}

static void mem_dev(struct blkdev *b, struct img *im)
{
	memset(b, 0, sizeof(*b));
	b->kind = BLK_DISK;
	b->driver = "mem";
	b->sector_size = im->ssize;
	b->sectors = im->size / im->ssize;
	b->max_sectors = 256;
	b->read = mem_read;
	b->priv = im;
}

static uint8_t pattern[1 << 20];

/* Ctrl-C as fat.c sees it: the console's, here a flag. */
static int ctrl_c;
int console_ctrl_c_pending(void)
{
	return ctrl_c;
}

static void fill_pattern(void)
{
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(pattern); i++) {
		x = x * 1103515245u + 12345u;
		pattern[i] = (uint8_t)(x >> 16);
	}
}

/* Read the whole file and compare with want. */
static int file_is(struct fat_vol *v, const char *path, const uint8_t *want, uint64_t len)
{
	static uint8_t got[1 << 20];
	struct fs_file f;

	if (fat_lookup(v, path, &f) || f.size != len)
		return 0;
	return fs_read(&f, 0, got, sizeof(got)) == (int64_t)len && !memcmp(got, want, len);
}

static void append(char *out, const char *s)
{
	memcpy(out + strlen(out), s, strlen(s) + 1);
}

static uint32_t listing_corrupt; /* corrupt entries the last listing skipped */
static uint32_t listing_bad_names; /* long names it did not use */

/* Names in a directory, joined with ','; "." and ".." left out. */
static const char *listing(struct fat_vol *v, const char *path)
{
	static char out[2048];
	static struct fs_dir d;
	struct fs_file f;
	struct fs_dirent e;

	out[0] = 0;
	if (fat_lookup(v, path, &f) || fs_dir_open(&f, &d))
		return "(error)";
	while (fs_dir_next(&d, &e) == 1) {
		if (!strcmp(e.name, ".") || !strcmp(e.name, ".."))
			continue;
		if (out[0])
			append(out, ",");
		append(out, e.name);
		if (e.is_dir)
			append(out, "/");
	}
	listing_corrupt = d.corrupt;
	listing_bad_names = d.bad_names;
	return out;
}

/* FAT12: a floppy with short, lowercase-flagged and long names, a
 * fragmented file (odd and even FAT12 entries) and a subdirectory. */
static void build_fat12(struct img *im, struct fatimg *f)
{
	struct fdir root, sub;

	img_new(im, 2880 * 512, 512);
	fat_format(f, im, 12, 1, 1, 224, 9);
	fdir_root(f, &root, 0);
	fdir_file(&root, NULL, "README  TXT", (const uint8_t *)"Ingot test disk\n", 16, 1);
	fdir_add(&root, NULL, "HELLO   C  ", 0x20, 0x18, 0, 0);
	fdir_file(&root, "A long file name.txt", "ALONGF~1TXT", pattern, 5 * 512 - 7, 3);
	fdir_sub(&root, NULL, "SUB        ", &sub, 1);
	fdir_file(&sub, NULL, "DEEP    TXT", pattern + 100, 700, 1);
}

static void test_fat12(void)
{
	struct img im;
	struct fatimg f;
	struct blkdev b;
	struct fat_vol v;
	struct fs_file file;

	build_fat12(&im, &f);
	mem_dev(&b, &im);
	CHECK("fat12_mount", fat_mount(&v, &b) == 0);
	CHECK_U64("fat12_type", v.type, 12);
	CHECK_STR("fat12_label", v.label, "TEST12");
	CHECK_U64("fat12_clusters", v.clusters, 2847);
	CHECK_STR("fat12_list", listing(&v, "/"), "README.TXT,hello.c,A long file name.txt,SUB/");
	CHECK("fat12_readme", file_is(&v, "/README.TXT", (const uint8_t *)"Ingot test disk\n", 16));
	CHECK("fat12_case_insensitive", file_is(&v, "readme.txt", (const uint8_t *)"Ingot test disk\n", 16));
	CHECK("fat12_lfn_fragmented", file_is(&v, "/a LONG file name.TXT", pattern, 5 * 512 - 7));
	CHECK("fat12_short_alias", file_is(&v, "ALONGF~1.TXT", pattern, 5 * 512 - 7));
	CHECK("fat12_subdir_file", file_is(&v, "/sub/deep.txt", pattern + 100, 700));
	CHECK("fat12_dotdot", file_is(&v, "sub/../sub/./DEEP.TXT", pattern + 100, 700));
	CHECK("fat12_root_dotdot", file_is(&v, "/../README.TXT", (const uint8_t *)"Ingot test disk\n", 16));
	CHECK("fat12_empty_file", fat_lookup(&v, "hello.c", &file) == 0 && file.size == 0 &&
	      fs_read(&file, 0, pattern, 1) == 0);
	CHECK("fat12_notdir", fat_lookup(&v, "README.TXT/x", &file) == -ENOTDIR);
	CHECK("fat12_notfound", fat_lookup(&v, "/nope.txt", &file) == -ENOENT);
	CHECK("fat12_root_is_dir", fat_lookup(&v, "", &file) == 0 && file.is_dir && file.is_root);
	img_free(&im);
}

/* FAT16 with 2 KiB clusters: reads at odd offsets, runs in one device read. */
static void test_fat16(void)
{
	static uint8_t got[200000];
	struct img im;
	struct fatimg f;
	struct fdir root;
	struct blkdev b;
	struct fat_vol v;
	struct fs_file file;
	int ok = 1;

	img_new(&im, 16 << 20, 512);
	fat_format(&f, &im, 16, 4, 1, 512, 32);
	fdir_root(&f, &root, 0);
	fdir_file(&root, "contiguous.bin", "CONTIG~1BIN", pattern, 200000, 1);
	fdir_file(&root, "scattered.bin", "SCATTE~1BIN", pattern + 7, 100000, 2);
	mem_dev(&b, &im);
	CHECK("fat16_mount", fat_mount(&v, &b) == 0 && v.type == 16 && v.cluster_size == 2048);
	CHECK_STR("fat16_label", v.label, "TEST16");
	CHECK("fat16_lookup", fat_lookup(&v, "CONTIGUOUS.BIN", &file) == 0 && file.size == 200000);
	dev_reads = 0;
	CHECK("fat16_read_all", fs_read(&file, 0, got, sizeof(got)) == 200000 && !memcmp(got, pattern, 200000));
	CHECK("fat16_one_run", dev_reads <= 4); /* FAT window + (200000 / (256 * 512)) + tail */
	for (uint64_t off = 1; off < 200000 && ok; off += 7919) {
		int64_t n = fs_read(&file, off, got, 3001);

		ok = n == (int64_t)(200000 - off < 3001 ? 200000 - off : 3001) && !memcmp(got, pattern + off, (size_t)n);
	}
	CHECK("fat16_offsets", ok);
	CHECK("fat16_past_end", fs_read(&file, 200000, got, 10) == 0 && fs_read(&file, 199999, got, 10) == 1);
	CHECK("fat16_scattered", file_is(&v, "scattered.bin", pattern + 7, 100000));
	CHECK("fat16_backwards", fat_lookup(&v, "scattered.bin", &file) == 0 &&
	      fs_read(&file, 90000, got, 100) == 100 && fs_read(&file, 10, got + 100, 100) == 100 &&
	      !memcmp(got, pattern + 7 + 90000, 100) && !memcmp(got + 100, pattern + 17, 100));
	img_free(&im);
}

/* FAT32 (35 MB, 512-byte clusters): a two-cluster root, long names of
 * every kind, the mtools-style tests/ directory, and corrupt chains. */
static void build_fat32(struct img *im, struct fatimg *f)
{
	struct fdir root, tests;
	char s11[12];

	img_new(im, 70000ull * 512, 512);
	fat_format(f, im, 32, 1, 32, 0, 540);
	fdir_root(f, &root, 2);
	fdir_add(&root, NULL, "PROGS      ", 0x08, 0, 0, 0);   /* volume label: not listed */
	for (int i = 0; i < 12; i++) {
		memcpy(s11, "FILE00  TXT", 12);
		s11[4] = (char)('0' + i / 10), s11[5] = (char)('0' + i % 10);
		fdir_file(&root, NULL, s11, pattern + i, 10 + (uint32_t)i, 1);
	}
	fdir_file(&root, "A name long enough for four entries.data", "ANAMEL~1DAT", pattern, 1500, 1);
	fdir_lfn(&root, "bad checksum name", "BADSUM  TXT", 1);
	fdir_add(&root, NULL, "BADSUM  TXT", 0x20, 0, 0, 0);
	fdir_lfn(&root, "caf\x80.txt", "CAF     TXT", 0);
	fdir_add(&root, NULL, "CAF     TXT", 0x20, 0, 0, 0);
	fdir_add(&root, NULL, "\xE5" "ELETEDTXT", 0x20, 0, 0, 0);
	fdir_sub(&root, "tests", "TESTS      ", &tests, 2);
	fdir_file(&tests, "a long file name.txt", "ALONGF~1TXT", (const uint8_t *)"long name\n", 10, 1);
	/* Corrupt entries: a character short names may not hold, a control
	 * byte, a reserved attribute bit, a blank first character. */
	fdir_add(&tests, NULL, "BAD*NAMETXT", 0x20, 0, 0, 0);
	fdir_add(&tests, NULL, "CTRL\x01   TXT", 0x20, 0, 0, 0);
	fdir_add(&tests, NULL, "RSVDATTRTXT", 0xA0, 0, 0, 0);
	fdir_add(&tests, NULL, " BLANK  TXT", 0x20, 0, 0, 0);
	/* Corrupt chains, each checked on open. */
	fdir_file(&root, NULL, "CYCLE   BIN", pattern, 4 * 512, 1);
	fat_set(f, f->next_free - 1, f->next_free - 3);            /* 4th -> 2nd */
	fdir_file(&root, NULL, "PASTEND BIN", pattern, 3 * 512, 1);
	fat_set(f, f->next_free - 2, f->clusters + 5);             /* 2nd -> beyond the last */
	fdir_file(&root, NULL, "SHORT   BIN", pattern, 3 * 512, 1);
	fat_set(f, f->next_free - 2, 0x0FFFFFFF);                  /* ends after 2 of 3 */
	fdir_file(&root, NULL, "FREE    BIN", pattern, 3 * 512, 1);
	fat_set(f, f->next_free - 2, 0);                           /* a free cluster in the chain */
	fdir_file(&root, NULL, "LONGER  BIN", pattern, 3 * 512, 1);
	fdir_add(&root, NULL, "SHRUNK  BIN", 0x20, 0, f->next_free - 3, 512); /* 3 clusters for 512 bytes */
}

static void test_fat32(void)
{
	struct img im;
	struct fatimg f;
	struct blkdev b;
	struct fat_vol v;
	struct fs_file file;
	const char *l;

	build_fat32(&im, &f);
	mem_dev(&b, &im);
	CHECK("fat32_mount", fat_mount(&v, &b) == 0);
	CHECK_U64("fat32_type", v.type, 32);
	CHECK_STR("fat32_label", v.label, "TEST32");
	l = listing(&v, "/");
	CHECK("fat32_root_two_clusters", contains(l, "FILE11.TXT") && contains(l, "tests/"));
	CHECK("fat32_no_label_entry", !contains(l, "PROGS"));
	CHECK("fat32_no_deleted", !contains(l, "ELETED"));
	CHECK("fat32_lfn_four_entries", contains(l, ",A name long enough for four entries.data,"));
	CHECK("fat32_lfn_bad_checksum", contains(l, ",BADSUM.TXT,") && !contains(l, "bad checksum"));
	CHECK("fat32_lfn_non_ascii", contains(l, ",caf?.txt,"));
	CHECK_U64("fat32_root_not_corrupt", listing_corrupt, 0);
	CHECK("fat32_file_contents", file_is(&v, "FILE07.TXT", pattern + 7, 17));
	CHECK("fat32_lfn_file", file_is(&v, "a name long enough for four entries.DATA", pattern, 1500));
	CHECK_STR("fat32_subdir_list", listing(&v, "tests"), "a long file name.txt");
	CHECK_U64("fat32_corrupt_skipped", listing_corrupt, 4);   /* ".", ".." are not */
	CHECK("fat32_corrupt_lookup", fat_lookup(&v, "tests/BAD*NAME.TXT", &file) == -ENOENT);
	CHECK("fat32_subdir_file", file_is(&v, "/tests/a long file name.txt", (const uint8_t *)"long name\n", 10));
	CHECK("fat32_dotdot_root", file_is(&v, "/tests/../FILE00.TXT", pattern, 10));
	CHECK("fat32_cycle", fat_lookup(&v, "CYCLE.BIN", &file) == -EUCLEAN);
	CHECK("fat32_past_end", fat_lookup(&v, "PASTEND.BIN", &file) == -EUCLEAN);
	CHECK("fat32_short_chain", fat_lookup(&v, "SHORT.BIN", &file) == -EUCLEAN);
	CHECK("fat32_free_in_chain", fat_lookup(&v, "FREE.BIN", &file) == -EUCLEAN);
	CHECK("fat32_chain_longer_than_file", fat_lookup(&v, "SHRUNK.BIN", &file) == -EUCLEAN);
	CHECK("fat32_chain_exact", file_is(&v, "LONGER.BIN", pattern, 3 * 512));
	/* A directory whose chain loops on itself. */
	fat_set(&f, 3, 2);
	CHECK("fat32_root_loop", fat_mount(&v, &b) == 0 && fat_lookup(&v, "FILE00.TXT", &file) == -EUCLEAN);
	img_free(&im);
}

/* 4096-byte sectors on the device and in the BPB; a 512-byte BPB there is refused. */
static void test_fat_4k(void)
{
	struct img im;
	struct fatimg f;
	struct fdir root;
	struct blkdev b;
	struct fat_vol v;
	struct fs_file file;
	uint8_t got[5000];

	img_new(&im, 32 << 20, 4096);
	fat_format(&f, &im, 16, 1, 1, 512, 4);
	fdir_root(&f, &root, 0);
	fdir_file(&root, "four k sectors.bin", "FOURKS~1BIN", pattern, 30000, 2);
	mem_dev(&b, &im);
	CHECK("fat4k_mount", fat_mount(&v, &b) == 0 && v.type == 16 && v.cluster_size == 4096);
	CHECK("fat4k_file", file_is(&v, "four k sectors.bin", pattern, 30000));
	CHECK("fat4k_unaligned", fat_lookup(&v, "FOURKS~1.BIN", &file) == 0 &&
	      fs_read(&file, 4000, got, 5000) == 5000 && !memcmp(got, pattern + 4000, 5000));
	put16(&im, 11, 512);
	CHECK("fat4k_small_bpb_sector", fat_mount(&v, &b) == -ENODATA);
	img_free(&im);
}

static void test_bpb(void)
{
	struct img im;
	struct fatimg f;
	struct blkdev b;
	struct fat_vol v;

	img_new(&im, 2880 * 512, 512);
	mem_dev(&b, &im);
	CHECK("fat_bpb_zero", fat_mount(&v, &b) == -ENODATA);
	fat_format(&f, &im, 12, 1, 1, 224, 9);
	CHECK("fat_bpb_good", fat_mount(&v, &b) == 0);
	put16(&im, 11, 300);
	CHECK("fat_bpb_sector_size", fat_mount(&v, &b) == -ENODATA);
	fat_format(&f, &im, 12, 3, 1, 224, 9);
	CHECK("fat_bpb_cluster_pow2", fat_mount(&v, &b) == -ENODATA);
	fat_format(&f, &im, 12, 1, 1, 224, 9);
	put16(&im, 19, 5000);
	CHECK("fat_bpb_larger_than_device", fat_mount(&v, &b) == -ENODATA);
	fat_format(&f, &im, 12, 1, 1, 0, 9);
	CHECK("fat_bpb_fat12_no_root", fat_mount(&v, &b) == -ENODATA);
	fat_format(&f, &im, 12, 1, 1, 224, 9);
	im.d[16] = 0;
	CHECK("fat_bpb_no_fats", fat_mount(&v, &b) == -ENODATA);
	img_free(&im);
}

/* Devices as the kernel sees them: names, partitions, bare names. */
static void test_resolve(void)
{
	static struct img plain, parted;
	static struct blkdev d0, d1;
	struct img inner;
	struct fatimg f;
	struct fs_file file;
	struct blkdev *list[8];
	struct fat_vol *v;

	build_fat12(&plain, &f);
	img_new(&parted, 4 << 20, 512);
	mbr_entry(&parted, 0, 0, 0, 0x01, 2048, 2880);
	inner.d = parted.d + 2048 * 512, inner.size = 2880 * 512, inner.ssize = 512;
	fat_format(&f, &inner, 12, 1, 1, 224, 9);
	{
		struct fdir root;

		fdir_root(&f, &root, 0);
		fdir_file(&root, "only on the partition.txt", "ONLYON~1TXT", (const uint8_t *)"part\n", 5, 1);
	}
	mem_dev(&d0, &plain);
	mem_dev(&d1, &parted);
	CHECK("fs_register", blk_register(&d0) == 0 && blk_register(&d1) == 0 &&
	      blk_add_partition(&d1, 1, 2048, 2880) == 0);
	CHECK("fs_devices_order", fs_devices(list, 8) == 2 && list[0] == &d0 && list[1] == blk_find("disk1p1"));
	CHECK("fs_resolve_dev_path", fs_resolve("disk0:/sub/deep.txt", &file) == 0 && file.size == 700);
	CHECK("fs_resolve_dev_root", fs_resolve("disk0:", &file) == 0 && file.is_root);
	CHECK("fs_resolve_bare", fs_resolve("Only On The Partition.txt", &file) == 0 && file.size == 5);
	CHECK("fs_resolve_bare_first", fs_resolve("README.TXT", &file) == 0 && file.vol->dev == &d0);
	CHECK("fs_resolve_nodev", fs_resolve("disk9:/x", &file) == -ENODEV);
	CHECK("fs_resolve_longdev", fs_resolve("averyveryverylongdevicename:/x", &file) == -ENODEV);
	CHECK("fs_resolve_nofs", fs_resolve("disk1:/x", &file) == -ENODATA);
	CHECK("fs_resolve_notfound", fs_resolve("missing.txt", &file) == -ENOENT);
	CHECK("fs_mount_cached", fs_mount(&d0, &v) == 0 && v->type == 12 && v->dev == &d0);
	CHECK_STR("fs_error_str", fs_error_str(-EUCLEAN), "corrupt file system (bad cluster chain)");
	/* Writes between commands are seen: data, then the boot sector. */
	{
		uint8_t got[16];
		uint32_t c;

		CHECK("fs_resolve_readme", fs_resolve("disk0:/README.TXT", &file) == 0 &&
		      fs_read(&file, 0, got, 16) == 16 && !memcmp(got, "Ingot test disk\n", 16));
		c = file.first_cluster;
		memcpy(plain.d + 512 * (1 + 18 + 14) + (c - 2) * 512, "Changed on disk\n", 16);
		CHECK("fs_sees_new_data", fs_resolve("disk0:/README.TXT", &file) == 0 &&
		      fs_read(&file, 0, got, 16) == 16 && !memcmp(got, "Changed on disk\n", 16));
		memset(plain.d, 0, 512);
		CHECK("fs_sees_new_boot_sector", fs_resolve("disk0:/README.TXT", &file) == -ENODATA);
	}
	/* The images stay: both disks are still registered (test_ram_last). */
}

/* After test_resolve (disk0 without a file system, disk1p1 without
 * README.TXT): the loader's RAM disk, registered before a USB stick as at
 * boot, is looked at last, so the stick's README.TXT is the one found. */
static void test_ram_last(void)
{
	static struct img ram, stick;
	static struct blkdev r0, u0;
	struct blkdev *list[8];
	struct fs_file file;
	struct fatimg f;
	unsigned n;

	build_fat12(&ram, &f);
	build_fat12(&stick, &f);
	mem_dev(&r0, &ram);
	r0.kind = BLK_RAM;
	mem_dev(&u0, &stick);
	u0.kind = BLK_USB;
	CHECK("fs_register_ram_usb", blk_register(&r0) == 0 && blk_register(&u0) == 0);
	n = fs_devices(list, 8);
	CHECK("fs_devices_ram_last", n == 4 && list[2] == &u0 && list[3] == &r0);
	CHECK("fs_resolve_ram_last", fs_resolve("README.TXT", &file) == 0 && file.vol->dev == &u0);
	CHECK("fs_resolve_ram_by_name", fs_resolve("ram0:/README.TXT", &file) == 0 && file.vol->dev == &r0);
	CHECK("fs_devices_short_list", fs_devices(list, 3) == 3 && list[2] == &u0);
	img_free(&ram);
	img_free(&stick);
}

/* FAT32 by the BPB (16-bit FAT size 0) with 19,000-odd clusters, as
 * mkfs.fat -F 32 makes on a small disk: taken as FAT32, and flagged. */
static void test_fat32_few_clusters(void)
{
	struct img im;
	struct fatimg f;
	struct fdir root;
	struct blkdev b;
	struct fat_vol v;

	img_new(&im, 20000ull * 512, 512);
	fat_format(&f, &im, 32, 1, 32, 0, 157);
	fdir_root(&f, &root, 1);
	fdir_file(&root, "small fat32.txt", "SMALLF~1TXT", pattern, 3000, 1);
	mem_dev(&b, &im);
	CHECK("fat32_few_mount", fat_mount(&v, &b) == 0 && v.type == 32 && v.few_clusters);
	CHECK("fat32_few_clusters", v.clusters < 65525 && v.clusters > 19000);
	CHECK("fat32_few_file", file_is(&v, "small fat32.txt", pattern, 3000));
	/* The same with a FAT16 BPB is FAT16, not flagged. */
	img_free(&im);
	img_new(&im, 70000ull * 512, 512);
	fat_format(&f, &im, 32, 1, 32, 0, 540);
	fdir_root(&f, &root, 1);
	mem_dev(&b, &im);
	CHECK("fat32_many_not_flagged", fat_mount(&v, &b) == 0 && v.type == 32 && !v.few_clusters);
	img_free(&im);
}

/* Long names no path can use: listed by their 8.3 names, counted. */
static void test_bad_long_names(void)
{
	struct img im;
	struct fatimg f;
	struct fdir root;
	struct blkdev b;
	struct fat_vol v;
	char name[261];

	img_new(&im, 70000ull * 512, 512);
	fat_format(&f, &im, 32, 1, 32, 0, 540);
	fdir_root(&f, &root, 8);
	memset(name, 'n', 260);
	name[260] = 0;
	fdir_file(&root, name, "NNNNNN~1   ", pattern, 10, 1);
	name[255] = 'x'; /* the same first 255 characters */
	fdir_file(&root, name, "NNNNNN~2   ", pattern + 1, 10, 1);
	name[255] = 0;   /* exactly 255: usable */
	fdir_file(&root, name, "NNNNNN~3   ", pattern + 2, 10, 1);
	fdir_file(&root, "..", "DOTDOT  TXT", pattern + 3, 10, 1);
	fdir_file(&root, "a/b.txt", "AB      TXT", pattern + 4, 10, 1);
	mem_dev(&b, &im);
	CHECK("fat_badname_mount", fat_mount(&v, &b) == 0);
	const char *l = listing(&v, "/");
	CHECK("fat_badname_260_short", contains(l, "NNNNNN~1,NNNNNN~2,"));
	CHECK("fat_badname_255_kept", contains(l, name));
	CHECK("fat_badname_dotdot_short", contains(l, ",DOTDOT.TXT,"));
	CHECK("fat_badname_slash_short", contains(l, ",AB.TXT"));
	CHECK_U64("fat_badname_counted", listing_bad_names, 4);
	CHECK("fat_badname_open_260", file_is(&v, "NNNNNN~2", pattern + 1, 10));
	CHECK("fat_badname_open_255", file_is(&v, name, pattern + 2, 10));
	CHECK("fat_badname_open_dotdot", file_is(&v, "dotdot.txt", pattern + 3, 10));
	CHECK("fat_badname_open_slash", file_is(&v, "AB.TXT", pattern + 4, 10));
	img_free(&im);
}

/* A big file whose chain alternates between the two halves of the FAT
 * (every step a different FAT window): opened after checking only its
 * first clusters, read whole, its tail checked as read; Ctrl-C stops the
 * walks. 40,000 clusters of 512 bytes. */
#define BIG_N 40000u
static void big_chain(struct fatimg *f, uint32_t *order)
{
	for (uint32_t i = 0; i < BIG_N; i++)
		order[i] = 3 + (i % 2 ? BIG_N / 2 + i / 2 : i / 2);
	for (uint32_t i = 0; i < BIG_N; i++) {
		fat_set(f, order[i], i + 1 < BIG_N ? order[i + 1] : fat_eoc(f));
		memcpy(f->im->d + fat_coff(f, order[i]), &i, 4);
	}
}

static int big_read_all(struct fs_file *file, int64_t *last)
{
	static uint8_t got[1 << 20];
	uint64_t off = 0;
	int bad = 0;

	while (off < file->size) {
		int64_t n = fs_read(file, off, got, sizeof(got));

		*last = n;
		if (n <= 0)
			return -1;
		for (int64_t k = 0; k < n; k += 512) {
			uint32_t idx;

			memcpy(&idx, got + k, 4);
			bad += idx != (off + (uint64_t)k) / 512;
		}
		off += (uint64_t)n;
	}
	return bad;
}

static void test_big_chain(void)
{
	static uint32_t order[BIG_N];
	struct img im;
	struct fatimg f;
	struct fdir root;
	struct blkdev b;
	struct fat_vol v;
	struct fs_file file;
	int64_t last = 0;

	img_new(&im, 42000ull * 512, 512);
	fat_format(&f, &im, 32, 1, 32, 0, 330);
	fdir_root(&f, &root, 1);
	big_chain(&f, order);
	fdir_add(&root, "big.bin", "BIG     BIN", 0x20, 0, order[0], BIG_N * 512);
	mem_dev(&b, &im);
	CHECK("fat_big_mount", fat_mount(&v, &b) == 0);
	dev_reads = 0;
	CHECK("fat_big_open", fat_lookup(&v, "big.bin", &file) == 0 && file.clusters == BIG_N && file.check_tail);
	CHECK("fat_big_open_bounded", dev_reads <= 64); /* two FAT regions, 4 KiB windows cached */
	CHECK("fat_big_read", big_read_all(&file, &last) == 0);
	/* Past the part checked at open: a chain going on after the last cluster. */
	fat_set(&f, order[BIG_N - 1], order[5]);
	fat_mount(&v, &b); /* drops the cached FAT, as each command's fs_mount does */
	CHECK("fat_big_tail_open_ok", fat_lookup(&v, "big.bin", &file) == 0);
	CHECK("fat_big_tail_read", big_read_all(&file, &last) < 0 && last == -EUCLEAN);
	/* A loop after the checked part: the walk repeats, the tail check fails. */
	fat_set(&f, order[BIG_N - 1], fat_eoc(&f));
	fat_set(&f, order[30000], order[29000]);
	fat_mount(&v, &b);
	CHECK("fat_big_loop_read", fat_lookup(&v, "big.bin", &file) == 0 && big_read_all(&file, &last) < 0 &&
	      last == -EUCLEAN);
	/* The same loop inside the part checked at open: found there. */
	fat_set(&f, order[30000], order[30001]);
	fat_set(&f, order[3000], order[2000]);
	fat_mount(&v, &b);
	CHECK("fat_big_loop_open", fat_lookup(&v, "big.bin", &file) == -EUCLEAN);
	fat_set(&f, order[3000], order[3001]);
	fat_mount(&v, &b);
	/* Ctrl-C: the check at open and a long read both stop. */
	ctrl_c = 1;
	CHECK("fat_big_ctrl_c_open", fat_lookup(&v, "big.bin", &file) == -ECANCELED);
	ctrl_c = 0;
	CHECK("fat_big_reopen", fat_lookup(&v, "big.bin", &file) == 0);
	ctrl_c = 1;
	{
		static uint8_t got[4 << 20];

		CHECK("fat_big_ctrl_c_read", fs_read(&file, 0, got, sizeof(got)) == -ECANCELED);
	}
	ctrl_c = 0;
	img_free(&im);
}

int main(void)
{
	fill_pattern();
	test_fat12();
	test_fat16();
	test_fat32();
	test_fat_4k();
	test_bpb();
	test_resolve();
	test_ram_last();
	test_fat32_few_clusters();
	test_bad_long_names();
	test_big_chain();
	return unit_exit();
}
