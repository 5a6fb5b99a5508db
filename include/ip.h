/* ip.h: Ingot's small IPv4 layer over the netdevs: ARP (RFC 826) with a
 * cache, IPv4 (RFC 791), ICMP echo (RFC 792), UDP (RFC 768), a DHCP client
 * (RFC 2131/2132) and a TFTP client (RFC 1350, blksize RFC 2347/2348).
 * Nothing runs in the background: the layer polls every NIC while one of
 * its calls waits, and then also answers ARP and ping requests for its
 * addresses. The frame parsers and builders (src/ip_parse.c) are pure and
 * host-tested. Addresses are host byte order unless a name says _be. */
#ifndef INGOT_IP_H
#define INGOT_IP_H

#include <stddef.h>
#include <stdint.h>
#include "netdev.h"

/* Byte order: the wire is big-endian, the CPU little-endian. */
static inline uint16_t ip_htons(uint16_t v) { return (uint16_t)(v << 8 | v >> 8); }
static inline uint16_t ip_ntohs(uint16_t v) { return ip_htons(v); }
static inline uint32_t ip_htonl(uint32_t v)
{
	return v << 24 | (v & 0xFF00u) << 8 | (v >> 8 & 0xFF00u) | v >> 24;
}
static inline uint32_t ip_ntohl(uint32_t v) { return ip_htonl(v); }

#define ETH_HLEN 14
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
#define IPV4_HLEN 20
#define IPV4_PROTO_ICMP 1
#define IPV4_PROTO_UDP 17
#define UDP_HLEN 8
#define ICMP_HLEN 8
#define IP_BROADCAST 0xFFFFFFFFu
#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define TFTP_PORT 69
#define TFTP_BLKSIZE 1468      /* 1500 - IPv4 20 - UDP 8 - TFTP 4 */
#define TFTP_MSG_MAX 96

/* ---- pure parsers and builders (src/ip_parse.c) ---- */

/* Read big-endian fields from a byte buffer, write them back. */
uint16_t ip_get16(const uint8_t *p);
uint32_t ip_get32(const uint8_t *p);
void ip_put16(uint8_t *p, uint16_t v);
void ip_put32(uint8_t *p, uint32_t v);

/* RFC 1071 sum of len bytes added to sum (not folded, not inverted). */
uint32_t ip_sum(const void *data, size_t len, uint32_t sum);
/* Fold and invert: the checksum field value (host order). */
uint16_t ip_sum_finish(uint32_t sum);

struct eth_view {
	const uint8_t *dst, *src;
	uint16_t type;
	const uint8_t *payload;
	size_t len;
};
struct arp_view {
	uint16_t op;               /* 1 request, 2 reply */
	uint8_t sha[ETH_ALEN], tha[ETH_ALEN];
	uint32_t spa, tpa;
};
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
struct ipv4_view {
	uint32_t src, dst;
	uint8_t proto, ttl;
	uint16_t id;
	const uint8_t *payload;    /* after the header and its options */
	size_t len;                /* total length minus header: padding cut */
};
struct icmp_view {
	uint8_t type, code;
	uint16_t id, seq;          /* echo only */
	const uint8_t *data;       /* after the 8-byte header */
	size_t len;
};
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
struct udp_view {
	uint16_t sport, dport;
	const uint8_t *data;
	size_t len;
};
#define DHCP_BOOT_FILE_MAX 64
struct dhcp_view {
	uint8_t type;              /* option 53 */
	uint32_t xid, yiaddr, siaddr;
	uint32_t mask, router, dns, lease_s, server_id; /* 0: absent */
	/* Network boot (RFC 2132 9.4, 9.5; RFC 2131 2): the TFTP server
	 * option 66 names (or the sname field), as an address; 0 when absent
	 * or a host name. The boot file of option 67, else the file field;
	 * "" when absent. Neither is read from fields option 52 overloads. */
	uint32_t boot_server;
	char boot_file[DHCP_BOOT_FILE_MAX];
};
#define DHCP_DISCOVER 1
#define DHCP_OFFER 2
#define DHCP_REQUEST 3
#define DHCP_ACK 5
#define DHCP_NAK 6
struct tftp_view {
	uint16_t op;               /* TFTP_DATA, TFTP_ERROR, TFTP_OACK */
	uint16_t block;            /* DATA: block number; ERROR: error code */
	const uint8_t *data;       /* DATA */
	size_t len;
	uint32_t blksize;          /* OACK: 0 when not acknowledged */
	char msg[TFTP_MSG_MAX];    /* ERROR: the server's message, printable */
};
#define TFTP_RRQ 1
#define TFTP_DATA 3
#define TFTP_ACK 4
#define TFTP_ERROR 5
#define TFTP_OACK 6

