/* udp.c: UDP receive (RFC 768): the one datagram a waiting call (DHCP,
 * TFTP) listens for; sending is ip_send_udp in ip_wait.c.
 * QEMU: -nic user,model=virtio-net-pci,restrict=on (then dhcp). */
#include "ip.h"
#include "ip_layer.h"
#include "netdev.h"
#include "string.h"

struct udp_datagram udp_rx;

void udp_listen(uint16_t port)
{
	udp_rx.port = port;
	udp_rx.ready = 0;
}

void udp_handle(struct netdev *n, const struct ipv4_view *ip)
{
	struct udp_view u;

	if (ip_parse_udp(ip, &u)) {
		n->stats.rx_malformed++;
		return;
	}
	ip_iface_of(n)->stats.udp_rx++;
	if (!udp_rx.port || u.dport != udp_rx.port || udp_rx.ready || u.len > sizeof(udp_rx.data))
		return;
	udp_rx.dev = n;
	udp_rx.src = ip->src;
	udp_rx.sport = u.sport;
	udp_rx.len = u.len;
	memcpy(udp_rx.data, u.data, u.len);
	udp_rx.ready = 1;
}
