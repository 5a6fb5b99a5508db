/* cmd_ip.c: dhcp, ping, arp: the monitor's view of the IPv4 layer
 * (include/ip.h); net and its subcommands are in cmd_net.c.
 * QEMU: -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0. */
#include "console.h"
#include "errno.h"
#include "ip.h"
#include "kernel.h"
#include "monitor.h"
#include "netdev.h"
#include "string.h"
#include "timer.h"

#define PING_TIMEOUT_NS 1000000000ull
#define PING_INTERVAL_NS 100000000ull   /* between echo requests */
#define PING_MAX 100000


static void net_addr_str(uint32_t a, char buf[16])
{
	if (a)
		ip_format_addr(a, buf);
	else
		strlcpy(buf, "-", 16);
}

void net_print_config(struct netdev *n)
{
	const struct ip_iface *c = ip_iface_get(n);
	char a[16], mask[16], gw[16], dns[16];

	if (!c)
		return;
	ip_format_addr(c->addr, a);
	ip_format_addr(c->netmask, mask);
	net_addr_str(c->gateway, gw);
	net_addr_str(c->dns, dns);
	kprintf("%s: address %s/%d\n  netmask %s\n  gateway %s\n  dns     %s\n", n->name, a, ip_mask_prefix(c->netmask),
		mask, gw, dns);
	if (c->lease_s)
		kprintf("  lease   %llu s\n", ull(c->lease_s));
	else
		kprintf("  lease   -\n");
	if (c->boot_server) {
		ip_format_addr(c->boot_server, a);
		kprintf("  boot    %s %s\n", a, c->boot_file[0] ? c->boot_file : "-");
	}
}

int net_run_dhcp(const char *cmd, struct netdev *n)
{
	char why[128];
	int err;

	kprintf("%s: DHCP...\n", n->name);
	err = ip_dhcp(n, why, sizeof(why));
	if (err == -ECANCELED)
		return err;
	if (err)
		return cmd_error("%s: %s", cmd, why);
	net_print_config(n);
	return 0;
}

static int cmd_dhcp(int argc, char **argv)
{
	struct netdev *n = net_get(0);

	if (argc == 2 && cmd_arg_iface("dhcp", argv[1], &n))
		return CMD_REPORTED;
	if (!n)
		return cmd_error("dhcp: no network interfaces");
	return net_run_dhcp("dhcp", n);
}

CMD(dhcp, .name = "dhcp", .usage = "dhcp [IFACE]",
    .summary = "get an address by DHCP (default net0): address, netmask, gateway, DNS, lease",
    .help = "DISCOVER, OFFER, REQUEST, ACK; 3 tries of 3 s each; Ctrl-C stops.\n"
	    "examples:\n  dhcp\n  dhcp net1",
    .min_args = 0, .max_args = 1, .fn = cmd_dhcp);

struct ping_sum {
	unsigned sent, received;
	uint64_t min_ns, max_ns, total_ns;
};

static void ping_summary(const char *dst, const struct ping_sum *s)
{
	uint64_t avg = s->received ? s->total_ns / s->received : 0;

	kprintf("--- %s: %u sent, %u received, %u%% loss", dst, s->sent, s->received,
		s->sent ? (s->sent - s->received) * 100 / s->sent : 0);
	if (s->received)
		kprintf(", rtt min/avg/max %llu.%03llu/%llu.%03llu/%llu.%03llu ms", ull(s->min_ns / 1000000),
			ull(s->min_ns / 1000 % 1000), ull(avg / 1000000), ull(avg / 1000 % 1000),
			ull(s->max_ns / 1000000), ull(s->max_ns / 1000 % 1000));
	kprintf("\n");
}

/* Keep answering ARP and pings until the next echo is due. */
static int ping_pause(uint64_t until)
{
	while (timer_ns() < until) {
		ip_poll();
		if (console_ctrl_c_pending())
			return -ECANCELED;
		timer_delay_ns(50000);
	}
	return 0;
}

