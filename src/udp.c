/* udp.c: UDP receive (RFC 768): the datagrams a waiting call (DHCP, TFTP)
 * listens for, a few held in order, and one service port (the network
 * console); sending is ip_send_udp in ip_wait.c.
 * QEMU: -nic user,model=virtio-net-pci,restrict=on (then dhcp). */
#include "ip.h"
#include "ip_layer.h"
#include "netdev.h"
#include "string.h"

struct udp_listener udp_rx;
static uint16_t service_port;
static udp_service_fn *service_fn;

void udp_listen(uint16_t port)
{
	udp_rx.port = port;
	udp_rx.count = 0;
	udp_rx.head = 0;
}

uint16_t udp_service_port(void)
{
	return service_fn ? service_port : 0;
}

void udp_set_service(uint16_t port, udp_service_fn *fn)
{
	service_fn = NULL;
	service_port = port;
	service_fn = fn;
}

struct udp_datagram *udp_front(void)
{
	return udp_rx.count ? &udp_rx.q[udp_rx.head] : NULL;
}

void udp_pop(void)
{
	if (!udp_rx.count)
		return;
	udp_rx.head = (udp_rx.head + 1) % UDP_QUEUE;
	udp_rx.count--;
}

void udp_handle(struct netdev *n, const struct ipv4_view *ip)
{
	struct ip_iface *c = ip_iface_of(n);
	struct udp_datagram *d;
	struct udp_view u;

	if (ip_parse_udp(ip, &u)) {
		n->stats.rx_malformed++;
		return;
	}
	c->stats.udp_rx++;
	if (service_fn && service_port && u.dport == service_port) {
		service_fn(n, ip->src, u.sport, u.data, u.len);
		return;
	}
	if (!udp_rx.port || u.dport != udp_rx.port || udp_rx.count == UDP_QUEUE || u.len > UDP_PAYLOAD_MAX) {
		c->stats.udp_dropped++;
		return;
	}
	d = &udp_rx.q[(udp_rx.head + (unsigned)udp_rx.count) % UDP_QUEUE];
	d->dev = n;
	d->src = ip->src;
	d->sport = u.sport;
	d->len = u.len;
	memcpy(d->data, u.data, u.len);
	udp_rx.count++;
}
