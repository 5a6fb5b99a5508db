/* elf.c: checking and loading ELF64 x86-64 programs (ELF-64 Object File
 * Format 1.5; System V ABI AMD64 supplement: R_X86_64_RELATIVE is B + A).
 * Pure code over a file in memory: tests/unit/test_elf.c and tests/fuzz/fuzz_elf.c. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "console.h"
#include "elf.h"
#include "elf_priv.h"
#include "errno.h"
#include "string.h"

/* Record sizes (ELF-64 1.5, section 3) and the values Ingot accepts. */
#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define SHDR_SIZE 64
#define SYM_SIZE 24
#define RELA_SIZE 24
#define DYN_SIZE 16

enum { ET_REL = 1, ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4, EM_X86_64 = 62 };
enum { PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_TLS = 7 };
enum { PF_X = 1, PF_W = 2 };
enum { DT_NULL = 0, DT_NEEDED = 1, DT_PLTRELSZ = 2, DT_RELA = 7, DT_RELASZ = 8, DT_RELAENT = 9,
       DT_REL = 17, DT_RELSZ = 18, DT_JMPREL = 23, DT_RELR = 36 };
enum { R_X86_64_NONE = 0, R_X86_64_RELATIVE = 8 };
enum { SHT_SYMTAB = 2, SHT_STRTAB = 3, STT_FUNC = 2 };

#define PAGE 4096ull
#define ADDR_LIMIT (1ull << 47)   /* the lower canonical half */
#define MAX_SPAN (1ull << 40)     /* 1 TiB */
#define MAX_ALIGN (1ull << 30)
#define X(v) ((unsigned long long)(v))

struct ctx {
	const uint8_t *f;
	size_t len;
	struct elf_image *img;
	char *why;
	size_t whysz;
	uint64_t dyn_off, dyn_size;
	bool has_dyn;
};

