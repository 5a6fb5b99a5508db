/* netdev.h: the network layer's device interface: every NIC, whatever its
 * driver, behind one struct used by the monitor, the IPv4 layer and
 * programs (raw Ethernet frames). Drivers register in PCI scan order and
 * are named net0, net1, ... Receiving is by polling: nothing runs in
 * interrupt context.
 *
 * Concurrency: a program calls transmit and poll from every core at once,
 * on one device or several, and the monitor's IP layer calls them too
 * (link from `net`, say). Each driver serialises its own device with one
 * spin lock per device (struct netdev has none): the lock covers the rings
 * and their indices, the registers, the link state and `stats`. Readers of
 * `stats` outside the driver (the `net` command) see counters that may be
 * a frame apart; nothing else in this struct changes after net_register.
 *
 * Faults: `frame` and `buf` may be a program's memory. Programs reach the
 * drivers through net_send and net_recv, which check the buffer first
 * (-EFAULT for a bad one); still, a copy could fault (the tests make one
 * on purpose, see vm_buf_check), so drivers copy them with no lock held, into or out of a buffer the
 * calling core owns (one per core per device: no net call runs in an
 * interrupt handler, so a core never reenters a driver), and under the
 * lock a buffer only trades places with a descriptor's. A fault in the
 * copy therefore leaves the device as it was; the frame is lost, and a
 * received one is already counted. The device lock is taken with
 * spin_lock_reset (lock.h): should anything fault while it is held, the
 * driver's reset puts the rings back in step (restarting the device where
 * that is the only sure way) and reports it on the console. */
#ifndef INGOT_NETDEV_H
#define INGOT_NETDEV_H

#include <stddef.h>
#include <stdint.h>

struct ip_iface;

#define NET_MAX_DEVICES 8
#define NET_NAME_MAX 16
#define ETH_ALEN 6
#define ETH_FRAME_MAX 1518   /* without FCS: 14 header + 1500 payload + 4 VLAN */
#define ETH_FRAME_MIN 60     /* without FCS: drivers pad shorter frames */

struct net_stats {
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t rx_dropped;      /* ring overrun, no buffer */
	uint64_t rx_errors;       /* bad frames the device flagged */
	uint64_t rx_malformed;    /* frames the stack refused (lengths, checksums) */
	uint64_t tx_dropped;      /* ring full, or too long */
	uint64_t tx_errors;
	uint64_t link_changes;
};

struct netdev {
	char name[NET_NAME_MAX];  /* set by net_register: net0, net1, ... */
	const char *driver;       /* "e1000", "e1000e", "virtio-net", "rtl8139" */
	uint8_t mac[ETH_ALEN];
	uint32_t mtu;             /* 1500 */
	/* Link state as last read from the device: up/down and speed in Mb/s. */
	int (*link)(struct netdev *n, int *up, unsigned *mbps);
	/* Queue one frame (len 14..ETH_FRAME_MAX bytes, any alignment, copied
	 * before return): 0, -EAGAIN when the ring is full, -EINVAL. Any core,
	 * any time (see above). */
	int (*transmit)(struct netdev *n, const void *frame, size_t len);
	/* Take one received frame into buf: its length, 0 when none waits, or
	 * a negative code. Frames longer than cap are dropped and counted.
	 * Several cores polling at once each get different frames. */
	int (*poll)(struct netdev *n, void *buf, size_t cap);
	struct net_stats stats;   /* drivers count rx/tx/dropped/errors here */
	void *priv;
	/* The IPv4 layer's state for this device (include/ip.h): set by that
	 * layer when it first uses the device, NULL before. */
	struct ip_iface *ip_iface;
	int last_link_up;         /* for reporting link changes */
};

/* Name the device net%u and list it: 0 or -ENOSPC. Only while the PCI
 * scan runs on the boot core, before any other core runs work: the list is
 * then read by every core without a lock. */
int net_register(struct netdev *n);
unsigned net_count(void);
struct netdev *net_get(unsigned i);
struct netdev *net_find(const char *name);
/* transmit and poll for buffers from programs: the buffer (len bytes, or
 * MIN(cap, ETH_FRAME_MAX)) is checked first, -EFAULT when not all of it
 * is mapped (and writable, for net_recv); then the driver's answer. */
int net_send(struct netdev *n, const void *frame, size_t len);
int net_recv(struct netdev *n, void *buf, size_t cap);

#endif
