/* ip_layer.h: what the IPv4 layer's files (ipv4.c, arp.c, icmp.c, udp.c,
 * ip_wait.c, ping.c, dhcp.c, tftp.c, netconsole.c) share and nothing else sees: frame
 * buffers, the interface lookup, the senders and the waits. The layers
 * go one way: ipv4 below arp, icmp and udp, those below ip_wait, and
 * ping, dhcp, tftp and netconsole on top (make deps shows no cycle among them). */
#ifndef INGOT_IP_LAYER_H
#define INGOT_IP_LAYER_H

#include <stddef.h>
#include <stdint.h>
#include "ip.h"
#include "netdev.h"

#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull
#define L4_OFF (ETH_HLEN + IPV4_HLEN)   /* where an outgoing IPv4 payload starts */
#define UDP_DATA_OFF (L4_OFF + UDP_HLEN)
#define UDP_PAYLOAD_MAX (1500 - IPV4_HLEN - UDP_HLEN)

/* ipv4.c: one waiting call builds its packet in ip_out_frame; answers to
 * ARP and ping requests (sent while that call polls) use ip_ctl_frame. */
extern uint8_t ip_out_frame[ETH_FRAME_MAX];
extern uint8_t ip_ctl_frame[ETH_FRAME_MAX];
extern const uint8_t ip_eth_broadcast[ETH_ALEN];
/* The interface state of a registered netdev, bound on first use; NULL
 * for a device that net_register never listed. */
struct ip_iface *ip_iface_of(struct netdev *n);
int ip_link_up(struct netdev *n);
/* Transmit, with one short retry when the ring is full. */
void ip_send_raw(struct netdev *n, const uint8_t *frame, size_t len);
/* Send the payload_len bytes already at ip_out_frame + L4_OFF to mac. */
int ip_send_ipv4_to(struct netdev *n, const uint8_t mac[ETH_ALEN], uint32_t dst, uint8_t proto,
		    size_t payload_len);
uint16_t ip_next_id(void);
/* Our address, a broadcast, or anything while we have no address. */
int ip_is_ours(const struct ip_iface *c, uint32_t dst);
/* The interface whose subnet holds dst, else one with a gateway. */
struct netdev *ip_route(uint32_t dst);

/* arp.c */
void arp_handle(struct netdev *n, const struct eth_view *eth);
const uint8_t *arp_lookup(uint32_t addr, const struct netdev *n);
int arp_request(struct netdev *n, uint32_t addr);

/* icmp.c: answers echo requests; notes the echo reply ping waits for. */
void icmp_handle(struct netdev *n, const struct eth_view *eth, const struct ipv4_view *ip);
struct icmp_echo_wait {
	int active;
	volatile int got;
	uint16_t id, seq;
	uint32_t from;
	uint64_t at_ns;
};
extern struct icmp_echo_wait icmp_echo;
/* An echo request with data_len bytes of pattern at p: its length. */
size_t icmp_build_echo(uint8_t *p, uint16_t id, uint16_t seq, unsigned data_len);

/* udp.c: the datagrams a waiting call (DHCP, TFTP) listens for, held in
 * order (a good packet right behind a bad one is not lost), and one
 * service handled as its datagrams arrive (the network console). */
#define UDP_QUEUE 4
struct udp_datagram {
	struct netdev *dev;
	uint32_t src;
	uint16_t sport;
	size_t len;
	uint8_t data[UDP_PAYLOAD_MAX];
};
struct udp_listener {
	uint16_t port;               /* listened to; 0 = none */
	volatile int count;          /* datagrams waiting */
	unsigned head;               /* the oldest */
	struct udp_datagram q[UDP_QUEUE];
};
extern struct udp_listener udp_rx;
void udp_handle(struct netdev *n, const struct ipv4_view *ip);
void udp_listen(uint16_t port);
/* The oldest waiting datagram (udp_rx.count > 0), and dropping it. */
struct udp_datagram *udp_front(void);
void udp_pop(void);
typedef void udp_service_fn(struct netdev *n, uint32_t src, uint16_t sport, const uint8_t *data, size_t len);
/* fn (NULL: none) takes every datagram to port, on any interface. */
void udp_set_service(uint16_t port, udp_service_fn *fn);
/* The service's port, 0 when there is none. */
uint16_t udp_service_port(void);

/* ip_wait.c: poll while waiting; the senders that resolve first. */
/* One received frame: ARP, echo requests, the datagram a call waits for. */
void ip_handle_frame(struct netdev *n, const uint8_t *frame, size_t len);
/* Poll until *flag is set: 0, -ETIMEDOUT, or -ECANCELED on Ctrl-C. */
int ip_wait_flag(volatile int *flag, uint64_t deadline);
/* The MAC of the next hop to dst (ARP, 3 tries of 300 ms): 0, -ENODEV
 * (no route), -ETIMEDOUT, -ECANCELED. */
int ip_resolve(struct netdev *n, uint32_t dst, uint8_t mac[ETH_ALEN]);
int ip_send_ipv4(struct netdev *n, uint32_t dst, uint8_t proto, size_t payload_len);
/* Send the len bytes already at ip_out_frame + UDP_DATA_OFF. */
int ip_send_udp(struct netdev *n, uint32_t dst, uint16_t sport, uint16_t dport, size_t len);
/* Wait (5 s at most) for n's link, or any link when n is NULL: 0, -EIO
 * (still down), -ECANCELED. A link comes up a while after a reset (e1000's
 * autonegotiation): a DHCP or TFTP request right after boot waits for it. */
int ip_link_wait(struct netdev *n);
/* Next datagram to the listened port from n (udp_front): 0, -ETIMEDOUT,
 * -ECANCELED. */
int udp_wait(struct netdev *n, uint64_t deadline);
/* The same, where *deadline 0 is set to idle_ns after the wait's first
 * look at the clock (a transfer's back-to-back waits read no clock). */
int udp_wait_lazy(struct netdev *n, uint64_t *deadline, uint64_t idle_ns);

#endif
