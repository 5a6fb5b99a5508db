/* xhci.c: USB host controller driver for xHCI (eXtensible Host Controller
 * Interface 1.2): firmware handoff, reset, rings, slots, transfers, root ports.
 * QEMU: -device qemu-xhci or -device nec-usb-xhci (PCI class 0c0330). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "mmio.h"
#include "pci.h"
#include "string.h"
#include "timer.h"
#include "usb.h"
#include "x86.h"
#include "xhci_regs.h"

/* Its pages in the registry of kernel memory (memown.h): poke names them. */
static const char dma_owner[] = "xHCI rings and buffers";

#define XHCI_MAX_CTRL 4
#define XHCI_MAX_SLOTS 64           /* slots enabled (CONFIG.MaxSlotsEn) at most */
#define XHCI_MAX_PORTS 64
#define RING_TRBS 256               /* one page; the last is the link */
#define XHCI_HANDOFF_NS 1000000000ull   /* firmware gets 1 s to let go */
#define XHCI_RESET_NS 1000000000ull
#define XHCI_HALT_NS 100000000ull       /* 16 ms by the spec, with margin */
#define XHCI_CMD_NS 5000000000ull      /* as long as a device may take to answer SET_ADDRESS */
#define XHCI_CTRL_NS 2000000000ull      /* a control transfer (USB 2.0 9.2.6.4 allows 5 s) */
#define XHCI_PORT_RESET_NS 500000000ull
#define XHCI_DEBOUNCE_NS 100000000ull   /* connect to reset (USB 2.0 7.1.7.3) */
#define XHCI_UNPLUG_NS 50000000ull      /* a transfer looks at its port this often */
#define XHCI_BOUNCE 4096u               /* control transfers' data through one page */

struct xhci_ring {
	struct xhci_trb *trb;
	uint32_t enq;
	uint32_t cycle;
};

struct xhci_ep {
	struct xhci_ring ring;
	volatile uint8_t done;
	uint8_t cc, ctrl, halted;
	uint32_t residual;
	uint64_t wait_trb;              /* the TRB whose event ends the transfer */
	usb_intr_fn fn;                 /* interrupt-in endpoints run by themselves */
	uint8_t *buf;
	unsigned len;
};

struct xhci_slot {
	struct usb_device *dev;
	uint8_t *out, *in;              /* device and input contexts */
	uint8_t *bounce;
	struct xhci_ep ep[32];          /* by DCI */
};

struct xhci {
	struct pci_dev *pci;
	volatile uint8_t *cap, *op, *rt;
	volatile uint32_t *db;
	unsigned nslots, nports, csz;
	uint64_t *dcbaa;
	struct xhci_ring cmd;
	volatile uint8_t cmd_done;
	uint8_t cmd_cc, cmd_slot, dead, irq;
	/* Block I/O (usb_storage) may come from any core: one core takes the
	 * events at a time (the others find their completions done), and
	 * one command is in flight. */
	volatile uint8_t servicing, cmd_busy;
	uint64_t cmd_trb;
	struct xhci_trb *evt;
	uint32_t evt_deq, evt_cycle;
	uint8_t port_major[XHCI_MAX_PORTS + 1], port_num[XHCI_MAX_PORTS + 1];
	volatile uint64_t port_pending;  /* bit per port ID - 1 */
	uint64_t port_attached;
	uint64_t port_seen[XHCI_MAX_PORTS + 1]; /* when its change came */
	struct xhci_slot *slots[XHCI_MAX_SLOTS + 1];
	struct usb_bus bus;
};

static struct xhci xhci_ctrl[XHCI_MAX_CTRL];
static unsigned xhci_count;

static inline uint32_t op_read(struct xhci *hc, unsigned off) { return mmio_read32(hc->op + off); }
static inline void op_write(struct xhci *hc, unsigned off, uint32_t v) { mmio_write32(hc->op + off, v); }
/* 64-bit registers as two dwords, low first (xHCI 5.1: either is allowed). */
static void reg_write64(volatile uint8_t *a, uint64_t v)
{
	mmio_write32(a, (uint32_t)v);
	mmio_write32(a + 4, (uint32_t)(v >> 32));
}

static uint64_t phys(const void *p) { return (uint64_t)(uintptr_t)p; }

/* --- rings ---------------------------------------------------------------- */

static int ring_init(struct xhci_ring *r)
{
	if (!r->trb && !(r->trb = pmm_alloc_named(1, dma_owner)))
		return -ENOMEM;
	memset(r->trb, 0, PAGE_SIZE);
	r->trb[RING_TRBS - 1].param = phys(r->trb);
	r->trb[RING_TRBS - 1].control = TRB_TYPE(TRB_LINK) | TRB_TC;
	r->enq = 0;
	r->cycle = 1;
	return 0;
}

/* Write one TRB, the control word (with the cycle bit that hands it over)
 * last; returns its address. */
static uint64_t ring_push(struct xhci_ring *r, uint64_t param, uint32_t status, uint32_t control)
{
	struct xhci_trb *t = &r->trb[r->enq];
	struct xhci_trb *link;

	t->param = param;
	t->status = status;
	dma_wmb();
	t->control = (control & ~TRB_CYCLE) | r->cycle;
	if (++r->enq == RING_TRBS - 1) {
		link = &r->trb[RING_TRBS - 1];
		/* A chain that goes on past the link keeps the link in it. */
		link->control = TRB_TYPE(TRB_LINK) | TRB_TC | r->cycle | (control & TRB_CH);
		r->cycle ^= 1;
		r->enq = 0;
	}
	return phys(t);
}

