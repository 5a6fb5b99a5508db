/* arp.c: the ARP cache, requests, and answers for our addresses (RFC 826);
 * resolution, which waits, is in ip_wait.c.
 * QEMU: -nic user,model=virtio-net-pci,restrict=on (then ping 10.0.2.2, arp). */
#include "ip.h"
#include "ip_layer.h"
#include "netdev.h"
#include "string.h"
#include "timer.h"

static struct arp_entry arp_cache[ARP_CACHE_SIZE];

const struct arp_entry *ip_arp_cache(void) { return arp_cache; }

const uint8_t *arp_lookup(uint32_t addr, const struct netdev *n)
{
	uint64_t now = timer_ns();

	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++)
		if (arp_cache[i].expires_ns > now && arp_cache[i].ip == addr && arp_cache[i].dev == n)
			return arp_cache[i].mac;
	return NULL;
}

/* Refresh the entry, else take a free or expired one, else the oldest. */
static void arp_store(uint32_t addr, const uint8_t mac[ETH_ALEN], const struct netdev *n)
{
	struct arp_entry *e = NULL;
	uint64_t now = timer_ns();

	for (unsigned i = 0; i < ARP_CACHE_SIZE && !e; i++)
		if (arp_cache[i].expires_ns && arp_cache[i].ip == addr && arp_cache[i].dev == n)
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
	e->dev = n;
	e->expires_ns = now + ARP_EXPIRY_NS;
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
	if (!c->addr || a.tpa != c->addr) {
		if (a.spa && arp_lookup(a.spa, n)) /* keep known entries fresh (RFC 826 merge) */
			arp_store(a.spa, a.sha, n);
		return;
	}
	if (a.spa)
		arp_store(a.spa, a.sha, n);
	if (a.op != ARP_OP_REQUEST)
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
	c->stats.arp_tx++;
	return n->transmit(n, ip_ctl_frame, len);
}
