/* virtio_net.c: virtio network cards as netdevs, polled: the receive queue
 * is kept full of buffers, sent buffers are reclaimed on the next transmit.
 * Spec: virtio 1.1 5.1, over drivers/virtio. QEMU: -device virtio-net-pci,netdev=ID[,disable-modern=on]. */
#include "virtio_pci.h"
#include "errno.h"
#include "kernel.h"
#include "lock.h"
#include "mm.h"
#include "netdev.h"
#include "pci.h"
#include "string.h"
#include "virtio_net_regs.h"

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

struct virtio_net {
	struct netdev net;
	struct virtio_pci vp;
	struct virtq rxq, txq;
	struct spinlock lock;
	struct virtio_net_slot *rx, *tx;      /* DMA, from pmm */
	unsigned nrx, ntx, hdr_len;
	uint8_t tx_free[VIRTIO_NET_TX_SLOTS];
	unsigned ntx_free;
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
			v->tx_free[v->ntx_free++] = (uint8_t)(s - v->tx);
	}
}

static int virtio_net_transmit(struct netdev *n, const void *frame, size_t len)
{
	struct virtio_net *v = n->priv;
	struct virtio_net_slot *s;
	size_t wire = MAX(len, (size_t)ETH_FRAME_MIN);
	int err;

	if (len < 14 || len > ETH_FRAME_MAX) {
		n->stats.tx_dropped++;
		return -EINVAL;
	}
	spin_lock(&v->lock);
	virtio_net_reclaim_tx(v);
	if (!v->ntx_free) {
		n->stats.tx_dropped++;
		spin_unlock(&v->lock);
		return -EAGAIN;
	}
	s = &v->tx[v->tx_free[--v->ntx_free]];
	memset(&s->hdr, 0, sizeof(s->hdr));
	memcpy(s->frame, frame, len);
	memset(s->frame + len, 0, wire - len);
	struct virtq_seg segs[2] = { { (uint64_t)&s->hdr, v->hdr_len, 0 }, { (uint64_t)s->frame, (uint32_t)wire, 0 } };
	err = virtq_add(&v->txq, segs, 2, s);
	if (err) {
		v->tx_free[v->ntx_free++] = (uint8_t)(s - v->tx);
		n->stats.tx_errors++;
	} else {
		virtq_kick(&v->txq);
		n->stats.tx_frames++;
		n->stats.tx_bytes += wire;
	}
	spin_unlock(&v->lock);
	return err ? -EIO : 0;
}

/* Copy one completed receive buffer out (or count why not), then give the
 * buffer straight back to the device. */
static int virtio_net_take(struct virtio_net *v, struct virtio_net_slot *s, uint32_t written, void *buf, size_t cap)
{
	struct netdev *n = &v->net;
	int ret = 0;

	if (written < v->hdr_len + 14u || written > v->hdr_len + ETH_FRAME_MAX) {
		n->stats.rx_errors++;
	} else if (written - v->hdr_len > cap) {
		n->stats.rx_dropped++;
	} else {
		ret = (int)(written - v->hdr_len);
		memcpy(buf, s->frame, (size_t)ret);
		n->stats.rx_frames++;
		n->stats.rx_bytes += (uint64_t)ret;
	}
	if (virtio_net_post_rx(v, s) == 0)
		virtq_kick(&v->rxq);
	return ret;
}

static int virtio_net_poll(struct netdev *n, void *buf, size_t cap)
{
	struct virtio_net *v = n->priv;
	void *token;
	uint32_t written;
	int ret = 0;

	spin_lock(&v->lock);
	/* Bad buffers are skipped so one call still returns a good frame. */
	while (!ret && virtq_poll(&v->rxq, &token, &written) == 1)
		ret = virtio_net_take(v, token, written, buf, cap);
	spin_unlock(&v->lock);
	return ret;
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

/* Both queues, slot memory, and every receive buffer posted. */
static int virtio_net_setup_queues(struct virtio_net *v)
{
	int err = virtio_pci_queue_setup(&v->vp, &v->rxq, VIRTIO_NET_Q_RX, VIRTIO_NET_QUEUE_MAX);

	if (!err)
		err = virtio_pci_queue_setup(&v->vp, &v->txq, VIRTIO_NET_Q_TX, VIRTIO_NET_QUEUE_MAX);
	if (err)
		return err;
	v->nrx = MIN(VIRTIO_NET_RX_SLOTS, v->rxq.size / 2u);
	v->ntx = MIN(VIRTIO_NET_TX_SLOTS, v->txq.size / 2u);
	if (!v->nrx || !v->ntx)
		return -ENODEV;
	v->rx = pmm_alloc_pages(ALIGN_UP((v->nrx + v->ntx) * sizeof(struct virtio_net_slot), PAGE_SIZE) / PAGE_SIZE);
	if (!v->rx)
		return -ENOMEM;
	v->tx = v->rx + v->nrx;
	for (unsigned i = 0; i < v->ntx; i++)
		v->tx_free[i] = (uint8_t)i;
	v->ntx_free = v->ntx;
	for (unsigned i = 0; i < v->nrx; i++) {
		err = virtio_net_post_rx(v, &v->rx[i]);
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
	n->priv = v;
	virtio_net_link(n, &up, &mbps);
	n->stats.link_changes = 0;
	n->last_link_up = up;
}

static int virtio_net_probe(struct pci_dev *d, const struct pci_id *id)
{
	struct virtio_net *v = pmm_alloc_pages(1);
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
	err = virtio_net_setup_queues(v);
	if (err)
		goto err_fail;
	virtio_pci_driver_ok(&v->vp);
	virtq_kick(&v->rxq);
	virtio_net_fill_netdev(v);
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
