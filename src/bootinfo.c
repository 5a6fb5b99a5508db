/* bootinfo.c: read the multiboot2 (Multiboot2 Specification 2.0, section 3.6)
 * or multiboot1 (Multiboot Specification 0.6.96, section 3.3) information
 * structure into struct bootinfo. Pure code, unit-tested on the host. */
#include "bootinfo.h"
#include "errno.h"
#include "kernel.h"
#include "string.h"

/* The framebuffer tag (bootinfo_fb.c), which the tiny profile leaves out. */
#ifdef INGOT_TINY
#define bootinfo_fb_read ABSENT(bootinfo_fb_read)
#else
OPTIONAL(bootinfo_fb_read);
#endif

/* What the loader said, read once by kmain; every module reads it here. */
struct bootinfo boot_info;

#define MB2_INFO_MAX (1u << 20) /* sanity bound on total_size */

enum {
	MB2_TAG_END = 0, MB2_TAG_CMDLINE = 1, MB2_TAG_LOADER = 2, MB2_TAG_MODULE = 3,
	MB2_TAG_MEMINFO = 4, MB2_TAG_MMAP = 6, MB2_TAG_FB = 8, MB2_TAG_EFI64 = 12,
	MB2_TAG_ACPI_OLD = 14, MB2_TAG_ACPI_NEW = 15,
};

#define MB1_FLAG_MEM (1u << 0)
#define MB1_FLAG_CMDLINE (1u << 2)
#define MB1_FLAG_MODS (1u << 3)
#define MB1_FLAG_MMAP (1u << 6)
#define MB1_FLAG_LOADER (1u << 9)
#define MB1_FLAG_FB (1u << 12)
#define MB1_INFO_SIZE 116

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static void mmap_add(struct bootinfo *bi, uint64_t base, uint64_t len, uint32_t type)
{
	if (bi->mmap_count >= BOOTINFO_MAX_MMAP) {
		bi->mmap_truncated = 1;
		return;
	}
	bi->mmap[bi->mmap_count].base = base;
	bi->mmap[bi->mmap_count].len = len;
	bi->mmap[bi->mmap_count].type = type;
	bi->mmap_count++;
}

/* Copy a NUL-terminated string of at most max bytes available at p;
 * returns 1 when it did not fit (dst then holds its start). */
static int copy_str(char *dst, size_t dstsz, const char *p, size_t max)
{
	size_t n = strnlen(p, max);
	int cut = n >= dstsz;

	if (cut)
		n = dstsz - 1;
	memcpy(dst, p, n);
	dst[n] = 0;
	return cut;
}

/* A string at a physical address (multiboot1): read at most dstsz bytes. */
static int copy_phys_str(char *dst, size_t dstsz, uint64_t addr, bootinfo_phys_fn phys, void *ctx)
{
	for (size_t want = dstsz; want >= 16; want /= 2) {
		const char *p = phys(ctx, addr, want);
		if (p)
			return copy_str(dst, dstsz, p, want);
	}
	dst[0] = 0;
	return 0;
}

static void mb2_rsdp(struct bootinfo *bi, uint64_t addr, const uint8_t *p, size_t n, int version)
{
	/* A new-RSDP tag wins over an old one whatever their order. */
	if (bi->rsdp_version > version)
		return;
	bi->rsdp_addr = addr;
	bi->rsdp_version = version;
	memset(bi->rsdp, 0, sizeof(bi->rsdp));
	memcpy(bi->rsdp, p, n < sizeof(bi->rsdp) ? n : sizeof(bi->rsdp));
}

static int mb2_mmap(struct bootinfo *bi, const uint8_t *p, size_t n)
{
	uint32_t esz;

	if (n < 8)
		return -EINVAL;
	esz = rd32(p);
	if (esz < 24)
		return -EINVAL;
	for (size_t off = 8; off + esz <= n; off += esz)
		mmap_add(bi, rd64(p + off), rd64(p + off + 8), rd32(p + off + 16));
	return 0;
}

static void mb2_module(struct bootinfo *bi, const uint8_t *p, size_t n)
{
	struct boot_module *m;

	if (n >= 8 && bi->mod_count >= BOOTINFO_MAX_MODS)
		bi->mods_dropped++;
	if (n < 8 || bi->mod_count >= BOOTINFO_MAX_MODS)
		return;
	m = &bi->mods[bi->mod_count++];
	m->start = rd32(p);
	m->end = rd32(p + 4);
	copy_str(m->name, sizeof(m->name), (const char *)p + 8, n - 8);
}

