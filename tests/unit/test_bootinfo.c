/* test_bootinfo.c: host tests of src/bootinfo.c: multiboot2 and multiboot1
 * structures built in a fake physical memory, malformed ones, and the
 * kernel command line parser. */
/* sources: src/bootinfo.c src/bootinfo_fb.c */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "bootinfo.h"
#include "errno.h"
#include "unit.h"

#define FAKE_BASE 0x10000u
#define FAKE_SIZE 0x10000u

static uint8_t fake[FAKE_SIZE];

static const void *fake_phys(void *ctx, uint64_t addr, uint64_t len)
{
	(void)ctx;
	if (addr < FAKE_BASE || addr + len > FAKE_BASE + FAKE_SIZE || addr + len < addr)
		return NULL;
	return fake + (addr - FAKE_BASE);
}

static void put32(uint32_t off, uint32_t v) { memcpy(fake + off, &v, 4); }
static void put64(uint32_t off, uint64_t v) { memcpy(fake + off, &v, 8); }

/* Append one mb2 tag at *off; returns the payload offset. */
static uint32_t tag(uint32_t *off, uint32_t type, uint32_t size)
{
	uint32_t at = *off;

	put32(at, type);
	put32(at + 4, size);
	*off = (at + size + 7) & ~7u;
	return at + 8;
}

static uint32_t build_mb2(void)
{
	uint32_t off = 8, p;

	memset(fake, 0, sizeof(fake));
	p = tag(&off, 1, 8 + 24);
	memcpy(fake + p, "console=all autorun=mem", 24);
	p = tag(&off, 2, 8 + 9);
	memcpy(fake + p, "GRUB 2.x", 9);
	p = tag(&off, 6, 8 + 8 + 3 * 24);
	put32(p, 24);
	put32(p + 4, 0);
	/* out of order on purpose: the parser sorts */
	put64(p + 8, 0x100000); put64(p + 16, 0x1ff00000); put32(p + 24, 1);
	put64(p + 32, 0); put64(p + 40, 0x9fc00); put32(p + 48, 1);
	put64(p + 56, 0x100000000ull); put64(p + 64, 0x40000000); put32(p + 72, 1);
	p = tag(&off, 3, 8 + 8 + 12);
	put32(p, 0x200000); put32(p + 4, 0x300000);
	memcpy(fake + p + 8, "programs.img", 12);
	p = tag(&off, 14, 8 + 20);
	memcpy(fake + p, "RSD PTR ", 8);
	p = tag(&off, 12, 8 + 8); /* EFI 64-bit system table pointer */
	put64(p, 0x7f9e8018);
	p = tag(&off, 8, 8 + 24);
	put64(p, 0xb8000); put32(p + 8, 160); put32(p + 12, 80); put32(p + 16, 25);
	fake[p + 20] = 16; fake[p + 21] = 2;
	tag(&off, 0, 8);
	put32(0, off);
	return off;
}

