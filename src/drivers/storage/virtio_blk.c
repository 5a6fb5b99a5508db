/* virtio_blk.c: virtio block devices as disks, polled; a large call is cut
 * into requests that are all in flight together. Spec: virtio 1.1 5.2, over
 * drivers/virtio. QEMU: -device virtio-blk-pci,drive=ID[,serial=S][,disable-modern=on]. */
#include "virtio_pci.h"
#include "blkdev.h"
#include "diskinfo.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "lock.h"
#include "mm.h"
#include "pci.h"
#include "string.h"
#include "virtio_blk_regs.h"

/* Its pages in the registry of kernel memory (memown.h): poke names them. */
static const char dma_owner[] = "virtio-blk requests";

#define VIRTIO_BLK_QUEUE_MAX 256          /* descriptors: room for every chunk of a call */
#define VIRTIO_BLK_CALL_BYTES (4 * MiB)   /* max_sectors; the block layer splits bigger requests */
#define VIRTIO_BLK_CHUNK_BYTES (64 * KiB) /* per request: a 4 MiB call is 64 in flight */
#define VIRTIO_BLK_MAX_INFLIGHT 64
#define VIRTIO_BLK_MAX_DATA_SEGS 32       /* buffers are contiguous: more only with a small size_max */
#define VIRTIO_BLK_MAX_BLOCK 65536        /* largest blk_size taken as the sector size */
#define VIRTIO_BLK_TIMEOUT_NS (10ull * 1000000000ull) /* per completion, generous for TCG */
#define VIRTIO_BLK_STATUS_NONE 0xFF       /* not yet written by the device */
#define VIRTIO_BLK_FEATURES ((1ull << VIRTIO_BLK_F_SIZE_MAX) | (1ull << VIRTIO_BLK_F_SEG_MAX) | \
			     (1ull << VIRTIO_BLK_F_RO) | (1ull << VIRTIO_BLK_F_BLK_SIZE) | \
			     (1ull << VIRTIO_BLK_F_FLUSH))

/* One request's DMA area: the header the device reads, the status it writes. */
struct virtio_blk_slot {
	struct virtio_blk_req_hdr hdr;
	uint8_t status;
	uint8_t pad[15];
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_blk_slot) == 32, "virtio_blk_slot: header + status, 32 bytes");

struct virtio_blk {
	struct virtio_blk_slot reqs[VIRTIO_BLK_MAX_INFLIGHT]; /* DMA, first: page-aligned */
	uint8_t id[VIRTIO_BLK_ID_BYTES];                      /* DMA: GET_ID answer */
	struct blkdev blk;
	struct virtio_pci vp;
	struct virtq vq;
	struct spinlock lock;
	uint32_t chunk_bytes, size_max, lba_shift;
	unsigned nreqs, nfree, in_flight, unkicked;
	uint8_t free_req[VIRTIO_BLK_MAX_INFLIGHT];
	int dead;
};
_Static_assert(sizeof(struct virtio_blk) <= PAGE_SIZE, "struct virtio_blk fits one page");

/* A device that timed out or broke its ring may still own buffers: it
 * loses bus mastering and is reset, so no DMA can land later, and gets no
 * more requests. One line says so once the disk is listed (a probe reports
 * its own). */
static void virtio_blk_fail_device(struct virtio_blk *v, int err)
{
	const struct pci_dev *d = v->vp.pci;

	virtio_pci_fail(&v->vp);
	v->dead = 1;
	v->in_flight = 0;
	v->unkicked = 0;
	if (!v->blk.name[0])
		return;
	blk_set_failed(&v->blk);
	if (err == -ETIMEDOUT)
		console_report_error("virtio-blk %02x:%02x.%x did not answer in %llu s; no more requests go to %s",
				     d->bus, d->dev, d->fn, VIRTIO_BLK_TIMEOUT_NS / 1000000000ull, v->blk.name);
	else
		console_report_error("virtio-blk %02x:%02x.%x answered with a bad descriptor; "
				     "no more requests go to %s", d->bus, d->dev, d->fn, v->blk.name);
}

static unsigned virtio_blk_descs(const struct virtio_blk *v, uint32_t bytes)
{
	return 2 + (bytes + v->size_max - 1) / v->size_max;
}

