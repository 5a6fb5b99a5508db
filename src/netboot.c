/* netboot.c: Ingot booted from the network (docs/bring-up.md section 9):
 * GRUB's netboot script names its TFTP server and card (bootserver=IP
 * bootif=MAC); Ingot takes a DHCP lease on that card at boot and loads
 * programs from that server. QEMU: -boot n -netdev user,tftp=build/netboot,... */
#include "bootinfo.h"
#include "console.h"
#include "errno.h"
#include "ip.h"
#include "ip_layer.h"
#include "netdev.h"
#include "string.h"
#include "timer.h"

#define NETBOOT_LINK_WAIT_NS (3 * NS_PER_S)

static uint32_t netboot_server; /* bootserver= from the command line; 0 = none */

int ip_boot_server(uint32_t *addr)
{
	*addr = netboot_server;
	for (unsigned i = 0; i < net_count() && !*addr; i++)
		*addr = ip_iface_of(net_get(i))->boot_server;
	return *addr ? 0 : -ENOENT;
}

uint32_t ip_tftp_server(const struct ip_iface *c)
{
	if (netboot_server)
		return netboot_server;
	if (c->boot_server)
		return c->boot_server;
	return c->tftp_server ? c->tftp_server : c->gateway;
}

/* The card GRUB booted from (bootif=), else the first; NULL when none. */
static struct netdev *netboot_card(const uint8_t *mac)
{
	for (unsigned i = 0; mac && i < net_count(); i++)
		if (!memcmp(net_get(i)->mac, mac, ETH_ALEN))
			return net_get(i);
	return net_count() ? net_get(0) : NULL;
}

/* Read bootserver= and bootif=: 1 when either says we came from the
 * network, with *mac set when bootif= names a card. */
static int netboot_args(uint8_t mac[ETH_ALEN], int *have_mac)
{
	char val[32];
	int server = cmdline_get(boot_info.cmdline, "bootserver", val, sizeof(val)) >= 0;

	if (server && ip_parse_addr(val, &netboot_server))
		console_report_error("bootserver=%s: not an IPv4 address", val);
	*have_mac = cmdline_get(boot_info.cmdline, "bootif", val, sizeof(val)) >= 0;
	if (*have_mac && ip_parse_mac(val, mac)) {
		console_report_error("bootif=%s: not a MAC address", val);
		*have_mac = 0;
	}
	return server || *have_mac;
}

void netboot_init(void)
{
	uint8_t mac[ETH_ALEN];
	int have_mac;
	struct netdev *n;
	const struct ip_iface *c;
	char why[128], a[16], s[16];
	uint64_t deadline = timer_ns() + NETBOOT_LINK_WAIT_NS;

	if (!netboot_args(mac, &have_mac))
		return;
	if (!(n = netboot_card(have_mac ? mac : NULL))) {
		console_report_error("netboot: no network card");
		return;
	}
	c = ip_iface_of(n);
	/* netconsole=dhcp on this card took a lease moments ago (before the
	 * summary): asking again would only renumber under the console. */
	if (!(c->addr && c->lease_s)) {
		/* The firmware and GRUB just used the card; a driver that
		 * reset it may take a moment to see the link again. */
		while (!ip_link_up(n) && timer_ns() < deadline)
			timer_delay_ns(NS_PER_MS);
		if (ip_dhcp(n, why, sizeof(why))) {
			console_report_error("netboot: %s", why[0] ? why : "stopped");
			return;
		}
	}
	ip_format_addr(c->addr, a);
	ip_format_addr(ip_tftp_server(c), s);
	kprintf("netboot: %s %s/%d by DHCP, boot server %s\n", n->name, a, ip_mask_prefix(c->netmask), s);
}