static void test_mb2(void)
{
	struct bootinfo *bi = calloc(1, sizeof(*bi));

	build_mb2();
	CHECK("bootinfo_mb2_ok", bootinfo_parse(bi, MB2_BOOT_MAGIC, FAKE_BASE, fake_phys, NULL) == 0);
	CHECK("bootinfo_mb2_protocol", bi->protocol == 2);
	CHECK_STR("bootinfo_mb2_cmdline", bi->cmdline, "console=all autorun=mem");
	CHECK_STR("bootinfo_mb2_loader", bi->loader, "GRUB 2.x");
	CHECK("bootinfo_mb2_mmap_count", bi->mmap_count == 3);
	CHECK_U64("bootinfo_mb2_mmap_sorted", bi->mmap[0].base, 0);
	CHECK_U64("bootinfo_mb2_mmap_high", bi->mmap[2].base, 0x100000000ull);
	CHECK_U64("bootinfo_mb2_mmap_len", bi->mmap[1].len, 0x1ff00000);
	CHECK("bootinfo_mb2_module", bi->mod_count == 1 && bi->mods[0].start == 0x200000 && bi->mods[0].end == 0x300000);
	CHECK_STR("bootinfo_mb2_module_name", bi->mods[0].name, "programs.img");
	CHECK("bootinfo_mb2_rsdp", bi->rsdp_version == 1 && !memcmp(bi->rsdp, "RSD PTR ", 8));
	CHECK("bootinfo_mb2_efi64", bi->efi64 && bi->efi_systab == 0x7f9e8018);
	CHECK("bootinfo_mb2_fb", bi->fb.type == FB_TYPE_EGA_TEXT && bi->fb.width == 80 && bi->fb.addr == 0xb8000);
	/* an RGB framebuffer: colour fields after the 16-bit reserved field */
	build_mb2();
	{
		uint32_t off = 8, p;

		while (fake[off] != 8 || fake[off + 1] != 0)
			off = (off + ((uint32_t)fake[off + 4] | (uint32_t)fake[off + 5] << 8) + 7) & ~7u;
		p = off + 8;
		fake[p + 21] = 1;
		fake[p + 22] = 0xEE, fake[p + 23] = 0xEE; /* reserved */
		fake[p + 24] = 16, fake[p + 25] = 8, fake[p + 26] = 8, fake[p + 27] = 8;
		fake[p + 28] = 0, fake[p + 29] = 8;
		put32(off + 4, 8 + 30);
		put32(off + 40, 0), put32(off + 44, 8); /* the end tag, after the longer tag */
		put32(0, off + 48);
		CHECK("bootinfo_mb2_fb_rgb_ok", bootinfo_parse(bi, MB2_BOOT_MAGIC, FAKE_BASE, fake_phys, NULL) == 0);
		CHECK("bootinfo_mb2_fb_rgb", bi->fb.type == FB_TYPE_RGB && bi->fb.red_pos == 16 && bi->fb.red_size == 8 &&
		      bi->fb.green_pos == 8 && bi->fb.blue_pos == 0 && bi->fb.blue_size == 8);
	}
	free(bi);
}

static void test_mb2_malformed(void)
{
	struct bootinfo *bi = calloc(1, sizeof(*bi));
	uint32_t total = build_mb2();

	CHECK("bootinfo_mb2_bad_magic", bootinfo_parse(bi, 0x12345678, FAKE_BASE, fake_phys, NULL) == -EINVAL);
	put32(0, FAKE_SIZE * 2); /* total size past the readable memory */
	CHECK("bootinfo_mb2_huge_total", bootinfo_parse(bi, MB2_BOOT_MAGIC, FAKE_BASE, fake_phys, NULL) == -EINVAL);
	put32(0, total);
	put32(8 + 4, 4); /* first tag claims a size below its own header */
	CHECK("bootinfo_mb2_tiny_tag", bootinfo_parse(bi, MB2_BOOT_MAGIC, FAKE_BASE, fake_phys, NULL) == -EINVAL);
	build_mb2();
	put32(8 + 4, 0xfffffff0u); /* tag running past the end */
	CHECK("bootinfo_mb2_long_tag", bootinfo_parse(bi, MB2_BOOT_MAGIC, FAKE_BASE, fake_phys, NULL) == -EINVAL);
	build_mb2();
	put32(0, total - 8); /* end tag cut off */
	CHECK("bootinfo_mb2_no_end", bootinfo_parse(bi, MB2_BOOT_MAGIC, FAKE_BASE, fake_phys, NULL) == -EINVAL);
	CHECK("bootinfo_mb2_unreadable", bootinfo_parse(bi, MB2_BOOT_MAGIC, 0x100, fake_phys, NULL) == -EINVAL);
	free(bi);
}

