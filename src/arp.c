/* arp.c: the ARP cache, requests, and answers for our addresses (RFC 826);
 * resolution, which waits, is in ip_wait.c. The cache takes only what can
 * be right (ip_arp_sender_ok), replies only to a question we asked (for 2 s
 * after it), and from a request to us the sender; an entry's MAC changes
 * only by a new answer to our own question, never by a packet nobody asked
 * for (the same-MAC rule, not RFC 5227's defence). Bounded: 16 entries, and
 * learnt ones never push out the answers we asked for.
 * QEMU: -nic user,model=virtio-net-pci,restrict=on (then ping 10.0.2.2, arp). */
#include "ip.h"
#include "ip_layer.h"
#include "netdev.h"
#include "string.h"
#include "timer.h"

#define ARP_ASKED_MAX 4
#define ARP_ASKED_NS (2 * NS_PER_S)

static struct arp_entry arp_cache[ARP_CACHE_SIZE];

/* The questions we asked lately: only their answers are taken. */
static struct arp_asked {
	uint32_t ip;
	const struct netdev *dev;
	uint64_t until_ns;
} arp_asked[ARP_ASKED_MAX];

const struct arp_entry *ip_arp_cache(void) { return arp_cache; }

static struct arp_entry *arp_find(uint32_t addr, const struct netdev *n)
{
	uint64_t now = timer_coarse_ns();

	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++)
		if (arp_cache[i].expires_ns > now && arp_cache[i].ip == addr && arp_cache[i].dev == n)
			return &arp_cache[i];
	return NULL;
}

const uint8_t *arp_lookup(uint32_t addr, const struct netdev *n)
{
	struct arp_entry *e = arp_find(addr, n);

	return e ? e->mac : NULL;
}

static void arp_note_asked(uint32_t addr, const struct netdev *n)
{
	struct arp_asked *q = &arp_asked[0];

	for (unsigned i = 0; i < ARP_ASKED_MAX; i++) {
		if (arp_asked[i].ip == addr && arp_asked[i].dev == n) {
			q = &arp_asked[i];
			break;
		}
		if (arp_asked[i].until_ns < q->until_ns)
			q = &arp_asked[i];
	}
	*q = (struct arp_asked){ addr, n, timer_coarse_ns() + ARP_ASKED_NS };
}

/* 1 (and the question answered) when we asked for addr on n lately. */
static int arp_take_asked(uint32_t addr, const struct netdev *n)
{
	for (unsigned i = 0; i < ARP_ASKED_MAX; i++)
		if (arp_asked[i].ip == addr && arp_asked[i].dev == n && arp_asked[i].until_ns > timer_coarse_ns()) {
			arp_asked[i].until_ns = 0;
			return 1;
		}
	return 0;
}

/* A free or expired slot, else the oldest learnt entry; an answer to our
 * question may also take the oldest of all. NULL: full of answers. */
static struct arp_entry *arp_slot(int resolved)
{
	struct arp_entry *e = NULL;
	uint64_t now = timer_coarse_ns();

	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *x = &arp_cache[i];

		if (x->expires_ns <= now)
			return x;
		if ((resolved || !x->resolved) && (!e || x->expires_ns < e->expires_ns))
			e = x;
	}
	return e;
}

static void arp_store(struct arp_entry *e, uint32_t addr, const uint8_t mac[ETH_ALEN], const struct netdev *n,
		      int resolved)
{
	e->ip = addr;
	memcpy(e->mac, mac, ETH_ALEN);
	e->dev = n;
	e->resolved = resolved;
	e->expires_ns = timer_coarse_ns() + ARP_EXPIRY_NS;
}

/* What a valid sender's packet does to the cache. */
static void arp_learn(struct netdev *n, struct ip_iface *c, const struct arp_view *a)
{
	struct arp_entry *e = arp_find(a->spa, n);
	int for_us = c->addr && a->tpa == c->addr;
	int asked = a->op == ARP_OP_REPLY && for_us && arp_take_asked(a->spa, n);

	if (e && !memcmp(e->mac, a->sha, ETH_ALEN))
		arp_store(e, a->spa, a->sha, n, e->resolved || asked); /* the same station: fresh again */
	else if (asked)
		arp_store(e ? e : arp_slot(1), a->spa, a->sha, n, 1);
	else if (e)
		c->stats.arp_conflicts++;  /* another MAC for a known address, unasked */
	else if (a->op == ARP_OP_REQUEST && for_us && (e = arp_slot(0)))
		arp_store(e, a->spa, a->sha, n, 0);
	else if (a->op == ARP_OP_REPLY)
		c->stats.arp_unsolicited++;
}

void arp_handle(struct netdev *n, const struct eth_view *eth)
{
	struct ip_iface *c = ip_iface_of(n);
	struct arp_view a;
	size_t len;

	if (ip_parse_arp(eth->payload, eth->len, &a)) {
		n->stats.rx_malformed++;
		return;
	}
	c->stats.arp_rx++;
	if (ip_arp_sender_ok(&a, c->addr, c->netmask, n->mac))
		arp_learn(n, c, &a);
	else if (c->addr && a.spa == c->addr)
		c->stats.arp_conflicts++;
	else
		c->stats.arp_refused++;
	/* Answer a question for our address (a probe from 0.0.0.0 too, RFC
	 * 5227 2.4) when there is a station to answer. */
	if (a.op != ARP_OP_REQUEST || !c->addr || a.tpa != c->addr || !ip_mac_unicast(a.sha) ||
	    !ip_mac_unicast(eth->src))
		return;
	len = ip_build_eth(ip_ctl_frame, a.sha, n->mac, ETH_TYPE_ARP);
	len += ip_build_arp(ip_ctl_frame + len, ARP_OP_REPLY, n->mac, c->addr, a.sha, a.spa);
	ip_send_raw(n, ip_ctl_frame, len);
	c->stats.arp_tx++;
}

int arp_request(struct netdev *n, uint32_t addr)
{
	static const uint8_t zero[ETH_ALEN];
	struct ip_iface *c = ip_iface_of(n);
	size_t len = ip_build_eth(ip_ctl_frame, ip_eth_broadcast, n->mac, ETH_TYPE_ARP);

	len += ip_build_arp(ip_ctl_frame + len, ARP_OP_REQUEST, n->mac, c->addr, zero, addr);
	arp_note_asked(addr, n);
	c->stats.arp_tx++;
	return n->transmit(n, ip_ctl_frame, len);
}
