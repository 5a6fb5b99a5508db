/* fuzz_elf.c: libFuzzer target for src/elf.c: elf_parse on the input, then
 * elf_place into a fake region, elf_load into a buffer standing for it (the
 * bias maps one onto the other), and elf_symbol. Seeds: tests/fuzz/corpus/elf. */
/* sources: src/elf.c src/elf_place.c */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "elf.h"
#include "errno.h"
#include "string.h"

#define REGION 0x40000000ull
#define REGION_LEN (16ull << 20)
#define AVOID REGION            /* the file's copy, at the region's start */
#define AVOID_LEN 0x3000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What elf_parse promises about an image it accepts. */
static void check_image(const struct elf_image *img, size_t size)
{
	if (img->nseg < 1 || img->nseg > ELF_MAX_SEGMENTS || img->lo > img->hi || (img->type != 2 && img->type != 3))
		__builtin_trap();
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (s->filesz > s->memsz || s->offset > size || s->filesz > size - s->offset ||
		    s->vaddr < img->lo || s->vaddr + s->memsz > img->hi)
			__builtin_trap();
	}
	if (img->rela_off > size || img->rela_size > size - img->rela_off || img->rela_size % 24)
		__builtin_trap();
	if (img->sym_off > size || img->sym_size > size - img->sym_off ||
	    img->str_off > size || img->str_size > size - img->str_off)
		__builtin_trap();
}

static void check_symbols(const uint8_t *data, size_t size, const struct elf_image *img)
{
	uint64_t probes[4] = { img->entry, img->lo, img->hi - 1, img->seg[0].vaddr + img->seg[0].memsz / 2 };
	uint64_t off;

	for (unsigned i = 0; i < 4; i++) {
		const char *name = elf_symbol(data, size, img, probes[i], &off);

		/* A name lies inside the input and ends there. */
		if (name && (name < (const char *)data || name >= (const char *)data + size ||
			     strnlen(name, (size_t)((const char *)data + size - name)) ==
			     (size_t)((const char *)data + size - name) || off > probes[i]))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image img;
	char why[128];
	uint64_t bias, span;
	uint8_t *mem;
	int err;

	err = elf_parse(data, size, &img, why, sizeof(why));
	if (err) {
		if (err != -ENOEXEC || !why[0] || strnlen(why, sizeof(why)) == sizeof(why))
			__builtin_trap();
		return 0;
	}
	check_image(&img, size);
	check_symbols(data, size, &img);
	err = elf_place(&img, REGION, REGION_LEN, AVOID, AVOID_LEN, &bias, why, sizeof(why));
	if (err) {
		if ((err != -ENOMEM && err != -ENOEXEC) || !why[0])
			__builtin_trap();
		return 0;
	}
	span = img.hi - img.lo;
	if (img.lo + bias < REGION || span > REGION_LEN - (img.lo + bias - REGION) || img.lo + bias < AVOID + AVOID_LEN)
		__builtin_trap();
	/* The region is [lo + bias, hi + bias); mem stands for it. */
	mem = malloc(span ? span : 1);
	if (elf_load(data, size, &img, (uint64_t)(uintptr_t)mem - img.lo, why, sizeof(why)))
		__builtin_trap();
	free(mem);
	return 0;
}