static void build_mb1(void)
{
	memset(fake, 0, sizeof(fake));
	put32(0, (1u << 0) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9));
	put32(4, 639); put32(8, 523264);
	put32(16, FAKE_BASE + 0x200);
	memcpy(fake + 0x200, "build/ingot.elf console=serial", sizeof("build/ingot.elf console=serial"));
	put32(20, 1); put32(24, FAKE_BASE + 0x300);
	put32(0x300, 0x400000); put32(0x304, 0x480000); put32(0x308, FAKE_BASE + 0x380);
	memcpy(fake + 0x380, "mod.img arg", sizeof("mod.img arg"));
	put32(44, 2 * 24); put32(48, FAKE_BASE + 0x400);
	put32(0x400, 20); put64(0x404, 0); put64(0x40c, 0x9fc00); put32(0x414, 1);
	put32(0x418, 20); put64(0x41c, 0x100000); put64(0x424, 0x1fee0000); put32(0x42c, 1);
	put32(64, FAKE_BASE + 0x500);
	memcpy(fake + 0x500, "qemu", sizeof("qemu"));
}

static void test_mb1(void)
{
	struct bootinfo *bi = calloc(1, sizeof(*bi));

	build_mb1();
	CHECK("bootinfo_mb1_ok", bootinfo_parse(bi, MB1_BOOT_MAGIC, FAKE_BASE, fake_phys, NULL) == 0);
	CHECK("bootinfo_mb1_protocol", bi->protocol == 1);
	CHECK_STR("bootinfo_mb1_cmdline", bi->cmdline, "build/ingot.elf console=serial");
	CHECK_STR("bootinfo_mb1_loader", bi->loader, "qemu");
	CHECK("bootinfo_mb1_mem", bi->mem_lower_kib == 639 && bi->mem_upper_kib == 523264);
	CHECK("bootinfo_mb1_mmap", bi->mmap_count == 2 && bi->mmap[1].base == 0x100000 && bi->mmap[1].len == 0x1fee0000);
	CHECK("bootinfo_mb1_module", bi->mod_count == 1 && bi->mods[0].start == 0x400000);
	CHECK_STR("bootinfo_mb1_module_name", bi->mods[0].name, "mod.img arg");
	CHECK("bootinfo_mb1_nothing_dropped", bi->cmdline_cut == 0 && bi->mods_dropped == 0);
	CHECK("bootinfo_mb1_no_fb", bi->fb.type == FB_TYPE_NONE);
	/* no map: the basic memory figures stand in */
	put32(0, (1u << 0));
	CHECK("bootinfo_mb1_meminfo_ok", bootinfo_parse(bi, MB1_BOOT_MAGIC, FAKE_BASE, fake_phys, NULL) == 0);
	CHECK("bootinfo_mb1_meminfo_map", bi->mmap_count == 2 && bi->mmap[1].len == 523264ull * 1024);
	/* a map entry with a broken size field */
	build_mb1();
	put32(0x400, 3);
	CHECK("bootinfo_mb1_bad_mmap", bootinfo_parse(bi, MB1_BOOT_MAGIC, FAKE_BASE, fake_phys, NULL) == -EINVAL);
	/* unterminated command line stays within its buffer */
	build_mb1();
	memset(fake + 0x200, 'a', FAKE_SIZE - 0x200);
	bootinfo_parse(bi, MB1_BOOT_MAGIC, FAKE_BASE, fake_phys, NULL);
	CHECK("bootinfo_mb1_long_cmdline", strlen(bi->cmdline) == BOOTINFO_CMDLINE_MAX - 1);
	CHECK("bootinfo_mb1_long_cmdline_said", bi->cmdline_cut == 1);
	/* 20 modules: the first 16 are kept, the other 4 counted */
	build_mb1();
	put32(20, 20);
	bootinfo_parse(bi, MB1_BOOT_MAGIC, FAKE_BASE, fake_phys, NULL);
	CHECK("bootinfo_mb1_modules_dropped", bi->mod_count == BOOTINFO_MAX_MODS && bi->mods_dropped == 4);
	free(bi);
}

