/* test_netcon.c: host tests of src/netcon_parse.c, the netconsole= and
 * `console net` setting: every form of the syntax, and what it refuses. */
/* sources: src/netcon_parse.c src/ip_parse.c */
#include <stdint.h>
#include <string.h>
#include "errno.h"
#include "netconsole.h"
#include "unit.h"

static struct netcon_config c;
static const char *why;

static int parse(const char *s) { return netcon_parse(s, &c, &why); }

static void test_good(void)
{
	CHECK("dhcp", parse("dhcp@10.0.2.2") == 0 && c.dhcp && !c.iface[0] && c.host == 0x0A000202u && c.port == 6666);
	CHECK("iface.dhcp.port", parse("net1,dhcp@10.0.2.2:7000") == 0 && c.dhcp && !strcmp(c.iface, "net1") &&
		c.port == 7000);
	CHECK("static", parse("192.168.7.1/24@192.168.7.2") == 0 && !c.dhcp && c.addr == 0xC0A80701u && c.prefix == 24 &&
		c.gw == 0 && c.host == 0xC0A80702u);
	CHECK("static.gw", parse("net0,10.0.0.5/8,gw=10.0.0.1@192.0.2.9:6666") == 0 && c.gw == 0x0A000001u &&
		c.prefix == 8 && c.host == 0xC0000209u);
	CHECK("static.default-prefix", parse("10.1.2.3@10.1.2.4") == 0 && c.prefix == 24);
	CHECK("port.max", parse("dhcp@10.0.2.2:65535") == 0 && c.port == 65535);
	CHECK("iface.two-digits", parse("net12,dhcp@10.0.2.2") == 0 && !strcmp(c.iface, "net12"));
}

static void test_bad(void)
{
	const char *bad[] = {
		"", "dhcp", "@10.0.2.2", "net0@10.0.2.2", "net0,@10.0.2.2", "dhcp,@10.0.2.2", "dhcp@",
		"dhcp@10.0.2", "dhcp@10.0.2.2:", "dhcp@10.0.2.2:0", "dhcp@10.0.2.2:65536", "dhcp@10.0.2.2:123456",
		"dhcp@10.0.2.2:6x", "dhcp,gw=10.0.2.2@10.0.2.2", "10.0.2.15/24,gw=10.0.2@10.0.2.2",
		"10.0.2.15/33@10.0.2.2", "eth0,dhcp@10.0.2.2", "net0,net1,dhcp@10.0.2.2", "dhcp@10.0.2.2@10.0.2.3",
		"10.0.2.15/24,gw=10.0.2.2,gw=10.0.2.3@10.0.2.2", "dhcp,dhcp@10.0.2.2", "net123,dhcp@10.0.2.2",
		"10.0.2.15/24,foo@10.0.2.2", "0123456789012345678901234567890123456789012,dhcp@10.0.2.2",
	};
	char name[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "refused '%s'", bad[i]);
		why = NULL;
		CHECK(name, parse(bad[i]) == -EINVAL && why && *why);
	}
	CHECK("null", netcon_parse(NULL, &c, &why) == -EINVAL);
}

int main(void)
{
	test_good();
	test_bad();
	return unit_exit();
}
