/* e1000.c: Intel 8254x and 82574 Gigabit Ethernet, polled, with legacy
 * descriptor rings (8254x SDM rev. 4.0; 82574 GbE Controller datasheet).
 * QEMU: -device e1000,netdev=N (82540EM) and -device e1000e,netdev=N (82574L). */
#include "console.h"
#include "e1000_regs.h"
#include "errno.h"
#include "kernel.h"
#include "lock.h"
#include "mm.h"
#include "mmio.h"
#include "netdev.h"
#include "pci.h"
#include "smp.h"
#include "string.h"
#include "timer.h"
#include "x86.h"

/* Its pages in the registry of kernel memory (memown.h): poke names them. */
static const char dma_owner[] = "e1000 DMA rings and buffers";

#define E1000_RX_DESCS 256
#define E1000_TX_DESCS 256
#define E1000_BUF_SIZE 2048u            /* RCTL.BSIZE_2048; a TX slot holds any frame */
#define E1000_RESET_TIMEOUT_NS (100 * 1000000ull)
#define E1000_EERD_TIMEOUT_NS (10 * 1000000ull)
#define E1000_QUIESCE_NS (2 * 1000000ull) /* in-flight DMA ends in microseconds */

/* Ring lengths must be multiples of 128 bytes (8254x 13.4.27). */
_Static_assert(E1000_RX_DESCS * sizeof(struct e1000_rx_desc) % 128 == 0, "RDLEN");
_Static_assert(E1000_TX_DESCS * sizeof(struct e1000_tx_desc) % 128 == 0, "TDLEN");

/* What differs between the members this driver knows. */
struct e1000_variant {
	const char *name;
	int eerd_short;   /* EERD with DONE at bit 1 and the address at bit 2 */
	uint32_t ipgt;
	int is_82574;
};

static const struct e1000_variant e1000_8254x = { "e1000", 0, 10, 0 };
static const struct e1000_variant e1000_8254x_short = { "e1000", 1, 10, 0 };
static const struct e1000_variant e1000_82574 = { "e1000e", 1, 8, 1 };

/* Each core's own pair of frame buffers. A program's frame is copied into
 * (or out of) them with no lock held, since that copy can fault; under the
 * lock a buffer only changes hands with a descriptor's, so the rings never
 * see a copy cut short.
 * A core never reenters the driver (netdev.h), so one pair per core is
 * enough. */
struct e1000_spare {
	uint8_t *tx, *rx;
};

struct e1000 {
	struct netdev net;
	struct pci_dev *pci;
	volatile uint8_t *regs;
	const struct e1000_variant *var;
	volatile struct e1000_rx_desc *rx;
	volatile struct e1000_tx_desc *tx;
	uint8_t *rx_bufs[E1000_RX_DESCS];   /* each descriptor's buffer, as we gave it */
	uint8_t *tx_bufs[E1000_TX_DESCS];
	struct e1000_spare *spares;         /* by core index */
	unsigned nspares;
	/* The lock covers the ring indices, the descriptors, the buffer
	 * arrays, the registers and the stats. */
	uint32_t rx_next;       /* the next descriptor the device fills */
	uint32_t tx_head;       /* the next descriptor we fill */
	uint32_t tx_clean;      /* the oldest descriptor not yet reclaimed */
	int link_prev;
	/* QEMU's 8254x model holds received frames for 1 s after RCTL is
	 * written (its flush_queue_timer): the link counts as up from then,
	 * so a request right after bring-up (DHCP, ARP) waits for it. */
	uint64_t rx_ready_ns;
	struct spinlock lock;
};

static uint32_t e1000_read32(const struct e1000 *e, unsigned off)
{
	return mmio_read32(e->regs + off);
}

static void e1000_write32(const struct e1000 *e, unsigned off, uint32_t v)
{
	mmio_write32(e->regs + off, v);
}

/* Stop DMA and interrupts, then reset the MAC (8254x 14.9: quiesce the
 * rings before CTRL.RST so no descriptor write lands after it). */
