/* part.c: partition tables: the MBR's primaries, a whole-disk FAT volume,
 * and the profile's optional GPT (part_gpt.c) and EBR chains (part_ebr.c).
 * Exercised by any disk with a table, e.g. -device virtio-blk-pci,drive=D. */
#include "part_priv.h"
#include "blkdev.h"
#include "console.h"
#include "errno.h"
#include "string.h"

OPTIONAL(part_gpt_parse);
OPTIONAL(part_mbr_walk_extended);

#define MBR_TYPE_GPT 0xEE

uint8_t part_sector[4096] __attribute__((aligned(64)));

void part_note(struct part_table *t, const char *fmt, ...)
{
	va_list ap;

	if (t->note[0])
		return; /* the first problem is the one worth telling */
	va_start(ap, fmt);
	kvsnprintf(t->note, sizeof(t->note), fmt, ap);
	va_end(ap);
}

struct part_entry *part_add(struct part_table *t, uint32_t index, uint64_t first, uint64_t sectors)
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

/* Does [lba, lba + n) lie inside [lo, hi)? */
int part_inside(uint64_t lba, uint64_t n, uint64_t lo, uint64_t hi)
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

/* Is the sector a usable MBR: flags 0/0x80, and a used entry on the disk
 * unless none is used? (Entries off the disk are left out by mbr_parse.) */
static int mbr_plausible(const struct mbr *m, uint64_t sectors, int *used)
{
	int good = 0;

	*used = 0;
	for (int i = 0; i < 4; i++) {
		if (m->e[i].boot != 0 && m->e[i].boot != 0x80)
			return 0;
		if (m->e[i].type) {
			(*used)++;
			good += mbr_entry_ok(&m->e[i], sectors);
		}
	}
	return good || !*used;
}

int part_read_sector(const struct part_src *src, uint64_t lba)
{
	if (lba >= src->sectors)
		return -EINVAL;
	return src->read(src->ctx, lba, 1, part_sector);
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
		if (!mbr_entry_ok(&e[i], src->sectors)) {
			part_note(t, "MBR partition %d (LBA %u, %u sectors) lies outside the disk's %llu sectors; "
				  "left out", i + 1, e[i].lba, e[i].sectors, (unsigned long long)src->sectors);
			continue;
		}
		p = part_add(t, (uint32_t)i + 1, e[i].lba, e[i].sectors);
		if (p) {
			p->mbr_type = e[i].type;
			p->bootable = e[i].boot == 0x80;
			p->container = (uint8_t)mbr_is_extended(e[i].type);
		}
	}
	/* An extended partition left out above is not walked either: its
	 * logical partitions would lie off the disk too. */
	for (int i = 0; i < 4 && !err; i++)
		if (mbr_is_extended(e[i].type) && mbr_entry_ok(&e[i], src->sectors))
			err = part_mbr_walk_extended ? part_mbr_walk_extended(src, t, e[i].lba, e[i].sectors, &logical) : 0;
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
			err = part_gpt_parse ? part_gpt_parse(&src, t) : -ENOSYS;
			if ((err == -ENODATA || err == -ENOSYS) && vbr) /* boot code that happened to hold 0xEE */
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

