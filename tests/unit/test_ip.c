/* test_ip.c: host tests of src/ip_parse.c: frames built by the builders
 * parse back; short frames, bad lengths, bad checksums, IPv4 options and
 * fragments, truncated DHCP options and TFTP packets are refused; the
 * address checks behind the ARP cache, echo answers, static setup and DHCP
 * leases refuse what issue 14's injected frames tried. */
/* sources: src/ip_parse.c */
#include <stdint.h>
#include <string.h>
#include "errno.h"
#include "ip.h"
#include "unit.h"

static const uint8_t mac_a[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t mac_b[ETH_ALEN] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
#define A_IP 0x0A00020Fu
#define B_IP 0x0A000202u

/* An IPv4/UDP frame carrying len bytes of payload; returns its length. */
static size_t make_udp(uint8_t *f, const void *payload, size_t len)
{
	memcpy(f + 42, payload, len);
	ip_build_eth(f, mac_a, mac_b, ETH_TYPE_IPV4);
	size_t ulen = ip_build_udp(f + 34, B_IP, A_IP, 67, 68, len);
	ip_build_ipv4(f + 14, B_IP, A_IP, IPV4_PROTO_UDP, 7, ulen);
	return 34 + ulen;
}

static void test_eth_arp(void)
{
	uint8_t f[64];
	struct eth_view e;
	struct arp_view a;
	size_t n = ip_build_eth(f, mac_a, mac_b, ETH_TYPE_ARP);

	n += ip_build_arp(f + n, ARP_OP_REQUEST, mac_b, B_IP, mac_a, A_IP);
	CHECK("eth.ok", ip_parse_eth(f, n, &e) == 0 && e.type == ETH_TYPE_ARP && e.len == 28);
	CHECK("eth.short", ip_parse_eth(f, 13, &e) == -EINVAL);
	CHECK("eth.too-long", ip_parse_eth(f, ETH_FRAME_MAX + 1, &e) == -EINVAL);
	CHECK("arp.ok", ip_parse_arp(e.payload, e.len, &a) == 0 && a.op == 1 && a.spa == B_IP && a.tpa == A_IP &&
		!memcmp(a.sha, mac_b, 6));
	CHECK("arp.short", ip_parse_arp(e.payload, 27, &a) == -EINVAL);
	f[14 + 4] = 8;
	CHECK("arp.hlen", ip_parse_arp(e.payload, e.len, &a) == -ENOSYS);
	f[14 + 4] = 6;
	f[14 + 7] = 9;
	CHECK("arp.op", ip_parse_arp(e.payload, e.len, &a) == -EINVAL);
}

static void test_ipv4(void)
{
	uint8_t f[128], p[] = "hello";
	struct ipv4_view v;
	size_t n = make_udp(f, p, 5);

	CHECK("ipv4.ok", ip_parse_ipv4(f + 14, n - 14, &v) == 0 && v.src == B_IP && v.proto == 17 && v.len == 13);
	CHECK("ipv4.padding-cut", ip_parse_ipv4(f + 14, n - 14 + 10, &v) == 0 && v.len == 13);
	CHECK("ipv4.short", ip_parse_ipv4(f + 14, 19, &v) == -EINVAL);
	CHECK("ipv4.total-past-frame", ip_parse_ipv4(f + 14, n - 15, &v) == -EINVAL);
	f[14 + 10] ^= 1;
	CHECK("ipv4.checksum", ip_parse_ipv4(f + 14, n - 14, &v) == -EINVAL);
	f[14 + 10] ^= 1;
	f[14] = 0x65;
	CHECK("ipv4.version", ip_parse_ipv4(f + 14, n - 14, &v) == -EINVAL);
	f[14] = 0x44;
	CHECK("ipv4.ihl-small", ip_parse_ipv4(f + 14, n - 14, &v) == -EINVAL);
	f[14] = 0x4F; /* 60-byte header in a 33-byte packet */
	CHECK("ipv4.ihl-past-total", ip_parse_ipv4(f + 14, n - 14, &v) == -EINVAL);
	f[14] = 0x45;
	ip_put16(f + 14 + 6, 0x2000); /* MF */
	ip_put16(f + 24, 0);
	ip_put16(f + 24, ip_sum_finish(ip_sum(f + 14, 20, 0)));
	CHECK("ipv4.fragment", ip_parse_ipv4(f + 14, n - 14, &v) == -ENOSYS);
}

static void test_ipv4_options(void)
{
	uint8_t h[28] = { 0x46, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 2, 2, 10, 0, 2, 15, 1, 1, 1, 0 };
	struct ipv4_view v;

	ip_put16(h + 10, ip_sum_finish(ip_sum(h, 24, 0)));
	CHECK("ipv4.options", ip_parse_ipv4(h, 28, &v) == 0 && v.payload == h + 24 && v.len == 4);
}

static void test_icmp_udp(void)
{
	uint8_t f[128], e[16] = { 8, 0, 0, 0, 0x16, 0x07, 0, 1, 'p', 'i', 'n', 'g' };
	struct ipv4_view v;
	struct udp_view u;
	struct icmp_view ic;
	size_t n = make_udp(f, "abc", 3);

	ip_put16(e + 2, ip_sum_finish(ip_sum(e, 12, 0)));
	CHECK("icmp.ok", ip_parse_icmp(e, 12, &ic) == 0 && ic.type == 8 && ic.id == 0x1607 && ic.seq == 1 && ic.len == 4);
	CHECK("icmp.short", ip_parse_icmp(e, 7, &ic) == -EINVAL);
	e[9] ^= 0x20;
	CHECK("icmp.checksum", ip_parse_icmp(e, 12, &ic) == -EINVAL);
	ip_parse_ipv4(f + 14, n - 14, &v);
	CHECK("udp.ok", ip_parse_udp(&v, &u) == 0 && u.sport == 67 && u.dport == 68 && u.len == 3 && !memcmp(u.data, "abc", 3));
	f[42] ^= 1;
	CHECK("udp.checksum", ip_parse_udp(&v, &u) == -EINVAL);
	ip_put16(f + 40, 0);
	CHECK("udp.no-checksum", ip_parse_udp(&v, &u) == 0);
	ip_put16(f + 38, 200);
	CHECK("udp.length-past-ip", ip_parse_udp(&v, &u) == -EINVAL);
	ip_put16(f + 38, 7);
	CHECK("udp.length-short", ip_parse_udp(&v, &u) == -EINVAL);
	v.len = 7;
	CHECK("udp.short", ip_parse_udp(&v, &u) == -EINVAL);
}

/* A DHCP reply: the builder's request turned into a BOOTREPLY with options. */
static size_t make_dhcp(uint8_t *m, const uint8_t *opts, size_t olen)
{
	ip_build_dhcp(m, DHCP_DISCOVER, 0x1234, mac_a, 0, 0);
	m[0] = 2;
	ip_put32(m + 16, A_IP);
	memcpy(m + 240, opts, olen);
	return 240 + olen;
}

static void test_dhcp(void)
{
	static const uint8_t ack[] = { 53, 1, 5, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 2, 2, 6, 8, 10, 0, 2, 3, 8, 8, 8, 8,
				       51, 4, 0, 1, 81, 128, 54, 4, 10, 0, 2, 2, 0, 0, 255 };
	static const uint8_t trunc[] = { 53, 1, 5, 3, 4, 10, 0 };
	static const uint8_t no_end[] = { 53, 1, 5, 1, 4, 255, 255, 255, 0 };
	static const uint8_t bad_len[] = { 53, 1, 5, 1, 3, 255, 255, 255, 255 };
	static const uint8_t no_type[] = { 1, 4, 255, 255, 255, 0, 255 };
	static const uint8_t past_end[] = { 53, 1, 5, 12, 200, 1, 2, 3, 255 }; /* option 12: 200 bytes, 4 there */
	uint8_t m[600];
	struct dhcp_view d;
	size_t n = make_dhcp(m, ack, sizeof(ack));

	CHECK("dhcp.ack", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == 0 && d.type == DHCP_ACK && d.yiaddr == A_IP &&
		d.mask == 0xFFFFFF00u && d.router == B_IP && d.dns == 0x0A000203u && d.lease_s == 86400 &&
		d.server_id == B_IP);
	CHECK("dhcp.xid", ip_parse_dhcp(m, n, 0x1235, mac_a, &d) == -EINVAL);
	CHECK("dhcp.chaddr", ip_parse_dhcp(m, n, 0x1234, mac_b, &d) == -EINVAL);
	CHECK("dhcp.short", ip_parse_dhcp(m, 239, 0x1234, mac_a, &d) == -EINVAL);
	n = make_dhcp(m, trunc, sizeof(trunc));
	CHECK("dhcp.truncated-option", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == -EINVAL);
	n = make_dhcp(m, no_end, sizeof(no_end));
	CHECK("dhcp.no-end", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == -EINVAL);
	n = make_dhcp(m, bad_len, sizeof(bad_len));
	CHECK("dhcp.mask-length", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == -EINVAL);
	n = make_dhcp(m, no_type, sizeof(no_type));
	CHECK("dhcp.no-type", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == -EINVAL);
	n = make_dhcp(m, ack, sizeof(ack));
	m[237] ^= 1;
	CHECK("dhcp.cookie", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == -EINVAL);
	n = make_dhcp(m, ack, sizeof(ack) - 1); /* the packet ends inside the options: no END */
	CHECK("dhcp.options-cut", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == -EINVAL);
	n = make_dhcp(m, past_end, sizeof(past_end));
	CHECK("dhcp.option-past-packet", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == -EINVAL);
}

/* Network boot: option 66 (an address; a host name is not used), 67,
 * the sname and file fields, and option 52 that makes those fields options. */
static void test_dhcp_boot(void)
{
	static const uint8_t opts[] = { 53, 1, 5, 66, 9, '1', '0', '.', '0', '.', '2', '.', '9', 0,
					67, 8, 'c', 'o', 'r', 'e', '.', 'e', 'f', 'i', 255 };
	static const uint8_t name66[] = { 53, 1, 5, 66, 4, 'b', 'o', 'o', 't', 255 };
	static const uint8_t bare[] = { 53, 1, 5, 255 };
	static const uint8_t overload[] = { 53, 1, 5, 52, 1, 3, 255 };
	static const uint8_t bad67[] = { 53, 1, 5, 67, 3, 'a', '\n', 'b', 255 };
	uint8_t m[600];
	struct dhcp_view d;
	size_t n = make_dhcp(m, opts, sizeof(opts));

	CHECK("dhcp.boot.options", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == 0 && d.boot_server == 0x0A000209u);
	CHECK_STR("dhcp.boot.option67", d.boot_file, "core.efi");
	n = make_dhcp(m, name66, sizeof(name66));
	CHECK("dhcp.boot.hostname", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == 0 && d.boot_server == 0 && !d.boot_file[0]);
	n = make_dhcp(m, bare, sizeof(bare));
	memcpy(m + 44, "10.0.2.4", 9);
	memcpy(m + 108, "boot/grub/i386-pc/core.0", 25);
	CHECK("dhcp.boot.sname", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == 0 && d.boot_server == 0x0A000204u);
	CHECK_STR("dhcp.boot.file", d.boot_file, "boot/grub/i386-pc/core.0");
	memset(m + 108, 'x', 128); /* unterminated: not taken */
	CHECK("dhcp.boot.file-unterminated", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == 0 && !d.boot_file[0]);
	n = make_dhcp(m, overload, sizeof(overload));
	memcpy(m + 44, "10.0.2.4", 9);
	CHECK("dhcp.boot.overload", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == 0 && d.boot_server == 0);
	n = make_dhcp(m, bad67, sizeof(bad67));
	CHECK("dhcp.boot.unprintable", ip_parse_dhcp(m, n, 0x1234, mac_a, &d) == 0 && !d.boot_file[0]);
}

static void test_mac(void)
{
	uint8_t mac[ETH_ALEN];

	CHECK("mac.colon", ip_parse_mac("52:54:00:AB:cd:01", mac) == 0 && mac[0] == 0x52 && mac[3] == 0xab &&
		mac[5] == 1);
	CHECK("mac.dash", ip_parse_mac("52-54-00-ab-cd-01", mac) == 0 && mac[4] == 0xcd);
	CHECK("mac.mixed", ip_parse_mac("52:54-00:ab:cd:01", mac) == -EINVAL);
	CHECK("mac.short", ip_parse_mac("52:54:00:ab:cd", mac) == -EINVAL);
	CHECK("mac.long", ip_parse_mac("52:54:00:ab:cd:01:02", mac) == -EINVAL);
	CHECK("mac.digit", ip_parse_mac("52:54:00:ab:cd:0g", mac) == -EINVAL);
	CHECK("mac.empty", ip_parse_mac("", mac) == -EINVAL && ip_parse_mac("5", mac) == -EINVAL);
}

static void test_tftp(void)
{
	static const uint8_t data[] = { 0, 3, 0, 7, 'x', 'y' };
	static const uint8_t err[] = { 0, 5, 0, 1, 'F', 'i', 'l', 'e', '\n', 0 };
	static const uint8_t err_unterm[] = { 0, 5, 0, 1, 'F', 'i' };
	static const uint8_t oack[] = "\0\6blksize\0" "1468";
	static const uint8_t oack_bad[] = "\0\6blksize\0" "4";
	static const uint8_t oack_big[] = "\0\6blksize\0" "8192";
	static const uint8_t oack_trunc[] = { 0, 6, 'b', 'l', 'k' };
	struct tftp_view t;

	CHECK("tftp.data", ip_parse_tftp(data, 6, &t) == 0 && t.op == TFTP_DATA && t.block == 7 && t.len == 2);
	CHECK("tftp.short", ip_parse_tftp(data, 3, &t) == -EINVAL);
	CHECK("tftp.error", ip_parse_tftp(err, sizeof(err), &t) == 0 && t.block == 1);
	CHECK_STR("tftp.error.msg", t.msg, "File?");
	CHECK("tftp.error.unterminated", ip_parse_tftp(err_unterm, sizeof(err_unterm), &t) == -EINVAL);
	CHECK("tftp.oack", ip_parse_tftp(oack, sizeof(oack), &t) == 0 && t.op == TFTP_OACK && t.blksize == 1468);
	/* Parsed as sent: tftp.c refuses a blksize larger than it asked for. */
	CHECK("tftp.oack.larger", ip_parse_tftp(oack_big, sizeof(oack_big), &t) == 0 && t.blksize == 8192);
	CHECK("tftp.oack.range", ip_parse_tftp(oack_bad, sizeof(oack_bad), &t) == -EINVAL);
	CHECK("tftp.oack.truncated", ip_parse_tftp(oack_trunc, sizeof(oack_trunc), &t) == -EINVAL);
	CHECK("tftp.opcode", ip_parse_tftp((const uint8_t *)"\0\1x\0", 4, &t) == -EINVAL);
}

static void test_addr(void)
{
	uint32_t a;
	unsigned p;
	char buf[16];

	CHECK("addr.ok", ip_parse_addr("10.0.2.15", &a) == 0 && a == A_IP);
	CHECK("addr.range", ip_parse_addr("10.0.2.256", &a) == -EINVAL);
	CHECK("addr.short", ip_parse_addr("10.0.2", &a) == -EINVAL);
	CHECK("addr.trailing", ip_parse_addr("10.0.2.1x", &a) == -EINVAL);
	CHECK("addr.digits", ip_parse_addr("10.0.2.0001", &a) == -EINVAL);
	CHECK("cidr.ok", ip_parse_cidr("192.168.7.1/24", &a, &p) == 0 && a == 0xC0A80701u && p == 24);
	CHECK("cidr.default", ip_parse_cidr("192.168.7.1", &a, &p) == 0 && p == 24);
	CHECK("cidr.range", ip_parse_cidr("192.168.7.1/33", &a, &p) == -EINVAL);
	CHECK("cidr.empty", ip_parse_cidr("192.168.7.1/", &a, &p) == -EINVAL);
	CHECK("mask.prefix", ip_mask_prefix(0xFFFFFF00u) == 24 && ip_mask_prefix(0xFF00FF00u) == -1);
	ip_format_addr(0xC0A80701u, buf);
	CHECK_STR("addr.format", buf, "192.168.7.1");
	CHECK("byteorder", ip_htons(0x1234) == 0x3412 && ip_ntohl(0x11223344u) == 0x44332211u);
}

/* ip_check_config: what `net IFACE ip` and every DHCP lease must pass. */
static void test_config(void)
{
	const char *why;
	uint32_t m24 = ip_prefix_mask(24);

	CHECK("config.ok", ip_check_config(A_IP, m24, B_IP, &why) == 0 && !why);
	CHECK("config.no-gateway", ip_check_config(A_IP, m24, 0, &why) == 0);
	CHECK("config.broadcast-32", ip_check_config(0xFFFFFFFFu, 0xFFFFFFFFu, 0, &why) == -EINVAL && why);
	CHECK("config.broadcast-24", ip_check_config(0xFFFFFFFFu, m24, 0, &why) == -EINVAL);
	CHECK("config.loopback", ip_check_config(0x7F000001u, ip_prefix_mask(8), 0, &why) == -EINVAL);
	CHECK("config.multicast", ip_check_config(0xE0000001u, m24, 0, &why) == -EINVAL);
	CHECK("config.zero-net", ip_check_config(0x00000005u, m24, 0, &why) == -EINVAL);
	CHECK("config.subnet-addr", ip_check_config(0x0A000200u, m24, 0, &why) == -EINVAL);
	CHECK("config.subnet-bcast", ip_check_config(0x0A0002FFu, m24, 0, &why) == -EINVAL);
	CHECK("config.prefix-31", ip_check_config(A_IP, ip_prefix_mask(31), 0, &why) == -EINVAL);
	CHECK("config.mask-holes", ip_check_config(A_IP, 0xFF00FF00u, 0, &why) == -EINVAL);
	CHECK("config.gw-multicast", ip_check_config(A_IP, m24, 0xE0000001u, &why) == -EINVAL);
	CHECK("config.gw-off-subnet", ip_check_config(A_IP, m24, 0x0A000302u, &why) == -EINVAL);
	CHECK("config.gw-self", ip_check_config(A_IP, m24, A_IP, &why) == -EINVAL);
	CHECK("config.gw-bcast", ip_check_config(A_IP, m24, 0x0A0002FFu, &why) == -EINVAL);
}

/* The ARP senders the cache may take, and the echo sources answered. */
static void test_arp_echo_checks(void)
{
	static const uint8_t zero[ETH_ALEN], bcast[ETH_ALEN] = { 255, 255, 255, 255, 255, 255 },
			     mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	uint32_t m24 = ip_prefix_mask(24);
	struct arp_view a;

	memset(&a, 0, sizeof(a));
	a.op = ARP_OP_REPLY;
	memcpy(a.sha, mac_b, ETH_ALEN);
	a.spa = B_IP;
	a.tpa = A_IP;
	CHECK("arp.sender.ok", ip_arp_sender_ok(&a, A_IP, m24, mac_a));
	CHECK("arp.sender.unconfigured", ip_arp_sender_ok(&a, 0, 0, mac_a));
	a.spa = A_IP;
	CHECK("arp.sender.our-address", !ip_arp_sender_ok(&a, A_IP, m24, mac_a));
	a.spa = 0x0A0002FFu;
	CHECK("arp.sender.subnet-broadcast", !ip_arp_sender_ok(&a, A_IP, m24, mac_a));
	a.spa = 0xFFFFFFFFu;
	CHECK("arp.sender.broadcast", !ip_arp_sender_ok(&a, A_IP, m24, mac_a));
	a.spa = 0x0A000302u;
	CHECK("arp.sender.off-subnet", !ip_arp_sender_ok(&a, A_IP, m24, mac_a));
	a.spa = 0;
	CHECK("arp.sender.zero", !ip_arp_sender_ok(&a, A_IP, m24, mac_a));
	a.spa = B_IP;
	memcpy(a.sha, zero, ETH_ALEN);
	CHECK("arp.sender.zero-mac", !ip_arp_sender_ok(&a, A_IP, m24, mac_a));
	memcpy(a.sha, bcast, ETH_ALEN);
	CHECK("arp.sender.broadcast-mac", !ip_arp_sender_ok(&a, A_IP, m24, mac_a));
	memcpy(a.sha, mcast, ETH_ALEN);
	CHECK("arp.sender.multicast-mac", !ip_arp_sender_ok(&a, A_IP, m24, mac_a));
	memcpy(a.sha, mac_a, ETH_ALEN);
	CHECK("arp.sender.our-mac", !ip_arp_sender_ok(&a, A_IP, m24, mac_a));

	CHECK("echo.ok", ip_echo_ok(B_IP, mac_b, A_IP, m24));
	CHECK("echo.off-subnet", ip_echo_ok(0x08080808u, mac_b, A_IP, m24));
	CHECK("echo.broadcast", !ip_echo_ok(0xFFFFFFFFu, mac_b, A_IP, m24));
	CHECK("echo.multicast", !ip_echo_ok(0xE0000001u, mac_b, A_IP, m24));
	CHECK("echo.loopback", !ip_echo_ok(0x7F000001u, mac_b, A_IP, m24));
	CHECK("echo.subnet-broadcast", !ip_echo_ok(0x0A0002FFu, mac_b, A_IP, m24));
	CHECK("echo.broadcast-mac", !ip_echo_ok(B_IP, bcast, A_IP, m24));
	CHECK("echo.multicast-mac", !ip_echo_ok(B_IP, mcast, A_IP, m24));
}

/* ip_sum adds 32-bit host-order words: the same folded sum as the plain
 * RFC 1071 big-endian 16-bit loop, for every length, offset and start. */
static uint16_t sum_reference(const uint8_t *p, size_t len, uint32_t sum)
{
	uint64_t s = sum;

	for (; len >= 2; p += 2, len -= 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

static void test_sum(void)
{
	uint8_t b[1600];
	static const uint32_t starts[] = { 0, 1, 0xFFFF, 0x1FFFE, 0xFFFFFFFFu };
	int bad = 0;

	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i * 131 + 7 + (i >> 3));
	for (size_t len = 0; len < 40; len++)
		for (size_t off = 0; off < 4; off++)
			for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++)
				bad += ip_sum_finish(ip_sum(b + off, len, starts[k])) != sum_reference(b + off, len, starts[k]);
	memset(b, 0xFF, sizeof(b));
	bad += ip_sum_finish(ip_sum(b, 1473, 0xFFFFFFFFu)) != sum_reference(b, 1473, 0xFFFFFFFFu);
	bad += ip_sum_finish(ip_sum(b + 1, 1500, 7)) != sum_reference(b + 1, 1500, 7);
	CHECK("sum.matches-16-bit-loop", bad == 0);
}

int main(void)
{
	test_sum();
	test_eth_arp();
	test_ipv4();
	test_ipv4_options();
	test_icmp_udp();
	test_dhcp();
	test_dhcp_boot();
	test_mac();
	test_tftp();
	test_addr();
	test_config();
	test_arp_echo_checks();
	return unit_exit();
}
