/* elf_tiny.c: the tiny profile's ELF64 x86-64 checker and loader (ELF-64
 * Object File Format 1.5; System V ABI AMD64: R_X86_64_RELATIVE is B + A).
 * Every check of elf.c, with one short reason each and no program symbols.
 * Built by make PROFILE=tiny; tests/expect/tiny.exp runs programs through it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "elf.h"
#include "elf_priv.h"
#include "errno.h"
#include "string.h"

enum { ET_EXEC = 2, ET_DYN = 3, EM_X86_64 = 62 };
enum { PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_TLS = 7 };
enum { PF_X = 1, PF_W = 2 };
enum { DT_NULL = 0, DT_NEEDED = 1, DT_PLTRELSZ = 2, DT_RELA = 7, DT_RELASZ = 8, DT_RELAENT = 9,
       DT_REL = 17, DT_RELSZ = 18, DT_JMPREL = 23, DT_RELR = 36 };
enum { R_NONE = 0, R_RELATIVE = 8 };

#define PAGE 4096ull
#define ADDR_LIMIT (1ull << 47)
#define MAX_SPAN (1ull << 40)
#define MAX_ALIGN (1ull << 30)
#define RELA_SIZE 24

/* Fields are read unaligned: x86-64 allows it and the file is little-endian. */
#define RD(type, p) (*(const type __attribute__((aligned(1))) *)(const void *)(p))

static bool in_file(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

static int fail(char *why, size_t whysz, int err, const char *msg)
{
	if (why && whysz)
		strlcpy(why, msg, whysz);
	return err;
}

static int add_segment(struct elf_image *img, const uint8_t *ph, size_t len, char *why, size_t whysz)
{
	struct elf_segment s = {
		.flags = RD(uint32_t, ph + 4), .offset = RD(uint64_t, ph + 8), .vaddr = RD(uint64_t, ph + 16),
		.filesz = RD(uint64_t, ph + 32), .memsz = RD(uint64_t, ph + 40), .align = RD(uint64_t, ph + 48),
	};

	if (img->nseg == ELF_MAX_SEGMENTS)
		return fail(why, whysz, -ENOEXEC, "too many segments");
	if (s.filesz > s.memsz || !in_file(len, s.offset, s.filesz))
		return fail(why, whysz, -ENOEXEC, "segment past the end of the file");
	if (s.vaddr >= ADDR_LIMIT || s.memsz > ADDR_LIMIT - s.vaddr)
		return fail(why, whysz, -ENOEXEC, "segment outside the lower half");
	if (s.align > 1 && ((s.align & (s.align - 1)) || s.align > MAX_ALIGN || ((s.offset ^ s.vaddr) & (s.align - 1))))
		return fail(why, whysz, -ENOEXEC, "bad segment alignment");
	if (s.memsz)
		img->seg[img->nseg++] = s;
	return 0;
}

/* The segment holding [addr, addr + size) (in its file bytes when
 * file_only, else writable), or NULL. */
static const struct elf_segment *seg_at(const struct elf_image *img, uint64_t addr, uint64_t size, bool file_only)
{
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t lim = file_only ? s->filesz : s->memsz;

		if ((file_only || (s->flags & PF_W)) && addr >= s->vaddr && size <= lim && addr - s->vaddr <= lim - size)
			return s;
	}
	return NULL;
}

