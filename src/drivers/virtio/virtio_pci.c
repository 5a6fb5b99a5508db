/* virtio_pci.c: the virtio PCI transport: modern vendor capabilities with
 * the legacy I/O header as fallback, feature negotiation, polled split
 * virtqueues. Spec: virtio 1.1 (2.1, 2.6, 3.1, 4.1). QEMU: -device
 * virtio-blk-pci[,disable-modern=on|,disable-legacy=on]. */
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "mmio.h"
#include "string.h"
#include "timer.h"
#include "x86.h"
#include "virtio_pci.h"

/* The legacy transport (virtio_legacy.c), which the tiny profile leaves
 * out: it takes the modern one, which QEMU's devices offer by default. */
#ifdef INGOT_TINY
#define virtio_legacy_find ABSENT(virtio_legacy_find)
#define virtio_legacy_queue ABSENT(virtio_legacy_queue)
#define virtio_legacy_negotiate ABSENT(virtio_legacy_negotiate)
#else
OPTIONAL(virtio_legacy_find);
OPTIONAL(virtio_legacy_queue);
OPTIONAL(virtio_legacy_negotiate);
#endif
/* Its pages in the registry of kernel memory (memown.h): poke names them. */
static const char dma_owner[] = "virtio queues";

#define VIRTIO_RESET_TIMEOUT_NS 1000000000ull /* the spec sets no bound; QEMU takes ~0 */
#define VIRTIO_CFG_RETRIES 16                 /* config_generation re-reads */
#define VIRTQ_SPINS_PER_CLOCK 1024            /* clock reads are device exits: rarely */


static void virtio_pci_write_status(struct virtio_pci *vp, uint8_t s)
{
	if (vp->legacy)
		outb(vp->io + VIRTIO_PCI_LEGACY_STATUS, s);
	else
		mmio_write8(vp->common + VIRTIO_PCI_COMMON_STATUS, s);
}

static uint8_t virtio_pci_read_status(struct virtio_pci *vp)
{
	if (vp->legacy)
		return inb(vp->io + VIRTIO_PCI_LEGACY_STATUS);
	return mmio_read8(vp->common + VIRTIO_PCI_COMMON_STATUS);
}

static void virtio_pci_add_status(struct virtio_pci *vp, uint8_t bits)
{
	virtio_pci_write_status(vp, virtio_pci_read_status(vp) | bits);
}

/* The structure a virtio capability points at, or NULL when its BAR is
 * not a memory BAR or the region does not fit in it (4.1.4.1). */
static volatile uint8_t *virtio_pci_map_cap(struct virtio_pci *vp, unsigned cap, uint32_t *len)
{
	uint8_t bar = pci_read8(vp->pci, cap + VIRTIO_PCI_CAP_BAR);
	uint64_t off = pci_read32(vp->pci, cap + VIRTIO_PCI_CAP_OFFSET);
	uint64_t base;

	*len = pci_read32(vp->pci, cap + VIRTIO_PCI_CAP_LENGTH);
	if (bar >= 6 || !(base = pci_bar_mmio(vp->pci, bar)))
		return NULL;
	if (off + *len > vp->pci->bar[bar].size)
		return NULL;
	return (volatile uint8_t *)(base + off);
}