static uint64_t ring_deq_ptr(const struct xhci_ring *r)
{
	return phys(&r->trb[r->enq]) | r->cycle;
}

/* --- events --------------------------------------------------------------- */

static void xhci_transfer_event(struct xhci *hc, const struct xhci_trb *e);

static void xhci_port_event(struct xhci *hc, unsigned port)
{
	if (port >= 1 && port <= hc->nports) {
		hc->port_pending |= 1ull << (port - 1);
		hc->port_seen[port] = timer_ns();
		usb_kick_bus(&hc->bus);
	}
}

static void xhci_handle_event(struct xhci *hc, const struct xhci_trb *e)
{
	switch (TRB_GET_TYPE(e->control)) {
	case TRB_EV_CMD:
		if (e->param == hc->cmd_trb) {
			hc->cmd_cc = (uint8_t)TRB_CC(e->status);
			hc->cmd_slot = (uint8_t)TRB_GET_SLOT(e->control);
			hc->cmd_done = 1;
		}
		break;
	case TRB_EV_TRANSFER:
		xhci_transfer_event(hc, e);
		break;
	case TRB_EV_PORT:
		xhci_port_event(hc, (unsigned)(e->param >> 24) & 0xFF);
		break;
	default:
		break;
	}
}

/* Take every event the controller wrote, then move the dequeue pointer.
 * Interrupts off: the heartbeat, the interrupt handler and the waits all
 * come here, on the boot core. */
static void xhci_service(struct xhci *hc)
{
	uint64_t f = cpu_irq_save();
	volatile uint8_t *ir = hc->rt + XHCI_IR0;
	unsigned n = 0;

	if (hc->dead || !hc->evt || __atomic_exchange_n(&hc->servicing, 1, __ATOMIC_ACQUIRE)) {
		cpu_irq_restore(f);
		return;
	}
	mmio_write32(ir + XHCI_IMAN, mmio_read32(ir + XHCI_IMAN)); /* IP is RW1C */
	for (;;) {
		struct xhci_trb *e = &hc->evt[hc->evt_deq];

		if ((e->control & TRB_CYCLE) != hc->evt_cycle)
			break;
		dma_rmb();
		xhci_handle_event(hc, e);
		n++;
		if (++hc->evt_deq == RING_TRBS) {
			hc->evt_deq = 0;
			hc->evt_cycle ^= 1;
		}
	}
	if (n)
		reg_write64(ir + XHCI_ERDP, phys(&hc->evt[hc->evt_deq]) | XHCI_ERDP_EHB);
	__atomic_store_n(&hc->servicing, 0, __ATOMIC_RELEASE);
	cpu_irq_restore(f);
}

/* MSI-X, MSI or a shared INTx line: only ours when the interrupter says
 * so; its pending bits are cleared before the events are taken. */
static void xhci_irq(void *arg)
{
	struct xhci *hc = arg;
	uint32_t sts = op_read(hc, XHCI_USBSTS);

	if (!(sts & XHCI_STS_EINT) && !(mmio_read32(hc->rt + XHCI_IR0 + XHCI_IMAN) & XHCI_IMAN_IP))
		return;
	op_write(hc, XHCI_USBSTS, XHCI_STS_EINT);
	hc->bus.irqs++;
	xhci_service(hc);
}

static void xhci_bus_poll(struct usb_bus *b)
{
	xhci_service(b->priv);
}

/* Poll until *flag is set: 0, or -ETIMEDOUT. */
static int xhci_wait(struct xhci *hc, volatile uint8_t *flag, uint64_t timeout_ns)
{
	uint64_t end = timer_ns() + timeout_ns;

	for (;;) {
		xhci_service(hc);
		if (*flag)
			return 0;
		if (hc->dead)
			return -ESHUTDOWN;
		if (timer_ns() > end) {
			xhci_service(hc);
			return *flag ? 0 : -ETIMEDOUT;
		}
		cpu_pause();
	}
}

/* --- commands ------------------------------------------------------------- */

static int xhci_cmd(struct xhci *hc, uint64_t param, uint32_t control, uint8_t *slot_out)
{
	uint8_t cc, slot;
	int err;

	if (hc->dead)
		return -ESHUTDOWN;
	while (__atomic_exchange_n(&hc->cmd_busy, 1, __ATOMIC_ACQUIRE))
		cpu_pause();
	hc->cmd_done = 0;
	hc->cmd_trb = ring_push(&hc->cmd, param, 0, control);
	dma_wmb();
	mmio_write32(&hc->db[0], 0);
	err = xhci_wait(hc, &hc->cmd_done, XHCI_CMD_NS);
	cc = hc->cmd_cc, slot = hc->cmd_slot;
	__atomic_store_n(&hc->cmd_busy, 0, __ATOMIC_RELEASE);
	if (err == -ETIMEDOUT) {
		/* A controller that takes no command is of no further use. */
		kprintf("xhci %02x:%02x.%x: command %u not answered in 5 s; controller left\n", hc->pci->bus,
			hc->pci->dev, hc->pci->fn, (unsigned)TRB_GET_TYPE(control));
		hc->dead = 1;
		if (hc->irq)
			pci_irq_disable(hc->pci);
		pci_stop_dma(hc->pci);
		return err;
	}
	if (err)
		return err;
	if (slot_out)
		*slot_out = slot;
	return cc == CC_SUCCESS ? 0 : -EIO;
}

