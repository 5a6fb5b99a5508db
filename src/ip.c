/* ip.c: the IPv4 layer's state and I/O: ARP cache and resolution, IPv4
 * send/receive, answers to ARP and ping requests, ping, a DHCP client and a
 * TFTP client (RFC 826/791/792/768/2131/1350/2348). Polled only while a
 * call waits. QEMU: -netdev user,id=n0,restrict=on[,tftp=DIR] -device virtio-net-pci,netdev=n0. */
#include <stdarg.h>
#include "console.h"
#include "errno.h"
#include "ip.h"
#include "kernel.h"
#include "netdev.h"
#include "string.h"
#include "timer.h"

#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull
#define POLL_BURST 64                    /* frames per NIC per ip_poll */
#define ARP_TRIES 3
#define ARP_WAIT_NS (300 * NS_PER_MS)
#define DHCP_TRIES 3
#define DHCP_TRY_NS (3 * NS_PER_S)
#define TFTP_WAIT_NS (1 * NS_PER_S)
#define TFTP_RETRIES 5
#define TFTP_NAME_MAX 200
#define PING_ID 0x1607
#define PING_DATA 56
#define L4_OFF (ETH_HLEN + IPV4_HLEN)   /* where an outgoing IPv4 payload starts */
#define UDP_DATA_OFF (L4_OFF + UDP_HLEN)
#define UDP_PAYLOAD_MAX (1500 - IPV4_HLEN - UDP_HLEN)

static const uint8_t eth_broadcast[ETH_ALEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

static uint8_t rx_frame[ETH_FRAME_MAX];
static uint8_t out_frame[ETH_FRAME_MAX];  /* the waiting call's packet */
static uint8_t ctl_frame[ETH_FRAME_MAX];  /* ARP and echo answers, ARP requests */
static struct ip_stats stats[NET_MAX_DEVICES];
static uint32_t tftp_server[NET_MAX_DEVICES]; /* from DHCP: next-server or server id */
static struct arp_entry arp_cache[ARP_CACHE_SIZE];
static char last_error[128];
static uint16_t next_ip_id = 1;

/* What the waiting call expects: one echo reply, or one UDP datagram. */
static struct {
	int active, got;
	uint16_t seq;
	uint32_t from;
	uint64_t at_ns;
} echo_wait;

static struct {
	uint16_t port;
	int ready;
	struct netdev *dev;
	uint32_t src;
	uint16_t sport;
	size_t len;
	uint8_t data[UDP_PAYLOAD_MAX];
} udp_wait;

static unsigned ip_dev_index(const struct netdev *n)
{
	for (unsigned i = 0; i < net_count(); i++)
		if (net_get(i) == n)
			return i;
	return 0;
}

const struct ip_stats *ip_get_stats(const struct netdev *n) { return &stats[ip_dev_index(n)]; }
const struct arp_entry *ip_arp_cache(void) { return arp_cache; }
const char *ip_last_error(void) { return last_error; }

static int ip_link_up(struct netdev *n)
{
	int up = 0;
	unsigned mbps;

	return n->link(n, &up, &mbps) == 0 && up;
}

/* ---- ARP cache ---- */

static const uint8_t *ip_arp_lookup(uint32_t addr, unsigned dev)
{
	uint64_t now = timer_ns();

	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++)
		if (arp_cache[i].expires_ns > now && arp_cache[i].ip == addr && arp_cache[i].dev == dev)
			return arp_cache[i].mac;
	return NULL;
}

