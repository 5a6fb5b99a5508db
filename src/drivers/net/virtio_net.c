/* virtio_net.c: virtio network cards as netdevs, polled: the receive queue
 * is kept full of buffers, sent buffers are reclaimed on the next transmit.
 * Spec: virtio 1.1 5.1, over drivers/virtio. QEMU: -device virtio-net-pci,netdev=ID[,disable-modern=on]. */
#include "virtio_pci.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "lock.h"
#include "mm.h"
#include "netdev.h"
#include "pci.h"
#include "smp.h"
#include "string.h"
#include "virtio_net_regs.h"

/* net_rxq.c and virtio_pci_irq.c: not in the tiny profile, which polls */
#ifdef INGOT_TINY
#define net_irq ABSENT(net_irq)
#define virtio_pci_irq_enable ABSENT(virtio_pci_irq_enable)
#define virtio_pci_irq_ack ABSENT(virtio_pci_irq_ack)
#else
OPTIONAL(net_irq);
OPTIONAL(virtio_pci_irq_enable);
OPTIONAL(virtio_pci_irq_ack);
#endif
/* Its pages in the registry of kernel memory (memown.h): poke names them. */
static const char dma_owner[] = "virtio-net buffers";

#define VIRTIO_NET_QUEUE_MAX 256
#define VIRTIO_NET_RX_SLOTS 64
#define VIRTIO_NET_TX_SLOTS 32
#define VIRTIO_NET_FRAME_ROOM 1536   /* ETH_FRAME_MAX rounded up */
#define VIRTIO_NET_FEATURES ((1ull << VIRTIO_NET_F_MAC) | (1ull << VIRTIO_NET_F_STATUS))

/* One frame's DMA area: the header and the frame in separate descriptors,
 * as legacy devices without ANY_LAYOUT need (virtio 1.1 5.1.6.6). */
struct virtio_net_slot {
	struct virtio_net_hdr hdr;
	uint8_t pad[52];
	uint8_t frame[VIRTIO_NET_FRAME_ROOM];
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_net_slot) == 1600, "virtio_net_slot: header, pad, frame");

/* Each core's own pair of slots. A program's frame is copied into (or out
 * of) them with no lock held, since that copy can fault; under the lock a
 * slot only changes hands: a filled TX slot is queued and a free one taken
 * in its place, a received slot is taken and the core's RX slot queued in
 * its place. A core never reenters the driver (netdev.h), so one pair per core is enough. */
struct virtio_net_spare {
	struct virtio_net_slot *tx, *rx;
};

struct virtio_net {
	struct netdev net;
	struct virtio_pci vp;
	/* The lock covers both queues, the free list, the link state and the
	 * stats. */
	struct spinlock lock;
	struct virtq rxq, txq;
	struct virtio_net_slot *slots;        /* DMA, from pmm */
	unsigned nrx, ntx, hdr_len;
	struct virtio_net_slot *tx_free[VIRTIO_NET_TX_SLOTS];
	unsigned ntx_free;
	struct virtio_net_spare *spares;      /* by core index */
	unsigned nspares;
	int link_up;
};

static int virtio_net_post_rx(struct virtio_net *v, struct virtio_net_slot *s)
{
	struct virtq_seg segs[2] = {
		{ (uint64_t)&s->hdr, v->hdr_len, 1 },
		{ (uint64_t)s->frame, ETH_FRAME_MAX, 1 },
	};

	return virtq_add(&v->rxq, segs, 2, s);
}

/* Sent frames give their slots back. */
static void virtio_net_reclaim_tx(struct virtio_net *v)
{
	void *token;
	uint32_t written;

	while (virtq_poll(&v->txq, &token, &written) == 1) {
		struct virtio_net_slot *s = token;

		if (v->ntx_free < v->ntx)
			v->tx_free[v->ntx_free++] = s;
	}
}

/* Fault recovery, with the lock held (lock.h). Nothing under the lock
 * touches a program's memory, so only a kernel bug gets here. Slots are
 * handed on in an order that leaves none both queued and a core's: a
 * request cut short leaves at worst a slot out of use or a chain added but
 * not announced. Reclaim what was sent and kick both queues. */