/* A multiboot1 map of 4 GiB - 1 bytes, read through a mapping of exactly
 * 4 GiB with an inaccessible page after it; only its first and last pages
 * are backed. Its first entry is 4 GiB - 20 bytes long, so the second
 * starts 19 bytes before the map ends, too short for an entry: the walk
 * must stop there, not wrap off + 24 and read past the map. */
#define HUGE_MAP_ADDR 0x100u
#define HUGE_LEN (1ull << 32)

static uint8_t *huge;

static const void *huge_phys(void *ctx, uint64_t addr, uint64_t len)
{
	if (addr == HUGE_MAP_ADDR && len <= HUGE_LEN)
		return huge;
	return fake_phys(ctx, addr, len);
}

static void test_mb1_huge_map(void)
{
	struct bootinfo *bi = calloc(1, sizeof(*bi));
	long page = sysconf(_SC_PAGESIZE);
	void *m = mmap(NULL, HUGE_LEN + (uint64_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint32_t size = 0xffffffe8u, last = 0xffffffecu;

	CHECK("bootinfo_mb1_huge_map_mapped", m != MAP_FAILED);
	if (m == MAP_FAILED) {
		free(bi);
		return;
	}
	huge = m;
	mprotect(huge, (size_t)page, PROT_READ | PROT_WRITE);
	mprotect(huge + HUGE_LEN - (uint64_t)page, (size_t)page, PROT_READ | PROT_WRITE);
	memcpy(huge, &size, 4);
	memcpy(huge + 12, &(uint64_t){ 0x1000 }, 8);
	memcpy(huge + last, &(uint32_t){ 20 }, 4);
	memset(fake, 0, 116);
	put32(0, 1u << 6);
	put32(44, 0xffffffffu);
	put32(48, HUGE_MAP_ADDR);
	CHECK("bootinfo_mb1_huge_map_ok", bootinfo_parse(bi, MB1_BOOT_MAGIC, FAKE_BASE, huge_phys, NULL) == 0);
	CHECK("bootinfo_mb1_huge_map_one_entry", bi->mmap_count == 1 && bi->mmap[0].len == 0x1000);
	munmap(m, HUGE_LEN + (uint64_t)page);
	free(bi);
}

static void test_cmdline(void)
{
	char v[32];

	CHECK("cmdline_plain", cmdline_get("a=1 console=serial b", "console", v, sizeof(v)) == 6 && !strcmp(v, "serial"));
	CHECK("cmdline_quoted", cmdline_get("x autorun=\"mem; version\" y", "autorun", v, sizeof(v)) > 0 && !strcmp(v, "mem; version"));
	CHECK("cmdline_single_quoted", cmdline_get("autorun='help dump'", "autorun", v, sizeof(v)) > 0 && !strcmp(v, "help dump"));
	CHECK("cmdline_absent", cmdline_get("consoles=all console", "console", v, sizeof(v)) == -ENOENT);
	CHECK("cmdline_last_wins", cmdline_get("console=all console=screen", "console", v, sizeof(v)) == 6 && !strcmp(v, "screen"));
	CHECK("cmdline_inside_quotes_ignored", cmdline_get("autorun=\"console=x\"", "console", v, sizeof(v)) == -ENOENT);
	CHECK("cmdline_truncated", cmdline_get("k=0123456789", "k", v, 5) == 4 && !strcmp(v, "0123"));
	CHECK("cmdline_empty_value", cmdline_get("k= x", "k", v, sizeof(v)) == 0 && !strcmp(v, ""));
	CHECK("cmdline_grub_quoted_word", cmdline_get("/boot/ingot.elf \"autorun=peek b8000 2\" x", "autorun", v, sizeof(v)) > 0 && !strcmp(v, "peek b8000 2"));
	CHECK("cmdline_unterminated_quote", cmdline_get("k=\"abc", "k", v, sizeof(v)) == 3 && !strcmp(v, "abc"));
}

int main(void)
{
	test_mb2();
	test_mb2_malformed();
	test_mb1();
	test_mb1_huge_map();
	test_cmdline();
	return unit_exit();
}
