/* net.c: the list of network devices (include/netdev.h), named net0, net1,
 * ... in the order drivers register them, which is PCI scan order, and the
 * split of received frames between the kernel and a running program (its
 * interrupt-driven queue is net_rxq.c, which the tiny profile leaves out). The
 * list is written only during the PCI scan, on the boot core, and read
 * from every core afterwards: it needs no lock. Each device's transmit and
 * poll lock for themselves (netdev.h says how); net_send and net_recv
 * check a program's buffer before the driver sees it. */
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "netdev.h"
#include "string.h"
#include "x86.h"

OPTIONAL(net_rxq_attach);
OPTIONAL(net_rxq_pop);

static struct netdev *devices[NET_MAX_DEVICES];
static unsigned device_count;
static int (*kernel_take)(struct netdev *n, const uint8_t *frame, size_t len);

int net_register(struct netdev *n)
{
	if (device_count >= NET_MAX_DEVICES)
		return -ENOSPC;
	ksnprintf(n->name, sizeof(n->name), "net%u", device_count);
	if (!n->mtu)
		n->mtu = 1500;
	if (net_rxq_attach)
		net_rxq_attach(n, device_count);
	devices[device_count++] = n;
	return 0;
}

void net_set_kernel_rx(int (*take)(struct netdev *n, const uint8_t *frame, size_t len))
{
	kernel_take = take;
}

int net_kernel_take(struct netdev *n, const uint8_t *frame, size_t len)
{
	return kernel_take && kernel_take(n, frame, len);
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
		len = net_rxq_pop ? net_rxq_pop(n, buf, cap) : -1;
		if (len >= 0)
			break;
		len = n->poll(n, buf, cap);
		if (len <= 0 || !net_kernel_take(n, buf, (size_t)len))
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
