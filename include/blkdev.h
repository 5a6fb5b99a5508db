/* blkdev.h: the block layer: every disk, partition and RAM disk behind one
 * interface, used by the monitor, the file system and programs. Requests of
 * any length are split to what the device takes and checked against its
 * size; drivers only see requests they can do in one go.
 *
 * Concurrency: every call may come from any core at once (a program runs on
 * all of them), on one device or several. The block layer holds no lock; each
 * driver serialises its own shared state, per device or per channel as the
 * hardware shares registers: AHCI per port (requests take free command slots
 * and wait for them without the lock, so several are in flight), IDE per
 * channel (master and slave share it), NVMe per controller (its I/O queue
 * pair), virtio-blk per device (its queue). blk_read and blk_write check
 * the caller's whole buffer (mapped, canonical, writable for a read) before
 * any driver runs, so a bad one is -EFAULT, not a fault. A driver copies the caller's
 * buffer only under a lock taken with spin_lock_reset, or under none, so a
 * fault in the copy (only a test makes one now: vm_buf_check) leaves no lock taken and the
 * device ready (see lock.h). Between driver calls, and only there, the layer
 * honours a pending stop of the program (trap_check_stop): calls are cut at
 * BLK_STOP_BYTES so a long request stops promptly. */
#ifndef INGOT_BLKDEV_H
#define INGOT_BLKDEV_H

#include <stdint.h>

#define BLK_MAX_DEVICES 64
#define BLK_NAME_MAX 16

enum blk_kind { BLK_DISK, BLK_CDROM, BLK_PART, BLK_RAM, BLK_USB, BLK_KIND_COUNT };

struct blkdev {
	char name[BLK_NAME_MAX];   /* disk0, cd0, disk0p1, ram0, usb0: set by blk_register */
	enum blk_kind kind;
	const char *driver;        /* "virtio-blk", "nvme", "ahci", "ide", "part", "ram" */
	char model[48], serial[24];
	uint32_t sector_size;      /* bytes, 512 or 4096 (2048 for CDs) */
	uint64_t sectors;
	uint32_t max_sectors;      /* largest request the driver takes in one call */
	int read_only;
	int failed;                /* the driver left it (it stopped answering) */
	/* Driver entry points: count is 1..max_sectors, lba + count <= sectors,
	 * buf is identity-mapped memory (physical = virtual) of any alignment:
	 * a driver whose device needs more (or addresses below 4 GiB) bounces
	 * through its own buffer. Every wait inside is bounded; they return 0
	 * or a negative code. Called from any core at once: the driver locks. */
	int (*read)(struct blkdev *b, uint64_t lba, uint32_t count, void *buf);
	int (*write)(struct blkdev *b, uint64_t lba, uint32_t count, const void *buf);
	int (*flush)(struct blkdev *b);   /* NULL: nothing to flush */
	void *priv;
	struct blkdev *parent;     /* partitions: the disk */
	uint64_t first_lba;        /* partitions: start on the parent */
	int part_index;            /* partitions: 1-based number */
	uint64_t writes;           /* blk_write calls: a file system notices writes not its own */
};

/* Give the device its name (disk%u / cd%u / ram%u in registration order,
 * parentNAMEpN for partitions) and list it. 0 or -ENOSPC. */
int blk_register(struct blkdev *b);
unsigned blk_count(void);
struct blkdev *blk_get(unsigned i);
struct blkdev *blk_find(const char *name);

/* Checked and split requests: 0, -EINVAL (out of range), -EFAULT (a bad
 * buffer: unmapped, non-canonical or, for a read, read-only), -ENOMEDIUM (no
 * sectors: an empty drive), -EACCES (read only), -ESHUTDOWN (the driver
 * left the device), or the driver's error. */
int blk_read(struct blkdev *b, uint64_t lba, uint64_t count, void *buf);
int blk_write(struct blkdev *b, uint64_t lba, uint64_t count, const void *buf);
int blk_flush(struct blkdev *b);

/* A driver leaves a device that stopped answering: every later request
 * fails at once with -ESHUTDOWN, `disk` says so. The driver prints why. */
void blk_set_failed(struct blkdev *b);

/* A partition device over [first_lba, first_lba + sectors) of parent. */
int blk_add_partition(struct blkdev *parent, int index, uint64_t first_lba, uint64_t sectors);

#endif
