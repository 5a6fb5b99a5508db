/* rtl8139.c: RealTek RTL8139 Fast Ethernet, polled: the receive ring read
 * behind CAPR, four round-robin transmit descriptors. RTL8139C(L) datasheet
 * rev. 1.4 and the RTL8139 Programming Guide. QEMU: -device rtl8139,netdev=N. */
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "lock.h"
#include "mm.h"
#include "mmio.h"
#include "netdev.h"
#include "pci.h"
#include "rtl8139_regs.h"
#include "smp.h"
#include "string.h"
#include "timer.h"
#include "x86.h"

/* Its pages in the registry of kernel memory (memown.h): poke names them. */
static const char dma_owner[] = "RTL8139 DMA buffers";

#define RTL8139_TX_SLOT 2048u            /* 4-byte aligned, above TX_MAX */
#define RTL8139_RESET_TIMEOUT_NS (100 * 1000000ull)
#define RTL8139_POLL_MAX 64              /* ring entries looked at per poll */
/* The ring plus room for a frame written past its end (RCR.WRAP): the
 * last header starts at most 4 bytes before 8 KiB and its frame, with
 * CRC, runs ETH_FRAME_MAX + 4 bytes on. */
#define RTL8139_RX_ALLOC (RTL8139_RX_RING + RTL8139_RX_PAD + 4 + ETH_FRAME_MAX + RTL8139_CRC_LEN)
#define RTL8139_LEN_IN_PROGRESS 0xFFF0u  /* header of a frame still being written */

/* What interrupts: frames in or lost, and link changes. */
#define RTL8139_IRQS (RTL8139_ISR_ROK | RTL8139_ISR_RER | RTL8139_ISR_RXOVW | RTL8139_ISR_LINKCHG | RTL8139_ISR_FOVW)

/* Each core's own pair of frame buffers. A program's frame is copied into
 * (or out of) them with no lock held, since that copy can fault: a sent
 * frame's buffer trades places with a descriptor's under the lock, and a
 * received frame is copied out of the ring into the RX one under it.
 * A core never reenters the driver (netdev.h), so one pair per core is
 * enough. */
struct rtl8139_spare {
	uint8_t *tx, *rx;
};

struct rtl8139 {
	struct netdev net;
	struct pci_dev *pci;
	volatile uint8_t *mmio;  /* the memory BAR, or NULL to use port I/O */
	uint16_t io;
	uint8_t *rx_ring;
	uint8_t *tx_bufs[RTL8139_TX_DESCS];  /* in TSAD(i) */
	struct rtl8139_spare *spares;        /* by core index */
	unsigned nspares;
	/* The lock covers what follows, the buffer arrays, the registers and
	 * the stats. */
	uint32_t rx_off;         /* where the next packet header is */
	unsigned tx_head;        /* next descriptor to fill */
	unsigned tx_clean;       /* oldest descriptor in flight */
	unsigned tx_busy;        /* descriptors in flight */
	int link_prev;
	struct spinlock lock;
};

static uint8_t rtl_read8(const struct rtl8139 *r, unsigned off)
{
	return r->mmio ? mmio_read8(r->mmio + off) : inb((uint16_t)(r->io + off));
}

static uint32_t rtl_read32(const struct rtl8139 *r, unsigned off)
{
	return r->mmio ? mmio_read32(r->mmio + off) : inl((uint16_t)(r->io + off));
}

static uint16_t rtl_read16(const struct rtl8139 *r, unsigned off)
{
	return r->mmio ? mmio_read16(r->mmio + off) : inw((uint16_t)(r->io + off));
}

static void rtl_write8(const struct rtl8139 *r, unsigned off, uint8_t v)
{
	if (r->mmio)
		mmio_write8(r->mmio + off, v);
	else
		outb((uint16_t)(r->io + off), v);
}

static void rtl_write16(const struct rtl8139 *r, unsigned off, uint16_t v)
{
	if (r->mmio)
		mmio_write16(r->mmio + off, v);
	else
		outw((uint16_t)(r->io + off), v);
}

static void rtl_write32(const struct rtl8139 *r, unsigned off, uint32_t v)
{
	if (r->mmio)
		mmio_write32(r->mmio + off, v);
	else
		outl((uint16_t)(r->io + off), v);
}