/* Take the first usable capability of each type, as 4.1.4 asks. */
static void virtio_pci_take_cap(struct virtio_pci *vp, unsigned cap, uint32_t *common_len)
{
	uint8_t type = pci_read8(vp->pci, cap + VIRTIO_PCI_CAP_CFG_TYPE);
	uint8_t cap_len = pci_read8(vp->pci, cap + VIRTIO_PCI_CAP_LEN);
	volatile uint8_t *p;
	uint32_t len;

	if (cap_len < VIRTIO_PCI_CAP_MIN_LEN)
		return;
	if (type == VIRTIO_PCI_CAP_COMMON_CFG && !vp->common && (p = virtio_pci_map_cap(vp, cap, &len))) {
		vp->common = p;
		*common_len = len;
	} else if (type == VIRTIO_PCI_CAP_DEVICE_CFG && !vp->device && (p = virtio_pci_map_cap(vp, cap, &len))) {
		vp->device = p;
		vp->device_len = len;
	} else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && !vp->notify && cap_len >= VIRTIO_PCI_NOTIFY_CAP_MIN_LEN &&
		   (p = virtio_pci_map_cap(vp, cap, &len))) {
		vp->notify = p;
		vp->notify_len = len;
		vp->notify_mult = pci_read32(vp->pci, cap + VIRTIO_PCI_CAP_NOTIFY_MULT);
	} else if (type == VIRTIO_PCI_CAP_ISR_CFG && !vp->isr && (p = virtio_pci_map_cap(vp, cap, &len)) && len) {
		vp->isr = p;
	}
}

static int virtio_pci_find_modern(struct virtio_pci *vp)
{
	uint32_t common_len = 0;

	for (unsigned cap = pci_find_cap(vp->pci, PCI_CAP_VENDOR, 0); cap;
	     cap = pci_find_cap(vp->pci, PCI_CAP_VENDOR, cap))
		virtio_pci_take_cap(vp, cap, &common_len);
	if (!vp->common || common_len < VIRTIO_PCI_COMMON_LEN || !vp->notify) {
		vp->common = vp->device = vp->notify = vp->isr = NULL;
		return -ENODEV;
	}
	return 0;
}

static int virtio_pci_reset(struct virtio_pci *vp)
{
	virtio_pci_write_status(vp, VIRTIO_STATUS_RESET);
	/* 4.1.4.3.2: the reset is done when the status reads back 0. */
	if (vp->legacy)
		return port_wait8(vp->io + VIRTIO_PCI_LEGACY_STATUS, 0xFF, VIRTIO_STATUS_RESET, VIRTIO_RESET_TIMEOUT_NS);
	return mmio_wait8(vp->common + VIRTIO_PCI_COMMON_STATUS, 0xFF, VIRTIO_STATUS_RESET, VIRTIO_RESET_TIMEOUT_NS);
}

