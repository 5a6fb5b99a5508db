/* net.c: the list of network devices (include/netdev.h), named net0, net1,
 * ... in the order drivers register them, which is PCI scan order. The
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

static struct netdev *devices[NET_MAX_DEVICES];
static unsigned device_count;

int net_register(struct netdev *n)
{
	if (device_count >= NET_MAX_DEVICES)
		return -ENOSPC;
	ksnprintf(n->name, sizeof(n->name), "net%u", device_count);
	if (!n->mtu)
		n->mtu = 1500;
	devices[device_count++] = n;
	return 0;
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
int net_send(struct netdev *n, const void *frame, size_t len)
{
	int err = vm_buf_check(frame, len, 0);

	if (err)
		return err;
	err = n->transmit(n, frame, len);
	vm_buf_done();
	return err;
}

int net_recv(struct netdev *n, void *buf, size_t cap)
{
	int err = vm_buf_check(buf, MIN(cap, ETH_FRAME_MAX), 1);

	if (err)
		return err;
	err = n->poll(n, buf, cap);
	vm_buf_done();
	return err;
}
