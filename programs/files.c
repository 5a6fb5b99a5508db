/* files.c: the file calls of API version 2 (docs/programs.md), checked.
 *   check RW RO   on the FAT volume of device RW: write, extend with a gap,
 *                 overwrite, read back, size, list, remove, on every core
 *                 at once (a file each), the error codes (a missing file, a
 *                 directory, a bad buffer, the read-only device RO); leaves
 *                 RW:/keep.bin (256 KiB + 100 bytes: byte i is i*7+1 mod
 *                 251, zeros from 128 KiB to 256 KiB): "files: N checks, 0 wrong"
 *   stop DEV      every core writes 64 KiB pieces to DEV:/loopN.bin, its
 *                 own, round and round, until Ctrl-C: the stop finds cores
 *                 in the file system and cores waiting for their turn
 *   speed MIB PATH  writes MIB MiB to PATH in one file_write, then reads it
 *                 back in one file_read and checks it; MB/s of each
 *   read PATH     reads the file PATH in one file_read: its MB/s and CRC-32
 *                 (computed after the timing)
 *   raw MIB DEV   the device's own rate to compare with: MIB MiB written
 *                 with one blk_write from sector 0 (what DEV held is lost)
 * Run: exec files.elf check disk0 disk1 */
#include "ingot.h"

#define WAIT_NS (300 * 1000000000ull)
#define CORE_BYTES (40 * 1024 + 7)

static unsigned checks, wrong;
static char rw[16], ro[16];

static void expect_code(const char *what, long got, long want)
{
	__atomic_fetch_add(&checks, 1, __ATOMIC_RELAXED);
	if (got == want)
		return;
	__atomic_fetch_add(&wrong, 1, __ATOMIC_RELAXED);
	ingot_printf("files: %s returned %ld, expected %ld\n", what, got, want);
}

static uint8_t pattern(uint64_t i) { return (uint8_t)((i * 7 + 1) % 251); }

static void path(char *out, size_t n, const char *dev, const char *name)
{
	ingot_snprintf(out, n, "%s:/%s", dev, name);
}

/* The bytes [from, to) of buf hold the pattern (zero: zeros). */
static int holds(const uint8_t *buf, uint64_t base, uint64_t from, uint64_t to, int zero)
{
	for (uint64_t i = from; i < to; i++)
		if (buf[i - base] != (zero ? 0 : pattern(i)))
			return 0;
	return 1;
}

/* keep.bin: written in three calls (start, a piece past a gap, an overwrite). */
static void check_write_read(uint8_t *buf)
{
	char p[64];

	path(p, sizeof(p), rw, "keep.bin");
	ingot_file_remove(p);
	expect_code("file_size(keep.bin, before)", ingot_file_size(p), -INGOT_ENOENT);
	for (uint64_t i = 0; i < 262244; i++)
		buf[i] = pattern(i);
	expect_code("file_write(keep.bin, 0, 100000)", ingot_file_write(p, 0, buf, 100000), 100000);
	expect_code("file_size(keep.bin)", ingot_file_size(p), 100000);
	expect_code("file_write(past a gap)", ingot_file_write(p, 262144, buf + 262144, 100), 100);
	expect_code("file_size(after the gap)", ingot_file_size(p), 262244);
	expect_code("file_write(overwrite)", ingot_file_write(p, 100000, buf + 100000, 31072), 31072);
	expect_code("file_size(overwritten)", ingot_file_size(p), 262244);
	memset(buf, 0xee, 262244 + 64);
	expect_code("file_read(whole)", ingot_file_read(p, 0, buf, 300000), 262244);
	expect_code("keep.bin written part", holds(buf, 0, 0, 131072, 0), 1);
	expect_code("keep.bin gap is zeros", holds(buf, 0, 131072, 262144, 1), 1);
	expect_code("keep.bin tail", holds(buf, 0, 262144, 262244, 0), 1);
	expect_code("file_read(middle, odd)", ingot_file_read(p, 4097, buf + 1, 5000), 5000);
	expect_code("file_read middle bytes", holds(buf + 1, 4097, 4097, 9097, 0), 1);
	expect_code("file_read(at the end)", ingot_file_read(p, 262244, buf, 10), 0);
	expect_code("file_read(past the end)", ingot_file_read(p, 1000000, buf, 10), 0);
	expect_code("file_read(last 4)", ingot_file_read(p, 262240, buf, 10), 4);
	expect_code("file_read(0 bytes)", ingot_file_read(p, 0, buf, 0), 0);
}

