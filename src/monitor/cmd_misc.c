/* cmd_misc.c: the monitor's general commands the tiny profile leaves out:
 * uptime, clear, reboot (help, version, poweroff: cmd_core.c). */
#include "console.h"
#include "kernel.h"
#include "monitor.h"
#include "power.h"
#include "rtc.h"
#include "timer.h"

static int cmd_uptime(int argc, char **argv)
{
	uint64_t ns = timer_ns(), s = ns / 1000000000ull;
	struct rtc_time t;

	(void)argc, (void)argv;
	kprintf("up %llu.%03llu s (%llu:%02llu:%02llu), clock: %s, ", (unsigned long long)s,
		(unsigned long long)(ns / 1000000 % 1000), (unsigned long long)(s / 3600),
		(unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60), timer_source());
	if (rtc_now(&t))
		kprintf("date: unknown (the RTC did not answer)\n");
	else
		kprintf("date: %04u-%02u-%02u %02u:%02u:%02u\n", t.year, t.month, t.day, t.hour, t.min, t.sec);
	return 0;
}

CMD(uptime, .name = "uptime", .usage = "uptime",
    .summary = "time since boot",
    .min_args = 0, .max_args = 0, .fn = cmd_uptime);

static int cmd_clear(int argc, char **argv)
{
	(void)argc, (void)argv;
	console_puts("\x1b[2J\x1b[H");
	return 0;
}

CMD(clear, .name = "clear", .usage = "clear",
    .summary = "clear the screen",
    .min_args = 0, .max_args = 0, .fn = cmd_clear);

static int cmd_reboot(int argc, char **argv)
{
	(void)argc, (void)argv;
	kprintf("rebooting\n");
	return power_reset();
}

CMD(reboot, .name = "reboot", .usage = "reboot",
    .summary = "reset the machine",
    .min_args = 0, .max_args = 0, .fn = cmd_reboot);
