/* cmd_prog_tftp.c: load and exec from the network: tftp:FILE, and a bare
 * name no disk has when booted from the network (netboot.c); left out of
 * profiles without the IPv4 layer (docs/monitor.md, "The tiny profile"). */
#include "console.h"
#include "errno.h"
#include "ip.h"
#include "kernel.h"
#include "monitor.h"
#include "program.h"
#include "cmd_prog.h"

/* FILE from the TFTP server (DHCP first if needed), then a line saying
 * which server and card. fallback: FILE is on no disk; it comes from the
 * machine's boot server, which the error line names, or -ENOENT when
 * there is none. */
int prog_load_tftp(const char *cmd, const char *file, int fallback)
{
	size_t cap = 16 * MiB, n;
	void *buf = program_file_buffer(cap);
	char why[128] = "out of memory", srv[16];
	struct netdev *via;
	uint32_t server, boot = 0;
	int err;

	if (fallback && ip_boot_server(&boot))
		return -ENOENT;
	err = buf ? ip_tftp_get(file, buf, cap, &n, why, sizeof(why)) : -ENOMEM;
	if (err == -ECANCELED)
		return err;
	ip_format_addr(boot, srv);
	if (err && fallback)
		return cmd_error("%s: %s: on no disk, nor on the boot server %s (%s)", cmd, file, srv, why);
	if (err)
		return cmd_error("%s: tftp:%s: %s", cmd, file, why);
	if (prog_load_buffer(buf, n, file))
		return CMD_REPORTED;
	ip_tftp_source(&server, &via);
	ip_format_addr(server, srv);
	kprintf("from tftp://%s/%s via %s\n", srv, file, via->name);
	return 0;
}

