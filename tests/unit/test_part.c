/* test_part.c: host tests of src/part.c on disks built in memory: empty
 * disk, MBR with an EBR chain (and a looping one), a FAT boot sector, GPT
 * with 128 entries, a corrupt primary header or array, 4 KiB sectors, an MBR
 * entry past the end of the disk, a GPT usable area over its backup, a
 * hybrid ISO's GPT read on a CD. */
/* sources: src/part.c src/part_gpt.c src/part_ebr.c src/crc32.c src/block.c src/format.c src/error.c */
#include <stdarg.h>
#include <stdio.h>
#include "blkdev.h"
#include "console.h"
#include "errno.h"
#include "part.h"
#include "unit.h"
#include "fsimg.h"

static char printed[4096];

/* part_scan_all reports through console_report_error: keep the line it
 * makes, formatted as the kernel's does. */
void console_report_error(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(printed);

	n += (size_t)snprintf(printed + n, sizeof(printed) - n, "error: ");
	va_start(ap, fmt);
	n += (size_t)kvsnprintf(printed + n, sizeof(printed) - n, fmt, ap);
	va_end(ap);
	snprintf(printed + n, sizeof(printed) - n, "\n");
}

static int reads;

static int img_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct img *im = ctx;

	reads++;
	if ((lba + count) * im->ssize > im->size)
		return -EINVAL;
	memcpy(buf, im->d + lba * im->ssize, (size_t)count * im->ssize);
	return 0;
}

static int parse(struct img *im, struct part_table *t)
{
	return part_parse(img_read, im, im->ssize, im->size / im->ssize, t);
}

static struct part_table t;

static void test_empty(void)
{
	struct img im;

	img_new(&im, 1 << 20, 512);
	CHECK("part_empty_ok", parse(&im, &t) == 0);
	CHECK("part_empty_none", t.scheme == PART_NONE && t.count == 0 && !t.note[0]);
	CHECK("part_bad_sector_size", part_parse(img_read, &im, 100, 2048, &t) == -EINVAL);
	img_free(&im);
}

/* Primaries 1 (FAT32 LBA) and 2 (extended), three logicals in a chain. */
static void build_mbr(struct img *im)
{
	img_new(im, 64 << 20, 512);
	mbr_entry(im, 0, 0, 0x80, 0x0C, 2048, 8192);
	mbr_entry(im, 0, 1, 0, 0x0F, 20480, 40960);
	mbr_entry(im, 20480, 0, 0, 0x83, 2048, 4096);
	mbr_entry(im, 20480, 1, 0, 0x05, 8192, 8192);
	mbr_entry(im, 28672, 0, 0, 0x06, 63, 1000);
	mbr_entry(im, 28672, 1, 0, 0x05, 16384, 100);
	mbr_entry(im, 36864, 0, 0, 0x07, 1, 99);
}

static void test_mbr(void)
{
	struct img im;

	build_mbr(&im);
	CHECK("part_mbr_ok", parse(&im, &t) == 0 && t.scheme == PART_MBR);
	CHECK_U64("part_mbr_count", t.count, 5);
	CHECK("part_mbr_p1", t.entries[0].index == 1 && t.entries[0].first_lba == 2048 &&
	      t.entries[0].sectors == 8192 && t.entries[0].mbr_type == 0x0C && t.entries[0].bootable);
	CHECK("part_mbr_ext_container", t.entries[1].index == 2 && t.entries[1].container);
	CHECK("part_mbr_logical5", t.entries[2].index == 5 && t.entries[2].first_lba == 22528 &&
	      t.entries[2].sectors == 4096 && t.entries[2].mbr_type == 0x83);
	CHECK("part_mbr_logical6", t.entries[3].index == 6 && t.entries[3].first_lba == 28735 &&
	      t.entries[3].sectors == 1000);
	CHECK("part_mbr_logical7", t.entries[4].index == 7 && t.entries[4].first_lba == 36865 &&
	      t.entries[4].sectors == 99);
	CHECK("part_mbr_no_note", !t.note[0]);
	/* The last EBR links back to the first: a loop, reported, no hang. */
	mbr_entry(&im, 36864, 1, 0, 0x05, 8192, 1);
	CHECK("part_mbr_loop_ok", parse(&im, &t) == 0);
	CHECK("part_mbr_loop_note", contains(t.note, "loops"));
	CHECK("part_mbr_loop_bounded", t.count <= 5);
	/* A logical partition reaching outside the extended partition. */
	img_free(&im);
	build_mbr(&im);
	mbr_entry(&im, 28672, 0, 0, 0x06, 63, 100000);
	CHECK("part_mbr_outside_note", parse(&im, &t) == 0 && contains(t.note, "outside") && t.count == 4);
	img_free(&im);
}

