/* netcon_parse.c: the network console's setting, from netconsole= on the
 * kernel command line or `console net`:
 * [IFACE,]dhcp|ADDR/PREFIX[,gw=GW]@HOST[:PORT]. Pure: host unit-tested and
 * fuzzed (tests/unit/test_netcon.c, tests/fuzz/fuzz_netcon.c). */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "ip.h"
#include "netconsole.h"
#include "string.h"

#define NETCON_WORD 40

/* Copy s[0..len) into buf (NETCON_WORD bytes) as a string: 0, or -EINVAL
 * when it does not fit. */
static int netcon_word(const char *s, size_t len, char *buf)
{
	if (len >= NETCON_WORD)
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	return 0;
}

/* HOST[:PORT] */
static int netcon_parse_host(const char *s, struct netcon_config *out, const char **why)
{
	const char *colon = strchr(s, ':');
	char w[NETCON_WORD];
	unsigned long port = 0;

	*why = "bad host address (want A.B.C.D[:PORT])";
	if (netcon_word(s, colon ? (size_t)(colon - s) : strlen(s), w) || ip_parse_addr(w, &out->host))
		return -EINVAL;
	out->port = NETCON_PORT;
	if (!colon)
		return 0;
	*why = "bad port (want 1 to 65535)";
	if (!colon[1] || strlen(colon + 1) > 5)
		return -EINVAL;
	for (const char *p = colon + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		port = port * 10 + (unsigned long)(*p - '0');
	}
	if (!port || port > 65535)
		return -EINVAL;
	out->port = (uint16_t)port;
	return 0;
}

/* An interface name: net0 .. net99, as net_register names them. */
static int netcon_iface_name(const char *w)
{
	size_t n = strlen(w);

	return n >= 4 && n <= 5 && !strncmp(w, "net", 3) && w[3] >= '0' && w[3] <= '9' &&
	       (n == 4 || (w[4] >= '0' && w[4] <= '9'));
}

/* One comma-separated word of the part before '@', in order. */
static int netcon_parse_word(const char *w, int index, int *state, struct netcon_config *out, const char **why)
{
	if (*state == 0 && index == 0 && netcon_iface_name(w)) {
		memcpy(out->iface, w, strlen(w) + 1);
		return 0;
	}
	if (*state == 0) {
		*state = 1;
		if (!strcmp(w, "dhcp")) {
			out->dhcp = 1;
			return 0;
		}
		*why = "want dhcp or ADDR/PREFIX before '@'";
		return ip_parse_cidr(w, &out->addr, &out->prefix) ? -EINVAL : 0;
	}
	*why = "after the address only gw=GW may follow";
	if (*state != 1 || out->dhcp || strncmp(w, "gw=", 3))
		return -EINVAL;
	*state = 2;
	*why = "bad gateway address";
	return ip_parse_addr(w + 3, &out->gw) ? -EINVAL : 0;
}

int netcon_parse(const char *s, struct netcon_config *out, const char **why)
{
	const char *at = s ? strchr(s, '@') : NULL, *p = s;
	char w[NETCON_WORD];
	int state = 0;

	memset(out, 0, sizeof(*out));
	*why = "want [IFACE,]dhcp|ADDR/PREFIX[,gw=GW]@HOST[:PORT]";
	if (!at || strchr(at + 1, '@'))
		return -EINVAL;
	for (int i = 0; p < at; i++) {
		const char *comma = p;
		size_t len;

		while (comma < at && *comma != ',')
			comma++;
		if (comma == at)
			comma = NULL;
		len = (size_t)((comma ? comma : at) - p);

		*why = "a word before '@' is too long";
		if (netcon_word(p, len, w) || netcon_parse_word(w, i, &state, out, why))
			return -EINVAL;
		p += len + (comma ? 1 : 0);
		if (comma && p == at) {
			*why = "nothing after a comma";
			return -EINVAL;
		}
	}
	if (state == 0) {
		*why = "want dhcp or ADDR/PREFIX before '@'";
		return -EINVAL;
	}
	return netcon_parse_host(at + 1, out, why);
}