/* Each parser checks every length and checksum before filling *out:
 * 0, -EINVAL (malformed: counted and dropped), -ENOSYS (valid but not
 * handled: IPv4 fragments, other ARP hardware). */
int ip_parse_eth(const void *frame, size_t len, struct eth_view *out);
int ip_parse_arp(const uint8_t *p, size_t len, struct arp_view *out);
int ip_parse_ipv4(const uint8_t *p, size_t len, struct ipv4_view *out);
int ip_parse_icmp(const uint8_t *p, size_t len, struct icmp_view *out);
/* The UDP datagram in ip (its checksum, when not 0, over the pseudo-header). */
int ip_parse_udp(const struct ipv4_view *ip, struct udp_view *out);
/* A BOOTREPLY for this transaction and hardware address, with options. */
int ip_parse_dhcp(const uint8_t *p, size_t len, uint32_t xid, const uint8_t mac[ETH_ALEN], struct dhcp_view *out);
int ip_parse_tftp(const uint8_t *p, size_t len, struct tftp_view *out);

/* Builders write into buf (room for ETH_FRAME_MAX) and return the length. */
size_t ip_build_eth(uint8_t *buf, const uint8_t dst[ETH_ALEN], const uint8_t src[ETH_ALEN], uint16_t type);
size_t ip_build_arp(uint8_t *buf, uint16_t op, const uint8_t sha[ETH_ALEN], uint32_t spa,
		    const uint8_t tha[ETH_ALEN], uint32_t tpa);
/* IPv4 header (20 bytes, DF clear, TTL 64) for payload_len bytes. */
size_t ip_build_ipv4(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto, uint16_t id, size_t payload_len);
/* UDP header for the len bytes already at buf + UDP_HLEN, with checksum. */
size_t ip_build_udp(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, size_t len);
/* DHCP DISCOVER (server_id 0) or REQUEST of `want` from server_id. */
size_t ip_build_dhcp(uint8_t *buf, uint8_t type, uint32_t xid, const uint8_t mac[ETH_ALEN], uint32_t want,
		     uint32_t server_id);

/* "aa:bb:cc:dd:ee:ff" (or with '-'): 0 or -EINVAL. */
int ip_parse_mac(const char *s, uint8_t mac[ETH_ALEN]);
/* Address checks (RFC 1122 3.2.1.3): 0.0.0.0/8, 127/8 (loopback), 224/4
 * (multicast) and 240/4 (with the limited broadcast) are never a host's. */
int ip_addr_special(uint32_t a);
/* A MAC one station owns: not all zero, the group bit clear (which the
 * broadcast address has set). */
int ip_mac_unicast(const uint8_t mac[ETH_ALEN]);
/* A host address, netmask and gateway (0: none) one interface may hold:
 * prefix 1..30, neither address special, the host part neither all zeros
 * nor all ones, the gateway another host of the subnet. 0 or -EINVAL, and
 * what is wrong in *why (a constant string). Static setup and DHCP leases
 * both go through it. */
int ip_check_config(uint32_t addr, uint32_t mask, uint32_t gw, const char **why);
/* Whether the sender of ARP packet a may enter the cache of an interface
 * with addr/mask (0: none yet) and MAC own: a unicast MAC not ours, an
 * address that is a host of the subnet and not ours (RFC 826, RFC 5227
 * 2.1.1: a packet claiming our address is a conflict, never an entry). */
int ip_arp_sender_ok(const struct arp_view *a, uint32_t addr, uint32_t mask, const uint8_t own[ETH_ALEN]);
/* Whether an echo request from src (source MAC src_mac) may be answered:
 * RFC 1122 3.2.2.6 and 3.2.1.3 discard one from a broadcast, multicast,
 * loopback or zero source, from the subnet's broadcast, or from a group MAC. */
int ip_echo_ok(uint32_t src, const uint8_t src_mac[ETH_ALEN], uint32_t addr, uint32_t mask);

/* "a.b.c.d": 0 or -EINVAL. */
int ip_parse_addr(const char *s, uint32_t *out);
/* "a.b.c.d/N" (N 0..32, default 24 when absent): 0 or -EINVAL. */
int ip_parse_cidr(const char *s, uint32_t *addr, unsigned *prefix);
uint32_t ip_prefix_mask(unsigned prefix);
/* Prefix length of a contiguous mask, or -1. */
int ip_mask_prefix(uint32_t mask);
/* "a.b.c.d" into buf (16 bytes). */
void ip_format_addr(uint32_t a, char buf[16]);

