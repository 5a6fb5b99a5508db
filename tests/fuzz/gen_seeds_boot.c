/* gen_seeds_boot.c: writes the made-up seeds of fuzz_acpi (tables QEMU does
 * not give: x2APIC MADT, ACPI 6.5 FADT, MCFG with two segments, \_S5
 * variants), fuzz_bootinfo (GRUB-like multiboot2 on UEFI, QEMU's multiboot1
 * layout) and fuzz_cmdline (typed lines with keys). Usage: gen_seeds_boot DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_phys.h"

/* A seed being built: bytes appended at len, fields patched by offset. */
struct buf {
	uint8_t d[8192];
	size_t len;
};

static const char *outdir;

static void seed_write(const char *sub, const char *name, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", outdir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void put_n(struct buf *b, size_t off, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		b->d[off + (size_t)i] = (uint8_t)(v >> (8 * i));
	if (off + (size_t)bytes > b->len)
		b->len = off + (size_t)bytes;
}

static void add_n(struct buf *b, uint64_t v, int bytes)
{
	put_n(b, b->len, v, bytes);
}

static void add_bytes(struct buf *b, const void *p, size_t n)
{
	memcpy(b->d + b->len, p, n);
	b->len += n;
}

/* ---- ACPI ---- */

static void acpi_start(struct buf *b, const char *sig, uint8_t rev)
{
	memset(b, 0, sizeof(*b));
	add_bytes(b, sig, 4);
	add_n(b, 0, 4);
	add_n(b, rev, 1);
	add_n(b, 0, 1);
	add_bytes(b, "INGOT FUZZSEED", 14);
	add_n(b, 1, 4);
	add_bytes(b, "INGT", 4);
	add_n(b, 1, 4);
}

/* Length and checksum, then out to corpus/acpi. */
static void acpi_end(struct buf *b, const char *name)
{
	uint8_t sum = 0;

	put_n(b, 4, b->len, 4);
	for (size_t i = 0; i < b->len; i++)
		sum = (uint8_t)(sum + (i == 9 ? 0 : b->d[i]));
	b->d[9] = (uint8_t)-sum;
	seed_write("acpi", name, b->d, b->len);
}

static void add_gas(struct buf *b, uint8_t space, uint8_t width, uint64_t addr)
{
	add_n(b, space, 1);
	add_n(b, width, 1);
	add_n(b, 0, 1);
	add_n(b, width == 8 ? 1 : width == 16 ? 2 : 3, 1);
	add_n(b, addr, 8);
}

/* A large machine: x2APIC processors, two I/O APICs, every NMI kind. */
static void seed_madt_x2apic(struct buf *b)
{
	acpi_start(b, "APIC", 5);
	add_n(b, 0xfee00000, 4);
	add_n(b, 1, 4);
	for (uint32_t id = 0x100; id < 0x103; id++) {
		add_n(b, 9 | 16 << 8, 4);
		add_n(b, id, 4), add_n(b, id == 0x102 ? 2 : 1, 4), add_n(b, id, 4);
	}
	add_bytes(b, (const uint8_t[]){ 0, 8, 3, 3, 1, 0, 0, 0 }, 8);
	add_bytes(b, (const uint8_t[]){ 1, 12, 8, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0 }, 12);
	add_bytes(b, (const uint8_t[]){ 1, 12, 9, 0, 0, 0x10, 0xc0, 0xfe, 24, 0, 0, 0 }, 12);
	add_bytes(b, (const uint8_t[]){ 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 }, 10);
	add_bytes(b, (const uint8_t[]){ 2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0 }, 10);
	add_bytes(b, (const uint8_t[]){ 3, 8, 0x0d, 0, 0x10, 0, 0, 0 }, 8);
	add_bytes(b, (const uint8_t[]){ 4, 6, 0xff, 5, 0, 1 }, 6);
	add_bytes(b, (const uint8_t[]){ 0xa, 12, 5, 0, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0 }, 12);
	add_bytes(b, (const uint8_t[]){ 5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 0, 0, 0, 0 }, 12);
	add_bytes(b, (const uint8_t[]){ 0x7f, 4, 0xaa, 0xbb }, 4);
	acpi_end(b, "madt-x2apic");
}

