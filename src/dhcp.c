/* dhcp.c: the DHCP client (RFC 2131/2132): DISCOVER, OFFER, REQUEST, ACK,
 * then the interface's address, netmask, gateway, DNS, lease, TFTP server.
 * QEMU: -nic user,model=virtio-net-pci,restrict=on (then dhcp). */
#include "console.h"
#include "errno.h"
#include "ip.h"
#include "ip_layer.h"
#include "netdev.h"
#include "string.h"
#include "timer.h"

#define DHCP_TRIES 3
#define DHCP_TRY_NS (3 * NS_PER_S)

static int dhcp_send(struct netdev *n, uint8_t type, uint32_t xid, uint32_t want, uint32_t server)
{
	size_t len = ip_build_dhcp(ip_out_frame + UDP_DATA_OFF, type, xid, n->mac, want, server);

	return ip_send_udp(n, IP_BROADCAST, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, len);
}

/* The next reply of one of two types for this transaction, before deadline. */
static int dhcp_await(struct netdev *n, uint32_t xid, uint8_t t1, uint8_t t2, uint64_t deadline,
		      struct dhcp_view *d)
{
	for (;;) {
		int err = udp_wait(n, deadline), bad = 1;
		struct udp_datagram *u;

		if (err)
			return err;
		u = udp_front();
		if (u->sport == DHCP_SERVER_PORT && (bad = ip_parse_dhcp(u->data, u->len, xid, n->mac, d)))
			n->stats.rx_malformed++;  /* options past the end, say */
		udp_pop();
		if (!bad && (d->type == t1 || d->type == t2))
			return 0;
	}
}

static int dhcp_apply(struct netdev *n, const struct dhcp_view *ack, char *why, size_t whysz)
{
	struct ip_iface *c = ip_iface_of(n);
	uint32_t mask = ack->mask ? ack->mask : ip_prefix_mask(24);
	const char *bad;
	char a[16], gw[16];

	/* The checks of a static address (net IFACE ip): a lease is no safer. */
	if (ip_check_config(ack->yiaddr, mask, ack->router, &bad)) {
		ip_format_addr(ack->yiaddr, a);
		ip_format_addr(ack->router, gw);
		ksnprintf(why, whysz, "%s: the server's lease %s/%d gateway %s is refused: %s", n->name, a,
			  ip_mask_prefix(mask), ack->router ? gw : "-", bad);
		return -EPROTO;
	}
	c->addr = ack->yiaddr;
	c->netmask = mask;
	c->gateway = ack->router;
	c->dns = ack->dns;
	c->lease_s = ack->lease_s;
	c->tftp_server = ack->siaddr ? ack->siaddr : ack->server_id;
	/* A server set up for network boot names a boot file (PXE). */
	c->boot_server = ack->boot_server ? ack->boot_server : ack->boot_file[0] ? ack->siaddr : 0;
	strlcpy(c->boot_file, ack->boot_file, sizeof(c->boot_file));
	return 0;
}

/* One DISCOVER/OFFER/REQUEST/ACK round inside DHCP_TRY_NS. */
static int dhcp_try(struct netdev *n, uint32_t xid, char *why, size_t whysz)
{
	uint64_t deadline = timer_ns() + DHCP_TRY_NS;
	struct dhcp_view offer, ack;
	int err = dhcp_send(n, DHCP_DISCOVER, xid, 0, 0);

	if (!err)
		err = dhcp_await(n, xid, DHCP_OFFER, DHCP_OFFER, deadline, &offer);
	if (!err)
		err = dhcp_send(n, DHCP_REQUEST, xid, offer.yiaddr, offer.server_id);
	if (!err)
		err = dhcp_await(n, xid, DHCP_ACK, DHCP_NAK, deadline, &ack);
	if (err)
		return err;
	if (ack.type == DHCP_NAK) {
		ksnprintf(why, whysz, "%s: the server refused the address (NAK)", n->name);
		return -EPROTO;
	}
	return dhcp_apply(n, &ack, why, whysz);
}

int ip_dhcp(struct netdev *n, char *why, size_t whysz)
{
	struct ip_iface *c = ip_iface_of(n);
	int err = -ETIMEDOUT;

	why[0] = 0;
	if (!c) {
		ksnprintf(why, whysz, "not a network interface");
		return -ENODEV;
	}
	err = ip_link_wait(n);
	if (err == -EIO)
		ksnprintf(why, whysz, "%s: link down", n->name);
	if (err)
		return err;
	err = -ETIMEDOUT;
	/* No address while asking: replies to the broadcast are taken. */
	c->addr = c->netmask = c->gateway = c->dns = c->lease_s = 0;
	udp_listen(DHCP_CLIENT_PORT);
	for (int t = 0; t < DHCP_TRIES && err && err != -ECANCELED; t++)
		err = dhcp_try(n, (uint32_t)(timer_ns() ^ (timer_ns() >> 20) ^ ((uint32_t)n->mac[5] << 24)) + (uint32_t)t,
			       why, whysz);
	udp_listen(0);
	if (err == -ETIMEDOUT)
		ksnprintf(why, whysz, "%s: no DHCP answer in %d tries of %llu s", n->name, DHCP_TRIES,
			  (unsigned long long)(DHCP_TRY_NS / NS_PER_S));
	else if (err && !why[0])
		ksnprintf(why, whysz, "%s", error_str(err));
	if (err && err != -EPROTO)
		c->addr = c->netmask = 0;
	return err;
}