/* Little-endian fields, byte by byte: no alignment assumed. */
static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* [off, off + size) lies inside a file of len bytes (no overflow). */
static bool in_file(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static int vfail(char *why, size_t whysz, int err, const char *fmt, va_list ap)
{
	if (why && whysz)
		kvsnprintf(why, whysz, fmt, ap);
	return err;
}

static __attribute__((format(printf, 4, 5))) int fail(char *why, size_t whysz, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = vfail(why, whysz, err, fmt, ap);
	va_end(ap);
	return err;
}

static __attribute__((format(printf, 2, 3))) int bad(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vfail(c->why, c->whysz, -ENOEXEC, fmt, ap);
	va_end(ap);
	return err;
}

/* e_ident: magic, class, byte order, version, OS ABI (ELF-64 1.5, 3.1). */
static int check_ident(struct ctx *c)
{
	const uint8_t *f = c->f;

	if (c->len < EHDR_SIZE)
		return bad(c, "file too short for an ELF header (%zu bytes)", c->len);
	if (f[0] != 0x7f || f[1] != 'E' || f[2] != 'L' || f[3] != 'F')
		return bad(c, "not an ELF file (bad magic)");
	if (f[4] == 1)
		return bad(c, "32-bit ELF (ELFCLASS32): Ingot runs 64-bit programs");
	if (f[4] != 2)
		return bad(c, "unknown ELF class %u", f[4]);
	if (f[5] == 2)
		return bad(c, "big-endian ELF (ELFDATA2MSB): x86-64 is little-endian");
	if (f[5] != 1)
		return bad(c, "unknown ELF data encoding %u", f[5]);
	if (f[6] != 1)
		return bad(c, "unknown ELF identification version %u", f[6]);
	if (f[7] != 0 && f[7] != 3)
		return bad(c, "OS ABI %u is neither System V (0) nor GNU (3)", f[7]);
	return 0;
}

/* The fixed header fields after e_ident. */
static int check_header(struct ctx *c)
{
	const uint8_t *f = c->f;
	uint16_t type = rd16(f + 16), machine = rd16(f + 18), phnum = rd16(f + 56);
	uint64_t phoff = rd64(f + 32);

	if (machine != EM_X86_64)
		return bad(c, "machine %u is not x86-64 (62)", machine);
	if (rd32(f + 20) != 1)
		return bad(c, "ELF header version %u is not 1", rd32(f + 20));
	if (type == ET_REL)
		return bad(c, "relocatable object (ET_REL), not a program: link it first");
	if (type == ET_CORE)
		return bad(c, "core dump (ET_CORE), not a program");
	if (type != ET_EXEC && type != ET_DYN)
		return bad(c, "ELF type %u is not an executable", type);
	if (rd16(f + 52) != EHDR_SIZE)
		return bad(c, "ELF header size %u is not 64", rd16(f + 52));
	if (rd16(f + 54) != PHDR_SIZE)
		return bad(c, "program header size %u is not 56", rd16(f + 54));
	if (phnum == 0)
		return bad(c, "no program headers");
	if (!in_file(c->len, phoff, (uint64_t)phnum * PHDR_SIZE))
		return bad(c, "program headers (%u at 0x%llx) run past the end of the file (%zu bytes)",
			   phnum, X(phoff), c->len);
	c->img->type = type;
	c->img->entry = rd64(f + 24);
	return 0;
}

/* Alignment: 0 or 1 means none, else a power of two with offset and
 * address agreeing modulo it (ELF-64 1.5, 4.1: p_align). */
static int check_align(struct ctx *c, unsigned n, const struct elf_segment *s)
{
	if (s->align <= 1)
		return 0;
	if (s->align & (s->align - 1))
		return bad(c, "segment %u: alignment 0x%llx is not a power of two", n, X(s->align));
	if (s->align > MAX_ALIGN)
		return bad(c, "segment %u: alignment 0x%llx is over 1 GiB", n, X(s->align));
	if ((s->offset ^ s->vaddr) & (s->align - 1))
		return bad(c, "segment %u: offset 0x%llx and address 0x%llx differ modulo its alignment 0x%llx",
			   n, X(s->offset), X(s->vaddr), X(s->align));
	return 0;
}

static int add_segment(struct ctx *c, const uint8_t *ph)
{
	struct elf_image *img = c->img;
	unsigned n = img->nseg;
	struct elf_segment s = {
		.flags = rd32(ph + 4), .offset = rd64(ph + 8), .vaddr = rd64(ph + 16),
		.filesz = rd64(ph + 32), .memsz = rd64(ph + 40), .align = rd64(ph + 48),
	};

	if (n == ELF_MAX_SEGMENTS)
		return bad(c, "more than %u loadable segments", ELF_MAX_SEGMENTS);
	if (s.filesz > s.memsz)
		return bad(c, "segment %u: file size 0x%llx exceeds its memory size 0x%llx", n, X(s.filesz), X(s.memsz));
	if (!in_file(c->len, s.offset, s.filesz))
		return bad(c, "segment %u: file bytes 0x%llx+0x%llx run past the end of the file (%zu bytes)",
			   n, X(s.offset), X(s.filesz), c->len);
	if (s.vaddr >= ADDR_LIMIT || s.memsz > ADDR_LIMIT - s.vaddr)
		return bad(c, "segment %u: addresses 0x%llx+0x%llx leave the lower half of the address space",
			   n, X(s.vaddr), X(s.memsz));
	if (check_align(c, n, &s))
		return -ENOEXEC;
	if (s.memsz)              /* an empty one loads nothing: not kept */
		img->seg[img->nseg++] = s;
	return 0;
}

static int program_header(struct ctx *c, unsigned i, const uint8_t *ph)
{
	switch (rd32(ph)) {
	case PT_LOAD:
		return add_segment(c, ph);
	case PT_INTERP:
		return bad(c, "needs a dynamic loader (PT_INTERP): link it with -static-pie");
	case PT_TLS:
		return bad(c, "uses thread-local storage (PT_TLS), which Ingot does not provide");
	case PT_DYNAMIC:
		if (c->has_dyn)
			return bad(c, "more than one PT_DYNAMIC");
		c->dyn_off = rd64(ph + 8);
		c->dyn_size = rd64(ph + 32);
		if (!in_file(c->len, c->dyn_off, c->dyn_size))
			return bad(c, "program header %u: dynamic table 0x%llx+0x%llx runs past the end of the file",
				   i, X(c->dyn_off), X(c->dyn_size));
		c->has_dyn = true;
		return 0;
	default:
		return 0;
	}
}

static int check_overlaps(struct ctx *c)
{
	const struct elf_image *img = c->img;

	for (unsigned i = 0; i < img->nseg; i++)
		for (unsigned j = i + 1; j < img->nseg; j++) {
			const struct elf_segment *a = &img->seg[i], *b = &img->seg[j];

			if (a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz)
				return bad(c, "segments %u (0x%llx-0x%llx) and %u (0x%llx-0x%llx) overlap",
					   i, X(a->vaddr), X(a->vaddr + a->memsz), j, X(b->vaddr), X(b->vaddr + b->memsz));
		}
	return 0;
}

/* Span, alignment and entry point, once every segment is known. */
static int check_layout(struct ctx *c)
{
	struct elf_image *img = c->img;
	uint64_t lo = UINT64_MAX, hi = 0;
	int in = -1;

	if (img->nseg == 0)
		return bad(c, "no loadable (PT_LOAD) segment");
	if (check_overlaps(c))
		return -ENOEXEC;
	img->max_align = PAGE;
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		lo = s->vaddr < lo ? s->vaddr : lo;
		hi = s->vaddr + s->memsz > hi ? s->vaddr + s->memsz : hi;
		img->max_align = s->align > img->max_align ? s->align : img->max_align;
		if (img->entry >= s->vaddr && img->entry - s->vaddr < s->filesz)
			in = (int)i;
	}
	img->lo = lo & ~(PAGE - 1);
	img->hi = align_up(hi, PAGE);
	if (img->hi - img->lo > MAX_SPAN)
		return bad(c, "segments span 0x%llx bytes (over 1 TiB)", X(img->hi - img->lo));
	if (in < 0)
		return bad(c, "entry point 0x%llx is outside every segment's file bytes", X(img->entry));
	if (!(img->seg[in].flags & PF_X))
		return bad(c, "entry point 0x%llx is in segment %d, which is not executable", X(img->entry), in);
	return 0;
}

