/* part_gpt.c: GPT partition tables (UEFI 2.9 ch. 5: header and entry-array
 * CRCs, backup header at the disk's last LBA); left out of the tiny profile.
 * Exercised by any disk with a GPT, e.g. -device virtio-blk-pci,drive=D. */
#include "part_priv.h"
#include "console.h"
#include "crc32.h"
#include "errno.h"
#include "string.h"

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

#define GPT_MAX_ENTRY_SIZE 4096u
#define GPT_MAX_ARRAY (1024u * 1024)  /* bytes of entry array we accept */
#define PART_CHUNK 16384u             /* multiple of every sector and entry size */

static uint8_t part_chunk[PART_CHUNK] __attribute__((aligned(64)));

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

/* The last usable LBA, below the backup header and its entry array (a
 * table that covers them would let a write to the last partition destroy
 * the backup): clamped with a note when the header says more. The backup
 * is where the primary says, else the last sector; a backup header is its
 * own location. */
static uint64_t gpt_clamp_usable(const struct part_src *src, const struct gpt_header *h, struct part_table *t)
{
	uint64_t array = ((uint64_t)h->entry_count * h->entry_size + src->ssize - 1) / src->ssize;
	uint64_t backup = h->my_lba != 1 ? h->my_lba
			  : h->alternate_lba > h->first_usable && h->alternate_lba < src->sectors ? h->alternate_lba
			  : src->sectors - 1;

	if (backup < array + 1 || h->last_usable < backup - array || backup - array - 1 < h->first_usable)
		return h->last_usable;
	part_note(t, "GPT last usable LBA %llu covers the backup header at LBA %llu and its entries; "
		  "clamped to %llu", (unsigned long long)h->last_usable, (unsigned long long)backup,
		  (unsigned long long)(backup - array - 1));
	return backup - array - 1;
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
	t->last_usable = gpt_clamp_usable(src, h, t);
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

/* A hybrid ISO (xorriso) carries a GPT at byte 512, for when it is copied to
 * a stick; on a CD with 2048-byte sectors that is inside sector 0, not at
 * LBA 1, so the table is not wrong but meant for another sector size. */
static int gpt_for_512(const struct part_src *src)
{
	return src->ssize > 512 && !part_read_sector(src, 0) && !memcmp(part_sector + 512, "EFI PART", 8);
}

int part_gpt_parse(const struct part_src *src, struct part_table *t)
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
	if (err == -ENODATA && gpt_for_512(src)) {
		t->note[0] = 0;
		part_note(t, "GPT made for 512-byte sectors (a hybrid ISO image), not for this device's "
			  "%u-byte ones: not used", src->ssize);
		return err;
	}
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