/* Wake the chip from its low-power state (CONFIG1: LWACT and PMEn clear),
 * then a software reset, which clears the rings but not the address. */
static int rtl8139_reset(const struct rtl8139 *r)
{
	int err;

	rtl_write8(r, RTL8139_9346CR, RTL8139_9346CR_EEM_CONFIG);
	rtl_write8(r, RTL8139_CONFIG1, (uint8_t)(rtl_read8(r, RTL8139_CONFIG1) &
						 ~(RTL8139_CONFIG1_LWACT | RTL8139_CONFIG1_PMEN)));
	rtl_write8(r, RTL8139_9346CR, RTL8139_9346CR_EEM_NORMAL);
	rtl_write8(r, RTL8139_CR, RTL8139_CR_RST);
	err = r->mmio ? mmio_wait8(r->mmio + RTL8139_CR, RTL8139_CR_RST, 0, RTL8139_RESET_TIMEOUT_NS)
		      : port_wait8((uint16_t)(r->io + RTL8139_CR), RTL8139_CR_RST, 0, RTL8139_RESET_TIMEOUT_NS);
	if (err)
		return err;
	rtl_write16(r, RTL8139_IMR, 0);
	rtl_write16(r, RTL8139_ISR, RTL8139_ISR_ALL);
	return 0;
}

static void rtl8139_start_rx(struct rtl8139 *r)
{
	rtl_write32(r, RTL8139_RBSTART, (uint32_t)(uint64_t)r->rx_ring);
	rtl_write32(r, RTL8139_MAR0, 0xFFFFFFFFu);
	rtl_write32(r, RTL8139_MAR0 + 4, 0xFFFFFFFFu);
	/* The datasheet wants TE/RE on before RCR and TCR are written. */
	rtl_write8(r, RTL8139_CR, RTL8139_CR_TE | RTL8139_CR_RE);
	rtl_write32(r, RTL8139_RCR, RTL8139_RCR_APM | RTL8139_RCR_AM | RTL8139_RCR_AB | RTL8139_RCR_WRAP |
				    RTL8139_RCR_MXDMA_UNLIM | RTL8139_RCR_RBLEN_8K | RTL8139_RCR_RXFTH_NONE);
	r->rx_off = 0;
	rtl_write16(r, RTL8139_CAPR, (uint16_t)(0 - RTL8139_CAPR_BIAS));
}

static void rtl8139_start(struct rtl8139 *r)
{
	rtl8139_start_rx(r);
	rtl_write32(r, RTL8139_TCR, RTL8139_TCR_IFG_STD | RTL8139_TCR_MXDMA_2048);
	for (unsigned i = 0; i < RTL8139_TX_DESCS; i++)
		rtl_write32(r, RTL8139_TSAD(i), (uint32_t)(uint64_t)r->tx_bufs[i]);
	r->tx_head = r->tx_clean = r->tx_busy = 0;
	rtl_write32(r, RTL8139_MPC, 0);
	if (r->net.irq_mode)
		rtl_write16(r, RTL8139_IMR, RTL8139_IRQS);
}

/* Only a reset puts the chip's write offset (CBR) back to the start:
 * the way out when a header can no longer be trusted. Frames in the
 * rings are lost. */
static int rtl8139_restart(struct rtl8139 *r)
{
	int err = rtl8139_reset(r);

	if (!err)
		rtl8139_start(r);
	return err;
}

/* Fault recovery, with the lock held (lock.h). Nothing under the lock
 * touches a program's memory, so only a kernel bug gets here; a request
 * cut short may have left CAPR or a descriptor out of step with our
 * indices, so the chip starts again from empty rings. */
static void rtl8139_recover(void *arg)
{
	struct rtl8139 *r = arg;
	int err = rtl8139_restart(r);

	console_report_error("%s: a fault inside its driver; %s, frames in its rings dropped", r->net.name,
			     err ? "the chip did not come back from a reset" : "chip reset, rings restarted");
}

/* The calling core's buffers, NULL for a core the probe did not know. */
static struct rtl8139_spare *rtl8139_spare(struct rtl8139 *r)
{
	unsigned core = smp_this_core();

	return core < r->nspares ? &r->spares[core] : NULL;
}