/* File offset of [addr, addr + size) when a segment holds it in the file. */
static bool addr_to_off(const struct elf_image *img, uint64_t addr, uint64_t size, uint64_t *off)
{
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (addr >= s->vaddr && size <= s->filesz && addr - s->vaddr <= s->filesz - size) {
			*off = s->offset + (addr - s->vaddr);
			return true;
		}
	}
	return false;
}

static const char *reloc_name(uint32_t type)
{
	switch (type) {
	case 1: return "R_X86_64_64";
	case 2: return "R_X86_64_PC32";
	case 5: return "R_X86_64_COPY";
	case 6: return "R_X86_64_GLOB_DAT";
	case 7: return "R_X86_64_JUMP_SLOT";
	case 16: return "R_X86_64_DTPMOD64";
	case 18: return "R_X86_64_TPOFF64";
	case 37: return "R_X86_64_IRELATIVE";
	default: return "unknown";
	}
}

/* Relocation i: R_X86_64_NONE, or R_X86_64_RELATIVE writing 8 bytes inside a
 * writable segment. Used by elf_parse and again by elf_load. */
static int check_rela(const uint8_t *r, uint64_t i, const struct elf_image *img, char *why, size_t whysz)
{
	uint64_t where = rd64(r);
	uint32_t type = (uint32_t)rd64(r + 8);

	if (type == R_X86_64_NONE)
		return 0;
	if (type != R_X86_64_RELATIVE)
		return fail(why, whysz, -ENOEXEC, "relocation %llu has type %u (%s): only R_X86_64_RELATIVE is supported",
			    X(i), type, reloc_name(type));
	for (unsigned k = 0; k < img->nseg; k++) {
		const struct elf_segment *s = &img->seg[k];

		if ((s->flags & PF_W) && where >= s->vaddr && s->memsz >= 8 && where - s->vaddr <= s->memsz - 8)
			return 0;
	}
	return fail(why, whysz, -ENOEXEC, "relocation %llu at 0x%llx is outside the writable segments", X(i), X(where));
}

struct dyn_info {
	uint64_t rela, relasz, relaent;
	bool has_rela;
};

/* One dynamic entry: remember the RELA table, refuse what needs a loader. */
static int dynamic_entry(struct ctx *c, int64_t tag, uint64_t val, struct dyn_info *d)
{
	switch (tag) {
	case DT_NEEDED:
		return bad(c, "needs shared libraries (DT_NEEDED): link it with -static-pie");
	case DT_REL: case DT_RELSZ:
		return val || tag == DT_REL ? bad(c, "has REL relocations (DT_REL): x86-64 programs use RELA") : 0;
	case DT_JMPREL: case DT_PLTRELSZ:
		return val || tag == DT_JMPREL ? bad(c, "has PLT relocations (DT_JMPREL): link it with -static-pie -fno-plt") : 0;
	case DT_RELR:
		return bad(c, "has packed relocations (DT_RELR): link it without -z pack-relative-relocs");
	case DT_RELA: d->rela = val; d->has_rela = true; return 0;
	case DT_RELASZ: d->relasz = val; return 0;
	case DT_RELAENT: d->relaent = val; return 0;
	default: return 0;
	}
}