static int e1000_reset(const struct e1000 *e)
{
	e1000_write32(e, E1000_IMC, E1000_IMC_ALL);
	e1000_write32(e, E1000_RCTL, 0);
	e1000_write32(e, E1000_TCTL, 0);
	(void)e1000_read32(e, E1000_STATUS);
	timer_delay_ns(E1000_QUIESCE_NS);
	e1000_write32(e, E1000_CTRL, e1000_read32(e, E1000_CTRL) | E1000_CTRL_RST);
	timer_delay_ns(1000);
	if (mmio_wait32(e->regs + E1000_CTRL, E1000_CTRL_RST, 0, E1000_RESET_TIMEOUT_NS))
		return -ETIMEDOUT;
	/* The reset unmasks nothing, but a reset in progress may have; and
	 * ICR is cleared by the read. */
	e1000_write32(e, E1000_IMC, E1000_IMC_ALL);
	(void)e1000_read32(e, E1000_ICR);
	return 0;
}

static int e1000_eeprom_read(const struct e1000 *e, unsigned word, uint16_t *out)
{
	unsigned shift = e->var->eerd_short ? E1000_EERD_ADDR_SHIFT_SHORT : E1000_EERD_ADDR_SHIFT;
	uint32_t done = e->var->eerd_short ? E1000_EERD_DONE_SHORT : E1000_EERD_DONE;

	e1000_write32(e, E1000_EERD, E1000_EERD_START | (uint32_t)word << shift);
	if (mmio_wait32(e->regs + E1000_EERD, done, done, E1000_EERD_TIMEOUT_NS))
		return -ETIMEDOUT;
	*out = E1000_EERD_DATA(e1000_read32(e, E1000_EERD));
	return 0;
}

static int e1000_mac_valid(const uint8_t *mac)
{
	static const uint8_t zero[ETH_ALEN];

	return memcmp(mac, zero, ETH_ALEN) != 0 && !(mac[0] & 1);
}