/* Missed frames (the ring was full) are counted by the chip. */
static void rtl8139_collect_stats(struct rtl8139 *r)
{
	uint32_t mpc = rtl_read32(r, RTL8139_MPC) & 0xFFFFFFu;

	if (mpc) {
		r->net.stats.rx_dropped += mpc;
		rtl_write32(r, RTL8139_MPC, 0);
	}
	rtl_write16(r, RTL8139_ISR, RTL8139_ISR_ALL);
}

static int rtl8139_link(struct netdev *n, int *up, unsigned *mbps)
{
	struct rtl8139 *r = n->priv;
	uint8_t msr;

	spin_lock(&r->lock);
	msr = rtl_read8(r, RTL8139_MSR);
	rtl8139_collect_stats(r);
	*up = !(msr & RTL8139_MSR_LINKB);
	*mbps = !*up ? 0 : (msr & RTL8139_MSR_SPEED_10) ? 10 : 100;
	if (*up != r->link_prev) {
		n->stats.link_changes++;
		r->link_prev = *up;
	}
	spin_unlock(&r->lock);
	return 0;
}

/* Descriptors are used strictly in turn; take back the finished ones. */
static void rtl8139_tx_reclaim(struct rtl8139 *r)
{
	while (r->tx_busy) {
		uint32_t tsd = rtl_read32(r, RTL8139_TSD(r->tx_clean));

		if (!(tsd & RTL8139_TSD_OWN) ||
		    !(tsd & (RTL8139_TSD_TOK | RTL8139_TSD_TUN | RTL8139_TSD_TABT)))
			break;
		if (tsd & (RTL8139_TSD_TUN | RTL8139_TSD_TABT))
			r->net.stats.tx_errors++;
		r->tx_clean = (r->tx_clean + 1) % RTL8139_TX_DESCS;
		r->tx_busy--;
	}
}

/* The frame is already in the core's TX buffer, padded: that buffer goes
 * to the next descriptor and the descriptor's old one (sent) to the core.
 * 0 or -EAGAIN; called with the lock held. */
static int rtl8139_tx_post(struct rtl8139 *r, struct rtl8139_spare *sp, size_t len, size_t wire)
{
	uint8_t *buf = sp->tx;

	rtl8139_tx_reclaim(r);
	if (r->tx_busy == RTL8139_TX_DESCS) {
		r->net.stats.tx_dropped++;
		return -EAGAIN;
	}
	sp->tx = r->tx_bufs[r->tx_head];
	r->tx_bufs[r->tx_head] = buf;
	rtl_write32(r, RTL8139_TSAD(r->tx_head), (uint32_t)(uint64_t)buf);
	dma_wmb();
	/* Writing the size with OWN clear hands the buffer to the chip; an
	 * early-TX threshold of 1536 bytes sends whole frames from the FIFO. */
	rtl_write32(r, RTL8139_TSD(r->tx_head), RTL8139_TSD_SIZE(wire) | RTL8139_TSD_ERTXTH(48));
	r->tx_head = (r->tx_head + 1) % RTL8139_TX_DESCS;
	r->tx_busy++;
	r->net.stats.tx_frames++;
	r->net.stats.tx_bytes += len;
	return 0;
}

/* The caller's frame (a program's, which may fault) is copied with no lock
 * held, into this core's own buffer; only posting it takes the lock. */
static int rtl8139_transmit(struct netdev *n, const void *frame, size_t len)
{
	struct rtl8139 *r = n->priv;
	struct rtl8139_spare *sp = rtl8139_spare(r);
	size_t wire = MAX(len, (size_t)ETH_FRAME_MIN);
	int err;

	if (len < 14 || !sp)
		return -EINVAL;
	if (len > ETH_FRAME_MAX) {
		spin_lock_reset(&r->lock, rtl8139_recover, r);
		n->stats.tx_dropped++;
		spin_unlock(&r->lock);
		return -EINVAL;
	}
	memcpy(sp->tx, frame, len);
	if (len < wire)
		memset(sp->tx + len, 0, wire - len);
	spin_lock_reset(&r->lock, rtl8139_recover, r);
	err = rtl8139_tx_post(r, sp, len, wire);
	spin_unlock(&r->lock);
	return err;
}