/* Refresh the entry, else take a free or expired one, else the oldest. */
static void ip_arp_store(uint32_t addr, const uint8_t mac[ETH_ALEN], unsigned dev)
{
	struct arp_entry *e = NULL;
	uint64_t now = timer_ns();

	for (unsigned i = 0; i < ARP_CACHE_SIZE && !e; i++)
		if (arp_cache[i].expires_ns && arp_cache[i].ip == addr && arp_cache[i].dev == dev)
			e = &arp_cache[i];
	for (unsigned i = 0; i < ARP_CACHE_SIZE && !e; i++)
		if (arp_cache[i].expires_ns <= now)
			e = &arp_cache[i];
	if (!e) {
		e = &arp_cache[0];
		for (unsigned i = 1; i < ARP_CACHE_SIZE; i++)
			if (arp_cache[i].expires_ns < e->expires_ns)
				e = &arp_cache[i];
	}
	e->ip = addr;
	memcpy(e->mac, mac, ETH_ALEN);
	e->dev = (uint8_t)dev;
	e->expires_ns = now + ARP_EXPIRY_NS;
}

/* ---- receive ---- */

static void ip_send_raw(struct netdev *n, const uint8_t *frame, size_t len)
{
	/* A full ring empties as the device sends: one short retry. */
	if (n->transmit(n, frame, len) == -EAGAIN) {
		timer_delay_ns(100000);
		n->transmit(n, frame, len);
	}
}

static void ip_handle_arp(struct netdev *n, const struct eth_view *eth)
{
	unsigned dev = ip_dev_index(n);
	struct arp_view a;
	size_t len;

	if (ip_parse_arp(eth->payload, eth->len, &a)) {
		n->stats.rx_malformed++;
		return;
	}
	stats[dev].arp_rx++;
	if (!n->ip || a.tpa != n->ip) {
		if (a.spa && ip_arp_lookup(a.spa, dev)) /* keep known entries fresh (RFC 826 merge) */
			ip_arp_store(a.spa, a.sha, dev);
		return;
	}
	if (a.spa)
		ip_arp_store(a.spa, a.sha, dev);
	if (a.op != ARP_OP_REQUEST)
		return;
	len = ip_build_eth(ctl_frame, a.sha, n->mac, ETH_TYPE_ARP);
	len += ip_build_arp(ctl_frame + len, ARP_OP_REPLY, n->mac, n->ip, a.sha, a.spa);
	ip_send_raw(n, ctl_frame, len);
	stats[dev].arp_tx++;
}

/* Echo requests get the same identifier, sequence and data back. */
static void ip_answer_echo(struct netdev *n, const struct eth_view *eth, const struct ipv4_view *ip,
			   const struct icmp_view *ic)
{
	size_t icmp_len = ICMP_HLEN + ic->len, len;
	uint8_t *p = ctl_frame + L4_OFF;

	if (icmp_len > 1500 - IPV4_HLEN)
		return;
	p[0] = ICMP_ECHO_REPLY;
	p[1] = 0;
	ip_put16(p + 2, 0);
	ip_put16(p + 4, ic->id);
	ip_put16(p + 6, ic->seq);
	memcpy(p + ICMP_HLEN, ic->data, ic->len);
	ip_put16(p + 2, ip_sum_finish(ip_sum(p, icmp_len, 0)));
	len = ip_build_eth(ctl_frame, eth->src, n->mac, ETH_TYPE_IPV4);
	len += ip_build_ipv4(ctl_frame + len, n->ip, ip->src, IPV4_PROTO_ICMP, next_ip_id++, icmp_len);
	ip_send_raw(n, ctl_frame, len + icmp_len);
	stats[ip_dev_index(n)].echo_answered++;
}

static void ip_handle_icmp(struct netdev *n, const struct eth_view *eth, const struct ipv4_view *ip)
{
	struct icmp_view ic;

	if (ip_parse_icmp(ip->payload, ip->len, &ic)) {
		n->stats.rx_malformed++;
		return;
	}
	stats[ip_dev_index(n)].icmp_rx++;
	if (ic.type == ICMP_ECHO_REQUEST && ic.code == 0 && ip->dst == n->ip)
		ip_answer_echo(n, eth, ip, &ic);
	else if (ic.type == ICMP_ECHO_REPLY && echo_wait.active && !echo_wait.got && ic.id == PING_ID &&
		 ic.seq == echo_wait.seq && ip->src == echo_wait.from) {
		echo_wait.got = 1;
		echo_wait.at_ns = timer_ns();
	}
}

