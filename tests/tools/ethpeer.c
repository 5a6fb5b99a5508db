/* ethpeer.c: a host-side station on a QEMU socket netdev
 * (-netdev socket,id=n0,udp=127.0.0.1:PEER,localaddr=127.0.0.1:QEMU: one
 * UDP datagram on 127.0.0.1 per Ethernet frame), for the expect tests.
 *   ethpeer PEER QEMU
 *     raw: each frame from the guest is printed as "rx HEX"; each stdin line
 *     "tx HEX" is sent to the guest as one frame, "flood N HEX" N times.
 *   ethpeer PEER QEMU bridge PORT HOSTIP HOSTMAC
 *     plays the host HOSTIP (MAC HOSTMAC) on the guest's Ethernet: answers
 *     ARP for it, and relays UDP between the guest and a local client
 *     (socat - UDP:127.0.0.1:PORT): the guest's datagrams to HOSTIP go to
 *     the client that spoke last, the client's to the guest's address and
 *     port that last sent to HOSTIP. Nothing leaves 127.0.0.1.
 *   ethpeer PEER QEMU echo HOSTIP HOSTMAC
 *     plays the host HOSTIP on the guest's Ethernet and answers only ARP and
 *     ping for it: the floor of a ping round trip on the link (bench_net.exp).
 * Host code (no kernel headers): plain POSIX sockets and poll(2). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FRAME_MAX 2048

static int qsock, csock = -1;
static struct sockaddr_in qemu_addr, client_addr;
static int have_client;
static uint8_t host_mac[6], guest_mac[6];
static uint32_t host_ip, guest_ip;
static uint16_t guest_port;
static int have_guest;
static int echo; /* echo mode: ARP and ping only */

static int udp_bound(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "ethpeer: bind 127.0.0.1:%u: %s\n", port, strerror(errno));
		exit(2);
	}
	return s;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