/* Queue one request: header, data cut at size_max, status. */
static int virtio_blk_submit(struct virtio_blk *v, uint32_t type, uint64_t sector, uint64_t addr, uint32_t bytes)
{
	struct virtq_seg segs[VIRTIO_BLK_MAX_DATA_SEGS + 2];
	struct virtio_blk_slot *r;
	uint32_t writes = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	unsigned n = 0;
	int err;

	if (virtio_blk_descs(v, bytes) > ARRAY_SIZE(segs))
		return -EINVAL;
	r = &v->reqs[v->free_req[--v->nfree]];
	r->hdr.type = type;
	r->hdr.reserved = 0;
	r->hdr.sector = sector;
	r->status = VIRTIO_BLK_STATUS_NONE;
	segs[n++] = (struct virtq_seg){ (uint64_t)&r->hdr, sizeof(r->hdr), 0 };
	for (uint32_t off = 0, len; off < bytes; off += len) {
		len = MIN(bytes - off, v->size_max);
		segs[n++] = (struct virtq_seg){ addr + off, len, writes };
	}
	segs[n++] = (struct virtq_seg){ (uint64_t)&r->status, 1, 1 };
	err = virtq_add(&v->vq, segs, n, r);
	if (err) {
		v->free_req[v->nfree++] = (uint8_t)(r - v->reqs);
		return err;
	}
	v->in_flight++;
	v->unkicked++;
	return 0;
}

static void virtio_blk_kick(struct virtio_blk *v)
{
	if (v->unkicked)
		virtq_kick(&v->vq);
	v->unkicked = 0;
}

/* Wait for one completion; a bad status goes to *io_err (first one kept),
 * a timeout or a broken ring kills the device. */
static int virtio_blk_reap(struct virtio_blk *v, int *io_err)
{
	struct virtio_blk_slot *r;
	void *token;
	uint32_t written;
	int err = virtq_wait(&v->vq, &token, &written, VIRTIO_BLK_TIMEOUT_NS);

	if (err) {
		virtio_blk_fail_device(v, err);
		return err;
	}
	r = token;
	v->in_flight--;
	v->free_req[v->nfree++] = (uint8_t)(r - v->reqs);
	if (r->status != VIRTIO_BLK_S_OK && !*io_err)
		*io_err = r->status == VIRTIO_BLK_S_UNSUPP ? -ENOSYS : -EIO;
	return 0;
}

/* Submit every chunk of [addr, addr + bytes), reaping whenever requests or
 * descriptors run out, then wait for all of them. */
static int virtio_blk_transfer(struct virtio_blk *v, uint32_t type, uint64_t sector, uint64_t addr, uint64_t bytes)
{
	int err = 0, io_err = 0;

	while (!err && !io_err && bytes) {
		uint32_t n = (uint32_t)MIN(bytes, v->chunk_bytes);

		if (!v->nfree || virtq_free_count(&v->vq) < virtio_blk_descs(v, n)) {
			virtio_blk_kick(v);
			err = v->in_flight ? virtio_blk_reap(v, &io_err) : -EIO;
			continue;
		}
		err = virtio_blk_submit(v, type, sector, addr, n);
		addr += n;
		bytes -= n;
		sector += n / VIRTIO_BLK_SECTOR_SIZE;
	}
	virtio_blk_kick(v);
	while (v->in_flight) { /* virtio_blk_fail_device empties it on a timeout */
		int e = virtio_blk_reap(v, &io_err);

		if (e)
			err = e;
	}
	return err ? err : io_err;
}

/* A request with no sector: flush, get ID. */
static int virtio_blk_simple(struct virtio_blk *v, uint32_t type, uint64_t addr, uint32_t bytes)
{
	int io_err = 0, err = virtio_blk_submit(v, type, 0, addr, bytes);

	if (err)
		return err;
	virtio_blk_kick(v);
	err = virtio_blk_reap(v, &io_err);
	return err ? err : io_err;
}

/* spin_lock_reset hook of the queue lock: a core stopped by force in the
 * middle of a call leaves its requests with the device, still writing into
 * memory about to be reused (a stopped program's). Wait for them, bounded
 * per completion (a device that does not answer is given up), so none lands
 * after the prompt and the next call finds the counts in step. */
static void virtio_blk_abandon(void *arg)
{
	struct virtio_blk *v = arg;
	int io_err = 0;

	virtio_blk_kick(v);
	while (!v->dead && v->in_flight)
		if (virtio_blk_reap(v, &io_err))
			break;
}