static void ip_handle_udp(struct netdev *n, const struct ipv4_view *ip)
{
	struct udp_view u;

	if (ip_parse_udp(ip, &u)) {
		n->stats.rx_malformed++;
		return;
	}
	stats[ip_dev_index(n)].udp_rx++;
	if (!udp_wait.port || u.dport != udp_wait.port || udp_wait.ready || u.len > sizeof(udp_wait.data))
		return;
	udp_wait.dev = n;
	udp_wait.src = ip->src;
	udp_wait.sport = u.sport;
	udp_wait.len = u.len;
	memcpy(udp_wait.data, u.data, u.len);
	udp_wait.ready = 1;
}

/* Ours: our address, a broadcast, or anything while we have no address
 * (a DHCP answer to the address being offered). */
static int ip_is_ours(const struct netdev *n, uint32_t dst)
{
	return dst == IP_BROADCAST || !n->ip || dst == n->ip || (n->netmask && dst == (n->ip | ~n->netmask));
}

static void ip_handle_ipv4(struct netdev *n, const struct eth_view *eth)
{
	struct ipv4_view ip;
	int err = ip_parse_ipv4(eth->payload, eth->len, &ip);
	unsigned dev = ip_dev_index(n);

	if (err == -ENOSYS) {
		stats[dev].fragments++;
		return;
	}
	if (err) {
		n->stats.rx_malformed++;
		return;
	}
	stats[dev].ip_rx++;
	if (!ip_is_ours(n, ip.dst)) {
		stats[dev].not_ours++;
		return;
	}
	if (ip.proto == IPV4_PROTO_ICMP)
		ip_handle_icmp(n, eth, &ip);
	else if (ip.proto == IPV4_PROTO_UDP)
		ip_handle_udp(n, &ip);
	else
		stats[dev].unknown_proto++;
}

static void ip_handle_frame(struct netdev *n, size_t len)
{
	struct eth_view eth;

	if (ip_parse_eth(rx_frame, len, &eth)) {
		n->stats.rx_malformed++;
		return;
	}
	if (eth.type == ETH_TYPE_ARP)
		ip_handle_arp(n, &eth);
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
			ip_handle_frame(n, (size_t)len);
		}
	}
}

/* ---- send ---- */

static struct netdev *ip_route(uint32_t dst)
{
	for (unsigned i = 0; i < net_count(); i++) {
		struct netdev *n = net_get(i);

		if (n->ip && n->netmask && !((dst ^ n->ip) & n->netmask))
			return n;
	}
	for (unsigned i = 0; i < net_count(); i++)
		if (net_get(i)->ip && net_get(i)->gateway)
			return net_get(i);
	return NULL;
}

/* Poll until *flag is set: 0, -ETIMEDOUT, or -ECANCELED on Ctrl-C. */
static int ip_wait_flag(volatile int *flag, uint64_t deadline)
{
	for (;;) {
		ip_poll();
		if (*flag)
			return 0;
		if (console_ctrl_c_pending())
			return -ECANCELED;
		if (timer_ns() >= deadline)
			return -ETIMEDOUT;
		timer_delay_ns(20000);
	}
}

static int ip_arp_request(struct netdev *n, uint32_t addr)
{
	static const uint8_t zero[ETH_ALEN];
	size_t len = ip_build_eth(ctl_frame, eth_broadcast, n->mac, ETH_TYPE_ARP);

	len += ip_build_arp(ctl_frame + len, ARP_OP_REQUEST, n->mac, n->ip, zero, addr);
	stats[ip_dev_index(n)].arp_tx++;
	return n->transmit(n, ctl_frame, len);
}

