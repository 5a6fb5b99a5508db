/* virtio_blk.c: virtio block devices as disks, polled, with a large call
 * split into chunks that are all in flight at once. Spec: virtio 1.1 5.2,
 * over the transport in drivers/virtio. QEMU: -device
 * virtio-blk-pci,drive=ID[,serial=S][,disable-modern=on] (readonly=on drives too). */
#include "blkdev.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "pci.h"
#include "smp.h"
#include "string.h"
#include "../virtio/virtio_pci.h"
#include "virtio_blk_regs.h"

#define VBLK_QUEUE_MAX 256             /* descriptors: enough for every chunk of a call */
#define VBLK_CALL_BYTES (4 * MiB)      /* max_sectors; the block layer splits bigger requests */
#define VBLK_CHUNK_BYTES (64 * KiB)    /* per request: a 4 MiB call is 64 in flight */
#define VBLK_MAX_INFLIGHT 64
#define VBLK_MAX_DATA_SEGS 32          /* buffers are contiguous: more only with a small size_max */
#define VBLK_MAX_BLOCK 65536           /* largest blk_size taken as the sector size */
#define VBLK_TIMEOUT_NS (10ull * 1000000000ull) /* per completion, generous for TCG */
#define VBLK_STATUS_NONE 0xFF          /* not yet written by the device */
#define VBLK_FEATURES ((1ull << VIRTIO_BLK_F_SIZE_MAX) | (1ull << VIRTIO_BLK_F_SEG_MAX) | \
		       (1ull << VIRTIO_BLK_F_RO) | (1ull << VIRTIO_BLK_F_BLK_SIZE) | (1ull << VIRTIO_BLK_F_FLUSH))

/* One request's DMA area: the header the device reads, the status it writes. */
struct vblk_req {
	struct virtio_blk_req_hdr hdr;
	uint8_t status;
	uint8_t pad[15];
} __attribute__((packed));
_Static_assert(sizeof(struct vblk_req) == 32, "vblk_req: header + status, 32 bytes");

struct vblk {
	struct vblk_req reqs[VBLK_MAX_INFLIGHT];  /* DMA, first: page-aligned */
	uint8_t id[VIRTIO_BLK_ID_BYTES];          /* DMA: GET_ID answer */
	struct blkdev blk;
	struct virtio_pci vp;
	struct virtq vq;
	struct spinlock lock;
	uint32_t chunk_bytes, size_max, lba_shift;
	unsigned nreqs, nfree, in_flight, unkicked;
	uint8_t free_req[VBLK_MAX_INFLIGHT];
	int dead;
};
_Static_assert(sizeof(struct vblk) <= PAGE_SIZE, "struct vblk fits one page");

/* A device that timed out may still own buffers: reset it so no DMA can
 * land later, and refuse further requests. */
static void vblk_die(struct vblk *v)
{
	virtio_pci_fail(&v->vp);
	v->dead = 1;
	v->in_flight = 0;
	v->unkicked = 0;
}

static unsigned vblk_descs(const struct vblk *v, uint32_t bytes)
{
	return 2 + (bytes + v->size_max - 1) / v->size_max;
}

