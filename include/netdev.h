/* netdev.h: the network layer's device interface: every NIC, whatever its
 * driver, behind one struct used by the monitor, the IPv4 layer and
 * programs (raw Ethernet frames). Drivers register in PCI scan order and
 * are named net0, net1, ...
 *
 * Interrupts: a driver that got one (pci_irq_enable) acknowledges its
 * device in the handler and calls net_irq, on the boot core. At the prompt,
 * when the monitor sleeps waiting for input, net_irq answers the frames
 * itself (ip_poll, through net_set_idle_rx); while a command runs it only
 * wakes the core, whose loop polls. While a
 * program runs, net_irq takes the frames off the ring itself: those the
 * kernel owns (ARP for its address, echo requests to it, the UDP port it
 * listens on) are answered there, every other frame waits in order in the
 * device's queue for the program's net_recv (net_rxq.c), which
 * also takes the kernel's frames it meets on the ring.
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
 * on purpose, see vm_buf_check), so drivers copy them with no lock held,
 * into or out of a buffer the calling core owns (one per core per device:
 * a core never reenters a driver, because net_irq polls only on the boot
 * core, where net_send and net_recv keep interrupts off around the
 * driver), and under the
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
	uint64_t irqs;            /* interrupts taken */
	uint64_t kernel_rx;       /* frames the kernel took while a program ran */
};

struct net_rxq;
struct pci_dev;

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
	/* Optional: ask the device not to interrupt for received frames (on 0)
	 * while a kernel call polls the ring anyway, and to again (on 1). */
	void (*rx_irq)(struct netdev *n, int on);
	struct net_stats stats;   /* drivers count rx/tx/dropped/errors here */
	void *priv;
	const struct pci_dev *pci; /* the PCI function the driver bound, NULL when none */
	/* The IPv4 layer's state for this device (include/ip.h): set by that
	 * layer when it first uses the device, NULL before. */
	struct ip_iface *ip_iface;
	int last_link_up;         /* for reporting link changes */
	int looked;               /* net has shown this interface before */
	const char *irq_mode;     /* "msi-x", "msi", "intx"; NULL: polled */
	struct net_rxq *rxq;      /* frames waiting for a program (net_rxq.c) */
};

/* Name the device net%u and list it: 0 or -ENOSPC. Only while the PCI
 * scan runs on the boot core, before any other core runs work: the list is
 * then read by every core without a lock. */
int net_register(struct netdev *n);
unsigned net_count(void);
/* From a driver's interrupt handler, after it acknowledged the device
 * (boot core, interrupts off). */
void net_irq(struct netdev *n);
/* The kernel's share, set once at boot by the IP layer: take(n, frame,
 * len) handles the frame and returns 1 when the kernel owns it, else 0.
 * It runs in interrupt context and on any core at once. */
void net_set_kernel_rx(int (*take)(struct netdev *n, const uint8_t *frame, size_t len));
/* At the prompt, the IP layer's poll of every NIC (ip_poll), which net_irq
 * runs when the monitor sleeps waiting for input (net_rxq.c, set once at boot). */
void net_set_idle_rx(void (*poll)(void));
/* A program starts (1) or ended (0): the split on or off, queues emptied. */
void net_program_mode(int on);
/* 1 when the kernel's share (net_set_kernel_rx) took the frame. */
int net_kernel_take(struct netdev *n, const uint8_t *frame, size_t len);
/* net_rxq.c (not in the tiny profile): give device index its queue (from
 * net_register), and the frame that waited longest into buf (its length,
 * 0 when longer than cap and dropped, -1 when none waits). */
void net_rxq_attach(struct netdev *n, unsigned index);
int net_rxq_pop(struct netdev *n, void *buf, size_t cap);
struct netdev *net_get(unsigned i);
struct netdev *net_find(const char *name);
/* transmit and poll for buffers from programs: the buffer (len bytes, or
 * MIN(cap, ETH_FRAME_MAX)) is checked first, -EFAULT when not all of it
 * is mapped (and writable, for net_recv); then the driver's answer.
 * net_recv gives the frame that waited longest in the program queue, else
 * one from the ring that is not the kernel's. */
int net_send(struct netdev *n, const void *frame, size_t len);
int net_recv(struct netdev *n, void *buf, size_t cap);

#endif