/* More I/O APICs, overrides and NMIs than the kernel keeps. */
static void seed_madt_full(struct buf *b)
{
	acpi_start(b, "APIC", 3);
	add_n(b, 0xfee00000, 4);
	add_n(b, 0, 4);
	for (uint8_t i = 0; i < 9; i++)
		add_bytes(b, (const uint8_t[]){ 1, 12, i, 0, 0, (uint8_t)(i << 4), 0xc0, 0xfe, (uint8_t)(24 * i), 0, 0, 0 }, 12);
	for (uint8_t i = 0; i < 25; i++)
		add_bytes(b, (const uint8_t[]){ 2, 10, 0, i, i, 0, 0, 0, 0x0f, 0 }, 10);
	for (uint8_t i = 0; i < 17; i++)
		add_bytes(b, (const uint8_t[]){ 4, 6, i, 5, 0, 1 }, 6);
	acpi_end(b, "madt-full");
}

/* ACPI 6.5, 276 bytes: 64-bit blocks, a memory-space X_PM_TMR_BLK the
 * kernel must not use, a reset register. */
static void seed_fadt_65(struct buf *b)
{
	acpi_start(b, "FACP", 6);
	put_n(b, 40, 0x7fe0040, 4);            /* DSDT, X_DSDT wins */
	put_n(b, 46, 9, 2);                    /* SCI_INT */
	put_n(b, 48, 0xb2, 4);
	put_n(b, 52, 0xf1, 1), put_n(b, 53, 0xf0, 1);
	put_n(b, 56, 0x600, 4), put_n(b, 64, 0x604, 4), put_n(b, 76, 0x608, 4);
	put_n(b, 88, 4, 1), put_n(b, 89, 2, 1), put_n(b, 91, 4, 1);
	put_n(b, 109, 2, 2);                   /* IAPC_BOOT_ARCH: 8042 */
	put_n(b, 112, 1u << 8 | 1u << 10, 4);  /* TMR_VAL_EXT, RESET_REG_SUP */
	b->len = 116;
	add_gas(b, 1, 8, 0xcf9);
	add_n(b, 6, 1), add_n(b, 0, 2), add_n(b, 5, 1);
	add_n(b, 0, 8), add_n(b, 0x7fe0040, 8);
	add_gas(b, 1, 32, 0x600), add_gas(b, 0, 0, 0);
	add_gas(b, 1, 16, 0x604), add_gas(b, 0, 0, 0);
	add_gas(b, 0, 0, 0), add_gas(b, 0, 32, 0xfed000f0);
	add_gas(b, 1, 64, 0x620), add_gas(b, 0, 0, 0);
	add_gas(b, 0, 0, 0), add_gas(b, 0, 0, 0);
	add_n(b, 0, 8);
	acpi_end(b, "fadt-6.5");
}

/* Hardware-reduced: no PM blocks, sleep registers instead. */
static void seed_fadt_reduced(struct buf *b)
{
	acpi_start(b, "FACP", 6);
	put_n(b, 112, 1u << 20 | 1u << 10, 4);
	b->len = 116;
	add_gas(b, 0, 8, 0xfe000000);
	add_n(b, 1, 1), add_n(b, 0, 2), add_n(b, 5, 1);
	add_n(b, 0, 8), add_n(b, 0x7fe0040, 8);
	for (int i = 0; i < 8; i++)
		add_gas(b, 0, 0, 0);
	add_gas(b, 0, 8, 0xfe000010), add_gas(b, 0, 8, 0xfe000011);
	add_bytes(b, "KVMKVMKV", 8);
	acpi_end(b, "fadt-hw-reduced");
}

/* Two segments, then half an entry the parser must skip. */
static void seed_mcfg(struct buf *b)
{
	acpi_start(b, "MCFG", 1);
	add_n(b, 0, 8);
	add_n(b, 0xb0000000, 8), add_n(b, 0, 2), add_n(b, 0, 1), add_n(b, 255, 1), add_n(b, 0, 4);
	add_n(b, 0xc0000000, 8), add_n(b, 1, 2), add_n(b, 0, 1), add_n(b, 63, 1), add_n(b, 0, 4);
	add_n(b, 0xd0000000, 8);
	acpi_end(b, "mcfg-two-segments");
}

