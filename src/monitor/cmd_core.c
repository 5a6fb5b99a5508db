/* cmd_core.c: the monitor's general commands: help, version, poweroff
 * (uptime, clear and reboot: cmd_misc.c). */
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "ksyms.h"
#include "monitor.h"
#include "power.h"
#include "string.h"

#ifndef BUILD_DATE
#define BUILD_DATE "unknown date"
#endif

/* The command after prev in name order (the table is in link order). */
static const struct cmd *help_next(const struct cmd *prev)
{
	const struct cmd *best = NULL;

	for (const struct cmd *c = __cmd_table_start; c < __cmd_table_end; c++)
		if ((!prev || strcmp(c->name, prev->name) > 0) && (!best || strcmp(c->name, best->name) < 0))
			best = c;
	return best;
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc == 2) {
		c = monitor_find(argv[1]);
		if (!c)
			return cmd_error("help: unknown command '%s' (try 'help')", argv[1]);
#ifdef INGOT_TINY /* the tiny profile: usage lines only (docs/monitor.md has the rest) */
		kprintf("usage: %s\n", c->usage);
#else
		kprintf("usage: %s\n  %s\n", c->usage, c->summary);
#endif
		if (c->help)
			kprintf("%s\n", c->help);
		return 0;
	}
#ifdef INGOT_TINY
	kprintf("commands:\n");
	for (c = help_next(NULL); c; c = help_next(c))
		kprintf("  %s\n", c->usage);
#else
	kprintf("commands (help NAME for details):\n");
	for (c = help_next(NULL); c; c = help_next(c))
		kprintf("  %-34s %s%s\n", c->usage, strlen(c->usage) >= 34 ? " " : "", c->summary);
#endif
	return 0;
}

CMD(help, .name = "help", .usage = "help [CMD]",
    .summary = "list commands, or show one command's usage and examples",
    .help = "examples:\n  help\n  help dump",
    .min_args = 0, .max_args = 1, .fn = cmd_help);

static int cmd_version(int argc, char **argv)
{
	uint64_t text = (uint64_t)(__text_end - __text_start);
	uint64_t rodata = (uint64_t)(__rodata_content_end - __rodata_start);
	uint64_t data = (uint64_t)(__data_end - __data_start);
	uint64_t bss = (uint64_t)(__kernel_end - __bss_start);

	(void)argc, (void)argv;
	kprintf("Ingot " INGOT_VERSION " (x86-64), built " BUILD_DATE " with gcc " __VERSION__ "\n");
	kprintf("kernel: %llu KiB text+rodata+data (text %llu, rodata %llu, data %llu bytes), "
		"%llu KiB bss, %u symbols for backtraces\n",
		(unsigned long long)((kernel_image_bytes() + KiB - 1) / KiB), (unsigned long long)text,
		(unsigned long long)rodata, (unsigned long long)data, (unsigned long long)(bss / KiB), ksyms_count());
	return 0;
}

CMD(version, .name = "version", .usage = "version",
    .summary = "version, build date, compiler and kernel size",
    .min_args = 0, .max_args = 0, .fn = cmd_version);

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc, (void)argv;
	kprintf("powering off\n");
	return power_off();
}

CMD(poweroff, .name = "poweroff", .usage = "poweroff",
    .summary = "switch the machine off (ACPI S5)",
    .min_args = 0, .max_args = 0, .fn = cmd_poweroff);
