/* ip_wait.c: polling the NICs while a call waits: each frame to ARP, ICMP
 * or UDP (RFC 826/791), ARP resolution of the next hop, and the senders and
 * waits that need it. QEMU: -nic user,model=virtio-net-pci,restrict=on. */
#include "console.h"
#include "errno.h"
#include "ip.h"
#include "ip_layer.h"
#include "netdev.h"
#include "string.h"
#include "x86.h"
#include "timer.h"

#define POLL_BURST 64                    /* frames per NIC per ip_poll */
#define ARP_TRIES 3
#define ARP_WAIT_NS (300 * NS_PER_MS)
#define SPIN_NS (2 * NS_PER_MS)       /* polls back to back at first */
#define CLOCK_EVERY 1024                /* polls per look at the clock and Ctrl-C */
#define LINK_WAIT_NS (5 * NS_PER_S)   /* e1000 autonegotiates for a while after reset */

static uint8_t rx_frame[ETH_FRAME_MAX];

static void ip_handle_ipv4(struct netdev *n, const struct eth_view *eth)
{
	struct ip_iface *c = ip_iface_of(n);
	struct ipv4_view ip;
	int err = ip_parse_ipv4(eth->payload, eth->len, &ip);

	if (err == -ENOSYS) {
		c->stats.fragments++;
		return;
	}
	if (err) {
		n->stats.rx_malformed++;
		return;
	}
	c->stats.ip_rx++;
	/* RFC 1122 3.2.1.3: no host sends from these; 0.0.0.0 only asks DHCP. */
	if (ip_addr_special(ip.src) && !(ip.src == 0 && ip.proto == IPV4_PROTO_UDP)) {
		c->stats.bad_source++;
		return;
	}
	if (!ip_is_ours(c, ip.dst)) {
		c->stats.not_ours++;
		return;
	}
	if (ip.proto == IPV4_PROTO_ICMP)
		icmp_handle(n, eth, &ip);
	else if (ip.proto == IPV4_PROTO_UDP)
		udp_handle(n, &ip);
	else
		c->stats.unknown_proto++;
}

void ip_handle_frame(struct netdev *n, const uint8_t *frame, size_t len)
{
	struct eth_view eth;

	if (ip_parse_eth(frame, len, &eth)) {
		n->stats.rx_malformed++;
		return;
	}
	if (eth.type == ETH_TYPE_ARP)
		arp_handle(n, &eth);
	else if (eth.type == ETH_TYPE_IPV4)
		ip_handle_ipv4(n, &eth);
}

void ip_poll(void)
{
	for (unsigned i = 0; i < net_count(); i++) {
		struct netdev *n = net_get(i);

		for (int k = 0; k < POLL_BURST; k++) {
			int len = n->poll(n, rx_frame, sizeof(rx_frame));

			if (len <= 0)
				break;
			ip_handle_frame(n, rx_frame, (size_t)len);
		}
	}
}

/* An answer usually follows within a round trip (a TFTP block after its
 * ACK): the rings are polled back to back for SPIN_NS before each poll is
 * spaced by a pause, so a reply is not left waiting in the ring. While
 * spinning, the clock and Ctrl-C are looked at once per CLOCK_EVERY empty
 * polls: each clock read is an HPET or PM-timer access, which under QEMU
 * takes the lock its I/O thread needs to deliver the very frame awaited
 * (a TFTP load of 16 MiB took 40% longer with a read per poll). A
 * deadline of 0 is set to idle_ns after the wait's first look at the
 * clock, so a stream of waits that each end in microseconds reads none. */
static int ip_wait_polling(volatile int *flag, uint64_t *deadline, uint64_t idle_ns)
{
	uint64_t spin_end = 0, now;
	unsigned polls = 0;
	int slow = 0;

	for (;;) {
		ip_poll();
		if (*flag)
			return 0;
		if (!slow && ++polls % CLOCK_EVERY)
			continue;
		if (console_ctrl_c_pending())
			return -ECANCELED;
		now = timer_ns();
		if (!*deadline)
			*deadline = now + idle_ns;
		if (now >= *deadline)
			return -ETIMEDOUT;
		if (!spin_end)
			spin_end = now + SPIN_NS;
		slow = now >= spin_end;
		if (slow)
			timer_delay_ns(20000);
	}
}