static uint32_t *ctx(struct xhci *hc, uint8_t *base, unsigned idx)
{
	return (uint32_t *)(base + idx * hc->csz);
}

/* The input context: control context, then slot, then DCI 1.. */
static uint32_t *in_ctx(struct xhci *hc, struct xhci_slot *s, unsigned idx)
{
	return ctx(hc, s->in, idx + 1);
}

static void in_ctx_clear(struct xhci *hc, struct xhci_slot *s)
{
	memset(s->in, 0, 33 * hc->csz);
}

/* After a halt or a stopped transfer: the ring starts again at the next
 * free TRB (Reset Endpoint when halted, Stop Endpoint otherwise). */
static int xhci_ep_restart(struct xhci *hc, struct usb_device *d, unsigned dci)
{
	struct xhci_slot *s = d->hc;
	struct xhci_ep *ep = &s->ep[dci];
	uint32_t state = EP_STATE(ctx(hc, s->out, dci)[0]);
	int err;

	if (state == EP_STATE_HALTED)
		err = xhci_cmd(hc, 0, TRB_TYPE(TRB_RESET_EP) | TRB_EP(dci) | TRB_SLOT(d->slot), NULL);
	else
		err = xhci_cmd(hc, 0, TRB_TYPE(TRB_STOP_EP) | TRB_EP(dci) | TRB_SLOT(d->slot), NULL);
	if (err && err != -EIO)
		return err;
	ep->halted = 0;
	return xhci_cmd(hc, ring_deq_ptr(&ep->ring), TRB_TYPE(TRB_SET_DEQ) | TRB_EP(dci) | TRB_SLOT(d->slot), NULL);
}

static int xhci_ep_reset(struct usb_device *d, uint8_t epaddr)
{
	unsigned dci = (epaddr & 0xF) * 2 + ((epaddr & USB_DIR_IN) ? 1 : 0);

	return xhci_ep_restart(d->bus->priv, d, dci);
}

/* --- transfers ------------------------------------------------------------ */

static void xhci_transfer_event(struct xhci *hc, const struct xhci_trb *e)
{
	unsigned slot = TRB_GET_SLOT(e->control), dci = TRB_GET_EP(e->control);
	unsigned cc = TRB_CC(e->status);
	struct xhci_slot *s = slot <= XHCI_MAX_SLOTS ? hc->slots[slot] : NULL;
	struct xhci_ep *ep;

	if (!s || !s->dev || dci < 1 || dci > 31)
		return;
	ep = &s->ep[dci];
	if (ep->fn) {
		usb_intr_fn fn = ep->fn;
		int ok = cc == CC_SUCCESS || cc == CC_SHORT;

		if (!ok) {
			ep->fn = NULL;
			ep->halted = cc == CC_STALL || cc == CC_TRANSACTION || cc == CC_BABBLE;
		}
		fn(s->dev, ep->buf, ok ? ep->len - MIN(TRB_LEN(e->status), ep->len) : 0,
		   ok ? 0 : cc == CC_STALL ? -EPROTO : -EIO);
		if (ok && ep->fn) {
			ring_push(&ep->ring, phys(ep->buf), ep->len, TRB_TYPE(TRB_NORMAL) | TRB_IOC | TRB_ISP);
			mmio_write32(&hc->db[slot], dci);
		}
		return;
	}
	if (cc == CC_SHORT) {
		ep->residual = TRB_LEN(e->status);
		/* A control transfer goes on to its status stage. */
		if (ep->ctrl && e->param != ep->wait_trb)
			return;
	} else if (cc == CC_SUCCESS && e->param != ep->wait_trb) {
		return;
	}
	ep->cc = (uint8_t)cc;
	ep->done = 1;
}

/* Wait for the transfer on ep; on an error or a timeout the endpoint is
 * brought back to a clean ring. */
static int xhci_xfer_wait(struct xhci *hc, struct usb_device *d, unsigned dci, uint64_t timeout_ns)
{
	struct xhci_ep *ep = &((struct xhci_slot *)d->hc)->ep[dci];
	uint64_t end = timer_ns() + timeout_ns;
	int err;

	/* A device pulled out with its root port's connection (that hub and
	 * all behind it) ends the wait at once, not after the timeout. */
	while ((err = xhci_wait(hc, &ep->done, MIN(timeout_ns, XHCI_UNPLUG_NS))) == -ETIMEDOUT && timer_ns() < end)
		if (!(op_read(hc, XHCI_PORTSC(d->root_port)) & XHCI_PORT_CCS))
			return -ENODEV;

	if (!err && (ep->cc == CC_SUCCESS || ep->cc == CC_SHORT))
		return 0;
	if (err == -ESHUTDOWN)
		return err;
	if (!err)
		err = ep->cc == CC_STALL ? -EPROTO : -EIO;
	if (xhci_ep_restart(hc, d, dci) == -ETIMEDOUT)
		return -ETIMEDOUT;
	return err;
}

