/* cmd_net.c: net (NICs, link, address), net IFACE ip|stats, net up IFACE:
 * the monitor's view of the netdevs (dhcp, ping and arp: cmd_ip.c). A build
 * profile without the IPv4 layer (ipv4.c and its kin, ip_parse.c, cmd_ip.c) still lists
 * the interfaces and their driver counters.
 * QEMU: -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0. */
#include "console.h"
#include "errno.h"
#include "ip.h"
#include "kernel.h"
#include "monitor.h"
#include "netdev.h"
#include "string.h"

/* The IPv4 layer, which a build profile may leave out. */
OPTIONAL(ip_format_addr);
OPTIONAL(ip_mask_prefix);
OPTIONAL(ip_parse_cidr);
OPTIONAL(ip_parse_addr);
OPTIONAL(ip_config_static);
OPTIONAL(ip_iface_get);
OPTIONAL(net_run_dhcp);
OPTIONAL(net_print_config);

static void net_print_row(struct netdev *n)
{
	int up = 0;
	unsigned mbps = 0;
	char addr[16], speed[24] = "";
	const uint8_t *m = n->mac;
	const struct ip_iface *c = ip_iface_get ? ip_iface_get(n) : NULL;

	if (n->link(n, &up, &mbps))
		up = 0;
	if (up && mbps)
		ksnprintf(speed, sizeof(speed), " %u Mb/s", mbps);
	kprintf("%-5s %-11s %02x:%02x:%02x:%02x:%02x:%02x  %s%-12s", n->name, n->driver, m[0], m[1], m[2], m[3], m[4],
		m[5], up ? "up" : "down", speed);
	if (c && c->addr && ip_format_addr) {
		ip_format_addr(c->addr, addr);
		kprintf("  %s/%d\n", addr, ip_mask_prefix(c->netmask));
	} else {
		kprintf("  -\n");
	}
	/* The first look only shows the state: there was no look before it. */
	if (n->looked && up != n->last_link_up)
		kprintf("%s: link %s since the last look\n", n->name, up ? "came up" : "went down");
	n->looked = 1;
	n->last_link_up = up;
}

static int net_list(void)
{
	if (!net_count())
		kprintf("no network interfaces\n");
	for (unsigned i = 0; i < net_count(); i++)
		net_print_row(net_get(i));
	return 0;
}

/* net IFACE ip ADDR/PREFIX [GW] */
static int net_static(struct netdev *n, int argc, char **argv)
{
	uint32_t addr, gw = 0;
	unsigned prefix;
	char a[16];

	if (!ip_config_static || !ip_parse_cidr || !ip_parse_addr)
		return cmd_error("net: %s ip: this kernel has no IPv4 layer", n->name);
	if (ip_parse_cidr(argv[3], &addr, &prefix))
		return cmd_error("net: bad address '%s' (want A.B.C.D/PREFIX)", argv[3]);
	if (argc == 5 && ip_parse_addr(argv[4], &gw))
		return cmd_error("net: bad gateway '%s'", argv[4]);
	if (ip_config_static(n, addr, prefix, gw))
		return cmd_error("net: %s%s%s is not a usable host address%s", argv[3], gw ? " via " : "",
				 gw ? argv[4] : "", gw ? " and gateway in one subnet" : "");
	ip_format_addr(addr, a);
	kprintf("%s: address %s/%u, gateway %s\n", n->name, a, prefix, gw ? argv[4] : "-");
	return 0;
}

