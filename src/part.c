/* part.c: MBR (with EBR chains) and GPT partition tables (UEFI 2.9 ch. 5:
 * header and entry-array CRCs, backup header at the disk's last LBA).
 * Exercised by any disk with a table, e.g. -device virtio-blk-pci,drive=D. */
#include "part.h"
#include "blkdev.h"
#include "console.h"
#include "crc32.h"
#include "errno.h"
#include "kernel.h"
#include "string.h"

struct mbr_entry {
	uint8_t boot;
	uint8_t chs_first[3];
	uint8_t type;
	uint8_t chs_last[3];
	uint32_t lba;
	uint32_t sectors;
} __packed;
_Static_assert(sizeof(struct mbr_entry) == 16, "MBR entry is 16 bytes");

struct mbr {
	uint8_t code[440];
	uint32_t disk_signature;
	uint16_t reserved;
	struct mbr_entry e[4];
	uint16_t signature;       /* 0xAA55 */
} __packed;
_Static_assert(sizeof(struct mbr) == 512, "MBR is 512 bytes");

struct gpt_header {
	char signature[8];        /* "EFI PART" */
	uint32_t revision;
	uint32_t header_size;
	uint32_t header_crc;
	uint32_t reserved;
	uint64_t my_lba, alternate_lba;
	uint64_t first_usable, last_usable;
	uint8_t disk_guid[16];
	uint64_t entries_lba;
	uint32_t entry_count;
	uint32_t entry_size;
	uint32_t entries_crc;
} __packed;
_Static_assert(sizeof(struct gpt_header) == 92, "GPT header is 92 bytes");

struct gpt_entry {
	uint8_t type_guid[16];
	uint8_t part_guid[16];
	uint64_t first_lba, last_lba; /* inclusive */
	uint64_t attrs;
	uint16_t name[36];
} __packed;
_Static_assert(sizeof(struct gpt_entry) == 128, "GPT entry is 128 bytes");

#define MBR_SIGNATURE 0xAA55
#define MBR_TYPE_GPT 0xEE
#define GPT_MAX_ENTRY_SIZE 4096u
#define GPT_MAX_ARRAY (1024u * 1024)  /* bytes of entry array we accept */
#define PART_CHUNK 16384u             /* multiple of every sector and entry size */

struct part_src {
	part_read_fn read;
	void *ctx;
	uint32_t ssize;
	uint64_t sectors;
};

static uint8_t part_sector[4096] __attribute__((aligned(64)));
static uint8_t part_chunk[PART_CHUNK] __attribute__((aligned(64)));

static void part_note(struct part_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void part_note(struct part_table *t, const char *fmt, ...)
{
	va_list ap;

	if (t->note[0])
		return; /* the first problem is the one worth telling */
	va_start(ap, fmt);
	kvsnprintf(t->note, sizeof(t->note), fmt, ap);
	va_end(ap);
}

static struct part_entry *part_add(struct part_table *t, uint32_t index, uint64_t first, uint64_t sectors)
{
	struct part_entry *e;

	if (t->count >= PART_MAX) {
		t->truncated = 1;
		return NULL;
	}
	e = &t->entries[t->count++];
	memset(e, 0, sizeof(*e));
	e->index = index;
	e->first_lba = first;
	e->sectors = sectors;
	return e;
}

/* ---- MBR ---- */

static int mbr_is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0F || type == 0x85;
}

/* Does [lba, lba + n) lie inside [lo, hi)? */
static int part_inside(uint64_t lba, uint64_t n, uint64_t lo, uint64_t hi)
{
	return n && lba >= lo && lba < hi && n <= hi - lba;
}

/* A FAT volume boot record (a disk formatted without partitions) also ends
 * in 0xAA55; its "entries" are boot code. Fields per the FAT spec's BPB. */
static int part_looks_like_vbr(const uint8_t *s)
{
	uint16_t bps = (uint16_t)(s[11] | s[12] << 8);
	uint16_t reserved = (uint16_t)(s[14] | s[15] << 8);
	uint8_t spc = s[13];

	if (!((s[0] == 0xEB && s[2] == 0x90) || s[0] == 0xE9))
		return 0;
	if (bps < 512 || bps > 4096 || (bps & (bps - 1)))
		return 0;
	return spc && !(spc & (spc - 1)) && reserved && s[16];
}