static int xhci_control(struct usb_device *d, const struct usb_setup *su, void *data, unsigned *actual)
{
	struct xhci *hc = d->bus->priv;
	struct xhci_slot *s = d->hc;
	struct xhci_ep *ep = &s->ep[1];
	bool in = su->type & USB_DIR_IN;
	unsigned len = su->length;
	uint64_t setup;
	int err;

	if (len > XHCI_BOUNCE || hc->dead)
		return hc->dead ? -ESHUTDOWN : -EINVAL;
	memcpy(&setup, su, 8);
	if (len && !in)
		memcpy(s->bounce, data, len);
	ep->done = 0, ep->residual = 0, ep->ctrl = 1;
	ring_push(&ep->ring, setup, 8, TRB_TYPE(TRB_SETUP) | TRB_IDT |
		  (len ? (in ? TRB_TRT_IN : TRB_TRT_OUT) : 0));
	if (len)
		ring_push(&ep->ring, phys(s->bounce), len, TRB_TYPE(TRB_DATA) | TRB_ISP | (in ? TRB_DIR_IN : 0));
	ep->wait_trb = ring_push(&ep->ring, 0, 0, TRB_TYPE(TRB_STATUS) | TRB_IOC |
				 (len && in ? 0 : TRB_DIR_IN));
	dma_wmb();
	mmio_write32(&hc->db[d->slot], 1);
	err = xhci_xfer_wait(hc, d, 1, XHCI_CTRL_NS);
	if (err)
		return err;
	len -= MIN(ep->residual, len);
	if (in && len)
		memcpy(data, s->bounce, len);
	if (actual)
		*actual = len;
	return 0;
}

static unsigned ep_dci(uint8_t addr)
{
	return (addr & 0xF) * 2 + ((addr & USB_DIR_IN) ? 1 : 0);
}

/* Bulk: the buffer in TRBs that do not cross 64 KiB (xHCI 6.4.1.1). */
static int xhci_bulk(struct usb_device *d, uint8_t epaddr, void *buf, unsigned len, unsigned *actual,
		     uint64_t timeout_ns)
{
	struct xhci *hc = d->bus->priv;
	unsigned dci = ep_dci(epaddr);
	struct xhci_ep *ep = &((struct xhci_slot *)d->hc)->ep[dci];
	uint64_t p = phys(buf), end = p + len;
	int err;

	if (!ep->ring.trb || hc->dead || len > 16 * MiB)
		return hc->dead ? -ESHUTDOWN : -EINVAL;
	ep->done = 0, ep->residual = 0, ep->ctrl = 0;
	do {
		uint64_t chunk = MIN(end - p, 0x10000 - (p & 0xFFFF));
		bool last = p + chunk >= end;

		ep->wait_trb = ring_push(&ep->ring, p, (uint32_t)chunk,
					 TRB_TYPE(TRB_NORMAL) | TRB_ISP | (last ? TRB_IOC : TRB_CH));
		p += chunk;
	} while (p < end);
	dma_wmb();
	mmio_write32(&hc->db[d->slot], dci);
	err = xhci_xfer_wait(hc, d, dci, timeout_ns);
	if (!err && actual)
		*actual = len - MIN(ep->residual, len);
	return err;
}

static int xhci_intr_start(struct usb_device *d, uint8_t epaddr, unsigned len, usb_intr_fn fn)
{
	struct xhci *hc = d->bus->priv;
	unsigned dci = ep_dci(epaddr);
	struct xhci_ep *ep = &((struct xhci_slot *)d->hc)->ep[dci];
	uint64_t f;

	if (!ep->ring.trb || len > PAGE_SIZE || hc->dead)
		return -EINVAL;
	if (!ep->buf && !(ep->buf = pmm_alloc_named(1, dma_owner)))
		return -ENOMEM;
	f = cpu_irq_save();
	ep->len = len;
	ep->fn = fn;
	ring_push(&ep->ring, phys(ep->buf), len, TRB_TYPE(TRB_NORMAL) | TRB_IOC | TRB_ISP);
	dma_wmb();
	mmio_write32(&hc->db[d->slot], dci);
	cpu_irq_restore(f);
	return 0;
}

/* --- slots ---------------------------------------------------------------- */

/* A slot's memory is kept for the next device that gets the same ID:
 * plugging and unplugging uses no more pages. */
static struct xhci_slot *xhci_slot_mem(struct xhci *hc, unsigned id)
{
	struct xhci_slot *s = hc->slots[id];

	if (!s) {
		s = pmm_alloc_named(1, dma_owner);
		if (!s)
			return NULL;
		s->out = pmm_alloc_named(1, dma_owner);
		s->in = pmm_alloc_named(1, dma_owner);
		s->bounce = pmm_alloc_named(1, dma_owner);
		if (!s->out || !s->in || !s->bounce)
			return NULL;
		hc->slots[id] = s;
	}
	memset(s->out, 0, PAGE_SIZE);
	for (unsigned i = 0; i < 32; i++) {
		s->ep[i].fn = NULL;
		s->ep[i].halted = 0;
	}
	return s;
}

static unsigned xhci_mps0(unsigned speed)
{
	return speed == USB_SPEED_SUPER ? 512 : speed == USB_SPEED_LOW ? 8 : 64;
}

static void xhci_slot_ctx(struct xhci *hc, struct xhci_slot *s, struct usb_device *d, unsigned entries)
{
	uint32_t *sc = in_ctx(hc, s, 0);

	sc[0] = SLOT_ROUTE(d->route) | SLOT_SPEED(d->speed) | SLOT_ENTRIES(entries) |
		(d->mtt ? SLOT_MTT : 0) | (d->hub_nports ? SLOT_HUB : 0);
	sc[1] = SLOT_ROOT_PORT(d->root_port) | SLOT_NPORTS(d->hub_nports);
	sc[2] = SLOT_TT_SLOT(d->tt_slot) | SLOT_TT_PORT(d->tt_port) | SLOT_TTT(d->hub_ttt);
	sc[3] = 0;
}