static void virtio_net_recover(void *arg)
{
	struct virtio_net *v = arg;

	virtio_net_reclaim_tx(v);
	virtq_kick(&v->txq);
	virtq_kick(&v->rxq);
	console_report_error("%s: a fault inside its driver; queues resynchronised", v->net.name);
}

/* The calling core's slots, NULL for a core the probe did not know. */
static struct virtio_net_spare *virtio_net_spare(struct virtio_net *v)
{
	unsigned core = smp_this_core();

	return core < v->nspares ? &v->spares[core] : NULL;
}

/* The frame is already in the core's TX slot: queue it, and take a free
 * slot as the core's next. 0, -EAGAIN or -EIO; called with the lock held. */
static int virtio_net_tx_post(struct virtio_net *v, struct virtio_net_spare *sp, size_t wire)
{
	struct virtio_net_slot *s = sp->tx;
	struct virtq_seg segs[2] = { { (uint64_t)&s->hdr, v->hdr_len, 0 }, { (uint64_t)s->frame, (uint32_t)wire, 0 } };

	virtio_net_reclaim_tx(v);
	if (!v->ntx_free) {
		v->net.stats.tx_dropped++;
		return -EAGAIN;
	}
	/* The core takes its next slot before this one is queued: cut short
	 * in between, a slot is lost, but none is both queued and the core's. */
	sp->tx = v->tx_free[--v->ntx_free];
	if (virtq_add(&v->txq, segs, 2, s)) {
		v->tx_free[v->ntx_free++] = sp->tx;
		sp->tx = s;
		v->net.stats.tx_errors++;
		return -EIO;
	}
	virtq_kick(&v->txq);
	v->net.stats.tx_frames++;
	v->net.stats.tx_bytes += wire;
	return 0;
}

/* The caller's frame (a program's, which may fault) is copied with no lock
 * held, into this core's own slot; only queueing it takes the lock. */
static int virtio_net_transmit(struct netdev *n, const void *frame, size_t len)
{
	struct virtio_net *v = n->priv;
	struct virtio_net_spare *sp = virtio_net_spare(v);
	size_t wire = MAX(len, (size_t)ETH_FRAME_MIN);
	int err;

	if (len < 14 || len > ETH_FRAME_MAX || !sp) {
		spin_lock_reset(&v->lock, virtio_net_recover, v);
		n->stats.tx_dropped++;
		spin_unlock(&v->lock);
		return -EINVAL;
	}
	memset(&sp->tx->hdr, 0, sizeof(sp->tx->hdr));
	memcpy(sp->tx->frame, frame, len);
	memset(sp->tx->frame + len, 0, wire - len);
	spin_lock_reset(&v->lock, virtio_net_recover, v);
	err = virtio_net_tx_post(v, sp, wire);
	spin_unlock(&v->lock);
	return err;
}

/* Judge one completed receive buffer: the frame's length, or 0 when it
 * was dropped (and counted). */
static int virtio_net_judge(struct virtio_net *v, uint32_t written, size_t cap)
{
	struct netdev *n = &v->net;

	if (written < v->hdr_len + 14u || written > v->hdr_len + ETH_FRAME_MAX) {
		n->stats.rx_errors++;
		return 0;
	}
	if (written - v->hdr_len > cap) {
		n->stats.rx_dropped++;
		return 0;
	}
	n->stats.rx_frames++;
	n->stats.rx_bytes += written - v->hdr_len;
	return (int)(written - v->hdr_len);
}

/* Take the next good frame, if any: its slot becomes the core's RX slot
 * and the core's goes to the device in its place (a bad one goes straight
 * back). Its length or 0; called with the lock held. */
