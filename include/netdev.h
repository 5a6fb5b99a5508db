/* netdev.h: the network layer's device interface: every NIC, whatever its
 * driver, behind one struct used by the monitor, the IPv4 layer and
 * programs (raw Ethernet frames). Drivers register in PCI scan order and
 * are named net0, net1, ... Receiving is by polling: nothing runs in
 * interrupt context. */
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
	 * before return): 0, -EAGAIN when the ring is full, -EINVAL. */
	int (*transmit)(struct netdev *n, const void *frame, size_t len);
	/* Take one received frame into buf: its length, 0 when none waits, or
	 * a negative code. Frames longer than cap are dropped and counted. */
	int (*poll)(struct netdev *n, void *buf, size_t cap);
	struct net_stats stats;   /* drivers count rx/tx/dropped/errors here */
	void *priv;
	/* The IPv4 layer's state for this device (include/ip.h): set by that
	 * layer when it first uses the device, NULL before. */
	struct ip_iface *ip_iface;
	int last_link_up;         /* for reporting link changes */
};

/* Name the device net%u and list it: 0 or -ENOSPC. */
int net_register(struct netdev *n);
unsigned net_count(void);
struct netdev *net_get(unsigned i);
struct netdev *net_find(const char *name);

#endif