static int check_layout(struct elf_image *img, char *why, size_t whysz)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	const struct elf_segment *e = seg_at(img, img->entry, 1, true);

	if (!img->nseg)
		return fail(why, whysz, -ENOEXEC, "no PT_LOAD segment");
	img->max_align = PAGE;
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *a = &img->seg[i];

		for (unsigned j = i + 1; j < img->nseg; j++)
			if (a->vaddr < img->seg[j].vaddr + img->seg[j].memsz && img->seg[j].vaddr < a->vaddr + a->memsz)
				return fail(why, whysz, -ENOEXEC, "segments overlap");
		lo = a->vaddr < lo ? a->vaddr : lo;
		hi = a->vaddr + a->memsz > hi ? a->vaddr + a->memsz : hi;
		img->max_align = a->align > img->max_align ? a->align : img->max_align;
	}
	img->lo = lo & ~(PAGE - 1);
	img->hi = (hi + PAGE - 1) & ~(PAGE - 1);
	if (img->hi - img->lo > MAX_SPAN)
		return fail(why, whysz, -ENOEXEC, "segments span over 1 TiB");
	if (!e || !(e->flags & PF_X))
		return fail(why, whysz, -ENOEXEC, "entry point not in an executable segment");
	return 0;
}

/* Relocation r: R_X86_64_NONE, or RELATIVE on 8 bytes of a writable segment. */
static int check_rela(const uint8_t *r, const struct elf_image *img, char *why, size_t whysz)
{
	uint32_t type = RD(uint32_t, r + 8);

	if (type == R_NONE || (type == R_RELATIVE && seg_at(img, RD(uint64_t, r), 8, false)))
		return 0;
	return fail(why, whysz, -ENOEXEC, "relocation not R_X86_64_RELATIVE in a writable segment");
}

/* The dynamic table: RELA only; anything that needs a loader is refused. */
static int check_dynamic(const uint8_t *f, size_t len, uint64_t off, uint64_t size, struct elf_image *img,
			 char *why, size_t whysz)
{
	uint64_t rela = 0, relasz = 0, relaent = RELA_SIZE, roff;
	const struct elf_segment *s;
	bool has_rela = false;

	if (!in_file(len, off, size))
		return fail(why, whysz, -ENOEXEC, "dynamic table past the end of the file");
	for (uint64_t at = off; at + 16 <= off + size && RD(int64_t, f + at) != DT_NULL; at += 16) {
		int64_t tag = RD(int64_t, f + at);
		uint64_t val = RD(uint64_t, f + at + 8);

		if (tag == DT_NEEDED || tag == DT_RELR || tag == DT_REL || tag == DT_JMPREL ||
		    ((tag == DT_RELSZ || tag == DT_PLTRELSZ) && val))
			return fail(why, whysz, -ENOEXEC, "needs a dynamic loader: link it with -static-pie");
		if (tag == DT_RELA)
			rela = val, has_rela = true;
		else if (tag == DT_RELASZ)
			relasz = val;
		else if (tag == DT_RELAENT)
			relaent = val;
	}
	if (!has_rela && !relasz)
		return 0;
	s = seg_at(img, rela, relasz, true);
	if (!has_rela || relaent != RELA_SIZE || relasz % RELA_SIZE || !s)
		return fail(why, whysz, -ENOEXEC, "bad relocation table");
	roff = s->offset + (rela - s->vaddr);
	for (uint64_t i = 0; i < relasz; i += RELA_SIZE)
		if (check_rela(f + roff + i, img, why, whysz))
			return -ENOEXEC;
	img->rela_off = roff;
	img->rela_size = relasz;
	return 0;
}

static int check_header(const uint8_t *f, size_t len, char *why, size_t whysz)
{
	static const uint8_t ident[7] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	uint16_t type;

	if (len < 64 || memcmp(f, ident, 7) || (f[7] != 0 && f[7] != 3))
		return fail(why, whysz, -ENOEXEC, "not an ELF64 little-endian file");
	type = RD(uint16_t, f + 16);
	if (RD(uint16_t, f + 18) != EM_X86_64 || RD(uint32_t, f + 20) != 1 || (type != ET_EXEC && type != ET_DYN))
		return fail(why, whysz, -ENOEXEC, "not an x86-64 executable");
	if (RD(uint16_t, f + 52) != 64 || RD(uint16_t, f + 54) != 56 || !RD(uint16_t, f + 56) ||
	    !in_file(len, RD(uint64_t, f + 32), RD(uint16_t, f + 56) * 56ull))
		return fail(why, whysz, -ENOEXEC, "bad program headers");
	return 0;
}

