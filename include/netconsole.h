/* netconsole.h: the network console (src/netconsole.c): console output as
 * UDP datagrams to one host, and that host's datagrams as keyboard input,
 * as U-Boot's netconsole does (port 6666 by default, the same port both
 * ways). Set by netconsole= on the kernel command line or `console net`;
 * the setting's parser (src/netcon_parse.c) is pure and host-tested. */
#ifndef INGOT_NETCONSOLE_H
#define INGOT_NETCONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include "netdev.h"

#define NETCON_PORT 6666

struct netcon_config {
	char iface[NET_NAME_MAX];  /* "": the first interface */
	int dhcp;                  /* else addr/prefix and gw (0: none) */
	uint32_t addr, gw;
	unsigned prefix;
	uint32_t host;             /* where output goes, whose input is taken */
	uint16_t port;
};

/* "[IFACE,]dhcp|ADDR/PREFIX[,gw=GW]@HOST[:PORT]": 0, or -EINVAL with what
 * is wrong in *why (a constant string). Addresses are only parsed here;
 * the interface checks them (ip_check_config). */
int netcon_parse(const char *s, struct netcon_config *out, const char **why);

/* Start (or move) the network console: the interface's address (DHCP or
 * static), the host's MAC (ARP, 1 s at most: without it output waits in a
 * ring until an answer comes), then every console line goes out. 0 or a
 * negative code with why in one line. */
int netcon_start(const struct netcon_config *cfg, char *why, size_t whysz);
void netcon_stop(void);
/* netconsole= on the kernel command line, if any: an error line when bad. */
void netcon_boot(const char *cmdline);

#endif
