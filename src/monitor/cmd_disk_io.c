/* cmd_disk_io.c: disk read (hexdump of sectors), disk write (only the bytes
 * typed, then a flush), disk bench (sequential read throughput on the kernel
 * clock); left out of the tiny profile. Works on any struct blkdev. */
#include "blkdev.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "monitor.h"
#include "parse.h"
#include "string.h"
#include "timer.h"

#define DISK_READ_MAX_BYTES (64 * KiB) /* hexdump output stays readable */
#define DISK_WRITE_MAX 4096
#define BENCH_CHUNK (4 * MiB)
#define BENCH_DEFAULT_MIB 64

static int disk_get(const char *name, struct blkdev **out)
{
	*out = blk_find(name);
	if (!*out)
		return cmd_error("disk: no device '%s' (see 'disk')", name);
	return 0;
}

/* An empty drive (a CD tray without a disc) has no sectors to name. */
static int disk_has_medium(const char *what, const struct blkdev *b)
{
	if (!b->sectors)
		return cmd_error("disk: %s: %s: no medium", what, b->name);
	return 0;
}

static int disk_read_cmd(int argc, char **argv)
{
	struct blkdev *b;
	uint64_t lba, count = 1;
	uint8_t *buf;
	int err;

	if (argc < 4 || argc > 5)
		return cmd_error("disk: usage: disk read DEV LBA [COUNT]");
	if (disk_get(argv[2], &b) || cmd_arg_u64("disk", argv[3], "LBA", 0, &lba) ||
	    (argc == 5 && cmd_arg_u64("disk", argv[4], "count", 0, &count)) || disk_has_medium("read", b))
		return CMD_REPORTED;
	if (!count || count * b->sector_size > DISK_READ_MAX_BYTES)
		return cmd_error("disk: read: COUNT must be 1 to %llu sectors", ull(DISK_READ_MAX_BYTES / b->sector_size));
	if (lba >= b->sectors || count > b->sectors - lba)
		return cmd_error("disk: read: LBA %llu+%llu is past the end of %s (%llu sector%s)", ull(lba), ull(count),
				 b->name, ull(b->sectors), PLURAL(b->sectors));
	buf = mm_scratch(count * b->sector_size);
	if (!buf)
		return -ENOMEM;
	err = blk_read(b, lba, count, buf);
	if (err)
		return cmd_error("disk: read %s LBA %llu: %s", b->name, ull(lba), error_str(err));
	return monitor_hexdump(buf, count * b->sector_size, lba * b->sector_size, 10);
}

/* The bytes the user typed: hex words ("deadbeef 01 02"), or "-t TEXT". */
static int disk_parse_data(int argc, char **argv, uint8_t *data, size_t *len)
{
	*len = 0;
	if (!strcmp(argv[0], "-t")) {
		for (int i = 1; i < argc; i++) {
			size_t n = strlen(argv[i]);
			if (*len + n + (i > 1) > DISK_WRITE_MAX)
				return cmd_error("disk: write: at most %d bytes", DISK_WRITE_MAX);
			if (i > 1)
				data[(*len)++] = ' ';
			memcpy(data + *len, argv[i], n);
			*len += n;
		}
		return *len ? 0 : cmd_error("disk: write: no text after -t");
	}
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];
		size_t n = strlen(s);

		if (n % 2)
			return cmd_error("disk: write: '%s' is not whole bytes of hex", s);
		for (size_t k = 0; k < n; k += 2) {
			int hi = parse_digit(s[k]), lo = parse_digit(s[k + 1]);
			if (hi < 0 || lo < 0)
				return cmd_error("disk: write: '%s' is not hex", s);
			if (*len >= DISK_WRITE_MAX)
				return cmd_error("disk: write: at most %d bytes", DISK_WRITE_MAX);
			data[(*len)++] = (uint8_t)(hi << 4 | lo);
		}
	}
	return 0;
}

/* Read the sectors the bytes fall in, put the bytes at the start of LBA,
 * write exactly those sectors back, flush. */