static int mbr_entry_ok(const struct mbr_entry *e, uint64_t sectors)
{
	return part_inside(e->lba, e->sectors, 1, sectors);
}

/* Is the sector a usable MBR (flags 0/0x80, each used entry on the disk)? */
static int mbr_plausible(const struct mbr *m, uint64_t sectors, int *used)
{
	*used = 0;
	for (int i = 0; i < 4; i++) {
		if (m->e[i].boot != 0 && m->e[i].boot != 0x80)
			return 0;
		if (m->e[i].type) {
			(*used)++;
			if (!mbr_entry_ok(&m->e[i], sectors))
				return 0;
		}
	}
	return 1;
}

static int part_read_sector(const struct part_src *src, uint64_t lba)
{
	if (lba >= src->sectors)
		return -EINVAL;
	return src->read(src->ctx, lba, 1, part_sector);
}

/* Has lba been seen in the chain so far? Remembers it otherwise. */
static int ebr_seen(uint64_t *seen, unsigned *n, uint64_t lba)
{
	for (unsigned i = 0; i < *n; i++)
		if (seen[i] == lba)
			return 1;
	seen[(*n)++] = lba;
	return 0;
}

/* One EBR: its data partition (entry 0, relative to the EBR) is added;
 * returns the next EBR's LBA (entry 1, relative to the extended
 * partition), 0 at the end of the chain, or a negative error. */
static int64_t ebr_step(const struct part_src *src, struct part_table *t, uint64_t ebr,
			uint64_t ext_lo, uint64_t ext_hi, uint32_t *index)
{
	const struct mbr *m = (const struct mbr *)part_sector;
	int err = part_read_sector(src, ebr);
	struct part_entry *p;

	if (err)
		return err;
	if (m->signature != MBR_SIGNATURE) {
		part_note(t, "EBR at LBA %llu has no 0xAA55 signature", (unsigned long long)ebr);
		return 0;
	}
	if (m->e[0].type && !mbr_is_extended(m->e[0].type)) {
		if (part_inside(ebr + m->e[0].lba, m->e[0].sectors, ebr + 1, ext_hi)) {
			p = part_add(t, (*index)++, ebr + m->e[0].lba, m->e[0].sectors);
			if (p)
				p->mbr_type = m->e[0].type, p->bootable = m->e[0].boot == 0x80;
		} else {
			part_note(t, "logical partition in the EBR at LBA %llu lies outside the extended partition",
				  (unsigned long long)ebr);
		}
	}
	if (!mbr_is_extended(m->e[1].type) || !m->e[1].lba)
		return 0;
	if (!part_inside(ext_lo + m->e[1].lba, 1, ext_lo, ext_hi)) {
		part_note(t, "EBR link at LBA %llu points outside the extended partition", (unsigned long long)ebr);
		return 0;
	}
	return (int64_t)(ext_lo + m->e[1].lba);
}

static int mbr_walk_extended(const struct part_src *src, struct part_table *t, uint64_t lo, uint64_t n,
			     uint32_t *index)
{
	uint64_t seen[PART_MAX_LOGICAL];
	unsigned nseen = 0;
	int64_t ebr = (int64_t)lo;

	while (ebr > 0) {
		if (nseen == PART_MAX_LOGICAL) {
			part_note(t, "more than %d EBRs in the extended partition", PART_MAX_LOGICAL);
			return 0;
		}
		if (ebr_seen(seen, &nseen, (uint64_t)ebr)) {
			part_note(t, "the EBR chain loops at LBA %llu", (unsigned long long)ebr);
			return 0;
		}
		ebr = ebr_step(src, t, (uint64_t)ebr, lo, lo + n, index);
	}
	return (int)ebr;
}

