/* net.c: the list of network devices (include/netdev.h), named net0, net1,
 * ... in the order drivers register them, which is PCI scan order. The
 * list is written only during the PCI scan, on the boot core, and read
 * from every core afterwards: it needs no lock. Each device's transmit and
 * poll lock for themselves (netdev.h says how). */
#include "console.h"
#include "errno.h"
#include "kernel.h"
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