/* A DSDT: Scope (\_SB) { Name (_HID, ...) }, then what is given for \_S5. */
static void seed_dsdt(struct buf *b, const char *name, const uint8_t *s5, size_t n)
{
	static const uint8_t scope[] = {
		0x10, 0x0f, '\\', '_', 'S', 'B', '_',
		0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03,
	};

	acpi_start(b, "DSDT", 2);
	add_bytes(b, scope, sizeof(scope));
	add_bytes(b, s5, n);
	acpi_end(b, name);
}

static void seeds_acpi(void)
{
	static struct buf b;
	/* Name (\_S5, Package (4) { 5, 5, Zero, Zero }) */
	static const uint8_t s5[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0, 0 };
	/* the same with a two-byte PkgLength, after Name (_S4, ...) */
	static const uint8_t s5_long[] = {
		0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0x01, 0x01, 0, 0,
		0x08, '_', 'S', '5', '_', 0x12, 0x48, 0x00, 0x04, 0x0a, 0x07, 0x01, 0, 0,
	};
	/* Name (_S5, 5): not a package; the scan goes on to the real one */
	static const uint8_t s5_decoy[] = {
		0x08, '_', 'S', '5', '_', 0x0a, 0x05,
		0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x01, 0x0a, 0x02,
	};

	seed_madt_x2apic(&b);
	seed_madt_full(&b);
	seed_fadt_65(&b);
	seed_fadt_reduced(&b);
	seed_mcfg(&b);
	seed_dsdt(&b, "dsdt-s5", s5, sizeof(s5));
	seed_dsdt(&b, "dsdt-s5-pkglen2", s5_long, sizeof(s5_long));
	seed_dsdt(&b, "dsdt-s5-decoy", s5_decoy, sizeof(s5_decoy));
}

/* ---- multiboot ---- */

/* One multiboot2 tag at the end of b: header, payload, padding to 8. */
static size_t mb2_tag(struct buf *b, uint32_t type, const void *payload, size_t n)
{
	size_t at = b->len;

	add_n(b, type, 4);
	add_n(b, 8 + n, 4);
	if (payload) {
		add_bytes(b, payload, n);
	} else {
		memset(b->d + b->len, 0, n);
		b->len += n;
	}
	while (b->len % 8)
		add_n(b, 0, 1);
	return at + 8;
}

static void mmap_entry(struct buf *b, uint64_t base, uint64_t len, uint32_t type)
{
	add_n(b, base, 8), add_n(b, len, 8), add_n(b, type, 4), add_n(b, 0, 4);
}

/* The tag with n entries, usable and reserved in turn, out of order. */
static void mb2_mmap(struct buf *b, unsigned n)
{
	size_t at = b->len;

	add_n(b, 6, 4), add_n(b, 0, 4), add_n(b, 24, 4), add_n(b, 0, 4);
	for (unsigned i = 0; i < n; i++)
		mmap_entry(b, (uint64_t)(n - i) << 20, i == 2 ? 0 : 0x80000, i % 5 == 4 ? 20 : 1 + i % 2);
	put_n(b, at + 4, b->len - at, 4);
}

/* Out to corpus/bootinfo: the structure as region A at addr, B (if any) after. */
static void phys_seed(const char *name, uint32_t info, uint32_t a_addr, const struct buf *a, uint32_t b_addr,
		      const struct buf *bb)
{
	static uint8_t out[FUZZ_PHYS_HDR + 2 * sizeof(a->d)];

	fuzz_phys_header(out, info, a_addr, (uint32_t)a->len, b_addr);
	memcpy(out + FUZZ_PHYS_HDR, a->d, a->len);
	if (bb)
		memcpy(out + FUZZ_PHYS_HDR + a->len, bb->d, bb->len);
	seed_write("bootinfo", name, out, FUZZ_PHYS_HDR + a->len + (bb ? bb->len : 0));
}

/* What GRUB gives on UEFI with a linear framebuffer: RGB colours, the EFI
 * table, both RSDP tags (the new one first, it must win anyway). */
