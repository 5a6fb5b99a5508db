/* monitor.c: the monitor's read-eval loop: the line editor on the console,
 * ';'-separated commands looked up in the .cmd_table section, argument
 * count checks, and recovery when a command faults. */
#include <stdarg.h>
#include "console.h"
#include "errno.h"
#include "fs.h"
#include "kernel.h"
#include "lineedit.h"
#include "monitor.h"
#include "netdev.h"
#include "parse.h"
#include "string.h"
#include "trap.h"
#include "x86.h"

#define PROMPT "ingot> "

static struct lineedit editor;
static char argbuf[LE_LINE_MAX];
static struct jmp_state recover_point;

int cmd_error(const char *fmt, ...)
{
	va_list ap;

	kprintf("error: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	return CMD_REPORTED;
}

int cmd_arg_u64(const char *cmd, const char *arg, const char *what, int hex_default, uint64_t *out)
{
	int err = parse_u64(arg, hex_default, out);

	if (err == -ERANGE)
		return cmd_error("%s: %s '%s' is too large", cmd, what, arg);
	if (err)
		return cmd_error("%s: bad %s '%s'", cmd, what, arg);
	return 0;
}

int cmd_arg_width(const char *cmd, const char *arg, unsigned *width)
{
	uint64_t w;

	if (parse_u64(arg, 0, &w) || (w != 1 && w != 2 && w != 4 && w != 8))
		return cmd_error("%s: bad width '%s' (1, 2, 4 or 8)", cmd, arg);
	*width = (unsigned)w;
	return 0;
}

/* The interface NAME, or "error: CMD: no interface" (and CMD_REPORTED). */
int cmd_arg_iface(const char *cmd, const char *name, struct netdev **out)
{
	*out = net_find(name);
	if (!*out)
		return cmd_error("%s: no interface '%s' (see 'net')", cmd, name);
	return 0;
}

int monitor_hexdump(const void *data, uint64_t len, uint64_t base, int digits)
{
	const uint8_t *p = data;
	char ascii[17];

	for (uint64_t off = 0; off < len; off += 16) {
		unsigned n = (unsigned)MIN(16, len - off);

		if (console_ctrl_c_pending())
			return -ECANCELED;
		kprintf("%0*llx:", digits, (unsigned long long)(base + off));
		for (unsigned i = 0; i < 16; i++)
			kprintf(i < n ? " %02x" : "   ", p[off + i]);
		for (unsigned i = 0; i < n; i++)
			ascii[i] = p[off + i] >= 0x20 && p[off + i] < 0x7f ? (char)p[off + i] : '.';
		ascii[n] = 0;
		kprintf("  |%s|\n", ascii);
	}
	return 0;
}

const struct cmd *monitor_find(const char *name)
{
	for (const struct cmd *c = __cmd_table_start; c < __cmd_table_end; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int monitor_check_args(const struct cmd *c, int argc)
{
	if (argc - 1 < c->min_args)
		return cmd_error("%s: missing argument (usage: %s)", c->name, c->usage);
	if (c->max_args >= 0 && argc - 1 > c->max_args)
		return cmd_error("%s: too many arguments (usage: %s)", c->name, c->usage);
	return 0;
}

/* Call the command with the recovery point armed: 1 when it faulted. Kept
 * apart so nothing live across trap_setjmp can be clobbered. */
static __attribute__((noinline)) int monitor_call(const struct cmd *c, int argc, char **argv, int *rc)
{
	if (trap_setjmp(&recover_point)) {
		trap_set_recovery(NULL);
		cpu_sti();
		return 1;
	}
	trap_set_recovery(&recover_point);
	*rc = c->fn(argc, argv);
	trap_set_recovery(NULL);
	return 0;
}

/* Run one command. Returns 1 when it faulted (the rest of the line is then
 * dropped), else 0. */
static int monitor_dispatch(int argc, char **argv)
{
	const struct cmd *c = monitor_find(argv[0]);
	int rc = 0, faulted;

	if (!c) {
		cmd_error("unknown command '%s' (try 'help')", argv[0]);
		return 0;
	}
	if (monitor_check_args(c, argc))
		return 0;
	console_watch_begin();
	faulted = monitor_call(c, argc, argv, &rc);
	if (console_watch_end()) {
		kprintf("%s%s: output stopped by Ctrl-C\n", console_at_line_start() ? "" : "\n", c->name);
		return 1; /* the rest of the line is dropped too */
	}
	if (faulted)
		return 1;
	if (rc < 0)
		cmd_error("%s: %s", c->name, error_str(rc));
	return 0;
}

/* A line that does not parse runs none of its commands: check it whole
 * first. Returns 0 or prints the error and returns -EINVAL. */
static int monitor_check_line(const char *line)
{
	char *argv[PARSE_MAX_ARGS];

	while (line) {
		int argc = parse_command(&line, argbuf, sizeof(argbuf), argv, PARSE_MAX_ARGS);

		if (argc == -E2BIG)
			return cmd_error("too many arguments (at most %d words)", PARSE_MAX_ARGS);
		if (argc < 0)
			return cmd_error("unterminated quote or trailing backslash");
	}
	return 0;
}

void monitor_exec_line(const char *line)
{
	char *argv[PARSE_MAX_ARGS];

	if (monitor_check_line(line))
		return;
	while (line) {
		int argc = parse_command(&line, argbuf, sizeof(argbuf), argv, PARSE_MAX_ARGS);

		if (argc > 0 && monitor_dispatch(argc, argv))
			return;
	}
}

static void monitor_echo(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write(s, n);
}

static void monitor_complete(const char *prefix, size_t len,
			     void (*add)(void *actx, const char *cand), void *actx)
{
	for (const struct cmd *c = __cmd_table_start; c < __cmd_table_end; c++)
		if (!strncmp(c->name, prefix, len))
			add(actx, c->name);
}

/* File names for the commands that take them (fs_path.c; not in every profile). */
OPTIONAL(fs_complete);

static void monitor_complete_arg(const char *cmd, size_t cmdlen, const char *prefix, size_t len,
				 void (*add)(void *actx, const char *cand), void *actx)
{
	static const char *const file_cmds[] = { "ls", "cat", "crc32", "exec", "load", "cp",
						 "rm", "mv", "mkdir", "rmdir", "save" };

	for (size_t i = 0; i < ARRAY_SIZE(file_cmds); i++)
		if (strlen(file_cmds[i]) == cmdlen && !strncmp(file_cmds[i], cmd, cmdlen) && fs_complete)
			fs_complete(prefix, len, add, actx);
}

void monitor_run(void)
{
	lineedit_init(&editor, monitor_echo, NULL);
	editor.complete = monitor_complete;
	editor.complete_arg = monitor_complete_arg;
	for (;;) {
		enum le_result r;

		lineedit_start(&editor, PROMPT);
		do
			r = lineedit_feed(&editor, (unsigned char)console_getc());
		while (r == LE_MORE);
		if (r == LE_DONE)
			monitor_exec_line(editor.buf);
	}
}
