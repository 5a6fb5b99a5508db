/* cmd_net_tiny.c: the tiny profile's net: one row per interface (name,
 * driver, MAC, link and speed); the tiny kernel has no IPv4 layer, so
 * addresses, DHCP, static setup and counters are cmd_net.c's (full profile).
 * QEMU: -nic user,model=virtio-net-pci,restrict=on (tests/expect/tiny.exp). */
#include "console.h"
#include "monitor.h"
#include "netdev.h"

static int cmd_net(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cmd_error("net: this build only lists interfaces (no IPv4 layer)");
	if (!net_count())
		kprintf("no network interfaces\n");
	for (unsigned i = 0; i < net_count(); i++) {
		struct netdev *n = net_get(i);
		const uint8_t *m = n->mac;
		unsigned mbps = 0;
		int up = 0;

		if (n->link(n, &up, &mbps))
			up = 0;
		kprintf("%-5s %-11s %02x:%02x:%02x:%02x:%02x:%02x  %s", n->name, n->driver, m[0], m[1], m[2], m[3],
			m[4], m[5], up ? "up" : "down");
		if (up && mbps)
			kprintf(" %u Mb/s", mbps);
		kprintf("\n");
	}
	return 0;
}

CMD(net, .name = "net", .usage = "net", .summary = "network interfaces: name, driver, MAC, link",
    .min_args = 0, .max_args = 4, .fn = cmd_net);