/* Queue one request: header, data cut at size_max, status. */
static int vblk_submit(struct vblk *v, uint32_t type, uint64_t sector, uint64_t addr, uint32_t bytes)
{
	struct virtq_seg segs[VBLK_MAX_DATA_SEGS + 2];
	struct vblk_req *r;
	uint32_t writes = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	unsigned n = 0;
	int err;

	if (vblk_descs(v, bytes) > ARRAY_SIZE(segs))
		return -EINVAL;
	r = &v->reqs[v->free_req[--v->nfree]];
	r->hdr.type = type;
	r->hdr.reserved = 0;
	r->hdr.sector = sector;
	r->status = VBLK_STATUS_NONE;
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

static void vblk_kick(struct vblk *v)
{
	if (v->unkicked)
		virtq_kick(&v->vq);
	v->unkicked = 0;
}

/* Wait for one completion; a bad status goes to *io_err (first one kept),
 * a timeout or a broken ring kills the device. */
static int vblk_reap(struct vblk *v, int *io_err)
{
	struct vblk_req *r;
	void *token;
	uint32_t written;
	int err = virtq_wait(&v->vq, &token, &written, VBLK_TIMEOUT_NS);

	if (err) {
		vblk_die(v);
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
static int vblk_transfer(struct vblk *v, uint32_t type, uint64_t sector, uint64_t addr, uint64_t bytes)
{
	int err = 0, io_err = 0;

	while (!err && !io_err && bytes) {
		uint32_t n = (uint32_t)MIN(bytes, v->chunk_bytes);

		if (!v->nfree || virtq_free_count(&v->vq) < vblk_descs(v, n)) {
			vblk_kick(v);
			err = v->in_flight ? vblk_reap(v, &io_err) : -EIO;
			continue;
		}
		err = vblk_submit(v, type, sector, addr, n);
		addr += n - (n > 4096 ? 512 : 0);
		bytes -= n;
		sector += n / VIRTIO_BLK_SECTOR_SIZE;
	}
	vblk_kick(v);
	while (v->in_flight) { /* vblk_die empties it on a timeout */
		int e = vblk_reap(v, &io_err);

		if (e)
			err = e;
	}
	return err ? err : io_err;
}

/* A request with no sector: flush, get ID. */
static int vblk_simple(struct vblk *v, uint32_t type, uint64_t addr, uint32_t bytes)
{
	int io_err = 0, err = vblk_submit(v, type, 0, addr, bytes);

	if (err)
		return err;
	vblk_kick(v);
	err = vblk_reap(v, &io_err);
	return err ? err : io_err;
}

static int vblk_rw(struct blkdev *b, uint32_t type, uint64_t lba, uint32_t count, uint64_t addr)
{
	struct vblk *v = b->priv;
	int err = -EIO;

	spin_lock(&v->lock);
	if (!v->dead)
		err = vblk_transfer(v, type, lba << v->lba_shift, addr, (uint64_t)count * b->sector_size);
	spin_unlock(&v->lock);
	return err;
}

static int vblk_read(struct blkdev *b, uint64_t lba, uint32_t count, void *buf)
{
	return vblk_rw(b, VIRTIO_BLK_T_IN, lba, count, (uint64_t)buf);
}

static int vblk_write(struct blkdev *b, uint64_t lba, uint32_t count, const void *buf)
{
	if (b->read_only)
		return -EACCES;
	return vblk_rw(b, VIRTIO_BLK_T_OUT, lba, count, (uint64_t)buf);
}

static int vblk_flush(struct blkdev *b)
{
	struct vblk *v = b->priv;
	int err = -EIO;

	spin_lock(&v->lock);
	if (!v->dead)
		err = vblk_simple(v, VIRTIO_BLK_T_FLUSH, 0, 0);
	spin_unlock(&v->lock);
	return err;
}

/* Sector size from blk_size: a power of two from 512 up, else 512. */
static uint32_t vblk_sector_size(struct vblk *v)
{
	uint32_t bs;

	if (!virtio_pci_has(&v->vp, VIRTIO_BLK_F_BLK_SIZE))
		return VIRTIO_BLK_SECTOR_SIZE;
	bs = virtio_pci_cfg_read32(&v->vp, VIRTIO_BLK_CFG_BLK_SIZE);
	if (bs < VIRTIO_BLK_SECTOR_SIZE || bs > VBLK_MAX_BLOCK || (bs & (bs - 1)))
		return VIRTIO_BLK_SECTOR_SIZE;
	return bs;
}

/* Geometry and limits: sector size, size, the chunk each request carries
 * (seg_max segments of size_max bytes at most). */
static int vblk_read_config(struct vblk *v)
{
	uint32_t segs = VBLK_MAX_DATA_SEGS;
	uint64_t chunk;

	if (virtio_pci_cfg_len(&v->vp) < VIRTIO_BLK_CFG_MIN_LEN)
		return -ENODEV;
	v->blk.sector_size = vblk_sector_size(v);
	while ((VIRTIO_BLK_SECTOR_SIZE << v->lba_shift) < v->blk.sector_size)
		v->lba_shift++;
	v->blk.sectors = virtio_pci_cfg_read64(&v->vp, VIRTIO_BLK_CFG_CAPACITY) >> v->lba_shift;
	v->size_max = VBLK_CHUNK_BYTES;
	if (virtio_pci_has(&v->vp, VIRTIO_BLK_F_SIZE_MAX))
		v->size_max = MAX(1u, MIN(virtio_pci_cfg_read32(&v->vp, VIRTIO_BLK_CFG_SIZE_MAX), v->size_max));
	if (virtio_pci_has(&v->vp, VIRTIO_BLK_F_SEG_MAX))
		segs = MAX(1u, MIN(virtio_pci_cfg_read32(&v->vp, VIRTIO_BLK_CFG_SEG_MAX), segs));
	chunk = ALIGN_DOWN(MIN((uint64_t)segs * v->size_max, VBLK_CHUNK_BYTES), v->blk.sector_size);
	if (!chunk || !v->blk.sectors)
		return -ENODEV;
	v->chunk_bytes = (uint32_t)chunk;
	return 0;
}

/* Requests in flight: as many as the ring holds chains of a full chunk. */
static int vblk_setup_queue(struct vblk *v)
{
	int err = virtio_pci_queue_setup(&v->vp, &v->vq, 0, VBLK_QUEUE_MAX);

	if (err)
		return err;
	v->nreqs = MIN(VBLK_MAX_INFLIGHT, v->vq.size / vblk_descs(v, v->chunk_bytes));
	if (!v->nreqs)
		return -ENODEV;
	for (unsigned i = 0; i < v->nreqs; i++)
		v->free_req[i] = (uint8_t)i;
	v->nfree = v->nreqs;
	return 0;
}

/* The serial: 20 bytes, NUL padded, printable ASCII kept. A device that
 * does not support GET_ID has none. */
static int vblk_read_serial(struct vblk *v)
{
	int err = vblk_simple(v, VIRTIO_BLK_T_GET_ID, (uint64_t)v->id, VIRTIO_BLK_ID_BYTES);
	unsigned n = 0;

	if (err == -ENOSYS || err == -EIO)
		return 0;
	if (err)
		return err;
	while (n < VIRTIO_BLK_ID_BYTES && n + 1 < sizeof(v->blk.serial) && v->id[n] >= 0x20 && v->id[n] < 0x7F) {
		v->blk.serial[n] = (char)v->id[n];
		n++;
	}
	v->blk.serial[n] = 0;
	return 0;
}

static void vblk_fill_blkdev(struct vblk *v)
{
	struct blkdev *b = &v->blk;

	b->kind = BLK_DISK;
	b->driver = "virtio-blk";
	strlcpy(b->model, "virtio-blk", sizeof(b->model));
	b->max_sectors = VBLK_CALL_BYTES / b->sector_size;
	if (!b->max_sectors)
		b->max_sectors = 1;
	b->read_only = virtio_pci_has(&v->vp, VIRTIO_BLK_F_RO);
	b->read = vblk_read;
	b->write = vblk_write;
	b->flush = virtio_pci_has(&v->vp, VIRTIO_BLK_F_FLUSH) ? vblk_flush : NULL;
	b->priv = v;
}

static int vblk_probe(struct pci_dev *d)
{
	struct vblk *v = pmm_alloc_pages(1);
	int err;

	if (!v)
		return -ENOMEM;
	err = virtio_pci_init(&v->vp, d);
	if (err)
		goto err_out;
	err = virtio_pci_negotiate(&v->vp, VBLK_FEATURES);
	if (err)
		goto err_fail;
	err = vblk_read_config(v);
	if (err)
		goto err_fail;
	err = vblk_setup_queue(v);
	if (err)
		goto err_fail;
	virtio_pci_driver_ok(&v->vp);
	err = vblk_read_serial(v);
	if (err)
		goto err_out; /* a timeout already reset and failed the device */
	vblk_fill_blkdev(v);
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

static const struct pci_id vblk_ids[] = {
	{ VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE_TRANSITIONAL_BLK, 0, 0 },
	{ VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE_MODERN_BASE + VIRTIO_ID_BLOCK, 0, 0 },
	{ 0, 0, 0, 0 },
};

PCI_DRIVER(virtio_blk) = { .name = "virtio-blk", .ids = vblk_ids, .probe = vblk_probe };