static int check_relocations(struct ctx *c, const struct dyn_info *d)
{
	struct elf_image *img = c->img;
	uint64_t off;

	if (!d->has_rela && !d->relasz)
		return 0;
	if (!d->has_rela)
		return bad(c, "DT_RELASZ without DT_RELA");
	if (d->relaent != RELA_SIZE)
		return bad(c, "relocation entry size %llu is not 24", X(d->relaent));
	if (d->relasz % RELA_SIZE)
		return bad(c, "relocation table size 0x%llx is not a multiple of 24", X(d->relasz));
	if (!addr_to_off(img, d->rela, d->relasz, &off))
		return bad(c, "relocation table 0x%llx+0x%llx is not in the file bytes of a segment",
			   X(d->rela), X(d->relasz));
	for (uint64_t i = 0; i < d->relasz / RELA_SIZE; i++)
		if (check_rela(c->f + off + i * RELA_SIZE, i, img, c->why, c->whysz))
			return -ENOEXEC;
	img->rela_off = off;
	img->rela_size = d->relasz;
	return 0;
}

static int check_dynamic(struct ctx *c)
{
	struct dyn_info d = { 0, 0, 0, false };

	if (!c->has_dyn)
		return 0;
	for (uint64_t at = 0; at + DYN_SIZE <= c->dyn_size; at += DYN_SIZE) {
		const uint8_t *e = c->f + c->dyn_off + at;
		int64_t tag = (int64_t)rd64(e);

		if (tag == DT_NULL)
			break;
		if (dynamic_entry(c, tag, rd64(e + 8), &d))
			return -ENOEXEC;
	}
	return check_relocations(c, &d);
}

/* Optional: .symtab and its string table, for backtraces. Anything odd just
 * leaves the program without symbols. */
static void find_symbols(struct ctx *c)
{
	const uint8_t *f = c->f;
	uint64_t shoff = rd64(f + 40);
	uint16_t shnum = rd16(f + 60);

	if (!shoff || !shnum || rd16(f + 58) != SHDR_SIZE || !in_file(c->len, shoff, (uint64_t)shnum * SHDR_SIZE))
		return;
	for (unsigned i = 0; i < shnum; i++) {
		const uint8_t *sh = f + shoff + (uint64_t)i * SHDR_SIZE, *st;
		uint32_t link = rd32(sh + 40);

		if (rd32(sh + 4) != SHT_SYMTAB || rd64(sh + 56) != SYM_SIZE || link >= shnum)
			continue;
		st = f + shoff + (uint64_t)link * SHDR_SIZE;
		if (rd32(st + 4) != SHT_STRTAB || !rd64(st + 32) || !in_file(c->len, rd64(sh + 24), rd64(sh + 32)) ||
		    !in_file(c->len, rd64(st + 24), rd64(st + 32)))
			continue;
		c->img->sym_off = rd64(sh + 24);
		c->img->sym_size = rd64(sh + 32) / SYM_SIZE * SYM_SIZE;
		c->img->str_off = rd64(st + 24);
		c->img->str_size = rd64(st + 32);
		return;
	}
}

int elf_parse(const void *file, size_t len, struct elf_image *img, char *why, size_t whysz)
{
	struct ctx c = { file, len, img, why, whysz, 0, 0, false };
	uint64_t phoff;

	memset(img, 0, sizeof(*img));
	if (why && whysz)
		why[0] = 0;
	if (check_ident(&c) || check_header(&c))
		return -ENOEXEC;
	phoff = rd64(c.f + 32);
	for (unsigned i = 0; i < rd16(c.f + 56); i++)
		if (program_header(&c, i, c.f + phoff + (uint64_t)i * PHDR_SIZE))
			return -ENOEXEC;
	if (check_layout(&c) || check_dynamic(&c))
		return -ENOEXEC;
	find_symbols(&c);
	return 0;
}

/* ET_EXEC: every segment, page-rounded, inside the region and off avoid. */
static int place_fixed(const struct elf_image *img, uint64_t region, uint64_t region_len, uint64_t avoid,
		       uint64_t avoid_len, char *why, size_t whysz)
{
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t lo = s->vaddr & ~(PAGE - 1), len = align_up(s->vaddr + s->memsz, PAGE) - lo;

		if (lo < region || lo - region > region_len || len > region_len - (lo - region))
			return fail(why, whysz, -ENOEXEC, "segment %u at 0x%llx-0x%llx is outside the free memory 0x%llx-0x%llx",
				    i, X(lo), X(lo + len), X(region), X(region + region_len));
		if (elf_overlaps(lo, len, avoid, avoid_len))
			return fail(why, whysz, -ENOEXEC, "segment %u at 0x%llx-0x%llx overlaps memory in use at 0x%llx-0x%llx",
				    i, X(lo), X(lo + len), X(avoid), X(avoid + avoid_len));
	}
	return 0;
}