/* ---- the layer (src/ipv4.c, arp.c, icmp.c, udp.c, ip_wait.c, ping.c,
 * dhcp.c, tftp.c; what they share is src/ip_layer.h) ---- */

struct ip_stats {
	uint64_t arp_rx, arp_tx, ip_rx, ip_tx, icmp_rx, echo_answered, udp_rx;
	uint64_t not_ours, fragments, unknown_proto;
	/* Refused and counted (issue 14's bad input): ARP senders that can
	 * never be right, replies nobody asked for, MACs that would replace an
	 * answer we asked for; packets from a source no host has; echo
	 * requests RFC 1122 says to discard; UDP with no room or no listener. */
	uint64_t arp_refused, arp_unsolicited, arp_conflicts, bad_source, echo_refused, udp_dropped;
};

/* One per netdev, held by the IP layer. */
struct ip_iface {
	uint32_t addr, netmask, gateway, dns; /* host byte order, 0 = none */
	uint32_t lease_s;
	uint32_t tftp_server;      /* from DHCP: next-server or server id */
	uint32_t boot_server;      /* from DHCP for network boot: option 66 or sname,
				    * else next-server when a boot file is named; 0 = none */
	char boot_file[DHCP_BOOT_FILE_MAX];
	struct ip_stats stats;
	struct netdev *dev;
};

struct arp_entry {
	uint32_t ip;
	uint8_t mac[ETH_ALEN];
	const struct netdev *dev;
	uint64_t expires_ns;       /* 0: free */
	int resolved;              /* the answer to our own request (else: learnt from a request to us) */
};
#define ARP_CACHE_SIZE 16
#define ARP_EXPIRY_NS (120ull * 1000000000ull)

/* Poll every NIC once, handling what arrived (ARP, ping requests, the
 * replies a waiting call expects). */
void ip_poll(void);
/* While a program runs (net_set_kernel_rx): handle the frame and return 1
 * when the kernel owns it (ARP for our address, echo to it, a UDP port a
 * kernel call listens on), else 0. Any core, interrupt context too. */
int ip_take_frame(struct netdev *n, const uint8_t *frame, size_t len);
/* The IPv4 state of a registered netdev, NULL for any other device. */
const struct ip_iface *ip_iface_get(struct netdev *n);
/* Static configuration: address, prefix, gateway (0 = none). 0, -EINVAL,
 * -ENODEV (not a registered netdev). */
int ip_config_static(struct netdev *n, uint32_t addr, unsigned prefix, uint32_t gw);
/* DHCP: 3 tries of 3 s; fills n's ip_iface: address, netmask, gateway,
 * dns, lease. 0, -ETIMEDOUT, -EIO (link down), -EPROTO (NAK), -ENODEV,
 * -ECANCELED (Ctrl-C); on an error other than -ECANCELED, why says what
 * went wrong in one line (no "error:" prefix). */
int ip_dhcp(struct netdev *n, char *why, size_t whysz);
/* One ICMP echo to dst with this sequence number, waiting at most
 * timeout_ns for the reply: 0 with *rtt_ns, -ETIMEDOUT, -EHOSTUNREACH-like
 * -ENODEV (no configured interface reaches dst), -EIO (link down),
 * -ECANCELED. */
int ip_ping(uint32_t dst, uint16_t seq, uint64_t timeout_ns, uint64_t *rtt_ns, struct netdev **via);
/* Read FILE from the TFTP server (the DHCP server's next-server or
 * server id, else the gateway) into buf: *len bytes. Runs DHCP first when
 * no interface has an address. 0, -EFBIG (more than cap), -ENOENT (the
 * server says not found), -EACCES, -EPROTO (other TFTP error), -ETIMEDOUT,
 * -ENODEV, -ECANCELED; why as for ip_dhcp. */
int ip_tftp_get(const char *file, void *buf, size_t cap, size_t *len, char *why, size_t whysz);
/* Network boot (src/netboot.c). The machine's boot server: bootserver=
 * on the kernel command line (GRUB's server), else the first lease that
 * named one (ip_iface.boot_server). 0, or -ENOENT when there is none. */
int ip_boot_server(uint32_t *addr);
/* The server a TFTP load on interface c asks: the boot server, else
 * DHCP's next-server or server id, else the gateway; 0 when none. */
uint32_t ip_tftp_server(const struct ip_iface *c);
/* At boot, when GRUB said the machine came from the network (bootserver=
 * or bootif=): DHCP on the card it booted from, one line of report. */
void netboot_init(void);
/* Where the last TFTP load came from: its server and interface. */
void ip_tftp_source(uint32_t *server, struct netdev **via);
/* The ARP cache (entries with expires_ns != 0 are valid). */
const struct arp_entry *ip_arp_cache(void);

#endif
