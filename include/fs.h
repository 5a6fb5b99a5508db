/* fs.h: read-only FAT12/16/32 file systems (Microsoft FAT spec, fatgen103,
 * with VFAT long names) on any block device, and "DEV:/PATH" file names.
 * Exercised by -drive file=build/programs.img,if=none,id=progs -device virtio-blk-pci,drive=progs. */
#ifndef INGOT_FS_H
#define INGOT_FS_H

#include <stddef.h>
#include <stdint.h>
#include "errno.h"

struct blkdev;

#define FS_NAME_MAX 256   /* 255 characters of a long name and a NUL */
#define FS_LABEL_MAX 12
#define FS_MAX_MOUNTS 32
#define FS_BOOT_BYTES 90  /* boot sector bytes kept to notice a changed volume */

/* A mounted FAT volume. Offsets are bytes from the start of the device. */
struct fat_vol {
	struct blkdev *dev;
	int type;                  /* 12, 16 or 32 */
	uint32_t sector_size;      /* BPB bytes per sector */
	uint32_t cluster_size;     /* bytes */
	uint32_t clusters;         /* data clusters: numbers 2 .. clusters + 1 */
	uint64_t fat_start;        /* the FAT in use */
	uint64_t root_start;       /* FAT12/16 fixed root directory */
	uint32_t root_entries;     /* FAT12/16 */
	uint32_t root_cluster;     /* FAT32 */
	uint64_t data_start;       /* cluster 2 */
	uint64_t total_bytes;      /* size of the volume */
	uint32_t serial;
	uint8_t few_clusters;      /* FAT32 as declared, with fewer than 65,525 clusters */
	char label[FS_LABEL_MAX];  /* from the boot sector, "" when none */
	uint8_t boot[FS_BOOT_BYTES];
	/* writing (src/fat_write.c) */
	uint64_t fat0_start;       /* the first FAT copy kept up */
	uint64_t fat_bytes;        /* one FAT copy */
	uint32_t fats;             /* copies kept up: all, or FAT32's active one when not mirrored */
	uint32_t fsinfo_sector;    /* FAT32 FSInfo sector, 0: none */
	int wstate;                /* 0: not checked since mounted, 1: writable, else why not */
	uint32_t free_clusters, next_free;
	char why[96];              /* what keeps it read-only */
	uint64_t dev_writes;       /* the device's (and its disk's) blk_write count after our last write */
};

/* An open file or directory. */
struct fs_file {
	struct fat_vol *vol;
	uint32_t first_cluster;    /* 0: empty file (or a FAT12/16 root) */
	uint32_t clusters;         /* chain length, checked when opened */
	uint64_t size;             /* bytes; a directory: its chain's bytes */
	uint8_t attr;              /* FAT attributes: 0x01 RO 0x02 hidden 0x04 system 0x10 dir 0x20 archive */
	uint8_t is_dir, is_root;
	uint8_t check_tail;        /* chain checked in part when opened: the rest as read */
	uint16_t date, time;       /* FAT last-write date and time */
	uint32_t cur_index, cur_cluster; /* read cursor: cluster number at chain index */
	char name[FS_NAME_MAX];
};

struct fs_dirent {
	char name[FS_NAME_MAX];    /* the long name when there is a valid one, else the 8.3 name */
	char short_name[13];       /* 8.3 name as stored ("README.TXT", lowercase flags honoured) */
	uint8_t attr, is_dir;
	uint16_t date, time;
	uint32_t cluster;
	uint64_t size;
	uint64_t entry_off;        /* byte offset in its directory of its first (long-name) entry */
	uint32_t entry_slots;      /* 32-byte entries it takes, the 8.3 one last */
};

struct fs_dir {
	struct fs_file f;
	uint64_t pos;              /* next byte of the directory to read */
	uint32_t buf_off, buf_len;
	int end;
	/* long-name assembly: the entry number expected next and the checksum */
	int lfn_next;
	uint8_t lfn_sum;
	uint64_t lfn_off;          /* where the long name being assembled began */
	char lfn[20 * 13 + 1];
	uint32_t corrupt;          /* entries skipped: no FAT implementation writes them */
	uint32_t bad_names;        /* long names not used (over 255, ".", "..", a '/'): 8.3 name given */
	uint8_t buf[512];
};

/* Mount (or find mounted) the FAT file system on a device: 0, -ENODATA
 * when there is none, or a read error. Each call rereads the boot sector
 * (a changed one is mounted anew) and forgets cached FAT and data sectors,
 * so writes to the disk between commands are seen. */
int fs_mount(struct blkdev *b, struct fat_vol **out);
/* Mount without the cache (tests, fuzzers): v is filled in. */
int fat_mount(struct fat_vol *v, struct blkdev *b);