/* The wait never halts, so receive interrupts would only cost a trap per
 * frame: the NICs that can are asked to hold them meanwhile. */
static void ip_rx_irqs(int on)
{
	for (unsigned i = 0; i < net_count(); i++) {
		struct netdev *n = net_get(i);

		if (n->rx_irq && n->irq_mode)
			n->rx_irq(n, on);
	}
}

static int ip_wait_for(volatile int *flag, uint64_t *deadline, uint64_t idle_ns)
{
	int err;

	ip_rx_irqs(0);
	err = ip_wait_polling(flag, deadline, idle_ns);
	ip_rx_irqs(1);
	return err;
}

int ip_wait_flag(volatile int *flag, uint64_t deadline)
{
	deadline = deadline ? deadline : 1; /* 0 is "not set yet" below */
	return ip_wait_for(flag, &deadline, 0);
}

/* ARP, 3 tries of 300 ms, for hop's MAC. */
static int ip_arp_wait(struct netdev *n, uint32_t hop, uint8_t mac[ETH_ALEN])
{
	const uint8_t *m = arp_lookup(hop, n);

	for (int t = 0; !m && t < ARP_TRIES; t++) {
		uint64_t deadline = timer_ns() + ARP_WAIT_NS;

		arp_request(n, hop);
		while (!(m = arp_lookup(hop, n)) && timer_ns() < deadline) {
			if (console_ctrl_c_pending())
				return -ECANCELED;
			ip_poll();
		}
	}
	if (!m)
		return -ETIMEDOUT;
	memcpy(mac, m, ETH_ALEN);
	return 0;
}

/* The MAC of the next hop to dst: a broadcast, the host, or the gateway. */
int ip_resolve(struct netdev *n, uint32_t dst, uint8_t mac[ETH_ALEN])
{
	const struct ip_iface *c = ip_iface_of(n);

	if (!c)
		return -ENODEV;
	if (dst == IP_BROADCAST || (c->netmask && dst == (c->addr | ~c->netmask))) {
		memcpy(mac, ip_eth_broadcast, ETH_ALEN);
		return 0;
	}
	if (c->netmask && ((dst ^ c->addr) & c->netmask)) {
		if (!c->gateway)
			return -ENODEV;
		dst = c->gateway;
	}
	return ip_arp_wait(n, dst, mac);
}

int ip_send_ipv4(struct netdev *n, uint32_t dst, uint8_t proto, size_t payload_len)
{
	uint8_t mac[ETH_ALEN];
	int err = ip_resolve(n, dst, mac);

	return err ? err : ip_send_ipv4_to(n, mac, dst, proto, payload_len);
}

int ip_send_udp(struct netdev *n, uint32_t dst, uint16_t sport, uint16_t dport, size_t len)
{
	const struct ip_iface *c = ip_iface_of(n);
	size_t ulen;

	if (!c)
		return -ENODEV;
	ulen = ip_build_udp(ip_out_frame + L4_OFF, c->addr, dst, sport, dport, len);
	return ip_send_ipv4(n, dst, IPV4_PROTO_UDP, ulen);
}

int udp_wait_lazy(struct netdev *n, uint64_t *deadline, uint64_t idle_ns)
{
	for (;;) {
		int err = ip_wait_for(&udp_rx.count, deadline, idle_ns);

		if (err || udp_front()->dev == n)
			return err;
		udp_pop();
	}
}

int udp_wait(struct netdev *n, uint64_t deadline)
{
	deadline = deadline ? deadline : 1;
	return udp_wait_lazy(n, &deadline, 0);
}

/* Any NIC's link up when n is NULL. */
static int ip_link_any(struct netdev *n)
{
	if (n)
		return ip_link_up(n);
	for (unsigned i = 0; i < net_count(); i++)
		if (ip_link_up(net_get(i)))
			return 1;
	return 0;
}

int ip_link_wait(struct netdev *n)
{
	uint64_t deadline = timer_ns() + LINK_WAIT_NS;

	if (!n && !net_count())
		return -ENODEV;
	while (!ip_link_any(n)) {
		if (console_ctrl_c_pending())
			return -ECANCELED;
		if (timer_ns() >= deadline)
			return -EIO;
		ip_poll();
		timer_delay_ns(NS_PER_MS);
	}
	return 0;
}
