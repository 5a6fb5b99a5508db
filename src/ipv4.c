/* ipv4.c: the IPv4 layer's interfaces (one struct ip_iface per netdev, held
 * here), their static configuration, routing and sending an IPv4 packet to
 * a known next hop (RFC 791). QEMU: -nic user,model=virtio-net-pci,restrict=on. */
#include "errno.h"
#include "ip.h"
#include "ip_layer.h"
#include "netdev.h"
#include "string.h"
#include "timer.h"

const uint8_t ip_eth_broadcast[ETH_ALEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
uint8_t ip_out_frame[ETH_FRAME_MAX];
uint8_t ip_ctl_frame[ETH_FRAME_MAX];
static struct ip_iface ifaces[NET_MAX_DEVICES];
static uint16_t next_id = 1;

/* Bound once: the netdev keeps the pointer, so later lookups are direct. A
 * device net_register never listed has no interface (not net0's). */
struct ip_iface *ip_iface_of(struct netdev *n)
{
	if (!n)
		return NULL;
	if (n->ip_iface)
		return n->ip_iface;
	for (unsigned i = 0; i < net_count(); i++)
		if (net_get(i) == n) {
			ifaces[i].dev = n;
			return n->ip_iface = &ifaces[i];
		}
	return NULL;
}

const struct ip_iface *ip_iface_get(struct netdev *n) { return ip_iface_of(n); }

uint16_t ip_next_id(void) { return next_id++; }

int ip_link_up(struct netdev *n)
{
	int up = 0;
	unsigned mbps;

	return n->link(n, &up, &mbps) == 0 && up;
}

void ip_send_raw(struct netdev *n, const uint8_t *frame, size_t len)
{
	/* A full ring empties as the device sends: one short retry. */
	if (n->transmit(n, frame, len) == -EAGAIN) {
		timer_delay_ns(100000);
		n->transmit(n, frame, len);
	}
}

int ip_send_ipv4_to(struct netdev *n, const uint8_t mac[ETH_ALEN], uint32_t dst, uint8_t proto,
		    size_t payload_len)
{
	struct ip_iface *c = ip_iface_of(n);

	if (!c)
		return -ENODEV;
	ip_build_eth(ip_out_frame, mac, n->mac, ETH_TYPE_IPV4);
	ip_build_ipv4(ip_out_frame + ETH_HLEN, c->addr, dst, proto, ip_next_id(), payload_len);
	c->stats.ip_tx++;
	return n->transmit(n, ip_out_frame, L4_OFF + payload_len);
}

/* Ours: our address, a broadcast, or anything while we have no address
 * (a DHCP answer to the address being offered). */
int ip_is_ours(const struct ip_iface *c, uint32_t dst)
{
	return dst == IP_BROADCAST || !c->addr || dst == c->addr || (c->netmask && dst == (c->addr | ~c->netmask));
}

struct netdev *ip_route(uint32_t dst)
{
	for (unsigned i = 0; i < net_count(); i++) {
		struct ip_iface *c = ip_iface_of(net_get(i));

		if (c && c->addr && c->netmask && !((dst ^ c->addr) & c->netmask))
			return net_get(i);
	}
	for (unsigned i = 0; i < net_count(); i++) {
		struct ip_iface *c = ip_iface_of(net_get(i));

		if (c && c->addr && c->gateway)
			return net_get(i);
	}
	return NULL;
}

int ip_config_static(struct netdev *n, uint32_t addr, unsigned prefix, uint32_t gw)
{
	struct ip_iface *c = ip_iface_of(n);
	const char *why;

	if (!c)
		return -ENODEV;
	if (ip_check_config(addr, ip_prefix_mask(prefix), gw, &why))
		return -EINVAL;
	c->addr = addr;
	c->netmask = ip_prefix_mask(prefix);
	c->gateway = gw;
	c->dns = 0;
	c->lease_s = 0;
	c->tftp_server = 0;
	return 0;
}