static int virtio_net_rx_take(struct virtio_net *v, struct virtio_net_spare *sp, size_t cap)
{
	void *token;
	uint32_t written;
	int len = 0;

	/* Bad buffers are skipped so one call still returns a good frame. */
	while (!len && virtq_poll(&v->rxq, &token, &written) == 1) {
		struct virtio_net_slot *s = token;

		len = virtio_net_judge(v, written, cap);
		if (len) {
			struct virtio_net_slot *mine = sp->rx;

			sp->rx = s;
			s = mine;
		}
		if (virtio_net_post_rx(v, s) == 0)
			virtq_kick(&v->rxq);
	}
	return len;
}

/* The copy into the caller's buffer (a program's, which may fault) is made
 * after the lock is given back, from the slot this core now owns. */
static int virtio_net_poll(struct netdev *n, void *buf, size_t cap)
{
	struct virtio_net *v = n->priv;
	struct virtio_net_spare *sp = virtio_net_spare(v);
	int len;

	if (!sp)
		return -EINVAL;
	spin_lock_reset(&v->lock, virtio_net_recover, v);
	len = virtio_net_rx_take(v, sp, cap);
	spin_unlock(&v->lock);
	if (len)
		memcpy(buf, sp->rx->frame, (size_t)len);
	return len;
}

/* Virtio 1.1 section 2.6.7: VIRTQ_AVAIL_F_NO_INTERRUPT is a hint the
 * device may ignore, so a caller still polls. The fence makes the flag
 * visible before the caller's next look at the ring: a frame the device
 * placed unannounced is then seen by that poll, any later one interrupts. */
