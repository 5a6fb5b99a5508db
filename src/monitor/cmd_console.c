/* cmd_console.c: console (every output console: name, kind, device, whether
 * console= selected it) and console bench (lines to the screens, timed with
 * the kernel clock). QEMU: -vga std; OVMF for the framebuffer console. */
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "monitor.h"
#include "netconsole.h"
#include "string.h"
#include "timer.h"

#define BENCH_DEFAULT_LINES 10000ull
#define BENCH_MAX_LINES 10000000ull
#define BENCH_CTRL_C_EVERY 256u /* lines between looks for Ctrl-C */

/* The network console, which a build profile may leave out. */
OPTIONAL(netcon_parse);
OPTIONAL(netcon_start);
OPTIONAL(netcon_stop);

static const char *console_kind_name(unsigned kind)
{
	switch (kind) {
	case CONSOLE_SERIAL:
		return "serial";
	case CONSOLE_VGA:
		return "vga";
	case CONSOLE_FB:
		return "fb";
	case CONSOLE_NET:
		return "net";
	default:
		return "?";
	}
}

static int console_print_table(void)
{
	char desc[128];

	kprintf("NAME    KIND    SELECTED  DEVICE\n");
	for (struct console *c = console_list(); c; c = c->next) {
		desc[0] = 0;
		if (c->describe)
			c->describe(c, desc, sizeof(desc));
		kprintf("%-7s %-7s %-9s %s\n", c->name, console_kind_name(c->kind),
			c->kind & console_selected() ? "yes" : "no", desc);
	}
	return 0;
}

/* The screens this bench draws on, named into buf; 0 when none is selected. */
static unsigned console_bench_targets(char *buf, size_t size)
{
	unsigned n = 0;
	size_t len = 0;

	buf[0] = 0;
	for (struct console *c = console_list(); c; c = c->next) {
		if (!(c->kind & CONSOLE_SCREEN & console_selected()))
			continue;
		len += (size_t)ksnprintf(buf + MIN(len, size), size - MIN(len, size), "%s%s", n ? ", " : "", c->name);
		n++;
	}
	return n;
}

/* Each line is its own console write, as command output is; sync flushes
 * after every one, the cost of a line drawn at once. The text turns by one
 * character a line, so past the line number nearly no cell matches the one
 * above it, and a scroll redraws the screen as real text output would. */
static int console_bench_lines(uint64_t lines, int sync, uint64_t *ns)
{
	static const char text[] = "the quick brown fox jumps over the lazy dog; THE QUICK BROWN FOX 0123456789 ";
	const unsigned len = sizeof(text) - 1;
	char line[32 + 2 * sizeof(text)];
	uint64_t t0 = timer_ns();

	for (uint64_t i = 0; i < lines; i++) {
		unsigned turn = (unsigned)(i % len);
		int n = ksnprintf(line, sizeof(line), "bench %8llu: %s%.*s\n", (unsigned long long)i + 1,
				  text + turn, (int)turn, text);

		console_write_to(CONSOLE_SCREEN, line, (size_t)n);
		if (sync)
			console_flush();
		if (i % BENCH_CTRL_C_EVERY == 0 && console_ctrl_c_pending())
			return -ECANCELED;
	}
	console_flush();
	*ns = timer_ns() - t0;
	return 0;
}

/* console bench [LINES] [sync] */
static int console_bench_args(int argc, char **argv, uint64_t *lines, int *sync)
{
	int nargs = argc - 2;

	*sync = nargs > 0 && !strcmp(argv[argc - 1], "sync");
	if (nargs - *sync > 1)
		return cmd_error("console: too many arguments (usage: console bench [LINES] [sync])");
	if (nargs - *sync == 1 && cmd_arg_u64("console", argv[2], "line count", 0, lines))
		return CMD_REPORTED;
	if (*lines == 0 || *lines > BENCH_MAX_LINES)
		return cmd_error("console: line count %llu out of range (1 to %llu)", (unsigned long long)*lines,
				 (unsigned long long)BENCH_MAX_LINES);
	return 0;
}

static int console_bench(int argc, char **argv)
{
	uint64_t lines = BENCH_DEFAULT_LINES, ns;
	char names[64];
	int sync, err;

	if (console_bench_args(argc, argv, &lines, &sync))
		return CMD_REPORTED;
	if (!console_bench_targets(names, sizeof(names)))
		return cmd_error("console: bench: no screen console is selected");
	err = console_bench_lines(lines, sync, &ns);
	if (err)
		return err;
	kprintf("%llu lines on %s in %llu.%03llu ms (%llu lines/s)%s\n", (unsigned long long)lines, names,
		(unsigned long long)(ns / 1000000), (unsigned long long)(ns / 1000 % 1000),
		(unsigned long long)(ns ? lines * 1000000000ull / ns : 0), sync ? ", each drawn at once" : "");
	return 0;
}

/* console net SETTING | console net off */
static int console_net(int argc, char **argv)
{
	struct netcon_config cfg;
	const char *bad;
	char why[160];
	int err;

	if (!netcon_parse || !netcon_start || !netcon_stop)
		return cmd_error("console: net: this kernel has no network console");
	if (argc != 3)
		return cmd_error("console: usage: console net [IFACE,]dhcp|ADDR/PREFIX[,gw=GW]@HOST[:PORT] | console net off");
	if (!strcmp(argv[2], "off")) {
		kprintf("network console off\n"); /* the last line it sends */
		netcon_stop();
		return 0;
	}
	if (netcon_parse(argv[2], &cfg, &bad))
		return cmd_error("console: net: '%s': %s", argv[2], bad);
	err = netcon_start(&cfg, why, sizeof(why));
	if (err)
		return cmd_error("console: net: %s", why[0] ? why : error_str(err));
	return console_print_table();
}

static int cmd_console(int argc, char **argv)
{
	if (argc == 1)
		return console_print_table();
	if (!strcmp(argv[1], "net"))
		return console_net(argc, argv);
	if (!strcmp(argv[1], "bench"))
		return console_bench(argc, argv);
	return cmd_error("console: unknown subcommand '%s' (try 'help console')", argv[1]);
}

CMD(console, .name = "console", .usage = "console [bench [LINES] [sync]|net SETTING|net off]",
    .summary = "output consoles: name, kind, device, selected; time LINES lines on the screens",
    .help = "console                   every console: name, kind (serial, vga, fb, net), selected by\n"
	    "                          console= or not, and the device (port, geometry, address)\n"
	    "console net [IFACE,]dhcp|ADDR/PREFIX[,gw=GW]@HOST[:PORT]\n"
	    "                          network console: output to HOST:PORT (UDP, default 6666),\n"
	    "                          HOST's datagrams to PORT are input; as netconsole=\n"
	    "console net off           stop it\n"
	    "console bench [LINES]     print LINES lines (default 10000) to the selected screens only\n"
	    "                          and report the time, the last redraw included; Ctrl-C stops it\n"
	    "console bench LINES sync  the same, every line drawn before the next is written\n"
	    "examples:\n  console\n  console bench\n  console bench 100 sync\n  console net dhcp@10.0.2.2:6666",
    .min_args = 0, .max_args = 3, .fn = cmd_console);
