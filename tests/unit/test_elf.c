/* test_elf.c: host tests of src/elf.c: a small ET_DYN/ET_EXEC image built in memory,
 * each corruption with its own reason, every truncation and bit flip, placement, and
 * build/programs/NAME.elf loaded and run natively on a fake API table (threads as cores). */
/* sources: src/elf.c src/elf_place.c src/format.c */
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include "elf.h"
#include "errno.h"
#define INGOT_KERNEL_BUILD   /* the table only, not the program-side wrappers */
#include "ingot.h"
#include "unit.h"

/* The test image (vaddr = offset for segment 0, offset + 0x1000 for segment 1):
 * 0x000 ELF header, 0x040 four program headers, 0x140 "main" (0x20 bytes),
 * 0x160 "helper" (0x10), 0x180 two RELA entries, 0x200 dynamic table (segment
 * 1 starts, vaddr 0x1200), 0x240 two pointers to relocate, 0x250 data,
 * 0x300 .symtab, 0x360 .strtab, 0x380 section headers, 0x440 the end. */
#define IMG_SIZE 0x440
#define NEEDED 0x300     /* the last byte elf_parse needs, plus one */
#define PH(i) (0x40 + (i) * 56)
#define RELA0 0x180
#define DYN 0x200
#define SYMTAB 0x300
#define STRTAB 0x360
#define SHDRS 0x380

static uint8_t img[IMG_SIZE];

/* include/string.h (first on the path) has no strstr. */
static int contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return 1;
	return !*needle;
}