/* One tag: p points at its payload (after type and size), n bytes long. */
static int mb2_tag(struct bootinfo *bi, uint32_t type, const uint8_t *p, size_t n, uint64_t addr)
{
	switch (type) {
	case MB2_TAG_CMDLINE: bi->cmdline_cut = copy_str(bi->cmdline, sizeof(bi->cmdline), (const char *)p, n); break;
	case MB2_TAG_LOADER: copy_str(bi->loader, sizeof(bi->loader), (const char *)p, n); break;
	case MB2_TAG_MODULE: mb2_module(bi, p, n); break;
	case MB2_TAG_MEMINFO:
		if (n >= 8)
			bi->mem_lower_kib = rd32(p), bi->mem_upper_kib = rd32(p + 4);
		break;
	case MB2_TAG_MMAP: return mb2_mmap(bi, p, n);
	case MB2_TAG_FB:
		if (n >= 22 && bootinfo_fb_read)
			bootinfo_fb_read(&bi->fb, p, n, 24);
		break;
	case MB2_TAG_EFI64:
		bi->efi64 = 1;
		if (n >= 8)
			bi->efi_systab = rd64(p);
		break;
	case MB2_TAG_ACPI_OLD: mb2_rsdp(bi, addr, p, n, 1); break;
	case MB2_TAG_ACPI_NEW: mb2_rsdp(bi, addr, p, n, 2); break;
	default: break;
	}
	return 0;
}

static int mb2_parse(struct bootinfo *bi, uint64_t info, bootinfo_phys_fn phys, void *ctx)
{
	const uint8_t *base = phys(ctx, info, 8);
	uint32_t total;
	int err = 0;

	if (!base)
		return -EINVAL;
	total = rd32(base);
	if (total < 16 || total > MB2_INFO_MAX || !(base = phys(ctx, info, total)))
		return -EINVAL;
	bi->info_start = info;
	bi->info_end = info + total;
	for (uint32_t off = 8; off + 8 <= total;) {
		uint32_t type = rd32(base + off), size = rd32(base + off + 4);

		if (size < 8 || size > total - off)
			return -EINVAL;
		if (type == MB2_TAG_END)
			return err;
		if (mb2_tag(bi, type, base + off + 8, size - 8, info + off + 8) < 0)
			err = -EINVAL;
		off += (size + 7) & ~7u;
	}
	return -EINVAL; /* no end tag */
}

static int mb1_mmap(struct bootinfo *bi, uint64_t addr, uint32_t len, bootinfo_phys_fn phys, void *ctx)
{
	const uint8_t *p = phys(ctx, addr, len);

	if (!p)
		return -EINVAL;
	/* off never passes len, so len - off cannot wrap; off + 24 could,
	 * for a map that ends within 24 bytes of 4 GiB. */
	for (uint32_t off = 0; len - off >= 24;) {
		uint32_t size = rd32(p + off);

		if (size < 20)
			return -EINVAL;
		mmap_add(bi, rd64(p + off + 4), rd64(p + off + 12), rd32(p + off + 20));
		if (size > len - off - 4)
			break;
		off += size + 4;
	}
	return 0;
}

static int mb1_mods(struct bootinfo *bi, uint32_t count, uint64_t addr, bootinfo_phys_fn phys, void *ctx)
{
	const uint8_t *p;

	if (count > BOOTINFO_MAX_MODS) {
		bi->mods_dropped = count - BOOTINFO_MAX_MODS;
		count = BOOTINFO_MAX_MODS;
	}
	if (!count)
		return 0;
	p = phys(ctx, addr, (uint64_t)count * 16);
	if (!p)
		return -EINVAL;
	for (uint32_t i = 0; i < count; i++) {
		struct boot_module *m = &bi->mods[bi->mod_count++];

		m->start = rd32(p + i * 16);
		m->end = rd32(p + i * 16 + 4);
		copy_phys_str(m->name, sizeof(m->name), rd32(p + i * 16 + 8), phys, ctx);
	}
	return 0;
}

