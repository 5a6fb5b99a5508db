/* fuzz_ip.c: libFuzzer target for src/ip_parse.c: the input as an
 * Ethernet frame walked through every parser the way src/ip_wait.c does
 * (ARP, IPv4, ICMP, UDP, then DHCP and TFTP on the UDP data), and the
 * address parsers on it as text. Built by `make fuzz` with clang. */
/* sources: src/ip_parse.c */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "errno.h"
#include "ip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a parser hands back must lie inside what it was given. */
static void fuzz_inside(const uint8_t *p, size_t len, const uint8_t *q, size_t qlen)
{
	if (q < p || q > p + len || qlen > (size_t)(p + len - q))
		__builtin_trap();
}

static void fuzz_udp(const struct ipv4_view *ip)
{
	static const uint8_t mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct udp_view u;
	struct dhcp_view d;
	struct tftp_view t;

	if (ip_parse_udp(ip, &u))
		return;
	fuzz_inside(ip->payload, ip->len, u.data, u.len);
	if (ip_parse_dhcp(u.data, u.len, u.len >= 8 ? ip_get32(u.data + 4) : 0, mac, &d) == 0 &&
	    strnlen(d.boot_file, sizeof(d.boot_file)) == sizeof(d.boot_file))
		__builtin_trap();
	if (ip_parse_tftp(u.data, u.len, &t) == 0) {
		if (strnlen(t.msg, sizeof(t.msg)) == sizeof(t.msg))
			__builtin_trap();
		if (t.op == TFTP_DATA)
			fuzz_inside(u.data, u.len, t.data, t.len);
	}
}

static void fuzz_text(const uint8_t *data, size_t size)
{
	char s[40], out[16];
	uint8_t mac[ETH_ALEN];
	uint32_t a;
	unsigned p;
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;

	memcpy(s, data, n);
	s[n] = 0;
	if (ip_parse_addr(s, &a) == 0)
		ip_format_addr(a, out);
	if (ip_parse_cidr(s, &a, &p) == 0 && p > 32)
		__builtin_trap();
	(void)ip_parse_mac(s, mac);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eth_view e;
	struct arp_view a;
	struct ipv4_view ip;
	struct icmp_view ic;

	fuzz_text(data, size);
	if (ip_parse_eth(data, size, &e))
		return 0;
	fuzz_inside(data, size, e.payload, e.len);
	if (ip_parse_arp(e.payload, e.len, &a) == 0) {
		const char *why;

		/* The checks take any values: the frame's addresses as config. */
		(void)ip_arp_sender_ok(&a, a.tpa, ip_get32(a.tha), e.dst);
		(void)ip_echo_ok(a.spa, a.sha, a.tpa, ip_get32(a.tha));
		if (ip_check_config(a.spa, a.tpa, ip_get32(a.tha), &why) != 0 && !why)
			__builtin_trap();
	}
	if (ip_parse_ipv4(e.payload, e.len, &ip))
		return 0;
	fuzz_inside(e.payload, e.len, ip.payload, ip.len);
	if (ip_parse_icmp(ip.payload, ip.len, &ic) == 0)
		fuzz_inside(ip.payload, ip.len, ic.data, ic.len);
	fuzz_udp(&ip);
	return 0;
}
