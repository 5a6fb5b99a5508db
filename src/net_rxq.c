/* net_rxq.c: while a program runs, frames taken off a NIC's ring by its
 * interrupt (or on the heartbeat for a NIC without one) wait here in order,
 * 128 per NIC, for the program's net_recv; those the kernel owns are
 * answered at once (include/netdev.h). Left out of the tiny profile, which
 * has no device interrupts and no IPv4 layer: its net_recv polls the ring. */
#include "console.h"
#include "kernel.h"
#include "lock.h"
#include "mm.h"
#include "netdev.h"
#include "string.h"
#include "timer.h"

#define RXQ_FRAMES 128       /* then frames wait in the NIC's own ring */
#define RXQ_SLOT 1520        /* ETH_FRAME_MAX, rounded */
#define IRQ_BURST 64         /* frames per interrupt, so one NIC cannot hold the core */
_Static_assert(RXQ_SLOT >= ETH_FRAME_MAX, "a queue slot holds any frame");

struct net_rxq {
	struct spinlock lock;
	unsigned head, count;
	uint16_t len[RXQ_FRAMES];
	uint8_t (*slot)[RXQ_SLOT];
};

static struct net_rxq rxqs[NET_MAX_DEVICES];
static volatile int program_mode;
static uint8_t irq_frame[ETH_FRAME_MAX]; /* interrupts arrive on the boot core only */
static void (*idle_poll)(void);

static void net_tick(void);

void net_rxq_attach(struct netdev *n, unsigned index)
{
	if (!index)
		timer_add_tick(net_tick);
	n->rxq = &rxqs[index];
	n->rxq->slot = pmm_alloc_named(RXQ_FRAMES * RXQ_SLOT / PAGE_SIZE + 1, "network receive queues");
}

/* Only net_irq pushes, and only when there was room: nothing else fills. */
static void rxq_push(struct netdev *n, const uint8_t *frame, size_t len)
{
	struct net_rxq *q = n->rxq;
	unsigned i;

	spin_lock(&q->lock);
	i = (q->head + q->count++) % RXQ_FRAMES;
	memcpy(q->slot[i], frame, len);
	q->len[i] = (uint16_t)len;
	spin_unlock(&q->lock);
}

/* A fault while copying the head frame out to a program drops that frame:
 * the lock is given back by trap recovery after this reset. */
static void rxq_reset(void *arg)
{
	struct net_rxq *q = arg;

	if (q->count) {
		q->head = (q->head + 1) % RXQ_FRAMES;
		q->count--;
	}
}

/* The head frame into buf: its length, -1 when the queue is empty. */
int net_rxq_pop(struct netdev *n, void *buf, size_t cap)
{
	struct net_rxq *q = n->rxq;
	int len = -1;

	if (!q->count)
		return -1; /* a racy peek: the common empty case takes no lock */
	spin_lock_reset(&q->lock, rxq_reset, q);
	if (q->count) {
		len = q->len[q->head];
		if ((size_t)len <= cap)
			memcpy(buf, q->slot[q->head], (size_t)len);
		else
			n->stats.rx_dropped++, len = 0;
		q->head = (q->head + 1) % RXQ_FRAMES;
		q->count--;
	}
	spin_unlock(&q->lock);
	return len;
}

void net_set_idle_rx(void (*poll)(void))
{
	idle_poll = poll;
}

/* With the queue full, frames stay in the NIC's ring for net_recv (and
 * the device counts what its full ring drops): the queue only adds room.
 * At the prompt the frames are answered here when the monitor sleeps in
 * console_getc: its own round of polls would come only after the hlt,
 * the return to the loop and the other input sources, a hop a ping's
 * round trip would pay; otherwise (a command runs) its loop polls. */
static void net_service(struct netdev *n)
{
	if (!program_mode) {
		if (idle_poll && console_idle_here())
			idle_poll();
		return;
	}
	if (!n->rxq->slot)
		return;
	for (int k = 0; k < IRQ_BURST && n->rxq->count < RXQ_FRAMES; k++) {
		int len = n->poll(n, irq_frame, sizeof(irq_frame));

		if (len <= 0)
			break;
		if (net_kernel_take(n, irq_frame, (size_t)len)) {
			n->stats.kernel_rx++;
			continue;
		}
		rxq_push(n, irq_frame, (size_t)len);
	}
}

void net_irq(struct netdev *n)
{
	n->stats.irqs++;
	net_service(n);
}

/* A NIC without an interrupt is looked at on the heartbeat while a
 * program runs, so the kernel still answers for itself, 100 times a second. */
static void net_tick(void)
{
	if (!program_mode)
		return;
	for (unsigned i = 0; i < net_count(); i++) {
		if (!net_get(i)->irq_mode)
			net_service(net_get(i));
	}
}

void net_program_mode(int on)
{
	for (unsigned i = 0; i < net_count(); i++) {
		struct net_rxq *q = net_get(i)->rxq;

		spin_lock(&q->lock);
		q->head = q->count = 0;
		spin_unlock(&q->lock);
	}
	program_mode = on;
}