static int xhci_dev_add(struct usb_device *d, char *why, size_t whysz)
{
	struct xhci *hc = d->bus->priv;
	struct xhci_slot *s;
	uint8_t id = 0;
	uint32_t *ep0;
	int err;

	err = xhci_cmd(hc, 0, TRB_TYPE(TRB_ENABLE_SLOT), &id);
	if (err || !id || id > XHCI_MAX_SLOTS) {
		ksnprintf(why, whysz, "Enable Slot failed (%s)", err ? "no free slot" : "bad slot ID");
		return err ? err : -EIO;
	}
	s = xhci_slot_mem(hc, id);
	if (!s || ring_init(&s->ep[1].ring)) {
		ksnprintf(why, whysz, "out of memory");
		return -ENOMEM;
	}
	d->slot = id;
	d->hc = s;
	s->dev = d;
	hc->dcbaa[id] = phys(s->out);
	in_ctx_clear(hc, s);
	ctx(hc, s->in, 0)[1] = 3;   /* add the slot and EP0 */
	xhci_slot_ctx(hc, s, d, 1);
	ep0 = in_ctx(hc, s, 1);
	ep0[1] = EP_CERR(3) | EP_TYPE(EP_T_CONTROL) | EP_MPS(xhci_mps0(d->speed));
	ep0[2] = (uint32_t)ring_deq_ptr(&s->ep[1].ring);
	ep0[3] = (uint32_t)(ring_deq_ptr(&s->ep[1].ring) >> 32);
	ep0[4] = 8;
	dma_wmb();
	err = xhci_cmd(hc, phys(s->in), TRB_TYPE(TRB_ADDRESS_DEV) | TRB_SLOT(id), NULL);
	if (err)
		ksnprintf(why, whysz, "Address Device failed (completion code %u)", hc->cmd_cc);
	return err;
}

static int xhci_set_mps0(struct usb_device *d, unsigned mps)
{
	struct xhci *hc = d->bus->priv;
	struct xhci_slot *s = d->hc;

	in_ctx_clear(hc, s);
	ctx(hc, s->in, 0)[1] = 2;   /* EP0 */
	memcpy(in_ctx(hc, s, 1), ctx(hc, s->out, 1), 20);
	in_ctx(hc, s, 1)[1] = (in_ctx(hc, s, 1)[1] & 0xFFFF) | EP_MPS(mps);
	dma_wmb();
	return xhci_cmd(hc, phys(s->in), TRB_TYPE(TRB_EVAL_CTX) | TRB_SLOT(d->slot), NULL);
}

static void xhci_dev_remove(struct usb_device *d)
{
	struct xhci *hc = d->bus->priv;
	struct xhci_slot *s = d->hc;
	uint64_t f;

	if (!s)
		return;
	f = cpu_irq_save();
	for (unsigned i = 0; i < 32; i++)
		s->ep[i].fn = NULL;
	s->dev = NULL;
	cpu_irq_restore(f);
	xhci_cmd(hc, 0, TRB_TYPE(TRB_DISABLE_SLOT) | TRB_SLOT(d->slot), NULL);
	hc->dcbaa[d->slot] = 0;
	d->hc = NULL;
}

/* Interval as 2^n 125-us units (xHCI 6.2.3.6). Interrupt-in endpoints are
 * polled every millisecond whatever they ask (full/low speed allow any
 * shorter period, USB 2.0 5.7.4; at high speed a device just NAKs more):
 * a key reaches the console within a frame, not after bInterval. */
static unsigned xhci_interval(const struct usb_device *d, const struct usb_ep *e)
{
	unsigned type = e->attr & 3, v = e->interval, n;

	if (type == USB_EP_BULK || type == USB_EP_CONTROL)
		return 0;
	if (type == USB_EP_INTERRUPT && (e->addr & USB_DIR_IN))
		return 3;
	if ((d->speed == USB_SPEED_FULL || d->speed == USB_SPEED_LOW) && type == USB_EP_INTERRUPT) {
		v = v ? v * 8 : 8;
		for (n = 0; (2u << n) <= v; n++)
			;
		return MAX(3u, MIN(n, 10u));
	}
	n = v ? v - 1 : 0;
	if (d->speed == USB_SPEED_FULL)
		n += 3;
	return MIN(n, 15u);
}

static int xhci_ep_ctx(struct xhci *hc, struct usb_device *d, const struct usb_ep *e, unsigned *maxdci)
{
	struct xhci_slot *s = d->hc;
	unsigned dci = ep_dci(e->addr), type = e->attr & 3, mps = e->mps & 0x7FF;
	unsigned burst = d->speed == USB_SPEED_HIGH && type != USB_EP_BULK ? (e->mps >> 11) & 3 : 0;
	static const uint8_t types_in[4] = { EP_T_CONTROL, 5, EP_T_BULK_IN, EP_T_INT_IN };
	static const uint8_t types_out[4] = { EP_T_CONTROL, 1, EP_T_BULK_OUT, EP_T_INT_OUT };
	uint32_t *c;

	if (dci < 2 || type == USB_EP_CONTROL)
		return dci < 2 ? -EINVAL : 0;
	if (ring_init(&s->ep[dci].ring))
		return -ENOMEM;
	s->ep[dci].fn = NULL;
	c = in_ctx(hc, s, dci);
	c[0] = EP_INTERVAL(xhci_interval(d, e));
	c[1] = EP_CERR(type == USB_EP_ISOCH ? 0 : 3) |
	       EP_TYPE((e->addr & USB_DIR_IN) ? types_in[type] : types_out[type]) | EP_BURST(burst) | EP_MPS(mps);
	c[2] = (uint32_t)ring_deq_ptr(&s->ep[dci].ring);
	c[3] = (uint32_t)(ring_deq_ptr(&s->ep[dci].ring) >> 32);
	c[4] = (type == USB_EP_BULK ? 3072u : mps) | (type == USB_EP_BULK ? 0 : (mps * (burst + 1)) << 16);
	ctx(hc, s->in, 0)[1] |= 1u << dci;
	*maxdci = MAX(*maxdci, dci);
	return 0;
}