static int net_stats(struct netdev *n)
{
	const struct net_stats *s = &n->stats;
	const struct ip_iface *c = ip_iface_get ? ip_iface_get(n) : NULL;
	const struct ip_stats *i = c ? &c->stats : NULL;

	kprintf("%s (%s)\n  rx: %llu frames, %llu bytes, %llu dropped, %llu errors, %llu malformed\n", n->name,
		n->driver, ull(s->rx_frames), ull(s->rx_bytes), ull(s->rx_dropped), ull(s->rx_errors),
		ull(s->rx_malformed));
	kprintf("  tx: %llu frames, %llu bytes, %llu dropped, %llu errors\n  link changes: %llu\n", ull(s->tx_frames),
		ull(s->tx_bytes), ull(s->tx_dropped), ull(s->tx_errors), ull(s->link_changes));
	kprintf("  interrupts: %s, %llu taken   while programs ran: %llu frames kept by the kernel\n",
		n->irq_mode ? n->irq_mode : "none (polled)", ull(s->irqs), ull(s->kernel_rx));
	if (!i)
		return 0;
	kprintf("  arp: %llu in, %llu out   ipv4: %llu in, %llu out, %llu not ours, %llu fragments dropped,"
		" %llu other protocols\n", ull(i->arp_rx), ull(i->arp_tx), ull(i->ip_rx), ull(i->ip_tx),
		ull(i->not_ours), ull(i->fragments), ull(i->unknown_proto));
	kprintf("  icmp: %llu in, %llu echo requests answered   udp: %llu in\n", ull(i->icmp_rx),
		ull(i->echo_answered), ull(i->udp_rx));
	kprintf("  refused: arp %llu bad sender, %llu unasked, %llu conflicts; %llu bad source;"
		" %llu echo requests; udp %llu unheard\n", ull(i->arp_refused), ull(i->arp_unsolicited),
		ull(i->arp_conflicts), ull(i->bad_source), ull(i->echo_refused), ull(i->udp_dropped));
	return 0;
}

/* net up IFACE: the link must be up; an interface without an address
 * gets one by DHCP, one that has an address keeps it. */
static int net_up(struct netdev *n)
{
	int up = 0;
	unsigned mbps = 0;
	const struct ip_iface *c;

	if (n->link(n, &up, &mbps) || !up)
		return cmd_error("net: up: %s: link down", n->name);
	n->last_link_up = 1;
	if (!net_run_dhcp || !net_print_config || !ip_iface_get || !(c = ip_iface_get(n)))
		return cmd_error("net: up: %s: link up; this kernel has no IPv4 layer", n->name);
	if (!c->addr)
		return net_run_dhcp("net: up", n);
	kprintf("%s: link up, ", n->name);
	net_print_config(n);
	return 0;
}

static int cmd_net(int argc, char **argv)
{
	struct netdev *n;

	if (argc == 1)
		return net_list();
	if (!strcmp(argv[1], "up")) {
		if (argc != 3)
			return cmd_error("net: usage: net up IFACE");
		return cmd_arg_iface("net", argv[2], &n) ? CMD_REPORTED : net_up(n);
	}
	if (cmd_arg_iface("net", argv[1], &n))
		return CMD_REPORTED;
	if (argc >= 4 && argc <= 5 && !strcmp(argv[2], "ip"))
		return net_static(n, argc, argv);
	if (argc == 3 && !strcmp(argv[2], "stats"))
		return net_stats(n);
	return cmd_error("net: usage: net | net up IFACE | net IFACE ip ADDR/PREFIX [GW] | net IFACE stats");
}

CMD(net, .name = "net", .usage = "net [up IFACE|IFACE ip|stats ...]",
    .summary = "network interfaces: driver, MAC, link, address; static setup; counters",
    .help = "net              one row per interface: name, driver, MAC, link and speed,\n"
	    "                 address/prefix ('-' when none); a line when a link changed\n"
	    "net up IFACE     check the link; run DHCP when IFACE has no address yet\n"
	    "net IFACE ip ADDR/PREFIX [GW]   static address (and gateway)\n"
	    "net IFACE stats  driver and IPv4 counters\n"
	    "examples:\n  net\n  net net0 ip 192.168.7.1/24\n  net net0 stats",
    .min_args = 0, .max_args = 4, .fn = cmd_net);