/* Names as FAT compares them: without regard to case. */
static int same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a | 0x20) != (*b | 0x20))
			return 0;
	return *a == *b;
}

static void check_list(void)
{
	struct ingot_dirent e;
	char dir[32];
	int found = 0, r;
	uint64_t i;

	path(dir, sizeof(dir), rw, "");
	for (i = 0; (r = ingot_file_list(dir, i, &e)) == 1 && i < 10000; i++)
		if (same_name(e.name, "keep.bin"))
			found += e.size == 262244 && !e.is_dir ? 1 : -100;
		else if (same_name(e.name, "sub"))
			found += e.is_dir ? 10 : -100;
	expect_code("file_list(root) ends with 0", r, 0);
	expect_code("file_list(root): keep.bin (262244 bytes) and sub/", found, 11);
	for (uint64_t j = 0; found != 11 && ingot_file_list(dir, j, &e) == 1; j++)
		ingot_printf("files: %s entry %llu: '%s' %llu bytes, dir %u, attr 0x%x\n", dir, (unsigned long long)j, e.name,
			     (unsigned long long)e.size, e.is_dir, e.attr);
	expect_code("file_list(past the end)", ingot_file_list(dir, i + 5, &e), 0);
	path(dir, sizeof(dir), rw, "sub");
	expect_code("file_list(sub) first", ingot_file_list(dir, 0, &e), 1);
	expect_code("file_list(sub) first is in.txt", same_name(e.name, "in.txt"), 1);
	expect_code("file_list(sub) second", ingot_file_list(dir, 1, &e), 0);
}

static void check_errors(uint8_t *buf)
{
	char p[64], q[64];

	path(p, sizeof(p), rw, "no-such.txt");
	expect_code("file_size(missing)", ingot_file_size(p), -INGOT_ENOENT);
	expect_code("file_read(missing)", ingot_file_read(p, 0, buf, 10), -INGOT_ENOENT);
	path(p, sizeof(p), rw, "no-dir/x.txt");
	expect_code("file_write(in a missing directory)", ingot_file_write(p, 0, buf, 10), -INGOT_ENOENT);
	path(p, sizeof(p), rw, "sub");
	expect_code("file_read(a directory)", ingot_file_read(p, 0, buf, 10), -INGOT_EISDIR);
	expect_code("file_write(a directory)", ingot_file_write(p, 0, buf, 10), -INGOT_EISDIR);
	path(p, sizeof(p), rw, "keep.bin/x");
	expect_code("file_size(under a file)", ingot_file_size(p), -INGOT_ENOTDIR);
	path(p, sizeof(p), rw, "bad.bin");
	expect_code("file_write(from its own code)", ingot_file_write(p, 0, (void *)check_errors, 64), 64);
	expect_code("file_read(into text)", ingot_file_read(p, 0, (void *)check_errors, 64), -INGOT_EFAULT);
	expect_code("file_write(unmapped)", ingot_file_write(p, 0, (void *)0x00007f0000000000ull, 64), -INGOT_EFAULT);
	expect_code("file_size(bad.bin unchanged)", ingot_file_size(p), 64);
	expect_code("file_remove(bad.bin)", ingot_file_remove(p), 0);
	expect_code("file_size(bad.bin removed)", ingot_file_size(p), -INGOT_ENOENT);
	expect_code("file_remove(bad.bin again)", ingot_file_remove(p), -INGOT_ENOENT);
	path(q, sizeof(q), ro, "ro.txt");
	expect_code("file_size(read-only device)", ingot_file_size(q), 12);
	expect_code("file_read(read-only device)", ingot_file_read(q, 0, buf, 100), 12);
	expect_code("ro.txt holds its text", memcmp(buf, "read only!\r\n", 12), 0);
	expect_code("file_write(read-only device)", ingot_file_write(q, 0, buf, 4), -INGOT_EROFS);
	expect_code("file_remove(read-only device)", ingot_file_remove(q), -INGOT_EROFS);
	path(q, sizeof(q), ro, "new.txt");
	expect_code("file_write(new on read-only)", ingot_file_write(q, 0, buf, 4), -INGOT_EROFS);
}

