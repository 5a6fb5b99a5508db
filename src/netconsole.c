/* netconsole.c: the network console, as U-Boot's and Linux's netconsole:
 * every console write also goes out as UDP datagrams (RFC 768) to one host,
 * and that host's datagrams to our port are keyboard input (Ctrl-C too);
 * others are counted and dropped. It never waits: output waits in a ring
 * while the host's MAC is unknown or the ring of the NIC is full, and is
 * dropped (counted) when the ring is full. QEMU: -netdev
 * user,id=n0,restrict=on,hostfwd=udp:127.0.0.1:P-:6666 -append netconsole=dhcp@10.0.2.2:6666. */
#include "bootinfo.h"
#include "console.h"
#include "errno.h"
#include "ip.h"
#include "ip_layer.h"
#include "kernel.h"
#include "netconsole.h"
#include "netdev.h"
#include "percpu.h"
#include "string.h"
#include "timer.h"
#include "x86.h"

#define NETCON_RING 8192            /* power of two: output waiting to go out */
#define NETCON_CHUNK 1024           /* bytes per datagram at most */
#define NETCON_ARP_EVERY_NS NS_PER_S

static struct {
	volatile int on;
	struct netdev *dev;
	uint32_t host, hop;
	uint16_t port;
	int have_mac;
	uint8_t mac[ETH_ALEN];
	uint64_t next_arp_ns;
	char ring[NETCON_RING];
	uint32_t head, tail;
	uint64_t datagrams_out, bytes_lost, datagrams_in, strangers, input_lost;
	uint8_t frame[ETH_FRAME_MAX];
} nc;

/* One datagram of the oldest waiting output: 0 sent, -EAGAIN (NIC ring
 * full: try later), or another error (the bytes are dropped). */
static int netcon_send_chunk(void)
{
	const struct ip_iface *c = ip_iface_get(nc.dev);
	uint32_t n = MIN(nc.head - nc.tail, NETCON_CHUNK);
	uint8_t *p = nc.frame + UDP_DATA_OFF;
	size_t ulen;
	int err;

	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)nc.ring[(nc.tail + i) & (NETCON_RING - 1)];
	ulen = ip_build_udp(nc.frame + L4_OFF, c->addr, nc.host, nc.port, nc.port, n);
	ip_build_eth(nc.frame, nc.mac, nc.dev->mac, ETH_TYPE_IPV4);
	ip_build_ipv4(nc.frame + ETH_HLEN, c->addr, nc.host, IPV4_PROTO_UDP, ip_next_id(), ulen);
	err = nc.dev->transmit(nc.dev, nc.frame, L4_OFF + ulen);
	if (err == -EAGAIN)
		return err;
	if (err)
		nc.bytes_lost += n;
	else
		nc.datagrams_out++;
	nc.tail += n;
	return 0;
}

/* With the consoles held. Not from inside a driver (a core holding a
 * lock, a fault report from under the device's lock): the poll sends then. */
static void netcon_flush(void)
{
	if (!nc.on || !nc.have_mac || this_cpu()->nheld)
		return;
	while (nc.head != nc.tail && netcon_send_chunk() == 0)
		;
}

static void netcon_write(struct console *con, const char *buf, size_t len)
{
	(void)con;
	if (!nc.on)
		return;
	for (size_t i = 0; i < len; i++) {
		if (nc.head - nc.tail >= NETCON_RING) {
			nc.bytes_lost += len - i;
			break;
		}
		nc.ring[nc.head++ & (NETCON_RING - 1)] = buf[i];
	}
	netcon_flush();
}

static void netcon_describe(struct console *con, char *buf, size_t size)
{
	char a[16], h[16];
	const struct ip_iface *c = nc.dev ? ip_iface_get(nc.dev) : NULL;

	(void)con;
	if (!nc.on || !c) {
		ksnprintf(buf, size, "off");
		return;
	}
	ip_format_addr(c->addr, a);
	ip_format_addr(nc.host, h);
	ksnprintf(buf, size, "%s %s -> %s:%u%s, %llu datagrams out, %llu bytes lost, %llu in, %llu from strangers",
		  nc.dev->name, a, h, nc.port, nc.have_mac ? "" : " (no ARP answer yet)", (unsigned long long)nc.datagrams_out,
		  (unsigned long long)(nc.bytes_lost + nc.input_lost), (unsigned long long)nc.datagrams_in, (unsigned long long)nc.strangers);
}

static struct console netcon_console = {
	.name = "net",
	.kind = CONSOLE_NET,
	.write = netcon_write,
	.describe = netcon_describe,
};

/* The host's datagrams are typed input; as an interrupt handler pushes
 * them: with interrupts off, so one producer at a time. */