static void to_qemu(const uint8_t *f, size_t n)
{
	if (sendto(qsock, f, n, 0, (struct sockaddr *)&qemu_addr, sizeof(qemu_addr)) < 0)
		fprintf(stderr, "ethpeer: send to QEMU: %s\n", strerror(errno));
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "tx HEX" or "flood N HEX" */
static void raw_line(char *line)
{
	uint8_t f[FRAME_MAX];
	size_t n = 0;
	long count = 1;
	char *p = line;

	if (!strncmp(p, "flood ", 6)) {
		count = strtol(p + 6, &p, 10);
	} else if (!strncmp(p, "tx ", 3)) {
		p += 2;
	} else {
		return;
	}
	while (*p == ' ')
		p++;
	for (; hexval(p[0]) >= 0 && hexval(p[1]) >= 0 && n < sizeof(f); p += 2)
		f[n++] = (uint8_t)(hexval(p[0]) << 4 | hexval(p[1]));
	for (long i = 0; i < count; i++)
		to_qemu(f, n);
	printf("sent %ld\n", count);
	fflush(stdout);
}

static void raw_frame(const uint8_t *f, size_t n)
{
	printf("rx ");
	for (size_t i = 0; i < n; i++)
		printf("%02x", f[i]);
	printf("\n");
	fflush(stdout);
}

/* An ARP request for HOSTIP gets our reply. */
static void bridge_arp(const uint8_t *f, size_t n)
{
	uint8_t r[60] = { 0 };

	if (n < 42 || get16(f + 20) != 1 || get32(f + 38) != host_ip)
		return;
	memcpy(r, f + 6, 6);
	memcpy(r + 6, host_mac, 6);
	put16(r + 12, 0x0806);
	memcpy(r + 14, f + 14, 6); /* htype, ptype, hlen, plen */
	put16(r + 20, 2);
	memcpy(r + 22, host_mac, 6);
	put32(r + 28, host_ip);
	memcpy(r + 32, f + 22, 10); /* the asker's MAC and address */
	to_qemu(r, sizeof(r));
}

/* A UDP datagram to HOSTIP: its payload to the client. */
static void bridge_udp(const uint8_t *f, size_t n)
{
	size_t ihl, ulen;

	if (n < 42 || f[23] != 17 || get32(f + 30) != host_ip)
		return;
	ihl = (size_t)(f[14] & 0xF) * 4;
	if (14 + ihl + 8 > n)
		return;
	ulen = get16(f + 14 + ihl + 4);
	if (ulen < 8 || 14 + ihl + ulen > n)
		return;
	memcpy(guest_mac, f + 6, 6);
	guest_ip = get32(f + 26);
	guest_port = get16(f + 14 + ihl);
	have_guest = 1;
	if (have_client)
		sendto(csock, f + 14 + ihl + 8, ulen - 8, 0, (struct sockaddr *)&client_addr, sizeof(client_addr));
}

/* An ICMP echo request to HOSTIP (RFC 792) comes back as its reply: the
 * same frame with the addresses swapped, type 0 and both checksums anew. */
static void bridge_echo(const uint8_t *f, size_t n)
{
	uint8_t r[FRAME_MAX];
	size_t ihl = (size_t)(f[14] & 0xF) * 4, total;

	if (n < 42 || f[23] != 1 || get32(f + 30) != host_ip || ihl < 20)
		return;
	total = get16(f + 16);
	if (total < ihl + 8 || 14 + total > n || f[14 + ihl] != 8)
		return;
	memcpy(r, f, n);
	memcpy(r, f + 6, 6);
	memcpy(r + 6, host_mac, 6);
	put32(r + 26, host_ip);
	put32(r + 30, get32(f + 26));
	put16(r + 24, 0);
	put16(r + 24, csum(r + 14, ihl));
	r[14 + ihl] = 0;
	put16(r + 14 + ihl + 2, 0);
	put16(r + 14 + ihl + 2, csum(r + 14 + ihl, total - ihl));
	to_qemu(r, n);
}

/* The client's datagram, as UDP from HOSTIP:guest_port to the guest. */
static void bridge_client(const uint8_t *d, size_t n)
{
	uint8_t f[FRAME_MAX] = { 0 };
	static uint16_t id;

	if (!have_guest || n > 1400)
		return;
	memcpy(f, guest_mac, 6);
	memcpy(f + 6, host_mac, 6);
	put16(f + 12, 0x0800);
	f[14] = 0x45;
	put16(f + 16, (uint16_t)(28 + n));
	put16(f + 18, ++id);
	f[22] = 64;
	f[23] = 17;
	put32(f + 26, host_ip);
	put32(f + 30, guest_ip);
	put16(f + 24, csum(f + 14, 20));
	put16(f + 34, guest_port);
	put16(f + 36, guest_port);
	put16(f + 38, (uint16_t)(8 + n));
	memcpy(f + 42, d, n); /* UDP checksum 0: none (RFC 768) */
	to_qemu(f, n + 42 < 60 ? 60 : n + 42);
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

int main(int argc, char **argv)
{
	int bridge = argc == 7 && !strcmp(argv[3], "bridge");
	const char *ip_arg = bridge ? argv[5] : argc == 6 ? argv[4] : "", *mac_arg = bridge ? argv[6] : argv[argc - 1];
	struct in_addr ip;
	char line[2 * FRAME_MAX + 32];

	echo = argc == 6 && !strcmp(argv[3], "echo");
	if ((argc != 3 && !bridge && !echo) ||
	    ((bridge || echo) && (inet_aton(ip_arg, &ip) == 0 || parse_mac(mac_arg, host_mac)))) {
		fprintf(stderr, "usage: ethpeer PEER QEMU [bridge PORT HOSTIP HOSTMAC | echo HOSTIP HOSTMAC]\n");
		return 2;
	}
	qsock = udp_bound((uint16_t)atoi(argv[1]));
	qemu_addr.sin_family = AF_INET;
	qemu_addr.sin_port = htons((uint16_t)atoi(argv[2]));
	qemu_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bridge)
		csock = udp_bound((uint16_t)atoi(argv[4]));
	if (bridge || echo)
		host_ip = ntohl(ip.s_addr);
	setvbuf(stdin, NULL, _IONBF, 0);
	printf("ethpeer ready\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = { { qsock, POLLIN, 0 }, { bridge ? csock : 0, POLLIN, 0 } };
		uint8_t f[FRAME_MAX];
		ssize_t n;

		if (poll(p, echo ? 1 : 2, -1) < 0 && errno != EINTR)
			return 1;
		if (p[0].revents & POLLIN && (n = recv(qsock, f, sizeof(f), 0)) > 0) {
			if (!bridge && !echo)
				raw_frame(f, (size_t)n);
			else if (n >= 14 && get16(f + 12) == 0x0806)
				bridge_arp(f, (size_t)n);
			else if (n >= 14 && get16(f + 12) == 0x0800 && echo)
				bridge_echo(f, (size_t)n);
			else if (n >= 14 && get16(f + 12) == 0x0800)
				bridge_udp(f, (size_t)n);
		}
		if (echo || !(p[1].revents & (POLLIN | POLLHUP))) /* echo: stdin unread */
			continue;
		if (bridge) {
			socklen_t al = sizeof(client_addr);

			n = recvfrom(csock, f, sizeof(f), 0, (struct sockaddr *)&client_addr, &al);
			have_client = n >= 0;
			if (n >= 0)
				bridge_client(f, (size_t)n);
		} else if (!fgets(line, sizeof(line), stdin)) {
			return 0;
		} else {
			raw_line(line);
		}
	}
}