/* Every core at once: its own file, written in two calls, read back,
 * removed. */
static void core_files(void *arg)
{
	unsigned me = ingot_core_index();
	uint8_t *buf = (uint8_t *)arg + (uint64_t)me * 2 * CORE_BYTES;
	char p[64], name[24];

	ingot_snprintf(name, sizeof(name), "core%u.bin", me);
	path(p, sizeof(p), rw, name);
	for (uint64_t i = 0; i < CORE_BYTES; i++)
		buf[i] = (uint8_t)(pattern(i) ^ me);
	expect_code("core: first write", ingot_file_write(p, 0, buf, 1000), 1000);
	expect_code("core: second write", ingot_file_write(p, 1000, buf + 1000, CORE_BYTES - 1000), CORE_BYTES - 1000);
	expect_code("core: size", ingot_file_size(p), CORE_BYTES);
	expect_code("core: read", ingot_file_read(p, 0, buf + CORE_BYTES, CORE_BYTES), CORE_BYTES);
	expect_code("core: same bytes", memcmp(buf, buf + CORE_BYTES, CORE_BYTES), 0);
	expect_code("core: remove", ingot_file_remove(p), 0);
}

static int files_check(void)
{
	uint8_t *buf = malloc(1 << 20), *cbuf = malloc((size_t)ingot_core_count() * 2 * CORE_BYTES);
	int started;

	if (!buf || !cbuf) {
		ingot_printf("error: files: no memory\n");
		return 2;
	}
	check_write_read(buf);
	check_list();
	check_errors(buf);
	started = ingot_smp_run_all(core_files, cbuf);
	core_files(cbuf);
	expect_code("wait for the cores", ingot_smp_wait(WAIT_NS), 0);
	ingot_printf("files: %d cores wrote at once\n", started + 1);
	ingot_printf("files: %u checks, %u wrong\n", checks, wrong);
	return wrong ? 1 : 0;
}

static char stop_dev[16];
static int stop_started;

static __attribute__((noreturn)) void loop_writes(void *arg)
{
	unsigned me = ingot_core_index();
	uint8_t *buf = (uint8_t *)arg + (uint64_t)me * 65536;
	char p[64], name[24];

	ingot_snprintf(name, sizeof(name), "loop%u.bin", me);
	path(p, sizeof(p), stop_dev, name);
	memset(buf, (int)me, 65536);
	for (uint64_t i = 0;; i++) {
		int64_t r = ingot_file_write(p, (i % 16) * 65536, buf, 65536);

		if (r != 65536) {
			ingot_printf("error: files: file_write %s returned %lld\n", p, (long long)r);
			ingot_exit(1);
		}
		if (me == 0 && i == 16) /* the boot core's first round done: all are at it */
			ingot_printf("files: writing on %d cores until stopped\n", stop_started + 1);
	}
}

static int files_stop(const char *dev)
{
	uint8_t *buf = malloc((size_t)ingot_core_count() * 65536);
	if (!buf)
		return 2;
	ingot_snprintf(stop_dev, sizeof(stop_dev), "%s", dev);
	stop_started = ingot_smp_run_all(loop_writes, buf);
	loop_writes(buf);
}

static void rate(const char *what, uint64_t mib, uint64_t ns)
{
	uint64_t kbs = ns ? (mib << 20) * 1000000 / ns : 0;   /* KB/s: bytes per ms */

	ingot_printf("files: %s %llu MiB in %llu ms: %llu.%llu MB/s\n", what, (unsigned long long)mib,
		     (unsigned long long)(ns / 1000000), (unsigned long long)(kbs / 1000), (unsigned long long)(kbs % 1000 / 100));
}