static int mbr_parse(const struct part_src *src, struct part_table *t, const struct mbr *m)
{
	struct mbr_entry e[4];
	uint32_t logical = 5;
	int err = 0;

	memcpy(e, m->e, sizeof(e)); /* part_sector is reused for the EBRs */
	t->scheme = PART_MBR;
	t->mbr_signature = m->disk_signature;
	for (int i = 0; i < 4; i++) {
		struct part_entry *p;

		if (!e[i].type)
			continue;
		p = part_add(t, (uint32_t)i + 1, e[i].lba, e[i].sectors);
		if (p) {
			p->mbr_type = e[i].type;
			p->bootable = e[i].boot == 0x80;
			p->container = (uint8_t)mbr_is_extended(e[i].type);
		}
	}
	for (int i = 0; i < 4 && !err; i++)
		if (mbr_is_extended(e[i].type))
			err = mbr_walk_extended(src, t, e[i].lba, e[i].sectors, &logical);
	return err;
}

/* ---- GPT ---- */

/* UTF-16LE (n units at in) to ASCII, '?' for anything else. */
static void part_utf16_ascii(const uint8_t *in, unsigned n, char *out, unsigned outsz)
{
	unsigned j = 0;

	for (unsigned i = 0; i < n && j + 1 < outsz; i++) {
		uint16_t c = (uint16_t)(in[2 * i] | in[2 * i + 1] << 8);

		if (!c)
			break;
		out[j++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
	}
	out[j] = 0;
}

static int guid_zero(const uint8_t *g)
{
	for (int i = 0; i < 16; i++)
		if (g[i])
			return 0;
	return 1;
}

/* Check the header at lba (signature, CRC, my LBA, layout); copies it to h.
 * Returns 0, -ENODATA with *why set, or a read error. */
static int gpt_header_check(const struct part_src *src, uint64_t lba, struct gpt_header *h, const char **why)
{
	uint32_t crc;
	int err = part_read_sector(src, lba);

	if (err)
		return err;
	memcpy(h, part_sector, sizeof(*h));
	*why = "no \"EFI PART\" signature";
	if (memcmp(h->signature, "EFI PART", 8))
		return -ENODATA;
	*why = "bad header size";
	if (h->header_size < sizeof(*h) || h->header_size > src->ssize)
		return -ENODATA;
	memset(part_sector + 16, 0, 4);
	crc = crc32_update(0, part_sector, h->header_size);
	*why = "bad header CRC";
	if (crc != h->header_crc)
		return -ENODATA;
	*why = "header names another LBA";
	if (h->my_lba != lba)
		return -ENODATA;
	*why = "unknown revision";
	return (h->revision >> 16) == 1 ? 0 : -ENODATA;
}

/* The layout fields: usable range and entry array inside the disk. */
static int gpt_layout_ok(const struct part_src *src, const struct gpt_header *h, const char **why)
{
	uint64_t bytes = (uint64_t)h->entry_count * h->entry_size;
	uint64_t array_sectors = (bytes + src->ssize - 1) / src->ssize;

	*why = "bad entry size or count";
	if (h->entry_size < 128 || h->entry_size > GPT_MAX_ENTRY_SIZE || (h->entry_size & (h->entry_size - 1)))
		return -ENODATA;
	if (!h->entry_count || bytes > GPT_MAX_ARRAY)
		return -ENODATA;
	*why = "usable area or entry array outside the disk";
	if (h->first_usable > h->last_usable || h->last_usable >= src->sectors)
		return -ENODATA;
	if (!part_inside(h->entries_lba, array_sectors, 1, src->sectors))
		return -ENODATA;
	return 0;
}

static void gpt_take_entry(struct part_table *t, const struct gpt_entry *g, uint32_t slot)
{
	struct part_entry *p;

	if (guid_zero(g->type_guid))
		return;
	if (g->first_lba > g->last_lba || g->first_lba < t->first_usable || g->last_lba > t->last_usable) {
		part_note(t, "GPT entry %u lies outside the usable area; skipped", slot + 1);
		return;
	}
	p = part_add(t, slot + 1, g->first_lba, g->last_lba - g->first_lba + 1);
	if (!p)
		return;
	memcpy(p->type_guid, g->type_guid, 16);
	memcpy(p->part_guid, g->part_guid, 16);
	p->attrs = g->attrs;
	part_utf16_ascii((const uint8_t *)g + offsetof(struct gpt_entry, name), 36, p->name, sizeof(p->name));
}

/* Read the entry array in chunks: CRC all of it, take the used entries.
 * Returns 0, -ENODATA (CRC mismatch; t->count reset) or a read error. */
static int gpt_read_array(const struct part_src *src, const struct gpt_header *h, struct part_table *t)
{
	uint64_t total = (uint64_t)h->entry_count * h->entry_size, done = 0;
	uint32_t crc = 0, slot = 0;

	while (done < total) {
		uint32_t n = (uint32_t)MIN(total - done, PART_CHUNK);
		uint32_t count = (n + src->ssize - 1) / src->ssize;
		int err = src->read(src->ctx, h->entries_lba + done / src->ssize, count, part_chunk);

		if (err)
			return err;
		crc = crc32_update(crc, part_chunk, n);
		for (uint32_t off = 0; off < n; off += h->entry_size)
			gpt_take_entry(t, (const struct gpt_entry *)(part_chunk + off), slot++);
		done += n;
	}
	if (crc != h->entries_crc) {
		t->count = 0;
		t->truncated = 0;
		return -ENODATA;
	}
	return 0;
}

/* Try the header at lba with its array. -ENODATA with *why when bad. */
static int gpt_try(const struct part_src *src, uint64_t lba, struct part_table *t, struct gpt_header *h,
		   const char **why)
{
	char keep[PART_NOTE_MAX];
	int err = gpt_header_check(src, lba, h, why);

	if (!err)
		err = gpt_layout_ok(src, h, why);
	if (err)
		return err;
	t->first_usable = h->first_usable;
	t->last_usable = h->last_usable;
	memcpy(keep, t->note, sizeof(keep));
	err = gpt_read_array(src, h, t);
	if (err == -ENODATA) {
		memcpy(t->note, keep, sizeof(keep)); /* entry notes of a bad array do not count */
		*why = "bad partition entry array CRC";
	}
	return err;
}

static void gpt_accept(struct part_table *t, const struct gpt_header *h, uint64_t lba)
{
	t->scheme = PART_GPT;
	t->header_lba = lba;
	t->slots = h->entry_count;
	memcpy(t->disk_guid, h->disk_guid, 16);
}

static int gpt_parse(const struct part_src *src, struct part_table *t)
{
	struct gpt_header h;
	const char *why1 = "", *why2 = "";
	uint64_t backup = src->sectors - 1;
	int err = gpt_try(src, 1, t, &h, &why1);

	if (err != -ENODATA) {
		if (!err)
			gpt_accept(t, &h, 1);
		return err;
	}
	/* A primary with a good header (bad array) names its backup. */
	if (!gpt_header_check(src, 1, &h, &why2) && h.alternate_lba > 1 && h.alternate_lba < src->sectors)
		backup = h.alternate_lba;
	err = gpt_try(src, backup, t, &h, &why2);
	if (err == -ENODATA && backup != src->sectors - 1)
		err = gpt_try(src, backup = src->sectors - 1, t, &h, &why2);
	if (err == -ENODATA) {
		t->note[0] = 0;
		part_note(t, "GPT corrupt: primary: %s; backup at LBA %llu: %s", why1,
			  (unsigned long long)backup, why2);
		return err;
	}
	if (!err) {
		gpt_accept(t, &h, backup);
		t->used_backup = 1;
		t->note[0] = 0;
		part_note(t, "primary GPT is corrupt (%s); using the backup at LBA %llu", why1,
			  (unsigned long long)backup);
	}
	return err;
}

/* ---- entry points ---- */

int part_parse(part_read_fn read, void *ctx, uint32_t sector_size, uint64_t sectors, struct part_table *t)
{
	struct part_src src = { read, ctx, sector_size, sectors };
	const struct mbr *m = (const struct mbr *)part_sector;
	int used = 0, vbr, err;

	memset(t, 0, sizeof(*t));
	if (sector_size < 512 || sector_size > 4096 || (sector_size & (sector_size - 1)))
		return -EINVAL;
	if (!sectors)
		return -ENOMEDIUM;
	if (sectors < 2)
		return 0; /* a table needs a sector to describe besides its own */
	err = part_read_sector(&src, 0);
	if (err || m->signature != MBR_SIGNATURE)
		return err;
	vbr = part_looks_like_vbr(part_sector);
	for (int i = 0; i < 4; i++)
		if (m->e[i].type == MBR_TYPE_GPT && (m->e[i].boot == 0 || m->e[i].boot == 0x80)) {
			err = gpt_parse(&src, t);
			if (err == -ENODATA && vbr) /* boot code that happened to hold 0xEE */
				memset(t, 0, sizeof(*t)), err = 0;
			return err;
		}
	if (!mbr_plausible(m, sectors, &used) || (vbr && !used))
		return 0;
	return mbr_parse(&src, t, m);
}

static int part_blk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	return blk_read(ctx, lba, count, buf);
}

