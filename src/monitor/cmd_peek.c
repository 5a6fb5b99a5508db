/* cmd_peek.c: memory commands: peek, poke, dump and crc32 over memory
 * (mem: cmd_mem.c). Every access is checked against the live page tables
 * first, so a bad address is an error line, not a fault. */
#include "console.h"
#include "crc32.h"
#include "errno.h"
#include "fs.h"
#include "kernel.h"
#include "memown.h"
#include "mm.h"
#include "monitor.h"
#include "parse.h"
#include "string.h"
#include "timer.h"

#define DUMP_DEFAULT_LEN 256
#define CRC_CHUNK (64 * KiB) /* between Ctrl-C checks */


/* Check a range before touching it; prints the error. */
static int mem_check(const char *cmd, uint64_t addr, uint64_t len, int write)
{
	uint64_t bad = addr;
	int err;

	if (!vm_canonical(addr))
		return cmd_error("%s: address %llx is not canonical", cmd, ull(addr));
	if (len && addr + (len - 1) < addr)
		return cmd_error("%s: %llx+%llu wraps past the end of the address space", cmd, ull(addr), ull(len));
	err = vm_check_range(addr, len, write, &bad);
	if (err == -EACCES)
		return cmd_error("%s: address %llx is read-only", cmd, ull(bad));
	if (err)
		return cmd_error("%s: address %llx is not mapped", cmd, ull(bad));
	return 0;
}

static uint64_t mem_read(uint64_t addr, unsigned width)
{
	switch (width) {
	case 1: return *(volatile uint8_t *)addr;
	case 2: return *(volatile uint16_t *)addr;
	case 4: return *(volatile uint32_t *)addr;
	default: return *(volatile uint64_t *)addr;
	}
}

static void mem_write(uint64_t addr, unsigned width, uint64_t v)
{
	switch (width) {
	case 1: *(volatile uint8_t *)addr = (uint8_t)v; break;
	case 2: *(volatile uint16_t *)addr = (uint16_t)v; break;
	case 4: *(volatile uint32_t *)addr = (uint32_t)v; break;
	default: *(volatile uint64_t *)addr = v; break;
	}
}

static int cmd_peek(int argc, char **argv)
{
	uint64_t addr;
	unsigned width = 4;

	if (cmd_arg_u64("peek", argv[1], "address", 1, &addr) ||
	    (argc == 3 && cmd_arg_width("peek", argv[2], &width)) ||
	    mem_check("peek", addr, width, 0))
		return CMD_REPORTED;
	kprintf("%016llx: %0*llx\n", ull(addr), (int)width * 2, ull(mem_read(addr, width)));
	return 0;
}

CMD(peek, .name = "peek", .usage = "peek ADDR [1/2/4/8]",
    .summary = "read one value from memory (ADDR in hex; width in bytes, default 4)",
    .help = "examples:\n  peek b8000 2\n  peek 0xfee00030",
    .min_args = 1, .max_args = 2, .fn = cmd_peek);

/* Memory the kernel owns (its image, page tables, stacks, DMA rings and
 * buffers, RAM disks: memown.h) is refused unless forced: a stray poke
 * there kills the session. MMIO and the program region stay writable. */
static int poke_owned(uint64_t addr, unsigned width)
{
	const struct memown *m = memown_find ? memown_find(addr, width) : NULL;

	if (!m)
		return 0;
	return cmd_error("poke: %llx is kernel memory (%s, %llx-%llx); 'poke -f' writes it anyway", ull(addr), m->name,
			 ull(m->start), ull(m->end - 1));
}

static int cmd_poke(int argc, char **argv)
{
	uint64_t addr, value;
	unsigned width = 4;
	int force = argc > 1 && !strcmp(argv[1], "-f");

	argc -= force, argv += force;
	if (argc < 3 || argc > 4)
		return cmd_error("poke: %s (usage: poke [-f] ADDR VALUE [1/2/4/8])",
				 argc < 3 ? "missing argument" : "too many arguments");
	if (cmd_arg_u64("poke", argv[1], "address", 1, &addr) ||
	    cmd_arg_u64("poke", argv[2], "value", 0, &value) ||
	    (argc == 4 && cmd_arg_width("poke", argv[3], &width)))
		return CMD_REPORTED;
	if (width < 8 && value >> (width * 8))
		return cmd_error("poke: value %llx does not fit in %u bytes", ull(value), width);
	if (mem_check("poke", addr, width, 1) || (!force && poke_owned(addr, width)))
		return CMD_REPORTED;
	mem_write(addr, width, value);
	kprintf("%016llx: %0*llx\n", ull(addr), (int)width * 2, ull(mem_read(addr, width)));
	return 0;
}

CMD(poke, .name = "poke", .usage = "poke [-f] ADDR VALUE [1/2/4/8]",
    .summary = "write one value to memory and read it back (ADDR in hex)",
    .help = "VALUE is decimal, or hex with 0x. Memory the kernel owns (see 'mem') is\n"
	    "refused unless -f is given; the program region and device memory are not.\n"
	    "examples:\n  poke 10000000 0x12345678\n  poke b8000 0x4f41 2",
    .min_args = 2, .max_args = 4, .fn = cmd_poke);

