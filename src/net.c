/* net.c: the list of network devices (include/netdev.h), named net0, net1,
 * ... in the order drivers register them, which is PCI scan order, and the
 * split of received frames between the kernel and a running program. The
 * list is written only during the PCI scan, on the boot core, and read
 * from every core afterwards: it needs no lock. Each device's transmit and
 * poll lock for themselves (netdev.h says how); net_send and net_recv
 * check a program's buffer before the driver sees it. */
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "lock.h"
#include "mm.h"
#include "netdev.h"
#include "string.h"
#include "timer.h"
#include "x86.h"

/* Its pages in the registry of kernel memory (memown.h): poke names them. */
static const char dma_owner[] = "network receive queues";

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

static struct netdev *devices[NET_MAX_DEVICES];
static unsigned device_count;
static struct net_rxq rxqs[NET_MAX_DEVICES];
static int (*kernel_take)(struct netdev *n, const uint8_t *frame, size_t len);
static volatile int program_mode;
static uint8_t irq_frame[ETH_FRAME_MAX]; /* interrupts arrive on the boot core only */

static void net_tick(void);

int net_register(struct netdev *n)
{
	if (device_count >= NET_MAX_DEVICES)
		return -ENOSPC;
	ksnprintf(n->name, sizeof(n->name), "net%u", device_count);
	if (!n->mtu)
		n->mtu = 1500;
	if (!device_count)
		timer_add_tick(net_tick);
	n->rxq = &rxqs[device_count];
	n->rxq->slot = pmm_alloc_named(RXQ_FRAMES * RXQ_SLOT / PAGE_SIZE + 1, dma_owner);
	devices[device_count++] = n;
	return 0;
}

void net_set_kernel_rx(int (*take)(struct netdev *n, const uint8_t *frame, size_t len))
{
	kernel_take = take;
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
static int rxq_pop(struct netdev *n, void *buf, size_t cap)
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

/* With the queue full, frames stay in the NIC's ring for net_recv (and
 * the device counts what its full ring drops): the queue only adds room. */
static void net_service(struct netdev *n)
{
	if (!program_mode || !n->rxq->slot)
		return; /* the idle loop, woken by this interrupt, polls */
	for (int k = 0; k < IRQ_BURST && n->rxq->count < RXQ_FRAMES; k++) {
		int len = n->poll(n, irq_frame, sizeof(irq_frame));

		if (len <= 0)
			break;
		if (kernel_take && kernel_take(n, irq_frame, (size_t)len)) {
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
	for (unsigned i = 0; i < device_count; i++) {
		if (!devices[i]->irq_mode)
			net_service(devices[i]);
	}
}

void net_program_mode(int on)
{
	for (unsigned i = 0; i < device_count; i++) {
		struct net_rxq *q = devices[i]->rxq;

		spin_lock(&q->lock);
		q->head = q->count = 0;
		spin_unlock(&q->lock);
	}
	program_mode = on;
}

unsigned net_count(void) { return device_count; }

struct netdev *net_get(unsigned i)
{
	return i < device_count ? devices[i] : NULL;
}

struct netdev *net_find(const char *name)
{
	for (unsigned i = 0; i < device_count; i++)
		if (!strcmp(devices[i]->name, name))
			return devices[i];
	return NULL;
}

/* The buffer is checked before the driver takes its lock: a bad one is
 * -EFAULT. Only the bytes the driver may touch: the frame, or the room for
 * the longest frame it can hand back. */
/* Interrupts stay off around the driver: net_irq on this core would
 * otherwise reenter it and reuse this core's frame buffers. */
int net_send(struct netdev *n, const void *frame, size_t len)
{
	int err = vm_buf_check(frame, len, 0);
	uint64_t f;

	if (err)
		return err;
	f = cpu_irq_save();
	err = n->transmit(n, frame, len);
	cpu_irq_restore(f);
	vm_buf_done();
	return err;
}

/* The queue first, then the ring, taking the kernel's frames on the way. */
static int net_recv_checked(struct netdev *n, void *buf, size_t cap)
{
	uint64_t f = cpu_irq_save();
	int len;

	for (;;) {
		len = rxq_pop(n, buf, cap);
		if (len >= 0)
			break;
		len = n->poll(n, buf, cap);
		if (len <= 0 || !kernel_take || !kernel_take(n, buf, (size_t)len))
			break;
		n->stats.kernel_rx++;
	}
	cpu_irq_restore(f);
	return len;
}

int net_recv(struct netdev *n, void *buf, size_t cap)
{
	int err = vm_buf_check(buf, MIN(cap, ETH_FRAME_MAX), 1);

	if (err)
		return err;
	err = net_recv_checked(n, buf, cap);
	vm_buf_done();
	return err;
}