int part_table_read(struct blkdev *disk, struct part_table *t)
{
	return part_parse(part_blk_read, disk, disk->sector_size, disk->sectors, t);
}

static struct part_table part_boot_table;

static int part_has_children(const struct blkdev *disk)
{
	for (unsigned i = 0; i < blk_count(); i++)
		if (blk_get(i)->kind == BLK_PART && blk_get(i)->parent == disk)
			return 1;
	return 0;
}

int part_scan(struct blkdev *disk)
{
	struct part_table *t = &part_boot_table;
	int err, n = 0;

	if (part_has_children(disk))
		return -EEXIST;
	err = part_table_read(disk, t);
	for (unsigned i = 0; !err && i < t->count; i++) {
		if (t->entries[i].container)
			continue;
		err = blk_add_partition(disk, (int)t->entries[i].index, t->entries[i].first_lba,
					t->entries[i].sectors);
		n += !err;
	}
	return err ? err : n;
}

void part_scan_all(void)
{
	unsigned n = blk_count();

	for (unsigned i = 0; i < n; i++) {
		struct blkdev *b = blk_get(i);
		int err;

		if (b->kind != BLK_DISK)
			continue;
		part_boot_table.note[0] = 0;
		err = part_scan(b);
		if (part_boot_table.note[0])
			console_report_error("%s: %s", b->name, part_boot_table.note);
		else if (err < 0 && err != -EEXIST)
			console_report_error("%s: partition table: %s", b->name, error_str(err));
	}
}