static void seed_mb2_uefi(void)
{
	static const char cmdline[] = "console=all \"autorun=mem; poweroff\"";
	static const uint8_t fb[] = {
		0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0,
		32, 1, 0, 0, 16, 8, 8, 8, 0, 8,
	};
	static struct buf b;
	size_t p;

	memset(&b, 0, sizeof(b));
	add_n(&b, 0, 8);
	mb2_tag(&b, 21, (const uint8_t[]){ 0, 0, 0x10, 0 }, 4);
	mb2_tag(&b, 1, cmdline, sizeof(cmdline));
	mb2_tag(&b, 2, "GRUB 2.12", 10);
	p = mb2_tag(&b, 3, NULL, 8 + 13);
	put_n(&b, p, 0x200000, 4), put_n(&b, p + 4, 0x280000, 4), memcpy(b.d + p + 8, "programs.img", 13);
	p = mb2_tag(&b, 3, NULL, 8 + 12);
	put_n(&b, p, 0x280000, 4), put_n(&b, p + 4, 0x280010, 4), memcpy(b.d + p + 8, "extra a=1 b", 12);
	mb2_tag(&b, 4, (const uint8_t[]){ 0x80, 2, 0, 0, 0, 0xfc, 0x07, 0 }, 8);
	mb2_mmap(&b, 6);
	mb2_tag(&b, 8, fb, sizeof(fb));
	mb2_tag(&b, 12, (const uint8_t[]){ 0x18, 0xb0, 0x5e, 0x0f, 0, 0, 0, 0 }, 8);
	p = mb2_tag(&b, 15, NULL, 36);
	memcpy(b.d + p, "RSD PTR ", 8), memcpy(b.d + p + 9, "BOCHS ", 6), b.d[p + 15] = 2;
	p = mb2_tag(&b, 14, NULL, 20);
	memcpy(b.d + p, "RSD PTR ", 8), memcpy(b.d + p + 9, "BOCHS ", 6);
	mb2_tag(&b, 0, NULL, 0);
	put_n(&b, 0, b.len, 4);
	phys_seed("mb2-uefi-rgb", 0x10000, 0x10000, &b, 0, NULL);
}

/* More memory map entries than the kernel keeps. */
static void seed_mb2_mmap_full(void)
{
	static struct buf b;

	memset(&b, 0, sizeof(b));
	add_n(&b, 0, 8);
	mb2_mmap(&b, 130);
	mb2_tag(&b, 0, NULL, 0);
	put_n(&b, 0, b.len, 4);
	phys_seed("mb2-mmap-full", 0x20000, 0x20000, &b, 0, NULL);
}

/* QEMU -kernel -initrd 'mod.txt arg1': the map at 0x9000, the structure at
 * 0x9500, the module list and the strings after the kernel (0x187000). */
static void seed_mb1_qemu(void)
{
	static const char *strs[] = { "/tmp/mod.txt arg1", "build/ingot.elf console=serial", "qemu" };
	static const uint64_t map[][3] = {
		{ 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0xf0000, 0x10000, 2 }, { 0x100000, 0xfedf000, 1 },
		{ 0xffdf000, 0x21000, 2 }, { 0xb0000000, 0x10000000, 2 }, { 0xfed1c000, 0x4000, 2 },
		{ 0xfffc0000, 0x40000, 2 }, { 0xfd00000000, 0x300000000, 2 },
	};
	static struct buf a, b;
	uint32_t str[3], at = 0x187010;

	memset(&a, 0, sizeof(a)), memset(&b, 0, sizeof(b));
	for (size_t i = 0; i < 9; i++) {
		put_n(&a, 24 * i, 20, 4);
		put_n(&a, 24 * i + 4, map[i][0], 8);
		put_n(&a, 24 * i + 12, map[i][1], 8);
		put_n(&a, 24 * i + 20, map[i][2], 4);
	}
	b.len = 0x10;
	for (int i = 0; i < 3; i++) {
		str[i] = at;
		add_bytes(&b, strs[i], strlen(strs[i]) + 1);
		at += (uint32_t)strlen(strs[i]) + 1;
	}
	b.len += 64;            /* memory goes on after the strings */
	put_n(&b, 0, 0x188000, 4), put_n(&b, 4, 0x188006, 4), put_n(&b, 8, str[0], 4);
	put_n(&a, 0x500, 0x24f, 4), put_n(&a, 0x504, 639, 4), put_n(&a, 0x508, 260988, 4);
	put_n(&a, 0x50c, 0x8000ffff, 4), put_n(&a, 0x510, str[1], 4), put_n(&a, 0x514, 1, 4);
	put_n(&a, 0x518, 0x187000, 4), put_n(&a, 0x52c, 9 * 24, 4), put_n(&a, 0x530, 0x9000, 4);
	put_n(&a, 0x540, str[2], 4);
	a.len = 0x574;
	phys_seed("mb1-qemu", 0x9500, 0x9000, &a, 0x187000, &b);
}