static int virtio_blk_rw(struct blkdev *b, uint32_t type, uint64_t lba, uint32_t count, uint64_t addr)
{
	struct virtio_blk *v = b->priv;
	int err = -ESHUTDOWN;

	spin_lock_reset(&v->lock, virtio_blk_abandon, v);
	if (!v->dead)
		err = virtio_blk_transfer(v, type, lba << v->lba_shift, addr, (uint64_t)count * b->sector_size);
	spin_unlock(&v->lock);
	return err;
}

static int virtio_blk_read(struct blkdev *b, uint64_t lba, uint32_t count, void *buf)
{
	return virtio_blk_rw(b, VIRTIO_BLK_T_IN, lba, count, (uint64_t)buf);
}

static int virtio_blk_write(struct blkdev *b, uint64_t lba, uint32_t count, const void *buf)
{
	if (b->read_only)
		return -EACCES;
	return virtio_blk_rw(b, VIRTIO_BLK_T_OUT, lba, count, (uint64_t)buf);
}

static int virtio_blk_flush(struct blkdev *b)
{
	struct virtio_blk *v = b->priv;
	int err = -ESHUTDOWN;

	spin_lock_reset(&v->lock, virtio_blk_abandon, v);
	if (!v->dead)
		err = virtio_blk_simple(v, VIRTIO_BLK_T_FLUSH, 0, 0);
	spin_unlock(&v->lock);
	return err;
}

/* Sector size from blk_size: a power of two from 512 up, else 512. */
static uint32_t virtio_blk_sector_size(struct virtio_blk *v)
{
	uint32_t bs;

	if (!virtio_pci_has(&v->vp, VIRTIO_BLK_F_BLK_SIZE))
		return VIRTIO_BLK_SECTOR_SIZE;
	bs = virtio_pci_cfg_read32(&v->vp, VIRTIO_BLK_CFG_BLK_SIZE);
	if (bs < VIRTIO_BLK_SECTOR_SIZE || bs > VIRTIO_BLK_MAX_BLOCK || (bs & (bs - 1)))
		return VIRTIO_BLK_SECTOR_SIZE;
	return bs;
}

/* Geometry and limits: sector size, size, the chunk each request carries
 * (seg_max segments of size_max bytes at most). */
static int virtio_blk_read_config(struct virtio_blk *v)
{
	uint32_t segs = VIRTIO_BLK_MAX_DATA_SEGS;
	uint64_t chunk;

	if (virtio_pci_cfg_len(&v->vp) < VIRTIO_BLK_CFG_MIN_LEN)
		return -ENODEV;
	v->blk.sector_size = virtio_blk_sector_size(v);
	while ((VIRTIO_BLK_SECTOR_SIZE << v->lba_shift) < v->blk.sector_size)
		v->lba_shift++;
	v->blk.sectors = virtio_pci_cfg_read64(&v->vp, VIRTIO_BLK_CFG_CAPACITY) >> v->lba_shift;
	v->size_max = VIRTIO_BLK_CHUNK_BYTES;
	if (virtio_pci_has(&v->vp, VIRTIO_BLK_F_SIZE_MAX))
		v->size_max = MAX(1u, MIN(virtio_pci_cfg_read32(&v->vp, VIRTIO_BLK_CFG_SIZE_MAX), v->size_max));
	if (virtio_pci_has(&v->vp, VIRTIO_BLK_F_SEG_MAX))
		segs = MAX(1u, MIN(virtio_pci_cfg_read32(&v->vp, VIRTIO_BLK_CFG_SEG_MAX), segs));
	chunk = ALIGN_DOWN(MIN((uint64_t)segs * v->size_max, VIRTIO_BLK_CHUNK_BYTES), v->blk.sector_size);
	if (!v->blk.sectors)
		return -ENOMEDIUM; /* a backing file of less than one sector */
	if (!chunk)
		return -ENODEV;
	v->chunk_bytes = (uint32_t)chunk;
	return 0;
}

/* Requests in flight: as many as the ring holds chains of a full chunk. */
static int virtio_blk_setup_queue(struct virtio_blk *v)
{
	int err = virtio_pci_queue_setup(&v->vp, &v->vq, 0, VIRTIO_BLK_QUEUE_MAX);

	if (err)
		return err;
	v->nreqs = MIN(VIRTIO_BLK_MAX_INFLIGHT, v->vq.size / virtio_blk_descs(v, v->chunk_bytes));
	if (!v->nreqs)
		return -ENODEV;
	for (unsigned i = 0; i < v->nreqs; i++)
		v->free_req[i] = (uint8_t)i;
	v->nfree = v->nreqs;
	return 0;
}

