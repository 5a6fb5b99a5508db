/* fat_priv.h: on-disk FAT structures (fatgen103 sections 3 and 6, VFAT long
 * names) and the helpers fat.c shares with the writer (fat_write.c, fat_dir.c)
 * and the path interface (fs_path.c). Not for other modules. */
#ifndef INGOT_FAT_PRIV_H
#define INGOT_FAT_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "fs.h"
#include "kernel.h"

/* The boot sector's BPB up to the FAT32 extension (fatgen103 section 3). */
struct fat_bpb {
	uint8_t jmp[3];
	char oem[8];
	uint16_t bytes_per_sector;
	uint8_t sectors_per_cluster;
	uint16_t reserved_sectors;
	uint8_t fats;
	uint16_t root_entries;
	uint16_t total16;
	uint8_t media;
	uint16_t fat_size16;
	uint16_t sectors_per_track, heads;
	uint32_t hidden, total32;
	union {
		struct {
			uint8_t drive, reserved1, boot_sig;
			uint32_t serial;
			char label[11];
			char fs_type[8];
		} __packed f16;
		struct {
			uint32_t fat_size32;
			uint16_t ext_flags, version;
			uint32_t root_cluster;
			uint16_t fsinfo, backup_boot;
			uint8_t reserved[12];
			uint8_t drive, reserved1, boot_sig;
			uint32_t serial;
			char label[11];
			char fs_type[8];
		} __packed f32;
	};
} __packed;
_Static_assert(sizeof(struct fat_bpb) == 90, "BPB with the FAT32 extension is 90 bytes");
_Static_assert(sizeof(struct fat_bpb) == FS_BOOT_BYTES, "fat_vol.boot holds the BPB");

struct fat_dirent {
	uint8_t name[11];
	uint8_t attr;
	uint8_t nt_case;          /* 0x08 base lowercase, 0x10 extension lowercase */
	uint8_t ctime_tenth;
	uint16_t ctime, cdate, adate;
	uint16_t cluster_hi;
	uint16_t wtime, wdate;
	uint16_t cluster_lo;
	uint32_t size;
} __packed;
_Static_assert(sizeof(struct fat_dirent) == 32, "directory entry is 32 bytes");

struct fat_lfn {
	uint8_t ord;              /* 1..20, 0x40 on the last (first stored) */
	uint8_t name1[10];
	uint8_t attr;             /* 0x0F */
	uint8_t type;
	uint8_t checksum;
	uint8_t name2[12];
	uint16_t cluster;
	uint8_t name3[4];
} __packed;
_Static_assert(sizeof(struct fat_lfn) == 32, "long name entry is 32 bytes");

#define FAT_ATTR_VOLUME 0x08
#define FAT_ATTR_DIR 0x10
#define FAT_ATTR_LFN 0x0F
#define FAT_WINDOW 4096u  /* bytes of FAT per cached window */
#define FAT_WINDOWS 8     /* windows kept: a chain jumping between far parts of the FAT stays cached */
#define FAT_DIR_MAX_BYTES (65536ull * 32) /* a directory's entries at most */
#define FAT12_MAX_CLUSTERS 4085u
#define FAT16_MAX_CLUSTERS 65525u
#define FAT32_MAX_CLUSTERS 0x0FFFFFF5u
/* Clusters of a file's chain checked when it is opened; the rest are
 * checked as they are read (a 4 GiB file in 512-byte clusters has 8 Mi). */
#define FAT_CHECK_AT_OPEN 16384u
#define FAT_CTRL_C_EVERY 1024u   /* chain steps between looks for Ctrl-C */

#define FAT_ATTR_RO 0x01
#define FAT_ATTR_ARCHIVE 0x20
#define FAT_LFN_LAST 0x40
#define FAT_LFN_CHARS 13          /* UTF-16 units per long-name entry */
#define FAT_FREE_UNKNOWN 0xFFFFFFFFu

/* ---- fat.c ---- */
/* Bumped when a chain may have changed other than by growing at its end
 * (freed, cut short, a volume mounted anew): memos of chain positions
 * (fat_write.c, fs_path.c) taken before are then stale. */