/* Devices to look on, in order: each device, or its partitions in place
 * of a disk that has a partition table (CDs are left out); RAM disks last. */
unsigned fs_devices(struct blkdev **out, unsigned max);

/* Resolve "DEV:/PATH", "DEV:PATH", "DEV:" (its root) or a bare path looked
 * up on each device of fs_devices in turn. 0, -ENODEV (no such device),
 * -ENODATA (no FAT on it), -ENOENT, -ENOTDIR, -EUCLEAN, -ECANCELED (Ctrl-C
 * during a long chain check), or a read error. */
int fs_resolve(const char *spec, struct fs_file *out);
/* The device part of "DEV:PATH": 1 with *b and *path (after the colon),
 * 0 for a bare path (*path = spec), -ENODEV for no such device. */
int fs_spec_device(const char *spec, struct blkdev **b, const char **path);
/* Look a path up on a mounted volume ("/" or "" is the root). */
int fat_lookup(struct fat_vol *v, const char *path, struct fs_file *out);

/* Read up to len bytes at off: the count read (0 at the end) or an error
 * (-EUCLEAN: the chain is corrupt there; -ECANCELED: Ctrl-C). */
int64_t fs_read(struct fs_file *f, uint64_t off, void *buf, uint64_t len);

/* Iterate a directory: fs_dir_next gives 1 and an entry, 0 at the end, or
 * an error. "." and ".." are given as stored; volume labels are not. */
int fs_dir_open(const struct fs_file *dir, struct fs_dir *d);
int fs_dir_next(struct fs_dir *d, struct fs_dirent *e);

/* CRC-32 (zlib) of a whole file (src/monitor/cmd_fs.c): 0, -ECANCELED on
 * Ctrl-C, or an fs_resolve/fs_read error. */
int fs_crc32_file(const char *path, uint32_t *crc, uint64_t *size);

/* Paths as the monitor takes them: "DEV:/DIR/NAME", "DEV:NAME" or a bare path (an existing file is
 * looked up on fs_devices() in turn; a new file with a bare path goes on the first writable FAT
 * device in that order). All are safe from any core; they return byte counts or 0, or a negative
 * code from include/errno.h (-ENOENT, -ENOTDIR, -EISDIR, -EEXIST, -ENOTEMPTY, -ENOSPC, -EROFS,
 * -ENAMETOOLONG, -EINVAL for forbidden characters, -EUCLEAN, -ENODEV, -EIO ...). src/fs_path.c. */
int64_t fs_file_size(const char *spec);
int64_t fs_file_read(const char *spec, uint64_t off, void *buf, uint64_t len);
/* A file on a RAM disk read in place: *p points at its bytes from off, and
 * the count returned (len at most, 0 at the end) lie contiguous there;
 * -ENOSYS on other devices. */
int64_t fs_file_map(const char *spec, uint64_t off, uint64_t len, const void **p);
int64_t fs_file_write(const char *spec, uint64_t off, const void *buf, uint64_t len); /* creates the file when missing, extends as needed (a hole is zero-filled); the data is on the device when it returns */
int fs_file_truncate(const char *spec, uint64_t size);
/* A file written in pieces (cp): fs_file_write without the device flush at
 * the end; fs_file_sync then flushes the volume once (its FSInfo, then the device). */
int64_t fs_file_write_part(const char *spec, uint64_t off, const void *buf, uint64_t len);
int fs_file_sync(const char *spec);
int fs_remove(const char *spec);            /* a file, or an empty directory (-ENOTEMPTY) */
int fs_mkdir(const char *spec);
int fs_rename(const char *from, const char *to); /* same volume; -EXDEV otherwise */
/* The index-th entry of a directory ("." and ".." left out): 1 and *e, 0 past the end, or an error. */
int fs_dir_entry(const char *spec, uint64_t index, struct fs_dirent *e);
/* Do two paths name one file (one chain on one volume)? */
int fs_same_file(const char *a, const char *b);
/* May spec (an existing or a new file) be written? 0, or the error and in
 * why what keeps its volume read-only ("" when nothing more is known). */
int fs_write_check(const char *spec, char *why, size_t n);
/* Tab completion of a file argument (prefix: len bytes): each "DEV:" of a
 * FAT device and each path one component longer (directories end in '/');
 * add is called after the fs lock is given back. */
void fs_complete(const char *prefix, size_t len, void (*add)(void *actx, const char *cand), void *actx);
/* The fs lock, for callers that walk a volume with fs_resolve/fs_read/fs_dir_next
 * themselves (ls, cat): not taken twice. */
void fs_lock_take(void);
void fs_lock_give(void);

/* A phrase for an fs error code, for error lines. */
const char *fs_error_str(int err);

#endif