/* Step past the packet at rx_off and tell the chip (CAPR) it may reuse it. */
static void rtl8139_rx_advance(struct rtl8139 *r, uint32_t length)
{
	r->rx_off = (uint32_t)ALIGN_UP(r->rx_off + sizeof(struct rtl8139_rx_header) + length, 4) % RTL8139_RX_RING;
	rtl_write16(r, RTL8139_CAPR, (uint16_t)(r->rx_off - RTL8139_CAPR_BIAS));
}

/* One packet from the ring: its frame length, 0 when it was dropped (and
 * counted), -EAGAIN while the chip is still writing it, -EIO when the
 * chip did not come back from a reset. */
static int rtl8139_rx_take(struct rtl8139 *r, uint8_t *buf, size_t cap)
{
	const struct rtl8139_rx_header *h = (const void *)(r->rx_ring + r->rx_off);
	uint16_t status = ((volatile const struct rtl8139_rx_header *)h)->status;
	uint16_t length = ((volatile const struct rtl8139_rx_header *)h)->length;
	uint32_t frame = length - RTL8139_CRC_LEN;

	if (length == RTL8139_LEN_IN_PROGRESS)
		return -EAGAIN;
	if (!(status & RTL8139_RXH_ROK) || length < 14 + RTL8139_CRC_LEN ||
	    length > ETH_FRAME_MAX + RTL8139_CRC_LEN) {
		/* Error frames are not stored (RCR.AER/AR clear), so this
		 * header is not one: nothing says where the next begins. */
		r->net.stats.rx_errors++;
		return rtl8139_restart(r) ? -EIO : 0;
	}
	if (frame > cap) {
		r->net.stats.rx_dropped++;
		rtl8139_rx_advance(r, length);
		return 0;
	}
	/* Both kernel buffers: this copy cannot fault. */
	memcpy(buf, (const uint8_t *)(h + 1), frame);
	rtl8139_rx_advance(r, length);
	r->net.stats.rx_frames++;
	r->net.stats.rx_bytes += frame;
	return (int)frame;
}

static int rtl8139_poll(struct netdev *n, void *buf, size_t cap)
{
	struct rtl8139 *r = n->priv;
	struct rtl8139_spare *sp = rtl8139_spare(r);
	int len = 0;

	if (!sp)
		return -EINVAL;
	spin_lock_reset(&r->lock, rtl8139_recover, r);
	/* Bounded: a chip whose buffer never reads empty, with nothing usable
	 * in it, cannot keep the caller here. */
	for (unsigned seen = 0; seen < RTL8139_POLL_MAX && !(rtl_read8(r, RTL8139_CR) & RTL8139_CR_BUFE); seen++) {
		dma_rmb();
		len = rtl8139_rx_take(r, sp->rx, MIN(cap, (size_t)ETH_FRAME_MAX));
		if (len)
			break;
	}
	if (len <= 0) {
		rtl8139_collect_stats(r);
		if (len == -EAGAIN)
			len = 0;
	}
	spin_unlock(&r->lock);
	/* The caller's buffer (a program's, which may fault) only now. */
	if (len > 0)
		memcpy(buf, sp->rx, (size_t)len);
	return len;
}

static struct rtl8139 *rtl8139_alloc(struct pci_dev *d, volatile uint8_t *mmio)
{
	struct rtl8139 *r = pmm_alloc_named(ALIGN_UP(sizeof(*r), PAGE_SIZE) / PAGE_SIZE, dma_owner);

	r->pci = d;
	r->mmio = mmio;
	r->io = (uint16_t)d->bar[0].addr;
	r->lock = (struct spinlock)SPINLOCK_INIT;
	r->net.driver = "rtl8139";
	r->net.mtu = 1500;
	r->net.link = rtl8139_link;
	r->net.transmit = rtl8139_transmit;
	r->net.poll = rtl8139_poll;
	r->net.priv = r;
	return r;
}

static int rtl8139_read_mac(struct rtl8139 *r)
{
	static const uint8_t zero[ETH_ALEN];

	for (unsigned i = 0; i < ETH_ALEN; i++)
		r->net.mac[i] = rtl_read8(r, RTL8139_IDR0 + i);
	if (!memcmp(r->net.mac, zero, ETH_ALEN) || (r->net.mac[0] & 1))
		return -ENODEV;
	return 0;
}