static void put(uint32_t off, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++)
		img[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void put_phdr(unsigned i, uint32_t type, uint32_t flags, uint64_t off, uint64_t va, uint64_t filesz,
		     uint64_t memsz, uint64_t align)
{
	put(PH(i), 4, type); put(PH(i) + 4, 4, flags); put(PH(i) + 8, 8, off);
	put(PH(i) + 16, 8, va); put(PH(i) + 24, 8, va); put(PH(i) + 32, 8, filesz);
	put(PH(i) + 40, 8, memsz); put(PH(i) + 48, 8, align);
}

static void put_sym(unsigned i, uint32_t name, uint8_t info, uint16_t shndx, uint64_t value, uint64_t size)
{
	uint32_t at = SYMTAB + i * 24;

	put(at, 4, name); put(at + 4, 1, info); put(at + 6, 2, shndx);
	put(at + 8, 8, value); put(at + 16, 8, size);
}

static void put_shdr(unsigned i, uint32_t type, uint64_t off, uint64_t size, uint32_t link, uint64_t entsize)
{
	uint32_t at = SHDRS + i * 64;

	put(at + 4, 4, type); put(at + 24, 8, off); put(at + 32, 8, size);
	put(at + 40, 4, link); put(at + 56, 8, entsize);
}

static void build_headers(uint16_t type, uint64_t base)
{
	memcpy(img, "\x7f" "ELF\x02\x01\x01", 7);
	put(16, 2, type); put(18, 2, 62); put(20, 4, 1); put(24, 8, base + 0x140);
	put(32, 8, 0x40); put(40, 8, SHDRS); put(52, 2, 64); put(54, 2, 56); put(56, 2, 4);
	put(58, 2, 64); put(60, 2, 3); put(62, 2, 0);
	put_phdr(0, 1, 5, 0, base, 0x200, 0x200, 0x1000);                  /* text R X */
	put_phdr(1, 1, 6, 0x200, base + 0x1200, 0x100, 0x300, 0x1000);     /* data R W + BSS */
	put_phdr(2, 2, 6, DYN, base + 0x1200, 0x40, 0x40, 8);              /* PT_DYNAMIC */
	put_phdr(3, 0x6474e551, 6, 0, 0, 0, 0, 16);                        /* PT_GNU_STACK */
}

/* The whole image, linked at base (0 for ET_DYN). */
static void build(uint16_t type, uint64_t base)
{
	memset(img, 0, sizeof(img));
	build_headers(type, base);
	memset(img + 0x140, 0x90, 0x30);
	put(RELA0, 8, base + 0x1240); put(RELA0 + 8, 8, 8); put(RELA0 + 16, 8, base + 0x140);
	put(RELA0 + 24, 8, base + 0x1248); put(RELA0 + 32, 8, 8); put(RELA0 + 40, 8, base + 0x1250);
	put(DYN, 8, 7); put(DYN + 8, 8, base + RELA0);      /* DT_RELA */
	put(DYN + 16, 8, 8); put(DYN + 24, 8, 48);           /* DT_RELASZ */
	put(DYN + 32, 8, 9); put(DYN + 40, 8, 24);           /* DT_RELAENT */
	memset(img + 0x250, 0x5a, 0xb0);
	memcpy(img + STRTAB, "\0main\0helper\0table\0", 19);
	put_sym(1, 1, 0x12, 1, base + 0x140, 0x20);          /* main: GLOBAL FUNC */
	put_sym(2, 6, 0x02, 1, base + 0x160, 0x10);          /* helper: LOCAL FUNC */
	put_sym(3, 13, 0x11, 2, base + 0x1240, 16);          /* table: GLOBAL OBJECT */
	put_shdr(1, 2, SYMTAB, 4 * 24, 2, 24);
	put_shdr(2, 3, STRTAB, 19, 0, 0);
}

static int parse(struct elf_image *im, char *why, size_t len)
{
	return elf_parse(img, len, im, why, 160);
}

static void test_valid(void)
{
	struct elf_image im;
	char why[160];

	build(3, 0);
	CHECK("elf_valid_parses", parse(&im, why, IMG_SIZE) == 0);
	CHECK("elf_valid_type", im.type == 3 && im.entry == 0x140 && im.nseg == 2);
	CHECK("elf_valid_span", im.lo == 0 && im.hi == 0x2000 && im.max_align == 0x1000);
	CHECK("elf_valid_segments", im.seg[1].vaddr == 0x1200 && im.seg[1].filesz == 0x100 &&
	      im.seg[1].memsz == 0x300 && im.seg[1].flags == 6);
	CHECK("elf_valid_rela", im.rela_off == RELA0 && im.rela_size == 48);
	CHECK("elf_valid_symtab", im.sym_off == SYMTAB && im.sym_size == 96 && im.str_off == STRTAB && im.str_size == 19);
	CHECK_STR("elf_valid_why_empty", why, "");
	put_phdr(3, 1, 4, 0, 0x40000000, 0, 0, 0x1000); /* an empty PT_LOAD far away */
	CHECK("elf_empty_segment_ignored", parse(&im, why, IMG_SIZE) == 0 && im.nseg == 2 && im.hi == 0x2000);
}

static void test_load(void)
{
	struct elf_image im;
	uint8_t *mem = aligned_alloc(0x1000, 0x4000);
	uint64_t bias = 1, region = (uintptr_t)mem;
	char why[160];
	int bss_zero = 1;

	build(3, 0);
	memset(mem, 0xaa, 0x4000);
	CHECK("elf_load_parse", parse(&im, why, IMG_SIZE) == 0);
	CHECK("elf_load_place", elf_place(&im, region, 0x4000, (uintptr_t)img, IMG_SIZE, &bias, why, 160) == 0);
	CHECK_U64("elf_load_bias", bias, region);
	CHECK("elf_load_ok", elf_load(img, IMG_SIZE, &im, bias, why, 160) == 0);
	CHECK("elf_load_text", !memcmp(mem, img, 0x200));
	CHECK_U64("elf_load_reloc_code", get64(mem + 0x1240), bias + 0x140);
	CHECK_U64("elf_load_reloc_data", get64(mem + 0x1248), bias + 0x1250);
	CHECK("elf_load_data", mem[0x1250] == 0x5a && mem[0x12ff] == 0x5a);
	for (unsigned i = 0x1300; i < 0x1500; i++)
		bss_zero &= mem[i] == 0;
	CHECK("elf_load_bss_zeroed", bss_zero);
	CHECK("elf_load_gap_untouched", mem[0x200] == 0xaa && mem[0x1500] == 0xaa);
	free(mem);
}

static void test_symbols(void)
{
	struct elf_image im;
	uint64_t off = 99;
	const char *s;

	build(3, 0);
	parse(&im, NULL, IMG_SIZE);
	s = elf_symbol(img, IMG_SIZE, &im, 0x140, &off);
	CHECK("elf_symbol_exact", s && !strcmp(s, "main") && off == 0);
	s = elf_symbol(img, IMG_SIZE, &im, 0x15f, &off);
	CHECK("elf_symbol_inside", s && !strcmp(s, "main") && off == 0x1f);
	s = elf_symbol(img, IMG_SIZE, &im, 0x165, &off);
	CHECK("elf_symbol_local", s && !strcmp(s, "helper") && off == 5);
	s = elf_symbol(img, IMG_SIZE, &im, 0x1a0, &off);
	CHECK("elf_symbol_nearest_below", s && !strcmp(s, "helper") && off == 0x40);
	CHECK("elf_symbol_before_any", elf_symbol(img, IMG_SIZE, &im, 0x10, &off) == NULL);
	CHECK("elf_symbol_data_is_not_code", elf_symbol(img, IMG_SIZE, &im, 0x1244, &off) == NULL);
	CHECK("elf_symbol_outside", elf_symbol(img, IMG_SIZE, &im, 0x99999, &off) == NULL);
	put(SYMTAB + 24, 4, 0x1000);   /* main's name past the string table */
	s = elf_symbol(img, IMG_SIZE, &im, 0x150, &off);
	CHECK("elf_symbol_bad_name_skipped", s == NULL);
}

struct corruption {
	const char *name;
	uint32_t off[2];
	unsigned width[2];
	uint64_t value[2];
	const char *keyword;
};

static const struct corruption corruptions[] = {
	{ "bad_magic", { 1 }, { 1 }, { 'X' }, "magic" },
	{ "class32", { 4 }, { 1 }, { 1 }, "32-bit" },
	{ "class_unknown", { 4 }, { 1 }, { 7 }, "class 7" },
	{ "big_endian", { 5 }, { 1 }, { 2 }, "big-endian" },
	{ "data_unknown", { 5 }, { 1 }, { 3 }, "data encoding" },
	{ "ident_version", { 6 }, { 1 }, { 2 }, "identification version" },
	{ "os_abi", { 7 }, { 1 }, { 9 }, "OS ABI" },
	{ "machine", { 18 }, { 2 }, { 3 }, "machine 3" },
	{ "header_version", { 20 }, { 4 }, { 2 }, "header version" },
	{ "et_rel", { 16 }, { 2 }, { 1 }, "ET_REL" },
	{ "et_core", { 16 }, { 2 }, { 4 }, "ET_CORE" },
	{ "type_unknown", { 16 }, { 2 }, { 0x1234 }, "type 4660" },
	{ "ehsize", { 52 }, { 2 }, { 52 }, "ELF header size" },
	{ "phentsize", { 54 }, { 2 }, { 32 }, "program header size" },
	{ "phnum_zero", { 56 }, { 2 }, { 0 }, "no program headers" },
	{ "phoff_past_end", { 32 }, { 8 }, { 0x400 }, "program headers (4 at 0x400)" },
	{ "phoff_huge", { 32 }, { 8 }, { UINT64_MAX - 8 }, "program headers (4 at" },
	{ "phnum_past_end", { 56 }, { 2 }, { 30 }, "program headers (30 at" },
	{ "segment_past_end", { PH(1) + 8, PH(1) + 16 }, { 8, 8 }, { 0x10200, 0x11200 }, "run past the end" },
	{ "segment_offset_overflow", { PH(1) + 8 }, { 8 }, { UINT64_MAX - 0xdff }, "segment 1: file bytes 0xfffffffffffff200+0x100" },
	{ "filesz_gt_memsz", { PH(1) + 40 }, { 8 }, { 0x80 }, "exceeds its memory size" },
	{ "align_not_power_of_two", { PH(1) + 48 }, { 8 }, { 0x1800 }, "not a power of two" },
	{ "align_too_large", { PH(1) + 48 }, { 8 }, { 1ull << 31 }, "over 1 GiB" },
	{ "align_mismatch", { PH(1) + 16 }, { 8 }, { 0x1300 }, "modulo" },
	{ "upper_half", { PH(1) + 16 }, { 8 }, { 0x800000001200ull }, "lower half" },
	{ "address_overflow", { PH(1) + 40 }, { 8 }, { UINT64_MAX }, "lower half" },
	{ "overlapping_segments", { PH(0) + 40 }, { 8 }, { 0x1300 }, "overlap" },
	{ "span_over_1tib", { PH(1) + 16 }, { 8 }, { 0x20000001200ull }, "over 1 TiB" },
	{ "no_pt_load", { PH(0), PH(1) }, { 4, 4 }, { 0, 0 }, "no loadable" },
	{ "entry_outside_text", { 24 }, { 8 }, { 0x5000 }, "outside every segment" },
	{ "entry_in_bss", { 24 }, { 8 }, { 0x1400 }, "outside every segment" },
	{ "entry_not_executable", { 24 }, { 8 }, { 0x1240 }, "not executable" },
	{ "pt_interp", { PH(3) }, { 4 }, { 3 }, "PT_INTERP" },
	{ "pt_tls", { PH(3) }, { 4 }, { 7 }, "PT_TLS" },
	{ "two_dynamic", { PH(3) }, { 4 }, { 2 }, "more than one PT_DYNAMIC" },
	{ "dynamic_past_end", { PH(2) + 32 }, { 8 }, { 0x10000 }, "dynamic table" },
	{ "reloc_type_64", { RELA0 + 8 }, { 8 }, { 1 }, "type 1 (R_X86_64_64)" },
	{ "reloc_type_jump_slot", { RELA0 + 24 + 8 }, { 8 }, { 7 }, "relocation 1 has type 7 (R_X86_64_JUMP_SLOT)" },
	{ "reloc_type_unknown", { RELA0 + 8 }, { 8 }, { 99 }, "type 99 (unknown)" },
	{ "reloc_target_text", { RELA0 }, { 8 }, { 0x100 }, "outside the writable segments" },
	{ "reloc_target_past_bss", { RELA0 }, { 8 }, { 0x14fc }, "outside the writable segments" },
	{ "relaent", { DYN + 40 }, { 8 }, { 16 }, "entry size 16" },
	{ "relasz_not_multiple", { DYN + 24 }, { 8 }, { 47 }, "multiple of 24" },
	{ "rela_not_in_file", { DYN + 8 }, { 8 }, { 0x1300 }, "not in the file bytes" },
	{ "relasz_without_rela", { DYN }, { 8 }, { 0x6ffffff9 }, "without DT_RELA" },
	{ "dt_needed", { DYN + 48 }, { 8 }, { 1 }, "DT_NEEDED" },
	{ "dt_jmprel", { DYN + 48 }, { 8 }, { 23 }, "DT_JMPREL" },
	{ "dt_rel", { DYN + 48 }, { 8 }, { 17 }, "(DT_REL)" },
	{ "dt_relr", { DYN + 48 }, { 8 }, { 36 }, "DT_RELR" },
};

#define NCORRUPT (sizeof(corruptions) / sizeof(corruptions[0]))

static void test_corruptions(void)
{
	static char reasons[NCORRUPT][160];
	struct elf_image im;
	char name[96];
	int distinct = 1;

	for (size_t i = 0; i < NCORRUPT; i++) {
		const struct corruption *c = &corruptions[i];

		build(3, 0);
		for (int k = 0; k < 2 && c->width[k]; k++)
			put(c->off[k], c->width[k], c->value[k]);
		snprintf(name, sizeof(name), "elf_bad_%s", c->name);
		CHECK(name, parse(&im, reasons[i], IMG_SIZE) == -ENOEXEC);
		snprintf(name, sizeof(name), "elf_bad_%s_reason", c->name);
		if (contains(reasons[i], c->keyword))
			printf("PASS: %s\n", name);
		else
			printf("FAIL: %s: \"%s\" lacks \"%s\"\n", name, reasons[i], c->keyword), unit_failures++;
	}
	for (size_t i = 0; i < NCORRUPT; i++)
		for (size_t j = i + 1; j < NCORRUPT; j++)
			if (!strcmp(reasons[i], reasons[j]) && strcmp(corruptions[i].keyword, corruptions[j].keyword)) {
				printf("# same reason for %s and %s: %s\n", corruptions[i].name, corruptions[j].name, reasons[i]);
				distinct = 0;
			}
	CHECK("elf_bad_reasons_distinct", distinct);
}

static void test_too_many_segments(void)
{
	static uint8_t big[0x40 + 17 * 56 + 0x10];
	struct elf_image im;
	char why[160];

	build(3, 0);
	memcpy(big, img, 0x40);
	big[56] = 17;
	for (unsigned i = 0; i < 17; i++) {
		uint8_t *ph = big + 0x40 + i * 56;
		uint64_t va = i * 0x10;

		ph[0] = 1, ph[4] = 5;
		memcpy(ph + 16, &va, 8);
		ph[40] = 0x10;
	}
	CHECK("elf_bad_too_many_segments", elf_parse(big, sizeof(big), &im, why, sizeof(why)) == -ENOEXEC &&
	      contains(why, "more than 16"));
}

/* Every length: a copy of exactly that many bytes (ASan sees any over-read). */
static void test_truncations(void)
{
	struct elf_image im;
	int wrong = 0, crashed_symbols = 0;
	char why[160];

	build(3, 0);
	for (size_t len = 0; len <= IMG_SIZE; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		int r;

		memcpy(copy, img, len);
		r = elf_parse(copy, len, &im, why, sizeof(why));
		if ((len < NEEDED) != (r == -ENOEXEC) || (r == 0 && len < IMG_SIZE && im.sym_size))
			wrong++, printf("# truncated to %zu: %d %s\n", len, r, why);
		if (r == 0 && elf_symbol(copy, len, &im, 0x150, NULL) != NULL && len < IMG_SIZE)
			crashed_symbols++;
		free(copy);
	}
	CHECK("elf_truncated_every_length", wrong == 0);
	CHECK("elf_truncated_no_symbols", crashed_symbols == 0);
	CHECK("elf_truncated_header_reason", elf_parse(img, 10, &im, why, sizeof(why)) == -ENOEXEC &&
	      contains(why, "too short"));
}

/* Every single-bit flip: parse, and when it passes, place into and load
 * into a buffer standing for a fake region (ASan sees any stray write). */
static void test_bit_flips(void)
{
	enum { REGION = 0x10000000, REGION_LEN = 0x10000 };
	uint8_t *mem = aligned_alloc(0x1000, REGION_LEN);
	struct elf_image im;
	unsigned parsed = 0, loaded = 0, bad = 0;
	uint64_t bias;

	for (unsigned at = 0; at < IMG_SIZE; at++)
		for (unsigned bit = 0; bit < 8; bit++) {
			build(3, 0);
			img[at] ^= (uint8_t)(1u << bit);
			if (elf_parse(img, IMG_SIZE, &im, NULL, 0))
				continue;
			parsed++;
			if (elf_place(&im, REGION, REGION_LEN, 0, 0, &bias, NULL, 0))
				continue;
			if (bias + im.lo < REGION || bias + im.hi > REGION + REGION_LEN)
				bad++;
			loaded += elf_load(img, IMG_SIZE, &im, bias - REGION + (uintptr_t)mem, NULL, 0) == 0;
			elf_symbol(img, IMG_SIZE, &im, im.entry, NULL);
		}
	printf("# bit flips: %u of %u parse, %u load\n", parsed, IMG_SIZE * 8, loaded);
	CHECK("elf_bit_flips_stay_inside", bad == 0 && loaded > 0);
	free(mem);
}

static void test_place(void)
{
	struct elf_image im;
	uint64_t bias = 7;
	char why[160];

	build(3, 0);
	parse(&im, why, IMG_SIZE);
	CHECK("elf_place_too_big", elf_place(&im, 0x100000, 0x1000, 0, 0, &bias, why, 160) == -ENOMEM &&
	      contains(why, "needs 8 KiB"));
	CHECK("elf_place_unaligned_region", elf_place(&im, 0x100010, 0x10000, 0, 0, &bias, why, 160) == 0 &&
	      bias == 0x101000);
	CHECK("elf_place_exact_fit", elf_place(&im, 0x100000, 0x2000, 0, 0, &bias, why, 160) == 0 && bias == 0x100000);
	CHECK("elf_place_after_avoid", elf_place(&im, 0x100000, 0x10000, 0x100000, 0x3000, &bias, why, 160) == 0 &&
	      bias == 0x103000);
	CHECK("elf_place_before_avoid", elf_place(&im, 0x100000, 0x10000, 0x102000, 0x1000, &bias, why, 160) == 0 &&
	      bias == 0x100000);
	CHECK("elf_place_avoid_covers_region", elf_place(&im, 0x100000, 0x4000, 0xff000, 0x10000, &bias, why, 160) ==
	      -ENOMEM);
	put(PH(0) + 48, 8, 0x200000);
	parse(&im, why, IMG_SIZE);
	CHECK("elf_place_large_alignment", im.max_align == 0x200000 &&
	      elf_place(&im, 0x100000, 0x400000, 0, 0, &bias, why, 160) == 0 && bias == 0x200000);
}

static void test_exec(void)
{
	enum { BASE = 0x400000 };
	uint8_t *mem = aligned_alloc(0x1000, 0x2000);
	struct elf_image im;
	uint64_t bias = 7;
	char why[160];

	build(2, BASE);
	CHECK("elf_exec_parses", parse(&im, why, IMG_SIZE) == 0 && im.type == 2 && im.lo == BASE && im.hi == BASE + 0x2000);
	CHECK("elf_exec_inside_region", elf_place(&im, BASE, 0x10000, 0, 0, &bias, why, 160) == 0 && bias == 0);
	CHECK("elf_exec_outside_region", elf_place(&im, BASE + 0x100000, 0x10000, 0, 0, &bias, why, 160) == -ENOEXEC &&
	      contains(why, "segment 0 at 0x400000-0x401000 is outside the free memory"));
	CHECK("elf_exec_partly_outside", elf_place(&im, BASE, 0x1800, 0, 0, &bias, why, 160) == -ENOEXEC &&
	      contains(why, "segment 1"));
	CHECK("elf_exec_overlaps_avoid", elf_place(&im, BASE, 0x10000, BASE + 0x1100, 0x10, &bias, why, 160) == -ENOEXEC &&
	      contains(why, "segment 1 at 0x401000-0x402000 overlaps memory in use at 0x401100-0x401110"));
	/* Loaded through a bias standing for "mapped at mem": relocations add it. */
	CHECK("elf_exec_load", elf_load(img, IMG_SIZE, &im, (uintptr_t)mem - BASE, why, 160) == 0 &&
	      get64(mem + 0x1240) == (uintptr_t)mem + 0x140);
	free(mem);
}

/* The symbol table entry named name, by a plain scan (the test's own). */
static uint64_t symbol_value(const uint8_t *f, const struct elf_image *im, const char *name)
{
	for (uint64_t at = 0; at + 24 <= im->sym_size; at += 24) {
		uint32_t n;

		memcpy(&n, f + im->sym_off + at, 4);
		if (n < im->str_size && !strcmp((const char *)f + im->str_off + n, name))
			return get64(f + im->sym_off + at + 8);
	}
	return 0;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	*len = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc(*len ? *len : 1);
	if (fread(buf, 1, *len, fp) != *len)
		*len = 0;
	fclose(fp);
	return buf;
}

static int relocations_applied(const uint8_t *f, const struct elf_image *im, const uint8_t *mem, uint64_t bias)
{
	for (uint64_t i = 0; i < im->rela_size / 24; i++) {
		const uint8_t *r = f + im->rela_off + i * 24;

		if (get64(mem + get64(r) - im->lo) != bias + get64(r + 16))
			return 0;
	}
	return 1;
}

static void test_example(const char *prog)
{
	char path[64], name[96];
	size_t len = 0;
	uint8_t *f, *mem;
	struct elf_image im;
	uint64_t bias, off = 1, v;
	const char *s;
	char why[160];

	snprintf(path, sizeof(path), "build/programs/%s.elf", prog);
	if (!(f = read_file(path, &len))) {
		printf("# %s not built (make -C programs): skipped\n", path);
		return;
	}
	snprintf(name, sizeof(name), "elf_example_%s_parses", prog);
	CHECK(name, elf_parse(f, len, &im, why, sizeof(why)) == 0 && im.type == 3 && im.nseg == 3 && im.sym_size);
	mem = aligned_alloc(0x1000, im.hi - im.lo + 0x1000);
	snprintf(name, sizeof(name), "elf_example_%s_loads", prog);
	CHECK(name, elf_place(&im, (uintptr_t)mem, im.hi - im.lo, (uintptr_t)f, len, &bias, why, sizeof(why)) == 0 &&
	      elf_load(f, len, &im, bias, why, sizeof(why)) == 0 && relocations_applied(f, &im, mem, bias));
	snprintf(name, sizeof(name), "elf_example_%s_entry_is_start", prog);
	s = elf_symbol(f, len, &im, im.entry, &off);
	CHECK(name, s && !strcmp(s, "_start") && off == 0);
	snprintf(name, sizeof(name), "elf_example_%s_main", prog);
	v = symbol_value(f, &im, "main");
	s = elf_symbol(f, len, &im, v + 1, &off);
	CHECK(name, v && s && !strcmp(s, "main") && off == 1);
	if (!strcmp(prog, "fault")) {
		v = symbol_value(f, &im, "fault_here");
		s = elf_symbol(f, len, &im, v + 3, &off);
		CHECK("elf_example_fault_here", v && s && !strcmp(s, "fault_here") && off == 3);
	}
	free(mem);
	free(f);
}

/* A fake kernel for running the examples on the host: cores are threads. */
#define FAKE_CORES 4

static struct {
	char buf[8192];
	size_t len;
	pthread_mutex_t lock;
	pthread_t threads[FAKE_CORES];
	int busy[FAKE_CORES];
	jmp_buf exit_jmp;
	int exit_code;
} fake = { .lock = PTHREAD_MUTEX_INITIALIZER };
static __thread unsigned fake_core;

struct fake_start {
	unsigned core;
	void (*fn)(void *);
	void *arg;
};

static void fake_print(const char *s, size_t len)
{
	pthread_mutex_lock(&fake.lock);
	if (len > sizeof(fake.buf) - 1 - fake.len)
		len = sizeof(fake.buf) - 1 - fake.len;
	memcpy(fake.buf + fake.len, s, len);
	fake.len += len;
	fake.buf[fake.len] = 0;
	pthread_mutex_unlock(&fake.lock);
}

static int fake_getc(void) { return -1; }
static unsigned fake_core_count(void) { return FAKE_CORES; }
static unsigned fake_core_index(void) { return fake_core; }
static uint32_t fake_apic_id(void) { return fake_core * 2; }

static uint64_t fake_time_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void *fake_thread(void *p)
{
	struct fake_start st = *(struct fake_start *)p;

	free(p);
	fake_core = st.core;
	st.fn(st.arg);
	return NULL;
}

static int fake_run_on(unsigned core, void (*fn)(void *), void *arg)
{
	struct fake_start *st;

	if (core >= FAKE_CORES)
		return -ENODEV;
	if (core == fake_core || fake.busy[core])
		return -EBUSY;
	st = malloc(sizeof(*st));
	*st = (struct fake_start){ core, fn, arg };
	fake.busy[core] = 1;
	pthread_create(&fake.threads[core], NULL, fake_thread, st);
	return 0;
}

static int fake_run_all(void (*fn)(void *), void *arg)
{
	int n = 0;

	for (unsigned c = 1; c < FAKE_CORES; c++)
		n += fake_run_on(c, fn, arg) == 0;
	return n;
}

static int fake_wait_all(uint64_t timeout_ns)
{
	(void)timeout_ns;
	for (unsigned c = 1; c < FAKE_CORES; c++)
		if (fake.busy[c])
			pthread_join(fake.threads[c], NULL), fake.busy[c] = 0;
	return 0;
}

static void fake_lock(ingot_lock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		;
}

static void fake_unlock(ingot_lock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static __attribute__((noreturn)) void fake_exit(int code)
{
	fake.exit_code = code;
	longjmp(fake.exit_jmp, 1);
}

/* Load prog into fresh executable memory and call its entry like the kernel
 * does (table, argc, argv); its output lands in fake.buf. Returns the exit
 * code, or -1000 when it could not run. */
static int run_example(const char *prog, int argc, char **argv)
{
	static struct ingot_api api;
	static void *mem_area;
	char path[64], why[160];
	size_t len = 0;
	uint8_t *f, *mem;
	struct elf_image im;
	uint64_t bias;
	volatile int code = -1000;

	snprintf(path, sizeof(path), "build/programs/%s.elf", prog);
	if (!(f = read_file(path, &len)))
		return -1000;
	if (!mem_area)
		mem_area = malloc(8 << 20);
	api = (struct ingot_api){ .version = INGOT_API_VERSION, .size = sizeof(api), .print = fake_print,
		.getc = fake_getc, .time_ns = fake_time_ns, .core_count = fake_core_count,
		.core_index = fake_core_index, .core_apic_id = fake_apic_id, .run_on = fake_run_on,
		.run_all = fake_run_all, .wait_all = fake_wait_all, .lock = fake_lock, .unlock = fake_unlock,
		.mem_base = mem_area, .mem_size = 8 << 20, .exit = fake_exit };
	fake.len = 0, fake.buf[0] = 0;
	if (elf_parse(f, len, &im, why, sizeof(why)) == 0) {
		mem = mmap(NULL, im.hi - im.lo, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem != MAP_FAILED && !elf_place(&im, (uintptr_t)mem, im.hi - im.lo, 0, 0, &bias, why, sizeof(why)) &&
		    !elf_load(f, len, &im, bias, why, sizeof(why))) {
			void (*start)(const struct ingot_api *, int, char **) =
				(void (*)(const struct ingot_api *, int, char **))(uintptr_t)(im.entry + bias);

			if (!setjmp(fake.exit_jmp))
				start(&api, argc, argv);
			else
				code = fake.exit_code;
		}
		if (mem != MAP_FAILED)
			munmap(mem, im.hi - im.lo);
	}
	free(f);
	return code;
}

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void test_run_examples(void)
{
	char *hello[] = { "hello.elf", NULL }, *args[] = { "args.elf", "A", "b c", NULL };
	char *cores[] = { "cores.elf", NULL }, *primes[] = { "primes.elf", "1000000", NULL };
	char *primes_bad[] = { "primes.elf", "x", NULL };
	int code, all = 1;

	if ((code = run_example("hello", 1, hello)) == -1000) {
		printf("# build/programs not built (make -C programs): native runs skipped\n");
		return;
	}
	CHECK("elf_run_hello", code == 0 && !strcmp(fake.buf, "Hello from Ingot\n"));
	code = run_example("args", 3, args);
	CHECK("elf_run_args", code == 0 && !strcmp(fake.buf, "argc=3\nargv[0]=args.elf\nargv[1]=A\nargv[2]=b c\n"));
	code = run_example("cores", 1, cores);
	for (unsigned c = 0; c < FAKE_CORES; c++) {
		char line[32];

		snprintf(line, sizeof(line), "core %u apic %u\n", c, c * 2);
		all &= contains(fake.buf, line);
	}
	CHECK("elf_run_cores", code == 0 && all && contains(fake.buf, "\ncores: 4\n") && fake.len == 4 * 14 + 9);
	code = run_example("primes", 2, primes);
	CHECK("elf_run_primes", code == 0 && starts_with(fake.buf, "primes below 1000000: 78498 in ") &&
	      contains(fake.buf, " ms on 4 cores\n"));
	code = run_example("primes", 2, primes_bad);
	CHECK("elf_run_primes_bad_argument", code == 1 && starts_with(fake.buf, "error: primes: "));
	if (unit_failures)
		printf("# last output: %s\n", fake.buf);
}

int main(void)
{
	static const char *const examples[] = { "hello", "args", "cores", "primes", "fault", "spin" };

	test_valid();
	test_load();
	test_symbols();
	test_corruptions();
	test_too_many_segments();
	test_truncations();
	test_bit_flips();
	test_place();
	test_exec();
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
		test_example(examples[i]);
	test_run_examples();
	return unit_exit();
}