int elf_place(const struct elf_image *img, uint64_t region, uint64_t region_len, uint64_t avoid, uint64_t avoid_len,
	      uint64_t *bias, char *why, size_t whysz)
{
	uint64_t span = img->hi - img->lo, start;

	*bias = 0;
	if (img->type == ET_EXEC)
		return place_fixed(img, region, region_len, avoid, avoid_len, why, whysz);
	if (img->max_align & (img->max_align - 1) || !img->max_align)
		return fail(why, whysz, -ENOEXEC, "alignment 0x%llx is not a power of two", X(img->max_align));
	if (elf_place_from(img, region, region, region_len, &start) && !elf_overlaps(start, span, avoid, avoid_len)) {
		*bias = start - img->lo;
		return 0;
	}
	if (avoid_len <= UINT64_MAX - avoid && elf_place_from(img, avoid + avoid_len, region, region_len, &start)) {
		*bias = start - img->lo;
		return 0;
	}
	return fail(why, whysz, -ENOMEM, "program needs %llu KiB (aligned to 0x%llx), the free memory has %llu KiB",
		    X((span + 1023) / 1024), X(img->max_align), X(region_len / 1024));
}

int elf_load(const void *file, size_t len, const struct elf_image *img, uint64_t bias, char *why, size_t whysz)
{
	const uint8_t *f = file;
	uint64_t value;

	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint8_t *dst = (uint8_t *)(uintptr_t)(s->vaddr + bias);

		if (!in_file(len, s->offset, s->filesz) || s->filesz > s->memsz)
			return fail(why, whysz, -ENOEXEC, "segment %u does not match the file", i);
		memcpy(dst, f + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
	if (!in_file(len, img->rela_off, img->rela_size))
		return fail(why, whysz, -ENOEXEC, "relocation table does not match the file");
	for (uint64_t i = 0; i < img->rela_size / RELA_SIZE; i++) {
		const uint8_t *r = f + img->rela_off + i * RELA_SIZE;

		if (check_rela(r, i, img, why, whysz))
			return -ENOEXEC;
		if ((uint32_t)rd64(r + 8) != R_X86_64_RELATIVE)
			continue;
		value = bias + rd64(r + 16);
		memcpy((void *)(uintptr_t)(rd64(r) + bias), &value, 8);
	}
	return 0;
}

/* The NUL-terminated name at off in the string table, or NULL. */
static const char *sym_name(const uint8_t *f, const struct elf_image *img, uint32_t off)
{
	const char *s;

	if (off == 0 || off >= img->str_size)
		return NULL;
	s = (const char *)f + img->str_off + off;
	return strnlen(s, img->str_size - off) < img->str_size - off ? s : NULL;
}

/* The executable segment holding addr, or NULL. */
static const struct elf_segment *exec_segment(const struct elf_image *img, uint64_t addr)
{
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		if ((s->flags & PF_X) && addr >= s->vaddr && addr - s->vaddr < s->memsz)
			return s;
	}
	return NULL;
}

const char *elf_symbol(const void *file, size_t len, const struct elf_image *img, uint64_t addr, uint64_t *off)
{
	const uint8_t *f = file;
	const struct elf_segment *seg = exec_segment(img, addr);
	const char *best = NULL, *name;
	uint64_t best_value = 0;

	if (!img->sym_size || !in_file(len, img->sym_off, img->sym_size) || !in_file(len, img->str_off, img->str_size))
		return NULL;
	for (uint64_t at = 0; at + SYM_SIZE <= img->sym_size; at += SYM_SIZE) {
		const uint8_t *sym = f + img->sym_off + at;
		uint64_t value = rd64(sym + 8), size = rd64(sym + 16);

		if ((sym[4] & 0xf) != STT_FUNC || rd16(sym + 6) == 0 || value > addr ||
		    !(name = sym_name(f, img, rd32(sym))))
			continue;
		if (addr - value < size) {
			best = name, best_value = value;
			break;
		}
		if (seg && value >= seg->vaddr && (!best || value > best_value))
			best = name, best_value = value;
	}
	if (best && off)
		*off = addr - best_value;
	return best;
}
