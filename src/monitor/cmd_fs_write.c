/* cmd_fs_write.c: file commands that write FAT volumes: cp (disk to disk, or
 * tftp:NAME to disk), rm, mkdir, rmdir, mv and save ADDR LEN FILE, through the
 * path interface of include/fs.h (src/fs_path.c). FAT per fatgen103.
 * Exercised by -drive file=fat.img,if=none,id=d -device virtio-blk-pci,drive=d (tests/expect/fatwrite.exp). */
#include "console.h"
#include "errno.h"
#include "fs.h"
#include "ip.h"
#include "kernel.h"
#include "mm.h"
#include "monitor.h"
#include "string.h"
#include "timer.h"

OPTIONAL(ip_tftp_get);

#define CP_CHUNK (32 * MiB)     /* bytes per read and write: large requests, few flushes */
#define CP_MID_CHUNK (4 * MiB)
#define CP_MIN_CHUNK (64 * KiB)
#define TFTP_MAX (64 * MiB)     /* a tftp: source is fetched whole first */
#define SPEC_MAX 1024

/* The error line for a write refused or failed: what keeps a volume
 * read-only, when that is why. */
static int fsw_error(const char *cmd, const char *spec, int err)
{
	char why[96] = "";

	if (err == -EROFS || err == -EUCLEAN)
		fs_write_check(spec, why, sizeof(why));
	if (err == -EUCLEAN && why[0])
		return cmd_error("%s: %s: the volume is kept read-only: %s", cmd, spec, why);
	if (err == -EROFS)
		return cmd_error("%s: %s: read-only%s%s", cmd, spec, why[0] ? ": " : "", why);
	if (err == -EINVAL)
		return cmd_error("%s: %s: forbidden name (\"*/:<>?\\| or a control character, or . or ..)", cmd, spec);
	if (err == -ENAMETOOLONG)
		return cmd_error("%s: %s: name longer than 255 characters", cmd, spec);
	if (err == -ENOTEMPTY)
		return cmd_error("%s: %s: directory not empty", cmd, spec);
	if (err == -ENOSPC)
		return cmd_error("%s: %s: no space left on the device", cmd, spec);
	if (err == -EEXIST)
		return cmd_error("%s: %s: already exists", cmd, spec);
	return cmd_error("%s: %s: %s", cmd, spec, fs_error_str(err));
}

/* The last component of a path ("disk0:/a/b.txt" -> "b.txt", "tftp:x" -> "x"). */
static const char *fsw_basename(const char *path)
{
	const char *s = path;
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (size_t i = 0; i < n; i++)
		if ((path[i] == '/' || path[i] == ':') && i + 1 < n)
			s = path + i + 1;
	return s;
}

/* "DEV:", "DEV:/", "/": a volume's root directory. */
static int fsw_is_root(const char *spec)
{
	const char *p = strchr(spec, ':');

	for (p = p ? p + 1 : spec; *p == '/'; p++)
		;
	return !*p;
}

/* An existing directory (or a device's root "DEV:") as DST: DST/NAME. */
static int fsw_target(const char *dst, const char *src, char *out)
{
	size_t n = strlen(dst);
	int dir = fs_file_size(dst) == -EISDIR || (n && dst[n - 1] == ':');

	if (!dir) {
		if (n >= SPEC_MAX)
			return -ENAMETOOLONG;
		memcpy(out, dst, n + 1);
		return 0;
	}
	{
		const char *base = fsw_basename(src);
		size_t bl = strlen(base);

		while (bl && base[bl - 1] == '/')
			bl--;
		if (n + bl + 2 > SPEC_MAX)
			return -ENAMETOOLONG;
		ksnprintf(out, SPEC_MAX, "%s%s%.*s", dst, n && (dst[n - 1] == '/' || dst[n - 1] == ':') ? "" : "/",
			  (int)bl, base);
	}
	return 0;
}

static void fsw_rate(uint64_t bytes, uint64_t ns)
{
	uint64_t ms = ns / 1000000;

	kprintf("%llu byte%s in %llu.%03llu s", ull(bytes), PLURAL(bytes), ull(ms / 1000), ull(ms % 1000));
	if (ns) {
		uint64_t r = bytes * 10000 / ns; /* tenths of MB/s */

		kprintf(" (%llu.%llu MB/s)", ull(r / 10), ull(r % 10));
	}
	kprintf("\n");
}

/* ---- cp ---- */

/* A fresh destination: its old bytes gone (a new one is made by the first write). */
static int cp_clear(const char *cmd, const char *dst)
{
	char why[96];
	int err = fs_write_check(dst, why, sizeof(why));

	if (!err) {
		err = fs_file_truncate(dst, 0);
		if (err == -ENOENT)
			err = 0;
	}
	return err ? fsw_error(cmd, dst, err) : 0;
}

static int cp_fail(const char *cmd, const char *dst, int err)
{
	fsw_error(cmd, dst, err);
	if (err != -ECANCELED && fs_remove(dst) == 0)
		kprintf("(the partial %s was removed)\n", dst);
	else
		fs_file_sync(dst); /* cp's pieces went without a device flush */
	return CMD_REPORTED;
}