/* The MAC of the next hop to dst: ARP, 3 tries of 300 ms. */
static int ip_resolve(struct netdev *n, uint32_t dst, uint8_t mac[ETH_ALEN])
{
	uint32_t hop = dst;
	unsigned dev = ip_dev_index(n);
	const uint8_t *m;

	if (dst == IP_BROADCAST || (n->netmask && dst == (n->ip | ~n->netmask))) {
		memcpy(mac, eth_broadcast, ETH_ALEN);
		return 0;
	}
	if (n->netmask && ((dst ^ n->ip) & n->netmask)) {
		if (!n->gateway)
			return -ENODEV;
		hop = n->gateway;
	}
	for (int t = 0; t < ARP_TRIES; t++) {
		uint64_t deadline = timer_ns() + ARP_WAIT_NS;

		if (!(m = ip_arp_lookup(hop, dev)))
			ip_arp_request(n, hop);
		while (!(m = ip_arp_lookup(hop, dev)) && timer_ns() < deadline) {
			if (console_ctrl_c_pending())
				return -ECANCELED;
			ip_poll();
		}
		if (m) {
			memcpy(mac, m, ETH_ALEN);
			return 0;
		}
	}
	return -ETIMEDOUT;
}

/* Send the payload_len bytes already at out_frame + L4_OFF. */
static int ip_send_ipv4(struct netdev *n, uint32_t dst, uint8_t proto, size_t payload_len)
{
	uint8_t mac[ETH_ALEN];
	int err = ip_resolve(n, dst, mac);

	if (err)
		return err;
	ip_build_eth(out_frame, mac, n->mac, ETH_TYPE_IPV4);
	ip_build_ipv4(out_frame + ETH_HLEN, n->ip, dst, proto, next_ip_id++, payload_len);
	stats[ip_dev_index(n)].ip_tx++;
	return n->transmit(n, out_frame, L4_OFF + payload_len);
}

/* Send the len bytes already at out_frame + UDP_DATA_OFF. */
static int ip_send_udp(struct netdev *n, uint32_t dst, uint16_t sport, uint16_t dport, size_t len)
{
	size_t ulen = ip_build_udp(out_frame + L4_OFF, n->ip, dst, sport, dport, len);

	return ip_send_ipv4(n, dst, IPV4_PROTO_UDP, ulen);
}

__attribute__((format(printf, 1, 2))) static void ip_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

int ip_config_static(struct netdev *n, uint32_t addr, unsigned prefix, uint32_t gw)
{
	uint32_t mask = ip_prefix_mask(prefix);

	if (!addr || prefix < 1 || prefix > 30 || (addr & ~mask) == 0 || (addr & ~mask) == ~mask)
		return -EINVAL;
	if (gw && ((gw ^ addr) & mask))
		return -EINVAL;
	n->ip = addr;
	n->netmask = mask;
	n->gateway = gw;
	n->dns = 0;
	n->lease_s = 0;
	tftp_server[ip_dev_index(n)] = 0;
	return 0;
}

/* ---- ping ---- */

static size_t ip_build_echo(uint16_t seq)
{
	uint8_t *p = out_frame + L4_OFF;

	p[0] = ICMP_ECHO_REQUEST;
	p[1] = 0;
	ip_put16(p + 2, 0);
	ip_put16(p + 4, PING_ID);
	ip_put16(p + 6, seq);
	for (unsigned i = 0; i < PING_DATA; i++)
		p[ICMP_HLEN + i] = (uint8_t)(0x20 + i);
	ip_put16(p + 2, ip_sum_finish(ip_sum(p, ICMP_HLEN + PING_DATA, 0)));
	return ICMP_HLEN + PING_DATA;
}

int ip_ping(uint32_t dst, uint16_t seq, uint64_t timeout_ns, uint64_t *rtt_ns, struct netdev **via)
{
	struct netdev *n = ip_route(dst);
	uint64_t t0 = timer_ns(), sent;
	int err;

	*via = n;
	if (!n)
		return -ENODEV;
	if (!ip_link_up(n))
		return -EIO;
	echo_wait.active = 1;
	echo_wait.got = 0;
	echo_wait.seq = seq;
	echo_wait.from = dst;
	/* ARP resolution counts against the same bound. */
	err = ip_send_ipv4(n, dst, IPV4_PROTO_ICMP, ip_build_echo(seq));
	sent = timer_ns();
	if (!err)
		err = ip_wait_flag(&echo_wait.got, t0 + timeout_ns);
	echo_wait.active = 0;
	if (!err)
		*rtt_ns = echo_wait.at_ns - sent;
	return err;
}