/* Configure Endpoint for the interface's endpoints (and the slot's hub
 * fields, which only this command may change). */
static int xhci_configure(struct usb_device *d, const struct usb_iface *i)
{
	struct xhci *hc = d->bus->priv;
	struct xhci_slot *s = d->hc;
	unsigned maxdci = (ctx(hc, s->out, 0)[0] >> 27) & 0x1F;
	int err;

	in_ctx_clear(hc, s);
	ctx(hc, s->in, 0)[1] = 1;   /* the slot */
	for (unsigned k = 0; i && k < i->neps; k++)
		if ((err = xhci_ep_ctx(hc, d, &i->ep[k], &maxdci)))
			return err;
	xhci_slot_ctx(hc, s, d, MAX(maxdci, 1u));
	dma_wmb();
	return xhci_cmd(hc, phys(s->in), TRB_TYPE(TRB_CONFIG_EP) | TRB_SLOT(d->slot), NULL);
}

static int xhci_ep_add(struct usb_device *d, const struct usb_iface *i)
{
	return xhci_configure(d, i);
}

static int xhci_set_hub(struct usb_device *d)
{
	return xhci_configure(d, NULL);
}

/* --- root ports ----------------------------------------------------------- */

/* Reset a USB 2 port (a USB 3 port enables itself after link training):
 * 0 and the port enabled, or a negative code. */
static int xhci_port_reset(struct xhci *hc, unsigned port)
{
	volatile uint8_t *reg = hc->op + XHCI_PORTSC(port);
	uint32_t sc = mmio_read32(reg);
	int err;

	if (hc->port_major[port] != 3) {
		mmio_write32(reg, (sc & XHCI_PORT_KEEP) | XHCI_PORT_PR);
		err = mmio_wait32(reg, XHCI_PORT_PRC, XHCI_PORT_PRC, XHCI_PORT_RESET_NS);
		sc = mmio_read32(reg);
		mmio_write32(reg, (sc & XHCI_PORT_KEEP) | XHCI_PORT_PRC);
		if (err)
			return err;
	} else if (mmio_wait32(reg, XHCI_PORT_PED, XHCI_PORT_PED, XHCI_PORT_RESET_NS)) {
		return -ETIMEDOUT;
	}
	return (mmio_read32(reg) & XHCI_PORT_PED) ? 0 : -EIO;
}

static void xhci_port_check(struct xhci *hc, unsigned port)
{
	volatile uint8_t *reg = hc->op + XHCI_PORTSC(port);
	uint32_t sc = mmio_read32(reg);
	uint64_t bit = 1ull << (port - 1);
	unsigned speed;

	mmio_write32(reg, (sc & XHCI_PORT_KEEP) | (sc & XHCI_PORT_CHANGES));
	if ((hc->port_attached & bit) && (!(sc & XHCI_PORT_CCS) || (sc & XHCI_PORT_CSC))) {
		usb_detach(&hc->bus, NULL, port);
		hc->port_attached &= ~bit;
	}
	if (!(sc & XHCI_PORT_CCS) || (hc->port_attached & bit))
		return;
	if (xhci_port_reset(hc, port)) {
		kprintf("usb %u-%u: port reset failed\n", hc->bus.index, hc->port_num[port]);
		return;
	}
	speed = XHCI_PORT_SPEED(mmio_read32(reg));
	if (usb_attach(&hc->bus, NULL, port, port, hc->port_num[port], speed))
		hc->port_attached |= bit;
}

/* Ports whose change is older than the debounce interval; younger ones
 * stay pending for a later call. */
static void xhci_bus_work(struct usb_bus *b)
{
	struct xhci *hc = b->priv;
	uint64_t now = timer_ns();

	for (unsigned p = 1; p <= hc->nports && !hc->dead; p++) {
		uint64_t bit = 1ull << (p - 1);
		uint64_t f;

		if (!(hc->port_pending & bit))
			continue;
		if (now - hc->port_seen[p] < XHCI_DEBOUNCE_NS) {
			b->work = 1;
			continue;
		}
		f = cpu_irq_save();
		hc->port_pending &= ~bit;
		cpu_irq_restore(f);
		xhci_port_check(hc, p);
	}
}

static const struct usb_hc_ops xhci_ops = {
	.dev_add = xhci_dev_add, .dev_remove = xhci_dev_remove, .set_mps0 = xhci_set_mps0,
	.control = xhci_control, .ep_add = xhci_ep_add, .set_hub = xhci_set_hub, .bulk = xhci_bulk,
	.intr_start = xhci_intr_start, .ep_reset = xhci_ep_reset, .poll = xhci_bus_poll, .work = xhci_bus_work,
};

