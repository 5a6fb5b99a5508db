/* ip_parse.c: pure parsers and builders of the frames the IPv4 layer
 * handles: Ethernet, ARP (RFC 826), IPv4 (RFC 791), ICMP (RFC 792), UDP
 * (RFC 768), DHCP (RFC 2131/2132), TFTP (RFC 1350/2347/2348). No state, no
 * I/O: host unit-tested and fuzzed (tests/unit/test_ip.c, tests/fuzz/fuzz_ip.c). */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "ip.h"
#include "string.h"

#define ARP_HTYPE_ETH 1
#define ARP_LEN 28
#define IPV4_FLAG_MF 0x2000
#define IPV4_FRAG_OFFSET 0x1FFF
#define DHCP_FIXED_LEN 236       /* op .. file (RFC 2131 2) */
#define DHCP_MAGIC 0x63825363u   /* RFC 2132 2 */
#define DHCP_OPT_PAD 0
#define DHCP_OPT_MASK 1
#define DHCP_OPT_ROUTER 3
#define DHCP_OPT_DNS 6
#define DHCP_OPT_REQ_IP 50
#define DHCP_OPT_LEASE 51
#define DHCP_OPT_TYPE 53
#define DHCP_OPT_SERVER 54
#define DHCP_OPT_PARAMS 55
#define DHCP_OPT_OVERLOAD 52
#define DHCP_OPT_TFTP_SERVER 66
#define DHCP_OPT_BOOT_FILE 67
#define DHCP_SNAME_OFF 44        /* 64 bytes */
#define DHCP_FILE_OFF 108        /* 128 bytes */
#define DHCP_OPT_END 255
#define DHCP_FLAG_BROADCAST 0x8000

uint16_t ip_get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
uint32_t ip_get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
void ip_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
void ip_put32(uint8_t *p, uint32_t v) { ip_put16(p, (uint16_t)(v >> 16)); ip_put16(p + 2, (uint16_t)v); }

/* Unaligned, aliasing loads the compiler makes single moves (the kernel's
 * memcpy is a string instruction, slow per word under emulation). */
typedef uint32_t __attribute__((may_alias, aligned(1))) ip_u32_any;
typedef uint16_t __attribute__((may_alias, aligned(1))) ip_u16_any;

/* RFC 1071 section 2(B): the one's complement sum does not depend on byte
 * order, so 32-bit words are added in the host's (little-endian) order and
 * the folded 16-bit result swapped once: a quarter of the additions of a
 * 16-bit big-endian loop, which matters per received TFTP block. */