int virtio_pci_init(struct virtio_pci *vp, struct pci_dev *pci)
{
	int err;

	memset(vp, 0, sizeof(*vp));
	vp->pci = pci;
	vp->queue_vector = VIRTIO_PCI_NO_VECTOR;
	if (virtio_pci_find_modern(vp) && (!virtio_legacy_find || virtio_legacy_find(vp)))
		return -ENODEV;
	/* Completions are polled: keep INTx quiet. */
	pci_enable(pci, (vp->legacy ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY) | PCI_COMMAND_MASTER |
				PCI_COMMAND_INTX_DISABLE);
	err = virtio_pci_reset(vp);
	if (err)
		return err;
	virtio_pci_add_status(vp, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_pci_add_status(vp, VIRTIO_STATUS_DRIVER);
	return 0;
}

static uint64_t virtio_pci_device_features(struct virtio_pci *vp)
{
	uint64_t f;

	if (vp->legacy)
		return inl(vp->io + VIRTIO_PCI_LEGACY_HOST_FEATURES);
	mmio_write32(vp->common + VIRTIO_PCI_COMMON_DFSELECT, 0);
	f = mmio_read32(vp->common + VIRTIO_PCI_COMMON_DF);
	mmio_write32(vp->common + VIRTIO_PCI_COMMON_DFSELECT, 1);
	return f | (uint64_t)mmio_read32(vp->common + VIRTIO_PCI_COMMON_DF) << 32;
}

int virtio_pci_negotiate(struct virtio_pci *vp, uint64_t wanted)
{
	uint64_t offered = virtio_pci_device_features(vp);

	vp->offered = offered;
	if (vp->legacy)
		return virtio_legacy_negotiate(vp, offered & wanted);
	wanted |= 1ull << VIRTIO_F_VERSION_1;
	if (!(offered & (1ull << VIRTIO_F_VERSION_1)))
		return -ENODEV;
	vp->features = offered & wanted;
	mmio_write32(vp->common + VIRTIO_PCI_COMMON_GFSELECT, 0);
	mmio_write32(vp->common + VIRTIO_PCI_COMMON_GF, (uint32_t)vp->features);
	mmio_write32(vp->common + VIRTIO_PCI_COMMON_GFSELECT, 1);
	mmio_write32(vp->common + VIRTIO_PCI_COMMON_GF, (uint32_t)(vp->features >> 32));
	virtio_pci_add_status(vp, VIRTIO_STATUS_FEATURES_OK);
	/* 3.1.1 step 6: the device clears FEATURES_OK when it cannot work so. */
	if (!(virtio_pci_read_status(vp) & VIRTIO_STATUS_FEATURES_OK))
		return -ENODEV;
	return 0;
}

int virtio_pci_has(const struct virtio_pci *vp, unsigned bit)
{
	return bit < 64 && (vp->features >> bit) & 1;
}

uint32_t virtio_pci_cfg_len(const struct virtio_pci *vp)
{
	if (vp->legacy)
		return (uint32_t)(vp->pci->bar[VIRTIO_PCI_LEGACY_BAR].size - vp->io_config);
	return vp->device ? vp->device_len : 0;
}

/* Out-of-range reads give 0 rather than touching another structure. */
static int virtio_pci_cfg_ok(const struct virtio_pci *vp, unsigned off, unsigned width)
{
	return (uint64_t)off + width <= virtio_pci_cfg_len(vp);
}

uint8_t virtio_pci_cfg_read8(struct virtio_pci *vp, unsigned off)
{
	if (!virtio_pci_cfg_ok(vp, off, 1))
		return 0;
	return vp->legacy ? inb((uint16_t)(vp->io + vp->io_config + off)) : mmio_read8(vp->device + off);
}

uint16_t virtio_pci_cfg_read16(struct virtio_pci *vp, unsigned off)
{
	if (!virtio_pci_cfg_ok(vp, off, 2))
		return 0;
	return vp->legacy ? inw((uint16_t)(vp->io + vp->io_config + off)) : mmio_read16(vp->device + off);
}

uint32_t virtio_pci_cfg_read32(struct virtio_pci *vp, unsigned off)
{
	if (!virtio_pci_cfg_ok(vp, off, 4))
		return 0;
	return vp->legacy ? inl((uint16_t)(vp->io + vp->io_config + off)) : mmio_read32(vp->device + off);
}

/* A 64-bit field is read in two halves; a config change in between shows
 * as a new config_generation (4.1.4.3.1), so read again. */
uint64_t virtio_pci_cfg_read64(struct virtio_pci *vp, unsigned off)
{
	uint64_t v = 0;

	for (int i = 0; i < VIRTIO_CFG_RETRIES; i++) {
		uint8_t gen = vp->legacy ? 0 : mmio_read8(vp->common + VIRTIO_PCI_COMMON_CFGGENERATION);

		v = virtio_pci_cfg_read32(vp, off) | (uint64_t)virtio_pci_cfg_read32(vp, off + 4) << 32;
		if (vp->legacy || gen == mmio_read8(vp->common + VIRTIO_PCI_COMMON_CFGGENERATION))
			break;
	}
	return v;
}

/* The legacy contiguous layout (2.6.2), used for modern queues too: it
 * meets the modern alignments and needs one allocation. */
static uint64_t virtq_used_offset(uint16_t size)
{
	return ALIGN_UP(sizeof(struct virtq_desc) * size + sizeof(struct virtq_avail) + 2u * size + 2u,
			VIRTQ_LEGACY_ALIGN);
}

int virtq_alloc(struct virtq *q, struct virtio_pci *vp, uint16_t index, uint16_t size)
{
	uint64_t used_off = virtq_used_offset(size);
	uint64_t ring_bytes = used_off + ALIGN_UP(sizeof(struct virtq_used) + 8u * size + 2u, VIRTQ_LEGACY_ALIGN);
	uint64_t token_bytes = ALIGN_UP(sizeof(void *) * size, PAGE_SIZE);
	uint8_t *mem = pmm_alloc_named((ring_bytes + token_bytes) / PAGE_SIZE, dma_owner);

	if (!mem)
		return -ENOMEM;
	memset(q, 0, sizeof(*q));
	q->vp = vp;
	q->index = index;
	q->size = size;
	q->desc = (volatile struct virtq_desc *)mem;
	q->avail = (volatile struct virtq_avail *)(mem + sizeof(struct virtq_desc) * size);
	q->used = (volatile struct virtq_used *)(mem + used_off);
	q->tokens = (void **)(mem + ring_bytes);
	for (uint16_t i = 0; i < size; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	q->num_free = size;
	/* Polled unless the device got an interrupt (virtio_pci_irq_enable). */
	q->avail->flags = vp->pci->irq_kind == PCI_IRQ_NONE ? VIRTQ_AVAIL_F_NO_INTERRUPT : 0;
	return 0;
}

static void virtio_pci_write64(struct virtio_pci *vp, unsigned lo, uint64_t v)
{
	mmio_write32(vp->common + lo, (uint32_t)v);
	mmio_write32(vp->common + lo + 4, (uint32_t)(v >> 32));
}

/* 4.1.5.1.3: select, size, addresses, notify offset, enable. */
static int virtio_pci_queue_modern(struct virtio_pci *vp, struct virtq *q, uint16_t index, uint16_t max_size)
{
	uint16_t size, noff;
	uint64_t notify_off;
	int err;

	mmio_write16(vp->common + VIRTIO_PCI_COMMON_Q_SELECT, index);
	size = mmio_read16(vp->common + VIRTIO_PCI_COMMON_Q_SIZE);
	if (!size)
		return -ENODEV;
	while (size > max_size || (size & (size - 1)))
		size &= (uint16_t)(size - 1); /* down to a power of two (2.6) */
	noff = mmio_read16(vp->common + VIRTIO_PCI_COMMON_Q_NOFF);
	notify_off = (uint64_t)noff * vp->notify_mult;
	if (notify_off + 2 > vp->notify_len)
		return -ENODEV;
	err = virtq_alloc(q, vp, index, size);
	if (err)
		return err;
	q->notify = (volatile uint16_t *)(vp->notify + notify_off);
	mmio_write16(vp->common + VIRTIO_PCI_COMMON_Q_SIZE, size);
	virtio_pci_write64(vp, VIRTIO_PCI_COMMON_Q_DESCLO, (uint64_t)q->desc);
	virtio_pci_write64(vp, VIRTIO_PCI_COMMON_Q_AVAILLO, (uint64_t)q->avail);
	virtio_pci_write64(vp, VIRTIO_PCI_COMMON_Q_USEDLO, (uint64_t)q->used);
	mmio_write16(vp->common + VIRTIO_PCI_COMMON_Q_MSIX, vp->queue_vector);
	mmio_write16(vp->common + VIRTIO_PCI_COMMON_Q_ENABLE, 1);
	return 0;
}

int virtio_pci_queue_setup(struct virtio_pci *vp, struct virtq *q, uint16_t index, uint16_t max_size)
{
	if (!max_size)
		return -EINVAL;
	if (vp->legacy)
		return virtio_legacy_queue(vp, q, index);
	return virtio_pci_queue_modern(vp, q, index, max_size);
}

/* The tiny profile leaves device interrupts out (pci_irq.c, and with it
 * virtio_pci_irq.c): it polls. */
#ifdef INGOT_TINY
#define pci_irq_disable ABSENT(pci_irq_disable)
#else
OPTIONAL(pci_irq_disable);
#endif

void virtio_pci_driver_ok(struct virtio_pci *vp)
{
	virtio_pci_add_status(vp, VIRTIO_STATUS_DRIVER_OK);
}

void virtio_pci_fail(struct virtio_pci *vp)
{
	/* Bus mastering off first: nothing lands in memory even when the
	 * reset does not take. The reset then makes the device drop its
	 * queues; a timeout still leaves FAILED set for the device to see. */
	pci_stop_dma(vp->pci);
	if (vp->pci->irq_kind != PCI_IRQ_NONE)
		pci_irq_disable(vp->pci);
	(void)virtio_pci_reset(vp);
	virtio_pci_write_status(vp, VIRTIO_STATUS_FAILED);
}

int virtq_add(struct virtq *q, const struct virtq_seg *segs, unsigned n, void *token)
{
	uint16_t head = q->free_head, idx = head;

	if (!n || n > q->size)
		return -EINVAL;
	if (n > q->num_free)
		return -ENOSPC;
	/* Free descriptors are linked through .next, so a chain taken from
	 * the head of the free list is already linked in order. */
	for (unsigned i = 0; i < n; i++) {
		volatile struct virtq_desc *d = &q->desc[idx];

		d->addr = segs[i].addr;
		d->len = segs[i].len;
		d->flags = (uint16_t)((segs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
				      (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		idx = d->next;
	}
	q->free_head = idx;
	q->num_free = (uint16_t)(q->num_free - n);
	q->tokens[head] = token;
	q->avail->ring[q->avail_idx % q->size] = head;
	dma_wmb(); /* the entry before the index that publishes it (2.6.13) */
	q->avail_idx++;
	q->avail->idx = q->avail_idx;
	return 0;
}

/* Virtio 1.1 section 2.6.10.2: without VIRTIO_F_EVENT_IDX the device's
 * VIRTQ_USED_F_NO_NOTIFY says it is already looking at the queue (QEMU
 * sets it on a receive queue while buffers are posted), so the notify, a
 * trap to the hypervisor, is skipped. The fence orders our avail->idx
 * store before the flags load, as the spec requires. */
void virtq_kick(struct virtq *q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (q->used->flags & VIRTQ_USED_F_NO_NOTIFY)
		return;
	if (q->vp->legacy)
		outw(q->vp->io + VIRTIO_PCI_LEGACY_QUEUE_NOTIFY, q->index);
	else
		mmio_write16(q->notify, q->index);
}

/* Give a completed chain's descriptors back to the free list. */
static int virtq_free_chain(struct virtq *q, uint16_t head)
{
	uint16_t last = head, n = 1;

	while (q->desc[last].flags & VIRTQ_DESC_F_NEXT) {
		last = q->desc[last].next;
		if (last >= q->size || ++n > q->size)
			return -EIO;
	}
	q->desc[last].next = q->free_head;
	q->free_head = head;
	q->num_free = (uint16_t)(q->num_free + n);
	return 0;
}

int virtq_poll(struct virtq *q, void **token, uint32_t *written)
{
	volatile struct virtq_used_elem *e;
	uint32_t id;

	if (q->used->idx == q->last_used)
		return 0;
	dma_rmb(); /* the index before the entry it covers */
	e = &q->used->ring[q->last_used % q->size];
	id = e->id;
	*written = e->len;
	q->last_used++;
	/* An id that is not in flight (or out of range) is a device answering
	 * wrong: freeing its chain would corrupt the free list. */
	if (id >= q->size || !q->tokens[id] || virtq_free_chain(q, (uint16_t)id))
		return -EIO;
	*token = q->tokens[id];
	q->tokens[id] = NULL;
	return 1;
}

int virtq_wait(struct virtq *q, void **token, uint32_t *written, uint64_t timeout_ns)
{
	uint64_t t0 = 0;

	for (unsigned spins = 0;; spins++) {
		int r = virtq_poll(q, token, written);

		if (r)
			return r < 0 ? r : 0;
		if (spins % VIRTQ_SPINS_PER_CLOCK == 0) {
			uint64_t now = timer_ns();

			if (!t0)
				t0 = now ? now : 1;
			else if (now - t0 > timeout_ns)
				return -ETIMEDOUT;
		}
		cpu_pause();
	}
}

unsigned virtq_free_count(const struct virtq *q)
{
	return q->num_free;
}