static void test_mbr_names(void)
{
	CHECK_STR("part_type_0c", part_mbr_type_name(0x0C), "FAT32 LBA");
	CHECK_STR("part_type_83", part_mbr_type_name(0x83), "Linux");
	CHECK_STR("part_type_unknown", part_mbr_type_name(0x42), "");
}

/* A FAT boot sector (as mformat writes it, with a bogus entry starting at
 * LBA 0) is no partition table. */
static void test_vbr(void)
{
	struct img im;
	struct fatimg f;

	img_new(&im, 4 << 20, 512);
	fat_format(&f, &im, 16, 4, 1, 512, 32);
	mbr_entry(&im, 0, 0, 0x80, 0x0C, 0, 8192);
	CHECK("part_vbr_none", parse(&im, &t) == 0 && t.scheme == PART_NONE && !t.note[0]);
	im.d[446 + 4] = 0xEE; /* boot code that looks protective */
	CHECK("part_vbr_ee_none", parse(&im, &t) == 0 && t.scheme == PART_NONE && !t.note[0]);
	img_free(&im);
}

static const struct gpt_part gparts[] = {
	{ 0, GUID_EFI, 2048, 4095, "EFI system" },
	{ 1, GUID_MSDATA, 4096, 8191, "data" },
	{ 4, GUID_LINUX, 8192, 10239, "root" },
	{ 127, GUID_LINUX, 10240, 10240, "last slot" },
};