static void e1000_write_mac(const struct e1000 *e)
{
	const uint8_t *mac = e->net.mac;

	e1000_write32(e, E1000_RAL0, (uint32_t)mac[0] | (uint32_t)mac[1] << 8 |
				     (uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24);
	e1000_write32(e, E1000_RAH0, (uint32_t)mac[4] | (uint32_t)mac[5] << 8 | E1000_RAH_AV);
}

/* The address in receive address 0 when firmware (or QEMU) loaded it,
 * else words 0-2 of the EEPROM; then written back so the filter has it. */
static int e1000_read_mac(struct e1000 *e)
{
	uint32_t ral = e1000_read32(e, E1000_RAL0), rah = e1000_read32(e, E1000_RAH0);
	uint8_t *mac = e->net.mac;

	for (int i = 0; i < 4; i++)
		mac[i] = (uint8_t)(ral >> (8 * i));
	mac[4] = (uint8_t)rah;
	mac[5] = (uint8_t)(rah >> 8);
	if (!(rah & E1000_RAH_AV) || !e1000_mac_valid(mac)) {
		for (unsigned w = 0; w < 3; w++) {
			uint16_t v;
			int err = e1000_eeprom_read(e, E1000_EEPROM_MAC_WORD + w, &v);

			if (err)
				return err;
			mac[2 * w] = (uint8_t)v;
			mac[2 * w + 1] = (uint8_t)(v >> 8);
		}
	}
	if (!e1000_mac_valid(mac))
		return -ENODEV;
	e1000_write_mac(e);
	return 0;
}

/* Rings, a buffer per descriptor, and a TX and an RX buffer for every
 * core listed (smp_init ran before the PCI scan). */
static void e1000_alloc_rings(struct e1000 *e)
{
	uint8_t *rx_buf, *tx_buf, *spare_buf;

	e->rx = pmm_alloc_named(ALIGN_UP(E1000_RX_DESCS * sizeof(struct e1000_rx_desc), PAGE_SIZE) / PAGE_SIZE, dma_owner);
	e->tx = pmm_alloc_named(ALIGN_UP(E1000_TX_DESCS * sizeof(struct e1000_tx_desc), PAGE_SIZE) / PAGE_SIZE, dma_owner);
	rx_buf = pmm_alloc_named(E1000_RX_DESCS * E1000_BUF_SIZE / PAGE_SIZE, dma_owner);
	tx_buf = pmm_alloc_named(E1000_TX_DESCS * E1000_BUF_SIZE / PAGE_SIZE, dma_owner);
	for (unsigned i = 0; i < E1000_RX_DESCS; i++)
		e->rx_bufs[i] = rx_buf + i * E1000_BUF_SIZE;
	for (unsigned i = 0; i < E1000_TX_DESCS; i++)
		e->tx_bufs[i] = tx_buf + i * E1000_BUF_SIZE;
	e->nspares = MAX(smp_core_count(), 1u);
	e->spares = pmm_alloc_named(ALIGN_UP(e->nspares * sizeof(*e->spares), PAGE_SIZE) / PAGE_SIZE, dma_owner);
	spare_buf = pmm_alloc_named(e->nspares * 2 * E1000_BUF_SIZE / PAGE_SIZE, dma_owner);
	for (unsigned c = 0; c < e->nspares; c++) {
		e->spares[c].tx = spare_buf + 2 * c * E1000_BUF_SIZE;
		e->spares[c].rx = e->spares[c].tx + E1000_BUF_SIZE;
	}
}

/* The calling core's buffers, NULL for a core the probe did not know. */
static struct e1000_spare *e1000_spare(struct e1000 *e)
{
	unsigned core = smp_this_core();

	return core < e->nspares ? &e->spares[core] : NULL;
}

/* Receive: every descriptor but one handed over (RDT one behind RDH), so
 * head == tail never looks like a full ring (8254x 3.2.6). */
static void e1000_start_rx(struct e1000 *e)
{
	for (unsigned i = 0; i < E1000_RX_DESCS; i++)
		e->rx[i] = (struct e1000_rx_desc){ .addr = (uint64_t)e->rx_bufs[i] };
	for (unsigned i = 0; i < E1000_MTA_ENTRIES; i++)
		e1000_write32(e, E1000_MTA + 4 * i, 0);
	e1000_write32(e, E1000_RDBAL, (uint32_t)(uint64_t)e->rx);
	e1000_write32(e, E1000_RDBAH, (uint32_t)((uint64_t)e->rx >> 32));
	e1000_write32(e, E1000_RDLEN, E1000_RX_DESCS * sizeof(struct e1000_rx_desc));
	e1000_write32(e, E1000_RDH, 0);
	e1000_write32(e, E1000_RDT, E1000_RX_DESCS - 1);
	e->rx_next = 0;
	e1000_write32(e, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC |
				     E1000_RCTL_BSIZE_2048 | E1000_RCTL_RDMTS_HALF);
}

static void e1000_start_tx(struct e1000 *e)
{
	for (unsigned i = 0; i < E1000_TX_DESCS; i++)
		e->tx[i] = (struct e1000_tx_desc){ 0 };
	e1000_write32(e, E1000_TDBAL, (uint32_t)(uint64_t)e->tx);
	e1000_write32(e, E1000_TDBAH, (uint32_t)((uint64_t)e->tx >> 32));
	e1000_write32(e, E1000_TDLEN, E1000_TX_DESCS * sizeof(struct e1000_tx_desc));
	e1000_write32(e, E1000_TDH, 0);
	e1000_write32(e, E1000_TDT, 0);
	e->tx_head = e->tx_clean = 0;
	if (e->var->is_82574)
		e1000_write32(e, E1000_TXDCTL, E1000_TXDCTL_GRAN | E1000_TXDCTL_82574_ONE);
	e1000_write32(e, E1000_TIPG, E1000_TIPG_IPGT(e->var->ipgt) | E1000_TIPG_IPGR1(8) | E1000_TIPG_IPGR2(6));
	e1000_write32(e, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP | E1000_TCTL_CT(15) | E1000_TCTL_COLD(64));
}

/* After a reset: the link forced up, our address, both rings from empty. */
/* Frames and link changes interrupt. The 82574 under MSI-X sends only the
 * causes its IVAR maps: all of them to entry 0. */
static void e1000_unmask_irq(struct e1000 *e)
{
	uint32_t causes = E1000_INT_LSC | E1000_INT_RXDMT0 | E1000_INT_RXO | E1000_INT_RXT0;

	if (e->var->is_82574 && e->pci->irq_kind == PCI_IRQ_MSIX) {
		e1000_write32(e, E1000_IVAR, E1000_IVAR_RXQ0_VALID | E1000_IVAR_OTHER_VALID);
		causes |= E1000_INT_RXQ0 | E1000_INT_OTHER;
	}
	e1000_write32(e, E1000_IMS, causes);
}

static void e1000_bring_up(struct e1000 *e)
{
	e1000_write32(e, E1000_CTRL, (e1000_read32(e, E1000_CTRL) | E1000_CTRL_SLU | E1000_CTRL_ASDE) &
				     ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST | E1000_CTRL_ILOS | E1000_CTRL_VME));
	e1000_write_mac(e);
	e1000_start_rx(e);
	e1000_start_tx(e);
	e->rx_ready_ns = timer_ns() + 1000000000ull;
	if (e->net.irq_mode)
		e1000_unmask_irq(e);
}