/* --- start-up ------------------------------------------------------------- */

/* USB Legacy Support (xHCI 7.1): ask the firmware for the controller; one
 * that does not let go within a second loses it anyway. */
static void xhci_handoff(struct xhci *hc, volatile uint8_t *leg)
{
	if (mmio_read32(leg) & XHCI_LEG_BIOS_OWNED) {
		mmio_write8(leg + 3, 1);
		if (mmio_wait32(leg, XHCI_LEG_BIOS_OWNED, 0, XHCI_HANDOFF_NS)) {
			kprintf("xhci %02x:%02x.%x: firmware kept the controller 1 s; taken over\n", hc->pci->bus,
				hc->pci->dev, hc->pci->fn);
			mmio_write8(leg + 2, 0);
		}
	}
	mmio_write32(leg + XHCI_LEGCTL,
		     (mmio_read32(leg + XHCI_LEGCTL) & ~XHCI_LEGCTL_SMI_EN) | XHCI_LEGCTL_SMI_EV);
}

/* Walk the extended capabilities: the handoff, and which ports speak USB 2
 * and which USB 3 (Supported Protocol, 7.2), numbered within each. */
static void xhci_ext_caps(struct xhci *hc)
{
	uint32_t off = XHCI_HCC_XECP(mmio_read32(hc->cap + XHCI_HCCPARAMS1)) * 4;

	for (unsigned n = 0; off && n < 64; n++) {
		volatile uint8_t *c = hc->cap + off;
		uint32_t v = mmio_read32(c);

		if (XHCI_XCAP_ID(v) == XHCI_XCAP_LEGACY) {
			xhci_handoff(hc, c);
		} else if (XHCI_XCAP_ID(v) == XHCI_XCAP_PROTOCOL) {
			uint32_t p = mmio_read32(c + 8);
			unsigned first = XHCI_PROTO_OFFSET(p), count = XHCI_PROTO_COUNT(p);

			for (unsigned i = 0; i < count && first + i <= MIN(hc->nports, XHCI_MAX_PORTS); i++) {
				hc->port_major[first + i] = (uint8_t)XHCI_PROTO_MAJOR(v);
				hc->port_num[first + i] = (uint8_t)(i + 1);
			}
		}
		if (!XHCI_XCAP_NEXT(v))
			break;
		off += XHCI_XCAP_NEXT(v) * 4;
	}
}

static int xhci_reset(struct xhci *hc)
{
	int err;

	if (mmio_wait32(hc->op + XHCI_USBSTS, XHCI_STS_CNR, 0, XHCI_RESET_NS))
		return -ETIMEDOUT;
	op_write(hc, XHCI_USBCMD, op_read(hc, XHCI_USBCMD) & ~(XHCI_CMD_RS | XHCI_CMD_INTE));
	if (mmio_wait32(hc->op + XHCI_USBSTS, XHCI_STS_HCH, XHCI_STS_HCH, XHCI_HALT_NS))
		return -ETIMEDOUT;
	op_write(hc, XHCI_USBCMD, XHCI_CMD_HCRST);
	/* Some controllers hang if touched within 1 ms of HCRST. */
	timer_delay_ns(1000000);
	err = mmio_wait32(hc->op + XHCI_USBCMD, XHCI_CMD_HCRST, 0, XHCI_RESET_NS);
	if (!err)
		err = mmio_wait32(hc->op + XHCI_USBSTS, XHCI_STS_CNR, 0, XHCI_RESET_NS);
	return err;
}

/* Scratchpad buffers the controller asks for (xHCI 4.20): their array is
 * DCBAA entry 0. */
static int xhci_scratchpad(struct xhci *hc)
{
	unsigned n = XHCI_HCS2_SPB(mmio_read32(hc->cap + XHCI_HCSPARAMS2));
	uint64_t *arr;

	if (!n)
		return 0;
	arr = pmm_alloc_named((n * 8 + PAGE_SIZE - 1) / PAGE_SIZE, dma_owner);
	if (!arr)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		void *p = pmm_alloc_named(1, dma_owner);

		if (!p)
			return -ENOMEM;
		arr[i] = phys(p);
	}
	hc->dcbaa[0] = phys(arr);
	return 0;
}

static int xhci_rings(struct xhci *hc)
{
	volatile uint8_t *ir = hc->rt + XHCI_IR0;
	uint64_t *erst;

	hc->dcbaa = pmm_alloc_named(1, dma_owner);
	hc->evt = pmm_alloc_named(1, dma_owner);
	erst = pmm_alloc_named(1, dma_owner);
	if (!hc->dcbaa || !hc->evt || !erst || ring_init(&hc->cmd) || xhci_scratchpad(hc))
		return -ENOMEM;
	hc->evt_deq = 0;
	hc->evt_cycle = 1;
	erst[0] = phys(hc->evt);
	erst[1] = RING_TRBS;
	op_write(hc, XHCI_CONFIG, hc->nslots);
	reg_write64(hc->op + XHCI_DCBAAP, phys(hc->dcbaa));
	reg_write64(hc->op + XHCI_CRCR, phys(hc->cmd.trb) | XHCI_CRCR_RCS);
	mmio_write32(ir + XHCI_ERSTSZ, 1);
	reg_write64(ir + XHCI_ERDP, phys(hc->evt));
	reg_write64(ir + XHCI_ERSTBA, phys(erst));
	mmio_write32(ir + XHCI_IMOD, 0);
	return 0;
}