static void test_gpt(void)
{
	struct img im;
	char g[37];

	img_new(&im, 8 << 20, 512);
	gpt_build(&im, 128, 128, gparts, 4);
	CHECK("part_gpt_ok", parse(&im, &t) == 0 && t.scheme == PART_GPT && !t.used_backup);
	CHECK_U64("part_gpt_count", t.count, 4);
	CHECK_U64("part_gpt_slots", t.slots, 128);
	CHECK("part_gpt_p1", t.entries[0].index == 1 && t.entries[0].first_lba == 2048 && t.entries[0].sectors == 2048);
	CHECK("part_gpt_p5", t.entries[2].index == 5 && t.entries[2].first_lba == 8192);
	CHECK("part_gpt_p128", t.entries[3].index == 128 && t.entries[3].sectors == 1);
	CHECK_STR("part_gpt_name", t.entries[0].name, "EFI system");
	CHECK_STR("part_gpt_type_efi", part_gpt_type_name(t.entries[0].type_guid), "EFI System");
	CHECK_STR("part_gpt_type_ms", part_gpt_type_name(t.entries[1].type_guid), "Microsoft basic data");
	CHECK_STR("part_gpt_type_linux", part_gpt_type_name(t.entries[2].type_guid), "Linux filesystem");
	part_guid_str(GUID_EFI, g);
	CHECK_STR("part_guid_str", g, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
	part_guid_str(t.disk_guid, g);
	CHECK_STR("part_gpt_disk_guid", g, "13121110-1514-1716-1819-1A1B1C1D1E1F");
	CHECK("part_gpt_no_note", !t.note[0]);

	/* Corrupt primary header: the backup at the last LBA is used. */
	im.d[512 + 40] ^= 1;
	CHECK("part_gpt_backup_ok", parse(&im, &t) == 0 && t.scheme == PART_GPT && t.used_backup);
	CHECK_U64("part_gpt_backup_lba", t.header_lba, 16383);
	CHECK("part_gpt_backup_count", t.count == 4 && t.entries[2].index == 5);
	CHECK("part_gpt_backup_note", contains(t.note, "bad header CRC") && contains(t.note, "backup"));
	im.d[512 + 40] ^= 1;

	/* Corrupt primary entry array: its CRC no longer matches. */
	im.d[2 * 512 + 200] ^= 0x40;
	CHECK("part_gpt_array_backup", parse(&im, &t) == 0 && t.used_backup && t.count == 4);
	CHECK("part_gpt_array_note", contains(t.note, "entry array CRC"));
	/* Both copies bad: an error, nothing registered. */
	im.d[(16383 - 32) * 512ull + 200] ^= 0x40;
	CHECK("part_gpt_both_bad", parse(&im, &t) == -ENODATA && t.count == 0 && contains(t.note, "corrupt"));
	img_free(&im);
}

static void test_gpt_more(void)
{
	struct img im;
	struct gpt_part bad = { 2, GUID_LINUX, 1, 100, "too low" };

	/* 4 KiB sectors: header at LBA 1 of 4096 bytes, array of 4 sectors. */
	img_new(&im, 64 << 20, 4096);
	gpt_build(&im, 128, 128, gparts, 3);
	CHECK("part_gpt4k_ok", parse(&im, &t) == 0 && t.scheme == PART_GPT && t.count == 3);
	img_free(&im);
	/* An entry below the first usable LBA is skipped with a note. */
	img_new(&im, 8 << 20, 512);
	gpt_build(&im, 128, 128, &bad, 1);
	CHECK("part_gpt_outside", parse(&im, &t) == 0 && t.count == 0 && contains(t.note, "entry 3"));
	/* 256-byte entries, 64 of them. */
	gpt_build(&im, 64, 256, gparts, 3);
	CHECK("part_gpt_esize256", parse(&im, &t) == 0 && t.count == 3 && t.entries[2].index == 5);
	/* An absurd entry size is refused (primary), the backup too: error. */
	put32(&im, 512 + 84, 100);
	put32(&im, 512 + 16, 0);
	put32(&im, 512 + 16, crc32_update(0, im.d + 512, 92));
	CHECK("part_gpt_bad_esize_backup", parse(&im, &t) == 0 && t.used_backup);
	img_free(&im);
}

/* One MBR entry runs past the end: the others are kept, it is named. */
static void test_mbr_past_end(void)
{
	struct img im;

	img_new(&im, 8 << 20, 512); /* 16384 sectors */
	mbr_entry(&im, 0, 0, 0x80, 0x0C, 2048, 4096);
	mbr_entry(&im, 0, 1, 0, 0x83, 8192, 100000);
	mbr_entry(&im, 0, 2, 0, 0x83, 6144, 2048);
	CHECK("part_mbr_past_end_kept", parse(&im, &t) == 0 && t.scheme == PART_MBR && t.count == 2 &&
	      t.entries[0].index == 1 && t.entries[1].index == 3 && t.entries[1].first_lba == 6144);
	CHECK_STR("part_mbr_past_end_note", t.note,
		  "MBR partition 2 (LBA 8192, 100000 sectors) lies outside the disk's 16384 sectors; left out");
	/* Every entry off the disk: no table, as before. */
	memset(im.d, 0, 512);
	mbr_entry(&im, 0, 0, 0, 0x83, 20000, 10);
	CHECK("part_mbr_all_past_end", parse(&im, &t) == 0 && t.scheme == PART_NONE && t.count == 0);
	img_free(&im);
}

/* A primary GPT whose last usable LBA is the disk's last sector: clamped
 * below the backup's entries; a partition reaching into them is dropped. */
static void test_gpt_clamp(void)
{
	struct img im;
	const struct gpt_part parts[2] = { { 0, GUID_LINUX, 34, 9999, "first" },
					   { 1, GUID_LINUX, 10000, 16383, "over the backup" } };
	uint64_t last = 16383;

	img_new(&im, 8 << 20, 512);
	gpt_build(&im, 128, 128, parts, 2);
	put64(&im, 512 + 48, last);
	put32(&im, 512 + 16, 0);
	put32(&im, 512 + 16, crc32_update(0, im.d + 512, 92));
	CHECK("part_gpt_clamp_ok", parse(&im, &t) == 0 && t.scheme == PART_GPT && !t.used_backup);
	CHECK_U64("part_gpt_clamp_last", t.last_usable, last - 32 - 1);
	CHECK_STR("part_gpt_clamp_note", t.note,
		  "GPT last usable LBA 16383 covers the backup header at LBA 16383 and its entries; clamped to 16350");
	CHECK("part_gpt_clamp_entries", t.count == 1 && t.entries[0].first_lba == 34);
	/* The header as written by the builder: nothing to say. */
	gpt_build(&im, 128, 128, parts, 1);
	CHECK("part_gpt_no_clamp", parse(&im, &t) == 0 && t.last_usable == last - 33 && !t.note[0]);
	img_free(&im);
}

/* A hybrid ISO's GPT (byte 512) read on a CD's 2048-byte sectors. */
static void test_gpt_hybrid_cd(void)
{
	struct img im;
	int err;

	img_new(&im, 8 << 20, 512);
	gpt_build(&im, 128, 128, gparts, 2);
	im.ssize = 2048;
	err = parse(&im, &t);
	CHECK("part_gpt_cd_none", t.count == 0 && t.scheme != PART_GPT);
	CHECK_STR("part_gpt_cd_note", t.note,
		  "GPT made for 512-byte sectors (a hybrid ISO image), not for this device's 2048-byte ones: "
		  "not used");
	CHECK("part_gpt_cd_err", err == -ENODATA || err == 0);
	img_free(&im);
}

static struct img scan_img;

static int mem_blk_read(struct blkdev *b, uint64_t lba, uint32_t count, void *buf)
{
	return img_read(b->priv, lba, count, buf);
}

static void test_scan(void)
{
	static struct blkdev disk, disk2;

	build_mbr(&scan_img);
	disk.kind = BLK_DISK, disk.driver = "mem", disk.sector_size = 512;
	disk.sectors = scan_img.size / 512, disk.read = mem_blk_read, disk.priv = &scan_img;
	CHECK("part_scan_register", blk_register(&disk) == 0);
	disk2 = disk;
	disk2.priv = &scan_img;
	CHECK("part_scan_register2", blk_register(&disk2) == 0);
	CHECK_U64("part_scan_count", part_scan(&disk), 4);
	CHECK("part_scan_names", blk_find("disk0p1") && blk_find("disk0p5") && blk_find("disk0p7") &&
	      !blk_find("disk0p2"));
	CHECK("part_scan_p5_range", blk_find("disk0p5")->first_lba == 22528 && blk_find("disk0p5")->sectors == 4096);
	CHECK("part_scan_again", part_scan(&disk) == -EEXIST);
	/* disk1 gets a corrupt GPT primary: part_scan_all says so in one line. */
	img_free(&scan_img);
	img_new(&scan_img, 8 << 20, 512);
	gpt_build(&scan_img, 128, 128, gparts, 2);
	scan_img.d[512] = 'X';
	disk2.sectors = scan_img.size / 512;
	printed[0] = 0;
	part_scan_all();
	CHECK("part_scan_all_line", !strncmp(printed, "error: disk1: primary GPT is corrupt", 36) &&
	      strchr(printed, '\n') == printed + strlen(printed) - 1);
	CHECK("part_scan_all_registered", blk_find("disk1p1") && blk_find("disk1p2"));
	img_free(&scan_img);
}

int main(void)
{
	test_empty();
	test_mbr();
	test_mbr_names();
	test_vbr();
	test_gpt();
	test_gpt_more();
	test_mbr_past_end();
	test_gpt_clamp();
	test_gpt_hybrid_cd();
	test_scan();
	return unit_exit();
}