/* Fault recovery, with the lock held (lock.h). Nothing under the lock
 * touches a program's memory, so only a kernel bug gets here; a request
 * cut short may have left a descriptor half written or the indices out of
 * step with the device, so the device starts again from empty rings. The
 * buffer arrays stay as they are (a buffer swap is two stores, with
 * nothing between them that can fault). */
static void e1000_recover(void *arg)
{
	struct e1000 *e = arg;
	int err = e1000_reset(e);

	if (!err)
		e1000_bring_up(e);
	console_report_error("%s: a fault inside its driver; %s, frames in its rings dropped", e->net.name,
			     err ? "the device did not come back from a reset" : "device reset, rings restarted");
}

/* Statistics clear on read: fold the missed-frame count into the stats. */
static void e1000_collect_stats(struct e1000 *e)
{
	e->net.stats.rx_dropped += e1000_read32(e, E1000_MPC);
	e->net.stats.rx_errors += e1000_read32(e, E1000_CRCERRS) + e1000_read32(e, E1000_ROC);
}

static int e1000_link(struct netdev *n, int *up, unsigned *mbps)
{
	static const unsigned speeds[4] = { 10, 100, 1000, 1000 };
	struct e1000 *e = n->priv;
	uint32_t status;

	spin_lock(&e->lock);
	status = e1000_read32(e, E1000_STATUS);
	e1000_collect_stats(e);
	*up = (status & E1000_STATUS_LU) && timer_ns() >= e->rx_ready_ns;
	*mbps = *up ? speeds[E1000_STATUS_SPEED(status)] : 0;
	if (*up != e->link_prev) {
		n->stats.link_changes++;
		e->link_prev = *up;
	}
	spin_unlock(&e->lock);
	return 0;
}

/* Take back descriptors the device finished, oldest first. */
static void e1000_tx_reclaim(struct e1000 *e)
{
	while (e->tx_clean != e->tx_head) {
		uint8_t status = e->tx[e->tx_clean].status;

		if (!(status & E1000_TXD_STAT_DD))
			break;
		if (status & (E1000_TXD_STAT_EC | E1000_TXD_STAT_LC))
			e->net.stats.tx_errors++;
		e->tx_clean = (e->tx_clean + 1) % E1000_TX_DESCS;
	}
}

/* The frame is already in the core's TX buffer: that buffer becomes the
 * descriptor's, and the descriptor's old one (sent and reclaimed) becomes
 * the core's. 0 or -EAGAIN; called with the lock held. */
static int e1000_tx_post(struct e1000 *e, struct e1000_spare *sp, size_t len)
{
	volatile struct e1000_tx_desc *d = &e->tx[e->tx_head];
	uint8_t *buf = sp->tx;

	e1000_tx_reclaim(e);
	if ((e->tx_head + 1) % E1000_TX_DESCS == e->tx_clean) {
		e->net.stats.tx_dropped++;
		return -EAGAIN;
	}
	sp->tx = e->tx_bufs[e->tx_head];
	e->tx_bufs[e->tx_head] = buf;
	d->addr = (uint64_t)buf;
	d->length = (uint16_t)MAX(len, (size_t)ETH_FRAME_MIN);
	d->cso = d->css = 0;
	d->special = 0;
	d->status = 0;
	d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	e->tx_head = (e->tx_head + 1) % E1000_TX_DESCS;
	/* The descriptor must be in memory before the tail moves past it. */
	dma_wmb();
	e1000_write32(e, E1000_TDT, e->tx_head);
	e->net.stats.tx_frames++;
	e->net.stats.tx_bytes += len;
	return 0;
}