/* One echo: 0 (counted, printed), or an error that ends the run. */
static int ping_one(uint32_t dst, const char *name, unsigned seq, struct ping_sum *s)
{
	struct netdev *via;
	uint64_t rtt = 0;
	int err = ip_ping(dst, (uint16_t)seq, PING_TIMEOUT_NS, &rtt, &via);

	if (err == -ENODEV)
		return cmd_error("ping: no interface reaches %s (use dhcp or net IFACE ip)", name);
	if (err == -EIO)
		return cmd_error("ping: %s: link down", via->name);
	if (err == -ECANCELED)
		return err;
	s->sent++;
	if (err) {
		kprintf("no reply from %s: seq=%u%s%s\n", name, seq, err == -ETIMEDOUT ? "" : ": ",
			err == -ETIMEDOUT ? "" : error_str(err));
		return 0;
	}
	s->received++;
	s->total_ns += rtt;
	s->min_ns = s->received == 1 ? rtt : MIN(s->min_ns, rtt);
	s->max_ns = MAX(s->max_ns, rtt);
	kprintf("64 bytes from %s: seq=%u time=%llu.%03llu ms\n", name, seq, ull(rtt / 1000000), ull(rtt / 1000 % 1000));
	return 0;
}

static int ping_parse(int argc, char **argv, uint64_t *count, uint32_t *dst)
{
	int i = 1;

	if (argc == 4 && !strcmp(argv[1], "-c")) {
		if (cmd_arg_u64("ping", argv[2], "count", 0, count))
			return CMD_REPORTED;
		if (!*count || *count > PING_MAX)
			return cmd_error("ping: count must be 1 to %u", PING_MAX);
		i = 3;
	} else if (argc != 2) {
		return cmd_error("ping: usage: ping [-c N] IP");
	}
	if (ip_parse_addr(argv[i], dst) || !*dst || *dst == IP_BROADCAST)
		return cmd_error("ping: bad address '%s'", argv[i]);
	return 0;
}

/* The interface that has this address, if it is one of ours. */
static struct netdev *ping_own_iface(uint32_t dst)
{
	for (unsigned i = 0; i < net_count(); i++) {
		const struct ip_iface *c = ip_iface_get(net_get(i));

		if (c && c->addr == dst)
			return net_get(i);
	}
	return NULL;
}

static int cmd_ping(int argc, char **argv)
{
	struct ping_sum s = { 0, 0, 0, 0, 0 };
	uint64_t count = 4, next;
	uint32_t dst;
	int err = ping_parse(argc, argv, &count, &dst);
	const char *name = argv[argc - 1];

	if (err)
		return err;
	if (ping_own_iface(dst))
		return cmd_error("ping: %s is this machine's own address (%s): Ingot sends nothing to itself", name,
				 ping_own_iface(dst)->name);
	for (unsigned seq = 1; !err && seq <= count; seq++) {
		next = timer_ns() + PING_INTERVAL_NS;
		err = ping_one(dst, name, seq, &s);
		if (!err && seq < count)
			err = ping_pause(next);
	}
	if (err == CMD_REPORTED && !s.sent)
		return err;
	ping_summary(name, &s);
	if (err)
		return err;
	return s.received ? 0 : cmd_error("ping: no reply from %s", name);
}

CMD(ping, .name = "ping", .usage = "ping [-c N] IP",
    .summary = "ICMP echo: time per reply, loss summary (default 4 echoes)",
    .help = "Each echo waits at most 1 s for its reply; one every 100 ms at most.\n"
	    "Ctrl-C stops. The route is the interface whose subnet holds IP, else\n"
	    "one with a gateway.\n"
	    "examples:\n  ping 10.0.2.2\n  ping -c 100 192.168.7.2",
    .min_args = 1, .max_args = 3, .fn = cmd_ping);

static int cmd_arp(int argc, char **argv)
{
	const struct arp_entry *e = ip_arp_cache();
	uint64_t now = timer_coarse_ns(); /* the clock of arp.c */
	unsigned shown = 0;
	char a[16];

	(void)argc;
	(void)argv;
	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++) {
		const uint8_t *m = e[i].mac;

		if (e[i].expires_ns <= now)
			continue;
		if (!shown++)
			kprintf("%-15s %-17s  %-5s  %s\n", "ADDRESS", "MAC", "IFACE", "EXPIRES");
		ip_format_addr(e[i].ip, a);
		kprintf("%-15s %02x:%02x:%02x:%02x:%02x:%02x  %-5s  in %llu s\n", a, m[0], m[1], m[2], m[3], m[4], m[5],
			e[i].dev->name, ull((e[i].expires_ns - now) / 1000000000));
	}
	if (!shown)
		kprintf("arp cache empty\n");
	return 0;
}

CMD(arp, .name = "arp", .usage = "arp", .summary = "the ARP cache: address, MAC, interface, expiry",
    .help = "Entries last 120 s; the cache holds 16 and replaces the oldest.", .min_args = 0, .max_args = 0,
    .fn = cmd_arp);