extern uint64_t fat_chain_gen;
int fat_dev_read(const struct fat_vol *v, uint64_t off, uint64_t len, uint8_t *buf);
/* Write len bytes at byte offset off of the device: partial sectors are read,
 * changed and written back; whole sectors go in one request. Keeps fat.c's
 * one-sector cache in step. */
int fat_dev_write(const struct fat_vol *v, uint64_t off, uint64_t len, const uint8_t *buf);
/* A file call cut short (a program stopped in it): cached FAT changes not
 * yet written are dropped (what is on the disk is consistent at every flush)
 * and every volume is checked again before its next write. */
void fat_forget_all(void);
/* ---- fat_table.c ---- */
int fat_get(const struct fat_vol *v, uint32_t n, uint32_t *next);
/* Set cluster n's FAT entry in the cache (the sector is marked dirty);
 * fat_flush writes every dirty sector to each FAT copy, the first copy
 * first. A dirty window is flushed before it is replaced. */
int fat_put(const struct fat_vol *v, uint32_t n, uint32_t val);
int fat_flush(const struct fat_vol *v);
/* Drop v's cached FAT windows, all clean (after fat_flush): the FAT is
 * about to be written around the cache. */
void fat_cache_forget(const struct fat_vol *v);
/* Drop every cached window (a volume mounted anew, a call cut short). */
void fat_cache_reset(void);
/* FAT16/32: a pointer to cluster n's entry in a cached window of the FAT
 * and how many entries (of n, n + 1, ...) the window holds, the volume's
 * last cluster at most; -EUCLEAN on FAT12 or a cluster outside the volume.
 * Good until the next call into the FAT cache. */
int fat_entries(const struct fat_vol *v, uint32_t n, uint8_t **p, uint32_t *avail, unsigned *win);
/* Entries [n, n + count) of window win (from fat_entries) were changed. */
void fat_entries_dirty(const struct fat_vol *v, unsigned win, uint32_t n, uint32_t count);
int fat_is_eoc(const struct fat_vol *v, uint32_t e);
int fat_cluster_ok(const struct fat_vol *v, uint32_t c);
uint32_t fat_eoc(const struct fat_vol *v);
/* ---- fat.c ---- */
int fat_chain_check(const struct fat_vol *v, uint32_t first, uint32_t limit, uint32_t stop, uint32_t *count);
int fat_open(struct fat_vol *v, const struct fs_dirent *e, struct fs_file *f);
int fat_open_root(struct fat_vol *v, struct fs_file *f);
uint8_t fat_name_sum(const uint8_t *name);
int fat_name_eq(const char *a, const char *b, size_t blen);

/* FAT16/32: entry i of a piece of the FAT in memory (a cached window, or
 * a read of the FAT around the cache), and setting it; FAT32's top 4 bits
 * are reserved and kept as they are. */
static inline uint32_t fat_raw_get(const struct fat_vol *v, const uint8_t *p, uint32_t i)
{
	return v->type == 16 ? ((const uint16_t *)(const void *)p)[i] : ((const uint32_t *)(const void *)p)[i] & 0x0FFFFFFF;
}

static inline void fat_raw_set(const struct fat_vol *v, uint8_t *p, uint32_t i, uint32_t val)
{
	if (v->type == 16)
		((uint16_t *)(void *)p)[i] = (uint16_t)val;
	else
		((uint32_t *)(void *)p)[i] = (((uint32_t *)(void *)p)[i] & 0xF0000000u) | (val & 0x0FFFFFFFu);
}

static inline uint64_t fat_cluster_off(const struct fat_vol *v, uint32_t c)
{
	return v->data_start + (uint64_t)(c - 2) * v->cluster_size;
}

/* ---- fat_run.c ---- */
#define FAT_RUN_STEP 4096u /* clusters per run in a chain check: its Ctrl-C looks stay frequent */
/* The run of contiguous clusters c, c + 1, ... of a chain (each entry
 * pointing at the next), max clusters at most (max >= 1, c in the volume):
 * *run clusters, all in the volume, and *next, the last one's entry. */
int fat_run_len(const struct fat_vol *v, uint32_t c, uint32_t max, uint32_t *run, uint32_t *next);
/* The first free cluster in [c, end) and how many free ones follow it (want
 * at most): *start (0 when none) and *len. */