/* The caller's frame (a program's, which may fault) is copied with no lock
 * held, into this core's own buffer; only posting it takes the lock. */
static int e1000_transmit(struct netdev *n, const void *frame, size_t len)
{
	struct e1000 *e = n->priv;
	struct e1000_spare *sp = e1000_spare(e);
	int err;

	if (len < 14 || !sp)
		return -EINVAL;
	if (len > ETH_FRAME_MAX) {
		spin_lock_reset(&e->lock, e1000_recover, e);
		n->stats.tx_dropped++;
		spin_unlock(&e->lock);
		return -EINVAL;
	}
	memcpy(sp->tx, frame, len);
	if (len < ETH_FRAME_MIN)
		memset(sp->tx + len, 0, ETH_FRAME_MIN - len);
	spin_lock_reset(&e->lock, e1000_recover, e);
	err = e1000_tx_post(e, sp, len);
	spin_unlock(&e->lock);
	return err;
}

/* Judge one completed descriptor: the frame's length, or 0 when it was
 * dropped (and counted). */
static int e1000_rx_judge(struct e1000 *e, volatile struct e1000_rx_desc *d, size_t cap)
{
	uint16_t len = d->length;
	uint8_t status = d->status, errors = d->errors;

	if ((errors & E1000_RXD_ERR_FRAME) || !(status & E1000_RXD_STAT_EOP) || len > E1000_BUF_SIZE) {
		/* Without RCTL.LPE no good frame spans descriptors: a partial
		 * one is an error, as is whatever the device flagged. */
		e->net.stats.rx_errors++;
		return 0;
	}
	if (len > cap) {
		e->net.stats.rx_dropped++;
		return 0;
	}
	e->net.stats.rx_frames++;
	e->net.stats.rx_bytes += len;
	return len;
}

/* Take the next good frame, if any: its buffer becomes the core's RX
 * buffer and the core's goes to the descriptor, handed straight back to
 * the device. Its length or 0; called with the lock held. */
static int e1000_rx_take(struct e1000 *e, struct e1000_spare *sp, size_t cap)
{
	int len = 0;

	/* At most one ring's worth: a device that keeps marking descriptors
	 * done with nothing usable in them cannot keep the caller here. */
	for (unsigned seen = 0; seen < E1000_RX_DESCS && !len; seen++) {
		volatile struct e1000_rx_desc *d = &e->rx[e->rx_next];
		uint8_t *buf;

		if (!(d->status & E1000_RXD_STAT_DD))
			break;
		/* Read the fields only after DD said they are written. */
		dma_rmb();
		len = e1000_rx_judge(e, d, cap);
		if (len) {
			buf = e->rx_bufs[e->rx_next];
			e->rx_bufs[e->rx_next] = sp->rx;
			sp->rx = buf;
			d->addr = (uint64_t)e->rx_bufs[e->rx_next];
		}
		d->status = 0;
		d->errors = 0;
		/* Hand the buffer back: the tail trails our next descriptor. */
		dma_wmb();
		e1000_write32(e, E1000_RDT, e->rx_next);
		e->rx_next = (e->rx_next + 1) % E1000_RX_DESCS;
	}
	return len;
}

/* The copy into the caller's buffer (a program's, which may fault) is made
 * after the lock is given back, from the buffer this core now owns. */
static int e1000_poll(struct netdev *n, void *buf, size_t cap)
{
	struct e1000 *e = n->priv;
	struct e1000_spare *sp = e1000_spare(e);
	int len;

	if (!sp)
		return -EINVAL;
	spin_lock_reset(&e->lock, e1000_recover, e);
	len = e1000_rx_take(e, sp, cap);
	spin_unlock(&e->lock);
	if (len)
		memcpy(buf, sp->rx, (size_t)len);
	return len;
}