/* ---- UDP waits ---- */

static void ip_udp_listen(uint16_t port)
{
	udp_wait.port = port;
	udp_wait.ready = 0;
}

/* Next datagram to the listened port from n: 0, -ETIMEDOUT, -ECANCELED. */
static int ip_udp_wait(struct netdev *n, uint64_t deadline)
{
	for (;;) {
		int err = ip_wait_flag(&udp_wait.ready, deadline);

		if (err || udp_wait.dev == n)
			return err;
		udp_wait.ready = 0;
	}
}

/* ---- DHCP ---- */

static int ip_dhcp_send(struct netdev *n, uint8_t type, uint32_t xid, uint32_t want, uint32_t server)
{
	size_t len = ip_build_dhcp(out_frame + UDP_DATA_OFF, type, xid, n->mac, want, server);

	return ip_send_udp(n, IP_BROADCAST, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, len);
}

/* The next reply of one of two types for this transaction, before deadline. */
static int ip_dhcp_await(struct netdev *n, uint32_t xid, uint8_t t1, uint8_t t2, uint64_t deadline,
			 struct dhcp_view *d)
{
	for (;;) {
		int err = ip_udp_wait(n, deadline);

		if (err)
			return err;
		udp_wait.ready = 0;
		if (udp_wait.sport != DHCP_SERVER_PORT)
			continue;
		if (ip_parse_dhcp(udp_wait.data, udp_wait.len, xid, n->mac, d)) {
			n->stats.rx_malformed++;
			continue;
		}
		if (d->type == t1 || d->type == t2)
			return 0;
	}
}

static int ip_dhcp_apply(struct netdev *n, const struct dhcp_view *ack)
{
	uint32_t mask = ack->mask ? ack->mask : ip_prefix_mask(24);

	if (!ack->yiaddr || ip_mask_prefix(mask) < 0) {
		ip_set_error("%s: the server's ACK has no usable address", n->name);
		return -EPROTO;
	}
	n->ip = ack->yiaddr;
	n->netmask = mask;
	n->gateway = ack->router;
	n->dns = ack->dns;
	n->lease_s = ack->lease_s;
	tftp_server[ip_dev_index(n)] = ack->siaddr ? ack->siaddr : ack->server_id;
	return 0;
}

/* One DISCOVER/OFFER/REQUEST/ACK round inside DHCP_TRY_NS. */
static int ip_dhcp_try(struct netdev *n, uint32_t xid)
{
	uint64_t deadline = timer_ns() + DHCP_TRY_NS;
	struct dhcp_view offer, ack;
	int err = ip_dhcp_send(n, DHCP_DISCOVER, xid, 0, 0);

	if (!err)
		err = ip_dhcp_await(n, xid, DHCP_OFFER, DHCP_OFFER, deadline, &offer);
	if (!err)
		err = ip_dhcp_send(n, DHCP_REQUEST, xid, offer.yiaddr, offer.server_id);
	if (!err)
		err = ip_dhcp_await(n, xid, DHCP_ACK, DHCP_NAK, deadline, &ack);
	if (err)
		return err;
	if (ack.type == DHCP_NAK) {
		ip_set_error("%s: the server refused the address (NAK)", n->name);
		return -EPROTO;
	}
	return ip_dhcp_apply(n, &ack);
}

