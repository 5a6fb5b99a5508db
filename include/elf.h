/* elf.h: checking and loading ELF64 x86-64 programs (System V ABI, AMD64
 * supplement; ELF-64 Object File Format 1.5). Pure code over a file held in
 * memory, so host unit tests and a fuzzer run it as is. ET_EXEC programs
 * load at their addresses; ET_DYN (static PIE) ones are moved to the free
 * region with their R_X86_64_RELATIVE relocations applied. */
#ifndef INGOT_ELF_H
#define INGOT_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16

struct elf_segment {
	uint64_t vaddr, memsz, offset, filesz, align;
	uint32_t flags;            /* PF_X 1, PF_W 2, PF_R 4 */
};

struct elf_image {
	int type;                  /* 2 ET_EXEC, 3 ET_DYN */
	uint64_t entry;            /* before relocation */
	unsigned nseg;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	uint64_t lo, hi;           /* span of the PT_LOAD segments (page-aligned) */
	uint64_t max_align;
	/* PT_DYNAMIC's relocation table (file offsets), when present */
	uint64_t rela_off, rela_size;
	/* .symtab / .strtab (file offsets), when present, for backtraces */
	uint64_t sym_off, sym_size, str_off, str_size;
};

/* Check every header field and segment of the file; fills img. Returns 0,
 * or -ENOEXEC with a one-line reason (no "error:" prefix) in why. */
int elf_parse(const void *file, size_t len, struct elf_image *img, char *why, size_t whysz);

/* Choose where the image goes: ET_EXEC stays put and must lie inside
 * [region, region + region_len); ET_DYN is placed at the region's start
 * (aligned). The image must not overlap [avoid, avoid + avoid_len) (the
 * file's own copy, for one). Returns 0 and the load bias (0 for ET_EXEC),
 * or -ENOMEM / -ENOEXEC with the reason in why. */
int elf_place(const struct elf_image *img, uint64_t region, uint64_t region_len,
	      uint64_t avoid, uint64_t avoid_len, uint64_t *bias, char *why, size_t whysz);

/* Copy the segments to their (biased) addresses, zero the BSS, apply the
 * relocations. The destination must be writable memory the caller owns.
 * Returns 0 or -ENOEXEC with the reason in why. */
int elf_load(const void *file, size_t len, const struct elf_image *img, uint64_t bias, char *why, size_t whysz);

/* Name of the program function containing addr (an unbiased address:
 * subtract the bias first) and the offset into it, from the file's symbol
 * table; NULL when unknown. */
const char *elf_symbol(const void *file, size_t len, const struct elf_image *img, uint64_t addr, uint64_t *off);

#endif
