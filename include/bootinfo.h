/* bootinfo.h: what the loader told us, read from a multiboot2 or multiboot1
 * information structure (Multiboot Specification 0.6.96 and 2.0) into one
 * loader-independent form. */
#ifndef INGOT_BOOTINFO_H
#define INGOT_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>

#define MB1_BOOT_MAGIC 0x2BADB002u
#define MB2_BOOT_MAGIC 0x36d76289u

/* Memory map types, as in the multiboot2 / E820 map. */
#define MEM_USABLE 1
#define MEM_RESERVED 2
#define MEM_ACPI 3
#define MEM_NVS 4
#define MEM_BAD 5
#define MEM_PERSISTENT 7      /* ACPI 6 AddressRangePersistentMemory */
#define MEM_PERSISTENT_OEM 12 /* the pre-standard type Linux calls so */
#define MEM_FIRMWARE_CODE 20  /* GRUB's type for UEFI runtime services code */

#define BOOTINFO_MAX_MMAP 128
#define BOOTINFO_MAX_MODS 16
#define BOOTINFO_CMDLINE_MAX 1024
#define BOOTINFO_NAME_MAX 64

struct mmap_entry {
	uint64_t base;
	uint64_t len;
	uint32_t type;
};

struct boot_module {
	uint64_t start, end;
	char name[BOOTINFO_NAME_MAX];
};

#define FB_TYPE_NONE 0xff
#define FB_TYPE_INDEXED 0
#define FB_TYPE_RGB 1
#define FB_TYPE_EGA_TEXT 2

struct boot_fb {
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct bootinfo {
	int protocol;               /* 1 or 2 (multiboot version) */
	char loader[BOOTINFO_NAME_MAX];
	char cmdline[BOOTINFO_CMDLINE_MAX];
	int cmdline_cut;            /* the loader's command line was longer: only its start is kept */
	struct mmap_entry mmap[BOOTINFO_MAX_MMAP];
	unsigned mmap_count;
	int mmap_truncated;
	uint32_t mem_lower_kib, mem_upper_kib; /* basic memory info, 0 if absent */
	struct boot_module mods[BOOTINFO_MAX_MODS];
	unsigned mod_count;
	unsigned mods_dropped;      /* modules past the first BOOTINFO_MAX_MODS, not kept */
	struct boot_fb fb;
	uint64_t rsdp_addr;         /* where the copy the loader gave lies, 0 if none */
	uint8_t rsdp[36];           /* the copy itself, kept before the info is reused */
	int rsdp_version;           /* 1 (ACPI 1.0 RSDP) or 2 (XSDT-capable), 0 if none */
	int efi64;                  /* booted from 64-bit UEFI (EFI system table tag seen) */
	uint64_t efi_systab;        /* the EFI system table's address from that tag, 0 if none */
	uint64_t info_start, info_end; /* the raw structure's extent, to keep it reserved */
};

/* Physical memory reader: a pointer through which [addr, addr+len) can be
 * read, or NULL when it cannot. The kernel maps identity; unit tests map a
 * fake physical space. */
typedef const void *(*bootinfo_phys_fn)(void *ctx, uint64_t addr, uint64_t len);

/* Parse the loader's structure at physical address info (given with the
 * loader's magic) into bi. Every read is bounded by the structure's own
 * sizes. Returns 0, or -EINVAL for a bad magic or a malformed structure (bi
 * then holds what could be read before the damage). */
/* bootinfo_fb.c (not in the tiny profile): fill fb from a framebuffer
 * description at p (avail bytes; the colour fields start at color). */
void bootinfo_fb_read(struct boot_fb *fb, const uint8_t *p, size_t avail, size_t color);
int bootinfo_parse(struct bootinfo *bi, uint32_t magic, uint64_t info,
		   bootinfo_phys_fn phys, void *ctx);

/* Sort the memory map by base and drop zero-length entries. */
void bootinfo_sort_mmap(struct bootinfo *bi);
const char *bootinfo_mem_type_name(uint32_t type);

/* Kernel command line: the value of key= (quotes removed) into out.
 * Returns the length, or -ENOENT when the key is absent. */
int cmdline_get(const char *cmdline, const char *key, char *out, size_t outsz);

extern struct bootinfo boot_info;

#endif
