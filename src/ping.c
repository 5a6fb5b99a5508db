/* ping.c: one ICMP echo round trip (RFC 792) for the monitor's ping: route,
 * resolve, send, wait for the reply icmp.c notes.
 * QEMU: -nic user,model=virtio-net-pci,restrict=on (then ping 10.0.2.2). */
#include "errno.h"
#include "ip.h"
#include "ip_layer.h"
#include "netdev.h"
#include "timer.h"

#define PING_ID 0x1607
#define PING_DATA 56

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
	icmp_echo.active = 1;
	icmp_echo.got = 0;
	icmp_echo.id = PING_ID;
	icmp_echo.seq = seq;
	icmp_echo.from = dst;
	/* ARP resolution counts against the same bound. */
	err = ip_send_ipv4(n, dst, IPV4_PROTO_ICMP, icmp_build_echo(ip_out_frame + L4_OFF, PING_ID, seq, PING_DATA));
	sent = timer_ns();
	if (!err)
		err = ip_wait_flag(&icmp_echo.got, t0 + timeout_ns);
	icmp_echo.active = 0;
	if (!err)
		*rtt_ns = icmp_echo.at_ns - sent;
	return err;
}