uint32_t ip_sum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t s = 0;

	for (; len >= 4; p += 4, len -= 4)
		s += *(const ip_u32_any *)p;
	if (len >= 2) {
		s += *(const ip_u16_any *)p;
		p += 2;
		len -= 2;
	}
	if (len)
		s += p[0]; /* the low byte of a little-endian pair: the high one once swapped */
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	s = ((s & 0xFF) << 8 | s >> 8) + (uint64_t)sum;
	while (s >> 32)
		s = (s & 0xFFFFFFFFu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t ip_sum_finish(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

int ip_parse_eth(const void *frame, size_t len, struct eth_view *out)
{
	const uint8_t *p = frame;

	if (!p || len < ETH_HLEN || len > ETH_FRAME_MAX)
		return -EINVAL;
	out->dst = p;
	out->src = p + ETH_ALEN;
	out->type = ip_get16(p + 12);
	out->payload = p + ETH_HLEN;
	out->len = len - ETH_HLEN;
	return 0;
}

int ip_parse_arp(const uint8_t *p, size_t len, struct arp_view *out)
{
	if (len < ARP_LEN)
		return -EINVAL;
	if (ip_get16(p) != ARP_HTYPE_ETH || ip_get16(p + 2) != ETH_TYPE_IPV4 || p[4] != ETH_ALEN || p[5] != 4)
		return -ENOSYS;
	out->op = ip_get16(p + 6);
	if (out->op != ARP_OP_REQUEST && out->op != ARP_OP_REPLY)
		return -EINVAL;
	memcpy(out->sha, p + 8, ETH_ALEN);
	out->spa = ip_get32(p + 14);
	memcpy(out->tha, p + 18, ETH_ALEN);
	out->tpa = ip_get32(p + 24);
	return 0;
}

int ip_parse_ipv4(const uint8_t *p, size_t len, struct ipv4_view *out)
{
	size_t ihl, total;

	if (len < IPV4_HLEN || p[0] >> 4 != 4)
		return -EINVAL;
	ihl = (size_t)(p[0] & 0xF) * 4;
	total = ip_get16(p + 2);
	if (ihl < IPV4_HLEN || ihl > len || total < ihl || total > len)
		return -EINVAL;
	if (ip_sum_finish(ip_sum(p, ihl, 0)) != 0)
		return -EINVAL;
	if (ip_get16(p + 6) & (IPV4_FLAG_MF | IPV4_FRAG_OFFSET))
		return -ENOSYS;
	out->id = ip_get16(p + 4);
	out->ttl = p[8];
	out->proto = p[9];
	out->src = ip_get32(p + 12);
	out->dst = ip_get32(p + 16);
	out->payload = p + ihl;
	out->len = total - ihl;
	return 0;
}

int ip_parse_icmp(const uint8_t *p, size_t len, struct icmp_view *out)
{
	if (len < ICMP_HLEN || ip_sum_finish(ip_sum(p, len, 0)) != 0)
		return -EINVAL;
	out->type = p[0];
	out->code = p[1];
	out->id = ip_get16(p + 4);
	out->seq = ip_get16(p + 6);
	out->data = p + ICMP_HLEN;
	out->len = len - ICMP_HLEN;
	return 0;
}

static uint32_t ip_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, size_t len)
{
	return (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + proto + (uint32_t)len;
}

int ip_parse_udp(const struct ipv4_view *ip, struct udp_view *out)
{
	const uint8_t *p = ip->payload;
	size_t ulen;

	if (ip->len < UDP_HLEN)
		return -EINVAL;
	ulen = ip_get16(p + 4);
	if (ulen < UDP_HLEN || ulen > ip->len)
		return -EINVAL;
	/* A zero checksum means the sender did not compute one (RFC 768). */
	if (ip_get16(p + 6) && ip_sum_finish(ip_sum(p, ulen, ip_pseudo_sum(ip->src, ip->dst, IPV4_PROTO_UDP, ulen))))
		return -EINVAL;
	out->sport = ip_get16(p);
	out->dport = ip_get16(p + 2);
	out->data = p + UDP_HLEN;
	out->len = ulen - UDP_HLEN;
	return 0;
}

/* Options we use; a length running past the end is malformed. */
/* A string of n bytes (NUL-terminated or not) into dst, printable only:
 * 1 when it fit whole, 0 when it was cut or held other bytes (then ""). */
static int ip_dhcp_string(char *dst, size_t dstsz, const uint8_t *v, size_t n)
{
	size_t i = 0;

	for (; i < n && v[i]; i++)
		if (i + 1 >= dstsz || v[i] < 0x21 || v[i] > 0x7e)
			break;
	if (i < n && v[i]) {
		dst[0] = 0;
		return 0;
	}
	memcpy(dst, v, i);
	dst[i] = 0;
	return 1;
}

/* Options 66 (only an address is used: no DNS here), 67 and 52. */
static void ip_dhcp_boot_option(struct dhcp_view *out, uint8_t code, const uint8_t *v, size_t n, int *overload)
{
	char addr[16];

	if (code == DHCP_OPT_OVERLOAD)
		*overload = 1;
	else if (code == DHCP_OPT_TFTP_SERVER && ip_dhcp_string(addr, sizeof(addr), v, n))
		(void)ip_parse_addr(addr, &out->boot_server);
	else if (code == DHCP_OPT_BOOT_FILE)
		ip_dhcp_string(out->boot_file, sizeof(out->boot_file), v, n);
}

static int ip_dhcp_option(struct dhcp_view *out, uint8_t code, const uint8_t *v, size_t n)
{
	size_t want = code == DHCP_OPT_TYPE ? 1 : 4;

	if (code != DHCP_OPT_TYPE && code != DHCP_OPT_MASK && code != DHCP_OPT_ROUTER && code != DHCP_OPT_DNS &&
	    code != DHCP_OPT_LEASE && code != DHCP_OPT_SERVER)
		return 0;
	if (n < want || ((code == DHCP_OPT_ROUTER || code == DHCP_OPT_DNS) ? n % 4 : n != want))
		return -EINVAL;
	if (code == DHCP_OPT_TYPE)
		out->type = v[0];
	else if (code == DHCP_OPT_MASK)
		out->mask = ip_get32(v);
	else if (code == DHCP_OPT_ROUTER)
		out->router = ip_get32(v);
	else if (code == DHCP_OPT_DNS)
		out->dns = ip_get32(v);
	else if (code == DHCP_OPT_LEASE)
		out->lease_s = ip_get32(v);
	else
		out->server_id = ip_get32(v);
	return 0;
}

static int ip_dhcp_options(const uint8_t *p, size_t len, struct dhcp_view *out, int *overload)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i++];

		if (code == DHCP_OPT_PAD)
			continue;
		if (code == DHCP_OPT_END)
			return out->type ? 0 : -EINVAL;
		if (i >= len || p[i] > len - i - 1)
			return -EINVAL;
		if (ip_dhcp_option(out, code, p + i + 1, p[i]))
			return -EINVAL;
		ip_dhcp_boot_option(out, code, p + i + 1, p[i], overload);
		i += 1 + (size_t)p[i];
	}
	return -EINVAL; /* no END option */
}

