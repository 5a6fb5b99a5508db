/* icmp.c: ICMP echo (RFC 792): answers echo requests to our addresses and
 * notes the one echo reply ping (ping.c) waits for.
 * QEMU: -nic user,model=virtio-net-pci,restrict=on (then ping 10.0.2.2). */
#include "ip.h"
#include "ip_layer.h"
#include "netdev.h"
#include "string.h"
#include "timer.h"

struct icmp_echo_wait icmp_echo;

size_t icmp_build_echo(uint8_t *p, uint16_t id, uint16_t seq, unsigned data_len)
{
	p[0] = ICMP_ECHO_REQUEST;
	p[1] = 0;
	ip_put16(p + 2, 0);
	ip_put16(p + 4, id);
	ip_put16(p + 6, seq);
	for (unsigned i = 0; i < data_len; i++)
		p[ICMP_HLEN + i] = (uint8_t)(0x20 + i);
	ip_put16(p + 2, ip_sum_finish(ip_sum(p, ICMP_HLEN + data_len, 0)));
	return ICMP_HLEN + data_len;
}

/* Echo requests get the same identifier, sequence and data back. */
static void icmp_answer_echo(struct netdev *n, const struct eth_view *eth, const struct ipv4_view *ip,
			     const struct icmp_view *ic)
{
	struct ip_iface *c = ip_iface_of(n);
	size_t icmp_len = ICMP_HLEN + ic->len, len;
	uint8_t *p = ip_ctl_frame + L4_OFF;

	if (icmp_len > 1500 - IPV4_HLEN)
		return;
	p[0] = ICMP_ECHO_REPLY;
	p[1] = 0;
	ip_put16(p + 2, 0);
	ip_put16(p + 4, ic->id);
	ip_put16(p + 6, ic->seq);
	memcpy(p + ICMP_HLEN, ic->data, ic->len);
	ip_put16(p + 2, ip_sum_finish(ip_sum(p, icmp_len, 0)));
	len = ip_build_eth(ip_ctl_frame, eth->src, n->mac, ETH_TYPE_IPV4);
	len += ip_build_ipv4(ip_ctl_frame + len, c->addr, ip->src, IPV4_PROTO_ICMP, ip_next_id(), icmp_len);
	ip_send_raw(n, ip_ctl_frame, len + icmp_len);
	c->stats.ip_tx++; /* an IPv4 packet out like any other */
	c->stats.echo_answered++;
}

void icmp_handle(struct netdev *n, const struct eth_view *eth, const struct ipv4_view *ip)
{
	struct ip_iface *c = ip_iface_of(n);
	struct icmp_view ic;

	if (ip_parse_icmp(ip->payload, ip->len, &ic)) {
		n->stats.rx_malformed++;
		return;
	}
	c->stats.icmp_rx++;
	if (ic.type == ICMP_ECHO_REQUEST && ic.code == 0 && ip->dst == c->addr) {
		if (ip_echo_ok(ip->src, eth->src, c->addr, c->netmask))
			icmp_answer_echo(n, eth, ip, &ic);
		else
			c->stats.echo_refused++;
	} else if (ic.type == ICMP_ECHO_REPLY && icmp_echo.active && !icmp_echo.got && ic.id == icmp_echo.id &&
		 ic.seq == icmp_echo.seq && ip->src == icmp_echo.from) {
		icmp_echo.got = 1;
		icmp_echo.at_ns = timer_ns();
	}
}