static int disk_write_cmd(int argc, char **argv)
{
	static uint8_t data[DISK_WRITE_MAX];
	struct blkdev *b;
	uint64_t lba, count;
	size_t len;
	uint8_t *buf;
	int err;

	if (argc < 5)
		return cmd_error("disk: usage: disk write DEV LBA HEXBYTES... | -t TEXT");
	if (disk_get(argv[2], &b) || cmd_arg_u64("disk", argv[3], "LBA", 0, &lba) ||
	    disk_parse_data(argc - 4, argv + 4, data, &len))
		return CMD_REPORTED;
	if (b->read_only)
		return cmd_error("disk: write: %s is read-only", b->name);
	if (disk_has_medium("write", b))
		return CMD_REPORTED;
	count = (len + b->sector_size - 1) / b->sector_size;
	if (lba >= b->sectors)
		return cmd_error("disk: write: LBA %llu is past the end of %s (%llu sector%s)", ull(lba), b->name,
				 ull(b->sectors), PLURAL(b->sectors));
	if (count > b->sectors - lba)
		return cmd_error("disk: write: %zu bytes at LBA %llu need %llu sectors; %s ends at LBA %llu", len,
				 ull(lba), ull(count), b->name, ull(b->sectors - 1));
	buf = mm_scratch(count * b->sector_size);
	if (!buf)
		return -ENOMEM;
	err = blk_read(b, lba, count, buf);
	if (!err) {
		memcpy(buf, data, len);
		err = blk_write(b, lba, count, buf);
	}
	if (!err)
		err = blk_flush(b);
	if (err)
		return cmd_error("disk: write %s LBA %llu: %s", b->name, ull(lba), error_str(err));
	kprintf("wrote %zu byte%s to %s at LBA %llu (byte %llu), %llu sector%s, flushed\n", len, PLURAL(len), b->name,
		ull(lba), ull(lba * b->sector_size), ull(count), PLURAL(count));
	return 0;
}

static int disk_bench_cmd(int argc, char **argv)
{
	struct blkdev *b;
	uint64_t mib = BENCH_DEFAULT_MIB, bytes, done = 0, t0, ns;
	uint8_t *buf;
	int err = 0;

	if (argc < 3 || argc > 4)
		return cmd_error("disk: usage: disk bench DEV [MIB]");
	if (disk_get(argv[2], &b) || (argc == 4 && cmd_arg_u64("disk", argv[3], "MiB", 0, &mib)) ||
	    disk_has_medium("bench", b))
		return CMD_REPORTED;
	bytes = MIN(mib * MiB, b->sectors * b->sector_size);
	bytes -= bytes % b->sector_size;
	if (!bytes)
		return cmd_error("disk: bench: nothing to read");
	if (!(buf = mm_scratch(BENCH_CHUNK)))
		return -ENOMEM;
	t0 = timer_ns();
	while (!err && done < bytes) {
		uint64_t n = MIN(BENCH_CHUNK, bytes - done);

		err = blk_read(b, done / b->sector_size, n / b->sector_size, buf);
		if (!err)
			done += n;
		if (console_ctrl_c_pending())
			return -ECANCELED;
	}
	ns = timer_ns() - t0;
	if (err)
		return cmd_error("disk: bench %s at byte %llu: %s", b->name, ull(done), error_str(err));
	kprintf("%s: read %llu MiB in %llu.%03llu s: %llu MB/s (%llu MiB/s), %llu-byte requests\n", b->name,
		ull(bytes / MiB), ull(ns / 1000000000), ull(ns / 1000000 % 1000), ull(bytes * 1000 / MAX(ns, 1)),
		ull(bytes * 1000000000 / MAX(ns, 1) / MiB), ull(MIN(BENCH_CHUNK, (uint64_t)b->max_sectors * b->sector_size)));
	return 0;
}

/* disk read|write|bench ...: the subcommands cmd_disk hands on. */
int disk_io_cmd(int argc, char **argv)
{
	if (!strcmp(argv[1], "read"))
		return disk_read_cmd(argc, argv);
	if (!strcmp(argv[1], "write"))
		return disk_write_cmd(argc, argv);
	if (!strcmp(argv[1], "bench"))
		return disk_bench_cmd(argc, argv);
	return cmd_error("disk: unknown subcommand '%s' (info, read, write or bench)", argv[1]);
}
