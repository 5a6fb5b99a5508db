/* cmd_fs.c: file commands: part DEV (MBR/GPT tables), ls [DEV[:PATH]], cat
 * FILE, and fs_crc32_file behind `crc32 FILE` (cmd_mem.c). FAT per fatgen103.
 * Exercised by -drive file=build/programs.img,if=none,id=progs -device virtio-blk-pci,drive=progs. */
#include "blkdev.h"
#include "console.h"
#include "crc32.h"
#include "errno.h"
#include "fs.h"
#include "kernel.h"
#include "mm.h"
#include "monitor.h"
#include "part.h"
#include "string.h"

#define CAT_MAX (1 * MiB)       /* cat prints files up to this size */
#define CAT_CHUNK 4096
#define CRC_READ (4 * MiB)      /* bytes per read for crc32 FILE */
#define CRC_STEP (256 * KiB)    /* bytes between Ctrl-C checks */

/* The walks below under the fs lock (fs_path.c): a program's file calls on
 * other cores share the volumes' caches. One call at a time, so output is
 * never printed with the lock held. */
static int fs_mount_locked(struct blkdev *b, struct fat_vol **v)
{
	int err;

	fs_lock_take();
	err = fs_mount(b, v);
	fs_lock_give();
	return err;
}

static int fs_resolve_locked(const char *spec, struct fs_file *f)
{
	int err;

	fs_lock_take();
	err = fs_resolve(spec, f);
	fs_lock_give();
	return err;
}

static int64_t fs_read_locked(struct fs_file *f, uint64_t off, void *buf, uint64_t len)
{
	int64_t n;

	fs_lock_take();
	n = fs_read(f, off, buf, len);
	fs_lock_give();
	return n;
}

static int fs_dir_next_locked(struct fs_dir *d, struct fs_dirent *e)
{
	int r;

	fs_lock_take();
	r = fs_dir_next(d, e);
	fs_lock_give();
	return r;
}

/* "123 B", "4.0 KiB", "50.0 MiB": one decimal above bytes. */
static const char *fs_size_str(uint64_t bytes, char *buf, size_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	uint64_t div = KiB;
	unsigned u = 0;

	if (bytes < KiB) {
		ksnprintf(buf, n, "%llu B", ull(bytes));
		return buf;
	}
	while (u + 1 < ARRAY_SIZE(units) && bytes >= div * KiB)
		div *= KiB, u++;
	ksnprintf(buf, n, "%llu.%llu %s", ull(bytes / div), ull(bytes % div * 10 / div), units[u]);
	return buf;
}

/* ---- part ---- */

static struct part_table part_cmd_table;

static void part_print_header(const struct blkdev *b, const struct part_table *t)
{
	char guid[37];

	kprintf("%s: %s, %llu sectors of %u bytes", b->name, t->scheme == PART_GPT ? "GPT" : "MBR",
		ull(b->sectors), b->sector_size);
	if (t->scheme == PART_GPT) {
		part_guid_str(t->disk_guid, guid);
		kprintf(", disk GUID %s\n", guid);
		kprintf("header at LBA %llu, %u entries, usable LBA %llu-%llu\n", ull(t->header_lba), t->slots,
			ull(t->first_usable), ull(t->last_usable));
	} else {
		kprintf(", disk signature %08x\n", t->mbr_signature);
	}
	if (t->note[0])
		kprintf("warning: %s\n", t->note);
	kprintf("%-10s %12s %12s %10s  %s\n", "PARTITION", "START LBA", "SECTORS", "SIZE", "TYPE");
}

static void part_print_entry(const struct blkdev *b, const struct part_table *t, const struct part_entry *e)
{
	char name[BLK_NAME_MAX + 8], size[24], guid[37];

	ksnprintf(name, sizeof(name), "%sp%u", b->name, e->index);
	kprintf("%-10s %12llu %12llu %10s  ", name, ull(e->first_lba), ull(e->sectors),
		fs_size_str(e->sectors * b->sector_size, size, sizeof(size)));
	if (t->scheme == PART_MBR) {
		const char *tn = part_mbr_type_name(e->mbr_type);

		kprintf("%02x%s%s%s%s\n", e->mbr_type, tn[0] ? " " : "", tn, e->bootable ? ", boot" : "",
			e->container ? " (holds the logical partitions)" : "");
		return;
	}
	part_guid_str(e->type_guid, guid);
	kprintf("%s", part_gpt_type_name(e->type_guid)[0] ? part_gpt_type_name(e->type_guid) : guid);
	if (e->name[0])
		kprintf("  \"%s\"", e->name);
	kprintf("\n");
}

