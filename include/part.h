/* part.h: partition tables: the MBR (4 primaries, logical partitions in a
 * chain of EBRs) and GPT (UEFI 2.9 ch. 5, with its backup header). Parsing
 * reads through a callback so host tests and fuzzers run it on memory. */
#ifndef INGOT_PART_H
#define INGOT_PART_H

#include <stdint.h>

struct blkdev;

#define PART_MAX 128          /* partitions kept per table */
#define PART_MAX_LOGICAL 64   /* EBRs followed in an extended partition */
#define PART_NAME_MAX 37      /* GPT names: 36 UTF-16 units, as ASCII */
#define PART_NOTE_MAX 112

enum part_scheme { PART_NONE, PART_MBR, PART_GPT };

struct part_entry {
	uint32_t index;           /* Linux numbering: MBR 1-4 primaries, 5.. logicals; GPT slot + 1 */
	uint64_t first_lba, sectors;
	uint8_t mbr_type;         /* MBR: the type byte */
	uint8_t bootable;         /* MBR: boot flag 0x80 */
	uint8_t container;        /* MBR: an extended partition (listed, not registered) */
	uint8_t type_guid[16];    /* GPT: on-disk byte order */
	uint8_t part_guid[16];
	uint64_t attrs;
	char name[PART_NAME_MAX]; /* GPT name, non-ASCII as '?' */
};

struct part_table {
	enum part_scheme scheme;
	uint8_t disk_guid[16];    /* GPT */
	uint32_t mbr_signature;   /* MBR disk signature (offset 440) */
	uint64_t header_lba;      /* GPT: the header used (1, or the backup's LBA) */
	uint64_t first_usable, last_usable;
	uint32_t slots;           /* GPT: entries in the array */
	int used_backup;          /* GPT: the primary header or array was bad */
	int truncated;            /* more partitions than PART_MAX */
	char note[PART_NOTE_MAX]; /* what was wrong, "" when nothing */
	unsigned count;
	struct part_entry entries[PART_MAX];
};

/* Reads count sectors from lba into buf: 0 or a negative error. */
typedef int (*part_read_fn)(void *ctx, uint64_t lba, uint32_t count, void *buf);

/* Parse the partition table of a disk of `sectors` sectors of sector_size
 * (512..4096) bytes. Returns 0 (t->scheme says what was found; PART_NONE
 * when there is no table, and t->note may say why a table was unusable in
 * part: entries skipped, backup GPT used), -ENODATA when a table is there
 * but unusable (GPT with both headers bad; t->note says why), -EINVAL for a
 * bad sector size, or the read callback's error. */
int part_parse(part_read_fn read, void *ctx, uint32_t sector_size, uint64_t sectors, struct part_table *t);

/* part_parse on a block device. */
int part_table_read(struct blkdev *disk, struct part_table *t);

/* Read the table and register each partition with blk_add_partition, in
 * table order. Returns the number registered, or a negative error;
 * -EEXIST when the disk already has partitions. */
int part_scan(struct blkdev *disk);

/* part_scan every whole disk (BLK_DISK); prints only one "error:" line
 * per disk whose table is corrupt. Called once at boot after the drivers. */
void part_scan_all(void);

/* "FAT32 LBA", "Linux", ... for an MBR type byte; "" when not known. */
const char *part_mbr_type_name(uint8_t type);
/* "EFI System", "Microsoft basic data", ... for a GPT type GUID; "" when not known. */
const char *part_gpt_type_name(const uint8_t guid[16]);
/* The canonical text form XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX (37 bytes with NUL). */
void part_guid_str(const uint8_t guid[16], char out[37]);

#endif
