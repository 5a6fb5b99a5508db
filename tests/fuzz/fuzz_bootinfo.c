/* fuzz_bootinfo.c: libFuzzer target for src/bootinfo.c: bootinfo_parse with
 * the multiboot2 and the multiboot1 magic on the physical memory an input
 * describes (tests/fuzz/fuzz_phys.h), then bootinfo_sort_mmap and
 * cmdline_get on what it found, checking every promise of bootinfo.h. */
/* sources: src/bootinfo.c src/bootinfo_fb.c */
#include <stddef.h>
#include <stdint.h>
#include "bootinfo.h"
#include "errno.h"
#include "string.h"
#include "fuzz_phys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t size)
{
	if (strnlen(s, size) == size)
		__builtin_trap();
}

/* Sorted by base, no empty entries, never more than the array holds. */
static void check_mmap(const struct bootinfo *bi)
{
	if (bi->mmap_count > BOOTINFO_MAX_MMAP)
		__builtin_trap();
	for (unsigned i = 0; i < bi->mmap_count; i++) {
		if (!bi->mmap[i].len || (i && bi->mmap[i - 1].base > bi->mmap[i].base))
			__builtin_trap();
		if (!bootinfo_mem_type_name(bi->mmap[i].type))
			__builtin_trap();
	}
}

static void check_info(const struct bootinfo *bi, int protocol, const struct fuzz_phys *m)
{
	check_str(bi->cmdline, sizeof(bi->cmdline));
	check_str(bi->loader, sizeof(bi->loader));
	if (bi->protocol != protocol || bi->mod_count > BOOTINFO_MAX_MODS)
		__builtin_trap();
	for (unsigned i = 0; i < bi->mod_count; i++)
		check_str(bi->mods[i].name, sizeof(bi->mods[i].name));
	check_mmap(bi);
	if (bi->rsdp_version < 0 || bi->rsdp_version > 2 || (protocol == 1 && bi->rsdp_version))
		__builtin_trap();
	/* An RSDP tag lies inside the structure it was read from. */
	if (bi->rsdp_version && (bi->rsdp_addr < bi->info_start || bi->rsdp_addr > bi->info_end))
		__builtin_trap();
	if (bi->info_end < bi->info_start || (bi->info_start && bi->info_start != m->info))
		__builtin_trap();
}

/* The kernel's two lookups, with the buffer sizes kmain gives them. */
static void check_cmdline(const char *cmdline)
{
	static const struct { const char *key; size_t outsz; } keys[] = {
		{ "console", 16 }, { "autorun", BOOTINFO_CMDLINE_MAX }, { "a", 1 },
	};
	char out[BOOTINFO_CMDLINE_MAX];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int r = cmdline_get(cmdline, keys[i].key, out, keys[i].outsz);

		if (r != -ENOENT && (r < 0 || (size_t)r >= keys[i].outsz || strlen(out) != (size_t)r))
			__builtin_trap();
	}
}

static void fuzz_one(uint32_t magic, int protocol, struct fuzz_phys *m)
{
	static struct bootinfo bi, again;
	int err = bootinfo_parse(&bi, magic, m->info, fuzz_phys_read, m);

	if (err && err != -EINVAL)
		__builtin_trap();
	check_info(&bi, protocol, m);
	/* Sorting a sorted map changes nothing. */
	memcpy(&again, &bi, sizeof(bi));
	bootinfo_sort_mmap(&again);
	if (again.mmap_count != bi.mmap_count)
		__builtin_trap();
	for (unsigned i = 0; i < bi.mmap_count; i++)
		if (again.mmap[i].base != bi.mmap[i].base || again.mmap[i].len != bi.mmap[i].len ||
		    again.mmap[i].type != bi.mmap[i].type)
			__builtin_trap();
	check_cmdline(bi.cmdline);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bootinfo bi;
	struct fuzz_phys m;

	if (!fuzz_phys_init(&m, data, size))
		return 0;
	fuzz_one(MB2_BOOT_MAGIC, 2, &m);
	fuzz_one(MB1_BOOT_MAGIC, 1, &m);
	if (bootinfo_parse(&bi, 0x12345678u, m.info, fuzz_phys_read, &m) != -EINVAL)
		__builtin_trap();
	fuzz_phys_free(&m);
	return 0;
}