/* Power every port the controller lets us switch, and note those with a
 * device already: the controller reports no change for them. */
static void xhci_ports_up(struct xhci *hc)
{
	bool powered = false;

	for (unsigned p = 1; p <= hc->nports; p++) {
		uint32_t sc = op_read(hc, XHCI_PORTSC(p));

		if (!(sc & XHCI_PORT_PP)) {
			op_write(hc, XHCI_PORTSC(p), (sc & XHCI_PORT_KEEP) | XHCI_PORT_PP);
			powered = true;
		}
	}
	if (powered)
		timer_delay_ns(20000000);
	for (unsigned p = 1; p <= hc->nports; p++)
		if (op_read(hc, XHCI_PORTSC(p)) & (XHCI_PORT_CCS | XHCI_PORT_CHANGES))
			xhci_port_event(hc, p);
}

static int xhci_start(struct xhci *hc, char *why, size_t whysz)
{
	uint32_t p1 = mmio_read32(hc->cap + XHCI_HCSPARAMS1), cc1 = mmio_read32(hc->cap + XHCI_HCCPARAMS1);
	int err;

	hc->nslots = MIN(XHCI_HCS1_SLOTS(p1), XHCI_MAX_SLOTS);
	hc->nports = MIN(XHCI_HCS1_PORTS(p1), XHCI_MAX_PORTS);
	hc->csz = (cc1 & XHCI_HCC_CSZ) ? 64 : 32;
	if (!(mmio_read32(hc->op + XHCI_PAGESIZE) & 1))
		return ksnprintf(why, whysz, "no 4 KiB page size"), -ENODEV;
	xhci_ext_caps(hc);
	if ((err = xhci_reset(hc)))
		return ksnprintf(why, whysz, "reset did not complete in 1 s"), err;
	if ((err = xhci_rings(hc)))
		return ksnprintf(why, whysz, "out of memory"), err;
	/* Without an interrupt the heartbeat and the waits poll the events. */
	hc->irq = !pci_irq_enable(hc->pci, xhci_irq, hc, why, whysz);
	if (hc->irq)
		mmio_write32(hc->rt + XHCI_IR0 + XHCI_IMAN, XHCI_IMAN_IE | XHCI_IMAN_IP);
	op_write(hc, XHCI_USBCMD, XHCI_CMD_RS | (hc->irq ? XHCI_CMD_INTE : 0));
	if (mmio_wait32(hc->op + XHCI_USBSTS, XHCI_STS_HCH, 0, XHCI_HALT_NS))
		return ksnprintf(why, whysz, "did not start"), -ETIMEDOUT;
	xhci_ports_up(hc);
	return 0;
}

static void xhci_describe(struct xhci *hc)
{
	unsigned n2 = 0, n3 = 0;
	/* Dword reads only: some controllers (QEMU's) answer no narrower one. */
	uint16_t ver = (uint16_t)(mmio_read32(hc->cap + XHCI_CAPLENGTH) >> 16);

	for (unsigned p = 1; p <= hc->nports; p++)
		n2 += hc->port_major[p] == 2, n3 += hc->port_major[p] == 3;
	ksnprintf(hc->bus.desc, sizeof(hc->bus.desc), "xHCI %x.%x at %02x:%02x.%x, %u USB 2 + %u USB 3 ports, %u slots, %s",
		  ver >> 8, (ver >> 4) & 0xF, hc->pci->bus, hc->pci->dev, hc->pci->fn, n2, n3, hc->nslots,
		  hc->irq ? pci_irq_kind_name(hc->pci->irq_kind) : "polled");
}

static int xhci_probe(struct pci_dev *d, const struct pci_id *id)
{
	volatile uint8_t *regs = (volatile uint8_t *)pci_bar_mmio(d, 0);
	struct xhci *hc;
	char why[64];
	int err;

	(void)id;
	if (!regs)
		return -ENODEV;
	if (xhci_count == XHCI_MAX_CTRL)
		return -ENOSPC;
	hc = &xhci_ctrl[xhci_count];
	memset(hc, 0, sizeof(*hc));
	hc->pci = d;
	hc->cap = regs;
	hc->op = regs + (mmio_read32(regs + XHCI_CAPLENGTH) & 0xFF);
	hc->rt = regs + (mmio_read32(regs + XHCI_RTSOFF) & ~0x1Fu);
	hc->db = (volatile uint32_t *)(regs + (mmio_read32(regs + XHCI_DBOFF) & ~0x3u));
	pci_enable(d, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	err = xhci_start(hc, why, sizeof(why));
	if (err) {
		kprintf("xhci %02x:%02x.%x: %s; controller left\n", d->bus, d->dev, d->fn, why);
		if (hc->irq)
			pci_irq_disable(d);
		pci_stop_dma(d);
		return err;
	}
	hc->bus.ops = &xhci_ops;
	hc->bus.priv = hc;
	xhci_describe(hc);
	if ((err = usb_bus_register(&hc->bus)))
		return err;
	d->priv = hc;
	xhci_count++;
	return 0;
}

static const struct pci_id xhci_ids[] = {
	PCI_CLASS_ROM(0x0C0330, 0xFFFFFF, NULL),  /* serial bus, USB, xHCI */
	{ 0 },
};

PCI_DRIVER(xhci) = { .name = "xhci", .ids = xhci_ids, .probe = xhci_probe };