int fat_free_find(const struct fat_vol *v, uint32_t c, uint32_t end, uint32_t want, uint32_t *start, uint32_t *len);
/* Set the entries of clusters [first, first + n): link, each pointing at
 * the next and the last one at end; else every one to end (0: freed). */
int fat_fill_run(const struct fat_vol *v, uint32_t first, uint32_t n, int link, uint32_t end);
int fat_seek(struct fs_file *f, uint32_t idx, uint32_t *cluster);
/* Where the file's bytes from off lie on the device: *at, and how many of
 * them (len at most) are contiguous there; 0 at the end of the file. */
int64_t fat_file_span(struct fs_file *f, uint64_t off, uint64_t len, uint64_t *at);

/* ---- fat_write.c ---- */
/* 0 when the volume may be written, else -EROFS (read-only device) or
 * -EUCLEAN with v->why saying what fsck.fat would flag. */
int fat_writable(struct fat_vol *v);
#define FAT_SPAN_MAX (128u * 1024u) /* FATs this small: both copies flushed in one request */
/* 2 * FAT_SPAN_MAX bytes for fat.c's flush of both FATs, from fat_writable. */
extern uint8_t *fat_span_buf;
/* Writes to the volume's device that were not ours (disk write, a program's
 * block calls) since our last one: what was checked or remembered is
 * forgotten (checked again before the next write). Called by each file call. */
void fat_note_outside_writes(struct fat_vol *v);
/* Allocate count clusters as one new chain (end-marked, not linked to
 * anything): *first. Prefers a contiguous run. -ENOSPC leaves the FAT as it was. */
int fat_alloc_chain(struct fat_vol *v, uint32_t count, uint32_t *first, uint32_t *last);
/* Free a chain from cluster first on (after nothing points at it). */
int fat_free_chain(struct fat_vol *v, uint32_t first);
/* Write the FSInfo free count and next-free hint (FAT32), then flush the device. */
int fat_sync(struct fat_vol *v);
/* Write len bytes at byte off of a chain starting at cluster first. */
int fat_chain_write(struct fat_vol *v, uint32_t first, uint64_t off, const uint8_t *buf, uint64_t len);
/* Zero a whole cluster on the device. */
int fat_cluster_zero(struct fat_vol *v, uint32_t c);
/* File data: write (extending and zero-filling as needed) and truncate; f is
 * open from entry e (its place in its directory dir), which is updated. */
int64_t fat_file_write(struct fs_file *dir, struct fs_dirent *e, uint64_t off, const uint8_t *buf, uint64_t len);
int fat_file_truncate(struct fs_file *dir, struct fs_dirent *e, uint64_t size);
/* fat_file_write, sync 0: without the FSInfo update and the device flush at
 * its end (a later fat_sync does them: a file written in pieces). */
int64_t fat_file_put(struct fs_file *dir, struct fs_dirent *e, uint64_t off, const uint8_t *buf, uint64_t len, int sync);

/* ---- fat_dir.c ---- */
/* A name a new entry may have: 0, -EINVAL or -ENAMETOOLONG. */
int fat_name_valid(const char *name);
/* Find name in dir: 1 and *e (with its place), 0 when absent, or an error. */
int fat_dir_find(struct fs_file *dir, const char *name, struct fs_dirent *e);
/* A new entry in dir: long name and 8.3 alias, first cluster, size, attr. */
int fat_dir_add(struct fs_file *dir, const char *name, uint8_t attr, uint32_t cluster, uint64_t size,
		struct fs_dirent *out);
/* Rewrite an entry's first cluster and size (and mark it archived). */
int fat_dir_update(struct fs_file *dir, struct fs_dirent *e);
/* Mark every slot of an entry deleted. */
int fat_dir_del(struct fs_file *dir, const struct fs_dirent *e);
/* Does directory e hold anything besides "." and ".."? 1, 0 or an error. */
int fat_dir_has_entries(struct fat_vol *v, const struct fs_dirent *e);
/* A new empty directory's cluster ("." and ".." filled in): *cluster. */
int fat_dir_make(struct fs_file *parent, uint32_t *cluster);
/* Point a directory's ".." at a new parent. */
int fat_dir_set_parent(struct fat_vol *v, uint32_t dir_cluster, const struct fs_file *parent);

#endif
