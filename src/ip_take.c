/* ip_take.c: while a program runs, the frames the kernel keeps for itself
 * (netdev.h): ARP for its address, ICMP echo requests to it, the UDP
 * port a kernel call listens on and the network console's. RFC 826, RFC 792, RFC 1122 3.2.2.6. QEMU:
 * -netdev socket with a Linux peer pinging while `exec spin.elf` runs. */
#include "ip.h"
#include "ip_layer.h"
#include "lock.h"
#include "string.h"

static struct spinlock take_lock;
static uint8_t take_frame[ETH_FRAME_MAX];

/* A port a kernel call listens on, or the network console's (its input,
 * Ctrl-C above all, must reach the kernel while a program runs). */
static int ip_udp_is_kernels(const struct ipv4_view *ip)
{
	struct udp_view u;

	if (ip_parse_udp(ip, &u))
		return 0;
	return (udp_rx.port && u.dport == udp_rx.port) || (udp_service_port() && u.dport == udp_service_port());
}

/* Only unicast to our address: everything else is the program's to see. */
static int ip_frame_is_kernels(struct netdev *n, const uint8_t *frame, size_t len)
{
	const struct ip_iface *c = n->ip_iface;
	struct eth_view eth;
	struct arp_view arp;
	struct ipv4_view ip;

	if (!c || !c->addr || ip_parse_eth(frame, len, &eth))
		return 0;
	if (eth.type == ETH_TYPE_ARP)
		return !ip_parse_arp(eth.payload, eth.len, &arp) && arp.tpa == c->addr;
	if (eth.type != ETH_TYPE_IPV4 || ip_parse_ipv4(eth.payload, eth.len, &ip) || ip.dst != c->addr)
		return 0;
	if (ip.proto == IPV4_PROTO_ICMP)
		return ip.len >= 1 && ip.payload[0] == ICMP_ECHO_REQUEST;
	return ip.proto == IPV4_PROTO_UDP && ip_udp_is_kernels(&ip);
}

/* frame may be a program's buffer: it is copied once, under the lock
 * that also keeps two cores out of the layer's shared reply frame. */
int ip_take_frame(struct netdev *n, const uint8_t *frame, size_t len)
{
	if (len > sizeof(take_frame) || !ip_frame_is_kernels(n, frame, len))
		return 0;
	spin_lock(&take_lock);
	memcpy(take_frame, frame, len);
	ip_handle_frame(n, take_frame, len);
	spin_unlock(&take_lock);
	return 1;
}