int ip_dhcp(struct netdev *n)
{
	int err = -ETIMEDOUT;

	last_error[0] = 0;
	if (!ip_link_up(n)) {
		ip_set_error("%s: link down", n->name);
		return -EIO;
	}
	/* No address while asking: replies to the broadcast are taken. */
	n->ip = n->netmask = n->gateway = n->dns = n->lease_s = 0;
	ip_udp_listen(DHCP_CLIENT_PORT);
	for (int t = 0; t < DHCP_TRIES && err && err != -ECANCELED; t++)
		err = ip_dhcp_try(n, (uint32_t)(timer_ns() ^ (timer_ns() >> 20) ^ ((uint32_t)n->mac[5] << 24)) + (uint32_t)t);
	ip_udp_listen(0);
	if (err == -ETIMEDOUT)
		ip_set_error("%s: no DHCP answer in %d tries of %llu s", n->name, DHCP_TRIES,
			     (unsigned long long)(DHCP_TRY_NS / NS_PER_S));
	if (err && err != -EPROTO)
		n->ip = n->netmask = 0;
	return err;
}

/* ---- TFTP ---- */

struct tftp_xfer {
	struct netdev *n;
	uint32_t server;
	uint16_t lport, rport;       /* rport: the server's transfer ID, 0 until it answers */
	uint8_t *buf;
	size_t cap, got;
	uint16_t block;              /* next DATA block expected */
	uint32_t blksize;
	int oack_ok;                 /* an OACK may still come (nothing received yet) */
	uint8_t last[TFTP_NAME_MAX + 32]; /* the last packet sent, for retransmission */
	size_t last_len;
};

static int tftp_send(struct tftp_xfer *x, const uint8_t *pkt, size_t len)
{
	if (pkt != x->last) {
		memcpy(x->last, pkt, len);
		x->last_len = len;
	}
	memcpy(out_frame + UDP_DATA_OFF, x->last, x->last_len);
	return ip_send_udp(x->n, x->server, x->lport, x->rport ? x->rport : TFTP_PORT, x->last_len);
}

static int tftp_ack(struct tftp_xfer *x, uint16_t block)
{
	uint8_t p[4];

	ip_put16(p, TFTP_ACK);
	ip_put16(p + 2, block);
	return tftp_send(x, p, sizeof(p));
}

/* ERROR to the server (not retransmitted, RFC 1350 section 7). */
static void tftp_send_error(struct tftp_xfer *x, uint16_t code, const char *msg)
{
	size_t n = strlen(msg);

	ip_put16(out_frame + UDP_DATA_OFF, TFTP_ERROR);
	ip_put16(out_frame + UDP_DATA_OFF + 2, code);
	memcpy(out_frame + UDP_DATA_OFF + 4, msg, n + 1);
	ip_send_udp(x->n, x->server, x->lport, x->rport ? x->rport : TFTP_PORT, n + 5);
}

static int tftp_rrq(struct tftp_xfer *x, const char *file)
{
	static const char mode[] = "octet\0blksize";
	uint8_t p[TFTP_NAME_MAX + 32];
	size_t n = strlen(file), len = 2;

	ip_put16(p, TFTP_RRQ);
	memcpy(p + len, file, n + 1);
	len += n + 1;
	memcpy(p + len, mode, sizeof(mode));
	len += sizeof(mode);
	len += (size_t)ksnprintf((char *)p + len, 8, "%u", TFTP_BLKSIZE) + 1;
	return tftp_send(x, p, len);
}

static int tftp_error_code(const struct tftp_view *t, const char *file)
{
	ip_set_error("%s: server error %u: %s", file, t->block, t->msg[0] ? t->msg : "(no message)");
	if (t->block == 1)
		return -ENOENT;
	return t->block == 2 ? -EACCES : -EPROTO;
}

/* One DATA block: 1 when it was the last, 0 to go on, or an error. */
static int tftp_data(struct tftp_xfer *x, const struct tftp_view *t)
{
	if (t->block == (uint16_t)(x->block - 1))
		return tftp_ack(x, t->block) ? -EIO : 0; /* our ACK was lost: repeat it */
	if (t->block != x->block)
		return 0;
	if (t->len > x->blksize) {
		x->n->stats.rx_malformed++;
		return 0;
	}
	if (t->len > x->cap - x->got) {
		tftp_send_error(x, 3, "file too large for the buffer");
		return -EFBIG;
	}
	memcpy(x->buf + x->got, t->data, t->len);
	x->got += t->len;
	if (tftp_ack(x, x->block++))
		return -EIO;
	return t->len < x->blksize;
}