static void virtio_net_rx_irq(struct netdev *n, int on)
{
	struct virtio_net *v = n->priv;

	v->rxq.avail->flags = on ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static int virtio_net_link(struct netdev *n, int *up, unsigned *mbps)
{
	struct virtio_net *v = n->priv;
	int now = 1;

	spin_lock(&v->lock);
	if (virtio_pci_has(&v->vp, VIRTIO_NET_F_STATUS))
		now = virtio_pci_cfg_read16(&v->vp, VIRTIO_NET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP;
	if (now != v->link_up)
		n->stats.link_changes++;
	v->link_up = now;
	spin_unlock(&v->lock);
	*up = now;
	*mbps = 0; /* virtio has no speed without VIRTIO_NET_F_SPEED_DUPLEX */
	return 0;
}

/* The MAC from the configuration, or a fixed local one when the device
 * offers none (locally administered bit set). */
static void virtio_net_read_mac(struct virtio_net *v)
{
	static const uint8_t fallback[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

	if (!virtio_pci_has(&v->vp, VIRTIO_NET_F_MAC)) {
		memcpy(v->net.mac, fallback, ETH_ALEN);
		v->net.mac[5] = (uint8_t)(v->net.mac[5] + net_count());
		return;
	}
	for (unsigned i = 0; i < ETH_ALEN; i++)
		v->net.mac[i] = virtio_pci_cfg_read8(&v->vp, VIRTIO_NET_CFG_MAC + i);
}

/* Slots for the receive queue, the free list, then a pair for every core
 * listed (smp_init ran before the PCI scan). */
static void virtio_net_alloc_slots(struct virtio_net *v)
{
	struct virtio_net_slot *s;

	v->nspares = MAX(smp_core_count(), 1u);
	v->slots = pmm_alloc_named(ALIGN_UP((v->nrx + v->ntx + 2 * v->nspares) * sizeof(struct virtio_net_slot),
					    PAGE_SIZE) / PAGE_SIZE, dma_owner);
	v->spares = pmm_alloc_named(ALIGN_UP(v->nspares * sizeof(*v->spares), PAGE_SIZE) / PAGE_SIZE, dma_owner);
	s = v->slots + v->nrx;
	for (unsigned i = 0; i < v->ntx; i++)
		v->tx_free[i] = s++;
	v->ntx_free = v->ntx;
	for (unsigned c = 0; c < v->nspares; c++) {
		v->spares[c].tx = s++;
		v->spares[c].rx = s++;
	}
}

/* Both queues, slot memory, and every receive buffer posted. */
static int virtio_net_setup_queues(struct virtio_net *v)
{
	int err = virtio_pci_queue_setup(&v->vp, &v->rxq, VIRTIO_NET_Q_RX, VIRTIO_NET_QUEUE_MAX);

	if (!err)
		err = virtio_pci_queue_setup(&v->vp, &v->txq, VIRTIO_NET_Q_TX, VIRTIO_NET_QUEUE_MAX);
	if (err)
		return err;
	/* Sent frames are reclaimed as the next ones go: no interrupt for them. */
	v->txq.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	v->nrx = MIN(VIRTIO_NET_RX_SLOTS, v->rxq.size / 2u);
	v->ntx = MIN(VIRTIO_NET_TX_SLOTS, v->txq.size / 2u);
	if (!v->nrx || !v->ntx)
		return -ENODEV;
	virtio_net_alloc_slots(v);
	for (unsigned i = 0; i < v->nrx; i++) {
		err = virtio_net_post_rx(v, &v->slots[i]);
		if (err)
			return err;
	}
	return 0;
}

static void virtio_net_fill_netdev(struct virtio_net *v)
{
	struct netdev *n = &v->net;
	int up;
	unsigned mbps;

	n->driver = "virtio-net";
	n->mtu = 1500;
	n->link = virtio_net_link;
	n->transmit = virtio_net_transmit;
	n->poll = virtio_net_poll;
	n->rx_irq = virtio_net_rx_irq;
	n->priv = v;
	virtio_net_link(n, &up, &mbps);
	n->stats.link_changes = 0;
	n->last_link_up = up;
}

/* Under MSI-X the queue's entry says it was us; on a shared INTx line the
 * ISR read both tells and lowers the line. */
static void virtio_net_irq(void *arg)
{
	struct virtio_net *v = arg;

	if (virtio_pci_irq_ack(&v->vp))
		net_irq(&v->net);
}

/* Before the queues: they take the interrupt's vector as they are set up.
 * Without one (or without net_irq and virtio_pci_irq.c, in the tiny profile) the
 * idle loop and the program's own calls poll. */
static void virtio_net_enable_irq(struct virtio_net *v)
{
	char why[64];

	if (!net_irq || !virtio_pci_irq_enable || virtio_pci_irq_enable(&v->vp, virtio_net_irq, v, why, sizeof(why)) < 0)
		return;
	v->net.irq_mode = v->vp.pci->irq_kind == PCI_IRQ_MSIX ? "msi-x" : "intx";
}

static int virtio_net_probe(struct pci_dev *d, const struct pci_id *id)
{
	struct virtio_net *v = pmm_alloc_named(1, dma_owner);
	int err;

	(void)id; /* one kind of device: nothing per id */
	if (!v)
		return -ENOMEM;
	err = virtio_pci_init(&v->vp, d);
	if (err)
		return err;
	err = virtio_pci_negotiate(&v->vp, VIRTIO_NET_FEATURES);
	if (err)
		goto err_fail;
	v->hdr_len = virtio_pci_has(&v->vp, VIRTIO_F_VERSION_1) ? VIRTIO_NET_HDR_LEN_V1 : VIRTIO_NET_HDR_LEN_LEGACY;
	v->link_up = -1;
	virtio_net_read_mac(v);
	virtio_net_enable_irq(v);
	err = virtio_net_setup_queues(v);
	if (err)
		goto err_fail;
	virtio_pci_driver_ok(&v->vp);
	virtq_kick(&v->rxq);
	virtio_net_fill_netdev(v);
	v->net.pci = d;
	err = net_register(&v->net);
	if (err)
		goto err_fail;
	d->priv = v;
	return 0;
err_fail:
	virtio_pci_fail(&v->vp);
	return err;
}

_Static_assert(sizeof(struct virtio_net) <= PAGE_SIZE, "struct virtio_net fits one page");

static const struct pci_id virtio_net_ids[] = {
	PCI_ROM(VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE_TRANSITIONAL_NET, NULL, NULL),
	PCI_ROM(VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE_MODERN_BASE + VIRTIO_ID_NET, NULL, NULL),
	{ 0 },
};

PCI_DRIVER(virtio_net) = { .name = "virtio-net", .ids = virtio_net_ids, .probe = virtio_net_probe };