int elf_parse(const void *file, size_t len, struct elf_image *img, char *why, size_t whysz)
{
	const uint8_t *f = file;
	uint64_t dyn_off = 0, dyn_size = 0;
	int ndyn = 0;

	memset(img, 0, sizeof(*img));
	if (check_header(f, len, why, whysz))
		return -ENOEXEC;
	img->type = RD(uint16_t, f + 16);
	img->entry = RD(uint64_t, f + 24);
	for (unsigned i = 0; i < RD(uint16_t, f + 56); i++) {
		const uint8_t *ph = f + RD(uint64_t, f + 32) + i * 56ull;
		uint32_t type = RD(uint32_t, ph);

		if (type == PT_INTERP || type == PT_TLS || (type == PT_DYNAMIC && ndyn++))
			return fail(why, whysz, -ENOEXEC, "needs a dynamic loader or thread-local storage");
		if (type == PT_DYNAMIC)
			dyn_off = RD(uint64_t, ph + 8), dyn_size = RD(uint64_t, ph + 32);
		if (type == PT_LOAD && add_segment(img, ph, len, why, whysz))
			return -ENOEXEC;
	}
	if (check_layout(img, why, whysz))
		return -ENOEXEC;
	return ndyn ? check_dynamic(f, len, dyn_off, dyn_size, img, why, whysz) : 0;
}

int elf_place(const struct elf_image *img, uint64_t region, uint64_t region_len, uint64_t avoid, uint64_t avoid_len,
	      uint64_t *bias, char *why, size_t whysz)
{
	uint64_t start;

	*bias = 0;
	if (img->type == ET_EXEC) {
		for (unsigned i = 0; i < img->nseg; i++) {
			const struct elf_segment *s = &img->seg[i];
			uint64_t lo = s->vaddr & ~(PAGE - 1), len = ((s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1)) - lo;

			if (lo < region || lo - region > region_len || len > region_len - (lo - region) ||
			    elf_overlaps(lo, len, avoid, avoid_len))
				return fail(why, whysz, -ENOEXEC, "segment outside the free memory");
		}
		return 0;
	}
	if ((elf_place_from(img, region, region, region_len, &start) && !elf_overlaps(start, img->hi - img->lo, avoid, avoid_len)) ||
	    (avoid_len <= UINT64_MAX - avoid && elf_place_from(img, avoid + avoid_len, region, region_len, &start))) {
		*bias = start - img->lo;
		return 0;
	}
	return fail(why, whysz, -ENOMEM, "program does not fit in free memory");
}

int elf_load(const void *file, size_t len, const struct elf_image *img, uint64_t bias, char *why, size_t whysz)
{
	const uint8_t *f = file;

	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint8_t *dst = (uint8_t *)(uintptr_t)(s->vaddr + bias);

		if (!in_file(len, s->offset, s->filesz) || s->filesz > s->memsz)
			return fail(why, whysz, -ENOEXEC, "segment does not match the file");
		memcpy(dst, f + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
	if (!in_file(len, img->rela_off, img->rela_size))
		return fail(why, whysz, -ENOEXEC, "relocations do not match the file");
	for (uint64_t i = 0; i < img->rela_size; i += RELA_SIZE) {
		const uint8_t *r = f + img->rela_off + i;
		uint64_t value = bias + RD(uint64_t, r + 16);

		if (check_rela(r, img, why, whysz))
			return -ENOEXEC;
		if (RD(uint32_t, r + 8) == R_RELATIVE)
			memcpy((void *)(uintptr_t)(RD(uint64_t, r) + bias), &value, 8);
	}
	return 0;
}

/* The tiny profile keeps no program symbols: fault reports give addresses. */
const char *elf_symbol(const void *file, size_t len, const struct elf_image *img, uint64_t addr, uint64_t *off)
{
	(void)file, (void)len, (void)img, (void)addr, (void)off;
	return NULL;
}