static int cmd_part(int argc, char **argv)
{
	struct part_table *t = &part_cmd_table;
	struct blkdev *b = blk_find(argv[1]);
	int err;

	(void)argc;
	if (!b)
		return cmd_error("part: no device '%s' (see 'disk')", argv[1]);
	err = part_table_read(b, t);
	if (err == -ENODATA)
		return cmd_error("part: %s: %s", b->name, t->note);
	if (err == -EINVAL)
		return cmd_error("part: %s: %u-byte sectors are not supported (512 to 4096)", b->name, b->sector_size);
	if (err)
		return cmd_error("part: %s: %s", b->name, error_str(err));
	if (t->scheme == PART_NONE)
		return cmd_error("part: %s: no partition table", b->name);
	part_print_header(b, t);
	for (unsigned i = 0; i < t->count; i++)
		part_print_entry(b, t, &t->entries[i]);
	if (!t->count)
		kprintf("no partitions\n");
	if (t->truncated)
		kprintf("(only the first %d partitions are shown)\n", PART_MAX);
	return 0;
}

CMD(part, .name = "part", .usage = "part DEV",
    .summary = "MBR or GPT partition table of a disk",
    .help = "Lists each partition: device name, start LBA, sectors, size, type (and GPT name).\n"
	    "A corrupt primary GPT is reported and the backup used.\nexamples:\n  part disk0",
    .min_args = 1, .max_args = 1, .fn = cmd_part);

/* ---- ls ---- */

static const char *fat_type_name(int type)
{
	return type == 12 ? "FAT12" : type == 16 ? "FAT16" : "FAT32";
}

static int ls_all(void)
{
	struct blkdev *devs[BLK_MAX_DEVICES];
	unsigned n = fs_devices(devs, BLK_MAX_DEVICES), found = 0;
	char size[24];

	for (unsigned i = 0; i < n; i++) {
		struct fat_vol *v;
		int err = fs_mount_locked(devs[i], &v);

		if (err == -ENODATA)
			continue;
		if (err) {
			kprintf("error: %s: %s\n", devs[i]->name, fs_error_str(err));
			continue;
		}
		if (!found++)
			kprintf("%-10s %-6s %-12s %10s  %s\n", "DEVICE", "TYPE", "LABEL", "SIZE", "CLUSTER");
		kprintf("%-10s %-6s %-12s %10s  %u\n", devs[i]->name, fat_type_name(v->type),
			v->label[0] ? v->label : "-", fs_size_str(v->total_bytes, size, sizeof(size)), v->cluster_size);
		if (v->few_clusters)
			kprintf("note: %s: FAT32 as its boot sector declares, though %u clusters make FAT16 by the "
				"count rule\n", devs[i]->name, v->clusters);
	}
	if (!found)
		return cmd_error("ls: no FAT file system on any device");
	return 0;
}

/* A FAT date or time that no clock gives (a corrupt entry, or none set)
 * shows as dashes, not as a 31:63 o'clock. */
static void ls_row(const char *name, int is_dir, uint64_t size, uint16_t date, uint16_t time)
{
	unsigned month = (date >> 5) & 15u, day = date & 31u, hour = time >> 11, min = (time >> 5) & 63u;

	if (is_dir)
		kprintf("%12s", "-");
	else
		kprintf("%12llu", ull(size));
	if (month >= 1 && month <= 12 && day >= 1)
		kprintf("  %04u-%02u-%02u", 1980u + (date >> 9), month, day);
	else
		kprintf("  ----------");
	if (hour < 24 && min < 60 && (time & 31u) < 30)
		kprintf(" %02u:%02u", hour, min);
	else
		kprintf(" --:--");
	kprintf("  %s%s\n", name, is_dir ? "/" : "");
}

static int ls_dir(const char *spec, const struct fs_file *dir)
{
	static struct fs_dir d;
	struct fs_dirent e;
	uint64_t files = 0, dirs = 0, bytes = 0;
	int err = fs_dir_open(dir, &d);

	while (!err && (err = fs_dir_next_locked(&d, &e)) == 1) {
		err = 0;
		if (!strcmp(e.name, ".") || !strcmp(e.name, ".."))
			continue;
		if (console_ctrl_c_pending())
			return -ECANCELED;
		ls_row(e.name, e.is_dir, e.size, e.date, e.time);
		if (e.is_dir)
			dirs++;
		else
			files++;
		bytes += e.size;
	}
	if (err)
		return cmd_error("ls: %s: %s", spec, fs_error_str(err));
	kprintf("%llu file%s, %llu director%s, %llu byte%s\n", ull(files), PLURAL(files), ull(dirs),
		dirs == 1 ? "y" : "ies", ull(bytes), PLURAL(bytes));
	if (d.corrupt)
		kprintf("warning: %u corrupt directory entries skipped\n", d.corrupt);
	if (d.bad_names)
		kprintf("warning: %u long names unusable (over 255 characters, '.', '..' or a '/'): 8.3 names shown\n",
			d.bad_names);
	return 0;
}