/* One packet from the server: 1 done, 0 go on, or an error. */
static int tftp_packet(struct tftp_xfer *x, const char *file)
{
	struct tftp_view t;

	if (udp_wait.src != x->server || (x->rport && udp_wait.sport != x->rport))
		return 0; /* another transfer's packet */
	if (ip_parse_tftp(udp_wait.data, udp_wait.len, &t)) {
		x->n->stats.rx_malformed++;
		return 0;
	}
	if (t.op == TFTP_ERROR)
		return tftp_error_code(&t, file);
	x->rport = udp_wait.sport;
	if (t.op == TFTP_OACK) {
		if (!x->oack_ok)
			return 0;
		x->oack_ok = 0;
		x->blksize = t.blksize ? t.blksize : 512;
		return tftp_ack(x, 0) ? -EIO : 0;
	}
	if (x->oack_ok) /* DATA without OACK: the server ignored our option (RFC 2347) */
		x->blksize = 512;
	x->oack_ok = 0;
	return tftp_data(x, &t);
}

static int tftp_run(struct tftp_xfer *x, const char *file)
{
	int tries = 0, err = tftp_rrq(x, file);

	while (!err) {
		err = ip_udp_wait(x->n, timer_ns() + TFTP_WAIT_NS);
		if (err == -ETIMEDOUT && ++tries <= TFTP_RETRIES) {
			err = tftp_send(x, x->last, x->last_len);
			continue;
		}
		if (err)
			break;
		udp_wait.ready = 0;
		err = tftp_packet(x, file);
		if (err == 1)
			return 0;
		tries = 0;
	}
	if (err == -ETIMEDOUT)
		ip_set_error("%s: no answer from the TFTP server after %d retransmissions", file, TFTP_RETRIES);
	else if (err == -EFBIG)
		ip_set_error("%s: larger than %zu bytes", file, x->cap);
	return err;
}

/* The interface for TFTP: the first with an address, else DHCP on the
 * first whose link is up. */
static struct netdev *tftp_iface(int *err)
{
	for (unsigned i = 0; i < net_count(); i++)
		if (net_get(i)->ip && ip_link_up(net_get(i)))
			return net_get(i);
	for (unsigned i = 0; i < net_count(); i++) {
		struct netdev *n = net_get(i);

		if (ip_link_up(n) && !(*err = ip_dhcp(n)))
			return n;
		if (*err == -ECANCELED)
			return NULL;
	}
	if (!last_error[0])
		ip_set_error("no network interface with a link");
	*err = *err ? *err : -ENODEV;
	return NULL;
}

int ip_tftp_get(const char *file, void *buf, size_t cap, size_t *len)
{
	static struct tftp_xfer x;
	int err = 0;

	last_error[0] = 0;
	*len = 0;
	if (!*file || strlen(file) > TFTP_NAME_MAX) {
		ip_set_error("bad file name");
		return -EINVAL;
	}
	memset(&x, 0, sizeof(x));
	if (!(x.n = tftp_iface(&err)))
		return err;
	x.server = tftp_server[ip_dev_index(x.n)] ? tftp_server[ip_dev_index(x.n)] : x.n->gateway;
	if (!x.server) {
		ip_set_error("%s: no TFTP server known (no DHCP server, no gateway)", x.n->name);
		return -ENODEV;
	}
	x.lport = (uint16_t)(49152 + (timer_ns() >> 10) % 16000);
	x.buf = buf;
	x.cap = cap;
	x.block = 1;
	x.blksize = TFTP_BLKSIZE;
	x.oack_ok = 1;
	ip_udp_listen(x.lport);
	err = tftp_run(&x, file);
	ip_udp_listen(0);
	*len = x.got;
	return err;
}