/* ---- names ---- */

const char *part_mbr_type_name(uint8_t type)
{
	switch (type) {
	case 0x01: return "FAT12";
	case 0x04: return "FAT16 <32M";
	case 0x05: return "extended";
	case 0x06: return "FAT16";
	case 0x07: return "NTFS/exFAT";
	case 0x0B: return "FAT32";
	case 0x0C: return "FAT32 LBA";
	case 0x0E: return "FAT16 LBA";
	case 0x0F: return "extended LBA";
	case 0x82: return "Linux swap";
	case 0x83: return "Linux";
	case 0x85: return "Linux extended";
	case 0x8E: return "Linux LVM";
	case 0xEE: return "GPT protective";
	case 0xEF: return "EFI System";
	case 0xFD: return "Linux RAID";
	default: return "";
	}
}

struct gpt_type_name {
	const char *guid;
	const char *name;
};

static const struct gpt_type_name gpt_types[] = {
	{ "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI System" },
	{ "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "Microsoft basic data" },
	{ "E3C9E316-0B5C-4DB8-817D-F92DF00215AE", "Microsoft reserved" },
	{ "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem" },
	{ "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap" },
	{ "21686148-6449-6E6F-744E-656564454649", "BIOS boot" },
};

const char *part_gpt_type_name(const uint8_t guid[16])
{
	char s[37];

	part_guid_str(guid, s);
	for (unsigned i = 0; i < ARRAY_SIZE(gpt_types); i++)
		if (!strcmp(s, gpt_types[i].guid))
			return gpt_types[i].name;
	return "";
}

void part_guid_str(const uint8_t g[16], char out[37])
{
	ksnprintf(out, 37, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		  g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13],
		  g[14], g[15]);
}