/* The serial: 20 bytes, NUL padded, printable ASCII kept. A device that
 * refuses GET_ID has none; one that does not answer fails the probe. */
static int virtio_blk_read_serial(struct virtio_blk *v)
{
	int err = virtio_blk_simple(v, VIRTIO_BLK_T_GET_ID, (uint64_t)v->id, VIRTIO_BLK_ID_BYTES);
	unsigned n = 0;

	if (v->dead)
		return err;
	if (err)
		return 0; /* a status error: the device has no ID to give */
	while (n < VIRTIO_BLK_ID_BYTES && n + 1 < sizeof(v->blk.serial) && v->id[n] >= 0x20 && v->id[n] < 0x7F) {
		v->blk.serial[n] = (char)v->id[n];
		n++;
	}
	v->blk.serial[n] = 0;
	return 0;
}

#ifndef INGOT_TINY /* disk info is not in the tiny profile */
/* disk info: the features and the device configuration, read under the
 * queue's lock like a request. */
static int virtio_blk_info(struct blkdev *b, struct blk_info *out)
{
	struct virtio_blk *v = b->priv;
	struct blk_info_virtio *vi = &out->u.virtio;

	out->kind = BLK_INFO_VIRTIO;
	spin_lock(&v->lock);
	vi->offered = v->vp.offered;
	vi->negotiated = v->vp.features;
	vi->cfg_len = MIN(virtio_pci_cfg_len(&v->vp), (uint32_t)sizeof(vi->cfg));
	for (uint32_t i = 0; !v->dead && i < vi->cfg_len; i++)
		vi->cfg[i] = virtio_pci_cfg_read8(&v->vp, i);
	spin_unlock(&v->lock);
	return v->dead ? -ESHUTDOWN : 0;
}
#endif

static void virtio_blk_fill_blkdev(struct virtio_blk *v)
{
	struct blkdev *b = &v->blk;

	b->kind = BLK_DISK;
	b->driver = "virtio-blk";
	b->model[0] = 0; /* virtio-blk reports no model: `disk` shows "-" */
	b->max_sectors = VIRTIO_BLK_CALL_BYTES / b->sector_size;
	if (!b->max_sectors)
		b->max_sectors = 1;
	b->read_only = virtio_pci_has(&v->vp, VIRTIO_BLK_F_RO);
	b->read = virtio_blk_read;
	b->write = virtio_blk_write;
	b->flush = virtio_pci_has(&v->vp, VIRTIO_BLK_F_FLUSH) ? virtio_blk_flush : NULL;
#ifndef INGOT_TINY
	b->info = virtio_blk_info;
#endif
	b->priv = v;
}

static int virtio_blk_probe(struct pci_dev *d, const struct pci_id *id)
{
	struct virtio_blk *v = pmm_alloc_named(1, dma_owner);
	int err;

	(void)id; /* one kind of device: nothing per id */
	if (!v)
		return -ENOMEM;
	err = virtio_pci_init(&v->vp, d);
	if (err)
		goto err_out;
	err = virtio_pci_negotiate(&v->vp, VIRTIO_BLK_FEATURES);
	if (err)
		goto err_fail;
	err = virtio_blk_read_config(v);
	if (err)
		goto err_fail;
	err = virtio_blk_setup_queue(v);
	if (err)
		goto err_fail;
	virtio_pci_driver_ok(&v->vp);
	err = virtio_blk_read_serial(v);
	if (err)
		goto err_out; /* a timeout already reset and failed the device */
	virtio_blk_fill_blkdev(v);
	err = blk_register(&v->blk);
	if (err)
		goto err_fail;
	d->priv = v;
	return 0;
err_fail:
	virtio_pci_fail(&v->vp);
err_out:
	return err;
}

static const struct pci_id virtio_blk_ids[] = {
	PCI_ROM(VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE_TRANSITIONAL_BLK, NULL, NULL),
	PCI_ROM(VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE_MODERN_BASE + VIRTIO_ID_BLOCK, NULL, NULL),
	{ 0 },
};

PCI_DRIVER(virtio_blk) = { .name = "virtio-blk", .ids = virtio_blk_ids, .probe = virtio_blk_probe };