/* A multiboot1 loader with a framebuffer and no map: the basic figures. */
static void seed_mb1_fb(void)
{
	static struct buf a;

	memset(&a, 0, sizeof(a));
	put_n(&a, 0, 1u << 0 | 1u << 2 | 1u << 9 | 1u << 12, 4);
	put_n(&a, 4, 639, 4), put_n(&a, 8, 130048, 4);
	put_n(&a, 16, 0x8080, 4), put_n(&a, 64, 0x80c0, 4);
	put_n(&a, 88, 0xfd000000, 8), put_n(&a, 96, 4096, 4), put_n(&a, 100, 1024, 4), put_n(&a, 104, 768, 4);
	put_n(&a, 108, 32, 1), put_n(&a, 109, 1, 1);
	memcpy(a.d + 110, (const uint8_t[]){ 16, 8, 8, 8, 0, 8 }, 6);
	memcpy(a.d + 0x80, "ingot.elf console=screen", 25);
	memcpy(a.d + 0xc0, "SYSLINUX 6.04", 14);
	a.len = 0x100;
	phys_seed("mb1-fb-no-map", 0x8000, 0x8000, &a, 0, NULL);
}

/* ---- command lines ---- */

#define UP "\033[A"
#define LEFT "\033[D"
#define RIGHT "\033[C"

static const struct {
	const char *name, *text;
} lines[] = {
	{ "peek", "peek 0x1000 8\r" },
	{ "exec", "exec hello.elf a b\r" },
	{ "quotes", "exec args.elf \"two words\" 'it''s' back\\ slash; version\r\n" },
	{ "numbers", "poke 200000 0x1234; mem 16M; dump 0b8000 0o17 0b101 99999999999999999999\r" },
	{ "kernel-cmdline", "console=serial autorun=\"acpi; poweroff\" console=all" },
	{ "grub-cmdline", "console=all \"autorun=bootinfo; poweroff\"" },
	{ "arrows", "peek b8000 2\r" UP LEFT LEFT RIGHT "3\r" UP UP "\033[B\033[B\r" },
	{ "keys", "dump 100000 64\033[1~x\033[4~\033[3~\033OH\033OF\033[7~\033[8~\001\005\013\025\027\014y\003z\r" },
	{ "tab", "he\t\tp\t\rme\t\rpo\t\t\r;  re\t\r" },
	{ "modifiers", "cpuid 1\033[1;5C\033[1;5D\033[200~pasted\033[201~\033[99999999~\033[?25h\033\r" },
};

/* A full line from a few bytes: fuzz_cmdline offers a 176-byte name for
 * "pp", so each "pp<Tab>;" adds 128 bytes; then the full line, edited and
 * entered again and again, overflows the history. */
static void seed_cmdline_full(void)
{
	static struct buf b;

	memset(&b, 0, sizeof(b));
	for (int i = 0; i < 66; i++)
		add_bytes(&b, "pp\t;", 4);
	add_bytes(&b, "\r", 1);
	for (int i = 0; i < 4; i++)
		add_bytes(&b, UP "\177\r", 5);
	seed_write("cmdline", "full-line-history", b.d, b.len);
}

static void seeds_cmdline(void)
{
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		seed_write("cmdline", lines[i].name, lines[i].text, strlen(lines[i].text));
	seed_cmdline_full();
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds_boot DIR (writes DIR/acpi, DIR/bootinfo, DIR/cmdline)\n");
		return 2;
	}
	outdir = argv[1];
	seeds_acpi();
	seed_mb2_uefi();
	seed_mb2_mmap_full();
	seed_mb1_qemu();
	seed_mb1_fb();
	seeds_cmdline();
	return 0;
}