static int cmd_ls(int argc, char **argv)
{
	static struct fs_file f;
	char spec[BLK_NAME_MAX + 2];
	const char *s = argv[1];
	int err;

	if (argc == 1)
		return ls_all();
	if (!strchr(s, ':') && blk_find(s)) { /* "ls disk0": its root */
		ksnprintf(spec, sizeof(spec), "%s:", s);
		s = spec;
	}
	err = fs_resolve_locked(s, &f);
	if (err)
		return cmd_error("ls: %s: %s", argv[1], fs_error_str(err));
	if (!f.is_dir) {
		ls_row(f.name, 0, f.size, f.date, f.time);
		return 0;
	}
	return ls_dir(argv[1], &f);
}

CMD(ls, .name = "ls", .usage = "ls [DEV[:PATH]]",
    .summary = "list FAT file systems, or a directory: size, date, name",
    .help = "Without an argument: every FAT file system (device, type, label, size).\n"
	    "A bare PATH is looked up on every file system in turn.\n"
	    "examples:\n  ls\n  ls disk0\n  ls disk0p1:/tests\n  ls tests",
    .min_args = 0, .max_args = 1, .fn = cmd_ls);

/* ---- cat ---- */

/* Text as is; other bytes as '.', carriage returns dropped. */
static void cat_write(const uint8_t *in, size_t n)
{
	char out[CAT_CHUNK];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];

		if (c == '\r')
			continue;
		out[k++] = (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t' ? (char)c : '.';
	}
	console_write(out, k);
}

static int cmd_cat(int argc, char **argv)
{
	static struct fs_file f;
	static uint8_t buf[CAT_CHUNK];
	uint64_t off = 0;
	uint8_t last = '\n';
	int err = fs_resolve_locked(argv[1], &f);

	(void)argc;
	if (!err && f.is_dir)
		err = -EISDIR;
	if (err)
		return cmd_error("cat: %s: %s", argv[1], fs_error_str(err));
	if (f.size > CAT_MAX)
		return cmd_error("cat: %s: %llu bytes, more than cat shows (1 MiB); try 'crc32 %s'", argv[1],
				 ull(f.size), argv[1]);
	while (off < f.size) {
		int64_t n = fs_read_locked(&f, off, buf, sizeof(buf));

		if (n <= 0)
			return cmd_error("cat: %s: %s", argv[1], fs_error_str(n ? (int)n : -EIO));
		if (console_ctrl_c_pending())
			return -ECANCELED;
		cat_write(buf, (size_t)n);
		last = buf[n - 1];
		off += (uint64_t)n;
	}
	if (last != '\n')
		kprintf("\n");
	return 0;
}

CMD(cat, .name = "cat", .usage = "cat FILE",
    .summary = "print a text file (up to 1 MiB; other bytes as '.')",
    .help = "FILE is DEV:/PATH or a bare path looked up on every file system.\nCtrl-C stops it.\n"
	    "examples:\n  cat disk0:/README.TXT\n  cat \"tests/a long file name.txt\"",
    .min_args = 1, .max_args = 1, .fn = cmd_cat);

/* ---- crc32 FILE ---- */

static int fs_crc32_chunk(uint32_t *crc, const uint8_t *p, uint64_t n)
{
	for (uint64_t done = 0; done < n; done += CRC_STEP) {
		if (console_ctrl_c_pending())
			return -ECANCELED;
		*crc = crc32_update(*crc, p + done, MIN(CRC_STEP, n - done));
	}
	return 0;
}

int fs_crc32_file(const char *path, uint32_t *crc, uint64_t *size)
{
	static struct fs_file f;
	uint64_t chunk = CRC_READ;
	uint8_t *buf = mm_scratch(chunk);
	int err = fs_resolve_locked(path, &f);

	*crc = 0;
	*size = 0;
	if (!buf)
		buf = mm_scratch(chunk = CRC_STEP);
	if (!err && f.is_dir)
		err = -EISDIR;
	if (!err && !buf)
		err = -ENOMEM;
	while (!err && *size < f.size) {
		int64_t n = fs_read_locked(&f, *size, buf, chunk);

		if (n <= 0)
			return n ? (int)n : -EIO;
		err = fs_crc32_chunk(crc, buf, (uint64_t)n);
		*size += (uint64_t)n;
	}
	return err;
}