int ip_parse_dhcp(const uint8_t *p, size_t len, uint32_t xid, const uint8_t mac[ETH_ALEN], struct dhcp_view *out)
{
	char sname[16];
	int err, overload = 0;

	if (len < DHCP_FIXED_LEN + 4)
		return -EINVAL;
	if (p[0] != 2 || p[1] != ARP_HTYPE_ETH || p[2] != ETH_ALEN || ip_get32(p + 4) != xid ||
	    memcmp(p + 28, mac, ETH_ALEN) || ip_get32(p + DHCP_FIXED_LEN) != DHCP_MAGIC)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->xid = xid;
	out->yiaddr = ip_get32(p + 16);
	out->siaddr = ip_get32(p + 20);
	err = ip_dhcp_options(p + DHCP_FIXED_LEN + 4, len - DHCP_FIXED_LEN - 4, out, &overload);
	if (err || overload)
		return err;
	/* The BOOTP fields, when no option said otherwise. */
	if (!out->boot_server && ip_dhcp_string(sname, sizeof(sname), p + DHCP_SNAME_OFF, 64))
		(void)ip_parse_addr(sname, &out->boot_server);
	if (!out->boot_file[0])
		ip_dhcp_string(out->boot_file, sizeof(out->boot_file), p + DHCP_FILE_OFF, 128);
	return 0;
}

/* The NUL-terminated string at p[*i..len): its start, *i past it, or NULL. */
static const char *ip_tftp_string(const uint8_t *p, size_t len, size_t *i)
{
	size_t start = *i;

	while (*i < len && p[*i])
		(*i)++;
	if (*i >= len)
		return NULL;
	(*i)++;
	return (const char *)p + start;
}

static int ip_ascii_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a | 0x20) != (*b | 0x20))
			return 0;
	return *a == *b;
}

/* OACK: name/value pairs; blksize must be 8..65464 (RFC 2348). */
static int ip_tftp_oack(const uint8_t *p, size_t len, struct tftp_view *out)
{
	size_t i = 2;

	while (i < len) {
		const char *name = ip_tftp_string(p, len, &i), *val = name ? ip_tftp_string(p, len, &i) : NULL;
		uint32_t v = 0;

		if (!val || !*val)
			return -EINVAL;
		for (const char *c = val; *c; c++) {
			if (*c < '0' || *c > '9' || v > 100000)
				return -EINVAL;
			v = v * 10 + (uint32_t)(*c - '0');
		}
		if (ip_ascii_eq(name, "blksize")) {
			if (v < 8 || v > 65464)
				return -EINVAL;
			out->blksize = v;
		}
	}
	return 0;
}

int ip_parse_tftp(const uint8_t *p, size_t len, struct tftp_view *out)
{
	size_t i = 4, n = 0;

	if (len < 2)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->op = ip_get16(p);
	if (out->op == TFTP_OACK)
		return ip_tftp_oack(p, len, out);
	if (len < 4 || (out->op != TFTP_DATA && out->op != TFTP_ERROR))
		return -EINVAL;
	out->block = ip_get16(p + 2);
	if (out->op == TFTP_DATA) {
		out->data = p + 4;
		out->len = len - 4;
		return 0;
	}
	/* ERROR: the message must be terminated; unprintable bytes become '?'. */
	if (!ip_tftp_string(p, len, &i))
		return -EINVAL;
	for (size_t k = 4; p[k] && n + 1 < sizeof(out->msg); k++)
		out->msg[n++] = p[k] >= 0x20 && p[k] < 0x7F ? (char)p[k] : '?';
	out->msg[n] = 0;
	return 0;
}