static int cp_from_tftp(const char *file, const char *dst)
{
	char why[128] = "this kernel has no TFTP";
	uint64_t cap = TFTP_MAX, t0 = timer_ns();
	uint8_t *buf = mm_scratch(cap);
	size_t n = 0;
	int64_t w;
	int err;

	if (!buf)
		buf = mm_scratch(cap = 8 * MiB);
	if (!buf)
		return cmd_error("cp: no free memory to fetch tftp:%s into", file);
	err = ip_tftp_get ? ip_tftp_get(file, buf, cap, &n, why, sizeof(why)) : -ENOSYS;
	if (err == -ECANCELED)
		return err;
	if (err)
		return cmd_error("cp: tftp:%s: %s", file, why);
	if (cp_clear("cp", dst))
		return CMD_REPORTED;
	w = fs_file_write(dst, 0, buf, n);
	if (w < 0)
		return cp_fail("cp", dst, (int)w);
	kprintf("%s: ", dst);
	fsw_rate(n, timer_ns() - t0);
	return 0;
}

/* The next piece of src: in place when it lies on a RAM disk in a run of
 * at least CP_MIN_CHUNK (or its rest), which saves a copy as big as the
 * file; else read into buf. *from: where it is. */
static int64_t cp_piece(const char *src, uint64_t off, uint64_t want, uint8_t *buf, const void **from)
{
	int64_t n = fs_file_map(src, off, want, from);

	if (n > 0 && ((uint64_t)n >= CP_MIN_CHUNK || (uint64_t)n == want))
		return n;
	*from = buf;
	return fs_file_read(src, off, buf, want);
}

static int cp_files(const char *src, const char *dst)
{
	uint64_t chunk = CP_CHUNK, off = 0, t0 = timer_ns();
	uint8_t *buf = mm_scratch(chunk);
	int64_t size = fs_file_size(src);
	int err;

	if (!buf)
		buf = mm_scratch(chunk = CP_MID_CHUNK);
	if (!buf)
		buf = mm_scratch(chunk = CP_MIN_CHUNK);
	if (size < 0)
		return cmd_error("cp: %s: %s", src, fs_error_str((int)size));
	if (!buf)
		return cmd_error("cp: no free memory for a buffer");
	if (cp_clear("cp", dst))
		return CMD_REPORTED;
	do {
		uint64_t want = MIN(chunk, (uint64_t)size - off);
		const void *from = NULL;
		int64_t n = cp_piece(src, off, want, buf, &from), w;

		if (n < 0)
			return cp_fail("cp", dst, (int)n);
		w = fs_file_write_part(dst, off, from, (uint64_t)n);
		if (w < 0)
			return cp_fail("cp", dst, (int)w);
		if (console_ctrl_c_pending()) {
			fs_file_sync(dst); /* what was written stays, complete on the device */
			return -ECANCELED;
		}
		off += (uint64_t)n;
		if (!n)
			break;
	} while (off < (uint64_t)size);
	err = fs_file_sync(dst); /* once for the whole copy */
	if (err)
		return cp_fail("cp", dst, err);
	kprintf("%s: ", dst);
	fsw_rate(off, timer_ns() - t0);
	return 0;
}

static int cmd_cp(int argc, char **argv)
{
	static char dst[SPEC_MAX];
	int is_tftp = !strncmp(argv[1], "tftp:", 5);
	int err;

	(void)argc;
	if (!is_tftp && fs_file_size(argv[1]) == -EISDIR)
		return cmd_error("cp: %s: is a directory (cp copies files)", argv[1]);
	err = fsw_target(argv[2], argv[1], dst);
	if (err)
		return fsw_error("cp", argv[2], err);
	if (!strcmp(argv[1], dst) || (!is_tftp && fs_same_file(argv[1], dst)))
		return cmd_error("cp: %s and %s are the same file", argv[1], dst);
	return is_tftp ? cp_from_tftp(argv[1] + 5, dst) : cp_files(argv[1], dst);
}

CMD(cp, .name = "cp", .usage = "cp SRC DST",
    .summary = "copy a file between any FAT devices, or from tftp:NAME",
    .help = "SRC is DEV:/PATH, a bare path, or tftp:NAME (from the TFTP server, as\n"
	    "'load tftp:NAME'). DST may be an existing directory (or DEV:): the file keeps\n"
	    "its name there. An existing DST is overwritten. Prints the bytes and the rate.\n"
	    "A copy that fills the disk stops with an error and its partial file is removed.\n"
	    "examples:\n  cp disk0:/hello.elf disk1:/\n  cp ram0:/primes.elf \"disk0:/my programs/primes.elf\"\n"
	    "  cp tftp:hello.elf disk0:/",
    .min_args = 2, .max_args = 2, .fn = cmd_cp);

/* ---- rm, rmdir, mkdir, mv ---- */

static int cmd_rm(int argc, char **argv)
{
	int err = fs_file_size(argv[1]) == -EISDIR ? -EISDIR : 0;

	(void)argc;
	if (err)
		return cmd_error("rm: %s: is a directory (use rmdir)", argv[1]);
	err = fs_remove(argv[1]);
	return err ? fsw_error("rm", argv[1], err) : 0;
}