static void netcon_rx(struct netdev *n, uint32_t src, uint16_t sport, const uint8_t *data, size_t len)
{
	uint64_t f;

	(void)sport; /* the host's source port is its own (socat, nc): any */
	if (!nc.on || n != nc.dev || src != nc.host) {
		nc.strangers++;
		return;
	}
	nc.datagrams_in++;
	f = cpu_irq_save();
	for (size_t i = 0; i < len; i++) {
		if (console_input_room())
			console_input_push(data[i]);
		else
			nc.input_lost++;
	}
	cpu_irq_restore(f);
}

/* At the prompt (console polls): ask for the host's MAC again, send what
 * waits. */
static void netcon_poll(void)
{
	const uint8_t *m;

	if (!nc.on)
		return;
	if (!nc.have_mac && (m = arp_lookup(nc.hop, nc.dev))) {
		memcpy(nc.mac, m, ETH_ALEN);
		nc.have_mac = 1;
	} else if (!nc.have_mac && timer_ns() >= nc.next_arp_ns) {
		nc.next_arp_ns = timer_ns() + NETCON_ARP_EVERY_NS;
		arp_request(nc.dev, nc.hop);
	}
	console_lock();
	netcon_flush();
	console_unlock();
}

/* The interface's address: DHCP, or the static one with the checks of
 * `net IFACE ip`. */
static int netcon_address(struct netdev *n, const struct netcon_config *cfg, char *why, size_t whysz)
{
	const char *bad;
	int err;

	if (cfg->dhcp) {
		err = ip_dhcp(n, why, whysz);
		if (err == -ECANCELED)
			ksnprintf(why, whysz, "%s: DHCP stopped", n->name);
		return err;
	}
	if (ip_check_config(cfg->addr, ip_prefix_mask(cfg->prefix), cfg->gw, &bad)) {
		ksnprintf(why, whysz, "%s: not a usable address: %s", n->name, bad);
		return -EINVAL;
	}
	return ip_config_static(n, cfg->addr, cfg->prefix, cfg->gw);
}

/* The host's next hop: itself on the subnet, else the gateway. */
static int netcon_hop(const struct ip_iface *c, uint32_t host, uint32_t *hop, char *why, size_t whysz)
{
	char h[16];

	ip_format_addr(host, h);
	*hop = host;
	if (ip_addr_special(host) || host == c->addr || host == (c->addr | ~c->netmask)) {
		ksnprintf(why, whysz, "%s is not another host's address", h);
		return -EINVAL;
	}
	if (!((host ^ c->addr) & c->netmask))
		return 0;
	if (!c->gateway) {
		ksnprintf(why, whysz, "%s is off %s's subnet and there is no gateway", h, c->dev->name);
		return -ENODEV;
	}
	*hop = c->gateway;
	return 0;
}

void netcon_stop(void)
{
	nc.on = 0;
	udp_set_service(0, NULL);
}

int netcon_start(const struct netcon_config *cfg, char *why, size_t whysz)
{
	static int registered;
	struct netdev *n = cfg->iface[0] ? net_find(cfg->iface) : net_get(0);
	uint32_t hop;
	int err;

	why[0] = 0;
	if (!n) {
		ksnprintf(why, whysz, "%s: no such network interface", cfg->iface[0] ? cfg->iface : "net0");
		return -ENODEV;
	}
	netcon_stop();
	err = netcon_address(n, cfg, why, whysz);
	if (!err)
		err = netcon_hop(ip_iface_get(n), cfg->host, &hop, why, whysz);
	if (err)
		return err;
	nc.dev = n;
	nc.host = cfg->host;
	nc.hop = hop;
	nc.port = cfg->port;
	nc.head = nc.tail = 0;
	nc.datagrams_out = nc.bytes_lost = nc.datagrams_in = nc.strangers = nc.input_lost = 0;
	/* Not answering costs output, not progress: the poll asks again. */
	nc.have_mac = ip_resolve(n, cfg->host, nc.mac) == 0;
	nc.next_arp_ns = timer_ns() + NETCON_ARP_EVERY_NS;
	if (!registered) {
		registered = 1;
		console_register(&netcon_console);
		console_add_poll(netcon_poll);
		console_add_input("net");
	}
	udp_set_service(nc.port, netcon_rx);
	console_select(console_selected() | CONSOLE_NET);
	__atomic_store_n(&nc.on, 1, __ATOMIC_RELEASE);
	return 0;
}

void netcon_boot(const char *cmdline)
{
	char val[128], why[160];
	struct netcon_config cfg;
	const char *bad;

	if (cmdline_get(cmdline, "netconsole", val, sizeof(val)) < 0)
		return;
	if (netcon_parse(val, &cfg, &bad))
		console_report_error("netconsole=%s: %s", val, bad);
	else if (netcon_start(&cfg, why, sizeof(why)))
		console_report_error("netconsole=%s: %s", val, why[0] ? why : "failed");
}