/* A buffer per transmit descriptor, and a pair for every core listed
 * (smp_init ran before the PCI scan). */
static void rtl8139_alloc_buffers(struct rtl8139 *r)
{
	uint8_t *tx_buf = pmm_alloc_named(RTL8139_TX_DESCS * RTL8139_TX_SLOT / PAGE_SIZE, dma_owner);
	uint8_t *spare_buf;

	for (unsigned i = 0; i < RTL8139_TX_DESCS; i++)
		r->tx_bufs[i] = tx_buf + i * RTL8139_TX_SLOT;
	r->nspares = MAX(smp_core_count(), 1u);
	r->spares = pmm_alloc_named(ALIGN_UP(r->nspares * sizeof(*r->spares), PAGE_SIZE) / PAGE_SIZE, dma_owner);
	spare_buf = pmm_alloc_named(r->nspares * 2 * RTL8139_TX_SLOT / PAGE_SIZE, dma_owner);
	for (unsigned c = 0; c < r->nspares; c++) {
		r->spares[c].tx = spare_buf + 2 * c * RTL8139_TX_SLOT;
		r->spares[c].rx = r->spares[c].tx + RTL8139_TX_SLOT;
	}
}

/* The line is level-triggered and maybe shared: clear what the chip
 * raised (ISR bits are write-1-to-clear) before anyone else runs. */
static void rtl8139_irq(void *arg)
{
	struct rtl8139 *r = arg;
	uint16_t isr;

	spin_lock(&r->lock);
	isr = rtl_read16(r, RTL8139_ISR);
	if (isr)
		rtl_write16(r, RTL8139_ISR, isr);
	spin_unlock(&r->lock);
	if (isr)
		net_irq(&r->net);
}

/* Without an interrupt the idle loop and the program's own calls poll. */
static void rtl8139_enable_irq(struct rtl8139 *r)
{
	char why[64];

	if (pci_irq_enable(r->pci, rtl8139_irq, r, why, sizeof(why)) < 0)
		return;
	spin_lock(&r->lock);
	r->net.irq_mode = pci_irq_kind_name(r->pci->irq_kind);
	rtl_write16(r, RTL8139_IMR, RTL8139_IRQS);
	spin_unlock(&r->lock);
}

/* Memory BAR 1 when the platform mapped it, else the I/O ports of BAR 0. */
static int rtl8139_probe(struct pci_dev *d, const struct pci_id *id)
{
	volatile uint8_t *mmio = (volatile uint8_t *)pci_bar_mmio(d, 1);
	struct rtl8139 *r;
	int err;

	(void)id; /* one kind of device: nothing per id */
	if (!mmio && !(d->bar[0].io && d->bar[0].size >= 0x80))
		return -ENODEV;
	pci_enable(d, (mmio ? PCI_COMMAND_MEMORY : PCI_COMMAND_IO) | PCI_COMMAND_MASTER |
		      PCI_COMMAND_INTX_DISABLE);
	r = rtl8139_alloc(d, mmio);
	err = rtl8139_reset(r);
	if (err)
		goto err_master;
	err = rtl8139_read_mac(r);
	if (err)
		goto err_master;
	r->rx_ring = pmm_alloc_named(ALIGN_UP(RTL8139_RX_ALLOC, PAGE_SIZE) / PAGE_SIZE, dma_owner);
	rtl8139_alloc_buffers(r);
	rtl8139_start(r);
	r->link_prev = !(rtl_read8(r, RTL8139_MSR) & RTL8139_MSR_LINKB);
	r->net.pci = d;
	err = net_register(&r->net);
	if (err)
		goto err_reset;
	d->priv = r;
	rtl8139_enable_irq(r);
	return 0;

err_reset:
	(void)rtl8139_reset(r);
err_master:
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) & ~PCI_COMMAND_MASTER);
	return err;
}

static const struct pci_id rtl8139_ids[] = {
	PCI_ROM(0x10EC, 0x8139, NULL, NULL),
	{ 0 },
};

PCI_DRIVER(rtl8139) = { .name = "rtl8139", .ids = rtl8139_ids, .probe = rtl8139_probe };