CMD(rm, .name = "rm", .usage = "rm FILE",
    .summary = "remove a file from a FAT volume",
    .help = "The directory entry goes first, then the file's clusters are freed.\n"
	    "examples:\n  rm disk0:/old.txt\n  rm \"disk1:/a long name.bin\"",
    .min_args = 1, .max_args = 1, .fn = cmd_rm);

static int cmd_rmdir(int argc, char **argv)
{
	int64_t s = fs_file_size(argv[1]);
	int err;

	(void)argc;
	if (s >= 0)
		return cmd_error("rmdir: %s: not a directory (use rm)", argv[1]);
	if (s != -EISDIR)
		return fsw_error("rmdir", argv[1], (int)s);
	if (fsw_is_root(argv[1]))
		return cmd_error("rmdir: %s: a root directory stays", argv[1]);
	err = fs_remove(argv[1]);
	return err ? fsw_error("rmdir", argv[1], err) : 0;
}

CMD(rmdir, .name = "rmdir", .usage = "rmdir DIR",
    .summary = "remove an empty directory",
    .help = "examples:\n  rmdir disk0:/old\n  rmdir \"disk1:/My Files\"",
    .min_args = 1, .max_args = 1, .fn = cmd_rmdir);

static int cmd_mkdir(int argc, char **argv)
{
	int err = fs_mkdir(argv[1]);

	(void)argc;
	return err ? fsw_error("mkdir", argv[1], err) : 0;
}

CMD(mkdir, .name = "mkdir", .usage = "mkdir DIR",
    .summary = "make a directory on a FAT volume (long names welcome)",
    .help = "The parent must exist. A bare path goes on the first writable FAT device.\n"
	    "examples:\n  mkdir disk0:/logs\n  mkdir \"disk1:/My Files\"",
    .min_args = 1, .max_args = 1, .fn = cmd_mkdir);

static int cmd_mv(int argc, char **argv)
{
	static char dst[SPEC_MAX];
	int err;

	(void)argc;
	err = fsw_target(argv[2], argv[1], dst);
	if (!err)
		err = fs_rename(argv[1], dst);
	if (err == -EXDEV)
		return cmd_error("mv: %s and %s are on different volumes (use cp, then rm)", argv[1], dst);
	if (err == -ENOENT && fs_file_size(argv[1]) == -ENOENT)
		return cmd_error("mv: %s: not found", argv[1]);
	if (err == -EINVAL && fs_file_size(argv[1]) == -EISDIR)
		return cmd_error("mv: %s: cannot move a directory into itself (%s)", argv[1], dst);
	return err ? fsw_error("mv", dst, err) : 0;
}

CMD(mv, .name = "mv", .usage = "mv SRC DST",
    .summary = "rename or move a file or directory within a FAT volume",
    .help = "DST may be an existing directory: SRC keeps its name there. An existing\n"
	    "file DST is replaced. Across volumes, use cp and rm.\n"
	    "examples:\n  mv disk0:/a.txt disk0:/b.txt\n  mv disk0:/a.txt disk0:/logs\n"
	    "  mv \"disk0:/old name\" \"disk0:/new long name\"",
    .min_args = 2, .max_args = 2, .fn = cmd_mv);

/* ---- save ---- */

static int cmd_save(int argc, char **argv)
{
	uint64_t addr, len, bad = 0, t0;
	int64_t w;
	int err;

	(void)argc;
	if (cmd_arg_u64("save", argv[1], "address", 1, &addr) || cmd_arg_u64("save", argv[2], "length", 0, &len))
		return CMD_REPORTED;
	if (!vm_canonical(addr))
		return cmd_error("save: address %llx is not canonical", ull(addr));
	if (len && addr + (len - 1) < addr)
		return cmd_error("save: %llx+%llu wraps past the end of the address space", ull(addr), ull(len));
	if (len > 0xFFFFFFFFull)
		return cmd_error("save: %llu bytes: a FAT file holds at most 4 GiB - 1", ull(len));
	err = vm_check_range(addr, len, 0, &bad);
	if (err)
		return cmd_error("save: address %llx is not mapped", ull(bad));
	if (cp_clear("save", argv[3]))
		return CMD_REPORTED;
	t0 = timer_ns();
	w = fs_file_write(argv[3], 0, (const void *)addr, len);
	if (w < 0)
		return cp_fail("save", argv[3], (int)w);
	kprintf("%s: ", argv[3]);
	fsw_rate(len, timer_ns() - t0);
	return 0;
}

CMD(save, .name = "save", .usage = "save ADDR LEN FILE",
    .summary = "write LEN bytes of memory from ADDR (hex) to a file",
    .help = "The whole range must be mapped. An existing FILE is overwritten.\n"
	    "examples:\n  save 100000 4096 disk0:/kernel-start.bin\n  save 0xb8000 4000 disk0:/screen.bin",
    .min_args = 3, .max_args = 3, .fn = cmd_save);