static int mb1_parse(struct bootinfo *bi, uint64_t info, bootinfo_phys_fn phys, void *ctx)
{
	const uint8_t *p = phys(ctx, info, MB1_INFO_SIZE);
	uint32_t flags;
	int err = 0;

	if (!p)
		return -EINVAL;
	bi->info_start = info;
	bi->info_end = info + MB1_INFO_SIZE;
	flags = rd32(p);
	if (flags & MB1_FLAG_MEM)
		bi->mem_lower_kib = rd32(p + 4), bi->mem_upper_kib = rd32(p + 8);
	if (flags & MB1_FLAG_CMDLINE)
		bi->cmdline_cut = copy_phys_str(bi->cmdline, sizeof(bi->cmdline), rd32(p + 16), phys, ctx);
	if (flags & MB1_FLAG_MODS)
		err |= mb1_mods(bi, rd32(p + 20), rd32(p + 24), phys, ctx);
	if (flags & MB1_FLAG_MMAP)
		err |= mb1_mmap(bi, rd32(p + 48), rd32(p + 44), phys, ctx);
	if (flags & MB1_FLAG_LOADER)
		copy_phys_str(bi->loader, sizeof(bi->loader), rd32(p + 64), phys, ctx);
	if ((flags & MB1_FLAG_FB) && bootinfo_fb_read)
		bootinfo_fb_read(&bi->fb, p + 88, 28, 22);
	return err ? -EINVAL : 0;
}

/* With no map, the basic lower/upper figures describe two usable runs. */
static void mmap_from_meminfo(struct bootinfo *bi)
{
	if (bi->mmap_count || !bi->mem_upper_kib)
		return;
	mmap_add(bi, 0, (uint64_t)bi->mem_lower_kib * 1024, MEM_USABLE);
	mmap_add(bi, 0x100000, (uint64_t)bi->mem_upper_kib * 1024, MEM_USABLE);
}

int bootinfo_parse(struct bootinfo *bi, uint32_t magic, uint64_t info,
		   bootinfo_phys_fn phys, void *ctx)
{
	int err;

	memset(bi, 0, sizeof(*bi));
	bi->fb.type = FB_TYPE_NONE;
	if (magic == MB2_BOOT_MAGIC) {
		bi->protocol = 2;
		err = mb2_parse(bi, info, phys, ctx);
	} else if (magic == MB1_BOOT_MAGIC) {
		bi->protocol = 1;
		err = mb1_parse(bi, info, phys, ctx);
	} else {
		return -EINVAL;
	}
	mmap_from_meminfo(bi);
	bootinfo_sort_mmap(bi);
	return err;
}

void bootinfo_sort_mmap(struct bootinfo *bi)
{
	unsigned n = 0;

	for (unsigned i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].len)
			bi->mmap[n++] = bi->mmap[i];
	bi->mmap_count = n;
	/* insertion sort: the map is short and often nearly sorted */
	for (unsigned i = 1; i < n; i++) {
		struct mmap_entry e = bi->mmap[i];
		unsigned j = i;

		for (; j > 0 && bi->mmap[j - 1].base > e.base; j--)
			bi->mmap[j] = bi->mmap[j - 1];
		bi->mmap[j] = e;
	}
}

const char *bootinfo_mem_type_name(uint32_t type)
{
	switch (type) {
	case MEM_USABLE: return "usable";
	case MEM_RESERVED: return "reserved";
	case MEM_ACPI: return "ACPI reclaimable";
	case MEM_NVS: return "ACPI NVS";
	case MEM_BAD: return "bad";
	case MEM_PERSISTENT: return "persistent";
	case MEM_PERSISTENT_OEM: return "persistent (OEM)";
	case MEM_FIRMWARE_CODE: return "firmware code"; /* the firmware keeps it */
	default: return "other (kept)";
	}
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Copy one value (quotes removed) from p into out; returns bytes consumed. */
static size_t cmdline_value(const char *p, char *out, size_t outsz, size_t *len)
{
	const char *s = p;
	char quote = 0;

	*len = 0;
	for (; *s && (quote || !is_space(*s)); s++) {
		if (!quote && (*s == '"' || *s == '\'')) {
			quote = *s;
			continue;
		}
		if (quote && *s == quote) {
			quote = 0;
			continue;
		}
		if (*len + 1 < outsz)
			out[*len] = *s;
		(*len)++;
	}
	if (outsz)
		out[*len < outsz ? *len : outsz - 1] = 0;
	return (size_t)(s - p);
}

/* Each word is unquoted whole before its key is looked at: GRUB 2 hands
 * over autorun="a b" as "autorun=a b", quotes around the whole word. */
int cmdline_get(const char *cmdline, const char *key, char *out, size_t outsz)
{
	size_t klen = strlen(key), len;
	const char *p = cmdline;
	char word[BOOTINFO_CMDLINE_MAX];
	int found = -ENOENT;

	while (*p) {
		while (is_space(*p))
			p++;
		if (!*p)
			break;
		p += cmdline_value(p, word, sizeof(word), &len);
		/* the last occurrence wins, as on Linux */
		if (!strncmp(word, key, klen) && word[klen] == '=') {
			len = strlcpy(out, word + klen + 1, outsz);
			found = (int)(len < outsz ? len : outsz - 1);
		}
	}
	return found;
}