static void dump_row(uint64_t addr, unsigned n, unsigned width)
{
	uint8_t bytes[16];
	char ascii[17];

	for (unsigned i = 0; i < n; i += width) {
		uint64_t v = mem_read(addr + i, width);
		memcpy(bytes + i, &v, width);
	}
	kprintf("%016llx:", ull(addr));
	for (unsigned i = 0; i < 16; i += width) {
		uint64_t v = 0;

		if (i >= n) {
			kprintf(" %*s", (int)width * 2, "");
			continue;
		}
		memcpy(&v, bytes + i, width);
		kprintf(" %0*llx", (int)width * 2, ull(v));
	}
	for (unsigned i = 0; i < n; i++)
		ascii[i] = bytes[i] >= 0x20 && bytes[i] < 0x7f ? (char)bytes[i] : '.';
	ascii[n] = 0;
	kprintf("  |%s|\n", ascii);
}

static int cmd_dump(int argc, char **argv)
{
	uint64_t addr, len = DUMP_DEFAULT_LEN;
	unsigned width = 1;

	if (cmd_arg_u64("dump", argv[1], "address", 1, &addr) ||
	    (argc >= 3 && cmd_arg_u64("dump", argv[2], "length", 0, &len)) ||
	    (argc == 4 && cmd_arg_width("dump", argv[3], &width)))
		return CMD_REPORTED;
	if (addr % width || len % width)
		return cmd_error("dump: address and length must be multiples of the width %u", width);
	if (!len)
		return cmd_error("dump: length 0: nothing to dump");
	for (uint64_t off = 0; off < len; off += 16) {
		unsigned n = (unsigned)MIN(16, len - off);

		if (mem_check("dump", addr + off, n, 0))
			return CMD_REPORTED;
		if (console_ctrl_c_pending())
			return -ECANCELED;
		dump_row(addr + off, n, width);
	}
	return 0;
}

CMD(dump, .name = "dump", .usage = "dump ADDR [LEN] [1/2/4/8]",
    .summary = "hex and ASCII dump of memory (ADDR in hex, LEN default 256)",
    .help = "Ctrl-C stops a long dump.\nexamples:\n  dump b8000 160 2\n  dump 100000 64",
    .min_args = 1, .max_args = 3, .fn = cmd_dump);

/* crc32 FILE: the file system reads (src/monitor/cmd_fs.c), timed. */
static int crc32_file(const char *path)
{
	uint64_t t0 = timer_ns(), size;
	uint32_t crc;
	int err = fs_crc32_file(path, &crc, &size);

	if (err == -ECANCELED)
		return err;
	if (err)
		return cmd_error("crc32: %s: %s", path, fs_error_str(err));
	kprintf("crc32 %s: %08x (%llu bytes, %llu ms)\n", path, crc, ull(size), ull((timer_ns() - t0) / 1000000));
	return 0;
}

#define CRC32_USAGE "crc32 FILE | crc32 ADDR LEN"

/* One argument is a file, unless it reads as a number: an address whose
 * length is missing ("/abc" or "disk0:/abc" name a file called abc). */
static int crc32_is_file(const char *arg)
{
	uint64_t v;

	return strchr(arg, ':') || strchr(arg, '/') || strchr(arg, '.') || parse_u64(arg, 1, &v) != 0;
}

static int cmd_crc32(int argc, char **argv)
{
	uint64_t addr, len;
	uint32_t crc = 0;

	if (argc == 2 && crc32_is_file(argv[1]))
		return crc32_file(argv[1]);
	if (argc == 2)
		return cmd_error("crc32: missing argument (usage: " CRC32_USAGE ")");
	if (cmd_arg_u64("crc32", argv[1], "address", 1, &addr) ||
	    cmd_arg_u64("crc32", argv[2], "length", 0, &len) ||
	    mem_check("crc32", addr, len, 0))
		return CMD_REPORTED;
	for (uint64_t off = 0; off < len; off += CRC_CHUNK) {
		if (console_ctrl_c_pending())
			return -ECANCELED;
		crc = crc32_update(crc, (const void *)(addr + off), MIN(CRC_CHUNK, len - off));
	}
	kprintf("crc32 %016llx+%llu: %08x\n", ull(addr), ull(len), crc);
	return 0;
}

CMD(crc32, .name = "crc32", .usage = CRC32_USAGE,
    .summary = "CRC-32 (zlib/IEEE) of a file or a memory range, to compare with the host",
    .help = "FILE is DEV:/PATH or a path looked up on every file system; a lone number\n"
	    "is taken as an address (write /NAME for a file whose name is all hex digits).\n"
	    "examples:\n  crc32 disk0:/BIG.BIN\n  crc32 100000 4096\n  crc32 0x200000 1M",
    .min_args = 1, .max_args = 2, .fn = cmd_crc32);
