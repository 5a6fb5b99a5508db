/* block.c: the block device list and checked, split requests (see
 * include/blkdev.h); partitions are block devices over a range of their
 * disk. */
#include "blkdev.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "string.h"
#include "trap.h"

/* Bytes per driver call at most: a long request (a program's 256 MiB read)
 * checks for a stop between calls, so one is honoured within ~16 MiB. */
#define BLK_STOP_BYTES (16u * 1024 * 1024)

static struct blkdev *devices[BLK_MAX_DEVICES];
static unsigned device_count;
static unsigned kind_count[BLK_KIND_COUNT];
static struct blkdev parts[BLK_MAX_DEVICES];
static unsigned part_count;

static const char *const kind_prefix[BLK_KIND_COUNT] = { "disk", "cd", "", "ram", "usb" };

int blk_register(struct blkdev *b)
{
	if (device_count >= BLK_MAX_DEVICES)
		return -ENOSPC;
	if (b->kind == BLK_PART)
		ksnprintf(b->name, sizeof(b->name), "%sp%d", b->parent->name, b->part_index);
	else
		ksnprintf(b->name, sizeof(b->name), "%s%u", kind_prefix[b->kind], kind_count[b->kind]++);
	if (!b->max_sectors)
		b->max_sectors = 0xFFFFFFFFu;
	devices[device_count++] = b;
	return 0;
}

unsigned blk_count(void) { return device_count; }

struct blkdev *blk_get(unsigned i)
{
	return i < device_count ? devices[i] : NULL;
}

struct blkdev *blk_find(const char *name)
{
	for (unsigned i = 0; i < device_count; i++)
		if (!strcmp(devices[i]->name, name))
			return devices[i];
	return NULL;
}

static int blk_check(const struct blkdev *b, uint64_t lba, uint64_t count)
{
	if (!b->sectors)
		return -ENOMEDIUM;
	if (!count || lba >= b->sectors || count > b->sectors - lba)
		return -EINVAL;
	if (b->failed)
		return -ESHUTDOWN;
	return 0;
}

void blk_set_failed(struct blkdev *b)
{
	b->failed = 1;
}

/* Sectors per driver call: what the driver takes, at most BLK_STOP_BYTES. */
static uint32_t blk_call_sectors(const struct blkdev *b)
{
	return MAX(1u, MIN(b->max_sectors, BLK_STOP_BYTES / b->sector_size));
}

/* Between driver calls no lock is held (drivers take and give back their
 * own inside a call): the place to honour a pending stop of the program.
 * The buffer is checked by the caller (blk_read, blk_write). */
static int blk_rw(struct blkdev *b, uint64_t lba, uint64_t count, uint8_t *buf, int write)
{
	int err = blk_check(b, lba, count);
	uint32_t per = err ? 0 : blk_call_sectors(b);

	if (!err && write && (b->read_only || !b->write))
		err = -EACCES;
	while (!err && count) {
		uint32_t n = (uint32_t)MIN(count, per);

		err = write ? b->write(b, lba, n, buf) : b->read(b, lba, n, buf);
		lba += n, count -= n;
		buf += (uint64_t)n * b->sector_size;
		if (count)
			trap_check_stop();
	}
	return err;
}

/* The whole buffer is checked once, before any driver (and its locks) is
 * involved: a bad one (a program's) gets -EFAULT, not a fault inside the
 * driver. A request past the device's end is -EINVAL first. */
static int blk_rw_checked(struct blkdev *b, uint64_t lba, uint64_t count, void *buf, int write)
{
	int err = blk_check(b, lba, count);

	if (!err)
		err = vm_buf_check(buf, count * b->sector_size, !write);
	if (err)
		return err;
	err = blk_rw(b, lba, count, buf, write);
	vm_buf_done();
	return err;
}

int blk_read(struct blkdev *b, uint64_t lba, uint64_t count, void *buf)
{
	return blk_rw_checked(b, lba, count, buf, 0);
}

int blk_write(struct blkdev *b, uint64_t lba, uint64_t count, const void *buf)
{
	__atomic_fetch_add(&b->writes, 1, __ATOMIC_RELAXED);
	return blk_rw_checked(b, lba, count, (void *)buf, 1);
}

int blk_flush(struct blkdev *b)
{
	if (b->failed)
		return -ESHUTDOWN;
	return b->flush ? b->flush(b) : 0;
}

/* The partition's blk_read checked the buffer already (and a test may
 * have taken a page of it away since, for the driver's copy to fault). */
static int part_read(struct blkdev *b, uint64_t lba, uint32_t count, void *buf)
{
	return blk_rw(b->parent, b->first_lba + lba, count, buf, 0);
}

static int part_write(struct blkdev *b, uint64_t lba, uint32_t count, const void *buf)
{
	return blk_rw(b->parent, b->first_lba + lba, count, (uint8_t *)buf, 1);
}

static int part_flush(struct blkdev *b)
{
	return blk_flush(b->parent);
}

int blk_add_partition(struct blkdev *parent, int index, uint64_t first_lba, uint64_t sectors)
{
	struct blkdev *p;

	if (part_count >= BLK_MAX_DEVICES)
		return -ENOSPC;
	if (first_lba >= parent->sectors || sectors > parent->sectors - first_lba || !sectors)
		return -EINVAL;
	p = &parts[part_count++];
	memset(p, 0, sizeof(*p));
	p->kind = BLK_PART;
	p->driver = "part";
	p->parent = parent;
	p->part_index = index;
	p->first_lba = first_lba;
	p->sectors = sectors;
	p->sector_size = parent->sector_size;
	p->read_only = parent->read_only;
	memcpy(p->model, parent->model, sizeof(p->model));
	p->read = part_read;
	p->write = part_write;
	p->flush = part_flush;
	return blk_register(p);
}