size_t ip_build_eth(uint8_t *buf, const uint8_t dst[ETH_ALEN], const uint8_t src[ETH_ALEN], uint16_t type)
{
	memcpy(buf, dst, ETH_ALEN);
	memcpy(buf + ETH_ALEN, src, ETH_ALEN);
	ip_put16(buf + 12, type);
	return ETH_HLEN;
}

size_t ip_build_arp(uint8_t *buf, uint16_t op, const uint8_t sha[ETH_ALEN], uint32_t spa,
		    const uint8_t tha[ETH_ALEN], uint32_t tpa)
{
	ip_put16(buf, ARP_HTYPE_ETH);
	ip_put16(buf + 2, ETH_TYPE_IPV4);
	buf[4] = ETH_ALEN;
	buf[5] = 4;
	ip_put16(buf + 6, op);
	memcpy(buf + 8, sha, ETH_ALEN);
	ip_put32(buf + 14, spa);
	memcpy(buf + 18, tha, ETH_ALEN);
	ip_put32(buf + 24, tpa);
	return ARP_LEN;
}

size_t ip_build_ipv4(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto, uint16_t id, size_t payload_len)
{
	buf[0] = 0x45;
	buf[1] = 0;
	ip_put16(buf + 2, (uint16_t)(IPV4_HLEN + payload_len));
	ip_put16(buf + 4, id);
	ip_put16(buf + 6, 0);
	buf[8] = 64;
	buf[9] = proto;
	ip_put16(buf + 10, 0);
	ip_put32(buf + 12, src);
	ip_put32(buf + 16, dst);
	ip_put16(buf + 10, ip_sum_finish(ip_sum(buf, IPV4_HLEN, 0)));
	return IPV4_HLEN;
}

size_t ip_build_udp(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, size_t len)
{
	size_t ulen = UDP_HLEN + len;
	uint16_t sum;

	ip_put16(buf, sport);
	ip_put16(buf + 2, dport);
	ip_put16(buf + 4, (uint16_t)ulen);
	ip_put16(buf + 6, 0);
	sum = ip_sum_finish(ip_sum(buf, ulen, ip_pseudo_sum(src, dst, IPV4_PROTO_UDP, ulen)));
	ip_put16(buf + 6, sum ? sum : 0xFFFF); /* 0 would mean "no checksum" */
	return ulen;
}

static size_t ip_dhcp_opt32(uint8_t *p, uint8_t code, uint32_t v)
{
	p[0] = code;
	p[1] = 4;
	ip_put32(p + 2, v);
	return 6;
}

size_t ip_build_dhcp(uint8_t *buf, uint8_t type, uint32_t xid, const uint8_t mac[ETH_ALEN], uint32_t want,
		     uint32_t server_id)
{
	static const uint8_t params[] = { DHCP_OPT_PARAMS, 6, DHCP_OPT_MASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS, DHCP_OPT_LEASE,
					  DHCP_OPT_TFTP_SERVER, DHCP_OPT_BOOT_FILE };
	size_t n = DHCP_FIXED_LEN;

	memset(buf, 0, DHCP_FIXED_LEN);
	buf[0] = 1; /* BOOTREQUEST */
	buf[1] = ARP_HTYPE_ETH;
	buf[2] = ETH_ALEN;
	ip_put32(buf + 4, xid);
	ip_put16(buf + 10, DHCP_FLAG_BROADCAST); /* no address yet: answer by broadcast */
	memcpy(buf + 28, mac, ETH_ALEN);
	ip_put32(buf + n, DHCP_MAGIC);
	n += 4;
	buf[n++] = DHCP_OPT_TYPE;
	buf[n++] = 1;
	buf[n++] = type;
	if (want)
		n += ip_dhcp_opt32(buf + n, DHCP_OPT_REQ_IP, want);
	if (server_id)
		n += ip_dhcp_opt32(buf + n, DHCP_OPT_SERVER, server_id);
	memcpy(buf + n, params, sizeof(params));
	n += sizeof(params);
	buf[n++] = DHCP_OPT_END;
	while (n < 300) /* BOOTP minimum message size (RFC 1542 2.1) */
		buf[n++] = 0;
	return n;
}