static int files_speed(uint64_t mib, const char *p)
{
	uint64_t len = mib << 20, t0;
	uint8_t *buf = ingot_mem_base();
	int64_t r;

	if (!mib || 2 * len > ingot_mem_size()) {
		ingot_printf("error: files: %llu MiB do not fit in memory\n", (unsigned long long)mib);
		return 2;
	}
	for (uint64_t i = 0; i < len; i += 8)
		*(uint64_t *)(void *)(buf + i) = i * 0x9e3779b97f4a7c15ull;
	ingot_file_remove(p);
	t0 = ingot_time_ns();
	if ((r = ingot_file_write(p, 0, buf, len)) != (int64_t)len) {
		ingot_printf("error: files: file_write %s returned %lld\n", p, (long long)r);
		return 1;
	}
	rate("file_write", mib, ingot_time_ns() - t0);
	t0 = ingot_time_ns();
	if ((r = ingot_file_read(p, 0, buf + len, len)) != (int64_t)len) {
		ingot_printf("error: files: file_read %s returned %lld\n", p, (long long)r);
		return 1;
	}
	rate("file_read", mib, ingot_time_ns() - t0);
	r = memcmp(buf, buf + len, len);
	ingot_printf("files: speed: read back %s\n", r ? "DIFFERENT" : "the same");
	return r ? 1 : 0;
}

/* CRC-32 of IEEE 802.3 and zlib (reflected 0xEDB88320), a byte at a time. */
static unsigned files_crc32(const uint8_t *p, uint64_t n)
{
	static uint32_t table[256];
	uint32_t crc = ~0u;

	for (uint32_t i = 0, first = !table[1]; first && i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	while (n--)
		crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

static int files_read(const char *p)
{
	int64_t size = ingot_file_size(p), r;
	uint8_t *buf = ingot_mem_base();
	uint64_t t0, ns, kbs;

	if (size < 0 || (uint64_t)size > ingot_mem_size()) {
		ingot_printf("error: files: %s: %lld (size, or too big for memory)\n", p, (long long)size);
		return 2;
	}
	t0 = ingot_time_ns();
	if ((r = ingot_file_read(p, 0, buf, (uint64_t)size)) != size) {
		ingot_printf("error: files: file_read %s returned %lld\n", p, (long long)r);
		return 1;
	}
	ns = ingot_time_ns() - t0;
	kbs = ns ? (uint64_t)size * 1000000 / ns : 0;
	ingot_printf("files: read %lld bytes in %llu ms: %llu.%llu MB/s, crc32 %08x\n", (long long)size,
		     (unsigned long long)(ns / 1000000), (unsigned long long)(kbs / 1000), (unsigned long long)(kbs % 1000 / 100),
		     files_crc32(buf, (uint64_t)size));
	return 0;
}

static int files_raw(uint64_t mib, const char *dev)
{
	struct ingot_blk_info info;
	uint8_t *buf = ingot_mem_base();
	uint64_t len = mib << 20, t0;
	int d, r;

	for (d = 0; d < ingot_blk_count(); d++)
		if (!ingot_blk_info(d, &info) && !strcmp(info.name, dev))
			break;
	if (d == ingot_blk_count() || !mib || len > ingot_mem_size() || len / info.sector_size > info.sectors) {
		ingot_printf("error: files: no device %s, or %llu MiB do not fit\n", dev, (unsigned long long)mib);
		return 2;
	}
	memset(buf, 0x5a, len);
	t0 = ingot_time_ns();
	if ((r = ingot_blk_write(d, 0, len / info.sector_size, buf))) {
		ingot_printf("error: files: blk_write %s returned %d\n", dev, r);
		return 1;
	}
	rate("blk_write", mib, ingot_time_ns() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "check")) {
		ingot_snprintf(rw, sizeof(rw), "%s", argv[2]);
		ingot_snprintf(ro, sizeof(ro), "%s", argv[3]);
		return files_check();
	}
	if (argc == 3 && !strcmp(argv[1], "stop"))
		return files_stop(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "raw"))
		return files_raw(strtoul(argv[2], 0, 0), argv[3]);
	if (argc == 3 && !strcmp(argv[1], "read"))
		return files_read(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "speed"))
		return files_speed(strtoul(argv[2], 0, 0), argv[3]);
	ingot_printf("usage: files.elf check RW RO | stop DEV | speed MIB PATH | read PATH | raw MIB DEV\n");
	return 2;
}