static struct e1000 *e1000_alloc(struct pci_dev *d, volatile uint8_t *regs, const struct e1000_variant *v)
{
	struct e1000 *e = pmm_alloc_named(ALIGN_UP(sizeof(*e), PAGE_SIZE) / PAGE_SIZE, dma_owner);

	e->pci = d;
	e->regs = regs;
	e->var = v;
	e->lock = (struct spinlock)SPINLOCK_INIT;
	e->net.driver = v->name;
	e->net.mtu = 1500;
	e->net.link = e1000_link;
	e->net.transmit = e1000_transmit;
	e->net.poll = e1000_poll;
	e->net.priv = e;
	return e;
}

/* ICR reads as 0 when a shared INTx line was another device's. The read
 * clears it, except on an 82574 under MSI-X, where only writing the bits
 * back does (82574 10.2.4.1); on the others that write clears nothing more. */
static void e1000_irq(void *arg)
{
	struct e1000 *e = arg;
	uint32_t icr = e1000_read32(e, E1000_ICR);

	if (!icr)
		return;
	e1000_write32(e, E1000_ICR, icr);
	net_irq(&e->net);
}

/* Without an interrupt the idle loop and the program's own calls poll, as
 * before. */
static void e1000_enable_irq(struct e1000 *e)
{
	char why[64];

	if (pci_irq_enable(e->pci, e1000_irq, e, why, sizeof(why)) < 0)
		return;
	e->net.irq_mode = pci_irq_kind_name(e->pci->irq_kind);
	e1000_unmask_irq(e);
}

static int e1000_probe_variant(struct pci_dev *d, const struct e1000_variant *v)
{
	volatile uint8_t *regs = (volatile uint8_t *)pci_bar_mmio(d, 0);
	struct e1000 *e;
	int err;

	if (!regs || d->bar[0].size < 0x10000)
		return -ENODEV;
	pci_enable(d, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	e = e1000_alloc(d, regs, v);
	err = e1000_reset(e);
	if (err)
		goto err_master;
	err = e1000_read_mac(e);
	if (err)
		goto err_master;
	e1000_alloc_rings(e);
	e1000_bring_up(e);
	e1000_collect_stats(e);
	e->net.stats = (struct net_stats){ 0 };  /* counts from before us are not ours */
	e->link_prev = 0; /* up once receiving (rx_ready_ns) */
	e->net.pci = d;
	err = net_register(&e->net);
	if (err)
		goto err_reset;
	d->priv = e;
	e1000_enable_irq(e);
	return 0;

err_reset:
	(void)e1000_reset(e);
err_master:
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) & ~PCI_COMMAND_MASTER);
	return err;
}

static int e1000_probe(struct pci_dev *d, const struct pci_id *id)
{
	return e1000_probe_variant(d, id->data);
}

/* The 82541 and 82547 read their EEPROM through the shorter EERD layout. */
static const struct pci_id e1000_ids[] = {
	PCI_ROM(0x8086, 0x100E, NULL, &e1000_8254x),        /* 82540EM, QEMU's e1000 */
	PCI_ROM(0x8086, 0x100F, NULL, &e1000_8254x),        /* 82545EM copper */
	PCI_ROM(0x8086, 0x1004, NULL, &e1000_8254x),        /* 82543GC copper */
	PCI_ROM(0x8086, 0x100C, NULL, &e1000_8254x),        /* 82544GC copper */
	PCI_ROM(0x8086, 0x1015, NULL, &e1000_8254x),        /* 82540EM LOM */
	PCI_ROM(0x8086, 0x1076, NULL, &e1000_8254x_short),  /* 82541GI */
	PCI_ROM(0x8086, 0x107C, NULL, &e1000_8254x_short),  /* 82541PI */
	PCI_ROM(0x8086, 0x10D3, "e1000e", &e1000_82574),    /* 82574L, QEMU's e1000e */
	{ 0 },
};

PCI_DRIVER(e1000) = { .name = "e1000", .ids = e1000_ids, .probe = e1000_probe };