static int ip_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int ip_parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	char sep = s[0] && s[1] ? s[2] : 0; /* ':' or '-', the same throughout */

	if (sep != ':' && sep != '-')
		return -EINVAL;
	for (int i = 0; i < ETH_ALEN; i++, s += 3) {
		int hi = ip_hex_digit(s[0]), lo = hi < 0 ? -1 : ip_hex_digit(s[1]);

		if (lo < 0 || s[2] != (i < ETH_ALEN - 1 ? sep : '\0'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int ip_parse_addr(const char *s, uint32_t *out)
{
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		uint32_t v = 0;
		int digits = 0;

		for (; *s >= '0' && *s <= '9'; s++, digits++)
			if (digits >= 3 || (v = v * 10 + (uint32_t)(*s - '0')) > 255)
				return -EINVAL;
		if (!digits || *s != (part < 3 ? '.' : '\0'))
			return -EINVAL;
		if (part < 3)
			s++;
		a = a << 8 | v;
	}
	*out = a;
	return 0;
}

int ip_parse_cidr(const char *s, uint32_t *addr, unsigned *prefix)
{
	char tmp[16];
	size_t n = 0;
	unsigned p = 0;

	while (s[n] && s[n] != '/') {
		if (n + 1 >= sizeof(tmp))
			return -EINVAL;
		tmp[n] = s[n];
		n++;
	}
	tmp[n] = 0;
	if (ip_parse_addr(tmp, addr))
		return -EINVAL;
	if (!s[n]) {
		*prefix = 24;
		return 0;
	}
	s += n + 1;
	if (!*s)
		return -EINVAL;
	for (int digits = 0; *s; s++, digits++) {
		if (*s < '0' || *s > '9' || digits >= 2)
			return -EINVAL;
		p = p * 10 + (unsigned)(*s - '0');
	}
	if (p > 32)
		return -EINVAL;
	*prefix = p;
	return 0;
}

uint32_t ip_prefix_mask(unsigned prefix)
{
	return prefix ? 0xFFFFFFFFu << (32 - (prefix > 32 ? 32 : prefix)) : 0;
}

int ip_mask_prefix(uint32_t mask)
{
	int n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return ip_prefix_mask((unsigned)n) == mask ? n : -1;
}

void ip_format_addr(uint32_t a, char buf[16])
{
	size_t n = 0;

	for (int i = 3; i >= 0; i--) {
		unsigned v = a >> (i * 8) & 0xFF;

		if (v >= 100)
			buf[n++] = (char)('0' + v / 100);
		if (v >= 10)
			buf[n++] = (char)('0' + v / 10 % 10);
		buf[n++] = (char)('0' + v % 10);
		if (i)
			buf[n++] = '.';
	}
	buf[n] = 0;
}

int ip_addr_special(uint32_t a)
{
	uint8_t top = (uint8_t)(a >> 24);

	return top == 0 || top == 127 || top >= 224;
}

int ip_mac_unicast(const uint8_t mac[ETH_ALEN])
{
	static const uint8_t zero[ETH_ALEN];

	return !(mac[0] & 1) && memcmp(mac, zero, ETH_ALEN);
}

/* The host part of a in a subnet of mask: neither all zeros nor all ones. */
static int ip_host_part_ok(uint32_t a, uint32_t mask)
{
	return (a & ~mask) != 0 && (a & ~mask) != ~mask;
}

int ip_check_config(uint32_t addr, uint32_t mask, uint32_t gw, const char **why)
{
	int prefix = ip_mask_prefix(mask);

	*why = NULL;
	if (prefix < 1 || prefix > 30)
		*why = "the prefix must be 1 to 30";
	else if (ip_addr_special(addr))
		*why = "a zero, loopback, multicast or broadcast address";
	else if (!ip_host_part_ok(addr, mask))
		*why = "the subnet's own or broadcast address";
	else if (gw && (ip_addr_special(gw) || !ip_host_part_ok(gw, mask) || gw == addr))
		*why = "the gateway is not another host address";
	else if (gw && ((gw ^ addr) & mask))
		*why = "the gateway is outside the subnet";
	return *why ? -EINVAL : 0;
}

int ip_arp_sender_ok(const struct arp_view *a, uint32_t addr, uint32_t mask, const uint8_t own[ETH_ALEN])
{
	if (!ip_mac_unicast(a->sha) || !memcmp(a->sha, own, ETH_ALEN))
		return 0;
	if (ip_addr_special(a->spa) || (addr && a->spa == addr))
		return 0;
	if (addr && mask && (((a->spa ^ addr) & mask) || !ip_host_part_ok(a->spa, mask)))
		return 0;
	return 1;
}

int ip_echo_ok(uint32_t src, const uint8_t src_mac[ETH_ALEN], uint32_t addr, uint32_t mask)
{
	if (!ip_mac_unicast(src_mac) || ip_addr_special(src))
		return 0;
	return !(mask && !((src ^ addr) & mask) && !ip_host_part_ok(src, mask));
}
