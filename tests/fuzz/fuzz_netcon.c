/* fuzz_netcon.c: libFuzzer target for src/netcon_parse.c: the input as a
 * netconsole= value. A setting it takes must be whole: a host, a port,
 * and either DHCP or a prefix of at most 32. Built by `make fuzz` with clang. */
/* sources: src/netcon_parse.c src/ip_parse.c */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "errno.h"
#include "netconsole.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[256];
	struct netcon_config c;
	const char *why = NULL;
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;

	memcpy(s, data, n);
	s[n] = 0;
	if (netcon_parse(s, &c, &why) == 0) {
		if (!c.port || (!c.dhcp && c.prefix > 32) || (c.dhcp && c.gw) ||
		    strnlen(c.iface, sizeof(c.iface)) == sizeof(c.iface))
			__builtin_trap();
	} else if (!why) {
		__builtin_trap();
	}
	return 0;
}
